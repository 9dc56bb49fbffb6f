#!/usr/bin/env bash
# run.sh: tests of testing a rule before it is deployed (issue 5): rule files as Sentinel
# reads them (located errors for bad values), 'kql rule eval', 'kql rule backtest' and
# --compare, 'kql test' (the shipped rules' tests, a file that fails with its diffs, JUnit),
# 'kql check' over folders with rule checks and SARIF.  With python3, also a backtest over
# generated data checked step by step against 'kql rule eval' (backtest_check.py).
# Each case prints "ok - NAME" or "FAIL - NAME" with the reasons; the last line is exactly
# "N passed, M failed"; exit status 0 iff none failed.
#
# usage: KQL_TEST_SRC=<repo root> tests/rules/run.sh <path to kql>
#
# Expected alerts and rows were worked out by hand from data/DeviceLogonEvents.json and the
# fixtures here (see the comments at each case), not copied from kql's output.
set -u

if [ $# -ne 1 ]; then
  echo "usage: KQL_TEST_SRC=<repo root> $0 <path to kql>" >&2
  echo "0 passed, 1 failed"
  exit 2
fi
case "$1" in
  /*) KQL=$1 ;;
  *) KQL=$(pwd)/$1 ;;
esac
SRC=${KQL_TEST_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ ! -x "$KQL" ] || [ ! -d "$SRC/queries" ]; then
  echo "run.sh: no kql binary at '$KQL' or no repo at '$SRC' (set KQL_TEST_SRC)" >&2
  echo "0 passed, 1 failed"
  exit 2
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kql-rules.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT
# a copy of the binary: a rebuild while the tests run must not pull it away
cp "$KQL" "$TMP/kql" && KQL=$TMP/kql
cd "$SRC" || exit 2
R=tests/rules
BURST=queries/failed_logon_burst.yaml

PASSED=0
FAILED=0
NAME=
WHY=
begin() { NAME=$1; WHY=; }
bad() { WHY="$WHY
    $*"; }
end() {
  if [ -z "$WHY" ]; then
    echo "ok - $NAME"
    PASSED=$((PASSED + 1))
  else
    echo "FAIL - $NAME$WHY"
    FAILED=$((FAILED + 1))
  fi
}
kql() {
  "$KQL" "$@" >"$TMP/out" 2>"$TMP/err"
  RC=$?
}
want_rc() { [ "$RC" -eq "$1" ] || bad "exit status $RC, want $1 (stderr: $(head -c 300 "$TMP/err"))"; }
# stdout (or stderr with want_err_has) must hold the line $1 exactly
want_out_line() { grep -qxF -- "$1" "$TMP/out" || bad "stdout lacks the line: $1$(printf '\n    --- stdout:\n')$(head -40 "$TMP/out")"; }
want_out_has() { grep -qF -- "$1" "$TMP/out" || bad "stdout lacks: $1$(printf '\n    --- stdout:\n')$(head -40 "$TMP/out")"; }
want_out_lacks() { ! grep -qF -- "$1" "$TMP/out" || bad "stdout has: $1"; }
want_err_line() { grep -qxF -- "$1" "$TMP/err" || bad "stderr lacks the line: $1$(printf '\n    --- stderr:\n')$(head -20 "$TMP/err")"; }
want_err_has() { grep -qF -- "$1" "$TMP/err" || bad "stderr lacks: $1$(printf '\n    --- stderr:\n')$(head -20 "$TMP/err")"; }

# ---- rule files: bad values are errors at their line and column ----------------------
for c in "period:4:14: error: 'queryPeriod' is not a duration (like 5m, 1h, 14d or PT1H)" \
         "operator:4:18: error: 'triggerOperator' is not gt, lt, eq or ne" \
         "threshold:5:19: error: 'triggerThreshold' is not a whole number from 0 to 10000" \
         "entities:8:9: error: a fieldMappings item has no 'columnName'" \
         "grouping:6:20: error: 'aggregationKind' is not SingleAlert or AlertPerResult"; do
  f=${c%%:*}
  begin "rule file: bad $f is located ($R/bad/$f.yaml:${c#*:})"
  kql rule eval "$R/bad/$f.yaml" --now 2026-05-31T00:00:00Z
  want_rc 2
  want_err_line "$R/bad/$f.yaml:${c#*:}"
  end
done

begin "rule file: the 639 corpus rules still load (no new errors from the rule keys)"
if [ -d ../shared/corpus/rules/azsentinel ]; then
  kql check ../shared/corpus/rules/azsentinel
  if grep -E "is not a (duration|whole number|list|mapping|string)|is not gt, lt|not SingleAlert|has no '(entityType|identifier|columnName)'" "$TMP/err" >/dev/null; then
    bad "a corpus rule is refused for a rule key: $(grep -E 'is not a|has no' "$TMP/err" | head -3)"
  fi
  want_err_has "kql check: "
fi
end

# ---- kql rule eval ------------------------------------------------------------------------
# data/DeviceLogonEvents.json: three failed network logons on srv-jump-01 from 185.220.101.34
# at 02:10:01.11, 02:10:03.98 and 02:10:07.25 on 2026-05-31 (administrator twice, admin).
begin "rule eval: the 03:00 run raises one alert with entities, details and the overridden title"
kql rule eval $BURST --now 2026-05-31T03:00:00Z
want_rc 0
want_out_line "window:  2026-05-31T02:00:00Z .. 2026-05-31T03:00:00Z (queryPeriod 1h; TimeGenerated, or Timestamp in Defender tables)"
want_out_line "result:  1 row; trigger: rows gt 0 -> fired"
want_out_line "alerts:  1 (AlertPerResult: one per row)"
want_out_line "  [1] Medium  3 failed network logons on srv-jump-01.contoso.local from 185.220.101.34 (1 row)"
want_out_line "      entity: Host FullName=srv-jump-01.contoso.local"
want_out_line "      entity: IP Address=185.220.101.34"
want_out_line "      detail: FailedLogons = [\"3\"]"
end

begin "rule eval --format json: one object with the window, trigger and alerts"
kql rule eval $BURST --now 2026-05-31T03:00:00Z --format json
want_rc 0
want_out_has '"now":"2026-05-31T03:00:00Z","window":{"from":"2026-05-31T02:00:00Z","to":"2026-05-31T03:00:00Z"},"rows":1,"trigger":{"operator":"gt","threshold":0},"fired":true,"grouping":"AlertPerResult"'
want_out_has '"entities":[{"type":"Host","FullName":"srv-jump-01.contoso.local"},{"type":"IP","Address":"185.220.101.34"}],"customDetails":{"FailedLogons":["3"],"Accounts":["[\"administrator\",\"admin\"]"]}'
[ "$(wc -l <"$TMP/out")" -eq 1 ] || bad "more than one line"
end

begin "rule eval: an hour later nothing fires (the window moved past the burst)"
kql rule eval $BURST --now 2026-05-31T04:00:00Z
want_rc 0
want_out_line "result:  0 rows; trigger: rows gt 0 -> not fired"
want_out_line "alerts:  0 (AlertPerResult: one per row)"
end

begin "rule eval: the window includes both ends (a burst row exactly at the start)"
kql rule eval $BURST --now 2026-05-31T03:10:01.11Z
want_rc 0
want_out_line "result:  1 row; trigger: rows gt 0 -> fired"
kql rule eval $BURST --now 2026-05-31T03:10:01.12Z
want_out_line "result:  0 rows; trigger: rows gt 0 -> not fired"
end

begin "rule eval: --now defaults to the data folder's now.txt"
kql rule eval $BURST
want_rc 0
want_out_line "at:      2026-06-01T00:00:00Z"
end

begin "rule eval: a hunting query (no queryPeriod) is a usage error"
kql rule eval queries/rmm_TightVNC_createproc.yaml --now 2026-06-01T00:00:00Z
want_rc 2
want_err_line "queries/rmm_TightVNC_createproc.yaml: error: rule has no 'queryPeriod': not a scheduled rule (run a hunting query with 'kql run')"
end

begin "rule eval: a query error points into the rule file"
sed 's/| where FailedLogons >= threshold/| where FailedLogon >= threshold/' $BURST >"$TMP/typo.yaml"
kql rule eval "$TMP/typo.yaml" --now 2026-05-31T03:00:00Z
want_rc 1
want_err_has "typo.yaml:25:11: error: unknown column 'FailedLogon'"
end

begin "rule: usage errors"
kql rule
want_rc 2
kql rule frobnicate $BURST
want_rc 2
want_err_has "unknown 'kql rule' command 'frobnicate'"
kql rule backtest $BURST --from 2026-05-31T00:00:00Z
want_rc 2
want_err_has "backtest needs --from and --to"
kql rule eval $BURST --now yesterday
want_rc 2
want_err_has "--now 'yesterday' is not an ISO-8601 instant"
end

# ---- kql rule backtest ------------------------------------------------------------------
begin "rule backtest: hourly over two weeks, one alert, the runs counted"
kql rule backtest $BURST --from 2026-05-18T00:00:00Z --to 2026-06-01T00:00:00Z
want_rc 0
want_out_line "range:    2026-05-18T00:00:00Z .. 2026-06-01T00:00:00Z, every 1h, queryPeriod 1h, trigger rows gt 0, no suppression"
want_out_line "2026-05-31T03:00:00Z  1 row -> 1 alert"
want_out_line "total:    337 runs, 0 suppressed, 1 fired, 1 alert"
end

# threshold 3 -> 1: dc-01's single failed network logon (2026-05-30T23:48:09.897089Z, from
# 127.0.0.1) now fires at the 00:00 run; srv-jump-01's burst fires in both versions.
sed 's/let threshold = 3;/let threshold = 1;/' $BURST >"$TMP/burst_t1.yaml"
begin "rule backtest --compare: lowering the threshold adds exactly the dc-01 alert"
kql rule backtest $BURST --from 2026-05-18T00:00:00Z --to 2026-06-01T00:00:00Z --compare "$TMP/burst_t1.yaml"
want_rc 0
want_out_line "+ 2026-05-31T00:00:00Z  1 failed network logons on dc-01.contoso.local from 127.0.0.1  [Host:dc-01.contoso.local, IP:127.0.0.1]"
want_out_line "change:   +1 alert added, -0 removed, 1 in both"
[ "$(grep -c '^[+-] ' "$TMP/out")" -eq 1 ] || bad "more than one added/removed line"
end

begin "rule backtest --compare --format json: the added alert, none removed"
kql rule backtest "$TMP/burst_t1.yaml" --from 2026-05-30T00:00:00Z --to 2026-06-01T00:00:00Z --compare $BURST --format json
want_rc 0
want_out_has '"added":[],"removed":[{"at":"2026-05-31T00:00:00Z","alert":{"title":"1 failed network logons on dc-01.contoso.local from 127.0.0.1"'
end

# suppression 5h after the 03:00 alert: runs at 04:00 .. 07:00 are skipped (08:00 is not:
# 03:00 + 5h is the first instant allowed again)
sed 's/suppressionEnabled: false/suppressionEnabled: true/' $BURST >"$TMP/burst_sup.yaml"
begin "rule backtest: suppression skips the runs within suppressionDuration of an alert"
kql rule backtest "$TMP/burst_sup.yaml" --from 2026-05-31T01:00:00Z --to 2026-05-31T12:00:00Z --format json
want_rc 0
want_out_has '{"at":"2026-05-31T03:00:00Z","rows":1,"fired":true'
for h in 04 05 06 07; do want_out_has "{\"at\":\"2026-05-31T${h}:00:00Z\",\"suppressed\":true}"; done
want_out_has '{"at":"2026-05-31T08:00:00Z","rows":0,"fired":false'
want_out_has '"total":{"runs":8,"suppressed":4,"fired":1,"alerts":1}'
end

# with threshold 1 the dc-01 failure (23:48) fires at 00:00; suppression then hides the runs
# 01:00 .. 04:00, so the srv-jump-01 burst (seen only by the 03:00 run) raises no alert
sed 's/suppressionEnabled: false/suppressionEnabled: true/; s/let threshold = 3;/let threshold = 1;/' $BURST >"$TMP/burst_sup1.yaml"
begin "rule backtest: an alert's suppression hides a later, different alert"
kql rule backtest "$TMP/burst_sup1.yaml" --from 2026-05-31T00:00:00Z --to 2026-05-31T12:00:00Z
want_rc 0
want_out_line "2026-05-31T00:00:00Z  1 row -> 1 alert"
want_out_lacks "srv-jump-01"
want_out_line "total:    9 runs, 4 suppressed, 1 fired, 1 alert"
end

# ---- the table cache: load once, evaluate many times ------------------------------------
# tests/rules/cache (see its README): alerts worked out by hand at 03:00 (srv-a, rows with
# Timestamp but no TimeGenerated), 04:00 (srv-c, a row on the run instant) and 06:00 (srv-b)
CACHED=tests/rules/cache
begin "rule backtest: the table is read once; the alerts of the hand-worked fixture"
kql rule backtest $BURST --data $CACHED --from 2026-05-31T01:00:00Z --to 2026-05-31T07:00:00Z -v
want_rc 0
want_err_has "table cache: on, 1 pass over data files"
want_out_line "2026-05-31T03:00:00Z  1 row -> 1 alert"
want_out_line "    [1] Medium  3 failed network logons on srv-a from 10.0.0.5 (1 row)"
want_out_line "2026-05-31T04:00:00Z  1 row -> 1 alert"
want_out_line "        description: Accounts tried: [\"root\"], from 2026-05-31T03:30:00Z to 2026-05-31T04:00:00Z."
want_out_line "2026-05-31T06:00:00Z  1 row -> 1 alert"
want_out_line "        description: Accounts tried: [\"svc\",\"guest\"], from 2026-05-31T05:10:00Z to 2026-05-31T05:40:00Z."
want_out_line "total:    7 runs, 0 suppressed, 3 fired, 3 alerts"
end

begin "rule backtest: with the cache = --no-cache (streaming every run), text and json, --compare"
for args in "--format json" "--compare $TMP/burst_t1.yaml" "--data $CACHED --format json" "--data $CACHED --compare $TMP/burst_t1.yaml"; do
  # shellcheck disable=SC2086
  kql rule backtest $BURST --from 2026-05-18T00:00:00Z --to 2026-06-01T00:00:00Z $args
  cp "$TMP/out" "$TMP/cached"
  # shellcheck disable=SC2086
  kql rule backtest $BURST --from 2026-05-18T00:00:00Z --to 2026-06-01T00:00:00Z $args --no-cache -v
  want_rc 0
  want_err_has "table cache: off, 0 passes"
  cmp -s "$TMP/out" "$TMP/cached" || bad "$args: the cached backtest differs from --no-cache"
done
end

# ---- --functions: saved functions and ASIM parsers ---------------------------------------
# queries/functions (FailedLogons.yaml, NetworkLogons.kql) and tests/rules/functions (an
# ASIM-style parser) over data/DeviceLogonEvents.json; counts worked out from its 20 rows:
# failed logons are srv-jump Interactive, dc-01 Interactive, dc-01 Network 127.0.0.1 and
# srv-jump Network 185.220.101.34 (x3: administrator, administrator, admin)
FN="--functions queries/functions --functions tests/rules/functions"
begin "functions: a Sentinel YAML function with positional arguments"
kql run $FN -e 'FailedLogons("Network", 3)' --format ndjson
want_rc 0
want_out_line '{"DeviceName":"srv-jump-01.contoso.local","RemoteIP":"185.220.101.34","Failures":3,"Accounts":["administrator","admin"]}'
[ "$(wc -l <"$TMP/out")" -eq 1 ] || bad "want one row"
end

begin "functions: parameter defaults ('*' quoted again as a string, 1)"
kql run $FN -e 'FailedLogons() | count' --format ndjson
want_out_line '{"Count":4}'
kql run $FN -e 'FailedLogons("*", 2) | count' --format ndjson
want_out_line '{"Count":1}'
end

# named arguments f(name=value) come with the grammar's support for them
if "$KQL" run -e 'let f = (a:long = 1, b:long = 2) { print b }; f(b=5)' --format ndjson 2>/dev/null | grep -qxF '{"print_0":5}'; then
  begin "functions: named arguments skip the parameters before them"
  kql run $FN -e 'FailedLogons(minimum=2) | count' --format ndjson
  want_out_line '{"Count":1}'
  kql run $FN -e "vimLogonDemo(username='ADMIN') | project EventResult" --format ndjson
  want_out_line '{"EventResult":"Failure"}'
  kql run $FN -e 'vimLogonDemo(disabled=true) | count' --format ndjson
  want_out_line '{"Count":0}'
  end
else
  echo "# skipped: named arguments are not supported by this build"
fi

begin "functions: a .kql file is a parameterless function named after the file (with or without ())"
kql run $FN -e 'NetworkLogons | summarize n = count() by ActionType' --format ndjson
want_rc 0
want_out_line '{"ActionType":"LogonSuccess","n":2}'
want_out_line '{"ActionType":"LogonFailed","n":4}'
kql run $FN -e 'NetworkLogons() | count' --format ndjson
want_out_line '{"Count":6}'
end

# rows from 2026-05-31: 02:10:01, 02:10:03, 02:10:07, 02:14:50, 08:05:12; 'admin' =~ only admin
begin "functions: an ASIM parser (ParserName, its EquivalentBuiltInParser alias, ParserParams)"
kql run $FN -e '_Im_LogonDemo(datetime(2026-05-31)) | count' --format ndjson
want_out_line '{"Count":5}'
kql run $FN -e "vimLogonDemo(datetime(null), 'ADMIN') | project EventResult" --format ndjson
want_out_line '{"EventResult":"Failure"}'
kql run $FN -e "vimLogonDemo(datetime(null), '*', true) | count" --format ndjson
want_out_line '{"Count":0}'
kql run $FN -e 'vimLogonDemo() | count' --format ndjson
want_out_line '{"Count":20}'
end

begin "functions: without --functions the name is unknown; kql check and explain see them"
kql run -e 'FailedLogons() | count'
want_rc 1
echo 'FailedLogons("Network") | project DeviceName' >"$TMP/fn.kql"
kql check $FN "$TMP/fn.kql"
want_rc 0
kql explain $FN -e 'FailedLogons("Network", 3) | project DeviceName'
want_rc 0
want_out_has '5. where Failures >= minimum'
end

begin "functions: a rule calling a saved function is evaluated through the window"
kql rule eval tests/rules/functions_rule.yaml $FN --now 2026-05-31T03:00:00Z
want_rc 0
want_out_line "result:  1 row; trigger: rows gt 0 -> fired"
kql rule eval tests/rules/functions_rule.yaml $FN --now 2026-05-31T04:00:00Z
want_out_line "result:  0 rows; trigger: rows gt 0 -> not fired"
end

# Kusto's parser: 'let f = () { 1 }; print f' is print_0:long; with a parameter, KS117
begin "functions: a function named without '()' is a call when it takes no argument (kql crashed)"
kql run -e 'let f = () { 1 }; print f' --format ndjson
want_rc 0
want_out_line '{"print_0":1}'
kql run -e 'let f = (a:long) { a }; print f'
want_rc 1
want_err_has "query:1:31: error: the function 'f' requires an argument list"
kql run $FN -e 'print FailedLogons'
want_rc 1
want_err_has "query:1:7: error: the function 'FailedLogons' requires an argument list"
kql run $FN -e 'print NetworkLogons'
want_rc 1
want_err_has "query:1:7: error: function 'NetworkLogons' returns a table, not a scalar"
end

begin "functions: an error inside a function is located in its file (file:line:col)"
kql run --functions $R/functions_bad/column -e 'BadColumn(2)'
want_rc 1
want_err_has "$R/functions_bad/column/BadColumn.yaml:8:11: error: unknown column 'ActionTyp'"
want_err_has "did you mean 'ActionType'?"
kql run --functions $R/functions_bad/unfinished -e 'Unfinished | count'
want_rc 1
want_err_has "$R/functions_bad/unfinished/Unfinished.kql:3:1: error: the function's query ends unfinished"
kql run --functions $R/functions_bad/column -e 'DeviceLogonEvents | where Foo == 1'
want_rc 1
want_err_has "query:1:27: error: unknown column 'Foo'"
end

begin "functions: tabular parameters say 'not supported yet'; a missing folder is a usage error"
kql run --functions $R/functions_bad/tabular -e 'print 1'
want_rc 2
want_err_has "$R/functions_bad/tabular/Tab.yaml:3:5: error: tabular parameters of saved functions are not supported yet"
kql run --functions "$TMP/nope" -e 'print 1'
want_rc 2
want_err_has "functions folder '$TMP/nope' does not exist"
end

begin "functions: kql check DIR --format json names the function file of an error inside a function"
mkdir -p "$TMP/callbad"
echo 'BadColumn(1)' >"$TMP/callbad/callbad.kql"
kql check --format json --functions $R/functions_bad/column "$TMP/callbad"
want_rc 1
want_out_has "\"message\":\"unknown column 'ActionTyp' (in $R/functions_bad/column/BadColumn.yaml:8:11)\",\"line\":0,\"col\":0"
end

begin "functions: kql check over folders checks function files as functions"
kql check $R/functions_bad queries/functions
want_rc 1
want_err_has "$R/functions_bad/tabular/Tab.yaml:3:5: error: tabular parameters of saved functions are not supported yet"
want_err_has "$R/functions_bad/unfinished/Unfinished.kql:2:22: error: unexpected end of query"
want_err_line "kql check: 3 of 5 files ok, 2 with errors; 0 warnings in 0 files"
end

# ---- kql test ---------------------------------------------------------------------------
begin "test: the shipped rules' tests pass (with one expected failure)"
kql test queries/tests
want_rc 0
want_out_line "10 passed, 0 failed (1 expected failure among the passed)"
want_out_has "XFAIL queries/tests/failed_logon_burst.test.yaml:56: a wrong expectation fails with a diff (runner self-test) (failed, as expected)"
end

begin "test: the same verdicts with --no-cache (every test reads its files)"
kql test queries/tests --no-cache
want_rc 0
want_out_line "10 passed, 0 failed (1 expected failure among the passed)"
end

begin "test: -v shows the diff of the expected failure"
kql test -v queries/tests/failed_logon_burst.test.yaml
want_rc 0
want_out_line "          FailedLogons: expected long 4, got long 3"
end

begin "test: failing tests exit 1 with type-aware diffs"
kql test $R/tests/failing.fixture.yaml
want_rc 1
want_out_line "1 passed, 3 failed"
want_out_line "FAIL  $R/tests/failing.fixture.yaml:13: wrong count, wrong datetime, a row too many"
want_out_line "    rows: expected 2 rows (any order), got 1: 2 expected not found, 1 not expected"
want_out_line "          FailedLogons: expected long 4, got long 3"
want_out_line "          FirstFailure: expected datetime 2026-05-31T02:10:01Z, got datetime 2026-05-31T02:10:01.11Z"
want_out_line "          DeviceName: expected string \"dc-01.contoso.local\", got string \"srv-jump-01.contoso.local\""
want_out_has "      + row 1 not expected: {DeviceName: \"srv-jump-01.contoso.local\", RemoteIP: \"185.220.101.34\", FailedLogons: 3,"
want_out_line "          FailedLogons: expected three (not a long), got long 3"
want_out_has "        entity {\"type\":\"Host\",\"FullName\":\"srv-jump-02.contoso.local\"} (line 26) not found; the alert has: Host(FullName=srv-jump-01.contoso.local) IP(Address=185.220.101.34)"
want_out_line "        detail FailedLogons: expected [\"4\"], got [\"3\"]"
want_out_line "      expected: DeviceName, RemoteIP, FailedLogons"
want_out_line "    no_rows: expected no rows, got 1:"
end

begin "test: NRT, ISO durations, SingleAlert, query files, inline queries, expected errors"
kql test $R/tests/kinds.test.yaml
want_rc 0
want_out_line "5 passed, 0 failed"
end

begin "test: --junit writes one testsuite per file with the failures"
kql test $R/tests $R/tests/failing.fixture.yaml --junit "$TMP/junit.xml"
want_rc 1
grep -qF '<testsuites name="kql test" tests="9" failures="3"' "$TMP/junit.xml" || bad "testsuites line: $(sed -n 2p "$TMP/junit.xml")"
grep -qF "<testsuite name=\"$R/tests/failing.fixture.yaml\" tests=\"4\" failures=\"3\"" "$TMP/junit.xml" || bad "no failing testsuite"
grep -qF '<failure message="expectations not met">' "$TMP/junit.xml" || bad "no failure element"
if command -v python3 >/dev/null; then
  python3 -c "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])" "$TMP/junit.xml" || bad "not well-formed XML"
fi
end

begin "test: a folder without test files, and an unreadable path"
mkdir -p "$TMP/empty"
kql test "$TMP/empty"
want_rc 2
want_err_line "kql test: no test files found"
kql test "$TMP/nope.test.yaml"
want_rc 2
end

# ---- kql check over folders -----------------------------------------------------------------
begin "check DIR: errors, rule warnings located in the rule file, a summary"
kql check $R/lint
want_rc 1
want_err_has "$R/lint/broken.kql:1:21: error: unknown operator 'wher'"
want_err_line "$R/lint/columns.yaml:4:14: warning: 'queryPeriod' is shorter than queryFrequency: rows between runs are never looked at"
want_err_line "$R/lint/columns.yaml:11:5: warning: entity column 'RemoteIP' is not a column of the query's result"
want_err_line "$R/lint/columns.yaml:16:10: warning: custom detail column 'FailedCount' is not a column of the query's result"
want_err_line "$R/lint/columns.yaml:18:27: warning: placeholder '{{Account}}' names no column of the query's result"
want_err_line "kql check: 2 of 3 files ok, 1 with errors; 4 warnings in 1 file"
end

begin "check DIR: the shipped queries/ are clean (test files left out)"
kql check queries
want_rc 0
want_err_line "kql check: 5 of 5 files ok, 0 with errors; 0 warnings in 0 files"
end

begin "check --format sarif: SARIF 2.1.0 with errors and warnings located"
kql check $R/lint --format sarif
want_rc 1
want_out_has '"version":"2.1.0"'
want_out_has '{"ruleId":"kql/syntax","level":"error","message":{"text":"unknown operator '"'"'wher'"'"'"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"tests/rules/lint/broken.kql"},"region":{"startLine":1,"startColumn":21}}}]}'
want_out_has '{"ruleId":"kql/rule","level":"warning"'
if command -v python3 >/dev/null; then
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d['runs'][0]['results']) == 5" "$TMP/out" || bad "not JSON, or not 5 results"
fi
end

begin "check FILE still behaves as before (one file, no summary line)"
kql check queries/failed_logon_burst.yaml
want_rc 0
[ ! -s "$TMP/err" ] || bad "stderr: $(cat "$TMP/err")"
end

# ---- a backtest over generated data equals 'kql rule eval' at each step -----------------------
ADFIND=../shared/corpus/rules/azsentinel/DeviceProcessEvents__AdFind_Usage.yaml
begin "backtest of a corpus rule over generated data = kql rule eval at each step; threshold and suppression"
if command -v python3 >/dev/null && [ -f "$ADFIND" ]; then
  mkdir -p "$TMP/gen"
  if ! KQL_TEST_SRC=$SRC python3 $R/backtest_check.py "$KQL" "$ADFIND" "$TMP/gen" --rows 2000 --hours 48 >"$TMP/bt" 2>&1; then
    bad "$(cat "$TMP/bt")"
  fi
else
  echo "# skipped: no python3 or no corpus"
fi
end

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
