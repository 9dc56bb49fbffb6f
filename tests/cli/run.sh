#!/usr/bin/env bash
# run.sh: the command-line contract tests (DESIGN.md section 5): exit statuses, where results
# and diagnostics go, rule files (.yaml, CRLF or LF) against plain .kql, -o, stdin, formats,
# and the shipped data/ folder.  Each case prints "ok - NAME" or "FAIL - NAME" with the
# reasons; the last line is exactly "N passed, M failed"; exit status 0 iff none failed.
#
# usage: KQL_TEST_SRC=<repo root> tests/cli/run.sh <path to kql>
#
# Cases run from the repo root (so file names in messages are the relative names given), in
# a temporary folder for everything they write, removed on exit.  Expected results were
# worked out by hand from data/DeviceProcessEvents.json (data/README.md lists the same four
# groups), not copied from kql's output.
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
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kql-cli.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT
cd "$SRC" || exit 2

NOW=2026-06-01T00:00:00Z
RULE=queries/rmm_TightVNC_createproc.yaml
QUERY=queries/rmm_TightVNC_createproc.kql

# The seed rule over data/ at 2026-06-01T00:00:00Z, worked out by hand (see data/README.md).
ROW1='{"DeviceId":"c5a1e07d93b4f2e8a6d0c71b58e94f3a2d6b8e10","DeviceName":"ws-fin-014.contoso.local","FirstSeen":"2026-05-28T09:14:02.331775Z","LastSeen":"2026-05-31T08:02:47.5500031Z","Report":[10298,10244,10231],"Count":4}'
ROW2='{"DeviceId":"e2b8d4f6a0c1e3b5d7f9a2c4e6b8d0f1a3c5e7b9","DeviceName":"srv-jump-01.contoso.local","FirstSeen":"2026-05-30T22:47:18.03125Z","LastSeen":"2026-05-30T22:47:19.8765432Z","Report":[77002,77001],"Count":2}'
ROW3='{"DeviceId":"7f3e9b2a1c8d4e6f0a5b9c2d7e1f4a8b3c6d9e02","DeviceName":"lt-hr-007.contoso.local","FirstSeen":"2026-05-30T13:22:08.1Z","LastSeen":"2026-06-01T00:00:00Z","Report":[5640,5603],"Count":2}'
ROW4='{"DeviceId":"7f3e9b2a1c8d4e6f0a5b9c2d7e1f4a8b3c6d9e02","DeviceName":"lt-hr-007","FirstSeen":"2026-05-27T00:00:00Z","LastSeen":"2026-05-27T00:00:00Z","Report":[5512],"Count":1}'
printf '[\n%s,\n%s,\n%s,\n%s\n]\n' "$ROW1" "$ROW2" "$ROW3" "$ROW4" >"$TMP/seed.json"
printf '%s\n%s\n%s\n%s\n' "$ROW1" "$ROW2" "$ROW3" "$ROW4" >"$TMP/seed.ndjson"
COLUMNS_JSON='"columns":[{"name":"DeviceId","type":"string"},{"name":"DeviceName","type":"string"},{"name":"FirstSeen","type":"datetime"},{"name":"LastSeen","type":"datetime"},{"name":"Report","type":"dynamic"},{"name":"Count","type":"long"}]'

# Copies of the rule: LF only, CRLF throughout, and one with a misspelt column on file
# line 18 ("  | where ProcessVersionInfoCompanyName has 'GlavSoft'": col 11 is the column).
tr -d '\r' <"$RULE" >"$TMP/rule_lf.yaml"
sed 's/$/\r/' "$TMP/rule_lf.yaml" >"$TMP/rule_crlf.yaml"
sed 's/$/\r/' "$QUERY" >"$TMP/query_crlf.kql"
sed 's/ProcessVersionInfoCompanyName has/ProcessVersionInfoCompanyNam has/' "$TMP/rule_lf.yaml" >"$TMP/bad_lf.yaml"
sed 's/ProcessVersionInfoCompanyName has/ProcessVersionInfoCompanyNam has/' "$RULE" >"$TMP/bad_crlf.yaml"
sed 's/ProcessVersionInfoCompanyName has/ProcessVersionInfoCompanyNam has/' "$QUERY" >"$TMP/bad.kql"

PASSED=0
FAILED=0
NAME=
WHY=

# Start case $1.
begin() {
  NAME=$1
  WHY=
}

# Record a reason the current case fails.
bad() {
  WHY="$WHY
    $*"
}

# Finish the current case: print ok or FAIL and count it.
end() {
  if [ -z "$WHY" ]; then
    echo "ok - $NAME"
    PASSED=$((PASSED + 1))
  else
    echo "FAIL - $NAME$WHY"
    FAILED=$((FAILED + 1))
  fi
}

# Run kql with the arguments given; stdout to $TMP/out, stderr to $TMP/err, status in RC.
kql() {
  "$KQL" "$@" >"$TMP/out" 2>"$TMP/err"
  RC=$?
}

# As kql(), with stdin from the file $1.
kql_in() {
  local in=$1
  shift
  "$KQL" "$@" <"$in" >"$TMP/out" 2>"$TMP/err"
  RC=$?
}

want_rc() {
  [ "$RC" -eq "$1" ] || bad "exit status $RC, want $1 (stderr: $(head -c 300 "$TMP/err"))"
}

# stdout must equal the file $1 byte for byte.
want_out_file() {
  if ! cmp -s "$TMP/out" "$1"; then
    bad "stdout differs from $(basename "$1"):"
    bad "$(diff "$1" "$TMP/out" | head -20)"
  fi
}

# stderr must equal the text $1 (plus a final newline) byte for byte.
want_err_text() {
  printf '%s\n' "$1" >"$TMP/want_err"
  if ! cmp -s "$TMP/err" "$TMP/want_err"; then
    bad "stderr differs:"
    bad "$(diff "$TMP/want_err" "$TMP/err" | head -20)"
  fi
}

# stdout must hold no result row (a JSON object); "[" and "]" around nothing are allowed,
# since rows stream to stdout as they are made and an error can come after the first.
want_no_rows() {
  ! grep -q '{' "$TMP/out" || bad "stdout has rows although the run failed: $(head -c 200 "$TMP/out")"
}

want_out_empty() {
  [ ! -s "$TMP/out" ] || bad "stdout should be empty, has: $(head -c 200 "$TMP/out")"
}

want_err_empty() {
  [ ! -s "$TMP/err" ] || bad "stderr should be empty, has: $(head -c 200 "$TMP/err")"
}

# stderr must contain the fixed string $1.
want_err_has() {
  grep -qF -- "$1" "$TMP/err" || bad "stderr lacks '$1'; it is: $(head -c 300 "$TMP/err")"
}

# stdout must contain the fixed string $1.
want_out_has() {
  grep -qF -- "$1" "$TMP/out" || bad "stdout lacks '$1'; it is: $(head -c 300 "$TMP/out")"
}

# The folder $1 must hold no entries but the names given after it (temporary files left
# behind by -o show up here).
want_only_files() {
  local dir=$1 f name ok
  shift
  for f in "$dir"/* "$dir"/.[!.]*; do
    [ -e "$f" ] || continue
    name=${f##*/}
    ok=no
    for keep in "$@"; do [ "$name" = "$keep" ] && ok=yes; done
    [ "$ok" = yes ] || bad "left behind in $(basename "$dir"): $name"
  done
}

# ---------------------------------------------------------------------------------------
# The seed rule, every way it can be given

begin "run rule .yaml --now --format json gives the four hand-checked groups"
kql run "$RULE" --now "$NOW" --format json
want_rc 0; want_out_file "$TMP/seed.json"; want_err_empty
end

begin "run .kql gives the same as the .yaml"
kql run "$QUERY" --now "$NOW" --format json
want_rc 0; want_out_file "$TMP/seed.json"; want_err_empty
end

begin "run LF copy of the rule gives the same"
kql run "$TMP/rule_lf.yaml" --now "$NOW" --format json
want_rc 0; want_out_file "$TMP/seed.json"; want_err_empty
end

begin "run CRLF copy of the rule gives the same"
kql run "$TMP/rule_crlf.yaml" --now "$NOW" --format json
want_rc 0; want_out_file "$TMP/seed.json"; want_err_empty
end

begin "run CRLF copy of the .kql gives the same"
kql run "$TMP/query_crlf.kql" --now "$NOW" --format json
want_rc 0; want_out_file "$TMP/seed.json"; want_err_empty
end

begin "run -e with the query text gives the same"
kql run -e "$(cat "$QUERY")" --now "$NOW" --format json
want_rc 0; want_out_file "$TMP/seed.json"; want_err_empty
end

begin "run - reads the query from stdin"
kql_in "$QUERY" run - --now "$NOW" --format ndjson
want_rc 0; want_out_file "$TMP/seed.ndjson"; want_err_empty
end

begin "default data folder (no --data, no --now): data/ and its now.txt give 4 rows"
kql run "$RULE" --format ndjson
want_rc 0; want_out_file "$TMP/seed.ndjson"; want_err_empty
end

begin "--data data gives the same as the default"
kql run "$RULE" --data data --format ndjson
want_rc 0; want_out_file "$TMP/seed.ndjson"; want_err_empty
end

begin "--format csv: a header line and one line per row, commas quoted"
kql run "$RULE" --now "$NOW" --format csv
want_rc 0; want_err_empty
[ "$(wc -l <"$TMP/out")" -eq 5 ] || bad "want 5 lines, got $(wc -l <"$TMP/out")"
[ "$(sed -n 1p "$TMP/out" | tr -d '\r')" = "DeviceId,DeviceName,FirstSeen,LastSeen,Report,Count" ] ||
  bad "header is '$(sed -n 1p "$TMP/out")'"
[ "$(sed -n 2p "$TMP/out" | tr -d '\r')" = 'c5a1e07d93b4f2e8a6d0c71b58e94f3a2d6b8e10,ws-fin-014.contoso.local,2026-05-28T09:14:02.331775Z,2026-05-31T08:02:47.5500031Z,"[10298,10244,10231]",4' ] ||
  bad "first row is '$(sed -n 2p "$TMP/out")'"
end

begin "--format table: a header with the columns in order, a rule, the four rows"
kql run "$RULE" --now "$NOW" --format table
want_rc 0; want_err_empty
sed -n 1p "$TMP/out" | grep -qE '^DeviceId +DeviceName +FirstSeen +LastSeen +Report +Count *$' ||
  bad "header is '$(sed -n 1p "$TMP/out")'"
sed -n 2p "$TMP/out" | grep -qE '^-+( +-+){5} *$' || bad "second line is '$(sed -n 2p "$TMP/out")'"
[ "$(grep -cE '^(c5a1e07d|e2b8d4f6|7f3e9b2a)[0-9a-f]* ' "$TMP/out")" -eq 4 ] || bad "want 4 data rows"
grep -qE '^7f3e9b2a1c8d4e6f0a5b9c2d7e1f4a8b3c6d9e02 +lt-hr-007 +2026-05-27T00:00:00Z +2026-05-27T00:00:00Z +\[5512\] +1 *$' "$TMP/out" ||
  bad "the lt-hr-007 row is missing or misaligned"
end

begin "--format ndjson prints nothing for an empty result"
kql run -e 'DeviceProcessEvents | where FileName == "no such file"' --format ndjson
want_rc 0; want_out_empty; want_err_empty
end

begin "--format json prints [] for an empty result"
kql run -e 'DeviceProcessEvents | where FileName == "no such file"' --format json
want_rc 0; want_err_empty
[ "$(tr -d ' \n' <"$TMP/out")" = "[]" ] || bad "stdout is '$(cat "$TMP/out")'"
end

# ---------------------------------------------------------------------------------------
# Diagnostics in rule files and queries

begin "rule error is located at the rule file's line 18, col 11 (CRLF rule)"
kql run "$TMP/bad_crlf.yaml" --now "$NOW"
want_rc 1; want_out_empty
want_err_text "$TMP/bad_crlf.yaml:18:11: error: unknown column 'ProcessVersionInfoCompanyNam'
   18 |   | where ProcessVersionInfoCompanyNam has 'GlavSoft'
      |           ^~~~~~~~~~~~~~~~~~~~~~~~~~~~
      = did you mean 'ProcessVersionInfoCompanyName'?"
end

begin "rule error is located at the rule file's line 18, col 11 (LF rule)"
kql run "$TMP/bad_lf.yaml" --now "$NOW"
want_rc 1; want_out_empty
want_err_has "$TMP/bad_lf.yaml:18:11: error: unknown column 'ProcessVersionInfoCompanyNam'"
end

begin "the same error in the .kql is at line 6, col 9"
kql run "$TMP/bad.kql" --now "$NOW"
want_rc 1; want_out_empty
want_err_has "$TMP/bad.kql:6:9: error: unknown column 'ProcessVersionInfoCompanyNam'"
want_err_has "did you mean 'ProcessVersionInfoCompanyName'?"
end

begin "run -e with an error names 'query' and exits 1"
kql run -e 'DeviceProcessEvents | wher FileName == "x"'
want_rc 1; want_out_empty
want_err_has "query:1:23: error: unknown operator 'wher'"
end

begin "a rule file that is not valid YAML exits 2"
printf 'name: x\nquery: |\n  T\n bad: [\n' >"$TMP/broken.yaml"
kql run "$TMP/broken.yaml"
want_rc 2; want_out_empty
want_err_has "$TMP/broken.yaml"
end

# ---------------------------------------------------------------------------------------
# kql check

begin "check --format json on the seed prints its columns"
kql check --format json "$QUERY" "$RULE"
want_rc 0; want_err_empty
printf '%s\n%s\n' "{\"file\":\"$QUERY\",\"ok\":true,\"diagnostics\":[],$COLUMNS_JSON}" \
  "{\"file\":\"$RULE\",\"ok\":true,\"diagnostics\":[],$COLUMNS_JSON}" >"$TMP/want_check"
want_out_file "$TMP/want_check"
end

begin "check exits 0 and is quiet on a good query"
kql check "$RULE"
want_rc 0; want_out_empty; want_err_empty
end

begin "check exits 1 on a bad query and reports it at the rule's line"
kql check "$TMP/bad_crlf.yaml"
want_rc 1
want_err_has "$TMP/bad_crlf.yaml:18:11: error: unknown column 'ProcessVersionInfoCompanyNam'"
end

begin "check --format json on a bad rule gives ok false, line 18, col 11"
kql check --format json "$TMP/bad_lf.yaml"
want_rc 1
want_out_has "\"ok\":false"
want_out_has "\"line\":18,\"col\":11"
end

begin "check of several files reports each and exits 1 if any is bad"
kql check "$RULE" "$TMP/bad.kql" "$QUERY"
want_rc 1
want_err_has "$TMP/bad.kql:6:9: error: unknown column"
want_err_has "2 of 3 files ok"
end

begin "check reports an operator kql does not have yet, by name, and exits 1"
kql check -e 'DeviceProcessEvents | fork (take 1)'
want_rc 1
want_err_has "operator 'fork' is not supported yet"
end

# DESIGN.md section 6: a query error never crashes the process.  Each of these must exit 0
# or 1 (never killed by a signal), and an exit 1 must say why on stderr.
begin "no query crashes kql: odd, empty, truncated and deeply nested queries exit 0 or 1"
odd=(
  '' ' ' '|' 'DeviceProcessEvents |' '"abc' "'abc" '((((((((' ')' 'let x = ;' 'let'
  'DeviceProcessEvents | where' 'DeviceProcessEvents | summarize by' 'DeviceProcessEvents | project'
  'DeviceProcessEvents | take -1' 'DeviceProcessEvents | extend x = ReportId / 0'
  'DeviceProcessEvents | extend x = 1 / 0' $'DeviceProcessEvents\x01' $'DeviceProcessEvents | where FileName == "\xff\xfe"'
  'DeviceProcessEvents | where Timestamp between (now() .. )' 'DeviceProcessEvents | sort by'
  'DeviceProcessEvents | top 0 by ReportId' 'DeviceProcessEvents | where ReportId in ()'
  'DeviceProcessEvents | summarize count() by DeviceName | summarize count() by DeviceName'
  "print x = $(printf '(%.0s' $(seq 1 20000))1$(printf ')%.0s' $(seq 1 20000))"
  "print x = 1$(printf '+1%.0s' $(seq 1 50000))"
  "DeviceProcessEvents$(printf ' | where ReportId > 0%.0s' $(seq 1 3000)) | count"
)
for q in "${odd[@]}"; do
  kql run -e "$q" --now "$NOW" --format ndjson
  if [ "$RC" -ne 0 ] && [ "$RC" -ne 1 ]; then
    bad "exit status $RC for: $(printf '%s' "$q" | head -c 80)"
  elif [ "$RC" -eq 1 ] && ! grep -q 'error' "$TMP/err"; then
    bad "exit 1 without a diagnostic for: $(printf '%s' "$q" | head -c 80)"
  fi
done
end

# ---------------------------------------------------------------------------------------
# Help and usage errors

for sub in run check explain; do
  begin "$sub --help exits 0 and prints its usage to stdout"
  kql "$sub" --help
  want_rc 0; want_err_empty
  want_out_has "usage: kql $sub"
  end
done

begin "explain prints the pipeline and exits 0"
kql explain "$RULE" --now "$NOW"
want_rc 0
want_out_has "summarize"
end

begin "an unknown flag exits 2"
kql run "$RULE" --bogus
want_rc 2; want_out_empty
want_err_has "--bogus"
end

begin "an unknown flag to check exits 2"
kql check --frobnicate "$RULE"
want_rc 2
want_err_has "--frobnicate"
end

begin "run with no FILE exits 2"
kql run
want_rc 2; want_out_empty
end

begin "an option missing its value exits 2"
kql run "$RULE" --data
want_rc 2; want_out_empty
want_err_has "--data"
end

begin "--now that is not an instant exits 2"
kql run "$RULE" --now yesterday
want_rc 2; want_out_empty
end

begin "an unknown --format exits 2"
kql run "$RULE" --format xml
want_rc 2; want_out_empty
end

begin "kql with no command exits 2"
kql
want_rc 2; want_out_empty
end

begin "an unknown command exits 2"
kql frobnicate
want_rc 2; want_out_empty
end

# ---------------------------------------------------------------------------------------
# Missing and malformed input

begin "a missing query file exits 2 and names it"
kql run "$TMP/no-such-query.kql"
want_rc 2; want_out_empty
want_err_has "no-such-query.kql"
end

begin "a missing rule file exits 2 and names it"
kql run "$TMP/no-such-rule.yaml"
want_rc 2; want_out_empty
want_err_has "no-such-rule.yaml"
end

begin "a missing data folder exits 2"
kql run "$RULE" --data "$TMP/no-such-folder"
want_rc 2; want_out_empty
want_err_has "no-such-folder"
end

begin "a missing --table file exits 2"
kql run -e 'DeviceProcessEvents | count' --table DeviceProcessEvents="$TMP/no-such-table.jsonl"
want_rc 2; want_out_empty
want_err_has "no-such-table.jsonl"
end

# Line 2, column 9 of the bad table is its second comma.
mkdir -p "$TMP/baddata"
printf '%s\n%s\n' '{"DeviceId": "a", "ReportId": 1}' '{"a": 2,, "b": 3}' >"$TMP/baddata/DeviceProcessEvents.jsonl"

begin "malformed JSON in a --data folder exits 2 with file:line:col"
kql run -e 'DeviceProcessEvents | summarize count()' --data "$TMP/baddata" --now "$NOW"
want_rc 2; want_no_rows
want_err_has "$TMP/baddata/DeviceProcessEvents.jsonl:2:9: error"
end

# The rule's 'has' terms let the scan pass over rows whose text cannot hold them, unparsed
# (src/rawfilter.c): the bad row, which holds neither, is not read; --strict reads every row.
begin "malformed JSON in a row the rule's terms rule out is not read; --strict reads it"
kql run "$RULE" --data "$TMP/baddata" --now "$NOW"
want_rc 0
kql run "$RULE" --data "$TMP/baddata" --now "$NOW" --strict
want_rc 2; want_no_rows
want_err_has "$TMP/baddata/DeviceProcessEvents.jsonl:2:9: error"
end

begin "malformed JSON in a --table file exits 2 with file:line:col"
kql run -e 'DeviceProcessEvents | take 5' --table DeviceProcessEvents="$TMP/baddata/DeviceProcessEvents.jsonl"
want_rc 2; want_no_rows
want_err_has "$TMP/baddata/DeviceProcessEvents.jsonl:2:9: error"
end

# ---------------------------------------------------------------------------------------
# -o FILE: written whole, or not at all

mkdir -p "$TMP/o"

begin "-o FILE writes the result there and nothing to stdout"
kql run "$RULE" --now "$NOW" --format json -o "$TMP/o/seed.json"
want_rc 0; want_out_empty; want_err_empty
if cmp -s "$TMP/o/seed.json" "$TMP/seed.json"; then :; else bad "the file differs from the expected result"; fi
end

begin "-o FILE on a query that does not compile leaves no file and no temporary file"
kql run -e 'DeviceProcessEvents | where NoSuchColumn == 1' -o "$TMP/o/never.json"
want_rc 1; want_out_empty
[ ! -e "$TMP/o/never.json" ] || bad "never.json was written"
want_only_files "$TMP/o" seed.json
end

# The shipped schema types the table, so the malformed line 2 is met while rows are
# written, after the output file was opened.
begin "-o FILE on a query that fails while running leaves no file and no temporary file"
kql run -e 'DeviceProcessEvents | project DeviceId' --table DeviceProcessEvents="$TMP/baddata/DeviceProcessEvents.jsonl" -o "$TMP/o/partial.json"
want_rc 2
[ ! -e "$TMP/o/partial.json" ] || bad "partial.json was written"
want_only_files "$TMP/o" seed.json
end

begin "-o FILE over an existing file leaves it untouched when the query fails"
printf 'old\n' >"$TMP/o/keep.json"
kql run -e 'DeviceProcessEvents | where NoSuchColumn == 1' -o "$TMP/o/keep.json"
want_rc 1
[ "$(cat "$TMP/o/keep.json")" = "old" ] || bad "keep.json was changed"
want_only_files "$TMP/o" seed.json keep.json
end

begin "-o FILE into a folder that does not exist exits 2"
kql run "$RULE" --now "$NOW" -o "$TMP/no-such-folder/out.json"
want_rc 2; want_out_empty
end

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
