# SPDX-License-Identifier: GPL-2.0-or-later
"""inotify(7) for the tests: wait for a file to change, or list the names
replaced in a directory, without polling. Python's standard library has
no binding; libc's three calls through ctypes are all it takes."""

import ctypes
import os
import select
import struct

IN_MODIFY = 0x2
IN_MOVED_TO = 0x80
IN_CREATE = 0x100
IN_DELETE = 0x200
_HEADER = struct.Struct('iIII')     # wd, mask, cookie, len; then the name


class Inotify:
        def __init__(self, path, mask):
                self._libc = ctypes.CDLL(None, use_errno=True)
                self.fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
                if self.fd < 0:
                        raise OSError(ctypes.get_errno(), 'inotify_init1')
                try:
                        self.add(path, mask)
                except OSError:
                        os.close(self.fd)
                        raise

        def add(self, path, mask):
                """Watch one more path on the same descriptor (a watch is
                not recursive: a subdirectory needs its own)."""
                if self._libc.inotify_add_watch(self.fd, os.fsencode(path), mask) < 0:
                        err = ctypes.get_errno()
                        raise OSError(err, 'inotify_add_watch %s' % path)

        def events(self):
                """The events queued so far, as (mask, name); never blocks."""
                out = []
                while True:
                        try:
                                buf = os.read(self.fd, 65536)
                        except BlockingIOError:
                                return out
                        at = 0
                        while at < len(buf):
                                _, mask, _, n = _HEADER.unpack_from(buf, at)
                                at += _HEADER.size
                                out.append((mask, buf[at:at + n].rstrip(b'\0').decode()))
                                at += n

        def wait(self, timeout):
                """Until an event is queued (True) or timeout seconds pass
                (False); the queued events are dropped."""
                ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
                self.events()
                return bool(ready)

        def drain(self):
                """A Waker source's drain: drop what is queued."""
                self.events()
                return True

        def close(self):
                if self.fd >= 0:
                        os.close(self.fd)
                        self.fd = -1
