#!/usr/bin/python3
"""scripts/tap-count, the counter of every suite's TAP stream, against the
streams that broke the old counting: a warning printed in the middle of a
result line, a case that printed something, a stream cut short, a skip, a
known bug and a fixed one; and meson's testlog.json with TAP and exit-code
tests. Exits non-zero naming each disagreement."""

import json
import os
import subprocess
import sys
import tempfile

TAP_COUNT = os.path.join(sys.argv[1], 'scripts', 'tap-count')

CASES = [
        # (what, stream, expected "PASSED FAILED KNOWN")
        ('every case ok', 'TAP version 13\nok 1 - A.a\nok 2 - A.b\n1..2\n', '2 0 0'),
        ('a warning in the middle of the stream, not a result',
         'ok 1 - A.a\n/usr/lib/python3/dist-packages/gi/__init__.py:1: ImportWarning: ok\n'
         'test_b (A.b) ... warning: ok 9 - x\nok 2 - A.b\n1..2\n', '2 0 0'),
        ('a failure and an error', 'ok 1 - A.a\nnot ok 2 - A.b\nnot ok 3 - setUpClass (B)\n1..3\n', '1 2 0'),
        ('a skip is a failure', 'ok 1 - A.a\nnot ok 2 - A.b (skipped: no umockdev)\n1..2\n', '1 1 0'),
        ('a known bug', 'ok 1 - A.a\nnot ok 2 - A.b # TODO known bug: x\n1..2\n', '1 0 1'),
        ('a known bug fixed is a failure', 'ok 1 - A.a # TODO known bug, now fixed\n1..1\n', '0 1 0'),
        ('no plan: the run ended early', 'ok 1 - A.a\nok 2 - A.b\n', '2 1 0'),
        ('a plan that disagrees', '1..3\nok 1 - A.a\nok 2 - A.b\n', '2 1 0'),
        ('nothing at all', '', '0 1 0'),
        ('cmocka: plan first, "# " lines', '1..2\nok 1 - t_a\n# a note\nnot ok 2 - t_b\n# ERROR\n', '1 1 0'),
]

MESON = [
        {'name': 'lfa:unit / tap', 'result': 'OK', 'returncode': 0, 'stdout': '1..2\nok 1 - a\nok 2 - b\n'},
        {'name': 'lfa:lint / exit', 'result': 'OK', 'returncode': 0, 'stdout': 'all good\n'},
        {'name': 'lfa:lint / exit-fail', 'result': 'FAIL', 'returncode': 1, 'stdout': ''},
        # valgrind's error after every case passed: its case counts, and one failure.
        {'name': 'lfa:unit / leak', 'result': 'FAIL', 'returncode': 1, 'stdout': '1..1\nok 1 - a\n'},
]


def run(*args):
        out = subprocess.run([TAP_COUNT, *args], check=True, capture_output=True, text=True).stdout
        return out.splitlines()[0]


def main():
        bad = 0
        with tempfile.TemporaryDirectory() as d:
                for what, stream, want in CASES:
                        path = os.path.join(d, 'stream.tap')
                        with open(path, 'w') as f:
                                f.write(stream)
                        got = run(path)
                        if got != want:
                                print('%s: counted "%s", want "%s"' % (what, got, want))
                                bad += 1
                path = os.path.join(d, 'testlog.json')
                with open(path, 'w') as f:
                        f.write(''.join(json.dumps(t) + '\n' for t in MESON))
                got = run('--meson', path)
                if got != '4 2 0':
                        print('meson testlog: counted "%s", want "4 2 0"' % got)
                        bad += 1
        return 1 if bad else 0


if __name__ == '__main__':
        sys.exit(main())
