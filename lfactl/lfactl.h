/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <json-c/json.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "macro.h"

#define LFA_BUS_NAME "org.lfa.Manager"
#define LFA_MANAGER_PATH "/org/lfa/Manager"
#define LFA_MANAGER_IFACE "org.lfa.Manager"
#define LFA_COMPONENT_IFACE "org.lfa.Component"

/*
 * Exit codes, documented in lfactl(1). Scripts (and lfa-activate.service)
 * branch on them, so they never change meaning.
 */
enum {
        EXIT_OK = 0,
        EXIT_FAILURE_ = 1,      /* the operation failed (firmware error, timeout, ...) */
        EXIT_USAGE = 2,         /* bad command line or argument (InvalidArgs) */
        EXIT_NOT_FOUND = 3,     /* no component with that UUID */
        EXIT_DENIED = 4,        /* neither root nor allowed by polkit */
        EXIT_BUSY = 5,          /* busy or inhibited: try again later */
        EXIT_UNREACHABLE = 6,   /* lfad not running / no system bus */
};

typedef enum Rendezvous {
        RENDEZVOUS_DEFAULT,
        RENDEZVOUS_FORCE,
        RENDEZVOUS_SKIP,
} Rendezvous;

typedef struct Context {
        sd_bus *bus;
        bool json;
        /* JSON on one line each (monitor's JSON Lines), errors included. */
        bool json_lines;
        /* 0: sd-bus's default (25 s); long calls use USEC_INFINITY unless set. */
        usec_t timeout;
        bool timeout_set;
        Rendezvous rendezvous;
        char **args;            /* the verb's operands */
        int n_args;
} Context;

DEFINE_POINTER_CLEANUP_FUNC_FREE(json_object, json_object_put);
#define _cleanup_json_ _cleanup_(json_object_putp)

/* output.c */
int output_error(const Context *c, int exit_code, const char *name, const char *fmt, ...) _printf_(4, 5);
int output_bus_error(const Context *c, const sd_bus_error *error, int r, const char *what);
int output_json(const Context *c, json_object *o);
const char *format_usec_realtime(char *buf, size_t size, uint64_t usec);

/* message-json.c */
int message_read_json(sd_bus_message *m, json_object **ret);
int message_read_properties_json(sd_bus_message *m, json_object **ret);

/* bus.c */
int bus_connect(Context *c);
usec_t bus_timeout(const Context *c, bool long_call);
int bus_call_manager(Context *c, const char *method, bool long_call, sd_bus_message **reply,
                     const char *types, ...);
int bus_get_all(Context *c, const char *path, const char *iface, json_object **ret);
int bus_component_path(Context *c, const char *uuid, char **ret);

/* verbs.c */
int verb_status(Context *c);
int verb_list(Context *c);
int verb_show(Context *c);
int verb_plan(Context *c);
int verb_history(Context *c);
int verb_activate(Context *c);
int verb_activate_pending(Context *c);
int verb_cancel(Context *c);
int verb_prime(Context *c);
int verb_refresh(Context *c);
int verb_policy(Context *c);

/* follow.c: the event loop of monitor and metrics --watch */
typedef struct Follow {
        Context *c;
        const char *what;               /* the verb, for messages */
        /* lfad's signals and its bus name's NameOwnerChanged. */
        sd_bus_message_handler_t on_signal;
        void *userdata;
        /* lfad leaving the bus ends the loop (EXIT_UNREACHABLE), as the
         * connection closing always does. */
        bool exit_when_lfad_leaves;
        sd_event *event;
        const char *lost;               /* why the loop ended with EXIT_UNREACHABLE */
} Follow;

int follow_event(Follow *f);
int follow_bus(Follow *f);
int follow_lfad_present(Follow *f);
int follow_run(Follow *f);
void follow_done(Follow *f);

/* monitor.c */
int verb_monitor(Context *c);

/* metrics.c */
int verb_metrics(Context *c);

/* policy-verify.c */
const char *lfad_path(void);
int policy_verify(Context *c, char **lfad_args);
