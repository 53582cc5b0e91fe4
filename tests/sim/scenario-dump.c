/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel test agent's reader of the scenario language
 * (driver/tests/lfa-agent-scenario.c, unchanged, against the stand-in
 * kernel headers of tests/fuzz/kshim/) as a program: it parses the scenario
 * file given and prints the platform in the canonical form test_sim.py's
 * TestScenarioParsers prints lfasim/scenario.py's with, or "error line N".
 * The two readers must agree on every input (issue 12: one model,
 * checked).
 *
 *   scenario-dump FILE
 */

#include <linux/kernel.h>

#include "lfa-agent-model.h"

/* Only lfa_agent_parse() runs here; the model's run-time half is the
 * agent's, which a parse never calls. */
int lfa_agent_install(struct lfa_agent_platform *plat, const char *text, size_t len) {
        (void) plat;
        (void) text;
        (void) len;
        abort();
}

int lfa_agent_add_component(const struct lfa_agent_cfg *cfg) {
        (void) cfg;
        abort();
}

int lfa_agent_remove_component(const uuid_t *uuid) {
        (void) uuid;
        abort();
}

int lfa_agent_get_cfg(const uuid_t *uuid, struct lfa_agent_cfg *cfg) {
        (void) uuid;
        (void) cfg;
        abort();
}

int lfa_agent_set_cfg(const struct lfa_agent_cfg *cfg) {
        (void) cfg;
        abort();
}

void lfa_agent_get_faults(struct lfa_agent_faults *faults) {
        (void) faults;
        abort();
}

void lfa_agent_set_faults(const struct lfa_agent_faults *faults) {
        (void) faults;
        abort();
}

int lfa_notify_store_updated(void) {
        abort();
}

static void print_uuid(const uuid_t *u) {
        for (int i = 0; i < 16; i++)
                printf("%s%02x", i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", u->b[i]);
}

static void print_version(const char *key, u64 v) {
        printf(" %s=%u.%u", key, (unsigned) (v >> 32), (unsigned) v);
}

static void print_component(const struct lfa_agent_cfg *c) {
        printf("component uuid=");
        print_uuid(&c->uuid);
        printf(" capable=%d pending=%d may_reset_cpu=%d rendezvous=%s", c->capable, c->pending,
               c->may_reset_cpu, c->rendezvous_optional ? "optional" : "required");
        print_version("current", c->current_version);
        print_version("pending_version", c->pending_version);
        printf(" prime_rounds=%u activate_rounds=%u prime_busy=%u activate_busy=%u", c->prime_rounds,
               c->activate_rounds, c->prime_busy, c->activate_busy);
        printf(" prime_error=%lld activate_error=%lld cancel_error=%lld", (long long) c->prime_error,
               (long long) c->activate_error, (long long) c->cancel_error);
        printf(" prime_hang=%d activate_hang=%d call_delay_ms=%u resets_record=%d", c->prime_hang,
               c->activate_hang, c->call_delay_ms, c->resets_record);
        printf(" inventory_error=%lld reserved_flags=%llu reserved_x1=%llu", (long long) c->inventory_error,
               (unsigned long long) c->reserved_flags, (unsigned long long) c->reserved_x1);
        printf(" inventory_uuid=");
        if (!uuid_is_null(&c->inventory_uuid))
                print_uuid(&c->inventory_uuid);
        else
                printf("0");
        printf(" vanish=%d reverse=%d adds=", c->vanish, c->reverse);
        for (unsigned int i = 0; i < c->nr_adds; i++) {
                printf("%s", i ? "," : "");
                print_uuid(&c->adds[i]);
        }
        printf("\n");
}

int main(int argc, char **argv) {
        static struct lfa_agent_platform plat;
        char err[LFA_AGENT_ERR_LEN] = "";
        char *text = NULL;
        size_t len = 0;
        FILE *f;
        int r;

        if (argc != 2) {
                fprintf(stderr, "usage: %s SCENARIO\n", argv[0]);
                return 2;
        }
        f = fopen(argv[1], "re");
        if (!f) {
                perror(argv[1]);
                return 2;
        }
        for (;;) {
                char buf[4096];
                size_t n = fread(buf, 1, sizeof(buf), f);

                if (n == 0)
                        break;
                text = realloc(text, len + n);
                if (!text)
                        abort();
                memcpy(text + len, buf, n);
                len += n;
        }
        fclose(f);

        r = lfa_agent_parse(text ? text : "", len, &plat, err, sizeof(err));
        free(text);
        if (r) {
                unsigned int line = 0;

                if (sscanf(err, "line %u:", &line) != 1)
                        printf("error %d (%s)\n", r, err);
                else
                        printf("error line %u\n", line);
                return 0;
        }
        printf("agent present=%d version=%u.%u stale_record=%d missing=%u info_error=%lld info_skew=%d\n",
               plat.present, plat.version >> 16, plat.version & 0xffff, plat.stale_record, plat.faults.missing,
               (long long) plat.faults.info_error, plat.faults.info_skew);
        for (unsigned int i = 0; i < plat.count; i++)
                print_component(&plat.comps[i].cfg);
        return 0;
}
