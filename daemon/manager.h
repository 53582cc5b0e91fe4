/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The Manager ties lfad together: the inventory of components (keyed by
 * lowercase UUID), the policy in force, the udev monitor, the poll, the
 * orchestrator's current job, inhibitors and history. What runs next is
 * the scheduler's (scheduler.h). What the driver is
 * (driver.h), what lfad writes to the kernel's own settings
 * (kernel-settings.h) and when it polls (pending-poll.h) live in modules of
 * their own. Everything runs on m->event; the bus layer (bus.c) reads
 * the model through the manager_get_*() functions and the observer hooks,
 * and calls the manager_*() actions. The Manager's fields are manager.c's
 * (the unit tests' few extra views are in manager-test.h).
 * An explicit request's outcome comes back on its handle (request.h);
 * every outcome goes to the observer's activation_finished.
 *
 * Errno convention of the actions (the bus maps them to org.lfa.Error.*):
 *   -ENOENT      NotFound              no such component
 *   -EOPNOTSUPP  NotCapable            activation_capable is 0
 *   -ENODATA     NotPending            activation_pending is 0
 *   -EBUSY       Busy                  another job runs
 *   -EPERM       MayResetCpu           may_reset_cpu is 1
 *   -EXDEV       RendezvousRequired    skip requested, firmware requires it
 *   -ETIMEDOUT   Timeout
 *   -ENOLCK      Inhibited             an inhibitor is held (automatic runs
 *                                       and the window trigger; never an
 *                                       explicit Activate or Prime)
 *   -EBADMSG     InvalidPolicy
 *   -ECANCELED   Cancelled
 *   -EINVAL      InvalidArgs           malformed UUID or option
 *   -ENOSYS      NotSupported          the driver in use cannot do it (prime,
 *                                       cancel a priming on upstream's driver)
 * Any other errno in an ActivationResult comes from the driver's ERRNO
 * TABLE: FirmwareError, with ActivationResult.lfa_code naming the LFA code;
 * so does a result with firmware_failed set (upstream's -ECANCELED).
 */

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "driver.h"
#include "history.h"
#include "inhibitor.h"
#include "inventory.h"
#include "macro.h"
#include "orchestrator.h"
#include "policy.h"
#include "request.h"

typedef struct Manager Manager;
typedef struct Scheduler Scheduler;     /* scheduler.h */

typedef enum ManagerState {
        MANAGER_STATE_IDLE,
        MANAGER_STATE_PRIMING,
        MANAGER_STATE_ACTIVATING,
        _MANAGER_STATE_MAX,
        _MANAGER_STATE_INVALID = -EINVAL,
} ManagerState;

typedef enum ManagerChange {
        MANAGER_CHANGED_ABI_VERSION   = 1U << 0,
        MANAGER_CHANGED_STATE         = 1U << 1, /* state or active UUID */
        MANAGER_CHANGED_PENDING_COUNT = 1U << 2,
        MANAGER_CHANGED_POLICY        = 1U << 3, /* policy files or load time */
        MANAGER_CHANGED_INHIBITORS    = 1U << 4,
        MANAGER_CHANGED_COMPONENTS    = 1U << 5, /* a component came or went */
        MANAGER_CHANGED_DRIVER        = 1U << 6, /* ABI, module or features */
        MANAGER_CHANGED_POLL          = 1U << 7, /* the poll interval in force */
} ManagerChange;

/*
 * Hooks the bus layer fills. Each is optional; the manager calls it when
 * non-NULL and never depends on it. Component pointers stay valid until
 * component_removed() returns.
 */
typedef struct ManagerObserver {
        void (*component_added)(Manager *m, Component *c, void *userdata);
        void (*component_removed)(Manager *m, Component *c, void *userdata);
        /* One call per component per refresh; mask: ComponentChange bits. */
        void (*component_changed)(Manager *m, Component *c, unsigned mask, void *userdata);
        /* mask: ManagerChange bits. */
        void (*manager_changed)(Manager *m, unsigned mask, void *userdata);
        void (*activation_started)(Manager *m, const char *uuid, JobAction action,
                                   ActivationTrigger trigger, void *userdata);
        void (*activation_finished)(Manager *m, const ActivationResult *r, void *userdata);
        void (*policy_reloaded)(Manager *m, void *userdata);
} ManagerObserver;

typedef enum RendezvousRequest {
        RENDEZVOUS_REQUEST_DEFAULT,     /* as the policy decides */
        RENDEZVOUS_REQUEST_FORCE,
        RENDEZVOUS_REQUEST_SKIP,        /* -EXDEV where firmware requires it */
        _RENDEZVOUS_REQUEST_MAX,
        _RENDEZVOUS_REQUEST_INVALID = -EINVAL,
} RendezvousRequest;

typedef struct ActivateOptions {
        RendezvousRequest rendezvous;
} ActivateOptions;

typedef struct ManagerConfig {
        char **policy_dirs;             /* highest precedence first */
        char *state_dir;
        char *sysfs_root;
        char *module_root;              /* NULL: /sys/module */
        usec_t job_timeout;             /* 0: from the driver's budgets, see
                                         * orchestrator_timeout_from_budgets() */
        JobWriteFn job_write;           /* NULL: write(2); tests stand in a driver */
        void *job_write_userdata;
} ManagerConfig;

/* The outcome of lfad's last activation or prime of a component
 * (LastResult): lfad's own, not a sysfs value, so the manager keeps it. */
typedef struct ComponentResult {
        bool set;               /* false until an attempt ended */
        usec_t time;            /* CLOCK_REALTIME µs when it ended */
        int error;              /* 0 or a negative errno */
        char *lfa_code;         /* LFA code name from last_error, NULL on success */
        char *message;          /* human-readable outcome */
} ComponentResult;

int manager_new(sd_event *e, const ManagerConfig *config, Manager **ret);

/* The hooks the bus layer fills (NULL: none), and their userdata. */
void manager_set_observer(Manager *m, const ManagerObserver *o, void *userdata);
Manager *manager_free(Manager *m);
DEFINE_POINTER_CLEANUP_FUNC_FREE(Manager, manager_free);

/* Load the policy (one that does not load leaves the built-in safe defaults
 * in force and policy_error set), open the history, attach the udev monitor,
 * coldplug. After this the bus layer may be set up. */
int manager_start(Manager *m);

/* Lookup by UUID in any case; NULL if unknown or malformed. */
Component *manager_get_component(Manager *m, const char *uuid);

/* The policy's effective decision for the component uuid (lowercase), kept
 * by the scheduler; NULL if none. Valid until the component is re-read. */
const Decision *manager_get_decision(Manager *m, const char *uuid);

/* NULL, or the kernel setting of the component uuid (lowercase) that lfad
 * last put back (kernel-settings.h). */
const char *manager_get_kernel_override(Manager *m, const char *uuid);

/* lfad's last attempt on the component uuid (any case), restored from the
 * history at start; NULL if no such component. Valid until a component
 * comes or goes. */
const ComponentResult *manager_get_last_result(Manager *m, const char *uuid);

/* Iterate: for (size_t i = 0; i < manager_n_components(m); i++) manager_component_at(m, i),
 * sorted by uuid; NULL past the end. */
size_t manager_n_components(Manager *m);
Component *manager_component_at(Manager *m, size_t i);

sd_event *manager_get_event(Manager *m);
/* Read-only views for the bus layer. */
const char *manager_get_abi_version(Manager *m);         /* NULL if unknown */
const DriverInfo *manager_get_driver(Manager *m);
usec_t manager_get_poll_interval(Manager *m);           /* 0: not polling */
const Policy *manager_get_policy(Manager *m);
const char *manager_get_policy_error(Manager *m);       /* NULL: the files load */
InhibitorRegistry *manager_get_inhibitors(Manager *m);
History *manager_get_history(Manager *m);               /* NULL before manager_start() */
const char *manager_sysfs_root(Manager *m);

/* A sequence runs that lfad did not start (a previous lfad, or by hand),
 * or an attempt of a previous lfad not yet settled may still run. */
bool manager_sequence_running(Manager *m);

/* The component the firmware holds primed, or NULL. */
Component *manager_primed_component(Manager *m);

/* Re-read one component now; observers get the changes. */
void manager_reread_component(Manager *m, const char *uuid);

/* Start a job (the scheduler's automatic work, and the explicit requests
 * below once validated): sets force_cpu_rendezvous for an activation;
 * req (may be NULL; the job takes a reference) is completed with the
 * outcome. 0, or a negative errno and nothing started. */
int manager_start_job(Manager *m, Component *c, JobAction action, ActivationTrigger trigger,
                      bool force_cpu_rendezvous, ManagerRequest *req);

ManagerState manager_get_state(Manager *m, const char **ret_uuid);
unsigned manager_pending_count(Manager *m);
bool manager_is_inhibited(Manager *m);

/*
 * Activate one component now, whatever its AutoActivate=. Validation is
 * synchronous: a negative errno from the table above, nothing started.
 * Another component primed ahead (PrimeAhead=) is cancelled first and
 * primed again later; one primed otherwise is -EBUSY.
 * Returns 0 when started; cb (may be NULL) gets the outcome later, after
 * the observer's activation_finished. The explicit requests hand their
 * handle (request.h) to *ret (may be NULL: nobody can cancel it) before
 * anything can complete it; on failure the caller holds none.
 */
int manager_activate(Manager *m, const char *uuid, const ActivateOptions *opts,
                     ManagerRequestFn cb, void *userdata, ManagerRequest **ret);

/* The window trigger: everything whose decision is DECISION_WINDOW, one
 * after another (re-reading the inventory between them). cb gets one
 * summary; each activation's outcome is in the request too
 * (manager_request_result_at()). Returns -EBUSY if a window run is
 * already active. A job that runs already is finished first, then the
 * window run starts. With nothing left for the window, cb gets a summary
 * with n_attempted 0 before this returns. -ENOLCK while any inhibitor is
 * held: the timer opens the window unattended, and an inhibitor means "do
 * not stop this machine now". */
int manager_activate_pending(Manager *m, ManagerRequestFn cb, void *userdata, ManagerRequest **ret);

/* Write the component's `cancel`. -ENOENT, or the driver's errno (-EBUSY
 * once ACTIVATE began). A running job for it then ends with -ECANCELED.
 * -ENOSYS for lfad's own running job where the driver cannot cancel a
 * priming (upstream's primes again and goes on). */
/* A failed write the firmware's CANCEL answer explains also goes to
 * *ret_driver_error (may be NULL). */
int manager_cancel(Manager *m, const char *uuid, int *ret_driver_error);

/* Why an activation or prime of uuid gets -EBUSY now: a sentence naming the
 * component in the way (UUID and name), or what runs; NULL on OOM or when
 * nothing is in the way. The caller frees it. */
char *manager_describe_busy(Manager *m, const char *uuid);

/* What runs now (the component being primed or activated, by lfad or not,
 * or lfad's run): a sentence for a Busy that concerns no component
 * (Refresh); NULL on OOM or when nothing runs. The caller frees it. */
char *manager_describe_running(Manager *m);

/* Prime one component (the driver's `prime`); same validation as activate;
 * -ENOSYS where the component has no `prime` file. */
int manager_prime(Manager *m, const char *uuid, ManagerRequestFn cb, void *userdata, ManagerRequest **ret);

/* Write /sys/firmware/lfa/refresh where it exists, and re-read everything
 * (upstream's driver reads the firmware's inventory on every read). */
/* -EBUSY while a job runs; a failed re-read of the driver (the firmware's
 * errno) also goes to *ret_driver_error (may be NULL). */
int manager_refresh(Manager *m, int *ret_driver_error);

/* Re-read the whole inventory (no write); observers get the changes. */
int manager_resync(Manager *m);

/* The udev monitor overflowed: re-read everything. A running job still ends
 * when its write returns. */
void manager_handle_lost_events(Manager *m);

/* Arm's LFA device sent a change uevent (a new image, or the kernel
 * activated one): re-read everything, unless lfad's own job runs (its end
 * re-reads). */
void manager_handle_device_change(Manager *m);

/* Reload the policy (SIGHUP, D-Bus). On failure returns -EBADMSG/-EPERM,
 * keeps the last good policy (or the safe defaults), sets policy_error and
 * *ret_error to "file:line: what". Success clears policy_error. */
int manager_reload_policy(Manager *m, char **ret_error);

typedef struct PlanEntry {
        char uuid[UUID_STRING_MAX];
        char *name;
        DecisionAction action;
        bool force_cpu_rendezvous;
        bool prime_ahead;
        char *reason;
} PlanEntry;

/* The decision for every component under the current policy (a dry run:
 * nothing changes). Sorted by uuid. */
int manager_plan(Manager *m, PlanEntry **ret, size_t *ret_n);
void plan_entries_free(PlanEntry *p, size_t n);

/*
 * Hold off automatic activation (immediate and prime-ahead; explicit calls
 * and the window trigger still run) until the returned fd is closed by
 * everyone holding it. *ret_fd is the caller's: pass it on (sd-bus dups it)
 * and close it.
 */
int manager_inhibit(Manager *m, const char *who, const char *reason, int *ret_fd);

/* Re-evaluate what to do next (deferred to the event loop). */
void manager_schedule(Manager *m);

/* READY=1 is sent: from now on each component found is logged at info
 * level (coldplug sums them up in one line). */
void manager_set_ready(Manager *m);

/* Send STATUS= describing what lfad does. */
void manager_send_status(Manager *m);

/* Called by the udev watcher with the uevent's action and its LFA_UUID,
 * LFA_EVENT, LFA_ERRNO and LFA_ACTION values (NULL when absent). A
 * terminal event ends nothing: lfad's job ends when its write returns. */
void manager_handle_uevent(Manager *m, const char *action, const char *uuid,
                           const char *lfa_event, const char *lfa_errno, const char *lfa_action);

const char *manager_state_to_string(ManagerState s) _pure_;
const char *rendezvous_request_to_string(RendezvousRequest r) _pure_;
RendezvousRequest rendezvous_request_from_string(const char *s) _pure_;
