// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite lfa_conformance: the kernel half of the conformance suite
 * (tests/conformance/README.md). Each case of tests/conformance/,
 * compiled in through the generated lfa-conformance-cases.h, is played
 * against the test agent and the real driver code; what the agent recorded
 * (every call, every uevent) and what each write returned is printed as
 * "LFACONF <flavour> <case> ..." lines. A case is played with the
 * extensions ("extended") and, unless the case is marked extended-only,
 * again with extensions=0 ("upstream", the ABI of Arm's lfa_fw).
 * scripts/suites/25-kunit hands the kernel log to
 * tests/conformance/conform.py, which plays the same case on lfa-sim's
 * flavour of that name and diffs the two traces. A case here fails only
 * if it cannot be played.
 */
#include <linux/err.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "lfa-kunit.h"

enum lfa_conf_verb {
	LFA_CONF_WRITE = 1,
	LFA_CONF_REFRESH,
	LFA_CONF_CTL,
	LFA_CONF_CANCEL_PRIMING,
	LFA_CONF_PARAM,
};

/**
 * struct lfa_conf_action - one step of a case
 * @verb: what to do
 * @uuid: the component (WRITE, CANCEL_PRIMING)
 * @file: the file written (WRITE), the action cancelled (CANCEL_PRIMING:
 *	  "activate" or "prime") or the module parameter (PARAM)
 * @text: the value written (WRITE, PARAM) or the statement (CTL)
 */
struct lfa_conf_action {
	enum lfa_conf_verb verb;
	const char *uuid;
	const char *file;
	const char *text;
};

struct lfa_conf_case {
	const char *name;
	const char *scenario;
	const struct lfa_conf_action *actions;
};

/**
 * struct lfa_conf_run - one KUnit parameter: a case on one flavour
 * @c: the case
 * @upstream: played with the module parameter extensions=0
 */
struct lfa_conf_run {
	const struct lfa_conf_case *c;
	bool upstream;
};

#include "lfa-conformance-cases.h"

static const char *const lfa_conf_kobj_actions[] = {
	[KOBJ_ADD] = "add",
	[KOBJ_REMOVE] = "remove",
	[KOBJ_CHANGE] = "change",
};

/* Print and forget what the agent recorded since the last step. */
static void lfa_conf_dump(struct kunit *test, const char *name)
{
	struct lfa_agent_uevent *ev;
	struct lfa_agent_call *calls;
	unsigned int n, i;

	/* A removal is sent from a workqueue: wait for it. */
	lfa_flush_removals();
	calls = lfa_kunit_calls(test, &n);
	KUNIT_EXPECT_LT_MSG(test, lfa_agent_calls(NULL, 0),
			    (unsigned int)LFA_AGENT_MAX_RECORDS,
			    "call records dropped");
	for (i = 0; i < n; i++)
		kunit_info(test, "LFACONF %s call %s %llu %llu %lld %llu\n",
			   name, lfa_agent_fn_name(calls[i].fid),
			   calls[i].seq_id, calls[i].flags, calls[i].x0,
			   calls[i].x1);
	ev = kunit_kcalloc(test, LFA_AGENT_MAX_RECORDS, sizeof(*ev),
			   GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ev);
	n = lfa_agent_uevents(ev, LFA_AGENT_MAX_RECORDS);
	KUNIT_EXPECT_LT_MSG(test, n, (unsigned int)LFA_AGENT_MAX_RECORDS,
			    "uevent records dropped");
	n = min_t(unsigned int, n, LFA_AGENT_MAX_RECORDS);
	for (i = 0; i < n; i++)
		kunit_info(test, "LFACONF %s uevent %s %pUb %s\n", name,
			   ev[i].action < ARRAY_SIZE(lfa_conf_kobj_actions) &&
			   lfa_conf_kobj_actions[ev[i].action] ?
			   lfa_conf_kobj_actions[ev[i].action] : "other",
			   &ev[i].uuid, ev[i].env);
	lfa_agent_clear_records();
}

static void lfa_conf_return(struct kunit *test, const char *name,
			    const char *file, const char *uuid, long ret)
{
	kunit_info(test, "LFACONF %s return %s %s %ld\n", name, file,
		   uuid ? uuid : "-", ret < 0 ? ret : 0);
}

/* A write to a component's file, as write(2) to sysfs would do it. */
static long lfa_conf_write(struct kunit *test, const char *uuid,
			   const char *file, const char *text)
{
	struct lfa_component *comp = lfa_kunit_try_get(test, uuid);

	/* No directory, no file: open(2) fails, as on lfa-sim. */
	if (!comp)
		return -ENOENT;
	return lfa_kunit_store(test, comp, file,
			       lfa_kunit_fmt(test, "%s\n", text));
}

/*
 * Start @a->file in a thread, cancel it once PRIME answered CALL_AGAIN
 * twice (the loop runs), and print both returns: the cancel's, then the
 * action's.
 */
static void lfa_conf_cancel_priming(struct kunit *test, const char *name,
				    const struct lfa_conf_action *a)
{
	struct lfa_component *comp = lfa_kunit_get(test, a->uuid);
	struct lfa_kunit_async *async;
	long ret;

	async = lfa_kunit_start_async(test, strcmp(a->file, "prime") ?
				      lfa_activate : lfa_prime, comp);
	lfa_kunit_wait_entered(test, LFA_FN_PRIME, 3, 10000);
	ret = lfa_kunit_store(test, comp, "cancel", "1\n");
	lfa_conf_return(test, name, "cancel", a->uuid, ret);
	ret = lfa_kunit_wait_async(test, async, 10000);
	lfa_conf_dump(test, name);
	lfa_conf_return(test, name, a->file, a->uuid, ret);
}

/*
 * A write to /sys/module/lfa/parameters/@file: kstrtouint(), the budgets
 * and the interval only (lfa_kunit_exit() puts them back).
 */
static long lfa_conf_param(const char *file, const char *text)
{
	unsigned int *param, v;
	int ret;

	if (!strcmp(file, "prime_budget_ms"))
		param = &lfa_prime_budget_ms;
	else if (!strcmp(file, "activate_budget_ms"))
		param = &lfa_activate_budget_ms;
	else if (!strcmp(file, "poll_interval_ms"))
		param = &lfa_poll_interval_ms;
	else
		return -EACCES;
	ret = kstrtouint(text, 0, &v);
	if (ret)
		return ret;
	WRITE_ONCE(*param, v);
	return 0;
}

static void lfa_conf_step(struct kunit *test, const char *name,
			  const struct lfa_conf_action *a)
{
	char err[LFA_AGENT_ERR_LEN] = "";
	long ret;

	switch (a->verb) {
	case LFA_CONF_WRITE:
		kunit_info(test, "LFACONF %s action write %s %s %s\n", name,
			   a->uuid, a->file, a->text);
		ret = lfa_conf_write(test, a->uuid, a->file, a->text);
		lfa_conf_dump(test, name);
		lfa_conf_return(test, name, a->file, a->uuid, ret);
		break;
	case LFA_CONF_REFRESH:
		kunit_info(test, "LFACONF %s action refresh\n", name);
		ret = lfa_refresh(LFA_EVENT_CHANGED);
		lfa_conf_dump(test, name);
		lfa_conf_return(test, name, "refresh", NULL, ret);
		break;
	case LFA_CONF_CTL:
		kunit_info(test, "LFACONF %s action ctl %s\n", name, a->text);
		ret = lfa_agent_control(a->text, strlen(a->text), err,
					sizeof(err));
		/* A trace line, not a failure here: the diff shows it. */
		if (ret)
			kunit_info(test, "LFACONF %s rejected %ld %s\n", name,
				   ret, err);
		lfa_conf_dump(test, name);
		break;
	case LFA_CONF_PARAM:
		kunit_info(test, "LFACONF %s action param %s %s\n", name,
			   a->file, a->text);
		ret = lfa_conf_param(a->file, a->text);
		lfa_conf_dump(test, name);
		lfa_conf_return(test, name, a->file, NULL, ret);
		break;
	case LFA_CONF_CANCEL_PRIMING:
		kunit_info(test, "LFACONF %s action cancel-priming %s %s\n",
			   name, a->uuid, a->file);
		lfa_conf_cancel_priming(test, name, a);
		break;
	}
}

static const char *lfa_conf_flavour(const struct lfa_conf_run *run)
{
	return run->upstream ? "upstream" : "extended";
}

static void lfa_conformance_test(struct kunit *test)
{
	const struct lfa_conf_run *run = test->param_value;
	const struct lfa_conf_action *a;
	const char *name;

	/* Read by lfa_core_init(); lfa_kunit_exit() puts it back. */
	lfa_extensions = !run->upstream;
	/* Every record line names the flavour and the case. */
	name = lfa_kunit_fmt(test, "%s %s", lfa_conf_flavour(run), run->c->name);
	lfa_kunit_start(test, run->c->scenario);
	lfa_agent_clear_records();
	kunit_info(test, "LFACONF %s begin\n", name);
	for (a = run->c->actions; a->verb; a++)
		lfa_conf_step(test, name, a);
	kunit_info(test, "LFACONF %s end\n", name);
}

static void lfa_conf_desc(const struct lfa_conf_run *run, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s %s", lfa_conf_flavour(run),
		 run->c->name);
}

KUNIT_ARRAY_PARAM(lfa_conf, lfa_conf_runs, lfa_conf_desc);

static struct kunit_case lfa_conformance_test_cases[] = {
	KUNIT_CASE_PARAM(lfa_conformance_test, lfa_conf_gen_params),
	{}
};

static struct kunit_suite lfa_conformance_suite = {
	.name = "lfa_conformance",
	.init = lfa_kunit_init,
	.exit = lfa_kunit_exit,
	.test_cases = lfa_conformance_test_cases,
};

kunit_test_suite(lfa_conformance_suite);
