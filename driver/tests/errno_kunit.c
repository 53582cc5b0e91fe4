// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite lfa_errno: the errno table of admin-guide/lfa.rst, in the mapping
 * function, in last_error and in what an "activate" write returns, for
 * every LFA code and for values that are no LFA code (TF-A leaks -35).
 */
#include <linux/kobject.h>
#include <linux/limits.h>

#include "lfa-kunit.h"

/**
 * struct lfa_errno_case - one row of the errno table (admin-guide/lfa.rst)
 * @x0: the LFA return code
 * @code: its name, as in last_error and scenarios
 * @err: the errno
 * @errname: the errno's name, as in last_error and LFA_ERRNO=
 */
struct lfa_errno_case {
	s64 x0;
	const char *code;
	int err;
	const char *errname;
};

static const struct lfa_errno_case lfa_errno_cases[] = {
	{ -1, "NOT_SUPPORTED", -EOPNOTSUPP, "EOPNOTSUPP" },
	{ -2, "BUSY", -EBUSY, "EBUSY" },
	{ -3, "AUTH_ERROR", -EKEYREJECTED, "EKEYREJECTED" },
	{ -4, "NO_MEMORY", -ENOMEM, "ENOMEM" },
	{ -5, "CRITICAL_ERROR", -ENOTRECOVERABLE, "ENOTRECOVERABLE" },
	{ -6, "DEVICE_ERROR", -EIO, "EIO" },
	{ -7, "WRONG_STATE", -EPROTO, "EPROTO" },
	{ -8, "INVALID_PARAMETERS", -EINVAL, "EINVAL" },
	{ -9, "COMPONENT_WRONG_STATE", -EBADFD, "EBADFD" },
	{ -10, "INVALID_ADDRESS", -EFAULT, "EFAULT" },
	{ -11, "ACTIVATION_FAILED", -EREMOTEIO, "EREMOTEIO" },
	/* No LFA codes: a generic errno, never a table index. */
	{ -35, "UNKNOWN", -EIO, "EIO" },
	/* Cases above: what the agent returns in the end-to-end cases. */
	{ -12, "UNKNOWN", -EIO, "EIO" },
	{ 1, "UNKNOWN", -EIO, "EIO" },
	{ -1000, "UNKNOWN", -EIO, "EIO" },
	{ S32_MIN, "UNKNOWN", -EIO, "EIO" },
	{ S64_MIN, "UNKNOWN", -EIO, "EIO" },
	{ S64_MAX, "UNKNOWN", -EIO, "EIO" },
};

static void lfa_errno_desc(const struct lfa_errno_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%lld %s", c->x0, c->code);
}

KUNIT_ARRAY_PARAM(lfa_errno, lfa_errno_cases, lfa_errno_desc);

/*
 * The 11 LFA codes and TF-A's leaked -35: what a scenario makes PRIME or
 * ACTIVATE return.
 */
#define LFA_ERRNO_FW_CASES	12

static const void *lfa_fw_errno_gen_params(const void *prev, char *desc)
{
	const struct lfa_errno_case *c = prev;

	c = c ? c + 1 : lfa_errno_cases;
	if (c >= lfa_errno_cases + LFA_ERRNO_FW_CASES)
		return NULL;
	lfa_errno_desc(c, desc);
	return c;
}

static void lfa_errno_map_test(struct kunit *test)
{
	const struct lfa_errno_case *c = test->param_value;
	struct lfa_error e = {
		.err = c->err, .x0 = c->x0, .call = LFA_CALL_PRIME,
		.firmware = true,
	};
	char buf[96];
	int len;

	KUNIT_EXPECT_EQ(test, lfa_to_errno(c->x0), c->err);
	KUNIT_EXPECT_STREQ(test, lfa_code_name(c->x0), c->code);
	KUNIT_EXPECT_STREQ(test, lfa_errno_name(c->err), c->errname);
	len = lfa_format_error(&e, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf,
			   lfa_kunit_fmt(test, "%s %s %lld PRIME",
					 c->errname, c->code, c->x0));
	KUNIT_EXPECT_EQ(test, len, (int)strlen(buf));
}

/* The errnos the driver returns itself, and last_error of kernel stops. */
static void lfa_errno_driver_test(struct kunit *test)
{
	static const struct {
		int err;
		const char *name;
	} own[] = {
		{ -EBUSY, "EBUSY" }, { -EPERM, "EPERM" },
		{ -EOPNOTSUPP, "EOPNOTSUPP" }, { -ENODATA, "ENODATA" },
		{ -EALREADY, "EALREADY" }, { -ETIMEDOUT, "ETIMEDOUT" },
		{ -ECANCELED, "ECANCELED" }, { -ENODEV, "ENODEV" },
		{ -EINVAL, "EINVAL" }, { -EINTR, "EINTR" },
	};
	struct lfa_error none = { 0 };
	struct lfa_error timeout = {
		.err = -ETIMEDOUT, .call = LFA_CALL_ACTIVATE,
	};
	struct lfa_error cancel = { .err = -ECANCELED, .call = LFA_CALL_PRIME };
	char buf[96];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(own); i++)
		KUNIT_EXPECT_STREQ(test, lfa_errno_name(own[i].err), own[i].name);
	KUNIT_EXPECT_STREQ(test, lfa_errno_name(-EXDEV), "EUNKNOWN");
	KUNIT_EXPECT_EQ(test, lfa_format_error(&none, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_STREQ(test, buf, "");
	lfa_format_error(&timeout, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "ETIMEDOUT NONE 0 ACTIVATE");
	lfa_format_error(&cancel, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "ECANCELED NONE 0 PRIME");
	/* A short buffer is cut, still terminated. */
	lfa_format_error(&timeout, buf, 4);
	KUNIT_EXPECT_STREQ(test, buf, "ETI");
}

/*
 * A PRIME failing with each code fails the "activate" write with the
 * table's errno, records it in last_error and in a "failed" uevent, and
 * issues no ACTIVATE.
 */
static void lfa_errno_prime_test(struct kunit *test)
{
	const struct lfa_errno_case *c = test->param_value;
	struct lfa_component *comp;
	char *expect, *errno_env;

	lfa_kunit_start(test, lfa_kunit_fmt(test,
					    "component uuid=%s pending=1 prime_error=%lld\n",
					    LFA_KUNIT_RMM, c->x0));
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_EXPECT_EQ(test, lfa_kunit_store(test, comp, "activate", "1\n"),
			(ssize_t)c->err);
	expect = lfa_kunit_fmt(test, "%s %s %lld PRIME",
			       c->errname, c->code, c->x0);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_last_error(test, comp), expect);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_ACTIVATE), 0U);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM,
						"LFA_EVENT=failed"), 1U);
	errno_env = lfa_kunit_fmt(test, "LFA_ERRNO=%s",
				  c->errname);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM, errno_env),
			1U);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "state"), "idle\n");
}

/*
 * ACTIVATE failing with each code. BUSY is a reason to try again: the
 * driver retries it inside the budget, so the agent answers BUSY on every
 * call and the write ends in -ETIMEDOUT after LFA_CANCEL. INVALID_PARAMETERS
 * right after a successful PRIME may be the stale-record quirk, retried
 * once (lfa_tfa_quirks) before it is returned.
 */
static void lfa_errno_activate_test(struct kunit *test)
{
	const struct lfa_errno_case *c = test->param_value;
	struct lfa_component *comp;
	int err = c->err;
	char *keys, *expect;

	lfa_activate_budget_ms = 200;
	if (c->x0 == LFA_BUSY) {
		keys = "activate_busy=1000000";
		err = -ETIMEDOUT;
		expect = "ETIMEDOUT NONE 0 ACTIVATE";
	} else {
		keys = lfa_kunit_fmt(test, "activate_error=%lld", c->x0);
		expect = lfa_kunit_fmt(test, "%s %s %lld ACTIVATE",
				       c->errname, c->code, c->x0);
	}
	lfa_kunit_start(test, lfa_kunit_fmt(test,
					    "component uuid=%s pending=1 %s\n",
					    LFA_KUNIT_RMM, keys));
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_EXPECT_EQ(test, lfa_activate(comp), err);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_last_error(test, comp), expect);
	KUNIT_EXPECT_GE(test, lfa_agent_count_calls(LFA_FN_ACTIVATE), 1U);
	/* The stale-record retry may cancel an earlier activation's id. */
	if (c->x0 == LFA_INVALID_PARAMETERS)
		KUNIT_EXPECT_LE(test, lfa_agent_count_calls(LFA_FN_CANCEL), 1U);
	else
		/* A budget ran out, or ACTIVATE failed: LFA_CANCEL once. */
		KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), 1U);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM,
						"LFA_EVENT=failed"), 1U);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "state"), "idle\n");
}

static struct kunit_case lfa_errno_test_cases[] = {
	KUNIT_CASE_PARAM(lfa_errno_map_test, lfa_errno_gen_params),
	KUNIT_CASE(lfa_errno_driver_test),
	KUNIT_CASE_PARAM(lfa_errno_prime_test, lfa_fw_errno_gen_params),
	KUNIT_CASE_PARAM(lfa_errno_activate_test, lfa_fw_errno_gen_params),
	{}
};

static struct kunit_suite lfa_errno_suite = {
	.name = "lfa_errno",
	.init = lfa_kunit_init,
	.exit = lfa_kunit_exit,
	.test_cases = lfa_errno_test_cases,
};

kunit_test_suite(lfa_errno_suite);
