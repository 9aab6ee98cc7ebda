/* clock.h: a cheap wall clock for timing commands: the TSC scaled to unix microseconds. */
#ifndef MODIS_CLOCK_H
#define MODIS_CLOCK_H

#include <stdint.h>

/*
 * clock_fast_us() returns wall-clock unix microseconds, as gettimeofday, at a
 * fraction of its cost where the CPU has an invariant TSC (x86-64 with
 * constant_tsc and nonstop_tsc in /proc/cpuinfo): it extrapolates from an
 * anchor, a (TSC, CLOCK_REALTIME) pair, with a TSC rate measured against
 * CLOCK_REALTIME (never assumed). clock_calibrate(), run by the cron, takes a
 * fresh anchor each time, which bounds drift and picks up wall-clock steps,
 * and refines the rate over intervals of at least 50 ms.
 *
 * It reads gettimeofday instead until a first rate is known (50 ms after
 * clock_init), on other CPUs, and for any read whose TSC is behind the anchor
 * (a CPU with another TSC offset) or more than 2 s past it (the cron is late).
 *
 * Like gettimeofday it is not monotonic: between two calibrations successive
 * reads never go back, but a new anchor may put the clock back by the
 * calibration error (typically well under a microsecond), and by any amount
 * when the wall clock was stepped back. Durations taken with it, or between it
 * and gettimeofday, are clamped at 0 by their users.
 *
 * Single-threaded: the server's main thread reads and calibrates.
 */

/* Detects the TSC and takes the first anchor (also resets any state). */
void clock_init(void);
/* Re-anchors and refines the rate; cheap (a few clock reads). */
void clock_calibrate(void);
long long clock_fast_us(void);

/* Whether the CPU has an invariant TSC (known after clock_init). */
int clock_tsc_capable(void);
/* Whether reads use the TSC now (a rate is known and no fallback forced);
 * a single read may still fall back, see above. */
int clock_using_tsc(void);
/* The measured TSC rate in Hz, 0 until known. */
double clock_tsc_hz(void);

/* For tests: forces every read onto gettimeofday (on = 1) or back (0). */
void clock_force_fallback(int on);
/* For tests: clock_calibrate with a given (TSC, CLOCK_REALTIME ns) pair. */
void clock_calibrate_at(uint64_t tsc, long long wall_ns);

#endif
