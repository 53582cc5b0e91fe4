/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Helpers shared by the fuzz targets: a private temporary directory made
 * once per process (under $LFA_FUZZ_TMPDIR, else /dev/shm: a file system in
 * memory, so the targets that write files run at memory speed), and
 * whole-file writes into it. */

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_dir[4096];

static inline int fuzz_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) st;
        (void) flag;
        (void) ftw;
        (void) remove(path);
        return 0;
}

/* At exit (libFuzzer's normal end), the directory goes. */
static inline void fuzz_rm_tmpdir(void) {
        if (fuzz_dir[0])
                (void) nftw(fuzz_dir, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline const char *fuzz_tmpdir(void) {
        char *dir = fuzz_dir;

        if (!dir[0]) {
                const char *t = getenv("LFA_FUZZ_TMPDIR");

                if (!t || !*t)
                        t = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
                snprintf(dir, sizeof(fuzz_dir), "%s/lfa-fuzz.XXXXXX", t);
                if (!mkdtemp(dir))
                        abort();
                atexit(fuzz_rm_tmpdir);
        }
        return dir;
}

/* Writes data to path (created 0644, truncated); aborts on I/O failure: the
 * harness must never mistake a full disk for a parser verdict. */
static inline void fuzz_write_file(const char *path, const void *data, size_t size) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        const uint8_t *p = data;

        if (fd < 0)
                abort();
        while (size > 0) {
                ssize_t k = write(fd, p, size);

                if (k <= 0)
                        abort();
                p += k;
                size -= (size_t) k;
        }
        close(fd);
}

/* A NUL-terminated copy of the input. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size) {
        char *s = malloc(size + 1);

        if (!s)
                abort();
        memcpy(s, data, size);
        s[size] = 0;
        return s;
}
