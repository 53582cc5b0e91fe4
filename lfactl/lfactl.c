/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lfactl: the command-line client of lfad's D-Bus API (org.lfa.Manager),
 * for people who would rather not type busctl. See lfactl(1).
 */

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>

#include "lfactl.h"

typedef struct Verb {
        const char *name;
        int min_args;
        int max_args;   /* -1: any number */
        bool needs_bus;
        /* Options after the verb's first operand belong to another program. */
        bool passthrough;
        int (*run)(Context *c);
} Verb;

static const Verb verbs[] = {
        { "status",           0, 0,  true,  false, verb_status },
        { "list",             0, 0,  true,  false, verb_list },
        { "show",             1, 1,  true,  false, verb_show },
        { "plan",             0, 0,  true,  false, verb_plan },
        { "history",          0, 1,  true,  false, verb_history },
        { "activate",         1, 1,  true,  false, verb_activate },
        { "activate-pending", 0, 0,  true,  false, verb_activate_pending },
        { "cancel",           1, 1,  true,  false, verb_cancel },
        { "prime",            1, 1,  true,  false, verb_prime },
        { "refresh",          0, 0,  true,  false, verb_refresh },
        { "monitor",          0, 0,  true,  false, verb_monitor },
        { "metrics",          0, -1, false, true,  verb_metrics },
        /* policy reload connects itself; policy verify needs no bus at all. */
        { "policy",           1, -1, false, true,  verb_policy },
};

static void help(void) {
        printf("lfactl [OPTIONS...] COMMAND ...\n"
               "\n"
               "Query and control lfad, the Arm Live Firmware Activation daemon.\n"
               "\n"
               "Commands:\n"
               "  status                   lfad's state, pending count, policy files\n"
               "  list                     every firmware component\n"
               "  show UUID                one component's properties and policy decision\n"
               "  plan                     what the policy would do now, and why (dry run)\n"
               "  history [N]              the last N activation attempts (default 20, 0: all)\n"
               "  activate UUID            prime and activate one component now\n"
               "  activate-pending         activate what the policy left for the window\n"
               "  cancel UUID              stop a priming, or release a primed component\n"
               "  prime UUID               prime a component ahead of its activation\n"
               "  refresh                  re-read the inventory\n"
               "  monitor                  follow lfad's signals until interrupted or it leaves\n"
               "  metrics [FILE [--watch]] Prometheus metrics (node_exporter textfile)\n"
               "  policy verify [OPT...]   check lfa.d(5) files with lfad --verify\n"
               "  policy reload            load the policy again (as systemctl reload)\n"
               "\n"
               "Options:\n"
               "  -h --help                show this help\n"
               "     --version             show the version\n"
               "  -j --json                print only JSON on stdout, errors included\n"
               "     --timeout=SEC         D-Bus call timeout (default: none for\n"
               "                           activate/prime, 25 s otherwise; 'infinity')\n"
               "     --force-rendezvous    activate: gather every CPU\n"
               "     --skip-rendezvous     activate: skip the CPU rendezvous (only where\n"
               "                           the firmware allows it)\n"
               "\n"
               "Exit status: 0 ok, 1 failed, 2 usage, 3 not found, 4 access denied,\n"
               "5 busy or inhibited, 6 lfad unreachable. See lfactl(1).\n");
}

static int parse_timeout(const char *s, usec_t *ret) {
        char *end;
        double sec;

        if (strcmp(s, "infinity") == 0) {
                *ret = USEC_INFINITY;
                return 0;
        }
        errno = 0;
        sec = strtod(s, &end);
        if (errno != 0 || end == s || *end != '\0' || !(sec > 0) || sec > 1e9)
                return -EINVAL;
        *ret = (usec_t) (sec * USEC_PER_SEC);
        return 0;
}

enum {
        ARG_VERSION = 0x100,
        ARG_TIMEOUT,
        ARG_FORCE_RENDEZVOUS,
        ARG_SKIP_RENDEZVOUS,
};

/*
 * Returns -1 to go on, or the exit code to end with. With stop_at_verb the
 * scan ends at the first operand (the verb); otherwise options and operands
 * may mix, as in "activate UUID --skip-rendezvous".
 */
static int parse_argv(Context *c, int argc, char *argv[], bool stop_at_verb) {
        static const struct option options[] = {
                { "help",             no_argument,       NULL, 'h' },
                { "version",          no_argument,       NULL, ARG_VERSION },
                { "json",             no_argument,       NULL, 'j' },
                { "timeout",          required_argument, NULL, ARG_TIMEOUT },
                { "force-rendezvous", no_argument,       NULL, ARG_FORCE_RENDEZVOUS },
                { "skip-rendezvous",  no_argument,       NULL, ARG_SKIP_RENDEZVOUS },
                {}
        };
        bool show_help = false, show_version = false;
        const char *timeout = NULL;
        int opt;

        /* Scan for --json first, so even an error about an earlier option is JSON. */
        for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
                if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0)
                        c->json = true;

        opterr = 0;
        /* optind = 0 makes glibc start a fresh scan, also on the second call. */
        optind = 0;
        while ((opt = getopt_long(argc, argv, stop_at_verb ? "+hj" : "hj", options, NULL)) >= 0) {
                switch (opt) {
                case 'h':
                        show_help = true;
                        break;
                case ARG_VERSION:
                        show_version = true;
                        break;
                case 'j':
                        c->json = true;
                        break;
                case ARG_TIMEOUT:
                        timeout = optarg;
                        break;
                case ARG_FORCE_RENDEZVOUS:
                case ARG_SKIP_RENDEZVOUS:
                        if (c->rendezvous != RENDEZVOUS_DEFAULT)
                                return output_error(c, EXIT_USAGE, "org.lfa.lfactl.Usage",
                                                    "--force-rendezvous and --skip-rendezvous exclude each other");
                        c->rendezvous = opt == ARG_FORCE_RENDEZVOUS ? RENDEZVOUS_FORCE
                                                                    : RENDEZVOUS_SKIP;
                        break;
                default:
                        return output_error(c, EXIT_USAGE, "org.lfa.lfactl.Usage",
                                            "unknown or incomplete option '%s' (see --help)",
                                            argv[optind - 1]);
                }
        }

        if (show_help) {
                help();
                return EXIT_OK;
        }
        if (show_version) {
                puts(LFA_VERSION);
                return EXIT_OK;
        }
        if (timeout) {
                if (parse_timeout(timeout, &c->timeout) < 0)
                        return output_error(c, EXIT_USAGE, "org.lfa.lfactl.Usage",
                                            "--timeout: '%s' is not a number of seconds > 0 or 'infinity'",
                                            timeout);
                c->timeout_set = true;
        }
        return -1;
}

/*
 * Options may follow the verb ("activate UUID --skip-rendezvous"), so the
 * command line is parsed in two steps: options before the verb, then the
 * verb's own operands and options.
 */
static void context_done(Context *c) {
        /* Flush, so a last message queued by a verb still leaves. */
        c->bus = sd_bus_flush_close_unref(c->bus);
}

int main(int argc, char *argv[]) {
        _cleanup_(context_done) Context c = { .rendezvous = RENDEZVOUS_DEFAULT };
        const Verb *verb = NULL;
        int r;

        r = parse_argv(&c, argc, argv, true);
        if (r >= 0)
                return r;

        if (optind >= argc)
                return output_error(&c, EXIT_USAGE, "org.lfa.lfactl.Usage",
                                    "missing command (see --help)");

        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (strcmp(verbs[i].name, argv[optind]) == 0)
                        verb = &verbs[i];
        if (!verb)
                return output_error(&c, EXIT_USAGE, "org.lfa.lfactl.Usage",
                                    "unknown command '%s' (see --help)", argv[optind]);

        /* The verb's own part of the command line, the verb in argv[0]'s place
         * (getopt skips it): operands and trailing options. */
        argc -= optind;
        argv += optind;
        r = parse_argv(&c, argc, argv, verb->passthrough);
        if (r >= 0)
                return r;

        c.args = argv + optind;
        c.n_args = argc - optind;
        if (c.n_args < verb->min_args || (verb->max_args >= 0 && c.n_args > verb->max_args))
                return output_error(&c, EXIT_USAGE, "org.lfa.lfactl.Usage",
                                    "%s: wrong number of arguments (see --help)", verb->name);
        if (c.rendezvous != RENDEZVOUS_DEFAULT && verb->run != verb_activate)
                return output_error(&c, EXIT_USAGE, "org.lfa.lfactl.Usage",
                                    "--force-rendezvous/--skip-rendezvous apply to 'activate' only");

        if (verb->needs_bus) {
                r = bus_connect(&c);
                if (r < 0)
                        return output_bus_error(&c, NULL, r, "connect");
        }

        return verb->run(&c);
}
