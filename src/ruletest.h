/*
** ruletest.h: testing a rule before it is deployed (issue 5): a scheduled rule evaluated as
** Sentinel would at one instant (the alerts it raises), backtests over a time range with
** suppression and the comparison of two versions, and the runner of rule test files.  It
** sits above the engine: it only compiles and runs queries, then reads their results.
** Everything returned belongs to the caller and is freed with the matching *_free.
*/
#ifndef KQL_RULETEST_H
#define KQL_RULETEST_H

#include "internal.h"
#include "rule.h"
#include "value.h"

/* ---- what ruletest.c reads of engine.c's handles (defined at the end of engine.c) ---- */
KQL_INTERNAL int engine_result_ncols(const kql_result *r);
KQL_INTERNAL const char *engine_result_name(const kql_result *r, int col);
KQL_INTERNAL kql_type engine_result_type(const kql_result *r, int col);
/* Row 'i' of 'r': engine_result_ncols() values. */
KQL_INTERNAL const kql_value *engine_result_row(const kql_result *r, size_t i);
KQL_INTERNAL const rule_file *engine_rule_file(const kql_rule *r);

/* ---- ruletest.c ---- */
KQL_INTERNAL kql_status rt_eval(kql_engine *e, const rule_file *r, int64_t now, kql_alerts **out,
                                kql_diag *d);
KQL_INTERNAL size_t rt_alerts_count(const kql_alerts *a);
KQL_INTERNAL size_t rt_alerts_rows(const kql_alerts *a);
KQL_INTERNAL void rt_alerts_write(const kql_alerts *a, FILE *out, int json);
KQL_INTERNAL void rt_alerts_free(kql_alerts *a);
KQL_INTERNAL kql_status rt_backtest(kql_engine *e, const rule_file *r, const rule_file *other,
                                    int64_t from, int64_t to, int json, FILE *out,
                                    kql_backtest_summary *sum, kql_diag *d);
KQL_INTERNAL int rt_test_run(const char *const *files, int n, const char *schemas,
                             kql_cache *cache, int verbose, FILE *out, const char *junit,
                             kql_test_summary *sum);
KQL_INTERNAL int rt_rule_lint(const rule_file *r, const kql_query *q,
                              void (*fn)(void *ctx, const kql_diag *d), void *ctx);

#endif /* KQL_RULETEST_H */
