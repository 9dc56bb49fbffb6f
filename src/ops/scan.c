/*
** Operator: scan <Table>
** Reads a table's data file through the streaming JSON reader and emits batches of the
** columns the query uses; the others stay null and are never converted.  A value that
** does not fit its column's type becomes null and is counted (reported at the end).
*/
#include <stdio.h>
#include <string.h>

#include "../exec.h"
#include "../json.h"
#include "../jsonrd.h"

typedef struct scan_op {
  op base;             /* common head */
  jsonrd *rd;          /* the reader */
  batch *out;          /* the batch handed on */
  const cat_table *t;  /* the table */
  int *want;           /* indexes of the columns to convert */
  int nwant;           /* how many */
  bool done;           /* reader exhausted */
} scan_op;

static void note_bad(scan_op *s, long line, int col, const void *node) {
  exec_ctx *x = s->base.x;
  if (x->rows_bad++ == 0) {
    char shown[64] = "";
    kql_value v;
    json_to_value(node, KQL_T_DYNAMIC, s->out->mem, &v);
    snprintf(shown, sizeof shown, "%.*s", (int)(v.u.s.n > 40 ? 40 : v.u.s.n), v.u.s.p);
    snprintf(x->bad_first, sizeof x->bad_first, "%s:%ld: column '%s' expects %s, found %s%s",
             s->t->path, line, s->t->cols[col].name, val_type_name(s->t->cols[col].type), shown,
             v.u.s.n > 40 ? "..." : "");
  }
}

static exec_result scan_next(op *o, batch **out) {
  scan_op *s = (scan_op *)o;
  if (s->done) return EXEC_DONE;
  batch *b = s->out;
  batch_clear(b);
  while (b->nrows < EXEC_BATCH) {
    void *obj;
    long line;
    int rc = jsonrd_next(s->rd, &obj, &line, o->x->d);
    if (rc < 0) return EXEC_ERROR;
    if (rc == 0) {
      s->done = true;
      break;
    }
    int r = b->nrows++;
    for (int k = 0; k < s->nwant; k++) {
      int c = s->want[k];
      const void *node = json_member(obj, s->t->cols[c].name);
      if (json_to_value(node, s->t->cols[c].type, b->mem, &b->cols[c][r]) == JSON_FIT_BAD) {
        note_bad(s, line, c, node);
        if (o->x->strict) {
          diag_nospan(o->x->d, KQL_ERR_IO, "%s", o->x->bad_first);
          return EXEC_ERROR;
        }
      }
    }
  }
  if (b->nrows == 0 && s->done) return EXEC_DONE;
  o->rows_out += (uint64_t)b->nrows;
  *out = b;
  return EXEC_BATCH_READY;
}

static void scan_close(op *o) {
  scan_op *s = (scan_op *)o;
  if (s->rd) jsonrd_close(s->rd);
  batch_free(s->out);
}

static const op_vtab scan_vt = {"scan", scan_next, scan_close};

op *op_scan_new(exec_ctx *x, const ast *n, kql_diag *d) {
  const bind_scan *sc = n->scan;
  const cat_table *t = sc->table;
  if (!t->path) {
    diag_set(d, KQL_ERR_IO, n->span, "table '%s' has a schema but no data file", t->name);
    diag_hint(d, "put %s.json or %s.jsonl in a --data folder, or use --table %s=FILE", t->name,
              t->name, t->name);
    return NULL;
  }
  jsonrd *rd = jsonrd_open(t->path, d);
  if (!rd) return NULL;
  scan_op *s = arena_alloc(x->a, sizeof *s);
  s->base.vt = &scan_vt;
  s->base.node = n;
  s->base.x = x;
  s->rd = rd;
  s->t = t;
  s->out = batch_new(x->a, t->ncols);
  s->want = arena_alloc(x->a, sizeof(int) * (size_t)(t->ncols ? t->ncols : 1));
  for (int i = 0; i < t->ncols; i++) {
    for (int r = 0; r < EXEC_BATCH; r++) s->out->cols[i][r] = val_null(t->cols[i].type);
    if (sc->used[i]) s->want[s->nwant++] = i;
  }
  return &s->base;
}
