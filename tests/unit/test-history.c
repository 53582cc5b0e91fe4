/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * History: the record format (escaping, garbage rejected), append and read
 * back newest first, recovery from a torn last record (what a kill -9 in the
 * middle of a write leaves), the size bound, and the attempt in flight: on
 * disk before the write, found by the next open unless its row is in the
 * log, and settled from what the driver shows.
 */

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "history-record.h"
#include "history.h"

#define RMM "6c0762a6-12f2-4b56-92cb-ba8f633606d9"

static HistoryEntry sample(unsigned i) {
        static char msg[64];
        HistoryEntry e = {
                .uuid = RMM,
                .name = (char *) "TF-RMM",
                .action = (char *) "activate",
                .trigger = (char *) "auto",
                .version_before = (char *) "1.3",
                .version_after = (char *) "1.4",
                .rendezvous = true,
                .start = 1700000000000000ULL + i,
                .duration = 1234,
                .error = 0,
                .lfa_code = NULL,
                .message = msg,
        };

        snprintf(msg, sizeof(msg), "attempt %u", i);
        return e;
}

static void roundtrip_one(const HistoryEntry *in) {
        _cleanup_free_ char *line = NULL;
        HistoryEntry out = {};

        assert_int_equal(history_entry_format(in, &line), 0);
        /* One record is one line. */
        assert_non_null(strchr(line, '\n'));
        assert_ptr_equal(strchr(line, '\n'), line + strlen(line) - 1);
        assert_int_equal(history_entry_parse(line, &out), 0);
        assert_string_equal(out.uuid, in->uuid);
#define STR_EQ(f) do { if (in->f) assert_string_equal(out.f, in->f); else assert_null(out.f); } while (0)
        STR_EQ(name);
        STR_EQ(action);
        STR_EQ(trigger);
        STR_EQ(version_before);
        STR_EQ(version_after);
        STR_EQ(lfa_code);
        STR_EQ(message);
#undef STR_EQ
        assert_int_equal(out.rendezvous, in->rendezvous);
        assert_int_equal(out.start, in->start);
        assert_int_equal(out.duration, in->duration);
        assert_int_equal(out.error, in->error);
        history_entry_done(&out);
}

static void test_roundtrip(void **state) {
        HistoryEntry e = sample(1);

        (void) state;
        roundtrip_one(&e);
        e.error = -EKEYREJECTED;
        e.lfa_code = (char *) "AUTH_ERROR";
        e.message = (char *) "tabs\tnewlines\nbackslash\\ and - dashes";
        e.rendezvous = false;
        roundtrip_one(&e);
        e.name = (char *) "-";
        e.version_after = NULL;
        e.message = (char *) "";
        roundtrip_one(&e);
        e.name = (char *) "\\-\\\\t";
        e.start = UINT64_MAX >> 1;
        roundtrip_one(&e);
}

static void parse_bad_one(const char *line) {
        HistoryEntry out = {};

        if (history_entry_parse(line, &out) != -EBADMSG)
                fail_msg("accepted garbage: '%s'", line);
}

static void test_parse_garbage(void **state) {
        (void) state;
        parse_bad_one("");
        parse_bad_one("garbage");
        parse_bad_one("lfa1");
        parse_bad_one("lfa2\t" RMM "\tn\tactivate\tauto\t1\t2\t1\t1\t1\t0\t-\tm");
        parse_bad_one("lfa1\tnot-a-uuid-at-all-not-a-uuid-at-all\tn\tactivate\tauto\t1\t2\t1\t1\t1\t0\t-\tm");
        parse_bad_one("lfa1\t" RMM "\tn\tactivate\tauto\t1\t2\t2\t1\t1\t0\t-\tm");          /* rendezvous 2 */
        parse_bad_one("lfa1\t" RMM "\tn\tactivate\tauto\t1\t2\t1\t-1\t1\t0\t-\tm");         /* negative start */
        parse_bad_one("lfa1\t" RMM "\tn\tactivate\tauto\t1\t2\t1\t1\t1\t5\t-\tm");          /* positive error */
        parse_bad_one("lfa1\t" RMM "\tn\tactivate\tauto\t1\t2\t1\t1\t1\t-99999\t-\tm");     /* error out of range */
        parse_bad_one("lfa1\t" RMM "\tn\tactivate\tauto\t1\t2\t1\t99999999999999999999\t1\t0\t-\tm");
        parse_bad_one("lfa1\t" RMM "\tn\tactivate\tauto\t1\t2\t1\t1\t1\t0\t-\tm\textra");
        parse_bad_one("lfa1\t" RMM "\tn\tactivate\tauto\t1\t2\t1\t1\t1\t0\t-");             /* a field short */
        parse_bad_one("lfa1\t" RMM "\tn\\x\tactivate\tauto\t1\t2\t1\t1\t1\t0\t-\tm");       /* bad escape */
        parse_bad_one("lfa1\t" RMM "\ta-b\tactivate\tauto\t1\t2\t1\t1\t1\t0\t-\tm");        /* bare dash */
        parse_bad_one("lfa1\t" RMM "\tn\\\tactivate\tauto\t1\t2\t1\t1\t1\t0\t-\tm");        /* trailing backslash */
}

/* Random bytes and mutated records: never a crash, never a record with an
 * invalid UUID or a positive error. */
static void test_parse_fuzz(void **state) {
        HistoryEntry e = sample(5);
        _cleanup_free_ char *good = NULL;
        uint64_t x = 0x853c49e6748fea9bULL;
        char buf[512];

        (void) state;
        e.lfa_code = (char *) "AUTH_ERROR";
        e.error = -EKEYREJECTED;
        assert_int_equal(history_entry_format(&e, &good), 0);
        for (unsigned i = 0; i < 20000; i++) {
                size_t len;

                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                if (i % 2) {
                        len = x % (sizeof(buf) - 1);
                        for (size_t k = 0; k < len; k++)
                                buf[k] = (char) ((x >> (k % 56)) ^ k);
                } else {
                        len = strlen(good);
                        memcpy(buf, good, len);
                        buf[x % len] = (char) (x >> 32);
                        buf[(x >> 8) % len] = "\t\\-0\n"[(x >> 16) % 5];
                }
                buf[len] = 0;

                HistoryEntry out = {};
                if (history_entry_parse(buf, &out) == 0) {
                        assert_true(uuid_is_valid(out.uuid));
                        assert_true(out.error <= 0);
                        history_entry_done(&out);
                }
        }
}

typedef struct Dir {
        char path[64];
        char file[96];
} Dir;

static int dir_setup(void **state) {
        Dir *d = calloc(1, sizeof(*d));

        assert_non_null(d);
        strcpy(d->path, "/tmp/test-history-XXXXXX");
        assert_non_null(mkdtemp(d->path));
        snprintf(d->file, sizeof(d->file), "%s/state/history", d->path);
        *state = d;
        return 0;
}

static int dir_teardown(void **state) {
        Dir *d = *state;
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->path);
        assert_int_equal(system(cmd), 0);
        free(d);
        return 0;
}

static void state_dir(const Dir *d, char buf[static 96]) {
        snprintf(buf, 96, "%s/state", d->path);
}

static void test_append_read(void **state) {
        Dir *d = *state;
        _cleanup_(history_freep) History *h = NULL;
        HistoryEntry *entries = NULL;
        char sd[96];
        size_t n;

        state_dir(d, sd);
        assert_int_equal(history_open(sd, 100, &h), 0);
        assert_int_equal(history_read(h, 10, &entries, &n), 0);
        assert_int_equal(n, 0);
        history_entries_free(entries, n);

        for (unsigned i = 0; i < 5; i++) {
                HistoryEntry e = sample(i);

                assert_int_equal(history_append(h, &e), 0);
        }
        assert_int_equal(history_read(h, 3, &entries, &n), 0);
        assert_int_equal(n, 3);
        assert_string_equal(entries[0].message, "attempt 4"); /* newest first */
        assert_string_equal(entries[2].message, "attempt 2");
        history_entries_free(entries, n);

        /* Survives a reopen (a restart of lfad). */
        h = history_free(h);
        assert_int_equal(history_open(sd, 100, &h), 0);
        assert_int_equal(history_read(h, 0, &entries, &n), 0);
        assert_int_equal(n, 5);
        assert_string_equal(entries[4].message, "attempt 0");
        history_entries_free(entries, n);
}

static void append_raw(const char *file, const char *text) {
        int fd = open(file, O_WRONLY | O_APPEND | O_CLOEXEC);

        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
        close(fd);
}

static void test_torn_record(void **state) {
        Dir *d = *state;
        _cleanup_(history_freep) History *h = NULL;
        HistoryEntry *entries = NULL, e = sample(1);
        _cleanup_free_ char *line = NULL;
        struct stat st;
        char sd[96];
        size_t n;

        state_dir(d, sd);
        assert_int_equal(history_open(sd, 100, &h), 0);
        assert_int_equal(history_append(h, &e), 0);
        h = history_free(h);

        /* What a kill -9 halfway through the next write leaves. */
        e = sample(2);
        assert_int_equal(history_entry_format(&e, &line), 0);
        line[strlen(line) / 2] = 0;
        append_raw(d->file, line);

        assert_int_equal(history_open(sd, 100, &h), 0);
        assert_int_equal(stat(d->file, &st), 0);
        /* Cut back to the last complete record. */
        assert_int_equal(history_read(h, 0, &entries, &n), 0);
        assert_int_equal(n, 1);
        assert_string_equal(entries[0].message, "attempt 1");
        history_entries_free(entries, n);

        /* The next record starts on a clean line. */
        e = sample(3);
        assert_int_equal(history_append(h, &e), 0);
        assert_int_equal(history_read(h, 0, &entries, &n), 0);
        assert_int_equal(n, 2);
        assert_string_equal(entries[0].message, "attempt 3");
        history_entries_free(entries, n);
}

static void test_garbage_lines_skipped(void **state) {
        Dir *d = *state;
        _cleanup_(history_freep) History *h = NULL;
        HistoryEntry *entries = NULL, e = sample(7);
        char sd[96];
        size_t n;

        state_dir(d, sd);
        assert_int_equal(history_open(sd, 100, &h), 0);
        append_raw(d->file, "this is not a record\n\n\x01\x02\n");
        assert_int_equal(history_append(h, &e), 0);
        assert_int_equal(history_read(h, 0, &entries, &n), 0);
        assert_int_equal(n, 1);
        assert_string_equal(entries[0].message, "attempt 7");
        history_entries_free(entries, n);
}

static void test_bound(void **state) {
        Dir *d = *state;
        _cleanup_(history_freep) History *h = NULL;
        HistoryEntry *entries = NULL;
        char sd[96], tmp[128];
        size_t n;

        state_dir(d, sd);
        assert_int_equal(history_open(sd, 10, &h), 0);
        for (unsigned i = 0; i < 45; i++) {
                HistoryEntry e = sample(i);

                assert_int_equal(history_append(h, &e), 0);
        }
        /* Compacted to the newest 10 at 20 lines: never more than 2x. */
        assert_int_equal(history_read(h, 100, &entries, &n), 0);
        assert_true(n <= 10);
        assert_string_equal(entries[0].message, "attempt 44");
        history_entries_free(entries, n);

        FILE *f = fopen(d->file, "re");
        char buf[1024];
        unsigned lines = 0;

        assert_non_null(f);
        while (fgets(buf, sizeof(buf), f))
                lines++;
        fclose(f);
        assert_true(lines < 20);
        assert_true(lines >= 5);
        snprintf(tmp, sizeof(tmp), "%s.tmp", d->file);
        assert_int_equal(access(tmp, F_OK), -1);
}

static void attempt_file(const Dir *d, char buf[static 96]) {
        snprintf(buf, 96, "%s/state/attempt", d->path);
}

/* The attempt file stays; empty, it holds no attempt. */
static off_t file_size(const char *path) {
        struct stat st;

        return stat(path, &st) < 0 ? -1 : st.st_size;
}

static void test_attempt_in_flight(void **state) {
        Dir *d = *state;
        _cleanup_(history_freep) History *h = NULL;
        HistoryEntry *entries = NULL, e = sample(1), done;
        const HistoryEntry *u;
        char sd[96], af[96];
        size_t n;

        state_dir(d, sd);
        attempt_file(d, af);
        assert_int_equal(history_open(sd, 100, &h), 0);
        assert_null(history_unsettled(h));
        assert_int_equal(history_begin(h, &e), 0);
        assert_true(file_size(af) > 0);
        /* The process that wrote it is not the one that settles it. */
        assert_null(history_unsettled(h));

        /* kill -9: the next lfad finds it, with what it had. */
        h = history_free(h);
        assert_int_equal(history_open(sd, 100, &h), 0);
        u = history_unsettled(h);
        assert_non_null(u);
        assert_string_equal(u->uuid, RMM);
        assert_string_equal(u->trigger, "auto");
        assert_string_equal(u->version_before, "1.3");
        assert_string_equal(u->version_after, "1.4");
        assert_int_equal(u->start, e.start);

        done = *u;
        done.duration = 99;
        assert_int_equal(history_finish(h, &done), 0);
        assert_null(history_unsettled(h));
        assert_int_equal(file_size(af), 0);
        assert_int_equal(history_read(h, 0, &entries, &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(entries[0].duration, 99);
        history_entries_free(entries, n);

        h = history_free(h);
        assert_int_equal(history_open(sd, 100, &h), 0);
        assert_null(history_unsettled(h));
}

static void test_attempt_already_recorded(void **state) {
        Dir *d = *state;
        _cleanup_(history_freep) History *h = NULL;
        HistoryEntry e = sample(2), other = sample(3);
        char sd[96], af[96];

        state_dir(d, sd);
        attempt_file(d, af);
        assert_int_equal(history_open(sd, 100, &h), 0);
        assert_int_equal(history_begin(h, &e), 0);
        /* Died after the row, before the removal; a later row too. */
        assert_int_equal(history_append(h, &e), 0);
        assert_int_equal(history_append(h, &other), 0);
        h = history_free(h);
        assert_int_equal(history_open(sd, 100, &h), 0);
        assert_null(history_unsettled(h));
        assert_int_equal(file_size(af), 0);
}

static void test_attempt_garbage(void **state) {
        Dir *d = *state;
        _cleanup_(history_freep) History *h = NULL;
        HistoryEntry e = sample(4);
        char sd[96], af[96];
        int fd;

        state_dir(d, sd);
        attempt_file(d, af);
        assert_int_equal(history_open(sd, 100, &h), 0);
        assert_int_equal(history_begin(h, &e), 0);
        h = history_free(h);
        fd = open(af, O_WRONLY | O_TRUNC | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, "lfa1\tgarbage", 13), 13);
        close(fd);
        assert_int_equal(history_open(sd, 100, &h), 0);
        assert_null(history_unsettled(h));
        assert_int_equal(file_size(af), 0);
}

/* A crash while the record is written leaves a prefix of it, which may
 * parse: without its newline it is not a record, and the write to the
 * driver, which follows the sync, never began. */
static void test_attempt_torn(void **state) {
        Dir *d = *state;
        _cleanup_(history_freep) History *h = NULL;
        _cleanup_free_ char *line = NULL;
        HistoryEntry e = sample(5);
        char sd[96], af[96];
        int fd;

        state_dir(d, sd);
        attempt_file(d, af);
        assert_int_equal(history_entry_format(&e, &line), 0);
        assert_int_equal(line[strlen(line) - 1], '\n');
        assert_int_equal(history_open(sd, 100, &h), 0);
        h = history_free(h);
        fd = open(af, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, line, strlen(line) - 1), (ssize_t) strlen(line) - 1);
        close(fd);
        assert_int_equal(history_open(sd, 100, &h), 0);
        assert_null(history_unsettled(h));
        assert_int_equal(file_size(af), 0);
}

/* Reopen with e in flight and settle it against c. */
static int settle_one(const Dir *d, const HistoryEntry *e, const Component *c, usec_t now, usec_t deadline,
                      HistorySettlement *ret) {
        _cleanup_(history_freep) History *h = NULL;
        char sd[96];

        state_dir(d, sd);
        assert_int_equal(history_open(sd, 100, &h), 0);
        if (!history_unsettled(h))
                assert_int_equal(history_begin(h, e), 0);
        h = history_free(h);
        assert_int_equal(history_open(sd, 100, &h), 0);
        assert_non_null(history_unsettled(h));
        return history_settle(h, c, now, deadline, ret);
}

static void test_settle(void **state) {
        Dir *d = *state;
        HistoryEntry e = sample(5), *entries = NULL;
        _cleanup_(history_freep) History *h = NULL;
        Component c = {
                .current_version = { true, 1, 3 },
                .pending_version = { true, 1, 4 },
                .activation_pending = true,
                .state = COMPONENT_STATE_ACTIVATING,
                .features = DRIVER_FEATURE_STATE | DRIVER_FEATURE_LAST_ERROR,
        };
        HistorySettlement s;
        usec_t now = e.start + 5 * USEC_PER_SEC;
        char sd[96];
        size_t n;

        /* lfa.ko: the state says it runs. */
        assert_int_equal(settle_one(d, &e, &c, now, now + 1, &s), -EAGAIN);
        /* It failed: last_error, cleared when the sequence started. */
        c.state = COMPONENT_STATE_IDLE;
        assert_int_equal(parse_lfa_last_error("EKEYREJECTED AUTH_ERROR -3 PRIME", &c.last_error), 0);
        assert_int_equal(settle_one(d, &e, &c, now, now + 1, &s), 0);
        assert_int_equal(s.error, -EKEYREJECTED);
        /* A new attempt (the same one would be found in the log). */
        e.start++;
        assert_string_equal(s.lfa_code, "AUTH_ERROR");

        /* It succeeded: the attempted version runs. */
        c.last_error = (LfaLastError) {};
        c.current_version = (LfaVersion) { true, 1, 4 };
        c.activation_pending = false;
        assert_int_equal(settle_one(d, &e, &c, now, now + 1, &s), 0);
        assert_int_equal(s.error, 0);
        e.start++;

        /* Upstream's driver, no state: pending still, wait for its bound. */
        c.features = 0;
        c.current_version = (LfaVersion) { true, 1, 3 };
        c.activation_pending = true;
        assert_int_equal(settle_one(d, &e, &c, now, now + 1, &s), -EAGAIN);
        assert_int_equal(settle_one(d, &e, &c, now + 1, now + 1, &s), 0);
        assert_int_equal(s.error, -ECANCELED);
        assert_string_equal(s.lfa_code, "UNKNOWN");

        /* The rows keep trigger, versions and start; the duration runs to
         * when lfad found the end. */
        state_dir(d, sd);
        assert_int_equal(history_open(sd, 100, &h), 0);
        assert_int_equal(history_read(h, 0, &entries, &n), 0);
        assert_int_equal(n, 3);
        for (size_t i = 0; i < n; i++) {
                assert_string_equal(entries[i].trigger, "auto");
                assert_string_equal(entries[i].version_before, "1.3");
                assert_string_equal(entries[i].version_after, "1.4");
                assert_int_equal(entries[i].start, e.start - i);
        }
        assert_int_equal(entries[0].duration, now + 1 - e.start);
        assert_int_equal(entries[1].error, 0);
        assert_int_equal(entries[2].error, -EKEYREJECTED);
        history_entries_free(entries, n);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_roundtrip),
                cmocka_unit_test(test_parse_garbage),
                cmocka_unit_test(test_parse_fuzz),
                cmocka_unit_test_setup_teardown(test_append_read, dir_setup, dir_teardown),
                cmocka_unit_test_setup_teardown(test_torn_record, dir_setup, dir_teardown),
                cmocka_unit_test_setup_teardown(test_garbage_lines_skipped, dir_setup, dir_teardown),
                cmocka_unit_test_setup_teardown(test_bound, dir_setup, dir_teardown),
                cmocka_unit_test_setup_teardown(test_attempt_in_flight, dir_setup, dir_teardown),
                cmocka_unit_test_setup_teardown(test_attempt_already_recorded, dir_setup, dir_teardown),
                cmocka_unit_test_setup_teardown(test_attempt_garbage, dir_setup, dir_teardown),
                cmocka_unit_test_setup_teardown(test_attempt_torn, dir_setup, dir_teardown),
                cmocka_unit_test_setup_teardown(test_settle, dir_setup, dir_teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
