# SPDX-License-Identifier: GPL-2.0-or-later
"""What bench/bench-bus.py, bench/bench-load.py and bench/soak share: lfad
started in a simulated platform on a private bus, waiting, lfad's memory
and fds, and tearing it all down."""

import os
import re
import subprocess
import time


def wait(pred, timeout, what):
        deadline = time.monotonic() + timeout
        while not pred():
                if time.monotonic() > deadline:
                        raise SystemExit('bench: timed out waiting for %s' % what)
                time.sleep(0.02)


def sample(pid):
        """(VmRSS in kB, open fds) of process pid."""
        with open('/proc/%d/status' % pid, encoding='utf-8') as f:
                rss = int(re.search(r'^VmRSS:\s+(\d+)', f.read(), re.M).group(1))
        return rss, len(os.listdir('/proc/%d/fd' % pid))


def start_lfad(build, sim, bus, notify, tmp, policy_text=None):
        """lfad inside sim's platform on bus (NOTIFY_SOCKET notify, state
        and policy directories and its log in tmp); returns the Popen and
        the environment of a client of that bus."""
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=bus.address)
        lenv = sim.child_env(env)
        lenv.update(NOTIFY_SOCKET=notify.path, STATE_DIRECTORY=os.path.join(tmp, 'state'))
        lenv.pop('JOURNAL_STREAM', None)
        pol = os.path.join(tmp, 'policy')
        os.makedirs(pol)
        if policy_text:
                with open(os.path.join(pol, '50-bench.conf'), 'w', encoding='utf-8') as f:
                        f.write(policy_text)
        with open(os.path.join(tmp, 'lfad.log'), 'w', encoding='utf-8') as log:
                p = subprocess.Popen([os.path.join(build, 'daemon', 'lfad'), '--policy-dir=' + pol],
                                     env=lenv, stdout=log, stderr=log)
        return p, env


def stop_all(procs, notify, bus):
        for p in procs:
                if p.poll() is None:
                        p.terminate()
                        p.wait(30)
        notify.stop()
        bus.stop()
