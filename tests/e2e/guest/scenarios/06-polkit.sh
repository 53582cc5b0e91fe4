# An unprivileged user reads everything and is refused every change by the
# real polkitd (no session, so polkit's allow_any applies: auth_admin, which
# a caller without an agent cannot satisfy); root is allowed.

user=lfa-e2e
id "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
platform demo.scn 3
agent_ctl "store-update uuid=$RMM pending_version=1.3"
wait_bus 20 "lfad sees RMM pending (policy: never)" \
        'test "$(prop_component "$RMM" ActivationPending)" = true'
check_eq "RMM waits for an explicit request" never "$(prop_component "$RMM" Decision)"

as_user() {
        runuser -u "$user" -- "$@"
}
check "user: busctl tree" as_user busctl tree "$BUS_NAME"
check "user: manager properties" as_user busctl introspect "$BUS_NAME" "$BUS_PATH"
check "user: component properties" as_user busctl get-property "$BUS_NAME" \
        "$(component_path "$RMM")" org.lfa.Component CurrentVersion
check "user: GetManagedObjects" as_user busctl call "$BUS_NAME" "$BUS_PATH" \
        org.freedesktop.DBus.ObjectManager GetManagedObjects
check "user: ListComponents" as_user busctl call "$BUS_NAME" "$BUS_PATH" org.lfa.Manager ListComponents
check "user: Plan" as_user busctl call "$BUS_NAME" "$BUS_PATH" org.lfa.Manager Plan
check "user: History" as_user busctl call "$BUS_NAME" "$BUS_PATH" org.lfa.Manager History u 5
check "user: Refresh" as_user busctl call "$BUS_NAME" "$BUS_PATH" org.lfa.Manager Refresh

before=$(calls ACTIVATE | wc -l)
denied() {
        local got
        got=$(manager_error -u "$user" "$@")
        case $got in
        org.lfa.Error.AccessDenied | org.freedesktop.DBus.Error.AccessDenied | \
                org.freedesktop.DBus.Error.InteractiveAuthorizationRequired)
                pass "user: $1 refused ($got)"
                ;;
        *)
                fail "user: $1 should be refused, got '$got'"
                ;;
        esac
}
denied Activate "'$RMM'" "{}"
denied ActivatePending
denied Cancel "'$RMM'"
denied Prime "'$RMM'"
denied ReloadPolicy
denied Inhibit "'e2e'" "'test'"
check_eq "nothing was activated for the user" "$before" "$(calls ACTIVATE | wc -l)"
check_eq "RMM still pending" true "$(prop_component "$RMM" ActivationPending)"
# polkitd is bus-activated: it runs now because lfad asked it.
check "the real polkitd answered (polkit.service active)" \
        systemctl is-active --quiet polkit.service

# root: allowed, within the firmware's constraints.
check_eq "root: ReloadPolicy" success "$(manager_error ReloadPolicy)"
check_eq "root: Activate(RMM, rendezvous=skip) where it is required" \
        org.lfa.Error.RendezvousRequired \
        "$(manager_error Activate "'$RMM'" "{'rendezvous': <'skip'>}")"
check_eq "root: Activate(RMM)" success "$(manager_error Activate "'$RMM'" "{}")"
check_eq "RMM activated: 1.3" 1.3 "$(prop_component "$RMM" CurrentVersion)"
hist=$(lfad_call History u 1)
check "History(): trigger manual" grep -q "\"$RMM\" \"[^\"]*\" \"activate\" \"manual\"" <<<"$hist"
