# lfa.ko's parameters change under a running lfad: from upstream's ABI
# (extensions=0, as 12-upstream-abi sets it up) back to the extended one.
# The driver sends no remove uevent in upstream mode, so lfad's poll sees
# it go; the extended driver's add uevents bring the components back, and
# lfad must then follow what the driver offers (DriverAbi, DriverFeatures,
# no poll) without a restart.

trap '[ "${restored:-0}" = 1 ] || driver_restore_extended' EXIT

check "stop lfad" systemctl stop lfad.service
policy_clear
check "rmmod lfa" rmmod lfa
echo "options lfa extensions=0" >"$UPSTREAM_CONF"
check "modprobe lfa (extensions=0)" modprobe lfa
agent_scenario demo.scn
mkdir -p /etc/lfa.d
printf '[Manager]\nPollIntervalSec=2\n' >/etc/lfa.d/50-poll.conf
check "start lfad" systemctl start lfad.service
check_eq "DriverAbi" upstream "$(prop_manager DriverAbi)"
check_eq "PollIntervalUSec" 2000000 "$(prop_manager PollIntervalUSec)"
pid=$(lfad_pid)

rm -f "$UPSTREAM_CONF"
check "rmmod lfa" rmmod lfa
wait_bus 20 "lfad's poll saw the driver go" 'test "$(component_count)" = 0'
check_eq "DriverAbi" none "$(prop_manager DriverAbi)"
check_eq "not polling without a driver" 0 "$(prop_manager PollIntervalUSec)"
check "modprobe lfa (extensions=Y)" modprobe lfa
check_eq "the module parameter reads Y" Y "$(cat /sys/module/lfa/parameters/extensions)"
agent_scenario demo.scn
wait_bus 30 "the components returned (add uevents)" 'test "$(component_count)" = 3'
check_eq "DriverAbi follows the driver" extended "$(prop_manager DriverAbi)"
check "DriverFeatures has component-uevents" \
        grep -qw component-uevents <<<"$(prop_manager DriverFeatures)"
check_eq "not polling: component uevents" 0 "$(prop_manager PollIntervalUSec)"
check_eq "AbiVersion from the version file" 1.0 "$(prop_manager AbiVersion)"
check_eq "lfad kept running (same PID)" "$pid" "$(lfad_pid)"

# The extended driver's own path works under the same lfad.
policy_clear
mkdir -p /etc/lfa.d
printf '[Component %s]\nAutoActivate=immediate\n' "$RMM" >/etc/lfa.d/50-rmm.conf
check "systemctl reload lfad" systemctl reload lfad.service
agent_ctl "store-update uuid=$RMM pending_version=1.3"
wait_bus 60 "lfad activated RMM through the uevent: 1.3" \
        'test "$(prop_component "$RMM" CurrentVersion)" = 1.3'
check_eq "RMM's SeqId from the seq_id file" 1 "$(prop_component "$RMM" SeqId)"

# And back: lfa.ko with extensions=0 sends no uevent of its own, and no
# poll runs while lfad has no driver: only the module's own add uevent
# tells the running lfad that a driver came back, with upstream's ABI.
check "rmmod lfa" rmmod lfa
wait_bus 20 "lfad saw the driver go (remove uevents)" 'test "$(prop_manager DriverAbi)" = none'
printf '[Manager]\nPollIntervalSec=2\n' >/etc/lfa.d/50-poll.conf
check "systemctl reload lfad" systemctl reload lfad.service
echo "options lfa extensions=0" >"$UPSTREAM_CONF"
check "modprobe lfa (extensions=0)" modprobe lfa
wait_bus 20 "lfad found upstream's ABI (the module's add uevent)" 'test "$(prop_manager DriverAbi)" = upstream'
check_eq "polling again" 2000000 "$(prop_manager PollIntervalUSec)"
agent_scenario demo.scn
wait_bus 20 "the components returned (poll)" 'test "$(component_count)" = 3'
check_eq "lfad kept running (same PID)" "$pid" "$(lfad_pid)"
rm -f "$UPSTREAM_CONF"
check "rmmod lfa" rmmod lfa
check "modprobe lfa (extensions=Y)" modprobe lfa
agent_scenario demo.scn
wait_bus 30 "the extended driver is back (add uevents)" 'test "$(prop_manager DriverAbi)" = extended'

policy_clear
check "systemctl reload lfad (no policy, as the next scenarios expect)" systemctl reload lfad.service
restored=1
