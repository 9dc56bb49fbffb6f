/*
** func_check.c: the shared checks of the function suites (func_check.h).
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "func_check.h"

char *run(const char *q, kql_diag *d) {
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

void check_expr(const xcase *c) {
  char q[4096], want[4096];
  kql_diag d;
  snprintf(q, sizeof q, "print r = %s", c->expr);
  snprintf(want, sizeof want, "{\"r\":%s}\n", c->want);
  char *out = run(q, &d);
  ck_assert_msg(out != NULL, "%s: query failed: %s", c->expr, d.msg);
  ck_assert_msg(strcmp(out, want) == 0, "%s\n  want %s  got  %s", c->expr, want, out);
  free(out);
}

void check_query(const qcase *c) {
  kql_diag d;
  char *out = run(c->query, &d);
  ck_assert_msg(out != NULL, "%s: query failed: %s", c->query, d.msg);
  ck_assert_msg(strcmp(out, c->want) == 0, "%s\n  want %s  got  %s", c->query, c->want, out);
  free(out);
}

void check_error(const qcase *c) {
  kql_diag d;
  char *out = run(c->query, &d);
  ck_assert_msg(out == NULL, "%s: expected an error, got %s", c->query, out ? out : "");
  ck_assert_msg(strstr(d.msg, c->want) != NULL, "%s: want error '%s', got '%s'", c->query, c->want,
                d.msg);
}
