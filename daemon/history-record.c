/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <stdio.h>
#include <string.h>

#include "history-record.h"
#include "log.h"

static void append(History *h, const HistoryEntry *e) {
        int r;

        if (!h)
                return;
        r = history_finish(h, e);
        if (r < 0)
                log_warning_errno(r, "Failed to record the attempt in the history, ignoring: %m");
}

void history_record_begin(History *h, const JobInfo *j) {
        HistoryEntry e = {
                .name = j->name,
                .action = (char *) job_action_to_string(j->action),
                .trigger = (char *) activation_trigger_to_string(j->trigger),
                .version_before = j->version_before,
                .version_after = j->version_to,
                .rendezvous = j->force_cpu_rendezvous,
                .start = j->start_realtime,
                .message = (char *) "in progress",
        };
        int r;

        if (!h)
                return;
        snprintf(e.uuid, sizeof(e.uuid), "%s", j->uuid);
        r = history_begin(h, &e);
        if (r < 0)
                log_warning_errno(r, "%s: failed to record the attempt before its write, ignoring: %m", j->uuid);
}

void history_record_attempt(History *h, const ActivationResult *r, const char *version_before,
                            const char *version_to) {
        HistoryEntry e = {
                .name = (char *) r->name,
                .action = (char *) job_action_to_string(r->action),
                .trigger = (char *) activation_trigger_to_string(r->trigger),
                .version_before = (char *) version_before,
                .version_after = (char *) version_to,
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

void history_record_external(History *h, const char *uuid, const Component *before, const Component *c,
                             const char *lfa_event, const char *lfa_errno, const char *lfa_action) {
        bool ok = strcmp(lfa_event, "failed") != 0;
        int e = ok ? 0 : errno_from_name(lfa_errno);
        char from[24], to[24], msg[128];
        HistoryEntry row = {
                .name = c ? c->name : before ? before->name : NULL,
                .action = (char *) external_action(lfa_event, lfa_action),
                .trigger = (char *) "external",
                .version_before = before ? (char *) lfa_version_to_string(&before->current_version, from) : NULL,
                .version_after = before ? (char *) lfa_version_to_string(&before->pending_version, to) : NULL,
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

int history_settle_verdict(const HistoryEntry *a, const Component *c, usec_t now, usec_t deadline,
                          HistorySettlement *ret) {
        bool prime = strcmp(strempty(a->action), "prime") == 0;
        bool has_state, moved;
        char vbuf[24];

        if (!c) {
                ret->error = -ENODEV;
                snprintf(ret->message, sizeof(ret->message), "the component is gone");
                return 0;
        }
        has_state = c->features & DRIVER_FEATURE_STATE;
        if (has_state && (c->state == COMPONENT_STATE_PRIMING || c->state == COMPONENT_STATE_ACTIVATING))
                return -EAGAIN;

        /* The attempted version runs now; a same-version image tells
         * nothing by its version. */
        moved = a->version_after && a->version_before && strcmp(a->version_after, "N/A") != 0 &&
                strcmp(a->version_after, a->version_before) != 0 &&
                strcmp(lfa_version_to_string(&c->current_version, vbuf), a->version_after) == 0;

        if (moved || (prime && has_state && c->state == COMPONENT_STATE_PRIMED))
                snprintf(ret->message, sizeof(ret->message), "%s succeeded", prime ? "prime" : "activation");
        else if ((c->features & DRIVER_FEATURE_LAST_ERROR) && c->last_error.set) {
                ret->error = -(c->last_error.error > 0 ? c->last_error.error : EIO);
                snprintf(ret->lfa_code, sizeof(ret->lfa_code), "%s", c->last_error.lfa_code);
                snprintf(ret->message, sizeof(ret->message), "%s failed: the driver's last_error says %s",
                         prime ? "prime" : "activation", strempty(c->last_error_raw));
        } else if (!prime && !c->activation_pending)
                snprintf(ret->message, sizeof(ret->message), "activation succeeded: nothing is pending");
        else if (!has_state && now < deadline)
                return -EAGAIN;
        else if (!has_state) {
                ret->error = -ECANCELED;
                snprintf(ret->lfa_code, sizeof(ret->lfa_code), "UNKNOWN");
                snprintf(ret->message, sizeof(ret->message),
                         "activation failed: %s still pending after the driver's budgets; the driver does not "
                         "say why", strna(a->version_after));
        } else {
                ret->error = -EINTR;
                snprintf(ret->message, sizeof(ret->message),
                         "%s failed: lfad stopped before the driver answered, and nothing shows that it ran",
                         prime ? "prime" : "activation");
        }
        return 0;
}

int history_settle(History *h, const Component *c, usec_t now, usec_t deadline, HistorySettlement *ret) {
        const HistoryEntry *a = h ? history_unsettled(h) : NULL;
        HistorySettlement s = {};
        HistoryEntry row;
        char msg[sizeof(s.message) + 96];
        int r;

        if (!a)
                return -ENOENT;
        r = history_settle_verdict(a, c, now, deadline, &s);
        if (r < 0)
                return r;
        snprintf(s.uuid, sizeof(s.uuid), "%s", a->uuid);
        snprintf(s.name, sizeof(s.name), "%s", strempty(a->name));

        snprintf(msg, sizeof(msg), "%s (lfad stopped during it; settled from the driver when lfad found it ended)",
                 s.message);
        row = *a;
        row.duration = now > a->start ? now - a->start : 0;
        row.error = s.error;
        row.lfa_code = s.error < 0 ? s.lfa_code[0] ? s.lfa_code : (char *) "NONE" : NULL;
        row.message = msg;
        /* row shares a's strings: history_finish() frees a after writing. */
        r = history_finish(h, &row);
        if (r < 0)
                log_warning_errno(r, "Failed to record the settled attempt in the history, ignoring: %m");
        *ret = s;
        return 0;
}
