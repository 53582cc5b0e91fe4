// SPDX-License-Identifier: GPL-2.0-only
/*
 * Arm Live Firmware Activation: the PRIME/ACTIVATE/CANCEL sequences and the
 * map from LFA return codes to errno values.
 *
 * Every sequence runs under the core's mutex (lfa_lock_sequence(), a
 * trylock: a second writer gets -EBUSY at once). The cached state a reader
 * sees is written under the core's spinlock only.
 */

#define pr_fmt(fmt) "lfa: " fmt

#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/nmi.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>
#include <linux/stop_machine.h>

#include "lfa.h"
#include "lfa-drv.h"
#include "lfa_trace.h"

unsigned int lfa_prime_budget_ms = 30000;
module_param_named(prime_budget_ms, lfa_prime_budget_ms, uint, 0644);
MODULE_PARM_DESC(prime_budget_ms, "PRIME call-again budget (ms)");
EXPORT_SYMBOL_IF_KUNIT(lfa_prime_budget_ms);

unsigned int lfa_activate_budget_ms = 20000;
module_param_named(activate_budget_ms, lfa_activate_budget_ms, uint, 0644);
MODULE_PARM_DESC(activate_budget_ms, "ACTIVATE call-again/BUSY budget (ms)");
EXPORT_SYMBOL_IF_KUNIT(lfa_activate_budget_ms);

unsigned int lfa_poll_interval_ms = 10;
module_param_named(poll_interval_ms, lfa_poll_interval_ms, uint, 0644);
MODULE_PARM_DESC(poll_interval_ms, "sleep between call-again rounds (ms)");
EXPORT_SYMBOL_IF_KUNIT(lfa_poll_interval_ms);

/* Indexed by the negated LFA code: -1..-11 are contiguous (DEN0147). */
static const struct {
	int err;
	const char *name;
} lfa_errmap[] = {
	[-LFA_SUCCESS] = { 0, "SUCCESS" },
	[-LFA_NOT_SUPPORTED] = { -EOPNOTSUPP, "NOT_SUPPORTED" },
	[-LFA_BUSY] = { -EBUSY, "BUSY" },
	[-LFA_AUTH_ERROR] = { -EKEYREJECTED, "AUTH_ERROR" },
	[-LFA_NO_MEMORY] = { -ENOMEM, "NO_MEMORY" },
	[-LFA_CRITICAL_ERROR] = { -ENOTRECOVERABLE, "CRITICAL_ERROR" },
	[-LFA_DEVICE_ERROR] = { -EIO, "DEVICE_ERROR" },
	[-LFA_WRONG_STATE] = { -EPROTO, "WRONG_STATE" },
	[-LFA_INVALID_PARAMETERS] = { -EINVAL, "INVALID_PARAMETERS" },
	[-LFA_COMPONENT_WRONG_STATE] = { -EBADFD, "COMPONENT_WRONG_STATE" },
	[-LFA_INVALID_ADDRESS] = { -EFAULT, "INVALID_ADDRESS" },
	[-LFA_ACTIVATION_FAILED] = { -EREMOTEIO, "ACTIVATION_FAILED" },
};

static bool lfa_is_code(s64 x0)
{
	return x0 < 0 && x0 >= -(s64)(ARRAY_SIZE(lfa_errmap) - 1);
}

int lfa_to_errno(s64 x0)
{
	/* Anything else, e.g. TF-A's raw -EAGAIN (-35), is no LFA code. */
	return lfa_is_code(x0) ? lfa_errmap[-x0].err : -EIO;
}
EXPORT_SYMBOL_IF_KUNIT(lfa_to_errno);

const char *lfa_code_name(s64 x0)
{
	return lfa_is_code(x0) || !x0 ? lfa_errmap[-x0].name : "UNKNOWN";
}
EXPORT_SYMBOL_IF_KUNIT(lfa_code_name);

#define LFA_ERRNO(e) { -(e), #e }

/* Every errno the driver returns, by name (last_error, LFA_ERRNO=). */
static const struct {
	int err;
	const char *name;
} lfa_errno_names[] = {
	LFA_ERRNO(EOPNOTSUPP), LFA_ERRNO(EBUSY), LFA_ERRNO(EKEYREJECTED),
	LFA_ERRNO(ENOMEM), LFA_ERRNO(ENOTRECOVERABLE), LFA_ERRNO(EIO),
	LFA_ERRNO(EPROTO), LFA_ERRNO(EINVAL), LFA_ERRNO(EBADFD),
	LFA_ERRNO(EFAULT), LFA_ERRNO(EREMOTEIO), LFA_ERRNO(EPERM),
	LFA_ERRNO(ENODATA), LFA_ERRNO(EALREADY), LFA_ERRNO(ETIMEDOUT),
	LFA_ERRNO(ECANCELED), LFA_ERRNO(ENODEV), LFA_ERRNO(EINTR),
};

const char *lfa_errno_name(int err)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lfa_errno_names); i++)
		if (lfa_errno_names[i].err == err)
			return lfa_errno_names[i].name;
	return "EUNKNOWN";
}
EXPORT_SYMBOL_IF_KUNIT(lfa_errno_name);

static const char * const lfa_call_names[] = {
	[LFA_CALL_NONE] = "NONE",
	[LFA_CALL_PRIME] = "PRIME",
	[LFA_CALL_ACTIVATE] = "ACTIVATE",
	[LFA_CALL_CANCEL] = "CANCEL",
	[LFA_CALL_INVENTORY] = "INVENTORY",
};

int lfa_format_error(const struct lfa_error *e, char *buf, size_t size)
{
	if (!e->err)
		return scnprintf(buf, size, "%s", "");
	return scnprintf(buf, size, "%s %s %lld %s", lfa_errno_name(e->err),
			 e->firmware ? lfa_code_name(e->x0) : "NONE",
			 e->firmware ? e->x0 : 0, lfa_call_names[e->call]);
}
EXPORT_SYMBOL_IF_KUNIT(lfa_format_error);

void lfa_activate_forget(void)
{
	lfa_drv.prev_valid = false;
	lfa_drv.cancel_owed = false;
}

/* A failure the firmware reported. */
static int lfa_fw_error(struct lfa_error *e, s64 x0, enum lfa_call call)
{
	e->err = lfa_to_errno(x0);
	e->x0 = x0;
	e->call = call;
	e->firmware = true;
	return e->err;
}

/* A sequence the kernel ended (refusal, timeout, cancel). */
static int lfa_kernel_error(struct lfa_error *e, int err, enum lfa_call call)
{
	e->err = err;
	e->x0 = 0;
	e->call = call;
	e->firmware = false;
	return err;
}

static s64 lfa_issue_cancel(u32 seq_id)
{
	struct lfa_regs args = { .a0 = LFA_FN_CANCEL, .a1 = seq_id }, res;

	lfa_call(&args, &res);
	return (s64)res.a0;
}

/* Every change of "state" wakes its poll()ers. */
static void lfa_set_state(struct lfa_component *comp, enum lfa_state state)
{
	unsigned long flags;
	bool changed;

	lfa_data_lock(&flags);
	changed = comp->state != state;
	comp->state = state;
	lfa_data_unlock(flags);
	if (changed)
		lfa_attr_changed(comp, "state", state);
}

/*
 * LFA_CANCEL of a sequence this driver started and is ending. If it fails
 * (INVALID_PARAMETERS says nothing is in progress: no failure), the
 * firmware may still hold the sequence, and would refuse the PRIME of any
 * other component (TF-A: WRONG_STATE) until it is cancelled: the driver
 * owes that CANCEL and issues it again before its next PRIME.
 */
static void lfa_end_sequence(u32 seq_id)
{
	s64 x0 = lfa_issue_cancel(seq_id);

	if (!x0 || x0 == LFA_INVALID_PARAMETERS)
		return;
	pr_warn("LFA_CANCEL(%u) failed: %lld\n", seq_id, x0);
	lfa_drv.cancel_owed = true;
	lfa_drv.cancel_owed_seq = seq_id;
}

/* Before a PRIME: the CANCEL lfa_end_sequence() could not make. */
static void lfa_pay_cancel(void)
{
	s64 x0;

	if (!lfa_drv.cancel_owed)
		return;
	x0 = lfa_issue_cancel(lfa_drv.cancel_owed_seq);
	if (x0 && x0 != LFA_INVALID_PARAMETERS) {
		pr_warn("LFA_CANCEL(%u) failed again: %lld\n",
			lfa_drv.cancel_owed_seq, x0);
		return;
	}
	lfa_drv.cancel_owed = false;
}

/* Stop a sequence: LFA_CANCEL, then the kernel's error. */
static int lfa_abort(u32 seq_id, int err, enum lfa_call call,
		     struct lfa_error *e)
{
	lfa_end_sequence(seq_id);
	return lfa_kernel_error(e, err, call);
}

static void lfa_poll_sleep(void)
{
	unsigned int ms = READ_ONCE(lfa_poll_interval_ms);

	/*
	 * msleep_interruptible() returns at once while a signal is pending:
	 * with a non-fatal one the loop would spin, so sleep uninterruptibly
	 * then. A fatal one is seen before the next call and cancels.
	 */
	if (signal_pending(current))
		msleep(ms);
	else
		msleep_interruptible(ms);
}

/* A cancel write, a fatal signal to the writer, or the driver unloading. */
static bool lfa_stop_requested(struct lfa_component *comp)
{
	return READ_ONCE(comp->cancel) || lfa_stopping() ||
	       fatal_signal_pending(current);
}

/*
 * The PRIME call-again loop. A stop requested during the last PRIME call
 * is checked by lfa_run(), under the lock cancel takes, when it leaves
 * "priming".
 */
static int lfa_prime_loop(struct lfa_component *comp, u32 seq_id,
			  struct lfa_error *e)
{
	unsigned long deadline;
	struct lfa_regs res;
	bool again = false;
	int ret;

	deadline = jiffies + msecs_to_jiffies(READ_ONCE(lfa_prime_budget_ms));
	for (;;) {
		struct lfa_regs args = { .a0 = LFA_FN_PRIME, .a1 = seq_id };

		if (lfa_stop_requested(comp))
			return lfa_abort(seq_id, -ECANCELED, LFA_CALL_PRIME, e);
		touch_nmi_watchdog();
		lfa_call(&args, &res);
		if (res.a0) {
			ret = lfa_fw_error(e, (s64)res.a0, LFA_CALL_PRIME);
			/* A PRIME begun in earlier rounds is left in progress. */
			if (again)
				lfa_end_sequence(seq_id);
			return ret;
		}
		if (!(res.a1 & LFA_CALL_AGAIN))
			return 0;
		again = true;
		if (time_after_eq(jiffies, deadline))
			return lfa_abort(seq_id, -ETIMEDOUT, LFA_CALL_PRIME, e);
		lfa_poll_sleep();
	}
}

/*
 * Leave "priming" for @next, unless a stop arrived during the last PRIME
 * call: cancel sets its flag under the same lock, so it is either seen
 * here or finds the state no longer "priming".
 */
static int lfa_primed(struct lfa_component *comp, u32 seq_id,
		      enum lfa_state next, struct lfa_error *e)
{
	bool signalled = fatal_signal_pending(current);
	enum lfa_state state;
	unsigned long flags;
	bool stop;

	lfa_data_lock(&flags);
	stop = signalled || comp->cancel || lfa_stopping();
	state = stop ? LFA_STATE_IDLE : next;
	comp->state = state;
	/* The image lfa_recheck() read before this PRIME. */
	comp->primed_version = comp->pending_version;
	lfa_data_unlock(flags);
	/* From "priming": a change. */
	lfa_attr_changed(comp, "state", state);
	if (stop)
		return lfa_abort(seq_id, -ECANCELED, LFA_CALL_PRIME, e);
	return 0;
}

/* One ACTIVATE round, shared by every CPU of the rendezvous. */
struct lfa_activate_round {
	u32 seq_id;
	bool skip;
	raw_spinlock_t lock;
	s64 x0;
	bool again;
};

static int lfa_activate_cpu(void *data)
{
	struct lfa_activate_round *round = data;
	struct lfa_regs args = {
		.a0 = LFA_FN_ACTIVATE,
		.a1 = round->seq_id,
		.a2 = round->skip ? LFA_SKIP_RENDEZVOUS : 0,
		/*
		 * x3/x4 (entry point, context id) are used only when the
		 * activation resets a CPU, which the driver refuses: 0.
		 */
	}, res;
	unsigned long flags;
	u64 start;

	touch_nmi_watchdog();
	start = ktime_get_ns();
	lfa_call(&args, &res);
	trace_lfa_activate_call(round->seq_id, smp_processor_id(), round->skip,
				(s64)res.a0, res.a1, ktime_get_ns() - start);
	raw_spin_lock_irqsave(&round->lock, flags);
	if (res.a0 && !round->x0)
		round->x0 = (s64)res.a0;
	else if (!res.a0 && (res.a1 & LFA_CALL_AGAIN))
		round->again = true;
	raw_spin_unlock_irqrestore(&round->lock, flags);
	return 0;
}

/*
 * ACTIVATE on every online CPU under stop_machine(), or on this one with
 * skip_cpu_rendezvous. CALL_AGAIN and BUSY leave stop_machine() and try
 * again after a sleep: nothing waits with every CPU stopped.
 */
static int lfa_activate_loop(u32 seq_id, bool rendezvous, struct lfa_error *e)
{
	struct lfa_activate_round round;
	unsigned long deadline;
	int ret;

	deadline = jiffies +
		   msecs_to_jiffies(READ_ONCE(lfa_activate_budget_ms));
	for (;;) {
		round = (struct lfa_activate_round) {
			.seq_id = seq_id,
			.skip = !rendezvous,
		};
		raw_spin_lock_init(&round.lock);
		if (rendezvous) {
			u64 start = ktime_get_ns();

			trace_lfa_rendezvous_enter(seq_id, num_online_cpus());
			ret = stop_machine(lfa_activate_cpu, &round,
					   cpu_online_mask);
			trace_lfa_rendezvous_exit(seq_id, num_online_cpus(),
						  round.x0, round.again,
						  ktime_get_ns() - start);
			if (ret)
				return lfa_kernel_error(e, ret,
							LFA_CALL_ACTIVATE);
		} else {
			lfa_activate_cpu(&round);
		}
		if (!round.x0 && !round.again)
			return 0;
		if (round.x0 && round.x0 != LFA_BUSY)
			return lfa_fw_error(e, round.x0, LFA_CALL_ACTIVATE);
		if (time_after_eq(jiffies, deadline))
			return lfa_abort(seq_id, -ETIMEDOUT, LFA_CALL_ACTIVATE,
					 e);
		lfa_poll_sleep();
	}
}

/*
 * Re-read the component's inventory entry right before PRIME: TF-A updates
 * the pending flag only on LFA_GET_INVENTORY. Returns the fresh flags.
 */
static int lfa_recheck(struct lfa_component *comp, u32 *seq_id, u64 *fflags,
		       struct lfa_error *e)
{
	bool retried = false, pending_changed, moved;
	struct lfa_regs res;
	unsigned long flags;
	uuid_t uuid;
	int ret;

again:
	lfa_data_lock(&flags);
	*seq_id = comp->seq_id;
	ret = comp->removed ? -ENODEV : 0;
	lfa_data_unlock(flags);
	if (ret)
		return lfa_kernel_error(e, ret, LFA_CALL_NONE);

	ret = lfa_read_entry(*seq_id, &uuid, &res);
	/*
	 * Sequence ids moved since the last refresh, or the inventory shrank
	 * and this id is past its end (INVALID_PARAMETERS): refresh once.
	 */
	moved = ret ? (s64)res.a0 == LFA_INVALID_PARAMETERS :
		      !uuid_equal(&uuid, &comp->uuid);
	if (ret && (!moved || retried))
		return lfa_fw_error(e, (s64)res.a0, LFA_CALL_INVENTORY);
	if (moved) {
		if (retried)
			return lfa_kernel_error(e, -ENODEV, LFA_CALL_NONE);
		retried = true;
		ret = lfa_refresh_locked(LFA_EVENT_CHANGED, NULL);
		if (ret)
			return lfa_kernel_error(e, ret, LFA_CALL_INVENTORY);
		goto again;
	}
	lfa_data_lock(&flags);
	pending_changed = (comp->flags ^ res.a3) & LFA_INV_PENDING;
	comp->flags = res.a3;
	comp->current_version = res.a4;
	comp->pending_version = res.a5;
	lfa_data_unlock(flags);
	if (pending_changed)
		lfa_attr_changed(comp, "activation_pending",
				 !!(res.a3 & LFA_INV_PENDING));
	*fflags = res.a3;
	return 0;
}

static int lfa_refuse(u64 fflags, struct lfa_error *e)
{
	/* The driver has no warm-reset entry point to give (x3/x4). */
	if (fflags & LFA_INV_MAY_RESET_CPU)
		return lfa_kernel_error(e, -EPERM, LFA_CALL_NONE);
	if (!(fflags & LFA_INV_CAPABLE))
		return lfa_kernel_error(e, -EOPNOTSUPP, LFA_CALL_NONE);
	return 0;
}

static u32 lfa_seq_id(struct lfa_component *comp)
{
	unsigned long flags;
	u32 seq_id;

	lfa_data_lock(&flags);
	seq_id = comp->seq_id;
	lfa_data_unlock(flags);
	return seq_id;
}

/* Whether this failure is TF-A's stale in-progress record. */
static bool lfa_stale_record(struct lfa_component *comp,
			     const struct lfa_error *e)
{
	return e->firmware && e->call == LFA_CALL_ACTIVATE &&
	       e->x0 == LFA_INVALID_PARAMETERS && lfa_drv.prev_valid &&
	       !uuid_equal(&lfa_drv.prev_uuid, &comp->uuid);
}

/*
 * CANCEL of the previous activation's sequence id releases the record: 0,
 * or the CANCEL's error in @e. A record whose CANCEL failed is still held,
 * and still known: the next activation releases it.
 */
static int lfa_release_stale_record(struct lfa_component *comp,
				    struct lfa_error *e)
{
	struct lfa_component *prev;
	u32 seq_id = lfa_drv.prev_seq;
	s64 x0;

	prev = lfa_component_find(&lfa_drv.prev_uuid);
	if (prev) {
		seq_id = lfa_seq_id(prev);
		lfa_component_put(prev);
	}
	x0 = lfa_issue_cancel(seq_id);
	/* A known firmware bug, not news on every activation. */
	pr_warn_once("ACTIVATE answered INVALID_PARAMETERS right after PRIME: the firmware may have kept the in-progress record of the previous activation (TF-A); cancelling it and retrying once\n");
	pr_debug("%pUb: LFA_CANCEL(%u) of %pUb returned %lld\n",
		 &comp->uuid, seq_id, &lfa_drv.prev_uuid, x0);
	if (x0)
		return lfa_fw_error(e, x0, LFA_CALL_CANCEL);
	lfa_drv.prev_valid = false;
	return 0;
}

/* LFA_CANCEL of @comp's prime: 0, or the firmware's code (logged). */
static s64 lfa_cancel_prime(struct lfa_component *comp)
{
	u32 seq_id = lfa_seq_id(comp);
	s64 x0;

	x0 = lfa_issue_cancel(seq_id);
	if (x0)
		pr_warn("%pUb: LFA_CANCEL(%u) of its prime failed: %lld\n",
			&comp->uuid, seq_id, x0);
	return x0;
}

/* The driver's record follows: idle, and the uevent if @event. */
static void lfa_prime_released(struct lfa_component *comp, bool event)
{
	lfa_set_state(comp, LFA_STATE_IDLE);
	if (event)
		lfa_send_event(comp, LFA_EVENT_CHANGED, NULL, 0);
	/* That CANCEL released a record the previous activation kept. */
	if (lfa_drv.prev_valid && uuid_equal(&lfa_drv.prev_uuid, &comp->uuid))
		lfa_drv.prev_valid = false;
}

void lfa_release_prime(struct lfa_component *comp, bool event)
{
	lfa_cancel_prime(comp);
	lfa_prime_released(comp, event);
}

/*
 * At most one component is primed: TF-A lets PRIME of another component
 * succeed while one is primed and loses the first prime (the second's
 * ACTIVATE then fails). Priming one cancels another's prime, visibly.
 * For a sequence (@e), a CANCEL that fails stops it with that error: the
 * firmware still holds the other prime, and TF-A would bind this PRIME to
 * it, every ACTIVATE failing until that prime is cancelled. Unloading
 * (@e NULL) releases the record whatever the firmware said.
 */
static int lfa_drop_prime(struct lfa_component *comp, bool event,
			  struct lfa_error *e)
{
	struct lfa_component *other;
	int ret = 0;
	s64 x0;

	other = lfa_find_primed(comp);
	if (!other)
		return 0;
	x0 = lfa_cancel_prime(other);
	if (x0 && e)
		ret = lfa_fw_error(e, x0, LFA_CALL_CANCEL);
	else
		lfa_prime_released(other, event);
	lfa_component_put(other);
	return ret;
}

/* PRIME (unless primed) and, if @activate, ACTIVATE. */
static int lfa_run(struct lfa_component *comp, bool activate,
		   struct lfa_error *e)
{
	bool force, outdated, retried = false, reprimed = false;
	enum lfa_state state;
	unsigned long flags;
	u64 fflags;
	u32 seq_id;
	int ret;

	/* force_cpu_rendezvous counts as it was when the write started. */
	lfa_data_lock(&flags);
	fflags = comp->flags;
	state = comp->state;
	force = comp->force_rendezvous;
	ret = comp->removed ? -ENODEV : 0;
	lfa_data_unlock(flags);
	if (ret)
		return lfa_kernel_error(e, ret, LFA_CALL_NONE);
	ret = lfa_refuse(fflags, e);
	if (ret)
		return ret;
	if (!activate && state == LFA_STATE_PRIMED)
		return lfa_kernel_error(e, -EALREADY, LFA_CALL_NONE);

again:
	ret = lfa_recheck(comp, &seq_id, &fflags, e);
	if (ret)
		return ret;
	ret = lfa_refuse(fflags, e);
	if (ret)
		return ret;

	lfa_data_lock(&flags);
	state = comp->state;
	outdated = lfa_prime_outdated_locked(comp);
	lfa_data_unlock(flags);
	if (!(fflags & LFA_INV_PENDING)) {
		/* Nothing staged: the prime the driver recorded is moot. */
		if (state == LFA_STATE_PRIMED)
			lfa_release_prime(comp, true);
		return lfa_kernel_error(e, -ENODATA, LFA_CALL_NONE);
	}
	if (state == LFA_STATE_PRIMED && outdated) {
		/* A newer image was staged after the prime: prime that one. */
		lfa_release_prime(comp, true);
		state = LFA_STATE_IDLE;
	}
	if (state != LFA_STATE_PRIMED) {
		ret = lfa_drop_prime(comp, true, e);
		if (ret)
			return ret;
		lfa_pay_cancel();
		lfa_data_lock(&flags);
		comp->cancel = false;
		lfa_data_unlock(flags);
		lfa_set_state(comp, LFA_STATE_PRIMING);
		ret = lfa_prime_loop(comp, seq_id, e);
		if (ret) {
			lfa_set_state(comp, LFA_STATE_IDLE);
			return ret;
		}
		ret = lfa_primed(comp, seq_id, activate ? LFA_STATE_ACTIVATING :
					       LFA_STATE_PRIMED, e);
		if (ret)
			return ret;
	}
	if (!activate)
		return 0;

	lfa_set_state(comp, LFA_STATE_ACTIVATING);
	ret = lfa_activate_loop(seq_id,
				force || !(fflags & LFA_INV_RENDEZVOUS_OPTIONAL),
				e);
	lfa_set_state(comp, LFA_STATE_IDLE);
	/*
	 * "primed" is the driver's record: if the firmware no longer holds
	 * that prime (ACTIVATE answers that this is not the component in
	 * progress, or not fully primed), prime again, once.
	 */
	if (ret && state == LFA_STATE_PRIMED && !reprimed && e->firmware &&
	    e->call == LFA_CALL_ACTIVATE &&
	    (e->x0 == LFA_INVALID_PARAMETERS ||
	     e->x0 == LFA_COMPONENT_WRONG_STATE)) {
		reprimed = true;
		pr_debug("%pUb: the firmware lost its prime, priming again\n",
			 &comp->uuid);
		goto again;
	}
	if (ret && !retried && state != LFA_STATE_PRIMED &&
	    lfa_stale_record(comp, e)) {
		retried = true;
		ret = lfa_release_stale_record(comp, e);
		if (ret)
			return ret;
		goto again;
	}
	/*
	 * As Arm's lfa_fw: a failed ACTIVATE leaves nothing in progress
	 * (budgets ran out with LFA_CANCEL already).
	 */
	if (ret && e->firmware && e->call == LFA_CALL_ACTIVATE)
		lfa_end_sequence(seq_id);
	if (!ret) {
		lfa_drv.prev_uuid = comp->uuid;
		lfa_drv.prev_seq = seq_id;
		lfa_drv.prev_valid = true;
		/* The firmware held nothing else: it activated. */
		lfa_drv.cancel_owed = false;
	}
	return ret;
}

static void lfa_set_error(struct lfa_component *comp,
			  const struct lfa_error *e)
{
	unsigned long flags;

	lfa_data_lock(&flags);
	comp->last_error = *e;
	lfa_data_unlock(flags);
}

static bool lfa_is_removed(struct lfa_component *comp)
{
	unsigned long flags;
	bool removed;

	lfa_data_lock(&flags);
	removed = comp->removed;
	lfa_data_unlock(flags);
	return removed;
}

/*
 * Without the extensions, Arm's lfa_fw: the log names the failure, the
 * write says only -ECANCELED.
 */
static int lfa_upstream_errno(struct lfa_component *comp,
			      const struct lfa_error *e)
{
	char text[96];

	lfa_format_error(e, text, sizeof(text));
	pr_err("%pUb: activation failed: %s\n", &comp->uuid, text);
	return -ECANCELED;
}

/* The common frame of the "activate" and "prime" writes. */
static int lfa_sequence(struct lfa_component *comp, bool activate, bool wait)
{
	const char *action = activate ? "activate" : "prime";
	struct lfa_error e = { 0 };
	u64 start;
	int ret;

	ret = wait ? lfa_wait_sequence() : lfa_lock_sequence();
	if (ret)
		return ret;
	/* A vanished component gets no uevent: its directory is going. */
	if (lfa_is_removed(comp)) {
		lfa_unlock_sequence();
		return -ENODEV;
	}
	start = ktime_get_ns();
	trace_lfa_sequence_start(&comp->uuid, lfa_seq_id(comp), action);
	lfa_set_error(comp, &e);
	ret = lfa_run(comp, activate, &e);
	if (ret) {
		lfa_set_error(comp, &e);
		if (!lfa_is_removed(comp))
			lfa_send_event(comp, LFA_EVENT_FAILED, action, ret);
		if (!lfa_ext())
			ret = lfa_upstream_errno(comp, &e);
	} else if (activate) {
		/* Sequence ids and the set of components may change. */
		ret = lfa_refresh_locked(LFA_EVENT_CHANGED, comp);
		if (ret)
			pr_warn("refresh after activating %pUb failed: %d\n",
				&comp->uuid, ret);
		ret = 0;
		lfa_send_event(comp, LFA_EVENT_ACTIVATED, action, 0);
		/* An image staged during the activation (refresh bookkeeping). */
		if (comp->event == LFA_EVENT_STORE_UPDATED)
			lfa_send_event(comp, LFA_EVENT_STORE_UPDATED, NULL, 0);
		comp->event = -1;
		if (!lfa_ext())
			pr_info("%pUb: successfully activated\n", &comp->uuid);
	} else {
		lfa_send_event(comp, LFA_EVENT_PRIMED, action, 0);
	}
	trace_lfa_sequence_end(&comp->uuid, lfa_seq_id(comp), action, ret,
			       ktime_get_ns() - start);
	lfa_unlock_sequence();
	return ret;
}

int lfa_activate(struct lfa_component *comp)
{
	return lfa_sequence(comp, true, false);
}
EXPORT_SYMBOL_IF_KUNIT(lfa_activate);

int lfa_auto_activate(struct lfa_component *comp)
{
	return lfa_sequence(comp, true, true);
}

int lfa_prime(struct lfa_component *comp)
{
	return lfa_sequence(comp, false, false);
}
EXPORT_SYMBOL_IF_KUNIT(lfa_prime);

void lfa_cancel_primed(void)
{
	lfa_drop_prime(NULL, false, NULL);
}

int lfa_cancel(struct lfa_component *comp)
{
	enum lfa_state state;
	unsigned long flags;
	u32 seq_id;
	int ret;
	s64 x0;

	lfa_data_lock(&flags);
	state = comp->state;
	ret = comp->removed ? -ENODEV : 0;
	if (!ret && state == LFA_STATE_PRIMING)
		comp->cancel = true;
	lfa_data_unlock(flags);
	if (ret || state == LFA_STATE_PRIMING)
		return ret;
	if (state == LFA_STATE_ACTIVATING)
		return -EBUSY;

	ret = lfa_lock_sequence();
	if (ret)
		return ret;
	lfa_data_lock(&flags);
	state = comp->state;
	seq_id = comp->seq_id;
	ret = comp->removed ? -ENODEV : 0;
	lfa_data_unlock(flags);
	if (ret)
		goto out_unlock;

	x0 = lfa_issue_cancel(seq_id);
	if (x0) {
		/* Arm's lfa_fw: -EINVAL whatever the firmware said. */
		ret = lfa_ext() ? lfa_to_errno(x0) : -EINVAL;
		goto out_unlock;
	}
	if (state == LFA_STATE_PRIMED) {
		lfa_set_state(comp, LFA_STATE_IDLE);
		lfa_send_event(comp, LFA_EVENT_CHANGED, NULL, 0);
	}
	/* A CANCEL of the previous activation's id released its record. */
	if (lfa_drv.prev_valid && uuid_equal(&lfa_drv.prev_uuid, &comp->uuid))
		lfa_drv.prev_valid = false;
	/* And one of the id whose CANCEL failed pays it. */
	if (lfa_drv.cancel_owed && lfa_drv.cancel_owed_seq == seq_id)
		lfa_drv.cancel_owed = false;
out_unlock:
	lfa_unlock_sequence();
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(lfa_cancel);

void lfa_set_force_rendezvous(struct lfa_component *comp, bool force)
{
	unsigned long flags;

	lfa_data_lock(&flags);
	comp->force_rendezvous = force;
	lfa_data_unlock(flags);
}
EXPORT_SYMBOL_IF_KUNIT(lfa_set_force_rendezvous);

void lfa_set_auto_activate(struct lfa_component *comp, bool on)
{
	unsigned long flags;

	lfa_data_lock(&flags);
	comp->auto_activate = on;
	lfa_data_unlock(flags);
}
EXPORT_SYMBOL_IF_KUNIT(lfa_set_auto_activate);
