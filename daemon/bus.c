/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "bus-component.h"
#include "bus-error.h"
#include "bus.h"
#include "log.h"
#include "macro.h"
#include "manager.h"
#include "polkit.h"

#ifndef LFA_VERSION
#error "LFA_VERSION must come from the build (meson.project_version())"
#endif

#define BUS_NAME        "org.lfa.Manager"
#define BUS_PATH        "/org/lfa/Manager"
#define BUS_INTERFACE   "org.lfa.Manager"

#define ACTION_ACTIVATE      "org.lfa.activate"
#define ACTION_INHIBIT       "org.lfa.inhibit"
#define ACTION_MANAGE_POLICY "org.lfa.manage-policy"

/* Bounds on Inhibit()'s free-text arguments, so Inhibitors stays readable. */
#define INHIBIT_TEXT_MAX 256

/* Refresh() on behalf of callers that are not root: at most one re-read
 * per interval (on real hardware each is GET_INFO and a GET_INVENTORY per
 * component, under the driver's lock that activations take too). */
#define REFRESH_UNPRIVILEGED_INTERVAL_USEC USEC_PER_SEC

static usec_t refresh_interval = REFRESH_UNPRIVILEGED_INTERVAL_USEC;

typedef struct BusContext BusContext;
typedef struct BusVtable BusVtable;

/* A method call whose reply waits for the end of an activation or prime,
 * or for the next re-read of Refresh(). */
typedef struct PendingCall {
        struct PendingCall *next;
        BusContext *context;
        sd_bus_message *message;
        ManagerRequest *request;        /* the manager's handle of its activation, prime or window run */
        bool refresh;                   /* waits for the next re-read of Refresh() */
} PendingCall;

struct BusContext {
        Manager *manager;
        PolkitQuery *polkit;
        PendingCall *pending;
        PendingCall *window_call;       /* the ActivatePending call being served */
        BusVtable *vtables;             /* registered through the authorization table */
        size_t n_vtables;
        sd_bus *bus;
        sd_event_source *exit_source;   /* answers waiting callers when the loop ends */
        sd_event_source *refresh_source;        /* the next re-read of Refresh() */
        usec_t refresh_last;            /* CLOCK_MONOTONIC end of the last one, 0: none yet */
};

/* The userdata of every vtable bus.c registers (the component objects'
 * own comes from bus_component_find()). */
static Manager *bus_manager(void *userdata) {
        BusContext *ctx = userdata;

        return ctx->manager;
}

Manager *bus_context_get_manager(BusContext *ctx) {
        return ctx->manager;
}

static int pending_call_new(BusContext *ctx, sd_bus_message *message, PendingCall **ret) {
        PendingCall *p;

        p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        p->context = ctx;
        p->message = sd_bus_message_ref(message);
        p->next = ctx->pending;
        ctx->pending = p;
        *ret = p;
        return 0;
}

static void pending_call_free(PendingCall *p) {
        BusContext *ctx = p->context;

        for (PendingCall **i = &ctx->pending; *i; i = &(*i)->next)
                if (*i == p) {
                        *i = p->next;
                        break;
                }
        if (ctx->window_call == p)
                ctx->window_call = NULL;
        /* Its callback must not run for a freed call. */
        manager_request_cancel_unref(p->request);
        sd_bus_message_unref(p->message);
        free(p);
}

/* A refusal of the manager for one component: the error name and a
 * message naming the component. */
static int bus_error_for(sd_bus_error *error, int r, const char *uuid) {
        _cleanup_free_ char *msg = NULL;

        if (r == -ENOMEM)
                return r;
        if (asprintf(&msg, "%s: %s.", uuid, bus_error_describe(r) ?: strerror(-r)) < 0)
                return -ENOMEM;
        return bus_error_set(error, r, NULL, msg);
}

/* Busy: the message names what is in the way (manager_describe_busy()). */
static int bus_error_busy_for(sd_bus_error *error, Manager *m, const char *uuid) {
        _cleanup_free_ char *why = manager_describe_busy(m, uuid);

        if (!why)
                return bus_error_for(error, -EBUSY, uuid);
        return sd_bus_error_setf(error, LFA_ERROR_BUSY, "%s: %s.", uuid, why);
}

/* Validation of arguments: InvalidArgs saying what is wrong. */

static int bus_parse_uuid(const char *s, char ret[static UUID_STRING_MAX], sd_bus_error *error) {
        if (uuid_normalize(s, ret) < 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Invalid UUID '%s': expected 8-4-4-4-12 hexadecimal digits.",
                                         s);
        return 0;
}

/* Reads the next "s" argument of message as a UUID. */
static int bus_read_uuid(sd_bus_message *message, char ret[static UUID_STRING_MAX], sd_bus_error *error) {
        const char *s;
        int r;

        r = sd_bus_message_read(message, "s", &s);
        if (r < 0)
                return r;
        return bus_parse_uuid(s, ret, error);
}

static int bus_parse_activate_options(sd_bus_message *message, ActivateOptions *opts,
                                      sd_bus_error *error) {
        const char *key;
        int r;

        *opts = (ActivateOptions) { .rendezvous = RENDEZVOUS_REQUEST_DEFAULT };

        r = sd_bus_message_enter_container(message, 'a', "{sv}");
        if (r < 0)
                return r;

        while ((r = sd_bus_message_enter_container(message, 'e', "sv")) > 0) {
                const char *value;

                r = sd_bus_message_read(message, "s", &key);
                if (r < 0)
                        return r;
                if (strcmp(key, "rendezvous") != 0)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                                 "Unknown option '%s' (known: rendezvous).", key);

                r = sd_bus_message_enter_container(message, 'v', "s");
                if (r < 0)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                                 "Option 'rendezvous' must be a string.");
                r = sd_bus_message_read(message, "s", &value);
                if (r < 0)
                        return r;
                opts->rendezvous = rendezvous_request_from_string(value);
                if (opts->rendezvous < 0)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                                 "Invalid rendezvous '%s': expected default, force or skip.",
                                                 value);
                r = sd_bus_message_exit_container(message);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(message);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;

        return sd_bus_message_exit_container(message);
}

/* Properties of the manager. */

static int property_get_version(sd_bus *bus _unused_, const char *path _unused_,
                                const char *interface _unused_, const char *property _unused_,
                                sd_bus_message *reply, void *userdata _unused_,
                                sd_bus_error *error _unused_) {
        return sd_bus_message_append(reply, "s", LFA_VERSION);
}

static int property_get_abi_version(sd_bus *bus _unused_, const char *path _unused_,
                                    const char *interface _unused_, const char *property _unused_,
                                    sd_bus_message *reply, void *userdata,
                                    sd_bus_error *error _unused_) {
        Manager *m = bus_manager(userdata);

        return sd_bus_message_append(reply, "s", strempty(manager_get_abi_version(m)));
}

static int property_get_driver_abi(sd_bus *bus _unused_, const char *path _unused_,
                                   const char *interface _unused_, const char *property _unused_,
                                   sd_bus_message *reply, void *userdata,
                                   sd_bus_error *error _unused_) {
        Manager *m = bus_manager(userdata);

        return sd_bus_message_append(reply, "s", strempty(driver_abi_to_string(manager_get_driver(m)->abi)));
}

static int property_get_driver_module(sd_bus *bus _unused_, const char *path _unused_,
                                      const char *interface _unused_, const char *property _unused_,
                                      sd_bus_message *reply, void *userdata,
                                      sd_bus_error *error _unused_) {
        Manager *m = bus_manager(userdata);

        return sd_bus_message_append(reply, "s", manager_get_driver(m)->module);
}

static int property_get_driver_features(sd_bus *bus _unused_, const char *path _unused_,
                                        const char *interface _unused_, const char *property _unused_,
                                        sd_bus_message *reply, void *userdata,
                                        sd_bus_error *error _unused_) {
        Manager *m = bus_manager(userdata);
        const char *names[9];

        driver_features_to_strv(manager_get_driver(m)->features, names);
        return sd_bus_message_append_strv(reply, (char **) names);
}

static int property_get_poll_interval(sd_bus *bus _unused_, const char *path _unused_,
                                      const char *interface _unused_, const char *property _unused_,
                                      sd_bus_message *reply, void *userdata,
                                      sd_bus_error *error _unused_) {
        Manager *m = bus_manager(userdata);

        return sd_bus_message_append(reply, "t", (uint64_t) manager_get_poll_interval(m));
}

static int property_get_state(sd_bus *bus _unused_, const char *path _unused_,
                              const char *interface _unused_, const char *property,
                              sd_bus_message *reply, void *userdata, sd_bus_error *error _unused_) {
        Manager *m = bus_manager(userdata);
        const char *uuid = NULL;
        ManagerState s;

        s = manager_get_state(m, &uuid);
        if (strcmp(property, "State") == 0)
                return sd_bus_message_append(reply, "s", strempty(manager_state_to_string(s)));
        return sd_bus_message_append(reply, "s", s == MANAGER_STATE_IDLE ? "" : strempty(uuid));
}

static int property_get_pending_count(sd_bus *bus _unused_, const char *path _unused_,
                                      const char *interface _unused_, const char *property _unused_,
                                      sd_bus_message *reply, void *userdata,
                                      sd_bus_error *error _unused_) {
        return sd_bus_message_append(reply, "u", manager_pending_count(bus_manager(userdata)));
}

static int property_get_policy_files(sd_bus *bus _unused_, const char *path _unused_,
                                     const char *interface _unused_, const char *property _unused_,
                                     sd_bus_message *reply, void *userdata,
                                     sd_bus_error *error _unused_) {
        const Policy *p = manager_get_policy(bus_manager(userdata));

        /* sd-bus takes a char ** it does not change. */
        return sd_bus_message_append_strv(reply, p ? (char **) policy_get_files(p) : NULL);
}

static int property_get_policy_loaded(sd_bus *bus _unused_, const char *path _unused_,
                                      const char *interface _unused_, const char *property _unused_,
                                      sd_bus_message *reply, void *userdata,
                                      sd_bus_error *error _unused_) {
        const Policy *p = manager_get_policy(bus_manager(userdata));

        return sd_bus_message_append(reply, "t", p ? policy_get_loaded_at(p) : 0);
}

static int property_get_policy_error(sd_bus *bus _unused_, const char *path _unused_,
                                     const char *interface _unused_, const char *property _unused_,
                                     sd_bus_message *reply, void *userdata,
                                     sd_bus_error *error _unused_) {
        Manager *m = bus_manager(userdata);

        return sd_bus_message_append(reply, "s", strempty(manager_get_policy_error(m)));
}

static int property_get_inhibitors(sd_bus *bus _unused_, const char *path _unused_,
                                   const char *interface _unused_, const char *property _unused_,
                                   sd_bus_message *reply, void *userdata,
                                   sd_bus_error *error _unused_) {
        Manager *m = bus_manager(userdata);
        const char *who, *reason;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "(ss)");
        if (r < 0)
                return r;
        for (size_t i = 0; inhibitor_registry_get(manager_get_inhibitors(m), i, &who, &reason); i++) {
                r = sd_bus_message_append(reply, "(ss)", strempty(who), strempty(reason));
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(reply);
}

/* Methods open to everyone. */

static int method_list_components(sd_bus_message *message, void *userdata,
                                  sd_bus_error *error _unused_) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = bus_manager(userdata);
        int r;

        r = sd_bus_message_new_method_return(message, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "(sso)");
        if (r < 0)
                return r;
        for (size_t i = 0; i < manager_n_components(m); i++) {
                _cleanup_free_ char *path = NULL;
                const Component *c = manager_component_at(m, i);

                r = bus_component_path(c->uuid, &path);
                if (r < 0)
                        return r;
                r = sd_bus_message_append(reply, "(sso)", c->uuid, strempty(c->name), path);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int bus_lookup_component(Manager *m, sd_bus_message *message, Component **ret,
                                sd_bus_error *error) {
        char uuid[UUID_STRING_MAX];
        int r;

        r = bus_read_uuid(message, uuid, error);
        if (r < 0)
                return r;

        *ret = manager_get_component(m, uuid);
        if (!*ret)
                return bus_error_for(error, -ENOENT, uuid);
        return 0;
}

static int method_get_component(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *path = NULL;
        Component *c;
        int r;

        r = bus_lookup_component(bus_manager(userdata), message, &c, error);
        if (r < 0)
                return r;
        r = bus_component_path(c->uuid, &path);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(message, "o", path);
}

/* Refresh(): every call waiting when the re-read runs gets its outcome;
 * a call never gets an answer older than itself. */
static int bus_refresh_run(sd_event_source *s _unused_, uint64_t usec _unused_, void *userdata) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        BusContext *ctx = userdata;
        PendingCall *next;
        unsigned n = 0;
        int r, driver_error;

        ctx->refresh_source = sd_event_source_disable_unref(ctx->refresh_source);

        for (PendingCall *p = ctx->pending; p; p = p->next)
                n += p->refresh;
        r = manager_refresh(ctx->manager, &driver_error);
        /* lfad's Busy wrote and read nothing: no reason to make the next
         * caller wait. A failed re-read did cost the firmware. */
        if (r != -EBUSY || driver_error < 0) {
                ctx->refresh_last = now_usec(CLOCK_MONOTONIC);
                log_info("Refresh: re-read the inventory for %u call(s).", n);
        }
        if (driver_error < 0)
                (void) bus_error_set_firmware(&e, driver_error,
                                              "The driver could not re-read the inventory from the firmware; "
                                              "the last good inventory stays");
        else if (r == -EBUSY) {
                /* lfad's own Busy: name what is in the way, as Activate's does. */
                _cleanup_free_ char *why = manager_describe_running(bus_manager(ctx));

                (void) sd_bus_error_setf(&e, LFA_ERROR_BUSY, "Refresh: %s.",
                                         why ?: "another prime or activation is running");
        } else if (r < 0)
                (void) bus_error_set(&e, r, NULL, NULL);

        for (PendingCall *p = ctx->pending; p; p = next) {
                next = p->next;
                if (!p->refresh)
                        continue;
                r = e.name ? sd_bus_reply_method_error(p->message, &e)
                           : sd_bus_reply_method_return(p->message, NULL);
                if (r < 0)
                        log_debug_errno(r, "Failed to answer Refresh, ignoring: %m");
                pending_call_free(p);
        }
        return 0;
}

/* Calls that arrive together share one re-read: it runs at idle priority,
 * after the bus has handed over every message already queued. Root's
 * calls run it as soon as that; everyone else's no sooner than
 * refresh_interval after the last one ended. */
static int bus_refresh_schedule(BusContext *ctx, bool privileged) {
        usec_t when = 1, scheduled;
        int r;

        if (!privileged && ctx->refresh_last > 0)
                when = ctx->refresh_last + refresh_interval;

        if (ctx->refresh_source) {
                r = sd_event_source_get_time(ctx->refresh_source, &scheduled);
                if (r < 0)
                        return r;
                if (scheduled <= when)
                        return 0;
                return sd_event_source_set_time(ctx->refresh_source, when);
        }

        r = sd_event_add_time(manager_get_event(ctx->manager), &ctx->refresh_source, CLOCK_MONOTONIC, when, 0,
                              bus_refresh_run, ctx);
        if (r < 0)
                return r;
        r = sd_event_source_set_priority(ctx->refresh_source, SD_EVENT_PRIORITY_IDLE);
        if (r < 0)
                ctx->refresh_source = sd_event_source_disable_unref(ctx->refresh_source);
        return r;
}

void bus_set_refresh_interval(uint64_t usec) {
        refresh_interval = usec;
}

static int method_refresh(sd_bus_message *message, void *userdata, sd_bus_error *error _unused_) {
        BusContext *ctx = userdata;
        PendingCall *p;
        int privileged, r;

        /* Root, not a polkit action: asking polkit once per call would move
         * an unprivileged flood onto polkitd (and may prompt for a password
         * for a read); the interval bounds what the flood costs instead. */
        privileged = sd_bus_query_sender_privilege(message, -1);
        if (privileged < 0)
                return privileged;

        r = pending_call_new(ctx, message, &p);
        if (r < 0)
                return r;
        p->refresh = true;
        r = bus_refresh_schedule(ctx, privileged > 0);
        if (r < 0) {
                pending_call_free(p);
                return r;
        }
        return 1;
}

static int method_plan(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        PlanEntry *plan = NULL;
        size_t n = 0;
        int r;

        r = manager_plan(bus_manager(userdata), &plan, &n);
        if (r < 0)
                return bus_error_set(error, r, NULL, NULL);

        r = sd_bus_message_new_method_return(message, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(ssss)");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(reply, "(ssss)", plan[i].uuid, strempty(plan[i].name),
                                          strempty(decision_action_to_string(plan[i].action)),
                                          strempty(plan[i].reason));
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        plan_entries_free(plan, n);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int history_append_entry(sd_bus_message *reply, const HistoryEntry *e) {
        _cleanup_free_ char *err = NULL;

        if (e->error != 0 && asprintf(&err, "%s %s", strna(errno_name(-e->error)),
                                      e->lfa_code ?: "NONE") < 0)
                return -ENOMEM;

        return sd_bus_message_append(reply, "(ssssssbttss)", e->uuid, strempty(e->name),
                                     strempty(e->action), strempty(e->trigger),
                                     strempty(e->version_before), strempty(e->version_after),
                                     (int) e->rendezvous, e->start, e->duration,
                                     e->error == 0 ? "success" : "failed", strempty(err));
}

static int method_history(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = bus_manager(userdata);
        HistoryEntry *entries = NULL;
        size_t n = 0;
        uint32_t max;
        int r;

        r = sd_bus_message_read(message, "u", &max);
        if (r < 0)
                return r;

        if (manager_get_history(m)) {
                r = history_read(manager_get_history(m), max == 0 ? SIZE_MAX : max, &entries, &n);
                if (r < 0)
                        return bus_error_set(error, r, NULL, "Cannot read the history");
        }

        r = sd_bus_message_new_method_return(message, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(ssssssbttss)");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = history_append_entry(reply, &entries[i]);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        history_entries_free(entries, n);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

/* Methods that change state. bus_method_dispatch() validated their arguments
 * (the table's .check) and authorized the caller before they run. */

static void activate_done(ManagerRequest *req _unused_, const ActivationResult *res, void *userdata) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        PendingCall *p = userdata;
        Manager *m = p->context->manager;
        int r;

        if (res->error != 0) {
                bus_error_set_result(&e, res);
                r = sd_bus_reply_method_error(p->message, &e);
        } else if (res->action == JOB_PRIME) {
                r = sd_bus_reply_method_return(p->message, NULL);
        } else {
                const Component *c = manager_get_component(m, res->uuid);
                char buf[24];

                /* The component may have vanished with its activation. */
                r = sd_bus_reply_method_return(p->message, "s",
                                               c ? lfa_version_to_string(&c->current_version, buf) : "N/A");
        }
        if (r < 0)
                log_warning_errno(r, "Failed to reply to %s, ignoring: %m",
                                  sd_bus_message_get_member(p->message));
        pending_call_free(p);
}

static int method_activate(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        BusContext *ctx = userdata;
        Manager *m = ctx->manager;
        char uuid[UUID_STRING_MAX];
        ActivateOptions opts;
        PendingCall *p;
        int r;

        r = bus_read_uuid(message, uuid, error);
        if (r < 0)
                return r;
        r = bus_parse_activate_options(message, &opts, error);
        if (r < 0)
                return r;

        r = pending_call_new(ctx, message, &p);
        if (r < 0)
                return r;
        r = manager_activate(m, uuid, &opts, activate_done, p, &p->request);
        if (r < 0) {
                pending_call_free(p);
                return r == -EBUSY ? bus_error_busy_for(error, m, uuid) : bus_error_for(error, r, uuid);
        }
        return 1;
}

static int method_prime(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        BusContext *ctx = userdata;
        Manager *m = ctx->manager;
        char uuid[UUID_STRING_MAX];
        PendingCall *p;
        int r;

        r = bus_read_uuid(message, uuid, error);
        if (r < 0)
                return r;

        r = pending_call_new(ctx, message, &p);
        if (r < 0)
                return r;
        r = manager_prime(m, uuid, activate_done, p, &p->request);
        if (r < 0) {
                pending_call_free(p);
                return r == -EBUSY ? bus_error_busy_for(error, m, uuid) : bus_error_for(error, r, uuid);
        }
        return 1;
}

/* A failed outcome as ActivatePending's reply names it: "NAME: message"
 * (NULL on OOM), the error itself in *e. */
static char *result_error_string(const ActivationResult *res, sd_bus_error *e) {
        char *s;

        bus_error_set_result(e, res);
        if (asprintf(&s, "%s: %s", e->name, e->message) < 0)
                return NULL;
        return s;
}

static int window_reply(PendingCall *p, ManagerRequest *req, const ActivationResult *res) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        size_t n = manager_request_n_results(req);
        int r;

        if (res->n_failed > 0) {
                _cleanup_free_ char *msg = NULL, *name = NULL;
                size_t size = 0;
                FILE *f;

                /* The caller (lfa-activate.service) must fail: name each failure. */
                f = open_memstream(&msg, &size);
                if (!f)
                        return -ENOMEM;
                fprintf(f, "%u of %u activations failed:", res->n_failed, res->n_attempted);
                for (size_t i = 0; i < n; i++) {
                        const ActivationResult *o = manager_request_result_at(req, i);
                        _cleanup_(sd_bus_error_free) sd_bus_error oe = SD_BUS_ERROR_NULL;
                        _cleanup_free_ char *error = NULL;

                        if (o->error == 0)
                                continue;
                        error = result_error_string(o, &oe);
                        fprintf(f, " %s: %s;", o->uuid, strempty(error));
                        if (!name && oe.name)
                                name = strdup(oe.name);
                }
                if (fclose(f) != 0)
                        return -ENOMEM;
                /* The first failure's name, as its Activate would have had. */
                if (name)
                        sd_bus_error_setf(&e, name, "%s", msg);
                else if (res->detail && res->error == -EBUSY)
                        /* None started: lfad's own refusal, naming what is in the way. */
                        sd_bus_error_setf(&e, LFA_ERROR_BUSY, "%s %s", msg, res->detail);
                else {
                        ActivationResult summary = *res;
                        summary.error = res->error ?: -EIO;
                        summary.message = msg;
                        bus_error_set_result(&e, &summary);
                }
                return sd_bus_reply_method_error(p->message, &e);
        }

        r = sd_bus_message_new_method_return(p->message, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(sss)");
        for (size_t i = 0; r >= 0 && i < n; i++) {
                const ActivationResult *o = manager_request_result_at(req, i);
                _cleanup_(sd_bus_error_free) sd_bus_error oe = SD_BUS_ERROR_NULL;
                _cleanup_free_ char *error = o->error == 0 ? NULL : result_error_string(o, &oe);

                r = sd_bus_message_append(reply, "(sss)", o->uuid, o->error == 0 ? "success" : "failed",
                                          strempty(error));
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static void window_done(ManagerRequest *req, const ActivationResult *res, void *userdata) {
        PendingCall *p = userdata;
        int r;

        r = window_reply(p, req, res);
        if (r < 0)
                log_warning_errno(r, "Failed to reply to ActivatePending, ignoring: %m");
        pending_call_free(p);
}

static int method_activate_pending(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        BusContext *ctx = userdata;
        Manager *m = ctx->manager;
        PendingCall *p;
        int r;

        if (ctx->window_call)
                return sd_bus_error_setf(error, LFA_ERROR_BUSY, "A window run is in progress.");

        r = pending_call_new(ctx, message, &p);
        if (r < 0)
                return r;
        ctx->window_call = p;

        /* window_done() may run (and free p) before this returns, when
         * nothing is left: p->request is set before that. */
        r = manager_activate_pending(m, window_done, p, &p->request);
        if (r == -ENOLCK) {
                const char *who = NULL, *reason = NULL;

                pending_call_free(p);
                (void) inhibitor_registry_get(manager_get_inhibitors(m), 0, &who, &reason);
                return sd_bus_error_setf(error, LFA_ERROR_INHIBITED,
                                         "The window is inhibited by %s (%s)%s.", strna(who), strna(reason),
                                         inhibitor_registry_count(manager_get_inhibitors(m)) > 1 ? " and others" : "");
        }
        if (r < 0) {
                pending_call_free(p);
                return bus_error_set(error, r, NULL, NULL);
        }
        return 1;
}

static int method_cancel(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        char uuid[UUID_STRING_MAX];
        int r, driver_error;

        r = bus_read_uuid(message, uuid, error);
        if (r < 0)
                return r;

        r = manager_cancel(bus_manager(userdata), uuid, &driver_error);
        if (r == -ENOENT || r == -ENOSYS)
                return bus_error_for(error, r, uuid);
        if (r < 0) {
                _cleanup_free_ char *prefix = NULL;

                /* The driver's cancel write: its errno, never lfad's. */
                if (asprintf(&prefix, "%s: cancel failed: ", uuid) < 0)
                        return -ENOMEM;
                return bus_error_set_driver_write(error, r, driver_error < 0,
                                                  manager_get_driver(bus_manager(userdata))->abi, prefix);
        }
        return sd_bus_reply_method_return(message, NULL);
}

static int method_reload_policy(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *why = NULL;
        int r;

        r = manager_reload_policy(bus_manager(userdata), &why);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                /* Whatever made it fail (content, permissions), the policy is invalid. */
                return sd_bus_error_setf(error, LFA_ERROR_INVALID_POLICY,
                                         "Policy not reloaded, the previous one stays in force: %s",
                                         why ?: strerror(-r));
        return sd_bus_reply_method_return(message, NULL);
}

static int bus_check_text(const char *what, const char *s, bool may_be_empty, sd_bus_error *error) {
        if (!may_be_empty && s[0] == '\0')
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "'%s' must not be empty.",
                                         what);
        if (strlen(s) > INHIBIT_TEXT_MAX)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "'%s' is longer than %d bytes.", what, INHIBIT_TEXT_MAX);
        for (const char *i = s; *i; i++)
                if ((unsigned char) *i < ' ')
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                                 "'%s' contains a control character.", what);
        return 0;
}

static int method_inhibit(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_close_ int fd = -EBADF;
        const char *who, *reason;
        int r;

        /* bus_check_inhibit_args() checked them before authorization. */
        r = sd_bus_message_read(message, "ss", &who, &reason);
        if (r < 0)
                return r;

        r = manager_inhibit(bus_manager(userdata), who, reason, &fd);
        if (r < 0)
                return bus_error_set(error, r, NULL, NULL);
        return sd_bus_reply_method_return(message, "h", fd);
}

const sd_bus_vtable bus_manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", property_get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("AbiVersion", "s", property_get_abi_version, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("DriverAbi", "s", property_get_driver_abi, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("DriverModule", "s", property_get_driver_module, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("DriverFeatures", "as", property_get_driver_features, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("PollIntervalUSec", "t", property_get_poll_interval, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("State", "s", property_get_state, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("ActiveComponent", "s", property_get_state, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("PendingCount", "u", property_get_pending_count, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("PolicyFiles", "as", property_get_policy_files, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("PolicyLoadedUSec", "t", property_get_policy_loaded, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("PolicyError", "s", property_get_policy_error, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Inhibitors", "a(ss)", property_get_inhibitors, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),

        /* Who may call each method is bus_method_table's to say (below):
         * registered through bus_add_vtable(), every method runs
         * bus_method_dispatch(), which consults it. */
        SD_BUS_METHOD_WITH_ARGS("ListComponents",
                                SD_BUS_NO_ARGS,
                                SD_BUS_RESULT("a(sso)", components),
                                method_list_components, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetComponent",
                                SD_BUS_ARGS("s", uuid),
                                SD_BUS_RESULT("o", component),
                                method_get_component, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Activate",
                                SD_BUS_ARGS("s", uuid, "a{sv}", options),
                                SD_BUS_RESULT("s", version),
                                method_activate, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ActivatePending",
                                SD_BUS_NO_ARGS,
                                SD_BUS_RESULT("a(sss)", results),
                                method_activate_pending, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Cancel",
                                SD_BUS_ARGS("s", uuid),
                                SD_BUS_NO_RESULT,
                                method_cancel, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Prime",
                                SD_BUS_ARGS("s", uuid),
                                SD_BUS_NO_RESULT,
                                method_prime, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Refresh",
                                SD_BUS_NO_ARGS,
                                SD_BUS_NO_RESULT,
                                method_refresh, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ReloadPolicy",
                                SD_BUS_NO_ARGS,
                                SD_BUS_NO_RESULT,
                                method_reload_policy, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Plan",
                                SD_BUS_NO_ARGS,
                                SD_BUS_RESULT("a(ssss)", plan),
                                method_plan, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Inhibit",
                                SD_BUS_ARGS("s", who, "s", reason),
                                SD_BUS_RESULT("h", fd),
                                method_inhibit, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("History",
                                SD_BUS_ARGS("u", max),
                                SD_BUS_RESULT("a(ssssssbttss)", entries),
                                method_history, SD_BUS_VTABLE_UNPRIVILEGED),

        SD_BUS_SIGNAL_WITH_ARGS("ActivationStarted",
                                SD_BUS_ARGS("s", uuid, "o", component, "s", action, "s", trigger),
                                0),
        SD_BUS_SIGNAL_WITH_ARGS("ActivationFinished",
                                SD_BUS_ARGS("s", uuid, "o", component, "s", action, "s", trigger,
                                            "s", result, "s", error, "s", message,
                                            "b", rendezvous, "t", duration_usec),
                                0),
        SD_BUS_VTABLE_END
};

/* Authorization: who may call what, in one place. bus_add_vtable()
 * registers a copy of each vtable whose every method runs
 * bus_method_dispatch(), which looks the method up here: open to everyone,
 * or a polkit action (root is allowed without asking polkit). A method
 * without an entry is refused, whoever calls: a programming error, logged.
 * .check validates the arguments before polkit is asked, so an invalid
 * call gets InvalidArgs from any caller and never a password prompt. */

static int bus_check_uuid_arg(sd_bus_message *message, sd_bus_error *error) {
        char uuid[UUID_STRING_MAX];

        return bus_read_uuid(message, uuid, error);
}

static int bus_check_activate_args(sd_bus_message *message, sd_bus_error *error) {
        ActivateOptions opts;
        int r;

        r = bus_check_uuid_arg(message, error);
        if (r < 0)
                return r;
        return bus_parse_activate_options(message, &opts, error);
}

static int bus_check_inhibit_args(sd_bus_message *message, sd_bus_error *error) {
        const char *who, *reason;
        int r;

        r = sd_bus_message_read(message, "ss", &who, &reason);
        if (r < 0)
                return r;
        r = bus_check_text("who", who, false, error);
        if (r < 0)
                return r;
        return bus_check_text("reason", reason, true, error);
}

typedef struct BusMethodAccess {
        const char *interface;
        const char *member;
        bool open;              /* everyone may call it */
        const char *action;     /* else: the polkit action it needs */
        int (*check)(sd_bus_message *message, sd_bus_error *error);
} BusMethodAccess;

static const BusMethodAccess bus_method_table[] = {
        { BUS_INTERFACE, "ListComponents",  .open = true },
        { BUS_INTERFACE, "GetComponent",    .open = true },
        { BUS_INTERFACE, "Plan",            .open = true },
        { BUS_INTERFACE, "History",         .open = true },
        /* Root's calls at once, everyone else's rate-limited: method_refresh(). */
        { BUS_INTERFACE, "Refresh",         .open = true },
        { BUS_INTERFACE, "Activate",        .action = ACTION_ACTIVATE, .check = bus_check_activate_args },
        { BUS_INTERFACE, "ActivatePending", .action = ACTION_ACTIVATE },
        { BUS_INTERFACE, "Cancel",          .action = ACTION_ACTIVATE, .check = bus_check_uuid_arg },
        { BUS_INTERFACE, "Prime",           .action = ACTION_ACTIVATE, .check = bus_check_uuid_arg },
        { BUS_INTERFACE, "Inhibit",         .action = ACTION_INHIBIT, .check = bus_check_inhibit_args },
        { BUS_INTERFACE, "ReloadPolicy",    .action = ACTION_MANAGE_POLICY },
        /* org.lfa.Component has no methods. */
};

static const BusMethodAccess *bus_method_access_find(const char *interface, const char *member) {
        if (!interface || !member)
                return NULL;
        for (size_t i = 0; i < ELEMENTSOF(bus_method_table); i++) {
                const BusMethodAccess *a = &bus_method_table[i];

                /* An entry that is neither open nor names an action is no entry. */
                if (strcmp(a->interface, interface) == 0 && strcmp(a->member, member) == 0 &&
                    (a->open || a->action))
                        return a;
        }
        return NULL;
}

int bus_method_access(const char *interface, const char *member, const char **ret_action) {
        const BusMethodAccess *a = bus_method_access_find(interface, member);

        if (!a)
                return -ENOENT;
        *ret_action = a->open ? NULL : a->action;
        return 0;
}

/* One registered vtable: the original, whose handlers do the work, and the
 * copy sd-bus dispatches through bus_method_dispatch(). */
struct BusVtable {
        const sd_bus_vtable *vtable;
        sd_bus_vtable *wrapped;
        sd_bus_slot *slot;
};

static sd_bus_message_handler_t bus_vtable_handler(BusContext *ctx, sd_bus_slot *slot,
                                                   const char *member) {
        for (size_t i = 0; i < ctx->n_vtables; i++) {
                if (ctx->vtables[i].slot != slot)
                        continue;
                for (const sd_bus_vtable *v = ctx->vtables[i].vtable; v->type != _SD_BUS_VTABLE_END; v++)
                        if (v->type == _SD_BUS_VTABLE_METHOD && strcmp(v->x.method.member, member) == 0)
                                return v->x.method.handler;
        }
        return NULL;
}

static int bus_method_dispatch(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        sd_bus_slot *slot = sd_bus_get_current_slot(sd_bus_message_get_bus(message));
        const char *interface = sd_bus_message_get_interface(message);
        const char *member = sd_bus_message_get_member(message);
        /* Every vtable is registered with the context (the component
         * objects' own userdata comes from bus_component_find()). */
        BusContext *ctx = sd_bus_slot_get_userdata(slot);
        sd_bus_message_handler_t handler;
        const BusMethodAccess *a;
        int r;

        a = bus_method_access_find(interface, member);
        if (!a) {
                log_error("%s.%s() has no entry in the authorization table, refusing the call from %s.",
                          strna(interface), strna(member), strna(sd_bus_message_get_sender(message)));
                return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
                                         "%s.%s() is not in lfad's authorization table.",
                                         strna(interface), strna(member));
        }

        if (a->check) {
                r = a->check(message, error);
                if (r < 0)
                        return r;
                r = sd_bus_message_rewind(message, true);
                if (r < 0)
                        return r;
        }

        if (!a->open) {
                r = polkit_verify(message, a->action, &ctx->polkit, error);
                if (r < 0)
                        return r;
                if (r == 0)
                        return 1; /* polkit answers later; the message is dispatched again */
        }

        handler = bus_vtable_handler(ctx, slot, member);
        if (!handler)
                /* What sd-bus does for a method without a handler. */
                return sd_bus_reply_method_return(message, NULL);
        return handler(message, userdata, error);
}

/* A copy of vtable whose methods all run bus_method_dispatch(). The table
 * decides who may call, not sd-bus's own check of the caller's
 * capabilities (which applies without SD_BUS_VTABLE_UNPRIVILEGED). */
static int bus_vtable_wrap(const sd_bus_vtable *vtable, sd_bus_vtable **ret) {
        sd_bus_vtable *copy;
        size_t n = 0;

        while (vtable[n].type != _SD_BUS_VTABLE_END)
                n++;
        copy = malloc((n + 1) * sizeof(*copy));
        if (!copy)
                return -ENOMEM;
        memcpy(copy, vtable, (n + 1) * sizeof(*copy));

        for (size_t i = 0; i < n; i++) {
                /* The table covers methods: a setter would bypass it. */
                if (copy[i].type == _SD_BUS_VTABLE_WRITABLE_PROPERTY) {
                        free(copy);
                        return -EOPNOTSUPP;
                }
                if (copy[i].type != _SD_BUS_VTABLE_METHOD)
                        continue;
                copy[i].x.method.handler = bus_method_dispatch;
                copy[i].flags |= SD_BUS_VTABLE_UNPRIVILEGED;
        }
        *ret = copy;
        return 0;
}

static int bus_context_add_vtable(BusContext *ctx, sd_bus *bus, const char *path, const char *interface,
                                  const sd_bus_vtable *vtable, sd_bus_object_find_t find) {
        BusVtable *l, *v;
        int r;

        l = realloc(ctx->vtables, (ctx->n_vtables + 1) * sizeof(*l));
        if (!l)
                return -ENOMEM;
        ctx->vtables = l;
        v = &l[ctx->n_vtables];
        *v = (BusVtable) { .vtable = vtable };

        r = bus_vtable_wrap(vtable, &v->wrapped);
        if (r < 0)
                return r;
        if (find)
                r = sd_bus_add_fallback_vtable(bus, &v->slot, path, interface, v->wrapped, find, ctx);
        else
                r = sd_bus_add_object_vtable(bus, &v->slot, path, interface, v->wrapped, ctx);
        if (r < 0) {
                v->wrapped = mfree(v->wrapped);
                return r;
        }
        ctx->n_vtables++;
        return 0;
}

int bus_add_vtable(BusContext *ctx, const char *path, const char *interface, const sd_bus_vtable *vtable,
                   sd_bus_object_find_t find) {
        return bus_context_add_vtable(ctx, ctx->bus, path, interface, vtable, find);
}

static int bus_find_component(sd_bus *bus, const char *path, const char *interface, void *userdata,
                              void **ret_found, sd_bus_error *error) {
        return bus_component_find(bus, path, interface, bus_manager(userdata), ret_found, error);
}

static BusContext *bus_context_free(BusContext *ctx) {
        if (!ctx)
                return NULL;
        sd_event_source_disable_unref(ctx->exit_source);
        sd_event_source_disable_unref(ctx->refresh_source);
        polkit_registry_free(ctx->polkit);
        /* Unregister the vtables (sd-bus reads them to do so), then free the copies. */
        for (size_t i = 0; i < ctx->n_vtables; i++) {
                sd_bus_slot_unref(ctx->vtables[i].slot);
                free(ctx->vtables[i].wrapped);
        }
        free(ctx->vtables);
        sd_bus_unref(ctx->bus);
        free(ctx);
        return NULL;
}
DEFINE_POINTER_CLEANUP_FUNC_FREE(BusContext, bus_context_free);

/* The manager's observer hooks: turn its changes into signals. Their
 * userdata is the context. */

static sd_bus *observer_bus(void *userdata) {
        BusContext *ctx = userdata;

        return ctx->bus;
}

static void on_component_added(Manager *m _unused_, Component *c, void *userdata) {
        _cleanup_free_ char *path = NULL;
        int r;

        r = bus_component_path(c->uuid, &path);
        if (r >= 0)
                r = sd_bus_emit_interfaces_added(observer_bus(userdata), path, "org.lfa.Component", NULL);
        if (r < 0)
                log_warning_errno(r, "Failed to announce component %s on the bus, ignoring: %m",
                                  c->uuid);
}

static void on_component_removed(Manager *m _unused_, Component *c, void *userdata) {
        _cleanup_free_ char *path = NULL;
        int r;

        r = bus_component_path(c->uuid, &path);
        if (r >= 0)
                r = sd_bus_emit_interfaces_removed(observer_bus(userdata), path, "org.lfa.Component", NULL);
        if (r < 0)
                log_warning_errno(r, "Failed to announce removal of %s on the bus, ignoring: %m",
                                  c->uuid);
}

static void on_component_changed(Manager *m _unused_, Component *c, unsigned mask, void *userdata) {
        int r;

        r = bus_component_emit_changed(observer_bus(userdata), c, mask);
        if (r < 0)
                log_warning_errno(r, "Failed to emit PropertiesChanged for %s, ignoring: %m", c->uuid);
}

void bus_manager_changed_names(unsigned mask, const char **ret) {
        size_t n = 0;

        if (mask & MANAGER_CHANGED_ABI_VERSION)
                ret[n++] = "AbiVersion";
        if (mask & MANAGER_CHANGED_DRIVER) {
                ret[n++] = "DriverAbi";
                ret[n++] = "DriverModule";
                ret[n++] = "DriverFeatures";
        }
        if (mask & MANAGER_CHANGED_POLL)
                ret[n++] = "PollIntervalUSec";
        if (mask & MANAGER_CHANGED_STATE) {
                ret[n++] = "State";
                ret[n++] = "ActiveComponent";
        }
        if (mask & MANAGER_CHANGED_PENDING_COUNT)
                ret[n++] = "PendingCount";
        if (mask & MANAGER_CHANGED_POLICY) {
                ret[n++] = "PolicyFiles";
                ret[n++] = "PolicyLoadedUSec";
                ret[n++] = "PolicyError";
        }
        if (mask & MANAGER_CHANGED_INHIBITORS)
                ret[n++] = "Inhibitors";
        ret[n] = NULL;
}

static void on_manager_changed(Manager *m _unused_, unsigned mask, void *userdata) {
        const char *names[BUS_MANAGER_MAX_CHANGED + 1];
        int r;

        bus_manager_changed_names(mask, names);
        if (!names[0])
                return;
        r = sd_bus_emit_properties_changed_strv(observer_bus(userdata), BUS_PATH, BUS_INTERFACE, (char **) names);
        if (r < 0)
                log_warning_errno(r, "Failed to emit PropertiesChanged for the manager, ignoring: %m");
}

static void on_activation_started(Manager *m _unused_, const char *uuid, JobAction action,
                                  ActivationTrigger trigger, void *userdata) {
        _cleanup_free_ char *path = NULL;
        int r;

        r = bus_component_path(uuid, &path);
        if (r >= 0)
                r = sd_bus_emit_signal(observer_bus(userdata), BUS_PATH, BUS_INTERFACE, "ActivationStarted", "soss",
                                       uuid, path, strempty(job_action_to_string(action)),
                                       strempty(activation_trigger_to_string(trigger)));
        if (r < 0)
                log_warning_errno(r, "Failed to emit ActivationStarted for %s, ignoring: %m", uuid);
}

static void on_activation_finished(Manager *m _unused_, const ActivationResult *res, void *userdata) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *path = NULL;
        BusContext *ctx = userdata;
        int r;

        if (!res->uuid)
                return;

        if (res->error != 0)
                bus_error_set_result(&e, res);

        r = bus_component_path(res->uuid, &path);
        if (r >= 0)
                r = sd_bus_emit_signal(ctx->bus, BUS_PATH, BUS_INTERFACE, "ActivationFinished",
                                       "sosssssbt", res->uuid, path,
                                       strempty(job_action_to_string(res->action)),
                                       strempty(activation_trigger_to_string(res->trigger)),
                                       res->error == 0 ? "success" : "failed",
                                       res->error == 0 ? "" : strempty(e.name),
                                       strempty(e.message ?: res->message), (int) res->force_cpu_rendezvous,
                                       (uint64_t) res->duration);
        if (r < 0)
                log_warning_errno(r, "Failed to emit ActivationFinished for %s, ignoring: %m",
                                  res->uuid);
}

/* Set-up and tear-down. */

/* Every caller still waiting gets an answer; freeing its call cancels its
 * request, whose job or window run goes on without it. */
static void bus_cancel_pending(BusContext *ctx) {
        while (ctx->pending) {
                PendingCall *p = ctx->pending;
                int r;

                r = sd_bus_reply_method_errorf(p->message, LFA_ERROR_CANCELLED, "lfad is shutting down.");
                if (r < 0)
                        log_debug_errno(r, "Failed to answer %s at shutdown, ignoring: %m",
                                        sd_bus_message_get_member(p->message));
                pending_call_free(p);
        }
}

/* Runs before sd-bus's own exit handler, which closes the connection. */
static int bus_on_exit(sd_event_source *s _unused_, void *userdata) {
        bus_cancel_pending(userdata);
        return 0;
}

/*
 * Synchronous, before READY=1: an asynchronous request's reply, read but not
 * yet dispatched when lfad stalls past the method call timeout (SIGSTOP, a
 * loaded host), would be dropped for a synthesized timeout and end lfad.
 */
int bus_request_name(BusContext *ctx) {
        int r;

        r = sd_bus_request_name(ctx->bus, BUS_NAME, 0);
        if (r == -EEXIST)
                return log_error_errno(r, BUS_NAME " is owned by another peer already: is another lfad running?");
        if (r < 0)
                return log_error_errno(r, "Failed to acquire bus name " BUS_NAME " (see the bus policy): %m");
        log_debug("Acquired bus name " BUS_NAME ".");
        return 0;
}

static const ManagerObserver observer = {
        .component_added = on_component_added,
        .component_removed = on_component_removed,
        .component_changed = on_component_changed,
        .manager_changed = on_manager_changed,
        .activation_started = on_activation_started,
        .activation_finished = on_activation_finished,
};

int bus_attach(Manager *m, sd_bus *bus, BusContext **ret) {
        _cleanup_(bus_context_freep) BusContext *ctx = NULL;
        int r;

        r = sd_bus_error_add_map(lfa_bus_error_map);
        if (r < 0)
                return log_error_errno(r, "Failed to register the org.lfa.Error map: %m");

        ctx = calloc(1, sizeof(*ctx));
        if (!ctx)
                return log_oom();
        ctx->manager = m;

        r = bus_context_add_vtable(ctx, bus, BUS_PATH, BUS_INTERFACE, bus_manager_vtable, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to register " BUS_PATH ": %m");
        r = bus_context_add_vtable(ctx, bus, BUS_COMPONENT_PREFIX, "org.lfa.Component",
                                   bus_component_vtable, bus_find_component);
        if (r < 0)
                return log_error_errno(r, "Failed to register the component objects: %m");
        r = sd_bus_add_node_enumerator(bus, NULL, BUS_COMPONENT_PREFIX, bus_component_enumerate, m);
        if (r < 0)
                return log_error_errno(r, "Failed to register the component enumerator: %m");
        r = sd_bus_add_object_manager(bus, NULL, BUS_PATH);
        if (r < 0)
                return log_error_errno(r, "Failed to register the object manager: %m");

        r = sd_bus_attach_event(bus, manager_get_event(m), SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return log_error_errno(r, "Failed to attach the bus to the event loop: %m");

        r = sd_event_add_exit(manager_get_event(m), &ctx->exit_source, bus_on_exit, ctx);
        if (r >= 0)
                r = sd_event_source_set_priority(ctx->exit_source, SD_EVENT_PRIORITY_IMPORTANT);
        if (r < 0)
                return log_error_errno(r, "Failed to add the bus exit handler: %m");

        ctx->bus = sd_bus_ref(bus);
        manager_set_observer(m, &observer, ctx);
        *ret = TAKE_PTR(ctx);
        return 0;
}

int bus_setup(Manager *m, BusContext **ret) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        int r;

        /* sd_bus_set_description() refuses (-EPERM) once sd_bus_open_system()
         * has started the connection: name it while opening it. */
        r = sd_bus_open_system_with_description(&bus, "lfad-api");
        if (r < 0)
                return log_error_errno(r, "Failed to connect to the system bus: %m");
        return bus_attach(m, bus, ret);
}

BusContext *bus_shutdown(BusContext *ctx) {
        sd_bus *bus;

        if (!ctx)
                return NULL;
        manager_set_observer(ctx->manager, NULL, NULL);
        bus_cancel_pending(ctx);
        bus = TAKE_PTR(ctx->bus);
        bus_context_free(ctx);
        sd_bus_flush_close_unref(bus);
        return NULL;
}
