/*
** Operator: where <predicate>
** Narrows the selection vector of each batch to the rows whose predicate is true; rows
** are never copied.  A batch with no row left is skipped.
*/
#include "../exec.h"

typedef struct where_op {
  op base;      /* common head */
  arena *tmp;   /* scratch for the predicate, reset per batch */
} where_op;

static exec_result where_next(op *o, batch **out) {
  where_op *w = (where_op *)o;
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

static void where_close(op *o) { arena_free(((where_op *)o)->tmp); }

static const op_vtab where_vt = {"where", where_next, where_close};

op *op_where_new(exec_ctx *x, const ast *n, op *child) {
  where_op *w = arena_alloc(x->a, sizeof *w);
  w->base.vt = &where_vt;
  w->base.node = n;
  w->base.x = x;
  w->base.child = child;
  w->tmp = arena_new();
  return &w->base;
}
