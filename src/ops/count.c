/*
** Operator: count
** Counts the rows of its input and emits one row with one long column, Count.
*/
#include "../exec.h"

typedef struct count_op {
  op base;        /* common head */
  batch *out;     /* the one-row result */
  bool done;      /* emitted */
} count_op;

static exec_result count_next(op *o, batch **out) {
  count_op *c = (count_op *)o;
  if (c->done) return EXEC_DONE;
  int64_t n = 0;
  batch *b;
  exec_result r;
  while ((r = o->child->vt->next(o->child, &b)) == EXEC_BATCH_READY) n += batch_count(b);
  if (r == EXEC_ERROR) return r;
  c->done = true;
  batch_clear(c->out);
  c->out->cols[0][0] = val_long(n);
  c->out->nrows = 1;
  o->rows_out = 1;
  *out = c->out;
  return EXEC_BATCH_READY;
}

static void count_close(op *o) { batch_free(((count_op *)o)->out); }

static const op_vtab count_vt = {"count", count_next, count_close};

op *op_count_new(exec_ctx *x, const ast *n, op *child) {
  count_op *c = arena_alloc(x->a, sizeof *c);
  c->base.vt = &count_vt;
  c->base.node = n;
  c->base.x = x;
  c->base.child = child;
  c->out = batch_new(x->a, 1);
  return &c->base;
}
