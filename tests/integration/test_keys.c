/* test_keys.c: integration tests of the keys module: SCAN guarantee, lazy expiry, wake-ups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "hs_cmd.h"

typedef struct fixture {
    hserver server;
    int have_lists; /* lists.so was found and loaded: the blocking tests can run */
} fixture;

/* ---- helpers ---------------------------------------------------------------- */

static int module_present(const char *name)
{
    const char *dir = getenv("MODIS_MODULE_DIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s.so", dir ? dir : "modules", name);
    return access(path, R_OK) == 0;
}

static redisContext *connect_or_fail(fixture *f)
{
    redisContext *c = hs_connect(&f->server);
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
        fail_msg("%s: expected :%lld, got type %d int %lld str %s", fmt, want, r->type, r->integer,
                 r->str ? r->str : "");
    freeReplyObject(r);
}

static void expect_status(redisContext *c, const char *want, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    assert_non_null(r);
    if (r->type != REDIS_REPLY_STATUS || strcmp(r->str, want) != 0)
        fail_msg("%s: expected +%s, got type %d %s", fmt, want, r->type, r->str ? r->str : "");
    freeReplyObject(r);
}

/* Sends n pipelined commands built by fmt with index i (from `first`) and
 * checks none of them failed. */
static void pipeline(redisContext *c, const char *fmt, int first, int n)
{
    for (int i = first; i < first + n; i++)
        assert_int_equal(redisAppendCommand(c, fmt, i), REDIS_OK);
    for (int i = 0; i < n; i++) {
        redisReply *r;
        assert_int_equal(redisGetReply(c, (void **)&r), REDIS_OK);
        if (r->type == REDIS_REPLY_ERROR)
            fail_msg("pipelined command failed: %s", r->str);
        freeReplyObject(r);
    }
}

static void flushall(redisContext *c)
{
    expect_status(c, "OK", "FLUSHALL");
}

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- fixture ------------------------------------------------------------------ */

static int group_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    const char *modules = NULL;

    if (!f)
        return -1;
    f->have_lists = module_present("lists");
    if (!f->have_lists)
        modules = "[{\"name\": \"admin\"}, {\"name\": \"strings\"}, {\"name\": \"keys\"}]";
    if (hs_start_modis(&f->server, NULL, modules) < 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int group_teardown(void **state)
{
    fixture *f = *state;
    int rc = hs_stop(&f->server);
    free(f);
    return rc == 0 ? 0 : -1;
}

/* ---- SCAN guarantee ------------------------------------------------------------- */

#define ORIGINALS 1000

/* Marks the original keys ("orig:<i>") of a SCAN reply as seen; checks the
 * reply's shape. Returns the next cursor. */
static unsigned long long scan_step(redisContext *c, unsigned long long cursor, int count,
                                    unsigned char *seen, long *returned)
{
    redisReply *r = hs_cmd(c, "SCAN %llu COUNT %d", cursor, count);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 2);
    assert_int_equal(r->element[0]->type, REDIS_REPLY_STRING);
    assert_int_equal(r->element[1]->type, REDIS_REPLY_ARRAY);
    unsigned long long next = strtoull(r->element[0]->str, NULL, 10);
    for (size_t i = 0; i < r->element[1]->elements; i++) {
        const redisReply *k = r->element[1]->element[i];
        int idx;
        char tail;
        if (sscanf(k->str, "orig:%d%c", &idx, &tail) == 1 && idx >= 0 && idx < ORIGINALS)
            seen[idx] = 1;
        (*returned)++;
    }
    freeReplyObject(r);
    return next;
}

static void assert_all_seen(const unsigned char *seen)
{
    int missing = 0, first = -1;
    for (int i = 0; i < ORIGINALS; i++) {
        if (!seen[i]) {
            missing++;
            if (first < 0)
                first = i;
        }
    }
    if (missing)
        fail_msg("%d original keys never returned by SCAN (first: orig:%d)", missing, first);
}

static void scan_returns_every_original_key_while_the_table_grows(void **state)
{
    fixture *f = *state;
    redisContext *c = connect_or_fail(f);
    unsigned char seen[ORIGINALS] = {0};
    unsigned long long cursor = 0;
    long returned = 0;
    int calls = 0, added = 0;

    flushall(c);
    pipeline(c, "SET orig:%d v", 0, ORIGINALS);
    do {
        cursor = scan_step(c, cursor, 5, seen, &returned);
        /* Grow the table a lot between calls (many rehashes mid-scan). */
        if (added < 60000) {
            pipeline(c, "SET new:%d v", added, 1500);
            added += 1500;
        }
        calls++;
        assert_true(calls < 100000);
    } while (cursor != 0);
    assert_all_seen(seen);
    assert_true(added >= 1500);
    freeReplyObject(hs_cmd(c, "FLUSHALL"));
    redisFree(c);
}

static void scan_returns_every_original_key_under_inserts_and_deletes(void **state)
{
    fixture *f = *state;
    redisContext *c = connect_or_fail(f);
    unsigned char seen[ORIGINALS] = {0};
    unsigned long long cursor = 0;
    long returned = 0;
    int calls = 0, next_new = 0, next_del = 0;

    flushall(c);
    pipeline(c, "SET orig:%d v", 0, ORIGINALS);
    pipeline(c, "SET extra:%d v", 0, 20000);
    do {
        cursor = scan_step(c, cursor, 10, seen, &returned);
        /* Shrink through deletes of the extras, and churn with inserts. */
        if (next_del < 20000) {
            pipeline(c, "DEL extra:%d", next_del, 2000);
            next_del += 2000;
        }
        if (calls < 200) {
            pipeline(c, "SET churn:%d v", next_new, 300);
            pipeline(c, "DEL churn:%d", next_new, 150);
            next_new += 300;
        }
        calls++;
        assert_true(calls < 100000);
    } while (cursor != 0);
    assert_all_seen(seen);
    freeReplyObject(hs_cmd(c, "FLUSHALL"));
    redisFree(c);
}

static void scan_walks_a_quiet_table_completely(void **state)
{
    fixture *f = *state;
    redisContext *c = connect_or_fail(f);
    unsigned char seen[ORIGINALS] = {0};
    unsigned long long cursor = 0;
    long returned = 0;

    flushall(c);
    pipeline(c, "SET orig:%d v", 0, ORIGINALS);
    do {
        cursor = scan_step(c, cursor, 7, seen, &returned);
    } while (cursor != 0);
    assert_all_seen(seen);
    /* A rehash step between calls may repeat a key, never invent one. */
    assert_true(returned >= ORIGINALS);
    flushall(c);
    redisFree(c);
}

static void scan_match_and_type_filter_the_walk(void **state)
{
    fixture *f = *state;
    redisContext *c = connect_or_fail(f);
    unsigned long long cursor = 0;
    unsigned char str_seen[300] = {0}, list_seen[200] = {0};
    long strings = 0, listed = 0;

    flushall(c);
    pipeline(c, "SET str:%d v", 0, 300);
    if (f->have_lists)
        pipeline(c, "RPUSH list:%d v", 0, 200);
    do {
        redisReply *r = hs_cmd(c, "SCAN %llu MATCH str:1* TYPE STRING COUNT 20", cursor);
        cursor = strtoull(r->element[0]->str, NULL, 10);
        for (size_t i = 0; i < r->element[1]->elements; i++) {
            int idx = -1;
            assert_memory_equal(r->element[1]->element[i]->str, "str:1", 5);
            assert_int_equal(sscanf(r->element[1]->element[i]->str, "str:%d", &idx), 1);
            assert_true(idx >= 0 && idx < 300);
            strings += !str_seen[idx];
            str_seen[idx] = 1;
        }
        freeReplyObject(r);
    } while (cursor != 0);
    assert_int_equal(strings, 111); /* str:1, str:10..19, str:100..199 */
    if (f->have_lists) {
        do {
            redisReply *r = hs_cmd(c, "SCAN %llu TYPE list", cursor);
            cursor = strtoull(r->element[0]->str, NULL, 10);
            for (size_t i = 0; i < r->element[1]->elements; i++) {
                int idx = -1;
                assert_int_equal(sscanf(r->element[1]->element[i]->str, "list:%d", &idx), 1);
                assert_true(idx >= 0 && idx < 200);
                listed += !list_seen[idx];
                list_seen[idx] = 1;
            }
            freeReplyObject(r);
        } while (cursor != 0);
        assert_int_equal(listed, 200);
    }
    flushall(c);
    redisFree(c);
}

static int str_cmp(const void *a, const void *b)
{
    const redisReply *const *x = a, *const *y = b;
    return strcmp((*x)->str, (*y)->str);
}

static void keys_lists_each_key_once_right_after_the_table_grew(void **state)
{
    fixture *f = *state;
    redisContext *c = connect_or_fail(f);
    const int n = 40000;

    flushall(c);
    pipeline(c, "SET grow:%d v", 0, n);
    /* Likely mid-rehash now: KEYS walks both tables and must not repeat keys. */
    redisReply *r = hs_cmd(c, "KEYS grow:*");
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, n);
    qsort(r->element, r->elements, sizeof *r->element, str_cmp);
    for (size_t i = 1; i < r->elements; i++)
        if (strcmp(r->element[i - 1]->str, r->element[i]->str) == 0)
            fail_msg("KEYS returned %s twice", r->element[i]->str);
    freeReplyObject(r);
    flushall(c);
    redisFree(c);
}

/* ---- lazy expiry --------------------------------------------------------------------- */

#define EXPIRING 20000

static long long wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void expired_keys_are_gone_before_they_are_reclaimed(void **state)
{
    fixture *f = *state;
    redisContext *c = connect_or_fail(f);
    unsigned long long cursor = 0;
    long scanned = 0;
    long long at = wall_ms() + 1500;

    flushall(c);
    /* Many keys sharing one deadline: the active cycle needs a while to reclaim
     * them all, so the checks below mostly meet keys still in the table. */
    pipeline(c, "SET exp:%d v", 0, EXPIRING);
    for (int i = 0; i < EXPIRING; i++)
        assert_int_equal(redisAppendCommand(c, "PEXPIREAT exp:%d %lld", i, at), REDIS_OK);
    for (int i = 0; i < EXPIRING; i++) {
        redisReply *r;
        assert_int_equal(redisGetReply(c, (void **)&r), REDIS_OK);
        assert_int_equal(r->integer, 1);
        freeReplyObject(r);
    }
    expect_status(c, "OK", "SET live v");
    expect_int(c, 10, "EXISTS exp:0 exp:1 exp:2 exp:3 exp:4 exp:5 exp:6 exp:7 exp:8 exp:9");
    while (wall_ms() < at + 20)
        usleep(1000);
    redisReply *size = hs_cmd(c, "DBSIZE");
    fprintf(stderr, "after the deadline: DBSIZE %lld (%d expired keys not yet reclaimed)\n",
            size->integer, (int)size->integer - 1);
    freeReplyObject(size);

    /* Whatever the active cycle has reclaimed so far, nothing past its TTL shows. */
    redisReply *r = hs_cmd(c, "KEYS *");
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 1);
    assert_string_equal(r->element[0]->str, "live");
    freeReplyObject(r);

    do {
        r = hs_cmd(c, "SCAN %llu COUNT 100", cursor);
        cursor = strtoull(r->element[0]->str, NULL, 10);
        for (size_t i = 0; i < r->element[1]->elements; i++) {
            assert_string_equal(r->element[1]->element[i]->str, "live");
            scanned++;
        }
        freeReplyObject(r);
    } while (cursor != 0);
    assert_int_equal(scanned, 1);

    r = hs_cmd(c, "RANDOMKEY");
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    assert_string_equal(r->str, "live");
    freeReplyObject(r);

    for (int i = 0; i < EXPIRING; i += 997) {
        expect_int(c, 0, "EXISTS exp:%d", i);
        expect_status(c, "none", "TYPE exp:%d", i);
        expect_int(c, -2, "TTL exp:%d", i);
        expect_int(c, -2, "PTTL exp:%d", i);
        expect_int(c, 0, "PERSIST exp:%d", i);
        expect_int(c, 0, "EXPIRE exp:%d 100", i);
        r = hs_cmd(c, "OBJECT ENCODING exp:%d", i);
        assert_int_equal(r->type, REDIS_REPLY_NIL);
        freeReplyObject(r);
        r = hs_cmd(c, "RENAME exp:%d other", i);
        assert_int_equal(r->type, REDIS_REPLY_ERROR);
        assert_string_equal(r->str, "ERR no such key");
        freeReplyObject(r);
        expect_int(c, 0, "COPY exp:%d other", i);
        expect_int(c, 0, "MOVE exp:%d 1", i);
    }
    expect_int(c, 0, "DEL exp:1 exp:2 exp:3");
    expect_int(c, 1, "EXISTS live");
    flushall(c);
    redisFree(c);
}

static void expire_in_the_past_deletes_and_ttl_counts_down(void **state)
{
    fixture *f = *state;
    redisContext *c = connect_or_fail(f);

    flushall(c);
    expect_status(c, "OK", "SET k v");
    expect_int(c, 1, "PEXPIRE k 200");
    redisReply *r = hs_cmd(c, "PTTL k");
    assert_true(r->integer > 0 && r->integer <= 200);
    freeReplyObject(r);
    expect_int(c, 1, "EXISTS k");
    usleep(300 * 1000);
    expect_int(c, 0, "EXISTS k");
    expect_status(c, "OK", "SET k v");
    expect_int(c, 1, "EXPIRE k -5");
    expect_int(c, 0, "EXISTS k");
    expect_status(c, "OK", "SET k v");
    expect_int(c, 1, "EXPIREAT k %lld", (long long)time(NULL) + 1000);
    r = hs_cmd(c, "TTL k");
    assert_true(r->integer >= 999 && r->integer <= 1000);
    freeReplyObject(r);
    flushall(c);
    redisFree(c);
}

/* ---- keyspace hit/miss accounting ------------------------------------------------------ */

/* keyspace_hits and keyspace_misses from INFO stats; 0 when INFO lacks them. */
static int read_hits(redisContext *c, long long *hits, long long *misses)
{
    redisReply *r = redisCommand(c, "INFO stats");
    const char *h, *m;
    int ok = 0;

    if (r && r->type == REDIS_REPLY_STRING && (h = strstr(r->str, "keyspace_hits:")) &&
        (m = strstr(r->str, "keyspace_misses:"))) {
        *hits = strtoll(h + 14, NULL, 10);
        *misses = strtoll(m + 16, NULL, 10);
        ok = 1;
    }
    if (r)
        freeReplyObject(r);
    return ok;
}

/* Runs one command and checks the hit and miss deltas it causes. */
static void expect_stats(redisContext *c, long long dh, long long dm, const char *command)
{
    long long h0 = 0, m0 = 0, h1 = 0, m1 = 0;
    assert_true(read_hits(c, &h0, &m0));
    freeReplyObject(hs_cmd(c, command));
    assert_true(read_hits(c, &h1, &m1));
    if (h1 - h0 != dh || m1 - m0 != dm)
        fail_msg("%s: hits +%lld misses +%lld, Redis counts +%lld +%lld", command, h1 - h0,
                 m1 - m0, dh, dm);
}

static void probes_count_keyspace_hits_and_misses_like_redis(void **state)
{
    fixture *f = *state;
    redisContext *c = connect_or_fail(f);
    long long h, m;

    if (!read_hits(c, &h, &m)) {
        fprintf(stderr, "INFO stats has no keyspace_hits: skipping\n");
        redisFree(c);
        skip();
    }
    flushall(c);
    expect_status(c, "OK", "SET a 1");
    expect_status(c, "OK", "SET b 2");
    /* Deltas measured on redis-server 7.0.15. */
    expect_stats(c, 1, 1, "EXISTS a nokey");
    expect_stats(c, 1, 0, "TYPE a");
    expect_stats(c, 0, 1, "TYPE nokey");
    expect_stats(c, 1, 0, "TTL a");
    expect_stats(c, 0, 1, "PTTL nokey");
    expect_stats(c, 1, 0, "EXPIRETIME a");
    expect_stats(c, 1, 0, "OBJECT ENCODING a");
    expect_stats(c, 0, 1, "OBJECT REFCOUNT nokey");
    expect_stats(c, 1, 1, "TOUCH a nokey");
    expect_stats(c, 1, 0, "COPY a c");
    expect_stats(c, 0, 1, "COPY nokey c");
    expect_stats(c, 3, 0, "SCAN 0 TYPE string COUNT 100");
    expect_stats(c, 0, 0, "RENAME c d");
    expect_stats(c, 0, 0, "KEYS *");
    expect_stats(c, 0, 0, "RANDOMKEY");
    expect_stats(c, 0, 0, "EXPIRE a 100");
    expect_stats(c, 0, 0, "PERSIST a");
    expect_stats(c, 0, 0, "DEL d nokey");
    expect_stats(c, 0, 0, "MOVE b 1");
    flushall(c);
    redisFree(c);
}

static void object_freq_and_idletime_follow_the_lfu_policy(void **state)
{
    hserver lfu;
    redisContext *c;
    redisReply *r;

    (void)state;
    assert_int_equal(hs_start_modis(&lfu, "  \"maxmemory-policy\": \"allkeys-lfu\"", NULL), 0);
    c = hs_connect(&lfu);
    assert_non_null(c);
    expect_status(c, "OK", "SET fresh v");
    /* A key never read since it was written: Redis's starting counter, 5. */
    expect_int(c, 5, "OBJECT FREQ fresh");
    r = hs_cmd(c, "OBJECT IDLETIME fresh");
    assert_int_equal(r->type, REDIS_REPLY_ERROR);
    assert_string_equal(r->str, "ERR An LFU maxmemory policy is selected, idle time not tracked. "
                                "Please note that when switching between policies at runtime LRU "
                                "and LFU data will take some time to adjust.");
    freeReplyObject(r);
    r = hs_cmd(c, "OBJECT IDLETIME nokey");
    assert_int_equal(r->type, REDIS_REPLY_NIL);
    freeReplyObject(r);
    redisFree(c);
    assert_int_equal(hs_stop(&lfu), 0);
}

/* OBJECT IDLETIME counts seconds since the last access; reads and writes reset
 * it, probes (TYPE, EXISTS, TTL, OBJECT) do not. Run on modis and on a real
 * redis-server side by side (one shared sleep); Redis's clock has a one-second
 * resolution, so each value may differ from the wait by one. */
static void idle_time_follows_reads_writes_and_probes_like_redis(void **state)
{
    fixture *f = *state;
    hserver redis;
    int have_redis = hs_have_redis() && hs_start_redis(&redis) == 0;
    redisContext *cs[2] = {connect_or_fail(f), have_redis ? hs_connect(&redis) : NULL};
    int n = have_redis ? 2 : 1;
    long long idle[2][4];

    for (int i = 0; i < n; i++) {
        assert_non_null(cs[i]);
        flushall(cs[i]);
        expect_status(cs[i], "OK", "SET probed v");
        expect_status(cs[i], "OK", "SET read v");
        expect_status(cs[i], "OK", "SET written v");
    }
    usleep(2300 * 1000);
    for (int i = 0; i < n; i++) {
        expect_int(cs[i], 1, "EXISTS probed");
        expect_status(cs[i], "string", "TYPE probed");
        expect_int(cs[i], -1, "TTL probed");
        redisReply *r = hs_cmd(cs[i], "GET read");
        freeReplyObject(r);
        expect_int(cs[i], 2, "APPEND written x");
    }
    usleep(1200 * 1000);
    for (int i = 0; i < n; i++) {
        redisReply *r;
        const char *keys[] = {"probed", "read", "written", "nokey"};
        for (int k = 0; k < 4; k++) {
            r = hs_cmd(cs[i], "OBJECT IDLETIME %s", keys[k]);
            idle[i][k] = r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
            freeReplyObject(r);
        }
    }
    for (int i = 0; i < n; i++) {
        /* 3.5 s since the SET, 1.2 s since the read or write. */
        assert_in_range(idle[i][0], 3, 4);
        assert_in_range(idle[i][1], 1, 2);
        assert_in_range(idle[i][2], 1, 2);
        assert_int_equal(idle[i][3], -1);
    }
    for (int i = 0; i < n; i++)
        redisFree(cs[i]);
    if (have_redis)
        assert_int_equal(hs_stop(&redis), 0);
}

/* CLIENT NO-TOUCH (Redis 7.2): the client's reads leave the access clock
 * alone, TOUCH still counts; another client's reads count as usual. */
static void no_touch_clients_leave_idle_time_alone_except_for_touch(void **state)
{
    fixture *f = *state;
    redisContext *c = connect_or_fail(f);
    redisContext *other = connect_or_fail(f);
    redisReply *r;

    flushall(c);
    expect_status(c, "OK", "SET a v");
    expect_status(c, "OK", "SET b v");
    expect_status(c, "OK", "SET c v");
    usleep(2200 * 1000);
    expect_status(c, "OK", "CLIENT NO-TOUCH ON");
    r = hs_cmd(c, "GET a");
    freeReplyObject(r);
    expect_int(c, 1, "TOUCH b");
    r = hs_cmd(other, "GET c");
    freeReplyObject(r);
    r = hs_cmd(c, "OBJECT IDLETIME a");
    assert_int_equal(r->type, REDIS_REPLY_INTEGER);
    assert_in_range(r->integer, 2, 3);
    freeReplyObject(r);
    r = hs_cmd(c, "OBJECT IDLETIME b");
    assert_in_range(r->integer, 0, 1);
    freeReplyObject(r);
    r = hs_cmd(c, "OBJECT IDLETIME c");
    assert_in_range(r->integer, 0, 1);
    freeReplyObject(r);
    expect_status(c, "OK", "CLIENT NO-TOUCH OFF");
    redisFree(other);
    redisFree(c);
}

/* ---- blocked clients woken by keyspace moves ---------------------------------------- */

/* Waits until the server reports n blocked clients (INFO clients), or falls
 * back to a pause when the field is not there. */
static void wait_blocked(redisContext *c, int n)
{
    char want[64];
    long long end = mono_ms() + 5000;
    snprintf(want, sizeof want, "blocked_clients:%d\r\n", n);
    while (mono_ms() < end) {
        redisReply *r = redisCommand(c, "INFO clients");
        int has_field = 0, done = 0;
        if (r && r->type == REDIS_REPLY_STRING) {
            has_field = strstr(r->str, "blocked_clients:") != NULL;
            done = strstr(r->str, want) != NULL;
        }
        if (r)
            freeReplyObject(r);
        if (done)
            return;
        if (!has_field) {
            usleep(300 * 1000);
            return;
        }
        usleep(10 * 1000);
    }
    fail_msg("client never blocked");
}

/* Starts BLPOP key <timeout> on a new connection in db, returns it. */
static redisContext *start_blpop(fixture *f, int db, const char *key)
{
    redisContext *b = connect_or_fail(f);
    if (db) {
        redisReply *r = hs_cmd(b, "SELECT %d", db);
        assert_int_equal(r->type, REDIS_REPLY_STATUS);
        freeReplyObject(r);
    }
    assert_int_equal(redisAppendCommand(b, "BLPOP %s 10", key), REDIS_OK);
    int done = 0;
    while (!done)
        assert_int_equal(redisBufferWrite(b, &done), REDIS_OK);
    return b;
}

/* Reads the BLPOP reply and checks it is [key, value]. */
static void expect_popped(redisContext *b, const char *key, const char *value)
{
    redisReply *r;
    assert_int_equal(redisGetReply(b, (void **)&r), REDIS_OK);
    assert_non_null(r);
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2)
        fail_msg("BLPOP: expected a two-element array, got type %d", r->type);
    assert_string_equal(r->element[0]->str, key);
    assert_string_equal(r->element[1]->str, value);
    freeReplyObject(r);
}

static void skip_without_lists(fixture *f)
{
    if (!f->have_lists) {
        fprintf(stderr, "lists.so not found: skipping\n");
        skip();
    }
}

static void rename_onto_a_waited_key_wakes_blpop(void **state)
{
    fixture *f = *state;
    skip_without_lists(f);
    redisContext *c = connect_or_fail(f);
    flushall(c);
    redisContext *b = start_blpop(f, 0, "dst");
    wait_blocked(c, 1);
    expect_int(c, 2, "RPUSH src one two");
    expect_status(c, "OK", "RENAME src dst");
    expect_popped(b, "dst", "one");
    expect_int(c, 1, "LLEN dst");
    expect_int(c, 0, "EXISTS src");

    /* RENAMENX too. */
    redisContext *b2 = start_blpop(f, 0, "dst2");
    wait_blocked(c, 1);
    expect_int(c, 1, "RPUSH src2 x");
    expect_int(c, 1, "RENAMENX src2 dst2");
    expect_popped(b2, "dst2", "x");
    redisFree(b2);
    redisFree(b);
    flushall(c);
    redisFree(c);
}

static void copy_onto_a_waited_key_wakes_blpop_and_keeps_the_source(void **state)
{
    fixture *f = *state;
    skip_without_lists(f);
    redisContext *c = connect_or_fail(f);
    flushall(c);
    redisContext *b = start_blpop(f, 0, "dst");
    wait_blocked(c, 1);
    expect_int(c, 2, "RPUSH src a b");
    expect_int(c, 1, "COPY src dst");
    expect_popped(b, "dst", "a");
    expect_int(c, 2, "LLEN src");
    expect_int(c, 1, "LLEN dst");

    /* Into another database. */
    redisContext *b3 = start_blpop(f, 3, "far");
    wait_blocked(c, 1);
    expect_int(c, 1, "COPY src far DB 3");
    expect_popped(b3, "far", "a");
    expect_int(c, 2, "LLEN src");
    redisFree(b3);
    redisFree(b);
    flushall(c);
    redisFree(c);
}

static void move_into_the_waited_db_wakes_blpop(void **state)
{
    fixture *f = *state;
    skip_without_lists(f);
    redisContext *c = connect_or_fail(f);
    flushall(c);
    redisContext *b = start_blpop(f, 1, "k");
    wait_blocked(c, 1);
    expect_int(c, 1, "RPUSH k moved");
    expect_int(c, 1, "MOVE k 1");
    expect_popped(b, "k", "moved");
    expect_int(c, 0, "EXISTS k");
    redisFree(b);
    flushall(c);
    redisFree(c);
}

static void swapdb_wakes_blpop_on_keys_of_the_other_db(void **state)
{
    fixture *f = *state;
    skip_without_lists(f);
    redisContext *c = connect_or_fail(f);
    flushall(c);
    redisContext *b = start_blpop(f, 0, "k");
    wait_blocked(c, 1);
    freeReplyObject(hs_cmd(c, "SELECT 5"));
    expect_int(c, 1, "RPUSH k from5");
    freeReplyObject(hs_cmd(c, "SELECT 0"));
    expect_status(c, "OK", "SWAPDB 0 5");
    expect_popped(b, "k", "from5");
    expect_int(c, 0, "EXISTS k");
    redisFree(b);
    flushall(c);
    redisFree(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scan_returns_every_original_key_while_the_table_grows),
        cmocka_unit_test(scan_returns_every_original_key_under_inserts_and_deletes),
        cmocka_unit_test(scan_walks_a_quiet_table_completely),
        cmocka_unit_test(scan_match_and_type_filter_the_walk),
        cmocka_unit_test(keys_lists_each_key_once_right_after_the_table_grew),
        cmocka_unit_test(expired_keys_are_gone_before_they_are_reclaimed),
        cmocka_unit_test(expire_in_the_past_deletes_and_ttl_counts_down),
        cmocka_unit_test(probes_count_keyspace_hits_and_misses_like_redis),
        cmocka_unit_test(object_freq_and_idletime_follow_the_lfu_policy),
        cmocka_unit_test(idle_time_follows_reads_writes_and_probes_like_redis),
        cmocka_unit_test(no_touch_clients_leave_idle_time_alone_except_for_touch),
        cmocka_unit_test(rename_onto_a_waited_key_wakes_blpop),
        cmocka_unit_test(copy_onto_a_waited_key_wakes_blpop_and_keeps_the_source),
        cmocka_unit_test(move_into_the_waited_db_wakes_blpop),
        cmocka_unit_test(swapdb_wakes_blpop_on_keys_of_the_other_db),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
