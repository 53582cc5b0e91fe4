#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""conform.py: the conformance suite of lfa.ko + its test agent and lfa-sim.

  conform.py header [--check]     write driver/tests/lfa-conformance-cases.h
                                  from tests/conformance/*.case (--check:
                                  fail if the file in the tree differs)
  conform.py sim [--flavour=F] [CASE...]
                                  play cases on lfa-sim (flavour F:
                                  extended, the default, or upstream),
                                  print each normalized trace
  conform.py kernel [--flavour=F] LOG [CASE...]
                                  print the normalized traces KUnit's
                                  lfa_conformance suite left in kernel LOG
  conform.py compare LOG          both, a unified diff per case and flavour
                                  that differs; TAP on stdout

A case (tests/conformance/README.md) is a scenario (FORMAT.md) plus action
lines starting with '@'. Both sides are reduced to the same trace: per
action, the calls the driver made to the agent in order (function,
sequence id, result; a whole inventory read is one INVENTORY line), then the
uevents it sent (action, UUID, LFA_EVENT / LFA_ACTION / LFA_ERRNO), then
what each write returned.

Each case is played on both flavours (lfa.ko with extensions=0 against
lfa-sim's upstream flavour, Arm's lfa_fw ABI, as well as lfa.ko with its
extensions against lfa-sim's extended flavour), unless it is marked
'@extended-only REASON'; a case that uses what upstream lacks must be.
"""

import difflib
import errno
import glob
import os
import re
import socket
import sys
import threading

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'sim'))

from lfasim.scenario import LFA_NAMES  # noqa: E402

HEADER = os.path.join(ROOT, 'driver', 'tests', 'lfa-conformance-cases.h')
ENV_KEYS = ('LFA_EVENT', 'LFA_ACTION', 'LFA_ERRNO')
FILES = ('activate', 'prime', 'cancel', 'force_cpu_rendezvous', 'auto_activate')
PARAMS = ('prime_budget_ms', 'activate_budget_ms', 'poll_interval_ms')
FLAVOURS = ('extended', 'upstream')
# What Arm's lfa_fw lacks (research/upstream-lfa-driver.md): the prime
# file, /sys/firmware/lfa/refresh, module parameters (its budgets are fixed
# in its code). @cancel-priming is a cancel timed against a priming loop
# that lfa_fw restarts after a cancel: not one trace.
UPSTREAM_LACKS = {'write prime': 'the prime file', 'refresh': '/sys/firmware/lfa/refresh',
                  'param': 'module parameters', 'cancel-priming': 'a cancel that ends priming'}


class CaseError(Exception):
        pass


class Case:
        def __init__(self, path):
                self.path = path
                self.name = os.path.basename(path)[:-len('.case')]
                if not re.fullmatch(r'[a-z0-9-]+', self.name):
                        raise CaseError('%s: name must be [a-z0-9-]+' % path)
                self.scenario = []
                self.actions = []
                self.xfail = {}
                self.extended_only = None
                self.collapse = False
                self.lacks = []
                with open(path, encoding='utf-8') as f:
                        for n, line in enumerate(f, 1):
                                self._line(n, line.rstrip('\n'))
                if not self.actions:
                        raise CaseError('%s: no action' % path)
                if self.lacks and self.extended_only is None:
                        where, what = self.lacks[0]
                        raise CaseError('%s: uses %s, which upstream (lfa_fw, lfa.ko extensions=0) '
                                        'lacks: mark the case "@extended-only REASON"' % (where, what))
                self.flavours = FLAVOURS[:1] if self.extended_only is not None else FLAVOURS

        def _line(self, n, line):
                text = line.split('#', 1)[0].strip()
                if not text:
                        return
                if not text.startswith('@'):
                        self.scenario.append(text)
                        return
                words = text[1:].split()
                verb, args = words[0], words[1:]
                where = '%s:%d' % (self.path, n)
                lacks = UPSTREAM_LACKS.get(verb if verb != 'write' else ' '.join(words[:1] + args[1:2]))
                if lacks:
                        self.lacks.append((where, lacks))
                if verb == 'write' and len(args) == 3 and args[1] in FILES:
                        self.actions.append(('write', args[0], args[1], args[2]))
                elif verb == 'refresh' and not args:
                        self.actions.append(('refresh', None, None, None))
                elif verb == 'ctl' and args:
                        self.actions.append(('ctl', None, None, ' '.join(args)))
                elif verb == 'cancel-priming' and len(args) == 2 and args[1] in ('activate', 'prime'):
                        self.actions.append(('cancel-priming', args[0], args[1], None))
                elif verb == 'param' and len(args) == 2 and args[0] in PARAMS:
                        self.actions.append(('param', None, args[0], args[1]))
                elif verb == 'collapse' and not args:
                        self.collapse = True
                elif verb in ('xfail', 'xfail-upstream') and args:
                        # The reason is the rest of the raw line: '#' allowed.
                        reason = line.split('@' + verb, 1)[1].strip()
                        for f in FLAVOURS if verb == 'xfail' else ('upstream',):
                                self.xfail[f] = reason
                elif verb == 'extended-only' and args:
                        self.extended_only = line.split('@extended-only', 1)[1].strip()
                else:
                        raise CaseError('%s: bad action %r' % (where, text))


def load_cases(names=None):
        paths = sorted(glob.glob(os.path.join(HERE, '*.case')))
        cases = [Case(p) for p in paths]
        if names:
                cases = [c for c in cases if c.name in names]
                if len(cases) != len(set(names)):
                        raise CaseError('unknown case among %s' % ' '.join(names))
        return cases


# -- the generated header ---------------------------------------------------

def c_string(s):
        return '"%s"' % s.replace('\\', '\\\\').replace('"', '\\"')


def header_text(cases):
        out = ['/* SPDX-License-Identifier: GPL-2.0-only */',
               '/*',
               ' * Generated by tests/conformance/conform.py header from',
               ' * the tests/conformance/ .case files: do not edit (lint checks it is current).',
               ' */',
               '']
        verbs = {'write': 'LFA_CONF_WRITE', 'refresh': 'LFA_CONF_REFRESH',
                 'ctl': 'LFA_CONF_CTL', 'cancel-priming': 'LFA_CONF_CANCEL_PRIMING',
                 'param': 'LFA_CONF_PARAM'}
        for c in cases:
                ident = c.name.replace('-', '_')
                out.append('static const struct lfa_conf_action lfa_conf_steps_%s[] = {' % ident)
                for verb, uuid, file, text in c.actions:
                        # Strings on lines of their own: checkpatch allows
                        # those beyond 100 columns.
                        out.append('\t{')
                        out.append('\t\t.verb = %s,' % verbs[verb])
                        for field, v in (('uuid', uuid), ('file', file), ('text', text)):
                                if v is None:
                                        continue
                                line = '\t\t.%s = %s,' % (field, c_string(v))
                                if len(line.expandtabs(8)) <= 100:
                                        out.append(line)
                                else:
                                        out.append('\t\t.%s =' % field)
                                        out.append('\t\t\t%s,' % c_string(v))
                        out.append('\t},')
                out.append('\t{}')
                out.append('};')
                out.append('')
        out.append('static const struct lfa_conf_case lfa_conf_cases[] = {')
        for c in cases:
                out.append('\t{')
                out.append('\t\t.name = %s,' % c_string(c.name))
                out.append('\t\t.scenario =')
                for i, line in enumerate(c.scenario):
                        end = ',' if i == len(c.scenario) - 1 else ''
                        out.append('\t\t\t%s%s' % (c_string(line)[:-1] + '\\n"', end))
                if not c.scenario:
                        out.append('\t\t\t"",')
                out.append('\t\t.actions = lfa_conf_steps_%s,' % c.name.replace('-', '_'))
                out.append('\t},')
        out.append('};')
        out.append('')
        # One KUnit parameter per case and flavour: upstream is lfa.ko
        # with extensions=0.
        out.append('static const struct lfa_conf_run lfa_conf_runs[] = {')
        for i, c in enumerate(cases):
                for f in c.flavours:
                        out.append('\t{ .c = &lfa_conf_cases[%d], .upstream = %s },'
                                   % (i, 'true' if f == 'upstream' else 'false'))
        out.append('};')
        return '\n'.join(out) + '\n'


def cmd_header(args):
        text = header_text(load_cases())
        if args[:1] == ['--check']:
                try:
                        with open(HEADER, encoding='utf-8') as f:
                                have = f.read()
                except OSError:
                        have = ''
                if have != text:
                        sys.stderr.write('%s is not current: run tests/conformance/conform.py header\n'
                                         % os.path.relpath(HEADER, ROOT))
                        sys.stdout.writelines(difflib.unified_diff(
                                have.splitlines(True), text.splitlines(True), 'tree', 'generated'))
                        return 1
                return 0
        with open(HEADER, 'w', encoding='utf-8') as f:
                f.write(text)
        return 0


# -- normalized trace lines -------------------------------------------------

def errname(e):
        """An errno (positive or negative number, or name) as 'EIO'; 0 /
        None as 'ok'."""
        if e is None or e == 0:
                return 'ok'
        if isinstance(e, str):
                return e
        # Python names 95 ENOTSUP; the kernel's name is EOPNOTSUPP.
        if abs(e) == errno.EOPNOTSUPP:
                return 'EOPNOTSUPP'
        return errno.errorcode.get(abs(e), str(e))


def call_line(fn, seq, result, skip=None):
        s = 'call %s seq=%s %s' % (fn, seq, result)
        if skip is not None:
                s += ' skip=%d' % skip
        return s


def uevent_line(action, uuid, env):
        vals = ' '.join('%s=%s' % (k, env[k]) for k in ENV_KEYS if k in env)
        return ('uevent %s %s %s' % (action, uuid.lower(), vals)).rstrip()


def collapse(lines):
        """A run of one CALL_AGAIN call as one "(repeated)" line, whatever
        its length (one included): how many rounds come before a cancel or
        fit in a budget is timing. Other lines are kept."""
        out = []
        for line in lines:
                if line.startswith('call ') and ' CALL_AGAIN' in line:
                        line += ' (repeated)'
                        if out and out[-1] == line:
                                continue
                out.append(line)
        return out


def flavour_lines(lines, flavour):
        """Upstream, the trace is the ABI (actions, uevents, returns): the
        calls are lfa.ko's own, not lfa_fw's, with or without its
        extensions (an entry read before PRIME, the cancel of a stale
        priming, the retry after TF-A's stale record), and lfa-sim's
        upstream flavour makes lfa_fw's."""
        if flavour == 'extended':
                return lines
        return [line for line in lines if not line.startswith('call ')]


# -- kernel side: the KUnit log ---------------------------------------------

KLINE = re.compile(r'LFACONF (extended|upstream) (\S+) (.*)$')


def kernel_calls(raw):
        """Raw agent calls (fn, seq, flags, x0, x1) to trace lines: a
        GET_INFO and the GET_INVENTORY calls of its count are one
        INVENTORY read, as lfa-sim records it."""
        out = []
        i = 0
        while i < len(raw):
                fn, seq, flags, x0, x1 = raw[i]
                i += 1
                if fn == 'GET_INFO':
                        result = 'SUCCESS' if x0 == 0 else LFA_NAMES.get(x0, 'UNKNOWN')
                        n = x1 if x0 == 0 else 0
                        while n and i < len(raw) and raw[i][0] == 'GET_INVENTORY':
                                if raw[i][3] != 0:
                                        result = LFA_NAMES.get(raw[i][3], 'UNKNOWN')
                                i += 1
                                n -= 1
                        out.append(call_line('INVENTORY', '-', result))
                        continue
                if fn in ('PRIME', 'ACTIVATE') and x0 == 0 and x1 & 1:
                        result = 'CALL_AGAIN'
                else:
                        result = 'SUCCESS' if x0 == 0 else LFA_NAMES.get(x0, 'UNKNOWN')
                if fn == 'GET_INVENTORY':
                        fn = 'INVENTORY'
                out.append(call_line(fn, seq, result, flags & 1 if fn == 'ACTIVATE' else None))
        return out


def kernel_traces(log, collapse_all=(), flavour='extended'):
        """{case: [trace lines]} of one flavour from the kernel log; a
        case without its "end" line is left out (it did not finish)."""
        raw = {}
        done = set()
        with open(log, encoding='utf-8', errors='replace') as f:
                for line in f:
                        m = KLINE.search(line.rstrip('\n'))
                        if m and m.group(1) == flavour:
                                raw.setdefault(m.group(2), []).append(m.group(3).split())
        traces = {}
        for name, items in raw.items():
                out, calls, block, collapsing = [], [], [], False

                def flush():
                        lines = kernel_calls(calls) + block
                        out.extend(collapse(lines) if collapsing else lines)
                        calls.clear()
                        block.clear()

                for w in items:
                        kind = w[0]
                        if kind in ('action', 'end'):
                                flush()
                                collapsing = kind == 'action' and (w[1] == 'cancel-priming'
                                                                   or name in collapse_all)
                                if kind == 'end':
                                        done.add(name)
                                else:
                                        out.append(' '.join(['action'] + w[1:]))
                        elif kind == 'call':
                                calls.append((w[1], int(w[2]), int(w[3]), int(w[4]), int(w[5])))
                        elif kind == 'uevent':
                                env = dict(kv.split('=', 1) for kv in w[3:] if '=' in kv)
                                block.append(uevent_line(w[1], w[2], env))
                        elif kind == 'rejected':
                                block.append('rejected: ' + ' '.join(w[2:]))
                        elif kind == 'return':
                                uuid = None if w[2] == '-' else w[2]
                                flush()
                                out.append(return_line(w[1], uuid, errname(int(w[3]))))
                traces[name] = flavour_lines(out, flavour)
        return {k: v for k, v in traces.items() if k in done}


def return_line(file, uuid, result):
        return 'return %s %s %s' % (file, (uuid or '-').lower(), result)


# -- simulator side ---------------------------------------------------------

def sim_lines(records):
        calls, uevents = [], []
        for r in records:
                if r['type'] == 'call':
                        if r['call'] == 'INVENTORY' and r['seq_id'] is None:
                                calls.append(call_line('INVENTORY', '-', r['result']))
                        elif r['call'] == 'INVENTORY' and r.get('function') == 'GET_INVENTORY':
                                calls.append(call_line('INVENTORY', '-', r['result']))
                        else:
                                calls.append(call_line(r['call'], r['seq_id'], r['result'],
                                                       r.get('skip_cpu_rendezvous')))
                elif r['type'] == 'uevent' and r['uuid'] is not None:
                        uevents.append(uevent_line(r['action'], r['uuid'], r['env']))
        return calls + uevents


def sim_write(sim, uuid, file, value):
        try:
                sim.write(uuid, file, value + '\n')
                return 'ok'
        except OSError as e:
                return errname(e.errno)


def sim_trace(case, flavour='extended'):
        from lfasim.harness import Sim, SimError

        out = []
        with Sim('\n'.join(case.scenario) + '\n', flavour=flavour, verbose=False) as sim:
                mark = len(sim.records())

                def since(barrier=False):
                        nonlocal mark
                        if barrier:
                                sim_barrier(sim, mark)
                        rs = sim.records()
                        new, mark = rs[mark:], len(rs)
                        return collapse(sim_lines(new)) if case.collapse else sim_lines(new)

                # lfa-sim plays the kernel's own activations (auto_activate)
                # in its loop, after it answered the statement; lfa.ko in the
                # notification, before lfa_agent_control() returns.
                auto = any(a[0] == 'write' and a[2] == 'auto_activate' and a[3] != '0'
                           for a in case.actions)

                for verb, uuid, file, text in case.actions:
                        if verb == 'write':
                                out.append('action write %s %s %s' % (uuid, file, text))
                                ret = sim_write(sim, uuid, file, text)
                                out += since()
                                out.append(return_line(file, uuid, ret))
                        elif verb == 'refresh':
                                out.append('action refresh')
                                ret = sim_write(sim, None, 'refresh', '1')
                                out += since()
                                out.append(return_line('refresh', None, ret))
                        elif verb == 'ctl':
                                out.append('action ctl %s' % text)
                                try:
                                        sim.ctl(text)
                                except SimError as e:
                                        out.append('rejected: %s' % e)
                                out += since(auto and text.split()[0] in ('store-update', 'notify'))
                        elif verb == 'param':
                                out.append('action param %s %s' % (file, text))
                                ret = sim_param(sim, file, text)
                                out += since()
                                out.append(return_line(file, None, ret))
                        elif verb == 'cancel-priming':
                                out += sim_cancel_priming(sim, uuid, file, since, mark)
        return flavour_lines(out, flavour)


def sim_param(sim, name, value):
        """A write to /sys/module/lfa/parameters/NAME as a preloaded
        process's (lfasim.harness.Sim.write() for the module's tree)."""
        rel = 'sys/module/lfa/parameters/' + name
        with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as s:
                s.connect(sim.env['LFA_SIM_SYSFS'])
                s.send(rel.encode() + b'\0' + (value + '\n').encode())
                n = int(s.recv(64))
        return errname(n) if n < 0 else 'ok'


def sim_barrier(sim, mark):
        """Wait until lfa-sim's driver handled the notification of a
        statement played after record mark: its refresh and the kernel's
        auto-activations, which lfa-sim plays in its loop after it answered
        the statement (lfa.ko before lfa_agent_control() returns). Its
        "handled" record, not a refresh write: upstream has no such file."""
        sim.wait_until(lambda: any(r['type'] == 'handled' for r in sim.records()[mark:]),
                       30 * sim.time_scale, 'the end of the notification\'s handling')


def sim_cancel_priming(sim, uuid, file, since, mark):
        out = ['action cancel-priming %s %s' % (uuid, file)]
        ret = {}
        t = threading.Thread(target=lambda: ret.setdefault('r', sim_write(sim, uuid, file, '1')))
        t.start()
        base = len(sim.records())
        # Three PRIME calls, as the KUnit side waits for: the loop runs.
        sim.wait_record(lambda r: r['type'] == 'call' and r['call'] == 'PRIME'
                        and len([x for x in sim.records()[base:]
                                 if x['type'] == 'call' and x['call'] == 'PRIME']) >= 3,
                        timeout=20, what='three PRIME calls')
        cancel = sim_write(sim, uuid, 'cancel', '1')
        out.append(return_line('cancel', uuid, cancel))
        t.join(30)
        if t.is_alive():
                raise CaseError('the %s write did not return after cancel' % file)
        out += collapse(since())
        out.append(return_line(file, uuid, ret['r']))
        return out


# -- commands -----------------------------------------------------------------

def flavour_arg(args):
        """--flavour=F at the front of args: (F, the rest)."""
        if args[:1] and args[0].startswith('--flavour='):
                f = args[0].split('=', 1)[1]
                if f not in FLAVOURS:
                        raise CaseError('unknown flavour %r (%s)' % (f, ', '.join(FLAVOURS)))
                return f, args[1:]
        return 'extended', args


def flavour_cases(flavour, names):
        cases = load_cases(names)
        skip = [c.name for c in cases if flavour not in c.flavours]
        if names and skip:
                raise CaseError('extended-only: %s' % ' '.join(skip))
        return [c for c in cases if flavour in c.flavours]


def cmd_sim(args):
        flavour, names = flavour_arg(args)
        for c in flavour_cases(flavour, names):
                print('== %s' % c.name)
                print('\n'.join(sim_trace(c, flavour)))
        return 0


def cmd_kernel(args):
        flavour, args = flavour_arg(args)
        cases = flavour_cases(flavour, args[1:])
        traces = kernel_traces(args[0], {c.name for c in cases if c.collapse}, flavour)
        for c in cases:
                print('== %s' % c.name)
                print('\n'.join(traces.get(c.name, ['(no trace)'])))
        return 0


def cmd_compare(args):
        """TAP: one result per case and flavour ("extended NAME",
        "upstream NAME"). A case marked @xfail (or @xfail-upstream) that
        differs is "not ok ... # TODO <reason>" (known, named); one that
        matches is "ok ... # TODO" (fixed: remove the mark), which
        scripts/tap-count counts as a failure."""
        cases = load_cases()
        runs = [(f, c) for f in FLAVOURS for c in cases if f in c.flavours]
        ktraces = {f: kernel_traces(args[0], {c.name for c in cases if c.collapse}, f)
                   for f in FLAVOURS}
        print('1..%d' % len(runs))
        failed = 0
        for i, (f, c) in enumerate(runs, 1):
                name = '%s %s' % (f, c.name)
                k = ktraces[f].get(c.name)
                if k is None:
                        print('not ok %d - %s: no complete kernel trace in the KUnit log' % (i, name))
                        failed += 1
                        continue
                try:
                        s = sim_trace(c, f)
                except Exception as e:  # noqa: BLE001 - any failure of the sim side is this case's
                        print('not ok %d - %s: lfa-sim side failed: %s' % (i, name, e))
                        failed += 1
                        continue
                diff = list(difflib.unified_diff(k, s, 'lfa.ko+agent/%s/%s' % (f, c.name),
                                                 'lfa-sim/%s/%s' % (f, c.name), lineterm='', n=2))
                xfail = c.xfail.get(f)
                todo = ' # TODO %s' % xfail if xfail else ''
                for line in diff:
                        print('# ' + line)
                if diff:
                        print('not ok %d - %s: the traces differ%s' % (i, name, todo))
                        failed += 0 if xfail else 1
                else:
                        print('ok %d - %s: %d trace lines equal%s' % (i, name, len(k), todo))
                        failed += 1 if xfail else 0
        return 1 if failed else 0


def main(argv):
        cmds = {'header': cmd_header, 'sim': cmd_sim, 'kernel': cmd_kernel, 'compare': cmd_compare}
        if not argv or argv[0] not in cmds:
                sys.stderr.write(__doc__)
                return 2
        try:
                return cmds[argv[0]](argv[1:])
        except CaseError as e:
                sys.stderr.write('conform.py: %s\n' % e)
                return 1


if __name__ == '__main__':
        sys.exit(main(sys.argv[1:]))
