# shellcheck shell=bash
# The fleet step's host side (guest/scenarios/14-fleet-ssh.sh): the guest is
# one real host of a fleet, reached over ssh through QEMU's hostfwd on
# 127.0.0.1. Sourced by tests/e2e/run; the part that runs while the guest is
# up is lib/fleet-host.

# e2e_fleet_prepare OUT_DIR: a throw-away ssh key pair for this run (under
# OUT_DIR/fleet, in the build tree: never committed, made anew every run;
# its public half goes to the guest on the tests disk) and a free port on
# 127.0.0.1 for the guest's sshd. Sets E2E_SSH_PORT.
e2e_fleet_prepare() {
        local fleet=$1/fleet
        rm -rf "$fleet"
        mkdir -p "$fleet"
        ssh-keygen -q -t ed25519 -N '' -C "lfa-e2e throw-away key" -f "$fleet/id_ed25519"
        # The kernel picks a free port; QEMU binds it a moment later.
        # shellcheck disable=SC2034 # read by tests/e2e/run
        E2E_SSH_PORT=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
}

# e2e_fleet_start OUT_DIR PORT: start lib/fleet-host in the background, in
# a process group of its own (so e2e_fleet_stop ends its children too).
# Sets E2E_FLEET_PID.
e2e_fleet_start() {
        setsid "$E2E_DIR/lib/fleet-host" "$1" "$2" </dev/null >/dev/null 2>&1 &
        E2E_FLEET_PID=$!
}

# e2e_fleet_stop OUT_DIR: after QEMU exited: end lib/fleet-host if it still
# waits (the guest never asked for the fleet step, or went away during
# it), and print what it did.
e2e_fleet_stop() {
        local fleet=$1/fleet
        if kill -0 "$E2E_FLEET_PID" 2>/dev/null; then
                kill -- -"$E2E_FLEET_PID" 2>/dev/null || kill "$E2E_FLEET_PID" 2>/dev/null || true
        fi
        wait "$E2E_FLEET_PID" 2>/dev/null || true
        if [ -s "$fleet/report" ]; then
                grep -E '^(ok|FAIL|bench):' "$fleet/report" | sed 's/^/e2e: fleet over ssh: /'
                if grep -q '^FAIL' "$fleet/report"; then
                        echo "e2e: fleet over ssh: logs in $fleet (fleet.log, run1.log, run2.log)"
                fi
        else
                echo "e2e: fleet over ssh: no report (log: $fleet/fleet.log)"
        fi
}
