#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: lfa_facts
short_description: Live firmware activation inventory, policy decisions and history of a host
description:
  - Asks lfad, through C(lfactl --json) on the managed host, for its state
    (C(lfactl status)), every firmware component (C(lfactl list)), what
    the policy would do now (C(lfactl plan)) and the last attempts
    (C(lfactl history)), and returns them as the fact C(lfa).
  - Never reads sysfs. Changes nothing; supports check mode.
  - Fails with the name of the error lfactl reports, for example
    C(org.lfa.lfactl.Unreachable) when lfad does not run.
options:
  expect:
    description:
      - Images the operator is rolling out, each C(uuid) and C(version).
        For each the fact C(lfa.expected) says where it stands here,
        C(status) C(pending) (that version waits), C(current) (it runs,
        nothing pending), C(other-pending), C(missing) or C(absent).
    type: list
    elements: dict
    default: []
  history:
    description: How many history entries to return (0 for all lfad keeps).
    type: int
    default: 20
  lfactl:
    description: The lfactl command (a name on PATH or a path).
    type: str
    default: lfactl
  bus_address:
    description:
      - D-Bus address of the system bus lfad is on (C(DBUS_SYSTEM_BUS_ADDRESS)).
        Default the system bus; for containers and tests.
    type: str
author: lfa project
'''

EXAMPLES = r'''
- name: What lfad knows
  lfa.fleet.lfa_facts:

- name: Components still pending
  ansible.builtin.debug:
    msg: "{{ lfa.pending | map(attribute='name') | list }}"
'''

RETURN = r'''
ansible_facts:
  description: The fact C(lfa).
  returned: success
  type: dict
  contains:
    lfa:
      description: >
        C(manager) (org.lfa.Manager properties as C(lfactl --json status)),
        C(components) (list of org.lfa.Component properties), C(by_uuid)
        (the same keyed by UUID), C(plan) (uuid, name, decision, reason),
        C(history) (newest first: uuid, name, action, trigger,
        version_before, version_after, rendezvous, start_usec,
        duration_usec, result, error), C(pending) (uuid, name,
        current_version, pending_version, decision of each component with
        an image waiting, and its last_result), C(inhibited) (an inhibitor
        is open), C(expected) (see I(expect)).
      type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.lfa.fleet.plugins.module_utils.lfactl import COMMON_ARGS, Lfactl, LfactlError, expectation, fail


def main():
    args = dict(history=dict(type='int', default=20),
                expect=dict(type='list', elements='dict', default=[]))
    args.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=args, supports_check_mode=True)
    if module.params['history'] < 0:
        module.fail_json(msg='org.lfa.lfactl.Usage: history must be 0 or more', error='org.lfa.lfactl.Usage')
    lfactl = Lfactl(module)
    try:
        facts = lfactl.facts(module.params['history'])
    except LfactlError as e:
        fail(module, e)
    facts['expected'] = []
    for e in module.params['expect']:
        if 'uuid' not in e or 'version' not in e:
            module.fail_json(msg='org.lfa.lfactl.Usage: each expect entry needs uuid and version: %r' % (e,),
                             error='org.lfa.lfactl.Usage')
        facts['expected'].append(expectation(facts['by_uuid'], e['uuid'], e['version']))
    module.exit_json(changed=False, ansible_facts=dict(lfa=facts))


if __name__ == '__main__':
    main()
