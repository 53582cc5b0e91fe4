/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Which LFA driver serves /sys/firmware/lfa, and what it can do, found by
 * what exists in sysfs (never by a version number):
 *   - extended: lfa.ko with its extensions; it has the top-level `version`.
 *   - upstream: Arm's lfa_fw (CONFIG_ARM_LFA), or lfa.ko with extensions=0;
 *     eleven files per component at most, nothing at the top, no uevents
 *     for the components.
 *   - none: no /sys/firmware/lfa at all.
 * Each extension is used only where its file exists; the driver module is
 * named by /sys/module. Also the driver's errnos: what the single write to
 * `activate` or `prime` means on each ABI.
 */

#include <stdbool.h>

#include "macro.h"

typedef enum DriverAbi {
        DRIVER_ABI_NONE,
        DRIVER_ABI_EXTENDED,
        DRIVER_ABI_UPSTREAM,
        _DRIVER_ABI_MAX,
        _DRIVER_ABI_INVALID = -EINVAL,
} DriverAbi;

typedef enum DriverFeature {
        DRIVER_FEATURE_PRIME             = 1U << 0, /* per component `prime` */
        DRIVER_FEATURE_CANCEL_PRIMING    = 1U << 1, /* `cancel` stops a priming */
        DRIVER_FEATURE_STATE             = 1U << 2,
        DRIVER_FEATURE_LAST_ERROR        = 1U << 3,
        DRIVER_FEATURE_SEQ_ID            = 1U << 4,
        DRIVER_FEATURE_REFRESH           = 1U << 5, /* top-level `refresh` */
        DRIVER_FEATURE_COMPONENT_UEVENTS = 1U << 6,
        DRIVER_FEATURE_AUTO_ACTIVATE     = 1U << 7, /* the kernel may activate by itself */
        _DRIVER_FEATURE_ALL              = (1U << 8) - 1,
} DriverFeature;

#define DRIVER_MODULE_MAX 16

typedef struct DriverInfo {
        DriverAbi abi;
        char module[DRIVER_MODULE_MAX]; /* "lfa", "lfa_fw", or "" (built in, unknown) */
        unsigned features;              /* DriverFeature bits */
} DriverInfo;

/*
 * Look at sysfs_root (normally /sys/firmware/lfa) and module_root (normally
 * /sys/module). Per-component features come from the first component
 * directory: with none yet, none of them is claimed (the manager probes
 * again on every re-read). Never fails: what cannot be read does not exist.
 */
void driver_probe(const char *sysfs_root, const char *module_root, DriverInfo *ret);

static inline bool driver_has(const DriverInfo *d, DriverFeature f) {
        return (d->features & f) == f;
}

/* "extended", "upstream", "none". */
const char *driver_abi_to_string(DriverAbi a) _pure_;
DriverAbi driver_abi_from_string(const char *s) _pure_;
/* The name of one feature bit, "prime", "cancel-priming", ...; NULL otherwise. */
const char *driver_feature_to_string(DriverFeature f) _pure_;
/* NULL-terminated names of the bits set, in bit order, into ret (9 slots). */
void driver_features_to_strv(unsigned features, const char *ret[static 9]);

/*
 * What the return of a write to `activate` or `prime` means, as the job
 * reports it. error is the write's negative errno (0: success).
 */
typedef struct DriverOutcome {
        int error;              /* the negative errno reported (0: success) */
        bool firmware_failed;   /* a firmware failure the driver does not name */
        const char *lfa_code;   /* when known from the errno alone, else NULL */
        const char *detail;     /* a sentence for the message, or NULL */
} DriverOutcome;

/*
 * Upstream's driver answers -ECANCELED for every failure (an LFA error, which
 * only its kernel log names; nothing pending; may_reset_cpu) and -EBUSY at
 * once while another activation runs, -EAGAIN in older versions: the
 * kernel's own activation (auto_activate) or another writer. lfa.ko's
 * errnos are those of driver/Documentation/admin-guide/lfa.rst and say what
 * happened; -ECANCELED there means cancelled.
 */
void driver_write_outcome(DriverAbi abi, int error, DriverOutcome *ret);
