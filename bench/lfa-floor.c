/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lfa-floor: the "floor" lfad's idle memory and wakeups are compared with
 * (bench/bench-lfad.py). It holds what any such service must: an sd-event
 * loop, a system-bus connection with one object and a well-known name, a
 * libudev monitor on the event loop, and sd_notify READY=1. Nothing else.
 *
 * With --reflex it also writes "1" to a component's activate file on each
 * LFA_EVENT=store-updated uevent, at once and without reading anything: the
 * floor of the store-update -> activate latency on the same platform.
 *
 * With --read=DIR it first reads, once, every attribute lfad reads of every
 * component directory under DIR (open, read, close each, relative to the
 * component's directory as lfad does): the floor of lfad's start-to-READY
 * with that inventory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

static int get_version(sd_bus *bus, const char *path, const char *interface,
                       const char *property, sd_bus_message *reply, void *userdata,
                       sd_bus_error *error)
{
        (void) bus, (void) path, (void) interface, (void) property, (void) userdata, (void) error;
        return sd_bus_message_append(reply, "s", "0");
}

static const sd_bus_vtable floor_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END,
};

static bool reflex;

/* The files inventory_read_component() reads (daemon/inventory.c). */
static const char *const attributes[] = {
        "name", "seq_id", "current_version", "pending_version", "activation_capable",
        "activation_pending", "may_reset_cpu", "cpu_rendezvous", "force_cpu_rendezvous",
        "auto_activate", "state", "last_error",
};

static int read_tree(const char *root)
{
        struct dirent *de;
        char buf[256];
        DIR *d;

        d = opendir(root);
        if (!d)
                return -errno;
        while ((de = readdir(d))) {
                int dir_fd;

                /* Component directories are named by a UUID (36 characters). */
                if (strlen(de->d_name) != 36)
                        continue;
                dir_fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (dir_fd < 0)
                        continue;
                for (size_t i = 0; i < sizeof(attributes) / sizeof(attributes[0]); i++) {
                        int fd = openat(dir_fd, attributes[i], O_RDONLY | O_CLOEXEC | O_NOCTTY);

                        if (fd < 0)
                                continue;
                        if (read(fd, buf, sizeof(buf)) < 0)
                                fprintf(stderr, "lfa-floor: %s/%s: %s\n", de->d_name, attributes[i],
                                        strerror(errno));
                        close(fd);
                }
                close(dir_fd);
        }
        closedir(d);
        return 0;
}

static void activate(struct udev_device *d)
{
        const char *event = udev_device_get_property_value(d, "LFA_EVENT");
        const char *uuid = udev_device_get_property_value(d, "LFA_UUID");
        char path[128];
        int fd;

        if (!event || !uuid || strcmp(event, "store-updated") != 0)
                return;
        snprintf(path, sizeof(path), "/sys/firmware/lfa/%s/activate", uuid);
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return;
        if (write(fd, "1", 1) != 1)
                fprintf(stderr, "lfa-floor: %s: %s\n", path, strerror(errno));
        close(fd);
}

static int on_uevent(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
        struct udev_device *d = udev_monitor_receive_device(userdata);

        (void) s, (void) fd, (void) revents;
        if (d) {
                if (reflex)
                        activate(d);
                udev_device_unref(d);
        }
        return 0;
}

static int fail(const char *what, int r)
{
        fprintf(stderr, "lfa-floor: %s: %s\n", what, strerror(r < 0 ? -r : r));
        return EXIT_FAILURE;
}

int main(int argc, char *argv[])
{
        sd_event *event = NULL;
        sd_bus *bus = NULL;
        struct udev *udev;
        struct udev_monitor *mon;
        sigset_t mask;
        int r;

        reflex = argc > 1 && strcmp(argv[1], "--reflex") == 0;
        if (argc > 1 && strncmp(argv[1], "--read=", 7) == 0) {
                r = read_tree(argv[1] + 7);
                if (r < 0)
                        return fail(argv[1] + 7, r);
        }
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);

        r = sd_event_default(&event);
        if (r < 0)
                return fail("sd_event_default", r);
        r = sd_event_add_signal(event, NULL, SIGTERM, NULL, NULL);
        if (r >= 0)
                r = sd_event_add_signal(event, NULL, SIGINT, NULL, NULL);
        if (r < 0)
                return fail("sd_event_add_signal", r);

        udev = udev_new();
        mon = udev ? udev_monitor_new_from_netlink(udev, "udev") : NULL;
        if (!mon)
                return fail("udev monitor", errno);
        r = udev_monitor_filter_add_match_subsystem_devtype(mon, "lfa", NULL);
        if (r >= 0)
                r = udev_monitor_enable_receiving(mon);
        if (r < 0)
                return fail("udev monitor", r);
        r = sd_event_add_io(event, NULL, udev_monitor_get_fd(mon), EPOLLIN, on_uevent, mon);
        if (r < 0)
                return fail("sd_event_add_io", r);

        r = sd_bus_open_system(&bus);
        if (r < 0)
                return fail("sd_bus_open_system", r);
        r = sd_bus_add_object_vtable(bus, NULL, "/org/lfa/Floor", "org.lfa.Floor", floor_vtable, NULL);
        if (r < 0)
                return fail("sd_bus_add_object_vtable", r);
        r = sd_bus_request_name(bus, "org.lfa.Floor", 0);
        if (r < 0)
                return fail("sd_bus_request_name", r);
        r = sd_bus_attach_event(bus, event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return fail("sd_bus_attach_event", r);

        sd_notify(0, "READY=1");
        r = sd_event_loop(event);

        sd_bus_flush_close_unref(bus);
        udev_monitor_unref(mon);
        udev_unref(udev);
        sd_event_unref(event);
        return r < 0 ? fail("sd_event_loop", r) : EXIT_SUCCESS;
}
