/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * `lfad --verify`: load the policy, say which driver serves root, and print
 * the decision for every component under it, without starting anything.
 */

#include <stdio.h>

/* Returns 0 when the policy is valid and every component readable (a
 * refused decision is a decision, not an error), else a negative errno;
 * the policy's file:line or the component's problem goes to err. */
int verify_run(char * const *policy_dirs, const char *root, FILE *out, FILE *err);
