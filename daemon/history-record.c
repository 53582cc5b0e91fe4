/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <stdio.h>
#include <string.h>

#include "history-record.h"
#include "log.h"

static void append(History *h, const HistoryEntry *e) {
        int r;

        if (!h)
                return;
        r = history_append(h, e);
        if (r < 0)
                log_warning_errno(r, "Failed to record the attempt in the history, ignoring: %m");
}

void history_record_attempt(History *h, const ActivationResult *r, const char *version_before,
                            const Component *after) {
        char vbuf[24];
        HistoryEntry e = {
                .name = (char *) r->name,
                .action = (char *) job_action_to_string(r->action),
                .trigger = (char *) activation_trigger_to_string(r->trigger),
                .version_before = (char *) version_before,
                .version_after = after ? (char *) lfa_version_to_string(&after->current_version, vbuf) : NULL,
                .rendezvous = r->force_cpu_rendezvous,
                .start = r->start,
                .duration = r->duration,
                .error = r->error,
                .lfa_code = (char *) r->lfa_code,
                .message = (char *) r->message,
        };

        snprintf(e.uuid, sizeof(e.uuid), "%s", r->uuid);
        append(h, &e);
}

/* The ABI sends LFA_ACTION with every terminal event; a uevent without it
 * still names its action by its kind, except "failed". */
static const char *external_action(const char *lfa_event, const char *lfa_action) {
        if (lfa_action && (strcmp(lfa_action, "activate") == 0 || strcmp(lfa_action, "prime") == 0))
                return lfa_action;
        if (strcmp(lfa_event, "primed") == 0)
                return "prime";
        if (strcmp(lfa_event, "activated") == 0)
                return "activate";
        return "unknown";
}

void history_record_external(History *h, const char *uuid, const Component *c, const char *lfa_event,
                             const char *lfa_errno, const char *lfa_action) {
        bool ok = strcmp(lfa_event, "failed") != 0;
        int e = ok ? 0 : errno_from_name(lfa_errno);
        char vbuf[24], msg[128];
        HistoryEntry row = {
                .name = c ? c->name : NULL,
                .action = (char *) external_action(lfa_event, lfa_action),
                .trigger = (char *) "external",
                .version_after = c ? (char *) lfa_version_to_string(&c->current_version, vbuf) : NULL,
                .rendezvous = c ? c->force_cpu_rendezvous : true,
                .start = now_usec(CLOCK_REALTIME),
                .error = ok ? 0 : -(e > 0 ? e : EIO),
                .lfa_code = c && !ok && c->last_error.set ? (char *) c->last_error.lfa_code : NULL,
                .message = msg,
        };

        snprintf(msg, sizeof(msg), "a sequence lfad was not waiting for ended: %s%s%s", lfa_event,
                 ok ? "" : " ", ok ? "" : strna(lfa_errno));
        log_info("%s: %s.", uuid, msg);
        snprintf(row.uuid, sizeof(row.uuid), "%s", uuid);
        append(h, &row);
}
