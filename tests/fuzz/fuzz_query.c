/*
** fuzz_query.c: libFuzzer target for query text.  Each input is a query compiled (lexer,
** parser, binder) and, when it compiles, run (plan and operators) over two small tables
** in a temporary data folder: T (JSON Lines, with a schema of every scalar type) and U (a
** JSON array, schema inferred).  Results are streamed to /dev/null in one of the four
** formats; diagnostics are rendered.  The engine has a small memory limit so that a query that
** explodes stops with an error rather than exhausting the fuzzer's memory.
**
** A query may legitimately run long (range x from 1 to 1e12 step 1): run with -fork=1
** -ignore_timeouts=1 and look at each timeout-* artifact (an endless loop is a bug, a big
** but finite workload is not).
**
** build: CC=clang meson setup build-fuzz -Dfuzz=true; run: build-fuzz/tests/fuzz_query
**        tests/fuzz/corpus/query -dict=tests/fuzz/query.dict
*/
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "kql.h"

static const char t_rows[] =
    "{\"Timestamp\":\"2026-05-30T12:00:00Z\",\"Name\":\"alpha\",\"N\":3,\"R\":1.5,\"B\":true,"
    "\"D\":{\"a\":[1,2,{\"b\":\"c\"}],\"s\":\"x y\"},\"Ts\":\"01:00:00\",\"G\":\"0b8a7c43-3f5e-4d4b-9a3e-6b1f2c3d4e5f\","
    "\"Ip\":\"10.0.0.1\"}\n"
    "{\"Timestamp\":\"2026-05-31T00:00:00.1234567Z\",\"Name\":\"Beta Gamma\",\"N\":-7,\"R\":-0.25,\"B\":false,"
    "\"D\":[1,\"two\",null,3.5],\"Ts\":\"1.02:03:04.5\",\"G\":null,\"Ip\":\"192.168.1.20\"}\n"
    "{\"Timestamp\":null,\"Name\":\"\",\"N\":null,\"R\":null,\"B\":null,\"D\":null}\n"
    "{\"Timestamp\":\"2026-06-01T00:00:00Z\",\"Name\":\"alpha\",\"N\":9223372036854775807,\"R\":1e308,"
    "\"B\":true,\"D\":\"{\\\"k\\\":1}\",\"Ts\":\"-00:00:01\",\"Ip\":\"::1\"}\n";
static const char t_schema[] =
    "{\"T\": {\"Timestamp\":\"datetime\",\"Name\":\"string\",\"N\":\"long\",\"R\":\"real\","
    "\"B\":\"bool\",\"D\":\"dynamic\",\"Ts\":\"timespan\",\"G\":\"guid\",\"Ip\":\"string\"}}\n";
static const char u_rows[] =
    "[{\"Name\":\"alpha\",\"K\":1,\"When\":\"2026-05-30T12:00:00Z\",\"Bag\":{\"x\":1}},"
    " {\"Name\":\"delta\",\"K\":2,\"When\":\"2026-05-30T13:00:00Z\",\"Bag\":[1,2,3]},"
    " {\"Name\":\"alpha\",\"K\":3,\"When\":null,\"Bag\":null}]\n";

static kql_engine *engine;
static FILE *devnull;

static void setup(void) {
  char p[160];
  fuzz_tmpdir();
  snprintf(p, sizeof p, "%s/schemas", fuzz_tmpdir());
  mkdir(p, 0700);
  fuzz_write("T.jsonl", t_rows, sizeof t_rows - 1, p, sizeof p);
  fuzz_write("schemas/T.json", t_schema, sizeof t_schema - 1, p, sizeof p);
  fuzz_write("U.json", u_rows, sizeof u_rows - 1, p, sizeof p);
  fuzz_write("now.txt", "2026-06-01T00:00:00Z\n", 21, p, sizeof p);
  kql_diag d;
  engine = kql_engine_new();
  if (kql_engine_add_data_dir(engine, fuzz_tmpdir(), &d) != KQL_OK) abort();
  kql_engine_set_max_memory(engine, (uint64_t)64 << 20);
  devnull = fopen("/dev/null", "w");
  if (!devnull) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!engine) setup();
  if (size > 4096) return 0; /* long inputs add little and run slowly */
  kql_diag d;
  kql_query *q = kql_query_compile(engine, (const char *)data, size, &d);
  if (!q) {
    kql_diag_render(&d, "query", (const char *)data, size, NULL, devnull);
    return 0;
  }
  kql_query_explain(q, devnull);
  for (int i = 0; i < kql_query_ncols(q); i++) {
    fputs(kql_query_col_name(q, i), devnull);
    fputs(kql_query_col_type(q, i), devnull);
  }
  /* one format per input (picked by its length), streamed: the formats share the run */
  static const kql_format fmts[] = {KQL_FMT_NDJSON, KQL_FMT_TABLE, KQL_FMT_CSV, KQL_FMT_JSON};
  if (kql_query_run_to(q, devnull, fmts[size % 4], 0, &d) != KQL_OK)
    kql_diag_render(&d, "query", (const char *)data, size, NULL, devnull);
  const char *w = kql_query_warning(q);
  if (w) fputs(w, devnull);
  kql_query_free(q);
  return 0;
}
