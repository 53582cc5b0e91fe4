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

# Test counting, TAP-like, for suites that count their own tests.
lfa_passed=0
lfa_failed=0

# lfa_ok NAME / lfa_fail NAME: count one test and say so, TAP-like.
lfa_ok() {
        lfa_passed=$((lfa_passed + 1))
        echo "ok - $1"
}

lfa_fail() {
        lfa_failed=$((lfa_failed + 1))
        echo "not ok - $1"
}

# lfa_check NAME CMD...: one test that passes when CMD exits 0. CMD's output
# is shown only when it fails, indented, so a failure explains itself.
lfa_check() {
        local name=$1 _lfa_out
        shift
        if _lfa_out=$("$@" 2>&1); then
                lfa_ok "$name"
        else
                lfa_fail "$name"
                [ -z "$_lfa_out" ] || printf '%s\n' "$_lfa_out" | sed 's/^/#   /'
        fi
}

# lfa_check_fails NAME CMD...: one test that passes when CMD exits non-zero.
lfa_check_fails() {
        local name=$1 _lfa_out
        shift
        if _lfa_out=$("$@" 2>&1); then
                lfa_fail "$name (unexpectedly succeeded)"
                [ -z "$_lfa_out" ] || printf '%s\n' "$_lfa_out" | sed 's/^/#   /'
        else
                lfa_ok "$name"
        fi
}

# lfa_finish: report the counts to scripts/check; non-zero if any failed.
lfa_finish() {
        lfa_counts "$lfa_passed" "$lfa_failed"
        [ "$lfa_failed" -eq 0 ]
}

# lfa_tap_pass NAME DIR SECONDS CMD...: one run of a TAP producer (a Python
# suite through tests/lfatap.py, a cmocka binary with
# CMOCKA_MESSAGE_OUTPUT=TAP): its TAP stream to DIR/NAME.tap, all else it
# prints to DIR/NAME.log. scripts/tap-count counts the stream (its rules are
# in that file); the counts are added to lfa_passed/lfa_failed. A failure
# shows the end of the log and the failed lines; known bugs are named.
lfa_tap_pass() {
        local name=$1 dir=$2 limit=$3 tap log rc=0 p f x
        shift 3
        tap=$dir/$name.tap
        log=$dir/$name.log
        echo "--- $name"
        timeout "$limit" "$@" >"$tap" 2>"$log" || rc=$?
        "$LFA_ROOT/scripts/tap-count" "$tap" >"$dir/$name.count"
        read -r p f x <"$dir/$name.count"
        # A non-zero exit with every line "ok" (it should not happen) fails.
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
                f=1
                echo "not ok - $name: exit status $rc" >>"$dir/$name.count"
        fi
        if [ "$f" -ne 0 ]; then
                tail -n 200 "$log"
                echo "$name: exit status $rc"
        fi
        if [ "$f" -ne 0 ] || [ "$x" -ne 0 ]; then
                echo "$name: failed, or known bugs (# TODO):"
                tail -n +2 "$dir/$name.count" | sed 's/^/  /'
        fi
        echo "$name: $p passed, $f failed"
        lfa_passed=$((lfa_passed + p))
        lfa_failed=$((lfa_failed + f))
}

# lfa_build_depends: the packages of debian/control's Build-Depends, one per
# line, as apt-get installs them (versions, profiles and :native dropped;
# debhelper-compat is debhelper's, dh-sequence-dkms dh-dkms's).
lfa_build_depends() {
        sed -n '/^Build-Depends:/,/^[A-Z]/p' "$(dirname "${BASH_SOURCE[0]}")/../debian/control" | grep -v '^[A-Z][A-Za-z-]*: *$' |
                sed 's/^Build-Depends://; s/<[^>]*>//g; s/([^)]*)//g; s/\[[^]]*\]//g' | tr ',' '\n' |
                sed 's/[[:space:]]//g; s/:native$//; s/^debhelper-compat$/debhelper/; s/^dh-sequence-dkms$/dh-dkms/' |
                grep -v '^$' | grep -v '^[A-Z]' || true
}

# lfa_deps_packages FILE...: the packages the deps files name, each once,
# @build-depends expanded.
lfa_deps_packages() {
        local listed
        listed=$(sed 's/#.*//' "$@" | tr -s ' \t' '\n' | grep -v '^$' || true)
        {
                grep -vx @build-depends <<<"$listed" || true
                if grep -qx @build-depends <<<"$listed"; then
                        lfa_build_depends
                fi
        } | sort -u
}

# lfa_install_deps FILE...: apt-get install the Debian packages listed in the
# deps files (one per line, '#' comments) that are not installed yet. Files
# that do not exist are skipped (a suite may need nothing of its own). A line
# `@build-depends` stands for debian/control's Build-Depends
# (lfa_build_depends), so the suites that build the package never keep a
# copy of that list.
lfa_install_deps() {
        local missing=() p
        local files=() f
        for f in "$@"; do
                [ -f "$f" ] && files+=("$f")
        done
        [ ${#files[@]} -gt 0 ] || return 0
        for p in $(lfa_deps_packages "${files[@]}"); do
                dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
        done
        [ ${#missing[@]} -gt 0 ] || return 0
        echo "Installing ${missing[*]} ..."
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
