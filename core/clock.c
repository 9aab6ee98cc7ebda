/* clock.c: the TSC scaled to wall-clock microseconds, re-anchored by the cron (see clock.h). */
#include "clock.h"

#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#if defined(__x86_64__)
#include <x86intrin.h>
#define CLOCK_HAVE_TSC 1
__extension__ typedef unsigned __int128 u128;
#else
#define CLOCK_HAVE_TSC 0
#endif

/* A rate is measured over at least this much wall time. */
#define MIN_INTERVAL_NS 50000000LL
/* Reads further than this past the anchor use gettimeofday. */
#define MAX_EXTRAPOLATE_NS 2000000000ULL
/* A new rate within 1/1024 (~0.1%) of the current one replaces it: that is
 * NTP slewing (at most 0.05%) plus measurement noise. Further off, the wall
 * clock was probably stepped during the interval and the rate is kept, unless
 * that many measurements in a row disagree (the first rate was wrong). */
#define AGREE_SHIFT 10
#define DISAGREE_ADOPT 5
/* Plausible rates, as ns per tick << 32: 20 GHz .. 100 MHz. */
#define MULT_MIN ((1ULL << 32) / 20)
#define MULT_MAX ((1ULL << 32) * 10)

static struct {
    /* what a read needs */
    int use_tsc;          /* rate known and no fallback forced */
    uint64_t anchor_tsc;
    long long anchor_ns;  /* CLOCK_REALTIME at anchor_tsc */
    uint64_t mult;        /* ns per tick, fixed point << 32 */
    uint64_t max_delta;   /* ticks in MAX_EXTRAPOLATE_NS */
    /* calibration */
    int capable, have_rate, forced, disagreements;
    uint64_t base_tsc;    /* where the running rate measurement started */
    long long base_ns;
} clk;

static long long wall_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

#if CLOCK_HAVE_TSC
/* Whether the whitespace-separated list s holds the word w. */
static int has_word(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = s; (p = strstr(p, w)) != NULL; p += n) {
        int start = p == s || p[-1] == ' ' || p[-1] == '\t';
        int end = p[n] == '\0' || p[n] == ' ' || p[n] == '\t' || p[n] == '\n';
        if (start && end)
            return 1;
    }
    return 0;
}

/* An invariant TSC: same rate at every P-state (constant_tsc) and ticking
 * through C-states (nonstop_tsc). */
static int detect_tsc(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return 0;
    char line[8192];
    int ok = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "flags", 5) != 0)
            continue;
        ok = has_word(line, "constant_tsc") && has_word(line, "nonstop_tsc");
        break;
    }
    fclose(f);
    return ok;
}

/* A (TSC, CLOCK_REALTIME) pair: the TSC halfway through the tightest of a few
 * tries, so a preemption between the two reads does not skew it. */
static void read_pair(uint64_t *tsc, long long *wall_ns)
{
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < 4; i++) {
        struct timespec ts;
        uint64_t t1 = __rdtsc();
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t t2 = __rdtsc();
        if (t2 < t1 || (best != UINT64_MAX && t2 - t1 >= best))
            continue;
        best = t2 - t1;
        *tsc = t1 + best / 2;
        *wall_ns = (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
    }
    if (best == UINT64_MAX) { /* the TSC went back every time: a pair anyway */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        *tsc = __rdtsc();
        *wall_ns = (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
    }
}
#endif

static void update_use(void)
{
    clk.use_tsc = clk.have_rate && !clk.forced;
}

void clock_init(void)
{
    memset(&clk, 0, sizeof clk);
#if CLOCK_HAVE_TSC
    clk.capable = detect_tsc();
    if (clk.capable)
        read_pair(&clk.base_tsc, &clk.base_ns);
#endif
    update_use();
}

void clock_calibrate_at(uint64_t tsc, long long wall_ns)
{
#if CLOCK_HAVE_TSC
    if (!clk.capable)
        return;
    long long dns = wall_ns - clk.base_ns;
    if (tsc <= clk.base_tsc || dns <= 0) {
        /* The TSC (another CPU) or the wall clock went back: no measurement;
         * the next one starts here. */
        clk.base_tsc = tsc;
        clk.base_ns = wall_ns;
    } else if (dns >= MIN_INTERVAL_NS) {
        u128 m = ((u128)dns << 32) / (tsc - clk.base_tsc);
        clk.base_tsc = tsc;
        clk.base_ns = wall_ns;
        if (m >= MULT_MIN && m <= MULT_MAX) {
            uint64_t diff = (uint64_t)m > clk.mult ? (uint64_t)m - clk.mult : clk.mult - (uint64_t)m;
            if (!clk.have_rate || diff <= clk.mult >> AGREE_SHIFT ||
                ++clk.disagreements >= DISAGREE_ADOPT) {
                clk.mult = (uint64_t)m;
                clk.max_delta = (uint64_t)(((u128)MAX_EXTRAPOLATE_NS << 32) / m);
                clk.have_rate = 1;
                clk.disagreements = 0;
            }
        }
    }
    /* Before the first rate, reads use gettimeofday and need no anchor. */
    if (clk.have_rate) {
        clk.anchor_tsc = tsc;
        clk.anchor_ns = wall_ns;
    }
    update_use();
#else
    (void)tsc;
    (void)wall_ns;
#endif
}

void clock_calibrate(void)
{
#if CLOCK_HAVE_TSC
    if (!clk.capable)
        return;
    uint64_t tsc;
    long long ns;
    read_pair(&tsc, &ns);
    clock_calibrate_at(tsc, ns);
#endif
}

long long clock_fast_us(void)
{
#if CLOCK_HAVE_TSC
    if (clk.use_tsc) {
        /* Unsigned: a TSC behind the anchor wraps past max_delta. */
        uint64_t d = __rdtsc() - clk.anchor_tsc;
        if (d <= clk.max_delta)
            return (clk.anchor_ns + (long long)(((u128)d * clk.mult) >> 32)) / 1000;
    }
#endif
    return wall_us();
}

int clock_tsc_capable(void)
{
    return clk.capable;
}

int clock_using_tsc(void)
{
    return clk.use_tsc;
}

double clock_tsc_hz(void)
{
    return clk.have_rate ? 1e9 * 4294967296.0 / (double)clk.mult : 0;
}

void clock_force_fallback(int on)
{
    clk.forced = on != 0;
    update_use();
}
