/*
** test_parse.c: Check suite for the parser (grammar/kql.l, grammar/kql.y, src/parse.c):
** query text in, ast_dump() S-expression out, or a diagnostic with its exact message and
** byte span.  Every expected tree and value is written by hand from the KQL reference
** (literal forms, operator precedence, operator syntax), never produced by the parser.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "parse.h"

Suite *parse_suite(void);

/* Parse the 'n' bytes of 'q' and return its ast_dump() text (malloc'ed), or NULL when the
** parse fails; '*d' holds the diagnostic then. */
static char *dump_n(const char *q, size_t n, kql_diag *d) {
  arena *a = arena_new();
  memset(d, 0, sizeof *d);
  ast *root = kql_parse(a, q, n, d);
  char *buf = NULL;
  size_t len = 0;
  if (root) {
    FILE *f = open_memstream(&buf, &len);
    ast_dump(root, f);
    fclose(f);
  }
  arena_free(a);
  return buf;
}

static char *dump(const char *q, kql_diag *d) { return dump_n(q, strlen(q), d); }

/* Assert that 'q' parses to "(query " 'stmts' ")". */
static void expect_tree(const char *q, const char *stmts) {
  kql_diag d;
  char *got = dump(q, &d);
  ck_assert_msg(got != NULL, "query <%s> failed to parse: %s [%u,%u)", q, d.msg,
                (unsigned)d.start, (unsigned)d.end);
  char want[4096];
  snprintf(want, sizeof want, "(query %s)", stmts);
  ck_assert_msg(strcmp(got, want) == 0, "query <%s>\n  got  %s\n  want %s", q, got, want);
  free(got);
}

typedef struct {
  const char *query; /* the KQL text */
  const char *tree;  /* the expected statements, as ast_dump() writes them */
} tree_case;

#define TREE_TEST(name, table)                                                             \
  START_TEST(name) { expect_tree(table[_i].query, table[_i].tree); }                       \
  END_TEST

/* ---- statements, lets and comments ---------------------------------------------------- */

static const tree_case lets[] = {
    {"let x = 5; T | where a > x",
     "(let x (lit long 5)) (where (name T) (binary > (name a) (name x)))"},
    {"let T2 = T | where a == 1; T2 | count",
     "(let T2 (where (name T) (binary == (name a) (lit long 1)))) (count (name T2))"},
    {"let a = 1;\nlet b = a + 1;\nT | extend c = b",
     "(let a (lit long 1)) (let b (binary + (name a) (lit long 1))) "
     "(extend (name T) (assign c (name b)))"},
    {"let f = now(); T", "(let f (call now)) (name T)"},
    {"T | take 1;", "(take (name T) (lit long 1))"},
};
TREE_TEST(lets_and_semicolons_separate_statements, lets)

static const tree_case comments[] = {
    {"T // all rows\n| take 1", "(take (name T) (lit long 1))"},
    {"// leading\nT | take 1 // trailing, no newline", "(take (name T) (lit long 1))"},
    {"T\n//\n| where x == \"//not a comment\"",
     "(where (name T) (binary == (name x) (lit string \"//not a comment\")))"},
    {"T | where x == 1 // it's \"quoted\" | take 2\n| count",
     "(count (where (name T) (binary == (name x) (lit long 1))))"},
};
TREE_TEST(comments_run_to_the_end_of_the_line, comments)

/* The seed rule's query: queries/rmm_TightVNC_createproc.kql, byte for byte (trailing
** spaces after "DeviceProcessEvents" and after the first summarize line, continuation
** lines indented by four spaces). */
static const char seed_lf[] =
    "let Time_start = now(-5d);\n"
    "let Time_end = now();\n"
    "//\n"
    "DeviceProcessEvents \n"
    "| where Timestamp between (Time_start..Time_end)\n"
    "| where ProcessVersionInfoCompanyName has 'GlavSoft'\n"
    "    and ProcessVersionInfoProductName has 'TightVNC'\n"
    "| summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp), \n"
    "    Report=make_set(ReportId), Count=count() by DeviceId, DeviceName\n";

/* The same text with the CRLF line ends of the rule's YAML file. */
static const char seed_crlf[] =
    "let Time_start = now(-5d);\r\n"
    "let Time_end = now();\r\n"
    "//\r\n"
    "DeviceProcessEvents \r\n"
    "| where Timestamp between (Time_start..Time_end)\r\n"
    "| where ProcessVersionInfoCompanyName has 'GlavSoft'\r\n"
    "    and ProcessVersionInfoProductName has 'TightVNC'\r\n"
    "| summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp), \r\n"
    "    Report=make_set(ReportId), Count=count() by DeviceId, DeviceName\r\n";

static const char seed_tree[] =
    "(let Time_start (call now (unary - (lit timespan \"5.00:00:00\")))) "
    "(let Time_end (call now)) "
    "(summarize "
    "(where "
    "(where (name DeviceProcessEvents) "
    "(between between (name Timestamp) (name Time_start) (name Time_end))) "
    "(binary and "
    "(binary has (name ProcessVersionInfoCompanyName) (lit string \"GlavSoft\")) "
    "(binary has (name ProcessVersionInfoProductName) (lit string \"TightVNC\")))) "
    "(assign FirstSeen (call min (name Timestamp))) "
    "(assign LastSeen (call max (name Timestamp))) "
    "(assign Report (call make_set (name ReportId))) "
    "(assign Count (call count)) "
    "(by (name DeviceId) (name DeviceName)))";

START_TEST(seed_rule_parses_with_trailing_spaces_and_continuation_lines) {
  expect_tree(seed_lf, seed_tree);
}
END_TEST

START_TEST(seed_rule_parses_with_crlf_line_ends) { expect_tree(seed_crlf, seed_tree); }
END_TEST

/* ---- names ---------------------------------------------------------------------------- */

static const tree_case bracket_names[] = {
    {"['DeviceProcessEvents'] | take 1", "(take (name DeviceProcessEvents) (lit long 1))"},
    {"[\"My Table\"] | count", "(count (name My Table))"},
    {"[ 'T' ] | count", "(count (name T))"},
    {"['where'] | count", "(count (name where))"},
    {"T | project ['Col 1'], [\"b\"]", "(project (name T) (name Col 1) (name b))"},
    {"T | where ['Account Name'] == 'x'",
     "(where (name T) (binary == (name Account Name) (lit string \"x\")))"},
    /* Kusto also takes a bracketed name on the left of '=' (Kusto.Language accepts these) */
    {"T | extend ['New Col'] = 1", "(extend (name T) (assign New Col (lit long 1)))"},
    {"T | summarize ['n'] = count() by ['k'] = x",
     "(summarize (name T) (assign n (call count)) (by (assign k (name x))))"},
    {"let ['x y'] = 1; T", "(let x y (lit long 1)) (name T)"},
};
TREE_TEST(bracketed_names_name_tables_and_columns, bracket_names)

static const tree_case soft_keywords[] = {
    {"T | project first, last, asc, desc, nulls",
     "(project (name T) (name first) (name last) (name asc) (name desc) (name nulls))"},
    {"x.first", "(member first (name x))"},
    {"T | where count > 1", "(where (name T) (binary > (name count) (lit long 1)))"},
};
TREE_TEST(soft_keywords_are_names_outside_their_clause, soft_keywords)

/* ---- literals ------------------------------------------------------------------------- */

static const tree_case strings[] = {
    {"\"abc\"", "(lit string \"abc\")"},
    {"'abc'", "(lit string \"abc\")"},
    {"\"\"", "(lit string \"\")"},
    {"\"a\\\"b\"", "(lit string \"a\\\"b\")"},                 /* "a\"b" */
    {"'it\\'s'", "(lit string \"it's\")"},                     /* 'it\'s' */
    {"'say \"hi\"'", "(lit string \"say \\\"hi\\\"\")"},       /* 'say "hi"' */
    {"\"say 'hi'\"", "(lit string \"say 'hi'\")"},
    {"\"tab\\there\"", "(lit string \"tab\\there\")"},         /* a real tab, dumped as \t */
    {"\"two\\nlines\"", "(lit string \"two\\nlines\")"},
    {"\"back\\\\slash\"", "(lit string \"back\\\\slash\")"},   /* one backslash */
    {"\"\\u00e9t\\u00e9\"", "(lit string \"\xC3\xA9t\xC3\xA9\")"},
    {"\"\\x41\\x42\"", "(lit string \"AB\")"},
    {"\"\\U0001F600\"", "(lit string \"\xF0\x9F\x98\x80\")"},
    {"\"Hello\\u00A0World\"", "(lit string \"Hello\xC2\xA0World\")"},
    {"\"Z\xC3\xBCrich\"", "(lit string \"Z\xC3\xBCrich\")"},
    {"@\"C:\\Folder\\file.txt\"", "(lit string \"C:\\\\Folder\\\\file.txt\")"},
    {"@'C:\\x'", "(lit string \"C:\\\\x\")"},
    {"@\"a\"\"b\"", "(lit string \"a\\\"b\")"},
    {"@'it''s'", "(lit string \"it's\")"},
    {"h\"secret\"", "(lit string \"secret\")"},
    {"H'secret'", "(lit string \"secret\")"},
    {"h@\"c:\\x\"", "(lit string \"c:\\\\x\")"},
    {"```line1\nline2```", "(lit string \"line1\\nline2\")"},
    {"```a\\n \"b\" 'c'```", "(lit string \"a\\\\n \\\"b\\\" 'c'\")"},
    {"```a`b``c```", "(lit string \"a`b``c\")"},
    /* Kusto splices adjacent string literals (string.md, "Concatenated string literals") */
    {"\"Hello\"', '@\"world!\"", "(lit string \"Hello, world!\")"},
    {"\"Hello\" ', ' @\"world!\"", "(lit string \"Hello, world!\")"},
    {"\"https://x?\"\n    h'sv=1'", "(lit string \"https://x?sv=1\")"},
};
TREE_TEST(string_literals_decode_escapes_and_quote_forms, strings)

static const tree_case numbers[] = {
    {"42", "(lit long 42)"},
    {"0", "(lit long 0)"},
    {"0x1F", "(lit long 31)"},
    {"0xff", "(lit long 255)"},
    {"9223372036854775807", "(lit long 9223372036854775807)"},
    {"1.5", "(lit real 1.5)"},
    {"1.0", "(lit real 1)"},
    {"1e3", "(lit real 1000)"},
    {"2.5e-3", "(lit real 0.0025)"},
    {"-7", "(unary - (lit long 7))"},
    {"1.", "(lit real 1)"}, /* Kusto.Language types "1." as real */
};
TREE_TEST(number_literals_are_long_real_or_hex, numbers)

static const tree_case timespans[] = {
    {"5d", "(lit timespan \"5.00:00:00\")"},
    {"3h", "(lit timespan \"03:00:00\")"},
    {"30m", "(lit timespan \"00:30:00\")"},
    {"10s", "(lit timespan \"00:00:10\")"},
    {"100ms", "(lit timespan \"00:00:00.1000000\")"},
    {"1tick", "(lit timespan \"00:00:00.0000001\")"},
    {"3ticks", "(lit timespan \"00:00:00.0000003\")"},
    {"1.5h", "(lit timespan \"01:30:00\")"},
    {"0.1s", "(lit timespan \"00:00:00.1000000\")"},
    {"1.5d", "(lit timespan \"1.12:00:00\")"},
    {"36h", "(lit timespan \"1.12:00:00\")"},
    {"2days", "(lit timespan \"2.00:00:00\")"},
    {"1day", "(lit timespan \"1.00:00:00\")"},
    {"2hours", "(lit timespan \"02:00:00\")"},
    {"1hour", "(lit timespan \"01:00:00\")"},
    {"2hrs", "(lit timespan \"02:00:00\")"},
    {"1hr", "(lit timespan \"01:00:00\")"},
    {"90min", "(lit timespan \"01:30:00\")"},
    {"5minutes", "(lit timespan \"00:05:00\")"},
    {"1minute", "(lit timespan \"00:01:00\")"},
    {"1sec", "(lit timespan \"00:00:01\")"},
    {"2seconds", "(lit timespan \"00:00:02\")"},
    {"5millis", "(lit timespan \"00:00:00.0050000\")"},
    {"5milliseconds", "(lit timespan \"00:00:00.0050000\")"},
    {"10microsecond", "(lit timespan \"00:00:00.0000100\")"},
    {"10microseconds", "(lit timespan \"00:00:00.0000100\")"},
    /* further unit words Kusto.Language accepts */
    {"2millisec", "(lit timespan \"00:00:00.0020000\")"},
    {"3micro", "(lit timespan \"00:00:00.0000030\")"},
    {"3microsec", "(lit timespan \"00:00:00.0000030\")"},
    {"100nanoseconds", "(lit timespan \"00:00:00.0000001\")"},
    {"500nanosec", "(lit timespan \"00:00:00.0000005\")"},
};
TREE_TEST(timespan_literals_scale_their_unit_to_ticks, timespans)

static const tree_case datetimes[] = {
    {"datetime(2026-05-30)", "(lit datetime \"2026-05-30T00:00:00Z\")"},
    {"datetime(2026-05-30 12:34:56)", "(lit datetime \"2026-05-30T12:34:56Z\")"},
    {"datetime(2026-05-30T12:34:56.1234567Z)", "(lit datetime \"2026-05-30T12:34:56.1234567Z\")"},
    {"datetime( 2026-05-30T12:34 )", "(lit datetime \"2026-05-30T12:34:00Z\")"},
    {"datetime (2026-05-30)", "(lit datetime \"2026-05-30T00:00:00Z\")"},
    {"datetime(2015-12-31 23:59:59.9)", "(lit datetime \"2015-12-31T23:59:59.9Z\")"},
    {"datetime(2014-11-08T15:05:02+02:00)", "(lit datetime \"2014-11-08T13:05:02Z\")"},
    {"datetime(Sat, 8 Nov 2014 15:05:02 GMT)", "(lit datetime \"2014-11-08T15:05:02Z\")"},
    {"datetime(null)", "(lit datetime null)"},
    /* quoted forms, as the bin() and todatetime() pages write them */
    {"datetime(\"2026-05-30\")", "(lit datetime \"2026-05-30T00:00:00Z\")"},
    {"datetime('2007-04-07')", "(lit datetime \"2007-04-07T00:00:00Z\")"},
    /* 'date' is Kusto's other name of datetime */
    {"date(2020-01-01)", "(lit datetime \"2020-01-01T00:00:00Z\")"},
};
TREE_TEST(datetime_literals_take_iso_rfc_and_null_forms, datetimes)

static const tree_case times[] = {
    {"time(1.02:03:04)", "(lit timespan \"1.02:03:04\")"},
    {"time(02:03)", "(lit timespan \"02:03:00\")"},
    {"time(00:01:00)", "(lit timespan \"00:01:00\")"},
    {"time(2)", "(lit timespan \"2.00:00:00\")"},
    {"time(15 seconds)", "(lit timespan \"00:00:15\")"},
    {"timespan(0.12:34:56.7)", "(lit timespan \"12:34:56.7000000\")"},
    {"timespan(2d)", "(lit timespan \"2.00:00:00\")"},
    {"time(null)", "(lit timespan null)"},
    {"timespan(null)", "(lit timespan null)"},
};
TREE_TEST(time_literals_take_clock_day_and_unit_forms, times)

static const tree_case typed[] = {
    {"long(null)", "(lit long null)"},
    {"int(null)", "(lit int null)"},
    {"real(null)", "(lit real null)"},
    {"double(null)", "(lit real null)"},
    {"bool(null)", "(lit bool null)"},
    {"boolean(null)", "(lit bool null)"},
    {"decimal(null)", "(lit decimal null)"},
    {"guid(null)", "(lit guid null)"},
    {"dynamic(null)", "(lit dynamic null)"},
    {"long(5)", "(lit long 5)"},
    {"long(-5)", "(lit long -5)"},
    {"int(0x10)", "(lit int 16)"},
    {"real(1.5)", "(lit real 1.5)"},
    {"double(2)", "(lit real 2)"},
    {"real(nan)", "(lit real \"NaN\")"},
    {"real(+inf)", "(lit real \"Infinity\")"},
    {"real(-inf)", "(lit real \"-Infinity\")"},
    {"decimal(1.5)", "(lit decimal 1.5)"},
    {"bool(true)", "(lit bool true)"},
    {"bool(false)", "(lit bool false)"},
    {"guid(74be27de-1e4e-49d9-b579-fe0b331d3642)",
     "(lit guid \"74be27de-1e4e-49d9-b579-fe0b331d3642\")"},
    {"true", "(lit bool true)"},
    {"false", "(lit bool false)"},
    /* bool literals are not case-sensitive in Kusto (Kusto.Language types True as bool) */
    {"True", "(lit bool true)"},
    {"FALSE", "(lit bool false)"},
};
TREE_TEST(typed_literals_and_typed_nulls_keep_their_type, typed)

static const tree_case dynamics[] = {
    {"dynamic([1, 2, 3])", "(lit dynamic [1,2,3])"},
    {"dynamic([1, // (a) 'comment\n 2])", "(lit dynamic [1,2])"},
    {"dynamic(['a', \"b\"])", "(lit dynamic [\"a\",\"b\"])"},
    {"dynamic({'k': 'v', \"n\": 1})", "(lit dynamic {\"k\":\"v\",\"n\":1})"},
    {"dynamic({\"a\": {\"b\": [true, false, null]}})",
     "(lit dynamic {\"a\":{\"b\":[true,false,null]}})"},
    {"dynamic([])", "(lit dynamic [])"},
    {"dynamic({})", "(lit dynamic {})"},
    {"dynamic( [ 1 ] )", "(lit dynamic [1])"},
    {"dynamic(5)", "(lit dynamic 5)"},
    {"dynamic('s')", "(lit dynamic \"s\")"},
    {"dynamic([1.5, -2])", "(lit dynamic [1.5,-2])"},
    {"dynamic({\"t\": datetime(2020-01-01)})", "(lit dynamic {\"t\":\"2020-01-01T00:00:00Z\"})"},
    {"dynamic(['it\\'s', ')'])", "(lit dynamic [\"it's\",\")\"])"},
    {"dynamic([\"\\u00e9\"])", "(lit dynamic [\"\xC3\xA9\"])"},
    /* the typed values Kusto's parser accepts inside a dynamic literal */
    {"dynamic([dynamic({'a': 1}), 2])", "(lit dynamic [{\"a\":1},2])"},
    {"dynamic([datetime(\"01-02-2022\"), date(2022-01-03), datetime(null)])",
     "(lit dynamic [\"2022-01-02T00:00:00Z\",\"2022-01-03T00:00:00Z\",null])"},
    {"dynamic([1h, 1.5d, 10ms, timespan(null), time('00:01:00')])",
     "(lit dynamic [\"01:00:00\",\"1.12:00:00\",\"00:00:00.0100000\",null,\"00:01:00\"])"},
    {"dynamic([long(0x10), long( -3 ), real(1.5), double(2), real(nan), real(-inf)])",
     "(lit dynamic [16,-3,1.5,2,\"NaN\",\"-Infinity\"])"},
    {"dynamic({'g': guid(74BE27DE-1e4e-49d9-b579-fe0b331d3642), 'b': bool(TRUE), 'f': bool(false)})",
     "(lit dynamic {\"g\":\"74be27de-1e4e-49d9-b579-fe0b331d3642\",\"b\":true,\"f\":false})"},
};
TREE_TEST(dynamic_literals_become_compact_json, dynamics)

/* ---- expressions ---------------------------------------------------------------------- */

static const tree_case precedence[] = {
    {"a or b and c", "(binary or (name a) (binary and (name b) (name c)))"},
    {"a and b or c", "(binary or (binary and (name a) (name b)) (name c))"},
    {"(a or b) and c", "(binary and (binary or (name a) (name b)) (name c))"},
    {"a or b or c", "(binary or (binary or (name a) (name b)) (name c))"},
    {"not(a) or b", "(binary or (call not (name a)) (name b))"},
    {"a == 1 and b != 2 or c < 3",
     "(binary or (binary and (binary == (name a) (lit long 1)) (binary != (name b) (lit long 2))) "
     "(binary < (name c) (lit long 3)))"},
    {"a + b * c", "(binary + (name a) (binary * (name b) (name c)))"},
    {"a * b + c", "(binary + (binary * (name a) (name b)) (name c))"},
    {"a - b - c", "(binary - (binary - (name a) (name b)) (name c))"},
    {"a / b % c", "(binary % (binary / (name a) (name b)) (name c))"},
    {"(a + b) * c", "(binary * (binary + (name a) (name b)) (name c))"},
    {"-a * b", "(binary * (unary - (name a)) (name b))"},
    {"-a + b", "(binary + (unary - (name a)) (name b))"},
    {"a - -1", "(binary - (name a) (unary - (lit long 1)))"},
    {"+a", "(unary + (name a))"},
    {"-5d", "(unary - (lit timespan \"5.00:00:00\"))"},
    {"a < b + 1", "(binary < (name a) (binary + (name b) (lit long 1)))"},
    {"a + 1 >= b * 2",
     "(binary >= (binary + (name a) (lit long 1)) (binary * (name b) (lit long 2)))"},
    {"a <= b", "(binary <= (name a) (name b))"},
    {"a <> b", "(binary != (name a) (name b))"},
    {"a =~ \"x\" or a !~ \"y\"",
     "(binary or (binary =~ (name a) (lit string \"x\")) (binary !~ (name a) (lit string \"y\")))"},
    {"a has \"x\" and b contains \"y\"",
     "(binary and (binary has (name a) (lit string \"x\")) "
     "(binary contains (name b) (lit string \"y\")))"},
    {"t > ago(1h) and t <= now()",
     "(binary and (binary > (name t) (call ago (lit timespan \"01:00:00\"))) "
     "(binary <= (name t) (call now)))"},
};
TREE_TEST(operators_bind_by_kql_precedence, precedence)

static const tree_case betweens[] = {
    {"x between (1 .. 10)", "(between between (name x) (lit long 1) (lit long 10))"},
    {"x between(1..10)", "(between between (name x) (lit long 1) (lit long 10))"},
    {"x !between (1 .. 10)", "(between !between (name x) (lit long 1) (lit long 10))"},
    {"x between (1.5 .. 2.5)", "(between between (name x) (lit real 1.5) (lit real 2.5))"},
    {"Timestamp between (ago(1d) .. now())",
     "(between between (name Timestamp) (call ago (lit timespan \"1.00:00:00\")) (call now))"},
    {"t between (datetime(2020-01-01) .. 1d)",
     "(between between (name t) (lit datetime \"2020-01-01T00:00:00Z\") "
     "(lit timespan \"1.00:00:00\"))"},
    {"x between (-1 .. 1) and y",
     "(binary and (between between (name x) (unary - (lit long 1)) (lit long 1)) (name y))"},
};
TREE_TEST(between_takes_a_parenthesized_range, betweens)

static const tree_case inlists[] = {
    {"x in (\"a\", \"b\")", "(inlist in (name x) (lit string \"a\") (lit string \"b\"))"},
    {"x !in (1, 2)", "(inlist !in (name x) (lit long 1) (lit long 2))"},
    {"x in~ (\"A\")", "(inlist in~ (name x) (lit string \"A\"))"},
    {"x !in~ (\"A\", \"B\")", "(inlist !in~ (name x) (lit string \"A\") (lit string \"B\"))"},
    {"x has_any (\"a\", \"b\")", "(inlist has_any (name x) (lit string \"a\") (lit string \"b\"))"},
    {"x has_all (\"a\", \"b\")", "(inlist has_all (name x) (lit string \"a\") (lit string \"b\"))"},
    {"x in (dynamic([\"a\"]))", "(inlist in (name x) (lit dynamic [\"a\"]))"},
    {"x in (T | project y)", "(inlist in (name x) (project (name T) (name y)))"},
    {"FileName in~ ('cmd.exe','powershell.exe') and y !in ('b')",
     "(binary and (inlist in~ (name FileName) (lit string \"cmd.exe\") "
     "(lit string \"powershell.exe\")) (inlist !in (name y) (lit string \"b\")))"},
};
TREE_TEST(list_operators_take_a_parenthesized_list, inlists)

/* Every string operator, plain, negated, _cs and negated _cs (ORDER OPS of ast.h). */
static const char *const strop_words[] = {
    "has",        "!has",        "has_cs",        "!has_cs",
    "contains",   "!contains",   "contains_cs",   "!contains_cs",
    "startswith", "!startswith", "startswith_cs", "!startswith_cs",
    "endswith",   "!endswith",   "endswith_cs",   "!endswith_cs",
    "hasprefix",  "!hasprefix",  "hasprefix_cs",  "!hasprefix_cs",
    "hassuffix",  "!hassuffix",  "hassuffix_cs",  "!hassuffix_cs",
};

START_TEST(string_operators_parse_with_negation_and_case_suffix) {
  char q[128], want[160];
  snprintf(q, sizeof q, "a %s 'x'", strop_words[_i]);
  snprintf(want, sizeof want, "(binary %s (name a) (lit string \"x\"))", strop_words[_i]);
  expect_tree(q, want);
}
END_TEST

static const tree_case members[] = {
    {"x.y", "(member y (name x))"},
    {"x.y.z", "(member z (member y (name x)))"},
    {"x['y']", "(member y (name x))"},
    {"x[\"a b\"]", "(member a b (name x))"},
    {"x['a']['b']", "(member b (member a (name x)))"},
    {"x[0]", "(index (name x) (lit long 0))"},
    {"x[-1]", "(index (name x) (unary - (lit long 1)))"},
    {"x[i + 1]", "(index (name x) (binary + (name i) (lit long 1)))"},
    {"x.y[0].z", "(member z (index (member y (name x)) (lit long 0)))"},
    {"parse_json(s).a", "(member a (call parse_json (name s)))"},
    {"dynamic([1,2])[0]", "(index (lit dynamic [1,2]) (lit long 0))"},
};
TREE_TEST(member_and_index_access_chain_left_to_right, members)

static const tree_case calls[] = {
    {"now()", "(call now)"},
    {"count()", "(call count)"},
    {"strcat(\"a\", b, 1)", "(call strcat (lit string \"a\") (name b) (lit long 1))"},
    {"iff(x > 1, \"big\", \"small\")",
     "(call iff (binary > (name x) (lit long 1)) (lit string \"big\") (lit string \"small\"))"},
    {"tolower(tostring(x))", "(call tolower (call tostring (name x)))"},
    {"bin(Timestamp, 1h)", "(call bin (name Timestamp) (lit timespan \"01:00:00\"))"},
    {"now(-5d)", "(call now (unary - (lit timespan \"5.00:00:00\")))"},
    /* named arguments, anywhere in the list */
    {"f(b = 2, 1)", "(call f (assign b (lit long 2)) (lit long 1))"},
    {"f(1, b = x, c = \"s\")", "(call f (lit long 1) (assign b (name x)) (assign c (lit string \"s\")))"},
};
TREE_TEST(function_calls_take_zero_or_more_arguments, calls)

/* ---- tabular operators ---------------------------------------------------------------- */

static const tree_case summarizes[] = {
    {"T | summarize count()", "(summarize (name T) (call count))"},
    {"T | summarize c = count() by x", "(summarize (name T) (assign c (call count)) (by (name x)))"},
    {"T | summarize by x, y", "(summarize (name T) (by (name x) (name y)))"},
    {"T | summarize count(), dcount(u) by bin(t, 1h), k = x",
     "(summarize (name T) (call count) (call dcount (name u)) "
     "(by (call bin (name t) (lit timespan \"01:00:00\")) (assign k (name x))))"},
    {"T | summarize make_set(ReportId, 10)",
     "(summarize (name T) (call make_set (name ReportId) (lit long 10)))"},
};
TREE_TEST(summarize_takes_aggregates_and_optional_by_keys, summarizes)

static const tree_case sorts[] = {
    {"T | sort by x", "(sort (name T) (sortkey desc (name x)))"},
    {"T | order by x asc", "(sort (name T) (sortkey asc (name x)))"},
    {"T | sort by x desc, y asc", "(sort (name T) (sortkey desc (name x)) (sortkey asc (name y)))"},
    {"T | sort by x asc nulls first", "(sort (name T) (sortkey asc nulls-first (name x)))"},
    {"T | sort by x nulls last", "(sort (name T) (sortkey desc nulls-last (name x)))"},
    {"T | order by x desc nulls first, y",
     "(sort (name T) (sortkey desc nulls-first (name x)) (sortkey desc (name y)))"},
    {"T | top 5 by x", "(top (name T) (lit long 5) (sortkey desc (name x)))"},
    {"T | top 3 by x asc nulls last", "(top (name T) (lit long 3) (sortkey asc nulls-last (name x)))"},
    {"T | top 10 by strlen(s) desc",
     "(top (name T) (lit long 10) (sortkey desc (call strlen (name s))))"},
};
TREE_TEST(sort_and_top_keys_take_order_and_nulls_placement, sorts)

static const tree_case simple_ops[] = {
    {"T | take 10", "(take (name T) (lit long 10))"},
    {"T | limit 5", "(take (name T) (lit long 5))"},
    {"T | count", "(count (name T))"},
    {"T | take 5 | count", "(count (take (name T) (lit long 5)))"},
    {"T | distinct a, b", "(distinct (name T) (name a) (name b))"},
    {"T | distinct *", "(distinct (name T) (star))"},
    {"T | where x > 1", "(where (name T) (binary > (name x) (lit long 1)))"},
    {"T | filter x > 1", "(where (name T) (binary > (name x) (lit long 1)))"},
};
TREE_TEST(take_limit_count_distinct_and_where_build_their_nodes, simple_ops)

static const tree_case projects[] = {
    {"T | project a, b = c + 1",
     "(project (name T) (name a) (assign b (binary + (name c) (lit long 1))))"},
    {"T | extend x = 1, y = tostring(x)",
     "(extend (name T) (assign x (lit long 1)) (assign y (call tostring (name x))))"},
    {"T | project Timestamp, DeviceName | extend n = strlen(DeviceName)",
     "(extend (project (name T) (name Timestamp) (name DeviceName)) "
     "(assign n (call strlen (name DeviceName))))"},
};
TREE_TEST(project_and_extend_take_columns_and_assignments, projects)

/* ---- blanks --------------------------------------------------------------------------- */

static const tree_case blanks[] = {
    {"T\xE2\x80\x8B| take 1", "(take (name T) (lit long 1))"},                  /* U+200B */
    {"T |\xC2\xA0take\xC2\xA0" "1", "(take (name T) (lit long 1))"},            /* U+00A0 */
    {"\xEF\xBB\xBFT | take 1", "(take (name T) (lit long 1))"},                 /* U+FEFF */
    {"T | where x\xE2\x80\x8B==\xEF\xBB\xBF" "1", "(where (name T) (binary == (name x) (lit long 1)))"},
    {"T\t|\r\n take\f1\v", "(take (name T) (lit long 1))"},
    /* inside a string a no-break space is kept */
    {"'a\xC2\xA0" "b'", "(lit string \"a\xC2\xA0" "b\")"},
};
TREE_TEST(zero_width_and_no_break_spaces_count_as_blanks, blanks)

/* ---- errors --------------------------------------------------------------------------- */

typedef struct {
  const char *query;  /* the KQL text */
  kql_status code;    /* expected diagnostic code */
  const char *msg;    /* exact message */
  const char *hint;   /* exact hint ("" for none) */
  uint32_t start, end; /* exact byte span */
} error_case;

static void expect_error(const error_case *c) {
  kql_diag d;
  char *got = dump(c->query, &d);
  ck_assert_msg(got == NULL, "query <%s> parsed as %s", c->query, got ? got : "");
  ck_assert_msg(d.code == c->code, "query <%s>: code %d, want %d (%s)", c->query, (int)d.code,
                (int)c->code, d.msg);
  ck_assert_msg(strcmp(d.msg, c->msg) == 0, "query <%s>: msg <%s>, want <%s>", c->query, d.msg,
                c->msg);
  ck_assert_msg(strcmp(d.hint, c->hint) == 0, "query <%s>: hint <%s>, want <%s>", c->query,
                d.hint, c->hint);
  ck_assert_msg(d.has_span, "query <%s>: no span", c->query);
  ck_assert_msg(d.start == c->start && d.end == c->end, "query <%s>: span [%u,%u), want [%u,%u)",
                c->query, (unsigned)d.start, (unsigned)d.end, (unsigned)c->start,
                (unsigned)c->end);
}

#define ERROR_TEST(name, table)                                                            \
  START_TEST(name) { expect_error(&table[_i]); }                                           \
  END_TEST

static const error_case unterminated[] = {
    {"T | where x == \"abc", KQL_ERR_SYNTAX, "unterminated string literal", "", 15, 19},
    {"T | where x == 'abc", KQL_ERR_SYNTAX, "unterminated string literal", "", 15, 19},
    {"T | where x == 'ab\n| take 1", KQL_ERR_SYNTAX, "unterminated string literal", "", 15, 18},
    {"T | where x == @\"abc", KQL_ERR_SYNTAX, "unterminated string literal", "", 15, 20},
    {"T | where x == ```abc", KQL_ERR_SYNTAX, "unterminated string literal", "", 15, 18},
};
ERROR_TEST(unterminated_string_is_reported_from_its_opening_quote, unterminated)

static const error_case missing_pipe[] = {
    {"T where x == 1", KQL_ERR_SYNTAX, "unexpected 'where'",
     "did you mean '| where'? a tabular operator follows a '|'", 2, 7},
    {"T | where x == 1 take 5", KQL_ERR_SYNTAX, "unexpected 'take'",
     "did you mean '| take'? a tabular operator follows a '|'", 17, 21},
    {"T | sort x", KQL_ERR_SYNTAX, "unexpected 'x', expected by", "", 9, 10},
};
ERROR_TEST(missing_pipe_or_keyword_is_reported_at_the_next_token, missing_pipe)

static const error_case bad_operators[] = {
    {"T | wher x == 1", KQL_ERR_SYNTAX, "unknown operator 'wher'", "did you mean 'where'?", 4, 8},
    {"T | summarise count()", KQL_ERR_SYNTAX, "unknown operator 'summarise'",
     "did you mean 'summarize'?", 4, 13},
    {"T | frobnicate", KQL_ERR_SYNTAX, "unknown operator 'frobnicate'", "", 4, 14},
    {"\xEF\xBB\xBFT | wher x", KQL_ERR_SYNTAX, "unknown operator 'wher'", "did you mean 'where'?", 7,
     11},
};
ERROR_TEST(unknown_operator_after_a_pipe_suggests_the_closest, bad_operators)

static const tree_case makeseries[] = {
    {"T | make-series c=count() default=1 on t from 0 to 10 step 2 by k",
     "(make-series (name T) (name t) (range (lit long 0) (lit long 10) (lit long 2)) "
     "(query (lit long 1)) (assign c (call count)) (by (name k)))"},
    {"T | make-series avg(x) on t in range(1, 2, 1)",
     "(make-series (name T) (name t) (range (lit long 1) (lit long 2) (lit long 1)) (query ()) "
     "(call avg (name x)))"},
    {"T | make-series kind=nonempty count() on t to 5 step 1",
     "(make-series (name T) (name t) (range (lit long 5) (lit long 1)) (query ()) "
     "(opts (option kind (name nonempty))) (call count))"},
};
TREE_TEST(make_series_takes_aggregates_defaults_an_axis_and_keys, makeseries)

static const error_case makeseries_errors[] = {
    {"T | make-series count() on t from 1", KQL_ERR_SYNTAX,
     "make-series needs 'step' after the axis column", "", 29, 35},
    {"T | make-series count() on t step 1 frm 2", KQL_ERR_SYNTAX,
     "unexpected 'frm' in make-series, expected 'from', 'to', 'step' or 'by'", "", 36, 39},
    {"T | make-series count() on t step 1 step 2", KQL_ERR_SYNTAX,
     "'step' is given twice in make-series", "", 36, 40},
    {"T | make-series count() dflt=1 on t step 1", KQL_ERR_SYNTAX,
     "unexpected 'dflt' after a make-series aggregate, expected 'default'", "", 24, 28},
    {"T | make-series count() on t in rng(1, 2, 3)", KQL_ERR_SYNTAX,
     "expected 'range' after 'in' in make-series, got 'rng'", "", 32, 35},
    {"T | make-series count() on t in range(1, 2)", KQL_ERR_SYNTAX,
     "make-series expects 'in range(start, stop, step)'", "", 29, 43},
};
ERROR_TEST(make_series_syntax_errors_name_the_wrong_word, makeseries_errors)

static const error_case unsupported[] = {
    {"find in (T) where x == 1 project x, pack_all()", KQL_ERR_UNSUPPORTED,
     "find's 'pack_all()' is not supported yet", "", 36, 46},
    {"search isfuzzy=true \"x\"", KQL_ERR_UNSUPPORTED, "search option 'isfuzzy=true' is not supported yet",
     "", 7, 19},
    {"T | top-hitters 3 of x", KQL_ERR_UNSUPPORTED, "operator 'top-hitters' is not supported yet", "", 4, 15},
};
ERROR_TEST(unsupported_operator_is_named_as_not_supported_yet, unsupported)

/* parse-kv, top-nested, find, search and alias: the words are keywords only where these
** operators put them ('of' after top-nested, where/project after find). */
static const tree_case kvnested[] = {
    {"T | parse-kv x as (a:string, ['b c']:long) with (pair_delimiter=',', greedy=true)",
     "(parse-kv (name T) (name x) (opts (assign pair_delimiter (lit string \",\")) (assign greedy (lit bool true))) (param a) (param b c))"},
    {"T | top-nested 3 of x by count(), top-nested of y with others = 'z' by s = sum(n) asc",
     "(top-nested (name T) (option top-nested (name x) (call count) (by (lit long 3))) (option top-nested (name y) (assign s (call sum (name n))) (lit string \"z\")))"},
    {"T | top-nested of of by count()",
     "(top-nested (name T) (option top-nested (name of) (call count)))"},
    {"search kind=case_sensitive in (A, B*) \"x*\" and c == 1",
     "(where (binary and (lit string \"x*\") (binary == (name c) (lit long 1))) (union (opts (option withsource (name $table))) (name A) (star B*)))"},
    {"T | search C:\"a\"",
     "(where (name T) (binary has (name C) (lit string \"a\")) (union (opts (option withsource (name $table))) (star *)))"},
    {"find withsource=S in (A, database('d').B) where x == 1 project x, y:long",
     "(union (binary == (name x) (lit long 1)) (opts (option withsource (name S))) (name A) (member B (call database (lit string \"d\"))) (by (param x) (param y)))"},
    {"find \"a\" project-smart",
     "(union (lit string \"a\"))"},
    {"alias database d = cluster('c').database('e'); database('d').T",
     "(let alias database d (function)) (member T (call database (lit string \"d\")))"},
};
TREE_TEST(parse_kv_top_nested_find_search_and_alias_build_their_nodes, kvnested)

static const error_case kvnested_errors[] = {
    {"T | parse-kv x from (a:string)", KQL_ERR_SYNTAX, "unexpected 'from' in parse-kv, expected 'as'", "", 15, 19},
    {"T | top-nested 3 of x with rest = 1 by count()", KQL_ERR_SYNTAX,
     "unexpected 'rest' in top-nested, expected 'others'", "", 27, 31},
    {"search kind=exact \"x\"", KQL_ERR_SYNTAX,
     "search kind must be default, case_insensitive or case_sensitive", "", 12, 17},
    {"alias table d = cluster('c').database('e')", KQL_ERR_SYNTAX,
     "unexpected 'table' after alias, expected 'database'", "", 6, 11},
    {"T | where x.y(1) == 2", KQL_ERR_SYNTAX, "unexpected '(' after '.y'", "", 12, 13},
};
ERROR_TEST(parse_kv_top_nested_search_and_alias_errors_name_the_wrong_word, kvnested_errors)

static const error_case bad_chars[] = {
    {"T | where x == #1", KQL_ERR_SYNTAX, "unexpected character '#'", "", 15, 16},
    {"\xEF\xBB\xBF#", KQL_ERR_SYNTAX, "unexpected character '#'", "", 3, 4},
    /* a typographic quote pasted from a document: the whole character, not its first byte */
    {"T | where x == \xE2\x80\x98" "a", KQL_ERR_SYNTAX, "unexpected character '\xE2\x80\x98'", "", 15,
     18},
};
ERROR_TEST(invalid_character_is_reported_with_its_span, bad_chars)

static const error_case bad_literals[] = {
    {"T | where x == \"a\\qb\"", KQL_ERR_SYNTAX, "invalid escape sequence in string", "", 17, 19},
    {"T | where x == 'bad \\u12'", KQL_ERR_SYNTAX, "invalid escape sequence in string", "", 20, 22},
    {"T | where t > datetime(2026-13-01)", KQL_ERR_SYNTAX,
     "invalid datetime literal 'datetime(2026-13-01)'", "", 14, 34},
    {"T | where t > datetime(2026-02-30)", KQL_ERR_SYNTAX,
     "invalid datetime literal 'datetime(2026-02-30)'", "", 14, 34},
    {"T | where d > time(25:00)", KQL_ERR_SYNTAX, "invalid timespan literal 'time(25:00)'", "", 14,
     25},
    {"T | where d == dynamic([1, 2)", KQL_ERR_SYNTAX, "invalid dynamic literal", "", 28, 29},
    /* Kusto refuses int(...) and decimal(...) in a dynamic literal, and so does kql */
    {"T | where d == dynamic([int(3)])", KQL_ERR_SYNTAX, "invalid dynamic literal", "", 24, 25},
    {"T | where d == dynamic([decimal(1)])", KQL_ERR_SYNTAX, "invalid dynamic literal", "", 24, 25},
    {"T | where d == dynamic([1x])", KQL_ERR_SYNTAX, "invalid dynamic literal", "", 25, 26},
    {"T | where d == dynamic([guid(1234)])", KQL_ERR_SYNTAX, "invalid dynamic literal", "", 29, 30},
    {"T | where d == dynamic([long(1.5)])", KQL_ERR_SYNTAX, "invalid dynamic literal", "", 29, 30},
};
ERROR_TEST(bad_literal_is_reported_at_the_offending_text, bad_literals)

/* A dynamic literal that never closes: the scanner reads its balanced text up to the end of
** the query and must stop there. */
static const struct {
  const char *query;
  uint32_t start; /* where the literal starts */
} open_dynamics[] = {
    {"T | extend d = dynamic([1, 2", 15},
    {"dynamic(", 0},
    {"dynamic([", 0},
    {"T | where x in (dynamic(['abc", 16},
    {"dynamic({\"a\": \"", 0},
};

START_TEST(unterminated_dynamic_literal_is_an_error_not_a_crash) {
  kql_diag d;
  char *got = dump(open_dynamics[_i].query, &d);
  ck_assert_msg(got == NULL, "<%s> parsed as %s", open_dynamics[_i].query, got ? got : "");
  ck_assert_int_eq(d.code, KQL_ERR_SYNTAX);
  ck_assert_int_eq(d.has_span, 1);
  ck_assert_uint_eq(d.start, open_dynamics[_i].start);
  ck_assert_uint_le(d.end, strlen(open_dynamics[_i].query));
}
END_TEST

START_TEST(empty_query_is_a_syntax_error_at_offset_zero) {
  kql_diag d;
  char *got = dump_n("", 0, &d);
  ck_assert_ptr_null(got);
  ck_assert_int_eq(d.code, KQL_ERR_SYNTAX);
  ck_assert_str_eq(d.msg, "unexpected end of query");
  ck_assert_int_eq(d.has_span, 1);
  ck_assert_uint_eq(d.start, 0);
  ck_assert_uint_eq(d.end, 0);
}
END_TEST

static const char *const blank_queries[] = {"   ", "// only a comment", "\n\n", ";"};

START_TEST(query_with_no_statement_is_a_syntax_error) {
  kql_diag d;
  char *got = dump(blank_queries[_i], &d);
  ck_assert_msg(got == NULL, "<%s> parsed as %s", blank_queries[_i], got ? got : "");
  ck_assert_int_eq(d.code, KQL_ERR_SYNTAX);
  ck_assert_msg(strncmp(d.msg, "unexpected ", 11) == 0, "msg <%s>", d.msg);
}
END_TEST

static const char *const rejected[] = {
    "1 < 2 < 3",         /* comparisons do not chain (Kusto rejects this too) */
    "T | take",          /* operator without its argument */
    "T | summarize",     /* nothing to summarize */
    "T | where (x == 1", /* unbalanced parenthesis */
    "T | project a,",    /* dangling comma */
    "let = 5; T",        /* let without a name */
    "T |",               /* pipe into nothing */
};

START_TEST(malformed_queries_are_rejected_with_a_syntax_error) {
  kql_diag d;
  char *got = dump(rejected[_i], &d);
  ck_assert_msg(got == NULL, "<%s> parsed as %s", rejected[_i], got ? got : "");
  ck_assert_int_eq(d.code, KQL_ERR_SYNTAX);
  ck_assert_msg(d.msg[0] != '\0', "<%s>: empty message", rejected[_i]);
}
END_TEST

/* Build 'depth' copies of 'open', then 'mid', then 'depth' copies of 'close'. */
static char *nest(const char *open, const char *mid, const char *close, int depth) {
  size_t lo = strlen(open), lm = strlen(mid), lc = strlen(close);
  char *s = malloc((lo + lc) * (size_t)depth + lm + 1), *p = s;
  for (int i = 0; i < depth; i++) memcpy(p, open, lo), p += lo;
  memcpy(p, mid, lm), p += lm;
  for (int i = 0; i < depth; i++) memcpy(p, close, lc), p += lc;
  *p = '\0';
  return s;
}

/* Deep nesting must end in a tree or a clean syntax error with a span, never a crash. */
static void expect_no_crash(char *q) {
  kql_diag d;
  char *got = dump(q, &d);
  if (!got) {
    ck_assert_int_eq(d.code, KQL_ERR_SYNTAX);
    ck_assert_msg(d.msg[0] != '\0', "failed with an empty message");
  } else {
    ck_assert_msg(strncmp(got, "(query ", 7) == 0, "odd dump %.40s", got);
  }
  free(got);
  free(q);
}

START_TEST(ten_thousand_nested_parentheses_fail_cleanly_or_parse) {
  expect_no_crash(nest("(", "1", ")", 10000));
}
END_TEST

START_TEST(ten_thousand_nested_calls_fail_cleanly_or_parse) {
  expect_no_crash(nest("f(", "1", ")", 10000));
}
END_TEST

START_TEST(ten_thousand_unary_minuses_fail_cleanly_or_parse) {
  expect_no_crash(nest("-", "1", "", 10000));
}
END_TEST

START_TEST(ten_thousand_nested_dynamic_arrays_fail_cleanly_or_parse) {
  char *inner = nest("[", "1", "]", 10000);
  size_t n = strlen(inner) + 32;
  char *q = malloc(n);
  snprintf(q, n, "dynamic(%s)", inner);
  free(inner);
  expect_no_crash(q);
}
END_TEST

START_TEST(a_hundred_nested_parentheses_parse) {
  char *q = nest("(", "x", ")", 100);
  expect_tree(q, "(name x)");
  free(q);
}
END_TEST

Suite *parse_suite(void) {
  Suite *s = suite_create("parse");
  struct {
    const char *name;
    const TTest *test;
    int n;
  } cases[] = {
#define LOOP(fn, table) {#fn, fn, (int)(sizeof table / sizeof table[0])}
#define ONE(fn) {#fn, fn, 0}
      LOOP(lets_and_semicolons_separate_statements, lets),
      LOOP(comments_run_to_the_end_of_the_line, comments),
      ONE(seed_rule_parses_with_trailing_spaces_and_continuation_lines),
      ONE(seed_rule_parses_with_crlf_line_ends),
      LOOP(bracketed_names_name_tables_and_columns, bracket_names),
      LOOP(soft_keywords_are_names_outside_their_clause, soft_keywords),
      LOOP(string_literals_decode_escapes_and_quote_forms, strings),
      LOOP(number_literals_are_long_real_or_hex, numbers),
      LOOP(timespan_literals_scale_their_unit_to_ticks, timespans),
      LOOP(datetime_literals_take_iso_rfc_and_null_forms, datetimes),
      LOOP(time_literals_take_clock_day_and_unit_forms, times),
      LOOP(typed_literals_and_typed_nulls_keep_their_type, typed),
      LOOP(dynamic_literals_become_compact_json, dynamics),
      LOOP(operators_bind_by_kql_precedence, precedence),
      LOOP(between_takes_a_parenthesized_range, betweens),
      LOOP(list_operators_take_a_parenthesized_list, inlists),
      LOOP(string_operators_parse_with_negation_and_case_suffix, strop_words),
      LOOP(member_and_index_access_chain_left_to_right, members),
      LOOP(function_calls_take_zero_or_more_arguments, calls),
      LOOP(summarize_takes_aggregates_and_optional_by_keys, summarizes),
      LOOP(sort_and_top_keys_take_order_and_nulls_placement, sorts),
      LOOP(take_limit_count_distinct_and_where_build_their_nodes, simple_ops),
      LOOP(project_and_extend_take_columns_and_assignments, projects),
      LOOP(zero_width_and_no_break_spaces_count_as_blanks, blanks),
      LOOP(unterminated_string_is_reported_from_its_opening_quote, unterminated),
      LOOP(missing_pipe_or_keyword_is_reported_at_the_next_token, missing_pipe),
      LOOP(unknown_operator_after_a_pipe_suggests_the_closest, bad_operators),
      LOOP(make_series_takes_aggregates_defaults_an_axis_and_keys, makeseries),
      LOOP(make_series_syntax_errors_name_the_wrong_word, makeseries_errors),
      LOOP(unsupported_operator_is_named_as_not_supported_yet, unsupported),
      LOOP(parse_kv_top_nested_find_search_and_alias_build_their_nodes, kvnested),
      LOOP(parse_kv_top_nested_search_and_alias_errors_name_the_wrong_word, kvnested_errors),
      LOOP(invalid_character_is_reported_with_its_span, bad_chars),
      LOOP(bad_literal_is_reported_at_the_offending_text, bad_literals),
      LOOP(unterminated_dynamic_literal_is_an_error_not_a_crash, open_dynamics),
      ONE(empty_query_is_a_syntax_error_at_offset_zero),
      LOOP(query_with_no_statement_is_a_syntax_error, blank_queries),
      LOOP(malformed_queries_are_rejected_with_a_syntax_error, rejected),
      ONE(ten_thousand_nested_parentheses_fail_cleanly_or_parse),
      ONE(ten_thousand_nested_calls_fail_cleanly_or_parse),
      ONE(ten_thousand_unary_minuses_fail_cleanly_or_parse),
      ONE(ten_thousand_nested_dynamic_arrays_fail_cleanly_or_parse),
      ONE(a_hundred_nested_parentheses_parse),
#undef LOOP
#undef ONE
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    TCase *tc = tcase_create(cases[i].name);
    if (cases[i].n > 0) tcase_add_loop_test(tc, cases[i].test, 0, cases[i].n);
    else tcase_add_test(tc, cases[i].test);
    suite_add_tcase(s, tc);
  }
  return s;
}
