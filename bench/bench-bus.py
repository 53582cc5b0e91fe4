#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""org.lfa.Manager's speed on the simulated platform (issue 5). Prints
figures; asserts nothing.

  floor     Properties.Get round trips of Version, back to back from a C
            client (bus-client), to lfad and to bus-floor (an sd-bus service
            answering a constant) on the same private bus, alternating, in
            one run: rate and p50 of each, the ratio of the rates and of the
            median round trips (target >= 0.95)
  busy      p99 of Properties.Get State while lfad is idle, then while a
            simulated activation of ~10 s runs (PRIME answers CALL_AGAIN
            490 times, 10 ms each, plus the driver's 10 ms poll), and the
            ratio (target < 2)

Environment: LFA_BUILD (for daemon/lfad, bench/bus-floor, bench/bus-client).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))

from lfatest import Bus, Notify  # noqa: E402
from lfasim.harness import Sim  # noqa: E402
from benchlib import start_lfad, stop_all, wait  # noqa: E402

RMM = '6c0762a6-12f2-4b56-92cb-ba8f633606d9'
SCENARIO = '''
agent version=1.0
component uuid=%s current=1.2 pending=1 pending_version=1.3 prime_rounds=490 call_delay_ms=10
component uuid=3f7c2d9a-8b1e-4c55-9a60-5d2e7b41c0aa rendezvous=optional current=4.1
''' % RMM


def client(build, env, name, prop, seconds):
        out = subprocess.run([os.path.join(build, 'bench', 'bus-client'), name, '/org/lfa/Manager',
                              'org.lfa.Manager', prop, str(seconds)], env=env, capture_output=True, text=True,
                             check=True).stdout
        return {k: float(v) for k, v in (kv.split('=') for kv in out.split())}


def main():
        ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
        ap.add_argument('--seconds', type=float, default=2.0, help='length of each round-trip run')
        ap.add_argument('--rounds', type=int, default=3, help='alternating lfad/floor runs')
        args = ap.parse_args()
        build = os.environ.get('LFA_BUILD', os.path.join(ROOT, 'build'))

        with tempfile.TemporaryDirectory(prefix='lfa-bus-bench-') as tmp, Sim(SCENARIO, verbose=False) as sim:
                bus = Bus(tmp)
                notify = Notify(tmp)
                procs = []
                try:
                        lfad, env = start_lfad(build, sim, bus, notify, tmp)
                        procs.append(lfad)
                        procs.append(subprocess.Popen([os.path.join(build, 'bench', 'bus-floor')], env=env))
                        for name in ('org.lfa.Manager', 'org.lfa.BenchFloor'):
                                wait(lambda: subprocess.run(['busctl', '--address=' + bus.address, 'status', name],
                                                            capture_output=True).returncode == 0, 20, name)

                        lf, fl = [], []
                        for _ in range(args.rounds):
                                fl.append(client(build, env, 'org.lfa.BenchFloor', 'Version', args.seconds))
                                lf.append(client(build, env, 'org.lfa.Manager', 'Version', args.seconds))
                        lrate = sum(r['rate'] for r in lf) / len(lf)
                        frate = sum(r['rate'] for r in fl) / len(fl)
                        print('floor: Properties.Get Version, %d x %.1f s each, alternating' % (args.rounds, args.seconds))
                        print('  bus-floor  %8.0f calls/s  p50 %6.1f us' % (frate, min(r['p50_us'] for r in fl)))
                        print('  lfad       %8.0f calls/s  p50 %6.1f us' % (lrate, min(r['p50_us'] for r in lf)))
                        print('  ratio lfad/floor: %.3f (target >= 0.95); per round: %s' % (
                                lrate / frate, ' '.join('%.2f' % (a['rate'] / b['rate']) for a, b in zip(lf, fl))))
                        print('  ratio by median round trip (floor p50 / lfad p50, robust to load): %.3f' % (
                                sorted(r['p50_us'] for r in fl)[len(fl) // 2] / sorted(r['p50_us'] for r in lf)[len(lf) // 2]))
                        print('  (on shared cores the rate swings with other load: compare the rounds)')

                        idle = client(build, env, 'org.lfa.Manager', 'State', 4)
                        act = subprocess.Popen(['busctl', '--address=' + bus.address, '--timeout=60', 'call',
                                                'org.lfa.Manager', '/org/lfa/Manager', 'org.lfa.Manager', 'Activate',
                                                'sa{sv}', RMM, '0'], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                               text=True)
                        procs.append(act)
                        t0 = time.monotonic()
                        wait(lambda: subprocess.run(['busctl', '--address=' + bus.address, 'get-property',
                                                     'org.lfa.Manager', '/org/lfa/Manager', 'org.lfa.Manager', 'State'],
                                                    capture_output=True, text=True).stdout.strip() == 's "activating"',
                             10, 'the activation to start')
                        busy = client(build, env, 'org.lfa.Manager', 'State', 4)
                        out, err = act.communicate(timeout=60)
                        took = time.monotonic() - t0
                        print('busy: Properties.Get State, 4 s idle, then 4 s during a %.1f s activation (%s)'
                              % (took, (out or err).strip()))
                        print('  idle       %8.0f calls/s  p50 %6.1f us  p99 %6.1f us' % (idle['rate'], idle['p50_us'], idle['p99_us']))
                        print('  activating %8.0f calls/s  p50 %6.1f us  p99 %6.1f us' % (busy['rate'], busy['p50_us'], busy['p99_us']))
                        print('  ratio p99 activating/idle: %.2f (target < 2)' % (busy['p99_us'] / idle['p99_us']))
                finally:
                        stop_all(procs, notify, bus)


if __name__ == '__main__':
        main()
