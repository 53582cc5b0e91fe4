/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Target history: the input is lfad's history file (/var/lib/lfad/history)
 * as a crash, a full disk or an editor may have left it. history_open()
 * recovers it (cuts a torn last record), history_read() parses every
 * record. Nothing may crash; every record read must survive a round trip
 * through history_entry_format() and history_entry_parse() unchanged, and
 * appending one more record must work and be read back first.
 */

#include <stdbool.h>
#include <sys/stat.h>

#include "fuzz-util.h"
#include "history.h"

static bool streq_null(const char *a, const char *b) {
        return a == b || (a && b && strcmp(a, b) == 0);
}

static bool entry_equal(const HistoryEntry *a, const HistoryEntry *b) {
        return strcmp(a->uuid, b->uuid) == 0 && streq_null(a->name, b->name) &&
                streq_null(a->action, b->action) && streq_null(a->trigger, b->trigger) &&
                streq_null(a->version_before, b->version_before) &&
                streq_null(a->version_after, b->version_after) && a->rendezvous == b->rendezvous &&
                a->start == b->start && a->duration == b->duration && a->error == b->error &&
                streq_null(a->lfa_code, b->lfa_code) && streq_null(a->message, b->message);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static char dir[4200], path[4300];
        _cleanup_(history_freep) History *h = NULL;
        HistoryEntry *entries = NULL;
        size_t n = 0;

        if (!dir[0]) {
                snprintf(dir, sizeof(dir), "%s/state", fuzz_tmpdir());
                snprintf(path, sizeof(path), "%s/history", dir);
        }
        (void) mkdir(dir, 0755);
        fuzz_write_file(path, data, size);

        if (history_open(dir, 16, &h) < 0)
                abort();
        if (history_read(h, 0, &entries, &n) < 0)
                abort();

        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *line = NULL;
                HistoryEntry back = {};

                if (history_entry_format(&entries[i], &line) < 0)
                        abort();
                if (history_entry_parse(line, &back) < 0)
                        abort();
                if (!entry_equal(&entries[i], &back))
                        abort();
                history_entry_done(&back);
        }

        /* lfad appends to whatever it recovered. */
        HistoryEntry e = {
                .uuid = "6c0762a6-12f2-4b56-92cb-ba8f633606d9",
                .name = (char *) "fuzz\t\\-",
                .action = (char *) "activate",
                .trigger = (char *) "manual",
                .version_before = (char *) "1.2",
                .version_after = (char *) "N/A",
                .start = 1, .duration = 2, .error = -125,
                .lfa_code = (char *) "BUSY",
                .message = (char *) "x\ny",
        };
        if (history_append(h, &e) < 0)
                abort();
        history_entries_free(entries, n);
        entries = NULL;
        if (history_read(h, 1, &entries, &n) < 0 || n != 1 || !entry_equal(&entries[0], &e))
                abort();
        history_entries_free(entries, n);
        return 0;
}
