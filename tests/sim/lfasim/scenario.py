# SPDX-License-Identifier: GPL-2.0-or-later
"""Parser of the scenario language of tests/scenarios/FORMAT.md.

Both the set-up verbs (agent, component) and the run-time statements
(store-update, notify, component, remove, set) go through one tokenizer, so a
statement given to `lfa-sim ctl` is checked exactly like a line of a file.
"""

import re

MAX_LINE = 512
MAX_N = 1000000
MAX_U32 = 4294967295

# LFA return codes, DEN0147 table "Return codes" (x0 values).
LFA_CODES = {
        'SUCCESS': 0,
        'NOT_SUPPORTED': -1,
        'BUSY': -2,
        'AUTH_ERROR': -3,
        'NO_MEMORY': -4,
        'CRITICAL_ERROR': -5,
        'DEVICE_ERROR': -6,
        'WRONG_STATE': -7,
        'INVALID_PARAMETERS': -8,
        'COMPONENT_WRONG_STATE': -9,
        'INVALID_ADDRESS': -10,
        'ACTIVATION_FAILED': -11,
}
LFA_NAMES = {v: k for k, v in LFA_CODES.items()}

# driver/Documentation/admin-guide/lfa.rst's table (tests/unit/check-errno-table.py).
LFA_ERRNO = {
        -1: 'EOPNOTSUPP',
        -2: 'EBUSY',
        -3: 'EKEYREJECTED',
        -4: 'ENOMEM',
        -5: 'ENOTRECOVERABLE',
        -6: 'EIO',
        -7: 'EPROTO',
        -8: 'EINVAL',
        -9: 'EBADFD',
        -10: 'EFAULT',
        -11: 'EREMOTEIO',
}

UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-'
                     r'[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')


class ScenarioError(Exception):
        """A statement that is not valid; the message names where."""


def code_errno(x0):
        """errno name the driver returns for x0 (admin-guide/lfa.rst)."""
        return LFA_ERRNO.get(x0, 'EIO')


def code_name(x0):
        """LFA_CODE field of last_error: the code's name, or UNKNOWN."""
        if x0 in LFA_NAMES and x0 != 0:
                return LFA_NAMES[x0]
        return 'UNKNOWN'


def parse_bool(v):
        if v not in ('0', '1'):
                raise ValueError('expected 0 or 1')
        return v == '1'


def parse_n(v):
        if not re.fullmatch(r'[0-9]+', v) or int(v) > MAX_N:
                raise ValueError('expected an integer from 0 to %d' % MAX_N)
        return int(v)


def parse_version(v):
        m = re.fullmatch(r'([0-9]+)\.([0-9]+)', v)
        if not m or int(m.group(1)) > MAX_U32 or int(m.group(2)) > MAX_U32:
                raise ValueError('expected MAJOR.MINOR, each 0 to %d' % MAX_U32)
        return (int(m.group(1)), int(m.group(2)))


def parse_code(v):
        if v in LFA_CODES and v != 'SUCCESS':
                return LFA_CODES[v]
        # A raw value, e.g. TF-A's leaked -EAGAIN (-35): 64 bits, not 0.
        if re.fullmatch(r'-?[0-9]+', v) and -2**63 <= int(v) < 2**63 and int(v) != 0:
                return int(v)
        raise ValueError('expected an LFA code name or a signed integer other than 0')


def parse_uuid(v):
        if not UUID_RE.match(v):
                raise ValueError('expected a UUID of 36 characters')
        return v.lower()


def parse_signed(v):
        if not re.fullmatch(r'-?[0-9]+', v) or abs(int(v)) > MAX_N:
                raise ValueError('expected an integer from -%d to %d' % (MAX_N, MAX_N))
        return int(v)


def parse_optional_code(v):
        """A CODE, or 0: none (run-time statements clear a fault so)."""
        if v == '0':
                return None
        return parse_code(v)


def parse_optional_uuid(v):
        """A UUID, or 0: none."""
        return None if v == '0' else parse_uuid(v)


def parse_reserved(v):
        """A register's reserved bits: decimal or 0x hex, 64 bits."""
        if not re.fullmatch(r'0[xX][0-9a-fA-F]+|[0-9]+', v):
                raise ValueError('expected an integer (decimal or 0x hex)')
        n = int(v, 0 if v[:2] in ('0x', '0X') else 10)
        if n >= 2**64:
                raise ValueError('expected 0 to 2^64-1')
        return n


def parse_reserved_flags(v):
        n = parse_reserved(v)
        if n & 0xf:
                raise ValueError('bits 0-3 are the defined flags (capable, pending, '
                                 'may_reset_cpu, rendezvous): give reserved bits only')
        return n


def parse_reserved_x1(v):
        n = parse_reserved(v)
        if n & 1:
                raise ValueError('bit 0 is CALL_AGAIN: give reserved bits only')
        return n


# Functions a firmware may lack (FEATURES answers NOT_SUPPORTED for them,
# and so does a call). VERSION and FEATURES themselves: agent present=0.
FUNCTIONS = ('GET_INFO', 'GET_INVENTORY', 'PRIME', 'ACTIVATE', 'CANCEL')


def parse_functions(v):
        out = []
        for f in v.split(','):
                if f not in FUNCTIONS:
                        raise ValueError("unknown function '%s' (%s)" % (f, ', '.join(FUNCTIONS)))
                if f not in out:
                        out.append(f)
        return out


def parse_rendezvous(v):
        if v not in ('required', 'optional'):
                raise ValueError('expected required or optional')
        return v


def parse_name(v):
        if not v:
                raise ValueError('expected a name')
        return v


# The kernel agent's room for "add:UUID" effects of one component.
MAX_ADDS = 4


def parse_effects(v):
        out = []
        for e in v.split(','):
                if e in ('vanish', 'reverse'):
                        out.append((e, None))
                elif e.startswith('add:'):
                        if sum(k == 'add' for k, _ in out) == MAX_ADDS:
                                raise ValueError('at most %d add:UUID effects' % MAX_ADDS)
                        out.append(('add', parse_uuid(e[4:])))
                else:
                        raise ValueError("unknown effect '%s' (vanish, reverse, add:UUID)" % e)
        return out


def parse_abi_version(v):
        """LFA_VERSION's x0: major in bits 30:16, minor in 15:0."""
        major, minor = parse_version(v)
        if major > 0x7fff or minor > 0xffff:
                raise ValueError('LFA_VERSION holds a major up to 32767 and a minor up to 65535')
        return (major, minor)


AGENT_KEYS = {
        'present': (parse_bool, True),
        'version': (parse_abi_version, (1, 0)),
        'stale_record': (parse_bool, True),
        'missing': (parse_functions, []),
        'info_error': (parse_optional_code, None),
        'info_skew': (parse_signed, 0),
}

# The agent's faults a run-time set-agent statement may change.
AGENT_RUNTIME_KEYS = {k: AGENT_KEYS[k] for k in ('info_error', 'info_skew')}

COMPONENT_KEYS = {
        'uuid': (parse_uuid, None),
        'name': (parse_name, None),
        'capable': (parse_bool, True),
        'pending': (parse_bool, False),
        'may_reset_cpu': (parse_bool, False),
        'rendezvous': (parse_rendezvous, 'required'),
        'current': (parse_version, (0, 0)),
        'pending_version': (parse_version, (0, 0)),
        'prime_rounds': (parse_n, 0),
        'activate_rounds': (parse_n, 0),
        'prime_busy': (parse_n, 0),
        'activate_busy': (parse_n, 0),
        'prime_error': (parse_optional_code, None),
        'activate_error': (parse_optional_code, None),
        'cancel_error': (parse_optional_code, None),
        'prime_hang': (parse_bool, False),
        'activate_hang': (parse_bool, False),
        'call_delay_ms': (parse_n, 0),
        'resets_record': (parse_bool, True),
        'after_activate': (parse_effects, []),
        'inventory_error': (parse_optional_code, None),
        'inventory_uuid': (parse_optional_uuid, None),
        'reserved_flags': (parse_reserved_flags, 0),
        'reserved_x1': (parse_reserved_x1, 0),
}

STORE_UPDATE_KEYS = {
        'uuid': (parse_uuid, None),
        'pending_version': (parse_version, None),
}

REMOVE_KEYS = {'uuid': (parse_uuid, None)}

# The user-space simulation's burst (tests/sim/README.md, "Bursts").
BURST_KEYS = {
        'count': (parse_n, 0),
        'uuid': (parse_optional_uuid, 0),
        'major': (parse_n, 9),
        'spacing_us': (parse_n, 0),
}


def tokenize(line, where):
        """Split one statement into (verb, [(key, value)...]); None if empty."""
        if len(line.encode()) > MAX_LINE:
                raise ScenarioError('%s: line longer than %d bytes' % (where, MAX_LINE))
        # Tokens are separated by spaces or tabs (a CR too: a file with
        # CRLF line ends), never by other whitespace (the kernel agent's
        # reader, lfa-agent-scenario.c, splits the same way).
        words = [w for w in re.split(r'[ \t\r]', line.split('#', 1)[0]) if w]
        if not words:
                return None
        pairs = []
        for w in words[1:]:
                if '=' not in w or w.startswith('='):
                        raise ScenarioError("%s: '%s' is not key=value" % (where, w))
                k, v = w.split('=', 1)
                pairs.append((k, v))
        return words[0], pairs


def parse_keys(verb, pairs, table, where, defaults=True):
        """Check keys against table; return a dict (defaults filled in)."""
        out = {}
        for k, v in pairs:
                if k not in table:
                        raise ScenarioError("%s: unknown key '%s' for %s" % (where, k, verb))
                if k in out:
                        raise ScenarioError("%s: key '%s' repeated" % (where, k))
                try:
                        out[k] = table[k][0](v)
                except ValueError as e:
                        raise ScenarioError("%s: bad value '%s' for %s: %s" % (where, v, k, e)) from None
        for k, (_, default) in table.items():
                if k not in out and default is None and k == 'uuid':
                        raise ScenarioError('%s: %s needs uuid=' % (where, verb))
                if defaults and k not in out:
                        out[k] = list(default) if isinstance(default, list) else default
        return out


class Scenario:
        """The platform a scenario file describes."""

        def __init__(self):
                self.agent = {k: d for k, (_, d) in AGENT_KEYS.items()}
                self.components = []

        def component(self, uuid):
                for c in self.components:
                        if c['uuid'] == uuid:
                                return c
                return None


def parse_text(text, origin='<scenario>'):
        sc = Scenario()
        seen_agent = False
        # Lines end at \n only (str.splitlines() would end them at \v,
        # \f, \x1c, U+2028 ... too).
        for n, line in enumerate(text.split('\n'), 1):
                where = '%s:%d' % (origin, n)
                t = tokenize(line, where)
                if t is None:
                        continue
                verb, pairs = t
                if verb == 'agent':
                        if seen_agent:
                                raise ScenarioError('%s: a second agent statement' % where)
                        if sc.components:
                                raise ScenarioError('%s: agent must come before any component' % where)
                        seen_agent = True
                        sc.agent = parse_keys(verb, pairs, AGENT_KEYS, where)
                elif verb == 'component':
                        c = parse_keys(verb, pairs, COMPONENT_KEYS, where)
                        if sc.component(c['uuid']):
                                raise ScenarioError('%s: component %s declared twice' % (where, c['uuid']))
                        sc.components.append(c)
                else:
                        raise ScenarioError("%s: unknown verb '%s' (agent, component)" % (where, verb))
        return sc


def parse_file(path):
        with open(path, encoding='utf-8') as f:
                return parse_text(f.read(), path)


def parse_statement(line, where='ctl'):
        """A run-time statement: (verb, dict). Keys are checked, not defaulted
        (set changes only what it names)."""
        t = tokenize(line, where)
        if t is None:
                raise ScenarioError('%s: empty statement' % where)
        verb, pairs = t
        if verb == 'store-update':
                return verb, parse_keys(verb, pairs, STORE_UPDATE_KEYS, where, defaults=False)
        if verb == 'notify':
                if pairs:
                        raise ScenarioError('%s: notify takes no keys' % where)
                return verb, {}
        if verb == 'component':
                return verb, parse_keys(verb, pairs, COMPONENT_KEYS, where)
        if verb == 'remove':
                return verb, parse_keys(verb, pairs, REMOVE_KEYS, where, defaults=False)
        if verb == 'burst':
                return verb, parse_keys(verb, pairs, BURST_KEYS, where, defaults=False)
        if verb == 'set-agent':
                kv = parse_keys(verb, pairs, AGENT_RUNTIME_KEYS, where, defaults=False)
                if not kv:
                        raise ScenarioError('%s: set-agent needs at least one key (%s)'
                                            % (where, ', '.join(AGENT_RUNTIME_KEYS)))
                return verb, kv
        if verb == 'set':
                kv = parse_keys(verb, pairs, COMPONENT_KEYS, where, defaults=False)
                if len(kv) < 2:
                        raise ScenarioError('%s: set needs uuid= and at least one key' % where)
                return verb, kv
        raise ScenarioError("%s: unknown verb '%s' (store-update, notify, component, remove, set, set-agent, burst)" % (where, verb))
