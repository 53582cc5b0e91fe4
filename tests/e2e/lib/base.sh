# shellcheck shell=bash
# The e2e guest's base image: Debian 12 with the packages of
# tests/e2e/packages, made by mmdebstrap from $E2E_SOURCES: the host's apt
# sources in either form, or LFA_E2E_APT_SOURCES (lib/apt-sources).
# It holds nothing of the project, so a code change never rebuilds it.
# Sourced by tests/e2e/run.

# e2e_base_inputs: everything the base image depends on, hashed into its
# cache key.
e2e_base_inputs() {
        cat "$E2E_DIR/packages" "$E2E_DIR/lib/base.sh" "$E2E_SOURCES"
}

# e2e_base_build OUT_TAR: build the base root file system as a tarball.
e2e_base_build() {
        local out=$1 pkgs
        pkgs=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$E2E_DIR/packages" | paste -sd, -)
        # The lists stay so that the layer can resolve the .debs'
        # dependencies without a network; the journal directory makes the
        # journal persistent, so a failed run's journal can be read back
        # from the disk even when the guest never powered off.
        mmdebstrap --quiet --mode=root --variant=apt --format=tar \
                --include="$pkgs" \
                --skip=cleanup/apt/lists \
                --customize-hook='echo lfa-e2e >"$1/etc/hostname"' \
                --customize-hook='echo "LABEL=lfa-root / ext4 rw,errors=remount-ro 0 1" >"$1/etc/fstab"' \
                --customize-hook='mkdir -p "$1/var/log/journal"' \
                --customize-hook='chroot "$1" passwd -d root' \
                bookworm "$out.tmp" "$E2E_SOURCES"
        mv "$out.tmp" "$out"
}
