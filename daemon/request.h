/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * A request of an explicit caller (Activate, Prime, ActivatePending): the
 * handle manager_activate(), manager_prime() and
 * manager_activate_pending() give back. The manager holds a reference
 * while the job or window run goes on and completes the request once, with
 * its outcome; the caller holds its own. A caller that goes away (the bus
 * at shutdown) cancels its request: the callback is then never called, and
 * the job or window run goes on. Cancelling withdraws the caller's
 * interest, not the firmware's work (that is manager_cancel()).
 *
 * Every outcome, requested or not, also reaches the observer's
 * activation_finished (manager.h): that is the one broadcast path.
 */

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"
#include "orchestrator.h"

typedef struct ManagerRequest ManagerRequest;

/* The outcome: the ActivationResult of one component, or the window run's
 * summary (orchestrator.h). r's pointers are valid only during the call. */
typedef void (*ManagerRequestFn)(ManagerRequest *req, const ActivationResult *r, void *userdata);

/* cb may be NULL: nobody waits for the outcome. */
int manager_request_new(ManagerRequestFn cb, void *userdata, ManagerRequest **ret);
ManagerRequest *manager_request_ref(ManagerRequest *req);
ManagerRequest *manager_request_unref(ManagerRequest *req);
DEFINE_POINTER_CLEANUP_FUNC_FREE(ManagerRequest, manager_request_unref);

/* The callback is never called (from now on; a no-op once completed). */
void manager_request_cancel(ManagerRequest *req);

/* Cancel, then drop the caller's reference: what a caller that goes away
 * does. NULL-safe; returns NULL. */
ManagerRequest *manager_request_cancel_unref(ManagerRequest *req);

/* Whether the request was completed (its outcome delivered, or due to a
 * cancelled request). */
bool manager_request_is_done(const ManagerRequest *req) _pure_;

/* The manager's side: deliver the outcome, once (NULL-safe). The callback
 * runs unless the request was cancelled. */
void manager_request_complete(ManagerRequest *req, const ActivationResult *r);

/* A window run's request also keeps each activation's outcome, in the
 * order they ended (the summary counts them): the manager adds a copy
 * (NULL-safe), the caller reads them while it holds the request. */
int manager_request_add_result(ManagerRequest *req, const ActivationResult *r);
size_t manager_request_n_results(const ManagerRequest *req) _pure_;
const ActivationResult *manager_request_result_at(const ManagerRequest *req, size_t i) _pure_;
