#!/usr/bin/env python3
"""gen_dne.py: write a large, realistic DeviceNetworkEvents table for benchmarks, from the same
fleet as gen_dpe.py (same --seed and --now: same devices, processes and accounts), so that
joins of process and network events find each other.

Usage:
    python3 bench/gen_dne.py --size 250M --out /tmp/DeviceNetworkEvents.jsonl
    python3 bench/gen_dne.py --rows 1000 | head -1      # stdout when --out is not given

Options:
    --rows N / --size S   as for gen_dpe.py (K/M/G/T are powers of 1024)
    --seed N              the fleet's seed (default 1, as gen_dpe.py)
    --now TIME            as-of instant (default 2026-06-01T00:00:00Z); events fall in the 14
                          days before it
    --out FILE            output file (default: stdout)
    --format F            jsonl (default) or json (one array, one row a line)
    --null-rate P         share of values written as null or left out (default 0.05)
    --quiet               no summary on stderr

Rows: every column of the DeviceNetworkEvents schema, in schema order (checked against
data/schemas/DeviceNetworkEvents.json when it is there); ActionType ConnectionSuccess (mostly),
ConnectionFailed, InboundConnectionAccepted, ListeningConnectionCreated; the initiating process
is one of the fleet's processes (browsers, svchost, Teams, curl, PowerShell...); remote ports
443/80/53/445/3389/5985 and about 0.2% to 4444 or 8443 (the rare ports the benchmark's join
looks for); AdditionalFields a small property bag on a third of the rows.
Python 3 standard library only.
"""

import argparse
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_dpe  # noqa: E402  (the fleet: devices, process catalog, accounts, clock)

TABLE = "DeviceNetworkEvents"
SCHEMA_FILE = os.path.join(HERE, "..", "data", "schemas", TABLE + ".json")
COLUMNS = """Timestamp DeviceId DeviceName ActionType RemoteIP RemotePort RemoteUrl LocalIP
LocalPort Protocol LocalIPType RemoteIPType InitiatingProcessSHA1 InitiatingProcessSHA256
InitiatingProcessMD5 InitiatingProcessFileName InitiatingProcessFileSize
InitiatingProcessVersionInfoCompanyName InitiatingProcessVersionInfoProductName
InitiatingProcessVersionInfoProductVersion InitiatingProcessVersionInfoInternalFileName
InitiatingProcessVersionInfoOriginalFileName InitiatingProcessVersionInfoFileDescription
InitiatingProcessId InitiatingProcessCommandLine InitiatingProcessCreationTime
InitiatingProcessFolderPath InitiatingProcessParentFileName InitiatingProcessParentId
InitiatingProcessParentCreationTime InitiatingProcessAccountDomain InitiatingProcessAccountName
InitiatingProcessAccountSid InitiatingProcessAccountUpn InitiatingProcessAccountObjectId
InitiatingProcessIntegrityLevel InitiatingProcessTokenElevation ReportId AppGuardContainerId
AdditionalFields InitiatingProcessSessionId IsInitiatingProcessRemoteSession
InitiatingProcessRemoteSessionDeviceName InitiatingProcessRemoteSessionIP MachineGroup
SourceSystem TenantId TimeGenerated Type""".split()
NEVER_NULL = {"Timestamp", "DeviceId", "ActionType", "ReportId", "RemotePort"}
kv, enc, DAY_TICKS = gen_dpe.kv, gen_dpe.enc, gen_dpe.DAY_TICKS

# Processes that talk on the network, with how often.
TALKERS = {"chrome.exe": 40, "msedge.exe": 30, "svchost.exe": 25, "ms-teams.exe": 15,
           "OneDrive.exe": 8, "OUTLOOK.EXE": 6, "MsSense.exe": 6, "SenseIR.exe": 3,
           "powershell.exe": 5, "curl.exe": 3, "git.exe": 4, "python.exe": 3, "java.exe": 3,
           "node.exe": 3, "Code.exe": 4, "firefox.exe": 4, "wuauclt.exe": 2, "ccmexec.exe": 2,
           "mstsc.exe": 1}
HOSTS = ["login.microsoftonline.com", "outlook.office365.com", "teams.microsoft.com",
         "graph.microsoft.com", "www.google.com", "github.com", "objects.githubusercontent.com",
         "pypi.org", "registry.npmjs.org", "update.googleapis.com", "winatp-gw-weu.microsoft.com",
         "settings-win.data.microsoft.com", "ctldl.windowsupdate.com", "downloads.contoso.com",
         "intranet.contoso.local", "sharepoint.contoso.com", "cdn.jsdelivr.net", ""]
PORTS = [443] * 60 + [80] * 12 + [53] * 8 + [445] * 5 + [3389] * 2 + [5985] * 2 + [135, 139]


class NetGenerator:
    def __init__(self, seed, now, null_rate):
        self.fleet = gen_dpe.Generator(seed, now, null_rate)     # same fleet as gen_dpe.py
        self.rng = random.Random(seed * 7919 + 17)
        rng = self.rng
        f = self.fleet
        self.start = f.start
        self.talkers = []
        for name, w in TALKERS.items():
            if name in f.procs:
                self.talkers += [f.procs[name]] * w
        self.actions = ([kv("ActionType", '"ConnectionSuccess"')] * 90 +
                        [kv("ActionType", '"ConnectionFailed"')] * 5 +
                        [kv("ActionType", '"InboundConnectionAccepted"')] * 4 +
                        [kv("ActionType", '"ListeningConnectionCreated"')])
        self.protocols = [kv("Protocol", '"Tcp"')] * 9 + [kv("Protocol", '"Udp"')]
        self.addl = [kv("AdditionalFields", "null")] * 2 + [
            kv("AdditionalFields", json.dumps({"direction": d, "Tags": t}, separators=(",", ":")))
            for d in ("In", "Out") for t in (["tls"], ["tls", "http2"], [])]
        self.const_tail = (kv("SourceSystem", '""'), kv("TenantId", enc(gen_dpe.TENANT)), kv("Type", enc(TABLE)))
        nullable = [i for i, c in enumerate(COLUMNS) if c not in NEVER_NULL]
        self.null_frag = ['"%s":null' % c for c in COLUMNS]
        self.masks = []
        for _ in range(4096):
            self.masks.append(tuple((i, rng.random() < 0.5) for i in nullable if rng.random() < null_rate))

    def row(self):
        rng, f = self.rng, self.fleet
        rnd = rng.random
        t = self.start + int(rnd() * 14 * DAY_TICKS)
        dev = f.devices[int(rnd() * len(f.devices))]
        plist = self.talkers[int(rnd() * len(self.talkers))]
        proc = plist[int(rnd() * len(plist))]
        pname = proc.parents[int(rnd() * len(proc.parents))]
        parent = f.procs[pname][0]
        if proc.integ == "sys":
            acct, integ = f.system, f.ip_integ["sys"]
        else:
            acct, integ = f.users[int(rnd() * len(f.users))], f.ip_integ["user"]
        rare = rnd() < 0.002
        port = (4444 if rnd() < 0.5 else 8443) if rare else PORTS[int(rnd() * len(PORTS))]
        host = HOSTS[int(rnd() * len(HOSTS))]
        if port in (445, 3389, 5985, 135, 139) or rnd() < 0.2:
            rip = "10.%d.%d.%d" % (int(rnd() * 40), int(rnd() * 255), 1 + int(rnd() * 253))
            host, rtype = "", "Private"
        else:
            rip = "%d.%d.%d.%d" % (13 + int(rnd() * 180), int(rnd() * 255), int(rnd() * 255), 1 + int(rnd() * 253))
            rtype = "Public"
        iso = f.clock.iso
        pstart = t - int(rnd() * rnd() * 3 * DAY_TICKS) - 1
        gpstart = pstart - int(rnd() * 20 * DAY_TICKS) - 1
        row = [kv("Timestamp", iso(t)), dev[0], dev[1], self.actions[int(rnd() * 100)],
               kv("RemoteIP", enc(rip)), kv("RemotePort", str(port)),
               kv("RemoteUrl", enc(host)),
               kv("LocalIP", '"10.%d.%d.%d"' % (100 + int(rnd() * 20), int(rnd() * 255), 1 + int(rnd() * 253))),
               kv("LocalPort", str(49152 + int(rnd() * 16000))),
               self.protocols[int(rnd() * 10)], kv("LocalIPType", '"Private"'),
               kv("RemoteIPType", enc(rtype))]
        row += proc.ip
        row += [kv("InitiatingProcessId", str(4 * int(rnd() * 16000) + 4)),
                kv("InitiatingProcessCommandLine", proc.cmd_jsons[int(rnd() * len(proc.cmd_jsons))]),
                kv("InitiatingProcessCreationTime", iso(pstart)), proc.ip_folder,
                parent.gp_name, kv("InitiatingProcessParentId", str(4 * int(rnd() * 16000) + 4)),
                kv("InitiatingProcessParentCreationTime", iso(gpstart))]
        row += acct[1]
        row += integ
        row += [kv("ReportId", str(1 + int(rnd() * 4_000_000))), kv("AppGuardContainerId", '""'),
                self.addl[int(rnd() * len(self.addl))],
                kv("InitiatingProcessSessionId", str(int(rnd() * 3))),
                kv("IsInitiatingProcessRemoteSession", "false"),
                kv("InitiatingProcessRemoteSessionDeviceName", '""'),
                kv("InitiatingProcessRemoteSessionIP", '""'), dev[2]]
        row += self.const_tail[:2]
        row += [kv("TimeGenerated", iso(t)), self.const_tail[2]]
        mask = self.masks[int(rnd() * 4096)]
        if mask:
            for i, as_null in mask:
                row[i] = self.null_frag[i] if as_null else ""
            row = [x for x in row if x]
        return "{" + ",".join(row) + "}"


def check_schema():
    try:
        with open(SCHEMA_FILE, encoding="utf-8") as fh:
            cols = list(json.load(fh)[TABLE])
    except (OSError, ValueError, KeyError):
        return
    if cols != COLUMNS:
        print("gen_dne: warning: column list differs from %s" % SCHEMA_FILE, file=sys.stderr)


def main(argv=None):
    ap = argparse.ArgumentParser(description="write a big, realistic DeviceNetworkEvents table")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--rows", type=int, help="number of rows")
    g.add_argument("--size", type=gen_dpe.parse_size, help="target size, e.g. 250M")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--now", type=gen_dpe.parse_instant, default=gen_dpe.parse_instant("2026-06-01T00:00:00Z"))
    ap.add_argument("--out", default="-")
    ap.add_argument("--format", choices=("jsonl", "json"), default="jsonl")
    ap.add_argument("--null-rate", type=float, default=0.05)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    if args.rows is None and args.size is None:
        args.rows = 10000
    check_schema()
    gen = NetGenerator(args.seed, args.now, args.null_rate)
    out = sys.stdout.buffer if args.out == "-" else open(args.out, "wb")
    as_array = args.format == "json"
    limit_rows = args.rows if args.rows is not None else float("inf")
    limit_bytes = args.size if args.size is not None else float("inf")
    written = rows = 0
    if as_array:
        out.write(b"[\n")
        written += 2
    longest = 8192
    try:
        while rows < limit_rows and written < limit_bytes:
            n = min(2000, limit_rows - rows, max(1, (limit_bytes - written) // longest))
            lines = [gen.row() for _ in range(int(n))]
            text = ((",\n" if rows else "") + ",\n".join(lines)) if as_array else "\n".join(lines) + "\n"
            data = text.encode("utf-8")
            longest = max(longest if rows else 0, max(len(x) for x in lines) * 11 // 10 + 16)
            out.write(data)
            written += len(data)
            rows += len(lines)
        if as_array:
            tail = b"\n]\n" if rows else b"]\n"
            out.write(tail)
            written += len(tail)
    finally:
        if out is sys.stdout.buffer:
            out.flush()
        else:
            out.close()
    if not args.quiet:
        print("gen_dne: %d rows, %d bytes" % (rows, written), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
