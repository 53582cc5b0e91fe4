/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The driver's side of lfad's blocking write, for the unit tests: the write
 * to `activate` or `prime` returns when the sequence ends, with its errno,
 * on the real kernel and in the simulator. fake_driver_write() (a
 * JobWriteFn) writes "1" into the file, so a test sees which file lfad
 * wrote, then blocks until the test ends the sequence.
 */

#include <stdbool.h>

/* ManagerConfig.job_write. Fails with the open's errno where the file is
 * missing, as a refusal of the driver would. */
int fake_driver_write(const char *path, void *userdata);

/* End the oldest blocked write: 0 (success) or a negative errno. */
void fake_driver_end(int error);

/* How many writes block now. */
unsigned fake_driver_blocked(void);

/* Release every blocked write (with -ECANCELED) and wait for them: each
 * test leaves no thread behind. */
void fake_driver_release_all(void);
