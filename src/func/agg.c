/*
** agg.c: aggregate functions: count, countif, min, max, sum, avg, dcount, make_set and
** make_list.  State lives in the group's arena ('c->keep'); every aggregate skips nulls.
** dcount is exact (a hash set), where Kusto's is an estimate: see the README.
*/
#include <math.h>
#include <string.h>

#include "../json.h"
#include "impl.h"

#define MAKE_DEFAULT_MAX 1048576 /* Kusto's default cap on make_set/make_list */

/* ---- types ---- */

kql_type ty_sum(ast **a, int n, const char **e) {
  (void)n;
  kql_type t = a[0]->type;
  if (t == KQL_T_INT || t == KQL_T_LONG || t == KQL_T_BOOL) return KQL_T_LONG;
  if (t == KQL_T_REAL || t == KQL_T_DECIMAL || t == KQL_T_DYNAMIC || t == KQL_T_NULL) return KQL_T_REAL;
  if (t == KQL_T_TIMESPAN) return KQL_T_TIMESPAN;
  *e = "sum() and avg() expect a number or timespan";
  return KQL_T_COUNT_;
}

kql_type ty_avg(ast **a, int n, const char **e) {
  kql_type t = ty_sum(a, n, e);
  return t == KQL_T_LONG ? KQL_T_REAL : t;
}

kql_type ty_count(ast **a, int n, const char **e) {
  if (n == 1 && a[0]->type != KQL_T_BOOL && a[0]->type != KQL_T_NULL && a[0]->type != KQL_T_DYNAMIC) {
    *e = "count() takes no argument, or a bool predicate as countif() does";
    return KQL_T_COUNT_;
  }
  return KQL_T_LONG;
}

kql_type ty_minmax(ast **a, int n, const char **e) {
  (void)n, (void)e;
  return a[0]->type;
}

/* ---- count ---- */


void a_count_step(fn_ctx *c, void *st, const kql_value *a, int n) {
  (void)c, (void)a, (void)n;
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
