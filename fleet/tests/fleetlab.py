# SPDX-License-Identifier: GPL-2.0-or-later
"""A fleet of simulated LFA hosts on one machine, for the real engines.

Each Host is what a server of the fleet has: its own simulated LFA platform
(tests/sim/lfa-sim on umockdev), its own system bus (a private dbus-daemon)
and its own lfad with its policy and state directory. Ansible reaches a host
with `ansible_connection: local` and the host variable `lfa_bus_address`
(lfactl's DBUS_SYSTEM_BUS_ADDRESS), so every module runs the real lfactl
against that host's lfad. What lfad really did is read from the simulator's
record (every write to `activate`), not from what Ansible printed.

Environment: LFA_BUILD (meson build dir: daemon/lfad, lfactl/lfactl).
"""

import json
import os
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'sim'))

from lfasim.busmonitor import BusSignals  # noqa: E402
from lfasim.harness import Sim  # noqa: E402
from lfasim.inotify import IN_CREATE, IN_MODIFY, IN_MOVED_TO, Inotify  # noqa: E402

BUILD = os.environ.get('LFA_BUILD', os.path.join(ROOT, 'build'))
LFAD = os.path.join(BUILD, 'daemon', 'lfad')
LFACTL = os.path.join(BUILD, 'lfactl', 'lfactl')

RMM = '6c0762a6-12f2-4b56-92cb-ba8f633606d9'
BL31 = '47d4086d-4cfe-9846-9b95-2950cbbd5a00'

BUS_CONF = '''<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
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

# The site policy every host of the lab runs: TF-RMM in the maintenance
# window (so the rollout, not lfad on its own, activates it), BL31 never.
SITE_POLICY = '''[Component %s]
AutoActivate=window
CpuRendezvous=force
''' % RMM


def scenario(rmm):
        """A host's platform: BL31 (may reset a CPU: lfad refuses it, and it
        stays pending everywhere) and TF-RMM as given."""
        return ('agent version=1.0\n'
                'component uuid=%s may_reset_cpu=1 resets_record=0 current=2.10 pending=1 pending_version=2.11\n'
                'component uuid=%s %s\n' % (BL31, RMM, rmm))


# Kinds of host: the RMM line of its platform.
KINDS = {
        'healthy': 'current=1.2 pending=1 pending_version=1.3 prime_rounds=1',
        'current': 'current=1.3',                                   # nothing pending
        'failing': 'current=1.2 pending=1 pending_version=1.3 activate_error=AUTH_ERROR',
        'inhibited': 'current=1.2 pending=1 pending_version=1.3',
        'slow': 'current=1.2 pending=1 pending_version=1.3 call_delay_ms=1200',
        'other': 'current=1.2 pending=1 pending_version=1.4',       # another image staged
}
KINDS['healthy-upstream'] = KINDS['healthy']
# Kinds of host on Arm's upstream driver ABI (lfa_fw): no prime, state,
# uevents; lfad polls activation_pending.
UPSTREAM = {'healthy-upstream'}


class Host:
        def __init__(self, name, kind, tmp, start_lfad=True):
                self.name = name
                self.kind = kind
                self.dir = os.path.join(tmp, name)
                os.makedirs(self.dir)
                self.sim = Sim(scenario(KINDS[kind]), prime_budget_ms=5000, activate_budget_ms=5000,
                               flavour='upstream' if kind in UPSTREAM else 'extended').start()
                self.bus_path = os.path.join(self.dir, 'bus')
                conf = os.path.join(self.dir, 'bus.conf')
                with open(conf, 'w', encoding='utf-8') as f:
                        f.write(BUS_CONF % self.bus_path)
                with open(os.path.join(self.dir, 'dbus-daemon.log'), 'w', encoding='utf-8') as log:
                        self.bus = subprocess.Popen(['dbus-daemon', '--nofork', '--config-file=' + conf,
                                                     '--print-address=1'],
                                                    stdout=subprocess.PIPE, stderr=log, text=True)
                self.address = self.bus.stdout.readline().strip()
                if not self.address:
                        raise AssertionError('%s: dbus-daemon did not start' % name)
                # What wakes this host's waits (wait_for()), never a timer:
                # lfa-sim's records (the Sim's own waker), lfad's signals and
                # bus name, and the files watched through watch_files().
                self.waker = self.sim.waker
                self.bus_signals = BusSignals(self.address, self.waker, 10)
                self.files = None
                self.etc = os.path.join(self.dir, 'etc-lfa.d')
                self.usr = os.path.join(self.dir, 'usr-lfa.d')
                self.state = os.path.join(self.dir, 'state')
                for d in (self.etc, self.usr, self.state):
                        os.makedirs(d)
                with open(os.path.join(self.etc, '50-site.conf'), 'w', encoding='utf-8') as f:
                        f.write(SITE_POLICY)
                with open(os.path.join(ROOT, 'policy', '00-defaults.conf'), encoding='utf-8') as src, \
                     open(os.path.join(self.usr, '00-defaults.conf'), 'w', encoding='utf-8') as dst:
                        dst.write(src.read())
                self.lfad = None
                self.inhibitor = None
                self.runs = 0
                if start_lfad:
                        self.start_lfad()
                if kind == 'inhibited':
                        self.inhibit('backup-job', 'nightly backup must not see a rendezvous')

        def env(self):
                return dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.address, LFACTL_LFAD=LFAD)

        def wait_for(self, pred, timeout, what):
                """pred()'s first true value within timeout seconds, checked
                at once and after each event of this host (lfasim.waker)."""
                return self.waker.until(pred, timeout, '%s: %s' % (self.name, what))

        def watch_files(self, d):
                """Changes in directory d wake this host's waits too."""
                mask = IN_MODIFY | IN_CREATE | IN_MOVED_TO
                if self.files is None:
                        self.files = Inotify(d, mask)
                        self.waker.add(self.files.fd, self.files.drain)
                else:
                        self.files.add(d, mask)

        def start_lfad(self):
                self.runs += 1
                env = self.sim.child_env()
                env.update(DBUS_SYSTEM_BUS_ADDRESS=self.address, STATE_DIRECTORY=self.state,
                           RUNTIME_DIRECTORY=self.dir)
                env.pop('NOTIFY_SOCKET', None)
                self.lfad_log = os.path.join(self.dir, 'lfad-%d.log' % self.runs)
                with open(self.lfad_log, 'w', encoding='utf-8') as log:
                        self.lfad = subprocess.Popen([LFAD, '--policy-dir=' + self.etc, '--policy-dir=' + self.usr],
                                                     env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
                # Its bus name's owner change wakes the wait.
                self.wait_for(lambda: self.lfactl('status', check=False).returncode == 0, 20, 'lfad on its bus')

        def stop_lfad(self):
                if self.lfad is None:
                        return 0
                p, self.lfad = self.lfad, None
                p.send_signal(signal.SIGTERM)
                try:
                        return p.wait(20)
                except subprocess.TimeoutExpired:
                        p.kill()
                        p.wait()
                        return -9

        def lfactl(self, *args, check=True):
                r = subprocess.run([LFACTL] + list(args), env=self.env(), capture_output=True, text=True,
                                   timeout=60, stdin=subprocess.DEVNULL)
                if check and r.returncode != 0:
                        raise AssertionError('%s: lfactl %s exited %d: %s %s'
                                             % (self.name, ' '.join(args), r.returncode, r.stdout, r.stderr))
                return r

        def json(self, *args):
                return json.loads(self.lfactl('--json', *args).stdout)

        def inhibit(self, who, why):
                """Hold an Inhibit() fd of this host's lfad, as a job would."""
                import dbus
                conn = dbus.bus.BusConnection(self.address)
                mgr = conn.get_object('org.lfa.Manager', '/org/lfa/Manager')
                fd = mgr.Inhibit(who, why, dbus_interface='org.lfa.Manager')
                self.inhibitor = fd.take()
                conn.close()

        def activate_writes(self):
                """Every write to an `activate` file the platform saw."""
                return self.sim.writes('activate')

        def component(self, uuid=RMM):
                return self.json('show', uuid)

        def stop(self):
                rc = self.stop_lfad()
                if self.inhibitor is not None:
                        os.close(self.inhibitor)
                        self.inhibitor = None
                self.bus_signals.stop()
                if self.files is not None:
                        self.waker.remove(self.files.fd)
                        self.files.close()
                self.bus.terminate()
                self.bus.wait(10)
                self.bus.stdout.close()
                self.sim.cleanup()
                return rc

        def logs(self):
                out = []
                for i in range(1, self.runs + 1):
                        with open(os.path.join(self.dir, 'lfad-%d.log' % i), encoding='utf-8', errors='replace') as f:
                                out.append(f.read())
                return '\n'.join(out)


class Lab:
        """Hosts by name, an inventory for them, and the built collection."""

        def __init__(self, hosts, groups):
                """hosts: [(name, kind)], groups: {group: [names]} in order."""
                self.tmpobj = tempfile.TemporaryDirectory(prefix='lfa-fleet-')
                self.tmp = self.tmpobj.name
                self.hosts = {}
                self.groups = groups
                try:
                        for name, kind in hosts:
                                self.hosts[name] = Host(name, kind, self.tmp)
                except BaseException:
                        self.stop()
                        raise
                self.inventory = os.path.join(self.tmp, 'inventory.yml')
                self.write_inventory()

        def write_inventory(self, extra_hosts=None):
                """YAML written as JSON (a subset of YAML): every host local,
                lfactl pointed at its own bus."""
                groups = {}
                for group, names in self.groups.items():
                        groups[group] = {'hosts': {}}
                        for n in names:
                                addr = self.hosts[n].address if n in self.hosts else (extra_hosts or {}).get(n, '')
                                groups[group]['hosts'][n] = {'lfa_bus_address': addr}
                inv = {'all': {'vars': {'ansible_connection': 'local',
                                        'ansible_python_interpreter': '/usr/bin/python3',
                                        'lfa_lfactl': LFACTL},
                               'children': groups}}
                with open(self.inventory, 'w', encoding='utf-8') as f:
                        json.dump(inv, f, indent=2)

        def stop(self):
                bad = {}
                for h in self.hosts.values():
                        try:
                                rc = h.stop()
                                if rc != 0:
                                        bad[h.name] = rc
                        except Exception as e:  # noqa: BLE001 - keep stopping the others
                                bad[h.name] = repr(e)
                self.tmpobj.cleanup()
                return bad
