# SPDX-License-Identifier: GPL-2.0-or-later
"""Test-side handle on a running simulated platform.

    with Sim(SCENARIO_TEXT, prime_budget_ms=300, flavour='upstream') as sim:
        env = sim.child_env()              # what a program run inside needs
        sim.ctl('store-update uuid=...')   # play the firmware
        sim.write(UUID, 'activate', '1')   # a write as a preloaded process's
        sim.wait_record(lambda r: r['type'] == 'write' and r['file'] == 'activate')

It starts `lfa-sim run SCENARIO` without a program (serve mode), reads the
environment lfa-sim prints, and reads the record file (JSON lines,
tests/sim/README.md). Shared by tests/sim, tests/integration and tests/bus.
"""

import json
import os
import select
import signal
import socket
import subprocess
import tempfile
import time

from .inotify import IN_CREATE, IN_MODIFY, Inotify
from .waker import Waker

SIM_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
LFA_SIM = os.path.join(SIM_DIR, 'lfa-sim')
PYTHON = '/usr/bin/python3'


class SimError(Exception):
        pass


class Sim:
        def __init__(self, scenario, prime_budget_ms=None, activate_budget_ms=None,
                     poll_interval_ms=None, verbose=True, start_timeout=20, flavour=None,
                     smccc_uevents=False):
                """scenario: the text of a scenario, or a path to a .scn file;
                start_timeout: seconds to wait for READY (large platforms);
                flavour: 'extended' or 'upstream' (default $LFA_SIM_FLAVOUR,
                else extended); smccc_uevents: NVIDIA's device uevents
                (upstream)."""
                self.start_timeout = start_timeout
                # wait_record()'s timeouts are multiplied by it: a slow
                # client (lfad under valgrind) sets LFA_TIME_SCALE (lfatest).
                self.time_scale = 1
                self.flavour = flavour or os.environ.get('LFA_SIM_FLAVOUR') or 'extended'
                if self.flavour not in ('extended', 'upstream'):
                        raise SimError('unknown flavour %r (extended, upstream)' % self.flavour)
                self.tmp = tempfile.TemporaryDirectory(prefix='lfa-sim-')
                if '\n' not in scenario and os.path.exists(scenario):
                        self.scenario = scenario
                else:
                        self.scenario = os.path.join(self.tmp.name, 'platform.scn')
                        with open(self.scenario, 'w', encoding='utf-8') as f:
                                f.write(scenario)
                self.record_path = os.path.join(self.tmp.name, 'record.jsonl')
                self.log_path = os.path.join(self.tmp.name, 'lfa-sim.log')
                self.args = []
                for opt, v in (('--prime-budget-ms', prime_budget_ms),
                               ('--activate-budget-ms', activate_budget_ms),
                               ('--poll-interval-ms', poll_interval_ms)):
                        if v is not None:
                                self.args.append('%s=%d' % (opt, v))
                self.args.append('--flavour=' + self.flavour)
                if smccc_uevents:
                        self.args.append('--smccc-uevents')
                if verbose:
                        self.args.append('--verbose')
                self.proc = None
                self.env = {}
                self._offset = 0
                self._records = []
                # Every record lfa-sim writes wakes wait_until(): the record
                # file is its event log (and its log file changes too). A
                # test adds its own sources to the same waker (lfatest:
                # lfad's signals, its files, its exit).
                self._watch = Inotify(self.tmp.name, IN_MODIFY | IN_CREATE)
                self.waker = Waker()
                self.waker.add(self._watch.fd, self._watch.drain)

        def start(self, timeout=None):
                timeout = timeout or self.start_timeout
                self.log = open(self.log_path, 'w', encoding='utf-8')
                self.proc = subprocess.Popen(
                        [PYTHON, LFA_SIM, 'run', '--record', self.record_path] + self.args + [self.scenario],
                        stdout=subprocess.PIPE, stderr=self.log, stdin=subprocess.DEVNULL)
                deadline = time.monotonic() + timeout
                buf = b''
                while b'READY\n' not in buf:
                        left = deadline - time.monotonic()
                        if left <= 0 or not select.select([self.proc.stdout], [], [], left)[0]:
                                self.stop()
                                raise SimError('lfa-sim did not get ready: %s' % self.log_text())
                        chunk = os.read(self.proc.stdout.fileno(), 4096)
                        if not chunk:
                                self.stop()
                                raise SimError('lfa-sim exited: %s' % self.log_text())
                        buf += chunk
                for line in buf.decode().splitlines():
                        if '=' in line:
                                k, v = line.split('=', 1)
                                self.env[k] = v
                return self

        def __enter__(self):
                return self.start()

        def __exit__(self, *exc):
                self.cleanup()

        def stop(self):
                if self.proc is not None and self.proc.poll() is None:
                        self.proc.send_signal(signal.SIGTERM)
                        try:
                                self.proc.wait(10)
                        except subprocess.TimeoutExpired:
                                self.proc.kill()
                                self.proc.wait()
                if self.proc is not None:
                        self.proc.stdout.close()
                        self.log.close()
                        self.proc = None

        def cleanup(self):
                self.stop()
                self.waker.remove(self._watch.fd)
                self._watch.close()
                self.tmp.cleanup()

        def log_text(self):
                try:
                        with open(self.log_path, encoding='utf-8', errors='replace') as f:
                                return f.read()
                except OSError:
                        return ''

        @property
        def sys_lfa(self):
                """The real directory behind the child's /sys/firmware/lfa."""
                return os.path.join(self.env['UMOCKDEV_DIR'], 'sys', 'firmware', 'lfa')

        def attr(self, uuid, name):
                with open(os.path.join(self.sys_lfa, uuid, name), encoding='utf-8') as f:
                        return f.read().rstrip('\n')

        @property
        def module_dir(self):
                """The real directory behind /sys/module/lfa (extended) or
                /sys/module/lfa_fw (upstream)."""
                return os.path.join(self.env['UMOCKDEV_DIR'], 'sys', 'module',
                                    'lfa_fw' if self.flavour == 'upstream' else 'lfa')

        def write(self, uuid, name, value):
                """Write value to a component's file (uuid None: to the top of
                /sys/firmware/lfa) as a preloaded process's write() does:
                block until the simulated store() returns; return the count
                or raise OSError with the driver's errno."""
                rel = 'sys/firmware/lfa/' + (name if uuid is None else '%s/%s' % (uuid, name))
                data = value.encode() if isinstance(value, str) else value
                with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as s:
                        s.connect(self.env['LFA_SIM_SYSFS'])
                        s.send(rel.encode() + b'\0' + data)
                        n = int(s.recv(64))
                if n < 0:
                        raise OSError(-n, '%s: %s' % (rel, os.strerror(-n)))
                return n

        def child_env(self, base=None):
                env = dict(os.environ if base is None else base)
                pre = env.get('LD_PRELOAD')
                env.update(self.env)
                if pre:
                        env['LD_PRELOAD'] = self.env['LD_PRELOAD'] + ':' + pre
                return env

        def ctl(self, *statements):
                """Send statements; raise SimError with lfa-sim's reply on an
                error."""
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                        s.settimeout(10)
                        s.connect(self.env['LFA_SIM_CONTROL'])
                        f = s.makefile('rw', encoding='utf-8')
                        for st in statements:
                                f.write(st + '\n')
                                f.flush()
                                reply = f.readline().strip()
                                if reply != 'ok':
                                        raise SimError(reply)

        def burst(self, count, uuid=None, spacing_us=0, major=None, timeout=60):
                """Play a burst statement (README.md, "Bursts") and wait for
                its end: the "burst" record of phase "end"."""
                st = 'burst count=%d spacing_us=%d' % (count, spacing_us)
                st += '' if uuid is None else ' uuid=' + uuid
                st += '' if major is None else ' major=%d' % major
                self.ctl(st)
                bid = self.records('burst', phase='start')[-1]['burst']
                return self.wait_record(lambda r: r['type'] == 'burst' and r['phase'] == 'end'
                                        and r['burst'] == bid, timeout, 'the end of burst %d' % bid)

        def records(self, kind=None, since=0, **match):
                """Every record so far, from the since-th on, optionally only
                those of a type whose fields equal the keyword arguments."""
                try:
                        with open(self.record_path, encoding='utf-8') as f:
                                f.seek(self._offset)
                                data = f.read()
                except FileNotFoundError:
                        data = ''
                # Only whole lines: lfa-sim may be writing the last one.
                end = data.rfind('\n') + 1
                for line in data[:end].splitlines():
                        self._records.append(json.loads(line))
                self._offset += len(data[:end].encode())
                return [r for r in self._records[since:]
                        if (kind is None or r['type'] == kind)
                        and all(r.get(k) == v for k, v in match.items())]

        def writes(self, file=None, uuid=None):
                m = {}
                if file is not None:
                        m['file'] = file
                if uuid is not None:
                        m['uuid'] = uuid
                return self.records('write', **m)

        def wait_until(self, cond, timeout, what):
                """cond()'s first true value, checked again after each wake of
                self.waker (inotify on lfa-sim's files, and whatever the test
                added: no polling); SimError after timeout seconds, or if
                cond() became true with nothing to wake the wait. The watch
                exists before the first check, so a record written meanwhile
                still wakes the next wait."""
                return self.waker.until(cond, timeout, what, SimError, grace=self.time_scale)

        def wait_record(self, pred, timeout=10, what='a record'):
                return self.wait_until(lambda: next((r for r in self.records() if pred(r)), None),
                                       timeout * self.time_scale, what)

        def wait_result(self, uuid, action='activate', timeout=10, start=0):
                """The n-th (start) sequence result of uuid: the end of what an
                "activate"/"prime" write started."""
                def nth():
                        rs = self.records('result', uuid=uuid, action=action)
                        return rs[start] if len(rs) > start else None
                return self.wait_until(nth, timeout, 'the %s result of %s' % (action, uuid))
