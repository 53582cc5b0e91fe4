/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lfactl metrics: lfad's state in the Prometheus text exposition format,
 * for node_exporter's textfile collector (fleet/README.md lists the names).
 *
 *   lfactl metrics                      print them once
 *   lfactl metrics FILE                 write FILE atomically, once
 *   lfactl metrics FILE --watch [--interval=SEC] [LFAD-OPTION...]
 *                                       rewrite FILE on every signal of lfad
 *                                       (and every SEC seconds, default 60);
 *                                       lfad stopping is lfa_up 0, the bus
 *                                       closing ends it (exit status 6)
 *
 * Everything comes from the public D-Bus API (no sysfs), with auto-start
 * off: lfa_up 0 means lfad is not running, and asking must not start it.
 * lfa_policy_error comes from `lfad --verify` (the one policy parser), run
 * with the LFAD-OPTIONs given (--policy-dir=, --sysfs=).
 *
 * FILE is written to a temporary file in the same directory (not named
 * *.prom, so the collector never reads it half-written) and renamed over
 * FILE: a scrape sees the old file or the new one, never a torn one.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "lfactl.h"

extern char **environ;

#define METRICS_DEBOUNCE_USEC (100 * USEC_PER_MSEC)
#define METRICS_CALL_TIMEOUT_USEC (10 * USEC_PER_SEC)

typedef struct Metrics {
        Context *c;
        const char *path;               /* NULL: stdout */
        bool watch;
        usec_t interval;
        char **lfad_args;               /* for lfad --verify, NULL-terminated */
        sd_event *event;
        sd_event_source *debounce;
        sd_event_source *periodic;
} Metrics;

/* One component as the metrics see it: present now, or only in the history. */
typedef struct Entry {
        const char *uuid;
        const char *name;
        json_object *props;             /* org.lfa.Component properties, NULL if gone */
        json_object *last;              /* newest history entry, NULL if none */
        json_object *last_rendezvous;   /* newest successful activation with every CPU */
        uint64_t failures;
} Entry;

static int entry_cmp(const void *a, const void *b) {
        return strcmp(((const Entry *) a)->uuid, ((const Entry *) b)->uuid);
}

static json_object *get(json_object *o, const char *key) {
        json_object *v = NULL;

        if (!o || !json_object_object_get_ex(o, key, &v))
                return NULL;
        return v;
}

static const char *get_s(json_object *o, const char *key) {
        json_object *v = get(o, key);

        return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

/* History rows are arrays: (uuid, name, action, trigger, version_before,
 * version_after, rendezvous, start_usec, duration_usec, result, error). */
enum { H_UUID, H_NAME, H_ACTION, H_TRIGGER, H_BEFORE, H_AFTER, H_RENDEZVOUS, H_START, H_DURATION,
       H_RESULT, H_ERROR, _H_MAX };

static const char *row_s(json_object *row, int i) {
        json_object *v = json_object_array_get_idx(row, (size_t) i);

        return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

static uint64_t row_u(json_object *row, int i) {
        json_object *v = json_object_array_get_idx(row, (size_t) i);

        return v ? json_object_get_uint64(v) : 0;
}

/* A label value as the exposition format wants it: \\, \" and \n escaped. */
static void put_label(FILE *f, const char *key, const char *value, bool first) {
        fprintf(f, "%s%s=\"", first ? "" : ",", key);
        for (const char *p = value; *p; p++) {
                if (*p == '\\')
                        fputs("\\\\", f);
                else if (*p == '"')
                        fputs("\\\"", f);
                else if (*p == '\n')
                        fputs("\\n", f);
                else
                        fputc(*p, f);
        }
        fputc('"', f);
}

static void family(FILE *f, const char *name, const char *type, const char *help) {
        fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{uuid="...",name="..."} */
static void component_sample(FILE *f, const char *metric, const Entry *e) {
        fprintf(f, "%s{", metric);
        put_label(f, "uuid", e->uuid, true);
        put_label(f, "name", e->name, false);
        fputc('}', f);
}

static double usec_to_sec(uint64_t usec) {
        return (double) usec / 1e6;
}

/* Calls a method of lfad without starting it (bus activation). */
static int call(sd_bus *bus, const char *path, const char *iface, const char *member,
                sd_bus_message **reply, const char *types, ...) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        va_list ap;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, LFA_BUS_NAME, path, iface, member);
        if (r < 0)
                return r;
        r = sd_bus_message_set_auto_start(m, false);
        if (r < 0)
                return r;
        if (types) {
                va_start(ap, types);
                r = sd_bus_message_appendv(m, types, ap);
                va_end(ap);
                if (r < 0)
                        return r;
        }
        return sd_bus_call(bus, m, METRICS_CALL_TIMEOUT_USEC, NULL, reply);
}

static int call_json(sd_bus *bus, const char *path, const char *iface, const char *member,
                     json_object **ret, const char *types, ...) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        va_list ap;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, LFA_BUS_NAME, path, iface, member);
        if (r >= 0)
                r = sd_bus_message_set_auto_start(m, false);
        if (r >= 0 && types) {
                va_start(ap, types);
                r = sd_bus_message_appendv(m, types, ap);
                va_end(ap);
        }
        if (r < 0)
                return r;
        r = sd_bus_call(bus, m, METRICS_CALL_TIMEOUT_USEC, NULL, &reply);
        if (r < 0)
                return r;
        return message_read_json(reply, ret);
}

/* 1: the policy files do not load; 0: valid; <0: lfad --verify could not run. */
static int policy_error(Metrics *mx) {
        _cleanup_free_ char **argv = NULL;
        posix_spawn_file_actions_t actions;
        size_t n = strv_length(mx->lfad_args);
        pid_t pid;
        int status, r;

        argv = calloc(n + 3, sizeof(char *));
        if (!argv)
                return -ENOMEM;
        argv[0] = (char *) lfad_path();
        argv[1] = (char *) "--verify";
        for (size_t i = 0; i < n; i++)
                argv[i + 2] = mx->lfad_args[i];

        r = posix_spawn_file_actions_init(&actions);
        if (r != 0)
                return -r;
        r = posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        if (r == 0)
                r = posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        if (r == 0)
                r = posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
        if (r == 0)
                r = posix_spawn(&pid, argv[0], &actions, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
        if (r != 0)
                return -r;

        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        /* 127: posix_spawn's child could not exec it. */
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
                return -ENOENT;
        return 1;
}

static Entry *entry_find(Entry *entries, size_t n, const char *uuid) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(entries[i].uuid, uuid) == 0)
                        return &entries[i];
        return NULL;
}

/* Everything lfad exposes; false when it does not answer (lfa_up 0). */
static bool render_lfad(sd_bus *bus, FILE *f) {
        _cleanup_json_ json_object *mgr = NULL, *objects = NULL, *history = NULL;
        _cleanup_free_ Entry *entries = NULL;
        size_t n = 0, cap = 0;
        json_object *v;

        if (!bus)
                return false;
        {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;

                if (call(bus, LFA_MANAGER_PATH, "org.freedesktop.DBus.Properties", "GetAll", &reply,
                         "s", LFA_MANAGER_IFACE) < 0 ||
                    message_read_properties_json(reply, &mgr) < 0)
                        return false;
        }
        if (call_json(bus, LFA_MANAGER_PATH, "org.freedesktop.DBus.ObjectManager",
                      "GetManagedObjects", &objects, NULL) < 0 ||
            call_json(bus, LFA_MANAGER_PATH, LFA_MANAGER_IFACE, "History", &history, "u",
                      (uint32_t) 0) < 0)
                return false;

        /* The components present now, then those only the history knows. */
        json_object_object_foreach(objects, path, ifaces) {
                json_object *props = get(ifaces, LFA_COMPONENT_IFACE);

                (void) path;
                if (!props)
                        continue;
                if (n == cap) {
                        Entry *t = reallocarray(entries, cap = cap * 2 + 8, sizeof(Entry));

                        if (!t)
                                return false;
                        entries = t;
                }
                entries[n++] = (Entry) { .uuid = get_s(props, "Uuid"), .name = get_s(props, "Name"),
                                         .props = props };
        }
        for (size_t i = 0; i < json_object_array_length(history); i++) {
                json_object *row = json_object_array_get_idx(history, i);
                Entry *e;

                if (json_object_array_length(row) != _H_MAX)
                        continue;
                e = entry_find(entries, n, row_s(row, H_UUID));
                if (!e) {
                        if (n == cap) {
                                Entry *t = reallocarray(entries, cap = cap * 2 + 8, sizeof(Entry));

                                if (!t)
                                        return false;
                                entries = t;
                        }
                        e = &entries[n++];
                        *e = (Entry) { .uuid = row_s(row, H_UUID), .name = row_s(row, H_NAME) };
                }
                /* Newest first: the first row of a UUID is its last attempt. */
                if (!e->last)
                        e->last = row;
                if (strcmp(row_s(row, H_RESULT), "success") != 0)
                        e->failures++;
                if (!e->last_rendezvous && strcmp(row_s(row, H_ACTION), "activate") == 0 &&
                    strcmp(row_s(row, H_RESULT), "success") == 0 &&
                    json_object_get_boolean(json_object_array_get_idx(row, H_RENDEZVOUS)))
                        e->last_rendezvous = row;
        }
        if (n > 0)
                qsort(entries, n, sizeof(Entry), entry_cmp);

        family(f, "lfa_up", "gauge", "1 when lfad answers on the system bus, 0 when it does not run.");
        fprintf(f, "lfa_up 1\n");

        family(f, "lfa_info", "gauge",
               "lfad's version, the firmware's LFA ABI version, the driver's ABI and module; always 1.");
        fputs("lfa_info{", f);
        put_label(f, "version", get_s(mgr, "Version"), true);
        put_label(f, "abi_version", get_s(mgr, "AbiVersion"), false);
        put_label(f, "driver_abi", get_s(mgr, "DriverAbi"), false);
        put_label(f, "driver_module", get_s(mgr, "DriverModule"), false);
        fputs("} 1\n", f);

        family(f, "lfa_state", "gauge", "What lfad is doing: 1 for the current state, 0 for the others.");
        for (size_t i = 0; i < 3; i++) {
                static const char *const states[] = { "idle", "priming", "activating" };

                fputs("lfa_state{", f);
                put_label(f, "state", states[i], true);
                fprintf(f, "} %d\n", strcmp(get_s(mgr, "State"), states[i]) == 0);
        }

        family(f, "lfa_components", "gauge", "Firmware components lfad sees.");
        {
                size_t present = 0;

                for (size_t i = 0; i < n; i++)
                        present += entries[i].props != NULL;
                fprintf(f, "lfa_components %zu\n", present);
        }

        family(f, "lfa_pending_components", "gauge",
               "Components with a new image waiting for activation.");
        v = get(mgr, "PendingCount");
        fprintf(f, "lfa_pending_components %" PRIu64 "\n", v ? json_object_get_uint64(v) : 0);

        family(f, "lfa_inhibitors", "gauge",
               "Open inhibitors (Inhibit()); while any is open nothing is activated automatically.");
        v = get(mgr, "Inhibitors");
        fprintf(f, "lfa_inhibitors %zu\n",
                v && json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0);

        family(f, "lfa_policy_loaded_timestamp_seconds", "gauge",
               "When the policy in force was loaded, seconds since the epoch.");
        v = get(mgr, "PolicyLoadedUSec");
        fprintf(f, "lfa_policy_loaded_timestamp_seconds %.6f\n", usec_to_sec(v ? json_object_get_uint64(v) : 0));

        family(f, "lfa_component_info", "gauge",
               "One per component: running and pending version, the policy's decision; always 1.");
        for (size_t i = 0; i < n; i++) {
                const Entry *e = &entries[i];

                if (!e->props)
                        continue;
                fputs("lfa_component_info{", f);
                put_label(f, "uuid", e->uuid, true);
                put_label(f, "name", e->name, false);
                put_label(f, "current_version", get_s(e->props, "CurrentVersion"), false);
                put_label(f, "pending_version", get_s(e->props, "PendingVersion"), false);
                put_label(f, "decision", get_s(e->props, "Decision"), false);
                fputs("} 1\n", f);
        }

        {
                static const struct {
                        const char *metric, *property, *help;
                } flags[] = {
                        { "lfa_component_activation_pending", "ActivationPending",
                          "1 when a new image waits for activation." },
                        { "lfa_component_activation_capable", "ActivationCapable",
                          "1 when the firmware can activate the component live." },
                        { "lfa_component_may_reset_cpu", "MayResetCpu",
                          "1 when activating may reset a CPU (lfad refuses it)." },
                };

                for (size_t k = 0; k < ELEMENTSOF(flags); k++) {
                        family(f, flags[k].metric, "gauge", flags[k].help);
                        for (size_t i = 0; i < n; i++) {
                                if (!entries[i].props)
                                        continue;
                                v = get(entries[i].props, flags[k].property);
                                component_sample(f, flags[k].metric, &entries[i]);
                                fprintf(f, " %d\n", v && json_object_get_boolean(v));
                        }
                }
        }

        family(f, "lfa_component_last_attempt_info", "gauge",
               "The last prime or activation lfad made of the component (from its history); always 1.");
        for (size_t i = 0; i < n; i++) {
                const Entry *e = &entries[i];

                if (!e->last)
                        continue;
                fputs("lfa_component_last_attempt_info{", f);
                put_label(f, "uuid", e->uuid, true);
                put_label(f, "name", e->name, false);
                put_label(f, "action", row_s(e->last, H_ACTION), false);
                put_label(f, "trigger", row_s(e->last, H_TRIGGER), false);
                put_label(f, "result", row_s(e->last, H_RESULT), false);
                put_label(f, "error", row_s(e->last, H_ERROR), false);
                put_label(f, "version_after", row_s(e->last, H_AFTER), false);
                fputs("} 1\n", f);
        }

        family(f, "lfa_component_last_attempt_success", "gauge",
               "1 when the component's last prime or activation succeeded, 0 when it failed.");
        for (size_t i = 0; i < n; i++)
                if (entries[i].last) {
                        component_sample(f, "lfa_component_last_attempt_success", &entries[i]);
                        fprintf(f, " %d\n", strcmp(row_s(entries[i].last, H_RESULT), "success") == 0);
                }

        family(f, "lfa_component_last_attempt_timestamp_seconds", "gauge",
               "When the component's last prime or activation started, seconds since the epoch.");
        for (size_t i = 0; i < n; i++)
                if (entries[i].last) {
                        component_sample(f, "lfa_component_last_attempt_timestamp_seconds", &entries[i]);
                        fprintf(f, " %.6f\n", usec_to_sec(row_u(entries[i].last, H_START)));
                }

        family(f, "lfa_component_last_attempt_duration_seconds", "gauge",
               "How long the component's last prime or activation took.");
        for (size_t i = 0; i < n; i++)
                if (entries[i].last) {
                        component_sample(f, "lfa_component_last_attempt_duration_seconds", &entries[i]);
                        fprintf(f, " %.6f\n", usec_to_sec(row_u(entries[i].last, H_DURATION)));
                }

        family(f, "lfa_component_last_rendezvous_duration_seconds", "gauge",
               "Duration of the last successful activation that gathered every CPU: an upper bound "
               "of the time the CPUs were held in the rendezvous.");
        for (size_t i = 0; i < n; i++)
                if (entries[i].last_rendezvous) {
                        component_sample(f, "lfa_component_last_rendezvous_duration_seconds", &entries[i]);
                        fprintf(f, " %.6f\n", usec_to_sec(row_u(entries[i].last_rendezvous, H_DURATION)));
                }

        family(f, "lfa_component_failures_total", "counter",
               "Failed primes and activations of the component in lfad's history.");
        for (size_t i = 0; i < n; i++)
                if (entries[i].last) {
                        component_sample(f, "lfa_component_failures_total", &entries[i]);
                        fprintf(f, " %" PRIu64 "\n", entries[i].failures);
                }

        return true;
}

static int render(Metrics *mx, char **ret, size_t *ret_size) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *own = NULL;
        _cleanup_free_ char *buf = NULL, *lfad = NULL;
        size_t size = 0, lfad_size = 0;
        bool up;
        FILE *f;
        int r;

        /* lfad is reachable on the bus only while it runs: no bus, no lfad. */
        if (!mx->c->bus && sd_bus_open_system(&own) < 0)
                own = NULL;

        /* What lfad says goes to a buffer of its own: a half-answered query
         * (lfad stopping) leaves nothing of it behind. */
        f = open_memstream(&lfad, &lfad_size);
        if (!f)
                return -errno;
        up = render_lfad(mx->c->bus ?: own, f);
        if (fclose(f) != 0)
                return -ENOMEM;

        f = open_memstream(&buf, &size);
        if (!f)
                return -errno;
        if (up)
                fwrite(lfad, 1, lfad_size, f);
        else {
                family(f, "lfa_up", "gauge", "1 when lfad answers on the system bus, 0 when it does not run.");
                fprintf(f, "lfa_up 0\n");
        }

        r = policy_error(mx);
        if (r >= 0) {
                family(f, "lfa_policy_error", "gauge",
                       "1 when the policy files do not load (lfad --verify fails): lfad keeps the "
                       "last good policy, or after a restart runs on its safe defaults.");
                fprintf(f, "lfa_policy_error %d\n", r);
        } else
                fprintf(stderr, "lfactl: metrics: cannot run %s --verify: %s\n", lfad_path(), strerror(-r));

        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(buf);
        *ret_size = size;
        return 0;
}

static int write_all(int fd, const char *buf, size_t size) {
        while (size > 0) {
                ssize_t k = write(fd, buf, size);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                buf += k;
                size -= (size_t) k;
        }
        return 0;
}

/* Write, fsync, chmod 0644 and rename over path: readers see the old file or the new. */
static int write_atomic(const char *path, const char *buf, size_t size) {
        _cleanup_free_ char *tmp = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
                return -ENOMEM;
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return -errno;
        r = write_all(fd, buf, size);
        if (r >= 0 && fchmod(fd, 0644) < 0)
                r = -errno;
        if (r >= 0 && fsync(fd) < 0)
                r = -errno;
        if (r >= 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0)
                (void) unlink(tmp);
        return r;
}

static int metrics_write(Metrics *mx) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        int r;

        r = render(mx, &buf, &size);
        if (r < 0)
                return r;
        if (!mx->path)
                return write_all(STDOUT_FILENO, buf, size);
        return write_atomic(mx->path, buf, size);
}

static int on_debounce(sd_event_source *s, uint64_t usec, void *userdata) {
        Metrics *mx = userdata;
        int r;

        (void) s;
        (void) usec;
        r = metrics_write(mx);
        if (r < 0) {
                fprintf(stderr, "lfactl: metrics: writing %s: %s\n", mx->path, strerror(-r));
                return sd_event_exit(mx->event, EXIT_FAILURE_);
        }
        return 0;
}

/* Signals come in bursts (an activation changes several properties): one
 * write shortly after the first, with everything that changed by then. */
static int schedule(Metrics *mx) {
        int enabled = SD_EVENT_OFF;

        (void) sd_event_source_get_enabled(mx->debounce, &enabled);
        if (enabled != SD_EVENT_OFF)
                return 0;
        return sd_event_source_set_time_relative(mx->debounce, METRICS_DEBOUNCE_USEC) < 0 ? -EIO :
               sd_event_source_set_enabled(mx->debounce, SD_EVENT_ONESHOT);
}

static int on_signal(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        (void) m;
        (void) ret_error;
        return schedule(userdata);
}

static int on_periodic(sd_event_source *s, uint64_t usec, void *userdata) {
        Metrics *mx = userdata;
        int r;

        r = schedule(mx);
        if (r < 0)
                return r;
        r = sd_event_source_set_time(s, usec + mx->interval);
        if (r < 0)
                return r;
        return sd_event_source_set_enabled(s, SD_EVENT_ON);
}

/*
 * lfad stopping is a state to report (lfa_up 0, then 1 when it is back), not
 * an end; the bus closing is: lfa_up 0 is written and the exit status is 6,
 * for the unit's Restart= to start a new connection.
 */
static int watch(Metrics *mx) {
        Context *c = mx->c;
        _cleanup_(follow_done) Follow f = {
                .c = c,
                .what = "metrics",
                .on_signal = on_signal,
                .userdata = mx,
        };
        int r, k;

        r = follow_event(&f);
        if (r != EXIT_OK)
                return r;
        mx->event = f.event;

        r = sd_event_add_time_relative(mx->event, &mx->debounce, CLOCK_MONOTONIC, 0, 0,
                                       on_debounce, mx);
        if (r >= 0)
                r = sd_event_source_set_enabled(mx->debounce, SD_EVENT_OFF);
        if (r >= 0)
                r = sd_event_add_time_relative(mx->event, &mx->periodic, CLOCK_MONOTONIC, mx->interval,
                                               USEC_PER_SEC, on_periodic, mx);
        if (r < 0)
                return output_bus_error(c, NULL, r, "metrics");

        /* Without a bus there is nothing to watch: say lfad is down, and let
         * the unit's Restart= try again. */
        r = bus_connect(c);
        if (r < 0) {
                k = metrics_write(mx);
                if (k < 0)
                        return output_error(c, EXIT_FAILURE_, "org.lfa.lfactl.Failed", "metrics: %s: %s",
                                            mx->path, strerror(-k));
                return output_bus_error(c, NULL, r, "connect");
        }
        r = follow_bus(&f);
        if (r != EXIT_OK)
                return r;

        /* Subscribed first, then the first write: no change falls in between. */
        r = metrics_write(mx);
        if (r < 0)
                return output_error(c, EXIT_FAILURE_, "org.lfa.lfactl.Failed", "metrics: %s: %s",
                                    mx->path, strerror(-r));
        fprintf(stderr, "Writing %s on every change of %s, Ctrl-C to stop.\n", mx->path, LFA_BUS_NAME);

        r = follow_run(&f);
        if (r != EXIT_UNREACHABLE)
                return r;
        /* The closed connection answers nothing: this writes lfa_up 0. */
        k = metrics_write(mx);
        if (k < 0)
                fprintf(stderr, "lfactl: metrics: writing %s: %s\n", mx->path, strerror(-k));
        return r;
}

int verb_metrics(Context *c) {
        Metrics mx = { .c = c, .interval = 60 * USEC_PER_SEC };
        _cleanup_free_ char **lfad_args = calloc((size_t) c->n_args + 1, sizeof(char *));
        size_t n_lfad = 0;
        int r;

        if (!lfad_args)
                return output_bus_error(c, NULL, -ENOMEM, "metrics");

        for (int i = 0; i < c->n_args; i++) {
                const char *a = c->args[i];

                if (i == 0 && a[0] != '-') {
                        mx.path = a;
                } else if (i == 0 && strcmp(a, "-") == 0) {
                        mx.path = NULL;
                } else if (strcmp(a, "--watch") == 0) {
                        mx.watch = true;
                } else if (strncmp(a, "--interval=", 11) == 0) {
                        char *end;
                        double sec;

                        errno = 0;
                        sec = strtod(a + 11, &end);
                        if (errno != 0 || end == a + 11 || *end != '\0' || !(sec >= 0.1) || sec > 86400)
                                return output_error(c, EXIT_USAGE, "org.lfa.lfactl.Usage",
                                                    "metrics: --interval: '%s' is not a number of seconds "
                                                    "between 0.1 and 86400", a + 11);
                        mx.interval = (usec_t) (sec * USEC_PER_SEC);
                } else if (strncmp(a, "--policy-dir=", 13) == 0 || strncmp(a, "--sysfs=", 8) == 0) {
                        lfad_args[n_lfad++] = (char *) a;
                } else
                        return output_error(c, EXIT_USAGE, "org.lfa.lfactl.Usage",
                                            "metrics: unexpected '%s' (usage: metrics [FILE [--watch] "
                                            "[--interval=SEC] [--policy-dir=DIR]... [--sysfs=DIR]])", a);
        }
        mx.lfad_args = lfad_args;

        if (mx.watch) {
                if (!mx.path)
                        return output_error(c, EXIT_USAGE, "org.lfa.lfactl.Usage",
                                            "metrics: --watch needs a FILE to rewrite");
                return watch(&mx);
        }

        r = metrics_write(&mx);
        if (r < 0)
                return output_error(c, EXIT_FAILURE_, "org.lfa.lfactl.Failed", "metrics: %s: %s",
                                    mx.path ?: "stdout", strerror(-r));
        return EXIT_OK;
}
