/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The poll of activation_pending: only on a driver without component
 * uevents, at the configured interval, restarted by every re-read, and no
 * timer at all (so no wakeup) when off.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>
#include <systemd/sd-event.h>

#include "pending-poll.h"

static unsigned polls;

static void on_poll(void *userdata) {
        (void) userdata;
        polls++;
}

static void test_interval_for(void **state) {
        DriverInfo upstream = { .abi = DRIVER_ABI_UPSTREAM, .features = DRIVER_FEATURE_AUTO_ACTIVATE };
        DriverInfo extended = { .abi = DRIVER_ABI_EXTENDED, .features = DRIVER_FEATURE_COMPONENT_UEVENTS };
        DriverInfo none = { .abi = DRIVER_ABI_NONE };

        (void) state;
        assert_int_equal(pending_poll_interval_for(&upstream, 60 * USEC_PER_SEC), 60 * USEC_PER_SEC);
        assert_int_equal(pending_poll_interval_for(&upstream, 0), 0);
        assert_int_equal(pending_poll_interval_for(&extended, 60 * USEC_PER_SEC), 0);
        assert_int_equal(pending_poll_interval_for(&none, 60 * USEC_PER_SEC), 0);
        /* An extended driver whose component uevents are the point. */
        extended.abi = DRIVER_ABI_UPSTREAM;
        assert_int_equal(pending_poll_interval_for(&extended, 60 * USEC_PER_SEC), 0);
}

static usec_t next_time(PendingPoll *p) {
        uint64_t t = 0;

        assert_int_equal(sd_event_source_get_time(pending_poll_get_source(p), &t), 0);
        return t;
}

static void test_schedule(void **state) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_(pending_poll_freep) PendingPoll *p = NULL;
        uint64_t now, accuracy;

        (void) state;
        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(pending_poll_new(e, on_poll, NULL, &p), 0);

        /* Off: no source, nothing ever wakes up. */
        assert_null(pending_poll_get_source(p));
        assert_int_equal(pending_poll_get_interval(p), 0);
        pending_poll_restart(p);
        assert_null(pending_poll_get_source(p));
        assert_int_equal(sd_event_run(e, 50 * USEC_PER_MSEC), 0);
        assert_int_equal(polls, 0);

        /* On: one timer, an interval from now, coalescible by a tenth. */
        assert_int_equal(pending_poll_set_interval(p, 60 * USEC_PER_SEC), 0);
        assert_int_equal(sd_event_now(e, CLOCK_MONOTONIC, &now), 0);
        assert_true(next_time(p) >= now + 59 * USEC_PER_SEC);
        assert_true(next_time(p) <= now + 61 * USEC_PER_SEC);
        assert_int_equal(sd_event_source_get_time_accuracy(pending_poll_get_source(p), &accuracy), 0);
        assert_int_equal(accuracy, 6 * USEC_PER_SEC);
        assert_int_equal(pending_poll_get_interval(p), 60 * USEC_PER_SEC);
        /* A day: at most a minute late. */
        assert_int_equal(pending_poll_set_interval(p, 86400 * USEC_PER_SEC), 0);
        assert_int_equal(sd_event_source_get_time_accuracy(pending_poll_get_source(p), &accuracy), 0);
        assert_int_equal(accuracy, 60 * USEC_PER_SEC);

        /* Off again: the source is gone. */
        assert_int_equal(pending_poll_set_interval(p, 0), 0);
        assert_null(pending_poll_get_source(p));
}

static void test_fires_and_restarts(void **state) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_(pending_poll_freep) PendingPoll *p = NULL;
        usec_t before, armed;

        (void) state;
        polls = 0;
        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(pending_poll_new(e, on_poll, NULL, &p), 0);
        assert_true(sd_event_now(e, CLOCK_MONOTONIC, &armed) >= 0);
        assert_int_equal(pending_poll_set_interval(p, 100 * USEC_PER_MSEC), 0);

        /* Nothing before the interval: the timer is due a whole interval
         * after it was armed. (Read from the source, not by waiting part
         * of the interval: a loaded machine can sleep through it.) */
        assert_true(next_time(p) >= armed + 100 * USEC_PER_MSEC);
        assert_int_equal(polls, 0);
        /* Then once per interval, re-armed each time. */
        while (polls < 3)
                assert_true(sd_event_run(e, USEC_PER_SEC) >= 0);
        assert_int_equal(polls, 3);
        assert_non_null(pending_poll_get_source(p));

        /* A re-read (Refresh, a device uevent) postpones the next poll
         * rather than adding one. */
        before = next_time(p);
        /* Time passing is what is tested here (a later re-read moves the
         * poll later), not a wait for an event. */
        struct timespec ts = { .tv_nsec = 30 * 1000000 };
        nanosleep(&ts, NULL);
        /* Restarts happen in a dispatch, after the loop took the time.
         * (On a loaded machine the poll itself may be due by now: either
         * way the restart below moves the next one later.) */
        assert_true(sd_event_run(e, 0) >= 0);
        pending_poll_restart(p);
        assert_true(next_time(p) > before);

        /* The same interval again changes nothing. */
        before = next_time(p);
        assert_int_equal(pending_poll_set_interval(p, 100 * USEC_PER_MSEC), 0);
        assert_int_equal(next_time(p), before);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_interval_for),
                cmocka_unit_test(test_schedule),
                cmocka_unit_test(test_fires_and_restarts),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
