/*
** Operator: project <columns> | extend <columns>
** Builds a new batch whose columns are input columns passed through or expressions
** computed for every selected row.  extend keeps the input columns and adds (or
** replaces) the ones it names.
*/
#include <stdlib.h>
#include <string.h>

#include "../exec.h"

typedef struct project_op {
  op base;          /* common head */
  bool window;      /* row_number/prev/next: read every row first */
  exec_window win;  /* then: the rows */
  size_t cap;       /* room in win.rows */
  arena *keep;      /* their values */
  batch *out;       /* the output batch */
  const ast **expr; /* per output column: the expression, or NULL to pass through */
  int *from;        /* per output column passed through: the input column */
  int ncols;        /* output columns */
} project_op;

/* Window mode: read all input rows, then compute each output row with x->win set. */
static exec_result window_next(op *o, batch **out) {
  project_op *p = (project_op *)o;
  if (!p->keep) {
    p->keep = arena_new();
    batch *in;
    exec_result r;
    int nin = o->node->in->rel->n;
    p->win.ncols = nin;
    while ((r = o->child->vt->next(o->child, &in)) == EXEC_BATCH_READY) {
      int n = batch_count(in);
      for (int i = 0; i < n; i++) {
        int row = batch_row(in, i);
        kql_value *v = arena_alloc(p->keep, sizeof *v * (size_t)(nin ? nin : 1));
        for (int c = 0; c < nin; c++) v[c] = val_copy(p->keep, in->cols[c][row]);
        if (p->win.n == p->cap) {
          p->cap = p->cap ? p->cap * 2 : 256;
          p->win.rows = xrealloc(p->win.rows, sizeof *p->win.rows * p->cap);
        }
        p->win.rows[p->win.n++] = v;
      }
    }
    if (r == EXEC_ERROR) return r;
    p->win.cur = 0;
  }
  if (p->win.cur >= p->win.n) return EXEC_DONE;
  batch *b = p->out;
  batch_clear(b);
  int nin = p->win.ncols;
  kql_value **cols = arena_alloc(b->mem, sizeof(kql_value *) * (size_t)(nin ? nin : 1));
  int k = 0;
  o->x->win = &p->win;
  for (; k < EXEC_BATCH && p->win.cur < p->win.n; k++, p->win.cur++) {
    for (int c = 0; c < nin; c++) cols[c] = &p->win.rows[p->win.cur][c];
    batch view = {nin, 1, cols, NULL, 0, NULL};
    for (int c = 0; c < p->ncols; c++) {
      if (p->expr[c]) expr_eval(o->x, b->mem, p->expr[c], &view, 0, &b->cols[c][k]);
      else b->cols[c][k] = view.cols[p->from[c]][0];
    }
  }
  o->x->win = NULL;
  b->nrows = k;
  o->rows_out += (uint64_t)k;
  *out = b;
  return EXEC_BATCH_READY;
}

static exec_result project_next(op *o, batch **out) {
  project_op *p = (project_op *)o;
  if (p->window) return window_next(o, out);
  batch *in;
  exec_result r = o->child->vt->next(o->child, &in);
  if (r != EXEC_BATCH_READY) return r;
  batch *b = p->out;
  batch_clear(b);
  int n = batch_count(in);
  for (int i = 0; i < n; i++) {
    int row = batch_row(in, i);
    for (int c = 0; c < p->ncols; c++) {
      if (p->expr[c]) expr_eval(o->x, b->mem, p->expr[c], in, row, &b->cols[c][i]);
      else b->cols[c][i] = in->cols[p->from[c]][row];
    }
  }
  b->nrows = n;
  o->rows_out += (uint64_t)n;
  *out = b;
  return EXEC_BATCH_READY;
}

static void project_close(op *o) {
  project_op *p = (project_op *)o;
  free(p->win.rows);
  free(p->win.st);
  arena_free(p->keep);
  batch_free(p->out);
}

static const op_vtab project_vt = {"project", project_next, project_close};
static const op_vtab extend_vt = {"extend", project_next, project_close};

op *op_project_new(exec_ctx *x, const ast *n, op *child) {
  project_op *p = arena_alloc(x->a, sizeof *p);
  bool extend = n->kind == AST_EXTEND || n->kind == AST_SERIALIZE;
  p->base.vt = extend ? &extend_vt : &project_vt;
  p->base.node = n;
  p->base.x = x;
  p->base.child = child;
  p->ncols = n->rel->n;
  p->expr = arena_alloc(x->a, sizeof(ast *) * (size_t)(p->ncols ? p->ncols : 1));
  p->from = arena_alloc(x->a, sizeof(int) * (size_t)(p->ncols ? p->ncols : 1));
  if (extend)
    for (int c = 0; c < n->in->rel->n; c++) p->from[c] = c;
  for (int i = 0; i < n->list.n; i++) {
    const ast *it = n->list.v[i]; /* AST_ASSIGN with col set by the binder */
    if (it->a->kind == AST_NAME && it->a->col >= 0 && !it->a->let) p->from[it->col] = it->a->col;
    else p->expr[it->col] = it->a;
  }
  p->window = n->flags & 0x400;
  p->out = batch_new(x->a, p->ncols);
  return &p->base;
}
