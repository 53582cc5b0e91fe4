# lfad on a driver that offers only upstream's files: lfa.ko loaded with
# `extensions=0` (from /etc/modprobe.d, as an administrator sets it; at boot
# that is what the kernel has before lfad starts). No top-level files, no
# uevents at all: lfad learns of the store update through its poll of
# activation_pending ([Manager] PollIntervalSec=2), keeps auto_activate at 0
# and force_cpu_rendezvous as its policy says, activates with the single
# write, and refuses the component that may reset a CPU. Then lfa.ko with
# its extensions, as the rest of the suite needs (13-driver-swap changes the
# driver under a running lfad).

mon=/run/lfa-e2e/12-uevents.txt
trap 'kill "${monpid:-}" 2>/dev/null || true; [ "${restored:-0}" = 1 ] || driver_restore_extended' EXIT
# Arm's driver's files, exactly (driver/Documentation/ABI/testing/sysfs-firmware-lfa).
upstream_files="activate activation_capable activation_pending auto_activate cancel cpu_rendezvous current_version force_cpu_rendezvous may_reset_cpu name pending_version"

check "stop lfad (the driver changes under it, as across a reboot)" systemctl stop lfad.service
policy_clear
check "rmmod lfa" rmmod lfa
echo "options lfa extensions=0" >"$UPSTREAM_CONF"

# Every uevent of the lfa subsystem from here on, as udev receives it.
# udevadm prints its header once its netlink socket is bound; what it
# prints after that goes to the file as it comes.
: >"$mon"
exec {monfd}< <(exec stdbuf -oL udevadm monitor --kernel --property --subsystem-match=lfa 2>&1)
monpid=$!
check "udevadm monitor listens" pipe_until "$monfd" 10 '^KERNEL - the kernel uevent' "$mon"
cat <&$monfd >>"$mon" &
catpid=$!

check "modprobe lfa (options lfa extensions=0 from /etc/modprobe.d)" modprobe lfa
check_eq "the module parameter reads N" N "$(cat /sys/module/lfa/parameters/extensions)"
agent_scenario demo.scn
for u in $BL31 $RMM $BMC; do
        check "component $u in sysfs" test -d "$SYSFS/$u"
done
check_eq "nothing but the components at the top of /sys/firmware/lfa" \
        "$(printf '%s\n' "$BL31" "$RMM" "$BMC" | sort | paste -sd' ')" \
        "$(ls "$SYSFS" | sort | paste -sd' ')"
for u in $BL31 $RMM $BMC; do
        check_eq "$u has exactly upstream's eleven files" "$upstream_files" \
                "$(ls "$SYSFS/$u" | sort | paste -sd' ')"
        check_eq "$u: auto_activate defaults to 0" 0 "$(cat "$SYSFS/$u/auto_activate")"
done

# lfad is stopped: the policy is read when it starts.
mkdir -p /etc/lfa.d
cat >/etc/lfa.d/50-upstream.conf <<EOF_POLICY
[Manager]
PollIntervalSec=2

[Component $RMM]
AutoActivate=immediate

[Component $BMC]
AutoActivate=immediate
CpuRendezvous=skip

[Component $BL31]
AutoActivate=immediate
EOF_POLICY
since=$(date '+%Y-%m-%d %H:%M:%S')
check "start lfad (it reaches READY)" systemctl start lfad.service
check_eq "lfad lists the 3 components" 3 "$(component_count)"
check_eq "DriverAbi" upstream "$(prop_manager DriverAbi)"
check_eq "DriverModule" lfa "$(prop_manager DriverModule)"
check_eq "DriverFeatures: only auto_activate beyond upstream's v1 files" "1 auto-activate" \
        "$(prop_manager DriverFeatures)"
check_eq "PollIntervalUSec: the policy's 2 s" 2000000 "$(prop_manager PollIntervalUSec)"
check_eq "AbiVersion is empty (no version file)" "" "$(prop_manager AbiVersion)"
st=$(lfactl status)
grep -E '^ *(DriverAbi|DriverModule|DriverFeatures|PollIntervalUSec):' <<<"$st" | sed 's/^/    lfactl status: /'
check "lfactl status: DriverAbi upstream" grep -qE '^ *DriverAbi: upstream$' <<<"$st"
check "lfactl status: DriverFeatures auto-activate" grep -qE '^ *DriverFeatures: auto-activate$' <<<"$st"
check "lfactl status: the poll every 2 s" grep -qE '^ *PollIntervalUSec: 2s$' <<<"$st"
check "the journal says lfad polls every 2 s" \
        bash -c "journalctl -b -u lfad.service --since '$since' -o cat | grep -q 'polling activation_pending every 2 s'"

for u in $BL31 $RMM $BMC; do
        check_eq "$u: auto_activate reads 0" 0 "$(cat "$SYSFS/$u/auto_activate")"
        check_eq "$u: KernelAutoActivate" false "$(prop_component "$u" KernelAutoActivate)"
done
check_eq "BMC: force_cpu_rendezvous 0, as CpuRendezvous=skip says" 0 \
        "$(cat "$SYSFS/$BMC/force_cpu_rendezvous")"
check_eq "BMC: ForceCpuRendezvous" false "$(prop_component "$BMC" ForceCpuRendezvous)"
check_eq "RMM: force_cpu_rendezvous 1 (CpuRendezvous=force, the default)" 1 \
        "$(cat "$SYSFS/$RMM/force_cpu_rendezvous")"

# Someone else turns the kernel's own activation on: the next poll puts
# it back and says so.
echo 1 >"$SYSFS/$RMM/auto_activate"
wait_bus 15 "lfad's poll wrote RMM's auto_activate back to 0" \
        'test "$(cat "$SYSFS/$RMM/auto_activate")" = 0'
override=$(prop_component "$RMM" KernelOverride)
echo "    KernelOverride: $override"
check "RMM's KernelOverride says what lfad found and wrote" \
        grep -q '^auto_activate: found 1, wrote 0 at ' <<<"$override"
check "journal: the override with its MESSAGE_ID and LFA_UUID" \
        journal_has 51a6ba972f654532b472188864e67a61 "LFA_UUID=$RMM"
check_eq "RMM: KernelAutoActivate" false "$(prop_component "$RMM" KernelAutoActivate)"
show=$(lfactl show "$RMM")
check "lfactl show RMM: KernelOverride" \
        grep -qE '^ *KernelOverride: auto_activate: found 1, wrote 0 at ' <<<"$show"
check "lfactl show RMM: KernelAutoActivate no" grep -qE '^ *KernelAutoActivate: no$' <<<"$show"

# The store update: the platform's notification reaches the driver, which
# sends nothing; lfad's poll finds both images pending.
agent_calls_clear
t0=$(now_us)
agent_ctl "store-update uuid=$BMC pending_version=4.2"
agent_ctl "store-update uuid=$RMM pending_version=1.3"
wait_bus 60 "lfad activated BMC through the poll: 4.2" \
        'test "$(prop_component "$BMC" CurrentVersion)" = 4.2'
wait_bus 60 "lfad activated RMM through the poll: 1.3" \
        'test "$(prop_component "$RMM" CurrentVersion)" = 1.3'
t1=$(now_us)
for u in $RMM $BMC; do
        check_eq "$u: LastResult" success "$(prop_component "$u" LastResult)"
        check_eq "$u: no longer pending" false "$(prop_component "$u" ActivationPending)"
done

new_calls=$(agent_calls)
grep -v GET_INVENTORY <<<"$new_calls" | sed 's/^/    agent: /'
# demo.scn: BL31 is sequence id 0, RMM 1, BMC 2.
check "BMC (seq 2): PRIME succeeded" grep -q '^PRIME seq=2 .* x0=0 ' <<<"$new_calls"
bmc_act=$(grep '^ACTIVATE seq=2 ' <<<"$new_calls" | grep 'x0=0 x1=0x0 ' | tail -n 1)
check "BMC (seq 2): ACTIVATE succeeded" test -n "$bmc_act"
check "BMC's ACTIVATE skipped the rendezvous, as the policy says (flags=0x1)" \
        grep -q 'flags=0x1 ' <<<"$bmc_act"
check "no BMC round gathered the CPUs" \
        bash -c '! grep "^ACTIVATE seq=2 " <<<"$1" | grep -q "stopped=1"' _ "$new_calls"
check "RMM (seq 1): PRIME succeeded" grep -q '^PRIME seq=1 .* x0=0 ' <<<"$new_calls"
rmm_act=$(grep '^ACTIVATE seq=1 ' <<<"$new_calls" | grep 'x0=0 x1=0x0 ' | tail -n 1)
check "RMM (seq 1): ACTIVATE succeeded" test -n "$rmm_act"
check "RMM's ACTIVATE gathered both CPUs under stop_machine (flags=0x0)" \
        grep -q 'flags=0x0 .*cpus=2/2 stopped=1' <<<"$rmm_act"

hist=$(lfad_call History u 5)
check "History(): BMC, trigger auto, no rendezvous, success" grep -q -E \
        "\"$BMC\" \"[^\"]*\" \"activate\" \"auto\" \"4.1\" \"4.2\" false [0-9]+ [0-9]+ \"success\" \"\"" <<<"$hist"
check "History(): RMM, trigger auto, rendezvous, success" grep -q -E \
        "\"$RMM\" \"[^\"]*\" \"activate\" \"auto\" \"1.2\" \"1.3\" true [0-9]+ [0-9]+ \"success\" \"\"" <<<"$hist"
check "journal: BMC's activation success with MESSAGE_ID and LFA_UUID" \
        journal_has cb3cc80d9428450f9e0200d5f39cb04d "LFA_UUID=$BMC"

check_eq "the driver sent no uevent (the agent's record)" "" "$(cat "$AGENT/uevents")"
# Everything udevadm received so far, to the file: it ends, cat reads to EOF.
kill "$monpid" 2>/dev/null || true
wait "$catpid" || true
exec {monfd}<&-
check "udev received no uevent of the lfa subsystem" \
        bash -c '! grep -q "^SUBSYSTEM=lfa" "$1"' _ "$mon"
bench upstream-update-to-activated $(( (t1 - t0) / 1000 )) ms

# BL31 may reset a CPU: seen pending, refused by lfad and by the driver.
agent_calls_clear
agent_ctl "store-update uuid=$BL31 pending_version=2.11"
wait_bus 20 "lfad's poll sees BL31 pending" \
        'test "$(prop_component "$BL31" ActivationPending)" = true'
check_eq "BL31's decision" refused "$(prop_component "$BL31" Decision)"
# Barrier: a poll after the decision. Someone sets BL31's auto_activate;
# lfad's next re-read puts it back (and would have started anything it
# meant to start).
echo 1 >"$SYSFS/$BL31/auto_activate"
wait_bus 15 "a later poll put BL31's auto_activate back to 0" \
        'test "$(cat "$SYSFS/$BL31/auto_activate")" = 0'
check_eq "lfad is idle" idle "$(prop_manager State)"
check_eq "no PRIME issued for BL31" 0 "$(calls PRIME | grep -c '^PRIME seq=0 ' || true)"
check_eq "an explicit Activate(BL31) is refused" org.lfa.Error.MayResetCpu \
        "$(manager_error Activate "'$BL31'" "{}")"
err=$( { echo 1 >"$SYSFS/$BL31/activate"; } 2>&1 || true)
echo "    write to BL31's activate: $err"
check "the driver refuses it too: -ECANCELED, as upstream's" grep -q 'Operation canceled' <<<"$err"
check_eq "no PRIME for BL31 either way" 0 "$(calls PRIME | grep -c '^PRIME seq=0 ' || true)"
check_eq "no ACTIVATE for BL31 either way" 0 "$(calls ACTIVATE | grep -c '^ACTIVATE seq=0 ' || true)"
check_eq "BL31 still pending" true "$(prop_component "$BL31" ActivationPending)"

# Back to lfa.ko with its extensions, as across a reboot.
check "lfa.ko with its extensions, the demo platform, lfad without policy" driver_restore_extended
restored=1
check_eq "DriverAbi" extended "$(prop_manager DriverAbi)"
check_eq "lfad lists the 3 components" 3 "$(component_count)"
