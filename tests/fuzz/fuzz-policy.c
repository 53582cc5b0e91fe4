/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Target policy: the input is one policy file, read by the real loader
 * (policy_load over a directory holding it: ownership check, masking,
 * line reader, inih, key handlers, merge). It must never crash, and a
 * rejection must read "<path>:<line>: <what>" with a line inside the input;
 * an accepted policy must hold only values in the documented ranges and
 * produce a decision for each of its components.
 */

#include <stdbool.h>
#include <sys/stat.h>

#include "fuzz-util.h"
#include "inventory.h"
#include "policy.h"

static size_t count_lines(const uint8_t *d, size_t n) {
        size_t c = 1;

        for (size_t i = 0; i < n; i++)
                if (d[i] == '\n')
                        c++;
        return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static char dir[4200], path[4300];
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_free_ char *error = NULL;
        int r;

        if (!dir[0]) {
                snprintf(dir, sizeof(dir), "%s/lfa.d", fuzz_tmpdir());
                if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                        abort();
                snprintf(path, sizeof(path), "%s/50-fuzz.conf", dir);
        }
        fuzz_write_file(path, data, size);

        char *dirs[] = { dir, NULL };
        r = policy_load(dirs, &p, &error);
        if (r == 0) {
                if (error)
                        abort();
                const PolicySettings *defaults = policy_get_defaults(p);
                size_t n;
                const PolicyComponent *pc = policy_get_components(p, &n);

                if (defaults->auto_activate < 0 || defaults->auto_activate >= _AUTO_ACTIVATE_MAX)
                        abort();
                if (defaults->retry_limit > POLICY_RETRY_LIMIT_MAX ||
                    defaults->retry_delay > POLICY_RETRY_DELAY_MAX ||
                    policy_get_poll_interval(p) > POLICY_POLL_INTERVAL_MAX)
                        abort();
                for (size_t i = 0; i < n; i++) {
                        _cleanup_(decision_freep) Decision *d = NULL;
                        Component c = {
                                .activation_capable = true,
                                .activation_pending = true,
                                .cpu_rendezvous = (i & 1) != 0,
                                .pending_version = { .known = true, .major = 1, .minor = 2 },
                        };
                        PolicySettings s;
                        const char *source;

                        if (!uuid_is_valid(pc[i].uuid))
                                abort();
                        memcpy(c.uuid, pc[i].uuid, UUID_STRING_MAX);
                        c.name = c.uuid;
                        policy_lookup(p, c.uuid, &s, &source);
                        if (policy_decide(p, &c, &d) < 0 || !d || !d->reason)
                                abort();
                }
                return 0;
        }
        if (r == -ENOMEM)
                return 0;
        /* A refusal explains itself as path:line: what. */
        if (!error)
                abort();
        size_t l = strlen(path);
        if (strncmp(error, path, l) != 0 || error[l] != ':')
                abort();
        char *end;
        unsigned long line = strtoul(error + l + 1, &end, 10);
        if (end == error + l + 1 || strncmp(end, ": ", 2) != 0 || end[2] == 0)
                abort();
        if (line < 1 || line > count_lines(data, size))
                abort();
        return 0;
}
