/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policy parser (every error path, with file:line), systemd's override
 * order across directories, the refusal of files others can write, and the
 * decision table: policy x firmware flags.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy.h"

#define BL31 "47d4086d-4cfe-9846-9b95-2950cbbd5a00"
#define RMM  "6c0762a6-12f2-4b56-92cb-ba8f633606d9"

/* Parse text as file "t.conf"; expected is NULL for success, else the
 * exact error message. */
static void parse_one(const char *text, size_t len, const char *expected) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_free_ char *error = NULL;
        FILE *f;
        int r;

        assert_int_equal(policy_new_default(&p), 0);
        f = fmemopen((void *) text, len, "r");
        assert_non_null(f);
        r = policy_parse_stream(p, f, "t.conf", &error);
        fclose(f);
        if (!expected) {
                if (r != 0)
                        fail_msg("unexpected error for <<%s>>: %s", text, error);
                assert_null(error);
                return;
        }
        assert_int_equal(r, -EBADMSG);
        assert_non_null(error);
        if (strcmp(error, expected) != 0)
                fail_msg("for <<%s>>\n  got:      %s\n  expected: %s", text, error, expected);
}

#define PARSE(text, expected) parse_one(text, sizeof(text) - 1, expected)

static void test_parse_good(void **state) {
        (void) state;
        PARSE("", NULL);
        PARSE("# only a comment\n; another\n\n", NULL);
        PARSE("[Defaults]\nAutoActivate=never\n", NULL);
        PARSE("[Defaults]\nAutoActivate=immediate\nCpuRendezvous=skip\nPrimeAhead=yes\nRetryLimit=0\nRetryDelaySec=1\n", NULL);
        PARSE("[Component " BL31 "]\nAutoActivate=window\n", NULL);
        PARSE("[Component 47D4086D-4CFE-9846-9B95-2950CBBD5A00]\nAutoActivate=window\n", NULL);
        PARSE("[Defaults]\nAutoActivate = window ; inline comment\n", NULL);
        PARSE("\xEF\xBB\xBF[Defaults]\nPrimeAhead=no\n", NULL);
        PARSE("[Defaults]\r\nPrimeAhead=true\r\n", NULL);
        PARSE("[Defaults]\nRetryLimit=100\nRetryDelaySec=86400", NULL);
        PARSE("[Defaults]\n[Component " RMM "]\n", NULL);
}

static void test_parse_errors(void **state) {
        (void) state;
        PARSE("AutoActivate=never\n", "t.conf:1: AutoActivate= outside of a section");
        PARSE("[Defaults]\nFoo=bar\n", "t.conf:2: unknown key 'Foo' in [Defaults]");
        PARSE("[Defaults]\nautoactivate=never\n", "t.conf:2: unknown key 'autoactivate' in [Defaults]");
        PARSE("[Defaults]\nAutoActivate=sometimes\n",
              "t.conf:2: invalid AutoActivate= value 'sometimes' (expected never, immediate or window)");
        PARSE("[Defaults]\nAutoActivate=\n", "t.conf:2: AutoActivate= has an empty value");
        PARSE("[Defaults]\nCpuRendezvous=maybe\n",
              "t.conf:2: invalid CpuRendezvous= value 'maybe' (expected force or skip)");
        PARSE("[Defaults]\nPrimeAhead=2\n", "t.conf:2: invalid PrimeAhead= value '2' (expected yes or no)");
        PARSE("[Defaults]\nRetryLimit=101\n", "t.conf:2: invalid RetryLimit= value '101' (expected 0..100)");
        PARSE("[Defaults]\nRetryLimit=-1\n", "t.conf:2: invalid RetryLimit= value '-1' (expected 0..100)");
        PARSE("[Defaults]\nRetryLimit=99999999999999999999999\n",
              "t.conf:2: invalid RetryLimit= value '99999999999999999999999' (expected 0..100)");
        PARSE("[Defaults]\nRetryLimit=3x\n", "t.conf:2: invalid RetryLimit= value '3x' (expected 0..100)");
        PARSE("[Defaults]\nRetryDelaySec=0\n", "t.conf:2: invalid RetryDelaySec= value '0' (expected 1..86400)");
        PARSE("[Defaults]\nRetryDelaySec=86401\n",
              "t.conf:2: invalid RetryDelaySec= value '86401' (expected 1..86400)");
        PARSE("[Defaults]\nAutoActivate=never\nAutoActivate=window\n",
              "t.conf:3: AutoActivate= set twice in [Defaults]");
        PARSE("[Defaults]\nPrimeAhead=no\n[Defaults]\n", "t.conf:3: section [Defaults] repeated in the same file");
        PARSE("[Component " BL31 "]\n[Component 47D4086D-4cfe-9846-9b95-2950cbbd5a00]\n",
              "t.conf:2: section [Component " BL31 "] repeated in the same file");
        PARSE("[Comp]\n", "t.conf:1: unknown section [Comp] (expected [Defaults], [Manager] or [Component UUID])");
        PARSE("[Component]\n", "t.conf:1: unknown section [Component] (expected [Defaults], [Manager] or [Component UUID])");
        PARSE("[Component 47d4086d-4cfe-9846-9b95-2950cbbd5a0]\n",
              "t.conf:1: invalid UUID '47d4086d-4cfe-9846-9b95-2950cbbd5a0' in section header");
        PARSE("[Component 47d4086d-4cfe-9846-9b95-2950cbbd5a0g]\n",
              "t.conf:1: invalid UUID '47d4086d-4cfe-9846-9b95-2950cbbd5a0g' in section header");
        PARSE("[Component 47d4086d+4cfe-9846-9b95-2950cbbd5a00]\n",
              "t.conf:1: invalid UUID '47d4086d+4cfe-9846-9b95-2950cbbd5a00' in section header");
        PARSE("[Defaults\n", "t.conf:1: malformed section header (expected [Defaults], [Manager] or [Component UUID])");
        PARSE("[Defaults] x\n", "t.conf:1: malformed section header (expected [Defaults], [Manager] or [Component UUID])");
        PARSE("[Defaults]\nAutoActivate\n", "t.conf:2: expected Key=Value");
        PARSE("[Defaults]\nAutoActivate: never\n", "t.conf:2: expected Key=Value");
        PARSE("[Defaults]\nAutoActivate=never\n  immediate\n",
              "t.conf:3: indented line (continuation lines are not supported)");
        PARSE("[Defaults]\n\tPrimeAhead=yes\n", "t.conf:2: indented line (continuation lines are not supported)");
        PARSE("[Defaults]\nAuto\0Activate=never\n", "t.conf:2: line contains a NUL byte");
        PARSE("[Defaults]\nAutoActivate=\x1b[2Jnever\n",
              "t.conf:2: invalid AutoActivate= value '\\x1b[2Jnever' (expected never, immediate or window)");
        PARSE("[Defaults]\nPrime\xc3\xa4head=yes\n", "t.conf:2: unknown key 'Prime\\xc3\\xa4head' in [Defaults]");
        PARSE("[Comp\x07]\n", "t.conf:1: unknown section [Comp\\x07] (expected [Defaults], [Manager] or [Component UUID])");
        PARSE("[Defaults]\nAutoActivate=never # not a comment here\n",
              "t.conf:2: invalid AutoActivate= value 'never # not a comment here' (expected never, immediate or window)");
}

static void test_parse_long_lines(void **state) {
        char text[512];
        int n;

        (void) state;
        /* 198 bytes is the longest line inih takes whole. */
        n = snprintf(text, sizeof(text), "[Defaults]\n# %s\n", "");
        memset(text + n - 1, 'x', 198 - 2);
        text[n - 1 + 196] = '\n';
        text[n + 196] = 0;
        parse_one(text, strlen(text), NULL);

        n = snprintf(text, sizeof(text), "[Defaults]\n# ");
        memset(text + n, 'x', 197);
        strcpy(text + n + 197, "\nPrimeAhead=yes\n");
        parse_one(text, strlen(text), "t.conf:2: line longer than 198 bytes");

        /* A long value would be cut by inih and the rest taken as a line. */
        n = snprintf(text, sizeof(text), "[Defaults]\nAutoActivate=");
        memset(text + n, 'a', 300);
        strcpy(text + n + 300, "\n");
        parse_one(text, strlen(text), "t.conf:2: line longer than 198 bytes");
}

static void test_parse_first_error_wins(void **state) {
        (void) state;
        PARSE("[Defaults]\nFoo=1\nBar=2\n", "t.conf:2: unknown key 'Foo' in [Defaults]");
}

/* A temporary tree with etc/, run/ and lib/ lfa.d directories. */
typedef struct Tree {
        char root[64];
        char etc[96], run[96], lib[96];
        char *dirs[4];
} Tree;

static void tree_init(Tree *t) {
        strcpy(t->root, "/tmp/test-policy-XXXXXX");
        assert_non_null(mkdtemp(t->root));
        snprintf(t->etc, sizeof(t->etc), "%s/etc", t->root);
        snprintf(t->run, sizeof(t->run), "%s/run", t->root);
        snprintf(t->lib, sizeof(t->lib), "%s/lib", t->root);
        assert_int_equal(mkdir(t->etc, 0755), 0);
        assert_int_equal(mkdir(t->run, 0755), 0);
        assert_int_equal(mkdir(t->lib, 0755), 0);
        t->dirs[0] = t->etc;
        t->dirs[1] = t->run;
        t->dirs[2] = t->lib;
        t->dirs[3] = NULL;
}

static void tree_write(const char *dir, const char *name, const char *text) {
        char path[256];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", dir, name);
        f = fopen(path, "we");
        assert_non_null(f);
        fputs(text, f);
        assert_int_equal(fclose(f), 0);
}

static void tree_done(Tree *t) {
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
        assert_int_equal(system(cmd), 0);
}

static AutoActivate lookup_auto(const Policy *p, const char *uuid) {
        PolicySettings s;

        policy_lookup(p, uuid, &s, NULL);
        return s.auto_activate;
}

static void test_override_order(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_free_ char *error = NULL;
        Tree t;

        (void) state;
        tree_init(&t);
        /* The same name: /etc beats /run beats /usr/lib. */
        tree_write(t.lib, "50-vendor.conf", "[Defaults]\nAutoActivate=immediate\n");
        tree_write(t.run, "50-vendor.conf", "[Defaults]\nAutoActivate=window\n");
        tree_write(t.etc, "50-vendor.conf", "[Defaults]\nPrimeAhead=yes\n");
        /* Different names: read in lexical order, later keys win. */
        tree_write(t.lib, "10-base.conf", "[Component " RMM "]\nAutoActivate=immediate\nRetryLimit=7\n");
        tree_write(t.run, "90-late.conf", "[Component " RMM "]\nAutoActivate=never\n");
        /* Not *.conf: ignored, even with garbage inside. */
        tree_write(t.etc, "README", "garbage\n");
        tree_write(t.etc, "x.conf.bak", "garbage\n");

        assert_int_equal(policy_load(t.dirs, &p, &error), 0);
        assert_null(error);
        assert_int_equal(strv_length(policy_get_files(p)), 3);
        assert_non_null(strstr(policy_get_files(p)[0], "/lib/10-base.conf"));
        assert_non_null(strstr(policy_get_files(p)[1], "/etc/50-vendor.conf"));
        assert_non_null(strstr(policy_get_files(p)[2], "/run/90-late.conf"));

        /* /etc's 50-vendor.conf replaced the others: no AutoActivate there. */
        assert_int_equal(lookup_auto(p, BL31), AUTO_ACTIVATE_NEVER);
        assert_true(policy_get_defaults(p)->prime_ahead);
        /* 90-late.conf overrides 10-base.conf key by key. */
        PolicySettings s;
        const char *source;
        policy_lookup(p, RMM, &s, &source);
        assert_int_equal(s.auto_activate, AUTO_ACTIVATE_NEVER);
        assert_int_equal(s.retry_limit, 7);
        assert_true(s.prime_ahead); /* from [Defaults] */
        assert_non_null(strstr(source, "90-late.conf:2"));
        assert_true(policy_get_loaded_at(p) > 0);
        tree_done(&t);
}

static void test_mask_with_dev_null(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        char path[256];
        Tree t;

        (void) state;
        tree_init(&t);
        tree_write(t.lib, "50-vendor.conf", "[Defaults]\nAutoActivate=immediate\n");
        snprintf(path, sizeof(path), "%s/50-vendor.conf", t.etc);
        assert_int_equal(symlink("/dev/null", path), 0);
        assert_int_equal(policy_load(t.dirs, &p, NULL), 0);
        assert_int_equal(strv_length(policy_get_files(p)), 0);
        assert_int_equal(policy_get_defaults(p)->auto_activate, AUTO_ACTIVATE_NEVER);
        tree_done(&t);
}

static void test_error_names_file_and_line(void **state) {
        _cleanup_free_ char *error = NULL, *expected = NULL;
        Policy *p = NULL;
        Tree t;

        (void) state;
        tree_init(&t);
        tree_write(t.lib, "10-ok.conf", "[Defaults]\nAutoActivate=window\n");
        tree_write(t.etc, "20-bad.conf", "# admin\n[Component " RMM "]\nCpuRendezvous=skip\nPrimeAhead=perhaps\n");
        assert_int_equal(policy_load(t.dirs, &p, &error), -EBADMSG);
        assert_null(p);
        assert_true(asprintf(&expected, "%s/20-bad.conf:4: invalid PrimeAhead= value 'perhaps' (expected yes or no)", t.etc) > 0);
        assert_string_equal(error, expected);
        tree_done(&t);
}

static void test_refuse_writable(void **state) {
        _cleanup_free_ char *error = NULL;
        Policy *p = NULL;
        char path[256];
        Tree t;

        (void) state;
        if (geteuid() != 0)
                skip(); /* ownership by root is the rule; only root can create such files */
        tree_init(&t);
        tree_write(t.etc, "10-a.conf", "[Defaults]\nAutoActivate=immediate\n");
        snprintf(path, sizeof(path), "%s/10-a.conf", t.etc);

        assert_int_equal(chmod(path, 0646), 0);
        assert_int_equal(policy_load(t.dirs, &p, &error), -EPERM);
        assert_non_null(strstr(error, "10-a.conf: refused: writable by a user other than root"));
        free(error);
        error = NULL;

        assert_int_equal(chmod(path, 0664), 0);
        assert_int_equal(chown(path, 0, 1), 0);
        assert_int_equal(policy_load(t.dirs, &p, &error), -EPERM);
        free(error);
        error = NULL;

        assert_int_equal(chown(path, 1, 0), 0);
        assert_int_equal(chmod(path, 0644), 0);
        assert_int_equal(policy_load(t.dirs, &p, &error), -EPERM);
        free(error);
        error = NULL;

        /* Group root may write: only root is in it by convention. */
        assert_int_equal(chown(path, 0, 0), 0);
        assert_int_equal(chmod(path, 0664), 0);
        assert_int_equal(policy_load(t.dirs, &p, &error), 0);
        policy_free(p);
        p = NULL;

        /* The directory counts too: someone could swap the files. */
        assert_int_equal(chmod(t.run, 0777), 0);
        assert_int_equal(policy_load(t.dirs, &p, &error), -EPERM);
        assert_non_null(strstr(error, "/run: refused"));
        tree_done(&t);
}

static void test_missing_dirs(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        char *dirs[] = { (char *) "/nonexistent/lfa.d", NULL };

        (void) state;
        assert_int_equal(policy_load(dirs, &p, NULL), 0);
        assert_int_equal(policy_get_defaults(p)->auto_activate, AUTO_ACTIVATE_NEVER);
        assert_int_equal(policy_get_defaults(p)->cpu_rendezvous, CPU_RENDEZVOUS_FORCE);
        assert_false(policy_get_defaults(p)->prime_ahead);
}

/* The decision table. */
typedef struct DecideCase {
        const char *policy;
        bool capable, pending, may_reset, rendezvous_required, garbage;
        DecisionAction action;
        bool force;
        bool overridden;
        bool prime;
        const char *reason_part;
        bool no_prime_file;             /* upstream's driver: no `prime` */
} DecideCase;

static void decide_one(const DecideCase *c) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(decision_freep) Decision *d = NULL;
        Component comp = {
                .uuid = RMM,
                .activation_capable = c->capable,
                .activation_pending = c->pending,
                .may_reset_cpu = c->may_reset,
                .cpu_rendezvous = c->rendezvous_required,
                .parse_error = c->garbage ? (char *) "seq_id: invalid value 'x'" : NULL,
                .features = c->no_prime_file ? 0 : DRIVER_FEATURE_PRIME,
        };
        FILE *f;

        assert_int_equal(policy_new_default(&p), 0);
        f = fmemopen((void *) c->policy, strlen(c->policy), "r");
        assert_int_equal(policy_parse_stream(p, f, "d.conf", NULL), 0);
        fclose(f);
        assert_int_equal(policy_decide(p, &comp, &d), 0);
        if (d->action != c->action)
                fail_msg("policy <<%s>>: action %s, expected %s (%s)", c->policy,
                         decision_action_to_string(d->action), decision_action_to_string(c->action), d->reason);
        assert_int_equal(d->force_cpu_rendezvous, c->force);
        assert_int_equal(d->rendezvous_overridden, c->overridden);
        assert_int_equal(d->prime_ahead, c->prime);
        if (!strstr(d->reason, c->reason_part))
                fail_msg("reason '%s' lacks '%s'", d->reason, c->reason_part);
}

#define IMM "[Defaults]\nAutoActivate=immediate\n"
#define WIN "[Defaults]\nAutoActivate=window\n"
#define IMM_SKIP "[Defaults]\nAutoActivate=immediate\nCpuRendezvous=skip\n"

static void test_decide_table(void **state) {
        static const DecideCase cases[] = {
                /* No policy: nothing automatic, rendezvous forced. */
                { "", true, true, false, true, false, DECISION_NEVER, true, false, false, "AutoActivate=never, built-in default", false },
                { "", true, true, false, false, false, DECISION_NEVER, true, false, false, "only on request", false },
                { IMM, true, true, false, true, false, DECISION_IMMEDIATE, true, false, false, "as soon as pending", false },
                { WIN, true, true, false, true, false, DECISION_WINDOW, true, false, false, "maintenance window", false },
                /* Nothing pending: nothing to do, whatever the policy. */
                { IMM, true, false, false, true, false, DECISION_NOTHING_PENDING, true, false, false, "no new image", false },
                /* may_reset_cpu: never, whatever the policy. */
                { IMM, true, true, true, false, false, DECISION_REFUSED, true, false, false, "may reset a CPU", false },
                { WIN, true, true, true, false, false, DECISION_REFUSED, true, false, false, "may reset a CPU", false },
                { IMM, false, true, false, false, false, DECISION_REFUSED, true, false, false, "cannot activate it live", false },
                { IMM, true, true, false, false, true, DECISION_REFUSED, true, false, false, "sysfs data is invalid", false },
                /* Skip only where the firmware allows it. */
                { IMM_SKIP, true, true, false, false, false, DECISION_IMMEDIATE, false, false, false, "without CPU rendezvous", false },
                { IMM_SKIP, true, true, false, true, false,
                  DECISION_IMMEDIATE, true, true, false, "CpuRendezvous=skip ignored", false },
                /* Per-component section beats the defaults. */
                { "[Defaults]\nAutoActivate=immediate\n[Component " RMM "]\nAutoActivate=never\n", true, true, false,
                  true, false, DECISION_NEVER, true, false, false, "d.conf:4", false },
                { "[Component " BL31 "]\nAutoActivate=immediate\n", true, true, false, true, false, DECISION_NEVER,
                  true, false, false, "only on request", false },
                /* The line that decided, not the section's last one. */
                { "[Component " RMM "]\nAutoActivate=immediate\nPrimeAhead=no\n", true, true, false, true, false,
                  DECISION_IMMEDIATE, true, false, false, "(AutoActivate=immediate at d.conf:2)", false },
                { "[Defaults]\nCpuRendezvous=skip\n[Component " RMM "]\nRetryLimit=1\n", true, true, false, false,
                  false, DECISION_NEVER, false, false, false, "(CpuRendezvous=skip at d.conf:2, firmware allows it)",
                  false },
                /* Priming ahead: window and on-request only. */
                { "[Defaults]\nAutoActivate=window\nPrimeAhead=yes\n", true, true, false, true, false, DECISION_WINDOW,
                  true, false, true, "primed ahead", false },
                { "[Defaults]\nAutoActivate=immediate\nPrimeAhead=yes\n", true, true, false, true, false,
                  DECISION_IMMEDIATE, true, false, false, "as soon as pending", false },
                { "[Defaults]\nAutoActivate=window\nPrimeAhead=yes\n", true, false, false, true, false,
                  DECISION_NOTHING_PENDING, true, false, false, "maintenance window", false },
                /* Upstream's driver cannot prime ahead: said, not dropped. */
                { "[Defaults]\nAutoActivate=window\nPrimeAhead=yes\n", true, true, false, true, false, DECISION_WINDOW,
                  true, false, false, "PrimeAhead=yes not possible on this driver", true },
                { "[Defaults]\nAutoActivate=never\nPrimeAhead=yes\n", true, false, false, true, false,
                  DECISION_NOTHING_PENDING, true, false, false, "PrimeAhead=yes not possible on this driver", true },
                /* Immediate never primes ahead: nothing to say. */
                { "[Defaults]\nAutoActivate=immediate\nPrimeAhead=yes\n", true, true, false, true, false,
                  DECISION_IMMEDIATE, true, false, false, "as soon as pending", true },
                { WIN, true, true, false, true, false, DECISION_WINDOW, true, false, false, "maintenance window", true },
        };

        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                decide_one(&cases[i]);
}

static void poll_one(const char *text, usec_t expected) {
        _cleanup_(policy_freep) Policy *p = NULL;
        FILE *f;

        assert_int_equal(policy_new_default(&p), 0);
        f = fmemopen((void *) text, strlen(text), "r");
        assert_int_equal(policy_parse_stream(p, f, "m.conf", NULL), 0);
        fclose(f);
        assert_int_equal(policy_get_poll_interval(p), expected);
}

static void test_manager_section(void **state) {
        (void) state;
        poll_one("", POLICY_POLL_INTERVAL_DEFAULT);
        assert_int_equal(POLICY_POLL_INTERVAL_DEFAULT, 60 * USEC_PER_SEC);
        poll_one("[Manager]\nPollIntervalSec=0\n", 0);
        poll_one("[Manager]\nPollIntervalSec=5\n", 5 * USEC_PER_SEC);
        poll_one("[Manager]\nPollIntervalSec=86400\n[Defaults]\nAutoActivate=window\n", 86400 * USEC_PER_SEC);
        PARSE("[Manager]\nPollIntervalSec=86401\n",
              "t.conf:2: invalid PollIntervalSec= value '86401' (expected 0..86400, 0: no poll)");
        PARSE("[Manager]\nPollIntervalSec=-1\n",
              "t.conf:2: invalid PollIntervalSec= value '-1' (expected 0..86400, 0: no poll)");
        PARSE("[Manager]\nPollIntervalSec=\n",
              "t.conf:2: invalid PollIntervalSec= value '' (expected 0..86400, 0: no poll)");
        PARSE("[Manager]\nPollIntervalSec=1\nPollIntervalSec=2\n", "t.conf:3: PollIntervalSec= set twice in [Manager]");
        PARSE("[Manager]\nAutoActivate=never\n", "t.conf:2: unknown key 'AutoActivate' in [Manager]");
        PARSE("[Defaults]\nPollIntervalSec=1\n", "t.conf:2: unknown key 'PollIntervalSec' in [Defaults]");
        PARSE("[Manager]\n[Manager]\n", "t.conf:2: section [Manager] repeated in the same file");
}

static void test_string_tables(void **state) {
        (void) state;
        for (int i = 0; i < _AUTO_ACTIVATE_MAX; i++)
                assert_int_equal(auto_activate_from_string(auto_activate_to_string(i)), i);
        for (int i = 0; i < _CPU_RENDEZVOUS_MAX; i++)
                assert_int_equal(cpu_rendezvous_from_string(cpu_rendezvous_to_string(i)), i);
        assert_int_equal(auto_activate_from_string("Immediate"), -EINVAL);
        assert_int_equal(auto_activate_from_string(NULL), -EINVAL);
        assert_null(auto_activate_to_string(_AUTO_ACTIVATE_MAX));
        assert_null(decision_action_to_string(-1));
        assert_string_equal(decision_action_to_string(DECISION_REFUSED), "refused");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_good),
                cmocka_unit_test(test_parse_errors),
                cmocka_unit_test(test_parse_long_lines),
                cmocka_unit_test(test_parse_first_error_wins),
                cmocka_unit_test(test_override_order),
                cmocka_unit_test(test_mask_with_dev_null),
                cmocka_unit_test(test_error_names_file_and_line),
                cmocka_unit_test(test_refuse_writable),
                cmocka_unit_test(test_missing_dirs),
                cmocka_unit_test(test_decide_table),
                cmocka_unit_test(test_manager_section),
                cmocka_unit_test(test_string_tables),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
