/*
** test_strops.c: Check suite for src/strops.c, Kusto's string operators.  Expected results
** come from the KQL reference: the "Example (yields true)" column of the string operators
** page (datatypes-string-operators.md and each operator's page) and its definition of a
** term as a maximal run of alphanumeric characters.
*/
#include <check.h>
#include <string.h>

#include "ast.h"
#include "strops.h"

Suite *strops_suite(void);

typedef struct {
  int op;           /* OP_HAS .. OP_NHASSUFFIX_CS */
  const char *hay;  /* left-hand side */
  const char *need; /* right-hand side */
  bool want;        /* expected result */
} strop_case;

static void expect_strop(const strop_case *c) {
  bool got = strop_apply(c->op, c->hay, strlen(c->hay), c->need, strlen(c->need));
  ck_assert_msg(got == c->want, "\"%s\" %s \"%s\": got %s, want %s", c->hay, ast_op_name(c->op),
                c->need, got ? "true" : "false", c->want ? "true" : "false");
}

#define STROP_TEST(name, table)                                                            \
  START_TEST(name) { expect_strop(&table[_i]); }                                           \
  END_TEST

/* The examples of the reference's operator table, each yielding true. */
static const strop_case doc_examples[] = {
    {OP_HAS, "North America", "america", true},
    {OP_NHAS, "North America", "amer", true},
    {OP_HAS_CS, "North America", "America", true},
    {OP_NHAS_CS, "North America", "amer", true},
    {OP_CONTAINS, "FabriKam", "BRik", true},
    {OP_NCONTAINS, "Fabrikam", "xyz", true},
    {OP_CONTAINS_CS, "FabriKam", "Kam", true},
    {OP_NCONTAINS_CS, "Fabrikam", "Kam", true},
    {OP_STARTSWITH, "Fabrikam", "fab", true},
    {OP_NSTARTSWITH, "Fabrikam", "kam", true},
    {OP_STARTSWITH_CS, "Fabrikam", "Fab", true},
    {OP_NSTARTSWITH_CS, "Fabrikam", "fab", true},
    {OP_ENDSWITH, "Fabrikam", "Kam", true},
    {OP_NENDSWITH, "Fabrikam", "brik", true},
    {OP_ENDSWITH_CS, "Fabrikam", "kam", true},
    {OP_NENDSWITH_CS, "Fabrikam", "brik", true},
    {OP_HASPREFIX, "North America", "ame", true},
    {OP_NHASPREFIX, "North America", "mer", true},
    {OP_HASPREFIX_CS, "North America", "Ame", true},
    {OP_NHASPREFIX_CS, "North America", "CA", true},
    {OP_HASSUFFIX, "North America", "ica", true},
    {OP_NHASSUFFIX, "North America", "americ", true},
    {OP_HASSUFFIX_CS, "North America", "ica", true},
    {OP_NHASSUFFIX_CS, "North America", "icA", true},
};
STROP_TEST(reference_examples_of_every_operator_yield_true, doc_examples)

/* The same pairs under the opposite operator of each group yield false. */
static const strop_case doc_opposites[] = {
    {OP_NHAS, "North America", "america", false},
    {OP_HAS, "North America", "amer", false},
    {OP_NHAS_CS, "North America", "America", false},
    {OP_HAS_CS, "North America", "amer", false},
    {OP_NCONTAINS, "FabriKam", "BRik", false},
    {OP_CONTAINS, "Fabrikam", "xyz", false},
    {OP_NCONTAINS_CS, "FabriKam", "Kam", false},
    {OP_CONTAINS_CS, "Fabrikam", "Kam", false},
    {OP_NSTARTSWITH, "Fabrikam", "fab", false},
    {OP_STARTSWITH, "Fabrikam", "kam", false},
    {OP_NSTARTSWITH_CS, "Fabrikam", "Fab", false},
    {OP_STARTSWITH_CS, "Fabrikam", "fab", false},
    {OP_NENDSWITH, "Fabrikam", "Kam", false},
    {OP_ENDSWITH, "Fabrikam", "brik", false},
    {OP_NENDSWITH_CS, "Fabrikam", "kam", false},
    {OP_ENDSWITH_CS, "Fabrikam", "brik", false},
    {OP_NHASPREFIX, "North America", "ame", false},
    {OP_HASPREFIX, "North America", "mer", false},
    {OP_NHASPREFIX_CS, "North America", "Ame", false},
    {OP_HASPREFIX_CS, "North America", "CA", false},
    {OP_NHASSUFFIX, "North America", "ica", false},
    {OP_HASSUFFIX, "North America", "americ", false},
    {OP_NHASSUFFIX_CS, "North America", "ica", false},
    {OP_HASSUFFIX_CS, "North America", "icA", false},
};
STROP_TEST(opposite_operator_of_each_example_yields_false, doc_opposites)

/* has matches whole terms: the needle must start and end on term boundaries. */
static const strop_case has_terms[] = {
    {OP_HAS, "TightVNC Viewer", "TightVNC", true},
    {OP_HAS, "TightVNCServer", "TightVNC", false},
    {OP_HAS, "Viewer TightVNC", "TightVNC", true},
    {OP_HAS, "TightVNC", "TightVNC", true},
    {OP_HAS, "GlavSoft LLC.", "GlavSoft", true},
    {OP_HAS, "XGlavSoft LLC.", "GlavSoft", false},
    {OP_HAS, "Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun", "c1db", true},
    {OP_HAS, "Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun",
     "KustoExplorerQueryRun", true},
    {OP_HAS, "Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun", "Explorer",
     false},
    {OP_HAS, "a-b-c", "b", true},
    {OP_HAS, "a1b", "1", false},
    {OP_HAS, "v2.0.1", "0", true},
    {OP_HAS, "term term2", "term2", true},
    {OP_HAS, "term2 term", "term", true},
    {OP_HAS, "xterm term2", "term", false},
    {OP_HAS_CS, "TightVNC Viewer", "TightVNC", true},
    {OP_HAS_CS, "TightVNCServer", "TightVNC", false},
    {OP_NHAS, "TightVNCServer", "TightVNC", true},
};
STROP_TEST(has_matches_whole_terms_only, has_terms)

static const strop_case has_case[] = {
    {OP_HAS, "tightvnc viewer", "TIGHTVNC", true},
    {OP_HAS, "TIGHTVNC VIEWER", "tightvnc", true},
    {OP_HAS_CS, "tightvnc viewer", "TightVNC", false},
    {OP_NHAS_CS, "tightvnc viewer", "TightVNC", true},
    {OP_HAS, "GLAVSOFT", "GlavSoft", true},
};
STROP_TEST(has_ignores_case_unless_cs, has_case)

/* A needle that holds punctuation matches as a phrase of terms: its alphanumeric ends must
** fall on term boundaries, its punctuation must match as written. */
static const strop_case has_punct[] = {
    {OP_HAS, "C:\\Program Files\\TightVNC\\tvnserver.exe", "tvnserver.exe", true},
    {OP_HAS, "C:\\Program Files\\TightVNC\\tvnserver.exe", "program files", true},
    {OP_HAS, "C:\\Program Files\\TightVNC\\tvnserver.exe", "TightVNC\\tvnserver", true},
    {OP_HAS, "cmd.exe /c whoami", "cmd.exe", true},
    {OP_HAS, "xcmd.exe /c whoami", "cmd.exe", false},
    {OP_HAS, "cmd.exes", "cmd.exe", false},
    {OP_HAS, "cmd.exe", ".exe", true},
    {OP_HAS, "powershell.exe -enc AAAA", "-enc", true},
    {OP_HAS, "powershell.exe -encodedcommand AAAA", "-enc", false},
    {OP_HAS, "a.b.c", "b.c", true},
    {OP_HAS, "a.bb.c", "b.c", false},
    {OP_HAS, "user@contoso.com", "contoso.com", true},
};
STROP_TEST(has_needle_with_punctuation_matches_on_term_boundaries, has_punct)

/* Every string contains the empty string, starts and ends with it. */
static const strop_case empty_needle[] = {
    {OP_CONTAINS, "abc", "", true},
    {OP_CONTAINS_CS, "abc", "", true},
    {OP_NCONTAINS, "abc", "", false},
    {OP_STARTSWITH, "abc", "", true},
    {OP_ENDSWITH, "abc", "", true},
    {OP_NSTARTSWITH_CS, "abc", "", false},
    {OP_CONTAINS, "", "", true},
    {OP_STARTSWITH, "", "", true},
    {OP_HAS, "abc", "", true},
    {OP_HAS, "", "a", false},
    {OP_CONTAINS, "", "a", false},
    {OP_NHAS, "", "a", true},
};
STROP_TEST(empty_needle_is_found_in_every_string, empty_needle)

/* Every operator against a needle longer than the haystack: the plain forms are false and
** the negated forms true, whatever the case. */
START_TEST(needle_longer_than_haystack_is_never_found) {
  int op = OP_HAS + _i;
  bool negated = (_i & 1) != 0;
  const char *h = "abc", *n = "abcd";
  ck_assert_msg(strop_apply(op, h, 3, n, 4) == negated, "%s", ast_op_name(op));
  ck_assert_msg(strop_apply(op, "ABC", 3, "abcd", 4) == negated, "%s", ast_op_name(op));
  /* and the haystack is not read past its length: "abcd" cut to 3 bytes */
  ck_assert_msg(strop_apply(op, "abcd", 3, n, 4) == negated, "%s (cut)", ast_op_name(op));
}
END_TEST

/* Haystacks cut short: only the first 'hn' bytes count. */
START_TEST(haystack_length_bounds_the_search) {
  ck_assert(!strop_apply(OP_CONTAINS, "abcdef", 3, "def", 3));
  ck_assert(strop_apply(OP_ENDSWITH, "abcdef", 3, "bc", 2));
  ck_assert(strop_apply(OP_HAS, "abc def", 3, "abc", 3));
  ck_assert(strop_apply(OP_HAS, "abcdef", 3, "abc", 3));
  ck_assert(!strop_apply(OP_HASPREFIX, "abcdef", 3, "d", 1));
}
END_TEST

static const strop_case substr_ops[] = {
    {OP_CONTAINS, "FabriKam", "brik", true},
    {OP_CONTAINS_CS, "FabriKam", "brik", false},
    {OP_CONTAINS_CS, "FabriKam", "briK", true},
    {OP_NCONTAINS_CS, "FabriKam", "brik", true},
    {OP_CONTAINS, "TightVNCServer", "vncserv", true},
    {OP_CONTAINS, "aaab", "aab", true},
    {OP_CONTAINS, "abababc", "ababc", true},
    {OP_CONTAINS, "xAx", "a", true},
    {OP_STARTSWITH, "Fabrikam", "FABRIKAM", true},
    {OP_STARTSWITH, "Fab", "Fabrikam", false},
    {OP_STARTSWITH_CS, "Fabrikam", "FAB", false},
    {OP_NSTARTSWITH, "Fabrikam", "fab", false},
    {OP_ENDSWITH, "tvnserver.EXE", ".exe", true},
    {OP_ENDSWITH_CS, "tvnserver.EXE", ".exe", false},
    {OP_NENDSWITH_CS, "tvnserver.EXE", ".exe", true},
    {OP_NENDSWITH, "tvnserver.exe", ".EXE", false},
};
STROP_TEST(contains_startswith_endswith_match_substrings, substr_ops)

static const strop_case prefix_suffix[] = {
    {OP_HASPREFIX, "North America", "nor", true},
    {OP_HASPREFIX, "North America", "orth", false},
    {OP_HASPREFIX, "North America", "america", true},
    {OP_HASPREFIX, "tvnserver.exe", "exe", true},
    {OP_HASPREFIX_CS, "North America", "ame", false},
    {OP_NHASPREFIX_CS, "North America", "ame", true},
    {OP_HASSUFFIX, "North America", "th", true},
    {OP_HASSUFFIX, "North America", "nor", false},
    {OP_HASSUFFIX, "North America", "RICA", true},
    {OP_HASSUFFIX, "tvnserver.exe", "server", true},
    {OP_HASSUFFIX_CS, "North America", "RICA", false},
    {OP_NHASSUFFIX_CS, "North America", "RICA", true},
    {OP_NHASSUFFIX, "North America", "rth", false},
};
STROP_TEST(hasprefix_and_hassuffix_match_term_starts_and_ends, prefix_suffix)

/* UTF-8: bytes of non-ASCII characters pass through untouched; the reference's terms are
** runs of alphanumeric characters, and a letter such as u-umlaut is one. */
static const strop_case utf8[] = {
    {OP_HAS, "Z\xC3\xBCrich Airport", "Airport", true},
    {OP_HAS, "Z\xC3\xBCrich Airport", "Z\xC3\xBCrich", true},
    {OP_CONTAINS, "Z\xC3\xBCrich", "\xC3\xBC", true},
    {OP_STARTSWITH, "na\xC3\xAFve", "na\xC3\xAF", true},
    {OP_ENDSWITH, "caf\xC3\xA9", "\xC3\xA9", true},
    {OP_CONTAINS_CS, "\xE2\x92\xA6\xE2\x92\xB0", "\xE2\x92\xB0", true},
    /* "rich" is not a term of "Zurich" with an umlaut: the u-umlaut is a letter */
    {OP_HAS, "Z\xC3\xBCrich Airport", "rich", false},
    {OP_HASPREFIX, "Z\xC3\xBCrich", "rich", false},
    /* case-insensitive operators fold non-ASCII letters too */
    {OP_HAS, "Z\xC3\x9CRICH", "z\xC3\xBCrich", true},
    {OP_CONTAINS, "\xC3\x84RGER", "\xC3\xA4rger", true},
};
STROP_TEST(utf8_text_is_matched_by_characters, utf8)

typedef struct {
  const char *a, *b; /* operands */
  bool want;         /* a =~ b */
} eq_case;

static const eq_case eq_ci[] = {
    {"abc", "ABC", true},       {"aBc", "AbC", true},   {"abc", "abd", false},
    {"abc", "abcd", false},     {"abcd", "abc", false}, {"", "", true},
    {"", "a", false},           {"a b", "A B", true},   {"a-b", "a_b", false},
    {"[", "{", false},          {"@", "`", false},      /* not letters: no folding */
    {"\xC3\x84rger", "\xC3\xA4rger", true},             /* non-ASCII letters fold too */
};

START_TEST(equal_ignoring_case_folds_letters_only) {
  const eq_case *c = &eq_ci[_i];
  bool got = strop_eq_ci(c->a, strlen(c->a), c->b, strlen(c->b));
  ck_assert_msg(got == c->want, "\"%s\" =~ \"%s\": got %d", c->a, c->b, got);
}
END_TEST

Suite *strops_suite(void) {
  Suite *s = suite_create("strops");
  struct {
    const char *name;
    const TTest *test;
    int n;
  } cases[] = {
#define LOOP(fn, n) {#fn, fn, (int)(n)}
#define TABLE(fn, table) LOOP(fn, sizeof table / sizeof table[0])
      TABLE(reference_examples_of_every_operator_yield_true, doc_examples),
      TABLE(opposite_operator_of_each_example_yields_false, doc_opposites),
      TABLE(has_matches_whole_terms_only, has_terms),
      TABLE(has_ignores_case_unless_cs, has_case),
      TABLE(has_needle_with_punctuation_matches_on_term_boundaries, has_punct),
      TABLE(empty_needle_is_found_in_every_string, empty_needle),
      LOOP(needle_longer_than_haystack_is_never_found, OP_NHASSUFFIX_CS - OP_HAS + 1),
      {"haystack_length_bounds_the_search", haystack_length_bounds_the_search, 0},
      TABLE(contains_startswith_endswith_match_substrings, substr_ops),
      TABLE(hasprefix_and_hassuffix_match_term_starts_and_ends, prefix_suffix),
      TABLE(utf8_text_is_matched_by_characters, utf8),
      TABLE(equal_ignoring_case_folds_letters_only, eq_ci),
#undef TABLE
#undef LOOP
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    TCase *tc = tcase_create(cases[i].name);
    if (cases[i].n > 0) tcase_add_loop_test(tc, cases[i].test, 0, cases[i].n);
    else tcase_add_test(tc, cases[i].test);
    suite_add_tcase(s, tc);
  }
  return s;
}
