/* uring.c: socket I/O through io_uring: input streams in through multishot
 * recv, the sends of a turn go out with the wait that ends it, and that wait
 * may gather several arrivals before it wakes the server. */
#include "uring.h"

#include "alloc.h"
#include "clock.h"
#include "log.h"

#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The completion queue holds every send of a turn plus the arrivals (past
 * INLINE_MAX sends they are collected early). The buffers lent to multishot
 * recv are BUF_SIZE each: BUF_FIRST at first, twice as many each time one
 * turn's arrivals ran out of them, up to NBUFS. The ring hands them out in
 * turn, so every buffer lent ends up touched: a server keeps only as many as
 * its busiest turn needed. */
#define CQ_ENTRIES 8192
#define INLINE_MAX 4096
#define NBUFS 256
#define BUF_SIZE (16 * 1024)
#define BUF_FIRST 4
#define BGID 0
/* Coalescing: a wait gathers up to COALESCE_MAX arrivals within its window. */
#define COALESCE_MAX 16
#define COALESCE_BACKOFF_MAX 1024

_Static_assert(URING_CQE_BUFFER == IORING_CQE_F_BUFFER, "completion flag values");
_Static_assert(URING_CQE_MORE == IORING_CQE_F_MORE, "completion flag values");

static struct io_uring ring;
static int active;
static struct io_uring_buf_ring *bufring;
static char *bufs[NBUFS];
static unsigned nbufs;       /* buffers lent so far (allocated) */
static unsigned inline_ops;  /* sends queued or submitted since the last wait */
static uring_cqe_rec *stash; /* completions gathered, not yet handed out */
static int nstash, capstash;
static uring_cqe_rec *handed; /* what the last uring_wait returned */
static int caphanded;
static long long poll_us; /* busy-poll limit, 0: off */
/* A poll that finds nothing burns its whole limit, so polling pays only
 * while input usually comes within it. poll_score is a moving average of
 * the polls' outcomes (1024: all found input; each new one weighs
 * 1/POLL_AVG). Below POLL_GATE the loop goes to sleep at once, but for one
 * wait in POLL_PROBE, which polls to see whether input came back to a quick
 * pace. */
#define POLL_AVG 32
#define POLL_GATE 768 /* 75% */
#define POLL_PROBE 16
static int poll_score = 1024;
static unsigned poll_skips;
static unsigned long long poll_hits, poll_misses;
static int ring_flagged;       /* set up with IORING_SETUP_TASKRUN_FLAG */
static int has_min_wait;       /* the kernel takes a minimum wait (IORING_FEAT_MIN_TIMEOUT) */
static int has_no_iowait;      /* waits can be kept out of iowait (IORING_FEAT_NO_IOWAIT) */
static int ring_registered;    /* enter through ring.enter_ring_fd */
static unsigned coalesce_us;   /* wake-up coalescing window, 0: off */
static unsigned coalesce_skip; /* plain waits left before the next coalesced one */
static unsigned coalesce_backoff = 1;
static unsigned long long coalesce_hits, coalesce_misses;

int uring_active(void)
{
    return active;
}

static void stash_cqe(const struct io_uring_cqe *cqe)
{
    if (nstash == capstash) {
        capstash = capstash ? capstash * 2 : 256;
        stash = zrealloc(stash, sizeof *stash * (size_t)capstash);
    }
    stash[nstash++] = (uring_cqe_rec){cqe->user_data, cqe->res, cqe->flags};
}

/* Moves every completion in the queue to the stash. */
static void harvest(void)
{
    struct io_uring_cqe *cqe;
    unsigned head, seen = 0;
    io_uring_for_each_cqe(&ring, head, cqe)
    {
        stash_cqe(cqe);
        seen++;
    }
    io_uring_cq_advance(&ring, seen);
}

/* Fails on anything but an interruption: the kernel may have taken part of
 * what was submitted, and falling back would need to know which part. */
static void enter_failed(int r)
{
    log_msg(LOG_WARNING, "io_uring: io_uring_enter failed: %s", strerror(-r));
    abort();
}

static int enter_ok(int r)
{
    return r >= 0 || r == -EINTR || r == -EAGAIN || r == -EBUSY;
}

/* An SQE; a full submission queue is flushed to the kernel first (its sends
 * complete then, their results wait in the completion queue). */
static struct io_uring_sqe *stream_sqe(void)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    if (!sqe) {
        uring_flush();
        sqe = io_uring_get_sqe(&ring);
        if (!sqe)
            enter_failed(-EBUSY);
    }
    return sqe;
}

void uring_recv_stream(int fd, uint64_t tag)
{
    struct io_uring_sqe *sqe = stream_sqe();
    io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = BGID;
    io_uring_sqe_set_data64(sqe, tag);
}

void uring_poll_in(int fd, uint64_t tag)
{
    struct io_uring_sqe *sqe = stream_sqe();
    io_uring_prep_poll_add(sqe, fd, POLLIN);
    io_uring_sqe_set_data64(sqe, tag);
}

void uring_cancel(uint64_t tag)
{
    struct io_uring_sqe *sqe = stream_sqe();
    io_uring_prep_cancel64(sqe, tag, IORING_ASYNC_CANCEL_ALL);
    io_uring_sqe_set_data64(sqe, URING_TAG(URING_TAG_IGNORE, 0));
}

void uring_flush(void)
{
    int r = io_uring_submit(&ring);
    if (!enter_ok(r))
        enter_failed(r);
}

/* Too many sends waiting in the completion queue: collect them now. */
static void drain_inline(void)
{
    if (inline_ops < INLINE_MAX)
        return;
    int r = io_uring_submit_and_wait(&ring, inline_ops);
    if (!enter_ok(r))
        enter_failed(r);
    harvest();
    inline_ops = 0;
}

void uring_send(int fd, const void *buf, size_t len, uint64_t tag)
{
    drain_inline();
    struct io_uring_sqe *sqe = stream_sqe();
    io_uring_prep_send(sqe, fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, tag);
    inline_ops++;
}

void uring_sendmsg(int fd, const struct msghdr *msg, uint64_t tag)
{
    drain_inline();
    struct io_uring_sqe *sqe = stream_sqe();
    io_uring_prep_sendmsg(sqe, fd, msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, tag);
    inline_ops++;
}

void uring_busy_poll(long long us)
{
    long long v = us > 0 ? us : 0;
    if (v != poll_us) { /* a changed limit starts afresh */
        poll_score = 1024;
        poll_skips = 0;
    }
    poll_us = v;
}

void uring_busy_poll_stats(unsigned long long *hits, unsigned long long *misses)
{
    *hits = poll_hits;
    *misses = poll_misses;
}

/* Input the kernel holds for us: deferred task work, or completions
 * already posted. A ring set up with TASKRUN_FLAG raises a flag when the
 * first item of task work is queued (nobody is woken while we are not
 * asleep), so looking costs one load; otherwise each look is a system call
 * that runs the task work. */
static int news_pending(unsigned want)
{
    if (!ring_flagged || (IO_URING_READ_ONCE(*ring.sq.kflags) & IORING_SQ_TASKRUN)) {
        int r = io_uring_get_events(&ring);
        if (!enter_ok(r))
            enter_failed(r);
    }
    return io_uring_cq_ready(&ring) >= want;
}

/* Submits, then watches the ring for up to poll_us (and no longer than the
 * caller's timeout). Returns the microseconds spent. No pause instruction
 * in the loop: in a virtual machine a run of them makes the hypervisor take
 * the CPU away. */
static long long busy_poll(unsigned want, long long timeout_us)
{
    int r = io_uring_submit_and_get_events(&ring);
    if (!enter_ok(r))
        enter_failed(r);
    if (io_uring_cq_ready(&ring) >= want)
        return 0;
    long long limit = timeout_us >= 0 && timeout_us < poll_us ? timeout_us : poll_us;
    long long start = clock_fast_us(), now = start;
    for (unsigned k = 1;; k++) {
        if (news_pending(want)) {
            poll_hits++;
            return now - start;
        }
        if ((k & 63) == 0) {
            now = clock_fast_us();
            if (now - start >= limit || now < start)
                break;
        }
    }
    poll_misses++;
    return now - start;
}

void uring_coalesce(long long us)
{
    unsigned v = us > 0 ? (unsigned)us : 0;
    if (v != coalesce_us) { /* a changed setting starts without a backoff */
        coalesce_skip = 0;
        coalesce_backoff = 1;
    }
    coalesce_us = v;
}

void uring_coalesce_stats(unsigned long long *hits, unsigned long long *misses)
{
    *hits = coalesce_hits;
    *misses = coalesce_misses;
}

int uring_can_coalesce(void)
{
    return active && has_min_wait;
}

/* Kernels 6.12 and 6.15 name these; the headers of older liburing do not. */
#ifndef IORING_FEAT_MIN_TIMEOUT
#define IORING_FEAT_MIN_TIMEOUT (1U << 15)
#endif
#ifndef IORING_FEAT_NO_IOWAIT
#define IORING_FEAT_NO_IOWAIT (1U << 17)
#endif
#ifndef IORING_ENTER_NO_IOWAIT
#define IORING_ENTER_NO_IOWAIT (1U << 7)
#endif

int uring_no_iowait(void)
{
    return active && has_no_iowait;
}

/* What io_uring_submit does before entering: publishes the queued SQEs.
 * Returns how many the kernel has yet to take. */
static unsigned flush_sq(void)
{
    struct io_uring_sq *sq = &ring.sq;
    unsigned tail = sq->sqe_tail;
    if (sq->sqe_head != tail) {
        sq->sqe_head = tail;
        io_uring_smp_store_release(sq->ktail, tail);
    }
    return tail - IO_URING_READ_ONCE(*sq->khead);
}

/* Submits and waits for `want` completions, for up to timeout_us (-1: no
 * limit). With min_us, only for that long: past it, any completion there
 * ends the wait, and with none it goes on for one until the timeout.
 *
 * Made here rather than through liburing for two things the version Debian
 * 12 ships cannot ask for: the minimum (io_uring_submit_and_wait_min_timeout
 * came later; older headers call its field pad, newer ones min_wait_usec),
 * and IORING_ENTER_NO_IOWAIT. Without that flag the kernel counts a task
 * asleep in io_uring_enter with a request in flight (our multishot
 * receives, always) as waiting for I/O: an idle server showed its CPU 100%
 * in iowait, and the host's I/O pressure (/proc/pressure/io) near 90%,
 * where Redis on epoll shows neither. */
struct enter_arg {
    uint64_t sigmask;
    uint32_t sigmask_sz;
    uint32_t min_wait_usec;
    uint64_t ts;
};
_Static_assert(sizeof(struct enter_arg) == sizeof(struct io_uring_getevents_arg),
               "io_uring_getevents_arg layout");

static int enter_wait(unsigned want, long long timeout_us, unsigned min_us)
{
    /* Without a timeout the kernel ends a wait with a minimum when the
     * minimum is up, even with nothing come: an hour stands in for none. */
    if (timeout_us < 0 && min_us)
        timeout_us = 3600LL * 1000000;
    struct __kernel_timespec ts = {.tv_sec = timeout_us / 1000000,
                                   .tv_nsec = (timeout_us % 1000000) * 1000};
    struct enter_arg arg = {.sigmask_sz = _NSIG / 8,
                            .min_wait_usec = min_us,
                            .ts = timeout_us < 0 ? 0 : (uint64_t)(uintptr_t)&ts};
    unsigned flags = IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG;
    if (has_no_iowait)
        flags |= IORING_ENTER_NO_IOWAIT;
    int fd = ring.ring_fd;
    if (ring_registered) {
        flags |= IORING_ENTER_REGISTERED_RING;
        fd = ring.enter_ring_fd;
    }
    return io_uring_enter2((unsigned)fd, flush_sq(), want, flags, (sigset_t *)&arg, sizeof arg);
}

int uring_wait(long long timeout_us, uring_cqe_rec **out)
{
    /* The sends complete while they are submitted (MSG_DONTWAIT), so waiting
     * for one completion more than them waits for news from the network. */
    unsigned want = inline_ops + 1;
    inline_ops = 0;
    if (nstash > 0)
        timeout_us = 0;
    if (poll_us && timeout_us != 0 && (poll_score >= POLL_GATE || ++poll_skips % POLL_PROBE == 0)) {
        unsigned long long hits = poll_hits, misses = poll_misses;
        long long spent = busy_poll(want, timeout_us);
        if (poll_hits != hits || poll_misses != misses)
            poll_score += ((poll_hits != hits ? 1024 : 0) - poll_score) / POLL_AVG;
        if (io_uring_cq_ready(&ring) >= want)
            timeout_us = 0;
        else if (timeout_us > 0)
            timeout_us = spent < timeout_us ? timeout_us - spent : 0;
    }
    int r, coalesced = 0;
    if (coalesce_us && has_min_wait && !poll_us && timeout_us != 0 && coalesce_skip == 0) {
        unsigned us = timeout_us > 0 && timeout_us < coalesce_us ? (unsigned)timeout_us
                                                                  : coalesce_us;
        r = enter_wait(want + COALESCE_MAX - 1, timeout_us, us);
        coalesced = 1;
    } else if (has_no_iowait) {
        r = enter_wait(want, timeout_us, 0);
    } else if (timeout_us < 0) {
        r = io_uring_submit_and_wait(&ring, want);
    } else {
        struct __kernel_timespec ts = {.tv_sec = timeout_us / 1000000,
                                       .tv_nsec = (timeout_us % 1000000) * 1000};
        struct io_uring_cqe *cqe;
        r = io_uring_submit_and_wait_timeout(&ring, &cqe, want, &ts, NULL);
    }
    if (!enter_ok(r) && r != -ETIME)
        enter_failed(r);
    harvest();
    if (coalesced) {
        /* Two arrivals or more: the wait saved the senders wake-ups. One:
         * it only held that one back, so skip a few waits, twice as many
         * after each such miss in a row (a lone client is held back once
         * in COALESCE_BACKOFF_MAX requests). None (a timeout): no harm. */
        if ((unsigned)nstash > want) {
            coalesce_hits++;
            coalesce_backoff = 1;
        } else if ((unsigned)nstash == want) {
            coalesce_misses++;
            coalesce_skip = coalesce_backoff;
            if (coalesce_backoff < COALESCE_BACKOFF_MAX)
                coalesce_backoff *= 2;
        }
    } else if (coalesce_skip && timeout_us != 0) {
        coalesce_skip--;
    }
    /* Hand the stash out and gather into the other array from now on, so
     * what the caller holds stays put even if it queues more. */
    uring_cqe_rec *t = handed;
    int tcap = caphanded;
    handed = stash;
    caphanded = capstash;
    stash = t;
    capstash = tcap;
    int n = nstash;
    nstash = 0;
    *out = handed;
    return n;
}

char *uring_buf(unsigned flags)
{
    return bufs[flags >> IORING_CQE_BUFFER_SHIFT];
}

void uring_buf_release(unsigned flags)
{
    unsigned bid = flags >> IORING_CQE_BUFFER_SHIFT;
    io_uring_buf_ring_add(bufring, bufs[bid], BUF_SIZE, (unsigned short)bid,
                          io_uring_buf_ring_mask(NBUFS), 0);
    io_uring_buf_ring_advance(bufring, 1);
}

unsigned uring_bufs_lent(void)
{
    return nbufs;
}

void uring_bufs_grow(void)
{
    unsigned n = 0, more = nbufs ? nbufs : BUF_FIRST;
    for (; n < more && nbufs < NBUFS; n++, nbufs++) {
        bufs[nbufs] = zmalloc(BUF_SIZE);
        io_uring_buf_ring_add(bufring, bufs[nbufs], BUF_SIZE, (unsigned short)nbufs,
                              io_uring_buf_ring_mask(NBUFS), (int)n);
    }
    if (n) {
        io_uring_buf_ring_advance(bufring, (int)n);
        log_msg(LOG_DEBUG, "io_uring: %u receive buffers lent", nbufs);
    }
}


/* Two arrivals on a socket pair, each in a lent buffer and flagged to
 * continue; sends into a socket until it is full, each completing at
 * submission; then the cancel ends the stream. */
static int probe(char *err, size_t errlen)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        snprintf(err, errlen, "socketpair: %s", strerror(errno));
        return -1;
    }
    int rc = -1, got = 0, n;
    uint64_t tag = URING_TAG(URING_TAG_RECV, 1), stag = URING_TAG(URING_TAG_SEND, 1);
    uring_cqe_rec *cq;
    uring_recv_stream(sv[0], tag);
    for (int round = 0; round < 2; round++) {
        if (write(sv[1], round ? "bc" : "a", (size_t)round + 1) != round + 1) {
            snprintf(err, errlen, "write: %s", strerror(errno));
            goto out;
        }
        n = uring_wait(100000, &cq);
        for (int i = 0; i < n; i++) {
            if (cq[i].tag != tag)
                continue;
            int ok = cq[i].res == round + 1 && (cq[i].flags & IORING_CQE_F_MORE) &&
                     (cq[i].flags & IORING_CQE_F_BUFFER);
            if (ok && memcmp(uring_buf(cq[i].flags), round ? "bc" : "a", (size_t)round + 1))
                ok = 0;
            if (cq[i].flags & IORING_CQE_F_BUFFER)
                uring_buf_release(cq[i].flags);
            if (!ok) {
                snprintf(err, errlen, "multishot recv gave %d (flags %#x)", cq[i].res,
                         cq[i].flags);
                goto out;
            }
            got++;
        }
    }
    if (got != 2) {
        snprintf(err, errlen, "multishot recv: %d of 2 arrivals", got);
        goto out;
    }
    /* sv[0] now streams into lent buffers; fill sv[0]'s peer direction. */
    static char block[64 * 1024];
    for (int i = 0; i < 1000; i++) {
        uring_send(sv[0], block, sizeof block, stag);
        n = uring_wait(0, &cq);
        int res = 1, seen = 0;
        for (int k = 0; k < n; k++) {
            if (cq[k].tag == stag) {
                res = cq[k].res;
                seen = 1;
            }
        }
        if (!seen) {
            snprintf(err, errlen, "a MSG_DONTWAIT send did not complete at submission");
            goto out;
        }
        if (res == -EAGAIN) {
            rc = 0;
            goto out;
        }
        if (res <= 0) {
            snprintf(err, errlen, "send: %s", res < 0 ? strerror(-res) : "nothing sent");
            goto out;
        }
    }
    snprintf(err, errlen, "send: the socket never filled");
out:
    uring_cancel(tag);
    n = uring_wait(0, &cq); /* the cancel's own completion and the stream's last */
    for (int i = 0; i < n; i++)
        if (cq[i].flags & IORING_CQE_F_BUFFER)
            uring_buf_release(cq[i].flags);
    close(sv[0]);
    close(sv[1]);
    return rc;
}

/* Setup flags from the most to the least recent kernel: the ring is fed and
 * reaped by this one thread, so the kernel can skip the locking and the
 * task-work signalling it would otherwise do (6.1+, then 5.19+). Pending
 * task work raises a flag in the ring, which busy polling watches. */
static const unsigned setup_flags[] = {
    IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SINGLE_ISSUER |
        IORING_SETUP_DEFER_TASKRUN,
    IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN,
    0,
};

int uring_init(char *err, size_t errlen)
{
    int r = -EINVAL;
    for (size_t i = 0; i < sizeof setup_flags / sizeof setup_flags[0] && r == -EINVAL; i++) {
        /* Busy polling from the start: pending task work raises a flag the
         * poll can watch. Not otherwise: liburing then enters the kernel to
         * flush more often, a few percent of CPU at one request per turn. */
        unsigned extra = poll_us && (setup_flags[i] & IORING_SETUP_COOP_TASKRUN)
                             ? IORING_SETUP_TASKRUN_FLAG
                             : 0;
        struct io_uring_params p = {.flags = setup_flags[i] | extra | IORING_SETUP_CQSIZE,
                                    .cq_entries = CQ_ENTRIES};
        r = io_uring_queue_init_params(URING_ENTRIES, &ring, &p);
        ring_flagged = r == 0 && extra;
        has_min_wait = r == 0 && (p.features & IORING_FEAT_MIN_TIMEOUT);
        has_no_iowait = r == 0 && (p.features & IORING_FEAT_NO_IOWAIT);
    }
    if (r < 0) {
        snprintf(err, errlen, "io_uring_setup: %s", strerror(-r));
        return -1;
    }
    active = 1;
    size_t sz = sizeof(struct io_uring_buf) * NBUFS;
    void *mem = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        snprintf(err, errlen, "mmap: %s", strerror(errno));
        uring_free();
        return -1;
    }
    bufring = mem;
    io_uring_buf_ring_init(bufring);
    struct io_uring_buf_reg reg = {
        .ring_addr = (uint64_t)(uintptr_t)mem, .ring_entries = NBUFS, .bgid = BGID};
    r = io_uring_register_buf_ring(&ring, &reg, 0);
    if (r < 0) {
        snprintf(err, errlen, "buffer ring: %s", strerror(-r));
        uring_free();
        return -1;
    }
    uring_bufs_grow();
    if (probe(err, errlen) < 0) {
        uring_free();
        return -1;
    }
    /* Lets io_uring_enter skip looking the ring's fd up on every call. */
    ring_registered = io_uring_register_ring_fd(&ring) == 1;
    return 0;
}

void uring_free(void)
{
    if (!active)
        return;
    io_uring_queue_exit(&ring);
    active = 0;
    if (bufring)
        munmap(bufring, sizeof(struct io_uring_buf) * NBUFS);
    bufring = NULL;
    for (unsigned i = 0; i < nbufs; i++)
        zfree(bufs[i]);
    nbufs = 0;
    inline_ops = 0;
    zfree(stash);
    zfree(handed);
    stash = handed = NULL;
    nstash = capstash = caphanded = 0;
    poll_score = 1024;
    poll_skips = 0;
    poll_hits = poll_misses = 0;
    ring_flagged = 0;
    ring_registered = has_min_wait = has_no_iowait = 0;
    coalesce_skip = 0;
    coalesce_backoff = 1;
    coalesce_hits = coalesce_misses = 0;
}
