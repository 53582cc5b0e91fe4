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
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/kernfs.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "lfa.h"
#include "lfa_trace.h"

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

/*
 * @live: the file reads the firmware's answer where no notification device
 * keeps the cache current; @ext: an extension (hidden without them).
 */
struct lfa_attribute {
	struct attribute attr;
	bool live;
	bool ext;
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
	if (a->live)
		lfa_component_live(&info);
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
	/* Arm's lfa_fw prints an unreported running version as "0.0". */
	if (!lfa_ext())
		return sysfs_emit(buf, "%u.%u\n",
				  LFA_VER_MAJOR(info->current_version),
				  LFA_VER_MINOR(info->current_version));
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

/*
 * kstrtobool() reads only the first character, so "foo" would be false:
 * take whole words only (-EINVAL for anything else).
 */
static int lfa_strtobool(const char *buf, bool *value)
{
	static const char * const words[] = {
		"0", "n", "N", "no", "off", "false",
		"1", "y", "Y", "yes", "on", "true",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(words); i++) {
		if (sysfs_streq(buf, words[i])) {
			*value = i >= ARRAY_SIZE(words) / 2;
			return 0;
		}
	}
	return -EINVAL;
}

static ssize_t force_cpu_rendezvous_store(struct lfa_component *comp,
					  const char *buf, size_t count)
{
	bool force;
	int ret;

	ret = lfa_strtobool(buf, &force);
	if (ret)
		return ret;
	lfa_set_force_rendezvous(comp, force);
	return count;
}

static ssize_t auto_activate_show(const struct lfa_component_info *info,
				  char *buf)
{
	return sysfs_emit(buf, "%d\n", info->auto_activate);
}

static ssize_t auto_activate_store(struct lfa_component *comp,
				   const char *buf, size_t count)
{
	bool on;
	int ret;

	ret = lfa_strtobool(buf, &on);
	if (ret)
		return ret;
	lfa_set_auto_activate(comp, on);
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

/* "prime" and "refresh" take a true boolean; anything else is -EINVAL. */
static int lfa_parse_true(const char *buf)
{
	bool value;

	if (lfa_strtobool(buf, &value) || !value)
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

/* As in Arm's lfa_fw, any write activates, "0" included. */
static ssize_t activate_store(struct lfa_component *comp, const char *buf,
			      size_t count)
{
	int ret = lfa_activate(comp);

	return ret ? ret : count;
}

static ssize_t prime_store(struct lfa_component *comp, const char *buf,
			   size_t count)
{
	return lfa_action_store(comp, buf, count, lfa_prime);
}

/* As in Arm's lfa_fw, any write cancels. */
static ssize_t cancel_store(struct lfa_component *comp, const char *buf,
			    size_t count)
{
	int ret = lfa_cancel(comp);

	return ret ? ret : count;
}

#define LFA_ATTR_RO(_name) \
	static struct lfa_attribute lfa_attr_##_name = __ATTR_RO(_name)
#define LFA_ATTR_RW(_name) \
	static struct lfa_attribute lfa_attr_##_name = __ATTR_RW(_name)
#define LFA_ATTR_WO(_name) \
	static struct lfa_attribute lfa_attr_##_name = __ATTR_WO(_name)
#define LFA_ATTR_LIVE(_name)						\
	static struct lfa_attribute lfa_attr_##_name = {		\
		.attr = { .name = __stringify(_name), .mode = 0444 },	\
		.live = true,						\
		.show = _name##_show,					\
	}
#define LFA_ATTR_EXT(_name, _mode, _show, _store)			\
	static struct lfa_attribute lfa_attr_##_name = {		\
		.attr = { .name = __stringify(_name), .mode = _mode },	\
		.ext = true,						\
		.show = _show,						\
		.store = _store,					\
	}

/* The files of Arm's lfa_fw, with its modes. */
LFA_ATTR_RO(name);
LFA_ATTR_RO(current_version);
LFA_ATTR_LIVE(pending_version);
LFA_ATTR_RO(activation_capable);
LFA_ATTR_LIVE(activation_pending);
LFA_ATTR_RO(may_reset_cpu);
LFA_ATTR_RO(cpu_rendezvous);
LFA_ATTR_RW(force_cpu_rendezvous);
LFA_ATTR_RW(auto_activate);
LFA_ATTR_WO(activate);
LFA_ATTR_WO(cancel);
/* lfa.ko's extensions. */
LFA_ATTR_EXT(seq_id, 0444, seq_id_show, NULL);
LFA_ATTR_EXT(state, 0444, state_show, NULL);
LFA_ATTR_EXT(last_error, 0444, last_error_show, NULL);
LFA_ATTR_EXT(prime, 0200, NULL, prime_store);

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
	&lfa_attr_auto_activate.attr,
	&lfa_attr_state.attr,
	&lfa_attr_last_error.attr,
	&lfa_attr_activate.attr,
	&lfa_attr_prime.attr,
	&lfa_attr_cancel.attr,
	NULL,
};

static umode_t lfa_component_is_visible(struct kobject *kobj,
					struct attribute *attr, int n)
{
	struct lfa_attribute *a = container_of(attr, struct lfa_attribute,
					       attr);

	return a->ext && !lfa_ext() ? 0 : attr->mode;
}

static const struct attribute_group lfa_component_group = {
	.attrs = lfa_component_attrs,
	.is_visible = lfa_component_is_visible,
};
__ATTRIBUTE_GROUPS(lfa_component);

void lfa_attr_changed(struct lfa_component *comp, const char *attr,
		      int value)
{
	trace_lfa_sysfs_notify(&comp->uuid, attr, value);
	/* A hidden file (no extensions) or a deleted directory: nothing. */
	sysfs_notify(&comp->kobj, NULL, attr);
}

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

static void lfa_kset_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct kset, kobj));
}

static const struct kobj_type lfa_kset_ktype = {
	.release = lfa_kset_release,
	.sysfs_ops = &kobj_sysfs_ops,
};

/*
 * kset_create_and_add() with its error: NULL would not tell "taken by
 * another driver" from "out of memory". The look-up first spares the log
 * sysfs's "duplicate filename" stack dump; kset_register() still answers
 * -EEXIST if the other driver wins a race.
 */
struct kset *lfa_sysfs_init(void)
{
	struct kernfs_node *kn;
	struct kset *kset;
	int ret;

	kn = kernfs_find_and_get(firmware_kobj->sd, "lfa");
	if (kn) {
		kernfs_put(kn);
		pr_err("/sys/firmware/lfa exists: another LFA driver (Arm's lfa_fw?) is bound; lfa.ko is not needed\n");
		return ERR_PTR(-EEXIST);
	}
	kset = kzalloc(sizeof(*kset), GFP_KERNEL);
	if (!kset)
		return ERR_PTR(-ENOMEM);
	ret = kobject_set_name(&kset->kobj, "lfa");
	if (ret) {
		kfree(kset);
		return ERR_PTR(ret);
	}
	kset->kobj.parent = firmware_kobj;
	kset->kobj.ktype = &lfa_kset_ktype;
	ret = kset_register(kset);
	if (ret) {
		if (ret == -EEXIST)
			pr_err("/sys/firmware/lfa exists: another LFA driver (Arm's lfa_fw?) is bound; lfa.ko is not needed\n");
		/* kset_register() leaves the kobject to its owner. */
		kobject_put(&kset->kobj);
		return ERR_PTR(ret);
	}
	if (lfa_ext() && sysfs_create_group(&kset->kobj, &lfa_top_group)) {
		kset_unregister(kset);
		return ERR_PTR(-ENOMEM);
	}
	return kset;
}

void lfa_sysfs_exit(struct kset *kset)
{
	if (lfa_ext())
		sysfs_remove_group(&kset->kobj, &lfa_top_group);
	kset_unregister(kset);
}
