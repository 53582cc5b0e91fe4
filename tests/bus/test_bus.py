#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""org.lfa.Manager on a real dbus-daemon, with lfad inside the simulated
LFA platform and independent clients: busctl, gdbus, and dbus-python where a
client must hold an fd (Inhibit).

The bus is the harness's private dbus-daemon (tests/integration/lfatest.py)
with a system-bus configuration instead of its allow-all one: Debian's
system.conf default policy (deny own, deny method calls unless a service's
file opens them), the project's dbus/org.lfa.Manager.conf included
unchanged, and the lines polkitd's own bus policy would add for the polkit
stand-in (python3-dbusmock's polkitd template). What differs from the real
system bus: its socket address, no <user>/<fork>/<pidfile>/<syslog>/service
helper, and no other system.d files.

Every test runs on the simulated driver's flavour in force
(LFA_SIM_FLAVOUR: extended, the default, or upstream; tests/integration's
harness); where lfad answers differently on Arm's driver (no Prime, no
cancel of a priming, no LFA code in errors) the test asserts what it says
there. scripts/suites/45-bus runs the file once per flavour.

Run: LFA_BUILD=build [LFA_SIM_FLAVOUR=upstream] /usr/bin/python3 tests/bus/test_bus.py [-v] [TEST...]
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))
import lfatap  # noqa: E402

import lfatest  # noqa: E402
# At import, not inside a test: gi's ImportWarning would otherwise split
# unittest's "test ... ok" line that the suite counts.
import dbus  # noqa: E402
import dbus.bus  # noqa: E402
import dbus.exceptions  # noqa: E402
from dbus.mainloop.glib import DBusGMainLoop  # noqa: E402
from gi.repository import GLib  # noqa: E402,F401 (lfatest.wait_received() runs its default context)
from lfatest import LfadTestCase, POLL_POLICY, scaled  # noqa: E402

load_tests = lfatest.load_tests

XML = os.path.join(ROOT, 'dbus', 'org.lfa.Manager.xml')
CONF = os.path.join(ROOT, 'dbus', 'org.lfa.Manager.conf')

BL31 = '47d4086d-4cfe-9846-9b95-2950cbbd5a00'
RMM = '6c0762a6-12f2-4b56-92cb-ba8f633606d9'
BMC = '3f7c2d9a-8b1e-4c55-9a60-5d2e7b41c0aa'
DEAD = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'
AUTH = 'a0a0a0a0-0000-4000-8000-000000000001'
HANG = 'a0a0a0a0-0000-4000-8000-000000000002'
SLOW = 'a0a0a0a0-0000-4000-8000-000000000003'
NONE = '11111111-2222-3333-4444-555555555555'

NAME = 'org.lfa.Manager'
PATH = '/org/lfa/Manager'
IFACE = 'org.lfa.Manager'
CIFACE = 'org.lfa.Component'
ACTIONS = ('org.lfa.activate', 'org.lfa.inhibit', 'org.lfa.manage-policy')

SYSTEM_BUS_CONF = '''<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=%(socket)s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"
          send_member="UpdateActivationEnvironment"/>
  </policy>
  <policy user="root">
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Monitoring"/>
  </policy>
  <!-- What polkitd's org.freedesktop.PolicyKit1.conf opens, for the stand-in. -->
  <policy user="root">
    <allow own="org.freedesktop.PolicyKit1"/>
  </policy>
  <policy context="default">
    <allow send_destination="org.freedesktop.PolicyKit1"/>
  </policy>
  <include>%(conf)s</include>
</busconfig>
'''

PLATFORM = '''
agent version=1.0
component uuid=%s may_reset_cpu=1 resets_record=0 current=2.7 pending=1 pending_version=2.8
component uuid=%s current=1.2 pending=1 pending_version=1.3 prime_rounds=3
component uuid=%s rendezvous=optional current=4.1
component uuid=%s capable=0 pending=1 pending_version=0.9
component uuid=%s current=3.0 pending=1 pending_version=3.1 prime_error=AUTH_ERROR
component uuid=%s current=5.0 pending=1 pending_version=5.1 activate_hang=1
component uuid=%s current=6.0 pending=1 pending_version=6.1 prime_rounds=1000 call_delay_ms=5
''' % (BL31, RMM, BMC, DEAD, AUTH, HANG, SLOW)


def policy_text(**components):
        out = []
        for uuid, keys in components.items():
                out.append('[Component %s]' % uuid)
                out.extend('%s=%s' % kv for kv in keys.items())
        return '\n'.join(out) + '\n'


def component_path(uuid):
        # sd_bus_path_encode(): every byte but [A-Za-z0-9] (a leading digit
        # too) becomes _XX.
        out = []
        for i, ch in enumerate(uuid):
                if ch.isalpha() or (ch.isdigit() and i > 0):
                        out.append(ch)
                else:
                        out.append('_%02x' % ord(ch))
        return PATH + '/component/' + ''.join(out)


def reap(p):
        """Wait for a Popen child and close its pipes (an open one is a
        ResourceWarning that splits unittest's "test ... ok" line)."""
        p.wait()
        for f in (p.stdin, p.stdout, p.stderr):
                if f:
                        f.close()


class SystemBus:
        """dbus-daemon with the system-bus policy above; the harness's Bus
        interface (address, stop)."""

        def __init__(self, tmp):
                self.socket = os.path.join(tmp, 'system_bus_socket')
                conf = os.path.join(tmp, 'system-bus.conf')
                with open(conf, 'w', encoding='utf-8') as f:
                        f.write(SYSTEM_BUS_CONF % {'socket': self.socket, 'conf': CONF})
                # Its complaints (no fd limit raise without CAP_SYS_RESOURCE...)
                # would break unittest's one line per case.
                self.log = open(os.path.join(tmp, 'dbus-daemon.log'), 'w', encoding='utf-8')
                self.proc = subprocess.Popen(['dbus-daemon', '--nofork', '--config-file=' + conf,
                                              '--print-address=1'], stdout=subprocess.PIPE,
                                             stderr=self.log, text=True)
                self.address = self.proc.stdout.readline().strip()
                if not self.address:
                        raise AssertionError('dbus-daemon did not start with %s' % conf)

        def stop(self):
                self.proc.terminate()
                self.proc.wait(10)
                self.proc.stdout.close()
                self.log.close()


class Monitor:
        """gdbus monitor on lfad's name: what any client sees."""

        def __init__(self, address, tmp, test):
                self.test = test
                self.path = os.path.join(tmp, 'monitor-%d.log' % time.monotonic_ns())
                self.out = open(self.path, 'w', encoding='utf-8')
                self.proc = subprocess.Popen(['gdbus', 'monitor', '--address', address, '--dest', NAME],
                                             stdout=self.out, stderr=subprocess.STDOUT)
                # Its log is in the test's tmp: each line it writes wakes.
                self.test.wait_for(lambda: 'is owned by' in self.text(), 10, 'gdbus monitor to attach')

        def text(self):
                with open(self.path, encoding='utf-8', errors='replace') as f:
                        return f.read()

        def wait(self, pattern, timeout=10):
                return self.test.wait_for(lambda: re.search(pattern, self.text()), timeout,
                                          'signal matching %r' % pattern)

        def stop(self):
                self.proc.terminate()
                self.proc.wait(10)
                self.out.close()


class BusTestCase(LfadTestCase):
        SCENARIO = PLATFORM
        POLICY = {'etc': {'50-test.conf': policy_text(**{RMM: {'AutoActivate': 'window'}})}}
        # HANG's ACTIVATE never ends: a short activate budget makes the
        # Timeout quick; SLOW's long priming must outlast any test step.
        SIM_OPTIONS = {'prime_budget_ms': 60000, 'activate_budget_ms': 800}
        START = False
        POLKIT = True

        def setUp(self):
                super().setUp()
                self.polkit = None
                try:
                        self.start_services()
                except BaseException:
                        # unittest skips tearDown when setUp fails: clean up here
                        # (it prints lfad's log).
                        self.tearDown()
                        raise

        def name_has_owner(self, name):
                # Asks the bus only: `busctl status` also reads the owner's
                # /proc and cgroup, which a container may not have.
                r = self.busctl('call', 'org.freedesktop.DBus', '/org/freedesktop/DBus',
                                'org.freedesktop.DBus', 'NameHasOwner', 's', name, check=False)
                return r.returncode == 0 and r.stdout.strip() == 'b true'

        def start_services(self):
                # The unprivileged client must reach the socket.
                os.chmod(self.tmp, 0o755)
                self.bus.stop()
                self.bus = SystemBus(self.tmp)
                self.watch_bus()
                if self.POLKIT:
                        self.polkit_log = os.path.join(self.tmp, 'polkit.log')
                        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.bus.address)
                        self.polkit = subprocess.Popen(['/usr/bin/python3', '-m', 'dbusmock', '--system',
                                                        '--template', 'polkitd', '-l', self.polkit_log],
                                                       env=env, stdout=subprocess.DEVNULL,
                                                       stderr=subprocess.DEVNULL)
                        self.wait_for(lambda: self.name_has_owner('org.freedesktop.PolicyKit1'),
                                 10, 'the polkit stand-in')
                self.start_lfad()
                self.wait_for(lambda: self.name_has_owner(NAME), 10,
                         'org.lfa.Manager on the bus')

        def tearDown(self):
                if self.polkit is not None:
                        self.polkit.terminate()
                        self.polkit.wait(10)
                        self.polkit = None
                super().tearDown()

        # -- clients -----------------------------------------------------
        def call(self, method, sig='', *args, user=None, timeout=60, iface=IFACE, path=PATH, check=True,
                 interactive=True):
                argv = ['busctl', '--address=' + self.bus.address, '--timeout=%d' % timeout, '--json=short',
                        '--allow-interactive-authorization=%s' % ('yes' if interactive else 'no'),
                        'call', NAME, path, iface, method]
                if sig:
                        argv += [sig] + [str(a) for a in args]
                if user:
                        argv = ['setpriv', '--reuid=' + user, '--regid=nogroup', '--clear-groups'] + argv
                r = subprocess.run(argv, capture_output=True, text=True, timeout=scaled(timeout + 10))
                if check and r.returncode != 0:
                        raise AssertionError('busctl call %s: %s' % (method, r.stderr.strip()))
                return r

        def data(self, r):
                return json.loads(r.stdout)['data']

        def error_of(self, r):
                """busctl prints the error message; the name comes from
                dbus-send, which prints it."""
                self.assertNotEqual(r.returncode, 0, 'call unexpectedly succeeded: %s' % r.stdout)
                return r.stderr.strip()

        def send(self, method, *args, user=None, path=PATH, iface=IFACE, timeout=60):
                """dbus-send --print-reply: prints the D-Bus error name."""
                # --bus=, not --address= (a peer connection that never says Hello).
                argv = ['dbus-send', '--bus=' + self.bus.address, '--print-reply',
                        '--reply-timeout=%d' % (timeout * 1000), '--dest=' + NAME, path,
                        '%s.%s' % (iface, method)] + list(args)
                if user:
                        argv = ['setpriv', '--reuid=' + user, '--regid=nogroup', '--clear-groups'] + argv
                return subprocess.run(argv, capture_output=True, text=True, timeout=scaled(timeout + 10))

        def assertError(self, r, name, text=None):
                out = r.stderr + r.stdout
                self.assertNotEqual(r.returncode, 0, 'expected %s, got success: %s' % (name, out))
                self.assertIn(name, out)
                if text:
                        self.assertIn(text, out)

        def prop(self, name, path=PATH, iface=IFACE, user=None):
                argv = ['busctl', '--address=' + self.bus.address, '--json=short', 'get-property', NAME, path,
                        iface, name]
                if user:
                        argv = ['setpriv', '--reuid=' + user, '--regid=nogroup', '--clear-groups'] + argv
                r = subprocess.run(argv, capture_output=True, text=True, timeout=scaled(20))
                if r.returncode != 0:
                        raise AssertionError('get-property %s: %s' % (name, r.stderr.strip()))
                return json.loads(r.stdout)['data']

        def monitor(self):
                m = Monitor(self.bus.address, self.tmp, self)
                self.addCleanup(m.stop)
                return m

        def set_polkit(self, *actions):
                subprocess.run(['gdbus', 'call', '--address', self.bus.address, '--dest',
                                'org.freedesktop.PolicyKit1', '--object-path', '/org/freedesktop/PolicyKit1/Authority',
                                '--method', 'org.freedesktop.DBus.Mock.SetAllowed', '[%s]' %
                                ', '.join("'%s'" % a for a in actions)], check=True, capture_output=True)

        def polkit_calls(self):
                with open(self.polkit_log, encoding='utf-8') as f:
                        return [line for line in f if 'CheckAuthorization' in line]


def normalise(root, prefix='org.lfa.'):
        """An introspection tree as comparable data: our interfaces, their
        members, argument names/types/directions, property types, access and
        change signalling. Doc annotations and comments are left out."""
        out = {}
        for iface in root.iter('interface'):
                name = iface.get('name')
                if not name.startswith(prefix):
                        continue
                members = {}
                for m in iface:
                        if m.tag == 'method':
                                members['method ' + m.get('name')] = [
                                        (a.get('name'), a.get('type'), a.get('direction', 'in')) for a in m.iter('arg')]
                        elif m.tag == 'signal':
                                members['signal ' + m.get('name')] = [
                                        (a.get('name'), a.get('type')) for a in m.iter('arg')]
                        elif m.tag == 'property':
                                emits = 'true'
                                for a in m.iter('annotation'):
                                        if a.get('name') == 'org.freedesktop.DBus.Property.EmitsChangedSignal':
                                                emits = a.get('value')
                                members['property ' + m.get('name')] = (m.get('type'), m.get('access'), emits)
                out[name] = members
        return out


class TestContract(BusTestCase):
        def test_introspection_equals_the_xml(self):
                want = normalise(ET.parse(XML).getroot())
                live = {}
                for path in (PATH, component_path(RMM)):
                        r = subprocess.run(['busctl', '--address=' + self.bus.address, '--xml-interface',
                                            'introspect', NAME, path], capture_output=True, text=True, check=True)
                        live.update(normalise(ET.fromstring(r.stdout)))
                self.assertEqual(sorted(live), ['org.lfa.Component', 'org.lfa.Manager'])
                self.assertEqual(live, want)

        def test_object_manager_and_tree(self):
                r = subprocess.run(['gdbus', 'call', '--address', self.bus.address, '--dest', NAME,
                                    '--object-path', PATH, '--method',
                                    'org.freedesktop.DBus.ObjectManager.GetManagedObjects'],
                                   capture_output=True, text=True, check=True)
                for uuid in (BL31, RMM, BMC, DEAD, AUTH, HANG, SLOW):
                        self.assertIn("'%s': {" % component_path(uuid), r.stdout)
                        self.assertIn("'Uuid': <'%s'>" % uuid, r.stdout)
                tree = self.busctl('tree', '--list', NAME).stdout.split()
                self.assertIn(PATH, tree)
                self.assertIn(component_path(BMC), tree)

        def test_properties(self):
                with open(os.path.join(ROOT, 'meson.build'), encoding='utf-8') as f:
                        version = re.search(r"version\s*:\s*'([^']+)'", f.read()).group(1)
                self.assertEqual(self.prop('Version'), version)
                self.assertEqual(self.prop('State'), 'idle')
                self.assertEqual(self.prop('ActiveComponent'), '')
                self.assertEqual(self.prop('PendingCount'), 6)
                self.assertEqual(sorted(self.prop('PolicyFiles')), [os.path.join(self.tmp, 'etc', '50-test.conf'),
                                                                    os.path.join(self.tmp, 'usr', POLL_POLICY)])
                self.assertGreater(self.prop('PolicyLoadedUSec'), 0)
                self.assertEqual(self.prop('Inhibitors'), [])
                if self.upstream:
                        self.assertEqual(self.prop('AbiVersion'), '')
                        self.assertEqual(self.prop('DriverAbi'), 'upstream')
                        self.assertEqual(self.prop('DriverModule'), 'lfa_fw')
                        self.assertEqual(self.prop('DriverFeatures'), ['auto-activate'])
                        self.assertEqual(self.prop('PollIntervalUSec'), 1000000)
                else:
                        self.assertEqual(self.prop('AbiVersion'), '1.0')
                        self.assertEqual(self.prop('DriverAbi'), 'extended')
                        self.assertEqual(self.prop('DriverModule'), 'lfa')
                        self.assertTrue({'prime', 'cancel-priming', 'state', 'last-error', 'seq-id', 'refresh',
                                         'component-uevents'} <= set(self.prop('DriverFeatures')))
                        self.assertEqual(self.prop('PollIntervalUSec'), 0)
                p = component_path(RMM)
                expect = {'Uuid': RMM, 'Name': 'TF-RMM', 'CurrentVersion': '1.2',
                          'PendingVersion': '1.3', 'ActivationCapable': True, 'ActivationPending': True,
                          'MayResetCpu': False, 'CpuRendezvous': True, 'ForceCpuRendezvous': True,
                          'ParseError': '', 'Decision': 'window', 'LastResult': '',
                          'LastResultUSec': 0, 'KernelAutoActivate': False, 'KernelOverride': ''}
                if self.upstream:
                        # No seq_id, state, last_error: what the XML says then.
                        expect.update({'SeqId': 0, 'State': 'idle', 'LastError': ''})
                else:
                        expect.update({'SeqId': 1, 'State': 'idle', 'LastError': ''})
                for k, v in expect.items():
                        self.assertEqual(self.prop(k, p, CIFACE), v, k)
                self.assertIn('50-test.conf', self.prop('DecisionReason', p, CIFACE))
                self.assertEqual(self.prop('Decision', component_path(BL31), CIFACE), 'refused')

        def test_open_methods(self):
                comps = self.data(self.call('ListComponents'))[0]
                self.assertEqual(sorted(c[0] for c in comps), sorted([BL31, RMM, BMC, DEAD, AUTH, HANG, SLOW]))
                self.assertIn([RMM, 'TF-RMM', component_path(RMM)], comps)
                self.assertEqual(self.data(self.call('GetComponent', 's', RMM.upper()))[0], component_path(RMM))
                plan = {e[0]: e for e in self.data(self.call('Plan'))[0]}
                self.assertEqual(plan[RMM][2], 'window')
                self.assertEqual(plan[BL31][2], 'refused')
                self.assertEqual(plan[BMC][2], 'nothing-pending')
                self.assertEqual(plan[DEAD][2], 'refused')
                self.assertEqual(self.data(self.call('History', 'u', 0))[0], [])
                self.call('Refresh')
                if not self.upstream:
                        # The driver's refresh file (an extension); Arm's
                        # driver reads the firmware on every read.
                        self.wait_for(lambda: self.sim.writes('refresh'), 10, 'the refresh write')
                # Plan and Refresh changed nothing.
                self.assertEqual(self.activate_writes(), [])


class TestHistoryVersions(BusTestCase):
        """History's versions: the one running when the attempt started and
        the one it primed or activated (the pending version then), whether
        it succeeded or not."""

        def test_failed_activation_and_prime_name_the_attempted_version(self):
                r = self.call('Activate', 'sa{sv}', AUTH, 0, check=False)
                self.assertNotEqual(r.returncode, 0)
                h = self.data(self.call('History', 'u', 1))[0]
                self.assertEqual(h[0][2:6], ['activate', 'manual', '3.0', '3.1'])
                self.assertEqual(h[0][9], 'failed')
                if not self.upstream:
                        self.call('Prime', 's', RMM, timeout=60)
                        h = self.data(self.call('History', 'u', 1))[0]
                        self.assertEqual(h[0][:6], [RMM, 'TF-RMM', 'prime', 'manual', '1.2', '1.3'])
                        self.assertEqual(h[0][9], 'success')


class TestActivate(BusTestCase):
        def test_activate_replies_with_the_outcome_and_everyone_sees_it(self):
                mon = self.monitor()
                r = self.call('Activate', 'sa{sv}', RMM, 1, 'rendezvous', 's', 'force', timeout=60)
                self.assertEqual(self.data(r), ['1.3'])
                w = self.activate_writes(RMM)
                self.assertEqual(len(w), 1)
                # What the driver read when the write started (lfad writes
                # the file only where it differs).
                self.assertEqual(w[0]['force_cpu_rendezvous'], 1)
                mon.wait(r"ActivationStarted \('%s', objectpath '%s', 'activate', 'manual'\)" % (RMM, component_path(RMM)))
                mon.wait(r"ActivationFinished \('%s', objectpath '%s', 'activate', 'manual', 'success', '', '[^']*', true, uint64 \d+\)"
                         % (RMM, component_path(RMM)))
                mon.wait(r"%s: org.freedesktop.DBus.Properties.PropertiesChanged \('org.lfa.Manager', \{[^}]*'State': <'activating'>" % PATH)
                mon.wait(r"%s: org.freedesktop.DBus.Properties.PropertiesChanged \('org.lfa.Component', \{[^}]*'CurrentVersion': <'1.3'>"
                         % component_path(RMM))
                self.assertEqual(self.prop('LastResult', component_path(RMM), CIFACE), 'success')
                self.assertEqual(self.prop('State'), 'idle')
                h = self.data(self.call('History', 'u', 1))[0]
                self.assertEqual(h[0][:7], [RMM, 'TF-RMM', 'activate', 'manual', '1.2', '1.3', True])
                self.assertEqual(h[0][9:], ['success', ''])

        def test_errors(self):
                cases = [
                        (('GetComponent', 's', NONE), 'org.lfa.Error.NotFound', NONE),
                        (('GetComponent', 's', 'zzz'), 'org.freedesktop.DBus.Error.InvalidArgs', 'Invalid UUID'),
                        (('Activate', 'sa{sv}', 'RMM', 0), 'org.freedesktop.DBus.Error.InvalidArgs', "'RMM'"),
                        (('Activate', 'sa{sv}', RMM, 1, 'rendezvous', 's', 'maybe'),
                         'org.freedesktop.DBus.Error.InvalidArgs', 'maybe'),
                        (('Activate', 'sa{sv}', RMM, 1, 'speed', 's', 'fast'),
                         'org.freedesktop.DBus.Error.InvalidArgs', 'speed'),
                        (('Activate', 'sa{sv}', BL31, 0), 'org.lfa.Error.MayResetCpu', None),
                        (('Activate', 'sa{sv}', BMC, 0), 'org.lfa.Error.NotPending', None),
                        (('Activate', 'sa{sv}', DEAD, 0), 'org.lfa.Error.NotCapable', None),
                        (('Activate', 'sa{sv}', NONE, 0), 'org.lfa.Error.NotFound', None),
                        (('Activate', 'sa{sv}', RMM, 1, 'rendezvous', 's', 'skip'),
                         'org.lfa.Error.RendezvousRequired', None),
                        (('Cancel', 's', NONE), 'org.lfa.Error.NotFound', None),
                        (('Inhibit', 'ss', '', 'x'), 'org.freedesktop.DBus.Error.InvalidArgs', 'who'),
                ]
                if self.upstream:
                        # -ECANCELED for every failure, the LFA error only in
                        # the kernel log; ACTIVATE that never ends too (the
                        # driver gives up after its budget).
                        cases += [
                                (('Activate', 'sa{sv}', AUTH, 0), 'org.lfa.Error.FirmwareError', 'does not say why'),
                                (('Activate', 'sa{sv}', HANG, 0), 'org.lfa.Error.FirmwareError', 'does not say why'),
                                (('Prime', 's', RMM), 'org.lfa.Error.NotSupported', None),
                        ]
                else:
                        cases += [
                                (('Activate', 'sa{sv}', AUTH, 0), 'org.lfa.Error.FirmwareError', 'AUTH_ERROR'),
                                (('Activate', 'sa{sv}', HANG, 0), 'org.lfa.Error.Timeout', None),
                                (('Prime', 's', BL31), 'org.lfa.Error.MayResetCpu', None),
                        ]
                for (method, sig, *args), name, text in cases:
                        with self.subTest(method=method, args=args):
                                r = self.call(method, sig, *args, check=False)
                                self.assertNotEqual(r.returncode, 0)
                                if text:
                                        self.assertIn(text, r.stderr)
                                # busctl prints the message; dbus-send the name too
                                # (it cannot send a{sv}: see the gdbus test).
                                if sig in ('s', 'ss'):
                                        self.assertError(self.send(method, *['string:%s' % a for a in args]), name)
                # The error names reach clients that use the map too.
                r = self.call('Activate', 'sa{sv}', BMC, 0, check=False)
                self.assertIn('no new image is pending', r.stderr.lower())
                self.assertEqual(self.activate_writes(BL31), [])

        def test_error_names_through_gdbus(self):
                # dbus-send cannot build a{sv}: gdbus, which prints the name.
                for uuid, name in ((BL31, 'org.lfa.Error.MayResetCpu'), (BMC, 'org.lfa.Error.NotPending'),
                                   (DEAD, 'org.lfa.Error.NotCapable'), (AUTH, 'org.lfa.Error.FirmwareError'),
                                   (NONE, 'org.lfa.Error.NotFound')):
                        with self.subTest(name=name):
                                r = subprocess.run(['gdbus', 'call', '--address', self.bus.address, '--dest', NAME,
                                                    '--object-path', PATH, '--timeout', '60', '--method',
                                                    IFACE + '.Activate', uuid, '{}'],
                                                   capture_output=True, text=True, timeout=scaled(70))
                                self.assertError(r, 'GDBus.Error:' + name)
                r = subprocess.run(['gdbus', 'call', '--address', self.bus.address, '--dest', NAME, '--object-path',
                                    PATH, '--method', IFACE + '.Activate', RMM, "{'rendezvous': <'skip'>}"],
                                   capture_output=True, text=True)
                self.assertError(r, 'GDBus.Error:org.lfa.Error.RendezvousRequired')

        def test_busy_and_cancel(self):
                # SLOW primes for ~5 s: long enough to be busy and to cancel.
                if self.upstream:
                        # The activation runs to its end here (nothing
                        # cancels it): a shorter priming.
                        self.sim.ctl('set uuid=%s prime_rounds=250' % SLOW)
                mon = self.monitor()
                p = subprocess.Popen(['busctl', '--address=' + self.bus.address, '--timeout=60', 'call', NAME, PATH,
                                      IFACE, 'Activate', 'sa{sv}', SLOW, '0'], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
                self.addCleanup(p.wait)
                self.wait_for(lambda: self.activate_writes(SLOW), 10, 'the activate write')
                mon.wait(r"ActivationStarted \('%s'" % SLOW)
                # Status calls are answered while firmware works.
                self.assertEqual(self.prop('State'), 'activating')
                self.assertEqual(self.prop('ActiveComponent'), SLOW)
                self.assertIn('another prime or activation is running',
                              self.call('Activate', 'sa{sv}', RMM, 0, check=False).stderr.lower())
                d = self.send('Prime', 'string:' + RMM)
                if self.upstream:
                        # Arm's driver cannot prime alone, nor stop a priming
                        # (a cancel during priming returns 0 and the driver
                        # primes again): lfad says so and the activation goes on.
                        self.assertError(d, 'org.lfa.Error.NotSupported')
                        self.assertError(self.send('Cancel', 'string:' + SLOW), 'org.lfa.Error.NotSupported')
                        out, err = p.communicate(timeout=scaled(60))
                        self.assertEqual(p.returncode, 0, err)
                        self.assertEqual(out.strip(), 's "6.1"')
                        self.assertEqual(self.sim.writes('cancel'), [])
                        self.assertIsNone(self.wait_result(SLOW)['errno'])
                        mon.wait(r"ActivationFinished \('%s', objectpath '[^']+', 'activate', 'manual', 'success', ''"
                                 % SLOW)
                        return
                self.assertError(d, 'org.lfa.Error.Busy')
                self.call('Cancel', 's', SLOW)
                out, err = p.communicate(timeout=scaled(30))
                self.assertNotEqual(p.returncode, 0)
                self.assertIn('cancel', err.lower())
                self.assertTrue(self.sim.writes('cancel', SLOW))
                mon.wait(r"ActivationFinished \('%s', objectpath '[^']+', 'activate', 'manual', 'failed', 'org.lfa.Error.Cancelled'"
                         % SLOW)

        def test_shutdown_answers_the_waiting_caller(self):
                p = subprocess.Popen(['busctl', '--address=' + self.bus.address, '--timeout=60', 'call', NAME, PATH,
                                      IFACE, 'Activate', 'sa{sv}', SLOW, '0'], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
                self.addCleanup(p.wait)
                self.wait_for(lambda: self.activate_writes(SLOW), 10, 'the activate write')
                self.assertEqual(self.stop_lfad(), 0)
                out, err = p.communicate(timeout=scaled(30))
                self.assertNotEqual(p.returncode, 0)
                self.assertIn('shutting down', err)

        def test_reload_policy(self):
                bad = self.write_policy('60-bad.conf', '[Defaults]\nAutoActivate=sometimes\n')
                r = self.send('ReloadPolicy')
                self.assertError(r, 'org.lfa.Error.InvalidPolicy', bad + ':2')
                self.assertEqual(self.prop('Decision', component_path(RMM), CIFACE), 'window')
                self.write_policy('60-bad.conf', policy_text(**{RMM: {'AutoActivate': 'never'}}))
                mon = self.monitor()
                self.call('ReloadPolicy')
                self.assertEqual(self.prop('Decision', component_path(RMM), CIFACE), 'never')
                # 50-test.conf, 60-bad.conf and the harness's PollIntervalSec file.
                self.assertEqual(len(self.prop('PolicyFiles')), 3)
                mon.wait(r"%s: org.freedesktop.DBus.Properties.PropertiesChanged \('org.lfa.Component', \{[^}]*'Decision': <'never'>"
                         % component_path(RMM))

        def test_prime(self):
                if self.upstream:
                        self.assertError(self.send('Prime', 'string:' + RMM), 'org.lfa.Error.NotSupported')
                        self.assertEqual(self.sim.records('call', call='PRIME'), [])
                        self.assertEqual(self.activate_writes(), [])
                        self.assertEqual(self.prop('LastResult', component_path(RMM), CIFACE), '')
                        return
                self.call('Prime', 's', RMM)
                self.assertTrue(self.sim.writes('prime', RMM))
                self.assertEqual(self.activate_writes(RMM), [])
                self.assertEqual(self.prop('State', component_path(RMM), CIFACE), 'primed')
                self.call('Cancel', 's', RMM)
                self.wait_for(lambda: self.prop('State', component_path(RMM), CIFACE) == 'idle', 10, 'idle after cancel')


# The driver's errno table (driver/Documentation/admin-guide/lfa.rst; check-errno-table.py):
# every answer of PRIME or ACTIVATE that is an error, and the errno of the write.
LFA_CODES = (('NOT_SUPPORTED', 'EOPNOTSUPP'), ('BUSY', 'EBUSY'), ('AUTH_ERROR', 'EKEYREJECTED'),
             ('NO_MEMORY', 'ENOMEM'), ('CRITICAL_ERROR', 'ENOTRECOVERABLE'), ('DEVICE_ERROR', 'EIO'),
             ('WRONG_STATE', 'EPROTO'), ('INVALID_PARAMETERS', 'EINVAL'),
             ('COMPONENT_WRONG_STATE', 'EBADFD'), ('INVALID_ADDRESS', 'EFAULT'),
             ('ACTIVATION_FAILED', 'EREMOTEIO'), ('-35', 'EIO'))
LFA_CALLS = ('PRIME', 'ACTIVATE')


def code_uuid(call, i):
        return 'c0de%04x-0000-4000-8000-00000000000%d' % (i, LFA_CALLS.index(call))


def code_fault(call, code):
        # The driver retries ACTIVATE's BUSY within its budget: a firmware
        # that stays busy.
        if (call, code) == ('ACTIVATE', 'BUSY'):
                return 'activate_busy=1000000'
        return '%s_error=%s' % (call.lower(), code)


PRIME_HANG = 'c0de0100-0000-4000-8000-000000000000'
ACTIVATE_HANG = 'c0de0100-0000-4000-8000-000000000001'
CANCEL_NO_MEMORY = 'c0de0101-0000-4000-8000-000000000002'


class TestErrorNames(BusTestCase):
        """Every LFA code PRIME or ACTIVATE answers reaches a caller as an
        org.lfa.Error.* naming it, never as a generic D-Bus error, and the
        ActivationFinished signal says the same as the reply."""
        SCENARIO = ''.join('component uuid=%s current=1.0 pending=1 pending_version=1.1 %s\n'
                           % (code_uuid(call, i), code_fault(call, code))
                           for call in LFA_CALLS for i, (code, _) in enumerate(LFA_CODES)) + '''
component uuid=%s current=1.0 pending=1 pending_version=1.1 prime_hang=1
component uuid=%s current=1.0 pending=1 pending_version=1.1 activate_hang=1
component uuid=%s current=1.0 cancel_error=NO_MEMORY
''' % (PRIME_HANG, ACTIVATE_HANG, CANCEL_NO_MEMORY)
        POLICY = {'etc': {'50-test.conf': policy_text(**{code_uuid('ACTIVATE', 3): {'AutoActivate': 'window'}})}}
        SIM_OPTIONS = {'prime_budget_ms': 300, 'activate_budget_ms': 300}

        def setUp(self):
                super().setUp()
                self.conn = dbus.bus.BusConnection(self.bus.address, mainloop=DBusGMainLoop())
                self.addCleanup(self.conn.close)
                self.mgr = dbus.Interface(self.conn.get_object(NAME, PATH), IFACE)
                self.finished = []
                self.conn.add_signal_receiver(lambda *a: self.finished.append([str(x) for x in a]),
                                              'ActivationFinished', IFACE, NAME, PATH)

        def failure(self, method, *args):
                """(name, message) of the error reply, and the ActivationFinished
                signal lfad sent before it."""
                n = len(self.finished)
                with self.assertRaises(dbus.exceptions.DBusException) as cm:
                        getattr(self.mgr, method)(*args, timeout=60)
                # The signal comes before the reply: it is queued already.
                self.wait_received(lambda: len(self.finished) > n, 10, 'ActivationFinished')
                return (cm.exception.get_dbus_name(), cm.exception.get_dbus_message()), self.finished[n:]

        def assertSignalSays(self, signals, uuid, name, message):
                self.assertEqual(len(signals), 1, signals)
                uuid_, _, _, _, result, error, text = signals[0][:7]
                self.assertEqual((uuid_, result, error, text), (uuid, 'failed', name, message))

        def expected(self, call, code):
                if self.upstream:
                        # -ECANCELED for every failure, BUSY too (the
                        # driver retries ACTIVATE's until its budget ends).
                        return 'org.lfa.Error.FirmwareError', ['does not say why', 'ECANCELED']
                if code == 'NOT_SUPPORTED':
                        return 'org.lfa.Error.NotCapable', [code, 'EOPNOTSUPP', call]
                if code == 'BUSY' and call == 'ACTIVATE':
                        # The driver retries it until activate_budget_ms.
                        return 'org.lfa.Error.Timeout', ['ACTIVATE', 'ETIMEDOUT']
                if code == 'BUSY':
                        return 'org.lfa.Error.Busy', ['firmware', code, 'EBUSY', call]
                errno = dict(LFA_CODES)[code]
                return 'org.lfa.Error.FirmwareError', [code, errno, call]

        def test_every_lfa_code_from_prime_and_activate(self):
                for call in LFA_CALLS:
                        for i, (code, _) in enumerate(LFA_CODES):
                                uuid = code_uuid(call, i)
                                with self.subTest(call=call, code=code):
                                        (name, message), signals = self.failure('Activate', uuid, {})
                                        want, words = self.expected(call, code)
                                        self.assertEqual(name, want, message)
                                        for w in words:
                                                self.assertIn(w, message)
                                        self.assertNotIn('another prime or activation is running',
                                                         message.lower())
                                        self.assertSignalSays(signals, uuid, name, message)

        def test_timeouts_name_the_call(self):
                for uuid, call in ((PRIME_HANG, 'PRIME'), (ACTIVATE_HANG, 'ACTIVATE')):
                        with self.subTest(call=call):
                                (name, message), signals = self.failure('Activate', uuid, {})
                                if self.upstream:
                                        self.assertEqual(name, 'org.lfa.Error.FirmwareError', message)
                                        self.assertIn('does not say why', message)
                                else:
                                        self.assertEqual(name, 'org.lfa.Error.Timeout', message)
                                        self.assertIn(call, message)
                                        self.assertIn('CANCEL', message)
                                self.assertSignalSays(signals, uuid, name, message)

        def test_cancel_keeps_the_name(self):
                # CANCEL of an idle component: the firmware's NO_MEMORY, and
                # TF-A's INVALID_PARAMETERS (nothing in progress).
                for uuid, code, errno in ((CANCEL_NO_MEMORY, 'NO_MEMORY', 'ENOMEM'),
                                          (code_uuid('PRIME', 0), 'INVALID_PARAMETERS', 'EINVAL')):
                        with self.subTest(code=code):
                                with self.assertRaises(dbus.exceptions.DBusException) as cm:
                                        self.mgr.Cancel(uuid)
                                name, message = cm.exception.get_dbus_name(), cm.exception.get_dbus_message()
                                self.assertEqual(name, 'org.lfa.Error.FirmwareError', message)
                                self.assertIn(uuid, message)
                                words = ['does not say why'] if self.upstream else [code, errno]
                                for w in words:
                                        self.assertIn(w, message)

        def test_prime_and_window_keep_the_name(self):
                if not self.upstream:
                        (name, message), signals = self.failure('Prime', code_uuid('PRIME', 3))
                        self.assertEqual(name, 'org.lfa.Error.FirmwareError', message)
                        for w in ('NO_MEMORY', 'ENOMEM', 'PRIME'):
                                self.assertIn(w, message)
                        self.assertSignalSays(signals, code_uuid('PRIME', 3), name, message)
                # The window's one failure: its reply has the failure's name.
                (name, message), signals = self.failure('ActivatePending')
                want, words = self.expected('ACTIVATE', 'NO_MEMORY')
                self.assertEqual(name, want, message)
                for w in words:
                        self.assertIn(w, message)
                self.assertIn(code_uuid('ACTIVATE', 3), message)
                self.assertEqual(signals[0][5], want)


class TestUpstreamDriver(BusTestCase):
        """What only Arm's driver does to a caller."""
        FLAVOURS = ('upstream',)

        def test_failure_seen_by_everyone(self):
                mon = self.monitor()
                r = self.call('Activate', 'sa{sv}', AUTH, 0, check=False)
                self.assertIn('does not say why', r.stderr)
                self.assertEqual(self.wait_result(AUTH)['errno'], 'ECANCELED')
                mon.wait(r"ActivationFinished \('%s', objectpath '%s', 'activate', 'manual', 'failed', "
                         r"'org.lfa.Error.FirmwareError', '[^']*does not say why[^']*'" % (AUTH, component_path(AUTH)))
                self.assertEqual(self.prop('LastResult', component_path(AUTH), CIFACE), 'failed')
                h = self.data(self.call('History', 'u', 1))[0]
                self.assertEqual(h[0][:4], [AUTH, AUTH, 'activate', 'manual'])
                # (result, error): the errno; no LFA code, the driver gives none.
                self.assertEqual(h[0][9], 'failed')
                self.assertIn(h[0][10], ('ECANCELED', 'ECANCELED UNKNOWN'))

        def test_busy_from_an_activation_lfad_did_not_start(self):
                # Someone else activates SLOW; the driver shows no state, so
                # lfad learns of it from the write's -EBUSY.
                self.sim.ctl('set uuid=%s prime_rounds=250' % SLOW)
                other = self.sysfs_write(SLOW, 'activate', '1', wait=False)
                self.addCleanup(other.communicate)
                self.sim.wait_record(lambda r: r['type'] == 'call' and r['call'] == 'PRIME' and r['uuid'] == SLOW)
                r = subprocess.run(['gdbus', 'call', '--address', self.bus.address, '--dest', NAME,
                                    '--object-path', PATH, '--timeout', '60', '--method', IFACE + '.Activate', RMM,
                                    '{}'], capture_output=True, text=True, timeout=scaled(70))
                self.assertError(r, 'GDBus.Error:org.lfa.Error.Busy')
                self.assertIn('kernel', r.stderr.lower())
                self.assertEqual(len(self.sim.writes('activate', RMM)), 1)
                self.assertEqual(self.sim.records('call', uuid=RMM), [])
                out, _ = other.communicate(timeout=scaled(60))
                self.assertEqual(out.strip(), 'ok')
                # lfad's poll sees SLOW's new version; RMM can go now.
                self.wait_for(lambda: self.prop('CurrentVersion', component_path(SLOW), CIFACE) == '6.1', 10,
                         'SLOW at 6.1 on the bus')
                self.assertEqual(self.data(self.call('Activate', 'sa{sv}', RMM, 0)), ['1.3'])


class TestPrimeSignal(BusTestCase):
        """issue 10 item 7: ActivationFinished of a prime says no rendezvous
        (PRIME gathers no CPU), though the policy forces it for the
        activation. Prime is lfa.ko's extension."""
        FLAVOURS = ('extended',)

        def test_a_prime_finishes_without_rendezvous(self):
                mon = self.monitor()
                self.call('Prime', 's', RMM)
                mon.wait(r"ActivationFinished \('%s', objectpath '[^']+', 'prime', 'manual', 'success', '', '[^']*', "
                         r"(true|false), uint64 \d+\)" % RMM)
                self.assertRegex(mon.text(), r"ActivationFinished \('%s', objectpath '[^']+', 'prime', 'manual', "
                                             r"'success', '', '[^']*', false," % RMM)
                self.call('Activate', 'sa{sv}', RMM, 0)
                mon.wait(r"ActivationFinished \('%s', objectpath '[^']+', 'activate', 'manual', 'success', '', "
                         r"'[^']*', true, uint64 \d+\)" % RMM)


class TestVanishedComponent(BusTestCase):
        """issue 10 item 7: a component that leaves the inventory leaves the
        bus with InterfacesRemoved only: never first a PropertiesChanged
        with values it never had (MayResetCpu true, ActivationCapable
        false, Decision refused), whether it vanishes with its activation
        or from the firmware's list."""
        SCENARIO = '''
component uuid=%s current=1.2 pending=1 pending_version=1.3 after_activate=vanish
component uuid=%s rendezvous=optional current=4.1
''' % (RMM, BMC)
        POLICY = {'etc': {'50-test.conf': policy_text(**{RMM: {'AutoActivate': 'never'},
                                                        BMC: {'AutoActivate': 'never'}})}}

        def assertLeftCleanly(self, mon, uuid):
                path = component_path(uuid)
                mon.wait(r"InterfacesRemoved \(objectpath '%s'" % re.escape(path))
                text = mon.text()
                made_up = re.compile(r"'MayResetCpu': <true>|'ActivationCapable': <false>|"
                                     r"'Decision': <'refused'>|'ParseError': <'[^']")
                for line in text.splitlines():
                        if line.startswith(path + ':') and 'PropertiesChanged' in line and made_up.search(line):
                                self.fail('made-up values before it left the bus: %s' % line)

        def test_vanishing_with_its_activation_or_from_the_list(self):
                mon = self.monitor()
                self.assertEqual(self.data(self.call('Activate', 'sa{sv}', RMM, 0)), ['N/A'])
                self.assertLeftCleanly(mon, RMM)
                # Someone else's activation (lfad follows its uevents).
                for i in range(5):
                        u = 'b0b0b0b0-0000-4000-8000-00000000000%d' % i
                        self.sim.ctl('component uuid=%s current=1.0 pending=1 pending_version=1.1 '
                                     'after_activate=vanish' % u, 'notify')
                        mon.wait(r"InterfacesAdded \(objectpath '%s'" % re.escape(component_path(u)))
                        self.assertEqual(self.sysfs_write(u, 'activate', '1'), 'ok')
                        self.assertLeftCleanly(mon, u)
                for i in range(3):
                        self.sim.ctl('remove uuid=%s' % BMC, 'notify')
                        self.assertLeftCleanly(mon, BMC)
                        self.sim.ctl('component uuid=%s current=4.%d' % (BMC, i + 2), 'notify')
                        mon.wait(r"InterfacesAdded \(objectpath '%s'" % re.escape(component_path(BMC)))
                        mon.stop()
                        mon = self.monitor()


class TestWindowAndInhibit(BusTestCase):
        POLICY = {'etc': {'50-test.conf': policy_text(**{
                RMM: {'AutoActivate': 'window'},
                BMC: {'AutoActivate': 'immediate', 'CpuRendezvous': 'skip'},
                BL31: {'AutoActivate': 'window'},
                AUTH: {'AutoActivate': 'never'},
                HANG: {'AutoActivate': 'never'},
                SLOW: {'AutoActivate': 'never'},
        })}}

        def test_activate_pending_takes_exactly_the_window(self):
                self.wait_nothing_due()
                self.assertEqual(self.activate_writes(), [])
                r = self.data(self.call('ActivatePending', timeout=60))[0]
                # BL31 is in the window by policy but may reset a CPU.
                self.assertEqual(r, [[RMM, 'success', '']])
                self.assertEqual([w['uuid'] for w in self.activate_writes()], [RMM])
                self.assertEqual(self.data(self.call('ActivatePending'))[0], [])

        def test_inhibit_holds_off_an_automatic_activation(self):
                conn = dbus.bus.BusConnection(self.bus.address)
                mgr = dbus.Interface(conn.get_object(NAME, PATH), IFACE)
                fd = mgr.Inhibit('backup', 'nightly backup').take()
                try:
                        self.assertEqual(self.prop('Inhibitors'), [['backup', 'nightly backup']])
                        self.sim.ctl('store-update uuid=%s pending_version=4.2' % BMC)
                        self.wait_for(lambda: self.prop('ActivationPending', component_path(BMC), CIFACE), 10,
                                 'BMC pending')
                        # Held by lfad's model, not by time: BMC pending, inhibited.
                        self.assertEqual(self.prop('Inhibitors'), [['backup', 'nightly backup']])
                        self.assertEqual(self.activate_writes(BMC), [])
                finally:
                        os.close(fd)
                        conn.close()
                self.wait_activate_write(BMC)
                self.assertEqual(self.sim.writes('force_cpu_rendezvous', BMC)[-1]['value'], '0')
                self.wait_for(lambda: self.prop('Inhibitors') == [], 10, 'no inhibitors')

        def test_inhibit_holds_off_the_window(self):
                self.wait_nothing_due()
                conn = dbus.bus.BusConnection(self.bus.address)
                mgr = dbus.Interface(conn.get_object(NAME, PATH), IFACE)
                fd = mgr.Inhibit('backup', 'nightly backup').take()
                try:
                        with self.assertRaises(dbus.exceptions.DBusException) as cm:
                                mgr.ActivatePending(timeout=60)
                        self.assertEqual(cm.exception.get_dbus_name(), 'org.lfa.Error.Inhibited')
                        self.assertIn('backup (nightly backup)', cm.exception.get_dbus_message())
                        self.assertEqual(self.activate_writes(), [])
                finally:
                        os.close(fd)
                        conn.close()
                self.wait_for(lambda: self.prop('Inhibitors') == [], 10, 'no inhibitors')
                r = self.data(self.call('ActivatePending', timeout=60))[0]
                self.assertEqual(r, [[RMM, 'success', '']])


class TestPolicyError(BusTestCase):
        """PolicyError: empty with a good policy; a reload that fails keeps the
        last good policy and sets it (PropertiesChanged); the fixed files
        clear it. A policy that does not load at start: lfad serves on the
        built-in safe defaults and says why."""

        def changed(self, value):
                """PolicyError in a PropertiesChanged, starting with value (gdbus
                quotes with " a string that holds a ')."""
                return (r"%s: org.freedesktop.DBus.Properties.PropertiesChanged \('org.lfa.Manager', "
                        r"\{[^}]*'PolicyError': <['\"]%s" % (PATH, re.escape(value)))

        def test_a_failed_reload_keeps_the_last_good_policy_and_sets_it(self):
                self.assertEqual(self.prop('PolicyError'), '')
                bad = self.write_policy('60-bad.conf', '[Defaults]\nAutoActivate=sometimes\n')
                mon = self.monitor()
                self.assertError(self.send('ReloadPolicy'), 'org.lfa.Error.InvalidPolicy', bad + ':2')
                mon.wait(self.changed(bad + ':2: '))
                # Open to all, like every property.
                self.assertTrue(self.prop('PolicyError', user='nobody').startswith(bad + ':2: '))
                self.assertEqual(self.prop('Decision', component_path(RMM), CIFACE), 'window')
                # SIGHUP the same.
                self.write_policy('60-bad.conf', '[Defaults]\nPrimeAhead=perhaps\n')
                self.lfad.send_signal(signal.SIGHUP)
                mon.wait(self.changed(bad + ':2: invalid PrimeAhead='))
                os.remove(bad)
                self.call('ReloadPolicy')
                mon.wait(self.changed('') + "'>")
                self.assertEqual(self.prop('PolicyError'), '')

        def test_broken_at_start_serves_on_safe_defaults(self):
                self.assertEqual(self.stop_lfad(), 0)
                bad = self.write_policy('60-bad.conf', '[Component %s]\nBogus=1\n' % RMM)
                self.start_lfad()
                self.wait_for(lambda: self.name_has_owner(NAME), 10, 'org.lfa.Manager on the bus')
                self.assertTrue(self.prop('PolicyError').startswith(bad + ':2: '), self.prop('PolicyError'))
                self.assertEqual(self.prop('PolicyFiles'), [])
                self.assertEqual(self.prop('Decision', component_path(RMM), CIFACE), 'never')
                self.assertIn('PolicyError', self.prop('DecisionReason', component_path(RMM), CIFACE))
                self.assertEqual(len(self.data(self.call('ListComponents'))[0]), 7)
                self.write_policy('60-bad.conf', '')
                mon = self.monitor()
                self.call('ReloadPolicy')
                mon.wait(self.changed('') + "'>")
                self.assertEqual(self.prop('Decision', component_path(RMM), CIFACE), 'window')


class TestAuthorization(BusTestCase):
        CHANGES = [
                ('Activate', 'sa{sv}', RMM, 0),
                ('ActivatePending', ''),
                ('Cancel', 's', RMM),
                ('Prime', 's', RMM),
                ('ReloadPolicy', ''),
                ('Inhibit', 'ss', 'nobody', 'test'),
        ]

        def test_nobody_reads_everything_and_changes_nothing(self):
                self.assertEqual(self.prop('State', user='nobody'), 'idle')
                self.assertEqual(self.prop('DriverAbi', user='nobody'), self.flavour)
                self.assertEqual(self.prop('CurrentVersion', component_path(RMM), CIFACE, user='nobody'), '1.2')
                for m, sig, *args in (('ListComponents', ''), ('GetComponent', 's', RMM), ('Plan', ''),
                                      ('History', 'u', 5), ('Refresh', '')):
                        self.call(m, sig, *args, user='nobody')
                for m, sig, *args in self.CHANGES:
                        with self.subTest(method=m):
                                r = self.call(m, sig, *args, user='nobody', check=False)
                                self.assertNotEqual(r.returncode, 0)
                                self.assertIn('denied', r.stderr.lower())
                self.assertError(self.send('Cancel', 'string:' + RMM, user='nobody'), 'org.lfa.Error.AccessDenied')
                self.assertError(self.send('ReloadPolicy', user='nobody'), 'org.lfa.Error.AccessDenied')
                self.assertEqual(self.activate_writes(), [])
                self.assertEqual(self.sim.writes('cancel'), [])
                self.assertEqual(self.sim.writes('prime'), [])
                # lfad asked polkit about the caller's bus name, for each action.
                calls = self.polkit_calls()
                self.assertTrue(any("'system-bus-name'" in c and 'org.lfa.activate' in c for c in calls), calls)
                self.assertTrue(any('org.lfa.inhibit' in c for c in calls))
                self.assertTrue(any('org.lfa.manage-policy' in c for c in calls))

        def test_polkit_decides_per_action(self):
                self.set_polkit('org.lfa.activate')
                r = self.call('Activate', 'sa{sv}', RMM, 0, user='nobody')
                self.assertEqual(self.data(r), ['1.3'])
                self.assertEqual(len(self.activate_writes(RMM)), 1)
                self.assertIn('denied', self.call('Inhibit', 'ss', 'x', 'y', user='nobody', check=False).stderr.lower())
                self.assertIn('denied', self.call('ReloadPolicy', user='nobody', check=False).stderr.lower())
                self.set_polkit('org.lfa.activate', 'org.lfa.inhibit', 'org.lfa.manage-policy')
                self.call('ReloadPolicy', user='nobody')
                self.call('Inhibit', 'ss', 'x', 'y', user='nobody')

        def test_interactive_flag_is_passed_on(self):
                self.call('Cancel', 's', RMM, user='nobody', check=False, interactive=True)
                self.call('Cancel', 's', RMM, user='nobody', check=False, interactive=False)
                calls = self.polkit_calls()
                self.assertEqual(len(calls), 2, calls)
                # CheckAuthorization(subject, action, details, flags, cancellation_id)
                subject = r"'system-bus-name'.*'name'\): dbus.String\(':1\.\d+'"
                self.assertRegex(calls[0], subject + r'.*"org.lfa.activate" \{\} 1 ""')
                self.assertRegex(calls[1], subject + r'.*"org.lfa.activate" \{\} 0 ""')

        def test_root_needs_no_polkit(self):
                self.call('Inhibit', 'ss', 'root', 'test')
                self.call('ReloadPolicy')
                self.assertEqual(self.polkit_calls(), [])


# Pipelined calls of one method on several connections at once (the system
# bus answers a connection's 129th outstanding call with LimitsExceeded):
# prints {"ok": N, "errors": [names], "seconds": wall time} as JSON.
BURST = '''
import json, sys, time
import dbus
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

DBusGMainLoop(set_as_default=True)
address, method, conns, per = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
loop = GLib.MainLoop()
state = {'left': conns * per, 'ok': 0, 'errors': []}

def one_done():
        state['left'] -= 1
        if not state['left']:
                loop.quit()

def ok(*args):
        state['ok'] += 1
        one_done()

def failed(e):
        state['errors'].append(e.get_dbus_name())
        one_done()

buses = [dbus.bus.BusConnection(address) for _ in range(conns)]
start = time.monotonic()
for b in buses:
        m = b.get_object('org.lfa.Manager', '/org/lfa/Manager').get_dbus_method(method, 'org.lfa.Manager')
        for _ in range(per):
                m(reply_handler=ok, error_handler=failed, timeout=120)
loop.run()
print(json.dumps({'ok': state['ok'], 'errors': state['errors'], 'seconds': time.monotonic() - start}))
'''


class TestRefreshLimits(BusTestCase):
        """Refresh is open to everyone, and each one re-reads the driver
        (extended: a write of the driver's refresh, on real hardware GET_INFO
        plus a GET_INVENTORY per component; upstream: reads that each ask the
        firmware). Calls waiting together share one re-read, and callers that
        are not root get at most one re-read per second between them."""

        def burst(self, method, conns, per, user=None):
                argv = [lfatest.PYTHON, '-c', BURST, self.bus.address, method, str(conns), str(per)]
                if user:
                        argv = ['setpriv', '--reuid=' + user, '--regid=nogroup', '--clear-groups'] + argv
                r = subprocess.run(argv, capture_output=True, text=True, timeout=scaled(180))
                self.assertEqual(r.returncode, 0, r.stderr)
                return json.loads(r.stdout)

        def rereads(self):
                return self.lfad_output().count('Refresh: re-read the inventory')

        def test_a_burst_from_nobody_is_coalesced_and_rate_limited(self):
                out = self.burst('Refresh', 4, 50, user='nobody')
                self.assertEqual(out['errors'], [])
                self.assertEqual(out['ok'], 200)
                # One re-read at once, then one per second of the burst at most.
                bound = 2 + int(out['seconds'])
                self.assertLessEqual(self.rereads(), bound, out)
                if not self.upstream:
                        self.assertGreaterEqual(len(self.sim.writes('refresh')), 1)
                        self.assertLessEqual(len(self.sim.writes('refresh')), bound, out)

        def test_nobody_still_gets_a_fresh_read(self):
                # The second call comes within the second: it waits for the
                # next re-read, which sees the store update made in between.
                self.call('Refresh', user='nobody')
                self.sim.ctl('store-update uuid=%s pending_version=4.2' % BMC)
                self.call('Refresh', user='nobody')
                self.assertEqual(self.prop('PendingVersion', component_path(BMC), CIFACE, user='nobody'), '4.2')
                self.assertEqual(self.rereads(), 2)
                if not self.upstream:
                        self.assertEqual(len(self.sim.writes('refresh')), 2)

        def test_root_is_not_rate_limited(self):
                for _ in range(3):
                        self.call('Refresh')
                self.assertEqual(self.rereads(), 3)
                out = self.burst('Refresh', 4, 50)
                self.assertEqual((out['ok'], out['errors']), (200, []))
                # Coalesced: calls that queued together shared a re-read.
                self.assertLessEqual(self.rereads(), 3 + 200)

        def waiting_refresh(self, then):
                """As nobody: Refresh without waiting for it, then a Get on
                the same connection (lfad has the Refresh once the Get is
                answered), "queued" on stdout, then (then="wait") the
                Refresh's answer or (then="leave") an exit at once."""
                code = ('''
import sys, dbus
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib
DBusGMainLoop(set_as_default=True)
bus = dbus.bus.BusConnection(sys.argv[1])
mgr = bus.get_object('org.lfa.Manager', '/org/lfa/Manager')
loop = GLib.MainLoop()
def done(*a):
        print('answer success', flush=True); loop.quit()
def failed(e):
        print('answer', e.get_dbus_name(), e.get_dbus_message(), flush=True); loop.quit()
mgr.Refresh(dbus_interface='org.lfa.Manager', reply_handler=done, error_handler=failed, timeout=60)
mgr.Get('org.lfa.Manager', 'State', dbus_interface='org.freedesktop.DBus.Properties')
print('queued', flush=True)
if sys.argv[2] == 'wait':
        loop.run()
''')
                p = subprocess.Popen(['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups',
                                      lfatest.PYTHON, '-c', code, self.bus.address, then],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                self.addCleanup(reap, p)
                self.assertEqual(p.stdout.readline().strip(), 'queued')
                return p

        def test_waiting_callers_that_leave_or_a_stop(self):
                # A caller that leaves while its Refresh waits for the
                # interval leaves nothing behind; one still waiting when
                # lfad stops is told so (and lfad exits 0, leak-checked).
                self.call('Refresh', user='nobody')
                gone = self.waiting_refresh('leave')
                self.assertEqual(gone.wait(scaled(30)), 0)
                # The next call shares the re-read the one that left waited for.
                self.call('Refresh', user='nobody')
                self.assertEqual(self.rereads(), 2)
                p = self.waiting_refresh('wait')
                self.assertEqual(self.stop_lfad(), 0)
                out, err = p.communicate(timeout=scaled(30))
                self.assertEqual(out.strip(), 'answer org.lfa.Error.Cancelled lfad is shutting down.', err)

        def test_busy_while_an_activation_runs(self):
                # SLOW primes for ~1 s. Busy reads nothing and does not
                # start the interval.
                self.sim.ctl('set uuid=%s prime_rounds=250' % SLOW)
                p = subprocess.Popen(['busctl', '--address=' + self.bus.address, '--timeout=60', 'call', NAME, PATH,
                                      IFACE, 'Activate', 'sa{sv}', SLOW, '0'], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
                self.addCleanup(p.wait)
                self.wait_for(lambda: self.activate_writes(SLOW), 10, 'the activate write')
                # Busy names the component in the way, as Activate's does.
                self.assertError(self.send('Refresh'), 'org.lfa.Error.Busy', SLOW)
                self.assertError(self.send('Refresh', user='nobody'), 'org.lfa.Error.Busy', SLOW)
                self.assertEqual((self.rereads(), self.sim.writes('refresh')), (0, []))
                out, err = p.communicate(timeout=scaled(60))
                self.assertEqual(p.returncode, 0, err)
                self.call('Refresh', user='nobody')
                self.assertEqual(self.rereads(), 1)
                if not self.upstream:
                        self.assertEqual(len(self.sim.writes('refresh')), 1)


# Sends each call of a JSON list [[path, interface, method, signature, args],
# ...] and prints [error name or "success", ...] as JSON. In args,
# {"big": N} is a string of N bytes, {"list": [N, v]} N times v and
# {"dict": N} N distinct keys to the string "x".
ABUSE = '''
import json, sys
import dbus

def value(a):
        if isinstance(a, dict) and 'big' in a:
                return 'a' * a['big']
        if isinstance(a, dict) and 'list' in a:
                return [a['list'][1]] * a['list'][0]
        if isinstance(a, dict) and 'dict' in a:
                return {'k%d' % i: 'x' for i in range(a['dict'])}
        return a

bus = dbus.bus.BusConnection(sys.argv[1])
out = []
for path, iface, method, sig, args in json.loads(sys.stdin.read()):
        try:
                bus.call_blocking('org.lfa.Manager', path, iface, method, sig, [value(a) for a in args],
                                  timeout=60)
                out.append('success')
        except dbus.exceptions.DBusException as e:
                out.append(e.get_dbus_name())
print(json.dumps(out))
'''

INVALID_ARGS = 'org.freedesktop.DBus.Error.InvalidArgs'
UNKNOWN_OBJECT = 'org.freedesktop.DBus.Error.UnknownObject'
PROPS = 'org.freedesktop.DBus.Properties'
MIB = 1 << 20


class TestStalledAfterReady(BusTestCase):
        """lfad stalled right after READY=1 for longer than sd-bus's method
        call timeout (a SIGSTOP, a loaded host) keeps its name and serves
        when it runs again: no reply it already got may time out."""
        # sd-bus's method call timeout for lfad ($SYSTEMD_BUS_TIMEOUT,
        # 25 s by default), in whole seconds: short, but stretched with
        # every other wait under a slow lfad (LFA_TIME_SCALE).
        BUS_TIMEOUT = max(2, round(scaled(2)))
        notify_path = None

        def lfad_env(self):
                env = super().lfad_env()
                env['SYSTEMD_BUS_TIMEOUT'] = str(self.BUS_TIMEOUT)
                if self.notify_path:
                        env['NOTIFY_SOCKET'] = self.notify_path
                return env

        def test_serves_after_a_stall_past_the_bus_timeout(self):
                # The stall is lfad's sd_notify("READY=1") blocking on a
                # NOTIFY_SOCKET whose queue is full, as deterministic as a
                # SIGSTOP at that instruction: the datagrams lfad sends
                # before READY=1 (setUp's run) fit, READY=1 does not.
                sent = next(i for i, m in enumerate(self.notify.messages) if 'READY=1' in m.split('\n'))
                self.assertEqual(self.stop_lfad(), 0)
                with open('/proc/sys/net/unix/max_dgram_qlen', encoding='ascii') as f:
                        room = int(f.read()) + 1
                self.notify_path = os.path.join(self.tmp, 'notify-full')
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                self.addCleanup(sock.close)
                sock.bind(self.notify_path)
                for _ in range(room - sent):
                        sock.sendto(b'X-FILLER=1', socket.MSG_DONTWAIT, self.notify_path)
                self.start_lfad(wait_ready=False)
                self.wait_for(lambda: self.name_has_owner(NAME), 10, 'org.lfa.Manager on the bus')
                # The stall itself, the behaviour under test: lfad sent
                # RequestName before its name was owned, and stays blocked
                # in READY=1 until this test reads. A wait for time itself
                # (the bus timeout to pass), not for an event.
                time.sleep(self.BUS_TIMEOUT + 1)
                sock.settimeout(scaled(10))
                while b'READY=1' not in sock.recv(4096).split(b'\n'):
                        pass
                sock.close()
                self.assertTrue(self.data(self.call('ListComponents'))[0])
                self.assertIsNone(self.lfad.poll(), 'lfad exited')
                self.assertTrue(self.name_has_owner(NAME))


class TestMalformedCalls(BusTestCase):
        """Wrong signatures, oversize arguments, invalid UUIDs and objects
        that do not exist, from nobody and from root: each call gets an
        error at once, nothing changes, and lfad goes on answering."""

        BAD = [
                # Wrong signatures (sd-bus checks them against the vtable).
                (PATH, IFACE, 'GetComponent', 'u', [5], INVALID_ARGS),
                (PATH, IFACE, 'GetComponent', '', [], INVALID_ARGS),
                (PATH, IFACE, 'GetComponent', 'ss', [RMM, RMM], INVALID_ARGS),
                (PATH, IFACE, 'Activate', 's', [RMM], INVALID_ARGS),
                (PATH, IFACE, 'Activate', 'sa{ss}', [RMM, {'rendezvous': 'skip'}], INVALID_ARGS),
                (PATH, IFACE, 'Activate', 'sa{sv}', [RMM, {'rendezvous': 1}], INVALID_ARGS),
                (PATH, IFACE, 'ActivatePending', 'b', [True], INVALID_ARGS),
                (PATH, IFACE, 'Cancel', 'i', [1], INVALID_ARGS),
                (PATH, IFACE, 'Prime', 'as', [[RMM]], INVALID_ARGS),
                (PATH, IFACE, 'Refresh', 's', [RMM], INVALID_ARGS),
                (PATH, IFACE, 'ReloadPolicy', 'u', [1], INVALID_ARGS),
                (PATH, IFACE, 'Plan', 'ay', [[1, 2]], INVALID_ARGS),
                (PATH, IFACE, 'Inhibit', 's', ['who'], INVALID_ARGS),
                (PATH, IFACE, 'History', 's', ['10'], INVALID_ARGS),
                (PATH, IFACE, 'ListComponents', 'v', [1], INVALID_ARGS),
                (PATH, PROPS, 'Get', 'u', [1], INVALID_ARGS),
                # Oversize arguments.
                (PATH, IFACE, 'GetComponent', 's', [{'big': MIB}], INVALID_ARGS),
                (PATH, IFACE, 'Cancel', 's', [{'big': MIB}], INVALID_ARGS),
                (PATH, IFACE, 'Inhibit', 'ss', [{'big': MIB}, 'why'], INVALID_ARGS),
                (PATH, IFACE, 'Inhibit', 'ss', ['who', {'big': MIB}], INVALID_ARGS),
                (PATH, IFACE, 'Activate', 'sa{sv}', [RMM, {'dict': 10000}], INVALID_ARGS),
                (PATH, IFACE, 'Activate', 'sa{sv}', [{'big': MIB}, {'dict': 10000}], INVALID_ARGS),
                (PATH, IFACE, 'Prime', 'as', [{'list': [10000, RMM]}], INVALID_ARGS),
                (PATH, IFACE, 'History', 'au', [{'list': [10000, 1]}], INVALID_ARGS),
                (PATH, PROPS, 'Get', 'ss', [IFACE, {'big': MIB}], 'org.freedesktop.DBus.Error.UnknownProperty'),
                (PATH, PROPS, 'GetAll', 's', [{'big': MIB}], 'org.freedesktop.DBus.Error.UnknownInterface'),
                # Invalid UUIDs.
                (PATH, IFACE, 'GetComponent', 's', ['not-a-uuid'], INVALID_ARGS),
                (PATH, IFACE, 'GetComponent', 's', [''], INVALID_ARGS),
                (PATH, IFACE, 'GetComponent', 's', [RMM + '0'], INVALID_ARGS),
                (PATH, IFACE, 'GetComponent', 's', [RMM.replace('6', 'g')], INVALID_ARGS),
                (PATH, IFACE, 'Activate', 'sa{sv}', [RMM[:-1], {}], INVALID_ARGS),
                (PATH, IFACE, 'Prime', 's', ['../' + RMM], INVALID_ARGS),
                (PATH, IFACE, 'Cancel', 's', [RMM.replace('-', '')], INVALID_ARGS),
                (PATH, IFACE, 'GetComponent', 's', [NONE], 'org.lfa.Error.NotFound'),
                # Objects that do not exist.
                (component_path(NONE), PROPS, 'GetAll', 's', [CIFACE], UNKNOWN_OBJECT),
                (component_path(NONE), PROPS, 'Get', 'ss', [CIFACE, 'State'], UNKNOWN_OBJECT),
                (PATH + '/component/x', PROPS, 'Get', 'ss', [CIFACE, 'Uuid'], UNKNOWN_OBJECT),
                (PATH + '/nope', IFACE, 'ListComponents', '', [], UNKNOWN_OBJECT),
                ('/', IFACE, 'Refresh', '', [], UNKNOWN_OBJECT),
                (component_path(RMM), IFACE, 'Refresh', '', [], 'org.freedesktop.DBus.Error.UnknownMethod'),
                (component_path(RMM), CIFACE, 'Nope', '', [], 'org.freedesktop.DBus.Error.UnknownMethod'),
        ]

        def send_all(self, calls, user=None):
                argv = [lfatest.PYTHON, '-c', ABUSE, self.bus.address]
                if user:
                        argv = ['setpriv', '--reuid=' + user, '--regid=nogroup', '--clear-groups'] + argv
                r = subprocess.run(argv, input=json.dumps(calls), capture_output=True, text=True,
                                   timeout=scaled(300))
                self.assertEqual(r.returncode, 0, r.stderr)
                return json.loads(r.stdout)

        def check(self, user):
                before = {k: self.prop(k) for k in ('State', 'PendingCount', 'Inhibitors', 'PolicyLoadedUSec')}
                got = self.send_all([list(c[:5]) for c in self.BAD], user)
                for c, name in zip(self.BAD, got):
                        with self.subTest(user=user, call=c[:4], args=str(c[4])[:80]):
                                # An error, never a success or a timeout.
                                self.assertNotIn(name, ('success', 'org.freedesktop.DBus.Error.NoReply',
                                                        'org.freedesktop.DBus.Error.Timeout'))
                                self.assertEqual(name, c[5])
                self.assertIsNone(self.lfad.poll(), 'lfad exited')
                # Nothing changed, and lfad still answers.
                self.assertEqual({k: self.prop(k) for k in before}, before)
                self.assertEqual(self.data(self.call('History', 'u', 0))[0], [])
                self.assertEqual(len(self.data(self.call('ListComponents'))[0]), 7)
                for f in ('activate', 'prime', 'cancel', 'refresh'):
                        self.assertEqual(self.sim.writes(f), [], f)

        def test_nobody(self):
                self.check('nobody')

        def test_root(self):
                self.check(None)


def xml_authorization():
        """{(interface, method): polkit action or "open"} from each method's
        org.lfa.Authorization annotation in org.lfa.Manager.xml."""
        out = {}
        for iface in ET.parse(XML).getroot().iter('interface'):
                for m in iface.iter('method'):
                        for a in m.iter('annotation'):
                                if a.get('name') == 'org.lfa.Authorization':
                                        out[(iface.get('name'), m.get('name'))] = a.get('value')
        return out


class TestAuthorizationTable(BusTestCase):
        """Each method's authorization, as nobody, is what the table says
        (daemon/bus.c's, documented per method in org.lfa.Manager.xml and in
        lfad(8)): a method that needs a polkit action is refused without
        polkit's consent to that very action, an open one is answered."""

        # Valid arguments of each method; a new method needs a line here.
        # Inhibit last: its fd lives as long as the calling process.
        ARGS = {
                'ListComponents': ('', []),
                'GetComponent': ('s', [RMM]),
                'Plan': ('', []),
                'History': ('u', [5]),
                'Refresh': ('', []),
                'ReloadPolicy': ('', []),
                'Cancel': ('s', [RMM]),
                'Prime': ('s', [RMM]),
                'Activate': ('sa{sv}', [RMM, {}]),
                'ActivatePending': ('', []),
                'Inhibit': ('ss', ['nobody', 'test']),
        }
        DENIED = ('org.lfa.Error.AccessDenied', 'org.freedesktop.DBus.Error.AccessDenied')

        send_all = TestMalformedCalls.send_all

        def table(self):
                table = xml_authorization()
                self.assertTrue(table, 'no org.lfa.Authorization annotation in ' + XML)
                return table

        def calls(self, methods):
                return [[PATH, IFACE, m] + list(self.ARGS[m]) for m in methods]

        def asked(self):
                """The actions lfad asked polkit about, in order."""
                return [re.search(r'"(org\.lfa\.[a-z-]+)"', c).group(1) for c in self.polkit_calls()]

        def test_every_method_has_an_entry(self):
                live = set()
                for path in (PATH, component_path(RMM)):
                        r = self.call('Introspect', iface='org.freedesktop.DBus.Introspectable', path=path)
                        root = ET.fromstring(self.data(r)[0])
                        live |= {(i.get('name'), m.get('name')) for i in root.iter('interface')
                                 if i.get('name').startswith('org.lfa.') for m in i.iter('method')}
                table = self.table()
                self.assertEqual(set(table), live)
                self.assertEqual({m for _, m in table}, set(self.ARGS))
                with open(os.path.join(ROOT, 'policy', 'org.lfa.policy'), encoding='utf-8') as f:
                        declared = set(re.findall(r'<action id="([^"]+)"', f.read()))
                self.assertEqual(declared, set(ACTIONS))
                for key, value in table.items():
                        self.assertIn(value, ACTIONS + ('open',), key)

        def test_nobody_without_consent(self):
                table = self.table()
                methods = [m for m in self.ARGS if (IFACE, m) in table]
                got = self.send_all(self.calls(methods), 'nobody')
                for m, name in zip(methods, got):
                        with self.subTest(method=m, authorization=table[(IFACE, m)]):
                                if table[(IFACE, m)] == 'open':
                                        self.assertNotIn(name, self.DENIED)
                                else:
                                        self.assertEqual(name, 'org.lfa.Error.AccessDenied')
                # polkit was asked once per privileged call, for its action.
                self.assertEqual(self.asked(), [table[(IFACE, m)] for m in methods
                                                if table[(IFACE, m)] != 'open'])
                self.assertEqual(self.activate_writes(), [])
                for f in ('prime', 'cancel'):
                        self.assertEqual(self.sim.writes(f), [], f)

        def test_consent_is_per_action(self):
                table = self.table()
                for m in self.ARGS:
                        action = table.get((IFACE, m), 'open')
                        if action == 'open':
                                continue
                        with self.subTest(method=m, action=action):
                                self.set_polkit(*[a for a in ACTIONS if a != action])
                                self.assertEqual(self.send_all(self.calls([m]), 'nobody'),
                                                 ['org.lfa.Error.AccessDenied'])
                                self.set_polkit(action)
                                self.assertNotIn(self.send_all(self.calls([m]), 'nobody')[0], self.DENIED)


class TestWithoutPolkit(BusTestCase):
        POLKIT = False

        def test_missing_polkit_means_deny(self):
                r = self.call('Activate', 'sa{sv}', RMM, 0, user='nobody', check=False)
                self.assertIn('denied', r.stderr.lower())
                self.assertEqual(self.activate_writes(), [])
                self.assertEqual(self.data(self.call('Activate', 'sa{sv}', RMM, 0)), ['1.3'])

        def test_only_root_owns_the_name(self):
                r = subprocess.run(['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups',
                                    'gdbus', 'call', '--address', self.bus.address, '--dest', 'org.freedesktop.DBus',
                                    '--object-path', '/org/freedesktop/DBus', '--method',
                                    'org.freedesktop.DBus.RequestName', NAME, '0'],
                                   capture_output=True, text=True)
                self.assertNotEqual(r.returncode, 0)
                self.assertIn('AccessDenied', r.stderr)


if __name__ == '__main__':
        # One TAP line per case (tests/integration/lfatap.py).
        lfatap.main()
