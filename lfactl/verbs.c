/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The verbs that map onto one org.lfa.Manager call each. Replies are read
 * into JSON once (message-json.c); text output is printed from that same
 * JSON, so both forms always show the same data.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "lfactl.h"

/* Names for the members of the structs in the XML's replies, in order. */
static const char *const plan_keys[] = { "uuid", "name", "decision", "reason", NULL };
static const char *const pending_keys[] = { "uuid", "result", "error", NULL };
static const char *const history_keys[] = {
        "uuid", "name", "action", "trigger", "version_before", "version_after", "rendezvous",
        "start_usec", "duration_usec", "result", "error", NULL,
};

/* [[a, b], ...] with keys {k1, k2} -> [{k1: a, k2: b}, ...] */
static int rows_to_objects(json_object *rows, const char *const keys[], json_object **ret) {
        _cleanup_json_ json_object *out = json_object_new_array();

        if (!out)
                return -ENOMEM;

        for (size_t i = 0; i < json_object_array_length(rows); i++) {
                json_object *row = json_object_array_get_idx(rows, i);
                _cleanup_json_ json_object *o = json_object_new_object();
                size_t k;

                if (!o)
                        return -ENOMEM;
                for (k = 0; keys[k]; k++) {
                        json_object *v = json_object_array_get_idx(row, k);

                        if (!v)
                                return -EBADMSG;
                        json_object_object_add(o, keys[k], json_object_get(v));
                }
                /* A member more than we name: the API changed under us; say so, drop nothing. */
                if (json_object_array_length(row) != k)
                        return -EBADMSG;
                if (json_object_array_add(out, TAKE_PTR(o)) < 0)
                        return -ENOMEM;
        }

        *ret = TAKE_PTR(out);
        return 0;
}

/* Calls a manager method whose reply is one array of structs, as named objects. */
static int call_rows(Context *c, const char *method, bool long_call, const char *const keys[],
                     json_object **ret, const char *types, ...) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_json_ json_object *rows = NULL;
        va_list ap;
        int r;

        r = sd_bus_message_new_method_call(c->bus, &m, LFA_BUS_NAME, LFA_MANAGER_PATH,
                                           LFA_MANAGER_IFACE, method);
        if (r >= 0 && types) {
                va_start(ap, types);
                r = sd_bus_message_appendv(m, types, ap);
                va_end(ap);
        }
        if (r < 0)
                return output_bus_error(c, NULL, r, method);

        r = sd_bus_call(c->bus, m, bus_timeout(c, long_call), &error, &reply);
        if (r < 0)
                return output_bus_error(c, &error, r, method);

        r = message_read_json(reply, &rows);
        if (r >= 0)
                r = rows_to_objects(rows, keys, ret);
        if (r < 0)
                return output_bus_error(c, NULL, r, method);
        return EXIT_OK;
}

/*
 * Tables name a component alike (list, plan, history): its UUID, then its
 * name. The driver names a component it does not know by its UUID: no name
 * then, "-".
 */
static const char *display_name(const char *name, const char *uuid) {
        return strcmp(name, uuid) == 0 ? "-" : name;
}

static const char *get_str(json_object *o, const char *key) {
        json_object *v;

        if (!json_object_object_get_ex(o, key, &v))
                return "";
        return json_object_get_string(v) ?: "";
}

static uint64_t get_u64(json_object *o, const char *key) {
        json_object *v;

        if (!json_object_object_get_ex(o, key, &v))
                return 0;
        return json_object_get_uint64(v);
}

static bool get_bool(json_object *o, const char *key) {
        json_object *v;

        return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

static void print_value(const char *key, json_object *v) {
        size_t len = strlen(key);
        char buf[64];

        if (json_object_is_type(v, json_type_boolean))
                printf("%s", json_object_get_boolean(v) ? "yes" : "no");
        else if (len > 12 && strcmp(key + len - 12, "IntervalUSec") == 0) {
                /* A duration, not a point in time. */
                uint64_t u = json_object_get_uint64(v);

                if (u == 0)
                        printf("off");
                else
                        printf("%" PRIu64 "s", u / 1000000);
        } else if (len > 4 && strcmp(key + len - 4, "USec") == 0)
                printf("%s", format_usec_realtime(buf, sizeof(buf), json_object_get_uint64(v)));
        else if (json_object_is_type(v, json_type_array)) {
                for (size_t i = 0; i < json_object_array_length(v); i++) {
                        json_object *item = json_object_array_get_idx(v, i);

                        printf("%s%s", i > 0 ? ", " : "",
                               json_object_is_type(item, json_type_string)
                                       ? json_object_get_string(item)
                                       : json_object_to_json_string(item));
                }
        } else if (json_object_is_type(v, json_type_string))
                printf("%s", json_object_get_string(v));
        else
                printf("%s", json_object_to_json_string(v));
}

/* "Key: value" lines, keys right-aligned like systemctl status. */
static void print_properties(json_object *props) {
        json_object_object_foreach(props, key, v) {
                printf("%20s: ", key);
                print_value(key, v);
                putchar('\n');
        }
}

static int finish(Context *c, json_object *o) {
        int r;

        if (!c->json)
                return EXIT_OK;
        r = output_json(c, o);
        if (r < 0)
                return output_error(c, EXIT_FAILURE_, "org.lfa.lfactl.Failed", "stdout: %s",
                                    strerror(-r));
        return EXIT_OK;
}

int verb_status(Context *c) {
        _cleanup_json_ json_object *props = NULL;
        int r;

        r = bus_get_all(c, LFA_MANAGER_PATH, LFA_MANAGER_IFACE, &props);
        if (r != EXIT_OK)
                return r;
        if (!c->json) {
                json_object *pe;

                /* A line only for a policy that does not load (lfad then
                 * runs on its safe defaults); --json keeps the empty value. */
                if (json_object_object_get_ex(props, "PolicyError", &pe) && json_object_get_string_len(pe) == 0)
                        json_object_object_del(props, "PolicyError");
                print_properties(props);
        }
        return finish(c, props);
}

static int component_props(Context *c, const char *path, json_object **ret) {
        _cleanup_json_ json_object *props = NULL;
        int r;

        r = bus_get_all(c, path, LFA_COMPONENT_IFACE, &props);
        if (r != EXIT_OK)
                return r;
        json_object_object_add(props, "Path", json_object_new_string(path));
        *ret = TAKE_PTR(props);
        return EXIT_OK;
}

int verb_list(Context *c) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_json_ json_object *rows = NULL, *out = json_object_new_array();
        int r;

        if (!out)
                return output_bus_error(c, NULL, -ENOMEM, "ListComponents");

        r = bus_call_manager(c, "ListComponents", false, &reply, NULL);
        if (r != EXIT_OK)
                return r;
        r = message_read_json(reply, &rows);
        if (r < 0)
                return output_bus_error(c, NULL, r, "ListComponents");

        for (size_t i = 0; i < json_object_array_length(rows); i++) {
                json_object *path = json_object_array_get_idx(json_object_array_get_idx(rows, i), 2);
                json_object *props = NULL;

                r = component_props(c, json_object_get_string(path), &props);
                if (r != EXIT_OK)
                        return r;
                json_object_array_add(out, props);
        }

        if (!c->json) {
                printf("%-36s  %-22s  %-9s  %-9s  %-10s  %s\n", "UUID", "NAME", "CURRENT",
                       "PENDING", "STATE", "DECISION");
                for (size_t i = 0; i < json_object_array_length(out); i++) {
                        json_object *p = json_object_array_get_idx(out, i);

                        printf("%-36s  %-22s  %-9s  %-9s  %-10s  %s\n", get_str(p, "Uuid"),
                               display_name(get_str(p, "Name"), get_str(p, "Uuid")),
                               get_str(p, "CurrentVersion"),
                               get_str(p, "PendingVersion"), get_str(p, "State"),
                               get_str(p, "Decision"));
                }
        }
        return finish(c, out);
}

int verb_show(Context *c) {
        _cleanup_json_ json_object *props = NULL;
        _cleanup_free_ char *path = NULL;
        int r;

        r = bus_component_path(c, c->args[0], &path);
        if (r != EXIT_OK)
                return r;
        r = component_props(c, path, &props);
        if (r != EXIT_OK)
                return r;
        if (!c->json)
                print_properties(props);
        return finish(c, props);
}

int verb_plan(Context *c) {
        _cleanup_json_ json_object *plan = NULL;
        int r;

        r = call_rows(c, "Plan", false, plan_keys, &plan, NULL);
        if (r != EXIT_OK)
                return r;

        if (!c->json) {
                printf("%-36s  %-22s  %-15s  %s\n", "UUID", "NAME", "DECISION", "REASON");
                for (size_t i = 0; i < json_object_array_length(plan); i++) {
                        json_object *p = json_object_array_get_idx(plan, i);

                        printf("%-36s  %-22s  %-15s  %s\n", get_str(p, "uuid"),
                               display_name(get_str(p, "name"), get_str(p, "uuid")),
                               get_str(p, "decision"), get_str(p, "reason"));
                }
        }
        return finish(c, plan);
}

static int parse_max(Context *c, uint32_t *ret) {
        char *end;
        unsigned long v;

        if (c->n_args == 0) {
                *ret = 20;
                return EXIT_OK;
        }
        errno = 0;
        v = strtoul(c->args[0], &end, 10);
        if (errno != 0 || end == c->args[0] || *end != '\0' || c->args[0][0] == '-' ||
            v > UINT32_MAX)
                return output_error(c, EXIT_USAGE, "org.lfa.lfactl.Usage",
                                    "history: '%s' is not a count (0 means all)", c->args[0]);
        *ret = (uint32_t) v;
        return EXIT_OK;
}

int verb_history(Context *c) {
        _cleanup_json_ json_object *entries = NULL;
        uint32_t max = 0;
        int r;

        r = parse_max(c, &max);
        if (r != EXIT_OK)
                return r;
        r = call_rows(c, "History", false, history_keys, &entries, "u", max);
        if (r != EXIT_OK)
                return r;

        if (!c->json) {
                printf("%-23s  %-36s  %-22s  %-8s  %-11s  %-19s  %-10s  %-7s  %8s  %s\n", "START",
                       "UUID", "NAME", "ACTION", "TRIGGER", "VERSION", "RENDEZVOUS", "RESULT", "MS",
                       "ERROR");
                for (size_t i = 0; i < json_object_array_length(entries); i++) {
                        json_object *e = json_object_array_get_idx(entries, i);
                        _cleanup_free_ char *versions = NULL;
                        char when[64];

                        if (asprintf(&versions, "%s -> %s", get_str(e, "version_before"),
                                     get_str(e, "version_after")) < 0)
                                return output_bus_error(c, NULL, -ENOMEM, "History");
                        printf("%-23s  %-36s  %-22s  %-8s  %-11s  %-19s  %-10s  %-7s  %8" PRIu64 "  %s\n",
                               format_usec_realtime(when, sizeof(when), get_u64(e, "start_usec")),
                               get_str(e, "uuid"), display_name(get_str(e, "name"), get_str(e, "uuid")),
                               get_str(e, "action"), get_str(e, "trigger"),
                               versions,
                               /* Priming involves no rendezvous: only ACTIVATE gathers CPUs. */
                               strcmp(get_str(e, "action"), "activate") != 0 ? "-" :
                               get_bool(e, "rendezvous") ? "all CPUs" : "skipped",
                               get_str(e, "result"),
                               get_u64(e, "duration_usec") / 1000, get_str(e, "error"));
                }
        }
        return finish(c, entries);
}

static const char *rendezvous_option(Rendezvous r) {
        switch (r) {
        case RENDEZVOUS_FORCE:
                return "force";
        case RENDEZVOUS_SKIP:
                return "skip";
        default:
                return NULL;
        }
}

int verb_activate(Context *c) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_json_ json_object *o = json_object_new_object();
        const char *option = rendezvous_option(c->rendezvous);
        const char *version;
        int r;

        if (!o)
                return output_bus_error(c, NULL, -ENOMEM, "Activate");

        /* No option: lfad applies the policy's rendezvous choice for this component. */
        if (option)
                r = bus_call_manager(c, "Activate", true, &reply, "sa{sv}", c->args[0], 1,
                                     "rendezvous", "s", option);
        else
                r = bus_call_manager(c, "Activate", true, &reply, "sa{sv}", c->args[0], 0);
        if (r != EXIT_OK)
                return r;

        r = sd_bus_message_read(reply, "s", &version);
        if (r < 0)
                return output_bus_error(c, NULL, r, "Activate");

        if (!c->json)
                printf("Activated %s, running version %s.\n", c->args[0], version);
        json_object_object_add(o, "uuid", json_object_new_string(c->args[0]));
        json_object_object_add(o, "result", json_object_new_string("activated"));
        json_object_object_add(o, "version", json_object_new_string(version));
        return finish(c, o);
}

int verb_activate_pending(Context *c) {
        _cleanup_json_ json_object *results = NULL;
        bool failed = false;
        int r;

        r = call_rows(c, "ActivatePending", true, pending_keys, &results, NULL);
        if (r != EXIT_OK)
                return r;

        for (size_t i = 0; i < json_object_array_length(results); i++) {
                json_object *e = json_object_array_get_idx(results, i);

                if (strcmp(get_str(e, "result"), "success") != 0)
                        failed = true;
                if (!c->json)
                        printf("%s: %s%s%s\n", get_str(e, "uuid"), get_str(e, "result"),
                               *get_str(e, "error") ? ": " : "", get_str(e, "error"));
        }
        if (!c->json && json_object_array_length(results) == 0)
                printf("Nothing left for the maintenance window.\n");

        r = finish(c, results);
        /* The timer's unit fails when any component failed, so the admin sees it. */
        return r != EXIT_OK ? r : failed ? EXIT_FAILURE_ : EXIT_OK;
}

/* Verbs whose only output is success: Cancel(uuid), Prime(uuid), Refresh(). */
static int simple_call(Context *c, const char *method, bool long_call, const char *uuid,
                       const char *done) {
        _cleanup_json_ json_object *o = json_object_new_object();
        int r;

        if (!o)
                return output_bus_error(c, NULL, -ENOMEM, method);

        if (uuid)
                r = bus_call_manager(c, method, long_call, NULL, "s", uuid);
        else
                r = bus_call_manager(c, method, long_call, NULL, NULL);
        if (r != EXIT_OK)
                return r;

        if (!c->json)
                printf("%s%s%s.\n", done, uuid ? " " : "", uuid ?: "");
        if (uuid)
                json_object_object_add(o, "uuid", json_object_new_string(uuid));
        json_object_object_add(o, "result", json_object_new_string(done));
        return finish(c, o);
}

int verb_cancel(Context *c) {
        return simple_call(c, "Cancel", false, c->args[0], "Cancelled");
}

int verb_prime(Context *c) {
        return simple_call(c, "Prime", true, c->args[0], "Primed");
}

int verb_refresh(Context *c) {
        return simple_call(c, "Refresh", false, NULL, "Refreshed");
}

int verb_policy(Context *c) {
        if (strcmp(c->args[0], "verify") == 0)
                return policy_verify(c, c->args + 1);
        if (strcmp(c->args[0], "reload") == 0 && c->n_args == 1) {
                int r = bus_connect(c);

                if (r < 0)
                        return output_bus_error(c, NULL, r, "connect");
                return simple_call(c, "ReloadPolicy", false, NULL, "Reloaded");
        }
        return output_error(c, EXIT_USAGE, "org.lfa.lfactl.Usage",
                            "policy: expected 'verify [lfad option]...' or 'reload'");
}
