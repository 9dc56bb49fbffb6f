/*
** check_main.c: the one runner of kql's Check unit suites.  Pick a suite or a case with
** CK_RUN_SUITE / CK_RUN_CASE; run with CK_FORK=no under valgrind or gdb.
*/
#include <check.h>
#include <stdlib.h>

#include "suites.h"

int main(void) {
  Suite *(*const suites[])(void) = {
      lit_suite,   diag_suite,  rule_suite, jsonrd_suite, jsonscan_suite, parse_suite,
      strops_suite, value_suite, func_suite, funclib_suite, funcext_suite, funcmore_suite, funcstat_suite, engine_suite, cache_suite,
  };
  SRunner *r = srunner_create(NULL);
  for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) srunner_add_suite(r, suites[i]());
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
