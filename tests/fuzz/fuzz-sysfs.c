/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Target sysfs: every value lfad reads from /sys/firmware/lfa.
 *
 * The input is split at 0x1e (ASCII record separator) into up to 13 values:
 * the first 12 are written to a component directory of a temporary tree as
 * name, seq_id, current_version, pending_version, activation_capable,
 * activation_pending, may_reset_cpu, cpu_rendezvous, force_cpu_rendezvous,
 * auto_activate, state, last_error (a value that is exactly "\x7f" leaves
 * the file out: the extensions are optional), the 13th as the top-level
 * version file. inventory_read_component() and inventory_read_abi_version()
 * read the tree; each value also goes straight into parse_lfa_bool, _u64,
 * _version and _last_error. Nothing may crash; a component read must be
 * either fully parsed or carry a parse error naming an attribute.
 */

#include <stdbool.h>
#include <sys/stat.h>

#include "fuzz-util.h"
#include "inventory.h"

#define UUID "6c0762a6-12f2-4b56-92cb-ba8f633606d9"

static const char *const attrs[] = {
        "name", "seq_id", "current_version", "pending_version",
        "activation_capable", "activation_pending", "may_reset_cpu",
        "cpu_rendezvous", "force_cpu_rendezvous", "auto_activate",
        "state", "last_error", NULL /* <root>/version */,
};
#define N_VALUES (sizeof(attrs) / sizeof(attrs[0]))

static void parse_all(const uint8_t *d, size_t n) {
        _cleanup_free_ char *s = fuzz_strndup(d, n);
        LfaLastError e;
        LfaVersion v;
        uint64_t u;
        bool b;

        (void) parse_lfa_bool(s, &b);
        (void) parse_lfa_u64(s, &u);
        if (parse_lfa_version(s, &v) == 0) {
                char buf[24];

                (void) lfa_version_to_string(&v, buf);
        }
        (void) parse_lfa_last_error(s, &e);
        (void) component_state_from_string(s);
        char uuid[UUID_STRING_MAX];
        (void) uuid_normalize(s, uuid);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static char root[4200], comp[4300];
        char path[4400];
        const uint8_t *p = data, *end = data + size;
        int r;

        if (!root[0]) {
                snprintf(root, sizeof(root), "%s/lfa", fuzz_tmpdir());
                snprintf(comp, sizeof(comp), "%s/" UUID, root);
                if ((mkdir(root, 0755) < 0 && errno != EEXIST) ||
                    (mkdir(comp, 0755) < 0 && errno != EEXIST))
                        abort();
        }

        for (size_t i = 0; i < N_VALUES; i++) {
                const uint8_t *sep = p < end ? memchr(p, 0x1e, (size_t) (end - p)) : NULL;
                size_t n = p < end ? (size_t) ((sep ? sep : end) - p) : 0;

                if (attrs[i])
                        snprintf(path, sizeof(path), "%s/%s", comp, attrs[i]);
                else
                        snprintf(path, sizeof(path), "%s/version", root);
                if (p >= end && i > 0) {
                        /* Input used up: the remaining files are absent. */
                        (void) unlink(path);
                        continue;
                }
                if (n == 1 && p[0] == 0x7f)
                        (void) unlink(path);
                else
                        fuzz_write_file(path, p, n);
                parse_all(p, n);
                p = sep ? sep + 1 : end;
        }

        _cleanup_(component_freep) Component *c = NULL;
        r = inventory_read_component(root, UUID, &c);
        if (r == 0) {
                if (!c || !c->name || !c->last_error_raw || strcmp(c->uuid, UUID) != 0)
                        abort();
                if (c->parse_error && !strchr(c->parse_error, ':'))
                        abort();
                if (!c->parse_error && (c->state < 0 || c->state >= _COMPONENT_STATE_MAX))
                        abort();
                (void) component_state_to_string(c->state);
                (void) component_diff(c, c);
        } else if (r != -ENOENT && r != -ENOMEM)
                abort();

        _cleanup_free_ char *version = NULL;
        (void) inventory_read_abi_version(root, &version);

        _cleanup_strv_free_ char **l = NULL;
        if (inventory_list(root, &l) < 0)
                abort();
        return 0;
}
