// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite lfa_activate: the PRIME/ACTIVATE sequences of the "activate",
 * "prime" and "cancel" files: call-again loops, budgets with LFA_CANCEL on
 * timeout, cancel while priming (-ECANCELED) and while activating (-EBUSY),
 * priming ahead, one sequence at a time, and the refusals.
 */
#include <linux/jiffies.h>
#include <linux/kobject.h>

#include "lfa-kunit.h"

/**
 * struct lfa_rounds_case - call-again and BUSY rounds of a good activation
 * @desc: parameter name
 * @keys: the component's scenario keys
 * @prime: PRIME calls expected
 * @activate: ACTIVATE rounds expected (a rendezvous round is one record)
 */
struct lfa_rounds_case {
	const char *desc;
	const char *keys;
	unsigned int prime;
	unsigned int activate;
};

static const struct lfa_rounds_case lfa_rounds_cases[] = {
	{ "at once", "", 1, 1 },
	{ "prime again x3", "prime_rounds=3", 4, 1 },
	{ "activate again x2", "activate_rounds=2", 1, 3 },
	{ "both again", "prime_rounds=2 activate_rounds=2", 3, 3 },
	{ "activate busy x2", "activate_busy=2", 1, 3 },
	{ "skip path, activate again x2",
	  "rendezvous=optional activate_rounds=2", 1, 3 },
};

static void lfa_rounds_desc(const struct lfa_rounds_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lfa_rounds, lfa_rounds_cases, lfa_rounds_desc);

static void lfa_activate_rounds_test(struct kunit *test)
{
	const struct lfa_rounds_case *c = test->param_value;
	struct lfa_component *comp;

	lfa_kunit_start(test, lfa_kunit_fmt(test,
					    "component uuid=%s pending=1 current=1.0 pending_version=1.1 %s\n",
					    LFA_KUNIT_RMM, c->keys));
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	if (strstr(c->keys, "optional"))
		KUNIT_ASSERT_EQ(test, lfa_kunit_store(test, comp,
						      "force_cpu_rendezvous", "0\n"),
				(ssize_t)2);
	/* The write returns the byte count on success. */
	KUNIT_EXPECT_EQ(test, lfa_kunit_store(test, comp, "activate", "1\n"),
			(ssize_t)2);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_PRIME), c->prime);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_ACTIVATE),
			c->activate);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), 0U);
	/* Refreshed afterwards: the new image runs, nothing is pending. */
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "current_version"),
			   "1.1\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "activation_pending"),
			   "0\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "state"), "idle\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_last_error(test, comp), "");
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM,
						"LFA_EVENT=activated"), 1U);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM,
						"LFA_ACTION=activate"), 1U);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM,
						"LFA_EVENT=failed"), 0U);
}

/**
 * struct lfa_budget_case - a call-again that never ends
 * @desc: parameter name
 * @keys: the component's scenario keys
 * @last_error: what last_error reads afterwards
 * @activates: whether ACTIVATE was reached
 */
struct lfa_budget_case {
	const char *desc;
	const char *keys;
	const char *last_error;
	bool activates;
};

static const struct lfa_budget_case lfa_budget_cases[] = {
	{ "PRIME again forever", "prime_hang=1", "ETIMEDOUT NONE 0 PRIME",
	  false },
	{ "ACTIVATE again forever", "activate_hang=1",
	  "ETIMEDOUT NONE 0 ACTIVATE", true },
	{ "ACTIVATE busy beyond the budget", "activate_busy=1000000",
	  "ETIMEDOUT NONE 0 ACTIVATE", true },
	{ "skip path, ACTIVATE again forever",
	  "activate_hang=1 rendezvous=optional", "ETIMEDOUT NONE 0 ACTIVATE",
	  true },
};

static void lfa_budget_desc(const struct lfa_budget_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lfa_budget, lfa_budget_cases, lfa_budget_desc);

static void lfa_activate_budget_test(struct kunit *test)
{
	const struct lfa_budget_case *c = test->param_value;
	struct lfa_component *comp;
	unsigned long start;
	unsigned int ms;

	lfa_prime_budget_ms = 150;
	lfa_activate_budget_ms = 150;
	lfa_kunit_start(test, lfa_kunit_fmt(test,
					    "component uuid=%s pending=1 %s\n",
					    LFA_KUNIT_RMM, c->keys));
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	if (strstr(c->keys, "optional"))
		lfa_set_force_rendezvous(comp, false);
	start = jiffies;
	KUNIT_EXPECT_EQ(test, lfa_activate(comp), -ETIMEDOUT);
	ms = jiffies_to_msecs(jiffies - start);
	/*
	 * The budget was spent, polling, and then respected. How many polls
	 * fit depends on the machine: a stop_machine() round of a TCG guest
	 * on a loaded host can take half the budget, so two calls (a poll
	 * after the first) is all that can be asked.
	 */
	KUNIT_EXPECT_GE(test, ms, 150U);
	KUNIT_EXPECT_LT(test, ms, 5000U);
	KUNIT_EXPECT_GE(test, lfa_agent_count_calls(c->activates ?
						    LFA_FN_ACTIVATE :
						    LFA_FN_PRIME), 2U);
	if (!c->activates)
		KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_ACTIVATE), 0U);
	/* The firmware is told to stop. */
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), 1U);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_last_error(test, comp), c->last_error);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "state"), "idle\n");
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM,
						"LFA_ERRNO=ETIMEDOUT"), 1U);
}

/*
 * How a stopped priming loop ends, whether "cancel" or a fatal signal
 * stopped it: LFA_CANCEL issued, no ACTIVATE, -ECANCELED with its
 * last_error, idle again, one "failed" uevent.
 */
static void lfa_expect_priming_cancelled(struct kunit *test,
					 struct lfa_component *comp,
					 struct lfa_kunit_async *a)
{
	KUNIT_EXPECT_EQ(test, lfa_kunit_wait_async(test, a, 5000), -ECANCELED);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), 1U);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_ACTIVATE), 0U);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_last_error(test, comp),
			   "ECANCELED NONE 0 PRIME");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "state"), "idle\n");
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM,
						"LFA_ERRNO=ECANCELED"), 1U);
}

/* "cancel" stops a priming loop: LFA_CANCEL, then -ECANCELED. */
static void lfa_activate_cancel_priming_test(struct kunit *test)
{
	struct lfa_component *comp;
	struct lfa_kunit_async *a;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM
			" pending=1 prime_hang=1\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	a = lfa_kunit_start_async(test, lfa_activate, comp);
	KUNIT_ASSERT_TRUE(test, lfa_kunit_wait_state(comp, LFA_STATE_PRIMING,
						     5000));
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "state"),
			   "priming\n");
	/* The cancel write returns at once, the loop stops soon after. */
	KUNIT_EXPECT_EQ(test, lfa_kunit_store(test, comp, "cancel", "1\n"),
			(ssize_t)2);
	lfa_expect_priming_cancelled(test, comp, a);
}

/* A fatal signal to the writer stops priming as "cancel" does. */
static void lfa_activate_fatal_signal_test(struct kunit *test)
{
	struct lfa_component *comp;
	struct lfa_kunit_async *a;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM
			" pending=1 prime_hang=1\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	a = lfa_kunit_start_async(test, lfa_activate, comp);
	KUNIT_ASSERT_TRUE(test, lfa_kunit_wait_state(comp, LFA_STATE_PRIMING,
						     5000));
	lfa_kunit_kill(a);
	lfa_expect_priming_cancelled(test, comp, a);
}

/* Once ACTIVATE has begun, "cancel" is refused with -EBUSY. */
static void lfa_activate_cancel_activating_test(struct kunit *test)
{
	struct lfa_component *comp;
	struct lfa_kunit_async *a;

	lfa_activate_budget_ms = 1500;
	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM
			" pending=1 activate_hang=1\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	a = lfa_kunit_start_async(test, lfa_activate, comp);
	KUNIT_ASSERT_TRUE(test, lfa_kunit_wait_state(comp, LFA_STATE_ACTIVATING,
						     5000));
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "state"),
			   "activating\n");
	KUNIT_EXPECT_EQ(test, lfa_cancel(comp), -EBUSY);
	KUNIT_EXPECT_EQ(test, lfa_kunit_store(test, comp, "cancel", "1\n"),
			(ssize_t)-EBUSY);
	/* The activation goes on until its own budget ends it. */
	KUNIT_EXPECT_EQ(test, lfa_kunit_wait_async(test, a, 10000), -ETIMEDOUT);
}

/* "prime" ahead of a window, then "activate" issues only ACTIVATE. */
static void lfa_activate_primed_test(struct kunit *test)
{
	struct lfa_component *comp;
	unsigned int primes;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM
			" pending=1 prime_rounds=2\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_EXPECT_EQ(test, lfa_kunit_store(test, comp, "prime", "1\n"),
			(ssize_t)2);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "state"),
			   "primed\n");
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM,
						"LFA_EVENT=primed"), 1U);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM,
						"LFA_ACTION=prime"), 1U);
	KUNIT_EXPECT_EQ(test, lfa_prime(comp), -EALREADY);
	primes = lfa_agent_count_calls(LFA_FN_PRIME);
	KUNIT_EXPECT_EQ(test, primes, 3U);
	KUNIT_EXPECT_EQ(test, lfa_activate(comp), 0);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_PRIME), primes);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_ACTIVATE), 1U);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "state"), "idle\n");
}

/* "cancel" of a primed component releases it in the firmware. */
static void lfa_activate_cancel_primed_test(struct kunit *test)
{
	struct lfa_component *comp;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM " pending=1\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_ASSERT_EQ(test, lfa_prime(comp), 0);
	KUNIT_EXPECT_EQ(test, lfa_cancel(comp), 0);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), 1U);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "state"), "idle\n");
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM,
						"LFA_EVENT=changed"), 1U);
	/* TF-A answers CANCEL of an idle component INVALID_PARAMETERS. */
	KUNIT_EXPECT_EQ(test, lfa_cancel(comp), -EINVAL);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), 2U);
}

/* One sequence at a time: the others get -EBUSY at once, reads go on. */
static void lfa_activate_one_at_a_time_test(struct kunit *test)
{
	struct lfa_component *rmm, *bmc;
	struct lfa_kunit_async *a;
	unsigned long start;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM
			" pending=1 prime_hang=1\n"
			"component uuid=" LFA_KUNIT_BMC " pending=1\n");
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	bmc = lfa_kunit_get(test, LFA_KUNIT_BMC);
	a = lfa_kunit_start_async(test, lfa_activate, rmm);
	KUNIT_ASSERT_TRUE(test, lfa_kunit_wait_state(rmm, LFA_STATE_PRIMING,
						     5000));
	start = jiffies;
	KUNIT_EXPECT_EQ(test, lfa_activate(bmc), -EBUSY);
	KUNIT_EXPECT_EQ(test, lfa_prime(bmc), -EBUSY);
	KUNIT_EXPECT_EQ(test, lfa_activate(rmm), -EBUSY);
	KUNIT_EXPECT_EQ(test, lfa_cancel(bmc), -EBUSY);
	KUNIT_EXPECT_EQ(test, lfa_lock_sequence(), -EBUSY);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, bmc, "state"), "idle\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm, "activation_pending"),
			   "1\n");
	/* None of that waited for the priming loop. */
	KUNIT_EXPECT_LT(test, jiffies_to_msecs(jiffies - start), 1000U);
	KUNIT_EXPECT_EQ(test, lfa_cancel(rmm), 0);
	KUNIT_EXPECT_EQ(test, lfa_kunit_wait_async(test, a, 5000), -ECANCELED);
	/* Free again. */
	KUNIT_EXPECT_EQ(test, lfa_activate(bmc), 0);
}

/**
 * struct lfa_refusal_case - a component the driver does not activate
 * @desc: parameter name
 * @keys: the component's scenario keys
 * @err: what "activate" and "prime" return
 * @errname: the errno's name in last_error
 */
struct lfa_refusal_case {
	const char *desc;
	const char *keys;
	int err;
	const char *errname;
};

static const struct lfa_refusal_case lfa_refusal_cases[] = {
	{ "may reset a CPU", "pending=1 may_reset_cpu=1", -EPERM, "EPERM" },
	{ "not capable", "capable=0 pending=1", -EOPNOTSUPP, "EOPNOTSUPP" },
	{ "not pending", "pending=0", -ENODATA, "ENODATA" },
};

static void lfa_refusal_desc(const struct lfa_refusal_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lfa_refusal, lfa_refusal_cases, lfa_refusal_desc);

static void lfa_activate_refusal_test(struct kunit *test)
{
	const struct lfa_refusal_case *c = test->param_value;
	struct lfa_component *comp;

	lfa_kunit_start(test, lfa_kunit_fmt(test,
					    "component uuid=%s %s\n",
					    LFA_KUNIT_BL31, c->keys));
	comp = lfa_kunit_get(test, LFA_KUNIT_BL31);
	KUNIT_EXPECT_EQ(test, lfa_kunit_store(test, comp, "activate", "1\n"),
			(ssize_t)c->err);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_last_error(test, comp),
			   lfa_kunit_fmt(test, "%s NONE 0 NONE",
					 c->errname));
	KUNIT_EXPECT_EQ(test, lfa_prime(comp), c->err);
	/* Nothing reached the firmware. */
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_PRIME), 0U);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_ACTIVATE), 0U);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_BL31,
						"LFA_EVENT=failed"), 2U);
}

/* Only a true boolean starts anything. */
static void lfa_activate_bad_input_test(struct kunit *test)
{
	static const char * const bad[] = { "0\n", "n", "foo" };
	struct lfa_component *comp;
	unsigned int i;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM " pending=1\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	/* activate and cancel take any content (suite lfa_abi). */
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, lfa_kunit_store(test, comp, "prime",
							  bad[i]),
				    (ssize_t)-EINVAL, "value \"%s\"", bad[i]);
	KUNIT_EXPECT_EQ(test, lfa_kunit_store(test, comp, "force_cpu_rendezvous",
					      "maybe"), (ssize_t)-EINVAL);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_PRIME), 0U);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), 0U);
}

/* The loop sleeps poll_interval_ms between rounds: no busy-wait. */
static void lfa_activate_poll_interval_test(struct kunit *test)
{
	struct lfa_component *comp;
	unsigned long start;

	lfa_poll_interval_ms = 30;
	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM
			" pending=1 prime_rounds=4\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	start = jiffies;
	KUNIT_EXPECT_EQ(test, lfa_activate(comp), 0);
	KUNIT_EXPECT_GE(test, jiffies_to_msecs(jiffies - start), 4 * 30U);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_PRIME), 5U);
}

/*
 * Issue 11 item 1: a cancel, or a fatal signal, that arrives during the
 * last PRIME call wins once that call returns: LFA_CANCEL, -ECANCELED, no
 * ACTIVATE.
 */
static void lfa_activate_stop_last_prime(struct kunit *test, bool signal)
{
	struct lfa_component *comp;
	struct lfa_kunit_async *a;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM
			" pending=1 call_delay_ms=400\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	a = lfa_kunit_start_async(test, lfa_activate, comp);
	KUNIT_ASSERT_TRUE(test, lfa_kunit_wait_state(comp, LFA_STATE_PRIMING,
						     5000));
	/* Inside the one PRIME call (it takes 400 ms). */
	lfa_kunit_wait_entered(test, LFA_FN_PRIME, 1, 5000);
	if (signal)
		lfa_kunit_kill(a);
	else
		KUNIT_EXPECT_EQ(test, lfa_cancel(comp), 0);
	KUNIT_EXPECT_EQ(test, lfa_kunit_wait_async(test, a, 5000), -ECANCELED);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_PRIME), 1U);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_ACTIVATE), 0U);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), 1U);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_last_error(test, comp),
			   "ECANCELED NONE 0 PRIME");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "state"), "idle\n");
}

static void lfa_activate_cancel_last_prime_test(struct kunit *test)
{
	lfa_activate_stop_last_prime(test, false);
}

static void lfa_activate_signal_last_prime_test(struct kunit *test)
{
	lfa_activate_stop_last_prime(test, true);
}

/*
 * Issue 11 item 5: LFA_CANCEL after a PRIME error that follows call-again
 * rounds, and after an ACTIVATE error other than BUSY (as Arm's lfa_fw).
 */
static void lfa_activate_cancel_after_error_test(struct kunit *test)
{
	struct lfa_component *comp;
	struct lfa_agent_call *calls;
	unsigned int n;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM
			" pending=1 prime_rounds=2 prime_error=AUTH_ERROR\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_EXPECT_EQ(test, lfa_activate(comp), -EKEYREJECTED);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), 1U);
	calls = lfa_kunit_calls(test, &n);
	KUNIT_ASSERT_GE(test, n, 1U);
	KUNIT_EXPECT_EQ(test, calls[n - 1].fid, (u32)LFA_FN_CANCEL);
	KUNIT_EXPECT_EQ(test, calls[n - 1].seq_id, 0ULL);
	/* The error is PRIME's, not the CANCEL's. */
	KUNIT_EXPECT_STREQ(test, lfa_kunit_last_error(test, comp),
			   "EKEYREJECTED AUTH_ERROR -3 PRIME");

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM
			" pending=1 activate_error=DEVICE_ERROR\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_EXPECT_EQ(test, lfa_activate(comp), -EIO);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), 1U);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_last_error(test, comp),
			   "EIO DEVICE_ERROR -6 ACTIVATE");

	/* A PRIME error on the first call leaves nothing to cancel. */
	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM
			" pending=1 prime_error=AUTH_ERROR\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_EXPECT_EQ(test, lfa_activate(comp), -EKEYREJECTED);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), 0U);
}

static int lfa_activate_exit_fn(struct lfa_component *comp)
{
	lfa_core_exit();
	return 0;
}

/*
 * Issue 11 item 8: unloading stops a sequence even where the sequence
 * starts priming again after the request (here: the stale-record retry),
 * so rmmod never waits out a PRIME budget.
 */
static void lfa_activate_exit_stops_sequence_test(struct kunit *test)
{
	struct lfa_component *bl31, *rmm;
	struct lfa_kunit_async *a;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_BL31
			" pending=1 resets_record=0\n"
			"component uuid=" LFA_KUNIT_RMM
			" pending=1 rendezvous=optional call_delay_ms=300\n");
	bl31 = lfa_kunit_get(test, LFA_KUNIT_BL31);
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_ASSERT_EQ(test, lfa_activate(bl31), 0);
	KUNIT_ASSERT_EQ(test, lfa_kunit_store(test, rmm, "force_cpu_rendezvous",
					      "0"), (ssize_t)1);
	a = lfa_kunit_start_async(test, lfa_activate, rmm);
	KUNIT_ASSERT_TRUE(test, lfa_kunit_wait_state(rmm, LFA_STATE_ACTIVATING,
						     5000));
	/* ACTIVATE fails (stale record); the retry must not prime. */
	lfa_kunit_start_async(test, lfa_activate_exit_fn, rmm);
	KUNIT_EXPECT_EQ(test, lfa_kunit_wait_async(test, a, 5000), -ECANCELED);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_PRIME), 2U);
}

/*
 * Issue 11 item 14: a budget of 0 ms allows one call: no sleep, no
 * second call, LFA_CANCEL and -ETIMEDOUT at once.
 */
static void lfa_activate_zero_budget_test(struct kunit *test)
{
	struct lfa_component *comp;

	lfa_poll_interval_ms = 1000;
	lfa_activate_budget_ms = 0;
	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM
			" pending=1 activate_rounds=5\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_EXPECT_EQ(test, lfa_activate(comp), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_ACTIVATE), 1U);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), 1U);

	lfa_prime_budget_ms = 0;
	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM
			" pending=1 prime_rounds=5\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_EXPECT_EQ(test, lfa_activate(comp), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_PRIME), 1U);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), 1U);
}

/*
 * Issue 11 item 4 (part): unloading the driver releases a primed
 * component in the firmware (LFA_CANCEL of its sequence id).
 */
static void lfa_activate_exit_cancels_prime_test(struct kunit *test)
{
	struct lfa_component *comp;
	struct lfa_agent_call *calls;
	unsigned int n;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_BMC "\n"
			"component uuid=" LFA_KUNIT_RMM " pending=1\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_ASSERT_EQ(test, lfa_prime(comp), 0);
	lfa_agent_clear_records();
	lfa_core_exit();
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), 1U);
	calls = lfa_kunit_calls(test, &n);
	KUNIT_ASSERT_GE(test, n, 1U);
	KUNIT_EXPECT_EQ(test, calls[0].fid, (u32)LFA_FN_CANCEL);
	KUNIT_EXPECT_EQ(test, calls[0].seq_id, 1ULL);
	KUNIT_EXPECT_EQ(test, (s64)calls[0].x0, 0LL);
}

/*
 * Issue 11 item 4: "primed" is checked against the firmware: when the
 * firmware lost the prime (here a CANCEL behind the driver's back),
 * "activate" primes again once and succeeds.
 */
static void lfa_activate_lost_prime_test(struct kunit *test)
{
	struct lfa_regs args = { .a0 = LFA_FN_CANCEL, .a1 = 0 }, res;
	struct lfa_component *comp;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM " pending=1\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_ASSERT_EQ(test, lfa_prime(comp), 0);
	lfa_agent_invoke(&args, &res);
	KUNIT_ASSERT_EQ(test, res.a0, 0ULL);
	lfa_agent_clear_records();
	KUNIT_EXPECT_EQ(test, lfa_activate(comp), 0);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_PRIME), 1U);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_ACTIVATE), 2U);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_last_error(test, comp), "");
}

/*
 * Issue 11 item 4: the re-read before a sequence checks "primed" too: a
 * primed component whose entry no longer shows a pending image is
 * released (LFA_CANCEL) and reads idle; the activation answers -ENODATA.
 */
static void lfa_activate_unpending_primed_test(struct kunit *test)
{
	struct lfa_component *comp;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM " pending=1\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_ASSERT_EQ(test, lfa_prime(comp), 0);
	lfa_kunit_control(test, "set uuid=" LFA_KUNIT_RMM " pending=0\n");
	lfa_agent_clear_records();
	KUNIT_EXPECT_EQ(test, lfa_activate(comp), -ENODATA);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), 1U);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_ACTIVATE), 0U);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "state"), "idle\n");
}

/*
 * A newer image staged after the prime: the firmware holds the prime of the
 * old one. The activation's re-read finds the pending version changed, and
 * the driver releases that prime and primes the new image before it
 * activates, instead of activating the old prime.
 */
static void lfa_activate_restaged_primed_test(struct kunit *test)
{
	struct lfa_component *comp;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM
			" pending=1 pending_version=1.1\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_ASSERT_EQ(test, lfa_prime(comp), 0);
	lfa_kunit_control(test, "set uuid=" LFA_KUNIT_RMM
			  " pending_version=1.2\n");
	lfa_agent_clear_records();
	KUNIT_EXPECT_EQ(test, lfa_activate(comp), 0);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), 1U);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_PRIME), 1U);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_ACTIVATE), 1U);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "current_version"),
			   "1.2\n");
}

/*
 * The same found by the store-updated notification's refresh: the prime is
 * released there (state idle, with the one store-updated uevent).
 */
static void lfa_activate_restaged_primed_notify_test(struct kunit *test)
{
	struct lfa_component *comp;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM
			" pending=1 pending_version=1.1\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_ASSERT_EQ(test, lfa_prime(comp), 0);
	lfa_agent_clear_records();
	lfa_kunit_control(test, "store-update uuid=" LFA_KUNIT_RMM
			  " pending_version=1.2\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "state"), "idle\n");
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), 1U);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM,
						"LFA_EVENT=store-updated"), 1U);
	KUNIT_EXPECT_EQ(test, lfa_agent_uevents(NULL, 0), 1U);
}

static struct kunit_case lfa_activate_test_cases[] = {
	KUNIT_CASE_PARAM(lfa_activate_rounds_test, lfa_rounds_gen_params),
	KUNIT_CASE_PARAM(lfa_activate_budget_test, lfa_budget_gen_params),
	KUNIT_CASE(lfa_activate_cancel_priming_test),
	KUNIT_CASE(lfa_activate_fatal_signal_test),
	KUNIT_CASE(lfa_activate_cancel_activating_test),
	KUNIT_CASE(lfa_activate_primed_test),
	KUNIT_CASE(lfa_activate_cancel_primed_test),
	KUNIT_CASE(lfa_activate_one_at_a_time_test),
	KUNIT_CASE_PARAM(lfa_activate_refusal_test, lfa_refusal_gen_params),
	KUNIT_CASE(lfa_activate_bad_input_test),
	KUNIT_CASE(lfa_activate_poll_interval_test),
	KUNIT_CASE(lfa_activate_cancel_last_prime_test),
	KUNIT_CASE(lfa_activate_signal_last_prime_test),
	KUNIT_CASE(lfa_activate_cancel_after_error_test),
	KUNIT_CASE(lfa_activate_exit_stops_sequence_test),
	KUNIT_CASE(lfa_activate_zero_budget_test),
	KUNIT_CASE(lfa_activate_exit_cancels_prime_test),
	KUNIT_CASE(lfa_activate_lost_prime_test),
	KUNIT_CASE(lfa_activate_unpending_primed_test),
	KUNIT_CASE(lfa_activate_restaged_primed_test),
	KUNIT_CASE(lfa_activate_restaged_primed_notify_test),
	{}
};

static struct kunit_suite lfa_activate_suite = {
	.name = "lfa_activate",
	.init = lfa_kunit_init,
	.exit = lfa_kunit_exit,
	.test_cases = lfa_activate_test_cases,
};

kunit_test_suite(lfa_activate_suite);
