/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <systemd/sd-bus.h>

/*
 * Asynchronous authorization of D-Bus callers through polkit's own D-Bus API
 * (org.freedesktop.PolicyKit1.Authority.CheckAuthorization), without GLib.
 * The design of systemd's src/shared/bus-polkit.c, redone with public calls:
 *
 *   r = polkit_verify(m, "org.lfa.activate", &registry, error);
 *   if (r < 0)
 *           return r;          denied (error set) or failure
 *   if (r == 0)
 *           return 1;          asked polkit; the handler runs again later
 *   ... authorized: change state ...
 *
 * A sender with our privileges (root) is allowed without asking. Otherwise
 * polkit is asked once; its answer is stored, and the original message is
 * rewound and queued again with sd_bus_enqueue_for_read(), so the same
 * handler runs a second time and gets the stored verdict. A polkit that is
 * missing or fails means deny. Its one caller is bus.c's
 * bus_method_dispatch(), for each method the authorization table gives an
 * action: "the handler" above is that dispatcher, which runs the method's
 * own handler once authorized.
 */

typedef struct PolkitQuery PolkitQuery;

#define LFA_ERROR_ACCESS_DENIED "org.lfa.Error.AccessDenied"

int polkit_verify(sd_bus_message *call, const char *action, PolkitQuery **registry,
                  sd_bus_error *error);

/* Drops every query of the registry (pending calls are cancelled). */
PolkitQuery *polkit_registry_free(PolkitQuery *registry);
