/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bus-floor: the smallest sd-bus service that answers Properties.Get, the
 * floor lfad's org.lfa.Manager is measured against (bench/bench-bus.py).
 * It owns org.lfa.BenchFloor on the bus of $DBUS_SYSTEM_BUS_ADDRESS and
 * serves /org/lfa/Manager, interface org.lfa.Manager, property Version, a
 * constant, through the same sd-bus vtable machinery lfad uses.
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

static int get_version(sd_bus *bus, const char *path, const char *interface, const char *property,
                       sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        (void) bus, (void) path, (void) interface, (void) property, (void) userdata, (void) error;
        return sd_bus_message_append(reply, "s", "0.1.0");
}

static const sd_bus_vtable vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END
};

int main(void) {
        sd_event *e = NULL;
        sd_bus *bus = NULL;
        sigset_t mask;
        int r;

        /* SIGTERM ends the loop (a NULL handler means exit). */
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        r = sd_event_default(&e);
        if (r >= 0)
                r = sd_event_add_signal(e, NULL, SIGTERM, NULL, NULL);
        if (r >= 0)
                r = sd_bus_open_system(&bus);
        if (r >= 0)
                r = sd_bus_add_object_vtable(bus, NULL, "/org/lfa/Manager", "org.lfa.Manager", vtable, NULL);
        if (r >= 0)
                r = sd_bus_request_name(bus, "org.lfa.BenchFloor", 0);
        if (r >= 0)
                r = sd_bus_attach_event(bus, e, 0);
        if (r >= 0)
                (void) sd_notify(0, "READY=1");
        if (r >= 0)
                r = sd_event_loop(e);
        if (r < 0)
                fprintf(stderr, "bus-floor: %s\n", strerror(-r));
        sd_bus_flush_close_unref(bus);
        sd_event_unref(e);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
