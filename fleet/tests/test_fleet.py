#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The real engines on a simulated fleet (fleetlab.py): ansible-playbook with
the built and installed lfa.fleet collection rolls TF-RMM 1.2 -> 1.3 through
nine hosts, each with its own simulated platform, bus and lfad; two
node_exporters (127.0.0.1 only) serve what `lfactl metrics --watch` writes
for two of them. The tests run in order (test_NN) on one fleet: a check-mode
rollout, a strict rollout stopped by its failing wave, the operator's second
run reaching every healthy host, a third run changing nothing, then the
modules alone and the metrics.

Environment: LFA_BUILD, LFA_FLEET_COLLECTION (the built collection tarball).
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), 'tests', 'integration'))
import lfatap  # noqa: E402

import fleetlab  # noqa: E402
from fleetlab import LFACTL, LFAD, RMM  # noqa: E402

# The rollout group, in wave order: serial [1, 3, 100%] makes node01 the
# canary, node02-04 the second wave and node05-09 the third.
ROLLOUT = [('node01', 'healthy'), ('node02', 'healthy'), ('node03', 'current'), ('node04', 'failing'),
           ('node05', 'healthy'), ('node06', 'healthy'), ('node07', 'inhibited'), ('node08', 'healthy-upstream'),
           ('node09', 'other')]
LAB = [('lab01', 'slow'), ('lab02', 'healthy')]
HEALTHY = [n for n, k in ROLLOUT if k.startswith('healthy')]
WAVES = '[1, 3, "100%"]'
EXPECT = [{'uuid': RMM, 'version': '1.3'}]

RECAP = re.compile(r'^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+'
                   r'skipped=(\d+)\s+rescued=(\d+)', re.M)
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')

lab = None
ansible_env = None
exporters = {}



class Exporter:
        """lfactl metrics --watch for one host, into the textfile directory
        of a node_exporter of its own (textfile collector only, 127.0.0.1)."""

        def __init__(self, host, tmp):
                self.host = host
                self.dir = os.path.join(tmp, 'textfile-' + host.name)
                os.makedirs(self.dir)
                self.file = os.path.join(self.dir, 'lfa.prom')
                # The metrics file's every rewrite wakes the host's waits
                # (the watcher rewrites it on lfad's signals).
                host.watch_files(self.dir)
                self.watch_log = open(os.path.join(tmp, 'metrics-%s.log' % host.name), 'w', encoding='utf-8')
                # Only lfad's signals make it rewrite the file: the interval is an hour.
                self.watch = subprocess.Popen([LFACTL, 'metrics', self.file, '--watch', '--interval=3600',
                                               '--policy-dir=' + host.etc, '--policy-dir=' + host.usr,
                                               '--sysfs=' + os.path.join(tmp, 'no-sysfs')],
                                              env=host.env(), stdout=self.watch_log, stderr=self.watch_log,
                                              stdin=subprocess.DEVNULL)
                # node_exporter gets its socket listening already, as from
                # systemd (--web.systemd-socket, LISTEN_FDS): a scrape
                # connects at once and waits for the answer, so nothing
                # waits for the exporter to start, and no port is picked
                # free and bound later by someone else. (bash, not dash:
                # dash takes no fd above 9 in a redirection.)
                self.sock = socket.socket()
                self.sock.bind(('127.0.0.1', 0))
                self.sock.listen(16)
                self.port = self.sock.getsockname()[1]
                self.log = open(os.path.join(tmp, 'node-exporter-%s.log' % host.name), 'w', encoding='utf-8')
                fd = self.sock.fileno()
                self.proc = subprocess.Popen(['bash', '-c', 'export LISTEN_PID=$$ LISTEN_FDS=1; exec "$0" "$@" 3<&%d' % fd,
                                              'prometheus-node-exporter', '--web.systemd-socket',
                                              '--collector.disable-defaults', '--collector.textfile',
                                              '--collector.textfile.directory=' + self.dir],
                                             stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL,
                                             pass_fds=(fd,))
                host.wait_for(lambda: os.path.exists(self.file), 10, 'first metrics file')

        def scrape_text(self):
                with urllib.request.urlopen('http://127.0.0.1:%d/metrics' % self.port, timeout=30) as r:
                        return r.read().decode()

        def scrape(self):
                """[(name, {labels}, value)] of every sample node_exporter serves."""
                out = []
                for line in self.scrape_text().splitlines():
                        if not line or line.startswith('#'):
                                continue
                        m = SAMPLE.match(line)
                        if not m:
                                raise AssertionError('unparsable sample: %r' % line)
                        labels = {k: v for k, v in LABEL.findall(m.group(2) or '')}
                        out.append((m.group(1), labels, float(m.group(3))))
                return out

        def value(self, metric, **labels):
                vals = [v for n, ls, v in self.scrape() if n == metric and all(ls.get(k) == x for k, x in labels.items())]
                return vals[0] if len(vals) == 1 else vals or None

        def stop(self):
                for p in (self.watch, self.proc):
                        if p.poll() is None:
                                p.terminate()
                                try:
                                        p.wait(10)
                                except subprocess.TimeoutExpired:
                                        p.kill()
                                        p.wait()
                self.sock.close()
                self.watch_log.close()
                self.log.close()
                return self.watch.returncode


def setUpModule():
        global lab, ansible_env
        lab = fleetlab.Lab(ROLLOUT + LAB + [('lab03', 'healthy')],
                           {'lfa': [n for n, _ in ROLLOUT], 'lab': [n for n, _ in LAB] + ['lab03']})
        try:
                # lab03: a host whose lfad is down (its bus is up).
                lab.hosts['lab03'].stop_lfad()
                tarball = os.environ.get('LFA_FLEET_COLLECTION')
                if not tarball:
                        raise AssertionError('LFA_FLEET_COLLECTION (the built collection) is not set')
                coll = os.path.join(lab.tmp, 'collections')
                ansible_env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=coll, ANSIBLE_NOCOLOR='1',
                                   ANSIBLE_FORCE_COLOR='0', ANSIBLE_PIPELINING='1', ANSIBLE_FORKS='10',
                                   ANSIBLE_LOCAL_TEMP=os.path.join(lab.tmp, 'ansible-tmp'),
                                   ANSIBLE_HOME=os.path.join(lab.tmp, 'ansible-home'),
                                   ANSIBLE_RETRY_FILES_ENABLED='0', ANSIBLE_DEPRECATION_WARNINGS='0')
                r = subprocess.run(['ansible-galaxy', 'collection', 'install', '-p', coll, tarball],
                                   env=ansible_env, capture_output=True, text=True, timeout=120)
                if r.returncode != 0:
                        raise AssertionError('ansible-galaxy collection install: %s %s' % (r.stdout, r.stderr))
                os.makedirs(os.path.join(lab.tmp, 'no-sysfs'))
                for name in ('node01', 'node04'):
                        exporters[name] = Exporter(lab.hosts[name], lab.tmp)
        except BaseException:
                tearDownModule()
                raise


def tearDownModule():
        bad = {}
        for name, e in exporters.items():
                rc = e.stop()
                if rc not in (0, None):
                        bad['metrics ' + name] = rc
        if lab is not None:
                keep = os.environ.get('LFA_FLEET_KEEP')
                if keep:
                        shutil.copytree(lab.tmp, keep, dirs_exist_ok=True,
                                        ignore=shutil.ignore_patterns('bus', 'collections'))
                bad.update(lab.stop())
        if bad:
                raise AssertionError('teardown: %r' % bad)


def playbook(*extra, check=False, report=None, max_fail=None):
        """ansible-playbook lfa.fleet.rolling_activation over group lfa;
        returns (rc, output, recap {host: counts}, reports {host: outcome})."""
        report = report or tempfile.mkdtemp(dir=lab.tmp, prefix='report-')
        ev = {'lfa_expect': EXPECT, 'lfa_report_dir': report, 'lfa_waves': json.loads(WAVES)}
        if max_fail is not None:
                ev['lfa_max_fail_percentage'] = max_fail
        cmd = ['ansible-playbook', '-i', lab.inventory, 'lfa.fleet.rolling_activation', '-e', json.dumps(ev)]
        if check:
                cmd.append('--check')
        r = subprocess.run(cmd + list(extra), env=ansible_env, capture_output=True, text=True, timeout=300)
        out = r.stdout + r.stderr
        recap = {m.group(1): dict(zip(('ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued'),
                                      map(int, m.groups()[1:])))
                 for m in RECAP.finditer(r.stdout)}
        reports = {}
        for f in os.listdir(report):
                with open(os.path.join(report, f), encoding='utf-8') as fh:
                        reports[f[:-len('.json')]] = json.load(fh)
        return r.returncode, out, recap, reports


def adhoc(host, module, args, check=False):
        """ansible HOST -m MODULE -a ARGS, as JSON (the one-line callback)."""
        args = dict(args, bus_address=lab.hosts[host].address, lfactl=LFACTL)
        cmd = ['ansible', host, '-i', lab.inventory, '-m', module, '-a', json.dumps(args), '-o']
        if check:
                cmd.append('--check')
        r = subprocess.run(cmd, env=ansible_env, capture_output=True, text=True, timeout=120)
        m = re.search(r'^\S+ \| (\S+)(?:!)? => (\{.*\})$', r.stdout, re.M)
        if not m:
                raise AssertionError('ansible %s: no result in %r %r' % (module, r.stdout, r.stderr))
        return m.group(1).rstrip('!'), json.loads(m.group(2))


def writes():
        return {n: len(h.activate_writes()) for n, h in lab.hosts.items()}


class TestFleet(unittest.TestCase):
        maxDiff = None

        def assertOutcome(self, reports, host, outcome, error=''):
                self.assertIn(host, reports, 'no outcome reported for %s' % host)
                rep = reports[host]
                self.assertEqual((rep['outcome'], rep['error']), (outcome, error), rep)
                return rep

        def assertPending(self, host, version='1.2'):
                c = lab.hosts[host].component()
                self.assertTrue(c['ActivationPending'], (host, c))
                self.assertEqual(c['CurrentVersion'], version, (host, c))

        def assertRunning13(self, host):
                c = lab.hosts[host].component()
                self.assertFalse(c['ActivationPending'], (host, c))
                self.assertEqual(c['CurrentVersion'], '1.3', (host, c))

        def test_01_check_mode_rollout_writes_nothing(self):
                rc, out, recap, reports = playbook(check=True, max_fail=100)
                self.assertEqual(sorted(recap), sorted(n for n, _ in ROLLOUT), out)
                for n in HEALTHY + ['node04']:
                        self.assertOutcome(reports, n, 'would-activate')
                self.assertOutcome(reports, 'node03', 'current')
                self.assertOutcome(reports, 'node07', 'failed', 'org.lfa.Error.Inhibited')
                self.assertOutcome(reports, 'node09', 'failed', 'org.lfa.fleet.UnexpectedImage')
                self.assertNotEqual(rc, 0, out)
                self.assertEqual(sum(writes().values()), 0, writes())
                for n in HEALTHY:
                        self.assertPending(n)

        def test_02_strict_rollout_stops_at_the_failing_wave(self):
                rc, out, recap, reports = playbook()
                self.assertNotEqual(rc, 0, out)
                # Canary and the second wave ran; the third was never started.
                self.assertEqual(sorted(recap), ['node01', 'node02', 'node03', 'node04'], out)
                self.assertEqual(sorted(reports), ['node01', 'node02', 'node03', 'node04'], out)
                self.assertOutcome(reports, 'node01', 'activated')
                self.assertOutcome(reports, 'node02', 'activated')
                self.assertOutcome(reports, 'node03', 'current')
                rep = self.assertOutcome(reports, 'node04', 'failed', 'org.lfa.Error.FirmwareError')
                self.assertIn('AUTH_ERROR', rep['message'], rep)
                self.assertEqual(rep['stage'], 'Activate the expected images', rep)
                self.assertEqual(recap['node04']['failed'], 1, recap)
                for n in ('node01', 'node02'):
                        self.assertRunning13(n)
                        self.assertEqual(recap[n]['changed'], 1, recap)
                self.assertEqual(recap['node03']['changed'], 0, recap)
                w = writes()
                self.assertEqual((w['node01'], w['node02'], w['node03'], w['node04']), (1, 1, 0, 1), w)
                # The rest is untouched: no write, still pending.
                for n in ('node05', 'node06', 'node07', 'node08', 'node09'):
                        self.assertEqual(w[n], 0, (n, w))
                for n in ('node05', 'node06', 'node08'):
                        self.assertPending(n)

        def test_03_second_run_reaches_every_healthy_host(self):
                before = writes()
                rc, out, recap, reports = playbook(max_fail=50)
                self.assertNotEqual(rc, 0, out)     # node04, node07, node09 fail
                self.assertEqual(sorted(reports), sorted(n for n, _ in ROLLOUT), out)
                for n in ('node05', 'node06', 'node08'):
                        self.assertOutcome(reports, n, 'activated')
                        self.assertEqual(recap[n]['changed'], 1, recap)
                for n in ('node01', 'node02', 'node03'):
                        self.assertOutcome(reports, n, 'current')
                        self.assertEqual(recap[n]['changed'], 0, recap)
                self.assertOutcome(reports, 'node04', 'failed', 'org.lfa.fleet.EarlierFailure')
                self.assertOutcome(reports, 'node07', 'failed', 'org.lfa.Error.Inhibited')
                rep = self.assertOutcome(reports, 'node09', 'failed', 'org.lfa.fleet.UnexpectedImage')
                self.assertIn('other-pending', rep['message'], rep)
                for n in HEALTHY:
                        self.assertRunning13(n)
                after = writes()
                for n, k in ROLLOUT:
                        self.assertEqual(after[n] - before[n], 1 if n in ('node05', 'node06', 'node08') else 0,
                                         (n, before, after))
                self.assertPending('node07')
                self.assertPending('node04')

        def test_04_third_run_changes_nothing(self):
                before = writes()
                rc, out, recap, reports = playbook(max_fail=50)
                self.assertEqual(sorted(recap), sorted(n for n, _ in ROLLOUT), out)
                for n, counts in recap.items():
                        self.assertEqual(counts['changed'], 0, (n, counts, out))
                self.assertEqual(writes(), before)
                for n in HEALTHY:
                        self.assertOutcome(reports, n, 'current')
                self.assertEqual({n: reports[n]['outcome'] for n in ('node04', 'node07', 'node09')},
                                 {'node04': 'failed', 'node07': 'failed', 'node09': 'failed'})

        def test_05_facts(self):
                status, res = adhoc('node04', 'lfa.fleet.lfa_facts', {'expect': EXPECT, 'history': 5})
                self.assertEqual(status, 'SUCCESS', res)
                lfa = res['ansible_facts']['lfa']
                self.assertEqual(lfa['expected'][0]['status'], 'pending', lfa['expected'])
                self.assertEqual(lfa['expected'][0]['last_result'], 'failed', lfa['expected'])
                self.assertEqual(lfa['by_uuid'][RMM]['PendingVersion'], '1.3')
                self.assertEqual({p['decision'] for p in lfa['plan'] if p['uuid'] == RMM}, {'window'})
                self.assertEqual(lfa['history'][0]['result'], 'failed', lfa['history'])
                self.assertIn('AUTH_ERROR', lfa['history'][0]['error'], lfa['history'])
                self.assertFalse(lfa['inhibited'])

        def test_06_unreachable_lfad_is_named(self):
                status, res = adhoc('lab03', 'lfa.fleet.lfa_facts', {})
                self.assertEqual(status, 'FAILED', res)
                self.assertEqual(res['error'], 'org.freedesktop.DBus.Error.ServiceUnknown', res)
                self.assertTrue(res['msg'].startswith(res['error'] + ':'), res)

        def test_07_activate_timeout(self):
                status, res = adhoc('lab01', 'lfa.fleet.lfa_activate', {'uuid': RMM, 'timeout': 1})
                self.assertEqual(status, 'FAILED', res)
                self.assertEqual(res['error'], 'org.lfa.lfactl.Timeout', res)
                # The firmware was handed the activation: it runs to its end.
                host = lab.hosts['lab01']
                host.wait_for(lambda: host.component()['CurrentVersion'] == '1.3', 20, 'running 1.3')
                host.wait_for(lambda: host.json('status')['State'] == 'idle', 10, 'idle')

        def test_08_pending_mode_check_then_activate_then_nothing(self):
                status, res = adhoc('lab02', 'lfa.fleet.lfa_activate', {'pending': True}, check=True)
                self.assertEqual(status, 'CHANGED', res)
                self.assertEqual([(r['uuid'], r['result']) for r in res['results']], [(RMM, 'would-activate')], res)
                self.assertEqual([p['decision'] for p in res['plan'] if p['uuid'] == RMM], ['window'], res)
                self.assertEqual(len(lab.hosts['lab02'].activate_writes()), 0)
                status, res = adhoc('lab02', 'lfa.fleet.lfa_activate', {'pending': True})
                self.assertEqual(status, 'CHANGED', res)
                self.assertEqual([(r['uuid'], r['result'], r['version_after']) for r in res['results']],
                                 [(RMM, 'activated', '1.3')], res)
                # BL31 is pending too, but refused by the policy: never tried.
                self.assertEqual([w['uuid'] for w in lab.hosts['lab02'].activate_writes()], [RMM])
                status, res = adhoc('lab02', 'lfa.fleet.lfa_activate', {'pending': True})
                self.assertEqual(status, 'SUCCESS', res)
                self.assertFalse(res['changed'], res)
                self.assertEqual(len(lab.hosts['lab02'].activate_writes()), 1)

        def test_09_metrics_through_node_exporter(self):
                ok, bad = exporters['node01'], exporters['node04']
                for e in (ok, bad):
                        self.assertEqual(e.value('node_textfile_scrape_error'), 0.0)
                        self.assertEqual(e.value('lfa_up'), 1.0)
                        self.assertEqual(e.value('lfa_policy_error'), 0.0)
                        self.assertEqual(e.value('lfa_components'), 2.0)
                        self.assertEqual(e.value('lfa_info', driver_abi='extended', driver_module='lfa'), 1.0)
                # node01 took 1.3: the file was rewritten on lfad's signals
                # (the watcher's interval is an hour).
                self.assertEqual(ok.value('lfa_component_info', uuid=RMM, name='TF-RMM', current_version='1.3',
                                          pending_version='N/A', decision='nothing-pending'), 1.0)
                self.assertEqual(ok.value('lfa_component_activation_pending', uuid=RMM), 0.0)
                self.assertEqual(ok.value('lfa_component_last_attempt_success', uuid=RMM), 1.0)
                self.assertEqual(ok.value('lfa_component_failures_total', uuid=RMM), 0.0)
                self.assertEqual(ok.value('lfa_component_last_attempt_info', uuid=RMM, action='activate',
                                          trigger='manual', result='success', version_after='1.3'), 1.0)
                self.assertGreater(ok.value('lfa_component_last_rendezvous_duration_seconds', uuid=RMM), 0.0)
                self.assertEqual(ok.value('lfa_pending_components'), 1.0)      # BL31, refused
                # node04's failure, as an alert would see it.
                self.assertEqual(bad.value('lfa_component_last_attempt_success', uuid=RMM), 0.0)
                self.assertEqual(bad.value('lfa_component_failures_total', uuid=RMM), 1.0)
                self.assertEqual(bad.value('lfa_component_last_attempt_info', uuid=RMM,
                                           error='EKEYREJECTED AUTH_ERROR'), 1.0)
                self.assertEqual(bad.value('lfa_component_info', uuid=RMM, current_version='1.2',
                                           pending_version='1.3', decision='window'), 1.0)
                self.assertGreater(bad.value('lfa_component_last_attempt_timestamp_seconds', uuid=RMM),
                                   time.time() - 600)
                self.assertEqual(bad.value('lfa_state', state='idle'), 1.0)

        def test_10_metrics_say_when_lfad_is_down(self):
                e = exporters['node04']
                lab.hosts['node04'].stop_lfad()
                e.host.wait_for(lambda: e.value('lfa_up') == 0.0, 10, 'lfa_up 0')
                names = {n for n, _, _ in e.scrape() if n.startswith('lfa_')}
                self.assertEqual(names, {'lfa_up', 'lfa_policy_error'}, names)
                # lfad back: the watcher follows the bus name, no restart of its own.
                lab.hosts['node04'].start_lfad()
                e.host.wait_for(lambda: e.value('lfa_up') == 1.0, 10, 'lfa_up 1 again')
                self.assertEqual(e.value('lfa_component_failures_total', uuid=RMM), 1.0)

        def test_11_metrics_policy_error(self):
                host = lab.hosts['node05']
                with open(os.path.join(host.etc, '60-broken.conf'), 'w', encoding='utf-8') as f:
                        f.write('[Defaults]\nAutoActivate=sometimes\n')
                r = host.lfactl('metrics', '-', '--policy-dir=' + host.etc, '--policy-dir=' + host.usr,
                                '--sysfs=' + os.path.join(lab.tmp, 'no-sysfs'))
                self.assertIn('\nlfa_policy_error 1\n', r.stdout)
                self.assertIn('\nlfa_up 1\n', r.stdout)
                os.unlink(os.path.join(host.etc, '60-broken.conf'))

        def test_12_module_refusals_carry_the_error_name(self):
                """Each refusal names its cause, and nothing reaches the platform."""
                before = writes()
                status, res = adhoc('node07', 'lfa.fleet.lfa_activate', {'uuid': RMM})
                self.assertEqual((status, res['error']), ('FAILED', 'org.lfa.Error.Inhibited'), res)
                self.assertIn('backup-job', res['msg'], res)
                status, res = adhoc('node09', 'lfa.fleet.lfa_activate', {'uuid': RMM, 'expected_version': '1.3'})
                self.assertEqual((status, res['error']), ('FAILED', 'org.lfa.fleet.UnexpectedImage'), res)
                # lfad's own refusal: BL31 may reset a CPU.
                status, res = adhoc('node06', 'lfa.fleet.lfa_activate', {'uuid': fleetlab.BL31})
                self.assertEqual((status, res['error']), ('FAILED', 'org.lfa.Error.MayResetCpu'), res)
                status, res = adhoc('node06', 'lfa.fleet.lfa_activate',
                                    {'uuid': '00000000-1111-2222-3333-444444444444'})
                self.assertEqual((status, res['error']), ('FAILED', 'org.lfa.Error.NotFound'), res)
                self.assertEqual(writes(), before)


if __name__ == '__main__':
        # One TAP line per case (tests/integration/lfatap.py).
        lfatap.main()
