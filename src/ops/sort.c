/*
** Operator: sort by <keys> (also order by) | top <n> by <key>
** A sink: copies every input row (and its key values) into its own arena, sorts them with
** Kusto's defaults (descending; nulls last when descending, first when ascending, unless
** 'nulls first|last' says otherwise), and emits them in batches.  The sort is stable.
*/
#include <stdlib.h>
#include <string.h>

#include "../exec.h"

typedef struct sort_op {
  op base;           /* common head */
  int ncols;         /* columns of a row */
  int nkeys;         /* sort keys */
  const ast **keys;  /* AST_SORTKEY nodes */
  kql_value **rows;  /* rows: ncols values then nkeys key values */
  size_t nrows;      /* rows held */
  size_t cap;        /* room */
  size_t emitted;    /* rows emitted */
  int64_t limit;     /* top: rows to keep; -1 for sort */
  bool consumed;     /* input read */
  arena *keep;       /* row values */
  arena *tmp;        /* scratch */
  batch *out;        /* output */
} sort_op;

/* qsort_r is not C11: sort an index array with a context-free merge sort instead. */
static int cmp_rows(const sort_op *s, const kql_value *a, const kql_value *b) {
  for (int k = 0; k < s->nkeys; k++) {
    const kql_value *x = &a[s->ncols + k], *y = &b[s->ncols + k];
    int flags = s->keys[k]->flags;
    bool asc = flags & AST_SORT_ASC;
    bool nulls_first = (flags & AST_SORT_NULLS_SET) ? (flags & AST_SORT_NULLS_FIRST) != 0 : asc;
    bool xn = x->isnull, yn = y->isnull;
    if (xn || yn) {
      if (xn && yn) continue;
      return (xn ? -1 : 1) * (nulls_first ? 1 : -1);
    }
    int c = val_compare(x, y);
    if (c) return asc ? c : -c;
  }
  return 0;
}

static void merge_sort(const sort_op *s, kql_value **v, kql_value **tmp, size_t n) {
  if (n < 2) return;
  size_t h = n / 2;
  merge_sort(s, v, tmp, h);
  merge_sort(s, v + h, tmp, n - h);
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = cmp_rows(s, v[j], v[i]) < 0 ? v[j++] : v[i++];
  while (i < h) tmp[k++] = v[i++];
  while (j < n) tmp[k++] = v[j++];
  memcpy(v, tmp, sizeof *v * n);
}

static void consume(sort_op *s, batch *b) {
  int n = batch_count(b);
  for (int i = 0; i < n; i++) {
    int row = batch_row(b, i);
    kql_value *r = arena_alloc(s->keep, sizeof *r * (size_t)(s->ncols + s->nkeys));
    for (int c = 0; c < s->ncols; c++) r[c] = val_copy(s->keep, b->cols[c][row]);
    for (int k = 0; k < s->nkeys; k++) {
      kql_value v;
      expr_eval(s->base.x, s->tmp, s->keys[k]->a, b, row, &v);
      r[s->ncols + k] = val_copy(s->keep, v);
    }
    if (s->nrows == s->cap) {
      s->cap = s->cap ? s->cap * 2 : 256;
      s->rows = xrealloc(s->rows, sizeof *s->rows * s->cap);
    }
    s->rows[s->nrows++] = r;
  }
  arena_reset(s->tmp);
}

static exec_result sort_next(op *o, batch **out) {
  sort_op *s = (sort_op *)o;
  if (!s->consumed) {
    batch *b;
    exec_result r;
    while ((r = o->child->vt->next(o->child, &b)) == EXEC_BATCH_READY) {
      consume(s, b);
      if (!exec_charge(o, arena_used(s->keep) + s->cap * sizeof *s->rows)) return EXEC_ERROR;
    }
    if (r == EXEC_ERROR) return r;
    s->consumed = true;
    kql_value **tmp = xmalloc(sizeof *tmp * (s->nrows ? s->nrows : 1));
    merge_sort(s, s->rows, tmp, s->nrows);
    free(tmp);
    if (s->limit >= 0 && (size_t)s->limit < s->nrows) s->nrows = (size_t)s->limit;
  }
  return exec_emit_rows(o, s->out, s->rows, s->nrows, &s->emitted, s->ncols, out);
}

static void sort_close(op *o) {
  sort_op *s = (sort_op *)o;
  free(s->rows);
  arena_free(s->keep);
  arena_free(s->tmp);
  batch_free(s->out);
}

static const op_vtab sort_vt = {"sort", sort_next, sort_close};
static const op_vtab top_vt = {"top", sort_next, sort_close};

op *op_sort_new(exec_ctx *x, const ast *n, op *child) {
  sort_op *s = arena_alloc(x->a, sizeof *s);
  s->base.vt = n->kind == AST_TOP ? &top_vt : &sort_vt;
  s->base.node = n;
  s->base.x = x;
  s->base.child = child;
  s->ncols = n->rel->n;
  s->nkeys = n->list.n;
  s->keys = (const ast **)n->list.v;
  s->limit = -1;
  if (n->kind == AST_TOP) {
    kql_value v;
    expr_eval(x, x->a, n->a, NULL, 0, &v);
    s->limit = v.isnull || v.u.i < 0 ? 0 : v.u.i;
  }
  s->keep = arena_new();
  s->tmp = arena_new();
  s->out = batch_new(x->a, s->ncols);
  return &s->base;
}
