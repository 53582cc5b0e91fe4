# SPDX-License-Identifier: GPL-2.0-or-later
"""The simulated LFA agent: what the firmware answers to each call.

It follows shared/research/tfa-lfa-observed.md (TF-A's answers) like the
kernel test agent does; the simulated driver in platform.py calls it the way
lfa.ko calls the real agent.
"""

from .scenario import COMPONENT_KEYS, LFA_CODES

SUCCESS = 0
CALL_AGAIN = 'CALL_AGAIN'
NOT_SUPPORTED = LFA_CODES['NOT_SUPPORTED']
BUSY = LFA_CODES['BUSY']
WRONG_STATE = LFA_CODES['WRONG_STATE']
INVALID_PARAMETERS = LFA_CODES['INVALID_PARAMETERS']
COMPONENT_WRONG_STATE = LFA_CODES['COMPONENT_WRONG_STATE']


class Agent:
        def __init__(self, scenario):
                self.present = scenario.agent['present']
                self.version = scenario.agent['version']
                self.stale_record = scenario.agent['stale_record']
                # Faults (FORMAT.md): functions the firmware lacks, a failing
                # GET_INFO, a GET_INFO count off by info_skew.
                self.missing = list(scenario.agent['missing'])
                self.info_error = scenario.agent['info_error']
                self.info_skew = scenario.agent['info_skew']
                # The firmware's list, in sequence-id order.
                self.components = [dict(c) for c in scenario.components]
                # Effects of successful activations, applied at the next
                # inventory read (FORMAT.md, after_activate).
                self.effects = []
                # TF-A's "activation in progress" record: which component
                # (uuid, seq id at the time) and phase priming / primed /
                # stale (kept after an activation whose activator does not
                # reset it).
                self.record = None
                self.rounds_left = 0

        def by_uuid(self, uuid):
                for c in self.components:
                        if c['uuid'] == uuid:
                                return c
                return None

        def seq_of(self, uuid):
                for i, c in enumerate(self.components):
                        if c['uuid'] == uuid:
                                return i
                return None

        def _apply_effects(self):
                for kind, arg in self.effects:
                        if kind == 'vanish':
                                self.components = [c for c in self.components if c['uuid'] != arg]
                        elif kind == 'reverse':
                                self.components.reverse()
                        elif kind == 'add' and self.by_uuid(arg) is None:
                                c = {k: (list(d) if isinstance(d, list) else d)
                                     for k, (_, d) in COMPONENT_KEYS.items()}
                                c['uuid'] = arg
                                self.components.append(c)
                self.effects = []

        def inventory(self):
                """The firmware's list as it is (no call, no fault): what a
                GET_INVENTORY of every sequence id would show."""
                self._apply_effects()
                return [(i, dict(c)) for i, c in enumerate(self.components)]

        def features(self, fn):
                """FEATURES(fid of fn): SUCCESS or NOT_SUPPORTED."""
                return NOT_SUPPORTED if fn in self.missing else SUCCESS

        def get_info(self):
                """GET_INFO: (x0, x1 = the component count). The count is
                the firmware's plus info_skew (a count that changes before
                the GET_INVENTORY calls, or garbage)."""
                self._apply_effects()
                if 'GET_INFO' in self.missing:
                        return NOT_SUPPORTED, 0
                if self.info_error is not None:
                        return self.info_error, 0
                return SUCCESS, max(0, len(self.components) + self.info_skew)

        def get_inventory(self, seq):
                """GET_INVENTORY(seq): (x0, the entry or None)."""
                err = self.entry_error(seq)
                if err is not None:
                        return err, None
                e = dict(self.components[seq])
                if e['inventory_uuid'] is not None:
                        # Garbage in x1/x2: another UUID than its own.
                        e['uuid'] = e['inventory_uuid']
                return SUCCESS, e

        def entry_error(self, seq):
                """What GET_INVENTORY(seq) fails with, or None."""
                if 'GET_INVENTORY' in self.missing:
                        return NOT_SUPPORTED
                if seq is None or seq >= len(self.components):
                        return INVALID_PARAMETERS
                return self.components[seq]['inventory_error']

        def entry(self, uuid):
                """GET_INVENTORY of one component (the driver's re-read)."""
                self._apply_effects()
                seq = self.seq_of(uuid)
                if seq is None:
                        return None, None
                return seq, dict(self.components[seq])

        def prime(self, seq):
                """One PRIME call: SUCCESS (done), CALL_AGAIN or an error code."""
                if 'PRIME' in self.missing:
                        return NOT_SUPPORTED
                if seq >= len(self.components):
                        return INVALID_PARAMETERS
                c = self.components[seq]
                rec = self.record
                if rec and rec['uuid'] != c['uuid']:
                        # Half primed, TF-A refuses a second component.
                        # Otherwise it has no component check: PRIME
                        # "succeeds" bound to the old record (a stale one,
                        # or another component's complete prime, which is
                        # gone), and the ACTIVATE of either answers
                        # INVALID_PARAMETERS until CANCEL of the old
                        # sequence id (tfa-lfa-observed.md).
                        if rec['phase'] == 'priming':
                                return WRONG_STATE
                        rec['phase'] = 'stale'
                        return SUCCESS
                if not c['capable']:
                        return NOT_SUPPORTED
                if not c['pending']:
                        return WRONG_STATE
                if c['prime_busy'] > 0:
                        c['prime_busy'] -= 1
                        return BUSY
                if rec is None or rec['phase'] != 'priming':
                        self.record = {'uuid': c['uuid'], 'seq': seq, 'phase': 'priming'}
                        self.rounds_left = c['prime_rounds']
                if c['prime_hang']:
                        return CALL_AGAIN
                if self.rounds_left > 0:
                        self.rounds_left -= 1
                        return CALL_AGAIN
                if c['prime_error'] is not None:
                        self.record = None
                        return c['prime_error']
                self.record['phase'] = 'primed'
                self.rounds_left = c['activate_rounds']
                return SUCCESS

        def activate(self, seq, skip):
                """One ACTIVATE call (skip: skip_cpu_rendezvous set)."""
                if 'ACTIVATE' in self.missing:
                        return NOT_SUPPORTED
                if seq >= len(self.components):
                        return INVALID_PARAMETERS
                c = self.components[seq]
                rec = self.record
                if rec is None or rec['uuid'] != c['uuid'] or rec['phase'] == 'stale':
                        return INVALID_PARAMETERS
                if rec['phase'] == 'priming':
                        return COMPONENT_WRONG_STATE
                if skip and c['rendezvous'] == 'required':
                        return INVALID_PARAMETERS
                if c['activate_busy'] > 0:
                        c['activate_busy'] -= 1
                        return BUSY
                if c['activate_hang']:
                        return CALL_AGAIN
                if self.rounds_left > 0:
                        self.rounds_left -= 1
                        return CALL_AGAIN
                if c['activate_error'] is not None:
                        self.record = None
                        return c['activate_error']
                c['current'] = c['pending_version']
                c['pending'] = False
                for e in c['after_activate']:
                        self.effects.append((e[0], c['uuid'] if e[0] == 'vanish' else e[1]))
                if self.stale_record and not c['resets_record']:
                        self.record = {'uuid': c['uuid'], 'seq': seq, 'phase': 'stale'}
                else:
                        self.record = None
                return SUCCESS

        def cancel(self, seq):
                if 'CANCEL' in self.missing:
                        return NOT_SUPPORTED
                if seq < len(self.components):
                        err = self.components[seq]['cancel_error']
                        if err is not None:
                                return err
                rec = self.record
                if rec is None or rec['seq'] != seq:
                        return INVALID_PARAMETERS
                # During PRIME the component stays pending and PRIME starts
                # over; in the pen or primed, the record is released.
                self.record = None
                return SUCCESS
