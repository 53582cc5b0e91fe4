# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0-or-later
"""The one way the lfa.fleet modules talk to lfad: `lfactl --json` on the
managed host (lfactl(1)). lfactl prints only JSON on stdout, errors
included ({"error": NAME, "message": TEXT, "exit_code": N}), so every
failure keeps the name lfad gave it (org.lfa.Error.*) or lfactl's own
(org.lfa.lfactl.*). Nothing here reads sysfs."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

# Options every module of the collection takes.
COMMON_ARGS = dict(
    lfactl=dict(type='str', default='lfactl'),
    bus_address=dict(type='str'),
)


class LfactlError(Exception):
    """A failed lfactl call: name is the D-Bus or lfactl error name."""

    def __init__(self, name, message, exit_code=1):
        super(LfactlError, self).__init__('%s: %s' % (name, message))
        self.name = name
        self.message = message
        self.exit_code = exit_code


class Lfactl:
    def __init__(self, module):
        self.module = module
        path = module.params['lfactl']
        found = module.get_bin_path(path) if '/' not in path else path
        if not found:
            module.fail_json(msg='org.lfa.fleet.NoLfactl: %s not found on this host '
                             '(install the lfad package)' % path, error='org.lfa.fleet.NoLfactl')
        self.path = found
        self.env = {}
        if module.params.get('bus_address'):
            self.env['DBUS_SYSTEM_BUS_ADDRESS'] = module.params['bus_address']

    def run(self, *args, **kw):
        """lfactl --json ARGS; returns the parsed JSON or raises LfactlError."""
        timeout = kw.get('timeout')
        cmd = [self.path, '--json']
        if timeout:
            cmd.append('--timeout=%s' % timeout)
        cmd.extend(args)
        rc, out, err = self.module.run_command(cmd, environ_update=self.env)
        try:
            doc = json.loads(out) if out.strip() else None
        except ValueError:
            raise LfactlError('org.lfa.fleet.BadOutput',
                              'lfactl %s printed no JSON (exit %d): %r %r' % (' '.join(args), rc, out[:200], err[:200]),
                              rc)
        if rc != 0:
            if isinstance(doc, dict) and 'error' in doc:
                raise LfactlError(doc['error'], doc.get('message', ''), doc.get('exit_code', rc))
            raise LfactlError('org.lfa.lfactl.Failed', 'lfactl %s exited %d: %s' % (' '.join(args), rc, err.strip()), rc)
        return doc

    def facts(self, history=20):
        """Everything lfad tells about this host, as the facts module returns it."""
        manager = self.run('status')
        components = self.run('list')
        plan = self.run('plan')
        hist = self.run('history', str(history))
        by_uuid = dict((c['Uuid'], c) for c in components)
        pending = [dict(uuid=c['Uuid'], name=c['Name'], current_version=c['CurrentVersion'],
                        pending_version=c['PendingVersion'], decision=c['Decision'],
                        last_result=c.get('LastResult', ''))
                   for c in components if c.get('ActivationPending')]
        return dict(manager=manager, components=components, by_uuid=by_uuid, plan=plan,
                    history=hist, pending=pending,
                    inhibited=len(manager.get('Inhibitors', [])) > 0)


def expectation(by_uuid, uuid, version):
    """Where one image the operator rolls out stands on this host: status
    'pending' (that version waits), 'current' (it runs, nothing pending),
    'other-pending' (another version waits), 'missing' (neither runs nor
    waits) or 'absent' (no such component)."""
    uuid = uuid.lower()
    version = str(version)
    c = by_uuid.get(uuid)
    out = dict(uuid=uuid, version=version)
    if c is None:
        out.update(status='absent', name='', current_version='', pending_version='', last_result='')
        return out
    out.update(name=c['Name'], current_version=c['CurrentVersion'], pending_version=c['PendingVersion'],
               last_result=c.get('LastResult', ''))
    if c.get('ActivationPending'):
        out['status'] = 'pending' if c['PendingVersion'] == version else 'other-pending'
    else:
        out['status'] = 'current' if c['CurrentVersion'] == version else 'missing'
    return out


def fail(module, e, **extra):
    """fail_json with the LFA error's name first in msg and as `error`."""
    module.fail_json(msg=str(e), error=e.name, exit_code=e.exit_code, **extra)
