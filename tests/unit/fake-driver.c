/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "fake-driver.h"
#include "macro.h"

static int end_pipe[2] = { -1, -1 };
static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_uint blocked;

static void setup_pipe(void) {
        if (pipe2(end_pipe, O_CLOEXEC) < 0)
                abort();
}

int fake_driver_write(const char *path, void *userdata _unused_) {
        _cleanup_close_ int fd = -EBADF;
        int error = 0;

        pthread_once(&once, setup_pipe);
        fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (write(fd, "1", 1) != 1)
                return -EIO;
        fd = safe_close(fd);

        /* One int per sequence; pipe writes of that size are atomic. */
        atomic_fetch_add(&blocked, 1);
        if (read(end_pipe[0], &error, sizeof(error)) != sizeof(error))
                error = -EIO;
        atomic_fetch_sub(&blocked, 1);
        return error;
}

void fake_driver_end(int error) {
        pthread_once(&once, setup_pipe);
        if (write(end_pipe[1], &error, sizeof(error)) != sizeof(error))
                abort();
}

unsigned fake_driver_blocked(void) {
        return atomic_load(&blocked);
}

void fake_driver_release_all(void) {
        unsigned n = fake_driver_blocked();

        for (unsigned i = 0; i < n; i++)
                fake_driver_end(-ECANCELED);
        for (unsigned i = 0; i < 1000 && fake_driver_blocked() > 0; i++)
                (void) nanosleep(&(struct timespec) { .tv_nsec = 1000000 }, NULL);
        /* Let the released threads finish their hand-back and exit. */
        (void) nanosleep(&(struct timespec) { .tv_nsec = 20000000 }, NULL);
}
