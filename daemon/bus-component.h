/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * org.lfa.Component: one object per component at
 * /org/lfa/Manager/component/<sd_bus_path_encode(uuid)>, served by a
 * fallback vtable and a node enumerator so that the objects follow the
 * manager's inventory without being registered one by one.
 */

#include <systemd/sd-bus.h>

#include "inventory.h"

#define BUS_COMPONENT_PREFIX "/org/lfa/Manager/component"

typedef struct Manager Manager;

extern const sd_bus_vtable bus_component_vtable[];

/* Fallback lookup: the component behind path, 0 if none. */
int bus_component_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
                       void **ret_found, sd_bus_error *error);

/* Every component's object path, for introspection and ObjectManager. */
int bus_component_enumerate(sd_bus *bus, const char *prefix, void *userdata, char ***ret_nodes,
                            sd_bus_error *error);

/* Object path of the component with this (lowercase) UUID. */
int bus_component_path(const char *uuid, char **ret);

/* The names of org.lfa.Component properties a ComponentChange mask touches,
 * NULL-terminated, in ret (size at least BUS_COMPONENT_MAX_CHANGED + 1). */
#define BUS_COMPONENT_MAX_CHANGED 20
void bus_component_changed_names(unsigned mask, const char **ret);

/* Emit one PropertiesChanged for c with the properties of mask. */
int bus_component_emit_changed(sd_bus *bus, const Component *c, unsigned mask);
