/* test_strings.c: integration tests of the strings module that a case file cannot express. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "hs_cmd.h"

/* The strings module's commands, for the COMMAND INFO / DOCS comparisons. */
static const char *const string_commands[] = {
    "append", "decr",   "decrby",      "get",      "getdel", "getex", "getrange", "getset",
    "incr",   "incrby", "incrbyfloat", "lcs",      "mget",   "mset",  "msetnx",   "psetex",
    "set",    "setex",  "setnx",       "setrange", "strlen", "substr"};
#define NCOMMANDS (sizeof string_commands / sizeof string_commands[0])

typedef struct fixture {
    hserver modis, redis;
    int have_redis;
    redisContext *m; /* to modis */
    redisContext *r; /* to redis-server, or NULL */
} fixture;

static int group_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (hs_start_modis(&f->modis, NULL, NULL) != 0)
        return -1;
    f->m = hs_connect(&f->modis);
    if (!f->m)
        return -1;
    f->have_redis = hs_have_redis() && hs_start_redis(&f->redis) == 0;
    if (f->have_redis)
        f->r = hs_connect(&f->redis);
    *state = f;
    return 0;
}

static int group_teardown(void **state)
{
    fixture *f = *state;
    redisFree(f->m);
    hs_stop(&f->modis);
    if (f->r)
        redisFree(f->r);
    if (f->have_redis)
        hs_stop(&f->redis);
    free(f);
    return 0;
}

/* ---- helpers ------------------------------------------------------------------------- */

static void expect_status(redisContext *c, const char *status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    assert_non_null(r);
    if (r->type != REDIS_REPLY_STATUS || strcmp(r->str, status) != 0)
        fail_msg("%s: expected +%s, got type %d \"%s\"", fmt, status, r->type,
                 r->str ? r->str : "");
    freeReplyObject(r);
}

static void expect_int(redisContext *c, long long n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    assert_non_null(r);
    if (r->type != REDIS_REPLY_INTEGER || r->integer != n)
        fail_msg("%s: expected :%lld, got type %d %lld \"%s\"", fmt, n, r->type, r->integer,
                 r->str ? r->str : "");
    freeReplyObject(r);
}

static void expect_error(redisContext *c, const char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    assert_non_null(r);
    if (r->type != REDIS_REPLY_ERROR || strcmp(r->str, err) != 0)
        fail_msg("%s: expected -%s, got type %d \"%s\"", fmt, err, r->type, r->str ? r->str : "");
    freeReplyObject(r);
}

static void expect_bulk(redisContext *c, const void *p, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    assert_non_null(r);
    if (r->type != REDIS_REPLY_STRING)
        fail_msg("%s: expected a bulk string, got type %d \"%s\"", fmt, r->type,
                 r->str ? r->str : "");
    assert_int_equal(r->len, len);
    assert_memory_equal(r->str, p, len);
    freeReplyObject(r);
}

static void expect_nil(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    assert_non_null(r);
    if (r->type != REDIS_REPLY_NIL)
        fail_msg("%s: expected nil, got type %d \"%s\"", fmt, r->type, r->str ? r->str : "");
    freeReplyObject(r);
}

/* Sends the command line to fd and returns its raw reply (malloc'd). */
static char *raw(int fd, const char *line, size_t *len)
{
    char **argv;
    size_t *lens;
    int argc = hs_split_args(line, &argv, &lens);
    assert_true(argc > 0);
    assert_int_equal(hs_raw_send_argv(fd, argc, argv, lens), 0);
    hs_free_args(argc, argv, lens);
    char *reply = hs_raw_read_reply(fd, len, 5000);
    assert_non_null(reply);
    return reply;
}

/* True when modis knows the command (the admin module may not be loaded). */
static int modis_has(fixture *f, const char *probe)
{
    redisReply *r = hs_cmd(f->m, probe);
    int ok = !(r->type == REDIS_REPLY_ERROR && strncmp(r->str, "ERR unknown command", 19) == 0);
    freeReplyObject(r);
    return ok;
}

/* ---- expiry ---------------------------------------------------------------------------- */

static void set_px_and_psetex_expire_after_the_wait(void **state)
{
    fixture *f = *state;
    redisContext *c = f->m;

    expect_status(c, "OK", "SET exp:a v PX 150");
    expect_status(c, "OK", "PSETEX exp:b 150 w");
    expect_status(c, "OK", "SET exp:c v EX 100");
    expect_bulk(c, "v", 1, "GET exp:a");
    expect_bulk(c, "w", 1, "GET exp:b");
    redisReply *r = hs_cmd(c, "PTTL exp:a");
    assert_true(r->integer > 0 && r->integer <= 150);
    freeReplyObject(r);
    usleep(300 * 1000);
    expect_nil(c, "GET exp:a");
    expect_nil(c, "GET exp:b");
    expect_int(c, 0, "EXISTS exp:a");
    expect_int(c, 100, "TTL exp:c");
}

static void keepttl_and_counters_keep_the_deadline(void **state)
{
    fixture *f = *state;
    redisContext *c = f->m;

    expect_status(c, "OK", "SET ttl:a v PX 200");
    expect_status(c, "OK", "SET ttl:a w KEEPTTL");
    expect_status(c, "OK", "SET ttl:b 10 PX 200");
    expect_int(c, 11, "INCR ttl:b");              /* in place */
    expect_int(c, 100011, "INCRBY ttl:b 100000"); /* wider area */
    expect_status(c, "OK", "SET ttl:c abc PX 200");
    expect_int(c, 5, "APPEND ttl:c de");
    expect_status(c, "OK", "SET ttl:d 1.5 PX 200");
    expect_bulk(c, "2", 1, "INCRBYFLOAT ttl:d 0.5");
    expect_status(c, "OK", "SET ttl:e v PX 200");
    expect_status(c, "OK", "SET ttl:e v"); /* a plain SET drops the TTL */
    usleep(350 * 1000);
    expect_nil(c, "GET ttl:a");
    expect_nil(c, "GET ttl:b");
    expect_nil(c, "GET ttl:c");
    expect_nil(c, "GET ttl:d");
    expect_bulk(c, "v", 1, "GET ttl:e");
}

static void getex_sets_and_persist_removes_the_deadline(void **state)
{
    fixture *f = *state;
    redisContext *c = f->m;

    expect_status(c, "OK", "MSET gx:a 1 gx:b 2");
    expect_bulk(c, "1", 1, "GETEX gx:a PX 150");
    expect_bulk(c, "2", 1, "GETEX gx:b PX 150");
    expect_bulk(c, "2", 1, "GETEX gx:b PERSIST");
    usleep(300 * 1000);
    expect_nil(c, "GETEX gx:a");
    expect_bulk(c, "2", 1, "GETEX gx:b");
    expect_int(c, -1, "TTL gx:b");
}

/* ---- WATCH: in-place writes must signal the key -------------------------------------- */

/* WATCHes key on one connection, runs `write` on another, then checks that
 * the first connection's transaction is aborted. */
static void expect_write_breaks_watch(const hserver *s, const char *setup, const char *key,
                                      const char *write)
{
    redisContext *a = hs_connect(s), *b = hs_connect(s);
    assert_non_null(a);
    assert_non_null(b);
    freeReplyObject(hs_cmd(b, setup));
    expect_status(a, "OK", "WATCH %s", key);
    redisReply *r = hs_cmd(b, write);
    if (r->type == REDIS_REPLY_ERROR)
        fail_msg("%s: %s", write, r->str);
    freeReplyObject(r);
    expect_status(a, "OK", "MULTI");
    expect_status(a, "QUEUED", "SET %s other", key);
    r = hs_cmd(a, "EXEC");
    if (r->type != REDIS_REPLY_NIL)
        fail_msg("%s on %s server did not break WATCH (EXEC type %d)", write,
                 s->is_redis ? "redis" : "modis", r->type);
    freeReplyObject(r);
    redisFree(a);
    redisFree(b);
}

static void in_place_writes_break_watch(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *setup, *key, *write;
    } cases[] = {
        {"SET w:incr 10", "w:incr", "INCR w:incr"},
        {"SET w:incr2 127", "w:incr2", "INCRBY w:incr2 1000"},
        {"SET w:app raw-from-the-start-because-it-is-longer-than-44-bytes", "w:app",
         "APPEND w:app x"},
        {"SET w:app2 short", "w:app2", "APPEND w:app2 x"},
        {"SETRANGE w:sr 10 x", "w:sr", "SETRANGE w:sr 0 y"},
        {"SET w:ex v", "w:ex", "GETEX w:ex EX 100"},
        {"SET w:per v EX 100", "w:per", "GETEX w:per PERSIST"},
        {"SET w:del v", "w:del", "GETDEL w:del"},
        {"SET w:fl 1.5", "w:fl", "INCRBYFLOAT w:fl 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expect_write_breaks_watch(&f->modis, cases[i].setup, cases[i].key, cases[i].write);
        if (f->have_redis)
            expect_write_breaks_watch(&f->redis, cases[i].setup, cases[i].key, cases[i].write);
    }
}

/* ---- large values ---------------------------------------------------------------------- */

static void large_binary_values_round_trip(void **state)
{
    fixture *f = *state;
    redisContext *c = f->m;
    size_t n = 3 * 1024 * 1024 + 7;
    char *big = malloc(n);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)(i * 131 + (i >> 8));
    big[0] = '\0';
    big[n - 2] = '\r';
    big[n - 1] = '\n';

    freeReplyObject(hs_cmd(c, "SET big:a %b", big, n));
    expect_bulk(c, big, n, "GET big:a");
    expect_int(c, (long long)n, "STRLEN big:a");
    expect_bulk(c, big + n - 10, 10, "GETRANGE big:a -10 -1");
    expect_bulk(c, big + 1000, 5000, "GETRANGE big:a 1000 5999");

    /* SETRANGE in the middle of a large raw value, then past its end. */
    memcpy(big + 2000000, "MIDDLE", 6);
    expect_int(c, (long long)n, "SETRANGE big:a 2000000 MIDDLE");
    expect_bulk(c, big, n, "GET big:a");
    expect_int(c, (long long)n + 10, "SETRANGE big:a %lld 0123456789", (long long)n);
    expect_bulk(c, "0123456789", 10, "GETRANGE big:a -10 -1");
    free(big);
}

static void many_appends_build_the_exact_value(void **state)
{
    fixture *f = *state;
    redisContext *c = f->m;
    size_t chunk = 1000, rounds = 1500, total = chunk * rounds; /* crosses 1 MB */
    char *expect = malloc(total), piece[1000];

    for (size_t r = 0; r < rounds; r++) {
        for (size_t i = 0; i < chunk; i++)
            piece[i] = (char)('a' + (r + i) % 26);
        piece[r % chunk] = '\0';
        memcpy(expect + r * chunk, piece, chunk);
        redisAppendCommand(c, "APPEND app:big %b", piece, chunk);
    }
    for (size_t r = 0; r < rounds; r++) {
        redisReply *rep;
        assert_int_equal(redisGetReply(c, (void **)&rep), REDIS_OK);
        assert_int_equal(rep->type, REDIS_REPLY_INTEGER);
        assert_int_equal(rep->integer, (long long)((r + 1) * chunk));
        freeReplyObject(rep);
    }
    expect_bulk(c, expect, total, "GET app:big");
    free(expect);
}

static void setrange_reaches_the_512mb_limit_exactly(void **state)
{
    fixture *f = *state;
    redisContext *c = f->m;
    const char *err = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

    expect_int(c, 536870912LL, "SETRANGE lim:a 536870911 x");
    expect_int(c, 536870912LL, "STRLEN lim:a");
    expect_bulk(c, "x", 1, "GETRANGE lim:a -1 -1");
    expect_bulk(c, "\0\0\0\0", 4, "GETRANGE lim:a 0 3");
    expect_error(c, err, "APPEND lim:a y");
    expect_error(c, err, "SETRANGE lim:a 536870911 yz");
    expect_int(c, 536870912LL, "SETRANGE lim:a 536870910 yz");
    expect_bulk(c, "yz", 2, "GETRANGE lim:a -2 -1");
    expect_int(c, 1, "DEL lim:a");
}

static void configured_proto_max_bulk_len_bounds_strings_and_lcs(void **state)
{
    (void)state;
    hserver s;
    assert_int_equal(hs_start_modis(&s, "  \"proto-max-bulk-len\": \"2000000\"", NULL), 0);
    redisContext *c = hs_connect(&s);
    const char *err = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

    expect_int(c, 2000000, "SETRANGE k 1999999 x");
    expect_error(c, err, "SETRANGE k 2000000 x");
    expect_error(c, err, "APPEND k y");
    expect_int(c, 1, "DEL k");
    expect_error(c, err, "SETRANGE k 1999999 xy");
    expect_int(c, 0, "EXISTS k");

    /* LCS needs (alen+1)*(blen+1)*4 bytes of table. */
    char a[800], b[800];
    memset(a, 'a', sizeof a);
    memset(b, 'a', sizeof b);
    freeReplyObject(hs_cmd(c, "SET a %b", a, sizeof a));
    freeReplyObject(hs_cmd(c, "SET b %b", b, sizeof b));
    expect_error(c, "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
                 "LCS a b LEN");
    freeReplyObject(hs_cmd(c, "SET a %b", a, (size_t)700));
    freeReplyObject(hs_cmd(c, "SET b %b", b, (size_t)700));
    expect_int(c, 700, "LCS a b LEN");

    redisFree(c);
    assert_int_equal(hs_stop(&s), 0);
}

/* ---- encodings --------------------------------------------------------------------- */

static void expect_encoding(redisContext *c, const char *key, const char *enc)
{
    redisReply *r = hs_cmd(c, "OBJECT ENCODING %s", key);
    if (r->type != REDIS_REPLY_STRING || strcmp(r->str, enc) != 0)
        fail_msg("OBJECT ENCODING %s: expected %s, got \"%s\"", key, enc, r->str ? r->str : "");
    freeReplyObject(r);
}

static void counters_change_width_and_stay_int(void **state)
{
    fixture *f = *state;
    redisContext *c = f->m;
    long long v = 0;

    if (!modis_has(f, "OBJECT HELP"))
        skip();
    /* Walk a counter through every byte width and back, checking value and encoding. */
    static const long long steps[] = {100,
                                      100,
                                      40000,
                                      -80000,
                                      16777216,
                                      4294967296LL,
                                      1099511627776LL,
                                      281474976710656LL,
                                      72057594037927936LL,
                                      -144115188075855872LL,
                                      9000000000000000000LL};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        v += steps[i];
        expect_int(c, v, "INCRBY enc:c %lld", steps[i]);
        expect_encoding(c, "enc:c", "int");
        char buf[32];
        snprintf(buf, sizeof buf, "%lld", v);
        expect_bulk(c, buf, strlen(buf), "GET enc:c");
        expect_int(c, (long long)strlen(buf), "STRLEN enc:c");
    }
    expect_error(c, "ERR increment or decrement would overflow", "INCRBY enc:c %lld",
                 9000000000000000000LL);
    /* An int becomes raw through APPEND and int again through INCR. */
    expect_int(c, (long long)snprintf(NULL, 0, "%lld", v) + 1, "APPEND enc:c 0");
    expect_encoding(c, "enc:c", "raw");
    expect_error(c, "ERR value is not an integer or out of range", "INCR enc:c");
    expect_status(c, "OK", "SET enc:c 41");
    expect_int(c, 42, "INCR enc:c");
    expect_encoding(c, "enc:c", "int");
}

/* ---- COMMAND INFO / DOCS against redis-server ----------------------------------------- */

static void command_info_matches_redis_byte_for_byte(void **state)
{
    fixture *f = *state;
    if (!f->have_redis || !modis_has(f, "COMMAND COUNT"))
        skip();
    int rfd = hs_raw_connect(f->redis.port), mfd = hs_raw_connect(f->modis.port);
    int diffs = 0;
    for (size_t i = 0; i < NCOMMANDS; i++) {
        char line[64];
        size_t rl, ml;
        snprintf(line, sizeof line, "COMMAND INFO %s", string_commands[i]);
        char *re = raw(rfd, line, &rl), *me = raw(mfd, line, &ml);
        if (rl != ml || memcmp(re, me, rl) != 0) {
            char *a = hs_escape(re, rl), *b = hs_escape(me, ml);
            print_error("%s differs\n  redis: %s\n  modis: %s\n", line, a, b);
            free(a);
            free(b);
            diffs++;
        }
        free(re);
        free(me);
    }
    close(rfd);
    close(mfd);
    assert_int_equal(diffs, 0);
}

/* Compares two COMMAND DOCS replies. Inside a key/value list the values of
 * "summary" and "complexity" are prose modis writes in its own words: they
 * must be non-empty strings, and *same_prose counts those equal to Redis's. */
static int docs_equal(const redisReply *a, const redisReply *b, int *same_prose, char *path,
                      size_t cap)
{
    if (a->type != b->type) {
        print_error("%s: type %d vs %d\n", path, a->type, b->type);
        return 0;
    }
    if (a->type == REDIS_REPLY_STRING || a->type == REDIS_REPLY_STATUS) {
        if (a->len != b->len || memcmp(a->str, b->str, a->len) != 0) {
            print_error("%s: \"%s\" vs \"%s\"\n", path, a->str, b->str);
            return 0;
        }
        return 1;
    }
    if (a->type == REDIS_REPLY_INTEGER)
        return a->integer == b->integer;
    if (a->type != REDIS_REPLY_ARRAY)
        return 1;
    if (a->elements != b->elements) {
        print_error("%s: %zu vs %zu elements\n", path, a->elements, b->elements);
        return 0;
    }
    size_t plen = strlen(path);
    for (size_t i = 0; i < a->elements; i++) {
        const redisReply *ka = a->element[i];
        if (i + 1 < a->elements && ka->type == REDIS_REPLY_STRING &&
            (strcmp(ka->str, "summary") == 0 || strcmp(ka->str, "complexity") == 0)) {
            const redisReply *va = a->element[i + 1], *vb = b->element[i + 1];
            if (!docs_equal(ka, b->element[i], same_prose, path, cap))
                return 0;
            if (vb->type != REDIS_REPLY_STRING || vb->len == 0) {
                print_error("%s.%s: not a non-empty string\n", path, ka->str);
                return 0;
            }
            if (strcmp(ka->str, "summary") == 0 && va->len == vb->len &&
                memcmp(va->str, vb->str, va->len) == 0)
                (*same_prose)++;
            i++;
            continue;
        }
        snprintf(path + plen, cap - plen, "[%zu]", i);
        if (!docs_equal(ka, b->element[i], same_prose, path, cap))
            return 0;
        path[plen] = '\0';
    }
    return 1;
}

static void command_docs_match_redis_except_prose(void **state)
{
    fixture *f = *state;
    if (!f->have_redis || !modis_has(f, "COMMAND COUNT"))
        skip();
    int failures = 0, same_prose = 0;
    for (size_t i = 0; i < NCOMMANDS; i++) {
        char path[512];
        redisReply *r = hs_cmd(f->r, "COMMAND DOCS %s", string_commands[i]);
        redisReply *m = hs_cmd(f->m, "COMMAND DOCS %s", string_commands[i]);
        snprintf(path, sizeof path, "%s", string_commands[i]);
        if (!docs_equal(r, m, &same_prose, path, sizeof path))
            failures++;
        freeReplyObject(r);
        freeReplyObject(m);
    }
    assert_int_equal(failures, 0);
    assert_int_equal(same_prose, 0); /* every summary is modis's own */
}

/* ---- randomized differential run --------------------------------------------------- */

static unsigned long long rng_state;

static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((rng_state >> 33) % n);
}

#define PICK(arr) (arr)[rnd(sizeof(arr) / sizeof((arr)[0]))]

/* Adds a random value at argv[argc]: one of vals, or random bytes kept in
 * blob. Returns the new argc. */
static int add_value(char **argv, size_t *lens, int argc, char *blob)
{
    static const char *const vals[] = {"",
                                       "0",
                                       "1",
                                       "-1",
                                       "127",
                                       "-129",
                                       "01",
                                       "+1",
                                       " 1",
                                       "1.5",
                                       "hello world!",
                                       "abc",
                                       "-0",
                                       "32768",
                                       "1e3",
                                       "0x10",
                                       "9223372036854775807",
                                       "inf",
                                       "nan",
                                       "3.0",
                                       "-2.5e-3",
                                       "12345678901234567890123456789012345678901234",
                                       "123456789012345678901234567890123456789012345"};
    if (rnd(5) == 0) {
        size_t n = rnd(60);
        char *b = blob + 64 * argc;
        for (size_t i = 0; i < n; i++)
            b[i] = (char)rnd(256);
        argv[argc] = b;
        lens[argc] = n;
    } else {
        argv[argc] = (char *)PICK(vals);
        lens[argc] = strlen(argv[argc]);
    }
    return argc + 1;
}

/* One random string command over a few keys, with values chosen to hit the
 * encodings' edges, bad numbers, conflicting options and wrong types. Times
 * are either far in the future or already past, so both servers agree. */
static int random_command(char **argv, size_t *lens, char *blob)
{
    static const char *const keys[] = {"fz:a", "fz:b", "fz:c", "fz:list"};
    static const char *const vals[] = {"",
                                       "0",
                                       "1",
                                       "-1",
                                       "127",
                                       "128",
                                       "-129",
                                       "32768",
                                       "9223372036854775807",
                                       "-9223372036854775808",
                                       "9223372036854775808",
                                       "01",
                                       "+1",
                                       " 1",
                                       "1.5",
                                       "-0",
                                       "abc",
                                       "hello world!",
                                       "12345678901234567890123456789012345678901234",
                                       "123456789012345678901234567890123456789012345",
                                       "1e3",
                                       "0x10",
                                       "inf",
                                       "nan",
                                       "3.0",
                                       "-2.5e-3",
                                       "0.1"};
    static const char *const ints[] = {"0",
                                       "1",
                                       "-1",
                                       "2",
                                       "5",
                                       "-5",
                                       "20",
                                       "100",
                                       "-100",
                                       "45",
                                       "-46",
                                       "9223372036854775807",
                                       "-9223372036854775808",
                                       "abc",
                                       "1.5",
                                       ""};
    static const char *const times[] = {"100000", "4102444800", "4102444800000", "0", "-1", "abc"};
    static const char *const setopts[] = {"NX", "XX",   "GET",  "KEEPTTL", "EX",
                                          "PX", "EXAT", "PXAT", "ex",      "foo"};
    static const char *const getexopts[] = {"EX", "PX", "EXAT", "PXAT", "PERSIST", "bad"};
    static const char *const lcsopts[] = {"LEN", "IDX", "WITHMATCHLEN", "MINMATCHLEN", "bad"};
    static const char *const simple[] = {"GET", "GETDEL", "STRLEN", "INCR", "DECR", "TYPE"};
    static const char *const kv[] = {"GETSET", "SETNX", "APPEND"};
    int argc = 0;
#define ADD(s) (argv[argc] = (char *)(s), lens[argc] = strlen(argv[argc]), argc++)
#define ADD_VALUE() (argc = add_value(argv, lens, argc, blob))

    switch (rnd(16)) {
    case 0: {
        ADD("SET"), ADD(PICK(keys)), ADD_VALUE();
        for (unsigned i = rnd(4); i > 0; i--) {
            const char *o = PICK(setopts);
            ADD(o);
            if (strchr("EePp", o[0]) && rnd(10))
                ADD(PICK(times));
        }
        break;
    }
    case 1:
        ADD(PICK(simple)), ADD(PICK(keys));
        break;
    case 2:
        ADD(PICK(kv)), ADD(PICK(keys)), ADD_VALUE();
        break;
    case 3:
        ADD("GETEX"), ADD(PICK(keys));
        if (rnd(10) < 7) {
            const char *o = PICK(getexopts);
            ADD(o);
            if (strchr("EP", o[0]) && strcmp(o, "PERSIST") != 0)
                ADD(PICK(times));
        }
        break;
    case 4:
        ADD(rnd(2) ? "SETEX" : "PSETEX"), ADD(PICK(keys));
        ADD(PICK(times)), ADD_VALUE();
        break;
    case 5:
        ADD(rnd(2) ? "MSET" : "MSETNX");
        for (unsigned i = 1 + rnd(2); i > 0; i--)
            ADD(PICK(keys)), ADD_VALUE();
        if (rnd(10) == 0)
            ADD(PICK(keys));
        break;
    case 6:
        ADD("MGET");
        for (unsigned i = 1 + rnd(3); i > 0; i--)
            ADD(PICK(keys));
        break;
    case 7:
        ADD(rnd(2) ? "GETRANGE" : "SUBSTR"), ADD(PICK(keys)), ADD(PICK(ints)), ADD(PICK(ints));
        break;
    case 8:
        ADD("SETRANGE"), ADD(PICK(keys)), ADD(PICK(ints)), ADD_VALUE();
        break;
    case 9:
        ADD(rnd(2) ? "INCRBY" : "DECRBY"), ADD(PICK(keys)), ADD(PICK(ints));
        break;
    case 10:
        ADD("INCRBYFLOAT"), ADD(PICK(keys)), ADD(PICK(vals));
        break;
    case 11:
        ADD("LCS"), ADD(PICK(keys)), ADD(PICK(keys));
        for (unsigned i = rnd(3); i > 0; i--) {
            const char *o = PICK(lcsopts);
            ADD(o);
            if (strcmp(o, "MINMATCHLEN") == 0 && rnd(10))
                ADD(PICK(ints));
        }
        break;
    case 12:
        ADD("OBJECT"), ADD("ENCODING"), ADD(PICK(keys));
        break;
    case 13:
        ADD("TTL"), ADD(PICK(keys));
        break;
    case 14:
        ADD("RPUSH"), ADD("fz:list"), ADD("x");
        break;
    default:
        ADD("EXISTS"), ADD(PICK(keys));
        break;
    }
#undef ADD
#undef ADD_VALUE
    return argc;
}

static void random_commands_match_redis(void **state)
{
    fixture *f = *state;
    if (!f->have_redis)
        skip();
    int rfd = hs_raw_connect(f->redis.port), mfd = hs_raw_connect(f->modis.port);
    char *argv[16], blob[64 * 16];
    size_t lens[16];
    int diffs = 0;

    rng_state = 20261124;
    for (int i = 0; i < 20000 && diffs < 5; i++) {
        int argc = random_command(argv, lens, blob);
        size_t rl, ml;
        assert_int_equal(hs_raw_send_argv(rfd, argc, argv, lens), 0);
        assert_int_equal(hs_raw_send_argv(mfd, argc, argv, lens), 0);
        char *re = hs_raw_read_reply(rfd, &rl, 5000), *me = hs_raw_read_reply(mfd, &ml, 5000);
        assert_non_null(re);
        assert_non_null(me);
        if (rl != ml || memcmp(re, me, rl) != 0) {
            char *a = hs_escape(re, rl), *b = hs_escape(me, ml);
            print_error("command %d (%s %s ...) differs\n  redis: %s\n  modis: %s\n", i, argv[0],
                        argc > 1 ? argv[1] : "", a, b);
            free(a);
            free(b);
            diffs++;
        }
        free(re);
        free(me);
    }
    close(rfd);
    close(mfd);
    assert_int_equal(diffs, 0);
}

/* ---- RESP3 ----------------------------------------------------------------------------- */

static void resp3_replies_match_redis(void **state)
{
    fixture *f = *state;
    static const char *const lines[] = {
        "SET r3:a ohmytext",
        "SET r3:b mynewtext",
        "GET r3:nokey",
        "GET r3:a",
        "MGET r3:a r3:nokey r3:b",
        "SET r3:a ohmytext GET",
        "SET r3:c v NX GET",
        "SET r3:c v XX",
        "GETEX r3:nokey",
        "GETDEL r3:nokey",
        "INCRBYFLOAT r3:f 1.5",
        "INCR r3:i",
        "LCS r3:a r3:b",
        "LCS r3:a r3:b LEN",
        "LCS r3:a r3:b IDX WITHMATCHLEN",
        "LCS r3:a r3:b IDX MINMATCHLEN 3",
        "GETRANGE r3:nokey 0 -1",
        "SETNX r3:a x",
    };
    if (!f->have_redis || !modis_has(f, "HELLO 2"))
        skip();
    int rfd = hs_raw_connect(f->redis.port), mfd = hs_raw_connect(f->modis.port);
    size_t l;
    free(raw(rfd, "HELLO 3", &l));
    free(raw(mfd, "HELLO 3", &l));
    int diffs = 0;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        size_t rl, ml;
        char *re = raw(rfd, lines[i], &rl), *me = raw(mfd, lines[i], &ml);
        if (rl != ml || memcmp(re, me, rl) != 0) {
            char *a = hs_escape(re, rl), *b = hs_escape(me, ml);
            print_error("%s differs\n  redis: %s\n  modis: %s\n", lines[i], a, b);
            free(a);
            free(b);
            diffs++;
        }
        free(re);
        free(me);
    }
    close(rfd);
    close(mfd);
    assert_int_equal(diffs, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_px_and_psetex_expire_after_the_wait),
        cmocka_unit_test(keepttl_and_counters_keep_the_deadline),
        cmocka_unit_test(getex_sets_and_persist_removes_the_deadline),
        cmocka_unit_test(in_place_writes_break_watch),
        cmocka_unit_test(large_binary_values_round_trip),
        cmocka_unit_test(many_appends_build_the_exact_value),
        cmocka_unit_test(setrange_reaches_the_512mb_limit_exactly),
        cmocka_unit_test(configured_proto_max_bulk_len_bounds_strings_and_lcs),
        cmocka_unit_test(counters_change_width_and_stay_int),
        cmocka_unit_test(command_info_matches_redis_byte_for_byte),
        cmocka_unit_test(command_docs_match_redis_except_prose),
        cmocka_unit_test(random_commands_match_redis),
        cmocka_unit_test(resp3_replies_match_redis),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
