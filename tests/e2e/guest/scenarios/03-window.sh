# window mode: a component the policy leaves for the maintenance window is
# not touched until lfa-activate.service runs (what lfa-activate.timer
# starts); the board controller's rendezvous is skipped, as the policy asks
# and its firmware allows.

platform demo.scn 3
policy_set 50-bmc <<EOF_POLICY
[Component $BMC]
AutoActivate=window
CpuRendezvous=skip
EOF_POLICY

timers=$(systemctl list-timers --all --no-pager lfa-activate.timer)
echo "$timers" | sed 's/^/    /'
check "systemctl list-timers lists lfa-activate.timer" grep -q 'lfa-activate.timer' <<<"$timers"
check "it activates lfa-activate.service" grep -q 'lfa-activate.service' <<<"$timers"

before=$(calls ACTIVATE | wc -l)
agent_ctl "store-update uuid=$BMC pending_version=4.2"
wait_bus 20 "lfad sees BMC pending" 'test "$(prop_component "$BMC" ActivationPending)" = true'
check_eq "BMC's decision" window "$(prop_component "$BMC" Decision)"
plan=$(lfad_call Plan)
check "Plan() says window for BMC" grep -q "\"$BMC\" \"[^\"]*\" \"window\"" <<<"$plan"
# Nothing may happen on its own. Barrier: Refresh() returns after lfad has
# re-read the inventory and scheduled what it would (no timer is involved
# in a window decision).
check "Refresh()" lfad_call Refresh
check_eq "lfad is idle" idle "$(prop_manager State)"
check_eq "no ACTIVATE issued before the window" "$before" "$(calls ACTIVATE | wc -l)"
check_eq "BMC still pending" true "$(prop_component "$BMC" ActivationPending)"
check_eq "BMC still at 4.1" 4.1 "$(prop_component "$BMC" CurrentVersion)"

check "systemctl start lfa-activate.service succeeds" systemctl start lfa-activate.service
check_eq "lfa-activate.service result" success "$(systemctl show -P Result lfa-activate.service)"
check_eq "BMC activated in the window: 4.2" 4.2 "$(prop_component "$BMC" CurrentVersion)"

rounds=$(calls ACTIVATE | tail -n +$((before + 1)))
echo "$rounds" | sed 's/^/    agent: /'
check "the ACTIVATE rounds skipped the rendezvous (flags=0x1)" grep -q 'flags=0x1 ' <<<"$rounds"
check "no round gathered the CPUs" bash -c '! grep -q "stopped=1" <<<"$1"' _ "$rounds"
hist=$(lfad_call History u 1)
check "History(): trigger window" grep -q "\"$BMC\" \"[^\"]*\" \"activate\" \"window\"" <<<"$hist"
