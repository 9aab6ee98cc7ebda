/* test_maxmemory.c: maxmemory and eviction across connections and over time:
 * EXEC of a transaction that meets the limit (against a real Redis when one
 * is installed), the counters, the LRU order, eviction that goes on after
 * its time per command ran out. Single-connection replies are compared with
 * Redis byte for byte in tests/diff/core_maxmemory.txt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "harness.h"
#include "hs_cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static hserver srv;

static int start(void **state)
{
    (void)state;
    return hs_start_modis(&srv, NULL, NULL);
}

static int stop(void **state)
{
    (void)state;
    return hs_stop(&srv) == 0 ? 0 : -1;
}

static void ok(redisContext *c, const char *fmt, const char *arg)
{
    redisReply *r = hs_cmd(c, fmt, arg);
    assert_int_equal(r->type, REDIS_REPLY_STATUS);
    freeReplyObject(r);
}

static long long info_field(redisContext *c, const char *section, const char *field)
{
    redisReply *r = hs_cmd(c, "INFO %s", section);
    char key[128];
    snprintf(key, sizeof key, "\r\n%s", field);
    const char *p = strstr(r->str, key);
    long long v = p ? atoll(p + strlen(key)) : -1;
    freeReplyObject(r);
    return v;
}

static long long dbsize(redisContext *c)
{
    redisReply *r = hs_cmd(c, "DBSIZE");
    long long n = r->integer;
    freeReplyObject(r);
    return n;
}

/* MULTI on one connection, the limit set from another, then EXEC: the
 * transaction is discarded with EXECABORT naming the OOM. Returns the error. */
static char *exec_after_limit(const hserver *s)
{
    redisContext *a = hs_connect(s), *b = hs_connect(s);
    assert_non_null(a);
    assert_non_null(b);
    ok(b, "CONFIG SET maxmemory-policy %s", "noeviction");
    ok(a, "MULTI%s", "");
    redisReply *r = hs_cmd(a, "SET tx:k v");
    assert_string_equal(r->str, "QUEUED");
    freeReplyObject(r);
    ok(b, "CONFIG SET maxmemory %s", "1");
    r = hs_cmd(a, "EXEC");
    assert_int_equal(r->type, REDIS_REPLY_ERROR);
    char *err = strdup(r->str);
    freeReplyObject(r);
    /* The transaction is gone: a second EXEC has no MULTI. */
    r = hs_cmd(a, "EXEC");
    assert_string_equal(r->str, "ERR EXEC without MULTI");
    freeReplyObject(r);
    ok(b, "CONFIG SET maxmemory %s", "0");
    r = hs_cmd(b, "EXISTS tx:k");
    assert_int_equal(r->integer, 0);
    freeReplyObject(r);
    redisFree(a);
    redisFree(b);
    return err;
}

static void exec_meeting_the_limit_aborts_the_transaction(void **state)
{
    (void)state;
    char *got = exec_after_limit(&srv);
    assert_string_equal(got, "EXECABORT Transaction discarded because of: OOM command not allowed "
                             "when used memory > 'maxmemory'.");
    if (hs_have_redis()) {
        hserver r;
        assert_int_equal(hs_start_redis(&r), 0);
        char *want = exec_after_limit(&r);
        hs_stop(&r);
        assert_string_equal(got, want);
        free(want);
    } else {
        fprintf(stderr, "note: no redis-server here; compared with the expected text only\n");
    }
    free(got);
}

/* evicted_keys counts every eviction; a refusal counts as a rejected call
 * of the command and as an OOM error. */
static void counters_show_evictions_and_refusals(void **state)
{
    (void)state;
    redisContext *c = hs_connect(&srv);
    assert_non_null(c);
    ok(c, "FLUSHALL%s", "");
    ok(c, "CONFIG RESETSTAT%s", "");
    for (int i = 0; i < 50; i++) {
        redisReply *r = hs_cmd(c, "SET ev:%d x", i);
        freeReplyObject(r);
    }
    ok(c, "CONFIG SET maxmemory-policy %s", "allkeys-lru");
    ok(c, "CONFIG SET maxmemory %s", "1");
    assert_int_equal(dbsize(c), 0);
    assert_int_equal(info_field(c, "stats", "evicted_keys:"), 50);
    redisReply *r = hs_cmd(c, "SET ev:new x");
    assert_int_equal(r->type, REDIS_REPLY_ERROR);
    freeReplyObject(r);
    r = hs_cmd(c, "SET ev:new x");
    freeReplyObject(r);
    assert_int_equal(info_field(c, "errorstats", "errorstat_OOM:count="), 2);
    r = hs_cmd(c, "INFO commandstats");
    assert_non_null(strstr(r->str, "cmdstat_set:calls=50,"));
    assert_non_null(strstr(r->str, "rejected_calls=2,failed_calls=0"));
    freeReplyObject(r);
    ok(c, "CONFIG SET maxmemory %s", "0");
    ok(c, "CONFIG SET maxmemory-policy %s", "noeviction");
    redisFree(c);
}

/* Under allkeys-lru, keys idle for a second go before keys just written. */
static void allkeys_lru_evicts_the_idle_keys_first(void **state)
{
    (void)state;
    redisContext *c = hs_connect(&srv);
    assert_non_null(c);
    ok(c, "FLUSHALL%s", "");
    char val[200];
    memset(val, 'v', sizeof val - 1);
    val[sizeof val - 1] = '\0';
    for (int i = 0; i < 2000; i++)
        freeReplyObject(hs_cmd(c, "SET old:%d %s", i, val));
    long long used = info_field(c, "memory", "used_memory:");
    assert_true(used > 0);
    char limit[32];
    snprintf(limit, sizeof limit, "%lld", used + 4096);
    ok(c, "CONFIG SET maxmemory-policy %s", "allkeys-lru");
    ok(c, "CONFIG SET maxmemory %s", limit);
    usleep(1500 * 1000); /* the LRU clock counts seconds */
    for (int i = 0; i < 1000; i++) {
        redisReply *r = hs_cmd(c, "SET new:%d %s", i, val);
        assert_int_equal(r->type, REDIS_REPLY_STATUS);
        freeReplyObject(r);
    }
    long long evicted = info_field(c, "stats", "evicted_keys:");
    int new_left = 0;
    for (int i = 0; i < 1000; i++) {
        redisReply *r = hs_cmd(c, "EXISTS new:%d", i);
        new_left += (int)r->integer;
        freeReplyObject(r);
    }
    fprintf(stderr, "note: %lld keys evicted, %d of 1000 new keys left\n", evicted, new_left);
    assert_true(evicted >= 900);
    assert_true(new_left >= 950);
    assert_true(info_field(c, "memory", "used_memory:") <= used + 4096 + 1024);
    ok(c, "CONFIG SET maxmemory %s", "0");
    ok(c, "CONFIG SET maxmemory-policy %s", "noeviction");
    redisFree(c);
}

/* Loads n keys `<prefix>:<i>` with 200-byte values, each with a TTL of
 * ttl_base + i seconds when ttl_base > 0; returns the bytes they take. */
static long long load_keys(redisContext *c, const char *prefix, int n, int ttl_base)
{
    char val[201];
    memset(val, 'v', 200);
    val[200] = '\0';
    long long before = info_field(c, "memory", "used_memory:");
    for (int i = 0; i < n; i++) {
        redisReply *r = ttl_base > 0 ? hs_cmd(c, "SET %s:%d %s EX %d", prefix, i, val, ttl_base + i)
                                     : hs_cmd(c, "SET %s:%d %s", prefix, i, val);
        assert_int_equal(r->type, REDIS_REPLY_STATUS);
        freeReplyObject(r);
    }
    return info_field(c, "memory", "used_memory:") - before;
}

/* Sets maxmemory so that about `keys` of keys taking `per_key` bytes each
 * must go, and runs one command to evict them. */
static void squeeze(redisContext *c, long long per_key, int keys)
{
    long long used = info_field(c, "memory", "used_memory:");
    char limit[32];
    snprintf(limit, sizeof limit, "%lld", used - per_key * keys);
    ok(c, "CONFIG SET maxmemory %s", limit);
    freeReplyObject(hs_cmd(c, "PING"));
}

static int survivors(redisContext *c, const char *prefix, int from, int to)
{
    int n = 0;
    for (int i = from; i < to; i++) {
        redisReply *r = hs_cmd(c, "EXISTS %s:%d", prefix, i);
        n += (int)r->integer;
        freeReplyObject(r);
    }
    return n;
}

/* volatile-ttl evicts the keys that expire soonest first. */
static void volatile_ttl_evicts_the_nearest_expiry_first(void **state)
{
    (void)state;
    redisContext *c = hs_connect(&srv);
    assert_non_null(c);
    ok(c, "FLUSHALL%s", "");
    long long bytes = load_keys(c, "ttl", 1000, 1000);
    ok(c, "CONFIG SET maxmemory-policy %s", "volatile-ttl");
    squeeze(c, bytes / 1000, 300);
    int low = survivors(c, "ttl", 0, 300), high = survivors(c, "ttl", 700, 1000);
    fprintf(stderr, "note: kept %d of the 300 nearest expiries, %d of the 300 furthest\n", low,
            high);
    assert_true(low <= 60);
    assert_true(high >= 290);
    ok(c, "CONFIG SET maxmemory %s", "0");
    ok(c, "CONFIG SET maxmemory-policy %s", "noeviction");
    redisFree(c);
}

/* allkeys-lfu keeps the keys read often. */
static void allkeys_lfu_keeps_the_keys_read_often(void **state)
{
    (void)state;
    redisContext *c = hs_connect(&srv);
    assert_non_null(c);
    ok(c, "FLUSHALL%s", "");
    ok(c, "CONFIG SET maxmemory-policy %s", "allkeys-lfu");
    ok(c, "CONFIG SET lfu-log-factor %s", "0");
    long long bytes = load_keys(c, "lfu", 1000, 0);
    for (int round = 0; round < 10; round++)
        for (int i = 0; i < 500; i++)
            freeReplyObject(hs_cmd(c, "GET lfu:%d", i));
    squeeze(c, bytes / 1000, 400);
    int hot = survivors(c, "lfu", 0, 500), cold = survivors(c, "lfu", 500, 1000);
    fprintf(stderr, "note: kept %d of 500 keys read often, %d of 500 never read\n", hot, cold);
    assert_true(hot >= 490);
    assert_true(cold <= 150);
    ok(c, "CONFIG SET maxmemory %s", "0");
    ok(c, "CONFIG SET lfu-log-factor %s", "10");
    ok(c, "CONFIG SET maxmemory-policy %s", "noeviction");
    redisFree(c);
}

/* With maxmemory-eviction-tenacity 0 a command evicts 16 keys and runs (it
 * is not refused while eviction goes on); the loop evicts the rest without
 * any further command. */
static void eviction_goes_on_after_its_time_per_command(void **state)
{
    (void)state;
    redisContext *c = hs_connect(&srv);
    assert_non_null(c);
    ok(c, "FLUSHALL%s", "");
    ok(c, "CONFIG RESETSTAT%s", "");
    for (int i = 0; i < 1000; i++)
        freeReplyObject(hs_cmd(c, "SET bg:%d x", i));
    ok(c, "CONFIG SET maxmemory-eviction-tenacity %s", "0");
    ok(c, "CONFIG SET maxmemory-policy %s", "allkeys-random");
    ok(c, "CONFIG SET maxmemory %s", "1");
    usleep(500 * 1000);
    /* INFO itself may evict 16 more at most. */
    assert_true(info_field(c, "stats", "evicted_keys:") >= 1000);
    assert_int_equal(dbsize(c), 0);
    ok(c, "CONFIG SET maxmemory %s", "0");
    ok(c, "CONFIG SET maxmemory-eviction-tenacity %s", "10");
    ok(c, "CONFIG SET maxmemory-policy %s", "noeviction");
    redisFree(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exec_meeting_the_limit_aborts_the_transaction),
        cmocka_unit_test(counters_show_evictions_and_refusals),
        cmocka_unit_test(allkeys_lru_evicts_the_idle_keys_first),
        cmocka_unit_test(eviction_goes_on_after_its_time_per_command),
        cmocka_unit_test(volatile_ttl_evicts_the_nearest_expiry_first),
        cmocka_unit_test(allkeys_lfu_keeps_the_keys_read_often),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
