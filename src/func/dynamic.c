/*
** dynamic.c: functions over dynamic arrays and property bags: building (pack/bag_pack,
** pack_array, zip), measuring and slicing arrays, searching, sorting, set operations,
** bag keys/merge/removal with JSON paths, treepath() and gettype().  Values are read in
** place with json_iter and written with json_buf (json.h); results live in 'c->tmp'.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../json.h"
#include "impl.h"

/* ---- elements as comparable values ---- */

/* An element of an array with the plain value it compares by. */
typedef struct elem {
  kql_value raw;  /* its JSON text */
  kql_value v;    /* the scalar (a whole real as a long); arrays and bags keep their text */
  int cls;        /* sort class: 0 number, 1 string, 2 other, 3 null */
  size_t idx;     /* position in the input, for a stable sort */
} elem;

static elem make_elem(fn_ctx *c, kql_value raw, size_t idx) {
  elem e = {raw, json_dyn_scalar(c->tmp, raw), 2, idx};
  if (e.v.isnull) e.cls = 3;
  else if (e.v.type == KQL_T_LONG || e.v.type == KQL_T_REAL) {
    e.cls = 0;
    if (e.v.type == KQL_T_REAL && e.v.u.r == floor(e.v.u.r) && fabs(e.v.u.r) < 9e18) e.v = val_long((int64_t)e.v.u.r);
  } else if (e.v.type == KQL_T_STRING) e.cls = 1;
  return e;
}

/* A plain value (an argument) normalized like an element. */
static kql_value norm(fn_ctx *c, kql_value v) {
  if (v.type == KQL_T_DYNAMIC) return make_elem(c, v, 0).v;
  if (v.isnull) return val_null(KQL_T_DYNAMIC);
  if (v.type == KQL_T_INT) return val_long(v.u.i);
  if ((v.type == KQL_T_REAL || v.type == KQL_T_DECIMAL) && v.u.r == floor(v.u.r) && fabs(v.u.r) < 9e18)
    return val_long((int64_t)v.u.r);
  if (v.type == KQL_T_DECIMAL) return val_real(v.u.r);
  if (v.type == KQL_T_GUID) return val_str(v.u.s.p, v.u.s.n);
  if (v.type == KQL_T_DATETIME || v.type == KQL_T_TIMESPAN) {
    /* inside dynamic values these are their text */
    kql_value d = json_value_to_dynamic(c->tmp, v);
    return json_dyn_scalar(c->tmp, d);
  }
  return v;
}

static bool same(const kql_value *x, const kql_value *y) {
  if (x->isnull || y->isnull) return x->isnull && y->isnull;
  return val_equal(x, y);
}

/* The elements of array 'd' in 'c->tmp'; false (and none) when 'd' is not an array. */
static bool elems_of(fn_ctx *c, kql_value d, elem **out, size_t *n) {
  json_iter it;
  kql_value raw;
  *out = NULL, *n = 0;
  if (json_dyn_kind(d) != JSON_K_ARRAY || !json_iter_begin(&it, d)) return false;
  size_t cap = 16;
  elem *v = arena_alloc(c->tmp, sizeof *v * cap);
  while (json_iter_next(&it, c->tmp, NULL, &raw)) {
    if (*n == cap) {
      elem *nv = arena_alloc(c->tmp, sizeof *nv * cap * 2);
      memcpy(nv, v, sizeof *v * cap);
      v = nv, cap *= 2;
    }
    v[*n] = make_elem(c, raw, *n);
    (*n)++;
  }
  *out = v;
  return true;
}

static kql_value array_of(fn_ctx *c, const elem *v, size_t n) {
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "[", 1);
  for (size_t i = 0; i < n; i++) {
    if (i) json_buf_raw(&b, ",", 1);
    json_buf_raw(&b, v[i].raw.u.s.p, v[i].raw.u.s.n);
  }
  json_buf_raw(&b, "]", 1);
  return json_buf_dynamic(&b);
}

/* A small hash set of element values, for the set functions. */
typedef struct vset {
  const kql_value **slot; /* open addressing over pointers to values */
  size_t cap;             /* power of two */
  size_t n;               /* members */
} vset;

static uint64_t vhash(const kql_value *v) {
  if (v->isnull) return 0;
  if (v->type == KQL_T_STRING || v->type == KQL_T_DYNAMIC) {
    kql_value s = val_str(v->u.s.p, v->u.s.n);
    return val_hash(&s) ^ (uint64_t)v->type;
  }
  return val_hash(v);
}

static void vset_init(fn_ctx *c, vset *s, size_t expect) {
  s->cap = 16;
  while (s->cap < expect * 2 + 2) s->cap *= 2;
  s->slot = arena_alloc(c->tmp, sizeof *s->slot * s->cap);
  s->n = 0;
}

/* Add 'v' (which must outlive the set); true when it was not there. */
static bool vset_add(vset *s, const kql_value *v, bool add) {
  size_t h = (size_t)vhash(v) & (s->cap - 1);
  while (s->slot[h]) {
    if (s->slot[h]->type == v->type && same(s->slot[h], v)) return false;
    h = (h + 1) & (s->cap - 1);
  }
  if (add) {
    s->slot[h] = v;
    s->n++;
  }
  return true;
}

static bool vset_has(vset *s, const kql_value *v) { return !vset_add(s, v, false); }

/* ---- type rules ---- */

kql_type ty_pack(ast **a, int n, const char **e) {
  (void)a;
  if (n % 2) {
    *e = "bag_pack() expects pairs of keys and values";
    return KQL_T_COUNT_;
  }
  return KQL_T_DYNAMIC;
}

FN_TYPE_SIG(ty_pack_array, "a", KQL_T_DYNAMIC, "pack_array() expects values")
FN_TYPE_SIG(ty_array_length, "d", KQL_T_LONG, "array_length() expects a dynamic array")
FN_TYPE_SIG(ty_dyn_arrays, "d", KQL_T_DYNAMIC, "expects dynamic values")
FN_TYPE_SIG(ty_array_slice, "dii", KQL_T_DYNAMIC, "array_slice() expects a dynamic array, a start and an end index")
FN_TYPE_SIG(ty_array_index_of, "daiii", KQL_T_LONG, "array_index_of() expects a dynamic array, a value and optional start, length and occurrence")
FN_TYPE_SIG(ty_dyn1, "d", KQL_T_DYNAMIC, "expects a dynamic value")
FN_TYPE_SIG(ty_array_sum, "d", KQL_T_REAL, "array_sum() expects a dynamic array")
FN_TYPE_SIG(ty_set_has_element, "da", KQL_T_BOOL, "set_has_element() expects a dynamic array and a value")
FN_TYPE_SIG(ty_bag_remove_keys, "dd", KQL_T_DYNAMIC, "bag_remove_keys() expects a property bag and a dynamic array of keys")
FN_TYPE_SIG(ty_bag_has_key, "dS", KQL_T_BOOL, "bag_has_key() expects a property bag and a key")
FN_TYPE_SIG(ty_gettype, "a", KQL_T_STRING, "gettype() expects a value")

/* array_sort_asc/desc(array1 [, ..., arrayN] [, nulls_last]). */
kql_type ty_array_sort(ast **a, int n, const char **e) {
  int k = n;
  if (n > 1 && a[n - 1]->type == KQL_T_BOOL) k--;
  return fn_sig(a, k, "d", KQL_T_DYNAMIC, "array_sort_asc() and array_sort_desc() expect dynamic arrays and an optional bool", e);
}

/* ---- building ---- */

/* bag_pack(key1, value1, ...): a property bag; keys are converted to strings. */
void f_pack(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "{", 1);
  for (int i = 0; i + 1 < n; i += 2) {
    if (i) json_buf_raw(&b, ",", 1);
    kql_value k = fn_text(c, a[i]);
    json_buf_str(&b, k.u.s.p, k.u.s.n);
    json_buf_raw(&b, ":", 1);
    json_buf_value(&b, &a[i + 1]);
  }
  json_buf_raw(&b, "}", 1);
  *out = json_buf_dynamic(&b);
}

/* pack_all(flag, "Col1", Col1, ...), what the binder makes of pack_all(flag): when 'flag' is
** true, members whose value is null or an empty string are left out. */
kql_type ty_pack_all(ast **a, int n, const char **e) {
  if (n % 2 == 0 || (a[0]->type != KQL_T_BOOL && a[0]->type != KQL_T_NULL && a[0]->type != KQL_T_DYNAMIC)) {
    *e = "pack_all() expects an optional bool";
    return KQL_T_COUNT_;
  }
  return KQL_T_DYNAMIC;
}

void f_pack_all(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  bool skip = fn_true(&a[0]);
  json_buf b = {c->tmp, NULL, 0, 0};
  bool first = true;
  json_buf_raw(&b, "{", 1);
  for (int i = 1; i + 1 < n; i += 2) {
    const kql_value *v = &a[i + 1];
    if (skip && (v->isnull || (val_is_str(v->type) && v->type != KQL_T_DYNAMIC && v->u.s.n == 0))) continue;
    if (!first) json_buf_raw(&b, ",", 1);
    first = false;
    kql_value k = fn_text(c, a[i]);
    json_buf_str(&b, k.u.s.p, k.u.s.n);
    json_buf_raw(&b, ":", 1);
    json_buf_value(&b, v);
  }
  json_buf_raw(&b, "}", 1);
  *out = json_buf_dynamic(&b);
}

void f_pack_array(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "[", 1);
  for (int i = 0; i < n; i++) {
    if (i) json_buf_raw(&b, ",", 1);
    json_buf_value(&b, &a[i]);
  }
  json_buf_raw(&b, "]", 1);
  *out = json_buf_dynamic(&b);
}

/* zip(array1, array2, ...): [[a1[0], a2[0], ...], ...] as long as the longest array,
** padded with null; null when an argument is not an array. */
void f_zip(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  elem *v[16];
  size_t len[16], most = 0;
  *out = val_null(KQL_T_DYNAMIC);
  for (int i = 0; i < n && i < 16; i++) {
    if (!elems_of(c, a[i], &v[i], &len[i])) return;
    if (len[i] > most) most = len[i];
  }
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "[", 1);
  for (size_t r = 0; r < most; r++) {
    json_buf_raw(&b, r ? ",[" : "[", r ? 2 : 1);
    for (int i = 0; i < n; i++) {
      if (i) json_buf_raw(&b, ",", 1);
      if (r < len[i]) json_buf_raw(&b, v[i][r].raw.u.s.p, v[i][r].raw.u.s.n);
      else json_buf_raw(&b, "null", 4);
    }
    json_buf_raw(&b, "]", 1);
  }
  json_buf_raw(&b, "]", 1);
  *out = json_buf_dynamic(&b);
}

/* ---- arrays ---- */

void f_array_length(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)c, (void)n;
  int64_t k = json_array_length(a[0]);
  *out = k < 0 ? val_null(KQL_T_LONG) : val_long(k);
}

/* array_concat(arr, ...): null when an argument is not an array. */
void f_array_concat(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "[", 1);
  bool any = false;
  *out = val_null(KQL_T_DYNAMIC);
  for (int i = 0; i < n; i++) {
    json_iter it;
    kql_value e;
    if (json_dyn_kind(a[i]) != JSON_K_ARRAY || !json_iter_begin(&it, a[i])) return;
    while (json_iter_next(&it, c->tmp, NULL, &e)) {
      if (any) json_buf_raw(&b, ",", 1);
      json_buf_raw(&b, e.u.s.p, e.u.s.n);
      any = true;
    }
  }
  json_buf_raw(&b, "]", 1);
  *out = json_buf_dynamic(&b);
}

/* array_slice(array, start, end): elements start..end inclusive; negative indexes count from
** the end; out-of-range indexes are clamped. */
void f_array_slice(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  elem *v;
  size_t len;
  int64_t s, e;
  *out = val_null(KQL_T_DYNAMIC);
  if (!elems_of(c, a[0], &v, &len) || !fn_long(c, &a[1], &s) || !fn_long(c, &a[2], &e)) return;
  int64_t L = (int64_t)len;
  if (s < 0) s += L;
  if (e < 0) e += L;
  if (s < 0) s = 0;
  if (e >= L) e = L - 1;
  if (s > e) {
    *out = array_of(c, v, 0);
    return;
  }
  *out = array_of(c, v + s, (size_t)(e - s + 1));
}

/* array_index_of(array, value [, start [, length [, occurrence]]]): as indexof() over
** elements; null for length < -1 or occurrence < 0, or when 'array' is not an array. */
void f_array_index_of(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  elem *v;
  size_t len;
  int64_t start = 0, count = -1, occ = 1;
  *out = val_null(KQL_T_LONG);
  if (!elems_of(c, a[0], &v, &len)) return;
  if ((n > 2 && !fn_long(c, &a[2], &start)) || (n > 3 && !fn_long(c, &a[3], &count)) ||
      (n > 4 && !fn_long(c, &a[4], &occ)))
    return;
  if (count < -1 || occ < 0) return;
  if (occ == 0) occ = 1;
  int64_t L = (int64_t)len;
  if (start < 0) start += L;
  if (start < 0) start = 0;
  int64_t end = count == -1 || count > L - start ? L : start + count;
  kql_value want = norm(c, a[1]);
  for (int64_t i = start; i < end; i++)
    if (same(&v[i].v, &want) && v[i].v.type == want.type && --occ == 0) {
      *out = val_long(i);
      return;
    }
  *out = val_long(-1);
}

void f_set_has_element(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  elem *v;
  size_t len;
  *out = val_null(KQL_T_BOOL);
  if (!elems_of(c, a[0], &v, &len)) return;
  kql_value want = norm(c, a[1]);
  for (size_t i = 0; i < len; i++)
    if (v[i].v.type == want.type && same(&v[i].v, &want)) {
      *out = val_bool(true);
      return;
    }
  *out = val_bool(false);
}

void f_array_reverse(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  elem *v;
  size_t len;
  *out = val_null(KQL_T_DYNAMIC);
  if (!elems_of(c, a[0], &v, &len)) return;
  for (size_t i = 0; i < len / 2; i++) {
    elem t = v[i];
    v[i] = v[len - 1 - i];
    v[len - 1 - i] = t;
  }
  *out = array_of(c, v, len);
}

/* array_sum(array): a real; null when an element is not a number. */
void f_array_sum(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  elem *v;
  size_t len;
  double s = 0;
  *out = val_null(KQL_T_REAL);
  if (!elems_of(c, a[0], &v, &len)) return;
  for (size_t i = 0; i < len; i++) {
    if (v[i].cls != 0) return;
    s += v[i].v.type == KQL_T_LONG ? (double)v[i].v.u.i : v[i].v.u.r;
  }
  *out = val_real(s);
}

/* ---- sorting ---- */

typedef struct sort_ctx {
  bool desc;        /* descending */
  bool nulls_last;  /* nulls after the values */
} sort_ctx;

static int cmp_elem(const elem *x, const elem *y, const sort_ctx *s) {
  if (x->cls == 3 || y->cls == 3) {
    if (x->cls == y->cls) return 0;
    return (x->cls == 3) == s->nulls_last ? 1 : -1;
  }
  int r;
  if (x->cls != y->cls) r = x->cls < y->cls ? -1 : 1;
  else if (x->cls == 0 || x->cls == 1) r = val_compare(&x->v, &y->v);
  else {
    size_t k = x->raw.u.s.n < y->raw.u.s.n ? x->raw.u.s.n : y->raw.u.s.n;
    r = memcmp(x->raw.u.s.p, y->raw.u.s.p, k);
    if (!r) r = (x->raw.u.s.n > y->raw.u.s.n) - (x->raw.u.s.n < y->raw.u.s.n);
  }
  return s->desc ? -r : r;
}

/* Stable merge sort of 'v' ('tmp' has room for 'n'). */
static void msort(elem *v, elem *tmp, size_t n, const sort_ctx *s) {
  if (n < 2) return;
  size_t h = n / 2;
  msort(v, tmp, h, s);
  msort(v + h, tmp, n - h, s);
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = cmp_elem(&v[j], &v[i], s) < 0 ? v[j++] : v[i++];
  while (i < h) tmp[k++] = v[i++];
  while (j < n) tmp[k++] = v[j++];
  memcpy(v, tmp, sizeof *v * n);
}

/* Sort the first array; reorder the others alike (null for one of another length).  With one
** array the result is the sorted array, with several an array of the reordered arrays (what
** indexing the result, array_sort_asc(a, b)[1], reads; kql returns no multiple columns). */
static void sort_arrays(fn_ctx *c, const kql_value *a, int n, bool desc, kql_value *out) {
  sort_ctx s = {desc, true};
  *out = val_null(KQL_T_DYNAMIC);
  if (n > 1 && a[n - 1].type == KQL_T_BOOL) {
    if (!a[n - 1].isnull) s.nulls_last = a[n - 1].u.b;
    n--;
  }
  elem *v;
  size_t len;
  if (!elems_of(c, a[0], &v, &len)) return;
  elem *tmp = arena_alloc(c->tmp, sizeof *tmp * (len + 1));
  msort(v, tmp, len, &s);
  if (n == 1) {
    *out = array_of(c, v, len);
    return;
  }
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "[", 1);
  kql_value first = array_of(c, v, len);
  json_buf_raw(&b, first.u.s.p, first.u.s.n);
  for (int i = 1; i < n; i++) {
    elem *w;
    size_t wl;
    json_buf_raw(&b, ",", 1);
    if (!elems_of(c, a[i], &w, &wl) || wl != len) {
      json_buf_raw(&b, "null", 4);
      continue;
    }
    elem *r = arena_alloc(c->tmp, sizeof *r * (len + 1));
    for (size_t k = 0; k < len; k++) r[k] = w[v[k].idx];
    kql_value arr = array_of(c, r, len);
    json_buf_raw(&b, arr.u.s.p, arr.u.s.n);
  }
  json_buf_raw(&b, "]", 1);
  *out = json_buf_dynamic(&b);
}

void f_array_sort_asc(fn_ctx *c, const kql_value *a, int n, kql_value *out) { sort_arrays(c, a, n, false, out); }
void f_array_sort_desc(fn_ctx *c, const kql_value *a, int n, kql_value *out) { sort_arrays(c, a, n, true, out); }

/* ---- sets ---- */

enum { SET_UNION, SET_INTERSECT, SET_DIFFERENCE };

/* The distinct elements of all arrays (union), of the first found in all others (intersect)
** or of the first found in none of the others (difference), in first-seen order. */
static void set_op(fn_ctx *c, const kql_value *a, int n, int op, kql_value *out) {
  elem *v[16];
  size_t len[16], total = 0;
  *out = val_null(KQL_T_DYNAMIC);
  if (n > 16) n = 16;
  for (int i = 0; i < n; i++) {
    if (!elems_of(c, a[i], &v[i], &len[i])) return;
    total += len[i];
  }
  vset *others = arena_alloc(c->tmp, sizeof *others * (size_t)n);
  for (int i = 1; i < n && op != SET_UNION; i++) {
    vset_init(c, &others[i], len[i]);
    for (size_t k = 0; k < len[i]; k++) vset_add(&others[i], &v[i][k].v, true);
  }
  vset seen;
  vset_init(c, &seen, total);
  elem *res = arena_alloc(c->tmp, sizeof *res * (total + 1));
  size_t k = 0;
  for (int i = 0; i < (op == SET_UNION ? n : 1); i++)
    for (size_t j = 0; j < len[i]; j++) {
      const elem *e = &v[i][j];
      if (op != SET_UNION) {
        bool keep = true;
        for (int o = 1; o < n; o++) {
          bool has = vset_has(&others[o], &e->v);
          if (op == SET_INTERSECT && !has) keep = false;
          if (op == SET_DIFFERENCE && has) keep = false;
        }
        if (!keep) continue;
      }
      if (vset_add(&seen, &e->v, true)) res[k++] = *e;
    }
  *out = array_of(c, res, k);
}

void f_set_union(fn_ctx *c, const kql_value *a, int n, kql_value *out) { set_op(c, a, n, SET_UNION, out); }
void f_set_intersect(fn_ctx *c, const kql_value *a, int n, kql_value *out) { set_op(c, a, n, SET_INTERSECT, out); }
void f_set_difference(fn_ctx *c, const kql_value *a, int n, kql_value *out) { set_op(c, a, n, SET_DIFFERENCE, out); }

/* ---- property bags ---- */

void f_bag_keys(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  json_iter it;
  kql_value k, v;
  *out = val_null(KQL_T_DYNAMIC);
  if (json_dyn_kind(a[0]) != JSON_K_OBJECT || !json_iter_begin(&it, a[0])) return;
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "[", 1);
  for (int i = 0; json_iter_next(&it, c->tmp, &k, &v); i++) {
    if (i) json_buf_raw(&b, ",", 1);
    json_buf_str(&b, k.u.s.p, k.u.s.n);
  }
  json_buf_raw(&b, "]", 1);
  *out = json_buf_dynamic(&b);
}

/* bag_merge(bag1, bag2, ...): the members of all bags; a key already taken by a bag further
** left keeps that bag's value.  Arguments that are not bags are skipped. */
void f_bag_merge(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  size_t cap = 16, k = 0;
  kql_value *keys = arena_alloc(c->tmp, sizeof *keys * cap);
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "{", 1);
  bool any = false;
  for (int i = 0; i < n; i++) {
    json_iter it;
    kql_value key, v;
    if (json_dyn_kind(a[i]) != JSON_K_OBJECT || !json_iter_begin(&it, a[i])) continue;
    any = true;
    while (json_iter_next(&it, c->tmp, &key, &v)) {
      bool dup = false;
      for (size_t j = 0; j < k && !dup; j++) dup = keys[j].u.s.n == key.u.s.n && memcmp(keys[j].u.s.p, key.u.s.p, key.u.s.n) == 0;
      if (dup) continue;
      if (k == cap) {
        kql_value *nk = arena_alloc(c->tmp, sizeof *nk * cap * 2);
        memcpy(nk, keys, sizeof *nk * cap);
        keys = nk, cap *= 2;
      }
      if (k) json_buf_raw(&b, ",", 1);
      keys[k++] = key;
      json_buf_str(&b, key.u.s.p, key.u.s.n);
      json_buf_raw(&b, ":", 1);
      json_buf_raw(&b, v.u.s.p, v.u.s.n);
    }
  }
  json_buf_raw(&b, "}", 1);
  *out = any ? json_buf_dynamic(&b) : val_null(KQL_T_DYNAMIC);
}

/* Split key or JSON path 'p' ("key", "$.a.b", "$['a']['b']") into at most 'max' names;
** returns how many, 0 for a malformed path. */
static int path_keys(fn_ctx *c, kql_value p, kql_value *keys, int max) {
  const char *s = p.u.s.p, *end = s + p.u.s.n;
  if (p.u.s.n == 0 || s[0] != '$') {
    keys[0] = p;
    return 1;
  }
  int k = 0;
  s++;
  while (s < end && k < max) {
    if (*s == '.') {
      const char *q = ++s;
      while (q < end && *q != '.' && *q != '[') q++;
      if (q == s) return 0;
      keys[k++] = val_str(s, (size_t)(q - s));
      s = q;
    } else if (*s == '[' && s + 1 < end && (s[1] == '\'' || s[1] == '"')) {
      char qc = s[1];
      const char *q = s + 2;
      while (q < end && *q != qc) q++;
      if (q + 1 >= end || q[1] != ']') return 0;
      keys[k++] = val_str(s + 2, (size_t)(q - s - 2));
      s = q + 2;
    } else {
      return 0;
    }
  }
  (void)c;
  return s == end ? k : 0;
}

static bool key_is(kql_value k, kql_value want) {
  return k.u.s.n == want.u.s.n && memcmp(k.u.s.p, want.u.s.p, k.u.s.n) == 0;
}

/* 'bag' without the member at path 'keys' (of 'nk' names). */
static kql_value remove_path(fn_ctx *c, kql_value bag, const kql_value *keys, int nk) {
  json_iter it;
  kql_value k, v;
  if (nk == 0 || json_dyn_kind(bag) != JSON_K_OBJECT || !json_iter_begin(&it, bag)) return bag;
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "{", 1);
  bool first = true;
  while (json_iter_next(&it, c->tmp, &k, &v)) {
    if (key_is(k, keys[0])) {
      if (nk == 1) continue;
      v = remove_path(c, v, keys + 1, nk - 1);
    }
    if (!first) json_buf_raw(&b, ",", 1);
    first = false;
    json_buf_str(&b, k.u.s.p, k.u.s.n);
    json_buf_raw(&b, ":", 1);
    json_buf_raw(&b, v.u.s.p, v.u.s.n);
  }
  json_buf_raw(&b, "}", 1);
  return json_buf_dynamic(&b);
}

/* bag_remove_keys(bag, keys): 'keys' is an array of names or JSON paths ("$.a.b"). */
void f_bag_remove_keys(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  json_iter it;
  kql_value e;
  *out = val_null(KQL_T_DYNAMIC);
  if (json_dyn_kind(a[0]) != JSON_K_OBJECT || !json_iter_begin(&it, a[1])) return;
  kql_value bag = a[0];
  while (json_iter_next(&it, c->tmp, NULL, &e)) {
    if (json_dyn_kind(e) != JSON_K_STRING) continue;
    kql_value keys[32];
    int nk = path_keys(c, json_str_decode(c->tmp, e.u.s.p, e.u.s.n), keys, 32);
    bag = remove_path(c, bag, keys, nk);
  }
  *out = bag;
}

/* bag_has_key(bag, key): 'key' is a name or a JSON path. */
void f_bag_has_key(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value keys[32];
  *out = val_null(KQL_T_BOOL);
  if (json_dyn_kind(a[0]) != JSON_K_OBJECT) return;
  int nk = path_keys(c, fn_text(c, a[1]), keys, 32);
  kql_value cur = a[0];
  for (int i = 0; i < nk; i++) {
    json_iter it;
    kql_value k, v;
    bool found = false;
    if (json_dyn_kind(cur) != JSON_K_OBJECT || !json_iter_begin(&it, cur)) break;
    while (!found && json_iter_next(&it, c->tmp, &k, &v))
      if (key_is(k, keys[i])) found = true, cur = v;
    if (!found) break;
    if (i == nk - 1) {
      *out = val_bool(true);
      return;
    }
  }
  *out = val_bool(false);
}

/* ---- treepath ---- */

typedef struct paths {
  kql_value *v;  /* distinct paths in first-seen order */
  size_t n;      /* how many */
  size_t cap;    /* room */
} paths;

static void add_path(fn_ctx *c, paths *p, const char *s, size_t n) {
  for (size_t i = 0; i < p->n; i++)
    if (p->v[i].u.s.n == n && memcmp(p->v[i].u.s.p, s, n) == 0) return;
  if (p->n == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 16;
    kql_value *nv = arena_alloc(c->tmp, sizeof *nv * cap);
    if (p->n) memcpy(nv, p->v, sizeof *nv * p->n);
    p->v = nv, p->cap = cap;
  }
  p->v[p->n++] = val_str(arena_strndup(c->tmp, s, n), n);
}

static void walk(fn_ctx *c, paths *p, kql_value d, const char *prefix, int depth) {
  json_iter it;
  kql_value k, v;
  if (depth > 64 || !json_iter_begin(&it, d)) return;
  if (it.obj) {
    while (json_iter_next(&it, c->tmp, &k, &v)) {
      char *path = arena_printf(c->tmp, "%s['%.*s']", prefix, (int)k.u.s.n, k.u.s.p);
      add_path(c, p, path, strlen(path));
      walk(c, p, v, path, depth + 1);
    }
    return;
  }
  char *path = arena_printf(c->tmp, "%s[0]", prefix);
  bool any = false;
  while (json_iter_next(&it, c->tmp, NULL, &v)) {
    if (!any) add_path(c, p, path, strlen(path));
    any = true;
    walk(c, p, v, path, depth + 1);
  }
}

/* treepath(object): the paths of all members, arrays standing as [0] for any element. */
void f_treepath(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  json_kind k = json_dyn_kind(a[0]);
  *out = val_null(KQL_T_DYNAMIC);
  if (k != JSON_K_OBJECT && k != JSON_K_ARRAY) return;
  paths p = {NULL, 0, 0};
  walk(c, &p, a[0], "", 0);
  *out = fn_dyn_strings(c, p.v, p.n);
}

/* ---- gettype ---- */

/* gettype(value): the type's name; inside a dynamic value "null", "bool", "int" or "long"
** (whole numbers by size), "real", "string", "array" or "dictionary". */
void f_gettype(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  static const char *const names[KQL_T_COUNT_] = {"null", "bool", "int", "long", "real", "decimal",
                                                  "datetime", "timespan", "string", "guid", "dynamic"};
  kql_value v = a[0];
  const char *r = "null";
  if (v.type != KQL_T_DYNAMIC) r = (unsigned)v.type < KQL_T_COUNT_ ? names[v.type] : "null";
  else {
    switch (json_dyn_kind(v)) {
    case JSON_K_BOOL: r = "bool"; break;
    case JSON_K_STRING: r = "string"; break;
    case JSON_K_ARRAY: r = "array"; break;
    case JSON_K_OBJECT: r = "dictionary"; break;
    case JSON_K_NUMBER: {
      kql_value x = json_dyn_scalar(c->tmp, v);
      if (x.type == KQL_T_LONG) r = x.u.i >= INT32_MIN && x.u.i <= INT32_MAX ? "int" : "long";
      else r = "real";
      break;
    }
    default: r = "null"; break;
    }
  }
  *out = val_str(r, strlen(r));
}

/* ---- array_split, array_iff, bag_set_key ---- */

FN_TYPE_SIG(ty_array_split, "da", KQL_T_DYNAMIC, "array_split() expects a dynamic array and an index or array of indexes")
FN_TYPE_SIG(ty_array_iff, "daa", KQL_T_DYNAMIC, "array_iff() expects a dynamic array of conditions and two values or arrays")
FN_TYPE_SIG(ty_bag_set_key, "dSa", KQL_T_DYNAMIC, "bag_set_key() expects a property bag, a key and a value")

/* array_split(array, indexes): the arrays [0..i1), [i1..i2), ... [iN..length); negative
** indexes count from the end, indexes are clamped and never go backwards. */
void f_array_split(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  elem *v;
  size_t len;
  int64_t cut[64];
  int nc = 0;
  *out = val_null(KQL_T_DYNAMIC);
  if (!elems_of(c, a[0], &v, &len)) return;
  json_iter it;
  kql_value e;
  if (a[1].type == KQL_T_DYNAMIC && json_iter_begin(&it, a[1])) {
    while (nc < 64 && json_iter_next(&it, c->tmp, NULL, &e))
      if (!fn_long(c, &e, &cut[nc++])) return;
  } else if (!fn_long(c, &a[1], &cut[nc++])) {
    return;
  }
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "[", 1);
  int64_t from = 0, L = (int64_t)len;
  for (int i = 0; i <= nc; i++) {
    int64_t to = i < nc ? cut[i] : L;
    if (to < 0) to += L;
    if (to < from) to = from;
    if (to > L) to = L;
    if (i) json_buf_raw(&b, ",", 1);
    kql_value part = array_of(c, v + from, (size_t)(to - from));
    json_buf_raw(&b, part.u.s.p, part.u.s.n);
    from = to;
  }
  json_buf_raw(&b, "]", 1);
  *out = json_buf_dynamic(&b);
}

/* Element 'i' of 'arr' (an array's elements, or one value standing for every element). */
static void pick_elem(const elem *arr, size_t len, bool is_arr, const kql_value *scalar, size_t i, json_buf *b) {
  if (!is_arr) json_buf_value(b, scalar);
  else if (i < len) json_buf_raw(b, arr[i].raw.u.s.p, arr[i].raw.u.s.n);
  else json_buf_raw(b, "null", 4);
}

/* array_iff(conditions, if_true, if_false): element by element; a condition that is not a
** bool gives null. */
void f_array_iff(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  elem *cv, *tv = NULL, *fv = NULL;
  size_t cl, tl = 0, fl = 0;
  *out = val_null(KQL_T_DYNAMIC);
  if (!elems_of(c, a[0], &cv, &cl)) return;
  bool ta = elems_of(c, a[1], &tv, &tl), fa = elems_of(c, a[2], &fv, &fl);
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "[", 1);
  for (size_t i = 0; i < cl; i++) {
    if (i) json_buf_raw(&b, ",", 1);
    kql_value cond = cv[i].v;
    if (cond.isnull || (cond.type != KQL_T_BOOL && cond.type != KQL_T_LONG)) json_buf_raw(&b, "null", 4);
    else if (cond.type == KQL_T_BOOL ? cond.u.b : cond.u.i != 0) pick_elem(tv, tl, ta, &a[1], i, &b);
    else pick_elem(fv, fl, fa, &a[2], i, &b);
  }
  json_buf_raw(&b, "]", 1);
  *out = json_buf_dynamic(&b);
}

/* 'bag' with the member at path 'keys' set to JSON text 'val' (added at the end when new;
** missing bags on the way are created). */
static kql_value set_path(fn_ctx *c, kql_value bag, const kql_value *keys, int nk, kql_value val) {
  json_iter it;
  kql_value k, v;
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "{", 1);
  bool first = true, found = false;
  if (json_dyn_kind(bag) == JSON_K_OBJECT && json_iter_begin(&it, bag))
    while (json_iter_next(&it, c->tmp, &k, &v)) {
      if (key_is(k, keys[0])) {
        v = nk == 1 ? val : set_path(c, v, keys + 1, nk - 1, val);
        found = true;
      }
      if (!first) json_buf_raw(&b, ",", 1);
      first = false;
      json_buf_str(&b, k.u.s.p, k.u.s.n);
      json_buf_raw(&b, ":", 1);
      json_buf_raw(&b, v.u.s.p, v.u.s.n);
    }
  if (!found) {
    if (!first) json_buf_raw(&b, ",", 1);
    json_buf_str(&b, keys[0].u.s.p, keys[0].u.s.n);
    json_buf_raw(&b, ":", 1);
    v = nk == 1 ? val : set_path(c, val_null(KQL_T_DYNAMIC), keys + 1, nk - 1, val);
    json_buf_raw(&b, v.u.s.p, v.u.s.n);
  }
  json_buf_raw(&b, "}", 1);
  return json_buf_dynamic(&b);
}

/* bag_set_key(bag, key, value): 'key' is a name or a JSON path ("$.a.b"). */
void f_bag_set_key(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value keys[32];
  *out = val_null(KQL_T_DYNAMIC);
  if (json_dyn_kind(a[0]) != JSON_K_OBJECT) return;
  int nk = path_keys(c, fn_text(c, a[1]), keys, 32);
  if (nk == 0) return;
  json_buf vb = {c->tmp, NULL, 0, 0};
  json_buf_value(&vb, &a[2]);
  *out = set_path(c, a[0], keys, nk, json_buf_dynamic(&vb));
}

/* unicode_codepoints_to_string(c, ...) (legacy make_string): the string of the code points
** given as integers or dynamic arrays of integers; null when one is not a valid code point
** (beyond U+10FFFF, a surrogate, negative) or not an integer. */
static bool put_codepoint(json_buf *b, int64_t cp) {
  char u[4];
  size_t k;
  if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  if (cp < 0x80) u[0] = (char)cp, k = 1;
  else if (cp < 0x800) u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 63)), k = 2;
  else if (cp < 0x10000)
    u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 63)), u[2] = (char)(0x80 | (cp & 63)), k = 3;
  else
    u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 63)),
    u[2] = (char)(0x80 | ((cp >> 6) & 63)), u[3] = (char)(0x80 | (cp & 63)), k = 4;
  json_buf_raw(b, u, k);
  return true;
}

void f_unicode_codepoints_to_string(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  json_buf b = {c->tmp, NULL, 0, 0};
  *out = val_null(KQL_T_STRING);
  for (int i = 0; i < n; i++) {
    int64_t cp;
    if (a[i].type == KQL_T_DYNAMIC && json_dyn_kind(a[i]) == JSON_K_ARRAY) {
      json_iter it;
      kql_value raw;
      if (!json_iter_begin(&it, a[i])) return;
      while (json_iter_next(&it, c->tmp, NULL, &raw))
        if (!fn_long(c, &raw, &cp) || !put_codepoint(&b, cp)) return;
    } else if (a[i].type == KQL_T_REAL || !fn_long(c, &a[i], &cp) || !put_codepoint(&b, cp)) {
      return;
    }
  }
  *out = val_str(b.p ? b.p : "", b.n);
}

/* integers or dynamic arrays of integers (Kusto's KS136 otherwise) */
kql_type ty_codepoints(ast **a, int n, const char **e) {
  for (int i = 0; i < n; i++) {
    kql_type t = a[i]->type;
    if (t != KQL_T_INT && t != KQL_T_LONG && t != KQL_T_DYNAMIC && t != KQL_T_NULL) {
      *e = "unicode_codepoints_to_string() expects integers or dynamic arrays of integers";
      return KQL_T_COUNT_;
    }
  }
  return KQL_T_STRING;
}

/* ---- rotations, shifts, jaccard_index, bag_zip ---- */

FN_TYPE_SIG(ty_array_rotate_left, "di", KQL_T_DYNAMIC, "array_rotate_left() expects a dynamic array and a number of positions")
FN_TYPE_SIG(ty_array_rotate_right, "di", KQL_T_DYNAMIC, "array_rotate_right() expects a dynamic array and a number of positions")
FN_TYPE_SIG(ty_array_shift_left, "dia", KQL_T_DYNAMIC,
            "array_shift_left() expects a dynamic array, a number of positions and an optional fill value")
FN_TYPE_SIG(ty_array_shift_right, "dia", KQL_T_DYNAMIC,
            "array_shift_right() expects a dynamic array, a number of positions and an optional fill value")
FN_TYPE_SIG(ty_jaccard_index, "dd", KQL_T_DYNAMIC, "jaccard_index() expects two dynamic arrays")
FN_TYPE_SIG(ty_bag_zip, "dd", KQL_T_DYNAMIC, "bag_zip() expects a dynamic array of keys and a dynamic array of values")

/* a[0] with its elements moved a[1] places to the left ('left') or right: element i of the
** result is element i + by, wrapping around when 'wrap', else a[2] (or null) past either end. */
static void moved(fn_ctx *c, const kql_value *a, int n, bool wrap, bool left, kql_value *out) {
  elem *v;
  size_t len;
  int64_t by;
  *out = val_null(KQL_T_DYNAMIC);
  if (!elems_of(c, a[0], &v, &len) || !fn_long(c, &a[1], &by)) return;
  if (!left) by = by == INT64_MIN ? INT64_MAX : -by;
  json_buf fill = {c->tmp, NULL, 0, 0};
  if (n > 2) json_buf_value(&fill, &a[2]);
  else json_buf_raw(&fill, "null", 4);
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "[", 1);
  int64_t m = (int64_t)len;
  for (int64_t i = 0; i < m; i++) {
    if (i) json_buf_raw(&b, ",", 1);
    int64_t j;
    if (wrap) {
      int64_t r = by % m; /* in (-m, m) */
      j = (i + r + m) % m;
    } else {
      j = by >= m || by <= -m ? -1 : i + by; /* no overflow: |by| < m here */
      if (j >= m) j = -1;
    }
    if (j < 0) json_buf_raw(&b, fill.p, fill.n);
    else json_buf_raw(&b, v[j].raw.u.s.p, v[j].raw.u.s.n);
  }
  json_buf_raw(&b, "]", 1);
  *out = json_buf_dynamic(&b);
}

/* array_rotate_left(arr, n): element i becomes element (i + n) mod length; a negative 'n'
** rotates right.  Null when 'arr' is not an array or 'n' is null. */
void f_array_rotate_left(fn_ctx *c, const kql_value *a, int n, kql_value *out) { moved(c, a, n, true, true, out); }
void f_array_rotate_right(fn_ctx *c, const kql_value *a, int n, kql_value *out) { moved(c, a, n, true, false, out); }
/* array_shift_left(arr, n [, fill]): element i becomes element i + n, or 'fill' (default
** null) past the end; a negative 'n' shifts right. */
void f_array_shift_left(fn_ctx *c, const kql_value *a, int n, kql_value *out) { moved(c, a, n, false, true, out); }
void f_array_shift_right(fn_ctx *c, const kql_value *a, int n, kql_value *out) { moved(c, a, n, false, false, out); }

/* jaccard_index(set1, set2): |set1 ∩ set2| / |set1 ∪ set2| over the distinct elements, as a
** dynamic real (the type Kusto's binder gives it).  Null when either is not an array, or
** when both are empty (0/0). */
void f_jaccard_index(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  elem *x, *y;
  size_t nx, ny;
  (void)n;
  *out = val_null(KQL_T_DYNAMIC);
  if (!elems_of(c, a[0], &x, &nx) || !elems_of(c, a[1], &y, &ny)) return;
  vset sx, sy;
  vset_init(c, &sx, nx);
  vset_init(c, &sy, ny);
  for (size_t i = 0; i < nx; i++) vset_add(&sx, &x[i].v, true);
  size_t both = 0;
  for (size_t i = 0; i < ny; i++)
    if (vset_add(&sy, &y[i].v, true) && vset_has(&sx, &y[i].v)) both++;
  size_t any = sx.n + sy.n - both;
  if (any == 0) return;
  kql_value r = val_real((double)both / (double)any);
  *out = json_value_to_dynamic(c->tmp, r);
}

/* bag_zip(keys, values): a property bag of keys[i] -> values[i], null where 'values' runs
** out (or is not an array); keys that are not strings are skipped with their value; a key
** given twice keeps its last value.  Null when 'keys' is not an array. */
void f_bag_zip(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  elem *k, *v = NULL;
  size_t nk, nv = 0;
  (void)n;
  *out = val_null(KQL_T_DYNAMIC);
  if (!elems_of(c, a[0], &k, &nk)) return;
  if (!elems_of(c, a[1], &v, &nv)) nv = 0;
  /* a key given again further on is left for that last occurrence: mark from the end */
  bool *emit = arena_alloc(c->tmp, nk + 1);
  vset seen;
  vset_init(c, &seen, nk);
  for (size_t i = nk; i-- > 0;)
    emit[i] = !k[i].v.isnull && k[i].v.type == KQL_T_STRING && vset_add(&seen, &k[i].v, true);
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "{", 1);
  bool first = true;
  for (size_t i = 0; i < nk; i++) {
    if (!emit[i]) continue;
    if (!first) json_buf_raw(&b, ",", 1);
    first = false;
    json_buf_str(&b, k[i].v.u.s.p, k[i].v.u.s.n);
    json_buf_raw(&b, ":", 1);
    if (i < nv) json_buf_raw(&b, v[i].raw.u.s.p, v[i].raw.u.s.n);
    else json_buf_raw(&b, "null", 4);
  }
  json_buf_raw(&b, "}", 1);
  *out = json_buf_dynamic(&b);
}
