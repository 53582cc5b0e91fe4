# shellcheck shell=bash
# Helpers shared by scripts/suites/* and scripts/demo. Source it; it expects
# LFA_ROOT, LFA_BUILD and LFA_CACHE (scripts/check exports them).

: "${LFA_ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${LFA_BUILD:=$LFA_ROOT/build}"
: "${LFA_CACHE:=/var/cache/lfa}"

# lfa_counts PASSED FAILED: report this suite's test counts to scripts/check.
lfa_counts() {
        if [ -n "${LFA_COUNTS:-}" ]; then
                echo "$1 $2" >"$LFA_COUNTS"
        fi
        echo "$1 passed, $2 failed"
}

# lfa_meson_build [BUILDDIR [meson setup options...]]: configure once, then
# compile. Warnings are errors in every build.
lfa_meson_build() {
        local dir=${1:-$LFA_BUILD}
        shift || true
        if [ ! -f "$dir/build.ninja" ]; then
                meson setup "$dir" "$LFA_ROOT" --werror "$@" >/dev/null
        fi
        meson compile -C "$dir" >/dev/null
}
