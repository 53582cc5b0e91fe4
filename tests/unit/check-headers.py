#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""daemon/'s headers: each builds alone, and none depends on itself.

A header depends on the headers it #includes and on the header that
defines a type it only forward-declares (`typedef struct Decision
Decision;` uses policy.h's type as surely as an #include would). A cycle
in that graph means two modules that cannot be changed or tested apart
(issue 12): any cycle fails.

The output has cmocka's lines, which scripts/suites/10-unit counts.

Run: check-headers.py DAEMON_DIR CC [CC_ARGS...]
"""

import os
import re
import subprocess
import sys

CFLAGS = ['-std=gnu11', '-D_GNU_SOURCE', '-Wall', '-Wextra', '-Werror', '-fsyntax-only']


def dependencies(daemon):
        headers = sorted(f for f in os.listdir(daemon) if f.endswith('.h'))
        text = {h: open(os.path.join(daemon, h), encoding='utf-8').read() for h in headers}
        defined = {}
        for h in headers:
                for m in re.finditer(r'^(?:typedef\s+)?(?:struct|enum)\s+(\w+)\s*\{', text[h], re.M):
                        defined.setdefault(m.group(1), h)
        deps = {}
        for h in headers:
                d = {}
                for inc in re.findall(r'^#include\s+"([^"]+)"', text[h], re.M):
                        d[inc] = '#include'
                for m in re.finditer(r'^typedef\s+(?:struct|enum)\s+(\w+)\s+\w+\s*;', text[h], re.M):
                        owner = defined.get(m.group(1))
                        if owner and owner != h:
                                d.setdefault(owner, 'type ' + m.group(1))
                deps[h] = d
        return headers, deps


def cycles(deps):
        """Each cycle once, as a list of (header, why it needs the next)."""
        found = {}

        def walk(path):
                h = path[-1][0]
                for nxt, why in sorted(deps.get(h, {}).items()):
                        steps = path[:-1] + [(h, why)]
                        names = [s[0] for s in steps]
                        if nxt in names:
                                cycle = steps[names.index(nxt):]
                                key = tuple(sorted(s[0] for s in cycle))
                                found.setdefault(key, cycle)
                        elif nxt in deps:
                                walk(steps + [(nxt, None)])

        for h in sorted(deps):
                walk([(h, None)])
        return found


def main():
        daemon, cc = sys.argv[1], sys.argv[2:]
        headers, deps = dependencies(daemon)
        results = []

        for h in headers:
                r = subprocess.run(cc + CFLAGS + ['-I', daemon, '-x', 'c', '-'],
                                   input='#include "%s"\n' % h, capture_output=True, text=True)
                results.append(('%s builds alone' % h, r.returncode == 0, r.stderr.strip()))

        found = cycles(deps)
        why = '\n'.join(' -> '.join('%s (%s)' % s for s in c) + ' -> ' + c[0][0] for c in found.values())
        results.append(('no include cycle between daemon/ headers', not found, why))

        print('[==========] Running %d test(s).' % len(results))
        for name, ok, detail in results:
                print('[ RUN      ] %s' % name)
                if detail and not ok:
                        print(detail)
                print('[       OK ] %s' % name if ok else '[  FAILED  ] %s' % name)
        print('[==========] %d test(s) run.' % len(results))
        failed = [name for name, ok, _ in results if not ok]
        print('[  PASSED  ] %d test(s).' % (len(results) - len(failed)))
        if failed:
                print('[  FAILED  ] %d test(s), listed below:' % len(failed))
                for name in failed:
                        print('[  FAILED  ] %s' % name)
        return 1 if failed else 0


if __name__ == '__main__':
        sys.exit(main())
