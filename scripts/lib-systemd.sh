# shellcheck shell=bash
# systemd helpers of the suites units, install, man, lfactl, deb and of
# scripts/demo. Source it after scripts/lib.sh.

# lfa_score UNIT [systemd-analyze options...]: the "Overall exposure level"
# of systemd-analyze security --offline=yes, e.g. "1.2".
lfa_score() {
        local unit=$1
        shift
        systemd-analyze security --offline=yes "$@" "$unit" 2>&1 |
                sed -n 's/^→ Overall exposure level for .*: \([0-9.]*\) .*/\1/p'
}

# lfa_score_at_most UNIT MAX [options...]: exits 0 when the unit's score <= MAX.
lfa_score_at_most() {
        local unit=$1 max=$2 score
        shift 2
        score=$(lfa_score "$unit" "$@")
        echo "exposure of $unit: ${score:-none}"
        [ -n "$score" ] && awk -v s="$score" -v m="$max" 'BEGIN { exit !(s <= m) }'
}

# lfa_install_tree DESTDIR: build (warnings are errors) and `meson install`
# into a scratch root.
lfa_install_tree() {
        rm -rf "$1"
        lfa_meson_build
        meson install -C "$LFA_BUILD" --destdir "$1" --no-rebuild --quiet >/dev/null
}
