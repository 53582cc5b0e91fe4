# `systemctl reload lfad` with a broken policy: the last good policy stays
# in force (nothing of the broken file applies, not even its valid lines)
# and the journal names file:line.

platform demo.scn 3
policy_set 50-rmm <<EOF_POLICY
[Component $RMM]
AutoActivate=window
EOF_POLICY
agent_ctl "store-update uuid=$RMM pending_version=1.3"
wait_bus 20 "lfad sees RMM pending" 'test "$(prop_component "$RMM" ActivationPending)" = true'
check_eq "RMM left for the window" window "$(prop_component "$RMM" Decision)"
files_before=$(prop_manager PolicyFiles)
loaded_before=$(prop_manager PolicyLoadedUSec)
pid=$(lfad_pid)

# Line 2 is valid and would activate RMM at once; line 3 is not.
cat >/etc/lfa.d/60-broken.conf <<EOF_POLICY
[Component $RMM]
AutoActivate=immediate
CpuRendezvous=sometimes
EOF_POLICY
cursor=$(journal_cursor)
check "systemctl reload lfad" systemctl reload lfad.service
wait_journal 20 "the journal: lfad's policy-invalid MESSAGE_ID" "$cursor" \
        MESSAGE_ID=d110ac848d464e6f96edf37e18a2850a
check "it names /etc/lfa.d/60-broken.conf:3" grep -q '/etc/lfa\.d/60-broken\.conf:3' <<<"$JOURNAL_ENTRY"
check_eq "lfad kept running (same PID)" "$pid" "$(lfad_pid)"
check_eq "lfad is active" active "$(systemctl show -P ActiveState lfad.service)"
check_eq "the policy files in force are unchanged" "$files_before" "$(prop_manager PolicyFiles)"
check_eq "and were not reloaded" "$loaded_before" "$(prop_manager PolicyLoadedUSec)"
# Barrier: Refresh() returns after lfad re-read and decided again.
check "Refresh()" lfad_call Refresh
check_eq "RMM still left for the window" window "$(prop_component "$RMM" Decision)"
check_eq "RMM still pending (the broken file's valid line did not apply)" true \
        "$(prop_component "$RMM" ActivationPending)"

check_eq "ReloadPolicy() over D-Bus fails with InvalidPolicy" org.lfa.Error.InvalidPolicy \
        "$(manager_error ReloadPolicy)"
msg=$(busctl call "$BUS_NAME" "$BUS_PATH" org.lfa.Manager ReloadPolicy 2>&1 || true)
check "its message names file:line" grep -q '60-broken.conf:3' <<<"$msg"

rm -f /etc/lfa.d/60-broken.conf
check "systemctl reload lfad after the fix" systemctl reload lfad.service
wait_bus 20 "the good policy is reloaded" \
        'test "$(prop_manager PolicyLoadedUSec)" != "$loaded_before"'
