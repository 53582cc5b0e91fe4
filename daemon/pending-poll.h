/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The poll of activation_pending, for a driver that sends no component
 * uevents (upstream's): a timer on the event loop that asks the inventory
 * to re-read, PollIntervalSec= (lfa.d(5) [Manager]) after the last re-read.
 * Off (no timer at all, so no wakeup) where the driver sends uevents or the
 * interval is 0. Every re-read restarts it, so a Refresh() or a device
 * uevent postpones the next poll rather than adding one.
 */

#include <systemd/sd-event.h>

#include "driver.h"
#include "macro.h"

typedef struct PendingPoll PendingPoll;
typedef void (*PendingPollFn)(void *userdata);

int pending_poll_new(sd_event *e, PendingPollFn fn, void *userdata, PendingPoll **ret);
PendingPoll *pending_poll_free(PendingPoll *p);
DEFINE_POINTER_CLEANUP_FUNC_FREE(PendingPoll, pending_poll_free);

/* The interval in force for this driver and the configured interval: 0
 * where the driver sends component uevents or polling is disabled. */
usec_t pending_poll_interval_for(const DriverInfo *d, usec_t configured) _pure_;

/* Set the interval (0: off) and restart the timer. */
int pending_poll_set_interval(PendingPoll *p, usec_t interval);
usec_t pending_poll_get_interval(const PendingPoll *p) _pure_;

/* Everything was just re-read: the next poll is one interval from now. */
void pending_poll_restart(PendingPoll *p);

/* The timer's source, NULL when off (for the tests). */
sd_event_source *pending_poll_get_source(const PendingPoll *p) _pure_;
