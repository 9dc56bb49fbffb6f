#!/usr/bin/env bash
# strace.sh: kql reaches nothing outside: runs the command-line tests (tests/cli/run.sh) and
# the bad-input suite (tests/bad/run.sh) under `strace -f -e trace=network,process` and
# checks, in the trace of every kql process, that it made no network call at all (socket,
# connect, bind, sendto, ...) and started no program (no execve after its own, no fork,
# vfork, or clone other than a thread's).  Exit 77 (skipped, for meson) when strace is
# missing or cannot trace here; the last line is "N passed, M failed" like the other suites.
#
# usage: tests/bad/strace.sh <path to kql> [<path to kql-bad-api>]
set -u

if [ $# -lt 1 ]; then
  echo "usage: $0 <path to kql> [<path to kql-bad-api>]" >&2
  exit 2
fi
abspath() { case "$1" in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
KQL=$(abspath "$1")
API=${2:+$(abspath "$2")}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
if ! command -v strace >/dev/null 2>&1; then
  echo "strace not found: skipped"
  exit 77
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/kql-strace.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
if ! strace -f -qq -e trace=process -o "$T/probe" true >/dev/null 2>&1; then
  echo "strace cannot trace here (no ptrace): skipped"
  exit 77
fi
rm -f "$T/probe"

# LeakSanitizer stops the world with ptrace, which a traced process cannot do.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
SECCOMP=
strace --seccomp-bpf -f -qq -e trace=process -o /dev/null true >/dev/null 2>&1 && SECCOMP=--seccomp-bpf

PASSED=0
FAILED=0
# suite NAME SCRIPT ARGS...: run SCRIPT under strace, one trace file per process.
suite() {
  local name=$1
  shift
  mkdir -p "$T/$name"
  KQL_TEST_SRC=$SRC strace $SECCOMP -f -ff -qq -e trace=network,process -o "$T/$name/tr" "$@" \
    >"$T/$name.log" 2>&1
  local rc=$?
  if [ $rc -eq 0 ]; then
    echo "ok - $name passes under strace"
    PASSED=$((PASSED + 1))
  else
    echo "FAIL - $name passes under strace (status $rc):"
    tail -n 20 "$T/$name.log" | sed 's/^/    /'
    FAILED=$((FAILED + 1))
  fi
}
suite cli "$SRC/tests/cli/run.sh" "$KQL"
suite bad "$SRC/tests/bad/run.sh" "$KQL" ${API:+"$API"}

# Every process whose trace starts by executing kql (or kql-bad-api) is a kql process.
nproc=0
bad=0
for f in "$T"/cli/tr.* "$T"/bad/tr.*; do
  [ -e "$f" ] || continue
  first=$(head -n 1 "$f")
  case "$first" in
    "execve(\"$KQL\""*) ;;
    "execve(\"$API\""*) [ -n "$API" ] || continue ;;
    *) continue ;;
  esac
  nproc=$((nproc + 1))
  # After its own execve a kql process may only exit, wait, signal itself and make threads.
  tail -n +2 "$f" |
    grep -vE '^(exit_group\(|exit\(|\+\+\+ (exited|killed)|--- SIG|wait4\(|waitid\(|kill\(|tgkill\(|tkill\(|rt_sigqueueinfo\()' |
    grep -vE '^clone3?\(.*CLONE_THREAD' >"$T/offending"
  if [ -s "$T/offending" ]; then
    bad=$((bad + 1))
    echo "FAIL - a kql process ($first) made these calls:"
    head -n 5 "$T/offending" | sed 's/^/    /'
  fi
done
if [ $nproc -lt 100 ]; then
  echo "FAIL - only $nproc kql processes were traced; the suites run far more"
  FAILED=$((FAILED + 1))
elif [ $bad -eq 0 ]; then
  echo "ok - $nproc kql processes: no socket, no network call, no program started"
  PASSED=$((PASSED + 1))
else
  FAILED=$((FAILED + 1))
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
