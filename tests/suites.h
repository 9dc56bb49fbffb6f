/* suites.h: every Check suite of the unit test runner, one per module. */
#ifndef KQL_TEST_SUITES_H
#define KQL_TEST_SUITES_H

#include <check.h>

Suite *lit_suite(void);
Suite *diag_suite(void);
Suite *rule_suite(void);
Suite *jsonrd_suite(void);
Suite *jsonscan_suite(void);
Suite *parse_suite(void);
Suite *strops_suite(void);
Suite *value_suite(void);
Suite *func_suite(void);
Suite *funclib_suite(void);
Suite *funcext_suite(void); /* functions that need a library or a data file */
Suite *funcmore_suite(void); /* bitwise, encoding, IPv6, version, hash, array functions */
Suite *funcstat_suite(void); /* statistics, bitwise and rank functions, special math */
Suite *engine_suite(void);
Suite *cache_suite(void);   /* the table cache (catalog.c, ops/scan.c) */

#endif
