#!/usr/bin/env python3
"""explain_test.py: 'kql explain --analyze' and 'kql explain --why' on the seed rule and on
other queries over the shipped sample data, compared with the outputs stored in
tests/shell/expected/<case>.txt (times are masked: "  0.123 ms" reads " T ms").

usage: explain_test.py KQL REPO_ROOT [--update]

--update writes the expected files from what kql prints now; read the diff before
committing it.  Each case prints "ok - NAME" or "FAIL - NAME" with a diff; the last line is
"N passed, M failed"; the exit status is 0 iff none failed.
"""
import difflib
import os
import re
import subprocess
import sys

SEED_YAML = 'queries/rmm_TightVNC_createproc.yaml'
SEED_KQL = 'queries/rmm_TightVNC_createproc.kql'
FAILED_LOGONS = ('DeviceLogonEvents\n| where ActionType == "LogonFailed"\n'
                 '| summarize Failures = count() by AccountName, DeviceName\n'
                 '| where Failures >= 2\n| sort by Failures desc')

# (name, arguments after 'kql explain'): every case reads the shipped data/ folder.
CASES = [
    ('analyze_seed_rule', ['--analyze', SEED_YAML]),
    ('why_seed_outside_time_window', ['--why', '2', SEED_KQL]),
    ('why_seed_other_vendor', ['--why', 'FileName == "AnyDesk.exe"', SEED_KQL]),
    ('why_seed_has_needs_whole_term', ['--why', 'ProcessVersionInfoProductName == "TightVNCServer"', SEED_YAML]),
    ('why_seed_row_in_result', ['--why', '1', SEED_YAML]),
    ('why_seed_group_in_result', ['--why', 'DeviceName == "lt-hr-007"', SEED_KQL]),
    ('analyze_and_why_failed_logons', ['--analyze', '--why', 'ActionType == "LogonSuccess"', '-e', FAILED_LOGONS]),
    ('why_failed_logon_group_in_result', ['--why', 'AccountName == "svc-backup" and ActionType == "LogonFailed"',
                                          '-e', FAILED_LOGONS]),
    ('why_failed_logon_group_dropped_later', ['--why', 'AccountName == "admin" and ActionType == "LogonFailed"',
                                             '-e', FAILED_LOGONS]),
    ('why_null_is_not_true', ['--why', '1', '-e', 'DeviceProcessEvents | where FileSize > 1000000 | project FileName']),
    ('why_take_depends_on_other_rows', ['--why', '40', '-e', 'DeviceProcessEvents | where FileName endswith ".exe" | take 10']),
    ('why_join_no_match', ['--why', 'DeviceName == "dc-01.contoso.local"', '-e',
                           'DeviceLogonEvents | join kind=inner (DeviceNetworkEvents | where RemotePort == 5900) on DeviceName '
                           '| project DeviceName, AccountName, RemoteIP']),
    ('analyze_let_union', ['--analyze', '-e',
                                'let Vnc = DeviceProcessEvents | where FileName startswith "tvn";\n'
                                'union (Vnc | project DeviceName, What = FileName), '
                                '(DeviceNetworkEvents | where RemotePort == 5900 | project DeviceName, What = RemoteIP)\n'
                                '| summarize Things = make_set(What) by DeviceName']),
    ('analyze_make_series', ['--analyze', '-e',
                             'DeviceProcessEvents | make-series n = count() on Timestamp step 1d by DeviceName\n'
                             '| extend (Flag, Score, Baseline) = series_decompose_anomalies(n)']),
    ('why_row_past_the_end', ['--why', '500', SEED_KQL]),
    ('why_predicate_with_error', ['--why', 'FileNam == "x"', SEED_KQL]),
    ('why_predicate_matching_nothing', ['--why', 'ReportId == -1', SEED_KQL]),
]

TIME = re.compile(r' *\d+\.\d{3} ms')


def run(kql, root, args):
    p = subprocess.run([kql, 'explain'] + args + ['--data', 'data'], cwd=root, capture_output=True,
                       timeout=120)
    text = TIME.sub(' T ms', p.stdout.decode('utf-8', 'replace'))
    if p.stderr:
        text += '--- stderr ---\n' + p.stderr.decode('utf-8', 'replace')
    return text + '--- exit %d ---\n' % p.returncode


def main():
    args = [a for a in sys.argv[1:] if a != '--update']
    update = '--update' in sys.argv
    if len(args) != 2:
        print('usage: explain_test.py KQL REPO_ROOT [--update]', file=sys.stderr)
        print('0 passed, 1 failed')
        return 2
    kql, root = os.path.abspath(args[0]), os.path.abspath(args[1])
    expected_dir = os.path.join(root, 'tests', 'shell', 'expected')
    passed = failed = 0
    for name, case_args in CASES:
        got = run(kql, root, case_args)
        path = os.path.join(expected_dir, name + '.txt')
        if update:
            os.makedirs(expected_dir, exist_ok=True)
            with open(path, 'w', encoding='utf-8') as f:
                f.write(got)
        want = open(path, encoding='utf-8').read() if os.path.exists(path) else ''
        if got == want:
            passed += 1
            print('ok - ' + name)
        else:
            failed += 1
            print('FAIL - ' + name + ' (kql explain ' + ' '.join(case_args) + ')')
            for line in difflib.unified_diff(want.splitlines(), got.splitlines(), 'expected', 'got', lineterm=''):
                print('    ' + line)
    print('%d passed, %d failed' % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
