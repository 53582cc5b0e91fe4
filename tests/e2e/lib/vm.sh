# shellcheck shell=bash
# Boot the e2e guest under QEMU (TCG: KVM guests hang on this machine) and
# read its results back. Sourced by tests/e2e/run.

# e2e_tests_disk OUT_IMG [PUBKEY]: the scenarios and the guest-side runner on
# a small read-only disk, mounted at /opt/lfa-e2e in the guest. It is made for
# every run, so editing a scenario never rebuilds the image. PUBKEY, this
# run's throw-away ssh key (lib/fleet.sh), goes along as fleet/authorized_keys.
e2e_tests_disk() {
        local img=$1 pubkey=${2:-} stage
        stage=$(mktemp -d)
        cp -r "$E2E_DIR"/guest/. "$stage/"
        if [ -n "$pubkey" ]; then
                mkdir -p "$stage/fleet"
                cp "$pubkey" "$stage/fleet/authorized_keys"
        fi
        mkdir -p "$stage/scn" "$stage/bin"
        # bench's C bus client (Properties.Get back to back, latencies):
        # 16-burst's load, built here for the guest (Debian 12, as the host).
        # shellcheck disable=SC2046 # pkg-config's flags are words
        cc -O2 -o "$stage/bin/bus-client" "$LFA_ROOT/bench/bus-client.c" $(pkg-config --cflags --libs libsystemd)
        cp "$LFA_ROOT"/tests/scenarios/*.scn "$stage/scn/" 2>/dev/null || true
        cp "$E2E_DIR"/scn/*.scn "$stage/scn/" 2>/dev/null || true
        chmod -R a+rX "$stage"
        mkfs.ext4 -q -F -L lfa-e2e -d "$stage" "$img" 64M
        rm -rf "$stage"
}

# e2e_vm_disks LAYER_DIR OUT_DIR [PUBKEY]: a copy-on-write disk over the
# cached image (the cache is never written) and the tests disk.
e2e_vm_disks() {
        local layer=$1 out=$2 pubkey=${3:-}
        rm -f "$out/root.qcow2" "$out/results.tap" "$out/console.log"
        qemu-img create -q -f qcow2 -F raw -b "$(realpath "$layer/root.img")" "$out/root.qcow2"
        e2e_tests_disk "$out/tests.img" "$pubkey"
        : >"$out/results.tap"
}

# e2e_vm_boot LAYER_DIR OUT_DIR SSH_PORT: boot once; the guest powers itself
# off when the runner ends. Its NIC is on QEMU's user network, restricted
# (the guest reaches nothing outside), with the guest's sshd forwarded to
# 127.0.0.1:SSH_PORT on the host. Returns QEMU's status (124 on the timeout).
e2e_vm_boot() {
        local layer=$1 out=$2 port=$3 rc=0
        timeout --kill-after=10 "${LFA_E2E_TIMEOUT:-900}" \
                qemu-system-x86_64 \
                -machine q35,accel=tcg -cpu max -smp 2 -m 2048 \
                -nodefaults -display none -no-reboot \
                -kernel "$layer/vmlinuz" -initrd "$layer/initrd.img" \
                -append "root=/dev/vda rw console=ttyS0,115200 panic=-1 net.ifnames=0 systemd.show_status=1" \
                -drive "file=$out/root.qcow2,if=virtio,format=qcow2,cache=unsafe" \
                -drive "file=$out/tests.img,if=virtio,format=raw,readonly=on" \
                -netdev "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:$port-:22" \
                -device virtio-net-pci,netdev=net0 \
                -device virtio-serial-pci \
                -chardev "file,id=results,path=$out/results.tap" \
                -device virtserialport,chardev=results,name=org.lfa.e2e.results \
                -serial "file:$out/console.log" || rc=$?
        return "$rc"
}

# e2e_keep_journal OUT_DIR: copy the guest's persistent journal out of its
# disk (debugfs reads ext4 without mounting it), so a failed run, even one
# that hung, leaves its journal under OUT_DIR/artefacts.
e2e_keep_journal() {
        local out=$1 raw=$1/root-after.img
        rm -rf "$out/artefacts"
        mkdir -p "$out/artefacts"
        qemu-img convert -O raw "$out/root.qcow2" "$raw"
        debugfs -R "rdump /var/log/journal $out/artefacts" "$raw" >/dev/null 2>&1 || true
        rm -f "$raw"
        cp "$out/console.log" "$out/results.tap" "$out/artefacts/"
        if [ -d "$out/artefacts/journal" ]; then
                journalctl --directory="$out/artefacts/journal" -o export \
                        >"$out/artefacts/journal.export" 2>/dev/null || true
                echo "e2e: guest journal kept in $out/artefacts (journalctl --directory=$out/artefacts/journal)"
                echo "e2e: last lines of the guest's journal for lfad and the kernel:"
                journalctl --directory="$out/artefacts/journal" --no-pager -o short-monotonic \
                        _SYSTEMD_UNIT=lfad.service + _TRANSPORT=kernel + SYSLOG_IDENTIFIER=lfad 2>/dev/null |
                        grep -i -e lfa -e lfad | tail -n 30 || true
        else
                echo "e2e: no guest journal found; console log in $out/artefacts/console.log"
        fi
}

# e2e_parse RESULTS_TAP: print one line per scenario, its figures, and the
# log of a failed one. A missing plan, a missing result or a missing end
# marker is printed as a failure too ("not ok - ...").
e2e_parse() {
        local tap=$1 line plan=-1 seen=0 done=0 failing=0
        while IFS= read -r line; do
                line=${line%$'\r'}
                case $line in
                1..*)
                        plan=${line#1..}
                        ;;
                "ok "*)
                        seen=$((seen + 1))
                        failing=0
                        echo "$line"
                        ;;
                "not ok "*)
                        seen=$((seen + 1))
                        failing=1
                        echo "$line"
                        ;;
                "# e2e-done")
                        done=1
                        ;;
                "# bench: "*)
                        echo "${line#\# }"
                        ;;
                "#"*)
                        [ "$failing" -eq 1 ] && echo "  $line"
                        ;;
                esac
        done <"$tap"
        if [ "$plan" -lt 0 ]; then
                echo "not ok - the guest reported no results (see console.log)"
                return
        fi
        if [ "$seen" -lt "$plan" ]; then
                for _ in $(seq $((plan - seen))); do
                        echo "not ok - a scenario reported no result ($seen of $plan did)"
                done
        fi
        if [ "$done" -ne 1 ]; then
                echo "not ok - the guest runner did not finish"
        fi
        return 0
}
