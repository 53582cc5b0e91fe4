// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated LFA agent (test builds only): answers the driver's calls
 * the way TF-A's services/std_svc/lfa does (research/tfa-lfa-observed.md)
 * and records every call.
 *
 * ACTIVATE without skip_cpu_rendezvous is a holding pen: every online CPU
 * must call it; the last to arrive performs the activation and releases
 * the others. The agent's state is under a raw spinlock, because ACTIVATE
 * runs inside stop_machine() with interrupts disabled.
 */

#define pr_fmt(fmt) "lfa-agent: " fmt

#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/irqflags.h>
#include <linux/nmi.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "../lfa.h"
#include "lfa-agent-model.h"

/* A CPU in the pen gives up on CPUs that never come after this long. */
#define LFA_AGENT_PEN_TIMEOUT_US	1000000

static DEFINE_RAW_SPINLOCK(lfa_agent_lock);
static struct lfa_agent_platform *lfa_plat;
static char *lfa_scenario;
static size_t lfa_scenario_len;

/* The holding pen of a rendezvous round (under lfa_agent_lock). */
static struct {
	unsigned int arrived;
	unsigned int irqs_off;
	unsigned long generation;
	s64 x0;
	u64 x1;
} lfa_pen;

/* Records, in rings (under lfa_records_lock). */
static DEFINE_RAW_SPINLOCK(lfa_records_lock);
static struct lfa_agent_call lfa_calls[LFA_AGENT_MAX_RECORDS];
static unsigned int lfa_calls_head, lfa_calls_count;
static struct lfa_agent_uevent lfa_uevents[LFA_AGENT_MAX_RECORDS];
static unsigned int lfa_uevents_head, lfa_uevents_count;
/* Calls that entered the agent, per function, counted before the answer. */
static unsigned int lfa_entered[LFA_FN_CANCEL - LFA_FN_VERSION + 1];

static const char * const lfa_fn_names[] = {
	"VERSION", "FEATURES", "GET_INFO", "GET_INVENTORY", "PRIME",
	"ACTIVATE", "CANCEL",
};

const char *lfa_agent_fn_name(u32 fid)
{
	if (fid >= LFA_FN_VERSION && fid <= LFA_FN_CANCEL)
		return lfa_fn_names[fid - LFA_FN_VERSION];
	return "UNKNOWN";
}

/* Woken at each event lfa_agent_wait() names; never under a raw lock. */
static DECLARE_WAIT_QUEUE_HEAD(lfa_agent_wq);

bool lfa_agent_wait(bool (*cond)(void *arg), void *arg,
		    unsigned int timeout_ms)
{
	long left = msecs_to_jiffies(timeout_ms);
	DEFINE_WAIT(wait);
	bool ok;

	for (;;) {
		prepare_to_wait(&lfa_agent_wq, &wait, TASK_UNINTERRUPTIBLE);
		ok = cond(arg);
		if (ok || !left)
			break;
		left = schedule_timeout(left);
		/*
		 * Not read again at the timeout: a condition that became
		 * true without its event is a missing wake-up, a bug.
		 */
		if (!left)
			break;
	}
	finish_wait(&lfa_agent_wq, &wait);
	return ok;
}
EXPORT_SYMBOL_IF_KUNIT(lfa_agent_wait);

void lfa_agent_note_change(void *data, const uuid_t *uuid, const char *attr,
			   int value)
{
	wake_up_all(&lfa_agent_wq);
}

static void lfa_agent_record_entry(u32 fid)
{
	unsigned long flags;

	if (fid < LFA_FN_VERSION || fid > LFA_FN_CANCEL)
		return;
	raw_spin_lock_irqsave(&lfa_records_lock, flags);
	lfa_entered[fid - LFA_FN_VERSION]++;
	raw_spin_unlock_irqrestore(&lfa_records_lock, flags);
	wake_up_all(&lfa_agent_wq);
}

static void lfa_agent_record_call(const struct lfa_agent_call *call)
{
	unsigned long flags;
	unsigned int slot;

	raw_spin_lock_irqsave(&lfa_records_lock, flags);
	slot = (lfa_calls_head + lfa_calls_count) % LFA_AGENT_MAX_RECORDS;
	lfa_calls[slot] = *call;
	if (lfa_calls_count < LFA_AGENT_MAX_RECORDS)
		lfa_calls_count++;
	else
		lfa_calls_head = (lfa_calls_head + 1) % LFA_AGENT_MAX_RECORDS;
	raw_spin_unlock_irqrestore(&lfa_records_lock, flags);
}

void lfa_agent_record_uevent(void *data, const uuid_t *uuid, int action,
			     char **envp)
{
	struct lfa_agent_uevent ev = { .action = action, .uuid = *uuid };
	unsigned long flags;
	unsigned int slot;
	size_t off = 0;

	for (; envp && *envp; envp++)
		off += scnprintf(ev.env + off, sizeof(ev.env) - off, "%s%s",
				 off ? " " : "", *envp);

	raw_spin_lock_irqsave(&lfa_records_lock, flags);
	slot = (lfa_uevents_head + lfa_uevents_count) % LFA_AGENT_MAX_RECORDS;
	lfa_uevents[slot] = ev;
	if (lfa_uevents_count < LFA_AGENT_MAX_RECORDS)
		lfa_uevents_count++;
	else
		lfa_uevents_head = (lfa_uevents_head + 1) %
				   LFA_AGENT_MAX_RECORDS;
	raw_spin_unlock_irqrestore(&lfa_records_lock, flags);
}

unsigned int lfa_agent_calls(struct lfa_agent_call *buf, unsigned int max)
{
	unsigned long flags;
	unsigned int i, n;

	raw_spin_lock_irqsave(&lfa_records_lock, flags);
	n = lfa_calls_count;
	for (i = 0; buf && i < n && i < max; i++)
		buf[i] = lfa_calls[(lfa_calls_head + i) % LFA_AGENT_MAX_RECORDS];
	raw_spin_unlock_irqrestore(&lfa_records_lock, flags);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(lfa_agent_calls);

unsigned int lfa_agent_uevents(struct lfa_agent_uevent *buf, unsigned int max)
{
	unsigned long flags;
	unsigned int i, n;

	raw_spin_lock_irqsave(&lfa_records_lock, flags);
	n = lfa_uevents_count;
	for (i = 0; buf && i < n && i < max; i++)
		buf[i] = lfa_uevents[(lfa_uevents_head + i) %
				     LFA_AGENT_MAX_RECORDS];
	raw_spin_unlock_irqrestore(&lfa_records_lock, flags);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(lfa_agent_uevents);

unsigned int lfa_agent_count_calls(u32 fid)
{
	unsigned long flags;
	unsigned int i, n = 0;

	raw_spin_lock_irqsave(&lfa_records_lock, flags);
	for (i = 0; i < lfa_calls_count; i++)
		if (lfa_calls[(lfa_calls_head + i) %
			      LFA_AGENT_MAX_RECORDS].fid == fid)
			n++;
	raw_spin_unlock_irqrestore(&lfa_records_lock, flags);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(lfa_agent_count_calls);

unsigned int lfa_agent_entered(u32 fid)
{
	unsigned long flags;
	unsigned int n;

	if (fid < LFA_FN_VERSION || fid > LFA_FN_CANCEL)
		return 0;
	raw_spin_lock_irqsave(&lfa_records_lock, flags);
	n = lfa_entered[fid - LFA_FN_VERSION];
	raw_spin_unlock_irqrestore(&lfa_records_lock, flags);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(lfa_agent_entered);

void lfa_agent_clear_records(void)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&lfa_records_lock, flags);
	lfa_calls_head = 0;
	lfa_calls_count = 0;
	lfa_uevents_head = 0;
	lfa_uevents_count = 0;
	memset(lfa_entered, 0, sizeof(lfa_entered));
	raw_spin_unlock_irqrestore(&lfa_records_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(lfa_agent_clear_records);

/* ---- the platform model ---- */

static struct lfa_agent_comp *lfa_agent_find(const uuid_t *uuid)
{
	unsigned int i;

	for (i = 0; i < lfa_plat->count; i++)
		if (uuid_equal(&lfa_plat->comps[i].cfg.uuid, uuid))
			return &lfa_plat->comps[i];
	return NULL;
}

static void lfa_agent_delete(struct lfa_agent_comp *comp)
{
	unsigned int i = comp - lfa_plat->comps;

	memmove(comp, comp + 1, (lfa_plat->count - i - 1) * sizeof(*comp));
	lfa_plat->count--;
}

static int lfa_agent_append(const struct lfa_agent_cfg *cfg)
{
	struct lfa_agent_comp *comp;

	if (lfa_agent_find(&cfg->uuid))
		return -EEXIST;
	if (lfa_plat->count >= LFA_AGENT_MAX_COMPONENTS)
		return -ENOSPC;
	comp = &lfa_plat->comps[lfa_plat->count++];
	memset(comp, 0, sizeof(*comp));
	comp->cfg = *cfg;
	return 0;
}

/* after_activate effects show at the next inventory read. */
static void lfa_agent_apply_effects(void)
{
	struct lfa_agent_cfg *fx = &lfa_plat->fx;
	struct lfa_agent_comp *comp, tmp;
	struct lfa_agent_cfg added;
	unsigned int i, n;

	if (!lfa_plat->fx_pending)
		return;
	lfa_plat->fx_pending = false;
	if (fx->vanish) {
		comp = lfa_agent_find(&fx->uuid);
		if (comp)
			lfa_agent_delete(comp);
	}
	if (fx->reverse) {
		n = lfa_plat->count;
		for (i = 0; i < n / 2; i++) {
			tmp = lfa_plat->comps[i];
			lfa_plat->comps[i] = lfa_plat->comps[n - 1 - i];
			lfa_plat->comps[n - 1 - i] = tmp;
		}
	}
	for (i = 0; i < fx->nr_adds; i++) {
		lfa_agent_cfg_defaults(&added);
		added.uuid = fx->adds[i];
		lfa_agent_append(&added);
	}
	comp = lfa_plat->restage ? lfa_agent_find(&fx->uuid) : NULL;
	if (comp) {
		/* A new image was staged while it activated. */
		comp->cfg.pending = true;
		comp->cfg.pending_version = lfa_plat->restage;
		lfa_plat->restage = 0;
	}
}

void lfa_agent_restage(u64 version)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&lfa_agent_lock, flags);
	lfa_plat->restage = version;
	raw_spin_unlock_irqrestore(&lfa_agent_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(lfa_agent_restage);

static struct lfa_agent_comp *lfa_agent_at(u64 seq_id)
{
	return seq_id < lfa_plat->count ? &lfa_plat->comps[seq_id] : NULL;
}

static bool lfa_agent_bound(const struct lfa_agent_comp *comp)
{
	return lfa_plat->rec_valid &&
	       uuid_equal(&lfa_plat->rec_uuid, &comp->cfg.uuid);
}

static void lfa_agent_inventory(const struct lfa_regs *args,
				struct lfa_regs *res)
{
	struct lfa_agent_comp *comp;
	__le64 half[2];

	lfa_agent_apply_effects();
	comp = lfa_agent_at(args->a1);
	if (!comp) {
		res->a0 = LFA_INVALID_PARAMETERS;
		return;
	}
	if (comp->cfg.inventory_error) {
		res->a0 = comp->cfg.inventory_error;
		return;
	}
	/* TF-A evaluates "pending" here and nowhere else. */
	comp->seen_pending = comp->cfg.pending;
	/* Garbage in x1/x2: another UUID than its own. */
	memcpy(half, uuid_is_null(&comp->cfg.inventory_uuid) ?
	       comp->cfg.uuid.b : comp->cfg.inventory_uuid.b, sizeof(half));
	res->a0 = LFA_SUCCESS;
	res->a1 = le64_to_cpu(half[0]);
	res->a2 = le64_to_cpu(half[1]);
	res->a3 = (comp->cfg.capable ? LFA_INV_CAPABLE : 0) |
		  (comp->seen_pending ? LFA_INV_PENDING : 0) |
		  (comp->cfg.may_reset_cpu ? LFA_INV_MAY_RESET_CPU : 0) |
		  (comp->cfg.rendezvous_optional ?
		   LFA_INV_RENDEZVOUS_OPTIONAL : 0) |
		  comp->cfg.reserved_flags;
	/* TF-A writes no versions: x4/x5 keep what the caller passed. */
	if (comp->cfg.current_version)
		res->a4 = comp->cfg.current_version;
	if (comp->cfg.pending_version)
		res->a5 = comp->cfg.pending_version;
}

static void lfa_agent_prime(struct lfa_agent_comp *comp, struct lfa_regs *res)
{
	struct lfa_agent_cfg *cfg = &comp->cfg;

	res->a1 = 0;
	if (!cfg->capable) {
		res->a0 = LFA_NOT_SUPPORTED;
		return;
	}
	if (lfa_plat->rec_valid && !lfa_agent_bound(comp)) {
		/*
		 * Half primed, TF-A refuses another component. Otherwise it
		 * has no component check: PRIME "succeeds" while the record
		 * stays bound to the old component (one that outlived its
		 * activation, or another component's complete prime, which
		 * is gone), and ACTIVATE of either answers INVALID_PARAMETERS
		 * until CANCEL of the old sequence id (tfa-lfa-observed.md).
		 */
		if (!lfa_plat->rec_stale &&
		    lfa_plat->rec_prime != LFA_AGENT_PRIME_COMPLETE) {
			res->a0 = LFA_WRONG_STATE;
			return;
		}
		lfa_plat->rec_stale = true;
		res->a0 = LFA_SUCCESS;
		return;
	}
	if (lfa_plat->rec_valid && lfa_plat->rec_stale)
		lfa_plat->rec_valid = false;
	if (!comp->seen_pending) {
		res->a0 = LFA_WRONG_STATE;
		return;
	}
	if (comp->prime_busy_done < cfg->prime_busy) {
		comp->prime_busy_done++;
		res->a0 = LFA_BUSY;
		return;
	}
	lfa_plat->rec_valid = true;
	lfa_plat->rec_uuid = cfg->uuid;
	lfa_plat->rec_seq = comp - lfa_plat->comps;
	lfa_plat->rec_stale = false;
	res->a0 = LFA_SUCCESS;
	/* Reserved bits beside CALL_AGAIN: a caller tests bit 0 only. */
	res->a1 = cfg->reserved_x1;
	if (cfg->prime_hang || comp->prime_done < cfg->prime_rounds) {
		comp->prime_done++;
		lfa_plat->rec_prime = LFA_AGENT_PRIME_STARTED;
		res->a1 |= LFA_CALL_AGAIN;
		return;
	}
	comp->prime_done = 0;
	comp->prime_busy_done = 0;
	if (cfg->prime_error) {
		lfa_plat->rec_valid = false;
		res->a0 = cfg->prime_error;
		res->a1 = 0;
		return;
	}
	lfa_plat->rec_prime = LFA_AGENT_PRIME_COMPLETE;
}

/* The checks every ACTIVATE passes, in TF-A's order. */
static s64 lfa_agent_activate_check(struct lfa_agent_comp *comp, bool skip)
{
	if (!lfa_agent_bound(comp) || lfa_plat->rec_stale)
		return LFA_INVALID_PARAMETERS;
	if (lfa_plat->rec_prime != LFA_AGENT_PRIME_COMPLETE)
		return LFA_COMPONENT_WRONG_STATE;
	if (skip && !comp->cfg.rendezvous_optional)
		return LFA_INVALID_PARAMETERS;
	return LFA_SUCCESS;
}

/* Perform an ACTIVATE that passed its checks. */
static void lfa_agent_activate_do(struct lfa_agent_comp *comp, s64 *x0,
				  u64 *x1)
{
	struct lfa_agent_cfg *cfg = &comp->cfg;

	*x0 = LFA_SUCCESS;
	*x1 = 0;
	if (comp->activate_busy_done < cfg->activate_busy) {
		comp->activate_busy_done++;
		*x0 = LFA_BUSY;
		return;
	}
	/* Reserved bits beside CALL_AGAIN: a caller tests bit 0 only. */
	*x1 = cfg->reserved_x1;
	if (cfg->activate_hang || comp->activate_done < cfg->activate_rounds) {
		comp->activate_done++;
		*x1 |= LFA_CALL_AGAIN;
		return;
	}
	comp->activate_done = 0;
	comp->activate_busy_done = 0;
	if (cfg->activate_error) {
		lfa_plat->rec_valid = false;
		*x0 = cfg->activate_error;
		*x1 = 0;
		return;
	}
	cfg->current_version = cfg->pending_version;
	cfg->pending = false;
	comp->seen_pending = false;
	lfa_plat->fx = *cfg;
	lfa_plat->fx_pending = true;
	if (lfa_plat->stale_record && !cfg->resets_record)
		lfa_plat->rec_stale = true;
	else
		lfa_plat->rec_valid = false;
}

static u32 lfa_agent_delay_of(u64 seq_id)
{
	struct lfa_agent_comp *comp;
	unsigned long flags;
	u32 ms = 0;

	raw_spin_lock_irqsave(&lfa_agent_lock, flags);
	comp = lfa_agent_at(seq_id);
	if (comp)
		ms = comp->cfg.call_delay_ms;
	raw_spin_unlock_irqrestore(&lfa_agent_lock, flags);
	return ms;
}

static void lfa_agent_delay(u32 ms)
{
	if (!ms)
		return;
	if (irqs_disabled()) {
		/* Inside stop_machine(): firmware that takes its time. */
		while (ms--) {
			touch_nmi_watchdog();
			mdelay(1);
		}
	} else {
		msleep(ms);
	}
}

static void lfa_agent_activate_skip(const struct lfa_regs *args,
				    struct lfa_regs *res,
				    struct lfa_agent_call *call)
{
	struct lfa_agent_comp *comp;
	unsigned long flags;
	s64 x0;
	u64 x1 = 0;

	lfa_agent_delay(lfa_agent_delay_of(args->a1));
	raw_spin_lock_irqsave(&lfa_agent_lock, flags);
	comp = lfa_agent_at(args->a1);
	x0 = comp ? lfa_agent_activate_check(comp, true) :
		    LFA_INVALID_PARAMETERS;
	/* A skip request while CPUs wait in the pen. */
	if (!x0 && lfa_pen.arrived)
		x0 = LFA_BUSY;
	if (!x0)
		lfa_agent_activate_do(comp, &x0, &x1);
	raw_spin_unlock_irqrestore(&lfa_agent_lock, flags);
	res->a0 = x0;
	res->a1 = x1;
	call->cpus = 1;
	call->online = num_online_cpus();
	call->stopped = false;
}

unsigned int lfa_agent_pen_waiting(void)
{
	unsigned long flags;
	unsigned int n;

	raw_spin_lock_irqsave(&lfa_agent_lock, flags);
	n = lfa_pen.arrived;
	raw_spin_unlock_irqrestore(&lfa_agent_lock, flags);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(lfa_agent_pen_waiting);

/*
 * The holding pen: the last CPU to arrive checks, performs and releases.
 * Returns true on the CPU that performed (it records the call).
 */
static bool lfa_agent_activate_pen(const struct lfa_regs *args,
				   struct lfa_regs *res,
				   struct lfa_agent_call *call)
{
	bool irqs_off = irqs_disabled();
	struct lfa_agent_comp *comp;
	unsigned long gen, flags;
	unsigned int waited;
	s64 x0;
	u64 x1 = 0;

	raw_spin_lock_irqsave(&lfa_agent_lock, flags);
	gen = lfa_pen.generation;
	lfa_pen.arrived++;
	if (irqs_off)
		lfa_pen.irqs_off++;
	if (lfa_pen.arrived < num_online_cpus()) {
		raw_spin_unlock_irqrestore(&lfa_agent_lock, flags);
		wake_up_all(&lfa_agent_wq);
		for (waited = 0; waited < LFA_AGENT_PEN_TIMEOUT_US; waited++) {
			if (READ_ONCE(lfa_pen.generation) != gen)
				break;
			udelay(1);
		}
		raw_spin_lock_irqsave(&lfa_agent_lock, flags);
		if (lfa_pen.generation != gen) {
			res->a0 = lfa_pen.x0;
			res->a1 = lfa_pen.x1;
			raw_spin_unlock_irqrestore(&lfa_agent_lock, flags);
			return false;
		}
		/* The others never came: leave the pen, as a failure. */
		lfa_pen.arrived--;
		if (irqs_off)
			lfa_pen.irqs_off--;
		raw_spin_unlock_irqrestore(&lfa_agent_lock, flags);
		res->a0 = LFA_ACTIVATION_FAILED;
		res->a1 = 0;
		call->cpus = 1;
		call->online = num_online_cpus();
		call->stopped = false;
		return true;
	}
	call->cpus = lfa_pen.arrived;
	call->online = num_online_cpus();
	call->stopped = lfa_pen.irqs_off == lfa_pen.arrived;
	raw_spin_unlock_irqrestore(&lfa_agent_lock, flags);

	lfa_agent_delay(lfa_agent_delay_of(args->a1));

	raw_spin_lock_irqsave(&lfa_agent_lock, flags);
	if (lfa_pen.generation != gen) {
		/* A CANCEL released the pen while this CPU took its time. */
		res->a0 = lfa_pen.x0;
		res->a1 = lfa_pen.x1;
		raw_spin_unlock_irqrestore(&lfa_agent_lock, flags);
		return true;
	}
	comp = lfa_agent_at(args->a1);
	x0 = comp ? lfa_agent_activate_check(comp, false) :
		    LFA_INVALID_PARAMETERS;
	if (!x0)
		lfa_agent_activate_do(comp, &x0, &x1);
	lfa_pen.x0 = x0;
	lfa_pen.x1 = x1;
	lfa_pen.arrived = 0;
	lfa_pen.irqs_off = 0;
	WRITE_ONCE(lfa_pen.generation, gen + 1);
	raw_spin_unlock_irqrestore(&lfa_agent_lock, flags);
	res->a0 = x0;
	res->a1 = x1;
	return true;
}

/*
 * TF-A's record holds a sequence id, and CANCEL compares only that: once
 * the bound component is gone from the inventory, CANCEL of the id it had
 * still releases the record, even where the id is now beyond the count
 * (as the user-space simulation's agent.py answers).
 */
static bool lfa_agent_orphan(u64 seq_id)
{
	return lfa_plat->rec_valid && lfa_plat->rec_seq == seq_id &&
	       !lfa_agent_find(&lfa_plat->rec_uuid);
}

static void lfa_agent_cancel(struct lfa_agent_comp *comp, u64 seq_id,
			     struct lfa_regs *res)
{
	if (comp && comp->cfg.cancel_error) {
		res->a0 = comp->cfg.cancel_error;
		return;
	}
	if (lfa_agent_orphan(seq_id)) {
		lfa_plat->rec_valid = false;
		lfa_plat->rec_stale = false;
		res->a0 = LFA_SUCCESS;
		return;
	}
	if (!comp || !lfa_agent_bound(comp)) {
		res->a0 = LFA_INVALID_PARAMETERS;
		return;
	}
	if (lfa_pen.arrived) {
		/* CANCEL releases the pen: every waiting CPU fails. */
		lfa_pen.x0 = LFA_ACTIVATION_FAILED;
		lfa_pen.x1 = 0;
		lfa_pen.arrived = 0;
		lfa_pen.irqs_off = 0;
		WRITE_ONCE(lfa_pen.generation, lfa_pen.generation + 1);
	}
	/* PRIME starts over; the component stays pending. */
	lfa_plat->rec_valid = false;
	lfa_plat->rec_stale = false;
	comp->prime_done = 0;
	comp->activate_done = 0;
	res->a0 = LFA_SUCCESS;
}

static bool lfa_agent_fid_known(u64 fid)
{
	return fid >= LFA_FN_VERSION && fid <= LFA_FN_CANCEL;
}

/* "agent missing=": a function the firmware lacks. */
static bool lfa_agent_missing(u64 fid)
{
	return lfa_agent_fid_known(fid) &&
	       (lfa_plat->faults.missing & LFA_AGENT_FN_BIT(fid));
}

/* GET_INFO's count: the firmware's, off by "info_skew", never below 0. */
static u64 lfa_agent_info_count(void)
{
	s64 n = (s64)lfa_plat->count + lfa_plat->faults.info_skew;

	return n < 0 ? 0 : n;
}

/* Every call but ACTIVATE, under the lock. */
static void lfa_agent_answer(const struct lfa_regs *args, struct lfa_regs *res)
{
	struct lfa_agent_comp *comp;

	if (!lfa_plat->present || lfa_agent_missing(args->a0)) {
		res->a0 = LFA_NOT_SUPPORTED;
		return;
	}
	switch (args->a0) {
	case LFA_FN_VERSION:
		res->a0 = lfa_plat->version;
		break;
	case LFA_FN_FEATURES:
		res->a0 = lfa_agent_fid_known(args->a1) &&
			  !lfa_agent_missing(args->a1) ? LFA_SUCCESS :
							 LFA_NOT_SUPPORTED;
		break;
	case LFA_FN_GET_INFO:
		lfa_agent_apply_effects();
		if (args->a1) {
			res->a0 = LFA_INVALID_PARAMETERS;
			break;
		}
		if (lfa_plat->faults.info_error) {
			res->a0 = lfa_plat->faults.info_error;
			break;
		}
		res->a0 = LFA_SUCCESS;
		res->a1 = lfa_agent_info_count();
		res->a2 = 0;
		break;
	case LFA_FN_GET_INVENTORY:
		lfa_agent_inventory(args, res);
		break;
	case LFA_FN_PRIME:
		comp = lfa_agent_at(args->a1);
		if (!comp)
			res->a0 = LFA_INVALID_PARAMETERS;
		else
			lfa_agent_prime(comp, res);
		break;
	case LFA_FN_CANCEL:
		lfa_agent_cancel(lfa_agent_at(args->a1), args->a1, res);
		break;
	default:
		res->a0 = LFA_NOT_SUPPORTED;
		break;
	}
}

void lfa_agent_invoke(const struct lfa_regs *args, struct lfa_regs *res)
{
	struct lfa_agent_call call = {
		.fid = args->a0,
		.seq_id = args->a1,
		.flags = args->a2,
	};
	unsigned long flags;
	bool present;

	lfa_agent_record_entry(args->a0);
	/* Registers the agent does not write come back as they went in. */
	*res = *args;
	raw_spin_lock_irqsave(&lfa_agent_lock, flags);
	/* A missing ACTIVATE answers every CPU at once, as any other call. */
	present = lfa_plat->present && !lfa_agent_missing(LFA_FN_ACTIVATE);
	raw_spin_unlock_irqrestore(&lfa_agent_lock, flags);

	if (args->a0 == LFA_FN_ACTIVATE && present) {
		if (args->a2 & LFA_SKIP_RENDEZVOUS)
			lfa_agent_activate_skip(args, res, &call);
		else if (!lfa_agent_activate_pen(args, res, &call))
			return;
	} else {
		if (args->a0 == LFA_FN_PRIME)
			lfa_agent_delay(lfa_agent_delay_of(args->a1));
		raw_spin_lock_irqsave(&lfa_agent_lock, flags);
		lfa_agent_answer(args, res);
		raw_spin_unlock_irqrestore(&lfa_agent_lock, flags);
	}
	call.x0 = (s64)res->a0;
	call.x1 = res->a1;
	lfa_agent_record_call(&call);
}
EXPORT_SYMBOL_IF_KUNIT(lfa_agent_invoke);

int lfa_agent_install(struct lfa_agent_platform *plat, const char *text,
		      size_t len)
{
	struct lfa_agent_platform *old;
	unsigned long flags;
	char *copy, *old_text;

	copy = kmemdup_nul(text, len, GFP_KERNEL);
	if (!copy) {
		kfree(plat);
		return -ENOMEM;
	}
	raw_spin_lock_irqsave(&lfa_agent_lock, flags);
	old = lfa_plat;
	lfa_plat = plat;
	old_text = lfa_scenario;
	lfa_scenario = copy;
	lfa_scenario_len = len;
	raw_spin_unlock_irqrestore(&lfa_agent_lock, flags);
	kfree(old);
	kfree(old_text);
	lfa_agent_clear_records();
	return 0;
}

size_t lfa_agent_scenario_text(char *buf, size_t size)
{
	unsigned long flags;
	size_t len;

	raw_spin_lock_irqsave(&lfa_agent_lock, flags);
	len = lfa_scenario_len;
	if (buf && size)
		strscpy(buf, lfa_scenario ? lfa_scenario : "", size);
	raw_spin_unlock_irqrestore(&lfa_agent_lock, flags);
	return len;
}

int lfa_agent_add_component(const struct lfa_agent_cfg *cfg)
{
	unsigned long flags;
	int ret;

	raw_spin_lock_irqsave(&lfa_agent_lock, flags);
	ret = lfa_agent_append(cfg);
	raw_spin_unlock_irqrestore(&lfa_agent_lock, flags);
	return ret;
}

int lfa_agent_remove_component(const uuid_t *uuid)
{
	struct lfa_agent_comp *comp;
	unsigned long flags;

	raw_spin_lock_irqsave(&lfa_agent_lock, flags);
	comp = lfa_agent_find(uuid);
	if (comp)
		lfa_agent_delete(comp);
	raw_spin_unlock_irqrestore(&lfa_agent_lock, flags);
	return comp ? 0 : -ENOENT;
}

int lfa_agent_get_cfg(const uuid_t *uuid, struct lfa_agent_cfg *cfg)
{
	struct lfa_agent_comp *comp;
	unsigned long flags;

	raw_spin_lock_irqsave(&lfa_agent_lock, flags);
	comp = lfa_agent_find(uuid);
	if (comp)
		*cfg = comp->cfg;
	raw_spin_unlock_irqrestore(&lfa_agent_lock, flags);
	return comp ? 0 : -ENOENT;
}

int lfa_agent_set_cfg(const struct lfa_agent_cfg *cfg)
{
	struct lfa_agent_comp *comp;
	unsigned long flags;

	raw_spin_lock_irqsave(&lfa_agent_lock, flags);
	comp = lfa_agent_find(&cfg->uuid);
	if (comp)
		comp->cfg = *cfg;
	raw_spin_unlock_irqrestore(&lfa_agent_lock, flags);
	return comp ? 0 : -ENOENT;
}

void lfa_agent_get_faults(struct lfa_agent_faults *faults)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&lfa_agent_lock, flags);
	*faults = lfa_plat->faults;
	raw_spin_unlock_irqrestore(&lfa_agent_lock, flags);
}

void lfa_agent_set_faults(const struct lfa_agent_faults *faults)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&lfa_agent_lock, flags);
	lfa_plat->faults = *faults;
	raw_spin_unlock_irqrestore(&lfa_agent_lock, flags);
}

void lfa_agent_release(void)
{
	unsigned long flags;
	struct lfa_agent_platform *plat;
	char *text;

	raw_spin_lock_irqsave(&lfa_agent_lock, flags);
	plat = lfa_plat;
	text = lfa_scenario;
	lfa_plat = NULL;
	lfa_scenario = NULL;
	lfa_scenario_len = 0;
	raw_spin_unlock_irqrestore(&lfa_agent_lock, flags);
	kfree(plat);
	kfree(text);
}
