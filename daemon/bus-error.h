/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <systemd/sd-bus.h>

#include "driver.h"

/* org.lfa.Error.*: the names of dbus/org.lfa.Manager.xml. */
#define LFA_ERROR_NOT_FOUND           "org.lfa.Error.NotFound"
#define LFA_ERROR_NOT_CAPABLE         "org.lfa.Error.NotCapable"
#define LFA_ERROR_NOT_PENDING         "org.lfa.Error.NotPending"
#define LFA_ERROR_BUSY                "org.lfa.Error.Busy"
#define LFA_ERROR_MAY_RESET_CPU       "org.lfa.Error.MayResetCpu"
#define LFA_ERROR_RENDEZVOUS_REQUIRED "org.lfa.Error.RendezvousRequired"
#define LFA_ERROR_FIRMWARE_ERROR      "org.lfa.Error.FirmwareError"
#define LFA_ERROR_TIMEOUT             "org.lfa.Error.Timeout"
#define LFA_ERROR_INHIBITED           "org.lfa.Error.Inhibited"
#define LFA_ERROR_INVALID_POLICY      "org.lfa.Error.InvalidPolicy"
#define LFA_ERROR_CANCELLED           "org.lfa.Error.Cancelled"
#define LFA_ERROR_NOT_SUPPORTED       "org.lfa.Error.NotSupported"
/* LFA_ERROR_ACCESS_DENIED is in polkit.h, which sets it. */

/* The map registered on the bus (sd_bus_error_add_map), name <-> errno. */
extern const sd_bus_error_map lfa_bus_error_map[];

/*
 * The D-Bus error name for one of the manager's negative errnos (see
 * manager.h); NULL for the driver's firmware errnos and anything else.
 * sd_bus_error_set_errno() is not used for this: its built-in table turns
 * ENOENT, EPERM, EOPNOTSUPP, ETIMEDOUT and EBADMSG into generic
 * org.freedesktop.DBus.Error.* names before the map is consulted.
 */
const char *bus_error_name_from_errno(int error);

/* A sentence for the manager's errnos, NULL for others. */
const char *bus_error_describe(int error);

/*
 * Sets e for a failed action: the org.lfa.Error.* name of error, or
 * FirmwareError naming lfa_code (may be NULL) and the errno for the driver's
 * errnos. message (may be NULL) becomes the text. Returns -abs(error).
 */
int bus_error_set(sd_bus_error *e, int error, const char *lfa_code, const char *message);

/* FirmwareError "what (ERRNO)" for a write the firmware's answer failed
 * (Refresh's re-read of the inventory), whatever its errno: EBUSY,
 * EOPNOTSUPP or ENOMEM there are the firmware's GET_INFO/GET_INVENTORY
 * answers, not Busy, NotCapable or NoMemory. */
int bus_error_set_firmware(sd_bus_error *e, int error, const char *what);

/*
 * The one mapping from the outcome of a prime or activation to what a caller
 * sees, used by the method replies and the ActivationFinished signal alike:
 * sets e to the org.lfa.Error.* name and the message. A firmware answer
 * (an LFA code in the driver's last_error) names the code, its errno and the
 * call that got it: FirmwareError, or Busy / NotCapable for BUSY and
 * NOT_SUPPORTED; a timeout of the driver names the call whose budget ran
 * out. The driver's errnos never become generic org.freedesktop.DBus.Error.*
 * names (its ENOMEM is the firmware's NO_MEMORY, not lfad out of memory).
 * Leaves e unset and returns 0 for a success, else returns -abs(r->error).
 */
typedef struct ActivationResult ActivationResult;
int bus_error_set_result(sd_bus_error *e, const ActivationResult *r);

/*
 * Sets e for a failed write to one of the driver's control files outside a
 * prime or activation ("cancel"): the manager's names where the errno means
 * what it means there, else FirmwareError naming the LFA code the driver's
 * ERRNO TABLE gives for the errno. firmware: the manager found the errno to
 * be the firmware's answer, not the kernel's own (for EBUSY: the firmware's
 * BUSY, not "a sequence runs in the driver"). prefix (may be NULL) starts
 * the message. Returns -abs(error).
 */
int bus_error_set_driver_write(sd_bus_error *e, int error, bool firmware, DriverAbi abi, const char *prefix);
