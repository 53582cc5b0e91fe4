/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "fake-driver.h"
#include "macro.h"

static int end_pipe[2] = { -1, -1 };
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
/* Writes blocked now; writer threads that have not exited yet. */
static unsigned blocked, alive;

/* A writer thread's exit, after lfad's worker returned (its hand-back and
 * frees done): the event fake_driver_release_all() waits for, in place of
 * a pause that a loaded machine can outlast. */
static void on_thread_exit(void *p _unused_) {
        pthread_mutex_lock(&lock);
        alive--;
        pthread_cond_broadcast(&changed);
        pthread_mutex_unlock(&lock);
}

static void setup(void) {
        if (pipe2(end_pipe, O_CLOEXEC) < 0 || pthread_key_create(&exit_key, on_thread_exit) != 0)
                abort();
}

static void count(unsigned *n, int delta) {
        pthread_mutex_lock(&lock);
        *n = delta > 0 ? *n + 1 : *n - 1;
        pthread_cond_broadcast(&changed);
        pthread_mutex_unlock(&lock);
}

int fake_driver_write(const char *path, void *userdata _unused_) {
        _cleanup_close_ int fd = -EBADF;
        int error = 0;

        pthread_once(&once, setup);
        if (!pthread_getspecific(exit_key)) {
                /* Any non-NULL value: the destructor runs at this thread's exit. */
                count(&alive, +1);
                if (pthread_setspecific(exit_key, &alive) != 0)
                        abort();
        }
        fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (write(fd, "1", 1) != 1)
                return -EIO;
        fd = safe_close(fd);

        /* One int per sequence; pipe writes of that size are atomic. */
        count(&blocked, +1);
        if (read(end_pipe[0], &error, sizeof(error)) != sizeof(error))
                error = -EIO;
        count(&blocked, -1);
        return error;
}

void fake_driver_end(int error) {
        pthread_once(&once, setup);
        if (write(end_pipe[1], &error, sizeof(error)) != sizeof(error))
                abort();
}

unsigned fake_driver_blocked(void) {
        unsigned n;

        pthread_mutex_lock(&lock);
        n = blocked;
        pthread_mutex_unlock(&lock);
        return n;
}

void fake_driver_release_all(void) {
        struct timespec deadline;
        unsigned n = fake_driver_blocked();

        for (unsigned i = 0; i < n; i++)
                fake_driver_end(-ECANCELED);
        /* Until every writer thread has exited (a deadline generous enough
         * for valgrind: a hang fails the test rather than the suite's
         * timeout). */
        if (clock_gettime(CLOCK_REALTIME, &deadline) < 0)
                abort();
        deadline.tv_sec += 120;
        pthread_mutex_lock(&lock);
        while (alive > 0)
                if (pthread_cond_timedwait(&changed, &lock, &deadline) == ETIMEDOUT)
                        abort();
        pthread_mutex_unlock(&lock);
}
