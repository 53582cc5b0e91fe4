# SPDX-License-Identifier: GPL-2.0-or-later
"""A Waker source (waker.py) for what lfad says on a D-Bus bus: the
integration, bus and lfactl tests (tests/integration/lfatest.py) and the
fleet lab (fleet/tests/fleetlab.py) wait on it."""

import os
import select
import subprocess
import time


# The names whose owner changes wake a wait (NameOwnerChanged): lfad's
# and the polkit stand-in's (tests/bus). Not every name: each busctl a
# predicate runs owns a unique name, and would wake the wait it serves.
WATCHED_NAMES = ('org.lfa.Manager', 'org.freedesktop.PolicyKit1')


class BusSignals:
        """A Waker source: every signal lfad sends on a bus (all its objects
        are under /org/lfa/Manager: PropertiesChanged, InterfacesAdded and
        Removed, org.lfa.Manager's own) and the owner changes of
        WATCHED_NAMES. A `busctl monitor` child whose output is only read
        to learn that something came: no thread, no D-Bus binding, one fd
        for poll() beside the inotify ones; the bus has sent its reply to
        BecomeMonitor when busctl says "Monitoring bus message stream.", so
        nothing sent after __init__ returns is missed. A match on the path
        (not on all signals) leaves out the predicates' own busctl clients,
        whose NameOwnerChanged would wake every wait at once."""

        def __init__(self, address, waker, timeout):
                self.address = address
                self.waker = waker
                matches = ["type='signal',path_namespace='/org/lfa/Manager'"]
                matches += ["type='signal',sender='org.freedesktop.DBus',member='NameOwnerChanged',arg0='%s'" % n
                            for n in WATCHED_NAMES]
                env = dict(os.environ, SYSTEMD_LOG_LEVEL='info', SYSTEMD_COLORS='0', SYSTEMD_PAGER='cat')
                self.proc = subprocess.Popen(['busctl', '--address=' + address, 'monitor']
                                             + ['--match=' + m for m in matches],
                                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL, env=env)
                self.fd = self.proc.stdout.fileno()
                os.set_blocking(self.fd, False)
                deadline = time.monotonic() + timeout
                out = b''
                while b'Monitoring bus message stream.' not in out:
                        left = deadline - time.monotonic()
                        poll = select.poll()
                        poll.register(self.fd, select.POLLIN)
                        chunk = self._read() if left > 0 and poll.poll(left * 1000) else None
                        if not chunk:
                                self.stop()
                                raise AssertionError('busctl monitor did not attach to %s: %r' % (address, out))
                        out += chunk
                waker.add(self.fd, self.drain)

        def _read(self):
                try:
                        return os.read(self.fd, 65536)
                except BlockingIOError:
                        return None

        def drain(self):
                """All it has written (a backlog wakes once); False at EOF."""
                while True:
                        chunk = self._read()
                        if chunk is None:
                                return True
                        if not chunk:
                                return False

        def stop(self):
                self.waker.remove(self.fd)
                if self.proc.poll() is None:
                        self.proc.terminate()
                self.proc.wait(10)
                self.proc.stdout.close()
