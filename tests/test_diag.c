/*
** test_diag.c: Check suite for src/diag.c: filling diagnostics, the "did you mean" helpers,
** offsets to line and column, and kql_diag_render()'s text, compared whole and exactly.
** Every expectation is written out by hand.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

Suite *diag_suite(void);

/* Render 'd' into a string with open_memstream; the caller frees it. */
static char *render(const kql_diag *d, const char *file, const char *src, size_t len,
                    const kql_srcmap *map) {
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  ck_assert_ptr_nonnull(f);
  kql_diag_render(d, file, src, len, map, f);
  fclose(f);
  return buf;
}

/* ---- filling ---------------------------------------------------------------------- */

START_TEST(diag_set_fills_code_span_and_message) {
  kql_diag d;
  memset(&d, 0x5a, sizeof d); /* stale contents must not survive */
  kql_span sp = {20, 24};
  kql_status st = diag_set(&d, KQL_ERR_BIND, sp, "unknown column '%s'", "Stat");
  ck_assert_int_eq(st, KQL_ERR_BIND);
  ck_assert_int_eq(d.code, KQL_ERR_BIND);
  ck_assert_int_eq(d.has_span, 1);
  ck_assert_uint_eq(d.start, 20);
  ck_assert_uint_eq(d.end, 24);
  ck_assert_str_eq(d.msg, "unknown column 'Stat'");
  ck_assert_str_eq(d.hint, "");
  ck_assert_str_eq(d.file, "");
  ck_assert_int_eq(d.line, 0);
  ck_assert_int_eq(d.col, 0);
}
END_TEST

START_TEST(diag_nospan_has_no_span) {
  kql_diag d;
  memset(&d, 0x5a, sizeof d);
  ck_assert_int_eq(diag_nospan(&d, KQL_ERR_RUNTIME, "division by %d", 0), KQL_ERR_RUNTIME);
  ck_assert_int_eq(d.code, KQL_ERR_RUNTIME);
  ck_assert_int_eq(d.has_span, 0);
  ck_assert_str_eq(d.msg, "division by 0");
  ck_assert_str_eq(d.hint, "");
  ck_assert_str_eq(d.file, "");
}
END_TEST

START_TEST(diag_hint_is_kept_after_the_message) {
  kql_diag d;
  kql_span sp = {0, 4};
  diag_set(&d, KQL_ERR_BIND, sp, "unknown column 'Stat'");
  diag_hint(&d, "did you mean '%s'?", "State");
  ck_assert_str_eq(d.msg, "unknown column 'Stat'");
  ck_assert_str_eq(d.hint, "did you mean 'State'?");
}
END_TEST

START_TEST(diag_file_names_the_file_and_position) {
  kql_diag d;
  ck_assert_int_eq(diag_file(&d, KQL_ERR_IO, "data/T.json", 3, 17, "expected '%c'", ','),
                   KQL_ERR_IO);
  ck_assert_int_eq(d.code, KQL_ERR_IO);
  ck_assert_int_eq(d.has_span, 0);
  ck_assert_str_eq(d.file, "data/T.json");
  ck_assert_int_eq(d.line, 3);
  ck_assert_int_eq(d.col, 17);
  ck_assert_str_eq(d.msg, "expected ','");
}
END_TEST

START_TEST(a_null_diag_only_returns_the_code) {
  kql_span sp = {0, 0};
  ck_assert_int_eq(diag_set(NULL, KQL_ERR_TYPE, sp, "x"), KQL_ERR_TYPE);
  ck_assert_int_eq(diag_nospan(NULL, KQL_ERR_IO, "x"), KQL_ERR_IO);
  ck_assert_int_eq(diag_file(NULL, KQL_ERR_IO, "f", 1, 1, "x"), KQL_ERR_IO);
  diag_hint(NULL, "x");
}
END_TEST

START_TEST(a_long_message_is_cut_between_characters) {
  char arg[300];
  memset(arg, 'a', 254);
  memcpy(arg + 254, "\xc3\xa9", 3); /* 'e' acute: bytes 254 and 255 do not both fit */
  kql_diag d;
  diag_nospan(&d, KQL_ERR_BIND, "%s", arg);
  ck_assert_uint_eq(strlen(d.msg), 254);
  ck_assert_int_eq(d.msg[253], 'a');
}
END_TEST

START_TEST(a_long_file_name_is_cut_to_fit) {
  char path[400];
  memset(path, 'p', sizeof path - 1);
  path[sizeof path - 1] = '\0';
  kql_diag d;
  diag_file(&d, KQL_ERR_IO, path, 1, 1, "bad");
  ck_assert_uint_eq(strlen(d.file), 255);
}
END_TEST

/* ---- edit distance ---------------------------------------------------------------- */

#define A70 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static const struct {
  const char *a, *b;
  int want;
} dist_cases[] = {
    {"", "", 0},
    {"abc", "", 3},
    {"", "abc", 3},
    {"kitten", "sitting", 3},
    {"flaw", "lawn", 2},
    {"intention", "execution", 5},
    {"ab", "ba", 2},
    {"Stat", "State", 1},
    {"State", "state", 0},           /* case is ignored */
    {"TIMEGENERATED", "TimeGenerated", 0},
    {A70, A70 "b", 1},              /* longer than the stack row */
    {"b" A70, A70 "b", 2},
};

START_TEST(edit_distance_counts_edits_ignoring_case) {
  ck_assert_int_eq(diag_edit_distance(dist_cases[_i].a, dist_cases[_i].b), dist_cases[_i].want);
  ck_assert_int_eq(diag_edit_distance(dist_cases[_i].b, dist_cases[_i].a), dist_cases[_i].want);
}
END_TEST

/* ---- suggestions ------------------------------------------------------------------ */

static const char *const storm_cols[] = {"State", "Country", "EventType", "TimeGenerated"};
static const char *const long_cols[] = {"ProcessVersionInfoProductName",
                                        "ProcessVersionInfoCompanyName"};
static const char *const ties[] = {"bat", "cot"};
static const char *const with_null[] = {NULL, "State"};
static const char *const with_same[] = {"Stat", "State"};
static const char *const counts[] = {"Count", "Country"};

static const struct {
  const char *name;
  const char *const *names;
  int n;
  const char *want; /* NULL: no suggestion */
} suggest_cases[] = {
    {"Stat", storm_cols, 4, "State"},
    {"state", storm_cols, 4, "State"},                 /* differs only in case */
    {"timegenerated", storm_cols, 4, "TimeGenerated"}, /* differs only in case */
    {"EvntType", storm_cols, 4, "EventType"},
    {"xyz", storm_cols, 4, NULL},
    {"TimeGen", storm_cols, 4, NULL},                  /* 6 edits > 13/3 */
    {"ProcessVersionInfoCompanyNam", long_cols, 2, "ProcessVersionInfoCompanyName"},
    {"Countri", counts, 2, "Country"},           /* closest, not first */
    {"cat", ties, 2, "bat"},                     /* a tie goes to the earlier name */
    {"ab", (const char *const[]){"abcd"}, 1, NULL}, /* 2 edits > max(1, 2/3) */
    {"a", (const char *const[]){"b"}, 1, "b"},     /* 1 edit is always allowed */
    {"Stat", with_null, 2, "State"},
    {"Stat", with_same, 2, "State"},             /* the same name is not suggested */
    {"Stat", storm_cols, 0, NULL},
};

START_TEST(suggest_returns_the_closest_name_within_reach) {
  const char *got = diag_suggest(suggest_cases[_i].name, suggest_cases[_i].names,
                                 suggest_cases[_i].n);
  if (suggest_cases[_i].want) ck_assert_pstr_eq(got, suggest_cases[_i].want);
  else ck_assert_ptr_null(got);
}
END_TEST

/* ---- positions -------------------------------------------------------------------- */

static const struct {
  const char *src;
  size_t off;
  long line, col;
} locate_cases[] = {
    {"", 0, 1, 1},
    {"abc", 2, 1, 3},
    {"abc", 3, 1, 4},
    {"abc", 9, 1, 4},       /* past the end: at the end */
    {"a\nbc", 1, 1, 2},     /* on the '\n' itself */
    {"a\nbc", 2, 2, 1},
    {"a\nbc", 3, 2, 2},
    {"a\r\nb", 3, 2, 1},
    {"\xc3\xa9x", 2, 1, 3}, /* columns count bytes */
    {"a\n\n\nb", 4, 4, 1},
};

START_TEST(locate_gives_one_based_line_and_byte_column) {
  long line = -1, col = -1;
  diag_locate(locate_cases[_i].src, strlen(locate_cases[_i].src), locate_cases[_i].off, &line,
              &col);
  ck_assert_int_eq(line, locate_cases[_i].line);
  ck_assert_int_eq(col, locate_cases[_i].col);
}
END_TEST

/* ---- rendering -------------------------------------------------------------------- */

/* A rendering case: a diagnostic with a span (or none when 'start' is -1) into 'src'. */
typedef struct render_case {
  const char *file;  /* the name passed to kql_diag_render, or NULL */
  const char *src;   /* the query */
  long start, end;   /* the span; start -1 for no span */
  const char *msg;   /* the message */
  const char *hint;  /* the hint, or NULL */
  const char *want;  /* the whole expected text */
} render_case;

static const render_case render_cases[] = {
    /* 0: one line, with a hint */
    {"q.kql", "StormEvents | where Stat == \"TX\"", 20, 24, "unknown column 'Stat'",
     "did you mean 'State'?",
     "q.kql:1:21: error: unknown column 'Stat'\n"
     "    1 | StormEvents | where Stat == \"TX\"\n"
     "      |                     ^~~~\n"
     "      = did you mean 'State'?\n"},
    /* 1: second line; no file name */
    {NULL, "T\n| take x\n", 9, 10, "expected a number", NULL,
     "query:2:8: error: expected a number\n"
     "    2 | | take x\n"
     "      |        ^\n"},
    /* 2: an empty span gets one caret */
    {"q", "T | where", 4, 4, "expected an expression", NULL,
     "q:1:5: error: expected an expression\n"
     "    1 | T | where\n"
     "      |     ^\n"},
    /* 3: at the end of input, after the last character, not on the empty line after it */
    {"q", "T | where\n", 10, 10, "expected an expression", NULL,
     "q:1:10: error: expected an expression\n"
     "    1 | T | where\n"
     "      |          ^\n"},
    /* 4: the same with CRLF: the "\r" is not shown */
    {"q", "T | where\r\n", 11, 11, "expected an expression", NULL,
     "q:1:10: error: expected an expression\n"
     "    1 | T | where\n"
     "      |          ^\n"},
    /* 5: a CRLF line in the middle */
    {"q", "T\r\n| take x\r\n", 10, 11, "expected a number", NULL,
     "q:2:8: error: expected a number\n"
     "    2 | | take x\n"
     "      |        ^\n"},
    /* 6: a span over two lines is underlined to the end of the first */
    {"q", "print a = 1 +\n  2", 6, 17, "bad expression", NULL,
     "q:1:7: error: bad expression\n"
     "    1 | print a = 1 +\n"
     "      |       ^~~~~~~\n"},
    /* 7: tabs are copied into the caret line */
    {"q", "T\t| where\tx == 1", 10, 11, "unknown column 'x'", NULL,
     "q:1:11: error: unknown column 'x'\n"
     "    1 | T\t| where\tx == 1\n"
     "      |  \t       \t^\n"},
    /* 8: a tab inside the span stays a tab */
    {"q", "a\tb c", 0, 3, "m", NULL,
     "q:1:1: error: m\n"
     "    1 | a\tb c\n"
     "      | ^\t~\n"},
    /* 9: a control character is shown escaped and the caret still lines up */
    {"q", "x\x1by zz", 4, 6, "unknown name 'zz'", NULL,
     "q:1:5: error: unknown name 'zz'\n"
     "    1 | x\\x1by zz\n"
     "      |        ^~\n"},
    /* 10: a span on a control character underlines its escape */
    {"q", "a\x01" "b", 1, 2, "invalid character", NULL,
     "q:1:2: error: invalid character\n"
     "    1 | a\\x01b\n"
     "      |  ^~~~\n"},
    /* 11: multi-byte characters: the column counts bytes, the caret characters */
    {"q", "x = '\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80' + yy", 18, 20, "unknown name 'yy'", NULL,
     "q:1:19: error: unknown name 'yy'\n"
     "    1 | x = '\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80' + yy\n"
     "      |             ^~\n"},
    /* 12: a byte that is not UTF-8 is escaped */
    {"q", "a\xff" "b c", 4, 5, "m", NULL,
     "q:1:5: error: m\n"
     "    1 | a\\xffb c\n"
     "      |        ^\n"},
    /* 13: an overlong encoding of '/' is not UTF-8: each byte is escaped */
    {"q", "a\xe0\x80\xaf" "b", 4, 5, "m", NULL,
     "q:1:5: error: m\n"
     "    1 | a\\xe0\\x80\\xafb\n"
     "      |              ^\n"},
    /* 14: text-reordering code points are escaped (U+202E RIGHT-TO-LEFT OVERRIDE) */
    {"q", "a\xe2\x80\xae" "b", 4, 5, "m", NULL,
     "q:1:5: error: m\n"
     "    1 | a\\u202eb\n"
     "      |        ^\n"},
    /* 15: a byte order mark is shown, as it takes no room on a terminal */
    {"q", "\xef\xbb\xbf" "T", 3, 4, "unknown table 'T'", NULL,
     "q:1:4: error: unknown table 'T'\n"
     "    1 | \\ufeffT\n"
     "      |       ^\n"},
    /* 16: a span past the end is taken as the end */
    {"q", "ab", 5, 9, "m", NULL,
     "q:1:3: error: m\n"
     "    1 | ab\n"
     "      |   ^\n"},
    /* 17: an empty query */
    {"q", "", 0, 0, "empty query", NULL,
     "q:1:1: error: empty query\n"
     "    1 |\n"
     "      | ^\n"},
    /* 18: a span on a line break points just past the line */
    {"q", "a\nb", 1, 2, "m", NULL,
     "q:1:2: error: m\n"
     "    1 | a\n"
     "      |  ^\n"},
    /* 19: control characters in the message are escaped too */
    {"q", "a", 0, 1, "unknown column 'a\x1b[31m'", "did you mean 'b\x07'?",
     "q:1:1: error: unknown column 'a\\x1b[31m'\n"
     "    1 | a\n"
     "      | ^\n"
     "      = did you mean 'b\\x07'?\n"},
    /* 20: an end before the start is an empty span */
    {"q", "abc", 2, 1, "m", NULL,
     "q:1:3: error: m\n"
     "    1 | abc\n"
     "      |   ^\n"},
    /* 21: no span: the file and the message */
    {"q.kql", "T", -1, 0, "table 'T' is not in the catalog", "load it with --data",
     "q.kql: error: table 'T' is not in the catalog\n"
     "      = load it with --data\n"},
    /* 22: no span and no file name */
    {NULL, "T", -1, 0, "out of memory", NULL, "error: out of memory\n"},
};

START_TEST(render_shows_line_caret_and_hint) {
  const render_case *c = &render_cases[_i];
  kql_diag d;
  if (c->start >= 0) {
    kql_span sp = {(uint32_t)c->start, (uint32_t)c->end};
    diag_set(&d, KQL_ERR_SYNTAX, sp, "%s", c->msg);
  } else {
    diag_nospan(&d, KQL_ERR_BIND, "%s", c->msg);
  }
  if (c->hint) diag_hint(&d, "%s", c->hint);
  char *got = render(&d, c->file, c->src, strlen(c->src), NULL);
  ck_assert_str_eq(got, c->want);
  free(got);
}
END_TEST

START_TEST(render_of_a_data_file_error_names_that_file) {
  static const struct {
    long line, col;
    const char *want;
  } cases[] = {
      {3, 17, "data/T.json:3:17: error: expected ','\n"},
      {3, 0, "data/T.json:3: error: expected ','\n"},
      {0, 0, "data/T.json: error: expected ','\n"},
  };
  for (size_t i = 0; i < KQL_ARRAY_LEN(cases); i++) {
    kql_diag d;
    diag_file(&d, KQL_ERR_IO, "data/T.json", cases[i].line, cases[i].col, "expected ','");
    char *got = render(&d, "query.kql", "T", 1, NULL);
    ck_assert_str_eq(got, cases[i].want);
    free(got);
  }
}
END_TEST

START_TEST(render_without_source_text_falls_back_to_the_header) {
  kql_diag d;
  kql_span sp = {0, 1};
  diag_set(&d, KQL_ERR_BIND, sp, "unknown table 'T'");
  char *got = render(&d, "q.kql", NULL, 0, NULL);
  ck_assert_str_eq(got, "q.kql: error: unknown table 'T'\n");
  free(got);
}
END_TEST

START_TEST(render_widens_the_gutter_for_long_line_numbers) {
  size_t n = 100000;
  char *src = malloc(n + 2);
  memset(src, '\n', n);
  src[n] = 'x';
  src[n + 1] = '\0';
  kql_diag d;
  kql_span sp = {(uint32_t)n, (uint32_t)n + 1};
  diag_set(&d, KQL_ERR_BIND, sp, "unknown name 'x'");
  char *got = render(&d, NULL, src, n + 1, NULL);
  ck_assert_str_eq(got, "query:100001:1: error: unknown name 'x'\n"
                        "100001 | x\n"
                        "       | ^\n");
  free(got);
  free(src);
}
END_TEST

/* The query "T\n| where ProcessVersionInfoCompanyNam has 'GlavSoft'\n" as taken from a rule
** file whose lines 2 and 3 hold it indented by two spaces. */
static const char map_file[] = "query: |\n"
                               "  T\n"
                               "  | where ProcessVersionInfoCompanyNam has 'GlavSoft'\n";
static const char map_query[] = "T\n| where ProcessVersionInfoCompanyNam has 'GlavSoft'\n";

START_TEST(render_through_a_map_shows_the_rule_file_line) {
  long map_lines[] = {2, 3, 4}, map_cols[] = {2, 2, 2};
  kql_srcmap map = {map_file, sizeof map_file - 1, 3, map_lines, map_cols};
  kql_diag d;
  kql_span sp = {10, 38};
  diag_set(&d, KQL_ERR_BIND, sp, "unknown column 'ProcessVersionInfoCompanyNam'");
  diag_hint(&d, "did you mean 'ProcessVersionInfoCompanyName'?");
  char *got = render(&d, "rule.yaml", map_query, sizeof map_query - 1, &map);
  ck_assert_str_eq(got,
                   "rule.yaml:3:11: error: unknown column 'ProcessVersionInfoCompanyNam'\n"
                   "    3 |   | where ProcessVersionInfoCompanyNam has 'GlavSoft'\n"
                   "      |           ^~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
                   "      = did you mean 'ProcessVersionInfoCompanyName'?\n");
  free(got);
}
END_TEST

START_TEST(render_through_a_map_of_a_crlf_file_hides_the_cr) {
  static const char file[] = "query: |\r\n  T\r\n  | take x\r\n";
  static const char query[] = "T\n| take x\n";
  long map_lines[] = {2, 3, 4}, map_cols[] = {2, 2, 2};
  kql_srcmap map = {file, sizeof file - 1, 3, map_lines, map_cols};
  kql_diag d;
  kql_span sp = {9, 10};
  diag_set(&d, KQL_ERR_SYNTAX, sp, "expected a number");
  char *got = render(&d, "r.yaml", query, sizeof query - 1, &map);
  ck_assert_str_eq(got, "r.yaml:3:10: error: expected a number\n"
                        "    3 |   | take x\n"
                        "      |          ^\n");
  free(got);
}
END_TEST

START_TEST(render_through_a_map_past_the_file_shows_an_empty_line) {
  static const char file[] = "query: |\n  T\n";
  long lines[] = {9}, cols[] = {4};
  kql_srcmap map = {file, sizeof file - 1, 1, lines, cols};
  kql_diag d;
  kql_span sp = {0, 1};
  diag_set(&d, KQL_ERR_BIND, sp, "unknown table 'T'");
  char *got = render(&d, "r.yaml", "T", 1, &map);
  ck_assert_str_eq(got, "r.yaml:9:5: error: unknown table 'T'\n"
                        "    9 |\n"
                        "      | ^\n");
  free(got);
}
END_TEST

START_TEST(render_through_a_map_continues_below_its_last_line) {
  /* query line 1 is not in the map: it is taken as the line after the last one */
  static const char file[] = "query: >\n  T\n  | take 1\n";
  long lines[] = {2}, cols[] = {2};
  kql_srcmap map = {file, sizeof file - 1, 1, lines, cols};
  kql_diag d;
  kql_span sp = {4, 8};
  diag_set(&d, KQL_ERR_SYNTAX, sp, "m");
  char *got = render(&d, "r.yaml", "T\n| take 1", 10, &map);
  ck_assert_str_eq(got, "r.yaml:3:5: error: m\n"
                        "    3 |   | take 1\n"
                        "      |     ^~~~\n");
  free(got);
}
END_TEST

Suite *diag_suite(void) {
  Suite *s = suite_create("diag");
  const struct {
    const char *name;
    const TTest *test;
    int n; /* loop count for table-driven tests, 0 for one run */
  } cases[] = {
      {"diag_set_fills_code_span_and_message", diag_set_fills_code_span_and_message, 0},
      {"diag_nospan_has_no_span", diag_nospan_has_no_span, 0},
      {"diag_hint_is_kept_after_the_message", diag_hint_is_kept_after_the_message, 0},
      {"diag_file_names_the_file_and_position", diag_file_names_the_file_and_position, 0},
      {"a_null_diag_only_returns_the_code", a_null_diag_only_returns_the_code, 0},
      {"a_long_message_is_cut_between_characters", a_long_message_is_cut_between_characters, 0},
      {"a_long_file_name_is_cut_to_fit", a_long_file_name_is_cut_to_fit, 0},
      {"edit_distance_counts_edits_ignoring_case", edit_distance_counts_edits_ignoring_case,
       (int)KQL_ARRAY_LEN(dist_cases)},
      {"suggest_returns_the_closest_name_within_reach",
       suggest_returns_the_closest_name_within_reach, (int)KQL_ARRAY_LEN(suggest_cases)},
      {"locate_gives_one_based_line_and_byte_column", locate_gives_one_based_line_and_byte_column,
       (int)KQL_ARRAY_LEN(locate_cases)},
      {"render_shows_line_caret_and_hint", render_shows_line_caret_and_hint,
       (int)KQL_ARRAY_LEN(render_cases)},
      {"render_of_a_data_file_error_names_that_file", render_of_a_data_file_error_names_that_file,
       0},
      {"render_without_source_text_falls_back_to_the_header",
       render_without_source_text_falls_back_to_the_header, 0},
      {"render_widens_the_gutter_for_long_line_numbers",
       render_widens_the_gutter_for_long_line_numbers, 0},
      {"render_through_a_map_shows_the_rule_file_line",
       render_through_a_map_shows_the_rule_file_line, 0},
      {"render_through_a_map_of_a_crlf_file_hides_the_cr",
       render_through_a_map_of_a_crlf_file_hides_the_cr, 0},
      {"render_through_a_map_past_the_file_shows_an_empty_line",
       render_through_a_map_past_the_file_shows_an_empty_line, 0},
      {"render_through_a_map_continues_below_its_last_line",
       render_through_a_map_continues_below_its_last_line, 0},
  };
  for (size_t i = 0; i < KQL_ARRAY_LEN(cases); i++) {
    TCase *tc = tcase_create(cases[i].name);
    if (cases[i].n > 0) tcase_add_loop_test(tc, cases[i].test, 0, cases[i].n);
    else tcase_add_test(tc, cases[i].test);
    suite_add_tcase(s, tc);
  }
  return s;
}
