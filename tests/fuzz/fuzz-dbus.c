/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Target dbus: method calls into lfad's real vtable (daemon/bus*.c over the
 * real Manager, as tests/unit/test-bus.c sets it up) through an sd-bus
 * socketpair, the caller being root (the same uid: polkit is not asked)
 * or nobody (uid 65534: lfad asks polkit, which is not there, and denies).
 *
 * The input: byte 0 picks the caller (bit 7: nobody) and the object path, byte 1 the interface and method
 * (every org.lfa.Manager method, org.freedesktop.DBus.Properties and
 * Introspectable, Peer, and names no vtable has), then a D-Bus signature up
 * to the first NUL, then the bytes the arguments are drawn from
 * (fuzz-bus-values.h). The call must be answered (a reply or an error)
 * within 5 s and lfad must neither crash nor leak; the fake driver's writes
 * succeed at once, so activations run to their end.
 */

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "bus.h"
#include "fuzz-bus-values.h"
#include "fuzz-util.h"
#include "log.h"
#include "manager.h"

#define RMM  "6c0762a6-12f2-4b56-92cb-ba8f633606d9"
#define BL31 "47d4086d-4cfe-9846-9b95-2950cbbd5a00"

/* [1] and [2]: the components' paths, sd_bus_path_encode()d at start. */
static const char *paths[] = {
        "/org/lfa/Manager",
        NULL,
        NULL,
        "/org/lfa/Manager/component/x",
        "/org/lfa/Manager/component",
        "/",
        "/org/lfa",
};

static const struct {
        const char *iface, *member;
} methods[] = {
        { "org.lfa.Manager", "ListComponents" },
        { "org.lfa.Manager", "GetComponent" },
        { "org.lfa.Manager", "Activate" },
        { "org.lfa.Manager", "ActivatePending" },
        { "org.lfa.Manager", "Cancel" },
        { "org.lfa.Manager", "Prime" },
        { "org.lfa.Manager", "Refresh" },
        { "org.lfa.Manager", "ReloadPolicy" },
        { "org.lfa.Manager", "Plan" },
        { "org.lfa.Manager", "Inhibit" },
        { "org.lfa.Manager", "History" },
        { "org.lfa.Manager", "Nope" },
        { "org.freedesktop.DBus.Properties", "Get" },
        { "org.freedesktop.DBus.Properties", "GetAll" },
        { "org.freedesktop.DBus.Properties", "Set" },
        { "org.freedesktop.DBus.Introspectable", "Introspect" },
        { "org.freedesktop.DBus.Peer", "Ping" },
        { "org.lfa.Component", "Activate" },
        { NULL, "Activate" },
};

typedef struct World {
        sd_event *event;
        Manager *manager;
        BusContext *bus;
        sd_bus *server, *client;
} World;

static int fuzz_job_write(const char *path, void *userdata) {
        (void) path;
        (void) userdata;
        return 0;
}

static void attr(const char *dir, const char *uuid, const char *name, const char *value) {
        char p[4400];

        snprintf(p, sizeof(p), "%s/%s/%s", dir, uuid, name);
        fuzz_write_file(p, value, strlen(value));
}

static void component(const char *sysfs, const char *uuid, const char *name, const char *may_reset) {
        char p[4400];

        snprintf(p, sizeof(p), "%s/%s", sysfs, uuid);
        if (mkdir(p, 0755) < 0)
                abort();
        attr(sysfs, uuid, "name", name);
        attr(sysfs, uuid, "seq_id", "0\n");
        attr(sysfs, uuid, "current_version", "1.2\n");
        attr(sysfs, uuid, "pending_version", "1.3\n");
        attr(sysfs, uuid, "activation_capable", "1\n");
        attr(sysfs, uuid, "activation_pending", "1\n");
        attr(sysfs, uuid, "may_reset_cpu", may_reset);
        attr(sysfs, uuid, "cpu_rendezvous", "1\n");
        attr(sysfs, uuid, "force_cpu_rendezvous", "1\n");
        attr(sysfs, uuid, "state", "idle\n");
        attr(sysfs, uuid, "last_error", "\n");
        attr(sysfs, uuid, "activate", "");
        attr(sysfs, uuid, "cancel", "");
        attr(sysfs, uuid, "prime", "");
}

/* Two worlds, each its own Manager on its own loop: [0] the caller is
 * root, [1] the caller is nobody (uid 65534). */
static World *world(unsigned k) {
        static World worlds[2];
        static char sysfs[2][4200], policy[2][4200], state[2][4200], file[4300];
        World *wp = &worlds[k];
        int pair[2];
        sd_id128_t id;

#define w (*wp)
#define sysfs sysfs[k]
#define policy policy[k]
#define state state[k]
        if (w.manager)
                return &w;
        snprintf(sysfs, sizeof(sysfs), "%s/sys%u", fuzz_tmpdir(), k);
        snprintf(policy, sizeof(policy), "%s/lfa.d%u", fuzz_tmpdir(), k);
        snprintf(state, sizeof(state), "%s/state%u", fuzz_tmpdir(), k);
        if (mkdir(sysfs, 0755) < 0 || mkdir(policy, 0755) < 0)
                abort();
        snprintf(file, sizeof(file), "%s/version", sysfs);
        fuzz_write_file(file, "1.0\n", 4);
        snprintf(file, sizeof(file), "%s/refresh", sysfs);
        fuzz_write_file(file, "", 0);
        component(sysfs, RMM, "TF-RMM\n", "0\n");
        component(sysfs, BL31, "BL31\n", "1\n");
        snprintf(file, sizeof(file), "%s/50-fuzz.conf", policy);
        fuzz_write_file(file, "[Component " RMM "]\nAutoActivate=window\n",
                        strlen("[Component " RMM "]\nAutoActivate=window\n"));

        static char *dirs[2], *p1, *p2;
        dirs[0] = policy;
        /* Once for both worlds (a second encoding leaked the first). */
        if (!paths[1]) {
                if (sd_bus_path_encode("/org/lfa/Manager/component", RMM, &p1) < 0 ||
                    sd_bus_path_encode("/org/lfa/Manager/component", BL31, &p2) < 0)
                        abort();
                paths[1] = p1;
                paths[2] = p2;
        }
        ManagerConfig config = {
                .policy_dirs = dirs,
                .state_dir = state,
                .sysfs_root = sysfs,
                .module_root = (char *) fuzz_tmpdir(),
                .job_write = fuzz_job_write,
        };

        log_set_max_level(LOG_CRIT);
        /* Refresh() as nobody would wait up to a second for its re-read. */
        bus_set_refresh_interval(0);
        if (sd_event_new(&w.event) < 0 || manager_new(w.event, &config, &w.manager) < 0 ||
            manager_start(w.manager) < 0)
                abort();
        /* The peer credentials of a socketpair are those of its creator
         * (SO_PEERCRED), and sd-bus's client says its euid in AUTH EXTERNAL
         * when it starts: both as nobody make lfad see an unprivileged
         * caller, which it sends to polkit (here: the client, which answers
         * every call it does not know with an error, so: denied). */
        if (k == 1 && setresuid(-1, 65534, -1) < 0)
                abort();
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0 || sd_id128_randomize(&id) < 0)
                abort();
        if (sd_bus_new(&w.server) < 0 || sd_bus_set_fd(w.server, pair[0], pair[0]) < 0 ||
            sd_bus_set_server(w.server, 1, id) < 0 || sd_bus_negotiate_fds(w.server, 1) < 0 ||
            sd_bus_start(w.server) < 0 || bus_attach(w.manager, w.server, &w.bus) < 0)
                abort();
        if (sd_bus_new(&w.client) < 0 || sd_bus_set_fd(w.client, pair[1], pair[1]) < 0 ||
            sd_bus_negotiate_fds(w.client, 1) < 0 || sd_bus_start(w.client) < 0 ||
            sd_bus_attach_event(w.client, w.event, 0) < 0)
                abort();
        if (k == 1 && setresuid(-1, 0, -1) < 0)
                abort();
        return &w;
#undef w
#undef sysfs
#undef policy
#undef state
}

typedef struct Call {
        bool done;
} Call;

/* LFA_FUZZ_VERBOSE=1: print each answer (to check what a seed does). */
static int on_reply(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        (void) e;
        if (getenv("LFA_FUZZ_VERBOSE")) {
                const sd_bus_error *err = sd_bus_message_get_error(m);

                fprintf(stderr, "answer: %s %s\n", err ? err->name : "reply",
                        err ? err->message : sd_bus_message_get_signature(m, true));
        }
        ((Call *) userdata)->done = true;
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
        _cleanup_free_ char *sig = NULL;
        World *w;
        const uint8_t *nul;
        Call call = {};
        uint64_t start, now;
        Input in;

        if (size < 3)
                return 0;
        nul = memchr(data + 2, 0, size - 2);
        if (!nul || (size_t) (nul - data - 2) > 255)
                return 0;
        sig = fuzz_strndup(data + 2, (size_t) (nul - data - 2));
        in = (Input) { nul + 1, data + size };

        /* Byte 0: bit 7 the caller (root or nobody), the rest the path. */
        w = world(data[0] >> 7);
        const char *path = paths[(data[0] & 0x7f) % ELEMENTSOF(paths)];
        unsigned k = data[1] % ELEMENTSOF(methods);
        if (sd_bus_message_new_method_call(w->client, &m, NULL, path, methods[k].iface, methods[k].member) < 0)
                abort();
        if (append_seq(m, sig, strlen(sig), &in, 0) < 0)
                return 0;
        if (sd_bus_call_async(w->client, &slot, m, on_reply, &call, 10 * USEC_PER_SEC) < 0)
                return 0; /* refused by the client library: not a call anyone can send */

        if (sd_event_now(w->event, CLOCK_MONOTONIC, &start) < 0)
                abort();
        while (!call.done) {
                if (sd_event_run(w->event, 100 * USEC_PER_MSEC) < 0)
                        abort();
                if (sd_event_now(w->event, CLOCK_MONOTONIC, &now) < 0)
                        abort();
                if (now - start > 5 * USEC_PER_SEC)
                        abort(); /* lfad did not answer */
        }
        /* Let the loop finish what the call started (jobs, signals). */
        for (int i = 0; i < 3; i++)
                if (sd_event_run(w->event, 0) < 0)
                        abort();
        return 0;
}
