/*
** bad_api.c: the bad-input cases that need the library between compile and run, so the
** shell half (tests/bad/run.sh) cannot make them: a table file that vanishes, is cut short or
** becomes a FIFO after its schema was inferred, the memory limit set through the API, and an
** engine that must not grow with each query it compiles.
** Uses only kql.h.  Prints "ok - NAME" or "FAIL - NAME" per case; exit status 0 iff none
** failed.  run.sh runs it and counts its lines.
**
** usage: kql-bad-api DIR    (DIR: an empty folder it may write in)
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kql.h"

static int failed;

static void report(const char *name, int ok, const char *why) {
  if (ok) {
    printf("ok - %s\n", name);
  } else {
    printf("FAIL - %s\n    %s\n", name, why);
    failed++;
  }
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
    perror(path);
    exit(2);
  }
}

/* Compile "T | count" over 'path' (schema inferred), let 'change' alter the file, then run:
** the run must fail with KQL_ERR_IO and exactly the message 'want' about the file. */
static void vanish_case(const char *name, const char *path, void (*change)(const char *),
                        const char *want) {
  kql_diag d;
  char why[700] = "";
  write_file(path, "{\"a\":1}\n{\"a\":2}\n");
  kql_engine *e = kql_engine_new();
  kql_query *q = NULL;
  if (kql_engine_add_table_file(e, "T", path, &d) != KQL_OK ||
      !(q = kql_query_compile(e, "T | count", 9, &d))) {
    snprintf(why, sizeof why, "set-up failed: %s", d.msg);
  } else {
    change(path);
    FILE *devnull = fopen("/dev/null", "w");
    kql_status st = kql_query_run_to(q, devnull, KQL_FMT_JSON, 0, &d);
    fclose(devnull);
    if (st != KQL_ERR_IO) snprintf(why, sizeof why, "status %s, want input error", kql_status_name(st));
    else if (strcmp(d.msg, want) != 0) snprintf(why, sizeof why, "message '%s', want '%s'", d.msg, want);
    else if (strcmp(d.file, path) != 0) snprintf(why, sizeof why, "file '%s', want '%s'", d.file, path);
  }
  report(name, why[0] == 0, why);
  kql_query_free(q);
  kql_engine_free(e);
  unlink(path);
}

static void remove_it(const char *path) { unlink(path); }
static void cut_it(const char *path) { write_file(path, "{\"a\":1}\n{\"a\":"); }
static void fifo_it(const char *path) {
  unlink(path);
  if (mkfifo(path, 0600) != 0) perror("mkfifo");
}

/* kql_engine_set_max_memory: a summarize over too many groups is KQL_ERR_NOMEM, located. */
static void memory_case(void) {
  const char *text = "range x from 1 to 1000000 step 1 | summarize by x";
  kql_diag d;
  char why[512] = "";
  kql_engine *e = kql_engine_new();
  kql_engine_set_max_memory(e, 8u << 20);
  kql_query *q = kql_query_compile(e, text, strlen(text), &d);
  if (!q) {
    snprintf(why, sizeof why, "compile failed: %s", d.msg);
  } else {
    kql_result *r = NULL;
    kql_status st = kql_query_run(q, &r, &d);
    if (st != KQL_ERR_NOMEM) snprintf(why, sizeof why, "status %s, want out of memory", kql_status_name(st));
    else if (strcmp(d.msg, "distinct passed the memory limit of 8 MiB") != 0 &&
             strcmp(d.msg, "summarize passed the memory limit of 8 MiB") != 0)
      snprintf(why, sizeof why, "message '%s'", d.msg);
    else if (!d.has_span || d.start != 35 || d.end != strlen(text))
      snprintf(why, sizeof why, "span %u..%u, want 35..%zu", d.start, d.end, strlen(text));
    else if (r != NULL) snprintf(why, sizeof why, "a result after an error");
    kql_result_free(r);
  }
  report("api: kql_engine_set_max_memory stops a summarize with a located error", why[0] == 0, why);
  kql_query_free(q);
  kql_engine_free(e);
}

/* A long-lived engine does not grow with each query: 3,000 compiles that each ask for a
** "did you mean" among the tables took 64 KiB more each (found by fuzz_rule's RSS). */
static void growth_case(const char *dir) {
  char why[256] = "";
  kql_diag d;
  kql_engine *e = kql_engine_new();
  if (kql_engine_add_data_dir(e, dir, &d) != KQL_OK) snprintf(why, sizeof why, "set-up: %.200s", d.msg);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  long before = ru.ru_maxrss;
  for (int i = 0; i < 3000 && !why[0]; i++) {
    kql_query *q = kql_query_compile(e, "Tabel | take 1", 14, &d);
    if (q) snprintf(why, sizeof why, "an unknown table compiled");
    kql_query_free(q);
  }
  getrusage(RUSAGE_SELF, &ru);
  long limit = 32 * 1024;
#if defined(__SANITIZE_ADDRESS__)
  limit = 512 * 1024; /* ASan keeps freed blocks in quarantine (256 MB): only a leak shows */
#endif
  if (!why[0] && ru.ru_maxrss - before > limit)
    snprintf(why, sizeof why, "the process grew by %ld KiB", ru.ru_maxrss - before);
  report("api: 3,000 compiles with a \"did you mean\" do not grow the engine", why[0] == 0, why);
  kql_engine_free(e);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: kql-bad-api DIR\n");
    return 2;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/vanish.jsonl", argv[1]);
  char want[4200];
  snprintf(want, sizeof want, "cannot open '%s': No such file or directory", path);
  vanish_case("api: a table file that vanishes after compile", path, remove_it, want);
  vanish_case("api: a table file cut short after compile", path, cut_it,
              "malformed JSON: unexpected end of line");
  snprintf(want, sizeof want, "cannot open '%s': not a regular file", path);
  vanish_case("api: a table file replaced by a FIFO after compile (no wait)", path, fifo_it, want);
  memory_case();
  growth_case(argv[1]);
  return failed ? 1 : 0;
}
