#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""lfad's speed and memory on the simulated platform (issue 4). Prints
figures; asserts nothing.

  memory    VmRSS and RssAnon of lfad and of lfa-floor (an sd-event loop,
            one sd-bus object, a libudev monitor), both idle inside the
            same simulated platform (3 components) on a private bus
  wakeups   voluntary context switches of every thread over an idle period
            (each sleep -> wake-up is one; /proc/PID/task/*/status): lfad
            without a watchdog (any wake-up is spurious) and with
            WATCHDOG_USEC=20s (only the pings expected)
  ready     start -> READY=1 on NOTIFY_SOCKET with N simulated components,
            under umockdev (every file access goes through its preload) and
            reading the same tree with --sysfs= and no preload
  plain     start -> READY=1 on a plain directory (--sysfs=, no simulator:
            a generated tree of 1000 and 10000 components with lfa.ko's
            files), next to lfa-floor --read=, which reads the same files
            once and does nothing else; the slope between the two counts is
            the cost per component, the rest the fixed cost
  latency   store-update uevent sent -> lfad's "activate" write seen, p50 /
            p99 over many events; both instants on lfa-sim's clock (the
            uevent is stamped as sent, the write when the preload library
            hands it to lfa-sim), so the figure includes lfa-sim's and umockdev's share, which
            lfa-floor --reflex (writes activate on the uevent, reads
            nothing) measures on the same platform; the next event is sent
            once lfad has written the history record

Environment: LFA_LFAD, LFA_FLOOR (binaries); options below shorten runs.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))

from lfatest import Bus, Notify  # noqa: E402
from lfasim.harness import Sim  # noqa: E402

RMM = '6c0762a6-12f2-4b56-92cb-ba8f633606d9'
WATCHDOG_USEC = 20000000
DEMO = os.path.join(ROOT, 'tests', 'scenarios', 'demo.scn')


def proc_status(path):
        out = {}
        with open(path, encoding='utf-8') as f:
                for line in f:
                        k, _, v = line.partition(':')
                        out[k] = v.strip()
        return out


def kb(status, key):
        return int(status[key].split()[0])


def wakeups(pid):
        """Voluntary context switches of every thread: each is one sleep
        ended by a wake-up."""
        n = 0
        for tid in os.listdir('/proc/%d/task' % pid):
                try:
                        n += int(proc_status('/proc/%d/task/%s/status' % (pid, tid))['voluntary_ctxt_switches'])
                except FileNotFoundError:
                        continue
        return n


def wait_lines(path, n, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
                try:
                        with open(path, 'rb') as f:
                                if f.read().count(b'\n') >= n:
                                        return
                except FileNotFoundError:
                        pass
                if time.monotonic() > deadline:
                        raise TimeoutError('%s: fewer than %d records after %ss' % (path, n, timeout))
                time.sleep(0.001)


class Service:
        """One program inside a platform, with its own bus and notify
        socket; started, READY awaited, stopped."""

        def __init__(self, sim, argv, policy_text=None, preload=True, watchdog_usec=None, sysfs=None):
                self.tmp = tempfile.TemporaryDirectory(prefix='lfa-bench-')
                self.bus = Bus(self.tmp.name)
                self.notify = Notify(self.tmp.name)
                if sysfs:
                        # A plain directory, no simulator at all.
                        env = dict(os.environ)
                        if os.path.basename(argv[0]) == 'lfad':
                                argv = argv + ['--sysfs=' + sysfs]
                        else:
                                argv = argv + ['--read=' + sysfs]
                elif preload:
                        env = sim.child_env()
                else:
                        # lfad reads the testbed's tree through --sysfs=, with
                        # no umockdev in the way (its udev monitor is then a
                        # real netlink socket that hears nothing).
                        env = dict(os.environ)
                        argv = argv + ['--sysfs=' + sim.sys_lfa]
                env.pop('JOURNAL_STREAM', None)
                env.pop('WATCHDOG_USEC', None)
                env.pop('WATCHDOG_PID', None)
                if watchdog_usec:
                        # No WATCHDOG_PID: sd_watchdog_enabled() then takes
                        # the variable as meant for this process.
                        env['WATCHDOG_USEC'] = str(watchdog_usec)
                self.state = state = os.path.join(self.tmp.name, 'state')
                pol = os.path.join(self.tmp.name, 'policy')
                os.makedirs(state)
                os.makedirs(pol)
                if policy_text:
                        with open(os.path.join(pol, '50-bench.conf'), 'w', encoding='utf-8') as f:
                                f.write(policy_text)
                env.update({'DBUS_SYSTEM_BUS_ADDRESS': self.bus.address,
                            'NOTIFY_SOCKET': self.notify.path, 'STATE_DIRECTORY': state})
                if os.path.basename(argv[0]) == 'lfad':
                        argv = argv + ['--policy-dir=' + pol]
                self.log = open(os.path.join(self.tmp.name, 'log'), 'w', encoding='utf-8')
                self.t_start = time.monotonic()
                self.proc = subprocess.Popen(argv, env=env, stdout=self.log, stderr=self.log,
                                             stdin=subprocess.DEVNULL)
                self.notify.wait('READY=1', 1, 120)
                self.t_ready = time.monotonic()

        def stop(self):
                self.proc.terminate()
                self.proc.wait(30)
                self.log.close()
                self.notify.stop()
                self.bus.stop()
                self.tmp.cleanup()


def bench_memory(lfad, floor, idle_s):
        print('== idle memory and wakeups (demo platform: 3 components; idle %gs, all three at once)' % idle_s)
        runs = (('floor', [floor], None), ('lfad', [lfad], None),
                ('lfad+wd', [lfad], WATCHDOG_USEC))
        with Sim(DEMO, verbose=False) as sim:
                services = [(name, Service(sim, argv, watchdog_usec=wd)) for name, argv, wd in runs]
                time.sleep(1.0)
                before = [(name, s, proc_status('/proc/%d/status' % s.proc.pid), wakeups(s.proc.pid))
                          for name, s in services]
                time.sleep(idle_s)
                rows = [(name, kb(st, 'VmRSS'), kb(st, 'RssAnon'), wakeups(s.proc.pid) - w0,
                         len(os.listdir('/proc/%d/task' % s.proc.pid)))
                        for name, s, st, w0 in before]
                for _, s in services:
                        s.stop()
        print('%-8s %10s %12s %10s %8s' % ('', 'VmRSS kB', 'RssAnon kB', 'wakeups', 'threads'))
        for r in rows:
                print('%-8s %10d %12d %10d %8d' % r)
        f, l_, w = rows
        print('lfad/floor VmRSS: %.2fx (target <= 1.2x); lfad RssAnon %.2f MB (target <= 1 MB)'
              % (l_[1] / f[1], l_[2] / 1024.0))
        wd_s = WATCHDOG_USEC / 1e6
        print('wakeups in %gs idle: lfad %d without a watchdog; %d with WATCHDOG_USEC=%ds '
              '(sd-event pings every 1/2 to 3/4 of it: %d to %d expected) (target: the watchdog\'s only)'
              % (idle_s, l_[3], w[3], wd_s, idle_s // (wd_s * 0.75), idle_s // (wd_s * 0.5)))


def scenario_of(n):
        return ''.join('component uuid=%08x-0000-4000-8000-%012x current=1.0\n' % (i, i) for i in range(n))


def bench_ready(lfad, counts, repeats):
        print('== start -> READY=1 (median of %d; lfad logs to a file)' % repeats)
        print('%12s %12s %16s %20s' % ('components', 'READY ms', 'per component us', 'without umockdev ms'))
        for n in counts:
                with Sim(scenario_of(n), verbose=False, start_timeout=300) as sim:
                        if not os.path.isdir(sim.sys_lfa):
                                # lfa.ko reads the inventory at load; the
                                # simulated one fails it past its limit.
                                print('%12d (no tree: the simulated driver did not bind: %s)'
                                      % (n, '; '.join(r.get('cause', '?') for r in sim.records('probe'))))
                                continue
                        ms = []
                        for preload in (True, False):
                                ts = []
                                for _ in range(repeats):
                                        s = Service(sim, [lfad], preload=preload)
                                        ts.append((s.t_ready - s.t_start) * 1000)
                                        s.stop()
                                ms.append(statistics.median(ts))
                print('%12d %12.1f %16.1f %20.1f' % (n, ms[0], ms[0] * 1000 / n, ms[1]))
        print('(target: < 20 ms at 1000 components, growing linearly)')


def plain_tree(root, n):
        """n components with lfa.ko's files (extended ABI), as the simulator
        writes them, in a plain directory."""
        os.makedirs(root)
        with open(os.path.join(root, 'version'), 'w', encoding='utf-8') as f:
                f.write('1.0\n')
        open(os.path.join(root, 'refresh'), 'w', encoding='utf-8').close()
        values = {'seq_id': '0', 'current_version': '1.0', 'pending_version': 'N/A',
                  'activation_capable': '1', 'activation_pending': '0', 'may_reset_cpu': '0',
                  'cpu_rendezvous': '0', 'force_cpu_rendezvous': '1', 'auto_activate': '0',
                  'state': 'idle', 'last_error': ''}
        for i in range(n):
                uuid = '%08x-0000-4000-8000-%012x' % (i, i)
                d = os.path.join(root, uuid)
                os.mkdir(d)
                for name, text in dict(values, name=uuid).items():
                        with open(os.path.join(d, name), 'w', encoding='utf-8') as f:
                                f.write(text + '\n')
                for name in ('activate', 'cancel', 'prime'):
                        open(os.path.join(d, name), 'w', encoding='utf-8').close()


def ready_ms(argv, root, repeats):
        """Median start -> READY=1 in ms; one run first to warm the caches
        (and to leave the atime alone: relatime updates it on a file's
        first read after it was written)."""
        ts = []
        for i in range(repeats + 1):
                s = Service(None, argv, sysfs=root)
                if i > 0:
                        ts.append((s.t_ready - s.t_start) * 1000)
                s.stop()
        return statistics.median(ts)


def bench_ready_plain(lfad, floor, repeats):
        counts = (1000, 10000)
        print('== start -> READY=1 on a plain directory (median of %d, after one warm-up run)' % repeats)
        print('%12s %14s %22s' % ('components', 'lfad ms', 'lfa-floor --read= ms'))
        rows = {}
        with tempfile.TemporaryDirectory(prefix='lfa-bench-tree-') as tmp:
                for n in counts:
                        root = os.path.join(tmp, str(n))
                        plain_tree(root, n)
                        rows[n] = (ready_ms([lfad], root, repeats), ready_ms([floor], root, repeats))
                        print('%12d %14.1f %22.1f' % (n, rows[n][0], rows[n][1]))
                        shutil.rmtree(root)
        a, b = counts
        for i, name, note in ((0, 'lfad', ' (target: <= 20 us)'), (1, 'lfa-floor --read=', '')):
                slope = (rows[b][i] - rows[a][i]) * 1000 / (b - a)
                print('%-18s %6.1f us per component beyond a fixed %5.1f ms%s'
                      % (name + ':', slope, rows[a][i] - slope * a / 1000, note))
        own = ((rows[b][0] - rows[a][0]) - (rows[b][1] - rows[a][1])) * 1000 / (b - a)
        print('lfad beyond reading the files it must read: %.1f us per component' % own)


def latency_run(sim, argv, events, policy_text=None, history=False):
        """ms from each store-updated uevent to the activate write after it."""
        s = Service(sim, argv, policy_text)
        lat = []
        for i in range(events):
                # Only the records of this event are looked at: the bench's
                # own waiting must not take a core from what it measures.
                k = len(sim.records())
                sim.ctl('store-update uuid=%s pending_version=%d.%d' % (RMM, 2 + i // 1000, i % 1000))
                sim.wait_until(lambda: sim.records('result', since=k, uuid=RMM, action='activate'), 30,
                               'the activate result of %s' % RMM)
                if history:
                        # Let lfad finish the attempt (re-read, history
                        # fdatasync) so that each event meets an idle lfad.
                        wait_lines(os.path.join(s.state, 'history'), i + 1)
                uev = [r for r in sim.records('uevent', since=k) if r['env'].get('LFA_EVENT') == 'store-updated']
                wr = sim.records('write', since=k, file='activate', uuid=RMM)
                lat.append((wr[0]['t'] - uev[0]['t']) * 1000)
        s.stop()
        lat.sort()
        return lat


def bench_latency(lfad, floor, events):
        print('== store-update uevent -> activate write (%d events)' % events)
        scn = 'component uuid=%s current=1.0\n' % RMM
        pol = '[Component %s]\nAutoActivate=immediate\n' % RMM
        with Sim(scn, verbose=False, poll_interval_ms=1) as sim:
                rows = (('floor', latency_run(sim, [floor, '--reflex'], events)),
                        ('lfad', latency_run(sim, [lfad], events, pol, history=True)))
        for name, lat in rows:
                q = statistics.quantiles(lat, n=100, method='inclusive')
                print('%-6s n=%d  p50 %.3f ms  p99 %.3f ms  max %.3f ms'
                      % (name, len(lat), q[49], q[98], lat[-1]))
        print('(floor: lfa-floor --reflex writes activate on the uevent, reading nothing;'
              ' target for lfad: p99 < 1 ms)')
        q = [statistics.median(lat) for _, lat in rows]
        print("lfad's own share (p50 lfad - p50 floor): %.3f ms (target <= 0.3 ms)" % (q[1] - q[0]))


def main():
        ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
        ap.add_argument('--idle-seconds', type=float, default=60)
        ap.add_argument('--components', default='10,1000,10000')
        ap.add_argument('--repeats', type=int, default=3)
        ap.add_argument('--events', type=int, default=1000)
        ap.add_argument('--only', choices=('memory', 'ready', 'plain', 'latency'))
        a = ap.parse_args()
        build = os.environ.get('LFA_BUILD', os.path.join(ROOT, 'build'))
        lfad = os.environ.get('LFA_LFAD', os.path.join(build, 'daemon', 'lfad'))
        floor = os.environ.get('LFA_FLOOR', os.path.join(build, 'bench', 'lfa-floor'))
        if a.only in (None, 'memory'):
                bench_memory(lfad, floor, a.idle_seconds)
        if a.only in (None, 'ready'):
                bench_ready(lfad, [int(x) for x in a.components.split(',')], a.repeats)
        if a.only in (None, 'plain'):
                bench_ready_plain(lfad, floor, a.repeats)
        if a.only in (None, 'latency'):
                bench_latency(lfad, floor, a.events)


if __name__ == '__main__':
        main()
