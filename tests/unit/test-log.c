/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log: the errno name table the driver's last_error and LFA_ERRNO= are read
 * with (every errno of the driver's errno table, admin-guide/lfa.rst), and
 * the return value convention of log_*_errno().
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "log.h"

static void name_one(int error, const char *name) {
        const char *got = errno_name(error);

        if (!got || strcmp(got, name) != 0)
                fail_msg("errno_name(%d) = %s, expected %s", error, strna(got), name);
        assert_string_equal(errno_name(-error), name);
        assert_int_equal(errno_from_name(name), error);
}

static void test_abi_errno_table(void **state) {
        (void) state;
        /* The errno table of driver/Documentation/admin-guide/lfa.rst,
         * firmware codes first. */
        name_one(EOPNOTSUPP, "EOPNOTSUPP");
        name_one(EBUSY, "EBUSY");
        name_one(EKEYREJECTED, "EKEYREJECTED");
        name_one(ENOMEM, "ENOMEM");
        name_one(ENOTRECOVERABLE, "ENOTRECOVERABLE");
        name_one(EIO, "EIO");
        name_one(EPROTO, "EPROTO");
        name_one(EINVAL, "EINVAL");
        name_one(EBADFD, "EBADFD");
        name_one(EFAULT, "EFAULT");
        name_one(EREMOTEIO, "EREMOTEIO");
        /* ... and the driver's own. */
        name_one(EPERM, "EPERM");
        name_one(ENODATA, "ENODATA");
        name_one(EALREADY, "EALREADY");
        name_one(ETIMEDOUT, "ETIMEDOUT");
        name_one(ECANCELED, "ECANCELED");
        name_one(ENODEV, "ENODEV");
        name_one(EINTR, "EINTR");
}

static void test_unknown_names(void **state) {
        (void) state;
        assert_null(errno_name(0));
        assert_null(errno_name(4095));
        assert_int_equal(errno_from_name("ENOTSUP"), EOPNOTSUPP);
        assert_int_equal(errno_from_name("EWHATEVER"), -EINVAL);
        assert_int_equal(errno_from_name("eio"), -EINVAL);
        assert_int_equal(errno_from_name(""), -EINVAL);
        assert_int_equal(errno_from_name(NULL), -EINVAL);
}

static void test_log_errno_returns(void **state) {
        (void) state;
        log_set_max_level(LOG_ERR);
        /* Either sign in, negative out, errno set for %m. */
        assert_int_equal(log_error_errno(EIO, "test: %m"), -EIO);
        assert_int_equal(errno, EIO);
        assert_int_equal(log_error_errno(-EBUSY, "test: %m"), -EBUSY);
        /* Below the level: nothing printed, same return. */
        assert_int_equal(log_debug_errno(ENOENT, "not shown"), -ENOENT);
        assert_int_equal(log_oom(), -ENOMEM);
        assert_int_equal(log_get_max_level(), LOG_ERR);
        log_set_max_level(LOG_INFO);
}

static void escape_one(const char *in, const char *expected) {
        char out[ESCAPE_VALUE_MAX];

        assert_string_equal(escape_value(in, out), expected);
}

static void test_escape_value(void **state) {
        char long_in[200], long_out[ESCAPE_VALUE_MAX];

        (void) state;
        escape_one("", "");
        escape_one("plain text 1.2", "plain text 1.2");
        escape_one("a\nb\tc", "a\\x0ab\\x09c");
        escape_one("back\\slash", "back\\x5cslash");
        escape_one("\x7f\xff\x80", "\\x7f\\xff\\x80");
        /* At most 64 input bytes, all of them escaped at worst. */
        memset(long_in, '\x01', sizeof(long_in) - 1);
        long_in[sizeof(long_in) - 1] = 0;
        escape_value(long_in, long_out);
        assert_int_equal(strlen(long_out), 64 * 4);
        memset(long_in, 'x', sizeof(long_in) - 1);
        escape_value(long_in, long_out);
        assert_int_equal(strlen(long_out), 64);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_abi_errno_table),
                cmocka_unit_test(test_unknown_names),
                cmocka_unit_test(test_log_errno_returns),
                cmocka_unit_test(test_escape_value),
        };

        log_open();
        return cmocka_run_group_tests(tests, NULL, NULL);
}
