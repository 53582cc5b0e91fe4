/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The libudev monitor on the event loop, for two kinds of uevents:
 *   - the components' (SUBSYSTEM=lfa), which only lfa.ko's extended ABI
 *     sends;
 *   - a `change` of Arm's LFA device (SUBSYSTEM=arm_smccc, DRIVER=lfa_fw),
 *     which some kernels with upstream's driver send at probe and after
 *     each successful activation, naming no component. Matched on those
 *     properties, never on the device's path.
 *   - the `add` and `remove` of the modules lfa and lfa_fw (SUBSYSTEM=module),
 *     the only sign that a driver without component uevents came, went or
 *     was reloaded with other parameters; reported as device_changed.
 * It is attached before coldplug; uevents read while coldplug runs are
 * queued and replayed afterwards. ENOBUFS (the socket overflowed) means
 * events were lost: the owner re-reads everything. No SO_RCVBUFFORCE: the
 * hardened unit has no CAP_NET_ADMIN.
 */

#include <stdbool.h>
#include <systemd/sd-event.h>

#include "macro.h"

typedef struct UdevWatch UdevWatch;

typedef struct UdevWatchOps {
        /* A component's uevent: its action, UUID and LFA_EVENT, LFA_ERRNO,
         * LFA_ACTION values (NULL when absent). */
        void (*component_event)(void *userdata, const char *action, const char *uuid,
                                const char *lfa_event, const char *lfa_errno, const char *lfa_action);
        /* Arm's LFA device changed: the inventory may differ. */
        void (*device_changed)(void *userdata);
        /* uevents were lost. */
        void (*lost)(void *userdata);
} UdevWatchOps;

int udev_watch_new(sd_event *e, const UdevWatchOps *ops, void *userdata, UdevWatch **ret);
UdevWatch *udev_watch_free(UdevWatch *w);

/* While true, uevents are queued instead of handled. */
void udev_watch_set_queueing(UdevWatch *w, bool queue);
/* Handle the queued uevents in arrival order. */
void udev_watch_replay(UdevWatch *w);

/* Whether a uevent's SUBSYSTEM=, DRIVER= and ACTION are a change of Arm's LFA
 * device (any may be NULL). */
bool udev_is_lfa_device_change(const char *subsystem, const char *driver, const char *action) _pure_;
/* SUBSYSTEM=module, the module's name (the sysname), add or remove. */
bool udev_is_lfa_module_event(const char *subsystem, const char *name, const char *action) _pure_;
