/*
** Operator: partition [hint.strategy=...] by Col (SubQuery) | partition by Col { SubQuery }
** Reads every input row, groups the rows by the value of Col (nulls form one group), runs
** the subquery over each group's rows in turn (its bottom is an AST_APPLYSRC reading them)
** and outputs the union of the results, group after group in the order of Col's values.
** The hint options only tell Kusto how to spread the work; they change no result.
*/
#include <stdlib.h>
#include <string.h>

#include "../exec.h"

typedef struct partition_op {
  op base;            /* common head */
  bool done;          /* the subqueries have run */
  kql_value **rows;   /* the input rows, then sorted by key */
  size_t n, cap;      /* rows held, room */
  arena *keep;        /* input rows' values */
  arena *submem;      /* one subquery's pipeline */
  kql_value **res;    /* result rows */
  size_t nres, capres, emitted;
  arena *resmem;      /* their values */
  batch *out;         /* output */
  int key;            /* the key column */
} partition_op;

/* A row and its key, for the sort (qsort has no context argument to name the column). */
typedef struct keyed {
  kql_value key;   /* the row's key value */
  size_t seq;      /* its place in the input: the sort keeps input order within a key */
  kql_value *row;  /* the row */
} keyed;

static int by_key(const void *a, const void *b) {
  const keyed *x = a, *y = b;
  if (x->key.isnull || y->key.isnull) return (int)x->key.isnull - (int)y->key.isnull;
  int c = val_compare(&x->key, &y->key);
  if (c) return c;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Run the subquery over rows[lo..hi). */
static bool run_group(partition_op *p, size_t lo, size_t hi) {
  exec_ctx *x = p->base.x;
  const ast *n = p->base.node;
  arena_reset(p->submem);
  apply_rows rows = {p->rows + lo, hi - lo, n->in->rel->n};
  arena *saved = x->a;
  x->a = p->submem;
  x->apply = &rows;
  op *sub = exec_build(x, n->b, x->d);
  x->apply = NULL;
  x->a = saved;
  if (!sub) {
    x->failed = true;
    return false;
  }
  int ns = n->b->rel->n;
  batch *b;
  exec_result r;
  while ((r = sub->vt->next(sub, &b)) == EXEC_BATCH_READY) {
    int k = batch_count(b);
    for (int i = 0; i < k; i++) {
      int br = batch_row(b, i);
      kql_value *v = arena_alloc(p->resmem, sizeof *v * (size_t)(ns ? ns : 1));
      for (int c = 0; c < ns; c++) v[c] = val_copy(p->resmem, b->cols[c][br]);
      if (p->nres == p->capres) {
        p->capres = p->capres ? p->capres * 2 : 256;
        p->res = xrealloc(p->res, sizeof *p->res * p->capres);
      }
      p->res[p->nres++] = v;
    }
  }
  exec_free(sub);
  return r != EXEC_ERROR;
}

static exec_result partition_next(op *o, batch **out) {
  partition_op *p = (partition_op *)o;
  if (!p->done) {
    p->done = true;
    int nin = o->node->in->rel->n;
    batch *in;
    exec_result r;
    while ((r = o->child->vt->next(o->child, &in)) == EXEC_BATCH_READY) {
      int k = batch_count(in);
      for (int i = 0; i < k; i++) {
        int row = batch_row(in, i);
        kql_value *v = arena_alloc(p->keep, sizeof *v * (size_t)(nin ? nin : 1));
        for (int c = 0; c < nin; c++) v[c] = val_copy(p->keep, in->cols[c][row]);
        if (p->n == p->cap) {
          p->cap = p->cap ? p->cap * 2 : 256;
          p->rows = xrealloc(p->rows, sizeof *p->rows * p->cap);
        }
        p->rows[p->n++] = v;
      }
    }
    if (r == EXEC_ERROR) return r;
    if (p->n) {
      keyed *ks = xrealloc(NULL, sizeof *ks * p->n);
      for (size_t i = 0; i < p->n; i++) ks[i] = (keyed){p->rows[i][p->key], i, p->rows[i]};
      qsort(ks, p->n, sizeof *ks, by_key);
      for (size_t i = 0; i < p->n; i++) p->rows[i] = ks[i].row;
      free(ks);
    }
    for (size_t lo = 0, hi; lo < p->n; lo = hi) {
      const kql_value *k = &p->rows[lo][p->key];
      for (hi = lo + 1; hi < p->n; hi++) {
        const kql_value *h = &p->rows[hi][p->key];
        if (k->isnull != h->isnull || (!k->isnull && val_compare(k, h) != 0)) break;
      }
      if (!run_group(p, lo, hi)) return EXEC_ERROR;
    }
  }
  return exec_emit_rows(o, p->out, p->res, p->nres, &p->emitted, o->node->rel->n, out);
}

static void partition_close(op *o) {
  partition_op *p = (partition_op *)o;
  free(p->rows);
  free(p->res);
  arena_free(p->keep);
  arena_free(p->submem);
  arena_free(p->resmem);
  batch_free(p->out);
}

static const op_vtab partition_vt = {"partition", partition_next, partition_close};

op *op_partition_new(exec_ctx *x, const ast *n, op *child) {
  partition_op *p = arena_alloc(x->a, sizeof *p);
  memset(p, 0, sizeof *p);
  p->base.vt = &partition_vt;
  p->base.node = n;
  p->base.x = x;
  p->base.child = child;
  p->key = n->a->col;
  p->keep = arena_new();
  p->submem = arena_new();
  p->resmem = arena_new();
  p->out = batch_new(x->a, n->rel->n);
  return &p->base;
}
