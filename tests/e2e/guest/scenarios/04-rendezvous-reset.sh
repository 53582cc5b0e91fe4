# The rendezvous is skipped only where the firmware says it is optional: a
# policy asking to skip it for TF-RMM (rendezvous required) gets a warning
# and the CPUs gathered. A component that may reset a CPU (TF-A BL31) is
# never activated automatically, whatever the policy says.

platform demo.scn 3
policy_set 50-skip <<EOF_POLICY
[Component $RMM]
AutoActivate=immediate
CpuRendezvous=skip

[Component $BL31]
AutoActivate=immediate
EOF_POLICY

before=$(calls ACTIVATE | wc -l)
primes=$(calls PRIME | wc -l)
agent_ctl "store-update uuid=$RMM pending_version=1.3"
wait_bus 60 "RMM activated: 1.3" 'test "$(prop_component "$RMM" CurrentVersion)" = 1.3'
rounds=$(calls ACTIVATE | tail -n +$((before + 1)))
echo "$rounds" | sed 's/^/    agent: /'
ok_round=$(grep 'x0=0 x1=0x0 ' <<<"$rounds" | tail -n 1)
check "RMM's ACTIVATE kept the rendezvous (flags=0x0)" grep -q 'flags=0x0 ' <<<"$ok_round"
check "with both CPUs stopped" grep -q 'cpus=2/2 stopped=1' <<<"$ok_round"
check "journal: lfad warned that the rendezvous was forced" \
        journal_has 02a5c84bb48a4608b6316797285bff1e "LFA_UUID=$RMM"

before=$(calls ACTIVATE | wc -l)
primes=$(calls PRIME | wc -l)
agent_ctl "store-update uuid=$BL31 pending_version=2.11"
wait_bus 20 "lfad sees BL31 pending" 'test "$(prop_component "$BL31" ActivationPending)" = true'
check_eq "BL31's decision" refused "$(prop_component "$BL31" Decision)"
# Barrier: Refresh() returns after lfad re-read and scheduled again.
check "Refresh()" lfad_call Refresh
check_eq "lfad is idle" idle "$(prop_manager State)"
check_eq "no PRIME issued for BL31" "$primes" "$(calls PRIME | wc -l)"
check_eq "no ACTIVATE issued for BL31" "$before" "$(calls ACTIVATE | wc -l)"
check_eq "BL31 still pending" true "$(prop_component "$BL31" ActivationPending)"
check_eq "an explicit Activate(BL31) is refused" org.lfa.Error.MayResetCpu \
        "$(manager_error Activate "'$BL31'" "{}")"
check_eq "the window leaves it alone too" "$before" "$(calls ACTIVATE | wc -l)"
