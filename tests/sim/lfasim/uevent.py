# SPDX-License-Identifier: GPL-2.0-or-later
"""Uevents into umockdev's netlink emulation.

libumockdev-preload turns every NETLINK_KOBJECT_UEVENT socket of a preloaded
process into a Unix datagram socket bound at $UMOCKDEV_DIR/event<fd>. This
module sends the message libudev's monitor expects there (the "libudev"
header of systemd's device-monitor.c, as umockdev's own uevent_sender.c
builds it), with any properties we choose: the kernel's kset kobjects have
no "uevent" file for umockdev's sender to read the LFA_* variables from.
"""

import errno
import glob
import os
import socket
import struct

UDEV_MONITOR_MAGIC = 0xfeedcafe
# prefix[8], magic, header_size, properties_off, properties_len,
# filter_subsystem_hash, filter_devtype_hash, filter_tag_bloom_hi/lo.
HEADER = struct.Struct('=8sIIIIIIII')
# A listener that does not read for this long loses the event (the kernel
# would drop it at once and report ENOBUFS; see README.md).
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


class Sender:
        def __init__(self, root):
                self.root = root
                self.seqnum = 0

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

        def send(self, msg):
                """Send to every listener; return (listeners reached,
                listeners that dropped it)."""
                reached = dropped = 0
                for path in glob.glob(os.path.join(self.root, 'event[0-9]*')):
                        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
                                s.settimeout(SEND_TIMEOUT_S)
                                try:
                                        s.connect(path)
                                except ConnectionRefusedError:
                                        # The listener closed (or died); umockdev
                                        # cleans up the same way.
                                        os.unlink(path)
                                        continue
                                except FileNotFoundError:
                                        continue
                                try:
                                        s.send(msg)
                                        reached += 1
                                except (socket.timeout, BlockingIOError):
                                        dropped += 1
                                except OSError as e:
                                        if e.errno not in (errno.ECONNREFUSED, errno.ENOENT):
                                                raise
                return reached, dropped
