#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""lfad under load on the simulated platform (issue 13 item 4). Prints
figures; asserts nothing (tests/integration TestLoad asserts the behaviour
at a smaller size).

  burst     UPDATES store-update notifications (extended flavour: one
            uevent each) over COMPONENTS components under the window policy,
            sent as fast as lfa-sim takes them, while CLIENTS C clients
            (bench/bus-client) make CALLS Properties.Get State calls each:
            the notification rate, how long until lfad's model equals the
            platform's, the calls' throughput and p50/p99/max, errors;
            with --burst=US, lfa-sim's burst statement instead (one update
            every US microseconds, notifications coalesced as the kernel
            coalesces them: tests/sim/README.md, "Bursts")
  window    then ActivatePending: every pending component activated once,
            how long it took
  memory    lfad's VmRSS and open fds before (after a warm-up), during the
            burst, after it and after the window: flat means no leak

Environment: LFA_BUILD (daemon/lfad, bench/bus-client), LFA_SIM_FLAVOUR.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))

from lfatest import Bus, Notify, component_path  # noqa: E402
from lfasim.harness import Sim  # noqa: E402
from benchlib import sample, start_lfad, stop_all, wait  # noqa: E402


def main():
        ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
        ap.add_argument('--updates', type=int, default=1000)
        ap.add_argument('--components', type=int, default=50)
        ap.add_argument('--clients', type=int, default=8)
        ap.add_argument('--calls', type=int, default=10000)
        ap.add_argument('--burst', type=int, metavar='US', default=None)
        a = ap.parse_args()
        build = os.environ.get('LFA_BUILD', os.path.join(ROOT, 'build'))
        flavour = os.environ.get('LFA_SIM_FLAVOUR') or 'extended'
        uuids = ['%08x-1000-4000-8000-%012x' % (i, i) for i in range(a.components)]
        scenario = ''.join('component uuid=%s current=1.0\n' % u for u in uuids)
        if a.burst is None:
                last = ['2.%d' % ((a.updates - 1) // a.components)] * a.components
        else:
                # Update k is 2.k, on component k % components.
                last = ['2.%d' % k for k in range(a.updates)][-a.components:]
                last = last[a.updates % a.components:] + last[:a.updates % a.components]

        with tempfile.TemporaryDirectory(prefix='lfa-load-bench-') as tmp, \
                        Sim(scenario, flavour=flavour, verbose=False, prime_budget_ms=10000,
                            activate_budget_ms=10000) as sim:
                bus = Bus(tmp)
                notify = Notify(tmp)
                procs = []
                try:
                        lfad, env = start_lfad(build, sim, bus, notify, tmp,
                                               '[Defaults]\nAutoActivate=window\n[Manager]\nPollIntervalSec=1\n')
                        procs.append(lfad)
                        notify.wait('READY=1', 1, 60)

                        def busctl(*args):
                                return subprocess.run(['busctl', '--address=' + bus.address, '--timeout=600',
                                                       '--json=short'] + list(args), capture_output=True,
                                                      text=True, check=True).stdout

                        def prop(name, path='/org/lfa/Manager', iface='org.lfa.Manager'):
                                return json.loads(busctl('get-property', 'org.lfa.Manager', path, iface,
                                                         name))['data']

                        def client(calls):
                                return subprocess.Popen([os.path.join(build, 'bench', 'bus-client'),
                                                         'org.lfa.Manager', '/org/lfa/Manager', 'org.lfa.Manager',
                                                         'State', '600', str(calls)], env=env,
                                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

                        def collect(ps):
                                out = []
                                for p in ps:
                                        o, e = p.communicate(timeout=900)
                                        out.append({k: float(v) for k, v in (kv.split('=') for kv in o.split())}
                                                   if p.returncode == 0 else {'error': e.strip()})
                                return out

                        # Warm-up: first calls and uevents allocate for good.
                        collect([client(200) for _ in range(a.clients)])
                        sim.ctl('store-update uuid=%s pending_version=1.1' % uuids[0])
                        wait(lambda: prop('PendingCount') == 1, 30, 'the warm-up update')
                        before = sample(lfad.pid)

                        t0 = time.monotonic()
                        ps = [client(a.calls) for _ in range(a.clients)]
                        if a.burst is None:
                                sim.ctl(*['store-update uuid=%s pending_version=2.%d'
                                          % (uuids[i % a.components], i // a.components)
                                          for i in range(a.updates)])
                                t_sent = time.monotonic() - t0
                        else:
                                sim.ctl('burst count=%d major=2 spacing_us=%d' % (a.updates, a.burst))
                                end = sim.wait_record(lambda r: r['type'] == 'burst' and r['phase'] == 'end',
                                                      120, 'the end of the burst')
                                t_sent = end['duration_s']
                        during = sample(lfad.pid)
                        def pending_versions():
                                objs = json.loads(busctl('call', 'org.lfa.Manager', '/org/lfa/Manager',
                                                         'org.freedesktop.DBus.ObjectManager',
                                                         'GetManagedObjects'))['data'][0]
                                return [objs.get(component_path(u), {}).get('org.lfa.Component', {})
                                        .get('PendingVersion', {}).get('data') for u in uuids]

                        wait(lambda: pending_versions() == last, 120,
                             "lfad's model to equal the platform's")
                        t_model = time.monotonic() - t0
                        res = collect(ps)
                        t_calls = time.monotonic() - t0
                        after = sample(lfad.pid)

                        t1 = time.monotonic()
                        done = json.loads(busctl('call', 'org.lfa.Manager', '/org/lfa/Manager', 'org.lfa.Manager',
                                                 'ActivatePending'))['data'][0]
                        t_window = time.monotonic() - t1
                        activated = {}
                        for w in sim.writes('activate'):
                                if w['errno'] is None:
                                        activated[w['uuid']] = activated.get(w['uuid'], 0) + 1
                        after_window = sample(lfad.pid)
                finally:
                        stop_all(procs, notify, bus)

        ok = [r for r in res if 'error' not in r]
        calls = sum(r['calls'] for r in ok)
        print('== load (%s flavour): %d store-updates over %d components (window policy) while %d clients '
              'make %d Properties.Get State calls each' % (flavour, a.updates, a.components, a.clients, a.calls))
        pace = ("lfa-sim's pace" if a.burst is None else
                'a burst, one every %d us: %d refreshes, %d notifications coalesced'
                % (a.burst, end['refreshes'], end['coalesced']))
        print('notifications: %d sent in %.2f s (%.0f/s, %s); lfad\'s model equal to the '
              'platform\'s %.2f s after the first' % (a.updates, t_sent, a.updates / t_sent, pace, t_model))
        print('calls: %d answered, %d client(s) failed%s; %.0f calls/s over %.2f s; p50 %.0f us, '
              'p99 %.0f us (worst client), max %.0f us'
              % (calls, len(res) - len(ok), (': ' + res[0].get('error', '')) if len(ok) < len(res) else '',
                 calls / t_calls, t_calls, max(r['p50_us'] for r in ok), max(r['p99_us'] for r in ok),
                 max(r['max_us'] for r in ok)))
        print('window: %d components activated in %.2f s, %d result(s) not success; activations per '
              'component: %s' % (len(done), t_window, sum(1 for d in done if d[1] != 'success'),
                                  sorted(set(activated.values()))))
        print('%-14s %10s %6s' % ('lfad', 'VmRSS kB', 'fds'))
        for name, (rss, fds) in (('before', before), ('during burst', during), ('after burst', after),
                                 ('after window', after_window)):
                print('%-14s %10d %6d' % (name, rss, fds))


if __name__ == '__main__':
        main()
