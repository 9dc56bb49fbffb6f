/*
** math.c: conditionals over values (case, coalesce, min_of, max_of), the floating-point
** tests (isnan, isinf, isfinite) and numeric functions (abs, round, floor, ceiling, bin_at,
** logarithms and exponents, pow, sqrt, sign, rand).  Null in gives null out unless noted.
*/
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "../json.h"
#include "impl.h"

/* ---- type rules ---- */

/* The common type of branch values 't' and 'u', or KQL_T_COUNT_ when they do not mix:
** null takes the other's type, mixed numbers are real, dynamic mixes with anything. */
static kql_type common(kql_type t, kql_type u) {
  if (t == KQL_T_NULL) return u;
  if (u == KQL_T_NULL || t == u) return t;
  if (val_is_numeric(t) && val_is_numeric(u)) {
    if ((t == KQL_T_INT || t == KQL_T_LONG) && (u == KQL_T_INT || u == KQL_T_LONG)) return KQL_T_LONG;
    return KQL_T_REAL;
  }
  /* a dynamic branch takes the other branch's type (Kusto.Language: case(p, split(s, ":")[1],
  ** q, tostring(...), s) is a string); expr.c converts the dynamic value when it is chosen */
  if (t == KQL_T_DYNAMIC) return u;
  if (u == KQL_T_DYNAMIC) return t;
  return KQL_T_COUNT_;
}

/* case(predicate1, then1, ..., else): an odd number of arguments, bool predicates, values
** of one type. */
kql_type ty_case(ast **a, int n, const char **e) {
  if (n % 2 == 0) {
    *e = "case() expects pairs of predicate and value, then an else value";
    return KQL_T_COUNT_;
  }
  kql_type t = KQL_T_NULL;
  for (int i = 0; i < n; i++) {
    if (i % 2 == 0 && i < n - 1) {
      kql_type p = a[i]->type;
      if (p != KQL_T_BOOL && p != KQL_T_NULL && p != KQL_T_DYNAMIC) {
        *e = "case() expects bool predicates";
        return KQL_T_COUNT_;
      }
      continue;
    }
    t = common(t, a[i]->type);
    if (t == KQL_T_COUNT_) {
      *e = "case() expects all its values to have the same type";
      return t;
    }
  }
  return t;
}

kql_type ty_coalesce(ast **a, int n, const char **e) {
  kql_type t = KQL_T_NULL;
  for (int i = 0; i < n && t != KQL_T_COUNT_; i++) t = common(t, a[i]->type);
  if (t == KQL_T_COUNT_) *e = "coalesce() expects all its arguments to have the same type";
  return t;
}

kql_type ty_minmax_of(ast **a, int n, const char **e) {
  kql_type t = ty_coalesce(a, n, e);
  if (t == KQL_T_COUNT_) *e = "min_of() and max_of() expect arguments of one type";
  return t;
}

FN_TYPE_SIG(ty_real_test, "n", KQL_T_BOOL, "expects a number")
FN_TYPE_SIG(ty_real_of_num, "n", KQL_T_REAL, "expects a number")
FN_TYPE_SIG(ty_pow, "nn", KQL_T_REAL, "pow() expects two numbers")
kql_type ty_rand(ast **a, int n, const char **e) {
  return fn_sig(a, n, "n", n ? KQL_T_LONG : KQL_T_REAL, "rand() expects an optional number", e);
}

/* abs, floor, ceiling, sign: the argument's numeric type (int becomes long for floor and
** ceiling as for bin()); abs also takes a timespan. */
kql_type ty_num_same(ast **a, int n, const char **e) {
  (void)n;
  kql_type t = a[0]->type;
  if (t == KQL_T_NULL || t == KQL_T_DYNAMIC) return KQL_T_REAL;
  if (val_is_numeric(t) || t == KQL_T_TIMESPAN) return t;
  *e = "expects a number";
  return KQL_T_COUNT_;
}

kql_type ty_sign(ast **a, int n, const char **e) {
  kql_type t = ty_num_same(a, n, e);
  return t == KQL_T_TIMESPAN ? KQL_T_LONG : t;
}

kql_type ty_round(ast **a, int n, const char **e) {
  if (fn_sig(a, n, "ni", KQL_T_REAL, "round() expects a number and an optional precision", e) == KQL_T_COUNT_)
    return KQL_T_COUNT_;
  kql_type t = a[0]->type;
  return val_is_numeric(t) ? t : KQL_T_REAL;
}

kql_type ty_bin_at(ast **a, int n, const char **e) {
  (void)n;
  kql_type t = a[0]->type;
  if (t == KQL_T_STRING || t == KQL_T_BOOL || t == KQL_T_GUID) {
    *e = "bin_at() expects a number, datetime or timespan";
    return KQL_T_COUNT_;
  }
  if (t == KQL_T_INT) return KQL_T_LONG;
  if (t == KQL_T_NULL || t == KQL_T_DYNAMIC) return KQL_T_REAL;
  return t;
}

/* ---- conditionals ---- */

void f_case(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)c;
  for (int i = 0; i + 1 < n; i += 2)
    if (fn_true(&a[i])) {
      *out = a[i + 1];
      return;
    }
  *out = a[n - 1];
}

/* coalesce(...): the first argument that is not null (not empty, for strings). */
void f_coalesce(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)c;
  for (int i = 0; i < n; i++)
    if (!fn_is_nullish(&a[i])) {
      *out = a[i];
      return;
    }
  *out = a[n - 1];
}

/* Pick the least ('sign' < 0) or greatest non-null argument; null when all are null. */
static void pick(fn_ctx *c, const kql_value *a, int n, int sign, kql_value *out) {
  const kql_value *best = NULL;
  kql_value tmp[16];
  for (int i = 0; i < n && i < 16; i++) {
    tmp[i] = a[i].type == KQL_T_DYNAMIC ? json_dyn_scalar(c->tmp, a[i]) : a[i];
    if (fn_is_nullish(&tmp[i])) continue;
    if (!best || val_compare(&tmp[i], best) * sign > 0) best = &tmp[i];
  }
  *out = best ? *best : val_null(a[0].type == KQL_T_STRING ? KQL_T_STRING : a[0].type);
}

void f_min_of(fn_ctx *c, const kql_value *a, int n, kql_value *out) { pick(c, a, n, -1, out); }
void f_max_of(fn_ctx *c, const kql_value *a, int n, kql_value *out) { pick(c, a, n, 1, out); }

/* ---- floating-point tests ---- */

static void real_test(fn_ctx *c, const kql_value *a, int which, kql_value *out) {
  double x;
  if (!fn_real(c, &a[0], &x)) {
    *out = val_null(KQL_T_BOOL);
    return;
  }
  *out = val_bool(which == 0 ? isnan(x) : which == 1 ? isinf(x) : isfinite(x));
}

void f_isnan(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real_test(c, a, 0, out); }
void f_isinf(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real_test(c, a, 1, out); }
void f_isfinite(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real_test(c, a, 2, out); }

/* ---- numbers ---- */

static bool is_int(kql_type t) { return t == KQL_T_INT || t == KQL_T_LONG; }

void f_abs(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value v = a[0];
  double x;
  if (!v.isnull && (is_int(v.type) || v.type == KQL_T_TIMESPAN)) {
    *out = v;
    if (v.u.i < 0 && v.u.i != INT64_MIN) out->u.i = -v.u.i;
    return;
  }
  if (!fn_real(c, &v, &x)) {
    *out = val_null(v.type == KQL_T_DECIMAL ? KQL_T_DECIMAL : KQL_T_REAL);
    return;
  }
  *out = val_real(fabs(x));
  if (v.type == KQL_T_DECIMAL) out->type = KQL_T_DECIMAL;
}

/* round(number [, precision]): half away from zero at 'precision' decimal digits
** (negative: tens, hundreds, ...); a long stays a long. */
void f_round(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  kql_value v = a[0];
  int64_t p = 0;
  kql_type rt = val_is_numeric(v.type) ? v.type : KQL_T_REAL;
  if (n > 1 && !fn_long(c, &a[1], &p)) {
    *out = val_null(rt);
    return;
  }
  if (p > 17) p = 17;
  if (p < -18) p = -18;
  if (!v.isnull && is_int(v.type)) {
    *out = v;
    if (p >= 0) return;
    int64_t m = 1;
    for (int64_t i = 0; i < -p; i++) m *= 10;
    int64_t q = v.u.i / m, r = v.u.i % m;
    if (r * 2 >= m) q++;
    else if (r * 2 <= -m) q--;
    out->u.i = q * m;
    return;
  }
  double x;
  if (!fn_real(c, &v, &x)) {
    *out = val_null(rt);
    return;
  }
  double r;
  if (p >= 0) {
    double m = pow(10.0, (double)p);
    r = round(x * m) / m;
    if (!isfinite(r)) r = x;
  } else {
    double m = pow(10.0, (double)-p);
    r = round(x / m) * m;
  }
  *out = val_real(r);
  out->type = rt == KQL_T_DECIMAL ? KQL_T_DECIMAL : KQL_T_REAL;
}

static void step_fn(fn_ctx *c, const kql_value *a, double (*fn)(double), kql_value *out) {
  kql_value v = a[0];
  if (!v.isnull && is_int(v.type)) {
    *out = v;
    return;
  }
  double x;
  kql_type rt = v.type == KQL_T_DECIMAL ? KQL_T_DECIMAL : KQL_T_REAL;
  if (!fn_real(c, &v, &x)) {
    *out = val_null(rt);
    return;
  }
  *out = val_real(fn(x));
  out->type = rt;
}

void f_floor(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, step_fn(c, a, floor, out); }
void f_ceiling(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, step_fn(c, a, ceil, out); }

static int64_t floor_div(int64_t x, int64_t y) {
  int64_t q = x / y;
  if ((x % y != 0) && ((x < 0) != (y < 0))) q--;
  return q;
}

/* bin_at(value, bin_size, fixed_point): value rounded down to fixed_point + k * bin_size. */
void f_bin_at(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value v = a[0], s = a[1], f = a[2];
  kql_type rt = v.type == KQL_T_INT ? KQL_T_LONG : (v.type == KQL_T_DYNAMIC || v.type == KQL_T_NULL) ? KQL_T_REAL : v.type;
  *out = val_null(rt);
  if (v.isnull || s.isnull || f.isnull) return;
  if (v.type == KQL_T_DATETIME || v.type == KQL_T_TIMESPAN) {
    if (f.type != v.type) return;
    int64_t size;
    if (s.type == KQL_T_TIMESPAN || is_int(s.type)) size = s.u.i;
    else if (!fn_long(c, &s, &size)) return;
    if (size <= 0) return;
    *out = v;
    out->u.i = f.u.i + floor_div(v.u.i - f.u.i, size) * size;
    return;
  }
  if (is_int(v.type) && is_int(s.type) && is_int(f.type)) {
    if (s.u.i <= 0) return;
    *out = val_long(f.u.i + floor_div(v.u.i - f.u.i, s.u.i) * s.u.i);
    return;
  }
  double x, y, z;
  if (!fn_real(c, &v, &x) || !fn_real(c, &s, &y) || !fn_real(c, &f, &z) || y <= 0) return;
  double r = z + floor((x - z) / y) * y;
  *out = rt == KQL_T_LONG ? val_long((int64_t)r) : val_real(r);
  if (rt == KQL_T_DECIMAL) out->type = rt;
}

static void real_fn(fn_ctx *c, const kql_value *a, double (*fn)(double), kql_value *out) {
  double x;
  *out = fn_real(c, &a[0], &x) ? val_real(fn(x)) : val_null(KQL_T_REAL);
}

static double exp10_(double x) { return pow(10.0, x); }

void f_log(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real_fn(c, a, log, out); }
void f_log10(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real_fn(c, a, log10, out); }
void f_log2(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real_fn(c, a, log2, out); }
void f_exp(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real_fn(c, a, exp, out); }
void f_exp2(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real_fn(c, a, exp2, out); }
void f_exp10(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real_fn(c, a, exp10_, out); }
void f_sqrt(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real_fn(c, a, sqrt, out); }

void f_pow(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  double x, y;
  *out = fn_real(c, &a[0], &x) && fn_real(c, &a[1], &y) ? val_real(pow(x, y)) : val_null(KQL_T_REAL);
}

void f_sign(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value v = a[0];
  if (!v.isnull && (is_int(v.type) || v.type == KQL_T_TIMESPAN)) {
    *out = v.type == KQL_T_INT ? val_int((v.u.i > 0) - (v.u.i < 0)) : val_long((v.u.i > 0) - (v.u.i < 0));
    return;
  }
  double x;
  kql_type rt = v.type == KQL_T_DECIMAL ? KQL_T_DECIMAL : KQL_T_REAL;
  if (!fn_real(c, &v, &x)) {
    *out = val_null(rt);
    return;
  }
  *out = val_real(isnan(x) ? x : (double)((x > 0) - (x < 0)));
  out->type = rt;
}

static uint64_t splitmix(uint64_t x) {
  x += UINT64_C(0x9E3779B97F4A7C15);
  x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
  return x ^ (x >> 31);
}

/* rand([N]): a real in [0, 1), or a long in [0, N).  SplitMix64 over the query's generator
** state ('c->rng'), seeded from now() on first use, so values differ from row to row,
** batch to batch and query to query (an earlier version seeded each call from the batch
** arena's fill and repeated the same 1024 values in every batch).  Without state (a
** context that carries none) it seeds from now(), the output slot and the arena's fill. */
void f_rand(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  uint64_t r;
  if (c->rng) {
    if (!*c->rng) *c->rng = splitmix((uint64_t)c->now ^ (uint64_t)(uintptr_t)c->rng) | 1;
    *c->rng += UINT64_C(0x9E3779B97F4A7C15);
    r = splitmix(*c->rng);
  } else {
    uint64_t seed = (uint64_t)c->now ^ (uint64_t)(uintptr_t)out * UINT64_C(0x100000001B3) ^
                    (uint64_t)arena_used(c->tmp) << 17;
    (void)arena_alloc(c->tmp, 1);
    r = splitmix(splitmix(seed));
  }
  double u = (double)(r >> 11) * 0x1.0p-53;
  if (n > 0) {
    int64_t k;
    if (!fn_long(c, &a[0], &k) || k <= 0) {
      *out = val_null(KQL_T_LONG);
      return;
    }
    *out = val_long((int64_t)(r % (uint64_t)k));
    return;
  }
  *out = val_real(u);
}

/* Trigonometry (radians), and pi(), degrees(), radians(). */
static double cot(double x) { return 1.0 / tan(x); }
static double to_degrees(double x) { return x * 180.0 / M_PI; }
static double to_radians(double x) { return x * M_PI / 180.0; }
void f_sin(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real_fn(c, a, sin, out); }
void f_cos(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real_fn(c, a, cos, out); }
void f_tan(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real_fn(c, a, tan, out); }
void f_asin(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real_fn(c, a, asin, out); }
void f_acos(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real_fn(c, a, acos, out); }
void f_atan(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real_fn(c, a, atan, out); }
void f_cot(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real_fn(c, a, cot, out); }
void f_degrees(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real_fn(c, a, to_degrees, out); }
void f_radians(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n, real_fn(c, a, to_radians, out); }
void f_pi(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)c, (void)a, (void)n;
  *out = val_real(M_PI);
}
void f_atan2(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)c, (void)n;
  if (a[0].isnull || a[1].isnull || !val_is_numeric(a[0].type) || !val_is_numeric(a[1].type)) {
    *out = val_null(KQL_T_REAL);
    return;
  }
  double y = a[0].type == KQL_T_REAL || a[0].type == KQL_T_DECIMAL ? a[0].u.r : (double)a[0].u.i;
  double x = a[1].type == KQL_T_REAL || a[1].type == KQL_T_DECIMAL ? a[1].u.r : (double)a[1].u.i;
  *out = val_real(atan2(y, x));
}
