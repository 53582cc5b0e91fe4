// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated LFA agent's debugfs files, /sys/kernel/debug/lfa-agent/:
 * how a booted test kernel (the end-to-end VM) plays the firmware.
 *
 *   scenario  w: load a scenario (tests/scenarios/FORMAT.md) and
 *                re-initialise the driver against it; r: the scenario
 *   control   w: run-time statements (store-update, notify, component,
 *                remove, set)
 *   calls     r: one line per call the agent answered; w: clear
 *   uevents   r: one line per uevent the driver sent
 *
 * A write is taken whole (one write() call, at most 64 KiB); a bad
 * statement fails it with -EINVAL and logs "line N: ...".
 */

#define pr_fmt(fmt) "lfa-agent: " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "../lfa.h"
#include "../lfa_trace.h"
#include "lfa-agent-model.h"

#define LFA_AGENT_WRITE_MAX	SZ_64K

static struct dentry *lfa_agent_dir;

static char *lfa_agent_copy_in(const char __user *ubuf, size_t count)
{
	if (count > LFA_AGENT_WRITE_MAX)
		return ERR_PTR(-EFBIG);
	return memdup_user_nul(ubuf, count);
}

static ssize_t scenario_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	char err[LFA_AGENT_ERR_LEN];
	char *text;
	int ret;

	text = lfa_agent_copy_in(ubuf, count);
	if (IS_ERR(text))
		return PTR_ERR(text);
	ret = lfa_agent_load(text, count, err, sizeof(err));
	kfree(text);
	if (ret) {
		pr_warn("scenario: %s\n", err[0] ? err : "out of memory");
		return ret;
	}
	/* A new platform is a new boot of the firmware: start over. */
	lfa_core_exit();
	ret = lfa_core_init();
	return ret ? ret : count;
}

static int scenario_show(struct seq_file *m, void *v)
{
	size_t len = lfa_agent_scenario_text(NULL, 0);
	char *buf;

	buf = kmalloc(len + 1, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	lfa_agent_scenario_text(buf, len + 1);
	seq_puts(m, buf);
	kfree(buf);
	return 0;
}

static int scenario_open(struct inode *inode, struct file *file)
{
	return single_open(file, scenario_show, NULL);
}

static const struct file_operations lfa_scenario_fops = {
	.owner = THIS_MODULE,
	.open = scenario_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = scenario_write,
};

static ssize_t control_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	char err[LFA_AGENT_ERR_LEN];
	char *text;
	int ret;

	text = lfa_agent_copy_in(ubuf, count);
	if (IS_ERR(text))
		return PTR_ERR(text);
	ret = lfa_agent_control(text, count, err, sizeof(err));
	kfree(text);
	if (ret && err[0])
		pr_warn("control: %s\n", err);
	return ret ? ret : count;
}

static const struct file_operations lfa_control_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = control_write,
	.llseek = noop_llseek,
};

static int calls_show(struct seq_file *m, void *v)
{
	struct lfa_agent_call *calls;
	unsigned int i, n;

	calls = kcalloc(LFA_AGENT_MAX_RECORDS, sizeof(*calls), GFP_KERNEL);
	if (!calls)
		return -ENOMEM;
	n = min_t(unsigned int, lfa_agent_calls(calls, LFA_AGENT_MAX_RECORDS),
		  LFA_AGENT_MAX_RECORDS);
	for (i = 0; i < n; i++) {
		/* FEATURES takes a function id in x1, not a sequence id. */
		seq_printf(m, calls[i].fid == LFA_FN_FEATURES ?
			   "%s fid=0x%llx flags=0x%llx x0=%lld x1=0x%llx" :
			   "%s seq=%llu flags=0x%llx x0=%lld x1=0x%llx",
			   lfa_agent_fn_name(calls[i].fid), calls[i].seq_id,
			   calls[i].flags, calls[i].x0, calls[i].x1);
		if (calls[i].fid == LFA_FN_ACTIVATE)
			seq_printf(m, " cpus=%u/%u stopped=%d", calls[i].cpus,
				   calls[i].online, calls[i].stopped);
		seq_putc(m, '\n');
	}
	kfree(calls);
	return 0;
}

static int calls_open(struct inode *inode, struct file *file)
{
	return single_open(file, calls_show, NULL);
}

static ssize_t calls_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	lfa_agent_clear_records();
	return count;
}

static const struct file_operations lfa_calls_fops = {
	.owner = THIS_MODULE,
	.open = calls_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = calls_write,
};

static const char *lfa_action_name(enum kobject_action action)
{
	switch (action) {
	case KOBJ_ADD:
		return "add";
	case KOBJ_REMOVE:
		return "remove";
	case KOBJ_CHANGE:
		return "change";
	default:
		return "other";
	}
}

static int uevents_show(struct seq_file *m, void *v)
{
	struct lfa_agent_uevent *ev;
	unsigned int i, n;

	ev = kcalloc(LFA_AGENT_MAX_RECORDS, sizeof(*ev), GFP_KERNEL);
	if (!ev)
		return -ENOMEM;
	n = min_t(unsigned int, lfa_agent_uevents(ev, LFA_AGENT_MAX_RECORDS),
		  LFA_AGENT_MAX_RECORDS);
	for (i = 0; i < n; i++)
		seq_printf(m, "%s %pUb%s%s\n", lfa_action_name(ev[i].action),
			   &ev[i].uuid, ev[i].env[0] ? " " : "", ev[i].env);
	kfree(ev);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(uevents);

int lfa_agent_init(void)
{
	int ret;

	lfa_agent_reset();
	/* The uevents the driver sends, as its trace event shows them. */
	ret = register_trace_lfa_uevent(lfa_agent_record_uevent, NULL);
	if (ret) {
		pr_err("cannot probe the lfa_uevent trace event: %d\n", ret);
		lfa_agent_release();
		return ret;
	}
	/* A state change wakes lfa_agent_wait(). */
	ret = register_trace_lfa_sysfs_notify(lfa_agent_note_change, NULL);
	if (ret) {
		pr_err("cannot probe the lfa_sysfs_notify trace event: %d\n",
		       ret);
		unregister_trace_lfa_uevent(lfa_agent_record_uevent, NULL);
		tracepoint_synchronize_unregister();
		lfa_agent_release();
		return ret;
	}
	lfa_agent_dir = debugfs_create_dir("lfa-agent", NULL);
	debugfs_create_file("scenario", 0600, lfa_agent_dir, NULL,
			    &lfa_scenario_fops);
	debugfs_create_file("control", 0200, lfa_agent_dir, NULL,
			    &lfa_control_fops);
	debugfs_create_file("calls", 0600, lfa_agent_dir, NULL,
			    &lfa_calls_fops);
	debugfs_create_file("uevents", 0400, lfa_agent_dir, NULL,
			    &uevents_fops);
	return 0;
}

void lfa_agent_exit(void)
{
	debugfs_remove_recursive(lfa_agent_dir);
	lfa_agent_dir = NULL;
	unregister_trace_lfa_sysfs_notify(lfa_agent_note_change, NULL);
	unregister_trace_lfa_uevent(lfa_agent_record_uevent, NULL);
	tracepoint_synchronize_unregister();
	lfa_agent_release();
}

static int lfa_agent_probe(void)
{
	return 0;
}

/* Linked in place of lfa-smccc.c's: the driver calls only the agent. */
const struct lfa_conduit_ops lfa_conduit_ops = {
	.name = "test-agent",
	.init = lfa_agent_init,
	.exit = lfa_agent_exit,
	.probe = lfa_agent_probe,
	.invoke = lfa_agent_invoke,
};
