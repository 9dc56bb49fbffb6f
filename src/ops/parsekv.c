/*
** Operator: parse-kv Expr as (Key:type, ...) [with (pair_delimiter=P, kv_delimiter=K,
**           quote=Q, escape=E, greedy=true)]
**           parse-kv Expr as (Key:type, ...) with (regex=R)
** Extends each row with one column per key, its value taken from the key/value pairs of the
** text (parse-kv operator page).  With a delimiter given, the text is split into pairs at P
** (outside quotes) and each pair at its first K, key and value trimmed of blanks; greedy
** lets a value run on over pieces that hold no K.  Without delimiters, a key is found as a
** word, followed by blanks and punctuation (':', '='), and its value is a quoted string or
** runs to the next blank or separator (',', ';', '|').  With regex, its first group is
** the key and its second the value, over every match.  Q is one quote character, or an
** opening and a closing one ('()'); E escapes the next character inside quotes.  The first
** occurrence of a key wins; a missing key or a value that does not convert is null.
*/
#include <stdlib.h>
#include <string.h>

#include "../exec.h"
#include "../regex.h"

typedef struct kv_op {
  op base;           /* common head */
  int nkeys;         /* the columns to extract */
  const char **keys; /* their names */
  int *col;          /* their output columns */
  kql_type *type;    /* their types */
  int *from;         /* per output column: input column or -1 */
  char pair, kv;     /* delimiters; 0 when not given (then both are 0) */
  char qopen, qclose; /* quote characters, or 0 */
  char esc;          /* escape character, or 0 */
  bool greedy;       /* greedy=true */
  kql_regex *re;     /* regex=..., or NULL */
  bool *found;       /* per key: a value was taken for this row */
  arena *tmp;        /* scratch */
  batch *out;        /* output */
} kv_op;

typedef struct text {
  const char *p;     /* start */
  size_t n;          /* length */
} text;

static bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static text trim(text t) {
  while (t.n && blank(t.p[0])) t.p++, t.n--;
  while (t.n && blank(t.p[t.n - 1])) t.n--;
  return t;
}

/* 't' without its quotes and escapes (a copy in 'a' when it changes). */
static text unquote(kv_op *k, arena *a, text t) {
  if (!k->qopen || t.n < 2 || t.p[0] != k->qopen || t.p[t.n - 1] != k->qclose) return t;
  char *s = arena_alloc(a, t.n);
  size_t m = 0;
  for (size_t i = 1; i + 1 < t.n; i++) {
    if (k->esc && t.p[i] == k->esc && i + 2 < t.n) i++;
    s[m++] = t.p[i];
  }
  return (text){s, m};
}

/* Set key 'key' to 'val' in the output row 'r' if it is one of the columns and not yet set. */
static void put_value(kv_op *k, batch *out, int r, text key, text val) {
  for (int i = 0; i < k->nkeys; i++) {
    if (k->found[i] || strlen(k->keys[i]) != key.n || memcmp(k->keys[i], key.p, key.n) != 0) continue;
    kql_value v;
    if (!val_from_text(out->mem, val.p, val.n, k->type[i], &v)) v = val_null(k->type[i]);
    out->cols[k->col[i]][r] = v;
    k->found[i] = true;
    return;
  }
}

/* The end of the piece that starts at 'i' of 's': the next 'stop' outside quotes. */
static size_t piece_end(kv_op *k, const char *s, size_t n, size_t i, char stop) {
  bool q = false;
  for (; i < n; i++) {
    if (q && k->esc && s[i] == k->esc) {
      i++;
      continue;
    }
    if (k->qopen && !q && s[i] == k->qopen) q = true;
    else if (q && s[i] == k->qclose) q = false;
    else if (!q && s[i] == stop) return i;
  }
  return n;
}

static void delimited(kv_op *k, batch *out, int r, const char *s, size_t n) {
  size_t i = 0;
  text key = {0}, val = {0};
  bool have = false;
  while (i <= n) {
    size_t e = piece_end(k, s, n, i, k->pair);
    size_t d = piece_end(k, s, e, i, k->kv);
    if (d < e) { /* key K value */
      if (have) put_value(k, out, r, key, unquote(k, out->mem, trim(val)));
      key = unquote(k, out->mem, trim((text){s + i, d - i}));
      val = (text){s + d + 1, e - d - 1};
      have = true;
    } else if (have && k->greedy) { /* a piece without K continues the value */
      val.n = e - (size_t)(val.p - s);
    }
    i = e + 1;
  }
  if (have) put_value(k, out, r, key, unquote(k, out->mem, trim(val)));
}

static bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* No delimiters: find each key as a word followed by punctuation, then its value. */
static void undelimited(kv_op *k, batch *out, int r, const char *s, size_t n) {
  for (int c = 0; c < k->nkeys; c++) {
    size_t kl = strlen(k->keys[c]);
    for (size_t i = 0; i + kl <= n && !k->found[c]; i++) {
      if (memcmp(s + i, k->keys[c], kl) != 0 || (i > 0 && word_char(s[i - 1])) ||
          (i + kl < n && word_char(s[i + kl])))
        continue;
      size_t j = i + kl;
      while (j < n && blank(s[j])) j++;
      size_t punct = j;
      while (j < n && (s[j] == ':' || s[j] == '=')) j++;
      if (j == punct) continue; /* a word, not a key */
      while (j < n && blank(s[j])) j++;
      size_t e = j;
      if (k->qopen && j < n && s[j] == k->qopen) {
        e = j + 1;
        while (e < n && s[e] != k->qclose) e += k->esc && s[e] == k->esc && e + 1 < n ? 2 : 1;
        if (e < n) e++;
      } else {
        while (e < n && !blank(s[e]) && !strchr(",;|", s[e])) e++;
      }
      put_value(k, out, r, (text){k->keys[c], kl}, unquote(k, out->mem, (text){s + j, e - j}));
    }
  }
}

static bool by_regex(kv_op *k, batch *out, int r, const char *s, size_t n) {
  size_t ovec[6], at = 0;
  while (at <= n) {
    for (int i = 0; i < 6; i++) ovec[i] = (size_t)-1; /* a pattern with fewer groups */
    int m = regex_match(k->re, s, n, at, ovec, 3);
    if (m < 0) return false;
    if (m == 0) break;
    if (ovec[2] != (size_t)-1 && ovec[4] != (size_t)-1)
      put_value(k, out, r, (text){s + ovec[2], ovec[3] - ovec[2]},
                (text){s + ovec[4], ovec[5] - ovec[4]});
    at = ovec[1] > ovec[0] ? ovec[1] : ovec[1] + 1;
  }
  return true;
}

static exec_result kv_next(op *o, batch **out) {
  kv_op *k = (kv_op *)o;
  const bind_rel *rel = o->node->rel;
  batch *in;
  exec_result r = o->child->vt->next(o->child, &in);
  if (r != EXEC_BATCH_READY) return r;
  batch_clear(k->out);
  int n = batch_count(in);
  for (int i = 0; i < n; i++) {
    int row = batch_row(in, i);
    for (int c = 0; c < rel->n; c++)
      k->out->cols[c][i] = k->from[c] >= 0 ? in->cols[k->from[c]][row] : val_null(rel->cols[c].type);
    kql_value src;
    expr_eval(o->x, k->tmp, o->node->a, in, row, &src);
    if (src.isnull && src.type != KQL_T_STRING) continue;
    src = val_tostring(k->tmp, src);
    memset(k->found, 0, sizeof(bool) * (size_t)k->nkeys);
    if (k->re) {
      if (!by_regex(k, k->out, i, src.u.s.p, src.u.s.n)) {
        if (!o->x->failed)
          diag_set(o->x->d, KQL_ERR_RUNTIME, o->node->span,
                   "the regular expression passed its match limit on a value of %zu bytes", src.u.s.n);
        o->x->failed = true;
        return EXEC_ERROR;
      }
    } else if (k->pair) {
      delimited(k, k->out, i, src.u.s.p, src.u.s.n);
    } else {
      undelimited(k, k->out, i, src.u.s.p, src.u.s.n);
    }
  }
  arena_reset(k->tmp);
  k->out->nrows = n;
  o->rows_out += (uint64_t)n;
  *out = k->out;
  return EXEC_BATCH_READY;
}

static void kv_close(op *o) {
  kv_op *k = (kv_op *)o;
  regex_free(k->re);
  arena_free(k->tmp);
  batch_free(k->out);
}

static const op_vtab parsekv_vt = {"parse-kv", kv_next, kv_close};

op *op_parsekv_new(exec_ctx *x, const ast *n, op *child, kql_diag *d) {
  kv_op *k = arena_alloc(x->a, sizeof *k);
  const char *re = NULL;
  size_t relen = 0;
  for (int i = 0; i < n->opts.n; i++) {
    const ast *o = n->opts.v[i];
    const char *v = o->a->lit.type == KQL_T_STRING ? o->a->lit.u.s.p : "";
    size_t len = o->a->lit.type == KQL_T_STRING ? o->a->lit.u.s.n : 0;
    if (strcmp(o->name, "pair_delimiter") == 0) k->pair = v[0];
    else if (strcmp(o->name, "kv_delimiter") == 0) k->kv = v[0];
    else if (strcmp(o->name, "escape") == 0) k->esc = v[0];
    else if (strcmp(o->name, "greedy") == 0) k->greedy = o->a->lit.u.b;
    else if (strcmp(o->name, "regex") == 0) re = v, relen = len;
    else if (strcmp(o->name, "quote") == 0) {
      k->qopen = v[0];
      k->qclose = len > 1 ? v[1] : v[0];
    }
  }
  if (k->pair || k->kv) { /* one delimiter given: the other keeps its default */
    if (!k->pair) k->pair = ' ';
    if (!k->kv) k->kv = '=';
  }
  if (re) {
    char err[256];
    k->re = regex_compile(re, relen, NULL, err, sizeof err);
    if (!k->re) {
      diag_set(d, KQL_ERR_RUNTIME, n->span, "%s", err);
      exec_free(child);
      return NULL;
    }
  }
  k->base.vt = &parsekv_vt;
  k->base.node = n;
  k->base.x = x;
  k->base.child = child;
  k->nkeys = n->list.n;
  size_t nk = (size_t)(k->nkeys ? k->nkeys : 1);
  k->keys = arena_alloc(x->a, sizeof(char *) * nk);
  k->col = arena_alloc(x->a, sizeof(int) * nk);
  k->type = arena_alloc(x->a, sizeof(kql_type) * nk);
  k->found = arena_alloc(x->a, sizeof(bool) * nk);
  const bind_rel *rel = n->rel, *in = n->in->rel;
  k->from = arena_alloc(x->a, sizeof(int) * (size_t)(rel->n ? rel->n : 1));
  for (int c = 0; c < rel->n; c++) k->from[c] = c < in->n ? c : -1;
  for (int i = 0; i < k->nkeys; i++) {
    const ast *e = n->list.v[i];
    k->keys[i] = e->name;
    k->col[i] = e->col;
    k->type[i] = (kql_type)e->op;
    k->from[e->col] = -1;
  }
  k->tmp = arena_new();
  k->out = batch_new(x->a, rel->n);
  return &k->base;
}
