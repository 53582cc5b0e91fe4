#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: lfa_activate
short_description: Live-activate pending firmware through lfad
description:
  - Activates one component (I(uuid)) or every pending component the
    policy allows (I(pending)), one at a time, through
    C(lfactl --json activate) on the managed host; lfad primes, activates
    and refuses what the firmware forbids (a component that may reset a
    CPU, a rendezvous skipped where it is required).
  - Idempotent. Nothing pending is C(changed=false); with
    I(expected_version), that version running is success and anything
    else (another image pending, nothing pending and another version
    running) a failure.
  - In check mode it runs lfad's dry run (C(lfactl plan)) and reports what
    it would activate; nothing is written.
  - A failure names the LFA error first in C(msg) and in C(error), for
    example C(org.lfa.Error.FirmwareError) (the message names the LFA code,
    e.g. AUTH_ERROR), C(org.lfa.Error.Inhibited), C(org.lfa.lfactl.Timeout).
  - Never reads or writes sysfs.
options:
  uuid:
    description: The component to activate. Exclusive with I(pending).
    type: str
  pending:
    description:
      - Activate every pending component whose policy decision is in
        I(decisions), in the order of C(lfactl plan). Stops at the first
        failure.
    type: bool
    default: false
  decisions:
    description:
      - With I(pending), the policy decisions (lfa.d(5), C(lfactl plan))
        that allow an activation now. C(never) is the administrator saying
        "only by hand"; C(refused) components are never activated.
    type: list
    elements: str
    default: [window, immediate]
  expected_version:
    description:
      - With I(uuid), the version the operator is rolling out. It must be the
        pending one, or already running (then nothing is done).
    type: str
  rendezvous:
    description:
      - C(default) applies the policy's CpuRendezvous=; C(force) gathers every
        CPU; C(skip) only where the firmware allows it (else
        C(org.lfa.Error.RendezvousRequired)).
    type: str
    choices: [default, force, skip]
    default: default
  timeout:
    description:
      - Seconds to wait for each activation (lfactl C(--timeout)). On
        expiry the module fails with C(org.lfa.lfactl.Timeout); the
        activation already handed to the firmware still runs to its end
        within the driver's budgets, so read the state again before retrying.
    type: int
    default: 120
  respect_inhibitors:
    description:
      - Fail with C(org.lfa.Error.Inhibited) while an inhibitor is open
        on the host (C(lfactl status)), as lfad's own window does; lfad's
        Activate() alone would override it.
    type: bool
    default: true
  lfactl:
    description: The lfactl command (a name on PATH or a path).
    type: str
    default: lfactl
  bus_address:
    description: D-Bus address of the system bus lfad is on; default the system bus.
    type: str
author: lfa project
'''

EXAMPLES = r'''
- name: Roll TF-RMM 1.3 out
  lfa.fleet.lfa_activate:
    uuid: 6c0762a6-12f2-4b56-92cb-ba8f633606d9
    expected_version: "1.3"
    timeout: 120

- name: Whatever the policy allows, now
  lfa.fleet.lfa_activate:
    pending: true
'''

RETURN = r'''
results:
  description: >
    One entry per component considered: uuid, name, result (C(activated),
    C(current): nothing to do, C(would-activate) in check mode),
    version_before, version_after.
  returned: always
  type: list
  elements: dict
error:
  description: The LFA error's name, on failure.
  returned: failure
  type: str
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.lfa.fleet.plugins.module_utils.lfactl import COMMON_ARGS, Lfactl, LfactlError


# lfad's dry run, returned in check mode.
CHECK = dict(plan=None)


class Failure(Exception):
    def __init__(self, name, message):
        super(Failure, self).__init__('%s: %s' % (name, message))
        self.name = name


def refusal(c):
    """The error lfad would answer Activate() with, before trying."""
    if c.get('MayResetCpu'):
        return 'org.lfa.Error.MayResetCpu', 'activation may reset a CPU: lfad refuses it'
    if not c.get('ActivationCapable'):
        return 'org.lfa.Error.NotCapable', 'the firmware cannot activate it live'
    return None


def activate(module, lfactl, c, results):
    uuid, name = c['Uuid'], c['Name']
    entry = dict(uuid=uuid, name=name, version_before=c['CurrentVersion'],
                 pending_version=c['PendingVersion'])
    if module.check_mode:
        r = refusal(c)
        if r:
            raise Failure(*r)
        entry.update(result='would-activate', version_after=c['PendingVersion'])
        results.append(entry)
        return
    args = ['activate', uuid]
    if module.params['rendezvous'] == 'force':
        args.append('--force-rendezvous')
    elif module.params['rendezvous'] == 'skip':
        args.append('--skip-rendezvous')
    out = lfactl.run(*args, timeout=module.params['timeout'])
    entry.update(result='activated', version_after=out.get('version', ''))
    results.append(entry)


def check_inhibitors(module, lfactl):
    if not module.params['respect_inhibitors']:
        return
    inhibitors = lfactl.run('status').get('Inhibitors', [])
    if inhibitors:
        raise Failure('org.lfa.Error.Inhibited', 'inhibited by %s' % ', '.join(
            '%s (%s)' % (who, why) for who, why in inhibitors))


def one(module, lfactl, results):
    uuid = module.params['uuid']
    expected = module.params['expected_version']
    c = lfactl.run('show', uuid)
    if not c.get('ActivationPending'):
        if expected is not None and c['CurrentVersion'] != expected:
            raise Failure('org.lfa.Error.NotPending', '%s (%s): %s is neither pending nor running (running %s)'
                          % (uuid, c['Name'], expected, c['CurrentVersion']))
        results.append(dict(uuid=c['Uuid'], name=c['Name'], result='current',
                            version_before=c['CurrentVersion'], version_after=c['CurrentVersion']))
        return False
    if expected is not None and c['PendingVersion'] != expected:
        raise Failure('org.lfa.fleet.UnexpectedImage', '%s (%s): pending version is %s, expected %s'
                      % (uuid, c['Name'], c['PendingVersion'], expected))
    check_inhibitors(module, lfactl)
    if module.check_mode:
        # lfad's own dry run, as the operator would read it.
        plan = [p for p in lfactl.run('plan') if p['uuid'] == c['Uuid']]
        CHECK['plan'] = plan
    activate(module, lfactl, c, results)
    return True


def pending(module, lfactl, results):
    allowed = module.params['decisions']
    plan = lfactl.run('plan')
    CHECK['plan'] = plan
    targets = [p for p in plan if p['decision'] in allowed and p['decision'] not in ('refused', 'nothing-pending')]
    if not targets:
        return False
    check_inhibitors(module, lfactl)
    for p in targets:
        c = lfactl.run('show', p['uuid'])
        # Activated meanwhile (lfad's own immediate policy): nothing to do.
        if not c.get('ActivationPending'):
            continue
        activate(module, lfactl, c, results)
    return any(r['result'] in ('activated', 'would-activate') for r in results)


def main():
    args = dict(
        uuid=dict(type='str'),
        pending=dict(type='bool', default=False),
        decisions=dict(type='list', elements='str', default=['window', 'immediate']),
        expected_version=dict(type='str'),
        rendezvous=dict(type='str', choices=['default', 'force', 'skip'], default='default'),
        timeout=dict(type='int', default=120),
        respect_inhibitors=dict(type='bool', default=True),
    )
    args.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=args, supports_check_mode=True,
                           mutually_exclusive=[('uuid', 'pending')],
                           required_one_of=[('uuid', 'pending')])
    if module.params['pending'] is False and not module.params['uuid']:
        module.fail_json(msg='org.lfa.lfactl.Usage: give uuid, or pending: true', error='org.lfa.lfactl.Usage')
    if module.params['expected_version'] is not None and not module.params['uuid']:
        module.fail_json(msg='org.lfa.lfactl.Usage: expected_version needs uuid', error='org.lfa.lfactl.Usage')
    if module.params['timeout'] <= 0:
        module.fail_json(msg='org.lfa.lfactl.Usage: timeout must be > 0', error='org.lfa.lfactl.Usage')
    
    lfactl = Lfactl(module)
    results = []
    try:
        if module.params['uuid']:
            changed = one(module, lfactl, results)
        else:
            changed = pending(module, lfactl, results)
    except (LfactlError, Failure) as e:
        module.fail_json(msg=str(e), error=e.name, results=results, changed=bool(
            [r for r in results if r['result'] == 'activated']))
    done = [r for r in results if r['result'] in ('activated', 'would-activate')]
    if done:
        msg = '; '.join('%s %s: %s -> %s' % (r['result'], r['name'], r['version_before'], r['version_after'])
                        for r in done)
    else:
        msg = 'nothing to activate'
    out = dict(changed=changed, results=results, msg=msg)
    if CHECK['plan'] is not None and module.check_mode:
        out['plan'] = CHECK['plan']
    module.exit_json(**out)


if __name__ == '__main__':
    main()
