/*
** test_engine.c: the engine end to end through the public API (kql.h): tables from
** JSON files in a temporary folder, streaming across batch boundaries, schema inference,
** values that do not fit their column, now() pinning, result columns and explain.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kql.h"
#include "suites.h"

static char dir[256];

static void make_dir(void) {
  snprintf(dir, sizeof dir, "/tmp/kql-engine-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void) {
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

static void write_file(const char *name, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  char *slash = strrchr(path, '/');
  if (slash > path + strlen(dir)) {
    *slash = 0;
    mkdir(path, 0700);
    *slash = '/';
  }
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
}

/* Run 'q' over the temporary folder and return its rows as NDJSON (malloc'ed). */
static char *run_ndjson(const char *q, kql_status *st, kql_diag *d, char **warning) {
  kql_engine *e = kql_engine_new();
  ck_assert_int_eq(kql_engine_add_data_dir(e, dir, d), KQL_OK);
  char *out = NULL;
  size_t len = 0;
  kql_query *qq = kql_query_compile(e, q, strlen(q), d);
  if (!qq) {
    *st = d->code;
    kql_engine_free(e);
    return NULL;
  }
  FILE *f = open_memstream(&out, &len);
  *st = kql_query_run_to(qq, f, KQL_FMT_NDJSON, 0, d);
  fclose(f);
  if (warning) *warning = kql_query_warning(qq) ? strdup(kql_query_warning(qq)) : NULL;
  kql_query_free(qq);
  kql_engine_free(e);
  return out;
}

static char *run_ok(const char *q) {
  kql_status st;
  kql_diag d;
  char *out = run_ndjson(q, &st, &d, NULL);
  ck_assert_msg(st == KQL_OK, "query failed: %s", d.msg);
  return out;
}

START_TEST(rows_stream_across_many_batches) {
  make_dir();
  char path[512];
  snprintf(path, sizeof path, "%s/Big.jsonl", dir);
  FILE *f = fopen(path, "w");
  for (int i = 0; i < 5000; i++) fprintf(f, "{\"n\":%d,\"g\":\"k%d\"}\n", i, i % 3);
  fclose(f);
  char *out = run_ok("Big | summarize c=count(), s=sum(n), lo=min(n), hi=max(n) by g");
  /* 0..4999 split by i % 3: counts 1667/1667/1666; sums computed by hand as arithmetic series */
  ck_assert_str_eq(out, "{\"g\":\"k0\",\"c\":1667,\"s\":4165833,\"lo\":0,\"hi\":4998}\n"
                        "{\"g\":\"k1\",\"c\":1667,\"s\":4167500,\"lo\":1,\"hi\":4999}\n"
                        "{\"g\":\"k2\",\"c\":1666,\"s\":4164167,\"lo\":2,\"hi\":4997}\n");
  free(out);
  out = run_ok("Big | where n % 1000 == 999 | project n");
  ck_assert_str_eq(out, "{\"n\":999}\n{\"n\":1999}\n{\"n\":2999}\n{\"n\":3999}\n{\"n\":4999}\n");
  free(out);
  out = run_ok("Big | take 1500 | count");
  ck_assert_str_eq(out, "{\"Count\":1500}\n");
  free(out);
  remove_dir();
}
END_TEST

START_TEST(json_array_and_jsonl_give_the_same_rows) {
  make_dir();
  write_file("A.json", "[\n {\"x\": 1, \"s\": \"a,]\"},\n {\"x\": 2, \"s\": \"b\"}\n]\n");
  write_file("B.jsonl", "{\"x\": 1, \"s\": \"a,]\"}\r\n\r\n{\"x\": 2, \"s\": \"b\"}\r\n");
  char *a = run_ok("A | project s, x");
  char *b = run_ok("B | project s, x");
  ck_assert_str_eq(a, "{\"s\":\"a,]\",\"x\":1}\n{\"s\":\"b\",\"x\":2}\n");
  ck_assert_str_eq(a, b);
  free(a);
  free(b);
  remove_dir();
}
END_TEST

START_TEST(inferred_schema_types_columns_from_their_values) {
  make_dir();
  write_file("T.jsonl", "{\"t\":\"2026-05-30T12:00:00.1234567Z\",\"n\":3,\"r\":1.5,\"b\":true,"
                        "\"s\":\"x\",\"d\":{\"k\":[1,2]}}\n{\"n\":null}\n");
  kql_engine *e = kql_engine_new();
  kql_diag d;
  ck_assert_int_eq(kql_engine_add_data_dir(e, dir, &d), KQL_OK);
  const char *q = "T | take 1";
  kql_query *qq = kql_query_compile(e, q, strlen(q), &d);
  ck_assert_ptr_nonnull(qq);
  const char *want[][2] = {{"t", "datetime"}, {"n", "long"}, {"r", "real"},
                           {"b", "bool"},     {"s", "string"}, {"d", "dynamic"}};
  ck_assert_int_eq(kql_query_ncols(qq), 6);
  for (int i = 0; i < 6; i++) {
    ck_assert_str_eq(kql_query_col_name(qq, i), want[i][0]);
    ck_assert_str_eq(kql_query_col_type(qq, i), want[i][1]);
  }
  kql_query_free(qq);
  kql_engine_free(e);
  remove_dir();
}
END_TEST

START_TEST(a_missing_key_is_null_and_a_missing_string_is_empty) {
  make_dir();
  write_file("T.jsonl", "{\"n\":1,\"s\":\"a\"}\n{\"x\":0}\n");
  char *out = run_ok("T | project n, s, e=isempty(s), nn=isnull(n)");
  ck_assert_str_eq(out, "{\"n\":1,\"s\":\"a\",\"e\":false,\"nn\":false}\n"
                        "{\"n\":null,\"s\":\"\",\"e\":true,\"nn\":true}\n");
  free(out);
  remove_dir();
}
END_TEST

START_TEST(a_value_that_does_not_fit_its_column_is_reported) {
  make_dir();
  write_file("schemas/T.json", "{\"T\": {\"n\": \"long\", \"s\": \"string\"}}");
  write_file("T.jsonl", "{\"n\":1,\"s\":\"a\"}\n{\"n\":\"seven\",\"s\":\"b\"}\n");
  kql_status st;
  kql_diag d;
  char *warning = NULL;
  char *out = run_ndjson("T | project n, s", &st, &d, &warning);
  ck_assert_int_eq(st, KQL_OK);
  ck_assert_str_eq(out, "{\"n\":1,\"s\":\"a\"}\n{\"n\":null,\"s\":\"b\"}\n");
  ck_assert_ptr_nonnull(warning);
  ck_assert_msg(strstr(warning, "1 value did not fit its column's type") != NULL, "%s", warning);
  ck_assert_msg(strstr(warning, "T.jsonl:2: column 'n' expects long, found \"seven\"") != NULL,
                "%s", warning);
  free(out);
  free(warning);
  remove_dir();
}
END_TEST

START_TEST(strict_mode_makes_a_misfit_an_error) {
  make_dir();
  write_file("schemas/T.json", "{\"T\": {\"n\": \"long\"}}");
  write_file("T.jsonl", "{\"n\":1}\n{\"n\":\"seven\"}\n");
  kql_engine *e = kql_engine_new();
  kql_diag d;
  ck_assert_int_eq(kql_engine_add_data_dir(e, dir, &d), KQL_OK);
  kql_engine_set_strict(e, 1);
  kql_query *q = kql_query_compile(e, "T", 1, &d);
  ck_assert_ptr_nonnull(q);
  FILE *f = fopen("/dev/null", "w");
  ck_assert_int_eq(kql_query_run_to(q, f, KQL_FMT_JSON, 0, &d), KQL_ERR_IO);
  fclose(f);
  ck_assert_msg(strstr(d.msg, "column 'n' expects long") != NULL, "%s", d.msg);
  kql_query_free(q);
  kql_engine_free(e);
  remove_dir();
}
END_TEST

START_TEST(now_comes_from_the_data_folder_unless_pinned) {
  make_dir();
  write_file("now.txt", "2026-06-01T00:00:00Z\n");
  write_file("T.jsonl", "{\"x\":1}\n");
  char *out = run_ok("T | project a=now(), b=ago(1d), c=now(-5d)");
  ck_assert_str_eq(out, "{\"a\":\"2026-06-01T00:00:00Z\",\"b\":\"2026-05-31T00:00:00Z\","
                        "\"c\":\"2026-05-27T00:00:00Z\"}\n");
  free(out);
  kql_engine *e = kql_engine_new();
  kql_diag d;
  int64_t t;
  ck_assert_int_eq(kql_engine_add_data_dir(e, dir, &d), KQL_OK);
  ck_assert_int_eq(kql_engine_now(e, &t), 2);
  ck_assert_int_eq(kql_parse_datetime("2020-01-01T00:00:00Z", &t), 0);
  kql_engine_set_now(e, t);
  ck_assert_int_eq(kql_engine_now(e, &t), 1);
  kql_engine_free(e);
  remove_dir();
}
END_TEST

START_TEST(now_txt_applies_only_to_queries_over_the_folder_tables) {
  /* now.txt is the instant the folder's data was exported: a query that reads none of its
  ** tables (print, datatable, a file named with kql_engine_add_table_file) sees the clock */
  make_dir();
  write_file("now.txt", "2020-01-01T00:00:00Z\n");
  write_file("T.jsonl", "{\"x\":1}\n");
  write_file("other.jsonl", "{\"y\":2}\n");
  kql_engine *e = kql_engine_new();
  kql_diag d;
  ck_assert_int_eq(kql_engine_add_data_dir(e, dir, &d), KQL_OK);
  char path[512];
  snprintf(path, sizeof path, "%s/other.jsonl", dir);
  ck_assert_int_eq(kql_engine_add_table_file(e, "U", path, &d), KQL_OK);
  static const struct {
    const char *q;
    int how;  /* kql_query_now() */
    int y2020;  /* now() is the folder's 2020-01-01 */
  } cases[] = {
      {"print a = now() < datetime(2021-01-01)", 0, 0},
      {"datatable(x:long)[1] | project a = ago(1d) < datetime(2021-01-01)", 0, 0},
      {"U | project a = now() < datetime(2021-01-01)", 0, 0},
      {"T | project a = now() < datetime(2021-01-01)", 2, 1},
      {"let k = toscalar(T | count); print a = now() < datetime(2021-01-01) and k == 1", 2, 1},
      {"U | join kind=leftouter (T | project x) on $left.y == $right.x | project a = now() < datetime(2021-01-01)", 2, 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    kql_query *q = kql_query_compile(e, cases[i].q, strlen(cases[i].q), &d);
    ck_assert_msg(q != NULL, "%s: %s", cases[i].q, d.msg);
    int64_t t;
    ck_assert_msg(kql_query_now(q, &t) == cases[i].how, "%s", cases[i].q);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(kql_query_run_to(q, f, KQL_FMT_NDJSON, 0, &d), KQL_OK);
    fclose(f);
    ck_assert_msg(strstr(buf, cases[i].y2020 ? "true" : "false") != NULL, "%s: %s", cases[i].q, buf);
    free(buf);
    kql_query_free(q);
  }
  kql_engine_free(e);
  remove_dir();
}
END_TEST

START_TEST(a_table_with_a_schema_but_no_data_is_a_located_error) {
  make_dir();
  write_file("schemas/Only.json", "{\"Only\": {\"a\": \"string\"}}");
  kql_status st;
  kql_diag d;
  char *out = run_ndjson("Only | take 1", &st, &d, NULL);
  ck_assert_int_eq(st, KQL_ERR_IO);
  ck_assert_str_eq(d.msg, "table 'Only' has a schema but no data file");
  ck_assert_int_eq(d.has_span, 1);
  ck_assert_uint_eq(d.start, 0);
  ck_assert_uint_eq(d.end, 4);
  free(out);
  remove_dir();
}
END_TEST

START_TEST(a_table_name_cannot_leave_its_data_folder) {
  make_dir();
  write_file("T.jsonl", "{\"x\":1}\n");
  kql_status st;
  kql_diag d;
  char *out = run_ndjson("['../T'] | take 1", &st, &d, NULL);
  ck_assert_ptr_null(out);
  ck_assert_int_eq(st, KQL_ERR_BIND);
  ck_assert_str_eq(d.msg, "unknown table '../T'");
  remove_dir();
}
END_TEST

START_TEST(explain_lists_each_step_and_the_columns_read) {
  make_dir();
  write_file("T.jsonl", "{\"a\":1,\"b\":\"x\",\"c\":true}\n");
  kql_engine *e = kql_engine_new();
  kql_diag d;
  ck_assert_int_eq(kql_engine_add_data_dir(e, dir, &d), KQL_OK);
  const char *q = "T\n| where a > 0\n| summarize n=count() by b";
  kql_query *qq = kql_query_compile(e, q, strlen(q), &d);
  ck_assert_ptr_nonnull(qq);
  char *out = NULL;
  size_t len;
  FILE *f = open_memstream(&out, &len);
  kql_query_explain(qq, f);
  fclose(f);
  ck_assert_msg(strstr(out, " 1. scan T ") != NULL, "%s", out);
  ck_assert_msg(strstr(out, "reads 2 of 3 columns: a b]") != NULL, "%s", out);
  ck_assert_msg(strstr(out, " 2. where a > 0\n") != NULL, "%s", out);
  ck_assert_msg(strstr(out, " 3. summarize n=count() by b  [blocking") != NULL, "%s", out);
  ck_assert_msg(strstr(out, "result columns: b:string n:long") != NULL, "%s", out);
  free(out);
  kql_query_free(qq);
  kql_engine_free(e);
  remove_dir();
}
END_TEST

START_TEST(explain_shows_the_plugins_inputs) {
  kql_engine *e = kql_engine_new();
  kql_diag d;
  const char *q = "let L = datatable(net:string, n:long)[\"10.0.0.0/8\",1];\n"
                  "datatable(ip:string, k:string)[\"10.1.1.1\",\"a\"]\n"
                  "| evaluate ipv4_lookup(L, ip, net)\n| evaluate pivot(k, sum(n))";
  kql_query *qq = kql_query_compile(e, q, strlen(q), &d);
  ck_assert_msg(qq != NULL, "%s", d.msg);
  char *out = NULL;
  size_t len;
  FILE *f = open_memstream(&out, &len);
  kql_query_explain(qq, f);
  fclose(f);
  ck_assert_msg(strstr(out, "    ipv4_lookup table (read whole, its ranges sorted by prefix length):\n"
                            " 2. datatable(net:string, n:long)") != NULL, "%s", out);
  ck_assert_msg(strstr(out, " 3. evaluate ipv4_lookup(L, ip, net)\n") != NULL, "%s", out);
  ck_assert_msg(strstr(out, " 4. evaluate pivot(k, sum(n))  [its columns come from the data") != NULL, "%s", out);
  ck_assert_msg(strstr(out, "result columns: ip:string net:string a:long") != NULL, "%s", out);
  free(out);
  kql_query_free(qq);
  kql_engine_free(e);
}
END_TEST

START_TEST(run_into_memory_keeps_every_row) {
  make_dir();
  write_file("T.jsonl", "{\"a\":2}\n{\"a\":1}\n{\"a\":3}\n");
  kql_engine *e = kql_engine_new();
  kql_diag d;
  ck_assert_int_eq(kql_engine_add_data_dir(e, dir, &d), KQL_OK);
  kql_query *q = kql_query_compile(e, "T | sort by a asc", 17, &d);
  ck_assert_ptr_nonnull(q);
  kql_result *r = NULL;
  ck_assert_int_eq(kql_query_run(q, &r, &d), KQL_OK);
  ck_assert_uint_eq(kql_result_nrows(r), 3);
  char *out = NULL;
  size_t len;
  FILE *f = open_memstream(&out, &len);
  kql_result_write(r, f, KQL_FMT_CSV);
  fclose(f);
  ck_assert_str_eq(out, "a\n1\n2\n3\n");
  free(out);
  kql_result_free(r);
  kql_query_free(q);
  kql_engine_free(e);
  remove_dir();
}
END_TEST

START_TEST(a_time_window_keeps_only_the_rows_inside_it) {
  make_dir();
  write_file("schemas/T.json", "{\"T\": {\"TimeGenerated\": \"datetime\", \"n\": \"long\"}}");
  write_file("schemas/D.json", "{\"D\": {\"Timestamp\": \"datetime\", \"n\": \"long\"}}");
  write_file("T.jsonl", "{\"TimeGenerated\":\"2026-05-30T23:59:59.9999999Z\",\"n\":1}\n"
                        "{\"TimeGenerated\":\"2026-05-31T00:00:00Z\",\"n\":2}\n"
                        "{\"TimeGenerated\":\"2026-06-01T00:00:00Z\",\"n\":3}\n"
                        "{\"TimeGenerated\":\"2026-06-01T00:00:00.0000001Z\",\"n\":4}\n");
  write_file("D.jsonl", "{\"Timestamp\":\"2026-05-31T12:00:00Z\",\"n\":5}\n"
                        "{\"Timestamp\":\"2026-05-01T00:00:00Z\",\"n\":6}\n");
  kql_engine *e = kql_engine_new();
  kql_diag d;
  ck_assert_int_eq(kql_engine_add_data_dir(e, dir, &d), KQL_OK);
  int64_t from, to;
  ck_assert_int_eq(kql_parse_datetime("2026-05-31T00:00:00Z", &from), 0);
  ck_assert_int_eq(kql_parse_datetime("2026-06-01T00:00:00Z", &to), 0);
  kql_engine_set_window(e, from, to);
  const char *q = "union T, D | project n";
  kql_query *qq = kql_query_compile(e, q, strlen(q), &d);
  ck_assert_msg(qq != NULL, "%s", d.msg);
  char *out = NULL;
  size_t len;
  FILE *f = open_memstream(&out, &len);
  ck_assert_int_eq(kql_query_run_to(qq, f, KQL_FMT_NDJSON, 0, &d), KQL_OK);
  fclose(f);
  /* both ends inclusive at 100 ns; Defender's Timestamp when there is no TimeGenerated */
  ck_assert_str_eq(out, "{\"n\":2}\n{\"n\":3}\n{\"n\":5}\n");
  free(out);
  kql_query_free(qq);
  kql_engine_clear_window(e);
  qq = kql_query_compile(e, q, strlen(q), &d);
  f = open_memstream(&out, &len);
  ck_assert_int_eq(kql_query_run_to(qq, f, KQL_FMT_NDJSON, 0, &d), KQL_OK);
  fclose(f);
  ck_assert_str_eq(out, "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n{\"n\":5}\n{\"n\":6}\n");
  free(out);
  kql_query_free(qq);
  kql_engine_free(e);
  remove_dir();
}
END_TEST

Suite *engine_suite(void) {
  Suite *s = suite_create("engine");
  struct {
    const char *name;
    const TTest *test;
  } cases[] = {
      {"streaming", rows_stream_across_many_batches},
      {"formats", json_array_and_jsonl_give_the_same_rows},
      {"inference", inferred_schema_types_columns_from_their_values},
      {"missing", a_missing_key_is_null_and_a_missing_string_is_empty},
      {"misfit", a_value_that_does_not_fit_its_column_is_reported},
      {"strict", strict_mode_makes_a_misfit_an_error},
      {"now", now_comes_from_the_data_folder_unless_pinned},
      {"now_txt_scope", now_txt_applies_only_to_queries_over_the_folder_tables},
      {"nodata", a_table_with_a_schema_but_no_data_is_a_located_error},
      {"escape", a_table_name_cannot_leave_its_data_folder},
      {"explain", explain_lists_each_step_and_the_columns_read},
      {"explain-plugins", explain_shows_the_plugins_inputs},
      {"memory", run_into_memory_keeps_every_row},
      {"window", a_time_window_keeps_only_the_rows_inside_it},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    TCase *tc = tcase_create(cases[i].name);
    tcase_add_test(tc, cases[i].test);
    suite_add_tcase(s, tc);
  }
  return s;
}
