/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The history rows lfad writes (history.h keeps them): one per attempt it
 * made, and one for the end of a sequence it saw run (the driver's `state`)
 * but did not start (a write by hand). An attempt is on disk before its
 * write to the driver starts; one that a previous lfad did not see end
 * (kill -9, a crash) is settled by the next from what the driver shows, with
 * the trigger, versions and start it had. A failure to write is logged,
 * never fatal; h may be NULL (no history).
 */

#include "history.h"
#include "inventory.h"
#include "orchestrator.h"

/* Before j's write starts: j's component, action, trigger, versions and start. */
void history_record_begin(History *h, const JobInfo *j);

/* The row of an attempt that ended, with the versions of its job. */
void history_record_attempt(History *h, const ActivationResult *r, const char *version_before,
                            const char *version_to);

/* From the terminal uevent's LFA_EVENT, LFA_ERRNO and LFA_ACTION; before is
 * the component as lfad knew it while the sequence ran, c the component
 * re-read after it, or NULL. */
void history_record_external(History *h, const char *uuid, const Component *before, const Component *c,
                             const char *lfa_event, const char *lfa_errno, const char *lfa_action);

/* What a settled attempt ended with, for LastResult. */
typedef struct HistorySettlement {
        char uuid[UUID_STRING_MAX];
        char name[64];
        int error;                      /* 0 or a negative errno */
        char lfa_code[32];              /* "" on success */
        char message[256];
} HistorySettlement;

/*
 * Settle the attempt a previous lfad did not see end (history_unsettled()),
 * from what the driver shows of its component c now (NULL: gone):
 *   - the driver's `state` says the sequence still runs: -EAGAIN;
 *   - the version it activated runs (a prime: the component is primed):
 *     success;
 *   - last_error is set (the driver clears it when a sequence starts): that
 *     failure;
 *   - an activation whose component is no longer pending: success;
 *   - upstream's driver, which has no `state`: -EAGAIN until deadline (the
 *     attempt's start and the job bound), then a failure the driver does
 *     not name (-ECANCELED, UNKNOWN), as its write would have returned;
 *   - otherwise -EINTR: nothing shows that the sequence ran.
 * The row keeps the attempt's trigger, versions and start; its duration
 * runs to now, when lfad found it ended: an upper bound. Returns 0 with
 * ret filled, -EAGAIN, or -ENOENT when nothing is unsettled.
 */
int history_settle(History *h, const Component *c, usec_t now, usec_t deadline, HistorySettlement *ret);

/* The verdict history_settle() would record for attempt a, recording nothing. */
int history_settle_verdict(const HistoryEntry *a, const Component *c, usec_t now, usec_t deadline,
                           HistorySettlement *ret);
