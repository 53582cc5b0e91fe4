// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite lfa_tfa_quirks: the answers of TF-A's LFA agent that the
 * driver must survive (research/tfa-lfa-observed.md). Each case shows the
 * quirk at the agent's call site first, then that the driver copes.
 */
#include <linux/jiffies.h>
#include <linux/kthread.h>

#include "lfa-kunit.h"

static struct lfa_regs lfa_quirk_call(u32 fid, u64 a1, u64 a2, u64 a4, u64 a5)
{
	struct lfa_regs args = {
		.a0 = fid, .a1 = a1, .a2 = a2, .a4 = a4, .a5 = a5,
	};
	struct lfa_regs res = args;

	lfa_agent_invoke(&args, &res);
	return res;
}

/*
 * TF-A does not write x4/x5 of GET_INVENTORY: what the caller left there
 * comes back. The driver passes zeros, so no version reads as garbage.
 */
static void lfa_quirk_x4_x5_test(struct kunit *test)
{
	struct lfa_component *rmm;
	struct lfa_regs res;
	uuid_t uuid;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM " pending=1\n");
	res = lfa_quirk_call(LFA_FN_GET_INVENTORY, 0, 0, 0xdeadbeefcafe0001,
			     0x0123456789abcdef);
	KUNIT_ASSERT_EQ(test, res.a0, 0ULL);
	KUNIT_EXPECT_EQ(test, res.a4, 0xdeadbeefcafe0001ULL);
	KUNIT_EXPECT_EQ(test, res.a5, 0x0123456789abcdefULL);

	KUNIT_ASSERT_EQ(test, lfa_read_entry(0, &uuid, &res), 0);
	KUNIT_EXPECT_EQ(test, res.a4, 0ULL);
	KUNIT_EXPECT_EQ(test, res.a5, 0ULL);
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm, "current_version"),
			   "N/A\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm, "pending_version"),
			   "N/A\n");
}

/*
 * The pending flag is refreshed only by GET_INVENTORY: PRIME after a store
 * update nobody read answers WRONG_STATE. The driver reads the entry right
 * before PRIME, so an activation after a silent store update works.
 */
static void lfa_quirk_pending_test(struct kunit *test)
{
	struct lfa_component_info info;
	struct lfa_agent_call *calls;
	struct lfa_component *rmm;
	unsigned int n, i, entry_at = 0, prime_at = 0;
	struct lfa_regs res;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM "\n");
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	lfa_kunit_control(test, "set uuid=" LFA_KUNIT_RMM " pending=1\n");
	res = lfa_quirk_call(LFA_FN_PRIME, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, (s64)res.a0, (s64)LFA_WRONG_STATE);
	/*
	 * The driver's cache has not seen the update either (the file
	 * would ask the firmware: suite lfa_abi) ...
	 */
	lfa_kunit_info(rmm, &info);
	KUNIT_EXPECT_FALSE(test, info.flags & LFA_INV_PENDING);
	/* ... and still activates, because it reads the entry first. */
	lfa_agent_clear_records();
	KUNIT_EXPECT_EQ(test, lfa_activate(rmm), 0);
	calls = lfa_kunit_calls(test, &n);
	for (i = 0; i < n; i++) {
		if (calls[i].fid == LFA_FN_GET_INVENTORY && !entry_at &&
		    calls[i].seq_id == 0)
			entry_at = i + 1;
		if (calls[i].fid == LFA_FN_PRIME && !prime_at)
			prime_at = i + 1;
	}
	KUNIT_EXPECT_GT(test, entry_at, 0U);
	KUNIT_EXPECT_LT(test, entry_at, prime_at);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_PRIME), 1U);
}

/* ACTIVATE before PRIME is INVALID_PARAMETERS: the driver always primes. */
static void lfa_quirk_activate_before_prime_test(struct kunit *test)
{
	struct lfa_agent_call *calls;
	struct lfa_component *bmc;
	struct lfa_regs res;
	unsigned int n, i;
	bool primed = false;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_BMC
			" pending=1 rendezvous=optional\n");
	res = lfa_quirk_call(LFA_FN_GET_INVENTORY, 0, 0, 0, 0);
	KUNIT_ASSERT_EQ(test, res.a0, 0ULL);
	res = lfa_quirk_call(LFA_FN_ACTIVATE, 0, LFA_SKIP_RENDEZVOUS, 0, 0);
	KUNIT_EXPECT_EQ(test, (s64)res.a0, (s64)LFA_INVALID_PARAMETERS);

	bmc = lfa_kunit_get(test, LFA_KUNIT_BMC);
	lfa_agent_clear_records();
	KUNIT_EXPECT_EQ(test, lfa_activate(bmc), 0);
	calls = lfa_kunit_calls(test, &n);
	for (i = 0; i < n; i++) {
		if (calls[i].fid == LFA_FN_PRIME && calls[i].x0 == 0 &&
		    !(calls[i].x1 & LFA_CALL_AGAIN))
			primed = true;
		if (calls[i].fid == LFA_FN_ACTIVATE)
			KUNIT_EXPECT_TRUE(test, primed);
	}
}

/*
 * The stale in-progress record: after BL31 (whose activator keeps the
 * record) the next component's PRIME "succeeds" bound to BL31 and its
 * ACTIVATE answers INVALID_PARAMETERS. The driver cancels BL31's sequence
 * id once and retries the sequence once.
 */
static void lfa_quirk_stale_record_test(struct kunit *test)
{
	struct lfa_component *bl31, *rmm;
	struct lfa_agent_call *calls;
	unsigned int n, i, activates = 0, cancels = 0;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_BL31
			" pending=1 resets_record=0\n"
			"component uuid=" LFA_KUNIT_RMM " pending=1\n");
	bl31 = lfa_kunit_get(test, LFA_KUNIT_BL31);
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_ASSERT_EQ(test, lfa_activate(bl31), 0);
	lfa_agent_clear_records();
	KUNIT_EXPECT_EQ(test, lfa_activate(rmm), 0);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_last_error(test, rmm), "");

	calls = lfa_kunit_calls(test, &n);
	for (i = 0; i < n; i++) {
		if (calls[i].fid == LFA_FN_ACTIVATE) {
			/* The first fails, the retry succeeds. */
			KUNIT_EXPECT_EQ(test, calls[i].x0,
					activates ? 0LL : (s64)LFA_INVALID_PARAMETERS);
			activates++;
		}
		if (calls[i].fid == LFA_FN_CANCEL) {
			/* BL31's sequence id, and only after the failure. */
			KUNIT_EXPECT_EQ(test, calls[i].seq_id, 0ULL);
			KUNIT_EXPECT_EQ(test, activates, 1U);
			cancels++;
		}
	}
	KUNIT_EXPECT_EQ(test, activates, 2U);
	KUNIT_EXPECT_EQ(test, cancels, 1U);
}

/* A second INVALID_PARAMETERS is returned: recovery happens once. */
static void lfa_quirk_stale_record_no_loop_test(struct kunit *test)
{
	struct lfa_component *bl31, *rmm;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_BL31
			" pending=1 resets_record=0\n"
			"component uuid=" LFA_KUNIT_RMM
			" pending=1 activate_error=INVALID_PARAMETERS\n");
	bl31 = lfa_kunit_get(test, LFA_KUNIT_BL31);
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_ASSERT_EQ(test, lfa_activate(bl31), 0);
	lfa_agent_clear_records();
	KUNIT_EXPECT_EQ(test, lfa_activate(rmm), -EINVAL);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_ACTIVATE), 2U);
	/* BL31's id for the retry, then its own after the second failure. */
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), 2U);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_last_error(test, rmm),
			   "EINVAL INVALID_PARAMETERS -8 ACTIVATE");
}

/*
 * The CANCEL that should release the stale record fails: the write fails
 * with that CANCEL's error, not a retry's INVALID_PARAMETERS, and the
 * driver still knows of the record, so the next activation releases it.
 */
static void lfa_quirk_stale_record_cancel_fails_test(struct kunit *test)
{
	struct lfa_component *bl31, *rmm;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_BL31
			" pending=1 resets_record=0 cancel_error=BUSY\n"
			"component uuid=" LFA_KUNIT_RMM " pending=1\n");
	bl31 = lfa_kunit_get(test, LFA_KUNIT_BL31);
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_ASSERT_EQ(test, lfa_activate(bl31), 0);
	lfa_agent_clear_records();
	KUNIT_EXPECT_EQ(test, lfa_activate(rmm), -EBUSY);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_last_error(test, rmm),
			   "EBUSY BUSY -2 CANCEL");
	/* No retry on a record still held. */
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_ACTIVATE), 1U);

	lfa_kunit_control(test, "set uuid=" LFA_KUNIT_BL31
			  " cancel_error=0\n");
	lfa_agent_clear_records();
	KUNIT_EXPECT_EQ(test, lfa_activate(rmm), 0);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), 1U);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_last_error(test, rmm), "");
}

/**
 * struct lfa_pen - one CPU waiting in the rendezvous pen
 * @res: what its ACTIVATE returned
 * @done: completed when it returned
 */
struct lfa_pen {
	struct lfa_regs res;
	struct completion done;
};

static int lfa_quirk_pen_fn(void *data)
{
	struct lfa_pen *pen = data;

	pen->res = lfa_quirk_call(LFA_FN_ACTIVATE, 0, 0, 0, 0);
	complete(&pen->done);
	return 0;
}

/*
 * CANCEL while a CPU waits in the holding pen releases it with
 * ACTIVATION_FAILED (-11), before the pen's own timeout; the driver maps
 * -11 to -EREMOTEIO (lfa_errno). The pen's timeout gives the same answer
 * but records the lone CPU's ACTIVATE: no ACTIVATE record tells the two
 * apart, whatever the time either took.
 */
static void lfa_quirk_cancel_in_pen_test(struct kunit *test)
{
	struct task_struct *task;
	struct lfa_regs res;
	struct lfa_pen *pen;

	KUNIT_ASSERT_GE(test, num_online_cpus(), 2U);
	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM " pending=1\n");
	res = lfa_quirk_call(LFA_FN_GET_INVENTORY, 0, 0, 0, 0);
	KUNIT_ASSERT_EQ(test, res.a0, 0ULL);
	res = lfa_quirk_call(LFA_FN_PRIME, 0, 0, 0, 0);
	KUNIT_ASSERT_EQ(test, res.a0, 0ULL);
	KUNIT_ASSERT_EQ(test, res.a1 & LFA_CALL_AGAIN, 0ULL);

	/* Freed only when the thread is done (a leak beats a UAF). */
	pen = kzalloc(sizeof(*pen), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pen);
	init_completion(&pen->done);
	lfa_agent_clear_records();
	task = kthread_run(lfa_quirk_pen_fn, pen, "lfa-kunit-pen");
	if (IS_ERR(task)) {
		kfree(pen);
		KUNIT_ASSERT_TRUE_MSG(test, false, "kthread_run: %ld", PTR_ERR(task));
	}
	/* The pen keeps a lone CPU for a second: CANCEL comes at its entry. */
	lfa_kunit_wait_pen(test, 1, 10000);
	KUNIT_EXPECT_FALSE(test, completion_done(&pen->done));
	res = lfa_quirk_call(LFA_FN_CANCEL, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, res.a0, 0ULL);
	if (!wait_for_completion_timeout(&pen->done, 5 * HZ))
		KUNIT_ASSERT_TRUE_MSG(test, false, "ACTIVATE never left the pen");
	KUNIT_EXPECT_EQ(test, (s64)pen->res.a0, (s64)LFA_ACTIVATION_FAILED);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_ACTIVATE), 0U);
	kfree(pen);
}

#define LFA_QUIRK_TWO \
	"component uuid=" LFA_KUNIT_BMC " pending=1 rendezvous=optional %s\n" \
	"component uuid=" LFA_KUNIT_RMM " pending=1\n"

/*
 * Issue 11 item 13: as TF-A, PRIME of a second component while the first
 * is fully primed succeeds, the first prime is gone, and ACTIVATE of
 * either answers INVALID_PARAMETERS until CANCEL of the first; half
 * primed, the second PRIME answers WRONG_STATE.
 */
static void lfa_quirk_prime_second_test(struct kunit *test)
{
	struct lfa_regs res;

	lfa_kunit_start(test, lfa_kunit_fmt(test, LFA_QUIRK_TWO, ""));
	lfa_quirk_call(LFA_FN_GET_INVENTORY, 0, 0, 0, 0);
	lfa_quirk_call(LFA_FN_GET_INVENTORY, 1, 0, 0, 0);
	res = lfa_quirk_call(LFA_FN_PRIME, 0, 0, 0, 0);
	KUNIT_ASSERT_EQ(test, res.a0, 0ULL);
	KUNIT_ASSERT_EQ(test, res.a1 & LFA_CALL_AGAIN, 0ULL);
	res = lfa_quirk_call(LFA_FN_PRIME, 1, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, (s64)res.a0, 0LL);
	res = lfa_quirk_call(LFA_FN_ACTIVATE, 1, LFA_SKIP_RENDEZVOUS, 0, 0);
	KUNIT_EXPECT_EQ(test, (s64)res.a0, (s64)LFA_INVALID_PARAMETERS);
	res = lfa_quirk_call(LFA_FN_ACTIVATE, 0, LFA_SKIP_RENDEZVOUS, 0, 0);
	KUNIT_EXPECT_EQ(test, (s64)res.a0, (s64)LFA_INVALID_PARAMETERS);
	res = lfa_quirk_call(LFA_FN_CANCEL, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, (s64)res.a0, 0LL);

	lfa_kunit_start(test, lfa_kunit_fmt(test, LFA_QUIRK_TWO,
					    "prime_rounds=2"));
	lfa_quirk_call(LFA_FN_GET_INVENTORY, 0, 0, 0, 0);
	lfa_quirk_call(LFA_FN_GET_INVENTORY, 1, 0, 0, 0);
	res = lfa_quirk_call(LFA_FN_PRIME, 0, 0, 0, 0);
	KUNIT_ASSERT_EQ(test, res.a1 & LFA_CALL_AGAIN, (u64)LFA_CALL_AGAIN);
	res = lfa_quirk_call(LFA_FN_PRIME, 1, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, (s64)res.a0, (s64)LFA_WRONG_STATE);
}

/*
 * Issue 11 item 10: the driver keeps at most one component primed itself:
 * priming a second cancels the first's prime (LFA_CANCEL of its id,
 * state idle, a "changed" uevent), and the second then activates.
 */
static void lfa_quirk_one_primed_test(struct kunit *test)
{
	struct lfa_component *opt, *rdv;
	struct lfa_agent_call *calls;
	unsigned int n, i, cancels = 0;

	lfa_kunit_start(test, lfa_kunit_fmt(test, LFA_QUIRK_TWO, ""));
	opt = lfa_kunit_get(test, LFA_KUNIT_BMC);
	rdv = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_ASSERT_EQ(test, lfa_prime(opt), 0);
	KUNIT_EXPECT_EQ(test, lfa_prime(rdv), 0);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, opt, "state"), "idle\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rdv, "state"),
			   "primed\n");
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_BMC,
						"LFA_EVENT=changed"), 1U);
	calls = lfa_kunit_calls(test, &n);
	for (i = 0; i < n; i++) {
		if (calls[i].fid != LFA_FN_CANCEL)
			continue;
		KUNIT_EXPECT_EQ(test, calls[i].seq_id, 0ULL);
		cancels++;
	}
	KUNIT_EXPECT_EQ(test, cancels, 1U);
	KUNIT_EXPECT_EQ(test, lfa_activate(rdv), 0);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_last_error(test, rdv), "");
}

/*
 * Issue 11 item 11: after an activation that left TF-A's record stale, a
 * component primed by the user and another one activated: the prime is
 * cancelled visibly (state idle, "changed"), not undone behind the state
 * file by the stale-record retry, which does not run.
 */
static void lfa_quirk_prime_after_stale_test(struct kunit *test)
{
	struct lfa_component *opt, *rdv;

	lfa_kunit_start(test, lfa_kunit_fmt(test, LFA_QUIRK_TWO,
					    "resets_record=0"));
	opt = lfa_kunit_get(test, LFA_KUNIT_BMC);
	rdv = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_ASSERT_EQ(test, lfa_activate(opt), 0);
	lfa_kunit_control(test, "set uuid=" LFA_KUNIT_BMC " pending=1\n");
	KUNIT_ASSERT_EQ(test, lfa_prime(opt), 0);
	lfa_agent_clear_records();
	KUNIT_EXPECT_EQ(test, lfa_activate(rdv), 0);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, opt, "state"), "idle\n");
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_BMC,
						"LFA_EVENT=changed"), 1U);
	/* No retry: one ACTIVATE. */
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_ACTIVATE), 1U);
}

static struct kunit_case lfa_quirk_test_cases[] = {
	KUNIT_CASE(lfa_quirk_x4_x5_test),
	KUNIT_CASE(lfa_quirk_pending_test),
	KUNIT_CASE(lfa_quirk_activate_before_prime_test),
	KUNIT_CASE(lfa_quirk_stale_record_test),
	KUNIT_CASE(lfa_quirk_stale_record_no_loop_test),
	KUNIT_CASE(lfa_quirk_stale_record_cancel_fails_test),
	KUNIT_CASE(lfa_quirk_cancel_in_pen_test),
	KUNIT_CASE(lfa_quirk_prime_second_test),
	KUNIT_CASE(lfa_quirk_one_primed_test),
	KUNIT_CASE(lfa_quirk_prime_after_stale_test),
	{}
};

static struct kunit_suite lfa_quirk_suite = {
	.name = "lfa_tfa_quirks",
	.init = lfa_kunit_init,
	.exit = lfa_kunit_exit,
	.test_cases = lfa_quirk_test_cases,
};

kunit_test_suite(lfa_quirk_suite);
