/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * lfad owns two writable files of every component, so the kernel never acts
 * against the policy:
 *   - auto_activate (where it exists): with 1 the kernel activates the
 *     component by itself on the platform's notification. lfad writes 0
 *     when it first sees the component, after a policy reload, and whenever
 *     it reads 1; AutoActivate=immediate is carried out by lfad.
 *   - force_cpu_rendezvous: kept equal to the policy's decision; written
 *     when the component appears and after a reload where it differs, and
 *     before each activation always.
 * A value lfad finds that someone else set (auto_activate 1, or a
 * force_cpu_rendezvous other than the driver's default or lfad's last
 * write) is put back, logged with MESSAGE_ID LFA_MESSAGE_KERNEL_OVERRIDE
 * and kept (kernel_settings_get_override()).
 *
 * What lfad last wrote and found is kernel-settings' own, per UUID, in a
 * KernelSettings the manager owns: Component is only what sysfs shows.
 */

#include <stdbool.h>

#include "inventory.h"
#include "macro.h"

typedef struct KernelSettings KernelSettings;

typedef enum KernelSettingsEvent {
        KERNEL_SETTINGS_APPEARED,       /* lfad sees the component for the first time */
        KERNEL_SETTINGS_RELOADED,       /* the policy was reloaded */
        KERNEL_SETTINGS_REREAD,         /* any other re-read: auto_activate only */
        KERNEL_SETTINGS_ACTIVATION,     /* just before lfad's write to activate */
        _KERNEL_SETTINGS_EVENT_MAX,
        _KERNEL_SETTINGS_EVENT_INVALID = -EINVAL,
} KernelSettingsEvent;

int kernel_settings_new(KernelSettings **ret);
KernelSettings *kernel_settings_free(KernelSettings *ks);

/*
 * Bring c's kernel settings where lfad wants them after event. force is the
 * force_cpu_rendezvous value to hold (the decision's, or an explicit
 * request's). c is the fresh snapshot: its auto_activate and
 * force_cpu_rendezvous are updated to what was written. Returns a
 * COMPONENT_CHANGED_* mask of what changed (values, the override), or a
 * negative errno when force_cpu_rendezvous could not be written before an
 * activation or on OOM then (nothing else is fatal: it is logged).
 */
int kernel_settings_apply(KernelSettings *ks, const char *root, Component *c, KernelSettingsEvent event,
                          bool force);

/* NULL, or the last setting of uuid lfad put back (the text of
 * kernel_settings_format_override()); valid until the next apply. */
const char *kernel_settings_get_override(KernelSettings *ks, const char *uuid);

/* uuid is gone: forget what was written and found. */
void kernel_settings_forget(KernelSettings *ks, const char *uuid);

/* The text of an override: "<file>: found <v>, wrote <v> at <time>". */
int kernel_settings_format_override(const char *file, bool found, bool wrote, usec_t when, char **ret);
