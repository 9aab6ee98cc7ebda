/* test_loader.c: the module loader's and the JSON config's refusals, and the operator controls, end
 * to end.
 *
 * Each refusal test writes a config (admin by name, plus one broken module
 * from tests/modules by "path"), runs modis-server on it and expects exit
 * status 1 with the exact message on the "modis-server: " line. The operator
 * tests start a real server with "enabled", "disabled-commands" and
 * "rename-commands" and check what clients can call; the last tests run
 * --check-config and --list-commands.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#include <modis/module.h>

/* Paths shared by every test. */
static char dir[256];         /* configs written by the tests */
static char tmods[1024];      /* tests/modules .so files */
static char mods[1024];       /* first-party modules, canonical (as the server names them) */
static char admin_path[1100]; /* mods/admin.so */

static int group_setup(void **state)
{
    (void)state;
    const char *t = getenv("MODIS_TEST_MODULES");
    const char *m = getenv("MODIS_MODULE_DIR");
    char rt[PATH_MAX], rm[PATH_MAX];
    if (!t || !m || !realpath(t, rt) || !realpath(m, rm) || strlen(rt) >= sizeof tmods ||
        strlen(rm) >= sizeof mods) {
        fprintf(stderr, "MODIS_TEST_MODULES and MODIS_MODULE_DIR must name existing directories\n");
        return -1;
    }
    memcpy(tmods, rt, strlen(rt) + 1);
    memcpy(mods, rm, strlen(rm) + 1);
    snprintf(admin_path, sizeof admin_path, "%s/admin.so", mods);
    snprintf(dir, sizeof dir, "/tmp/modis-loader-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- helpers ------------------------------------------------------------------------- */

/* Writes a config file `name` in the test directory; returns its path (static). */
static const char *write_config(const char *name, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static const char *write_config(const char *name, const char *fmt, ...)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%.200s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fclose(f);
    return path;
}

/* The path of test module `name`.so (static, one of two rotating buffers). */
static const char *tmod(const char *name)
{
    static char bufs[2][1100];
    static int i;
    i ^= 1;
    snprintf(bufs[i], sizeof bufs[i], "%s/%s.so", tmods, name);
    return bufs[i];
}

/* True when `line` is a whole line of text. */
static int has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; (p = strstr(p, line)) != NULL; p++) {
        if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
            return 1;
    }
    return 0;
}

/* Runs the server on config and expects exit status 1 with "modis-server: <msg>". */
static void expect_refusal(const char *config, const char *msg)
{
    hserver s;
    int st = hs_run_modis_config(&s, config, 10000);
    char *log = hs_read_log(&s);
    assert_non_null(log);
    char want[8300];
    snprintf(want, sizeof want, "modis-server: %s", msg);
    if (st != 1 || !has_line(log, want))
        fail_msg("exit status %d (want 1); want the line\n  %s\nin the output:\n%s", st, want, log);
    free(log);
    s.log[0] = '\0'; /* nothing left to print: hs_stop only removes the directory */
    hs_stop(&s);
}

/* A config with admin by name and one test module by path (with an optional
 * "config" object); returns the config's path. */
static const char *config_with(const char *module, const char *module_config)
{
    char cfg[300] = "";
    if (module_config)
        snprintf(cfg, sizeof cfg, ", \"config\": %s", module_config);
    return write_config(
        "with.json",
        "{\n  \"modules\": [\n    {\"name\": \"admin\"},\n    {\"path\": \"%s\"%s}\n  ]\n}\n",
        tmod(module), cfg);
}

static redisContext *conn(const hserver *s)
{
    redisContext *c = hs_connect(s);
    assert_non_null(c);
    return c;
}

/* Sends a command and expects an error reply with exactly `err`. */
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

/* Sends a command and expects a status or bulk reply `want`. */
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

static void expect_int(redisContext *c, long long want, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    assert_non_null(r);
    if (r->type != REDIS_REPLY_INTEGER || r->integer != want)
        fail_msg("%s: want :%lld, got type %d '%s' %lld", fmt, want, r->type, r->str ? r->str : "",
                 r->integer);
    freeReplyObject(r);
}

/* The unknown-command error for a command sent without arguments (name as sent). */
static const char *unknown(const char *name)
{
    static char b[256];
    snprintf(b, sizeof b, "ERR unknown command '%s', with args beginning with: ", name);
    return b;
}

/* Runs `modis-server <args>`; returns its exit status with stdout in *out and
 * stderr in *err (malloc'd). */
static int run_server(const char *args, char **out, char **err)
{
    const char *bin = getenv("MODIS_BIN");
    char errpath[600], cmd[8192];
    snprintf(errpath, sizeof errpath, "%s/stderr.txt", dir);
    snprintf(cmd, sizeof cmd, "'%s' %s 2>'%s'", bin ? bin : "./modis-server", args, errpath);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, len = 0, n;
    char *b = malloc(cap);
    while ((n = fread(b + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (len + 1 == cap)
            b = realloc(b, cap *= 2);
    }
    b[len] = '\0';
    int st = pclose(p);
    *out = b;
    FILE *f = fopen(errpath, "r");
    assert_non_null(f);
    char *e = calloc(1, 1 << 16);
    size_t el = fread(e, 1, (1 << 16) - 1, f);
    e[el] = '\0';
    fclose(f);
    *err = e;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- the loader's refusals ---------------------------------------------------------------- */

static void a_file_without_the_entry_point_is_refused(void **state)
{
    (void)state;
    char msg[8192];
    const char *p = tmod("bad_noentry");
    const char *cfg = write_config(
        "noentry.json",
        "{\"modules\": [{\"name\": \"admin\"}, {\"name\": \"bad_noentry\", \"path\": \"%s\"}]}\n",
        p);
    snprintf(msg, sizeof msg,
             "module bad_noentry (%s): no entry point 'modis_module_entry' (not a modis module?)",
             p);
    expect_refusal(cfg, msg);
}

static void a_module_built_for_the_next_abi_major_is_refused(void **state)
{
    (void)state;
    char msg[8192];
    snprintf(msg, sizeof msg,
             "module bad_abi_major (%s): built for ABI %d.0, server provides %d.%d",
             tmod("bad_abi_major"), MODIS_ABI_MAJOR + 1, MODIS_ABI_MAJOR, MODIS_ABI_MINOR);
    expect_refusal(config_with("bad_abi_major", NULL), msg);
}

static void a_module_built_for_a_newer_abi_minor_is_refused(void **state)
{
    (void)state;
    char msg[8192];
    snprintf(msg, sizeof msg,
             "module bad_abi_minor (%s): built for ABI %d.%d, server provides %d.%d",
             tmod("bad_abi_minor"), MODIS_ABI_MAJOR, MODIS_ABI_MINOR + 1, MODIS_ABI_MAJOR,
             MODIS_ABI_MINOR);
    expect_refusal(config_with("bad_abi_minor", NULL), msg);
}

static void a_descriptor_with_the_wrong_magic_is_refused(void **state)
{
    (void)state;
    char msg[8192];
    const char *p = tmod("bad_magic");
    const char *cfg = write_config(
        "magic.json",
        "{\"modules\": [{\"name\": \"admin\"}, {\"name\": \"bad_magic\", \"path\": \"%s\"}]}\n", p);
    snprintf(msg, sizeof msg,
             "module bad_magic (%s): the entry point returned no modis module descriptor", p);
    expect_refusal(cfg, msg);
}

static void a_module_given_by_path_only_is_refused_naming_its_path(void **state)
{
    (void)state;
    hserver s;
    char want[2048];
    const char *p = tmod("bad_noentry");
    assert_int_equal(hs_run_modis_config(&s, config_with("bad_noentry", NULL), 10000), 1);
    char *log = hs_read_log(&s);
    assert_non_null(log);
    /* The label before the path is the loader's choice (today the path again). */
    snprintf(want, sizeof want,
             " (%s): no entry point 'modis_module_entry' (not a modis module?)\n", p);
    const char *line = strstr(log, "modis-server: module ");
    if (!line || !strstr(line, want))
        fail_msg("want 'modis-server: module ...%s' in:\n%s", want, log);
    free(log);
    s.log[0] = '\0';
    hs_stop(&s);
}

static void a_failing_on_load_reports_its_load_error(void **state)
{
    (void)state;
    char msg[8192];
    snprintf(msg, sizeof msg,
             "module bad_initfail (%s): initialisation failed: the answer is 0, expected 42",
             tmod("bad_initfail"));
    expect_refusal(config_with("bad_initfail", NULL), msg);
    /* The module's "config" object reaches on_load. */
    snprintf(msg, sizeof msg,
             "module bad_initfail (%s): initialisation failed: the answer is 7, expected 42",
             tmod("bad_initfail"));
    expect_refusal(config_with("bad_initfail", "{\"answer\": 7}"), msg);
}

static void a_command_registered_by_another_module_is_refused_naming_it(void **state)
{
    (void)state;
    char msg[8192];
    /* bad_dupcmd registers "get" (free without strings) and then "ping" (admin's). */
    snprintf(msg, sizeof msg,
             "module bad_dupcmd (%s): command 'ping' is already registered by module admin",
             tmod("bad_dupcmd"));
    expect_refusal(config_with("bad_dupcmd", NULL), msg);
}

static void a_command_of_the_strings_module_is_refused_naming_strings(void **state)
{
    (void)state;
    char strings[PATH_MAX + 16], msg[2048];
    snprintf(strings, sizeof strings, "%s/strings.so", mods);
    if (access(strings, R_OK) != 0)
        skip(); /* this build has no strings module */
    const char *cfg = write_config("dup_strings.json",
                                   "{\"modules\": [{\"name\": \"strings\"}, {\"path\": \"%s\"}]}\n",
                                   tmod("bad_dupcmd"));
    snprintf(msg, sizeof msg,
             "module bad_dupcmd (%s): command 'get' is already registered by module strings",
             tmod("bad_dupcmd"));
    expect_refusal(cfg, msg);
}

static void a_module_name_already_loaded_is_refused_naming_the_holder(void **state)
{
    (void)state;
    char msg[8192];
    snprintf(msg, sizeof msg, "module admin (%s): a module named 'admin' is already loaded from %s",
             tmod("bad_dupname"), admin_path);
    expect_refusal(config_with("bad_dupname", NULL), msg);
    /* Given a name in the config, the file must declare that name. */
    const char *cfg = write_config(
        "dupname.json",
        "{\"modules\": [{\"name\": \"admin\"}, {\"name\": \"bad_dupname\", \"path\": \"%s\"}]}\n",
        tmod("bad_dupname"));
    snprintf(msg, sizeof msg, "module bad_dupname (%s): the file declares the name 'admin'",
             tmod("bad_dupname"));
    expect_refusal(cfg, msg);
}

static void invalid_command_metadata_is_refused_with_the_reason(void **state)
{
    (void)state;
    static const struct {
        const char *fault, *reason;
    } cases[] = {
        {"flag", "command 'bad.flag': unknown flag 'superfast'"},
        {"acl", "command 'bad.acl': unknown ACL category 'sometimes'"},
        {"keyspec", "command 'bad.keyspec': key spec 0 is invalid"},
        {"findkeys", "command 'bad.findkeys': key spec 0 is invalid"},
        {"keyarg", "command 'bad.keyarg': key argument 'key' names key spec 1 of 1"},
        {"oneof", "command 'bad.oneof': argument 'choice' needs sub-arguments"},
        {"arity", "command 'bad.arity': arity 0 is invalid"},
        {"name", "command 'bad name': invalid name"},
        {"handler", "command 'bad.nohandler': no handler and no subcommands"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char cfg[128], msg[2048];
        snprintf(cfg, sizeof cfg, "{\"fault\": \"%s\"}", cases[i].fault);
        snprintf(msg, sizeof msg, "module bad_metadata (%s): %s", tmod("bad_metadata"),
                 cases[i].reason);
        expect_refusal(config_with("bad_metadata", cfg), msg);
    }
}

static void a_missing_module_file_is_refused(void **state)
{
    (void)state;
    char msg[8192];
    const char *cfg = write_config(
        "missing.json", "{\"modules\": [{\"name\": \"admin\"}, {\"name\": \"nosuch\"}]}\n");
    snprintf(msg, sizeof msg,
             "module nosuch (%s/nosuch.so): dlopen failed: %s/nosuch.so: cannot open shared object "
             "file: No such file or directory",
             mods, mods);
    expect_refusal(cfg, msg);
    cfg =
        write_config("missing2.json",
                     "{\"modules\": [{\"name\": \"admin\"}, {\"path\": \"%s/none/x.so\"}]}\n", dir);
    snprintf(msg, sizeof msg,
             "module %s/none/x.so (%s/none/x.so): dlopen failed: %s/none/x.so: cannot open shared "
             "object file: No such file or directory",
             dir, dir, dir);
    expect_refusal(cfg, msg);
}

/* ---- the config file's refusals ----------------------------------------------------------- */

static void a_json_syntax_error_is_reported_with_line_and_column(void **state)
{
    (void)state;
    char msg[8192];
    const char *cfg = write_config(
        "syntax.json", "{\n  \"port\": 1,\n  \"modules\": [\n    {\"name\": \"admin\"},\n  ]\n}\n");
    snprintf(msg, sizeof msg, "%s:5:3: unexpected token near ']'", cfg);
    expect_refusal(cfg, msg);
}

static void an_unknown_setting_is_reported_with_its_line(void **state)
{
    (void)state;
    char msg[8192];
    const char *cfg = write_config(
        "unknown.json", "{\n  \"bind\": \"127.0.0.1\",\n  \"prot\": 5,\n  \"modules\": []\n}\n");
    snprintf(msg, sizeof msg, "%s:3: unknown setting 'prot'", cfg);
    expect_refusal(cfg, msg);
    cfg = write_config("badvalue.json", "{\n  \"databases\": 0\n}\n");
    snprintf(msg, sizeof msg,
             "%s:2: setting 'databases': argument must be between 1 and 2147483647 inclusive", cfg);
    expect_refusal(cfg, msg);
}

static void an_unknown_module_key_is_reported_with_its_line(void **state)
{
    (void)state;
    char msg[8192];
    const char *cfg =
        write_config("modkey.json", "{\n  \"modules\": [\n    {\"name\": \"admin\"},\n    "
                                    "{\"name\": \"keys\",\n     \"enable\": true}\n  ]\n}\n");
    snprintf(msg, sizeof msg,
             "%s:5: modules[1]: unknown key 'enable' (expected name, path, enabled, config, "
             "disabled-commands, rename-commands)",
             cfg);
    expect_refusal(cfg, msg);
}

static void malformed_module_entries_are_refused(void **state)
{
    (void)state;
    char msg[8192];
    const char *cfg = write_config("noname.json", "{\"modules\": [{\"config\": {}}]}\n");
    snprintf(msg, sizeof msg, "%s: modules[0] needs a \"name\" or a \"path\" string", cfg);
    expect_refusal(cfg, msg);
    cfg = write_config("enabled.json",
                       "{\"modules\": [{\"name\": \"admin\", \"enabled\": \"yes\"}]}\n");
    snprintf(msg, sizeof msg, "%s: modules[0]: \"enabled\" must be true or false", cfg);
    expect_refusal(cfg, msg);
    cfg = write_config("notarray.json", "{\n  \"modules\": {}\n}\n");
    snprintf(msg, sizeof msg, "%s:2: \"modules\" must be an array", cfg);
    expect_refusal(cfg, msg);
    cfg = write_config("missingfile.json", "{}");
    char none[600];
    snprintf(none, sizeof none, "%s/does-not-exist.json", dir);
    snprintf(msg, sizeof msg, "%s: unable to open %s: No such file or directory", none, none);
    expect_refusal(none, msg);
}

static void disabling_or_renaming_a_command_the_module_lacks_is_refused(void **state)
{
    (void)state;
    char msg[8192];
    const char *cfg =
        write_config("dis_other.json", "{\"modules\": [{\"name\": \"admin\"}, {\"name\": \"keys\", "
                                       "\"disabled-commands\": [\"keys\", \"flushall\"]}]}\n");
    snprintf(msg, sizeof msg,
             "%s: module keys: disabled-commands: module keys has no command 'flushall'", cfg);
    expect_refusal(cfg, msg);
    cfg = write_config(
        "ren_taken.json",
        "{\"modules\": [{\"name\": \"admin\", \"rename-commands\": {\"flushall\": \"ping\"}}]}\n");
    snprintf(
        msg, sizeof msg,
        "%s: module admin: rename-commands: cannot rename 'flushall' to 'ping': the name is taken",
        cfg);
    expect_refusal(cfg, msg);
    cfg = write_config(
        "ren_none.json",
        "{\"modules\": [{\"name\": \"admin\", \"rename-commands\": {\"nosuch\": \"x\"}}]}\n");
    snprintf(msg, sizeof msg,
             "%s: module admin: rename-commands: module admin has no command 'nosuch'", cfg);
    expect_refusal(cfg, msg);
}

/* ---- operator controls on a running server ------------------------------------------------ */

static void a_disabled_module_offers_no_commands(void **state)
{
    (void)state;
    hserver s;
    /* A disabled entry is not even opened: its file may be missing. */
    assert_int_equal(
        hs_start_modis(&s, NULL,
                       "[{\"name\": \"admin\"}, {\"name\": \"keys\", \"enabled\": false},"
                       " {\"name\": \"nosuch\", \"enabled\": false}]"),
        0);
    redisContext *c = conn(&s);
    expect_str(c, "PONG", "PING");
    expect_error(c, "ERR unknown command 'DEL', with args beginning with: 'x' ", "DEL x");
    expect_error(c, unknown("RANDOMKEY"), "RANDOMKEY");
    redisFree(c);
    assert_int_equal(hs_stop(&s), 0);
}

static void disabled_commands_are_unknown_and_the_others_work(void **state)
{
    (void)state;
    hserver s;
    assert_int_equal(
        hs_start_modis(&s, NULL,
                       "[{\"name\": \"admin\", \"disabled-commands\": [\"flushall\"]},"
                       " {\"name\": \"keys\", \"disabled-commands\": [\"keys\", \"randomkey\"]}]"),
        0);
    redisContext *c = conn(&s);
    expect_error(c, "ERR unknown command 'KEYS', with args beginning with: '*' ", "KEYS *");
    expect_error(c, unknown("flushall"), "flushall");
    expect_error(c, unknown("RANDOMKEY"), "RANDOMKEY");
    expect_str(c, "OK", "FLUSHDB");
    expect_int(c, 0, "EXISTS x");
    expect_int(c, 0, "DBSIZE");
    redisFree(c);
    assert_int_equal(hs_stop(&s), 0);
}

static void renamed_commands_work_under_the_new_name_only(void **state)
{
    (void)state;
    hserver s;
    assert_int_equal(
        hs_start_modis(&s, NULL,
                       "[{\"name\": \"admin\", \"rename-commands\": "
                       "{\"flushall\": \"x-flushall\", \"dbsize\": \"\", \"echo\": \"SAY\"}},"
                       " {\"name\": \"keys\"}]"),
        0);
    redisContext *c = conn(&s);
    expect_str(c, "OK", "X-FLUSHALL");
    expect_str(c, "OK", "x-flushall sync");
    expect_error(c, unknown("flushall"), "flushall");
    /* An empty new name removes the command. */
    expect_error(c, unknown("DBSIZE"), "DBSIZE");
    /* New names are case-insensitive like every command name. */
    expect_str(c, "hi", "say hi");
    expect_str(c, "hi", "SAY hi");
    expect_error(c, "ERR unknown command 'ECHO', with args beginning with: 'hi' ", "ECHO hi");
    redisFree(c);
    assert_int_equal(hs_stop(&s), 0);
}

static void the_module_config_object_reaches_the_module(void **state)
{
    (void)state;
    hserver s;
    char mods_json[1024];
    snprintf(mods_json, sizeof mods_json,
             "[{\"name\": \"admin\"}, {\"path\": \"%s\", \"config\": {\"greeting\": \"hi there\"}},"
             " {\"path\": \"%s\"}]",
             tmod("goodmod"), tmod("goodmod_nounload"));
    assert_int_equal(hs_start_modis(&s, NULL, mods_json), 0);
    redisContext *c = conn(&s);
    expect_str(c, "hi there", "GOODMOD.CONF");
    redisReply *r = redisCommand(c, "GOODMOD_NOUNLOAD.CONF");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_NIL);
    freeReplyObject(r);
    expect_str(c, "OK", "GOODMOD.SET k v");
    expect_str(c, "v", "GOODMOD.GET k");
    expect_error(c, MODIS_ERR_WRONGTYPE, "GOODMOD_NOUNLOAD.GET k");
    redisFree(c);
    char *log = hs_read_log(&s);
    assert_non_null(log);
    assert_non_null(strstr(log, "module goodmod: loaded (ABI "));
    free(log);
    assert_int_equal(hs_stop(&s), 0);
}

/* ---- --check-config and --list-commands --------------------------------------------------- */

/* A module declaring ABI 1.0 loads on this 1.1 server, and the server never
 * reads the type-method fields 1.1 appended from it. */
static void fields_appended_in_1_1_are_not_read_from_a_1_0_module(void **state)
{
    (void)state;
    hserver s;
    char mods_json[1024];
    snprintf(mods_json, sizeof mods_json, "[{\"name\": \"admin\"}, {\"name\": \"keys\"}, {\"path\": \"%s\"},"
             " {\"path\": \"%s\"}]",
             tmod("goodmod_abi10"), tmod("goodmod"));
    assert_int_equal(hs_start_modis(&s, NULL, mods_json), 0);
    redisContext *c = conn(&s);
    expect_str(c, "OK", "GOODMOD_ABI10.SET k v");
    expect_int(c, 1, "OBJECT REFCOUNT k");
    expect_str(c, "OK", "GOODMOD.SET g v");
    expect_int(c, 1, "OBJECT REFCOUNT g");
    redisFree(c);
    char *log = hs_read_log(&s);
    assert_non_null(log);
    assert_non_null(strstr(log, "module goodmod_abi10: loaded (ABI 1."));
    free(log);
    assert_int_equal(hs_stop(&s), 0);
}

/* COMMAND GETKEYSANDFLAGS of one key as "key flag flag ...". */
static void expect_key_flags(redisContext *c, const char *want, const char *cmd)
{
    char got[256] = "", words[256];
    const char *argv[16] = {"COMMAND", "GETKEYSANDFLAGS"};
    int argc = 2;
    snprintf(words, sizeof words, "%s", cmd);
    for (char *w = strtok(words, " "); w && argc < 16; w = strtok(NULL, " "))
        argv[argc++] = w;
    redisReply *r = redisCommandArgv(c, argc, argv, NULL);
    assert_non_null(r);
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 1 ||
        r->element[0]->type != REDIS_REPLY_ARRAY || r->element[0]->elements != 2)
        fail_msg("%s: not one key with its flags (type %d %s)", cmd, r->type,
                 r->str ? r->str : "");
    redisReply *k = r->element[0]->element[0], *f = r->element[0]->element[1];
    snprintf(got, sizeof got, "%s", k->str);
    for (size_t i = 0; i < f->elements; i++)
        snprintf(got + strlen(got), sizeof got - strlen(got), " %s", f->element[i]->str);
    if (strcmp(got, want) != 0)
        fail_msg("%s: want '%s', got '%s'", cmd, want, got);
    freeReplyObject(r);
}

/* set_key_flags (ABI 1.2): the module's function answers for a key spec with
 * VARIABLE_FLAGS; goodmod's on_load also checks that a command it did not
 * register is refused (it fails to load otherwise). */
static void a_key_flags_function_decides_getkeysandflags(void **state)
{
    (void)state;
    hserver s;
    char mods_json[1024];
    snprintf(mods_json, sizeof mods_json, "[{\"name\": \"admin\"}, {\"path\": \"%s\"}]",
             tmod("goodmod"));
    assert_int_equal(hs_start_modis(&s, NULL, mods_json), 0);
    redisContext *c = conn(&s);
    expect_key_flags(c, "k OW insert", "goodmod.set k new");
    expect_key_flags(c, "k OW update", "goodmod.set k old");
    expect_key_flags(c, "k RO access", "goodmod.get k");
    redisFree(c);
    assert_int_equal(hs_stop(&s), 0);
}

static void check_config_lists_modules_versions_and_commands(void **state)
{
    (void)state;
    char *out, *err, args[1024], line[2048];
    const char *cfg = write_config(
        "check.json",
        "{\"modules\": [{\"name\": \"admin\", \"disabled-commands\": [\"flushall\"]},"
        " {\"path\": \"%s\", \"rename-commands\": {\"goodmod.conf\": \"goodmod.greeting\"}}]}\n",
        tmod("goodmod"));
    snprintf(args, sizeof args, "--check-config '%s'", cfg);
    int st = run_server(args, &out, &err);
    if (st != 0)
        fail_msg("exit %d\nstdout:\n%s\nstderr:\n%s", st, out, err);
    snprintf(line, sizeof line, "config %s: OK", cfg);
    if (!has_line(out, line))
        fail_msg("no line '%s' in:\n%s", line, out);
    /* Modules in name order, each followed by its commands. */
    const char *a = strstr(out, "\nmodule admin "), *g = strstr(out, "\nmodule goodmod 1.2.3 (");
    assert_non_null(a);
    assert_non_null(g);
    assert_true(a < g);
    snprintf(line, sizeof line, "module goodmod 1.2.3 (%s): 5 commands", tmod("goodmod"));
    if (!has_line(out, line))
        fail_msg("no line '%s' in:\n%s", line, out);
    assert_true(has_line(out, "  goodmod.set          arity=3   module=goodmod"));
    assert_true(has_line(out, "  goodmod.get          arity=2   module=goodmod"));
    assert_true(has_line(out, "  goodmod.greeting     arity=1   module=goodmod"));
    assert_true(has_line(out, "  ping                 arity=-1  module=admin"));
    assert_null(strstr(out, "goodmod.conf "));
    assert_null(strstr(out, "  flushall "));
    /* Nothing listens: --check-config only loads. */
    free(out);
    free(err);
}

/* Counts the "  <name> arity=" lines right after "module <name> " and compares
 * them with the count that line announces. */
static void check_module_count(const char *out, const char *name)
{
    char head[128];
    snprintf(head, sizeof head, "module %s ", name);
    const char *p = strstr(out, head);
    assert_non_null(p);
    const char *colon = strstr(p, "): ");
    assert_non_null(colon);
    int announced = atoi(colon + 3);
    int listed = 0;
    for (const char *l = strchr(p, '\n'); l && strncmp(l + 1, "  ", 2) == 0;
         l = strchr(l + 1, '\n'))
        listed++;
    if (announced != listed)
        fail_msg("module %s: the header announces %d commands, %d are listed:\n%s", name, announced,
                 listed, out);
}

static void check_config_counts_only_the_commands_offered(void **state)
{
    (void)state;
    char *out, *err, args[1024];
    const char *cfg =
        write_config("count.json",
                     "{\"modules\": [{\"name\": \"admin\", \"disabled-commands\": [\"flushall\"],"
                     " \"rename-commands\": {\"dbsize\": \"\"}}, {\"path\": \"%s\"}]}\n",
                     tmod("goodmod"));
    snprintf(args, sizeof args, "--check-config '%s'", cfg);
    assert_int_equal(run_server(args, &out, &err), 0);
    check_module_count(out, "goodmod");
    check_module_count(out, "admin");
    free(out);
    free(err);
}

static void check_config_exits_1_with_the_first_error(void **state)
{
    (void)state;
    char *out, *err, args[1024], line[4096];
    const char *cfg = config_with("bad_abi_major", NULL);
    snprintf(args, sizeof args, "--check-config '%s'", cfg);
    assert_int_equal(run_server(args, &out, &err), 1);
    snprintf(line, sizeof line,
             "modis-server: module bad_abi_major (%s): built for ABI %d.0, server provides %d.%d",
             tmod("bad_abi_major"), MODIS_ABI_MAJOR + 1, MODIS_ABI_MAJOR, MODIS_ABI_MINOR);
    if (!has_line(err, line))
        fail_msg("no line '%s' in stderr:\n%s", line, err);
    assert_null(strstr(out, ": OK"));
    free(out);
    free(err);
}

static void list_commands_prints_the_resulting_command_table(void **state)
{
    (void)state;
    char *out, *err, args[1024];
    const char *cfg = write_config(
        "list.json",
        "{\"modules\": [{\"name\": \"admin\", \"rename-commands\": {\"echo\": \"say\"}},"
        " {\"path\": \"%s\"}]}\n",
        tmod("goodmod"));
    snprintf(args, sizeof args, "--list-commands '%s'", cfg);
    int st = run_server(args, &out, &err);
    if (st != 0)
        fail_msg("exit %d\nstdout:\n%s\nstderr:\n%s", st, out, err);
    assert_true(has_line(out, "  say                  arity=2   module=admin"));
    assert_true(has_line(out, "  goodmod.get          arity=2   module=goodmod"));
    assert_true(has_line(out, "  multi                arity=1   module=core"));
    assert_true(has_line(out, "  exec                 arity=1   module=core"));
    assert_null(strstr(out, "  echo "));
    free(out);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_file_without_the_entry_point_is_refused),
        cmocka_unit_test(a_module_built_for_the_next_abi_major_is_refused),
        cmocka_unit_test(a_module_built_for_a_newer_abi_minor_is_refused),
        cmocka_unit_test(a_descriptor_with_the_wrong_magic_is_refused),
        cmocka_unit_test(a_module_given_by_path_only_is_refused_naming_its_path),
        cmocka_unit_test(a_failing_on_load_reports_its_load_error),
        cmocka_unit_test(a_command_registered_by_another_module_is_refused_naming_it),
        cmocka_unit_test(a_command_of_the_strings_module_is_refused_naming_strings),
        cmocka_unit_test(a_module_name_already_loaded_is_refused_naming_the_holder),
        cmocka_unit_test(invalid_command_metadata_is_refused_with_the_reason),
        cmocka_unit_test(a_missing_module_file_is_refused),
        cmocka_unit_test(a_json_syntax_error_is_reported_with_line_and_column),
        cmocka_unit_test(an_unknown_setting_is_reported_with_its_line),
        cmocka_unit_test(an_unknown_module_key_is_reported_with_its_line),
        cmocka_unit_test(malformed_module_entries_are_refused),
        cmocka_unit_test(disabling_or_renaming_a_command_the_module_lacks_is_refused),
        cmocka_unit_test(a_disabled_module_offers_no_commands),
        cmocka_unit_test(disabled_commands_are_unknown_and_the_others_work),
        cmocka_unit_test(renamed_commands_work_under_the_new_name_only),
        cmocka_unit_test(the_module_config_object_reaches_the_module),
        cmocka_unit_test(fields_appended_in_1_1_are_not_read_from_a_1_0_module),
        cmocka_unit_test(a_key_flags_function_decides_getkeysandflags),
        cmocka_unit_test(check_config_lists_modules_versions_and_commands),
        cmocka_unit_test(check_config_counts_only_the_commands_offered),
        cmocka_unit_test(check_config_exits_1_with_the_first_error),
        cmocka_unit_test(list_commands_prints_the_resulting_command_table),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
