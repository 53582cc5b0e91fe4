/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>

#include "log.h"
#include "orchestrator.h"

struct Job {
        sd_event *event;
        char *root;                     /* sysfs root */
        DriverAbi abi;
        JobInfo info;
        usec_t start_monotonic;

        /* Worker thread and its hand-back. The thread is detached and owns
         * a duplicate of the eventfd, so a job that ends by timeout while
         * the write still blocks can be freed safely. */
        int eventfd;
        sd_event_source *eventfd_source;
        sd_event_source *timeout_source;

        bool finished;
        JobDoneFn done;
        void *userdata;
};

static const char *const job_action_table[_JOB_ACTION_MAX] = {
        [JOB_ACTIVATE] = "activate",
        [JOB_PRIME] = "prime",
};

static const char *const trigger_table[_TRIGGER_MAX] = {
        [TRIGGER_AUTO] = "auto",
        [TRIGGER_WINDOW] = "window",
        [TRIGGER_MANUAL] = "manual",
        [TRIGGER_PRIME_AHEAD] = "prime-ahead",
};

const char *job_action_to_string(JobAction a) {
        return a >= 0 && a < _JOB_ACTION_MAX ? job_action_table[a] : NULL;
}

const char *activation_trigger_to_string(ActivationTrigger t) {
        return t >= 0 && t < _TRIGGER_MAX ? trigger_table[t] : NULL;
}

bool orchestrator_error_is_retryable(int error) {
        switch (-abs(error)) {
        /* Transient: firmware busy or out of memory, a budget ran out, the
         * agent or component in a state a later attempt may not meet. */
        case -EBUSY:
        case -ENOMEM:
        case -EIO:
        case -EPROTO:
        case -EBADFD:
        case -EINVAL:
        case -ETIMEDOUT:
        case -EREMOTEIO:
                return true;
        /* Permanent, or a human's decision (cancel): repeating cannot help
         * and may hurt (an image that failed authentication stays bad). */
        default:
                return false;
        }
}

usec_t orchestrator_backoff(usec_t delay, unsigned failures) {
        const usec_t cap = 86400 * USEC_PER_SEC;
        usec_t d = delay;

        if (failures == 0)
                return 0;
        for (unsigned i = 1; i < failures && d < cap; i++)
                d *= 2;
        return d < cap ? d : cap;
}

bool orchestrator_result_is_retryable(const ActivationResult *r) {
        return r->error != 0 && (r->firmware_failed || orchestrator_error_is_retryable(r->error));
}

/* What the worker thread owns: nothing of the Job, so the job may go away
 * while the write still blocks. */
typedef struct Worker {
        char *path;
        int go;                 /* eventfd: the write may start */
        int eventfd;
        JobWriteFn write;
        void *write_userdata;
} Worker;

static int read_budget_ms(const char *dir, const char *name, uint64_t *ret) {
        _cleanup_fclose_ FILE *f = NULL;
        char path[PATH_MAX], buf[32];

        if ((size_t) snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
                return -ENAMETOOLONG;
        f = fopen(path, "re");
        if (!f)
                return -errno;
        if (!fgets(buf, sizeof(buf), f))
                return -EIO;
        buf[strcspn(buf, "\n")] = 0;
        return parse_lfa_u64(buf, ret);
}

usec_t orchestrator_timeout_from_budgets(const char *module_dir) {
        /* A day: beyond that a value is a typo, not a budget. */
        const uint64_t max_ms = 86400 * 1000ULL;
        uint64_t prime, activate;

        if (read_budget_ms(module_dir, "prime_budget_ms", &prime) < 0 ||
            read_budget_ms(module_dir, "activate_budget_ms", &activate) < 0 ||
            prime > max_ms || activate > max_ms)
                return JOB_TIMEOUT_USEC_DEFAULT;
        return (prime + activate) * USEC_PER_MSEC + 10 * USEC_PER_SEC;
}

/* The driver blocks in the write for the whole sequence. Closes fd. */
static int write_one(int fd) {
        int r = 0;

        if (write(fd, "1", 1) < 0)
                r = -errno;
        if (close(fd) < 0 && errno != EINTR && r == 0)
                r = -errno;
        return r;
}

static void worker_free(Worker *w) {
        safe_close(w->go);
        safe_close(w->eventfd);
        free(w->path);
        free(w);
}

static void *worker_run(void *userdata) {
        Worker *w = userdata;
        _cleanup_close_ int fd = -EBADF;
        int open_error = 0, r;
        eventfd_t v;

        /* Opened while the attempt is recorded: opening an attribute does
         * nothing in the driver, and the write is then the one call left
         * after the go. */
        if (!w->write) {
                fd = open(w->path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
                if (fd < 0)
                        open_error = -errno;
        }
        /* Blocks until the job says go: the thread starts while the
         * attempt is recorded, and writes only after. */
        while ((r = eventfd_read(w->go, &v)) < 0 && errno == EINTR)
                ;
        if (r < 0)
                r = -errno;
        else if (w->write)
                r = w->write(w->path, w->write_userdata);
        else if (open_error < 0)
                r = open_error;
        else
                r = write_one(TAKE_FD(fd));

        /* The eventfd counter carries the result: 1 + the positive errno. */
        v = (uint64_t) -r + 1;
        (void) eventfd_write(w->eventfd, v);
        worker_free(w);
        return NULL;
}

/* The LFA code of a failure is only in last_error, where it exists. A write
 * refused before its sequence starts leaves an older failure's there: only
 * one with the write's errno is this one's. */
static void read_lfa_code(const Job *j, int error, LfaLastError *ret) {
        char buf[INVENTORY_ATTR_MAX];

        *ret = (LfaLastError) {};
        if (inventory_read_attribute(j->root, j->info.uuid, "last_error", buf) < 0)
                return;
        if (parse_lfa_last_error(buf, ret) < 0 || ret->error != abs(error))
                *ret = (LfaLastError) {};
}

/* The call the driver is in, from its state (the extended driver's); NULL
 * where it does not say. */
static const char *job_current_call(const Job *j) {
        char buf[INVENTORY_ATTR_MAX];

        if (inventory_read_attribute(j->root, j->info.uuid, "state", buf) < 0)
                return NULL;
        switch (component_state_from_string(buf)) {
        case COMPONENT_STATE_PRIMING:
                return "PRIME";
        case COMPONENT_STATE_ACTIVATING:
                return "ACTIVATE";
        default:
                return NULL;
        }
}

static void job_finish(Job *j, int error, const char *timeout_message) {
        ActivationResult r = {
                .uuid = j->info.uuid,
                .name = j->info.name,
                .action = j->info.action,
                .trigger = j->info.trigger,
                .force_cpu_rendezvous = j->info.force_cpu_rendezvous,
                .start = j->info.start_realtime,
                .duration = now_usec(CLOCK_MONOTONIC) - j->start_monotonic,
        };
        DriverOutcome o;
        LfaLastError le;
        char msg[384];

        if (j->finished)
                return;
        j->finished = true;
        j->eventfd_source = sd_event_source_disable_unref(j->eventfd_source);
        j->timeout_source = sd_event_source_disable_unref(j->timeout_source);

        driver_write_outcome(j->abi, error, &o);
        r.error = o.error;
        r.firmware_failed = o.firmware_failed;
        r.detail = o.detail;
        if (r.error < 0) {
                /* Not on lfad's own timeout: the write has not returned. */
                if (timeout_message)
                        le = (LfaLastError) {};
                else
                        read_lfa_code(j, r.error, &le);
                r.last_error = le.set ? &le : NULL;
                r.lfa_code = le.set ? le.lfa_code : o.lfa_code ?: "NONE";
        }

        if (timeout_message)
                snprintf(msg, sizeof(msg), "%s", timeout_message);
        else if (r.error == 0)
                snprintf(msg, sizeof(msg), "%s succeeded", j->info.action == JOB_ACTIVATE ? "activation" : "prime");
        else
                snprintf(msg, sizeof(msg), "%s failed: %s (%s)%s%s", job_action_to_string(j->info.action),
                         strerror(-error), strna(errno_name(error)), o.detail ? ": " : "", strempty(o.detail));
        r.message = msg;

        if (j->done)
                j->done(j, &r, j->userdata);
}

static int on_eventfd(sd_event_source *s _unused_, int fd, uint32_t revents _unused_, void *userdata) {
        Job *j = userdata;
        eventfd_t v;
        int error;

        if (eventfd_read(fd, &v) < 0)
                return 0; /* spurious wakeup; the worker writes exactly once */
        error = v > 1 ? -(int) (v - 1) : 0;
        log_debug("%s: %s write returned: %s", j->info.uuid, job_action_to_string(j->info.action),
                  error < 0 ? strerror(-error) : "success");
        job_finish(j, error, NULL);
        return 0;
}

static int on_timeout(sd_event_source *s _unused_, uint64_t usec _unused_, void *userdata) {
        const char *call;
        Job *j = userdata;
        char msg[256];

        call = job_current_call(j);
        if (call)
                snprintf(msg, sizeof(msg), "%s did not end within lfad's time bound: the driver is still in %s "
                         "(the write still blocks)", job_action_to_string(j->info.action), call);
        else
                snprintf(msg, sizeof(msg), "%s did not end within lfad's time bound (the write still blocks; "
                         "the driver does not say in which call)", job_action_to_string(j->info.action));
        job_finish(j, -ETIMEDOUT, msg);
        return 0;
}

Job *job_free(Job *j) {
        if (!j)
                return NULL;
        sd_event_source_disable_unref(j->eventfd_source);
        sd_event_source_disable_unref(j->timeout_source);
        safe_close(j->eventfd);
        sd_event_unref(j->event);
        free(j->root);
        free(j->info.name);
        free(j->info.version_before);
        free(j->info.version_to);
        free(j);
        return NULL;
}

/* Starts the worker thread, which waits until *ret_go is written to. The
 * thread owns the descriptor; after the write the caller forgets it. */
static int job_spawn_worker(Job *j, JobWriteFn write_fn, void *write_userdata, int *ret_go) {
        pthread_attr_t attr;
        pthread_t thread;
        Worker *w;
        int r;

        w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;
        w->write = write_fn;
        w->write_userdata = write_userdata;
        w->go = eventfd(0, EFD_CLOEXEC);
        w->eventfd = fcntl(j->eventfd, F_DUPFD_CLOEXEC, 3);
        if (w->go < 0 || w->eventfd < 0) {
                r = -errno;
                worker_free(w);
                return r;
        }
        if (asprintf(&w->path, "%s/%s/%s", j->root, j->info.uuid, job_action_to_string(j->info.action)) < 0) {
                w->path = NULL;
                worker_free(w);
                return -ENOMEM;
        }

        r = pthread_attr_init(&attr);
        if (r == 0)
                r = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (r == 0) {
                /* Read before the thread may free w. */
                *ret_go = w->go;
                r = pthread_create(&thread, &attr, worker_run, w);
        }
        (void) pthread_attr_destroy(&attr);
        if (r != 0) {
                worker_free(w);
                return -r;
        }
        return 0;
}

int job_start(sd_event *e, const JobSettings *settings, const Component *c, JobAction action,
              ActivationTrigger trigger, bool force_cpu_rendezvous, JobDoneFn done, void *userdata,
              Job **ret) {
        _cleanup_(job_freep) Job *j = NULL;
        char vbuf[24];
        int go = -EBADF, r;

        j = calloc(1, sizeof(*j));
        if (!j)
                return -ENOMEM;
        j->eventfd = -EBADF;
        j->event = sd_event_ref(e);
        j->abi = settings->abi;
        memcpy(j->info.uuid, c->uuid, UUID_STRING_MAX);
        j->info.action = action;
        j->info.trigger = trigger;
        /* PRIME gathers no CPU: a prime's result says so whatever the
         * caller had decided for the activation. */
        j->info.force_cpu_rendezvous = action == JOB_ACTIVATE && force_cpu_rendezvous;
        j->done = done;
        j->userdata = userdata;
        j->root = strdup(settings->root);
        j->info.name = strdup(strempty(c->name));
        j->info.version_before = strdup(lfa_version_to_string(&c->current_version, vbuf));
        j->info.version_to = strdup(lfa_version_to_string(&c->pending_version, vbuf));
        if (!j->root || !j->info.name || !j->info.version_before || !j->info.version_to)
                return -ENOMEM;

        j->eventfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (j->eventfd < 0)
                return -errno;
        r = sd_event_add_io(e, &j->eventfd_source, j->eventfd, EPOLLIN, on_eventfd, j);
        if (r < 0)
                return r;
        r = sd_event_add_time_relative(e, &j->timeout_source, CLOCK_MONOTONIC,
                                       settings->timeout ?: JOB_TIMEOUT_USEC_DEFAULT, USEC_PER_SEC,
                                       on_timeout, j);
        if (r < 0)
                return r;

        r = job_spawn_worker(j, settings->write, settings->write_userdata, &go);
        if (r < 0)
                return log_error_errno(r, "%s: failed to start the worker thread: %m", c->uuid);
        j->info.start_realtime = now_usec(CLOCK_REALTIME);
        j->start_monotonic = now_usec(CLOCK_MONOTONIC);
        if (settings->begin)
                settings->begin(&j->info, settings->begin_userdata);
        /* An eventfd's counter cannot overflow at 1: this cannot fail. */
        (void) eventfd_write(go, 1);

        *ret = TAKE_PTR(j);
        return 0;
}

const JobInfo *job_get_info(const Job *j) {
        return &j->info;
}
