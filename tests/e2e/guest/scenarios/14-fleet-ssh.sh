# The guest as one real host of a fleet: the host's ansible-playbook runs the
# rolling activation of fleet/ansible (lfa.fleet.rolling_activation) against
# it over ssh (QEMU user networking, 127.0.0.1 forwarded to sshd; this run's
# throw-away key from the tests disk; lib/fleet-host on the host). The first
# run activates the pending TF-RMM 1.3 through lfactl and lfad; the second
# changes nothing. The host reports its verdict (exit, recap, outcome) back
# over ssh; the guest checks what the driver and lfad saw.
# Two playbook runs under TCG on a loaded host: longer than the default.
# e2e-timeout: 480

platform demo.scn 3
# The defaults (AutoActivate=never): the image waits for the rollout.
rmm_before=$(cat "$SYSFS/$RMM/current_version")
check_eq "RMM runs 1.2" 1.2 "$rmm_before"
agent_ctl "store-update uuid=$RMM pending_version=1.3"
wait_bus 30 "RMM 1.3 pending" \
        'test "$(prop_component "$RMM" ActivationPending)" = true && test "$(prop_component "$RMM" PendingVersion)" = 1.3'
check "python3 for the modules" test -x /usr/bin/python3
check "lfactl for the modules" test -x /usr/bin/lfactl
check "sshd runs" systemctl is-active --quiet ssh.service
check "systemd-networkd configured the NIC" systemctl is-active --quiet systemd-networkd.service
check_eq "eth0 (virtio-net) is up" up "$(cat /sys/class/net/eth0/operstate)"
install -d -m 0700 /root/.ssh
install -m 0600 "$E2E/fleet/authorized_keys" /root/.ssh/authorized_keys
agent_calls_clear
hist_before=$(lfad_call History u 0 | awk '{ print $2 }')

# The host writes its report into a FIFO over ssh once its playbook runs
# exited: reading it blocks until then, and ends at the host's EOF.
fifo=/run/lfa-e2e/fleet-host.fifo
mkdir -p /run/lfa-e2e
rm -f /run/lfa-e2e/fleet-host "$fifo"
mkfifo -m 0600 "$fifo"
host_request "fleet-ready $RMM 1.3"
# Two playbook runs under TCG: 30-40 s each on a quiet machine.
check "the host ran the playbook twice and reported back over ssh" \
        timeout 420 sh -c 'exec cat "$1" >/run/lfa-e2e/fleet-host' sh "$fifo"
rm -f "$fifo"
sed 's/^/    host: /' /run/lfa-e2e/fleet-host
grep '^bench: ' /run/lfa-e2e/fleet-host || true
check "the host's report is whole" grep -qx end /run/lfa-e2e/fleet-host
check "the host saw no failure" bash -c '! grep -q "^FAIL" /run/lfa-e2e/fleet-host'
check "host: run 1 activated the image (changed=1)" grep -q '^ok: run 1 ' /run/lfa-e2e/fleet-host
check "host: run 2 changed nothing (changed=0)" grep -q '^ok: run 2 ' /run/lfa-e2e/fleet-host

# What the guest saw.
check_eq "the driver's current_version changed" 1.3 "$(cat "$SYSFS/$RMM/current_version")"
check_eq "RMM no longer pending" false "$(prop_component "$RMM" ActivationPending)"
check_eq "RMM's last result" success "$(prop_component "$RMM" LastResult)"
check_eq "one ACTIVATE round succeeded (the second run activated nothing)" 1 "$(activations)"
check_eq "lfad recorded one attempt" $((hist_before + 1)) "$(lfad_call History u 0 | awk '{ print $2 }')"
check "it is RMM's, and it succeeded" grep -Eq "$(history_entry "$RMM" success "")" <<<"$(lfad_call History u 1)"
check "the activation came over ssh (sshd's journal: root's key)" \
        bash -c 'journalctl -b -u ssh.service -o cat --no-pager | grep -q "Accepted publickey for root"'
