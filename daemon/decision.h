/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * A policy decision for one component: policy_decide() (policy.h) makes
 * it, the scheduler keeps it (scheduler.h). A header of its own that needs
 * neither, so that scheduler.h does not need policy.h's types
 * (tests/unit/check-headers.py). Implemented in policy.c.
 */

#include <stdbool.h>

#include "macro.h"

typedef enum DecisionAction {
        DECISION_NOTHING_PENDING,       /* no new image: nothing to do */
        DECISION_REFUSED,               /* never: may reset a CPU, not capable or unreadable */
        DECISION_NEVER,                 /* policy: only on an explicit request */
        DECISION_IMMEDIATE,             /* activate now */
        DECISION_WINDOW,                /* activate on the window trigger */
        _DECISION_ACTION_MAX,
        _DECISION_ACTION_INVALID = -EINVAL,
} DecisionAction;

typedef struct Decision {
        DecisionAction action;
        /* The value to write to force_cpu_rendezvous before activating. */
        bool force_cpu_rendezvous;
        /* The policy asked to skip where firmware requires the rendezvous. */
        bool rendezvous_overridden;
        bool prime_ahead;
        unsigned retry_limit;
        usec_t retry_delay;
        char *reason;                   /* one human-readable sentence */
} Decision;

Decision *decision_free(Decision *d);
DEFINE_POINTER_CLEANUP_FUNC_FREE(Decision, decision_free);

const char *decision_action_to_string(DecisionAction a) _pure_;
