/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <stdlib.h>

#include "log.h"
#include "pending-poll.h"

struct PendingPoll {
        sd_event *event;
        sd_event_source *source;        /* NULL while off */
        usec_t interval;
        PendingPollFn fn;
        void *userdata;
};

usec_t pending_poll_interval_for(const DriverInfo *d, usec_t configured) {
        if (d->abi == DRIVER_ABI_NONE || driver_has(d, DRIVER_FEATURE_COMPONENT_UEVENTS))
                return 0;
        return configured;
}

/* Nobody waits on the exact second: let the kernel coalesce the wakeup
 * with others, a tenth of the interval, at most a minute. */
static usec_t poll_accuracy(usec_t interval) {
        usec_t a = interval / 10;

        return a < 60 * USEC_PER_SEC ? a : 60 * USEC_PER_SEC;
}

static int on_poll(sd_event_source *s, uint64_t usec _unused_, void *userdata) {
        PendingPoll *p = userdata;
        int r;

        /* Re-armed before the callback: the re-read it causes restarts it. */
        r = sd_event_source_set_time_relative(s, p->interval);
        if (r >= 0)
                r = sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
        if (r < 0)
                log_warning_errno(r, "Failed to re-arm the activation_pending poll, ignoring: %m");
        log_debug("Polling activation_pending (every %llu s).",
                  (unsigned long long) (p->interval / USEC_PER_SEC));
        p->fn(p->userdata);
        return 0;
}

int pending_poll_new(sd_event *e, PendingPollFn fn, void *userdata, PendingPoll **ret) {
        PendingPoll *p;

        p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        p->event = sd_event_ref(e);
        p->fn = fn;
        p->userdata = userdata;
        *ret = p;
        return 0;
}

PendingPoll *pending_poll_free(PendingPoll *p) {
        if (!p)
                return NULL;
        sd_event_source_disable_unref(p->source);
        sd_event_unref(p->event);
        free(p);
        return NULL;
}

int pending_poll_set_interval(PendingPoll *p, usec_t interval) {
        int r;

        if (interval == p->interval && (interval == 0) == !p->source)
                return 0;
        p->source = sd_event_source_disable_unref(p->source);
        p->interval = interval;
        if (interval == 0)
                return 0;
        r = sd_event_add_time_relative(p->event, &p->source, CLOCK_MONOTONIC, interval,
                                       poll_accuracy(interval), on_poll, p);
        if (r < 0) {
                p->interval = 0;
                return r;
        }
        (void) sd_event_source_set_description(p->source, "pending-poll");
        return 0;
}

usec_t pending_poll_get_interval(const PendingPoll *p) {
        return p->interval;
}

void pending_poll_restart(PendingPoll *p) {
        int r;

        if (!p || !p->source)
                return;
        r = sd_event_source_set_time_relative(p->source, p->interval);
        if (r >= 0)
                r = sd_event_source_set_enabled(p->source, SD_EVENT_ONESHOT);
        if (r < 0)
                log_warning_errno(r, "Failed to restart the activation_pending poll, ignoring: %m");
}

sd_event_source *pending_poll_get_source(const PendingPoll *p) {
        return p->source;
}
