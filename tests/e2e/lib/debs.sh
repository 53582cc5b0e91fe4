# shellcheck shell=bash
# The project's .debs for the guest, built with `dpkg-buildpackage -us -uc
# -b` from a copy of the source tree (never in the shared checkout, whose
# debian/ build products would collide with other work). Sourced by
# tests/e2e/run.

# e2e_source_tree: the git tree object the packages are built from. By
# default the working tree as it is (what a developer running the suite
# expects; on CI it equals HEAD), read through a throw-away index so the
# real index is never touched; LFA_E2E_SOURCE=HEAD takes the last commit.
e2e_source_tree() {
        local idx tree
        if [ "${LFA_E2E_SOURCE:-worktree}" = HEAD ]; then
                git -C "$LFA_ROOT" rev-parse 'HEAD^{tree}'
                return
        fi
        idx=$(mktemp)
        cp "$(git -C "$LFA_ROOT" rev-parse --git-path index)" "$idx"
        GIT_INDEX_FILE=$idx git -C "$LFA_ROOT" add -A :/
        tree=$(GIT_INDEX_FILE=$idx git -C "$LFA_ROOT" write-tree)
        rm -f "$idx"
        echo "$tree"
}

# e2e_debs_key TREE: hash of every file the packages are built from; the
# e2e harness itself is left out, so editing a scenario rebuilds nothing.
e2e_debs_key() {
        git -C "$LFA_ROOT" ls-tree -r "$1" |
                grep -v -e $'\ttests/e2e/' -e $'\tbench/e2e-' |
                sha256sum | cut -c1-16
}

# e2e_debs_build TREE OUT_DIR: build lfad_*.deb and lfa-dkms_*.deb.
e2e_debs_build() {
        local tree=$1 out=$2 src
        src=$out.tmp/src
        rm -rf "$out.tmp"
        mkdir -p "$src"
        git -C "$LFA_ROOT" archive "$tree" | tar -x -C "$src"
        # dpkg-buildpackage writes the .debs next to the source directory.
        (cd "$src" && DEB_BUILD_OPTIONS="parallel=2 nocheck" \
                dpkg-buildpackage -us -uc -b) >"$out.tmp/build.log" 2>&1 || {
                tail -n 40 "$out.tmp/build.log" >&2
                echo "e2e: dpkg-buildpackage failed (log above)" >&2
                return 1
        }
        if ! ls "$out.tmp"/lfad_*.deb "$out.tmp"/lfa-dkms_*.deb >/dev/null 2>&1; then
                echo "e2e: dpkg-buildpackage made no lfad_*.deb and lfa-dkms_*.deb" >&2
                return 1
        fi
        rm -rf "$src"
        rm -rf "$out"
        mv "$out.tmp" "$out"
}
