/*
** functions.c: saved functions from folders (--functions DIR), as functions.h describes.
** A function file becomes the text "let f = (PARAMS) {\n" + its query + "\n}", checked by the
** parser when it is read; a query that names the function gets that text parsed into its
** arena, with spans moved to a region after the query, and binds it as a let function.
**
** EXAMPLE: queries/functions/FailedLogonsFrom.yaml (FunctionName FailedLogonsFrom,
** FunctionParams ip:string, min:long = 1) is called as
**   FailedLogonsFrom('10.0.0.5') | summarize count() by DeviceName
*/
#include "functions.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "diag.h"
#include "parse.h"
#include "rule.h"

#define FLIB_MAX_DEPTH 16 /* folder levels searched */

/* A function of the library. */
typedef struct flib_fn {
  char *name;           /* FunctionName / ParserName / the .kql file's name */
  char *alias;          /* FunctionAlias / EquivalentBuiltInParser, or NULL */
  char *path;           /* its file */
  char *text;           /* the let function text */
  size_t len;           /* its length */
  size_t body_off;      /* where the query starts in 'text' */
  size_t body_len;      /* its length */
  rule_file *rf;        /* the YAML file (its query's map into the file), or NULL for .kql */
  long pline, pcol;     /* where the parameters are written in the file (header errors) */
  bool broken;          /* 'err' says what is wrong with it */
  kql_diag err;         /* located in its file */
  struct flib_fn *next; /* another */
} flib_fn;

/* A function used by the query being compiled. */
typedef struct flib_use {
  flib_fn *f;           /* the function */
  uint32_t base;        /* its region starts here */
  ast *func;            /* its AST_FUNC in the query's arena */
} flib_use;

struct flib {
  flib_fn *fns;         /* the functions, newest first */
  int n;                /* how many */
  /* the query being compiled (flib_begin .. flib_end) */
  arena *a;             /* its arena */
  size_t qlen;          /* its length */
  size_t next;          /* where the next region starts */
  flib_use *used;       /* functions it named */
  int nused, cap;       /* how many, room */
  const flib_fn *broken_hit; /* the first broken function it named */
};

flib *flib_new(void) { return xcalloc(1, sizeof(flib)); }

void flib_free(flib *l) {
  if (!l) return;
  for (flib_fn *f = l->fns; f;) {
    flib_fn *n = f->next;
    free(f->name);
    free(f->alias);
    free(f->path);
    free(f->text);
    rule_free(f->rf);
    free(f);
    f = n;
  }
  free(l->used);
  free(l);
}

int flib_count(const flib *l) { return l ? l->n : 0; }

/* ---- where an offset of a function's text is in its file ---- */

/* Set '*line', '*col' (1-based) for offset 'o' of the text of 'f'. */
static void locate(const flib_fn *f, size_t o, long *line, long *col) {
  if (o < f->body_off) { /* the parameters: where the file writes them */
    *line = f->pline;
    *col = f->pcol;
    return;
  }
  size_t q = o - f->body_off;
  if (q > f->body_len) q = f->body_len;
  const char *body = f->text + f->body_off;
  long k = 0;
  size_t bol = 0;
  for (size_t i = 0; i < q; i++)
    if (body[i] == '\n') k++, bol = i + 1;
  long c = (long)(q - bol);
  if (!f->rf) {
    *line = k + 1;
    *col = c + 1;
    return;
  }
  const kql_srcmap *m = &f->rf->map;
  if (m->nlines <= 0) {
    *line = 1, *col = 1;
    return;
  }
  if (k >= m->nlines) k = m->nlines - 1;
  *line = m->line[k];
  *col = m->col0[k] + c + 1;
}

/* Move diagnostic 'd' (a span into the text of 'f', offset by 'base') to f's file. */
static void move_to_file(const flib_fn *f, uint32_t base, kql_diag *d) {
  long line, col;
  locate(f, d->start >= base ? d->start - base : 0, &line, &col);
  d->has_span = 0;
  d->start = d->end = 0;
  snprintf(d->file, sizeof d->file, "%s", f->path);
  d->line = line;
  d->col = col;
}

/* ---- reading function files ---- */

static bool is_ident(const char *s) {
  if (!*s || (*s >= '0' && *s <= '9')) return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          *s == '_'))
      return false;
  return true;
}

/* A growing string. */
typedef struct sbuf {
  char *p;
  size_t n, cap;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    b->cap = (b->n + n + 1) * 2;
    b->p = xrealloc(b->p, b->cap);
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = 0;
}

static void sb_str(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

/* A scalar value of key 'key' of mapping 'm', or NULL. */
static const char *scalar(const ynode *m, const char *key) {
  const ynode *n = yn_get(m, key);
  return n && n->kind == YN_SCALAR && !yn_is_null(n) ? n->s : NULL;
}

/* Write the parameter 'p' ({Name, Type, Default}) as KQL; false with 'd' located when it
** cannot be. */
static bool put_param(sbuf *b, const char *path, const ynode *p, kql_diag *d) {
  const char *name = scalar(p, "Name"), *type = scalar(p, "Type");
  const ynode *dn = yn_get(p, "Default");
  if (p->kind != YN_MAP || !name || !type || !is_ident(name)) {
    diag_file(d, KQL_ERR_SYNTAX, path, p->line, p->col,
              "a function parameter needs a Name (an identifier) and a Type");
    return false;
  }
  if (strcasecmp(type, "table") == 0 || type[0] == '(') {
    diag_file(d, KQL_ERR_UNSUPPORTED, path, p->line, p->col,
              "tabular parameters of saved functions are not supported yet");
    return false;
  }
  sb_str(b, name);
  sb_str(b, ":");
  sb_str(b, type);
  if (dn && dn->kind == YN_SCALAR && !(dn->plain && yn_is_null(dn))) {
    sb_str(b, " = ");
    bool quoted = dn->n >= 2 && (dn->s[0] == '\'' || dn->s[0] == '"') &&
                  dn->s[dn->n - 1] == dn->s[0];
    if ((strcasecmp(type, "string") == 0) && !quoted) {
      /* YAML took the quotes away ('*' is the string *): quote it again */
      sb_str(b, "\"");
      for (size_t i = 0; i < dn->n; i++) {
        if (dn->s[i] == '"' || dn->s[i] == '\\') sb_str(b, "\\");
        sb_put(b, dn->s + i, 1);
      }
      sb_str(b, "\"");
    } else if (strcasecmp(type, "bool") == 0 &&
               (strcasecmp(dn->s, "true") == 0 || strcasecmp(dn->s, "false") == 0)) {
      sb_str(b, strcasecmp(dn->s, "true") == 0 ? "true" : "false");
    } else {
      sb_put(b, dn->s, dn->n);
    }
  }
  return true;
}

/* Parse the text of 'f' to find its errors now; they are reported when it is called. */
static void check_fn(flib_fn *f) {
  arena *a = arena_new();
  kql_diag d;
  memset(&d, 0, sizeof d);
  ast *q = kql_parse(a, f->text, f->len, &d);
  if (q && (q->list.n != 1 || q->list.v[0]->kind != AST_LET || !q->list.v[0]->a ||
            q->list.v[0]->a->kind != AST_FUNC)) {
    /* the query closed the function's braces itself */
    diag_file(&d, KQL_ERR_SYNTAX, f->path, 0, 0, "%s", "unbalanced '}' in the function's query");
    locate(f, f->body_off + f->body_len, &d.line, &d.col);
    q = NULL;
  } else if (!q && d.has_span) {
    if (d.start >= f->body_off + f->body_len) /* at the brace that closes the function */
      snprintf(d.msg, sizeof d.msg, "%s", "the function's query ends unfinished");
    move_to_file(f, 0, &d);
  } else if (!q) {
    snprintf(d.file, sizeof d.file, "%s", f->path);
  }
  if (!q) {
    f->broken = true;
    f->err = d;
  }
  arena_free(a);
}

static void add_fn(flib *l, flib_fn *f, const char *header, const char *body, size_t blen) {
  sbuf b = {0};
  sb_str(&b, header);
  f->body_off = b.n;
  sb_put(&b, body, blen);
  f->body_len = blen;
  sb_str(&b, "\n}");
  f->text = b.p;
  f->len = b.n;
  check_fn(f);
  f->next = l->fns;
  l->fns = f;
  l->n++;
}

/* Read the .kql file 'path': a parameterless function named after the file. */
static kql_status add_kql(flib *l, const char *path, kql_diag *d) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t n = strlen(base) - 4; /* ".kql" */
  char *name = xmalloc(n + 1);
  memcpy(name, base, n);
  name[n] = 0;
  if (!is_ident(name)) {
    free(name);
    return diag_file(d, KQL_ERR_USAGE, path, 0, 0,
                     "a function file's name must be the function's name (an identifier)");
  }
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    free(name);
    return diag_file(d, KQL_ERR_IO, path, 0, 0, "cannot open function file");
  }
  sbuf body = {0};
  char buf[8192];
  size_t got;
  while ((got = fread(buf, 1, sizeof buf, fp)) > 0) sb_put(&body, buf, got);
  fclose(fp);
  flib_fn *f = xcalloc(1, sizeof *f);
  f->name = name;
  f->path = xstrdup(path);
  f->pline = f->pcol = 1;
  add_fn(l, f, "let f = () {\n", body.p ? body.p : "", body.n);
  free(body.p);
  return KQL_OK;
}

/* Read the YAML file 'path'; one without a function query is skipped. */
static kql_status add_yaml(flib *l, const char *path, kql_diag *d) {
  kql_diag e;
  rule_file *r = rule_load_function(path, &e);
  if (!r) {
    if (strstr(e.msg, "has no 'FunctionQuery'")) return KQL_OK; /* not a function */
    *d = e;
    return e.code;
  }
  const ynode *doc = r->doc;
  const char *name = scalar(doc, "FunctionName");
  if (!name) name = scalar(doc, "ParserName");
  const char *alias = scalar(doc, "FunctionAlias");
  if (!alias) alias = scalar(doc, "EquivalentBuiltInParser");
  if (!name) name = alias, alias = NULL;
  if (!name || !is_ident(name) || (alias && !is_ident(alias))) {
    diag_file(d, KQL_ERR_SYNTAX, path, doc ? doc->line : 0, doc ? doc->col : 0,
              "a function file needs FunctionName (or ParserName) as an identifier");
    rule_free(r);
    return KQL_ERR_SYNTAX;
  }
  const ynode *params = yn_get(doc, "FunctionParams");
  if (!params) params = yn_get(doc, "ParserParams");
  sbuf h = {0};
  sb_str(&h, "let f = (");
  if (params && params->kind == YN_SEQ) {
    for (int i = 0; i < params->nkids; i++) {
      if (i) sb_str(&h, ", ");
      if (!put_param(&h, path, params->kids[i], d)) {
        free(h.p);
        rule_free(r);
        return d->code;
      }
    }
  } else if (params && !yn_is_null(params)) {
    free(h.p);
    diag_file(d, KQL_ERR_SYNTAX, path, params->line, params->col,
              "FunctionParams must be a list of {Name, Type, Default}");
    rule_free(r);
    return KQL_ERR_SYNTAX;
  }
  sb_str(&h, ") {\n");
  flib_fn *f = xcalloc(1, sizeof *f);
  f->name = xstrdup(name);
  f->alias = alias ? xstrdup(alias) : NULL;
  f->path = xstrdup(path);
  f->rf = r;
  f->pline = params ? params->line : 1;
  f->pcol = params ? params->col : 1;
  add_fn(l, f, h.p, r->query, r->query_len);
  free(h.p);
  return KQL_OK;
}

static bool ends_with(const char *s, const char *ext) {
  size_t n = strlen(s), k = strlen(ext);
  return n > k && strcasecmp(s + n - k, ext) == 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static kql_status walk_dir(flib *l, const char *dir, int depth, kql_diag *d) {
  if (depth > FLIB_MAX_DEPTH) return KQL_OK;
  DIR *dd = opendir(dir);
  if (!dd) return diag_file(d, KQL_ERR_IO, dir, 0, 0, "cannot open functions folder");
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(dd))) {
    if (e->d_name[0] == '.') continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 32;
      names = xrealloc(names, sizeof *names * cap);
    }
    names[n++] = xstrdup(e->d_name);
  }
  closedir(dd);
  qsort(names, n, sizeof *names, cmp_str); /* the same order everywhere */
  kql_status st = KQL_OK;
  for (size_t i = 0; i < n; i++) {
    size_t plen = strlen(dir) + strlen(names[i]) + 2;
    char *p = xmalloc(plen);
    snprintf(p, plen, "%s/%s", dir, names[i]);
    struct stat sb;
    if (st == KQL_OK && stat(p, &sb) == 0) {
      if (S_ISDIR(sb.st_mode)) st = walk_dir(l, p, depth + 1, d);
      else if (ends_with(p, ".kql")) st = add_kql(l, p, d);
      else if (ends_with(p, ".yaml") || ends_with(p, ".yml")) st = add_yaml(l, p, d);
    }
    free(p);
    free(names[i]);
  }
  free(names);
  return st;
}

kql_status flib_add_dir(flib *l, const char *dir, kql_diag *d) {
  struct stat sb;
  if (stat(dir, &sb) == 0 && S_ISREG(sb.st_mode)) {
    /* one file (kql check over folders): its own errors are reported now */
    const flib_fn *before = l->fns;
    kql_status st = ends_with(dir, ".kql") ? add_kql(l, dir, d) : add_yaml(l, dir, d);
    if (st != KQL_OK) return st;
    if (l->fns == before)
      return diag_file(d, KQL_ERR_SYNTAX, dir, 0, 0, "%s", "file has no 'FunctionQuery' or 'ParserQuery'");
    if (l->fns->broken) {
      *d = l->fns->err;
      return d->code;
    }
    return KQL_OK;
  }
  if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
    return diag_nospan(d, KQL_ERR_IO, "functions folder '%s' does not exist", dir);
  return walk_dir(l, dir, 0, d);
}

/* ---- a query's use of the library ---- */

void flib_begin(flib *l, arena *a, size_t len) {
  if (!l) return;
  l->a = a;
  l->qlen = len;
  l->next = len + 1;
  l->nused = 0;
  l->broken_hit = NULL;
}

/* Add 'base' to the spans of 'n' and all below it. */
static void shift(ast *n, uint32_t base, int depth) {
  if (!n || depth > 10000) return;
  n->span.start += base;
  n->span.end += base;
  shift(n->in, base, depth + 1);
  shift(n->a, base, depth + 1);
  shift(n->b, base, depth + 1);
  shift(n->c, base, depth + 1);
  for (int i = 0; i < n->list.n; i++) shift(n->list.v[i], base, depth + 1);
  for (int i = 0; i < n->by.n; i++) shift(n->by.v[i], base, depth + 1);
  for (int i = 0; i < n->opts.n; i++) shift(n->opts.v[i], base, depth + 1);
}

ast *flib_get(flib *l, const char *name) {
  if (!l || !l->a) return NULL;
  flib_fn *f = l->fns;
  for (; f; f = f->next)
    if (strcmp(f->name, name) == 0 || (f->alias && strcmp(f->alias, name) == 0)) break;
  if (!f) return NULL;
  if (f->broken) {
    if (!l->broken_hit) l->broken_hit = f;
    return NULL;
  }
  for (int i = 0; i < l->nused; i++)
    if (l->used[i].f == f) return l->used[i].func;
  size_t base = l->next > f->len + 1 ? l->next : f->len + 1; /* past every unmoved span */
  if (base + f->len >= UINT32_MAX) return NULL;
  kql_diag d;
  ast *q = kql_parse(l->a, f->text, f->len, &d);
  if (!q) return NULL; /* not expected: the text parsed when it was read */
  ast *func = q->list.v[0]->a;
  shift(func, (uint32_t)base, 0);
  if (l->nused == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 8;
    l->used = xrealloc(l->used, sizeof *l->used * (size_t)l->cap);
  }
  l->used[l->nused++] = (flib_use){f, (uint32_t)base, func};
  l->next = base + f->len + 1;
  return func;
}

const char *flib_end(flib *l, const char *src, size_t len, bool failed, kql_diag *d) {
  if (!l || !l->a) return src;
  arena *a = l->a;
  l->a = NULL;
  if (failed) {
    if (d->has_span && d->start > len) {
      for (int i = 0; i < l->nused; i++) {
        const flib_use *u = &l->used[i];
        if (d->start >= u->base && d->start <= u->base + u->f->len) {
          move_to_file(u->f, u->base, d);
          break;
        }
      }
    } else if (l->broken_hit) {
      *d = l->broken_hit->err;
    }
    return src;
  }
  if (l->nused == 0) return src;
  char *all = arena_alloc(a, l->next + 1);
  memset(all, '\n', l->next);
  memcpy(all, src, len);
  for (int i = 0; i < l->nused; i++) memcpy(all + l->used[i].base, l->used[i].f->text, l->used[i].f->len);
  all[l->next] = 0;
  return all;
}
