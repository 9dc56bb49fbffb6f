/*
** Operator: evaluate bag_unpack(Col [, Prefix] ...)
** Replaces a dynamic column of property bags by one column per key.  The keys (and their
** types) were found by reading the input once when the query was compiled (the binder's
** discover callback); this operator then streams: each row's bag fills those columns, a
** key the bag lacks is null.
*/
#include <string.h>

#include "../exec.h"
#include "../json.h"

typedef struct bag_op {
  op base;               /* common head */
  int first;             /* the first appended key column */
  int ncols;             /* output columns */
  int nkeys;             /* key columns */
  const char **names;    /* their keys */
  kql_type *types;       /* their types */
  int *keycol;           /* their output columns (a replaced source column keeps its place) */
  int *from;             /* per output column: its input column, -1 for a key's */
  kql_value *vals;       /* scratch for one row's keys */
  arena *tmp;            /* scratch */
  batch *out;            /* output */
} bag_op;

static exec_result bag_next(op *o, batch **out) {
  bag_op *g = (bag_op *)o;
  batch *in;
  exec_result r = o->child->vt->next(o->child, &in);
  if (r != EXEC_BATCH_READY) return r;
  batch *b = g->out;
  batch_clear(b);
  int n = batch_count(in);
  const ast *bag = o->node->a->list.v[0];
  for (int i = 0; i < n; i++) {
    int row = batch_row(in, i);
    for (int c = 0; c < g->ncols; c++)
      if (g->from[c] >= 0) b->cols[c][i] = in->cols[g->from[c]][row];
    kql_value v;
    expr_eval(o->x, g->tmp, bag, in, row, &v);
    json_dyn_fields(b->mem, v, g->names, g->types, g->nkeys, g->vals);
    for (int k = 0; k < g->nkeys; k++) b->cols[g->keycol[k]][i] = g->vals[k];
  }
  arena_reset(g->tmp);
  b->nrows = n;
  o->rows_out += (uint64_t)n;
  *out = b;
  return EXEC_BATCH_READY;
}

static void bag_close(op *o) {
  bag_op *g = (bag_op *)o;
  arena_free(g->tmp);
  batch_free(g->out);
}

static const op_vtab bag_vt = {"bag_unpack", bag_next, bag_close};

op *op_bagunpack_new(exec_ctx *x, const ast *n, op *child) {
  bag_op *g = arena_alloc(x->a, sizeof *g);
  g->base.vt = &bag_vt;
  g->base.node = n;
  g->base.x = x;
  g->base.child = child;
  const bind_rel *rel = n->rel, *in = n->in->rel;
  g->first = n->slot;
  g->nkeys = n->by.n;
  g->names = arena_alloc(x->a, sizeof(char *) * (size_t)(g->nkeys ? g->nkeys : 1));
  g->types = arena_alloc(x->a, sizeof(kql_type) * (size_t)(g->nkeys ? g->nkeys : 1));
  g->vals = arena_alloc(x->a, sizeof(kql_value) * (size_t)(g->nkeys ? g->nkeys : 1));
  g->keycol = arena_alloc(x->a, sizeof(int) * (size_t)(g->nkeys ? g->nkeys : 1));
  g->ncols = rel->n;
  g->from = arena_alloc(x->a, sizeof(int) * (size_t)(rel->n ? rel->n : 1));
  for (int c = 0; c < rel->n; c++) g->from[c] = -2; /* -2: pass through, found below */
  for (int k = 0; k < g->nkeys; k++) {
    g->names[k] = n->by.v[k]->name;
    g->types[k] = (kql_type)n->by.v[k]->op;
    g->keycol[k] = n->by.v[k]->col;
    g->from[g->keycol[k]] = -1;
  }
  for (int c = 0; c < rel->n; c++) {
    if (g->from[c] == -1) continue;
    g->from[c] = -1;
    for (int k = 0; k < in->n; k++)
      if (strcmp(in->cols[k].name, rel->cols[c].name) == 0) g->from[c] = k;
  }
  g->tmp = arena_new();
  g->out = batch_new(x->a, rel->n);
  return &g->base;
}
