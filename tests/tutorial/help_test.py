#!/usr/bin/env python3
"""help_test.py: the help never lies.  Every example of every 'kql help' topic is run on the
shipped data and must succeed with at least one row; every topic and every function of the
registry has help; 'kql help' lists the operators and functions; an unknown topic gets a
suggestion; misused operators and functions point to their topic.

usage: help_test.py KQL REPO_ROOT

Prints "ok - NAME" or "FAIL - NAME" per check and "N passed, M failed" last; exit status 0
iff none failed.
"""
import json
import os
import subprocess
import sys


def kql(binary, root, *args):
    p = subprocess.run([binary] + list(args), cwd=root, capture_output=True, timeout=120)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def main():
    if len(sys.argv) != 3:
        print('usage: help_test.py KQL REPO_ROOT', file=sys.stderr)
        print('0 passed, 1 failed')
        return 2
    binary, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    passed = failed = 0

    def check(name, ok, why=''):
        nonlocal passed, failed
        print(('ok - ' if ok else 'FAIL - ') + name)
        if ok:
            passed += 1
        else:
            failed += 1
            for line in why.splitlines()[:30]:
                print('    ' + line)

    # Every example runs and returns rows.
    rc, out, err = kql(binary, root, 'help', '--examples')
    examples = [line.split('\t', 1) for line in out.splitlines() if '\t' in line]
    check('kql help --examples lists the examples (%d)' % len(examples), rc == 0 and len(examples) >= 40, err)
    for topic, query in examples:
        rc, out, err = kql(binary, root, 'run', '-e', query, '--data', 'data', '--format', 'json')
        rows = []
        if rc == 0:
            try:
                rows = json.loads(out)
            except ValueError:
                rc = -1
        check('the example of "%s" runs and returns rows' % topic, rc == 0 and len(rows) > 0 and not err,
              'query: %s\nexit %d, %d rows\n%s' % (query, rc, len(rows), err))

    # Each topic prints its syntax, text, example and the example's real output.
    for topic, query in examples:
        rc, out, err = kql(binary, root, 'help', topic)
        check('kql help %s shows the example and its output' % topic,
              rc == 0 and 'Example, on the shipped sample data:' in out and 'row' in out.split('Example')[-1]
              and 'did not run here' not in out, out[-800:] + err)

    # The topics the issue names, in full.
    rc, out, _ = kql(binary, root, 'help', 'where')
    check('kql help where: syntax, explanation, example', rc == 0 and 'T | where Predicate' in out
          and 'Keeps the rows' in out and 'powershell.exe' in out and '(6 rows)' in out, out)
    rc, out, _ = kql(binary, root, 'help', 'has')
    check('kql help has: whole terms, with the TightVNCServer example', rc == 0 and 'whole term' in out
          and 'TightVNCServer                 false  true' in out, out)
    rc, out, _ = kql(binary, root, 'help', 'make_set')
    check('kql help make_set: syntax, explanation, example', rc == 0 and 'make_set(Expression [, MaxSize])' in out
          and '"tvnserver.exe","tvnviewer.exe"' in out, out)

    # kql help lists operators and functions; every function has some help.
    rc, out, _ = kql(binary, root, 'help')
    check('kql help lists the operators and the functions', rc == 0 and 'Tabular operators' in out
          and '  summarize ' in out and 'make_set' in out and 'tolower' in out and 'kql help TOPIC' in out, out)
    rc, out, _ = kql(binary, root, 'help', 'functions')
    names = [line.split()[0] for line in out.splitlines() if line.startswith('  ') and len(line.split()) > 1]
    check('kql help functions lists the functions with a summary (%d)' % len(names), rc == 0 and len(names) > 100, out)
    bad = []
    for name in names:
        rc, out, err = kql(binary, root, 'help', name)
        if rc != 0 or name not in out:
            bad.append('%s: exit %d %s' % (name, rc, err))
    check('every function has a help topic', not bad, '\n'.join(bad))
    for guide in ('operators', 'shell', 'explain', 'tutorial'):
        rc, out, _ = kql(binary, root, 'help', guide)
        check('kql help %s' % guide, rc == 0 and len(out) > 80, out)

    # Unknown topics, and errors that point to help.
    rc, out, err = kql(binary, root, 'help', 'summarise')
    check('an unknown topic gets a suggestion on stderr and exit status 2',
          rc == 2 and "did you mean 'summarize'?" in err and not out, out + err)
    cases = [
        ('DeviceProcessEvents | summarize make_set()', "kql help make_set"),
        ('DeviceProcessEvents | where FileName', "kql help where"),
        ('DeviceProcessEvents | take "ten"', "kql help take"),
        ('DeviceProcessEvents | summarize count() by', "kql help summarize"),
    ]
    for query, hint in cases:
        rc, out, err = kql(binary, root, 'run', '-e', query, '--data', 'data')
        check('the error of "%s" points to \'%s\'' % (query, hint), rc == 1 and ("see '%s'" % hint) in err, err)
    rc, out, err = kql(binary, root, 'run', '-e', 'DeviceProcessEvents | project FileNam', '--data', 'data')
    check('an unknown column gets "did you mean", not a help topic', rc == 1 and 'kql help' not in err
          and "did you mean 'FileName'?" in err, err)

    print('%d passed, %d failed' % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
