/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "kernel-settings.h"
#include "lfa-messages.h"
#include "log.h"

/* The driver's default, on either ABI: nobody set it. */
#define FORCE_CPU_RENDEZVOUS_DEFAULT true

/* What lfad wrote to and found in one component's settings. */
typedef struct KernelSettingsEntry {
        char uuid[UUID_STRING_MAX];
        char *override;                 /* NULL or the last setting put back */
        bool force_written;             /* lfad wrote force_cpu_rendezvous ... */
        bool force_written_value;       /* ... this value */
} KernelSettingsEntry;
_Static_assert(offsetof(KernelSettingsEntry, uuid) == 0, "uuid_array_*() want the uuid first");

struct KernelSettings {
        KernelSettingsEntry *entries;   /* sorted by uuid */
        size_t n_entries;
};

int kernel_settings_new(KernelSettings **ret) {
        KernelSettings *ks = calloc(1, sizeof(*ks));

        if (!ks)
                return -ENOMEM;
        *ret = ks;
        return 0;
}

KernelSettings *kernel_settings_free(KernelSettings *ks) {
        if (!ks)
                return NULL;
        for (size_t i = 0; i < ks->n_entries; i++)
                free(ks->entries[i].override);
        free(ks->entries);
        free(ks);
        return NULL;
}

static KernelSettingsEntry *entry_find(KernelSettings *ks, const char *uuid) {
        return uuid_array_find(ks->entries, ks->n_entries, sizeof(*ks->entries), uuid);
}

/* uuid's entry, made on first use; NULL on OOM. */
static KernelSettingsEntry *entry_get(KernelSettings *ks, const char *uuid) {
        void *base = ks->entries;
        KernelSettingsEntry *e = uuid_array_get(&base, &ks->n_entries, sizeof(*e), uuid);

        ks->entries = base;
        return e;
}

const char *kernel_settings_get_override(KernelSettings *ks, const char *uuid) {
        KernelSettingsEntry *e = entry_find(ks, uuid);

        return e ? e->override : NULL;
}

void kernel_settings_forget(KernelSettings *ks, const char *uuid) {
        bool found;
        size_t i = uuid_array_index(ks->entries, ks->n_entries, sizeof(*ks->entries), uuid, &found);

        if (!found)
                return;
        free(ks->entries[i].override);
        uuid_array_remove(ks->entries, &ks->n_entries, sizeof(*ks->entries), i);
}

int kernel_settings_format_override(const char *file, bool found, bool wrote, usec_t when, char **ret) {
        time_t t = (time_t) (when / USEC_PER_SEC);
        char buf[64];
        struct tm tm;

        if (!gmtime_r(&t, &tm) || strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
                snprintf(buf, sizeof(buf), "@%llu", (unsigned long long) t);
        if (asprintf(ret, "%s: found %d, wrote %d at %s", file, found, wrote, buf) < 0)
                return -ENOMEM;
        return 0;
}

/* Someone else's value put back: say so everywhere an operator looks. */
static unsigned record_override(KernelSettingsEntry *e, const Component *c, const char *file, bool found,
                                bool wrote) {
        char *text = NULL;

        if (kernel_settings_format_override(file, found, wrote, now_usec(CLOCK_REALTIME), &text) < 0) {
                log_oom();
                return 0;
        }
        log_event(LOG_WARNING, LFA_MESSAGE_KERNEL_OVERRIDE, c->uuid, "overridden",
                  "%s (%s): %s was %d, set by someone else; lfad owns it and wrote %d back.", c->uuid,
                  strna(c->name), file, found, wrote);
        free(e->override);
        e->override = text;
        return COMPONENT_CHANGED_KERNEL_OVERRIDE;
}

static unsigned apply_auto_activate(KernelSettingsEntry *e, const char *root, Component *c,
                                    KernelSettingsEvent event) {
        bool found = c->auto_activate;
        int r;

        if (!(c->features & DRIVER_FEATURE_AUTO_ACTIVATE))
                return 0;
        /* A value already 0 is rewritten only at the points the
         * documentation names; a 1 at any re-read. */
        if (!found && event != KERNEL_SETTINGS_APPEARED && event != KERNEL_SETTINGS_RELOADED)
                return 0;
        r = inventory_write_attribute(root, c->uuid, "auto_activate", "0");
        if (r < 0) {
                log_warning_errno(r, "%s: cannot write auto_activate=0, the kernel may activate it on its "
                                  "own: %m", c->uuid);
                return 0;
        }
        c->auto_activate = false;
        if (!found)
                return 0;
        return COMPONENT_CHANGED_AUTO_ACTIVATE | record_override(e, c, "auto_activate", true, false);
}

/* Whether the value found was set by someone other than lfad and the driver. */
static bool force_set_by_other(const KernelSettingsEntry *e, bool found) {
        bool expected = e->force_written ? e->force_written_value : FORCE_CPU_RENDEZVOUS_DEFAULT;

        return found != expected;
}

/*
 * The driver reads force_cpu_rendezvous when the activate write starts, and
 * a write to it by someone else sends no event: before an activation, what
 * counts is the file now, not the snapshot. false when it cannot be read,
 * so that it is written.
 */
static bool force_read_now(const char *root, Component *c, bool *found) {
        int r = inventory_read_bool_attribute(root, c->uuid, "force_cpu_rendezvous", found);

        if (r < 0) {
                log_debug_errno(r, "%s: cannot read force_cpu_rendezvous, writing it: %m", c->uuid);
                return false;
        }
        return true;
}

static int apply_force(KernelSettingsEntry *e, const char *root, Component *c, KernelSettingsEvent event,
                       bool force) {
        bool found = c->force_cpu_rendezvous, known = true, other;
        unsigned mask = 0;
        int r;

        if (event == KERNEL_SETTINGS_ACTIVATION)
                known = force_read_now(root, c, &found);
        if (found != c->force_cpu_rendezvous) {
                /* Changed since the snapshot: someone wrote it. */
                c->force_cpu_rendezvous = found;
                mask |= COMPONENT_CHANGED_FORCE_CPU_RENDEZVOUS;
        }
        /* Already right: a write would change nothing. */
        if (known && found == force)
                return (int) mask;
        other = force_set_by_other(e, found);
        r = inventory_write_attribute(root, c->uuid, "force_cpu_rendezvous", force ? "1" : "0");
        if (r < 0)
                return log_warning_errno(r, "%s: cannot write force_cpu_rendezvous=%d: %m", c->uuid, force);
        e->force_written = true;
        e->force_written_value = force;
        c->force_cpu_rendezvous = force;
        if (found != force) {
                mask |= COMPONENT_CHANGED_FORCE_CPU_RENDEZVOUS;
                if (other)
                        mask |= record_override(e, c, "force_cpu_rendezvous", found, force);
        }
        return (int) mask;
}

int kernel_settings_apply(KernelSettings *ks, const char *root, Component *c, KernelSettingsEvent event,
                          bool force) {
        KernelSettingsEntry *e = entry_get(ks, c->uuid);
        unsigned mask;
        int r;

        if (!e) {
                log_oom();
                return event == KERNEL_SETTINGS_ACTIVATION ? -ENOMEM : 0;
        }
        mask = apply_auto_activate(e, root, c, event);
        if (event == KERNEL_SETTINGS_REREAD)
                return (int) mask;
        r = apply_force(e, root, c, event, force);
        if (r < 0)
                /* The driver reads it when the activate write starts: an
                 * activation must not run on a value lfad did not set. */
                return event == KERNEL_SETTINGS_ACTIVATION ? r : (int) mask;
        return (int) (mask | (unsigned) r);
}
