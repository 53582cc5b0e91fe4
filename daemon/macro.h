/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Cleanup helpers in the shape of libsystemd's internal macro.h: the public
 * sd-* headers give us sd_*_unrefp, everything else is defined here so each
 * module can return early without leaking.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libudev.h>

typedef uint64_t usec_t;
#define USEC_INFINITY ((usec_t) UINT64_MAX)
#define USEC_PER_MSEC ((usec_t) 1000ULL)
#define USEC_PER_SEC ((usec_t) 1000000ULL)

#define _cleanup_(x) __attribute__((__cleanup__(x)))
#define _unused_ __attribute__((__unused__))
#define _printf_(a, b) __attribute__((__format__(printf, a, b)))
#define _pure_ __attribute__((__pure__))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

/* Take ownership of a pointer: return it and leave NULL behind. */
#define TAKE_PTR(p)                                     \
        ({                                              \
                __typeof__(p) *_pp_ = &(p);             \
                __typeof__(p) _p_ = *_pp_;              \
                *_pp_ = NULL;                           \
                _p_;                                    \
        })

#define TAKE_FD(fd)                                     \
        ({                                              \
                int *_fdp_ = &(fd);                     \
                int _fd_ = *_fdp_;                      \
                *_fdp_ = -EBADF;                        \
                _fd_;                                   \
        })

/* Same shape as libsystemd's _SD_DEFINE_POINTER_CLEANUP_FUNC, for _free()
 * and _unref() functions that return NULL, so `p = foo_free(p)` works. */
#define DEFINE_POINTER_CLEANUP_FUNC_FREE(type, func)    \
        static inline void func##p(type **p) {          \
                if (*p)                                 \
                        (void) func(*p);                \
        }

static inline void *mfree(void *p) {
        free(p);
        return NULL;
}

static inline void freep(void *p) {
        free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline int safe_close(int fd) {
        if (fd >= 0) {
                int saved = errno;
                (void) close(fd);
                errno = saved;
        }
        return -EBADF;
}

static inline void closep(int *fd) {
        safe_close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f) {
        if (*f)
                (void) fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

/* A NULL-terminated array of strings, freed with everything in it. */
static inline char **strv_free(char **l) {
        if (!l)
                return NULL;
        for (char **i = l; *i; i++)
                free(*i);
        free(l);
        return NULL;
}
DEFINE_POINTER_CLEANUP_FUNC_FREE(char *, strv_free);

static inline size_t strv_length(char * const *l) {
        size_t n = 0;

        while (l && l[n])
                n++;
        return n;
}
#define _cleanup_strv_free_ _cleanup_(strv_freep)

DEFINE_POINTER_CLEANUP_FUNC_FREE(struct udev_device, udev_device_unref);

static inline usec_t now_usec(clockid_t clock) {
        struct timespec ts;

        (void) clock_gettime(clock, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

/* The index of s in a table of names (NULL entries allowed), or -EINVAL:
 * the inverse of the *_to_string() tables. */
static inline int string_table_lookup(const char *const *table, int n, const char *s) {
        if (!s)
                return -EINVAL;
        for (int i = 0; i < n; i++)
                if (table[i] && strcmp(table[i], s) == 0)
                        return i;
        return -EINVAL;
}

static inline const char *strempty(const char *s) {
        return s ?: "";
}

static inline const char *strna(const char *s) {
        return s ?: "n/a";
}

static inline int free_and_strdup(char **p, const char *s) {
        char *t = NULL;

        if (s) {
                t = strdup(s);
                if (!t)
                        return -ENOMEM;
        }
        free(*p);
        *p = t;
        return 0;
}
