/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <syslog.h>

#include "macro.h"

/*
 * Logging in systemd's habits. Messages go to stderr unless JOURNAL_STREAM is
 * set (we run under systemd), then to the journal. log_*_errno() set errno
 * for %m and return -abs(error), so `return log_error_errno(r, "...")` works.
 */

void log_set_max_level(int level);
int log_get_max_level(void);
/* Re-evaluates JOURNAL_STREAM; called once from main() and by tests. */
void log_open(void);

int log_internal(int level, int error, const char *file, int line, const char *func,
                 const char *format, ...) _printf_(6, 7);

#define log_full_errno(level, error, ...) \
        log_internal((level), (error), __FILE__, __LINE__, __func__, __VA_ARGS__)

#define log_debug(...)   log_full_errno(LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(...)    log_full_errno(LOG_INFO, 0, __VA_ARGS__)
#define log_warning(...) log_full_errno(LOG_WARNING, 0, __VA_ARGS__)
#define log_error(...)   log_full_errno(LOG_ERR, 0, __VA_ARGS__)

#define log_debug_errno(error, ...)   log_full_errno(LOG_DEBUG, (error), __VA_ARGS__)
#define log_warning_errno(error, ...) log_full_errno(LOG_WARNING, (error), __VA_ARGS__)
#define log_error_errno(error, ...)   log_full_errno(LOG_ERR, (error), __VA_ARGS__)

#define log_oom() log_error_errno(ENOMEM, "Out of memory.")

/*
 * A structured event: MESSAGE_ID from lfa-messages.h, LFA_UUID= and
 * LFA_RESULT= (either may be NULL), plus the formatted MESSAGE=. On stderr
 * the fields are appended to the line so tests can see them.
 */
void log_event(int level, const char *message_id, const char *uuid, const char *result,
               const char *format, ...) _printf_(5, 6);

/* Up to 64 bytes of untrusted text (a sysfs value, a policy value), fit for
 * a log line or a D-Bus string: control bytes, backslash and non-ASCII as
 * \xNN. Returns out. */
#define ESCAPE_VALUE_MAX (64 * 4 + 1)
const char *escape_value(const char *v, char out[static ESCAPE_VALUE_MAX]);

/* "EKEYREJECTED" for 129 etc.; NULL when unknown. */
const char *errno_name(int error);
/* Inverse of errno_name(); returns a positive errno, or -EINVAL. */
int errno_from_name(const char *name);
