// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite lfa_abi: the two ABIs of lfa.ko. With extensions=0 only the
 * files of Arm's lfa_fw exist, nothing at the top of /sys/firmware/lfa, no
 * uevent is sent and "activate" answers -ECANCELED for every failure and
 * -EBUSY while another sequence runs. In both modes: auto_activate with
 * lfa_fw's meaning, "activate" and "cancel" take any content,
 * activation_pending and pending_version are live without a notification
 * device, and a /sys/firmware/lfa of another driver is refused (-EEXIST).
 * "state" and "activation_pending" wake a poll() at every change.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kobject.h>
#include <linux/mount.h>
#include <linux/poll.h>

#include "lfa-kunit.h"

/* The files of Arm's lfa_fw, per component. */
static const char * const lfa_upstream_files[] = {
	"name", "current_version", "pending_version", "activation_capable",
	"activation_pending", "may_reset_cpu", "cpu_rendezvous",
	"force_cpu_rendezvous", "auto_activate", "activate", "cancel",
};

/* lfa.ko's extensions, per component. */
static const char * const lfa_extension_files[] = {
	"seq_id", "state", "last_error", "prime",
};

static void lfa_abi_mode(struct kunit *test, bool extensions)
{
	lfa_extensions = extensions;
}

static struct kobject *lfa_abi_top(struct kunit *test)
{
	struct lfa_component *comp = lfa_kunit_get(test, LFA_KUNIT_RMM);

	KUNIT_ASSERT_NOT_NULL(test, comp->kobj.parent);
	return comp->kobj.parent;
}

static void lfa_abi_files_test(struct kunit *test, bool extensions)
{
	struct lfa_component *comp;
	struct kobject *top;
	unsigned int i;

	lfa_abi_mode(test, extensions);
	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM " pending=1\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_EXPECT_EQ(test, lfa_ext(), extensions);
	for (i = 0; i < ARRAY_SIZE(lfa_upstream_files); i++)
		KUNIT_EXPECT_TRUE_MSG(test,
				      lfa_kunit_has_file(&comp->kobj,
							 lfa_upstream_files[i]),
				      "%s missing", lfa_upstream_files[i]);
	for (i = 0; i < ARRAY_SIZE(lfa_extension_files); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    lfa_kunit_has_file(&comp->kobj,
						       lfa_extension_files[i]),
				    extensions, "%s", lfa_extension_files[i]);
	top = lfa_abi_top(test);
	KUNIT_EXPECT_EQ(test, lfa_kunit_has_file(top, "version"), extensions);
	KUNIT_EXPECT_EQ(test, lfa_kunit_has_file(top, "refresh"), extensions);
	/* auto_activate is off unless someone writes 1. */
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "auto_activate"),
			   "0\n");
	KUNIT_EXPECT_STREQ(test,
			   lfa_kunit_read(test, comp, "force_cpu_rendezvous"),
			   "1\n");
}

static void lfa_abi_upstream_files_test(struct kunit *test)
{
	lfa_abi_files_test(test, false);
}

static void lfa_abi_extended_files_test(struct kunit *test)
{
	lfa_abi_files_test(test, true);
}

/* Without the extensions not one uevent: add, change, remove. */
static void lfa_abi_upstream_no_uevents_test(struct kunit *test)
{
	struct lfa_component *rmm;

	lfa_abi_mode(test, false);
	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM " pending=1\n"
			"component uuid=" LFA_KUNIT_BMC
			" pending=1 prime_error=AUTH_ERROR\n"
			"component uuid=" LFA_KUNIT_BL33 "\n");
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_EXPECT_EQ(test, lfa_kunit_store(test, rmm, "activate", "1\n"),
			(ssize_t)2);
	KUNIT_EXPECT_EQ(test, lfa_activate(lfa_kunit_get(test, LFA_KUNIT_BMC)),
			-ECANCELED);
	lfa_kunit_control(test, "store-update uuid=" LFA_KUNIT_BL33
			  " pending_version=2.0\n");
	lfa_kunit_control(test, "remove uuid=" LFA_KUNIT_BL33 "\n");
	KUNIT_EXPECT_EQ(test, lfa_refresh(LFA_EVENT_CHANGED), 0);
	lfa_flush_removals();
	KUNIT_EXPECT_EQ(test, lfa_component_count(), 2U);
	KUNIT_EXPECT_EQ(test, lfa_kunit_count_all_uevents(), 0U);
}

/**
 * struct lfa_abi_fail_case - a failed activation
 * @desc: parameter name
 * @keys: the component's scenario keys
 * @err: the errno with the extensions (lfa_fw: -ECANCELED for all)
 */
struct lfa_abi_fail_case {
	const char *desc;
	const char *keys;
	int err;
};

static const struct lfa_abi_fail_case lfa_abi_fail_cases[] = {
	{ "PRIME AUTH_ERROR", "pending=1 prime_error=AUTH_ERROR",
	  -EKEYREJECTED },
	{ "ACTIVATE ACTIVATION_FAILED",
	  "pending=1 activate_error=ACTIVATION_FAILED", -EREMOTEIO },
	{ "nothing pending", "pending=0", -ENODATA },
	{ "may_reset_cpu", "pending=1 may_reset_cpu=1", -EPERM },
	{ "not capable", "pending=1 capable=0", -EOPNOTSUPP },
	{ "PRIME budget", "pending=1 prime_hang=1", -ETIMEDOUT },
};

static void lfa_abi_fail_desc(const struct lfa_abi_fail_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lfa_abi_fail, lfa_abi_fail_cases, lfa_abi_fail_desc);

static void lfa_abi_errno_test(struct kunit *test, bool extensions)
{
	const struct lfa_abi_fail_case *c = test->param_value;
	struct lfa_component *comp;

	lfa_prime_budget_ms = 50;
	lfa_abi_mode(test, extensions);
	lfa_kunit_start(test, lfa_kunit_fmt(test, "component uuid=%s %s\n",
					    LFA_KUNIT_RMM, c->keys));
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_EXPECT_EQ(test, lfa_kunit_store(test, comp, "activate", "1\n"),
			(ssize_t)(extensions ? c->err : -ECANCELED));
}

static void lfa_abi_upstream_errno_test(struct kunit *test)
{
	lfa_abi_errno_test(test, false);
}

static void lfa_abi_extended_errno_test(struct kunit *test)
{
	lfa_abi_errno_test(test, true);
}

/* lfa_fw: -EBUSY at once while another activation runs. */
static void lfa_abi_upstream_busy_test(struct kunit *test)
{
	struct lfa_component *rmm, *bmc;
	struct lfa_kunit_async *a;

	lfa_abi_mode(test, false);
	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM
			" pending=1 prime_hang=1\n"
			"component uuid=" LFA_KUNIT_BMC " pending=1\n");
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	bmc = lfa_kunit_get(test, LFA_KUNIT_BMC);
	a = lfa_kunit_start_async(test, lfa_activate, rmm);
	KUNIT_ASSERT_TRUE(test, lfa_kunit_wait_state(rmm, LFA_STATE_PRIMING,
						     5000));
	KUNIT_EXPECT_EQ(test, lfa_kunit_store(test, bmc, "activate", "1\n"),
			(ssize_t)-EBUSY);
	KUNIT_EXPECT_EQ(test, lfa_kunit_store(test, rmm, "activate", "1\n"),
			(ssize_t)-EBUSY);
	KUNIT_EXPECT_EQ(test, lfa_cancel(rmm), 0);
	KUNIT_EXPECT_EQ(test, lfa_kunit_wait_async(test, a, 5000), -ECANCELED);
}

/* Any content activates and cancels, as with lfa_fw; "0" included. */
static void lfa_abi_any_content_test(struct kunit *test)
{
	static const char * const any[] = { "0\n", "foo", "1\n" };
	struct lfa_component *comp;
	unsigned int i;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM " pending=1\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	for (i = 0; i < ARRAY_SIZE(any); i++) {
		lfa_kunit_control(test, "set uuid=" LFA_KUNIT_RMM " pending=1\n");
		KUNIT_ASSERT_EQ(test, lfa_prime(comp), 0);
		KUNIT_EXPECT_EQ_MSG(test, lfa_kunit_store(test, comp, "cancel",
							  any[i]),
				    (ssize_t)strlen(any[i]), "value \"%s\"",
				    any[i]);
		KUNIT_EXPECT_EQ_MSG(test, lfa_kunit_store(test, comp, "activate",
							  any[i]),
				    (ssize_t)strlen(any[i]), "value \"%s\"",
				    any[i]);
	}
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_ACTIVATE), 3U);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_CANCEL), 3U);
}

/*
 * auto_activate and force_cpu_rendezvous: booleans, garbage refused
 * ("foo" is no "false", issue 11 item 14).
 */
static void lfa_abi_auto_activate_file_test(struct kunit *test)
{
	struct lfa_component *comp;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM " pending=1\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "auto_activate"),
			   "0\n");
	KUNIT_EXPECT_EQ(test, lfa_kunit_store(test, comp, "auto_activate",
					      "y\n"), (ssize_t)2);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "auto_activate"),
			   "1\n");
	KUNIT_EXPECT_EQ(test, lfa_kunit_store(test, comp, "auto_activate",
					      "foo"), (ssize_t)-EINVAL);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "auto_activate"),
			   "1\n");
	KUNIT_EXPECT_EQ(test, lfa_kunit_store(test, comp, "auto_activate",
					      "0\n"), (ssize_t)2);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "auto_activate"),
			   "0\n");
	KUNIT_EXPECT_EQ(test, lfa_kunit_store(test, comp,
					      "force_cpu_rendezvous", "foo"),
			(ssize_t)-EINVAL);
	KUNIT_EXPECT_STREQ(test,
			   lfa_kunit_read(test, comp, "force_cpu_rendezvous"),
			   "1\n");
	KUNIT_EXPECT_EQ(test, lfa_kunit_store(test, comp,
					      "force_cpu_rendezvous", "off\n"),
			(ssize_t)4);
	KUNIT_EXPECT_STREQ(test,
			   lfa_kunit_read(test, comp, "force_cpu_rendezvous"),
			   "0\n");
}

#define LFA_ABI_AUTO_SCENARIO \
	"component uuid=" LFA_KUNIT_RMM " current=1.0\n" \
	"component uuid=" LFA_KUNIT_BMC " current=1.0 rendezvous=optional\n" \
	"component uuid=" LFA_KUNIT_BL33 " current=1.0\n" \
	"component uuid=" LFA_KUNIT_NEW " current=1.0 activate_error=ACTIVATION_FAILED\n"

/*
 * On the notification the kernel activates every capable and pending
 * component whose auto_activate is 1, one after another, each once: in
 * both modes. With every auto_activate 0 it activates nothing.
 */
static void lfa_abi_auto_activate_test(struct kunit *test, bool extensions)
{
	struct lfa_component *rmm, *bmc, *bl33, *bad;

	lfa_abi_mode(test, extensions);
	lfa_kunit_start(test, LFA_ABI_AUTO_SCENARIO);
	rmm = lfa_kunit_get(test, LFA_KUNIT_RMM);
	bmc = lfa_kunit_get(test, LFA_KUNIT_BMC);
	bl33 = lfa_kunit_get(test, LFA_KUNIT_BL33);
	bad = lfa_kunit_get(test, LFA_KUNIT_NEW);

	/* The default: a notification activates nothing. */
	lfa_kunit_control(test, "store-update uuid=" LFA_KUNIT_RMM
			  " pending_version=2.0\n");
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_PRIME), 0U);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_ACTIVATE), 0U);

	KUNIT_ASSERT_EQ(test, lfa_kunit_store(test, rmm, "auto_activate", "1"),
			(ssize_t)1);
	KUNIT_ASSERT_EQ(test, lfa_kunit_store(test, bmc, "auto_activate", "1"),
			(ssize_t)1);
	KUNIT_ASSERT_EQ(test, lfa_kunit_store(test, bad, "auto_activate", "1"),
			(ssize_t)1);
	/* BL33 is pending but not chosen; the failing one is tried once. */
	lfa_kunit_control(test, "set uuid=" LFA_KUNIT_BL33
			  " pending=1 pending_version=2.0\n"
			  "set uuid=" LFA_KUNIT_NEW
			  " pending=1 pending_version=2.0\n"
			  "store-update uuid=" LFA_KUNIT_BMC
			  " pending_version=2.0\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, rmm, "current_version"),
			   "2.0\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, bmc, "current_version"),
			   "2.0\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, bl33, "current_version"),
			   "1.0\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, bl33,
						"activation_pending"), "1\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, bad, "current_version"),
			   "1.0\n");
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_PRIME), 3U);
	KUNIT_EXPECT_EQ(test, lfa_agent_count_calls(LFA_FN_ACTIVATE), 3U);
	if (extensions)
		KUNIT_EXPECT_EQ(test, lfa_kunit_changes(test, LFA_KUNIT_RMM,
							"LFA_EVENT=activated"),
				1U);
	else
		KUNIT_EXPECT_EQ(test, lfa_kunit_count_all_uevents(), 0U);
}

static void lfa_abi_upstream_auto_activate_test(struct kunit *test)
{
	lfa_abi_auto_activate_test(test, false);
}

static void lfa_abi_extended_auto_activate_test(struct kunit *test)
{
	lfa_abi_auto_activate_test(test, true);
}

/*
 * No notification device: activation_pending and pending_version are what
 * the firmware says now, not what the last refresh saw.
 */
static void lfa_abi_live_pending_test(struct kunit *test)
{
	struct lfa_component *comp;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM " current=1.0\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "activation_pending"),
			   "0\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "pending_version"),
			   "N/A\n");
	/* A new image, and no notification. */
	lfa_kunit_control(test, "set uuid=" LFA_KUNIT_RMM
			  " pending=1 pending_version=1.1\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "activation_pending"),
			   "1\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "pending_version"),
			   "1.1\n");
	KUNIT_EXPECT_EQ(test, lfa_kunit_store(test, comp, "activate", "1"),
			(ssize_t)1);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "activation_pending"),
			   "0\n");
}

/* A read of activation_pending never waits for a running sequence. */
static void lfa_abi_live_no_wait_test(struct kunit *test)
{
	struct lfa_component *comp;
	struct lfa_kunit_async *a;
	unsigned long start;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM
			" pending=1 prime_hang=1\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	a = lfa_kunit_start_async(test, lfa_activate, comp);
	KUNIT_ASSERT_TRUE(test, lfa_kunit_wait_state(comp, LFA_STATE_PRIMING,
						     5000));
	start = jiffies;
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "activation_pending"),
			   "1\n");
	KUNIT_EXPECT_LT(test, jiffies_to_msecs(jiffies - start), 1000U);
	KUNIT_EXPECT_EQ(test, lfa_cancel(comp), 0);
	KUNIT_EXPECT_EQ(test, lfa_kunit_wait_async(test, a, 5000), -ECANCELED);
}

/* lfa_fw's cancel: -EINVAL whenever the firmware refuses. */
static void lfa_abi_cancel_errno_test(struct kunit *test)
{
	struct lfa_component *comp;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM
			" cancel_error=DEVICE_ERROR\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_EXPECT_EQ(test, lfa_cancel(comp), -EIO);
	lfa_abi_mode(test, false);
	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM
			" cancel_error=DEVICE_ERROR\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_EXPECT_EQ(test, lfa_cancel(comp), -EINVAL);
}

/* /sys/firmware/lfa of another driver: -EEXIST, the other one stays. */
static void lfa_abi_taken_test(struct kunit *test)
{
	struct kset *other;
	int ret;

	lfa_core_exit();
	other = kset_create_and_add("lfa", NULL, firmware_kobj);
	KUNIT_ASSERT_NOT_NULL(test, other);
	ret = lfa_kunit_load(test, "component uuid=" LFA_KUNIT_RMM "\n");
	KUNIT_EXPECT_EQ(test, ret, -EEXIST);
	KUNIT_EXPECT_EQ(test, lfa_component_count(), 0U);
	kset_unregister(other);
	KUNIT_EXPECT_EQ(test, lfa_core_init(), 0);
	KUNIT_EXPECT_EQ(test, lfa_component_count(), 1U);
}

/*
 * An unreported running version (TF-A) reads "N/A" with the extensions
 * and "0.0" without, as Arm's lfa_fw prints it; pending_version "N/A".
 */
static void lfa_abi_version_format_test(struct kunit *test, bool extensions)
{
	struct lfa_component *comp;

	lfa_abi_mode(test, extensions);
	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM "\n"
			"component uuid=" LFA_KUNIT_BMC " current=1.2\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "current_version"),
			   extensions ? "N/A\n" : "0.0\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "pending_version"),
			   "N/A\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_BMC);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "current_version"),
			   "1.2\n");
}

static void lfa_abi_upstream_version_format_test(struct kunit *test)
{
	lfa_abi_version_format_test(test, false);
}

static void lfa_abi_extended_version_format_test(struct kunit *test)
{
	lfa_abi_version_format_test(test, true);
}

/* A component's file, opened as user space opens it, on @mnt (sysfs). */
static struct file *lfa_abi_open(struct kunit *test, struct vfsmount *mnt,
				 const char *uuid, const char *attr)
{
	struct file *f;

	f = file_open_root_mnt(mnt, lfa_kunit_fmt(test, "firmware/lfa/%s/%s",
						  uuid, attr), O_RDONLY, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	return f;
}

/*
 * What poll() reports since the last read (EPOLLPRI: sysfs_notify() was
 * called); then reads the file from the start, as a poller does, which
 * arms it again.
 */
static bool lfa_abi_notified(struct file *f)
{
	bool pri = vfs_poll(f, NULL) & EPOLLPRI;
	char buf[32];
	loff_t pos = 0;

	kernel_read(f, buf, sizeof(buf), &pos);
	return pri;
}

/*
 * Issue 11 shape: "state" and "activation_pending" can be waited on: a
 * poll() on the open file returns at every change (sysfs_notify()), and
 * not without one.
 */
static void lfa_abi_poll_test(struct kunit *test)
{
	struct file_system_type *type = get_fs_type("sysfs");
	struct file *state, *pending;
	struct lfa_component *comp;
	struct vfsmount *mnt;

	KUNIT_ASSERT_NOT_NULL(test, type);
	mnt = kern_mount(type);
	put_filesystem(type);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mnt));
	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_RMM " pending=1\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	state = lfa_abi_open(test, mnt, LFA_KUNIT_RMM, "state");
	pending = lfa_abi_open(test, mnt, LFA_KUNIT_RMM, "activation_pending");
	lfa_abi_notified(state);
	lfa_abi_notified(pending);
	KUNIT_EXPECT_FALSE(test, lfa_abi_notified(state));

	KUNIT_EXPECT_EQ(test, lfa_prime(comp), 0);
	KUNIT_EXPECT_TRUE(test, lfa_abi_notified(state));
	KUNIT_EXPECT_FALSE(test, lfa_abi_notified(state));
	KUNIT_EXPECT_FALSE(test, lfa_abi_notified(pending));

	KUNIT_EXPECT_EQ(test, lfa_activate(comp), 0);
	KUNIT_EXPECT_TRUE(test, lfa_abi_notified(state));
	KUNIT_EXPECT_TRUE(test, lfa_abi_notified(pending));
	KUNIT_EXPECT_FALSE(test, lfa_abi_notified(pending));
	fput(state);
	fput(pending);
	/* A kthread's fput() is deferred: the mount must be free first. */
	flush_delayed_fput();
	kern_unmount(mnt);
}

static struct kunit_case lfa_abi_test_cases[] = {
	KUNIT_CASE(lfa_abi_upstream_files_test),
	KUNIT_CASE(lfa_abi_extended_files_test),
	KUNIT_CASE(lfa_abi_upstream_no_uevents_test),
	KUNIT_CASE_PARAM(lfa_abi_upstream_errno_test, lfa_abi_fail_gen_params),
	KUNIT_CASE_PARAM(lfa_abi_extended_errno_test, lfa_abi_fail_gen_params),
	KUNIT_CASE(lfa_abi_upstream_busy_test),
	KUNIT_CASE(lfa_abi_any_content_test),
	KUNIT_CASE(lfa_abi_auto_activate_file_test),
	KUNIT_CASE(lfa_abi_upstream_auto_activate_test),
	KUNIT_CASE(lfa_abi_extended_auto_activate_test),
	KUNIT_CASE(lfa_abi_live_pending_test),
	KUNIT_CASE(lfa_abi_live_no_wait_test),
	KUNIT_CASE(lfa_abi_cancel_errno_test),
	KUNIT_CASE(lfa_abi_taken_test),
	KUNIT_CASE(lfa_abi_upstream_version_format_test),
	KUNIT_CASE(lfa_abi_extended_version_format_test),
	KUNIT_CASE(lfa_abi_poll_test),
	{}
};

static struct kunit_suite lfa_abi_suite = {
	.name = "lfa_abi",
	.init = lfa_kunit_init,
	.exit = lfa_kunit_exit,
	.test_cases = lfa_abi_test_cases,
};

kunit_test_suite(lfa_abi_suite);
