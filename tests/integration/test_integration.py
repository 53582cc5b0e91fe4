#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""lfad inside the simulated LFA platform: what it writes to sysfs (the
simulator's record), what it tells systemd (NOTIFY_SOCKET), what it keeps
(the history file) and what it shows on the bus (busctl).

Run: LFA_BUILD=build tests/integration/test_integration.py [-v] [TEST...]
"""

import os
import signal
import subprocess
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))

from lfatest import LfadTestCase, lfad_binary, wait_for  # noqa: E402

BL31 = '47d4086d-4cfe-9846-9b95-2950cbbd5a00'
RMM = '6c0762a6-12f2-4b56-92cb-ba8f633606d9'
BMC = '3f7c2d9a-8b1e-4c55-9a60-5d2e7b41c0aa'
NEW = '11111111-2222-3333-4444-555555555555'

PLATFORM = '''
agent version=1.0
component uuid=%s may_reset_cpu=1 resets_record=0 current=2.7
component uuid=%s current=1.2 prime_rounds=3
component uuid=%s rendezvous=optional current=4.1 activate_rounds=2
''' % (BL31, RMM, BMC)


def component_path(uuid):
        """sd_bus_path_encode("/org/lfa/Manager/component", uuid)."""
        enc = ''.join(c if c.isalnum() else '_%02x' % ord(c) for c in uuid)
        if enc[0].isdigit():
                enc = '_%02x' % ord(uuid[0]) + enc[1:]
        return '/org/lfa/Manager/component/' + enc


def policy(defaults=None, **components):
        """An lfa.d file: policy(defaults={'AutoActivate': 'never'},
        RMM={'AutoActivate': 'immediate'}) with uuids as keyword values."""
        out = []
        if defaults:
                out.append('[Defaults]')
                out += ['%s=%s' % kv for kv in defaults.items()]
        for uuid, keys in components.items():
                out.append('[Component %s]' % uuid)
                out += ['%s=%s' % kv for kv in keys.items()]
        return '\n'.join(out) + '\n'


def immediate(*uuids, **extra):
        return policy(**{u: dict({'AutoActivate': 'immediate'}, **extra) for u in uuids})


class TestColdplug(LfadTestCase):
        SCENARIO = PLATFORM + 'component uuid=%s pending=1 pending_version=0.5 current=0.4\n' % NEW
        POLICY = {'usr': {'10-vendor.conf': policy(defaults={'AutoActivate': 'never'})}}

        def test_ready_after_coldplug_and_components_on_the_bus(self):
                tree = self.busctl('tree', 'org.lfa.Manager').stdout
                for u in (BL31, RMM, BMC, NEW):
                        self.assertIn(component_path(u), tree)
                r = self.busctl('get-property', 'org.lfa.Manager', component_path(NEW),
                                'org.lfa.Component', 'PendingVersion', 'ActivationPending').stdout.split('\n')
                self.assertEqual(r[:2], ['s "0.5"', 'b true'])
                r = self.busctl('get-property', 'org.lfa.Manager', component_path(BL31),
                                'org.lfa.Component', 'MayResetCpu', 'CurrentVersion').stdout.split('\n')
                self.assertEqual(r[:2], ['b true', 's "2.7"'])
                r = self.busctl('get-property', 'org.lfa.Manager', '/org/lfa/Manager',
                                'org.lfa.Manager', 'AbiVersion', 'PendingCount').stdout.split('\n')
                self.assertEqual(r[:2], ['s "1.0"', 'u 1'])
                # Policy "never": a pending component found at start is left.
                self.settle()
                self.assertEqual(self.activate_writes(), [])

        def test_ready_comes_with_a_status(self):
                a = self.notify.assignments()
                self.assertIn('READY=1', a)
                self.assertTrue(any(x.startswith('STATUS=') for x in a), a)


class TestImmediate(LfadTestCase):
        SCENARIO = PLATFORM
        POLICY = {'etc': {'50-rmm.conf': immediate(RMM)}}

        def test_store_update_activates_once_with_the_rendezvous(self):
                self.sim.ctl('store-update uuid=%s pending_version=1.3' % RMM)
                w = self.wait_activate_write(RMM)
                self.assertEqual(w[0]['force_cpu_rendezvous'], 1)
                r = self.wait_result(RMM)
                self.assertIsNone(r['errno'])
                self.assertTrue(r['rendezvous'])
                h = self.wait_history(lambda h: h['uuid'] == RMM and h['action'] == 'activate')
                self.assertEqual((h[0]['error'], h[0]['version_before'], h[0]['rendezvous']), (0, '1.2', True))
                wait_for(lambda: self.history()[-1]['version_after'] == '1.3', 5, 'version_after 1.3')
                self.settle()
                self.assertEqual(len(self.activate_writes(RMM)), 1)
                self.assertEqual(self.activate_writes(BMC), [])
                r = self.busctl('get-property', 'org.lfa.Manager', component_path(RMM),
                                'org.lfa.Component', 'CurrentVersion').stdout.strip()
                self.assertEqual(r, 's "1.3"')

        def test_components_that_stay_put_are_not_touched(self):
                self.sim.ctl('store-update uuid=%s' % BMC)
                self.settle(1.0)
                self.assertEqual(self.sim.writes(), [])


class TestWindow(LfadTestCase):
        SCENARIO = PLATFORM
        POLICY = {'etc': {'50-window.conf': policy(**{RMM: {'AutoActivate': 'window'},
                                                        BMC: {'AutoActivate': 'never'}})}}

        def test_nothing_until_activate_pending(self):
                self.sim.ctl('store-update uuid=%s' % RMM, 'store-update uuid=%s' % BMC)
                self.settle(1.0)
                self.assertEqual(self.activate_writes(), [])
                self.busctl('call', 'org.lfa.Manager', '/org/lfa/Manager', 'org.lfa.Manager',
                            'ActivatePending')
                self.assertEqual(len(self.activate_writes(RMM)), 1)
                self.assertIsNone(self.wait_result(RMM)['errno'])
                # "never" is left for an explicit request, even in the window.
                self.assertEqual(self.activate_writes(BMC), [])
                h = self.wait_history(lambda h: h['uuid'] == RMM)
                self.assertEqual(h[0]['trigger'], 'window')


class TestRendezvous(LfadTestCase):
        SCENARIO = PLATFORM
        POLICY = {'etc': {'50-skip.conf': immediate(RMM, BMC, CpuRendezvous='skip')}}

        def test_skip_where_firmware_allows(self):
                self.sim.ctl('store-update uuid=%s' % BMC)
                w = self.wait_activate_write(BMC)
                self.assertEqual(w[0]['force_cpu_rendezvous'], 0)
                forced = self.sim.writes('force_cpu_rendezvous', BMC)
                self.assertTrue(forced and forced[-1]['value'] in ('0', 'n', 'N'), forced)
                self.assertFalse(self.wait_result(BMC)['rendezvous'])
                h = self.wait_history(lambda h: h['uuid'] == BMC)
                self.assertFalse(h[0]['rendezvous'])

        def test_skip_refused_where_firmware_requires_it(self):
                self.sim.ctl('store-update uuid=%s' % RMM)
                w = self.wait_activate_write(RMM)
                self.assertEqual(w[0]['force_cpu_rendezvous'], 1)
                self.assertTrue(self.wait_result(RMM)['rendezvous'])
                log = self.lfad_output().lower()
                self.assertTrue(any(RMM in line and 'rendezvous' in line for line in log.splitlines()),
                                'no warning naming %s and the rendezvous' % RMM)


class TestForcedRendezvous(LfadTestCase):
        SCENARIO = PLATFORM
        POLICY = {'etc': {'50-bmc.conf': immediate(BMC)}}

        def test_default_forces_even_where_optional(self):
                # lfad does not know what the file held before: it writes
                # the value every time; a skip written earlier is undone.
                with open(os.path.join(self.sim.sys_lfa, BMC, 'force_cpu_rendezvous'), 'w') as f:
                        f.write('0\n')
                self.sim.ctl('store-update uuid=%s' % BMC)
                w = self.wait_activate_write(BMC)
                self.assertEqual(w[0]['force_cpu_rendezvous'], 1)
                self.assertTrue(self.wait_result(BMC)['rendezvous'])


class TestMayResetCpu(LfadTestCase):
        SCENARIO = PLATFORM
        POLICY = {'etc': {'50-all.conf': policy(defaults={'AutoActivate': 'immediate'})}}

        def test_never_activated_automatically(self):
                self.sim.ctl('store-update uuid=%s' % BL31)
                self.sim.ctl('store-update uuid=%s' % RMM)
                # RMM's activation proves lfad handled both updates.
                self.wait_activate_write(RMM)
                self.wait_result(RMM)
                self.settle()
                self.assertEqual(self.sim.writes('activate', BL31), [])
                self.assertEqual(self.sim.writes('prime', BL31), [])
                r = self.busctl('get-property', 'org.lfa.Manager', component_path(BL31),
                                'org.lfa.Component', 'Decision').stdout.strip()
                self.assertNotIn('immediate', r)


class TestFailure(LfadTestCase):
        SCENARIO = '''
component uuid=%s current=1.0 activate_error=DEVICE_ERROR
component uuid=%s current=1.0
''' % (RMM, BMC)
        POLICY = {'etc': {'50-retry.conf': policy(defaults={'AutoActivate': 'immediate',
                                                            'RetryLimit': '2', 'RetryDelaySec': '1'})}}

        def test_failure_recorded_and_retried_a_bounded_number_of_times(self):
                self.sim.ctl('store-update uuid=%s pending_version=1.1' % RMM)
                self.wait_activate_write(RMM)
                r = self.wait_result(RMM)
                self.assertEqual(r['errno'], 'EIO')
                h = self.wait_history(lambda h: h['uuid'] == RMM and h['error'] != 0)
                self.assertEqual(h[0]['error'], -5)   # -EIO
                self.assertEqual(h[0]['lfa_code'], 'DEVICE_ERROR')
                # RetryLimit=2: the first attempt and two retries, 1 s then
                # 2 s later (sd-event may add up to 1 s to each); then none,
                # not even after the next backoff (4 s) would have passed.
                self.wait_activate_write(RMM, 3, timeout=15)
                self.wait_result(RMM, n=2, timeout=10)
                self.settle(5.0)
                writes = self.activate_writes(RMM)
                self.assertEqual(len(writes), 3)
                gaps = [b['t'] - a['t'] for a, b in zip(writes, writes[1:])]
                self.assertTrue(gaps[0] >= 0.9 and gaps[1] >= 1.9, gaps)
                self.assertEqual(len(self.wait_history(lambda h: h['uuid'] == RMM and h['error'] == -5,
                                                       what='three failed attempts in the history')), 3)
                r = self.busctl('get-property', 'org.lfa.Manager', component_path(RMM),
                                'org.lfa.Component', 'LastError').stdout
                self.assertIn('EIO', r)
                # Other work goes on.
                self.sim.ctl('store-update uuid=%s' % BMC)
                self.assertIsNone(self.wait_result(BMC)['errno'])


class TestNotRetried(LfadTestCase):
        SCENARIO = 'component uuid=%s current=1.0 activate_error=AUTH_ERROR\n' % RMM
        POLICY = {'etc': {'50-retry.conf': policy(defaults={'AutoActivate': 'immediate',
                                                            'RetryLimit': '3', 'RetryDelaySec': '1'})}}

        def test_an_image_that_failed_authentication_is_not_retried(self):
                self.sim.ctl('store-update uuid=%s pending_version=1.1' % RMM)
                self.assertEqual(self.wait_result(RMM)['errno'], 'EKEYREJECTED')
                h = self.wait_history(lambda h: h['uuid'] == RMM)
                self.assertEqual((h[0]['error'], h[0]['lfa_code']), (-129, 'AUTH_ERROR'))  # -EKEYREJECTED
                self.settle(3.5)
                self.assertEqual(len(self.activate_writes(RMM)), 1)
                # A new image (another store update) is a new start.
                self.sim.ctl('set uuid=%s activate_error=0' % RMM)
                self.sim.ctl('store-update uuid=%s pending_version=1.2' % RMM)
                self.wait_activate_write(RMM, 2)


class TestPrimeAhead(LfadTestCase):
        SCENARIO = PLATFORM
        POLICY = {'etc': {'50-window.conf': policy(defaults={'AutoActivate': 'window', 'PrimeAhead': 'yes'})}}

        def test_one_component_primed_ahead_then_activated_in_the_window(self):
                self.sim.ctl('store-update uuid=%s' % RMM)
                self.assertIsNone(self.wait_result(RMM, 'prime')['errno'])
                self.assertEqual(self.sim.attr(RMM, 'state'), 'primed')
                self.sim.ctl('store-update uuid=%s' % BMC)
                self.settle()
                # The firmware holds one primed component: BMC waits.
                self.assertEqual(self.sim.writes('prime', BMC), [])
                self.assertEqual(self.activate_writes(), [])
                self.busctl('call', 'org.lfa.Manager', '/org/lfa/Manager', 'org.lfa.Manager',
                            'ActivatePending')
                self.assertIsNone(self.wait_result(RMM)['errno'])
                self.assertIsNone(self.wait_result(BMC, timeout=15)['errno'])
                # RMM was not primed again: its activation issued ACTIVATE only.
                w = self.activate_writes(RMM)[0]
                late = [c for c in self.sim.records('call', uuid=RMM, call='PRIME') if c['t'] > w['t']]
                self.assertEqual(late, [])
                self.assertEqual(len(self.sim.records('result', uuid=RMM, action='prime')), 1)


class TestVerify(LfadTestCase):
        SCENARIO = PLATFORM
        POLICY = {'etc': {'50-rmm.conf': immediate(RMM)}}
        START = False

        def verify(self):
                return subprocess.run(
                        [lfad_binary()] + ['--policy-dir=' + d for d in self.policy_dirs] + ['--verify'],
                        env=self.lfad_env(), capture_output=True, text=True, timeout=30)

        def test_verify_prints_decisions_and_fails_on_a_broken_file(self):
                r = self.verify()
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                for u in (BL31, RMM, BMC):
                        self.assertIn(u, r.stdout + r.stderr)
                path = self.write_policy('60-bad.conf', '[Component %s]\nAutoActivate=sometimes\n' % BMC)
                r = self.verify()
                self.assertNotEqual(r.returncode, 0)
                self.assertIn('%s:2' % path, r.stdout + r.stderr)


class TestGarbage(LfadTestCase):
        SCENARIO = PLATFORM
        POLICY = {'etc': {'50-all.conf': policy(defaults={'AutoActivate': 'immediate'})}}
        START = False

        def test_unparsable_component_is_marked_and_the_others_work(self):
                with open(os.path.join(self.sim.sys_lfa, BMC, 'activation_pending'), 'w') as f:
                        f.write('banana\n')
                self.start_lfad()
                r = self.busctl('get-property', 'org.lfa.Manager', component_path(BMC),
                                'org.lfa.Component', 'ParseError').stdout.strip()
                self.assertNotEqual(r, 's ""')
                self.sim.ctl('store-update uuid=%s' % RMM)
                self.assertIsNone(self.wait_result(RMM)['errno'])
                self.assertEqual(self.activate_writes(BMC), [])


class TestInventoryChanges(LfadTestCase):
        SCENARIO = '''
component uuid=%s current=1.0 after_activate=reverse,add:%s
component uuid=%s current=1.0 after_activate=vanish
component uuid=%s current=1.0
''' % (RMM, NEW, BMC, BL31)
        POLICY = {'etc': {'50-all.conf': policy(defaults={'AutoActivate': 'immediate'})}}

        def test_next_component_taken_after_renumbering(self):
                self.sim.ctl('store-update uuid=%s' % RMM, 'store-update uuid=%s' % BMC,
                             'store-update uuid=%s' % BL31)
                for u in (RMM, BMC, BL31):
                        self.assertIsNone(self.wait_result(u, timeout=15)['errno'], u)
                        self.assertEqual(len(self.activate_writes(u)), 1, u)
                # Every call went to the component's sequence id at the time.
                for c in self.sim.records('call', call='ACTIVATE'):
                        self.assertEqual(c['result'], 'SUCCESS', c)
                tree = wait_for(lambda: (lambda t: component_path(NEW) in t and component_path(BMC) not in t
                                         and t)(self.busctl('tree', 'org.lfa.Manager').stdout),
                                10, 'the new component on the bus and the vanished one gone')
                self.assertIn(component_path(RMM), tree)
                r = self.busctl('get-property', 'org.lfa.Manager', component_path(RMM),
                                'org.lfa.Component', 'SeqId').stdout.strip()
                self.assertEqual(r, 't %s' % self.sim.attr(RMM, 'seq_id'))


class TestOneAtATime(LfadTestCase):
        SCENARIO = '''
component uuid=%s current=1.0 prime_rounds=2 call_delay_ms=300
component uuid=%s current=1.0
component uuid=%s current=1.0
''' % (RMM, BMC, NEW)
        POLICY = {'etc': {'50-all.conf': policy(defaults={'AutoActivate': 'immediate'})}}

        def test_store_update_during_an_activation_waits_for_it(self):
                self.sim.ctl('store-update uuid=%s' % RMM)
                self.sim.wait_record(lambda r: r['type'] == 'call' and r['call'] == 'PRIME')
                self.sim.ctl('store-update uuid=%s' % BMC)
                rmm = self.wait_result(RMM)
                self.assertIsNone(rmm['errno'])
                self.assertIsNone(self.wait_result(BMC)['errno'])
                # lfad never wrote while a sequence ran: no EBUSY, and BMC's
                # write came after RMM's sequence ended.
                self.assertEqual([r for r in self.sim.records('result') if r['errno']], [])
                self.assertGreater(self.activate_writes(BMC)[0]['t'], rmm['t'])

        def test_a_component_that_vanishes_leaves_the_bus(self):
                self.sim.ctl('remove uuid=%s' % NEW, 'notify')
                wait_for(lambda: component_path(NEW) not in self.busctl('tree', 'org.lfa.Manager').stdout,
                         10, '%s to leave the bus' % NEW)
                self.sim.ctl('component uuid=%s pending=1 pending_version=3.0' % NEW, 'notify')
                # Back, pending, and activated by the policy.
                self.assertIsNone(self.wait_result(NEW)['errno'])
                wait_for(lambda: self.busctl('get-property', 'org.lfa.Manager', component_path(NEW),
                                             'org.lfa.Component', 'CurrentVersion').stdout.strip() == 's "3.0"',
                         10, 'CurrentVersion 3.0 on the bus')


class TestReload(LfadTestCase):
        SCENARIO = PLATFORM
        POLICY = {'etc': {'50-rmm.conf': immediate(RMM)}}

        def test_sighup_with_a_broken_file_keeps_the_old_policy(self):
                path = self.write_policy('50-rmm.conf', '[Component %s]\nAutoActivate=never\nBogus=1\n' % RMM)
                self.lfad.send_signal(signal.SIGHUP)
                self.notify.wait('RELOADING=1')
                self.wait_ready(2)
                wait_for(lambda: '%s:3' % path in self.lfad_output(), 5, 'an error naming %s:3' % path)
                self.sim.ctl('store-update uuid=%s' % RMM)
                self.wait_activate_write(RMM)
                self.assertIsNone(self.wait_result(RMM)['errno'])

        def test_sighup_with_a_good_file_applies_it(self):
                self.write_policy('50-rmm.conf', immediate(BMC))
                self.lfad.send_signal(signal.SIGHUP)
                self.notify.wait('RELOADING=1')
                self.wait_ready(2)
                self.sim.ctl('store-update uuid=%s' % RMM, 'store-update uuid=%s' % BMC)
                self.wait_result(BMC)
                self.settle()
                self.assertEqual(self.activate_writes(RMM), [])


class TestKill(LfadTestCase):
        SCENARIO = '''
component uuid=%s current=1.0 prime_rounds=2 call_delay_ms=700
component uuid=%s current=1.0
''' % (RMM, BMC)
        SIM_OPTIONS = {'prime_budget_ms': 5000, 'activate_budget_ms': 5000}
        POLICY = {'etc': {'50-all.conf': policy(defaults={'AutoActivate': 'immediate'})}}

        def test_kill_9_during_an_activation(self):
                self.sim.ctl('store-update uuid=%s pending_version=1.1' % RMM)
                self.wait_activate_write(RMM)
                self.sim.wait_record(lambda r: r['type'] == 'call' and r['call'] == 'PRIME')
                self.kill_lfad()
                before = self.history()
                # Restart while the firmware still works (about 2 s left).
                self.start_lfad()
                self.assertIsNone(self.wait_result(RMM, timeout=15)['errno'])
                self.settle(1.5)
                self.assertEqual(len(self.activate_writes(RMM)), 1, 'activated twice')
                # The history file reads whole, with what it had before.
                after = self.history()
                self.assertEqual(after[:len(before)], before)
                with open(os.path.join(self.state_dir, 'history'), encoding='utf-8') as f:
                        text = f.read()
                self.assertTrue(text == '' or text.endswith('\n'))
                # The restarted lfad works.
                self.sim.ctl('store-update uuid=%s' % BMC)
                self.assertIsNone(self.wait_result(BMC)['errno'])
                self.assertEqual(len(self.activate_writes(BMC)), 1)


N_BURST = 60


class TestBurstDuringColdplug(LfadTestCase):
        SCENARIO = ''.join('component uuid=%08x-0000-4000-8000-%012x current=1.0\n' % (i, i)
                           for i in range(N_BURST))
        POLICY = {'etc': {'50-all.conf': policy(defaults={'AutoActivate': 'immediate'})}}
        START = False

        def test_no_uevent_lost(self):
                uuids = ['%08x-0000-4000-8000-%012x' % (i, i) for i in range(N_BURST)]
                self.start_lfad(wait_ready=False)

                def burst():
                        # Start as soon as lfad's monitor exists.
                        wait_for(lambda: any(n.startswith('event') for n in os.listdir(self.sim.env['UMOCKDEV_DIR'])),
                                 10, 'lfad to open its udev monitor')
                        for u in uuids:
                                self.sim.ctl('store-update uuid=%s' % u)
                t = threading.Thread(target=burst)
                t.start()
                self.wait_ready()
                t.join(30)
                for u in uuids:
                        self.wait_result(u, timeout=30)
                self.assertEqual(sorted({w['uuid'] for w in self.activate_writes()}), sorted(uuids))
                self.assertEqual(len(self.activate_writes()), N_BURST)


if __name__ == '__main__':
        unittest.main(verbosity=2)
