# shellcheck shell=bash
# Helpers of the suites units, install, man, lfactl, deb and of scripts/demo.
# Source it after scripts/lib.sh.

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

# lfa_install_deps FILE...: apt-get install the Debian packages listed in the
# deps files (one per line, '#' comments) that are not installed yet, as
# scripts/check does for the suites.
lfa_install_deps() {
        local missing=() p
        for p in $(sed 's/#.*//' "$@" | tr -s ' \t' '\n' | sort -u); do
                dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
        done
        [ ${#missing[@]} -gt 0 ] || return 0
        echo "Installing ${missing[*]} ..."
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
