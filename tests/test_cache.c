/*
** test_cache.c: Check suite for the table cache (src/catalog.c, src/ops/scan.c): a table is
** read once for many queries, later queries needing more columns add them in one more pass,
** a time window is served through the index with the rows in file order, a changed file is
** read again, bad input fails as when streaming, and a table past the memory limit streams.
** Every result is compared with the same query streamed without a cache, and the expected
** rows are written out by hand.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kql.h"

Suite *cache_suite(void);

/* Rows of table T: file order is not time order; one row has no TimeGenerated, one has
** no time at all. */
static const char *const t_rows =
    "{\"TimeGenerated\":\"2026-05-31T02:30:00Z\",\"Timestamp\":\"2026-05-31T02:30:00Z\",\"k\":\"b\",\"n\":2}\n"
    "{\"TimeGenerated\":\"2026-05-31T01:10:00Z\",\"Timestamp\":\"2026-05-31T01:10:00Z\",\"k\":\"a\",\"n\":1}\n"
    "{\"Timestamp\":\"2026-05-31T02:00:00Z\",\"k\":\"c\",\"n\":3}\n"
    "{\"k\":\"d\",\"n\":4}\n"
    "{\"TimeGenerated\":\"2026-05-31T03:00:00Z\",\"Timestamp\":\"2026-05-31T03:00:00Z\",\"k\":\"e\",\"n\":5}\n";

static char dir[64];
static char path[128];

static void write_file(const char *text) {
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
}

static void setup(void) {
  snprintf(dir, sizeof dir, "/tmp/kql-cache-test.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/T.jsonl", dir);
  write_file(t_rows);
}

static void teardown(void) {
  unlink(path);
  rmdir(dir);
}

static kql_engine *engine(kql_cache *c) {
  kql_engine *e = kql_engine_new();
  kql_diag d;
  ck_assert_int_eq(kql_engine_add_table_file(e, "T", path, &d), KQL_OK);
  kql_engine_set_cache(e, c);
  return e;
}

/* The NDJSON rows of 'q' over 'e' (malloc'ed), or "error: <msg>". */
static char *run(kql_engine *e, const char *q) {
  kql_diag d;
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  kql_query *kq = kql_query_compile(e, q, strlen(q), &d);
  kql_status st = kq ? kql_query_run_to(kq, f, KQL_FMT_NDJSON, 0, &d) : d.code;
  if (st != KQL_OK) fprintf(f, "error: %s", d.msg);
  kql_query_free(kq);
  fclose(f);
  return buf;
}

/* 'q' over a cached engine gives 'want', as over a streaming one. */
static void same(kql_engine *cached, const char *q, const char *want) {
  kql_engine *plain = engine(NULL);
  char *a = run(cached, q), *b = run(plain, q);
  ck_assert_str_eq(b, want);
  ck_assert_str_eq(a, want);
  free(a);
  free(b);
  kql_engine_free(plain);
}

static uint64_t loads(const kql_cache *c) {
  uint64_t l, b;
  kql_cache_stats(c, &l, &b);
  return l;
}

START_TEST(cache_reads_a_table_once_for_many_queries) {
  kql_cache *c = kql_cache_new();
  kql_engine *e = engine(c);
  same(e, "T | summarize s = sum(n)", "{\"s\":15}\n");
  same(e, "T | where n > 3 | project n", "{\"n\":4}\n{\"n\":5}\n");
  ck_assert_uint_eq(loads(c), 1);
  /* a new column: one more pass, for it alone; the rows stay in file order */
  same(e, "T | project k", "{\"k\":\"b\"}\n{\"k\":\"a\"}\n{\"k\":\"c\"}\n{\"k\":\"d\"}\n{\"k\":\"e\"}\n");
  ck_assert_uint_eq(loads(c), 2);
  same(e, "T | where k == 'd' | project n, k", "{\"n\":4,\"k\":\"d\"}\n");
  same(e, "T | count", "{\"Count\":5}\n");
  ck_assert_uint_eq(loads(c), 2);
  kql_engine_free(e);
  kql_cache_free(c);
}
END_TEST

START_TEST(cache_is_shared_by_engines_in_turn) {
  kql_cache *c = kql_cache_new();
  for (int i = 0; i < 3; i++) {
    kql_engine *e = engine(c);
    same(e, "T | take 2 | project n", "{\"n\":2}\n{\"n\":1}\n");
    kql_engine_free(e);
  }
  ck_assert_uint_eq(loads(c), 1);
  uint64_t l, bytes;
  kql_cache_stats(c, &l, &bytes);
  ck_assert_uint_gt(bytes, 0);
  kql_cache_free(c);
}
END_TEST

/* The window [02:00, 03:00] on coalesce(TimeGenerated, Timestamp): b (02:30), c (no
** TimeGenerated, Timestamp 02:00: the lower bound is included) and e (03:00, the upper
** bound), in file order; a (01:10) and d (no time) are outside. */
START_TEST(cache_serves_a_time_window_in_file_order) {
  int64_t from, to;
  ck_assert_int_eq(kql_parse_datetime("2026-05-31T02:00:00Z", &from), 0);
  ck_assert_int_eq(kql_parse_datetime("2026-05-31T03:00:00Z", &to), 0);
  kql_cache *c = kql_cache_new();
  kql_engine *e = engine(c), *plain = engine(NULL);
  for (int pass = 0; pass < 2; pass++) {
    kql_engine_set_window(e, from, to);
    kql_engine_set_window(plain, from, to);
    char *a = run(e, "T | project k"), *b = run(plain, "T | project k");
    ck_assert_str_eq(b, "{\"k\":\"b\"}\n{\"k\":\"c\"}\n{\"k\":\"e\"}\n");
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    /* an empty window */
    kql_engine_set_window(e, to + 1, to + 2);
    a = run(e, "T | count");
    ck_assert_str_eq(a, "{\"Count\":0}\n");
    free(a);
  }
  kql_engine_clear_window(e);
  char *a = run(e, "T | count");
  ck_assert_str_eq(a, "{\"Count\":5}\n");
  free(a);
  ck_assert_uint_eq(loads(c), 1);
  kql_engine_free(e);
  kql_engine_free(plain);
  kql_cache_free(c);
}
END_TEST

START_TEST(cache_reads_a_changed_file_again) {
  kql_cache *c = kql_cache_new();
  kql_engine *e = engine(c);
  same(e, "T | summarize s = sum(n)", "{\"s\":15}\n");
  sleep(1); /* a new modification time even on coarse file systems */
  write_file("{\"k\":\"z\",\"n\":100}\n");
  same(e, "T | summarize s = sum(n)", "{\"s\":100}\n");
  ck_assert_uint_eq(loads(c), 2);
  kql_engine_free(e);
  kql_cache_free(c);
}
END_TEST

START_TEST(cache_fails_on_bad_input_as_streaming_does) {
  write_file("{\"k\":\"a\",\"n\":1}\n{\"k\": nope}\n");
  kql_cache *c = kql_cache_new();
  kql_engine *e = engine(c), *plain = engine(NULL);
  for (int i = 0; i < 2; i++) { /* nothing half-loaded is served the second time */
    char *a = run(e, "T | count"), *b = run(plain, "T | count");
    ck_assert_str_eq(a, b);
    ck_assert(strncmp(a, "error: ", 7) == 0);
    free(a);
    free(b);
  }
  kql_engine_free(e);
  kql_engine_free(plain);
  kql_cache_free(c);
}
END_TEST

START_TEST(cache_streams_a_table_past_the_memory_limit) {
  /* 20000 rows: a column of n alone is 20000 values of 24 bytes, past a 256 KiB limit */
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  for (int i = 1; i <= 20000; i++) fprintf(f, "{\"k\":\"k%d\",\"n\":%d}\n", i, i);
  fclose(f);
  kql_cache *c = kql_cache_new();
  kql_engine *e = engine(c);
  kql_engine_set_max_memory(e, 262144);
  same(e, "T | summarize s = sum(n)", "{\"s\":200010000}\n");
  same(e, "T | where n == 3 | project k", "{\"k\":\"k3\"}\n");
  uint64_t l, bytes;
  kql_cache_stats(c, &l, &bytes);
  ck_assert_uint_eq(l, 1); /* one attempt, then the table streams */
  ck_assert_uint_eq(bytes, 0);
  kql_engine_free(e);
  kql_cache_free(c);
}
END_TEST

Suite *cache_suite(void) {
  Suite *s = suite_create("cache");
  TCase *tc = tcase_create("cache");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, cache_reads_a_table_once_for_many_queries);
  tcase_add_test(tc, cache_is_shared_by_engines_in_turn);
  tcase_add_test(tc, cache_serves_a_time_window_in_file_order);
  tcase_add_test(tc, cache_reads_a_changed_file_again);
  tcase_add_test(tc, cache_fails_on_bad_input_as_streaming_does);
  tcase_add_test(tc, cache_streams_a_table_past_the_memory_limit);
  suite_add_tcase(s, tc);
  return s;
}
