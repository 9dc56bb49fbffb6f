/*
** Operator: top-nested [N] of Key [with others = V] by Agg [asc|desc], top-nested ...
** A blocking operator (top-nested operator page): it reads every row, then, level by level,
** groups the rows of each group of the level above by Key, aggregates each group with Agg,
** keeps the N groups with the highest (desc, the default) or lowest (asc) aggregate, all of
** them when N is not given, and with 'with others' adds one group of the rest, keyed V and
** aggregated over their rows, that the levels below do not split (their columns are null).
** Emits one row per innermost group, depth first: Key1, Agg1, Key2, Agg2, ...; among
** equal aggregates the group seen first comes first.
*/
#include <stdlib.h>
#include <string.h>

#include "../exec.h"

typedef struct tn_level {
  const ast *key;      /* the key expression */
  const ast *agg;      /* the aggregate call */
  int64_t n;           /* groups kept, or -1 for all */
  bool asc;            /* lowest aggregates first */
  const ast *others;   /* the others key, or NULL */
  int arg0;            /* index of the aggregate's first argument in a stored row */
} tn_level;

typedef struct tn_op {
  op base;             /* common head */
  int nlev;            /* levels */
  tn_level *lev;       /* each level */
  int width;           /* values per stored row: the keys, then every aggregate's arguments */
  kql_value **rows;    /* stored rows */
  size_t nrows, cap;   /* how many, room */
  kql_value *res;      /* result rows, 2 * nlev values each */
  size_t nres, rescap; /* how many, room */
  size_t emitted;      /* result rows sent */
  bool done;           /* input read and result built */
  arena *keep;         /* stored values and aggregate states */
  arena *tmp;          /* scratch */
  batch *out;          /* output */
} tn_op;

/* A group of the level being split: its rows (indexes into t->rows) and its aggregate. */
typedef struct tn_group {
  size_t *idx;         /* rows */
  size_t n;            /* how many */
  kql_value agg;       /* the aggregate over them */
  size_t first;        /* position of its first row, for ties */
} tn_group;

/* Stable merge sort of 'v' (n entries) by the key of level 'l' ('buf' has room for n). */
static void sort_rows(tn_op *t, int l, size_t *v, size_t n, size_t *buf) {
  if (n < 2) return;
  size_t h = n / 2;
  sort_rows(t, l, v, h, buf);
  sort_rows(t, l, v + h, n - h, buf);
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n)
    buf[k++] = val_compare(&t->rows[v[j]][l], &t->rows[v[i]][l]) < 0 ? v[j++] : v[i++];
  while (i < h) buf[k++] = v[i++];
  while (j < n) buf[k++] = v[j++];
  memcpy(v, buf, n * sizeof *v);
}

static kql_value aggregate(tn_op *t, const tn_level *lv, const size_t *idx, size_t n) {
  const ast *call = lv->agg;
  fn_ctx c = {.tmp = t->keep, .keep = t->keep, .now = t->base.x->now};
  void *state = arena_alloc(t->keep, call->fn->state_size ? call->fn->state_size : 1);
  memset(state, 0, call->fn->state_size);
  for (size_t i = 0; i < n; i++) call->fn->step(&c, state, &t->rows[idx[i]][lv->arg0], call->list.n);
  kql_value out;
  call->fn->final(&c, state, call->type, &out);
  return out;
}

static bool add_result(tn_op *t, const kql_value *prefix) {
  if (t->nres == t->rescap) {
    t->rescap = t->rescap ? t->rescap * 2 : 64;
    t->res = xrealloc(t->res, t->rescap * 2 * (size_t)t->nlev * sizeof *t->res);
  }
  memcpy(t->res + t->nres * 2 * (size_t)t->nlev, prefix, 2 * (size_t)t->nlev * sizeof *prefix);
  t->nres++;
  return true;
}

/* Higher aggregates first (lower with asc); nulls last; ties by first row. */
static int group_cmp(const tn_group *a, const tn_group *b, bool asc) {
  if (a->agg.isnull != b->agg.isnull) return a->agg.isnull ? 1 : -1;
  int c = val_compare(&a->agg, &b->agg);
  if (c) return asc ? c : -c;
  return (a->first > b->first) - (a->first < b->first);
}

/* Split rows 'idx' (n) at level 'l' and recurse; 'prefix' holds the levels above. */
static void split(tn_op *t, int l, size_t *idx, size_t n, kql_value *prefix) {
  if (l == t->nlev) {
    add_result(t, prefix);
    return;
  }
  const tn_level *lv = &t->lev[l];
  size_t *buf = xmalloc((n ? n : 1) * sizeof *buf);
  sort_rows(t, l, idx, n, buf);
  free(buf);
  size_t ng = 0;
  tn_group *g = xmalloc((n ? n : 1) * sizeof *g);
  for (size_t i = 0; i < n;) {
    size_t j = i + 1, first = idx[i];
    while (j < n && val_compare(&t->rows[idx[j]][l], &t->rows[idx[i]][l]) == 0) {
      if (idx[j] < first) first = idx[j];
      j++;
    }
    g[ng].idx = idx + i;
    g[ng].n = j - i;
    g[ng].first = first;
    g[ng].agg = aggregate(t, lv, idx + i, j - i);
    ng++;
    i = j;
  }
  /* insertion sort of the groups: stable, and the group count is small next to the rows */
  for (size_t i = 1; i < ng; i++) {
    tn_group x = g[i];
    size_t j = i;
    while (j > 0 && group_cmp(&x, &g[j - 1], lv->asc) < 0) g[j] = g[j - 1], j--;
    g[j] = x;
  }
  size_t keep = lv->n < 0 || (uint64_t)lv->n > ng ? ng : (size_t)lv->n;
  for (size_t i = 0; i < keep; i++) {
    prefix[2 * l] = t->rows[g[i].idx[0]][l];
    prefix[2 * l + 1] = g[i].agg;
    split(t, l + 1, g[i].idx, g[i].n, prefix);
  }
  if (lv->others && keep < ng) {
    size_t nrest = 0;
    for (size_t i = keep; i < ng; i++) nrest += g[i].n;
    size_t *rest = xmalloc(nrest * sizeof *rest), k = 0;
    for (size_t i = keep; i < ng; i++)
      for (size_t j = 0; j < g[i].n; j++) rest[k++] = g[i].idx[j];
    expr_eval(t->base.x, t->keep, lv->others, NULL, 0, &prefix[2 * l]);
    /* the others value takes the key column's type: tostring() for a string key, a number
    ** converted for a number (tolong(-1.5) is -1), else null */
    kql_type kt = t->base.node->rel->cols[2 * l].type;
    kql_value *ov = &prefix[2 * l];
    bool lng = kt == KQL_T_LONG || kt == KQL_T_INT, olng = ov->type == KQL_T_LONG || ov->type == KQL_T_INT;
    if (ov->isnull || ov->type == kt) ov->type = kt;
    else if (kt == KQL_T_STRING) *ov = val_tostring(t->keep, *ov);
    else if (kt == KQL_T_REAL && olng) *ov = val_real((double)ov->u.i);
    else if (lng && olng) ov->type = kt;
    else if (lng && ov->type == KQL_T_REAL && ov->u.r > -9.2e18 && ov->u.r < 9.2e18) {
      *ov = val_long((int64_t)ov->u.r);
      ov->type = kt;
    } else *ov = val_null(kt);
    prefix[2 * l + 1] = aggregate(t, lv, rest, nrest);
    for (int m = l + 1; m < t->nlev; m++) {
      prefix[2 * m] = val_null(t->base.node->rel->cols[2 * m].type);
      prefix[2 * m + 1] = val_null(t->base.node->rel->cols[2 * m + 1].type);
    }
    add_result(t, prefix);
    free(rest);
  }
  free(g);
}

static void consume(tn_op *t, batch *b) {
  int n = batch_count(b);
  for (int i = 0; i < n; i++) {
    int row = batch_row(b, i);
    if (t->nrows == t->cap) {
      t->cap = t->cap ? t->cap * 2 : 256;
      t->rows = xrealloc(t->rows, t->cap * sizeof *t->rows);
    }
    kql_value *v = arena_alloc(t->keep, sizeof(kql_value) * (size_t)t->width);
    for (int l = 0; l < t->nlev; l++) {
      kql_value k;
      expr_eval(t->base.x, t->tmp, t->lev[l].key, b, row, &k);
      v[l] = val_copy(t->keep, k);
      const ast *call = t->lev[l].agg;
      for (int j = 0; j < call->list.n; j++) {
        const ast *arg = call->list.v[j];
        kql_value a = val_null(KQL_T_NULL);
        if (!(arg->kind == AST_NAME && arg->name[0] == '*')) expr_eval(t->base.x, t->tmp, arg, b, row, &a);
        v[t->lev[l].arg0 + j] = val_copy(t->keep, a);
      }
    }
    t->rows[t->nrows++] = v;
  }
  arena_reset(t->tmp);
}

static exec_result tn_next(op *o, batch **out) {
  tn_op *t = (tn_op *)o;
  if (!t->done) {
    batch *b;
    exec_result r;
    while ((r = o->child->vt->next(o->child, &b)) == EXEC_BATCH_READY) {
      consume(t, b);
      if (!exec_charge(o, arena_used(t->keep) + t->cap * sizeof *t->rows)) return EXEC_ERROR;
    }
    if (r == EXEC_ERROR) return r;
    if (o->x->failed) return EXEC_ERROR;
    size_t *idx = xmalloc((t->nrows ? t->nrows : 1) * sizeof *idx);
    for (size_t i = 0; i < t->nrows; i++) idx[i] = i;
    kql_value *prefix = xcalloc(2 * (size_t)t->nlev, sizeof *prefix);
    split(t, 0, idx, t->nrows, prefix);
    free(prefix);
    free(idx);
    t->done = true;
  }
  if (t->emitted >= t->nres) return EXEC_DONE;
  batch *b = t->out;
  batch_clear(b);
  int r = 0;
  for (; r < EXEC_BATCH && t->emitted < t->nres; r++, t->emitted++)
    for (int c = 0; c < 2 * t->nlev; c++) b->cols[c][r] = t->res[t->emitted * 2 * (size_t)t->nlev + (size_t)c];
  b->nrows = r;
  o->rows_out += (uint64_t)r;
  *out = b;
  return EXEC_BATCH_READY;
}

static void tn_close(op *o) {
  tn_op *t = (tn_op *)o;
  free(t->rows);
  free(t->res);
  arena_free(t->keep);
  arena_free(t->tmp);
  batch_free(t->out);
}

static const op_vtab topnested_vt = {"top-nested", tn_next, tn_close};

op *op_topnested_new(exec_ctx *x, const ast *n, op *child) {
  tn_op *t = arena_alloc(x->a, sizeof *t);
  t->base.vt = &topnested_vt;
  t->base.node = n;
  t->base.x = x;
  t->base.child = child;
  t->nlev = n->list.n;
  t->lev = arena_alloc(x->a, sizeof(tn_level) * (size_t)(t->nlev ? t->nlev : 1));
  t->width = t->nlev;
  for (int l = 0; l < t->nlev; l++) {
    const ast *lv = n->list.v[l];
    tn_level *L = &t->lev[l];
    L->key = lv->a->kind == AST_ASSIGN ? lv->a->a : lv->a;
    L->agg = lv->b->kind == AST_ASSIGN ? lv->b->a : lv->b;
    L->asc = lv->flags & AST_SORT_ASC;
    L->others = lv->c;
    L->n = -1;
    if (lv->by.n) {
      kql_value v;
      expr_eval(x, x->a, lv->by.v[0], NULL, 0, &v);
      L->n = v.isnull ? -1 : v.u.i < 0 ? 0 : v.u.i;
    }
    L->arg0 = t->width;
    t->width += L->agg->list.n;
  }
  t->keep = arena_new();
  t->tmp = arena_new();
  t->out = batch_new(x->a, n->rel->n);
  return &t->base;
}
