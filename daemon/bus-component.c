/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus-component.h"
#include "bus.h"
#include "log.h"
#include "macro.h"
#include "manager.h"
#include "policy.h"

int bus_component_path(const char *uuid, char **ret) {
        return sd_bus_path_encode(BUS_COMPONENT_PREFIX, uuid, ret);
}

int bus_component_find(sd_bus *bus _unused_, const char *path, const char *interface _unused_,
                       void *userdata, void **ret_found, sd_bus_error *error _unused_) {
        _cleanup_free_ char *uuid = NULL;
        Manager *m = userdata;
        Component *c;
        int r;

        r = sd_bus_path_decode(path, BUS_COMPONENT_PREFIX, &uuid);
        if (r < 0)
                return r;
        if (r == 0 || !uuid)
                return 0;

        /* Paths carry the lowercase UUID; a path in another case names no object. */
        c = manager_get_component(m, uuid);
        if (!c || strcmp(c->uuid, uuid) != 0)
                return 0;

        *ret_found = c;
        return 1;
}

int bus_component_enumerate(sd_bus *bus _unused_, const char *prefix _unused_, void *userdata,
                            char ***ret_nodes, sd_bus_error *error _unused_) {
        _cleanup_strv_free_ char **l = NULL;
        Manager *m = userdata;
        int r;

        l = calloc(manager_n_components(m) + 1, sizeof(char *));
        if (!l)
                return -ENOMEM;

        for (size_t i = 0; i < manager_n_components(m); i++) {
                r = bus_component_path(manager_component_at(m, i)->uuid, &l[i]);
                if (r < 0)
                        return r;
        }

        *ret_nodes = TAKE_PTR(l);
        return 1;
}

static int property_get_uuid(sd_bus *bus _unused_, const char *path _unused_,
                             const char *interface _unused_, const char *property _unused_,
                             sd_bus_message *reply, void *userdata, sd_bus_error *error _unused_) {
        const Component *c = userdata;

        return sd_bus_message_append(reply, "s", c->uuid);
}

static int property_get_version(sd_bus *bus _unused_, const char *path _unused_,
                                const char *interface _unused_, const char *property,
                                sd_bus_message *reply, void *userdata,
                                sd_bus_error *error _unused_) {
        const Component *c = userdata;
        char buf[24];

        return sd_bus_message_append(reply, "s",
                                     lfa_version_to_string(strcmp(property, "CurrentVersion") == 0 ?
                                                           &c->current_version : &c->pending_version,
                                                           buf));
}

static int property_get_state(sd_bus *bus _unused_, const char *path _unused_,
                              const char *interface _unused_, const char *property _unused_,
                              sd_bus_message *reply, void *userdata, sd_bus_error *error _unused_) {
        const Component *c = userdata;

        return sd_bus_message_append(reply, "s", strempty(component_state_to_string(c->state)));
}

/* The Manager, for what it keeps of a component beyond sysfs (the decision,
 * the last result, the kernel override): the userdata of the vtable's slot
 * is the BusContext. */
static Manager *current_manager(sd_bus *bus) {
        return bus_context_get_manager(sd_bus_slot_get_userdata(sd_bus_get_current_slot(bus)));
}

static int property_get_decision(sd_bus *bus, const char *path _unused_,
                                 const char *interface _unused_, const char *property,
                                 sd_bus_message *reply, void *userdata,
                                 sd_bus_error *error _unused_) {
        const Component *c = userdata;
        const Decision *d = manager_get_decision(current_manager(bus), c->uuid);

        if (!d)
                return sd_bus_message_append(reply, "s", "");
        if (strcmp(property, "Decision") == 0)
                return sd_bus_message_append(reply, "s", strempty(decision_action_to_string(d->action)));
        return sd_bus_message_append(reply, "s", strempty(d->reason));
}

static int property_get_last_result(sd_bus *bus, const char *path _unused_,
                                    const char *interface _unused_, const char *property _unused_,
                                    sd_bus_message *reply, void *userdata,
                                    sd_bus_error *error _unused_) {
        const Component *c = userdata;
        const ComponentResult *res = manager_get_last_result(current_manager(bus), c->uuid);

        if (!res || !res->set)
                return sd_bus_message_append(reply, "s", "");
        return sd_bus_message_append(reply, "s", res->error == 0 ? "success" : "failed");
}

static int property_get_last_result_usec(sd_bus *bus, const char *path _unused_,
                                         const char *interface _unused_,
                                         const char *property _unused_, sd_bus_message *reply,
                                         void *userdata, sd_bus_error *error _unused_) {
        const Component *c = userdata;
        const ComponentResult *res = manager_get_last_result(current_manager(bus), c->uuid);

        return sd_bus_message_append(reply, "t", res && res->set ? res->time : 0);
}

static int property_get_kernel_override(sd_bus *bus, const char *path _unused_,
                                       const char *interface _unused_, const char *property _unused_,
                                       sd_bus_message *reply, void *userdata,
                                       sd_bus_error *error _unused_) {
        const Component *c = userdata;

        return sd_bus_message_append(reply, "s",
                                     strempty(manager_get_kernel_override(current_manager(bus), c->uuid)));
}

static int property_get_string_ptr(sd_bus *bus _unused_, const char *path _unused_,
                                   const char *interface _unused_, const char *property _unused_,
                                   sd_bus_message *reply, void *userdata,
                                   sd_bus_error *error _unused_) {
        char **s = userdata;

        return sd_bus_message_append(reply, "s", strempty(*s));
}

static int property_get_bool(sd_bus *bus _unused_, const char *path _unused_,
                             const char *interface _unused_, const char *property _unused_,
                             sd_bus_message *reply, void *userdata, sd_bus_error *error _unused_) {
        const bool *b = userdata;

        return sd_bus_message_append(reply, "b", (int) *b);
}

/* Decision, reason and the last result come from the manager, the rest from
 * sysfs; all change only on a refresh, which emits PropertiesChanged. */
const sd_bus_vtable bus_component_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Uuid", "s", property_get_uuid, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Name", "s", property_get_string_ptr, offsetof(Component, name),
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("SeqId", "t", NULL, offsetof(Component, seq_id),
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("CurrentVersion", "s", property_get_version, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("PendingVersion", "s", property_get_version, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("ActivationCapable", "b", property_get_bool,
                        offsetof(Component, activation_capable), SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("ActivationPending", "b", property_get_bool,
                        offsetof(Component, activation_pending), SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("MayResetCpu", "b", property_get_bool, offsetof(Component, may_reset_cpu),
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("CpuRendezvous", "b", property_get_bool, offsetof(Component, cpu_rendezvous),
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("ForceCpuRendezvous", "b", property_get_bool,
                        offsetof(Component, force_cpu_rendezvous), SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("KernelAutoActivate", "b", property_get_bool, offsetof(Component, auto_activate),
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("KernelOverride", "s", property_get_kernel_override, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("State", "s", property_get_state, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("ParseError", "s", property_get_string_ptr, offsetof(Component, parse_error),
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Decision", "s", property_get_decision, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("DecisionReason", "s", property_get_decision, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("LastResult", "s", property_get_last_result, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("LastResultUSec", "t", property_get_last_result_usec, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("LastError", "s", property_get_string_ptr, offsetof(Component, last_error_raw),
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_VTABLE_END
};

static const struct {
        unsigned bit;
        const char *names[3];
} change_names[] = {
        { COMPONENT_CHANGED_NAME,                 { "Name" } },
        { COMPONENT_CHANGED_SEQ_ID,               { "SeqId" } },
        { COMPONENT_CHANGED_CURRENT_VERSION,      { "CurrentVersion" } },
        { COMPONENT_CHANGED_PENDING_VERSION,      { "PendingVersion" } },
        { COMPONENT_CHANGED_ACTIVATION_CAPABLE,   { "ActivationCapable" } },
        { COMPONENT_CHANGED_ACTIVATION_PENDING,   { "ActivationPending" } },
        { COMPONENT_CHANGED_MAY_RESET_CPU,        { "MayResetCpu" } },
        { COMPONENT_CHANGED_CPU_RENDEZVOUS,       { "CpuRendezvous" } },
        { COMPONENT_CHANGED_FORCE_CPU_RENDEZVOUS, { "ForceCpuRendezvous" } },
        { COMPONENT_CHANGED_STATE,                { "State" } },
        { COMPONENT_CHANGED_LAST_ERROR,           { "LastError" } },
        { COMPONENT_CHANGED_PARSE_ERROR,          { "ParseError" } },
        { COMPONENT_CHANGED_DECISION,             { "Decision", "DecisionReason" } },
        { COMPONENT_CHANGED_LAST_RESULT,          { "LastResult", "LastResultUSec" } },
        { COMPONENT_CHANGED_AUTO_ACTIVATE,        { "KernelAutoActivate" } },
        { COMPONENT_CHANGED_KERNEL_OVERRIDE,      { "KernelOverride" } },
};

void bus_component_changed_names(unsigned mask, const char **ret) {
        size_t n = 0;

        for (size_t i = 0; i < ELEMENTSOF(change_names); i++) {
                if (!(mask & change_names[i].bit))
                        continue;
                for (size_t j = 0; j < ELEMENTSOF(change_names[i].names) && change_names[i].names[j]; j++)
                        ret[n++] = change_names[i].names[j];
        }
        ret[n] = NULL;
}

int bus_component_emit_changed(sd_bus *bus, const Component *c, unsigned mask) {
        _cleanup_free_ char *path = NULL;
        const char *names[BUS_COMPONENT_MAX_CHANGED + 1];
        int r;

        bus_component_changed_names(mask, names);
        if (!names[0])
                return 0;

        r = bus_component_path(c->uuid, &path);
        if (r < 0)
                return r;

        return sd_bus_emit_properties_changed_strv(bus, path, "org.lfa.Component", (char **) names);
}
