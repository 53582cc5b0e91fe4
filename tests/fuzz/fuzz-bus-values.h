/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * D-Bus values from fuzz input, shared by the message-json and dbus
 * targets: append_seq() appends one value of each complete type of a
 * signature, drawing array lengths, variant contents, strings and numbers
 * from the input. It refuses (negative errno) what sd-bus refuses to build
 * and what the D-Bus specification forbids (empty structs).
 */

#include <stdint.h>
#include <string.h>
#include <systemd/sd-bus.h>

#include "macro.h"

#define DEPTH_MAX 16

typedef struct Input {
        const uint8_t *p, *end;
} Input;

static uint8_t take_u8(Input *in) {
        return in->p < in->end ? *in->p++ : 0;
}

static void take_bytes(Input *in, void *dst, size_t n) {
        memset(dst, 0, n);
        for (size_t i = 0; i < n && in->p < in->end; i++)
                ((uint8_t *) dst)[i] = *in->p++;
}

/* A string of up to 63 bytes from the input. */
static void take_string(Input *in, char buf[static 64]) {
        size_t n = take_u8(in) % 64;
        size_t i = 0;

        for (; i < n && in->p < in->end; i++)
                buf[i] = (char) *in->p++;
        buf[i] = 0;
}

/* Length of the complete type at s, 0 if malformed. */
static size_t type_len(const char *s) {
        size_t n;

        switch (s[0]) {
        case 'a':
                n = type_len(s + 1);
                return n ? n + 1 : 0;
        case '(':
        case '{': {
                char close = s[0] == '(' ? ')' : '}';
                size_t i = 1;

                /* The D-Bus specification has no empty struct or entry
                 * (sd-bus builds one, no peer would accept it). */
                if (s[1] == close)
                        return 0;

                while (s[i] && s[i] != close) {
                        n = type_len(s + i);
                        if (!n)
                                return 0;
                        i += n;
                }
                return s[i] == close ? i + 1 : 0;
        }
        case 0:
        case ')':
        case '}':
                return 0;
        default:
                return 1;
        }
}

static const char *const variant_types[] = {
        "s", "u", "t", "b", "i", "x", "d", "o", "g", "y", "n", "q",
        "as", "a{sv}", "(sst)", "a(sstbtt)", "v", "a{ss}", "a{uv}", "ao",
};

static int append_type(sd_bus_message *m, const char *t, size_t len, Input *in, unsigned depth);

static int append_basic(sd_bus_message *m, char type, Input *in) {
        char buf[64];

        switch (type) {
        case 's':
        case 'o':
        case 'g':
                take_string(in, buf);
                if (type == 'o' && (take_u8(in) & 1))
                        strcpy(buf, "/org/lfa/Manager");
                return sd_bus_message_append_basic(m, type, buf);
        case 'h': {
                int fd = 0; /* stdin: a valid descriptor */
                return sd_bus_message_append_basic(m, type, &fd);
        }
        case 'b': {
                int b = take_u8(in) & 1;
                return sd_bus_message_append_basic(m, type, &b);
        }
        default: {
                uint64_t v;

                take_bytes(in, &v, sizeof(v));
                return sd_bus_message_append_basic(m, type, &v);
        }
        }
}

static int append_seq(sd_bus_message *m, const char *t, size_t len, Input *in, unsigned depth) {
        for (size_t i = 0; i < len;) {
                size_t n = type_len(t + i);
                int r;

                if (!n || i + n > len)
                        return -EINVAL;
                r = append_type(m, t + i, n, in, depth);
                if (r < 0)
                        return r;
                i += n;
        }
        return 0;
}

static int append_type(sd_bus_message *m, const char *t, size_t len, Input *in, unsigned depth) {
        char contents[256];
        int r;

        if (depth > DEPTH_MAX)
                return -EINVAL;
        switch (t[0]) {
        case 'a': {
                unsigned count = take_u8(in) % 5;

                if (len - 1 >= sizeof(contents))
                        return -EINVAL;
                memcpy(contents, t + 1, len - 1);
                contents[len - 1] = 0;
                r = sd_bus_message_open_container(m, 'a', contents);
                if (r < 0)
                        return r;
                for (unsigned i = 0; i < count; i++) {
                        r = append_type(m, t + 1, len - 1, in, depth + 1);
                        if (r < 0)
                                return r;
                }
                return sd_bus_message_close_container(m);
        }
        case '(':
        case '{':
                if (len - 2 >= sizeof(contents))
                        return -EINVAL;
                memcpy(contents, t + 1, len - 2);
                contents[len - 2] = 0;
                r = sd_bus_message_open_container(m, t[0] == '(' ? 'r' : 'e', contents);
                if (r < 0)
                        return r;
                r = append_seq(m, t + 1, len - 2, in, depth + 1);
                if (r < 0)
                        return r;
                return sd_bus_message_close_container(m);
        case 'v': {
                const char *vt = variant_types[take_u8(in) % ELEMENTSOF(variant_types)];

                r = sd_bus_message_open_container(m, 'v', vt);
                if (r < 0)
                        return r;
                r = append_type(m, vt, strlen(vt), in, depth + 1);
                if (r < 0)
                        return r;
                return sd_bus_message_close_container(m);
        }
        default:
                return append_basic(m, t[0], in);
        }
}

