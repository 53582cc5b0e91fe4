/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The state of lfa.ko: one instance, lfa_drv, for the files of the driver
 * itself (lfa.h is the API the test build shares, and stays free of it).
 */
#ifndef _LFA_DRV_H
#define _LFA_DRV_H

#include <linux/atomic.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uuid.h>
#include <linux/workqueue.h>

#include "lfa.h"

/**
 * struct lfa_drv_info - the state of the driver (one instance, lfa_drv)
 * @mutex: serialises every LFA call sequence (PRIME/ACTIVATE/CANCEL, a
 *	   refresh, the removal of vanished components)
 * @lock: guards @components, @graveyard and the cached fields of every
 *	  component, so that show() and look-ups never wait for firmware;
 *	  writers of the lists hold both
 * @components: the live components
 * @graveyard: vanished components waiting for @sweep_work
 * @kset: /sys/firmware/lfa; NULL while not initialised
 * @wq: runs @sweep_work
 * @sweep_work: deletes what is in @graveyard
 * @version: x0 of LFA_VERSION; 0 while not initialised
 * @store_updated: a notification arrived: the next refresh that reads
 *	the inventory reports "store-updated" (it may be the refresh of a
 *	running sequence, or the next one after a failed read)
 * @notifiers: bound notification devices; while none, pending is read live
 * @ext: the "extensions" parameter as lfa_core_init() found it
 * @exiting: lfa_core_exit() runs: every sequence stops (under @lock)
 * @auto_gen: counts notifications, so that each tries a component once
 * @prev_uuid: the component last activated (TF-A's stale record)
 * @prev_seq: its sequence id then
 * @prev_valid: @prev_uuid is set and the record may still be held
 * @cancel_owed: the LFA_CANCEL that ended a sequence failed: the firmware
 *		 may still hold it, and it is issued again before the next
 *		 PRIME (under @mutex)
 * @cancel_owed_seq: that sequence's id
 * @notify_wq: the notification's own ordered workqueue (never system_wq)
 * @notify_work: lfa_notify_store_updated() from ACPI context
 */
struct lfa_drv_info {
	struct mutex mutex;	/* sequences, refreshes, removals */
	spinlock_t lock;	/* the lists and cached fields */
	struct list_head components;
	struct list_head graveyard;
	struct kset *kset;
	struct workqueue_struct *wq;
	struct work_struct sweep_work;
	u32 version;
	atomic_t store_updated;
	atomic_t notifiers;
	bool ext;
	bool exiting;
	unsigned int auto_gen;
	uuid_t prev_uuid;
	u32 prev_seq;
	bool prev_valid;
	bool cancel_owed;
	u32 cancel_owed_seq;
	struct workqueue_struct *notify_wq;
	struct work_struct notify_work;
};

extern struct lfa_drv_info lfa_drv;

/* The spinlock that guards the cached fields of every component. */
void lfa_data_lock(unsigned long *flags) __acquires(&lfa_drv.lock);
void lfa_data_unlock(unsigned long flags) __releases(&lfa_drv.lock);

/*
 * Whether a "primed" component's prime is of an image the firmware no
 * longer stages: nothing pending, or a newer version staged since (under
 * the spinlock). Without versions only the first can be seen.
 */
static inline bool lfa_prime_outdated_locked(const struct lfa_component *comp)
{
	return !(comp->flags & LFA_INV_PENDING) ||
	       comp->pending_version != comp->primed_version;
}

#endif /* _LFA_DRV_H */
