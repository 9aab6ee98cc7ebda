/* test_uring.c: the io_uring layer on socket pairs: streams into lent buffers,
 * running out of buffers, cancel and EOF, sends that complete at submission,
 * busy polling, wake-up coalescing, waits kept out of iowait. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "uring.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int have_uring;

static int group_setup(void **state)
{
    (void)state;
    char err[256];
    have_uring = uring_init(err, sizeof err) == 0;
    if (!have_uring)
        fprintf(stderr, "note: io_uring refused here (%s); its tests are skipped\n", err);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    uring_free();
    return 0;
}

static void pair(int sv[2])
{
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
}

/* Waits (up to 1 s per round) until `want` completions carrying `tag` came;
 * copies them to out. Buffers of other completions are given back. */
static int collect(uint64_t tag, uring_cqe_rec *out, int want)
{
    int got = 0;
    for (int round = 0; round < 20 && got < want; round++) {
        uring_cqe_rec *cq;
        int n = uring_wait(50000, &cq);
        for (int i = 0; i < n; i++) {
            if (cq[i].tag == tag && got < want)
                out[got++] = cq[i];
            else if (cq[i].flags & URING_CQE_BUFFER)
                uring_buf_release(cq[i].flags);
        }
    }
    return got;
}

static void arrivals_stream_into_lent_buffers_until_cancelled(void **state)
{
    (void)state;
    if (!have_uring)
        skip();
    int sv[2];
    pair(sv);
    uint64_t tag = URING_TAG(URING_TAG_RECV, 11);
    uring_recv_stream(sv[0], tag);
    const char *msgs[] = {"hello", "x", "pipelined input"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(write(sv[1], msgs[i], strlen(msgs[i])), (ssize_t)strlen(msgs[i]));
        uring_cqe_rec e = {0};
        assert_int_equal(collect(tag, &e, 1), 1);
        assert_int_equal(e.res, (int)strlen(msgs[i]));
        assert_true(e.flags & URING_CQE_BUFFER);
        assert_true(e.flags & URING_CQE_MORE);
        assert_memory_equal(uring_buf(e.flags), msgs[i], strlen(msgs[i]));
        uring_buf_release(e.flags);
    }
    uring_cancel(tag);
    uring_cqe_rec last = {0};
    assert_int_equal(collect(tag, &last, 1), 1);
    assert_false(last.flags & URING_CQE_MORE);
    assert_int_equal(last.res, -ECANCELED);
    /* Nothing more comes for it, even with data waiting. */
    assert_int_equal(write(sv[1], "late", 4), 4);
    uring_cqe_rec none;
    assert_int_equal(collect(tag, &none, 1), 0);
    close(sv[0]);
    close(sv[1]);
}

static void the_peer_closing_ends_the_stream_with_zero(void **state)
{
    (void)state;
    if (!have_uring)
        skip();
    int sv[2];
    pair(sv);
    uint64_t tag = URING_TAG(URING_TAG_RECV, 12);
    uring_recv_stream(sv[0], tag);
    assert_int_equal(write(sv[1], "bye", 3), 3);
    close(sv[1]);
    uring_cqe_rec e[2];
    assert_int_equal(collect(tag, e, 2), 2);
    assert_int_equal(e[0].res, 3);
    assert_true(e[0].flags & URING_CQE_MORE);
    uring_buf_release(e[0].flags);
    assert_int_equal(e[1].res, 0);
    assert_false(e[1].flags & URING_CQE_MORE);
    close(sv[0]);
}

/* More sockets with input in one turn than buffers lent: as many streams as
 * there are buffers get data, the others end with -ENOBUFS and their input
 * stays in the socket until they are armed again after lending more. */
static void running_out_of_buffers_ends_streams_until_more_are_lent(void **state)
{
    (void)state;
    if (!have_uring)
        skip();
    enum { EXTRA = 3, MAXP = 600 };
    unsigned lent = uring_bufs_lent();
    assert_true(lent >= 1 && lent + EXTRA <= MAXP);
    int np = (int)lent + EXTRA;
    static int sv[MAXP][2];
    for (int i = 0; i < np; i++) {
        pair(sv[i]);
        uring_recv_stream(sv[i][0], URING_TAG(URING_TAG_RECV, 100 + i));
    }
    /* Armed before any input, so every arrival below lands in one wait. */
    uring_cqe_rec *cq;
    assert_int_equal(uring_wait(0, &cq), 0);
    for (int i = 0; i < np; i++) {
        char m[16];
        int len = snprintf(m, sizeof m, "in-%d", i);
        assert_int_equal(write(sv[i][1], m, (size_t)len), len);
    }
    int data = 0, nobufs = 0, seen[MAXP] = {0}, nheld = 0;
    static unsigned held[MAXP];
    for (int round = 0; round < 20 && data + nobufs < np; round++) {
        int n = uring_wait(50000, &cq);
        for (int k = 0; k < n; k++) {
            int i = (int)URING_TAG_VALUE(cq[k].tag) - 100;
            assert_true(i >= 0 && i < np);
            if (cq[k].res > 0) {
                char m[16];
                int len = snprintf(m, sizeof m, "in-%d", i);
                assert_int_equal(cq[k].res, len);
                assert_memory_equal(uring_buf(cq[k].flags), m, (size_t)len);
                data++;
                seen[i] = 1;
                held[nheld++] = cq[k].flags;
            } else {
                assert_int_equal(cq[k].res, -ENOBUFS);
                assert_false(cq[k].flags & URING_CQE_MORE);
                nobufs++;
            }
        }
    }
    assert_int_equal(data, (int)lent);
    assert_int_equal(nobufs, EXTRA);
    /* Held until every stream answered, so none could take one back. */
    for (int k = 0; k < nheld; k++)
        uring_buf_release(held[k]);
    uring_bufs_grow();
    assert_true(uring_bufs_lent() > lent);
    for (int i = 0; i < np; i++)
        if (!seen[i])
            uring_recv_stream(sv[i][0], URING_TAG(URING_TAG_RECV, 100 + i));
    int late = 0;
    for (int round = 0; round < 20 && late < EXTRA; round++) {
        int n = uring_wait(50000, &cq);
        for (int k = 0; k < n; k++) {
            int i = (int)URING_TAG_VALUE(cq[k].tag) - 100;
            if (i >= 0 && i < np && !seen[i] && cq[k].res > 0) {
                char m[16];
                int len = snprintf(m, sizeof m, "in-%d", i);
                assert_int_equal(cq[k].res, len);
                assert_memory_equal(uring_buf(cq[k].flags), m, (size_t)len);
                seen[i] = 1;
                late++;
            }
            if (cq[k].flags & URING_CQE_BUFFER)
                uring_buf_release(cq[k].flags);
        }
    }
    assert_int_equal(late, EXTRA);
    for (int i = 0; i < np; i++) {
        uring_cancel(URING_TAG(URING_TAG_RECV, 100 + i));
        close(sv[i][0]);
        close(sv[i][1]);
    }
    int n = uring_wait(0, &cq);
    for (int k = 0; k < n; k++)
        if (cq[k].flags & URING_CQE_BUFFER)
            uring_buf_release(cq[k].flags);
}

static void sends_complete_at_submission_and_a_full_socket_says_eagain(void **state)
{
    (void)state;
    if (!have_uring)
        skip();
    int sv[2];
    pair(sv);
    static char block[32 * 1024];
    memset(block, 'b', sizeof block);
    uint64_t tag = URING_TAG(URING_TAG_SEND, 7);
    size_t sent = 0;
    int full = 0;
    for (int i = 0; i < 1000 && !full; i++) {
        uring_send(sv[0], block, sizeof block, tag);
        uring_cqe_rec *cq;
        int n = uring_wait(0, &cq), mine = 0;
        for (int k = 0; k < n; k++) {
            if (cq[k].tag != tag)
                continue;
            mine++;
            if (cq[k].res == -EAGAIN)
                full = 1;
            else
                sent += (size_t)cq[k].res;
        }
        assert_int_equal(mine, 1); /* completed while submitted */
    }
    assert_true(full);
    assert_true(sent > 0);
    /* sendmsg: the iovecs go out in order. */
    int p2[2];
    pair(p2);
    char a[] = "first,", b[] = "second";
    struct iovec iov[2] = {{a, 6}, {b, 6}};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
    uring_sendmsg(p2[0], &msg, tag);
    uring_cqe_rec e;
    assert_int_equal(collect(tag, &e, 1), 1);
    assert_int_equal(e.res, 12);
    char got[13] = {0};
    assert_int_equal(read(p2[1], got, 12), 12);
    assert_string_equal(got, "first,second");
    close(sv[0]);
    close(sv[1]);
    close(p2[0]);
    close(p2[1]);
}

/* A child process that writes `msg` to fd after `delay_ms`. */
static pid_t write_later(int fd, const char *msg, int delay_ms)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct timespec d = {delay_ms / 1000, (long)(delay_ms % 1000) * 1000000L};
        nanosleep(&d, NULL);
        _exit(write(fd, msg, strlen(msg)) == (ssize_t)strlen(msg) ? 0 : 1);
    }
    return pid;
}

static void reap(pid_t pid)
{
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static long long mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* One wait; returns the completions for tag (buffers given back). */
static int wait_for(uint64_t tag, long long timeout_us)
{
    uring_cqe_rec *cq;
    int n = uring_wait(timeout_us, &cq), mine = 0;
    for (int i = 0; i < n; i++) {
        mine += cq[i].tag == tag;
        if (cq[i].flags & URING_CQE_BUFFER)
            uring_buf_release(cq[i].flags);
    }
    return mine;
}

/* Input that lands while the wait polls is a hit; a poll that runs out is a
 * miss (and never outlasts the caller's timeout). Once misses bring the
 * average under three in four (10 in a row from a clean start), waits stop
 * polling but for one in 16. A changed limit starts afresh. */
static void busy_poll_scenario(void)
{
    int sv[2];
    pair(sv);
    uint64_t tag = URING_TAG(URING_TAG_RECV, 21);
    unsigned long long h0, m0, h, m;
    uring_busy_poll_stats(&h0, &m0);
    uring_recv_stream(sv[0], tag);
    assert_int_equal(wait_for(tag, 0), 0); /* armed, nothing there yet */

    /* Lands 20 ms into a poll of up to 2 s: a hit. */
    uring_busy_poll(2000000);
    pid_t pid = write_later(sv[1], "a", 20);
    assert_int_equal(wait_for(tag, 5000000), 1);
    reap(pid);
    uring_busy_poll_stats(&h, &m);
    assert_int_equal(h - h0, 1);
    assert_int_equal(m - m0, 0);

    /* Nothing comes: the poll stops at the 30 ms timeout, not at 2 s. */
    long long t0 = mono_ms();
    assert_int_equal(wait_for(tag, 30000), 0);
    assert_true(mono_ms() - t0 < 1000);
    uring_busy_poll_stats(&h, &m);
    assert_int_equal(m - m0, 1);

    /* 96 waits of 3 ms with nothing coming, polls of 1 ms: 10 misses, then
     * a poll in every 16th wait only (5 more). Polling every time would
     * miss 96 times; giving up for good, once. */
    uring_busy_poll(1000);
    for (int i = 0; i < 96; i++)
        assert_int_equal(wait_for(tag, 3000), 0);
    unsigned long long m1;
    uring_busy_poll_stats(&h, &m1);
    if (m1 - m < 13 || m1 - m > 17)
        fail_msg("%llu misses in 96 waits, want 15", m1 - m);
    assert_int_equal(h - h0, 1);

    /* A changed limit polls again at once: input 20 ms into it is a hit. */
    uring_busy_poll(2000000);
    pid = write_later(sv[1], "c", 20);
    assert_int_equal(wait_for(tag, 5000000), 1);
    reap(pid);
    uring_busy_poll_stats(&h, &m);
    assert_int_equal(h - h0, 2);
    assert_int_equal(m, m1);

    uring_busy_poll(0);
    uring_cancel(tag);
    uring_cqe_rec last = {0};
    assert_int_equal(collect(tag, &last, 1), 1);
    close(sv[0]);
    close(sv[1]);
}

/* On a ring set up without polling: each look at the ring enters the kernel. */
static void busy_polling_counts_hits_and_backs_off_after_misses(void **state)
{
    (void)state;
    if (!have_uring)
        skip();
    busy_poll_scenario();
}

/* On a ring set up while polling was on: the poll watches a flag the kernel
 * raises. The ring is set up again for it, then as before. */
static void busy_polling_on_a_ring_set_up_for_it(void **state)
{
    (void)state;
    if (!have_uring)
        skip();
    char err[256];
    uring_free();
    uring_busy_poll(1000);
    assert_int_equal(uring_init(err, sizeof err), 0);
    busy_poll_scenario();
    uring_free();
    uring_busy_poll(0);
    assert_int_equal(uring_init(err, sizeof err), 0);
}

/* With polling off (the default of this layer) nothing is counted. */
static void no_polling_when_the_limit_is_zero(void **state)
{
    (void)state;
    if (!have_uring)
        skip();
    int sv[2];
    pair(sv);
    uint64_t tag = URING_TAG(URING_TAG_RECV, 22);
    unsigned long long h0, m0, h, m;
    uring_busy_poll(0);
    uring_busy_poll_stats(&h0, &m0);
    uring_recv_stream(sv[0], tag);
    pid_t pid = write_later(sv[1], "a", 20);
    assert_int_equal(wait_for(tag, 0), 0);
    assert_int_equal(wait_for(tag, 5000000), 1);
    reap(pid);
    assert_int_equal(wait_for(tag, 20000), 0);
    uring_busy_poll_stats(&h, &m);
    assert_int_equal(h, h0);
    assert_int_equal(m, m0);
    uring_cancel(tag);
    uring_cqe_rec last = {0};
    assert_int_equal(collect(tag, &last, 1), 1);
    close(sv[0]);
    close(sv[1]);
}

/* One wait; returns the completions for either tag (buffers given back). */
static int wait_for_two(uint64_t t1, uint64_t t2, long long timeout_us)
{
    uring_cqe_rec *cq;
    int n = uring_wait(timeout_us, &cq), mine = 0;
    for (int i = 0; i < n; i++) {
        mine += cq[i].tag == t1 || cq[i].tag == t2;
        if (cq[i].flags & URING_CQE_BUFFER)
            uring_buf_release(cq[i].flags);
    }
    return mine;
}

static void expect_coalesce_stats(unsigned long long h0, unsigned long long m0,
                                  unsigned long long hits, unsigned long long misses)
{
    unsigned long long h, m;
    uring_coalesce_stats(&h, &m);
    assert_int_equal(h - h0, hits);
    assert_int_equal(m - m0, misses);
}

/* Writes a byte to fd, then waits once (up to 5 s): `n` arrivals come back,
 * held for the 200 ms window or, if not `held`, at once. */
static void coalesced_wait(int fd, uint64_t t1, uint64_t t2, int n, int held)
{
    assert_int_equal(write(fd, "x", 1), 1);
    long long t0 = mono_ms();
    assert_int_equal(wait_for_two(t1, t2, 5000000), n);
    if (held)
        assert_true(mono_ms() - t0 >= 150);
    else
        assert_true(mono_ms() - t0 < 100);
}

/* With a 200 ms window: two arrivals come back from one wait, held for the
 * window (fewer than 16 came): a hit. A lone arrival is held as long: a
 * miss, after which the next wait is a plain one that returns as soon as
 * input is there; the next miss makes it two plain waits. A timeout shorter
 * than the window ends the wait on time and counts nothing; no timeout
 * means none, window or not. */
static void coalescing_gathers_arrivals_and_backs_off_after_a_lone_one(void **state)
{
    (void)state;
    if (!have_uring || !uring_can_coalesce())
        skip();
    int a[2], b[2];
    pair(a);
    pair(b);
    uint64_t ta = URING_TAG(URING_TAG_RECV, 23), tb = URING_TAG(URING_TAG_RECV, 24);
    unsigned long long h0, m0;
    uring_coalesce_stats(&h0, &m0);
    uring_recv_stream(a[0], ta);
    uring_recv_stream(b[0], tb);
    assert_int_equal(wait_for_two(ta, tb, 0), 0); /* armed; a zero timeout never coalesces */
    uring_coalesce(200000);

    assert_int_equal(write(a[1], "a", 1), 1);
    coalesced_wait(b[1], ta, tb, 2, 1); /* a and b */
    expect_coalesce_stats(h0, m0, 1, 0);
    coalesced_wait(a[1], ta, tb, 1, 1);
    expect_coalesce_stats(h0, m0, 1, 1);
    coalesced_wait(a[1], ta, tb, 1, 0);
    expect_coalesce_stats(h0, m0, 1, 1);
    coalesced_wait(b[1], ta, tb, 1, 1);
    expect_coalesce_stats(h0, m0, 1, 2);
    coalesced_wait(a[1], ta, tb, 1, 0);
    coalesced_wait(a[1], ta, tb, 1, 0);
    expect_coalesce_stats(h0, m0, 1, 2);

    long long t0 = mono_ms();
    assert_int_equal(wait_for_two(ta, tb, 30000), 0);
    assert_true(mono_ms() - t0 < 150);
    expect_coalesce_stats(h0, m0, 1, 2);

    /* With no timeout at all, the window passing with nothing come does not
     * end the wait: the arrival 300 ms later does (a lone one: a miss). */
    uring_coalesce(50000);
    t0 = mono_ms();
    pid_t pid = write_later(b[1], "g", 300);
    assert_int_equal(wait_for_two(ta, tb, -1), 1);
    assert_true(mono_ms() - t0 >= 250);
    reap(pid);
    expect_coalesce_stats(h0, m0, 1, 3);

    uring_coalesce(0);
    uring_cqe_rec last = {0};
    uring_cancel(ta);
    assert_int_equal(collect(ta, &last, 1), 1);
    uring_cancel(tb);
    assert_int_equal(collect(tb, &last, 1), 1);
    close(a[0]);
    close(a[1]);
    close(b[0]);
    close(b[1]);
}

/* The iowait time /proc/stat gives for one CPU, in clock ticks. */
static long long cpu_iowait_ticks(int cpu)
{
    char want[32], name[32];
    long long user, nice, sys, idle, iowait, found = -1;
    snprintf(want, sizeof want, "cpu%d", cpu);
    FILE *f = fopen("/proc/stat", "r");
    assert_non_null(f);
    while (fscanf(f, "%31s %lld %lld %lld %lld %lld%*[^\n]", name, &user, &nice, &sys, &idle,
                  &iowait) == 6) {
        if (strcmp(name, want) == 0) {
            found = iowait;
            break;
        }
    }
    fclose(f);
    assert_true(found >= 0);
    return found;
}

/* Asleep with a receive in flight (as a server always is), the process must
 * not count as waiting for I/O: the kernel would show its CPU in iowait and
 * the host under I/O pressure. Pinned, so the CPU whose count is read is the
 * one that sleeps. */
static void a_wait_with_a_receive_in_flight_is_not_iowait(void **state)
{
    (void)state;
    if (!have_uring || !uring_no_iowait())
        skip();
    cpu_set_t old, one;
    assert_int_equal(sched_getaffinity(0, sizeof old, &old), 0);
    int cpu = sched_getcpu();
    assert_true(cpu >= 0);
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    assert_int_equal(sched_setaffinity(0, sizeof one, &one), 0);
    int sv[2];
    pair(sv);
    uint64_t tag = URING_TAG(URING_TAG_RECV, 31);
    uring_recv_stream(sv[0], tag);
    uring_cqe_rec *cq;
    assert_int_equal(uring_wait(0, &cq), 0);

    long long w0 = cpu_iowait_ticks(cpu), t0 = mono_ms();
    assert_int_equal(uring_wait(500000, &cq), 0); /* nothing comes */
    long long slept = mono_ms() - t0, w = cpu_iowait_ticks(cpu) - w0;
    assert_true(slept >= 450);
    /* Counted as iowait, that sleep would add about half a second's ticks. */
    if (w * 1000 > sysconf(_SC_CLK_TCK) * 150)
        fail_msg("%lld ticks of iowait on cpu %d during a %lld ms wait", w, cpu, slept);

    uring_cqe_rec last = {0};
    uring_cancel(tag);
    assert_int_equal(collect(tag, &last, 1), 1);
    close(sv[0]);
    close(sv[1]);
    assert_int_equal(sched_setaffinity(0, sizeof old, &old), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(running_out_of_buffers_ends_streams_until_more_are_lent),
        cmocka_unit_test(arrivals_stream_into_lent_buffers_until_cancelled),
        cmocka_unit_test(the_peer_closing_ends_the_stream_with_zero),
        cmocka_unit_test(sends_complete_at_submission_and_a_full_socket_says_eagain),
        cmocka_unit_test(busy_polling_counts_hits_and_backs_off_after_misses),
        cmocka_unit_test(busy_polling_on_a_ring_set_up_for_it),
        cmocka_unit_test(no_polling_when_the_limit_is_zero),
        cmocka_unit_test(coalescing_gathers_arrivals_and_backs_off_after_a_lone_one),
        cmocka_unit_test(a_wait_with_a_receive_in_flight_is_not_iowait),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
