# shellcheck shell=bash
# Helpers for the e2e scenarios, sourced by the guest runner before each
# scenario (set -euo pipefail is on). Every check prints what it asserted;
# the first failed check ends the scenario with a message saying what was
# expected and what was seen.

# shellcheck disable=SC2034 # the scenarios use these
E2E=/opt/lfa-e2e
AGENT=/sys/kernel/debug/lfa-agent
SYSFS=/sys/firmware/lfa
BUS_NAME=org.lfa.Manager
BUS_PATH=/org/lfa/Manager
HISTORY=/var/lib/lfad/history
# Activate replies when the activation ends: above the driver's budgets
# (30 s + 20 s), as org.lfa.Manager(5) says.
BUSCTL_TIMEOUT=60

# The demo platform's components (tests/scenarios/*.scn).
BL31=47d4086d-4cfe-9846-9b95-2950cbbd5a00
RMM=6c0762a6-12f2-4b56-92cb-ba8f633606d9
BMC=3f7c2d9a-8b1e-4c55-9a60-5d2e7b41c0aa

fail() {
        echo "FAIL: $*"
        echo "--- lfad journal (last 25 lines)"
        journalctl -b -u lfad.service --no-pager -n 25 -o short-monotonic 2>&1 || true
        exit 1
}

pass() {
        echo "  ok: $*"
}

# check MSG CMD...: CMD must succeed.
check() {
        local msg=$1
        shift
        if "$@"; then
                pass "$msg"
        else
                fail "$msg (command failed: $*)"
        fi
}

# check_eq MSG EXPECTED ACTUAL
check_eq() {
        if [ "$2" = "$3" ]; then
                pass "$1 (= $3)"
        else
                fail "$1: expected '$2', got '$3'"
        fi
}

# --- waiting ---------------------------------------------------------------
# A scenario waits on the event that makes its condition true, never on a
# timer: lfad's D-Bus signals (wait_bus), a journal entry after a cursor
# (wait_journal), the driver's sysfs_notify() (wait_sysfs), a line from a
# monitor it started (pipe_until). Each has a deadline and fails the
# scenario naming what it waited for.

# read_line_by END FD: read one line from FD into LINE, waiting until the
# time END (date +%s) at the latest; fails on the deadline or at FD's end.
# (read -t 0 would only test for input, so a passed deadline fails here.)
read_line_by() {
        local left=$(( $1 - $(date +%s) ))
        [ "$left" -gt 0 ] && IFS= read -r -t "$left" -u "$2" LINE
}

# pipe_until FD SECONDS PATTERN [FILE]: read lines from FD (a monitor's
# output) until one matches the extended regex PATTERN, appending each line
# to FILE; fails when SECONDS pass or FD ends first.
pipe_until() {
        local fd=$1 secs=$2 pat=$3 file=${4:-/dev/null} end
        end=$(( $(date +%s) + secs ))
        while read_line_by "$end" "$fd"; do
                printf '%s\n' "$LINE" >>"$file"
                if [[ $LINE =~ $pat ]]; then
                        return 0
                fi
        done
        return 1
}

# wait_bus SECONDS MSG CODE: CODE (shell code, single-quoted at the call so
# its expansions happen at every try) holds, tried once a monitor of lfad's
# signals listens and again after each signal lfad sends (PropertiesChanged
# and InterfacesAdded/Removed of every property the scenarios read,
# Activation*) or the bus sends about its name (lfad started or gone).
# CODE's own calls send no such signal, so nothing but lfad wakes it.
wait_bus() {
        local secs=$1 msg=$2 code=$3 end fd pid
        end=$(( $(date +%s) + secs ))
        exec {fd}< <(exec stdbuf -oL busctl monitor --json=short \
                --match="type='signal',path_namespace='/org/lfa'" \
                --match="type='signal',sender='org.freedesktop.DBus',member='NameOwnerChanged',arg0='$BUS_NAME'" 2>&1)
        pid=$!
        # busctl says so on stderr once BecomeMonitor returned: from there
        # no signal is missed.
        if ! pipe_until "$fd" "$secs" '^Monitoring bus message stream'; then
                kill "$pid" 2>/dev/null || true
                exec {fd}<&-
                fail "$msg: busctl monitor did not start within ${secs}s"
        fi
        until eval "$code" >/dev/null 2>&1; do
                if ! read_line_by "$end" "$fd"; then
                        kill "$pid" 2>/dev/null || true
                        exec {fd}<&-
                        fail "$msg: not within ${secs}s (waited for a signal from lfad after which: $code)"
                fi
        done
        kill "$pid" 2>/dev/null || true
        exec {fd}<&-
        pass "$msg"
}

# journal_cursor: the journal's position now, for wait_journal and
# journalctl --after-cursor.
journal_cursor() {
        journalctl -q -n 1 -o export --no-pager | sed -n 's/^__CURSOR=//p'
}

# wait_journal SECONDS MSG CURSOR FIELD=VALUE...: an entry after CURSOR
# with every FIELD=VALUE is logged; journalctl -f wakes on the journal's
# inotify. The entry (journalctl -o json) is left in JOURNAL_ENTRY. The
# fields are matched here, not by journalctl: systemd 252's --after-cursor
# with matches skips the first matching entry. --no-tail: -f alone means
# -n 10, and systemd 252's journalctl then shows only the first ten
# entries after the cursor until the journal changes again; an entry
# further on waited for the next write (01-boot failed: "Started
# lfad.service" was logged, nothing after it, and the wait saw nothing).
wait_journal() {
        local secs=$1 msg=$2 cursor=$3 fd pid end m re ok=0
        shift 3
        end=$(( $(date +%s) + secs ))
        JOURNAL_ENTRY=
        exec {fd}< <(exec journalctl -q -f --no-tail --no-pager -o json --after-cursor="$cursor")
        pid=$!
        while [ "$ok" -eq 0 ] && read_line_by "$end" "$fd"; do
                ok=1
                for m in "$@"; do
                        # "FIELD":"VALUE" with the value's regex characters escaped.
                        re=$(printf '"%s"[[:space:]]*:[[:space:]]*"%s"' "${m%%=*}" \
                                "$(sed 's/[][\.*^$()+?{}|]/\\&/g' <<<"${m#*=}")")
                        if ! [[ $LINE =~ $re ]]; then
                                ok=0
                                break
                        fi
                done
        done
        kill "$pid" 2>/dev/null || true
        exec {fd}<&-
        if [ "$ok" -eq 1 ]; then
                JOURNAL_ENTRY=$LINE
                pass "$msg"
        else
                fail "$msg: no journal entry with $* within ${secs}s"
        fi
}

# wait_sysfs SECONDS MSG FILE VALUE: the driver's FILE reads VALUE; the
# helper sleeps in poll() until the driver's sysfs_notify() on FILE (lfa.ko
# notifies on state and activation_pending only).
wait_sysfs() {
        local out
        if out=$("$E2E/sysfs-wait" "$1" "$3" "$4" 2>&1); then
                pass "$2"
        else
                fail "$2: $3 did not read '$4' within ${1}s ($out)"
        fi
}

# bench NAME VALUE UNIT: a figure for bench/e2e-figures (printed, never
# asserted).
bench() {
        echo "bench: $1 $2 $3"
}

now_us() {
        local s
        s=$(date +%s%N)
        echo $(( s / 1000 ))
}

# --- the kernel test agent (tests/scenarios/FORMAT.md) -------------------

# agent_scenario FILE: load a platform description into the agent.
agent_scenario() {
        cat "$E2E/scn/$1" >"$AGENT/scenario"
}

# agent_ctl STATEMENT: play the firmware at run time.
agent_ctl() {
        echo "$*" >"$AGENT/control"
}

# agent_calls: the agent's record of calls it answered.
agent_calls() {
        cat "$AGENT/calls"
}

# --- lfad over D-Bus --------------------------------------------------------

component_path() {
        local enc
        enc=$(echo -n "$1" | sed 's/-/_2d/g; s/^\([0-9]\)/_3\1/')
        echo "$BUS_PATH/component/$enc"
}

# prop_component UUID PROPERTY: the value, without its type signature.
prop_component() {
        busctl get-property "$BUS_NAME" "$(component_path "$1")" \
                org.lfa.Component "$2" | cut -d' ' -f2- | tr -d '"'
}

prop_manager() {
        busctl get-property "$BUS_NAME" "$BUS_PATH" org.lfa.Manager "$1" |
                cut -d' ' -f2- | tr -d '"'
}

lfad_call() {
        busctl --timeout="$BUSCTL_TIMEOUT" call "$BUS_NAME" "$BUS_PATH" org.lfa.Manager "$@"
}

lfad_pid() {
        systemctl show -P MainPID lfad.service
}

lfad_ready() {
        [ "$(systemctl show -P ActiveState lfad.service)" = active ] &&
                busctl status "$BUS_NAME" >/dev/null 2>&1
}

# lfad's model against the driver's (15-kill-cycles, 16-burst).
# bus_model: one line per component of GetManagedObjects: uuid seq_id
# current_version pending_version activation_pending state
# force_cpu_rendezvous auto_activate, in the driver's notation.
bus_model() {
        busctl --json=short call "$BUS_NAME" "$BUS_PATH" org.freedesktop.DBus.ObjectManager \
                GetManagedObjects | perl -MJSON::PP -e '
                local $/;
                my $objs = decode_json(<STDIN>)->{data}[0];
                for my $c (map { $_->{"org.lfa.Component"} || () } values %$objs) {
                        print join(" ", map {
                                my $v = $c->{$_}{data};
                                JSON::PP::is_bool($v) ? ($v ? 1 : 0) : $v
                        } qw(Uuid SeqId CurrentVersion PendingVersion ActivationPending State
                             ForceCpuRendezvous KernelAutoActivate)), "\n";
                }' | sort
}

sysfs_model() {
        local d
        for d in "$SYSFS"/*-*; do
                echo "$(basename "$d") $(cat "$d/seq_id" "$d/current_version" "$d/pending_version" \
                        "$d/activation_pending" "$d/state" "$d/force_cpu_rendezvous" \
                        "$d/auto_activate" | paste -sd' ')"
        done | sort
}

# --- policy -----------------------------------------------------------------

# policy_set NAME <<EOF ... : write /etc/lfa.d/NAME.conf and reload lfad.
policy_set() {
        mkdir -p /etc/lfa.d
        cat >"/etc/lfa.d/$1.conf"
        systemctl reload lfad.service
}

policy_clear() {
        rm -f /etc/lfa.d/*.conf
}

# --- journal ----------------------------------------------------------------

# journal_has MESSAGE_ID [FIELD=VALUE...]: lfad logged such an entry this boot.
journal_has() {
        local id=$1
        shift
        journalctl -b -o cat --no-pager "MESSAGE_ID=$id" "$@" | grep -q .
}

journal_count() {
        local id=$1
        shift
        journalctl -b -o cat --no-pager "MESSAGE_ID=$id" "$@" | wc -l
}

# --- platform set-up --------------------------------------------------------

# component_count: how many components lfad lists.
component_count() {
        lfad_call ListComponents | awk '{ print $2 }'
}

# platform SCN N: a fresh start for a scenario: no admin policy, the agent
# programmed with SCN (the driver re-reads it: every component is removed and
# added again), and lfad listing its N components.
platform() {
        policy_clear
        if lfad_ready; then
                systemctl reload lfad.service
        fi
        agent_scenario "$1"
        udevadm settle
        wait_bus 30 "lfad lists the $2 components of $1" \
                "test \"\$(component_count)\" = $2"
}

# agent_calls_clear: forget the calls recorded so far (the record is a
# ring of 1024; a scenario that counts calls clears it first).
agent_calls_clear() {
        echo clear >"$AGENT/calls"
}

# The administrator's switch to upstream's ABI (12-upstream-abi, 13-driver-swap).
UPSTREAM_CONF=/etc/modprobe.d/lfa-e2e-upstream.conf

# driver_restore_extended: lfa.ko with its extensions and the demo platform,
# no policy, lfad (re)started: what the scenarios after one that changed the
# driver expect, however it ended (also its EXIT trap; idempotent).
driver_restore_extended() {
        rm -f "$UPSTREAM_CONF"
        policy_clear
        systemctl stop lfad.service || true
        if [ -d /sys/module/lfa ] && [ "$(cat /sys/module/lfa/parameters/extensions 2>/dev/null)" != Y ]; then
                rmmod lfa || true
        fi
        modprobe lfa || return 1
        agent_scenario demo.scn || return 1
        systemctl start lfad.service
}

# calls FN: the agent's records of calls to FN (PRIME, ACTIVATE, ...).
calls() {
        agent_calls | grep -w "$1" || true
}

# bus_error [-u USER] OBJECT INTERFACE.METHOD ARGS...: call a method with
# gdbus (ARGS in GVariant text) and print the D-Bus error name it failed
# with, or "success". busctl prints only an error's message, not its name.
bus_error() {
        local run=() out
        if [ "$1" = -u ]; then
                run=(runuser -u "$2" --)
                shift 2
        fi
        local obj=$1 method=$2
        shift 2
        if out=$("${run[@]}" gdbus call --system --timeout "$BUSCTL_TIMEOUT" \
                --dest "$BUS_NAME" --object-path "$obj" --method "$method" "$@" 2>&1); then
                echo success
                return
        fi
        echo "    ($method: $out)" >&2
        sed -n 's/.*GDBus\.Error:\([^:]*\):.*/\1/p' <<<"$out" | head -n 1
}

# manager_error [-u USER] METHOD ARGS...: bus_error on org.lfa.Manager.
manager_error() {
        local user=()
        if [ "$1" = -u ]; then
                user=(-u "$2")
                shift 2
        fi
        local method=$1
        shift
        bus_error "${user[@]}" "$BUS_PATH" "org.lfa.Manager.$method" "$@"
}

# activations: how many ACTIVATE calls completed (x0 = 0 and no CALL_AGAIN).
activations() {
        calls ACTIVATE | grep -c 'x0=0 x1=0x0 ' || true
}

# history_entry UUID RESULT ERROR: an extended regex matching one whole
# History() entry (uuid, name, action, trigger, versions, rendezvous, start,
# duration, result, error) in busctl's output.
history_entry() {
        printf '"%s" "[^"]*" "[^"]*" "[^"]*" "[^"]*" "[^"]*" (true|false) [0-9]+ [0-9]+ "%s" "%s"' "$1" "$2" "$3"
}

# --- the host -----------------------------------------------------------------

# host_request LINE: a line to the host on the results port, as "# LINE"
# (a TAP comment to the parser). The runner keeps the port open as fd 3
# and a scenario inherits it (the port opens only once).
host_request() {
        { echo "# $*" >&3; } 2>/dev/null || fail "no results port on fd 3 to ask the host"
}
