# kill -9 of lfad while the driver's "activate" write is inside ACTIVATE:
# the write completes (ACTIVATE cannot be stopped), systemd restarts lfad,
# the restarted lfad finds nothing pending and activates nothing a second
# time, and the history file is intact.

platform e2e-slow.scn 1
policy_set 50-rmm <<EOF_POLICY
[Component $RMM]
AutoActivate=immediate
EOF_POLICY
hist_before=$(lfad_call History u 0 | awk '{ print $2 }')
restarts=$(systemctl show -P NRestarts lfad.service)
pid=$(lfad_pid)
done_before=$(activations)

agent_ctl "store-update uuid=$RMM pending_version=1.3"
wait_sysfs 30 "the driver is inside ACTIVATE" "$SYSFS/$RMM/state" activating
cursor=$(journal_cursor)
check "kill -9 lfad" kill -9 "$pid"
wait_journal 60 "systemd restarted lfad (Started lfad.service)" "$cursor" \
        MESSAGE_ID=39f53479d3a045ac8e11786248231fbf UNIT=lfad.service
check "a new lfad" test "$(lfad_pid)" != "$pid"
check_eq "lfad is active" active "$(systemctl show -P ActiveState lfad.service)"
check_eq "one restart" $((restarts + 1)) "$(systemctl show -P NRestarts lfad.service)"
since_restart=$(systemctl show -P ExecMainStartTimestamp lfad.service)
wait_bus 60 "the activation completed: RMM 1.3" \
        'test "$(prop_component "$RMM" CurrentVersion)" = 1.3'
check_eq "RMM idle" idle "$(cat $SYSFS/$RMM/state)"
check_eq "RMM not pending" false "$(prop_component "$RMM" ActivationPending)"
# Barrier: Refresh() returns after the new lfad re-read and scheduled;
# nothing is pending, so nothing may start.
check "Refresh()" lfad_call Refresh
check_eq "the new lfad is idle" idle "$(prop_manager State)"
check_eq "exactly one completed activation" $((done_before + 1)) "$(activations)"
check_eq "the restarted lfad started no activation" 0 \
        "$(journal_count c3814b4528b943de8d476a4a59c6846f "LFA_UUID=$RMM" --since "$since_restart")"
hist_after=$(lfad_call History u 0 | awk '{ print $2 }')
check "the history file reads back, no entry lost ($hist_before -> $hist_after)" \
        test "$hist_after" -ge "$hist_before"
check "every line of the history file is a whole record" \
        test "$(tail -c 1 "$HISTORY" | od -An -c | tr -d ' ')" = '\n'
