/*
** test_func.c: Check suite for the function registry (src/func/registry.c) and direct
** calls of its scalar functions and aggregates (src/func/scalar.c, src/func/agg.c) through
** fn_ctx, with now() pinned.  Expected results come from each function's page of the KQL
** reference (examples, value tables, null rules) and the summarize page's table of
** aggregate defaults; tick counts were worked out with Python's datetime.
*/
#include <check.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "func/func.h"
#include "json.h"
#include "value.h"

Suite *func_suite(void);

#define TICK_S INT64_C(10000000)
#define TICK_M (INT64_C(60) * TICK_S)
#define TICK_H (INT64_C(60) * TICK_M)
#define TICK_D (INT64_C(24) * TICK_H)
#define NOW INT64_C(639157412960000000)            /* 2026-05-30T12:34:56Z */
#define T_1970_05_11_134507 INT64_C(621468783070000000)
#define T_1970_05_11 INT64_C(621468288000000000)
#define T_1969_12_31_2300 INT64_C(621355932000000000)
#define T_1969_12_31 INT64_C(621355104000000000)
#define T_2015_12_31_235959_9 INT64_C(635872031999000000)

static fn_ctx C;

static void setup(void) {
  C.tmp = arena_new();
  C.keep = arena_new();
  C.now = NOW;
}

static void teardown(void) {
  arena_free(C.tmp);
  arena_free(C.keep);
}

static kql_value S(const char *s) { return val_str(s, strlen(s)); }
static kql_value DYN(const char *s) { return val_strtype(KQL_T_DYNAMIC, s, strlen(s)); }

static const fn_def *fn(const char *name) {
  const fn_def *f = fn_lookup(name);
  ck_assert_msg(f != NULL, "function %s is not registered", name);
  return f;
}

/* Call scalar 'name' on 'n' arguments. */
static kql_value call(const char *name, int n, const kql_value *args) {
  const fn_def *f = fn(name);
  ck_assert_msg(!(f->flags & FN_AGG) && f->eval, "%s is not a scalar", name);
  kql_value out = val_long(-424242);
  f->eval(&C, args, n, &out);
  return out;
}

static kql_value call1(const char *name, kql_value a) { return call(name, 1, &a); }
static kql_value call2(const char *name, kql_value a, kql_value b) {
  kql_value v[2] = {a, b};
  return call(name, 2, v);
}

/* Run aggregate 'name' over 'rows' (each row one value of its first argument; 'arg2',
** when not NULL, is the second argument of every row) and finish it as type 't'. */
static kql_value agg(const char *name, const kql_value *rows, int n, const kql_value *arg2,
                     kql_type t) {
  const fn_def *f = fn(name);
  ck_assert_msg((f->flags & FN_AGG) && f->step && f->final, "%s is not an aggregate", name);
  void *st = arena_alloc(C.keep, f->state_size);
  for (int i = 0; i < n; i++) {
    kql_value args[2] = {rows[i], arg2 ? *arg2 : val_null(KQL_T_NULL)};
    f->step(&C, st, args, arg2 ? 2 : 1);
  }
  kql_value out = val_long(-424242);
  f->final(&C, st, t, &out);
  return out;
}

static void expect_long(kql_value v, kql_type t, int64_t want, const char *what) {
  ck_assert_msg(v.type == t, "%s: type %s, want %s", what, val_type_name(v.type), val_type_name(t));
  ck_assert_msg(!v.isnull, "%s: null, want %lld", what, (long long)want);
  ck_assert_msg(v.u.i == want, "%s: %lld, want %lld", what, (long long)v.u.i, (long long)want);
}

static void expect_real(kql_value v, double want, const char *what) {
  ck_assert_msg(v.type == KQL_T_REAL, "%s: type %s", what, val_type_name(v.type));
  ck_assert_msg(!v.isnull, "%s: null, want %g", what, want);
  ck_assert_msg(v.u.r == want, "%s: %.17g, want %.17g", what, v.u.r, want);
}

static void expect_bool(kql_value v, bool want, const char *what) {
  ck_assert_msg(v.type == KQL_T_BOOL && !v.isnull, "%s: type %s null %d", what,
                val_type_name(v.type), v.isnull);
  ck_assert_msg(v.u.b == want, "%s: %d, want %d", what, v.u.b, want);
}

static void expect_null(kql_value v, kql_type t, const char *what) {
  ck_assert_msg(v.type == t, "%s: type %s, want %s", what, val_type_name(v.type), val_type_name(t));
  ck_assert_msg(v.isnull, "%s: not null", what);
}

static void expect_text(kql_value v, kql_type t, const char *want, const char *what) {
  ck_assert_msg(v.type == t, "%s: type %s, want %s", what, val_type_name(v.type), val_type_name(t));
  ck_assert_msg(!v.isnull, "%s: null, want <%s>", what, want);
  ck_assert_msg(v.u.s.n == strlen(want) && memcmp(v.u.s.p, want, v.u.s.n) == 0,
                "%s: <%.*s>, want <%s>", what, (int)v.u.s.n, v.u.s.p, want);
}

/* ---- the registry ------------------------------------------------------------------- */

START_TEST(registry_is_sorted_by_name_without_duplicates) {
  size_t n;
  const fn_def *t = fn_table(&n);
  ck_assert_uint_gt(n, 0);
  for (size_t i = 1; i < n; i++)
    ck_assert_msg(strcmp(t[i - 1].name, t[i].name) < 0, "'%s' before '%s'", t[i - 1].name,
                  t[i].name);
}
END_TEST

START_TEST(help_lists_the_binder_forms_with_the_table_sorted) {
  /* the functions bind.c handles itself are not in the table, but kql help lists them */
  size_t m;
  const fn_def *g = fn_forms(&m);
  ck_assert_uint_gt(m, 0);
  for (size_t i = 0; i < m; i++) {
    ck_assert_ptr_null(fn_lookup(g[i].name));
    if (i) ck_assert_msg(strcmp(g[i - 1].name, g[i].name) < 0, "'%s' before '%s'", g[i - 1].name, g[i].name);
  }
  kql_function_info info, prev = {0};
  int i = 0, forms = 0;
  for (; kql_function(i, &info); i++) {
    if (i) ck_assert_msg(strcmp(prev.name, info.name) < 0, "'%s' before '%s'", prev.name, info.name);
    forms += strcmp(info.name, "column_ifexists") == 0 || strcmp(info.name, "percentiles") == 0;
    if (strcmp(info.name, "percentiles") == 0) ck_assert_int_eq(info.aggregate, 1);
    prev = info;
  }
  size_t n;
  fn_table(&n);
  ck_assert_int_eq(i, (int)(n + m));
  ck_assert_int_eq(forms, 2);
}
END_TEST

START_TEST(every_registered_name_is_found_by_lookup) {
  size_t n;
  const fn_def *t = fn_table(&n);
  for (size_t i = 0; i < n; i++) ck_assert_ptr_eq(fn_lookup(t[i].name), &t[i]);
  ck_assert_ptr_null(fn_lookup("no_such_function"));
  ck_assert_ptr_null(fn_lookup(""));
  ck_assert_ptr_null(fn_lookup("Strlen")); /* function names are case-sensitive */
}
END_TEST

/* Kusto function names, some registered and some not: none may be both. */
static const char *const kusto_names[] = {
    "ago", "arg_max", "arg_min", "array_length", "bag_pack", "bin", "case", "coalesce",
    "count", "dcount", "extract", "format_datetime", "iff", "isempty", "make_set",
    "parse_json", "replace_string", "split", "strcat", "strlen", "substring", "tolower",
    "tostring", "trim", "unixtime_seconds_todatetime",
};

START_TEST(no_registered_name_is_also_listed_as_unsupported) {
  size_t n;
  const fn_def *t = fn_table(&n);
  for (size_t i = 0; i < n; i++)
    ck_assert_msg(!fn_known_unsupported(t[i].name), "'%s' is registered and unsupported",
                  t[i].name);
  for (size_t i = 0; i < sizeof kusto_names / sizeof kusto_names[0]; i++)
    ck_assert_msg(!(fn_lookup(kusto_names[i]) && fn_known_unsupported(kusto_names[i])),
                  "'%s' is registered and unsupported", kusto_names[i]);
  ck_assert(!fn_known_unsupported("no_such_function"));
  ck_assert(!fn_known_unsupported(""));
}
END_TEST

START_TEST(every_entry_is_well_formed) {
  size_t n;
  const fn_def *t = fn_table(&n);
  for (size_t i = 0; i < n; i++) {
    const fn_def *f = &t[i];
    ck_assert_msg(f->name && f->name[0], "entry %zu has no name", i);
    for (const char *p = f->name; *p; p++)
      ck_assert_msg(isalnum((unsigned char)*p) || *p == '_', "'%s': odd character", f->name);
    ck_assert_msg(f->min_args >= 0 && f->min_args <= f->max_args, "'%s': arity %d..%d",
                  f->name, f->min_args, f->max_args);
    ck_assert_msg(f->type != NULL, "'%s' has no type rule", f->name);
    ck_assert_msg(f->summary && f->summary[0], "'%s' has no summary", f->name);
    if (f->flags & FN_WINDOW) /* row_number/prev/next: evaluated by expr.c over the rows */
      ck_assert_msg(!f->step && !f->final && !f->eval && !(f->flags & FN_AGG), "window '%s'",
                    f->name);
    else if (f->flags & FN_ARGMAX) /* run by the summarize operator itself */
      ck_assert_msg(!f->step && !f->final && !f->eval && (f->flags & FN_AGG), "arg_max '%s'",
                    f->name);
    else if (f->flags & FN_AGG)
      ck_assert_msg(f->step && f->final && f->state_size > 0 && !f->eval, "aggregate '%s'",
                    f->name);
    else
      ck_assert_msg(f->eval && !f->step && !f->final, "scalar '%s'", f->name);
  }
}
END_TEST

/* Arity of each function as its reference page gives it. */
static const struct {
  const char *name;
  int lo, hi;
  bool agg;
} arities[] = {
    {"ago", 1, 1, false},        {"avg", 1, 1, true},          {"bin", 2, 2, false},
    {"count", 0, 1, true},       {"countif", 1, 1, true},      {"dcount", 1, 2, true},
    {"iff", 3, 3, false},        {"iif", 3, 3, false},         {"isempty", 1, 1, false},
    {"isnotempty", 1, 1, false}, {"isnotnull", 1, 1, false},   {"isnull", 1, 1, false},
    {"make_list", 1, 2, true},   {"make_set", 1, 2, true},     {"makelist", 1, 2, true},
    {"makeset", 1, 2, true},     {"max", 1, 1, true},          {"min", 1, 1, true},
    {"not", 1, 1, false},        {"now", 0, 1, false},         {"parse_json", 1, 1, false},
    {"parsejson", 1, 1, false},  {"strcat", 1, 64, false},     {"strlen", 1, 1, false},
    {"sum", 1, 1, true},         {"tobool", 1, 1, false},      {"toboolean", 1, 1, false},
    {"todatetime", 1, 1, false}, {"todouble", 1, 1, false},    {"todynamic", 1, 1, false},
    {"toint", 1, 1, false},      {"tolong", 1, 1, false},      {"tolower", 1, 1, false},
    {"toreal", 1, 1, false},     {"tostring", 1, 1, false},    {"totimespan", 1, 1, false},
    {"toupper", 1, 1, false},
};

START_TEST(arity_matches_the_reference) {
  const fn_def *f = fn(arities[_i].name);
  ck_assert_msg(f->min_args == arities[_i].lo && f->max_args == arities[_i].hi,
                "%s: %d..%d, want %d..%d", f->name, f->min_args, f->max_args, arities[_i].lo,
                arities[_i].hi);
  ck_assert_msg(((f->flags & FN_AGG) != 0) == arities[_i].agg, "%s: aggregate flag", f->name);
}
END_TEST

/* ---- result types ------------------------------------------------------------------- */

/* The result type of each call as Kusto's binder (Kusto.Language) gives it for arguments
** of the listed types; KQL_T_COUNT_ for a call it rejects. */
static const struct {
  const char *name;
  int n;
  kql_type args[3];
  kql_type want;
} result_types[] = {
    {"bin", 2, {KQL_T_LONG, KQL_T_LONG}, KQL_T_LONG},
    {"bin", 2, {KQL_T_INT, KQL_T_LONG}, KQL_T_LONG},
    {"bin", 2, {KQL_T_REAL, KQL_T_LONG}, KQL_T_REAL},
    {"bin", 2, {KQL_T_LONG, KQL_T_REAL}, KQL_T_REAL},
    {"bin", 2, {KQL_T_TIMESPAN, KQL_T_TIMESPAN}, KQL_T_TIMESPAN},
    {"bin", 2, {KQL_T_DATETIME, KQL_T_TIMESPAN}, KQL_T_DATETIME},
    {"bin", 2, {KQL_T_STRING, KQL_T_LONG}, KQL_T_COUNT_},
    {"iff", 3, {KQL_T_BOOL, KQL_T_STRING, KQL_T_STRING}, KQL_T_STRING},
    {"iff", 3, {KQL_T_BOOL, KQL_T_INT, KQL_T_INT}, KQL_T_INT},
    {"iff", 3, {KQL_T_BOOL, KQL_T_INT, KQL_T_LONG}, KQL_T_LONG},
    {"iff", 3, {KQL_T_BOOL, KQL_T_LONG, KQL_T_REAL}, KQL_T_REAL},
    {"iff", 3, {KQL_T_BOOL, KQL_T_TIMESPAN, KQL_T_TIMESPAN}, KQL_T_TIMESPAN},
    {"now", 0, {KQL_T_NULL}, KQL_T_DATETIME},
    {"ago", 1, {KQL_T_TIMESPAN}, KQL_T_DATETIME},
    {"tolong", 1, {KQL_T_STRING}, KQL_T_LONG},
    {"toint", 1, {KQL_T_STRING}, KQL_T_INT},
    {"toreal", 1, {KQL_T_STRING}, KQL_T_REAL},
    {"tostring", 1, {KQL_T_INT}, KQL_T_STRING},
    {"strlen", 1, {KQL_T_STRING}, KQL_T_LONG},
    {"strcat", 2, {KQL_T_STRING, KQL_T_INT}, KQL_T_STRING},
    {"isempty", 1, {KQL_T_STRING}, KQL_T_BOOL},
    {"parse_json", 1, {KQL_T_STRING}, KQL_T_DYNAMIC},
    {"tobool", 1, {KQL_T_STRING}, KQL_T_BOOL},
    {"todatetime", 1, {KQL_T_STRING}, KQL_T_DATETIME},
    {"totimespan", 1, {KQL_T_STRING}, KQL_T_TIMESPAN},
    {"not", 1, {KQL_T_BOOL}, KQL_T_BOOL},
    {"tolower", 1, {KQL_T_STRING}, KQL_T_STRING},
    {"sum", 1, {KQL_T_INT}, KQL_T_LONG},
    {"sum", 1, {KQL_T_LONG}, KQL_T_LONG},
    {"sum", 1, {KQL_T_REAL}, KQL_T_REAL},
    {"sum", 1, {KQL_T_TIMESPAN}, KQL_T_TIMESPAN},
    {"sum", 1, {KQL_T_BOOL}, KQL_T_COUNT_}, /* "must be summable" */
    {"avg", 1, {KQL_T_INT}, KQL_T_REAL},
    {"avg", 1, {KQL_T_LONG}, KQL_T_REAL},
    {"avg", 1, {KQL_T_TIMESPAN}, KQL_T_TIMESPAN},
    {"min", 1, {KQL_T_INT}, KQL_T_INT},
    {"max", 1, {KQL_T_STRING}, KQL_T_STRING},
    {"min", 1, {KQL_T_DATETIME}, KQL_T_DATETIME},
    {"count", 0, {KQL_T_NULL}, KQL_T_LONG},
    {"countif", 1, {KQL_T_BOOL}, KQL_T_LONG},
    {"dcount", 1, {KQL_T_STRING}, KQL_T_LONG},
    {"make_set", 1, {KQL_T_STRING}, KQL_T_DYNAMIC},
    {"make_list", 1, {KQL_T_LONG}, KQL_T_DYNAMIC},
};

START_TEST(result_type_follows_the_reference) {
  const fn_def *f = fn(result_types[_i].name);
  ast *args[3];
  for (int i = 0; i < result_types[_i].n; i++) {
    args[i] = ast_new(C.tmp, AST_NAME, (kql_span){0, 1});
    args[i]->name = "x";
    args[i]->type = result_types[_i].args[i];
  }
  const char *err = NULL;
  kql_type got = f->type(args, result_types[_i].n, &err);
  kql_type want = result_types[_i].want;
  ck_assert_msg(got == want, "%s(%s%s%s%s%s): %s, want %s", f->name,
                result_types[_i].n > 0 ? val_type_name(result_types[_i].args[0]) : "",
                result_types[_i].n > 1 ? ", " : "",
                result_types[_i].n > 1 ? val_type_name(result_types[_i].args[1]) : "",
                result_types[_i].n > 2 ? ", " : "",
                result_types[_i].n > 2 ? val_type_name(result_types[_i].args[2]) : "",
                got == KQL_T_COUNT_ ? "an error" : val_type_name(got),
                want == KQL_T_COUNT_ ? "an error" : val_type_name(want));
  if (got == KQL_T_COUNT_) ck_assert_msg(err && err[0], "%s: error without a message", f->name);
}
END_TEST

/* ---- now and ago -------------------------------------------------------------------- */

START_TEST(now_is_the_pinned_instant_plus_an_offset) {
  expect_long(call("now", 0, NULL), KQL_T_DATETIME, NOW, "now()");
  expect_long(call1("now", val_timespan(-5 * TICK_D)), KQL_T_DATETIME, NOW - 5 * TICK_D,
              "now(-5d)");
  expect_long(call1("now", val_timespan(TICK_H)), KQL_T_DATETIME, NOW + TICK_H, "now(1h)");
}
END_TEST

START_TEST(ago_subtracts_from_the_pinned_now) {
  expect_long(call1("ago", val_timespan(TICK_D)), KQL_T_DATETIME, NOW - TICK_D, "ago(1d)");
  expect_long(call1("ago", val_timespan(-TICK_H)), KQL_T_DATETIME, NOW + TICK_H, "ago(-1h)");
  expect_long(call1("ago", val_timespan(0)), KQL_T_DATETIME, NOW, "ago(0s)");
  expect_null(call1("ago", val_null(KQL_T_TIMESPAN)), KQL_T_DATETIME, "ago(null)");
}
END_TEST

/* ---- bin ------------------------------------------------------------------------------ */

START_TEST(bin_rounds_longs_down_to_a_multiple) {
  expect_long(call2("bin", val_long(7), val_long(5)), KQL_T_LONG, 5, "bin(7, 5)");
  expect_long(call2("bin", val_long(10), val_long(5)), KQL_T_LONG, 10, "bin(10, 5)");
  expect_long(call2("bin", val_long(0), val_long(5)), KQL_T_LONG, 0, "bin(0, 5)");
  expect_long(call2("bin", val_long(-7), val_long(5)), KQL_T_LONG, -10, "bin(-7, 5)");
  expect_long(call2("bin", val_long(-10), val_long(5)), KQL_T_LONG, -10, "bin(-10, 5)");
  expect_long(call2("bin", val_long(-1), val_long(1)), KQL_T_LONG, -1, "bin(-1, 1)");
  expect_long(call2("bin", val_int(7), val_long(5)), KQL_T_LONG, 5, "bin(int 7, 5)");
}
END_TEST

START_TEST(bin_of_a_long_by_a_real_size_is_real) {
  expect_real(call2("bin", val_long(7), val_real(2.5)), 5.0, "bin(7, 2.5)");
  expect_real(call2("bin", val_long(-1), val_real(0.5)), -1.0, "bin(-1, 0.5)");
}
END_TEST

START_TEST(bin_rounds_reals_down_to_a_multiple) {
  expect_real(call2("bin", val_real(4.5), val_long(1)), 4.0, "bin(4.5, 1)");
  expect_real(call2("bin", val_real(-4.5), val_long(1)), -5.0, "bin(-4.5, 1)");
  expect_real(call2("bin", val_real(1.25), val_real(0.5)), 1.0, "bin(1.25, 0.5)");
  expect_real(call2("bin", val_real(7.5), val_long(2)), 6.0, "bin(7.5, 2)");
  expect_real(call2("bin", val_real(-0.1), val_real(0.5)), -0.5, "bin(-0.1, 0.5)");
}
END_TEST

START_TEST(bin_rounds_datetimes_down_to_a_multiple) {
  expect_long(call2("bin", val_datetime(T_1970_05_11_134507), val_timespan(TICK_D)),
              KQL_T_DATETIME, T_1970_05_11, "bin(datetime(1970-05-11 13:45:07), 1d)");
  expect_long(call2("bin", val_datetime(T_1969_12_31_2300), val_timespan(TICK_D)),
              KQL_T_DATETIME, T_1969_12_31, "bin(datetime(1969-12-31 23:00), 1d)");
  expect_long(call2("bin", val_datetime(NOW + 1234567), val_timespan(TICK_H)), KQL_T_DATETIME,
              NOW - 34 * TICK_M - 56 * TICK_S, "bin(now, 1h)");
  expect_long(call2("bin", val_datetime(NOW), val_timespan(15 * TICK_M)), KQL_T_DATETIME,
              NOW - 4 * TICK_M - 56 * TICK_S, "bin(12:34:56, 15m)");
}
END_TEST

START_TEST(bin_rounds_timespans_down_to_a_multiple) {
  expect_long(call2("bin", val_timespan(16 * TICK_D), val_timespan(7 * TICK_D)), KQL_T_TIMESPAN,
              14 * TICK_D, "bin(16d, 7d)");
  expect_long(call2("bin", val_timespan(-90 * TICK_M), val_timespan(TICK_H)), KQL_T_TIMESPAN,
              -2 * TICK_H, "bin(-90m, 1h)");
  expect_long(call2("bin", val_timespan(-TICK_H), val_timespan(TICK_H)), KQL_T_TIMESPAN, -TICK_H,
              "bin(-1h, 1h)");
}
END_TEST

START_TEST(bin_of_null_or_negative_size_is_null) {
  expect_null(call2("bin", val_null(KQL_T_LONG), val_long(5)), KQL_T_LONG, "bin(null, 5)");
  expect_null(call2("bin", val_long(7), val_null(KQL_T_LONG)), KQL_T_LONG, "bin(7, null)");
  expect_null(call2("bin", val_long(7), val_long(-5)), KQL_T_LONG, "bin(7, -5)");
  expect_null(call2("bin", val_real(7.5), val_real(-1.0)), KQL_T_REAL, "bin(7.5, -1.0)");
  expect_null(call2("bin", val_datetime(NOW), val_timespan(-TICK_D)), KQL_T_DATETIME,
              "bin(now, -1d)");
  expect_null(call2("bin", val_null(KQL_T_DATETIME), val_timespan(TICK_D)), KQL_T_DATETIME,
              "bin(datetime(null), 1d)");
}
END_TEST

/* ---- strings -------------------------------------------------------------------------- */

START_TEST(tostring_writes_values_and_null_as_empty) {
  expect_text(call1("tostring", val_long(123)), KQL_T_STRING, "123", "tostring(123)");
  expect_text(call1("tostring", val_real(1.5)), KQL_T_STRING, "1.5", "tostring(1.5)");
  expect_text(call1("tostring", val_bool(true)), KQL_T_STRING, "true", "tostring(true)");
  expect_text(call1("tostring", S("abc")), KQL_T_STRING, "abc", "tostring('abc')");
  expect_text(call1("tostring", val_timespan(TICK_D)), KQL_T_STRING, "1.00:00:00",
              "tostring(1d)");
  expect_text(call1("tostring", val_datetime(NOW)), KQL_T_STRING, "2026-05-30T12:34:56.0000000Z",
              "tostring(datetime)");
  expect_text(call1("tostring", DYN("{\"c\":456}")), KQL_T_STRING, "{\"c\":456}",
              "tostring(dynamic bag)");
  expect_text(call1("tostring", DYN("\"s\"")), KQL_T_STRING, "s", "tostring(dynamic string)");
  expect_text(call1("tostring", val_null(KQL_T_LONG)), KQL_T_STRING, "", "tostring(long(null))");
}
END_TEST

START_TEST(tolower_and_toupper_change_letter_case) {
  expect_text(call1("tolower", S("Hello")), KQL_T_STRING, "hello", "tolower('Hello')");
  expect_text(call1("toupper", S("hello")), KQL_T_STRING, "HELLO", "toupper('hello')");
  expect_text(call1("tolower", S("C:\\Windows\\CMD.EXE")), KQL_T_STRING, "c:\\windows\\cmd.exe",
              "tolower(path)");
  expect_text(call1("toupper", S("a1-b_2")), KQL_T_STRING, "A1-B_2", "toupper(punctuation)");
  expect_text(call1("tolower", S("")), KQL_T_STRING, "", "tolower('')");
}
END_TEST

START_TEST(tolower_and_toupper_change_non_ascii_letters) {
  /* Kusto strings are Unicode: A-umlaut lowers to a-umlaut, e-acute uppers to E-acute */
  expect_text(call1("tolower", S("\xC3\x84" "BC")), KQL_T_STRING, "\xC3\xA4" "bc",
              "tolower('ABC' with A-umlaut)");
  expect_text(call1("toupper", S("caf\xC3\xA9")), KQL_T_STRING, "CAF\xC3\x89",
              "toupper('cafe' with e-acute)");
}
END_TEST

static const struct {
  const char *s;
  int64_t want;
} strlens[] = {
    {"hello", 5},
    {"", 0},
    {"\xE2\x92\xA6\xE2\x92\xB0\xE2\x92\xAE\xE2\x92\xAF\xE2\x92\xAA", 5}, /* the page's example */
    {"C\xCC\xA7" "edilla", 8}, /* C + combining cedilla: two code points */
    {"Z\xC3\xBCrich", 6},
};

START_TEST(strlen_counts_code_points) {
  expect_long(call1("strlen", S(strlens[_i].s)), KQL_T_LONG, strlens[_i].want, strlens[_i].s);
}
END_TEST

START_TEST(strcat_joins_values_as_strings) {
  kql_value a[] = {S("hello"), S(" "), S("world")};
  expect_text(call("strcat", 3, a), KQL_T_STRING, "hello world", "strcat(hello, ' ', world)");
  kql_value b[] = {S("a"), val_long(1), val_bool(true), val_null(KQL_T_LONG), S("")};
  expect_text(call("strcat", 5, b), KQL_T_STRING, "a1true", "strcat(a, 1, true, null, '')");
  kql_value c[] = {S("x")};
  expect_text(call("strcat", 1, c), KQL_T_STRING, "x", "strcat(x)");
}
END_TEST

START_TEST(strcat_takes_up_to_64_arguments) {
  kql_value a[64];
  char want[65];
  for (int i = 0; i < 64; i++) a[i] = S(i % 2 ? "b" : "a"), want[i] = i % 2 ? 'b' : 'a';
  want[64] = '\0';
  const fn_def *f = fn("strcat");
  ck_assert_int_ge(f->max_args, 64);
  expect_text(call("strcat", 64, a), KQL_T_STRING, want, "strcat of 64");
}
END_TEST

/* ---- emptiness and nulls (value tables of isempty() and isnull()) ----------------------- */

typedef struct {
  kql_value v;
  bool isempty, isnull;
  const char *what;
} null_case;

static null_case nulls[16];
static int n_nulls;

static void fill_nulls(void) {
  if (n_nulls) return;
  nulls[n_nulls++] = (null_case){S(""), true, false, "''"};
  nulls[n_nulls++] = (null_case){S("x"), false, false, "'x'"};
  nulls[n_nulls++] = (null_case){S(" "), false, false, "' '"};
  nulls[n_nulls++] = (null_case){val_null(KQL_T_LONG), true, true, "long(null)"};
  nulls[n_nulls++] = (null_case){val_long(0), false, false, "0"};
  nulls[n_nulls++] = (null_case){val_null(KQL_T_DATETIME), true, true, "datetime(null)"};
  nulls[n_nulls++] = (null_case){val_bool(false), false, false, "false"};
  nulls[n_nulls++] = (null_case){val_null(KQL_T_DYNAMIC), true, true, "dynamic(null)"};
  nulls[n_nulls++] = (null_case){DYN("[]"), false, false, "dynamic([])"};
  nulls[n_nulls++] = (null_case){DYN("{}"), false, false, "dynamic({})"};
  nulls[n_nulls++] = (null_case){DYN("null"), true, true, "parse_json('null')"};
}

START_TEST(isempty_and_isnull_follow_their_value_tables) {
  fill_nulls();
  const null_case *c = &nulls[_i];
  expect_bool(call1("isempty", c->v), c->isempty, c->what);
  expect_bool(call1("isnotempty", c->v), !c->isempty, c->what);
  expect_bool(call1("isnull", c->v), c->isnull, c->what);
  expect_bool(call1("isnotnull", c->v), !c->isnull, c->what);
}
END_TEST

START_TEST(parse_json_of_an_empty_string_is_null) {
  /* isnull(parse_json("")) is true and isempty(parsejson("")) is true (value tables) */
  kql_value d = call1("parse_json", S(""));
  ck_assert_int_eq(d.type, KQL_T_DYNAMIC);
  expect_bool(call1("isnull", d), true, "isnull(parse_json(''))");
  expect_bool(call1("isempty", d), true, "isempty(parse_json(''))");
}
END_TEST

/* ---- iff and not ---------------------------------------------------------------------- */

START_TEST(iff_picks_a_branch_by_the_condition) {
  kql_value a[] = {val_bool(true), S("big"), S("small")};
  expect_text(call("iff", 3, a), KQL_T_STRING, "big", "iff(true)");
  a[0] = val_bool(false);
  expect_text(call("iff", 3, a), KQL_T_STRING, "small", "iff(false)");
  a[0] = val_null(KQL_T_BOOL);
  expect_text(call("iff", 3, a), KQL_T_STRING, "small", "iff(bool(null))");
  kql_value b[] = {val_bool(true), val_long(1), val_long(2)};
  expect_long(call("iif", 3, b), KQL_T_LONG, 1, "iif(true, 1, 2)");
}
END_TEST

START_TEST(not_negates_and_keeps_null) {
  expect_bool(call1("not", val_bool(true)), false, "not(true)");
  expect_bool(call1("not", val_bool(false)), true, "not(false)");
  expect_null(call1("not", val_null(KQL_T_BOOL)), KQL_T_BOOL, "not(bool(null))");
}
END_TEST

/* ---- conversions ---------------------------------------------------------------------- */

START_TEST(tolong_and_toint_convert_or_give_null) {
  expect_long(call1("tolong", S("123")), KQL_T_LONG, 123, "tolong('123')");
  expect_long(call1("tolong", S("-5")), KQL_T_LONG, -5, "tolong('-5')");
  expect_long(call1("tolong", val_real(1.9)), KQL_T_LONG, 1, "tolong(1.9)");
  expect_long(call1("tolong", val_real(-1.9)), KQL_T_LONG, -1, "tolong(-1.9)");
  expect_long(call1("tolong", val_bool(true)), KQL_T_LONG, 1, "tolong(true)");
  expect_long(call1("tolong", val_int(7)), KQL_T_LONG, 7, "tolong(int 7)");
  expect_long(call1("tolong", S("9223372036854775807")), KQL_T_LONG, INT64_MAX, "tolong(max)");
  expect_null(call1("tolong", S("abc")), KQL_T_LONG, "tolong('abc')");
  expect_null(call1("tolong", S("")), KQL_T_LONG, "tolong('')");
  expect_null(call1("tolong", val_null(KQL_T_LONG)), KQL_T_LONG, "tolong(null)");
  expect_long(call1("toint", S("123")), KQL_T_INT, 123, "toint('123')");
  expect_long(call1("toint", val_real(2.3)), KQL_T_INT, 2, "toint(2.3)");
  expect_null(call1("toint", S("abc")), KQL_T_INT, "toint('abc')");
}
END_TEST

START_TEST(toreal_converts_or_gives_null) {
  expect_real(call1("toreal", S("123.4")), 123.4, "toreal('123.4')");
  expect_real(call1("toreal", val_long(5)), 5.0, "toreal(5)");
  expect_real(call1("todouble", S("-0.5")), -0.5, "todouble('-0.5')");
  expect_null(call1("toreal", S("abc")), KQL_T_REAL, "toreal('abc')");
  expect_null(call1("toreal", val_null(KQL_T_REAL)), KQL_T_REAL, "toreal(null)");
}
END_TEST

START_TEST(todatetime_and_totimespan_parse_text) {
  expect_long(call1("todatetime", S("2015-12-31 23:59:59.9")), KQL_T_DATETIME,
              T_2015_12_31_235959_9, "todatetime('2015-12-31 23:59:59.9')");
  expect_long(call1("todatetime", val_datetime(NOW)), KQL_T_DATETIME, NOW, "todatetime(dt)");
  expect_null(call1("todatetime", S("not a date")), KQL_T_DATETIME, "todatetime('not a date')");
  expect_null(call1("todatetime", S("")), KQL_T_DATETIME, "todatetime('')");
  expect_long(call1("totimespan", S("0.00:03:00")), KQL_T_TIMESPAN, 3 * TICK_M,
              "totimespan('0.00:03:00')");
  expect_long(call1("totimespan", val_timespan(4 * TICK_D)), KQL_T_TIMESPAN, 4 * TICK_D,
              "totimespan(4d)");
  expect_null(call1("totimespan", S("bad")), KQL_T_TIMESPAN, "totimespan('bad')");
}
END_TEST

START_TEST(tobool_converts_text_and_numbers) {
  expect_bool(call1("tobool", S("true")), true, "tobool('true')");
  expect_bool(call1("tobool", S("false")), false, "tobool('false')");
  expect_bool(call1("tobool", val_long(1)), true, "tobool(1)");
  expect_bool(call1("tobool", val_long(123)), true, "tobool(123)");
  expect_bool(call1("tobool", val_long(0)), false, "tobool(0)");
  expect_null(call1("tobool", S("abc")), KQL_T_BOOL, "tobool('abc')");
  expect_null(call1("tobool", val_null(KQL_T_BOOL)), KQL_T_BOOL, "tobool(null)");
}
END_TEST

START_TEST(parse_json_parses_json_text_or_keeps_the_string) {
  expect_text(call1("parse_json", S("{\"a\":123, \"b\":\"{\\\"c\\\":456}\"}")), KQL_T_DYNAMIC,
              "{\"a\":123,\"b\":\"{\\\"c\\\":456}\"}", "parse_json(bag)");
  expect_text(call1("parse_json", S("[1, 2]")), KQL_T_DYNAMIC, "[1,2]", "parse_json('[1, 2]')");
  expect_text(call1("parse_json", S("123")), KQL_T_DYNAMIC, "123", "parse_json('123')");
  expect_text(call1("parse_json", S("not json")), KQL_T_DYNAMIC, "\"not json\"",
              "parse_json('not json')");
  expect_text(call1("parse_json", DYN("[1]")), KQL_T_DYNAMIC, "[1]", "parse_json(dynamic)");
  expect_text(call1("todynamic", S("{\"d\":{\"value\":118.0}}")), KQL_T_DYNAMIC,
              "{\"d\":{\"value\":118}}", "todynamic(118.0)");
}
END_TEST

/* ---- aggregates ----------------------------------------------------------------------- */

START_TEST(count_counts_every_row) {
  const fn_def *f = fn("count");
  void *st = arena_alloc(C.keep, f->state_size);
  kql_value out = val_null(KQL_T_LONG);
  f->final(&C, st, KQL_T_LONG, &out);
  expect_long(out, KQL_T_LONG, 0, "count() over no rows");
  for (int i = 0; i < 3; i++) f->step(&C, st, NULL, 0);
  f->final(&C, st, KQL_T_LONG, &out);
  expect_long(out, KQL_T_LONG, 3, "count() over 3 rows");
}
END_TEST

START_TEST(countif_counts_rows_where_the_predicate_is_true) {
  kql_value rows[] = {val_bool(true), val_bool(false), val_null(KQL_T_BOOL), val_bool(true)};
  expect_long(agg("countif", rows, 4, NULL, KQL_T_LONG), KQL_T_LONG, 2, "countif");
  expect_long(agg("countif", rows, 0, NULL, KQL_T_LONG), KQL_T_LONG, 0, "countif over none");
}
END_TEST

START_TEST(min_and_max_skip_nulls) {
  kql_value rows[] = {val_long(3), val_null(KQL_T_LONG), val_long(1), val_long(2)};
  expect_long(agg("min", rows, 4, NULL, KQL_T_LONG), KQL_T_LONG, 1, "min");
  expect_long(agg("max", rows, 4, NULL, KQL_T_LONG), KQL_T_LONG, 3, "max");
  kql_value nul[] = {val_null(KQL_T_LONG)};
  expect_null(agg("min", nul, 1, NULL, KQL_T_LONG), KQL_T_LONG, "min of null");
  expect_null(agg("max", rows, 0, NULL, KQL_T_LONG), KQL_T_LONG, "max of nothing");
  kql_value dts[] = {val_datetime(NOW), val_datetime(T_1970_05_11), val_null(KQL_T_DATETIME)};
  expect_long(agg("min", dts, 3, NULL, KQL_T_DATETIME), KQL_T_DATETIME, T_1970_05_11, "min dt");
  expect_long(agg("max", dts, 3, NULL, KQL_T_DATETIME), KQL_T_DATETIME, NOW, "max dt");
  kql_value neg[] = {val_real(-1.5), val_real(-0.5)};
  expect_real(agg("max", neg, 2, NULL, KQL_T_REAL), -0.5, "max of negatives");
}
END_TEST

START_TEST(min_and_max_skip_empty_strings) {
  kql_value rows[] = {S("b"), S(""), S("a"), S("c")};
  expect_text(agg("min", rows, 4, NULL, KQL_T_STRING), KQL_T_STRING, "a", "min of strings");
  expect_text(agg("max", rows, 4, NULL, KQL_T_STRING), KQL_T_STRING, "c", "max of strings");
}
END_TEST

START_TEST(min_keeps_its_value_after_the_batch_is_gone) {
  char buf[] = "zzz";
  kql_value rows[] = {val_str(buf, 3)};
  const fn_def *f = fn("min");
  void *st = arena_alloc(C.keep, f->state_size);
  f->step(&C, st, rows, 1);
  memcpy(buf, "aaa", 3); /* the batch's memory is reused */
  kql_value out;
  f->final(&C, st, KQL_T_STRING, &out);
  expect_text(out, KQL_T_STRING, "zzz", "min copied into the group arena");
}
END_TEST

START_TEST(sum_adds_non_null_values) {
  kql_value longs[] = {val_long(1), val_long(2), val_null(KQL_T_LONG), val_long(3)};
  expect_long(agg("sum", longs, 4, NULL, KQL_T_LONG), KQL_T_LONG, 6, "sum of longs");
  kql_value reals[] = {val_real(1.5), val_null(KQL_T_REAL), val_real(2.5)};
  expect_real(agg("sum", reals, 3, NULL, KQL_T_REAL), 4.0, "sum of reals");
  kql_value spans[] = {val_timespan(TICK_H), val_timespan(30 * TICK_M)};
  expect_long(agg("sum", spans, 2, NULL, KQL_T_TIMESPAN), KQL_T_TIMESPAN, 90 * TICK_M,
              "sum of timespans");
}
END_TEST

START_TEST(sum_of_no_rows_is_zero) {
  /* summarize-operator.md, "Aggregates default values": sum() over no rows gives 0 */
  expect_long(agg("sum", NULL, 0, NULL, KQL_T_LONG), KQL_T_LONG, 0, "sum over none");
}
END_TEST

START_TEST(avg_averages_non_null_values) {
  kql_value rows[] = {val_long(1), val_long(2), val_long(3), val_long(4)};
  expect_real(agg("avg", rows, 4, NULL, KQL_T_REAL), 2.5, "avg(1..4)");
  kql_value gaps[] = {val_real(5.0), val_null(KQL_T_REAL), val_real(5.0), val_real(5.0)};
  expect_real(agg("avg", gaps, 4, NULL, KQL_T_REAL), 5.0, "avg skips null");
  kql_value spans[] = {val_timespan(TICK_H), val_timespan(2 * TICK_H)};
  expect_long(agg("avg", spans, 2, NULL, KQL_T_TIMESPAN), KQL_T_TIMESPAN, 90 * TICK_M,
              "avg of timespans");
}
END_TEST

START_TEST(avg_of_no_rows_is_null) {
  expect_null(agg("avg", NULL, 0, NULL, KQL_T_REAL), KQL_T_REAL, "avg over none");
  kql_value nul[] = {val_null(KQL_T_REAL)};
  expect_null(agg("avg", nul, 1, NULL, KQL_T_REAL), KQL_T_REAL, "avg of null");
}
END_TEST

START_TEST(dcount_counts_distinct_non_null_values) {
  kql_value rows[] = {val_long(1), val_long(2), val_long(2), val_null(KQL_T_LONG), val_long(3)};
  expect_long(agg("dcount", rows, 5, NULL, KQL_T_LONG), KQL_T_LONG, 3, "dcount");
  kql_value strs[] = {S("a"), S("A"), S("a")};
  expect_long(agg("dcount", strs, 3, NULL, KQL_T_LONG), KQL_T_LONG, 2, "dcount is case-sensitive");
  expect_long(agg("dcount", rows, 0, NULL, KQL_T_LONG), KQL_T_LONG, 0, "dcount over none");
}
END_TEST

START_TEST(dcount_counts_many_values_exactly) {
  enum { N = 5000 };
  static kql_value rows[2 * N];
  for (int i = 0; i < N; i++) rows[i] = val_long(i), rows[N + i] = val_long(N - 1 - i);
  expect_long(agg("dcount", rows, 2 * N, NULL, KQL_T_LONG), KQL_T_LONG, N, "dcount of 5000");
}
END_TEST

START_TEST(make_set_keeps_distinct_values_in_first_seen_order) {
  kql_value rows[] = {val_long(3), val_long(1), val_long(3), val_null(KQL_T_LONG), val_long(2),
                      val_long(1)};
  expect_text(agg("make_set", rows, 6, NULL, KQL_T_DYNAMIC), KQL_T_DYNAMIC, "[3,1,2]",
              "make_set of longs");
  kql_value strs[] = {S("b"), S("a"), S("b")};
  expect_text(agg("make_set", strs, 3, NULL, KQL_T_DYNAMIC), KQL_T_DYNAMIC, "[\"b\",\"a\"]",
              "make_set of strings");
  expect_text(agg("make_set", rows, 0, NULL, KQL_T_DYNAMIC), KQL_T_DYNAMIC, "[]",
              "make_set over none");
}
END_TEST

START_TEST(make_set_stops_at_its_size_cap) {
  kql_value rows[] = {val_long(1), val_long(2), val_long(1), val_long(3), val_long(4)};
  kql_value cap = val_long(2);
  expect_text(agg("make_set", rows, 5, &cap, KQL_T_DYNAMIC), KQL_T_DYNAMIC, "[1,2]",
              "make_set(x, 2)");
}
END_TEST

START_TEST(make_set_of_arrays_is_the_union_of_their_elements) {
  /* make-set-aggregation-function.md, "Set from array column" */
  kql_value rows[] = {DYN("[\"A1\",\"A2\",\"A3\"]"), DYN("[\"A2\",\"C1\"]"), DYN("[\"C2\",\"A3\"]"),
                      DYN("[\"C2\",\"A1\"]")};
  expect_text(agg("make_set", rows, 4, NULL, KQL_T_DYNAMIC), KQL_T_DYNAMIC,
              "[\"A1\",\"A2\",\"A3\",\"C1\",\"C2\"]", "make_set of arrays");
}
END_TEST

START_TEST(legacy_makeset_caps_at_128_by_default) {
  /* "The deprecated version has a default maxSize limit of 128." */
  enum { N = 200 };
  static kql_value rows[N];
  for (int i = 0; i < N; i++) rows[i] = val_long(i);
  kql_value out = agg("makeset", rows, N, NULL, KQL_T_DYNAMIC);
  ck_assert_int_eq(out.type, KQL_T_DYNAMIC);
  int commas = 0;
  for (size_t i = 0; i < out.u.s.n; i++) commas += out.u.s.p[i] == ',';
  ck_assert_msg(commas + 1 == 128, "makeset kept %d values", commas + 1);
}
END_TEST

START_TEST(make_list_keeps_every_value_in_order_up_to_its_cap) {
  kql_value rows[] = {val_long(1), val_long(1), val_null(KQL_T_LONG), val_long(2)};
  expect_text(agg("make_list", rows, 4, NULL, KQL_T_DYNAMIC), KQL_T_DYNAMIC, "[1,1,2]",
              "make_list");
  kql_value cap = val_long(2);
  expect_text(agg("make_list", rows, 4, &cap, KQL_T_DYNAMIC), KQL_T_DYNAMIC, "[1,1]",
              "make_list(x, 2)");
  expect_text(agg("make_list", rows, 0, NULL, KQL_T_DYNAMIC), KQL_T_DYNAMIC, "[]",
              "make_list over none");
  kql_value strs[] = {S("triangle"), S("square")};
  expect_text(agg("make_list", strs, 2, NULL, KQL_T_DYNAMIC), KQL_T_DYNAMIC,
              "[\"triangle\",\"square\"]", "make_list of strings");
}
END_TEST

Suite *func_suite(void) {
  Suite *s = suite_create("func");
  fill_nulls();
  struct {
    const char *name;
    const TTest *test;
    int n;
  } cases[] = {
#define LOOP(fn, n) {#fn, fn, (int)(n)}
#define TABLE(fn, table) LOOP(fn, sizeof table / sizeof table[0])
#define ONE(fn) {#fn, fn, 0}
      ONE(registry_is_sorted_by_name_without_duplicates),
      ONE(help_lists_the_binder_forms_with_the_table_sorted),
      ONE(every_registered_name_is_found_by_lookup),
      ONE(no_registered_name_is_also_listed_as_unsupported),
      ONE(every_entry_is_well_formed),
      TABLE(arity_matches_the_reference, arities),
      TABLE(result_type_follows_the_reference, result_types),
      ONE(now_is_the_pinned_instant_plus_an_offset),
      ONE(ago_subtracts_from_the_pinned_now),
      ONE(bin_rounds_longs_down_to_a_multiple),
      ONE(bin_rounds_reals_down_to_a_multiple),
      ONE(bin_of_a_long_by_a_real_size_is_real),
      ONE(bin_rounds_datetimes_down_to_a_multiple),
      ONE(bin_rounds_timespans_down_to_a_multiple),
      ONE(bin_of_null_or_negative_size_is_null),
      ONE(tostring_writes_values_and_null_as_empty),
      ONE(tolower_and_toupper_change_letter_case),
      ONE(tolower_and_toupper_change_non_ascii_letters),
      TABLE(strlen_counts_code_points, strlens),
      ONE(strcat_joins_values_as_strings),
      ONE(strcat_takes_up_to_64_arguments),
      LOOP(isempty_and_isnull_follow_their_value_tables, n_nulls),
      ONE(parse_json_of_an_empty_string_is_null),
      ONE(iff_picks_a_branch_by_the_condition),
      ONE(not_negates_and_keeps_null),
      ONE(tolong_and_toint_convert_or_give_null),
      ONE(toreal_converts_or_gives_null),
      ONE(todatetime_and_totimespan_parse_text),
      ONE(tobool_converts_text_and_numbers),
      ONE(parse_json_parses_json_text_or_keeps_the_string),
      ONE(count_counts_every_row),
      ONE(countif_counts_rows_where_the_predicate_is_true),
      ONE(min_and_max_skip_nulls),
      ONE(min_and_max_skip_empty_strings),
      ONE(min_keeps_its_value_after_the_batch_is_gone),
      ONE(sum_adds_non_null_values),
      ONE(sum_of_no_rows_is_zero),
      ONE(avg_averages_non_null_values),
      ONE(avg_of_no_rows_is_null),
      ONE(dcount_counts_distinct_non_null_values),
      ONE(dcount_counts_many_values_exactly),
      ONE(make_set_keeps_distinct_values_in_first_seen_order),
      ONE(make_set_stops_at_its_size_cap),
      ONE(make_set_of_arrays_is_the_union_of_their_elements),
      ONE(legacy_makeset_caps_at_128_by_default),
      ONE(make_list_keeps_every_value_in_order_up_to_its_cap),
#undef ONE
#undef TABLE
#undef LOOP
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    TCase *tc = tcase_create(cases[i].name);
    tcase_add_checked_fixture(tc, setup, teardown);
    if (cases[i].n > 0) tcase_add_loop_test(tc, cases[i].test, 0, cases[i].n);
    else tcase_add_test(tc, cases[i].test);
    suite_add_tcase(s, tc);
  }
  return s;
}
