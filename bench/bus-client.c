/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bus-client: back-to-back Properties.Get round trips to one property on
 * the bus of $DBUS_SYSTEM_BUS_ADDRESS, for bench/bench-bus.py.
 *
 *   bus-client NAME PATH INTERFACE PROPERTY SECONDS [CALLS]
 *
 * With CALLS it stops after that many calls (or SECONDS, whichever comes
 * first).
 * Prints "calls=N rate=N/s p50_us=N p99_us=N max_us=N". A C client, so that
 * the figure is the service's and the bus's, not a scripting language's.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-bus.h>

static uint64_t now_ns(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000000ULL + (uint64_t) ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b) {
        uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;

        return x < y ? -1 : x > y;
}

int main(int argc, char *argv[]) {
        size_t n = 0, cap = 1 << 16, max_calls = SIZE_MAX;
        uint64_t *lat, start, end;
        sd_bus *bus = NULL;
        double seconds;
        int r;

        if (argc != 6 && argc != 7) {
                fprintf(stderr, "usage: bus-client NAME PATH INTERFACE PROPERTY SECONDS [CALLS]\n");
                return EXIT_FAILURE;
        }
        seconds = atof(argv[5]);
        if (argc == 7)
                max_calls = strtoul(argv[6], NULL, 10);
        lat = malloc(cap * sizeof(*lat));
        if (!lat)
                return EXIT_FAILURE;

        r = sd_bus_open_system(&bus);
        if (r < 0) {
                fprintf(stderr, "bus-client: %s\n", strerror(-r));
                return EXIT_FAILURE;
        }

        start = now_ns();
        end = start + (uint64_t) (seconds * 1e9);
        for (uint64_t t = start; t < end && n < max_calls; t = now_ns()) {
                sd_bus_error error = SD_BUS_ERROR_NULL;
                char *value = NULL;
                uint64_t t0 = now_ns();

                r = sd_bus_get_property_string(bus, argv[1], argv[2], argv[3], argv[4], &error, &value);
                if (r < 0) {
                        fprintf(stderr, "bus-client: Get %s: %s\n", argv[4], error.message ?: strerror(-r));
                        sd_bus_error_free(&error);
                        return EXIT_FAILURE;
                }
                free(value);
                if (n == cap) {
                        uint64_t *l = realloc(lat, 2 * cap * sizeof(*lat));

                        if (!l)
                                return EXIT_FAILURE;
                        lat = l;
                        cap *= 2;
                }
                lat[n++] = now_ns() - t0;
        }

        qsort(lat, n, sizeof(*lat), cmp_u64);
        printf("calls=%zu rate=%.0f p50_us=%.1f p99_us=%.1f max_us=%.1f\n", n,
               n / ((double) (now_ns() - start) / 1e9), lat[n / 2] / 1e3, lat[n * 99 / 100] / 1e3,
               lat[n - 1] / 1e3);
        free(lat);
        sd_bus_flush_close_unref(bus);
        return EXIT_SUCCESS;
}
