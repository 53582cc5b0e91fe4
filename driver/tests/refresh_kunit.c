// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite lfa_refresh: the inventory is refreshed in place after an
 * activation, by "refresh" and by the store-updated notification: objects
 * are kept (same pointer, renumbered sequence ids), vanished ones removed
 * from a workqueue while a held reference stays safe, new ones added; every
 * change is a uevent with the documented variables; a notification during
 * an activation waits for it.
 */
#include <linux/kobject.h>

#include "lfa-kunit.h"

#define LFA_REFRESH_SCENARIO \
	"component uuid=" LFA_KUNIT_RMM " pending=1 pending_version=2.0 %s\n" \
	"component uuid=" LFA_KUNIT_BMC " rendezvous=optional\n" \
	"component uuid=" LFA_KUNIT_BL33 "\n"

static void lfa_refresh_start(struct kunit *test, const char *after)
{
	lfa_kunit_start(test, lfa_kunit_fmt(test,
					    LFA_REFRESH_SCENARIO, after));
}

static u32 lfa_refresh_seq_id(struct lfa_component *comp)
{
	struct lfa_component_info info;

	lfa_kunit_info(comp, &info);
	return info.seq_id;
}

/* After an activation that renumbers: the same objects, new seq ids. */
static void lfa_refresh_renumber_test(struct kunit *test)
{
	struct lfa_component *rmm, *bmc, *bl33;

	lfa_refresh_start(test, "after_activate=reverse");
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	bmc = lfa_kunit_get(test, LFA_KUNIT_BMC);
	bl33 = lfa_kunit_get(test, LFA_KUNIT_BL33);
	KUNIT_ASSERT_EQ(test, lfa_activate(rmm), 0);
	lfa_flush_removals();

	KUNIT_EXPECT_EQ(test, lfa_component_count(), 3U);
	KUNIT_EXPECT_PTR_EQ(test, lfa_kunit_get(test, LFA_KUNIT_RMM), rmm);
	KUNIT_EXPECT_PTR_EQ(test, lfa_kunit_get(test, LFA_KUNIT_BMC), bmc);
	KUNIT_EXPECT_PTR_EQ(test, lfa_kunit_get(test, LFA_KUNIT_BL33), bl33);
	KUNIT_EXPECT_EQ(test, lfa_refresh_seq_id(rmm), 2U);
	KUNIT_EXPECT_EQ(test, lfa_refresh_seq_id(bmc), 1U);
	KUNIT_EXPECT_EQ(test, lfa_refresh_seq_id(bl33), 0U);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm, "seq_id"), "2\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm, "current_version"),
			   "2.0\n");
	/* Kept, not deleted and re-created. */
	KUNIT_EXPECT_EQ(test, lfa_kunit_count_uevents(test, KOBJ_REMOVE,
						      LFA_KUNIT_RMM, NULL), 0U);
	KUNIT_EXPECT_EQ(test, lfa_kunit_count_uevents(test, KOBJ_ADD,
						      LFA_KUNIT_RMM, NULL), 1U);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM,
						"LFA_EVENT=activated"), 1U);
	/* The renumbered, otherwise unchanged ones get "changed". */
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_BL33,
						"LFA_EVENT=changed"), 1U);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_BMC, NULL), 0U);
	/* And they still work under their new ids. */
	lfa_kunit_control(test, "set uuid=" LFA_KUNIT_BL33 " pending=1\n");
	KUNIT_EXPECT_EQ(test, lfa_activate(bl33), 0);
}

/*
 * A component that vanishes is removed, from the workqueue; a reference
 * held across the removal (an open file) stays valid and every action on
 * it fails with -ENODEV.
 */
static void lfa_refresh_vanish_test(struct kunit *test)
{
	struct lfa_component_info info;
	struct lfa_component *rmm;
	char *buf;

	lfa_refresh_start(test, "after_activate=vanish");
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_ASSERT_EQ(test, lfa_activate(rmm), 0);
	lfa_flush_removals();

	KUNIT_EXPECT_EQ(test, lfa_component_count(), 2U);
	KUNIT_EXPECT_NULL(test, lfa_kunit_try_get(test, LFA_KUNIT_RMM));
	KUNIT_EXPECT_EQ(test, lfa_kunit_count_uevents(test, KOBJ_REMOVE,
						      LFA_KUNIT_RMM, NULL), 1U);
	lfa_kunit_info(rmm, &info);
	KUNIT_EXPECT_TRUE(test, info.removed);
	KUNIT_EXPECT_EQ(test, lfa_activate(rmm), -ENODEV);
	KUNIT_EXPECT_EQ(test, lfa_prime(rmm), -ENODEV);
	KUNIT_EXPECT_EQ(test, lfa_cancel(rmm), -ENODEV);
	buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, lfa_kunit_show(test, rmm, "name", buf),
			(ssize_t)-ENODEV);
	KUNIT_EXPECT_EQ(test, lfa_kunit_store(test, rmm, "activate", "1\n"),
			(ssize_t)-ENODEV);
	/* The others are untouched. */
	KUNIT_EXPECT_NOT_NULL(test, lfa_kunit_try_get(test, LFA_KUNIT_BMC));
	KUNIT_EXPECT_EQ(test, lfa_kunit_count_uevents(test, KOBJ_REMOVE,
						      LFA_KUNIT_BMC, NULL), 0U);
}

/* A component that appears after an activation is added. */
static void lfa_refresh_appear_test(struct kunit *test)
{
	struct lfa_component *rmm, *added;

	lfa_refresh_start(test, "after_activate=add:" LFA_KUNIT_NEW);
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_ASSERT_EQ(test, lfa_activate(rmm), 0);

	KUNIT_EXPECT_EQ(test, lfa_component_count(), 4U);
	added = lfa_kunit_get(test, LFA_KUNIT_NEW);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, added, "seq_id"), "3\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, added,
						"activation_capable"), "1\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, added,
						"activation_pending"), "0\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, added, "name"),
			   LFA_KUNIT_NEW "\n");
	KUNIT_EXPECT_EQ(test, lfa_kunit_count_uevents(test, KOBJ_ADD,
						      LFA_KUNIT_NEW, NULL), 1U);
}

/* "refresh" applies what the firmware changed: set, add, remove. */
static void lfa_refresh_control_test(struct kunit *test)
{
	struct lfa_component *rmm, *bl33;

	lfa_refresh_start(test, "");
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	bl33 = lfa_kunit_get(test, LFA_KUNIT_BL33);
	lfa_agent_clear_records();
	lfa_kunit_control(test,
			  "set uuid=" LFA_KUNIT_BL33 " pending=1 pending_version=5.1\n"
			  "remove uuid=" LFA_KUNIT_BMC "\n"
			  "component uuid=" LFA_KUNIT_NEW "\n");
	/* Firmware changes are seen only when the inventory is read. */
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, bl33,
						"activation_pending"), "0\n");
	KUNIT_ASSERT_EQ(test, lfa_refresh(LFA_EVENT_CHANGED), 0);
	lfa_flush_removals();

	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, bl33,
						"activation_pending"), "1\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, bl33, "pending_version"),
			   "5.1\n");
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_BL33,
						"LFA_EVENT=changed"), 1U);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_BL33,
						"LFA_UUID=" LFA_KUNIT_BL33), 1U);
	KUNIT_EXPECT_EQ(test, lfa_kunit_count_uevents(test, KOBJ_REMOVE,
						      LFA_KUNIT_BMC, NULL), 1U);
	KUNIT_EXPECT_EQ(test, lfa_kunit_count_uevents(test, KOBJ_ADD,
						      LFA_KUNIT_NEW, NULL), 1U);
	KUNIT_EXPECT_NULL(test, lfa_kunit_try_get(test, LFA_KUNIT_BMC));
	KUNIT_EXPECT_NOT_NULL(test, lfa_kunit_try_get(test, LFA_KUNIT_NEW));
	/* Unchanged: no uevent. */
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM, NULL), 0U);
	KUNIT_EXPECT_PTR_EQ(test, lfa_kunit_get(test, LFA_KUNIT_RMM), rmm);

	/* A refresh that finds nothing new sends nothing. */
	lfa_agent_clear_records();
	KUNIT_ASSERT_EQ(test, lfa_refresh(LFA_EVENT_CHANGED), 0);
	KUNIT_EXPECT_EQ(test, lfa_agent_uevents(NULL, 0), 0U);
}

/* The store-updated notification: one uevent per component it changed. */
static void lfa_refresh_store_updated_test(struct kunit *test)
{
	struct lfa_component *bl33;

	lfa_refresh_start(test, "");
	bl33 = lfa_kunit_get(test, LFA_KUNIT_BL33);
	lfa_agent_clear_records();
	lfa_kunit_control(test, "store-update uuid=" LFA_KUNIT_BL33
			  " pending_version=3.0\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, bl33,
						"activation_pending"), "1\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, bl33, "pending_version"),
			   "3.0\n");
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_BL33,
						"LFA_EVENT=store-updated"), 1U);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_BL33,
						"LFA_UUID=" LFA_KUNIT_BL33), 1U);
	KUNIT_EXPECT_EQ(test, lfa_agent_uevents(NULL, 0), 1U);
	/* The notification activates nothing. */
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_PRIME), 0U);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_ACTIVATE), 0U);

	/* A notification with nothing new sends nothing. */
	lfa_agent_clear_records();
	lfa_kunit_control(test, "notify\n");
	KUNIT_EXPECT_GE(test, lfa_agent_count_calls(LFA_FN_GET_INFO), 1U);
	KUNIT_EXPECT_EQ(test, lfa_agent_uevents(NULL, 0), 0U);
}

static int lfa_refresh_notify_fn(struct lfa_component *comp)
{
	return lfa_notify_store_updated();
}

/*
 * A notification while a sequence runs waits for the sequence (one mutex),
 * and its refresh runs after the sequence's last call.
 */
static void lfa_refresh_serialised_test(struct kunit *test)
{
	struct lfa_kunit_async *act, *notify;
	struct lfa_agent_call *calls;
	struct lfa_component *rmm;
	unsigned int n, i, cancel_at = 0, info_at = 0;

	lfa_refresh_start(test, "prime_hang=1");
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	act = lfa_kunit_start_async(test, lfa_activate, rmm);
	KUNIT_ASSERT_TRUE(test, lfa_kunit_wait_state(rmm, LFA_STATE_PRIMING,
						     5000));
	KUNIT_EXPECT_EQ(test, lfa_lock_sequence(), -EBUSY);
	lfa_agent_clear_records();
	notify = lfa_kunit_start_async(test, lfa_refresh_notify_fn, rmm);
	/* It sleeps on the mutex the sequence holds. */
	lfa_kunit_wait_blocked(test, notify, 5000);
	lfa_kunit_wait_lock_waiter(test, 5000);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_GET_INFO), 0U);
	KUNIT_EXPECT_EQ(test, lfa_cancel(rmm), 0);
	KUNIT_EXPECT_EQ(test, lfa_kunit_wait_async(test, act, 5000), -ECANCELED);
	KUNIT_EXPECT_EQ(test, lfa_kunit_wait_async(test, notify, 5000), 0);

	calls = lfa_kunit_calls(test, &n);
	for (i = 0; i < n; i++) {
		if (calls[i].fid == LFA_FN_CANCEL && !cancel_at)
			cancel_at = i + 1;
		if (calls[i].fid == LFA_FN_GET_INFO && !info_at)
			info_at = i + 1;
	}
	KUNIT_EXPECT_GT(test, cancel_at, 0U);
	KUNIT_EXPECT_GT(test, info_at, cancel_at);
	/* Free again. */
	KUNIT_EXPECT_EQ(test, lfa_lock_sequence(), 0);
	lfa_unlock_sequence();
}

/* Unloading sends "remove" for every component; references stay safe. */
static void lfa_refresh_exit_test(struct kunit *test)
{
	struct lfa_component_info info;
	struct lfa_component *bmc;

	lfa_refresh_start(test, "");
	bmc = lfa_kunit_get(test, LFA_KUNIT_BMC);
	lfa_core_exit();
	KUNIT_EXPECT_EQ(test, lfa_component_count(), 0U);
	KUNIT_EXPECT_EQ(test, lfa_kunit_count_uevents(test, KOBJ_REMOVE,
						      LFA_KUNIT_RMM, NULL), 1U);
	KUNIT_EXPECT_EQ(test, lfa_kunit_count_uevents(test, KOBJ_REMOVE,
						      LFA_KUNIT_BMC, NULL), 1U);
	lfa_kunit_info(bmc, &info);
	KUNIT_EXPECT_TRUE(test, info.removed);
	KUNIT_EXPECT_EQ(test, lfa_activate(bmc), -ENODEV);
	KUNIT_EXPECT_EQ(test, lfa_refresh(LFA_EVENT_CHANGED), -ENODEV);
}

/*
 * Issue 11 item 2: a component that vanishes and comes back before its
 * removal was swept is kept (no -EEXIST, no "duplicate filename", no
 * "remove" without "add").
 */
static void lfa_refresh_revive_test(struct kunit *test)
{
	struct lfa_component *bmc;

	lfa_refresh_start(test, "");
	bmc = lfa_kunit_get(test, LFA_KUNIT_BMC);
	lfa_kunit_control(test, "remove uuid=" LFA_KUNIT_BMC "\n");
	/* Hold the mutex: the removal work cannot run in between. */
	KUNIT_ASSERT_EQ(test, lfa_lock_sequence(), 0);
	KUNIT_EXPECT_EQ(test, lfa_refresh_locked(LFA_EVENT_CHANGED, NULL), 0);
	KUNIT_EXPECT_EQ(test, lfa_component_count(), 2U);
	lfa_kunit_control(test, "component uuid=" LFA_KUNIT_BMC
			  " rendezvous=optional\n");
	KUNIT_EXPECT_EQ(test, lfa_refresh_locked(LFA_EVENT_CHANGED, NULL), 0);
	lfa_unlock_sequence();
	lfa_flush_removals();

	KUNIT_EXPECT_EQ(test, lfa_component_count(), 3U);
	KUNIT_EXPECT_PTR_EQ(test, lfa_kunit_try_get(test, LFA_KUNIT_BMC), bmc);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, bmc, "seq_id"), "2\n");
	KUNIT_EXPECT_EQ(test, lfa_kunit_count_uevents(test, KOBJ_REMOVE,
						      LFA_KUNIT_BMC, NULL), 0U);
	KUNIT_EXPECT_EQ(test, lfa_kunit_count_uevents(test, KOBJ_ADD,
						      LFA_KUNIT_BMC, NULL), 1U);
}

/*
 * Issue 11 item 6: a store update between the first inventory read and
 * the binding of the notification device is reported when it binds.
 */
static void lfa_refresh_bind_rereads_test(struct kunit *test)
{
	struct lfa_component *bl33;
	struct lfa_component_info info;

	lfa_refresh_start(test, "");
	bl33 = lfa_kunit_get(test, LFA_KUNIT_BL33);
	lfa_kunit_control(test, "set uuid=" LFA_KUNIT_BL33
			  " pending=1 pending_version=3.0\n");
	lfa_set_notifier_bound(true);
	lfa_kunit_info(bl33, &info);
	lfa_set_notifier_bound(false);
	KUNIT_EXPECT_TRUE(test, info.flags & LFA_INV_PENDING);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_BL33,
						"LFA_EVENT=store-updated"), 1U);
}

/*
 * Issue 11 item 7: a notification from ACPI context is handed to the
 * driver's own workqueue; its refresh waits there for the running
 * activation and then reports the store update.
 */
static void lfa_refresh_notify_async_test(struct kunit *test)
{
	struct lfa_component *rmm;
	struct lfa_kunit_async *a;

	lfa_refresh_start(test, "prime_hang=1");
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	a = lfa_kunit_start_async(test, lfa_activate, rmm);
	KUNIT_ASSERT_TRUE(test, lfa_kunit_wait_state(rmm, LFA_STATE_PRIMING,
						     5000));
	lfa_kunit_control(test, "set uuid=" LFA_KUNIT_BL33
			  " pending=1 pending_version=3.0\n");
	lfa_platform_notify_async();
	/* The work's refresh sleeps on the mutex the sequence holds. */
	lfa_kunit_wait_lock_waiter(test, 5000);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_BL33,
						"LFA_EVENT=store-updated"), 0U);
	KUNIT_EXPECT_EQ(test, lfa_cancel(rmm), 0);
	KUNIT_EXPECT_EQ(test, lfa_kunit_wait_async(test, a, 5000), -ECANCELED);
	lfa_platform_notify_flush();
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_BL33,
						"LFA_EVENT=store-updated"), 1U);
}

/*
 * Issue 11 item 3: a new image staged for a component during its own
 * activation reaches user space once (store-updated after "activated"),
 * though the activation's refresh saw it before the notification did.
 */
static void lfa_refresh_staged_during_activation_test(struct kunit *test)
{
	struct lfa_agent_uevent *ev;
	struct lfa_component *rmm;
	unsigned int n, i, activated = 0, stored = 0;
	uuid_t u;

	lfa_refresh_start(test, "current=1.0");
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	lfa_agent_restage(3ULL << 32);
	KUNIT_ASSERT_EQ(test, lfa_activate(rmm), 0);
	lfa_kunit_control(test, "notify\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm, "current_version"),
			   "2.0\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm, "pending_version"),
			   "3.0\n");
	lfa_kunit_uuid(test, LFA_KUNIT_RMM, &u);
	ev = kunit_kcalloc(test, LFA_AGENT_MAX_RECORDS, sizeof(*ev),
			   GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ev);
	n = min_t(unsigned int, lfa_agent_uevents(ev, LFA_AGENT_MAX_RECORDS),
		  LFA_AGENT_MAX_RECORDS);
	for (i = 0; i < n; i++) {
		if (ev[i].action != KOBJ_CHANGE || !uuid_equal(&ev[i].uuid, &u))
			continue;
		if (strstr(ev[i].env, "LFA_EVENT=activated"))
			activated++;
		if (strstr(ev[i].env, "LFA_EVENT=store-updated")) {
			/* After "activated", once. */
			KUNIT_EXPECT_EQ(test, activated, 1U);
			stored++;
		}
	}
	KUNIT_EXPECT_EQ(test, activated, 1U);
	KUNIT_EXPECT_EQ(test, stored, 1U);
}

/* The one LFA_CANCEL recorded since the records were cleared: its seq id. */
static void lfa_refresh_expect_cancel(struct kunit *test, u64 seq_id)
{
	struct lfa_agent_call *calls;
	unsigned int n, i, cancels = 0;

	calls = lfa_kunit_calls(test, &n);
	for (i = 0; i < n; i++) {
		if (calls[i].fid != LFA_FN_CANCEL)
			continue;
		cancels++;
		KUNIT_EXPECT_EQ(test, calls[i].seq_id, seq_id);
		KUNIT_EXPECT_EQ(test, calls[i].x0, 0LL);
	}
	KUNIT_EXPECT_EQ(test, cancels, 1U);
}

/*
 * Issue 11 item 4: a primed component that goes from the inventory is
 * released in the firmware (LFA_CANCEL of the sequence id it had, here
 * @seq_id): the next component's PRIME and ACTIVATE are not caught by a
 * prime nobody can see any more.
 */
static void lfa_refresh_vanish_primed(struct kunit *test, const char *gone,
				      const char *next, u64 seq_id)
{
	struct lfa_component *comp;

	lfa_refresh_start(test, "");
	lfa_kunit_control(test, lfa_kunit_fmt(test, "set uuid=%s pending=1\n",
					      gone));
	comp = lfa_kunit_get(test, gone);
	KUNIT_ASSERT_EQ(test, lfa_prime(comp), 0);
	lfa_kunit_control(test, lfa_kunit_fmt(test, "remove uuid=%s\n"
					      "set uuid=%s pending=1\n",
					      gone, next));
	lfa_agent_clear_records();
	KUNIT_EXPECT_EQ(test, lfa_refresh(LFA_EVENT_CHANGED), 0);
	lfa_flush_removals();
	lfa_refresh_expect_cancel(test, seq_id);
	KUNIT_EXPECT_EQ(test, lfa_component_count(), 2U);
	comp = lfa_kunit_get(test, next);
	KUNIT_EXPECT_EQ(test, lfa_activate(comp), 0);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_last_error(test, comp), "");
}

static void lfa_refresh_vanish_primed_test(struct kunit *test)
{
	lfa_refresh_vanish_primed(test, LFA_KUNIT_RMM, LFA_KUNIT_BL33, 0);
}

/* The id it had is now beyond the count: CANCEL of it still releases. */
static void lfa_refresh_vanish_primed_last_test(struct kunit *test)
{
	lfa_refresh_vanish_primed(test, LFA_KUNIT_BL33, LFA_KUNIT_RMM, 2);
}

/*
 * Issue 11 item 4: "primed" is checked against the firmware at every
 * inventory read: a primed component whose entry no longer shows a
 * pending image is released (LFA_CANCEL) and reads "idle".
 */
static void lfa_refresh_unpending_primed_test(struct kunit *test)
{
	struct lfa_component *rmm;

	lfa_refresh_start(test, "");
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_ASSERT_EQ(test, lfa_prime(rmm), 0);
	lfa_kunit_control(test, "set uuid=" LFA_KUNIT_RMM " pending=0\n");
	lfa_agent_clear_records();
	KUNIT_EXPECT_EQ(test, lfa_refresh(LFA_EVENT_CHANGED), 0);
	lfa_refresh_expect_cancel(test, 0);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm, "state"), "idle\n");
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM,
						"LFA_EVENT=changed"), 1U);
}

static struct kunit_case lfa_refresh_test_cases[] = {
	KUNIT_CASE(lfa_refresh_renumber_test),
	KUNIT_CASE(lfa_refresh_vanish_test),
	KUNIT_CASE(lfa_refresh_appear_test),
	KUNIT_CASE(lfa_refresh_control_test),
	KUNIT_CASE(lfa_refresh_store_updated_test),
	KUNIT_CASE(lfa_refresh_serialised_test),
	KUNIT_CASE(lfa_refresh_exit_test),
	KUNIT_CASE(lfa_refresh_revive_test),
	KUNIT_CASE(lfa_refresh_bind_rereads_test),
	KUNIT_CASE(lfa_refresh_notify_async_test),
	KUNIT_CASE(lfa_refresh_staged_during_activation_test),
	KUNIT_CASE(lfa_refresh_vanish_primed_test),
	KUNIT_CASE(lfa_refresh_vanish_primed_last_test),
	KUNIT_CASE(lfa_refresh_unpending_primed_test),
	{}
};

static struct kunit_suite lfa_refresh_suite = {
	.name = "lfa_refresh",
	.init = lfa_kunit_init,
	.exit = lfa_kunit_exit,
	.test_cases = lfa_refresh_test_cases,
};

kunit_test_suite(lfa_refresh_suite);
