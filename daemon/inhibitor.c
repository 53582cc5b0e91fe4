/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "inhibitor.h"
#include "log.h"

typedef struct Inhibitor {
        uint64_t id;
        char *who;
        char *reason;
        usec_t since;                   /* CLOCK_REALTIME µs */
        int fd;                         /* lfad's end of the pipe */
        sd_event_source *source;
        InhibitorRegistry *registry;
} Inhibitor;

struct InhibitorRegistry {
        sd_event *event;
        Inhibitor **inhibitors;         /* oldest first */
        size_t n_inhibitors;
        uint64_t next_id;
        InhibitorChangedFn changed;
        void *userdata;
};

static Inhibitor *inhibitor_free(Inhibitor *i) {
        if (!i)
                return NULL;
        sd_event_source_disable_unref(i->source);
        safe_close(i->fd);
        free(i->who);
        free(i->reason);
        free(i);
        return NULL;
}

int inhibitor_registry_new(sd_event *e, InhibitorChangedFn changed, void *userdata, InhibitorRegistry **ret) {
        InhibitorRegistry *r;

        r = calloc(1, sizeof(*r));
        if (!r)
                return -ENOMEM;
        r->event = sd_event_ref(e);
        r->next_id = 1;
        r->changed = changed;
        r->userdata = userdata;
        *ret = r;
        return 0;
}

InhibitorRegistry *inhibitor_registry_free(InhibitorRegistry *r) {
        if (!r)
                return NULL;
        for (size_t i = 0; i < r->n_inhibitors; i++)
                inhibitor_free(r->inhibitors[i]);
        free(r->inhibitors);
        sd_event_unref(r->event);
        free(r);
        return NULL;
}

static void registry_remove(InhibitorRegistry *r, Inhibitor *in) {
        for (size_t i = 0; i < r->n_inhibitors; i++)
                if (r->inhibitors[i] == in) {
                        memmove(r->inhibitors + i, r->inhibitors + i + 1,
                                (r->n_inhibitors - i - 1) * sizeof(Inhibitor *));
                        r->n_inhibitors--;
                        break;
                }
        log_info("Inhibitor %" PRIu64 " (%s: %s) released.", in->id, in->who, in->reason);
        inhibitor_free(in);
        if (r->changed)
                r->changed(r->userdata);
}

static int on_inhibitor_fd(sd_event_source *s _unused_, int fd, uint32_t revents, void *userdata) {
        Inhibitor *in = userdata;
        char buf[64];

        /* Data written by the holder means nothing; only the close counts. */
        if (revents & EPOLLIN) {
                ssize_t n = read(fd, buf, sizeof(buf));

                if (n > 0)
                        return 0;
        }
        registry_remove(in->registry, in);
        return 0;
}

int inhibitor_registry_add(InhibitorRegistry *r, const char *who, const char *reason, int *ret_fd) {
        Inhibitor *in, **t;
        int p[2], k;

        if (!who || !reason || !ret_fd)
                return -EINVAL;
        if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
                return -errno;
        in = calloc(1, sizeof(*in));
        if (!in) {
                safe_close(p[0]);
                safe_close(p[1]);
                return -ENOMEM;
        }
        in->fd = p[0];
        in->registry = r;
        in->id = r->next_id++;
        in->since = now_usec(CLOCK_REALTIME);
        in->who = strdup(who);
        in->reason = strdup(reason);
        t = realloc(r->inhibitors, (r->n_inhibitors + 1) * sizeof(*t));
        if (t)
                r->inhibitors = t;
        if (!in->who || !in->reason || !t) {
                inhibitor_free(in);
                safe_close(p[1]);
                return -ENOMEM;
        }
        k = sd_event_add_io(r->event, &in->source, in->fd, EPOLLIN, on_inhibitor_fd, in);
        if (k < 0) {
                inhibitor_free(in);
                safe_close(p[1]);
                return k;
        }
        r->inhibitors[r->n_inhibitors++] = in;
        log_info("Automatic activation inhibited by %s: %s (inhibitor %" PRIu64 ").", who, reason, in->id);
        if (r->changed)
                r->changed(r->userdata);
        *ret_fd = p[1];
        return 0;
}

size_t inhibitor_registry_count(const InhibitorRegistry *r) {
        return r ? r->n_inhibitors : 0;
}

bool inhibitor_registry_get(const InhibitorRegistry *r, size_t i, const char **ret_who, const char **ret_reason) {
        if (!r || i >= r->n_inhibitors)
                return false;
        if (ret_who)
                *ret_who = r->inhibitors[i]->who;
        if (ret_reason)
                *ret_reason = r->inhibitors[i]->reason;
        return true;
}
