/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A user-space stand-in for the few kernel headers the scenario parser
 * (driver/tests/lfa-agent-scenario.c) includes, so the fuzz target
 * fuzz-scenario can compile that file unchanged. Only what the parser and
 * the headers it pulls in (driver/lfa.h, lfa-agent-model.h,
 * lfa-test-agent.h) use; behaviour as the kernel's.
 */
#pragma once

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

#define BIT(n) (1UL << (n))
#define GENMASK(h, l) (((~0UL) << (l)) & (~0UL >> (8 * sizeof(long) - 1 - (h))))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __acquires(x)
#define __releases(x)
#define __must_check
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define GFP_KERNEL 0
#define EXPORT_SYMBOL_IF_KUNIT(s)
#define EXPORT_SYMBOL_GPL(s)
#define VISIBLE_IF_KUNIT
#define pr_err(...) ((void) 0)
#define pr_warn(...) ((void) 0)
#define pr_info(...) ((void) 0)
#define pr_debug(...) ((void) 0)
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))

static inline void *kzalloc(size_t n, int flags) {
        (void) flags;
        return calloc(1, n);
}
static inline void *kmalloc(size_t n, int flags) {
        (void) flags;
        return malloc(n);
}
static inline void kfree(const void *p) {
        free((void *) p);
}
static inline char *kmemdup_nul(const char *s, size_t len, int flags) {
        char *p = kmalloc(len + 1, flags);

        if (p) {
                memcpy(p, s, len);
                p[len] = 0;
        }
        return p;
}
static inline char *kstrndup(const char *s, size_t max, int flags) {
        return kmemdup_nul(s, strnlen(s, max), flags);
}

/* The kernel's: the count written (never more than size - 1), 0 for size 0. */
static inline int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap) {
        int n;

        if (size == 0)
                return 0;
        n = vsnprintf(buf, size, fmt, ap);
        if (n < 0)
                return 0;
        return (size_t) n >= size ? (int) size - 1 : n;
}
static inline __printf(3, 4) int scnprintf(char *buf, size_t size, const char *fmt, ...) {
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vscnprintf(buf, size, fmt, ap);
        va_end(ap);
        return n;
}
static inline ssize_t strscpy(char *dst, const char *src, size_t size) {
        size_t n = strnlen(src, size);

        if (size == 0)
                return -E2BIG;
        if (n == size) {
                memcpy(dst, src, size - 1);
                dst[size - 1] = 0;
                return -E2BIG;
        }
        memcpy(dst, src, n + 1);
        return (ssize_t) n;
}
static inline size_t str_has_prefix(const char *s, const char *prefix) {
        size_t l = strlen(prefix);

        return strncmp(s, prefix, l) == 0 ? l : 0;
}
static inline char *skip_spaces(const char *s) {
        while (isspace((unsigned char) *s))
                s++;
        return (char *) s;
}

/* kstrto*(): as lib/kstrtox.c: an optional '+' (and '-' where signed), no
 * space, digits in base (0: 0x/0 prefixes), one trailing newline allowed;
 * -EINVAL for anything else, -ERANGE on overflow. */
static inline int kstrto_u64(const char *s, unsigned int base, u64 *res, bool neg_ok, bool *neg) {
        const char *p = s;
        u64 v = 0;
        int any = 0;

        *neg = false;
        if (*p == '+')
                p++;
        else if (*p == '-' && neg_ok) {
                *neg = true;
                p++;
        }
        if (base == 0) {
                if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char) p[2])) {
                        base = 16;
                        p += 2;
                } else if (p[0] == '0')
                        base = 8;
                else
                        base = 10;
        } else if (base == 16 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
                p += 2;
        for (; *p; p++) {
                unsigned int d;

                if (isdigit((unsigned char) *p))
                        d = (unsigned int) (*p - '0');
                else if (isxdigit((unsigned char) *p))
                        d = (unsigned int) (tolower((unsigned char) *p) - 'a' + 10);
                else
                        break;
                if (d >= base)
                        break;
                if (v > (UINT64_MAX - d) / base)
                        return -ERANGE;
                v = v * base + d;
                any = 1;
        }
        if (!any)
                return -EINVAL;
        if (*p == '\n')
                p++;
        if (*p)
                return -EINVAL;
        *res = v;
        return 0;
}
static inline int kstrtou64(const char *s, unsigned int base, u64 *res) {
        bool neg;

        return kstrto_u64(s, base, res, false, &neg);
}
static inline int kstrtou32(const char *s, unsigned int base, u32 *res) {
        u64 v;
        int r = kstrtou64(s, base, &v);

        if (r)
                return r;
        if (v > UINT32_MAX)
                return -ERANGE;
        *res = (u32) v;
        return 0;
}
static inline int kstrtouint(const char *s, unsigned int base, unsigned int *res) {
        return kstrtou32(s, base, res);
}
static inline int kstrtos64(const char *s, unsigned int base, s64 *res) {
        bool neg;
        u64 v;
        int r = kstrto_u64(s, base, &v, true, &neg);

        if (r)
                return r;
        if (neg) {
                if (v > (u64) INT64_MAX + 1)
                        return -ERANGE;
                *res = v == (u64) INT64_MAX + 1 ? INT64_MIN : -(s64) v;
        } else {
                if (v > (u64) INT64_MAX)
                        return -ERANGE;
                *res = (s64) v;
        }
        return 0;
}
static inline int kstrtobool(const char *s, bool *res) {
        if (!s)
                return -EINVAL;
        switch (s[0]) {
        case 'y': case 'Y': case 't': case 'T': case '1':
                *res = true;
                return 0;
        case 'n': case 'N': case 'f': case 'F': case '0':
                *res = false;
                return 0;
        case 'o': case 'O':
                if (s[1] == 'n' || s[1] == 'N') {
                        *res = true;
                        return 0;
                }
                if (s[1] == 'f' || s[1] == 'F') {
                        *res = false;
                        return 0;
                }
                break;
        }
        return -EINVAL;
}
