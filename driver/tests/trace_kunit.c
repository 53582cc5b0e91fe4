// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite lfa_trace: the driver's trace events (lfa_trace.h), seen by
 * probes on the same tracepoints perf and trace-cmd read: one start and one
 * end per prime or activation (action, result, duration), one enter/exit
 * pair per stop_machine() window of an ACTIVATE round (online CPUs, x0,
 * call-again, duration) and one ACTIVATE call event per CPU in it, and one
 * lfa_sysfs_notify per change of "state" or "activation_pending" (the
 * sysfs_notify() a poll() waits for).
 */
#include <linux/cpumask.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>

#include "../lfa_trace.h"
#include "lfa-kunit.h"

#define LFA_TRACE_MAX	64

/**
 * struct lfa_trace_rec - one event a probe saw
 * @name: "start", "end", "enter", "exit", "call" or "notify"
 * @uuid: the component (sequence and notify events)
 * @text: the action of a sequence, the attribute of a notification
 * @value: result of "end", cpus of "enter"/"exit", cpu of "call", value
 *	   of "notify"
 * @x0: x0 of "exit" and "call"
 * @again: call-again of "exit", skip of "call"
 * @duration_ns: of "end", "exit" and "call"
 */
struct lfa_trace_rec {
	const char *name;
	uuid_t uuid;
	char text[20];
	int value;
	s64 x0;
	bool again;
	u64 duration_ns;
};

static DEFINE_SPINLOCK(lfa_trace_lock);
static struct lfa_trace_rec lfa_trace_recs[LFA_TRACE_MAX];
static unsigned int lfa_trace_n;
/* Unregistering a probe that is not registered WARNs. */
static bool lfa_trace_attached;

static void lfa_trace_add(const struct lfa_trace_rec *rec)
{
	unsigned long flags;

	spin_lock_irqsave(&lfa_trace_lock, flags);
	if (lfa_trace_n < LFA_TRACE_MAX)
		lfa_trace_recs[lfa_trace_n++] = *rec;
	spin_unlock_irqrestore(&lfa_trace_lock, flags);
}

static void lfa_trace_start_probe(void *data, const uuid_t *uuid, u32 seq_id,
				  const char *action)
{
	struct lfa_trace_rec rec = { .name = "start", .uuid = *uuid };

	strscpy(rec.text, action, sizeof(rec.text));
	lfa_trace_add(&rec);
}

static void lfa_trace_end_probe(void *data, const uuid_t *uuid, u32 seq_id,
				const char *action, int result,
				u64 duration_ns)
{
	struct lfa_trace_rec rec = {
		.name = "end",
		.uuid = *uuid,
		.value = result,
		.duration_ns = duration_ns,
	};

	strscpy(rec.text, action, sizeof(rec.text));
	lfa_trace_add(&rec);
}

static void lfa_trace_enter_probe(void *data, u32 seq_id, unsigned int cpus)
{
	struct lfa_trace_rec rec = { .name = "enter", .value = cpus };

	lfa_trace_add(&rec);
}

/* A firmware call's record: "exit" of the rendezvous, or one CPU's "call". */
static void lfa_trace_add_call(const char *name, unsigned int value, s64 x0,
			       bool again, u64 duration_ns)
{
	struct lfa_trace_rec rec = {
		.name = name,
		.value = value,
		.x0 = x0,
		.again = again,
		.duration_ns = duration_ns,
	};

	lfa_trace_add(&rec);
}

static void lfa_trace_exit_probe(void *data, u32 seq_id, unsigned int cpus,
				 s64 x0, bool again, u64 duration_ns)
{
	lfa_trace_add_call("exit", cpus, x0, again, duration_ns);
}

static void lfa_trace_call_probe(void *data, u32 seq_id, unsigned int cpu,
				 bool skip, s64 x0, u64 x1, u64 duration_ns)
{
	lfa_trace_add_call("call", cpu, x0, skip, duration_ns);
}

static void lfa_trace_notify_probe(void *data, const uuid_t *uuid,
				   const char *attr, int value)
{
	struct lfa_trace_rec rec = {
		.name = "notify",
		.uuid = *uuid,
		.value = value,
	};

	strscpy(rec.text, attr, sizeof(rec.text));
	lfa_trace_add(&rec);
}

static void lfa_trace_attach(struct kunit *test)
{
	int ret;

	lfa_trace_n = 0;
	ret = register_trace_lfa_sequence_start(lfa_trace_start_probe, NULL);
	KUNIT_ASSERT_EQ(test, ret, 0);
	ret = register_trace_lfa_sequence_end(lfa_trace_end_probe, NULL);
	KUNIT_ASSERT_EQ(test, ret, 0);
	ret = register_trace_lfa_rendezvous_enter(lfa_trace_enter_probe, NULL);
	KUNIT_ASSERT_EQ(test, ret, 0);
	ret = register_trace_lfa_rendezvous_exit(lfa_trace_exit_probe, NULL);
	KUNIT_ASSERT_EQ(test, ret, 0);
	ret = register_trace_lfa_activate_call(lfa_trace_call_probe, NULL);
	KUNIT_ASSERT_EQ(test, ret, 0);
	ret = register_trace_lfa_sysfs_notify(lfa_trace_notify_probe, NULL);
	KUNIT_ASSERT_EQ(test, ret, 0);
	lfa_trace_attached = true;
}

/* The suite's exit: no probe outlives a case, even a failed one. */
static void lfa_trace_exit(struct kunit *test)
{
	if (!lfa_trace_attached) {
		lfa_kunit_exit(test);
		return;
	}
	lfa_trace_attached = false;
	unregister_trace_lfa_sequence_start(lfa_trace_start_probe, NULL);
	unregister_trace_lfa_sequence_end(lfa_trace_end_probe, NULL);
	unregister_trace_lfa_rendezvous_enter(lfa_trace_enter_probe, NULL);
	unregister_trace_lfa_rendezvous_exit(lfa_trace_exit_probe, NULL);
	unregister_trace_lfa_activate_call(lfa_trace_call_probe, NULL);
	unregister_trace_lfa_sysfs_notify(lfa_trace_notify_probe, NULL);
	tracepoint_synchronize_unregister();
	lfa_kunit_exit(test);
}

/* The events seen so far, a copy (the probes may still add). */
static unsigned int lfa_trace_get(struct kunit *test,
				  struct lfa_trace_rec **recs)
{
	unsigned long flags;
	unsigned int n;

	*recs = kunit_kcalloc(test, LFA_TRACE_MAX, sizeof(**recs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, *recs);
	spin_lock_irqsave(&lfa_trace_lock, flags);
	n = lfa_trace_n;
	memcpy(*recs, lfa_trace_recs, n * sizeof(**recs));
	spin_unlock_irqrestore(&lfa_trace_lock, flags);
	return n;
}

static unsigned int lfa_trace_count(struct kunit *test, const char *name)
{
	struct lfa_trace_rec *recs;
	unsigned int i, n, count = 0;

	n = lfa_trace_get(test, &recs);
	for (i = 0; i < n; i++)
		if (!strcmp(recs[i].name, name))
			count++;
	return count;
}

/* The one "end" event of the case: its action, result and duration. */
static void lfa_trace_expect_end(struct kunit *test, const char *action,
				 int result)
{
	struct lfa_trace_rec *recs;
	unsigned int i, n, ends = 0;

	n = lfa_trace_get(test, &recs);
	for (i = 0; i < n; i++) {
		if (strcmp(recs[i].name, "end"))
			continue;
		ends++;
		KUNIT_EXPECT_STREQ(test, recs[i].text, action);
		KUNIT_EXPECT_EQ(test, recs[i].value, result);
		KUNIT_EXPECT_GT(test, recs[i].duration_ns, 0ULL);
	}
	KUNIT_EXPECT_EQ(test, ends, 1U);
	KUNIT_EXPECT_EQ(test, lfa_trace_count(test, "start"), 1U);
}

/* A prime and an activation: one start and one end each, with results. */
static void lfa_trace_sequence_test(struct kunit *test)
{
	struct lfa_component *comp;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM
			" pending=1 prime_rounds=2\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	lfa_trace_attach(test);
	KUNIT_EXPECT_EQ(test, lfa_prime(comp), 0);
	lfa_trace_expect_end(test, "prime", 0);

	lfa_trace_n = 0;
	KUNIT_EXPECT_EQ(test, lfa_activate(comp), 0);
	lfa_trace_expect_end(test, "activate", 0);

	/* A failure: the errno the write returns. */
	lfa_kunit_control(test, "set uuid=" LFA_KUNIT_RMM
			  " pending=1 activate_error=DEVICE_ERROR\n");
	lfa_trace_n = 0;
	KUNIT_EXPECT_EQ(test, lfa_activate(comp), -EIO);
	lfa_trace_expect_end(test, "activate", -EIO);
}

/*
 * One enter/exit pair per stop_machine() window: every online CPU, the
 * call-again of each round, a duration; none on the skip path.
 */
static void lfa_trace_rendezvous_test(struct kunit *test)
{
	struct lfa_component *comp;
	struct lfa_trace_rec *recs;
	unsigned int i, n, exits = 0;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM
			" pending=1 activate_rounds=2\n"
			"component uuid=" LFA_KUNIT_BMC
			" pending=1 rendezvous=optional\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	lfa_trace_attach(test);
	KUNIT_EXPECT_EQ(test, lfa_activate(comp), 0);
	n = lfa_trace_get(test, &recs);
	for (i = 0; i < n; i++) {
		if (!strcmp(recs[i].name, "enter"))
			KUNIT_EXPECT_EQ(test, recs[i].value,
					(int)num_online_cpus());
		if (strcmp(recs[i].name, "exit"))
			continue;
		exits++;
		KUNIT_EXPECT_EQ(test, recs[i].value, (int)num_online_cpus());
		KUNIT_EXPECT_EQ(test, recs[i].x0, 0LL);
		KUNIT_EXPECT_EQ(test, recs[i].again, exits < 3);
		KUNIT_EXPECT_GT(test, recs[i].duration_ns, 0ULL);
	}
	KUNIT_EXPECT_EQ(test, exits, 3U);
	KUNIT_EXPECT_EQ(test, lfa_trace_count(test, "enter"), 3U);
	/* Every CPU's own ACTIVATE call, in each of the 3 windows. */
	KUNIT_EXPECT_EQ(test, lfa_trace_count(test, "call"),
			3 * num_online_cpus());

	comp = lfa_kunit_get(test, LFA_KUNIT_BMC);
	lfa_set_force_rendezvous(comp, false);
	lfa_trace_n = 0;
	KUNIT_EXPECT_EQ(test, lfa_activate(comp), 0);
	KUNIT_EXPECT_EQ(test, lfa_trace_count(test, "enter"), 0U);
	KUNIT_EXPECT_EQ(test, lfa_trace_count(test, "exit"), 0U);
	KUNIT_EXPECT_EQ(test, lfa_trace_count(test, "call"), 1U);
}

/* The "notify" events of @attr for @uuid, their values, as a string. */
static char *lfa_trace_notified(struct kunit *test, const char *uuid,
				const char *attr)
{
	struct lfa_trace_rec *recs;
	char *buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	unsigned int i, n;
	size_t off = 0;
	uuid_t u;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	lfa_kunit_uuid(test, uuid, &u);
	n = lfa_trace_get(test, &recs);
	for (i = 0; i < n; i++) {
		if (strcmp(recs[i].name, "notify") ||
		    !uuid_equal(&recs[i].uuid, &u) ||
		    strcmp(recs[i].text, attr))
			continue;
		off += scnprintf(buf + off, 64 - off, "%s%d", off ? " " : "",
				 recs[i].value);
	}
	return buf;
}

/*
 * Issue 11 shape: "state" and "activation_pending" can be waited on:
 * every change is a sysfs_notify() (seen here as its lfa_sysfs_notify
 * event), and nothing else is. States: 0 idle, 1 priming, 2 primed,
 * 3 activating.
 */
static void lfa_trace_sysfs_notify_test(struct kunit *test)
{
	struct lfa_component *rmm;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM " pending=1\n"
			"component uuid=" LFA_KUNIT_BMC "\n");
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	lfa_trace_attach(test);
	KUNIT_EXPECT_EQ(test, lfa_prime(rmm), 0);
	KUNIT_EXPECT_EQ(test, lfa_cancel(rmm), 0);
	KUNIT_EXPECT_EQ(test, lfa_prime(rmm), 0);
	KUNIT_EXPECT_EQ(test, lfa_activate(rmm), 0);
	KUNIT_EXPECT_STREQ(test, lfa_trace_notified(test, LFA_KUNIT_RMM,
						    "state"),
			   "1 2 0 1 2 3 0");
	KUNIT_EXPECT_STREQ(test, lfa_trace_notified(test, LFA_KUNIT_RMM,
						    "activation_pending"), "0");

	/* A store update the driver sees. */
	lfa_kunit_control(test, "store-update uuid=" LFA_KUNIT_BMC "\n");
	KUNIT_EXPECT_STREQ(test, lfa_trace_notified(test, LFA_KUNIT_BMC,
						    "activation_pending"), "1");
	KUNIT_EXPECT_STREQ(test, lfa_trace_notified(test, LFA_KUNIT_BMC,
						    "state"), "");
}

/**
 * struct lfa_trace_waker - a change made later, on a workqueue
 * @work: sets @done, then reports "state" changed as the driver does
 * @comp: whose "state"
 * @done: what the test waits for
 */
struct lfa_trace_waker {
	struct delayed_work work;
	struct lfa_component *comp;
	bool done;
};

static void lfa_trace_waker_fn(struct work_struct *work)
{
	struct lfa_trace_waker *w = container_of(to_delayed_work(work),
						 struct lfa_trace_waker, work);

	WRITE_ONCE(w->done, true);
	lfa_attr_changed(w->comp, "state", LFA_STATE_IDLE);
}

static bool lfa_trace_waker_done(void *arg)
{
	struct lfa_trace_waker *w = arg;

	return READ_ONCE(w->done);
}

/*
 * The tests wait for a state with lfa_agent_wait(), woken by this event
 * and by nothing that polls: a change no agent call follows is seen at
 * once, not at the timeout (which fails the case).
 */
static void lfa_trace_wait_woken_test(struct kunit *test)
{
	struct lfa_trace_waker w = {};

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM "\n");
	w.comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	INIT_DELAYED_WORK_ONSTACK(&w.work, lfa_trace_waker_fn);
	schedule_delayed_work(&w.work, msecs_to_jiffies(20));
	KUNIT_EXPECT_TRUE(test, lfa_agent_wait(lfa_trace_waker_done, &w,
					       10000));
	flush_delayed_work(&w.work);
	destroy_delayed_work_on_stack(&w.work);
}

static struct kunit_case lfa_trace_test_cases[] = {
	KUNIT_CASE(lfa_trace_sequence_test),
	KUNIT_CASE(lfa_trace_rendezvous_test),
	KUNIT_CASE(lfa_trace_sysfs_notify_test),
	KUNIT_CASE(lfa_trace_wait_woken_test),
	{}
};

static struct kunit_suite lfa_trace_suite = {
	.name = "lfa_trace",
	.init = lfa_kunit_init,
	.exit = lfa_trace_exit,
	.test_cases = lfa_trace_test_cases,
};

kunit_test_suite(lfa_trace_suite);
