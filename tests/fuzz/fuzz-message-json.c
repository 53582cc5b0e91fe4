/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Target message-json: lfactl's D-Bus-message-to-JSON conversion
 * (lfactl/message-json.c), the path every --json output takes.
 *
 * The input is a D-Bus signature (up to the first NUL) followed by the
 * bytes from which the values are drawn: the harness appends a value of
 * each complete type of the signature to a message (array lengths, variant
 * contents, strings and numbers all come from the input), seals it, and
 * converts it with message_read_json() value by value, then once more with
 * message_read_properties_json(), and prints the result with json-c as
 * lfactl does. Messages sd-bus refuses to build are skipped; the converter
 * must never crash, and must convert every message that could be built.
 */

#include <stdbool.h>
#include <sys/socket.h>
#include <systemd/sd-bus.h>

#include "fuzz-util.h"
#include "lfactl.h"

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

/* sd-bus builds messages only for a bus that was started: one end of a
 * socketpair nobody answers is enough (no message is ever sent). */
static sd_bus *fuzz_bus(void) {
        static sd_bus *bus;
        int fds[2];

        if (bus)
                return bus;
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) < 0 ||
            sd_bus_new(&bus) < 0 || sd_bus_set_fd(bus, fds[0], fds[0]) < 0 || sd_bus_start(bus) < 0)
                abort();
        return bus;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        const uint8_t *nul = memchr(data, 0, size);
        _cleanup_free_ char *sig = NULL;
        Input in;
        int r;

        if (!nul || (size_t) (nul - data) > 255)
                return 0;
        sig = fuzz_strndup(data, (size_t) (nul - data));
        in = (Input) { nul + 1, data + size };

        if (sd_bus_message_new_signal(fuzz_bus(), &m, "/org/lfa/Manager", "org.lfa.Manager", "Fuzz") < 0)
                abort();
        if (append_seq(m, sig, strlen(sig), &in, 0) < 0)
                return 0; /* not a message sd-bus would let anyone send */
        if (sd_bus_message_seal(m, 1, 0) < 0)
                return 0;

        /* Value by value, as lfactl prints a method's reply. */
        r = sd_bus_message_rewind(m, true);
        if (r < 0)
                abort();
        for (;;) {
                _cleanup_json_ json_object *o = NULL;

                r = sd_bus_message_peek_type(m, NULL, NULL);
                if (r < 0)
                        abort();
                if (r == 0)
                        break;
                r = message_read_json(m, &o);
                if (r < 0)
                        abort(); /* a valid message it cannot convert */
                if (!json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE))
                        abort();
        }

        /* As the properties of a GetAll or PropertiesChanged: refused unless a{sv}. */
        r = sd_bus_message_rewind(m, true);
        if (r < 0)
                abort();
        {
                _cleanup_json_ json_object *o = NULL;

                r = message_read_properties_json(m, &o);
                if (r >= 0 && !json_object_to_json_string(o))
                        abort();
                if (r >= 0 && strncmp(sig, "a{sv}", 5) != 0)
                        abort();
        }
        return 0;
}
