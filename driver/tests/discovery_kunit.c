// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite lfa_discovery: lfa_core_init() binds only to an LFA agent it
 * knows (LFA_VERSION major 1), and finds every component it lists.
 */
#include "lfa-kunit.h"

/**
 * struct lfa_discovery_case - one agent and what discovery makes of it
 * @desc: parameter name in the KTAP output
 * @scenario: the agent
 * @ret: lfa_core_init()'s return
 * @version: lfa_version() afterwards (0: not bound)
 * @count: components published
 */
struct lfa_discovery_case {
	const char *desc;
	const char *scenario;
	int ret;
	u32 version;
	unsigned int count;
};

static const struct lfa_discovery_case lfa_discovery_cases[] = {
	{ "absent", "agent present=0\n", -ENODEV, 0, 0 },
	{ "version 0.9", "agent version=0.9\n", -ENODEV, 0, 0 },
	{ "version 2.0", "agent version=2.0\n", -ENODEV, 0, 0 },
	{ "version 1.0, no components", "agent version=1.0\n", 0, 0x10000, 0 },
	{ "version 1.1 (minor is compatible)",
	  "agent version=1.1\ncomponent uuid=" LFA_KUNIT_BL31 "\n",
	  0, 0x10001, 1 },
	{ "three components",
	  "component uuid=" LFA_KUNIT_BL31 "\n"
	  "component uuid=" LFA_KUNIT_RMM "\n"
	  "component uuid=" LFA_KUNIT_BMC "\n", 0, 0x10000, 3 },
	{ "absent with components",
	  "agent present=0\ncomponent uuid=" LFA_KUNIT_BL31 "\n",
	  -ENODEV, 0, 0 },
};

static void lfa_discovery_desc(const struct lfa_discovery_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lfa_discovery, lfa_discovery_cases, lfa_discovery_desc);

static void lfa_discovery_test(struct kunit *test)
{
	const struct lfa_discovery_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, lfa_kunit_load(test, c->scenario), c->ret);
	KUNIT_EXPECT_EQ(test, lfa_version(), c->version);
	KUNIT_EXPECT_EQ(test, lfa_component_count(), c->count);
	if (c->ret)
		/* Not bound: nothing answers, nothing is there to act on. */
		KUNIT_EXPECT_EQ(test, lfa_refresh(LFA_EVENT_CHANGED), -ENODEV);
}

/* Every function the driver uses was checked with LFA_FEATURES. */
static void lfa_discovery_features_test(struct kunit *test)
{
	static const u32 fids[] = {
		LFA_FN_GET_INFO, LFA_FN_GET_INVENTORY, LFA_FN_PRIME,
		LFA_FN_ACTIVATE, LFA_FN_CANCEL,
	};
	struct lfa_agent_call *calls;
	unsigned int n, i, j;
	bool asked;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_BL31 "\n");
	calls = lfa_kunit_calls(test, &n);
	KUNIT_ASSERT_GT(test, n, 0U);
	KUNIT_EXPECT_EQ(test, calls[0].fid, (u32)LFA_FN_VERSION);
	for (i = 0; i < ARRAY_SIZE(fids); i++) {
		asked = false;
		for (j = 0; j < n; j++)
			if (calls[j].fid == LFA_FN_FEATURES &&
			    calls[j].seq_id == fids[i] && calls[j].x0 == 0)
				asked = true;
		KUNIT_EXPECT_TRUE_MSG(test, asked, "no FEATURES(%#x)", fids[i]);
	}
}

/* Initialising twice is refused; exiting twice is harmless. */
static void lfa_discovery_twice_test(struct kunit *test)
{
	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_BL31 "\n");
	KUNIT_EXPECT_EQ(test, lfa_core_init(), -EEXIST);
	KUNIT_EXPECT_EQ(test, lfa_component_count(), 1U);
	lfa_core_exit();
	lfa_core_exit();
	KUNIT_EXPECT_EQ(test, lfa_component_count(), 0U);
	KUNIT_EXPECT_EQ(test, lfa_version(), 0U);
}

static struct kunit_case lfa_discovery_test_cases[] = {
	KUNIT_CASE_PARAM(lfa_discovery_test, lfa_discovery_gen_params),
	KUNIT_CASE(lfa_discovery_features_test),
	KUNIT_CASE(lfa_discovery_twice_test),
	{}
};

static struct kunit_suite lfa_discovery_suite = {
	.name = "lfa_discovery",
	.init = lfa_kunit_init,
	.exit = lfa_kunit_exit,
	.test_cases = lfa_discovery_test_cases,
};

kunit_test_suite(lfa_discovery_suite);
