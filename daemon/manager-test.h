/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What the unit tests look at inside a Manager, beyond manager.h's
 * read-only views. lfad's own modules do not use these: the Manager's
 * fields are manager.c's.
 */

#include "manager.h"
#include "pending-poll.h"

/* The poll of activation_pending; NULL where the driver sends uevents. */
PendingPoll *manager_get_poll(Manager *m);

/* The manager's scheduler (scheduler.h), never NULL after manager_new(). */
Scheduler *manager_get_scheduler(Manager *m);
