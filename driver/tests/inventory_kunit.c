// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite lfa_inventory: LFA_GET_INVENTORY answers become the files of
 * /sys/firmware/lfa/<uuid>/ as the ABI file spells them: UUID byte order,
 * names, every flag, versions ("N/A" for 0) and sequence ids.
 */
#include <linux/kobject.h>
#include <linux/slab.h>

#include "lfa-kunit.h"

/**
 * struct lfa_uuid_case - a UUID and the registers that carry it
 * @desc: parameter name
 * @uuid: the UUID, %pUb form
 * @x1: x1 of LFA_GET_INVENTORY
 * @x2: x2 of LFA_GET_INVENTORY
 * @name: what the "name" file reads
 */
struct lfa_uuid_case {
	const char *desc;
	const char *uuid;
	u64 x1;
	u64 x2;
	const char *name;
};

/* The worked examples of tf-a-tests' lfa.h (research/lfa-abi.md 1.4). */
static const struct lfa_uuid_case lfa_uuid_cases[] = {
	{ "BL31", LFA_KUNIT_BL31, 0x4698fe4c6d08d447, 0x005abdcb5029959b,
	  "TF-A BL31 runtime" },
	{ "RMM", LFA_KUNIT_RMM, 0x564bf212a662076c, 0xd90636638fbacb92,
	  "TF-RMM" },
	{ "BL33", LFA_KUNIT_BL33, 0x4bd5eafca7eed0d6, 0xe4b634f234998297,
	  "BL33 non-secure payload" },
	{ "unknown image", LFA_KUNIT_BMC, 0x554c1e8b9a2d7c3f, 0xaac0417b2e5d609a,
	  LFA_KUNIT_BMC },
};

static void lfa_uuid_desc(const struct lfa_uuid_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lfa_uuid, lfa_uuid_cases, lfa_uuid_desc);

static void lfa_inventory_uuid_test(struct kunit *test)
{
	const struct lfa_uuid_case *c = test->param_value;
	struct lfa_component *comp;
	struct lfa_regs res;
	uuid_t uuid, want;

	lfa_kunit_start(test, lfa_kunit_fmt(test,
					    "component uuid=%s\n", c->uuid));
	lfa_kunit_uuid(test, c->uuid, &want);

	/* The registers, as the firmware returns them ... */
	KUNIT_ASSERT_EQ(test, lfa_read_entry(0, &uuid, &res), 0);
	KUNIT_EXPECT_EQ(test, res.a1, c->x1);
	KUNIT_EXPECT_EQ(test, res.a2, c->x2);
	/* ... are the UUID's bytes in order, not a mixed-endian GUID. */
	KUNIT_EXPECT_TRUE(test, uuid_equal(&uuid, &want));

	comp = lfa_kunit_get(test, c->uuid);
	KUNIT_EXPECT_STREQ(test, kobject_name(&comp->kobj), c->uuid);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "name"),
			   lfa_kunit_fmt(test, "%s\n", c->name));
	if (strcmp(c->name, c->uuid))
		KUNIT_EXPECT_STREQ(test, lfa_component_name(&want), c->name);
	else
		KUNIT_EXPECT_NULL(test, lfa_component_name(&want));
}

/* Every combination of the four flag bits of x3. */
static const unsigned int lfa_flag_values[] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
};

static void lfa_flag_desc(const unsigned int *v, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE,
		 "capable=%u pending=%u may_reset_cpu=%u rendezvous=%s",
		 !!(*v & LFA_INV_CAPABLE), !!(*v & LFA_INV_PENDING),
		 !!(*v & LFA_INV_MAY_RESET_CPU),
		 *v & LFA_INV_RENDEZVOUS_OPTIONAL ? "optional" : "required");
}

KUNIT_ARRAY_PARAM(lfa_flag, lfa_flag_values, lfa_flag_desc);

static const char *lfa_bool(bool b)
{
	return b ? "1\n" : "0\n";
}

static void lfa_inventory_flags_test(struct kunit *test)
{
	const unsigned int v = *(const unsigned int *)test->param_value;
	struct lfa_component_info info;
	struct lfa_component *comp;
	char desc[KUNIT_PARAM_DESC_SIZE];

	lfa_flag_desc(&v, desc);
	lfa_kunit_start(test, lfa_kunit_fmt(test,
					    "component uuid=%s %s\n",
					    LFA_KUNIT_BMC, desc));
	comp = lfa_kunit_get(test, LFA_KUNIT_BMC);
	lfa_kunit_info(comp, &info);
	KUNIT_EXPECT_EQ(test, info.flags & 0xf, (u64)v);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "activation_capable"),
			   lfa_bool(v & LFA_INV_CAPABLE));
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "activation_pending"),
			   lfa_bool(v & LFA_INV_PENDING));
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "may_reset_cpu"),
			   lfa_bool(v & LFA_INV_MAY_RESET_CPU));
	/* The file says "required", the bit says "optional". */
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "cpu_rendezvous"),
			   lfa_bool(!(v & LFA_INV_RENDEZVOUS_OPTIONAL)));
	/* Defaults, whatever the flags. */
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "force_cpu_rendezvous"),
			   "1\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "state"), "idle\n");
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "last_error"), "\n");
}

/**
 * struct lfa_version_case - versions in the scenario and in the files
 * @desc: parameter name
 * @keys: the component's scenario keys
 * @current_version: what current_version reads
 * @pending_version: what pending_version reads
 */
struct lfa_version_case {
	const char *desc;
	const char *keys;
	const char *current_version;
	const char *pending_version;
};

static const struct lfa_version_case lfa_version_cases[] = {
	{ "not reported", "pending=1", "N/A\n", "N/A\n" },
	{ "both reported", "pending=1 current=1.2 pending_version=3.4",
	  "1.2\n", "3.4\n" },
	{ "pending version without pending flag",
	  "pending=0 current=1.2 pending_version=3.4", "1.2\n", "N/A\n" },
	{ "only current", "pending=1 current=7.0", "7.0\n", "N/A\n" },
	{ "major and minor are 32 bits",
	  "pending=1 current=4294967295.4294967295 pending_version=0.1",
	  "4294967295.4294967295\n", "0.1\n" },
};

static void lfa_version_desc(const struct lfa_version_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lfa_version, lfa_version_cases, lfa_version_desc);

static void lfa_inventory_version_test(struct kunit *test)
{
	const struct lfa_version_case *c = test->param_value;
	struct lfa_component *comp;

	lfa_kunit_start(test, lfa_kunit_fmt(test,
					    "component uuid=%s %s\n",
					    LFA_KUNIT_RMM, c->keys));
	comp = lfa_kunit_get(test, LFA_KUNIT_RMM);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "current_version"),
			   c->current_version);
	KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "pending_version"),
			   c->pending_version);
}

/* Sequence ids are the positions in the agent's inventory. */
static void lfa_inventory_seq_id_test(struct kunit *test)
{
	static const char * const uuids[] = {
		LFA_KUNIT_BL31, LFA_KUNIT_RMM, LFA_KUNIT_BMC,
	};
	struct lfa_component_info info;
	struct lfa_component *comp;
	unsigned int i;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_BL31 "\n"
			"component uuid=" LFA_KUNIT_RMM "\n"
			"component uuid=" LFA_KUNIT_BMC "\n");
	KUNIT_EXPECT_EQ(test, lfa_component_count(), 3U);
	for (i = 0; i < ARRAY_SIZE(uuids); i++) {
		comp = lfa_kunit_get(test, uuids[i]);
		lfa_kunit_info(comp, &info);
		KUNIT_EXPECT_EQ(test, info.seq_id, i);
		KUNIT_EXPECT_STREQ(test, lfa_kunit_read(test, comp, "seq_id"),
				   lfa_kunit_fmt(test, "%u\n", i));
	}
	/* One "add" per component, with no LFA_* variables. */
	for (i = 0; i < ARRAY_SIZE(uuids); i++)
		KUNIT_EXPECT_EQ(test, lfa_kunit_count_uevents(test, KOBJ_ADD,
							      uuids[i], NULL),
				1U);
}

/*
 * The uevents the agent records are the ones udev gets: the component is a
 * kobject of the "lfa" kset under /sys/firmware (SUBSYSTEM=lfa,
 * DEVPATH=/firmware/lfa/<uuid>), its "add" went out and nothing filters
 * or suppresses its uevents.
 */
static void lfa_inventory_kset_test(struct kunit *test)
{
	struct lfa_component *comp;
	struct kset *kset;
	char *path;

	lfa_kunit_start(test, "component uuid=" LFA_KUNIT_BL31 "\n");
	comp = lfa_kunit_get(test, LFA_KUNIT_BL31);
	kset = comp->kobj.kset;
	KUNIT_ASSERT_NOT_NULL(test, kset);
	KUNIT_EXPECT_STREQ(test, kobject_name(&kset->kobj), "lfa");
	KUNIT_EXPECT_PTR_EQ(test, kset->kobj.parent, firmware_kobj);
	KUNIT_EXPECT_PTR_EQ(test, comp->kobj.parent, &kset->kobj);
	KUNIT_EXPECT_TRUE(test, comp->kobj.state_in_sysfs);
	KUNIT_EXPECT_TRUE(test, comp->kobj.state_add_uevent_sent);
	KUNIT_EXPECT_FALSE(test, comp->kobj.uevent_suppress);
	if (kset->uevent_ops && kset->uevent_ops->filter)
		KUNIT_EXPECT_TRUE(test, kset->uevent_ops->filter(&comp->kobj));
	if (kset->uevent_ops && kset->uevent_ops->name)
		KUNIT_EXPECT_STREQ(test, kset->uevent_ops->name(&comp->kobj),
				   "lfa");
	path = kobject_get_path(&comp->kobj, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, path);
	KUNIT_EXPECT_STREQ(test, path, "/firmware/lfa/" LFA_KUNIT_BL31);
	kfree(path);
}

static struct kunit_case lfa_inventory_test_cases[] = {
	KUNIT_CASE_PARAM(lfa_inventory_uuid_test, lfa_uuid_gen_params),
	KUNIT_CASE_PARAM(lfa_inventory_flags_test, lfa_flag_gen_params),
	KUNIT_CASE_PARAM(lfa_inventory_version_test, lfa_version_gen_params),
	KUNIT_CASE(lfa_inventory_seq_id_test),
	KUNIT_CASE(lfa_inventory_kset_test),
	{}
};

static struct kunit_suite lfa_inventory_suite = {
	.name = "lfa_inventory",
	.init = lfa_kunit_init,
	.exit = lfa_kunit_exit,
	.test_cases = lfa_inventory_test_cases,
};

kunit_test_suite(lfa_inventory_suite);
