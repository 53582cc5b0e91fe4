/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Every prime and activation attempt, kept in <state dir>/history: an
 * append-only log of one line per record. A kill -9 can tear only the last
 * line, which the next open cuts off. When the file holds twice the bound,
 * the newest `max_entries` are rewritten to a temporary file, fsync'ed and
 * renamed over it.
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
        char *version_before;   /* "1.2" or "N/A" */
        char *version_after;
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

/* Up to max most recent entries, newest first; records that do not parse
 * are skipped. Free with history_entries_free(). */
int history_read(History *h, size_t max, HistoryEntry **ret, size_t *ret_n);

void history_entry_done(HistoryEntry *e);
void history_entries_free(HistoryEntry *e, size_t n);

/* The record format, exposed for the unit tests. */
int history_entry_format(const HistoryEntry *e, char **ret);
int history_entry_parse(const char *line, HistoryEntry *ret);
