/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Calls to lfad on the system bus ($DBUS_SYSTEM_BUS_ADDRESS is honoured). */

#include <errno.h>
#include <stdarg.h>
#include <unistd.h>

#include "lfactl.h"

int bus_connect(Context *c) {
        int r;

        r = sd_bus_open_system(&c->bus);
        if (r < 0)
                return r;

        /* Like busctl: polkit may ask for a password only when someone can type it. */
        return sd_bus_set_allow_interactive_authorization(c->bus, isatty(STDIN_FILENO) > 0);
}

/*
 * Activate, ActivatePending and Prime reply only when the firmware is done
 * (the driver's budgets are 30 s + 20 s per component, more for a window of
 * several), so they wait without a limit unless --timeout says otherwise;
 * everything else keeps sd-bus's 25 s default.
 */
usec_t bus_timeout(const Context *c, bool long_call) {
        if (c->timeout_set)
                return c->timeout;
        return long_call ? USEC_INFINITY : 0;
}

int bus_call_manager(Context *c, const char *method, bool long_call, sd_bus_message **reply,
                     const char *types, ...) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        va_list ap;
        int r;

        r = sd_bus_message_new_method_call(c->bus, &m, LFA_BUS_NAME, LFA_MANAGER_PATH,
                                           LFA_MANAGER_IFACE, method);
        if (r < 0)
                return output_bus_error(c, NULL, r, method);

        if (types) {
                va_start(ap, types);
                r = sd_bus_message_appendv(m, types, ap);
                va_end(ap);
                if (r < 0)
                        return output_bus_error(c, NULL, r, method);
        }

        r = sd_bus_call(c->bus, m, bus_timeout(c, long_call), &error, reply);
        if (r < 0)
                return output_bus_error(c, &error, r, method);
        return EXIT_OK;
}

/* Every property of one interface of one object, as a JSON object. */
int bus_get_all(Context *c, const char *path, const char *iface, json_object **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_call_method(c->bus, LFA_BUS_NAME, path, "org.freedesktop.DBus.Properties",
                               "GetAll", &error, &reply, "s", iface);
        if (r < 0)
                return output_bus_error(c, &error, r, "GetAll");

        r = message_read_properties_json(reply, ret);
        if (r < 0)
                return output_bus_error(c, NULL, r, "GetAll");
        return EXIT_OK;
}

/* GetComponent(uuid): lfad validates the UUID and says NotFound itself. */
int bus_component_path(Context *c, const char *uuid, char **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *path;
        int r;

        r = bus_call_manager(c, "GetComponent", false, &reply, "s", uuid);
        if (r != EXIT_OK)
                return r;

        r = sd_bus_message_read(reply, "o", &path);
        if (r < 0)
                return output_bus_error(c, NULL, r, "GetComponent");

        *ret = strdup(path);
        if (!*ret)
                return output_bus_error(c, NULL, -ENOMEM, "GetComponent");
        return EXIT_OK;
}
