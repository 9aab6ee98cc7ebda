/* test_config.c: unit tests for the JSON config, overrides and CONFIG GET/SET (core/config.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "server.h"

/* main.c is not linked: the global the core reads lives here. */
server_state server;

/* The temp config file of the current test (removed in teardown). */
static char path[256];

static int setup(void **state)
{
    (void)state;
    config_defaults();
    path[0] = '\0';
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (path[0])
        unlink(path);
    config_free();
    config_defaults();
    return 0;
}

/* Writes text to a fresh temp file; its name is left in path. */
static const char *write_config(const char *text)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/modis-test-config-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

/* Loads text as a config file; returns config_load_file's result, the message in err. */
static int load(const char *text, char *err, size_t errlen)
{
    err[0] = '\0';
    return config_load_file(write_config(text), err, errlen);
}

/* Asserts the error message is exactly "<path><rest>". */
static void assert_error_is(const char *err, const char *rest)
{
    char want[1024];
    snprintf(want, sizeof want, "%s%s", path, rest);
    assert_string_equal(err, want);
}

/* CONFIG GET collection. */
typedef struct got {
    int n;
    char names[64][64];
    char values[64][128];
} got;

static void collect(void *priv, const char *name, const char *value)
{
    got *g = priv;
    assert_true(g->n < 64);
    snprintf(g->names[g->n], sizeof g->names[0], "%s", name);
    snprintf(g->values[g->n], sizeof g->values[0], "%s", value);
    g->n++;
}

/* The value CONFIG GET shows for name (exactly one match expected). */
static const char *get1(const char *name)
{
    static got g;
    memset(&g, 0, sizeof g);
    config_get_matching(name, collect, &g);
    assert_int_equal(g.n, 1);
    return g.values[0];
}

static void defaults_match_redis_defaults(void **state)
{
    (void)state;
    assert_int_equal(server.cfg.port, 6379);
    assert_int_equal(server.cfg.databases, 16);
    assert_int_equal(server.cfg.maxclients, 10000);
    assert_int_equal(server.cfg.maxmemory, 0);
    assert_int_equal(server.cfg.hz, 10);
    assert_int_equal(server.cfg.tcp_backlog, 511);
    assert_int_equal(server.cfg.proto_max_bulk_len, 512LL * 1024 * 1024);
    assert_int_equal(server.cfg.slowlog_log_slower_than, 10000);
    assert_string_equal(server.cfg.bind, "127.0.0.1");
    assert_string_equal(server.cfg.requirepass, "");
    assert_string_equal(get1("maxmemory-policy"), "noeviction");
    assert_string_equal(get1("appendonly"), "no");
    assert_string_equal(get1("loglevel"), "notice");
    assert_string_equal(get1("list-max-listpack-size"), "-2");
}

static void valid_file_sets_every_listed_parameter(void **state)
{
    (void)state;
    char err[512];
    int rc = load("{\n"
                  "  \"port\": 7001,\n"
                  "  \"maxclients\": 50,\n"
                  "  \"maxmemory\": \"100mb\",\n"
                  "  \"maxmemory-policy\": \"allkeys-lru\",\n"
                  "  \"loglevel\": \"warning\",\n"
                  "  \"requirepass\": \"sekrit\",\n"
                  "  \"unixsocketperm\": \"700\",\n"
                  "  \"slowlog-log-slower-than\": -1,\n"
                  "  \"modules\": [ { \"name\": \"admin\", \"config\": { \"x\": 1 } } ]\n"
                  "}\n",
                  err, sizeof err);
    if (rc != 0)
        fail_msg("load failed: %s", err);
    assert_int_equal(server.cfg.port, 7001);
    assert_int_equal(server.cfg.maxclients, 50);
    assert_int_equal(server.cfg.maxmemory, 100LL * 1024 * 1024);
    assert_int_equal(server.cfg.loglevel, 3);
    assert_int_equal(server.cfg.unixsocketperm, 0700);
    assert_int_equal(server.cfg.slowlog_log_slower_than, -1);
    assert_string_equal(server.cfg.requirepass, "sekrit");
    assert_string_equal(get1("maxmemory-policy"), "allkeys-lru");
    assert_string_equal(get1("unixsocketperm"), "700");
    /* Unlisted parameters keep their defaults. */
    assert_int_equal(server.cfg.databases, 16);
    assert_int_equal(server.cfg.hz, 10);
}

static void memory_values_take_integers_and_redis_unit_suffixes(void **state)
{
    (void)state;
    char err[512];
    assert_int_equal(load("{\"maxmemory\": 1048576}", err, sizeof err), 0);
    assert_int_equal(server.cfg.maxmemory, 1048576);
    unlink(path);

    const struct {
        const char *text;
        long long want;
    } cases[] = {
        {"123", 123},       {"5b", 5},
        {"2k", 2000},       {"2kb", 2048},
        {"3m", 3000000},    {"3MB", 3LL * 1024 * 1024},
        {"1g", 1000000000}, {"1Gb", 1024LL * 1024 * 1024},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (config_apply_override("maxmemory", cases[i].text, err, sizeof err) != 0)
            fail_msg("maxmemory %s: %s", cases[i].text, err);
        assert_int_equal(server.cfg.maxmemory, cases[i].want);
    }
    const char *bad[] = {"", "-1", "1x", "10 mb", "mb", "1.5mb", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (config_apply_override("maxmemory", bad[i], err, sizeof err) == 0)
            fail_msg("maxmemory '%s' was accepted", bad[i]);
        assert_non_null(strstr(err, "argument must be a memory value"));
    }
    /* Overflow of value * unit is refused too. */
    assert_int_equal(config_apply_override("maxmemory", "9000000000gb", err, sizeof err), -1);
    assert_int_equal(server.cfg.maxmemory, 1024LL * 1024 * 1024);
}

static void json_syntax_error_names_path_line_and_column(void **state)
{
    (void)state;
    char err[512];
    int rc = load("{\n"
                  "  \"port\": 7002,\n"
                  "  \"maxclients\" 10\n"
                  "}\n",
                  err, sizeof err);
    assert_int_equal(rc, -1);
    size_t plen = strlen(path);
    assert_memory_equal(err, path, plen);
    int line = 0, col = 0, used = 0;
    assert_int_equal(sscanf(err + plen, ":%d:%d: %n", &line, &col, &used), 2);
    assert_int_equal(line, 3);
    assert_true(col > 0);
    assert_true(used > 0 && err[plen + (size_t)used] != '\0');
    /* Nothing was applied. */
    assert_int_equal(server.cfg.port, 6379);
}

static void duplicate_keys_are_a_syntax_error(void **state)
{
    (void)state;
    char err[512];
    assert_int_equal(load("{\n\"port\": 1,\n\"port\": 2\n}\n", err, sizeof err), -1);
    size_t plen = strlen(path);
    assert_memory_equal(err, path, plen);
    assert_memory_equal(err + plen, ":3:", 3);
    assert_non_null(strstr(err, "duplicate"));
}

static void missing_file_and_non_object_documents_are_refused(void **state)
{
    (void)state;
    char err[512];
    assert_int_equal(config_load_file("/nonexistent/modis.json", err, sizeof err), -1);
    assert_memory_equal(err, "/nonexistent/modis.json: ", 25);

    assert_int_equal(load("[1, 2]", err, sizeof err), -1);
    assert_error_is(err, ": the config must be a JSON object");
}

static void unknown_top_level_key_is_named_with_its_line(void **state)
{
    (void)state;
    char err[512];
    int rc = load("{\n"
                  "  \"port\": 7003,\n"
                  "\n"
                  "  \"no-such-setting\": 3\n"
                  "}\n",
                  err, sizeof err);
    assert_int_equal(rc, -1);
    assert_error_is(err, ":4: unknown setting 'no-such-setting'");
}

static void module_entry_with_an_unknown_key_is_refused(void **state)
{
    (void)state;
    char err[512];
    int rc = load("{\n"
                  "  \"modules\": [\n"
                  "    { \"name\": \"admin\" },\n"
                  "    { \"name\": \"keys\",\n"
                  "      \"colour\": \"red\" }\n"
                  "  ]\n"
                  "}\n",
                  err, sizeof err);
    assert_int_equal(rc, -1);
    assert_error_is(err, ":5: modules[1]: unknown key 'colour' (expected name, path, enabled, "
                         "config, disabled-commands, rename-commands)");
}

static void malformed_module_entries_are_refused_with_the_reason(void **state)
{
    (void)state;
    const struct {
        const char *json;
        const char *rest;
    } cases[] = {
        {"{\"modules\": {}}", ":1: \"modules\" must be an array"},
        {"{\"modules\": [3]}", ": modules[0] must be an object"},
        {"{\"modules\": [{\"enabled\": true}]}",
         ": modules[0] needs a \"name\" or a \"path\" string"},
        {"{\"modules\": [{\"name\": \"a\", \"enabled\": 1}]}",
         ": modules[0]: \"enabled\" must be true or false"},
        {"{\"modules\": [{\"name\": \"a\", \"config\": []}]}",
         ": modules[0]: \"config\" must be an object"},
        {"{\"modules\": [{\"name\": \"a\", \"disabled-commands\": [\"get\", 1]}]}",
         ": modules[0]: \"disabled-commands\" must be an array of strings"},
        {"{\"modules\": [{\"name\": \"a\", \"rename-commands\": {\"get\": 2}}]}",
         ": modules[0]: rename-commands.get must be a string"},
    };
    char err[512];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(load(cases[i].json, err, sizeof err), -1);
        assert_error_is(err, cases[i].rest);
        unlink(path);
    }
}

static void wrong_value_types_get_redis_reasons(void **state)
{
    (void)state;
    const struct {
        const char *json;
        const char *rest;
    } cases[] = {
        {"{\n\"port\": \"abc\"\n}",
         ":2: setting 'port': argument couldn't be parsed into an integer"},
        {"{\n\"port\": 70000\n}",
         ":2: setting 'port': argument must be between 0 and 65535 inclusive"},
        {"{\"port\": [1]}", ":1: setting 'port' must be a string, a number or a boolean"},
        {"{\"port\": null}", ":1: setting 'port' must be a string, a number or a boolean"},
        {"{\"maxmemory\": \"lots\"}", ":1: setting 'maxmemory': argument must be a memory value"},
        {"{\"hz\": 0}", ":1: setting 'hz': argument must be between 1 and 500 inclusive"},
        {"{\"appendonly\": \"maybe\"}", ":1: setting 'appendonly': argument must be 'yes' or 'no'"},
        {"{\"maxmemory-policy\": \"lru\"}",
         ":1: setting 'maxmemory-policy': argument(s) must be one of the following: volatile-lru, "
         "volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
         "noeviction"},
        {"{\"unixsocketperm\": \"8\"}",
         ":1: setting 'unixsocketperm': argument couldn't be parsed into an integer"},
    };
    char err[512];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(load(cases[i].json, err, sizeof err), -1);
        assert_error_is(err, cases[i].rest);
        unlink(path);
    }
    assert_int_equal(server.cfg.port, 6379);
    assert_int_equal(server.cfg.hz, 10);
}

static void json_booleans_set_yes_no_parameters(void **state)
{
    (void)state;
    char err[512];
    assert_int_equal(load("{\"appendonly\": true}", err, sizeof err), 0);
    assert_string_equal(get1("appendonly"), "yes");
    unlink(path);
    assert_int_equal(
        load("{\"appendonly\": false, \"enable-debug-command\": \"local\"}", err, sizeof err), 0);
    assert_string_equal(get1("appendonly"), "no");
    assert_int_equal(server.cfg.enable_debug_command, 2);
}

static void override_sets_a_parameter_by_case_insensitive_name(void **state)
{
    (void)state;
    char err[512];
    assert_int_equal(config_apply_override("port", "7000", err, sizeof err), 0);
    assert_int_equal(server.cfg.port, 7000);
    assert_int_equal(config_apply_override("DataBases", "4", err, sizeof err), 0);
    assert_int_equal(server.cfg.databases, 4);
    assert_int_equal(config_apply_override("bind", "0.0.0.0", err, sizeof err), 0);
    assert_string_equal(server.cfg.bind, "0.0.0.0");

    assert_int_equal(config_apply_override("nosuch", "1", err, sizeof err), -1);
    assert_string_equal(err, "unknown setting '--nosuch'");
    assert_int_equal(config_apply_override("port", "x", err, sizeof err), -1);
    assert_string_equal(err, "--port x: argument couldn't be parsed into an integer");
    assert_int_equal(config_apply_override("databases", "0", err, sizeof err), -1);
    assert_string_equal(err, "--databases 0: argument must be between 1 and 2147483647 inclusive");
    assert_int_equal(server.cfg.port, 7000);
    assert_int_equal(server.cfg.databases, 4);
}

static void get_matching_globs_names_case_insensitively(void **state)
{
    (void)state;
    got g = {0};
    config_get_matching("max*", collect, &g);
    assert_int_equal(g.n, 5);
    assert_string_equal(g.names[0], "maxclients");
    assert_string_equal(g.values[0], "10000");
    assert_string_equal(g.names[1], "maxmemory");
    assert_string_equal(g.values[1], "0");
    assert_string_equal(g.names[2], "maxmemory-policy");
    assert_string_equal(g.values[2], "noeviction");
    assert_string_equal(g.names[3], "maxmemory-samples");
    assert_string_equal(g.values[3], "5");
    assert_string_equal(g.names[4], "maxmemory-eviction-tenacity");
    assert_string_equal(g.values[4], "10");

    memset(&g, 0, sizeof g);
    config_get_matching("MAXCLIENTS", collect, &g);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.names[0], "maxclients");

    memset(&g, 0, sizeof g);
    config_get_matching("*-max-*", collect, &g);
    assert_int_equal(g.n, 3);
    assert_string_equal(g.names[0], "proto-max-bulk-len");
    assert_string_equal(g.names[1], "slowlog-max-len");
    assert_string_equal(g.names[2], "list-max-listpack-size");

    memset(&g, 0, sizeof g);
    config_get_matching("[pt]*", collect, &g);
    /* port, tcp-backlog, tcp-keepalive, timeout, pidfile, proto-max-bulk-len */
    assert_int_equal(g.n, 6);

    memset(&g, 0, sizeof g);
    config_get_matching("nosuch*", collect, &g);
    assert_int_equal(g.n, 0);

    memset(&g, 0, sizeof g);
    config_get_matching("*", collect, &g);
    assert_int_equal(g.n, 35); /* every parameter in config.c's table */
}

static void set_param_changes_a_mutable_parameter(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(config_set_param("maxclients", "500", 3, err, sizeof err), 0);
    assert_int_equal(server.cfg.maxclients, 500);
    assert_string_equal(get1("maxclients"), "500");
    /* The name is case-insensitive; the value is taken by length, not NUL. */
    assert_int_equal(config_set_param("MaxClients", "123456", 3, err, sizeof err), 0);
    assert_int_equal(server.cfg.maxclients, 123);
    assert_int_equal(config_set_param("maxmemory", "2mb", 3, err, sizeof err), 0);
    assert_int_equal(server.cfg.maxmemory, 2 * 1024 * 1024);
    assert_int_equal(config_set_param("maxmemory-policy", "ALLKEYS-LFU", 11, err, sizeof err), 0);
    assert_string_equal(get1("maxmemory-policy"), "allkeys-lfu");
    assert_int_equal(config_set_param("requirepass", "pw", 2, err, sizeof err), 0);
    assert_string_equal(server.cfg.requirepass, "pw");
    assert_int_equal(config_set_param("loglevel", "Warning", 7, err, sizeof err), 0);
    assert_int_equal(server.cfg.loglevel, 3);
    assert_string_equal(get1("loglevel"), "warning");
    assert_int_equal(config_set_param("slowlog-max-len", "0", 1, err, sizeof err), 0);
    assert_int_equal(server.cfg.slowlog_max_len, 0);
}

static void set_param_refuses_immutable_and_unknown_names(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(config_set_param("port", "7000", 4, err, sizeof err), -1);
    assert_string_equal(err, "can't set immutable config");
    assert_int_equal(config_set_param("databases", "2", 1, err, sizeof err), -1);
    assert_string_equal(err, "can't set immutable config");
    assert_int_equal(config_set_param("no-such-param", "1", 1, err, sizeof err), -1);
    assert_string_equal(err, "unknown");
    assert_int_equal(server.cfg.port, 6379);
    assert_int_equal(server.cfg.databases, 16);
}

static void io_uring_defaults_to_yes_and_is_fixed_at_startup(void **state)
{
    (void)state;
    char err[512];
    assert_int_equal(server.cfg.io_uring, 1);
    assert_string_equal(get1("io-uring"), "yes");
    assert_int_equal(config_set_param("io-uring", "no", 2, err, sizeof err), -1);
    assert_string_equal(err, "can't set immutable config");
    assert_int_equal(config_apply_override("io-uring", "maybe", err, sizeof err), -1);
    assert_string_equal(err, "--io-uring maybe: argument must be 'yes' or 'no'");
    assert_int_equal(config_apply_override("io-uring", "no", err, sizeof err), 0);
    assert_int_equal(server.cfg.io_uring, 0);
    assert_int_equal(load("{\"io-uring\": true}", err, sizeof err), 0);
    assert_string_equal(get1("io-uring"), "yes");
}

static void busy_poll_defaults_to_20_and_can_be_set_at_runtime(void **state)
{
    (void)state;
    char err[512];
    assert_int_equal(server.cfg.busy_poll_us, 20);
    assert_string_equal(get1("busy-poll-us"), "20");
    assert_int_equal(config_set_param("busy-poll-us", "50", 2, err, sizeof err), 0);
    assert_int_equal(server.cfg.busy_poll_us, 50);
    assert_int_equal(config_set_param("busy-poll-us", "100001", 6, err, sizeof err), -1);
    assert_string_equal(err, "argument must be between 0 and 100000 inclusive");
    assert_int_equal(config_set_param("busy-poll-us", "-1", 2, err, sizeof err), -1);
    assert_int_equal(server.cfg.busy_poll_us, 50);
    assert_int_equal(load("{\"busy-poll-us\": 0}", err, sizeof err), 0);
    assert_int_equal(server.cfg.busy_poll_us, 0);
    assert_int_equal(load("{\"busy-poll-us\": \"often\"}", err, sizeof err), -1);
}

static void set_param_rejects_invalid_values_with_redis_wording(void **state)
{
    (void)state;
    const struct {
        const char *name, *value, *err;
    } cases[] = {
        {"maxclients", "0", "argument must be between 1 and 2147483647 inclusive"},
        {"maxclients", "abc", "argument couldn't be parsed into an integer"},
        {"maxclients", "", "argument couldn't be parsed into an integer"},
        {"maxclients", "12abc", "argument couldn't be parsed into an integer"},
        {"maxclients", "99999999999999999999", "argument couldn't be parsed into an integer"},
        {"timeout", "-1", "argument must be between 0 and 2147483647 inclusive"},
        {"hz", "501", "argument must be between 1 and 500 inclusive"},
        {"slowlog-log-slower-than", "-2",
         "argument must be between -1 and 9223372036854775807 inclusive"},
        {"proto-max-bulk-len", "1000",
         "argument must be between 1048576 and 9223372036854775807 "
         "inclusive"},
        {"maxmemory", "12q", "argument must be a memory value"},
        {"maxmemory-policy", "random",
         "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, "
         "volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction"},
        {"appendonly", "sometimes", "argument must be 'yes' or 'no'"},
        {"appendonly", "yes", "appendonly is not supported by this server yet"},
    };
    char err[512];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err[0] = '\0';
        if (config_set_param(cases[i].name, cases[i].value, strlen(cases[i].value), err,
                             sizeof err) != -1)
            fail_msg("CONFIG SET %s '%s' was accepted", cases[i].name, cases[i].value);
        assert_string_equal(err, cases[i].err);
    }
    assert_int_equal(server.cfg.maxclients, 10000);
    assert_int_equal(server.cfg.hz, 10);
    assert_string_equal(get1("maxmemory-policy"), "noeviction");
    assert_string_equal(get1("appendonly"), "no");
}

static void glob_match_follows_redis_stringmatch(void **state)
{
    (void)state;
    const struct {
        const char *pat, *str;
        int nocase, want;
    } cases[] = {
        {"*", "", 0, 1},
        {"*", "anything", 0, 1},
        {"", "", 0, 1},
        {"", "a", 0, 0},
        {"a*c", "ac", 0, 1},
        {"a*c", "abbbc", 0, 1},
        {"a*c", "abcd", 0, 0},
        {"*a*b", "xaxxb", 0, 1},
        {"a*b*c", "axbxbxc", 0, 1},
        {"a*b*c", "axbxbx", 0, 0},
        {"?", "a", 0, 1},
        {"?", "", 0, 0},
        {"?", "ab", 0, 0},
        {"*?", "", 0, 0},
        {"*?", "a", 0, 1},
        {"h?llo", "hello", 0, 1},
        {"h?llo", "hllo", 0, 0},
        {"h[ae]llo", "hallo", 0, 1},
        {"h[ae]llo", "hillo", 0, 0},
        {"h[^e]llo", "hallo", 0, 1},
        {"h[^e]llo", "hello", 0, 0},
        {"h[a-c]llo", "hbllo", 0, 1},
        {"h[a-c]llo", "hdllo", 0, 0},
        {"[c-a]", "b", 0, 1},
        {"[a-c]", "B", 0, 0},
        {"[a-c]", "B", 1, 1},
        {"[A-C]", "b", 1, 1},
        {"[XY]z", "yZ", 1, 1},
        {"[XY]z", "yz", 0, 0},
        {"[^a]", "a", 0, 0},
        {"[^a]", "b", 0, 1},
        {"\\*", "*", 0, 1},
        {"\\*", "a", 0, 0},
        {"a\\?c", "a?c", 0, 1},
        {"a\\?c", "abc", 0, 0},
        {"[\\]]", "]", 0, 1},
        {"[\\]]", "\\", 0, 0},
        {"MAX*", "maxclients", 1, 1},
        {"MAX*", "maxclients", 0, 0},
        {"max*", "maxclients", 0, 1},
        {"*policy", "maxmemory-policy", 0, 1},
        {"*polic", "maxmemory-policy", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int got_match = config_glob_match(cases[i].pat, strlen(cases[i].pat), cases[i].str,
                                          strlen(cases[i].str), cases[i].nocase);
        if (got_match != cases[i].want)
            fail_msg("glob '%s' against '%s' (nocase %d): got %d, want %d", cases[i].pat,
                     cases[i].str, cases[i].nocase, got_match, cases[i].want);
    }
    /* Lengths are honoured: bytes past plen/slen are not part of the strings. */
    assert_int_equal(config_glob_match("abX", 2, "abY", 2, 0), 1);
    assert_int_equal(config_glob_match("a\0b", 3, "a\0b", 3, 0), 1);
    assert_int_equal(config_glob_match("a\0b", 3, "a\0c", 3, 0), 0);
}

/* Regression: the loglevel error used to list "nothing", a level config.c does not
 * accept (nor does Redis 7.0, whose message ends at "warning"). */
static void loglevel_error_lists_only_the_accepted_levels(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(config_set_param("loglevel", "loud", 4, err, sizeof err), -1);
    assert_string_equal(err, "argument(s) must be one of the following: debug, verbose, notice, "
                             "warning");
}

/* Regression: key_line used to report the first line holding "port" in quotes,
 * here the value of another setting on line 1. */
static void error_line_is_the_line_of_the_key_not_of_an_equal_value(void **state)
{
    (void)state;
    char err[512];
    assert_int_equal(load("{\"requirepass\": \"port\",\n\"port\": \"abc\"}\n", err, sizeof err),
                     -1);
    assert_error_is(err, ":2: setting 'port': argument couldn't be parsed into an integer");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(defaults_match_redis_defaults),
        T(valid_file_sets_every_listed_parameter),
        T(memory_values_take_integers_and_redis_unit_suffixes),
        T(json_syntax_error_names_path_line_and_column),
        T(duplicate_keys_are_a_syntax_error),
        T(missing_file_and_non_object_documents_are_refused),
        T(unknown_top_level_key_is_named_with_its_line),
        T(module_entry_with_an_unknown_key_is_refused),
        T(malformed_module_entries_are_refused_with_the_reason),
        T(wrong_value_types_get_redis_reasons),
        T(json_booleans_set_yes_no_parameters),
        T(override_sets_a_parameter_by_case_insensitive_name),
        T(get_matching_globs_names_case_insensitively),
        T(set_param_changes_a_mutable_parameter),
        T(set_param_refuses_immutable_and_unknown_names),
        T(io_uring_defaults_to_yes_and_is_fixed_at_startup),
        T(busy_poll_defaults_to_20_and_can_be_set_at_runtime),
        T(set_param_rejects_invalid_values_with_redis_wording),
        T(glob_match_follows_redis_stringmatch),
        T(loglevel_error_lists_only_the_accepted_levels),
        T(error_line_is_the_line_of_the_key_not_of_an_equal_value),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
