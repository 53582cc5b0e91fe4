#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""List what daemon/*.h and lfactl/*.h define and nothing uses.

A macro, a static inline function, a function a header declares, or a
cleanup function made by DEFINE_POINTER_CLEANUP_FUNC*(), that no C source
of the tree names outside its own definition (comments and strings do not
count) is dead: the compiler says nothing about it, so this does. Enum
sentinels (_FOO_MAX, _FOO_INVALID) are systemd's shape and not helpers.

    unused-helpers.py [SOURCE_ROOT]      exit 1 and name them, if any
    unused-helpers.py -v [SOURCE_ROOT]   also name the ones only tests use
"""

import pathlib
import re
import sys

COMMENT_OR_STRING = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)


def strip(text):
    # Keep the newlines so line numbers stay right.
    return COMMENT_OR_STRING.sub(lambda m: '""' if m.group(0)[0] == '"' else '\n' * m.group(0).count('\n'), text)


def definitions(header, text):
    """(name, line) of every helper the header defines."""
    found = []
    patterns = [
        re.compile(r'^#\s*define\s+(\w+)', re.M),
        re.compile(r'^static\s+inline\s+[^(;{]*?\b(\w+)\s*\(', re.M),
        # A prototype: a declaration at column 0 whose first '(' follows the name.
        re.compile(r'^(?!typedef|static|#|struct\s+\w+\s*\{|enum|union)[A-Za-z_][^;{}()=]*?\b(\w+)\s*\([^;{]*\)[^;{]*;', re.M),
    ]
    for rx in patterns:
        for m in rx.finditer(text):
            found.append((m.group(1), text.count('\n', 0, m.start()) + 1))
    for m in re.finditer(r'^DEFINE_POINTER_CLEANUP_FUNC(?:_FREE)?\(\s*[^,]+,\s*(\w+)\s*\)', text, re.M):
        found.append((m.group(1) + 'p', text.count('\n', 0, m.start()) + 1))
    return found


def main():
    args = [a for a in sys.argv[1:] if a != '-v']
    verbose = '-v' in sys.argv[1:]
    root = pathlib.Path(args[0] if args else pathlib.Path(__file__).resolve().parents[2])

    sources = {}
    for pattern in ('daemon/*.[ch]', 'lfactl/*.[ch]', 'tests/**/*.[ch]', 'bench/*.[ch]'):
        for p in root.glob(pattern):
            sources[p.relative_to(root).as_posix()] = strip(p.read_text(errors='replace'))

    unused, tests_only = [], []
    for header in sorted(h for h in sources if h.endswith('.h') and h.split('/')[0] in ('daemon', 'lfactl')):
        for name, line in definitions(header, sources[header]):
            rx = re.compile(r'\b' + re.escape(name) + r'\b')
            production = tests = 0
            for path, text in sources.items():
                for n, l in enumerate(text.split('\n'), 1):
                    if not rx.search(l):
                        continue
                    if path == header and n == line:
                        continue
                    # A function's own definition starts at column 0; calls
                    # are indented (systemd style).
                    if path.endswith('.c') and path.split('/')[0] in ('daemon', 'lfactl') and \
                            re.match(r'[A-Za-z_]', l) and not l.rstrip().endswith(';'):
                        continue
                    if path.startswith(('daemon/', 'lfactl/')) and not path.startswith('lfactl/tests/'):
                        production += 1
                    else:
                        tests += 1
            if production + tests == 0:
                unused.append(f'{header}:{line}: {name}')
            elif production == 0:
                tests_only.append(f'{header}:{line}: {name}')

    for u in unused:
        print(f'unused: {u}')
    if verbose:
        for t in tests_only:
            print(f'only tests use: {t}')
    return 1 if unused else 0


if __name__ == '__main__':
    sys.exit(main())
