/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The orchestrator without a bus: its pure rules (retryable errors, backoff,
 * eligibility), one job against a fake sysfs (the worker's write, a failed
 * write, a timeout), and the manager's state machine end to end on a fake
 * /sys/firmware/lfa where the test plays the driver: lfad's write to
 * `activate` blocks (fake-driver.h) until the test has rewritten the
 * attributes, sent the uevent the driver sends, and ends the write with
 * the sequence's errno, as the kernel does.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <systemd/sd-event.h>

#include "fake-driver.h"
#include "log.h"
#include "manager-test.h"
#include "manager.h"
#include "scheduler.h"

#define RMM  "6c0762a6-12f2-4b56-92cb-ba8f633606d9"
#define BL31 "47d4086d-4cfe-9846-9b95-2950cbbd5a00"
#define BMC  "3f7c2d9a-8b1e-4c55-9a60-5d2e7b41c0aa"
#define NEW  "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"

static usec_t now_mono(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

/* Pure rules. */

static void retryable_one(int error, bool expected) {
        if (orchestrator_error_is_retryable(error) != expected)
                fail_msg("errno %d (%s): retryable should be %d", error, strna(errno_name(error)), expected);
}

static void test_retryable(void **state) {
        (void) state;
        retryable_one(-EBUSY, true);
        retryable_one(-ENOMEM, true);
        retryable_one(-EIO, true);
        retryable_one(-EPROTO, true);
        retryable_one(-EBADFD, true);
        retryable_one(-EINVAL, true);
        retryable_one(-ETIMEDOUT, true);
        retryable_one(-EREMOTEIO, true);
        retryable_one(EBUSY, true); /* either sign */
        retryable_one(-EKEYREJECTED, false);
        retryable_one(-EOPNOTSUPP, false);
        retryable_one(-ENOTRECOVERABLE, false);
        retryable_one(-EPERM, false);
        retryable_one(-ENODATA, false);
        retryable_one(-EFAULT, false);
        retryable_one(-ECANCELED, false);
        retryable_one(-ENODEV, false);
        retryable_one(0, false);
}

static void backoff_one(usec_t delay, unsigned failures, usec_t expected) {
        usec_t got = orchestrator_backoff(delay, failures);

        if (got != expected)
                fail_msg("backoff(%llu, %u) = %llu, expected %llu", (unsigned long long) delay, failures,
                         (unsigned long long) got, (unsigned long long) expected);
}

static void test_backoff(void **state) {
        const usec_t day = 86400 * USEC_PER_SEC;

        (void) state;
        backoff_one(60 * USEC_PER_SEC, 0, 0);
        backoff_one(60 * USEC_PER_SEC, 1, 60 * USEC_PER_SEC);
        backoff_one(60 * USEC_PER_SEC, 2, 120 * USEC_PER_SEC);
        backoff_one(60 * USEC_PER_SEC, 5, 960 * USEC_PER_SEC);
        backoff_one(60 * USEC_PER_SEC, 20, day);
        backoff_one(60 * USEC_PER_SEC, UINT32_MAX, day); /* no overflow, no endless loop */
        backoff_one(day, 3, day);
        backoff_one(1, 1, 1);
}

typedef struct EligibleCase {
        DecisionAction decided;
        DecisionAction want;
        bool pending;
        ComponentState state;
        bool garbage;
        unsigned failures;
        usec_t retry_after;
        bool expected;
} EligibleCase;

static void test_eligible(void **state) {
        const usec_t now = 1000 * USEC_PER_SEC;
        static const EligibleCase cases[] = {
                { DECISION_IMMEDIATE, DECISION_IMMEDIATE, true, COMPONENT_STATE_IDLE, false, 0, 0, true },
                { DECISION_IMMEDIATE, DECISION_IMMEDIATE, true, COMPONENT_STATE_PRIMED, false, 0, 0, true },
                { DECISION_IMMEDIATE, DECISION_WINDOW, true, COMPONENT_STATE_IDLE, false, 0, 0, false },
                { DECISION_WINDOW, DECISION_IMMEDIATE, true, COMPONENT_STATE_IDLE, false, 0, 0, false },
                { DECISION_WINDOW, DECISION_WINDOW, true, COMPONENT_STATE_IDLE, false, 0, 0, true },
                { DECISION_NEVER, DECISION_IMMEDIATE, true, COMPONENT_STATE_IDLE, false, 0, 0, false },
                { DECISION_REFUSED, DECISION_IMMEDIATE, true, COMPONENT_STATE_IDLE, false, 0, 0, false },
                /* Already running (perhaps from before a restart): never twice. */
                { DECISION_IMMEDIATE, DECISION_IMMEDIATE, true, COMPONENT_STATE_ACTIVATING, false, 0, 0, false },
                { DECISION_IMMEDIATE, DECISION_IMMEDIATE, true, COMPONENT_STATE_PRIMING, false, 0, 0, false },
                { DECISION_WINDOW, DECISION_WINDOW, true, COMPONENT_STATE_ACTIVATING, false, 0, 0, false },
                { DECISION_IMMEDIATE, DECISION_IMMEDIATE, false, COMPONENT_STATE_IDLE, false, 0, 0, false },
                { DECISION_IMMEDIATE, DECISION_IMMEDIATE, true, COMPONENT_STATE_IDLE, true, 0, 0, false },
                /* Retries: bounded (limit 2 below) and after the backoff. */
                { DECISION_IMMEDIATE, DECISION_IMMEDIATE, true, COMPONENT_STATE_IDLE, false, 2, 0, true },
                { DECISION_IMMEDIATE, DECISION_IMMEDIATE, true, COMPONENT_STATE_IDLE, false, 3, 0, false },
                { DECISION_IMMEDIATE, DECISION_IMMEDIATE, true, COMPONENT_STATE_IDLE, false, 1, 1001 * USEC_PER_SEC, false },
                { DECISION_IMMEDIATE, DECISION_IMMEDIATE, true, COMPONENT_STATE_IDLE, false, 1, 999 * USEC_PER_SEC, true },
                /* The window takes what failed before: an operator's trigger. */
                { DECISION_WINDOW, DECISION_WINDOW, true, COMPONENT_STATE_IDLE, false, 9, 2000 * USEC_PER_SEC, true },
        };

        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                Decision d = { .action = cases[i].decided, .retry_limit = 2 };
                Component c = {
                        .activation_pending = cases[i].pending,
                        .state = cases[i].state,
                        .parse_error = cases[i].garbage ? (char *) "x" : NULL,
                };
                RetryState rs = { .failures = cases[i].failures, .retry_after = cases[i].retry_after };

                if (scheduler_is_eligible(&c, &d, &rs, cases[i].want, now) != cases[i].expected ||
                    (cases[i].failures == 0 && cases[i].retry_after == 0 &&
                     scheduler_is_eligible(&c, &d, NULL, cases[i].want, now) != cases[i].expected))
                        fail_msg("case %zu: expected %d", i, cases[i].expected);
                /* An activation the driver did not confirm: never again
                 * automatically, in the window neither. */
                rs.activated_unconfirmed = true;
                if (scheduler_is_eligible(&c, &d, &rs, cases[i].want, now))
                        fail_msg("case %zu: eligible though unconfirmed", i);
        }
}

static void test_wants_prime(void **state) {
        Decision d = { .action = DECISION_WINDOW, .prime_ahead = true };
        Component c = { .activation_pending = true, .state = COMPONENT_STATE_IDLE };

        (void) state;
        assert_true(scheduler_wants_prime(&c, &d, NULL));
        c.state = COMPONENT_STATE_PRIMED;
        assert_false(scheduler_wants_prime(&c, &d, NULL));
        c.state = COMPONENT_STATE_IDLE;
        assert_false(scheduler_wants_prime(&c, &d, &(RetryState) { .failures = 1 }));
        assert_true(scheduler_wants_prime(&c, &d, &(RetryState) {}));
        assert_false(scheduler_wants_prime(&c, &d, &(RetryState) { .activated_unconfirmed = true }));
        d.prime_ahead = false;
        assert_false(scheduler_wants_prime(&c, &d, NULL));
        d.prime_ahead = true;
        c.activation_pending = false;
        assert_false(scheduler_wants_prime(&c, &d, NULL));
        assert_false(scheduler_wants_prime(&c, NULL, NULL));
}

static void test_result_retryable(void **state) {
        ActivationResult r = { .error = -ECANCELED };

        (void) state;
        /* Cancelled by someone: never again by itself. */
        assert_false(orchestrator_result_is_retryable(&r));
        /* Upstream's -ECANCELED: a failure nobody names, perhaps transient. */
        r.firmware_failed = true;
        assert_true(orchestrator_result_is_retryable(&r));
        r = (ActivationResult) { .error = -EKEYREJECTED };
        assert_false(orchestrator_result_is_retryable(&r));
        r.error = -EBUSY;
        assert_true(orchestrator_result_is_retryable(&r));
        r.error = 0;
        assert_false(orchestrator_result_is_retryable(&r));
}

static void test_timeout_from_budgets(void **state) {
        char dir[] = "/tmp/test-budgets-XXXXXX", path[128];
        FILE *f;

        (void) state;
        assert_non_null(mkdtemp(dir));
        assert_int_equal(orchestrator_timeout_from_budgets(dir), JOB_TIMEOUT_USEC_DEFAULT);
        snprintf(path, sizeof(path), "%s/prime_budget_ms", dir);
        f = fopen(path, "we");
        fputs("30000\n", f);
        fclose(f);
        assert_int_equal(orchestrator_timeout_from_budgets(dir), JOB_TIMEOUT_USEC_DEFAULT);
        snprintf(path, sizeof(path), "%s/activate_budget_ms", dir);
        f = fopen(path, "we");
        fputs("120000\n", f);
        fclose(f);
        assert_int_equal(orchestrator_timeout_from_budgets(dir), 160 * USEC_PER_SEC);
        f = fopen(path, "we");
        fputs("99999999999\n", f); /* garbage: more than a day */
        fclose(f);
        assert_int_equal(orchestrator_timeout_from_budgets(dir), JOB_TIMEOUT_USEC_DEFAULT);
        f = fopen(path, "we");
        fputs("-1\n", f);
        fclose(f);
        assert_int_equal(orchestrator_timeout_from_budgets(dir), JOB_TIMEOUT_USEC_DEFAULT);
        snprintf(path, sizeof(path), "rm -rf '%s'", dir);
        assert_int_equal(system(path), 0);
}

static void test_strings(void **state) {
        (void) state;
        assert_string_equal(manager_state_to_string(MANAGER_STATE_ACTIVATING), "activating");
        assert_string_equal(job_action_to_string(JOB_PRIME), "prime");
        assert_string_equal(activation_trigger_to_string(TRIGGER_PRIME_AHEAD), "prime-ahead");
        assert_null(activation_trigger_to_string(_TRIGGER_MAX));
        for (int i = 0; i < _RENDEZVOUS_REQUEST_MAX; i++)
                assert_int_equal(rendezvous_request_from_string(rendezvous_request_to_string(i)), i);
        assert_int_equal(rendezvous_request_from_string("sometimes"), -EINVAL);
}

/* The world: a fake sysfs, policy and state directories, an event loop. */
typedef struct World {
        char dir[64];
        char sysfs[96], policy[96], state[96], modules[96];
        sd_event *event;
        Manager *manager;
        unsigned added, removed, changed, started, finished, policy_reloads;
        unsigned manager_changes;
        unsigned last_changed_mask;
        ActivationResult last;          /* copy of the last finished result */
        char last_uuid[UUID_STRING_MAX];
        char last_code[32];
        int cb_calls;
        ActivationResult cb_result;
        /* A window run's outcomes, as its request keeps them: uuids in the
         * order they ended, and the first failure. */
        char cb_uuids[256];
        int cb_first_error;
        bool cb_first_firmware_failed;
} World;

static World *W;

static void path_of(char *buf, size_t n, const char *uuid, const char *attr) {
        if (uuid)
                snprintf(buf, n, "%s/%s/%s", W->sysfs, uuid, attr);
        else
                snprintf(buf, n, "%s/%s", W->sysfs, attr);
}

static void put(const char *uuid, const char *attr, const char *value) {
        char path[256];
        FILE *f;

        if (uuid) {
                snprintf(path, sizeof(path), "%s/%s", W->sysfs, uuid);
                (void) mkdir(path, 0755);
        }
        path_of(path, sizeof(path), uuid, attr);
        f = fopen(path, "we");
        assert_non_null(f);
        fputs(value, f);
        assert_int_equal(fclose(f), 0);
}

static void get(const char *uuid, const char *attr, char *buf, size_t n) {
        char path[256];
        FILE *f;

        path_of(path, sizeof(path), uuid, attr);
        f = fopen(path, "re");
        assert_non_null(f);
        buf[0] = 0;
        if (!fgets(buf, (int) n, f))
                buf[0] = 0;
        fclose(f);
        buf[strcspn(buf, "\n")] = 0;
}

/* A component as the driver shows it; flags "c p r v": capable, pending,
 * may reset a CPU, rendezvous required. */
static void component(const char *uuid, bool capable, bool pending, bool may_reset, bool rendezvous) {
        put(uuid, "name", uuid);
        put(uuid, "seq_id", "0\n");
        put(uuid, "current_version", "1.0\n");
        put(uuid, "pending_version", pending ? "1.1\n" : "N/A\n");
        put(uuid, "activation_capable", capable ? "1\n" : "0\n");
        put(uuid, "activation_pending", pending ? "1\n" : "0\n");
        put(uuid, "may_reset_cpu", may_reset ? "1\n" : "0\n");
        put(uuid, "cpu_rendezvous", rendezvous ? "1\n" : "0\n");
        put(uuid, "force_cpu_rendezvous", "1\n");
        put(uuid, "state", "idle\n");
        put(uuid, "last_error", "");
        put(uuid, "activate", "");
        put(uuid, "prime", "");
        put(uuid, "cancel", "");
}

static void write_policy(const char *name, const char *text) {
        char path[256];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", W->policy, name);
        f = fopen(path, "we");
        assert_non_null(f);
        fputs(text, f);
        assert_int_equal(fclose(f), 0);
}

static void on_added(Manager *m, Component *c, void *u) {
        (void) m, (void) c, (void) u;
        W->added++;
}

static void on_removed(Manager *m, Component *c, void *u) {
        (void) m, (void) c, (void) u;
        W->removed++;
}

static void on_changed(Manager *m, Component *c, unsigned mask, void *u) {
        (void) m, (void) c, (void) u;
        assert_true(mask != 0);
        W->changed++;
        W->last_changed_mask = mask;
}

static void on_manager_changed(Manager *m, unsigned mask, void *u) {
        (void) m, (void) u;
        assert_true(mask != 0);
        W->manager_changes++;
}

static void on_started(Manager *m, const char *uuid, JobAction a, ActivationTrigger t, void *u) {
        (void) m, (void) uuid, (void) a, (void) t, (void) u;
        W->started++;
}

static void on_finished(Manager *m, const ActivationResult *r, void *u) {
        (void) m, (void) u;
        W->finished++;
        W->last = *r;
        snprintf(W->last_uuid, sizeof(W->last_uuid), "%s", r->uuid);
        snprintf(W->last_code, sizeof(W->last_code), "%s", strempty(r->lfa_code));
        W->last.uuid = W->last_uuid;
        W->last.lfa_code = r->lfa_code ? W->last_code : NULL;
        W->last.name = NULL;
        W->last.message = NULL;
}

static void on_policy(Manager *m, void *u) {
        (void) m, (void) u;
        W->policy_reloads++;
}

static void on_done(ManagerRequest *req, const ActivationResult *r, void *u) {
        assert_ptr_equal(u, W);
        W->cb_uuids[0] = '\0';
        W->cb_first_error = 0;
        W->cb_first_firmware_failed = false;
        for (size_t i = 0; i < manager_request_n_results(req); i++) {
                const ActivationResult *o = manager_request_result_at(req, i);

                strncat(W->cb_uuids, o->uuid, sizeof(W->cb_uuids) - strlen(W->cb_uuids) - 2);
                strcat(W->cb_uuids, " ");
                if (o->error != 0 && W->cb_first_error == 0) {
                        W->cb_first_error = o->error;
                        W->cb_first_firmware_failed = o->firmware_failed;
                }
        }
        assert_null(manager_request_result_at(req, manager_request_n_results(req)));
        W->cb_calls++;
        W->cb_result = *r;
        W->cb_result.uuid = NULL;
        W->cb_result.name = NULL;
        W->cb_result.message = NULL;
        W->cb_result.lfa_code = NULL;
}

static int world_setup(void **state) {
        W = calloc(1, sizeof(*W));
        assert_non_null(W);
        strcpy(W->dir, "/tmp/test-orchestrator-XXXXXX");
        assert_non_null(mkdtemp(W->dir));
        snprintf(W->sysfs, sizeof(W->sysfs), "%s/sys", W->dir);
        snprintf(W->policy, sizeof(W->policy), "%s/lfa.d", W->dir);
        snprintf(W->state, sizeof(W->state), "%s/state", W->dir);
        snprintf(W->modules, sizeof(W->modules), "%s/module", W->dir);
        assert_int_equal(mkdir(W->sysfs, 0755), 0);
        assert_int_equal(mkdir(W->policy, 0755), 0);
        put(NULL, "version", "1.0\n");
        put(NULL, "refresh", "");
        assert_int_equal(sd_event_new(&W->event), 0);
        *state = W;
        return 0;
}

static int world_teardown(void **state) {
        char cmd[128];

        (void) state;
        fake_driver_release_all();
        manager_free(W->manager);
        sd_event_unref(W->event);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", W->dir);
        assert_int_equal(system(cmd), 0);
        free(W);
        W = NULL;
        return 0;
}

/* What <state>/attempt held when the driver's write began (the worker
 * thread writes it, the test reads it): the record comes first. */
static pthread_mutex_t attempt_lock = PTHREAD_MUTEX_INITIALIZER;
static char attempt_at_write[512];

static int write_after_attempt(const char *path, void *userdata) {
        _cleanup_fclose_ FILE *f = NULL;
        char p[128], line[sizeof(attempt_at_write)] = "";

        snprintf(p, sizeof(p), "%s/attempt", W->state);
        f = fopen(p, "re");
        if (f && !fgets(line, sizeof(line), f))
                line[0] = 0;
        pthread_mutex_lock(&attempt_lock);
        memcpy(attempt_at_write, line, sizeof(line));
        pthread_mutex_unlock(&attempt_lock);
        return fake_driver_write(path, userdata);
}

static bool attempt_recorded_before_write(const char *uuid) {
        bool found;

        pthread_mutex_lock(&attempt_lock);
        found = strcasestr(attempt_at_write, uuid) != NULL;
        pthread_mutex_unlock(&attempt_lock);
        return found;
}

/* write: the driver the jobs write to; NULL: lfad's own write(2). */
static void world_start_writing(usec_t job_timeout, JobWriteFn write) {
        char *dirs[] = { W->policy, NULL };
        ManagerConfig config = {
                .policy_dirs = dirs,
                .state_dir = W->state,
                .sysfs_root = W->sysfs,
                .module_root = W->modules,
                .job_timeout = job_timeout,
                .job_write = write,
        };

        assert_int_equal(manager_new(W->event, &config, &W->manager), 0);
        manager_set_observer(W->manager, &(const ManagerObserver) {
                .component_added = on_added,
                .component_removed = on_removed,
                .component_changed = on_changed,
                .manager_changed = on_manager_changed,
                .activation_started = on_started,
                .activation_finished = on_finished,
                .policy_reloaded = on_policy,
        }, NULL);
        assert_int_equal(manager_start(W->manager), 0);
}

static void world_start(usec_t job_timeout) {
        world_start_writing(job_timeout, write_after_attempt);
}

/* Run the loop until cond() holds, at most timeout. */
static bool run_until(bool (*cond)(void), usec_t timeout) {
        usec_t end = now_mono() + timeout;

        while (!cond()) {
                if (now_mono() > end)
                        return false;
                assert_true(sd_event_run(W->event, 20 * USEC_PER_MSEC) >= 0);
        }
        return true;
}

/* Run the loop for a while, whatever happens. */
static void run_for(usec_t t) {
        usec_t end = now_mono() + t;

        while (now_mono() < end)
                assert_true(sd_event_run(W->event, 10 * USEC_PER_MSEC) >= 0);
}

static const char *watched;

static bool activate_written(void) {
        char buf[16];

        get(watched, "activate", buf, sizeof(buf));
        return strcmp(buf, "1") == 0;
}

static bool prime_written(void) {
        char buf[16];

        get(watched, "prime", buf, sizeof(buf));
        return strcmp(buf, "1") == 0;
}

static unsigned want_finished;
static bool finished_reached(void) {
        return W->finished >= want_finished;
}

static bool window_over(void) {
        return !scheduler_window_running(manager_get_scheduler(W->manager));
}

static bool cb_called(void) {
        return W->cb_calls > 0;
}

/* Wait for lfad's write to `activate` of uuid, and clear it. */
static void expect_activate(const char *uuid) {
        watched = uuid;
        if (!run_until(activate_written, 5 * USEC_PER_SEC))
                fail_msg("%s: lfad did not write activate", uuid);
        put(uuid, "activate", "");
}

/* The end of the sequence: the write returns with error, and the job with it. */
static void driver_end(const char *uuid, int error) {
        want_finished = W->finished + 1;
        fake_driver_end(error);
        if (!run_until(finished_reached, 5 * USEC_PER_SEC))
                fail_msg("%s: the job did not finish", uuid);
}

/* The driver's side of a successful activation: the terminal uevent goes
 * out before the write returns, and ends nothing by itself. */
static void driver_activated(const char *uuid) {
        put(uuid, "activation_pending", "0\n");
        put(uuid, "pending_version", "N/A\n");
        put(uuid, "current_version", "1.1\n");
        put(uuid, "state", "idle\n");
        manager_handle_uevent(W->manager, "change", uuid, "activated", NULL, "activate");
        assert_int_not_equal(manager_get_state(W->manager, NULL), MANAGER_STATE_IDLE);
        driver_end(uuid, 0);
}

static void driver_failed(const char *uuid, const char *errname, const char *last_error) {
        put(uuid, "state", "idle\n");
        put(uuid, "last_error", last_error);
        manager_handle_uevent(W->manager, "change", uuid, "failed", errname, "activate");
        driver_end(uuid, -errno_from_name(errname));
}

static void assert_attr(const char *uuid, const char *attr, const char *expected) {
        char buf[64];

        get(uuid, attr, buf, sizeof(buf));
        if (strcmp(buf, expected) != 0)
                fail_msg("%s/%s is '%s', expected '%s'", uuid, attr, buf, expected);
}

static size_t history_count(void) {
        HistoryEntry *e = NULL;
        size_t n = 0;

        assert_int_equal(history_read(manager_get_history(W->manager), 0, &e, &n), 0);
        history_entries_free(e, n);
        return n;
}

static void test_immediate_skip_allowed(void **state) {
        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=immediate\nCpuRendezvous=skip\n");
        component(RMM, true, true, false, false);
        world_start(0);
        assert_int_equal(W->added, 1);

        expect_activate(RMM);
        /* Set before the write, to what the policy says. */
        assert_attr(RMM, "force_cpu_rendezvous", "0");
        /* On disk before the write began: a crash during it is settled
         * at the next start. */
        assert_true(attempt_recorded_before_write(RMM));
        assert_int_equal(manager_get_state(W->manager, NULL), MANAGER_STATE_ACTIVATING);
        assert_int_equal(W->started, 1);

        unsigned changed = W->changed;
        driver_activated(RMM);
        assert_int_equal(W->last.error, 0);
        assert_false(W->last.force_cpu_rendezvous);
        /* One change for the new attributes and the result together. */
        assert_int_equal(W->changed, changed + 1);
        assert_true(W->last_changed_mask & COMPONENT_CHANGED_LAST_RESULT);
        assert_true(W->last_changed_mask & COMPONENT_CHANGED_ACTIVATION_PENDING);
        assert_true(W->last_changed_mask & COMPONENT_CHANGED_CURRENT_VERSION);
        assert_int_equal(W->last.trigger, TRIGGER_AUTO);
        assert_int_equal(manager_get_state(W->manager, NULL), MANAGER_STATE_IDLE);
        assert_int_equal(manager_pending_count(W->manager), 0);

        /* The uevents lfad's own activation causes start nothing more. */
        manager_handle_uevent(W->manager, "change", RMM, "changed", NULL, NULL);
        run_for(200 * USEC_PER_MSEC);
        assert_attr(RMM, "activate", "");
        assert_int_equal(W->started, 1);

        /* Recorded: versions before and after, rendezvous, trigger. */
        HistoryEntry *e = NULL;
        size_t n = 0;
        assert_int_equal(history_read(manager_get_history(W->manager), 0, &e, &n), 0);
        assert_int_equal(n, 1);
        assert_string_equal(e[0].uuid, RMM);
        assert_string_equal(e[0].version_before, "1.0");
        assert_string_equal(e[0].version_after, "1.1");
        assert_string_equal(e[0].trigger, "auto");
        assert_false(e[0].rendezvous);
        assert_int_equal(e[0].error, 0);
        history_entries_free(e, n);

        const ComponentResult *res = manager_get_last_result(W->manager, "6C0762A6-12F2-4B56-92CB-BA8F633606D9");
        assert_non_null(res);
        assert_true(res->set);
        assert_int_equal(res->error, 0);
}

static void test_skip_where_required_is_forced(void **state) {
        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=immediate\nCpuRendezvous=skip\n");
        component(RMM, true, true, false, true);
        put(RMM, "force_cpu_rendezvous", "0\n"); /* someone left it off */
        world_start(0);
        expect_activate(RMM);
        assert_attr(RMM, "force_cpu_rendezvous", "1");
        assert_true(manager_get_decision(W->manager, RMM)->rendezvous_overridden);
        driver_activated(RMM);
        assert_true(W->last.force_cpu_rendezvous);
}

static void test_may_reset_cpu_never(void **state) {
        ActivateOptions o = {};

        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=immediate\n[Component " BL31 "]\nAutoActivate=immediate\n");
        component(BL31, true, true, true, true);
        world_start(0);
        run_for(300 * USEC_PER_MSEC);
        assert_attr(BL31, "activate", "");
        assert_int_equal(W->started, 0);
        assert_int_equal(manager_get_decision(W->manager, BL31)->action, DECISION_REFUSED);
        assert_int_equal(manager_activate(W->manager, BL31, &o, NULL, NULL, NULL), -EPERM);
        assert_int_equal(manager_prime(W->manager, BL31, NULL, NULL, NULL), -EPERM);
}

static void test_activate_validation(void **state) {
        ActivateOptions skip = { .rendezvous = RENDEZVOUS_REQUEST_SKIP };
        ActivateOptions bad = { .rendezvous = 7 };

        (void) state;
        component(RMM, true, true, false, true);        /* rendezvous required */
        component(BMC, true, false, false, false);      /* not pending */
        component(NEW, false, true, false, false);      /* not capable */
        world_start(0);
        assert_int_equal(manager_activate(W->manager, "nonsense", NULL, NULL, NULL, NULL), -EINVAL);
        assert_int_equal(manager_activate(W->manager, BL31, NULL, NULL, NULL, NULL), -ENOENT);
        assert_int_equal(manager_activate(W->manager, BMC, NULL, NULL, NULL, NULL), -ENODATA);
        assert_int_equal(manager_activate(W->manager, NEW, NULL, NULL, NULL, NULL), -EOPNOTSUPP);
        assert_int_equal(manager_activate(W->manager, RMM, &skip, NULL, NULL, NULL), -EXDEV);
        assert_int_equal(manager_activate(W->manager, RMM, &bad, NULL, NULL, NULL), -EINVAL);
        assert_int_equal(manager_cancel(W->manager, BL31, NULL), -ENOENT);
        assert_int_equal(manager_cancel(W->manager, "x", NULL), -EINVAL);
        assert_int_equal(W->started, 0);

        /* The default policy does nothing by itself; an explicit call does. */
        assert_int_equal(manager_activate(W->manager, RMM, NULL, on_done, W, NULL), 0);
        assert_int_equal(manager_activate(W->manager, RMM, NULL, NULL, NULL, NULL), -EBUSY);
        /* The window trigger waits for the running job, then runs. */
        assert_int_equal(manager_activate_pending(W->manager, NULL, NULL, NULL), 0);
        assert_int_equal(manager_activate_pending(W->manager, NULL, NULL, NULL), -EBUSY);
        assert_true(scheduler_window_running(manager_get_scheduler(W->manager)));
        assert_int_equal(manager_refresh(W->manager, NULL), -EBUSY);
        const char *uuid;
        assert_int_equal(manager_get_state(W->manager, &uuid), MANAGER_STATE_ACTIVATING);
        assert_string_equal(uuid, RMM);
        expect_activate(RMM);
        assert_attr(RMM, "force_cpu_rendezvous", "1");
        driver_activated(RMM);
        assert_int_equal(W->cb_calls, 1);
        assert_int_equal(W->cb_result.error, 0);
        assert_int_equal(W->cb_result.trigger, TRIGGER_MANUAL);
        if (!run_until(window_over, USEC_PER_SEC))
                fail_msg("the queued window run did not end");

        /* Cancel reaches the driver's file. */
        assert_int_equal(manager_cancel(W->manager, RMM, NULL), 0);
        assert_attr(RMM, "cancel", "1");
        /* Refresh writes refresh and re-reads. */
        assert_int_equal(manager_refresh(W->manager, NULL), 0);
        assert_attr(NULL, "refresh", "1");
}

/* A caller gone cancels its request: its callback never runs, the job or
 * window run goes on, and the outcome still reaches the observer (the
 * ActivationFinished signal). */
static void test_request_cancelled(void **state) {
        ManagerRequest *req = NULL;

        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=window\n");
        component(RMM, true, true, false, true);
        component(NEW, true, true, false, true);
        world_start(0);

        assert_int_equal(manager_activate(W->manager, RMM, NULL, on_done, W, &req), 0);
        assert_non_null(req);
        assert_false(manager_request_is_done(req));
        manager_request_cancel(req);
        expect_activate(RMM);
        driver_activated(RMM);
        assert_int_equal(W->finished, 1);
        assert_string_equal(W->last.uuid, RMM);
        assert_int_equal(W->last.trigger, TRIGGER_MANUAL);
        assert_int_equal(W->last.error, 0);
        assert_int_equal(W->cb_calls, 0);
        assert_true(manager_request_is_done(req));
        req = manager_request_unref(req);

        /* The window run: the caller drops its handle at once. */
        assert_int_equal(manager_activate_pending(W->manager, on_done, W, &req), 0);
        assert_non_null(req);
        req = manager_request_cancel_unref(req);
        expect_activate(NEW);
        driver_activated(NEW);
        if (!run_until(window_over, USEC_PER_SEC))
                fail_msg("the window run did not end");
        assert_int_equal(W->finished, 2);
        assert_string_equal(W->last.uuid, NEW);
        assert_int_equal(W->last.trigger, TRIGGER_WINDOW);
        assert_int_equal(W->cb_calls, 0);

        /* A request kept, not cancelled: its callback runs once, after the
         * observer's, and the handle outlives the run. */
        assert_int_equal(manager_activate_pending(W->manager, on_done, W, &req), 0);
        assert_int_equal(W->cb_calls, 1);
        assert_int_equal(W->cb_result.n_attempted, 0);
        assert_true(manager_request_is_done(req));
        manager_request_cancel(req);
        req = manager_request_unref(req);
        assert_int_equal(W->cb_calls, 1);
}

static void test_failure_not_retried_forever(void **state) {
        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=immediate\nRetryLimit=1\nRetryDelaySec=1\n");
        component(RMM, true, true, false, true);
        world_start(0);

        expect_activate(RMM);
        driver_failed(RMM, "EBUSY", "EBUSY BUSY -2 PRIME\n");
        assert_int_equal(W->last.error, -EBUSY);
        assert_string_equal(W->last.lfa_code, "BUSY");
        /* Not at once: after the backoff. */
        run_for(300 * USEC_PER_MSEC);
        assert_attr(RMM, "activate", "");

        expect_activate(RMM);                   /* the one retry */
        driver_failed(RMM, "EBUSY", "EBUSY BUSY -2 PRIME\n");
        run_for(2500 * USEC_PER_MSEC);          /* past any backoff */
        assert_attr(RMM, "activate", "");
        assert_int_equal(W->started, 2);
        assert_int_equal(history_count(), 2);

        /* A new image in the store deserves fresh attempts. */
        put(RMM, "pending_version", "1.2\n");
        put(RMM, "last_error", "");
        manager_handle_uevent(W->manager, "change", RMM, "store-updated", NULL, NULL);
        expect_activate(RMM);
        driver_activated(RMM);
        assert_int_equal(W->started, 3);
}

/* The decision is the scheduler's, kept apart from the retries: a new
 * pending image gives fresh attempts, not a new decision (no Decision
 * change to announce); a component gone takes it with it. */
static void test_decision_outlives_retries(void **state) {
        const Decision *d;
        char cmd[300];

        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=window\n");
        component(RMM, true, true, false, true);
        world_start(0);
        d = manager_get_decision(W->manager, RMM);
        assert_non_null(d);
        assert_int_equal(d->action, DECISION_WINDOW);

        scheduler_reset_retries(manager_get_scheduler(W->manager), RMM);
        assert_ptr_equal(manager_get_decision(W->manager, RMM), d);

        put(RMM, "pending_version", "1.2\n");
        manager_handle_uevent(W->manager, "change", RMM, "store-updated", NULL, NULL);
        assert_true(W->last_changed_mask & COMPONENT_CHANGED_PENDING_VERSION);
        assert_false(W->last_changed_mask & COMPONENT_CHANGED_DECISION);
        d = manager_get_decision(W->manager, RMM);
        assert_non_null(d);
        assert_int_equal(d->action, DECISION_WINDOW);

        snprintf(cmd, sizeof(cmd), "rm -rf '%s/%s'", W->sysfs, RMM);
        assert_int_equal(system(cmd), 0);
        manager_handle_uevent(W->manager, "remove", RMM, NULL, NULL, NULL);
        assert_null(manager_get_component(W->manager, RMM));
        assert_null(manager_get_decision(W->manager, RMM));
}

static void test_permanent_failure_not_retried(void **state) {
        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=immediate\nRetryLimit=5\nRetryDelaySec=1\n");
        component(RMM, true, true, false, true);
        world_start(0);
        expect_activate(RMM);
        driver_failed(RMM, "EKEYREJECTED", "EKEYREJECTED AUTH_ERROR -3 PRIME\n");
        assert_int_equal(W->last.error, -EKEYREJECTED);
        assert_string_equal(W->last.lfa_code, "AUTH_ERROR");
        run_for(1500 * USEC_PER_MSEC);
        assert_attr(RMM, "activate", "");
        assert_int_equal(W->started, 1);

        const ComponentResult *res = manager_get_last_result(W->manager, RMM);
        assert_int_equal(res->error, -EKEYREJECTED);
        assert_string_equal(res->lfa_code, "AUTH_ERROR");
}

static void test_window_mode(void **state) {
        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=window\n[Component " BMC "]\nAutoActivate=never\n");
        component(RMM, true, true, false, true);
        component(NEW, true, true, false, true);
        component(BMC, true, true, false, false);
        world_start(0);
        run_for(300 * USEC_PER_MSEC);
        assert_int_equal(W->started, 0);

        assert_int_equal(manager_activate_pending(W->manager, on_done, W, NULL), 0);
        /* One after another, in UUID order, never the "never" one. */
        expect_activate(NEW);
        assert_attr(RMM, "activate", "");
        driver_activated(NEW);
        expect_activate(RMM);
        driver_activated(RMM);
        /* The summary comes once the run finds nothing more to do. */
        if (!run_until(cb_called, USEC_PER_SEC))
                fail_msg("window run did not end");
        assert_int_equal(W->cb_calls, 1);
        assert_int_equal(W->cb_result.n_attempted, 2);
        assert_int_equal(W->cb_result.n_succeeded, 2);
        assert_int_equal(W->cb_result.n_failed, 0);
        /* Each outcome, in the order they ended, for the caller's reply. */
        assert_string_equal(W->cb_uuids, NEW " " RMM " ");
        assert_attr(BMC, "activate", "");
        assert_true(manager_get_component(W->manager, BMC)->activation_pending);

        /* Nothing left: the summary comes at once. */
        W->cb_calls = 0;
        assert_int_equal(manager_activate_pending(W->manager, on_done, W, NULL), 0);
        assert_int_equal(W->cb_calls, 1);
        assert_int_equal(W->cb_result.n_attempted, 0);
        assert_string_equal(W->cb_uuids, "");
}

static void test_prime_ahead_one_at_a_time(void **state) {
        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=window\nPrimeAhead=yes\n");
        component(RMM, true, true, false, true);
        component(NEW, true, true, false, true);
        world_start(0);

        watched = NEW;
        if (!run_until(prime_written, 5 * USEC_PER_SEC))
                fail_msg("no prime");
        put(NEW, "prime", "");
        put(NEW, "state", "primed\n");
        manager_handle_uevent(W->manager, "change", NEW, "primed", NULL, "prime");
        driver_end(NEW, 0);
        assert_int_equal(W->last.action, JOB_PRIME);
        assert_int_equal(W->last.trigger, TRIGGER_PRIME_AHEAD);

        /* The firmware holds one primed component: no second prime. */
        run_for(300 * USEC_PER_MSEC);
        assert_attr(RMM, "prime", "");
        assert_int_equal(manager_prime(W->manager, RMM, NULL, NULL, NULL), -EBUSY);
        assert_int_equal(manager_activate(W->manager, RMM, NULL, NULL, NULL, NULL), -EBUSY);
}

static void test_inhibitor(void **state) {
        int fd = -1;

        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=immediate\n");
        component(RMM, true, false, false, true);
        world_start(0);
        assert_int_equal(manager_inhibit(W->manager, "test", "benchmark running", &fd), 0);
        assert_true(fd >= 0);
        assert_true(manager_is_inhibited(W->manager));
        const char *who = NULL, *reason = NULL;
        assert_int_equal(inhibitor_registry_count(manager_get_inhibitors(W->manager)), 1);
        assert_true(inhibitor_registry_get(manager_get_inhibitors(W->manager), 0, &who, &reason));
        assert_string_equal(who, "test");
        assert_string_equal(reason, "benchmark running");
        assert_false(inhibitor_registry_get(manager_get_inhibitors(W->manager), 1, &who, &reason));

        /* A store update while inhibited: nothing happens. */
        put(RMM, "activation_pending", "1\n");
        put(RMM, "pending_version", "1.1\n");
        manager_handle_uevent(W->manager, "change", RMM, "store-updated", NULL, NULL);
        run_for(300 * USEC_PER_MSEC);
        assert_attr(RMM, "activate", "");
        assert_int_equal(manager_pending_count(W->manager), 1);

        /* The unattended window trigger is held off too. */
        assert_int_equal(manager_activate_pending(W->manager, NULL, NULL, NULL), -ENOLCK);
        assert_false(scheduler_window_running(manager_get_scheduler(W->manager)));
        assert_attr(RMM, "activate", "");

        /* Released: it goes. */
        close(fd);
        expect_activate(RMM);
        assert_false(manager_is_inhibited(W->manager));
        driver_activated(RMM);
}

static void test_components_change_after_activation(void **state) {
        char path[256], cmd[300];

        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=immediate\n");
        component(RMM, true, true, false, true);
        component(BMC, true, false, false, true);
        world_start(0);
        assert_int_equal(W->added, 2);
        expect_activate(RMM);

        /* The activation removed BMC, added NEW (pending) and renumbered. */
        snprintf(path, sizeof(path), "%s/%s", W->sysfs, BMC);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
        assert_int_equal(system(cmd), 0);
        component(NEW, true, true, false, true);
        put(RMM, "seq_id", "1\n");
        driver_activated(RMM);
        assert_null(manager_get_component(W->manager, BMC));
        assert_non_null(manager_get_component(W->manager, NEW));
        assert_int_equal(manager_get_component(W->manager, RMM)->seq_id, 1);
        assert_int_equal(W->removed, 1);
        assert_int_equal(W->added, 3);

        /* ... and takes the next eligible one. */
        expect_activate(NEW);
        driver_activated(NEW);
        assert_int_equal(manager_pending_count(W->manager), 0);
}

static void test_external_sequence_waits(void **state) {
        (void) state;
        /* After a restart, the component is still activating (the previous
         * lfad's write): never a second activation. */
        write_policy("10.conf", "[Defaults]\nAutoActivate=immediate\n");
        component(RMM, true, true, false, true);
        put(RMM, "state", "activating\n");
        world_start(0);
        run_for(300 * USEC_PER_MSEC);
        assert_attr(RMM, "activate", "");
        assert_int_equal(manager_activate(W->manager, RMM, NULL, NULL, NULL, NULL), -EBUSY);

        /* It ends: pending cleared, nothing to do. */
        put(RMM, "state", "idle\n");
        put(RMM, "activation_pending", "0\n");
        manager_handle_uevent(W->manager, "change", RMM, "activated", NULL, "activate");
        run_for(300 * USEC_PER_MSEC);
        assert_attr(RMM, "activate", "");
        assert_int_equal(W->started, 0);

        /* Its outcome is in the history all the same. */
        HistoryEntry *e = NULL;
        size_t n = 0;
        assert_int_equal(history_read(manager_get_history(W->manager), 0, &e, &n), 0);
        assert_int_equal(n, 1);
        assert_string_equal(e[0].trigger, "external");
        assert_string_equal(e[0].action, "activate");
        assert_int_equal(e[0].error, 0);
        history_entries_free(e, n);
}

static void test_external_failure_names_its_action(void **state) {
        (void) state;
        /* A previous lfad's prime fails after the restart: the history
         * says which action failed (LFA_ACTION) and how. */
        write_policy("10.conf", "[Defaults]\nAutoActivate=never\n");
        component(RMM, true, true, false, true);
        put(RMM, "state", "priming\n");
        world_start(0);

        put(RMM, "state", "idle\n");
        put(RMM, "last_error", "EKEYREJECTED AUTH_ERROR -3 PRIME\n");
        manager_handle_uevent(W->manager, "change", RMM, "failed", "EKEYREJECTED", "prime");
        run_for(300 * USEC_PER_MSEC);

        HistoryEntry *e = NULL;
        size_t n = 0;
        assert_int_equal(history_read(manager_get_history(W->manager), 0, &e, &n), 0);
        assert_int_equal(n, 1);
        assert_string_equal(e[0].trigger, "external");
        assert_string_equal(e[0].action, "prime");
        assert_int_equal(e[0].error, -EKEYREJECTED);
        assert_string_equal(e[0].lfa_code, "AUTH_ERROR");
        history_entries_free(e, n);
}

static void test_reload_keeps_last_good(void **state) {
        _cleanup_free_ char *error = NULL;
        char path[256];

        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=window\n");
        component(RMM, true, true, false, true);
        world_start(0);
        assert_int_equal(manager_get_decision(W->manager, RMM)->action, DECISION_WINDOW);

        write_policy("20.conf", "[Defaults]\nAutoActivate=never\nBogus=1\n");
        assert_int_equal(manager_reload_policy(W->manager, &error), -EBADMSG);
        snprintf(path, sizeof(path), "%s/20.conf:3: unknown key 'Bogus' in [Defaults]", W->policy);
        assert_string_equal(error, path);
        assert_string_equal(manager_get_policy_error(W->manager), path);
        assert_int_equal(manager_get_decision(W->manager, RMM)->action, DECISION_WINDOW);
        assert_int_equal(W->policy_reloads, 0);

        write_policy("20.conf", "[Defaults]\nAutoActivate=never\n");
        unsigned changed = W->changed;
        assert_int_equal(manager_reload_policy(W->manager, NULL), 0);
        assert_int_equal(W->policy_reloads, 1);
        assert_null(manager_get_policy_error(W->manager));
        assert_int_equal(manager_get_decision(W->manager, RMM)->action, DECISION_NEVER);
        assert_int_equal(W->changed, changed + 1);
        assert_int_equal(strv_length(policy_get_files(manager_get_policy(W->manager))), 2);

        PlanEntry *plan = NULL;
        size_t n = 0;
        assert_int_equal(manager_plan(W->manager, &plan, &n), 0);
        assert_int_equal(n, 1);
        assert_string_equal(plan[0].uuid, RMM);
        assert_int_equal(plan[0].action, DECISION_NEVER);
        assert_non_null(strstr(plan[0].reason, "only on request"));
        plan_entries_free(plan, n);
}

/* A policy that does not load at start: the safe defaults, and why. */
static void test_start_on_safe_defaults(void **state) {
        char *dirs[] = { W->policy, NULL };
        ManagerConfig config = { .policy_dirs = dirs, .state_dir = W->state, .sysfs_root = W->sysfs };
        char path[256];

        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=often\n");
        assert_int_equal(manager_new(W->event, &config, &W->manager), 0);
        assert_int_equal(manager_start(W->manager), 0);
        assert_true(policy_is_safe_defaults(manager_get_policy(W->manager)));
        assert_int_equal(policy_get_defaults(manager_get_policy(W->manager))->auto_activate, AUTO_ACTIVATE_NEVER);
        assert_int_equal(policy_get_defaults(manager_get_policy(W->manager))->cpu_rendezvous, CPU_RENDEZVOUS_FORCE);
        snprintf(path, sizeof(path), "%s/10.conf:2: ", W->policy);
        assert_non_null(manager_get_policy_error(W->manager));
        assert_true(strncmp(manager_get_policy_error(W->manager), path, strlen(path)) == 0);
}

static void test_garbage_component_hides_nothing(void **state) {
        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=immediate\n");
        component(RMM, true, true, false, true);
        component(NEW, true, true, false, true);
        put(NEW, "seq_id", "minus one\n");
        world_start(0);
        assert_int_equal(manager_n_components(W->manager), 2);
        assert_non_null(manager_get_component(W->manager, NEW)->parse_error);
        expect_activate(RMM);
        driver_activated(RMM);
        run_for(300 * USEC_PER_MSEC);
        assert_attr(NEW, "activate", "");
        assert_int_equal(manager_activate(W->manager, NEW, NULL, NULL, NULL, NULL), -EOPNOTSUPP);
}

static void test_job_write_fails(void **state) {
        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=immediate\nRetryLimit=0\n");
        component(RMM, true, true, false, true);
        /* No activate file: the write fails like a driver refusal would. */
        char path[256];
        path_of(path, sizeof(path), RMM, "activate");
        assert_int_equal(unlink(path), 0);
        world_start(0);
        want_finished = 1;
        assert_true(run_until(finished_reached, 5 * USEC_PER_SEC));
        assert_int_equal(W->last.error, -ENOENT);
        assert_string_equal(W->last.lfa_code, "NONE");
        run_for(200 * USEC_PER_MSEC);
        assert_int_equal(W->started, 1);

        /* A terminal uevent after the write returned (udevd relays it
         * late): lfad saw no sequence run, so it is nobody's new attempt. */
        manager_handle_uevent(W->manager, "change", RMM, "failed", "ENOENT", "activate");
        assert_int_equal(history_count(), 1);
        manager_handle_uevent(W->manager, "change", RMM, "failed", "ENOENT", "activate");
        assert_int_equal(history_count(), 1);
}

/* Whether this process holds a descriptor of target. */
static bool fd_open_to(const char *target) {
        DIR *d = opendir("/proc/self/fd");
        struct dirent *de;
        bool found = false;

        assert_non_null(d);
        while (!found && (de = readdir(d))) {
                char link[300], buf[PATH_MAX];
                ssize_t n;

                snprintf(link, sizeof(link), "/proc/self/fd/%s", de->d_name);
                n = readlink(link, buf, sizeof(buf) - 1);
                if (n < 0)
                        continue;
                buf[n] = 0;
                found = strcmp(buf, target) == 0;
        }
        closedir(d);
        return found;
}

/* lfad's own write: one that fails closes the file all the same. */
static void test_job_write_error_closes(void **state) {
        char path[256];

        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=immediate\nRetryLimit=0\n");
        component(RMM, true, true, false, true);
        path_of(path, sizeof(path), RMM, "activate");
        assert_int_equal(unlink(path), 0);
        assert_int_equal(symlink("/dev/full", path), 0);
        world_start_writing(0, NULL);
        want_finished = 1;
        assert_true(run_until(finished_reached, 5 * USEC_PER_SEC));
        assert_int_equal(W->last.error, -ENOSPC);
        assert_false(fd_open_to("/dev/full"));
}

static void test_job_timeout(void **state) {
        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=immediate\nRetryLimit=0\n");
        component(RMM, true, true, false, true);
        world_start(300 * USEC_PER_MSEC);
        expect_activate(RMM);
        /* The driver never answers. */
        want_finished = 1;
        assert_true(run_until(finished_reached, 5 * USEC_PER_SEC));
        assert_int_equal(W->last.error, -ETIMEDOUT);
        assert_int_equal(manager_get_state(W->manager, NULL), MANAGER_STATE_IDLE);
}

static void test_component_vanishes_during_job(void **state) {
        char cmd[300];

        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=immediate\n");
        component(RMM, true, true, false, true);
        world_start(0);
        expect_activate(RMM);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s/%s'", W->sysfs, RMM);
        assert_int_equal(system(cmd), 0);
        manager_handle_uevent(W->manager, "remove", RMM, NULL, NULL, NULL);
        assert_null(manager_get_component(W->manager, RMM));
        assert_int_equal(W->removed, 1);
        /* The job ends when the write does, with the driver's errno. */
        run_for(100 * USEC_PER_MSEC);
        assert_int_equal(W->finished, 0);
        driver_end(RMM, -ENODEV);
        assert_int_equal(W->last.error, -ENODEV);
}

static void test_lost_uevents_end_nothing(void **state) {
        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=immediate\nRetryLimit=0\n");
        component(RMM, true, true, false, true);
        component(NEW, false, false, false, true);
        world_start(0);
        expect_activate(RMM);

        /* The socket overflowed while the sequence runs: lfad re-reads
         * (and finds a new component), the job goes on. */
        put(RMM, "state", "activating\n");
        component(BMC, true, false, false, true);
        manager_handle_lost_events(W->manager);
        assert_non_null(manager_get_component(W->manager, BMC));
        run_for(100 * USEC_PER_MSEC);
        assert_int_equal(W->finished, 0);

        /* Its terminal uevent is among the lost ones: the write's return
         * tells, with the LFA code from last_error. */
        put(RMM, "state", "idle\n");
        put(RMM, "last_error", "EREMOTEIO ACTIVATION_FAILED -11 ACTIVATE\n");
        driver_end(RMM, -EREMOTEIO);
        assert_int_equal(W->last.error, -EREMOTEIO);
        assert_string_equal(W->last.lfa_code, "ACTIVATION_FAILED");
        assert_int_equal(history_count(), 1);
}

/* Upstream's driver: no top-level files, the eleven files per component. */
static void upstream_world(void) {
        char path[256];

        path_of(path, sizeof(path), NULL, "version");
        assert_int_equal(unlink(path), 0);
        path_of(path, sizeof(path), NULL, "refresh");
        assert_int_equal(unlink(path), 0);
}

static void upstream_component(const char *uuid, bool pending, bool auto_activate) {
        static const char *const extensions[] = { "seq_id", "state", "last_error", "prime" };
        char path[256];

        component(uuid, true, pending, false, true);
        for (size_t i = 0; i < ELEMENTSOF(extensions); i++) {
                path_of(path, sizeof(path), uuid, extensions[i]);
                assert_int_equal(unlink(path), 0);
        }
        put(uuid, "current_version", "0.0\n");
        put(uuid, "pending_version", "N/A\n");
        put(uuid, "auto_activate", auto_activate ? "1\n" : "0\n");
}

static void test_upstream_activation(void **state) {
        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=immediate\n");
        upstream_world();
        upstream_component(RMM, true, true);
        world_start(0);
        assert_int_equal(manager_get_driver(W->manager)->abi, DRIVER_ABI_UPSTREAM);
        assert_int_equal(manager_get_driver(W->manager)->features, DRIVER_FEATURE_AUTO_ACTIVATE);
        /* No component uevents: the poll runs, at the default interval. */
        assert_int_equal(pending_poll_get_interval(manager_get_poll(W->manager)), 60 * USEC_PER_SEC);

        /* The kernel would have activated it by itself: lfad took it back. */
        Component *c = manager_get_component(W->manager, RMM);
        assert_attr(RMM, "auto_activate", "0");
        assert_false(c->auto_activate);
        assert_non_null(manager_get_kernel_override(W->manager, RMM));
        assert_true(strncmp(manager_get_kernel_override(W->manager, RMM), "auto_activate: found 1, wrote 0 at ",
                            35) == 0);

        /* One write; the job ends when it returns. */
        expect_activate(RMM);
        assert_attr(RMM, "force_cpu_rendezvous", "1");
        put(RMM, "activation_pending", "0\n");
        put(RMM, "current_version", "0.0\n");
        driver_end(RMM, 0);
        assert_int_equal(W->last.error, 0);
        assert_false(W->last.firmware_failed);
        assert_null(W->last.lfa_code);
        assert_int_equal(manager_pending_count(W->manager), 0);
        assert_int_equal(history_count(), 1);
        assert_true(manager_get_last_result(W->manager, RMM)->set);

        /* After a reload auto_activate is written 0 again, whatever it read. */
        put(RMM, "auto_activate", "x");
        assert_int_equal(manager_reload_policy(W->manager, NULL), 0);
        assert_attr(RMM, "auto_activate", "0");

        /* Someone sets it: the next re-read (a poll, a uevent) puts it back. */
        put(RMM, "auto_activate", "1\n");
        unsigned changed = W->changed;
        manager_handle_device_change(W->manager);
        assert_attr(RMM, "auto_activate", "0");
        assert_non_null(manager_get_kernel_override(W->manager, RMM));
        assert_int_equal(W->changed, changed + 1);
        assert_true(W->last_changed_mask & COMPONENT_CHANGED_KERNEL_OVERRIDE);
        assert_true(W->last_changed_mask & COMPONENT_CHANGED_AUTO_ACTIVATE);
}

static void test_upstream_errnos(void **state) {
        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=immediate\nRetryLimit=1\nRetryDelaySec=1\n");
        upstream_world();
        upstream_component(RMM, true, false);
        world_start(0);

        /* Every failure: -ECANCELED, a firmware error nobody names. */
        expect_activate(RMM);
        driver_end(RMM, -ECANCELED);
        assert_int_equal(W->last.error, -ECANCELED);
        assert_true(W->last.firmware_failed);
        assert_string_equal(W->last.lfa_code, "UNKNOWN");
        assert_non_null(strstr(manager_get_last_result(W->manager, RMM)->message,
                               "the driver does not say why; the kernel log names the LFA error"));
        assert_string_equal(manager_get_last_result(W->manager, RMM)->lfa_code, "UNKNOWN");

        /* It may have been transient: retried after the backoff. */
        expect_activate(RMM);
        driver_end(RMM, -EAGAIN);       /* an older kernel's "busy" */
        assert_int_equal(W->last.error, -EBUSY);
        assert_false(W->last.firmware_failed);
        assert_non_null(strstr(manager_get_last_result(W->manager, RMM)->message, "the kernel runs another activation"));

        HistoryEntry *e = NULL;
        size_t n = 0;
        assert_int_equal(history_read(manager_get_history(W->manager), 0, &e, &n), 0);
        assert_int_equal(n, 2);
        assert_int_equal(e[1].error, -ECANCELED);
        assert_string_equal(e[1].lfa_code, "UNKNOWN");
        history_entries_free(e, n);
}

static void test_upstream_what_it_cannot(void **state) {
        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=window\nPrimeAhead=yes\n");
        upstream_world();
        upstream_component(RMM, true, false);
        world_start(0);

        /* PrimeAhead=yes: said, not done, not dropped silently. */
        const Decision *d = manager_get_decision(W->manager, RMM);
        assert_false(d->prime_ahead);
        assert_non_null(strstr(d->reason, "PrimeAhead=yes not possible on this driver"));
        PlanEntry *plan = NULL;
        size_t n = 0;
        assert_int_equal(manager_plan(W->manager, &plan, &n), 0);
        assert_non_null(strstr(plan[0].reason, "PrimeAhead=yes not possible on this driver"));
        plan_entries_free(plan, n);
        run_for(200 * USEC_PER_MSEC);
        assert_int_equal(W->started, 0);

        assert_int_equal(manager_prime(W->manager, RMM, NULL, NULL, NULL), -ENOSYS);
        /* Refresh: a re-read, no refresh file to write. */
        assert_int_equal(manager_refresh(W->manager, NULL), 0);
        char path[256];
        path_of(path, sizeof(path), NULL, "refresh");
        assert_int_equal(access(path, F_OK), -1);

        /* Cancel of lfad's own activation: the driver would prime again. */
        assert_int_equal(manager_activate(W->manager, RMM, NULL, on_done, W, NULL), 0);
        expect_activate(RMM);
        assert_int_equal(manager_cancel(W->manager, RMM, NULL), -ENOSYS);
        assert_attr(RMM, "cancel", "");
        put(RMM, "activation_pending", "0\n");
        driver_end(RMM, 0);
        assert_int_equal(W->cb_calls, 1);
        /* With nothing running, cancel reaches the driver (which answers
         * -EINVAL on a real kernel when nothing is in progress). */
        assert_int_equal(manager_cancel(W->manager, RMM, NULL), 0);
        assert_attr(RMM, "cancel", "1");
}

static void test_upstream_poll_finds_image(void **state) {
        (void) state;
        write_policy("10.conf", "[Manager]\nPollIntervalSec=1\n[Defaults]\nAutoActivate=immediate\n");
        upstream_world();
        upstream_component(RMM, false, false);
        world_start(0);
        assert_int_equal(pending_poll_get_interval(manager_get_poll(W->manager)), USEC_PER_SEC);

        /* A new image, and no uevent: the next poll finds it. */
        put(RMM, "activation_pending", "1\n");
        expect_activate(RMM);
        put(RMM, "activation_pending", "0\n");
        driver_end(RMM, 0);

        /* Polling off: only a device uevent (or Refresh) tells. */
        write_policy("10.conf", "[Manager]\nPollIntervalSec=0\n[Defaults]\nAutoActivate=immediate\n");
        assert_int_equal(manager_reload_policy(W->manager, NULL), 0);
        assert_int_equal(pending_poll_get_interval(manager_get_poll(W->manager)), 0);
        assert_null(pending_poll_get_source(manager_get_poll(W->manager)));
        put(RMM, "activation_pending", "1\n");
        run_for(1500 * USEC_PER_MSEC);
        assert_attr(RMM, "activate", "");
        manager_handle_device_change(W->manager);
        expect_activate(RMM);
        put(RMM, "activation_pending", "0\n");
        driver_end(RMM, 0);
        assert_int_equal(W->started, 2);
}

static void test_upstream_window_failure(void **state) {
        (void) state;
        write_policy("10.conf", "[Defaults]\nAutoActivate=window\n");
        upstream_world();
        upstream_component(RMM, true, false);
        world_start(0);
        assert_int_equal(manager_activate_pending(W->manager, on_done, W, NULL), 0);
        expect_activate(RMM);
        driver_end(RMM, -ECANCELED);
        if (!run_until(cb_called, USEC_PER_SEC))
                fail_msg("window run did not end");
        /* The summary keeps what the failure was: not a cancel. */
        assert_int_equal(W->cb_result.n_failed, 1);
        assert_int_equal(W->cb_result.error, -ECANCELED);
        assert_true(W->cb_result.firmware_failed);
        assert_string_equal(W->cb_uuids, RMM " ");
        assert_int_equal(W->cb_first_error, -ECANCELED);
        assert_true(W->cb_first_firmware_failed);
}

static void test_extended_no_poll(void **state) {
        (void) state;
        component(RMM, true, false, false, true);
        world_start(0);
        assert_int_equal(manager_get_driver(W->manager)->abi, DRIVER_ABI_EXTENDED);
        assert_true(driver_has(manager_get_driver(W->manager),
                               DRIVER_FEATURE_COMPONENT_UEVENTS | DRIVER_FEATURE_PRIME |
                               DRIVER_FEATURE_STATE | DRIVER_FEATURE_REFRESH));
        assert_int_equal(pending_poll_get_interval(manager_get_poll(W->manager)), 0);
        assert_null(pending_poll_get_source(manager_get_poll(W->manager)));
}

#define WORLD_TEST(t) cmocka_unit_test_setup_teardown(t, world_setup, world_teardown)

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_retryable),
                cmocka_unit_test(test_backoff),
                cmocka_unit_test(test_eligible),
                cmocka_unit_test(test_wants_prime),
                cmocka_unit_test(test_result_retryable),
                cmocka_unit_test(test_strings),
                cmocka_unit_test(test_timeout_from_budgets),
                WORLD_TEST(test_immediate_skip_allowed),
                WORLD_TEST(test_skip_where_required_is_forced),
                WORLD_TEST(test_may_reset_cpu_never),
                WORLD_TEST(test_activate_validation),
                WORLD_TEST(test_request_cancelled),
                WORLD_TEST(test_failure_not_retried_forever),
                WORLD_TEST(test_decision_outlives_retries),
                WORLD_TEST(test_permanent_failure_not_retried),
                WORLD_TEST(test_window_mode),
                WORLD_TEST(test_prime_ahead_one_at_a_time),
                WORLD_TEST(test_inhibitor),
                WORLD_TEST(test_components_change_after_activation),
                WORLD_TEST(test_external_sequence_waits),
                WORLD_TEST(test_external_failure_names_its_action),
                WORLD_TEST(test_reload_keeps_last_good),
                WORLD_TEST(test_start_on_safe_defaults),
                WORLD_TEST(test_garbage_component_hides_nothing),
                WORLD_TEST(test_job_write_fails),
                WORLD_TEST(test_job_write_error_closes),
                WORLD_TEST(test_job_timeout),
                WORLD_TEST(test_component_vanishes_during_job),
                WORLD_TEST(test_lost_uevents_end_nothing),
                WORLD_TEST(test_upstream_activation),
                WORLD_TEST(test_upstream_errnos),
                WORLD_TEST(test_upstream_what_it_cannot),
                WORLD_TEST(test_upstream_poll_finds_image),
                WORLD_TEST(test_upstream_window_failure),
                WORLD_TEST(test_extended_no_poll),
        };

        log_open();
        return cmocka_run_group_tests(tests, NULL, NULL);
}
