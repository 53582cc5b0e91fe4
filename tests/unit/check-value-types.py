#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""No daemon/ module reaches into another's state (issue 12).

A module's state is a type its header only declares (`typedef struct
Manager Manager;`) and its .c file defines: the compiler then refuses any
other file that touches a field. The structs a header does define are
values handed from one module to another (a snapshot, a result, a set of
callbacks); each is listed here with what it carries, so that making a
module's state public is a decision a reviewer sees, not an accident.

Fails on a struct defined in a daemon/ header that is not listed, and on a
listed one that no longer exists. Run: check-value-types.py SOURCE_ROOT
"""

import os
import re
import sys

VALUE_TYPES = {
        'Decision': 'the policy\'s verdict on one component (policy_decide())',
        'DriverInfo': 'what driver_probe() found: ABI, module, features',
        'DriverOutcome': 'what a write\'s errno means on the driver found',
        'HistorySettlement': 'how an attempt of a previous lfad is settled at start',
        'HistoryEntry': 'one row of the history, in and out',
        'LfaVersion': 'a parsed version attribute',
        'LfaLastError': 'a parsed last_error attribute',
        'Component': 'the sysfs snapshot of one component, nothing else',
        'ManagerObserver': 'the callbacks the bus layer gives the manager',
        'ActivateOptions': 'an explicit request\'s arguments',
        'ManagerConfig': 'the manager\'s directories and settings at creation',
        'ComponentResult': 'lfad\'s last result for one component, as the bus shows it',
        'PlanEntry': 'one row of manager_plan()',
        'ActivationResult': 'a job\'s outcome',
        'JobInfo': 'what a job is about, fixed at its start',
        'JobSettings': 'how the manager starts a job',
        'PolicySettings': 'the settings that apply to one component, with their origins',
        'PolicyComponent': 'one [Component UUID] section (tests and fuzzers read them)',
        'RetryState': 'the inputs of scheduler_is_eligible(), a pure function',
        'UdevWatchOps': 'the callbacks the manager gives the udev watch',
}


def main(root):
        daemon = os.path.join(root, 'daemon')
        found = {}
        for h in sorted(os.listdir(daemon)):
                if not h.endswith('.h'):
                        continue
                with open(os.path.join(daemon, h), encoding='utf-8') as f:
                        for n, line in enumerate(f, 1):
                                m = re.match(r'^(?:typedef\s+)?struct\s+(\w+)\s*\{', line)
                                if m:
                                        found[m.group(1)] = 'daemon/%s:%d' % (h, n)
        bad = 0
        for name, where in sorted(found.items()):
                if name not in VALUE_TYPES:
                        print('%s: struct %s is defined in a header: define it in its module\'s .c file '
                              'and give the others functions, or list it in %s as a value type'
                              % (where, name, os.path.basename(__file__)))
                        bad += 1
        for name in sorted(set(VALUE_TYPES) - set(found)):
                print('%s lists struct %s, which no daemon/ header defines' % (os.path.basename(__file__), name))
                bad += 1
        return 1 if bad else 0


if __name__ == '__main__':
        sys.exit(main(sys.argv[1]))
