/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the KUnit suites of lfa.ko (the tests/..._kunit.c files).
 *
 * Every case starts from a scenario (tests/scenarios/FORMAT.md) loaded into
 * the simulated agent and a freshly initialised driver, and the suites'
 * exit puts back what module init left: the default agent and an
 * initialised driver, default budgets, no reference held, no thread left.
 */
#ifndef _LFA_KUNIT_H
#define _LFA_KUNIT_H

#include <kunit/test.h>
#include <linux/completion.h>

#include "../lfa.h"
#include "lfa-test-agent.h"

#define LFA_KUNIT_BL31	"47d4086d-4cfe-9846-9b95-2950cbbd5a00"
#define LFA_KUNIT_BL33	"d6d0eea7-fcea-d54b-9782-9934f234b6e4"
#define LFA_KUNIT_RMM	"6c0762a6-12f2-4b56-92cb-ba8f633606d9"
#define LFA_KUNIT_BMC	"3f7c2d9a-8b1e-4c55-9a60-5d2e7b41c0aa"
#define LFA_KUNIT_NEW	"0d5f1a8e-2c4b-4e7a-9f31-6b8d2e4c7a10"

/* References and threads one case may hold at once. */
#define LFA_KUNIT_MAX_HELD	8
#define LFA_KUNIT_MAX_ASYNC	4

/**
 * struct lfa_kunit_async - an lfa_activate() or lfa_prime() in a thread
 * @fn: the action
 * @comp: its component
 * @ret: its return value, valid once @done completed
 * @started: completed by the thread just before it calls @fn
 * @done: completed when @fn returned
 * @task: the thread, referenced until the suite exit (for lfa_kunit_kill())
 */
struct lfa_kunit_async {
	int (*fn)(struct lfa_component *comp);
	struct lfa_component *comp;
	int ret;
	struct completion started;
	struct completion done;
	struct task_struct *task;
};

/**
 * struct lfa_kunit_ctx - what one case holds, released by the suite exit
 * @held: component references taken by lfa_kunit_get()
 * @nheld: number of entries in @held
 * @async: threads started by lfa_kunit_start_async()
 * @nasync: number of entries in @async
 * @prime_budget_ms: module parameter value to restore
 * @activate_budget_ms: module parameter value to restore
 * @poll_interval_ms: module parameter value to restore
 * @extensions: module parameter value to restore
 */
struct lfa_kunit_ctx {
	struct lfa_component *held[LFA_KUNIT_MAX_HELD];
	unsigned int nheld;
	struct lfa_kunit_async *async[LFA_KUNIT_MAX_ASYNC];
	unsigned int nasync;
	unsigned int prime_budget_ms;
	unsigned int activate_budget_ms;
	unsigned int poll_interval_ms;
	bool extensions;
};

int lfa_kunit_init(struct kunit *test);
void lfa_kunit_exit(struct kunit *test);

__printf(2, 3) char *lfa_kunit_fmt(struct kunit *test, const char *fmt, ...);
int lfa_kunit_load(struct kunit *test, const char *scenario);
void lfa_kunit_start(struct kunit *test, const char *scenario);
void lfa_kunit_control(struct kunit *test, const char *statements);
void lfa_kunit_uuid(struct kunit *test, const char *str, uuid_t *uuid);
struct lfa_component *lfa_kunit_get(struct kunit *test, const char *uuid);
struct lfa_component *lfa_kunit_try_get(struct kunit *test, const char *uuid);
void lfa_kunit_info(struct lfa_component *comp,
		    struct lfa_component_info *info);

ssize_t lfa_kunit_show(struct kunit *test, struct lfa_component *comp,
		       const char *attr, char *buf);
ssize_t lfa_kunit_store(struct kunit *test, struct lfa_component *comp,
			const char *attr, const char *val);
char *lfa_kunit_read(struct kunit *test, struct lfa_component *comp,
		     const char *attr);

struct lfa_kunit_async *lfa_kunit_start_async(struct kunit *test,
					      int (*fn)(struct lfa_component *),
					      struct lfa_component *comp);
void lfa_kunit_kill(struct lfa_kunit_async *a);
int lfa_kunit_wait_async(struct kunit *test, struct lfa_kunit_async *a,
			 unsigned int timeout_ms);
bool lfa_kunit_wait_state(struct lfa_component *comp, enum lfa_state state,
			  unsigned int timeout_ms);
void lfa_kunit_wait_blocked(struct kunit *test, struct lfa_kunit_async *a,
			    unsigned int timeout_ms);
void lfa_kunit_wait_lock_waiter(struct kunit *test, unsigned int timeout_ms);
void lfa_kunit_wait_entered(struct kunit *test, u32 fid, unsigned int n,
			    unsigned int timeout_ms);
void lfa_kunit_wait_pen(struct kunit *test, unsigned int n,
			unsigned int timeout_ms);

struct lfa_agent_call *lfa_kunit_calls(struct kunit *test, unsigned int *n);
unsigned int lfa_kunit_count_uevents(struct kunit *test,
				     enum kobject_action action,
				     const char *uuid, const char *env);
unsigned int lfa_kunit_changes(struct kunit *test, const char *uuid,
			       const char *env);
char *lfa_kunit_last_error(struct kunit *test, struct lfa_component *comp);
bool lfa_kunit_has_file(struct kobject *kobj, const char *name);
unsigned int lfa_kunit_count_all_uevents(void);

#endif /* _LFA_KUNIT_H */
