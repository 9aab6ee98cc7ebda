/* test_clients.c: unmodified clients against modis: redis-benchmark, redis-cli (batch modes and
 * interactive via tmux), redis-py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static int have_tool(const char *name)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

/* Runs a shell command line; returns its exit status and its output
 * (stdout and stderr) in a malloc'd string. */
static int run(char **out, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    char full[2100];
    snprintf(full, sizeof full, "%s 2>&1", line);
    FILE *p = popen(full, "r");
    assert_non_null(p);
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 1024) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    buf[len] = '\0';
    int st = pclose(p);
    *out = buf;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int setup(void **state)
{
    hserver *s = calloc(1, sizeof *s);
    if (hs_start_modis(s, NULL, NULL) < 0)
        return -1;
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    hserver *s = *state;
    int rc = hs_stop(s);
    free(s);
    return rc == 0 ? 0 : -1;
}

static void flush(const hserver *s)
{
    redisContext *c = hs_connect(s);
    assert_non_null(c);
    redisReply *r = redisCommand(c, "FLUSHALL");
    assert_non_null(r);
    freeReplyObject(r);
    redisFree(c);
}

static void redis_benchmark_runs_without_errors(void **state)
{
    hserver *s = *state;
    if (!have_tool("redis-benchmark"))
        skip();
    char *out;
    /* It reads CONFIG GET save / appendonly first and exits on any error reply. */
    int rc = run(&out,
                 "redis-benchmark -h 127.0.0.1 -p %d -n 300 -c 4 -q "
                 "-t ping,set,get,incr,lpush,rpush,lpop,rpop,lrange,mset",
                 s->port);
    if (rc != 0 || strstr(out, "rror") || !strstr(out, "MSET (10 keys):"))
        fail_msg("redis-benchmark exited %d:\n%s", rc, out);
    assert_non_null(strstr(out, "PING_INLINE:"));
    assert_non_null(strstr(out, "LRANGE_600 (first 600 elements):"));
    free(out);
    /* Pipelined requests too. */
    rc = run(&out, "redis-benchmark -h 127.0.0.1 -p %d -n 1000 -P 16 -q -t set,get", s->port);
    if (rc != 0 || strstr(out, "rror"))
        fail_msg("redis-benchmark -P 16 exited %d:\n%s", rc, out);
    free(out);
    flush(s);
}

static void redis_cli_pipe_mass_insert(void **state)
{
    hserver *s = *state;
    if (!have_tool("redis-cli"))
        skip();
    char path[] = "/tmp/modis-pipe-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    for (int i = 0; i < 2000; i++) {
        char k[32], v[32];
        int kl = snprintf(k, sizeof k, "pipe:%d", i), vl = snprintf(v, sizeof v, "v%d", i);
        fprintf(f, "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", kl, k, vl, v);
    }
    fprintf(f, "*2\r\n$5\r\nRPUSH\r\n$4\r\nlist\r\n");
    fclose(f);
    char *out;
    /* The last line is malformed on purpose: RPUSH with too few arguments. */
    int rc = run(&out, "redis-cli -p %d --pipe < %s", s->port, path);
    unlink(path);
    if (rc != 0 && rc != 1)
        fail_msg("redis-cli --pipe exited %d:\n%s", rc, out);
    if (!strstr(out, "errors: 0, replies: 2000") && !strstr(out, "errors: 1, replies: 2001"))
        fail_msg("redis-cli --pipe:\n%s", out);
    free(out);
    rc = run(&out, "redis-cli -p %d DBSIZE", s->port);
    assert_int_equal(rc, 0);
    assert_string_equal(out, "2000\n");
    free(out);
    flush(s);
}

static void redis_cli_scan_bigkeys_and_db_selection(void **state)
{
    hserver *s = *state;
    if (!have_tool("redis-cli"))
        skip();
    char *out;
    assert_int_equal(run(&out, "redis-cli -p %d MSET user:1 a user:2 bb other:1 ccc", s->port), 0);
    free(out);
    assert_int_equal(run(&out, "redis-cli -p %d RPUSH biglist 1 2 3 4 5", s->port), 0);
    free(out);
    assert_int_equal(run(&out, "redis-cli -p %d --scan --pattern 'user:*' | sort", s->port), 0);
    assert_string_equal(out, "user:1\nuser:2\n");
    free(out);
    assert_int_equal(run(&out, "redis-cli -p %d --bigkeys", s->port), 0);
    if (!strstr(out, "Biggest   list found '\"biglist\"' has 5 items") ||
        !strstr(out, "Biggest string found '\"other:1\"' has 3 bytes") ||
        !strstr(out, "Sampled 4 keys in the keyspace!"))
        fail_msg("redis-cli --bigkeys:\n%s", out);
    free(out);
    /* -n selects the database for the whole session. */
    assert_int_equal(run(&out, "redis-cli -p %d -n 5 SET only:in:5 yes", s->port), 0);
    assert_string_equal(out, "OK\n");
    free(out);
    assert_int_equal(run(&out, "redis-cli -p %d -n 5 GET only:in:5", s->port), 0);
    assert_string_equal(out, "yes\n");
    free(out);
    assert_int_equal(run(&out, "redis-cli -p %d -n 0 EXISTS only:in:5", s->port), 0);
    assert_string_equal(out, "0\n");
    free(out);
    assert_int_equal(run(&out, "redis-cli -p %d -n 99 PING", s->port), 0);
    assert_non_null(strstr(out, "DB index is out of range"));
    free(out);
    /* --latency without a TTY samples for a second and prints one line. */
    assert_int_equal(run(&out, "redis-cli -p %d --latency --raw", s->port), 0);
    int mn, mx, samples;
    double avg;
    if (sscanf(out, "%d %d %lf %d", &mn, &mx, &avg, &samples) != 4 || samples < 1)
        fail_msg("redis-cli --latency:\n%s", out);
    free(out);
    flush(s);
}

static void redis_cli_password_option(void **state)
{
    hserver *s = *state;
    if (!have_tool("redis-cli"))
        skip();
    char *out;
    assert_int_equal(run(&out, "redis-cli -p %d CONFIG SET requirepass cli-pw", s->port), 0);
    free(out);
    assert_int_equal(run(&out, "redis-cli -p %d -a cli-pw --no-auth-warning PING", s->port), 0);
    assert_string_equal(out, "PONG\n");
    free(out);
    assert_int_equal(run(&out,
                         "redis-cli -p %d --user default --pass cli-pw --no-auth-warning "
                         "-n 2 PING",
                         s->port),
                     0);
    assert_string_equal(out, "PONG\n");
    free(out);
    run(&out, "redis-cli -p %d -a wrong --no-auth-warning PING", s->port);
    assert_non_null(strstr(out, "WRONGPASS invalid username-password pair"));
    assert_non_null(strstr(out, "NOAUTH Authentication required."));
    free(out);
    run(&out, "redis-cli -p %d PING", s->port);
    assert_non_null(strstr(out, "NOAUTH Authentication required."));
    free(out);
    assert_int_equal(
        run(&out, "redis-cli -p %d -a cli-pw --no-auth-warning CONFIG SET requirepass ''", s->port),
        0);
    assert_string_equal(out, "OK\n");
    free(out);
}

/* Waits until the tmux pane shows want (up to ~3 s); returns the pane text. */
static char *pane_wait(const char *sock, const char *want)
{
    char *out = NULL;
    for (int i = 0; i < 30; i++) {
        free(out);
        run(&out, "tmux -L %s capture-pane -p -t t", sock);
        if (strstr(out, want))
            return out;
        usleep(100 * 1000);
    }
    fail_msg("tmux pane never showed '%s':\n%s", want, out);
    return out;
}

static void redis_cli_interactive_hints_from_command_docs(void **state)
{
    hserver *s = *state;
    if (!have_tool("redis-cli") || !have_tool("tmux"))
        skip();
    char sock[64], *out;
    snprintf(sock, sizeof sock, "modis-admin-%d", (int)getpid());
    assert_int_equal(
        run(&out, "tmux -L %s new-session -d -s t -x 220 -y 50 'redis-cli -p %d'", sock, s->port),
        0);
    free(out);
    char prompt[64];
    snprintf(prompt, sizeof prompt, "127.0.0.1:%d>", s->port);
    free(pane_wait(sock, prompt));
    /* Hints come from COMMAND DOCS: redis-cli 7.0 has no built-in hint for
     * CLIENT NO-TOUCH, so seeing one proves the reply was parsed. */
    static const struct {
        const char *typed, *hint;
    } cases[] = {
        {"SET k ", "value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|"},
        {"LPOP ", "key [count]"},
        {"BLPOP ", "key [key ...] timeout"},
        {"CLIENT NO-TOUCH ", "ON|OFF"},
        {"CONFIG SET ", "parameter value [parameter value ...]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run(&out, "tmux -L %s send-keys -t t C-u '%s'", sock, cases[i].typed);
        free(out);
        free(pane_wait(sock, cases[i].hint));
    }
    run(&out, "tmux -L %s send-keys -t t C-u 'ECHO hello-from-tmux' Enter", sock);
    free(out);
    free(pane_wait(sock, "\"hello-from-tmux\""));
    /* --stat needs a terminal to print as it goes. It runs under a tmux server
     * of its own: a new session on the socket of one just killed may find that
     * server still going away and fail. */
    run(&out, "tmux -L %s send-keys -t t C-u 'QUIT' Enter", sock);
    free(out);
    run(&out, "tmux -L %s kill-server", sock);
    free(out);
    snprintf(sock, sizeof sock, "modis-admin-stat-%d", (int)getpid());
    assert_int_equal(run(&out,
                         "tmux -L %s new-session -d -s t -x 220 -y 50 "
                         "'redis-cli -p %d --stat -i 0.2'",
                         sock, s->port),
                     0);
    free(out);
    char *pane = pane_wait(sock, "------- data ------");
    free(pane);
    pane = pane_wait(sock, "keys       mem      clients blocked requests");
    assert_null(strstr(pane, "ERR"));
    free(pane);
    run(&out, "tmux -L %s kill-server", sock);
    free(out);
}

/* The redis-py checks, run by a Python that has the module. */
static const char redis_py_script[] =
    "import sys, redis\n"
    "r = redis.Redis(host='127.0.0.1', port=int(sys.argv[1]), db=2, client_name='pytest')\n"
    "assert r.ping() is True\n"
    "assert r.flushdb() is True\n"
    "assert r.set('a', '1') is True\n"
    "assert r.get('a') == b'1'\n"
    "assert r.incr('a') == 2\n"
    "assert r.rpush('l', 'x', 'y') == 2\n"
    "assert r.lrange('l', 0, -1) == [b'x', b'y']\n"
    "assert r.client_getname() == 'pytest'\n"
    "assert any(c['name'] == 'pytest' and c['db'] == '2' for c in r.client_list())\n"
    "assert r.client_id() > 0\n"
    "info = r.info()\n"
    "assert info['redis_version'] == '7.0.15' and info['connected_clients'] >= 1\n"
    "assert r.info('keyspace')['db2']['keys'] == 2\n"
    "assert r.config_set('timeout', 0) is True\n"
    "assert r.config_get('timeout') == {'timeout': '0'}\n"
    "assert r.dbsize() == 2\n"
    "assert len(r.time()) == 2\n"
    "p = r.pipeline()\n"
    "p.set('b', '2').incr('b').get('b').lpop('l')\n"
    "assert p.execute() == [True, 3, b'3', b'x']\n"
    "p = r.pipeline(transaction=False)\n"
    "p.echo('e').ping().exists('a', 'b', 'zz')\n"
    "assert p.execute() == [b'e', True, 2]\n"
    "try:\n"
    "    r.execute_command('NOSUCH')\n"
    "    raise SystemExit('no error')\n"
    "except redis.ResponseError as e:\n"
    "    assert 'unknown command' in str(e)\n"
    "with r.pipeline() as p:\n"
    "    p.watch('a')\n"
    "    p.multi()\n"
    "    p.set('a', '9')\n"
    "    assert p.execute() == [True]\n"
    "assert r.get('a') == b'9'\n"
    "assert r.flushdb() is True and r.dbsize() == 0\n"
    "print('redis-py', redis.__version__, 'OK')\n";

static void redis_py_plain_commands_and_pipelines(void **state)
{
    hserver *s = *state;
    static const char *const pythons[] = {"/usr/bin/python3", "python3", NULL};
    const char *py = NULL;
    char *out;
    for (int i = 0; pythons[i] && !py; i++) {
        if (run(&out, "%s -c 'import redis'", pythons[i]) == 0)
            py = pythons[i];
        free(out);
    }
    if (!py)
        skip();
    char path[] = "/tmp/modis-redis-py-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, redis_py_script, sizeof redis_py_script - 1),
                     (ssize_t)(sizeof redis_py_script - 1));
    close(fd);
    int rc = run(&out, "%s %s %d", py, path, s->port);
    unlink(path);
    if (rc != 0 || !strstr(out, " OK"))
        fail_msg("redis-py script exited %d:\n%s", rc, out);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(redis_benchmark_runs_without_errors),
        cmocka_unit_test(redis_cli_pipe_mass_insert),
        cmocka_unit_test(redis_cli_scan_bigkeys_and_db_selection),
        cmocka_unit_test(redis_cli_password_option),
        cmocka_unit_test(redis_cli_interactive_hints_from_command_docs),
        cmocka_unit_test(redis_py_plain_commands_and_pipelines),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
