// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers shared by the KUnit suites of lfa.ko: scenario set-up, sysfs
 * attribute access through the component's ktype, actions in a thread, and
 * the agent's records. See lfa-kunit.h.
 */
#include <linux/completion.h>
#include <linux/kernfs.h>
#include <linux/kthread.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <trace/events/lock.h>

#include "../lfa-drv.h"
#include "lfa-kunit.h"

int lfa_kunit_init(struct kunit *test)
{
	struct lfa_kunit_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->prime_budget_ms = lfa_prime_budget_ms;
	ctx->activate_budget_ms = lfa_activate_budget_ms;
	ctx->poll_interval_ms = lfa_poll_interval_ms;
	ctx->extensions = lfa_extensions;
	test->priv = ctx;
	return 0;
}

/*
 * A thread still running here belongs to a case that failed an assertion
 * half-way: cancel its priming loop and give its budget time to run out. It
 * is freed only once it returned, so a thread that never does leaks its
 * struct instead of writing into freed memory.
 */
static void lfa_kunit_reap(struct lfa_kunit_async *a)
{
	if (!completion_done(&a->done)) {
		lfa_cancel(a->comp);
		if (!wait_for_completion_timeout(&a->done, 60 * HZ)) {
			pr_err("lfa-kunit: an action did not return, leaking it\n");
			return;
		}
	}
	put_task_struct(a->task);
	lfa_component_put(a->comp);
	kfree(a);
}

void lfa_kunit_exit(struct kunit *test)
{
	struct lfa_kunit_ctx *ctx = test->priv;
	unsigned int i;

	/* Short budgets make a leftover thread end quickly. */
	for (i = 0; i < ctx->nasync; i++)
		lfa_kunit_reap(ctx->async[i]);
	for (i = 0; i < ctx->nheld; i++)
		lfa_component_put(ctx->held[i]);
	lfa_core_exit();
	lfa_prime_budget_ms = ctx->prime_budget_ms;
	lfa_activate_budget_ms = ctx->activate_budget_ms;
	lfa_poll_interval_ms = ctx->poll_interval_ms;
	lfa_extensions = ctx->extensions;
	/* What module init leaves: the default agent and a bound driver. */
	lfa_agent_reset();
	if (lfa_core_init())
		pr_err("lfa-kunit: re-initialising the driver failed\n");
}

/*
 * lfa_kunit_fmt() - a formatted string freed with the case (KUnit of 6.1
 * and 6.12 has no kasprintf(); a failed allocation aborts the case).
 */
char *lfa_kunit_fmt(struct kunit *test, const char *fmt, ...)
{
	va_list ap;
	char *buf;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	buf = kunit_kzalloc(test, len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	va_start(ap, fmt);
	vsnprintf(buf, len + 1, fmt, ap);
	va_end(ap);
	return buf;
}

/**
 * lfa_kunit_load() - program the agent and start the driver over
 * @test: the case
 * @scenario: scenario text
 *
 * Return: what lfa_core_init() returned.
 */
int lfa_kunit_load(struct kunit *test, const char *scenario)
{
	char err[LFA_AGENT_ERR_LEN] = "";
	int ret;

	lfa_core_exit();
	ret = lfa_agent_load(scenario, strlen(scenario), err, sizeof(err));
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "scenario rejected: %s", err);
	return lfa_core_init();
}

/* lfa_kunit_load() that must succeed. */
void lfa_kunit_start(struct kunit *test, const char *scenario)
{
	KUNIT_ASSERT_EQ(test, lfa_kunit_load(test, scenario), 0);
}

void lfa_kunit_control(struct kunit *test, const char *statements)
{
	char err[LFA_AGENT_ERR_LEN] = "";
	int ret;

	ret = lfa_agent_control(statements, strlen(statements), err,
				sizeof(err));
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "control rejected: %s", err);
}

void lfa_kunit_uuid(struct kunit *test, const char *str, uuid_t *uuid)
{
	KUNIT_ASSERT_EQ_MSG(test, uuid_parse(str, uuid), 0, "bad UUID %s", str);
}

/*
 * lfa_kunit_try_get() - the live component of @uuid or NULL; a reference
 * taken is dropped by the suite exit.
 */
struct lfa_component *lfa_kunit_try_get(struct kunit *test, const char *uuid)
{
	struct lfa_kunit_ctx *ctx = test->priv;
	struct lfa_component *comp;
	uuid_t u;

	lfa_kunit_uuid(test, uuid, &u);
	comp = lfa_component_find(&u);
	if (!comp)
		return NULL;
	if (ctx->nheld == LFA_KUNIT_MAX_HELD) {
		lfa_component_put(comp);
		KUNIT_ASSERT_TRUE_MSG(test, false, "too many references held");
	}
	ctx->held[ctx->nheld++] = comp;
	return comp;
}

/* lfa_kunit_try_get() of a component that must exist. */
struct lfa_component *lfa_kunit_get(struct kunit *test, const char *uuid)
{
	struct lfa_component *comp = lfa_kunit_try_get(test, uuid);

	KUNIT_ASSERT_NOT_NULL_MSG(test, comp, "no component %s", uuid);
	return comp;
}

void lfa_kunit_info(struct lfa_component *comp,
		    struct lfa_component_info *info)
{
	memset(info, 0, sizeof(*info));
	lfa_component_get_info(comp, info);
}

static struct attribute *lfa_kunit_attr(struct kunit *test, const char *name)
{
	const struct attribute_group **groups = lfa_component_ktype.default_groups;
	struct attribute **attr;

	for (; groups && *groups; groups++)
		for (attr = (*groups)->attrs; attr && *attr; attr++)
			if (!strcmp((*attr)->name, name))
				return *attr;
	KUNIT_ASSERT_TRUE_MSG(test, false, "no attribute %s", name);
	return NULL;
}

/*
 * lfa_kunit_show() - what read() of /sys/firmware/lfa/<uuid>/@attr returns:
 * the same sysfs_ops->show() kernfs calls. @buf is a page (sysfs_emit()
 * insists on one).
 */
ssize_t lfa_kunit_show(struct kunit *test, struct lfa_component *comp,
		       const char *attr, char *buf)
{
	struct attribute *a = lfa_kunit_attr(test, attr);

	KUNIT_ASSERT_NOT_NULL(test, lfa_component_ktype.sysfs_ops->show);
	return lfa_component_ktype.sysfs_ops->show(&comp->kobj, a, buf);
}

/* lfa_kunit_store() - what write() of @val to the file returns. */
ssize_t lfa_kunit_store(struct kunit *test, struct lfa_component *comp,
			const char *attr, const char *val)
{
	struct attribute *a = lfa_kunit_attr(test, attr);

	KUNIT_ASSERT_NOT_NULL(test, lfa_component_ktype.sysfs_ops->store);
	return lfa_component_ktype.sysfs_ops->store(&comp->kobj, a, val,
						    strlen(val));
}

/* lfa_kunit_read() - the file's content; the read must succeed. */
char *lfa_kunit_read(struct kunit *test, struct lfa_component *comp,
		     const char *attr)
{
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	ssize_t len;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	len = lfa_kunit_show(test, comp, attr, buf);
	KUNIT_ASSERT_GT_MSG(test, len, 0, "reading %s failed", attr);
	KUNIT_ASSERT_LT(test, len, (ssize_t)PAGE_SIZE);
	return buf;
}

static int lfa_kunit_async_fn(void *data)
{
	struct lfa_kunit_async *a = data;

	/* A kthread ignores signals unless told: let SIGKILL reach @fn. */
	allow_signal(SIGKILL);
	complete_all(&a->started);
	a->ret = a->fn(a->comp);
	/* complete_all(): waiting must not consume it, the exit checks it. */
	complete_all(&a->done);
	return 0;
}

/*
 * lfa_kunit_start_async() - run @fn(@comp) in a thread of its own, as a
 * second process writing "activate" would.
 */
struct lfa_kunit_async *lfa_kunit_start_async(struct kunit *test,
					      int (*fn)(struct lfa_component *),
					      struct lfa_component *comp)
{
	struct lfa_kunit_ctx *ctx = test->priv;
	struct lfa_kunit_async *a;
	struct task_struct *task;

	KUNIT_ASSERT_LT(test, ctx->nasync, LFA_KUNIT_MAX_ASYNC);
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	a->fn = fn;
	a->comp = comp;
	init_completion(&a->started);
	init_completion(&a->done);
	/* The thread's own reference: the case's may go first. */
	kobject_get(&comp->kobj);
	task = kthread_create(lfa_kunit_async_fn, a, "lfa-kunit-%u",
			      ctx->nasync);
	if (IS_ERR(task)) {
		lfa_component_put(comp);
		kfree(a);
		KUNIT_ASSERT_TRUE_MSG(test, false, "kthread_create: %ld",
				      PTR_ERR(task));
	}
	a->task = get_task_struct(task);
	ctx->async[ctx->nasync++] = a;
	wake_up_process(task);
	return a;
}

/* lfa_kunit_kill() - a fatal signal to the thread, as to a killed writer. */
void lfa_kunit_kill(struct lfa_kunit_async *a)
{
	send_sig(SIGKILL, a->task, 1);
}

/* lfa_kunit_wait_async() - the thread's result; it must end in time. */
int lfa_kunit_wait_async(struct kunit *test, struct lfa_kunit_async *a,
			 unsigned int timeout_ms)
{
	bool done = wait_for_completion_timeout(&a->done,
						msecs_to_jiffies(timeout_ms));

	KUNIT_ASSERT_TRUE_MSG(test, done, "action still running after %u ms",
			      timeout_ms);
	return a->ret;
}

/*
 * Completed when a task queues itself on the driver's mutex: the
 * contention_begin trace event without LCB_F_SPIN, which the mutex sends
 * after adding the waiter and setting its sleeping state. A completion,
 * not the agent's wait queue: the event comes with the mutex's raw
 * wait_lock held, where only raw locks may be taken.
 */
static DECLARE_COMPLETION(lfa_kunit_contention);

static void lfa_kunit_contended(void *data, void *lock, unsigned int flags)
{
	if (lock == &lfa_drv.mutex && !(flags & LCB_F_SPIN))
		complete(&lfa_kunit_contention);
}

/*
 * lfa_kunit_wait_contended() - wait until @cond(@arg) holds, read again
 * each time a task queues itself on the driver's mutex; false if it does
 * not by @timeout_ms. Not read again at the timeout, like lfa_agent_wait().
 */
static bool lfa_kunit_wait_contended(struct kunit *test,
				     bool (*cond)(void *arg), void *arg,
				     unsigned int timeout_ms)
{
	unsigned long left = msecs_to_jiffies(timeout_ms);
	bool ok = false;
	int ret;

	ret = register_trace_contention_begin(lfa_kunit_contended, NULL);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0,
			    "cannot probe the contention_begin trace event");
	for (;;) {
		/* Re-armed before the check: an event after it still wakes. */
		reinit_completion(&lfa_kunit_contention);
		ok = cond(arg);
		if (ok)
			break;
		left = wait_for_completion_timeout(&lfa_kunit_contention, left);
		if (!left)
			break;
	}
	unregister_trace_contention_begin(lfa_kunit_contended, NULL);
	/* The probe and its completion are static: nothing to free after. */
	return ok;
}

struct lfa_kunit_state {
	struct lfa_component *comp;
	enum lfa_state state;
};

static bool lfa_kunit_in_state(void *arg)
{
	struct lfa_kunit_state *w = arg;
	struct lfa_component_info info;

	lfa_kunit_info(w->comp, &info);
	return info.state == w->state;
}

/* lfa_kunit_wait_state() - wait until @comp reads @state, or time out. */
bool lfa_kunit_wait_state(struct lfa_component *comp, enum lfa_state state,
			  unsigned int timeout_ms)
{
	struct lfa_kunit_state w = { .comp = comp, .state = state };

	return lfa_agent_wait(lfa_kunit_in_state, &w, timeout_ms);
}

/*
 * Started, asleep and not done: the task state is read before @done, so
 * that a thread that returned (TASK_DEAD) is seen done, not blocked.
 */
static bool lfa_kunit_blocked(void *arg)
{
	struct lfa_kunit_async *a = arg;
	bool asleep;

	if (!completion_done(&a->started))
		return false;
	asleep = !task_is_running(a->task);
	/* Read @done after the state, which the thread's exit sets last. */
	smp_rmb();
	return asleep && !completion_done(&a->done);
}

/*
 * lfa_kunit_wait_blocked() - wait until the thread of @a started and
 * sleeps on the driver's mutex inside its action; a thread that never
 * started, returned, or still runs after @timeout_ms fails the case.
 */
void lfa_kunit_wait_blocked(struct kunit *test, struct lfa_kunit_async *a,
			    unsigned int timeout_ms)
{
	const char *what;

	if (lfa_kunit_wait_contended(test, lfa_kunit_blocked, a, timeout_ms))
		return;
	if (!completion_done(&a->started))
		what = "never started";
	else if (completion_done(&a->done))
		what = "returned";
	else
		what = "kept running";
	KUNIT_ASSERT_TRUE_MSG(test, false,
			      "thread %s instead of blocking within %u ms",
			      what, timeout_ms);
}

static bool lfa_kunit_lock_waited(void *arg)
{
	return !list_empty_careful(&lfa_drv.mutex.wait_list);
}

/*
 * lfa_kunit_wait_lock_waiter() - wait until a task sleeps on the driver's
 * mutex (its wait list is not empty), e.g. a refresh behind a sequence.
 * The test kernels are not PREEMPT_RT, whose mutex has no wait_list.
 */
void lfa_kunit_wait_lock_waiter(struct kunit *test, unsigned int timeout_ms)
{
	KUNIT_ASSERT_TRUE_MSG(test, lfa_kunit_wait_contended(test,
							     lfa_kunit_lock_waited,
							     NULL, timeout_ms),
			      "nothing waits for the driver's mutex after %u ms",
			      timeout_ms);
}

struct lfa_kunit_count {
	u32 fid;
	unsigned int n;
};

static bool lfa_kunit_entered(void *arg)
{
	struct lfa_kunit_count *c = arg;

	return lfa_agent_entered(c->fid) >= c->n;
}

/*
 * lfa_kunit_wait_entered() - wait until @n calls of @fid entered the agent
 * (the last may still be under way).
 */
void lfa_kunit_wait_entered(struct kunit *test, u32 fid, unsigned int n,
			    unsigned int timeout_ms)
{
	struct lfa_kunit_count c = { .fid = fid, .n = n };

	KUNIT_ASSERT_TRUE_MSG(test, lfa_agent_wait(lfa_kunit_entered, &c,
						   timeout_ms),
			      "%u %s call(s) not entered the agent after %u ms",
			      n, lfa_agent_fn_name(fid), timeout_ms);
}

static bool lfa_kunit_pen(void *arg)
{
	struct lfa_kunit_count *c = arg;

	return lfa_agent_pen_waiting() >= c->n;
}

/* lfa_kunit_wait_pen() - wait until @n CPUs wait in the rendezvous pen. */
void lfa_kunit_wait_pen(struct kunit *test, unsigned int n,
			unsigned int timeout_ms)
{
	struct lfa_kunit_count c = { .n = n };

	KUNIT_ASSERT_TRUE_MSG(test, lfa_agent_wait(lfa_kunit_pen, &c,
						   timeout_ms),
			      "%u CPU(s) not in the rendezvous pen after %u ms",
			      n, timeout_ms);
}

/* lfa_kunit_calls() - a copy of the agent's call records, oldest first. */
struct lfa_agent_call *lfa_kunit_calls(struct kunit *test, unsigned int *n)
{
	struct lfa_agent_call *calls;
	unsigned int held;

	calls = kunit_kcalloc(test, LFA_AGENT_MAX_RECORDS, sizeof(*calls),
			      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, calls);
	held = lfa_agent_calls(calls, LFA_AGENT_MAX_RECORDS);
	*n = min_t(unsigned int, held, LFA_AGENT_MAX_RECORDS);
	return calls;
}

/*
 * lfa_kunit_count_uevents() - how many recorded uevents have @action, are
 * about @uuid and carry @env among their variables (NULL: any).
 */
unsigned int lfa_kunit_count_uevents(struct kunit *test,
				     enum kobject_action action,
				     const char *uuid, const char *env)
{
	struct lfa_agent_uevent *ev;
	unsigned int n, i, found = 0;
	uuid_t u;

	lfa_kunit_uuid(test, uuid, &u);
	ev = kunit_kcalloc(test, LFA_AGENT_MAX_RECORDS, sizeof(*ev),
			   GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ev);
	n = min_t(unsigned int, lfa_agent_uevents(ev, LFA_AGENT_MAX_RECORDS),
		  LFA_AGENT_MAX_RECORDS);
	for (i = 0; i < n; i++) {
		if (ev[i].action != action || !uuid_equal(&ev[i].uuid, &u))
			continue;
		if (env && !strstr(ev[i].env, env))
			continue;
		found++;
	}
	return found;
}

/* lfa_kunit_changes() - how many "change" uevents of @uuid carry @env. */
unsigned int lfa_kunit_changes(struct kunit *test, const char *uuid,
			       const char *env)
{
	return lfa_kunit_count_uevents(test, KOBJ_CHANGE, uuid, env);
}

/* lfa_kunit_last_error() - last_error as the file reads, without "\n". */
char *lfa_kunit_last_error(struct kunit *test, struct lfa_component *comp)
{
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	ssize_t len;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	len = lfa_kunit_show(test, comp, "last_error", buf);
	KUNIT_ASSERT_GE(test, len, (ssize_t)1);
	KUNIT_EXPECT_EQ(test, buf[len - 1], '\n');
	buf[len - 1] = '\0';
	return buf;
}

/* lfa_kunit_has_file() - whether sysfs shows @name in @kobj's directory. */
bool lfa_kunit_has_file(struct kobject *kobj, const char *name)
{
	struct kernfs_node *kn;
	bool found;

	if (!kobj->sd)
		return false;
	kn = kernfs_find_and_get(kobj->sd, name);
	found = kn;
	kernfs_put(kn);
	return found;
}

/* lfa_kunit_count_all_uevents() - every uevent recorded, of any kind. */
unsigned int lfa_kunit_count_all_uevents(void)
{
	return lfa_agent_uevents(NULL, 0);
}
