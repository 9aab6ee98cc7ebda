/* test_lists_blocking.c: blocking list commands with several clients, on modis and redis-server.
 *
 * Every scenario runs against modis and, when redis-server is installed,
 * against the real server too, with the same expectations: a scenario that
 * passes on Redis but fails on modis is a modis bug, and one that fails on
 * Redis is a wrong expectation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "hs_cmd.h"

typedef struct fixture {
    hserver modis, redis;
    int have_redis;
} fixture;

static int group_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (hs_start_modis(&f->modis, NULL, NULL) != 0)
        return -1;
    f->have_redis = hs_have_redis() && hs_start_redis(&f->redis) == 0;
    *state = f;
    return 0;
}

static int group_teardown(void **state)
{
    fixture *f = *state;
    hs_stop(&f->modis);
    if (f->have_redis)
        hs_stop(&f->redis);
    free(f);
    return 0;
}

/* ---- helpers ------------------------------------------------------------------------- */

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static redisContext *conn(const hserver *s)
{
    redisContext *c = hs_connect(s);
    assert_non_null(c);
    return c;
}

static void expect_int(redisContext *c, long long want, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    assert_non_null(r);
    if (r->type != REDIS_REPLY_INTEGER || r->integer != want)
        fail_msg("%s: expected :%lld, got type %d int %lld \"%s\"", fmt, want, r->type, r->integer,
                 r->str ? r->str : "");
    freeReplyObject(r);
}

/* Sends a command without waiting for its reply. */
static void send_cmd(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    int done = 0;
    va_start(ap, fmt);
    assert_int_equal(redisvAppendCommand(c, fmt, ap), REDIS_OK);
    va_end(ap);
    while (!done)
        assert_int_equal(redisBufferWrite(c, &done), REDIS_OK);
}

static redisReply *get_reply(redisContext *c)
{
    void *r = NULL;
    if (redisGetReply(c, &r) != REDIS_OK || !r)
        fail_msg("no reply: %s", c->errstr);
    return r;
}

/* True when c has bytes to read within ms. */
static int readable(redisContext *c, int ms)
{
    struct pollfd p = {c->fd, POLLIN, 0};
    return poll(&p, 1, ms) > 0;
}

/* INFO's blocked_clients, or -1 when the server has no INFO (yet). */
static long blocked_clients(redisContext *ctl)
{
    redisReply *r = hs_cmd(ctl, "INFO clients");
    const char *p;
    long n = -1;
    if (r->type == REDIS_REPLY_STRING && (p = strstr(r->str, "blocked_clients:")) != NULL)
        n = strtol(p + strlen("blocked_clients:"), NULL, 10);
    freeReplyObject(r);
    return n;
}

/* Waits until the server counts n blocked clients (without INFO: gives the
 * server a moment instead). */
static void wait_blocked(redisContext *ctl, long n)
{
    long long end = mono_ms() + 3000;
    long got;
    while ((got = blocked_clients(ctl)) != n) {
        if (got < 0) {
            usleep(50000);
            return;
        }
        if (mono_ms() > end)
            fail_msg("expected %ld blocked clients, have %ld", n, got);
        usleep(2000);
    }
}

/* Checks the blocked client count when the server reports it. */
static void expect_blocked(redisContext *ctl, long n)
{
    long got = blocked_clients(ctl);
    if (got >= 0 && got != n)
        fail_msg("expected %ld blocked clients, have %ld", n, got);
}

/* Expects a [key, value] reply from a served BLPOP/BRPOP. */
static void expect_pair(redisReply *r, const char *key, const char *val)
{
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2)
        fail_msg("expected [%s, %s], got type %d \"%s\"", key, val, r->type, r->str ? r->str : "");
    assert_string_equal(r->element[0]->str, key);
    assert_string_equal(r->element[1]->str, val);
    freeReplyObject(r);
}

static void expect_bulk(redisReply *r, const char *val)
{
    if (r->type != REDIS_REPLY_STRING)
        fail_msg("expected \"%s\", got type %d \"%s\"", val, r->type, r->str ? r->str : "");
    assert_string_equal(r->str, val);
    freeReplyObject(r);
}

static void expect_nil(redisReply *r)
{
    if (r->type != REDIS_REPLY_NIL)
        fail_msg("expected a null, got type %d \"%s\"", r->type, r->str ? r->str : "");
    freeReplyObject(r);
}

/* Runs scenario on modis, then on redis-server when there is one. */
static void on_both(void **state, void (*scenario)(const hserver *s))
{
    fixture *f = *state;
    scenario(&f->modis);
    if (f->have_redis)
        scenario(&f->redis);
}

static redisContext *fresh(const hserver *s)
{
    redisContext *ctl = conn(s);
    freeReplyObject(hs_cmd(ctl, "FLUSHALL"));
    wait_blocked(ctl, 0);
    return ctl;
}

/* ---- scenarios -------------------------------------------------------------------------- */

static void s_fifo(const hserver *s)
{
    redisContext *ctl = fresh(s), *c[3];
    for (int i = 0; i < 3; i++) {
        c[i] = conn(s);
        send_cmd(c[i], "BLPOP q 0");
        wait_blocked(ctl, i + 1); /* each one queued after the previous */
    }
    expect_int(ctl, 3, "RPUSH q a b c");
    expect_pair(get_reply(c[0]), "q", "a");
    expect_pair(get_reply(c[1]), "q", "b");
    expect_pair(get_reply(c[2]), "q", "c");
    expect_int(ctl, 0, "EXISTS q");
    wait_blocked(ctl, 0);
    for (int i = 0; i < 3; i++)
        redisFree(c[i]);
    redisFree(ctl);
}

static void blpop_waiters_are_served_first_come_first_served(void **state)
{
    on_both(state, s_fifo);
}

static void s_one_push_n_waiters(const hserver *s)
{
    redisContext *ctl = fresh(s), *c[3];
    for (int i = 0; i < 3; i++) {
        c[i] = conn(s);
        send_cmd(c[i], "BRPOP q 0");
        wait_blocked(ctl, i + 1);
    }
    /* two elements: the two oldest waiters, from the tail */
    expect_int(ctl, 2, "LPUSH q x y");
    expect_pair(get_reply(c[0]), "q", "x");
    expect_pair(get_reply(c[1]), "q", "y");
    assert_false(readable(c[2], 100));
    wait_blocked(ctl, 1);
    expect_int(ctl, 0, "EXISTS q");
    expect_int(ctl, 1, "RPUSH q z");
    expect_pair(get_reply(c[2]), "q", "z");
    wait_blocked(ctl, 0);
    for (int i = 0; i < 3; i++)
        redisFree(c[i]);
    redisFree(ctl);
}

static void one_push_of_n_elements_serves_n_waiters(void **state)
{
    on_both(state, s_one_push_n_waiters);
}

static void s_multi_key(const hserver *s)
{
    redisContext *ctl = fresh(s), *c = conn(s), *d = conn(s);
    send_cmd(c, "BLPOP k1 k2 k3 0");
    wait_blocked(ctl, 1);
    send_cmd(d, "BLPOP k3 k2 0");
    wait_blocked(ctl, 2);
    expect_int(ctl, 1, "RPUSH k2 v");
    expect_pair(get_reply(c), "k2", "v"); /* c waited on k2 first */
    assert_false(readable(d, 50));
    expect_int(ctl, 1, "RPUSH k3 w");
    expect_pair(get_reply(d), "k3", "w");
    wait_blocked(ctl, 0);
    expect_int(ctl, 0, "EXISTS k1 k2 k3");
    redisFree(c);
    redisFree(d);
    redisFree(ctl);
}

static void a_client_blocked_on_several_keys_is_served_by_the_first_ready(void **state)
{
    on_both(state, s_multi_key);
}

static void s_timeouts(const hserver *s)
{
    redisContext *ctl = fresh(s), *c = conn(s);
    long long t0 = mono_ms(), dt;

    expect_nil(hs_cmd(c, "BLPOP q 0.1"));
    dt = mono_ms() - t0;
    assert_true(dt >= 90 && dt < 2000);
    t0 = mono_ms();
    expect_nil(hs_cmd(c, "BLMOVE q dst LEFT RIGHT 0.05"));
    expect_nil(hs_cmd(c, "BRPOPLPUSH q dst 0.05"));
    expect_nil(hs_cmd(c, "BLMPOP 0.05 2 q q2 LEFT COUNT 2"));
    dt = mono_ms() - t0;
    assert_true(dt >= 140 && dt < 3000);
    wait_blocked(ctl, 0);
    /* timeout 0 waits for good */
    send_cmd(c, "BRPOP q 0");
    assert_false(readable(c, 200));
    wait_blocked(ctl, 1);
    expect_int(ctl, 1, "RPUSH q late");
    expect_pair(get_reply(c), "q", "late");
    redisFree(c);
    redisFree(ctl);
}

static void timeouts_reply_null_and_zero_waits_forever(void **state)
{
    on_both(state, s_timeouts);
}

/* Sends argv over a raw socket and expects exactly `want` back. */
static void raw_expect(int fd, const char *line, const char *want)
{
    char **argv;
    size_t *lens, len;
    char *got;
    int argc = hs_split_args(line, &argv, &lens);
    assert_true(argc > 0);
    assert_int_equal(hs_raw_send_argv(fd, argc, argv, lens), 0);
    hs_free_args(argc, argv, lens);
    got = hs_raw_read_reply(fd, &len, 3000);
    if (!got)
        fail_msg("%s: no reply", line);
    if (len != strlen(want) || memcmp(got, want, len) != 0) {
        char *e = hs_escape(got, len);
        fail_msg("%s: got %s", line, e);
    }
    free(got);
}

static void s_timeout_bytes_resp3(const hserver *s)
{
    redisContext *ctl = fresh(s);
    int fd = hs_raw_connect(s->port);
    char **argv;
    size_t *lens, len;
    int argc = hs_split_args("HELLO 3", &argv, &lens);
    char *got;

    assert_true(fd >= 0);
    assert_int_equal(hs_raw_send_argv(fd, argc, argv, lens), 0);
    hs_free_args(argc, argv, lens);
    got = hs_raw_read_reply(fd, &len, 3000);
    assert_non_null(got);
    free(got);
    raw_expect(fd, "BLPOP q 0.01", "_\r\n");
    raw_expect(fd, "BLMOVE q d LEFT LEFT 0.01", "_\r\n");
    raw_expect(fd, "BLMPOP 0.01 1 q RIGHT", "_\r\n");
    close(fd);
    redisFree(ctl);
}

static void timeouts_reply_a_resp3_null_to_resp3_clients(void **state)
{
    on_both(state, s_timeout_bytes_resp3);
}

static void s_timeout_bytes_resp2(const hserver *s)
{
    redisContext *ctl = fresh(s);
    int fd = hs_raw_connect(s->port);
    assert_true(fd >= 0);
    raw_expect(fd, "BLPOP q 0.01", "*-1\r\n");
    raw_expect(fd, "BLMOVE q d LEFT LEFT 0.01", "*-1\r\n");
    raw_expect(fd, "BRPOPLPUSH q d 0.01", "*-1\r\n");
    raw_expect(fd, "BLMPOP 0.01 1 q LEFT", "*-1\r\n");
    raw_expect(fd, "MULTI", "+OK\r\n");
    raw_expect(fd, "BLMOVE q d LEFT LEFT 0", "+QUEUED\r\n");
    raw_expect(fd, "BLPOP q 0", "+QUEUED\r\n");
    raw_expect(fd, "EXEC", "*2\r\n$-1\r\n*-1\r\n");
    close(fd);
    redisFree(ctl);
}

static void blmove_times_out_with_a_null_array_but_replies_null_bulk_in_multi(void **state)
{
    on_both(state, s_timeout_bytes_resp2);
}

static void s_disconnect(const hserver *s)
{
    redisContext *ctl = fresh(s), *c = conn(s), *d = conn(s);
    send_cmd(c, "BLPOP q 0");
    wait_blocked(ctl, 1);
    send_cmd(d, "BLPOP q other 0");
    wait_blocked(ctl, 2);
    redisFree(c); /* gone while blocked */
    wait_blocked(ctl, 1);
    expect_int(ctl, 2, "RPUSH q a b");
    expect_pair(get_reply(d), "q", "a"); /* the remaining waiter, nobody else */
    expect_int(ctl, 1, "LLEN q");
    redisFree(d);
    wait_blocked(ctl, 0);
    expect_int(ctl, 2, "RPUSH q c");
    expect_int(ctl, 2, "LLEN q");
    redisFree(ctl);
}

static void a_client_that_disconnects_while_blocked_is_removed(void **state)
{
    on_both(state, s_disconnect);
}

static void s_multi(const hserver *s)
{
    redisContext *ctl = fresh(s), *c = conn(s);
    redisReply *r;
    long long t0 = mono_ms();

    freeReplyObject(hs_cmd(c, "MULTI"));
    freeReplyObject(hs_cmd(c, "BLPOP q 0"));
    freeReplyObject(hs_cmd(c, "BRPOPLPUSH q d 0"));
    freeReplyObject(hs_cmd(c, "BLMPOP 0 1 q LEFT"));
    r = hs_cmd(c, "EXEC");
    assert_true(mono_ms() - t0 < 1000);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 3);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(r->element[i]->type, REDIS_REPLY_NIL);
    freeReplyObject(r);
    expect_blocked(ctl, 0);
    redisFree(c);
    redisFree(ctl);
}

static void blocking_commands_inside_multi_never_block(void **state)
{
    on_both(state, s_multi);
}

static void s_recreated_as_string(const hserver *s)
{
    redisContext *ctl = fresh(s), *c = conn(s);
    redisReply *r;

    send_cmd(c, "BLPOP q 0");
    wait_blocked(ctl, 1);
    freeReplyObject(hs_cmd(ctl, "SET q notalist"));
    assert_false(readable(c, 100)); /* a string does not wake a list waiter */
    /* a list that is created and deleted in one transaction serves nobody */
    freeReplyObject(hs_cmd(ctl, "DEL q"));
    freeReplyObject(hs_cmd(ctl, "MULTI"));
    freeReplyObject(hs_cmd(ctl, "RPUSH q gone"));
    freeReplyObject(hs_cmd(ctl, "DEL q"));
    r = hs_cmd(ctl, "EXEC");
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    freeReplyObject(r);
    /* nor one replaced by a string in the same transaction */
    freeReplyObject(hs_cmd(ctl, "MULTI"));
    freeReplyObject(hs_cmd(ctl, "RPUSH q gone"));
    freeReplyObject(hs_cmd(ctl, "SET q str"));
    freeReplyObject(hs_cmd(ctl, "EXEC"));
    assert_false(readable(c, 100));
    expect_blocked(ctl, 1);
    freeReplyObject(hs_cmd(ctl, "DEL q"));
    expect_int(ctl, 1, "RPUSH q real");
    expect_pair(get_reply(c), "q", "real");
    redisFree(c);
    redisFree(ctl);
}

static void a_key_deleted_or_recreated_with_another_type_wakes_nobody(void **state)
{
    on_both(state, s_recreated_as_string);
}

static void s_wrongtype_among_keys(const hserver *s)
{
    redisContext *ctl = fresh(s), *c = conn(s);
    send_cmd(c, "BLPOP a b 0");
    wait_blocked(ctl, 1);
    freeReplyObject(hs_cmd(ctl, "SET a str"));
    expect_int(ctl, 1, "RPUSH b v");
    expect_pair(get_reply(c), "b", "v");
    redisFree(c);
    redisFree(ctl);
}

static void a_waiter_skips_a_key_that_became_another_type(void **state)
{
    on_both(state, s_wrongtype_among_keys);
}

static void s_blmove_chain(const hserver *s)
{
    redisContext *ctl = fresh(s), *c = conn(s), *d = conn(s);
    redisReply *r;

    send_cmd(c, "BLMOVE src dst LEFT RIGHT 0");
    wait_blocked(ctl, 1);
    send_cmd(d, "BLPOP dst 0");
    wait_blocked(ctl, 2);
    /* the push, the move and the second waiter all happen before the next
     * command of ctl runs */
    send_cmd(ctl, "RPUSH src x y");
    send_cmd(ctl, "LRANGE src 0 -1");
    send_cmd(ctl, "EXISTS dst");
    r = get_reply(ctl);
    assert_int_equal(r->integer, 2);
    freeReplyObject(r);
    r = get_reply(ctl);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 1);
    assert_string_equal(r->element[0]->str, "y");
    freeReplyObject(r);
    r = get_reply(ctl);
    assert_int_equal(r->integer, 0); /* BLPOP dst took what BLMOVE put there */
    freeReplyObject(r);
    expect_bulk(get_reply(c), "x");
    expect_pair(get_reply(d), "dst", "x");
    wait_blocked(ctl, 0);
    redisFree(c);
    redisFree(d);
    redisFree(ctl);
}

static void blmove_writes_its_destination_atomically_and_wakes_its_waiters(void **state)
{
    on_both(state, s_blmove_chain);
}

static void s_blmove_wrongtype_destination(const hserver *s)
{
    redisContext *ctl = fresh(s), *c = conn(s);
    redisReply *r;

    send_cmd(c, "BRPOPLPUSH src dst 0");
    wait_blocked(ctl, 1);
    freeReplyObject(hs_cmd(ctl, "SET dst str"));
    expect_int(ctl, 1, "RPUSH src a");
    r = get_reply(c);
    assert_int_equal(r->type, REDIS_REPLY_ERROR);
    assert_string_equal(r->str,
                        "WRONGTYPE Operation against a key holding the wrong kind of value");
    freeReplyObject(r);
    expect_int(ctl, 1, "LLEN src"); /* nothing was popped */
    wait_blocked(ctl, 0);
    redisFree(c);
    redisFree(ctl);
}

static void a_served_blmove_with_a_wrong_type_destination_gets_wrongtype(void **state)
{
    on_both(state, s_blmove_wrongtype_destination);
}

static void s_same_turn(const hserver *s)
{
    redisContext *ctl = fresh(s), *c = conn(s);
    redisReply *r;

    send_cmd(c, "BLPOP q 0");
    wait_blocked(ctl, 1);
    freeReplyObject(hs_cmd(ctl, "MULTI"));
    freeReplyObject(hs_cmd(ctl, "RPUSH q a"));
    freeReplyObject(hs_cmd(ctl, "RPUSH q b"));
    freeReplyObject(hs_cmd(ctl, "LLEN q"));
    r = hs_cmd(ctl, "EXEC"); /* the waiter runs after EXEC, not between */
    assert_int_equal(r->elements, 3);
    assert_int_equal(r->element[2]->integer, 2);
    freeReplyObject(r);
    expect_pair(get_reply(c), "q", "a");
    expect_int(ctl, 1, "LLEN q");
    redisFree(c);
    redisFree(ctl);
}

static void waiters_are_served_after_the_whole_transaction(void **state)
{
    on_both(state, s_same_turn);
}

static void s_ready_order(const hserver *s)
{
    redisContext *ctl = fresh(s), *c = conn(s);

    send_cmd(c, "BLPOP ka kb 0");
    wait_blocked(ctl, 1);
    freeReplyObject(hs_cmd(ctl, "MULTI"));
    freeReplyObject(hs_cmd(ctl, "RPUSH kb x"));
    freeReplyObject(hs_cmd(ctl, "RPUSH ka y"));
    freeReplyObject(hs_cmd(ctl, "EXEC"));
    /* kb got data first, so it serves the waiter although ka comes first in argv. */
    expect_pair(get_reply(c), "kb", "x");
    expect_int(ctl, 1, "LLEN ka");
    redisFree(c);
    redisFree(ctl);
}

static void a_waiter_is_served_by_the_key_that_became_ready_first(void **state)
{
    on_both(state, s_ready_order);
}

static void s_blmpop_count(const hserver *s)
{
    redisContext *ctl = fresh(s), *c = conn(s), *d = conn(s);
    redisReply *r;

    send_cmd(c, "BLMPOP 0 2 a b RIGHT COUNT 2");
    wait_blocked(ctl, 1);
    send_cmd(d, "BLMPOP 0 1 b LEFT COUNT 5");
    wait_blocked(ctl, 2);
    expect_int(ctl, 3, "RPUSH b 1 2 3");
    r = get_reply(c);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_string_equal(r->element[0]->str, "b");
    assert_int_equal(r->element[1]->elements, 2);
    assert_string_equal(r->element[1]->element[0]->str, "3");
    assert_string_equal(r->element[1]->element[1]->str, "2");
    freeReplyObject(r);
    r = get_reply(d);
    assert_int_equal(r->element[1]->elements, 1);
    assert_string_equal(r->element[1]->element[0]->str, "1");
    freeReplyObject(r);
    expect_int(ctl, 0, "EXISTS b");
    redisFree(c);
    redisFree(d);
    redisFree(ctl);
}

static void blmpop_serves_up_to_count_elements_per_waiter(void **state)
{
    on_both(state, s_blmpop_count);
}

static void s_lpush_new_key_many_waiters_other_db(const hserver *s)
{
    redisContext *ctl = fresh(s), *c = conn(s), *d = conn(s);
    freeReplyObject(hs_cmd(d, "SELECT 1"));
    send_cmd(c, "BLPOP q 0");
    send_cmd(d, "BLPOP q 0");
    wait_blocked(ctl, 2);
    freeReplyObject(hs_cmd(ctl, "SELECT 1"));
    expect_int(ctl, 1, "LPUSH q in-db-1");
    expect_pair(get_reply(d), "q", "in-db-1");
    assert_false(readable(c, 50));
    freeReplyObject(hs_cmd(ctl, "SELECT 0"));
    expect_int(ctl, 1, "LPUSH q in-db-0");
    expect_pair(get_reply(c), "q", "in-db-0");
    redisFree(c);
    redisFree(d);
    redisFree(ctl);
}

static void waiters_only_see_keys_of_their_own_database(void **state)
{
    on_both(state, s_lpush_new_key_many_waiters_other_db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blpop_waiters_are_served_first_come_first_served),
        cmocka_unit_test(one_push_of_n_elements_serves_n_waiters),
        cmocka_unit_test(a_client_blocked_on_several_keys_is_served_by_the_first_ready),
        cmocka_unit_test(timeouts_reply_null_and_zero_waits_forever),
        cmocka_unit_test(timeouts_reply_a_resp3_null_to_resp3_clients),
        cmocka_unit_test(blmove_times_out_with_a_null_array_but_replies_null_bulk_in_multi),
        cmocka_unit_test(a_client_that_disconnects_while_blocked_is_removed),
        cmocka_unit_test(blocking_commands_inside_multi_never_block),
        cmocka_unit_test(a_key_deleted_or_recreated_with_another_type_wakes_nobody),
        cmocka_unit_test(a_waiter_skips_a_key_that_became_another_type),
        cmocka_unit_test(blmove_writes_its_destination_atomically_and_wakes_its_waiters),
        cmocka_unit_test(a_served_blmove_with_a_wrong_type_destination_gets_wrongtype),
        cmocka_unit_test(waiters_are_served_after_the_whole_transaction),
        cmocka_unit_test(a_waiter_is_served_by_the_key_that_became_ready_first),
        cmocka_unit_test(blmpop_serves_up_to_count_elements_per_waiter),
        cmocka_unit_test(waiters_only_see_keys_of_their_own_database),
    };
    return cmocka_run_group_tests_name("lists_blocking", tests, group_setup, group_teardown);
}
