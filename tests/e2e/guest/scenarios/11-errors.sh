# Firmware errors through the whole chain (tests/scenarios/errors.scn,
# shared with the simulator): the driver's errno reaches lfad's history,
# properties, journal and bus errors; an image that fails authentication is
# not retried; a transient error (TF-A's raw -35 from PRIME, EIO) is
# retried exactly RetryLimit times, then lfad gives up.

platform errors.scn 4
cursor=$(journal_cursor)
policy_set 50-errors <<EOF_POLICY
[Component $RMM]
AutoActivate=immediate
RetryLimit=2
RetryDelaySec=1

[Component $BMC]
AutoActivate=immediate
RetryLimit=1
RetryDelaySec=1
EOF_POLICY
# Both are pending from the start: the reload that makes them "immediate" is
# what starts their activations (a store update now would be a new image,
# which rightly earns a fresh attempt).

wait_bus 60 "RMM's activation failed" 'test "$(prop_component "$RMM" LastResult)" = failed'
check "LastError is the driver's last_error (EKEYREJECTED AUTH_ERROR -3 ACTIVATE)" \
        grep -q '^EKEYREJECTED AUTH_ERROR -3 ACTIVATE' <<<"$(prop_component "$RMM" LastError)"
check "journal: activation failed, with LFA_UUID" \
        journal_has 9f469b8d35ef4099961c8e800e65caf9 "LFA_UUID=$RMM"
wait_journal 60 "BMC: lfad gave up after its retries" "$cursor" \
        MESSAGE_ID=dbb5029460d64d30b81fe03e544eef4f "LFA_UUID=$BMC"
# Once lfad has given up on both, no retry timer can start another attempt.
wait_journal 60 "RMM: lfad gave up at once (a rejected image is not retried)" "$cursor" \
        MESSAGE_ID=dbb5029460d64d30b81fe03e544eef4f "LFA_UUID=$RMM"
wait_bus 20 "lfad is idle" 'test "$(prop_manager State)" = idle'
agent_calls | grep -v -e GET_INVENTORY -e GET_INFO -e VERSION -e FEATURES | sed 's/^/    agent: /'
check_eq "RMM's rejected image was not retried: one ACTIVATE answered AUTH_ERROR" 1 \
        "$(calls ACTIVATE | grep -c 'x0=-3 ' || true)"
check_eq "BMC's transient error: 1 + RetryLimit=1 PRIMEs answered -35" 2 \
        "$(calls PRIME | grep -c 'x0=-35 ' || true)"
hist=$(lfad_call History u 10)
check "History(): RMM failed with EKEYREJECTED AUTH_ERROR" \
        grep -q -E "$(history_entry "$RMM" failed 'EKEYREJECTED AUTH_ERROR')" <<<"$hist"
check "History(): BMC failed with EIO UNKNOWN" \
        grep -q -E "$(history_entry "$BMC" failed 'EIO UNKNOWN')" <<<"$hist"
check_eq "an explicit Activate(RMM) returns the firmware error" org.lfa.Error.FirmwareError \
        "$(manager_error Activate "'$RMM'" "{}")"
check_eq "lfad still active" active "$(systemctl show -P ActiveState lfad.service)"
