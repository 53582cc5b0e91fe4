/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * One prime or activation at a time. The blocking write to the driver's
 * `activate`/`prime` file runs in a worker thread that hands its result back
 * to the event loop through an eventfd and touches nothing else. The driver
 * (either ABI, and the simulator alike) returns from that write when the
 * sequence ends, with its errno: the job ends then, or after a timeout
 * above the driver's budgets. The terminal uevent the extended ABI sends
 * before the write returns is not needed for it.
 */

#include <stdbool.h>
#include <systemd/sd-event.h>

#include "driver.h"
#include "inventory.h"
#include "macro.h"
#include "policy.h"

typedef enum JobAction {
        JOB_ACTIVATE,
        JOB_PRIME,
        _JOB_ACTION_MAX,
        _JOB_ACTION_INVALID = -EINVAL,
} JobAction;

typedef enum ActivationTrigger {
        TRIGGER_AUTO,           /* policy "immediate", on a pending component */
        TRIGGER_WINDOW,         /* manager_activate_pending() */
        TRIGGER_MANUAL,         /* manager_activate() / manager_prime() */
        TRIGGER_PRIME_AHEAD,    /* policy PrimeAhead=yes */
        _TRIGGER_MAX,
        _TRIGGER_INVALID = -EINVAL,
} ActivationTrigger;

/*
 * What an activation, prime, or window run ended with. Pointers are valid
 * only during the callback. For manager_activate_pending() the callback
 * gets one summary: uuid NULL, the counters set, error the first failure
 * (each activation's own outcome: manager_request_result_at(), request.h).
 */
typedef struct ActivationResult {
        const char *uuid;
        const char *name;
        JobAction action;
        ActivationTrigger trigger;
        bool force_cpu_rendezvous;      /* the value written before the attempt */
        int error;                      /* 0, or a negative errno (see manager.h) */
        /* The firmware failed and the driver does not say how (upstream's
         * -ECANCELED): a FirmwareError whatever the errno. */
        bool firmware_failed;
        const char *lfa_code;           /* from last_error (or UNKNOWN); NULL on success */
        /* The driver's last_error of this failure (the call and raw x0), NULL
         * where there is none; and the driver's word on the errno (driver.h). */
        const LfaLastError *last_error;
        const char *detail;
        const char *message;            /* human-readable */
        usec_t start;                   /* CLOCK_REALTIME µs */
        usec_t duration;                /* µs */
        unsigned n_attempted;           /* summary only */
        unsigned n_succeeded;
        unsigned n_failed;
} ActivationResult;

/* The whole job's bound: the driver's default budgets (30 s + 20 s) and
 * slack; upstream's driver (30 s + 10 s) fits too. */
#define JOB_TIMEOUT_USEC_DEFAULT (60 * USEC_PER_SEC)

/* What a job is about, fixed when it starts. */
typedef struct JobInfo {
        char uuid[UUID_STRING_MAX];
        char *name;
        JobAction action;
        ActivationTrigger trigger;
        bool force_cpu_rendezvous;
        char *version_before;           /* running when the job started */
        char *version_to;               /* pending then: what it primes or activates */
        usec_t start_realtime;
} JobInfo;

typedef struct Job Job;
typedef void (*JobDoneFn)(Job *j, const ActivationResult *r, void *userdata);

/* The write a job makes, in the worker thread: returns 0 or a negative
 * errno. NULL in JobSettings: write(2) of "1" to path, opened while the
 * begin hook runs. Tests stand in a driver that blocks as the real one
 * does. */
typedef int (*JobWriteFn)(const char *path, void *userdata);

/* Called once the job is set up, before its write starts (the worker
 * thread starts meanwhile and waits for its return): lfad records the
 * attempt there, so that a kill -9 during the write loses nothing. */
typedef void (*JobBeginFn)(const JobInfo *info, void *userdata);

typedef struct JobSettings {
        const char *root;               /* sysfs root */
        DriverAbi abi;                  /* what the write's errno means */
        usec_t timeout;                 /* 0: JOB_TIMEOUT_USEC_DEFAULT */
        JobWriteFn write;
        void *write_userdata;
        JobBeginFn begin;               /* may be NULL */
        void *begin_userdata;
} JobSettings;


/*
 * Start a job: launch the worker that writes `activate` or `prime`. The
 * caller has set force_cpu_rendezvous (kernel-settings.h); the value is
 * kept for the result. Returns 0, or a negative errno if nothing was
 * started.
 */
int job_start(sd_event *e, const JobSettings *settings, const Component *c, JobAction action,
              ActivationTrigger trigger, bool force_cpu_rendezvous, JobDoneFn done, void *userdata,
              Job **ret);

/* Frees the job; a worker still blocked in write() finishes on its own. */
Job *job_free(Job *j);

/* What j is about; valid as long as j. */
const JobInfo *job_get_info(const Job *j) _pure_;
DEFINE_POINTER_CLEANUP_FUNC_FREE(Job, job_free);

/*
 * How long a job may take: the driver's PRIME and ACTIVATE budgets (its
 * module parameters prime_budget_ms and activate_budget_ms, read from
 * module_dir, normally /sys/module/lfa/parameters) and 10 s for the
 * refresh and the uevent. JOB_TIMEOUT_USEC_DEFAULT where they are not
 * readable (the simulator, the module not loaded).
 */
usec_t orchestrator_timeout_from_budgets(const char *module_dir);

/* Pure pieces of the state machine, exposed for the unit tests. */

/* Whether a failure with this negative errno may be retried automatically. */
bool orchestrator_error_is_retryable(int error) _pure_;
/* The same for an outcome: a failure the driver does not name (upstream's
 * -ECANCELED) may be transient, and is retried within RetryLimit=. */
bool orchestrator_result_is_retryable(const ActivationResult *r) _pure_;

/* Backoff before retry number `failures` (1-based): delay * 2^(failures-1),
 * capped at one day. */
usec_t orchestrator_backoff(usec_t delay, unsigned failures) _pure_;

const char *job_action_to_string(JobAction a) _pure_;
const char *activation_trigger_to_string(ActivationTrigger t) _pure_;
