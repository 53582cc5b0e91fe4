/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lfa-messages.h"
#include "log.h"
#include "scheduler.h"

/* A window run in progress (manager_activate_pending()). */
typedef struct WindowRun {
        ManagerRequest *request;        /* completed with the summary */
        unsigned n_attempted;
        unsigned n_succeeded;
        unsigned n_failed;
        int first_error;
        bool first_firmware_failed;     /* first_error is a firmware failure (upstream's -ECANCELED) */
        char *first_refusal;            /* why the first one that could not start did not: lfad's
                                         * own Busy, naming the component in the way */
        char **done;                    /* UUIDs already attempted in this run */
} WindowRun;

/* What the scheduler keeps of one component, sorted by uuid: the policy's
 * decision, which governs its retries, and the retries themselves. */
typedef struct ComponentEntry {
        char uuid[UUID_STRING_MAX];
        Decision *decision;             /* NULL: none made yet */
        RetryState retry;
} ComponentEntry;
_Static_assert(offsetof(ComponentEntry, uuid) == 0, "uuid_array_*() want the uuid first");

struct Scheduler {
        Manager *manager;
        WindowRun *window;
        ComponentEntry *entries;        /* sorted by uuid, for bsearch */
        size_t n_entries;
        sd_event_source *retry_source;  /* wakes the scheduler after a backoff */
        sd_event_source *schedule_source; /* deferred "pick the next job" */
        char *waiting_note;             /* why an automatic activation waits, as last logged */
};

int scheduler_new(Manager *m, Scheduler **ret) {
        Scheduler *s = calloc(1, sizeof(*s));

        if (!s)
                return -ENOMEM;
        s->manager = m;
        *ret = s;
        return 0;
}

static void window_run_free(WindowRun *w) {
        if (!w)
                return;
        strv_free(w->done);
        free(w->first_refusal);
        manager_request_unref(w->request);
        free(w);
}

Scheduler *scheduler_free(Scheduler *s) {
        if (!s)
                return NULL;
        window_run_free(s->window);
        sd_event_source_disable_unref(s->retry_source);
        sd_event_source_disable_unref(s->schedule_source);
        free(s->waiting_note);
        for (size_t i = 0; i < s->n_entries; i++)
                decision_free(s->entries[i].decision);
        free(s->entries);
        free(s);
        return NULL;
}

/* The index of uuid's entry, or where it would go (*ret_found false).
 * Every component has an entry once decided: a binary search keeps a
 * look-up per component cheap with thousands of them. */
static size_t entry_index(Scheduler *s, const char *uuid, bool *ret_found) {
        return uuid_array_index(s->entries, s->n_entries, sizeof(*s->entries), uuid, ret_found);
}

static ComponentEntry *entry_find(Scheduler *s, const char *uuid) {
        return uuid_array_find(s->entries, s->n_entries, sizeof(*s->entries), uuid);
}

/* uuid's entry, made on first use; NULL on OOM. */
static ComponentEntry *entry_get(Scheduler *s, const char *uuid) {
        void *base = s->entries;
        ComponentEntry *e = uuid_array_get(&base, &s->n_entries, sizeof(*e), uuid);

        s->entries = base;
        return e;
}

static RetryState *retry_find(Scheduler *s, const char *uuid) {
        ComponentEntry *e = entry_find(s, uuid);

        return e ? &e->retry : NULL;
}

/* uuid's retry bookkeeping, made on first use; NULL on OOM. */
static RetryState *retry_get(Scheduler *s, const char *uuid) {
        ComponentEntry *e = entry_get(s, uuid);

        return e ? &e->retry : NULL;
}

const Decision *scheduler_get_decision(Scheduler *s, const char *uuid) {
        ComponentEntry *e = entry_find(s, uuid);

        return e ? e->decision : NULL;
}

int scheduler_set_decision(Scheduler *s, const char *uuid, Decision *d) {
        ComponentEntry *e = entry_get(s, uuid);

        if (!e) {
                decision_free(d);
                return -ENOMEM;
        }
        decision_free(e->decision);
        e->decision = d;
        return 0;
}

void scheduler_forget(Scheduler *s, const char *uuid) {
        bool found;
        size_t i = entry_index(s, uuid, &found);

        if (!found)
                return;
        decision_free(s->entries[i].decision);
        uuid_array_remove(s->entries, &s->n_entries, sizeof(*s->entries), i);
}

/* c's decision, NULL if none. */
static const Decision *decision_of(Scheduler *s, const Component *c) {
        return scheduler_get_decision(s, c->uuid);
}

void scheduler_set_activation_unconfirmed(Scheduler *s, const char *uuid, bool unconfirmed) {
        RetryState *rs = unconfirmed ? retry_get(s, uuid) : retry_find(s, uuid);

        if (rs)
                rs->activated_unconfirmed = unconfirmed;
        else if (unconfirmed)
                log_oom();
}

void scheduler_reset_retries(Scheduler *s, const char *uuid) {
        RetryState *rs = retry_find(s, uuid);

        /* The decision stays: it is the policy's, not the attempts'. */
        if (rs)
                *rs = (RetryState) {};
}

bool scheduler_is_eligible(const Component *c, const Decision *d, const RetryState *rs, DecisionAction want,
                           usec_t now) {
        if (!d || d->action != want)
                return false;
        if (c->parse_error || !c->activation_pending || (rs && rs->activated_unconfirmed))
                return false;
        /* A sequence of this component already runs (perhaps started by a
         * previous lfad, or by hand): never start a second one. */
        if (c->state != COMPONENT_STATE_IDLE && c->state != COMPONENT_STATE_PRIMED)
                return false;
        if (want == DECISION_IMMEDIATE && rs) {
                if (rs->failures > d->retry_limit)
                        return false;
                if (rs->retry_after > now)
                        return false;
        }
        return true;
}

bool scheduler_wants_prime(const Component *c, const Decision *d, const RetryState *rs) {
        return d && d->prime_ahead && !c->parse_error &&
               c->activation_pending && c->state == COMPONENT_STATE_IDLE &&
               (!rs || (rs->failures == 0 && !rs->activated_unconfirmed));
}

/* lfad's own job runs. */
static bool job_running(Manager *m) {
        return manager_get_state(m, NULL) != MANAGER_STATE_IDLE;
}

static void window_finish(Scheduler *sch) {
        WindowRun *w = TAKE_PTR(sch->window);
        char msg[128];
        ActivationResult s = {
                .action = JOB_ACTIVATE,
                .trigger = TRIGGER_WINDOW,
                .error = w->first_error,
                .firmware_failed = w->first_firmware_failed,
                .n_attempted = w->n_attempted,
                .n_succeeded = w->n_succeeded,
                .n_failed = w->n_failed,
                .message = msg,
                .detail = w->first_refusal,
        };

        snprintf(msg, sizeof(msg), "window run: %u attempted, %u succeeded, %u failed",
                 w->n_attempted, w->n_succeeded, w->n_failed);
        log_info("%s", msg);
        manager_request_complete(w->request, &s);
        window_run_free(w);
}

static bool strv_contains(char **l, const char *s) {
        for (; l && *l; l++)
                if (strcmp(*l, s) == 0)
                        return true;
        return false;
}

static int strv_push_dup(char ***l, const char *s) {
        size_t n = 0;
        char **t;

        while (*l && (*l)[n])
                n++;
        t = realloc(*l, (n + 2) * sizeof(char *));
        if (!t)
                return -ENOMEM;
        *l = t;
        t[n] = strdup(s);
        t[n + 1] = NULL;
        return t[n] ? 0 : -ENOMEM;
}

/* Primed because its policy says PrimeAhead=: lfad's doing (or what lfad
 * would have done), which lfad may undo and make again. A component primed
 * by an explicit Prime, or by someone else, is someone's decision: it stays. */
static bool primed_ahead(Scheduler *s, const Component *c) {
        const Decision *d = decision_of(s, c);

        return c->state == COMPONENT_STATE_PRIMED && d && d->prime_ahead;
}

/*
 * The rule of lfad(8), PRIME AHEAD: an activation of c is due (automatic,
 * window or explicit) while another component sits primed ahead. The
 * firmware holds one primed component and would refuse c, so lfad cancels
 * that priming, says so, and lets c go; the scheduler primes the other again
 * once nothing runs, if it is still pending and its policy still says so.
 * -EBUSY where the primed component is not lfad's to release, or stays
 * primed.
 */
int scheduler_make_way_for(Scheduler *s, const Component *c, ActivationTrigger trigger) {
        Manager *m = s->manager;
        Component *p = manager_primed_component(m);
        char uuid[UUID_STRING_MAX];
        int r;

        if (!p || p == c)
                return 0;
        if (!primed_ahead(s, p))
                return -EBUSY;
        memcpy(uuid, p->uuid, UUID_STRING_MAX);
        r = inventory_write_attribute(manager_sysfs_root(m), uuid, "cancel", "1");
        if (r < 0)
                return log_warning_errno(r, "%s (%s): cannot cancel its priming ahead for the activation of "
                                         "%s (%s): %m", uuid, strna(p->name), c->uuid, strna(c->name));
        log_event(LOG_INFO, LFA_MESSAGE_PRIME_RELEASED, uuid, "cancelled",
                  "%s (%s): priming ahead cancelled so that %s (%s) can be activated (trigger %s): the "
                  "firmware holds one primed component. Primed again after that activation if still pending.",
                  uuid, strna(p->name), c->uuid, strna(c->name), activation_trigger_to_string(trigger));
        /* Its state now; the driver's uevent follows. */
        manager_reread_component(m, uuid);
        p = manager_get_component(m, uuid);
        return p && p->state == COMPONENT_STATE_PRIMED ? -EBUSY : 0;
}

/* The component being primed or activated now (by lfad or not), and how;
 * NULL if none. */
static Component *running_component(Manager *m, const char **ret_how) {
        const char *job_uuid;
        ManagerState state = manager_get_state(m, &job_uuid);
        Component *p;

        if (state != MANAGER_STATE_IDLE) {
                *ret_how = state == MANAGER_STATE_PRIMING ? "being primed by lfad" : "being activated by lfad";
                return manager_get_component(m, job_uuid);
        }
        for (size_t i = 0; i < manager_n_components(m); i++) {
                p = manager_component_at(m, i);
                if (p->state == COMPONENT_STATE_PRIMING || p->state == COMPONENT_STATE_ACTIVATING) {
                        *ret_how = p->state == COMPONENT_STATE_PRIMING ? "being primed (not by lfad)"
                                                                       : "being activated (not by lfad)";
                        return p;
                }
        }
        return NULL;
}

/* The component whose sequence or priming keeps an activation of c from
 * starting now, and how; NULL if none (a priming ahead gives way). */
static Component *activation_blocker(Scheduler *s, const Component *c, const char **ret_how) {
        Manager *m = s->manager;
        Component *p = running_component(m, ret_how);

        if (p)
                return p;
        p = manager_primed_component(m);
        if (p && p != c && !primed_ahead(s, p)) {
                *ret_how = "primed, not by PrimeAhead= (the firmware holds one primed component): "
                           "activate or cancel it first";
                return p;
        }
        return NULL;
}

/* "[another prime or activation is running: ]B (name) is HOW", or what
 * runs when no component is named; NULL when nothing is in the way. */
static char *describe_blocker(Scheduler *sch, const Component *b, const char *how) {
        Manager *m = sch->manager;
        char *s = NULL;

        if (b) {
                if (asprintf(&s, "%s%s (%s) is %s",
                             job_running(m) || manager_sequence_running(m) ? "another prime or activation is running: " : "",
                             b->uuid, strna(b->name), how) < 0)
                        s = NULL;
        } else if (sch->window)
                s = strdup("another prime or activation is running (the maintenance-window run)");
        else if (job_running(m))
                s = strdup("another prime or activation is running");
        return s;
}

char *scheduler_describe_busy(Scheduler *sch, const char *uuid) {
        Manager *m = sch->manager;
        Component *c = manager_get_component(m, uuid), *b;
        const char *how = NULL;

        b = activation_blocker(sch, c, &how);
        if (!b && c && manager_primed_component(m) && manager_primed_component(m) != c) {
                /* A Prime: the firmware holds one primed component. */
                b = manager_primed_component(m);
                how = "primed (the firmware holds one primed component)";
        }
        return describe_blocker(sch, b, how);
}

char *scheduler_describe_running(Scheduler *sch) {
        const char *how = NULL;
        Component *b = running_component(sch->manager, &how);

        return describe_blocker(sch, b, how);
}

/* An automatic activation of c waits for b: said once, not at every look. */
static void note_waiting(Scheduler *s, const Component *c) {
        _cleanup_free_ char *why = scheduler_describe_busy(s, c->uuid);

        if (!why || (s->waiting_note && strcmp(s->waiting_note, why) == 0))
                return;
        log_info("%s (%s): activation waits: %s.", c->uuid, strna(c->name), why);
        (void) free_and_strdup(&s->waiting_note, why);
}

static int on_retry(sd_event_source *source, uint64_t usec, void *userdata) {
        (void) source;
        (void) usec;
        scheduler_schedule(userdata);
        return 0;
}

static void arm_retry_timer(Scheduler *s, usec_t when) {
        int r;

        s->retry_source = sd_event_source_disable_unref(s->retry_source);
        if (when == 0)
                return;
        /* RetryDelaySec= is a promise to the second: sd-event would let a
         * 1 s accuracy slip up to a second (the 1.7/3.0/5.0 s of issue 10). */
        r = sd_event_add_time(manager_get_event(s->manager), &s->retry_source, CLOCK_MONOTONIC, when,
                              USEC_PER_MSEC, on_retry, s);
        if (r < 0)
                log_warning_errno(r, "Failed to arm the retry timer, ignoring: %m");
}

/* Start an automatic job (no caller waits for it). */
static int start_job(Scheduler *s, Component *c, JobAction action, ActivationTrigger trigger,
                     bool force_cpu_rendezvous) {
        return manager_start_job(s->manager, c, action, trigger, force_cpu_rendezvous, NULL);
}

static int window_step(Scheduler *s) {
        Manager *m = s->manager;
        usec_t now = now_usec(CLOCK_MONOTONIC);
        Component *primed = manager_primed_component(m);
        int r;

        /* The firmware holds one primed component and refuses to prime any
         * other until it is activated: take it first (k == 0). */
        for (size_t k = 0; k <= manager_n_components(m); k++) {
                Component *c = k == 0 ? primed : manager_component_at(m, k - 1);

                if (!c || (k > 0 && c == primed))
                        continue;
                if (strv_contains(s->window->done, c->uuid) ||
                    !scheduler_is_eligible(c, decision_of(s, c), retry_find(s, c->uuid), DECISION_WINDOW, now))
                        continue;
                r = strv_push_dup(&s->window->done, c->uuid);
                if (r < 0)
                        return log_oom();
                r = scheduler_make_way_for(s, c, TRIGGER_WINDOW);
                if (r < 0)
                        note_waiting(s, c);
                else
                        r = start_job(s, c, JOB_ACTIVATE, TRIGGER_WINDOW, decision_of(s, c)->force_cpu_rendezvous);
                if (r >= 0)
                        return 1;
                /* Could not even start: count it and go on with the next. */
                s->window->n_attempted++;
                s->window->n_failed++;
                if (s->window->first_error == 0) {
                        _cleanup_free_ char *why = scheduler_describe_busy(s, c->uuid);

                        s->window->first_error = r;
                        if (asprintf(&s->window->first_refusal, "%s (%s): %s", c->uuid, strna(c->name),
                                     why ?: strerror(-r)) < 0)
                                s->window->first_refusal = NULL;
                }
        }
        window_finish(s);
        return 0;
}

static void pick_next(Scheduler *s) {
        Manager *m = s->manager;
        usec_t now = now_usec(CLOCK_MONOTONIC), next_retry = 0;

        if (job_running(m) || manager_sequence_running(m))
                return;
        /* A window run that ends here lets what waited for it go now. */
        if (s->window && window_step(s) > 0)
                return;
        /* An inhibitor holds off everything automatic. */
        if (manager_is_inhibited(m))
                return;

        for (size_t i = 0; i < manager_n_components(m); i++) {
                Component *c = manager_component_at(m, i);
                const Decision *d = decision_of(s, c);
                RetryState *rs;

                if (scheduler_is_eligible(c, d, retry_find(s, c->uuid), DECISION_IMMEDIATE, now)) {
                        /* A priming ahead gives way; one by request does not. */
                        if (scheduler_make_way_for(s, c, TRIGGER_AUTO) < 0) {
                                note_waiting(s, c);
                                continue;
                        }
                        if (start_job(s, c, JOB_ACTIVATE, TRIGGER_AUTO, d->force_cpu_rendezvous) >= 0)
                                return;
                        /* Looked up again: what ran may have re-decided it. */
                        d = decision_of(s, c);
                        rs = retry_get(s, c->uuid);
                        if (!rs) {
                                log_oom();
                                continue;
                        }
                        rs->failures++;
                        rs->retry_after = now + orchestrator_backoff(d->retry_delay, rs->failures);
                }
                rs = retry_find(s, c->uuid);
                if (rs && d && d->action == DECISION_IMMEDIATE && c->activation_pending &&
                    rs->failures <= d->retry_limit && rs->retry_after > now &&
                    (next_retry == 0 || rs->retry_after < next_retry))
                        next_retry = rs->retry_after;
        }
        arm_retry_timer(s, next_retry);

        /* Prime ahead, one at a time: the firmware holds one priming. */
        if (manager_primed_component(m))
                return;
        for (size_t i = 0; i < manager_n_components(m); i++) {
                Component *c = manager_component_at(m, i);

                if (scheduler_wants_prime(c, decision_of(s, c), retry_find(s, c->uuid)) &&
                    start_job(s, c, JOB_PRIME, TRIGGER_PRIME_AHEAD, true) >= 0)
                        return;
        }
}

static int on_schedule(sd_event_source *source, void *userdata) {
        Scheduler *s = userdata;

        (void) source;
        s->schedule_source = sd_event_source_disable_unref(s->schedule_source);
        pick_next(s);
        return 0;
}

void scheduler_schedule(Scheduler *s) {
        int r;

        if (s->schedule_source)
                return;
        /* Deferred, so a burst of uevents is handled before deciding. */
        r = sd_event_add_defer(manager_get_event(s->manager), &s->schedule_source, on_schedule, s);
        if (r < 0) {
                log_warning_errno(r, "Failed to schedule the orchestrator, ignoring: %m");
                return;
        }
        (void) sd_event_source_set_priority(s->schedule_source, SD_EVENT_PRIORITY_IDLE);
}

int scheduler_start_window(Scheduler *s, ManagerRequest *req) {
        Manager *m = s->manager;
        WindowRun *w;

        if (s->window)
                return -EBUSY;
        w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;
        w->request = manager_request_ref(req);
        s->window = w;

        /* The timer fires whenever the admin said; an automatic activation
         * running then is no reason to skip the window: start after it. */
        if (job_running(m) || manager_sequence_running(m)) {
                log_info("Window trigger: queued until the running sequence ends.");
                return 0;
        }
        log_info("Window trigger: activating what the policy leaves for the maintenance window.");
        /* Synchronous first step: with nothing to do, the summary comes at
         * once, before this returns. */
        (void) window_step(s);
        return 0;
}

bool scheduler_window_running(Scheduler *s) {
        return s->window;
}

void scheduler_job_started(Scheduler *s) {
        s->waiting_note = mfree(s->waiting_note);
}

/* A failed attempt of c: back off before the next automatic one, or give
 * up where the failure is not transient or the limit is reached. */
static void retry_count_failure(Scheduler *s, const Component *c, const ActivationResult *r) {
        RetryState *rs = retry_get(s, c->uuid);
        const Decision *d = decision_of(s, c);

        if (!rs) {
                log_oom();
                return;
        }
        rs->failures++;
        if (!orchestrator_result_is_retryable(r) && d)
                rs->failures = d->retry_limit + 1;
        if (d && rs->failures <= d->retry_limit)
                rs->retry_after = now_usec(CLOCK_MONOTONIC) + orchestrator_backoff(d->retry_delay, rs->failures);
        else if (r->trigger == TRIGGER_AUTO || r->trigger == TRIGGER_PRIME_AHEAD)
                log_event(LOG_ERR, LFA_MESSAGE_RETRIES_EXHAUSTED, c->uuid, "gave-up",
                          "%s (%s): not retried automatically any more (%s).", c->uuid, strna(c->name), r->message);
}

void scheduler_job_finished(Scheduler *s, const ActivationResult *r) {
        Component *c = manager_get_component(s->manager, r->uuid);
        bool ok = r->error == 0;

        if (c && ok)
                scheduler_reset_retries(s, c->uuid);
        else if (c)
                retry_count_failure(s, c, r);

        if (s->window && r->trigger == TRIGGER_WINDOW) {
                /* The caller's reply names each outcome. */
                if (manager_request_add_result(s->window->request, r) < 0)
                        log_warning("%s: cannot keep its outcome for the window run's caller, ignoring: "
                                    "out of memory", r->uuid);
                s->window->n_attempted++;
                if (ok)
                        s->window->n_succeeded++;
                else {
                        s->window->n_failed++;
                        if (s->window->first_error == 0) {
                                s->window->first_error = r->error;
                                s->window->first_firmware_failed = r->firmware_failed;
                        }
                }
        }
}

int scheduler_plan_note(Scheduler *s, const Component *c, Decision *d) {
        Component *p = manager_primed_component(s->manager);
        const Decision *pd;
        bool ahead;
        char *reason;

        if (!p || p == c || !c->activation_pending ||
            (d->action != DECISION_IMMEDIATE && d->action != DECISION_WINDOW))
                return 0;
        /* The window run activates a primed component of its own first. */
        pd = decision_of(s, p);
        if (d->action == DECISION_WINDOW && pd && pd->action == DECISION_WINDOW)
                return 0;
        ahead = primed_ahead(s, p);
        if (asprintf(&reason, "%s; %s %s (%s)%s", d->reason,
                     ahead ? "first cancels the priming ahead of" : "waits:", p->uuid, strna(p->name),
                     ahead ? ", primed again after it" : " is primed, not by PrimeAhead= (activate or cancel it)") < 0)
                return -ENOMEM;
        free(d->reason);
        d->reason = reason;
        return 0;
}
