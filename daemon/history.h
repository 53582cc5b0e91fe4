/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Every prime and activation attempt, kept in <state dir>/history: an
 * append-only log of one line per record. A kill -9 can tear only the last
 * line, which the next open cuts off. When the file holds twice the bound,
 * the newest `max_entries` are rewritten to a temporary file, fsync'ed and
 * renamed over it.
 *
 * The attempt in flight is written, in the same record format, to
 * <dir>/attempt, a file kept open and empty while no attempt runs, and
 * fdatasync()ed once before its write to the driver starts (one flush on
 * the activation's path); the file is emptied once the row is in the log.
 * A record found at the next open is an attempt a previous lfad did not
 * see end: history_unsettled() hands it to the caller to settle, unless the
 * log has its row already (lfad died between the two). A record cut by a
 * crash has no newline: its attempt never began, and it is dropped. The
 * log's format is unchanged by this: older readers never look at the file.
 */

#include <stdbool.h>
#include <stddef.h>

#include "inventory.h"
#include "macro.h"

#define HISTORY_MAX_ENTRIES_DEFAULT 1000

typedef struct HistoryEntry {
        char uuid[UUID_STRING_MAX];
        char *name;
        char *action;           /* "activate" or "prime" */
        char *trigger;          /* "auto", "window", "manual", "prime-ahead" */
        char *version_before;   /* running when the attempt started: "1.2" or "N/A" */
        char *version_after;    /* the one primed or activated (pending then) */
        bool rendezvous;        /* force_cpu_rendezvous written before the attempt */
        usec_t start;           /* CLOCK_REALTIME µs */
        usec_t duration;        /* µs */
        int error;              /* 0 or a negative errno */
        char *lfa_code;         /* LFA code name, NULL on success */
        char *message;
} HistoryEntry;

typedef struct History History;

/* Opens (creates) <dir>/history, creating dir; cuts a torn last record. */
int history_open(const char *dir, size_t max_entries, History **ret);
History *history_free(History *h);
DEFINE_POINTER_CLEANUP_FUNC_FREE(History, history_free);

/* Appends and fdatasync()s one record; compacts when over the bound. */
int history_append(History *h, const HistoryEntry *e);

/* Records e as the attempt in flight, durably (one fdatasync()). */
int history_begin(History *h, const HistoryEntry *e);

/* Appends e's row, then forgets the attempt in flight. */
int history_finish(History *h, const HistoryEntry *e);

/* The attempt found in flight at open, or NULL. Settle it with
 * history_finish(); the pointer stays valid until then. */
const HistoryEntry *history_unsettled(History *h);

/* Up to max most recent entries, newest first; records that do not parse
 * are skipped. Free with history_entries_free(). */
int history_read(History *h, size_t max, HistoryEntry **ret, size_t *ret_n);

void history_entry_done(HistoryEntry *e);
void history_entries_free(HistoryEntry *e, size_t n);

/* The record format, exposed for the unit tests. */
int history_entry_format(const HistoryEntry *e, char **ret);
int history_entry_parse(const char *line, HistoryEntry *ret);
