# boot: without the driver lfad.service is a no-op; loading lfa.ko (its test
# agent programmed with the demo platform) makes udev start lfad through the
# project's rule; lfad reaches READY and shows every component on the bus.

check_eq "lfad.service is enabled (the operator's set-up)" enabled \
        "$(systemctl is-enabled lfad.service)"
check_eq "without /sys/firmware/lfa its condition kept it from starting" no \
        "$(systemctl show -P ConditionResult lfad.service)"
check_eq "lfad is not running" inactive "$(systemctl show -P ActiveState lfad.service)"

# The x86_64 guest's lfa.ko comes from DKMS with the test agent selected.
check "DKMS installed lfa.ko for the running kernel" \
        test -n "$(find "/lib/modules/$(uname -r)/updates" -name 'lfa.ko*' 2>/dev/null)"
t0=$(now_us)
cursor=$(journal_cursor)
check "modprobe lfa" modprobe lfa
check_eq "the driver found LFA 1.0 behind the test agent" 1.0 "$(cat $SYSFS/version)"
check "the agent's debugfs is there" test -w "$AGENT/scenario"

agent_scenario demo.scn
for u in $BL31 $RMM $BMC; do
        check "component $u in sysfs" test -d "$SYSFS/$u"
done
udevadm settle
udevadm info -q property -p "/firmware/lfa/$RMM" 2>&1 | sed 's/^/    udev: /'
# The rule's TAG+="systemd" makes each component a .device unit, and its
# SYSTEMD_WANTS makes that unit want lfad.service.
check "systemd knows RMM's component as a device unit" \
        bash -c "systemctl list-units --all --type=device --no-legend | grep -q 'sys-firmware-lfa-6c0762a6'"
wanted=$(systemctl show -P WantedBy lfad.service)
echo "    lfad.service WantedBy=$wanted"
check "the component devices want lfad.service" grep -q 'sys-firmware-lfa-' <<<"$wanted"

# systemd logs "Started" (its unit-started MESSAGE_ID) when lfad's start
# job ends, which for Type=notify is READY=1.
wait_journal 60 "udev started lfad and it reached READY (systemd: Started lfad.service)" \
        "$cursor" MESSAGE_ID=39f53479d3a045ac8e11786248231fbf UNIT=lfad.service
check_eq "lfad is active" active "$(systemctl show -P ActiveState lfad.service)"
check "lfad owns org.lfa.Manager" busctl status "$BUS_NAME"
t_ready=$(now_us)

tree=$(busctl tree --list "$BUS_NAME")
echo "$tree" | sed 's/^/    /'
for u in $BL31 $RMM $BMC; do
        check "busctl tree shows $u" grep -qx "$(component_path "$u")" <<<"$tree"
done
check_eq "ListComponents has 3 components" 3 "$(component_count)"
check_eq "RMM's name from the driver's table" "TF-RMM" "$(prop_component "$RMM" Name)"
check_eq "RMM's version" "1.2" "$(prop_component "$RMM" CurrentVersion)"
check_eq "BL31 may reset a CPU" true "$(prop_component "$BL31" MayResetCpu)"
check_eq "BMC's rendezvous is optional" false "$(prop_component "$BMC" CpuRendezvous)"
check_eq "the manager reports the ABI version" 1.0 "$(prop_manager AbiVersion)"
check_eq "nothing pending" 0 "$(prop_manager PendingCount)"

start=$(systemctl show -P ExecMainStartTimestampMonotonic lfad.service)
ready=$(systemctl show -P ActiveEnterTimestampMonotonic lfad.service)
bench lfad-start-to-ready $(( (ready - start) / 1000 )) ms
bench modprobe-to-lfad-ready $(( (t_ready - t0) / 1000 )) ms
