/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "bus.h"
#include "log.h"
#include "manager.h"
#include "verify.h"

typedef struct Args {
        bool verify;
        char **policy_dirs;     /* NULL: the defaults */
        size_t n_policy_dirs;
        char *state_dir;
        const char *sysfs_root;
} Args;

static void args_done(Args *a) {
        strv_free(a->policy_dirs);
        free(a->state_dir);
}

static void help(void) {
        printf("Usage: lfad [OPTIONS...]\n\n"
               "Arm Live Firmware Activation daemon: activates pending firmware\n"
               "components as the policy in lfa.d(5) says, and serves org.lfa.Manager.\n\n"
               "  -h --help              Show this help\n"
               "     --version           Show the version\n"
               "     --verify            Check the policy, print the decision for each\n"
               "                         present component and exit (non-zero on error)\n"
               "     --policy-dir=DIR    Read *.conf from DIR; repeat for several, highest\n"
               "                         precedence first (default: /etc/lfa.d /run/lfa.d\n"
               "                         /usr/lib/lfa.d)\n"
               "     --state-dir=DIR     History directory (default: $STATE_DIRECTORY,\n"
               "                         else /var/lib/lfad)\n"
               "     --sysfs=DIR         LFA sysfs root (default: " LFA_SYSFS_DEFAULT ")\n");
}

/* Returns 1 to run, 0 to exit successfully, negative on error. */
static int parse_argv(int argc, char *argv[], Args *a) {
        enum {
                ARG_VERSION = 0x100,
                ARG_VERIFY,
                ARG_POLICY_DIR,
                ARG_STATE_DIR,
                ARG_SYSFS,
        };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "verify", no_argument, NULL, ARG_VERIFY },
                { "policy-dir", required_argument, NULL, ARG_POLICY_DIR },
                { "state-dir", required_argument, NULL, ARG_STATE_DIR },
                { "sysfs", required_argument, NULL, ARG_SYSFS },
                {}
        };
        int c;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("lfad %s\n", LFA_VERSION);
                        return 0;
                case ARG_VERIFY:
                        a->verify = true;
                        break;
                case ARG_POLICY_DIR: {
                        char **t = realloc(a->policy_dirs, (a->n_policy_dirs + 2) * sizeof(char *));

                        if (!t)
                                return log_oom();
                        a->policy_dirs = t;
                        t[a->n_policy_dirs] = strdup(optarg);
                        t[a->n_policy_dirs + 1] = NULL;
                        if (!t[a->n_policy_dirs])
                                return log_oom();
                        a->n_policy_dirs++;
                        break;
                }
                case ARG_STATE_DIR:
                        if (free_and_strdup(&a->state_dir, optarg) < 0)
                                return log_oom();
                        break;
                case ARG_SYSFS:
                        a->sysfs_root = optarg;
                        break;
                default:
                        return -EINVAL;
                }
        }
        if (optind < argc) {
                log_error("lfad takes no positional arguments ('%s').", argv[optind]);
                return -EINVAL;
        }
        if (!a->state_dir) {
                const char *e = getenv("STATE_DIRECTORY");

                /* systemd passes one path per StateDirectory= entry,
                 * separated by colons: ours is the first. */
                if (e && *e)
                        a->state_dir = strndup(e, strcspn(e, ":"));
                else
                        a->state_dir = strdup("/var/lib/lfad");
                if (!a->state_dir)
                        return log_oom();
        }
        return 1;
}

static int verify(const Args *a) {
        static const char *const default_dirs[] = { POLICY_DIRS_DEFAULT, NULL };

        return verify_run(a->policy_dirs ?: (char * const *) default_dirs, a->sysfs_root ?: LFA_SYSFS_DEFAULT,
                          stdout, stderr);
}

static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;
        _cleanup_free_ char *error = NULL;
        int r;

        (void) s;
        (void) si;
        (void) sd_notify(false, "RELOADING=1\nSTATUS=Reloading the policy");
        r = manager_reload_policy(m, &error);
        if (r < 0)
                log_error("Reload failed, the policy in force stays: %s", error ?: strerror(-r));
        (void) sd_notify(false, "READY=1");
        manager_send_status(m);
        return 0;
}

static int run(int argc, char *argv[]) {
        _cleanup_(args_done) Args args = {};
        _cleanup_(sd_event_unrefp) sd_event *event = NULL;
        _cleanup_(manager_freep) Manager *m = NULL;
        BusContext *bus = NULL;
        ManagerConfig config;
        sigset_t mask;
        int r;

        log_open();
        if (getenv("LFAD_DEBUG"))
                log_set_max_level(LOG_DEBUG);

        r = parse_argv(argc, argv, &args);
        if (r <= 0)
                return r;
        if (args.verify)
                return verify(&args);

        /* Signals are handled on the loop; block them before adding. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGHUP);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return log_error_errno(errno, "Failed to block signals: %m");

        r = sd_event_default(&event);
        if (r < 0)
                return log_error_errno(r, "Failed to allocate the event loop: %m");
        r = sd_event_add_signal(event, NULL, SIGTERM, NULL, NULL);
        if (r >= 0)
                r = sd_event_add_signal(event, NULL, SIGINT, NULL, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to watch SIGTERM/SIGINT: %m");
        r = sd_event_set_watchdog(event, true);
        if (r < 0)
                return log_error_errno(r, "Failed to enable the watchdog: %m");

        config = (ManagerConfig) {
                .policy_dirs = args.policy_dirs,
                .state_dir = args.state_dir,
                .sysfs_root = (char *) args.sysfs_root,
        };
        r = manager_new(event, &config, &m);
        if (r < 0)
                return log_error_errno(r, "Failed to allocate the manager: %m");
        r = sd_event_add_signal(event, NULL, SIGHUP, on_sighup, m);
        if (r < 0)
                return log_error_errno(r, "Failed to watch SIGHUP: %m");

        r = manager_start(m);
        if (r < 0)
                return log_error_errno(r, "Failed to start: %m");
        r = bus_setup(m, &bus);
        if (r < 0)
                return log_error_errno(r, "Failed to set up the bus: %m");
        /* READY=1 must mean "reachable": a client started after it finds
         * the name. */
        r = bus_request_name(bus);
        if (r < 0)
                return r;

        manager_set_ready(m);
        (void) sd_notify(false, "READY=1");
        manager_send_status(m);

        r = sd_event_loop(event);
        (void) sd_notify(false, "STOPPING=1\nSTATUS=Shutting down");
        bus = bus_shutdown(bus);
        if (r < 0)
                return log_error_errno(r, "Event loop failed: %m");
        return 0;
}

int main(int argc, char *argv[]) {
        int r = run(argc, argv);

        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
