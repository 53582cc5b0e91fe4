/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The inhibitor registry: Inhibit() hands out the write end of a pipe; while
 * any such fd is open in any process, nothing is activated automatically.
 * The registry watches the read ends on the event loop and tells its owner
 * when the set changes.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "macro.h"

typedef struct InhibitorRegistry InhibitorRegistry;

/* An inhibitor came or went; the registry is consistent when called. */
typedef void (*InhibitorChangedFn)(void *userdata);

int inhibitor_registry_new(sd_event *e, InhibitorChangedFn changed, void *userdata, InhibitorRegistry **ret);
InhibitorRegistry *inhibitor_registry_free(InhibitorRegistry *r);

/*
 * Add an inhibitor. *ret_fd is the caller's: pass it on (sd-bus dups it) and
 * close it. -EINVAL without who or reason.
 */
int inhibitor_registry_add(InhibitorRegistry *r, const char *who, const char *reason, int *ret_fd);

size_t inhibitor_registry_count(const InhibitorRegistry *r) _pure_;

/* The i-th inhibitor still held, oldest first; false past the end. */
bool inhibitor_registry_get(const InhibitorRegistry *r, size_t i, const char **ret_who,
                            const char **ret_reason);
