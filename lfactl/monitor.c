/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lfactl monitor: one line per signal lfad sends (activation started and
 * finished, property changes, components appearing and vanishing) and per
 * change of the bus name's owner, until SIGINT or SIGTERM (exit status 0),
 * lfad leaving the bus or the bus closing (exit status 6: follow.c). With
 * --json each line is one JSON object (JSON Lines).
 */

#include <errno.h>
#include <time.h>

#include "lfactl.h"

/* Argument names of each signal, in order, as the XML and D-Bus spec name them. */
static const struct {
        const char *member;
        const char *const args[10];
} signal_args[] = {
        { "ActivationStarted",  { "uuid", "component", "action", "trigger", NULL } },
        { "ActivationFinished", { "uuid", "component", "action", "trigger", "result", "error",
                                  "message", "rendezvous", "duration_usec", NULL } },
        { "PropertiesChanged",  { "interface", "changed", "invalidated", NULL } },
        { "InterfacesAdded",    { "object", "interfaces", NULL } },
        { "InterfacesRemoved",  { "object", "interfaces", NULL } },
        { "NameOwnerChanged",   { "name", "old_owner", "new_owner", NULL } },
};

static const char *const *args_of(const char *member) {
        for (size_t i = 0; i < ELEMENTSOF(signal_args); i++)
                if (strcmp(signal_args[i].member, member) == 0)
                        return signal_args[i].args;
        return NULL;
}

static uint64_t now_realtime_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

/* Every argument of the signal, named where the signal is known, else "argN". */
static int read_args(sd_bus_message *m, json_object **ret) {
        _cleanup_json_ json_object *args = json_object_new_object();
        const char *const *names = args_of(sd_bus_message_get_member(m));
        int r;

        if (!args)
                return -ENOMEM;

        for (size_t i = 0;; i++) {
                json_object *v = NULL;
                char fallback[16];

                r = sd_bus_message_peek_type(m, NULL, NULL);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                r = message_read_json(m, &v);
                if (r < 0)
                        return r;

                snprintf(fallback, sizeof(fallback), "arg%zu", i);
                json_object_object_add(args, names && names[i] ? names[i] : fallback, v);
                if (names && names[i] == NULL)
                        names = NULL;
        }

        *ret = TAKE_PTR(args);
        return 0;
}

static void print_text(uint64_t usec, const char *path, const char *member, json_object *args) {
        char when[64];
        time_t t = (time_t) (usec / 1000000);
        struct tm tm;

        if (!localtime_r(&t, &tm) || strftime(when, sizeof(when), "%H:%M:%S", &tm) == 0)
                snprintf(when, sizeof(when), "-");

        printf("%s.%03u %s %s", when, (unsigned) (usec / 1000 % 1000), member, path);
        json_object_object_foreach(args, key, v) {
                const char *s = json_object_is_type(v, json_type_string)
                                        ? json_object_get_string(v)
                                        : json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
                printf(" %s=%s", key, s);
        }
        putchar('\n');
}

static int on_signal(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Context *c = userdata;
        _cleanup_json_ json_object *args = NULL, *line = NULL;
        uint64_t usec = now_realtime_usec();
        const char *member = sd_bus_message_get_member(m), *path = sd_bus_message_get_path(m);
        int r;

        (void) ret_error;

        r = read_args(m, &args);
        if (r < 0) {
                fprintf(stderr, "lfactl: cannot parse signal %s: %s, ignoring\n",
                        strempty(member), strerror(-r));
                return 0;
        }

        if (!c->json) {
                print_text(usec, strempty(path), strempty(member), args);
                fflush(stdout);
                return 0;
        }

        line = json_object_new_object();
        if (!line)
                return -ENOMEM;
        json_object_object_add(line, "time_usec", json_object_new_uint64(usec));
        json_object_object_add(line, "signal", json_object_new_string(strempty(member)));
        json_object_object_add(line, "interface",
                               json_object_new_string(strempty(sd_bus_message_get_interface(m))));
        json_object_object_add(line, "path", json_object_new_string(strempty(path)));
        json_object_object_add(line, "args", TAKE_PTR(args));
        (void) output_json(c, line);
        return 0;
}

int verb_monitor(Context *c) {
        _cleanup_(follow_done) Follow f = {
                .c = c,
                .what = "monitor",
                .on_signal = on_signal,
                .userdata = c,
                .exit_when_lfad_leaves = true,
        };
        int r;

        /* Every line one JSON object, the error that ends it too. */
        c->json_lines = true;

        r = follow_event(&f);
        if (r == EXIT_OK)
                r = follow_bus(&f);
        if (r == EXIT_OK)
                r = follow_lfad_present(&f);
        if (r != EXIT_OK)
                return r;

        /* On stderr, so stdout stays pure JSON: scripts wait for it before acting. */
        fprintf(stderr, "Monitoring %s, Ctrl-C to stop.\n", LFA_BUS_NAME);

        return follow_run(&f);
}
