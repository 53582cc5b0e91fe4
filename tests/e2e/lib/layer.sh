# shellcheck shell=bash
# The layer on top of the base image: the project's own .debs installed the
# way an operator installs them, DKMS building lfa.ko for the guest's kernel
# with the test agent selected through /etc/dkms/lfa.conf (the shipped
# package is never changed), and the e2e runner unit. Its output is what
# QEMU boots: root.img (ext4 made by mkfs.ext4 -d, no loop mount), vmlinuz
# and initrd.img from the image's /boot. Sourced by tests/e2e/run.

# e2e_layer_inputs BASE_KEY DEBS_DIR: everything the layer depends on.
e2e_layer_inputs() {
        local base_key=$1 debs=$2
        echo "$base_key"
        (cd "$debs" && sha256sum ./*.deb)
        cat "$E2E_DIR/lib/layer.sh" "$E2E_DIR/dkms-lfa.conf" \
                "$E2E_DIR"/guest-image/*
}

# e2e_chroot ROOT CMD...: run CMD in ROOT with /proc, /sys and /dev
# mounted; the mounts live in a private mount namespace, so they vanish
# with it whatever happens.
e2e_chroot() {
        local root=$1
        shift
        # shellcheck disable=SC2016 # the inner sh expands them
        unshare --mount --propagation private -- sh -euc '
                root=$1; shift
                mount -t proc proc "$root/proc"
                mount -t sysfs sysfs "$root/sys"
                mount --rbind /dev "$root/dev"
                exec chroot "$root" "$@"' sh "$root" "$@"
}

# e2e_layer_build BASE_TAR DEBS_DIR OUT_DIR
e2e_layer_build() {
        local base=$1 debs=$2 out=$3 root kver ko deb pkgs=()
        root=$out.tmp/root
        rm -rf "$out.tmp"
        mkdir -p "$root"
        tar -x --numeric-owner -f "$base" -C "$root"

        # The test switch is an operator-side DKMS override, read by DKMS
        # from /etc/dkms/<module>.conf; it must exist before the package's
        # postinst builds the module.
        install -D -m 0644 "$E2E_DIR/dkms-lfa.conf" "$root/etc/dkms/lfa.conf"
        # No service may start inside the chroot.
        printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
        chmod 0755 "$root/usr/sbin/policy-rc.d"
        mkdir -p "$root/tmp/lfa-debs"
        for deb in "$debs"/lfad_*.deb "$debs"/lfa-dkms_*.deb; do
                cp "$deb" "$root/tmp/lfa-debs/"
                pkgs+=("/tmp/lfa-debs/$(basename "$deb")")
        done

        # apt resolves the packages' dependencies from the base image's
        # lists; anything the base lacks comes from the host's archive.
        cp /etc/resolv.conf "$root/etc/resolv.conf"
        kver=$(basename "$(ls -d "$root"/lib/modules/*)")
        e2e_chroot "$root" env DEBIAN_FRONTEND=noninteractive \
                apt-get install -y -q --no-install-recommends \
                "${pkgs[@]}" \
                >"$out.tmp/apt.log" 2>&1 || {
                tail -n 40 "$out.tmp/apt.log" >&2
                echo "e2e: installing the project's .debs failed (log above)" >&2
                return 1
        }
        # The postinst builds for the running (host) kernel and the newest
        # installed one; name the guest's kernel explicitly, so the build
        # does not depend on that heuristic.
        e2e_chroot "$root" dkms autoinstall -k "$kver" >>"$out.tmp/apt.log" 2>&1 || {
                tail -n 40 "$out.tmp/apt.log" >&2
                echo "e2e: dkms could not build lfa for $kver (log above)" >&2
                return 1
        }
        ko=$(find "$root/lib/modules/$kver" -name 'lfa.ko*' | head -n 1)
        if [ -z "$ko" ]; then
                echo "e2e: dkms installed no lfa.ko for $kver" >&2
                return 1
        fi
        rm -rf "$root/tmp/lfa-debs" "$root/usr/sbin/policy-rc.d"

        # The operator's whole set-up (README): enable the daemon and the
        # maintenance window. lfa.ko is not loaded at boot: the x86_64 guest
        # has no ACPI/DT node for it, so the first scenario loads it, as
        # the firmware's device or a late DKMS install would.
        e2e_chroot "$root" systemctl enable lfad.service lfa-activate.timer \
                >>"$out.tmp/apt.log" 2>&1
        # The fleet step: sshd (enabled by its package; said here so the
        # image does not depend on that) behind the NIC, configured by
        # systemd-networkd with slirp's fixed address.
        install -m 0644 "$E2E_DIR"/guest-image/10-e2e-eth0.network "$root/etc/systemd/network/"
        e2e_chroot "$root" systemctl enable ssh.service systemd-networkd.service \
                >>"$out.tmp/apt.log" 2>&1
        cp "$E2E_DIR"/guest-image/lfa-e2e.service "$root/etc/systemd/system/"
        ln -sf ../lfa-e2e.service "$root/etc/systemd/system/multi-user.target.wants/lfa-e2e.service"
        echo "LABEL=lfa-e2e /opt/lfa-e2e ext4 ro,nofail 0 0" >>"$root/etc/fstab"
        mkdir -p "$root/opt/lfa-e2e"

        cp -L "$root/boot/vmlinuz-$kver" "$out.tmp/vmlinuz"
        cp -L "$root/boot/initrd.img-$kver" "$out.tmp/initrd.img"
        echo "$kver" >"$out.tmp/kernel-version"
        mkfs.ext4 -q -F -L lfa-root -d "$root" "$out.tmp/root.img" 4G
        rm -rf "$root"
        rm -rf "$out"
        mv "$out.tmp" "$out"
}
