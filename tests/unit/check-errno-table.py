#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check every copy of the LFA code/errno table against its one source.

The source is driver/Documentation/admin-guide/lfa.rst, section "Errors":
the table "LFA return codes" (x0, LFA code, errno; the row "any" gives the
errno of a value that is no LFA code) and the table "The driver's own
errors" (with the first, the errnos the driver names in last_error and
LFA_ERRNO=). The driver, lfad, the simulator and the tests each keep their
own copy, in their own language; this reads each one and names, as
file:line, every entry that differs from lfa.rst (code name, x0, errno, an
entry missing or one too many). A copy this cannot find fails too, so
moving one means telling this where it went.

    check-errno-table.py [SOURCE_ROOT]   exit 1 and name the differences
"""

import ast
import pathlib
import re
import sys

SOURCE = 'driver/Documentation/admin-guide/lfa.rst'
SUCCESS = ('SUCCESS', 0)


class Table:
    """What lfa.rst says, and the differences found so far."""

    def __init__(self, root):
        self.root = root
        self.errors = []
        self.code_x0 = {}       # 'BUSY' -> -2
        self.x0_errno = {}      # -2 -> 'EBUSY'
        self.other_errno = None  # the row "any"
        self.errnos = []        # every errno name the driver knows
        self.parse_source()

    def fail(self, path, line, msg):
        self.errors.append('%s:%d: %s' % (path, line, msg))

    def read(self, path):
        try:
            return (self.root / path).read_text()
        except OSError as e:
            self.fail(path, 1, 'cannot read: %s' % e.strerror)
            return ''

    # lfa.rst ------------------------------------------------------------

    def rst_table(self, lines, title):
        """Rows (line, cells) of the first simple table after title."""
        try:
            i = next(n for n, l in enumerate(lines)
                     if l.strip() == title and set(lines[n + 1].strip()) == {'-'})
        except StopIteration:
            self.fail(SOURCE, 1, 'no section "%s"' % title)
            return []
        while i < len(lines) and not re.fullmatch(r'=+( +=+)+', lines[i]):
            i += 1
        if i == len(lines):
            self.fail(SOURCE, 1, 'no table in section "%s"' % title)
            return []
        cols = [m.span() for m in re.finditer(r'=+', lines[i])]
        # Borders: top, below the header, bottom.
        borders = [n for n in range(i, len(lines)) if lines[n] == lines[i]][:3]
        rows = []
        for n in range(borders[1] + 1, borders[2]):
            l = lines[n]
            cells = [l[a:b if k + 1 < len(cols) else None].strip()
                     for k, (a, b) in enumerate(cols)]
            if cells[0]:
                rows.append((n + 1, cells))
            elif rows and any(cells):
                rows[-1][1][:] = [(o + ' ' + c).strip() for o, c in zip(rows[-1][1], cells)]
        return rows

    def parse_source(self):
        lines = self.read(SOURCE).splitlines()
        for line, (x0, code, errno, _) in self.rst_table(lines, 'LFA return codes'):
            errno = errno.lstrip('-')
            if x0 == 'any':
                self.other_errno = errno
            elif re.fullmatch(r'-[0-9]+', x0) and re.fullmatch(r'[A-Z_]+', code):
                self.code_x0[code] = int(x0)
                self.x0_errno[int(x0)] = errno
            else:
                self.fail(SOURCE, line, 'cannot read row "%s %s %s"' % (x0, code, errno))
        own = [cells[0].lstrip('-') for _, cells in self.rst_table(lines, "The driver's own errors")]
        # "the names the driver knows are those in the tables below and EINTR"
        for e in list(self.x0_errno.values()) + [self.other_errno] + own + ['EINTR']:
            if e not in self.errnos:
                self.errnos.append(e)
        # lfa_errmap[] and the agent's lfa_code_names[] are indexed by -x0.
        if sorted(self.code_x0.values()) != list(range(-len(self.code_x0), 0)):
            self.fail(SOURCE, 1, 'the LFA codes are not -1..-%d' % len(self.code_x0))
        if not self.code_x0 or self.other_errno is None or not own:
            self.fail(SOURCE, 1, 'the errno tables are incomplete (no codes, no "any" row or no own errors)')

    # comparing ----------------------------------------------------------

    def compare(self, path, anchor, entries, expected, what, optional=None, extra_ok=False):
        """entries: (line, key, value); expected: key -> value.

        optional keys may be absent, but must be right where present;
        extra_ok lets the copy hold keys lfa.rst does not (a superset).
        Missing entries are reported at anchor, the copy's first line."""
        optional = optional or {}
        seen = {}
        for line, key, value in entries:
            want = expected.get(key, optional.get(key))
            if key in seen:
                self.fail(path, line, '%s %s twice (also line %d)' % (what, key, seen[key]))
            elif want is None:
                if not extra_ok:
                    self.fail(path, line, '%s %s is not in %s' % (what, key, SOURCE))
            elif value != want:
                self.fail(path, line, '%s %s: %s, %s says %s' % (what, key, value, SOURCE, want))
            seen.setdefault(key, line)
        for key, want in expected.items():
            if key not in seen:
                self.fail(path, anchor, '%s %s (%s) missing' % (what, key, want))

    def code_errno(self):
        return {c: self.x0_errno[x] for c, x in self.code_x0.items()}

    def errno_self(self):
        return {e: e for e in self.errnos}

    @staticmethod
    def lineno(text, pos):
        return text.count('\n', 0, pos) + 1

    def block(self, path, text, start):
        """(first line, offset, body) of the initializer that start opens."""
        m = re.search(start, text, re.M)
        if not m:
            self.fail(path, 1, 'no "%s": where did the table go?' % start)
            return 1, 0, ''
        end = text.find('\n}', m.end())
        return self.lineno(text, m.start()), m.end(), text[m.end():end]

    def entries(self, path, text, start, rx):
        """(anchor, [(line, match)]) of rx in the block start opens."""
        anchor, off, body = self.block(path, text, start)
        found = [(self.lineno(text, off + m.start()), m) for m in re.finditer(rx, body)]
        if body and not found:
            self.fail(path, anchor, 'no entry found after "%s"' % start)
        return anchor, found

    def errno_constant(self, path, line, const, name):
        """A C entry { EFOO, "EFOO" }: the constant and its name agree."""
        if const != name:
            self.fail(path, line, 'errno %s named "%s"' % (const, name))

    # the copies -----------------------------------------------------------

    def driver_defines(self):
        path = 'driver/lfa.h'
        text = self.read(path)
        anchor, found = self.entries(path, text, r'^/\* LFA return codes \(x0\)',
                                     r'#define\s+LFA_(\w+)\s+(-?[0-9]+)\n')
        self.compare(path, anchor, [(l, m[1], int(m[2])) for l, m in found],
                     self.code_x0, 'code', optional=dict([SUCCESS]))

    def driver_errmap(self):
        path = 'driver/lfa-activate.c'
        text = self.read(path)
        anchor, found = self.entries(path, text, r'^\} lfa_errmap\[\] = \{',
                                     r'\[-LFA_(\w+)\]\s*=\s*\{\s*(0|-E\w+),\s*"(\w+)"\s*\}')
        for line, m in found:
            if m[1] != m[3]:
                self.fail(path, line, 'LFA_%s named "%s"' % (m[1], m[3]))
        self.compare(path, anchor, [(l, m[1], m[2].lstrip('-')) for l, m in found],
                     self.code_errno(), 'code', optional={'SUCCESS': '0'})
        m = re.search(r'lfa_errmap\[-x0\]\.err\s*:\s*-(E\w+);', text)
        if not m:
            self.fail(path, 1, 'no "lfa_errmap[-x0].err : -E...;" for a value that is no LFA code')
        elif m[1] != self.other_errno:
            self.fail(path, self.lineno(text, m.start()), 'no LFA code: %s, %s says %s'
                      % (m[1], SOURCE, self.other_errno))
        anchor, found = self.entries(path, text, r'^\} lfa_errno_names\[\] = \{', r'LFA_ERRNO\((E\w+)\)')
        self.compare(path, anchor, [(l, m[1], m[1]) for l, m in found], self.errno_self(), 'errno')

    def driver_kunit(self):
        path = 'driver/tests/errno_kunit.c'
        text = self.read(path)
        anchor, found = self.entries(path, text, r'lfa_errno_cases\[\] = \{',
                                     r'\{\s*(-?\w+),\s*"(\w+)",\s*-(E\w+),\s*"(E\w+)"\s*\}')
        rows = []
        for line, m in found:
            self.errno_constant(path, line, m[3], m[4])
            x0 = int(m[1]) if re.fullmatch(r'-?[0-9]+', m[1]) else m[1]
            rows.append((line, x0, (m[2], m[3])))
        want = {x: (c, self.x0_errno[x]) for c, x in self.code_x0.items()}
        other = ('UNKNOWN', self.other_errno)
        self.compare(path, anchor, rows, want, 'x0',
                     optional={x: other for _, x, _ in rows if x not in self.x0_errno})

    def driver_agent(self):
        path = 'driver/tests/lfa-agent-scenario.c'
        text = self.read(path)
        # The index is the code: lfa_parse_code() returns -(i + 1).
        anchor, found = self.entries(path, text, r'lfa_code_names\[\] = \{', r'"(\w+)"')
        self.compare(path, anchor, [(l, m[1], -(i + 1)) for i, (l, m) in enumerate(found)],
                     self.code_x0, 'code')

    def daemon_bus_error(self):
        path = 'daemon/bus-error.c'
        text = self.read(path)
        anchor, found = self.entries(path, text, r'^\} lfa_codes\[\] = \{', r'\{\s*"(\w+)",\s*(E\w+),')
        self.compare(path, anchor, [(l, m[1], m[2]) for l, m in found], self.code_errno(), 'code')

    def errno_names(self, path, start, rx, extra_ok=False):
        """A C list of errno names, each entry { EFOO, "EFOO" }: lfa.rst's."""
        text = self.read(path)
        anchor, found = self.entries(path, text, start, rx)
        for line, m in found:
            self.errno_constant(path, line, m[1], m[2])
        self.compare(path, anchor, [(l, m[1], m[1]) for l, m in found], self.errno_self(), 'errno',
                     extra_ok=extra_ok)

    def daemon_log(self):
        # lfad names more errnos than the driver returns (its own).
        self.errno_names('daemon/log.c', r'^\} errno_names\[\] = \{', r'\{\s*(E\w+),\s*"(\w+)"\s*\}',
                         extra_ok=True)

    def unit_test_log(self):
        self.errno_names('tests/unit/test-log.c', r'^static void test_abi_errno_table\(',
                         r'name_one\((E\w+),\s*"(\w+)"\)')

    def py_assign(self, path, name):
        """(line, value node) of the module-level assignment to name."""
        try:
            tree = ast.parse(self.read(path), path)
        except SyntaxError as e:
            self.fail(path, e.lineno or 1, 'cannot parse: %s' % e.msg)
            return 1, None
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name
                                                    for t in node.targets):
                return node.lineno, node.value
        self.fail(path, 1, 'no %s = ...: where did the table go?' % name)
        return 1, None

    def py_dict(self, path, name):
        line, node = self.py_assign(path, name)
        if not isinstance(node, ast.Dict):
            if node is not None:
                self.fail(path, line, '%s is no dict literal' % name)
            return line, []
        return line, [(k.lineno, ast.literal_eval(k), ast.literal_eval(v))
                      for k, v in zip(node.keys, node.values)]

    def sim_scenario(self):
        path = 'tests/sim/lfasim/scenario.py'
        anchor, rows = self.py_dict(path, 'LFA_CODES')
        self.compare(path, anchor, rows, self.code_x0, 'code', optional=dict([SUCCESS]))
        anchor, rows = self.py_dict(path, 'LFA_ERRNO')
        self.compare(path, anchor, rows, self.x0_errno, 'x0')
        text = self.read(path)
        m = re.search(r"LFA_ERRNO\.get\(x0, '(\w+)'\)", text)
        if not m:
            self.fail(path, 1, "no LFA_ERRNO.get(x0, '...') for a value that is no LFA code")
        elif m[1] != self.other_errno:
            self.fail(path, self.lineno(text, m.start()), 'no LFA code: %s, %s says %s'
                      % (m[1], SOURCE, self.other_errno))

    def bus_test(self):
        path = 'tests/bus/test_bus.py'
        anchor, node = self.py_assign(path, 'LFA_CODES')
        if not isinstance(node, ast.Tuple):
            if node is not None:
                self.fail(path, anchor, 'LFA_CODES is no tuple literal')
            return
        rows = [(e.lineno,) + tuple(ast.literal_eval(e)) for e in node.elts]
        # ('-35', 'EIO'): a raw value that is no LFA code.
        other = {k: self.other_errno for _, k, _ in rows if re.fullmatch(r'-?[0-9]+', k)}
        self.compare(path, anchor, rows, self.code_errno(), 'code', optional=other)

    def scenario_format(self):
        path = 'tests/scenarios/FORMAT.md'
        text = self.read(path)
        m = re.search(r'^- `CODE`:(.*?)(?=^- |^$)', text, re.M | re.S)
        if not m:
            self.fail(path, 1, 'no "- `CODE`:" item')
            return
        rows = [(self.lineno(text, m.start(1) + c.start()), c[1], self.code_x0.get(c[1]))
                for c in re.finditer(r'`([A-Z]+(?:_[A-Z]+)*)`', m[1])]
        self.compare(path, self.lineno(text, m.start()), rows, self.code_x0, 'code')

    def scenarios(self):
        for f in sorted((self.root / 'tests/scenarios').glob('*.scn')):
            path = str(f.relative_to(self.root))
            for n, l in enumerate(self.read(path).splitlines(), 1):
                if l.lstrip().startswith('#'):
                    continue
                for key, v in re.findall(r'\b(\w+_error)=(\S+)', l):
                    if v not in self.code_x0 and not re.fullmatch(r'-?[0-9]+', v):
                        self.fail(path, n, '%s=%s: no code of %s' % (key, v, SOURCE))

    def check(self):
        if self.errors:
            return
        self.driver_defines()
        self.driver_errmap()
        self.driver_kunit()
        self.driver_agent()
        self.daemon_bus_error()
        self.daemon_log()
        self.unit_test_log()
        self.sim_scenario()
        self.bus_test()
        self.scenario_format()
        self.scenarios()


def main(argv):
    root = pathlib.Path(argv[1] if len(argv) > 1 else pathlib.Path(__file__).resolve().parents[2])
    t = Table(root)
    t.check()
    for e in t.errors:
        print(e)
    if t.errors:
        print('%d difference(s) from %s' % (len(t.errors), SOURCE), file=sys.stderr)
        return 1
    print('%d LFA codes, %d errnos: every copy agrees with %s' % (len(t.code_x0), len(t.errnos), SOURCE))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
