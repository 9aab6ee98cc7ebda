/* test_clock.c: unit tests for the TSC wall clock (core/clock.c): accuracy, calibration guards, fallback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

#include "clock.h"

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#define SLACK_US 2000

static long long gtod_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

static long long realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* One read between two gettimeofday reads: within SLACK_US of that window. */
static void assert_near_wall(long long slack_us)
{
    long long before = gtod_us();
    long long t = clock_fast_us();
    long long after = gtod_us();
    if (t < before - slack_us || t > after + slack_us)
        fail_msg("clock_fast_us %lld outside [%lld, %lld] +- %lld us", t, before, after, slack_us);
}

/* Init and one calibration across 60 ms: the TSC is in use where it can be. */
static void init_calibrated(void)
{
    clock_init();
    sleep_ms(60);
    clock_calibrate();
    assert_int_equal(clock_using_tsc(), clock_tsc_capable());
}

static void tsc_needed(void)
{
    if (!clock_tsc_capable()) {
        printf("# no invariant TSC here: skipped\n");
        skip();
    }
}

static void gettimeofday_until_a_first_interval_has_passed(void **state)
{
    (void)state;
    clock_init();
    clock_calibrate(); /* well under 50 ms since init: no rate yet */
    assert_false(clock_using_tsc());
    assert_true(clock_tsc_hz() == 0);
    for (int i = 0; i < 100; i++)
        assert_near_wall(1000);
    sleep_ms(60);
    clock_calibrate();
    assert_int_equal(clock_using_tsc(), clock_tsc_capable());
}

static void the_measured_rate_is_plausible(void **state)
{
    (void)state;
    init_calibrated();
    tsc_needed();
    double hz = clock_tsc_hz();
    printf("# TSC %.6f GHz\n", hz / 1e9);
    assert_true(hz >= 1e8 && hz <= 2e10);
}

static void tracks_gettimeofday_with_calibrations_in_between(void **state)
{
    (void)state;
    init_calibrated();
    tsc_needed();
    /* 300 reads over ~200 ms, a calibration every 30 reads (~20 ms). */
    for (int i = 0; i < 300; i++) {
        assert_near_wall(SLACK_US);
        assert_true(clock_using_tsc());
        if (i % 30 == 29)
            clock_calibrate();
        struct timespec ts = {0, 666000};
        nanosleep(&ts, NULL);
    }
}

static void tracks_gettimeofday_for_200ms_without_calibration(void **state)
{
    (void)state;
    init_calibrated();
    tsc_needed();
    /* The extrapolation error grows with the distance from the anchor: a
     * wrong rate shows here. */
    long long end = gtod_us() + 200000;
    int n = 0;
    while (gtod_us() < end) {
        assert_near_wall(SLACK_US);
        struct timespec ts = {0, 500000};
        nanosleep(&ts, NULL);
        n++;
    }
    assert_true(n > 50);
}

static void never_goes_back_between_calibrations(void **state)
{
    (void)state;
    init_calibrated();
    long long prev = clock_fast_us();
    for (int i = 0; i < 200000; i++) {
        long long t = clock_fast_us();
        if (t < prev)
            fail_msg("read %d: %lld after %lld", i, t, prev);
        prev = t;
    }
}

static void forced_fallback_is_gettimeofday(void **state)
{
    (void)state;
    init_calibrated();
    clock_force_fallback(1);
    assert_false(clock_using_tsc());
    for (int i = 0; i < 1000; i++)
        assert_near_wall(1000);
    /* The calibration goes on underneath and does not lift it. */
    sleep_ms(60);
    clock_calibrate();
    assert_false(clock_using_tsc());
    clock_force_fallback(0);
    assert_int_equal(clock_using_tsc(), clock_tsc_capable());
    assert_near_wall(SLACK_US);
}

#if defined(__x86_64__)
static void implausible_rates_are_not_taken(void **state)
{
    (void)state;
    clock_init();
    tsc_needed();
    uint64_t t = __rdtsc();
    long long w = realtime_ns();
    /* ~1000 ticks in 100 ms: 10 kHz */
    clock_calibrate_at(t + 1000, w + 100000000);
    assert_false(clock_using_tsc());
    /* 5e9 ticks in 100 ms: 50 GHz */
    clock_calibrate_at(t + 1000 + 5000000000ULL, w + 200000000);
    assert_false(clock_using_tsc());
    assert_true(clock_tsc_hz() == 0);
    assert_near_wall(1000);
}

static void a_tsc_behind_the_anchor_reads_gettimeofday(void **state)
{
    (void)state;
    init_calibrated();
    tsc_needed();
    /* An anchor 1e9 ticks ahead with the wall clock of now, as another CPU
     * with a TSC offset would give: the reads here are behind it. */
    clock_calibrate_at(__rdtsc() + 1000000000ULL, realtime_ns());
    assert_true(clock_using_tsc());
    for (int i = 0; i < 1000; i++)
        assert_near_wall(1000);
    /* A calibration on this TSC takes over again. */
    clock_calibrate();
    assert_near_wall(SLACK_US);
}

static void reads_far_past_the_anchor_read_gettimeofday(void **state)
{
    (void)state;
    init_calibrated();
    tsc_needed();
    /* An anchor 3 s back (further than a read extrapolates), 1 h off the wall
     * clock: a read that used it would be an hour off. */
    double hz = clock_tsc_hz();
    uint64_t back = (uint64_t)(3 * hz);
    clock_calibrate_at(__rdtsc() - back, realtime_ns() - 3600 * 1000000000LL);
    assert_true(clock_using_tsc());
    assert_near_wall(1000);
}

static void a_wall_clock_step_moves_the_clock_and_keeps_the_rate(void **state)
{
    (void)state;
    init_calibrated();
    tsc_needed();
    double hz = clock_tsc_hz();
    sleep_ms(60);
    /* 10 s forward: the rate over the interval is implausible, the anchor is
     * taken. */
    clock_calibrate_at(__rdtsc(), realtime_ns() + 10000000000LL);
    assert_true(clock_tsc_hz() == hz);
    long long t = clock_fast_us(), g = gtod_us();
    assert_true(t - g > 10000000 - SLACK_US && t - g < 10000000 + SLACK_US);
    /* Back to the real clock at the next calibration. */
    clock_calibrate();
    assert_true(clock_tsc_hz() == hz);
    assert_near_wall(SLACK_US);
    /* 1 ms forward over 60 ms: a plausible rate 1.7% off, not taken. */
    sleep_ms(60);
    clock_calibrate_at(__rdtsc(), realtime_ns() + 1000000);
    assert_true(clock_tsc_hz() == hz);
}

static void a_rate_that_keeps_disagreeing_is_taken_on_the_fifth_time(void **state)
{
    (void)state;
    init_calibrated();
    tsc_needed();
    double hz = clock_tsc_hz();
    uint64_t t = __rdtsc();
    long long w = realtime_ns();
    /* Intervals of 100 ms with 1.5x the ticks. */
    uint64_t step = (uint64_t)(0.15 * hz);
    for (int i = 1; i <= 5; i++) {
        clock_calibrate_at(t + (uint64_t)i * step, w + i * 100000000LL);
        double now = clock_tsc_hz();
        if (i < 5)
            assert_true(now > hz * 0.999 && now < hz * 1.001);
        else
            assert_true(now > hz * 1.49 && now < hz * 1.51);
    }
}

static void slewing_rates_are_followed(void **state)
{
    (void)state;
    init_calibrated();
    tsc_needed();
    double hz = clock_tsc_hz();
    uint64_t t = __rdtsc();
    long long w = realtime_ns();
    /* The wall clock running 500 ppm slow: ticks per ns up by 0.05%. */
    uint64_t step = (uint64_t)(0.1 * hz * 1.0005);
    clock_calibrate_at(t + step, w + 100000000LL);
    double now = clock_tsc_hz();
    assert_true(now > hz * 1.0004 && now < hz * 1.0006);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gettimeofday_until_a_first_interval_has_passed),
        cmocka_unit_test(the_measured_rate_is_plausible),
        cmocka_unit_test(tracks_gettimeofday_with_calibrations_in_between),
        cmocka_unit_test(tracks_gettimeofday_for_200ms_without_calibration),
        cmocka_unit_test(never_goes_back_between_calibrations),
        cmocka_unit_test(forced_fallback_is_gettimeofday),
#if defined(__x86_64__)
        cmocka_unit_test(implausible_rates_are_not_taken),
        cmocka_unit_test(a_tsc_behind_the_anchor_reads_gettimeofday),
        cmocka_unit_test(reads_far_past_the_anchor_read_gettimeofday),
        cmocka_unit_test(a_wall_clock_step_moves_the_clock_and_keeps_the_rate),
        cmocka_unit_test(a_rate_that_keeps_disagreeing_is_taken_on_the_fifth_time),
        cmocka_unit_test(slewing_rates_are_followed),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
