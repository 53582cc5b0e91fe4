/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lfa-messages: the journal MESSAGE_IDs are what `systemd-id128 new` gives
 * (random version-4 UUIDs, none made by hand), each is unique, lfad(8)
 * documents exactly the header's set, and every id that man/, tests/ (the e2e
 * scenarios), fleet/ or README search the journal for is one lfad logs.
 *
 * The header is read as text, so an id added later is checked without
 * touching this file; LFA_MESSAGE_ACTIVATION_FAILED, compiled in, keeps the
 * reader honest.
 */

#include <ftw.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <systemd/sd-messages.h>
#include "lfa-messages.h"

#define ID_LEN 32
#define IDS_MAX 64

typedef struct MessageId {
        char name[64];
        char id[ID_LEN + 1];
} MessageId;

static MessageId ids[IDS_MAX];
static size_t n_ids;

/* The first (at most) 32 characters of src. */
static void copy_id(char dst[static ID_LEN + 1], const char *src) {
        size_t l = strnlen(src, ID_LEN);

        memcpy(dst, src, l);
        dst[l] = 0;
}

static FILE *open_source(const char *rel) {
        char path[4096];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", LFA_SOURCE_ROOT, rel);
        f = fopen(path, "re");
        if (!f)
                fail_msg("cannot open %s: %m", path);
        return f;
}

static int load_header(void **state) {
        regex_t re;
        regmatch_t m[3];
        char line[512];
        FILE *f;

        (void) state;
        assert_int_equal(regcomp(&re, "^#define[[:space:]]+(LFA_MESSAGE_[A-Z0-9_]+)[[:space:]]+\"([^\"]*)\"",
                                 REG_EXTENDED), 0);
        f = open_source("daemon/lfa-messages.h");
        while (fgets(line, sizeof(line), f)) {
                if (regexec(&re, line, 3, m, 0) != 0)
                        continue;
                assert_true(n_ids < IDS_MAX);
                snprintf(ids[n_ids].name, sizeof(ids[n_ids].name), "%.*s",
                         (int) (m[1].rm_eo - m[1].rm_so), line + m[1].rm_so);
                /* A value of the wrong length keeps enough to fail below. */
                snprintf(ids[n_ids].id, sizeof(ids[n_ids].id), "%.*s",
                         (int) (m[2].rm_eo - m[2].rm_so), line + m[2].rm_so);
                n_ids++;
        }
        fclose(f);
        regfree(&re);
        return 0;
}

static const MessageId *find_id(const char *id) {
        for (size_t i = 0; i < n_ids; i++)
                if (strcmp(ids[i].id, id) == 0)
                        return &ids[i];
        return NULL;
}

static void test_header_read(void **state) {
        (void) state;
        assert_true(n_ids >= 15);
        assert_non_null(find_id(LFA_MESSAGE_ACTIVATION_FAILED));
}

static void test_ids_are_v4_uuids(void **state) {
        (void) state;
        for (size_t i = 0; i < n_ids; i++) {
                const char *id = ids[i].id;

                if (strlen(id) != ID_LEN || strspn(id, "0123456789abcdef") != ID_LEN)
                        fail_msg("%s: \"%s\" is not 32 lowercase hex digits", ids[i].name, id);
                /* RFC 9562: version nibble 4, variant bits 10. */
                if (id[12] != '4' || !strchr("89ab", id[16]))
                        fail_msg("%s: %s is not a version-4 UUID (systemd-id128 new)", ids[i].name, id);
        }
}

static void test_ids_unique(void **state) {
        (void) state;
        for (size_t i = 0; i < n_ids; i++)
                for (size_t j = i + 1; j < n_ids; j++)
                        if (strcmp(ids[i].id, ids[j].id) == 0)
                                fail_msg("%s and %s share %s", ids[i].name, ids[j].name, ids[i].id);
}

static bool shares_run(const char *a, const char *b, size_t len, bool self) {
        for (size_t i = 0; i + len <= ID_LEN; i++)
                for (size_t j = self ? i + 1 : 0; j + len <= ID_LEN; j++)
                        if (memcmp(a + i, b + j, len) == 0)
                                return true;
        return false;
}

/*
 * Ids typed by hand repeat themselves and each other and count up. For 122
 * random bits each of these has a chance below 1e-3 over the whole set.
 */
static void test_ids_unpatterned(void **state) {
        (void) state;
        for (size_t i = 0; i < n_ids; i++) {
                if (shares_run(ids[i].id, ids[i].id, 6, true))
                        fail_msg("%s: %s repeats six digits of itself", ids[i].name, ids[i].id);
                for (size_t j = i + 1; j < n_ids; j++)
                        if (shares_run(ids[i].id, ids[j].id, 8, false))
                                fail_msg("%s and %s share eight digits in a row", ids[i].name, ids[j].name);
        }
        for (size_t i = 0; i + 2 < n_ids; i++) {
                unsigned long a = strtoul(ids[i].id + ID_LEN - 2, NULL, 16);
                unsigned long b = strtoul(ids[i + 1].id + ID_LEN - 2, NULL, 16);
                unsigned long c = strtoul(ids[i + 2].id + ID_LEN - 2, NULL, 16);

                if (b == a + 1 && c == b + 1)
                        fail_msg("%s and the next two end in sequential bytes", ids[i].name);
        }
}

/* Every id of 32 hex digits right after one of PREFIXES in F. */
static size_t ids_after(FILE *f, const char *const *prefixes, char found[][ID_LEN + 1], size_t max) {
        char line[4096];
        size_t n = 0;

        while (fgets(line, sizeof(line), f))
                for (const char *const *p = prefixes; *p; p++)
                        for (char *s = strstr(line, *p); s; s = strstr(s + 1, *p)) {
                                const char *id = s + strlen(*p);

                                if (strspn(id, "0123456789abcdef") != ID_LEN)
                                        continue;
                                assert_true(n < max);
                                copy_id(found[n++], id);
                        }
        return n;
}

static void test_man_page_lists_exactly_the_header(void **state) {
        char found[IDS_MAX * 2][ID_LEN + 1];
        char line[4096];
        size_t n = 0;
        FILE *f;

        (void) state;
        /* The JOURNAL section's entries: a line that is "*<id>*". */
        f = open_source("man/lfad.8.scd");
        while (fgets(line, sizeof(line), f)) {
                if (line[0] != '*' || strspn(line + 1, "0123456789abcdef") != ID_LEN ||
                    strcmp(line + 1 + ID_LEN, "*\n") != 0)
                        continue;
                assert_true(n < IDS_MAX * 2);
                copy_id(found[n++], line + 1);
        }
        fclose(f);

        for (size_t i = 0; i < n; i++)
                if (!find_id(found[i]))
                        fail_msg("lfad(8) documents %s, which lfa-messages.h does not define", found[i]);
        for (size_t i = 0; i < n_ids; i++) {
                bool listed = false;

                for (size_t j = 0; j < n; j++)
                        listed = listed || strcmp(found[j], ids[i].id) == 0;
                if (!listed)
                        fail_msg("lfad(8) does not document %s (%s)", ids[i].name, ids[i].id);
        }
}

static const char *const search_prefixes[] = { "MESSAGE_ID=", "journal_has ", "journal_count ", NULL };
static size_t n_unknown, n_searched;

static bool is_text_source(const char *path) {
        static const char *const suffixes[] = { ".sh", ".scd", ".md", ".py", ".yml", ".yaml", NULL };
        size_t l = strlen(path);

        for (const char *const *s = suffixes; *s; s++)
                if (l > strlen(*s) && strcmp(path + l - strlen(*s), *s) == 0)
                        return true;
        return false;
}

/* systemd's own catalog ids that the e2e scenarios wait for (SD_MESSAGE_*
 * of <systemd/sd-messages.h>): not lfad's, but real. */
static bool is_systemd_id(const char *id) {
        static const char *const ids[] = {
                SD_MESSAGE_UNIT_STARTED_STR,
                NULL
        };

        for (const char *const *i = ids; *i; i++)
                if (strcmp(*i, id) == 0)
                        return true;
        return false;
}

static int check_file(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        char found[256][ID_LEN + 1];
        size_t n;
        FILE *f;

        (void) st;
        (void) ftw;
        if (type != FTW_F || !is_text_source(path))
                return 0;
        f = fopen(path, "re");
        if (!f)
                return 0;
        n = ids_after(f, search_prefixes, found, 256);
        fclose(f);
        for (size_t i = 0; i < n; i++) {
                n_searched++;
                if (!find_id(found[i]) && !is_systemd_id(found[i])) {
                        print_error("%s searches for %s, which lfad does not log\n", path, found[i]);
                        n_unknown++;
                }
        }
        return 0;
}

static void test_searched_ids_exist(void **state) {
        static const char *const dirs[] = { "man", "tests", "fleet", NULL };
        char path[4096];

        (void) state;
        for (const char *const *d = dirs; *d; d++) {
                snprintf(path, sizeof(path), "%s/%s", LFA_SOURCE_ROOT, *d);
                assert_int_equal(nftw(path, check_file, 16, FTW_PHYS), 0);
        }
        snprintf(path, sizeof(path), "%s/README.md", LFA_SOURCE_ROOT);
        assert_int_equal(nftw(path, check_file, 1, FTW_PHYS), 0);
        /* The scenarios search for some: the walk found them. */
        assert_true(n_searched > 0);
        assert_int_equal(n_unknown, 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_header_read),
                cmocka_unit_test(test_ids_are_v4_uuids),
                cmocka_unit_test(test_ids_unique),
                cmocka_unit_test(test_ids_unpatterned),
                cmocka_unit_test(test_man_page_lists_exactly_the_header),
                cmocka_unit_test(test_searched_ids_exist),
        };

        return cmocka_run_group_tests(tests, load_header, NULL);
}
