/*
** Operator: parse [kind=simple|regex|relaxed] [flags=F] Expr with * "text" Col:type ...
**           parse-where ... (the same, keeping only the rows that match)
** The pattern becomes one regular expression, anchored at the start of the text: '*' is
** .*?, a string capture is (.*?) (or (.*) when it ends the pattern), a long or int capture
** (-?\d+), a real capture a decimal number; text is literal except in kind=regex.
** When the text does not match, the captures are null (parse) or the row is dropped
** (parse-where); in kind=relaxed a capture that does not convert to its type is null.
*/
#include <stdlib.h>
#include <string.h>

#include "../exec.h"
#include "../json.h"
#include "../lit.h"
#include "../regex.h"

typedef struct parse_op {
  op base;           /* common head */
  kql_regex *re;     /* the pattern */
  int ncap;          /* captures */
  int *cap_col;      /* per capture: output column */
  kql_type *cap_type; /* per capture: its type */
  int *from;         /* per output column: input column or -1 */
  bool where;        /* parse-where */
  bool relaxed;      /* kind=relaxed */
  arena *tmp;        /* scratch */
  batch *out;        /* output */
} parse_op;

typedef struct sbuf2 {
  char *p;      /* text */
  size_t n;     /* used */
  size_t cap;   /* room */
} sbuf2;

static void put(sbuf2 *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    b->cap = (b->n + n + 1) * 2;
    b->p = xrealloc(b->p, b->cap);
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = 0;
}

static void put_literal(sbuf2 *b, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (strchr("\\^$.|?*+()[]{}", s[i])) put(b, "\\", 1);
    put(b, s + i, 1);
  }
}

/* A regex fragment of the pattern, its own groups made non-capturing so that the captures
** of the columns keep their numbers. */
static void put_regex(sbuf2 *b, const char *s, size_t n) {
  bool cls = false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '\\' && i + 1 < n) {
      put(b, s + i, 2);
      i++;
      continue;
    }
    if (c == '[') cls = true;
    else if (c == ']') cls = false;
    put(b, s + i, 1);
    if (c == '(' && !cls && !(i + 1 < n && s[i + 1] == '?')) put(b, "?:", 2);
  }
}

static exec_result parse_next(op *o, batch **out) {
  parse_op *p = (parse_op *)o;
  const bind_rel *rel = o->node->rel;
  for (;;) {
    batch *in;
    exec_result r = o->child->vt->next(o->child, &in);
    if (r != EXEC_BATCH_READY) return r;
    batch_clear(p->out);
    int n = batch_count(in), k = 0;
    size_t ovec[2 * 64];
    for (int i = 0; i < n; i++) {
      int row = batch_row(in, i);
      kql_value src;
      expr_eval(o->x, p->tmp, o->node->a, in, row, &src);
      src = val_tostring(p->tmp, src);
      int m = regex_match(p->re, src.u.s.p, src.u.s.n, 0, ovec, 64);
      if (m < 0) { /* not "no match": a crafted value must not slip past */
        if (!o->x->failed)
          diag_set(o->x->d, KQL_ERR_RUNTIME, o->node->span,
                   "the regular expression passed its match limit on a value of %zu bytes",
                   src.u.s.n);
        o->x->failed = true;
        return EXEC_ERROR;
      }
      kql_value caps[64];
      bool ok = m > 0;
      for (int c = 0; ok && c < p->ncap; c++) {
        size_t s = ovec[2 * (c + 1)], e = ovec[2 * (c + 1) + 1];
        if (s == (size_t)-1) {
          caps[c] = val_null(p->cap_type[c]);
          continue;
        }
        if (!val_from_text(p->out->mem, src.u.s.p + s, e - s, p->cap_type[c], &caps[c])) {
          if (!p->relaxed) ok = false;
          caps[c] = val_null(p->cap_type[c]);
        }
      }
      if (!ok && p->where) continue;
      for (int c = 0; c < rel->n; c++)
        if (p->from[c] >= 0) p->out->cols[c][k] = in->cols[p->from[c]][row];
      for (int c = 0; c < p->ncap; c++)
        p->out->cols[p->cap_col[c]][k] = ok ? caps[c] : val_null(p->cap_type[c]);
      k++;
    }
    arena_reset(p->tmp);
    if (k == 0) continue;
    p->out->nrows = k;
    o->rows_out += (uint64_t)k;
    *out = p->out;
    return EXEC_BATCH_READY;
  }
}

static void parse_close(op *o) {
  parse_op *p = (parse_op *)o;
  regex_free(p->re);
  arena_free(p->tmp);
  batch_free(p->out);
}

static const op_vtab parse_vt = {"parse", parse_next, parse_close};

op *op_parse_new(exec_ctx *x, const ast *n, op *child, kql_diag *d) {
  const char *kind = "simple", *flags = NULL;
  for (int i = 0; i < n->opts.n; i++) {
    const ast *opt = n->opts.v[i];
    const char *v = opt->a->kind == AST_NAME ? opt->a->name
                    : opt->a->kind == AST_LIT && opt->a->lit.type == KQL_T_STRING ? opt->a->lit.u.s.p : "";
    if (strcmp(opt->name, "kind") == 0) kind = v;
    if (strcmp(opt->name, "flags") == 0) flags = v;
  }
  bool regex = strcmp(kind, "regex") == 0;
  sbuf2 b = {0};
  put(&b, "\\A", 2);
  int ncap = 0;
  for (int i = 0; i < n->list.n; i++) ncap += n->list.v[i]->kind == AST_PARAM;
  if (ncap > 63) {
    diag_set(d, KQL_ERR_RUNTIME, n->span, "parse has %d columns; at most 63 are supported", ncap);
    free(b.p);
    exec_free(child);
    return NULL;
  }
  parse_op *p = arena_alloc(x->a, sizeof *p);
  p->cap_col = arena_alloc(x->a, sizeof(int) * (size_t)(ncap ? ncap : 1));
  p->cap_type = arena_alloc(x->a, sizeof(kql_type) * (size_t)(ncap ? ncap : 1));
  bool relaxed = strcmp(kind, "relaxed") == 0;
  for (int i = 0; i < n->list.n; i++) {
    const ast *e = n->list.v[i];
    bool last = i == n->list.n - 1;
    if (e->kind == AST_STAR) {
      /* kind=regex is greedy unless flags=U; simple and relaxed stop at the next text */
      if (regex || last) put(&b, ".*", 2);
      else put(&b, ".*?", 3);
    } else if (e->kind == AST_LIT) {
      if (regex) put_regex(&b, e->lit.u.s.p, e->lit.u.s.n);
      else put_literal(&b, e->lit.u.s.p, e->lit.u.s.n);
    } else {
      kql_type t = (kql_type)e->op;
      const char *g = last || regex ? "(.*)" : "(.*?)";
      /* relaxed: a number if there is one (so 'n:long *' takes the digits, not nothing), else
      ** the text up to what follows, which converts to null */
      if (t == KQL_T_LONG || t == KQL_T_INT) g = relaxed ? (last ? "(\\-?\\d+|.*)" : "(\\-?\\d+|.*?)") : "(\\-?\\d+)";
      else if (t == KQL_T_REAL || t == KQL_T_DECIMAL)
        g = relaxed ? (last ? "(\\-?\\d+(?:\\.\\d+)?(?:[eE][\\-+]?\\d+)?|.*)" : "(\\-?\\d+(?:\\.\\d+)?(?:[eE][\\-+]?\\d+)?|.*?)")
                    : "(\\-?\\d+(?:\\.\\d+)?(?:[eE][\\-+]?\\d+)?)";
      put(&b, g, strlen(g));
      p->cap_col[p->ncap] = e->col;
      p->cap_type[p->ncap++] = t;
    }
  }
  char err[256];
  p->re = regex_compile(b.p, b.n, flags, err, sizeof err);
  free(b.p);
  if (!p->re) {
    diag_set(d, KQL_ERR_RUNTIME, n->span, "%s", err);
    exec_free(child);
    return NULL;
  }
  p->base.vt = &parse_vt;
  p->base.node = n;
  p->base.x = x;
  p->base.child = child;
  p->where = n->flags & 1;
  p->relaxed = relaxed;
  const bind_rel *rel = n->rel, *in = n->in->rel;
  p->from = arena_alloc(x->a, sizeof(int) * (size_t)(rel->n ? rel->n : 1));
  for (int c = 0; c < rel->n; c++) p->from[c] = c < in->n ? c : -1;
  for (int c = 0; c < p->ncap; c++) p->from[p->cap_col[c]] = -1;
  p->tmp = arena_new();
  p->out = batch_new(x->a, rel->n);
  return &p->base;
}
