// SPDX-License-Identifier: GPL-2.0-only
/*
 * Arm Live Firmware Activation: the SMC/HVC conduit (arm64 only).
 *
 * LFA uses the SMCCC v1.2 register convention (x0..x5 in and out), which
 * only arm_smccc_1_2_smc()/_hvc() provide; the conduit is the one the
 * kernel's SMCCC discovery found, checked at every lfa_core_init(). This
 * is the shipped module's lfa_conduit_ops: test builds link the simulated
 * agent's in place of this file.
 */

#define pr_fmt(fmt) "lfa: " fmt

#include <linux/arm-smccc.h>
#include <linux/errno.h>
#include <linux/printk.h>

#include "lfa.h"

static int lfa_smccc_probe(void)
{
	if (arm_smccc_get_version() < ARM_SMCCC_VERSION_1_2) {
		pr_info("SMCCC v1.2 is required for LFA\n");
		return -ENODEV;
	}
	if (arm_smccc_1_1_get_conduit() == SMCCC_CONDUIT_NONE) {
		pr_info("no SMCCC conduit for LFA\n");
		return -ENODEV;
	}
	return 0;
}

static void lfa_smccc_invoke(const struct lfa_regs *args, struct lfa_regs *res)
{
	const struct arm_smccc_1_2_regs in = {
		.a0 = args->a0,
		.a1 = args->a1,
		.a2 = args->a2,
		.a3 = args->a3,
		.a4 = args->a4,
		.a5 = args->a5,
	};
	struct arm_smccc_1_2_regs out;

	/* The conduit probe found: SMC or HVC, read as arm_smccc_1_1_invoke. */
	if (arm_smccc_1_1_get_conduit() == SMCCC_CONDUIT_HVC)
		arm_smccc_1_2_hvc(&in, &out);
	else
		arm_smccc_1_2_smc(&in, &out);
	res->a0 = out.a0;
	res->a1 = out.a1;
	res->a2 = out.a2;
	res->a3 = out.a3;
	res->a4 = out.a4;
	res->a5 = out.a5;
}

const struct lfa_conduit_ops lfa_conduit_ops = {
	.name = "smccc",
	.probe = lfa_smccc_probe,
	.invoke = lfa_smccc_invoke,
};
