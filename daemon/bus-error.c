/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bus-error.h"
#include "log.h"
#include "orchestrator.h"
#include "polkit.h"

/* One table, read both ways: clients map names to errnos through
 * sd_bus_error_add_map(), lfad maps its errnos to names through
 * bus_error_name_from_errno(). FirmwareError stands for every errno of the
 * driver's errno table (driver/Documentation/admin-guide/lfa.rst); EIO is
 * its representative. */
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

/* FirmwareError "what (ERRNO)" for a write the firmware's answer failed
 * (Refresh's re-read of the inventory), whatever its errno: EBUSY,
 * EOPNOTSUPP or ENOMEM there are the firmware's GET_INFO/GET_INVENTORY
 * answers, not Busy, NotCapable or NoMemory. */
int bus_error_set_firmware(sd_bus_error *e, int error, const char *what) {
        sd_bus_error_setf(e, LFA_ERROR_FIRMWARE_ERROR, "%s (%s)", what, errno_name(error) ?: "EIO");
        return -abs(error);
}

/* The driver's ERRNO TABLE: each LFA code, its errno, and what it means to
 * the caller. A copy of lfa.rst's table (driver/Documentation/admin-guide/),
 * checked by tests/unit/check-errno-table.py. */
static const struct {
        const char *code;
        int error;
        const char *meaning;
} lfa_codes[] = {
        { "NOT_SUPPORTED",         EOPNOTSUPP,      "it cannot activate this component live" },
        { "BUSY",                  EBUSY,           "it is busy; try again later" },
        { "AUTH_ERROR",            EKEYREJECTED,    "the image failed authentication" },
        { "NO_MEMORY",             ENOMEM,          "it is out of memory" },
        { "CRITICAL_ERROR",        ENOTRECOVERABLE, "it is in a critical state" },
        { "DEVICE_ERROR",          EIO,             "a firmware or device error" },
        { "WRONG_STATE",           EPROTO,          "the LFA agent is in the wrong state" },
        { "INVALID_PARAMETERS",    EINVAL,          "wrong sequence id or call order" },
        { "COMPONENT_WRONG_STATE", EBADFD,          "the component is not ready (e.g. half primed)" },
        { "INVALID_ADDRESS",       EFAULT,          "bad entry point" },
        { "ACTIVATION_FAILED",     EREMOTEIO,       "the activation failed or was cancelled in the holding pen" },
};

static const char *lfa_code_meaning(const char *code) {
        for (size_t i = 0; i < ELEMENTSOF(lfa_codes); i++)
                if (strcmp(lfa_codes[i].code, code) == 0)
                        return lfa_codes[i].meaning;
        return NULL;
}

static const char *lfa_code_from_errno(int error) {
        for (size_t i = 0; i < ELEMENTSOF(lfa_codes); i++)
                if (lfa_codes[i].error == abs(error))
                        return lfa_codes[i].code;
        return NULL;
}

/* The name a driver's errno takes: the manager's where it means the same
 * (BUSY, NOT_SUPPORTED, a refusal), else FirmwareError; never generic. */
static const char *driver_error_name(int error) {
        return bus_error_name_from_errno(error) ?: LFA_ERROR_FIRMWARE_ERROR;
}

/* The firmware answered the call with an LFA code (x0 outside the table:
 * UNKNOWN, the raw value kept). */
static int set_firmware_answer(sd_bus_error *e, const ActivationResult *r, const char *action,
                               const char *ename) {
        const LfaLastError *le = r->last_error;
        const char *meaning = lfa_code_meaning(le->lfa_code);

        if (!meaning)
                sd_bus_error_setf(e, driver_error_name(r->error),
                                  "%s failed: the firmware answered %s with %" PRIi64 ", which is no LFA code "
                                  "(%s %s)", action, le->call, le->raw_x0, le->lfa_code, ename);
        else
                sd_bus_error_setf(e, driver_error_name(r->error),
                                  "%s failed: the firmware answered %s with %s (%s): %s", action, le->call,
                                  le->lfa_code, ename, meaning);
        return -abs(r->error);
}

int bus_error_set_result(sd_bus_error *e, const ActivationResult *r) {
        const LfaLastError *le = r->last_error;
        const char *ename = errno_name(r->error) ?: "EIO";
        const char *action = job_action_to_string(r->action) ?: "activate";

        if (r->error == 0)
                return 0;

        /* Upstream's -ECANCELED: only the kernel log names the LFA code. */
        if (r->firmware_failed) {
                sd_bus_error_setf(e, LFA_ERROR_FIRMWARE_ERROR, "%s (UNKNOWN %s)", strna(r->message), ename);
                return -abs(r->error);
        }

        if (le && strcmp(le->lfa_code, "NONE") != 0)
                return set_firmware_answer(e, r, action, ename);

        /* The kernel, not the firmware, ended it. */
        switch (abs(r->error)) {
        case ETIMEDOUT:
                if (le && strcmp(le->call, "PRIME") == 0)
                        sd_bus_error_setf(e, LFA_ERROR_TIMEOUT,
                                          "%s failed: PRIME answered CALL_AGAIN until the driver's prime_budget_ms "
                                          "ran out; it issued CANCEL (ETIMEDOUT)", action);
                else if (le && strcmp(le->call, "ACTIVATE") == 0)
                        sd_bus_error_setf(e, LFA_ERROR_TIMEOUT,
                                          "%s failed: ACTIVATE answered CALL_AGAIN or BUSY until the driver's "
                                          "activate_budget_ms ran out; it issued CANCEL (ETIMEDOUT)", action);
                else
                        sd_bus_error_setf(e, LFA_ERROR_TIMEOUT, "%s", r->message ?: bus_error_describe(ETIMEDOUT));
                return -ETIMEDOUT;
        case EBUSY:
                sd_bus_error_setf(e, LFA_ERROR_BUSY, "%s failed: the kernel reported busy (EBUSY, LFA code NONE): %s",
                                  action, r->detail ?: "the driver runs another prime or activation");
                return -EBUSY;
        default:
                break;
        }

        if (bus_error_name_from_errno(r->error))
                return bus_error_set(e, r->error, NULL, r->message);
        /* Any other errno is the driver's (its ENOMEM included), never lfad's. */
        sd_bus_error_setf(e, LFA_ERROR_FIRMWARE_ERROR, "%s (%s %s)", strna(r->message), r->lfa_code ?: "NONE",
                          ename);
        return -abs(r->error);
}

int bus_error_set_driver_write(sd_bus_error *e, int error, bool firmware, DriverAbi abi, const char *prefix) {
        const char *ename = errno_name(error) ?: "EIO", *code = lfa_code_from_errno(error);

        prefix = prefix ?: "";
        error = abs(error);
        if (bus_error_name_from_errno(error) && error != EBUSY && error != EOPNOTSUPP)
                sd_bus_error_setf(e, bus_error_name_from_errno(error), "%s%s", prefix, bus_error_describe(error));
        else if (error == EBUSY && firmware)
                /* lfa.ko's EBUSY with no sequence running is the firmware's
                 * BUSY answer (to CANCEL), not the kernel's. */
                sd_bus_error_setf(e, LFA_ERROR_BUSY, "%sthe firmware answered CANCEL with BUSY (EBUSY): it is busy; "
                                  "try again later", prefix);
        else if (error == EBUSY)
                sd_bus_error_setf(e, LFA_ERROR_BUSY, "%sthe kernel reported busy (EBUSY): a sequence runs in the "
                                  "driver (or, for cancel, this one is activating)", prefix);
        else if (abi == DRIVER_ABI_UPSTREAM && error == EINVAL)
                /* Arm's driver answers EINVAL to every firmware error of CANCEL. */
                sd_bus_error_setf(e, LFA_ERROR_FIRMWARE_ERROR, "%sthe firmware refused (EINVAL); the driver does not "
                                  "say why, the kernel log names the LFA error", prefix);
        else if (code)
                sd_bus_error_setf(e, driver_error_name(error), "%sthe driver returned %s (%s in its ERRNO TABLE: %s)",
                                  prefix, ename, code, lfa_code_meaning(code));
        else
                sd_bus_error_setf(e, LFA_ERROR_FIRMWARE_ERROR, "%sthe driver returned %s (%s, LFA code NONE)", prefix,
                                  strerror(error), ename);
        return -error;
}
