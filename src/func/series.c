/*
** series.c: the series_* functions over dynamic numeric arrays (what make-series makes):
** element-wise arithmetic and comparison, filling missing values, statistics, line fits,
** outliers, decomposition and anomaly detection.  A series is read into doubles once; an
** element that is not a number (null, a string) is missing.  Functions that return several
** values (series_fit_line, series_stats, ...) return them as one dynamic array, which the
** binder splits into columns (fn_outputs, series.h).
**
** Where Kusto does not document its exact method, kql follows the documented one and says
** so here and in README.md (Known differences): the period detection of series_decompose* (-1), the
** percentiles of series_outliers, and a zero interquartile range.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../json.h"
#include "impl.h"
#include "series.h"

/* A series read from a dynamic array. */
typedef struct series {
  double *v;      /* values (0 where missing) */
  bool *ok;       /* v[i] is a number */
  size_t n;       /* elements */
  bool whole;     /* every number is a whole (long) number */
} series;

/* Read dynamic array 'd' into 's' (in c->tmp); false when 'd' is not an array. */
static bool read_series(fn_ctx *c, kql_value d, series *s) {
  memset(s, 0, sizeof *s);
  s->whole = true;
  if (d.isnull || d.type != KQL_T_DYNAMIC) return false;
  int64_t len = json_array_length(d);
  if (len < 0) return false;
  s->v = arena_alloc(c->tmp, sizeof(double) * (size_t)(len ? len : 1));
  s->ok = arena_alloc(c->tmp, sizeof(bool) * (size_t)(len ? len : 1));
  json_iter it;
  json_iter_begin(&it, d);
  kql_value el;
  while ((int64_t)s->n < len && json_iter_next(&it, c->tmp, NULL, &el)) {
    kql_value v = json_dyn_scalar(c->tmp, el);
    size_t i = s->n++;
    s->v[i] = 0;
    s->ok[i] = false;
    if (v.isnull) continue;
    if (v.type == KQL_T_LONG) s->v[i] = (double)v.u.i, s->ok[i] = true;
    else if (v.type == KQL_T_REAL) s->v[i] = v.u.r, s->ok[i] = true, s->whole = false;
    else if (v.type == KQL_T_BOOL) s->v[i] = v.u.b, s->ok[i] = true;
  }
  return true;
}

/* A scalar argument as a number; false when null or not a number. */
static bool arg_num(fn_ctx *c, const kql_value *a, double *out) { return fn_real(c, a, out); }

static void put_num(json_buf *b, double x, bool whole) {
  if (isnan(x)) {
    json_buf_raw(b, "null", 4);
    return;
  }
  kql_value v = whole && fabs(x) < 9e18 ? val_long((int64_t)x) : val_real(x);
  json_buf_value(b, &v);
}

/* A dynamic array of 'n' numbers (NaN: null), longs when 'whole'. */
static kql_value make_array(fn_ctx *c, const double *v, size_t n, bool whole) {
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "[", 1);
  for (size_t i = 0; i < n; i++) {
    if (i) json_buf_raw(&b, ",", 1);
    put_num(&b, v[i], whole);
  }
  json_buf_raw(&b, "]", 1);
  return json_buf_dynamic(&b);
}

static double *new_doubles(fn_ctx *c, size_t n) {
  return arena_alloc(c->tmp, sizeof(double) * (n ? n : 1));
}

/* ---- element-wise ---- */

/* Element 'i' of argument 'a' (a series, or a scalar repeated); false when missing. */
typedef struct operand {
  series s;       /* when an array */
  bool array;     /* the argument is an array */
  double x;       /* the scalar */
  bool ok;        /* the scalar is a number */
  bool whole;     /* whole numbers */
} operand;

static bool read_operand(fn_ctx *c, const kql_value *a, operand *o) {
  memset(o, 0, sizeof *o);
  if (!a->isnull && a->type == KQL_T_DYNAMIC && json_dyn_kind(*a) == JSON_K_ARRAY) {
    o->array = true;
    read_series(c, *a, &o->s);
    o->whole = o->s.whole;
    return true;
  }
  kql_value v = *a;
  if (!v.isnull && v.type == KQL_T_DYNAMIC) v = json_dyn_scalar(c->tmp, v);
  if (v.isnull) return true;
  o->ok = arg_num(c, &v, &o->x);
  o->whole = v.type == KQL_T_LONG || v.type == KQL_T_INT || v.type == KQL_T_BOOL;
  return o->ok || v.type == KQL_T_STRING || v.type == KQL_T_DYNAMIC;
}

static bool operand_at(const operand *o, size_t i, double *x) {
  if (!o->array) {
    *x = o->x;
    return o->ok;
  }
  if (i >= o->s.n || !o->s.ok[i]) return false;
  *x = o->s.v[i];
  return true;
}

enum { S_ADD, S_SUB, S_MUL, S_DIV, S_POW, S_GT, S_GE, S_LT, S_LE, S_EQ, S_NE };

static void binary(fn_ctx *c, const kql_value *a, kql_value *out, int op) {
  operand l, r;
  if (!read_operand(c, &a[0], &l) || !read_operand(c, &a[1], &r) || (!l.array && !r.array)) {
    *out = val_null(KQL_T_DYNAMIC);
    return;
  }
  size_t n = l.array && r.array ? (l.s.n > r.s.n ? l.s.n : r.s.n) : l.array ? l.s.n : r.s.n;
  bool whole = l.whole && r.whole && op != S_DIV && op != S_POW;
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "[", 1);
  for (size_t i = 0; i < n; i++) {
    if (i) json_buf_raw(&b, ",", 1);
    double x, y;
    if (!operand_at(&l, i, &x) || !operand_at(&r, i, &y)) {
      json_buf_raw(&b, "null", 4);
      continue;
    }
    if (op >= S_GT) {
      bool t = op == S_GT ? x > y : op == S_GE ? x >= y : op == S_LT ? x < y : op == S_LE ? x <= y
               : op == S_EQ ? x == y : x != y;
      json_buf_raw(&b, t ? "true" : "false", t ? 4 : 5);
      continue;
    }
    double z = op == S_ADD ? x + y : op == S_SUB ? x - y : op == S_MUL ? x * y
               : op == S_DIV ? x / y : pow(x, y);
    if (op == S_DIV && y == 0) {
      json_buf_raw(&b, "null", 4);
      continue;
    }
    put_num(&b, z, whole);
  }
  json_buf_raw(&b, "]", 1);
  *out = json_buf_dynamic(&b);
}

#define BINARY(fname, op) \
  void fname(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n; binary(c, a, out, op); }
BINARY(f_series_add, S_ADD)
BINARY(f_series_subtract, S_SUB)
BINARY(f_series_multiply, S_MUL)
BINARY(f_series_divide, S_DIV)
BINARY(f_series_pow, S_POW)
BINARY(f_series_greater, S_GT)
BINARY(f_series_greater_equals, S_GE)
BINARY(f_series_less, S_LT)
BINARY(f_series_less_equals, S_LE)
BINARY(f_series_equals, S_EQ)
BINARY(f_series_not_equals, S_NE)

enum { U_ABS, U_CEIL, U_FLOOR, U_SIGN, U_EXP, U_LOG, U_SIN, U_COS, U_TAN, U_ASIN, U_ACOS, U_ATAN };

static double unary_op(int op, double x) {
  switch (op) {
  case U_ABS: return fabs(x);
  case U_CEIL: return ceil(x);
  case U_FLOOR: return floor(x);
  case U_SIGN: return (double)((x > 0) - (x < 0));
  case U_EXP: return exp(x);
  case U_LOG: return x > 0 ? log(x) : NAN;
  case U_SIN: return sin(x);
  case U_COS: return cos(x);
  case U_TAN: return tan(x);
  case U_ASIN: return x >= -1 && x <= 1 ? asin(x) : NAN;
  case U_ACOS: return x >= -1 && x <= 1 ? acos(x) : NAN;
  default: return atan(x);
  }
}

static void unary(fn_ctx *c, const kql_value *a, kql_value *out, int op) {
  series s;
  if (!read_series(c, a[0], &s)) {
    *out = val_null(KQL_T_DYNAMIC);
    return;
  }
  double *r = new_doubles(c, s.n);
  for (size_t i = 0; i < s.n; i++) {
    double x = s.v[i];
    r[i] = !s.ok[i] ? NAN : unary_op(op, x);
  }
  *out = make_array(c, r, s.n, (op == U_ABS || op == U_SIGN) && s.whole);
}

#define UNARY(fname, op) \
  void fname(fn_ctx *c, const kql_value *a, int n, kql_value *out) { (void)n; unary(c, a, out, op); }
UNARY(f_series_abs, U_ABS)
UNARY(f_series_ceiling, U_CEIL)
UNARY(f_series_floor, U_FLOOR)
UNARY(f_series_sign, U_SIGN)
UNARY(f_series_exp, U_EXP)
UNARY(f_series_log, U_LOG)
UNARY(f_series_sin, U_SIN)
UNARY(f_series_cos, U_COS)
UNARY(f_series_tan, U_TAN)
UNARY(f_series_asin, U_ASIN)
UNARY(f_series_acos, U_ACOS)
UNARY(f_series_atan, U_ATAN)

/* ---- reductions to one number ---- */

enum { R_SUM, R_PRODUCT, R_MAGNITUDE };

static void reduce(fn_ctx *c, const kql_value *a, kql_value *out, int op) {
  series s;
  if (!read_series(c, a[0], &s)) {
    *out = val_null(KQL_T_REAL);
    return;
  }
  double r = op == R_PRODUCT ? 1 : 0;
  for (size_t i = 0; i < s.n; i++) {
    if (!s.ok[i]) continue;
    r = op == R_SUM ? r + s.v[i] : op == R_PRODUCT ? r * s.v[i] : r + s.v[i] * s.v[i];
  }
  *out = val_real(op == R_MAGNITUDE ? sqrt(r) : r);
}

void f_series_sum(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  reduce(c, a, out, R_SUM);
}

void f_series_product(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  reduce(c, a, out, R_PRODUCT);
}

void f_series_magnitude(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  reduce(c, a, out, R_MAGNITUDE);
}

enum { P_DOT, P_COSINE, P_PEARSON };

/* Pairwise measures of two series (a number repeats); elements missing in either are skipped. */
static void pairwise(fn_ctx *c, const kql_value *a, kql_value *out, int op) {
  operand l, r;
  *out = val_null(KQL_T_REAL);
  if (!read_operand(c, &a[0], &l) || !read_operand(c, &a[1], &r) || (!l.array && !r.array)) return;
  if (op != P_DOT && (!l.array || !r.array || l.s.n != r.s.n)) return;
  size_t n = l.array ? l.s.n : r.s.n, k = 0;
  double sxy = 0, sxx = 0, syy = 0, sx = 0, sy = 0;
  for (size_t i = 0; i < n; i++) {
    double x, y;
    if (!operand_at(&l, i, &x) || !operand_at(&r, i, &y)) continue;
    sxy += x * y, sxx += x * x, syy += y * y, sx += x, sy += y, k++;
  }
  if (op == P_DOT) {
    *out = val_real(sxy);
    return;
  }
  if (op == P_COSINE) {
    if (sxx > 0 && syy > 0) *out = val_real(sxy / sqrt(sxx * syy));
    return;
  }
  double cov = sxy - sx * sy / (double)k, vx = sxx - sx * sx / (double)k, vy = syy - sy * sy / (double)k;
  if (k > 1 && vx > 0 && vy > 0) *out = val_real(cov / sqrt(vx * vy));
}

void f_series_dot_product(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  pairwise(c, a, out, P_DOT);
}

void f_series_cosine_similarity(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  pairwise(c, a, out, P_COSINE);
}

void f_series_pearson_correlation(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  pairwise(c, a, out, P_PEARSON);
}

/* ---- filters ---- */

/* series_fir(x, filter [, normalize, center]): y[n] = sum of filter[k] * x[n - k] (shifted by
** (len - 1) / 2 when centered), divided by the sum of the filter when normalized (the default
** unless the filter has a negative value; normalizing one that has gives null).  Elements
** outside the series, or missing, count as 0. */
void f_series_fir(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  series s, f;
  *out = val_null(KQL_T_DYNAMIC);
  if (!read_series(c, a[0], &s) || !read_series(c, a[1], &f) || f.n == 0) return;
  bool neg = false;
  double sum = 0;
  for (size_t k = 0; k < f.n; k++) {
    if (!f.ok[k]) return;
    neg = neg || f.v[k] < 0;
    sum += f.v[k];
  }
  bool norm = n > 2 && !a[2].isnull ? fn_true(&a[2]) : !neg;
  bool center = n > 3 && !a[3].isnull && fn_true(&a[3]);
  if (norm && (neg || sum == 0)) return;
  size_t shift = center ? (f.n - 1) / 2 : 0;
  double *y = new_doubles(c, s.n);
  for (size_t i = 0; i < s.n; i++) {
    double acc = 0;
    for (size_t k = 0; k < f.n; k++) {
      long j = (long)i - (long)k + (long)shift;
      if (j >= 0 && (size_t)j < s.n && s.ok[j]) acc += f.v[k] * s.v[j];
    }
    y[i] = norm ? acc / sum : acc;
  }
  *out = make_array(c, y, s.n, false);
}

/* series_iir(x, numerators b, denominators a): y[n] = (sum of b[k] x[n-k] - sum over k >= 1
** of a[k] y[n-k]) / a[0]; earlier elements and missing ones count as 0. */
void f_series_iir(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  series s, nb, da;
  *out = val_null(KQL_T_DYNAMIC);
  if (!read_series(c, a[0], &s) || !read_series(c, a[1], &nb) || !read_series(c, a[2], &da) ||
      !nb.n || !da.n || !da.ok[0] || da.v[0] == 0)
    return;
  double *y = new_doubles(c, s.n);
  for (size_t i = 0; i < s.n; i++) {
    double acc = 0;
    for (size_t k = 0; k < nb.n && k <= i; k++)
      if (nb.ok[k] && s.ok[i - k]) acc += nb.v[k] * s.v[i - k];
    for (size_t k = 1; k < da.n && k <= i; k++)
      if (da.ok[k]) acc -= da.v[k] * y[i - k];
    y[i] = acc / da.v[0];
  }
  *out = make_array(c, y, s.n, false);
}

/* ---- filling missing values ---- */

/* The elements to fill: missing ones, or those equal to the placeholder 'a[k]' when given. */
static void missing_marks(fn_ctx *c, const kql_value *a, int n, int k, series *s) {
  double ph;
  if (n > k && !a[k].isnull && arg_num(c, &a[k], &ph))
    for (size_t i = 0; i < s->n; i++)
      if (s->ok[i] && s->v[i] == ph) s->ok[i] = false;
}

void f_series_fill_const(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  series s;
  if (!read_series(c, a[0], &s)) {
    *out = val_null(KQL_T_DYNAMIC);
    return;
  }
  missing_marks(c, a, n, 2, &s);
  kql_value fill = n > 1 ? a[1] : val_long(0);
  if (!fill.isnull && fill.type == KQL_T_DYNAMIC) fill = json_dyn_scalar(c->tmp, fill);
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "[", 1);
  for (size_t i = 0; i < s.n; i++) {
    if (i) json_buf_raw(&b, ",", 1);
    if (s.ok[i]) put_num(&b, s.v[i], s.whole);
    else if (fill.isnull) json_buf_raw(&b, "null", 4);
    else json_buf_value(&b, &fill);
  }
  json_buf_raw(&b, "]", 1);
  *out = json_buf_dynamic(&b);
}

static void fill_dir(fn_ctx *c, const kql_value *a, int n, kql_value *out, bool forward) {
  series s;
  if (!read_series(c, a[0], &s)) {
    *out = val_null(KQL_T_DYNAMIC);
    return;
  }
  missing_marks(c, a, n, 1, &s);
  double *r = new_doubles(c, s.n), last = NAN;
  for (size_t k = 0; k < s.n; k++) {
    size_t i = forward ? k : s.n - 1 - k;
    if (s.ok[i]) last = s.v[i];
    r[i] = s.ok[i] ? s.v[i] : last;
  }
  *out = make_array(c, r, s.n, s.whole);
}

void f_series_fill_forward(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  fill_dir(c, a, n, out, true);
}

void f_series_fill_backward(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  fill_dir(c, a, n, out, false);
}

/* series_fill_linear(x [, placeholder, fill_edges = true, const_value]): missing values
** between two numbers lie on the line between them; at the edges, the nearest number when
** fill_edges, else they stay missing; a series with no number at all gets const_value. */
void f_series_fill_linear(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  series s;
  if (!read_series(c, a[0], &s)) {
    *out = val_null(KQL_T_DYNAMIC);
    return;
  }
  missing_marks(c, a, n, 1, &s);
  bool edges = n > 2 && !a[2].isnull ? fn_true(&a[2]) : true;
  double cv = NAN;
  if (n > 3 && !a[3].isnull) arg_num(c, &a[3], &cv);
  double *r = new_doubles(c, s.n);
  long prev = -1;
  for (size_t i = 0; i < s.n; i++) {
    r[i] = NAN;
    if (!s.ok[i]) continue;
    r[i] = s.v[i];
    if (prev >= 0 && (size_t)prev + 1 < i)
      for (size_t j = (size_t)prev + 1; j < i; j++) {
        double t = s.v[prev] + (s.v[i] - s.v[prev]) * (double)(j - (size_t)prev) / (double)(i - (size_t)prev);
        r[j] = s.whole ? trunc(t) : t;
      }
    else if (prev < 0 && edges)
      for (size_t j = 0; j < i; j++) r[j] = s.v[i];
    prev = (long)i;
  }
  if (prev >= 0 && edges)
    for (size_t j = (size_t)prev + 1; j < s.n; j++) r[j] = s.v[prev];
  if (prev < 0)
    for (size_t j = 0; j < s.n; j++) r[j] = cv;
  *out = make_array(c, r, s.n, s.whole && (prev >= 0 || isnan(cv) || cv == trunc(cv)));
}

/* ---- statistics and fits ---- */

typedef struct stats {
  double min, max, sum, avg, stdev, variance; /* over the numbers */
  int64_t min_idx, max_idx, len;             /* positions of min and max; count of numbers */
} stats;

static stats series_stats(const series *s) {
  stats st = {NAN, NAN, 0, NAN, NAN, NAN, -1, -1, 0};
  for (size_t i = 0; i < s->n; i++) {
    if (!s->ok[i] || !isfinite(s->v[i])) continue;
    double x = s->v[i];
    if (st.len == 0 || x < st.min) st.min = x, st.min_idx = (int64_t)i;
    if (st.len == 0 || x > st.max) st.max = x, st.max_idx = (int64_t)i;
    st.sum += x;
    st.len++;
  }
  if (st.len) {
    st.avg = st.sum / (double)st.len;
    double ss = 0;
    for (size_t i = 0; i < s->n; i++)
      if (s->ok[i] && isfinite(s->v[i])) ss += (s->v[i] - st.avg) * (s->v[i] - st.avg);
    st.variance = st.len > 1 ? ss / (double)(st.len - 1) : 0;
    st.stdev = sqrt(st.variance);
  }
  return st;
}

static const fn_output stats_out[] = {
    {"min", KQL_T_REAL}, {"min_idx", KQL_T_LONG}, {"max", KQL_T_REAL}, {"max_idx", KQL_T_LONG},
    {"avg", KQL_T_REAL}, {"stdev", KQL_T_REAL}, {"variance", KQL_T_REAL},
};

static void put_idx(json_buf *b, int64_t i) {
  if (i < 0) json_buf_raw(b, "null", 4);
  else put_num(b, (double)i, true);
}

void f_series_stats(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  series s;
  if (!read_series(c, a[0], &s)) {
    *out = val_null(KQL_T_DYNAMIC);
    return;
  }
  stats st = series_stats(&s);
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "[", 1);
  put_num(&b, st.min, false), json_buf_raw(&b, ",", 1);
  put_idx(&b, st.min_idx), json_buf_raw(&b, ",", 1);
  put_num(&b, st.max, false), json_buf_raw(&b, ",", 1);
  put_idx(&b, st.max_idx), json_buf_raw(&b, ",", 1);
  put_num(&b, st.avg, false), json_buf_raw(&b, ",", 1);
  put_num(&b, st.stdev, false), json_buf_raw(&b, ",", 1);
  put_num(&b, st.variance, false);
  json_buf_raw(&b, "]", 1);
  *out = json_buf_dynamic(&b);
}

static void bag_key(json_buf *b, const char *k, bool first) {
  if (!first) json_buf_raw(b, ",", 1);
  json_buf_str(b, k, strlen(k));
  json_buf_raw(b, ":", 1);
}

void f_series_stats_dynamic(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  series s;
  if (!read_series(c, a[0], &s)) {
    *out = val_null(KQL_T_DYNAMIC);
    return;
  }
  stats st = series_stats(&s);
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, "{", 1);
  bag_key(&b, "min", true), put_num(&b, st.min, false);
  bag_key(&b, "min_idx", false), put_idx(&b, st.min_idx);
  bag_key(&b, "max", false), put_num(&b, st.max, false);
  bag_key(&b, "max_idx", false), put_idx(&b, st.max_idx);
  bag_key(&b, "avg", false), put_num(&b, st.avg, false);
  bag_key(&b, "stdev", false), put_num(&b, st.stdev, false);
  bag_key(&b, "variance", false), put_num(&b, st.variance, false);
  bag_key(&b, "sum", false), put_num(&b, st.sum, false);
  bag_key(&b, "len", false), put_num(&b, (double)st.len, true);
  json_buf_raw(&b, "}", 1);
  *out = json_buf_dynamic(&b);
}

/* A least-squares line over elements [lo, hi) of 's' at x = i + 1 (missing ones skipped). */
typedef struct line {
  double slope, icpt;     /* y = slope * x + icpt */
  double rsquare;         /* 1 - residual / total sum of squares */
  double variance;        /* sample variance of the values */
  double rvariance;       /* sample variance of the residuals: sum of squares / (n - 1) */
  double ssres;           /* residual sum of squares */
  int64_t n;              /* numbers used */
} line;

static line fit_line(const series *s, size_t lo, size_t hi) {
  line l = {0, 0, 0, 0, 0, 0, 0};
  double sx = 0, sy = 0;
  for (size_t i = lo; i < hi; i++)
    if (s->ok[i]) sx += (double)(i + 1), sy += s->v[i], l.n++;
  if (!l.n) {
    l.slope = l.icpt = l.rsquare = l.variance = l.rvariance = NAN;
    return l;
  }
  double mx = sx / (double)l.n, my = sy / (double)l.n, sxx = 0, sxy = 0, syy = 0;
  for (size_t i = lo; i < hi; i++)
    if (s->ok[i]) {
      double dx = (double)(i + 1) - mx, dy = s->v[i] - my;
      sxx += dx * dx, sxy += dx * dy, syy += dy * dy;
    }
  l.slope = sxx > 0 ? sxy / sxx : 0;
  l.icpt = my - l.slope * mx;
  for (size_t i = lo; i < hi; i++)
    if (s->ok[i]) {
      double r = s->v[i] - (l.slope * (double)(i + 1) + l.icpt);
      l.ssres += r * r;
    }
  l.rsquare = syy > 0 ? 1 - l.ssres / syy : 1;
  l.variance = l.n > 1 ? syy / (double)(l.n - 1) : 0;
  l.rvariance = l.n > 1 ? l.ssres / (double)(l.n - 1) : 0;
  return l;
}

static kql_value line_array(fn_ctx *c, const line *l, size_t lo, size_t hi, json_buf *b) {
  for (size_t i = lo; i < hi; i++) {
    if (i > lo) json_buf_raw(b, ",", 1);
    put_num(b, l->slope * (double)(i + 1) + l->icpt, false);
  }
  (void)c;
  return json_buf_dynamic(b);
}

static const fn_output fit_line_out[] = {
    {"rsquare", KQL_T_REAL}, {"slope", KQL_T_REAL}, {"variance", KQL_T_REAL},
    {"rvariance", KQL_T_REAL}, {"interception", KQL_T_REAL}, {"line_fit", KQL_T_DYNAMIC},
};

static void fit_line_value(fn_ctx *c, const kql_value *a, kql_value *out, bool bag) {
  series s;
  if (!read_series(c, a[0], &s)) {
    *out = val_null(KQL_T_DYNAMIC);
    return;
  }
  line l = fit_line(&s, 0, s.n);
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, bag ? "{" : "[", 1);
  const double v[] = {l.rsquare, l.slope, l.variance, l.rvariance, l.icpt};
  for (int k = 0; k < 5; k++) {
    if (bag) bag_key(&b, fit_line_out[k].suffix, k == 0);
    else if (k) json_buf_raw(&b, ",", 1);
    put_num(&b, v[k], false);
  }
  if (bag) bag_key(&b, "line_fit", false);
  else json_buf_raw(&b, ",", 1);
  json_buf_raw(&b, "[", 1);
  line_array(c, &l, 0, s.n, &b);
  json_buf_raw(&b, "]", 1);
  json_buf_raw(&b, bag ? "}" : "]", 1);
  *out = json_buf_dynamic(&b);
}

void f_series_fit_line(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  fit_line_value(c, a, out, false);
}

void f_series_fit_line_dynamic(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  fit_line_value(c, a, out, true);
}

static const fn_output fit_2lines_out[] = {
    {"rsquare", KQL_T_REAL}, {"split_idx", KQL_T_LONG}, {"variance", KQL_T_REAL},
    {"rvariance", KQL_T_REAL}, {"line_fit", KQL_T_DYNAMIC}, {"right_rsquare", KQL_T_REAL},
    {"right_slope", KQL_T_REAL}, {"right_interception", KQL_T_REAL},
    {"right_variance", KQL_T_REAL}, {"right_rvariance", KQL_T_REAL},
    {"left_rsquare", KQL_T_REAL}, {"left_slope", KQL_T_REAL}, {"left_interception", KQL_T_REAL},
    {"left_variance", KQL_T_REAL}, {"left_rvariance", KQL_T_REAL},
};

/* series_fit_2lines: the split (each side at least 2 elements) whose two lines leave the
** smallest residual sum of squares; split_idx is the first element of the right line. */
static void fit_2lines_value(fn_ctx *c, const kql_value *a, kql_value *out, bool bag) {
  series s;
  if (!read_series(c, a[0], &s)) {
    *out = val_null(KQL_T_DYNAMIC);
    return;
  }
  /* running sums make each split's residual O(1): the search is linear, not quadratic */
  double *ps = new_doubles(c, 6 * (s.n + 1));
  memset(ps, 0, sizeof(double) * 6);
  for (size_t i = 0; i < s.n; i++) {
    double *p0 = ps + 6 * i, *p1 = p0 + 6, x = (double)(i + 1), y = s.v[i];
    memcpy(p1, p0, sizeof(double) * 6);
    if (s.ok[i]) p1[0] += 1, p1[1] += x, p1[2] += y, p1[3] += x * x, p1[4] += x * y, p1[5] += y * y;
  }
  size_t best = 0;
  double best_ss = INFINITY;
  for (size_t k = 2; k + 2 <= s.n; k++) {
    double ss = 0;
    for (int side = 0; side < 2; side++) {
      const double *a0 = ps + 6 * (side ? k : 0), *a1 = ps + 6 * (side ? s.n : k);
      double cnt = a1[0] - a0[0], sx = a1[1] - a0[1], sy = a1[2] - a0[2];
      if (cnt < 1) {
        ss = INFINITY;
        break;
      }
      double sxx = a1[3] - a0[3] - sx * sx / cnt, sxy = a1[4] - a0[4] - sx * sy / cnt,
             syy = a1[5] - a0[5] - sy * sy / cnt;
      double r = sxx > 0 ? syy - sxy * sxy / sxx : syy;
      ss += r > 0 ? r : 0;
    }
    if (ss < best_ss) best_ss = ss, best = k;
  }
  if (best) {
    line l0 = fit_line(&s, 0, best), r0 = fit_line(&s, best, s.n);
    best_ss = l0.ssres + r0.ssres; /* exactly, for the figures below */
  }
  line all = fit_line(&s, 0, s.n);
  line l = {0}, r = {0};
  double rsq = NAN, rvar = NAN;
  bool ok = best > 0;
  if (ok) {
    l = fit_line(&s, 0, best);
    r = fit_line(&s, best, s.n);
    double syy = all.variance * (double)(all.n - 1);
    rsq = syy > 0 ? 1 - best_ss / syy : 1;
    rvar = all.n > 1 ? best_ss / (double)(all.n - 1) : 0;
  } else {
    l.slope = l.icpt = l.rsquare = l.variance = l.rvariance = NAN;
    r = l;
  }
  json_buf b = {c->tmp, NULL, 0, 0};
  json_buf_raw(&b, bag ? "{" : "[", 1);
  const double v[] = {rsq, ok ? (double)best : NAN, all.variance, rvar, 0,
                      r.rsquare, r.slope, r.icpt, r.variance, r.rvariance,
                      l.rsquare, l.slope, l.icpt, l.variance, l.rvariance};
  for (int k = 0; k < 15; k++) {
    if (bag) bag_key(&b, fit_2lines_out[k].suffix, k == 0);
    else if (k) json_buf_raw(&b, ",", 1);
    if (k == 4) {
      json_buf_raw(&b, "[", 1);
      if (ok) {
        line_array(c, &l, 0, best, &b);
        json_buf_raw(&b, ",", 1);
        line_array(c, &r, best, s.n, &b);
      }
      json_buf_raw(&b, "]", 1);
    } else {
      put_num(&b, v[k], k == 1);
    }
  }
  json_buf_raw(&b, bag ? "}" : "]", 1);
  *out = json_buf_dynamic(&b);
}

void f_series_fit_2lines(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  fit_2lines_value(c, a, out, false);
}

void f_series_fit_2lines_dynamic(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  fit_2lines_value(c, a, out, true);
}

/* ---- outliers ---- */

static int cmp_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

/* Percentile 'p' (0..100) of the 'n' sorted values, interpolated between neighbours. */
static double percentile(const double *v, size_t n, double p) {
  if (!n) return NAN;
  double pos = p / 100 * (double)(n - 1);
  size_t i = (size_t)floor(pos);
  if (i + 1 >= n) return v[n - 1];
  return v[i] + (v[i + 1] - v[i]) * (pos - (double)i);
}

/* Tukey's fence scores of 's' into 'score' with quartiles at percentiles 'lo' and 'hi':
** (x - Q3) / IQR above Q3, (x - Q1) / IQR below Q1, else 0.  An IQR of 0 counts as 1. */
static void outlier_scores(fn_ctx *c, const series *s, size_t nlearn, double lo, double hi,
                           double *score) {
  double *sorted = new_doubles(c, s->n);
  size_t k = 0;
  for (size_t i = 0; i < nlearn && i < s->n; i++)
    if (s->ok[i] && isfinite(s->v[i])) sorted[k++] = s->v[i];
  qsort(sorted, k, sizeof *sorted, cmp_double);
  double q1 = percentile(sorted, k, lo), q3 = percentile(sorted, k, hi), iqr = q3 - q1;
  if (!(iqr > 0)) iqr = 1;
  for (size_t i = 0; i < s->n; i++) {
    double x = s->v[i];
    score[i] = !s->ok[i] || !k ? NAN : x > q3 ? (x - q3) / iqr : x < q1 ? (x - q1) / iqr : 0;
  }
}

/* The percentiles of an outlier method name: 'tukey' 25/75, 'ctukey' 10/90 (or given). */
static bool method_range(fn_ctx *c, const kql_value *m, double *lo, double *hi) {
  if (m->isnull || (m->type == KQL_T_STRING && m->u.s.n == 0) || fn_kind_is(c, m, "ctukey")) {
    *lo = 10, *hi = 90;
    return true;
  }
  if (fn_kind_is(c, m, "tukey")) {
    *lo = 25, *hi = 75;
    return true;
  }
  return false;
}

/* series_outliers(x [, kind, ignore_val, min_percentile, max_percentile]) */
void f_series_outliers(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  series s;
  double lo, hi;
  kql_value kind = n > 1 ? a[1] : val_null(KQL_T_STRING);
  if (!read_series(c, a[0], &s) || !method_range(c, &kind, &lo, &hi)) {
    *out = val_null(KQL_T_DYNAMIC);
    return;
  }
  missing_marks(c, a, n, 2, &s);
  if (n > 3 && !a[3].isnull) arg_num(c, &a[3], &lo);
  if (n > 4 && !a[4].isnull) arg_num(c, &a[4], &hi);
  double *score = new_doubles(c, s.n);
  outlier_scores(c, &s, s.n, lo, hi, score);
  *out = make_array(c, score, s.n, false);
}

/* ---- decomposition ---- */

/* The period of the first 'n' elements of 's' (after removing their line), by
** autocorrelation: the shortest lag from 4 to n/3 (three periods at least) whose
** autocorrelation is a local peak of at least 'threshold' (Kusto's series_periods_detect is
** not documented exactly; this reproduces the reference's series_seasonal examples); 0 when
** none. */
static size_t detect_period(fn_ctx *c, const series *s, size_t n, double threshold) {
  if (n < 12) return 0;
  line l = fit_line(s, 0, n);
  double *d = new_doubles(c, n), mean = 0;
  for (size_t i = 0; i < n; i++) {
    d[i] = s->ok[i] ? s->v[i] - (l.slope * (double)(i + 1) + l.icpt) : 0;
    mean += d[i];
  }
  mean /= (double)n;
  double var = 0;
  for (size_t i = 0; i < n; i++) d[i] -= mean, var += d[i] * d[i];
  if (!(var > 0)) return 0;
  size_t maxlag = n / 3;
  double *ac = new_doubles(c, maxlag + 2);
  for (size_t p = 1; p <= maxlag + 1; p++) {
    double sum = 0;
    for (size_t i = 0; i + p < n; i++) sum += d[i] * d[i + p];
    ac[p] = (sum / (double)(n - p)) / (var / (double)n);
  }
  for (size_t p = 4; p <= maxlag; p++)
    if (ac[p] >= threshold && ac[p] >= ac[p - 1] && ac[p] >= ac[p + 1]) return p;
  return 0;
}

static double median(fn_ctx *c, const double *v, size_t n) {
  double *t = new_doubles(c, n);
  memcpy(t, v, sizeof(double) * n);
  qsort(t, n, sizeof *t, cmp_double);
  return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

typedef struct decomposition {
  double *baseline, *seasonal, *trend, *residual; /* the four series */
} decomposition;

/* Decompose 's': seasonal = the median of the learning points of the same phase (period
** 'period', -1 to detect, 0 none); trend over the rest ('avg', 'linefit' or 'none');
** baseline = seasonal + trend; residual = x - baseline.  The last 'test' points are left
** out of the learning.  Returns false for a bad trend name. */
static bool decompose(fn_ctx *c, const series *s, int64_t period, const kql_value *trend,
                      int64_t test, double threshold, decomposition *dc) {
  size_t n = s->n;
  size_t nl = test > 0 && (size_t)test < n ? n - (size_t)test : n;
  int tk = trend->isnull || (trend->type == KQL_T_STRING && !trend->u.s.n) || fn_kind_is(c, trend, "avg") ? 0
           : fn_kind_is(c, trend, "linefit") ? 1 : fn_kind_is(c, trend, "none") ? 2 : -1;
  if (tk < 0) return false;
  dc->baseline = new_doubles(c, n);
  dc->seasonal = new_doubles(c, n);
  dc->trend = new_doubles(c, n);
  dc->residual = new_doubles(c, n);
  size_t p = period < 0 ? detect_period(c, s, nl, threshold) : (size_t)period;
  if (p > nl) p = 0;
  double *phase = new_doubles(c, nl / (p ? p : 1) + 1);
  for (size_t i = 0; i < n; i++) dc->seasonal[i] = 0;
  for (size_t ph = 0; p && ph < p; ph++) {
    size_t k = 0;
    for (size_t i = ph; i < nl; i += p)
      if (s->ok[i]) phase[k++] = s->v[i];
    double m = k ? median(c, phase, k) : 0;
    for (size_t i = ph; i < n; i += p) dc->seasonal[i] = m;
  }
  series d = *s;
  d.v = new_doubles(c, n);
  for (size_t i = 0; i < n; i++) d.v[i] = s->v[i] - dc->seasonal[i];
  line l = {0};
  double avg = 0;
  if (tk == 1) l = fit_line(&d, 0, nl);
  if (tk == 0) {
    size_t k = 0;
    for (size_t i = 0; i < nl; i++)
      if (d.ok[i]) avg += d.v[i], k++;
    avg = k ? avg / (double)k : 0;
  }
  for (size_t i = 0; i < n; i++) {
    dc->trend[i] = tk == 0 ? avg : tk == 1 ? (l.n ? l.slope * (double)(i + 1) + l.icpt : 0) : 0;
    dc->baseline[i] = dc->seasonal[i] + dc->trend[i];
    dc->residual[i] = s->ok[i] ? s->v[i] - dc->baseline[i] : NAN;
  }
  return true;
}

static int64_t arg_long(fn_ctx *c, const kql_value *a, int n, int k, int64_t def) {
  int64_t v;
  return n > k && !a[k].isnull && fn_long(c, &a[k], &v) ? v : def;
}

static double arg_real(fn_ctx *c, const kql_value *a, int n, int k, double def) {
  double v;
  return n > k && !a[k].isnull && arg_num(c, &a[k], &v) ? v : def;
}

static const fn_output decompose_out[] = {
    {"baseline", KQL_T_DYNAMIC}, {"seasonal", KQL_T_DYNAMIC}, {"trend", KQL_T_DYNAMIC},
    {"residual", KQL_T_DYNAMIC},
};

/* series_decompose(x [, seasonality = -1, trend = 'avg', test_points = 0, threshold = 0.6]) */
void f_series_decompose(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  series s;
  decomposition dc;
  kql_value trend = n > 2 ? a[2] : val_null(KQL_T_STRING);
  if (!read_series(c, a[0], &s) ||
      !decompose(c, &s, arg_long(c, a, n, 1, -1), &trend, arg_long(c, a, n, 3, 0),
                 arg_real(c, a, n, 4, 0.6), &dc)) {
    *out = val_null(KQL_T_DYNAMIC);
    return;
  }
  kql_value parts[4] = {make_array(c, dc.baseline, s.n, false), make_array(c, dc.seasonal, s.n, false),
                        make_array(c, dc.trend, s.n, false), make_array(c, dc.residual, s.n, false)};
  *out = json_make_array(c->tmp, parts, 4);
}

/* series_seasonal(x [, period = -1]) */
void f_series_seasonal(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  series s;
  decomposition dc;
  kql_value none = val_str("none", 4);
  if (!read_series(c, a[0], &s) || !decompose(c, &s, arg_long(c, a, n, 1, -1), &none, 0, 0.7, &dc)) {
    *out = val_null(KQL_T_DYNAMIC);
    return;
  }
  *out = make_array(c, dc.seasonal, s.n, false);
}

static const fn_output anomalies_out[] = {
    {"ad_flag", KQL_T_DYNAMIC}, {"ad_score", KQL_T_DYNAMIC}, {"baseline", KQL_T_DYNAMIC},
};

/* series_decompose_anomalies(x [, threshold = 1.5, seasonality = -1, trend = 'linefit',
** test_points = 0, method = 'ctukey', seasonality_threshold = 0.6]): decompose, score the
** residual with Tukey's fence (ctukey: 10th-90th percentiles; tukey: quartiles); a score
** above the threshold flags 1, below minus it -1. */
void f_series_decompose_anomalies(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  series s;
  decomposition dc;
  double lo, hi;
  kql_value trend = n > 3 && !a[3].isnull ? a[3] : val_str("linefit", 7);
  kql_value method = n > 5 ? a[5] : val_null(KQL_T_STRING);
  int64_t test = arg_long(c, a, n, 4, 0);
  if (!read_series(c, a[0], &s) || !method_range(c, &method, &lo, &hi) ||
      !decompose(c, &s, arg_long(c, a, n, 2, -1), &trend, test, arg_real(c, a, n, 6, 0.6), &dc)) {
    *out = val_null(KQL_T_DYNAMIC);
    return;
  }
  double threshold = arg_real(c, a, n, 1, 1.5);
  series res = s;
  res.v = dc.residual;
  double *score = new_doubles(c, s.n), *flag = new_doubles(c, s.n);
  size_t nl = test > 0 && (size_t)test < s.n ? s.n - (size_t)test : s.n;
  outlier_scores(c, &res, nl, lo, hi, score);
  for (size_t i = 0; i < s.n; i++)
    flag[i] = isnan(score[i]) ? 0 : score[i] > threshold ? 1 : score[i] < -threshold ? -1 : 0;
  kql_value parts[3] = {make_array(c, flag, s.n, true), make_array(c, score, s.n, false),
                        make_array(c, dc.baseline, s.n, false)};
  *out = json_make_array(c->tmp, parts, 3);
}

/* ---- the registry's view ---- */

kql_type ty_series(ast **a, int n, const char **err) {
  if (n > 0 && a[0]->type != KQL_T_DYNAMIC && a[0]->type != KQL_T_NULL) {
    *err = "a series function expects a dynamic array";
    return KQL_T_COUNT_;
  }
  return KQL_T_DYNAMIC;
}

kql_type ty_series2(ast **a, int n, const char **err) {
  (void)a, (void)n, (void)err;
  return KQL_T_DYNAMIC;
}

const fn_output *fn_outputs(const char *name, int *n) {
  static const struct {
    const char *name;
    const fn_output *out;
    int n;
  } multi[] = {
      {"series_decompose", decompose_out, (int)KQL_ARRAY_LEN(decompose_out)},
      {"series_decompose_anomalies", anomalies_out, (int)KQL_ARRAY_LEN(anomalies_out)},
      {"series_fit_2lines", fit_2lines_out, (int)KQL_ARRAY_LEN(fit_2lines_out)},
      {"series_fit_line", fit_line_out, (int)KQL_ARRAY_LEN(fit_line_out)},
      {"series_stats", stats_out, (int)KQL_ARRAY_LEN(stats_out)},
  };
  for (size_t i = 0; i < KQL_ARRAY_LEN(multi); i++)
    if (strcmp(multi[i].name, name) == 0) {
      *n = multi[i].n;
      return multi[i].out;
    }
  *n = 0;
  return NULL;
}
