# SPDX-License-Identifier: GPL-2.0-or-later
"""Harness of lfad's integration tests: per test a simulated LFA platform
(tests/sim), a private dbus-daemon, temporary state / runtime / policy
directories, a test-owned NOTIFY_SOCKET, and lfad from the build directory.

Environment:
  LFA_LFAD          the lfad binary (default $LFA_BUILD/daemon/lfad)
  LFA_BUILD         the meson build directory (default ./build)
  LFA_LFAD_WRAPPER  a command put in front of lfad (e.g. valgrind ...)
  LFA_TIME_SCALE    multiply every timeout (slow runs: valgrind)
  LFA_SIM_FLAVOUR   the simulated driver's ABI: extended (lfa.ko, default) or
                    upstream (Arm's lfa_fw: its files only, no uevents)

One run plays one flavour. A test class names the flavours it is meaningful
on (FLAVOURS); a module that sets `load_tests = lfatest.load_tests` runs only
those of the flavour in force and says on stderr which it left out, so that
a suite counts each test once per flavour it runs on. A test named on the
command line for a flavour it is not meant for fails (never a skip).
"""

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'sim'))

from lfasim.busmonitor import BusSignals  # noqa: E402
from lfasim.harness import Sim  # noqa: E402
from lfasim.inotify import IN_CREATE, IN_DELETE, IN_MODIFY, IN_MOVED_TO, Inotify  # noqa: E402

SCALE = float(os.environ.get('LFA_TIME_SCALE', '1'))

ALL_FLAVOURS = ('extended', 'upstream')
FLAVOUR = os.environ.get('LFA_SIM_FLAVOUR') or 'extended'
if FLAVOUR not in ALL_FLAVOURS:
        raise SystemExit('LFA_SIM_FLAVOUR=%r: not one of %s' % (FLAVOUR, ', '.join(ALL_FLAVOURS)))
UPSTREAM = FLAVOUR == 'upstream'


def _cases(suite):
        for t in suite:
                if isinstance(t, unittest.TestSuite):
                        yield from _cases(t)
                else:
                        yield t


def load_tests(loader, tests, pattern):
        """unittest's load_tests protocol: only the cases whose class lists
        the flavour in force; the others are named on stderr."""
        keep, left = unittest.TestSuite(), []
        for t in _cases(tests):
                if FLAVOUR in getattr(type(t), 'FLAVOURS', ALL_FLAVOURS):
                        keep.addTest(t)
                else:
                        left.append(t.id().split('.', 1)[-1])
        if left:
                sys.stderr.write('flavour %s: %d case(s) left to the other flavour: %s\n'
                                 % (FLAVOUR, len(left), ', '.join(left)))
        return keep

BUS_CONF = '''<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <listen>unix:path=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
'''


PYTHON = '/usr/bin/python3'

# sysfs_write()'s writer: prints "ok" or the errno's name.
WRITER = '''
import errno, os, sys
try:
        fd = os.open(sys.argv[1], os.O_WRONLY)
        try:
                os.write(fd, sys.argv[2].encode())
        finally:
                os.close(fd)
        print("ok")
except OSError as e:
        print(errno.errorcode.get(e.errno, str(e.errno)))
'''


def scaled(t):
        return t * SCALE


def component_path(uuid):
        """sd_bus_path_encode("/org/lfa/Manager/component", uuid): every byte
        but [A-Za-z0-9] (a leading digit too) becomes _XX."""
        out = []
        for i, ch in enumerate(uuid):
                if ch.isalpha() or (ch.isdigit() and i > 0):
                        out.append(ch)
                else:
                        out.append('_%02x' % ord(ch))
        return '/org/lfa/Manager/component/' + ''.join(out)


def lfad_binary():
        if os.environ.get('LFA_LFAD'):
                return os.environ['LFA_LFAD']
        return os.path.join(os.environ.get('LFA_BUILD', os.path.join(ROOT, 'build')), 'daemon', 'lfad')


def message_id(name):
        """The journal MESSAGE_ID LFA_MESSAGE_<name> of daemon/lfa-messages.h."""
        with open(os.path.join(ROOT, 'daemon', 'lfa-messages.h'), encoding='utf-8') as f:
                m = re.search(r'^#define LFA_MESSAGE_%s\s+"([0-9a-f]{32})"' % name, f.read(), re.M)
        if not m:
                raise AssertionError('no LFA_MESSAGE_%s in daemon/lfa-messages.h' % name)
        return m.group(1)


def wait_for(pred, timeout, what, waker):
        """pred()'s first true value within scaled(timeout) seconds. pred()
        is checked at once and again each time waker (a test's: its sim's
        Waker, which LfadTestCase fills) reports an event: a D-Bus signal
        lfad sent, a change in the test's or the simulator's files, lfad's
        exit. Never on a timer: a predicate that became true with no event
        fails as such (lfad changed what it reads without telling a
        client); see Waker.until()."""
        return waker.until(pred, scaled(timeout), what, grace=scaled(1))


class Bus:
        """A private dbus-daemon; lfad reaches it as its system bus."""

        def __init__(self, tmp):
                self.path = os.path.join(tmp, 'bus')
                conf = os.path.join(tmp, 'bus.conf')
                with open(conf, 'w', encoding='utf-8') as f:
                        f.write(BUS_CONF % self.path)
                # Its stderr (e.g. root's failed fd-limit raise) goes to a file.
                with open(os.path.join(tmp, 'dbus-daemon.log'), 'w', encoding='utf-8') as log:
                        self.proc = subprocess.Popen(['dbus-daemon', '--nofork', '--config-file=' + conf,
                                                      '--print-address=1'],
                                                     stdout=subprocess.PIPE, stderr=log, text=True)
                self.address = self.proc.stdout.readline().strip()
                if not self.address:
                        raise AssertionError('dbus-daemon did not start')

        def stop(self):
                self.proc.terminate()
                self.proc.wait(10)
                self.proc.stdout.close()


class Notify:
        """The NOTIFY_SOCKET lfad reports to; keeps every message."""

        def __init__(self, tmp):
                self.path = os.path.join(tmp, 'notify')
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                self.sock.bind(self.path)
                self.sock.settimeout(0.2)
                self.messages = []
                self.cond = threading.Condition()
                self.running = True
                self.thread = threading.Thread(target=self._run, daemon=True)
                self.thread.start()

        def _run(self):
                while self.running:
                        try:
                                data = self.sock.recv(65536)
                        except socket.timeout:
                                continue
                        except OSError:
                                return
                        with self.cond:
                                self.messages.append(data.decode(errors='replace'))
                                self.cond.notify_all()

        def assignments(self):
                """Every KEY=VALUE received, in order."""
                with self.cond:
                        return [a for m in self.messages for a in m.split('\n') if a]

        def wait(self, assignment, count=1, timeout=15):
                """Until assignment (e.g. READY=1) was received count times."""
                deadline = time.monotonic() + scaled(timeout)
                with self.cond:
                        while True:
                                n = sum(1 for m in self.messages for a in m.split('\n') if a == assignment)
                                if n >= count:
                                        return
                                left = deadline - time.monotonic()
                                if left <= 0:
                                        raise AssertionError('no %s (#%d) on NOTIFY_SOCKET within %ss; got %r'
                                                             % (assignment, count, scaled(timeout), self.messages))
                                self.cond.wait(left)

        def mark(self):
                """A position in the assignments, for wait_match(since=)."""
                return len(self.assignments())

        def wait_match(self, pattern, since=0, timeout=15):
                """Until an assignment at or after position since matches the
                regular expression; returns it."""
                deadline = time.monotonic() + scaled(timeout)
                rx = re.compile(pattern)
                with self.cond:
                        while True:
                                got = [a for m in self.messages for a in m.split('\n') if a][since:]
                                for a in got:
                                        if rx.search(a):
                                                return a
                                left = deadline - time.monotonic()
                                if left <= 0:
                                        raise AssertionError('nothing matching %r on NOTIFY_SOCKET within %ss; '
                                                             'got %r' % (pattern, scaled(timeout), got))
                                self.cond.wait(left)

        def stop(self):
                self.running = False
                self.thread.join(2)
                self.sock.close()


# The file the harness adds to every test's policy (usr) unless the test
# sets POLL_INTERVAL_SEC = None: the upstream ABI sends no component
# uevents, so lfad learns of a store update by its poll.
POLL_POLICY = '00-test-poll.conf'


class LfadTestCase(unittest.TestCase):
        """Set SCENARIO (text), POLICY ({'etc'|'run'|'usr': {name: text}}),
        SIM_OPTIONS and FLAVOURS; setUp starts the platform, the bus and lfad
        and waits for READY=1."""

        SCENARIO = ''
        POLICY = {}
        SIM_OPTIONS = {'prime_budget_ms': 2000, 'activate_budget_ms': 2000}
        START = True
        # The flavours of the simulated driver this test is meaningful on.
        FLAVOURS = ALL_FLAVOURS
        # [Manager] PollIntervalSec= of the test policy (lfa.d(5)); None
        # leaves lfad's default.
        POLL_INTERVAL_SEC = 1

        flavour = FLAVOUR
        upstream = UPSTREAM

        def setUp(self):
                if self.flavour not in self.FLAVOURS:
                        raise AssertionError('%s runs on the %s flavour only, not on %s (LFA_SIM_FLAVOUR)'
                                             % (type(self).__name__, ' and '.join(self.FLAVOURS), self.flavour))
                self.tmpobj = tempfile.TemporaryDirectory(prefix='lfa-it-')
                self.tmp = self.tmpobj.name
                self.sim = Sim(self.SCENARIO, flavour=self.flavour, **self.SIM_OPTIONS).start()
                self.sim.time_scale = SCALE
                # What wakes wait_for(), all in place before lfad starts:
                # the sim's own records (Sim), the simulated sysfs, the
                # test's files (lfad's output, its state and runtime
                # directories), lfad's signals (watch_bus) and exit
                # (start_lfad).
                self.waker = self.sim.waker
                self.files = Inotify(self.tmp, IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_TO)
                self.waker.add(self.files.fd, self.files.drain)
                if os.path.isdir(self.sim.sys_lfa):      # not without a driver (TestNoDriver)
                        for d in [self.sim.sys_lfa] + [os.path.join(self.sim.sys_lfa, u)
                                                       for u in os.listdir(self.sim.sys_lfa)]:
                                if os.path.isdir(d):
                                        self.files.add(d, IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_TO)
                self.bus_signals = None
                self.lfad_exit = None
                self.bus = Bus(self.tmp)
                self.watch_bus()
                self.notify = Notify(self.tmp)
                self.state_dir = os.path.join(self.tmp, 'state')
                self.runtime_dir = os.path.join(self.tmp, 'runtime')
                self.policy_dirs = [os.path.join(self.tmp, d) for d in ('etc', 'run', 'usr')]
                for d in [self.state_dir, self.runtime_dir] + self.policy_dirs:
                        os.makedirs(d, mode=0o755)
                for d in (self.state_dir, self.runtime_dir):
                        self.files.add(d, IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_TO)
                if self.POLL_INTERVAL_SEC is not None:
                        self.write_policy(POLL_POLICY, '[Manager]\nPollIntervalSec=%d\n' % self.POLL_INTERVAL_SEC,
                                          'usr')
                for where, files in self.POLICY.items():
                        for name, text in files.items():
                                self.write_policy(name, text, where)
                self.lfad = None
                self.lfad_runs = 0
                self.expect_exit = None
                if self.START:
                        self.start_lfad()

        def watch_bus(self):
                """Wake waits on the signals of self.bus (again when a test
                replaced it)."""
                if self.bus_signals is not None and self.bus_signals.address == self.bus.address:
                        return
                if self.bus_signals is not None:
                        self.bus_signals.stop()
                self.bus_signals = BusSignals(self.bus.address, self.waker, scaled(10))

        def wait_for(self, pred, timeout, what):
                """wait_for() on this test's waker."""
                return wait_for(pred, timeout, what, self.waker)

        def wait_received(self, pred, timeout, what):
                """pred()'s first true value, for what the test's own
                dbus-python connection (DBusGMainLoop, GLib's default
                context) receives: it runs that context, so the wake is the
                message on its own socket. (The waker's monitor sees the same
                signal, but a wake from it may come before the message
                reaches this connection, and be spent.)"""
                from gi.repository import GLib
                context = GLib.MainContext.default()
                deadline = time.monotonic() + scaled(timeout)
                while True:
                        while context.pending():
                                context.iteration(False)
                        v = pred()
                        if v:
                                return v
                        left = deadline - time.monotonic()
                        if left <= 0:
                                raise AssertionError('timed out after %ss waiting for %s' % (scaled(timeout), what))
                        # Wakes iteration(True) at the deadline at the latest.
                        alarm = GLib.timeout_source_new(int(left * 1000) + 1)
                        alarm.set_callback(lambda *a: False)
                        alarm.attach(context)
                        try:
                                context.iteration(True)
                        finally:
                                alarm.destroy()

        def _watch_exit(self, proc):
                """lfad's exit wakes waits: a pidfd is readable from then on,
                so it leaves the waker after its one wake."""
                if self.lfad_exit is not None:
                        self.waker.remove(self.lfad_exit)
                        os.close(self.lfad_exit)
                self.lfad_exit = os.pidfd_open(proc.pid)
                self.waker.add(self.lfad_exit, lambda: False)

        def write_policy(self, name, text, where='etc'):
                d = os.path.join(self.tmp, where)
                path = os.path.join(d, name)
                with open(path, 'w', encoding='utf-8') as f:
                        f.write(text)
                os.chmod(path, 0o644)
                return path

        def lfad_env(self):
                env = self.sim.child_env()
                env.update({
                        'DBUS_SYSTEM_BUS_ADDRESS': self.bus.address,
                        'NOTIFY_SOCKET': self.notify.path,
                        'STATE_DIRECTORY': self.state_dir,
                        'RUNTIME_DIRECTORY': self.runtime_dir,
                        'ASAN_OPTIONS': 'verify_asan_link_order=0:detect_leaks=1',
                        'UBSAN_OPTIONS': 'halt_on_error=1:print_stacktrace=1',
                        'SYSTEMD_LOG_LEVEL': 'debug',
                })
                env.pop('JOURNAL_STREAM', None)
                return env

        def start_lfad(self, wait_ready=True, extra_args=()):
                self.lfad_runs += 1
                self.lfad_log = os.path.join(self.tmp, 'lfad-%d.log' % self.lfad_runs)
                self.watch_bus()
                wrapper = shlex.split(os.environ.get('LFA_LFAD_WRAPPER', ''))
                argv = wrapper + [lfad_binary()] + ['--policy-dir=' + d for d in self.policy_dirs] + list(extra_args)
                with open(self.lfad_log, 'w', encoding='utf-8') as log:
                        self.lfad = subprocess.Popen(argv, env=self.lfad_env(), stdout=log, stderr=log,
                                                     stdin=subprocess.DEVNULL)
                self._watch_exit(self.lfad)
                if wait_ready:
                        self.wait_ready(self.lfad_runs)
                return self.lfad

        def wait_ready(self, count=1, timeout=20):
                self.notify.wait('READY=1', count, timeout)

        def lfad_output(self, run=None):
                out = []
                for i in range(1, self.lfad_runs + 1):
                        if run is not None and i != run:
                                continue
                        with open(os.path.join(self.tmp, 'lfad-%d.log' % i), encoding='utf-8',
                                  errors='replace') as f:
                                out.append(f.read())
                return '\n'.join(out)

        def stop_lfad(self):
                """SIGTERM; lfad must exit 0 (sanitizers make it fail
                otherwise)."""
                p, self.lfad = self.lfad, None
                if p is None or p.poll() is not None:
                        return p.returncode if p else 0
                p.send_signal(signal.SIGTERM)
                try:
                        return p.wait(scaled(15))
                except subprocess.TimeoutExpired:
                        p.kill()
                        p.wait()
                        raise AssertionError('lfad did not exit on SIGTERM')

        def kill_lfad(self):
                self.lfad.kill()
                self.lfad.wait()
                self.lfad = None

        def failed(self):
                """Whether this test has failed so far. In tearDown,
                unittest (3.11) shows _outcome.success of tearDown's own part:
                look for the test among the result's failures and errors."""
                o = getattr(self, '_outcome', None)
                if o is None:
                        return False
                if not o.success:
                        return True
                r = o.result
                return any(t is self for t, _ in getattr(r, 'failures', []) + getattr(r, 'errors', []))

        def tearDown(self):
                failed = self.failed()
                try:
                        if self.lfad is not None:
                                rc = self.stop_lfad()
                                if rc != 0 and not failed:
                                        failed = True
                                        raise AssertionError('lfad exited %d on SIGTERM' % rc)
                        log = self.lfad_output()
                        for bad in ('ERROR: AddressSanitizer', 'ERROR: LeakSanitizer', 'runtime error:',
                                    'Invalid read', 'Invalid write'):
                                if bad in log and not failed:
                                        failed = True
                                        raise AssertionError('lfad log shows %r' % bad)
                finally:
                        if failed:
                                sys.stderr.write('\n----- lfad log (%s) -----\n%s\n----- lfa-sim log -----\n%s\n'
                                                 % (self.id(), self.lfad_output(), self.sim.log_text()))
                        self.notify.stop()
                        if self.bus_signals is not None:
                                self.bus_signals.stop()
                        if self.lfad_exit is not None:
                                self.waker.remove(self.lfad_exit)
                                os.close(self.lfad_exit)
                        self.waker.remove(self.files.fd)
                        self.files.close()
                        self.bus.stop()
                        self.sim.cleanup()
                        self.tmpobj.cleanup()

        # -- observations ------------------------------------------------
        def busctl(self, *args, timeout=60, check=True):
                r = subprocess.run(['busctl', '--address=' + self.bus.address, '--timeout=%d' % timeout] + list(args),
                                   capture_output=True, text=True, timeout=scaled(timeout + 10))
                if check and r.returncode != 0:
                        raise AssertionError('busctl %s: %s' % (' '.join(args), r.stderr.strip()))
                return r

        def prop(self, name, path='/org/lfa/Manager', iface='org.lfa.Manager'):
                """A property's value as busctl --json=short gives it."""
                r = self.busctl('--json=short', 'get-property', 'org.lfa.Manager', path, iface, name)
                return json.loads(r.stdout)['data']

        def cprop(self, uuid, name):
                return self.prop(name, component_path(uuid), 'org.lfa.Component')

        def wait_pending_count(self, n, since=0, timeout=10):
                """Until lfad reports n pending components on its
                NOTIFY_SOCKET (STATUS=Idle, ..., n pending): it has read
                what the driver shows. since: a Notify.mark()."""
                return self.notify.wait_match(r'^STATUS=Idle, .*\b%d pending' % n, since, timeout)

        def client(self, code, *args):
                """Run Python code in another process inside the platform (the
                simulator's preloads: its writes block as the kernel's do);
                returns the Popen (text stdout)."""
                return subprocess.Popen([PYTHON, '-c', code] + [str(a) for a in args], env=self.sim.child_env(),
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        stdin=subprocess.DEVNULL)

        def sysfs_write(self, uuid, name, value, wait=True):
                """Someone else writes value to /sys/firmware/lfa/<uuid>/<name>
                (one write, as `echo` does). wait: returns "ok" or the errno
                name the write got; else the Popen (communicate() gives that)."""
                p = self.client(WRITER, '/sys/firmware/lfa/%s/%s' % (uuid, name), value)
                if not wait:
                        return p
                out, _ = p.communicate(timeout=scaled(60))
                return out.strip()

        def history(self):
                """lfad's history file as dicts (the format of
                daemon/history.c); a torn last line is skipped."""
                path = os.path.join(self.state_dir, 'history')
                if not os.path.exists(path):
                        return []
                out = []
                keys = ('magic', 'uuid', 'name', 'action', 'trigger', 'version_before', 'version_after',
                        'rendezvous', 'start', 'duration', 'error', 'lfa_code', 'message')
                with open(path, encoding='utf-8', errors='replace') as f:
                        for line in f:
                                if not line.endswith('\n'):
                                        continue
                                fields = line.rstrip('\n').split('\t')
                                if len(fields) != len(keys) or fields[0] != 'lfa1':
                                        continue
                                d = dict(zip(keys, fields))
                                d['error'] = int(d['error'])
                                d['rendezvous'] = d['rendezvous'] == '1'
                                out.append(d)
                return out

        def wait_history(self, pred, timeout=10, what='a history entry'):
                return self.wait_for(lambda: [h for h in self.history() if pred(h)], timeout, what)

        def activate_writes(self, uuid=None):
                return [w for w in self.sim.writes('activate', uuid) if w['errno'] is None]

        def wait_activate_write(self, uuid, count=1, timeout=10):
                return self.sim.wait_until(lambda: len(self.activate_writes(uuid)) >= count and self.activate_writes(uuid),
                                          scaled(timeout), '%d activate write(s) of %s' % (count, uuid))

        def wait_result(self, uuid, action='activate', n=0, timeout=10):
                return self.sim.wait_result(uuid, action, timeout=scaled(timeout), start=n)

        def wait_event(self, name, uuid, timeout=10):
                """Until lfad logged the journal event LFA_MESSAGE_<name> of
                uuid (on stderr here: "[MESSAGE_ID=... LFA_UUID=...]")."""
                tag = '[MESSAGE_ID=%s LFA_UUID=%s' % (message_id(name), uuid)
                return self.wait_for(lambda: tag in self.lfad_output(self.lfad_runs), timeout,
                                'lfad logging %s for %s' % (name, uuid))

        def wait_nothing_due(self, timeout=10):
                """The barrier before asserting that lfad did NOT start
                something (in place of a pause): lfad idle on the bus and, by
                its own model, no component due for an automatic activation
                (pending with the decision "immediate"). lfad starts
                sequences from that model only, so what it has not started
                by then it does not start until something changes. Prime
                ahead, retries and inhibitors have barriers of their own
                (the primed State, the "gave up" event, Inhibitors)."""
                def due():
                        return [u for u in os.listdir(self.sim.sys_lfa)
                                if len(u) == 36 and self.cprop(u, 'ActivationPending')
                                and self.cprop(u, 'Decision') == 'immediate']
                self.wait_for(lambda: self.prop('State') == 'idle' and not due(), timeout,
                         'lfad idle with no component due')
