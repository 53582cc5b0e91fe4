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
#include "fuzz-bus-values.h"
#include "lfactl.h"

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
