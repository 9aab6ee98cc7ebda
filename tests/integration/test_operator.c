/* test_operator.c: what operators rely on at run time: crash reports, MODULE LOAD/UNLOAD and its
 * refusals, COMMAND for disabled commands.
 *
 * The MODULE and COMMAND tests skip themselves while the admin module does
 * not offer those commands yet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "hs_cmd.h"

#include <modis/module.h>

static char tmods[1024]; /* tests/modules, canonical */

static int group_setup(void **state)
{
    (void)state;
    char rt[PATH_MAX];
    const char *t = getenv("MODIS_TEST_MODULES");
    if (!t || !realpath(t, rt) || strlen(rt) >= sizeof tmods) {
        fprintf(stderr, "MODIS_TEST_MODULES must name an existing directory\n");
        return -1;
    }
    memcpy(tmods, rt, strlen(rt) + 1);
    /* The crash tests kill the server on purpose: no core files. */
    struct rlimit rl = {0, 0};
    setrlimit(RLIMIT_CORE, &rl);
    return 0;
}

/* ---- helpers ------------------------------------------------------------------------- */

static const char *tmod(const char *name)
{
    static char bufs[2][1100];
    static int i;
    i ^= 1;
    snprintf(bufs[i], sizeof bufs[i], "%s/%s.so", tmods, name);
    return bufs[i];
}

static redisContext *conn(const hserver *s)
{
    redisContext *c = hs_connect(s);
    assert_non_null(c);
    return c;
}

static void expect_error(redisContext *c, const char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    assert_non_null(r);
    if (r->type != REDIS_REPLY_ERROR || strcmp(r->str, err) != 0)
        fail_msg("%s: want error '%s', got type %d '%s'", fmt, err, r->type, r->str ? r->str : "");
    freeReplyObject(r);
}

/* Expects an error reply that starts with `prefix`. */
static void expect_error_prefix(redisContext *c, const char *prefix, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    assert_non_null(r);
    if (r->type != REDIS_REPLY_ERROR || strncmp(r->str, prefix, strlen(prefix)) != 0)
        fail_msg("%s: want an error starting '%s', got type %d '%s'", fmt, prefix, r->type,
                 r->str ? r->str : "");
    freeReplyObject(r);
}

static void expect_str(redisContext *c, const char *want, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    assert_non_null(r);
    if ((r->type != REDIS_REPLY_STATUS && r->type != REDIS_REPLY_STRING) ||
        strcmp(r->str, want) != 0)
        fail_msg("%s: want '%s', got type %d '%s'", fmt, want, r->type, r->str ? r->str : "");
    freeReplyObject(r);
}

static long long get_int(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    assert_non_null(r);
    if (r->type != REDIS_REPLY_INTEGER)
        fail_msg("%s: want an integer, got type %d '%s'", fmt, r->type, r->str ? r->str : "");
    long long n = r->integer;
    freeReplyObject(r);
    return n;
}

/* True when the server knows the command `name` (probed with a bad subcommand). */
static int has_command(redisContext *c, const char *name)
{
    redisReply *r = hs_cmd(c, "%s no-such-subcommand-xyz", name);
    int unknown = r->type == REDIS_REPLY_ERROR && strncmp(r->str, "ERR unknown command", 19) == 0;
    freeReplyObject(r);
    return !unknown;
}

/* Sends argv (NUL-terminated strings) as one RESP request. */
static void send_argv(int fd, int argc, char **argv)
{
    size_t lens[8];
    assert_true(argc <= 8);
    for (int i = 0; i < argc; i++)
        lens[i] = strlen(argv[i]);
    assert_int_equal(hs_raw_send_argv(fd, argc, argv, lens), 0);
}

/* The raw bytes of one reply to argv (RESP2). */
static char *raw(int port, size_t *len, int argc, char **argv)
{
    int fd = hs_raw_connect(port);
    assert_true(fd >= 0);
    send_argv(fd, argc, argv);
    char *r = hs_raw_read_reply(fd, len, 5000);
    close(fd);
    assert_non_null(r);
    return r;
}

/* True when MODULE LIST mentions a module called name. */
static int module_listed(redisContext *c, const char *name)
{
    redisReply *r = hs_cmd(c, "MODULE LIST");
    int found = 0;
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    for (size_t i = 0; i < r->elements; i++) {
        redisReply *m = r->element[i];
        for (size_t j = 0; j + 1 < m->elements; j += 2)
            if (strcmp(m->element[j]->str, "name") == 0 &&
                strcmp(m->element[j + 1]->str, name) == 0)
                found = 1;
    }
    freeReplyObject(r);
    return found;
}

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for the server process to end; returns the signal that killed it,
 * 0 for a normal exit, -1 when it is still running after timeout_ms. */
static int wait_death(hserver *s, int timeout_ms)
{
    long long end = mono_ms() + timeout_ms;
    while (mono_ms() < end) {
        int st;
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            s->pid = 0;
            return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
        }
        usleep(10000);
    }
    return -1;
}

/* ---- crash reports ------------------------------------------------------------------------ */

/* Sends argv (a crashing command of the crashy module) and checks the crash
 * report in the log: signal, module, command, client and a backtrace through
 * crashy.so, then the process dies of that very signal. */
static void crash_and_check_report(int argc, char **argv, const char *cmdname, int sig)
{
    hserver s;
    char mods[512];
    snprintf(mods, sizeof mods, "[{\"name\": \"admin\"}, {\"path\": \"%s\"}]", tmod("crashy"));
    assert_int_equal(hs_start_modis(&s, NULL, mods), 0);

    int fd = hs_raw_connect(s.port);
    assert_true(fd >= 0);
    struct sockaddr_in local;
    socklen_t ll = sizeof local;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&local, &ll), 0);
    send_argv(fd, argc, argv);
    size_t len;
    char *reply = hs_raw_read_reply(fd, &len, 5000);
    close(fd);
    if (reply)
        fail_msg("the crashing command replied: %s", hs_escape(reply, len));
    int died = wait_death(&s, 10000);
    char *log = hs_read_log(&s);
    assert_non_null(log);
    if (died != sig)
        fail_msg("want death by signal %d, got %d; log:\n%s", sig, died, log);

    char want[512];
    const char *start = strstr(log, "=== MODIS BUG REPORT START ===");
    if (!start)
        fail_msg("no crash report in the log:\n%s", log);
    snprintf(want, sizeof want, "Crashed by signal: %d (%s)", sig, strsignal(sig));
    if (!strstr(start, want))
        fail_msg("want '%s' in:\n%s", want, start);
    /* The first client of a fresh server is the harness's readiness probe, so
     * only the address identifies ours. */
    snprintf(want, sizeof want,
             "While serving command '%s' of module crashy for client id=", cmdname);
    const char *serving = strstr(start, want);
    if (!serving)
        fail_msg("want '%s' in:\n%s", want, start);
    snprintf(want, sizeof want, " addr=127.0.0.1:%d\n", ntohs(local.sin_port));
    const char *eol = strchr(serving, '\n');
    const char *addr = strstr(serving, want);
    if (!addr || addr > eol)
        fail_msg("want '%s' on the line '%.*s'", want, (int)(eol - serving), serving);
    const char *trace = strstr(start, "------ STACK TRACE ------\n");
    assert_non_null(trace);
    const char *end = strstr(trace, "=== MODIS BUG REPORT END ===");
    assert_non_null(end);
    /* A frame of the module that crashed, as backtrace_symbols prints it. */
    const char *frame = strstr(trace, "crashy.so(");
    if (!frame || frame > end)
        fail_msg("no crashy.so frame in the backtrace:\n%.*s", (int)(end - trace), trace);
    free(log);
    free(reply);
    s.log[0] = '\0';
    hs_stop(&s);
}

static void a_segfault_in_a_module_writes_a_crash_report_naming_it(void **state)
{
    (void)state;
    char *argv[] = {"CRASHY.SEGV"};
    crash_and_check_report(1, argv, "crashy.segv", SIGSEGV);
}

static void sigbus_sigfpe_and_abort_in_a_module_write_a_crash_report(void **state)
{
    (void)state;
    char *bus[] = {"crashy.raise", "bus"};
    crash_and_check_report(2, bus, "crashy.raise", SIGBUS);
    char *fpe[] = {"crashy.raise", "fpe"};
    crash_and_check_report(2, fpe, "crashy.raise", SIGFPE);
    char *abrt[] = {"crashy.raise", "abrt"};
    crash_and_check_report(2, abrt, "crashy.raise", SIGABRT);
}

/* ---- MODULE LOAD / UNLOAD ----------------------------------------------------------------- */

typedef struct srv {
    hserver s;
    redisContext *c;
} srv;

/* A server with MODULE enabled, admin and keys; skips when admin has no MODULE. */
static void start_with_module_command(srv *v)
{
    assert_int_equal(hs_start_modis(&v->s, "  \"enable-module-command\": \"yes\"",
                                    "[{\"name\": \"admin\"}, {\"name\": \"keys\"}]"),
                     0);
    v->c = conn(&v->s);
    if (!has_command(v->c, "MODULE")) {
        redisFree(v->c);
        hs_stop(&v->s);
        skip();
    }
}

static void stop(srv *v)
{
    redisFree(v->c);
    assert_int_equal(hs_stop(&v->s), 0);
}

static void module_load_and_unload_round_trip(void **state)
{
    (void)state;
    srv v;
    start_with_module_command(&v);
    redisContext *c = v.c;
    for (int round = 0; round < 2; round++) {
        expect_str(c, "OK", "MODULE LOAD %s", tmod("goodmod"));
        assert_true(module_listed(c, "goodmod"));
        expect_str(c, "OK", "GOODMOD.SET k v");
        expect_str(c, "v", "GOODMOD.GET k");
        expect_str(c, "goodmod-type", "TYPE k");
        /* A key of the module's type keeps it loaded. */
        expect_error_prefix(
            c,
            "ERR Error unloading module: the module exports one or more module-side "
            "data types, can't unload",
            "MODULE UNLOAD goodmod");
        assert_true(module_listed(c, "goodmod"));
        assert_int_equal(get_int(c, "DEL k"), 1);
        expect_str(c, "OK", "MODULE UNLOAD goodmod");
        assert_false(module_listed(c, "goodmod"));
        expect_error(c, "ERR unknown command 'GOODMOD.GET', with args beginning with: 'k' ",
                     "GOODMOD.GET k");
    }
    stop(&v);
}

/* config_watch: a module hears the parameter's value at load and after each
 * CONFIG SET; after MODULE UNLOAD the server no longer calls into it. */
static void config_watch_follows_config_set_until_unload(void **state)
{
    (void)state;
    srv v;
    start_with_module_command(&v);
    redisContext *c = v.c;
    expect_str(c, "OK", "CONFIG SET slowlog-max-len 77");
    expect_str(c, "OK", "MODULE LOAD %s", tmod("goodmod"));
    expect_str(c, "77", "GOODMOD.WATCHED");
    expect_str(c, "OK", "CONFIG SET slowlog-max-len 5");
    expect_str(c, "5", "GOODMOD.WATCHED");
    /* A refused value changes nothing. */
    redisReply *r = redisCommand(c, "CONFIG SET slowlog-max-len -1");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ERROR);
    freeReplyObject(r);
    expect_str(c, "5", "GOODMOD.WATCHED");
    expect_str(c, "OK", "MODULE UNLOAD goodmod");
    expect_str(c, "OK", "CONFIG SET slowlog-max-len 9");
    expect_str(c, "OK", "MODULE LOAD %s", tmod("goodmod"));
    expect_str(c, "9", "GOODMOD.WATCHED");
    expect_str(c, "OK", "MODULE UNLOAD goodmod");
    expect_str(c, "OK", "CONFIG SET slowlog-max-len 128");
    stop(&v);
}

static void module_unload_refusals(void **state)
{
    (void)state;
    srv v;
    start_with_module_command(&v);
    redisContext *c = v.c;
    expect_error(c, "ERR Error unloading module: no such module with that name",
                 "MODULE UNLOAD nosuch");
    /* Without on_unload a module stays. */
    expect_str(c, "OK", "MODULE LOAD %s", tmod("goodmod_nounload"));
    expect_error(c, "ERR Error unloading module: the module has no unload hook",
                 "MODULE UNLOAD goodmod_nounload");
    assert_true(module_listed(c, "goodmod_nounload"));
    expect_error(c, "ERR Error unloading module: the module has no unload hook",
                 "MODULE UNLOAD admin");

    /* Not while a client is blocked in one of its commands. */
    expect_str(c, "OK", "MODULE LOAD %s", tmod("goodmod"));
    redisContext *waiter = conn(&v.s);
    assert_int_equal(redisAppendCommand(waiter, "GOODMOD.WAIT q 0"), REDIS_OK);
    int done = 0;
    assert_int_equal(redisBufferWrite(waiter, &done), REDIS_OK);
    usleep(200000);
    expect_error_prefix(c, "ERR Error unloading module: ", "MODULE UNLOAD goodmod");
    assert_true(module_listed(c, "goodmod"));
    expect_str(c, "OK", "GOODMOD.SET q served");
    redisReply *r = NULL;
    assert_int_equal(redisGetReply(waiter, (void **)&r), REDIS_OK);
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    assert_string_equal(r->str, "served");
    freeReplyObject(r);
    redisFree(waiter);
    expect_str(c, "OK", "MODULE UNLOAD goodmod");
    stop(&v);
}

static void module_load_refusals_leave_nothing_behind(void **state)
{
    (void)state;
    static const char *const bad[] = {"bad_noentry", "bad_abi_major", "bad_abi_minor",
                                      "bad_magic",   "bad_initfail",  "bad_dupcmd",
                                      "bad_dupname", "bad_metadata"};
    srv v;
    start_with_module_command(&v);
    redisContext *c = v.c;
    long long before = has_command(c, "COMMAND") ? get_int(c, "COMMAND COUNT") : -1;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_error(c, "ERR Error loading the extension. Please check the server logs.",
                     "MODULE LOAD %s", tmod(bad[i]));
    expect_error(c, "ERR Error loading the extension. Please check the server logs.",
                 "MODULE LOAD %s/none.so", tmods);
    /* Commands registered before on_load failed are gone again. */
    expect_error(c,
                 "ERR unknown command 'badinit.ping', with args beginning with: ", "badinit.ping");
    expect_error(c, "ERR unknown command 'get', with args beginning with: 'x' ", "get x");
    expect_str(c, "PONG", "PING");
    if (before >= 0)
        assert_int_equal(get_int(c, "COMMAND COUNT"), before);
    /* The same module twice. */
    expect_str(c, "OK", "MODULE LOAD %s", tmod("goodmod"));
    expect_error(c, "ERR Error loading the extension. Please check the server logs.",
                 "MODULE LOAD %s", tmod("goodmod"));
    /* The server log says which and why. */
    char *log = hs_read_log(&v.s);
    assert_non_null(log);
    char want[2048];
    snprintf(want, sizeof want,
             "module bad_abi_major (%s): built for ABI %d.0, server provides %d.%d",
             tmod("bad_abi_major"), MODIS_ABI_MAJOR + 1, MODIS_ABI_MAJOR, MODIS_ABI_MINOR);
    if (!strstr(log, want))
        fail_msg("want '%s' in the log:\n%s", want, log);
    snprintf(want, sizeof want,
             "module bad_dupcmd (%s): command 'ping' is already registered by module admin",
             tmod("bad_dupcmd"));
    if (!strstr(log, want))
        fail_msg("want '%s' in the log:\n%s", want, log);
    snprintf(want, sizeof want,
             "module goodmod (%s): a module named 'goodmod' is already loaded from %s",
             tmod("goodmod"), tmod("goodmod"));
    if (!strstr(log, want))
        fail_msg("want '%s' in the log:\n%s", want, log);
    free(log);
    stop(&v);
}

static void module_load_is_refused_unless_enabled(void **state)
{
    (void)state;
    hserver s;
    assert_int_equal(hs_start_modis(&s, NULL, "[{\"name\": \"admin\"}]"), 0);
    redisContext *c = conn(&s);
    if (!has_command(c, "MODULE")) {
        redisFree(c);
        hs_stop(&s);
        skip();
    }
    expect_error(
        c,
        "ERR MODULE command not allowed. If the enable-module-command option is set to "
        "\"local\", you can run it from a local connection, otherwise you need to set this "
        "option in the configuration file, and then restart the server.",
        "MODULE LOAD %s", tmod("goodmod"));
    redisFree(c);
    assert_int_equal(hs_stop(&s), 0);
}

/* A module's log lines carry its own name, also when it is loaded and
 * unloaded at run time from a command of the admin module. */
static void module_log_lines_name_the_module_at_run_time(void **state)
{
    (void)state;
    srv v;
    start_with_module_command(&v);
    expect_str(v.c, "OK", "MODULE LOAD %s", tmod("goodmod"));
    expect_str(v.c, "OK", "MODULE UNLOAD goodmod");
    char *log = hs_read_log(&v.s);
    assert_non_null(log);
    if (!strstr(log, "module goodmod: loaded (ABI ") || !strstr(log, "module goodmod: unloading"))
        fail_msg("want 'module goodmod: loaded (ABI ...' and 'module goodmod: unloading' in:\n%s",
                 log);
    free(log);
    stop(&v);
}

/* ---- COMMAND and INFO for disabled and renamed commands ----------------------------------- */

static void command_info_is_null_for_disabled_and_removed_commands(void **state)
{
    (void)state;
    hserver s;
    assert_int_equal(hs_start_modis(&s, NULL,
                                    "[{\"name\": \"admin\", \"rename-commands\": "
                                    "{\"flushall\": \"x-flushall\", \"dbsize\": \"\"}},"
                                    " {\"name\": \"keys\", \"disabled-commands\": [\"keys\"]}]"),
                     0);
    redisContext *c = conn(&s);
    if (!has_command(c, "COMMAND")) {
        redisFree(c);
        hs_stop(&s);
        skip();
    }
    /* What Redis 7.0.15 replies for a name it does not know. */
    static const char null_info[] = "*1\r\n$-1\r\n";
    static const char *const gone[] = {"keys", "dbsize", "flushall", "no-such-command"};
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++) {
        char *argv[] = {"COMMAND", "INFO", (char *)gone[i]};
        size_t len;
        char *r = raw(s.port, &len, 3, argv);
        if (len != sizeof null_info - 1 || memcmp(r, null_info, len) != 0)
            fail_msg("COMMAND INFO %s: want %s, got %s", gone[i], hs_escape(null_info, 9),
                     hs_escape(r, len));
        free(r);
        char *dargv[] = {"COMMAND", "DOCS", (char *)gone[i]};
        r = raw(s.port, &len, 3, dargv);
        if (len != 4 || memcmp(r, "*0\r\n", 4) != 0)
            fail_msg("COMMAND DOCS %s: want an empty map, got %s", gone[i], hs_escape(r, len));
        free(r);
    }
    /* The renamed command is there under its new name. */
    redisReply *r = hs_cmd(c, "COMMAND INFO x-flushall");
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 1);
    assert_int_equal(r->element[0]->type, REDIS_REPLY_ARRAY);
    freeReplyObject(r);
    /* COMMAND COUNT and COMMAND LIST agree and leave the removed ones out. */
    long long count = get_int(c, "COMMAND COUNT");
    r = hs_cmd(c, "COMMAND LIST");
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    long long top = 0; /* COMMAND LIST names subcommands too, as container|sub */
    for (size_t i = 0; i < r->elements; i++)
        top += strchr(r->element[i]->str, '|') == NULL;
    assert_int_equal(top, count);
    for (size_t i = 0; i < r->elements; i++)
        for (size_t j = 0; j < 3; j++)
            if (strcasecmp(r->element[i]->str, gone[j]) == 0)
                fail_msg("COMMAND LIST offers %s", gone[j]);
    freeReplyObject(r);
    if (has_command(c, "INFO")) {
        /* Rejected calls of removed commands leave no trace in commandstats. */
        freeReplyObject(hs_cmd(c, "KEYS *"));
        freeReplyObject(hs_cmd(c, "DBSIZE"));
        expect_str(c, "OK", "X-FLUSHALL");
        r = hs_cmd(c, "INFO commandstats");
        assert_int_equal(r->type, REDIS_REPLY_STRING);
        if (strstr(r->str, "cmdstat_keys:") || strstr(r->str, "cmdstat_dbsize:"))
            fail_msg("commandstats reports a removed command:\n%s", r->str);
        /* Redis names a renamed command by its original name; either is fine
         * as long as the call is counted. */
        if (!strstr(r->str, "flushall:calls=1,"))
            fail_msg("commandstats lacks the renamed flushall call:\n%s", r->str);
        freeReplyObject(r);
    }
    redisFree(c);
    assert_int_equal(hs_stop(&s), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_segfault_in_a_module_writes_a_crash_report_naming_it),
        cmocka_unit_test(sigbus_sigfpe_and_abort_in_a_module_write_a_crash_report),
        cmocka_unit_test(module_load_and_unload_round_trip),
        cmocka_unit_test(config_watch_follows_config_set_until_unload),
        cmocka_unit_test(module_unload_refusals),
        cmocka_unit_test(module_load_refusals_leave_nothing_behind),
        cmocka_unit_test(module_load_is_refused_unless_enabled),
        cmocka_unit_test(module_log_lines_name_the_module_at_run_time),
        cmocka_unit_test(command_info_is_null_for_disabled_and_removed_commands),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
