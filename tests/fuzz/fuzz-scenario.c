/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Target scenario: the scenario language's C reader, the kernel test
 * agent's driver/tests/lfa-agent-scenario.c, compiled unchanged in user
 * space against the stand-in headers of kshim/ (kzalloc, kstrto*,
 * uuid_parse, scnprintf ... with the kernel's semantics). The agent model
 * it installs into is stubbed here: one live platform, with the add,
 * remove, get and set (of a component and of the agent's faults) the
 * run-time verbs call.
 *
 * Input byte 0, bit 0: 0 = the rest is a scenario for lfa_agent_load();
 * 1 = the rest is run-time control text for lfa_agent_control() on the demo
 * platform (tests/scenarios/demo.scn). Nothing may crash; a refusal must be
 * an errno with "line N: what" in the error buffer.
 */

#include <linux/kernel.h>

#include "lfa-agent-model.h"

/* The stub model: the platform lfa_agent_install() made live. */
static struct lfa_agent_platform *live;

int lfa_agent_install(struct lfa_agent_platform *plat, const char *text, size_t len) {
        (void) text;
        (void) len;
        kfree(live);
        live = plat;
        return 0;
}

static struct lfa_agent_comp *find(const uuid_t *uuid) {
        for (unsigned int i = 0; live && i < live->count; i++)
                if (uuid_equal(&live->comps[i].cfg.uuid, uuid))
                        return &live->comps[i];
        return NULL;
}

int lfa_agent_add_component(const struct lfa_agent_cfg *cfg) {
        if (!live)
                return -ENODEV;
        if (find(&cfg->uuid))
                return -EEXIST;
        if (live->count >= LFA_AGENT_MAX_COMPONENTS)
                return -ENOSPC;
        live->comps[live->count++] = (struct lfa_agent_comp) { .cfg = *cfg };
        return 0;
}

int lfa_agent_remove_component(const uuid_t *uuid) {
        struct lfa_agent_comp *c = find(uuid);

        if (!c)
                return -ENOENT;
        memmove(c, c + 1, (size_t) (live->comps + live->count - (c + 1)) * sizeof(*c));
        live->count--;
        return 0;
}

int lfa_agent_get_cfg(const uuid_t *uuid, struct lfa_agent_cfg *cfg) {
        struct lfa_agent_comp *c = find(uuid);

        if (!c)
                return -ENOENT;
        *cfg = c->cfg;
        return 0;
}

int lfa_agent_set_cfg(const struct lfa_agent_cfg *cfg) {
        struct lfa_agent_comp *c = find(&cfg->uuid);

        if (!c)
                return -ENOENT;
        c->cfg = *cfg;
        return 0;
}

/* The agent's own faults ("set-agent"). */
void lfa_agent_get_faults(struct lfa_agent_faults *faults) {
        *faults = live ? live->faults : (struct lfa_agent_faults) { 0 };
}

void lfa_agent_set_faults(const struct lfa_agent_faults *faults) {
        if (live)
                live->faults = *faults;
}

/* The driver's notification entry point: counted, nothing more. */
static unsigned int notifications;

int lfa_notify_store_updated(void) {
        notifications++;
        return 0;
}

static const char demo[] =
        "agent version=1.0\n"
        "component uuid=47d4086d-4cfe-9846-9b95-2950cbbd5a00 may_reset_cpu=1 resets_record=0\n"
        "component uuid=6c0762a6-12f2-4b56-92cb-ba8f633606d9 current=1.2 prime_rounds=3\n"
        "component uuid=3f7c2d9a-8b1e-4c55-9a60-5d2e7b41c0aa name=bmc-ctl rendezvous=optional "
        "current=4.1 activate_rounds=2\n";

static void check_error(int r, const char *err) {
        if (r == 0 || r == -ENOMEM)
                return;
        if (r > 0 || r < -4095)
                abort();
        if (memchr(err, 0, LFA_AGENT_ERR_LEN) == NULL)
                abort();
        /* Errors from the parser name their line; the model's own errnos
         * (EEXIST, ENOSPC, ENOENT from the stubs) may come without text. */
        if (r == -EINVAL && strncmp(err, "line ", 5) != 0)
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char err[LFA_AGENT_ERR_LEN];
        int r;

        if (size < 1)
                return 0;
        memset(err, 0x55, sizeof(err));
        err[sizeof(err) - 1] = 0;
        if (!(data[0] & 1)) {
                r = lfa_agent_load((const char *) data + 1, size - 1, err, sizeof(err));
                check_error(r, err);
        } else {
                if (lfa_agent_load(demo, sizeof(demo) - 1, err, sizeof(err)) != 0)
                        abort();
                err[0] = 0;
                r = lfa_agent_control((const char *) data + 1, size - 1, err, sizeof(err));
                check_error(r, err);
        }
        kfree(live);
        live = NULL;
        return 0;
}
