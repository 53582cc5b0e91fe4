// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite lfa_faults: firmware that answers badly (issue 13 item 2),
 * through the fault keys of the scenario language (tests/scenarios/
 * FORMAT.md: agent missing=, info_error=, info_skew=; component
 * inventory_error=, inventory_uuid=, reserved_flags=, reserved_x1=;
 * set-agent), which the user-space simulation answers the same way. For
 * each fault: the errno the driver returns, the last good inventory kept,
 * no state left behind (idle, the lock free), and the next good answer
 * recovers.
 */
#include <linux/kobject.h>

#include "lfa-kunit.h"
#include "lfa-agent-model.h"

#define LFA_FAULTS_SCENARIO \
	"component uuid=" LFA_KUNIT_RMM " pending=1 current=1.0" \
	" pending_version=2.0\n" \
	"component uuid=" LFA_KUNIT_BMC " rendezvous=optional\n" \
	"component uuid=" LFA_KUNIT_BL33 "\n"

/* Every reserved bit set, in x3 and in x1, and call-again rounds. */
#define LFA_FAULTS_RESERVED \
	"component uuid=" LFA_KUNIT_RMM " pending=1 pending_version=2.0" \
	" prime_rounds=2 activate_rounds=1" \
	" reserved_flags=0xfffffffffffffff0 reserved_x1=0xfffffffffffffffe\n"

/* Clear a component's fault keys that "0" cannot clear (CODE keys). */
static void lfa_faults_clear(struct kunit *test, const char *uuid)
{
	struct lfa_agent_cfg cfg;
	uuid_t u;

	lfa_kunit_uuid(test, uuid, &u);
	KUNIT_ASSERT_EQ(test, lfa_agent_get_cfg(&u, &cfg), 0);
	cfg.prime_busy = 0;
	cfg.activate_busy = 0;
	cfg.prime_hang = false;
	cfg.activate_hang = false;
	cfg.cancel_error = 0;
	cfg.inventory_error = 0;
	KUNIT_ASSERT_EQ(test, lfa_agent_set_cfg(&cfg), 0);
}

/*
 * Every component of LFA_FAULTS_SCENARIO is there and idle, @count
 * components in all, and the lock is free.
 */
static void lfa_faults_expect_idle(struct kunit *test, unsigned int count)
{
	static const char * const uuids[] = {
		LFA_KUNIT_RMM, LFA_KUNIT_BMC, LFA_KUNIT_BL33,
	};
	struct lfa_component *comp;
	unsigned int i;
	uuid_t u;

	KUNIT_EXPECT_EQ(test, lfa_component_count(), count);
	for (i = 0; i < ARRAY_SIZE(uuids); i++) {
		/* Not held by the case: as many checks as it likes. */
		lfa_kunit_uuid(test, uuids[i], &u);
		comp = lfa_component_find(&u);
		KUNIT_EXPECT_NOT_NULL_MSG(test, comp, "no component %s",
					  uuids[i]);
		if (!comp)
			continue;
		KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "state"),
				   "idle\n");
		lfa_component_put(comp);
	}
	/* Nothing holds the lock. */
	KUNIT_EXPECT_EQ(test, lfa_lock_sequence(), 0);
	lfa_unlock_sequence();
}

/*
 * LFA_FAULTS_SCENARIO bound, no call recorded yet, then @fault played:
 * returns the component @uuid.
 */
static struct lfa_component *lfa_faults_start(struct kunit *test,
					      const char *uuid,
					      const char *fault)
{
	struct lfa_component *comp;

	lfa_kunit_start(test, LFA_FAULTS_SCENARIO);
	comp = lfa_kunit_get(test, uuid);
	lfa_agent_clear_records();
	lfa_kunit_control(test, fault);
	return comp;
}

/* The fault left no state behind; then @clear lifts it. */
static void lfa_faults_lift(struct kunit *test, const char *clear)
{
	lfa_faults_expect_idle(test, 3);
	lfa_kunit_control(test, clear);
}

/**
 * struct lfa_missing_case - a function the firmware lacks
 * @fn: its name in "agent missing="
 * @fid: its function id
 */
struct lfa_missing_case {
	const char *fn;
	u32 fid;
};

static const struct lfa_missing_case lfa_missing_cases[] = {
	{ "GET_INFO", LFA_FN_GET_INFO },
	{ "GET_INVENTORY", LFA_FN_GET_INVENTORY },
	{ "PRIME", LFA_FN_PRIME },
	{ "ACTIVATE", LFA_FN_ACTIVATE },
	{ "CANCEL", LFA_FN_CANCEL },
};

static void lfa_missing_desc(const struct lfa_missing_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "missing=%s", c->fn);
}

KUNIT_ARRAY_PARAM(lfa_missing, lfa_missing_cases, lfa_missing_desc);

/*
 * LFA_FEATURES says a function the driver uses is missing: the driver does
 * not bind (-ENODEV, "LFA 1.0 lacks function ..."), reads no inventory,
 * and binds to the next firmware that has it.
 */
static void lfa_faults_missing_test(struct kunit *test)
{
	const struct lfa_missing_case *c = test->param_value;
	struct lfa_agent_call *calls;
	unsigned int n, i, refused = 0;

	KUNIT_EXPECT_EQ(test,
			lfa_kunit_load(test, lfa_kunit_fmt(test,
							   "agent missing=%s\n"
							   LFA_FAULTS_SCENARIO,
							   c->fn)),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, lfa_version(), 0U);
	KUNIT_EXPECT_EQ(test, lfa_component_count(), 0U);
	KUNIT_EXPECT_EQ(test, lfa_refresh(LFA_EVENT_CHANGED), -ENODEV);
	calls = lfa_kunit_calls(test, &n);
	for (i = 0; i < n; i++)
		if (calls[i].fid == LFA_FN_FEATURES &&
		    calls[i].seq_id == c->fid &&
		    calls[i].x0 == LFA_NOT_SUPPORTED)
			refused++;
	KUNIT_EXPECT_EQ(test, refused, 1U);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_GET_INFO), 0U);
	KUNIT_EXPECT_EQ(test, lfa_agent_uevents(NULL, 0), 0U);

	lfa_kunit_start(test, LFA_FAULTS_SCENARIO);
	lfa_faults_expect_idle(test, 3);
}

/**
 * struct lfa_read_case - an inventory read that fails
 * @desc: parameter name
 * @agent: the "agent" keys at load, or NULL
 * @fault: run-time statements that make the next read fail
 * @clear: run-time statements that make it succeed again
 * @err: the errno of the failed read
 */
struct lfa_read_case {
	const char *desc;
	const char *agent;
	const char *fault;
	const char *clear;
	int err;
};

static const struct lfa_read_case lfa_read_cases[] = {
	{ "GET_INFO DEVICE_ERROR", "info_error=DEVICE_ERROR",
	  "set-agent info_error=DEVICE_ERROR\n", "set-agent info_error=0\n",
	  -EIO },
	{ "GET_INFO NO_MEMORY", "info_error=NO_MEMORY",
	  "set-agent info_error=NO_MEMORY\n", "set-agent info_error=0\n",
	  -ENOMEM },
	{ "GET_INFO raw -35", "info_error=-35",
	  "set-agent info_error=-35\n", "set-agent info_error=0\n", -EIO },
	{ "GET_INVENTORY of the last id fails", NULL,
	  "set uuid=" LFA_KUNIT_BL33 " inventory_error=CRITICAL_ERROR\n",
	  "set uuid=" LFA_KUNIT_BL33 " inventory_error=0\n",
	  -ENOTRECOVERABLE },
	{ "GET_INVENTORY BUSY", NULL,
	  "set uuid=" LFA_KUNIT_BMC " inventory_error=BUSY\n",
	  "set uuid=" LFA_KUNIT_BMC " inventory_error=0\n", -EBUSY },
	{ "GET_INVENTORY lists a UUID twice", NULL,
	  "set uuid=" LFA_KUNIT_BL33 " inventory_uuid=" LFA_KUNIT_RMM "\n",
	  "set uuid=" LFA_KUNIT_BL33 " inventory_uuid=0\n", -EIO },
	{ "count grew after GET_INFO", "info_skew=1",
	  "set-agent info_skew=1\n", "set-agent info_skew=0\n", -EINVAL },
	{ "count is garbage", "info_skew=5000",
	  "set-agent info_skew=5000\n", "set-agent info_skew=0\n", -EIO },
};

static void lfa_read_desc(const struct lfa_read_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lfa_read, lfa_read_cases, lfa_read_desc);

/* The first inventory read fails: the driver does not bind, with its errno. */
static void lfa_faults_load_test(struct kunit *test)
{
	const struct lfa_read_case *c = test->param_value;
	const char *scenario = LFA_FAULTS_SCENARIO;

	if (c->agent) {
		/* The agent's fault, from the scenario's "agent" line. */
		scenario = lfa_kunit_fmt(test, "agent %s\n%s", c->agent,
					 scenario);
		KUNIT_EXPECT_EQ(test, lfa_kunit_load(test, scenario), c->err);
	} else {
		/* A component's: set on the platform before the driver binds. */
		lfa_core_exit();
		KUNIT_ASSERT_EQ(test, lfa_agent_load(scenario, strlen(scenario),
						     NULL, 0), 0);
		lfa_kunit_control(test, c->fault);
		KUNIT_EXPECT_EQ(test, lfa_core_init(), c->err);
	}
	KUNIT_EXPECT_EQ(test, lfa_version(), 0U);
	KUNIT_EXPECT_EQ(test, lfa_component_count(), 0U);
	KUNIT_EXPECT_EQ(test, lfa_refresh(LFA_EVENT_CHANGED), -ENODEV);
	KUNIT_EXPECT_EQ(test, lfa_agent_uevents(NULL, 0), 0U);

	/* The same firmware, answering well: the driver binds. */
	lfa_kunit_control(test, c->clear);
	KUNIT_EXPECT_EQ(test, lfa_core_init(), 0);
	lfa_faults_expect_idle(test, 3);
}

/*
 * A refresh that fails mid-way (a "refresh" write, a notification) applies
 * nothing: every component, flag and version of the last good read stays,
 * no uevent, no automatic activation; the write and the notification
 * return the errno. The next good read applies what changed, and reports
 * the image the failed notification announced as "store-updated", once.
 * (activation_pending and pending_version are read live here, without a
 * notification device: the cache is what lfa_kunit_info() shows.)
 */
static void lfa_faults_refresh_test(struct kunit *test)
{
	const struct lfa_read_case *c = test->param_value;
	struct lfa_component_info info;
	struct lfa_component *rmm, *bmc;

	lfa_kunit_start(test, LFA_FAULTS_SCENARIO);
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	bmc = lfa_kunit_get(test, LFA_KUNIT_BMC);
	lfa_set_auto_activate(bmc, true);
	lfa_agent_clear_records();
	/* The firmware changes, then answers badly. */
	lfa_kunit_control(test,
			  "set uuid=" LFA_KUNIT_RMM " current=1.5\n"
			  "set uuid=" LFA_KUNIT_BMC " pending=1 pending_version=7.0\n"
			  "component uuid=" LFA_KUNIT_NEW "\n");
	lfa_kunit_control(test, c->fault);

	KUNIT_EXPECT_EQ(test, lfa_refresh(LFA_EVENT_CHANGED), c->err);
	KUNIT_EXPECT_EQ(test, lfa_notify_store_updated(), c->err);
	lfa_flush_removals();
	lfa_faults_expect_idle(test, 3);
	KUNIT_EXPECT_NULL(test, lfa_kunit_try_get(test, LFA_KUNIT_NEW));
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm, "current_version"),
			   "1.0\n");
	lfa_kunit_info(bmc, &info);
	KUNIT_EXPECT_EQ(test, info.flags & LFA_INV_PENDING, 0ULL);
	KUNIT_EXPECT_EQ(test, info.pending_version, 0ULL);
	KUNIT_EXPECT_EQ(test, info.seq_id, 1U);
	KUNIT_EXPECT_EQ(test, lfa_agent_uevents(NULL, 0), 0U);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_PRIME), 0U);

	/* The next good read: a "refresh" write. */
	lfa_kunit_control(test, c->clear);
	KUNIT_EXPECT_EQ(test, lfa_refresh(LFA_EVENT_CHANGED), 0);
	KUNIT_EXPECT_NOT_NULL(test, lfa_kunit_try_get(test, LFA_KUNIT_NEW));
	KUNIT_EXPECT_EQ(test, lfa_kunit_count_uevents(test, KOBJ_ADD,
						      LFA_KUNIT_NEW, NULL), 1U);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm, "current_version"),
			   "1.5\n");
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM,
						"LFA_EVENT=changed"), 1U);
	lfa_kunit_info(bmc, &info);
	KUNIT_EXPECT_NE(test, info.flags & LFA_INV_PENDING, 0ULL);
	/* Announced by the notification whose refresh failed: once. */
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_BMC,
						"LFA_EVENT=store-updated"), 1U);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_BMC, NULL),
			1U);
	KUNIT_EXPECT_EQ(test, lfa_refresh(LFA_EVENT_CHANGED), 0);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_BMC, NULL),
			1U);
	/* The next notification activates what auto_activate names. */
	KUNIT_EXPECT_EQ(test, lfa_notify_store_updated(), 0);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_BMC,
						"LFA_EVENT=activated"), 1U);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, bmc, "current_version"),
			   "7.0\n");
	lfa_faults_expect_idle(test, 4);
}

/*
 * GET_INFO's count shrank before the GET_INVENTORY calls: the components
 * not read are removed, as gone, and come back with the next good read.
 */
static void lfa_faults_count_shrank_test(struct kunit *test)
{
	struct lfa_component *bl33;

	bl33 = lfa_faults_start(test, LFA_KUNIT_BL33, "set-agent info_skew=-1\n");
	KUNIT_EXPECT_EQ(test, lfa_refresh(LFA_EVENT_CHANGED), 0);
	lfa_flush_removals();
	KUNIT_EXPECT_EQ(test, lfa_component_count(), 2U);
	KUNIT_EXPECT_NULL(test, lfa_kunit_try_get(test, LFA_KUNIT_BL33));
	KUNIT_EXPECT_EQ(test, lfa_kunit_count_uevents(test, KOBJ_REMOVE,
						      LFA_KUNIT_BL33, NULL), 1U);
	KUNIT_EXPECT_EQ(test, lfa_activate(bl33), -ENODEV);

	lfa_kunit_control(test, "set-agent info_skew=0\n");
	KUNIT_EXPECT_EQ(test, lfa_refresh(LFA_EVENT_CHANGED), 0);
	lfa_faults_expect_idle(test, 3);
	KUNIT_EXPECT_EQ(test, lfa_kunit_count_uevents(test, KOBJ_ADD,
						      LFA_KUNIT_BL33, NULL), 1U);
	lfa_kunit_control(test, "set uuid=" LFA_KUNIT_BL33 " pending=1\n");
	KUNIT_EXPECT_EQ(test, lfa_activate(lfa_kunit_get(test, LFA_KUNIT_BL33)),
			0);
}

/*
 * The re-read of the entry before PRIME fails: the activation fails with
 * the firmware's errno from the INVENTORY call, before any PRIME; the next
 * good answer activates.
 */
static void lfa_faults_recheck_test(struct kunit *test)
{
	struct lfa_component *rmm;

	rmm = lfa_faults_start(test, LFA_KUNIT_RMM,
			       "set uuid=" LFA_KUNIT_RMM
			       " inventory_error=DEVICE_ERROR\n");
	KUNIT_EXPECT_EQ(test, lfa_activate(rmm), -EIO);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_last_error(test, rmm),
			   "EIO DEVICE_ERROR -6 INVENTORY");
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM,
						"LFA_EVENT=failed"), 1U);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM,
						"LFA_ERRNO=EIO"), 1U);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_PRIME), 0U);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm, "pending_version"),
			   "2.0\n");

	lfa_faults_lift(test, "set uuid=" LFA_KUNIT_RMM " inventory_error=0\n");
	KUNIT_EXPECT_EQ(test, lfa_activate(rmm), 0);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_last_error(test, rmm), "");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm, "current_version"),
			   "2.0\n");
}

/*
 * The inventory shrank since the last refresh and the component was its
 * last: the re-read before PRIME finds its sequence id past the end
 * (INVALID_PARAMETERS). As when the ids moved, the driver refreshes once:
 * the component is gone, the write returns -ENODEV with no uevent of its
 * own (its directory goes), and nothing else changes.
 */
static void lfa_faults_recheck_shrank_test(struct kunit *test)
{
	struct lfa_component *bl33;

	lfa_kunit_start(test, LFA_FAULTS_SCENARIO);
	bl33 = lfa_kunit_get(test, LFA_KUNIT_BL33);
	lfa_kunit_control(test, "set uuid=" LFA_KUNIT_BL33 " pending=1\n");
	KUNIT_ASSERT_EQ(test, lfa_refresh(LFA_EVENT_CHANGED), 0);
	lfa_agent_clear_records();
	lfa_kunit_control(test, "remove uuid=" LFA_KUNIT_BL33 "\n");
	KUNIT_EXPECT_EQ(test, lfa_activate(bl33), -ENODEV);
	lfa_flush_removals();
	KUNIT_EXPECT_NULL(test, lfa_kunit_try_get(test, LFA_KUNIT_BL33));
	KUNIT_EXPECT_EQ(test, lfa_kunit_count_uevents(test, KOBJ_REMOVE,
						      LFA_KUNIT_BL33, NULL), 1U);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_BL33, NULL),
			0U);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_PRIME), 0U);
	KUNIT_EXPECT_EQ(test, lfa_component_count(), 2U);
	KUNIT_EXPECT_EQ(test, lfa_lock_sequence(), 0);
	lfa_unlock_sequence();
	KUNIT_EXPECT_EQ(test, lfa_activate(lfa_kunit_get(test, LFA_KUNIT_RMM)),
			0);
}

/*
 * The refresh after a successful activation fails: the activation stands
 * (0, "activated"), the cache keeps the last good read, and the next good
 * read shows the new image running.
 */
static void lfa_faults_refresh_after_activate_test(struct kunit *test)
{
	struct lfa_component *rmm;

	rmm = lfa_faults_start(test, LFA_KUNIT_RMM,
			       "set uuid=" LFA_KUNIT_BL33
			       " inventory_error=DEVICE_ERROR\n");
	KUNIT_EXPECT_EQ(test, lfa_activate(rmm), 0);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM,
						"LFA_EVENT=activated"), 1U);
	KUNIT_EXPECT_EQ(test, lfa_agent_uevents(NULL, 0), 1U);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_last_error(test, rmm), "");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm, "current_version"),
			   "1.0\n");

	lfa_faults_lift(test, "set uuid=" LFA_KUNIT_BL33 " inventory_error=0\n");
	KUNIT_EXPECT_EQ(test, lfa_refresh(LFA_EVENT_CHANGED), 0);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm, "current_version"),
			   "2.0\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm,
						"activation_pending"), "0\n");
}

/*
 * Reserved bits: in x3 of GET_INVENTORY they change none of the files (a
 * change of them is a change of the entry: "changed"); in x1 of PRIME and
 * ACTIVATE beside CALL_AGAIN they are ignored (bit 0 only is tested).
 */
static void lfa_faults_reserved_test(struct kunit *test)
{
	struct lfa_component *rmm;

	lfa_kunit_start(test, LFA_FAULTS_RESERVED);
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm,
						"activation_capable"), "1\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm,
						"activation_pending"), "1\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm, "may_reset_cpu"),
			   "0\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm, "cpu_rendezvous"),
			   "1\n");
	lfa_agent_clear_records();
	KUNIT_EXPECT_EQ(test, lfa_activate(rmm), 0);
	/* Two call-again rounds each, then done: not a call-again forever. */
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_PRIME), 3U);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_ACTIVATE), 2U);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), 0U);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm,
						"activation_pending"), "0\n");

	/* Only the reserved bits change: "changed", once. */
	lfa_agent_clear_records();
	lfa_kunit_control(test, "set uuid=" LFA_KUNIT_RMM
			  " reserved_flags=0x100\n");
	KUNIT_EXPECT_EQ(test, lfa_refresh(LFA_EVENT_CHANGED), 0);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM,
						"LFA_EVENT=changed"), 1U);
	KUNIT_EXPECT_EQ(test, lfa_refresh(LFA_EVENT_CHANGED), 0);
	KUNIT_EXPECT_EQ(test, lfa_agent_uevents(NULL, 0), 1U);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm,
						"activation_capable"), "1\n");
}

/**
 * struct lfa_sequence_fault - PRIME/ACTIVATE/CANCEL answering badly
 * @desc: parameter name
 * @keys: RMM's fault keys
 * @err: what the activation returns
 * @last_error: what last_error reads afterwards
 * @cancels: LFA_CANCEL calls the driver issued
 */
struct lfa_sequence_fault {
	const char *desc;
	const char *keys;
	int err;
	const char *last_error;
	unsigned int cancels;
};

static const struct lfa_sequence_fault lfa_sequence_faults[] = {
	{ "PRIME busy forever", "prime_busy=1000000", -EBUSY,
	  "EBUSY BUSY -2 PRIME", 0 },
	{ "PRIME call-again forever", "prime_hang=1", -ETIMEDOUT,
	  "ETIMEDOUT NONE 0 PRIME", 1 },
	{ "ACTIVATE call-again forever", "activate_hang=1", -ETIMEDOUT,
	  "ETIMEDOUT NONE 0 ACTIVATE", 1 },
	{ "ACTIVATE busy forever", "activate_busy=1000000", -ETIMEDOUT,
	  "ETIMEDOUT NONE 0 ACTIVATE", 1 },
	{ "PRIME call-again forever, CANCEL fails",
	  "prime_hang=1 cancel_error=DEVICE_ERROR", -ETIMEDOUT,
	  "ETIMEDOUT NONE 0 PRIME", 1 },
	{ "ACTIVATE call-again forever, CANCEL fails",
	  "activate_hang=1 cancel_error=CRITICAL_ERROR", -ETIMEDOUT,
	  "ETIMEDOUT NONE 0 ACTIVATE", 1 },
};

static void lfa_sequence_fault_desc(const struct lfa_sequence_fault *c,
				    char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lfa_sequence_fault, lfa_sequence_faults,
		  lfa_sequence_fault_desc);

/*
 * A sequence the firmware never lets finish ends within its budget with a
 * clear errno, CANCEL issued where a PRIME or ACTIVATE was under way (even
 * when that CANCEL fails), the component idle and the lock free; once the
 * firmware answers well, the next activation succeeds.
 */
static void lfa_faults_sequence_test(struct kunit *test)
{
	const struct lfa_sequence_fault *c = test->param_value;
	struct lfa_component *rmm;

	lfa_prime_budget_ms = 100;
	lfa_activate_budget_ms = 100;
	lfa_kunit_start(test, LFA_FAULTS_SCENARIO);
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	lfa_kunit_control(test, lfa_kunit_fmt(test, "set uuid=%s %s\n",
					      LFA_KUNIT_RMM, c->keys));
	lfa_agent_clear_records();
	KUNIT_EXPECT_EQ(test, lfa_activate(rmm), c->err);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_last_error(test, rmm),
			   c->last_error);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), c->cancels);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM,
						"LFA_EVENT=failed"), 1U);
	lfa_faults_expect_idle(test, 3);
	/* The last good inventory: still pending, nothing else changed. */
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm,
						"activation_pending"), "1\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm, "current_version"),
			   "1.0\n");

	lfa_faults_clear(test, LFA_KUNIT_RMM);
	KUNIT_EXPECT_EQ(test, lfa_activate(rmm), 0);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm, "current_version"),
			   "2.0\n");
	lfa_faults_expect_idle(test, 3);
}

/**
 * struct lfa_fault_key_case - a fault key the scenario reader refuses
 * @desc: parameter name
 * @text: a scenario (@control false) or run-time statements
 * @control: whether @text goes to lfa_agent_control()
 * @err: what the reader's error says
 */
struct lfa_fault_key_case {
	const char *desc;
	const char *text;
	bool control;
	const char *err;
};

#define LFA_FAULTS_COMP "component uuid=" LFA_KUNIT_RMM " "
#define LFA_FAULTS_AGENT \
	"agent missing=CANCEL,CANCEL info_skew=-2 info_error=0\n"

static const struct lfa_fault_key_case lfa_fault_key_cases[] = {
	{ "missing=VERSION", "agent missing=VERSION\n", false,
	  "line 1: bad value 'VERSION' for 'missing'" },
	{ "missing=PRIME,", "agent missing=PRIME,\n", false,
	  "line 1: bad value 'PRIME,' for 'missing'" },
	{ "info_skew=--1", "agent info_skew=--1\n", false,
	  "line 1: bad value '--1' for 'info_skew'" },
	{ "info_skew beyond N", "agent info_skew=-1000001\n", false,
	  "line 1: bad value '-1000001' for 'info_skew'" },
	{ "reserved_flags on pending", LFA_FAULTS_COMP "reserved_flags=0x2\n",
	  false, "line 1: bad value '0x2' for 'reserved_flags'" },
	{ "reserved_x1 on CALL_AGAIN", LFA_FAULTS_COMP "reserved_x1=3\n",
	  false, "line 1: bad value '3' for 'reserved_x1'" },
	{ "reserved_x1=0x", LFA_FAULTS_COMP "reserved_x1=0x\n", false,
	  "line 1: bad value '0x' for 'reserved_x1'" },
	{ "inventory_error=SOON", LFA_FAULTS_COMP "inventory_error=SOON\n",
	  false, "line 1: bad value 'SOON' for 'inventory_error'" },
	{ "set-agent alone", "set-agent\n", true,
	  "line 1: 'set-agent' needs info_error= or info_skew=" },
	{ "set-agent missing=", "set-agent missing=PRIME\n", true,
	  "line 1: unknown key 'missing' for 'set-agent'" },
};

static void lfa_fault_key_desc(const struct lfa_fault_key_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lfa_fault_key, lfa_fault_key_cases, lfa_fault_key_desc);

/* The fault keys read as the user-space simulation reads them. */
static void lfa_faults_keys_test(struct kunit *test)
{
	static const char agent[] = LFA_FAULTS_AGENT LFA_FAULTS_SCENARIO;
	const struct lfa_fault_key_case *c = test->param_value;
	struct lfa_agent_faults faults;
	char err[LFA_AGENT_ERR_LEN] = "";
	int ret;

	/* The driver is not bound to this one: only the reader is tested. */
	lfa_core_exit();
	KUNIT_ASSERT_EQ(test, lfa_agent_load(agent, strlen(agent), NULL, 0), 0);
	lfa_agent_get_faults(&faults);
	KUNIT_EXPECT_EQ(test, faults.info_skew, -2);
	KUNIT_EXPECT_EQ(test, faults.info_error, 0LL);
	KUNIT_EXPECT_EQ(test, faults.missing, LFA_AGENT_FN_BIT(LFA_FN_CANCEL));
	if (c->control)
		ret = lfa_agent_control(c->text, strlen(c->text), err,
					sizeof(err));
	else
		ret = lfa_agent_load(c->text, strlen(c->text), err,
				     sizeof(err));
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	KUNIT_EXPECT_STREQ(test, err, c->err);
	/* A refused statement changes nothing. */
	lfa_agent_get_faults(&faults);
	KUNIT_EXPECT_EQ(test, faults.info_skew, -2);
}

/*
 * Priming another component first cancels the primed one; when that
 * CANCEL fails the firmware still holds the first prime, and TF-A would
 * bind the second PRIME to it (its ACTIVATE then fails until someone
 * cancels the first). The write fails with the CANCEL's errno, the first
 * stays primed, and once CANCEL works the next write succeeds.
 */
static void lfa_faults_cancel_other_test(struct kunit *test)
{
	struct lfa_component *rmm, *bl33;

	lfa_kunit_start(test, LFA_FAULTS_SCENARIO);
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	bl33 = lfa_kunit_get(test, LFA_KUNIT_BL33);
	lfa_kunit_control(test,
			  "set uuid=" LFA_KUNIT_RMM " cancel_error=DEVICE_ERROR\n"
			  "set uuid=" LFA_KUNIT_BL33 " pending=1\n");
	KUNIT_ASSERT_EQ(test, lfa_refresh(LFA_EVENT_CHANGED), 0);
	KUNIT_ASSERT_EQ(test, lfa_prime(rmm), 0);
	lfa_agent_clear_records();

	KUNIT_EXPECT_EQ(test, lfa_activate(bl33), -EIO);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_last_error(test, bl33),
			   "EIO DEVICE_ERROR -6 CANCEL");
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_PRIME), 0U);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm, "state"),
			   "primed\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, bl33, "state"),
			   "idle\n");
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM, NULL), 0U);
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_BL33,
						"LFA_EVENT=failed"), 1U);

	/* CANCEL works again: the first prime goes, the second activates. */
	lfa_faults_clear(test, LFA_KUNIT_RMM);
	KUNIT_EXPECT_EQ(test, lfa_activate(bl33), 0);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm, "state"), "idle\n");
	KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM,
						"LFA_EVENT=changed"), 1U);
	KUNIT_EXPECT_EQ(test, lfa_activate(rmm), 0);
	lfa_faults_expect_idle(test, 3);
}

/*
 * A budget ran out and its CANCEL failed: the firmware still holds the
 * half-done PRIME, which refuses the PRIME of any other component (TF-A:
 * WRONG_STATE). The driver owes that CANCEL and issues it again before the
 * next PRIME: once CANCEL works, another component activates.
 */
static void lfa_faults_cancel_owed_test(struct kunit *test)
{
	struct lfa_agent_call *calls;
	struct lfa_component *rmm, *bl33;
	unsigned int n, i, cancel_at = 0, prime_at = 0;

	lfa_prime_budget_ms = 100;
	lfa_kunit_start(test, LFA_FAULTS_SCENARIO);
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	bl33 = lfa_kunit_get(test, LFA_KUNIT_BL33);
	lfa_kunit_control(test,
			  "set uuid=" LFA_KUNIT_RMM " prime_hang=1 cancel_error=DEVICE_ERROR\n"
			  "set uuid=" LFA_KUNIT_BL33 " pending=1\n");
	KUNIT_ASSERT_EQ(test, lfa_refresh(LFA_EVENT_CHANGED), 0);
	KUNIT_EXPECT_EQ(test, lfa_activate(rmm), -ETIMEDOUT);
	lfa_faults_expect_idle(test, 3);

	lfa_faults_clear(test, LFA_KUNIT_RMM);
	lfa_agent_clear_records();
	KUNIT_EXPECT_EQ(test, lfa_activate(bl33), 0);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_last_error(test, bl33), "");
	calls = lfa_kunit_calls(test, &n);
	for (i = 0; i < n; i++) {
		if (calls[i].fid == LFA_FN_CANCEL && !cancel_at &&
		    calls[i].seq_id == 0 && calls[i].x0 == 0)
			cancel_at = i + 1;
		if (calls[i].fid == LFA_FN_PRIME && !prime_at)
			prime_at = i + 1;
	}
	KUNIT_EXPECT_GT(test, cancel_at, 0U);
	KUNIT_EXPECT_LT(test, cancel_at, prime_at);
	/* Paid: not issued again. */
	lfa_agent_clear_records();
	KUNIT_EXPECT_EQ(test, lfa_activate(rmm), 0);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), 0U);
	lfa_faults_expect_idle(test, 3);
}

static struct kunit_case lfa_faults_test_cases[] = {
	KUNIT_CASE_PARAM(lfa_faults_keys_test, lfa_fault_key_gen_params),
	KUNIT_CASE_PARAM(lfa_faults_missing_test, lfa_missing_gen_params),
	KUNIT_CASE_PARAM(lfa_faults_load_test, lfa_read_gen_params),
	KUNIT_CASE_PARAM(lfa_faults_refresh_test, lfa_read_gen_params),
	KUNIT_CASE(lfa_faults_count_shrank_test),
	KUNIT_CASE(lfa_faults_recheck_test),
	KUNIT_CASE(lfa_faults_recheck_shrank_test),
	KUNIT_CASE(lfa_faults_refresh_after_activate_test),
	KUNIT_CASE(lfa_faults_reserved_test),
	KUNIT_CASE(lfa_faults_cancel_other_test),
	KUNIT_CASE(lfa_faults_cancel_owed_test),
	KUNIT_CASE_PARAM(lfa_faults_sequence_test,
			 lfa_sequence_fault_gen_params),
	{}
};

static struct kunit_suite lfa_faults_suite = {
	.name = "lfa_faults",
	.init = lfa_kunit_init,
	.exit = lfa_kunit_exit,
	.test_cases = lfa_faults_test_cases,
};

kunit_test_suite(lfa_faults_suite);
