/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <errno.h>
#include <string.h>

#include "bus-error.h"
#include "log.h"
#include "orchestrator.h"
#include "polkit.h"

/* One table, read both ways: clients map names to errnos through
 * sd_bus_error_add_map(), lfad maps its errnos to names through
 * bus_error_name_from_errno(). FirmwareError stands for every errno of the
 * driver's ERRNO TABLE; EIO is its representative. */
const sd_bus_error_map lfa_bus_error_map[] = {
        SD_BUS_ERROR_MAP(LFA_ERROR_NOT_FOUND,           ENOENT),
        SD_BUS_ERROR_MAP(LFA_ERROR_NOT_CAPABLE,         EOPNOTSUPP),
        SD_BUS_ERROR_MAP(LFA_ERROR_NOT_PENDING,         ENODATA),
        SD_BUS_ERROR_MAP(LFA_ERROR_BUSY,                EBUSY),
        SD_BUS_ERROR_MAP(LFA_ERROR_MAY_RESET_CPU,       EPERM),
        SD_BUS_ERROR_MAP(LFA_ERROR_RENDEZVOUS_REQUIRED, EXDEV),
        SD_BUS_ERROR_MAP(LFA_ERROR_TIMEOUT,             ETIMEDOUT),
        SD_BUS_ERROR_MAP(LFA_ERROR_INHIBITED,           ENOLCK),
        SD_BUS_ERROR_MAP(LFA_ERROR_INVALID_POLICY,      EBADMSG),
        SD_BUS_ERROR_MAP(LFA_ERROR_CANCELLED,           ECANCELED),
        SD_BUS_ERROR_MAP(LFA_ERROR_ACCESS_DENIED,       EACCES),
        SD_BUS_ERROR_MAP(LFA_ERROR_NOT_SUPPORTED,       ENOSYS),
        SD_BUS_ERROR_MAP(LFA_ERROR_FIRMWARE_ERROR,      EIO),
        SD_BUS_ERROR_MAP_END
};

const char *bus_error_name_from_errno(int error) {
        error = error < 0 ? -error : error;

        /* EIO is a firmware errno like the others: not looked up here. */
        for (const sd_bus_error_map *i = lfa_bus_error_map; i->name; i++)
                if (i->code == error && i->code != EIO)
                        return i->name;
        return NULL;
}

const char *bus_error_describe(int error) {
        switch (error < 0 ? -error : error) {
        case ENOENT:
                return "No such component";
        case EOPNOTSUPP:
                return "The firmware cannot activate this component live";
        case ENODATA:
                return "No new image is pending for this component";
        case EBUSY:
                return "Another prime or activation is running";
        case EPERM:
                return "Activating this component may reset a CPU, which lfad never does";
        case EXDEV:
                return "The firmware requires the CPU rendezvous for this component";
        case ETIMEDOUT:
                return "The driver's time budget ran out; the sequence was cancelled";
        case ENOLCK:
                return "Automatic activation is inhibited";
        case EBADMSG:
                return "The policy is invalid";
        case ECANCELED:
                return "Cancelled";
        case EACCES:
                return "Access denied";
        case ENOSYS:
                return "The LFA driver in use cannot do this";
        default:
                return NULL;
        }
}

int bus_error_set(sd_bus_error *e, int error, const char *lfa_code, const char *message) {
        const char *name, *ename;

        error = error < 0 ? -error : error;
        if (error == ENOMEM)
                return sd_bus_error_set_errno(e, error);

        name = bus_error_name_from_errno(error);
        if (name)
                return sd_bus_error_setf(e, name, "%s", message ?: bus_error_describe(error));

        /* The driver's errno table: say which LFA code and errno it was. */
        ename = errno_name(error);
        if (message)
                sd_bus_error_setf(e, LFA_ERROR_FIRMWARE_ERROR, "%s (%s %s)", message,
                                  lfa_code ?: "NONE", ename ?: "EIO");
        else
                sd_bus_error_setf(e, LFA_ERROR_FIRMWARE_ERROR, "Firmware error %s (%s)",
                                  lfa_code ?: "NONE", ename ?: "EIO");
        return -error;
}

int bus_error_set_firmware(sd_bus_error *e, int error, const char *what) {
        sd_bus_error_setf(e, LFA_ERROR_FIRMWARE_ERROR, "%s (%s)", what, errno_name(error) ?: "EIO");
        return -abs(error);
}

/* last_error's LFA_CODE: NONE when the kernel ended the sequence. */
static bool lfa_code_from_firmware(const char *code) {
        return code && *code && strcmp(code, "NONE") != 0 && strcmp(code, "-") != 0;
}

int bus_error_set_result(sd_bus_error *e, const ActivationResult *r) {
        const char *ename = errno_name(r->error);

        /* The driver returns some errnos of its ERRNO TABLE for reasons of
         * its own too (EBUSY: another sequence runs; EOPNOTSUPP: not
         * capable): a code from the firmware says the firmware answered. */
        if (!r->firmware_failed && !lfa_code_from_firmware(r->lfa_code))
                return bus_error_set(e, r->error, r->lfa_code, r->message);
        sd_bus_error_setf(e, LFA_ERROR_FIRMWARE_ERROR, "%s (%s %s)", strna(r->message), r->lfa_code ?: "UNKNOWN",
                          ename ?: "EIO");
        return -abs(r->error);
}
