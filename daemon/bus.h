/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * bus: the D-Bus face of lfad, org.lfa.Manager on the system bus.
 * The contract is dbus/org.lfa.Manager.xml; this layer only translates
 * between it and the Manager (daemon/manager.h).
 */

typedef struct Manager Manager;
/* The bus layer's state (pending calls, polkit queries, its vtables);
 * opaque, the caller's handle to the layer. */
typedef struct BusContext BusContext;

/*
 * Connects to the system bus (sd_bus_open_system(), so tests redirect it
 * with DBUS_SYSTEM_BUS_ADDRESS), registers the manager and component
 * objects, the ObjectManager and the error map, and attaches the bus to
 * m->event. The layer's handle, which holds the bus, in *ret.
 * Negative errno on failure.
 */
int bus_setup(Manager *m, BusContext **ret);

/*
 * Takes org.lfa.Manager and returns when the bus answered: after it lfad is
 * reachable, and READY=1 may say so. A refusal (another owner: -EEXIST, the
 * bus policy: -EACCES) is fatal: without the name nobody can reach lfad.
 */
int bus_request_name(BusContext *ctx);

/* Drops pending calls (they get an error reply) and the bus. NULL-safe;
 * returns NULL. */
BusContext *bus_shutdown(BusContext *ctx);

#include <systemd/sd-bus.h>

/* bus_setup() on a given connection (unit tests use a socketpair). */
int bus_attach(Manager *m, sd_bus *bus, BusContext **ret);

/* Refresh() re-reads at most once per this many µs for callers that are
 * not root (default 1 s, lfad(8)); the fuzz target sets 0 so that its
 * executions do not wait. */
void bus_set_refresh_interval(uint64_t usec);

/* The org.lfa.Manager properties a ManagerChange mask touches,
 * NULL-terminated, into ret (room for BUS_MANAGER_MAX_CHANGED + 1). */
#define BUS_MANAGER_MAX_CHANGED 12
void bus_manager_changed_names(unsigned mask, const char **ret);

/*
 * Authorization, in one table: 0 and *ret_action NULL when
 * interface.member is open to everyone, 0 and the polkit action it needs
 * otherwise (root is allowed without asking), -ENOENT when the table has
 * no entry: lfad refuses such a call from anyone (AccessDenied) and logs it.
 */
int bus_method_access(const char *interface, const char *member, const char **ret_action);

/*
 * Registers vtable for interface at path (a fallback vtable with find when
 * find is set; the vtable's userdata is ctx, as for find), every method
 * dispatched through the authorization table. bus_attach() registers
 * lfad's with it; unit tests add their own.
 */
int bus_add_vtable(BusContext *ctx, const char *path, const char *interface, const sd_bus_vtable *vtable,
                   sd_bus_object_find_t find);

/* The Manager of ctx. ctx is the userdata of every vtable slot, so a
 * property getter of an object whose own userdata is not the Manager (a
 * component's) reaches it through sd_bus_get_current_slot(). */
Manager *bus_context_get_manager(BusContext *ctx);

/* org.lfa.Manager's vtable, as registered at /org/lfa/Manager. */
extern const sd_bus_vtable bus_manager_vtable[];
