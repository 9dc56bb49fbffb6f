/*
** Operator: mv-apply [with_itemindex=I] Col [to typeof(T)], ... [limit N] on (SubQuery)
** For each input row: its arrays are expanded as mv-expand would (into a small table that
** also holds the row's other columns), the subquery runs over that table, and each row of
** its result is output after the input row's columns that the subquery does not return.
** The subquery's pipeline is built per input row in a scratch arena and freed after it.
*/
#include <stdlib.h>
#include <string.h>

#include "../exec.h"
#include "../json.h"

typedef struct applysrc_op {
  op base;            /* common head */
  apply_rows *src;    /* the rows */
  size_t next;        /* the next to emit */
  batch *out;         /* output */
} applysrc_op;

static exec_result applysrc_next(op *o, batch **out) {
  applysrc_op *s = (applysrc_op *)o;
  if (s->next >= s->src->n) return EXEC_DONE;
  batch_clear(s->out);
  int k = 0;
  for (; k < EXEC_BATCH && s->next < s->src->n; k++, s->next++)
    for (int c = 0; c < s->src->ncols; c++) s->out->cols[c][k] = s->src->rows[s->next][c];
  s->out->nrows = k;
  *out = s->out;
  return EXEC_BATCH_READY;
}

static void applysrc_close(op *o) { batch_free(((applysrc_op *)o)->out); }

static const op_vtab applysrc_vt = {"mv-apply rows", applysrc_next, applysrc_close};

op *op_applysrc_new(exec_ctx *x, const ast *n) {
  applysrc_op *s = arena_alloc(x->a, sizeof *s);
  s->base.vt = &applysrc_vt;
  s->base.node = n;
  s->base.x = x;
  s->src = x->apply;
  s->out = batch_new(x->a, n->rel->n);
  return &s->base;
}

typedef struct mva_op {
  op base;            /* common head */
  apply_rows rows;    /* the current input row's expansion */
  size_t cap;         /* room in rows.rows */
  arena *rowmem;      /* the expansion and the subquery's pipeline */
  kql_value **res;    /* result rows of the current input batch, waiting to be emitted */
  size_t nres, capres, emitted;
  arena *resmem;      /* their values */
  batch *out;         /* output */
} mva_op;

static void add_result(mva_op *m, const kql_value *prefix, int np, const kql_value *sub, int ns) {
  kql_value *r = arena_alloc(m->resmem, sizeof *r * (size_t)(np + ns ? np + ns : 1));
  for (int i = 0; i < np; i++) r[i] = val_copy(m->resmem, prefix[i]);
  for (int i = 0; i < ns; i++) r[np + i] = val_copy(m->resmem, sub[i]);
  if (m->nres == m->capres) {
    m->capres = m->capres ? m->capres * 2 : 256;
    m->res = xrealloc(m->res, sizeof *m->res * m->capres);
  }
  m->res[m->nres++] = r;
}

/* Expand input row 'row' of 'in' and run the subquery over it. */
static bool apply_row(mva_op *m, batch *in, int row) {
  exec_ctx *x = m->base.x;
  const ast *n = m->base.node;
  arena_reset(m->rowmem);
  int nin = n->in->rel->n;
  const ast *bottom = n->b;
  while (bottom->in) bottom = bottom->in;
  int ncols = bottom->rel->n;
  /* the elements of each expanded column */
  int nexp = n->list.n;
  kql_value **elems = arena_alloc(m->rowmem, sizeof(kql_value *) * (size_t)(nexp ? nexp : 1));
  size_t *counts = arena_alloc(m->rowmem, sizeof(size_t) * (size_t)(nexp ? nexp : 1));
  size_t rows = 0;
  for (int e = 0; e < nexp; e++) {
    kql_value v;
    expr_eval(x, m->rowmem, n->list.v[e]->a, in, row, &v);
    if (v.type != KQL_T_DYNAMIC && !v.isnull) v = json_value_to_dynamic(m->rowmem, v);
    counts[e] = json_dyn_elements(m->rowmem, v, n->flags & 1, &elems[e]);
    if (counts[e] > rows) rows = counts[e];
  }
  m->rows.n = 0;
  m->rows.ncols = ncols;
  for (size_t k = 0; k < rows; k++) {
    kql_value *r = arena_alloc(m->rowmem, sizeof *r * (size_t)(ncols ? ncols : 1));
    for (int c = 0; c < nin && c < ncols; c++) r[c] = in->cols[c][row];
    for (int e = 0; e < nexp; e++) {
      kql_value v = k < counts[e] ? elems[e][k] : val_null(KQL_T_DYNAMIC);
      r[n->list.v[e]->col] = json_dyn_cast(m->rowmem, v, n->list.v[e]->type);
    }
    if (n->name) r[n->slot] = val_long((int64_t)k);
    if (m->rows.n == m->cap) {
      m->cap = m->cap ? m->cap * 2 : 64;
      m->rows.rows = xrealloc(m->rows.rows, sizeof *m->rows.rows * m->cap);
    }
    m->rows.rows[m->rows.n++] = r;
  }
  /* build and run the subquery in the row's arena */
  arena *saved = x->a;
  x->a = m->rowmem;
  x->apply = &m->rows;
  op *sub = exec_build(x, n->b, x->d);
  x->apply = NULL;
  x->a = saved;
  if (!sub) {
    x->failed = true;
    return false;
  }
  int np = n->by.n;
  kql_value *prefix = arena_alloc(m->rowmem, sizeof(kql_value) * (size_t)(np ? np : 1));
  for (int i = 0; i < np; i++) prefix[i] = in->cols[n->by.v[i]->col][row];
  int ns = n->b->rel->n;
  kql_value *subrow = arena_alloc(m->rowmem, sizeof(kql_value) * (size_t)(ns ? ns : 1));
  batch *b;
  exec_result r;
  while ((r = sub->vt->next(sub, &b)) == EXEC_BATCH_READY) {
    int k = batch_count(b);
    for (int i = 0; i < k; i++) {
      int br = batch_row(b, i);
      for (int c = 0; c < ns; c++) subrow[c] = b->cols[c][br];
      add_result(m, prefix, np, subrow, ns);
    }
  }
  exec_free(sub);
  return r != EXEC_ERROR;
}

static exec_result mva_next(op *o, batch **out) {
  mva_op *m = (mva_op *)o;
  while (m->emitted >= m->nres) {
    m->nres = m->emitted = 0;
    arena_reset(m->resmem);
    batch *in;
    exec_result r = o->child->vt->next(o->child, &in);
    if (r != EXEC_BATCH_READY) return r;
    int k = batch_count(in);
    for (int i = 0; i < k; i++)
      if (!apply_row(m, in, batch_row(in, i))) return EXEC_ERROR;
  }
  return exec_emit_rows(o, m->out, m->res, m->nres, &m->emitted, o->node->rel->n, out);
}

static void mva_close(op *o) {
  mva_op *m = (mva_op *)o;
  free(m->rows.rows);
  free(m->res);
  arena_free(m->rowmem);
  arena_free(m->resmem);
  batch_free(m->out);
}

static const op_vtab mva_vt = {"mv-apply", mva_next, mva_close};

op *op_mvapply_new(exec_ctx *x, const ast *n, op *child) {
  mva_op *m = arena_alloc(x->a, sizeof *m);
  m->base.vt = &mva_vt;
  m->base.node = n;
  m->base.x = x;
  m->base.child = child;
  m->rowmem = arena_new();
  m->resmem = arena_new();
  m->out = batch_new(x->a, n->rel->n);
  return &m->base;
}
