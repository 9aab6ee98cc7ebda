/* test_admin.c: integration tests of the admin module: AUTH, CLIENT, MONITOR, SLOWLOG, CONFIG,
 * INFO, MODULE, DEBUG, SHUTDOWN. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "hs_cmd.h"

/* ---- helpers ---------------------------------------------------------------- */

static long long mstime(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static int module_present(const char *name)
{
    const char *dir = getenv("MODIS_MODULE_DIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s.so", dir ? dir : "modules", name);
    return access(path, R_OK) == 0;
}

static void start(hserver *s, const char *extra_json)
{
    assert_int_equal(hs_start_modis(s, extra_json, NULL), 0);
}

static redisContext *conn(const hserver *s)
{
    redisContext *c = hs_connect(s);
    assert_non_null(c);
    assert_int_equal(c->err, 0);
    return c;
}

static void expect_status(redisContext *c, const char *want, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    assert_non_null(r);
    if (r->type != REDIS_REPLY_STATUS || strcmp(r->str, want) != 0)
        fail_msg("%s: expected +%s, got type %d '%s'", fmt, want, r->type, r->str ? r->str : "");
    freeReplyObject(r);
}

static void expect_error(redisContext *c, const char *want_prefix, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    assert_non_null(r);
    if (r->type != REDIS_REPLY_ERROR || strncmp(r->str, want_prefix, strlen(want_prefix)) != 0)
        fail_msg("%s: expected -%s..., got type %d '%s'", fmt, want_prefix, r->type,
                 r->str ? r->str : "");
    freeReplyObject(r);
}

static long long expect_int(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    assert_non_null(r);
    if (r->type != REDIS_REPLY_INTEGER)
        fail_msg("%s: expected an integer, got type %d '%s'", fmt, r->type, r->str ? r->str : "");
    long long v = r->integer;
    freeReplyObject(r);
    return v;
}

/* The reply as a malloc'd string (bulk or status). */
static char *expect_text(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    assert_non_null(r);
    if (r->type != REDIS_REPLY_STRING && r->type != REDIS_REPLY_STATUS)
        fail_msg("%s: expected text, got type %d '%s'", fmt, r->type, r->str ? r->str : "");
    char *s = strdup(r->str);
    freeReplyObject(r);
    return s;
}

/* The value of "field=" in a CLIENT LIST line, copied into out. */
static void client_field(const char *line, const char *field, char *out, size_t cap)
{
    char key[64];
    snprintf(key, sizeof key, " %s=", field);
    const char *p = strncmp(line, key + 1, strlen(key + 1)) == 0 ? line + strlen(key + 1) : NULL;
    if (!p) {
        p = strstr(line, key);
        assert_non_null(p);
        p += strlen(key);
    }
    size_t n = strcspn(p, " \n");
    if (n >= cap)
        n = cap - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

/* Reads one raw reply with a timeout (NULL: nothing came). */
static char *raw_reply(int fd, int timeout_ms)
{
    size_t len;
    char *r = hs_raw_read_reply(fd, &len, timeout_ms);
    if (!r)
        return NULL;
    char *s = malloc(len + 1);
    memcpy(s, r, len);
    s[len] = '\0';
    free(r);
    return s;
}

/* Everything until the peer is quiet, NUL-terminated. */
static char *raw_all(int fd, int quiet_ms, int *closed)
{
    size_t len;
    char *r = hs_raw_read_all(fd, &len, quiet_ms, closed);
    char *s = malloc(len + 1);
    if (r)
        memcpy(s, r, len);
    s[len] = '\0';
    free(r);
    return s;
}

static void raw_cmd(int fd, const char *line)
{
    char **argv;
    size_t *lens;
    int argc = hs_split_args(line, &argv, &lens);
    assert_true(argc > 0);
    assert_int_equal(hs_raw_send_argv(fd, argc, argv, lens), 0);
    hs_free_args(argc, argv, lens);
}

/* Sends line on a raw connection and checks the exact reply bytes. */
static void raw_expect(int fd, const char *line, const char *want)
{
    raw_cmd(fd, line);
    char *got = raw_reply(fd, 3000);
    assert_non_null(got);
    if (strcmp(got, want) != 0) {
        char *e1 = hs_escape(want, strlen(want)), *e2 = hs_escape(got, strlen(got));
        fail_msg("%s: expected %s, got %s", line, e1, e2);
    }
    free(got);
}

/* ---- AUTH / HELLO / RESET ------------------------------------------------------ */

static void requirepass_gates_every_command_but_auth_hello_quit(void **state)
{
    (void)state;
    hserver s;
    /* The harness polls PING until it answers PONG, so the password is set
     * at run time (the config-file path is the same setting). */
    start(&s, NULL);
    redisContext *c = conn(&s);
    expect_error(c,
                 "ERR AUTH <password> called without any password configured for the default "
                 "user. Are you sure your configuration is correct?",
                 "AUTH nope");
    expect_status(c, "OK", "CONFIG SET requirepass s3cret");
    redisFree(c);
    c = conn(&s);
    expect_error(c, "NOAUTH Authentication required.", "PING");
    expect_error(c, "NOAUTH Authentication required.", "CLIENT ID");
    expect_error(c, "NOAUTH Authentication required.", "SELECT 1");
    expect_error(c, "NOAUTH HELLO must be called with the client already authenticated", "HELLO 2");
    expect_error(c, "WRONGPASS invalid username-password pair or user is disabled.", "AUTH nope");
    expect_error(c, "WRONGPASS", "AUTH someone s3cret");
    expect_error(c, "WRONGPASS", "HELLO 2 AUTH default nope");
    expect_error(c, "NOAUTH Authentication required.", "PING");
    expect_status(c, "OK", "AUTH s3cret");
    expect_status(c, "PONG", "PING");
    /* RESET de-authenticates when a password is set. */
    expect_status(c, "RESET", "RESET");
    expect_error(c, "NOAUTH Authentication required.", "PING");
    expect_status(c, "OK", "AUTH default s3cret");
    expect_status(c, "PONG", "PING");
    redisFree(c);

    /* HELLO AUTH authenticates and names the connection in one step. */
    int fd = hs_raw_connect(s.port);
    assert_true(fd >= 0);
    raw_cmd(fd, "HELLO 3 AUTH default s3cret SETNAME helloname");
    char *r = raw_reply(fd, 3000);
    assert_non_null(r);
    assert_int_equal(r[0], '%');
    assert_non_null(strstr(r, "$5\r\nproto\r\n:3\r\n"));
    assert_non_null(strstr(r, "$7\r\nversion\r\n$6\r\n7.0.15\r\n"));
    free(r);
    raw_expect(fd, "CLIENT GETNAME", "$9\r\nhelloname\r\n");
    raw_expect(fd, "PING", "+PONG\r\n");
    close(fd);

    /* QUIT works unauthenticated. */
    fd = hs_raw_connect(s.port);
    raw_expect(fd, "QUIT", "+OK\r\n");
    int closed = 0;
    free(raw_all(fd, 300, &closed));
    assert_true(closed);
    close(fd);
    assert_int_equal(hs_stop(&s), 0);
}

static void hello_switches_protocol_and_describes_the_server(void **state)
{
    (void)state;
    hserver s;
    start(&s, NULL);
    int fd = hs_raw_connect(s.port);
    raw_cmd(fd, "HELLO");
    char *r = raw_reply(fd, 3000);
    assert_non_null(r);
    /* RESP2: a flat array of 7 pairs, proto 2, the loaded modules listed. */
    assert_memory_equal(r, "*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n", 28);
    assert_non_null(strstr(r, "$5\r\nproto\r\n:2\r\n"));
    assert_non_null(strstr(r, "$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"));
    assert_non_null(strstr(r, "$4\r\nname\r\n$5\r\nadmin\r\n"));
    free(r);
    raw_cmd(fd, "HELLO 3");
    r = raw_reply(fd, 3000);
    assert_non_null(r);
    assert_memory_equal(r, "%7\r\n", 4);
    free(r);
    /* RESP3 from now on: null, maps, verbatim strings. */
    raw_expect(fd, "CLIENT GETNAME", "_\r\n");
    raw_expect(fd, "CONFIG GET timeout", "%1\r\n$7\r\ntimeout\r\n$1\r\n0\r\n");
    raw_cmd(fd, "INFO server");
    r = raw_reply(fd, 3000);
    assert_non_null(r);
    assert_int_equal(r[0], '=');
    assert_non_null(strstr(r, "txt:# Server\r\n"));
    free(r);
    raw_cmd(fd, "CLIENT INFO");
    r = raw_reply(fd, 3000);
    assert_non_null(r);
    assert_int_equal(r[0], '=');
    assert_non_null(strstr(r, " resp=3\n"));
    free(r);
    raw_expect(fd, "RESET", "+RESET\r\n");
    raw_expect(fd, "CLIENT GETNAME", "$-1\r\n");
    close(fd);
    assert_int_equal(hs_stop(&s), 0);
}

/* ---- CLIENT ----------------------------------------------------------------- */

static void client_list_shows_every_client_oldest_first(void **state)
{
    (void)state;
    hserver s;
    start(&s, NULL);
    redisContext *a = conn(&s), *b = conn(&s);
    expect_status(a, "OK", "CLIENT SETNAME alpha");
    expect_status(b, "OK", "CLIENT SETNAME beta");
    expect_status(b, "OK", "SELECT 3");
    long long ida = expect_int(a, "CLIENT ID"), idb = expect_int(b, "CLIENT ID");
    assert_true(idb > ida);
    char *list = expect_text(a, "CLIENT LIST");
    char *pa = strstr(list, " name=alpha "), *pb = strstr(list, " name=beta ");
    assert_non_null(pa);
    assert_non_null(pb);
    assert_true(pa < pb);
    assert_non_null(strstr(pb, " db=3 "));
    assert_non_null(strstr(pa, " cmd=client|list "));
    assert_int_equal(list[strlen(list) - 1], '\n');
    free(list);
    list = expect_text(a, "CLIENT LIST ID %lld", idb);
    assert_non_null(strstr(list, " name=beta "));
    assert_null(strstr(list, " name=alpha "));
    free(list);
    list = expect_text(a, "CLIENT LIST TYPE normal");
    assert_non_null(strstr(list, " name=beta "));
    free(list);
    list = expect_text(a, "CLIENT LIST TYPE pubsub");
    assert_string_equal(list, "");
    free(list);
    char *info = expect_text(b, "CLIENT INFO");
    char id[32];
    client_field(info, "id", id, sizeof id);
    assert_int_equal(atoll(id), idb);
    assert_non_null(strstr(info, " name=beta "));
    free(info);
    expect_status(a, "OK", "CLIENT NO-EVICT on");
    info = expect_text(a, "CLIENT INFO");
    char flags[32];
    client_field(info, "flags", flags, sizeof flags);
    assert_non_null(strchr(flags, 'e'));
    free(info);
    expect_status(a, "OK", "CLIENT NO-EVICT off");
    expect_status(a, "OK", "CLIENT SETINFO LIB-NAME modis-test");
    expect_status(a, "OK", "CLIENT SETINFO lib-ver 1.2.3");
    expect_error(a, "ERR lib-ver cannot contain spaces, newlines or special characters.",
                 "CLIENT SETINFO lib-ver %s", "1 2");
    expect_error(a, "ERR Unrecognized option 'lib-foo'", "CLIENT SETINFO lib-foo x");
    expect_status(a, "OK", "CLIENT NO-TOUCH on");
    info = expect_text(a, "CLIENT INFO");
    client_field(info, "flags", flags, sizeof flags);
    assert_non_null(strchr(flags, 'T'));
    free(info);
    expect_status(a, "OK", "CLIENT NO-TOUCH off");
    expect_error(a, "ERR syntax error", "CLIENT NO-TOUCH maybe");
    redisFree(a);
    redisFree(b);
    assert_int_equal(hs_stop(&s), 0);
}

static int connection_closed(redisContext *c)
{
    redisReply *r = redisCommand(c, "PING");
    if (r)
        freeReplyObject(r);
    return r == NULL;
}

static void client_kill_by_id_addr_and_old_form(void **state)
{
    (void)state;
    hserver s;
    start(&s, NULL);
    redisContext *a = conn(&s), *b = conn(&s), *c = conn(&s), *d = conn(&s);
    long long idb = expect_int(b, "CLIENT ID");
    assert_int_equal(expect_int(a, "CLIENT KILL ID %lld", idb), 1);
    assert_true(connection_closed(b));
    assert_int_equal(expect_int(a, "CLIENT KILL ID %lld", idb), 0);

    char *info = expect_text(c, "CLIENT INFO");
    char addr[64], laddr[64];
    client_field(info, "addr", addr, sizeof addr);
    client_field(info, "laddr", laddr, sizeof laddr);
    free(info);
    assert_int_equal(expect_int(a, "CLIENT KILL ADDR %s SKIPME yes", addr), 1);
    assert_true(connection_closed(c));

    /* The old form replies +OK, or an error when nothing matched. */
    info = expect_text(d, "CLIENT INFO");
    client_field(info, "addr", addr, sizeof addr);
    free(info);
    expect_status(a, "OK", "CLIENT KILL %s", addr);
    assert_true(connection_closed(d));
    expect_error(a, "ERR No such client", "CLIENT KILL %s", addr);

    /* SKIPME no on the caller's own address: it goes, after its reply. */
    info = expect_text(a, "CLIENT INFO");
    client_field(info, "addr", addr, sizeof addr);
    free(info);
    assert_int_equal(expect_int(a, "CLIENT KILL ADDR %s", addr), 0); /* SKIPME yes by default */
    assert_int_equal(expect_int(a, "CLIENT KILL LADDR %s SKIPME no USER default", laddr), 1);
    assert_true(connection_closed(a));
    redisFree(a);
    redisFree(b);
    redisFree(c);
    redisFree(d);
    assert_int_equal(hs_stop(&s), 0);
}

static void client_unblock_wakes_a_blocked_client(void **state)
{
    (void)state;
    if (!module_present("lists"))
        skip();
    hserver s;
    start(&s, NULL);
    redisContext *a = conn(&s);
    int fd = hs_raw_connect(s.port);
    raw_cmd(fd, "CLIENT ID");
    char *r = raw_reply(fd, 3000);
    long long id = atoll(r + 1);
    free(r);
    raw_cmd(fd, "BLPOP nolist 0");
    usleep(100 * 1000);
    assert_int_equal(expect_int(a, "CLIENT UNBLOCK %lld", id), 1);
    r = raw_reply(fd, 3000);
    assert_non_null(r);
    assert_string_equal(r, "*-1\r\n");
    free(r);
    assert_int_equal(expect_int(a, "CLIENT UNBLOCK %lld", id), 0);
    raw_cmd(fd, "BLPOP nolist 0");
    usleep(100 * 1000);
    assert_int_equal(expect_int(a, "CLIENT UNBLOCK %lld ERROR", id), 1);
    r = raw_reply(fd, 3000);
    assert_non_null(r);
    assert_string_equal(r, "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
    free(r);
    close(fd);
    redisFree(a);
    assert_int_equal(hs_stop(&s), 0);
}

static void client_pause_write_holds_writes_not_reads(void **state)
{
    (void)state;
    hserver s;
    start(&s, NULL);
    redisContext *a = conn(&s), *b = conn(&s);
    expect_status(a, "OK", "CLIENT PAUSE 400 WRITE");
    long long t0 = mstime();
    expect_status(b, "PONG", "PING");
    redisReply *r = hs_cmd(b, "GET k");
    freeReplyObject(r);
    assert_true(mstime() - t0 < 300);
    expect_status(b, "OK", "SET k v");
    assert_true(mstime() - t0 >= 350);
    /* UNPAUSE (not a write) releases held writes at once. */
    expect_status(a, "OK", "CLIENT PAUSE 5000 WRITE");
    int fd = hs_raw_connect(s.port);
    raw_cmd(fd, "SET held 1");
    char *got = raw_reply(fd, 300);
    assert_null(got);
    t0 = mstime();
    expect_status(a, "OK", "CLIENT UNPAUSE");
    got = raw_reply(fd, 3000);
    assert_non_null(got);
    assert_string_equal(got, "+OK\r\n");
    free(got);
    assert_true(mstime() - t0 < 1000);
    /* ALL holds every command, reads too, the pausing client's included. */
    expect_status(a, "OK", "CLIENT PAUSE 500 ALL");
    t0 = mstime();
    raw_cmd(fd, "PING");
    got = raw_reply(fd, 200);
    assert_null(got);
    got = raw_reply(fd, 3000);
    assert_non_null(got);
    assert_string_equal(got, "+PONG\r\n");
    free(got);
    assert_true(mstime() - t0 >= 400);
    close(fd);
    redisFree(a);
    redisFree(b);
    assert_int_equal(hs_stop(&s), 0);
}

static void client_reply_off_skip_on(void **state)
{
    (void)state;
    hserver s;
    start(&s, NULL);
    int fd = hs_raw_connect(s.port);
    raw_cmd(fd, "CLIENT REPLY OFF");
    raw_cmd(fd, "SET a 1");
    raw_cmd(fd, "PING");
    char *got = raw_reply(fd, 300);
    assert_null(got);
    raw_expect(fd, "CLIENT REPLY ON", "+OK\r\n");
    raw_cmd(fd, "CLIENT REPLY SKIP");
    raw_cmd(fd, "ECHO skipped");
    raw_expect(fd, "ECHO shown", "$5\r\nshown\r\n");
    close(fd);
    assert_int_equal(hs_stop(&s), 0);
}

/* ---- MONITOR, SLOWLOG ------------------------------------------------------------- */

static void monitor_streams_other_clients_commands(void **state)
{
    (void)state;
    hserver s;
    start(&s, NULL);
    int mon = hs_raw_connect(s.port);
    raw_expect(mon, "MONITOR", "+OK\r\n");
    redisContext *a = conn(&s);
    redisReply *r = hs_cmd(a, "ECHO %b", "x\"y\n\x01", (size_t)5);
    freeReplyObject(r);
    expect_status(a, "OK", "CONFIG SET timeout 0"); /* admin commands are not shown */
    expect_status(a, "PONG", "PING");
    int closed = 0;
    char *lines = raw_all(mon, 300, &closed);
    assert_non_null(lines);
    char *echo = strstr(lines, "\"ECHO\" \"x\\\"y\\n\\x01\"\r\n");
    assert_non_null(echo);
    assert_int_equal(lines[0], '+');
    assert_non_null(strstr(lines, "] \"PING\"\r\n"));
    assert_null(strstr(lines, "CONFIG"));
    /* "+<sec>.<usec> [0 127.0.0.1:port] ..." */
    char *dot = strchr(lines, '.');
    assert_non_null(dot);
    assert_memory_equal(dot + 7, " [0 127.0.0.1:", 14);
    free(lines);
    /* A second MONITOR is ignored without a reply; inside MULTI it fails. */
    raw_cmd(mon, "MONITOR");
    assert_null(raw_reply(mon, 200));
    redisContext *b = conn(&s);
    expect_status(b, "OK", "MULTI");
    expect_status(b, "QUEUED", "MONITOR");
    r = hs_cmd(b, "EXEC");
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->element[0]->type, REDIS_REPLY_ERROR);
    assert_string_equal(r->element[0]->str, "ERR MONITOR isn't allowed for DENY BLOCKING client");
    freeReplyObject(r);
    close(mon);
    redisFree(a);
    redisFree(b);
    assert_int_equal(hs_stop(&s), 0);
}

static void slowlog_records_and_resets(void **state)
{
    (void)state;
    hserver s;
    start(&s, NULL);
    redisContext *a = conn(&s);
    expect_status(a, "OK", "CLIENT SETNAME slowpoke");
    expect_status(a, "OK", "CONFIG SET slowlog-log-slower-than 0");
    expect_status(a, "OK", "SLOWLOG RESET");
    redisReply *r = hs_cmd(a, "ECHO slow-one");
    freeReplyObject(r);
    assert_true(expect_int(a, "SLOWLOG LEN") >= 2);
    r = hs_cmd(a, "SLOWLOG GET 2");
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 2);
    /* Newest first: SLOWLOG LEN, then ECHO. */
    redisReply *e = r->element[1];
    assert_int_equal(e->elements, 6);
    assert_int_equal(e->element[0]->type, REDIS_REPLY_INTEGER);
    assert_true(e->element[1]->integer > 1600000000);
    assert_int_equal(e->element[3]->elements, 2);
    assert_string_equal(e->element[3]->element[0]->str, "ECHO");
    assert_string_equal(e->element[3]->element[1]->str, "slow-one");
    assert_non_null(strstr(e->element[4]->str, "127.0.0.1:"));
    assert_string_equal(e->element[5]->str, "slowpoke");
    assert_true(r->element[0]->element[0]->integer > e->element[0]->integer);
    freeReplyObject(r);
    r = hs_cmd(a, "SLOWLOG GET -1");
    assert_true(r->elements >= 3);
    freeReplyObject(r);
    r = hs_cmd(a, "SLOWLOG GET 0");
    assert_int_equal(r->elements, 0);
    freeReplyObject(r);
    /* Passwords never reach the slow log. */
    freeReplyObject(hs_cmd(a, "AUTH default sekrit"));
    r = hs_cmd(a, "SLOWLOG GET 1");
    assert_int_equal(r->elements, 1);
    e = r->element[0]->element[3];
    assert_int_equal(e->elements, 3);
    assert_string_equal(e->element[0]->str, "AUTH");
    assert_string_equal(e->element[1]->str, "(redacted)");
    assert_string_equal(e->element[2]->str, "(redacted)");
    freeReplyObject(r);
    expect_status(a, "OK", "CONFIG SET slowlog-log-slower-than -1");
    expect_status(a, "OK", "SLOWLOG RESET");
    assert_int_equal(expect_int(a, "SLOWLOG LEN"), 0);
    redisFree(a);
    assert_int_equal(hs_stop(&s), 0);
}

/* ---- CONFIG, INFO ---------------------------------------------------------------- */

static void config_set_get_and_rewrite_round_trip(void **state)
{
    (void)state;
    hserver s;
    start(&s, NULL);
    redisContext *a = conn(&s);
    redisReply *r = hs_cmd(a, "CONFIG GET maxmemory hz slowlog-*");
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 8);
    assert_string_equal(r->element[0]->str, "maxmemory");
    assert_string_equal(r->element[2]->str, "hz");
    freeReplyObject(r);
    expect_status(a, "OK", "CONFIG SET maxmemory 3mb slowlog-max-len 77 loglevel verbose");
    r = hs_cmd(a, "CONFIG GET maxmemory");
    assert_string_equal(r->element[1]->str, "3145728");
    freeReplyObject(r);
    /* All or nothing: the bad hz value leaves timeout untouched. */
    expect_error(a, "ERR CONFIG SET failed (possibly related to argument 'hz')",
                 "CONFIG SET timeout 99 hz abc");
    r = hs_cmd(a, "CONFIG GET timeout");
    assert_string_equal(r->element[1]->str, "0");
    freeReplyObject(r);
    expect_status(a, "OK", "CONFIG REWRITE");
    FILE *f = fopen(s.config, "r");
    assert_non_null(f);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    assert_non_null(strstr(buf, "\"maxmemory\": 3145728"));
    assert_non_null(strstr(buf, "\"slowlog-max-len\": 77"));
    assert_non_null(strstr(buf, "\"loglevel\": \"verbose\""));
    assert_non_null(strstr(buf, "\"modules\""));
    redisFree(a);
    assert_int_equal(hs_stop(&s), 0);

    /* The rewritten file starts a server (hs_stop removed its directory). */
    char copy[] = "/tmp/modis-admin-rewrite-XXXXXX";
    int cfd = mkstemp(copy);
    assert_true(cfd >= 0);
    assert_int_equal(write(cfd, buf, n), (ssize_t)n);
    close(cfd);
    hserver s2;
    int rc = hs_run_modis_config(&s2, copy, 800);
    unlink(copy);
    assert_int_equal(rc, -1000); /* still running: the file is valid */
}

static void info_sections_and_fields(void **state)
{
    (void)state;
    hserver s;
    start(&s, NULL);
    redisContext *a = conn(&s);
    redisReply *r = hs_cmd(a, "SET k v");
    freeReplyObject(r);
    char *info = expect_text(a, "INFO");
    static const char *const fields[] = {"# Server\r\n",
                                         "redis_version:7.0.15\r\n",
                                         "tcp_port:",
                                         "uptime_in_seconds:",
                                         "\r\n\r\n# Clients\r\n",
                                         "connected_clients:",
                                         "blocked_clients:",
                                         "# Memory\r\n",
                                         "used_memory:",
                                         "maxmemory_policy:",
                                         "# Persistence\r\n",
                                         "loading:0\r\n",
                                         "# Stats\r\n",
                                         "total_commands_processed:",
                                         "keyspace_hits:",
                                         "# Replication\r\n",
                                         "role:master\r\n",
                                         "# CPU\r\n",
                                         "used_cpu_sys:",
                                         "# Modules\r\n",
                                         "module:name=admin,",
                                         "# Errorstats\r\n",
                                         "# Cluster\r\ncluster_enabled:0\r\n",
                                         "# Keyspace\r\n",
                                         "db0:keys=1,expires=0",
                                         NULL};
    for (int i = 0; fields[i]; i++)
        if (!strstr(info, fields[i]))
            fail_msg("INFO lacks '%s'", fields[i]);
    assert_null(strstr(info, "# Commandstats"));
    assert_null(strstr(info, "# Latencystats"));
    /* Sections in Redis's order, one blank line apart, no trailing blank. */
    assert_true(strstr(info, "# Server") < strstr(info, "# Clients"));
    assert_true(strstr(info, "# Cluster") < strstr(info, "# Keyspace"));
    free(info);
    info = expect_text(a, "INFO commandstats");
    assert_non_null(strstr(info, "# Commandstats\r\ncmdstat_"));
    assert_non_null(strstr(info, "cmdstat_set:calls=1,"));
    assert_null(strstr(info, "# Server"));
    free(info);
    info = expect_text(a, "INFO keyspace SERVER");
    assert_int_equal(strncmp(info, "# Server\r\n", 10), 0);
    assert_non_null(strstr(info, "\r\n\r\n# Keyspace\r\n"));
    assert_null(strstr(info, "# Clients"));
    free(info);
    info = expect_text(a, "INFO all");
    assert_non_null(strstr(info, "# Commandstats"));
    assert_non_null(strstr(info, "# Latencystats"));
    free(info);
    info = expect_text(a, "INFO default commandstats");
    assert_non_null(strstr(info, "# Commandstats"));
    assert_non_null(strstr(info, "# Keyspace"));
    free(info);
    expect_status(a, "OK", "CONFIG RESETSTAT");
    info = expect_text(a, "INFO commandstats");
    assert_null(strstr(info, "cmdstat_set:"));
    free(info);
    redisFree(a);
    assert_int_equal(hs_stop(&s), 0);
}

/* ---- COMMAND -------------------------------------------------------------------- */

static void command_count_list_and_filters_agree(void **state)
{
    (void)state;
    hserver s;
    start(&s, NULL);
    redisContext *a = conn(&s);
    long long count = expect_int(a, "COMMAND COUNT");
    redisReply *all = hs_cmd(a, "COMMAND");
    assert_int_equal((long long)all->elements, count);
    freeReplyObject(all);
    /* COMMAND DOCS nests deeper than hiredis 0.14 reads: count on the raw reply. */
    int fd = hs_raw_connect(s.port);
    raw_cmd(fd, "COMMAND DOCS");
    char *docs = raw_reply(fd, 5000);
    assert_non_null(docs);
    assert_int_equal(atoll(docs + 1), 2 * count);
    free(docs);
    close(fd);
    redisReply *list = hs_cmd(a, "COMMAND LIST");
    assert_true((long long)list->elements > count); /* subcommands too */
    int seen_kill = 0;
    for (size_t i = 0; i < list->elements; i++)
        seen_kill |= strcmp(list->element[i]->str, "client|kill") == 0;
    assert_true(seen_kill);
    freeReplyObject(list);
    list = hs_cmd(a, "COMMAND LIST FILTERBY MODULE admin");
    int seen_ping = 0, seen_config_set = 0;
    for (size_t i = 0; i < list->elements; i++) {
        seen_ping |= strcmp(list->element[i]->str, "ping") == 0;
        seen_config_set |= strcmp(list->element[i]->str, "config|set") == 0;
        assert_null(strstr(list->element[i]->str, "lpush"));
    }
    assert_true(seen_ping && seen_config_set);
    freeReplyObject(list);
    list = hs_cmd(a, "COMMAND LIST FILTERBY ACLCAT dangerous");
    int seen_flushall = 0, seen_get = 0;
    for (size_t i = 0; i < list->elements; i++) {
        seen_flushall |= strcmp(list->element[i]->str, "flushall") == 0;
        seen_get |= strcmp(list->element[i]->str, "get") == 0;
    }
    assert_true(seen_flushall);
    assert_false(seen_get);
    freeReplyObject(list);
    list = hs_cmd(a, "COMMAND LIST FILTERBY PATTERN client|*");
    assert_int_equal(list->elements, 14);
    freeReplyObject(list);
    list = hs_cmd(a, "COMMAND LIST FILTERBY MODULE nosuchmodule");
    assert_int_equal(list->elements, 0);
    freeReplyObject(list);
    redisFree(a);
    assert_int_equal(hs_stop(&s), 0);
}

/* ---- MODULE, DEBUG, SHUTDOWN -------------------------------------------------------- */

static void module_commands_refused_unless_enabled(void **state)
{
    (void)state;
    hserver s;
    start(&s, NULL);
    redisContext *a = conn(&s);
    expect_error(a, "ERR MODULE command not allowed. If the enable-module-command option is set",
                 "MODULE LOAD /x.so");
    expect_error(a, "ERR MODULE command not allowed.", "MODULE UNLOAD admin");
    redisReply *r = hs_cmd(a, "MODULE LIST");
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_true(r->elements >= 1);
    assert_string_equal(r->element[0]->element[0]->str, "name");
    freeReplyObject(r);
    redisFree(a);
    assert_int_equal(hs_stop(&s), 0);

    if (!module_present("lists"))
        return;
    start(&s, "  \"enable-module-command\": \"yes\"");
    a = conn(&s);
    expect_error(a, "ERR Error loading the extension. Please check the server logs.",
                 "MODULE LOAD /nonexistent/x.so");
    expect_error(a, "ERR Error unloading module: no such module with that name",
                 "MODULE UNLOAD nosuchmodule");
    /* The admin module serves MODULE itself: it refuses to unload. */
    expect_error(a, "ERR Error unloading module:", "MODULE UNLOAD admin");
    expect_status(a, "PONG", "PING");
    /* lists has no unload hook. */
    expect_error(a, "ERR Error unloading module:", "MODULE UNLOAD lists");
    assert_int_equal(expect_int(a, "LPUSH l x"), 1);
    if (!module_present("keys")) {
        redisFree(a);
        assert_int_equal(hs_stop(&s), 0);
        return;
    }
    expect_status(a, "OK", "MODULE UNLOAD keys");
    expect_error(a, "ERR unknown command 'TYPE'", "TYPE l");
    char path[512];
    snprintf(path, sizeof path, "%s/keys.so", getenv("MODIS_MODULE_DIR"));
    expect_error(a, "ERR Error loading the extension.", "MODULE LOADEX %s CONFIG a b", path);
    expect_status(a, "OK", "MODULE LOAD %s", path);
    expect_status(a, "list", "TYPE l");
    r = hs_cmd(a, "MODULE LIST");
    int found = 0;
    for (size_t i = 0; i < r->elements; i++) {
        redisReply *m = r->element[i];
        assert_int_equal(m->elements, 8);
        if (strcmp(m->element[1]->str, "keys") == 0) {
            found = 1;
            assert_string_equal(m->element[5]->str, path);
        }
    }
    assert_true(found);
    freeReplyObject(r);
    redisFree(a);
    assert_int_equal(hs_stop(&s), 0);
}

static void debug_sleep_only_when_enabled(void **state)
{
    (void)state;
    hserver s;
    start(&s, NULL);
    redisContext *a = conn(&s);
    expect_error(a, "ERR DEBUG command not allowed. If the enable-debug-command option is set",
                 "DEBUG SLEEP 0");
    redisFree(a);
    assert_int_equal(hs_stop(&s), 0);
    start(&s, "  \"enable-debug-command\": \"local\"");
    a = conn(&s);
    long long t0 = mstime();
    expect_status(a, "OK", "DEBUG SLEEP 0.2");
    assert_true(mstime() - t0 >= 190);
    expect_error(
        a, "ERR unknown subcommand or wrong number of arguments for 'nosuch'. Try DEBUG HELP.",
        "DEBUG nosuch");
    redisReply *r = hs_cmd(a, "DEBUG HELP");
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_string_equal(r->element[1]->str, "SLEEP <seconds>");
    freeReplyObject(r);
    redisFree(a);
    assert_int_equal(hs_stop(&s), 0);
}

static void shutdown_ends_the_server(void **state)
{
    (void)state;
    hserver s;
    start(&s, NULL);
    redisContext *a = conn(&s);
    expect_error(a, "ERR syntax error", "SHUTDOWN NOSAVE SAVE");
    expect_error(a, "ERR No shutdown in progress.", "SHUTDOWN ABORT");
    /* There is no persistence: SAVE is refused unless forced. */
    expect_error(a, "ERR Errors trying to SHUTDOWN. Check logs.", "SHUTDOWN SAVE");
    redisReply *r = redisCommand(a, "SHUTDOWN NOSAVE");
    assert_null(r); /* no reply: the connection closes */
    int status = -1;
    for (int i = 0; i < 100; i++) {
        pid_t p = waitpid(s.pid, &status, WNOHANG);
        if (p == s.pid)
            break;
        usleep(50 * 1000);
    }
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    s.pid = 0;
    redisFree(a);
    char *log = hs_read_log(&s);
    assert_non_null(strstr(log, "User requested shutdown"));
    free(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(requirepass_gates_every_command_but_auth_hello_quit),
        cmocka_unit_test(hello_switches_protocol_and_describes_the_server),
        cmocka_unit_test(client_list_shows_every_client_oldest_first),
        cmocka_unit_test(client_kill_by_id_addr_and_old_form),
        cmocka_unit_test(client_unblock_wakes_a_blocked_client),
        cmocka_unit_test(client_pause_write_holds_writes_not_reads),
        cmocka_unit_test(client_reply_off_skip_on),
        cmocka_unit_test(monitor_streams_other_clients_commands),
        cmocka_unit_test(slowlog_records_and_resets),
        cmocka_unit_test(config_set_get_and_rewrite_round_trip),
        cmocka_unit_test(info_sections_and_fields),
        cmocka_unit_test(command_count_list_and_filters_agree),
        cmocka_unit_test(module_commands_refused_unless_enabled),
        cmocka_unit_test(debug_sleep_only_when_enabled),
        cmocka_unit_test(shutdown_ends_the_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
