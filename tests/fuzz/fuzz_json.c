/*
** fuzz_json.c: libFuzzer target for table files.  The first byte of each input picks the
** file kind (.jsonl or .json: a row array or an API export) and the query; the rest is the
** file's content, read through the catalog (schema inference), the streaming JSON reader
** and the scan into every column, then written as JSON and as a table.  A second pass
** reads the same file against a fixed schema, strictly, so values that do not fit their
** column's type are exercised both ways.
**
** build: CC=clang meson setup build-fuzz -Dfuzz=true; run: build-fuzz/tests/fuzz_json
**        tests/fuzz/corpus/json -dict=tests/fuzz/json.dict
*/
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "kql.h"

static FILE *devnull;

static const char *const queries[] = {
    "T",
    "T | summarize count() by tostring(Name)",
    "T | extend s = tostring(pack_all()) | project s",
    "T | project Name, N, When, D | sort by N",
    "T | where Name has 'ab' and Name !contains 'q' | project Name, N", /* the raw-text filter */
};

static const char schema[] =
    "{\"T\": {\"Name\":\"string\",\"N\":\"long\",\"R\":\"real\",\"B\":\"bool\",\"When\":\"datetime\","
    "\"D\":\"dynamic\",\"Ts\":\"timespan\",\"G\":\"guid\"}}\n";

static void run(const char *path, int strict, const char *query, int with_schema) {
  kql_diag d;
  kql_engine *e = kql_engine_new();
  kql_engine_set_max_memory(e, (uint64_t)64 << 20);
  kql_engine_set_strict(e, strict);
  if (with_schema) {
    char sdir[160];
    snprintf(sdir, sizeof sdir, "%s/schemas", fuzz_tmpdir());
    if (kql_engine_add_schema_dir(e, sdir, &d) != KQL_OK) abort();
  }
  if (kql_engine_add_table_file(e, "T", path, &d) != KQL_OK) {
    kql_diag_render(&d, "kql", NULL, 0, NULL, devnull);
    kql_engine_free(e);
    return;
  }
  kql_query *q = kql_query_compile(e, query, strlen(query), &d);
  if (!q) {
    kql_diag_render(&d, "query", query, strlen(query), NULL, devnull);
    kql_engine_free(e);
    return;
  }
  if (kql_query_run_to(q, devnull, KQL_FMT_JSON, 0, &d) != KQL_OK)
    kql_diag_render(&d, "query", query, strlen(query), NULL, devnull);
  else if (kql_query_run_to(q, devnull, KQL_FMT_TABLE, 0, &d) != KQL_OK)
    abort(); /* the same query over the same file cannot fail the second time */
  const char *w = kql_query_warning(q);
  if (w) fputs(w, devnull);
  kql_query_free(q);
  kql_engine_free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!devnull) {
    char p[160];
    snprintf(p, sizeof p, "%s/schemas", fuzz_tmpdir());
    mkdir(p, 0700);
    fuzz_write("schemas/T.json", schema, sizeof schema - 1, p, sizeof p);
    devnull = fopen("/dev/null", "w");
    if (!devnull) abort();
  }
  if (size < 1 || size > 65536) return 0;
  unsigned sel = data[0];
  char path[160];
  fuzz_write(sel & 1 ? "in.json" : "in.jsonl", data + 1, size - 1, path, sizeof path);
  const char *query = queries[(sel >> 1) % (sizeof queries / sizeof queries[0])];
  run(path, 0, query, 0);
  run(path, (sel >> 3) & 1, query, 1);
  return 0;
}
