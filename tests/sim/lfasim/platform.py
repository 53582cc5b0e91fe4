# SPDX-License-Identifier: GPL-2.0-or-later
"""The simulated platform: an LFA driver's sysfs tree and uevents on
umockdev, with the driver's sequences played against the simulated agent.

Two flavours of driver (README.md): "extended" is lfa.ko with its
extensions, "upstream" is Arm's lfa_fw (or lfa.ko with extensions=0).

One single-threaded event loop serves the writes the preload library
forwards (lfa-sim-preload.c: one connection per write(), answered when the
simulated store() returns), the control socket, timers (call delays, poll
intervals, budgets) and the child process. Every write, every agent call,
every uevent and every sequence result goes to the record file (JSON lines,
README.md).
"""

import errno as errno_mod
import heapq
import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time

from .agent import Agent, CALL_AGAIN, SUCCESS, BUSY, COMPONENT_WRONG_STATE, INVALID_PARAMETERS
from .scenario import ScenarioError, code_errno, code_name, parse_statement
from .uevent import Sender

FLAVOURS = ('extended', 'upstream')

# The drivers' table of known images (ABI file, "name").
KNOWN_NAMES = {
        '47d4086d-4cfe-9846-9b95-2950cbbd5a00': 'TF-A BL31 runtime',
        'd6d0eea7-fcea-d54b-9782-9934f234b6e4': 'BL33 non-secure payload',
        '6c0762a6-12f2-4b56-92cb-ba8f633606d9': 'TF-RMM',
}

RO, WO, RW = 0o444, 0o200, 0o644
# Upstream's 11 files per component (issue 15, contract-15.md).
UPSTREAM_FILES = {
        'name': RO, 'current_version': RO, 'pending_version': RO,
        'activation_capable': RO, 'activation_pending': RO, 'may_reset_cpu': RO,
        'cpu_rendezvous': RO, 'force_cpu_rendezvous': RW, 'auto_activate': RW,
        'activate': WO, 'cancel': WO,
}
EXTENDED_FILES = dict(UPSTREAM_FILES, seq_id=RO, state=RO, last_error=RO, prime=WO)
FILES = {'extended': EXTENDED_FILES, 'upstream': UPSTREAM_FILES}
# The order in which lfad reads a component's files (daemon/inventory.c;
# test_sim.py checks it). The kernel changes a component's values at once
# (lfa.ko under its lock), and Arm's driver reads activation_pending and
# pending_version live, so the firmware's new values come before the
# driver's refreshed ones: whoever reads in this order sees old values,
# then new ones, never a new value before an old one. lfa-sim replaces a
# file at a time; it publishes one update in the reverse of this order,
# which gives such a reader exactly what the kernel gives it.
READ_ORDER = ('name', 'seq_id', 'current_version', 'pending_version', 'activation_capable',
              'activation_pending', 'may_reset_cpu', 'cpu_rendezvous', 'force_cpu_rendezvous',
              'auto_activate', 'state', 'last_error')
# /sys/module/<module>/parameters/ of each flavour.
MODULE = {'extended': 'lfa', 'upstream': 'lfa_fw'}
PARAMS = {'extended': {'prime_budget_ms': RW, 'activate_budget_ms': RW,
                       'poll_interval_ms': RW, 'extensions': RO},
          'upstream': {}}

# NVIDIA's lfa_fw: a bare change uevent on the SMCCC device. Its path is
# the simulation's own; clients match on the properties (contract-15.md).
SMCCC_DEVPATH = '/devices/platform/arm-smccc/arm-smccc-lfa'
SMCCC_ENV = {'DRIVER': 'lfa_fw', 'MODALIAS': 'arm_smccc:arm-smccc-lfa'}

DEFAULT_BUDGETS = {'prime_budget_ms': 30000, 'activate_budget_ms': 20000,
                   'poll_interval_ms': 10}
UINT_MAX = 4294967295


def kstrtobool(s):
        """The kernel's kstrtobool(): True, False, or None (-EINVAL)."""
        if not s:
                return None
        c = s[0]
        if c in 'yYtT1':
                return True
        if c in 'nNfF0':
                return False
        if c in 'oO' and len(s) > 1:
                if s[1] in 'nN':
                        return True
                if s[1] in 'fF':
                        return False
        return None


LFA_WORDS = {'0': False, 'n': False, 'N': False, 'no': False, 'off': False, 'false': False,
             '1': True, 'y': True, 'Y': True, 'yes': True, 'on': True, 'true': True}


def lfa_strtobool(value):
        """lfa.ko's lfa_strtobool(): whole words only (sysfs_streq(): one
        trailing newline allowed): True, False, or None (-EINVAL)."""
        return LFA_WORDS.get(value[:-1] if value.endswith('\n') else value)


def kstrtouint(s):
        """kstrtouint(s, 0) of a module parameter: an int, or None."""
        s = s.strip()
        try:
                if s.lower().startswith('0x'):
                        v = int(s[2:], 16)
                elif len(s) > 1 and s.startswith('0'):
                        v = int(s[1:], 8)
                else:
                        v = int(s, 10) if s.isdigit() else None
        except ValueError:
                return None
        return v if v is not None and v <= UINT_MAX else None


def neg_errno(name):
        return -getattr(errno_mod, name)


class Writer:
        """One write() forwarded by the preload library, waiting for the
        simulated store() to return."""

        def __init__(self, conn):
                self.conn = conn
                self.got = False
                self.answered = False
                self.dead = False
                self.file = None
                self.uuid = None
                self.count = 0


class Run:
        """The sequence that holds the driver's mutex."""

        def __init__(self, uuid, action, gen, writer, auto):
                self.uuid = uuid
                self.action = action
                self.gen = gen
                self.writer = writer
                self.auto = auto
                self.errno = None


class Burst:
        """A burst statement being played."""

        def __init__(self, bid, targets, count, major, spacing, runs0):
                self.id = bid
                self.targets = targets
                self.count = count
                self.major = major
                self.spacing = spacing
                self.runs0 = runs0
                self.t0 = time.monotonic()
                self.next = 0
                self.queued = 0
                self.final = {}
                self.injected = None


class Entry:
        """What the driver keeps for one component (its kobject)."""

        def __init__(self, uuid):
                self.uuid = uuid
                self.seq = 0
                self.inv = None
                self.force = 1
                self.auto = 0
                self.state = 'idle'
                # pending_version when its prime completed (lfa.ko's
                # primed_version): a newer image staged since outdates it.
                self.primed_version = None
                self.last_error = ''
                self.cancel_req = False
                self.shown = {}

        def prime_outdated(self):
                """lfa_prime_outdated_locked()."""
                return not self.inv['pending'] or self.inv['pending_version'] != self.primed_version

        def key(self):
                i = self.inv
                # lfa.ko compares the whole x3, reserved bits included.
                return (self.seq, i['capable'], i['pending'], i['may_reset_cpu'],
                        i['rendezvous'], i['current'], i['pending_version'],
                        i.get('reserved_flags', 0))

        def values(self, flavour):
                i = self.inv
                if flavour == 'upstream':
                        # TF-A reports no versions: current reads 0.0,
                        # pending N/A (tfa-lfa-observed.md).
                        cur = '%d.%d' % i['current']
                        pend = ('%d.%d' % i['pending_version']
                                if i['pending'] and i['pending_version'] != (0, 0) else 'N/A')
                else:
                        cur = 'N/A' if i['current'] == (0, 0) else '%d.%d' % i['current']
                        pend = ('%d.%d' % i['pending_version']
                                if i['pending'] and i['pending_version'] != (0, 0) else 'N/A')
                return {
                        'name': KNOWN_NAMES.get(self.uuid, self.uuid),
                        'seq_id': str(self.seq),
                        'current_version': cur,
                        'pending_version': pend,
                        'activation_capable': str(int(i['capable'])),
                        'activation_pending': str(int(i['pending'])),
                        'may_reset_cpu': str(int(i['may_reset_cpu'])),
                        'cpu_rendezvous': '1' if i['rendezvous'] == 'required' else '0',
                        'force_cpu_rendezvous': str(self.force),
                        'auto_activate': str(self.auto),
                        'state': self.state,
                        'last_error': self.last_error,
                }


def publish_rank(name):
        """Where a file comes when one update is published: the reverse
        of READ_ORDER (write-only files have no content)."""
        return -READ_ORDER.index(name) if name in READ_ORDER else 0


class Platform:
        def __init__(self, root, scenario, record_path, budgets=None, verbose=False,
                     flavour='extended', smccc_uevents=False):
                if flavour not in FLAVOURS:
                        raise ValueError('flavour must be extended or upstream, not %r' % flavour)
                self.root = root
                self.flavour = flavour
                self.upstream = flavour == 'upstream'
                self.smccc_uevents = smccc_uevents
                self.files = FILES[flavour]
                self.sys_lfa = os.path.join(root, 'sys', 'firmware', 'lfa')
                self.module_dir = os.path.join(root, 'sys', 'module', MODULE[flavour])
                self.work = os.path.join(root, 'lfa-sim')
                self.tmp = os.path.join(self.work, 'tmp')
                self.control_path = os.path.join(self.work, 'control')
                self.sysfs_path = os.path.join(self.work, 'sysfs')
                self.record_path = record_path
                self.budgets = dict(DEFAULT_BUDGETS)
                self.budgets.update(budgets or {})
                self.verbose = verbose
                self.agent = Agent(scenario)
                self.entries = {}
                self.running = None
                self.deferred = []
                # Components the kernel's notification handler already
                # tried in this round (auto_activate); None: no round.
                self.auto_round = None
                # (uuid, seq id) of the last successful activation, for
                # lfa.ko's stale-record retry; a CANCEL of it that succeeds
                # forgets it.
                self.last_activated = None
                # lfa.ko's store_updated flag: a notification's, until a
                # read of the inventory succeeds (whoever makes it).
                self.store_updated = False
                # The sequence id whose ending LFA_CANCEL failed: lfa.ko
                # owes that CANCEL and issues it before its next PRIME.
                self.cancel_owed = None
                # The notification's work item (lfa.ko's notify_work, Arm's
                # threaded interrupt handler) of the burst statement:
                # pending (queued, not started: a notification meanwhile
                # is one with it) and running (refreshing, or waiting for
                # the mutex: a notification meanwhile queues it again).
                self.work_pending = False
                self.work_running = False
                # Running through the auto-activations of its refresh.
                self.work_auto = False
                self.work_runs = 0
                self.bursts = []
                self.burst_id = 0
                self.timers = []
                self.timer_id = 0
                self.t0 = time.monotonic()
                self.sel = selectors.DefaultSelector()
                self.sender = Sender(root, self.sel, self.later, self._dropped)
                self.ntmp = 0

        # -- record and log ------------------------------------------------
        def log(self, fmt, *args):
                if self.verbose:
                        print('lfa-sim: ' + (fmt % args), file=sys.stderr, flush=True)

        def record(self, kind, **kv):
                rec = {'t': round(time.monotonic() - self.t0, 6), 'type': kind}
                rec.update(kv)
                self.record_file.write(json.dumps(rec, sort_keys=True) + '\n')
                self.record_file.flush()

        # -- sysfs tree ----------------------------------------------------
        def _write(self, path, text, mode):
                """Replace a file whole, so a reader sees the old or the new
                value, never a torn one (sysfs show() is atomic too)."""
                self.ntmp += 1
                tmp = os.path.join(self.tmp, 'f%d' % self.ntmp)
                with open(tmp, 'w', encoding='utf-8') as f:
                        f.write(text)
                os.chmod(tmp, mode)
                os.replace(tmp, path)

        def _publish(self, e, names=None):
                """Show the driver's values; only files whose value changed
                are rewritten. Write-only files have no content."""
                vals = e.values(self.flavour)
                d = os.path.join(self.sys_lfa, e.uuid)
                # Last read first (READ_ORDER).
                for n in sorted(names or self.files, key=publish_rank):
                        mode = self.files.get(n)
                        if mode is None or mode == WO or e.shown.get(n) == vals[n]:
                                continue
                        self._write(os.path.join(d, n), vals[n] + '\n', mode)
                        e.shown[n] = vals[n]

        def _publish_live(self, uuids=None):
                """Upstream reads activation_pending and pending_version with
                a fresh GET_INVENTORY: show what the firmware holds now (of
                uuids only, when given)."""
                for e in self.entries.values():
                        if uuids is not None and e.uuid not in uuids:
                                continue
                        c = self.agent.by_uuid(e.uuid)
                        if c is None:
                                continue
                        if self.agent.entry_error(e.seq) is not None:
                                # The read fails: activation_pending keeps
                                # its last value, pending_version reads N/A.
                                e.inv = dict(e.inv, pending_version=(0, 0))
                        else:
                                e.inv = dict(e.inv, pending=c['pending'], pending_version=c['pending_version'])
                        self._publish(e, ['activation_pending', 'pending_version'])

        def _create(self, e):
                """Build the directory aside and rename it in, so it appears
                with every file at once."""
                self.ntmp += 1
                d = os.path.join(self.tmp, 'd%d' % self.ntmp)
                os.mkdir(d)
                if not self.upstream:
                        # libudev's subsystem of a syspath (README.md).
                        os.symlink('../../../class/lfa', os.path.join(d, 'subsystem'))
                vals = e.values(self.flavour)
                for n, mode in self.files.items():
                        text = '' if mode == WO else vals[n] + '\n'
                        if mode != WO:
                                e.shown[n] = vals[n]
                        # os.open() sets the mode (umask is 0 in setup()) in
                        # three syscalls: 10000 components make 110000+ files.
                        fd = os.open(os.path.join(d, n), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
                        try:
                                os.write(fd, text.encode())
                        finally:
                                os.close(fd)
                os.rename(d, os.path.join(self.sys_lfa, e.uuid))

        def _destroy(self, uuid):
                """Rename the directory aside, then delete it: as with
                kernfs, a reader finds the component whole or not at all
                (deleting in place showed a directory without its files).
                Aside is ".UUID" in the same directory, which no reader
                takes for a component, so that a write through a held file
                still reaches store() (ENODEV)."""
                d = os.path.join(self.sys_lfa, '.' + uuid)
                os.rename(os.path.join(self.sys_lfa, uuid), d)
                shutil.rmtree(d)
                del self.entries[uuid]

        def devpath(self, uuid):
                return '/firmware/lfa/' + uuid

        def uevent(self, action, uuid, **env):
                """A component uevent (extended flavour only)."""
                if self.upstream:
                        return
                env = {'LFA_' + k: v for k, v in env.items()}
                if action == 'change' or 'LFA_UUID' in env:
                        env = dict([('LFA_UUID', uuid)] + [kv for kv in env.items() if kv[0] != 'LFA_UUID'])
                self._send(action, self.devpath(uuid), 'lfa', env, uuid)

        def smccc_uevent(self):
                """NVIDIA's bare change uevent on the SMCCC device (upstream
                flavour with --smccc-uevents)."""
                if self.upstream and self.smccc_uevents:
                        self._send('change', SMCCC_DEVPATH, 'arm_smccc', dict(SMCCC_ENV), None)

        def _send(self, action, devpath, subsystem, env, uuid):
                # Recorded before it is sent: whatever a client has seen is
                # already in the record.
                msg, props = self.sender.message(action, devpath, subsystem, env)
                self.record('uevent', action=action, uuid=uuid, env=props)
                self.log('uevent %s %s %s', action, devpath, env)
                self.sender.send(msg, (uuid, props['SEQNUM']))

        def _dropped(self, tag, listener):
                self.record('dropped', uuid=tag[0], seqnum=tag[1], listener=os.path.basename(listener))

        def setup(self):
                # Modes are the kernel's, as given; nothing here is private.
                os.umask(0)
                os.makedirs(self.tmp, exist_ok=True)
                self.record_file = open(self.record_path, 'a', encoding='utf-8')
                os.makedirs(os.path.dirname(self.sys_lfa), exist_ok=True)
                if not self.agent.present:
                        self.log('agent not present: no /sys/firmware/lfa, no module')
                        return
                err, inv = self._probe()
                if err is not None:
                        # The module's init fails: no tree, no module.
                        self.record('probe', bound=False, cause=err)
                        self.log('driver does not bind: %s', err)
                        return
                params = os.path.join(self.module_dir, 'parameters')
                os.makedirs(params if PARAMS[self.flavour] else self.module_dir)
                for n, mode in PARAMS[self.flavour].items():
                        self._write(os.path.join(params, n), self._param(n) + '\n', mode)
                os.makedirs(self.sys_lfa)
                if not self.upstream:
                        self._write(os.path.join(self.sys_lfa, 'version'), '%d.%d\n' % self.agent.version, RO)
                        self._write(os.path.join(self.sys_lfa, 'refresh'), '', WO)
                for seq, i in inv:
                        e = Entry(i['uuid'])
                        e.seq, e.inv = seq, i
                        self.entries[e.uuid] = e
                        self._create(e)
                # NVIDIA's driver sends one at probe (before any listener
                # of the simulation runs, like the module's add events).
                self.smccc_uevent()

        def _probe(self):
                """The module's init past LFA_VERSION: (None, inventory), or
                (why it does not bind, None). lfa.ko asks FEATURES of every
                function it uses and refuses a firmware that lacks one, then
                reads the inventory (a failure fails the init); Arm's lfa_fw
                asks no FEATURES and fails only when GET_INFO does."""
                if not self.upstream:
                        for fn in ('GET_INFO', 'GET_INVENTORY', 'PRIME', 'ACTIVATE', 'CANCEL'):
                                if self.agent.features(fn) != SUCCESS:
                                        self.record('call', call='FEATURES', uuid=None, seq_id=None,
                                                    result='NOT_SUPPORTED', x0=self.agent.features(fn),
                                                    function=fn)
                                        return 'LFA 1.0 lacks function %s' % fn, None
                # The load's read is not recorded unless it fails (the
                # record starts with what clients cause).
                err, inv = self.read_inventory(quiet=True)
                return (None, inv) if err is None else ('inventory: %s' % err, None)

        def read_inventory(self, quiet=False):
                """The driver's inventory read: (None, [(seq, entry)...]) or
                (errno name, None); one INVENTORY call record.

                lfa.ko: GET_INFO, then GET_INVENTORY of every sequence id
                below its count; any failure fails the whole read (nothing is
                applied: the cached inventory stays), a count above 1024 is
                garbage (-EIO). Arm's lfa_fw: a failing GET_INFO (or a count
                of 0 or less) fails the read (-ENODEV, nothing changes); a
                failing GET_INVENTORY skips that sequence id, and every
                component not read is removed as gone."""
                a = self.agent
                x0, n = a.get_info()
                rec = {'call': 'INVENTORY', 'uuid': None, 'seq_id': None}
                if x0 != SUCCESS:
                        self.record('call', result=code_name(x0), x0=x0, count=None, function='GET_INFO', **rec)
                        self.log('LFA_GET_INFO failed: %d', x0)
                        return ('ENODEV' if self.upstream else code_errno(x0)), None
                if not self.upstream and n > 1024:
                        self.record('call', result='SUCCESS', x0=0, count=n, function='GET_INFO', **rec)
                        self.log('LFA_GET_INFO reports %d components, refusing', n)
                        return 'EIO', None
                out, skipped = [], []
                for seq in range(n):
                        x0, i = a.get_inventory(seq)
                        if x0 == SUCCESS and not self.upstream and any(o['uuid'] == i['uuid'] for _, o in out):
                                self.record('call', result='SUCCESS', x0=0, count=n, function='GET_INVENTORY',
                                            duplicate=i['uuid'], **dict(rec, seq_id=seq))
                                self.log('inventory lists %s twice, refusing', i['uuid'])
                                return 'EIO', None
                        if x0 == SUCCESS:
                                out.append((seq, i))
                                continue
                        if not self.upstream:
                                self.record('call', result=code_name(x0), x0=x0, count=n,
                                            function='GET_INVENTORY', **dict(rec, seq_id=seq))
                                self.log('LFA_GET_INVENTORY(%d) failed: %d', seq, x0)
                                return code_errno(x0), None
                        skipped.append(seq)
                if not quiet:
                        self.record('call', result='SUCCESS', x0=0, count=len(out), skipped=skipped, **rec)
                return None, out

        def _param(self, name):
                return 'Y' if name == 'extensions' else str(self.budgets[name])

        # -- timers and the loop -------------------------------------------
        def later(self, delay_s, fn):
                self.timer_id += 1
                heapq.heappush(self.timers, (time.monotonic() + delay_s, self.timer_id, fn))

        def loop_once(self, timeout=None):
                now = time.monotonic()
                while self.timers and self.timers[0][0] <= now:
                        _, _, fn = heapq.heappop(self.timers)
                        fn()
                        now = time.monotonic()
                wait = timeout
                if self.timers:
                        t = max(0.0, self.timers[0][0] - now)
                        wait = t if wait is None else min(wait, t)
                for key, _ in self.sel.select(wait):
                        key.data()

        # -- writes forwarded by the preload library -----------------------
        def _on_sysfs_accept(self):
                try:
                        conn, _ = self.sysfs_sock.accept()
                except BlockingIOError:
                        return
                conn.setblocking(False)
                w = Writer(conn)
                self.sel.register(conn, selectors.EVENT_READ, lambda: self._on_writer(w))

        def _on_writer(self, w):
                try:
                        data = w.conn.recv(65536)
                except BlockingIOError:
                        return
                except OSError:
                        data = b''
                if not data:
                        # The writer is gone (killed) before its store()
                        # returned, or after the answer.
                        w.dead = True
                        self._drop(w)
                        return
                if w.got:
                        return
                w.got = True
                rel, _, value = data.partition(b'\0')
                self.store(rel.decode(errors='replace'), value.decode(errors='replace'), w)

        def _drop(self, w):
                if w.conn is not None:
                        self.sel.unregister(w.conn)
                        w.conn.close()
                        w.conn = None

        def answer(self, w, err, count=None):
                """The store() returns: the byte count (err None) or -err."""
                if w is None or w.answered:
                        return
                w.answered = True
                n = count if err is None else neg_errno(err)
                self.record('return', file=w.file, uuid=w.uuid, errno=err,
                            count=count if err is None else None)
                if w.conn is None:
                        return
                try:
                        w.conn.send(b'%d' % n)
                except OSError:
                        pass
                self._drop(w)

        def store(self, rel, value, w):
                """A write() to the simulated sysfs: what the driver's
                store() does with it."""
                parts = rel.split('/')
                count = w.count = len(value.encode())
                if parts[:3] == ['sys', 'firmware', 'lfa'] and len(parts) in (4, 5):
                        uuid, name = (None, parts[3]) if len(parts) == 4 else (parts[3], parts[4])
                        # A held file of a component on its way out (_destroy).
                        if uuid is not None and uuid.startswith('.'):
                                uuid = uuid[1:]
                elif parts[:2] == ['sys', 'module'] and len(parts) == 5:
                        uuid, name = None, parts[4]
                        w.file = name
                        return self._store_param(parts[2], name, value, count, w)
                else:
                        uuid, name = None, rel
                w.file, w.uuid = name, uuid
                v = value.strip()
                e = self.entries.get(uuid)
                rec = {'file': name, 'uuid': uuid, 'value': v}
                if e is not None:
                        rec['force_cpu_rendezvous'] = e.force
                        rec['state'] = e.state
                self.log('write %s %s = %r', uuid, name, v)

                def refuse(err):
                        self.record('write', errno=err, **rec)
                        self.answer(w, err)

                if uuid is None:
                        if self.upstream or name != 'refresh':
                                return refuse('EACCES')
                        if not lfa_strtobool(value):
                                return refuse('EINVAL')
                        self.record('write', errno=None, **rec)
                        return self._when_idle(lambda: self.answer(w, self.refresh('changed'), count))
                if e is None:
                        # The component vanished: its held files give -ENODEV.
                        return refuse('ENODEV')
                mode = self.files.get(name)
                if mode is None or mode == RO:
                        # sysfs refuses at open() (-EACCES); here at write().
                        return refuse('EACCES')
                b = kstrtobool(v) if self.upstream else lfa_strtobool(value)
                if name in ('force_cpu_rendezvous', 'auto_activate'):
                        if b is None:
                                if not self.upstream:
                                        return refuse('EINVAL')
                                # Arm's driver ignores kstrtobool()'s error:
                                # garbage stores 0.
                                b = False
                        setattr(e, 'force' if name == 'force_cpu_rendezvous' else 'auto', int(b))
                        if name == 'force_cpu_rendezvous':
                                rec['force_cpu_rendezvous'] = e.force
                        # Rewritten even if unchanged: a process without
                        # the preload library may have truncated the file.
                        # Before the record: a test that sees the write
                        # reads the new value.
                        e.shown.pop(name, None)
                        self._publish(e, [name])
                        self.record('write', errno=None, **rec)
                        return self.answer(w, None, count)
                # cancel takes any content, as activate (the ABI file).
                if name == 'prime' and not self.upstream and not b:
                        return refuse('EINVAL')
                # activate takes any content (upstream's semantics, both).
                self.record('write', errno=None, **rec)
                if name in ('activate', 'prime'):
                        return self._start(e, name, w)
                err = self._cancel_up(e) if self.upstream else self._cancel(e)
                self.answer(w, err, count)

        def _store_param(self, module, name, value, count, w):
                params = PARAMS[self.flavour] if module == MODULE[self.flavour] else {}
                rec = {'file': name, 'uuid': None, 'value': value.strip()}
                if params.get(name) != RW:
                        self.record('write', errno='EACCES', **rec)
                        return self.answer(w, 'EACCES')
                v = kstrtouint(value)
                if v is None:
                        self.record('write', errno='EINVAL', **rec)
                        return self.answer(w, 'EINVAL')
                self.budgets[name] = v
                self.record('write', errno=None, **rec)
                self._write(os.path.join(self.module_dir, 'parameters', name), '%d\n' % v, RW)
                self.answer(w, None, count)

        # -- sequences -----------------------------------------------------
        def _when_idle(self, fn):
                """The driver's mutex: refreshes wait for a running sequence."""
                if self.running is None:
                        fn()
                else:
                        self.deferred.append(fn)

        def _result(self, action, uuid, errno, **kv):
                r = self.running
                auto = r is not None and r.auto and r.uuid == uuid and r.action == action
                if auto:
                        kv['auto'] = True
                self.record('result', action=action, uuid=uuid, errno=errno, **kv)
                if r is not None and r.uuid == uuid and r.action == action:
                        r.errno = errno

        def _fail_now(self, e, action, errno, code='NONE', x0=0, call='NONE'):
                # A refusal (call NONE) leaves the state as it was; a failed
                # PRIME/ACTIVATE sequence ends idle.
                if call != 'NONE':
                        e.state = 'idle'
                e.last_error = '%s %s %d %s' % (errno, code, x0, call)
                self._publish(e, ['state', 'last_error'])
                self._result(action, e.uuid, errno, last_error=e.last_error)
                self.uevent('change', e.uuid, EVENT='failed', ACTION=action, ERRNO=errno)

        def _start(self, e, action, w=None, auto=False):
                if self.running is not None:
                        # Another sequence runs: the write fails at once with
                        # no uevent and last_error left alone (both drivers).
                        self.record('result', action=action, uuid=e.uuid, errno='EBUSY',
                                    **({} if self.upstream else {'last_error': e.last_error}))
                        return self.answer(w, 'EBUSY')
                if self.upstream:
                        gen = self._sequence_up(e, e.force)
                else:
                        # force_cpu_rendezvous is read once, when the write starts.
                        gen = self._sequence(e, action, e.force)
                self.running = Run(e.uuid, action, gen, w, auto)
                self._step()

        def _step(self):
                r = self.running
                try:
                        delay = next(r.gen)
                except StopIteration:
                        self.running = None
                        if r.writer is not None:
                                self.answer(r.writer, r.errno, r.writer.count)
                        if r.auto:
                                self._auto_next()
                        while self.deferred and self.running is None:
                                self.deferred.pop(0)()
                        return
                self.later(delay, self._step)

        def _call(self, fn, uuid, seq, **kv):
                r = getattr(self.agent, fn)(seq, **kv)
                name = r if r == CALL_AGAIN else ('SUCCESS' if r == SUCCESS else code_name(r))
                x0 = 0 if r == CALL_AGAIN else r
                extra = {'skip_cpu_rendezvous': kv['skip']} if 'skip' in kv else {}
                comp = self.agent.components[seq] if seq < len(self.agent.components) else None
                if comp and comp['reserved_x1'] and fn in ('prime', 'activate') and x0 == 0:
                        # Reserved bits of x1 beside CALL_AGAIN: both drivers
                        # test bit 0 only.
                        extra['x1'] = comp['reserved_x1'] | (1 if r == CALL_AGAIN else 0)
                self.record('call', call=fn.upper(), uuid=uuid, seq_id=seq, result=name, x0=x0, **extra)
                return r

        def _writer_dead(self):
                w = self.running.writer if self.running else None
                return w is not None and w.dead

        def _sequence(self, e, action, force):
                """lfa.ko's activate / prime store(): a generator that yields
                how long it sleeps (call delays, poll intervals)."""
                uuid = e.uuid
                e.last_error = ''
                self._publish(e, ['last_error'])
                i = e.inv
                if i['may_reset_cpu']:
                        return self._fail_now(e, action, 'EPERM')
                if not i['capable']:
                        return self._fail_now(e, action, 'EOPNOTSUPP')
                if action == 'prime' and e.state == 'primed':
                        return self._fail_now(e, action, 'EALREADY')
                comp = self.agent.by_uuid(uuid)
                delay = (comp['call_delay_ms'] if comp else 0) / 1000.0
                poll = self.budgets['poll_interval_ms'] / 1000.0
                retried = reprimed = False
                while True:
                        inv = self._recheck(e, action)
                        if inv is None:
                                return
                        seq = e.seq
                        if inv['may_reset_cpu']:
                                return self._fail_now(e, action, 'EPERM')
                        if not inv['capable']:
                                return self._fail_now(e, action, 'EOPNOTSUPP')
                        if not inv['pending']:
                                # Nothing staged: the prime the driver
                                # recorded is moot (released, "changed").
                                if e.state == 'primed':
                                        self._release_prime(e)
                                        self.uevent('change', uuid, EVENT='changed')
                                return self._fail_now(e, action, 'ENODATA')
                        if e.state == 'primed' and e.prime_outdated():
                                # A newer image was staged after the
                                # prime: prime that one.
                                self._release_prime(e)
                                self.uevent('change', uuid, EVENT='changed')
                        was_primed = e.state == 'primed'
                        if not was_primed:
                                if not self._drop_prime(e, action):
                                        return
                                self._pay_cancel()
                                e.state = 'priming'
                                self._publish(e, ['state'])
                                start = time.monotonic()
                                again = False
                                while True:
                                        # cancel, or the writer's death (a
                                        # fatal signal), stops the priming.
                                        if e.cancel_req or self._writer_dead():
                                                e.cancel_req = False
                                                self._end_sequence(uuid, seq)
                                                return self._fail_now(e, action, 'ECANCELED', call='PRIME')
                                        if delay:
                                                yield delay
                                        r = self._call('prime', uuid, seq)
                                        if r == SUCCESS:
                                                # The image _recheck() read.
                                                e.primed_version = inv['pending_version']
                                                break
                                        if r != CALL_AGAIN:
                                                # A PRIME begun in earlier
                                                # rounds is left in progress.
                                                if again:
                                                        self._end_sequence(uuid, seq)
                                                return self._fail_now(e, action, code_errno(r), code_name(r), r, 'PRIME')
                                        again = True
                                        if (time.monotonic() - start) * 1000 >= self.budgets['prime_budget_ms']:
                                                self._end_sequence(uuid, seq)
                                                return self._fail_now(e, action, 'ETIMEDOUT', call='PRIME')
                                        yield poll
                        if action == 'prime':
                                e.state = 'primed'
                                self._publish(e, ['state'])
                                self._result(action, uuid, None)
                                self.uevent('change', uuid, EVENT='primed', ACTION='prime')
                                return
                        e.state = 'activating'
                        self._publish(e, ['state'])
                        skip = force == 0 and inv['rendezvous'] == 'optional'
                        start = time.monotonic()
                        r = None
                        while True:
                                if delay:
                                        yield delay
                                r = self._call('activate', uuid, seq, skip=skip)
                                if r == SUCCESS:
                                        break
                                if r not in (CALL_AGAIN, BUSY):
                                        break
                                if (time.monotonic() - start) * 1000 >= self.budgets['activate_budget_ms']:
                                        self._end_sequence(uuid, seq)
                                        return self._fail_now(e, action, 'ETIMEDOUT', call='ACTIVATE')
                                yield poll
                        if r == SUCCESS:
                                # The firmware held nothing else: it activated.
                                self.cancel_owed = None
                                break
                        if was_primed and not reprimed and r in (INVALID_PARAMETERS, COMPONENT_WRONG_STATE):
                                # "primed" is the driver's record: the
                                # firmware lost that prime; prime again, once.
                                reprimed = True
                                e.state = 'idle'
                                continue
                        prev = self.last_activated
                        if (r == INVALID_PARAMETERS and not retried and not was_primed and prev is not None
                                        and prev[0] != uuid):
                                # TF-A's stale in-progress record (ABI file):
                                # cancel the previous activation's sequence
                                # id (its current one, if it is still
                                # there, as lfa.ko does), then the whole
                                # sequence once more. A CANCEL that fails
                                # fails the write with its code, and the
                                # record stays known for the next one.
                                pe = self.entries.get(prev[0])
                                rc = self._call('cancel', uuid, pe.seq if pe else prev[1])
                                if rc != SUCCESS:
                                        return self._fail_now(e, action, code_errno(rc), code_name(rc), rc, 'CANCEL')
                                self.last_activated = None
                                retried = True
                                e.state = 'idle'
                                continue
                        # As Arm's lfa_fw: a failed ACTIVATE leaves nothing
                        # in progress.
                        self._end_sequence(uuid, seq)
                        return self._fail_now(e, action, code_errno(r), code_name(r), r, 'ACTIVATE')
                self.last_activated = (uuid, seq)
                e.state = 'idle'
                self._publish(e, ['state'])
                self.refresh('changed', activated=(uuid, not skip))

        def _recheck(self, e, action):
                """lfa_recheck(): GET_INVENTORY of the component's sequence
                id right before PRIME. Another UUID there, or
                INVALID_PARAMETERS (the inventory shrank past it): one
                refresh, then again. Returns the fresh entry, or None when
                the sequence ended."""
                uuid = e.uuid
                retried = False
                while True:
                        if uuid not in self.entries:
                                # Gone with the refresh: -ENODEV, no uevent
                                # (its directory went).
                                self._result(action, uuid, 'ENODEV', last_error=e.last_error)
                                return None
                        x0, i = self.agent.get_inventory(e.seq)
                        moved = x0 == INVALID_PARAMETERS if x0 != SUCCESS else i['uuid'] != uuid
                        rec = {'other': i['uuid']} if x0 == SUCCESS and moved else {}
                        self.record('call', call='INVENTORY', uuid=uuid, seq_id=e.seq,
                                    result=code_name(x0) if x0 != SUCCESS else 'SUCCESS', x0=x0, **rec)
                        if x0 != SUCCESS and (not moved or retried):
                                self._fail_now(e, action, code_errno(x0), code_name(x0), x0, 'INVENTORY')
                                return None
                        if moved:
                                if retried:
                                        self._fail_now(e, action, 'ENODEV')
                                        return None
                                retried = True
                                err = self.refresh('changed')
                                if err is not None:
                                        self._fail_now(e, action, err, call='INVENTORY')
                                        return None
                                continue
                        e.inv = i
                        self._publish(e)
                        return i

        def _drop_prime(self, e, action):
                """lfa_drop_prime(): at most one component is primed. Priming
                this one cancels another's prime ("changed"); a CANCEL that
                fails ends the sequence with its errno, the other still
                primed. True: go on."""
                for o in self.entries.values():
                        if o is e or o.state != 'primed':
                                continue
                        r = self._call('cancel', o.uuid, o.seq)
                        if r != SUCCESS:
                                self._fail_now(e, action, code_errno(r), code_name(r), r, 'CANCEL')
                                return False
                        o.state = 'idle'
                        self._publish(o, ['state'])
                        self.uevent('change', o.uuid, EVENT='changed')
                        if self.last_activated and self.last_activated[0] == o.uuid:
                                self.last_activated = None
                return True

        def _end_sequence(self, uuid, seq):
                """lfa_end_sequence(): LFA_CANCEL of a sequence being ended;
                one that fails (INVALID_PARAMETERS: nothing in progress) is
                owed and issued again before the next PRIME."""
                r = self._call('cancel', uuid, seq)
                if r not in (SUCCESS, INVALID_PARAMETERS):
                        self.cancel_owed = (uuid, seq)

        def _pay_cancel(self):
                """lfa_pay_cancel(): the CANCEL _end_sequence() could not make."""
                if self.cancel_owed is None:
                        return
                r = self._call('cancel', self.cancel_owed[0], self.cancel_owed[1])
                if r in (SUCCESS, INVALID_PARAMETERS):
                        self.cancel_owed = None

        def _sequence_up(self, e, force):
                """Arm's lfa_fw activate store(): PRIME (call-again), then
                ACTIVATE (call-again/BUSY retried), no inventory re-read, no
                stale-record retry; every failure is -ECANCELED (the kernel
                log names the cause, kept here as the result's "cause")."""
                uuid = e.uuid

                def fail(cause):
                        e.state = 'idle'
                        self._result('activate', uuid, 'ECANCELED', cause=cause)

                if e.inv['may_reset_cpu']:
                        # "CPU reset not supported by kernel driver": no SMC.
                        return fail('may_reset_cpu')
                comp = self.agent.by_uuid(uuid)
                delay = (comp['call_delay_ms'] if comp else 0) / 1000.0
                poll = self.budgets['poll_interval_ms'] / 1000.0
                seq = e.seq
                e.state = 'priming'
                start = time.monotonic()
                while True:
                        if delay:
                                yield delay
                        r = self._call('prime', uuid, seq)
                        if r == SUCCESS:
                                break
                        if r != CALL_AGAIN:
                                return fail('PRIME %s' % code_name(r))
                        if (time.monotonic() - start) * 1000 >= self.budgets['prime_budget_ms']:
                                self._call('cancel', uuid, seq)
                                return fail('PRIME timeout')
                        yield poll
                e.state = 'activating'
                skip = force == 0 and e.inv['rendezvous'] == 'optional'
                start = time.monotonic()
                while True:
                        if delay:
                                yield delay
                        r = self._call('activate', uuid, seq, skip=skip)
                        if r == SUCCESS:
                                break
                        if r not in (CALL_AGAIN, BUSY):
                                self._call('cancel', uuid, seq)
                                return fail('ACTIVATE %s' % code_name(r))
                        if (time.monotonic() - start) * 1000 >= self.budgets['activate_budget_ms']:
                                self._call('cancel', uuid, seq)
                                return fail('ACTIVATE timeout')
                        yield poll
                e.state = 'idle'
                # A failed re-read is only logged ("Failed to update FW
                # images tree"): the activation succeeded.
                self.refresh(None)
                self._result('activate', uuid, None, rendezvous=not skip)
                self.smccc_uevent()

        def _cancel(self, e):
                """lfa.ko's cancel store(): the errno name, or None."""
                if e.state == 'priming':
                        e.cancel_req = True
                        self._result('cancel', e.uuid, None)
                        return None
                if e.state == 'activating' or self.running is not None:
                        self._result('cancel', e.uuid, 'EBUSY')
                        return 'EBUSY'
                r = self._call('cancel', e.uuid, e.seq)
                err = None if r == SUCCESS else code_errno(r)
                self._result('cancel', e.uuid, err)
                if r == SUCCESS and self.last_activated and self.last_activated[0] == e.uuid:
                        self.last_activated = None
                # A CANCEL of the id whose ending CANCEL failed pays it.
                if r == SUCCESS and self.cancel_owed and self.cancel_owed[1] == e.seq:
                        self.cancel_owed = None
                if r == SUCCESS and e.state == 'primed':
                        # A CANCEL the firmware refuses leaves the prime
                        # (lfa.ko returns the errno, state untouched).
                        e.state = 'idle'
                        self._publish(e, ['state'])
                        self.uevent('change', e.uuid, EVENT='changed')
                return err

        def _cancel_up(self, e):
                """Arm's cancel store(): LFA_CANCEL at once, whatever runs;
                -EINVAL when the firmware refuses. A cancel during priming
                succeeds, and the running activation primes again."""
                r = self._call('cancel', e.uuid, e.seq)
                err = None if r == SUCCESS else 'EINVAL'
                self._result('cancel', e.uuid, err)
                self._publish_live()
                return err

        # -- refresh (notification, "refresh" write, after an activation) --
        def refresh(self, kind, activated=None):
                """Re-read the whole inventory: update in place, add, remove.
                kind: the LFA_EVENT of changed components (extended), None
                for none (upstream sends no component uevents)."""
                notified = self.store_updated and not self.upstream
                self.store_updated = False
                if notified:
                        kind = 'store-updated'
                err, inv = self.read_inventory()
                if err is not None:
                        # What the notification announced is reported by
                        # the next read that succeeds.
                        self.store_updated = notified
                        # Nothing applied: the cached inventory stays, no
                        # component uevent. An activation succeeded all
                        # the same (lfa.ko logs "refresh after activating
                        # ... failed" and sends "activated").
                        if activated is not None:
                                self._result('activate', activated[0], None, rendezvous=activated[1])
                                self.uevent('change', activated[0], EVENT='activated', ACTION='activate')
                        return err
                seen = set()
                added, events = [], {}
                for seq, i in inv:
                        seen.add(i['uuid'])
                        e = self.entries.get(i['uuid'])
                        if e is None:
                                e = Entry(i['uuid'])
                                e.seq, e.inv = seq, i
                                self.entries[e.uuid] = e
                                self._create(e)
                                added.append(e.uuid)
                                continue
                        old, o = e.key(), e.inv
                        e.seq, e.inv = seq, i
                        # lfa_update_locked(): "store-updated" for a new
                        # image only (it became pending, or another
                        # version); the component just activated counts
                        # as notified.
                        why = 'store-updated' if activated is not None and e.uuid == activated[0] else kind
                        new_image = i['pending'] and (not o['pending'] or
                                                      o['pending_version'] != i['pending_version'])
                        if e.key() != old:
                                self._publish(e)
                        if why == 'store-updated' and new_image:
                                events[e.uuid] = 'store-updated'
                        elif e.key() != old:
                                events[e.uuid] = 'changed'
                gone = [u for u in self.entries if u not in seen]
                # lfa_check_primes(): a primed component gone, no longer
                # pending, or pending a newer image than was primed, is
                # released (LFA_CANCEL of its sequence id); one "changed"
                # for the entry and the state together.
                for u in gone:
                        if self.entries[u].state == 'primed':
                                self._release_prime(self.entries[u])
                for e in sorted(self.entries.values(), key=lambda x: x.seq):
                        if e.uuid not in gone and e.state == 'primed' and e.prime_outdated():
                                self._release_prime(e)
                                events.setdefault(e.uuid, 'changed')
                for u in added:
                        self.uevent('add', u)
                for u, ev in events.items():
                        if activated is None or u != activated[0]:
                                self.uevent('change', u, EVENT=ev)
                if activated is not None:
                        self._result('activate', activated[0], None, rendezvous=activated[1])
                        self.uevent('change', activated[0], EVENT='activated', ACTION='activate')
                        # An image staged during the activation.
                        if events.get(activated[0]) == 'store-updated':
                                self.uevent('change', activated[0], EVENT='store-updated')
                for u in gone:
                        self._destroy(u)
                        self.uevent('remove', u)
                return None

        def _release_prime(self, e):
                """lfa_release_prime(): LFA_CANCEL of the prime, whatever it
                answers, and the record reads idle (no uevent here)."""
                self._call('cancel', e.uuid, e.seq)
                e.state = 'idle'
                self._publish(e, ['state'])
                if self.last_activated and self.last_activated[0] == e.uuid:
                        self.last_activated = None

        def notification(self):
                """The platform's "firmware store updated" notification: the
                driver refreshes (extended: uevents), then activates, in the
                kernel, every capable and pending component whose
                auto_activate is 1, one after the other."""
                if self.refresh(None if self.upstream else 'store-updated') is not None:
                        # Both drivers: no automatic activation after a
                        # failed refresh (the kernel logs it).
                        self.record('handled')
                        return
                self.auto_round = set()
                self._auto_next()

        def _auto_next(self):
                if self.auto_round is None or self.running is not None:
                        return
                for e in sorted(self.entries.values(), key=lambda x: x.seq):
                        c = self.agent.by_uuid(e.uuid)
                        if (e.auto and c is not None and c['capable'] and c['pending']
                                        and e.uuid not in self.auto_round):
                                # Each at most once a round: a failing image
                                # must not loop the handler.
                                self.auto_round.add(e.uuid)
                                self.log('kernel auto-activates %s', e.uuid)
                                return self._start(e, 'activate', auto=True)
                self.auto_round = None
                # Its end, for a client that cannot write refresh to wait
                # for it (upstream): the conformance suite.
                self.record('handled')
                if self.work_auto:
                        self.work_auto = False
                        self._notify_work_done()

        # -- burst: store updates at the platform's pace ---------------------
        def _burst(self, kv):
                """The burst statement (README.md, "Bursts"): count store
                updates, each a change in the store and the notification,
                injected on the loop's turns at t0 + k * spacing; every
                update already due when a turn comes is injected in it."""
                a = self.agent
                if kv.get('uuid'):
                        if a.by_uuid(kv['uuid']) is None:
                                raise ScenarioError('ctl: no component %s' % kv['uuid'])
                        targets = [kv['uuid']]
                else:
                        targets = [c['uuid'] for c in a.components]
                if not targets:
                        raise ScenarioError('ctl: burst: the firmware has no component')
                if not kv.get('count'):
                        raise ScenarioError('ctl: burst needs count= (1 or more)')
                self.burst_id += 1
                b = Burst(self.burst_id, targets, kv['count'], kv.get('major', 9),
                          kv.get('spacing_us', 0) / 1e6, self.work_runs)
                self.bursts.append(b)
                self.record('burst', phase='start', burst=b.id, count=b.count, uuids=targets,
                            spacing_us=kv.get('spacing_us', 0))
                self._burst_turn(b)
                return 'ok'

        def _burst_turn(self, b):
                now = time.monotonic()
                due = b.count if not b.spacing else min(b.count, int((now - b.t0) / b.spacing) + 1)
                for k in range(b.next, max(due, b.next + 1)):
                        self._burst_update(b, k)
                b.next = max(due, b.next + 1)
                if b.next < b.count:
                        self.later(max(0.0, b.t0 + b.next * b.spacing - time.monotonic()),
                                   lambda: self._burst_turn(b))
                else:
                        b.injected = time.monotonic()
                        self._burst_check()

        def _burst_update(self, b, k):
                uuid = b.targets[k % len(b.targets)]
                c = self.agent.by_uuid(uuid)
                # A component removed meanwhile: the notification alone.
                if c is not None:
                        c['pending'] = True
                        c['pending_version'] = (b.major, k)
                        b.final[uuid] = '%d.%d' % (b.major, k)
                        if self.upstream:
                                self._publish_live([uuid])
                work = 'pending' if self.work_pending else 'running' if self.work_running else 'idle'
                queued = self._queue_notify_work()
                b.queued += queued
                self.record('notification', burst=b.id, n=k, uuid=uuid,
                            pending_version=b.final.get(uuid), work=work, queued=queued)

        def _queue_notify_work(self):
                """queue_work(): False while the work is pending."""
                if self.work_pending:
                        return False
                self.work_pending = True
                if not self.work_running:
                        self.later(0, self._notify_work)
                return True

        def _notify_work(self):
                """The work item runs: lfa_notify_store_updated() (lfa.ko
                sets its flag, then waits for the mutex), or Arm's handler."""
                self.work_pending = False
                self.work_running = True
                self.work_runs += 1
                self.record('work', phase='start', run=self.work_runs)
                if not self.upstream:
                        self.store_updated = True
                self._when_idle(self._notify_work_refresh)

        def _notify_work_refresh(self):
                self.notification()
                if self.auto_round is None:
                        self._notify_work_done()
                else:
                        # The kernel's activations run in the work item.
                        self.work_auto = True

        def _notify_work_done(self):
                self.work_running = False
                self.record('work', phase='end', run=self.work_runs)
                if self.work_pending:
                        self.later(0, self._notify_work)
                else:
                        self._burst_check()

        def _burst_check(self):
                """A burst ends when every update is injected and the work
                has run for the last one."""
                if self.work_pending or self.work_running:
                        return
                for b in [b for b in self.bursts if b.injected is not None]:
                        self.bursts.remove(b)
                        self.record('burst', phase='end', burst=b.id, count=b.count, notifications=b.count,
                                    queued=b.queued, coalesced=b.count - b.queued,
                                    refreshes=self.work_runs - b.runs0, final=b.final,
                                    inject_s=round(b.injected - b.t0, 6),
                                    duration_s=round(time.monotonic() - b.t0, 6))

        # -- run-time statements (lfa-sim ctl) -----------------------------
        def statement(self, line):
                verb, kv = parse_statement(line)
                self.record('ctl', statement=line)
                self.log('ctl %s', line)
                if verb == 'burst':
                        return self._burst(kv)
                a = self.agent
                if verb in ('store-update', 'remove', 'set'):
                        comp = a.by_uuid(kv['uuid'])
                        if comp is None:
                                raise ScenarioError('ctl: no component %s' % kv['uuid'])
                if verb in ('store-update', 'notify') and not self.upstream:
                        # lfa.ko sets its flag before it waits for the
                        # mutex: a sequence's refresh meanwhile reports it.
                        self.store_updated = True
                if verb == 'store-update':
                        comp['pending'] = True
                        if 'pending_version' in kv:
                                comp['pending_version'] = kv['pending_version']
                        self._when_idle(self.notification)
                elif verb == 'notify':
                        self._when_idle(self.notification)
                elif verb == 'component':
                        if a.by_uuid(kv['uuid']) is not None:
                                raise ScenarioError('ctl: component %s exists' % kv['uuid'])
                        a.components.append(kv)
                elif verb == 'remove':
                        a.components.remove(comp)
                elif verb == 'set-agent':
                        for k, v in kv.items():
                                setattr(a, k, v)
                elif verb == 'set':
                        for k, v in kv.items():
                                if k != 'uuid':
                                        comp[k] = v
                if self.upstream:
                        self._publish_live()
                return 'ok'

        def _on_control_accept(self):
                conn, _ = self.ctl_sock.accept()
                conn.setblocking(False)
                buf = bytearray()

                def on_data():
                        try:
                                data = conn.recv(65536)
                        except BlockingIOError:
                                return
                        if not data:
                                self.sel.unregister(conn)
                                conn.close()
                                return
                        buf.extend(data)
                        while b'\n' in buf:
                                line, _, rest = bytes(buf).partition(b'\n')
                                buf[:] = rest
                                try:
                                        reply = self.statement(line.decode())
                                except (ScenarioError, UnicodeDecodeError) as err:
                                        reply = 'error: %s' % err
                                conn.setblocking(True)
                                conn.sendall((reply + '\n').encode())
                                conn.setblocking(False)
                self.sel.register(conn, selectors.EVENT_READ, on_data)

        def open_sockets(self):
                self.ctl_sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.ctl_sock.bind(self.control_path)
                self.ctl_sock.listen(16)
                self.ctl_sock.setblocking(False)
                self.sel.register(self.ctl_sock, selectors.EVENT_READ, self._on_control_accept)
                self.sysfs_sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                self.sysfs_sock.bind(self.sysfs_path)
                self.sysfs_sock.listen(128)
                self.sysfs_sock.setblocking(False)
                self.sel.register(self.sysfs_sock, selectors.EVENT_READ, self._on_sysfs_accept)

        def child_env(self, preload, base=None):
                env = dict(os.environ if base is None else base)
                pre = env.get('LD_PRELOAD', '')
                # Ours first: its write() hands everything else on to
                # umockdev's, which hands it to libc.
                env['LD_PRELOAD'] = preload + ':libumockdev-preload.so.0' + (':' + pre if pre else '')
                env['UMOCKDEV_DIR'] = self.root
                env['LFA_SIM_ROOT'] = self.root
                env['LFA_SIM_CONTROL'] = self.control_path
                env['LFA_SIM_SYSFS'] = self.sysfs_path
                env['LFA_SIM_RECORD'] = self.record_path
                env['LFA_SIM_FLAVOUR'] = self.flavour
                return env


ENV_KEYS = ('UMOCKDEV_DIR', 'LD_PRELOAD', 'LFA_SIM_ROOT', 'LFA_SIM_CONTROL', 'LFA_SIM_SYSFS',
            'LFA_SIM_RECORD', 'LFA_SIM_FLAVOUR')


def run(platform, argv, preload):
        """Play the firmware until the child exits (argv) or until SIGTERM /
        SIGINT (argv empty: serve). Returns the exit status to use."""
        platform.setup()
        platform.open_sockets()
        rfd, wfd = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        signal.set_wakeup_fd(wfd)
        got = []
        for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                signal.signal(s, lambda n, f: got.append(n))
        platform.sel.register(rfd, selectors.EVENT_READ, lambda: os.read(rfd, 512))
        env = platform.child_env(preload)
        status = [None]
        child = None
        if argv:
                child = subprocess.Popen(argv, env=env)
                pidfd = os.pidfd_open(child.pid)

                def on_exit():
                        status[0] = child.wait()
                        platform.sel.unregister(pidfd)
                platform.sel.register(pidfd, selectors.EVENT_READ, on_exit)
        else:
                for k in ENV_KEYS:
                        print('%s=%s' % (k, env[k]))
                print('READY', flush=True)
        print('lfa-sim: %s platform at %s, control %s, record %s' % (
                platform.flavour, platform.root, platform.control_path, platform.record_path),
              file=sys.stderr, flush=True)
        while status[0] is None and not got:
                platform.loop_once(1.0)
        if child is not None and status[0] is None:
                child.terminate()
                try:
                        status[0] = child.wait(5)
                except subprocess.TimeoutExpired:
                        child.kill()
                        status[0] = child.wait()
        platform.record_file.close()
        if status[0] is None:
                return 0
        return status[0] if status[0] >= 0 else 128 - status[0]
