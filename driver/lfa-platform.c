// SPDX-License-Identifier: GPL-2.0-only
/*
 * Arm Live Firmware Activation: the optional notification device.
 *
 * The platform says "the firmware store was updated" through ACPI Notify on
 * ARML0003 (current spec), one interrupt of a DT "arm,lfa" node, or the
 * beta spec's ARMHF000 / "arm,armhf000" with its
 * "fw-store-updated-interrupt". Either way the driver refreshes the
 * inventory, sends uevents (with the extensions) and activates the
 * components whose auto_activate is 1 (none by default: lfad decides).
 * Discovery and sysfs work without this device; while none is bound,
 * activation_pending and pending_version are read from the firmware.
 */

#define pr_fmt(fmt) "lfa: " fmt

#include <linux/acpi.h>
#include <linux/device.h>
#include <linux/interrupt.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/workqueue.h>

#include "lfa.h"
#include "lfa-drv.h"

/*
 * The refresh a notification starts may wait for a whole activation (tens
 * of seconds): it runs on a workqueue of the driver's own, never on
 * system_wq. One work item for every device: notifications that arrive
 * while it is queued are one refresh (it reads the whole inventory).
 */
static void lfa_notify_fn(struct work_struct *work)
{
	lfa_notify_store_updated();
}

void lfa_platform_notify_async(void)
{
	queue_work(lfa_drv.notify_wq, &lfa_drv.notify_work);
}
EXPORT_SYMBOL_IF_KUNIT(lfa_platform_notify_async);

void lfa_platform_notify_flush(void)
{
	flush_workqueue(lfa_drv.notify_wq);
}
EXPORT_SYMBOL_IF_KUNIT(lfa_platform_notify_flush);

enum lfa_notify_kind {
	LFA_NOTIFY_ACPI = 1,
	LFA_NOTIFY_IRQ,
	LFA_NOTIFY_IRQ_NAMED,
};

static irqreturn_t lfa_irq_thread(int irq, void *data)
{
	lfa_notify_store_updated();
	return IRQ_HANDLED;
}

static int lfa_probe_irq(struct platform_device *pdev, bool named)
{
	int irq = -ENXIO;

	/* The beta spec names the interrupt; its nodes often list only one. */
	if (named)
		irq = platform_get_irq_byname_optional(pdev,
						       "fw-store-updated-interrupt");
	if (irq < 0)
		irq = platform_get_irq(pdev, 0);
	if (irq < 0)
		return irq;
	/* No primary handler: the thread sleeps (it waits for activations). */
	return devm_request_threaded_irq(&pdev->dev, irq, NULL, lfa_irq_thread,
					 IRQF_ONESHOT, "lfa", NULL);
}

#ifdef CONFIG_ACPI
struct lfa_acpi_notify {
	acpi_handle handle;
};

/*
 * Notify handlers run on the kacpi_notify workqueue; the refresh may wait
 * for a whole activation, so it runs on the driver's own.
 */
static void lfa_acpi_notify(acpi_handle handle, u32 event, void *data)
{
	lfa_platform_notify_async();
}

static void lfa_acpi_cancel_work(void *data)
{
	cancel_work_sync(&lfa_drv.notify_work);
}

static void lfa_acpi_remove_handler(void *data)
{
	struct lfa_acpi_notify *notify = data;

	acpi_remove_notify_handler(notify->handle, ACPI_DEVICE_NOTIFY,
				   lfa_acpi_notify);
}

static int lfa_probe_acpi(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct lfa_acpi_notify *notify;
	acpi_status status;
	int ret;

	notify = devm_kzalloc(dev, sizeof(*notify), GFP_KERNEL);
	if (!notify)
		return -ENOMEM;
	notify->handle = ACPI_HANDLE(dev);
	if (!notify->handle)
		return -ENODEV;
	/* devm runs in reverse: the handler goes first, then the work. */
	ret = devm_add_action_or_reset(dev, lfa_acpi_cancel_work, notify);
	if (ret)
		return ret;
	status = acpi_install_notify_handler(notify->handle, ACPI_DEVICE_NOTIFY,
					     lfa_acpi_notify, notify);
	if (ACPI_FAILURE(status))
		return dev_err_probe(dev, -ENODEV,
				     "cannot install the notify handler\n");
	return devm_add_action_or_reset(dev, lfa_acpi_remove_handler, notify);
}
#else
static int lfa_probe_acpi(struct platform_device *pdev)
{
	return -ENODEV;
}
#endif

static void lfa_notifier_unbound(void *data)
{
	lfa_set_notifier_bound(false);
}

static int lfa_probe(struct platform_device *pdev)
{
	int ret;

	switch ((uintptr_t)device_get_match_data(&pdev->dev)) {
	case LFA_NOTIFY_ACPI:
		ret = lfa_probe_acpi(pdev);
		break;
	case LFA_NOTIFY_IRQ:
		ret = lfa_probe_irq(pdev, false);
		break;
	case LFA_NOTIFY_IRQ_NAMED:
		ret = lfa_probe_irq(pdev, true);
		break;
	default:
		ret = -ENODEV;
	}
	if (ret)
		return ret;
	/* From now on a store update refreshes the cache: reads use it. */
	lfa_set_notifier_bound(true);
	return devm_add_action_or_reset(&pdev->dev, lfa_notifier_unbound, NULL);
}

static const struct acpi_device_id lfa_acpi_ids[] = {
	{ "ARML0003", LFA_NOTIFY_ACPI },
	{ "ARMHF000", LFA_NOTIFY_IRQ_NAMED },
	{ }
};
MODULE_DEVICE_TABLE(acpi, lfa_acpi_ids);

static const struct of_device_id lfa_of_ids[] = {
	{ .compatible = "arm,lfa", .data = (void *)LFA_NOTIFY_IRQ },
	{ .compatible = "arm,armhf000", .data = (void *)LFA_NOTIFY_IRQ_NAMED },
	{ }
};
MODULE_DEVICE_TABLE(of, lfa_of_ids);

static struct platform_driver lfa_platform_driver = {
	.probe = lfa_probe,
	.driver = {
		.name = "arm-lfa",
		.acpi_match_table = lfa_acpi_ids,
		.of_match_table = lfa_of_ids,
	},
};

int lfa_platform_init(void)
{
	int ret;

	INIT_WORK(&lfa_drv.notify_work, lfa_notify_fn);
	lfa_drv.notify_wq = alloc_ordered_workqueue("lfa_notify", 0);
	if (!lfa_drv.notify_wq)
		return -ENOMEM;
	ret = platform_driver_register(&lfa_platform_driver);
	if (ret)
		destroy_workqueue(lfa_drv.notify_wq);
	return ret;
}

void lfa_platform_exit(void)
{
	platform_driver_unregister(&lfa_platform_driver);
	destroy_workqueue(lfa_drv.notify_wq);
}
