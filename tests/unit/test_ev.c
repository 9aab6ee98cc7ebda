/* test_ev.c: unit tests for the event loop (core/ev.c): timers, fd readiness, hooks, stop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ev.h"

/* What the callbacks saw, for the test to inspect. */
typedef struct trace {
    ev_loop *loop;
    int order[32];
    int n;
    long long ids[32];
    int repeats;
    long long cancel_id;
    int fd_calls, fd_mask;
    char got[8];
    int sleeps;
} trace;

static trace tr;

static int setup(void **state)
{
    memset(&tr, 0, sizeof tr);
    tr.loop = ev_create(128);
    assert_non_null(tr.loop);
    *state = tr.loop;
    return 0;
}

static int teardown(void **state)
{
    ev_free(*state);
    return 0;
}

/* Records its tag (priv) and id; never repeats. */
static long long record(ev_loop *loop, long long id, void *priv)
{
    (void)loop;
    assert_true(tr.n < 32);
    tr.ids[tr.n] = id;
    tr.order[tr.n++] = (int)(intptr_t)priv;
    return -1;
}

static long long stop(ev_loop *loop, long long id, void *priv)
{
    record(loop, id, priv);
    ev_stop(loop);
    return -1;
}

/* A guard against a hung loop: fails the test if it ever runs. */
static long long too_late(ev_loop *loop, long long id, void *priv)
{
    (void)id;
    (void)priv;
    ev_stop(loop);
    fail_msg("the loop ran into its 5 s guard timer");
    return -1;
}

static void timers_fire_in_deadline_order(void **state)
{
    ev_loop *l = *state;
    /* Deadlines count from ev_add_timer, so the clock starts before it. */
    long long start = ev_monotonic_us();
    long long id30 = ev_add_timer(l, 30, stop, (void *)30);
    long long id10 = ev_add_timer(l, 10, record, (void *)10);
    long long id20 = ev_add_timer(l, 20, record, (void *)20);
    long long id0 = ev_add_timer(l, 0, record, (void *)0);
    long long id15 = ev_add_timer(l, 15, record, (void *)15);
    ev_add_timer(l, 5000, too_late, NULL);
    /* Ids are distinct and increasing. */
    assert_true(id30 < id10 && id10 < id20 && id20 < id0 && id0 < id15);

    ev_run(l);
    long long took = ev_monotonic_us() - start;
    assert_int_equal(tr.n, 5);
    const int want[] = {0, 10, 15, 20, 30};
    const long long want_ids[] = {id0, id10, id15, id20, id30};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(tr.order[i], want[i]);
        assert_int_equal(tr.ids[i], want_ids[i]);
    }
    /* The last one was due 30 ms after the start, not earlier. */
    assert_true(took >= 30000);
    assert_true(took < 2000000);
}

static long long repeat_three_times(ev_loop *loop, long long id, void *priv)
{
    (void)priv;
    tr.ids[tr.repeats++] = id;
    if (tr.repeats == 3) {
        ev_stop(loop);
        return -1;
    }
    return 10;
}

static void timer_returning_a_delay_runs_again_with_the_same_id(void **state)
{
    ev_loop *l = *state;
    long long start = ev_monotonic_us();
    long long id = ev_add_timer(l, 1, repeat_three_times, NULL);
    ev_add_timer(l, 5000, too_late, NULL);
    ev_run(l);
    long long took = ev_monotonic_us() - start;
    assert_int_equal(tr.repeats, 3);
    assert_int_equal(tr.ids[0], id);
    assert_int_equal(tr.ids[1], id);
    assert_int_equal(tr.ids[2], id);
    /* Two 10 ms re-arms after the first 1 ms. */
    assert_true(took >= 21000);

    /* It does not come back after returning -1. */
    ev_add_timer(l, 50, stop, (void *)1);
    ev_run(l);
    assert_int_equal(tr.repeats, 3);
}

static long long cancel_other(ev_loop *loop, long long id, void *priv)
{
    (void)id;
    (void)priv;
    ev_del_timer(loop, tr.cancel_id);
    return -1;
}

static void deleted_timers_never_fire(void **state)
{
    ev_loop *l = *state;
    long long a = ev_add_timer(l, 5, record, (void *)1);
    ev_add_timer(l, 10, record, (void *)2);
    ev_del_timer(l, a);
    /* One timer cancels another that is due later. */
    ev_add_timer(l, 15, cancel_other, NULL);
    tr.cancel_id = ev_add_timer(l, 25, record, (void *)3);
    ev_add_timer(l, 40, stop, (void *)4);
    ev_add_timer(l, 5000, too_late, NULL);
    /* Deleting an unknown id is harmless. */
    ev_del_timer(l, 999999);
    ev_run(l);
    assert_int_equal(tr.n, 2);
    assert_int_equal(tr.order[0], 2);
    assert_int_equal(tr.order[1], 4);
}

static void stop_from_a_timer_ends_run_before_later_timers(void **state)
{
    ev_loop *l = *state;
    ev_add_timer(l, 1, stop, (void *)1);
    ev_add_timer(l, 3000, record, (void *)2);
    long long start = ev_monotonic_us();
    ev_run(l);
    assert_true(ev_monotonic_us() - start < 1000000);
    assert_int_equal(tr.n, 1);

    /* The loop can run again; the pending timer is still there. */
    ev_add_timer(l, 1, stop, (void *)3);
    ev_run(l);
    assert_int_equal(tr.n, 2);
    assert_int_equal(tr.order[1], 3);
}

static void on_read(ev_loop *loop, int fd, void *priv, int mask)
{
    assert_ptr_equal(priv, &tr);
    tr.fd_calls++;
    tr.fd_mask = mask;
    ssize_t n = read(fd, tr.got, sizeof tr.got);
    assert_true(n > 0);
    ev_stop(loop);
}

static int pipe_fds[2];

static long long write_pipe(ev_loop *loop, long long id, void *priv)
{
    (void)loop;
    (void)id;
    (void)priv;
    assert_int_equal(write(pipe_fds[1], "x", 1), 1);
    return -1;
}

static void readable_pipe_calls_the_read_handler(void **state)
{
    ev_loop *l = *state;
    assert_int_equal(pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC), 0);
    assert_int_equal(ev_add_fd(l, pipe_fds[0], EV_READABLE, on_read, &tr), 0);
    assert_int_equal(ev_fd_mask(l, pipe_fds[0]), EV_READABLE);
    ev_add_timer(l, 10, write_pipe, NULL);
    ev_add_timer(l, 5000, too_late, NULL);
    ev_run(l);
    assert_int_equal(tr.fd_calls, 1);
    assert_int_equal(tr.fd_mask, EV_READABLE);
    assert_int_equal(tr.got[0], 'x');

    /* After ev_del_fd the handler is not called for new data. */
    ev_del_fd(l, pipe_fds[0], EV_READABLE);
    assert_int_equal(ev_fd_mask(l, pipe_fds[0]), 0);
    assert_int_equal(write(pipe_fds[1], "y", 1), 1);
    ev_add_timer(l, 20, stop, (void *)1);
    ev_run(l);
    assert_int_equal(tr.fd_calls, 1);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
}

static void on_write(ev_loop *loop, int fd, void *priv, int mask)
{
    (void)priv;
    tr.fd_calls++;
    tr.fd_mask = mask;
    ev_del_fd(loop, fd, EV_WRITABLE);
    ev_stop(loop);
}

static void writable_and_readable_handlers_are_separate(void **state)
{
    ev_loop *l = *state;
    /* A socketpair end is writable at once; its read side stays quiet. */
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_int_equal(ev_add_fd(l, sv[0], EV_READABLE, on_read, &tr), 0);
    assert_int_equal(ev_add_fd(l, sv[0], EV_WRITABLE, on_write, NULL), 0);
    assert_int_equal(ev_fd_mask(l, sv[0]), EV_READABLE | EV_WRITABLE);
    ev_add_timer(l, 5000, too_late, NULL);
    ev_run(l);
    assert_int_equal(tr.fd_calls, 1);
    assert_int_equal(tr.fd_mask, EV_WRITABLE);
    assert_int_equal(ev_fd_mask(l, sv[0]), EV_READABLE);

    /* The read handler survived the removal of the write one. */
    assert_int_equal(write(sv[1], "r", 1), 1);
    ev_run(l);
    assert_int_equal(tr.fd_calls, 2);
    assert_int_equal(tr.fd_mask, EV_READABLE);
    assert_int_equal(tr.got[0], 'r');
    ev_del_fd(l, sv[0], EV_READABLE);
    close(sv[0]);
    close(sv[1]);
}

static void bad_fds_are_refused(void **state)
{
    ev_loop *l = *state;
    assert_int_equal(ev_setsize(l), 128);
    assert_int_equal(ev_add_fd(l, -1, EV_READABLE, on_read, NULL), -1);
    assert_int_equal(ev_add_fd(l, 128, EV_READABLE, on_read, NULL), -1);
    assert_int_equal(ev_fd_mask(l, 128), 0);
    assert_int_equal(ev_fd_mask(l, -1), 0);
    /* A closed descriptor: epoll_ctl fails and nothing is recorded. */
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    close(fds[0]);
    close(fds[1]);
    assert_int_equal(ev_add_fd(l, fds[0], EV_READABLE, on_read, NULL), -1);
    assert_int_equal(ev_fd_mask(l, fds[0]), 0);
    ev_del_fd(l, fds[0], EV_READABLE); /* harmless */
}

static void count_sleeps(ev_loop *loop)
{
    if (++tr.sleeps == 3)
        ev_stop(loop);
}

static long long tick(ev_loop *loop, long long id, void *priv)
{
    (void)loop;
    (void)id;
    (void)priv;
    tr.repeats++;
    return 1;
}

static void before_sleep_runs_every_iteration_and_can_stop(void **state)
{
    ev_loop *l = *state;
    ev_set_before_sleep(l, count_sleeps);
    ev_add_timer(l, 1, tick, NULL);
    ev_add_timer(l, 5000, too_late, NULL);
    ev_run(l);
    assert_int_equal(tr.sleeps, 3);
    /* Stopped by the third hook, before a third wait: two iterations ran. */
    assert_true(tr.repeats >= 1 && tr.repeats <= 2);
}

/* Reads the byte waiting on fd and records its tag (priv). */
static void read_and_record(ev_loop *loop, int fd, void *priv, int mask)
{
    (void)loop;
    (void)mask;
    char c;
    assert_int_equal(read(fd, &c, 1), 1);
    tr.order[tr.n++] = (int)(intptr_t)priv;
}

/* A waiter that reports epoll activity only when told to, and records the
 * timeouts it was given (sleeping them itself, as a real waiter would). */
static int waiter_says_ready;
static int waiter_timeouts[8], waiter_calls;

static int test_waiter(ev_loop *loop, int timeout_ms)
{
    (void)loop;
    if (waiter_calls < 8)
        waiter_timeouts[waiter_calls] = timeout_ms;
    waiter_calls++;
    if (!waiter_says_ready && timeout_ms > 0)
        usleep((useconds_t)timeout_ms * 1000);
    return waiter_says_ready;
}

static void a_waiter_replaces_the_sleep_and_is_given_the_next_timer(void **state)
{
    ev_loop *l = *state;
    int p[2];
    assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
    assert_int_equal(write(p[1], "a", 1), 1);
    assert_int_equal(ev_add_fd(l, p[0], EV_READABLE, read_and_record, (void *)1), 0);
    waiter_says_ready = 0;
    waiter_calls = 0;
    ev_set_waiter(l, test_waiter);
    ev_add_timer(l, 40, stop, (void *)200);
    ev_run(l);
    /* The readable pipe was never dispatched: the waiter said nothing was
     * ready, and the loop did not wait in epoll itself. */
    assert_int_equal(tr.n, 1);
    assert_int_equal(tr.order[0], 200);
    assert_true(waiter_calls >= 1);
    assert_true(waiter_timeouts[0] > 0 && waiter_timeouts[0] <= 40);
    ev_del_fd(l, p[0], EV_READABLE);
    close(p[0]);
    close(p[1]);
}

static void a_waiter_saying_ready_has_the_fds_dispatched_before_timers(void **state)
{
    ev_loop *l = *state;
    int p1[2], p2[2];
    assert_int_equal(pipe2(p1, O_NONBLOCK | O_CLOEXEC), 0);
    assert_int_equal(pipe2(p2, O_NONBLOCK | O_CLOEXEC), 0);
    assert_int_equal(write(p1[1], "a", 1), 1);
    assert_int_equal(write(p2[1], "b", 1), 1);
    assert_int_equal(ev_add_fd(l, p1[0], EV_READABLE, read_and_record, (void *)1), 0);
    assert_int_equal(ev_add_fd(l, p2[0], EV_READABLE, read_and_record, (void *)2), 0);
    waiter_says_ready = 1;
    waiter_calls = 0;
    ev_set_waiter(l, test_waiter);
    /* Due at once: the first turn has both fds and this timer. */
    ev_add_timer(l, 0, stop, (void *)200);
    ev_add_timer(l, 5000, too_late, NULL);
    ev_run(l);
    assert_int_equal(waiter_calls, 1);
    assert_int_equal(waiter_timeouts[0], 0);
    assert_int_equal(tr.n, 3);
    assert_int_equal(tr.order[0] + tr.order[1], 3); /* both fds, in either order */
    assert_int_equal(tr.order[2], 200);
    ev_del_fd(l, p1[0], EV_READABLE);
    ev_del_fd(l, p2[0], EV_READABLE);
    close(p1[0]);
    close(p1[1]);
    close(p2[0]);
    close(p2[1]);
}

static void clocks_agree_and_move_forward(void **state)
{
    (void)state;
    long long us = ev_ustime(), ms = ev_mstime();
    assert_true(ms >= us / 1000 && ms - us / 1000 < 1000);
    /* Later than 2020-01-01 in unix ms. */
    assert_true(ms > 1577836800000LL);
    long long m1 = ev_monotonic_us();
    usleep(2000);
    long long m2 = ev_monotonic_us();
    assert_true(m2 - m1 >= 2000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(timers_fire_in_deadline_order),
        T(timer_returning_a_delay_runs_again_with_the_same_id),
        T(deleted_timers_never_fire),
        T(stop_from_a_timer_ends_run_before_later_timers),
        T(readable_pipe_calls_the_read_handler),
        T(writable_and_readable_handlers_are_separate),
        T(bad_fds_are_refused),
        T(before_sleep_runs_every_iteration_and_can_stop),
        T(a_waiter_replaces_the_sleep_and_is_given_the_next_timer),
        T(a_waiter_saying_ready_has_the_fds_dispatched_before_timers),
        T(clocks_agree_and_move_forward),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
