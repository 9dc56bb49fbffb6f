#!/usr/bin/env python3
"""Write the shipped sample tables in data/.

Writes, into --out (default: ../data next to this script):
    DeviceProcessEvents.json   ~60 rows: the TightVNC rows the seed rule is about, its decoys,
                               and ordinary process creations (powershell, cmd, svchost, ...)
    DeviceNetworkEvents.json   ~30 rows on the same devices (tvnserver.exe listening/accepting)
    DeviceLogonEvents.json     ~20 rows on the same devices
    now.txt                    the as-of instant of the sample, 2026-06-01T00:00:00Z

Each table is a JSON array with one row object per line, keys in the order of the table's
schema (data/schemas/<Table>.json, which must exist: run tools/gen_schemas.py first).
Datetimes are ISO-8601 UTC strings with 7 fraction digits.

The rows the seed rule (queries/rmm_TightVNC_createproc.kql) depends on are written out by
hand below (TIGHTVNC_ROWS), in the order they appear in the file; everything else is filler
drawn from random.Random(--seed), so the output is the same on every run. data/README.md gives
the seed rule's expected result, worked out from TIGHTVNC_ROWS: change those rows and that
table must be redone.

Usage:
    python3 tools/gen_sample.py [--out DIR] [--seed N]

Python 3 standard library only.
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "data"))
DEFAULT_SEED = 20260601

NOW_TEXT = "2026-06-01T00:00:00Z"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
TICKS_PER_SEC = 10_000_000

MISSING = object()   # a value that leaves the key out of the row altogether


# --------------------------------------------------------------------------- time helpers

def ticks(text):
    """'2026-05-28T09:14:02.3317750Z' -> 100 ns ticks since 1970 (exact, no float)."""
    assert text.endswith("Z"), text
    body = text[:-1]
    frac = "0"
    if "." in body:
        body, frac = body.split(".")
    assert len(frac) <= 7
    whole = dt.datetime.strptime(body, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.timezone.utc)
    secs = (whole - EPOCH) // dt.timedelta(seconds=1)
    return secs * TICKS_PER_SEC + int(frac.ljust(7, "0"))


def iso7(t):
    """100 ns ticks since 1970 -> ISO-8601 UTC with exactly 7 fraction digits."""
    secs, frac = divmod(t, TICKS_PER_SEC)
    whole = EPOCH + dt.timedelta(seconds=secs)
    return whole.strftime("%Y-%m-%dT%H:%M:%S") + ".%07dZ" % frac


NOW = ticks(NOW_TEXT)
DAY = 86400 * TICKS_PER_SEC


# --------------------------------------------------------------------------- devices

# key: (DeviceId, DeviceName, primary user, local IP). Device B changes its reported name from
# the short host name to the FQDN after it joined the domain, so one DeviceId has two names.
DEVICES = {
    "A":  ("c5a1e07d93b4f2e8a6d0c71b58e94f3a2d6b8e10", "ws-fin-014.contoso.local", "m.keller", "10.20.4.31"),
    "B":  ("7f3e9b2a1c8d4e6f0a5b9c2d7e1f4a8b3c6d9e02", "lt-hr-007", "a.novak", "10.20.6.52"),
    "B2": ("7f3e9b2a1c8d4e6f0a5b9c2d7e1f4a8b3c6d9e02", "lt-hr-007.contoso.local", "a.novak", "10.20.6.52"),
    "C":  ("e2b8d4f6a0c1e3b5d7f9a2c4e6b8d0f1a3c5e7b9", "srv-jump-01.contoso.local", "it.admin", "10.20.1.10"),
    "D":  ("1a9f7c5e3b2d8f6a4c0e9b7d5f3a1c8e6b4d2f07", "ws-mkt-022.contoso.local", "l.moreau", "10.20.5.118"),
    "E":  ("b40e6c2a8f1d3b5e7c9a0f2d4b6e8c1a3f5d7b93", "ws-eng-105.contoso.local", "r.singh", "10.20.7.64"),
    "F":  ("58d2f0b4e6a8c1d3f5b7e9a0c2e4d6f8b1a3c5e2", "dc-01.contoso.local", "svc-backup", "10.20.0.5"),
}
for _dev in DEVICES.values():
    assert len(_dev[0]) == 40 and all(c in "0123456789abcdef" for c in _dev[0]), _dev


def fake_sha256(*parts):
    """A stable stand-in hash (not the real file's)."""
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- process rows

TVN_DIR = "C:\\Program Files\\TightVNC\\"
TVN_SERVER = TVN_DIR + "tvnserver.exe"
TVN_VIEWER = TVN_DIR + "tvnviewer.exe"
SERVICES = ("services.exe", "C:\\Windows\\system32\\services.exe")
EXPLORER = ("explorer.exe", "C:\\Windows\\Explorer.EXE")
MSIEXEC = ("msiexec.exe", "C:\\Windows\\system32\\msiexec.exe /V")
SYSTEM = ("nt authority", "system")

# The rows the seed rule is about, in file order. Fields:
#   device, Timestamp, FolderPath, company, product, version, description, command line,
#   (AccountDomain, AccountName) or None for the device's user, (parent file, parent cmd),
#   ReportId, note.
# company/product may be None (JSON null) or MISSING (key left out).
# "escape" in the note: the company is written with a \u0053 escape in the file.
TIGHTVNC_ROWS = [
    ("A", "2026-05-31T08:02:47.5500031Z", TVN_SERVER, "GlavSoft LLC.", "TightVNC", "2.8.81.0",
     "TightVNC Server", '"C:\\Program Files\\TightVNC\\tvnserver.exe" -service', SYSTEM, SERVICES,
     10298, "match A"),
    ("B", "2026-05-26T23:59:59.9999999Z", TVN_SERVER, "GlavSoft LLC.", "TightVNC", "2.8.81.0",
     "TightVNC Server", '"C:\\Program Files\\TightVNC\\tvnserver.exe" -service', SYSTEM, SERVICES,
     5511, "100 ns before now-5d: out"),
    ("D", "2026-05-29T10:11:12.1314151Z", "C:\\Users\\l.moreau\\Downloads\\AnyDesk.exe",
     "philandro Software GmbH", "AnyDesk", "8.0.9.0", "AnyDesk",
     '"C:\\Users\\l.moreau\\Downloads\\AnyDesk.exe"', None, EXPLORER, 3301, "AnyDesk: out"),
    ("A", "2026-05-28T09:14:05.9120044Z", TVN_SERVER, "GlavSoft LLC.", "TightVNC", "2.8.81.0",
     "TightVNC Server", '"C:\\Program Files\\TightVNC\\tvnserver.exe" -controlservice -reload',
     SYSTEM, MSIEXEC, 10244, "match A"),
    ("E", "2026-05-30T11:05:33.4000000Z", TVN_SERVER, MISSING, "TightVNC", "2.8.81.0",
     "TightVNC Server", '"C:\\Program Files\\TightVNC\\tvnserver.exe" -run', None, EXPLORER,
     8801, "company key missing: out"),
    ("C", "2026-05-30T22:47:19.8765432Z", TVN_SERVER, "GlavSoft LLC.", "TightVNC", "2.8.81.0",
     "TightVNC Server", '"C:\\Program Files\\TightVNC\\tvnserver.exe" -service', SYSTEM, SERVICES,
     77002, "match C; escape"),
    ("B2", "2026-06-01T00:00:00.0000000Z", TVN_VIEWER, "GlavSoft LLC.", "TightVNC Viewer",
     "2.8.81.0", "TightVNC Viewer", '"C:\\Program Files\\TightVNC\\tvnviewer.exe" 10.20.1.10::5900',
     None, EXPLORER, 5640, "exactly now: match B2"),
    ("A", "2026-05-20T14:30:00.0000000Z", TVN_SERVER, "GlavSoft LLC.", "TightVNC", "2.8.81.0",
     "TightVNC Server", '"C:\\Program Files\\TightVNC\\tvnserver.exe" -service', SYSTEM, SERVICES,
     9950, "older than 5 days: out"),
    ("E", "2026-05-29T09:00:01.0000001Z", "C:\\Program Files\\RealVNC\\VNC Viewer\\vncviewer.exe",
     "RealVNC Ltd", "TightVNC Viewer", "7.10.0", "VNC Viewer",
     '"C:\\Program Files\\RealVNC\\VNC Viewer\\vncviewer.exe" 10.20.1.10', None, EXPLORER,
     8790, "TightVNC Viewer by another company: out"),
    ("A", "2026-05-29T16:40:11.0045120Z", TVN_VIEWER, "GlavSoft LLC.", "TightVNC Viewer",
     "2.8.81.0", "TightVNC Viewer", '"C:\\Program Files\\TightVNC\\tvnviewer.exe" -optionsfile=C:\\Users\\m.keller\\fin.vnc',
     None, EXPLORER, 10231, "match A; ReportId repeats"),
    ("E", "2026-05-28T13:13:13.1313131Z",
     "C:\\Program Files (x86)\\ScreenConnect Client (4b3f0c2e9a1d7e55)\\ScreenConnect.ClientService.exe",
     "ConnectWise, LLC", "ScreenConnect", "24.1.7.8892", "ScreenConnect Client Service",
     '"C:\\Program Files (x86)\\ScreenConnect Client (4b3f0c2e9a1d7e55)\\ScreenConnect.ClientService.exe" "?e=Access&y=Guest&h=relay.example-support.net&p=8041"',
     SYSTEM, SERVICES, 8702, "ScreenConnect: out"),
    ("A", "2026-05-30T07:45:00.2500000Z", TVN_SERVER, "GlavSoft LLC.", "TightVNCServer",
     "2.8.81.0", "TightVNC Server", '"C:\\Program Files\\TightVNC\\tvnserver.exe" -service',
     SYSTEM, SERVICES, 10277, "product TightVNCServer is not the term TightVNC: out"),
    ("B", "2026-05-27T00:00:00.0000000Z", TVN_SERVER, "GlavSoft LLC.", "TightVNC", "2.8.81.0",
     "TightVNC Server", '"C:\\Program Files\\TightVNC\\tvnserver.exe" -service', SYSTEM, SERVICES,
     5512, "exactly now-5d: match B"),
    ("D", "2026-05-30T18:20:45.6000000Z", "C:\\Program Files\\TeamViewer\\TeamViewer.exe",
     "TeamViewer Germany GmbH", "TeamViewer", "15.53.6.0", "TeamViewer",
     '"C:\\Program Files\\TeamViewer\\TeamViewer.exe"', None, EXPLORER, 3342, "TeamViewer: out"),
    ("E", "2026-05-31T15:16:17.1800000Z", TVN_SERVER, "GlavSoftware Ltd", "TightVNC", "2.8.81.0",
     "TightVNC Server", '"C:\\Program Files\\TightVNC\\tvnserver.exe" -run', None, EXPLORER,
     8833, "company GlavSoftware is not the term GlavSoft: out"),
    ("C", "2026-05-30T22:47:18.0312500Z", TVN_SERVER, "Glavsoft LLC.", "TightVNC", "2.8.81.0",
     "TightVNC Server", '"C:\\Program Files\\TightVNC\\tvnserver.exe" -install -silent', SYSTEM,
     MSIEXEC, 77001, "match C (other letter case)"),
    ("B2", "2026-05-30T13:22:08.1000000Z", TVN_SERVER, "GlavSoft LLC.", "TightVNC", "2.8.81.0",
     "TightVNC Server", '"C:\\Program Files\\TightVNC\\tvnserver.exe" -service', SYSTEM, SERVICES,
     5603, "match B2"),
    ("B2", "2026-06-01T00:00:00.0000001Z", TVN_SERVER, "GlavSoft LLC.", "TightVNC", "2.8.81.0",
     "TightVNC Server", '"C:\\Program Files\\TightVNC\\tvnserver.exe" -service', SYSTEM, SERVICES,
     5641, "100 ns after now: out"),
    ("A", "2026-05-28T09:14:02.3317750Z", TVN_SERVER, "GlavSoft LLC.", "TightVNC", "2.8.81.0",
     "TightVNC Server", '"C:\\Program Files\\TightVNC\\tvnserver.exe" -install -silent', SYSTEM,
     MSIEXEC, 10231, "match A; ReportId repeats"),
    ("C", "2026-05-12T03:03:03.0303030Z", TVN_SERVER, "GlavSoft LLC.", "TightVNC", "2.8.81.0",
     "TightVNC Server", '"C:\\Program Files\\TightVNC\\tvnserver.exe" -service', SYSTEM, SERVICES,
     76500, "older than 5 days: out"),
    ("E", "2026-05-29T20:00:00.0000000Z", TVN_SERVER, None, "TightVNC", "2.8.81.0",
     "TightVNC Server", '"C:\\Program Files\\TightVNC\\tvnserver.exe" -run', None, EXPLORER,
     8815, "company null: out"),
    ("C", "2026-05-31T01:02:03.0405060Z", "C:\\Program Files\\Remote Ripple\\RemoteRipple.exe",
     "GlavSoft LLC.", "Remote Ripple", "1.2.0.0", "Remote Ripple",
     '"C:\\Program Files\\Remote Ripple\\RemoteRipple.exe"', None, EXPLORER, 77010,
     "GlavSoft but not TightVNC: out"),
    ("D", "2026-05-28T07:07:07.0707070Z", "C:\\Users\\l.moreau\\Downloads\\tvnviewer.exe",
     "GlavSoft LLC.", MISSING, "2.8.81.0", "TightVNC Viewer",
     '"C:\\Users\\l.moreau\\Downloads\\tvnviewer.exe"', None, EXPLORER, 3290,
     "product key missing: out"),
    ("E", "2026-05-30T04:04:04.0404040Z", "C:\\Program Files\\uvnc bvba\\UltraVNC\\winvnc.exe",
     "uvnc bvba", "UltraVNC", "1.4.3.6", "UltraVNC Server",
     '"C:\\Program Files\\uvnc bvba\\UltraVNC\\winvnc.exe" -service', SYSTEM, SERVICES, 8820,
     "UltraVNC: out"),
    ("F", "2026-05-29T11:30:00.5000000Z", "C:\\Users\\svc-backup\\AppData\\Local\\Microsoft\\WindowsApps\\winget.exe",
     "Microsoft Corporation", "Windows Package Manager", "1.8.1911.0", "Windows Package Manager",
     "winget install --id GlavSoft.TightVNC --silent", None,
     ("powershell.exe", '"C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"'),
     4410, "TightVNC only in the command line: out"),
]

# Ordinary processes for the filler rows:
# (FileName, FolderPath, company, product, version, description, [command lines], parent, system?)
WIN = ("Microsoft Corporation", "Microsoft\u00ae Windows\u00ae Operating System")
ORDINARY = [
    ("powershell.exe", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", WIN,
     "10.0.22621.3085", "Windows PowerShell",
     ['"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -NoProfile -ExecutionPolicy Bypass -File C:\\ProgramData\\Scripts\\inventory.ps1',
      'powershell.exe -Command "Get-Service | Where-Object Status -eq Running | Export-Csv C:\\Temp\\svc.csv"',
      '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"'],
     EXPLORER, False),
    ("cmd.exe", "C:\\Windows\\System32\\cmd.exe", WIN, "10.0.22621.2506",
     "Windows Command Processor",
     ['"C:\\Windows\\system32\\cmd.exe" /c ipconfig /all', 'cmd.exe /c "net use Z: \\\\fs01\\share"',
      '"C:\\Windows\\system32\\cmd.exe"'],
     EXPLORER, False),
    ("svchost.exe", "C:\\Windows\\System32\\svchost.exe", WIN, "10.0.22621.2506",
     "Host Process for Windows Services",
     ["C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule",
      "C:\\Windows\\System32\\svchost.exe -k LocalServiceNetworkRestricted -p -s EventLog",
      "C:\\Windows\\system32\\svchost.exe -k wusvcs -p -s WaaSMedicSvc"],
     SERVICES, True),
    ("chrome.exe", "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
     ("Google LLC", "Google Chrome"), "125.0.6422.142", "Google Chrome",
     ['"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe"',
      '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" --type=renderer --lang=en-US --renderer-client-id=7'],
     EXPLORER, False),
    ("msedge.exe", "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe",
     ("Microsoft Corporation", "Microsoft Edge"), "125.0.2535.79", "Microsoft Edge",
     ['"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe" --single-argument https://portal.contoso.local/'],
     EXPLORER, False),
    ("conhost.exe", "C:\\Windows\\System32\\conhost.exe", WIN, "10.0.22621.1",
     "Console Window Host", ["\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1"],
     ("cmd.exe", '"C:\\Windows\\system32\\cmd.exe"'), False),
    ("WINWORD.EXE", "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
     ("Microsoft Corporation", "Microsoft Office"), "16.0.17628.20110", "Microsoft Word",
     ['"C:\\Program Files\\Microsoft Office\\Root\\Office16\\WINWORD.EXE" /n "C:\\Users\\Public\\Documents\\Q2 forecast.docx"'],
     EXPLORER, False),
    ("taskhostw.exe", "C:\\Windows\\System32\\taskhostw.exe", WIN, "10.0.22621.2506",
     "Host Process for Windows Tasks", ["taskhostw.exe Install $(Arg0)"],
     ("svchost.exe", "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule"), True),
    ("git.exe", "C:\\Program Files\\Git\\cmd\\git.exe",
     ("The Git Development Community", "Git"), "2.45.1.1", "Git for Windows",
     ['"C:\\Program Files\\Git\\cmd\\git.exe" fetch --all --prune'],
     ("powershell.exe", '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"'), False),
    ("notepad.exe", "C:\\Windows\\System32\\notepad.exe", WIN, "10.0.22621.3085", "Notepad",
     ['"C:\\Windows\\system32\\NOTEPAD.EXE" C:\\Temp\\notes.txt'], EXPLORER, False),
    ("MpCmdRun.exe", "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24040.4-0\\MpCmdRun.exe",
     ("Microsoft Corporation", "Microsoft\u00ae Windows\u00ae Operating System"), "4.18.24040.4",
     "Microsoft Malware Protection Command Line Utility",
     ['"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24040.4-0\\MpCmdRun.exe" -wdenable'],
     ("MsMpEng.exe", '"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24040.4-0\\MsMpEng.exe"'), True),
    ("python.exe", "C:\\Program Files\\Python312\\python.exe",
     ("Python Software Foundation", "Python"), "3.12.3", "Python",
     ['python.exe -m pip install --upgrade requests', 'python.exe build_report.py --month 2026-05'],
     ("cmd.exe", '"C:\\Windows\\system32\\cmd.exe"'), False),
    ("ms-teams.exe", "C:\\Program Files\\WindowsApps\\MSTeams_24124.2315.2911.3357_x64__8wekyb3d8bbwe\\ms-teams.exe",
     ("Microsoft Corporation", "Microsoft Teams"), "24124.2315.2911.3357", "Microsoft Teams",
     ['"C:\\Program Files\\WindowsApps\\MSTeams_24124.2315.2911.3357_x64__8wekyb3d8bbwe\\ms-teams.exe" msteams:system-initiated'],
     EXPLORER, False),
]
N_FILLER = 36


def process_row(cols, dev_key, when, folder, company, product, version, desc, cmd, account,
                parent, report, pid):
    dev_id, dev_name, user, _ = DEVICES[dev_key]
    domain, name = account if account else ("contoso", user)
    row = {
        "Timestamp": iso7(ticks(when)) if isinstance(when, str) else iso7(when),
        "DeviceId": dev_id,
        "DeviceName": dev_name,
        "ActionType": "ProcessCreated",
        "FileName": folder.rsplit("\\", 1)[-1],
        "FolderPath": folder,
        "SHA256": fake_sha256(folder.rsplit("\\", 1)[-1].lower(), version),
        "ProcessVersionInfoCompanyName": company,
        "ProcessVersionInfoProductName": product,
        "ProcessVersionInfoProductVersion": version,
        "ProcessVersionInfoFileDescription": desc,
        "ProcessId": pid,
        "ProcessCommandLine": cmd,
        "AccountDomain": domain,
        "AccountName": name,
        "InitiatingProcessFileName": parent[0],
        "InitiatingProcessCommandLine": parent[1],
        "ReportId": report,
    }
    row["TimeGenerated"] = row["Timestamp"]
    return ordered(row, cols)


def ordered(row, cols):
    """Keys in schema order; MISSING values dropped; unknown keys are a bug."""
    unknown = [k for k in row if k not in cols]
    if unknown:
        raise SystemExit("gen_sample: not in the schema: %s" % unknown)
    return {k: row[k] for k in cols if k in row and row[k] is not MISSING}


def pid(rng):
    return rng.randrange(400, 30000) // 4 * 4      # Windows process ids are multiples of 4


def process_events(rng, cols):
    special = []
    escaped = []
    for (dev, when, folder, company, product, version, desc, cmd, account, parent, report,
         note) in TIGHTVNC_ROWS:
        special.append(process_row(cols, dev, when, folder, company, product, version, desc, cmd,
                                   account, parent, report, pid(rng)))
        escaped.append("escape" in note)

    filler = []
    keys = ["A", "B", "B2", "C", "D", "E", "F"]
    start = NOW - 14 * DAY
    for _ in range(N_FILLER):
        dev = rng.choice(keys)
        (fname, folder, (company, product), version, desc, cmds, parent,
         as_system) = rng.choice(ORDINARY)
        when = rng.randrange(start, NOW)
        account = SYSTEM if as_system else None
        filler.append(process_row(cols, dev, when, folder, company, product, version, desc,
                                  rng.choice(cmds), account, parent, rng.randrange(1000, 99999),
                                  pid(rng)))
    filler.sort(key=lambda r: r["Timestamp"])     # mostly time-ordered background

    # Spread the hand-written rows through the filler, keeping their own order.
    slots = sorted(rng.sample(range(len(filler) + len(special)), len(special)))
    rows, flags = [], []
    si = fi = 0
    for i in range(len(filler) + len(special)):
        if si < len(special) and slots[si] == i:
            rows.append(special[si])
            flags.append(escaped[si])
            si += 1
        else:
            rows.append(filler[fi])
            flags.append(False)
            fi += 1
    return rows, flags


# --------------------------------------------------------------------------- network rows

def network_events(rng, cols):
    dev_ip = {k: v[3] for k, v in DEVICES.items()}
    tvn = ("tvnserver.exe", '"C:\\Program Files\\TightVNC\\tvnserver.exe" -service', "system")
    viewer = ("tvnviewer.exe", '"C:\\Program Files\\TightVNC\\tvnviewer.exe" 10.20.1.10::5900', None)
    # (device, Timestamp, ActionType, RemoteIP, RemotePort, RemoteUrl, LocalPort, process, ReportId)
    fixed = [
        ("A", "2026-05-28T09:14:06.1000000Z", "ListeningConnectionCreated", MISSING, MISSING, "", 5900, tvn, 20411),
        ("A", "2026-05-29T16:41:02.7300000Z", "InboundConnectionAccepted", "10.20.1.10", 50233, "", 5900, tvn, 20468),
        ("A", "2026-05-31T08:03:15.0000000Z", "InboundConnectionAccepted", "185.220.101.34", 44120, "", 5900, tvn, 20502),
        ("A", "2026-05-29T16:40:12.2000000Z", "ConnectionSuccess", "10.20.1.10", 5900, "", 51877, viewer, 20467),
        ("C", "2026-05-30T22:47:20.0000000Z", "ListeningConnectionCreated", MISSING, MISSING, "", 5900, tvn, 81200),
        ("C", "2026-05-31T02:15:44.4400000Z", "InboundConnectionAccepted", "10.20.4.31", 52011, "", 5900, tvn, 81231),
        ("B2", "2026-05-30T13:22:09.0000000Z", "ListeningConnectionCreated", MISSING, MISSING, "", 5900, tvn, 6702),
        ("B2", "2026-06-01T00:00:00.5000000Z", "ConnectionFailed", "10.20.1.10", 5900, "", 53310, viewer, 6741),
        ("D", "2026-05-29T10:11:14.0000000Z", "ConnectionSuccess", "195.181.174.161", 443, "relay-3a1f9c2e.net.anydesk.com", 55021,
         ("AnyDesk.exe", '"C:\\Users\\l.moreau\\Downloads\\AnyDesk.exe"', None), 3302),
        ("D", "2026-05-30T18:20:47.3000000Z", "ConnectionSuccess", "217.146.28.9", 5938, "router12.teamviewer.com", 55410,
         ("TeamViewer.exe", '"C:\\Program Files\\TeamViewer\\TeamViewer.exe"', None), 3343),
        ("E", "2026-05-28T13:13:15.0000000Z", "ConnectionSuccess", "203.0.113.77", 8041, "relay.example-support.net", 60144,
         ("ScreenConnect.ClientService.exe", '"C:\\Program Files (x86)\\ScreenConnect Client (4b3f0c2e9a1d7e55)\\ScreenConnect.ClientService.exe"', "system"), 8703),
    ]
    ordinary = [
        ("chrome.exe", '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe"', None,
         [("142.250.185.110", "www.google.com"), ("140.82.121.4", "github.com"),
          ("151.101.1.69", "stackoverflow.com")], 443),
        ("msedge.exe", '"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe"', None,
         [("13.107.21.200", "www.bing.com"), ("10.20.0.40", "portal.contoso.local")], 443),
        ("svchost.exe", "C:\\Windows\\system32\\svchost.exe -k NetworkService -p -s Dnscache",
         "network service", [("10.20.0.5", "")], 53),
        ("svchost.exe", "C:\\Windows\\system32\\svchost.exe -k wusvcs -p -s WaaSMedicSvc", "system",
         [("20.190.159.2", "login.microsoftonline.com"), ("13.107.4.50", "ctldl.windowsupdate.com")], 443),
        ("MsSense.exe", '"C:\\Program Files\\Windows Defender Advanced Threat Protection\\MsSense.exe"', "system",
         [("20.44.10.122", "winatp-gw-weu.microsoft.com")], 443),
        ("ms-teams.exe", '"C:\\Program Files\\WindowsApps\\MSTeams_24124.2315.2911.3357_x64__8wekyb3d8bbwe\\ms-teams.exe"', None,
         [("52.113.194.132", "teams.microsoft.com")], 443),
    ]
    rows = []
    for dev, when, action, rip, rport, url, lport, (proc, pcmd, acct), report in fixed:
        rows.append(network_row(cols, dev, ticks(when), action, rip, rport, url, dev_ip[dev], lport,
                                proc, pcmd, acct, report))
    keys = ["A", "B", "B2", "C", "D", "E", "F"]
    for _ in range(30 - len(fixed)):
        dev = rng.choice(keys)
        proc, pcmd, acct, dests, port = rng.choice(ordinary)
        rip, url = rng.choice(dests)
        action = "ConnectionSuccess" if rng.random() < 0.9 else "ConnectionFailed"
        rows.append(network_row(cols, dev, rng.randrange(NOW - 14 * DAY, NOW), action, rip, port,
                                url, dev_ip[dev], rng.randrange(49152, 65535), proc, pcmd, acct,
                                rng.randrange(1000, 99999)))
    rows.sort(key=lambda r: r["Timestamp"])
    return rows


def ip_type(ip):
    if ip is MISSING:
        return MISSING
    if ip.startswith("10.") or ip.startswith("192.168."):
        return "Private"
    if ip.startswith("203.0.113."):
        return "Reserved"
    return "Public"


def network_row(cols, dev, t, action, rip, rport, url, lip, lport, proc, pcmd, acct, report):
    dev_id, dev_name, user, _ = DEVICES[dev]
    listening = action == "ListeningConnectionCreated"
    row = {
        "Timestamp": iso7(t),
        "DeviceId": dev_id,
        "DeviceName": dev_name,
        "ActionType": action,
        "RemoteIP": rip,
        "RemotePort": rport,
        "RemoteUrl": url,
        "LocalIP": "0.0.0.0" if listening else lip,
        "LocalPort": lport,
        "Protocol": "Tcp",
        "LocalIPType": "Unspecified" if listening else "Private",
        "RemoteIPType": ip_type(rip),
        "InitiatingProcessFileName": proc,
        "InitiatingProcessCommandLine": pcmd,
        "InitiatingProcessAccountDomain": "nt authority" if acct else "contoso",
        "InitiatingProcessAccountName": acct or user,
        "ReportId": report,
    }
    row["TimeGenerated"] = row["Timestamp"]
    return ordered(row, cols)


# --------------------------------------------------------------------------- logon rows

def sid(n):
    return "S-1-5-21-1004336348-1177238915-682003330-%d" % n


def logon_events(rng, cols):
    users = {"m.keller": 1107, "a.novak": 1112, "it.admin": 500, "l.moreau": 1131,
             "r.singh": 1144, "svc-backup": 1203}
    # (device, Timestamp, ActionType, LogonType, account, RemoteIP, RemoteDeviceName, FailureReason)
    fixed = [
        ("C", "2026-05-31T02:10:01.1100000Z", "LogonFailed", "Network", "administrator", "185.220.101.34", "", "InvalidUserNameOrPassword"),
        ("C", "2026-05-31T02:10:03.9800000Z", "LogonFailed", "Network", "administrator", "185.220.101.34", "", "InvalidUserNameOrPassword"),
        ("C", "2026-05-31T02:10:07.2500000Z", "LogonFailed", "Network", "admin", "185.220.101.34", "", "InvalidUserNameOrPassword"),
        ("C", "2026-05-31T02:14:50.0000000Z", "LogonSuccess", "RemoteInteractive", "it.admin", "10.20.4.31", "ws-fin-014", ""),
        ("A", "2026-05-31T08:05:12.6000000Z", "LogonSuccess", "Unlock", "m.keller", "127.0.0.1", "", ""),
        ("B2", "2026-05-30T13:20:41.0000000Z", "LogonSuccess", "Interactive", "a.novak", "", "", ""),
    ]
    rows = []
    for dev, when, action, ltype, acct, rip, rdev, why in fixed:
        rows.append(logon_row(cols, rng, dev, ticks(when), action, ltype, acct,
                              users.get(acct, 500), rip, rdev, why))
    keys = ["A", "B", "B2", "C", "D", "E", "F"]
    for _ in range(20 - len(fixed)):
        dev = rng.choice(keys)
        user = DEVICES[dev][2]
        ltype = rng.choice(["Interactive", "Unlock", "Network", "CachedInteractive"])
        ok = rng.random() < 0.85
        rip = "" if ltype in ("Interactive", "CachedInteractive") else \
            rng.choice(["10.20.0.5", "10.20.1.10", "127.0.0.1"])
        rows.append(logon_row(cols, rng, dev, rng.randrange(NOW - 14 * DAY, NOW),
                              "LogonSuccess" if ok else "LogonFailed", ltype, user, users[user],
                              rip, "", "" if ok else "InvalidUserNameOrPassword"))
    rows.sort(key=lambda r: r["Timestamp"])
    return rows


def logon_row(cols, rng, dev, t, action, ltype, acct, rid, rip, rdev, why):
    dev_id, dev_name, _, _ = DEVICES[dev]
    network = ltype in ("Network", "RemoteInteractive")
    row = {
        "Timestamp": iso7(t),
        "DeviceId": dev_id,
        "DeviceName": dev_name,
        "ActionType": action,
        "LogonType": ltype,
        "AccountDomain": "contoso",
        "AccountName": acct,
        "AccountSid": sid(rid),
        "Protocol": "NTLM" if network and rip.startswith("185.") else ("Negotiate" if network else "Kerberos"),
        "FailureReason": why,
        "IsLocalAdmin": acct in ("it.admin", "administrator", "admin"),
        "LogonId": rng.randrange(100000, 90000000) if action == "LogonSuccess" else 0,
        "RemoteDeviceName": rdev,
        "RemoteIP": rip,
        "RemoteIPType": ip_type(rip) if rip and rip != "127.0.0.1" else ("Loopback" if rip else ""),
        "RemotePort": rng.randrange(49152, 65535) if network else 0,
        "InitiatingProcessFileName": "lsass.exe" if network else "svchost.exe",
        "ReportId": rng.randrange(1000, 99999),
    }
    row["TimeGenerated"] = row["Timestamp"]
    return ordered(row, cols)


# --------------------------------------------------------------------------- output

def schema_columns(table):
    path = os.path.join(HERE, "..", "data", "schemas", table + ".json")
    try:
        with open(path, encoding="utf-8") as fh:
            return list(json.load(fh)[table])
    except OSError as exc:
        raise SystemExit("gen_sample: %s (run tools/gen_schemas.py first)" % exc)


def write_table(path, rows, escape_company=None):
    """One row object per line inside a JSON array."""
    lines = []
    for i, row in enumerate(rows):
        text = json.dumps(row, ensure_ascii=False)
        if escape_company and escape_company[i]:
            plain = '"ProcessVersionInfoCompanyName": "GlavSoft LLC."'
            assert plain in text
            text = text.replace(plain, '"ProcessVersionInfoCompanyName": "Glav\\u0053oft LLC."')
        lines.append(text)
    body = "[\n" + ",\n".join(lines) + "\n]\n"
    assert json.loads(body) == rows          # the escape decodes back to the same value
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(body)
    return len(rows)


def main(argv=None):
    ap = argparse.ArgumentParser(description="write the sample tables in data/")
    ap.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default: %(default)s)")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    rng = random.Random(args.seed)
    rows, flags = process_events(rng, schema_columns("DeviceProcessEvents"))
    n1 = write_table(os.path.join(args.out, "DeviceProcessEvents.json"), rows, flags)
    n2 = write_table(os.path.join(args.out, "DeviceNetworkEvents.json"),
                     network_events(rng, schema_columns("DeviceNetworkEvents")))
    n3 = write_table(os.path.join(args.out, "DeviceLogonEvents.json"),
                     logon_events(rng, schema_columns("DeviceLogonEvents")))
    with open(os.path.join(args.out, "now.txt"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(NOW_TEXT + "\n")
    print("gen_sample: DeviceProcessEvents %d, DeviceNetworkEvents %d, DeviceLogonEvents %d rows"
          " -> %s" % (n1, n2, n3, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
