// SPDX-License-Identifier: GPL-2.0-only
/*
 * Arm Live Firmware Activation: discovery, the inventory model, refresh in
 * place and uevents.
 *
 * Locking: lfa_drv.mutex serialises every LFA call sequence (PRIME,
 * ACTIVATE, CANCEL, a refresh, the removal of vanished components).
 * lfa_drv.lock, a spinlock, guards the list of components and their cached
 * fields, so that show() and look-ups never wait for firmware. Writers of
 * the list hold both. The state of the driver is struct lfa_drv_info.
 */

#define pr_fmt(fmt) "lfa: " fmt

#include <linux/atomic.h>
#include <linux/bitfield.h>
#include <linux/err.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "lfa.h"
#include "lfa-drv.h"

#define CREATE_TRACE_POINTS
#include "lfa_trace.h"

/* More components than any platform has: a count above is register garbage. */
#define LFA_MAX_COMPONENTS	1024

static void lfa_sweep(struct work_struct *work);

struct lfa_drv_info lfa_drv = {
	.mutex = __MUTEX_INITIALIZER(lfa_drv.mutex),
	.lock = __SPIN_LOCK_UNLOCKED(lfa_drv.lock),
	.components = LIST_HEAD_INIT(lfa_drv.components),
	.graveyard = LIST_HEAD_INIT(lfa_drv.graveyard),
	.sweep_work = __WORK_INITIALIZER(lfa_drv.sweep_work, lfa_sweep),
	.store_updated = ATOMIC_INIT(0),
	.notifiers = ATOMIC_INIT(0),
	.ext = true,
};

bool lfa_extensions = true;
module_param_named(extensions, lfa_extensions, bool, 0444);
MODULE_PARM_DESC(extensions,
		 "lfa.ko's extensions (seq_id, state, last_error, prime, version, refresh, uevents, errnos); N: only the ABI of Arm's lfa_fw (default: Y)");
EXPORT_SYMBOL_IF_KUNIT(lfa_extensions);

bool lfa_ext(void)
{
	return READ_ONCE(lfa_drv.ext);
}
EXPORT_SYMBOL_IF_KUNIT(lfa_ext);

bool lfa_stopping(void)
{
	return READ_ONCE(lfa_drv.exiting);
}

void lfa_set_notifier_bound(bool bound)
{
	int ret;

	if (!bound) {
		atomic_dec(&lfa_drv.notifiers);
		return;
	}
	atomic_inc(&lfa_drv.notifiers);
	/*
	 * A store update after the inventory was read and before the
	 * notification could be delivered must not wait for the next one:
	 * read again now that it can be.
	 */
	ret = lfa_refresh(LFA_EVENT_STORE_UPDATED);
	if (ret && ret != -ENODEV)
		pr_warn("refresh after binding the notification failed: %d\n",
			ret);
}

/* One inventory entry as read, before it is applied. */
struct lfa_entry {
	uuid_t uuid;
	u64 flags;
	u64 current_version;
	u64 pending_version;
	bool matched;
};

void lfa_call(const struct lfa_regs *args, struct lfa_regs *res)
{
	lfa_conduit_ops.invoke(args, res);
}

void lfa_data_lock(unsigned long *flags) __acquires(&lfa_drv.lock)
{
	spin_lock_irqsave(&lfa_drv.lock, *flags);
}

void lfa_data_unlock(unsigned long flags) __releases(&lfa_drv.lock)
{
	spin_unlock_irqrestore(&lfa_drv.lock, flags);
}

int lfa_lock_sequence(void)
{
	if (!mutex_trylock(&lfa_drv.mutex))
		return -EBUSY;
	if (!lfa_drv.kset) {
		mutex_unlock(&lfa_drv.mutex);
		return -ENODEV;
	}
	return 0;
}

int lfa_wait_sequence(void)
{
	mutex_lock(&lfa_drv.mutex);
	if (!lfa_drv.kset) {
		mutex_unlock(&lfa_drv.mutex);
		return -ENODEV;
	}
	return 0;
}

void lfa_unlock_sequence(void)
{
	mutex_unlock(&lfa_drv.mutex);
}

u32 lfa_version(void)
{
	return READ_ONCE(lfa_drv.version);
}
EXPORT_SYMBOL_IF_KUNIT(lfa_version);

static const char * const lfa_event_names[] = {
	[LFA_EVENT_STORE_UPDATED] = "store-updated",
	[LFA_EVENT_PRIMED] = "primed",
	[LFA_EVENT_ACTIVATED] = "activated",
	[LFA_EVENT_FAILED] = "failed",
	[LFA_EVENT_CHANGED] = "changed",
};

void lfa_send_event(struct lfa_component *comp, enum lfa_event event,
		    const char *action, int err)
{
	char ev[32], uuid[48], act[24], errno_name[32];
	char *envp[5];
	int n = 0;

	if (!lfa_ext())
		return;
	snprintf(ev, sizeof(ev), "LFA_EVENT=%s", lfa_event_names[event]);
	envp[n++] = ev;
	snprintf(uuid, sizeof(uuid), "LFA_UUID=%pUb", &comp->uuid);
	envp[n++] = uuid;
	if (action) {
		snprintf(act, sizeof(act), "LFA_ACTION=%s", action);
		envp[n++] = act;
	}
	if (err) {
		snprintf(errno_name, sizeof(errno_name), "LFA_ERRNO=%s",
			 lfa_errno_name(err));
		envp[n++] = errno_name;
	}
	envp[n] = NULL;
	kobject_uevent_env(&comp->kobj, KOBJ_CHANGE, envp);
	trace_lfa_uevent(&comp->uuid, KOBJ_CHANGE, envp);
}

int lfa_read_entry(u32 seq_id, uuid_t *uuid, struct lfa_regs *res)
{
	struct lfa_regs args = { .a0 = LFA_FN_GET_INVENTORY, .a1 = seq_id };
	__le64 half[2];

	lfa_call(&args, res);
	if (res->a0)
		return lfa_to_errno((s64)res->a0);
	/*
	 * x1/x2 carry the 16 UUID bytes in the firmware's order as two
	 * little-endian u64 (DEN0147 LFA_GET_INVENTORY; TF-A memcpy()s its
	 * uuid_t into them), which %pUb prints as the directory name.
	 */
	half[0] = cpu_to_le64(res->a1);
	half[1] = cpu_to_le64(res->a2);
	memcpy(uuid->b, half, sizeof(half));
	return 0;
}

/* Read the whole inventory into a new array; nothing is applied yet. */
static int lfa_read_inventory(struct lfa_entry **entries, u32 *count)
{
	struct lfa_regs args = { .a0 = LFA_FN_GET_INFO }, res;
	struct lfa_entry *e;
	u32 i, j, n;
	int ret;

	lfa_call(&args, &res);
	if (res.a0) {
		pr_warn("LFA_GET_INFO failed: %lld\n", (s64)res.a0);
		return lfa_to_errno((s64)res.a0);
	}
	if (res.a1 > LFA_MAX_COMPONENTS) {
		pr_err("LFA_GET_INFO reports %llu components, refusing\n",
		       res.a1);
		return -EIO;
	}
	n = res.a1;
	e = kcalloc(max(n, 1U), sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		ret = lfa_read_entry(i, &e[i].uuid, &res);
		if (ret) {
			pr_warn("LFA_GET_INVENTORY(%u) failed: %lld\n", i,
				(s64)res.a0);
			goto err_free;
		}
		e[i].flags = res.a3;
		e[i].current_version = res.a4;
		e[i].pending_version = res.a5;
		for (j = 0; j < i; j++) {
			if (uuid_equal(&e[j].uuid, &e[i].uuid)) {
				pr_err("inventory lists %pUb twice, refusing\n",
				       &e[i].uuid);
				ret = -EIO;
				goto err_free;
			}
		}
	}
	*entries = e;
	*count = n;
	return 0;

err_free:
	kfree(e);
	return ret;
}

static struct lfa_component *lfa_find_locked(const uuid_t *uuid)
{
	struct lfa_component *comp;

	list_for_each_entry(comp, &lfa_drv.components, node)
		if (uuid_equal(&comp->uuid, uuid))
			return comp;
	return NULL;
}

/*
 * A component that vanished and is back before lfa_sweep() deleted it: its
 * directory still exists (a new one would fail with -EEXIST), and user
 * space has seen no "remove". Take it back (under lfa_drv.lock).
 */
static struct lfa_component *lfa_revive_locked(const uuid_t *uuid)
{
	struct lfa_component *comp;

	list_for_each_entry(comp, &lfa_drv.graveyard, node) {
		if (!uuid_equal(&comp->uuid, uuid))
			continue;
		list_move_tail(&comp->node, &lfa_drv.components);
		comp->removed = false;
		comp->cancel = false;
		return comp;
	}
	return NULL;
}

/* Which change uevent an updated entry owes, or -1 (under lfa_drv.lock). */
static int lfa_update_locked(struct lfa_component *comp, u32 seq_id,
			     const struct lfa_entry *e, enum lfa_event why)
{
	bool was_pending = comp->flags & LFA_INV_PENDING;
	bool pending = e->flags & LFA_INV_PENDING;
	bool new_image, changed;

	/* The ABI's "store-updated": it became pending, or a newer image. */
	new_image = pending &&
		    (!was_pending || comp->pending_version != e->pending_version);
	comp->pending_changed = was_pending != pending;
	changed = comp->seq_id != seq_id || comp->flags != e->flags ||
		  comp->current_version != e->current_version ||
		  comp->pending_version != e->pending_version;
	comp->seq_id = seq_id;
	comp->flags = e->flags;
	comp->current_version = e->current_version;
	comp->pending_version = e->pending_version;
	if (why == LFA_EVENT_STORE_UPDATED && new_image)
		return LFA_EVENT_STORE_UPDATED;
	return changed ? LFA_EVENT_CHANGED : -1;
}

static int lfa_component_add(u32 seq_id, const struct lfa_entry *e)
{
	struct lfa_component *comp;
	unsigned long flags;
	int ret;

	comp = kzalloc(sizeof(*comp), GFP_KERNEL);
	if (!comp)
		return -ENOMEM;
	comp->uuid = e->uuid;
	comp->seq_id = seq_id;
	comp->flags = e->flags;
	comp->current_version = e->current_version;
	comp->pending_version = e->pending_version;
	comp->force_rendezvous = true;
	comp->event = -1;
	comp->seen = true;
	INIT_LIST_HEAD(&comp->node);
	comp->kobj.kset = lfa_drv.kset;
	/* The default groups create every file before the "add" uevent. */
	ret = kobject_init_and_add(&comp->kobj, &lfa_component_ktype, NULL,
				   "%pUb", &comp->uuid);
	if (ret) {
		pr_err("cannot add %pUb: %d\n", &comp->uuid, ret);
		kobject_put(&comp->kobj);
		return ret;
	}
	spin_lock_irqsave(&lfa_drv.lock, flags);
	list_add_tail(&comp->node, &lfa_drv.components);
	spin_unlock_irqrestore(&lfa_drv.lock, flags);
	if (lfa_ext()) {
		kobject_uevent(&comp->kobj, KOBJ_ADD);
		trace_lfa_uevent(&comp->uuid, KOBJ_ADD, NULL);
	}
	return 0;
}

/*
 * Remove vanished components. A kobject cannot be deleted from inside its
 * own store() (kernfs waits for that very handler), and an activation's
 * refresh runs in one: so this runs as work. It takes lfa_drv.mutex, so an
 * "activated" uevent is sent before the component's "remove".
 */
static void lfa_sweep_list(void)
{
	struct lfa_component *comp, *tmp;
	unsigned long flags;
	LIST_HEAD(dead);

	spin_lock_irqsave(&lfa_drv.lock, flags);
	list_splice_init(&lfa_drv.graveyard, &dead);
	spin_unlock_irqrestore(&lfa_drv.lock, flags);

	list_for_each_entry_safe(comp, tmp, &dead, node) {
		list_del_init(&comp->node);
		if (lfa_ext()) {
			kobject_uevent(&comp->kobj, KOBJ_REMOVE);
			trace_lfa_uevent(&comp->uuid, KOBJ_REMOVE, NULL);
		}
		kobject_del(&comp->kobj);
		kobject_put(&comp->kobj);
	}
}

static void lfa_sweep(struct work_struct *work)
{
	mutex_lock(&lfa_drv.mutex);
	lfa_sweep_list();
	mutex_unlock(&lfa_drv.mutex);
}

void lfa_flush_removals(void)
{
	struct workqueue_struct *wq;

	mutex_lock(&lfa_drv.mutex);
	wq = lfa_drv.wq;
	mutex_unlock(&lfa_drv.mutex);
	if (wq)
		flush_work(&lfa_drv.sweep_work);
}
EXPORT_SYMBOL_IF_KUNIT(lfa_flush_removals);

/*
 * Apply a read inventory: update by UUID, add new, retire unseen. @skip,
 * the component just activated, counts as notified: a new pending image
 * of it was staged during its activation (the activation used the old).
 */
static int lfa_apply(struct lfa_entry *entries, u32 count, enum lfa_event why,
		     struct lfa_component *skip)
{
	struct lfa_component *comp, *tmp;
	bool retired = false;
	unsigned long flags;
	int ret = 0, err;
	u32 i;

	spin_lock_irqsave(&lfa_drv.lock, flags);
	list_for_each_entry(comp, &lfa_drv.components, node) {
		comp->seen = false;
		comp->event = -1;
	}
	for (i = 0; i < count; i++) {
		comp = lfa_find_locked(&entries[i].uuid);
		if (!comp)
			comp = lfa_revive_locked(&entries[i].uuid);
		if (!comp)
			continue;
		comp->seen = true;
		comp->event = lfa_update_locked(comp, i, &entries[i],
						comp == skip ?
						LFA_EVENT_STORE_UPDATED : why);
		entries[i].matched = true;
	}
	list_for_each_entry_safe(comp, tmp, &lfa_drv.components, node) {
		if (comp->seen)
			continue;
		comp->removed = true;
		comp->cancel = true;
		list_move_tail(&comp->node, &lfa_drv.graveyard);
		retired = true;
	}
	spin_unlock_irqrestore(&lfa_drv.lock, flags);

	if (retired)
		queue_work(lfa_drv.wq, &lfa_drv.sweep_work);

	for (i = 0; i < count; i++) {
		if (entries[i].matched)
			continue;
		err = lfa_component_add(i, &entries[i]);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

static bool lfa_is_primed(struct lfa_component *comp, bool *outdated)
{
	unsigned long flags;
	bool primed;

	spin_lock_irqsave(&lfa_drv.lock, flags);
	primed = comp->state == LFA_STATE_PRIMED;
	*outdated = lfa_prime_outdated_locked(comp);
	spin_unlock_irqrestore(&lfa_drv.lock, flags);
	return primed;
}

/*
 * "primed" is the driver's record of the firmware's: an inventory that no
 * longer lists the component, lists it without a pending image, or with a
 * newer one than was primed, ends it. The prime is released (LFA_CANCEL of
 * the sequence id it had), so that it does not catch the next component's
 * PRIME and ACTIVATE, nor is the old image activated. The lists change
 * only under lfa_drv.mutex, which is held.
 */
static void lfa_check_primes(void)
{
	struct lfa_component *comp;
	bool outdated;

	list_for_each_entry(comp, &lfa_drv.graveyard, node)
		if (lfa_is_primed(comp, &outdated))
			lfa_release_prime(comp, false);
	list_for_each_entry(comp, &lfa_drv.components, node) {
		if (!lfa_is_primed(comp, &outdated) || !outdated)
			continue;
		lfa_release_prime(comp, false);
		/* One "changed" for the entry and the state together. */
		if (comp->event < 0)
			comp->event = LFA_EVENT_CHANGED;
	}
}

int lfa_refresh_locked(enum lfa_event why, struct lfa_component *skip)
{
	struct lfa_component *comp;
	struct lfa_entry *entries;
	bool notified;
	u32 count;
	int ret;

	lockdep_assert_held(&lfa_drv.mutex);
	notified = atomic_xchg(&lfa_drv.store_updated, 0);
	if (notified)
		why = LFA_EVENT_STORE_UPDATED;
	ret = lfa_read_inventory(&entries, &count);
	if (ret) {
		/*
		 * Nothing was applied: what the notification announced is
		 * reported by the next read that succeeds, whoever makes it.
		 */
		if (notified)
			atomic_set(&lfa_drv.store_updated, 1);
		return ret;
	}
	ret = lfa_apply(entries, count, why, skip);
	kfree(entries);
	lfa_check_primes();

	/*
	 * The list changes only under lfa_drv.mutex, which is held: walk it
	 * without the spinlock, since kobject_uevent_env() and sysfs_notify()
	 * sleep. The flags change under the mutex too.
	 */
	list_for_each_entry(comp, &lfa_drv.components, node) {
		if (comp->pending_changed) {
			comp->pending_changed = false;
			lfa_attr_changed(comp, "activation_pending",
					 !!(comp->flags & LFA_INV_PENDING));
		}
		/* @skip keeps a store-updated it is owed, for the caller. */
		if (comp == skip && comp->event == LFA_EVENT_STORE_UPDATED)
			continue;
		if (comp->event >= 0 && comp != skip)
			lfa_send_event(comp, comp->event, NULL, 0);
		comp->event = -1;
	}
	return ret;
}

int lfa_refresh(enum lfa_event why)
{
	int ret;

	if (mutex_lock_interruptible(&lfa_drv.mutex))
		return -EINTR;
	ret = lfa_drv.kset ? lfa_refresh_locked(why, NULL) : -ENODEV;
	mutex_unlock(&lfa_drv.mutex);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(lfa_refresh);

/*
 * The next component the notification activates: capable, pending,
 * auto_activate set, not tried by this notification (a failed one stays
 * pending), with a reference.
 */
static struct lfa_component *lfa_auto_next(unsigned int gen)
{
	struct lfa_component *comp, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&lfa_drv.lock, flags);
	list_for_each_entry(comp, &lfa_drv.components, node) {
		if (comp->removed || !comp->auto_activate ||
		    comp->auto_gen == gen ||
		    !(comp->flags & LFA_INV_CAPABLE) ||
		    !(comp->flags & LFA_INV_PENDING))
			continue;
		comp->auto_gen = gen;
		kobject_get(&comp->kobj);
		found = comp;
		break;
	}
	spin_unlock_irqrestore(&lfa_drv.lock, flags);
	return found;
}

/* Arm's lfa_fw: the kernel activates what auto_activate names. */
static void lfa_auto_activate_all(void)
{
	struct lfa_component *comp;
	unsigned int gen;
	int ret;

	mutex_lock(&lfa_drv.mutex);
	gen = ++lfa_drv.auto_gen;
	mutex_unlock(&lfa_drv.mutex);
	while ((comp = lfa_auto_next(gen))) {
		ret = lfa_auto_activate(comp);
		if (ret && ret != -ENODEV)
			pr_warn("%pUb: automatic activation failed: %d\n",
				&comp->uuid, ret);
		kobject_put(&comp->kobj);
	}
}

int lfa_notify_store_updated(void)
{
	int ret;

	atomic_set(&lfa_drv.store_updated, 1);
	ret = lfa_refresh(LFA_EVENT_STORE_UPDATED);
	if (ret && ret != -ENODEV)
		pr_warn("refresh after a firmware store update failed: %d\n",
			ret);
	if (!ret)
		lfa_auto_activate_all();
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(lfa_notify_store_updated);

struct lfa_component *lfa_component_find(const uuid_t *uuid)
{
	struct lfa_component *comp;
	unsigned long flags;

	spin_lock_irqsave(&lfa_drv.lock, flags);
	comp = lfa_find_locked(uuid);
	if (comp)
		kobject_get(&comp->kobj);
	spin_unlock_irqrestore(&lfa_drv.lock, flags);
	return comp;
}
EXPORT_SYMBOL_IF_KUNIT(lfa_component_find);

void lfa_component_put(struct lfa_component *comp)
{
	if (comp)
		kobject_put(&comp->kobj);
}
EXPORT_SYMBOL_IF_KUNIT(lfa_component_put);

void lfa_component_get_info(struct lfa_component *comp,
			    struct lfa_component_info *info)
{
	unsigned long flags;

	spin_lock_irqsave(&lfa_drv.lock, flags);
	info->uuid = comp->uuid;
	info->seq_id = comp->seq_id;
	info->flags = comp->flags;
	info->current_version = comp->current_version;
	info->pending_version = comp->pending_version;
	info->state = comp->state;
	info->force_rendezvous = comp->force_rendezvous;
	info->auto_activate = comp->auto_activate;
	info->removed = comp->removed;
	info->last_error = comp->last_error;
	spin_unlock_irqrestore(&lfa_drv.lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(lfa_component_get_info);

void lfa_component_live(struct lfa_component_info *info)
{
	struct lfa_regs res;
	uuid_t uuid;

	if (atomic_read(&lfa_drv.notifiers))
		return;
	if (lfa_read_entry(info->seq_id, &uuid, &res) ||
	    !uuid_equal(&uuid, &info->uuid))
		return;
	info->flags = res.a3;
	info->current_version = res.a4;
	info->pending_version = res.a5;
}

struct lfa_component *lfa_find_primed(struct lfa_component *except)
{
	struct lfa_component *comp, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&lfa_drv.lock, flags);
	list_for_each_entry(comp, &lfa_drv.components, node) {
		if (comp != except && comp->state == LFA_STATE_PRIMED) {
			kobject_get(&comp->kobj);
			found = comp;
			break;
		}
	}
	spin_unlock_irqrestore(&lfa_drv.lock, flags);
	return found;
}

unsigned int lfa_component_count(void)
{
	struct lfa_component *comp;
	unsigned int n = 0;
	unsigned long flags;

	spin_lock_irqsave(&lfa_drv.lock, flags);
	list_for_each_entry(comp, &lfa_drv.components, node)
		n++;
	spin_unlock_irqrestore(&lfa_drv.lock, flags);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(lfa_component_count);

static const u32 lfa_used_fids[] = {
	LFA_FN_VERSION, LFA_FN_FEATURES, LFA_FN_GET_INFO, LFA_FN_GET_INVENTORY,
	LFA_FN_PRIME, LFA_FN_ACTIVATE, LFA_FN_CANCEL,
};

static int lfa_discover(void)
{
	struct lfa_regs args = { .a0 = LFA_FN_VERSION }, res;
	u32 major, minor;
	unsigned int i;

	lfa_call(&args, &res);
	/*
	 * Bit 31 of a version is 0 (DEN0147 LFA_VERSION); NOT_SUPPORTED is
	 * -1, as a 64-bit or a 32-bit value.
	 */
	if ((s64)res.a0 < 0 || (res.a0 & BIT(31)) || res.a0 > U32_MAX) {
		pr_info("no LFA agent in the firmware\n");
		return -ENODEV;
	}
	major = FIELD_GET(LFA_VERSION_MAJOR, res.a0);
	minor = FIELD_GET(LFA_VERSION_MINOR, res.a0);
	if (major != 1) {
		pr_warn("LFA version %u.%u is not supported (1.x is)\n",
			major, minor);
		return -ENODEV;
	}
	for (i = 0; i < ARRAY_SIZE(lfa_used_fids); i++) {
		struct lfa_regs q = {
			.a0 = LFA_FN_FEATURES,
			.a1 = lfa_used_fids[i],
		};

		lfa_call(&q, &res);
		if (res.a0) {
			pr_warn("LFA %u.%u lacks function 0x%x (%lld)\n",
				major, minor, lfa_used_fids[i], (s64)res.a0);
			return -ENODEV;
		}
	}
	WRITE_ONCE(lfa_drv.version, FIELD_PREP(LFA_VERSION_MAJOR, major) |
				   FIELD_PREP(LFA_VERSION_MINOR, minor));
	return 0;
}

int lfa_core_init(void)
{
	int ret;

	mutex_lock(&lfa_drv.mutex);
	if (lfa_drv.kset) {
		ret = -EEXIST;
		goto out_unlock;
	}
	ret = lfa_conduit_ops.probe();
	if (ret)
		goto out_unlock;
	WRITE_ONCE(lfa_drv.exiting, false);
	WRITE_ONCE(lfa_drv.ext, READ_ONCE(lfa_extensions));
	lfa_activate_forget();
	ret = lfa_discover();
	if (ret)
		goto out_unlock;
	lfa_drv.wq = alloc_ordered_workqueue("lfa", 0);
	if (!lfa_drv.wq) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	lfa_drv.kset = lfa_sysfs_init();
	if (IS_ERR(lfa_drv.kset)) {
		ret = PTR_ERR(lfa_drv.kset);
		lfa_drv.kset = NULL;
		goto err_wq;
	}
	ret = lfa_refresh_locked(LFA_EVENT_CHANGED, NULL);
	if (ret)
		goto err_components;
	mutex_unlock(&lfa_drv.mutex);
	return 0;

err_components:
	mutex_unlock(&lfa_drv.mutex);
	lfa_core_exit();
	return ret;
err_wq:
	destroy_workqueue(lfa_drv.wq);
	lfa_drv.wq = NULL;
	WRITE_ONCE(lfa_drv.version, 0);
out_unlock:
	mutex_unlock(&lfa_drv.mutex);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(lfa_core_init);

void lfa_core_exit(void)
{
	struct workqueue_struct *wq;
	struct lfa_component *comp;
	struct kset *kset;
	unsigned long flags;

	/*
	 * Stop a priming loop first: it holds lfa_drv.mutex until it sees this.
	 * A flag of the driver, not of the components: a sequence clears
	 * its component's cancel flag when it starts priming.
	 */
	spin_lock_irqsave(&lfa_drv.lock, flags);
	WRITE_ONCE(lfa_drv.exiting, true);
	spin_unlock_irqrestore(&lfa_drv.lock, flags);

	mutex_lock(&lfa_drv.mutex);
	kset = lfa_drv.kset;
	wq = lfa_drv.wq;
	if (!kset) {
		mutex_unlock(&lfa_drv.mutex);
		return;
	}
	lfa_cancel_primed();
	spin_lock_irqsave(&lfa_drv.lock, flags);
	list_for_each_entry(comp, &lfa_drv.components, node) {
		comp->removed = true;
		comp->cancel = true;
	}
	list_splice_tail_init(&lfa_drv.components, &lfa_drv.graveyard);
	spin_unlock_irqrestore(&lfa_drv.lock, flags);
	lfa_drv.kset = NULL;
	lfa_drv.wq = NULL;
	WRITE_ONCE(lfa_drv.version, 0);
	mutex_unlock(&lfa_drv.mutex);

	/*
	 * Without lfa_drv.mutex: a "refresh" write waiting for it must get it
	 * (and -ENODEV) before its file can be removed.
	 */
	cancel_work_sync(&lfa_drv.sweep_work);
	destroy_workqueue(wq);
	mutex_lock(&lfa_drv.mutex);
	lfa_sweep_list();
	mutex_unlock(&lfa_drv.mutex);
	lfa_sysfs_exit(kset);
}
EXPORT_SYMBOL_IF_KUNIT(lfa_core_exit);

static int __init lfa_init(void)
{
	int ret;

	if (lfa_conduit_ops.init) {
		ret = lfa_conduit_ops.init();
		if (ret)
			return ret;
	}
	ret = lfa_core_init();
	if (ret)
		goto err_conduit;
	ret = lfa_platform_init();
	if (ret)
		goto err_core;
	return 0;

err_core:
	lfa_core_exit();
err_conduit:
	if (lfa_conduit_ops.exit)
		lfa_conduit_ops.exit();
	return ret;
}
module_init(lfa_init);

static void __exit lfa_exit(void)
{
	lfa_platform_exit();
	lfa_core_exit();
	if (lfa_conduit_ops.exit)
		lfa_conduit_ops.exit();
}
module_exit(lfa_exit);

MODULE_DESCRIPTION("Arm Live Firmware Activation (LFA)");
MODULE_LICENSE("GPL");
