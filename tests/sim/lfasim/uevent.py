# SPDX-License-Identifier: GPL-2.0-or-later
"""Uevents into umockdev's netlink emulation.

libumockdev-preload turns every NETLINK_KOBJECT_UEVENT socket of a preloaded
process into a Unix datagram socket bound at $UMOCKDEV_DIR/event<fd>. This
module sends the message libudev's monitor expects there (the "libudev"
header of systemd's device-monitor.c, as umockdev's own uevent_sender.c
builds it), with any properties we choose: the kernel's kset kobjects have
no "uevent" file for umockdev's sender to read the LFA_* variables from.
"""

import collections
import errno
import glob
import os
import selectors
import socket
import struct
import time

UDEV_MONITOR_MAGIC = 0xfeedcafe
# prefix[8], magic, header_size, properties_off, properties_len,
# filter_subsystem_hash, filter_devtype_hash, filter_tag_bloom_hi/lo.
HEADER = struct.Struct('=8sIIIIIIII')
# A listener that does not read for this long loses the event (the kernel
# would drop it at once and report ENOBUFS; see README.md). The simulator
# never waits for it meanwhile.
SEND_TIMEOUT_S = 2.0


def murmur2(data):
        """systemd's string_hash32() (MurmurHash2, seed = length): the
        subsystem hash a libudev monitor's socket filter compares."""
        m = 0x5bd1e995
        n = len(data)
        h = n & 0xffffffff
        i = 0
        while n - i >= 4:
                k = int.from_bytes(data[i:i + 4], 'little')
                k = (k * m) & 0xffffffff
                k ^= k >> 24
                k = (k * m) & 0xffffffff
                h = (h * m) & 0xffffffff
                h ^= k
                i += 4
        rest = n - i
        if rest == 3:
                h ^= data[i + 2] << 16
        if rest >= 2:
                h ^= data[i + 1] << 8
        if rest >= 1:
                h ^= data[i]
                h = (h * m) & 0xffffffff
        h ^= h >> 13
        h = (h * m) & 0xffffffff
        h ^= h >> 15
        return h


class Listener:
        """One uevent socket of a preloaded process, and what it has not
        taken yet."""

        def __init__(self, path):
                self.path = path
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                self.sock.setblocking(False)
                try:
                        self.sock.connect(path)
                except OSError:
                        self.sock.close()
                        raise
                # (message, deadline, tag) in order.
                self.queue = collections.deque()
                self.watched = False

        def close(self):
                self.sock.close()


class Sender:
        """Sends without ever blocking the simulator (the kernel's
        netlink never waits for a listener): a listener whose socket is
        full gets the message queued, in order, and sent when it reads;
        one it leaves queued for SEND_TIMEOUT_S is dropped (on_drop(tag))."""

        def __init__(self, root, sel=None, later=None, on_drop=None):
                self.root = root
                self.seqnum = 0
                self.sel = sel
                self.later = later
                self.on_drop = on_drop
                self.listeners = {}

        def message(self, action, devpath, subsystem, env):
                self.seqnum += 1
                props = [('ACTION', action), ('DEVPATH', devpath),
                         ('SUBSYSTEM', subsystem), ('SEQNUM', str(self.seqnum))]
                props += list(env.items())
                body = b''.join(('%s=%s' % kv).encode() + b'\0' for kv in props)
                hdr = HEADER.pack(b'libudev\0', socket.htonl(UDEV_MONITOR_MAGIC),
                                  HEADER.size, HEADER.size, len(body),
                                  socket.htonl(murmur2(subsystem.encode())), 0, 0, 0)
                return hdr + body, dict(props)

        def _connect(self, path):
                try:
                        return Listener(path)
                except ConnectionRefusedError:
                        # The listener closed (or died); umockdev cleans
                        # up the same way.
                        try:
                                os.unlink(path)
                        except FileNotFoundError:
                                pass
                except (FileNotFoundError, OSError):
                        pass
                return None

        def _current(self):
                paths = set(glob.glob(os.path.join(self.root, 'event[0-9]*')))
                for path in list(self.listeners):
                        if path not in paths:
                                self._forget(self.listeners[path])
                for path in sorted(paths - set(self.listeners)):
                        ln = self._connect(path)
                        if ln is not None:
                                self.listeners[path] = ln
                return list(self.listeners.values())

        def _forget(self, ln):
                if ln.watched:
                        self.sel.unregister(ln.sock)
                ln.close()
                self.listeners.pop(ln.path, None)

        def _send_one(self, ln, msg):
                """True: sent (or the listener is gone); False: its socket
                is full."""
                for attempt in (0, 1):
                        try:
                                ln.sock.send(msg)
                                return True
                        except BlockingIOError:
                                return False
                        except OSError as e:
                                if e.errno not in (errno.ECONNREFUSED, errno.ENOTCONN, errno.ENOENT):
                                        raise
                        # The socket it was connected to is gone; a new
                        # listener may have bound the same path.
                        self._forget(ln)
                        new = self._connect(ln.path)
                        if new is None:
                                return True
                        new.queue = ln.queue
                        self.listeners[ln.path] = new
                        ln = new
                return True

        def send(self, msg, tag=None):
                """Send to every listener (queued behind what one has not
                taken yet); return how many took it at once."""
                reached = 0
                for ln in self._current():
                        if not ln.queue and self._send_one(ln, msg):
                                reached += 1
                                continue
                        ln = self.listeners.get(ln.path)
                        if ln is not None:
                                ln.queue.append((msg, time.monotonic() + SEND_TIMEOUT_S, tag))
                                self._watch(ln)
                return reached

        def _watch(self, ln):
                if ln.watched or self.sel is None:
                        return
                ln.watched = True
                path = ln.path
                self.sel.register(ln.sock, selectors.EVENT_WRITE, lambda: self._flush(path))
                self.later(SEND_TIMEOUT_S, lambda: self._expire(path))

        def _unwatch(self, ln):
                if ln.watched:
                        ln.watched = False
                        self.sel.unregister(ln.sock)

        def _flush(self, path):
                while True:
                        ln = self.listeners.get(path)
                        if ln is None:
                                return
                        if not ln.queue:
                                return self._unwatch(ln)
                        if not self._send_one(ln, ln.queue[0][0]):
                                return self._watch(ln)
                        ln.queue.popleft()

        def _expire(self, path):
                ln = self.listeners.get(path)
                if ln is None:
                        return
                now = time.monotonic()
                while ln.queue and ln.queue[0][1] <= now:
                        _, _, tag = ln.queue.popleft()
                        if self.on_drop:
                                self.on_drop(tag, path)
                if ln.queue:
                        self.later(ln.queue[0][1] - now, lambda: self._expire(path))
                else:
                        self._unwatch(ln)
