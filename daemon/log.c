/* SPDX-License-Identifier: GPL-2.0-or-later */

#define SD_JOURNAL_SUPPRESS_LOCATION 1

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-journal.h>

#include "log.h"

static int max_level = LOG_INFO;
static bool to_journal;

void log_set_max_level(int level) {
        max_level = level;
}

int log_get_max_level(void) {
        return max_level;
}

void log_open(void) {
        /* systemd sets JOURNAL_STREAM when stderr is connected to the
         * journal; only then are structured fields worth sending. */
        to_journal = !!getenv("JOURNAL_STREAM");
}

static const char *level_prefix(int level) {
        switch (level) {
        case LOG_DEBUG:
                return "debug: ";
        case LOG_INFO:
        case LOG_NOTICE:
                return "";
        case LOG_WARNING:
                return "warning: ";
        default:
                return "error: ";
        }
}

int log_internal(int level, int error, const char *file, int line, const char *func,
                 const char *format, ...) {
        char buf[2048];
        va_list ap;

        error = abs(error);
        if (level > max_level)
                return -error;

        /* %m in the format refers to the error we were given. */
        errno = error;
        va_start(ap, format);
        (void) vsnprintf(buf, sizeof(buf), format, ap);
        va_end(ap);

        if (to_journal) {
                char l[16];

                (void) snprintf(l, sizeof(l), "%d", line);
                (void) sd_journal_send("MESSAGE=%s", buf,
                                       "PRIORITY=%d", level,
                                       "CODE_FILE=%s", file,
                                       "CODE_LINE=%s", l,
                                       "CODE_FUNC=%s", func,
                                       error > 0 ? "ERRNO=%d" : NULL, error,
                                       NULL);
        } else
                fprintf(stderr, "lfad: %s%s\n", level_prefix(level), buf);

        errno = error;
        return -error;
}

void log_event(int level, const char *message_id, const char *uuid, const char *result,
               const char *format, ...) {
        char buf[2048];
        va_list ap;

        if (level > max_level)
                return;

        va_start(ap, format);
        (void) vsnprintf(buf, sizeof(buf), format, ap);
        va_end(ap);

        if (to_journal) {
                /* sd_journal_send() stops at the first NULL format, so the
                 * optional fields are passed as empty-valued ones only when
                 * set, by choosing a different call. */
                if (uuid && result)
                        (void) sd_journal_send("MESSAGE=%s", buf, "PRIORITY=%d", level,
                                               "MESSAGE_ID=%s", message_id,
                                               "LFA_UUID=%s", uuid, "LFA_RESULT=%s", result,
                                               NULL);
                else if (uuid)
                        (void) sd_journal_send("MESSAGE=%s", buf, "PRIORITY=%d", level,
                                               "MESSAGE_ID=%s", message_id,
                                               "LFA_UUID=%s", uuid, NULL);
                else if (result)
                        (void) sd_journal_send("MESSAGE=%s", buf, "PRIORITY=%d", level,
                                               "MESSAGE_ID=%s", message_id,
                                               "LFA_RESULT=%s", result, NULL);
                else
                        (void) sd_journal_send("MESSAGE=%s", buf, "PRIORITY=%d", level,
                                               "MESSAGE_ID=%s", message_id, NULL);
                return;
        }

        fprintf(stderr, "lfad: %s%s [MESSAGE_ID=%s%s%s%s%s]\n", level_prefix(level), buf,
                message_id,
                uuid ? " LFA_UUID=" : "", strempty(uuid),
                result ? " LFA_RESULT=" : "", strempty(result));
}

const char *escape_value(const char *v, char out[static ESCAPE_VALUE_MAX]) {
        char *o = out;

        for (size_t i = 0; v[i] && i < 64; i++) {
                unsigned char ch = (unsigned char) v[i];

                if (ch < 0x20 || ch >= 0x7f || ch == '\\')
                        o += sprintf(o, "\\x%02x", ch);
                else
                        *o++ = (char) ch;
        }
        *o = 0;
        return out;
}

/* Every errno the driver names in last_error and LFA_ERRNO= (the tables of
 * driver/Documentation/admin-guide/lfa.rst, "Errors", checked by
 * tests/unit/check-errno-table.py), and lfad's own. */
static const struct {
        int error;
        const char *name;
} errno_names[] = {
        { EPERM, "EPERM" },
        { ENOENT, "ENOENT" },
        { EINTR, "EINTR" },
        { EIO, "EIO" },
        { ENOMEM, "ENOMEM" },
        { EFAULT, "EFAULT" },
        { EBUSY, "EBUSY" },
        { ENODEV, "ENODEV" },
        { EINVAL, "EINVAL" },
        { EAGAIN, "EAGAIN" },
        { EXDEV, "EXDEV" },
        { ENOLCK, "ENOLCK" },
        { ENODATA, "ENODATA" },
        { EPROTO, "EPROTO" },
        { EBADMSG, "EBADMSG" },
        { EBADFD, "EBADFD" },
        { EOPNOTSUPP, "EOPNOTSUPP" },
        { ETIMEDOUT, "ETIMEDOUT" },
        { EALREADY, "EALREADY" },
        { ECANCELED, "ECANCELED" },
        { EKEYREJECTED, "EKEYREJECTED" },
        { EREMOTEIO, "EREMOTEIO" },
        { ENOTRECOVERABLE, "ENOTRECOVERABLE" },
};

const char *errno_name(int error) {
        error = abs(error);
        for (size_t i = 0; i < ELEMENTSOF(errno_names); i++)
                if (errno_names[i].error == error)
                        return errno_names[i].name;
        return NULL;
}

int errno_from_name(const char *name) {
        if (!name)
                return -EINVAL;
        /* ENOTSUP is the same number as EOPNOTSUPP on Linux. */
        if (strcmp(name, "ENOTSUP") == 0)
                return EOPNOTSUPP;
        for (size_t i = 0; i < ELEMENTSOF(errno_names); i++)
                if (strcmp(errno_names[i].name, name) == 0)
                        return errno_names[i].error;
        return -EINVAL;
}
