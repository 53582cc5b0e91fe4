// SPDX-License-Identifier: GPL-2.0-only
/*
 * Arm Live Firmware Activation: the SMC/HVC conduit (arm64 only).
 *
 * LFA uses the SMCCC v1.2 register convention (x0..x5 in and out), which
 * only arm_smccc_1_2_smc()/_hvc() provide; the conduit is chosen once.
 */

#define pr_fmt(fmt) "lfa: " fmt

#include <linux/arm-smccc.h>
#include <linux/errno.h>
#include <linux/printk.h>

#include "lfa.h"

static void (*lfa_smccc_fn)(const struct arm_smccc_1_2_regs *args,
			    struct arm_smccc_1_2_regs *res);

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

	lfa_smccc_fn(&in, &out);
	res->a0 = out.a0;
	res->a1 = out.a1;
	res->a2 = out.a2;
	res->a3 = out.a3;
	res->a4 = out.a4;
	res->a5 = out.a5;
}

lfa_invoke_fn lfa_smccc_conduit(void)
{
	if (arm_smccc_get_version() < ARM_SMCCC_VERSION_1_2) {
		pr_info("SMCCC v1.2 is required for LFA\n");
		return NULL;
	}
	switch (arm_smccc_1_1_get_conduit()) {
	case SMCCC_CONDUIT_SMC:
		lfa_smccc_fn = arm_smccc_1_2_smc;
		break;
	case SMCCC_CONDUIT_HVC:
		lfa_smccc_fn = arm_smccc_1_2_hvc;
		break;
	default:
		pr_info("no SMCCC conduit for LFA\n");
		return NULL;
	}
	return lfa_smccc_invoke;
}
