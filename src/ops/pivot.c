/*
** Operator: evaluate pivot(P [, Agg(...)] [, Col, ...])
** Its input is the summarize "Agg by Cols, tostring(P)" the binder made (node->b): rows
** (Col..., key, value).  It reads them all, keeps one output row per distinct Cols (in
** first-seen order) and puts each value in the column of its key.  The key columns were
** found in the data when the query was compiled (node->by: AST_PARAMs, name = the key,
** col = the output column); a cell no row reached is 0 for count-like aggregates and sum
** (node->op 1), else null.
*/
#include <stdlib.h>
#include <string.h>

#include "../exec.h"

typedef struct pkey {
  const char *name;    /* a value of P */
  int col;             /* its output column */
} pkey;

typedef struct pivot_op {
  op base;             /* common head; child: the summarize */
  int ngroup;          /* group columns */
  int nout;            /* output columns */
  pkey *keys;          /* the key columns, sorted by name */
  int nkeys;
  kql_value **rows;    /* output rows (nout values each) */
  size_t nrows, cap;
  uint32_t *slots;     /* hash of the group values: row index + 1 */
  size_t nslots;       /* power of two */
  size_t emitted;      /* rows handed out so far */
  bool read;           /* input read */
  arena *keep;         /* rows */
  batch *out;          /* output */
} pivot_op;

static int key_cmp(const void *a, const void *b) {
  return strcmp(((const pkey *)a)->name, ((const pkey *)b)->name);
}

static uint64_t group_hash(const kql_value *v, int n) {
  uint64_t h = UINT64_C(1469598103934665603);
  for (int i = 0; i < n; i++) h = (h ^ val_hash(&v[i])) * UINT64_C(1099511628211);
  return h;
}

static bool group_eq(const kql_value *a, const kql_value *b, int n) {
  for (int i = 0; i < n; i++)
    if (!val_equal(&a[i], &b[i])) return false;
  return true;
}

/* Grow the hash to fit one more row. */
static void grow(pivot_op *p) {
  if ((p->nrows + 1) * 2 <= p->nslots) return;
  size_t ns = p->nslots ? p->nslots * 2 : 64;
  uint32_t *slots = xcalloc(ns, sizeof *slots);
  for (size_t r = 0; r < p->nrows; r++) {
    size_t h = (size_t)group_hash(p->rows[r], p->ngroup) & (ns - 1);
    while (slots[h]) h = (h + 1) & (ns - 1);
    slots[h] = (uint32_t)(r + 1);
  }
  free(p->slots);
  p->slots = slots;
  p->nslots = ns;
}

/* The output row of group values 'g' (a new one, cells at their default, if none yet). */
static kql_value *row_of(pivot_op *p, const kql_value *g) {
  grow(p);
  size_t h = (size_t)group_hash(g, p->ngroup) & (p->nslots - 1);
  while (p->slots[h]) {
    kql_value *r = p->rows[p->slots[h] - 1];
    if (group_eq(r, g, p->ngroup)) return r;
    h = (h + 1) & (p->nslots - 1);
  }
  const bind_rel *rel = p->base.node->rel;
  kql_value *r = arena_alloc(p->keep, sizeof *r * (size_t)(p->nout ? p->nout : 1));
  for (int c = 0; c < p->ngroup; c++) r[c] = val_copy(p->keep, g[c]);
  for (int c = p->ngroup; c < p->nout; c++) {
    kql_type t = rel->cols[c].type;
    r[c] = val_null(t);
    if (p->base.node->op) {
      if (t == KQL_T_REAL || t == KQL_T_DECIMAL) r[c] = val_real(0), r[c].type = t;
      else if (t == KQL_T_LONG || t == KQL_T_INT || t == KQL_T_TIMESPAN) r[c] = val_long(0), r[c].type = t;
    }
  }
  if (p->nrows == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 256;
    p->rows = xrealloc(p->rows, sizeof *p->rows * p->cap);
  }
  p->rows[p->nrows++] = r;
  p->slots[h] = (uint32_t)p->nrows;
  return r;
}

/* The output column of key 's' ('n' bytes), or -1 (the empty value has none). */
static int find_key(const pivot_op *p, const char *s, size_t n) {
  int lo = 0, hi = p->nkeys - 1;
  while (lo <= hi) {
    int mid = lo + (hi - lo) / 2;
    const char *name = p->keys[mid].name;
    size_t len = strlen(name);
    int c = memcmp(name, s, len < n ? len : n);
    if (c == 0) c = len < n ? -1 : len > n ? 1 : 0;
    if (c == 0) return p->keys[mid].col;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

static exec_result read_all(pivot_op *p) {
  batch *b;
  exec_result r;
  op *o = &p->base;
  while ((r = o->child->vt->next(o->child, &b)) == EXEC_BATCH_READY) {
    int n = batch_count(b);
    kql_value g[64], *gv = p->ngroup <= 64 ? g : arena_alloc(p->keep, sizeof *gv * (size_t)p->ngroup);
    for (int i = 0; i < n; i++) {
      int row = batch_row(b, i);
      for (int c = 0; c < p->ngroup; c++) gv[c] = b->cols[c][row];
      kql_value *out = row_of(p, gv);
      kql_value k = b->cols[p->ngroup][row];
      int at = find_key(p, k.u.s.p, k.u.s.n);
      if (at >= 0) out[at] = val_copy(p->keep, b->cols[p->ngroup + 1][row]);
    }
    if (!exec_charge(o, arena_used(p->keep) + p->cap * sizeof *p->rows + p->nslots * sizeof *p->slots))
      return EXEC_ERROR;
  }
  if (r == EXEC_ERROR) return r;
  p->read = true;
  return EXEC_DONE;
}

static exec_result pivot_next(op *o, batch **out) {
  pivot_op *p = (pivot_op *)o;
  if (!p->read && read_all(p) == EXEC_ERROR) return EXEC_ERROR;
  if (p->emitted == p->nrows) return EXEC_DONE;
  batch *b = p->out;
  batch_clear(b);
  while (b->nrows < EXEC_BATCH && p->emitted < p->nrows) {
    const kql_value *r = p->rows[p->emitted++];
    for (int c = 0; c < p->nout; c++) b->cols[c][b->nrows] = r[c];
    b->nrows++;
  }
  o->rows_out += (uint64_t)b->nrows;
  *out = b;
  return EXEC_BATCH_READY;
}

static void pivot_close(op *o) {
  pivot_op *p = (pivot_op *)o;
  free(p->rows);
  free(p->slots);
  arena_free(p->keep);
  batch_free(p->out);
}

static const op_vtab pivot_vt = {"pivot", pivot_next, pivot_close};

op *op_pivot_new(exec_ctx *x, const ast *n, op *child) {
  pivot_op *p = arena_alloc(x->a, sizeof *p);
  p->base.vt = &pivot_vt;
  p->base.node = n;
  p->base.x = x;
  p->base.child = child;
  p->ngroup = n->slot;
  p->nout = n->rel->n;
  p->nkeys = n->by.n;
  p->keys = arena_alloc(x->a, sizeof *p->keys * (size_t)(p->nkeys ? p->nkeys : 1));
  for (int k = 0; k < p->nkeys; k++) p->keys[k] = (pkey){n->by.v[k]->name, n->by.v[k]->col};
  qsort(p->keys, (size_t)p->nkeys, sizeof *p->keys, key_cmp);
  p->keep = arena_new();
  p->out = batch_new(x->a, p->nout);
  return &p->base;
}
