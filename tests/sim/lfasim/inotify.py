# SPDX-License-Identifier: GPL-2.0-or-later
"""inotify through libc (the standard library has no binding)."""

import ctypes
import ctypes.util
import os
import struct

IN_CLOSE_WRITE = 0x00000008
IN_IGNORED = 0x00008000
IN_NONBLOCK = 0o4000
IN_CLOEXEC = 0o2000000
EVENT = struct.Struct('iIII')

_libc = ctypes.CDLL(ctypes.util.find_library('c'), use_errno=True)


class Inotify:
        def __init__(self):
                fd = _libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
                if fd < 0:
                        e = ctypes.get_errno()
                        raise OSError(e, 'inotify_init1: ' + os.strerror(e))
                self.fd = fd

        def add(self, path, mask=IN_CLOSE_WRITE):
                wd = _libc.inotify_add_watch(self.fd, os.fsencode(path), mask)
                if wd < 0:
                        e = ctypes.get_errno()
                        raise OSError(e, 'inotify_add_watch %s: %s' % (path, os.strerror(e)))
                return wd

        def read(self):
                """Pending events as (wd, mask, name); [] when none."""
                try:
                        buf = os.read(self.fd, 65536)
                except BlockingIOError:
                        return []
                out = []
                i = 0
                while i < len(buf):
                        wd, mask, _, ln = EVENT.unpack_from(buf, i)
                        name = buf[i + EVENT.size:i + EVENT.size + ln].rstrip(b'\0').decode()
                        out.append((wd, mask, name))
                        i += EVENT.size + ln
                return out

        def close(self):
                os.close(self.fd)
