/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bus layer over an sd-bus socketpair: lfad's Manager (the real core)
 * on a fake /sys/firmware/lfa directory, served on one end, a client on the
 * other, both on one sd-event loop. The test plays the driver: it rewrites
 * attribute files and feeds the manager the uevents the driver would send.
 * The caller shares our uid, so every call is authorized without polkit;
 * tests/bus covers polkit on a real bus.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "fake-driver.h"
#include "log.h"
#include "bus-component.h"
#include "bus-error.h"
#include "bus.h"
#include "manager.h"
#include "polkit.h"

#define RMM   "6c0762a6-12f2-4b56-92cb-ba8f633606d9" /* capable, pending, window */
#define BL31  "47d4086d-4cfe-9846-9b95-2950cbbd5a00" /* may reset a CPU */
#define BMC   "3f7c2d9a-8b1e-4c55-9a60-5d2e7b41c0aa" /* up to date, rendezvous optional */
#define DEAD  "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" /* pending, not capable */
#define NEW   "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"

#define MANAGER_PATH "/org/lfa/Manager"
#define MANAGER_IFACE "org.lfa.Manager"
#define WAIT_USEC (5 * USEC_PER_SEC)

typedef struct World {
        char dir[64];
        char sysfs[128];
        char policy[128];
        char state[128];
        sd_event *event;
        Manager *manager;
        BusContext *bus;
        sd_bus *server;
        sd_bus *client;
        sd_bus_message *signals[64];
        size_t n_signals;
} World;

static World *W;

/* Fixture: files, the manager, the socketpair. */

static void write_file(const char *path, const char *content) {
        FILE *f = fopen(path, "we");

        assert_non_null(f);
        assert_true(fputs(content, f) >= 0);
        assert_int_equal(fclose(f), 0);
}

static void attr_set(const char *uuid, const char *attr, const char *value) {
        char path[256], line[128];

        snprintf(path, sizeof(path), "%s/%s/%s", W->sysfs, uuid, attr);
        snprintf(line, sizeof(line), "%s\n", value);
        write_file(path, line);
}

static char *attr_get(const char *uuid, const char *attr) {
        static char buf[128];
        char path[256];
        FILE *f;
        size_t n;

        if (uuid)
                snprintf(path, sizeof(path), "%s/%s/%s", W->sysfs, uuid, attr);
        else
                snprintf(path, sizeof(path), "%s/%s", W->sysfs, attr);
        f = fopen(path, "re");
        assert_non_null(f);
        n = fread(buf, 1, sizeof(buf) - 1, f);
        buf[n] = 0;
        fclose(f);
        buf[strcspn(buf, "\n")] = 0;
        return buf;
}

static void component_make(const char *uuid, const char *name, bool capable, bool pending,
                           bool may_reset, bool rendezvous, const char *cur, const char *pend,
                           unsigned seq) {
        static const char *const controls[] = { "activate", "cancel", "prime" };
        char path[256], seqs[16];

        snprintf(path, sizeof(path), "%s/%s", W->sysfs, uuid);
        assert_int_equal(mkdir(path, 0755), 0);
        snprintf(seqs, sizeof(seqs), "%u", seq);
        attr_set(uuid, "name", name);
        attr_set(uuid, "seq_id", seqs);
        attr_set(uuid, "current_version", cur);
        attr_set(uuid, "pending_version", pend);
        attr_set(uuid, "activation_capable", capable ? "1" : "0");
        attr_set(uuid, "activation_pending", pending ? "1" : "0");
        attr_set(uuid, "may_reset_cpu", may_reset ? "1" : "0");
        attr_set(uuid, "cpu_rendezvous", rendezvous ? "1" : "0");
        attr_set(uuid, "force_cpu_rendezvous", "1");
        attr_set(uuid, "state", "idle");
        attr_set(uuid, "last_error", "");
        for (size_t i = 0; i < 3; i++) {
                snprintf(path, sizeof(path), "%s/%s/%s", W->sysfs, uuid, controls[i]);
                write_file(path, "");
        }
}

static int on_signal(sd_bus_message *m, void *userdata _unused_, sd_bus_error *e _unused_) {
        if (W->n_signals < ELEMENTSOF(W->signals))
                W->signals[W->n_signals++] = sd_bus_message_ref(m);
        return 0;
}

static void signals_clear(void) {
        for (size_t i = 0; i < W->n_signals; i++)
                sd_bus_message_unref(W->signals[i]);
        W->n_signals = 0;
}

static int setup(void **state _unused_) {
        char path[256];
        int pair[2];
        sd_id128_t id;

        W = calloc(1, sizeof(*W));
        assert_non_null(W);
        strcpy(W->dir, "/tmp/test-bus-XXXXXX");
        assert_non_null(mkdtemp(W->dir));
        snprintf(W->sysfs, sizeof(W->sysfs), "%s/sys", W->dir);
        snprintf(W->policy, sizeof(W->policy), "%s/lfa.d", W->dir);
        snprintf(W->state, sizeof(W->state), "%s/state", W->dir);
        assert_int_equal(mkdir(W->sysfs, 0755), 0);
        assert_int_equal(mkdir(W->policy, 0755), 0);

        snprintf(path, sizeof(path), "%s/version", W->sysfs);
        write_file(path, "1.0\n");
        snprintf(path, sizeof(path), "%s/refresh", W->sysfs);
        write_file(path, "");
        component_make(RMM, "TF-RMM", true, true, false, true, "1.2", "1.3", 0);
        component_make(BL31, "TF-A BL31 runtime", true, true, true, true, "2.0", "2.1", 1);
        component_make(BMC, "bmc", true, false, false, false, "4.1", "N/A", 2);
        component_make(DEAD, DEAD, false, true, false, true, "N/A", "0.9", 3);

        snprintf(path, sizeof(path), "%s/50-test.conf", W->policy);
        write_file(path, "[Component " RMM "]\nAutoActivate=window\n");

        char *dirs[] = { W->policy, NULL };
        ManagerConfig config = {
                .policy_dirs = dirs,
                .state_dir = W->state,
                .sysfs_root = W->sysfs,
                .module_root = W->dir,         /* no lfa, no lfa_fw */
                .job_write = fake_driver_write,
        };

        assert_int_equal(sd_event_new(&W->event), 0);
        assert_int_equal(manager_new(W->event, &config, &W->manager), 0);
        assert_int_equal(manager_start(W->manager), 0);

        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
        assert_int_equal(sd_id128_randomize(&id), 0);

        assert_int_equal(sd_bus_new(&W->server), 0);
        assert_int_equal(sd_bus_set_fd(W->server, pair[0], pair[0]), 0);
        assert_int_equal(sd_bus_set_server(W->server, 1, id), 0);
        assert_int_equal(sd_bus_negotiate_fds(W->server, 1), 0);
        assert_int_equal(sd_bus_start(W->server), 0);
        assert_int_equal(bus_attach(W->manager, W->server, &W->bus), 0);

        assert_int_equal(sd_bus_new(&W->client), 0);
        assert_int_equal(sd_bus_set_fd(W->client, pair[1], pair[1]), 0);
        assert_int_equal(sd_bus_negotiate_fds(W->client, 1), 0);
        assert_int_equal(sd_bus_start(W->client), 0);
        assert_int_equal(sd_bus_attach_event(W->client, W->event, 0), 0);
        assert_true(sd_bus_add_match(W->client, NULL, "type='signal'", on_signal, NULL) >= 0);
        return 0;
}

static int teardown(void **state _unused_) {
        char cmd[128];

        signals_clear();
        fake_driver_release_all();
        W->client = sd_bus_flush_close_unref(W->client);
        W->bus = bus_shutdown(W->bus);
        W->server = sd_bus_unref(W->server);
        W->manager = manager_free(W->manager);
        W->event = sd_event_unref(W->event);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", W->dir);
        assert_int_equal(system(cmd), 0);
        free(W);
        W = NULL;
        return 0;
}

/* Driving the loop and the client. */

static void run_until(bool (*done)(void *), void *userdata) {
        uint64_t start, now;

        assert_true(sd_event_now(W->event, CLOCK_MONOTONIC, &start) >= 0);
        while (!done(userdata)) {
                assert_true(sd_event_run(W->event, 100 * USEC_PER_MSEC) >= 0);
                assert_true(sd_event_now(W->event, CLOCK_MONOTONIC, &now) >= 0);
                if (now - start > WAIT_USEC)
                        fail_msg("timed out waiting on the event loop");
        }
}

static void run_idle(void) {
        for (int i = 0; i < 20; i++)
                assert_true(sd_event_run(W->event, 5 * USEC_PER_MSEC) >= 0);
}

typedef struct Call {
        sd_bus_message *reply;
        bool done;
} Call;

static int on_reply(sd_bus_message *m, void *userdata, sd_bus_error *e _unused_) {
        Call *c = userdata;

        c->reply = sd_bus_message_ref(m);
        c->done = true;
        return 0;
}

static bool call_done(void *userdata) {
        return ((Call *) userdata)->done;
}

static void call_start(Call *c, const char *path, const char *iface, const char *method,
                       const char *types, ...) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        va_list ap;

        *c = (Call) {};
        assert_int_equal(sd_bus_message_new_method_call(W->client, &m, NULL, path, iface, method), 0);
        if (types) {
                va_start(ap, types);
                assert_true(sd_bus_message_appendv(m, types, ap) >= 0);
                va_end(ap);
        }
        assert_true(sd_bus_call_async(W->client, NULL, m, on_reply, c, 60 * USEC_PER_SEC) >= 0);
}

static sd_bus_message *call_wait(Call *c) {
        run_until(call_done, c);
        return c->reply;
}

#define CALL(method, ...) ({                                                            \
                Call _c;                                                                \
                call_start(&_c, MANAGER_PATH, MANAGER_IFACE, method, __VA_ARGS__);      \
                call_wait(&_c);                                                         \
        })

static void assert_ok(sd_bus_message *reply) {
        const sd_bus_error *e = sd_bus_message_get_error(reply);

        if (e)
                fail_msg("unexpected error %s: %s", e->name, e->message);
}

static void assert_error(sd_bus_message *reply, const char *name, const char *text) {
        const sd_bus_error *e = sd_bus_message_get_error(reply);

        assert_non_null(e);
        if (strcmp(e->name, name) != 0)
                fail_msg("expected %s, got %s: %s", name, e->name, e->message);
        if (text && !strstr(e->message, text))
                fail_msg("%s: '%s' does not mention '%s'", e->name, e->message, text);
}

static sd_bus_message *get_property(const char *path, const char *iface, const char *name,
                                    const char *type) {
        sd_bus_message *reply = NULL;
        Call c;

        call_start(&c, path, "org.freedesktop.DBus.Properties", "Get", "ss", iface, name);
        reply = call_wait(&c);
        assert_ok(reply);
        assert_true(sd_bus_message_enter_container(reply, 'v', type) > 0);
        return reply;
}

static void assert_property_s(const char *path, const char *iface, const char *name,
                              const char *expected) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *r = get_property(path, iface, name, "s");
        const char *s;

        assert_true(sd_bus_message_read(r, "s", &s) > 0);
        if (strcmp(s, expected) != 0)
                fail_msg("%s.%s is '%s', expected '%s'", iface, name, s, expected);
}

static void assert_property_b(const char *path, const char *iface, const char *name, bool expected) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *r = get_property(path, iface, name, "b");
        int b;

        assert_true(sd_bus_message_read(r, "b", &b) > 0);
        assert_int_equal(!!b, expected);
}

static uint64_t property_t(const char *path, const char *iface, const char *name) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *r = get_property(path, iface, name, "t");
        uint64_t t;

        assert_true(sd_bus_message_read(r, "t", &t) > 0);
        return t;
}

static char *component_path(const char *uuid) {
        static char buf[256];
        char *p = NULL;

        assert_int_equal(bus_component_path(uuid, &p), 0);
        snprintf(buf, sizeof(buf), "%s", p);
        free(p);
        return buf;
}

static sd_bus_message *find_signal(const char *member, const char *arg0) {
        for (size_t i = 0; i < W->n_signals; i++) {
                sd_bus_message *m = W->signals[i];
                const char *s;

                if (strcmp(sd_bus_message_get_member(m), member) != 0)
                        continue;
                assert_true(sd_bus_message_rewind(m, true) >= 0);
                if (arg0 && (sd_bus_message_read_basic(m, sd_bus_message_get_signature(m, true)[0], &s) <= 0 ||
                             strcmp(s, arg0) != 0))
                        continue;
                assert_true(sd_bus_message_rewind(m, true) >= 0);
                return m;
        }
        return NULL;
}

/* Whether PropertiesChanged for path named property. */
static bool saw_changed(const char *path, const char *property) {
        for (size_t i = 0; i < W->n_signals; i++) {
                sd_bus_message *m = W->signals[i];
                const char *iface, *name;

                if (strcmp(sd_bus_message_get_member(m), "PropertiesChanged") != 0 ||
                    strcmp(sd_bus_message_get_path(m), path) != 0)
                        continue;
                assert_true(sd_bus_message_rewind(m, true) >= 0);
                assert_true(sd_bus_message_read(m, "s", &iface) > 0);
                assert_true(sd_bus_message_enter_container(m, 'a', "{sv}") > 0);
                while (sd_bus_message_enter_container(m, 'e', "sv") > 0) {
                        assert_true(sd_bus_message_read(m, "s", &name) > 0);
                        if (strcmp(name, property) == 0)
                                return true;
                        assert_true(sd_bus_message_skip(m, "v") >= 0);
                        assert_true(sd_bus_message_exit_container(m) >= 0);
                }
                assert_true(sd_bus_message_exit_container(m) >= 0);
                /* Properties sent without their value. */
                assert_true(sd_bus_message_enter_container(m, 'a', "s") > 0);
                while (sd_bus_message_read(m, "s", &name) > 0)
                        if (strcmp(name, property) == 0)
                                return true;
        }
        return false;
}

/* The driver's side of an activation. */

static bool control_written(void *userdata) {
        const char **a = userdata;

        return strcmp(attr_get(a[0], a[1]), "1") == 0;
}

static void wait_control(const char *uuid, const char *file) {
        const char *a[] = { uuid, file };

        run_until(control_written, a);
}

static void driver_activated(const char *uuid, const char *version) {
        attr_set(uuid, "activation_pending", "0");
        attr_set(uuid, "current_version", version);
        attr_set(uuid, "pending_version", "N/A");
        attr_set(uuid, "activate", "");
        manager_handle_uevent(W->manager, "change", uuid, "activated", NULL, "activate");
        fake_driver_end(0);
}

static void driver_failed(const char *uuid, const char *file, const char *last_error,
                          const char *errname) {
        attr_set(uuid, "last_error", last_error);
        attr_set(uuid, file, "");
        manager_handle_uevent(W->manager, "change", uuid, "failed", errname, "activate");
        fake_driver_end(-errno_from_name(errname));
}

static bool manager_idle(void *userdata _unused_) {
        return manager_get_state(W->manager, NULL) == MANAGER_STATE_IDLE;
}

/* The tests. */

static void test_manager_properties(void **state _unused_) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *files = NULL, *inh = NULL, *pc = NULL;
        const char *f;
        char expected[256];
        uint32_t n;

        assert_property_s(MANAGER_PATH, MANAGER_IFACE, "Version", LFA_VERSION);
        assert_property_s(MANAGER_PATH, MANAGER_IFACE, "AbiVersion", "1.0");
        assert_property_s(MANAGER_PATH, MANAGER_IFACE, "DriverAbi", "extended");
        assert_property_s(MANAGER_PATH, MANAGER_IFACE, "DriverModule", "");
        assert_int_equal(property_t(MANAGER_PATH, MANAGER_IFACE, "PollIntervalUSec"), 0);
        {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *feat =
                        get_property(MANAGER_PATH, MANAGER_IFACE, "DriverFeatures", "as");
                static const char *const want[] = { "prime", "cancel-priming", "state", "last-error",
                                                    "seq-id", "refresh", "component-uevents" };
                const char *name;

                assert_true(sd_bus_message_enter_container(feat, 'a', "s") > 0);
                for (size_t i = 0; i < ELEMENTSOF(want); i++) {
                        assert_true(sd_bus_message_read(feat, "s", &name) > 0);
                        assert_string_equal(name, want[i]);
                }
                assert_int_equal(sd_bus_message_read(feat, "s", &name), 0);
        }
        assert_property_s(MANAGER_PATH, MANAGER_IFACE, "State", "idle");
        assert_property_s(MANAGER_PATH, MANAGER_IFACE, "ActiveComponent", "");

        pc = get_property(MANAGER_PATH, MANAGER_IFACE, "PendingCount", "u");
        assert_true(sd_bus_message_read(pc, "u", &n) > 0);
        assert_int_equal(n, manager_pending_count(W->manager));
        assert_true(n >= 1);

        files = get_property(MANAGER_PATH, MANAGER_IFACE, "PolicyFiles", "as");
        assert_true(sd_bus_message_enter_container(files, 'a', "s") > 0);
        assert_true(sd_bus_message_read(files, "s", &f) > 0);
        snprintf(expected, sizeof(expected), "%s/50-test.conf", W->policy);
        assert_string_equal(f, expected);
        assert_int_equal(sd_bus_message_read(files, "s", &f), 0);

        assert_true(property_t(MANAGER_PATH, MANAGER_IFACE, "PolicyLoadedUSec") > 0);
        assert_property_s(MANAGER_PATH, MANAGER_IFACE, "PolicyError", "");

        inh = get_property(MANAGER_PATH, MANAGER_IFACE, "Inhibitors", "a(ss)");
        assert_true(sd_bus_message_enter_container(inh, 'a', "(ss)") > 0);
        assert_int_equal(sd_bus_message_enter_container(inh, 'r', "ss"), 0);
}

static void test_component_properties(void **state _unused_) {
        const char *p = component_path(RMM);
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *seq = NULL;
        uint64_t s;

        assert_property_s(p, "org.lfa.Component", "Uuid", RMM);
        assert_property_s(p, "org.lfa.Component", "Name", "TF-RMM");
        seq = get_property(p, "org.lfa.Component", "SeqId", "t");
        assert_true(sd_bus_message_read(seq, "t", &s) > 0);
        assert_int_equal(s, 0);
        assert_property_s(p, "org.lfa.Component", "CurrentVersion", "1.2");
        assert_property_s(p, "org.lfa.Component", "PendingVersion", "1.3");
        assert_property_b(p, "org.lfa.Component", "ActivationCapable", true);
        assert_property_b(p, "org.lfa.Component", "ActivationPending", true);
        assert_property_b(p, "org.lfa.Component", "MayResetCpu", false);
        assert_property_b(p, "org.lfa.Component", "CpuRendezvous", true);
        assert_property_b(p, "org.lfa.Component", "ForceCpuRendezvous", true);
        assert_property_b(p, "org.lfa.Component", "KernelAutoActivate", false);
        assert_property_s(p, "org.lfa.Component", "KernelOverride", "");
        assert_property_s(p, "org.lfa.Component", "State", "idle");
        assert_property_s(p, "org.lfa.Component", "ParseError", "");
        assert_property_s(p, "org.lfa.Component", "Decision", "window");
        assert_property_s(p, "org.lfa.Component", "LastResult", "");
        assert_int_equal(property_t(p, "org.lfa.Component", "LastResultUSec"), 0);
        assert_property_s(p, "org.lfa.Component", "LastError", "");

        p = component_path(BL31);
        assert_property_b(p, "org.lfa.Component", "MayResetCpu", true);
        assert_property_s(p, "org.lfa.Component", "Decision", "refused");
        p = component_path(BMC);
        assert_property_s(p, "org.lfa.Component", "PendingVersion", "N/A");
        assert_property_b(p, "org.lfa.Component", "CpuRendezvous", false);
        assert_property_s(p, "org.lfa.Component", "Decision", "nothing-pending");
}

static void test_component_garbage_attribute(void **state _unused_) {
        attr_set(BMC, "seq_id", "banana");
        assert_int_equal(manager_resync(W->manager), 0);
        run_idle();
        /* Still served, with the reason; the others are untouched. */
        {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *r =
                        get_property(component_path(BMC), "org.lfa.Component", "ParseError", "s");
                const char *s;

                assert_true(sd_bus_message_read(r, "s", &s) > 0);
                assert_non_null(strstr(s, "seq_id"));
        }
        assert_true(saw_changed(component_path(BMC), "ParseError"));
        assert_property_s(component_path(RMM), "org.lfa.Component", "ParseError", "");
}

static void test_list_and_get(void **state _unused_) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *list = NULL, *get = NULL, *bad = NULL,
                                                        *unknown = NULL;
        const char *uuid, *name, *path, *order[] = { BMC, BL31, RMM, DEAD };
        size_t n = 0;

        list = CALL("ListComponents", NULL);
        assert_ok(list);
        assert_true(sd_bus_message_enter_container(list, 'a', "(sso)") > 0);
        while (sd_bus_message_read(list, "(sso)", &uuid, &name, &path) > 0) {
                assert_true(n < ELEMENTSOF(order));
                assert_string_equal(uuid, order[n]);
                assert_string_equal(path, component_path(order[n]));
                n++;
        }
        assert_int_equal(n, 4);

        /* Any case in, lowercase out. */
        get = CALL("GetComponent", "s", "6C0762A6-12F2-4B56-92CB-BA8F633606D9");
        assert_ok(get);
        assert_true(sd_bus_message_read(get, "o", &path) > 0);
        assert_string_equal(path, component_path(RMM));

        bad = CALL("GetComponent", "s", "6c0762a6-12f2-4b56-92cb");
        assert_error(bad, SD_BUS_ERROR_INVALID_ARGS, "Invalid UUID");
        unknown = CALL("GetComponent", "s", NEW);
        assert_error(unknown, LFA_ERROR_NOT_FOUND, NEW);
}

static void test_object_manager(void **state _unused_) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *r = NULL;
        Call c;
        const char *path;
        size_t n = 0;

        call_start(&c, MANAGER_PATH, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", NULL);
        r = call_wait(&c);
        assert_ok(r);
        assert_true(sd_bus_message_enter_container(r, 'a', "{oa{sa{sv}}}") > 0);
        while (sd_bus_message_enter_container(r, 'e', "oa{sa{sv}}") > 0) {
                assert_true(sd_bus_message_read(r, "o", &path) > 0);
                assert_true(strncmp(path, BUS_COMPONENT_PREFIX "/", strlen(BUS_COMPONENT_PREFIX) + 1) == 0);
                assert_true(sd_bus_message_skip(r, "a{sa{sv}}") >= 0);
                assert_true(sd_bus_message_exit_container(r) >= 0);
                n++;
        }
        assert_int_equal(n, 4);

        /* A component appears, then vanishes: InterfacesAdded/Removed. */
        component_make(NEW, "new", true, false, false, true, "1.0", "N/A", 4);
        assert_int_equal(manager_resync(W->manager), 0);
        run_idle();
        assert_non_null(find_signal("InterfacesAdded", NULL));
        assert_property_s(component_path(NEW), "org.lfa.Component", "Name", "new");

        {
                char cmd[300];

                snprintf(cmd, sizeof(cmd), "rm -rf '%s/%s'", W->sysfs, NEW);
                assert_int_equal(system(cmd), 0);
        }
        assert_int_equal(manager_resync(W->manager), 0);
        run_idle();
        assert_non_null(find_signal("InterfacesRemoved", NULL));
        {
                Call g;
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *gone = NULL;

                call_start(&g, component_path(NEW), "org.freedesktop.DBus.Properties", "Get", "ss",
                           "org.lfa.Component", "Name");
                gone = call_wait(&g);
                assert_non_null(sd_bus_message_get_error(gone));
        }
}

static void test_activate(void **state _unused_) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *r = NULL, *hist = NULL;
        sd_bus_message *sig;
        const char *version, *s;
        Call c;

        call_start(&c, MANAGER_PATH, MANAGER_IFACE, "Activate", "sa{sv}", RMM, 1, "rendezvous", "s",
                   "force");
        wait_control(RMM, "activate");
        assert_string_equal(attr_get(RMM, "force_cpu_rendezvous"), "1");
        run_idle();
        assert_property_s(MANAGER_PATH, MANAGER_IFACE, "State", "activating");
        assert_property_s(MANAGER_PATH, MANAGER_IFACE, "ActiveComponent", RMM);
        assert_false(c.done); /* the reply waits for the end of the activation */

        driver_activated(RMM, "1.3");
        r = call_wait(&c);
        assert_ok(r);
        assert_true(sd_bus_message_read(r, "s", &version) > 0);
        assert_string_equal(version, "1.3");

        sig = find_signal("ActivationStarted", RMM);
        assert_non_null(sig);
        sig = find_signal("ActivationFinished", RMM);
        assert_non_null(sig);
        assert_true(sd_bus_message_skip(sig, "sos") >= 0);
        assert_true(sd_bus_message_read(sig, "s", &s) > 0);
        assert_string_equal(s, "manual");
        assert_true(sd_bus_message_read(sig, "s", &s) > 0);
        assert_string_equal(s, "success");

        run_idle();
        assert_true(saw_changed(component_path(RMM), "CurrentVersion"));
        assert_true(saw_changed(component_path(RMM), "LastResult"));
        assert_true(saw_changed(MANAGER_PATH, "State"));
        assert_property_s(component_path(RMM), "org.lfa.Component", "LastResult", "success");
        assert_true(property_t(component_path(RMM), "org.lfa.Component", "LastResultUSec") > 0);
        assert_property_s(MANAGER_PATH, MANAGER_IFACE, "State", "idle");

        hist = CALL("History", "u", 0);
        assert_ok(hist);
        {
                const char *uuid, *name, *action, *trigger, *before, *after, *result, *err;
                uint64_t start, duration;
                int rv;

                assert_true(sd_bus_message_enter_container(hist, 'a', "(ssssssbttss)") > 0);
                assert_true(sd_bus_message_read(hist, "(ssssssbttss)", &uuid, &name, &action, &trigger,
                                                &before, &after, &rv, &start, &duration, &result,
                                                &err) > 0);
                assert_string_equal(uuid, RMM);
                assert_string_equal(action, "activate");
                assert_string_equal(trigger, "manual");
                assert_string_equal(before, "1.2");
                assert_string_equal(after, "1.3");
                assert_true(rv);
                assert_true(start > 0);
                assert_string_equal(result, "success");
                assert_string_equal(err, "");
        }
}

static void test_activate_refused(void **state _unused_) {
        static const struct {
                const char *uuid, *key, *type, *value, *error, *text;
        } cases[] = {
                { BL31, NULL, NULL, NULL, LFA_ERROR_MAY_RESET_CPU, NULL },
                { BMC, NULL, NULL, NULL, LFA_ERROR_NOT_PENDING, NULL },
                { DEAD, NULL, NULL, NULL, LFA_ERROR_NOT_CAPABLE, NULL },
                { NEW, NULL, NULL, NULL, LFA_ERROR_NOT_FOUND, NULL },
                { "not-a-uuid", NULL, NULL, NULL, SD_BUS_ERROR_INVALID_ARGS, "not-a-uuid" },
                { RMM, "rendezvous", "s", "skip", LFA_ERROR_RENDEZVOUS_REQUIRED, NULL },
                { RMM, "rendezvous", "s", "sometimes", SD_BUS_ERROR_INVALID_ARGS, "sometimes" },
                { RMM, "rendezvous", "b", NULL, SD_BUS_ERROR_INVALID_ARGS, "must be a string" },
                { RMM, "hurry", "s", "yes", SD_BUS_ERROR_INVALID_ARGS, "hurry" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *r = NULL;

                if (!cases[i].key)
                        r = CALL("Activate", "sa{sv}", cases[i].uuid, 0);
                else if (strcmp(cases[i].type, "b") == 0)
                        r = CALL("Activate", "sa{sv}", cases[i].uuid, 1, cases[i].key, "b", 1);
                else
                        r = CALL("Activate", "sa{sv}", cases[i].uuid, 1, cases[i].key, "s",
                                 cases[i].value);
                assert_error(r, cases[i].error, cases[i].text);
        }
        /* Nothing was started. */
        assert_string_equal(attr_get(RMM, "activate"), "");
        assert_property_s(MANAGER_PATH, MANAGER_IFACE, "State", "idle");
}

static void test_activate_busy_and_firmware_error(void **state _unused_) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *busy = NULL, *busy2 = NULL, *r = NULL;
        sd_bus_message *sig;
        const char *s;
        Call c;

        call_start(&c, MANAGER_PATH, MANAGER_IFACE, "Activate", "sa{sv}", RMM, 0);
        wait_control(RMM, "activate");

        busy = CALL("Activate", "sa{sv}", RMM, 0);
        assert_error(busy, LFA_ERROR_BUSY, NULL);
        busy2 = CALL("Prime", "s", RMM);
        assert_error(busy2, LFA_ERROR_BUSY, NULL);

        driver_failed(RMM, "activate", "EKEYREJECTED AUTH_ERROR -3 PRIME", "EKEYREJECTED");
        r = call_wait(&c);
        assert_error(r, LFA_ERROR_FIRMWARE_ERROR, "AUTH_ERROR");
        assert_error(r, LFA_ERROR_FIRMWARE_ERROR, "EKEYREJECTED");

        sig = find_signal("ActivationFinished", RMM);
        assert_non_null(sig);
        assert_true(sd_bus_message_skip(sig, "soss") >= 0);
        assert_true(sd_bus_message_read(sig, "s", &s) > 0);
        assert_string_equal(s, "failed");
        assert_true(sd_bus_message_read(sig, "s", &s) > 0);
        assert_string_equal(s, LFA_ERROR_FIRMWARE_ERROR);

        run_idle();
        assert_property_s(component_path(RMM), "org.lfa.Component", "LastResult", "failed");
        assert_property_s(component_path(RMM), "org.lfa.Component", "LastError",
                          "EKEYREJECTED AUTH_ERROR -3 PRIME");
}

static void test_cancel(void **state _unused_) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *cancel = NULL, *r = NULL, *unknown = NULL;
        Call c;

        call_start(&c, MANAGER_PATH, MANAGER_IFACE, "Activate", "sa{sv}", RMM, 0);
        wait_control(RMM, "activate");
        attr_set(RMM, "state", "priming");

        cancel = CALL("Cancel", "s", RMM);
        assert_ok(cancel);
        assert_string_equal(attr_get(RMM, "cancel"), "1");

        attr_set(RMM, "state", "idle");
        driver_failed(RMM, "activate", "ECANCELED NONE 0 PRIME", "ECANCELED");
        r = call_wait(&c);
        assert_error(r, LFA_ERROR_CANCELLED, NULL);

        unknown = CALL("Cancel", "s", NEW);
        assert_error(unknown, LFA_ERROR_NOT_FOUND, NULL);
}

static void test_prime(void **state _unused_) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *r = NULL, *refused = NULL;
        Call c;

        refused = CALL("Prime", "s", BL31);
        assert_error(refused, LFA_ERROR_MAY_RESET_CPU, NULL);

        call_start(&c, MANAGER_PATH, MANAGER_IFACE, "Prime", "s", RMM);
        wait_control(RMM, "prime");
        assert_string_equal(attr_get(RMM, "activate"), "");
        assert_false(c.done);
        attr_set(RMM, "state", "primed");
        attr_set(RMM, "prime", "");
        manager_handle_uevent(W->manager, "change", RMM, "primed", NULL, "prime");
        fake_driver_end(0);
        r = call_wait(&c);
        assert_ok(r);
        run_idle();
        assert_property_s(component_path(RMM), "org.lfa.Component", "State", "primed");
}

static void test_activate_pending(void **state _unused_) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *r = NULL, *again = NULL;
        const char *uuid, *result, *error;
        Call c;

        call_start(&c, MANAGER_PATH, MANAGER_IFACE, "ActivatePending", NULL);
        wait_control(RMM, "activate");
        driver_activated(RMM, "1.3");
        r = call_wait(&c);
        assert_ok(r);
        assert_true(sd_bus_message_enter_container(r, 'a', "(sss)") > 0);
        assert_true(sd_bus_message_read(r, "(sss)", &uuid, &result, &error) > 0);
        assert_string_equal(uuid, RMM);
        assert_string_equal(result, "success");
        assert_string_equal(error, "");
        /* Only the window component: BL31 and DEAD stay untouched. */
        assert_int_equal(sd_bus_message_read(r, "(sss)", &uuid, &result, &error), 0);
        assert_string_equal(attr_get(BL31, "activate"), "");
        assert_string_equal(attr_get(DEAD, "activate"), "");

        /* Nothing left: an empty answer at once. */
        again = CALL("ActivatePending", NULL);
        assert_ok(again);
        assert_true(sd_bus_message_enter_container(again, 'a', "(sss)") > 0);
        assert_int_equal(sd_bus_message_read(again, "(sss)", &uuid, &result, &error), 0);
}

static void test_activate_pending_failure(void **state _unused_) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *r = NULL;
        Call c;

        call_start(&c, MANAGER_PATH, MANAGER_IFACE, "ActivatePending", NULL);
        wait_control(RMM, "activate");
        driver_failed(RMM, "activate", "EIO DEVICE_ERROR -6 ACTIVATE", "EIO");
        r = call_wait(&c);
        assert_error(r, LFA_ERROR_FIRMWARE_ERROR, RMM);
        assert_error(r, LFA_ERROR_FIRMWARE_ERROR, "1 of 1");
}

/* lfad stops while callers wait: each is told, and the outcome that comes
 * after reaches no freed call (bus_shutdown() cancelled their requests;
 * ASan and memcheck would see a callback into one). The job and the window
 * run go on. */
static void shutdown_while_waiting(Call *c) {
        wait_control(RMM, "activate");
        W->bus = bus_shutdown(W->bus);
        assert_error(call_wait(c), LFA_ERROR_CANCELLED, "shutting down");
        driver_activated(RMM, "1.3");
        run_until(manager_idle, NULL);
        run_idle();
        assert_string_equal(attr_get(RMM, "current_version"), "1.3");
        /* The window run ended: another starts, with nothing left. */
        assert_int_equal(manager_activate_pending(W->manager, NULL, NULL, NULL), 0);
        sd_bus_message_unref(c->reply);
}

static void test_shutdown_with_activate_waiting(void **state _unused_) {
        Call c;

        call_start(&c, MANAGER_PATH, MANAGER_IFACE, "Activate", "sa{sv}", RMM, 0);
        shutdown_while_waiting(&c);
}

static void test_shutdown_with_window_waiting(void **state _unused_) {
        Call c;

        call_start(&c, MANAGER_PATH, MANAGER_IFACE, "ActivatePending", NULL);
        shutdown_while_waiting(&c);
}

static void test_reload_policy(void **state _unused_) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *bad = NULL, *good = NULL, *plan = NULL;
        char path[256], where[300];

        snprintf(path, sizeof(path), "%s/60-broken.conf", W->policy);
        write_file(path, "[Defaults]\nAutoActivate=sometimes\n");
        bad = CALL("ReloadPolicy", NULL);
        snprintf(where, sizeof(where), "%s:2", path);
        assert_error(bad, LFA_ERROR_INVALID_POLICY, where);
        /* The last good policy stays. */
        assert_property_s(component_path(RMM), "org.lfa.Component", "Decision", "window");

        write_file(path, "[Component " RMM "]\nAutoActivate=never\n");
        signals_clear();
        good = CALL("ReloadPolicy", NULL);
        assert_ok(good);
        run_idle();
        assert_property_s(component_path(RMM), "org.lfa.Component", "Decision", "never");
        assert_true(saw_changed(component_path(RMM), "Decision"));
        assert_true(saw_changed(MANAGER_PATH, "PolicyFiles"));

        plan = CALL("Plan", NULL);
        assert_ok(plan);
}

static void test_plan(void **state _unused_) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *r = NULL;
        static const char *const expected[][2] = {
                { BMC, "nothing-pending" },
                { BL31, "refused" },
                { RMM, "window" },
                { DEAD, "refused" },
        };
        const char *uuid, *name, *decision, *reason;
        size_t n = 0;

        r = CALL("Plan", NULL);
        assert_ok(r);
        assert_true(sd_bus_message_enter_container(r, 'a', "(ssss)") > 0);
        while (sd_bus_message_read(r, "(ssss)", &uuid, &name, &decision, &reason) > 0) {
                assert_true(n < ELEMENTSOF(expected));
                assert_string_equal(uuid, expected[n][0]);
                assert_string_equal(decision, expected[n][1]);
                assert_true(reason[0] != '\0');
                n++;
        }
        assert_int_equal(n, ELEMENTSOF(expected));
        /* A dry run: nothing written. */
        assert_string_equal(attr_get(RMM, "activate"), "");
}

static bool no_inhibitors(void *userdata _unused_) {
        return inhibitor_registry_count(manager_get_inhibitors(W->manager)) == 0;
}

static void test_inhibit(void **state _unused_) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *r = NULL, *inh = NULL, *empty = NULL,
                                                        *ctl = NULL;
        const char *who, *reason;
        int fd;

        r = CALL("Inhibit", "ss", "db", "checkpoint running");
        assert_ok(r);
        assert_true(sd_bus_message_read(r, "h", &fd) > 0);
        fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        assert_true(fd >= 0);
        sd_bus_message_unref(TAKE_PTR(r));

        inh = get_property(MANAGER_PATH, MANAGER_IFACE, "Inhibitors", "a(ss)");
        assert_true(sd_bus_message_enter_container(inh, 'a', "(ss)") > 0);
        assert_true(sd_bus_message_read(inh, "(ss)", &who, &reason) > 0);
        assert_string_equal(who, "db");
        assert_string_equal(reason, "checkpoint running");
        assert_true(saw_changed(MANAGER_PATH, "Inhibitors"));

        signals_clear();
        assert_int_equal(close(fd), 0);
        run_until(no_inhibitors, NULL);
        run_idle();
        assert_true(saw_changed(MANAGER_PATH, "Inhibitors"));

        empty = CALL("Inhibit", "ss", "", "no one");
        assert_error(empty, SD_BUS_ERROR_INVALID_ARGS, "who");
        ctl = CALL("Inhibit", "ss", "x", "line\nbreak");
        assert_error(ctl, SD_BUS_ERROR_INVALID_ARGS, "control character");
}

static void test_refresh(void **state _unused_) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *r = NULL;

        attr_set(BMC, "activation_pending", "1");
        attr_set(BMC, "pending_version", "4.2");
        r = CALL("Refresh", NULL);
        assert_ok(r);
        assert_string_equal(attr_get(NULL, "refresh"), "1");
        run_idle();
        assert_property_b(component_path(BMC), "org.lfa.Component", "ActivationPending", true);
        assert_property_s(component_path(BMC), "org.lfa.Component", "PendingVersion", "4.2");
        assert_true(saw_changed(component_path(BMC), "PendingVersion"));
        assert_true(saw_changed(MANAGER_PATH, "PendingCount"));
}

static void test_history_empty(void **state _unused_) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *r = NULL;

        r = CALL("History", "u", 10);
        assert_ok(r);
        assert_true(sd_bus_message_enter_container(r, 'a', "(ssssssbttss)") > 0);
        assert_int_equal(sd_bus_message_skip(r, "(ssssssbttss)"), 0);
}

static void test_introspection(void **state _unused_) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *r = NULL, *root = NULL;
        const char *xml;
        Call c;

        call_start(&c, MANAGER_PATH, "org.freedesktop.DBus.Introspectable", "Introspect", NULL);
        r = call_wait(&c);
        assert_ok(r);
        assert_true(sd_bus_message_read(r, "s", &xml) > 0);
        assert_non_null(strstr(xml, "<interface name=\"org.lfa.Manager\">"));
        assert_non_null(strstr(xml, "<interface name=\"org.freedesktop.DBus.ObjectManager\">"));
        assert_non_null(strstr(xml, "<arg type=\"a{sv}\" name=\"options\" direction=\"in\"/>"));

        call_start(&c, BUS_COMPONENT_PREFIX, "org.freedesktop.DBus.Introspectable", "Introspect", NULL);
        root = call_wait(&c);
        assert_ok(root);
        assert_true(sd_bus_message_read(root, "s", &xml) > 0);
        assert_non_null(strstr(xml, "<node name=\"_36c0762a6_2d12f2_2d4b56_2d92cb_2dba8f633606d9\"/>"));
}

/* Authorization: one table says who may call what (bus_method_access());
 * every method goes through it, and one without an entry is refused. */

static void assert_vtable_in_table(const char *interface, const sd_bus_vtable *vtable) {
        size_t n = 0;

        for (const sd_bus_vtable *v = vtable; v->type != _SD_BUS_VTABLE_END; v++) {
                const char *action;

                /* A setter would bypass the table, which covers methods. */
                if (v->type == _SD_BUS_VTABLE_WRITABLE_PROPERTY)
                        fail_msg("%s.%s is writable: no table entry can authorize it", interface,
                                 v->x.property.member);
                if (v->type != _SD_BUS_VTABLE_METHOD)
                        continue;
                if (bus_method_access(interface, v->x.method.member, &action) < 0)
                        fail_msg("%s.%s() has no entry in the authorization table", interface,
                                 v->x.method.member);
                n++;
        }
        /* The walk saw the methods (org.lfa.Component has none yet). */
        if (strcmp(interface, MANAGER_IFACE) == 0)
                assert_int_equal(n, 11);
}

static void assert_access(const char *interface, const char *member, const char *expected) {
        const char *action = "unset";

        assert_int_equal(bus_method_access(interface, member, &action), 0);
        if (!expected)
                assert_null(action);
        else
                assert_string_equal(action, expected);
}

static void test_authorization_table(void **state _unused_) {
        const char *action;

        assert_vtable_in_table(MANAGER_IFACE, bus_manager_vtable);
        assert_vtable_in_table("org.lfa.Component", bus_component_vtable);

        /* As lfad(8) and org.lfa.Manager.xml say. */
        assert_access(MANAGER_IFACE, "ListComponents", NULL);
        assert_access(MANAGER_IFACE, "GetComponent", NULL);
        assert_access(MANAGER_IFACE, "Plan", NULL);
        assert_access(MANAGER_IFACE, "History", NULL);
        assert_access(MANAGER_IFACE, "Refresh", NULL);
        assert_access(MANAGER_IFACE, "Activate", "org.lfa.activate");
        assert_access(MANAGER_IFACE, "ActivatePending", "org.lfa.activate");
        assert_access(MANAGER_IFACE, "Cancel", "org.lfa.activate");
        assert_access(MANAGER_IFACE, "Prime", "org.lfa.activate");
        assert_access(MANAGER_IFACE, "Inhibit", "org.lfa.inhibit");
        assert_access(MANAGER_IFACE, "ReloadPolicy", "org.lfa.manage-policy");

        /* Entries are per interface; anything else has none. */
        assert_int_equal(bus_method_access(MANAGER_IFACE, "Nope", &action), -ENOENT);
        assert_int_equal(bus_method_access("org.lfa.Component", "Activate", &action), -ENOENT);
        assert_int_equal(bus_method_access(NULL, "Activate", &action), -ENOENT);
}

static unsigned test_handler_calls;

static int method_counted(sd_bus_message *m, void *userdata _unused_, sd_bus_error *e _unused_) {
        test_handler_calls++;
        return sd_bus_reply_method_return(m, NULL);
}

static const sd_bus_vtable test_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("ListComponents", "", "", method_counted, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("Unlisted", "", "", method_counted, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END
};

/* Calls path's interface.method and returns its reply; *log gets what lfad
 * logged meanwhile (stderr). */
static sd_bus_message *call_logged(const char *path, const char *iface, const char *method, char **log) {
        char file[] = "/tmp/test-bus-log-XXXXXX";
        sd_bus_message *reply;
        int fd, saved;
        Call c;

        fd = mkstemp(file);
        assert_true(fd >= 0);
        assert_int_equal(unlink(file), 0);
        fflush(stderr);
        saved = dup(STDERR_FILENO);
        assert_true(saved >= 0);
        assert_true(dup2(fd, STDERR_FILENO) >= 0);

        call_start(&c, path, iface, method, NULL);
        reply = call_wait(&c);

        fflush(stderr);
        assert_true(dup2(saved, STDERR_FILENO) >= 0);
        close(saved);
        *log = calloc(1, 4096);
        assert_non_null(*log);
        assert_true(pread(fd, *log, 4095, 0) >= 0);
        close(fd);
        return reply;
}

static void test_method_without_entry_is_refused(void **state _unused_) {
        _cleanup_free_ char *log1 = NULL, *log2 = NULL, *log3 = NULL;
        sd_bus_message *r;

        /* The same handlers as org.lfa.Manager (ListComponents has an open
         * entry, Unlisted none) and as an interface the table does not know.
         * The caller has our uid: root, whom polkit is never asked about. */
        assert_int_equal(bus_add_vtable(W->bus, "/org/lfa/Test", MANAGER_IFACE, test_vtable, NULL), 0);
        assert_int_equal(bus_add_vtable(W->bus, "/org/lfa/Test", "org.lfa.Test", test_vtable, NULL), 0);
        test_handler_calls = 0;

        r = call_logged("/org/lfa/Test", MANAGER_IFACE, "Unlisted", &log1);
        assert_error(r, SD_BUS_ERROR_ACCESS_DENIED, "org.lfa.Manager.Unlisted");
        sd_bus_message_unref(r);
        assert_non_null(strstr(log1, "org.lfa.Manager.Unlisted() has no entry in the authorization table"));

        r = call_logged("/org/lfa/Test", "org.lfa.Test", "ListComponents", &log2);
        assert_error(r, SD_BUS_ERROR_ACCESS_DENIED, "org.lfa.Test.ListComponents");
        sd_bus_message_unref(r);
        assert_non_null(strstr(log2, "org.lfa.Test.ListComponents() has no entry"));
        assert_int_equal(test_handler_calls, 0);

        /* An entry: the wrapper runs the vtable's own handler. */
        r = call_logged("/org/lfa/Test", MANAGER_IFACE, "ListComponents", &log3);
        assert_ok(r);
        sd_bus_message_unref(r);
        assert_int_equal(test_handler_calls, 1);
        assert_null(strstr(log3, "no entry"));

        /* The real ones still answer. */
        r = CALL("ListComponents", NULL);
        assert_ok(r);
        sd_bus_message_unref(r);
}

/* Pure pieces. */

static void test_error_names(void **state _unused_) {
        static const struct {
                int error;
                const char *name;
        } cases[] = {
                { -ENOENT, LFA_ERROR_NOT_FOUND },
                { -EOPNOTSUPP, LFA_ERROR_NOT_CAPABLE },
                { -ENODATA, LFA_ERROR_NOT_PENDING },
                { -EBUSY, LFA_ERROR_BUSY },
                { -EPERM, LFA_ERROR_MAY_RESET_CPU },
                { -EXDEV, LFA_ERROR_RENDEZVOUS_REQUIRED },
                { -ETIMEDOUT, LFA_ERROR_TIMEOUT },
                { -ENOLCK, LFA_ERROR_INHIBITED },
                { -EBADMSG, LFA_ERROR_INVALID_POLICY },
                { -ECANCELED, LFA_ERROR_CANCELLED },
                { -EACCES, LFA_ERROR_ACCESS_DENIED },
                { -ENOSYS, LFA_ERROR_NOT_SUPPORTED },
                { ECANCELED, LFA_ERROR_CANCELLED },
                /* The driver's errno table: FirmwareError. */
                { -EKEYREJECTED, NULL },
                { -EIO, NULL },
                { -EPROTO, NULL },
                { -EBADFD, NULL },
                { -EREMOTEIO, NULL },
                { -ENOTRECOVERABLE, NULL },
                { 0, NULL },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                const char *n = bus_error_name_from_errno(cases[i].error);

                if (cases[i].name)
                        assert_string_equal(n, cases[i].name);
                else
                        assert_null(n);
        }
}

static void test_error_set(void **state _unused_) {
        static const struct {
                int error;
                const char *lfa_code, *message, *name, *text;
        } cases[] = {
                { -EKEYREJECTED, "AUTH_ERROR", NULL, LFA_ERROR_FIRMWARE_ERROR, "AUTH_ERROR (EKEYREJECTED)" },
                { -EIO, "UNKNOWN", "Activation failed", LFA_ERROR_FIRMWARE_ERROR, "Activation failed (UNKNOWN EIO)" },
                { -EREMOTEIO, NULL, NULL, LFA_ERROR_FIRMWARE_ERROR, "NONE (EREMOTEIO)" },
                { -ETIMEDOUT, NULL, "budget ran out", LFA_ERROR_TIMEOUT, "budget ran out" },
                { EBUSY, NULL, NULL, LFA_ERROR_BUSY, NULL },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
                int r = bus_error_set(&e, cases[i].error, cases[i].lfa_code, cases[i].message);
                int expected = cases[i].error < 0 ? cases[i].error : -cases[i].error;

                assert_int_equal(r, expected);
                assert_string_equal(e.name, cases[i].name);
                if (cases[i].text && !strstr(e.message, cases[i].text))
                        fail_msg("'%s' lacks '%s'", e.message, cases[i].text);
        }

        /* Upstream's -ECANCELED: a firmware failure, not a cancel. */
        {
                _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
                ActivationResult res = {
                        .error = -ECANCELED,
                        .firmware_failed = true,
                        .lfa_code = "UNKNOWN",
                        .message = "activate failed: Operation canceled (ECANCELED): the driver does not say why; "
                                   "the kernel log names the LFA error",
                };

                assert_int_equal(bus_error_set_result(&e, &res), -ECANCELED);
                assert_string_equal(e.name, LFA_ERROR_FIRMWARE_ERROR);
                assert_non_null(strstr(e.message, "the kernel log names the LFA error (UNKNOWN ECANCELED)"));
        }
        {
                _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
                ActivationResult res = { .error = -ECANCELED, .lfa_code = "NONE", .message = "cancelled" };

                assert_int_equal(bus_error_set_result(&e, &res), -ECANCELED);
                assert_string_equal(e.name, LFA_ERROR_CANCELLED);
        }
        {
                _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;

                assert_int_equal(bus_error_set(&e, -ENOSYS, NULL, NULL), -ENOSYS);
                assert_string_equal(e.name, LFA_ERROR_NOT_SUPPORTED);
                assert_string_equal(e.message, "The LFA driver in use cannot do this");
        }

        /* The map works the other way for clients. */
        assert_true(sd_bus_error_add_map(lfa_bus_error_map) >= 0);
        {
                _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;

                sd_bus_error_set(&e, LFA_ERROR_RENDEZVOUS_REQUIRED, "x");
                assert_int_equal(sd_bus_error_get_errno(&e), EXDEV);
        }
}

/* The one mapping from an outcome to (name, message): replies and
 * ActivationFinished both use it. */
static void test_error_set_result(void **state _unused_) {
        static const struct {
                int error;
                const char *last_error;         /* NULL: none */
                const char *detail;
                const char *name, *text;
        } cases[] = {
                { -ENOMEM, "ENOMEM NO_MEMORY -4 PRIME", NULL, LFA_ERROR_FIRMWARE_ERROR,
                  "activate failed: the firmware answered PRIME with NO_MEMORY (ENOMEM): it is out of memory" },
                { -EBUSY, "EBUSY BUSY -2 PRIME", NULL, LFA_ERROR_BUSY,
                  "activate failed: the firmware answered PRIME with BUSY (EBUSY): it is busy; try again later" },
                { -EOPNOTSUPP, "EOPNOTSUPP NOT_SUPPORTED -1 ACTIVATE", NULL, LFA_ERROR_NOT_CAPABLE,
                  "the firmware answered ACTIVATE with NOT_SUPPORTED (EOPNOTSUPP)" },
                { -EIO, "EIO UNKNOWN -35 PRIME", NULL, LFA_ERROR_FIRMWARE_ERROR,
                  "the firmware answered PRIME with -35, which is no LFA code (UNKNOWN EIO)" },
                { -ETIMEDOUT, "ETIMEDOUT NONE 0 PRIME", NULL, LFA_ERROR_TIMEOUT,
                  "PRIME answered CALL_AGAIN until the driver's prime_budget_ms ran out; it issued CANCEL" },
                { -ETIMEDOUT, "ETIMEDOUT NONE 0 ACTIVATE", NULL, LFA_ERROR_TIMEOUT,
                  "ACTIVATE answered CALL_AGAIN or BUSY until the driver's activate_budget_ms ran out" },
                { -EBUSY, NULL, "the kernel runs another activation", LFA_ERROR_BUSY,
                  "activate failed: the kernel reported busy (EBUSY, LFA code NONE): the kernel runs another" },
                /* An errno of the driver without last_error: never lfad's own. */
                { -ENOMEM, NULL, NULL, LFA_ERROR_FIRMWARE_ERROR, "(NONE ENOMEM)" },
                { -ENODATA, NULL, NULL, LFA_ERROR_NOT_PENDING, "x" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
                LfaLastError le = {};
                ActivationResult res = {
                        .action = JOB_ACTIVATE,
                        .error = cases[i].error,
                        .detail = cases[i].detail,
                        .message = "x",
                };

                if (cases[i].last_error) {
                        assert_int_equal(parse_lfa_last_error(cases[i].last_error, &le), 0);
                        res.last_error = &le;
                        res.lfa_code = le.lfa_code;
                }
                assert_int_equal(bus_error_set_result(&e, &res), cases[i].error);
                assert_string_equal(e.name, cases[i].name);
                if (!strstr(e.message, cases[i].text))
                        fail_msg("'%s' lacks '%s'", e.message, cases[i].text);
        }
        {
                _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
                ActivationResult res = { .message = "activation succeeded" };

                assert_int_equal(bus_error_set_result(&e, &res), 0);
                assert_false(sd_bus_error_is_set(&e));
        }

        /* The driver's cancel write. */
        static const struct {
                int error;
                bool firmware;
                DriverAbi abi;
                const char *name, *text;
        } writes[] = {
                { -ENOMEM, true, DRIVER_ABI_EXTENDED, LFA_ERROR_FIRMWARE_ERROR,
                  "c: the driver returned ENOMEM (NO_MEMORY in its ERRNO TABLE: it is out of memory)" },
                { -EINVAL, true, DRIVER_ABI_UPSTREAM, LFA_ERROR_FIRMWARE_ERROR, "does not say why" },
                { -ENOENT, false, DRIVER_ABI_EXTENDED, LFA_ERROR_NOT_FOUND, "c: No such component" },
                /* The same EBUSY: the firmware's BUSY, or a sequence in the driver. */
                { -EBUSY, true, DRIVER_ABI_EXTENDED, LFA_ERROR_BUSY,
                  "c: the firmware answered CANCEL with BUSY (EBUSY)" },
                { -EBUSY, false, DRIVER_ABI_EXTENDED, LFA_ERROR_BUSY, "c: the kernel reported busy (EBUSY)" },
        };

        for (size_t i = 0; i < ELEMENTSOF(writes); i++) {
                _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;

                assert_int_equal(bus_error_set_driver_write(&e, writes[i].error, writes[i].firmware, writes[i].abi,
                                                            "c: "),
                                 writes[i].error);
                assert_string_equal(e.name, writes[i].name);
                if (!strstr(e.message, writes[i].text))
                        fail_msg("'%s' lacks '%s'", e.message, writes[i].text);
        }
}

static void test_changed_names(void **state _unused_) {
        const char *names[BUS_COMPONENT_MAX_CHANGED + 1];
        const char *mnames[BUS_MANAGER_MAX_CHANGED + 1];
        unsigned all = 0;
        size_t n = 0;

        bus_component_changed_names(0, names);
        assert_null(names[0]);
        bus_component_changed_names(COMPONENT_CHANGED_DECISION | COMPONENT_CHANGED_STATE, names);
        assert_string_equal(names[0], "State");
        assert_string_equal(names[1], "Decision");
        assert_string_equal(names[2], "DecisionReason");
        assert_null(names[3]);

        /* Every bit names something, and every name is a property. */
        for (unsigned bit = 0; bit < 16; bit++)
                all |= 1U << bit;
        bus_component_changed_names(all, names);
        while (names[n])
                n++;
        assert_int_equal(n, 18);
        for (size_t i = 0; i < n; i++) {
                bool found = false;

                for (const sd_bus_vtable *v = bus_component_vtable; v->type != _SD_BUS_VTABLE_END; v++)
                        if (v->type == _SD_BUS_VTABLE_PROPERTY &&
                            strcmp(v->x.property.member, names[i]) == 0)
                                found = true;
                assert_true(found);
        }

        bus_manager_changed_names(MANAGER_CHANGED_COMPONENTS, mnames);
        assert_null(mnames[0]);
        bus_manager_changed_names(MANAGER_CHANGED_STATE | MANAGER_CHANGED_POLICY |
                                  MANAGER_CHANGED_INHIBITORS | MANAGER_CHANGED_ABI_VERSION |
                                  MANAGER_CHANGED_PENDING_COUNT, mnames);
        assert_string_equal(mnames[0], "AbiVersion");
        assert_string_equal(mnames[1], "State");
        assert_string_equal(mnames[2], "ActiveComponent");
        assert_string_equal(mnames[3], "PendingCount");
        assert_string_equal(mnames[4], "PolicyFiles");
        assert_string_equal(mnames[5], "PolicyLoadedUSec");
        assert_string_equal(mnames[6], "PolicyError");
        assert_string_equal(mnames[7], "Inhibitors");
        assert_null(mnames[8]);
        bus_manager_changed_names(MANAGER_CHANGED_DRIVER | MANAGER_CHANGED_POLL, mnames);
        assert_string_equal(mnames[0], "DriverAbi");
        assert_string_equal(mnames[1], "DriverModule");
        assert_string_equal(mnames[2], "DriverFeatures");
        assert_string_equal(mnames[3], "PollIntervalUSec");
        assert_null(mnames[4]);
        /* All at once fit. */
        bus_manager_changed_names(~0U, mnames);
        n = 0;
        while (mnames[n])
                n++;
        assert_int_equal(n, BUS_MANAGER_MAX_CHANGED);
}

int main(void) {
        const struct CMUnitTest world[] = {
                cmocka_unit_test_setup_teardown(test_manager_properties, setup, teardown),
                cmocka_unit_test_setup_teardown(test_component_properties, setup, teardown),
                cmocka_unit_test_setup_teardown(test_component_garbage_attribute, setup, teardown),
                cmocka_unit_test_setup_teardown(test_list_and_get, setup, teardown),
                cmocka_unit_test_setup_teardown(test_object_manager, setup, teardown),
                cmocka_unit_test_setup_teardown(test_activate, setup, teardown),
                cmocka_unit_test_setup_teardown(test_activate_refused, setup, teardown),
                cmocka_unit_test_setup_teardown(test_activate_busy_and_firmware_error, setup, teardown),
                cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
                cmocka_unit_test_setup_teardown(test_prime, setup, teardown),
                cmocka_unit_test_setup_teardown(test_activate_pending, setup, teardown),
                cmocka_unit_test_setup_teardown(test_activate_pending_failure, setup, teardown),
                cmocka_unit_test_setup_teardown(test_shutdown_with_activate_waiting, setup, teardown),
                cmocka_unit_test_setup_teardown(test_shutdown_with_window_waiting, setup, teardown),
                cmocka_unit_test_setup_teardown(test_reload_policy, setup, teardown),
                cmocka_unit_test_setup_teardown(test_plan, setup, teardown),
                cmocka_unit_test_setup_teardown(test_inhibit, setup, teardown),
                cmocka_unit_test_setup_teardown(test_refresh, setup, teardown),
                cmocka_unit_test_setup_teardown(test_history_empty, setup, teardown),
                cmocka_unit_test_setup_teardown(test_introspection, setup, teardown),
                cmocka_unit_test_setup_teardown(test_authorization_table, setup, teardown),
                cmocka_unit_test_setup_teardown(test_method_without_entry_is_refused, setup, teardown),
                cmocka_unit_test(test_error_names),
                cmocka_unit_test(test_error_set),
                cmocka_unit_test(test_error_set_result),
                cmocka_unit_test(test_changed_names),
        };

        return cmocka_run_group_tests_name("bus", world, NULL, NULL);
}
