#!/usr/bin/env python3
"""tutorial.py: keeps docs/tutorial.md honest.  Each ```kql block is run with
'kql run -e QUERY --format table', each line of a ```sh block that starts with 'kql ' is run
as that command, always from the repository's root over its data/ folder; the ```output
block after it must hold exactly what kql printed.  The tutorial must have ten lessons.

usage: tutorial.py KQL REPO_ROOT [--update]

--update rewrites the output blocks of docs/tutorial.md from what kql prints now (read the
diff before committing it); without it, a difference fails.  Prints "ok - ..." or
"FAIL - ..." per check and "N passed, M failed" last; exit status 0 iff none failed.
"""
import difflib
import os
import re
import shlex
import subprocess
import sys

FENCE = re.compile(r'^```(\w*)\s*$')


def run_block(kql, root, lang, body):
    """What kql prints for a kql or sh block: (output, error message or None)."""
    if lang == 'kql':
        argvs = [[kql, 'run', '-e', body.rstrip('\n'), '--format', 'table']]
    else:
        argvs = []
        for line in body.splitlines():
            line = line.strip()
            if line.startswith('$ '):
                line = line[2:]
            if line.startswith('kql '):
                argvs.append([kql] + shlex.split(line)[1:])
    out = ''
    for argv in argvs:
        p = subprocess.run(argv + ['--data', 'data'], cwd=root, capture_output=True, timeout=120)
        if p.returncode != 0:
            return out, '%s exited %d: %s' % (' '.join(argv[1:]), p.returncode,
                                              p.stderr.decode('utf-8', 'replace')[:500])
        out += p.stdout.decode('utf-8')
    return out, None


def regenerate(kql, root, text):
    """The tutorial with every output block made anew; also (queries run, errors)."""
    lines = text.splitlines(keepends=True)
    result, errors, ran = [], [], 0
    i = 0
    pending = None  # output of the last kql/sh block, to put in the next output block
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m or not m.group(1):
            result.append(lines[i])
            i += 1
            continue
        lang = m.group(1)
        j = i + 1
        while j < len(lines) and not FENCE.match(lines[j]):
            j += 1
        body = ''.join(lines[i + 1:j])
        if lang == 'output':
            result.append(lines[i])
            if pending is None:
                errors.append('an output block with no query before it, line %d' % (i + 1))
                result.extend(lines[i + 1:j])
            else:
                result.append(pending)
            pending = None
        else:
            result.extend(lines[i:j])
            if lang in ('kql', 'sh') and not body.lstrip().startswith('./build/kql'):
                if pending is not None:
                    errors.append('a query with no output block after it, before line %d' % (i + 1))
                out, err = run_block(kql, root, lang, body)
                ran += 1
                if err:
                    errors.append('line %d: %s' % (i + 1, err))
                pending = out
            if j < len(lines):
                result.append(lines[j])
            i = j + 1
            continue
        if j < len(lines):
            result.append(lines[j])
        i = j + 1
    return ''.join(result), ran, errors


def main():
    args = [a for a in sys.argv[1:] if a != '--update']
    update = '--update' in sys.argv
    if len(args) != 2:
        print('usage: tutorial.py KQL REPO_ROOT [--update]', file=sys.stderr)
        print('0 passed, 1 failed')
        return 2
    kql, root = os.path.abspath(args[0]), os.path.abspath(args[1])
    path = os.path.join(root, 'docs', 'tutorial.md')
    text = open(path, encoding='utf-8').read()
    passed = failed = 0

    def check(name, ok, why=''):
        nonlocal passed, failed
        print(('ok - ' if ok else 'FAIL - ') + name)
        if not ok:
            for line in why.splitlines():
                print('    ' + line)
            failed += 1
        else:
            passed += 1

    lessons = re.findall(r'^## Lesson (\d+):', text, re.M)
    check('the tutorial has ten lessons, numbered 1 to 10', lessons == [str(k) for k in range(1, 11)],
          'lessons: %s' % lessons)
    new, ran, errors = regenerate(kql, root, text)
    check('every query of the tutorial runs (%d of them)' % ran, not errors and ran >= 10, '\n'.join(errors))
    check('every lesson has a query and its output',
          all('```output' in part for part in re.split(r'^## Lesson \d+:', text, flags=re.M)[1:]))
    if update and new != text:
        with open(path, 'w', encoding='utf-8') as f:
            f.write(new)
        print('# updated docs/tutorial.md')
    else:
        diff = '\n'.join(difflib.unified_diff(text.splitlines(), new.splitlines(), 'docs/tutorial.md',
                                              'what kql prints now', lineterm=''))
        check('the outputs in docs/tutorial.md are what kql prints (tests/tutorial/tutorial.py --update '
              'regenerates them)', new == text, diff[:6000])
    print('%d passed, %d failed' % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
