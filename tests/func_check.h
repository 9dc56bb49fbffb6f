/*
** func_check.h: what the function suites (test_func_lib.c, test_func_ext.c, test_func_more.c,
** test_func_stat.c) share: run a query end to end through the public API and compare its
** NDJSON rows, the value of one expression, or the error it raises.  now() is pinned to
** 2026-05-30T12:34:56Z.
*/
#ifndef KQL_TESTS_FUNC_CHECK_H
#define KQL_TESTS_FUNC_CHECK_H

#include "kql.h"

/* An expression and the JSON of its value in the `print r = ...` row. */
typedef struct xcase {
  const char *expr; /* KQL scalar expression */
  const char *want; /* the cell as kql writes it in NDJSON */
} xcase;

/* A whole query and its NDJSON output, or the message of the error it must raise. */
typedef struct qcase {
  const char *query; /* KQL query */
  const char *want;  /* NDJSON rows, or the error message (a substring of d.msg) */
} qcase;
typedef qcase ecase; /* a query and its error */

/* Run 'q'; on success return its rows as NDJSON (malloc'ed), else NULL with 'd' filled. */
char *run(const char *q, kql_diag *d);
/* Assert that `print r = EXPR` gives {"r":WANT}. */
void check_expr(const xcase *c);
/* Assert that the query gives exactly the NDJSON rows 'want'. */
void check_query(const qcase *c);
/* Assert that the query fails with a message holding 'want'. */
void check_error(const qcase *c);

#endif
