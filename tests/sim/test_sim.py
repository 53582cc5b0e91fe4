#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Tests of the simulated platform itself, through a real libudev client
(lfa-sim-probe) running under libumockdev-preload, as lfad does.

Each test plays what lfad would do (file writes) and asserts what the ABI
file (driver/Documentation/ABI/testing/sysfs-firmware-lfa) promises: files,
values, uevents with their variables, last_error, and the record.
"""

import errno
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))), 'integration'))
import lfatap  # noqa: E402

from lfasim.harness import Sim, SimError, LFA_SIM, PYTHON  # noqa: E402
from lfasim.inotify import IN_MOVED_TO, Inotify  # noqa: E402
from lfasim.platform import EXTENDED_FILES, READ_ORDER, UPSTREAM_FILES  # noqa: E402
from lfasim.scenario import ScenarioError, parse_statement, parse_text  # noqa: E402
from lfasim.uevent import murmur2  # noqa: E402

BL31 = '47d4086d-4cfe-9846-9b95-2950cbbd5a00'
RMM = '6c0762a6-12f2-4b56-92cb-ba8f633606d9'
BMC = '3f7c2d9a-8b1e-4c55-9a60-5d2e7b41c0aa'
NEW = '11111111-2222-3333-4444-555555555555'
HERE = os.path.dirname(os.path.realpath(__file__))
SCENARIOS = os.path.join(HERE, '..', 'scenarios')
ABI = os.path.join(HERE, '..', '..', 'driver', 'Documentation', 'ABI', 'testing', 'sysfs-firmware-lfa')
INVENTORY_C = os.path.join(HERE, '..', '..', 'daemon', 'inventory.c')
KSHIM = os.path.join(HERE, '..', 'fuzz', 'kshim')
AGENT = os.path.join(HERE, '..', '..', 'driver', 'tests')

_built = {}


def c_program(env, name, sources, flags=()):
        """$env (the meson build's program), else built here with cc
        once: name from sources (paths under tests/sim or absolute)."""
        if os.environ.get(env):
                return os.environ[env]
        if name not in _built:
                path = os.path.join(tempfile.mkdtemp(prefix='lfa-' + name + '-'), name)
                subprocess.run(['cc', '-std=gnu11', '-Wall', '-Wextra', '-Werror', '-o', path]
                               + [os.path.join(HERE, src) for src in sources] + list(flags), check=True)
                _built[name] = path
        return _built[name]


def probe_binary():
        libudev = subprocess.run(['pkg-config', '--cflags', '--libs', 'libudev'],
                                 check=True, capture_output=True, text=True).stdout.split()
        return c_program('LFA_SIM_PROBE', 'lfa-sim-probe', ['lfa-sim-probe.c'], ['-pthread'] + libudev)


class Probe:
        """lfa-sim-probe inside the platform; its lines are queued. Lines
        no expect() took yet stay in the backlog, in order."""

        def __init__(self, sim, subsystems=()):
                self.p = subprocess.Popen([probe_binary()] + list(subsystems), env=sim.child_env(), text=True,
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE)
                self.q = queue.Queue()
                self.backlog = []
                threading.Thread(target=self._reader, daemon=True).start()
                self.expect(r'^ready$')

        def _reader(self):
                for line in self.p.stdout:
                        self.q.put(line.rstrip('\n'))
                self.q.put(None)

        def send(self, line):
                self.p.stdin.write(line + '\n')
                self.p.stdin.flush()

        def expect(self, regex, timeout=10):
                """The first line matching regex, taken from the backlog; the
                lines before it (left in the backlog) are in self.skipped."""
                deadline = time.monotonic() + timeout
                while True:
                        for i, line in enumerate(self.backlog):
                                if re.search(regex, line):
                                        self.skipped = self.backlog[:i]
                                        del self.backlog[i]
                                        return line
                        try:
                                line = self.q.get(timeout=max(0, deadline - time.monotonic()))
                        except queue.Empty:
                                raise AssertionError('probe: no line matching %r in %ss (backlog %r)'
                                                     % (regex, timeout, self.backlog)) from None
                        if line is None:
                                raise AssertionError('probe exited waiting for %r' % regex)
                        self.backlog.append(line)

        def event(self, action, uuid, timeout=10, **env):
                """The first uevent of uuid with this action and these LFA_
                variables."""
                pat = r'^event %s /firmware/lfa/%s SUBSYSTEM=lfa' % (action, uuid)
                pat += ''.join(r'(?=.* LFA_%s=%s( |$))' % (k, re.escape(v)) for k, v in env.items())
                return self.expect(pat, timeout)

        @staticmethod
        def path(uuid, name):
                return '/sys/firmware/lfa/%s/%s' % (uuid, name) if uuid else '/sys/firmware/lfa/' + name

        def start_write(self, uuid, name, value):
                """Start a write in a thread of the probe (it blocks as on
                the kernel); returned() waits for its end."""
                self.send('write %s %s' % (self.path(uuid, name), value))

        def returned(self, uuid, name, timeout=10):
                """What the write returned: the byte count, or the errno name."""
                line = self.expect(r'^(wrote|failed) %s ' % re.escape(self.path(uuid, name)), timeout)
                v = line.split()[-1]
                return int(v) if line.startswith('wrote') else v

        def write(self, uuid, name, value, timeout=10):
                self.start_write(uuid, name, value)
                return self.returned(uuid, name, timeout)

        def write_path(self, path, value, timeout=10):
                self.send('write %s %s' % (path, value))
                line = self.expect(r'^(wrote|failed) %s ' % re.escape(path), timeout)
                v = line.split()[-1]
                return int(v) if line.startswith('wrote') else v

        def events(self):
                """Every uevent line received so far that no expect() took."""
                while True:
                        try:
                                line = self.q.get_nowait()
                        except queue.Empty:
                                break
                        if line is not None:
                                self.backlog.append(line)
                return [x for x in self.backlog if x.startswith('event ')]

        def read(self, uuid, name):
                self.send('read %s' % self.path(uuid, name))
                return self.expect(r'^read ').split('[', 1)[1][:-1]

        def close(self):
                self.p.stdin.close()
                self.p.wait(10)
                self.p.stdout.close()


class SimCase(unittest.TestCase):
        SCENARIO = '''
agent version=1.0
component uuid=%s may_reset_cpu=1 resets_record=0
component uuid=%s current=1.2 prime_rounds=3
component uuid=%s name=bmc-ctl rendezvous=optional current=4.1 activate_rounds=2
''' % (BL31, RMM, BMC)
        BUDGETS = {}
        FLAVOUR = 'extended'
        SMCCC = False
        SUBSYSTEMS = ()

        def setUp(self):
                self.sim = Sim(self.SCENARIO, flavour=self.FLAVOUR, smccc_uevents=self.SMCCC,
                               **self.BUDGETS).start()
                self.probe = Probe(self.sim, self.SUBSYSTEMS)

        def tearDown(self):
                self.probe.close()
                if not self._outcome.success:
                        sys.stderr.write(self.sim.log_text())
                self.sim.cleanup()

        def result(self, uuid, action='activate', n=0):
                return self.sim.wait_result(uuid, action, start=n)

        def inside(self, script, *args, **kw):
                """Run a Python script inside the platform (preloaded)."""
                return subprocess.run([PYTHON, '-c', script] + [str(a) for a in args],
                                      env=self.sim.child_env(), capture_output=True, text=True,
                                      timeout=30, **kw)

        def shell(self, shell, script):
                return subprocess.run([shell, '-c', script], env=self.sim.child_env(),
                                      capture_output=True, text=True, timeout=30)

        def order(self, *preds):
                """Indexes in the record of the first record matching each
                predicate."""
                recs = self.sim.records()
                out = []
                for pred in preds:
                        out.append(next(i for i, r in enumerate(recs) if pred(r)))
                return out


class TestTree(SimCase):
        def test_every_abi_file_exists_with_its_mode(self):
                with open(ABI, encoding='utf-8') as f:
                        names = set(re.findall(r'^What:\s+/sys/firmware/lfa/<uuid>/(\w+)$', f.read(), re.M))
                self.assertGreaterEqual(len(names), 14)
                # Every file the ABI file names, and auto_activate (contract-15.md).
                self.assertLessEqual(names, set(EXTENDED_FILES))
                self.assertEqual(set(EXTENDED_FILES), set(UPSTREAM_FILES) | {'seq_id', 'state', 'last_error', 'prime'})
                for u in (BL31, RMM, BMC):
                        d = os.path.join(self.sim.sys_lfa, u)
                        present = set(os.listdir(d)) - {'subsystem'}
                        self.assertEqual(present, set(EXTENDED_FILES))
                        for n, mode in EXTENDED_FILES.items():
                                self.assertEqual(os.stat(os.path.join(d, n)).st_mode & 0o777, mode, n)
                        self.assertEqual(os.readlink(os.path.join(d, 'subsystem')), '../../../class/lfa')
                top = set(os.listdir(self.sim.sys_lfa)) - {BL31, RMM, BMC}
                self.assertEqual(top, {'version', 'refresh'})
                params = os.path.join(self.sim.module_dir, 'parameters')
                self.assertEqual({n: os.stat(os.path.join(params, n)).st_mode & 0o777 for n in os.listdir(params)},
                                 {'prime_budget_ms': 0o644, 'activate_budget_ms': 0o644,
                                  'poll_interval_ms': 0o644, 'extensions': 0o444})
                self.assertFalse(os.path.exists(os.path.join(self.sim.module_dir, '..', 'lfa_fw')))

        def test_values_as_the_abi_file_reads_them(self):
                p = self.probe
                self.assertEqual(p.read(BL31, 'name'), 'TF-A BL31 runtime')
                self.assertEqual(p.read(BMC, 'name'), BMC)
                self.assertEqual(p.read(RMM, 'seq_id'), '1')
                self.assertEqual(p.read(RMM, 'current_version'), '1.2')
                self.assertEqual(p.read(BL31, 'current_version'), 'N/A')
                self.assertEqual(p.read(RMM, 'pending_version'), 'N/A')
                self.assertEqual(p.read(BL31, 'may_reset_cpu'), '1')
                self.assertEqual(p.read(BMC, 'cpu_rendezvous'), '0')
                self.assertEqual(p.read(RMM, 'cpu_rendezvous'), '1')
                self.assertEqual(p.read(RMM, 'force_cpu_rendezvous'), '1')
                self.assertEqual(p.read(RMM, 'auto_activate'), '0')
                self.assertEqual(p.read(RMM, 'state'), 'idle')
                self.assertEqual(p.read(RMM, 'last_error'), '')
                self.assertEqual(p.read(RMM, 'activation_capable'), '1')
                self.assertEqual(p.read(RMM, 'activation_pending'), '0')
                p.send('read /sys/firmware/lfa/version')
                self.assertEqual(p.expect('^read ').split('[')[1], '1.0]')

        def test_libudev_sees_subsystem_lfa(self):
                self.probe.send('device /sys/firmware/lfa/' + RMM)
                self.assertEqual(self.probe.expect('^device ').split()[-1], 'subsystem=lfa')


class TestNoAgent(unittest.TestCase):
        def test_absent_agent_means_no_directory(self):
                with Sim('agent present=0\n') as sim:
                        self.assertFalse(os.path.exists(sim.sys_lfa))
                        self.assertTrue(os.path.isdir(os.path.dirname(sim.sys_lfa)))


class TestActivation(SimCase):
        def test_store_update_then_activate(self):
                p = self.probe
                self.sim.ctl('store-update uuid=%s pending_version=1.3' % RMM)
                p.event('change', RMM, EVENT='store-updated', UUID=RMM)
                self.assertEqual(p.read(RMM, 'activation_pending'), '1')
                self.assertEqual(p.read(RMM, 'pending_version'), '1.3')
                p.write(RMM, 'activate', '1')
                p.event('change', RMM, EVENT='activated', ACTION='activate')
                self.assertEqual(p.read(RMM, 'current_version'), '1.3')
                self.assertEqual(p.read(RMM, 'pending_version'), 'N/A')
                self.assertEqual(p.read(RMM, 'activation_pending'), '0')
                self.assertEqual(p.read(RMM, 'state'), 'idle')
                calls = [(c['call'], c['result']) for c in self.sim.records('call', uuid=RMM)]
                self.assertEqual(calls, [('INVENTORY', 'SUCCESS')] + [('PRIME', 'CALL_AGAIN')] * 3
                                 + [('PRIME', 'SUCCESS'), ('ACTIVATE', 'SUCCESS')])
                w = self.sim.writes('activate', RMM)
                self.assertEqual([(x['value'], x['force_cpu_rendezvous']) for x in w], [('1', 1)])
                self.assertTrue(self.result(RMM)['rendezvous'])
                # The other components' entries did not change: no uevent.
                self.assertNotIn(BMC, ' '.join(p.skipped))

        def test_skip_only_where_firmware_allows(self):
                p = self.probe
                self.sim.ctl('store-update uuid=%s' % BMC, 'store-update uuid=%s' % RMM)
                p.write(BMC, 'force_cpu_rendezvous', '0')
                p.write(BMC, 'activate', '1')
                p.event('change', BMC, EVENT='activated')
                self.assertFalse(self.result(BMC)['rendezvous'])
                acts = self.sim.records('call', call='ACTIVATE', uuid=BMC)
                self.assertEqual(len(acts), 3)  # activate_rounds=2 CALL_AGAIN, then done
                self.assertTrue(all(a['skip_cpu_rendezvous'] for a in acts))
                p.write(RMM, 'force_cpu_rendezvous', '0')
                p.write(RMM, 'activate', '1')
                p.event('change', RMM, EVENT='activated')
                self.assertTrue(self.result(RMM)['rendezvous'])
                self.assertEqual(self.sim.writes('activate', RMM)[0]['force_cpu_rendezvous'], 0)

        def test_force_is_read_when_the_write_starts(self):
                self.sim.ctl('set uuid=%s call_delay_ms=200' % BMC, 'store-update uuid=%s' % BMC)
                p = self.probe
                p.write(BMC, 'force_cpu_rendezvous', '0')
                p.start_write(BMC, 'activate', '1')
                self.sim.wait_record(lambda r: r['type'] == 'call' and r['call'] == 'PRIME')
                # Never refused because of a running activation.
                self.assertEqual(p.write(BMC, 'force_cpu_rendezvous', '1'), 1)
                p.event('change', BMC, EVENT='activated')
                self.assertEqual(p.returned(BMC, 'activate'), 1)
                self.assertFalse(self.result(BMC)['rendezvous'])

        def test_refusals_end_with_a_failed_uevent(self):
                p = self.probe
                self.assertEqual(p.write(BL31, 'activate', '1'), 'EPERM')
                p.event('change', BL31, EVENT='failed', ACTION='activate', ERRNO='EPERM')
                self.assertEqual(p.read(BL31, 'last_error'), 'EPERM NONE 0 NONE')
                self.assertEqual(p.write(RMM, 'activate', '1'), 'ENODATA')
                p.event('change', RMM, EVENT='failed', ERRNO='ENODATA')
                self.assertEqual(p.read(RMM, 'last_error'), 'ENODATA NONE 0 NONE')
                self.sim.ctl('set uuid=%s capable=0 pending=1' % BMC, 'notify')
                p.event('change', BMC, EVENT='store-updated')
                self.assertEqual(p.write(BMC, 'prime', '1'), 'EOPNOTSUPP')
                p.event('change', BMC, EVENT='failed', ACTION='prime', ERRNO='EOPNOTSUPP')

        def test_values_each_file_takes(self):
                p = self.probe
                self.sim.ctl('store-update uuid=%s' % RMM)
                # lfa.ko's booleans are whole words (lfa_strtobool()), not
                # kstrtobool()'s first character: "yes-please", "Yes" and
                # "tru" are EINVAL.
                self.assertEqual(p.write(RMM, 'prime', '0'), 'EINVAL')
                self.assertEqual(p.write(RMM, 'prime', 'yes-please'), 'EINVAL')
                self.assertEqual(p.write(None, 'refresh', 'maybe'), 'EINVAL')
                self.assertEqual(p.write(None, 'refresh', 'tru'), 'EINVAL')
                self.assertEqual(p.write(RMM, 'force_cpu_rendezvous', 'maybe'), 'EINVAL')
                self.assertEqual(p.write(RMM, 'force_cpu_rendezvous', 'Yes'), 'EINVAL')
                self.assertEqual(p.write(RMM, 'auto_activate', 'maybe'), 'EINVAL')
                self.assertEqual(p.write(RMM, 'auto_activate', 'off-ish'), 'EINVAL')
                self.assertEqual(p.read(RMM, 'force_cpu_rendezvous'), '1')
                self.assertEqual(p.read(RMM, 'auto_activate'), '0')
                errs = [(w['file'], w['errno']) for w in self.sim.writes(uuid=RMM)]
                self.assertEqual(errs, [('prime', 'EINVAL')] * 2 + [('force_cpu_rendezvous', 'EINVAL')] * 2
                                 + [('auto_activate', 'EINVAL')] * 2)
                self.assertEqual(self.sim.records('call', call='PRIME'), [])
                # cancel takes any content (the ABI file, as lfa_fw): on an
                # idle component it is LFA_CANCEL, which TF-A refuses.
                self.assertEqual(p.write(RMM, 'cancel', 'no'), 'EINVAL')
                self.assertEqual([c['result'] for c in self.sim.records('call', call='CANCEL')],
                                 ['INVALID_PARAMETERS'])
                # The other words; a RW file reads back the kernel's value,
                # a write-only file has no content.
                self.assertEqual(p.write(RMM, 'force_cpu_rendezvous', 'off'), 3)
                self.assertEqual(p.read(RMM, 'force_cpu_rendezvous'), '0')
                self.assertEqual(p.write(RMM, 'force_cpu_rendezvous', 'yes'), 3)
                self.assertEqual(p.read(RMM, 'force_cpu_rendezvous'), '1')
                # activate takes any content (upstream's semantics).
                self.assertEqual(p.write(RMM, 'activate', '0'), 1)
                p.event('change', RMM, EVENT='activated')
                for n in ('activate', 'prime', 'cancel'):
                        self.assertEqual(self.sim.attr(RMM, n), '')


class TestErrors(SimCase):
        SCENARIO = os.path.join(SCENARIOS, 'errors.scn')
        BUDGETS = {'prime_budget_ms': 200, 'activate_budget_ms': 200}

        def test_firmware_error_codes(self):
                p = self.probe
                p.write(RMM, 'activate', '1')
                p.event('change', RMM, EVENT='failed', ERRNO='EKEYREJECTED')
                self.assertEqual(p.read(RMM, 'last_error'), 'EKEYREJECTED AUTH_ERROR -3 ACTIVATE')
                self.assertEqual(p.read(RMM, 'state'), 'idle')
                p.write(BMC, 'activate', '1')
                p.event('change', BMC, EVENT='failed', ERRNO='EIO')
                self.assertEqual(p.read(BMC, 'last_error'), 'EIO UNKNOWN -35 PRIME')

        def test_budgets_cancel_and_time_out(self):
                p = self.probe
                p.write(BL31, 'activate', '1')
                p.event('change', BL31, EVENT='failed', ERRNO='ETIMEDOUT')
                self.assertEqual(p.read(BL31, 'last_error'), 'ETIMEDOUT NONE 0 PRIME')
                self.assertEqual(self.sim.records('call', uuid=BL31)[-1]['call'], 'CANCEL')
                p.write(NEW, 'activate', '1')
                p.event('change', NEW, EVENT='failed', ERRNO='ETIMEDOUT')
                self.assertEqual(p.read(NEW, 'last_error'), 'ETIMEDOUT NONE 0 ACTIVATE')
                r = self.result(NEW)
                self.assertEqual(r['errno'], 'ETIMEDOUT')

        def test_cancel_while_priming(self):
                p = self.probe
                p.start_write(BL31, 'activate', '1')
                self.sim.wait_record(lambda r: r['type'] == 'call' and r['call'] == 'PRIME')
                self.assertEqual(p.read(BL31, 'state'), 'priming')
                self.assertEqual(p.write(BL31, 'cancel', '1'), 1)
                p.event('change', BL31, EVENT='failed', ERRNO='ECANCELED')
                self.assertEqual(p.returned(BL31, 'activate'), 'ECANCELED')
                self.assertEqual(p.read(BL31, 'last_error'), 'ECANCELED NONE 0 PRIME')
                self.assertEqual(p.read(BL31, 'activation_pending'), '1')

        def test_second_write_while_a_sequence_runs(self):
                p = self.probe
                p.start_write(BL31, 'activate', '1')
                self.sim.wait_record(lambda r: r['type'] == 'call' and r['call'] == 'PRIME')
                # -EBUSY at once: no uevent, last_error untouched (ABI file),
                # so nothing looks like the end of BL31's sequence.
                self.assertEqual(p.write(RMM, 'activate', '1'), 'EBUSY')
                r = self.sim.wait_result(RMM)
                self.assertEqual(r['errno'], 'EBUSY')
                p.event('change', BL31, EVENT='failed', ERRNO='ETIMEDOUT')
                self.assertEqual(p.returned(BL31, 'activate'), 'ETIMEDOUT')
                self.assertNotIn(RMM, ' '.join(p.skipped))
                self.assertEqual(p.read(RMM, 'last_error'), '')
                self.assertEqual(self.sim.records('call', uuid=RMM, call='PRIME'), [])


class TestPrime(SimCase):
        def test_prime_then_activate_issues_only_activate(self):
                p = self.probe
                self.sim.ctl('store-update uuid=%s' % RMM)
                p.write(RMM, 'prime', '1')
                p.event('change', RMM, EVENT='primed', ACTION='prime')
                self.assertEqual(p.read(RMM, 'state'), 'primed')
                p.write(RMM, 'prime', '1')
                p.event('change', RMM, EVENT='failed', ACTION='prime', ERRNO='EALREADY')
                n_prime = len(self.sim.records('call', call='PRIME'))
                p.write(RMM, 'activate', '1')
                p.event('change', RMM, EVENT='activated')
                self.assertEqual(len(self.sim.records('call', call='PRIME')), n_prime)

        def test_priming_another_cancels_the_primed_one(self):
                # lfa.ko keeps at most one component primed: TF-A would let
                # the second PRIME succeed bound to the first's record, and
                # both ACTIVATEs would answer INVALID_PARAMETERS.
                p = self.probe
                self.sim.ctl('store-update uuid=%s' % RMM, 'store-update uuid=%s' % BMC)
                self.assertEqual(p.write(RMM, 'prime', '1'), 1)
                p.event('change', RMM, EVENT='primed')
                self.assertEqual(p.write(BMC, 'activate', '1'), 1)
                p.event('change', RMM, EVENT='changed')
                p.event('change', BMC, EVENT='activated')
                self.assertEqual(p.read(RMM, 'state'), 'idle')
                calls = [(c['call'], c['uuid']) for c in self.sim.records('call') if c['call'] != 'INVENTORY']
                self.assertEqual(calls[-5:-2], [('CANCEL', RMM), ('PRIME', BMC), ('ACTIVATE', BMC)])

        def test_failing_cancel_of_the_other_prime_fails_the_write(self):
                p = self.probe
                self.sim.ctl('store-update uuid=%s' % RMM, 'store-update uuid=%s' % BMC)
                self.assertEqual(p.write(RMM, 'prime', '1'), 1)
                self.sim.ctl('set uuid=%s cancel_error=DEVICE_ERROR' % RMM)
                self.assertEqual(p.write(BMC, 'activate', '1'), 'EIO')
                p.event('change', BMC, EVENT='failed', ACTION='activate', ERRNO='EIO')
                self.assertEqual(p.read(BMC, 'last_error'), 'EIO DEVICE_ERROR -6 CANCEL')
                self.assertEqual(p.read(RMM, 'state'), 'primed')
                self.assertEqual(self.sim.records('call', call='PRIME', uuid=BMC), [])
                # Once CANCEL works, the next write goes through.
                self.sim.ctl('set uuid=%s cancel_error=0' % RMM)
                self.assertEqual(p.write(BMC, 'activate', '1'), 1)
                self.assertEqual(p.read(RMM, 'state'), 'idle')

        def test_primed_component_no_longer_pending_is_released_by_a_write(self):
                p = self.probe
                self.sim.ctl('store-update uuid=%s' % RMM)
                self.assertEqual(p.write(RMM, 'prime', '1'), 1)
                self.sim.ctl('set uuid=%s pending=0' % RMM)
                self.assertEqual(p.write(RMM, 'activate', '1'), 'ENODATA')
                p.event('change', RMM, EVENT='failed', ACTION='activate', ERRNO='ENODATA')
                self.assertEqual([r['env']['LFA_EVENT'] for r in self.sim.records('uevent', uuid=RMM)],
                                 ['store-updated', 'primed', 'changed', 'failed'])
                self.assertEqual(p.read(RMM, 'state'), 'idle')
                self.assertEqual(self.sim.records('call', call='CANCEL')[-1]['uuid'], RMM)

        def test_primed_component_with_a_newer_image_primes_it(self):
                p = self.probe
                self.sim.ctl('store-update uuid=%s pending_version=7.1' % RMM)
                self.assertEqual(p.write(RMM, 'prime', '1'), 1)
                # Staged after the prime, no notification: the write's
                # re-read finds it, releases the old prime, primes anew.
                self.sim.ctl('set uuid=%s pending_version=7.2' % RMM)
                n = len(self.sim.records('call', uuid=RMM))
                self.assertEqual(p.write(RMM, 'activate', '1'), 1)
                calls = [c['call'] for c in self.sim.records('call', uuid=RMM)[n:] if c['call'] != 'INVENTORY']
                # (PRIME's call-again rounds as one.)
                self.assertEqual([c for i, c in enumerate(calls) if i == 0 or c != calls[i - 1]],
                                 ['CANCEL', 'PRIME', 'ACTIVATE'])
                self.assertEqual([r['env']['LFA_EVENT'] for r in self.sim.records('uevent', uuid=RMM)],
                                 ['store-updated', 'primed', 'changed', 'activated'])
                # Found by a notification's refresh: released there.
                self.sim.ctl('store-update uuid=%s pending_version=7.3' % RMM)
                self.assertEqual(p.write(RMM, 'prime', '1'), 1)
                self.sim.ctl('store-update uuid=%s pending_version=7.4' % RMM)
                p.event('change', RMM, EVENT='store-updated')
                self.assertEqual(p.read(RMM, 'state'), 'idle')
                self.assertEqual(self.sim.records('call', uuid=RMM)[-1]['call'], 'CANCEL')

        def test_primed_component_released_by_a_refresh(self):
                p = self.probe
                self.sim.ctl('store-update uuid=%s' % RMM, 'store-update uuid=%s' % BMC)
                self.assertEqual(p.write(RMM, 'prime', '1'), 1)
                p.event('change', RMM, EVENT='primed')
                # No longer pending: LFA_CANCEL, idle, one "changed".
                self.sim.ctl('set uuid=%s pending=0' % RMM)
                self.assertEqual(p.write(None, 'refresh', '1'), 1)
                p.event('change', RMM, EVENT='changed')
                self.assertEqual(p.read(RMM, 'state'), 'idle')
                self.assertEqual([r['env']['LFA_EVENT'] for r in self.sim.records('uevent', uuid=RMM)
                                  if r['action'] == 'change'], ['store-updated', 'primed', 'changed'])
                self.assertEqual(self.sim.records('call', call='CANCEL')[-1]['uuid'], RMM)
                # Gone: LFA_CANCEL of the sequence id it had, then removed.
                self.assertEqual(p.write(BMC, 'prime', '1'), 1)
                n = len(self.sim.records('call', call='CANCEL'))
                self.sim.ctl('remove uuid=%s' % BMC)
                self.assertEqual(p.write(None, 'refresh', '1'), 1)
                p.event('remove', BMC)
                c = self.sim.records('call', call='CANCEL')[n:]
                self.assertEqual([(r['uuid'], r['seq_id']) for r in c], [(BMC, 2)])


        def test_cancel_of_a_primed_component(self):
                p = self.probe
                self.sim.ctl('store-update uuid=%s' % RMM)
                p.write(RMM, 'prime', '1')
                p.event('change', RMM, EVENT='primed')
                p.write(RMM, 'cancel', '1')
                p.event('change', RMM, EVENT='changed')
                self.assertEqual(p.read(RMM, 'state'), 'idle')
                self.assertEqual(self.sim.records('result', action='cancel')[-1]['errno'], None)

        def test_cancel_errno_is_the_error_tables(self):
                # lfa.ko with its extensions: the code's errno (-EINVAL only
                # with extensions=0, the upstream flavour); a refused CANCEL
                # leaves the prime.
                p = self.probe
                self.sim.ctl('store-update uuid=%s' % RMM)
                p.write(RMM, 'prime', '1')
                self.sim.ctl('set uuid=%s cancel_error=DEVICE_ERROR' % RMM)
                self.assertEqual(p.write(RMM, 'cancel', '1'), 'EIO')
                self.assertEqual(p.read(RMM, 'state'), 'primed')
                self.sim.ctl('set uuid=%s cancel_error=0' % RMM)
                self.assertEqual(p.write(RMM, 'cancel', '1'), 1)
                # Nothing in progress: INVALID_PARAMETERS.
                self.assertEqual(p.write(RMM, 'cancel', '1'), 'EINVAL')


        def test_store_update_during_an_activation_is_reported_by_its_refresh(self):
                # lfa.ko's notification sets its flag before it waits for
                # the mutex: the activation's own refresh reports BMC's new
                # image, before RMM's "activated".
                p = self.probe
                self.sim.ctl('set uuid=%s call_delay_ms=100' % RMM, 'store-update uuid=%s' % RMM)
                p.start_write(RMM, 'activate', '1')
                self.sim.wait_record(is_rec('call', call='PRIME', uuid=RMM), what='the PRIME')
                self.sim.ctl('store-update uuid=%s pending_version=4.2' % BMC)
                self.assertEqual(p.returned(RMM, 'activate'), 1)
                p.event('change', BMC, EVENT='store-updated')
                kinds = [(u['uuid'], u['env'].get('LFA_EVENT')) for u in self.sim.records('uevent')]
                self.assertEqual(kinds[1:], [(BMC, 'store-updated'), (RMM, 'activated')])


class TestSequenceEnds(SimCase):
        """lfa.ko's checks before PRIME and its ending CANCEL (issue 13)."""
        BUDGETS = {'prime_budget_ms': 200}

        def test_vanished_last_component_is_removed_by_the_write(self):
                p = self.probe
                self.sim.ctl('store-update uuid=%s' % BMC, 'remove uuid=%s' % BMC)
                self.assertEqual(p.write(BMC, 'activate', '1'), 'ENODEV')
                # One refresh inside the write: the directory is gone when
                # it returns, with its remove uevent and no "failed".
                self.assertFalse(os.path.exists(os.path.join(self.sim.sys_lfa, BMC)))
                p.event('remove', BMC)
                self.assertEqual([r['env'].get('LFA_EVENT') for r in self.sim.records('uevent', uuid=BMC)],
                                 ['store-updated', None])

        def test_failed_ending_cancel_is_issued_before_the_next_prime(self):
                p = self.probe
                self.sim.ctl('set uuid=%s prime_hang=1 cancel_error=DEVICE_ERROR' % RMM,
                             'store-update uuid=%s' % RMM, 'store-update uuid=%s' % BMC)
                self.assertEqual(p.write(RMM, 'activate', '1'), 'ETIMEDOUT')
                self.sim.ctl('set uuid=%s prime_hang=0 cancel_error=0' % RMM)
                n = len(self.sim.records('call'))
                self.assertEqual(p.write(BMC, 'activate', '1'), 1)
                calls = [(c['call'], c['seq_id'], c['result']) for c in self.sim.records('call')[n:]
                         if c['call'] != 'INVENTORY']
                self.assertEqual(calls, [('CANCEL', 1, 'SUCCESS'), ('PRIME', 2, 'SUCCESS'),
                                         ('ACTIVATE', 2, 'CALL_AGAIN'), ('ACTIVATE', 2, 'CALL_AGAIN'),
                                         ('ACTIVATE', 2, 'SUCCESS')])
                # Paid: not issued again.
                self.sim.ctl('store-update uuid=%s' % BMC)
                n = len(self.sim.records('call'))
                self.assertEqual(p.write(BMC, 'prime', '1'), 1)
                self.assertEqual(self.sim.records('call', call='CANCEL')[n:], [])


class TestInventoryChanges(SimCase):
        SCENARIO = os.path.join(SCENARIOS, 'inventory-changes.scn')

        def test_vanish_and_add(self):
                p = self.probe
                p.write(RMM, 'activate', '1')
                p.event('change', RMM, EVENT='activated')
                p.event('remove', RMM)
                self.assertFalse(os.path.exists(os.path.join(self.sim.sys_lfa, RMM)))
                self.assertEqual(self.sim.attr(NEW, 'seq_id'), '2')
                self.assertEqual(self.sim.attr(BMC, 'seq_id'), '0')
                kinds = [(u['action'], u['uuid'], u['env'].get('LFA_EVENT'))
                         for u in self.sim.records('uevent')]
                self.assertEqual(kinds, [('add', NEW, None), ('change', BMC, 'changed'),
                                         ('change', BL31, 'changed'), ('change', RMM, 'activated'),
                                         ('remove', RMM, None)])

        def test_reverse_renumbers(self):
                p = self.probe
                p.write(BL31, 'activate', '1')
                p.event('change', BL31, EVENT='activated')
                self.assertEqual([self.sim.attr(u, 'seq_id') for u in (RMM, BMC, BL31)], ['2', '1', '0'])

        def test_runtime_component_remove_and_refresh(self):
                p = self.probe
                self.sim.ctl('component uuid=%s current=0.9' % NEW.upper(), 'remove uuid=%s' % BMC)
                p.write(None, 'refresh', '1')
                p.event('add', NEW)
                p.event('change', BL31, EVENT='changed')
                self.assertEqual(p.read(NEW, 'current_version'), '0.9')
                self.sim.wait_record(lambda r: r['type'] == 'uevent' and r['action'] == 'remove')
                self.assertFalse(os.path.exists(os.path.join(self.sim.sys_lfa, BMC)))


class TestStaleRecord(SimCase):
        SCENARIO = os.path.join(SCENARIOS, 'stale-record.scn')

        def test_driver_cancels_the_previous_sequence_and_retries_once(self):
                p = self.probe
                p.write(BMC, 'activate', '1')
                p.event('change', BMC, EVENT='activated')
                p.write(RMM, 'activate', '1')
                p.event('change', RMM, EVENT='activated')
                calls = [(c['call'], c['seq_id'], c['result']) for c in self.sim.records('call', uuid=RMM)
                         if c['call'] != 'INVENTORY']
                self.assertEqual(calls, [('PRIME', 1, 'SUCCESS'), ('ACTIVATE', 1, 'INVALID_PARAMETERS'),
                                         ('CANCEL', 0, 'SUCCESS'), ('PRIME', 1, 'SUCCESS'),
                                         ('ACTIVATE', 1, 'SUCCESS')])

        def test_a_failed_release_fails_the_write_and_is_tried_again_next_time(self):
                p = self.probe
                self.assertEqual(p.write(BMC, 'activate', '1'), 1)
                self.sim.ctl('set uuid=%s cancel_error=BUSY' % BMC)
                # The CANCEL's error, no retry on a record still held ...
                self.assertEqual(p.write(RMM, 'activate', '1'), 'EBUSY')
                self.assertEqual(self.sim.attr(RMM, 'last_error'), 'EBUSY BUSY -2 CANCEL')
                # ... and the record still known: the next write releases it.
                self.sim.ctl('set uuid=%s cancel_error=0' % BMC)
                self.assertEqual(p.write(RMM, 'activate', '1'), 1)
                calls = [(c['call'], c['seq_id'], c['result']) for c in self.sim.records('call', uuid=RMM)
                         if c['call'] != 'INVENTORY']
                self.assertEqual(calls, [('PRIME', 1, 'SUCCESS'), ('ACTIVATE', 1, 'INVALID_PARAMETERS'),
                                         ('CANCEL', 0, 'BUSY'),
                                         ('PRIME', 1, 'SUCCESS'), ('ACTIVATE', 1, 'INVALID_PARAMETERS'),
                                         ('CANCEL', 0, 'SUCCESS'), ('PRIME', 1, 'SUCCESS'),
                                         ('ACTIVATE', 1, 'SUCCESS')])

        def test_a_primed_component_whose_prime_the_firmware_lost_primes_again_once(self):
                # TF-A binds RMM's PRIME to BMC's stale record: "primed" is
                # only the driver's record. lfa.ko primes again once, then
                # takes the stale-record path.
                p = self.probe
                p.write(BMC, 'activate', '1')
                p.event('change', BMC, EVENT='activated')
                self.assertEqual(p.write(RMM, 'prime', '1'), 1)
                self.assertEqual(p.write(RMM, 'activate', '1'), 1)
                calls = [(c['call'], c['seq_id'], c['result']) for c in self.sim.records('call', uuid=RMM)
                         if c['call'] != 'INVENTORY']
                self.assertEqual(calls, [('PRIME', 1, 'SUCCESS'), ('ACTIVATE', 1, 'INVALID_PARAMETERS'),
                                         ('PRIME', 1, 'SUCCESS'), ('ACTIVATE', 1, 'INVALID_PARAMETERS'),
                                         ('CANCEL', 0, 'SUCCESS'), ('PRIME', 1, 'SUCCESS'),
                                         ('ACTIVATE', 1, 'SUCCESS')])


WRITE_CALLS = r'''
import os, sys
d = '/sys/firmware/lfa/' + sys.argv[1] + '/'
def attempt(fn):
        try:
                return str(fn())
        except OSError as e:
                return 'E' + str(e.errno)
fd = os.open(d + 'force_cpu_rendezvous', os.O_WRONLY)
print(attempt(lambda: os.pwrite(fd, b'0', 7)))
print(open(d + 'force_cpu_rendezvous').read().strip())
print(attempt(lambda: os.writev(fd, [b'o', b'n'])))
print(open(d + 'force_cpu_rendezvous').read().strip())
print(attempt(lambda: os.write(fd, b'')))
print(attempt(lambda: os.write(fd, b'1' * 4097)))
print(attempt(lambda: os.write(fd, b'1' + b' ' * 4095)))
os.close(fd)
# kernfs's open(): permission bits hold for root, O_TRUNC is ignored.
print(attempt(lambda: os.open(d + 'name', os.O_WRONLY)))
print(attempt(lambda: os.open(d + 'activate', os.O_RDONLY)))
dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
print(attempt(lambda: os.open('state', os.O_RDWR, dir_fd=dfd)))
fd = os.open('force_cpu_rendezvous', os.O_WRONLY | os.O_TRUNC, dir_fd=dfd)
print(open(d + 'force_cpu_rendezvous').read().strip())
print(attempt(lambda: os.write(fd, b'0')))
os.chdir(d)
with open('force_cpu_rendezvous', 'w') as f:
        print(open(d + 'force_cpu_rendezvous').read().strip())
        f.write('1')
print(open('force_cpu_rendezvous').read().strip())
'''

HOLD_WRITE = r'''
import os, sys
fd = os.open('/sys/firmware/lfa/%s/activate' % sys.argv[1], os.O_WRONLY)
print('writing', flush=True)
os.write(fd, b'1')
print('returned', flush=True)
'''


def is_rec(kind, **kv):
        return lambda r: r['type'] == kind and all(r.get(k) == v for k, v in kv.items())


class TestBlockingWrites(SimCase):
        """Extended flavour: a write returns when the driver's store() does."""

        def test_activate_returns_when_the_sequence_ends_after_its_uevent(self):
                p = self.probe
                self.sim.ctl('set uuid=%s call_delay_ms=60' % RMM, 'store-update uuid=%s pending_version=1.3' % RMM)
                p.event('change', RMM, EVENT='store-updated')
                t0 = time.monotonic()
                self.assertEqual(p.write(RMM, 'activate', '1'), 1)
                # Four PRIME calls and one ACTIVATE, 60 ms each.
                self.assertGreaterEqual(time.monotonic() - t0, 0.3)
                self.assertEqual(p.read(RMM, 'current_version'), '1.3')
                ev, ret = self.order(is_rec('uevent', uuid=RMM, action='change'),
                                     is_rec('return', file='activate'))
                ev = self.order(lambda r: r['type'] == 'uevent' and r['env'].get('LFA_EVENT') == 'activated')[0]
                self.assertLess(ev, ret)
                self.assertEqual(self.sim.records('return', file='activate'),
                                 [dict(self.sim.records('return', file='activate')[0], errno=None, count=1)])

        def test_prime_and_failures_return_their_errno_after_the_uevent(self):
                p = self.probe
                self.sim.ctl('store-update uuid=%s' % RMM)
                self.assertEqual(p.write(RMM, 'prime', '1'), 1)
                self.assertEqual(p.read(RMM, 'state'), 'primed')
                self.assertEqual(p.write(RMM, 'prime', 'y'), 'EALREADY')
                ev = self.order(lambda r: r['type'] == 'uevent' and r['env'].get('LFA_ERRNO') == 'EALREADY')[0]
                ret = self.order(is_rec('return', file='prime', errno='EALREADY'))[0]
                self.assertLess(ev, ret)
                # A cancel of the primed component returns at once.
                self.assertEqual(p.write(RMM, 'cancel', '1'), 1)
                self.assertEqual(p.read(RMM, 'state'), 'idle')

        def test_refusals_by_place(self):
                p = self.probe
                self.assertEqual(p.write(RMM, 'name', 'x'), 'EACCES')
                self.assertEqual(p.write(RMM, 'state', 'idle'), 'EACCES')
                self.assertEqual(p.write(None, 'version', '2.0'), 'EACCES')
                self.assertEqual(p.read(RMM, 'name'), 'TF-RMM')
                # A vanished component: its held files give ENODEV.
                self.sim.ctl('remove uuid=%s' % BMC)
                self.assertEqual(p.write(None, 'refresh', '1'), 1)
                self.assertFalse(os.path.exists(os.path.join(self.sim.sys_lfa, BMC)))
                with self.assertRaises(OSError) as cm:
                        self.sim.write(BMC, 'activate', '1')
                self.assertEqual(cm.exception.errno, errno.ENODEV)
                # EACCES came from open(): only the rest reached the driver.
                self.assertEqual([(w['file'], w['errno']) for w in self.sim.writes()],
                                 [('refresh', None), ('activate', 'ENODEV')])
                with self.assertRaises(OSError) as cm:
                        self.sim.write(RMM, 'seq_id', '7')
                self.assertEqual(cm.exception.errno, errno.EACCES)

        def test_every_write_call_is_one_store(self):
                r = self.inside(WRITE_CALLS, BMC)
                self.assertEqual(r.returncode, 0, r.stderr)
                acces = 'E%d' % errno.EACCES
                # 4097 bytes are E2BIG; 4096 reach the driver as one store,
                # whose whole-word parse refuses the padding (EINVAL).
                self.assertEqual(r.stdout.split(), ['1', '0', '2', '1', '0', 'E%d' % errno.E2BIG,
                                                    'E%d' % errno.EINVAL,
                                                    acces, acces, acces, '1', '1', '0', '1'])
                self.assertEqual([w['value'] for w in self.sim.writes('force_cpu_rendezvous')],
                                 ['0', 'on', '1', '0', '1'])
                # Nothing reached the plain files.
                self.assertEqual(self.sim.attr(BMC, 'name'), BMC)

        def test_shell_writes_through_stdio(self):
                self.sim.ctl('store-update uuid=%s' % RMM)
                d = '/sys/firmware/lfa/%s/' % RMM
                for sh in ('bash', 'sh'):
                        # Refused at open(), as kernfs does.
                        r = self.shell(sh, 'echo 1 > %sname' % d)
                        self.assertNotEqual(r.returncode, 0, sh)
                        self.assertIn('Permission denied', r.stderr)
                r = self.shell('bash', 'echo 0 > %sforce_cpu_rendezvous && cat %sforce_cpu_rendezvous' % (d, d))
                self.assertEqual((r.returncode, r.stdout), (0, '0\n'), r.stderr)
                r = self.shell('bash', 'echo 1 > %sactivate && cat %scurrent_version' % (d, d))
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(self.sim.wait_result(RMM)['errno'], None)
                r = self.shell('/bin/sh', 'echo 1 > %sactivate' % d)
                self.assertEqual(r.returncode, 1)
                r = self.shell('bash', '/bin/echo 1 > %sactivate' % d)
                self.assertEqual(r.returncode, 1)
                self.assertIn('No data available', r.stderr)
                self.assertEqual([x['errno'] for x in self.sim.records('return', file='activate')],
                                 [None, 'ENODATA', 'ENODATA'])
                self.assertEqual(self.sim.attr(RMM, 'activate'), '')

        def test_killed_writer_cancels_priming(self):
                self.sim.ctl('set uuid=%s prime_hang=1' % RMM, 'store-update uuid=%s' % RMM)
                w = subprocess.Popen([PYTHON, '-c', HOLD_WRITE, RMM], env=self.sim.child_env(),
                                     stdout=subprocess.PIPE, text=True)
                try:
                        self.assertEqual(w.stdout.readline(), 'writing\n')
                        self.sim.wait_record(is_rec('call', call='PRIME'))
                        self.assertEqual(self.sim.attr(RMM, 'state'), 'priming')
                        w.kill()
                        w.wait()
                finally:
                        w.stdout.close()
                r = self.result(RMM)
                self.assertEqual((r['errno'], r['last_error']), ('ECANCELED', 'ECANCELED NONE 0 PRIME'))
                self.assertEqual(self.sim.records('call', uuid=RMM)[-1]['call'], 'CANCEL')
                self.probe.event('change', RMM, EVENT='failed', ERRNO='ECANCELED')

        def test_a_signal_does_not_interrupt_the_write(self):
                self.sim.ctl('set uuid=%s call_delay_ms=100' % RMM, 'store-update uuid=%s' % RMM)
                script = ('import os, signal, sys\n'
                          'signal.signal(signal.SIGALRM, lambda *a: print("alarm", flush=True))\n'
                          'signal.setitimer(signal.ITIMER_REAL, 0.1)\n' + HOLD_WRITE)
                r = self.inside(script, RMM)
                self.assertEqual(r.stdout.split(), ['writing', 'alarm', 'returned'], r.stderr)
                self.assertIsNone(self.result(RMM)['errno'])

        def test_refresh_waits_for_the_running_sequence(self):
                p = self.probe
                self.sim.ctl('set uuid=%s call_delay_ms=50' % RMM, 'store-update uuid=%s' % RMM)
                p.start_write(RMM, 'activate', '1')
                self.sim.wait_record(is_rec('call', call='PRIME'))
                self.assertEqual(p.write(None, 'refresh', '1'), 1)
                a, r = self.order(is_rec('return', file='activate'), is_rec('return', file='refresh'))
                self.assertLess(a, r)
                self.assertEqual(p.returned(RMM, 'activate'), 1)

        def test_module_parameters(self):
                p = self.probe
                d = '/sys/module/lfa/parameters/'
                self.assertEqual(p.write_path(d + 'prime_budget_ms', '0x40'), 4)
                self.assertEqual(p.read(None, '../../module/lfa/parameters/prime_budget_ms'), '64')
                self.assertEqual(p.write_path(d + 'prime_budget_ms', 'soon'), 'EINVAL')
                self.assertEqual(p.write_path(d + 'extensions', 'N'), 'EACCES')
                self.assertEqual(p.read(None, '../../module/lfa/parameters/extensions'), 'Y')
                # The new budget is the next sequence's.
                self.sim.ctl('set uuid=%s prime_hang=1' % RMM, 'store-update uuid=%s' % RMM)
                t0 = time.monotonic()
                self.assertEqual(p.write(RMM, 'activate', '1'), 'ETIMEDOUT')
                self.assertLess(time.monotonic() - t0, 5)


class TestAutoActivate(SimCase):
        """auto_activate: the kernel activates on a notification."""

        def test_kernel_activates_every_auto_image_on_a_notification(self):
                p = self.probe
                self.assertEqual(p.write(RMM, 'auto_activate', '1'), 1)
                self.assertEqual(p.write(BMC, 'auto_activate', 'on'), 2)
                self.assertEqual(p.write(BL31, 'auto_activate', '1'), 1)
                self.assertEqual([p.read(u, 'auto_activate') for u in (BL31, RMM, BMC)], ['1', '1', '1'])
                self.sim.ctl('set uuid=%s pending=1' % BL31, 'set uuid=%s pending=1' % RMM,
                             'store-update uuid=%s pending_version=4.2' % BMC)
                p.event('change', RMM, EVENT='activated', ACTION='activate')
                p.event('change', BMC, EVENT='activated', ACTION='activate')
                # BL31 may reset a CPU: tried once, it fails, no loop.
                p.event('change', BL31, EVENT='failed', ERRNO='EPERM')
                self.sim.wait_record(is_rec('result', uuid=BMC))
                results = [(r['uuid'], r['errno'], r.get('auto')) for r in self.sim.records('result')]
                self.assertEqual(results, [(BL31, 'EPERM', True), (RMM, None, True), (BMC, None, True)])
                self.assertEqual(self.sim.writes('activate'), [])
                self.assertEqual(self.sim.records('return', file='activate'), [])
                self.assertEqual(self.sim.attr(BMC, 'current_version'), '4.2')
                # Each notification is a new round: BL31, still pending,
                # is tried (and refused) again; nothing else is pending.
                self.sim.ctl('notify')
                p.event('change', BL31, EVENT='failed', ERRNO='EPERM')
                self.assertEqual([(r['uuid'], r['errno']) for r in self.sim.records('result')][3:],
                                 [(BL31, 'EPERM')])

        def test_off_by_default_and_a_write_meanwhile_is_busy(self):
                p = self.probe
                self.sim.ctl('set uuid=%s call_delay_ms=80' % RMM, 'store-update uuid=%s' % BMC)
                p.event('change', BMC, EVENT='store-updated')
                self.assertEqual(self.sim.records('call', call='PRIME'), [])
                self.assertEqual(p.write(RMM, 'auto_activate', '1'), 1)
                self.sim.ctl('store-update uuid=%s' % RMM)
                self.sim.wait_record(is_rec('call', call='PRIME', uuid=RMM))
                self.assertEqual(p.write(BMC, 'activate', '1'), 'EBUSY')
                p.event('change', RMM, EVENT='activated')
                self.assertEqual(p.write(BMC, 'activate', '1'), 1)


class UpstreamCase(SimCase):
        FLAVOUR = 'upstream'
        SUBSYSTEMS = ('lfa', 'arm_smccc')

        def tearDown(self):
                # No component uevents, ever (the SMCCC device's are opt-in).
                if self._outcome.success:
                        self.assertEqual([e for e in self.probe.events() if 'SUBSYSTEM=lfa' in e], [])
                        self.assertEqual([r for r in self.sim.records('uevent') if r['uuid'] is not None], [])
                        if not self.SMCCC:
                                self.assertEqual(self.sim.records('uevent'), [])
                super().tearDown()


class TestUpstream(UpstreamCase):
        def test_tree_is_upstreams_exactly(self):
                self.assertEqual(set(UPSTREAM_FILES), {
                        'name', 'current_version', 'pending_version', 'activation_capable',
                        'activation_pending', 'may_reset_cpu', 'cpu_rendezvous', 'force_cpu_rendezvous',
                        'auto_activate', 'activate', 'cancel'})
                self.assertEqual(sorted(os.listdir(self.sim.sys_lfa)), sorted([BL31, RMM, BMC]))
                for u in (BL31, RMM, BMC):
                        d = os.path.join(self.sim.sys_lfa, u)
                        self.assertEqual({n: os.lstat(os.path.join(d, n)).st_mode & 0o777 for n in os.listdir(d)},
                                         {n: 0o444 for n in UPSTREAM_FILES} | {
                                                 'force_cpu_rendezvous': 0o644, 'auto_activate': 0o644,
                                                 'activate': 0o200, 'cancel': 0o200})
                module = os.path.join(self.sim.env['UMOCKDEV_DIR'], 'sys', 'module')
                self.assertEqual(os.listdir(module), ['lfa_fw'])
                self.assertEqual(self.sim.module_dir, os.path.join(module, 'lfa_fw'))

        def test_values_as_tf_a_reports_them(self):
                p = self.probe
                self.assertEqual(p.read(BL31, 'current_version'), '0.0')
                self.assertEqual(p.read(BL31, 'pending_version'), 'N/A')
                self.assertEqual(p.read(RMM, 'current_version'), '1.2')
                self.assertEqual(p.read(RMM, 'name'), 'TF-RMM')
                self.assertEqual(p.read(BMC, 'name'), BMC)
                self.assertEqual(p.read(BMC, 'cpu_rendezvous'), '0')
                self.assertEqual(p.read(BL31, 'may_reset_cpu'), '1')
                self.assertEqual(p.read(RMM, 'force_cpu_rendezvous'), '1')
                self.assertEqual(p.read(RMM, 'auto_activate'), '0')
                self.assertEqual(p.read(RMM, 'activation_pending'), '0')

        def test_live_pending_and_activate_with_any_content(self):
                p = self.probe
                self.sim.ctl('set uuid=%s call_delay_ms=50' % RMM, 'store-update uuid=%s pending_version=1.3' % RMM)
                # Live: the statement has returned, a read shows it.
                self.assertEqual(self.sim.attr(RMM, 'activation_pending'), '1')
                self.assertEqual(self.sim.attr(RMM, 'pending_version'), '1.3')
                t0 = time.monotonic()
                self.assertEqual(p.write(RMM, 'activate', 'foo'), 3)
                self.assertGreaterEqual(time.monotonic() - t0, 0.25)
                self.assertEqual(p.read(RMM, 'activation_pending'), '0')
                self.assertEqual(p.read(RMM, 'pending_version'), 'N/A')
                self.assertEqual(p.read(RMM, 'current_version'), '1.3')
                self.assertTrue(self.result(RMM)['rendezvous'])
                # No inventory re-read before PRIME, as Arm's driver.
                calls = [c['call'] for c in self.sim.records('call', uuid=RMM)]
                self.assertEqual(calls, ['PRIME'] * 4 + ['ACTIVATE'])
                self.sim.ctl('store-update uuid=%s pending_version=1.4' % RMM)
                self.assertEqual(p.write(RMM, 'activate', '0'), 1)
                self.assertEqual(self.sim.attr(RMM, 'current_version'), '1.4')
                # The skip path where the firmware allows it.
                self.sim.ctl('store-update uuid=%s' % BMC)
                self.assertEqual(p.write(BMC, 'force_cpu_rendezvous', '0'), 1)
                self.assertEqual(p.write(BMC, 'activate', '1'), 1)
                self.assertFalse(self.result(BMC)['rendezvous'])
                self.sim.ctl('remove uuid=%s' % BMC, 'set uuid=%s pending=1' % RMM)
                self.assertEqual(self.sim.attr(RMM, 'activation_pending'), '1')

        def test_every_failure_is_ecanceled(self):
                p = self.probe
                self.assertEqual(p.write(BL31, 'activate', '1'), 'ECANCELED')
                self.assertEqual(self.sim.records('call', uuid=BL31), [])
                self.assertEqual(p.write(RMM, 'activate', '1'), 'ECANCELED')
                self.assertEqual([(c['call'], c['result']) for c in self.sim.records('call', uuid=RMM)],
                                 [('PRIME', 'WRONG_STATE')])
                self.assertEqual([(r['uuid'], r['errno'], r['cause']) for r in self.sim.records('result')],
                                 [(BL31, 'ECANCELED', 'may_reset_cpu'), (RMM, 'ECANCELED', 'PRIME WRONG_STATE')])
                self.assertEqual([r['errno'] for r in self.sim.records('return')], ['ECANCELED', 'ECANCELED'])

        def test_busy_while_another_runs(self):
                p = self.probe
                self.sim.ctl('set uuid=%s call_delay_ms=80' % RMM, 'store-update uuid=%s' % RMM,
                             'store-update uuid=%s' % BMC)
                p.start_write(RMM, 'activate', '1')
                self.sim.wait_record(is_rec('call', call='PRIME'))
                self.assertEqual(p.write(BMC, 'activate', '1'), 'EBUSY')
                self.assertEqual(p.write(RMM, 'activate', '1'), 'EBUSY')
                self.assertEqual(self.sim.records('call', uuid=BMC), [])
                self.assertEqual(p.returned(RMM, 'activate'), 1)

        def test_cancel_refused_when_idle_and_priming_goes_on(self):
                p = self.probe
                self.assertEqual(p.write(RMM, 'cancel', '1'), 'EINVAL')
                self.sim.ctl('set uuid=%s call_delay_ms=50' % RMM, 'store-update uuid=%s' % RMM)
                p.start_write(RMM, 'activate', '1')
                self.sim.wait_record(is_rec('call', call='PRIME', result='CALL_AGAIN'))
                self.assertEqual(p.write(RMM, 'cancel', 'anything'), 8)
                # The firmware starts PRIME over; the activation goes on.
                self.assertEqual(p.returned(RMM, 'activate'), 1)
                calls = [(c['call'], c['result']) for c in self.sim.records('call', uuid=RMM)]
                self.assertIn(('CANCEL', 'SUCCESS'), calls)
                after = calls[calls.index(('CANCEL', 'SUCCESS')) + 1:]
                self.assertEqual(after, [('PRIME', 'CALL_AGAIN')] * 3 + [('PRIME', 'SUCCESS'), ('ACTIVATE', 'SUCCESS')])
                self.assertEqual(self.sim.attr(RMM, 'activation_pending'), '0')
                self.assertEqual(self.sim.records('result', action='cancel')[-1]['errno'], None)

        def test_booleans_where_garbage_reads_back_0(self):
                p = self.probe
                for name in ('force_cpu_rendezvous', 'auto_activate'):
                        self.assertEqual(p.write(RMM, name, 'on'), 2)
                        self.assertEqual(p.read(RMM, name), '1')
                        self.assertEqual(p.write(RMM, name, 'foo'), 3)
                        self.assertEqual(p.read(RMM, name), '0')
                        self.assertEqual(p.write(RMM, name, 'Y'), 1)
                        self.assertEqual(p.read(RMM, name), '1')
                self.assertEqual(self.sim.attr(RMM, 'activate'), '')

        def test_no_extension_can_be_written(self):
                for uuid, name in ((RMM, 'name'), (RMM, 'prime'), (RMM, 'state'), (None, 'refresh')):
                        with self.assertRaises(OSError) as cm:
                                self.sim.write(uuid, name, '1')
                        self.assertEqual(cm.exception.errno, errno.EACCES, name)
                self.assertEqual(self.sim.records('call'), [])

        def test_kernel_auto_activates_on_a_notification(self):
                p = self.probe
                self.sim.ctl('store-update uuid=%s' % BMC)
                self.assertEqual(self.sim.records('call', call='PRIME'), [])
                self.assertEqual(p.write(RMM, 'auto_activate', '1'), 1)
                self.sim.ctl('store-update uuid=%s pending_version=2.0' % RMM)
                r = self.result(RMM)
                self.assertEqual((r['errno'], r.get('auto')), (None, True))
                self.assertEqual(self.sim.attr(RMM, 'current_version'), '2.0')
                self.assertEqual(self.sim.attr(RMM, 'activation_pending'), '0')
                # BMC is still pending: only auto_activate=1 images.
                self.assertEqual(self.sim.attr(BMC, 'activation_pending'), '1')
                self.assertEqual(self.sim.records('call', call='PRIME', uuid=BMC), [])
                self.assertEqual(self.sim.records('write', file='activate'), [])


class TestUpstreamErrors(UpstreamCase):
        SCENARIO = os.path.join(SCENARIOS, 'errors.scn')
        BUDGETS = {'prime_budget_ms': 200, 'activate_budget_ms': 200}

        def test_lfa_errors_and_timeouts_are_ecanceled_with_a_cancel(self):
                p = self.probe
                self.assertEqual(p.write(RMM, 'activate', '1'), 'ECANCELED')
                self.assertEqual(p.write(BMC, 'activate', '1'), 'ECANCELED')
                self.assertEqual(p.write(BL31, 'activate', '1'), 'ECANCELED')
                self.assertEqual(p.write(NEW, 'activate', '1'), 'ECANCELED')
                self.assertEqual([(r['uuid'], r['cause']) for r in self.sim.records('result')],
                                 [(RMM, 'ACTIVATE AUTH_ERROR'), (BMC, 'PRIME UNKNOWN'),
                                  (BL31, 'PRIME timeout'), (NEW, 'ACTIVATE timeout')])
                # CANCEL after an ACTIVATE failure and after a timeout.
                for u in (RMM, BL31, NEW):
                        self.assertEqual(self.sim.records('call', uuid=u)[-1]['call'], 'CANCEL', u)
                self.assertNotEqual(self.sim.records('call', uuid=BMC)[-1]['call'], 'CANCEL')
                self.assertEqual(self.sim.attr(RMM, 'activation_pending'), '1')


class TestUpstreamStaleRecord(UpstreamCase):
        SCENARIO = os.path.join(SCENARIOS, 'stale-record.scn')

        def test_no_retry_until_someone_cancels_the_previous_sequence(self):
                p = self.probe
                self.assertEqual(p.write(BMC, 'activate', '1'), 1)
                # Arm's driver does not know TF-A's quirk: ECANCELED, and
                # its CANCEL of RMM's own sequence id does not help.
                for _ in range(2):
                        self.assertEqual(p.write(RMM, 'activate', '1'), 'ECANCELED')
                self.assertEqual([r['cause'] for r in self.sim.records('result', uuid=RMM)],
                                 ['ACTIVATE INVALID_PARAMETERS'] * 2)
                self.assertEqual([(c['call'], c['seq_id'], c['result']) for c in self.sim.records('call', uuid=RMM)],
                                 [('PRIME', 1, 'SUCCESS'), ('ACTIVATE', 1, 'INVALID_PARAMETERS'),
                                  ('CANCEL', 1, 'INVALID_PARAMETERS')] * 2)
                # A cancel written to the previous component releases it.
                self.assertEqual(p.write(BMC, 'cancel', '1'), 1)
                self.assertEqual(p.write(RMM, 'activate', '1'), 1)


class TestSmcccUevents(UpstreamCase):
        SMCCC = True

        def test_device_change_once_at_start_and_after_each_activation(self):
                p = self.probe
                start = self.sim.records('uevent')
                self.assertEqual(len(start), 1)
                env = start[0]['env']
                self.assertEqual((env['ACTION'], env['SUBSYSTEM'], env['DRIVER'], env['MODALIAS']),
                                 ('change', 'arm_smccc', 'lfa_fw', 'arm_smccc:arm-smccc-lfa'))
                self.assertFalse(any(k.startswith('LFA_') for k in env))
                self.sim.ctl('store-update uuid=%s' % RMM)
                self.assertEqual(p.write(RMM, 'activate', '1'), 1)
                line = p.expect(r'^event change \S+ SUBSYSTEM=arm_smccc')
                self.assertIn(' DRIVER=lfa_fw MODALIAS=arm_smccc:arm-smccc-lfa', line)
                # None after a failure or a cancel, nor for a notification.
                self.assertEqual(p.write(BL31, 'activate', '1'), 'ECANCELED')
                self.assertEqual(p.write(RMM, 'cancel', '1'), 'EINVAL')
                self.sim.ctl('notify')
                # The kernel's own activation sends one too.
                self.assertEqual(p.write(BMC, 'auto_activate', '1'), 1)
                self.sim.ctl('store-update uuid=%s' % BMC)
                self.result(BMC)
                p.expect(r'^event change \S+ SUBSYSTEM=arm_smccc')
                self.assertEqual(len(self.sim.records('uevent')), 3)
                self.assertEqual(p.events(), [])


class TestFlavourChoice(unittest.TestCase):
        def test_default_from_the_environment(self):
                old = os.environ.get('LFA_SIM_FLAVOUR')
                try:
                        os.environ['LFA_SIM_FLAVOUR'] = 'upstream'
                        for kw, want in (({}, 'upstream'), ({'flavour': 'extended'}, 'extended')):
                                sim = Sim('agent\n', **kw)
                                sim.cleanup()
                                self.assertEqual(sim.flavour, want)
                        del os.environ['LFA_SIM_FLAVOUR']
                        sim = Sim('agent\n')
                        sim.cleanup()
                        self.assertEqual(sim.flavour, 'extended')
                        with self.assertRaises(SimError):
                                Sim('agent\n', flavour='vendor')
                finally:
                        if old is None:
                                os.environ.pop('LFA_SIM_FLAVOUR', None)
                        else:
                                os.environ['LFA_SIM_FLAVOUR'] = old

        def test_absent_agent_upstream(self):
                with Sim('agent present=0\n', flavour='upstream') as sim:
                        self.assertFalse(os.path.exists(sim.sys_lfa))
                        self.assertFalse(os.path.exists(sim.module_dir))


def faults(agent=''):
        """Two components behind an agent with these keys."""
        return ('agent version=1.0 %s\ncomponent uuid=%s current=1.2\n'
                'component uuid=%s rendezvous=optional current=4.1\n' % (agent, RMM, BMC))


FAULTS = faults()


class TestFirmwareFaults(SimCase):
        """Issue 13: a firmware that fails or answers garbage mid-refresh.
        lfa.ko applies nothing of a failed read (the cached inventory
        stays, no component uevent) and returns the firmware's errno."""
        SCENARIO = FAULTS

        def refresh(self):
                try:
                        return self.sim.write(None, 'refresh', '1')
                except OSError as e:
                        return errno.errorcode[e.errno]

        def test_get_info_failing_keeps_the_cache(self):
                p = self.probe
                self.sim.ctl('set-agent info_error=WRONG_STATE', 'store-update uuid=%s pending_version=1.3' % RMM)
                self.assertEqual(self.refresh(), 'EPROTO')
                r = self.sim.records('call', call='INVENTORY')[-1]
                self.assertEqual((r['function'], r['result'], r['x0']), ('GET_INFO', 'WRONG_STATE', -7))
                self.assertEqual(p.read(RMM, 'activation_pending'), '0')
                self.assertEqual(p.read(RMM, 'pending_version'), 'N/A')
                self.assertEqual([e for e in p.events() if RMM in e], [])
                # The next good answer recovers.
                self.sim.ctl('set-agent info_error=0')
                self.assertEqual(self.refresh(), 1)
                # The failed notification's store-updated is not lost: the
                # next read that succeeds, whoever makes it, reports it.
                p.event('change', RMM, EVENT='store-updated')
                self.assertEqual(p.read(RMM, 'pending_version'), '1.3')

        def test_get_inventory_failing_mid_refresh(self):
                p = self.probe
                self.sim.ctl('set uuid=%s inventory_error=DEVICE_ERROR' % BMC,
                             'store-update uuid=%s pending_version=1.3' % RMM)
                self.assertEqual(self.refresh(), 'EIO')
                r = self.sim.records('call', call='INVENTORY')[-1]
                self.assertEqual((r['function'], r['seq_id'], r['result']), ('GET_INVENTORY', 1, 'DEVICE_ERROR'))
                # RMM (read before the failure) is not applied either.
                self.assertEqual(p.read(RMM, 'activation_pending'), '0')
                self.assertEqual(p.read(BMC, 'current_version'), '4.1')
                # A raw non-LFA x0 is EIO too.
                self.sim.ctl('set uuid=%s inventory_error=-35' % BMC)
                self.assertEqual(self.refresh(), 'EIO')
                # The notification's refresh fails the same way: no uevent.
                self.sim.ctl('notify')
                self.sim.wait_record(lambda r: r['type'] == 'call' and r['call'] == 'INVENTORY'
                                     and r.get('x0') == -35 and r['t'] > 0, what='the failed read')
                self.sim.ctl('set uuid=%s inventory_error=0' % BMC)
                self.assertEqual(self.refresh(), 1)
                self.assertEqual(p.read(RMM, 'activation_pending'), '1')

        def test_activation_fails_on_its_inventory_read(self):
                p = self.probe
                self.sim.ctl('store-update uuid=%s pending_version=1.3' % RMM)
                p.event('change', RMM, EVENT='store-updated')
                self.sim.ctl('set uuid=%s inventory_error=BUSY' % RMM)
                self.assertEqual(p.write(RMM, 'activate', '1'), 'EBUSY')
                p.event('change', RMM, EVENT='failed', ACTION='activate', ERRNO='EBUSY')
                self.assertEqual(p.read(RMM, 'last_error'), 'EBUSY BUSY -2 INVENTORY')
                self.assertEqual(self.sim.records('call', call='PRIME'), [])
                self.sim.ctl('set uuid=%s inventory_error=0' % RMM)
                self.assertEqual(p.write(RMM, 'activate', '1'), 1)
                p.event('change', RMM, EVENT='activated')

        def test_refresh_after_an_activation_failing(self):
                p = self.probe
                self.sim.ctl('store-update uuid=%s pending_version=1.3' % RMM)
                p.event('change', RMM, EVENT='store-updated')
                # The activation's own re-read before PRIME is fine; the
                # refresh after it fails (GET_INFO): the activation succeeded.
                self.sim.ctl('set-agent info_error=NO_MEMORY')
                p.start_write(RMM, 'activate', '1')
                self.assertEqual(p.returned(RMM, 'activate'), 1)
                p.event('change', RMM, EVENT='activated', ACTION='activate')
                self.assertIsNone(self.result(RMM)['errno'])
                # The cache still shows the entry read before PRIME.
                self.assertEqual(p.read(RMM, 'activation_pending'), '1')
                self.sim.ctl('set-agent info_error=0')
                self.assertEqual(self.refresh(), 1)
                p.event('change', RMM, EVENT='changed')
                self.assertEqual(p.read(RMM, 'current_version'), '1.3')

        def test_count_changing_between_get_info_and_get_inventory(self):
                p = self.probe
                # One more than the firmware holds: GET_INVENTORY(2) answers
                # INVALID_PARAMETERS, the read fails.
                self.sim.ctl('set-agent info_skew=1')
                self.assertEqual(self.refresh(), 'EINVAL')
                self.assertTrue(os.path.isdir(os.path.join(self.sim.sys_lfa, BMC)))
                # Garbage: more than 1024.
                self.sim.ctl('set-agent info_skew=5000')
                self.assertEqual(self.refresh(), 'EIO')
                # One fewer: the last component is not read, so it is gone
                # until the next good read.
                self.sim.ctl('set-agent info_skew=-1')
                self.assertEqual(self.refresh(), 1)
                p.event('remove', BMC)
                self.assertFalse(os.path.exists(os.path.join(self.sim.sys_lfa, BMC)))
                self.sim.ctl('set-agent info_skew=0')
                self.assertEqual(self.refresh(), 1)
                p.event('add', BMC)

        def test_garbage_uuid(self):
                p = self.probe
                # GET_INVENTORY of BMC answers RMM's UUID: lfa.ko refuses an
                # inventory listing a UUID twice (EIO), nothing applied.
                self.sim.ctl('set uuid=%s inventory_uuid=%s' % (BMC, RMM))
                self.assertEqual(self.refresh(), 'EIO')
                self.assertEqual(self.sim.records('call', call='INVENTORY')[-1]['duplicate'], RMM)
                self.assertTrue(os.path.isdir(os.path.join(self.sim.sys_lfa, BMC)))
                # Its activation re-reads its entry, finds another UUID,
                # refreshes, and that fails: EIO from INVENTORY.
                self.sim.ctl('store-update uuid=%s pending_version=4.2' % BMC)
                self.assertEqual(p.write(BMC, 'activate', '1'), 'EIO')
                p.event('change', BMC, EVENT='failed', ERRNO='EIO')
                self.assertEqual(p.read(BMC, 'last_error'), 'EIO NONE 0 INVENTORY')
                self.sim.ctl('set uuid=%s inventory_uuid=0' % BMC)
                self.assertEqual(self.refresh(), 1)
                self.assertEqual(p.write(BMC, 'activate', '1'), 1)
                p.event('change', BMC, EVENT='activated')

        def test_reserved_bits(self):
                p = self.probe
                # x3 bits above the four flags: a change is a "changed"
                # uevent (lfa.ko compares the whole x3) and no file changes.
                self.sim.ctl('set uuid=%s reserved_flags=0xf0 reserved_x1=0x6' % RMM)
                self.assertEqual(self.refresh(), 1)
                p.event('change', RMM, EVENT='changed')
                self.assertEqual(p.read(RMM, 'activation_capable'), '1')
                self.assertEqual(p.read(RMM, 'cpu_rendezvous'), '1')
                self.sim.ctl('store-update uuid=%s pending_version=1.3' % RMM)
                self.assertEqual(p.write(RMM, 'activate', '1'), 1)
                calls = self.sim.records('call', uuid=RMM, call='PRIME') + \
                        self.sim.records('call', uuid=RMM, call='ACTIVATE')
                self.assertTrue(calls)
                self.assertTrue(all(c['x1'] == 6 for c in calls), calls)

        def test_reserved_bits_rejected_where_defined(self):
                with self.assertRaises(ScenarioError):
                        parse_statement('set uuid=%s reserved_flags=0x2' % RMM)
                with self.assertRaises(ScenarioError):
                        parse_statement('set uuid=%s reserved_x1=1' % RMM)
                with self.assertRaises(ScenarioError):
                        parse_statement('set-agent missing=CANCEL')
                with self.assertRaises(ScenarioError):
                        parse_statement('set-agent')


class TestFeaturesMissing(unittest.TestCase):
        """lfa.ko asks FEATURES of every function it uses and does not bind
        to a firmware that lacks one; Arm's lfa_fw asks none, binds, and a
        missing function answers NOT_SUPPORTED when called."""

        def test_extended_does_not_bind(self):
                for fn in ('GET_INFO', 'GET_INVENTORY', 'PRIME', 'ACTIVATE', 'CANCEL'):
                        with Sim(faults('missing=' + fn), flavour='extended') as sim:
                                self.assertFalse(os.path.exists(sim.sys_lfa), fn)
                                self.assertFalse(os.path.exists(sim.module_dir), fn)
                                r = sim.records('probe')[0]
                                self.assertEqual(r['cause'], 'LFA 1.0 lacks function %s' % fn)

        def test_extended_does_not_bind_when_the_first_read_fails(self):
                with Sim(faults('info_error=DEVICE_ERROR'), flavour='extended') as sim:
                        self.assertFalse(os.path.exists(sim.sys_lfa))
                        self.assertEqual(sim.records('probe')[0]['cause'], 'inventory: EIO')

        def test_upstream_binds_and_a_missing_call_fails(self):
                with Sim(faults('missing=CANCEL,PRIME'), flavour='upstream') as sim:
                        self.assertTrue(os.path.isdir(os.path.join(sim.sys_lfa, RMM)))
                        with self.assertRaises(OSError) as cm:
                                sim.write(RMM, 'cancel', '1')
                        self.assertEqual(cm.exception.errno, errno.EINVAL)
                        sim.ctl('store-update uuid=%s pending_version=1.3' % RMM)
                        with self.assertRaises(OSError) as cm:
                                sim.write(RMM, 'activate', '1')
                        self.assertEqual(cm.exception.errno, errno.ECANCELED)
                        self.assertEqual(sim.records('result', action='activate')[-1]['cause'], 'PRIME NOT_SUPPORTED')
                with Sim(faults('missing=GET_INFO'), flavour='upstream') as sim:
                        self.assertFalse(os.path.exists(sim.sys_lfa))


class TestUpstreamFirmwareFaults(UpstreamCase):
        """Arm's lfa_fw: a failing GET_INFO changes nothing; a failing
        GET_INVENTORY skips that sequence id and the component is removed
        as gone, until a read that succeeds."""
        SCENARIO = FAULTS

        def test_get_info_failing_changes_nothing(self):
                self.sim.ctl('set-agent info_error=DEVICE_ERROR', 'store-update uuid=%s' % BMC)
                self.sim.wait_record(lambda r: r['type'] == 'call' and r.get('function') == 'GET_INFO',
                                     what='the failed GET_INFO')
                self.assertEqual(sorted(os.listdir(self.sim.sys_lfa)), sorted([RMM, BMC]))
                self.sim.ctl('set-agent info_error=0', 'store-update uuid=%s pending_version=1.3' % RMM)
                self.sim.write(RMM, 'activate', '1')
                self.assertIsNone(self.result(RMM)['errno'])

        def test_garbage_uuid(self):
                # Arm's driver does not check: the entry updates the image
                # of that UUID; the one not read is removed.
                self.sim.ctl('set uuid=%s inventory_uuid=%s' % (BMC, RMM), 'store-update uuid=%s' % RMM)
                self.sim.wait_record(lambda r: r['type'] == 'call' and r['call'] == 'INVENTORY', what='a read')
                self.assertEqual(os.listdir(self.sim.sys_lfa), [RMM])
                t0 = self.sim.records('call', call='INVENTORY')[-1]['t']
                self.sim.ctl('set uuid=%s inventory_uuid=0' % BMC, 'notify')
                self.sim.wait_record(lambda r: r['type'] == 'call' and r['call'] == 'INVENTORY' and r['t'] > t0,
                                     what='the next read')
                self.assertEqual(sorted(os.listdir(self.sim.sys_lfa)), sorted([RMM, BMC]))

        def test_get_inventory_failing_removes_the_component_until_a_good_read(self):
                self.sim.ctl('store-update uuid=%s pending_version=1.3' % RMM,
                             'set uuid=%s inventory_error=DEVICE_ERROR' % BMC)
                # Live reads: activation_pending keeps its value, N/A.
                self.assertEqual(self.sim.attr(BMC, 'pending_version'), 'N/A')
                self.sim.write(RMM, 'activate', '1')
                self.assertIsNone(self.result(RMM)['errno'])
                self.assertEqual(os.listdir(self.sim.sys_lfa), [RMM])
                r = self.sim.records('call', call='INVENTORY')[-1]
                self.assertEqual(r['skipped'], [1])
                self.sim.ctl('set uuid=%s inventory_error=0' % BMC, 'notify')
                self.sim.wait_record(lambda r: r['type'] == 'call' and r['call'] == 'INVENTORY'
                                     and r.get('skipped') == [], what='a good read')
                self.assertEqual(sorted(os.listdir(self.sim.sys_lfa)), sorted([RMM, BMC]))


def scenario_dump_binary():
        # Kernel code: the kernel's warning set, as meson builds it.
        return c_program('LFA_SCENARIO_DUMP', 'scenario-dump',
                         ['scenario-dump.c', os.path.join(AGENT, 'lfa-agent-scenario.c')],
                         ['-D_GNU_SOURCE', '-Wno-sign-compare', '-Wno-unused-parameter', '-I', KSHIM, '-I', AGENT])

# scenario-dump's "missing": the agent's LFA_AGENT_FN_BIT() of each function.
FN_BITS = {'GET_INFO': 1 << 2, 'GET_INVENTORY': 1 << 3, 'PRIME': 1 << 4, 'ACTIVATE': 1 << 5, 'CANCEL': 1 << 6}


def canonical(text):
        """lfasim/scenario.py's reading of a scenario, printed as
        scenario-dump prints the kernel agent's."""
        try:
                sc = parse_text(text, 'x')
        except ScenarioError as e:
                return 'error line %s\n' % re.match(r'x:(\d+): ', str(e)).group(1)
        a = sc.agent
        out = ['agent present=%d version=%d.%d stale_record=%d missing=%d info_error=%d info_skew=%d' % (
                a['present'], a['version'][0], a['version'][1], a['stale_record'],
                sum(FN_BITS[f] for f in a['missing']), a['info_error'] or 0, a['info_skew'])]
        for c in sc.components:
                fx = [e for e, _ in c['after_activate']]
                out.append(' '.join([
                        'component uuid=%s' % c['uuid'],
                        'capable=%d pending=%d may_reset_cpu=%d rendezvous=%s' % (
                                c['capable'], c['pending'], c['may_reset_cpu'], c['rendezvous']),
                        'current=%d.%d pending_version=%d.%d' % (c['current'] + c['pending_version']),
                        'prime_rounds=%d activate_rounds=%d prime_busy=%d activate_busy=%d' % (
                                c['prime_rounds'], c['activate_rounds'], c['prime_busy'], c['activate_busy']),
                        'prime_error=%d activate_error=%d cancel_error=%d' % (
                                c['prime_error'] or 0, c['activate_error'] or 0, c['cancel_error'] or 0),
                        'prime_hang=%d activate_hang=%d call_delay_ms=%d resets_record=%d' % (
                                c['prime_hang'], c['activate_hang'], c['call_delay_ms'], c['resets_record']),
                        'inventory_error=%d reserved_flags=%d reserved_x1=%d' % (
                                c['inventory_error'] or 0, c['reserved_flags'], c['reserved_x1']),
                        'inventory_uuid=%s' % (c['inventory_uuid'] or '0'),
                        'vanish=%d reverse=%d adds=%s' % ('vanish' in fx, 'reverse' in fx,
                                                          ','.join(u for e, u in c['after_activate'] if e == 'add'))]))
        return '\n'.join(out) + '\n'


class TestScenarioParsers(unittest.TestCase):
        """One language, two readers: the kernel agent's
        (driver/tests/lfa-agent-scenario.c, run as tests/sim/scenario-dump)
        and lfasim/scenario.py read every input alike: the same platform,
        or an error on the same line (issue 12: one model, checked). The
        inputs: every scenario file in the tree, the fuzz corpus of the C
        reader, and EDGES, cases at each rule of FORMAT.md."""
        U = '6c0762a6-12f2-4b56-92cb-ba8f633606d9'
        C = 'component uuid=' + U
        EDGES = [
                '', '# only a comment\n', 'agent\n', 'agent version=1.0 version=1.0\n',
                C + ' pending=1 pending=1\n', C + ' name=\n', C + ' name=x\n',
                C + '\r\ncomponent uuid=3f7c2d9a-8b1e-4c55-9a60-5d2e7b41c0aa\r\n',
                C + '\tpending=1\n', C + '\x0bpending=1\n', C + '\x0cpending=1\n', C + '\xa0pending=1\n',
                'agent\x1ccomponent uuid=' + U + '\n', C + '\u2028' + C + '\n',
                C + ' prime_rounds=+5\n', C + ' prime_rounds=1_0\n', C + ' prime_rounds=1000001\n',
                C + ' prime_rounds=0010\n', C + ' current=4294967295.4294967295\n', C + ' current=4294967296.0\n',
                C + ' current=1.2.3\n', C + ' current=.1\n', C + ' current=1.\n', C + ' current=+1.2\n',
                C + ' prime_error=0\n', C + ' prime_error=00\n', C + ' prime_error=-0\n', C + ' prime_error=SUCCESS\n',
                C + ' prime_error=-35\n', C + ' prime_error=+35\n', C + ' prime_error=-9223372036854775808\n',
                C + ' prime_error=9223372036854775807\n', C + ' prime_error=-9223372036854775809\n',
                C + ' prime_error=busy\n', C + ' reserved_flags=0x10\n', C + ' reserved_flags=0X10\n',
                C + ' reserved_flags=0x\n', C + ' reserved_flags=0x_10\n', C + ' reserved_flags=1_6\n',
                C + ' reserved_flags=18446744073709551615\n', C + ' reserved_flags=18446744073709551616\n',
                C + ' reserved_flags=0x1\n', C + ' reserved_x1=2\n', C + ' reserved_x1=1\n',
                C + ' reserved_flags=-16\n', C + ' reserved_flags=+16\n',
                C + ' after_activate=vanish,reverse\n', C + ' after_activate=\n', C + ' after_activate=vanish,\n',
                C + ' after_activate=' + ','.join(['add:' + U] * 5) + '\n',
                C + ' after_activate=add:' + U.upper() + '\n',
                'agent missing=PRIME,PRIME\n', 'agent missing=\n', 'agent missing=VERSION\n',
                'agent version=32767.65535\n', 'agent version=32768.0\n', 'agent version=1.65536\n',
                'agent info_skew=-1000000\n', 'agent info_skew=-1000001\n', 'agent info_skew=-0\n',
                'agent info_skew=+1\n', 'agent info_skew=--1\n',
                C + '\n' + C + '\n', C.upper().replace('COMPONENT UUID', 'component uuid') + '\n',
                C + '\nagent\n', 'agent\nagent\n', 'frob\n', C + ' =1\n', C + ' x\n', C + ' frob=1\n',
                'component pending=1\n', 'component uuid=' + U[:-1] + '\n', 'component uuid={' + U + '}\n',
                C + ' inventory_uuid=0\n', C + ' inventory_uuid=' + U + '\n',
                C + ' rendezvous=Optional\n', C + ' # comment pending=1\n', C + '#pending=1\n',
                C + ' ' + 'x' * 480 + '=1\n', C + ' pending=1 ' + ' ' * 520 + '\n',
                ''.join('component uuid=%08x-0000-4000-8000-000000000000\n' % i for i in range(64)),
                'agent present=0 stale_record=0 info_error=BUSY\n' + C + '\n',
        ]

        def sources(self):
                root = os.path.join(HERE, '..', '..')
                for d, skip in ((SCENARIOS, 0), (os.path.join(root, 'tests', 'fuzz', 'scenario'), 1)):
                        for name in sorted(os.listdir(d)):
                                with open(os.path.join(d, name), 'rb') as f:
                                        data = f.read()
                                # The fuzz corpus: byte 0 bit 0 set is run-time control text.
                                if skip and (not data or data[0] & 1):
                                        continue
                                yield name, data[skip:]
                for i, text in enumerate(self.EDGES):
                        yield 'edge %d %r' % (i, text[:70]), text.encode()

        def test_both_readers_agree(self):
                dump = scenario_dump_binary()
                differ = []
                with tempfile.TemporaryDirectory(prefix='lfa-scn-') as tmp:
                        path = os.path.join(tmp, 'in.scn')
                        for name, data in self.sources():
                                with open(path, 'wb') as f:
                                        f.write(data)
                                kernel = subprocess.run([dump, path], check=True, capture_output=True,
                                                        text=True).stdout
                                sim = canonical(data.decode('utf-8', errors='surrogateescape'))
                                if kernel != sim:
                                        differ.append('%s:\n  kernel agent: %s  lfa-sim:      %s' % (
                                                name, kernel.replace('\n', '\n                ', kernel.count('\n') - 1),
                                                sim.replace('\n', '\n                ', sim.count('\n') - 1)))
                self.assertEqual(differ, [], '\n'.join(differ))

        def test_only_the_kernel_agent_holds_at_most_64_components(self):
                # FORMAT.md: the kernel agent's platform is a fixed array;
                # lfa-sim's benchmarks play thousands.
                text = ''.join('component uuid=%08x-0000-4000-8000-000000000000\n' % i for i in range(65))
                with tempfile.NamedTemporaryFile('w', suffix='.scn') as f:
                        f.write(text)
                        f.flush()
                        kernel = subprocess.run([scenario_dump_binary(), f.name], check=True, capture_output=True,
                                                text=True).stdout
                self.assertEqual(kernel, 'error line 65\n')
                self.assertEqual(len(parse_text(text).components), 65)


class PublishOrder:
        """The kernel changes a component's values at once, and Arm's driver
        reads activation_pending live: a reader in lfad's order
        (inventory.c) never sees a new current_version beside an old
        activation_pending. lfa-sim replaces a file at a time, last read
        first (platform.py, READ_ORDER), so such a reader sees what the
        kernel shows it. Found by TestCrashCyclesUpstream: lfad read the
        new version with the old pending flag and activated again."""

        def test_an_activation_ends_last_read_first(self):
                self.sim.ctl('store-update uuid=%s pending_version=1.3' % RMM)
                # lfa-sim renames each file in (platform.py, _write).
                watch = Inotify(os.path.join(self.sim.sys_lfa, RMM), IN_MOVED_TO)
                try:
                        self.probe.write(RMM, 'activate', '1')
                        self.assertIsNone(self.result(RMM)['errno'])
                        names = [name for _, name in watch.events()]
                finally:
                        watch.close()
                last = {n: i for i, n in enumerate(names)}
                self.assertIn('current_version', last, names)
                for n in ('activation_pending', 'pending_version'):
                        self.assertLess(last[n], last['current_version'], names)


class TestPublishOrder(PublishOrder, SimCase):
        def test_read_order_is_lfads(self):
                with open(INVENTORY_C, encoding='utf-8') as f:
                        text = f.read()
                table = text[text.index('} attr_specs[] = {'):]
                table = table[:table.index('};')]
                self.assertEqual(tuple(re.findall(r'\{ "(\w+)", ATTR_', table)), READ_ORDER)


class TestPublishOrderUpstream(PublishOrder, UpstreamCase):
        pass


class Burst:
        """The burst statement (README.md, "Bursts"): store updates with
        the kernel's coalescing of notifications while its work is queued;
        nothing lost."""

        def final_tree_is_the_stores(self, end):
                for u, v in end['final'].items():
                        self.assertEqual(self.sim.attr(u, 'pending_version'), v, u)
                        self.assertEqual(self.sim.attr(u, 'activation_pending'), '1', u)

        def coalesced_only_while_queued(self, end):
                notes = self.sim.records('notification', burst=end['burst'])
                self.assertEqual(len(notes), end['count'])
                self.assertEqual([n['n'] for n in notes], list(range(end['count'])))
                for n in notes:
                        self.assertEqual(n['queued'], n['work'] != 'pending', n)
                self.assertEqual(sum(n['queued'] for n in notes), end['queued'])
                self.assertEqual(end['queued'] + end['coalesced'], end['count'])

        def test_at_kernel_speed_a_burst_is_one_refresh(self):
                start = len(self.sim.records())
                end = self.sim.burst(200)
                self.assertEqual((end['queued'], end['coalesced'], end['refreshes']), (1, 199, 1))
                self.coalesced_only_while_queued(end)
                self.assertEqual(end['final'], {BL31: '9.198', RMM: '9.199', BMC: '9.197'})
                reads = [r for r in self.sim.records()[start:] if is_rec('call', call='INVENTORY')(r)]
                self.assertEqual(len(reads), 1)
                self.final_tree_is_the_stores(end)

        def test_bad_bursts_are_refused(self):
                for st, msg in (('burst', 'needs count='), ('burst count=0', 'needs count='),
                                ('burst count=3 uuid=%s' % NEW, 'no component'),
                                ('burst count=3 spacing=1', "unknown key 'spacing'")):
                        with self.assertRaises(SimError) as cm:
                                self.sim.ctl(st)
                        self.assertIn(msg, str(cm.exception))


class TestBurst(Burst, SimCase):
        BUDGETS = {'prime_budget_ms': 600000}

        def store_updated_after_last_change(self, end):
                """At least one store-updated uevent per component after the
                burst's last change of it."""
                recs = self.sim.records()
                for u in end['final']:
                        last = max(i for i, r in enumerate(recs)
                                   if is_rec('notification', burst=end['burst'], uuid=u)(r))
                        self.assertTrue([r for r in recs[last:] if r['type'] == 'uevent' and r['uuid'] == u
                                         and r['env'].get('LFA_EVENT') == 'store-updated'], u)
                        self.probe.event('change', u, EVENT='store-updated')
                self.assertEqual(self.sim.records('dropped'), [])

        def test_a_paced_burst_loses_nothing(self):
                end = self.sim.burst(300, spacing_us=500, timeout=120)
                self.coalesced_only_while_queued(end)
                self.assertEqual(end['refreshes'], end['queued'])
                self.assertEqual(len(self.sim.records('work', phase='start')), end['refreshes'])
                self.store_updated_after_last_change(end)
                self.final_tree_is_the_stores(end)

        def test_a_running_work_is_queued_again(self):
                # RMM primes until cancelled: the mutex is held, the work
                # waits for it (running, no longer queued).
                self.sim.ctl('set uuid=%s pending=1 prime_rounds=1000000' % RMM)
                self.probe.start_write(RMM, 'activate', '1')
                self.sim.wait_record(is_rec('call', call='PRIME', uuid=RMM))
                self.sim.ctl('burst count=1 uuid=%s' % BMC)
                self.sim.wait_record(is_rec('work', phase='start'))
                self.sim.ctl('burst count=5 uuid=%s' % BMC)
                notes = self.sim.records('notification', burst=2)
                self.assertEqual([(n['work'], n['queued']) for n in notes],
                                 [('running', True)] + [('pending', False)] * 4)
                # Nothing refreshed yet: the store has 9.4, the tree not.
                self.assertEqual(self.sim.attr(BMC, 'pending_version'), 'N/A')
                self.assertEqual(self.probe.write(RMM, 'cancel', '1'), 1)
                self.assertEqual(self.probe.returned(RMM, 'activate'), 'ECANCELED')
                first = self.sim.wait_record(is_rec('burst', phase='end', burst=1))
                end = self.sim.wait_record(is_rec('burst', phase='end', burst=2))
                self.assertEqual(first['refreshes'], 2)
                self.assertEqual((end['queued'], end['coalesced'], end['refreshes']), (1, 4, 1))
                self.store_updated_after_last_change(end)
                self.final_tree_is_the_stores(end)
                # The second refresh found nothing new: one uevent.
                self.assertEqual(len(self.sim.records('uevent', uuid=BMC)), 1)


class TestBurstUpstream(Burst, UpstreamCase):
        def test_live_values_change_at_once_without_uevents(self):
                self.sim.ctl('burst count=200')
                # Arm's driver reads them from the firmware: the store's
                # values before the handler runs (and no uevent: tearDown).
                for u, v in ((BL31, '9.198'), (RMM, '9.199'), (BMC, '9.197')):
                        self.assertEqual(self.sim.attr(u, 'pending_version'), v, u)
                end = self.sim.wait_record(is_rec('burst', phase='end'))
                self.assertEqual((end['queued'], end['refreshes']), (1, 1))
                self.final_tree_is_the_stores(end)


class TestControl(SimCase):
        def test_bad_statements_are_refused_with_a_reason(self):
                for st, msg in (('store-update uuid=%s' % NEW, 'no component'),
                                ('frobnicate', "unknown verb 'frobnicate'"),
                                ('set uuid=%s prime_rounds=x' % RMM, "bad value 'x' for prime_rounds"),
                                ('component uuid=%s' % RMM, 'exists')):
                        with self.assertRaises(SimError) as cm:
                                self.sim.ctl(st)
                        self.assertIn(msg, str(cm.exception))

        def test_ctl_command(self):
                env = self.sim.child_env()
                r = subprocess.run([PYTHON, LFA_SIM, 'ctl', 'store-update uuid=%s' % RMM], env=env,
                                   capture_output=True, text=True, timeout=30)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.probe.event('change', RMM, EVENT='store-updated')
                r = subprocess.run([PYTHON, LFA_SIM, 'ctl', 'remove'], env=env,
                                   capture_output=True, text=True, timeout=30)
                self.assertEqual(r.returncode, 1)
                self.assertIn('remove needs uuid=', r.stderr)

        def test_run_a_program_inside(self):
                # The child sees the platform; lfa-sim exits with its status.
                r = subprocess.run([PYTHON, LFA_SIM, 'run', os.path.join(SCENARIOS, 'demo.scn'), '--', 'sh', '-c',
                                    'cat /sys/firmware/lfa/version /sys/firmware/lfa/%s/name; '
                                    '"$0" "$1" ctl "store-update uuid=%s"; exit 3' % (RMM, RMM), PYTHON, LFA_SIM],
                                   capture_output=True, text=True, timeout=60)
                self.assertEqual(r.returncode, 3, r.stderr)
                self.assertEqual(r.stdout, '1.0\nTF-RMM\n')

        def test_a_listener_that_does_not_read_never_stalls_the_driver(self):
                p = self.probe
                p.send('pause 3000')
                # More than a Unix datagram queue holds (max_dgram_qlen).
                self.sim.ctl(*['store-update uuid=%s pending_version=1.%d' % (RMM, i) for i in range(40)])
                t0 = time.monotonic()
                self.assertEqual(self.sim.write(RMM, 'force_cpu_rendezvous', '0'), 1)
                self.assertLess(time.monotonic() - t0, 1.0)
                # Not read for 2 s: lost, and recorded.
                d = self.sim.wait_record(is_rec('dropped'), timeout=10)
                self.assertEqual(d['uuid'], RMM)
                p.expect('^resumed$')
                # What was still queued arrives in order, then new ones.
                self.sim.ctl('store-update uuid=%s pending_version=9.9' % RMM)
                p.expect(r'^event change /firmware/lfa/%s .*LFA_EVENT=store-updated' % RMM)
                seqs = [int(r['env']['SEQNUM']) for r in self.sim.records('uevent')]
                self.assertEqual(seqs, list(range(1, len(seqs) + 1)))

        def test_burst_of_store_updates_reaches_the_monitor(self):
                n = 300
                self.sim.ctl(*['store-update uuid=%s pending_version=1.%d' % (RMM, i + 3) for i in range(n)])
                for i in range(n):
                        self.probe.event('change', RMM, EVENT='store-updated')
                self.assertEqual(self.sim.records('dropped'), [])


class TestScenarioParser(unittest.TestCase):
        def bad(self, text, msg):
                with self.assertRaises(ScenarioError) as cm:
                        parse_text(text, 'x.scn')
                self.assertIn(msg, str(cm.exception))

        def test_errors_name_the_line(self):
                self.bad('component uuid=%s\ncomponent uuid=zz' % RMM, "x.scn:2: bad value 'zz' for uuid")
                self.bad('component\n', 'x.scn:1: component needs uuid=')
                self.bad('component uuid=%s uuid=%s' % (RMM, RMM), "x.scn:1: key 'uuid' repeated")
                self.bad('component uuid=%s colour=red' % RMM, "unknown key 'colour'")
                self.bad('component uuid=%s\nagent' % RMM, 'x.scn:2: agent must come before')
                self.bad('agent\nagent', 'x.scn:2: a second agent')
                self.bad('component uuid=%s current=1' % RMM, 'MAJOR.MINOR')
                self.bad('component uuid=%s current=4294967296.0' % RMM, 'MAJOR.MINOR')
                self.bad('component uuid=%s prime_rounds=1000001' % RMM, '0 to 1000000')
                self.bad('component uuid=%s after_activate=explode' % RMM, "unknown effect 'explode'")
                self.bad('component uuid=%s\ncomponent uuid=%s' % (RMM, RMM.upper()), 'declared twice')
                self.bad('# ' + 'x' * 600, 'longer than 512')
                self.bad('component uuid=%s rendezvous=sometimes' % RMM, 'required or optional')

        def test_values(self):
                sc = parse_text('agent version=1.1 stale_record=0  # tf-a\n\n'
                                'component uuid=%s activate_error=-35 cancel_error=BUSY '
                                'after_activate=reverse,add:%s\n' % (RMM.upper(), NEW))
                self.assertEqual({k: sc.agent[k] for k in ('present', 'version', 'stale_record')},
                                 {'present': True, 'version': (1, 1), 'stale_record': False})
                self.assertEqual((sc.agent['missing'], sc.agent['info_error'], sc.agent['info_skew']),
                                 ([], None, 0))
                c = sc.components[0]
                self.assertEqual(c['uuid'], RMM)
                self.assertEqual((c['activate_error'], c['cancel_error']), (-35, -2))
                self.assertEqual(c['after_activate'], [('reverse', None), ('add', NEW)])
                self.assertEqual(c['rendezvous'], 'required')

        def test_statements(self):
                self.assertEqual(parse_statement('set uuid=%s pending=1' % RMM),
                                 ('set', {'uuid': RMM, 'pending': True}))
                # 0 is none: a run-time statement clears a fault so.
                self.assertEqual(parse_statement('set uuid=%s prime_error=0 activate_error=0 cancel_error=0' % RMM),
                                 ('set', {'uuid': RMM, 'prime_error': None, 'activate_error': None,
                                          'cancel_error': None}))
                with self.assertRaises(ScenarioError):
                        parse_statement('notify now=1')

        def test_shipped_scenarios_parse(self):
                d = SCENARIOS
                files = [f for f in os.listdir(d) if f.endswith('.scn')]
                self.assertTrue(files)
                for f in files:
                        with open(os.path.join(d, f), encoding='utf-8') as fp:
                                parse_text(fp.read(), f)

        def test_subsystem_hash_is_systemds(self):
                # string_hash32("lfa") as systemd's MurmurHash2 computes it;
                # a wrong value makes libudev's socket filter drop every event
                # (TestActivation proves delivery end to end).
                self.assertEqual(murmur2(b''), 0)
                self.assertNotEqual(murmur2(b'lfa'), murmur2(b'lfb'))


if __name__ == '__main__':
        # One TAP line per case (tests/integration/lfatap.py).
        lfatap.main()
