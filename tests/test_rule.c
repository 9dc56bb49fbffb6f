/*
** test_rule.c: Check suite for src/rule.c: taking the query out of Sentinel rule YAML (every
** scalar style, LF and CRLF), the map from query lines to rule-file lines and columns, and
** the errors for bad YAML, a missing or non-string query and aliases.  Expectations are
** written out by hand.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "rule.h"

Suite *rule_suite(void);

#define MAXL 12 /* map entries a case may list */

/* ---- queries and maps ------------------------------------------------------------- */

/* A rule that loads: the query expected and its map, entry by entry. */
typedef struct ok_case {
  const char *yaml;   /* the rule file */
  const char *query;  /* the query expected */
  int nlines;         /* map entries expected */
  long line[MAXL];    /* map->line */
  long col0[MAXL];    /* map->col0 */
} ok_case;

static const ok_case ok_cases[] = {
    /* 0: literal block, LF */
    {"id: 1\nname: Test rule\nquery: |\n  T\n  | where x == 1\nseverity: High\n",
     "T\n| where x == 1\n", 3, {4, 5, 6}, {2, 2, 2}},
    /* 1: the same with CRLF */
    {"id: 1\r\nname: Test rule\r\nquery: |\r\n  T\r\n  | where x == 1\r\nseverity: High\r\n",
     "T\n| where x == 1\n", 3, {4, 5, 6}, {2, 2, 2}},
    /* 2: |- strips the last line break; a more indented line keeps its extra spaces */
    {"query: |-\n    T\n      | take 1\n", "T\n  | take 1", 2, {2, 3}, {4, 4}},
    /* 3: |+ keeps the empty lines at the end */
    {"query: |+\n  T\n\n\nx: 1\n", "T\n\n\n", 4, {2, 3, 4, 5}, {2, 0, 0, 2}},
    /* 4: an indentation indicator: the first line keeps two of its four spaces */
    {"query: |2\n    T\n  | take 1\n", "  T\n| take 1\n", 3, {2, 3, 4}, {2, 2, 0}},
    /* 5: a comment after the indicator; trailing spaces are part of the line */
    {"query: | # the query\n  T  \n  | take 1\n", "T  \n| take 1\n", 3, {2, 3, 4}, {2, 2, 0}},
    /* 6: a tab inside a line */
    {"query: |\n  T\t| take 1\n", "T\t| take 1\n", 2, {2, 3}, {2, 0}},
    /* 7: NEL (U+0085) breaks lines for YAML but not for the renderer, which counts '\n' */
    {"query: |\n  T\xc2\x85  | take 1\n", "T\n| take 1\n", 3, {2, 2, 3}, {2, 7, 0}},
    /* 8: a tag before the indicator */
    {"query: !!str |\n  T\n", "T\n", 2, {2, 3}, {2, 0}},
    /* 9: a verbatim tag holding a '>' before the indicator */
    {"query: !<tag:yaml.org,2002:str> |\n  T\n", "T\n", 2, {2, 3}, {2, 0}},
    /* 10: folded: each query line maps to the file line it starts on */
    {"query: >\n  T\n  | where a\n  == 1\n\n  | take 1\nx: y\n", "T | where a == 1\n| take 1\n",
     3, {2, 6, 7}, {2, 2, 0}},
    /* 11: the same with CRLF */
    {"query: >\r\n  T\r\n  | where a\r\n  == 1\r\n\r\n  | take 1\r\nx: y\r\n",
     "T | where a == 1\n| take 1\n", 3, {2, 6, 7}, {2, 2, 0}},
    /* 12: double quoted: after the quote */
    {"query: \"T | take 1\"\n", "T | take 1", 1, {1}, {8}},
    /* 13: double quoted with a "\n" escape: every line maps to the start */
    {"query: \"T\\n| take 1\"\n", "T\n| take 1", 2, {1, 1}, {8, 8}},
    /* 14: single quoted with a doubled quote */
    {"query: 'T | where a == ''x'''\n", "T | where a == 'x'", 1, {1}, {8}},
    /* 15: plain */
    {"query: T | take 1\n", "T | take 1", 1, {1}, {7}},
    /* 16: plain over two lines folds into one */
    {"query: T\n  | take 1\nx: 1\n", "T | take 1", 1, {1}, {7}},
    /* 17: plain over two paragraphs */
    {"query: T\n  | take 1\n\n  | count\n", "T | take 1\n| count", 2, {1, 4}, {7, 2}},
    /* 18: plain with a comment after it */
    {"query: T # all of T\n", "T", 1, {1}, {7}},
    /* 19: libyaml counts characters; the map counts bytes */
    {"name: h\xc3\xa9llo\nquery: T | take 1\n", "T | take 1", 1, {2}, {7}},
    /* 20: a byte order mark, then a literal block */
    {"\xef\xbb\xbfquery: |\n  T\n", "T\n", 2, {2, 3}, {2, 0}},
    /* 21: a byte order mark is three bytes of line 1 */
    {"\xef\xbb\xbfquery: T\n", "T", 1, {1}, {10}},
    /* 22: after a byte order mark, line 2 starts at column 1 like any other */
    {"\xef\xbb\xbfid: 1\nquery: T\n", "T", 1, {2}, {7}},
    /* 23: a comment ends a plain scalar in the middle of a line */
    {"query: T\n\n  | count # c\n", "T\n| count", 2, {1, 3}, {7, 2}},
    /* 24: a quoted key */
    {"\"query\": 'T'\n", "T", 1, {1}, {10}},
    /* 25: a complex key before the query does not shift keys and values */
    {"? [query]\n: x\nquery: T\n", "T", 1, {3}, {7}},
    /* 26: only the first document is read */
    {"query: T\n---\nquery: U\n", "T", 1, {1}, {7}},
};

START_TEST(query_is_extracted_with_a_map_to_the_file) {
  const ok_case *c = &ok_cases[_i];
  kql_diag d;
  memset(&d, 0, sizeof d);
  rule_file *r = rule_parse("rule.yaml", c->yaml, strlen(c->yaml), &d);
  ck_assert_msg(r != NULL, "case %d: %s", _i, d.msg);
  ck_assert_str_eq(r->query, c->query);
  ck_assert_uint_eq(r->query_len, strlen(c->query));
  ck_assert_int_eq(r->map.nlines, c->nlines);
  for (int k = 0; k < c->nlines; k++) {
    ck_assert_msg(r->map.line[k] == c->line[k], "case %d line %d: file line %ld, want %ld", _i,
                  k, r->map.line[k], c->line[k]);
    ck_assert_msg(r->map.col0[k] == c->col0[k], "case %d line %d: col0 %ld, want %ld", _i, k,
                  r->map.col0[k], c->col0[k]);
  }
  ck_assert_ptr_eq(r->map.text, r->text);
  ck_assert_uint_eq(r->map.len, strlen(c->yaml));
  ck_assert_mem_eq(r->text, c->yaml, strlen(c->yaml));
  rule_free(r);
}
END_TEST

START_TEST(name_and_id_are_taken_when_they_are_strings) {
  static const char y1[] = "id: 42\nname: 'My rule'\nquery: T\n";
  kql_diag d;
  rule_file *r = rule_parse("r.yaml", y1, sizeof y1 - 1, &d);
  ck_assert_ptr_nonnull(r);
  ck_assert_pstr_eq(r->id, "42");
  ck_assert_pstr_eq(r->name, "My rule");
  ck_assert_str_eq(r->path, "r.yaml");
  rule_free(r);

  static const char y2[] = "name: [a]\nid: {x: 1}\nquery: T\n";
  r = rule_parse("r.yaml", y2, sizeof y2 - 1, &d);
  ck_assert_ptr_nonnull(r);
  ck_assert_ptr_null(r->name);
  ck_assert_ptr_null(r->id);
  rule_free(r);
}
END_TEST

/* ---- errors ----------------------------------------------------------------------- */

/* A rule that does not load. */
typedef struct bad_case {
  const char *yaml;    /* the rule file */
  size_t len;          /* its length, or 0 for strlen(yaml) */
  kql_status code;     /* the status expected */
  const char *msg;     /* the message expected */
  const char *hint;    /* the hint expected, or NULL not to check it */
  long line, col;      /* the position expected in the rule file */
} bad_case;

#define LOL9 "[\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"
#define REF9(x) "[*" x ",*" x ",*" x ",*" x ",*" x ",*" x ",*" x ",*" x ",*" x "]"

static const bad_case bad_cases[] = {
    /* 0-3: no query */
    {"name: x\nid: 1\n", 0, KQL_ERR_SYNTAX, "rule file has no 'query'", "", 0, 0},
    {"rule:\n  query: T\n", 0, KQL_ERR_SYNTAX, "rule file has no 'query'", "", 0, 0},
    {"- query: T\n", 0, KQL_ERR_SYNTAX, "rule file has no 'query'", "", 0, 0},
    {"", 0, KQL_ERR_SYNTAX, "rule file has no 'query'", "", 0, 0},
    /* 4-9: bad YAML, at libyaml's position, column in bytes */
    {"a: b: c\n", 0, KQL_ERR_SYNTAX, "mapping values are not allowed in this context", "", 1, 5},
    {"id: 1\r\nquery: T\r\na: b: c\r\n", 0, KQL_ERR_SYNTAX,
     "mapping values are not allowed in this context", NULL, 3, 5},
    {"n: \xc3\xa9\na: \xc3\xa9: c\n", 0, KQL_ERR_SYNTAX,
     "mapping values are not allowed in this context", NULL, 2, 6},
    {"query: \"T\n", 0, KQL_ERR_SYNTAX, "found unexpected end of stream",
     "while scanning a quoted scalar that started at 1:8", 2, 1},
    {"query:\n  - T\n\tx: 1\n", 0, KQL_ERR_SYNTAX,
     "found a tab character that violates indentation", NULL, 3, 1},
    {"query: [1]\na: b: c\n", 0, KQL_ERR_SYNTAX, /* bad YAML beats a query that is no string */
     "mapping values are not allowed in this context", NULL, 2, 5},
    /* 10-13: bytes that are not UTF-8 text */
    {"query: T\xff\n", 0, KQL_ERR_SYNTAX, "invalid leading UTF-8 octet (0xff)", NULL, 1, 9},
    {"query: T\0\n", 10, KQL_ERR_SYNTAX, "control characters are not allowed (0x00)", NULL, 1, 9},
    {"\xff\xfeq\0:\0", 6, KQL_ERR_SYNTAX, "invalid leading UTF-8 octet (0xff)", NULL, 1, 1},
    {"\xef\xbb\xbfquery: T\xff\n", 0, KQL_ERR_SYNTAX, "invalid leading UTF-8 octet (0xff)", NULL,
     1, 12},
    /* 14-15: anchors and aliases */
    {"a: &a " LOL9 "\nb: &b " REF9("a") "\nc: &c " REF9("b") "\nd: &d " REF9("c") "\nquery: T\n",
     0, KQL_ERR_SYNTAX, "YAML aliases are not allowed in rule files", "", 1, 4},
    {"name: &n x\nquery: *n\n", 0, KQL_ERR_SYNTAX, "YAML aliases are not allowed in rule files",
     "", 1, 7},
    /* 16-19: a query that is not a string */
    {"query:\n  - T\n  - U\n", 0, KQL_ERR_SYNTAX, "'query' is not a string", "", 2, 3},
    {"query: {a: 1}\n", 0, KQL_ERR_SYNTAX, "'query' is not a string", "", 1, 8},
    {"query: ~\n", 0, KQL_ERR_SYNTAX, "'query' is not a string", "", 1, 8},
    {"id: 1\r\nquery: null\r\n", 0, KQL_ERR_SYNTAX, "'query' is not a string", "", 2, 8},
    /* 20: two queries */
    {"query: T\nquery: U\n", 0, KQL_ERR_SYNTAX, "rule file has more than one 'query'", "", 2, 8},
};

START_TEST(bad_rule_is_refused_with_a_position) {
  const bad_case *c = &bad_cases[_i];
  kql_diag d;
  memset(&d, 0, sizeof d);
  rule_file *r = rule_parse("bad.yaml", c->yaml, c->len ? c->len : strlen(c->yaml), &d);
  ck_assert_msg(r == NULL, "case %d loaded", _i);
  ck_assert_int_eq(d.code, c->code);
  ck_assert_str_eq(d.msg, c->msg);
  if (c->hint) ck_assert_str_eq(d.hint, c->hint);
  ck_assert_int_eq(d.has_span, 0);
  ck_assert_str_eq(d.file, "bad.yaml");
  ck_assert_msg(d.line == c->line && d.col == c->col, "case %d at %ld:%ld, want %ld:%ld", _i,
                d.line, d.col, c->line, c->col);
}
END_TEST

/* ---- the shipped TightVNC rule (CRLF) ----------------------------------------------- */

static const char tightvnc[] =
    "id: 0170143d-c5b9-49c2-ad03-be86564a7855\r\n"
    "name: Remote Management and Monitoring tool - TightVNC - Create Process\r\n"
    "description: |\r\n"
    "    Remote Monitoring and Management (RMM) programs are IT to manage remote endpoints. "
    "Attackers have begun to abuse these programs to persist or provide C2 channels.\r\n"
    "    https://github.com/jischell-msft/RemoteManagementMonitoringTools\r\n"
    "requiredDataConnectors:\r\n"
    "- connectorId: MicrosoftThreatProtection\r\n"
    "  dataTypes:\r\n"
    "  - DeviceProcessEvents\r\n"
    "tactics: CommandAndControl\r\n"
    "relevantTechniques: T1219\r\n"
    "query: |\r\n"
    "  let Time_start = now(-5d);\r\n"
    "  let Time_end = now();\r\n"
    "  //\r\n"
    "  DeviceProcessEvents \r\n"
    "  | where Timestamp between (Time_start..Time_end)\r\n"
    "  | where ProcessVersionInfoCompanyName has 'GlavSoft'\r\n"
    "      and ProcessVersionInfoProductName has 'TightVNC'\r\n"
    "  | summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp), \r\n"
    "      Report=make_set(ReportId), Count=count() by DeviceId, DeviceName\r\n";

static const char tightvnc_query[] =
    "let Time_start = now(-5d);\n"
    "let Time_end = now();\n"
    "//\n"
    "DeviceProcessEvents \n"
    "| where Timestamp between (Time_start..Time_end)\n"
    "| where ProcessVersionInfoCompanyName has 'GlavSoft'\n"
    "    and ProcessVersionInfoProductName has 'TightVNC'\n"
    "| summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp), \n"
    "    Report=make_set(ReportId), Count=count() by DeviceId, DeviceName\n";

START_TEST(tightvnc_rule_maps_its_query_into_the_crlf_file) {
  kql_diag d;
  rule_file *r = rule_parse("rmm.yaml", tightvnc, sizeof tightvnc - 1, &d);
  ck_assert_msg(r != NULL, "%s", d.msg);
  ck_assert_str_eq(r->query, tightvnc_query);
  ck_assert_pstr_eq(r->id, "0170143d-c5b9-49c2-ad03-be86564a7855");
  ck_assert_pstr_eq(r->name, "Remote Management and Monitoring tool - TightVNC - Create Process");
  static const long lines[] = {13, 14, 15, 16, 17, 18, 19, 20, 21, 22};
  static const long cols[] = {2, 2, 2, 2, 2, 2, 2, 2, 2, 0};
  ck_assert_int_eq(r->map.nlines, 10);
  for (int k = 0; k < 10; k++) {
    ck_assert_int_eq(r->map.line[k], lines[k]);
    ck_assert_int_eq(r->map.col0[k], cols[k]);
  }
  /* query line 4 (1-based), "DeviceProcessEvents ", is file line 16 from column 3 */
  ck_assert_int_eq(r->map.line[3], 16);
  ck_assert_int_eq(r->map.col0[3] + 1, 3);
  rule_free(r);
}
END_TEST

START_TEST(query_error_renders_at_the_rule_file_line) {
  kql_diag d;
  rule_file *r = rule_parse("rmm.yaml", tightvnc, sizeof tightvnc - 1, &d);
  ck_assert_ptr_nonnull(r);
  const char *at = strstr(r->query, "ProcessVersionInfoCompanyName");
  ck_assert_ptr_nonnull(at);
  kql_span sp = {(uint32_t)(at - r->query), (uint32_t)(at - r->query) + 29};
  diag_set(&d, KQL_ERR_BIND, sp, "unknown column 'ProcessVersionInfoCompanyName'");
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  kql_diag_render(&d, r->path, r->query, r->query_len, &r->map, f);
  fclose(f);
  ck_assert_str_eq(buf, "rmm.yaml:18:11: error: unknown column 'ProcessVersionInfoCompanyName'\n"
                        "   18 |   | where ProcessVersionInfoCompanyName has 'GlavSoft'\n"
                        "      |           ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
  free(buf);
  rule_free(r);
}
END_TEST

START_TEST(yaml_error_renders_with_file_line_and_column) {
  kql_diag d;
  ck_assert_ptr_null(rule_parse("bad.yaml", "id: 1\nquery: T\na: b: c\n", 22, &d));
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  kql_diag_render(&d, "bad.yaml", NULL, 0, NULL, f);
  fclose(f);
  ck_assert_str_eq(buf, "bad.yaml:3:5: error: mapping values are not allowed in this context\n");
  free(buf);
}
END_TEST

/* ---- files ------------------------------------------------------------------------ */

/* Write 'len' bytes of 'text' to a new temporary file; its path goes to 'path'. */
static void write_temp(char *path, const char *text, size_t len) {
  strcpy(path, "/tmp/kql_rule_XXXXXX");
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
  close(fd);
}

START_TEST(rule_load_reads_a_file) {
  char path[32];
  write_temp(path, tightvnc, sizeof tightvnc - 1);
  kql_diag d;
  rule_file *r = rule_load(path, &d);
  unlink(path);
  ck_assert_msg(r != NULL, "%s", d.msg);
  ck_assert_str_eq(r->path, path);
  ck_assert_uint_eq(r->len, sizeof tightvnc - 1);
  ck_assert_str_eq(r->query, tightvnc_query);
  ck_assert_int_eq(r->map.line[3], 16);
  rule_free(r);
}
END_TEST

START_TEST(rule_load_of_a_missing_file_is_an_io_error) {
  kql_diag d;
  ck_assert_ptr_null(rule_load("/nonexistent/kql/rule.yaml", &d));
  ck_assert_int_eq(d.code, KQL_ERR_IO);
  ck_assert_str_eq(d.file, "/nonexistent/kql/rule.yaml");
  ck_assert_str_eq(d.msg, "cannot open rule file: no such file or directory");
}
END_TEST

START_TEST(rule_load_refuses_a_file_over_16_mib) {
  char path[32];
  write_temp(path, "", 0);
  ck_assert_int_eq(truncate(path, 16L * 1024 * 1024 + 1), 0);
  kql_diag d;
  rule_file *r = rule_load(path, &d);
  unlink(path);
  ck_assert_ptr_null(r);
  ck_assert_int_eq(d.code, KQL_ERR_IO);
  ck_assert_str_eq(d.msg, "rule file is larger than 16 MiB");
}
END_TEST

START_TEST(rule_load_of_a_directory_is_an_io_error) {
  kql_diag d;
  ck_assert_ptr_null(rule_load("/tmp", &d));
  ck_assert_int_eq(d.code, KQL_ERR_IO);
  ck_assert_str_eq(d.msg, "cannot read rule file: is a directory");
}
END_TEST

Suite *rule_suite(void) {
  Suite *s = suite_create("rule");
  const struct {
    const char *name;
    const TTest *test;
    int n; /* loop count for table-driven tests, 0 for one run */
  } cases[] = {
      {"query_is_extracted_with_a_map_to_the_file", query_is_extracted_with_a_map_to_the_file,
       (int)KQL_ARRAY_LEN(ok_cases)},
      {"name_and_id_are_taken_when_they_are_strings", name_and_id_are_taken_when_they_are_strings,
       0},
      {"bad_rule_is_refused_with_a_position", bad_rule_is_refused_with_a_position,
       (int)KQL_ARRAY_LEN(bad_cases)},
      {"tightvnc_rule_maps_its_query_into_the_crlf_file",
       tightvnc_rule_maps_its_query_into_the_crlf_file, 0},
      {"query_error_renders_at_the_rule_file_line", query_error_renders_at_the_rule_file_line, 0},
      {"yaml_error_renders_with_file_line_and_column", yaml_error_renders_with_file_line_and_column,
       0},
      {"rule_load_reads_a_file", rule_load_reads_a_file, 0},
      {"rule_load_of_a_missing_file_is_an_io_error", rule_load_of_a_missing_file_is_an_io_error, 0},
      {"rule_load_refuses_a_file_over_16_mib", rule_load_refuses_a_file_over_16_mib, 0},
      {"rule_load_of_a_directory_is_an_io_error", rule_load_of_a_directory_is_an_io_error, 0},
  };
  for (size_t i = 0; i < KQL_ARRAY_LEN(cases); i++) {
    TCase *tc = tcase_create(cases[i].name);
    if (cases[i].n > 0) tcase_add_loop_test(tc, cases[i].test, 0, cases[i].n);
    else tcase_add_test(tc, cases[i].test);
    suite_add_tcase(s, tc);
  }
  return s;
}
