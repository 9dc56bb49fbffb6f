#!/usr/bin/env python3
"""gen_dpe.py: write a large, realistic DeviceProcessEvents table for benchmarks.

Usage:
    python3 bench/gen_dpe.py --size 1G --out /tmp/DeviceProcessEvents.jsonl
    python3 bench/gen_dpe.py --rows 100000 --seed 7 --format json --out /tmp/dpe/DeviceProcessEvents.json
    python3 bench/gen_dpe.py --rows 1000 | head -1          # stdout when --out is not given

Options:
    --rows N          number of rows (default 10000 when --size is not given)
    --size S          write rows until the file reaches S bytes: 500M, 1G, 2.5G, 1048576 ...
                      (K/M/G/T are powers of 1024; the last row is written whole, so the file
                      ends up at most one row longer than S)
    --seed N          random seed (default 1); same arguments, same bytes
    --now TIME        as-of instant, ISO-8601 UTC (default 2026-06-01T00:00:00Z, as data/now.txt);
                      timestamps fall in the 14 days before it
    --out FILE        output file (default: stdout). Do not write big files into the repo.
    --format F        jsonl (one object per line, default) or json (one array, one row a line)
    --null-rate P     share of values written as null or left out (default 0.05)
    --expect FILE     also write, as JSON, what the seed rule (queries/rmm_TightVNC_createproc.kql)
                      must return on the output with now() = --now: groups in first-seen order,
                      make_set in first-seen order, datetimes as kql --format json prints them
    --quiet           no summary on stderr

What the rows look like: every column of the DeviceProcessEvents schema (71, in schema order;
checked against data/schemas/DeviceProcessEvents.json when it is there), ActionType
ProcessCreated, datetimes with 7 fraction digits, Windows paths with escaped backslashes, command
lines from a few dozen to a few thousand characters (encoded PowerShell, browser flags, long
Java class paths), a few thousand devices of which some report two names, system and user
accounts. About --null-rate of the values (never Timestamp, DeviceId, ActionType or ReportId) are
null or missing. Roughly 0.1% of rows are TightVNC runs by GlavSoft and about as many are decoys:
the non-terms "TightVNCServer" and "GlavSoftware", other remote tools (AnyDesk, TeamViewer,
ScreenConnect, UltraVNC, RealVNC's "TightVNC Viewer"), GlavSoft's other product, and TightVNC named
only in a command line. A few rows spell a term with a JSON escape ("Glav\\u0053oft", which decodes
to GlavSoft, "Tight\\u0056NC"; and "Glav\\u0053oftware", which decodes to a non-term): a filter on
raw bytes gets those wrong.

Speed: rows are glued from precomputed JSON fragments and written in chunks of a few MB.
Python 3 standard library only.
"""

import argparse
import base64
import datetime as dt
import hashlib
import json
import os
import random
import re
import sys

TABLE = "DeviceProcessEvents"
HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA_FILE = os.path.join(HERE, "..", "data", "schemas", TABLE + ".json")

# Column order of the DeviceProcessEvents schema (verified against SCHEMA_FILE when present).
COLUMNS = """Timestamp DeviceId DeviceName ActionType FileName FolderPath SHA1 SHA256 MD5 FileSize
ProcessVersionInfoCompanyName ProcessVersionInfoProductName ProcessVersionInfoProductVersion
ProcessVersionInfoInternalFileName ProcessVersionInfoOriginalFileName
ProcessVersionInfoFileDescription ProcessId ProcessCommandLine ProcessIntegrityLevel
ProcessTokenElevation ProcessCreationTime AccountDomain AccountName AccountSid AccountUpn
AccountObjectId LogonId InitiatingProcessAccountDomain InitiatingProcessAccountName
InitiatingProcessAccountSid InitiatingProcessAccountUpn InitiatingProcessAccountObjectId
InitiatingProcessLogonId InitiatingProcessIntegrityLevel InitiatingProcessTokenElevation
InitiatingProcessSHA1 InitiatingProcessSHA256 InitiatingProcessMD5 InitiatingProcessFileName
InitiatingProcessFileSize InitiatingProcessVersionInfoCompanyName
InitiatingProcessVersionInfoProductName InitiatingProcessVersionInfoProductVersion
InitiatingProcessVersionInfoInternalFileName InitiatingProcessVersionInfoOriginalFileName
InitiatingProcessVersionInfoFileDescription InitiatingProcessId InitiatingProcessCommandLine
InitiatingProcessCreationTime InitiatingProcessFolderPath InitiatingProcessParentId
InitiatingProcessParentFileName InitiatingProcessParentCreationTime InitiatingProcessSignerType
InitiatingProcessSignatureStatus ReportId AppGuardContainerId AdditionalFields
InitiatingProcessSessionId IsInitiatingProcessRemoteSession
InitiatingProcessRemoteSessionDeviceName InitiatingProcessRemoteSessionIP
CreatedProcessSessionId IsProcessRemoteSession ProcessRemoteSessionDeviceName
ProcessRemoteSessionIP MachineGroup SourceSystem TenantId TimeGenerated Type""".split()
COL = {name: i for i, name in enumerate(COLUMNS)}
NEVER_NULL = {"Timestamp", "DeviceId", "ActionType", "ReportId"}

TICKS = 10_000_000
DAY_TICKS = 86400 * TICKS
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
TENANT = "3f2b8c1e-6d4a-4e9f-9b7c-0a1d2e3f4a5b"


def enc(s):
    """JSON text of a Python value (strings kept as UTF-8)."""
    return json.dumps(s, ensure_ascii=False)


def kv(col, value_json):
    return '"%s":%s' % (col, value_json)


# --------------------------------------------------------------------------- time

def parse_instant(text):
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,7}))?Z", text.strip())
    if not m:
        raise argparse.ArgumentTypeError("expected e.g. 2026-06-01T00:00:00Z, got %r" % text)
    whole = dt.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.timezone.utc)
    secs = (whole - EPOCH) // dt.timedelta(seconds=1)
    return secs * TICKS + int((m.group(2) or "0").ljust(7, "0"))


class Clock:
    """Fast ISO-8601 formatting of ticks in a window of days (tables built once)."""

    def __init__(self, first_day_ticks, days):
        self.base = first_day_ticks
        self.days = []
        for d in range(days):
            day = EPOCH + dt.timedelta(microseconds=(first_day_ticks + d * DAY_TICKS) // 10)
            self.days.append(day.strftime("%Y-%m-%dT"))
        self.hms = ["%02d:%02d:%02d." % (s // 3600, s // 60 % 60, s % 60) for s in range(86400)]

    def iso(self, t):
        off = t - self.base
        d, rem = divmod(off, DAY_TICKS)
        s, frac = divmod(rem, TICKS)
        return '"%s%s%07dZ"' % (self.days[d], self.hms[s], frac)


def iso_trimmed(t):
    """kql --format json style: 7 digits with trailing zeros dropped."""
    secs, frac = divmod(t, TICKS)
    text = (EPOCH + dt.timedelta(seconds=secs)).strftime("%Y-%m-%dT%H:%M:%S")
    if frac:
        text += ("." + "%07d" % frac).rstrip("0")
    return text + "Z"


# --------------------------------------------------------------------------- catalog

WINVER = ("Microsoft Corporation", "Microsoft\u00ae Windows\u00ae Operating System")
S32 = "C:\\Windows\\System32\\"

# name -> (folder, (company, product), versions, description, original name, integrity, parents)
# integrity: "sys" runs as SYSTEM, "user" as the logged-on user, "mix" either.
CATALOG = {
    "svchost.exe": (S32, WINVER, ["10.0.22621.1", "10.0.19041.4355"], "Host Process for Windows Services", "svchost.exe", "sys", ["services.exe"]),
    "services.exe": (S32, WINVER, ["10.0.22621.3085"], "Services and Controller app", "services.exe", "sys", ["wininit.exe"]),
    "wininit.exe": (S32, WINVER, ["10.0.22621.1"], "Windows Start-Up Application", "wininit.exe", "sys", ["smss.exe"]),
    "smss.exe": (S32, WINVER, ["10.0.22621.2506"], "Windows Session Manager", "smss.exe", "sys", ["smss.exe"]),
    "explorer.exe": ("C:\\Windows\\", WINVER, ["10.0.22621.3085", "10.0.19041.4291"], "Windows Explorer", "EXPLORER.EXE", "user", ["userinit.exe"]),
    "userinit.exe": (S32, WINVER, ["10.0.22621.1"], "Userinit Logon Application", "USERINIT.EXE", "user", ["winlogon.exe"]),
    "winlogon.exe": (S32, WINVER, ["10.0.22621.2861"], "Windows Logon Application", "WINLOGON.EXE", "sys", ["smss.exe"]),
    "cmd.exe": (S32, WINVER, ["10.0.22621.2506", "10.0.19041.4239"], "Windows Command Processor", "Cmd.Exe", "mix", ["explorer.exe", "svchost.exe", "powershell.exe", "java.exe", "msiexec.exe"]),
    "powershell.exe": (S32 + "WindowsPowerShell\\v1.0\\", WINVER, ["10.0.22621.3085", "10.0.19041.3996"], "Windows PowerShell", "PowerShell.EXE", "mix", ["explorer.exe", "cmd.exe", "svchost.exe", "WmiPrvSE.exe", "SenseIR.exe", "ccmexec.exe"]),
    "conhost.exe": (S32, WINVER, ["10.0.22621.1"], "Console Window Host", "CONHOST.EXE", "mix", ["cmd.exe", "powershell.exe", "python.exe", "git.exe"]),
    "WmiPrvSE.exe": (S32 + "wbem\\", WINVER, ["10.0.22621.2506"], "WMI Provider Host", "Wmiprvse.exe", "sys", ["svchost.exe"]),
    "taskhostw.exe": (S32, WINVER, ["10.0.22621.2506"], "Host Process for Windows Tasks", "taskhostw.exe", "mix", ["svchost.exe"]),
    "rundll32.exe": (S32, WINVER, ["10.0.22621.1"], "Windows host process (Rundll32)", "RUNDLL32.EXE", "mix", ["svchost.exe", "explorer.exe", "cmd.exe"]),
    "msiexec.exe": (S32, WINVER, ["5.0.22621.2506"], "Windows\u00ae installer", "msiexec.exe", "sys", ["services.exe", "explorer.exe", "ccmexec.exe"]),
    "sc.exe": (S32, WINVER, ["10.0.22621.1"], "Service Control Manager Configuration Tool", "sc.exe", "sys", ["cmd.exe", "powershell.exe", "msiexec.exe"]),
    "schtasks.exe": (S32, WINVER, ["10.0.22621.1"], "Task Scheduler Configuration Tool", "schtasks.exe", "mix", ["cmd.exe", "powershell.exe"]),
    "net.exe": (S32, WINVER, ["10.0.22621.1"], "Net Command", "net.exe", "mix", ["cmd.exe", "powershell.exe"]),
    "whoami.exe": (S32, WINVER, ["10.0.22621.1"], "whoami - displays logged on user information", "whoami.exe", "mix", ["cmd.exe", "powershell.exe"]),
    "reg.exe": (S32, WINVER, ["10.0.22621.1"], "Registry Console Tool", "reg.exe", "mix", ["cmd.exe", "powershell.exe"]),
    "SearchProtocolHost.exe": (S32, WINVER, ["7.0.22621.3085"], "Microsoft Windows Search Protocol Host", "SearchProtocolHost.exe", "sys", ["SearchIndexer.exe"]),
    "SearchIndexer.exe": (S32, WINVER, ["7.0.22621.3085"], "Microsoft Windows Search Indexer", "SearchIndexer.exe", "sys", ["services.exe"]),
    "backgroundTaskHost.exe": (S32, WINVER, ["10.0.22621.1"], "Background Task Host", "backgroundTaskHost.exe", "user", ["svchost.exe"]),
    "MpCmdRun.exe": ("C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24040.4-0\\", WINVER, ["4.18.24040.4"], "Microsoft Malware Protection Command Line Utility", "MpCmdRun.exe", "sys", ["MsMpEng.exe", "svchost.exe"]),
    "MsMpEng.exe": ("C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24040.4-0\\", WINVER, ["4.18.24040.4"], "Antimalware Service Executable", "MsMpEng.exe", "sys", ["services.exe"]),
    "SenseIR.exe": ("C:\\Program Files\\Windows Defender Advanced Threat Protection\\", ("Microsoft Corporation", "Microsoft\u00ae Windows\u00ae Operating System"), ["10.8760.22621.3085"], "Windows Defender Advanced Threat Protection Automated Investigation", "SenseIR.exe", "sys", ["MsSense.exe"]),
    "MsSense.exe": ("C:\\Program Files\\Windows Defender Advanced Threat Protection\\", WINVER, ["10.8760.22621.3085"], "Windows Defender Advanced Threat Protection Service Executable", "MsSense.exe", "sys", ["services.exe"]),
    "ccmexec.exe": ("C:\\Windows\\CCM\\", ("Microsoft Corporation", "System Center Configuration Manager"), ["5.0.9122.1000"], "Host Process for Microsoft Configuration Manager", "CcmExec.exe", "sys", ["services.exe"]),
    "chrome.exe": ("C:\\Program Files\\Google\\Chrome\\Application\\", ("Google LLC", "Google Chrome"), ["125.0.6422.142", "124.0.6367.208"], "Google Chrome", "chrome.exe", "user", ["explorer.exe", "chrome.exe", "OUTLOOK.EXE"]),
    "msedge.exe": ("C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\", ("Microsoft Corporation", "Microsoft Edge"), ["125.0.2535.79"], "Microsoft Edge", "msedge.exe", "user", ["explorer.exe", "msedge.exe", "ms-teams.exe"]),
    "firefox.exe": ("C:\\Program Files\\Mozilla Firefox\\", ("Mozilla Corporation", "Firefox"), ["126.0.1"], "Firefox", "firefox.exe", "user", ["explorer.exe", "firefox.exe"]),
    "WINWORD.EXE": ("C:\\Program Files\\Microsoft Office\\root\\Office16\\", ("Microsoft Corporation", "Microsoft Office"), ["16.0.17628.20110"], "Microsoft Word", "WinWord.exe", "user", ["explorer.exe", "OUTLOOK.EXE"]),
    "EXCEL.EXE": ("C:\\Program Files\\Microsoft Office\\root\\Office16\\", ("Microsoft Corporation", "Microsoft Office"), ["16.0.17628.20110"], "Microsoft Excel", "Excel.exe", "user", ["explorer.exe", "OUTLOOK.EXE"]),
    "OUTLOOK.EXE": ("C:\\Program Files\\Microsoft Office\\root\\Office16\\", ("Microsoft Corporation", "Microsoft Outlook"), ["16.0.17628.20110"], "Microsoft Outlook", "Outlook.exe", "user", ["explorer.exe"]),
    "ms-teams.exe": ("C:\\Program Files\\WindowsApps\\MSTeams_24124.2315.2911.3357_x64__8wekyb3d8bbwe\\", ("Microsoft Corporation", "Microsoft Teams"), ["24124.2315.2911.3357"], "Microsoft Teams", "ms-teams.exe", "user", ["explorer.exe", "svchost.exe"]),
    "OneDrive.exe": ("C:\\Program Files\\Microsoft OneDrive\\", ("Microsoft Corporation", "Microsoft OneDrive"), ["24.086.0428.0003"], "Microsoft OneDrive", "OneDrive.exe", "user", ["explorer.exe"]),
    "Code.exe": ("C:\\Program Files\\Microsoft VS Code\\", ("Microsoft Corporation", "Visual Studio Code"), ["1.89.1"], "Visual Studio Code", "electron.exe", "user", ["explorer.exe", "Code.exe"]),
    "git.exe": ("C:\\Program Files\\Git\\cmd\\", ("The Git Development Community", "Git"), ["2.45.1.1"], "Git for Windows", "git.exe", "user", ["cmd.exe", "powershell.exe", "Code.exe"]),
    "python.exe": ("C:\\Program Files\\Python312\\", ("Python Software Foundation", "Python"), ["3.12.3150.1013"], "Python", "python.exe", "mix", ["cmd.exe", "powershell.exe", "Code.exe"]),
    "java.exe": ("C:\\Program Files\\Eclipse Adoptium\\jdk-17.0.11.9-hotspot\\bin\\", ("Eclipse Adoptium", "OpenJDK Platform 17.0.11"), ["17.0.11.0"], "OpenJDK Platform binary", "java.exe", "mix", ["cmd.exe", "services.exe", "explorer.exe"]),
    "node.exe": ("C:\\Program Files\\nodejs\\", ("Node.js", "Node.js"), ["20.13.1"], "Node.js JavaScript Runtime", "node.exe", "user", ["cmd.exe", "powershell.exe", "Code.exe"]),
    "notepad.exe": (S32, WINVER, ["10.0.22621.3085"], "Notepad", "NOTEPAD.EXE", "user", ["explorer.exe"]),
    "mstsc.exe": (S32, WINVER, ["10.0.22621.3085"], "Remote Desktop Connection", "mstsc.exe", "user", ["explorer.exe"]),
    "wuauclt.exe": (S32, WINVER, ["10.0.22621.3085"], "Windows Update", "wuauclt.exe", "sys", ["svchost.exe"]),
    "curl.exe": (S32, ("curl, https://curl.se/", "The curl executable"), ["8.4.0.0"], "The curl executable", "curl.exe", "mix", ["cmd.exe", "powershell.exe"]),
}
# How often each process starts, roughly as in a real fleet.
WEIGHTS = {
    "svchost.exe": 60, "conhost.exe": 50, "chrome.exe": 60, "msedge.exe": 40, "cmd.exe": 35,
    "powershell.exe": 30, "backgroundTaskHost.exe": 20, "SearchProtocolHost.exe": 25,
    "taskhostw.exe": 15, "rundll32.exe": 12, "WmiPrvSE.exe": 10, "MpCmdRun.exe": 8,
    "SenseIR.exe": 5, "ms-teams.exe": 12, "OneDrive.exe": 6, "WINWORD.EXE": 6, "EXCEL.EXE": 6,
    "OUTLOOK.EXE": 3, "Code.exe": 8, "git.exe": 12, "python.exe": 8, "java.exe": 6,
    "node.exe": 8, "notepad.exe": 4, "msiexec.exe": 5, "sc.exe": 3, "schtasks.exe": 3,
    "net.exe": 3, "whoami.exe": 2, "reg.exe": 3, "firefox.exe": 4, "mstsc.exe": 2,
    "wuauclt.exe": 2, "curl.exe": 2, "explorer.exe": 2, "userinit.exe": 1, "ccmexec.exe": 1,
}

WORDS = ("report budget forecast invoice payroll audit backup sync deploy release build test "
         "customer vendor contract archive export import legacy staging prod metrics cache "
         "session config install update cleanup inventory ledger quarterly").split()


class CmdFactory:
    """Command lines per executable; some are short, some run to thousands of characters."""

    def __init__(self, rng):
        self.rng = rng

    def word(self):
        return self.rng.choice(WORDS)

    def path(self):
        r = self.rng
        root = r.choice(["C:\\ProgramData\\Contoso", "C:\\Users\\Public\\Documents",
                         "D:\\Shares\\Finance", "C:\\Temp", "C:\\Windows\\Temp",
                         "\\\\fs01.contoso.local\\deploy"])
        return "%s\\%s_%s_%d" % (root, self.word(), self.word(), r.randrange(1, 999))

    def b64(self, lo, hi):
        n = self.rng.randrange(lo, hi)
        script = "; ".join("$%s = Get-%s -Name '%s' -ErrorAction SilentlyContinue"
                           % (self.word(), self.word().title(), self.word())
                           for _ in range(n // 60 + 1))
        return base64.b64encode(script.encode("utf-16-le")).decode("ascii")[:n * 2]

    def make(self, name, folder):
        r = self.rng
        full = folder + name
        q = '"%s"' % full
        if name == "svchost.exe":
            return "%s -k %s -p -s %s" % (full, r.choice(["netsvcs", "LocalService", "NetworkService", "DcomLaunch", "wusvcs", "LocalSystemNetworkRestricted", "UnistackSvcGroup"]),
                                          r.choice(["Schedule", "BITS", "Winmgmt", "EventLog", "Dnscache", "WpnUserService_4f1a2", "CDPUserSvc_4f1a2", "WaaSMedicSvc", "UsoSvc", "gpsvc"]))
        if name == "powershell.exe":
            k = r.random()
            if k < 0.35:
                return "%s -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand %s" % (q, self.b64(80, 1800))
            if k < 0.6:
                return '%s -ExecutionPolicy Bypass -File "%s.ps1" -LogPath "%s.log" -Verbose' % (q, self.path(), self.path())
            if k < 0.8:
                cmds = " | ".join(r.choice(["Get-ChildItem -Recurse -Path '%s'" % self.path(),
                                            "Where-Object { $_.LastWriteTime -gt (Get-Date).AddDays(-%d) }" % r.randrange(1, 90),
                                            "Select-Object Name,Length,FullName",
                                            "Export-Csv -NoTypeInformation -Path '%s.csv'" % self.path(),
                                            "Sort-Object Length -Descending"]) for _ in range(r.randrange(2, 9)))
                return '%s -Command "%s"' % (q, cmds)
            return q
        if name == "cmd.exe":
            k = r.random()
            if k < 0.5:
                parts = " && ".join(r.choice(["cd /d %s" % self.path(), "copy /y %s.dat %s.dat" % (self.path(), self.path()),
                                              "del /q %s\\*.tmp" % self.path(), "echo %s>> %s.log" % (self.word(), self.path()),
                                              "ipconfig /all", "net use Z: %s" % self.path(), "set PATH=%PATH%;C:\\Tools"])
                                    for _ in range(r.randrange(1, 7)))
                return '%s /c "%s"' % (q, parts)
            if k < 0.8:
                return '%s /c "%s.bat" %s' % (q, self.path(), self.word())
            return q
        if name in ("chrome.exe", "msedge.exe", "Code.exe", "ms-teams.exe"):
            if r.random() < 0.3:
                return q + (" --single-argument https://%s.contoso.com/%s" % (self.word(), self.word()) if r.random() < 0.5 else "")
            flags = ["--type=%s" % r.choice(["renderer", "gpu-process", "utility", "crashpad-handler"]),
                     "--lang=en-US", "--field-trial-handle=%d,i,%d,%d,262144" % (r.randrange(1000, 9999), r.getrandbits(62), r.getrandbits(62)),
                     "--enable-features=%s" % ",".join(r.choice(["BackForwardCache", "NetworkServiceInProcess", "WinUseBrowserSpellChecker", "PartitionedCookies", "ThirdPartyStoragePartitioning", "msEdgeTranslate", "CalculateNativeWinOcclusion"]) for _ in range(r.randrange(2, 12))),
                     "--disable-features=%s" % ",".join(r.choice(["SpareRendererForSitePerProcess", "WinRetrieveSuggestionsOnlyOnDemand", "IsolateOrigins", "site-per-process"]) for _ in range(r.randrange(1, 6))),
                     "--renderer-client-id=%d" % r.randrange(4, 400), "--time-ticks-at-unix-epoch=-%d" % r.getrandbits(50),
                     "--launch-time-ticks=%d" % r.getrandbits(40), "--mojo-platform-channel-handle=%d" % r.randrange(1000, 9999),
                     "/prefetch:%d" % r.randrange(1, 9)]
            return " ".join([q] + flags[:r.randrange(3, len(flags) + 1)])
        if name == "java.exe":
            cp = ";".join("C:\\apps\\%s\\lib\\%s-%s-%d.%d.%d.jar" % (self.word(), self.word(), self.word(), r.randrange(1, 9), r.randrange(0, 30), r.randrange(0, 9))
                          for _ in range(r.randrange(3, 60)))
            return '%s -Xms512m -Xmx%dg -Dfile.encoding=UTF-8 -cp "%s" com.contoso.%s.%sMain --config %s.yaml' % (q, r.randrange(1, 16), cp, self.word(), self.word().title(), self.path())
        if name == "python.exe":
            return '%s %s' % (q, r.choice(["-m pip install --upgrade %s" % " ".join(self.word() for _ in range(r.randrange(1, 6))),
                                          '"%s.py" --input "%s.csv" --output "%s.json"' % (self.path(), self.path(), self.path()),
                                          "-c \"import %s; print(%s.__version__)\"" % (self.word(), self.word())]))
        if name == "git.exe":
            return '%s %s' % (q, r.choice(["fetch --all --prune", "pull --rebase origin main", "status --porcelain", "log --oneline -n %d" % r.randrange(5, 200),
                                          "clone https://dev.azure.com/contoso/%s/_git/%s %s" % (self.word(), self.word(), self.path()),
                                          "-c credential.helper=manager-core push origin HEAD:refs/heads/%s-%s" % (self.word(), self.word())]))
        if name == "node.exe":
            return '%s "%s\\node_modules\\%s\\bin\\%s.js" %s' % (q, self.path(), self.word(), self.word(), " ".join("--%s=%s" % (self.word(), self.word()) for _ in range(r.randrange(0, 10))))
        if name == "rundll32.exe":
            return '%s %s' % (full, r.choice(["C:\\Windows\\system32\\shell32.dll,SHCreateLocalServerRunDll {9aa46009-3ce0-458a-a354-715610a075e6} -Embedding",
                                             "C:\\Windows\\System32\\LogiLDA.dll,LogiFetch", "printui.dll,PrintUIEntry /in /n\\\\print01\\%s" % self.word(),
                                             "C:\\Windows\\system32\\inetcpl.cpl,ClearMyTracksByProcess Flags:%d WinX:0 WinY:0 IEFrame:0000000000000000" % r.randrange(1, 4096)]))
        if name == "msiexec.exe":
            return r.choice(["%s /V" % full, '%s /i "%s.msi" /qn /norestart /L*v "%s.log"' % (q, self.path(), self.path()),
                             "%s -Embedding %s" % (full, "".join(r.choice("0123456789ABCDEF") for _ in range(32)))])
        if name == "sc.exe":
            return "%s %s %s" % (full, r.choice(["query", "start", "stop", "config", "qc"]), r.choice(["wuauserv", "BITS", "Spooler", "WinRM", "%sSvc" % self.word().title()]))
        if name == "schtasks.exe":
            return '%s /create /tn "Contoso\\%s %s" /tr "%s.cmd" /sc daily /st %02d:%02d /ru SYSTEM /f' % (q, self.word().title(), self.word(), self.path(), r.randrange(24), r.randrange(60))
        if name == "net.exe":
            return "%s %s" % (full, r.choice(["use", "user %s /domain" % self.word(), "group \"Domain Admins\" /domain", "localgroup administrators", "session", "view"]))
        if name == "reg.exe":
            return "%s %s" % (full, r.choice(["query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run", "add HKCU\\Software\\Contoso\\%s /v %s /t REG_SZ /d %s /f" % (self.word(), self.word(), self.word()),
                                              "export HKLM\\SOFTWARE\\Contoso %s.reg /y" % self.path()]))
        if name == "curl.exe":
            return "%s -s -L -o %s.zip https://downloads.contoso.com/%s/%s.zip" % (full, self.path(), self.word(), self.word())
        if name in ("WINWORD.EXE", "EXCEL.EXE"):
            return '%s /n "%s.%s"' % (q, self.path(), "docx" if name == "WINWORD.EXE" else "xlsx")
        if name == "MpCmdRun.exe":
            return '%s %s' % (q, r.choice(["-wdenable", "-SignatureUpdate -MMPC", "-Scan -ScanType 3 -File %s" % self.path(), "GetDeviceTicket -AccessKey %s" % "".join(r.choice("0123456789ABCDEF") for _ in range(32))]))
        if name == "conhost.exe":
            return "\\??\\%s 0xffffffff -ForceV1" % full
        if name == "SearchProtocolHost.exe":
            return '"%s" Global\\UsGthrFltPipeMssGthrPipe%d_ Global\\UsGthrCtrlFltPipeMssGthrPipe%d 1 -2147483646 "Software\\Microsoft\\Windows Search" "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT; MS Search 4.0 Robot)" "C:\\ProgramData\\Microsoft\\Search\\Data\\Temp\\usgthrsvc" "DownLevelDaemon"' % (full, r.randrange(1, 300), r.randrange(1, 300))
        if name == "backgroundTaskHost.exe":
            return '"%s" -ServerName:%s.AppX%s.mca' % (full, r.choice(["BackgroundTaskHost", "App", "CortanaUI"]), "".join(r.choice("0123456789abcdefghijklmnopqrstuvwxyz") for _ in range(32)))
        if name == "taskhostw.exe":
            return "taskhostw.exe %s" % r.choice(["Install $(Arg0)", "KEYROAMING", "-RegisterDevice -ProtectionStateChanged -FreeNetworkOnly", "NGCKeyPregen"])
        return r.choice([q, full, "%s %s" % (q, self.path())])


# --------------------------------------------------------------------------- pools

def fake_hashes(*parts):
    seed = "|".join(parts).encode("utf-8")
    return (hashlib.sha1(seed).hexdigest(), hashlib.sha256(seed).hexdigest(),
            hashlib.md5(seed).hexdigest())


class Proc:
    """One executable version: its JSON fragments as a created process and as a parent."""
    __slots__ = ("name", "folder", "integ", "parents", "child", "ip", "ip_folder", "gp_name", "cmds", "cmd_jsons")


def make_proc(name, folder, company, product, version, desc, original, integ, parents,
              company_json=None, product_json=None):
    p = Proc()
    p.name, p.folder, p.integ, p.parents = name, folder, integ, parents
    sha1, sha256, md5 = fake_hashes(name.lower(), version, company or "")
    size = 10_000 + int(sha1[:6], 16) * 7 % 9_000_000
    cj = company_json if company_json is not None else enc(company)
    pj = product_json if product_json is not None else enc(product)
    vals = [enc(name), enc(folder + name), enc(sha1), enc(sha256), enc(md5), str(size), cj, pj,
            enc(version), enc(original), enc(original), enc(desc)]
    names = ["FileName", "FolderPath", "SHA1", "SHA256", "MD5", "FileSize",
             "ProcessVersionInfoCompanyName", "ProcessVersionInfoProductName",
             "ProcessVersionInfoProductVersion", "ProcessVersionInfoInternalFileName",
             "ProcessVersionInfoOriginalFileName", "ProcessVersionInfoFileDescription"]
    p.child = tuple(kv(n, v) for n, v in zip(names, vals))
    ip_names = ["InitiatingProcessSHA1", "InitiatingProcessSHA256", "InitiatingProcessMD5",
                "InitiatingProcessFileName", "InitiatingProcessFileSize",
                "InitiatingProcessVersionInfoCompanyName", "InitiatingProcessVersionInfoProductName",
                "InitiatingProcessVersionInfoProductVersion",
                "InitiatingProcessVersionInfoInternalFileName",
                "InitiatingProcessVersionInfoOriginalFileName",
                "InitiatingProcessVersionInfoFileDescription"]
    ip_vals = [vals[2], vals[3], vals[4], vals[0], vals[5]] + vals[6:12]
    p.ip = tuple(kv(n, v) for n, v in zip(ip_names, ip_vals))
    p.ip_folder = kv("InitiatingProcessFolderPath", enc(folder + name))
    p.gp_name = kv("InitiatingProcessParentFileName", enc(name))
    return p


def build_catalog(rng, n_cmds):
    cmdf = CmdFactory(rng)
    by_name = {}
    for name, (folder, (company, product), versions, desc, original, integ, parents) in CATALOG.items():
        procs = []
        for version in versions:
            p = make_proc(name, folder, company, product, version, desc, original, integ, parents)
            p.cmds = [cmdf.make(name, folder) for _ in range(n_cmds)]
            p.cmd_jsons = [enc(c) for c in p.cmds]
            procs.append(p)
        by_name[name] = procs
    return by_name


DEPTS = "fin hr eng mkt ops sales it legal rnd sup".split()


def build_devices(rng, n):
    devices = []
    groups = ["Workstations - EU", "Workstations - US", "Servers - Tier 1", "Servers - Tier 2", "Laptops", "Kiosk"]
    for i in range(n):
        did = "%040x" % rng.getrandbits(160)
        kind = rng.random()
        if kind < 0.15:
            host = "srv-%s-%02d" % (rng.choice(["app", "sql", "web", "file", "jump", "build", "print"]), rng.randrange(1, 60))
        elif kind < 0.6:
            host = "ws-%s-%03d" % (rng.choice(DEPTS), rng.randrange(1, 999))
        else:
            host = "lt-%s-%03d" % (rng.choice(DEPTS), rng.randrange(1, 999))
        fqdn = host + ".contoso.local"
        names = [fqdn] if rng.random() < 0.97 else [host, fqdn]     # some report two names
        mg = rng.choice(groups)
        for nm in names:
            devices.append((kv("DeviceId", enc(did)), kv("DeviceName", enc(nm)), kv("MachineGroup", enc(mg)), did, nm))
    return devices


FIRST = "anna ben carla david emma felix gina hugo iris jonas kara liam mia noah olga paul rosa sam tina umar vera will yara zoe".split()
LAST = "keller novak moreau singh weber rossi tanaka okafor silva jensen kowalski haddad nguyen berg costa".split()


def account_frags(prefix, domain, name, sid, upn, oid):
    cols = ["AccountDomain", "AccountName", "AccountSid", "AccountUpn", "AccountObjectId"]
    return tuple(kv(prefix + c, enc(v)) for c, v in zip(cols, (domain, name, sid, upn, oid)))


def guid(rng):
    h = "%032x" % rng.getrandbits(128)
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


def build_accounts(rng, n):
    users = []
    for i in range(n):
        name = "%s.%s" % (rng.choice(FIRST), rng.choice(LAST))
        sid = "S-1-5-21-1004336348-1177238915-682003330-%d" % (1100 + i)
        upn = name + "@contoso.com"
        oid = guid(rng)
        users.append((account_frags("", "contoso", name, sid, upn, oid),
                      account_frags("InitiatingProcess", "contoso", name, sid, upn, oid)))
    system = (account_frags("", "nt authority", "system", "S-1-5-18", "", ""),
              account_frags("InitiatingProcess", "nt authority", "system", "S-1-5-18", "", ""))
    return users, system


# --------------------------------------------------------------------------- special rows

# kind -> (share of special rows, file name, folder, company, product, description,
#          raw JSON for company or None, raw JSON for product or None)
TVN = "C:\\Program Files\\TightVNC\\"
SPECIAL = [
    ("tvn",          26, "tvnserver.exe", TVN, "GlavSoft LLC.", "TightVNC", "TightVNC Server", None, None),
    ("tvn-viewer",   12, "tvnviewer.exe", TVN, "GlavSoft LLC.", "TightVNC Viewer", "TightVNC Viewer", None, None),
    ("tvn-case",      4, "tvnserver.exe", TVN, "glavsoft llc", "TIGHTVNC", "TightVNC Server", None, None),
    ("tvn-esc",       4, "tvnserver.exe", TVN, "GlavSoft LLC.", "TightVNC", "TightVNC Server", '"Glav\\u0053oft LLC."', None),
    ("tvn-esc2",      3, "tvnviewer.exe", TVN, "GlavSoft LLC.", "TightVNC", "TightVNC Viewer", None, '"Tight\\u0056NC"'),
    ("d-server",      8, "tvnserver.exe", TVN, "GlavSoft LLC.", "TightVNCServer", "TightVNC Server", None, None),
    ("d-ware",        6, "tvnserver.exe", TVN, "GlavSoftware Ltd", "TightVNC", "TightVNC Server", None, None),
    ("d-ware-esc",    3, "tvnserver.exe", TVN, "GlavSoftware Ltd", "TightVNC", "TightVNC Server", '"Glav\\u0053oftware Ltd"', None),
    ("d-realvnc",     5, "vncviewer.exe", "C:\\Program Files\\RealVNC\\VNC Viewer\\", "RealVNC Ltd", "TightVNC Viewer", "VNC Viewer", None, None),
    ("d-ripple",      3, "RemoteRipple.exe", "C:\\Program Files\\Remote Ripple\\", "GlavSoft LLC.", "Remote Ripple", "Remote Ripple", None, None),
    ("d-anydesk",     8, "AnyDesk.exe", "C:\\Program Files (x86)\\AnyDesk\\", "philandro Software GmbH", "AnyDesk", "AnyDesk", None, None),
    ("d-teamviewer",  8, "TeamViewer.exe", "C:\\Program Files\\TeamViewer\\", "TeamViewer Germany GmbH", "TeamViewer", "TeamViewer", None, None),
    ("d-screenconn",  5, "ScreenConnect.ClientService.exe", "C:\\Program Files (x86)\\ScreenConnect Client (4b3f0c2e9a1d7e55)\\", "ConnectWise, LLC", "ScreenConnect", "ScreenConnect Client Service", None, None),
    ("d-ultravnc",    3, "winvnc.exe", "C:\\Program Files\\uvnc bvba\\UltraVNC\\", "uvnc bvba", "UltraVNC", "UltraVNC Server", None, None),
    ("d-winget",      2, "winget.exe", "C:\\Program Files\\WindowsApps\\Microsoft.DesktopAppInstaller_1.22.11261.0_x64__8wekyb3d8bbwe\\", "Microsoft Corporation", "Windows Package Manager", "Windows Package Manager", None, None),
]
SPECIAL_RATE = 0.002          # about half of these are real TightVNC runs

TERM = re.compile(r"[A-Za-z0-9]+")


def has_term(text, term):
    term = term.lower()
    return text is not None and any(t.lower() == term for t in TERM.findall(text))


def build_specials(rng):
    out = []
    for kind, weight, name, folder, company, product, desc, cjson, pjson in SPECIAL:
        p = make_proc(name, folder, company, product, "2.8.81.0" if "tvn" in name else "1.0.0.0", desc,
                      name, "sys" if name == "tvnserver.exe" else "user",
                      ["services.exe", "explorer.exe", "msiexec.exe"], cjson, pjson)
        full = '"%s%s"' % (folder, name)
        if name == "tvnserver.exe":
            p.cmds = [full + " -service", full + " -controlservice -reload", full + " -install -silent", full + " -run"]
        elif name == "tvnviewer.exe":
            p.cmds = ["%s %s::5900" % (full, ".".join(str(rng.randrange(1, 255)) for _ in range(4))) for _ in range(8)]
        elif name == "winget.exe":
            p.cmds = ["winget install --id GlavSoft.TightVNC --silent --accept-package-agreements",
                      "winget upgrade GlavSoft.TightVNC"]
        else:
            p.cmds = [full, full + " --silent", full + " --service"]
        p.cmd_jsons = [enc(c) for c in p.cmds]
        out.append((kind, weight, p, company, product))
    return out


# --------------------------------------------------------------------------- generator

class Generator:
    def __init__(self, seed, now, null_rate):
        self.rng = random.Random(seed)
        rng = self.rng
        self.now = now
        self.start = now - 14 * DAY_TICKS
        first_day = (self.start - 30 * DAY_TICKS) // DAY_TICKS * DAY_TICKS   # parents start earlier
        self.clock = Clock(first_day, (now - first_day) // DAY_TICKS + 2)
        self.win_lo = now - 5 * DAY_TICKS

        self.procs = build_catalog(rng, 64)
        names = [n for n in WEIGHTS]
        self.child_names = []
        for n in names:
            self.child_names += [n] * WEIGHTS[n]
        self.specials = build_specials(rng)
        self.special_pick = []
        for i, (_, weight, _, _, _) in enumerate(self.specials):
            self.special_pick += [i] * weight
        self.devices = build_devices(rng, 3000)
        # Remote tools live on a few dozen devices (three of them with two names), so the seed
        # rule's groups hold several rows each.
        two = [d for i, d in enumerate(self.devices) if i and self.devices[i - 1][3] == d[3]]
        pairs = [d for d in self.devices if d[3] in {x[3] for x in two[:3]}]
        self.vnc_devices = rng.sample(self.devices, 25) + pairs
        self.users, self.system = build_accounts(rng, 4000)

        self.const_action = kv("ActionType", '"ProcessCreated"')
        self.const_tail = (kv("SourceSystem", '""'), kv("TenantId", enc(TENANT)), kv("Type", enc(TABLE)))
        self.integ = {"sys": (kv("ProcessIntegrityLevel", '"System"'), kv("ProcessTokenElevation", '"TokenElevationTypeDefault"')),
                      "high": (kv("ProcessIntegrityLevel", '"High"'), kv("ProcessTokenElevation", '"TokenElevationTypeFull"')),
                      "user": (kv("ProcessIntegrityLevel", '"Medium"'), kv("ProcessTokenElevation", '"TokenElevationTypeLimited"'))}
        self.ip_integ = {k: (v[0].replace('"Process', '"InitiatingProcess', 1), v[1].replace('"Process', '"InitiatingProcess', 1))
                         for k, v in self.integ.items()}
        self.signer = [kv("InitiatingProcessSignerType", '"%s"' % s) for s in ("OsVendor", "OsVendor", "Microsoft", "ThirdParty", "Unknown")]
        self.sigstat = [kv("InitiatingProcessSignatureStatus", '"%s"' % s) for s in ("Valid", "Valid", "Valid", "Valid", "Unsigned")]
        self.appguard = kv("AppGuardContainerId", '""')
        self.addl = [kv("AdditionalFields", "null")] * 6 + [
            kv("AdditionalFields", '{"ProcessStartKey":%d,"InitiatingProcessStartKey":%d}' % (rng.getrandbits(55), rng.getrandbits(55))) for _ in range(40)]
        self.false_remote = (kv("InitiatingProcessRemoteSessionDeviceName", '""'), kv("InitiatingProcessRemoteSessionIP", '""'))
        self.false_remote_p = (kv("ProcessRemoteSessionDeviceName", '""'), kv("ProcessRemoteSessionIP", '""'))

        # Null/missing masks: each a tuple of (column index, 1 = null, 0 = missing).
        nullable = [i for i, c in enumerate(COLUMNS) if c not in NEVER_NULL]
        self.null_frag = ['"%s":null' % c for c in COLUMNS]
        self.masks = []
        for _ in range(8192):
            m = tuple((i, rng.random() < 0.5) for i in nullable if rng.random() < null_rate)
            self.masks.append(m)
        self.expect = {}            # (DeviceId, DeviceName) -> [first, last, reports, count]

    def row(self):
        """One row as a JSON object (str)."""
        rng = self.rng
        rnd = rng.random
        t = self.start + int(rnd() * 14 * DAY_TICKS)
        dev = self.devices[int(rnd() * len(self.devices))]
        special = None
        report = 1 + int(rnd() * 4_000_000)
        if rnd() < SPECIAL_RATE:
            special = self.specials[self.special_pick[int(rnd() * len(self.special_pick))]]
            child = special[2]
            dev = self.vnc_devices[int(rnd() * len(self.vnc_devices))]
            report = 1 + int(rnd() * 400)        # ReportIds repeat within a device's group
        else:
            child = self.procs[self.child_names[int(rnd() * len(self.child_names))]]
            child = child[int(rnd() * len(child))]
        pname = child.parents[int(rnd() * len(child.parents))]
        plist = self.procs[pname]
        parent = plist[int(rnd() * len(plist))]
        gpname = parent.parents[int(rnd() * len(parent.parents))]
        gp = self.procs[gpname][0]

        if child.integ == "sys" or (child.integ == "mix" and rnd() < 0.3):
            acct = self.system
            integ = self.integ["sys"]
            logon = 999
            sess = 0
        else:
            acct = self.users[int(rnd() * len(self.users))]
            integ = self.integ["high" if rnd() < 0.1 else "user"]
            logon = 100000 + int(rnd() * 90_000_000)
            sess = 1 + int(rnd() * 3)
        if parent.integ == "sys" or (parent.integ == "mix" and acct is self.system):
            pacct, pinteg, plogon, psess = self.system, self.ip_integ["sys"], 999, 0
        else:
            pacct, pinteg, plogon, psess = acct, self.ip_integ["user"], logon, sess

        iso = self.clock.iso
        ts = iso(t)
        pstart = t - int(rnd() * rnd() * 3 * DAY_TICKS) - 1
        gpstart = pstart - int(rnd() * 20 * DAY_TICKS) - 1
        cmd = child.cmd_jsons[int(rnd() * len(child.cmd_jsons))]
        pcmd = parent.cmd_jsons[int(rnd() * len(parent.cmd_jsons))]
        if rnd() < 0.02:
            remote = (kv("InitiatingProcessRemoteSessionDeviceName", enc("ws-%s-%03d" % (DEPTS[int(rnd() * 10)], int(rnd() * 999)))),
                      kv("InitiatingProcessRemoteSessionIP", '"10.20.%d.%d"' % (int(rnd() * 255), int(rnd() * 255))))
            is_remote = "true"
        else:
            remote, is_remote = self.false_remote, "false"

        f = [kv("Timestamp", ts), dev[0], dev[1], self.const_action]
        f += child.child
        f += [kv("ProcessId", str(4 * int(rnd() * 16000) + 4)), kv("ProcessCommandLine", cmd)]
        f += integ
        f.append(kv("ProcessCreationTime", ts))
        f += acct[0]
        f.append(kv("LogonId", str(logon)))
        f += pacct[1]
        f.append(kv("InitiatingProcessLogonId", str(plogon)))
        f += pinteg
        f += parent.ip
        f += [kv("InitiatingProcessId", str(4 * int(rnd() * 16000) + 4)),
              kv("InitiatingProcessCommandLine", pcmd),
              kv("InitiatingProcessCreationTime", iso(pstart)),
              parent.ip_folder,
              kv("InitiatingProcessParentId", str(4 * int(rnd() * 16000) + 4)),
              gp.gp_name,
              kv("InitiatingProcessParentCreationTime", iso(gpstart)),
              self.signer[int(rnd() * 5)], self.sigstat[int(rnd() * 5)],
              kv("ReportId", str(report)), self.appguard, self.addl[int(rnd() * len(self.addl))],
              kv("InitiatingProcessSessionId", str(psess)),
              kv("IsInitiatingProcessRemoteSession", is_remote)]
        f += remote
        f += [kv("CreatedProcessSessionId", str(sess)), kv("IsProcessRemoteSession", "false")]
        f += self.false_remote_p
        f.append(dev[2])
        f += self.const_tail[:2]
        f += [kv("TimeGenerated", ts), self.const_tail[2]]

        mask = self.masks[int(rnd() * 8192)]
        if mask:
            for i, as_null in mask:
                f[i] = self.null_frag[i] if as_null else ""
            f = [x for x in f if x]
        if special is not None:
            self.note_special(special, mask, t, dev, report)
        return "{" + ",".join(f) + "}"

    def note_special(self, special, mask, t, dev, report):
        kind, _, _, company, product = special
        gone = {i for i, _ in mask}
        if COL["ProcessVersionInfoCompanyName"] in gone:
            company = None
        if COL["ProcessVersionInfoProductName"] in gone:
            product = None
        if not (self.win_lo <= t <= self.now and has_term(company, "GlavSoft") and has_term(product, "TightVNC")):
            return
        name = None if COL["DeviceName"] in gone else dev[4]
        key = (dev[3], name or "")
        g = self.expect.get(key)
        if g is None:
            self.expect[key] = [t, t, [report], 1]
        else:
            g[0] = min(g[0], t)
            g[1] = max(g[1], t)
            if report not in g[2]:
                g[2].append(report)
            g[3] += 1

    def expected(self):
        return [{"DeviceId": k[0], "DeviceName": k[1], "FirstSeen": iso_trimmed(g[0]),
                 "LastSeen": iso_trimmed(g[1]), "Report": g[2], "Count": g[3]}
                for k, g in self.expect.items()]


# --------------------------------------------------------------------------- main

def parse_size(text):
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*", text, re.I)
    if not m:
        raise argparse.ArgumentTypeError("bad size %r (e.g. 500M, 1G)" % text)
    mult = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}[m.group(2).upper()]
    return int(float(m.group(1)) * mult)


def check_schema():
    """Warn if the shipped schema and COLUMNS disagree (the column list is the contract)."""
    try:
        with open(SCHEMA_FILE, encoding="utf-8") as fh:
            cols = list(json.load(fh)[TABLE])
    except (OSError, ValueError, KeyError):
        return
    if cols != COLUMNS:
        print("gen_dpe: warning: column list differs from %s" % SCHEMA_FILE, file=sys.stderr)


def main(argv=None):
    ap = argparse.ArgumentParser(description="write a big, realistic DeviceProcessEvents table")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--rows", type=int, help="number of rows")
    g.add_argument("--size", type=parse_size, help="target size, e.g. 1G")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--now", type=parse_instant, default=parse_instant("2026-06-01T00:00:00Z"))
    ap.add_argument("--out", default="-")
    ap.add_argument("--format", choices=("jsonl", "json"), default="jsonl")
    ap.add_argument("--null-rate", type=float, default=0.05)
    ap.add_argument("--expect", help="write the seed rule's expected result (JSON) here")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    if args.rows is None and args.size is None:
        args.rows = 10000
    check_schema()

    gen = Generator(args.seed, args.now, args.null_rate)
    out = sys.stdout.buffer if args.out == "-" else open(args.out, "wb")
    as_array = args.format == "json"
    limit_rows = args.rows if args.rows is not None else float("inf")
    limit_bytes = args.size if args.size is not None else float("inf")

    # jsonl: every row is followed by "\n"; json: rows after the first are preceded by ",\n".
    written = rows = 0
    head = b"[\n" if as_array else b""
    out.write(head)
    written += len(head)
    row = gen.row
    longest = 16384           # bytes of the longest row so far (estimate until rows are seen)
    try:
        while rows < limit_rows and written < limit_bytes:
            # Never make a row that is not written: near the size limit, chunks shrink to
            # what surely fits, down to one row, so the file ends within one row of --size.
            n = min(2000, limit_rows - rows, max(1, (limit_bytes - written) // longest))
            lines = [row() for _ in range(int(n))]
            if as_array:
                text = (",\n" if rows else "") + ",\n".join(lines)
            else:
                text = "\n".join(lines) + "\n"
            data = text.encode("utf-8")
            longest = max(longest if rows else 0, max(len(ln) for ln in lines) * 11 // 10 + 16)
            out.write(data)
            written += len(data)
            rows += len(lines)
        tail = (b"\n]\n" if rows else b"]\n") if as_array else b""
        out.write(tail)
        written += len(tail)
    finally:
        if out is sys.stdout.buffer:
            out.flush()
        else:
            out.close()

    exp = gen.expected()
    if args.expect:
        with open(args.expect, "w", encoding="utf-8") as fh:
            json.dump(exp, fh, indent=1)
            fh.write("\n")
    if not args.quiet:
        print("gen_dpe: %d rows, %d bytes; seed rule: %d matching rows in %d groups"
              % (rows, written, sum(e["Count"] for e in exp), len(exp)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
