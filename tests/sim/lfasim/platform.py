# SPDX-License-Identifier: GPL-2.0-or-later
"""The simulated platform: lfa.ko's sysfs tree and uevents on umockdev,
with the driver's sequences played against the simulated agent.

One single-threaded event loop serves the inotify watches on the control
files, the control socket, timers (call delays, poll intervals, budgets) and
the child process. Every control write, every agent call, every uevent and
every sequence result goes to the record file (JSON lines, README.md).
"""

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

from .agent import Agent, CALL_AGAIN, SUCCESS, BUSY, INVALID_PARAMETERS
from .inotify import Inotify, IN_CLOSE_WRITE, IN_IGNORED
from .scenario import ScenarioError, code_errno, code_name, parse_statement
from .uevent import Sender

# The driver's table of known images (ABI file, "name").
KNOWN_NAMES = {
        '47d4086d-4cfe-9846-9b95-2950cbbd5a00': 'TF-A BL31 runtime',
        'd6d0eea7-fcea-d54b-9782-9934f234b6e4': 'BL33 non-secure payload',
        '6c0762a6-12f2-4b56-92cb-ba8f633606d9': 'TF-RMM',
}

RO, WO, RW = 0o444, 0o200, 0o644
COMPONENT_FILES = {
        'name': RO, 'seq_id': RO, 'current_version': RO, 'pending_version': RO,
        'activation_capable': RO, 'activation_pending': RO, 'may_reset_cpu': RO,
        'cpu_rendezvous': RO, 'force_cpu_rendezvous': RW, 'state': RO,
        'last_error': RO, 'prime': WO, 'activate': WO, 'cancel': WO,
}
CONTROL_FILES = ('activate', 'prime', 'cancel', 'force_cpu_rendezvous')

DEFAULT_BUDGETS = {'prime_budget_ms': 30000, 'activate_budget_ms': 20000,
                   'poll_interval_ms': 10}


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


def fmt_version(v):
        return 'N/A' if v == (0, 0) else '%d.%d' % v


class Entry:
        """What lfa.ko caches for one component (its kobject)."""

        def __init__(self, uuid):
                self.uuid = uuid
                self.seq = 0
                self.inv = None
                self.force = 1
                self.state = 'idle'
                self.last_error = ''
                self.cancel_req = False

        def key(self):
                i = self.inv
                return (self.seq, i['capable'], i['pending'], i['may_reset_cpu'],
                        i['rendezvous'], i['current'], i['pending_version'])

        def values(self):
                i = self.inv
                pend = i['pending_version'] if i['pending'] else (0, 0)
                return {
                        'name': KNOWN_NAMES.get(self.uuid, self.uuid),
                        'seq_id': str(self.seq),
                        'current_version': fmt_version(i['current']),
                        'pending_version': fmt_version(pend),
                        'activation_capable': str(int(i['capable'])),
                        'activation_pending': str(int(i['pending'])),
                        'may_reset_cpu': str(int(i['may_reset_cpu'])),
                        'cpu_rendezvous': '1' if i['rendezvous'] == 'required' else '0',
                        'state': self.state,
                        'last_error': self.last_error,
                }


class Platform:
        def __init__(self, root, scenario, record_path, budgets=None, verbose=False):
                self.root = root
                self.sys_lfa = os.path.join(root, 'sys', 'firmware', 'lfa')
                self.work = os.path.join(root, 'lfa-sim')
                self.tmp = os.path.join(self.work, 'tmp')
                self.control_path = os.path.join(self.work, 'control')
                self.record_path = record_path
                self.budgets = dict(DEFAULT_BUDGETS)
                self.budgets.update(budgets or {})
                self.verbose = verbose
                self.agent = Agent(scenario)
                self.names = {c['uuid']: c['name'] for c in scenario.components if c['name']}
                self.entries = {}
                self.wds = {}
                self.running = None
                self.deferred = []
                # (uuid, seq id) of the last successful activation, for
                # the stale-record retry; a CANCEL of it forgets it.
                self.last_activated = None
                self.timers = []
                self.timer_id = 0
                self.t0 = time.monotonic()
                self.sender = Sender(root)
                self.sel = selectors.DefaultSelector()
                self.stop = False
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
                vals = e.values()
                d = os.path.join(self.sys_lfa, e.uuid)
                for n in names or vals:
                        self._write(os.path.join(d, n), vals[n] + '\n', COMPONENT_FILES[n])

        def _create(self, e):
                """Build the directory aside and rename it in, so it appears
                with every file at once, watched before anyone can write."""
                self.ntmp += 1
                d = os.path.join(self.tmp, 'd%d' % self.ntmp)
                os.mkdir(d)
                os.symlink('../../../class/lfa', os.path.join(d, 'subsystem'))
                vals = e.values()
                for n, mode in COMPONENT_FILES.items():
                        if n == 'force_cpu_rendezvous':
                                text = '%d\n' % e.force
                        elif mode == WO:
                                text = ''
                        else:
                                text = vals[n] + '\n'
                        # os.open() sets the mode (umask is 0 in setup()) in
                        # three syscalls: 10000 components make 140000 files.
                        fd = os.open(os.path.join(d, n), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
                        try:
                                os.write(fd, text.encode())
                        finally:
                                os.close(fd)
                wd = self.inotify.add(d, IN_CLOSE_WRITE)
                self.wds[wd] = e.uuid
                os.rename(d, os.path.join(self.sys_lfa, e.uuid))

        def _destroy(self, uuid):
                shutil.rmtree(os.path.join(self.sys_lfa, uuid))
                del self.entries[uuid]

        def devpath(self, uuid):
                return '/firmware/lfa/' + uuid

        def uevent(self, action, uuid, **env):
                env = {'LFA_' + k: v for k, v in env.items()}
                if action == 'change' or 'LFA_UUID' in env:
                        env = dict([('LFA_UUID', uuid)] + [kv for kv in env.items() if kv[0] != 'LFA_UUID'])
                # Recorded before it is sent: whatever a client has seen is
                # already in the record.
                msg, props = self.sender.message(action, self.devpath(uuid), 'lfa', env)
                self.record('uevent', action=action, uuid=uuid, env=props)
                self.log('uevent %s %s %s', action, uuid, env)
                reached, dropped = self.sender.send(msg)
                if dropped:
                        self.record('dropped', uuid=uuid, seqnum=props['SEQNUM'],
                                    listeners=reached, dropped=dropped)

        def setup(self):
                # Modes are the kernel's, as given; nothing here is private.
                os.umask(0)
                os.makedirs(self.tmp, exist_ok=True)
                self.record_file = open(self.record_path, 'a', encoding='utf-8')
                self.inotify = Inotify()
                os.makedirs(os.path.dirname(self.sys_lfa), exist_ok=True)
                if not self.agent.present:
                        self.log('agent not present: no /sys/firmware/lfa')
                        return
                os.makedirs(self.sys_lfa)
                with open(os.path.join(self.sys_lfa, 'version'), 'w', encoding='utf-8') as f:
                        f.write('%d.%d\n' % self.agent.version)
                os.chmod(os.path.join(self.sys_lfa, 'version'), RO)
                with open(os.path.join(self.sys_lfa, 'refresh'), 'w', encoding='utf-8'):
                        pass
                os.chmod(os.path.join(self.sys_lfa, 'refresh'), WO)
                self.wds[self.inotify.add(self.sys_lfa, IN_CLOSE_WRITE)] = None
                for seq, inv in self.agent.inventory():
                        e = Entry(inv['uuid'])
                        e.seq, e.inv = seq, inv
                        self.entries[e.uuid] = e
                        self._create(e)

        # -- timers and the loop -------------------------------------------
        def later(self, delay_s, fn):
                self.timer_id += 1
                heapq.heappush(self.timers, (time.monotonic() + delay_s, self.timer_id, fn))

        def _on_inotify(self):
                for wd, mask, name in self.inotify.read():
                        if mask & IN_IGNORED:
                                self.wds.pop(wd, None)
                                continue
                        if wd not in self.wds:
                                continue
                        uuid = self.wds[wd]
                        if uuid is None and name == 'refresh':
                                self._on_write(None, name)
                        elif uuid is not None and name in CONTROL_FILES and uuid in self.entries:
                                self._on_write(uuid, name)

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

        # -- control writes (what lfad does) -------------------------------
        def _on_write(self, uuid, name):
                d = self.sys_lfa if uuid is None else os.path.join(self.sys_lfa, uuid)
                path = os.path.join(d, name)
                try:
                        with open(path, encoding='utf-8', errors='replace') as f:
                                value = f.read()
                except FileNotFoundError:
                        return
                if name != 'force_cpu_rendezvous':
                        # A write-only attribute keeps nothing; emptying it
                        # (truncate: no IN_CLOSE_WRITE) makes the next write
                        # readable whole whatever its length.
                        os.truncate(path, 0)
                value = value.strip()
                b = kstrtobool(value)
                e = self.entries.get(uuid)
                rec = {'file': name, 'uuid': uuid, 'value': value}
                if e is not None:
                        rec['force_cpu_rendezvous'] = e.force
                        rec['state'] = e.state
                self.log('write %s %s = %r', uuid, name, value)
                if name == 'force_cpu_rendezvous':
                        if b is None:
                                self.record('write', errno='EINVAL', **rec)
                                return
                        e.force = int(b)
                        rec['force_cpu_rendezvous'] = e.force
                        self.record('write', errno=None, **rec)
                        return
                if not b:
                        self.record('write', errno='EINVAL', **rec)
                        return
                self.record('write', errno=None, **rec)
                if name == 'refresh':
                        self._when_idle(lambda: self.refresh('changed'))
                elif name in ('activate', 'prime'):
                        self._start(e, name)
                elif name == 'cancel':
                        self._cancel(e)

        def _when_idle(self, fn):
                """The driver's mutex: refreshes wait for a running sequence."""
                if self.running is None:
                        fn()
                else:
                        self.deferred.append(fn)

        def _result(self, action, uuid, errno, **kv):
                self.record('result', action=action, uuid=uuid, errno=errno, **kv)

        def _fail_now(self, e, action, errno, code='NONE', x0=0, call='NONE'):
                # A refusal (call NONE) leaves the state as it was; a failed
                # PRIME/ACTIVATE sequence ends idle.
                if call != 'NONE':
                        e.state = 'idle'
                e.last_error = '%s %s %d %s' % (errno, code, x0, call)
                self._publish(e, ['state', 'last_error'])
                self._result(action, e.uuid, errno, last_error=e.last_error)
                self.uevent('change', e.uuid, EVENT='failed', ACTION=action, ERRNO=errno)

        def _start(self, e, action):
                if self.running is not None:
                        # Another sequence runs: the write fails at once with
                        # no uevent and last_error left alone (ABI file): it
                        # must not look like the end of the running one.
                        self._result(action, e.uuid, 'EBUSY', last_error=e.last_error)
                        return
                e.last_error = ''
                self._publish(e, ['last_error'])
                i = e.inv
                if i['may_reset_cpu']:
                        return self._fail_now(e, action, 'EPERM')
                if not i['capable']:
                        return self._fail_now(e, action, 'EOPNOTSUPP')
                if action == 'prime' and e.state == 'primed':
                        return self._fail_now(e, action, 'EALREADY')
                # force_cpu_rendezvous is read once, when the write starts.
                gen = self._sequence(e, action, e.force)
                self.running = (e.uuid, gen)
                self._step()

        def _step(self):
                gen = self.running[1]
                try:
                        delay = next(gen)
                except StopIteration:
                        self.running = None
                        while self.deferred and self.running is None:
                                self.deferred.pop(0)()
                        return
                self.later(delay, self._step)

        def _call(self, fn, uuid, seq, **kv):
                r = getattr(self.agent, fn)(seq, **kv)
                name = r if r == CALL_AGAIN else ('SUCCESS' if r == SUCCESS else code_name(r))
                x0 = 0 if r == CALL_AGAIN else r
                self.record('call', call=fn.upper(), uuid=uuid, seq_id=seq, result=name, x0=x0,
                            **({'skip_cpu_rendezvous': kv['skip']} if 'skip' in kv else {}))
                return r

        def _sequence(self, e, action, force):
                """lfa.ko's activate / prime store(): a generator that yields
                how long it sleeps (call delays, poll intervals)."""
                uuid = e.uuid
                comp = self.agent.by_uuid(uuid)
                delay = (comp['call_delay_ms'] if comp else 0) / 1000.0
                poll = self.budgets['poll_interval_ms'] / 1000.0
                retried = False
                while True:
                        seq, inv = self.agent.entry(uuid)
                        self.record('call', call='INVENTORY', uuid=uuid, seq_id=seq,
                                    result='SUCCESS' if seq is not None else 'INVALID_PARAMETERS',
                                    x0=0 if seq is not None else INVALID_PARAMETERS)
                        if seq is None:
                                # Gone from the firmware: -ENODEV, no uevent
                                # (the directory goes at the next refresh).
                                self._result(action, uuid, 'ENODEV', last_error=e.last_error)
                                return
                        e.seq, e.inv = seq, inv
                        self._publish(e)
                        if not inv['pending']:
                                return self._fail_now(e, action, 'ENODATA')
                        if e.state != 'primed':
                                e.state = 'priming'
                                self._publish(e, ['state'])
                                start = time.monotonic()
                                while True:
                                        if e.cancel_req:
                                                e.cancel_req = False
                                                self._call('cancel', uuid, seq)
                                                return self._fail_now(e, action, 'ECANCELED', call='PRIME')
                                        if delay:
                                                yield delay
                                        r = self._call('prime', uuid, seq)
                                        if r == SUCCESS:
                                                break
                                        if r != CALL_AGAIN:
                                                return self._fail_now(e, action, code_errno(r), code_name(r), r, 'PRIME')
                                        if (time.monotonic() - start) * 1000 >= self.budgets['prime_budget_ms']:
                                                self._call('cancel', uuid, seq)
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
                                        self._call('cancel', uuid, seq)
                                        return self._fail_now(e, action, 'ETIMEDOUT', call='ACTIVATE')
                                yield poll
                        if r == SUCCESS:
                                break
                        prev = self.last_activated
                        if (r == INVALID_PARAMETERS and not retried and prev is not None
                                        and prev[0] != uuid):
                                # TF-A's stale in-progress record (ABI file):
                                # cancel the previous activation's sequence
                                # id (its current one, if it is still
                                # there, as lfa.ko does), then the whole
                                # sequence once more.
                                self.last_activated = None
                                pe = self.entries.get(prev[0])
                                self._call('cancel', uuid, pe.seq if pe else prev[1])
                                retried = True
                                e.state = 'idle'
                                continue
                        return self._fail_now(e, action, code_errno(r), code_name(r), r, 'ACTIVATE')
                self.last_activated = (uuid, seq)
                e.state = 'idle'
                self._publish(e, ['state'])
                self.refresh('changed', activated=(uuid, not skip))

        def _cancel(self, e):
                if e.state == 'priming':
                        e.cancel_req = True
                        self._result('cancel', e.uuid, None)
                        return
                if e.state == 'activating' or self.running is not None:
                        self._result('cancel', e.uuid, 'EBUSY')
                        return
                r = self._call('cancel', e.uuid, e.seq)
                self._result('cancel', e.uuid, None if r == SUCCESS else code_errno(r))
                if r == SUCCESS and self.last_activated and self.last_activated[0] == e.uuid:
                        self.last_activated = None
                if e.state == 'primed':
                        e.state = 'idle'
                        self._publish(e, ['state'])
                        self.uevent('change', e.uuid, EVENT='changed')

        # -- refresh (notification, "refresh" write, after an activation) --
        def refresh(self, kind, activated=None):
                inv = self.agent.inventory()
                self.record('call', call='INVENTORY', uuid=None, seq_id=None, result='SUCCESS',
                            x0=0, count=len(inv))
                seen = set()
                added, changed = [], []
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
                        old = e.key()
                        e.seq, e.inv = seq, i
                        if e.key() != old:
                                self._publish(e)
                                changed.append(e.uuid)
                gone = [u for u in self.entries if u not in seen]
                for u in added:
                        self.uevent('add', u)
                for u in changed:
                        if activated is None or u != activated[0]:
                                self.uevent('change', u, EVENT=kind)
                if activated is not None:
                        self._result('activate', activated[0], None, rendezvous=activated[1])
                        self.uevent('change', activated[0], EVENT='activated', ACTION='activate')
                for u in gone:
                        self._destroy(u)
                        self.uevent('remove', u)

        # -- run-time statements (lfa-sim ctl) -----------------------------
        def statement(self, line):
                verb, kv = parse_statement(line)
                self.record('ctl', statement=line)
                self.log('ctl %s', line)
                a = self.agent
                if verb in ('store-update', 'remove', 'set'):
                        comp = a.by_uuid(kv['uuid'])
                        if comp is None:
                                raise ScenarioError('ctl: no component %s' % kv['uuid'])
                if verb == 'store-update':
                        comp['pending'] = True
                        if 'pending_version' in kv:
                                comp['pending_version'] = kv['pending_version']
                        self._when_idle(lambda: self.refresh('store-updated'))
                elif verb == 'notify':
                        self._when_idle(lambda: self.refresh('store-updated'))
                elif verb == 'component':
                        if a.by_uuid(kv['uuid']) is not None:
                                raise ScenarioError('ctl: component %s exists' % kv['uuid'])
                        a.components.append(kv)
                elif verb == 'remove':
                        a.components.remove(comp)
                elif verb == 'set':
                        for k, v in kv.items():
                                if k != 'uuid':
                                        comp[k] = v
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

        def open_control(self):
                self.ctl_sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.ctl_sock.bind(self.control_path)
                self.ctl_sock.listen(16)
                self.ctl_sock.setblocking(False)
                self.sel.register(self.ctl_sock, selectors.EVENT_READ, self._on_control_accept)
                self.sel.register(self.inotify.fd, selectors.EVENT_READ, self._on_inotify)

        def child_env(self, base=None):
                env = dict(os.environ if base is None else base)
                pre = env.get('LD_PRELOAD', '')
                env['LD_PRELOAD'] = 'libumockdev-preload.so.0' + (':' + pre if pre else '')
                env['UMOCKDEV_DIR'] = self.root
                env['LFA_SIM_ROOT'] = self.root
                env['LFA_SIM_CONTROL'] = self.control_path
                env['LFA_SIM_RECORD'] = self.record_path
                return env


def run(platform, argv):
        """Play the firmware until the child exits (argv) or until SIGTERM /
        SIGINT (argv empty: serve). Returns the exit status to use."""
        platform.setup()
        platform.open_control()
        rfd, wfd = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        signal.set_wakeup_fd(wfd)
        got = []
        for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                signal.signal(s, lambda n, f: got.append(n))
        platform.sel.register(rfd, selectors.EVENT_READ, lambda: os.read(rfd, 512))
        env = platform.child_env()
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
                for k in ('UMOCKDEV_DIR', 'LD_PRELOAD', 'LFA_SIM_ROOT', 'LFA_SIM_CONTROL', 'LFA_SIM_RECORD'):
                        print('%s=%s' % (k, env[k]))
                print('READY', flush=True)
        print('lfa-sim: platform at %s, control %s, record %s' % (
                platform.root, platform.control_path, platform.record_path), file=sys.stderr, flush=True)
        while status[0] is None and not got:
                platform.loop_once(1.0)
        if child is not None and status[0] is None:
                child.terminate()
                try:
                        status[0] = child.wait(5)
                except subprocess.TimeoutExpired:
                        child.kill()
                        status[0] = child.wait()
        # Nothing written after the child ended is played, but what it
        # wrote last is still recorded.
        platform._on_inotify()
        platform.record_file.close()
        if status[0] is None:
                return 0
        return status[0] if status[0] >= 0 else 128 - status[0]

