// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite lfa_rendezvous: ACTIVATE runs under stop_machine() on every
 * online CPU unless the firmware makes the rendezvous optional *and*
 * force_cpu_rendezvous is 0. The agent records, per ACTIVATE round, which
 * CPUs issued it and whether they all did so with interrupts off, i.e.
 * gathered in stop_machine(). These cases need a second CPU.
 */
#include <linux/cpumask.h>

#include "lfa-kunit.h"

/**
 * struct lfa_rdv_case - one cell of the decision matrix
 * @desc: parameter name
 * @optional: the firmware makes the rendezvous optional (flags bit 3)
 * @force: force_cpu_rendezvous written before the activation
 * @rounds: activate_rounds of the component
 * @stop: every online CPU is expected in each ACTIVATE round
 */
struct lfa_rdv_case {
	const char *desc;
	bool optional;
	bool force;
	unsigned int rounds;
	bool stop;
};

static const struct lfa_rdv_case lfa_rdv_cases[] = {
	{ "required, forced", false, true, 0, true },
	{ "required, not forced", false, false, 0, true },
	{ "optional, forced", true, true, 0, true },
	{ "optional, not forced", true, false, 0, false },
	{ "required, forced, again x2", false, true, 2, true },
	{ "optional, not forced, again x2", true, false, 2, false },
};

static void lfa_rdv_desc(const struct lfa_rdv_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lfa_rdv, lfa_rdv_cases, lfa_rdv_desc);

static void lfa_rendezvous_matrix_test(struct kunit *test)
{
	const struct lfa_rdv_case *c = test->param_value;
	unsigned int online = num_online_cpus();
	struct lfa_agent_call *calls;
	struct lfa_component *comp;
	unsigned int n, i, rounds = 0;

	/* With one CPU, "all CPUs stopped" proves nothing. */
	KUNIT_ASSERT_GE_MSG(test, online, 2U,
			    "the rendezvous cases need 2 CPUs (-smp 2)");
	lfa_kunit_start(test, lfa_kunit_fmt(test,
					    "component uuid=%s pending=1 rendezvous=%s activate_rounds=%u\n",
					    LFA_KUNIT_BMC,
					    c->optional ? "optional" : "required",
					    c->rounds));
	comp = lfa_kunit_get(test, LFA_KUNIT_BMC);
	KUNIT_ASSERT_EQ(test, lfa_kunit_store(test, comp, "force_cpu_rendezvous",
					      c->force ? "1\n" : "0\n"),
			(ssize_t)2);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp,
						"force_cpu_rendezvous"),
			   c->force ? "1\n" : "0\n");
	KUNIT_ASSERT_EQ(test, lfa_activate(comp), 0);

	calls = lfa_kunit_calls(test, &n);
	for (i = 0; i < n; i++) {
		if (calls[i].fid != LFA_FN_ACTIVATE)
			continue;
		rounds++;
		KUNIT_EXPECT_EQ(test, calls[i].x0, 0LL);
		KUNIT_EXPECT_EQ(test, calls[i].online, online);
		if (c->stop) {
			KUNIT_EXPECT_EQ(test, calls[i].flags, 0ULL);
			KUNIT_EXPECT_EQ(test, calls[i].cpus, online);
			KUNIT_EXPECT_TRUE(test, calls[i].stopped);
		} else {
			KUNIT_EXPECT_EQ(test, calls[i].flags,
					(u64)LFA_SKIP_RENDEZVOUS);
			KUNIT_EXPECT_EQ(test, calls[i].cpus, 1U);
		}
	}
	/* Each call-again round left stop_machine() and came back. */
	KUNIT_EXPECT_EQ(test, rounds, c->rounds + 1);
}

/*
 * force_cpu_rendezvous is read once, when the "activate" write starts: a
 * change during the sequence neither waits for it nor alters it, and the
 * next activation uses the new value.
 */
static void lfa_rendezvous_read_once_test(struct kunit *test)
{
	struct lfa_agent_call *calls;
	struct lfa_component *comp;
	struct lfa_kunit_async *a;
	unsigned int n, i, rounds = 0;

	KUNIT_ASSERT_GE(test, num_online_cpus(), 2U);
	lfa_poll_interval_ms = 10;
	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_BMC
			" pending=1 rendezvous=optional prime_rounds=30\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_BMC);
	a = lfa_kunit_start_async(test, lfa_activate, comp);
	KUNIT_ASSERT_TRUE(test, lfa_kunit_wait_state(comp, LFA_STATE_PRIMING,
						     5000));
	KUNIT_EXPECT_EQ(test, lfa_kunit_store(test, comp, "force_cpu_rendezvous",
					      "0\n"), (ssize_t)2);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "state"),
			   "priming\n");
	KUNIT_ASSERT_EQ(test, lfa_kunit_wait_async(test, a, 10000), 0);
	calls = lfa_kunit_calls(test, &n);
	for (i = 0; i < n; i++) {
		if (calls[i].fid != LFA_FN_ACTIVATE)
			continue;
		rounds++;
		KUNIT_EXPECT_EQ(test, calls[i].flags, 0ULL);
		KUNIT_EXPECT_TRUE(test, calls[i].stopped);
	}
	KUNIT_EXPECT_EQ(test, rounds, 1U);

	/* A new image: this activation starts with force 0 and skips. */
	lfa_agent_clear_records();
	lfa_kunit_control(test, "set uuid=" LFA_KUNIT_BMC
			  " pending=1 prime_rounds=0\n");
	KUNIT_ASSERT_EQ(test, lfa_activate(comp), 0);
	calls = lfa_kunit_calls(test, &n);
	rounds = 0;
	for (i = 0; i < n; i++) {
		if (calls[i].fid != LFA_FN_ACTIVATE)
			continue;
		rounds++;
		KUNIT_EXPECT_EQ(test, calls[i].flags, (u64)LFA_SKIP_RENDEZVOUS);
		KUNIT_EXPECT_EQ(test, calls[i].cpus, 1U);
	}
	KUNIT_EXPECT_EQ(test, rounds, 1U);
}

static struct kunit_case lfa_rendezvous_test_cases[] = {
	KUNIT_CASE_PARAM(lfa_rendezvous_matrix_test, lfa_rdv_gen_params),
	KUNIT_CASE(lfa_rendezvous_read_once_test),
	{}
};

static struct kunit_suite lfa_rendezvous_suite = {
	.name = "lfa_rendezvous",
	.init = lfa_kunit_init,
	.exit = lfa_kunit_exit,
	.test_cases = lfa_rendezvous_test_cases,
};

kunit_test_suite(lfa_rendezvous_suite);
