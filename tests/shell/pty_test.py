#!/usr/bin/env python3
"""pty_test.py: drives 'kql shell' in a pseudo-terminal, as a person would, and checks what
the terminal shows: Tab completion of a table, an operator and columns, a multi-line query,
Ctrl-C on a half-typed query, .schema through the built-in pager, Ctrl-C on a long query
(a table of 300,000 rows generated here) with the progress line shown while it runs, a query
after that, .quit, and the history file; 'kql' alone on a terminal, and Ctrl-D.  Also that
'kql run' prints no progress when stderr is not a terminal.

usage: pty_test.py KQL REPO_ROOT

Only the Python standard library (pty, select, termios): the child gets a 30x120 terminal,
HOME in a temporary folder (so ~/.kql_history and ~/.editrc are the test's own), no PAGER.
Each check prints "ok - NAME" or "FAIL - NAME" with the terminal's recent output; the last
line is "N passed, M failed"; the exit status is 0 iff none failed.
"""
import fcntl
import json
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time

# A query slow enough to be interrupted (about 4 s of CPU on 300,000 rows in an optimized
# build, more under sanitizers): two regular expressions per row and distinct counts of
# 300,000 different strings.
HEAVY = ('Big | extend a = tolower(FileName), b = toupper(DeviceName) | extend c = strcat(a, b, N) '
         '| extend d = strlen(c), e = extract(@"(\\d+)", 1, c), f = replace_regex(c, @"[0-9]", "x") '
         '| summarize dcount(c), dcount(f), sum(d), make_set(e, 5) by DeviceName | count;')

ANSI = re.compile(rb'\x1b\[[0-9;?]*[A-Za-z]|\r')


def make_big_table(folder, rows=300000):
    """Write folder/Big.jsonl: 'rows' rows of four columns (about 29 MB)."""
    with open(os.path.join(folder, 'Big.jsonl'), 'w') as f:
        for k in range(rows // 1000):
            f.write(''.join('{"Timestamp": "2026-05-30T12:00:00Z", "DeviceName": "host-%d", "FileName": '
                            '"f%d.exe", "N": %d}\n' % (i % 50, i % 97, k * 1000 + i) for i in range(1000)))


class Term:
    """A child process on a pseudo-terminal, and what it has written."""

    def __init__(self, argv, env, cwd, rows=30, cols=120):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(cwd)
            os.execve(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
        self.out = b''
        self.mark = 0      # checks look at the output after the mark
        self.status = None

    def pump(self, seconds):
        """Read what the child writes for 'seconds'; False once it has closed the terminal."""
        end = time.time() + seconds
        while True:
            left = end - time.time()
            if left <= 0:
                return True
            r, _, _ = select.select([self.fd], [], [], min(left, 0.05))
            if r:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:
                    return False
                if not data:
                    return False
                self.out += data

    def send(self, keys):
        os.write(self.fd, keys.encode() if isinstance(keys, str) else keys)

    def expect(self, pattern, timeout=10):
        """Wait until 'pattern' (a regex over the output after the mark, escape sequences and
        carriage returns removed) shows; returns the match or None."""
        rx = re.compile(pattern.encode() if isinstance(pattern, str) else pattern, re.S)
        end = time.time() + timeout
        while True:
            m = rx.search(self.screen())
            if m:
                return m
            if time.time() > end or not self.pump(0.1):
                m = rx.search(self.screen())
                return m

    def screen(self):
        return ANSI.sub(b'', self.out[self.mark:])

    def set_mark(self):
        self.mark = len(self.out)

    def tail(self, n=600):
        return self.screen()[-n:].decode('utf-8', 'replace')

    def wait(self, timeout=10):
        end = time.time() + timeout
        while time.time() < end:
            self.pump(0.1)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
                return status
        return None

    def kill(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, ok, why=''):
        if ok:
            self.passed += 1
            print('ok - ' + name)
        else:
            self.failed += 1
            print('FAIL - ' + name)
            for line in why.splitlines():
                print('    ' + line)
        sys.stdout.flush()
        return ok


def main():
    if len(sys.argv) != 3:
        print('usage: pty_test.py KQL REPO_ROOT', file=sys.stderr)
        print('0 passed, 1 failed')
        return 2
    kql, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    tmp = tempfile.mkdtemp(prefix='kql-pty.')
    c = Checks()
    term = None
    try:
        data = os.path.join(tmp, 'data')
        os.mkdir(data)
        make_big_table(data)
        env = {k: v for k, v in os.environ.items() if k not in ('PAGER', 'LINES', 'COLUMNS')}
        env.update(HOME=tmp, TERM='xterm', LC_ALL='C.UTF-8')
        term = Term([kql, 'shell', '--data', os.path.join(root, 'data'), '--data', data], env, root)

        c.check('the shell starts with a prompt', term.expect(r'kql> ', 10), term.tail())

        # Completion and a multi-line query: every name below is typed half and completed.
        term.set_mark()
        term.send('DevicePro\t')
        c.check('Tab completes a table name', term.expect(r'DeviceProcessEvents ', 5), term.tail())
        term.send('\r| wh\t')
        c.check('Tab after | completes an operator', term.expect(r'\.\.\.> \| where ', 5), term.tail())
        term.send('FileN\t')
        c.check('Tab completes a column of the table in scope', term.expect(r'where FileName ', 5), term.tail())
        term.send('== "cmd.exe"\r| project Dev\t')
        term.pump(0.3)
        term.send('\t')
        c.check('Tab lists the columns that share a prefix', term.expect(r'DeviceId\s+DeviceName', 5), term.tail())
        term.send('Name\r')
        c.check('a query goes on over several lines', term.expect(r'\.\.\.> $', 5), term.tail())
        term.set_mark()
        term.send('\r')
        m = term.expect(r'\(4 rows\).*kql> ', 10)
        c.check('a blank line runs the multi-line query', m and b'ws-mkt-022.contoso.local' in term.screen(),
                term.tail())

        # Ctrl-C on a half-typed query forgets it.
        term.set_mark()
        term.send('DeviceLogonEvents | take\x03')
        c.check('Ctrl-C at the prompt drops the line typed', term.expect(r'\^C\s*kql> $', 5), term.tail())
        term.set_mark()
        term.send('print answer = 6 * 7;\r')
        c.check('...and the next query runs alone', term.expect(r'answer.*42.*kql> ', 5), term.tail())

        # .schema with table completion; 55 columns do not fit 30 rows: the built-in pager.
        term.set_mark()
        term.send('.schema DeviceL\t')
        c.check('Tab completes a table after .schema', term.expect(r'\.schema DeviceLogonEvents', 5), term.tail())
        term.send('\r')
        m = term.expect(r'-- more \(\d+%\)', 5)
        c.check('.schema shows the columns, paged', m and b'AccountName' in term.screen()
                and b'datetime' in term.screen() and b'TimeGenerated' not in term.screen(), term.tail())
        term.send(' ')
        c.check('space shows the next page', term.expect(r'TimeGenerated\s+datetime.*kql> ', 5), term.tail())

        # Ctrl-C on a long query: the progress line shows after a second, Ctrl-C cancels.
        term.set_mark()
        t0 = time.time()
        term.send(HEAVY + '\r')
        m = term.expect(r'Big: [0-9.]+ [KMG]?B of [0-9.]+ MB \(\d+%\), \d+ rows', 20)
        c.check('a long scan shows a progress line (bytes, rows, rate)', m and b'rows/s' in term.screen(),
                term.tail())
        term.send('\x03')
        m = term.expect(r'query cancelled\s*kql> ', 10)
        c.check('Ctrl-C cancels the running query, not the shell', m, term.tail())
        c.check('...quickly', time.time() - t0 < 30 and m and b'Count' not in term.screen(), term.tail())
        term.set_mark()
        term.send('Big | count;\r')
        c.check('the shell runs queries after a cancel', term.expect(r'300000.*kql> ', 20), term.tail())

        # .quit ends the shell with status 0 and the history is saved.
        term.send('.quit\r')
        status = term.wait(10)
        c.check('.quit leaves with status 0', status is not None and os.WIFEXITED(status)
                and os.WEXITSTATUS(status) == 0, 'status %r; %s' % (status, term.tail()))
        hist = os.path.join(tmp, '.kql_history')
        text = open(hist, encoding='utf-8', errors='replace').read() if os.path.exists(hist) else ''
        text = re.sub(r'\\([0-7]{3})', lambda m: chr(int(m.group(1), 8)), text)  # libedit's vis(3) form
        c.check('the lines typed are in ~/.kql_history', 'print answer = 6 * 7;' in text, text[-400:])

        # 'kql' alone on a terminal is the shell too; Ctrl-D leaves it.
        term = Term([kql], env, root)
        c.check("'kql' with no arguments on a terminal opens the shell", term.expect(r'kql> ', 10), term.tail())
        term.send('\x04')
        status = term.wait(10)
        c.check('Ctrl-D at the prompt leaves with status 0', status is not None and os.WIFEXITED(status)
                and os.WEXITSTATUS(status) == 0, 'status %r; %s' % (status, term.tail()))

        # No progress line when stderr is not a terminal.
        p = subprocess.run([kql, 'run', '-e', HEAVY.rstrip(';'), '--data', data, '--format', 'json'],
                           cwd=root, env=env, capture_output=True, timeout=300)
        c.check('no progress line when stderr is piped', p.returncode == 0 and p.stderr == b''
                and b'"Count":50' in p.stdout, 'rc %d, stderr %r' % (p.returncode, p.stderr[:300]))
    finally:
        if term and term.status is None:
            term.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    print('%d passed, %d failed' % (c.passed, c.failed))
    return 0 if c.failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
