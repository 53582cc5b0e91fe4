/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What lfactl prints. With --json stdout carries only JSON, errors included
 * ({"error": NAME, "message": TEXT}), so a script can parse every outcome;
 * without it errors go to stderr and the exit code says which kind it was.
 */

#include <errno.h>
#include <stdarg.h>
#include <time.h>

#include "lfactl.h"

int output_json(const Context *c, json_object *o) {
        const char *s = json_object_to_json_string_ext(o, c->json_lines ? JSON_C_TO_STRING_PLAIN |
                                                                                  JSON_C_TO_STRING_NOSLASHESCAPE :
                                                                          JSON_C_TO_STRING_PRETTY |
                                                                                  JSON_C_TO_STRING_SPACED |
                                                                                  JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!s)
                return -ENOMEM;
        if (puts(s) == EOF || fflush(stdout) != 0)
                return -EIO;
        return 0;
}

static int vprint_error(const Context *c, int exit_code, const char *name, const char *fmt,
                        va_list ap) {
        _cleanup_free_ char *msg = NULL;

        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;

        if (c->json) {
                _cleanup_json_ json_object *o = json_object_new_object();

                if (o) {
                        json_object_object_add(o, "error", json_object_new_string(name));
                        json_object_object_add(o, "message",
                                               json_object_new_string(msg ?: "out of memory"));
                        json_object_object_add(o, "exit_code", json_object_new_int(exit_code));
                        (void) output_json(c, o);
                }
        } else
                fprintf(stderr, "lfactl: %s\n", msg ?: name);

        return exit_code;
}

/* Prints the error and returns exit_code, so `return output_error(...)` ends a verb. */
int output_error(const Context *c, int exit_code, const char *name, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vprint_error(c, exit_code, name, fmt, ap);
        va_end(ap);
        return r;
}

static const struct {
        const char *name;
        int exit_code;
} error_exit_codes[] = {
        { "org.lfa.Error.NotFound",                                   EXIT_NOT_FOUND },
        { "org.lfa.Error.AccessDenied",                               EXIT_DENIED },
        { "org.freedesktop.DBus.Error.AccessDenied",                  EXIT_DENIED },
        { "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired", EXIT_DENIED },
        { "org.lfa.Error.Busy",                                       EXIT_BUSY },
        { "org.lfa.Error.Inhibited",                                  EXIT_BUSY },
        { "org.freedesktop.DBus.Error.InvalidArgs",                   EXIT_USAGE },
        { "org.freedesktop.DBus.Error.ServiceUnknown",                EXIT_UNREACHABLE },
        { "org.freedesktop.DBus.Error.NameHasNoOwner",                EXIT_UNREACHABLE },
        { "org.freedesktop.DBus.Error.Spawn.ChildExited",             EXIT_UNREACHABLE },
        { "org.freedesktop.systemd1.NoSuchUnit",                      EXIT_UNREACHABLE },
};

/*
 * A failed call: a D-Bus error carries lfad's org.lfa.Error.* name, which
 * picks the exit code; a local failure (no bus, no reply) has only errno.
 */
int output_bus_error(const Context *c, const sd_bus_error *error, int r, const char *what) {
        /*
         * No reply within the call's timeout: sd-bus names its own verdict
         * org.freedesktop.DBus.Error.Timeout, a name no peer of lfactl sends
         * (dbus-daemon's reply timeout is NoReply, lfad's firmware timeouts
         * org.lfa.Error.Timeout). It is lfactl's finding, named as lfactl(1)
         * says, like its other own errors.
         */
        if (sd_bus_error_has_name(error, SD_BUS_ERROR_TIMEOUT)) {
                error = NULL;
                r = -ETIMEDOUT;
        }

        if (sd_bus_error_is_set(error)) {
                int code = EXIT_FAILURE_;

                for (size_t i = 0; i < ELEMENTSOF(error_exit_codes); i++)
                        if (sd_bus_error_has_name(error, error_exit_codes[i].name)) {
                                code = error_exit_codes[i].exit_code;
                                break;
                        }
                return output_error(c, code, error->name, "%s: %s", what,
                                    error->message ?: error->name);
        }

        switch (-r) {
        case ENOENT:
        case ECONNREFUSED:
        case ENXIO:
                return output_error(c, EXIT_UNREACHABLE, "org.lfa.lfactl.Unreachable",
                                    "%s: cannot reach the system bus: %s", what, strerror(-r));
        case ETIMEDOUT:
                return output_error(c, EXIT_FAILURE_, "org.lfa.lfactl.Timeout",
                                    "%s: no reply in time (see --timeout): %s", what,
                                    strerror(-r));
        default:
                return output_error(c, EXIT_FAILURE_, "org.lfa.lfactl.Failed", "%s: %s", what,
                                    strerror(-r));
        }
}

/* Local time, as an admin reads the journal: "2026-11-27 18:00:00 UTC"; "-" for 0. */
const char *format_usec_realtime(char *buf, size_t size, uint64_t usec) {
        time_t t = (time_t) (usec / 1000000);
        struct tm tm;

        if (usec == 0 || !localtime_r(&t, &tm) ||
            strftime(buf, size, "%Y-%m-%d %H:%M:%S %Z", &tm) == 0)
                snprintf(buf, size, "-");
        return buf;
}
