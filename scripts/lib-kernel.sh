# shellcheck shell=bash
# The functions return results in lfa_k* variables the sourcing suites read.
# shellcheck disable=SC2034
# Cached Linux kernel trees for the driver suites. Source it after
# scripts/lib.sh.
#
# Layout under $LFA_CACHE/kernel/ (one directory per Debian package version,
# so an upgrade of linux-source-X.Y prepares a new tree and drops the old):
#
#   <series>-<pkgversion>/src       the linux-source-X.Y tarball, extracted,
#                                   never written after extraction
#   <series>-<pkgversion>/arm64-trace
#                                   O= tree: arm64 defconfig with the tracing
#                                   options of Debian's kernels (lfa_trace.h
#                                   compiles for real) + modules_prepare
#   <series>-<pkgversion>/arm64     the plain defconfig tree of older
#                                   checkouts (left alone: see below)
#   <series>-<pkgversion>/kunit-src hard-link copy of src with the driver
#                                   placed at drivers/firmware/lfa/
#   <series>-<pkgversion>/kunit     kunit.py's build directory (arm64)
#   <series>.lock                   flock: exclusive while preparing, shared
#                                   while a suite builds against the tree
#
# A step is complete only when its ".ok" stamp exists; a missing stamp (a cold
# machine, an interrupted run, a recipe change) redoes the step from scratch.
# A change of what a tree is configured with gets a new directory and stamp
# rather than a new recipe: a checkout without the change may run against
# the same cache at the same time and must not prepare the tree back.

lfa_kernel_recipe=1
lfa_kernel_root=$LFA_CACHE/kernel

# lfa_kernel_pkgver SERIES: the installed version of linux-source-SERIES.
lfa_kernel_pkgver() {
        local v
        v=$(dpkg-query -W -f='${Version}' "linux-source-$1" 2>/dev/null) || true
        if [ -z "$v" ] || [ ! -f "/usr/src/linux-source-$1.tar.xz" ]; then
                echo "lib-kernel: linux-source-$1 is not installed" >&2
                return 1
        fi
        # Kbuild paths must not carry '~' or ':'.
        printf '%s\n' "$v" | tr -c 'A-Za-z0-9.+\n-' '_'
}

# lfa_kernel_lock SERIES MODE: take the series lock (MODE -x or -s) on a file
# descriptor that stays open until the suite exits.
lfa_kernel_lock() {
        local fdvar=lfa_kernel_lockfd_${1//[^A-Za-z0-9]/_} fd
        mkdir -p "$lfa_kernel_root"
        if [ -z "${!fdvar:-}" ]; then
                exec {fd}>"$lfa_kernel_root/$1.lock"
                printf -v "$fdvar" '%s' "$fd"
        fi
        flock "$2" "${!fdvar}"
}

# lfa_kernel_step DIR STAMP CMD...: run CMD unless DIR/STAMP exists; on
# success write the stamp. The caller holds the exclusive lock.
lfa_kernel_step() {
        local dir=$1 stamp=$2
        shift 2
        [ -f "$dir/$stamp" ] && [ "$(cat "$dir/$stamp")" = "$lfa_kernel_recipe" ] && return 0
        "$@" || return 1
        echo "$lfa_kernel_recipe" >"$dir/$stamp"
}

lfa_kernel_extract() {
        local series=$1 key=$2
        echo "lib-kernel: extracting linux-source-$series into $key/src" >&2
        rm -rf "$key/src" "$key/src.tmp" "$key/arm64" "$key/arm64-trace" "$key/kunit-src" \
                "$key/kunit" "$key"/*.ok
        mkdir -p "$key/src.tmp"
        tar -C "$key/src.tmp" --strip-components=1 -xJf "/usr/src/linux-source-$series.tar.xz" &&
                mv "$key/src.tmp" "$key/src"
}

# The tracing options Debian's kernel configuration sets for every
# architecture (as its amd64 headers' .config shows), which arm64's
# defconfig lacks: without CONFIG_TRACEPOINTS lfa_trace.h
# compiles to empty stubs and the W=1/sparse builds never see its events.
# FUNCTION_TRACER also builds modules with the patchable function entries
# Debian's modules have.
lfa_kernel_arm64_trace=(FTRACE FUNCTION_TRACER FUNCTION_GRAPH_TRACER DYNAMIC_FTRACE
        STACK_TRACER FTRACE_SYSCALLS KPROBES KPROBE_EVENTS UPROBE_EVENTS)

lfa_kernel_prepare_arm64() {
        local key=$1 o=$1/arm64-trace log=$1/arm64-trace-prepare.log opt
        local make=(make -C "$key/src" O="$o" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- -j2)
        echo "lib-kernel: preparing the arm64 tree $o" >&2
        rm -rf "$o"
        mkdir -p "$o"
        if ! ( "${make[@]}" defconfig &&
                for opt in "${lfa_kernel_arm64_trace[@]}"; do
                        "$key/src/scripts/config" --file "$o/.config" --enable "$opt" || exit 1
                done &&
                "${make[@]}" olddefconfig &&
                for opt in TRACEPOINTS EVENT_TRACING "${lfa_kernel_arm64_trace[@]}"; do
                        grep -qx "CONFIG_$opt=y" "$o/.config" ||
                                { echo "lib-kernel: CONFIG_$opt is not set in $o/.config"; exit 1; }
                done &&
                "${make[@]}" modules_prepare ) >"$log" 2>&1; then
                tail -n 30 "$log" >&2
                return 1
        fi
}

# lfa_kernel_tree SERIES: set lfa_ksrc to the source tree of
# linux-source-SERIES and lfa_kkey to its cache directory, extracting it if
# needed; leaves the series lock held shared. (Results come back in variables,
# not on stdout: a command substitution would run in a subshell and drop the
# lock with it.)
lfa_kernel_tree() {
        local series=$1 ver
        ver=$(lfa_kernel_pkgver "$series") || return 1
        lfa_kkey=$lfa_kernel_root/$series-$ver
        lfa_kernel_lock "$series" -x || return 1
        lfa_kernel_drop_stale "$series" "$lfa_kkey"
        mkdir -p "$lfa_kkey"
        lfa_kernel_step "$lfa_kkey" src.ok lfa_kernel_extract "$series" "$lfa_kkey" || return 1
        lfa_kernel_lock "$series" -s || return 1
        lfa_ksrc=$lfa_kkey/src
}

# lfa_kernel_arm64 SERIES: set lfa_karm64 to the prepared arm64 O= tree (for
# M= builds), and lfa_ksrc/lfa_kkey as lfa_kernel_tree does; leaves the
# series lock held shared.
lfa_kernel_arm64() {
        local series=$1
        lfa_kernel_tree "$series" || return 1
        if [ ! -f "$lfa_kkey/arm64-trace.ok" ]; then
                lfa_kernel_lock "$series" -x || return 1
                lfa_kernel_step "$lfa_kkey" arm64-trace.ok lfa_kernel_prepare_arm64 "$lfa_kkey" ||
                        return 1
                lfa_kernel_lock "$series" -s || return 1
        fi
        lfa_karm64=$lfa_kkey/arm64-trace
}

# lfa_kernel_drop_stale SERIES KEEP: remove trees of older package versions.
lfa_kernel_drop_stale() {
        local d
        for d in "$lfa_kernel_root/$1"-*; do
                if [ ! -d "$d" ] || [ "$d" = "$2" ]; then
                        continue
                fi
                echo "lib-kernel: removing stale tree $d" >&2
                rm -rf "$d"
        done
}

# lfa_kernel_noise: filter a Kbuild log on stdin down to what is not the
# normal progress of a clean build. What remains is a compiler, sparse or
# modpost diagnostic and fails the build. The only lines dropped besides
# progress are modpost's complaints about the missing Module.symvers of a
# tree prepared with modules_prepare (every kernel symbol is "undefined"
# there): those say nothing about the module.
lfa_kernel_noise() {
        awk '
                /^WARNING: Module\.symvers is missing\./ { symvers = 1; next }
                symvers && /^[ \t]/ { next }
                { symvers = 0 }
                /^WARNING: modpost: "[^"]+" \[[^]]+\] undefined!$/ { next }
                /^WARNING: modpost: suppressed [0-9]+ unresolved symbol warnings because there were too many\)$/ { next }
                /^make(\[[0-9]+\])?: (Entering|Leaving) directory / { next }
                /^  [A-Z0-9_]+( \[M\])? +[^ ]/ { next }
                /^Skipping BTF generation for .* due to unavailability of vmlinux$/ { next }
                { print }
        '
}

# The KUnit tree: a hard-link copy of src (seconds, no extra space) with the
# driver at drivers/firmware/lfa/ and two lines hooking it into
# drivers/firmware/{Kconfig,Makefile}. The hooked files are replaced, not
# edited in place, so the shared src behind the hard links stays pristine.
lfa_kernel_prepare_kunit_src() {
        local key=$1 fw=$1/kunit-src/drivers/firmware
        echo "lib-kernel: preparing the KUnit source tree $key/kunit-src" >&2
        rm -rf "$key/kunit-src" "$key/kunit"
        cp -al "$key/src" "$key/kunit-src" || return 1
        { cat "$fw/Kconfig"; echo 'source "drivers/firmware/lfa/Kconfig"'; } >"$fw/Kconfig.new" &&
                mv "$fw/Kconfig.new" "$fw/Kconfig" || return 1
        { cat "$fw/Makefile"; echo 'obj-y += lfa/'; } >"$fw/Makefile.new" &&
                mv "$fw/Makefile.new" "$fw/Makefile"
}

# lfa_kernel_kunit SERIES DRIVER-DIR: set lfa_kunit_src to the KUnit tree of
# SERIES with DRIVER-DIR copied to drivers/firmware/lfa/, and lfa_kunit_build
# to its cached build directory. Holds the series lock shared and the KUnit
# lock of the series exclusive (one KUnit build per tree at a time) until the
# suite exits.
lfa_kernel_kunit() {
        local series=$1 driver=$2
        lfa_kernel_tree "$series" || return 1
        lfa_kernel_lock "$series-kunit" -x || return 1
        if [ ! -f "$lfa_kkey/kunit-src.ok" ]; then
                lfa_kernel_lock "$series" -x || return 1
                lfa_kernel_step "$lfa_kkey" kunit-src.ok lfa_kernel_prepare_kunit_src "$lfa_kkey" || return 1
                lfa_kernel_lock "$series" -s || return 1
        fi
        lfa_kunit_src=$lfa_kkey/kunit-src
        lfa_kunit_build=$lfa_kkey/kunit
        # Compare by content and give a copied file the time of the copy:
        # an unchanged file keeps its old mtime (no rebuild), a changed one
        # is newer than its object even when the checkout's mtime is older
        # (another checkout, a revert). Objects that someone built inside
        # the checkout are no sources and stay out.
        rsync -rl --checksum --delete --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
                --exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.a' \
                --exclude='Module.symvers' --exclude='modules.order' \
                --exclude='.tmp_*' --exclude='Documentation/' \
                "$driver/" "$lfa_kunit_src/drivers/firmware/lfa/"
}
