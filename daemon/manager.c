/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "history-record.h"
#include "kernel-settings.h"
#include "lfa-messages.h"
#include "log.h"
#include "manager-test.h"
#include "manager.h"
#include "pending-poll.h"
#include "scheduler.h"
#include "udev.h"

/* What the manager keeps of a component beyond its sysfs snapshot. */
typedef struct ComponentRecord {
        ComponentResult last_result;
        bool last_result_changed;       /* to report with the next re-read */
} ComponentRecord;

struct Manager {
        sd_event *event;
        ManagerObserver observer;
        void *observer_userdata;

        ManagerConfig config;

        /* The inventory, sorted by uuid; use manager_get_component(). */
        Component **components;
        ComponentRecord *records;       /* records[i] is components[i]'s */
        size_t n_components;
        char *abi_version;              /* /sys/firmware/lfa/version, NULL if unknown */
        DriverInfo driver;              /* probed again on every re-read */
        PendingPoll *poll;              /* activation_pending, upstream's driver only */

        Policy *policy;                 /* last good policy, never NULL after start */
        char *policy_error;             /* why the policy files do not load, or NULL */

        History *history;
        UdevWatch *udev;

        Job *job;                       /* the running job, or NULL */
        ManagerRequest *job_request;    /* the explicit caller's request, or NULL */

        InhibitorRegistry *inhibitors;

        Scheduler *scheduler;           /* what runs next: window runs, retries, prime ahead */
        KernelSettings *kernel_settings; /* what lfad wrote to the kernel's settings */
        sd_event_source *settle_source; /* settles an attempt of a previous lfad at its bound */
        bool ready;                     /* READY=1 sent */
};

static const char *const manager_state_table[_MANAGER_STATE_MAX] = {
        [MANAGER_STATE_IDLE] = "idle",
        [MANAGER_STATE_PRIMING] = "priming",
        [MANAGER_STATE_ACTIVATING] = "activating",
};

const char *manager_state_to_string(ManagerState s) {
        return s >= 0 && s < _MANAGER_STATE_MAX ? manager_state_table[s] : NULL;
}

static const char *const rendezvous_request_table[_RENDEZVOUS_REQUEST_MAX] = {
        [RENDEZVOUS_REQUEST_DEFAULT] = "default",
        [RENDEZVOUS_REQUEST_FORCE] = "force",
        [RENDEZVOUS_REQUEST_SKIP] = "skip",
};

const char *rendezvous_request_to_string(RendezvousRequest r) {
        return r >= 0 && r < _RENDEZVOUS_REQUEST_MAX ? rendezvous_request_table[r] : NULL;
}

RendezvousRequest rendezvous_request_from_string(const char *s) {
        return (RendezvousRequest) string_table_lookup(rendezvous_request_table, _RENDEZVOUS_REQUEST_MAX, s);
}

static const char *sysfs_root(Manager *m) {
        return m->config.sysfs_root ?: LFA_SYSFS_DEFAULT;
}

const Decision *manager_get_decision(Manager *m, const char *uuid) {
        return scheduler_get_decision(m->scheduler, uuid);
}

/* The force_cpu_rendezvous value the policy holds for c. */
static bool decided_force(Manager *m, const Component *c) {
        const Decision *d = manager_get_decision(m, c->uuid);

        return d ? d->force_cpu_rendezvous : true;
}

/* Observer calls: the bus layer is optional. */
static void notify_added(Manager *m, Component *c) {
        if (m->observer.component_added)
                m->observer.component_added(m, c, m->observer_userdata);
}

static void notify_removed(Manager *m, Component *c) {
        if (m->observer.component_removed)
                m->observer.component_removed(m, c, m->observer_userdata);
}

static void notify_changed(Manager *m, Component *c, unsigned mask) {
        if (mask && m->observer.component_changed)
                m->observer.component_changed(m, c, mask, m->observer_userdata);
}

static void notify_manager(Manager *m, unsigned mask) {
        if (mask && m->observer.manager_changed)
                m->observer.manager_changed(m, mask, m->observer_userdata);
}

static void on_inhibitors_changed(void *userdata) {
        Manager *m = userdata;

        notify_manager(m, MANAGER_CHANGED_INHIBITORS);
        manager_send_status(m);
        /* A released inhibitor lets what waited run now. */
        manager_schedule(m);
}

int manager_new(sd_event *e, const ManagerConfig *config, Manager **ret) {
        _cleanup_(manager_freep) Manager *m = NULL;
        static const char *const default_dirs[] = { POLICY_DIRS_DEFAULT, NULL };
        char * const *dirs = config->policy_dirs ?: (char * const *) default_dirs;
        size_t n = 0;

        m = calloc(1, sizeof(*m));
        if (!m)
                return -ENOMEM;
        m->event = sd_event_ref(e);
        if (inhibitor_registry_new(e, on_inhibitors_changed, m, &m->inhibitors) < 0 ||
            scheduler_new(m, &m->scheduler) < 0 || kernel_settings_new(&m->kernel_settings) < 0)
                return -ENOMEM;

        while (dirs[n])
                n++;
        m->config.policy_dirs = calloc(n + 1, sizeof(char *));
        if (!m->config.policy_dirs)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                m->config.policy_dirs[i] = strdup(dirs[i]);
                if (!m->config.policy_dirs[i])
                        return -ENOMEM;
        }
        m->config.state_dir = strdup(config->state_dir ?: "/var/lib/lfad");
        m->config.sysfs_root = strdup(config->sysfs_root ?: LFA_SYSFS_DEFAULT);
        m->config.module_root = strdup(config->module_root ?: "/sys/module");
        m->config.job_timeout = config->job_timeout;
        m->config.job_write = config->job_write;
        m->config.job_write_userdata = config->job_write_userdata;
        if (!m->config.state_dir || !m->config.sysfs_root || !m->config.module_root)
                return -ENOMEM;

        *ret = TAKE_PTR(m);
        return 0;
}

void manager_set_observer(Manager *m, const ManagerObserver *o, void *userdata) {
        m->observer = o ? *o : (ManagerObserver) {};
        m->observer_userdata = userdata;
}

static void component_record_done(ComponentRecord *rec) {
        free(rec->last_result.lfa_code);
        free(rec->last_result.message);
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;
        job_free(m->job);
        manager_request_unref(m->job_request);
        scheduler_free(m->scheduler);
        kernel_settings_free(m->kernel_settings);
        inhibitor_registry_free(m->inhibitors);
        for (size_t i = 0; i < m->n_components; i++) {
                component_free(m->components[i]);
                component_record_done(&m->records[i]);
        }
        free(m->components);
        free(m->records);
        udev_watch_free(m->udev);
        pending_poll_free(m->poll);
        history_free(m->history);
        policy_free(m->policy);
        free(m->policy_error);
        free(m->abi_version);
        sd_event_source_disable_unref(m->settle_source);
        strv_free(m->config.policy_dirs);
        free(m->config.state_dir);
        free(m->config.sysfs_root);
        free(m->config.module_root);
        sd_event_unref(m->event);
        free(m);
        return NULL;
}

static ssize_t component_index(Manager *m, const char *uuid, size_t *ret_insert) {
        size_t lo = 0, hi = m->n_components;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(m->components[mid]->uuid, uuid);

                if (c == 0)
                        return (ssize_t) mid;
                if (c < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        if (ret_insert)
                *ret_insert = lo;
        return -1;
}

/* What the manager keeps of c; NULL if c is not (any more) its component. */
static ComponentRecord *component_record(Manager *m, const Component *c) {
        ssize_t i = component_index(m, c->uuid, NULL);

        return i < 0 ? NULL : &m->records[i];
}

const char *manager_get_kernel_override(Manager *m, const char *uuid) {
        return kernel_settings_get_override(m->kernel_settings, uuid);
}

const ComponentResult *manager_get_last_result(Manager *m, const char *uuid) {
        Component *c = manager_get_component(m, uuid);
        ComponentRecord *rec = c ? component_record(m, c) : NULL;

        return rec ? &rec->last_result : NULL;
}

size_t manager_n_components(Manager *m) {
        return m->n_components;
}

Component *manager_component_at(Manager *m, size_t i) {
        return i < m->n_components ? m->components[i] : NULL;
}

sd_event *manager_get_event(Manager *m) {
        return m->event;
}

const char *manager_get_abi_version(Manager *m) {
        return m->abi_version;
}

const DriverInfo *manager_get_driver(Manager *m) {
        return &m->driver;
}

PendingPoll *manager_get_poll(Manager *m) {
        return m->poll;
}

Scheduler *manager_get_scheduler(Manager *m) {
        return m->scheduler;
}

usec_t manager_get_poll_interval(Manager *m) {
        return m->poll ? pending_poll_get_interval(m->poll) : 0;
}

const Policy *manager_get_policy(Manager *m) {
        return m->policy;
}

const char *manager_get_policy_error(Manager *m) {
        return m->policy_error;
}

InhibitorRegistry *manager_get_inhibitors(Manager *m) {
        return m->inhibitors;
}

History *manager_get_history(Manager *m) {
        return m->history;
}

const char *manager_sysfs_root(Manager *m) {
        return sysfs_root(m);
}

Component *manager_get_component(Manager *m, const char *uuid) {
        char u[UUID_STRING_MAX];
        ssize_t i;

        if (uuid_normalize(uuid, u) < 0)
                return NULL;
        i = component_index(m, u, NULL);
        return i < 0 ? NULL : m->components[i];
}

ManagerState manager_get_state(Manager *m, const char **ret_uuid) {
        if (!m->job) {
                if (ret_uuid)
                        *ret_uuid = NULL;
                return MANAGER_STATE_IDLE;
        }
        if (ret_uuid)
                *ret_uuid = job_get_info(m->job)->uuid;
        return job_get_info(m->job)->action == JOB_PRIME ? MANAGER_STATE_PRIMING : MANAGER_STATE_ACTIVATING;
}

unsigned manager_pending_count(Manager *m) {
        unsigned n = 0;

        for (size_t i = 0; i < m->n_components; i++)
                if (m->components[i]->activation_pending)
                        n++;
        return n;
}

bool manager_is_inhibited(Manager *m) {
        return inhibitor_registry_count(m->inhibitors) > 0;
}

/* The policy's decision, and what the scheduler does with a priming ahead:
 * the firmware holds one primed component, so lfad gives the priming up for
 * any activation of another and makes it again after (lfad(8), PRIME AHEAD). */
static int manager_decide(Manager *m, const Component *c, Decision **ret) {
        Decision *d = NULL;
        char *reason;
        int r;

        r = policy_decide(m->policy, c, &d);
        if (r < 0)
                return r;
        if (d->prime_ahead) {
                if (asprintf(&reason, "%s (cancelled when another component's activation is due, "
                             "primed again after it)", d->reason) < 0) {
                        decision_free(d);
                        return -ENOMEM;
                }
                free(d->reason);
                d->reason = reason;
        }
        *ret = d;
        return 0;
}

/* Recompute c's decision; returns COMPONENT_CHANGED_DECISION if it moved. */
static unsigned component_redecide(Manager *m, Component *c) {
        const Decision *old = manager_get_decision(m, c->uuid);
        Decision *d = NULL;
        bool same;
        int r;

        r = manager_decide(m, c, &d);
        if (r < 0) {
                log_oom();
                return 0;
        }
        same = old && old->action == d->action &&
               old->force_cpu_rendezvous == d->force_cpu_rendezvous &&
               old->prime_ahead == d->prime_ahead &&
               strcmp(old->reason, d->reason) == 0;
        if (!same && d->rendezvous_overridden && d->action != DECISION_NOTHING_PENDING)
                log_event(LOG_WARNING, LFA_MESSAGE_RENDEZVOUS_FORCED, c->uuid, "rendezvous-forced",
                          "%s (%s): CpuRendezvous=skip ignored, the firmware requires the CPU rendezvous; "
                          "it will be used.", c->uuid, strna(c->name));
        /* Kept even when the same: the retry settings, not a property, stay
         * current. Fails only where no decision was kept yet. */
        r = scheduler_set_decision(m->scheduler, c->uuid, d);
        if (r < 0) {
                log_oom();
                return 0;
        }
        return same ? 0 : COMPONENT_CHANGED_DECISION;
}

static int manager_add_component(Manager *m, Component *c, size_t at) {
        Component **t = realloc(m->components, (m->n_components + 1) * sizeof(*t));
        ComponentRecord *rec;
        const Decision *d;

        if (!t)
                return -ENOMEM;
        m->components = t;
        rec = realloc(m->records, (m->n_components + 1) * sizeof(*rec));
        if (!rec)
                return -ENOMEM;
        m->records = rec;
        memmove(t + at + 1, t + at, (m->n_components - at) * sizeof(*t));
        memmove(rec + at + 1, rec + at, (m->n_components - at) * sizeof(*rec));
        t[at] = c;
        rec[at] = (ComponentRecord) {};
        m->n_components++;
        (void) component_redecide(m, c);
        (void) kernel_settings_apply(m->kernel_settings, sysfs_root(m), c, KERNEL_SETTINGS_APPEARED,
                                     decided_force(m, c));
        d = manager_get_decision(m, c->uuid);

        if (c->parse_error)
                log_event(LOG_ERR, LFA_MESSAGE_COMPONENT_INVALID, c->uuid, "invalid",
                          "%s: invalid sysfs data, never activated automatically: %s", c->uuid, c->parse_error);
        else
                /* At coldplug "Coldplug done" sums them up; thousands of
                 * lines would only bury it. */
                log_event(m->ready ? LOG_INFO : LOG_DEBUG, LFA_MESSAGE_COMPONENT_ADDED, c->uuid, NULL,
                          "%s (%s): found, %s; %s.", c->uuid, strna(c->name),
                          c->activation_pending ? "pending" : "not pending",
                          d ? d->reason : "no decision");
        notify_added(m, c);
        return 0;
}

static void manager_remove_at(Manager *m, size_t i) {
        Component *c = m->components[i];

        log_event(LOG_INFO, LFA_MESSAGE_COMPONENT_REMOVED, c->uuid, NULL, "%s (%s): gone.",
                  c->uuid, strna(c->name));
        notify_removed(m, c);
        scheduler_forget(m->scheduler, c->uuid);
        kernel_settings_forget(m->kernel_settings, c->uuid);
        component_record_done(&m->records[i]);
        memmove(m->components + i, m->components + i + 1, (m->n_components - i - 1) * sizeof(Component *));
        memmove(m->records + i, m->records + i + 1, (m->n_components - i - 1) * sizeof(ComponentRecord));
        m->n_components--;
        component_free(c);
}

/* Merge one component's read (r, fresh: inventory_read_component()'s
 * answer, taken over); ENOENT removes it. Returns ManagerChange bits. */
static unsigned manager_merge_one(Manager *m, const char *uuid, int r, Component *fresh_in) {
        _cleanup_(component_freep) Component *fresh = fresh_in;
        size_t at = 0;
        ssize_t i;
        unsigned mask;

        i = component_index(m, uuid, &at);
        if (r == -ENOENT || r == -ENOTDIR) {
                if (i >= 0) {
                        manager_remove_at(m, (size_t) i);
                        return MANAGER_CHANGED_COMPONENTS;
                }
                return 0;
        }
        if (r < 0) {
                log_warning_errno(r, "%s: failed to read the component, ignoring: %m", uuid);
                return 0;
        }

        if (i < 0) {
                r = manager_add_component(m, fresh, at);
                if (r < 0) {
                        log_oom();
                        return 0;
                }
                TAKE_PTR(fresh);
                return MANAGER_CHANGED_COMPONENTS;
        }

        Component *c = m->components[i];
        mask = component_diff(c, fresh);
        if ((mask & COMPONENT_CHANGED_PARSE_ERROR) && fresh->parse_error)
                log_event(LOG_ERR, LFA_MESSAGE_COMPONENT_INVALID, c->uuid, "invalid",
                          "%s: invalid sysfs data, never activated automatically: %s", c->uuid, fresh->parse_error);
        if (mask & (COMPONENT_CHANGED_SEQ_ID | COMPONENT_CHANGED_CURRENT_VERSION |
                    COMPONENT_CHANGED_PENDING_VERSION | COMPONENT_CHANGED_ACTIVATION_PENDING))
                scheduler_set_activation_unconfirmed(m->scheduler, c->uuid, false);
        /* A different pending image deserves fresh attempts. */
        if ((mask & COMPONENT_CHANGED_PENDING_VERSION) ||
            ((mask & COMPONENT_CHANGED_ACTIVATION_PENDING) && fresh->activation_pending)) {
                scheduler_reset_retries(m->scheduler, c->uuid);
        }
        component_update_from(c, fresh);
        mask |= component_redecide(m, c);
        mask |= (unsigned) kernel_settings_apply(m->kernel_settings, sysfs_root(m), c, KERNEL_SETTINGS_REREAD,
                                                 decided_force(m, c));
        if (m->records[i].last_result_changed) {
                m->records[i].last_result_changed = false;
                mask |= COMPONENT_CHANGED_LAST_RESULT;
        }
        notify_changed(m, c, mask);
        return 0;
}

/* Re-read one component. Returns ManagerChange bits. */
static unsigned manager_update_one(Manager *m, const char *uuid) {
        Component *fresh = NULL;
        int r;

        r = inventory_read_component(sysfs_root(m), uuid, &fresh);
        return manager_merge_one(m, uuid, r, r < 0 ? NULL : fresh);
}

/* After the driver refreshed its inventory: what a refresh may change of a
 * component lfad knows, all of one it does not. */
static unsigned manager_update_refreshed(Manager *m, const char *uuid) {
        Component *known = manager_get_component(m, uuid), *fresh = NULL;
        int r;

        if (!known)
                return manager_update_one(m, uuid);
        r = inventory_reread_component(sysfs_root(m), known, &fresh);
        return manager_merge_one(m, uuid, r, r < 0 ? NULL : fresh);
}

void manager_reread_component(Manager *m, const char *uuid) {
        notify_manager(m, manager_update_one(m, uuid));
}

/* The poll in force for this driver and policy; MANAGER_CHANGED_POLL if it moved. */
static unsigned manager_update_poll(Manager *m) {
        usec_t want = pending_poll_interval_for(&m->driver, m->policy ? policy_get_poll_interval(m->policy) : 0);
        usec_t before = pending_poll_get_interval(m->poll);
        int r;

        r = pending_poll_set_interval(m->poll, want);
        if (r < 0)
                log_warning_errno(r, "Failed to arm the activation_pending poll, ignoring: %m");
        if (pending_poll_get_interval(m->poll) == before)
                return 0;
        if (pending_poll_get_interval(m->poll) > 0)
                log_info("No component uevents from this driver: polling activation_pending every %llu s.",
                         (unsigned long long) (pending_poll_get_interval(m->poll) / USEC_PER_SEC));
        else
                log_info("Not polling activation_pending (%s).",
                         m->driver.abi == DRIVER_ABI_NONE     ? "no LFA driver"
                         : m->driver.abi == DRIVER_ABI_UPSTREAM ? "PollIntervalSec=0"
                                                                : "the driver sends uevents");
        return MANAGER_CHANGED_POLL;
}

/* Which driver, found by what exists; MANAGER_CHANGED_DRIVER if it moved
 * (the module reloaded with other parameters, or the first component). */
static unsigned manager_probe_driver(Manager *m) {
        DriverInfo d;

        driver_probe(sysfs_root(m), m->config.module_root, &d);
        if (d.abi == m->driver.abi && d.features == m->driver.features &&
            strcmp(d.module, m->driver.module) == 0)
                return 0;
        m->driver = d;
        log_debug("Driver: %s ABI, module %s, features 0x%x.", driver_abi_to_string(d.abi),
                  d.module[0] ? d.module : "(built in or unknown)", d.features);
        return MANAGER_CHANGED_DRIVER | manager_update_poll(m);
}

static void component_set_result(Manager *m, const Component *c, const ActivationResult *r, bool report_later);

static int on_settle_bound(sd_event_source *s _unused_, uint64_t usec _unused_, void *userdata) {
        Manager *m = userdata;

        m->settle_source = sd_event_source_disable_unref(m->settle_source);
        (void) manager_resync(m);
        return 0;
}

/* An attempt a previous lfad recorded and did not see end: settled from
 * what the driver shows once it shows the end. Until then it counts as a
 * running sequence (manager_sequence_running()). */
static unsigned manager_settle(Manager *m) {
        const HistoryEntry *a = m->history ? history_unsettled(m->history) : NULL;
        usec_t bound, now = now_usec(CLOCK_REALTIME);
        HistorySettlement s = {};
        unsigned mask = 0;
        Component *c;
        bool prime;
        int r;

        if (!a)
                return 0;
        bound = a->start + m->config.job_timeout;
        prime = strcmp(strempty(a->action), "prime") == 0;
        c = manager_get_component(m, a->uuid);
        /* The versions are read before `state`: a sequence that ended
         * during that read looks as if it never ran. Before calling it a
         * failure, read again, all of it after the end. */
        if (c && (c->features & DRIVER_FEATURE_STATE) && history_settle_verdict(a, c, now, bound, &s) == 0 &&
            s.error != 0) {
                mask = manager_update_one(m, a->uuid);
                c = manager_get_component(m, a->uuid);
        }
        r = history_settle(m->history, c, now, bound, &s);
        if (r == -EAGAIN) {
                /* Upstream's driver has no state to say it ended. */
                if (!m->settle_source && c && !(c->features & DRIVER_FEATURE_STATE) &&
                    sd_event_add_time(m->event, &m->settle_source, CLOCK_REALTIME, bound, USEC_PER_SEC,
                                      on_settle_bound, m) < 0)
                        log_warning("Failed to arm the timer of the unsettled attempt, ignoring.");
                return mask;
        }
        if (r < 0)
                return mask;
        m->settle_source = sd_event_source_disable_unref(m->settle_source);
        log_event(s.error == 0 ? LOG_INFO : LOG_ERR,
                  prime ? (s.error == 0 ? LFA_MESSAGE_PRIME_SUCCESS : LFA_MESSAGE_PRIME_FAILED)
                        : (s.error == 0 ? LFA_MESSAGE_ACTIVATION_SUCCESS : LFA_MESSAGE_ACTIVATION_FAILED), s.uuid,
                  s.error == 0 ? "success" : strna(errno_name(s.error)),
                  "%s (%s): an attempt of the previous lfad, settled: %s%s%s%s", s.uuid, s.name, s.message,
                  s.lfa_code[0] ? " [LFA " : "", s.lfa_code, s.lfa_code[0] ? "]" : "");
        if (c) {
                ActivationResult ar = {
                        .error = s.error,
                        .lfa_code = s.lfa_code[0] ? s.lfa_code : NULL,
                        .message = s.message,
                };

                component_set_result(m, c, &ar, false);
                notify_changed(m, c, COMPONENT_CHANGED_LAST_RESULT);
        }
        return mask;
}

/* Read every listed component (on a few threads when there are many),
 * then merge each into the model here, in order. */
static unsigned manager_update_all(Manager *m, char **uuids) {
        _cleanup_free_ Component **fresh = NULL;
        _cleanup_free_ int *errors = NULL;
        size_t n = strv_length(uuids);
        unsigned mask = 0;

        fresh = calloc(n ?: 1, sizeof(Component *));
        errors = calloc(n ?: 1, sizeof(int));
        if (!fresh || !errors) {
                /* One at a time, as before the batch. */
                for (char **u = uuids; *u; u++)
                        mask |= manager_update_one(m, *u);
                return mask;
        }
        inventory_read_components(sysfs_root(m), uuids, n, fresh, errors);
        for (size_t k = 0; k < n; k++)
                mask |= manager_merge_one(m, uuids[k], errors[k], fresh[k]);
        return mask;
}

int manager_resync(Manager *m) {
        _cleanup_strv_free_ char **uuids = NULL;
        unsigned pending_before = manager_pending_count(m), mask = 0;
        char *version = NULL;
        size_t i = 0;
        int r;

        mask |= manager_probe_driver(m);

        r = inventory_read_abi_version(sysfs_root(m), &version);
        if (r < 0 && r != -ENOENT)
                log_warning_errno(r, "%s/version: cannot read the LFA ABI version, ignoring: %m", sysfs_root(m));
        if ((version == NULL) != (m->abi_version == NULL) ||
            (version && strcmp(version, m->abi_version) != 0))
                mask |= MANAGER_CHANGED_ABI_VERSION;
        free(m->abi_version);
        m->abi_version = version;

        r = inventory_list(sysfs_root(m), &uuids);
        if (r < 0)
                return log_error_errno(r, "Failed to list %s: %m", sysfs_root(m));

        /* Drop what is no longer listed, then update or add the rest. Both
         * lists are sorted: one merge walk, linear in the components. */
        char **u = uuids;
        while (i < m->n_components) {
                int c = *u ? strcmp(*u, m->components[i]->uuid) : 1;

                if (c < 0)
                        u++;
                else if (c == 0) {
                        u++;
                        i++;
                } else {
                        manager_remove_at(m, i);
                        mask |= MANAGER_CHANGED_COMPONENTS;
                }
        }
        mask |= manager_update_all(m, uuids);

        /* The first component tells the per-component features. */
        if (mask & MANAGER_CHANGED_COMPONENTS)
                mask |= manager_probe_driver(m);
        mask |= manager_settle(m);
        if (manager_pending_count(m) != pending_before)
                mask |= MANAGER_CHANGED_PENDING_COUNT;
        pending_poll_restart(m->poll);
        notify_manager(m, mask);
        manager_send_status(m);
        manager_schedule(m);
        return 0;
}

void manager_handle_lost_events(Manager *m) {
        (void) manager_resync(m);
}

/* Reading the inventory while lfad's own write blocks would wait for the
 * driver's lock; the job's end re-reads everything anyway. */
static void manager_resync_unless_busy(Manager *m) {
        if (!m->job)
                (void) manager_resync(m);
}

void manager_handle_device_change(Manager *m) {
        log_debug("Arm's LFA device changed: re-reading the inventory%s.", m->job ? " when the job ends" : "");
        manager_resync_unless_busy(m);
}

static void on_poll(void *userdata) {
        manager_resync_unless_busy(userdata);
}

void manager_set_ready(Manager *m) {
        m->ready = true;
}

void manager_send_status(Manager *m) {
        const char *uuid;
        ManagerState s = manager_get_state(m, &uuid);
        char buf[256];

        if (s != MANAGER_STATE_IDLE) {
                Component *c = manager_get_component(m, uuid);

                snprintf(buf, sizeof(buf), "STATUS=%s %s (%s)", s == MANAGER_STATE_PRIMING ? "Priming" : "Activating",
                         uuid, c ? strna(c->name) : "?");
        } else if (manager_is_inhibited(m))
                snprintf(buf, sizeof(buf), "STATUS=Idle, %zu components, %u pending; automatic activation "
                         "inhibited by %zu", m->n_components, manager_pending_count(m),
                         inhibitor_registry_count(m->inhibitors));
        else
                snprintf(buf, sizeof(buf), "STATUS=Idle, %zu components, %u pending", m->n_components,
                         manager_pending_count(m));
        (void) sd_notify(false, buf);
}

/* report_later: with the next re-read of c, else the caller reports it. */
static void component_set_result(Manager *m, const Component *c, const ActivationResult *r, bool report_later) {
        ComponentRecord *rec = component_record(m, c);

        if (!rec)
                return;
        rec->last_result_changed = report_later;
        rec->last_result.set = true;
        rec->last_result.time = now_usec(CLOCK_REALTIME);
        rec->last_result.error = r->error;
        (void) free_and_strdup(&rec->last_result.lfa_code, r->lfa_code);
        (void) free_and_strdup(&rec->last_result.message, r->message);
}

static void on_job_done(Job *j, const ActivationResult *r, void *userdata) {
        Manager *m = userdata;
        _cleanup_(manager_request_unrefp) ManagerRequest *req = TAKE_PTR(m->job_request);
        bool ok = r->error == 0;
        const char *id;
        Component *c, before = {};

        /* The attempt is in the history before anything reports or acts
         * on its outcome (the journal event, a retry, "gave up", the bus
         * signal): whoever sees those finds the row. */
        history_record_attempt(m->history, r, job_get_info(j)->version_before, job_get_info(j)->version_to);

        if (r->action == JOB_ACTIVATE)
                id = ok ? LFA_MESSAGE_ACTIVATION_SUCCESS : LFA_MESSAGE_ACTIVATION_FAILED;
        else
                id = ok ? LFA_MESSAGE_PRIME_SUCCESS : LFA_MESSAGE_PRIME_FAILED;
        log_event(ok ? LOG_INFO : LOG_ERR, id, r->uuid, ok ? "success" : strna(errno_name(r->error)),
                  "%s (%s): %s%s%s%s", r->uuid, strna(r->name), r->message,
                  r->lfa_code ? " [LFA " : "", strempty(r->lfa_code), r->lfa_code ? "]" : "");

        m->job = NULL;

        c = manager_get_component(m, r->uuid);
        if (c) {
                before = (Component) { .activation_pending = c->activation_pending,
                                       .pending_version = c->pending_version,
                                       .current_version = c->current_version };
                component_set_result(m, c, r, true);
        }
        scheduler_job_finished(m->scheduler, r);

        /* Sysfs is the truth: the set of components and their sequence ids
         * may have changed with the activation. The re-read reports the
         * new result with the attributes, in one change per component. */
        (void) manager_resync(m);
        c = manager_get_component(m, r->uuid);
        if (c && ok && r->action == JOB_ACTIVATE && component_activation_unconfirmed(&before, c)) {
                scheduler_set_activation_unconfirmed(m->scheduler, c->uuid, true);
                log_warning("%s (%s): activated, but the driver still shows the image pending (its re-read of "
                            "the inventory failed?): not activated again until the driver's values change.",
                            c->uuid, strna(c->name));
        }
        if (m->observer.activation_finished)
                m->observer.activation_finished(m, r, m->observer_userdata);
        manager_request_complete(req, r);

        job_free(j);
        notify_manager(m, MANAGER_CHANGED_STATE);
        manager_send_status(m);
        manager_schedule(m);
}

static void on_job_begin(const JobInfo *j, void *userdata) {
        Manager *m = userdata;

        history_record_begin(m->history, j);
}

int manager_start_job(Manager *m, Component *c, JobAction action, ActivationTrigger trigger,
                             bool force_cpu_rendezvous, ManagerRequest *req) {
        JobSettings settings = {
                .root = sysfs_root(m),
                .abi = m->driver.abi,
                .timeout = m->config.job_timeout,
                .write = m->config.job_write,
                .write_userdata = m->config.job_write_userdata,
                .begin = on_job_begin,
                .begin_userdata = m,
        };
        Job *j = NULL;
        int r;

        /* The driver reads force_cpu_rendezvous when the activate write
         * starts: make sure it holds the policy's value, read from the
         * file just now, so a value left by someone else never decides. */
        if (action == JOB_ACTIVATE) {
                r = kernel_settings_apply(m->kernel_settings, sysfs_root(m), c, KERNEL_SETTINGS_ACTIVATION,
                                          force_cpu_rendezvous);
                if (r < 0)
                        return r;
                notify_changed(m, c, (unsigned) r);
        }
        r = job_start(m->event, &settings, c, action, trigger, force_cpu_rendezvous, on_job_done, m, &j);
        if (r < 0)
                return r;
        m->job = j;
        m->job_request = manager_request_ref(req);
        scheduler_job_started(m->scheduler);

        log_event(LOG_INFO, action == JOB_ACTIVATE ? LFA_MESSAGE_ACTIVATION_STARTED : LFA_MESSAGE_PRIME_STARTED,
                  c->uuid, "started", "%s (%s): %s started (%s, CPU rendezvous %s).", c->uuid, strna(c->name),
                  job_action_to_string(action), activation_trigger_to_string(trigger),
                  action == JOB_PRIME ? "n/a" : force_cpu_rendezvous ? "forced" : "skipped");
        if (m->observer.activation_started)
                m->observer.activation_started(m, c->uuid, action, trigger, m->observer_userdata);
        notify_manager(m, MANAGER_CHANGED_STATE);
        manager_send_status(m);
        return 0;
}

/* A sequence runs that lfad did not start (a previous lfad, or by hand):
 * the driver would refuse a second one, so wait for its end. An attempt
 * of a previous lfad not yet settled may still run. */
bool manager_sequence_running(Manager *m) {
        if (m->history && history_unsettled(m->history))
                return true;
        for (size_t i = 0; i < m->n_components; i++)
                if (m->components[i]->state == COMPONENT_STATE_PRIMING ||
                    m->components[i]->state == COMPONENT_STATE_ACTIVATING)
                        return true;
        return false;
}

Component *manager_primed_component(Manager *m) {
        for (size_t i = 0; i < m->n_components; i++)
                if (m->components[i]->state == COMPONENT_STATE_PRIMED)
                        return m->components[i];
        return NULL;
}

/* The checks shared by activate and prime; a negative errno of the table in
 * manager.h, or the component. */
static int manager_validate(Manager *m, const char *uuid, Component **ret) {
        Component *c;

        if (!uuid_is_valid(uuid))
                return -EINVAL;
        c = manager_get_component(m, uuid);
        if (!c)
                return -ENOENT;
        if (c->parse_error)
                return log_warning_errno(EOPNOTSUPP, "%s: refusing, its sysfs data is invalid: %s", c->uuid,
                                         c->parse_error);
        if (c->may_reset_cpu)
                return -EPERM;
        if (!c->activation_capable)
                return -EOPNOTSUPP;
        if (!c->activation_pending)
                return -ENODATA;
        if (m->job || scheduler_window_running(m->scheduler) || manager_sequence_running(m))
                return -EBUSY;
        *ret = c;
        return 0;
}

/*
 * A driver that sends no component uevents (Arm's lfa_fw) answers
 * activation_pending from the firmware on every read, and lfad learns of a
 * new image only by its poll, up to PollIntervalSec late. An explicit
 * request must see what the driver says now, not what the last poll saw.
 * With a sequence running, the driver's own re-read follows its end.
 */
static bool manager_reads_live(Manager *m) {
        return m->driver.abi != DRIVER_ABI_NONE &&
                !driver_has(&m->driver, DRIVER_FEATURE_COMPONENT_UEVENTS) &&
                !m->job && !manager_sequence_running(m);
}

static void manager_read_live_one(Manager *m, const char *uuid) {
        char u[UUID_STRING_MAX];

        if (!manager_reads_live(m) || uuid_normalize(uuid, u) < 0)
                return;
        manager_reread_component(m, u);
}

/* The request of an explicit caller, its handle in *ret (may be NULL)
 * before anything can complete it. */
static int request_begin(ManagerRequestFn cb, void *userdata, ManagerRequest **ret,
                         ManagerRequest **ret_own) {
        int r;

        r = manager_request_new(cb, userdata, ret_own);
        if (r < 0)
                return r;
        if (ret)
                *ret = manager_request_ref(*ret_own);
        return 0;
}

/* Nothing started: the caller gets no handle. */
static int request_abort(ManagerRequest **ret, int error) {
        if (ret)
                *ret = manager_request_unref(*ret);
        return error;
}

int manager_activate(Manager *m, const char *uuid, const ActivateOptions *opts,
                     ManagerRequestFn cb, void *userdata, ManagerRequest **ret) {
        _cleanup_(manager_request_unrefp) ManagerRequest *req = NULL;
        RendezvousRequest rq = opts ? opts->rendezvous : RENDEZVOUS_REQUEST_DEFAULT;
        Component *c = NULL;
        bool force;
        int r;

        if (rq < 0 || rq >= _RENDEZVOUS_REQUEST_MAX)
                return -EINVAL;
        manager_read_live_one(m, uuid);
        r = manager_validate(m, uuid, &c);
        if (r < 0)
                return r;

        switch (rq) {
        case RENDEZVOUS_REQUEST_FORCE:
                force = true;
                break;
        case RENDEZVOUS_REQUEST_SKIP:
                /* An explicit request is an error where a policy file only
                 * gets a warning: the caller asked for something unsafe. */
                if (c->cpu_rendezvous)
                        return -EXDEV;
                force = false;
                break;
        default:
                force = decided_force(m, c);
        }
        /* Another component primed: the firmware would refuse this one. */
        r = scheduler_make_way_for(m->scheduler, c, TRIGGER_MANUAL);
        if (r < 0)
                return -EBUSY;
        r = request_begin(cb, userdata, ret, &req);
        if (r < 0)
                return r;
        r = manager_start_job(m, c, JOB_ACTIVATE, TRIGGER_MANUAL, force, req);
        return r < 0 ? request_abort(ret, r) : 0;
}

int manager_prime(Manager *m, const char *uuid, ManagerRequestFn cb, void *userdata, ManagerRequest **ret) {
        _cleanup_(manager_request_unrefp) ManagerRequest *req = NULL;
        Component *c = manager_get_component(m, uuid);
        int r;

        /* Upstream's driver primes and activates in one write. */
        if (c && !(c->features & DRIVER_FEATURE_PRIME))
                return -ENOSYS;

        r = manager_validate(m, uuid, &c);
        if (r < 0)
                return r;
        /* The firmware holds one primed component at a time. */
        if (manager_primed_component(m))
                return -EBUSY;
        r = request_begin(cb, userdata, ret, &req);
        if (r < 0)
                return r;
        r = manager_start_job(m, c, JOB_PRIME, TRIGGER_MANUAL, true, req);
        return r < 0 ? request_abort(ret, r) : 0;
}

int manager_activate_pending(Manager *m, ManagerRequestFn cb, void *userdata, ManagerRequest **ret) {
        _cleanup_(manager_request_unrefp) ManagerRequest *req = NULL;
        int r;

        if (scheduler_window_running(m->scheduler))
                return -EBUSY;
        /* The timer opens the window whenever the admin said; a workload
         * that holds an inhibitor then (a backup, a benchmark) must not see
         * every CPU stopped. An operator can still Activate explicitly. */
        if (manager_is_inhibited(m)) {
                const char *who = NULL, *reason = NULL;

                (void) inhibitor_registry_get(m->inhibitors, 0, &who, &reason);
                log_info("Window trigger refused: %zu inhibitor(s) held, the first by %s (%s).",
                         inhibitor_registry_count(m->inhibitors), strna(who), strna(reason));
                return -ENOLCK;
        }
        if (manager_reads_live(m))
                (void) manager_resync(m);
        r = request_begin(cb, userdata, ret, &req);
        if (r < 0)
                return r;
        /* The summary may come before this returns, when nothing is left:
         * *ret is the caller's already. */
        r = scheduler_start_window(m->scheduler, req);
        return r < 0 ? request_abort(ret, r) : 0;
}

int manager_cancel(Manager *m, const char *uuid, int *ret_driver_error) {
        Component *c;
        int r;

        if (ret_driver_error)
                *ret_driver_error = 0;
        if (!uuid_is_valid(uuid))
                return -EINVAL;
        c = manager_get_component(m, uuid);
        if (!c)
                return -ENOENT;
        /* Upstream's cancel during a priming returns 0, but the driver primes
         * again and the activation goes on: claiming success would lie. */
        if (m->job && strcmp(job_get_info(m->job)->uuid, c->uuid) == 0 &&
            !driver_has(&m->driver, DRIVER_FEATURE_CANCEL_PRIMING))
                return -ENOSYS;
        r = inventory_write_attribute(sysfs_root(m), c->uuid, "cancel", "1");
        if (r < 0) {
                /* The driver's own EBUSY (a sequence runs) and ENODEV (gone)
                 * are its; otherwise the firmware refused the CANCEL (lfa.ko
                 * maps its code, BUSY to EBUSY too; Arm's driver: EINVAL). */
                if (ret_driver_error && r != -ENODEV && !(r == -EBUSY && (m->job || manager_sequence_running(m))))
                        *ret_driver_error = r;
                return log_warning_errno(r, "%s: cancel failed: %m (%s)", c->uuid, strna(errno_name(r)));
        }
        log_info("%s (%s): cancel requested.", c->uuid, strna(c->name));
        (void) manager_update_one(m, c->uuid);
        return 0;
}

int manager_refresh(Manager *m, int *ret_driver_error) {
        int r;

        if (ret_driver_error)
                *ret_driver_error = 0;
        /* The driver's refresh blocks while a sequence runs; the event loop
         * must not. */
        if (m->job || manager_sequence_running(m))
                return -EBUSY;
        if (driver_has(&m->driver, DRIVER_FEATURE_REFRESH)) {
                r = inventory_refresh(sysfs_root(m));
                if (r < 0) {
                        if (ret_driver_error)
                                *ret_driver_error = r;
                        return r;
                }
        }
        return manager_resync(m);
}

int manager_reload_policy(Manager *m, char **ret_error) {
        _cleanup_free_ char *error = NULL;
        Policy *p = NULL;
        int r;

        r = policy_load(m->config.policy_dirs, &p, &error);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0) {
                log_event(LOG_ERR, LFA_MESSAGE_POLICY_INVALID, NULL, "invalid",
                          "Policy not reloaded, %s stay in force: %s",
                          policy_is_safe_defaults(m->policy) ? "the built-in safe defaults" : "the last good settings",
                          error ?: strerror(-r));
                (void) free_and_strdup(&m->policy_error, error ?: strerror(-r));
                notify_manager(m, MANAGER_CHANGED_POLICY);
                if (ret_error)
                        *ret_error = TAKE_PTR(error);
                return r == -EPERM ? r : -EBADMSG;
        }
        policy_free(m->policy);
        m->policy = p;
        m->policy_error = mfree(m->policy_error);
        log_event(LOG_INFO, LFA_MESSAGE_POLICY_LOADED, NULL, "loaded", "Policy loaded from %zu file(s).",
                  strv_length(policy_get_files(p)));

        for (size_t i = 0; i < m->n_components; i++) {
                Component *c = m->components[i];
                unsigned mask = component_redecide(m, c);

                /* A running activation read force_cpu_rendezvous already;
                 * the next one gets the new value before its write. */
                if (!m->job || strcmp(job_get_info(m->job)->uuid, c->uuid) != 0)
                        mask |= (unsigned) kernel_settings_apply(m->kernel_settings, sysfs_root(m), c,
                                                                 KERNEL_SETTINGS_RELOADED, decided_force(m, c));
                notify_changed(m, c, mask);
        }
        notify_manager(m, MANAGER_CHANGED_POLICY | manager_update_poll(m));
        if (m->observer.policy_reloaded)
                m->observer.policy_reloaded(m, m->observer_userdata);
        manager_schedule(m);
        return 0;
}

void plan_entries_free(PlanEntry *p, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(p[i].name);
                free(p[i].reason);
        }
        free(p);
}

int manager_plan(Manager *m, PlanEntry **ret, size_t *ret_n) {
        PlanEntry *p;

        p = calloc(m->n_components + 1, sizeof(PlanEntry));
        if (!p)
                return -ENOMEM;
        for (size_t i = 0; i < m->n_components; i++) {
                Component *c = m->components[i];
                Decision *d = NULL;
                int r;

                /* Decided afresh, so the plan is right even for a component
                 * whose stored decision predates a reload. */
                r = manager_decide(m, c, &d);
                if (r >= 0)
                        r = scheduler_plan_note(m->scheduler, c, d);
                if (r < 0) {
                        decision_free(d);
                        plan_entries_free(p, i);
                        return r;
                }
                memcpy(p[i].uuid, c->uuid, UUID_STRING_MAX);
                p[i].name = strdup(strna(c->name));
                p[i].action = d->action;
                p[i].force_cpu_rendezvous = d->force_cpu_rendezvous;
                p[i].prime_ahead = d->prime_ahead;
                p[i].reason = TAKE_PTR(d->reason);
                decision_free(d);
                if (!p[i].name) {
                        plan_entries_free(p, i + 1);
                        return -ENOMEM;
                }
        }
        *ret = p;
        *ret_n = m->n_components;
        return 0;
}

void manager_schedule(Manager *m) {
        scheduler_schedule(m->scheduler);
}

char *manager_describe_busy(Manager *m, const char *uuid) {
        return scheduler_describe_busy(m->scheduler, uuid);
}

char *manager_describe_running(Manager *m) {
        return scheduler_describe_running(m->scheduler);
}

int manager_inhibit(Manager *m, const char *who, const char *reason, int *ret_fd) {
        return inhibitor_registry_add(m->inhibitors, who, reason, ret_fd);
}


void manager_handle_uevent(Manager *m, const char *action, const char *uuid,
                           const char *lfa_event, const char *lfa_errno, const char *lfa_action) {
        char u[UUID_STRING_MAX];
        bool terminal, store_updated, refreshed, ours;
        unsigned mask;

        if (uuid_normalize(uuid, u) < 0) {
                log_debug("Ignoring a uevent for '%s': not a component.", uuid);
                return;
        }
        /* lfa.ko reloaded with other parameters: the first uevent of the new
         * instance finds another ABI. Everything is read again (the ABI
         * version, every component), and the driver's change reported.
         * That first uevent is an add or a remove (a new instance adds its
         * components before anything of theirs changes; a lost one makes
         * lfad re-read everything), so a change, such as a store update,
         * need not probe again: the store re-reads only its component. */
        mask = strcmp(action, "change") != 0 ? manager_probe_driver(m) : 0;
        if (mask & MANAGER_CHANGED_DRIVER) {
                log_info("The LFA driver changed (now: %s ABI): re-reading everything.",
                         driver_abi_to_string(m->driver.abi));
                (void) manager_resync(m);
                notify_manager(m, mask);
                return;
        }
        terminal = lfa_event && (strcmp(lfa_event, "activated") == 0 || strcmp(lfa_event, "failed") == 0 ||
                                 strcmp(lfa_event, "primed") == 0);
        store_updated = lfa_event && strcmp(lfa_event, "store-updated") == 0;
        /* store-updated and changed: the driver's refresh, and nothing
         * else, changed the component. */
        refreshed = store_updated || (lfa_event && strcmp(lfa_event, "changed") == 0);
        ours = m->job && strcmp(job_get_info(m->job)->uuid, u) == 0;

        if (store_updated) {
                log_event(LOG_INFO, LFA_MESSAGE_STORE_UPDATED, u, NULL, "%s: firmware store updated.", u);
                scheduler_set_activation_unconfirmed(m->scheduler, u, false);
        }

        if (strcmp(action, "remove") == 0) {
                ssize_t i;

                /* A job for it ends when its write returns. */
                i = component_index(m, u, NULL);
                if (i >= 0) {
                        manager_remove_at(m, (size_t) i);
                        notify_manager(m, MANAGER_CHANGED_COMPONENTS | MANAGER_CHANGED_PENDING_COUNT);
                }
                manager_send_status(m);
                manager_schedule(m);
                return;
        }

        /* lfad's own job: its end re-reads everything and reports the
         * attributes with the result, in one change. */
        if (ours)
                return;

        if (terminal) {
                Component *c = manager_get_component(m, u);
                /* lfad saw this sequence run (its `state`) and was not
                 * waiting for it. The end of lfad's own job, whose write
                 * returned already, finds the state idle; the end of a
                 * previous lfad's attempt settles it (manager_settle()). */
                const HistoryEntry *a = m->history ? history_unsettled(m->history) : NULL;
                bool external = c && (c->state == COMPONENT_STATE_PRIMING ||
                                      c->state == COMPONENT_STATE_ACTIVATING) &&
                                !(a && strcmp(a->uuid, u) == 0);
                Component before = {};

                if (c) {
                        before.current_version = c->current_version;
                        before.pending_version = c->pending_version;
                }
                /* After an activation the whole inventory may differ. */
                (void) manager_resync(m);
                if (external)
                        history_record_external(m->history, u, &before, manager_get_component(m, u), lfa_event,
                                                lfa_errno, lfa_action);
                return;
        }

        unsigned pending = manager_pending_count(m);
        mask = refreshed ? manager_update_refreshed(m, u) : manager_update_one(m, u);
        if (manager_pending_count(m) != pending)
                mask |= MANAGER_CHANGED_PENDING_COUNT;
        /* What the change starts comes before what reports it: a store
         * update's activation waits for no signal. */
        manager_schedule(m);
        notify_manager(m, mask);
        manager_send_status(m);
}

static void on_component_uevent(void *userdata, const char *action, const char *uuid, const char *lfa_event,
                                const char *lfa_errno, const char *lfa_action) {
        manager_handle_uevent(userdata, action, uuid, lfa_event, lfa_errno, lfa_action);
}

static void on_lost_uevents(void *userdata) {
        manager_handle_lost_events(userdata);
}

static void on_device_change(void *userdata) {
        manager_handle_device_change(userdata);
}

static const UdevWatchOps udev_ops = {
        .component_event = on_component_uevent,
        .device_changed = on_device_change,
        .lost = on_lost_uevents,
};

/* LastResult is the last attempt the history holds, across restarts. */
static void manager_restore_results(Manager *m) {
        HistoryEntry *rows = NULL;
        size_t n = 0;
        int r;

        r = history_read(m->history, 0, &rows, &n);
        if (r < 0) {
                log_warning_errno(r, "Failed to read the history for the last results, ignoring: %m");
                return;
        }
        /* Newest first: the first row of a component is its last. */
        for (size_t i = 0; i < n; i++) {
                Component *c = manager_get_component(m, rows[i].uuid);
                ComponentResult *res = c ? &component_record(m, c)->last_result : NULL;

                /* A sequence lfad did not start is not its attempt. */
                if (!res || res->set || strcmp(strempty(rows[i].trigger), "external") == 0)
                        continue;
                res->set = true;
                res->time = rows[i].start + rows[i].duration;
                res->error = rows[i].error;
                (void) free_and_strdup(&res->lfa_code, rows[i].lfa_code);
                (void) free_and_strdup(&res->message, rows[i].message);
        }
        history_entries_free(rows, n);
}

int manager_start(Manager *m) {
        _cleanup_free_ char *error = NULL;
        int r;

        r = policy_load(m->config.policy_dirs, &m->policy, &error);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0) {
                /* One typo must not take the bus API, the history and the
                 * watchdog down with it: serve on what is safe without any
                 * file, say why, and take the fixed files on reload. */
                if (free_and_strdup(&m->policy_error, error ?: strerror(-r)) < 0 ||
                    policy_new_safe_defaults(&m->policy) < 0)
                        return log_oom();
                log_event(LOG_ERR, LFA_MESSAGE_POLICY_DEFAULTS, NULL, "invalid",
                          "Invalid policy, running on the built-in safe defaults (nothing automatic, every CPU "
                          "gathered) until a reload: %s", m->policy_error);
        }

        /* Never give up on a sequence the driver still runs. Upstream's
         * driver has no budget parameters: the default covers its own. */
        if (m->config.job_timeout == 0) {
                char dir[PATH_MAX];

                snprintf(dir, sizeof(dir), "%s/lfa/parameters", m->config.module_root);
                m->config.job_timeout = orchestrator_timeout_from_budgets(dir);
        }
        log_debug("A job may take %" PRIu64 " ms.", m->config.job_timeout / USEC_PER_MSEC);

        r = history_open(m->config.state_dir, HISTORY_MAX_ENTRIES_DEFAULT, &m->history);
        if (r < 0)
                return log_error_errno(r, "Failed to open the history under %s: %m", m->config.state_dir);

        r = pending_poll_new(m->event, on_poll, m, &m->poll);
        if (r < 0)
                return log_oom();

        /* Monitor first, then list: a uevent during coldplug is queued and
         * replayed, never lost. */
        r = udev_watch_new(m->event, &udev_ops, m, &m->udev);
        if (r < 0)
                return r;
        udev_watch_set_queueing(m->udev, true);
        r = manager_resync(m);
        if (r < 0)
                return r;
        udev_watch_replay(m->udev);
        manager_restore_results(m);

        log_info("Coldplug done: %zu components, %u pending; %s driver ABI%s%s, LFA ABI %s.", m->n_components,
                 manager_pending_count(m), driver_abi_to_string(m->driver.abi), m->driver.module[0] ? ", module " : "",
                 m->driver.module, strna(m->abi_version));
        manager_schedule(m);
        return 0;
}
