#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""lfactl against the real lfad, inside the simulated LFA platform
(tests/sim), on a private dbus-daemon: every verb, its text and --json
output, and its documented exit code. What lfad did is checked in the
simulator's record (the force_cpu_rendezvous value at each activate write),
not in lfactl's output alone.

Environment: LFA_BUILD (meson build directory), LFACTL (default
$LFA_BUILD/lfactl/lfactl), and lfatest's LFA_LFAD.
"""

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))
import lfatap  # noqa: E402

from lfatest import LfadTestCase, lfad_binary, scaled  # noqa: E402

BL31 = '47d4086d-4cfe-9846-9b95-2950cbbd5a00'
RMM = '6c0762a6-12f2-4b56-92cb-ba8f633606d9'
BMC = '3f7c2d9a-8b1e-4c55-9a60-5d2e7b41c0aa'
ABSENT = '00000000-1111-2222-3333-444444444444'

# The demo platform of tests/scenarios/demo.scn.
with open(os.path.join(ROOT, 'tests', 'scenarios', 'demo.scn'), encoding='utf-8') as f:
        DEMO_SCENARIO = f.read()
with open(os.path.join(ROOT, 'policy', 'examples', '50-site.conf'), encoding='utf-8') as f:
        SITE_POLICY = f.read()


def lfactl_binary():
        if os.environ.get('LFACTL'):
                return os.environ['LFACTL']
        return os.path.join(os.environ.get('LFA_BUILD', os.path.join(ROOT, 'build')), 'lfactl', 'lfactl')


class LfactlCase(LfadTestCase):
        SCENARIO = DEMO_SCENARIO
        POLICY = {}

        def setUp(self):
                # unittest skips tearDown when setUp fails: stop what it
                # started, or the simulator and the bus would outlive the test.
                try:
                        super().setUp()
                except BaseException:
                        lfad = getattr(self, 'lfad', None)
                        if lfad is not None and lfad.poll() is None:
                                lfad.kill()
                                lfad.wait()
                        for part in ('notify', 'bus'):
                                if hasattr(self, part):
                                        getattr(self, part).stop()
                        if hasattr(self, 'sim'):
                                sys.stderr.write('----- lfad log -----\n%s\n' % (self.lfad_output()
                                                 if getattr(self, 'lfad_runs', 0) else ''))
                                self.sim.cleanup()
                        if hasattr(self, 'tmpobj'):
                                self.tmpobj.cleanup()
                        raise

        def lfactl(self, *args, rc=0, timeout=60):
                """Run lfactl; assert its exit code; return (stdout, stderr)."""
                env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.bus.address, LFACTL_LFAD=lfad_binary())
                r = subprocess.run([lfactl_binary()] + list(args), capture_output=True, text=True, env=env,
                                   timeout=scaled(timeout), stdin=subprocess.DEVNULL)
                self.assertEqual(r.returncode, rc, 'lfactl %s exited %d, expected %d\nstdout: %s\nstderr: %s'
                                 % (' '.join(args), r.returncode, rc, r.stdout, r.stderr))
                return r.stdout, r.stderr

        def json(self, *args, rc=0, timeout=60):
                """lfactl --json: stdout must be one JSON document and nothing else."""
                out, err = self.lfactl('--json', *args, rc=rc, timeout=timeout)
                try:
                        return json.loads(out)
                except ValueError as e:
                        raise AssertionError('lfactl --json %s printed no pure JSON (%s): %r'
                                             % (' '.join(args), e, out)) from None

        def json_error(self, name, rc, *args):
                o = self.json(*args, rc=rc)
                self.assertEqual(o['error'], name, o)
                self.assertEqual(o['exit_code'], rc, o)
                self.assertTrue(o['message'], o)
                return o

        def store_update(self, uuid, version):
                self.sim.ctl('store-update uuid=%s pending_version=%s' % (uuid, version))
                self.wait_for(lambda: self.json('show', uuid)['ActivationPending'], 10, '%s pending on the bus' % uuid)


class TestRead(LfactlCase):
        def test_list_text(self):
                out, _ = self.lfactl('list')
                lines = out.splitlines()
                self.assertEqual(lines[0].split(), ['UUID', 'NAME', 'CURRENT', 'PENDING', 'STATE', 'DECISION'])
                self.assertEqual(sorted(l.split()[0] for l in lines[1:]), sorted([BL31, RMM, BMC]))
                rmm = [l for l in lines if l.startswith(RMM)][0]
                self.assertIn('TF-RMM', rmm)
                self.assertIn('1.2', rmm)

        def test_list_json(self):
                comps = self.json('list')
                self.assertEqual(sorted(c['Uuid'] for c in comps), sorted([BL31, RMM, BMC]))
                for c in comps:
                        self.assertTrue(c['Path'].startswith('/org/lfa/Manager/component/'), c)
                        for key in ('Name', 'CurrentVersion', 'PendingVersion', 'State', 'Decision',
                                    'MayResetCpu', 'CpuRendezvous'):
                                self.assertIn(key, c)

        def test_show_accepts_any_case(self):
                c = self.json('show', BL31.upper())
                self.assertEqual(c['Uuid'], BL31)
                self.assertIs(c['MayResetCpu'], True)
                out, _ = self.lfactl('show', BMC)
                self.assertRegex(out, r'(?m)^ +CpuRendezvous: no$')
                self.assertRegex(out, r'(?m)^ +Uuid: ' + BMC + '$')

        def test_show_unknown_is_not_found(self):
                self.json_error('org.lfa.Error.NotFound', 3, 'show', ABSENT)
                out, err = self.lfactl('show', ABSENT, rc=3)
                self.assertEqual(out, '')
                self.assertTrue(err.startswith('lfactl: GetComponent: '), err)

        def test_show_malformed_is_usage(self):
                self.json_error('org.freedesktop.DBus.Error.InvalidArgs', 2, 'show', 'not-a-uuid')

        def test_status(self):
                s = self.json('status')
                self.assertEqual(s['State'], 'idle')
                self.assertEqual(s['AbiVersion'], '1.0')
                out, _ = self.lfactl('status')
                self.assertRegex(out, r'(?m)^ +State: idle$')

        def test_plan_names_every_component(self):
                plan = self.json('plan')
                self.assertEqual(sorted(p['uuid'] for p in plan), sorted([BL31, RMM, BMC]))
                bl31 = [p for p in plan if p['uuid'] == BL31][0]
                self.assertEqual(bl31['decision'], 'refused')
                self.assertIn('reset a CPU', bl31['reason'])
                out, _ = self.lfactl('plan')
                self.assertEqual(out.splitlines()[0].split(), ['UUID', 'NAME', 'DECISION', 'REASON'])

        def test_refresh(self):
                self.assertEqual(self.json('refresh')['result'], 'Refreshed')

        def test_history_empty(self):
                self.assertEqual(self.json('history'), [])

        def test_usage_errors(self):
                self.json_error('org.lfa.lfactl.Usage', 2, 'frobnicate')
                self.json_error('org.lfa.lfactl.Usage', 2, 'show')
                self.json_error('org.lfa.lfactl.Usage', 2, 'list', '--skip-rendezvous')
                self.json_error('org.lfa.lfactl.Usage', 2, 'history', 'many')
                self.json_error('org.lfa.lfactl.Usage', 2, '--timeout=soon', 'list')
                self.json_error('org.lfa.lfactl.Usage', 2, 'activate', RMM, '--skip-rendezvous',
                                '--force-rendezvous')
                out, _ = self.lfactl('--help')
                self.assertIn('activate-pending', out)


class TestActivate(LfactlCase):
        # Nothing automatic: every activation here is lfactl's.
        def test_activate_uses_the_policy_rendezvous(self):
                self.store_update(RMM, '1.3')
                o = self.json('activate', RMM)
                self.assertEqual(o, {'uuid': RMM, 'result': 'activated', 'version': '1.3'})
                w = self.activate_writes(RMM)
                self.assertEqual(len(w), 1)
                self.assertEqual(w[0]['force_cpu_rendezvous'], 1)
                self.assertEqual(self.json('show', RMM)['CurrentVersion'], '1.3')

        def test_activate_skip_where_optional(self):
                self.store_update(BMC, '4.2')
                out, _ = self.lfactl('activate', BMC, '--skip-rendezvous')
                self.assertIn('running version 4.2', out)
                w = self.activate_writes(BMC)
                self.assertEqual([x['force_cpu_rendezvous'] for x in w], [0])
                self.assertIs(self.sim.wait_result(BMC)['rendezvous'], False)

        def test_activate_force_where_optional(self):
                self.store_update(BMC, '4.2')
                self.json('activate', BMC, '--force-rendezvous')
                self.assertEqual([x['force_cpu_rendezvous'] for x in self.activate_writes(BMC)], [1])

        def test_skip_where_required_is_refused(self):
                self.store_update(RMM, '1.3')
                self.json_error('org.lfa.Error.RendezvousRequired', 1, 'activate', RMM, '--skip-rendezvous')
                self.assertEqual(self.activate_writes(RMM), [])

        def test_may_reset_cpu_is_refused(self):
                self.store_update(BL31, '2.0')
                self.json_error('org.lfa.Error.MayResetCpu', 1, 'activate', BL31)
                self.assertEqual(self.activate_writes(BL31), [])

        def test_not_pending(self):
                self.json_error('org.lfa.Error.NotPending', 1, 'activate', RMM)

        def test_prime_then_history(self):
                self.store_update(RMM, '1.3')
                self.assertEqual(self.json('prime', RMM), {'uuid': RMM, 'result': 'Primed'})
                self.assertEqual(len(self.sim.writes('prime', RMM)), 1)
                self.assertEqual(self.json('show', RMM)['State'], 'primed')
                self.json('activate', RMM)
                h = self.json('history')
                self.assertEqual([(e['uuid'], e['action'], e['result']) for e in h],
                                 [(RMM, 'activate', 'success'), (RMM, 'prime', 'success')])
                self.assertEqual(h[0]['version_before'], '1.2')
                self.assertEqual(h[0]['version_after'], '1.3')
                self.assertIs(h[0]['rendezvous'], True)
                self.assertEqual(h[0]['trigger'], 'manual')
                self.assertEqual(len(self.json('history', '1')), 1)
                out, _ = self.lfactl('history')
                self.assertEqual(len(out.splitlines()), 3)
                self.assertIn('all CPUs', out.splitlines()[1])

        def test_cancel_a_primed_component(self):
                self.store_update(RMM, '1.3')
                self.json('prime', RMM)
                self.assertEqual(self.json('cancel', RMM)['result'], 'Cancelled')
                self.wait_for(lambda: self.json('show', RMM)['State'] == 'idle', 10, 'RMM idle after cancel')


class TestWindow(LfactlCase):
        POLICY = {'etc': {'50-site.conf': SITE_POLICY}}

        def test_activate_pending_runs_the_window(self):
                self.store_update(BMC, '4.2')
                plan = {p['uuid']: p for p in self.json('plan')}
                self.assertEqual(plan[BMC]['decision'], 'window')
                self.assertEqual(self.activate_writes(BMC), [])
                results = self.json('activate-pending')
                self.assertEqual(results, [{'uuid': BMC, 'result': 'success', 'error': ''}])
                self.assertEqual([x['force_cpu_rendezvous'] for x in self.activate_writes(BMC)], [0])
                h = self.json('history')
                self.assertEqual(h[0]['trigger'], 'window')
                self.assertIs(h[0]['rendezvous'], False)

        def test_activate_pending_fails_when_an_activation_fails(self):
                # What makes lfa-activate.service fail, so the admin sees it.
                self.sim.ctl('set uuid=%s activate_error=DEVICE_ERROR' % BMC)
                self.store_update(BMC, '4.2')
                o = self.json_error('org.lfa.Error.FirmwareError', 1, 'activate-pending')
                self.assertIn(BMC, o['message'])
                h = self.json('history')
                self.assertEqual((h[0]['uuid'], h[0]['action'], h[0]['result']), (BMC, 'activate', 'failed'))
                self.assertTrue(h[0]['error'], h[0])

        def test_activate_pending_with_nothing_left(self):
                out, _ = self.lfactl('activate-pending')
                self.assertIn('Nothing left for the maintenance window', out)

        def test_immediate_rmm_seen_by_monitor(self):
                env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.bus.address)
                # Unbuffered bytes: select() sees only the pipe, so lines must
                # not wait in a Python buffer it cannot see.
                mon = subprocess.Popen([lfactl_binary(), '--json', 'monitor'], env=env, bufsize=0,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                try:
                        # Subscribed once it says so on stderr.
                        line = mon.stderr.readline().decode()
                        self.assertIn('Monitoring org.lfa.Manager', line)
                        self.sim.ctl('store-update uuid=%s pending_version=1.3' % RMM)
                        events = []
                        pending = b''
                        deadline = time.monotonic() + scaled(15)
                        while not any(e['signal'] == 'ActivationFinished' and e['args']['action'] == 'activate'
                                      for e in events):
                                left = deadline - time.monotonic()
                                self.assertGreater(left, 0, 'no ActivationFinished; got %r' % events)
                                ready, _, _ = select.select([mon.stdout], [], [], left)
                                if ready:
                                        chunk = os.read(mon.stdout.fileno(), 65536)
                                        self.assertTrue(chunk, 'monitor stopped')
                                        pending += chunk
                                        while b'\n' in pending:
                                                line, pending = pending.split(b'\n', 1)
                                                events.append(json.loads(line))
                        started = [e for e in events if e['signal'] == 'ActivationStarted']
                        finished = [e for e in events if e['signal'] == 'ActivationFinished'
                                    and e['args']['action'] == 'activate'][0]
                        self.assertTrue(any(e['args']['uuid'] == RMM and e['args']['trigger'] == 'auto'
                                            for e in started), started)
                        self.assertEqual(finished['args']['uuid'], RMM)
                        self.assertEqual(finished['args']['result'], 'success')
                        self.assertIs(finished['args']['rendezvous'], True)
                        self.assertTrue(any(e['signal'] == 'PropertiesChanged' for e in events), events)
                        mon.send_signal(signal.SIGTERM)
                        self.assertEqual(mon.wait(scaled(10)), 0)
                finally:
                        if mon.poll() is None:
                                mon.kill()
                                mon.wait()
                        mon.stdout.close()
                        mon.stderr.close()


class TestStatusPolicyError(LfactlCase):
        """`lfactl status` shows PolicyError in one line, only when set."""

        def test_one_line_only_when_the_policy_does_not_load(self):
                out, _ = self.lfactl('status')
                self.assertNotIn('PolicyError', out)
                bad = self.write_policy('60-bad.conf', '[Defaults]\nAutoActivate=sometimes\n')
                self.lfad.send_signal(signal.SIGHUP)
                self.wait_ready(2)
                out, _ = self.lfactl('status')
                lines = [l for l in out.splitlines() if 'PolicyError' in l]
                self.assertEqual(len(lines), 1, out)
                self.assertTrue(lines[0].startswith(' '), lines[0])
                self.assertTrue(lines[0].lstrip().startswith('PolicyError: %s:2: invalid AutoActivate= value' % bad),
                                lines[0])
                self.assertTrue(self.json('status')['PolicyError'].startswith(bad + ':2: '))


class TestUnprivileged(LfactlCase):
        """A user other than root reads everything and is refused every
        change: there is no polkit on the private bus, so lfad denies."""

        def as_nobody(self, *args, rc):
                os.chmod(self.tmp, 0o755)
                env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.bus.address)
                r = subprocess.run(['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups',
                                    lfactl_binary(), '--json'] + list(args),
                                   capture_output=True, text=True, env=env, timeout=scaled(30),
                                   stdin=subprocess.DEVNULL)
                self.assertEqual(r.returncode, rc, 'as nobody: lfactl %s: %s %s' % (' '.join(args), r.stdout,
                                                                                   r.stderr))
                return json.loads(r.stdout)

        def test_reads_allowed_changes_denied(self):
                self.assertEqual(len(self.as_nobody('list', rc=0)), 3)
                self.store_update(RMM, '1.3')
                o = self.as_nobody('activate', RMM, rc=4)
                self.assertEqual(o['error'], 'org.lfa.Error.AccessDenied', o)
                self.assertEqual(self.activate_writes(RMM), [])
                self.assertEqual(self.as_nobody('policy', 'reload', rc=4)['exit_code'], 4)


UNNAMED = 'a1b2c3d4-0000-4000-8000-00000000beef'


def table(text):
        """A text table of lfactl as a list of {HEADER: cell}: each column
        starts where its header does (cells may hold spaces)."""
        lines = text.splitlines()
        starts = [i for i, ch in enumerate(lines[0]) if ch != ' ' and (i == 0 or lines[0][i - 1] == ' ')]
        heads = [lines[0][s:e].strip() for s, e in zip(starts, starts[1:] + [None])]
        return [{h: l[s:e].strip() for h, s, e in zip(heads, starts, starts[1:] + [None])} for l in lines[1:]]


class Follower:
        """lfactl monitor or metrics --watch, started once it says it is
        subscribed (on stderr); then end() waits for its own exit."""

        def __init__(self, case, *args, ready):
                env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=case.bus.address, LFACTL_LFAD=lfad_binary())
                self.case = case
                self.proc = subprocess.Popen([lfactl_binary()] + list(args), env=env, stdin=subprocess.DEVNULL,
                                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                line = self.proc.stderr.readline()
                case.assertIn(ready, line)

        def running(self):
                return self.proc.poll() is None

        def end(self, timeout=10):
                """Its exit code, stdout and stderr; it must exit by itself."""
                try:
                        out, err = self.proc.communicate(timeout=scaled(timeout))
                except subprocess.TimeoutExpired:
                        self.kill()
                        raise AssertionError('lfactl %s still runs %ss later' % (self.proc.args[1:], scaled(timeout)))
                return self.proc.returncode, out, err

        def kill(self):
                if self.proc.poll() is None:
                        self.proc.kill()
                self.proc.communicate()


class FollowCase(LfactlCase):
        def follow(self, *args, ready):
                f = Follower(self, *args, ready=ready)
                self.addCleanup(f.kill)
                return f

        def stop_bus(self):
                """The system bus goes away under lfad and every client."""
                self.bus.stop()
                lfad, self.lfad = self.lfad, None
                lfad.kill()
                lfad.wait()


class TestMonitorEnds(FollowCase):
        """lfactl monitor follows lfad while it is there: lfad leaving the
        bus (its name's owner vanishes) or the bus closing ends it with
        exit status 6, lfad unreachable."""

        def test_lfad_stops(self):
                mon = self.follow('--json', 'monitor', ready='Monitoring org.lfa.Manager')
                self.assertEqual(self.stop_lfad(), 0)
                rc, out, err = mon.end()
                self.assertEqual(rc, 6, (out, err))
                # Still JSON Lines: the name's owner leaving, then the error.
                lines = [json.loads(l) for l in out.splitlines()]
                gone = [l for l in lines if l.get('signal') == 'NameOwnerChanged']
                self.assertEqual(len(gone), 1, lines)
                self.assertEqual((gone[0]['args']['name'], gone[0]['args']['new_owner']), ('org.lfa.Manager', ''))
                self.assertEqual(lines[-1]['error'], 'org.lfa.lfactl.Unreachable', lines)
                self.assertEqual(lines[-1]['exit_code'], 6, lines)
                self.assertIn('org.lfa.Manager', lines[-1]['message'])

        def test_lfad_killed(self):
                mon = self.follow('monitor', ready='Monitoring org.lfa.Manager')
                self.kill_lfad()
                rc, out, err = mon.end()
                self.assertEqual(rc, 6, (out, err))
                self.assertRegex(out, r'NameOwnerChanged /org/freedesktop/DBus name=org.lfa.Manager ')
                self.assertIn('lfactl: ', err)

        def test_bus_closes(self):
                mon = self.follow('monitor', ready='Monitoring org.lfa.Manager')
                self.stop_bus()
                rc, out, err = mon.end()
                self.assertEqual(rc, 6, (out, err))
                self.assertIn('bus', err.splitlines()[-1])

        def test_bus_closes_json(self):
                mon = self.follow('--json', 'monitor', ready='Monitoring org.lfa.Manager')
                self.stop_bus()
                rc, out, err = mon.end()
                self.assertEqual(rc, 6, (out, err))
                last = json.loads(out.splitlines()[-1])
                self.assertEqual((last['error'], last['exit_code']), ('org.lfa.lfactl.Unreachable', 6), out)


class TestMonitorWithoutLfad(FollowCase):
        START = False

        def test_nothing_to_follow(self):
                # As every other verb: lfad not running and not activatable.
                o = self.json('monitor', rc=6, timeout=10)
                self.assertEqual((o['error'], o['exit_code']), ('org.freedesktop.DBus.Error.ServiceUnknown', 6), o)


class TestMetricsWatchEnds(FollowCase):
        """metrics --watch outlives lfad (lfa_up 0, then 1 when it is back);
        the bus closing writes lfa_up 0 and ends it with exit status 6, for
        lfa-metrics.service's Restart= to start it again."""

        def up(self):
                with open(self.prom, encoding='utf-8') as f:
                        return [l for l in f.read().splitlines() if l.startswith('lfa_up ')]

        def test_lfad_stops_then_the_bus_closes(self):
                self.prom = os.path.join(self.tmp, 'lfa.prom')
                w = self.follow('metrics', self.prom, '--watch', '--interval=3600', ready='Writing ' + self.prom)
                self.assertEqual(self.up(), ['lfa_up 1'])
                self.assertEqual(self.stop_lfad(), 0)
                self.wait_for(lambda: self.up() == ['lfa_up 0'], 10, 'lfa_up 0 once lfad stopped')
                self.assertTrue(w.running())
                self.start_lfad(extra_args=())
                self.wait_for(lambda: self.up() == ['lfa_up 1'], 10, 'lfa_up 1 once lfad is back')
                self.stop_bus()
                rc, out, err = w.end()
                self.assertEqual(rc, 6, (out, err))
                self.assertEqual(self.up(), ['lfa_up 0'])


class TestNames(LfactlCase):
        """list, plan and history name a component alike: its UUID, then its
        name, '-' when the driver knows none (it then names it by UUID)."""

        SCENARIO = DEMO_SCENARIO + 'component uuid=%s current=1.0\n' % UNNAMED

        def test_list_plan_history(self):
                self.store_update(UNNAMED, '1.1')
                self.json('activate', UNNAMED)
                self.store_update(BMC, '4.2')
                self.json('activate', BMC)
                self.assertEqual(self.json('show', UNNAMED)['Name'], UNNAMED)
                listed = {r['UUID']: r['NAME'] for r in table(self.lfactl('list')[0])}
                self.assertEqual(listed[UNNAMED], '-')
                planned = {r['UUID']: r['NAME'] for r in table(self.lfactl('plan')[0])}
                self.assertEqual(planned, listed)
                rows = table(self.lfactl('history')[0])
                self.assertEqual([(r['UUID'], r['NAME']) for r in rows],
                                 [(BMC, listed[BMC]), (UNNAMED, '-')])


class TestTimeout(LfactlCase):
        """lfactl's own timeout (no reply within --timeout) is named as
        lfactl(1) says: org.lfa.lfactl.Timeout, exit status 1."""

        def test_no_reply_in_time(self):
                # Once lfad has answered: stopped before its loop first ran,
                # it may exit on SIGCONT ("Failed to acquire bus name: Method
                # call timed out"), which is lfad's matter, not lfactl's.
                self.json('status')
                os.kill(self.lfad.pid, signal.SIGSTOP)
                try:
                        o = self.json_error('org.lfa.lfactl.Timeout', 1, '--timeout=0.5', 'status')
                        self.assertIn('--timeout', o['message'])
                        _, err = self.lfactl('--timeout=0.5', 'list', rc=1)
                        self.assertIn('no reply in time', err)
                finally:
                        os.kill(self.lfad.pid, signal.SIGCONT)


class TestPolicyVerifyFindsLfad(LfactlCase):
        """policy verify runs $LFACTL_LFAD, else the lfad of the meson build
        tree lfactl runs from (daemon/lfad beside lfactl/), else the
        installed one; a copy of lfactl outside a build tree never runs an
        lfad that merely lies beside it."""

        START = False

        def tree(self, name, meson):
                root = os.path.join(self.tmp, name)
                os.makedirs(os.path.join(root, 'lfactl'))
                os.makedirs(os.path.join(root, 'daemon'))
                if meson:
                        os.makedirs(os.path.join(root, 'meson-info'))
                shutil.copy2(lfactl_binary(), os.path.join(root, 'lfactl', 'lfactl'))
                self.fake_lfad(os.path.join(root, 'daemon', 'lfad'), name)
                return os.path.join(root, 'lfactl', 'lfactl')

        def fake_lfad(self, path, tag):
                with open(path, 'w', encoding='utf-8') as f:
                        f.write('#!/bin/sh\necho "fake lfad of %s: $*"\n' % tag)
                os.chmod(path, 0o755)

        def verify(self, lfactl, env_lfad=None):
                env = dict(os.environ)
                env.pop('LFACTL_LFAD', None)
                if env_lfad:
                        env['LFACTL_LFAD'] = env_lfad
                return subprocess.run([lfactl, '--json', 'policy', 'verify', '--policy-dir=' + self.tmp + '/etc'],
                                      capture_output=True, text=True, env=env, timeout=scaled(30),
                                      stdin=subprocess.DEVNULL)

        def test_real_build_tree(self):
                build = os.environ.get('LFA_BUILD', os.path.join(ROOT, 'build'))
                nosys = os.path.join(self.tmp, 'nosys')
                os.makedirs(nosys)
                env = dict(os.environ)
                env.pop('LFACTL_LFAD', None)
                r = subprocess.run([os.path.join(build, 'lfactl', 'lfactl'), '--json', 'policy', 'verify',
                                    '--policy-dir=' + self.tmp + '/etc', '--sysfs=' + nosys],
                                   capture_output=True, text=True, env=env, timeout=scaled(30),
                                   stdin=subprocess.DEVNULL)
                self.assertEqual(r.returncode, 0, (r.stdout, r.stderr))
                self.assertIs(json.loads(r.stdout)['valid'], True, r.stdout)

        def test_build_tree_lfad(self):
                r = self.verify(self.tree('build', meson=True))
                self.assertEqual(r.returncode, 0, (r.stdout, r.stderr))
                self.assertEqual(json.loads(r.stdout)['output'],
                                 'fake lfad of build: --verify --policy-dir=%s/etc\n' % self.tmp)

        def test_environment_wins(self):
                other = os.path.join(self.tmp, 'other-lfad')
                self.fake_lfad(other, 'env')
                r = self.verify(self.tree('build', meson=True), env_lfad=other)
                self.assertIn('fake lfad of env:', json.loads(r.stdout)['output'])

        def test_not_a_build_tree(self):
                r = self.verify(self.tree('copy', meson=False))
                self.assertNotIn('fake lfad', r.stdout + r.stderr)


class TestUnreachable(LfactlCase):
        START = False

        def test_no_lfad_on_the_bus(self):
                self.json_error('org.freedesktop.DBus.Error.ServiceUnknown', 6, 'list')


if __name__ == '__main__':
        # One TAP line per case (tests/integration/lfatap.py).
        lfatap.main()
