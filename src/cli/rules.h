/*
** rules.h: the kql subcommands for testing a rule before it is deployed: 'kql rule eval',
** 'kql rule backtest', 'kql test', and 'kql check' over folders (with --format sarif).
** Like main.c they use only kql.h.
*/
#ifndef KQL_CLI_RULES_H
#define KQL_CLI_RULES_H

#include <stddef.h>

/* kql rule eval|backtest ...: argv[1] is "rule".  Returns the exit status. */
int rules_rule_main(int argc, char **argv);
/* kql test [PATH...] [options]: argv[1] is "test".  Returns the exit status. */
int rules_test_main(int argc, char **argv);
/* 1 when 'kql check' with these arguments is for rules_check_main(): a folder among the
** files, or --format sarif. */
int rules_check_wanted(int argc, char **argv);
/* kql check over files and folders (recursing for .yaml, .yml and .kql) with a summary
** line, rule checks (kql_rule_lint) as warnings, and --format text|json|sarif. */
int rules_check_main(int argc, char **argv);

/* The shipped data/ folder (main.c): beside the binary's parent, where it is installed, or in
** the source tree the binary was built from; written into 'buf', NULL when there is none. */
const char *cli_shipped_data(char *buf, size_t cap);

/* Add to 'e' the tables of the options (main.c): the shipped data/ when no --data folder is
** given (its schemas always), the --data folders, --schemas folders and --table NAME=PATH
** files.  Returns 0, or -1 after printing why. */
struct kql_engine;
int cli_add_sources(struct kql_engine *e, const char *const *data, int ndata,
                    const char *const *schemas, int nschemas, const char *const *tables,
                    int ntables);
/* --geoip FILE: geo_info_from_ip_address()'s database; 0, or -1 after saying why. */
int cli_set_geoip(struct kql_engine *e, const char *path);
/* --functions DIR: saved functions and ASIM parsers; 0, or -1 after saying why. */
int cli_add_functions(struct kql_engine *e, const char *dir);

#endif /* KQL_CLI_RULES_H */
