/*
** fuzz_rule.c: libFuzzer target for Sentinel rule and hunting-query YAML files.  Each
** input is parsed with rule_parse() (the in-memory half of kql_rule_load); when it yields
** a query, the query is compiled against an empty engine and its diagnostic rendered
** through the rule's map back into the file, as `kql check` does.
**
** build: CC=clang meson setup build-fuzz -Dfuzz=true; run: build-fuzz/tests/fuzz_rule
**        tests/fuzz/corpus/rule -dict=tests/fuzz/rule.dict
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "kql.h"
#include "rule.h"

static FILE *devnull;
static kql_engine *engine;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!devnull) {
    devnull = fopen("/dev/null", "w");
    if (!devnull) abort();
    engine = kql_engine_new();
  }
  if (size > 65536) return 0;
  kql_diag d;
  rule_file *r = rule_parse("rule.yaml", (const char *)data, size, &d);
  if (!r) {
    kql_diag_render(&d, "rule.yaml", NULL, 0, NULL, devnull);
    return 0;
  }
  long line, col;
  kql_query *q = kql_query_compile(engine, r->query, r->query_len, &d);
  if (!q) {
    kql_diag_render(&d, "rule.yaml", r->query, r->query_len, &r->map, devnull);
    kql_diag_position(&d, r->query, r->query_len, &r->map, &line, &col);
  }
  kql_query_free(q);
  rule_free(r);
  return 0;
}
