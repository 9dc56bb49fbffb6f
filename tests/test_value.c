/*
** test_value.c: Check suite for src/value.c (compare, equality, hashing, tostring, type
** names) and the value side of src/json.c (real formatting, dynamic literals, arrays,
** member and index access, JSON fields converted to column types).  Expected texts follow
** the KQL reference (scalar data types, tostring(), the timespan and datetime pages) and
** DESIGN.md section 5; tick counts were worked out with Python's datetime, not with kql.
*/
#include <check.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "value.h"

Suite *value_suite(void);

#define TICK_S INT64_C(10000000)
#define TICK_M (INT64_C(60) * TICK_S)
#define TICK_H (INT64_C(60) * TICK_M)
#define TICK_D (INT64_C(24) * TICK_H)
#define T_2026_05_30_123456 INT64_C(639157412960000000) /* 2026-05-30T12:34:56Z */
#define T_1970_01_01 INT64_C(621355968000000000)
#define T_2020_01_01 INT64_C(637134336000000000)

static arena *A;

static void setup(void) { A = arena_new(); }
static void teardown(void) { arena_free(A); }

static kql_value S(const char *s) { return val_str(s, strlen(s)); }
static kql_value DYN(const char *s) { return val_strtype(KQL_T_DYNAMIC, s, strlen(s)); }
static kql_value GUID(const char *s) { return val_strtype(KQL_T_GUID, s, strlen(s)); }

/* Assert that string-like 'v' has type 't' and holds exactly 'want'. */
static void expect_text(kql_value v, kql_type t, const char *want, const char *what) {
  ck_assert_msg(v.type == t, "%s: type %s, want %s", what, val_type_name(v.type),
                val_type_name(t));
  ck_assert_msg(!v.isnull, "%s: null, want <%s>", what, want);
  ck_assert_msg(v.u.s.n == strlen(want) && memcmp(v.u.s.p, want, v.u.s.n) == 0,
                "%s: <%.*s>, want <%s>", what, (int)v.u.s.n, v.u.s.p, want);
}

/* ---- val_compare -------------------------------------------------------------------- */

typedef struct {
  kql_value a, b; /* operands */
  int sign;       /* expected sign of val_compare(a, b) */
  const char *what;
} cmp_case;

static int sign(int x) { return (x > 0) - (x < 0); }

static cmp_case cmp_cases[16 + 16];
static int n_cmp;

static void add_cmp(kql_value a, kql_value b, int s, const char *what) {
  cmp_cases[n_cmp++] = (cmp_case){a, b, s, what};
}

static void fill_cmp(void) {
  if (n_cmp) return;
  add_cmp(val_null(KQL_T_LONG), val_long(0), -1, "null long < 0");
  add_cmp(val_long(0), val_null(KQL_T_LONG), 1, "0 > null long");
  add_cmp(val_null(KQL_T_LONG), val_null(KQL_T_LONG), 0, "null == null");
  add_cmp(val_null(KQL_T_REAL), val_real(-1e300), -1, "null real < -1e300");
  add_cmp(val_long(1), val_long(2), -1, "1 < 2");
  add_cmp(val_long(-5), val_long(3), -1, "-5 < 3");
  add_cmp(val_long(INT64_C(9007199254740993)), val_long(INT64_C(9007199254740992)), 1,
          "2^53+1 > 2^53 exactly");
  add_cmp(val_long(INT64_MAX), val_long(INT64_MAX - 1), 1, "max > max-1");
  add_cmp(val_int(5), val_long(5), 0, "int 5 == long 5");
  add_cmp(val_long(2), val_real(2.5), -1, "2 < 2.5");
  add_cmp(val_real(3.0), val_long(3), 0, "3.0 == 3");
  add_cmp(val_real(-0.5), val_real(0.25), -1, "-0.5 < 0.25");
  add_cmp(S("a"), S("b"), -1, "a < b");
  add_cmp(S("a"), S("ab"), -1, "a < ab");
  add_cmp(S(""), S("a"), -1, "empty < a");
  add_cmp(S("B"), S("a"), -1, "ordinal: B < a");
  add_cmp(S("abc"), S("abc"), 0, "abc == abc");
  add_cmp(val_datetime(T_1970_01_01), val_datetime(T_2020_01_01), -1, "1970 < 2020");
  add_cmp(val_timespan(-TICK_H), val_timespan(TICK_S), -1, "-1h < 1s");
  add_cmp(val_bool(false), val_bool(true), -1, "false < true");
}

START_TEST(compare_orders_nulls_first_then_by_value) {
  fill_cmp();
  ck_assert_int_lt(_i, n_cmp);
  const cmp_case *c = &cmp_cases[_i];
  int got = sign(val_compare(&c->a, &c->b));
  ck_assert_msg(got == c->sign, "%s: got %d", c->what, got);
  /* antisymmetric */
  ck_assert_msg(sign(val_compare(&c->b, &c->a)) == -c->sign, "%s reversed", c->what);
}
END_TEST

/* ---- val_equal and val_hash --------------------------------------------------------- */

typedef struct {
  kql_value a, b;
  bool equal;
  const char *what;
} eq_case;

static eq_case eq_cases[32];
static int n_eq;

static void add_eq(kql_value a, kql_value b, bool e, const char *what) {
  eq_cases[n_eq++] = (eq_case){a, b, e, what};
}

static void fill_eq(void) {
  if (n_eq) return;
  add_eq(val_int(5), val_long(5), true, "int 5, long 5");
  add_eq(val_long(5), val_real(5.0), true, "long 5, real 5.0");
  add_eq(val_int(5), val_real(5.0), true, "int 5, real 5.0");
  add_eq(val_real(0.0), val_real(-0.0), true, "0.0, -0.0");
  add_eq(val_long(5), val_real(5.5), false, "long 5, real 5.5");
  add_eq(val_null(KQL_T_LONG), val_null(KQL_T_LONG), true, "null long twice");
  add_eq(val_null(KQL_T_LONG), val_long(0), false, "null long, 0");
  add_eq(val_null(KQL_T_DATETIME), val_null(KQL_T_LONG), true, "null datetime, null long");
  add_eq(S("a"), S("a"), true, "\"a\" twice");
  add_eq(S("a"), S("A"), false, "\"a\", \"A\"");
  add_eq(S(""), S(""), true, "empty strings");
  add_eq(S("5"), val_long(5), false, "\"5\", 5");
  add_eq(val_datetime(TICK_D), val_timespan(TICK_D), false, "datetime, timespan of same ticks");
  add_eq(val_bool(true), val_bool(true), true, "true twice");
  add_eq(val_bool(true), val_long(1), false, "true, 1");
  add_eq(DYN("[1,2]"), DYN("[1,2]"), true, "dynamic [1,2] twice");
  add_eq(val_datetime(T_2020_01_01), val_datetime(T_2020_01_01), true, "same datetime");
}

START_TEST(equal_matches_like_values_and_numbers_across_types) {
  fill_eq();
  ck_assert_int_lt(_i, n_eq);
  const eq_case *c = &eq_cases[_i];
  ck_assert_msg(val_equal(&c->a, &c->b) == c->equal, "%s", c->what);
  ck_assert_msg(val_equal(&c->b, &c->a) == c->equal, "%s reversed", c->what);
}
END_TEST

START_TEST(equal_values_hash_equal) {
  fill_eq();
  ck_assert_int_lt(_i, n_eq);
  const eq_case *c = &eq_cases[_i];
  if (!val_equal(&c->a, &c->b)) return; /* only the equal pairs bind the hash */
  ck_assert_msg(val_hash(&c->a) == val_hash(&c->b), "%s: hashes %llx and %llx differ", c->what,
                (unsigned long long)val_hash(&c->a), (unsigned long long)val_hash(&c->b));
}
END_TEST

START_TEST(hash_depends_on_the_bytes_not_the_pointer) {
  char a[] = "TightVNC", b[] = "TightVNC";
  kql_value x = val_str(a, 8), y = val_str(b, 8), z = val_str(a, 5);
  ck_assert(val_hash(&x) == val_hash(&y));
  ck_assert(val_hash(&x) != val_hash(&z)); /* not a guarantee in general, but of FNV here */
}
END_TEST

/* ---- val_tostring ------------------------------------------------------------------- */

typedef struct {
  kql_value v;
  const char *want;
  const char *what;
} str_case;

static str_case str_cases[48];
static int n_str;

static void add_str(kql_value v, const char *want, const char *what) {
  str_cases[n_str++] = (str_case){v, want, what};
}

static void fill_str(void) {
  if (n_str) return;
  add_str(val_long(123), "123", "long");
  add_str(val_long(-5), "-5", "negative long");
  add_str(val_long(INT64_MIN), "-9223372036854775808", "long min");
  add_str(val_int(7), "7", "int");
  add_str(val_real(1.5), "1.5", "real 1.5");
  add_str(val_real(2.0), "2", "real 2.0");
  add_str(val_real(0.1), "0.1", "real 0.1");
  add_str(val_real(-0.5), "-0.5", "real -0.5");
  add_str(val_real(123456.789), "123456.789", "real 123456.789");
  add_str(val_real(NAN), "NaN", "real NaN");
  add_str(val_real(INFINITY), "Infinity", "real +inf");
  add_str(val_real(-INFINITY), "-Infinity", "real -inf");
  add_str(val_bool(true), "true", "bool true");
  add_str(val_bool(false), "false", "bool false");
  /* tostring() writes all seven fraction digits (the reference's hash_md5(datetime) and
  ** reverse(datetime) examples are computed from that text) */
  add_str(val_datetime(T_2026_05_30_123456), "2026-05-30T12:34:56.0000000Z", "datetime");
  add_str(val_datetime(T_2026_05_30_123456 + 1234567), "2026-05-30T12:34:56.1234567Z",
          "datetime with 7 fraction digits");
  add_str(val_datetime(T_2026_05_30_123456 + 1000000), "2026-05-30T12:34:56.1000000Z",
          "datetime with a tenth");
  add_str(val_datetime(0), "0001-01-01T00:00:00.0000000Z", "datetime min");
  add_str(val_datetime(T_1970_01_01), "1970-01-01T00:00:00.0000000Z", "unix epoch");
  add_str(val_timespan(TICK_D), "1.00:00:00", "timespan 1d");
  add_str(val_timespan(90 * TICK_M), "01:30:00", "timespan 90m");
  add_str(val_timespan(16 * TICK_D), "16.00:00:00", "timespan 16d");
  add_str(val_timespan(0), "00:00:00", "timespan 0");
  add_str(val_timespan(TICK_S / 10), "00:00:00.1000000", "timespan 100ms");
  add_str(val_timespan(1), "00:00:00.0000001", "timespan 1 tick");
  add_str(val_timespan(-TICK_S / 2), "-00:00:00.5000000", "timespan -0.5s");
  add_str(val_timespan(-(TICK_D + TICK_H)), "-1.01:00:00", "timespan -1d1h");
  add_str(S("abc"), "abc", "string");
  add_str(S(""), "", "empty string");
  add_str(GUID("74be27de-1e4e-49d9-b579-fe0b331d3642"), "74be27de-1e4e-49d9-b579-fe0b331d3642",
          "guid");
  add_str(DYN("\"abc\""), "abc", "dynamic string");
  add_str(DYN("\"a\\\"b\""), "a\"b", "dynamic string with an escape");
  add_str(DYN("[1,2]"), "[1,2]", "dynamic array");
  add_str(DYN("{\"a\":1}"), "{\"a\":1}", "dynamic bag");
  add_str(DYN("5"), "5", "dynamic number");
  add_str(val_null(KQL_T_LONG), "", "null long");
  add_str(val_null(KQL_T_REAL), "", "null real");
  add_str(val_null(KQL_T_DATETIME), "", "null datetime");
  add_str(val_null(KQL_T_TIMESPAN), "", "null timespan");
  add_str(val_null(KQL_T_BOOL), "", "null bool");
  add_str(val_null(KQL_T_DYNAMIC), "", "null dynamic");
}

START_TEST(tostring_writes_each_type_as_kusto_does) {
  fill_str();
  ck_assert_int_lt(_i, n_str);
  const str_case *c = &str_cases[_i];
  kql_value s = val_tostring(A, c->v);
  expect_text(s, KQL_T_STRING, c->want, c->what);
}
END_TEST

/* ---- val_type_from_name ------------------------------------------------------------- */

static const struct {
  const char *name;
  int type; /* kql_type, or -1 */
} type_names[] = {
    {"bool", KQL_T_BOOL},         {"boolean", KQL_T_BOOL},     {"int", KQL_T_INT},
    {"long", KQL_T_LONG},         {"real", KQL_T_REAL},        {"double", KQL_T_REAL},
    {"decimal", KQL_T_DECIMAL},   {"datetime", KQL_T_DATETIME}, {"date", KQL_T_DATETIME},
    {"timespan", KQL_T_TIMESPAN}, {"time", KQL_T_TIMESPAN},    {"string", KQL_T_STRING},
    {"guid", KQL_T_GUID},         {"uniqueid", KQL_T_GUID},    {"uuid", KQL_T_GUID},
    {"dynamic", KQL_T_DYNAMIC},   {"float", -1},               {"", -1},
    {"lon", -1},                  {"longer", -1},              {"datetime2", -1},
};

START_TEST(type_names_and_their_aliases_resolve) {
  const char *n = type_names[_i].name;
  int got = val_type_from_name(n, strlen(n));
  ck_assert_msg(got == type_names[_i].type, "'%s': got %d, want %d", n, got, type_names[_i].type);
}
END_TEST

START_TEST(type_name_is_matched_on_its_length_only) {
  /* "longitude" cut to 4 bytes is "long" */
  ck_assert_int_eq(val_type_from_name("longitude", 4), KQL_T_LONG);
  ck_assert_int_eq(val_type_from_name("bool", 3), -1);
}
END_TEST

START_TEST(type_names_round_trip) {
  for (int t = KQL_T_BOOL; t < KQL_T_COUNT_; t++) {
    const char *n = val_type_name((kql_type)t);
    ck_assert_msg(val_type_from_name(n, strlen(n)) == t, "%s", n);
  }
}
END_TEST

/* ---- json_format_real --------------------------------------------------------------- */

static const struct {
  double r;
  const char *want;
} reals[] = {
    {1.5, "1.5"},
    {2.0, "2"},
    {0.0, "0"},
    {0.1, "0.1"},
    {-0.25, "-0.25"},
    {100.0, "100"},
    {123456.789, "123456.789"},
    {0.30000000000000004, "0.30000000000000004"}, /* 0.1 + 0.2: shortest round trip */
    {1.0 / 3.0, "0.3333333333333333"},
    {118.0, "118"},
};

START_TEST(real_is_formatted_as_its_shortest_round_trip) {
  char buf[64];
  size_t n = json_format_real(reals[_i].r, buf);
  ck_assert_str_eq(buf, reals[_i].want);
  ck_assert_uint_eq(n, strlen(reals[_i].want));
}
END_TEST

START_TEST(real_specials_are_named) {
  char buf[64];
  ck_assert_uint_eq(json_format_real(NAN, buf), 3);
  ck_assert_str_eq(buf, "NaN");
  json_format_real(INFINITY, buf);
  ck_assert_str_eq(buf, "Infinity");
  json_format_real(-INFINITY, buf);
  ck_assert_str_eq(buf, "-Infinity");
}
END_TEST

/* ---- json_dynamic_literal ----------------------------------------------------------- */

static const struct {
  const char *in;   /* text inside dynamic( ) */
  const char *want; /* compact JSON */
} dynlits[] = {
    {"[1, 2, 3]", "[1,2,3]"},
    {"['a', \"b\"]", "[\"a\",\"b\"]"},
    {"{'k': 'v'}", "{\"k\":\"v\"}"},
    {" { \"a\" : [ true , false , null ] } ", "{\"a\":[true,false,null]}"},
    {"[1.5, -2]", "[1.5,-2]"},
    {"[]", "[]"},
    {"{}", "{}"},
    {"'it\\'s'", "\"it's\""},
    {"'a\\tb'", "\"a\\tb\""},
    {"'\\u00e9'", "\"\xC3\xA9\""},
    {"[datetime(2020-01-01)]", "[\"2020-01-01T00:00:00Z\"]"},
    {"{\"d\": datetime(2026-05-30 12:34:56)}", "{\"d\":\"2026-05-30T12:34:56Z\"}"},
    {"[time(1h), timespan(1.02:03:04)]", "[\"01:00:00\",\"1.02:03:04\"]"},
    {"{\"a\": {\"b\": {\"c\": [[1], [2]]}}}", "{\"a\":{\"b\":{\"c\":[[1],[2]]}}}"},
    {"[9007199254740993]", "[9007199254740993]"},     /* longs are kept exactly */
    {"[9223372036854775807]", "[9223372036854775807]"},
    /* blanks as the query lexer has them: // comments (holding quotes and parentheses), CRLF,
    ** and Unicode spaces such as U+00A0 pasted from web pages */
    {"[\"a\", // it's (a comment)\r\n \"b\"]", "[\"a\",\"b\"]"},
    {"[1,\xC2\xA0\xC2\xA0" "2,\xE2\x80\xAF" "3\xE3\x80\x80]", "[1,2,3]"},
    {"{'k': // note\n 'v'}", "{\"k\":\"v\"}"},
};

START_TEST(dynamic_literal_becomes_strict_compact_json) {
  size_t n = 0, err = 999;
  const char *in = dynlits[_i].in;
  const char *out = json_dynamic_literal(A, in, strlen(in), &n, &err);
  ck_assert_msg(out != NULL, "<%s> rejected at %zu", in, err);
  ck_assert_msg(n == strlen(dynlits[_i].want) && memcmp(out, dynlits[_i].want, n) == 0,
                "<%s>: got <%.*s>, want <%s>", in, (int)n, out, dynlits[_i].want);
}
END_TEST

static const struct {
  const char *in;
  size_t err_off; /* the offending byte */
} bad_dynlits[] = {
    {"[1, 2", 5},   /* runs out */
    {"{a: 1}", 1},  /* unquoted key */
    {"[1 2]", 3},   /* missing comma */
    {"", 0},        /* nothing */
    {"[1] x", 4},   /* trailing text */
    {"['a\\q']", 3}, /* bad escape, at its backslash */
};

START_TEST(bad_dynamic_literal_reports_the_offending_byte) {
  size_t n = 0, err = 999;
  const char *in = bad_dynlits[_i].in;
  const char *out = json_dynamic_literal(A, in, strlen(in), &n, &err);
  ck_assert_msg(out == NULL, "<%s> accepted as <%.*s>", in, (int)n, out ? out : "");
  ck_assert_msg(err == bad_dynlits[_i].err_off, "<%s>: error at %zu, want %zu", in, err,
                bad_dynlits[_i].err_off);
}
END_TEST

START_TEST(deeply_nested_dynamic_literal_is_rejected_not_a_crash) {
  enum { DEPTH = 100000 };
  char *s = malloc(2 * DEPTH + 2);
  for (int i = 0; i < DEPTH; i++) s[i] = '[', s[DEPTH + 1 + i] = ']';
  s[DEPTH] = '1';
  size_t n = 0, err = 0;
  const char *out = json_dynamic_literal(A, s, 2 * DEPTH + 1, &n, &err);
  ck_assert_ptr_null(out);
  ck_assert_uint_le(err, 2 * DEPTH + 1);
  free(s);
}
END_TEST

/* ---- json_make_array ---------------------------------------------------------------- */

START_TEST(make_array_writes_each_value_as_json) {
  kql_value v[] = {val_long(1),     S("a\"b"),          val_bool(true),
                   val_null(KQL_T_LONG), val_real(1.5), val_datetime(T_2020_01_01),
                   val_timespan(TICK_H), DYN("{\"k\":[1]}"), GUID("74be27de-1e4e-49d9-b579-fe0b331d3642"),
                   val_int(-3)};
  kql_value a = json_make_array(A, v, sizeof v / sizeof v[0]);
  expect_text(a, KQL_T_DYNAMIC,
              "[1,\"a\\\"b\",true,null,1.5,\"2020-01-01T00:00:00Z\",\"01:00:00\",{\"k\":[1]},"
              "\"74be27de-1e4e-49d9-b579-fe0b331d3642\",-3]",
              "mixed array");
}
END_TEST

START_TEST(make_array_of_nothing_is_an_empty_array) {
  expect_text(json_make_array(A, NULL, 0), KQL_T_DYNAMIC, "[]", "empty array");
}
END_TEST

START_TEST(make_array_escapes_control_characters) {
  kql_value v[] = {S("a\nb\tc\x01")};
  expect_text(json_make_array(A, v, 1), KQL_T_DYNAMIC, "[\"a\\nb\\tc\\u0001\"]", "escapes");
}
END_TEST

/* ---- json_dyn_member and json_dyn_index --------------------------------------------- */

static const char bag[] = "{\"a\":1,\"b\":{\"c\":\"x\"},\"arr\":[10,20,30],\"s\":\"str\",\"n\":null}";

static const struct {
  const char *key;
  const char *want; /* JSON text, or NULL for a null dynamic */
} members[] = {
    {"a", "1"},          {"b", "{\"c\":\"x\"}"}, {"arr", "[10,20,30]"}, {"s", "\"str\""},
    {"z", NULL},         {"A", NULL}, /* property names are case-sensitive */
    {"", NULL},
};

START_TEST(member_of_a_bag_is_its_json_or_null) {
  const char *k = members[_i].key;
  kql_value v = json_dyn_member(A, DYN(bag), k, strlen(k));
  if (!members[_i].want) {
    ck_assert_msg(v.isnull && v.type == KQL_T_DYNAMIC, "member '%s' not null", k);
  } else {
    expect_text(v, KQL_T_DYNAMIC, members[_i].want, k);
  }
}
END_TEST

START_TEST(member_of_a_json_null_is_null_or_json_null) {
  kql_value v = json_dyn_member(A, DYN(bag), "n", 1);
  ck_assert(v.type == KQL_T_DYNAMIC);
  ck_assert(v.isnull || (v.u.s.n == 4 && memcmp(v.u.s.p, "null", 4) == 0));
}
END_TEST

START_TEST(member_of_a_non_bag_is_null) {
  kql_value arr = DYN("[1,2]"), str = DYN("\"abc\""), nul = val_null(KQL_T_DYNAMIC);
  ck_assert(json_dyn_member(A, arr, "a", 1).isnull);
  ck_assert(json_dyn_member(A, str, "a", 1).isnull);
  ck_assert(json_dyn_member(A, nul, "a", 1).isnull);
}
END_TEST

static const struct {
  int64_t idx;
  const char *want; /* or NULL for null */
} indexes[] = {
    {0, "10"}, {1, "\"x\""}, {2, "[3]"}, {-1, "[3]"}, {-3, "10"}, {3, NULL}, {-4, NULL},
    {INT64_MAX, NULL}, {INT64_MIN + 1, NULL},
};

START_TEST(index_counts_from_the_start_or_negative_from_the_end) {
  kql_value v = json_dyn_index(A, DYN("[10,\"x\",[3]]"), indexes[_i].idx);
  if (!indexes[_i].want) {
    ck_assert_msg(v.isnull, "index %lld not null", (long long)indexes[_i].idx);
  } else {
    expect_text(v, KQL_T_DYNAMIC, indexes[_i].want, "index");
  }
}
END_TEST

START_TEST(index_of_a_non_array_is_null) {
  ck_assert(json_dyn_index(A, DYN(bag), 0).isnull);
  ck_assert(json_dyn_index(A, DYN("5"), 0).isnull);
  ck_assert(json_dyn_index(A, val_null(KQL_T_DYNAMIC), 0).isnull);
}
END_TEST

/* ---- json_to_value ------------------------------------------------------------------ */

typedef struct {
  const char *json; /* a JSON value, or NULL for a missing key */
  kql_type type;    /* the column type */
  json_fit fit;     /* expected outcome */
} fit_case;

/* Convert the JSON text 'json' to 't'. */
static json_fit fit(const char *json, kql_type t, kql_value *out) {
  cJSON *node = json ? cJSON_Parse(json) : NULL;
  ck_assert_msg(!json || node, "bad test JSON %s", json);
  json_fit f = json_to_value(node, t, A, out);
  cJSON_Delete(node);
  return f;
}

static const struct {
  const char *json;
  kql_type type;
  const char *want; /* text of the value for string-like types */
} fit_text[] = {
    {"\"abc\"", KQL_T_STRING, "abc"},
    {"123", KQL_T_STRING, "123"},
    {"1.5", KQL_T_STRING, "1.5"},
    {"true", KQL_T_STRING, "true"},
    {"{\"a\": [1, 2]}", KQL_T_STRING, "{\"a\":[1,2]}"},
    {"\"74be27de-1e4e-49d9-b579-fe0b331d3642\"", KQL_T_GUID, "74be27de-1e4e-49d9-b579-fe0b331d3642"},
    {"{\"a\": [1, 2]}", KQL_T_DYNAMIC, "{\"a\":[1,2]}"},
    {"\"s\"", KQL_T_DYNAMIC, "\"s\""},
    {"5", KQL_T_DYNAMIC, "5"},
    {"[]", KQL_T_DYNAMIC, "[]"},
};

START_TEST(json_field_converts_to_string_guid_and_dynamic_columns) {
  kql_value v;
  json_fit f = fit(fit_text[_i].json, fit_text[_i].type, &v);
  ck_assert_msg(f == JSON_FIT_OK, "%s: fit %d", fit_text[_i].json, (int)f);
  expect_text(v, fit_text[_i].type, fit_text[_i].want, fit_text[_i].json);
}
END_TEST

static const struct {
  const char *json;
  kql_type type;
  int64_t want;
} fit_ints[] = {
    {"123", KQL_T_LONG, 123},
    {"-7", KQL_T_LONG, -7},
    {"\"123\"", KQL_T_LONG, 123},
    {"\"-42\"", KQL_T_LONG, -42},
    {"5", KQL_T_INT, 5},
    {"2147483647", KQL_T_INT, 2147483647},
    /* Integers past 2^53 in data files are not exact yet: cJSON reads numbers as doubles
    ** (a known limitation in the README, to be lifted by the reader of issue 6). */
    {"\"2026-05-30T12:34:56Z\"", KQL_T_DATETIME, T_2026_05_30_123456},
    {"\"2026-05-30 12:34:56\"", KQL_T_DATETIME, T_2026_05_30_123456},
    {"\"01:00:00\"", KQL_T_TIMESPAN, TICK_H},
    {"\"1.00:00:00\"", KQL_T_TIMESPAN, TICK_D},
    {"\"-00:00:00.5000000\"", KQL_T_TIMESPAN, -TICK_S / 2},
};

START_TEST(json_field_converts_to_integer_and_time_columns) {
  kql_value v;
  json_fit f = fit(fit_ints[_i].json, fit_ints[_i].type, &v);
  ck_assert_msg(f == JSON_FIT_OK, "%s: fit %d", fit_ints[_i].json, (int)f);
  ck_assert_msg(v.type == fit_ints[_i].type && !v.isnull, "%s: type %s", fit_ints[_i].json,
                val_type_name(v.type));
  ck_assert_msg(v.u.i == fit_ints[_i].want, "%s: %lld, want %lld", fit_ints[_i].json,
                (long long)v.u.i, (long long)fit_ints[_i].want);
}
END_TEST

static const struct {
  const char *json;
  kql_type type;
  double want;
} fit_reals[] = {
    {"1.5", KQL_T_REAL, 1.5},  {"2", KQL_T_REAL, 2.0},     {"\"1.5\"", KQL_T_REAL, 1.5},
    {"-0.25", KQL_T_REAL, -0.25}, {"1.5", KQL_T_DECIMAL, 1.5},
};

START_TEST(json_field_converts_to_real_columns) {
  kql_value v;
  json_fit f = fit(fit_reals[_i].json, fit_reals[_i].type, &v);
  ck_assert_msg(f == JSON_FIT_OK, "%s: fit %d", fit_reals[_i].json, (int)f);
  ck_assert_msg(v.type == fit_reals[_i].type && !v.isnull, "%s: type %s", fit_reals[_i].json,
                val_type_name(v.type));
  ck_assert_msg(v.u.r == fit_reals[_i].want, "%s: %g", fit_reals[_i].json, v.u.r);
}
END_TEST

START_TEST(json_nan_string_converts_to_real_nan) {
  kql_value v;
  ck_assert_int_eq(fit("\"NaN\"", KQL_T_REAL, &v), JSON_FIT_OK);
  ck_assert(isnan(v.u.r));
  ck_assert_int_eq(fit("\"-Infinity\"", KQL_T_REAL, &v), JSON_FIT_OK);
  ck_assert(isinf(v.u.r) && v.u.r < 0);
}
END_TEST

static const struct {
  const char *json;
  bool want;
} fit_bools[] = {
    {"true", true}, {"false", false}, {"\"true\"", true}, {"\"False\"", false}, {"1", true},
    {"0", false},
};

START_TEST(json_field_converts_to_bool_columns) {
  kql_value v;
  json_fit f = fit(fit_bools[_i].json, KQL_T_BOOL, &v);
  ck_assert_msg(f == JSON_FIT_OK, "%s: fit %d", fit_bools[_i].json, (int)f);
  ck_assert_msg(v.type == KQL_T_BOOL && !v.isnull && v.u.b == fit_bools[_i].want, "%s",
                fit_bools[_i].json);
}
END_TEST

static const fit_case fit_misses[] = {
    /* JSON null or a missing key: a null of the column's type */
    {"null", KQL_T_LONG, JSON_FIT_NULL},
    {NULL, KQL_T_LONG, JSON_FIT_NULL},
    {"null", KQL_T_STRING, JSON_FIT_NULL},
    {NULL, KQL_T_DATETIME, JSON_FIT_NULL},
    {"null", KQL_T_DYNAMIC, JSON_FIT_NULL},
    /* present but not of the column's type */
    {"1.5", KQL_T_LONG, JSON_FIT_BAD},
    {"\"abc\"", KQL_T_LONG, JSON_FIT_BAD},
    {"\"12abc\"", KQL_T_LONG, JSON_FIT_BAD},
    {"[1]", KQL_T_LONG, JSON_FIT_BAD},
    {"{\"a\": 1}", KQL_T_LONG, JSON_FIT_BAD},
    {"2147483648", KQL_T_INT, JSON_FIT_BAD},
    {"\"x\"", KQL_T_REAL, JSON_FIT_BAD},
    {"[1.5]", KQL_T_REAL, JSON_FIT_BAD},
    {"\"yes\"", KQL_T_BOOL, JSON_FIT_BAD},
    {"2", KQL_T_BOOL, JSON_FIT_BAD},
    {"\"not a date\"", KQL_T_DATETIME, JSON_FIT_BAD},
    {"\"2026-13-01\"", KQL_T_DATETIME, JSON_FIT_BAD},
    {"123", KQL_T_DATETIME, JSON_FIT_BAD},
    {"\"bad\"", KQL_T_TIMESPAN, JSON_FIT_BAD},
};

START_TEST(json_field_that_does_not_fit_is_a_null_with_its_reason) {
  const fit_case *c = &fit_misses[_i];
  kql_value v = val_long(42);
  json_fit f = fit(c->json, c->type, &v);
  ck_assert_msg(f == c->fit, "%s as %s: fit %d, want %d", c->json ? c->json : "(missing)",
                val_type_name(c->type), (int)f, (int)c->fit);
  ck_assert_msg(v.type == c->type, "%s: type %s", c->json ? c->json : "(missing)",
                val_type_name(v.type));
  /* strings are never null: the null of a string column is "" */
  if (c->type == KQL_T_STRING) ck_assert(!v.isnull && v.u.s.n == 0);
  else ck_assert_msg(v.isnull, "%s as %s: not null", c->json ? c->json : "(missing)",
                     val_type_name(c->type));
}
END_TEST

Suite *value_suite(void) {
  Suite *s = suite_create("value");
  fill_cmp();
  fill_eq();
  fill_str();
  struct {
    const char *name;
    const TTest *test;
    int n;
  } cases[] = {
#define LOOP(fn, n) {#fn, fn, (int)(n)}
#define TABLE(fn, table) LOOP(fn, sizeof table / sizeof table[0])
#define ONE(fn) {#fn, fn, 0}
      LOOP(compare_orders_nulls_first_then_by_value, n_cmp),
      LOOP(equal_matches_like_values_and_numbers_across_types, n_eq),
      LOOP(equal_values_hash_equal, n_eq),
      ONE(hash_depends_on_the_bytes_not_the_pointer),
      LOOP(tostring_writes_each_type_as_kusto_does, n_str),
      TABLE(type_names_and_their_aliases_resolve, type_names),
      ONE(type_name_is_matched_on_its_length_only),
      ONE(type_names_round_trip),
      TABLE(real_is_formatted_as_its_shortest_round_trip, reals),
      ONE(real_specials_are_named),
      TABLE(dynamic_literal_becomes_strict_compact_json, dynlits),
      TABLE(bad_dynamic_literal_reports_the_offending_byte, bad_dynlits),
      ONE(deeply_nested_dynamic_literal_is_rejected_not_a_crash),
      ONE(make_array_writes_each_value_as_json),
      ONE(make_array_of_nothing_is_an_empty_array),
      ONE(make_array_escapes_control_characters),
      TABLE(member_of_a_bag_is_its_json_or_null, members),
      ONE(member_of_a_json_null_is_null_or_json_null),
      ONE(member_of_a_non_bag_is_null),
      TABLE(index_counts_from_the_start_or_negative_from_the_end, indexes),
      ONE(index_of_a_non_array_is_null),
      TABLE(json_field_converts_to_string_guid_and_dynamic_columns, fit_text),
      TABLE(json_field_converts_to_integer_and_time_columns, fit_ints),
      TABLE(json_field_converts_to_real_columns, fit_reals),
      ONE(json_nan_string_converts_to_real_nan),
      TABLE(json_field_converts_to_bool_columns, fit_bools),
      TABLE(json_field_that_does_not_fit_is_a_null_with_its_reason, fit_misses),
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
