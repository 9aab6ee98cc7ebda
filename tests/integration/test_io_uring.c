/* test_io_uring.c: socket I/O with io-uring on and off: same replies, same byte counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "harness.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static hserver srv;
static int uring_wanted; /* the io-uring setting of the running group */

static int start_with(int on)
{
    uring_wanted = on;
    /* DEBUG SLEEP holds the event loop while input piles up. */
    return hs_start_modis(&srv,
                          on ? "  \"io-uring\": \"yes\",\n  \"enable-debug-command\": \"local\""
                             : "  \"io-uring\": \"no\",\n  \"enable-debug-command\": \"local\"",
                          NULL);
}

static int start_uring_off(void **state)
{
    (void)state;
    return start_with(0);
}

static int start_uring_on(void **state)
{
    (void)state;
    return start_with(1);
}

static int stop(void **state)
{
    (void)state;
    return hs_stop(&srv) == 0 ? 0 : -1;
}

/* A growing byte buffer for requests and expected replies. */
typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static void put(buf *b, const void *p, size_t len)
{
    if (b->len + len > b->cap) {
        b->cap = (b->len + len) * 2 + 64;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, p, len);
    b->len += len;
}

static void putf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(buf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < sizeof tmp);
    put(b, tmp, (size_t)n);
}

/* Appends one request in RESP (argv of NUL-terminated strings, except that
 * a non-NULL `bulk` of bulk_len bytes replaces the last argument). */
static void put_cmd(buf *b, int argc, const char *const *argv, const char *bulk, size_t bulk_len)
{
    putf(b, "*%d\r\n", argc);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        size_t l = strlen(a);
        if (i == argc - 1 && bulk) {
            a = bulk;
            l = bulk_len;
        }
        putf(b, "$%zu\r\n", l);
        put(b, a, l);
        put(b, "\r\n", 2);
    }
}

static void put_bulk_reply(buf *b, const char *p, size_t len)
{
    putf(b, "$%zu\r\n", len);
    put(b, p, len);
    put(b, "\r\n", 2);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads exactly len bytes (waiting up to timeout_ms in all); NULL on EOF or timeout. */
static char *read_exact(int fd, size_t len, int timeout_ms)
{
    char *p = malloc(len + 1);
    size_t got = 0;
    long long end = now_ms() + timeout_ms;
    while (got < len) {
        int left = (int)(end - now_ms());
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&pfd, 1, left) <= 0)
            break;
        ssize_t n = recv(fd, p + got, len - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (got < len) {
        fprintf(stderr, "read_exact: got %zu of %zu bytes\n", got, len);
        free(p);
        return NULL;
    }
    return p;
}

/* Fails unless the next bytes on fd are exactly want, and nothing follows. */
static void expect_exactly(int fd, const buf *want, int timeout_ms)
{
    char *got = read_exact(fd, want->len, timeout_ms);
    assert_non_null(got);
    if (memcmp(got, want->p, want->len) != 0) {
        size_t i = 0;
        while (got[i] == want->p[i])
            i++;
        fprintf(stderr, "replies differ at byte %zu of %zu\n", i, want->len);
        fail();
    }
    free(got);
    int closed;
    size_t extra;
    char *more = hs_raw_read_all(fd, &extra, 50, &closed);
    assert_int_equal(extra, 0);
    free(more);
}

/* Bytes that are not all alike, so a misplaced slice shows. */
static char *pattern(size_t len, unsigned seed)
{
    char *p = malloc(len);
    for (size_t i = 0; i < len; i++)
        p[i] = (char)('a' + (i * 7 + seed + i / 4093) % 26);
    return p;
}

static void big_values_and_a_long_pipeline_come_back_byte_for_byte(void **state)
{
    (void)state;
    int fd = hs_raw_connect(srv.port);
    assert_true(fd >= 0);
    size_t big_len = 3 * 1024 * 1024 + 5, mid_len = 100 * 1000;
    char *big = pattern(big_len, 1), *mid = pattern(mid_len, 2);
    buf req = {0}, want = {0};
    const char *set_big[] = {"SET", "io:big", ""}, *set_mid[] = {"SET", "io:mid", ""};
    put_cmd(&req, 3, set_big, big, big_len);
    put(&want, "+OK\r\n", 5);
    put_cmd(&req, 3, set_mid, mid, mid_len);
    put(&want, "+OK\r\n", 5);
    int incrs = 0;
    /* 1000 commands in one write: small replies, 100 KB ones that take many
     * reply chunks (more than one send's worth of iovecs), and one of 3 MB
     * that cannot go out in one write. */
    for (int i = 0; i < 1000; i++) {
        char arg[32];
        snprintf(arg, sizeof arg, "e%d", i);
        if (i % 10 == 3) {
            const char *get[] = {"GET", "io:mid"};
            put_cmd(&req, 2, get, NULL, 0);
            put_bulk_reply(&want, mid, mid_len);
        } else if (i == 500) {
            const char *get[] = {"GET", "io:big"};
            put_cmd(&req, 2, get, NULL, 0);
            put_bulk_reply(&want, big, big_len);
        } else if (i % 2) {
            const char *incr[] = {"INCR", "io:n"};
            put_cmd(&req, 2, incr, NULL, 0);
            putf(&want, ":%d\r\n", ++incrs);
        } else {
            const char *echo[] = {"ECHO", arg};
            put_cmd(&req, 2, echo, NULL, 0);
            put_bulk_reply(&want, arg, strlen(arg));
        }
    }
    assert_int_equal(hs_raw_send(fd, req.p, req.len), 0);
    expect_exactly(fd, &want, 30000);
    free(req.p);
    free(want.p);
    free(big);
    free(mid);
    close(fd);
}

static void bytes_sent_one_at_a_time_are_answered_once_each(void **state)
{
    (void)state;
    int fd = hs_raw_connect(srv.port);
    assert_true(fd >= 0);
    const char *req = "*3\r\n$3\r\nSET\r\n$5\r\nio:k1\r\n$5\r\nvalue\r\n"
                      "PING\r\n"
                      "*2\r\n$3\r\nGET\r\n$5\r\nio:k1\r\n"
                      "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n";
    for (size_t i = 0; req[i]; i++) {
        assert_int_equal(hs_raw_send(fd, req + i, 1), 0);
        usleep(300);
    }
    buf want = {0};
    putf(&want, "+OK\r\n+PONG\r\n$5\r\nvalue\r\n$0\r\n\r\n");
    expect_exactly(fd, &want, 5000);
    free(want.p);
    close(fd);
}

/* Reads each connection's expected replies, byte for byte, then closes it. */
static void expect_each_and_close(int *fds, buf *want, int n)
{
    for (int c = 0; c < n; c++) {
        char *got = read_exact(fds[c], want[c].len, 10000);
        assert_non_null(got);
        assert_memory_equal(got, want[c].p, want[c].len);
        free(got);
        free(want[c].p);
        close(fds[c]);
    }
}

/* More clients readable and writable in one turn than one batch of reads
 * (64) or of writes (256) takes. */
static void three_hundred_clients_at_once_each_get_their_own_replies(void **state)
{
    (void)state;
    enum { NCLIENTS = 300, NCMDS = 20 };
    int fds[NCLIENTS];
    buf want[NCLIENTS];
    memset(want, 0, sizeof want);
    for (int c = 0; c < NCLIENTS; c++) {
        fds[c] = hs_raw_connect(srv.port);
        assert_true(fds[c] >= 0);
    }
    for (int c = 0; c < NCLIENTS; c++) {
        buf req = {0};
        for (int j = 0; j < NCMDS; j++) {
            char arg[48];
            snprintf(arg, sizeof arg, "client-%d-cmd-%d", c, j);
            const char *echo[] = {"ECHO", arg};
            put_cmd(&req, 2, echo, NULL, 0);
            put_bulk_reply(&want[c], arg, strlen(arg));
        }
        assert_int_equal(hs_raw_send(fds[c], req.p, req.len), 0);
        free(req.p);
    }
    expect_each_and_close(fds, want, NCLIENTS);
}

/* Over a keyspace large enough for pipelines to be prefetched, every key
 * position a command declares is looked ahead (all keys of MSET and MGET,
 * none of PING), including commands with too few arguments and unknown
 * ones: the replies are those of plain execution. */
static void a_prefetched_pipeline_over_a_large_keyspace_is_answered_exactly(void **state)
{
    (void)state;
    int fd = hs_raw_connect(srv.port);
    assert_true(fd >= 0);
    buf req = {0}, want = {0};
    for (int i = 0; i < 6000; i++) {
        char k[32], v[32];
        snprintf(k, sizeof k, "pf:%d", i);
        snprintf(v, sizeof v, "v%d", i);
        const char *set[] = {"SET", k, v};
        put_cmd(&req, 3, set, NULL, 0);
        put(&want, "+OK\r\n", 5);
    }
    assert_int_equal(hs_raw_send(fd, req.p, req.len), 0);
    expect_exactly(fd, &want, 10000);
    req.len = want.len = 0;
    for (int round = 0; round < 50; round++) {
        char a[32], b[32], x[32];
        snprintf(a, sizeof a, "pf:%d", round * 7);
        snprintf(b, sizeof b, "pf:%d", round * 11 + 1);
        snprintf(x, sizeof x, "pf:new:%d", round);
        const char *mset[] = {"MSET", a, "A", x, "X", b, "B"};
        put_cmd(&req, 7, mset, NULL, 0);
        put(&want, "+OK\r\n", 5);
        const char *mget[] = {"MGET", a, b, x, "pf:missing"};
        put_cmd(&req, 5, mget, NULL, 0);
        put(&want, "*4\r\n$1\r\nA\r\n$1\r\nB\r\n$1\r\nX\r\n$-1\r\n", 30);
        const char *ping[] = {"PING"};
        put_cmd(&req, 1, ping, NULL, 0);
        put(&want, "+PONG\r\n", 7);
        const char *odd[] = {"MSET", a, "A", x};
        put_cmd(&req, 4, odd, NULL, 0);
        putf(&want, "-ERR wrong number of arguments for 'mset' command\r\n");
        const char *bare[] = {"GET"};
        put_cmd(&req, 1, bare, NULL, 0);
        putf(&want, "-ERR wrong number of arguments for 'get' command\r\n");
        const char *unknown[] = {"NOSUCHCMD", a, b};
        put_cmd(&req, 3, unknown, NULL, 0);
        putf(&want, "-ERR unknown command 'NOSUCHCMD', with args beginning with: '%s' '%s' \r\n",
             a, b);
        const char *del[] = {"DEL", x, "pf:missing"};
        put_cmd(&req, 3, del, NULL, 0);
        put(&want, ":1\r\n", 4);
        const char *exists[] = {"EXISTS", a, b, x};
        put_cmd(&req, 4, exists, NULL, 0);
        put(&want, ":2\r\n", 4);
    }
    assert_int_equal(hs_raw_send(fd, req.p, req.len), 0);
    expect_exactly(fd, &want, 10000);
    free(req.p);
    free(want.p);
    close(fd);
}

/* Sends req to a fresh connection to port (after a FLUSHALL and 5000 keys,
 * enough for pipelines to be prefetched) and returns every reply byte until
 * the server closes the connection. */
static char *replies_to_pipeline(int port, const buf *req, size_t *len)
{
    int fd = hs_raw_connect(port);
    assert_true(fd >= 0);
    buf fill = {0};
    const char *flush[] = {"FLUSHALL"};
    put_cmd(&fill, 1, flush, NULL, 0);
    for (int i = 0; i < 5000; i++) {
        char k[32];
        snprintf(k, sizeof k, "pq:%d", i);
        const char *set[] = {"SET", k, "v"};
        put_cmd(&fill, 3, set, NULL, 0);
    }
    assert_int_equal(hs_raw_send(fd, fill.p, fill.len), 0);
    for (int i = 0; i < 5001; i++) {
        size_t n;
        char *r = hs_raw_read_reply(fd, &n, 10000);
        assert_non_null(r);
        free(r);
    }
    free(fill.p);
    assert_int_equal(hs_raw_send(fd, req->p, req->len), 0);
    int closed = 0;
    char *out = hs_raw_read_all(fd, len, 1000, &closed);
    assert_true(closed);
    close(fd);
    return out;
}

/* A prefetched pipeline runs the requests parsed while looking ahead. Mixed
 * with what changes how the rest must run (inline requests, one unescaped,
 * MULTI/EXEC, SELECT, a request of more arguments than are kept, a blocking
 * pop that blocks, CLIENT PAUSE, a protocol error at the end), its replies
 * are Redis's, byte for byte. */
static void a_prefetched_pipeline_with_state_changes_answers_as_redis(void **state)
{
    (void)state;
    if (!hs_have_redis())
        skip();
    buf req = {0};
    for (int r = 0; r < 40; r++) {
        char k[32], m[32], l[32];
        snprintf(k, sizeof k, "pq:%d", r * 13);
        snprintf(m, sizeof m, "pq:m%d", r);
        snprintf(l, sizeof l, "pq:l%d", r);
        const char *get[] = {"GET", k};
        put_cmd(&req, 2, get, NULL, 0);
        putf(&req, "PING\r\nECHO \"a\\x41 b\"\r\nECHO 'c d'\r\n");
        const char *multi[] = {"MULTI"}, *set[] = {"SET", m, "1"}, *incr[] = {"INCR", m},
                   *exec[] = {"EXEC"};
        put_cmd(&req, 1, multi, NULL, 0);
        put_cmd(&req, 3, set, NULL, 0);
        put_cmd(&req, 2, incr, NULL, 0);
        put_cmd(&req, 1, exec, NULL, 0);
        const char *sel1[] = {"SELECT", "1"}, *sel0[] = {"SELECT", "0"};
        put_cmd(&req, 2, sel1, NULL, 0);
        put_cmd(&req, 2, get, NULL, 0);
        put_cmd(&req, 3, set, NULL, 0);
        put_cmd(&req, 2, sel0, NULL, 0);
        if (r % 8 == 0) {
            /* MSET of 150 pairs: 301 arguments */
            putf(&req, "*301\r\n$4\r\nMSET\r\n");
            for (int i = 0; i < 150; i++) {
                char kk[32];
                int n = snprintf(kk, sizeof kk, "pq:%d", (r * 150 + i) % 5000);
                putf(&req, "$%d\r\n%s\r\n$1\r\nw\r\n", n, kk);
            }
        }
        const char *push[] = {"RPUSH", l, "x"}, *blpop[] = {"BLPOP", l, "1"};
        put_cmd(&req, 3, push, NULL, 0);
        put_cmd(&req, 3, blpop, NULL, 0);
        if (r % 10 == 9) {
            const char *empty[] = {"BLPOP", "pq:empty", "0.05"};
            put_cmd(&req, 3, empty, NULL, 0);
        }
        if (r == 20) {
            const char *pause[] = {"CLIENT", "PAUSE", "50", "WRITE"};
            put_cmd(&req, 4, pause, NULL, 0);
        }
        put_cmd(&req, 2, get, NULL, 0);
        const char *mget[] = {"MGET", k, m, "pq:none"};
        put_cmd(&req, 4, mget, NULL, 0);
    }
    putf(&req, "*1\r\n$x\r\n");

    hserver redis;
    assert_int_equal(hs_start_redis(&redis), 0);
    size_t want_len, got_len;
    char *want = replies_to_pipeline(redis.port, &req, &want_len);
    assert_int_equal(hs_stop(&redis), 0);
    char *got = replies_to_pipeline(srv.port, &req, &got_len);
    if (got_len != want_len || memcmp(got, want, want_len) != 0) {
        size_t i = 0;
        while (i < got_len && i < want_len && got[i] == want[i])
            i++;
        size_t from = i > 80 ? i - 80 : 0;
        char *a = hs_escape(want + from, (want_len - from) < 200 ? want_len - from : 200);
        char *b = hs_escape(got + from, (got_len - from) < 200 ? got_len - from : 200);
        fail_msg("replies differ at byte %zu of %zu/%zu\nredis: %s\nmodis: %s", i, want_len,
                 got_len, a, b);
    }
    free(want);
    free(got);
    free(req.p);
}

/* While the server sleeps, 300 clients send their pipelines (one of them a
 * 1 MB value): everything arrives in one turn, more arrivals than the ring
 * has buffers lent at first. Every byte must still be answered once, in
 * order. */
static void input_piled_up_while_the_server_sleeps_is_all_answered(void **state)
{
    (void)state;
    enum { NCLIENTS = 300, NCMDS = 30 };
    int ctl = hs_raw_connect(srv.port);
    assert_true(ctl >= 0);
    int fds[NCLIENTS];
    buf want[NCLIENTS];
    memset(want, 0, sizeof want);
    for (int c = 0; c < NCLIENTS; c++) {
        fds[c] = hs_raw_connect(srv.port);
        assert_true(fds[c] >= 0);
    }
    size_t big_len = 1024 * 1024;
    char *big = pattern(big_len, 7);
    buf sleep_req = {0};
    const char *sleep_cmd[] = {"DEBUG", "SLEEP", "0.5"};
    put_cmd(&sleep_req, 3, sleep_cmd, NULL, 0);
    assert_int_equal(hs_raw_send(ctl, sleep_req.p, sleep_req.len), 0);
    free(sleep_req.p);
    usleep(100 * 1000); /* the server is asleep now */
    for (int c = 0; c < NCLIENTS; c++) {
        buf req = {0};
        if (c == NCLIENTS / 2) {
            const char *set[] = {"SET", "io:pile", ""}, *strlen_cmd[] = {"STRLEN", "io:pile"};
            put_cmd(&req, 3, set, big, big_len);
            put(&want[c], "+OK\r\n", 5);
            put_cmd(&req, 2, strlen_cmd, NULL, 0);
            putf(&want[c], ":%zu\r\n", big_len);
        }
        for (int j = 0; j < NCMDS; j++) {
            char arg[48];
            snprintf(arg, sizeof arg, "pile-%d-%d", c, j);
            const char *echo[] = {"ECHO", arg};
            put_cmd(&req, 2, echo, NULL, 0);
            put_bulk_reply(&want[c], arg, strlen(arg));
        }
        assert_int_equal(hs_raw_send(fds[c], req.p, req.len), 0);
        free(req.p);
    }
    char *ok = read_exact(ctl, 5, 10000);
    assert_non_null(ok);
    assert_memory_equal(ok, "+OK\r\n", 5);
    free(ok);
    expect_each_and_close(fds, want, NCLIENTS);
    free(big);
    close(ctl);
}

/* A client that does not read while 9 MB of replies pile up: the socket
 * fills, the rest waits for it to drain. */
static void a_slow_reader_gets_every_byte_once_its_socket_drains(void **state)
{
    (void)state;
    int fd = hs_raw_connect(srv.port);
    assert_true(fd >= 0);
    size_t len = 3 * 1024 * 1024;
    char *val = pattern(len, 3);
    buf req = {0}, want = {0};
    const char *set[] = {"SET", "io:slow", ""}, *get[] = {"GET", "io:slow"};
    put_cmd(&req, 3, set, val, len);
    put(&want, "+OK\r\n", 5);
    for (int i = 0; i < 3; i++) {
        put_cmd(&req, 2, get, NULL, 0);
        put_bulk_reply(&want, val, len);
    }
    const char *ping[] = {"PING"};
    put_cmd(&req, 1, ping, NULL, 0);
    put(&want, "+PONG\r\n", 7);
    assert_int_equal(hs_raw_send(fd, req.p, req.len), 0);
    usleep(300 * 1000);
    /* Meanwhile other clients are served. */
    int other = hs_raw_connect(srv.port);
    buf pong = {0};
    put(&pong, "+PONG\r\n", 7);
    assert_int_equal(hs_raw_send(other, "PING\r\n", 6), 0);
    expect_exactly(other, &pong, 5000);
    close(other);
    expect_exactly(fd, &want, 30000);
    free(req.p);
    free(want.p);
    free(pong.p);
    free(val);
    close(fd);
}

/* The value of `field` in an INFO reply, or -1. */
static long long info_field(const char *info, const char *field)
{
    char key[64];
    snprintf(key, sizeof key, "\r\n%s:", field);
    const char *p = strstr(info, key);
    return p ? atoll(p + strlen(key)) : -1;
}

static void net_byte_counters_count_exactly_what_crossed_the_socket(void **state)
{
    (void)state;
    int fd = hs_raw_connect(srv.port);
    assert_true(fd >= 0);
    static const char info_req[] = "*2\r\n$4\r\nINFO\r\n$5\r\nstats\r\n";
    size_t info_len = sizeof info_req - 1, n1, n2;
    /* Only this client talks to the server during the test. */
    assert_int_equal(hs_raw_send(fd, info_req, info_len), 0);
    char *r1 = hs_raw_read_reply(fd, &n1, 5000);
    assert_non_null(r1);
    r1 = realloc(r1, n1 + 1);
    r1[n1] = '\0';
    const char *payload = "*3\r\n$3\r\nSET\r\n$5\r\nio:nb\r\n$3\r\nabc\r\n"
                          "*2\r\n$3\r\nGET\r\n$5\r\nio:nb\r\n";
    assert_int_equal(hs_raw_send(fd, payload, strlen(payload)), 0);
    buf want = {0};
    putf(&want, "+OK\r\n$3\r\nabc\r\n");
    char *got = read_exact(fd, want.len, 5000);
    assert_non_null(got);
    assert_memory_equal(got, want.p, want.len);
    assert_int_equal(hs_raw_send(fd, info_req, info_len), 0);
    char *r2 = hs_raw_read_reply(fd, &n2, 5000);
    assert_non_null(r2);
    r2 = realloc(r2, n2 + 1);
    r2[n2] = '\0';
    /* Input counts the second INFO request before INFO runs; output counts
     * the first INFO reply and the payload's replies, not the second reply. */
    assert_int_equal(info_field(r2, "total_net_input_bytes") -
                         info_field(r1, "total_net_input_bytes"),
                     (long long)(strlen(payload) + info_len));
    assert_int_equal(info_field(r2, "total_net_output_bytes") -
                         info_field(r1, "total_net_output_bytes"),
                     (long long)(n1 + want.len));
    free(r1);
    free(r2);
    free(got);
    free(want.p);
    close(fd);
}

static void config_and_info_tell_whether_io_uring_is_used(void **state)
{
    (void)state;
    redisContext *c = hs_connect(&srv);
    assert_non_null(c);
    redisReply *r = redisCommand(c, "CONFIG GET io-uring");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 2);
    assert_string_equal(r->element[1]->str, uring_wanted ? "yes" : "no");
    freeReplyObject(r);
    r = redisCommand(c, "CONFIG SET io-uring no");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ERROR);
    freeReplyObject(r);
    r = redisCommand(c, "INFO server");
    assert_non_null(r);
    char *log = hs_read_log(&srv);
    assert_non_null(log);
    /* Where the kernel refuses io_uring the server says so once and falls back. */
    int refused = strstr(log, "io_uring not available") != NULL;
    if (refused)
        fprintf(stderr, "note: this kernel refuses io_uring; the fallback path was tested\n");
    assert_false(!uring_wanted && refused);
    assert_int_equal(info_field(r->str, "io_uring"), uring_wanted && !refused ? 1 : 0);
    free(log);
    freeReplyObject(r);
    redisFree(c);
}

/* Sends `n` PINGs one at a time, each after the previous reply. */
static void ping_one_by_one(redisContext *c, int n)
{
    for (int i = 0; i < n; i++) {
        redisReply *r = redisCommand(c, "PING");
        assert_non_null(r);
        assert_string_equal(r->str, "PONG");
        freeReplyObject(r);
    }
}

static long long info_stat(redisContext *c, const char *section, const char *field)
{
    redisReply *r = redisCommand(c, "INFO %s", section);
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    long long v = info_field(r->str, field);
    freeReplyObject(r);
    return v;
}

static void expect_config_error(redisContext *c, const char *name, const char *value)
{
    redisReply *r = redisCommand(c, "CONFIG SET %s %s", name, value);
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ERROR);
    freeReplyObject(r);
}

/* A microseconds setting: `dflt` unless set; -1, a word and `too_big` refused. */
static void expect_default_and_bounded(redisContext *c, const char *name, const char *dflt,
                                       const char *too_big)
{
    redisReply *r = redisCommand(c, "CONFIG GET %s", name);
    assert_non_null(r);
    assert_int_equal(r->elements, 2);
    assert_string_equal(r->element[1]->str, dflt);
    freeReplyObject(r);
    expect_config_error(c, name, "-1");
    expect_config_error(c, name, too_big);
    expect_config_error(c, name, "soon");
}

static void config_set(redisContext *c, const char *name, const char *value)
{
    redisReply *r = redisCommand(c, "CONFIG SET %s %s", name, value);
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_STATUS);
    assert_string_equal(r->str, "OK");
    freeReplyObject(r);
}

/* busy-poll-us is 20 unless set. At 0 no poll is counted. Set again (with
 * io_uring in use), a client that sends each request right after the
 * previous reply lands while the server polls (a limit of 100 ms, so that
 * a slow build of the client still does). */
static void busy_polling_is_on_by_default_and_counts_its_hits(void **state)
{
    (void)state;
    redisContext *c = hs_connect(&srv);
    assert_non_null(c);
    expect_default_and_bounded(c, "busy-poll-us", "20", "100001");
    redisReply *r = redisCommand(c, "CONFIG SET busy-poll-us 0");
    assert_non_null(r);
    assert_string_equal(r->str, "OK");
    freeReplyObject(r);
    int uring = info_stat(c, "server", "io_uring") == 1;
    long long h0 = info_stat(c, "stats", "busy_poll_hits");
    long long m0 = info_stat(c, "stats", "busy_poll_misses");
    assert_true(h0 >= 0 && m0 >= 0);
    ping_one_by_one(c, 100);
    assert_int_equal(info_stat(c, "stats", "busy_poll_hits"), h0);
    assert_int_equal(info_stat(c, "stats", "busy_poll_misses"), m0);

    r = redisCommand(c, "CONFIG SET busy-poll-us 100000");
    assert_non_null(r);
    assert_string_equal(r->str, "OK");
    freeReplyObject(r);
    ping_one_by_one(c, 200);
    long long h1 = info_stat(c, "stats", "busy_poll_hits");
    if (uring)
        assert_true(h1 - h0 >= 150);
    else
        assert_int_equal(h1, h0);

    r = redisCommand(c, "CONFIG SET busy-poll-us 0");
    assert_non_null(r);
    assert_string_equal(r->str, "OK");
    freeReplyObject(r);
    long long h2 = info_stat(c, "stats", "busy_poll_hits");
    long long m2 = info_stat(c, "stats", "busy_poll_misses");
    ping_one_by_one(c, 100);
    assert_int_equal(info_stat(c, "stats", "busy_poll_hits"), h2);
    assert_int_equal(info_stat(c, "stats", "busy_poll_misses"), m2);
    config_set(c, "busy-poll-us", "20");
    redisFree(c);
}

/* `rounds` times: a PING on each of the n sockets, then every PONG read. */
static void ping_all_at_once(const int *fds, int n, int rounds)
{
    for (int k = 0; k < rounds; k++) {
        for (int i = 0; i < n; i++)
            assert_int_equal(hs_raw_send(fds[i], "PING\r\n", 6), 0);
        for (int i = 0; i < n; i++) {
            char *got = read_exact(fds[i], 7, 10000);
            assert_non_null(got);
            assert_memory_equal(got, "+PONG\r\n", 7);
            free(got);
        }
    }
}

/* io-coalesce-us is 0 unless set, and only coalesces with busy-poll-us 0
 * (set so here, then restored). At 25, a lone client never has company
 * in a wait, so coalescing is tried now and then and counts misses only,
 * fewer and fewer (a wait that holds back its single request makes the next
 * ones plain). Requests from 20 sockets at once are gathered in one wait
 * (hits); back at 0 nothing is counted. Without io_uring or the kernel's
 * support, nothing is counted at all. */
static void wake_up_coalescing_gathers_arrivals_and_backs_off_for_a_lone_client(void **state)
{
    (void)state;
    enum { NSOCK = 20 };
    redisContext *c = hs_connect(&srv);
    assert_non_null(c);
    expect_default_and_bounded(c, "io-coalesce-us", "0", "1001");
    int able = info_stat(c, "server", "io_coalesce_supported") == 1;
    if (!uring_wanted)
        assert_false(able);

    config_set(c, "busy-poll-us", "0");
    config_set(c, "io-coalesce-us", "25"); /* a change starts without a backoff */
    long long h0 = info_stat(c, "stats", "io_coalesce_hits");
    long long m0 = info_stat(c, "stats", "io_coalesce_misses");
    ping_one_by_one(c, 1000);
    long long h1 = info_stat(c, "stats", "io_coalesce_hits");
    long long m1 = info_stat(c, "stats", "io_coalesce_misses");
    assert_int_equal(h1, h0);
    if (able)
        assert_true(m1 - m0 >= 3 && m1 - m0 <= 20);
    else
        assert_int_equal(m1, m0);

    int fds[NSOCK];
    for (int i = 0; i < NSOCK; i++) {
        fds[i] = hs_raw_connect(srv.port);
        assert_true(fds[i] >= 0);
    }
    config_set(c, "io-coalesce-us", "1000");
    ping_all_at_once(fds, NSOCK, 50);
    long long h2 = info_stat(c, "stats", "io_coalesce_hits");
    if (able)
        assert_true(h2 - h1 >= 10);
    else
        assert_int_equal(h2, h1);

    /* The wait that brings the CONFIG SET may still count. */
    config_set(c, "io-coalesce-us", "0");
    h2 = info_stat(c, "stats", "io_coalesce_hits");
    long long m2 = info_stat(c, "stats", "io_coalesce_misses");
    ping_all_at_once(fds, NSOCK, 20);
    ping_one_by_one(c, 100);
    assert_int_equal(info_stat(c, "stats", "io_coalesce_hits"), h2);
    assert_int_equal(info_stat(c, "stats", "io_coalesce_misses"), m2);
    for (int i = 0; i < NSOCK; i++)
        close(fds[i]);
    config_set(c, "busy-poll-us", "20");
    redisFree(c);
}

#define TESTS                                                                                      \
    cmocka_unit_test(big_values_and_a_long_pipeline_come_back_byte_for_byte),                      \
        cmocka_unit_test(bytes_sent_one_at_a_time_are_answered_once_each),                         \
        cmocka_unit_test(three_hundred_clients_at_once_each_get_their_own_replies),                \
        cmocka_unit_test(input_piled_up_while_the_server_sleeps_is_all_answered),                  \
        cmocka_unit_test(a_prefetched_pipeline_over_a_large_keyspace_is_answered_exactly),         \
        cmocka_unit_test(a_prefetched_pipeline_with_state_changes_answers_as_redis),               \
        cmocka_unit_test(a_slow_reader_gets_every_byte_once_its_socket_drains),                    \
        cmocka_unit_test(net_byte_counters_count_exactly_what_crossed_the_socket),                 \
        cmocka_unit_test(config_and_info_tell_whether_io_uring_is_used),                           \
        cmocka_unit_test(busy_polling_is_on_by_default_and_counts_its_hits),                       \
        cmocka_unit_test(wake_up_coalescing_gathers_arrivals_and_backs_off_for_a_lone_client)

/* Whether a server started with `extra` config logged the warning that
 * io-coalesce-us is inert; *uring says whether it streams through io_uring. */
static int warned_coalescing_inert(const char *extra, int *uring)
{
    hserver s;
    assert_int_equal(hs_start_modis(&s, extra, NULL), 0);
    redisContext *c = hs_connect(&s);
    assert_non_null(c);
    *uring = info_stat(c, "server", "io_uring") == 1;
    redisFree(c);
    char *log = hs_read_log(&s);
    assert_non_null(log);
    int warned = strstr(log, "io-coalesce-us has no effect while busy-poll-us is set") != NULL;
    free(log);
    assert_int_equal(hs_stop(&s), 0);
    return warned;
}

/* io-coalesce-us needs busy-poll-us 0 (on by default): a config that sets
 * the one and leaves the other gets a warning at startup, where io_uring is
 * in use; with busy-poll-us 0 it does not. */
static void coalescing_set_while_busy_polling_is_reported_at_startup(void **state)
{
    (void)state;
    int uring;
    int warned = warned_coalescing_inert("  \"io-coalesce-us\": 25", &uring);
    assert_int_equal(warned, uring);
    assert_false(
        warned_coalescing_inert("  \"io-coalesce-us\": 25,\n  \"busy-poll-us\": 0", &uring));
}

int main(void)
{
    const struct CMUnitTest tests[] = {TESTS};
    const struct CMUnitTest startup[] = {
        cmocka_unit_test(coalescing_set_while_busy_polling_is_reported_at_startup)};
    int failed = cmocka_run_group_tests_name("io-uring no", tests, start_uring_off, stop);
    failed += cmocka_run_group_tests_name("io-uring yes", tests, start_uring_on, stop);
    failed += cmocka_run_group_tests_name("startup", startup, NULL, NULL);
    return failed;
}
