/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What runs next. The scheduler looks at the inventory and at the policy's
 * decisions, which it keeps per component (the manager makes them,
 * manager.h), and starts the automatic work through the manager: an
 * "immediate" activation of a pending component, the window run one
 * component after another, a priming ahead, a retry after its backoff.
 * It keeps the rule of the one primed component: the firmware holds one,
 * so a priming ahead gives way to any activation of another and is made
 * again after it (lfad(8), PRIME AHEAD). It decides on the event loop,
 * deferred, so that a burst of uevents is handled first.
 *
 * The scheduler is the manager's: one per Manager, freed with it.
 */

#include <stdbool.h>

#include "decision.h"
#include "inventory.h"
#include "manager.h"
#include "orchestrator.h"

/* The scheduler's retry bookkeeping of one component: its failed automatic
 * attempts, and an activation the driver did not confirm. Kept next to its
 * decision; all zero where it has neither. */
typedef struct RetryState {
        unsigned failures;              /* consecutive failed automatic attempts */
        usec_t retry_after;             /* CLOCK_MONOTONIC µs, 0: no backoff */
        /* The last activation succeeded, yet the driver shows the entry it
         * read before PRIME (still pending, same versions): its re-read
         * after the activation failed (the firmware's GET_INFO or
         * GET_INVENTORY). Not activated automatically again until the
         * driver's values change or the store is updated. */
        bool activated_unconfirmed;
} RetryState;

int scheduler_new(Manager *m, Scheduler **ret);

/* uuid's activation succeeded but the driver does not show it (true), or
 * the driver's values of uuid changed or its store was updated (false). */
void scheduler_set_activation_unconfirmed(Scheduler *s, const char *uuid, bool unconfirmed);
Scheduler *scheduler_free(Scheduler *s);

/* Re-evaluate what to do next (deferred to the event loop). */
void scheduler_schedule(Scheduler *s);

/* Start a window run (the checks of manager_activate_pending() are the
 * caller's): -EBUSY if one is active; req (the run takes a reference) is
 * completed with one summary, before this returns where nothing is left
 * for the window and no sequence runs. */
int scheduler_start_window(Scheduler *s, ManagerRequest *req);

/* Whether a window run is in progress. */
bool scheduler_window_running(Scheduler *s);

/* A job started (whoever asked): what waited is said again when it waits again. */
void scheduler_job_started(Scheduler *s);

/* A job ended with r (called before the inventory is re-read): the retry
 * bookkeeping of its component, and the window run's counters. */
void scheduler_job_finished(Scheduler *s, const ActivationResult *r);

/* Forget the retries of uuid: it has another pending image, which deserves
 * fresh attempts. Its decision stays. */
void scheduler_reset_retries(Scheduler *s, const char *uuid);

/* The policy's effective decision for uuid (the manager makes it,
 * manager_get_decision()); NULL before the first. Valid until the next
 * scheduler_set_decision() or scheduler_forget() of uuid. */
const Decision *scheduler_get_decision(Scheduler *s, const char *uuid);

/* Keep d as uuid's decision (taken, freed on error too); -ENOMEM. */
int scheduler_set_decision(Scheduler *s, const char *uuid, Decision *d);

/* uuid is gone: drop its decision and its retries. */
void scheduler_forget(Scheduler *s, const char *uuid);

/* The rule of the one primed component for an activation of c (trigger:
 * who asks): cancel a priming ahead of another component. -EBUSY where a
 * component stays primed. */
int scheduler_make_way_for(Scheduler *s, const Component *c, ActivationTrigger trigger);

/* Why an activation or prime of uuid gets -EBUSY now (manager_describe_busy()). */
char *scheduler_describe_busy(Scheduler *s, const char *uuid);

/* What prime or activation runs now, for a request that concerns no
 * component (Refresh): manager_describe_running(). */
char *scheduler_describe_running(Scheduler *s);

/* Add to d->reason (a decision for c, made afresh for the plan) what the
 * rule of the one primed component will do. */
int scheduler_plan_note(Scheduler *s, const Component *c, Decision *d);

/* Pure pieces, exposed for the unit tests. d: c's decision, NULL if none;
 * rs NULL: no failed attempt. */

/*
 * Whether c may be taken now by an automatic run (want = DECISION_IMMEDIATE)
 * or the window run (want = DECISION_WINDOW), given its decision, its state,
 * its retry bookkeeping and the monotonic time now.
 */
bool scheduler_is_eligible(const Component *c, const Decision *d, const RetryState *rs, DecisionAction want,
                           usec_t now);

/* Whether c should be primed ahead now. */
bool scheduler_wants_prime(const Component *c, const Decision *d, const RetryState *rs);
