# lfa.ko unloaded and loaded again while lfad runs: the components vanish
# from the bus and return, lfad keeps serving throughout, and it can still
# activate through the new sysfs files (its sandbox reopened /sys/firmware,
# not the /sys/firmware/lfa that went away).

platform demo.scn 3
policy_set 50-rmm <<EOF_POLICY
[Component $RMM]
AutoActivate=immediate
EOF_POLICY
pid=$(lfad_pid)

check "rmmod lfa" rmmod lfa
check "/sys/firmware/lfa is gone" test ! -e "$SYSFS"
wait_bus 20 "the components vanished from the bus" 'test "$(component_count)" = 0'
check "busctl tree shows no component" \
        bash -c "! busctl tree --list $BUS_NAME | grep -q /component/"
check "lfad answers Plan() without the driver" busctl call "$BUS_NAME" "$BUS_PATH" org.lfa.Manager Plan
check_eq "lfad kept running (same PID)" "$pid" "$(lfad_pid)"

check "modprobe lfa" modprobe lfa
agent_scenario demo.scn
wait_bus 30 "the components returned" 'test "$(component_count)" = 3'
check_eq "lfad kept running (same PID)" "$pid" "$(lfad_pid)"
check_eq "RMM's properties are back" 1.2 "$(prop_component "$RMM" CurrentVersion)"

agent_ctl "store-update uuid=$RMM pending_version=1.3"
wait_bus 60 "lfad activates through the new driver: RMM 1.3" \
        'test "$(prop_component "$RMM" CurrentVersion)" = 1.3'
check_eq "one completed activation" 1 "$(activations)"
