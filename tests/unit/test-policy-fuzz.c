/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Random and mutated input into the policy parser: it must never crash,
 * never accept a file with an error silently, and always explain a
 * rejection as "file:line: what" with a line inside the input. The seed is
 * fixed so a failure reproduces; LFA_FUZZ_ITERATIONS scales the run (the
 * valgrind suite lowers it).
 */

#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

/* xorshift64*: deterministic, independent of libc's rand(). */
static uint64_t rng(void) {
        rng_state ^= rng_state >> 12;
        rng_state ^= rng_state << 25;
        rng_state ^= rng_state >> 27;
        return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned iterations(void) {
        const char *e = getenv("LFA_FUZZ_ITERATIONS");
        unsigned long n = e ? strtoul(e, NULL, 10) : 0;

        return n > 0 ? (unsigned) n : 20000;
}

static size_t count_lines(const char *buf, size_t len) {
        size_t n = 1;

        for (size_t i = 0; i < len; i++)
                if (buf[i] == '\n')
                        n++;
        return n;
}

/* Parse buf; check the verdict has the promised shape. */
static void check_one(const char *buf, size_t len) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_free_ char *error = NULL;
        unsigned long line;
        char *end;
        FILE *f;
        int r;

        assert_int_equal(policy_new_default(&p), 0);
        f = fmemopen((void *) buf, len, "r");
        assert_non_null(f);
        r = policy_parse_stream(p, f, "f.conf", &error);
        fclose(f);

        if (r == 0) {
                assert_null(error);
                /* Whatever was accepted is within the documented ranges. */
                const PolicySettings *d = policy_get_defaults(p);
                size_t n;
                const PolicyComponent *pc = policy_get_components(p, &n);

                assert_true(d->auto_activate >= 0 && d->auto_activate < _AUTO_ACTIVATE_MAX);
                assert_true(d->retry_limit <= POLICY_RETRY_LIMIT_MAX);
                for (size_t i = 0; i < n; i++)
                        assert_true(uuid_is_valid(pc[i].uuid));
                return;
        }
        assert_int_equal(r, -EBADMSG);
        assert_non_null(error);
        if (strncmp(error, "f.conf:", 7) != 0)
                fail_msg("error without file name: %s", error);
        line = strtoul(error + 7, &end, 10);
        if (end == error + 7 || strncmp(end, ": ", 2) != 0 || end[2] == 0)
                fail_msg("error without line and message: %s", error);
        if (line < 1 || line > count_lines(buf, len))
                fail_msg("error names line %lu of %zu: %s", line, count_lines(buf, len), error);
}

static void test_random_bytes(void **state) {
        char buf[512];

        (void) state;
        for (unsigned i = 0; i < iterations(); i++) {
                size_t len = rng() % sizeof(buf);

                for (size_t k = 0; k < len; k++)
                        buf[k] = (char) (rng() & 0xff);
                check_one(buf, len);
        }
}

static const char *const tokens[] = {
        "[", "]", "=", "\n", " ", "\t", ";", "#", ":", "\r", "\\", "\0",
        "[Defaults]", "[Component ", "47d4086d-4cfe-9846-9b95-2950cbbd5a00",
        "AutoActivate", "CpuRendezvous", "PrimeAhead", "RetryLimit", "RetryDelaySec",
        "never", "immediate", "window", "force", "skip", "yes", "no",
        "0", "1", "100", "86400", "18446744073709551616", "-1", "\xEF\xBB\xBF",
};

/* Valid text with random tokens inserted, deleted or swapped in. */
static void test_mutated(void **state) {
        static const char seed[] =
                "# vendor defaults\n"
                "[Defaults]\n"
                "AutoActivate=window\n"
                "CpuRendezvous=force\n"
                "[Component 47d4086d-4cfe-9846-9b95-2950cbbd5a00]\n"
                "AutoActivate=immediate\n"
                "PrimeAhead=yes\n"
                "RetryLimit=3\n"
                "RetryDelaySec=60\n";
        char buf[1024];

        (void) state;
        check_one(seed, sizeof(seed) - 1);
        for (unsigned i = 0; i < iterations(); i++) {
                size_t len = sizeof(seed) - 1;
                unsigned edits = 1 + (unsigned) (rng() % 6);

                memcpy(buf, seed, len);
                for (unsigned e = 0; e < edits; e++) {
                        size_t at = len ? rng() % len : 0;
                        const char *t = tokens[rng() % ELEMENTSOF(tokens)];
                        size_t tl = t[0] ? strlen(t) : 1;

                        switch (rng() % 3) {
                        case 0: /* insert */
                                if (len + tl < sizeof(buf)) {
                                        memmove(buf + at + tl, buf + at, len - at);
                                        memcpy(buf + at, t, tl);
                                        len += tl;
                                }
                                break;
                        case 1: /* delete */
                                if (len > 0) {
                                        size_t n = 1 + rng() % 8;

                                        if (n > len - at)
                                                n = len - at;
                                        memmove(buf + at, buf + at + n, len - at - n);
                                        len -= n;
                                }
                                break;
                        default: /* flip one byte */
                                if (len > 0)
                                        buf[at] = (char) (rng() & 0xff);
                        }
                }
                check_one(buf, len);
        }
}

static void test_huge_line(void **state) {
        size_t len = 1 << 20;
        char *buf = malloc(len);

        (void) state;
        assert_non_null(buf);
        memset(buf, 'A', len);
        memcpy(buf, "[Defaults]\nAutoActivate=", 24);
        check_one(buf, len);
        free(buf);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_random_bytes),
                cmocka_unit_test(test_mutated),
                cmocka_unit_test(test_huge_line),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
