/*
** Operator: take <n> (also limit)
** Passes on the first n rows and then stops pulling from its input.
*/
#include "../exec.h"

typedef struct take_op {
  op base;          /* common head */
  int64_t left;     /* rows still to pass */
} take_op;

static exec_result take_next(op *o, batch **out) {
  take_op *t = (take_op *)o;
  if (t->left <= 0) return EXEC_DONE;
  batch *b;
  exec_result r = o->child->vt->next(o->child, &b);
  if (r != EXEC_BATCH_READY) return r;
  int n = batch_count(b);
  if (n > t->left) {
    if (!b->sel) {
      b->nrows = (int)t->left;
    } else {
      b->nsel = (int)t->left;
    }
    n = (int)t->left;
  }
  t->left -= n;
  o->rows_out += (uint64_t)n;
  *out = b;
  return EXEC_BATCH_READY;
}

static void take_close(op *o) { (void)o; }

static const op_vtab take_vt = {"take", take_next, take_close};

op *op_take_new(exec_ctx *x, const ast *n, op *child) {
  take_op *t = arena_alloc(x->a, sizeof *t);
  t->base.vt = &take_vt;
  t->base.node = n;
  t->base.x = x;
  t->base.child = child;
  kql_value v;
  expr_eval(x, x->a, n->a, NULL, 0, &v);
  t->left = v.isnull ? 0 : v.u.i;
  return &t->base;
}
