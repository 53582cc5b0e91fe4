#pragma once
#include <linux/kernel.h>
#define UUID_STRING_LEN 36
typedef struct {
        u8 b[16];
} uuid_t;

static inline bool uuid_equal(const uuid_t *a, const uuid_t *b) {
        return memcmp(a, b, sizeof(uuid_t)) == 0;
}

static inline bool uuid_is_null(const uuid_t *u) {
        static const uuid_t null;

        return uuid_equal(u, &null);
}

/* The kernel's uuid_parse(): 36 characters, dashes at 8, 13, 18, 23. */
static inline int uuid_parse(const char *s, uuid_t *u) {
        static const u8 si[16] = { 0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34 };

        for (int i = 0; i < 36; i++) {
                if (i == 8 || i == 13 || i == 18 || i == 23) {
                        if (s[i] != '-')
                                return -EINVAL;
                } else if (!isxdigit((unsigned char) s[i]))
                        return -EINVAL;
        }
        for (int i = 0; i < 16; i++) {
                char h[3] = { s[si[i]], s[si[i] + 1], 0 };

                u->b[i] = (u8) strtoul(h, NULL, 16);
        }
        return 0;
}
