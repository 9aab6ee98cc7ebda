/* test_core.c: the daemon end to end: framing, pipelining, limits, shutdown, RESP3, redis-cli. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "harness.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static hserver srv;

static int start_default(void **state)
{
    (void)state;
    return hs_start_modis(&srv, NULL, NULL);
}

static int stop_default(void **state)
{
    (void)state;
    return hs_stop(&srv) == 0 ? 0 : -1;
}

/* Sends bytes and expects exactly `want` back as one or more replies. */
static void expect_bytes(int fd, const char *send, size_t slen, const char *want)
{
    assert_int_equal(hs_raw_send(fd, send, slen), 0);
    size_t got = 0, wl = strlen(want);
    char *all = malloc(wl + 1);
    while (got < wl) {
        size_t n;
        char *r = hs_raw_read_reply(fd, &n, 5000);
        assert_non_null(r);
        assert_true(got + n <= wl);
        memcpy(all + got, r, n);
        got += n;
        free(r);
    }
    all[got] = '\0';
    assert_string_equal(all, want);
    free(all);
}

static void request_sent_one_byte_at_a_time_is_answered_once(void **state)
{
    (void)state;
    int fd = hs_raw_connect(srv.port);
    assert_true(fd >= 0);
    const char *req = "*2\r\n$4\r\nECHO\r\n$11\r\nhello world\r\n";
    for (size_t i = 0; i < strlen(req); i++) {
        assert_int_equal(hs_raw_send(fd, req + i, 1), 0);
        usleep(1000);
    }
    size_t n;
    char *r = hs_raw_read_reply(fd, &n, 5000);
    assert_non_null(r);
    assert_int_equal(n, strlen("$11\r\nhello world\r\n"));
    assert_memory_equal(r, "$11\r\nhello world\r\n", n);
    free(r);
    /* Nothing else may follow. */
    int closed;
    char *extra = hs_raw_read_all(fd, &n, 100, &closed);
    assert_int_equal(n, 0);
    assert_false(closed);
    free(extra);
    close(fd);
}

static void ten_thousand_pipelined_pings_get_ten_thousand_pongs(void **state)
{
    (void)state;
    int fd = hs_raw_connect(srv.port);
    const int n = 10000;
    size_t len = (size_t)n * 14;
    char *buf = malloc(len);
    for (int i = 0; i < n; i++)
        memcpy(buf + (size_t)i * 14, "*1\r\n$4\r\nPING\r\n", 14);
    assert_int_equal(hs_raw_send(fd, buf, len), 0);
    free(buf);
    size_t total = 0, want = (size_t)n * 7;
    int closed = 0;
    while (total < want && !closed) {
        size_t got;
        char *r = hs_raw_read_all(fd, &got, 2000, &closed);
        for (size_t i = 0; i < got; i += 7)
            assert_memory_equal(r + i, "+PONG\r\n", 7);
        total += got;
        free(r);
        if (got == 0)
            break;
    }
    assert_int_equal(total, want);
    close(fd);
}

static void large_bulk_argument_split_across_reads_round_trips(void **state)
{
    (void)state;
    int fd = hs_raw_connect(srv.port);
    size_t big = 3 * 1024 * 1024 + 17;
    char *val = malloc(big);
    for (size_t i = 0; i < big; i++)
        val[i] = (char)(i * 31 + 7);
    char *argv[] = {"ECHO", val};
    size_t lens[] = {4, big};
    assert_int_equal(hs_raw_send_argv(fd, 2, argv, lens), 0);
    size_t n;
    char *r = hs_raw_read_reply(fd, &n, 20000);
    assert_non_null(r);
    char head[32];
    int hl = snprintf(head, sizeof head, "$%zu\r\n", big);
    assert_int_equal(n, (size_t)hl + big + 2);
    assert_memory_equal(r, head, (size_t)hl);
    assert_memory_equal(r + hl, val, big);
    free(r);
    free(val);
    close(fd);
}

static void protocol_error_closes_only_that_client(void **state)
{
    (void)state;
    int bad = hs_raw_connect(srv.port);
    int good = hs_raw_connect(srv.port);
    assert_int_equal(hs_raw_send(bad, "*1\r\n$x\r\n", 8), 0);
    size_t n;
    int closed;
    char *r = hs_raw_read_all(bad, &n, 1000, &closed);
    assert_true(closed);
    assert_string_equal(r, "-ERR Protocol error: invalid bulk length\r\n");
    free(r);
    expect_bytes(good, "PING\r\n", 6, "+PONG\r\n");
    close(bad);
    close(good);
}

static void hello_3_switches_to_resp3_nulls_and_maps(void **state)
{
    (void)state;
    int fd = hs_raw_connect(srv.port);
    assert_int_equal(hs_raw_send(fd, "HELLO 3\r\n", 9), 0);
    size_t n;
    char *r = hs_raw_read_reply(fd, &n, 5000);
    assert_non_null(r);
    assert_memory_equal(r, "%7\r\n", 4);
    assert_non_null(strstr(r, "$5\r\nproto\r\n:3\r\n"));
    free(r);
    expect_bytes(fd, "HELLO 2\r\n", 9, "");
    r = hs_raw_read_reply(fd, &n, 5000);
    assert_non_null(r);
    assert_memory_equal(r, "*14\r\n", 5);
    free(r);
    expect_bytes(fd, "HELLO 4\r\n", 9, "-NOPROTO unsupported protocol version\r\n");
    close(fd);
}

static void hiredis_client_sees_pipelined_replies_in_order(void **state)
{
    (void)state;
    redisContext *c = hs_connect(&srv);
    assert_non_null(c);
    for (int i = 0; i < 100; i++)
        redisAppendCommand(c, "ECHO %d", i);
    for (int i = 0; i < 100; i++) {
        redisReply *rep;
        assert_int_equal(redisGetReply(c, (void **)&rep), REDIS_OK);
        assert_int_equal(rep->type, REDIS_REPLY_STRING);
        assert_int_equal(atoi(rep->str), i);
        freeReplyObject(rep);
    }
    redisFree(c);
}

static void redis_cli_talks_to_the_server(void **state)
{
    (void)state;
    if (system("command -v redis-cli >/dev/null 2>&1") != 0)
        skip();
    char cmd[256];
    snprintf(cmd, sizeof cmd, "redis-cli -p %d ECHO from-cli 2>&1", srv.port);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char line[256] = "";
    assert_non_null(fgets(line, sizeof line, p));
    assert_int_equal(pclose(p), 0);
    assert_string_equal(line, "from-cli\n");
}

static void maxclients_refuses_the_extra_client_with_redis_text(void **state)
{
    (void)state;
    hserver s;
    assert_int_equal(hs_start_modis(&s, "  \"maxclients\": 2", NULL), 0);
    usleep(300000); /* let the server reap the readiness probe's connection */
    int a = hs_raw_connect(s.port), b = hs_raw_connect(s.port);
    expect_bytes(a, "PING\r\n", 6, "+PONG\r\n");
    expect_bytes(b, "PING\r\n", 6, "+PONG\r\n");
    int c = hs_raw_connect(s.port);
    size_t n;
    int closed;
    char *r = hs_raw_read_all(c, &n, 1000, &closed);
    assert_string_equal(r, "-ERR max number of clients reached\r\n");
    assert_true(closed);
    free(r);
    close(a);
    close(b);
    close(c);
    assert_int_equal(hs_stop(&s), 0);
}

static void idle_clients_are_closed_after_timeout(void **state)
{
    (void)state;
    hserver s;
    assert_int_equal(hs_start_modis(&s, "  \"timeout\": 1", NULL), 0);
    int a = hs_raw_connect(s.port);
    expect_bytes(a, "PING\r\n", 6, "+PONG\r\n");
    size_t n;
    int closed = 0;
    for (int i = 0; i < 40 && !closed; i++)
        free(hs_raw_read_all(a, &n, 100, &closed));
    assert_true(closed);
    close(a);
    assert_int_equal(hs_stop(&s), 0);
}

static void sigterm_flushes_and_exits_zero(void **state)
{
    (void)state;
    hserver s;
    assert_int_equal(hs_start_modis(&s, NULL, NULL), 0);
    int a = hs_raw_connect(s.port);
    expect_bytes(a, "PING\r\n", 6, "+PONG\r\n");
    assert_int_equal(hs_stop(&s), 0);
    close(a);
}

static void unix_socket_serves_requests(void **state)
{
    (void)state;
    hserver s;
    char extra[200];
    char path[128];
    snprintf(path, sizeof path, "/tmp/modis-test-%d.sock", (int)getpid());
    snprintf(extra, sizeof extra, "  \"unixsocket\": \"%s\"", path);
    assert_int_equal(hs_start_modis(&s, extra, NULL), 0);
    redisContext *c = redisConnectUnix(path);
    assert_non_null(c);
    assert_int_equal(c->err, 0);
    redisReply *r = redisCommand(c, "PING");
    assert_non_null(r);
    assert_string_equal(r->str, "PONG");
    freeReplyObject(r);
    redisFree(c);
    assert_int_equal(hs_stop(&s), 0);
    assert_int_not_equal(access(path, F_OK), 0);
}

int main(void)
{
    const struct CMUnitTest shared[] = {
        cmocka_unit_test(request_sent_one_byte_at_a_time_is_answered_once),
        cmocka_unit_test(ten_thousand_pipelined_pings_get_ten_thousand_pongs),
        cmocka_unit_test(large_bulk_argument_split_across_reads_round_trips),
        cmocka_unit_test(protocol_error_closes_only_that_client),
        cmocka_unit_test(hello_3_switches_to_resp3_nulls_and_maps),
        cmocka_unit_test(hiredis_client_sees_pipelined_replies_in_order),
        cmocka_unit_test(redis_cli_talks_to_the_server),
    };
    const struct CMUnitTest own[] = {
        cmocka_unit_test(maxclients_refuses_the_extra_client_with_redis_text),
        cmocka_unit_test(idle_clients_are_closed_after_timeout),
        cmocka_unit_test(sigterm_flushes_and_exits_zero),
        cmocka_unit_test(unix_socket_serves_requests),
    };
    int failed = cmocka_run_group_tests_name("core, one server", shared, start_default, stop_default);
    failed += cmocka_run_group_tests_name("core, own servers", own, NULL, NULL);
    return failed;
}
