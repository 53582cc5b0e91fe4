/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The history rows lfad writes (history.h keeps them): one per attempt it
 * made, and one for the end of a sequence it saw run (the driver's `state`)
 * but was not waiting for (a previous lfad killed mid-way, a write by
 * hand), so that an attempt interrupted by a restart is not lost. A failure
 * to write is logged, never fatal; h may be NULL (no history).
 */

#include "history.h"
#include "inventory.h"
#include "orchestrator.h"

/* after: the component re-read after the attempt, NULL if it vanished. */
void history_record_attempt(History *h, const ActivationResult *r, const char *version_before,
                            const Component *after);

/* From the terminal uevent's LFA_EVENT, LFA_ERRNO and LFA_ACTION; c is the
 * component re-read after it, or NULL. */
void history_record_external(History *h, const char *uuid, const Component *c, const char *lfa_event,
                             const char *lfa_errno, const char *lfa_action);
