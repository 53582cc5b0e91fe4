/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <string.h>

#include "driver.h"
#include "inventory.h"
#include "log.h"
#include "policy.h"
#include "verify.h"

static void print_driver(const char *root, FILE *out) {
        const char *features[9];
        DriverInfo driver;

        driver_probe(root, "/sys/module", &driver);
        driver_features_to_strv(driver.features, features);
        fprintf(out, "Driver ABI: %s (features:", driver_abi_to_string(driver.abi));
        for (const char **f = features; *f; f++)
                fprintf(out, " %s", *f);
        fprintf(out, "%s)\n", features[0] ? "" : " none");
}

/* One component: its decision, or why it cannot be read. */
static int verify_component(const Policy *p, const char *root, const char *uuid, FILE *out, FILE *err) {
        _cleanup_(component_freep) Component *c = NULL;
        _cleanup_(decision_freep) Decision *d = NULL;
        int r, ret = 0;

        r = inventory_read_component(root, uuid, &c);
        if (r == -ENOENT)
                return 0; /* vanished while we looked */
        if (r < 0) {
                fprintf(err, "%s: cannot read: %s\n", uuid, strerror(-r));
                return r;
        }
        if (c->parse_error) {
                fprintf(err, "%s: invalid sysfs data: %s\n", c->uuid, c->parse_error);
                ret = -EBADMSG;
        }
        r = policy_decide(p, c, &d);
        if (r < 0)
                return log_oom();
        fprintf(out, "%s %s\n  decision: %s, force_cpu_rendezvous=%d%s\n  reason: %s\n", c->uuid, strna(c->name),
                decision_action_to_string(d->action), d->force_cpu_rendezvous,
                d->prime_ahead ? ", prime ahead" : "", d->reason);
        if (d->rendezvous_overridden)
                fprintf(err, "%s: warning: CpuRendezvous=skip is ignored, the firmware requires the CPU rendezvous\n",
                        c->uuid);
        return ret;
}

int verify_run(char * const *policy_dirs, const char *root, FILE *out, FILE *err) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_strv_free_ char **uuids = NULL;
        _cleanup_free_ char *error = NULL;
        int r, ret = 0;

        r = policy_load(policy_dirs, &p, &error);
        if (r < 0) {
                fprintf(err, "%s\n", error ?: strerror(-r));
                return r;
        }
        fprintf(out, "Policy: %zu file(s)\n", strv_length(policy_get_files(p)));
        for (char * const *f = policy_get_files(p); *f; f++)
                fprintf(out, "  %s\n", *f);

        r = inventory_list(root, &uuids);
        if (r < 0) {
                fprintf(err, "%s: cannot list components: %s\n", root, strerror(-r));
                return r;
        }
        print_driver(root, out);
        fprintf(out, "Components under %s: %zu\n", root, strv_length(uuids));
        for (char **u = uuids; *u; u++) {
                r = verify_component(p, root, *u, out, err);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        ret = r;
        }
        return ret;
}
