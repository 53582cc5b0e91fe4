# The installed, hardened lfad.service: its systemd-analyze security score,
# and lfad still reaching the driver's control files inside that sandbox.

out=$(systemd-analyze security --no-pager lfad.service)
score=$(sed -n 's/.*Overall exposure level for lfad.service: \([0-9.]*\).*/\1/p' <<<"$out")
echo "    systemd-analyze security: $score"
check "systemd-analyze security gives a score" test -n "$score"
check "exposure $score is 1.0 or better (as suite units holds)" awk -v s="$score" 'BEGIN { exit !(s <= 1.0) }'
bench lfad-security-exposure "$score" score

pid=$(lfad_pid)
check_eq "no effective capability" 0000000000000000 \
        "$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/$pid/status)"
check_eq "no new privileges" 1 "$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' /proc/$pid/status)"
check_eq "seccomp filter on" 2 "$(sed -n 's/^Seccomp:[[:space:]]*//p' /proc/$pid/status)"
check "inside its mount namespace /sys is read-only" \
        bash -c "nsenter -t $pid -m findmnt -n -o OPTIONS /sys | grep -q '^ro'"
check "and /sys/firmware is writable" \
        bash -c "nsenter -t $pid -m findmnt -n -o OPTIONS /sys/firmware | grep -q '^rw'"

platform demo.scn 3
infos=$(calls GET_INFO | wc -l)
check "Refresh() makes lfad write /sys/firmware/lfa/refresh" \
        busctl call "$BUS_NAME" "$BUS_PATH" org.lfa.Manager Refresh
check "the driver re-read the inventory" test "$(calls GET_INFO | wc -l)" -gt "$infos"

# force_cpu_rendezvous (0) and activate, written by lfad.
policy_set 50-bmc <<EOF_POLICY
[Component $BMC]
AutoActivate=immediate
CpuRendezvous=skip
EOF_POLICY
agent_ctl "store-update uuid=$BMC pending_version=4.2"
wait_bus 60 "lfad activated BMC" 'test "$(prop_component "$BMC" CurrentVersion)" = 4.2'
check_eq "lfad wrote force_cpu_rendezvous=0" 0 "$(cat $SYSFS/$BMC/force_cpu_rendezvous)"
check "the ACTIVATE skipped the rendezvous" bash -c "grep -w ACTIVATE <<<\"\$(cat $AGENT/calls)\" | grep -q 'flags=0x1 '"
