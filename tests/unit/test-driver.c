/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which driver, found by what exists: every combination of the files that
 * tell the ABIs and their extensions apart, the module under /sys/module,
 * the meaning of the activate write's errnos on each ABI, and a tree with
 * only upstream's files as Arm's driver showed it on TF-A (eleven files per
 * component, current_version 0.0, pending_version N/A), read by the
 * inventory, decided by the policy and verified by `lfad --verify`.
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

#include "driver.h"
#include "inventory.h"
#include "policy.h"
#include "udev.h"
#include "verify.h"

#define BL31 "47d4086d-4cfe-9846-9b95-2950cbbd5a00"
#define BL33 "d6d0eea7-fcea-d54b-9782-9934f234b6e4"
#define RMM  "6c0762a6-12f2-4b56-92cb-ba8f633606d9"
#define TST1 "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
#define TST2 "3f7c2d9a-8b1e-4c55-9a60-5d2e7b41c0aa"

static char dir[64], sysfs[96], modules[96], policy_dir[96];

static int tree_setup(void **state) {
        (void) state;
        strcpy(dir, "/tmp/test-driver-XXXXXX");
        assert_non_null(mkdtemp(dir));
        snprintf(sysfs, sizeof(sysfs), "%s/lfa", dir);
        snprintf(modules, sizeof(modules), "%s/module", dir);
        snprintf(policy_dir, sizeof(policy_dir), "%s/lfa.d", dir);
        assert_int_equal(mkdir(sysfs, 0755), 0);
        assert_int_equal(mkdir(modules, 0755), 0);
        assert_int_equal(mkdir(policy_dir, 0755), 0);
        return 0;
}

static int tree_teardown(void **state) {
        char cmd[128];

        (void) state;
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        assert_int_equal(system(cmd), 0);
        return 0;
}

static void put(const char *sub, const char *name, const char *value) {
        char path[256];
        FILE *f;

        if (sub) {
                snprintf(path, sizeof(path), "%s/%s", sysfs, sub);
                (void) mkdir(path, 0755);
                snprintf(path, sizeof(path), "%s/%s/%s", sysfs, sub, name);
        } else
                snprintf(path, sizeof(path), "%s/%s", sysfs, name);
        f = fopen(path, "we");
        assert_non_null(f);
        fputs(value, f);
        assert_int_equal(fclose(f), 0);
}

static void rm(const char *sub, const char *name) {
        char path[256];

        if (sub)
                snprintf(path, sizeof(path), "%s/%s/%s", sysfs, sub, name);
        else
                snprintf(path, sizeof(path), "%s/%s", sysfs, name);
        if (unlink(path) < 0)
                assert_int_equal(errno, ENOENT);
}

/* What TF-A's LFA service showed through Arm's driver: the eleven files. */
static void upstream_component(const char *uuid, const char *name, bool capable, bool pending,
                               bool may_reset, bool rendezvous) {
        put(uuid, "name", name);
        put(uuid, "current_version", "0.0\n");
        put(uuid, "pending_version", "N/A\n");
        put(uuid, "activation_capable", capable ? "1\n" : "0\n");
        put(uuid, "activation_pending", pending ? "1\n" : "0\n");
        put(uuid, "may_reset_cpu", may_reset ? "1\n" : "0\n");
        put(uuid, "cpu_rendezvous", rendezvous ? "1\n" : "0\n");
        put(uuid, "force_cpu_rendezvous", "1\n");
        put(uuid, "auto_activate", "0\n");
        put(uuid, "activate", "");
        put(uuid, "cancel", "");
}

/* Every combination of the seven files that tell ABIs and extensions
 * apart: bit i of the mask says file i exists. */
static const struct {
        const char *file;
        bool top;                       /* in /sys/firmware/lfa itself */
} tell_files[] = {
        { "version", true },
        { "refresh", true },
        { "prime", false },
        { "state", false },
        { "last_error", false },
        { "seq_id", false },
        { "auto_activate", false },
};

static unsigned expected_features(unsigned mask) {
        unsigned f = 0;

        if (mask & 1)
                f |= DRIVER_FEATURE_COMPONENT_UEVENTS | DRIVER_FEATURE_CANCEL_PRIMING;
        if (mask & 2)
                f |= DRIVER_FEATURE_REFRESH;
        if (mask & 4)
                f |= DRIVER_FEATURE_PRIME;
        if (mask & 8)
                f |= DRIVER_FEATURE_STATE;
        if (mask & 16)
                f |= DRIVER_FEATURE_LAST_ERROR;
        if (mask & 32)
                f |= DRIVER_FEATURE_SEQ_ID;
        if (mask & 64)
                f |= DRIVER_FEATURE_AUTO_ACTIVATE;
        return f;
}

static void test_probe_every_combination(void **state) {
        (void) state;
        upstream_component(RMM, RMM, true, true, false, true);
        for (unsigned mask = 0; mask < (1U << ELEMENTSOF(tell_files)); mask++) {
                DriverInfo d;

                for (size_t i = 0; i < ELEMENTSOF(tell_files); i++) {
                        const char *sub = tell_files[i].top ? NULL : RMM;

                        if (mask & (1U << i))
                                put(sub, tell_files[i].file, i == 0 ? "1.0\n" : "");
                        else
                                rm(sub, tell_files[i].file);
                }
                driver_probe(sysfs, modules, &d);
                if (d.abi != ((mask & 1) ? DRIVER_ABI_EXTENDED : DRIVER_ABI_UPSTREAM))
                        fail_msg("files 0x%x: ABI %s", mask, driver_abi_to_string(d.abi));
                if (d.features != expected_features(mask))
                        fail_msg("files 0x%x: features 0x%x, expected 0x%x", mask, d.features,
                                 expected_features(mask));
                assert_string_equal(d.module, "");
        }
}

static void test_probe_no_driver_no_component(void **state) {
        char missing[128];
        DriverInfo d;

        (void) state;
        snprintf(missing, sizeof(missing), "%s/nothing", dir);
        driver_probe(missing, modules, &d);
        assert_int_equal(d.abi, DRIVER_ABI_NONE);
        assert_int_equal(d.features, 0);

        /* Upstream's driver with no component yet: nothing to claim. */
        driver_probe(sysfs, modules, &d);
        assert_int_equal(d.abi, DRIVER_ABI_UPSTREAM);
        assert_int_equal(d.features, 0);

        /* lfa.ko: the top-level files alone tell uevents and refresh. */
        put(NULL, "version", "1.0\n");
        put(NULL, "refresh", "");
        driver_probe(sysfs, modules, &d);
        assert_int_equal(d.abi, DRIVER_ABI_EXTENDED);
        assert_int_equal(d.features, DRIVER_FEATURE_COMPONENT_UEVENTS | DRIVER_FEATURE_CANCEL_PRIMING |
                                     DRIVER_FEATURE_REFRESH);
        /* Files that are no component do not count as one. */
        put(NULL, "not-a-uuid", "");
        driver_probe(sysfs, modules, &d);
        assert_false(d.features & DRIVER_FEATURE_PRIME);
}

static void test_probe_module(void **state) {
        char path[160];
        DriverInfo d;

        (void) state;
        driver_probe(sysfs, modules, &d);
        assert_string_equal(d.module, "");
        snprintf(path, sizeof(path), "%s/lfa", modules);
        assert_int_equal(mkdir(path, 0755), 0);
        driver_probe(sysfs, modules, &d);
        assert_string_equal(d.module, "lfa");
        /* Both loaded: lfa.ko stepped aside, Arm's driver serves. */
        snprintf(path, sizeof(path), "%s/lfa_fw", modules);
        assert_int_equal(mkdir(path, 0755), 0);
        driver_probe(sysfs, modules, &d);
        assert_string_equal(d.module, "lfa_fw");
        snprintf(path, sizeof(path), "%s/lfa", modules);
        assert_int_equal(rmdir(path), 0);
        driver_probe(sysfs, modules, &d);
        assert_string_equal(d.module, "lfa_fw");
}

static void test_names(void **state) {
        const char *names[9];

        (void) state;
        for (int i = 0; i < _DRIVER_ABI_MAX; i++)
                assert_int_equal(driver_abi_from_string(driver_abi_to_string(i)), i);
        assert_string_equal(driver_abi_to_string(DRIVER_ABI_UPSTREAM), "upstream");
        assert_null(driver_abi_to_string(_DRIVER_ABI_MAX));
        assert_int_equal(driver_abi_from_string("Upstream"), -EINVAL);

        driver_features_to_strv(0, names);
        assert_null(names[0]);
        driver_features_to_strv(_DRIVER_FEATURE_ALL, names);
        assert_string_equal(names[0], "prime");
        assert_string_equal(names[1], "cancel-priming");
        assert_string_equal(names[2], "state");
        assert_string_equal(names[3], "last-error");
        assert_string_equal(names[4], "seq-id");
        assert_string_equal(names[5], "refresh");
        assert_string_equal(names[6], "component-uevents");
        assert_string_equal(names[7], "auto-activate");
        assert_null(names[8]);
        driver_features_to_strv(DRIVER_FEATURE_AUTO_ACTIVATE | DRIVER_FEATURE_PRIME, names);
        assert_string_equal(names[0], "prime");
        assert_string_equal(names[1], "auto-activate");
        assert_null(names[2]);
        assert_string_equal(driver_feature_to_string(DRIVER_FEATURE_SEQ_ID), "seq-id");
        assert_null(driver_feature_to_string(DRIVER_FEATURE_SEQ_ID | DRIVER_FEATURE_STATE));
}

static void outcome_one(DriverAbi abi, int error, int expected, bool firmware, const char *code,
                        const char *detail_part) {
        DriverOutcome o;

        driver_write_outcome(abi, error, &o);
        if (o.error != expected || o.firmware_failed != firmware)
                fail_msg("%s %d: error %d firmware %d, expected %d %d", driver_abi_to_string(abi), error,
                         o.error, o.firmware_failed, expected, firmware);
        if (code)
                assert_string_equal(o.lfa_code, code);
        else
                assert_null(o.lfa_code);
        if (detail_part) {
                assert_non_null(o.detail);
                if (!strstr(o.detail, detail_part))
                        fail_msg("detail '%s' lacks '%s'", o.detail, detail_part);
        } else
                assert_null(o.detail);
}

static void test_write_outcome(void **state) {
        (void) state;
        /* Upstream: every failure is -ECANCELED and says nothing more. */
        outcome_one(DRIVER_ABI_UPSTREAM, 0, 0, false, NULL, NULL);
        outcome_one(DRIVER_ABI_UPSTREAM, -ECANCELED, -ECANCELED, true, "UNKNOWN", "the kernel log names");
        outcome_one(DRIVER_ABI_UPSTREAM, -EBUSY, -EBUSY, false, NULL, "the kernel runs another activation");
        outcome_one(DRIVER_ABI_UPSTREAM, -EAGAIN, -EBUSY, false, NULL, "the kernel runs another activation");
        outcome_one(DRIVER_ABI_UPSTREAM, -EINVAL, -EINVAL, false, NULL, NULL); /* older may_reset_cpu */
        outcome_one(DRIVER_ABI_UPSTREAM, -ENOENT, -ENOENT, false, NULL, NULL);
        /* lfa.ko's errnos say what happened; -ECANCELED is a cancel. */
        outcome_one(DRIVER_ABI_EXTENDED, 0, 0, false, NULL, NULL);
        outcome_one(DRIVER_ABI_EXTENDED, -ECANCELED, -ECANCELED, false, NULL, NULL);
        outcome_one(DRIVER_ABI_EXTENDED, -EBUSY, -EBUSY, false, NULL, NULL);
        outcome_one(DRIVER_ABI_EXTENDED, -EAGAIN, -EAGAIN, false, NULL, NULL);
        outcome_one(DRIVER_ABI_EXTENDED, -EKEYREJECTED, -EKEYREJECTED, false, NULL, NULL);
}

/* NVIDIA's device uevent: matched on its properties, whatever the path. */
static void test_device_change_match(void **state) {
        (void) state;
        assert_true(udev_is_lfa_device_change("arm_smccc", "lfa_fw", "change"));
        assert_false(udev_is_lfa_device_change("arm_smccc", "lfa_fw", "add"));
        assert_false(udev_is_lfa_device_change("arm_smccc", "lfa_fw", "bind"));
        assert_false(udev_is_lfa_device_change("arm_smccc", "other", "change"));   /* another SMCCC device */
        assert_false(udev_is_lfa_device_change("arm_smccc", NULL, "change"));      /* unbound */
        assert_false(udev_is_lfa_device_change("platform", "lfa_fw", "change"));
        assert_false(udev_is_lfa_device_change("lfa", NULL, "change"));
        assert_false(udev_is_lfa_device_change(NULL, NULL, NULL));
}

/* A module's own add/remove: how lfad hears of a driver without component
 * uevents coming, going or being reloaded with other parameters. */
static void test_module_event_match(void **state) {
        (void) state;
        assert_true(udev_is_lfa_module_event("module", "lfa", "add"));
        assert_true(udev_is_lfa_module_event("module", "lfa", "remove"));
        assert_true(udev_is_lfa_module_event("module", "lfa_fw", "add"));
        assert_true(udev_is_lfa_module_event("module", "lfa_fw", "remove"));
        assert_false(udev_is_lfa_module_event("module", "lfa", "change"));
        assert_false(udev_is_lfa_module_event("module", "lfa_foo", "add"));        /* prefix only */
        assert_false(udev_is_lfa_module_event("module", "lf", "add"));
        assert_false(udev_is_lfa_module_event("module", NULL, "add"));
        assert_false(udev_is_lfa_module_event("lfa", "lfa", "add"));               /* a component */
        assert_false(udev_is_lfa_module_event(NULL, NULL, NULL));
}

/* The tree Arm's driver showed on TF-A, with a may_reset_cpu component. */
static void tfa_tree(void) {
        upstream_component(BL31, "TF-A BL31 runtime", true, true, true, true);
        upstream_component(BL33, "BL33 non-secure payload", false, false, false, true);
        upstream_component(RMM, RMM, true, true, false, true);
        upstream_component(TST1, TST1, true, true, false, false);
        upstream_component(TST2, TST2, true, false, false, false);
}

static void test_upstream_tree_reads(void **state) {
        _cleanup_strv_free_ char **uuids = NULL;
        DriverInfo d;

        (void) state;
        tfa_tree();
        driver_probe(sysfs, modules, &d);
        assert_int_equal(d.abi, DRIVER_ABI_UPSTREAM);
        assert_int_equal(d.features, DRIVER_FEATURE_AUTO_ACTIVATE);

        assert_int_equal(inventory_list(sysfs, &uuids), 0);
        assert_int_equal(strv_length(uuids), 5);
        for (char **u = uuids; *u; u++) {
                _cleanup_(component_freep) Component *c = NULL;

                assert_int_equal(inventory_read_component(sysfs, *u, &c), 0);
                if (c->parse_error)
                        fail_msg("%s: %s", *u, c->parse_error);
                assert_int_equal(c->features, DRIVER_FEATURE_AUTO_ACTIVATE);
                assert_true(c->current_version.known);
                assert_int_equal(c->current_version.major, 0);
                assert_int_equal(c->current_version.minor, 0);
                assert_false(c->pending_version.known);
                assert_int_equal(c->state, COMPONENT_STATE_IDLE);
                assert_string_equal(c->last_error_raw, "");
                assert_int_equal(c->seq_id, 0);
                assert_false(c->auto_activate);
        }

        /* v1-based backports: no auto_activate either. */
        rm(RMM, "auto_activate");
        _cleanup_(component_freep) Component *c = NULL;
        assert_int_equal(inventory_read_component(sysfs, RMM, &c), 0);
        assert_null(c->parse_error);
        assert_int_equal(c->features, 0);
        assert_false(c->auto_activate);

        /* A required file is still required. */
        rm(RMM, "activation_pending");
        c = component_free(c);
        assert_int_equal(inventory_read_component(sysfs, RMM, &c), 0);
        assert_string_equal(c->parse_error, "activation_pending: cannot read: No such file or directory");
}

static void test_upstream_tree_decided(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_strv_free_ char **uuids = NULL;
        static const char text[] = "[Defaults]\nAutoActivate=window\nPrimeAhead=yes\n";
        FILE *f;

        (void) state;
        tfa_tree();
        assert_int_equal(policy_new_default(&p), 0);
        f = fmemopen((void *) text, strlen(text), "r");
        assert_int_equal(policy_parse_stream(p, f, "u.conf", NULL), 0);
        fclose(f);

        assert_int_equal(inventory_list(sysfs, &uuids), 0);
        for (char **u = uuids; *u; u++) {
                _cleanup_(component_freep) Component *c = NULL;
                _cleanup_(decision_freep) Decision *d = NULL;

                assert_int_equal(inventory_read_component(sysfs, *u, &c), 0);
                assert_int_equal(policy_decide(p, c, &d), 0);
                assert_false(d->prime_ahead);
                if (strcmp(*u, BL31) == 0) {
                        assert_int_equal(d->action, DECISION_REFUSED);
                        assert_non_null(strstr(d->reason, "may reset a CPU"));
                } else if (strcmp(*u, BL33) == 0)
                        assert_int_equal(d->action, DECISION_REFUSED); /* not capable */
                else {
                        assert_true(d->action == DECISION_WINDOW || d->action == DECISION_NOTHING_PENDING);
                        if (!strstr(d->reason, "PrimeAhead=yes not possible on this driver"))
                                fail_msg("%s: reason '%s' does not say why it is not primed ahead", *u,
                                         d->reason);
                }
        }
}

/* lfad --verify over the tree: every component decided, exit 0. */
static void test_upstream_tree_verify(void **state) {
        _cleanup_free_ char *out = NULL, *err = NULL;
        size_t out_size = 0, err_size = 0;
        char *dirs[] = { policy_dir, NULL };
        char path[160];
        FILE *o, *e, *f;

        (void) state;
        tfa_tree();
        snprintf(path, sizeof(path), "%s/50-u.conf", policy_dir);
        f = fopen(path, "we");
        assert_non_null(f);
        fputs("[Defaults]\nAutoActivate=immediate\n", f);
        assert_int_equal(fclose(f), 0);

        o = open_memstream(&out, &out_size);
        e = open_memstream(&err, &err_size);
        assert_non_null(o);
        assert_non_null(e);
        assert_int_equal(verify_run(dirs, sysfs, o, e), 0);
        assert_int_equal(fclose(o), 0);
        assert_int_equal(fclose(e), 0);

        assert_string_equal(err, "");
        assert_non_null(strstr(out, "Driver ABI: upstream (features: auto-activate)"));
        assert_non_null(strstr(out, "Components under"));
        /* BL31 refused (may reset a CPU), BL33 refused (not capable), the
         * pending test components activated at once, TST2 not pending. */
        assert_non_null(strstr(out, BL31 " TF-A BL31 runtime\n  decision: refused"));
        assert_non_null(strstr(out, BL33 " BL33 non-secure payload\n  decision: refused"));
        assert_non_null(strstr(out, RMM " " RMM "\n  decision: immediate"));
        assert_non_null(strstr(out, TST1 " " TST1 "\n  decision: immediate"));
        assert_non_null(strstr(out, TST2 " " TST2 "\n  decision: nothing-pending"));

        /* The data of one component unreadable: that one fails verify. */
        rm(TST2, "may_reset_cpu");
        out = mfree(out);
        err = mfree(err);
        o = open_memstream(&out, &out_size);
        e = open_memstream(&err, &err_size);
        assert_int_equal(verify_run(dirs, sysfs, o, e), -EBADMSG);
        assert_int_equal(fclose(o), 0);
        assert_int_equal(fclose(e), 0);
        assert_non_null(strstr(err, TST2 ": invalid sysfs data: may_reset_cpu: cannot read"));
}

#define TREE_TEST(t) cmocka_unit_test_setup_teardown(t, tree_setup, tree_teardown)

int main(void) {
        const struct CMUnitTest tests[] = {
                TREE_TEST(test_probe_every_combination),
                TREE_TEST(test_probe_no_driver_no_component),
                TREE_TEST(test_probe_module),
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_write_outcome),
                cmocka_unit_test(test_device_change_match),
                cmocka_unit_test(test_module_event_match),
                TREE_TEST(test_upstream_tree_reads),
                TREE_TEST(test_upstream_tree_decided),
                TREE_TEST(test_upstream_tree_verify),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
