/*
** kql.h: the one public header of libkql, an offline engine for Kusto Query Language
** (KQL) hunting and detection queries over JSON tables.  The CLI uses only this header.
**
** Ownership: every object returned by a kql_*_new / kql_*_open function belongs to the
** caller and is released with the matching kql_*_free; strings returned by accessors
** belong to the object they came from and live as long as it does.
*/
#ifndef KQL_H
#define KQL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define KQL_API __attribute__((visibility("default")))
#else
#define KQL_API
#endif

/* Result of every fallible call.  ORDER: kql_status_name() depends on it. */
typedef enum kql_status {
  KQL_OK = 0,
  KQL_ERR_SYNTAX,   /* the query text does not parse */
  KQL_ERR_BIND,     /* unknown name, wrong arity */
  KQL_ERR_TYPE,     /* operand types do not fit */
  KQL_ERR_RUNTIME,  /* an error while rows flow */
  KQL_ERR_UNSUPPORTED, /* a feature kql does not have yet */
  KQL_ERR_IO,       /* missing, unreadable or malformed input data */
  KQL_ERR_USAGE,    /* the caller asked for something impossible */
  KQL_ERR_NOMEM     /* out of memory */
} kql_status;

typedef struct kql_engine kql_engine;   /* catalog of tables and schemas, options */
typedef struct kql_query kql_query;     /* one compiled query over an engine */
typedef struct kql_result kql_result;   /* a materialized result table */

/* Where a diagnostic points.  Offsets are bytes into the query text. */
typedef struct kql_diag {
  kql_status code;      /* what kind of problem */
  int has_span;         /* 0 when no location is known */
  uint32_t start, end;  /* byte offsets into the query text, end exclusive */
  char msg[256];        /* lower case, no period: "unknown column 'Stat'" */
  char hint[160];       /* optional: "did you mean 'State'?" ("" when none) */
  char file[256];       /* for KQL_ERR_IO on data: the file; "" otherwise */
  long line, col;       /* for KQL_ERR_IO on data: 1-based position in 'file'; 0 unknown */
} kql_diag;

/* Output formats of kql_result_write().  KQL_FMT_CSV puts a ' before a string cell that
** starts with = + - @ tab or CR, so that a spreadsheet shows it rather than running it as a
** formula; KQL_FMT_CSV_RAW writes every cell as it is. */
typedef enum kql_format { KQL_FMT_TABLE, KQL_FMT_JSON, KQL_FMT_NDJSON, KQL_FMT_CSV,
                          KQL_FMT_CSV_RAW } kql_format;

KQL_API const char *kql_version(void);
KQL_API const char *kql_status_name(kql_status s);

/* Engine: where tables come from. */
KQL_API kql_engine *kql_engine_new(void);
KQL_API void kql_engine_free(kql_engine *e);
/* Add a folder of tables (<Table>.json/.jsonl/.ndjson); also reads DIR/schemas/ if present. */
KQL_API kql_status kql_engine_add_data_dir(kql_engine *e, const char *dir, kql_diag *d);
/* Add one table 'name' read from the file at 'path'. */
KQL_API kql_status kql_engine_add_table_file(kql_engine *e, const char *name, const char *path,
                                            kql_diag *d);
/* Add a folder of schema files ({"Table": {"Column": "type", ...}}). */
KQL_API kql_status kql_engine_add_schema_dir(kql_engine *e, const char *dir, kql_diag *d);
/* Pin now(): 'ticks' is 100 ns ticks since 0001-01-01T00:00:00Z. */
KQL_API void kql_engine_set_now(kql_engine *e, int64_t ticks);
/* externaldata: read 'url' from the local file 'path' (kql never downloads anything). */
KQL_API void kql_engine_add_external(kql_engine *e, const char *url, const char *path);
/* geo_info_from_ip_address(): read the MaxMind DB file 'path' (GeoLite2-City or the same
** layout).  Without it, a GeoLite2-City.mmdb in a data folder is used; with neither, a query
** calling the function fails to compile.  KQL_ERR_IO when the file is not a MaxMind DB. */
KQL_API kql_status kql_engine_set_geoip(kql_engine *e, const char *path, kql_diag *d);
/* Queries compiled from now on see, in every table, only the rows whose TimeGenerated (or,
** for tables without one such as Defender's, Timestamp) lies in [from, to] (ticks,
** inclusive): the window Sentinel gives a scheduled rule.  kql_engine_clear_window ends it. */
KQL_API void kql_engine_set_window(kql_engine *e, int64_t from, int64_t to);
KQL_API void kql_engine_clear_window(kql_engine *e);
/* Compile without ever reading data (for 'kql check'): operators whose columns come from the
** data (evaluate bag_unpack) then have an open schema. */
KQL_API void kql_engine_set_check_only(kql_engine *e, int check_only);
/* A value that does not fit its column's type is an error rather than a null. */
KQL_API void kql_engine_set_strict(kql_engine *e, int strict);
/* A query whose operators hold more than 'bytes' (summarize groups, sort and top rows, a
** join's build side, mv-expand elements) stops with KQL_ERR_NOMEM, located at the operator;
** 0 means no limit.  Default: KQL_DEFAULT_MAX_MEMORY, or half the physical memory if less. */
#define KQL_DEFAULT_MAX_MEMORY ((uint64_t)4 << 30)
KQL_API void kql_engine_set_max_memory(kql_engine *e, uint64_t bytes);
/* A table cache for runs of many queries over the same files (backtests, rule tests, the
** shell): a table's file is read once, the columns the queries use are kept in memory and
** later queries are served from there (by time window through an index when the query has
** one).  A changed file is read again.  One cache may serve several engines in turn; it
** must outlive them (or be detached with NULL) and is not thread-safe.  Without one (the
** default), every query streams its files in constant memory.  A table that would pass the
** engine's memory limit is streamed. */
typedef struct kql_cache kql_cache;
/* Saved functions and ASIM parsers from folder 'dir' (recursively): YAML files in
** Azure-Sentinel's format (FunctionName or ParserName, FunctionAlias, FunctionParams with
** Name/Type/Default, FunctionQuery or ParserQuery) and .kql files, each a parameterless
** function named after the file.  Queries call them as let functions.  An error in a
** function's query is located in its file when a query calls it. */
KQL_API kql_status kql_engine_add_functions_dir(kql_engine *e, const char *dir, kql_diag *d);
KQL_API kql_cache *kql_cache_new(void);
KQL_API void kql_cache_free(kql_cache *c);
KQL_API void kql_engine_set_cache(kql_engine *e, kql_cache *c);
/* Passes made over data files so far and bytes held now. */
KQL_API void kql_cache_stats(const kql_cache *c, uint64_t *loads, uint64_t *bytes);
/* The instant now() will be: 1 when pinned with kql_engine_set_now, 2 when taken from a
** data folder's now.txt, 0 when it will be the wall clock at run time. */
KQL_API int kql_engine_now(const kql_engine *e, int64_t *ticks);
/* The instant now() is for compiled query 'q': as kql_engine_now, except that a data folder's
** now.txt applies only to a query that reads a table of a data folder (the instant its data
** was exported); a query over no such table (print now(), datatable, --table files) sees the
** clock. */
KQL_API int kql_query_now(const kql_query *q, int64_t *ticks);
/* Parse an ISO-8601 instant into ticks; returns 0 on success. */
KQL_API int kql_parse_datetime(const char *text, int64_t *ticks);
/* Write the instant 'ticks' as kql prints it (2026-06-01T00:00:00Z) into 'buf', which must
** hold 40 bytes; returns its length. */
KQL_API size_t kql_format_datetime(int64_t ticks, char *buf);

/* Query: compile (parse + bind) 'text' of 'len' bytes. On error returns NULL and fills 'd'. */
KQL_API kql_query *kql_query_compile(kql_engine *e, const char *text, size_t len, kql_diag *d);
KQL_API void kql_query_free(kql_query *q);
/* Number and description of the result columns the query produces. */
KQL_API int kql_query_ncols(const kql_query *q);
KQL_API const char *kql_query_col_name(const kql_query *q, int i);
KQL_API const char *kql_query_col_type(const kql_query *q, int i);
/* After a run: a warning for the user (values that did not fit their column), or NULL. */
KQL_API const char *kql_query_warning(const kql_query *q);
/* Write the operator pipeline, one operator a line, to 'out'. */
KQL_API void kql_query_explain(const kql_query *q, FILE *out);
/* Run the query; the result is kept in memory (use kql_query_run_to for streaming). */
KQL_API kql_status kql_query_run(kql_query *q, kql_result **out, kql_diag *d);
/* Run and stream rows to 'out' in 'fmt'. */
KQL_API kql_status kql_query_run_to(kql_query *q, FILE *out, kql_format fmt, int color,
                                   kql_diag *d);

KQL_API size_t kql_result_nrows(const kql_result *r);
KQL_API void kql_result_write(const kql_result *r, FILE *out, kql_format fmt);
KQL_API void kql_result_free(kql_result *r);

/* Render diagnostic 'd' the way compilers do: "file:line:col: error: msg", the source line,
** a caret under the span.  'src' is the text the span points into; 'line_base' and
** 'col_base' shift the position (for a query taken from a rule file), see diag.c. */
typedef struct kql_srcmap kql_srcmap;
KQL_API void kql_diag_render(const kql_diag *d, const char *file, const char *src, size_t len,
                             const kql_srcmap *map, FILE *out);

/* The 1-based line and column where 'd' points: in 'map''s file when 'map' is set, else in
** 'src'.  Returns 0 when 'd' has no span. */
KQL_API int kql_diag_position(const kql_diag *d, const char *src, size_t len,
                              const kql_srcmap *map, long *line, long *col);

/* Sentinel rule and hunting-query YAML files: the query with a map back to the file. */
typedef struct kql_rule kql_rule;
/* Load the rule at 'path'; NULL with 'd' filled on error (d->file, line, col locate it). */
KQL_API kql_rule *kql_rule_load(const char *path, kql_diag *d);
/* The query text (line ends "\n") and its length. */
KQL_API const char *kql_rule_query(const kql_rule *r, size_t *len);
/* Where each query line stands in the rule file, for kql_diag_render. */
KQL_API const kql_srcmap *kql_rule_srcmap(const kql_rule *r);
/* The rule's 'name', or NULL. */
KQL_API const char *kql_rule_name(const kql_rule *r);
KQL_API void kql_rule_free(kql_rule *r);

/* ---- learning and interactive use: kql explain --analyze/--why, kql shell, kql help ---- */

/* Stop a running query: the run ends between two batches with KQL_ERR_RUNTIME "query
** cancelled".  Safe from a signal handler or another thread (it only sets a flag of 'q');
** the flag is cleared when the next run of 'q' starts. */
KQL_API void kql_query_cancel(kql_query *q);
/* 1 when the last run of 'q' ended because of kql_query_cancel, else 0. */
KQL_API int kql_query_cancelled(const kql_query *q);

/* How far a running query has read. */
typedef struct kql_progress {
  const char *table;   /* the table being read ("" when the source is not a table) */
  uint64_t bytes;      /* bytes of its data file read so far (0 when unknown) */
  uint64_t size;       /* the file's size (0 when unknown) */
  uint64_t rows;       /* rows read so far by all the run's sources */
  double seconds;      /* since the run started */
} kql_progress;
/* While 'q' runs, call 'fn' about four times a second from its sources (NULL: never). */
KQL_API void kql_query_set_progress(kql_query *q, void (*fn)(void *ctx, const kql_progress *p),
                                    void *ctx);

/* Run 'q', discarding its rows, and write its pipeline to 'out' with rows in, rows out and
** time of each step (kql explain --analyze). */
KQL_API kql_status kql_query_explain_analyze(kql_query *q, FILE *out, kql_diag *d);
/* Follow one row of the query's first source table through the pipeline and write to 'out'
** which step dropped it and which condition failed (kql explain --why): row 'row'
** (1-based, in file order), or, when 'pred' is not NULL, the first row where the KQL
** predicate 'pred' is true.  A diagnostic about 'pred' has its span in 'pred'. */
KQL_API kql_status kql_query_explain_why(kql_query *q, long row, const char *pred, FILE *out,
                                         kql_diag *d);

/* The tables that have data (in the data folders, or added as files), sorted by name: the
** 'i'th (from 0), or NULL past the end.  For listings and completion. */
KQL_API const char *kql_engine_table(kql_engine *e, int i);
/* Column 'i' of table 'table' with its type name ("string", ...) in '*type': NULL past the
** end, or when there is no such table or its schema cannot be read. */
KQL_API const char *kql_engine_column(kql_engine *e, const char *table, int i, const char **type);
/* The data file of table 'table', or NULL when it has none. */
KQL_API const char *kql_engine_table_path(kql_engine *e, const char *table);

/* A function kql has, for help and completion. */
typedef struct kql_function_info {
  const char *name;    /* as queries write it */
  const char *summary; /* one line */
  int aggregate;       /* 1 for an aggregate (summarize), 0 for a scalar function */
  int min_args;        /* fewest arguments */
  int max_args;        /* most arguments */
} kql_function_info;
/* The 'i'th function (from 0, sorted by name) in '*info'; 0 past the end, else 1. */
KQL_API int kql_function(int i, kql_function_info *info);

/* ---- testing a rule before it is deployed: kql rule eval/backtest, kql test ---- */

/* The alerts a scheduled rule raised at one instant (kql_rule_eval). */
typedef struct kql_alerts kql_alerts;
/* Evaluate the scheduled (or NRT) rule 'r' as Sentinel would at instant 'now' (ticks): its
** query sees only the rows whose TimeGenerated (Timestamp in Defender tables) lies in
** [now - queryPeriod, now] (kql_engine_set_window; NRT rules: the last minute), now() is
** 'now', the row count is compared with triggerOperator/triggerThreshold, and the alerts
** are built per eventGroupingSettings (one for all rows, or one per row) with entities from
** entityMappings, customDetails and alertDetailsOverride.  Pins 'e''s now and clears its
** window on return.  A rule without queryPeriod is KQL_ERR_USAGE. */
KQL_API kql_status kql_rule_eval(kql_engine *e, const kql_rule *r, int64_t now, kql_alerts **out,
                                 kql_diag *d);
/* Number of alerts raised (0 when the trigger did not fire). */
KQL_API size_t kql_alerts_count(const kql_alerts *a);
/* Number of rows the query returned. */
KQL_API size_t kql_alerts_rows(const kql_alerts *a);
/* Write the evaluation and its alerts, readable ('json' 0) or as one JSON object. */
KQL_API void kql_alerts_write(const kql_alerts *a, FILE *out, int json);
KQL_API void kql_alerts_free(kql_alerts *a);

/* Figures of a backtest. */
typedef struct kql_backtest_summary {
  long runs;          /* evaluations done */
  long suppressed;    /* runs skipped by suppression */
  long fired;         /* runs whose trigger fired */
  long alerts;        /* alerts raised by 'r' */
  long added;         /* with a second version: alerts only it raises */
  long removed;       /* ...and alerts only the first raises */
} kql_backtest_summary;
/* Run 'r' with kql_rule_eval at from, from + queryFrequency, ... up to 'to' (ticks),
** honouring suppressionEnabled/suppressionDuration, over the tables of 'e' (one engine:
** each step compiles again over the same catalog).  The tables the rules name are read once
** and split by time into a temporary folder ($TMPDIR), so that each run reads only the rows
** of its window; their files are given back before returning.  With 'other', evaluate it the same way
** and report the alerts that 'other' adds and removes (same instant, same title and
** entities).  Writes the report to 'out', readable or JSON; fills 'sum' if not NULL. */
KQL_API kql_status kql_rule_backtest(kql_engine *e, const kql_rule *r, const kql_rule *other,
                                     int64_t from, int64_t to, int json, FILE *out,
                                     kql_backtest_summary *sum, kql_diag *d);

/* Figures of a kql test run. */
typedef struct kql_test_summary {
  int passed;         /* tests that passed (expected failures that failed count here) */
  int failed;         /* tests that failed, files that could not be read included */
  int xfail;          /* of the passed: tests marked expect_failure that failed */
} kql_test_summary;
/* Run the rule test files 'files' (YAML, see README "Testing rules"); 'schemas' is a
** schema folder every test engine knows (NULL: none).  Writes PASS/FAIL lines and diffs to
** 'out' (each test's detail when 'verbose'), JUnit XML to 'junit' when not NULL.  Returns
** the number of failures. */
KQL_API int kql_test_run(const char *const *files, int n, const char *schemas, int verbose,
                         FILE *out, const char *junit, kql_test_summary *sum);
/* The same, the tests' engines sharing table cache 'cache' (NULL: none), so that an input
** file several tests name is read once. */
KQL_API int kql_test_run_cached(const char *const *files, int n, const char *schemas,
                                kql_cache *cache, int verbose, FILE *out, const char *junit,
                                kql_test_summary *sum);

/* Check what Sentinel would refuse or what cannot work in rule 'r' whose query compiled to
** 'q' (NULL when it did not): entity, custom detail and {{placeholder}} columns that the
** query does not return, queryPeriod shorter than queryFrequency, limits (frequency 5m to
** 14d, period up to 14d), scheduled rules without a trigger.  Calls 'fn' with each problem,
** located in the rule file (d->file, line, col; code KQL_ERR_BIND or KQL_ERR_USAGE).
** Returns the number of problems. */
KQL_API int kql_rule_lint(const kql_rule *r, const kql_query *q,
                          void (*fn)(void *ctx, const kql_diag *d), void *ctx);

#ifdef __cplusplus
}
#endif
#endif /* KQL_H */
