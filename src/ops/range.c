/*
** Operator: range <Column> from <start> to <stop> step <step>
** Emits the values start, start+step, ... up to and including stop, for numbers,
** datetimes (with a timespan step) and timespans.  A step of zero or of the wrong sign
** yields no rows.
*/
#include "../exec.h"

typedef struct range_op {
  op base;          /* common head */
  kql_value next;   /* the next value */
  kql_value stop;   /* the last allowed */
  kql_value step;   /* the increment */
  bool done;        /* finished */
  batch *out;       /* output */
} range_op;

static double num(const kql_value *v) {
  return v->type == KQL_T_REAL || v->type == KQL_T_DECIMAL ? v->u.r : (double)v->u.i;
}

/* True when 'v' is still within the range. */
static bool within(const range_op *r, const kql_value *v) {
  if (r->next.type == KQL_T_REAL) {
    double s = num(&r->step);
    return s > 0 ? num(v) <= num(&r->stop) : num(v) >= num(&r->stop);
  }
  int64_t s = r->step.u.i;
  return s > 0 ? v->u.i <= r->stop.u.i : v->u.i >= r->stop.u.i;
}

static exec_result range_next(op *o, batch **out) {
  range_op *r = (range_op *)o;
  if (r->done) return EXEC_DONE;
  batch_clear(r->out);
  int n = 0;
  while (n < EXEC_BATCH && within(r, &r->next)) {
    r->out->cols[0][n++] = r->next;
    if (r->next.type == KQL_T_REAL) {
      double nx = r->next.u.r + num(&r->step);
      if (nx == r->next.u.r) { /* a step below the value's precision would never end */
        if (!o->x->failed)
          diag_set(o->x->d, KQL_ERR_RUNTIME, o->node->span,
                   "range step %g does not advance past %g (too small for a real)",
                   num(&r->step), r->next.u.r);
        o->x->failed = true;
        return EXEC_ERROR;
      }
      r->next.u.r = nx;
    } else {
      int64_t s = r->step.u.i;
      if ((s > 0 && r->next.u.i > INT64_MAX - s) || (s < 0 && r->next.u.i < INT64_MIN - s)) {
        r->done = true;
        break;
      }
      r->next.u.i += s;
    }
  }
  if (n < EXEC_BATCH) r->done = true;
  if (n == 0) return EXEC_DONE;
  r->out->nrows = n;
  o->rows_out += (uint64_t)n;
  *out = r->out;
  return EXEC_BATCH_READY;
}

static void range_close(op *o) { batch_free(((range_op *)o)->out); }

static const op_vtab range_vt = {"range", range_next, range_close};

op *op_range_new(exec_ctx *x, const ast *n) {
  range_op *r = arena_alloc(x->a, sizeof *r);
  r->base.vt = &range_vt;
  r->base.node = n;
  r->base.x = x;
  expr_eval(x, x->a, n->a, NULL, 0, &r->next);
  expr_eval(x, x->a, n->b, NULL, 0, &r->stop);
  expr_eval(x, x->a, n->c, NULL, 0, &r->step);
  kql_type t = n->type;
  if (r->next.isnull || r->stop.isnull || r->step.isnull) r->done = true;
  if (t == KQL_T_REAL) {
    r->next = val_real(num(&r->next));
    r->stop = val_real(num(&r->stop));
    r->step = val_real(num(&r->step));
    if (r->step.u.r == 0) r->done = true;
  } else {
    r->next.type = t;
    if (r->step.type == KQL_T_REAL) r->step = val_long((int64_t)r->step.u.r);
    if (r->step.u.i == 0) r->done = true;
  }
  r->out = batch_new(x->a, 1);
  return &r->base;
}
