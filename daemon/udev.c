/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "macro.h"
#include "udev.h"

/* The kset's name is the subsystem its uevents carry. */
#define LFA_SUBSYSTEM "lfa"
/* Arm's driver's device on the SMCCC bus, and its driver's name. */
#define SMCCC_SUBSYSTEM "arm_smccc"
#define SMCCC_LFA_DRIVER "lfa_fw"
/* A module's own uevents: `add` once its init ran, `remove` on unload. */
#define MODULE_SUBSYSTEM "module"
#define LFA_KO_MODULE "lfa"
/* Without CAP_NET_ADMIN SO_RCVBUF is capped by net.core.rmem_max; asking
 * for more is harmless, and ENOBUFS is handled by a resync anyway. */
#define RCVBUF_SIZE (1024 * 1024)

struct UdevWatch {
        UdevWatchOps ops;
        void *userdata;
        struct udev *udev;
        struct udev_monitor *monitor;
        sd_event_source *source;
        bool queueing;
        struct udev_device **queue;
        size_t n_queue;
};

static bool streq_ptr(const char *a, const char *b) {
        return a && b && strcmp(a, b) == 0;
}

bool udev_is_lfa_device_change(const char *subsystem, const char *driver, const char *action) {
        return streq_ptr(subsystem, SMCCC_SUBSYSTEM) && streq_ptr(driver, SMCCC_LFA_DRIVER) &&
               streq_ptr(action, "change");
}

bool udev_is_lfa_module_event(const char *subsystem, const char *name, const char *action) {
        return streq_ptr(subsystem, MODULE_SUBSYSTEM) &&
               (streq_ptr(name, LFA_KO_MODULE) || streq_ptr(name, SMCCC_LFA_DRIVER)) &&
               (streq_ptr(action, "add") || streq_ptr(action, "remove"));
}

/* NVIDIA's kernels send a bare change uevent on Arm's LFA device. */
static bool is_lfa_device_change(struct udev_device *d) {
        return udev_is_lfa_device_change(udev_device_get_property_value(d, "SUBSYSTEM"),
                                         udev_device_get_property_value(d, "DRIVER"),
                                         udev_device_get_action(d));
}

static void udev_watch_dispatch(UdevWatch *w, struct udev_device *d) {
        const char *action = udev_device_get_action(d);
        const char *uuid = udev_device_get_property_value(d, "LFA_UUID");
        const char *event = udev_device_get_property_value(d, "LFA_EVENT");
        const char *err = udev_device_get_property_value(d, "LFA_ERRNO");
        const char *what = udev_device_get_property_value(d, "LFA_ACTION");

        if (!streq_ptr(udev_device_get_property_value(d, "SUBSYSTEM"), LFA_SUBSYSTEM)) {
                /* Neither lfa_fw nor lfa.ko with extensions=0 sends a
                 * component uevent: the module's own add/remove is how lfad
                 * hears that the driver came, went or was reloaded with
                 * other parameters. */
                if (is_lfa_device_change(d) ||
                    udev_is_lfa_module_event(udev_device_get_property_value(d, "SUBSYSTEM"),
                                             udev_device_get_sysname(d), action)) {
                        log_debug("uevent %s of %s", strna(action), strna(udev_device_get_sysname(d)));
                        if (w->ops.device_changed)
                                w->ops.device_changed(w->userdata);
                }
                return;
        }

        /* add and remove carry no LFA_UUID: the directory is named by it. */
        if (!uuid) {
                const char *devpath = udev_device_get_devpath(d);
                const char *slash = devpath ? strrchr(devpath, '/') : NULL;

                uuid = slash ? slash + 1 : NULL;
        }
        log_debug("uevent %s %s%s%s", strna(action), strna(uuid), event ? " LFA_EVENT=" : "", strempty(event));
        if (!action || !uuid || !w->ops.component_event)
                return;
        w->ops.component_event(w->userdata, action, uuid, event, err, what);
}

static int udev_watch_queue(UdevWatch *w, struct udev_device *d) {
        struct udev_device **t = realloc(w->queue, (w->n_queue + 1) * sizeof(*t));

        if (!t)
                return -ENOMEM;
        w->queue = t;
        w->queue[w->n_queue++] = udev_device_ref(d);
        return 0;
}

static int on_monitor(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        UdevWatch *w = userdata;

        (void) s;
        (void) fd;
        (void) revents;
        for (;;) {
                _cleanup_(udev_device_unrefp) struct udev_device *d = NULL;

                errno = 0;
                d = udev_monitor_receive_device(w->monitor);
                if (!d) {
                        if (errno == ENOBUFS) {
                                /* The socket overflowed: uevents were lost,
                                 * so nothing we know can be trusted. */
                                log_warning("udev monitor overflowed (ENOBUFS), re-reading everything.");
                                if (!w->queueing && w->ops.lost)
                                        w->ops.lost(w->userdata);
                                continue;
                        }
                        break;
                }
                if (w->queueing) {
                        if (udev_watch_queue(w, d) < 0) {
                                log_oom();
                                continue;
                        }
                        continue;
                }
                udev_watch_dispatch(w, d);
        }
        return 0;
}

int udev_watch_new(sd_event *e, const UdevWatchOps *ops, void *userdata, UdevWatch **ret) {
        UdevWatch *w;
        int r, size = RCVBUF_SIZE;

        w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;
        w->ops = *ops;
        w->userdata = userdata;

        w->udev = udev_new();
        if (!w->udev) {
                r = -errno ?: -ENOMEM;
                goto fail;
        }
        w->monitor = udev_monitor_new_from_netlink(w->udev, "udev");
        if (!w->monitor) {
                r = log_error_errno(errno ?: ENOMEM, "Failed to create the udev monitor: %m");
                goto fail;
        }
        r = udev_monitor_filter_add_match_subsystem_devtype(w->monitor, LFA_SUBSYSTEM, NULL);
        if (r >= 0)
                r = udev_monitor_filter_add_match_subsystem_devtype(w->monitor, SMCCC_SUBSYSTEM, NULL);
        if (r >= 0)
                r = udev_monitor_filter_add_match_subsystem_devtype(w->monitor, MODULE_SUBSYSTEM, NULL);
        if (r < 0) {
                log_error_errno(r, "Failed to filter the udev monitor: %m");
                goto fail;
        }
        r = udev_monitor_enable_receiving(w->monitor);
        if (r < 0) {
                log_error_errno(r, "Failed to enable the udev monitor: %m");
                goto fail;
        }
        if (setsockopt(udev_monitor_get_fd(w->monitor), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0)
                log_debug_errno(errno, "Failed to enlarge the udev monitor's buffer, ignoring: %m");

        r = sd_event_add_io(e, &w->source, udev_monitor_get_fd(w->monitor), EPOLLIN, on_monitor, w);
        if (r < 0) {
                log_error_errno(r, "Failed to watch the udev monitor: %m");
                goto fail;
        }
        (void) sd_event_source_set_description(w->source, "udev-monitor");
        *ret = w;
        return 0;
fail:
        udev_watch_free(w);
        return r < 0 ? r : -EIO;
}

UdevWatch *udev_watch_free(UdevWatch *w) {
        if (!w)
                return NULL;
        for (size_t i = 0; i < w->n_queue; i++)
                udev_device_unref(w->queue[i]);
        free(w->queue);
        sd_event_source_disable_unref(w->source);
        udev_monitor_unref(w->monitor);
        udev_unref(w->udev);
        free(w);
        return NULL;
}

void udev_watch_set_queueing(UdevWatch *w, bool queue) {
        w->queueing = queue;
}

void udev_watch_replay(UdevWatch *w) {
        struct udev_device **q;
        size_t n;

        /* Read what arrived while coldplug ran, then handle all in order. */
        (void) on_monitor(NULL, -1, 0, w);
        q = w->queue;
        n = w->n_queue;
        w->queue = NULL;
        w->n_queue = 0;
        w->queueing = false;
        for (size_t i = 0; i < n; i++) {
                udev_watch_dispatch(w, q[i]);
                udev_device_unref(q[i]);
        }
        free(q);
}
