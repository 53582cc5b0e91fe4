# shellcheck shell=bash
# The e2e cache ($E2E_CACHE, under $LFA_CACHE): base images, packages and
# layers, each KIND-<key of its inputs>[.tar]. Sourced by tests/e2e/run;
# tests/e2e/test-cache tests it.

# e2e_cache_trim KIND: before a new KIND-<key> is built, drop every KIND-*
# entry but the one used last (a reused entry is touched), and any half-built
# one. The cache holds at most two of each kind, so two trees that differ
# (main and a branch with another package list) take turns without
# rebuilding each other's image every time. A new machine's cache holds
# none: ls then finds nothing and fails, which under pipefail must not end
# the run.
e2e_cache_trim() {
        local old
        rm -rf "$E2E_CACHE/$1"-*.tmp
        # shellcheck disable=SC2012 # the names are ours: KIND-<hex key>[.tar]
        { ls -dt "$E2E_CACHE/$1"-* 2>/dev/null || true; } | tail -n +2 | while read -r old; do
                rm -rf "$old"
        done
}
