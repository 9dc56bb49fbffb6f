/*
** Operator: where <predicate>
** Narrows the selection vector of each batch to the rows whose predicate is true; rows
** are never copied.  A batch with no row left is skipped.  A predicate with row_number(),
** prev() or next() (flag 0x400 from the binder) reads every input row first, as extend does,
** and emits the rows it keeps from there.
*/
#include <stdlib.h>

#include "../exec.h"

typedef struct where_op {
  op base;         /* common head */
  arena *tmp;      /* scratch for the predicate, reset per batch */
  bool window;     /* row_number/prev/next in the predicate: read every row first */
  exec_window win; /* then: the rows */
  size_t cap;      /* room in win.rows */
  arena *keep;     /* their values */
  batch *out;      /* the kept rows, window mode */
} where_op;

/* Window mode: read all input rows, then test each with x->win set. */
static exec_result window_next(op *o, batch **out) {
  where_op *w = (where_op *)o;
  int nin = o->node->rel->n;
  if (!w->keep) {
    w->keep = arena_new();
    w->win.ncols = nin;
    batch *in;
    exec_result r;
    while ((r = o->child->vt->next(o->child, &in)) == EXEC_BATCH_READY) {
      int n = batch_count(in);
      for (int i = 0; i < n; i++) {
        int row = batch_row(in, i);
        kql_value *v = arena_alloc(w->keep, sizeof *v * (size_t)(nin ? nin : 1));
        for (int c = 0; c < nin; c++) v[c] = val_copy(w->keep, in->cols[c][row]);
        if (w->win.n == w->cap) {
          w->cap = w->cap ? w->cap * 2 : 256;
          w->win.rows = xrealloc(w->win.rows, sizeof *w->win.rows * w->cap);
        }
        w->win.rows[w->win.n++] = v;
      }
    }
    if (r == EXEC_ERROR) return r;
    w->win.cur = 0;
    w->out = batch_new(o->x->a, nin);
  }
  batch *b = w->out;
  kql_value **cols = arena_alloc(w->tmp, sizeof(kql_value *) * (size_t)(nin ? nin : 1));
  while (w->win.cur < w->win.n) {
    batch_clear(b);
    int k = 0;
    o->x->win = &w->win;
    for (; k < EXEC_BATCH && w->win.cur < w->win.n; w->win.cur++) {
      kql_value *row = w->win.rows[w->win.cur];
      for (int c = 0; c < nin; c++) cols[c] = &row[c];
      batch view = {nin, 1, cols, NULL, 0, NULL};
      kql_value v;
      expr_eval(o->x, b->mem, o->node->a, &view, 0, &v);
      if (!expr_true(&v)) continue;
      for (int c = 0; c < nin; c++) b->cols[c][k] = row[c];
      k++;
    }
    o->x->win = NULL;
    if (k == 0) continue;
    b->nrows = k;
    o->rows_out += (uint64_t)k;
    *out = b;
    return EXEC_BATCH_READY;
  }
  return EXEC_DONE;
}

static exec_result where_next(op *o, batch **out) {
  where_op *w = (where_op *)o;
  if (w->window) return window_next(o, out);
  for (;;) {
    batch *b;
    exec_result r = o->child->vt->next(o->child, &b);
    if (r != EXEC_BATCH_READY) return r;
    int n = batch_count(b), k = 0;
    int *sel = b->sel ? b->sel : arena_alloc(b->mem, sizeof(int) * EXEC_BATCH);
    for (int i = 0; i < n; i++) {
      int row = batch_row(b, i);
      kql_value v;
      expr_eval(o->x, w->tmp, o->node->a, b, row, &v);
      if (expr_true(&v)) sel[k++] = row;
    }
    arena_reset(w->tmp);
    b->sel = sel;
    b->nsel = k;
    if (k == 0) continue;
    o->rows_out += (uint64_t)k;
    *out = b;
    return EXEC_BATCH_READY;
  }
}

static void where_close(op *o) {
  where_op *w = (where_op *)o;
  free(w->win.rows);
  free(w->win.st);
  arena_free(w->keep);
  if (w->out) batch_free(w->out);
  arena_free(w->tmp);
}

static const op_vtab where_vt = {"where", where_next, where_close};

op *op_where_new(exec_ctx *x, const ast *n, op *child) {
  where_op *w = arena_alloc(x->a, sizeof *w);
  w->base.vt = &where_vt;
  w->base.node = n;
  w->base.x = x;
  w->base.child = child;
  w->tmp = arena_new();
  w->window = n->flags & 0x400;
  return &w->base;
}
