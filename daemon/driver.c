/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "inventory.h"

static const char *const driver_abi_table[_DRIVER_ABI_MAX] = {
        [DRIVER_ABI_NONE] = "none",
        [DRIVER_ABI_EXTENDED] = "extended",
        [DRIVER_ABI_UPSTREAM] = "upstream",
};

const char *driver_abi_to_string(DriverAbi a) {
        return a >= 0 && a < _DRIVER_ABI_MAX ? driver_abi_table[a] : NULL;
}

DriverAbi driver_abi_from_string(const char *s) {
        return (DriverAbi) string_table_lookup(driver_abi_table, _DRIVER_ABI_MAX, s);
}

/* In bit order: the order DriverFeatures lists them in. */
static const char *const driver_feature_table[] = {
        "prime",
        "cancel-priming",
        "state",
        "last-error",
        "seq-id",
        "refresh",
        "component-uevents",
        "auto-activate",
};

const char *driver_feature_to_string(DriverFeature f) {
        for (size_t i = 0; i < ELEMENTSOF(driver_feature_table); i++)
                if (f == (DriverFeature) (1U << i))
                        return driver_feature_table[i];
        return NULL;
}

void driver_features_to_strv(unsigned features, const char *ret[static 9]) {
        size_t n = 0;

        for (size_t i = 0; i < ELEMENTSOF(driver_feature_table); i++)
                if (features & (1U << i))
                        ret[n++] = driver_feature_table[i];
        ret[n] = NULL;
}

static bool exists_at(int dir_fd, const char *name) {
        return faccessat(dir_fd, name, F_OK, 0) >= 0;
}

/* The features a component directory shows by its files. */
static unsigned probe_component(int root_fd, const char *uuid) {
        static const struct {
                const char *file;
                DriverFeature feature;
        } files[] = {
                { "prime", DRIVER_FEATURE_PRIME },
                { "state", DRIVER_FEATURE_STATE },
                { "last_error", DRIVER_FEATURE_LAST_ERROR },
                { "seq_id", DRIVER_FEATURE_SEQ_ID },
                { "auto_activate", DRIVER_FEATURE_AUTO_ACTIVATE },
        };
        _cleanup_close_ int fd = -EBADF;
        unsigned f = 0;

        fd = openat(root_fd, uuid, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(files); i++)
                if (exists_at(fd, files[i].file))
                        f |= files[i].feature;
        return f;
}

/* The first directory named by a UUID, in readdir() order: any component
 * tells what the driver offers, they all have the same files. */
static unsigned probe_first_component(int root_fd) {
        _cleanup_close_ int fd = -EBADF;
        struct dirent *de;
        unsigned f = 0;
        DIR *d;

        fd = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return 0;
        d = fdopendir(fd);
        if (!d)
                return 0;
        TAKE_FD(fd);
        while ((de = readdir(d)))
                if (uuid_is_valid(de->d_name)) {
                        f = probe_component(root_fd, de->d_name);
                        break;
                }
        closedir(d);
        return f;
}

static void probe_module(const char *module_root, char ret[static DRIVER_MODULE_MAX]) {
        /* lfa.ko and Arm's driver cannot both hold /sys/firmware/lfa; if
         * both modules are loaded, ours is the one that stepped aside. */
        static const char *const modules[] = { "lfa_fw", "lfa" };
        char path[PATH_MAX];

        ret[0] = 0;
        for (size_t i = 0; i < ELEMENTSOF(modules); i++) {
                if ((size_t) snprintf(path, sizeof(path), "%s/%s", module_root, modules[i]) >= sizeof(path))
                        continue;
                if (access(path, F_OK) >= 0) {
                        snprintf(ret, DRIVER_MODULE_MAX, "%s", modules[i]);
                        return;
                }
        }
}

void driver_probe(const char *sysfs_root, const char *module_root, DriverInfo *ret) {
        _cleanup_close_ int root_fd = -EBADF;
        DriverInfo d = {};

        probe_module(module_root, d.module);
        root_fd = open(sysfs_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0) {
                d.abi = DRIVER_ABI_NONE;
                *ret = d;
                return;
        }
        if (exists_at(root_fd, "version")) {
                /* Only lfa.ko with its extensions has top-level files; its
                 * components send uevents and its cancel stops a priming. */
                d.abi = DRIVER_ABI_EXTENDED;
                d.features |= DRIVER_FEATURE_COMPONENT_UEVENTS | DRIVER_FEATURE_CANCEL_PRIMING;
        } else
                d.abi = DRIVER_ABI_UPSTREAM;
        if (exists_at(root_fd, "refresh"))
                d.features |= DRIVER_FEATURE_REFRESH;
        d.features |= probe_first_component(root_fd);
        *ret = d;
}

void driver_write_outcome(DriverAbi abi, int error, DriverOutcome *ret) {
        DriverOutcome o = { .error = error };

        if (error == 0) {
                *ret = o;
                return;
        }
        if (abi == DRIVER_ABI_UPSTREAM) {
                switch (error) {
                case -ECANCELED:
                        o.firmware_failed = true;
                        o.lfa_code = "UNKNOWN";
                        o.detail = "the driver does not say why; the kernel log names the LFA error";
                        break;
                case -EAGAIN: /* upstream's versions before -EBUSY */
                case -EBUSY:
                        o.error = -EBUSY;
                        o.detail = "the kernel runs another activation (its own, for an auto_activate "
                                   "component, or another writer's)";
                        break;
                default:
                        break;
                }
        }
        *ret = o;
}
