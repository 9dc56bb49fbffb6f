#!/usr/bin/env python3
"""run.py: the benchmark of issue 6 -- kql against DuckDB on the same generated Defender files.

Usage:
    python3 bench/run.py                       # default: 500M of DeviceProcessEvents, 3 runs
    python3 bench/run.py --size 2.4G --runs 5  # the issue's 1M-row file
    python3 bench/run.py --no-duckdb           # kql only

What it does:
  1. Makes the data (once; kept in --data, default bench/out/data, which git ignores):
     DeviceProcessEvents JSON Lines of --size (gen_dpe.py, with the seed rule's expected
     result), the same table at 100,000 rows (memory must not grow with rows), 240M of it as one
     JSON array and as JSON Lines (the array must read about as fast), and DeviceNetworkEvents
     of --size/4 from the same fleet (gen_dne.py) for the join.
  2. Installs @duckdb/node-api into bench/node_modules with npm (skipped cleanly, with a note,
     when npm or the registry is not there, or with --no-duckdb).
  3. Runs each query of QUERIES with kql and with DuckDB (one thread, and all cores), the
     engines alternating and their order swapped every run, warm page cache; peak RSS from
     /usr/bin/time -v.  kql's seed result is checked against gen_dpe.py --expect.
  4. Prints medians, MB/s, the median of the per-run ratios kql/DuckDB, peak RSS, the start-up
     time of a 10-row query, and writes it all to --data/../results.md and results.json.

Everything is a plain subprocess: a run's wall time includes process start (node's and
DuckDB's load for DuckDB, about 0.1 s; "duckdb ms" is the query alone, inside the process).
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
NOW = "2026-06-01T00:00:00Z"

# DuckDB reads only the columns it is told about, as kql converts only the ones a query uses.
DPE_COLS = {"Timestamp": "TIMESTAMP", "DeviceId": "VARCHAR", "DeviceName": "VARCHAR",
            "ProcessVersionInfoCompanyName": "VARCHAR", "ProcessVersionInfoProductName": "VARCHAR",
            "ReportId": "BIGINT", "FileName": "VARCHAR", "ProcessCommandLine": "VARCHAR",
            "AdditionalFields": "JSON"}
DNE_COLS = {"DeviceId": "VARCHAR", "RemoteIP": "VARCHAR", "RemotePort": "INTEGER"}


def rj(path, cols, fmt="newline_delimited"):
    spec = ", ".join("%s: '%s'" % (c, DPE_COLS.get(c) or DNE_COLS[c]) for c in cols)
    return "read_json('%s', format='%s', columns={%s})" % (path, fmt, spec)


# id, what it shows, the KQL (a file name or text), the SQL (a function of the file paths).
QUERIES = [
    ("seed", "the seed rule: time window, two 'has' terms, summarize with make_set",
     "queries/rmm_TightVNC_createproc.kql",
     lambda f: ("SELECT DeviceId, DeviceName, min(Timestamp) AS FirstSeen, max(Timestamp) AS LastSeen, "
                "list(DISTINCT ReportId) AS Report, count(*) AS Count FROM %s "
                "WHERE Timestamp BETWEEN TIMESTAMP '2026-05-27 00:00:00' AND TIMESTAMP '2026-06-01 00:00:00' "
                "AND regexp_matches(ProcessVersionInfoCompanyName, '(?i)\\bglavsoft\\b') "
                "AND regexp_matches(ProcessVersionInfoProductName, '(?i)\\btightvnc\\b') "
                "GROUP BY DeviceId, DeviceName"
                % rj(f["dpe"], ["Timestamp", "DeviceId", "DeviceName", "ProcessVersionInfoCompanyName",
                                "ProcessVersionInfoProductName", "ReportId"], f.get("fmt", "newline_delimited")))),
    ("count_by", "summarize count() by DeviceName: every row is needed",
     "DeviceProcessEvents | summarize count() by DeviceName",
     lambda f: "SELECT DeviceName, count(*) AS n FROM %s GROUP BY DeviceName"
               % rj(f["dpe"], ["DeviceName"], f.get("fmt", "newline_delimited"))),
    ("window", "a one-hour Timestamp window, then project four columns",
     "DeviceProcessEvents | where Timestamp between (datetime(2026-05-25T00:00:00Z) .. "
     "datetime(2026-05-25T01:00:00Z)) | project Timestamp, DeviceName, FileName, ProcessCommandLine",
     lambda f: "SELECT Timestamp, DeviceName, FileName, ProcessCommandLine FROM %s WHERE Timestamp "
               "BETWEEN TIMESTAMP '2026-05-25 00:00:00' AND TIMESTAMP '2026-05-25 01:00:00'"
               % rj(f["dpe"], ["Timestamp", "DeviceName", "FileName", "ProcessCommandLine"])),
    ("join", "curl.exe process events joined with connections to rare ports, by device",
     "DeviceProcessEvents | where FileName =~ 'curl.exe' | project DeviceId, FileName "
     "| join kind=inner (DeviceNetworkEvents | where RemotePort in (4444, 8443) "
     "| project DeviceId, RemoteIP, RemotePort) on DeviceId "
     "| summarize n = count() by DeviceId, RemotePort",
     lambda f: "WITH p AS (SELECT DeviceId, FileName FROM %s WHERE lower(FileName) = 'curl.exe'), "
               "n AS (SELECT DeviceId, RemoteIP, RemotePort FROM %s WHERE RemotePort IN (4444, 8443)) "
               "SELECT p.DeviceId, n.RemotePort, count(*) AS n FROM p JOIN n ON p.DeviceId = n.DeviceId "
               "GROUP BY p.DeviceId, n.RemotePort"
               % (rj(f["dpe"], ["DeviceId", "FileName"]), rj(f["dne"], ["DeviceId", "RemoteIP", "RemotePort"]))),
    ("mv_expand", "parse_json of a dynamic column, mv-expand of its bag, count by key",
     "DeviceProcessEvents | where FileName == 'powershell.exe' "
     "| extend af = parse_json(tostring(AdditionalFields)) | mv-expand kv = af "
     "| extend k = tostring(bag_keys(kv)[0]) | summarize n = count() by k",
     lambda f: "SELECT k, count(*) AS n FROM (SELECT unnest(json_keys(AdditionalFields)) AS k FROM %s "
               "WHERE FileName = 'powershell.exe') GROUP BY k"
               % rj(f["dpe"], ["FileName", "AdditionalFields"])),
]


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "kernel": platform.release(),
            "load_before": os.getloadavg()[0]}


# ------------------------------------------------------------------------------ data

def make_data(args):
    d = args.data
    os.makedirs(d, exist_ok=True)
    gen = [sys.executable, os.path.join(HERE, "gen_dpe.py"), "--seed", "1", "--now", NOW, "--quiet"]
    gdn = [sys.executable, os.path.join(HERE, "gen_dne.py"), "--seed", "1", "--now", NOW, "--quiet"]
    files = {
        "dpe": (os.path.join(d, "dpe_%s.jsonl" % args.size), gen + ["--size", args.size, "--expect",
                os.path.join(d, "dpe_%s.expect.json" % args.size)]),
        "dpe100k": (os.path.join(d, "dpe_100k.jsonl"), gen + ["--rows", "100000"]),
        "arr": (os.path.join(d, "dpe_%s.json" % args.array_size), gen + ["--size", args.array_size, "--format", "json"]),
        "arrl": (os.path.join(d, "dpe_%s.jsonl" % args.array_size), gen + ["--size", args.array_size]),
        "dne": (os.path.join(d, "dne_%s.jsonl" % args.dne_size), gdn + ["--size", args.dne_size]),
    }
    out = {}
    for key, (path, cmd) in files.items():
        if not os.path.exists(path):
            log("bench: writing %s" % path)
            sh(cmd + ["--out", path + ".tmp"])
            os.replace(path + ".tmp", path)
        out[key] = path
    out["expect"] = os.path.join(d, "dpe_%s.expect.json" % args.size)
    return out


def setup_duckdb(args):
    if args.no_duckdb:
        return "not run (--no-duckdb)"
    if os.path.isdir(os.path.join(HERE, "node_modules", "@duckdb", "node-api")):
        return None
    if not shutil.which("node") or not shutil.which("npm"):
        return "not run: node or npm is missing"
    log("bench: npm install @duckdb/node-api into bench/node_modules")
    r = subprocess.run(["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", HERE,
                        "@duckdb/node-api@" + args.duckdb_version], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=600)
    if r.returncode != 0 or not os.path.isdir(os.path.join(HERE, "node_modules", "@duckdb", "node-api")):
        return "not run: npm install @duckdb/node-api failed: %s" % r.stdout.strip().splitlines()[-1:]
    return None


# ------------------------------------------------------------------------------ runs

def timed(cmd, env=None):
    """Run 'cmd' under /usr/bin/time -v: (wall seconds, peak RSS in MB, stdout); the CPU time
    (user + system) of the last run is in timed.cpu."""
    t0 = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, cwd=ROOT)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(cmd[:3]), r.stderr.decode()[-800:]))
    err = r.stderr.decode()
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    u = re.search(r"User time \(seconds\): ([\d.]+)", err)
    sy = re.search(r"System time \(seconds\): ([\d.]+)", err)
    timed.cpu = (float(u.group(1)) if u else 0.0) + (float(sy.group(1)) if sy else 0.0)
    return wall, (int(m.group(1)) / 1024 if m else float("nan")), r.stdout


def kql_cmd(args, query, files, dpe=None):
    cmd = [args.kql, "run"]
    cmd += [query] if query.endswith(".kql") else ["-e", query]
    cmd += ["--table", "DeviceProcessEvents=" + (dpe or files["dpe"]),
            "--table", "DeviceNetworkEvents=" + files["dne"], "--now", NOW, "--format", "json"]
    return cmd


def duck_cmd(threads, sql):
    return ["node", os.path.join(HERE, "duck.mjs"), str(threads), sql]


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def bench_query(args, name, kql, sql, size, duck_ok, dpe=None):
    """Alternate kql and DuckDB 'args.runs' times; return the figures of one table line."""
    return bench_variants(args, [(name, kql, sql, size, dpe)], duck_ok)[0]


def bench_variants(args, variants, duck_ok):
    """Alternate kql and DuckDB over several variants (name, kql, sql, size, dpe) of a query in
    one loop, 'args.runs' times, the order reversed every other run, so that a change of load
    falls on all of them alike (the JSON array against its JSON Lines twin); return one table
    line per variant.  A line after the first also gets 'ratio_first': the median of the per-run
    ratios of its kql time to the first variant's."""
    engines = []
    for i, (name, kql, sql, size, dpe) in enumerate(variants):
        engines.append((i, "kql", kql_cmd(args, kql, args.files, dpe)))
        if duck_ok and sql:
            engines += [(i, "duck1", duck_cmd(1, sql)), (i, "duck", duck_cmd(os.cpu_count() or 1, sql))]
    res = {(i, e): {"wall": [], "rss": [], "ms": [], "cpu": []} for i, e, _ in engines}
    for run in range(args.runs):
        order = engines if run % 2 == 0 else engines[::-1]
        for i, e, cmd in order:
            wall, rss, out = timed(cmd)
            r = res[(i, e)]
            r["wall"].append(wall)
            r["rss"].append(rss)
            r["cpu"].append(timed.cpu)
            if e.startswith("duck"):
                r["ms"].append(json.loads(out.decode().strip().splitlines()[-1])["ms"])
            elif variants[i][0] == "seed" and variants[i][4] is None:
                check_seed(out, args.files["expect"])
    lines = []
    for i, (name, kql, sql, size, dpe) in enumerate(variants):
        line = {"query": name, "MB": size / 1e6}
        for (j, e), r in res.items():
            if j != i:
                continue
            line[e] = med(r["wall"])
            line[e + "_rss"] = max(r["rss"])
            line[e + "_cpu"] = med(r["cpu"])
            if r["ms"]:
                line[e + "_ms"] = med(r["ms"])
        for e in ("duck1", "duck"):
            if (i, e) in res:
                line["ratio_" + e] = med([k / d for k, d in zip(res[(i, "kql")]["wall"], res[(i, e)]["wall"])])
        if i > 0:
            line["ratio_first"] = med([k / f for k, f in zip(res[(i, "kql")]["wall"], res[(0, "kql")]["wall"])])
            line["ratio_first_cpu"] = med([k / f for k, f in zip(res[(i, "kql")]["cpu"], res[(0, "kql")]["cpu"])
                                           if f > 0])
        log("  %-10s kql %.2fs %s" % (name, line["kql"], " ".join(
            "%s %.2fs" % (e, line[e]) for e in ("duck1", "duck") if e in line)))
        lines.append(line)
    return lines


def check_seed(out, expect_path):
    got = json.loads(out.decode() or "[]")
    with open(expect_path) as fh:
        want = json.load(fh)
    if got != want:
        raise RuntimeError("kql's seed result differs from %s" % expect_path)


def startup(args, duck_ok):
    """Start-up plus a 10-row query on the shipped sample (data/) and on the big file."""
    out = {}
    q = "DeviceProcessEvents | take 10"
    for label, cmd in (("kql_sample", [args.kql, "run", "-e", q, "--format", "json"]),
                       ("kql_big", kql_cmd(args, q, args.files))):
        out[label] = med([timed(cmd)[0] for _ in range(max(10, args.runs))]) * 1000
    if duck_ok:
        sql = "SELECT * FROM read_json_auto('%s') LIMIT 10" % os.path.join(ROOT, "data", "DeviceProcessEvents.json")
        out["duck_sample"] = med([timed(duck_cmd(os.cpu_count() or 1, sql))[0] for _ in range(max(10, args.runs))]) * 1000
    return out


# ------------------------------------------------------------------------------ report

def fmt_table(lines, duck_ok):
    head = ["query", "kql s", "kql MB/s", "kql CPU s", "kql RSS MB"]
    if duck_ok:
        head += ["DuckDB 1 thr s", "kql/DuckDB 1 thr", "DuckDB 1 thr CPU s", "DuckDB %d thr s" % (os.cpu_count() or 1),
                 "kql/DuckDB", "DuckDB RSS MB"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for ln in lines:
        r = [ln["query"], "%.2f" % ln["kql"], "%.0f" % (ln["MB"] / ln["kql"]), "%.2f" % ln["kql_cpu"],
             "%.1f" % ln["kql_rss"]]
        if duck_ok:
            if "duck" in ln:
                r += ["%.2f" % ln["duck1"], "%.2f" % ln["ratio_duck1"], "%.2f" % ln["duck1_cpu"],
                      "%.2f" % ln["duck"], "%.2f" % ln["ratio_duck"],
                      "%.0f" % max(ln["duck1_rss"], ln["duck_rss"])]
            else:
                r += ["-"] * 6
        rows.append("| " + " | ".join(r) + " |")
    return "\n".join(rows)


def main():
    ap = argparse.ArgumentParser(description="kql against DuckDB on generated Defender tables")
    ap.add_argument("--size", default="500M", help="DeviceProcessEvents JSON Lines size (2.4G: 1M rows)")
    ap.add_argument("--array-size", default="240M", help="size of the JSON array (and JSONL twin)")
    ap.add_argument("--dne-size", default=None, help="DeviceNetworkEvents size (default --size/4)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--data", default=os.path.join(HERE, "out", "data"))
    ap.add_argument("--kql", default=os.path.join(ROOT, "build", "kql"))
    ap.add_argument("--no-duckdb", action="store_true")
    ap.add_argument("--duckdb-version", default="1.5.6-r.1", help="@duckdb/node-api version to install")
    ap.add_argument("--only", help="comma-separated query ids")
    ap.add_argument("--no-extras", action="store_true",
                    help="skip the 240M array/JSONL pair, the 100k-row file and the start-up runs")
    args = ap.parse_args()
    if args.dne_size is None:
        m = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT]?)", args.size, re.I)
        args.dne_size = ("%g%s" % (float(m.group(1)) / 4, m.group(2))) if m else "100M"
    if not os.access(args.kql, os.X_OK):
        sys.exit("bench: %s is not built (ninja -C build)" % args.kql)

    info = machine()
    args.files = make_data(args)
    note = setup_duckdb(args)
    duck_ok = note is None
    if note:
        log("bench: DuckDB %s" % note)
    size = os.path.getsize(args.files["dpe"])
    only = set(args.only.split(",")) if args.only else None

    log("bench: %s, %d cores, %s (load %.1f)" % (info["cpu"], info["nproc"], os.path.basename(args.files["dpe"]), info["load_before"]))
    lines = []
    for name, _, kql, sql in QUERIES:
        if only and name not in only:
            continue
        sz = size + (os.path.getsize(args.files["dne"]) if name == "join" else 0)
        lines.append(bench_query(args, name, kql, sql(args.files), sz, duck_ok))
    # the JSON array against its JSON Lines twin, and memory at 100k rows
    extra = []
    for q in (() if args.no_extras else (QUERIES[0], QUERIES[1])):
        variants = []
        for label, key, fmt in (("JSONL", "arrl", "newline_delimited"), ("array", "arr", "array")):
            f = dict(args.files, dpe=args.files[key], fmt=fmt)
            variants.append(("%s 240M %s" % (q[0], label), q[2], q[3](f), os.path.getsize(args.files[key]),
                             args.files[key]))
        extra += bench_variants(args, variants, duck_ok)
    small = None if args.no_extras else bench_query(
        args, "seed 100k rows", QUERIES[0][2], None, os.path.getsize(args.files["dpe100k"]), False,
        dpe=args.files["dpe100k"])
    st = None if args.no_extras else startup(args, duck_ok)
    info["load_after"] = os.getloadavg()[0]

    report = []
    report.append("Machine: %s, %d cores (nproc), Linux %s; load average %.1f before, %.1f after." %
                  (info["cpu"], info["nproc"], info["kernel"], info["load_before"], info["load_after"]))
    report.append("Data: %s (%.0f MB), DeviceNetworkEvents %.0f MB; medians of %d alternating runs, warm cache. "
                  "Wall times suffer from other load on the machine; CPU times (user + system) much less."
                  % (os.path.basename(args.files["dpe"]), size / 1e6, os.path.getsize(args.files["dne"]) / 1e6, args.runs))
    if note:
        report.append("DuckDB: " + note)
    report.append("")
    report.append(fmt_table(lines + extra, duck_ok))
    report.append("")
    for ln in extra:
        if "ratio_first" in ln:
            report.append("%s against its JSON Lines twin, runs alternating: kql time %.2fx (median of the "
                          "per-run ratios), CPU %.2fx, peak RSS %.1f MB against %.1f MB."
                          % (ln["query"], ln["ratio_first"], ln["ratio_first_cpu"], ln["kql_rss"],
                             next(x["kql_rss"] for x in extra if x["query"] == ln["query"].replace("array", "JSONL"))))
    if small:
        report.append("Peak RSS of kql on the seed: %.1f MB at 100k rows, %.1f MB on %s."
                      % (small["kql_rss"], lines[0]["kql_rss"] if lines and lines[0]["query"] == "seed" else float("nan"),
                         os.path.basename(args.files["dpe"])))
    if st:
        report.append("Start-up plus a 10-row query (whole process): kql %.1f ms on the shipped sample "
                      "(data/DeviceProcessEvents.json), %.1f ms on the big file (10 rows, all columns)%s." % (st["kql_sample"], st["kql_big"],
                                       ("; DuckDB (node process, read_json_auto) %.0f ms on the sample" % st["duck_sample"])
                                       if "duck_sample" in st else ""))
    text = "\n".join(report)
    print(text)
    outdir = os.path.dirname(os.path.abspath(args.data))
    with open(os.path.join(outdir, "results.md"), "w") as fh:
        fh.write(text + "\n")
    with open(os.path.join(outdir, "results.json"), "w") as fh:
        json.dump({"machine": info, "lines": lines + extra, "small": small, "startup": st, "note": note}, fh, indent=1)


if __name__ == "__main__":
    main()
