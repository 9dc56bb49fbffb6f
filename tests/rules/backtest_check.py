#!/usr/bin/env python3
"""backtest_check.py: a backtest must list the same alerts as running the rule by hand at
each step, and comparing two versions must show exactly what the change adds and removes.

usage: backtest_check.py KQL RULE WORKDIR [--rows N] [--hours H]

Generates DeviceProcessEvents with bench/gen_dpe.py (14 days before 2026-06-01), adds
AdFind runs at known instants, a third of them with Timestamp but no TimeGenerated (the corpus rule DeviceProcessEvents__AdFind_Usage.yaml
matches them), then:
  1. kql rule backtest RULE --from A --to B --format json  (one process, load once), and the
     same with --no-cache (each run streams the file): the same output
  2. kql rule eval RULE --now T --format json  for every step T  (by hand)
  and checks that each step's alerts (title, entities, custom details, row count) agree;
  3. a copy of RULE with triggerThreshold 1 instead of 0: the comparison must remove
     exactly the alerts of the runs that returned one row, and add none;
  4. a copy with suppression (2h): the backtest must skip the two runs after each alert.
Prints "ok - ..." / "FAIL - ..." lines; exit 0 iff all pass.
"""
import json
import os
import random
import subprocess
import sys
from datetime import datetime, timedelta, timezone

kql, rule, work = sys.argv[1], sys.argv[2], sys.argv[3]
rows = 3000
hours = 14 * 24
args = sys.argv[4:]
for i, a in enumerate(args):
    if a == "--rows":
        rows = int(args[i + 1])
    if a == "--hours":
        hours = int(args[i + 1])
src = os.environ.get("KQL_TEST_SRC", os.path.join(os.path.dirname(__file__), "..", ".."))
now = datetime(2026, 6, 1, tzinfo=timezone.utc)
data = os.path.join(work, "data")
os.makedirs(data, exist_ok=True)
path = os.path.join(data, "DeviceProcessEvents.jsonl")
subprocess.run([sys.executable, os.path.join(src, "bench", "gen_dpe.py"), "--rows", str(rows),
                "--seed", "11", "--out", path, "--quiet"], check=True)

# AdFind runs: some alone in their hour, some two in one hour, one on an hour boundary
rnd = random.Random(5)
with open(path) as f:
    template = json.loads(f.readline())
instants = []
start = now - timedelta(hours=hours)
for k in range(12):
    t = start + timedelta(minutes=rnd.randrange(0, hours * 60), seconds=rnd.randrange(60))
    instants.append(t)
    if k % 4 == 0:
        instants.append(t + timedelta(minutes=5))
instants.append(start + timedelta(hours=hours // 2))  # exactly on a run instant
with open(path, "a") as f:
    for n, t in enumerate(instants):
        row = dict(template)
        ts = t.strftime("%Y-%m-%dT%H:%M:%S.0000000Z")
        row.update({"Timestamp": ts, "TimeGenerated": ts, "FileName": "AdFind.exe",
                    "InitiatingProcessFileName": "cmd.exe", "AccountName": "user%d" % (n % 3),
                    "DeviceName": "host-%d.contoso.local" % (n % 4),
                    "ProcessCommandLine": "AdFind.exe -f objectcategory=computer",
                    "ReportId": 900000 + n})
        if n % 3 == 2:  # exported from Advanced Hunting: Timestamp only, windowed on it
            row.pop("TimeGenerated", None)
        f.write(json.dumps(row) + "\n")

fmt = "%Y-%m-%dT%H:%M:%SZ"
A, B = start.strftime(fmt), now.strftime(fmt)
failed = 0


def check(name, ok, why=""):
    global failed
    print(("ok - " if ok else "FAIL - ") + name + ("" if ok else ": " + why))
    failed += 0 if ok else 1


def run(*a):
    p = subprocess.run([kql, *a, "--data", data], capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit("FAIL - kql %s: exit %d: %s" % (" ".join(a), p.returncode, p.stderr))
    return json.loads(p.stdout)


def key(alert):
    return json.dumps([alert["title"], alert["entities"], alert["customDetails"], alert["rows"]],
                      sort_keys=True)


bt = run("rule", "backtest", rule, "--from", A, "--to", B, "--format", "json")
runs = bt["backtest"]["runs"]
nc = run("rule", "backtest", rule, "--from", A, "--to", B, "--format", "json", "--no-cache")
check("the backtest with the table cache = with --no-cache (every run streams the file)", nc == bt,
      "first difference at %s" % next((a["at"] for a, b in zip(bt["backtest"]["runs"], nc["backtest"]["runs"])
                                       if a != b), "the totals"))
check("the backtest has one run per hour", len(runs) == hours + 1, "%d runs" % len(runs))
fired = sum(1 for r in runs if r.get("fired"))
check("some runs fired", fired >= 10, "%d fired" % fired)
bad = []
for r in runs:
    ev = run("rule", "eval", rule, "--now", r["at"], "--format", "json")
    if ev["rows"] != r["rows"] or sorted(map(key, ev["alerts"])) != sorted(map(key, r["alerts"])):
        bad.append(r["at"])
check("each step's alerts equal 'kql rule eval' at that instant (%d steps, %d fired)" % (len(runs), fired),
      not bad, "differ at " + ", ".join(bad[:5]))

# a threshold change: triggerThreshold 0 -> 1 removes exactly the runs with one row
text = open(rule).read().replace("triggerThreshold: 0", "triggerThreshold: 1")
new = os.path.join(work, "adfind_threshold1.yaml")
open(new, "w").write(text)
cmp = run("rule", "backtest", rule, "--from", A, "--to", B, "--compare", new, "--format", "json")
want_removed = sorted((r["at"], key(a)) for r in runs if r.get("rows") == 1 for a in r["alerts"])
got_removed = sorted((x["at"], key(x["alert"])) for x in cmp["removed"])
check("threshold 0 -> 1 removes exactly the alerts of one-row runs (%d)" % len(want_removed),
      want_removed == got_removed and want_removed, "want %d, got %d" % (len(want_removed), len(got_removed)))
check("threshold 0 -> 1 adds no alert", cmp["added"] == [], "%d added" % len(cmp["added"]))

# suppression: after each alert, no run for 2h (the two next hourly runs are skipped)
text = open(rule).read().replace("triggerThreshold: 0", "triggerThreshold: 0\nsuppressionEnabled: true\nsuppressionDuration: 2h")
sup = os.path.join(work, "adfind_suppressed.yaml")
open(sup, "w").write(text)
s = run("rule", "backtest", sup, "--from", A, "--to", B, "--format", "json")["backtest"]["runs"]
expect, quiet = [], None
for r in runs:  # from the unsuppressed runs: which would run, which are skipped
    t = datetime.strptime(r["at"], fmt).replace(tzinfo=timezone.utc)
    if quiet and t < quiet:
        expect.append((r["at"], "suppressed"))
        continue
    expect.append((r["at"], len(r["alerts"])))
    if r.get("fired"):
        quiet = t + timedelta(hours=2)
got = [(r["at"], "suppressed" if r.get("suppressed") else len(r["alerts"])) for r in s]
check("suppression 2h skips the runs inside it and raises the rest", got == expect,
      "first difference at %s" % next((g for g, e in zip(got, expect) if g != e), "length"))

print("%d failed" % failed)
sys.exit(1 if failed else 0)
