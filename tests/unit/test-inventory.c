/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inventory: the value parsers over good, garbage and overflowing input, and
 * components read from a fake /sys/firmware/lfa in a temporary directory
 * (what `lfad --sysfs=` points at), including a garbage value that marks one
 * component and hides nothing else.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "inventory.h"

#define BL31 "47d4086d-4cfe-9846-9b95-2950cbbd5a00"
#define RMM  "6c0762a6-12f2-4b56-92cb-ba8f633606d9"

static void bool_one(const char *in, int ret, bool expected) {
        bool b = !expected;
        int r = parse_lfa_bool(in, &b);

        if (r != ret)
                fail_msg("parse_lfa_bool('%s') = %d, expected %d", in, r, ret);
        if (r == 0)
                assert_int_equal(b, expected);
}

static void test_parse_bool(void **state) {
        (void) state;
        bool_one("0", 0, false);
        bool_one("1", 0, true);
        bool_one("", -EINVAL, false);
        bool_one("2", -EINVAL, false);
        bool_one("01", -EINVAL, false);
        bool_one("yes", -EINVAL, false);
        bool_one(" 1", -EINVAL, false);
        bool_one("1\n", -EINVAL, false); /* the reader strips the one newline */
        bool_one(NULL, -EINVAL, false);
}

static void u64_one(const char *in, int ret, uint64_t expected) {
        uint64_t v = 4242;
        int r = parse_lfa_u64(in, &v);

        if (r != ret)
                fail_msg("parse_lfa_u64('%s') = %d, expected %d", in, r, ret);
        assert_int_equal(v, r == 0 ? expected : 4242);
}

static void test_parse_u64(void **state) {
        (void) state;
        u64_one("0", 0, 0);
        u64_one("42", 0, 42);
        u64_one("18446744073709551615", 0, UINT64_MAX);
        u64_one("18446744073709551616", -ERANGE, 0);
        u64_one("99999999999999999999999999", -ERANGE, 0);
        u64_one("-1", -EINVAL, 0);
        u64_one("+1", -EINVAL, 0);
        u64_one(" 1", -EINVAL, 0);
        u64_one("1 ", -EINVAL, 0);
        u64_one("0x10", -EINVAL, 0);
        u64_one("", -EINVAL, 0);
        u64_one("abc", -EINVAL, 0);
}

static void version_one(const char *in, int ret, bool known, uint32_t major, uint32_t minor) {
        LfaVersion v = { .known = true, .major = 77, .minor = 77 };
        int r = parse_lfa_version(in, &v);

        if (r != ret)
                fail_msg("parse_lfa_version('%s') = %d, expected %d", in, r, ret);
        if (r < 0) {
                assert_int_equal(v.major, 77);
                return;
        }
        assert_int_equal(v.known, known);
        assert_int_equal(v.major, major);
        assert_int_equal(v.minor, minor);
}

static void test_parse_version(void **state) {
        char buf[24];
        LfaVersion v = { .known = true, .major = 4294967295U, .minor = 0 };

        (void) state;
        version_one("N/A", 0, false, 0, 0);
        version_one("1.0", 0, true, 1, 0);
        version_one("2.13", 0, true, 2, 13);
        version_one("4294967295.4294967295", 0, true, UINT32_MAX, UINT32_MAX);
        version_one("4294967296.0", -ERANGE, false, 0, 0);
        version_one("1.4294967296", -ERANGE, false, 0, 0);
        version_one("1.99999999999999999999", -ERANGE, false, 0, 0);
        version_one("1", -EINVAL, false, 0, 0);
        version_one("1.", -EINVAL, false, 0, 0);
        version_one(".1", -EINVAL, false, 0, 0);
        version_one("1.2.3", -EINVAL, false, 0, 0);
        version_one("n/a", -EINVAL, false, 0, 0);
        version_one("1.-2", -EINVAL, false, 0, 0);
        version_one("", -EINVAL, false, 0, 0);
        assert_string_equal(lfa_version_to_string(&v, buf), "4294967295.0");
        v.known = false;
        assert_string_equal(lfa_version_to_string(&v, buf), "N/A");
}

static void last_error_one(const char *in, int ret, int error, const char *code, int64_t x0, const char *call) {
        LfaLastError e = {};
        int r = parse_lfa_last_error(in, &e);

        if (r != ret)
                fail_msg("parse_lfa_last_error('%s') = %d, expected %d", in, r, ret);
        if (r < 0 || !code)
                return;
        assert_true(e.set);
        assert_int_equal(e.error, error);
        assert_string_equal(e.lfa_code, code);
        assert_int_equal(e.raw_x0, x0);
        assert_string_equal(e.call, call);
}

static void test_parse_last_error(void **state) {
        LfaLastError e = { .set = true };

        (void) state;
        assert_int_equal(parse_lfa_last_error("", &e), 0);
        assert_false(e.set);
        last_error_one("EKEYREJECTED AUTH_ERROR -3 PRIME", 0, EKEYREJECTED, "AUTH_ERROR", -3, "PRIME");
        last_error_one("EIO UNKNOWN -35 PRIME", 0, EIO, "UNKNOWN", -35, "PRIME");
        last_error_one("ETIMEDOUT NONE 0 ACTIVATE", 0, ETIMEDOUT, "NONE", 0, "ACTIVATE");
        last_error_one("ECANCELED NONE 0 PRIME", 0, ECANCELED, "NONE", 0, "PRIME");
        last_error_one("EREMOTEIO ACTIVATION_FAILED -11 ACTIVATE", 0, EREMOTEIO, "ACTIVATION_FAILED", -11, "ACTIVATE");
        last_error_one("ENOTRECOVERABLE CRITICAL_ERROR -5 ACTIVATE", 0, ENOTRECOVERABLE, "CRITICAL_ERROR", -5, "ACTIVATE");
        last_error_one("EIO UNKNOWN -9223372036854775808 PRIME", 0, EIO, "UNKNOWN", INT64_MIN, "PRIME");
        last_error_one("EIO UNKNOWN -9223372036854775809 PRIME", -ERANGE, 0, NULL, 0, NULL);
        last_error_one("EWHAT AUTH_ERROR -3 PRIME", -EINVAL, 0, NULL, 0, NULL);
        last_error_one("EKEYREJECTED AUTH_ERROR -3", -EINVAL, 0, NULL, 0, NULL);
        last_error_one("EKEYREJECTED AUTH_ERROR -3 PRIME extra", -EINVAL, 0, NULL, 0, NULL);
        last_error_one("EKEYREJECTED  AUTH_ERROR -3 PRIME", -EINVAL, 0, NULL, 0, NULL);
        last_error_one("EKEYREJECTED auth_error -3 PRIME", -EINVAL, 0, NULL, 0, NULL);
        last_error_one("EKEYREJECTED AUTH_ERROR x3 PRIME", -EINVAL, 0, NULL, 0, NULL);
        last_error_one("\x01\x02\x03", -EINVAL, 0, NULL, 0, NULL);
}

static void test_uuid(void **state) {
        char u[UUID_STRING_MAX];

        (void) state;
        assert_true(uuid_is_valid(BL31));
        assert_true(uuid_is_valid("47D4086D-4CFE-9846-9B95-2950CBBD5A00"));
        assert_false(uuid_is_valid("47d4086d4cfe98469b952950cbbd5a00"));
        assert_false(uuid_is_valid("47d4086d-4cfe-9846-9b95-2950cbbd5a0"));
        assert_false(uuid_is_valid("47d4086d-4cfe-9846-9b95-2950cbbd5a000"));
        assert_false(uuid_is_valid("g7d4086d-4cfe-9846-9b95-2950cbbd5a00"));
        assert_false(uuid_is_valid(""));
        assert_false(uuid_is_valid(NULL));
        assert_int_equal(uuid_normalize("47D4086D-4CFE-9846-9B95-2950CBBD5A00", u), 0);
        assert_string_equal(u, BL31);
        assert_int_equal(uuid_normalize("version", u), -EINVAL);
}

/*
 * lfa.ko's files of a vanished component give -ENODEV until its directory
 * goes (the ABI file; the removal runs as work after the refresh). A plain
 * file cannot: read() below, which the inventory's calls reach before
 * libc's, answers so for the files of enodev_uuid.
 */
static const char *enodev_uuid;

ssize_t read(int fd, void *buf, size_t n) {
        char proc[64], path[512];
        ssize_t k;

        if (enodev_uuid) {
                snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
                k = readlink(proc, path, sizeof(path) - 1);
                if (k > 0) {
                        path[k] = 0;
                        if (strstr(path, enodev_uuid)) {
                                errno = ENODEV;
                                return -1;
                        }
                }
        }
        return syscall(SYS_read, fd, buf, n);
}

/* A fake sysfs root in a temporary directory. */
typedef struct Fake {
        char root[64];
} Fake;

static void fake_attr(Fake *f, const char *uuid, const char *attr, const char *value) {
        char path[256];
        FILE *o;

        if (uuid) {
                snprintf(path, sizeof(path), "%s/%s", f->root, uuid);
                (void) mkdir(path, 0755);
                snprintf(path, sizeof(path), "%s/%s/%s", f->root, uuid, attr);
        } else
                snprintf(path, sizeof(path), "%s/%s", f->root, attr);
        o = fopen(path, "we");
        assert_non_null(o);
        fputs(value, o);
        assert_int_equal(fclose(o), 0);
}

static void fake_component(Fake *f, const char *uuid) {
        fake_attr(f, uuid, "name", "TF-RMM\n");
        fake_attr(f, uuid, "seq_id", "2\n");
        fake_attr(f, uuid, "current_version", "1.3\n");
        fake_attr(f, uuid, "pending_version", "1.4\n");
        fake_attr(f, uuid, "activation_capable", "1\n");
        fake_attr(f, uuid, "activation_pending", "1\n");
        fake_attr(f, uuid, "may_reset_cpu", "0\n");
        fake_attr(f, uuid, "cpu_rendezvous", "0\n");
        fake_attr(f, uuid, "force_cpu_rendezvous", "1\n");
        fake_attr(f, uuid, "state", "idle\n");
        fake_attr(f, uuid, "last_error", "");
}

static int fake_setup(void **state) {
        Fake *f = calloc(1, sizeof(*f));

        assert_non_null(f);
        strcpy(f->root, "/tmp/test-inventory-XXXXXX");
        assert_non_null(mkdtemp(f->root));
        fake_attr(f, NULL, "version", "1.0\n");
        fake_attr(f, NULL, "refresh", "");
        *state = f;
        return 0;
}

static int fake_teardown(void **state) {
        Fake *f = *state;
        char cmd[128];

        enodev_uuid = NULL; /* a failed test_read_vanishing left it set */
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
        assert_int_equal(system(cmd), 0);
        free(f);
        return 0;
}

static void test_read_good(void **state) {
        Fake *f = *state;
        _cleanup_(component_freep) Component *c = NULL;
        _cleanup_free_ char *version = NULL;

        fake_component(f, RMM);
        assert_int_equal(inventory_read_component(f->root, RMM, &c), 0);
        assert_null(c->parse_error);
        assert_string_equal(c->uuid, RMM);
        assert_string_equal(c->name, "TF-RMM");
        assert_int_equal(c->seq_id, 2);
        assert_true(c->current_version.known);
        assert_int_equal(c->current_version.minor, 3);
        assert_int_equal(c->pending_version.minor, 4);
        assert_true(c->activation_capable);
        assert_true(c->activation_pending);
        assert_false(c->may_reset_cpu);
        assert_false(c->cpu_rendezvous);
        assert_true(c->force_cpu_rendezvous);
        assert_int_equal(c->state, COMPONENT_STATE_IDLE);
        assert_string_equal(c->last_error_raw, "");
        assert_false(c->last_error.set);

        assert_int_equal(inventory_read_abi_version(f->root, &version), 0);
        assert_string_equal(version, "1.0");

        /* Upper case in, lowercase key out. */
        component_free(TAKE_PTR(c));
        assert_int_equal(inventory_read_component(f->root, "6C0762A6-12F2-4B56-92CB-BA8F633606D9", &c), -ENOENT);
}

/* After a refresh: what a refresh may change is read, the rest is lfad's
 * copy; a component known with garbage is read whole. */
static void test_reread_refreshed(void **state) {
        Fake *f = *state;
        _cleanup_(component_freep) Component *known = NULL, *c = NULL, *whole = NULL;
        char cmd[256];

        fake_component(f, RMM);
        fake_attr(f, RMM, "auto_activate", "0\n");
        assert_int_equal(inventory_read_component(f->root, RMM, &known), 0);
        fake_attr(f, RMM, "seq_id", "3\n");
        fake_attr(f, RMM, "current_version", "1.4\n");
        fake_attr(f, RMM, "pending_version", "1.5\n");
        fake_attr(f, RMM, "activation_capable", "0\n");
        fake_attr(f, RMM, "activation_pending", "0\n");
        fake_attr(f, RMM, "may_reset_cpu", "1\n");
        fake_attr(f, RMM, "cpu_rendezvous", "1\n");
        fake_attr(f, RMM, "state", "primed\n");
        /* lfad's guard: a 1 is seen, to be put back. */
        fake_attr(f, RMM, "auto_activate", "1\n");
        /* Not a refresh's: never read by this re-read. */
        fake_attr(f, RMM, "name", "renamed\n");
        fake_attr(f, RMM, "force_cpu_rendezvous", "0\n");
        fake_attr(f, RMM, "last_error", "garbage\n");

        assert_int_equal(inventory_reread_component(f->root, known, &c), 0);
        assert_null(c->parse_error);
        assert_string_equal(c->uuid, RMM);
        assert_int_equal(c->seq_id, 3);
        assert_int_equal(c->current_version.minor, 4);
        assert_int_equal(c->pending_version.minor, 5);
        assert_false(c->activation_capable);
        assert_false(c->activation_pending);
        assert_true(c->may_reset_cpu);
        assert_true(c->cpu_rendezvous);
        assert_int_equal(c->state, COMPONENT_STATE_PRIMED);
        assert_string_equal(c->name, "TF-RMM");
        assert_true(c->force_cpu_rendezvous);
        assert_true(c->auto_activate);
        assert_string_equal(c->last_error_raw, "");
        assert_int_equal(c->features, known->features);

        /* Garbage in what it reads: said, like a full read. */
        fake_attr(f, RMM, "pending_version", "x.y\n");
        component_free(TAKE_PTR(c));
        assert_int_equal(inventory_reread_component(f->root, known, &c), 0);
        assert_non_null(c->parse_error);
        assert_int_equal(strncmp(c->parse_error, "pending_version: ", 17), 0);

        /* Known with garbage: read whole, the garbage found where it is. */
        fake_attr(f, RMM, "pending_version", "1.5\n");
        assert_int_equal(inventory_reread_component(f->root, c, &whole), 0);
        assert_non_null(whole->parse_error);
        assert_int_equal(strncmp(whole->parse_error, "last_error: ", 12), 0);
        assert_string_equal(whole->name, "renamed");

        /* Gone: a removal. */
        snprintf(cmd, sizeof(cmd), "rm -rf '%s/%s'", f->root, RMM);
        assert_int_equal(system(cmd), 0);
        component_free(TAKE_PTR(whole));
        assert_int_equal(inventory_reread_component(f->root, known, &whole), -ENOENT);
        assert_null(whole);
}

static void test_read_vanishing(void **state) {
        Fake *f = *state;
        _cleanup_(component_freep) Component *c = NULL;

        /* Its directory still there, its files -ENODEV: a removal, never a
         * component with garbage (and the safe defaults as its values). */
        fake_component(f, RMM);
        enodev_uuid = RMM;
        assert_int_equal(inventory_read_component(f->root, RMM, &c), -ENOENT);
        enodev_uuid = NULL;
        assert_null(c);
        assert_int_equal(inventory_read_component(f->root, RMM, &c), 0);
        assert_null(c->parse_error);
}

static void test_read_versions_na_and_error(void **state) {
        Fake *f = *state;
        _cleanup_(component_freep) Component *c = NULL;

        fake_component(f, BL31);
        fake_attr(f, BL31, "current_version", "N/A\n");
        fake_attr(f, BL31, "pending_version", "N/A\n");
        fake_attr(f, BL31, "activation_pending", "0\n");
        fake_attr(f, BL31, "state", "primed\n");
        fake_attr(f, BL31, "last_error", "EKEYREJECTED AUTH_ERROR -3 PRIME\n");
        assert_int_equal(inventory_read_component(f->root, BL31, &c), 0);
        assert_null(c->parse_error);
        assert_false(c->current_version.known);
        assert_int_equal(c->state, COMPONENT_STATE_PRIMED);
        assert_true(c->last_error.set);
        assert_int_equal(c->last_error.error, EKEYREJECTED);
        assert_string_equal(c->last_error.lfa_code, "AUTH_ERROR");
        assert_string_equal(c->last_error_raw, "EKEYREJECTED AUTH_ERROR -3 PRIME");
}

typedef struct GarbageCase {
        const char *attr;
        const char *value;
        const char *error;
} GarbageCase;

static void test_read_garbage(void **state) {
        static const GarbageCase cases[] = {
                { "seq_id", "x\n", "seq_id: invalid value 'x'" },
                { "seq_id", "18446744073709551616\n", "seq_id: invalid value '18446744073709551616' (out of range)" },
                { "seq_id", "1\n\n", "seq_id: invalid value '1\\x0a'" },
                { "state", "idle\x1b[2J\n", "state: invalid value 'idle\\x1b[2J'" },
                { "state", "\xc3\xa9t\xc3\xa9\n", "state: invalid value '\\xc3\\xa9t\\xc3\\xa9'" },
                { "current_version", "1.x\n", "current_version: invalid value '1.x'" },
                { "pending_version", "4294967296.1\n", "pending_version: invalid value '4294967296.1' (out of range)" },
                { "activation_capable", "yes\n", "activation_capable: invalid value 'yes'" },
                { "activation_pending", "\n", "activation_pending: invalid value ''" },
                { "may_reset_cpu", "2\n", "may_reset_cpu: invalid value '2'" },
                { "cpu_rendezvous", "-1\n", "cpu_rendezvous: invalid value '-1'" },
                { "force_cpu_rendezvous", "01\n", "force_cpu_rendezvous: invalid value '01'" },
                { "state", "running\n", "state: invalid value 'running'" },
                { "last_error", "garbage\n", "last_error: invalid value 'garbage'" },
        };
        Fake *f = *state;

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(component_freep) Component *good = NULL, *bad = NULL;

                fake_component(f, RMM);
                fake_component(f, BL31);
                fake_attr(f, RMM, cases[i].attr, cases[i].value);
                assert_int_equal(inventory_read_component(f->root, RMM, &bad), 0);
                assert_non_null(bad->parse_error);
                if (strcmp(bad->parse_error, cases[i].error) != 0)
                        fail_msg("%s: got '%s', expected '%s'", cases[i].attr, bad->parse_error, cases[i].error);
                /* The neighbour is unaffected. */
                assert_int_equal(inventory_read_component(f->root, BL31, &good), 0);
                assert_null(good->parse_error);
        }
}

static void test_read_missing_and_huge(void **state) {
        Fake *f = *state;
        _cleanup_(component_freep) Component *c = NULL;
        char path[256], big[600];

        fake_component(f, RMM);
        snprintf(path, sizeof(path), "%s/%s/may_reset_cpu", f->root, RMM);
        assert_int_equal(unlink(path), 0);
        assert_int_equal(inventory_read_component(f->root, RMM, &c), 0);
        assert_string_equal(c->parse_error, "may_reset_cpu: cannot read: No such file or directory");
        /* Until proven otherwise, the risky reading. */
        assert_true(c->may_reset_cpu);
        component_free(TAKE_PTR(c));

        fake_component(f, RMM);
        memset(big, 'n', sizeof(big) - 1);
        big[sizeof(big) - 1] = 0;
        fake_attr(f, RMM, "name", big);
        assert_int_equal(inventory_read_component(f->root, RMM, &c), 0);
        assert_string_equal(c->parse_error, "name: cannot read: File too large");
        component_free(TAKE_PTR(c));

        fake_component(f, RMM);
        assert_int_equal(inventory_read_component(f->root, "00000000-0000-0000-0000-000000000000", &c), -ENOENT);
        assert_int_equal(inventory_read_component(f->root, "not-a-uuid", &c), -EINVAL);
}

/* More components than one thread reads: the batch gives, at each index,
 * what inventory_read_component() gives for that uuid, errors included. */
static void test_read_many(void **state) {
        enum { N = 300 };
        Fake *f = *state;
        char *uuids[N + 1] = {}, seq[32], path[256];
        Component *cs[N];
        int errors[N];

        for (size_t i = 0; i < N; i++) {
                assert_true(asprintf(&uuids[i], "%08zx-0000-4000-8000-%012zx", i, i) > 0);
                if (i == 7)
                        continue; /* listed, gone: -ENOENT */
                fake_component(f, uuids[i]);
                snprintf(seq, sizeof(seq), "%zu\n", i);
                fake_attr(f, uuids[i], "seq_id", seq);
        }
        snprintf(path, sizeof(path), "%s/%s/may_reset_cpu", f->root, uuids[11]);
        assert_int_equal(unlink(path), 0);

        inventory_read_components(f->root, uuids, N, cs, errors);
        for (size_t i = 0; i < N; i++) {
                if (i == 7) {
                        assert_int_equal(errors[i], -ENOENT);
                        assert_null(cs[i]);
                        continue;
                }
                assert_int_equal(errors[i], 0);
                assert_string_equal(cs[i]->uuid, uuids[i]);
                assert_int_equal(cs[i]->seq_id, i);
                if (i == 11)
                        assert_string_equal(cs[i]->parse_error, "may_reset_cpu: cannot read: No such file or directory");
                else
                        assert_null(cs[i]->parse_error);
                component_free(cs[i]);
        }
        for (size_t i = 0; i < N; i++)
                free(uuids[i]);
}

static void test_list(void **state) {
        Fake *f = *state;
        _cleanup_strv_free_ char **l = NULL, **none = NULL;
        char path[256];

        fake_component(f, RMM);
        fake_component(f, BL31);
        snprintf(path, sizeof(path), "%s/not-a-component", f->root);
        (void) mkdir(path, 0755);
        assert_int_equal(inventory_list(f->root, &l), 0);
        assert_int_equal(strv_length(l), 2);
        assert_string_equal(l[0], BL31); /* sorted */
        assert_string_equal(l[1], RMM);

        assert_int_equal(inventory_list("/nonexistent/lfa", &none), 0);
        assert_int_equal(strv_length(none), 0);
}

static void test_write_and_diff(void **state) {
        Fake *f = *state;
        _cleanup_(component_freep) Component *a = NULL, *b = NULL;

        fake_component(f, RMM);
        assert_int_equal(inventory_read_component(f->root, RMM, &a), 0);
        assert_int_equal(inventory_write_attribute(f->root, RMM, "force_cpu_rendezvous", "0"), 0);
        fake_attr(f, RMM, "activation_pending", "0\n");
        fake_attr(f, RMM, "current_version", "1.4\n");
        fake_attr(f, RMM, "pending_version", "N/A\n");
        fake_attr(f, RMM, "state", "activating\n");
        assert_int_equal(inventory_read_component(f->root, RMM, &b), 0);
        assert_false(b->force_cpu_rendezvous);
        assert_int_equal(component_diff(a, b),
                         COMPONENT_CHANGED_FORCE_CPU_RENDEZVOUS | COMPONENT_CHANGED_ACTIVATION_PENDING |
                         COMPONENT_CHANGED_CURRENT_VERSION | COMPONENT_CHANGED_PENDING_VERSION |
                         COMPONENT_CHANGED_STATE);
        assert_int_equal(component_diff(a, a), 0);

        component_update_from(a, b);
        assert_int_equal(a->state, COMPONENT_STATE_ACTIVATING);
        assert_null(b->name);

        assert_int_equal(inventory_write_attribute(f->root, NULL, "refresh", "1"), 0);
        assert_int_equal(inventory_write_attribute(f->root, BL31, "activate", "1"), -ENOENT);
}

static void test_state_strings(void **state) {
        (void) state;
        for (int i = 0; i < _COMPONENT_STATE_MAX; i++)
                assert_int_equal(component_state_from_string(component_state_to_string(i)), i);
        assert_int_equal(component_state_from_string("IDLE"), -EINVAL);
        assert_null(component_state_to_string(_COMPONENT_STATE_MAX));
}

/* The per-UUID arrays the scheduler and kernel-settings keep: sorted, found
 * by bisection, insertion and removal keep the rest in place and in order. */
typedef struct Entry {
        char uuid[UUID_STRING_MAX];
        int value;
} Entry;

static Entry *entry_put(Entry *base, size_t *n, const char *uuid, int value) {
        void *b = base;
        size_t before = *n;
        Entry *e;

        assert_null(uuid_array_find(base, *n, sizeof(*base), uuid));
        e = uuid_array_get(&b, n, sizeof(*e), uuid);
        assert_non_null(e);
        assert_int_equal(*n, before + 1);
        assert_string_equal(e->uuid, uuid);
        assert_int_equal(e->value, 0);          /* zeroed */
        e->value = value;
        /* Found again, not made twice. */
        assert_ptr_equal(uuid_array_get(&b, n, sizeof(*e), uuid), e);
        assert_ptr_equal(uuid_array_find(b, *n, sizeof(*e), uuid), e);
        assert_int_equal(*n, before + 1);
        return b;
}

static void test_uuid_array(void **state) {
        static const char *const uuids[] = {
                "c0000000-0000-0000-0000-000000000003",
                "a0000000-0000-0000-0000-000000000001",
                "f0000000-0000-0000-0000-000000000004",
                "b0000000-0000-0000-0000-000000000002",
        };
        Entry *a = NULL;
        size_t n = 0, i;
        bool found;

        (void) state;
        i = uuid_array_index(a, n, sizeof(*a), uuids[0], &found);
        assert_false(found);
        assert_int_equal(i, 0);
        for (size_t k = 0; k < 4; k++)
                a = entry_put(a, &n, uuids[k], (int) k + 10);
        assert_int_equal(n, 4);
        for (size_t k = 1; k < n; k++)
                assert_true(strcmp(a[k - 1].uuid, a[k].uuid) < 0);
        for (size_t k = 0; k < 4; k++) {
                i = uuid_array_index(a, n, sizeof(*a), uuids[k], &found);
                assert_true(found);
                assert_int_equal(a[i].value, (int) k + 10);
        }
        /* Where a missing one goes: between its neighbours. */
        i = uuid_array_index(a, n, sizeof(*a), "d0000000-0000-0000-0000-000000000000", &found);
        assert_false(found);
        assert_int_equal(i, 3);

        i = uuid_array_index(a, n, sizeof(*a), uuids[3], &found);
        uuid_array_remove(a, &n, sizeof(*a), i);
        assert_int_equal(n, 3);
        assert_string_equal(a[0].uuid, uuids[1]);
        assert_string_equal(a[1].uuid, uuids[0]);
        assert_int_equal(a[1].value, 10);
        assert_string_equal(a[2].uuid, uuids[2]);
        uuid_array_remove(a, &n, sizeof(*a), 2);
        uuid_array_remove(a, &n, sizeof(*a), 0);
        assert_int_equal(n, 1);
        assert_string_equal(a[0].uuid, uuids[0]);
        free(a);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_bool),
                cmocka_unit_test(test_parse_u64),
                cmocka_unit_test(test_parse_version),
                cmocka_unit_test(test_parse_last_error),
                cmocka_unit_test(test_uuid),
                cmocka_unit_test_setup_teardown(test_read_good, fake_setup, fake_teardown),
                cmocka_unit_test_setup_teardown(test_read_versions_na_and_error, fake_setup, fake_teardown),
                cmocka_unit_test_setup_teardown(test_read_garbage, fake_setup, fake_teardown),
                cmocka_unit_test_setup_teardown(test_reread_refreshed, fake_setup, fake_teardown),
                cmocka_unit_test_setup_teardown(test_read_vanishing, fake_setup, fake_teardown),
                cmocka_unit_test_setup_teardown(test_read_missing_and_huge, fake_setup, fake_teardown),
                cmocka_unit_test_setup_teardown(test_read_many, fake_setup, fake_teardown),
                cmocka_unit_test_setup_teardown(test_list, fake_setup, fake_teardown),
                cmocka_unit_test_setup_teardown(test_write_and_diff, fake_setup, fake_teardown),
                cmocka_unit_test(test_state_strings),
                cmocka_unit_test(test_uuid_array),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
