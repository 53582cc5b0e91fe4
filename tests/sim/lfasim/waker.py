# SPDX-License-Identifier: GPL-2.0-or-later
"""How a test waits for something without polling: a Waker gathers the
file descriptors that become readable when something it may wait for
happens (inotify on the simulator's and the test's files, a D-Bus
monitor's pipe, lfad's pidfd) and wakes the waiter; until() re-checks
the condition after each wake and never on a timer."""

import select
import time


class Waker:
        def __init__(self):
                # fd -> drain(): consumes what the fd has to say; False when
                # the source is spent (EOF, a process's exit: readable for
                # ever), which then leaves the waker.
                self._sources = {}

        def add(self, fd, drain):
                self._sources[fd] = drain

        def remove(self, fd):
                self._sources.pop(fd, None)

        def wait(self, timeout):
                """Until a source has something (True) or timeout seconds
                pass (False). What woke it is drained BEFORE it returns, so
                the caller re-checks its condition after the clearing: an
                event between that check and the next wait() is still
                queued on its fd and wakes that wait at once."""
                poll = select.poll()
                for fd in self._sources:
                        poll.register(fd, select.POLLIN)
                ready = poll.poll(max(0.0, timeout) * 1000)
                for fd, _ in ready:
                        drain = self._sources.get(fd)
                        if drain is not None and not drain():
                                self.remove(fd)
                return bool(ready)

        def until(self, cond, timeout, what, error=AssertionError, grace=1.0):
                """cond()'s first true value, checked at once and again after
                each wake; error after timeout seconds. If cond() is true at
                the deadline although nothing woke the wait, what it reads
                changed without an event: that is reported as such (a
                missing signal or file change is a bug for any client that
                waits the same way), unless the event turns up within grace
                seconds (merely late on a loaded machine)."""
                deadline = time.monotonic() + timeout
                while True:
                        v = cond()
                        if v:
                                return v
                        left = deadline - time.monotonic()
                        if left > 0 and self.wait(left):
                                continue
                        v = cond()
                        if not v:
                                raise error('timed out after %ss waiting for %s' % (timeout, what))
                        if self.wait(grace):
                                return v
                        raise error('%s became true WITHOUT any event within %ss: what it reads changed '
                                    'with no D-Bus signal, file change or exit to wake a waiter' % (what, timeout))
