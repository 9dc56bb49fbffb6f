/*
** Operator: externaldata (<columns>) [<urls>] [with (format=csv|tsv|scsv|psv|txt|json|multijson,
**           ignoreFirstRecord=true)] | _GetWatchlist('<alias>')
** Reads local files only: each URL is mapped to a file the user named (--external URL=PATH,
** or a file called like the URL's last segment in a data folder); nothing is ever fetched.
** A watchlist is <data>/watchlists/<alias>.csv with a header line; its SearchKey is the
** column named SearchKey, else the first column.
*/
#include <string.h>
#include <strings.h>

#include "../csv.h"
#include "../exec.h"
#include "../json.h"
#include "../jsonrd.h"

typedef struct ext_op {
  op base;            /* common head */
  const char **paths; /* the files, in order */
  int npaths;         /* how many */
  int cur;            /* the one being read */
  csvrd *csv;         /* its CSV reader */
  jsonrd *json;       /* or its JSON reader */
  char fmt;           /* 'c' csv-like, 'j' json, 't' text lines */
  char sep;           /* csv separator */
  bool skip_first;    /* ignoreFirstRecord=true / watchlist header */
  bool watchlist;     /* _GetWatchlist: first two columns are SearchKey and WatchlistItem */
  int key_field;      /* watchlist: the CSV field of SearchKey */
  uint64_t bad;       /* fields that did not fit their type */
  batch *out;         /* output */
} ext_op;

static const char *prop(const ast *n, const char *name) {
  for (int i = 0; i < n->opts.n; i++) {
    const ast *o = n->opts.v[i];
    if (o->kind == AST_ASSIGN && strcasecmp(o->name, name) == 0) {
      if (o->a->kind == AST_LIT && o->a->lit.type == KQL_T_STRING) return o->a->lit.u.s.p;
      if (o->a->kind == AST_LIT && o->a->lit.type == KQL_T_BOOL) return o->a->lit.u.b ? "true" : "false";
      if (o->a->kind == AST_NAME) return o->a->name;
    }
  }
  return NULL;
}

static bool open_next(ext_op *e, kql_diag *d) {
  if (e->cur >= e->npaths) return false;
  const char *path = e->paths[e->cur];
  if (e->fmt == 'j') e->json = jsonrd_open(path, d);
  else e->csv = csvrd_open(path, e->fmt == 't' ? '\n' : e->sep, d);
  return e->json || e->csv;
}

static void close_cur(ext_op *e) {
  if (e->json) jsonrd_close(e->json);
  if (e->csv) csvrd_close(e->csv);
  e->json = NULL;
  e->csv = NULL;
  e->cur++;
}

/* Fill row 'r' of the output from CSV fields. */
static void from_fields(ext_op *e, int r, char **f, size_t *len, int nf) {
  const bind_rel *rel = e->base.node->rel;
  batch *b = e->out;
  int first = 0;
  if (e->watchlist) {
    int k = e->key_field < nf ? e->key_field : -1;
    b->cols[0][r] = k >= 0 ? val_str(arena_strndup(b->mem, f[k], len[k]), len[k]) : val_str("", 0);
    int k2 = rel->n - 2 < nf ? rel->n - 2 : nf;
    const char **names = arena_alloc(b->mem, sizeof(char *) * (size_t)(k2 > 0 ? k2 : 1));
    kql_value *vals = arena_alloc(b->mem, sizeof(kql_value) * (size_t)(k2 > 0 ? k2 : 1));
    for (int i = 0; i < k2; i++) {
      names[i] = rel->cols[i + 2].name;
      vals[i] = val_str(f[i], len[i]);
    }
    b->cols[1][r] = json_make_bag(b->mem, names, vals, (size_t)(k2 > 0 ? k2 : 0));
    first = 2;
  }
  for (int c = first; c < rel->n; c++) {
    int i = c - first;
    kql_type t = rel->cols[c].type;
    if (e->fmt == 't' && c == first) {
      /* a text line: the whole line is the first column */
      b->cols[c][r] = val_strtype(t == KQL_T_STRING ? t : KQL_T_STRING, arena_strndup(b->mem, f[0], len[0]), len[0]);
      continue;
    }
    if (i >= nf || (len[i] == 0 && t != KQL_T_STRING)) {
      b->cols[c][r] = val_null(t);
      continue;
    }
    if (!val_from_text(b->mem, f[i], len[i], t, &b->cols[c][r])) {
      b->cols[c][r] = val_null(t);
      e->bad++;
    }
  }
}

static exec_result ext_next(op *o, batch **out) {
  ext_op *e = (ext_op *)o;
  const bind_rel *rel = o->node->rel;
  batch_clear(e->out);
  while (e->out->nrows < EXEC_BATCH) {
    if (!e->json && !e->csv) {
      if (e->cur >= e->npaths) break;
      if (!open_next(e, o->x->d)) return EXEC_ERROR;
      if (e->skip_first && e->csv) {
        char **f;
        size_t *len;
        int nf;
        if (csvrd_next(e->csv, &f, &len, &nf, o->x->d) < 0) return EXEC_ERROR;
      }
    }
    int r = e->out->nrows;
    if (e->json) {
      void *obj;
      long line;
      int rc = jsonrd_next(e->json, &obj, &line, o->x->d);
      if (rc < 0) return EXEC_ERROR;
      if (rc == 0) {
        close_cur(e);
        continue;
      }
      for (int c = 0; c < rel->n; c++)
        if (json_to_value(json_member(obj, rel->cols[c].name), rel->cols[c].type, e->out->mem,
                          &e->out->cols[c][r]) == JSON_FIT_BAD)
          e->bad++;
    } else {
      char **f;
      size_t *len;
      int nf;
      int rc = csvrd_next(e->csv, &f, &len, &nf, o->x->d);
      if (rc < 0) return EXEC_ERROR;
      if (rc == 0) {
        close_cur(e);
        continue;
      }
      from_fields(e, r, f, len, nf);
    }
    e->out->nrows++;
  }
  if (e->out->nrows == 0) return EXEC_DONE;
  o->rows_out += (uint64_t)e->out->nrows;
  *out = e->out;
  return EXEC_BATCH_READY;
}

static void ext_close(op *o) {
  ext_op *e = (ext_op *)o;
  if (e->json) jsonrd_close(e->json);
  if (e->csv) csvrd_close(e->csv);
  o->x->rows_bad += e->bad;
  batch_free(e->out);
}

static const op_vtab ext_vt = {"externaldata", ext_next, ext_close};

op *op_external_new(exec_ctx *x, const ast *n, kql_diag *d) {
  ext_op *e = arena_alloc(x->a, sizeof *e);
  e->base.vt = &ext_vt;
  e->base.node = n;
  e->base.x = x;
  e->fmt = 'c';
  e->sep = ',';
  if (n->flags & 1) { /* a watchlist: the binder found the file and its SearchKey */
    e->watchlist = true;
    e->skip_first = true;
    e->key_field = n->op;
    e->npaths = 1;
    e->paths = arena_alloc(x->a, sizeof(char *));
    e->paths[0] = n->name;
  } else {
    const char *fmt = prop(n, "format");
    if (fmt) {
      if (strcasecmp(fmt, "tsv") == 0 || strcasecmp(fmt, "tsve") == 0) e->sep = '\t';
      else if (strcasecmp(fmt, "scsv") == 0) e->sep = ';';
      else if (strcasecmp(fmt, "psv") == 0) e->sep = '|';
      else if (strcasecmp(fmt, "txt") == 0 || strcasecmp(fmt, "raw") == 0) e->fmt = 't';
      else if (strcasecmp(fmt, "json") == 0 || strcasecmp(fmt, "multijson") == 0) e->fmt = 'j';
      else if (strcasecmp(fmt, "csv") != 0) {
        diag_set(d, KQL_ERR_UNSUPPORTED, n->span, "externaldata format '%s' is not supported yet", fmt);
        return NULL;
      }
    }
    const char *skip = prop(n, "ignoreFirstRecord");
    e->skip_first = skip && strcasecmp(skip, "true") == 0;
    e->npaths = n->list.n;
    e->paths = arena_alloc(x->a, sizeof(char *) * (size_t)(n->list.n ? n->list.n : 1));
    for (int i = 0; i < n->list.n; i++) {
      const ast *u = n->list.v[i];
      const char *url = arena_strndup(x->a, u->lit.u.s.p, u->lit.u.s.n);
      e->paths[i] = cat_external(x->cat, url);
      if (!e->paths[i]) {
        diag_set(d, KQL_ERR_IO, u->span, "externaldata: no local file for '%s'", url);
        diag_hint(d, "%s", "kql never downloads: map the URL to a file with --external URL=PATH, or put a file of that name in a --data folder");
        return NULL;
      }
    }
  }
  e->out = batch_new(x->a, n->rel->n);
  return &e->base;
}
