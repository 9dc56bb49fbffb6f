/*
** Operator: mv-expand [bagexpand=bag|array] [with_itemindex=I] Col [to typeof(T)], ... [limit N]
** Each input row becomes one row per element of its expanded arrays or property bags;
** several columns expand in parallel (a shorter one is padded with nulls).  A null value
** gives one row with null; an empty array or bag gives no row.
*/
#include <stdint.h>

#include "../exec.h"
#include "../json.h"

typedef struct mvx_op {
  op base;             /* common head */
  int nexp;            /* expanded columns */
  const ast **exp;     /* their AST_ASSIGN items (col: output column, type: target type) */
  kql_value **elems;   /* per expanded column: the current row's elements */
  size_t *nelems;      /* their counts */
  size_t rows;         /* rows the current input row gives */
  size_t next;         /* next of those */
  int64_t limit;       /* rows per input row at most */
  bool bag_array;      /* bagexpand=array */
  int index_col;       /* with_itemindex column or -1 */
  int *from;           /* per output column: input column, or -1 when expanded */
  batch *in;           /* current input batch */
  int ii;              /* its next row */
  bool have_row;       /* elements of row ii are loaded */
  arena *rowmem;       /* the current row's elements */
  batch *out;          /* output */
} mvx_op;

static void load_row(mvx_op *m, int row) {
  arena_reset(m->rowmem);
  m->rows = 0;
  for (int e = 0; e < m->nexp; e++) {
    kql_value v;
    expr_eval(m->base.x, m->rowmem, m->exp[e]->a, m->in, row, &v);
    if (v.type != KQL_T_DYNAMIC && !v.isnull) v = json_value_to_dynamic(m->rowmem, v);
    m->nelems[e] = json_dyn_elements(m->rowmem, v, m->bag_array, &m->elems[e]);
    if (m->nelems[e] > m->rows) m->rows = m->nelems[e];
  }
  if (m->limit >= 0 && m->rows > (size_t)m->limit) m->rows = (size_t)m->limit;
  m->next = 0;
  m->have_row = true;
}

static exec_result mvx_next(op *o, batch **out) {
  mvx_op *m = (mvx_op *)o;
  batch_clear(m->out);
  const bind_rel *rel = o->node->rel;
  while (m->out->nrows < EXEC_BATCH) {
    if (!m->in || m->ii >= batch_count(m->in)) {
      if (m->out->nrows) break; /* output rows point into this input batch */
      exec_result r = o->child->vt->next(o->child, &m->in);
      if (r != EXEC_BATCH_READY) return r;
      m->ii = 0;
      m->have_row = false;
      continue;
    }
    int row = batch_row(m->in, m->ii);
    if (!m->have_row) {
      load_row(m, row);
      if (!exec_charge(o, arena_used(m->rowmem))) return EXEC_ERROR;
    }
    if (m->next >= m->rows) {
      m->ii++;
      m->have_row = false;
      continue;
    }
    int at = m->out->nrows++;
    for (int c = 0; c < rel->n; c++)
      if (m->from[c] >= 0) m->out->cols[c][at] = m->in->cols[m->from[c]][row];
    for (int e = 0; e < m->nexp; e++) {
      kql_value v = m->next < m->nelems[e] ? m->elems[e][m->next] : val_null(KQL_T_DYNAMIC);
      v = json_dyn_cast(m->out->mem, val_copy(m->out->mem, v), m->exp[e]->type);
      m->out->cols[m->exp[e]->col][at] = v;
    }
    if (m->index_col >= 0) m->out->cols[m->index_col][at] = val_long((int64_t)m->next);
    m->next++;
  }
  if (m->out->nrows == 0) return EXEC_DONE;
  o->rows_out += (uint64_t)m->out->nrows;
  *out = m->out;
  return EXEC_BATCH_READY;
}

static void mvx_close(op *o) {
  mvx_op *m = (mvx_op *)o;
  arena_free(m->rowmem);
  batch_free(m->out);
}

static const op_vtab mvx_vt = {"mv-expand", mvx_next, mvx_close};

op *op_mvexpand_new(exec_ctx *x, const ast *n, op *child) {
  mvx_op *m = arena_alloc(x->a, sizeof *m);
  m->base.vt = &mvx_vt;
  m->base.node = n;
  m->base.x = x;
  m->base.child = child;
  m->nexp = n->list.n;
  m->exp = (const ast **)n->list.v;
  m->elems = arena_alloc(x->a, sizeof(kql_value *) * (size_t)(m->nexp ? m->nexp : 1));
  m->nelems = arena_alloc(x->a, sizeof(size_t) * (size_t)(m->nexp ? m->nexp : 1));
  m->limit = -1;
  if (n->a) {
    kql_value v;
    expr_eval(x, x->a, n->a, NULL, 0, &v);
    m->limit = v.isnull ? -1 : v.u.i;
  }
  m->bag_array = n->flags & 1;
  m->index_col = n->name ? n->slot : -1;
  const bind_rel *rel = n->rel, *in = n->in->rel;
  m->from = arena_alloc(x->a, sizeof(int) * (size_t)(rel->n ? rel->n : 1));
  for (int c = 0; c < rel->n; c++) m->from[c] = c < in->n ? c : -1;
  for (int e = 0; e < m->nexp; e++) m->from[m->exp[e]->col] = -1;
  if (m->index_col >= 0) m->from[m->index_col] = -1;
  m->rowmem = arena_new();
  m->out = batch_new(x->a, rel->n);
  return &m->base;
}
