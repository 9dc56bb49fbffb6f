/*
** expr.c: evaluates bound scalar expressions for one row of a batch, with Kusto's null
** rules (arithmetic on null is null, comparisons with null are null, and/or are three-valued),
** its datetime/timespan arithmetic and its string operators.
*/
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exec.h"
#include "json.h"
#include "lit.h"
#include "regex.h"
#include "strops.h"

bool expr_true(const kql_value *v) {
  if (v->isnull) return false;
  if (v->type == KQL_T_BOOL) return v->u.b;
  if (v->type == KQL_T_DYNAMIC) return v->u.s.n == 4 && memcmp(v->u.s.p, "true", 4) == 0;
  return false;
}

/* Three-valued truth of 'v': 1 true, 0 false, -1 null. */
static int truth(const kql_value *v) {
  if (v->isnull) return -1;
  if (v->type == KQL_T_BOOL) return v->u.b;
  if (v->type == KQL_T_DYNAMIC) {
    if (v->u.s.n == 4 && memcmp(v->u.s.p, "true", 4) == 0) return 1;
    if (v->u.s.n == 5 && memcmp(v->u.s.p, "false", 5) == 0) return 0;
  }
  return -1;
}

static bool is_int(kql_type t) { return t == KQL_T_INT || t == KQL_T_LONG; }
static bool is_int_like(kql_type t) {
  return t == KQL_T_INT || t == KQL_T_LONG || t == KQL_T_DATETIME || t == KQL_T_TIMESPAN;
}
static bool is_realt(kql_type t) { return t == KQL_T_REAL || t == KQL_T_DECIMAL; }

/* A dynamic scalar as a plain value, so arithmetic and comparison can use it. */
static kql_value undyn_text(arena *tmp, kql_value v) {
  const char *s = v.u.s.p;
  size_t n = v.u.s.n;
  if (n == 4 && memcmp(s, "null", 4) == 0) return val_null(KQL_T_DYNAMIC);
  if (n == 4 && memcmp(s, "true", 4) == 0) return val_bool(true);
  if (n == 5 && memcmp(s, "false", 5) == 0) return val_bool(false);
  if (n && (s[0] == '-' || isdigit((unsigned char)s[0]))) {
    char buf[64];
    if (n < sizeof buf) {
      memcpy(buf, s, n);
      buf[n] = 0;
      char *end;
      long long i = strtoll(buf, &end, 10);
      if (!*end) return val_long(i);
      double r = strtod(buf, &end);
      if (!*end) return val_real(r);
    }
  }
  if (n && s[0] == '"') return json_dyn_tostring(tmp, v);
  return v;
}

/* The common case (not a dynamic) inline: evaluation calls this for every operand. */
static inline kql_value undyn(arena *tmp, kql_value v) {
  if (v.isnull || v.type != KQL_T_DYNAMIC) return v;
  return undyn_text(tmp, v);
}

static double to_real(const kql_value *v) { return is_realt(v->type) ? v->u.r : (double)v->u.i; }

static kql_value arith(int aop, kql_value a, kql_value b, kql_type rt) {
  if (a.isnull || b.isnull) return val_null(rt == KQL_T_DYNAMIC ? KQL_T_DYNAMIC : rt);
  kql_type t = a.type, u = b.type;
  if (val_is_numeric(t) && val_is_numeric(u)) {
    if (is_int(t) && is_int(u)) {
      int64_t x = a.u.i, y = b.u.i, r = 0;
      switch (aop) {
      case OP_ADD: r = (int64_t)((uint64_t)x + (uint64_t)y); break;
      case OP_SUB: r = (int64_t)((uint64_t)x - (uint64_t)y); break;
      case OP_MUL: r = (int64_t)((uint64_t)x * (uint64_t)y); break;
      case OP_DIV:
        if (y == 0) return val_null(KQL_T_LONG);
        if (x == INT64_MIN && y == -1) return val_long(INT64_MIN);
        r = x / y;
        break;
      case OP_MOD:
        /* Kusto's remainder is never negative: -14 % 12 is 10, -14 % -12 is 10 */
        if (y == 0) return val_null(KQL_T_LONG);
        if (y == -1 || y == 1) return val_long(0);
        r = x % y;
        if (r < 0) r += y < 0 ? -y : y;
        break;
      }
      kql_value v = val_long(r);
      if (t == KQL_T_INT && u == KQL_T_INT) v.type = KQL_T_INT, v.u.i = (int32_t)r;
      return v;
    }
    double x = to_real(&a), y = to_real(&b), r = 0;
    switch (aop) {
    case OP_ADD: r = x + y; break;
    case OP_SUB: r = x - y; break;
    case OP_MUL: r = x * y; break;
    case OP_DIV: r = x / y; break;
    case OP_MOD: r = fmod(x, y); break;
    }
    return val_real(r);
  }
  switch (aop) {
  case OP_ADD:
    if (t == KQL_T_DATETIME && u == KQL_T_TIMESPAN) return val_datetime(a.u.i + b.u.i);
    if (t == KQL_T_TIMESPAN && u == KQL_T_DATETIME) return val_datetime(a.u.i + b.u.i);
    if (t == KQL_T_TIMESPAN && u == KQL_T_TIMESPAN) return val_timespan(a.u.i + b.u.i);
    break;
  case OP_SUB:
    if (t == KQL_T_DATETIME && u == KQL_T_TIMESPAN) return val_datetime(a.u.i - b.u.i);
    if (t == KQL_T_DATETIME && u == KQL_T_DATETIME) return val_timespan(a.u.i - b.u.i);
    if (t == KQL_T_TIMESPAN && u == KQL_T_TIMESPAN) return val_timespan(a.u.i - b.u.i);
    break;
  case OP_MUL:
    if (t == KQL_T_TIMESPAN && val_is_numeric(u))
      return val_timespan(is_int(u) ? a.u.i * b.u.i : (int64_t)llround((double)a.u.i * b.u.r));
    if (val_is_numeric(t) && u == KQL_T_TIMESPAN)
      return val_timespan(is_int(t) ? a.u.i * b.u.i : (int64_t)llround(a.u.r * (double)b.u.i));
    break;
  case OP_DIV:
    if (t == KQL_T_TIMESPAN && u == KQL_T_TIMESPAN)
      return b.u.i == 0 ? val_null(KQL_T_REAL) : val_real((double)a.u.i / (double)b.u.i);
    if (t == KQL_T_TIMESPAN && val_is_numeric(u)) {
      double y = to_real(&b);
      if (y == 0) return val_null(KQL_T_TIMESPAN);
      return val_timespan((int64_t)((double)a.u.i / y));
    }
    break;
  case OP_MOD:
    if (t == KQL_T_TIMESPAN && u == KQL_T_TIMESPAN)
      return b.u.i == 0 ? val_null(KQL_T_TIMESPAN) : val_timespan(a.u.i % b.u.i);
    break;
  }
  return val_null(rt);
}

/* Compare for ==, <, ...; returns -2 when the values cannot be compared (null result). */
static int compare(arena *tmp, kql_value a, kql_value b) {
  a = undyn(tmp, a);
  b = undyn(tmp, b);
  if (a.isnull || b.isnull) return -2;
  if (val_is_numeric(a.type) && val_is_numeric(b.type)) {
    if (is_realt(a.type) || is_realt(b.type)) {
      double x = to_real(&a), y = to_real(&b);
      if (isnan(x) || isnan(y)) return -3; /* unordered */
      return (x > y) - (x < y);
    }
    return (a.u.i > b.u.i) - (a.u.i < b.u.i);
  }
  if (a.type == KQL_T_BOOL && (val_is_numeric(b.type) || b.type == KQL_T_STRING)) a = val_long(a.u.b);
  if (b.type == KQL_T_BOOL && (val_is_numeric(a.type) || a.type == KQL_T_STRING)) b = val_long(b.u.b);
  if ((a.type == KQL_T_STRING && val_is_numeric(b.type)) || (b.type == KQL_T_STRING && val_is_numeric(a.type))) {
    /* a bool against a string compares with "true"/"false" (and 1/0) */
    const kql_value *str = a.type == KQL_T_STRING ? &a : &b;
    if (str->u.s.n == 4 && strncasecmp(str->u.s.p, "true", 4) == 0) return (a.type == KQL_T_STRING ? b : a).u.i == 1 ? 0 : 1;
    if (str->u.s.n == 5 && strncasecmp(str->u.s.p, "false", 5) == 0) return (a.type == KQL_T_STRING ? b : a).u.i == 0 ? 0 : 1;
    /* string == number: the string's number, when it is one */
    const kql_value *s = a.type == KQL_T_STRING ? &a : &b, *num = a.type == KQL_T_STRING ? &b : &a;
    char buf[64], *end;
    if (s->u.s.n == 0 || s->u.s.n >= sizeof buf) return 1;
    memcpy(buf, s->u.s.p, s->u.s.n);
    buf[s->u.s.n] = 0;
    double d = strtod(buf, &end);
    if (*end) return 1;
    double e = to_real(num);
    return d == e ? 0 : 1;
  }
  if (val_is_str(a.type) && val_is_str(b.type)) {
    size_t n = a.u.s.n < b.u.s.n ? a.u.s.n : b.u.s.n;
    int c = n ? memcmp(a.u.s.p, b.u.s.p, n) : 0;
    if (c) return c < 0 ? -1 : 1;
    return (a.u.s.n > b.u.s.n) - (a.u.s.n < b.u.s.n);
  }
  if (a.type == b.type) return val_compare(&a, &b);
  return -2;
}

static kql_value as_text(arena *tmp, kql_value v) {
  if (v.type == KQL_T_STRING) return v;
  return val_tostring(tmp, v);
}

static kql_value eval_binary(exec_ctx *x, arena *tmp, const ast *n, const batch *b, int row) {
  kql_value l, r;
  expr_eval(x, tmp, n->a, b, row, &l);
  if (n->op == OP_AND || n->op == OP_OR) {
    /* a null operand counts as false: bool(null) and true is false, or true is true */
    bool tl = truth(&l) == 1;
    if (n->op == OP_AND && !tl) return val_bool(false);
    if (n->op == OP_OR && tl) return val_bool(true);
    expr_eval(x, tmp, n->b, b, row, &r);
    return val_bool(truth(&r) == 1);
  }
  expr_eval(x, tmp, n->b, b, row, &r);
  int c;
  if (!l.isnull && !r.isnull && l.type == r.type && l.type != KQL_T_DYNAMIC && is_int_like(l.type)) {
    /* fast path: two non-null longs, ints, datetimes or timespans of the same type */
    int64_t p = l.u.i, q = r.u.i;
    switch (n->op) {
    case OP_EQ: return val_bool(p == q);
    case OP_NE: return val_bool(p != q);
    case OP_LT: return val_bool(p < q);
    case OP_LE: return val_bool(p <= q);
    case OP_GT: return val_bool(p > q);
    case OP_GE: return val_bool(p >= q);
    default: break;
    }
  }
  switch (n->op) {
  case OP_EQ:
  case OP_NE: {
    /* null == value is false and null != value true; two nulls give null */
    kql_value ul = undyn(tmp, l), ur = undyn(tmp, r);
    bool ln = ul.isnull && ul.type != KQL_T_STRING, rn = ur.isnull && ur.type != KQL_T_STRING;
    /* two nulls give null (the null-values page: val == int(null) is null where val is
    ** null), but the logical operators page: bool(null) == bool(null) and != are both false */
    if (ln && rn) return ul.type == KQL_T_BOOL && ur.type == KQL_T_BOOL ? val_bool(false) : val_null(KQL_T_BOOL);
    if (ln || rn) return val_bool(n->op == OP_NE);
    c = compare(tmp, l, r);
    if (c == -2) return val_bool(n->op == OP_NE);
    return val_bool((c == 0) == (n->op == OP_EQ));
  }
  case OP_LT:
  case OP_LE:
  case OP_GT:
  case OP_GE:
    c = compare(tmp, l, r);
    if (c == -2) return val_null(KQL_T_BOOL);
    if (c == -3) return val_bool(false);
    return val_bool(n->op == OP_LT ? c < 0 : n->op == OP_LE ? c <= 0 : n->op == OP_GT ? c > 0 : c >= 0);
  case OP_ADD:
  case OP_SUB:
  case OP_MUL:
  case OP_DIV:
  case OP_MOD: return arith(n->op, undyn(tmp, l), undyn(tmp, r), n->type);
  case OP_EQ_CI:
  case OP_NE_CI: {
    kql_value sl = as_text(tmp, l), sr = as_text(tmp, r);
    bool eq = strop_eq_ci(sl.u.s.p, sl.u.s.n, sr.u.s.p, sr.u.s.n);
    return val_bool(eq == (n->op == OP_EQ_CI));
  }
  case OP_MATCHES: {
    kql_value sl = as_text(tmp, l), sr = as_text(tmp, r);
    kql_regex *re = exec_regex(x, n, sr.u.s.p, sr.u.s.n);
    size_t ov[2];
    int m = re ? regex_match(re, sl.u.s.p, sl.u.s.n, 0, ov, 1) : 0;
    if (m < 0 && !x->failed) { /* "no match" would let a crafted value slip past a filter */
      diag_set(x->d, KQL_ERR_RUNTIME, n->span,
               "the regular expression passed its match limit on a value of %zu bytes", sl.u.s.n);
      x->failed = true;
    }
    return val_bool(m > 0);
  }
  default: {
    kql_value sl = as_text(tmp, l), sr = as_text(tmp, r);
    return val_bool(strop_apply(n->op, sl.u.s.p, sl.u.s.n, sr.u.s.p, sr.u.s.n));
  }
  }
}

static kql_value eval_between(exec_ctx *x, arena *tmp, const ast *n, const batch *b, int row) {
  kql_value v, lo, hi;
  expr_eval(x, tmp, n->a, b, row, &v);
  expr_eval(x, tmp, n->b, b, row, &lo);
  expr_eval(x, tmp, n->c, b, row, &hi);
  if (v.isnull || lo.isnull || hi.isnull) return val_null(KQL_T_BOOL);
  if (v.type == KQL_T_DATETIME && hi.type == KQL_T_TIMESPAN && lo.type == KQL_T_DATETIME)
    hi = val_datetime(lo.u.i + hi.u.i);
  int c1 = compare(tmp, v, lo), c2 = compare(tmp, v, hi);
  if (c1 == -2 || c2 == -2) return val_null(KQL_T_BOOL);
  bool in = c1 >= 0 && c2 <= 0 && c1 != -3 && c2 != -3;
  return val_bool(n->op == OP_BETWEEN ? in : !in);
}

/* The values of list element 'e' for this row: a subquery's first column, a dynamic array's
** elements, or the value itself.  Sets '*vals' (in 'tmp' or cached) and returns the count. */
static size_t list_values(exec_ctx *x, arena *tmp, const ast *e, const batch *b, int row,
                          const kql_value **vals, kql_value *one) {
  if (e->flags & 0x100) {
    size_t k = 0;
    if (!exec_subquery(x, e, vals, &k)) return 0;
    return k;
  }
  expr_eval(x, tmp, e, b, row, one);
  if (one->type == KQL_T_DYNAMIC && !one->isnull && one->u.s.n && one->u.s.p[0] == '[') {
    kql_value *items;
    size_t k = json_dyn_elements(tmp, *one, false, &items);
    for (size_t i = 0; i < k; i++) items[i] = undyn(tmp, items[i]);
    *vals = items;
    return k;
  }
  *vals = one;
  return 1;
}

static kql_value eval_inlist(exec_ctx *x, arena *tmp, const ast *n, const batch *b, int row) {
  kql_value v;
  expr_eval(x, tmp, n->a, b, row, &v);
  v = undyn(tmp, v);
  bool neg = n->op == OP_NIN || n->op == OP_NIN_CI;
  bool any = n->op == OP_HAS_ANY, all = n->op == OP_HAS_ALL;
  bool ci = n->op == OP_IN_CI || n->op == OP_NIN_CI;
  kql_value s = (any || all || ci) ? as_text(tmp, v) : v;
  if (!any && !all && v.isnull && v.type != KQL_T_STRING) return val_bool(neg);
  for (int i = 0; i < n->list.n; i++) {
    const kql_value *vals;
    kql_value one;
    size_t k = list_values(x, tmp, n->list.v[i], b, row, &vals, &one);
    for (size_t j = 0; j < k; j++) {
      bool hit;
      if (any || all) {
        kql_value t = as_text(tmp, vals[j]);
        hit = strop_apply(OP_HAS, s.u.s.p, s.u.s.n, t.u.s.p, t.u.s.n);
        if (hit && any) return val_bool(true);
        if (!hit && all) return val_bool(false);
        continue;
      }
      if (ci) {
        kql_value t = as_text(tmp, vals[j]);
        hit = strop_eq_ci(s.u.s.p, s.u.s.n, t.u.s.p, t.u.s.n);
      } else {
        hit = compare(tmp, v, vals[j]) == 0;
      }
      if (hit) return val_bool(!neg);
    }
  }
  if (any || all) return val_bool(all);
  return val_bool(neg);
}

/* The state call 'n' left on the previous row of 'w' (zeroed on the first row). */
static win_state *window_state(exec_window *w, const ast *n) {
  for (int i = 0; i < w->nst; i++)
    if (w->st[i].call == n) return &w->st[i];
  w->st = xrealloc(w->st, sizeof *w->st * (size_t)(w->nst + 1));
  win_state *s = &w->st[w->nst++];
  memset(s, 0, sizeof *s);
  s->call = n;
  return s;
}

/* Argument 'i' of window call 'n' on the current row as a bool: false when absent. */
static bool window_flag(exec_ctx *x, arena *tmp, const ast *n, int i, const batch *b, int row) {
  if (n->list.n <= i) return false;
  kql_value v;
  expr_eval(x, tmp, n->list.v[i], b, row, &v);
  v = undyn(tmp, v);
  return !v.isnull && v.type == KQL_T_BOOL && v.u.b;
}

/* row_cumsum(term[, restart]): the running sum of 'term' over the rows so far, back to 0
** where 'restart' is true; a null term adds nothing. */
static kql_value window_cumsum(exec_ctx *x, arena *tmp, const ast *n, const batch *b, int row) {
  win_state *s = window_state(x->win, n);
  bool restart = x->win->cur == 0 || window_flag(x, tmp, n, 1, b, row);
  bool real = n->type == KQL_T_REAL;
  if (restart) s->acc = real ? val_real(0) : val_long(0);
  kql_value v;
  expr_eval(x, tmp, n->list.v[0], b, row, &v);
  v = undyn(tmp, v);
  if (!v.isnull) {
    if (real) s->acc.u.r += is_realt(v.type) ? v.u.r : (double)v.u.i;
    else if (v.type == KQL_T_BOOL) s->acc.u.i += v.u.b;
    else s->acc.u.i = (int64_t)((uint64_t)s->acc.u.i + (uint64_t)(is_realt(v.type) ? (int64_t)v.u.r : v.u.i));
  }
  kql_value r = s->acc;
  r.type = n->type;
  return r;
}

/* row_window_session(expr, maxFromFirst, maxBetweenNeighbors[, restart]): the value that
** started the current session; a row starts a new one when it is the first, 'restart' is
** true, or it lies more than maxFromFirst after the session's start or more than
** maxBetweenNeighbors after the previous row.  A null value starts nothing and gives null. */
static kql_value window_session(exec_ctx *x, arena *tmp, const ast *n, const batch *b, int row) {
  win_state *s = window_state(x->win, n);
  kql_value v, first, near;
  expr_eval(x, tmp, n->list.v[0], b, row, &v);
  expr_eval(x, tmp, n->list.v[1], b, row, &first);
  expr_eval(x, tmp, n->list.v[2], b, row, &near);
  bool restart = window_flag(x, tmp, n, 3, b, row);
  if (v.isnull) return val_null(n->type);
  bool fresh = restart || x->win->cur == 0 || s->acc.isnull || s->acc.type != v.type || s->last.type != v.type ||
               (!first.isnull && v.u.i - s->acc.u.i > first.u.i) ||
               (!near.isnull && v.u.i - s->last.u.i > near.u.i);
  if (fresh) s->acc = v;
  s->last = v;
  return s->acc;
}

/* The first argument of window call 'n' evaluated on row 'at' of the window, through a
** one-row view of it. */
static kql_value window_arg_at(exec_ctx *x, arena *tmp, const ast *n, size_t at) {
  exec_window *w = x->win;
  int nc = w->ncols;
  kql_value **cols = arena_alloc(tmp, sizeof(kql_value *) * (size_t)(nc ? nc : 1));
  for (int c = 0; c < nc; c++) cols[c] = &w->rows[at][c];
  batch view = {nc, 1, cols, NULL, 0, NULL};
  kql_value v;
  expr_eval(x, tmp, n->list.v[0], &view, 0, &v);
  return v;
}

/* row_rank_dense(term[, restart]) and row_rank_min(term[, restart]): 1 on the first row
** and where 'restart' is true; else, where the term equals the previous row's (nulls equal
** each other), the previous rank; where it differs, the previous rank plus one (dense) or
** the row's position since the last restart (min: the first row the term appears on). */
static kql_value window_rank(exec_ctx *x, arena *tmp, const ast *n, const batch *b, int row, bool dense) {
  exec_window *w = x->win;
  win_state *s = window_state(w, n);
  if (w->cur == 0 || window_flag(x, tmp, n, 1, b, row)) {
    s->pos = 1;
    s->acc = val_long(1);
    return s->acc;
  }
  s->pos++;
  kql_value v, prev = window_arg_at(x, tmp, n, w->cur - 1);
  expr_eval(x, tmp, n->list.v[0], b, row, &v);
  v = undyn(tmp, v);
  prev = undyn(tmp, prev);
  if (!val_equal(&v, &prev)) s->acc.u.i = dense ? s->acc.u.i + 1 : s->pos;
  return s->acc;
}

/* row_number(), row_cumsum(), row_window_session(), row_rank_dense(), row_rank_min(),
** prev(), next() over x->win, the operator's rows (computed in order: the stateful ones
** carry state from row to row). */
static kql_value eval_window(exec_ctx *x, arena *tmp, const ast *n, const batch *b, int row) {
  exec_window *w = x->win;
  if (!w) return val_null(n->type);
  if (strcmp(n->fn->name, "row_rank_dense") == 0) return window_rank(x, tmp, n, b, row, true);
  if (strcmp(n->fn->name, "row_rank_min") == 0) return window_rank(x, tmp, n, b, row, false);
  if (strcmp(n->fn->name, "row_cumsum") == 0) return window_cumsum(x, tmp, n, b, row);
  if (strcmp(n->fn->name, "row_window_session") == 0) return window_session(x, tmp, n, b, row);
  if (n->fn->name[0] == 'r') { /* row_number([start[, restart]]) */
    int64_t start = 1;
    if (n->list.n) {
      kql_value s;
      expr_eval(x, tmp, n->list.v[0], b, row, &s);
      if (!s.isnull && (s.type == KQL_T_LONG || s.type == KQL_T_INT)) start = s.u.i;
    }
    if (n->list.n < 2) return val_long(start + (int64_t)w->cur);
    win_state *s = window_state(w, n);
    if (w->cur == 0 || window_flag(x, tmp, n, 1, b, row)) s->acc = val_long(start);
    else s->acc.u.i++;
    return s->acc;
  }
  int64_t off = 1;
  if (n->list.n > 1) {
    kql_value o;
    expr_eval(x, tmp, n->list.v[1], b, row, &o);
    if (!o.isnull && (o.type == KQL_T_LONG || o.type == KQL_T_INT)) off = o.u.i;
  }
  int64_t at = (int64_t)w->cur + (n->fn->name[0] == 'p' ? -off : off);
  if (at < 0 || at >= (int64_t)w->n) {
    kql_value d = val_null(n->type);
    if (n->list.n > 2) expr_eval(x, tmp, n->list.v[2], b, row, &d);
    return d;
  }
  return window_arg_at(x, tmp, n, (size_t)at);
}

void expr_eval(exec_ctx *x, arena *tmp, const ast *n, const batch *b, int row, kql_value *out) {
  switch (n->kind) {
  case AST_LIT: *out = n->lit; return;
  case AST_NAME:
    if (n->let) expr_eval(x, tmp, n->let, b, row, out);
    else *out = b->cols[n->col][row];
    return;
  case AST_CALL: {
    if (n->let) { /* a let function's body */
      expr_eval(x, tmp, n->let, b, row, out);
      return;
    }
    if (n->fn && (n->fn->flags & FN_WINDOW)) {
      *out = eval_window(x, tmp, n, b, row);
      return;
    }
    if (!n->fn) { /* toscalar(subquery) */
      const kql_value *vals;
      size_t k;
      if (exec_subquery(x, n->b, &vals, &k) && k) *out = vals[0];
      else *out = val_null(n->type);
      return;
    }
    kql_value small[64];
    int k = n->list.n;
    kql_value *args = k <= 64 ? small : arena_alloc(tmp, sizeof(kql_value) * (size_t)k);
    for (int i = 0; i < k; i++) expr_eval(x, tmp, n->list.v[i], b, row, &args[i]);
    fn_ctx c = {tmp, NULL, x->now, &x->rng};
    n->fn->eval(&c, args, k, out);
    if (out->type == KQL_T_DYNAMIC && !out->isnull && n->type != KQL_T_DYNAMIC) {
      /* a dynamic value chosen where the call's type is scalar (case, iff, coalesce) */
      kql_value v = n->type == KQL_T_STRING ? json_dyn_tostring(tmp, *out) : undyn(tmp, *out);
      if (v.type != KQL_T_DYNAMIC) *out = v;
    }
    return;
  }
  case AST_UNARY: {
    kql_value v;
    expr_eval(x, tmp, n->a, b, row, &v);
    v = undyn(tmp, v);
    if (n->op == OP_POS || v.isnull) {
      *out = v;
      return;
    }
    if (!val_is_numeric(v.type) && v.type != KQL_T_TIMESPAN) { /* -dynamic({...}) */
      *out = val_null(n->type);
      return;
    }
    if (is_realt(v.type)) v.u.r = -v.u.r;
    else v.u.i = (int64_t)(0 - (uint64_t)v.u.i);
    *out = v;
    return;
  }
  case AST_BINARY: *out = eval_binary(x, tmp, n, b, row); return;
  case AST_BETWEEN: *out = eval_between(x, tmp, n, b, row); return;
  case AST_INLIST: *out = eval_inlist(x, tmp, n, b, row); return;
  case AST_MEMBER: {
    kql_value v;
    expr_eval(x, tmp, n->a, b, row, &v);
    *out = json_dyn_member(tmp, v, n->name, strlen(n->name));
    return;
  }
  case AST_INDEX: {
    kql_value v, i;
    expr_eval(x, tmp, n->a, b, row, &v);
    expr_eval(x, tmp, n->b, b, row, &i);
    i = undyn(tmp, i);
    if (i.isnull) *out = val_null(KQL_T_DYNAMIC);
    else if (is_int(i.type)) *out = json_dyn_index(tmp, v, i.u.i);
    else {
      kql_value s = as_text(tmp, i);
      *out = json_dyn_member(tmp, v, s.u.s.p, s.u.s.n);
    }
    return;
  }
  default: *out = val_null(KQL_T_NULL); return;
  }
}
