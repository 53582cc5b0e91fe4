/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-event.h>

#include "log.h"
#include "macro.h"
#include "polkit.h"

/* polkit's CheckAuthorizationFlags: AllowUserInteraction. */
#define POLKIT_FLAG_ALLOW_USER_INTERACTION 1U
/* A human typing a password gets longer than sd-bus's default 25 s. */
#define POLKIT_INTERACTIVE_TIMEOUT_USEC (5 * 60 * USEC_PER_SEC)

struct PolkitQuery {
        PolkitQuery *next;
        PolkitQuery **registry;
        sd_bus_message *request;        /* the caller's message, queued again after the verdict */
        char *action;
        sd_bus_slot *slot;              /* the CheckAuthorization call in flight */
        sd_event_source *defer;         /* frees the entry once the verdict was used */
        bool done;
        bool allowed;
        char *denial;                   /* why it was denied, for the caller's error */
};

static PolkitQuery *polkit_query_free(PolkitQuery *q) {
        if (!q)
                return NULL;
        sd_bus_slot_unref(q->slot);
        sd_event_source_disable_unref(q->defer);
        sd_bus_message_unref(q->request);
        free(q->action);
        free(q->denial);
        free(q);
        return NULL;
}

static void polkit_query_unlink(PolkitQuery *q) {
        for (PolkitQuery **i = q->registry; *i; i = &(*i)->next)
                if (*i == q) {
                        *i = q->next;
                        break;
                }
        q->next = NULL;
}

PolkitQuery *polkit_registry_free(PolkitQuery *registry) {
        while (registry) {
                PolkitQuery *next = registry->next;

                polkit_query_free(registry);
                registry = next;
        }
        return NULL;
}

static PolkitQuery *polkit_registry_find(PolkitQuery *registry, sd_bus_message *call) {
        for (PolkitQuery *q = registry; q; q = q->next)
                if (q->request == call)
                        return q;
        return NULL;
}

static int polkit_query_defer_free(sd_event_source *s _unused_, void *userdata) {
        PolkitQuery *q = userdata;

        polkit_query_unlink(q);
        polkit_query_free(q);
        return 0;
}

static int polkit_query_set_denial(PolkitQuery *q, const char *why) {
        q->allowed = false;
        return free_and_strdup(&q->denial, why);
}

static int polkit_parse_reply(PolkitQuery *q, sd_bus_message *reply) {
        const sd_bus_error *e;
        int authorized, challenge, r;

        e = sd_bus_message_get_error(reply);
        if (e)
                /* No polkit on the bus, or it failed: nobody but root is allowed. */
                return polkit_query_set_denial(q, e->message ?: e->name);

        r = sd_bus_message_enter_container(reply, 'r', "bba{ss}");
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "bb", &authorized, &challenge);
        if (r < 0)
                return r;

        q->allowed = authorized;
        if (authorized)
                return 0;
        return polkit_query_set_denial(q, challenge ? "interactive authentication required"
                                                    : "not authorized by polkit");
}

static int polkit_reply_handler(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error _unused_) {
        PolkitQuery *q = userdata;
        sd_bus *bus = sd_bus_message_get_bus(q->request);
        int r;

        q->slot = sd_bus_slot_unref(q->slot);
        q->done = true;

        r = polkit_parse_reply(q, reply);
        if (r < 0) {
                log_warning_errno(r, "Unparsable polkit reply for %s, denying: %m", q->action);
                (void) polkit_query_set_denial(q, "unparsable reply from polkit");
        }

        log_info("polkit: %s for %s (sender %s): %s", q->action,
                 sd_bus_message_get_member(q->request),
                 strna(sd_bus_message_get_sender(q->request)),
                 q->allowed ? "allowed" : strna(q->denial));

        /* Run the method handler again; it finds the verdict stored here. */
        r = sd_bus_message_rewind(q->request, true);
        if (r >= 0)
                r = sd_bus_enqueue_for_read(bus, q->request);
        if (r < 0) {
                log_error_errno(r, "Failed to queue %s again after polkit's answer: %m",
                                sd_bus_message_get_member(q->request));
                (void) sd_bus_reply_method_errnof(q->request, r, "Authorization failed: %m");
                polkit_query_unlink(q);
                polkit_query_free(q);
        }
        return 1;
}

static int polkit_query_use(PolkitQuery *q, const char *action, sd_bus_error *error) {
        sd_event *event = sd_bus_get_event(sd_bus_message_get_bus(q->request));
        int r;

        /* The same message asking for another action would mean a logic error. */
        if (strcmp(q->action, action) != 0)
                return -ESTALE;

        /* Free the entry after the handler ran, from an idle defer source. */
        if (!q->defer && event) {
                r = sd_event_add_defer(event, &q->defer, polkit_query_defer_free, q);
                if (r >= 0)
                        (void) sd_event_source_set_priority(q->defer, SD_EVENT_PRIORITY_IDLE);
        }

        if (q->allowed)
                return 1;
        return sd_bus_error_setf(error, LFA_ERROR_ACCESS_DENIED, "Access to %s denied: %s.",
                                 action, strna(q->denial));
}

static int polkit_query_start(sd_bus_message *call, const char *action, PolkitQuery **registry) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *pk = NULL;
        sd_bus *bus = sd_bus_message_get_bus(call);
        const char *sender = sd_bus_message_get_sender(call);
        uint32_t flags = 0;
        PolkitQuery *q;
        int r;

        if (!sender)
                return -EBADMSG;

        if (sd_bus_message_get_allow_interactive_authorization(call) > 0)
                flags |= POLKIT_FLAG_ALLOW_USER_INTERACTION;

        r = sd_bus_message_new_method_call(bus, &pk, "org.freedesktop.PolicyKit1",
                                           "/org/freedesktop/PolicyKit1/Authority",
                                           "org.freedesktop.PolicyKit1.Authority",
                                           "CheckAuthorization");
        if (r < 0)
                return r;
        r = sd_bus_message_append(pk, "(sa{sv})sa{ss}us", "system-bus-name", 1, "name", "s",
                                  sender, action, 0, flags, "");
        if (r < 0)
                return r;

        q = calloc(1, sizeof(*q));
        if (!q)
                return -ENOMEM;
        q->action = strdup(action);
        if (!q->action) {
                free(q);
                return -ENOMEM;
        }
        q->request = sd_bus_message_ref(call);
        q->registry = registry;

        /* Interactive authentication may take as long as a human needs. */
        r = sd_bus_call_async(bus, &q->slot, pk, polkit_reply_handler, q,
                              flags ? POLKIT_INTERACTIVE_TIMEOUT_USEC : 0);
        if (r < 0) {
                polkit_query_free(q);
                return r;
        }

        q->next = *registry;
        *registry = q;
        return 0;
}

int polkit_verify(sd_bus_message *call, const char *action, PolkitQuery **registry,
                  sd_bus_error *error) {
        PolkitQuery *q;
        int r;

        q = polkit_registry_find(*registry, call);
        if (q) {
                if (!q->done)
                        return 0;
                return polkit_query_use(q, action, error);
        }

        /* Root (the sender has our uid) needs no question. */
        r = sd_bus_query_sender_privilege(call, -1);
        if (r < 0)
                return r;
        if (r > 0)
                return 1;

        r = polkit_query_start(call, action, registry);
        if (r < 0) {
                log_warning_errno(r, "Cannot ask polkit about %s, denying: %m", action);
                return sd_bus_error_setf(error, LFA_ERROR_ACCESS_DENIED,
                                         "Access to %s denied: polkit unavailable.", action);
        }
        return 0;
}
