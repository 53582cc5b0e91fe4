/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The libudev monitor of the driver's subsystem ("lfa"), on the event loop.
 * It is attached before coldplug; uevents read while coldplug runs are queued
 * and replayed afterwards. ENOBUFS (the socket overflowed) means events were
 * lost: the manager re-reads everything. No SO_RCVBUFFORCE: the hardened
 * unit has no CAP_NET_ADMIN.
 */

#include <stdbool.h>
#include <systemd/sd-event.h>

typedef struct Manager Manager;
typedef struct UdevWatch UdevWatch;

int udev_watch_new(Manager *m, UdevWatch **ret);
UdevWatch *udev_watch_free(UdevWatch *w);

/* While true, uevents are queued instead of handled. */
void udev_watch_set_queueing(UdevWatch *w, bool queue);
/* Handle the queued uevents in arrival order. */
void udev_watch_replay(UdevWatch *w);
