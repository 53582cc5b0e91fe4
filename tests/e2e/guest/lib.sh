# shellcheck shell=bash
# Helpers for the e2e scenarios, sourced by the guest runner before each
# scenario (set -euo pipefail is on). Every check prints what it asserted;
# the first failed check ends the scenario with a message saying what was
# expected and what was seen.

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

# wait_for SECONDS MSG CMD...: poll CMD every 0.2 s until it succeeds.
wait_for() {
        local secs=$1 msg=$2 end
        shift 2
        end=$(( $(date +%s) + secs ))
        until "$@" >/dev/null 2>&1; do
                if [ "$(date +%s)" -ge "$end" ]; then
                        fail "$msg: not within ${secs}s (waited for: $*)"
                fi
                sleep 0.2
        done
        pass "$msg"
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
