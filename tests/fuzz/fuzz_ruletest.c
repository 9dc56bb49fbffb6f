/*
** fuzz_ruletest.c: libFuzzer target for rule test files (*.test.yaml, README "Testing
** rules").  Each input is written as a test file into a temporary folder that also holds a
** rule (r.yaml), a query file (q.kql) and a table (t.jsonl) it may name, then run with
** kql_test_run() as `kql test` does, its report going to /dev/null.
**
** build: CC=clang meson setup build-fuzz -Dfuzz=true; run: build-fuzz/tests/fuzz_ruletest
**        tests/fuzz/corpus/ruletest -dict=tests/fuzz/ruletest.dict
*/
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "kql.h"

static const char rule[] =
    "id: 11111111-2222-3333-4444-555555555555\n"
    "name: Failed logon\n"
    "kind: Scheduled\n"
    "severity: High\n"
    "queryFrequency: 1h\n"
    "queryPeriod: 1h\n"
    "triggerOperator: gt\n"
    "triggerThreshold: 0\n"
    "query: |\n"
    "  DeviceLogonEvents\n"
    "  | where ActionType == \"LogonFailed\"\n"
    "entityMappings:\n"
    "  - entityType: Host\n"
    "    fieldMappings:\n"
    "      - identifier: HostName\n"
    "        columnName: DeviceName\n"
    "customDetails:\n"
    "  Account: AccountName\n"
    "alertDetailsOverride:\n"
    "  alertDisplayNameFormat: Failed logon on {{DeviceName}}\n";
static const char rows[] =
    "{\"Timestamp\":\"2026-05-31T02:10:01Z\",\"TimeGenerated\":\"2026-05-31T02:10:01Z\","
    "\"DeviceName\":\"srv-jump-01\",\"ActionType\":\"LogonFailed\",\"AccountName\":\"admin\"}\n"
    "{\"Timestamp\":\"2026-05-31T02:40:00Z\",\"TimeGenerated\":\"2026-05-31T02:40:00Z\","
    "\"DeviceName\":\"ws-1\",\"ActionType\":\"LogonSuccess\",\"AccountName\":\"root\"}\n";
static const char query[] = "DeviceLogonEvents\n| summarize n = count() by AccountName\n";

static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[160];
  if (!devnull) {
    fuzz_write("r.yaml", rule, sizeof rule - 1, path, sizeof path);
    fuzz_write("t.jsonl", rows, sizeof rows - 1, path, sizeof path);
    fuzz_write("q.kql", query, sizeof query - 1, path, sizeof path);
    devnull = fopen("/dev/null", "w");
    if (!devnull) abort();
  }
  if (size > 16384) return 0;
  fuzz_write("in.test.yaml", data, size, path, sizeof path);
  const char *files[1] = {path};
  kql_test_summary sum;
  kql_test_run(files, 1, NULL, 1, devnull, NULL, &sum);
  return 0;
}
