/*
** scalar.c: the scalar functions of the foundation: time (now, ago, bin), strings
** (tostring, tolower, toupper, strlen, strcat), emptiness and nulls, iff, not and the
** to*() conversions.  Each follows Kusto's null rules, noted where they matter.
*/
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../json.h"
#include "../lit.h"
#include "../strops.h"
#include "impl.h"

/* ---- type rules ---- */

kql_type ty_bool(ast **a, int n, const char **e) { (void)a, (void)n, (void)e; return KQL_T_BOOL; }
kql_type ty_long(ast **a, int n, const char **e) { (void)a, (void)n, (void)e; return KQL_T_LONG; }
kql_type ty_int(ast **a, int n, const char **e) { (void)a, (void)n, (void)e; return KQL_T_INT; }
kql_type ty_real(ast **a, int n, const char **e) { (void)a, (void)n, (void)e; return KQL_T_REAL; }
kql_type ty_string(ast **a, int n, const char **e) { (void)a, (void)n, (void)e; return KQL_T_STRING; }
kql_type ty_datetime(ast **a, int n, const char **e) { (void)a, (void)n, (void)e; return KQL_T_DATETIME; }
kql_type ty_timespan(ast **a, int n, const char **e) { (void)a, (void)n, (void)e; return KQL_T_TIMESPAN; }
kql_type ty_dynamic(ast **a, int n, const char **e) { (void)a, (void)n, (void)e; return KQL_T_DYNAMIC; }

kql_type ty_arg0(ast **a, int n, const char **e) {
  (void)e;
  return n ? a[0]->type : KQL_T_NULL;
}

static bool is_ts(kql_type t) { return t == KQL_T_TIMESPAN || t == KQL_T_NULL || t == KQL_T_DYNAMIC; }

kql_type ty_now(ast **a, int n, const char **e) {
  if (n == 1 && !is_ts(a[0]->type)) {
    *e = "now() expects a timespan offset, such as now(-5d)";
    return KQL_T_COUNT_;
  }
  return KQL_T_DATETIME;
}

kql_type ty_ago(ast **a, int n, const char **e) {
  (void)n;
  if (!is_ts(a[0]->type)) {
    *e = "ago() expects a timespan, such as ago(1h)";
    return KQL_T_COUNT_;
  }
  return KQL_T_DATETIME;
}

kql_type ty_iff(ast **a, int n, const char **e) {
  (void)n;
  kql_type t = a[1]->type, u = a[2]->type;
  if (t == KQL_T_NULL) return u;
  if (t == KQL_T_DYNAMIC && u != KQL_T_NULL) return u; /* as case(): the scalar branch's type */
  if (u == KQL_T_DYNAMIC) return t;
  if (u != KQL_T_NULL && u != t && !(val_is_numeric(t) && val_is_numeric(u)) &&
      t != KQL_T_DYNAMIC && u != KQL_T_DYNAMIC) {
    *e = "iff() expects its two branches to have the same type";
    return KQL_T_COUNT_;
  }
  if (val_is_numeric(t) && val_is_numeric(u) && t != u)
    return (t == KQL_T_REAL || u == KQL_T_REAL || t == KQL_T_DECIMAL || u == KQL_T_DECIMAL)
               ? KQL_T_REAL : KQL_T_LONG;
  return t;
}

kql_type ty_bin(ast **a, int n, const char **e) {
  (void)n;
  kql_type t = a[0]->type;
  if (t == KQL_T_STRING || t == KQL_T_BOOL || t == KQL_T_GUID) {
    *e = "bin() expects a number, datetime or timespan";
    return KQL_T_COUNT_;
  }
  if ((t == KQL_T_INT || t == KQL_T_LONG) && n > 1 && (a[1]->type == KQL_T_REAL || a[1]->type == KQL_T_DECIMAL))
    return KQL_T_REAL; /* bin(7, 2.5) is 5.0 */
  if (t == KQL_T_INT) return KQL_T_LONG;
  return t;
}

/* ---- time ---- */

void f_now(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  int64_t off = (n == 1 && !a[0].isnull && a[0].type == KQL_T_TIMESPAN) ? a[0].u.i : 0;
  *out = val_datetime(c->now + off);
}

void f_ago(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  if (a[0].isnull || a[0].type != KQL_T_TIMESPAN) *out = val_null(KQL_T_DATETIME);
  else *out = val_datetime(c->now - a[0].u.i);
}

static int64_t floor_div(int64_t x, int64_t y) {
  int64_t q = x / y;
  if ((x % y != 0) && ((x < 0) != (y < 0))) q--;
  return q;
}

void f_bin(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)c, (void)n;
  kql_value v = a[0], s = a[1];
  kql_type rt = v.type == KQL_T_INT ? KQL_T_LONG : v.type;
  /* a dynamic (the binder lets it through) or string is null, never its pointer as a number */
  bool v_ok = val_is_numeric(v.type) || v.type == KQL_T_DATETIME || v.type == KQL_T_TIMESPAN;
  bool s_ok = val_is_numeric(s.type) || s.type == KQL_T_TIMESPAN;
  if (v.isnull || s.isnull || !v_ok || !s_ok) {
    *out = val_null(rt);
    return;
  }
  if (v.type == KQL_T_DATETIME || v.type == KQL_T_TIMESPAN) {
    int64_t size = s.type == KQL_T_TIMESPAN ? s.u.i
                   : (s.type == KQL_T_REAL ? (int64_t)s.u.r : s.u.i);
    if (size <= 0) {
      *out = val_null(rt);
      return;
    }
    *out = v;
    out->u.i = floor_div(v.u.i, size) * size;
    return;
  }
  if (v.type == KQL_T_REAL || s.type == KQL_T_REAL || v.type == KQL_T_DECIMAL) {
    double x = v.type == KQL_T_REAL || v.type == KQL_T_DECIMAL ? v.u.r : (double)v.u.i;
    double y = s.type == KQL_T_REAL || s.type == KQL_T_DECIMAL ? s.u.r : (double)s.u.i;
    if (y <= 0) {
      *out = val_null(rt);
      return;
    }
    *out = val_real(floor(x / y) * y);
    return;
  }
  if (s.u.i <= 0) {
    *out = val_null(rt);
    return;
  }
  *out = val_long(floor_div(v.u.i, s.u.i) * s.u.i);
}

/* ---- strings ---- */

void f_tostring(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  *out = val_tostring(c->tmp, a[0]);
}

static void map_case(fn_ctx *c, const kql_value *a, kql_value *out, bool upper) {
  kql_value s = val_tostring(c->tmp, a[0]);
  char *p = arena_alloc(c->tmp, s.u.s.n + 1);
  size_t k = 0;
  for (size_t i = 0; i < s.u.s.n;) {
    uint32_t cp;
    size_t len = strop_utf8_decode(s.u.s.p + i, s.u.s.n - i, &cp);
    if (len == 1 && cp >= 0x80) { /* not UTF-8: keep the byte */
      p[k++] = s.u.s.p[i++];
      continue;
    }
    k += strop_utf8_encode(upper ? strop_upper_cp(cp) : strop_lower_cp(cp), p + k);
    i += len;
  }
  *out = val_str(p, k);
}

void f_tolower(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  map_case(c, a, out, false);
}

void f_toupper(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  map_case(c, a, out, true);
}

/* strlen counts Unicode code points, as Kusto does. */
void f_strlen(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value s = val_tostring(c->tmp, a[0]);
  int64_t k = 0;
  for (size_t i = 0; i < s.u.s.n; i++)
    if (((unsigned char)s.u.s.p[i] & 0xC0) != 0x80) k++;
  *out = val_long(k);
}

void f_strcat(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  size_t total = 0;
  kql_value parts[64];
  for (int i = 0; i < n; i++) {
    parts[i] = val_tostring(c->tmp, a[i]);
    total += parts[i].u.s.n;
  }
  char *p = arena_alloc(c->tmp, total + 1);
  size_t k = 0;
  for (int i = 0; i < n; i++) {
    if (parts[i].u.s.n) memcpy(p + k, parts[i].u.s.p, parts[i].u.s.n);
    k += parts[i].u.s.n;
  }
  *out = val_str(p, total);
}

/* ---- emptiness, nulls, conditionals ---- */

static bool empty(const kql_value *v) {
  if (v->isnull) return true;
  if (v->type == KQL_T_STRING) return v->u.s.n == 0;
  if (v->type == KQL_T_DYNAMIC)
    return v->u.s.n == 0 || (v->u.s.n == 2 && memcmp(v->u.s.p, "\"\"", 2) == 0) ||
           (v->u.s.n == 4 && memcmp(v->u.s.p, "null", 4) == 0);
  return false;
}

void f_isempty(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)c, (void)n;
  *out = val_bool(empty(&a[0]));
}

void f_isnotempty(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)c, (void)n;
  *out = val_bool(!empty(&a[0]));
}

static bool isnull_value(const kql_value *v) {
  if (v->type == KQL_T_STRING) return false; /* a string is never null */
  if (v->type == KQL_T_DYNAMIC && !v->isnull) return v->u.s.n == 4 && memcmp(v->u.s.p, "null", 4) == 0;
  return v->isnull;
}

void f_isnull(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)c, (void)n;
  *out = val_bool(isnull_value(&a[0]));
}

void f_isnotnull(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)c, (void)n;
  *out = val_bool(!isnull_value(&a[0]));
}

void f_iff(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)c, (void)n;
  bool t = !a[0].isnull && a[0].type == KQL_T_BOOL && a[0].u.b;
  *out = t ? a[1] : a[2];
}

void f_not(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)c, (void)n;
  if (a[0].isnull || a[0].type != KQL_T_BOOL) *out = val_null(KQL_T_BOOL);
  else *out = val_bool(!a[0].u.b);
}

/* ---- conversions ---- */

static bool text_of(fn_ctx *c, const kql_value *v, char *buf, size_t cap) {
  kql_value s = val_tostring(c->tmp, *v);
  if (s.u.s.n >= cap) return false;
  memcpy(buf, s.u.s.p, s.u.s.n);
  buf[s.u.s.n] = 0;
  return true;
}

void f_tolong(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value v = a[0];
  *out = val_null(KQL_T_LONG);
  if (v.isnull) return;
  switch (v.type) {
  case KQL_T_BOOL: *out = val_long(v.u.b); return;
  case KQL_T_INT:
  case KQL_T_LONG:
  case KQL_T_DATETIME:
  case KQL_T_TIMESPAN: *out = val_long(v.u.i); return;
  case KQL_T_REAL:
  case KQL_T_DECIMAL:
    if (isfinite(v.u.r) && fabs(v.u.r) < 9.2e18) *out = val_long((int64_t)v.u.r);
    return;
  default: {
    char buf[64], *end;
    if (!text_of(c, &v, buf, sizeof buf) || !buf[0]) return;
    long long ll = strtoll(buf, &end, 10);
    if (!*end) {
      *out = val_long(ll);
      return;
    }
    double d = strtod(buf, &end);
    if (!*end && isfinite(d)) *out = val_long((int64_t)d);
    return;
  }
  }
}

void f_toint(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  f_tolong(c, a, n, out);
  if (!out->isnull && (out->u.i > INT32_MAX || out->u.i < INT32_MIN)) *out = val_null(KQL_T_INT);
  out->type = KQL_T_INT;
}

void f_toreal(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value v = a[0];
  *out = val_null(KQL_T_REAL);
  if (v.isnull) return;
  switch (v.type) {
  case KQL_T_BOOL: *out = val_real(v.u.b); return;
  case KQL_T_INT:
  case KQL_T_LONG:
  case KQL_T_DATETIME:
  case KQL_T_TIMESPAN: *out = val_real((double)v.u.i); return;
  case KQL_T_REAL:
  case KQL_T_DECIMAL: *out = val_real(v.u.r); return;
  default: {
    char buf[64], *end;
    if (!text_of(c, &v, buf, sizeof buf) || !buf[0]) return;
    if (strcasecmp(buf, "nan") == 0) *out = val_real(NAN);
    else if (strcasecmp(buf, "inf") == 0 || strcasecmp(buf, "infinity") == 0) *out = val_real(INFINITY);
    else if (strcasecmp(buf, "-inf") == 0 || strcasecmp(buf, "-infinity") == 0) *out = val_real(-INFINITY);
    else {
      double d = strtod(buf, &end);
      if (!*end) *out = val_real(d);
    }
    return;
  }
  }
}

void f_todatetime(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value v = a[0];
  *out = val_null(KQL_T_DATETIME);
  if (v.isnull) return;
  if (v.type == KQL_T_DATETIME) {
    *out = v;
    return;
  }
  if (v.type == KQL_T_STRING || v.type == KQL_T_DYNAMIC) {
    kql_value s = val_tostring(c->tmp, v);
    int64_t t;
    if (lit_parse_datetime(s.u.s.p, s.u.s.n, &t) == 0) *out = val_datetime(t);
  }
}

void f_totimespan(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value v = a[0];
  *out = val_null(KQL_T_TIMESPAN);
  if (v.isnull) return;
  if (v.type == KQL_T_TIMESPAN) {
    *out = v;
    return;
  }
  if (v.type == KQL_T_LONG || v.type == KQL_T_INT) {
    *out = val_timespan(v.u.i);
    return;
  }
  if (v.type == KQL_T_STRING || v.type == KQL_T_DYNAMIC) {
    kql_value s = val_tostring(c->tmp, v);
    int64_t t;
    if (lit_parse_timespan(s.u.s.p, s.u.s.n, &t) == 0) *out = val_timespan(t);
  }
}

void f_tobool(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value v = a[0];
  *out = val_null(KQL_T_BOOL);
  if (v.isnull) return;
  if (v.type == KQL_T_BOOL) *out = v;
  else if (v.type == KQL_T_LONG || v.type == KQL_T_INT) *out = val_bool(v.u.i != 0);
  else if (v.type == KQL_T_REAL) *out = val_bool(v.u.r != 0);
  else {
    kql_value s = val_tostring(c->tmp, v);
    if (s.u.s.n == 4 && strncasecmp(s.u.s.p, "true", 4) == 0) *out = val_bool(true);
    else if (s.u.s.n == 5 && strncasecmp(s.u.s.p, "false", 5) == 0) *out = val_bool(false);
  }
}

void f_todynamic(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  (void)n;
  kql_value v = a[0];
  if (v.type == KQL_T_DYNAMIC) {
    *out = v;
    return;
  }
  if (v.type == KQL_T_STRING) {
    if (v.u.s.n == 0) *out = val_null(KQL_T_DYNAMIC); /* parse_json('') is null */
    else if (!json_parse_dynamic(c->tmp, v.u.s.p, v.u.s.n, out)) *out = json_value_to_dynamic(c->tmp, v);
    return;
  }
  *out = json_value_to_dynamic(c->tmp, v);
}

kql_type ty_b64_fromarray(ast **a, int n, const char **e) {
  return fn_sig(a, n, "d", KQL_T_STRING, "base64_encode_fromarray() expects a dynamic array of bytes", e);
}

kql_type ty_guid0(ast **a, int n, const char **e) {
  (void)a, (void)n, (void)e;
  return KQL_T_GUID;
}

/* row_cumsum(term[, restart]): long for whole numbers and bools, real otherwise. */
kql_type ty_row_cumsum(ast **a, int n, const char **e) {
  kql_type t = a[0]->type;
  if (n > 1 && a[1]->type != KQL_T_BOOL && a[1]->type != KQL_T_NULL && a[1]->type != KQL_T_DYNAMIC) {
    *e = "row_cumsum() expects a bool as its restart argument";
    return KQL_T_COUNT_;
  }
  if (t == KQL_T_REAL || t == KQL_T_DECIMAL) return KQL_T_REAL;
  if (val_is_numeric(t) || t == KQL_T_BOOL || t == KQL_T_NULL || t == KQL_T_DYNAMIC) return KQL_T_LONG;
  *e = "row_cumsum() expects a number";
  return KQL_T_COUNT_;
}

/* row_rank_dense(term[, restart]), row_rank_min(term[, restart]): any scalar term (Kusto's
** binder refuses a dynamic one) and a bool; a long. */
kql_type ty_row_rank(ast **a, int n, const char **e) {
  if (a[0]->type == KQL_T_DYNAMIC) {
    *e = "row_rank_dense() and row_rank_min() expect a scalar term, not a dynamic value";
    return KQL_T_COUNT_;
  }
  if (n > 1 && a[1]->type != KQL_T_BOOL && a[1]->type != KQL_T_NULL && a[1]->type != KQL_T_DYNAMIC) {
    *e = "row_rank_dense() and row_rank_min() expect a bool as their restart argument";
    return KQL_T_COUNT_;
  }
  return KQL_T_LONG;
}

/* row_window_session(expr, maxDistanceFromFirst, maxDistanceBetweenNeighbors[, restart]):
** a datetime (or timespan) and two timespans; the result has the type of 'expr'. */
kql_type ty_row_window_session(ast **a, int n, const char **e) {
  kql_type t = a[0]->type;
  bool ok = t == KQL_T_DATETIME || t == KQL_T_TIMESPAN;
  for (int i = 1; i < 3 && ok; i++) ok = a[i]->type == KQL_T_TIMESPAN || a[i]->type == KQL_T_NULL;
  if (ok && n > 3) ok = a[3]->type == KQL_T_BOOL || a[3]->type == KQL_T_DYNAMIC;
  if (!ok) {
    *e = "row_window_session() expects a datetime, two timespans and an optional bool";
    return KQL_T_COUNT_;
  }
  return t;
}

/* range(start, stop[, step]): a dynamic array of numbers, datetimes or timespans, at most
** 1,048,576 elements (Kusto's limit); step defaults to 1 (or 1h for datetimes and timespans,
** as the reference's range(1h, 5h) example shows). */
kql_type ty_range_array(ast **a, int n, const char **e) {
  (void)n;
  kql_type t = a[0]->type;
  if (!val_is_numeric(t) && t != KQL_T_DATETIME && t != KQL_T_TIMESPAN && t != KQL_T_NULL) {
    *e = "range() expects numbers, datetimes or timespans";
    return KQL_T_COUNT_;
  }
  return KQL_T_DYNAMIC;
}

void f_range_array(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  *out = val_null(KQL_T_DYNAMIC);
  if (a[0].isnull || a[1].isnull || (n > 2 && a[2].isnull)) return;
  kql_value start = a[0], stop = a[1];
  bool real = start.type == KQL_T_REAL || stop.type == KQL_T_REAL || (n > 2 && a[2].type == KQL_T_REAL);
  bool time = start.type == KQL_T_DATETIME || start.type == KQL_T_TIMESPAN;
  kql_value *items = NULL;
  size_t k = 0, cap = 0;
  if (real && !time) {
    double x = start.type == KQL_T_REAL ? start.u.r : (double)start.u.i;
    double y = stop.type == KQL_T_REAL ? stop.u.r : (double)stop.u.i;
    double s = n > 2 ? (a[2].type == KQL_T_REAL ? a[2].u.r : (double)a[2].u.i) : 1;
    if (s == 0) return;
    for (double v = x; (s > 0 ? v <= y : v >= y) && k < 1048576; v += s) {
      if (k == cap) {
        cap = cap ? cap * 2 : 16;
        kql_value *m = arena_alloc(c->tmp, sizeof *m * cap);
        if (k) memcpy(m, items, sizeof *m * k);
        items = m;
      }
      items[k++] = val_real(v);
    }
  } else {
    int64_t x = start.u.i, y = stop.u.i;
    int64_t s = n > 2 ? a[2].u.i : (time ? INT64_C(36000000000) : 1); /* 1h for datetimes and timespans */
    if (s == 0) return;
    for (int64_t v = x; (s > 0 ? v <= y : v >= y) && k < 1048576; v += s) {
      if (k == cap) {
        cap = cap ? cap * 2 : 16;
        kql_value *m = arena_alloc(c->tmp, sizeof *m * cap);
        if (k) memcpy(m, items, sizeof *m * k);
        items = m;
      }
      kql_value e = start;
      e.u.i = v;
      if (!time) e.type = KQL_T_LONG;
      items[k++] = e;
      if ((s > 0 && v > INT64_MAX - s) || (s < 0 && v < INT64_MIN - s)) break;
    }
  }
  *out = json_make_array(c->tmp, items, k);
}

/* extract_json(path, text[, typeof(T)]) and the legacy extractjson(): the value at a
** JSONPath ($, .name, ['name'], [index]) of the JSON text, as a string unless a type is
** given; null when the path does not lead anywhere. */
kql_type ty_extract_json(ast **a, int n, const char **e) {
  if (n < 3) return KQL_T_STRING;
  const ast *t = a[2];
  int k = t->kind == AST_LIT && t->lit.type == KQL_T_STRING ? val_type_from_name(t->lit.u.s.p, t->lit.u.s.n) : -1;
  if (k < 0) {
    *e = "extract_json() expects its third argument to be a type, such as typeof(long)";
    return KQL_T_COUNT_;
  }
  return (kql_type)k;
}

void f_extract_json(fn_ctx *c, const kql_value *a, int n, kql_value *out) {
  kql_type t = KQL_T_STRING;
  if (n > 2 && !a[2].isnull && val_is_str(a[2].type)) {
    int k = val_type_from_name(a[2].u.s.p, a[2].u.s.n);
    if (k >= 0) t = (kql_type)k;
  }
  *out = val_null(t);
  kql_value path = val_tostring(c->tmp, a[0]);
  kql_value d = a[1];
  if (d.isnull) return;
  if (d.type != KQL_T_DYNAMIC) {
    kql_value s = val_tostring(c->tmp, d);
    if (!json_parse_dynamic(c->tmp, s.u.s.p, s.u.s.n, &d)) return;
  }
  const char *p = path.u.s.p, *e = p + path.u.s.n;
  if (p < e && *p == '$') p++;
  while (p < e && !d.isnull) {
    if (*p == '.') {
      const char *q = ++p;
      while (p < e && *p != '.' && *p != '[') p++;
      d = json_dyn_member(c->tmp, d, q, (size_t)(p - q));
    } else if (*p == '[') {
      p++;
      if (p < e && (*p == '\'' || *p == '"')) {
        char quote = *p++;
        const char *q = p;
        while (p < e && *p != quote) p++;
        d = json_dyn_member(c->tmp, d, q, (size_t)(p - q));
        if (p < e) p++;
      } else {
        int64_t idx = strtoll(p, NULL, 10);
        d = json_dyn_index(c->tmp, d, idx);
      }
      while (p < e && *p != ']') p++;
      if (p < e) p++;
    } else {
      return; /* not a path kql reads */
    }
  }
  if (d.isnull) return;
  if (t == KQL_T_STRING) *out = json_dyn_tostring(c->tmp, d);
  else *out = json_dyn_cast(c->tmp, d, t);
}
