/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The event loop of the verbs that follow lfad rather than call it once
 * (monitor, metrics --watch): SIGINT and SIGTERM end it with exit status 0;
 * the bus connection closing ends it with EXIT_UNREACHABLE, and so does lfad
 * leaving the bus (the owner of org.lfa.Manager vanishing) for a verb that
 * has nothing to follow without lfad. Nothing here waits without an end
 * that a signal, lfad or the bus can bring.
 */

#include <errno.h>
#include <signal.h>

#include "lfactl.h"

#define MATCH_NAME_OWNER_CHANGED                                        \
        "type='signal',sender='org.freedesktop.DBus',"                  \
        "interface='org.freedesktop.DBus',member='NameOwnerChanged',"   \
        "arg0='" LFA_BUS_NAME "'"

int follow_event(Follow *f) {
        sigset_t mask;
        int r;

        /* Block first, so a signal arriving before the loop runs is not lost. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return output_bus_error(f->c, NULL, -errno, f->what);

        /* No handler: the signal ends the loop with exit status 0. */
        r = sd_event_default(&f->event);
        if (r >= 0)
                r = sd_event_add_signal(f->event, NULL, SIGINT, NULL, NULL);
        if (r >= 0)
                r = sd_event_add_signal(f->event, NULL, SIGTERM, NULL, NULL);
        if (r < 0)
                return output_bus_error(f->c, NULL, r, f->what);
        return EXIT_OK;
}

static int lost(Follow *f, const char *why) {
        f->lost = why;
        return sd_event_exit(f->event, EXIT_UNREACHABLE);
}

static int on_name_owner_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Follow *f = userdata;
        const char *name, *old_owner, *new_owner;
        int r;

        r = f->on_signal(m, f->userdata, ret_error);
        if (r < 0 || !f->exit_when_lfad_leaves)
                return r;

        /* on_signal read the arguments: read them again from the start. */
        r = sd_bus_message_rewind(m, true);
        if (r >= 0)
                r = sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner);
        if (r < 0)
                return r;
        if (*new_owner == '\0')
                return lost(f, LFA_BUS_NAME " left the bus (lfad stopped)");
        return 0;
}

/*
 * sd-bus tells of a closed connection with a local Disconnected signal
 * (never sent to the bus): the end of everything this loop follows.
 */
static int on_disconnected(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        (void) m;
        (void) ret_error;
        return lost(userdata, "the connection to the system bus closed");
}

int follow_bus(Follow *f) {
        Context *c = f->c;
        int r;

        r = sd_bus_attach_event(c->bus, f->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return output_bus_error(c, NULL, r, f->what);

        /* The bus resolves the well-known name to lfad's current connection. */
        r = sd_bus_add_match(c->bus, NULL, "type='signal',sender='" LFA_BUS_NAME "'",
                             f->on_signal, f->userdata);
        if (r >= 0)
                r = sd_bus_add_match(c->bus, NULL, MATCH_NAME_OWNER_CHANGED, on_name_owner_changed, f);
        if (r >= 0)
                r = sd_bus_match_signal(c->bus, NULL, "org.freedesktop.DBus.Local",
                                        "/org/freedesktop/DBus/Local", "org.freedesktop.DBus.Local",
                                        "Disconnected", on_disconnected, f);
        if (r < 0)
                return output_bus_error(c, NULL, r, "AddMatch");
        return EXIT_OK;
}

/* Subscribed first, then asked: lfad leaving after the answer is seen. */
int follow_lfad_present(Follow *f) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        Context *c = f->c;
        int r;

        /* Like every other verb: bus activation may start lfad. */
        r = sd_bus_message_new_method_call(c->bus, &m, LFA_BUS_NAME, LFA_MANAGER_PATH,
                                           "org.freedesktop.DBus.Peer", "Ping");
        if (r < 0)
                return output_bus_error(c, NULL, r, "Ping");
        r = sd_bus_call(c->bus, m, bus_timeout(c, false), &error, NULL);
        if (r < 0)
                return output_bus_error(c, &error, r, "Ping");
        return EXIT_OK;
}

int follow_run(Follow *f) {
        int r;

        r = sd_event_loop(f->event);
        if (r < 0)
                return output_bus_error(f->c, NULL, r, f->what);
        if (r == EXIT_UNREACHABLE)
                return output_error(f->c, EXIT_UNREACHABLE, "org.lfa.lfactl.Unreachable", "%s: %s",
                                    f->what, f->lost ?: "lfad is gone");
        return r;
}

void follow_done(Follow *f) {
        f->event = sd_event_unref(f->event);
}
