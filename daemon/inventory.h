/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The model of one LFA component, read from /sys/firmware/lfa/<uuid>/ as
 * driver/Documentation/ABI/testing/sysfs-firmware-lfa describes it. Sysfs is
 * the truth: the daemon re-reads a component after every event and action and
 * never keeps a value it did not just read. Component holds nothing else.
 *
 * Upstream's driver has eleven files per component; seq_id, state,
 * last_error, prime and auto_activate are read (or written) only where they
 * exist, and Component.features says which do.
 */

#include <stdbool.h>
#include <stdint.h>

#include "driver.h"
#include "macro.h"

#define UUID_STRING_MAX 37 /* 36 characters and the NUL */
#define LFA_SYSFS_DEFAULT "/sys/firmware/lfa"

typedef enum ComponentState {
        COMPONENT_STATE_IDLE,
        COMPONENT_STATE_PRIMING,
        COMPONENT_STATE_PRIMED,
        COMPONENT_STATE_ACTIVATING,
        _COMPONENT_STATE_MAX,
        _COMPONENT_STATE_INVALID = -EINVAL,
} ComponentState;

/* "<major>.<minor>"; known is false for the ABI's "N/A". */
typedef struct LfaVersion {
        bool known;
        uint32_t major;
        uint32_t minor;
} LfaVersion;

/* last_error, split: "<ERRNO> <LFA_CODE> <RAW_X0> <CALL>". */
typedef struct LfaLastError {
        bool set;               /* false: the file was empty */
        int error;              /* positive errno, from the ERRNO field */
        char lfa_code[32];      /* e.g. "AUTH_ERROR", "NONE", "UNKNOWN" */
        int64_t raw_x0;
        char call[16];          /* PRIME, ACTIVATE, CANCEL, INVENTORY, NONE */
} LfaLastError;

/* Bits for ComponentObserver.component_changed(): which properties changed. */
typedef enum ComponentChange {
        COMPONENT_CHANGED_NAME                 = 1U << 0,
        COMPONENT_CHANGED_SEQ_ID               = 1U << 1,
        COMPONENT_CHANGED_CURRENT_VERSION      = 1U << 2,
        COMPONENT_CHANGED_PENDING_VERSION      = 1U << 3,
        COMPONENT_CHANGED_ACTIVATION_CAPABLE   = 1U << 4,
        COMPONENT_CHANGED_ACTIVATION_PENDING   = 1U << 5,
        COMPONENT_CHANGED_MAY_RESET_CPU        = 1U << 6,
        COMPONENT_CHANGED_CPU_RENDEZVOUS       = 1U << 7,
        COMPONENT_CHANGED_FORCE_CPU_RENDEZVOUS = 1U << 8,
        COMPONENT_CHANGED_STATE                = 1U << 9,
        COMPONENT_CHANGED_LAST_ERROR           = 1U << 10,
        COMPONENT_CHANGED_PARSE_ERROR          = 1U << 11,
        COMPONENT_CHANGED_DECISION             = 1U << 12, /* decision or its reason */
        COMPONENT_CHANGED_LAST_RESULT          = 1U << 13,
        COMPONENT_CHANGED_AUTO_ACTIVATE        = 1U << 14,
        COMPONENT_CHANGED_KERNEL_OVERRIDE      = 1U << 15,
} ComponentChange;

typedef struct Component {
        char uuid[UUID_STRING_MAX];     /* lowercase, the directory name */

        /* The ABI attributes. Valid where parse_error is NULL; after a
         * parse error the attributes that did parse are kept. */
        char *name;
        uint64_t seq_id;
        LfaVersion current_version;
        LfaVersion pending_version;
        bool activation_capable;
        bool activation_pending;
        bool may_reset_cpu;
        bool cpu_rendezvous;            /* 1: firmware requires the rendezvous */
        bool force_cpu_rendezvous;
        bool auto_activate;             /* false where the file is absent */
        ComponentState state;           /* idle where the file is absent */
        char *last_error_raw;           /* the file's line, "" when empty or absent */
        LfaLastError last_error;
        /* DRIVER_FEATURE_PRIME, _STATE, _LAST_ERROR, _SEQ_ID, _AUTO_ACTIVATE:
         * which of the optional files this component has. */
        unsigned features;

        /* NULL, or "<attribute>: <what is wrong>" for the first attribute
         * that could not be read or parsed. Such a component is shown but
         * never activated automatically. */
        char *parse_error;

        /* Only what sysfs shows. What lfad keeps of a component lives
         * with its owner, keyed by uuid: the policy's decision and the
         * retries (scheduler.h), lfad's last attempt (manager.h), what lfad
         * wrote to the kernel's settings and put back (kernel-settings.h). */
} Component;

/* Whether the activation just done left the driver showing the entry as it
 * was before it (before: lfad's view then, after: the re-read). */
bool component_activation_unconfirmed(const Component *before, const Component *after);

Component *component_free(Component *c);
DEFINE_POINTER_CLEANUP_FUNC_FREE(Component, component_free);

/*
 * Read every attribute of <root>/<uuid>/. Returns 0 and a component on
 * success *and* when a value is garbage (then ->parse_error says which and
 * why); -ENOENT when the directory is gone or a file answers -ENODEV (the
 * component vanished, its directory not yet), -ENOMEM. Reads failing with
 * EAGAIN are retried a few times.
 */
int inventory_read_component(const char *root, const char *uuid, Component **ret);

/*
 * Re-read of a component lfad knows, after the driver refreshed its
 * inventory (a store-updated or changed uevent): only what a refresh may
 * change, the entry's sequence id, versions and flags and the state, and
 * auto_activate, which lfad keeps 0; name, force_cpu_rendezvous (read
 * before each activation), last_error and the features are taken from
 * known. A full read if known had a parse error. Returns as
 * inventory_read_component().
 */
int inventory_reread_component(const char *root, const Component *known, Component **ret);

/*
 * inventory_read_component() for each of uuids[0..n): components[i] and
 * errors[i] are what it gives for uuids[i] (NULL and the negative errno on
 * failure). The reads are independent, so a large inventory is read on a
 * few threads (one per CPU, at most a handful); the caller merges the
 * results into its model on its own thread, as it would one read's.
 */
void inventory_read_components(const char *root, char *const *uuids, size_t n, Component **components,
                               int *errors);

/* The lowercase UUIDs of the directories under root, sorted. An empty or
 * missing root gives an empty list (the module may not be loaded). */
int inventory_list(const char *root, char ***ret);

/* <root>/version, e.g. "1.0"; -ENOENT if missing, -EBADMSG if not N.N. */
int inventory_read_abi_version(const char *root, char **ret);

/* The longest value of an attribute, its newline and NUL included. */
#define INVENTORY_ATTR_MAX 256

/* <root>/<uuid>/<attr> read now, without its newline, into buf: -EFBIG if
 * longer, -EBADMSG if it holds a NUL, EAGAIN retried as in
 * inventory_read_component(), else the open's or read's errno. */
int inventory_read_attribute(const char *root, const char *uuid, const char *attr,
                             char buf[static INVENTORY_ATTR_MAX]);

/* inventory_read_attribute() of a 0/1 attribute: -EINVAL if it is
 * neither. */
int inventory_read_bool_attribute(const char *root, const char *uuid, const char *attr, bool *ret);

/* Write value to <root>/<uuid>/<attr> (uuid may be NULL for root files). */
int inventory_write_attribute(const char *root, const char *uuid, const char *attr,
                              const char *value);

/* Write "1" to the driver's <root>/refresh: it re-reads the inventory from
 * the firmware (GET_INFO, a GET_INVENTORY per component). Its errno (the
 * firmware's code through the driver's ERRNO TABLE) is logged as a failed
 * re-read; the driver then keeps its cached inventory, and so do we. */
int inventory_refresh(const char *root);

/* Which properties differ, as a ComponentChange mask (attributes only). */
unsigned component_diff(const Component *a, const Component *b);

/* Move the attributes of src into dst (the re-read of a component lfad
 * holds, whose address others keep). src is emptied. */
void component_update_from(Component *dst, Component *src);

/*
 * Per-UUID state kept outside Component (the scheduler's, kernel-settings'):
 * an array of n elements of size bytes, each starting with a char
 * uuid[UUID_STRING_MAX], sorted by it. uuid_array_index() bisects: the index
 * of uuid (*ret_found true) or where it goes. uuid_array_find(): uuid's
 * element, NULL if none. uuid_array_get(): uuid's element, made zeroed
 * where it goes if missing (*base, a void * of the caller's, may move);
 * NULL on OOM, *base and *n then unchanged.
 * uuid_array_remove() drops element at (its own resources are the caller's).
 */
size_t uuid_array_index(const void *base, size_t n, size_t size, const char *uuid, bool *ret_found);
void *uuid_array_find(const void *base, size_t n, size_t size, const char *uuid);
void *uuid_array_get(void **base, size_t *n, size_t size, const char *uuid);
void uuid_array_remove(void *base, size_t *n, size_t size, size_t at);

bool uuid_is_valid(const char *s);
/* Lowercase copy of a valid UUID in any case; -EINVAL if malformed. */
int uuid_normalize(const char *s, char ret[static UUID_STRING_MAX]);

const char *component_state_to_string(ComponentState s) _pure_;
ComponentState component_state_from_string(const char *s) _pure_;

/* "1.2" or "N/A" into buf. */
const char *lfa_version_to_string(const LfaVersion *v, char buf[static 24]);

/* Parsers the reader uses, exposed for the unit tests. Each returns 0 or
 * -EINVAL/-ERANGE and leaves *ret untouched on error. Input is the file
 * content with at most one trailing newline. */
int parse_lfa_bool(const char *s, bool *ret);
int parse_lfa_u64(const char *s, uint64_t *ret);
int parse_lfa_version(const char *s, LfaVersion *ret);
int parse_lfa_last_error(const char *s, LfaLastError *ret);
