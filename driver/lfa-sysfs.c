// SPDX-License-Identifier: GPL-2.0-only
/*
 * Arm Live Firmware Activation: /sys/firmware/lfa (see
 * Documentation/ABI/testing/sysfs-firmware-lfa).
 *
 * show() reads a copy taken under the core's spinlock, so a read never
 * waits for a PRIME/ACTIVATE sequence.
 */

#define pr_fmt(fmt) "lfa: " fmt

#include <linux/bitfield.h>
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "lfa.h"

/* Known images (tf-a-tests include/runtime_services/lfa.h, TF-A). */
static const struct {
	const char *uuid;
	const char *name;
} lfa_known_images[] = {
	{ "47d4086d-4cfe-9846-9b95-2950cbbd5a00", "TF-A BL31 runtime" },
	{ "d6d0eea7-fcea-d54b-9782-9934f234b6e4", "BL33 non-secure payload" },
	{ "6c0762a6-12f2-4b56-92cb-ba8f633606d9", "TF-RMM" },
};

const char *lfa_component_name(const uuid_t *uuid)
{
	unsigned int i;
	uuid_t known;

	for (i = 0; i < ARRAY_SIZE(lfa_known_images); i++) {
		if (uuid_parse(lfa_known_images[i].uuid, &known))
			continue;
		if (uuid_equal(&known, uuid))
			return lfa_known_images[i].name;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(lfa_component_name);

struct lfa_attribute {
	struct attribute attr;
	ssize_t (*show)(const struct lfa_component_info *info, char *buf);
	ssize_t (*store)(struct lfa_component *comp, const char *buf,
			 size_t count);
};

static struct lfa_component *to_component(struct kobject *kobj)
{
	return container_of(kobj, struct lfa_component, kobj);
}

static ssize_t lfa_attr_show(struct kobject *kobj, struct attribute *attr,
			     char *buf)
{
	struct lfa_attribute *a = container_of(attr, struct lfa_attribute,
					       attr);
	struct lfa_component_info info;

	if (!a->show)
		return -EIO;
	lfa_component_get_info(to_component(kobj), &info);
	if (info.removed)
		return -ENODEV;
	return a->show(&info, buf);
}

static ssize_t lfa_attr_store(struct kobject *kobj, struct attribute *attr,
			      const char *buf, size_t count)
{
	struct lfa_attribute *a = container_of(attr, struct lfa_attribute,
					       attr);

	if (!a->store)
		return -EIO;
	return a->store(to_component(kobj), buf, count);
}

static const struct sysfs_ops lfa_sysfs_ops = {
	.show = lfa_attr_show,
	.store = lfa_attr_store,
};

static ssize_t name_show(const struct lfa_component_info *info, char *buf)
{
	const char *name = lfa_component_name(&info->uuid);

	if (name)
		return sysfs_emit(buf, "%s\n", name);
	return sysfs_emit(buf, "%pUb\n", &info->uuid);
}

static ssize_t seq_id_show(const struct lfa_component_info *info, char *buf)
{
	return sysfs_emit(buf, "%u\n", info->seq_id);
}

static ssize_t lfa_version_emit(char *buf, u64 version)
{
	/* TF-A writes no versions: 0 means "not reported", not an error. */
	if (!version)
		return sysfs_emit(buf, "N/A\n");
	return sysfs_emit(buf, "%u.%u\n", LFA_VER_MAJOR(version),
			  LFA_VER_MINOR(version));
}

static ssize_t current_version_show(const struct lfa_component_info *info,
				    char *buf)
{
	return lfa_version_emit(buf, info->current_version);
}

static ssize_t pending_version_show(const struct lfa_component_info *info,
				    char *buf)
{
	if (!(info->flags & LFA_INV_PENDING))
		return sysfs_emit(buf, "N/A\n");
	return lfa_version_emit(buf, info->pending_version);
}

static ssize_t activation_capable_show(const struct lfa_component_info *info,
				       char *buf)
{
	return sysfs_emit(buf, "%d\n", !!(info->flags & LFA_INV_CAPABLE));
}

static ssize_t activation_pending_show(const struct lfa_component_info *info,
				       char *buf)
{
	return sysfs_emit(buf, "%d\n", !!(info->flags & LFA_INV_PENDING));
}

static ssize_t may_reset_cpu_show(const struct lfa_component_info *info,
				  char *buf)
{
	return sysfs_emit(buf, "%d\n", !!(info->flags & LFA_INV_MAY_RESET_CPU));
}

static ssize_t cpu_rendezvous_show(const struct lfa_component_info *info,
				   char *buf)
{
	/* Flag bit 3 says "optional"; the file says "required". */
	return sysfs_emit(buf, "%d\n",
			  !(info->flags & LFA_INV_RENDEZVOUS_OPTIONAL));
}

static ssize_t force_cpu_rendezvous_show(const struct lfa_component_info *info,
					 char *buf)
{
	return sysfs_emit(buf, "%d\n", info->force_rendezvous);
}

static ssize_t force_cpu_rendezvous_store(struct lfa_component *comp,
					  const char *buf, size_t count)
{
	bool force;
	int ret;

	ret = kstrtobool(buf, &force);
	if (ret)
		return ret;
	lfa_set_force_rendezvous(comp, force);
	return count;
}

static const char * const lfa_state_names[] = {
	[LFA_STATE_IDLE] = "idle",
	[LFA_STATE_PRIMING] = "priming",
	[LFA_STATE_PRIMED] = "primed",
	[LFA_STATE_ACTIVATING] = "activating",
};

static ssize_t state_show(const struct lfa_component_info *info, char *buf)
{
	return sysfs_emit(buf, "%s\n", lfa_state_names[info->state]);
}

static ssize_t last_error_show(const struct lfa_component_info *info,
			       char *buf)
{
	char text[96];

	lfa_format_error(&info->last_error, text, sizeof(text));
	return sysfs_emit(buf, "%s\n", text);
}

/* The write-only actions take a true boolean; anything else is -EINVAL. */
static int lfa_parse_true(const char *buf)
{
	bool value;

	if (kstrtobool(buf, &value) || !value)
		return -EINVAL;
	return 0;
}

static ssize_t lfa_action_store(struct lfa_component *comp, const char *buf,
				size_t count,
				int (*action)(struct lfa_component *comp))
{
	int ret;

	ret = lfa_parse_true(buf);
	if (!ret)
		ret = action(comp);
	return ret ? ret : count;
}

static ssize_t activate_store(struct lfa_component *comp, const char *buf,
			      size_t count)
{
	return lfa_action_store(comp, buf, count, lfa_activate);
}

static ssize_t prime_store(struct lfa_component *comp, const char *buf,
			   size_t count)
{
	return lfa_action_store(comp, buf, count, lfa_prime);
}

static ssize_t cancel_store(struct lfa_component *comp, const char *buf,
			    size_t count)
{
	return lfa_action_store(comp, buf, count, lfa_cancel);
}

#define LFA_ATTR_RO(_name) \
	static struct lfa_attribute lfa_attr_##_name = __ATTR_RO(_name)
#define LFA_ATTR_RW(_name) \
	static struct lfa_attribute lfa_attr_##_name = __ATTR_RW(_name)
#define LFA_ATTR_WO(_name) \
	static struct lfa_attribute lfa_attr_##_name = __ATTR_WO(_name)

LFA_ATTR_RO(name);
LFA_ATTR_RO(seq_id);
LFA_ATTR_RO(current_version);
LFA_ATTR_RO(pending_version);
LFA_ATTR_RO(activation_capable);
LFA_ATTR_RO(activation_pending);
LFA_ATTR_RO(may_reset_cpu);
LFA_ATTR_RO(cpu_rendezvous);
LFA_ATTR_RW(force_cpu_rendezvous);
LFA_ATTR_RO(state);
LFA_ATTR_RO(last_error);
LFA_ATTR_WO(activate);
LFA_ATTR_WO(prime);
LFA_ATTR_WO(cancel);

static struct attribute *lfa_component_attrs[] = {
	&lfa_attr_name.attr,
	&lfa_attr_seq_id.attr,
	&lfa_attr_current_version.attr,
	&lfa_attr_pending_version.attr,
	&lfa_attr_activation_capable.attr,
	&lfa_attr_activation_pending.attr,
	&lfa_attr_may_reset_cpu.attr,
	&lfa_attr_cpu_rendezvous.attr,
	&lfa_attr_force_cpu_rendezvous.attr,
	&lfa_attr_state.attr,
	&lfa_attr_last_error.attr,
	&lfa_attr_activate.attr,
	&lfa_attr_prime.attr,
	&lfa_attr_cancel.attr,
	NULL,
};
ATTRIBUTE_GROUPS(lfa_component);

static void lfa_component_release(struct kobject *kobj)
{
	kfree(to_component(kobj));
}

const struct kobj_type lfa_component_ktype = {
	.release = lfa_component_release,
	.sysfs_ops = &lfa_sysfs_ops,
	.default_groups = lfa_component_groups,
};

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	u32 v = lfa_version();

	return sysfs_emit(buf, "%lu.%lu\n", FIELD_GET(LFA_VERSION_MAJOR, v),
			  FIELD_GET(LFA_VERSION_MINOR, v));
}

static ssize_t refresh_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	int ret;

	ret = lfa_parse_true(buf);
	if (!ret)
		ret = lfa_refresh(LFA_EVENT_CHANGED);
	return ret ? ret : count;
}

static struct kobj_attribute lfa_attr_version = __ATTR_RO(version);
static struct kobj_attribute lfa_attr_refresh = __ATTR_WO(refresh);

static struct attribute *lfa_top_attrs[] = {
	&lfa_attr_version.attr,
	&lfa_attr_refresh.attr,
	NULL,
};

static const struct attribute_group lfa_top_group = {
	.attrs = lfa_top_attrs,
};

struct kset *lfa_sysfs_init(void)
{
	struct kset *kset;

	kset = kset_create_and_add("lfa", NULL, firmware_kobj);
	if (!kset)
		return NULL;
	if (sysfs_create_group(&kset->kobj, &lfa_top_group)) {
		kset_unregister(kset);
		return NULL;
	}
	return kset;
}

void lfa_sysfs_exit(struct kset *kset)
{
	sysfs_remove_group(&kset->kobj, &lfa_top_group);
	kset_unregister(kset);
}
