/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lfad's ownership of the kernel's own settings: what it writes to
 * auto_activate and force_cpu_rendezvous, when, and what it records when it
 * puts back a value someone else set.
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

#include "kernel-settings.h"
#include "log.h"

#define RMM "6c0762a6-12f2-4b56-92cb-ba8f633606d9"

static char dir[64];
static KernelSettings *ks;

static int setup(void **state) {
        char path[128];

        (void) state;
        strcpy(dir, "/tmp/test-kernel-settings-XXXXXX");
        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/%s", dir, RMM);
        assert_int_equal(mkdir(path, 0755), 0);
        assert_int_equal(kernel_settings_new(&ks), 0);
        return 0;
}

static int teardown(void **state) {
        char cmd[128];

        (void) state;
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        assert_int_equal(system(cmd), 0);
        ks = kernel_settings_free(ks);
        return 0;
}

static void put(const char *attr, const char *value) {
        char path[192];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s/%s", dir, RMM, attr);
        f = fopen(path, "we");
        assert_non_null(f);
        fputs(value, f);
        assert_int_equal(fclose(f), 0);
}

static const char *get(const char *attr) {
        static char buf[64];
        char path[192];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s/%s", dir, RMM, attr);
        f = fopen(path, "re");
        if (!f)
                return NULL;
        buf[0] = 0;
        if (!fgets(buf, sizeof(buf), f))
                buf[0] = 0;
        fclose(f);
        return buf;
}

/* What kernel-settings keeps of RMM's last put-back setting. */
static const char *override(void) {
        return kernel_settings_get_override(ks, RMM);
}

/* A component snapshot as the inventory reads it. */
static Component *snapshot(bool auto_file, bool auto_activate, bool force) {
        Component *c = calloc(1, sizeof(*c));

        assert_non_null(c);
        strcpy(c->uuid, RMM);
        c->name = strdup("TF-RMM");
        c->auto_activate = auto_activate;
        c->force_cpu_rendezvous = force;
        c->features = auto_file ? DRIVER_FEATURE_AUTO_ACTIVATE : 0;
        put("force_cpu_rendezvous", force ? "1" : "0");
        if (auto_file)
                put("auto_activate", auto_activate ? "1" : "0");
        return c;
}

static void test_format(void **state) {
        _cleanup_free_ char *s = NULL;

        (void) state;
        assert_int_equal(kernel_settings_format_override("auto_activate", true, false,
                                                         1764867731 * USEC_PER_SEC, &s), 0);
        assert_string_equal(s, "auto_activate: found 1, wrote 0 at 2025-12-04 17:02:11 UTC");
}

static void test_appeared_default_values(void **state) {
        _cleanup_(component_freep) Component *c = snapshot(true, false, true);
        int r;

        (void) state;
        /* auto_activate 0 is written 0 anyway; force 1 with a policy of 1
         * needs no write; nobody else set anything. */
        put("auto_activate", "x");      /* proves the write */
        c->auto_activate = false;
        r = kernel_settings_apply(ks, dir, c, KERNEL_SETTINGS_APPEARED, true);
        assert_int_equal(r, 0);
        assert_string_equal(get("auto_activate"), "0");
        assert_string_equal(get("force_cpu_rendezvous"), "1");
        assert_null(override());

        /* A policy of skip: 0 written, the driver's default is no override. */
        component_free(c);
        kernel_settings_forget(ks, RMM);
        c = snapshot(true, false, true);
        r = kernel_settings_apply(ks, dir, c, KERNEL_SETTINGS_APPEARED, false);
        assert_int_equal(r, COMPONENT_CHANGED_FORCE_CPU_RENDEZVOUS);
        assert_string_equal(get("force_cpu_rendezvous"), "0");
        assert_false(c->force_cpu_rendezvous);
        assert_null(override());
}

static void test_auto_activate_found_set(void **state) {
        _cleanup_(component_freep) Component *c = snapshot(true, true, true);
        int r;

        (void) state;
        r = kernel_settings_apply(ks, dir, c, KERNEL_SETTINGS_APPEARED, true);
        assert_int_equal(r, COMPONENT_CHANGED_AUTO_ACTIVATE | COMPONENT_CHANGED_KERNEL_OVERRIDE);
        assert_string_equal(get("auto_activate"), "0");
        assert_false(c->auto_activate);
        assert_non_null(override());
        assert_true(strncmp(override(), "auto_activate: found 1, wrote 0 at ", 35) == 0);

        /* A re-read finding 0 writes nothing. */
        put("auto_activate", "x");
        r = kernel_settings_apply(ks, dir, c, KERNEL_SETTINGS_REREAD, true);
        assert_int_equal(r, 0);
        assert_string_equal(get("auto_activate"), "x");

        /* Someone sets it again: the next re-read puts it back. */
        c->auto_activate = true;
        put("auto_activate", "1");
        r = kernel_settings_apply(ks, dir, c, KERNEL_SETTINGS_REREAD, true);
        assert_int_equal(r, COMPONENT_CHANGED_AUTO_ACTIVATE | COMPONENT_CHANGED_KERNEL_OVERRIDE);
        assert_string_equal(get("auto_activate"), "0");
        assert_true(strncmp(override(), "auto_activate: found 1, wrote 0 at ", 35) == 0);

        /* A re-read never touches force_cpu_rendezvous. */
        put("force_cpu_rendezvous", "x");
        c->force_cpu_rendezvous = false;
        assert_int_equal(kernel_settings_apply(ks, dir, c, KERNEL_SETTINGS_REREAD, true), 0);
        assert_string_equal(get("force_cpu_rendezvous"), "x");
}

static void test_no_auto_activate_file(void **state) {
        _cleanup_(component_freep) Component *c = snapshot(false, false, true);

        (void) state;
        /* v1-based backports: nothing to write, nothing created. */
        assert_int_equal(kernel_settings_apply(ks, dir, c, KERNEL_SETTINGS_APPEARED, true), 0);
        assert_null(get("auto_activate"));
        assert_int_equal(kernel_settings_apply(ks, dir, c, KERNEL_SETTINGS_RELOADED, true), 0);
        assert_null(get("auto_activate"));
}

static void test_force_set_by_someone_else(void **state) {
        _cleanup_(component_freep) Component *c = snapshot(true, false, false);
        int r;

        (void) state;
        /* Found 0 where nobody but lfad writes 0 and the policy says 1. */
        r = kernel_settings_apply(ks, dir, c, KERNEL_SETTINGS_APPEARED, true);
        assert_int_equal(r, COMPONENT_CHANGED_FORCE_CPU_RENDEZVOUS | COMPONENT_CHANGED_KERNEL_OVERRIDE);
        assert_string_equal(get("force_cpu_rendezvous"), "1");
        assert_true(strncmp(override(), "force_cpu_rendezvous: found 0, wrote 1 at ", 42) == 0);

        /* A reload to skip: lfad's own new value, no new override. */
        r = kernel_settings_apply(ks, dir, c, KERNEL_SETTINGS_RELOADED, false);
        assert_int_equal(r, COMPONENT_CHANGED_FORCE_CPU_RENDEZVOUS);
        assert_string_equal(get("force_cpu_rendezvous"), "0");
        assert_true(strncmp(override(), "force_cpu_rendezvous: found 0, wrote 1 at ", 42) == 0);

        /* Someone writes 1 behind lfad's back; the activation puts 0 back. */
        c->force_cpu_rendezvous = true;
        put("force_cpu_rendezvous", "1");
        r = kernel_settings_apply(ks, dir, c, KERNEL_SETTINGS_ACTIVATION, false);
        assert_int_equal(r, COMPONENT_CHANGED_FORCE_CPU_RENDEZVOUS | COMPONENT_CHANGED_KERNEL_OVERRIDE);
        assert_string_equal(get("force_cpu_rendezvous"), "0");
        assert_true(strncmp(override(), "force_cpu_rendezvous: found 1, wrote 0 at ", 42) == 0);

        /* Written behind lfad's back after its last re-read: the snapshot
         * says 0, the file 1; the activation reads the file, puts 0 back
         * and says so. */
        c->force_cpu_rendezvous = false;
        put("force_cpu_rendezvous", "1");
        r = kernel_settings_apply(ks, dir, c, KERNEL_SETTINGS_ACTIVATION, false);
        assert_int_equal(r, COMPONENT_CHANGED_FORCE_CPU_RENDEZVOUS | COMPONENT_CHANGED_KERNEL_OVERRIDE);
        assert_string_equal(get("force_cpu_rendezvous"), "0");
        assert_false(c->force_cpu_rendezvous);

        /* A file that does not read 0 or 1 is written before an activation. */
        put("force_cpu_rendezvous", "x");
        c->force_cpu_rendezvous = false;
        assert_int_equal(kernel_settings_apply(ks, dir, c, KERNEL_SETTINGS_ACTIVATION, false), 0);
        assert_string_equal(get("force_cpu_rendezvous"), "0");
}

static void test_activation_write_fails(void **state) {
        _cleanup_(component_freep) Component *c = snapshot(true, false, true);
        char path[192];

        (void) state;
        snprintf(path, sizeof(path), "%s/%s/force_cpu_rendezvous", dir, RMM);
        assert_int_equal(unlink(path), 0);
        /* Not fatal at a re-read or reload: logged. */
        assert_int_equal(kernel_settings_apply(ks, dir, c, KERNEL_SETTINGS_RELOADED, false), 0);
        /* Fatal before an activation: it must not run on a value lfad did
         * not set. */
        assert_int_equal(kernel_settings_apply(ks, dir, c, KERNEL_SETTINGS_ACTIVATION, false), -ENOENT);
}

#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_format),
                T(test_appeared_default_values),
                T(test_auto_activate_found_set),
                T(test_no_auto_activate_file),
                T(test_force_set_by_someone_else),
                T(test_activation_write_fails),
        };

        log_open();
        return cmocka_run_group_tests(tests, NULL, NULL);
}
