/*
** Operator: print <expressions> | datatable (<columns>) [<values>] | getschema
** Emits rows known before execution: print's one row of constant expressions, a
** datatable's literal values (converted to the declared column types), or the input's
** schema as rows (ColumnName, ColumnOrdinal, DataType, ColumnType).
*/
#include <string.h>

#include "../exec.h"
#include "../json.h"

KQL_INTERNAL const char *bind_schema_type(kql_type t);

typedef struct values_op {
  op base;           /* common head */
  batch *out;        /* all rows (at most EXEC_BATCH per call) */
  kql_value *rows;   /* nrows * ncols values */
  int nrows;         /* rows */
  int ncols;         /* columns */
  int emitted;       /* rows emitted */
} values_op;

static exec_result values_next(op *o, batch **out) {
  values_op *v = (values_op *)o;
  if (v->emitted >= v->nrows) return EXEC_DONE;
  batch_clear(v->out);
  int r = 0;
  for (; r < EXEC_BATCH && v->emitted < v->nrows; r++, v->emitted++)
    for (int c = 0; c < v->ncols; c++)
      v->out->cols[c][r] = v->rows[(size_t)v->emitted * (size_t)v->ncols + (size_t)c];
  v->out->nrows = r;
  o->rows_out += (uint64_t)r;
  *out = v->out;
  return EXEC_BATCH_READY;
}

static void values_close(op *o) { batch_free(((values_op *)o)->out); }

static const op_vtab print_vt = {"print", values_next, values_close};
static const op_vtab datatable_vt = {"datatable", values_next, values_close};
static const op_vtab getschema_vt = {"getschema", values_next, values_close};

/* Convert literal 'v' to column type 't' as a datatable does (numbers widen). */
static kql_value coerce(arena *a, kql_value v, kql_type t) {
  if (v.isnull || v.type == KQL_T_NULL) return val_null(t);
  if (v.type == t) return v;
  if ((t == KQL_T_REAL || t == KQL_T_DECIMAL) && (v.type == KQL_T_LONG || v.type == KQL_T_INT)) {
    kql_value r = val_real((double)v.u.i);
    r.type = t;
    return r;
  }
  if ((t == KQL_T_LONG || t == KQL_T_INT) && (v.type == KQL_T_LONG || v.type == KQL_T_INT)) {
    v.type = t;
    return v;
  }
  if (t == KQL_T_DYNAMIC) return json_value_to_dynamic(a, v);
  if (t == KQL_T_STRING || t == KQL_T_GUID) {
    kql_value s = val_tostring(a, v);
    s.type = t;
    return s;
  }
  return val_null(t);
}

op *op_values_new(exec_ctx *x, const ast *n) {
  values_op *v = arena_alloc(x->a, sizeof *v);
  v->base.node = n;
  v->base.x = x;
  v->ncols = n->rel->n;
  switch (n->kind) {
  case AST_PRINT:
    v->base.vt = &print_vt;
    v->nrows = n->flags & 1 ? 0 : 1; /* flags 1: the empty result of a query of lets */
    v->rows = arena_alloc(x->a, sizeof(kql_value) * (size_t)(v->ncols ? v->ncols : 1));
    for (int c = 0; c < n->list.n; c++) {
      expr_eval(x, x->a, n->list.v[c]->a, NULL, 0, &v->rows[c]);
      v->rows[c] = val_copy(x->a, v->rows[c]);
    }
    break;
  case AST_DATATABLE:
    v->base.vt = &datatable_vt;
    v->nrows = n->list.n / (v->ncols ? v->ncols : 1);
    v->rows = arena_alloc(x->a, sizeof(kql_value) * (size_t)(n->list.n ? n->list.n : 1));
    for (int i = 0; i < n->list.n; i++) {
      kql_value lit;
      expr_eval(x, x->a, n->list.v[i], NULL, 0, &lit);
      v->rows[i] = coerce(x->a, lit, n->rel->cols[i % v->ncols].type);
    }
    break;
  default: { /* getschema: one row per input column */
    v->base.vt = &getschema_vt;
    const bind_rel *in = n->in->rel;
    v->nrows = in->n;
    v->rows = arena_alloc(x->a, sizeof(kql_value) * (size_t)(in->n ? in->n : 1) * 4);
    for (int i = 0; i < in->n; i++) {
      kql_value *row = &v->rows[i * 4];
      const char *dt = bind_schema_type(in->cols[i].type);
      const char *ct = val_type_name(in->cols[i].type);
      row[0] = val_str(in->cols[i].name, strlen(in->cols[i].name));
      row[1] = val_long(i);
      row[2] = val_str(dt, strlen(dt));
      row[3] = val_str(ct, strlen(ct));
    }
    break;
  }
  }
  v->out = batch_new(x->a, v->ncols);
  return &v->base;
}
