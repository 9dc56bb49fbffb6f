/*
** agg.c: aggregate functions: count, countif, min, max, sum, avg, dcount, make_set and
** make_list; their conditional forms (dcountif, sumif, avgif, minif, maxif, make_set_if,
** make_list_if), make_list_with_nulls, make_bag(_if), take_any(if), stdev, variance and
** percentile.  State lives in the group's arena ('c->keep'); every aggregate skips nulls
** (make_list_with_nulls aside).  dcount and percentile are exact, where Kusto's estimate.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../json.h"
#include "impl.h"

#define MAKE_DEFAULT_MAX 1048576 /* Kusto's default cap on make_set/make_list */

/* ---- types ---- */

kql_type ty_sum(ast **a, int n, const char **e) {
  (void)n;
  kql_type t = a[0]->type;
  if (t == KQL_T_INT || t == KQL_T_LONG) return KQL_T_LONG;
  if (t == KQL_T_REAL || t == KQL_T_DECIMAL || t == KQL_T_DYNAMIC || t == KQL_T_NULL) return KQL_T_REAL;
  if (t == KQL_T_TIMESPAN) return KQL_T_TIMESPAN;
  *e = "sum() and avg() expect a number or timespan";
  return KQL_T_COUNT_;
}

kql_type ty_avg(ast **a, int n, const char **e) {
  kql_type t = ty_sum(a, n, e);
  return t == KQL_T_LONG ? KQL_T_REAL : t;
}

/* count() counts rows; count(x), the legacy form the summarize reference still shows,
** counts the rows where a bool x is true, and every row for another x, null or not (the
** reference's summarize example: count(y) over a null and a 5 is 2). */
kql_type ty_count(ast **a, int n, const char **e) {
  (void)a, (void)n, (void)e;
  return KQL_T_LONG;
}

kql_type ty_minmax(ast **a, int n, const char **e) {
  (void)n, (void)e;
  return a[0]->type;
}

/* ---- count ---- */


void a_count_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  (void)c;
  if (n == 1 && a[0].type == KQL_T_BOOL && (a[0].isnull || !a[0].u.b)) return;
  ((count_state *)st)->n++;
}

void a_countif_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  (void)c, (void)n;
  if (!a[0].isnull && a[0].type == KQL_T_BOOL && a[0].u.b) ((count_state *)st)->n++;
}

void a_count_final(fn_ctx *c, void *st, kql_type t, kql_value *out) {
  (void)c, (void)t;
  *out = val_long(((count_state *)st)->n);
}

/* ---- min / max ---- */


static void minmax(fn_ctx *c, minmax_state *s, const kql_value *v, int sign) {
  if (v->isnull || (v->type == KQL_T_STRING && v->u.s.n == 0)) return;
  if ((v->type == KQL_T_REAL) && isnan(v->u.r)) return;
  if (!s->has || val_compare(v, &s->v) * sign > 0) {
    s->v = val_copy(c->keep, *v);
    s->has = true;
  }
}

void a_min_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  (void)n;
  minmax(c, st, &a[0], -1);
}

void a_max_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  (void)n;
  minmax(c, st, &a[0], 1);
}

void a_minmax_final(fn_ctx *c, void *st, kql_type t, kql_value *out) {
  (void)c;
  minmax_state *s = st;
  *out = s->has ? s->v : val_null(t);
}

/* ---- sum / avg ---- */


static void add(sum_state *s, const kql_value *v) {
  if (v->isnull) return;
  switch (v->type) {
  case KQL_T_BOOL: s->i += v->u.b; break;
  case KQL_T_INT:
  case KQL_T_LONG:
  case KQL_T_TIMESPAN: s->i = (int64_t)((uint64_t)s->i + (uint64_t)v->u.i); break;
  case KQL_T_REAL:
  case KQL_T_DECIMAL:
    s->r += v->u.r;
    s->real = true;
    break;
  default: return;
  }
  s->n++;
}

void a_sum_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  (void)c, (void)n;
  add(st, &a[0]);
}

void a_sum_final(fn_ctx *c, void *st, kql_type t, kql_value *out) {
  (void)c;
  sum_state *s = st;
  /* over no values sum() is 0, as Kusto's table of aggregation defaults says */
  if (t == KQL_T_REAL) *out = val_real(s->r + (double)s->i);
  else if (t == KQL_T_TIMESPAN) *out = val_timespan(s->i);
  else *out = val_long(s->i);
}

void a_avg_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  (void)c, (void)n;
  add(st, &a[0]);
}

void a_avg_final(fn_ctx *c, void *st, kql_type t, kql_value *out) {
  (void)c;
  sum_state *s = st;
  if (s->n == 0) *out = val_null(t);
  else if (t == KQL_T_TIMESPAN) *out = val_timespan(s->i / s->n);
  else *out = val_real((s->r + (double)s->i) / (double)s->n);
}

/* ---- sets: dcount, make_set, make_list ---- */


static void set_grow_slots(fn_ctx *c, set_state *s) {
  size_t ns = s->nslots ? s->nslots * 2 : 16;
  uint32_t *slots = arena_alloc(c->keep, sizeof *slots * ns);
  for (size_t i = 0; i < s->n; i++) {
    size_t h = (size_t)val_hash(&s->items[i]) & (ns - 1);
    while (slots[h]) h = (h + 1) & (ns - 1);
    slots[h] = (uint32_t)(i + 1);
  }
  s->slots = slots;
  s->nslots = ns;
}

static void push(fn_ctx *c, set_state *s, const kql_value *v) {
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 8;
    kql_value *items = arena_alloc(c->keep, sizeof *items * cap);
    if (s->n) memcpy(items, s->items, sizeof *items * s->n);
    s->items = items;
    s->cap = cap;
  }
  s->items[s->n++] = val_copy(c->keep, *v);
}

/* Add 'v' unless present; returns true when added. */
static bool set_add(fn_ctx *c, set_state *s, const kql_value *v) {
  if ((s->n + 1) * 2 > s->nslots) set_grow_slots(c, s);
  size_t h = (size_t)val_hash(v) & (s->nslots - 1);
  while (s->slots[h]) {
    if (val_equal(&s->items[s->slots[h] - 1], v)) return false;
    h = (h + 1) & (s->nslots - 1);
  }
  push(c, s, v);
  s->slots[h] = (uint32_t)s->n;
  return true;
}

static bool skip(const kql_value *v) {
  return v->isnull || (v->type == KQL_T_STRING && v->u.s.n == 0) ||
         (v->type == KQL_T_DYNAMIC && v->u.s.n == 4 && memcmp(v->u.s.p, "null", 4) == 0);
}

static int64_t cap_of(const kql_value *a, int n) {
  if (n < 2 || a[1].isnull || (a[1].type != KQL_T_LONG && a[1].type != KQL_T_INT) || a[1].u.i <= 0)
    return MAKE_DEFAULT_MAX;
  return a[1].u.i;
}

void a_dcount_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  (void)n;
  if (!skip(&a[0])) set_add(c, st, &a[0]);
}

void a_dcount_final(fn_ctx *c, void *st, kql_type t, kql_value *out) {
  (void)c, (void)t;
  *out = val_long((int64_t)((set_state *)st)->n);
}

void a_make_set_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  set_state *s = st;
  if (skip(&a[0]) || (int64_t)s->n >= cap_of(a, n)) return;
  if (a[0].type == KQL_T_DYNAMIC && a[0].u.s.n && a[0].u.s.p[0] == '[') {
    /* an array adds its elements: make_set of arrays is their union */
    kql_value *items;
    size_t k = json_dyn_elements(c->tmp, a[0], false, &items);
    for (size_t i = 0; i < k && (int64_t)s->n < cap_of(a, n); i++)
      if (!skip(&items[i])) set_add(c, s, &items[i]);
    return;
  }
  set_add(c, s, &a[0]);
}

/* The legacy makeset() and makelist() keep at most 128 values unless told otherwise. */
void a_makeset_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  kql_value args[2] = {a[0], val_long(128)};
  if (n > 1) args[1] = a[1];
  a_make_set_step(c, st, args, 2);
}

void a_makelist_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  kql_value args[2] = {a[0], val_long(128)};
  if (n > 1) args[1] = a[1];
  a_make_list_step(c, st, args, 2);
}

void a_make_list_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  set_state *s = st;
  if (skip(&a[0]) || (int64_t)s->n >= cap_of(a, n)) return;
  push(c, s, &a[0]);
}

void a_make_final(fn_ctx *c, void *st, kql_type t, kql_value *out) {
  (void)t;
  set_state *s = st;
  *out = json_make_array(c->keep, s->items, s->n);
}

/* ---- the conditional and statistical aggregates ---- */

/* The predicate argument 'a' of an *if aggregate must be a bool. */
static bool pred_ok(const ast *a, const char **e, const char *msg) {
  kql_type t = a->type;
  if (t == KQL_T_BOOL || t == KQL_T_NULL || t == KQL_T_DYNAMIC) return true;
  *e = msg;
  return false;
}

/* Optional cap argument 'a': a number. */
static bool cap_ok(const ast *a, const char **e, const char *msg) {
  if (val_is_numeric(a->type) || a->type == KQL_T_NULL || a->type == KQL_T_DYNAMIC) return true;
  *e = msg;
  return false;
}

/* dcountif(expr, predicate [, accuracy]) */
kql_type ty_agg_if(ast **a, int n, const char **e) {
  if (!pred_ok(a[1], e, "dcountif() expects a bool predicate as its second argument")) return KQL_T_COUNT_;
  if (n > 2 && !cap_ok(a[2], e, "dcountif() expects a number as its accuracy")) return KQL_T_COUNT_;
  return KQL_T_LONG;
}

kql_type ty_sum_if(ast **a, int n, const char **e) {
  if (!pred_ok(a[1], e, "sumif() expects a bool predicate as its second argument")) return KQL_T_COUNT_;
  kql_type t = ty_sum(a, n, e);
  if (t == KQL_T_COUNT_) *e = "sumif() expects a number or timespan";
  return t;
}

kql_type ty_avg_if(ast **a, int n, const char **e) {
  if (!pred_ok(a[1], e, "avgif() expects a bool predicate as its second argument")) return KQL_T_COUNT_;
  kql_type t = ty_sum(a, n, e);
  if (t == KQL_T_COUNT_) *e = "avgif() expects a number or timespan";
  return t == KQL_T_TIMESPAN || t == KQL_T_COUNT_ ? t : KQL_T_REAL;
}

kql_type ty_minmax_if(ast **a, int n, const char **e) {
  (void)n;
  if (!pred_ok(a[1], e, "minif() and maxif() expect a bool predicate as their second argument")) return KQL_T_COUNT_;
  return a[0]->type;
}

/* make_set_if / make_list_if (expr, predicate [, maxSize]) */
kql_type ty_make_if(ast **a, int n, const char **e) {
  if (!pred_ok(a[1], e, "make_set_if() and make_list_if() expect a bool predicate as their second argument"))
    return KQL_T_COUNT_;
  if (n > 2 && !cap_ok(a[2], e, "make_set_if() and make_list_if() expect a number as their size limit"))
    return KQL_T_COUNT_;
  return KQL_T_DYNAMIC;
}

kql_type ty_make_bag(ast **a, int n, const char **e) {
  if (a[0]->type != KQL_T_DYNAMIC && a[0]->type != KQL_T_NULL) {
    *e = "make_bag() expects a dynamic property bag";
    return KQL_T_COUNT_;
  }
  if (n > 1 && !cap_ok(a[1], e, "make_bag() expects a number as its size limit")) return KQL_T_COUNT_;
  return KQL_T_DYNAMIC;
}

kql_type ty_make_bag_if(ast **a, int n, const char **e) {
  if (a[0]->type != KQL_T_DYNAMIC && a[0]->type != KQL_T_NULL) {
    *e = "make_bag_if() expects a dynamic property bag";
    return KQL_T_COUNT_;
  }
  if (!pred_ok(a[1], e, "make_bag_if() expects a bool predicate as its second argument")) return KQL_T_COUNT_;
  if (n > 2 && !cap_ok(a[2], e, "make_bag_if() expects a number as its size limit")) return KQL_T_COUNT_;
  return KQL_T_DYNAMIC;
}

kql_type ty_stat(ast **a, int n, const char **e) {
  (void)n;
  kql_type t = a[0]->type;
  if (val_is_numeric(t) || t == KQL_T_NULL || t == KQL_T_DYNAMIC) return KQL_T_REAL; /* Kusto rejects a bool */
  *e = "stdev() and variance() expect a number";
  return KQL_T_COUNT_;
}

kql_type ty_percentile(ast **a, int n, const char **e) {
  (void)n;
  kql_type t = a[0]->type, p = a[1]->type;
  if (!val_is_numeric(p) && p != KQL_T_NULL && p != KQL_T_DYNAMIC) {
    *e = "percentile() expects a number as its percentile";
    return KQL_T_COUNT_;
  }
  if (val_is_numeric(t) || t == KQL_T_DATETIME || t == KQL_T_TIMESPAN) return t == KQL_T_INT ? KQL_T_LONG : t;
  if (t == KQL_T_NULL || t == KQL_T_DYNAMIC) return KQL_T_REAL;
  *e = "percentile() expects a number, datetime or timespan";
  return KQL_T_COUNT_;
}

/* The cap of a make_* aggregate in argument 'i' (Kusto's default when absent). */
static int64_t cap_at(const kql_value *a, int n, int i) {
  if (n <= i || a[i].isnull || (a[i].type != KQL_T_LONG && a[i].type != KQL_T_INT) || a[i].u.i <= 0)
    return MAKE_DEFAULT_MAX;
  return a[i].u.i;
}

static bool pred(const kql_value *a, int n) { return n > 1 && fn_true(&a[1]); }

void a_dcountif_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  if (pred(a, n) && !skip(&a[0])) set_add(c, st, &a[0]);
}

void a_sumif_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  (void)c;
  if (pred(a, n)) add(st, &a[0]);
}

/* sumif() of no value is 0, as the KQL reference shows for an empty table. */
void a_sumif_final(fn_ctx *c, void *st, kql_type t, kql_value *out) {
  sum_state *s = st;
  if (s->n == 0) *out = t == KQL_T_REAL ? val_real(0) : t == KQL_T_TIMESPAN ? val_timespan(0) : val_long(0);
  else a_sum_final(c, st, t, out);
}

void a_avgif_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  (void)c;
  if (pred(a, n)) add(st, &a[0]);
}

void a_minif_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  if (pred(a, n)) minmax(c, st, &a[0], -1);
}

void a_maxif_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  if (pred(a, n)) minmax(c, st, &a[0], 1);
}

void a_make_set_if_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  set_state *s = st;
  if (!pred(a, n) || skip(&a[0]) || (int64_t)s->n >= cap_at(a, n, 2)) return;
  set_add(c, s, &a[0]);
}

void a_make_list_if_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  set_state *s = st;
  if (!pred(a, n) || skip(&a[0]) || (int64_t)s->n >= cap_at(a, n, 2)) return;
  push(c, s, &a[0]);
}

/* make_list_with_nulls(expr [, maxSize]): nulls are kept (as JSON null). */
void a_make_list_nulls_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  set_state *s = st;
  if ((int64_t)s->n >= cap_at(a, n, 1)) return;
  push(c, s, &a[0]);
}

/* Add the members of bag 'v' to 's' (a key already present keeps its first value). */
static void bag_add(fn_ctx *c, bag_state *s, const kql_value *v, int64_t cap) {
  json_iter it;
  kql_value k, m;
  if (json_dyn_kind(*v) != JSON_K_OBJECT || !json_iter_begin(&it, *v)) return;
  while ((int64_t)s->keys.n < cap && json_iter_next(&it, c->tmp, &k, &m)) {
    if (!set_add(c, &s->keys, &k)) continue;
    if (s->keys.n > s->cap) {
      size_t cap2 = s->cap ? s->cap * 2 : 8;
      kql_value *nv = arena_alloc(c->keep, sizeof *nv * cap2);
      if (s->cap) memcpy(nv, s->vals, sizeof *nv * s->cap);
      s->vals = nv, s->cap = cap2;
    }
    s->vals[s->keys.n - 1] = val_copy(c->keep, m);
  }
}

void a_make_bag_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  bag_add(c, st, &a[0], cap_at(a, n, 1));
}

void a_make_bag_if_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  if (pred(a, n)) bag_add(c, st, &a[0], cap_at(a, n, 2));
}

void a_make_bag_final(fn_ctx *c, void *st, kql_type t, kql_value *out) {
  (void)t;
  bag_state *s = st;
  json_buf b = {c->keep, NULL, 0, 0};
  json_buf_raw(&b, "{", 1);
  for (size_t i = 0; i < s->keys.n; i++) {
    if (i) json_buf_raw(&b, ",", 1);
    json_buf_str(&b, s->keys.items[i].u.s.p, s->keys.items[i].u.s.n);
    json_buf_raw(&b, ":", 1);
    json_buf_raw(&b, s->vals[i].u.s.p, s->vals[i].u.s.n);
  }
  json_buf_raw(&b, "}", 1);
  *out = json_buf_dynamic(&b);
}

/* take_any(expr): the first value seen that is not null or empty (null when none). */
void a_take_any_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  (void)n;
  minmax_state *s = st;
  if (s->has || skip(&a[0])) return;
  s->v = val_copy(c->keep, a[0]);
  s->has = true;
}

void a_take_anyif_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  if (pred(a, n)) a_take_any_step(c, st, a, 1);
}

void a_take_any_final(fn_ctx *c, void *st, kql_type t, kql_value *out) { a_minmax_final(c, st, t, out); }

/* stdev, variance: Welford's running mean and squared deviations over the non-null values. */
void a_stat_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  (void)n;
  stat_state *s = st;
  double x;
  if (!fn_real(c, &a[0], &x)) return;
  s->n++;
  double d = x - s->mean;
  s->mean += d / (double)s->n;
  s->m2 += d * (x - s->mean);
}

/* The sample variance (Bessel's correction); 0 for fewer than two values, as the KQL
** reference shows for an empty table. */
static double variance(const stat_state *s) { return s->n < 2 ? 0.0 : s->m2 / (double)(s->n - 1); }

void a_variance_final(fn_ctx *c, void *st, kql_type t, kql_value *out) {
  (void)c, (void)t;
  *out = val_real(variance(st));
}

void a_stdev_final(fn_ctx *c, void *st, kql_type t, kql_value *out) {
  (void)c, (void)t;
  *out = val_real(sqrt(variance(st)));
}

/* percentile(expr, p): exact nearest-rank over all non-null values (Kusto estimates with
** T-Digest): the smallest value with at least p% of the values <= it; p = 0 is the least. */
void a_percentile_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  pct_state *s = st;
  double p;
  if (a[0].isnull || (a[0].type == KQL_T_REAL && isnan(a[0].u.r))) return;
  if (s->vals.n == 0 && n > 1 && fn_real(c, &a[1], &p)) s->p = p;
  kql_value v = a[0];
  if (v.type == KQL_T_DYNAMIC) {
    v = json_dyn_scalar(c->tmp, v);
    if (v.isnull || (v.type != KQL_T_LONG && v.type != KQL_T_REAL)) return;
  }
  if (v.type == KQL_T_INT) v.type = KQL_T_LONG;
  push(c, &s->vals, &v);
}

static int cmp_values(const void *x, const void *y) { return val_compare(x, y); }

void a_percentile_final(fn_ctx *c, void *st, kql_type t, kql_value *out) {
  (void)c;
  pct_state *s = st;
  size_t n = s->vals.n;
  if (n == 0 || isnan(s->p)) {
    *out = val_null(t);
    return;
  }
  qsort(s->vals.items, n, sizeof *s->vals.items, cmp_values);
  double p = s->p < 0 ? 0 : s->p > 100 ? 100 : s->p;
  size_t rank = (size_t)ceil(p / 100.0 * (double)n);
  kql_value v = s->vals.items[rank ? rank - 1 : 0];
  if (t == KQL_T_REAL && v.type == KQL_T_LONG) v = val_real((double)v.u.i);
  else if (t == KQL_T_LONG && v.type == KQL_T_REAL) v = val_long((int64_t)v.u.r);
  *out = v;
}

/* ---- percentiles_array, and the weighted percentilew / percentilesw_array ----
** kql computes every percentile exactly, by nearest rank: the smallest value whose rank (or,
** weighted, whose running total of weights) reaches p% of the count (or total weight).
** Kusto estimates with T-Digest; on small inputs (a few hundred values) the two agree. */

kql_type ty_percentilew(ast **a, int n, const char **e) {
  (void)n;
  if (!val_is_numeric(a[1]->type) && a[1]->type != KQL_T_NULL && a[1]->type != KQL_T_DYNAMIC) {
    *e = "percentilew() expects a whole number as its weight";
    return KQL_T_COUNT_;
  }
  ast *b[2] = {a[0], a[2]};
  return ty_percentile(b, 2, e);
}

/* percentiles_array(x, p1, ...) and percentilesw_array(x, w, p1, ...), where the
** percentiles may also come as one dynamic array. */
kql_type ty_percentiles_array(ast **a, int n, const char **e) {
  ast *b[2] = {a[0], a[n - 1]};
  return ty_percentile(b, 2, e) == KQL_T_COUNT_ ? KQL_T_COUNT_ : KQL_T_DYNAMIC;
}

kql_type ty_percentilesw_array(ast **a, int n, const char **e) {
  if (n < 3) {
    *e = "percentilesw_array() expects an expression, a weight and percentiles";
    return KQL_T_COUNT_;
  }
  return ty_percentiles_array(a + 1, n - 1, e) == KQL_T_COUNT_ ? KQL_T_COUNT_ : ty_percentiles_array(a, 2, e);
}

/* Add value 'v' with weight 'w' to 's' (nulls, NaN and weights below 1 are skipped). */
static void wpct_add(fn_ctx *c, wpct_state *s, kql_value v, int64_t w) {
  if (v.isnull || (v.type == KQL_T_REAL && isnan(v.u.r)) || w < 1) return;
  if (v.type == KQL_T_DYNAMIC) {
    v = json_dyn_scalar(c->tmp, v);
    if (v.isnull || (v.type != KQL_T_LONG && v.type != KQL_T_REAL)) return;
  }
  if (v.type == KQL_T_INT) v.type = KQL_T_LONG;
  push(c, &s->vals, &v);
  kql_value wv = val_long(w);
  push(c, &s->wts, &wv);
  s->total += w;
}

/* Keep the percentiles of arguments 'a[from..n)' (numbers, or one dynamic array) once. */
static void wpct_ps(fn_ctx *c, wpct_state *s, const kql_value *a, int from, int n) {
  if (s->ps) return;
  kql_value *el = NULL;
  size_t k = 0;
  if (n - from == 1 && a[from].type == KQL_T_DYNAMIC && !a[from].isnull)
    k = json_dyn_elements(c->tmp, a[from], false, &el);
  else {
    el = (kql_value *)(a + from);
    k = (size_t)(n - from);
  }
  s->ps = arena_alloc(c->keep, sizeof *s->ps * (k ? k : 1));
  for (size_t i = 0; i < k; i++) {
    kql_value v = el[i].type == KQL_T_DYNAMIC ? json_dyn_scalar(c->tmp, el[i]) : el[i];
    if (!fn_real(c, &v, &s->ps[i])) s->ps[i] = NAN;
  }
  s->nps = k;
}

void a_percentilew_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  wpct_state *s = st;
  int64_t w;
  wpct_ps(c, s, a, 2, n);
  if (fn_long(c, &a[1], &w)) wpct_add(c, s, a[0], w);
}

void a_percentiles_array_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  wpct_state *s = st;
  wpct_ps(c, s, a, 1, n);
  wpct_add(c, s, a[0], 1);
}

void a_percentilesw_array_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  wpct_state *s = st;
  int64_t w;
  wpct_ps(c, s, a, 2, n);
  if (fn_long(c, &a[1], &w)) wpct_add(c, s, a[0], w);
}

typedef struct wpair {
  kql_value v;  /* a value */
  int64_t w;    /* its weight */
} wpair;

static int cmp_wpair(const void *x, const void *y) {
  return val_compare(&((const wpair *)x)->v, &((const wpair *)y)->v);
}

/* The values of 's' sorted, with their weights (in 'c->tmp'). */
static wpair *wpct_sorted(fn_ctx *c, const wpct_state *s) {
  wpair *p = arena_alloc(c->tmp, sizeof *p * (s->vals.n ? s->vals.n : 1));
  for (size_t i = 0; i < s->vals.n; i++) p[i] = (wpair){s->vals.items[i], s->wts.items[i].u.i};
  qsort(p, s->vals.n, sizeof *p, cmp_wpair);
  return p;
}

/* The nearest-rank percentile 'pc' of the 'n' sorted pairs 'p' of total weight 'total', as
** type 't' (null when there is none). */
static kql_value pick(const wpair *p, size_t n, int64_t total, double pc, kql_type t) {
  if (n == 0 || isnan(pc)) return val_null(t);
  pc = pc < 0 ? 0 : pc > 100 ? 100 : pc;
  double target = ceil(pc / 100.0 * (double)total);
  int64_t run = 0;
  size_t i = 0;
  for (; i + 1 < n; i++) {
    run += p[i].w;
    if ((double)run >= target) break;
  }
  kql_value v = p[i].v;
  if (t == KQL_T_REAL && v.type == KQL_T_LONG) v = val_real((double)v.u.i);
  else if (t == KQL_T_LONG && v.type == KQL_T_REAL) v = val_long((int64_t)v.u.r);
  return v;
}

static kql_value wpct_pick(const wpct_state *s, const wpair *p, double pc, kql_type t) {
  return pick(p, s->vals.n, s->total, pc, t);
}

void a_percentilew_final(fn_ctx *c, void *st, kql_type t, kql_value *out) {
  wpct_state *s = st;
  *out = wpct_pick(s, wpct_sorted(c, s), s->nps ? s->ps[0] : NAN, t);
}

/* The array of percentiles: each element typed as the values are (a real for none). */
void a_percentiles_array_final(fn_ctx *c, void *st, kql_type t, kql_value *out) {
  (void)t;
  wpct_state *s = st;
  wpair *p = wpct_sorted(c, s);
  kql_value *v = arena_alloc(c->tmp, sizeof *v * (s->nps ? s->nps : 1));
  kql_type et = s->vals.n ? s->vals.items[0].type : KQL_T_REAL;
  for (size_t i = 0; i < s->nps; i++) v[i] = wpct_pick(s, p, s->ps[i], et);
  *out = json_make_array(c->tmp, v, s->nps);
}

/* ---- tdigest() and the functions over its result ----
** kql's "digest" keeps every distinct value with its weight, as a dynamic array of
** [value, weight] pairs in value order, so percentile_tdigest() is exact (nearest rank, as
** percentile()); Kusto's T-Digest is an estimate whose layout is its own. */

kql_type ty_tdigest(ast **a, int n, const char **e) {
  if (n > 1 && !val_is_numeric(a[1]->type) && a[1]->type != KQL_T_NULL && a[1]->type != KQL_T_DYNAMIC) {
    *e = "tdigest() expects a whole number as its weight";
    return KQL_T_COUNT_;
  }
  kql_type t = a[0]->type;
  if (val_is_numeric(t) || t == KQL_T_DATETIME || t == KQL_T_TIMESPAN || t == KQL_T_NULL || t == KQL_T_DYNAMIC)
    return KQL_T_DYNAMIC;
  *e = "tdigest() expects a number, datetime or timespan";
  return KQL_T_COUNT_;
}

void a_tdigest_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  int64_t w = 1;
  if (n > 1 && !fn_long(c, &a[1], &w)) return;
  wpct_add(c, st, a[0], w);
}

/* Append the pairs of digest 'd' to 's' (tdigest_merge()). */
static void digest_add(fn_ctx *c, wpct_state *s, kql_value d);

void a_tdigest_merge_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  (void)n;
  digest_add(c, st, a[0]);
}

/* The digest of 's': [[value, weight], ...] in value order, equal values merged; null when
** there is no value. */
void a_tdigest_final(fn_ctx *c, void *st, kql_type t, kql_value *out) {
  (void)t;
  wpct_state *s = st;
  if (!s->vals.n) {
    *out = val_null(KQL_T_DYNAMIC);
    return;
  }
  wpair *p = wpct_sorted(c, s);
  kql_value *items = arena_alloc(c->tmp, sizeof *items * s->vals.n);
  size_t k = 0;
  for (size_t i = 0; i < s->vals.n; i++) {
    int64_t w = p[i].w;
    while (i + 1 < s->vals.n && val_compare(&p[i].v, &p[i + 1].v) == 0) w += p[++i].w;
    kql_value pair[2] = {p[i].v, val_long(w)};
    items[k++] = json_make_array(c->tmp, pair, 2);
  }
  *out = json_make_array(c->tmp, items, k);
}

/* The pairs of digest 'd' (in 'c->tmp'), their count in '*n' and total weight in '*total';
** false when 'd' is not a digest. */
static bool digest_read(fn_ctx *c, kql_value d, wpair **pairs, size_t *n, int64_t *total) {
  kql_value *el;
  *n = 0, *total = 0;
  if (d.isnull || d.type != KQL_T_DYNAMIC || json_dyn_kind(d) != JSON_K_ARRAY) return false;
  size_t k = json_dyn_elements(c->tmp, d, false, &el);
  wpair *p = *pairs = arena_alloc(c->tmp, sizeof *p * (k ? k : 1));
  for (size_t i = 0; i < k; i++) {
    kql_value *pv;
    if (json_dyn_elements(c->tmp, el[i], false, &pv) != 2) return false;
    kql_value v = json_dyn_scalar(c->tmp, pv[0]), w = json_dyn_scalar(c->tmp, pv[1]);
    if (v.isnull || w.isnull || w.type != KQL_T_LONG) return false;
    p[(*n)++] = (wpair){v, w.u.i};
    *total += w.u.i;
  }
  return true;
}

static void digest_add(fn_ctx *c, wpct_state *s, kql_value d) {
  wpair *p;
  size_t n;
  int64_t total;
  if (!digest_read(c, d, &p, &n, &total)) return;
  for (size_t i = 0; i < n; i++) wpct_add(c, s, p[i].v, p[i].w);
}

/* merge_tdigest(d1, d2, ...): one digest of all the pairs, in value order. */
void f_merge_tdigest(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  size_t cap = 0, k = 0;
  wpair *all = NULL;
  *out = val_null(KQL_T_DYNAMIC);
  for (int i = 0; i < n; i++) {
    wpair *p;
    size_t m;
    int64_t total;
    if (!digest_read(c, a[i], &p, &m, &total)) continue;
    if (k + m > cap) {
      cap = (k + m) * 2;
      wpair *grown = arena_alloc(c->tmp, sizeof *grown * cap);
      if (k) memcpy(grown, all, sizeof *all * k);
      all = grown;
    }
    memcpy(all + k, p, sizeof *p * m);
    k += m;
  }
  if (!k) return;
  qsort(all, k, sizeof *all, cmp_wpair);
  kql_value *items = arena_alloc(c->tmp, sizeof *items * k);
  size_t j = 0;
  for (size_t i = 0; i < k; i++) {
    int64_t w = all[i].w;
    while (i + 1 < k && val_compare(&all[i].v, &all[i + 1].v) == 0) w += all[++i].w;
    kql_value pair[2] = {all[i].v, val_long(w)};
    items[j++] = json_make_array(c->tmp, pair, 2);
  }
  *out = json_make_array(c->tmp, items, j);
}

/* percentile_tdigest(d, p[, typeof(T)]): a real unless a type is given. */
kql_type ty_percentile_tdigest(ast **a, int n, const char **e) {
  if (a[0]->type != KQL_T_DYNAMIC && a[0]->type != KQL_T_NULL) {
    *e = "percentile_tdigest() expects the result of tdigest()";
    return KQL_T_COUNT_;
  }
  if (n < 3) return KQL_T_REAL;
  const ast *t = a[2];
  int k = t->kind == AST_LIT && t->lit.type == KQL_T_STRING ? val_type_from_name(t->lit.u.s.p, t->lit.u.s.n) : -1;
  if (k < 0) {
    *e = "percentile_tdigest() expects its third argument to be a type, such as typeof(long)";
    return KQL_T_COUNT_;
  }
  return (kql_type)k;
}

void f_percentile_tdigest(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  kql_type t = KQL_T_REAL;
  if (n > 2 && !a[2].isnull && val_is_str(a[2].type)) {
    int k = val_type_from_name(a[2].u.s.p, a[2].u.s.n);
    if (k >= 0) t = (kql_type)k;
  }
  wpair *p;
  size_t m;
  int64_t total;
  double pc;
  *out = val_null(t);
  if (!digest_read(c, a[0], &p, &m, &total) || !fn_real(c, &a[1], &pc)) return;
  qsort(p, m, sizeof *p, cmp_wpair);
  *out = pick(p, m, total, pc, t);
}

kql_type ty_percentiles_array_tdigest(ast **a, int n, const char **e) {
  (void)n;
  if (a[0]->type != KQL_T_DYNAMIC && a[0]->type != KQL_T_NULL) {
    *e = "percentiles_array_tdigest() expects the result of tdigest()";
    return KQL_T_COUNT_;
  }
  return KQL_T_DYNAMIC;
}

/* percentiles_array_tdigest(d, p1, ...) or (d, dynamic([p1, ...])). */
void f_percentiles_array_tdigest(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  wpair *p;
  size_t m;
  int64_t total;
  *out = val_null(KQL_T_DYNAMIC);
  if (!digest_read(c, a[0], &p, &m, &total)) return;
  qsort(p, m, sizeof *p, cmp_wpair);
  kql_value *el = NULL;
  size_t k;
  if (n == 2 && a[1].type == KQL_T_DYNAMIC && !a[1].isnull) k = json_dyn_elements(c->tmp, a[1], false, &el);
  else {
    el = (kql_value *)(a + 1);
    k = (size_t)(n - 1);
  }
  kql_value *v = arena_alloc(c->tmp, sizeof *v * (k ? k : 1));
  kql_type et = m ? p[0].v.type : KQL_T_REAL;
  for (size_t i = 0; i < k; i++) {
    kql_value x = el[i].type == KQL_T_DYNAMIC ? json_dyn_scalar(c->tmp, el[i]) : el[i];
    double pc;
    v[i] = fn_real(c, &x, &pc) ? pick(p, m, total, pc, et) : val_null(et);
  }
  *out = json_make_array(c->tmp, v, k);
}

/* rank_tdigest(d, v): the total weight of the values <= v (null for a null v). */
void f_rank_tdigest(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  wpair *p;
  size_t m;
  int64_t total, rank = 0;
  *out = val_null(KQL_T_LONG);
  if (a[1].isnull || !digest_read(c, a[0], &p, &m, &total)) return;
  kql_value v = a[1];
  if (v.type == KQL_T_INT) v.type = KQL_T_LONG;
  for (size_t i = 0; i < m; i++)
    if (val_compare(&p[i].v, &v) <= 0) rank += p[i].w;
  *out = val_long(rank);
}

/* ---- hll(), hll_merge(), dcount_hll() ----
** kql's "hll" keeps the distinct values themselves (a dynamic array), so dcount_hll() is
** exact, as dcount() is; Kusto's HyperLogLog sketch is an estimate in its own layout. */

void a_hll_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  (void)n;
  if (skip(&a[0])) return;
  set_add(c, st, &a[0]);
}

void a_hll_merge_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  (void)n;
  kql_value *items;
  if (a[0].isnull || a[0].type != KQL_T_DYNAMIC || json_dyn_kind(a[0]) != JSON_K_ARRAY) return;
  size_t k = json_dyn_elements(c->tmp, a[0], false, &items);
  for (size_t i = 0; i < k; i++) {
    kql_value v = json_dyn_scalar(c->tmp, items[i]);
    if (!skip(&v)) set_add(c, st, &v);
  }
}

/* The distinct values, or null when there were none. */
void a_hll_final(fn_ctx *c, void *st, kql_type t, kql_value *out) {
  set_state *s = st;
  if (!s->n) {
    *out = val_null(KQL_T_DYNAMIC);
    return;
  }
  a_make_final(c, st, t, out);
}

/* dcount_hll(h): how many distinct values hll() kept (null for a null h). */
void f_dcount_hll(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)c, (void)n;
  *out = val_null(KQL_T_LONG);
  if (a[0].isnull || a[0].type != KQL_T_DYNAMIC || json_dyn_kind(a[0]) != JSON_K_ARRAY) return;
  *out = val_long(json_array_length(a[0]));
}

/* hll_merge(h1, h2, ...), the scalar form: every argument is an hll() value (dynamic). */
kql_type ty_hll_merge(ast **a, int n, const char **e) {
  for (int i = 0; i < n; i++)
    if (a[i]->type != KQL_T_DYNAMIC && a[i]->type != KQL_T_NULL) {
      *e = "hll_merge() expects hll() results (dynamic values)";
      return KQL_T_COUNT_;
    }
  return KQL_T_DYNAMIC;
}

/* The distinct values of all the arguments, first seen first, as the aggregate merges a
** column's; null arguments (and values that are not hll() arrays) add nothing, and
** nothing at all gives null. */
void f_hll_merge(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  fn_ctx t = *c;
  t.keep = c->tmp; /* the set lives as long as the result */
  set_state s;
  memset(&s, 0, sizeof s);
  for (int i = 0; i < n; i++) a_hll_merge_step(&t, &s, &a[i], 1);
  a_hll_final(&t, &s, KQL_T_DYNAMIC, out);
}

/* buildschema(DynamicExpr): the minimal schema admitting every value seen.  A node lists
** what its values were, in order of first appearance: "long", "double", "string", "bool",
** or a container of named members whose schemas are nodes again (an array's elements are
** the member "indexer").  One kind prints as itself, several as an array of them.  Nulls
** add nothing; no values at all give null. */
enum { BS_LONG = 1, BS_DOUBLE, BS_STRING, BS_BOOL, BS_CONTAINER };
static const char *const bs_names[] = {"", "long", "double", "string", "bool"};

struct bs_node {
  unsigned char order[BS_CONTAINER]; /* the kinds seen, first appearance first */
  int norder;                        /* how many */
  int nkeys, cap;                    /* container members */
  kql_value *keys;                   /* their names (strings in the group's arena) */
  struct bs_node **kids;             /* their schemas */
};

static void bs_kind(bs_node *s, int k) {
  for (int i = 0; i < s->norder; i++)
    if (s->order[i] == k) return;
  s->order[s->norder++] = (unsigned char)k;
}

static bs_node *bs_member(arena *a, bs_node *s, const char *name, size_t n) {
  for (int i = 0; i < s->nkeys; i++)
    if (s->keys[i].u.s.n == n && memcmp(s->keys[i].u.s.p, name, n) == 0) return s->kids[i];
  if (s->nkeys == s->cap) {
    int cap = s->cap ? s->cap * 2 : 4;
    kql_value *keys = arena_alloc(a, sizeof *keys * (size_t)cap);
    bs_node **kids = arena_alloc(a, sizeof *kids * (size_t)cap);
    if (s->nkeys) {
      memcpy(keys, s->keys, sizeof *keys * (size_t)s->nkeys);
      memcpy(kids, s->kids, sizeof *kids * (size_t)s->nkeys);
    }
    s->keys = keys, s->kids = kids, s->cap = cap;
  }
  s->keys[s->nkeys] = val_copy(a, val_str(name, n));
  s->kids[s->nkeys] = arena_alloc(a, sizeof(bs_node));
  memset(s->kids[s->nkeys], 0, sizeof(bs_node));
  return s->kids[s->nkeys++];
}

static void bs_add(fn_ctx *c, bs_node *s, kql_value d, int depth) {
  json_kind k = json_dyn_kind(d);
  if (depth > 100) return; /* deeper than any real schema: stop rather than recurse on */
  switch (k) {
  case JSON_K_BOOL: bs_kind(s, BS_BOOL); return;
  case JSON_K_STRING: bs_kind(s, BS_STRING); return;
  case JSON_K_NUMBER: {
    bool real = memchr(d.u.s.p, '.', d.u.s.n) || memchr(d.u.s.p, 'e', d.u.s.n) || memchr(d.u.s.p, 'E', d.u.s.n);
    bs_kind(s, real ? BS_DOUBLE : BS_LONG);
    return;
  }
  case JSON_K_ARRAY:
  case JSON_K_OBJECT: {
    bs_kind(s, BS_CONTAINER);
    json_iter it;
    kql_value key, val;
    if (!json_iter_begin(&it, d)) return;
    while (json_iter_next(&it, c->tmp, k == JSON_K_OBJECT ? &key : NULL, &val)) {
      if (json_dyn_kind(val) == JSON_K_NULL) continue;
      bs_node *m = k == JSON_K_OBJECT ? bs_member(c->keep, s, key.u.s.p, key.u.s.n)
                                      : bs_member(c->keep, s, "indexer", 7);
      bs_add(c, m, val, depth + 1);
    }
    return;
  }
  default: return; /* null, or not dynamic */
  }
}

static void bs_print(json_buf *b, const bs_node *s) {
  if (s->norder > 1) json_buf_raw(b, "[", 1);
  for (int i = 0; i < s->norder; i++) {
    if (i) json_buf_raw(b, ",", 1);
    if (s->order[i] != BS_CONTAINER) {
      json_buf_str(b, bs_names[s->order[i]], strlen(bs_names[s->order[i]]));
      continue;
    }
    json_buf_raw(b, "{", 1);
    for (int m = 0; m < s->nkeys; m++) {
      if (m) json_buf_raw(b, ",", 1);
      json_buf_str(b, s->keys[m].u.s.p, s->keys[m].u.s.n);
      json_buf_raw(b, ":", 1);
      if (s->kids[m]->norder) bs_print(b, s->kids[m]);
      else json_buf_raw(b, "null", 4);
    }
    json_buf_raw(b, "}", 1);
  }
  if (s->norder > 1) json_buf_raw(b, "]", 1);
}

kql_type ty_buildschema(ast **a, int n, const char **e) {
  (void)n;
  if (a[0]->type != KQL_T_DYNAMIC && a[0]->type != KQL_T_NULL) {
    *e = "buildschema() expects a dynamic value";
    return KQL_T_COUNT_;
  }
  return KQL_T_DYNAMIC;
}

void a_buildschema_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  (void)n;
  buildschema_state *s = st;
  if (a[0].isnull || a[0].type != KQL_T_DYNAMIC) return;
  if (!s->root) {
    s->root = arena_alloc(c->keep, sizeof(bs_node));
    memset(s->root, 0, sizeof(bs_node));
  }
  bs_add(c, s->root, a[0], 0);
}

void a_buildschema_final(fn_ctx *c, void *st, kql_type t, kql_value *out) {
  (void)t;
  buildschema_state *s = st;
  if (!s->root || !s->root->norder) {
    *out = val_null(KQL_T_DYNAMIC);
    return;
  }
  json_buf b = {c->keep, NULL, 0, 0};
  bs_print(&b, s->root);
  *out = json_buf_dynamic(&b);
}

/* ---- stdevp, variancep, stdevif, varianceif, variancepif, covariance(p)(if) ----
** Kusto's "default values of aggregations" table gives 0 over no values for variance,
** varianceif, stdev and stdevif, and null for every other aggregate: so the population
** forms and the covariances of no values are null. */

/* A statistics argument: a number (Kusto's binder also takes datetime and timespan, whose
** results kql does not know, so it rejects them; and bool, which Kusto rejects too). */
static bool stat_arg_ok(const ast *a) {
  kql_type t = a->type;
  return val_is_numeric(t) || t == KQL_T_NULL || t == KQL_T_DYNAMIC;
}

/* stdevp(x), variancep(x) */
kql_type ty_statp(ast **a, int n, const char **e) {
  (void)n;
  if (stat_arg_ok(a[0])) return KQL_T_REAL;
  *e = "stdevp() and variancep() expect a number";
  return KQL_T_COUNT_;
}

/* stdevif(x, p), varianceif(x, p), variancepif(x, p) */
kql_type ty_stat_if(ast **a, int n, const char **e) {
  (void)n;
  if (!stat_arg_ok(a[0])) {
    *e = "stdevif(), varianceif() and variancepif() expect a number";
    return KQL_T_COUNT_;
  }
  if (!pred_ok(a[1], e, "stdevif(), varianceif() and variancepif() expect a bool predicate as their second argument"))
    return KQL_T_COUNT_;
  return KQL_T_REAL;
}

/* covariance(x, y), covariancep(x, y); the *if forms add a predicate. */
kql_type ty_covariance(ast **a, int n, const char **e) {
  if (!stat_arg_ok(a[0]) || !stat_arg_ok(a[1])) {
    *e = "covariance functions expect two numbers";
    return KQL_T_COUNT_;
  }
  if (n > 2 && !pred_ok(a[2], e, "covarianceif() and covariancepif() expect a bool predicate as their third argument"))
    return KQL_T_COUNT_;
  return KQL_T_REAL;
}

void a_statif_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  if (pred(a, n)) a_stat_step(c, st, a, 1);
}

/* The population variance: the squared deviations over n (0 for one value). */
void a_variancep_final(fn_ctx *c, void *st, kql_type t, kql_value *out) {
  (void)c, (void)t;
  const stat_state *s = st;
  *out = s->n ? val_real(s->m2 / (double)s->n) : val_null(KQL_T_REAL);
}

void a_stdevp_final(fn_ctx *c, void *st, kql_type t, kql_value *out) {
  (void)c, (void)t;
  const stat_state *s = st;
  *out = s->n ? val_real(sqrt(s->m2 / (double)s->n)) : val_null(KQL_T_REAL);
}

/* Welford's co-moment: rows where either value is null (or not a number) are left out,
** as the reference says nulls are ignored. */
void a_cov_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  (void)n;
  cov_state *s = st;
  double x, y;
  if (!fn_real(c, &a[0], &x) || !fn_real(c, &a[1], &y)) return;
  s->n++;
  double dx = x - s->mx;
  s->mx += dx / (double)s->n;
  s->my += (y - s->my) / (double)s->n;
  s->cxy += dx * (y - s->my);
}

void a_covif_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  if (n > 2 && fn_true(&a[2])) a_cov_step(c, st, a, 2);
}

/* The sample covariance: the co-moment over n - 1; 0 for one pair, as variance() gives
** for one value; null for none. */
void a_cov_final(fn_ctx *c, void *st, kql_type t, kql_value *out) {
  (void)c, (void)t;
  const cov_state *s = st;
  *out = !s->n ? val_null(KQL_T_REAL) : val_real(s->n < 2 ? 0.0 : s->cxy / (double)(s->n - 1));
}

void a_covp_final(fn_ctx *c, void *st, kql_type t, kql_value *out) {
  (void)c, (void)t;
  const cov_state *s = st;
  *out = s->n ? val_real(s->cxy / (double)s->n) : val_null(KQL_T_REAL);
}

/* ---- binary_all_and, binary_all_or, binary_all_xor ----
** The reference takes a long; Kusto's binder keeps an int argument's type (binary_all_and
** of an int column is an int column).  Nulls are skipped; no values at all give null. */

kql_type ty_binary_all(ast **a, int n, const char **e) {
  (void)n;
  kql_type t = a[0]->type;
  if (t == KQL_T_INT) return KQL_T_INT;
  if (t == KQL_T_LONG || t == KQL_T_NULL || t == KQL_T_DYNAMIC) return KQL_T_LONG;
  *e = "binary_all_and(), binary_all_or() and binary_all_xor() expect a long";
  return KQL_T_COUNT_;
}

/* Fold the integer in 'v' into 's' with 'op' ('&', '|' or '^'). */
static void bits_add(fn_ctx *c, bits_state *s, const kql_value *v, char op) {
  kql_value x = v->type == KQL_T_DYNAMIC ? json_dyn_scalar(c->tmp, *v) : *v;
  if (x.isnull || (x.type != KQL_T_LONG && x.type != KQL_T_INT)) return;
  uint64_t b = (uint64_t)x.u.i;
  if (!s->has) s->bits = b;
  else if (op == '&') s->bits &= b;
  else if (op == '|') s->bits |= b;
  else s->bits ^= b;
  s->has = true;
}

void a_binary_all_and_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  (void)n;
  bits_add(c, st, &a[0], '&');
}

void a_binary_all_or_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  (void)n;
  bits_add(c, st, &a[0], '|');
}

void a_binary_all_xor_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  (void)n;
  bits_add(c, st, &a[0], '^');
}

void a_binary_all_final(fn_ctx *c, void *st, kql_type t, kql_value *out) {
  (void)c;
  const bits_state *s = st;
  if (!s->has) *out = val_null(t);
  else if (t == KQL_T_INT) *out = val_int((int32_t)(uint32_t)s->bits);
  else *out = val_long((int64_t)s->bits);
}
