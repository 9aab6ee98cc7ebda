/* test_dispatch.c: unit tests for the command table (core/dispatch.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "dispatch.h"
#include "info.h"
#include "multi.h"
#include "reply.h"

/* main.c is not linked: the global the core reads lives here. */
server_state server;

/* A string literal as (pointer, length), NUL bytes included. */
#define LIT(s) s, sizeof(s) - 1

static int handler_calls;

static void h_ok(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    handler_calls++;
    reply_simple(ctx->c, "OK");
}

static void h_fail(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    handler_calls++;
    reply_error(ctx->c, "ERR handler failed");
}

static int setup(void **state)
{
    (void)state;
    dispatch_init();
    server.ncommands = 0;
    server.pending_write = NULL;
    handler_calls = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dispatch_deinit();
    info_deinit();
    server.ncommands = 0;
    server.pending_write = NULL;
    return 0;
}

/* Registers def, failing the test with the message if that fails. */
static command *reg(module *owner, const modis_command *def)
{
    char err[256] = "";
    if (dispatch_register(owner, def, err, sizeof err) != 0)
        fail_msg("register %s: %s", def->name, err);
    command *c = dispatch_lookup(def->name, strlen(def->name));
    assert_non_null(c);
    return c;
}

/* Registers def expecting a refusal with exactly the message want. */
static void refused(const modis_command *def, const char *want)
{
    char err[256] = "";
    long before = server.ncommands;
    assert_int_equal(dispatch_register(NULL, def, err, sizeof err), -1);
    assert_string_equal(err, want);
    assert_int_equal(server.ncommands, before);
}

/* The ACL categories of c, space-separated, in Redis's order. */
static const char *acl_string(const command *c)
{
    static char out[256];
    const char *names[32];
    int n = dispatch_acl_names(c->acl, names, 32);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(out, " ");
        strcat(out, names[i]);
    }
    return out;
}

static void register_parses_flags_and_lowercases_the_name(void **state)
{
    (void)state;
    static const modis_command def = {.name = "MyGet",
                                      .handler = h_ok,
                                      .arity = 2,
                                      .flags = "readonly  fast",
                                      .acl_categories = "string"};
    command *c = reg(NULL, &def);
    assert_string_equal(c->name, "myget");
    assert_string_equal(c->fullname, "myget");
    assert_int_equal(c->flags, CMD_READONLY | CMD_FAST);
    assert_int_equal(c->arity, 2);
    assert_ptr_equal(c->handler, h_ok);
    assert_ptr_equal(c->def, &def);
    assert_null(c->owner);
    assert_null(c->parent);
    assert_int_equal(server.ncommands, 1);
    assert_ptr_equal(dispatch_lookup(LIT("MYGET")), c);
    assert_ptr_equal(dispatch_lookup(LIT("myget")), c);
    assert_null(dispatch_lookup(LIT("myge")));
    assert_null(dispatch_lookup(LIT("mygett")));

    const char *names[32];
    int n = dispatch_flag_names(c->flags, names, 32);
    assert_int_equal(n, 2);
    assert_string_equal(names[0], "readonly");
    assert_string_equal(names[1], "fast");
}

static void every_documented_flag_is_accepted(void **state)
{
    (void)state;
    static const modis_command def = {
        .name = "allflags",
        .handler = h_ok,
        .arity = -1,
        .flags = "write readonly denyoom admin pubsub noscript blocking loading stale skip_monitor "
                 "skip_slowlog fast no_auth may_replicate no_mandatory_keys no_async_loading "
                 "no_multi allow_busy"};
    command *c = reg(NULL, &def);
    uint32_t want = CMD_WRITE | CMD_READONLY | CMD_DENYOOM | CMD_ADMIN | CMD_PUBSUB | CMD_NOSCRIPT |
                    CMD_BLOCKING | CMD_LOADING | CMD_STALE | CMD_SKIP_MONITOR | CMD_SKIP_SLOWLOG |
                    CMD_FAST | CMD_NO_AUTH | CMD_MAY_REPLICATE | CMD_NO_MANDATORY_KEYS |
                    CMD_NO_ASYNC_LOADING | CMD_NO_MULTI | CMD_ALLOW_BUSY;
    assert_int_equal(c->flags, want);
}

static void unknown_flag_is_refused_by_name(void **state)
{
    (void)state;
    static const modis_command bad = {
        .name = "badflag", .handler = h_ok, .arity = 1, .flags = "write bogus fast"};
    refused(&bad, "command 'badflag': unknown flag 'bogus'");
    assert_null(dispatch_lookup(LIT("badflag")));
    /* Flags the core derives itself cannot be declared. */
    static const modis_command movable = {
        .name = "mv", .handler = h_ok, .arity = 1, .flags = "movablekeys"};
    refused(&movable, "command 'mv': unknown flag 'movablekeys'");
    static const modis_command mod = {.name = "md", .handler = h_ok, .arity = 1, .flags = "module"};
    refused(&mod, "command 'md': unknown flag 'module'");
    /* Flags are case-sensitive, as Redis's JSON. */
    static const modis_command upper = {
        .name = "up", .handler = h_ok, .arity = 1, .flags = "WRITE"};
    refused(&upper, "command 'up': unknown flag 'WRITE'");
}

static void unknown_acl_category_is_refused_by_name(void **state)
{
    (void)state;
    static const modis_command bad = {
        .name = "badcat", .handler = h_ok, .arity = 1, .acl_categories = "string nosuchcat"};
    refused(&bad, "command 'badcat': unknown ACL category 'nosuchcat'");
    static const modis_command at = {
        .name = "atcat", .handler = h_ok, .arity = 1, .acl_categories = "@keyspace @hash"};
    command *c = reg(NULL, &at);
    assert_string_equal(acl_string(c), "keyspace hash slow");

    uint64_t bit = 0;
    assert_int_equal(dispatch_acl_parse("geo", &bit), 0);
    assert_int_equal(bit, 1ULL << 10);
    assert_int_equal(dispatch_acl_parse("nosuch", &bit), -1);
}

static void implicit_acl_categories_follow_the_flags(void **state)
{
    (void)state;
    static const modis_command defs[] = {
        {.name = "c1", .handler = h_ok, .arity = 1, .flags = "write", .acl_categories = "string"},
        {.name = "c2", .handler = h_ok, .arity = 1, .flags = "readonly fast"},
        {.name = "c3", .handler = h_ok, .arity = 1, .flags = "admin noscript"},
        {.name = "c4",
         .handler = h_ok,
         .arity = 1,
         .flags = "write blocking",
         .acl_categories = "list"},
        {.name = "c5", .handler = h_ok, .arity = 1},
        {.name = "c6", .handler = h_ok, .arity = 1, .flags = "pubsub"},
        {.name = "c7",
         .handler = h_ok,
         .arity = 1,
         .flags = "readonly",
         .acl_categories = "scripting"},
        {.name = "c8", .handler = h_ok, .arity = 1, .flags = "fast", .acl_categories = "slow"},
    };
    const char *want[] = {
        "write string slow",        "read fast", "admin slow dangerous",
        "write list slow blocking", "slow",      "pubsub slow",
        "slow scripting",           "fast slow",
    };
    for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
        command *c = reg(NULL, &defs[i]);
        if (strcmp(acl_string(c), want[i]) != 0)
            fail_msg("%s: categories '%s', want '%s'", defs[i].name, acl_string(c), want[i]);
    }
}

static const modis_key_spec get_keys[] = {{.flags = MODIS_KS_RO,
                                           .begin_type = MODIS_KS_BEGIN_INDEX,
                                           .bs_index = 1,
                                           .find_type = MODIS_KS_FIND_RANGE,
                                           .fk_lastkey = 0,
                                           .fk_keystep = 1},
                                          {0}};
static const modis_key_spec mset_keys[] = {{.flags = MODIS_KS_OW,
                                            .begin_type = MODIS_KS_BEGIN_INDEX,
                                            .bs_index = 1,
                                            .find_type = MODIS_KS_FIND_RANGE,
                                            .fk_lastkey = -1,
                                            .fk_keystep = 2},
                                           {0}};
static const modis_key_spec smove_keys[] = {{.flags = MODIS_KS_RW,
                                             .begin_type = MODIS_KS_BEGIN_INDEX,
                                             .bs_index = 1,
                                             .find_type = MODIS_KS_FIND_RANGE,
                                             .fk_lastkey = 0,
                                             .fk_keystep = 1},
                                            {.flags = MODIS_KS_RW,
                                             .begin_type = MODIS_KS_BEGIN_INDEX,
                                             .bs_index = 2,
                                             .find_type = MODIS_KS_FIND_RANGE,
                                             .fk_lastkey = 0,
                                             .fk_keystep = 1},
                                            {0}};
/* XREAD ... STREAMS key [key ...] id [id ...] */
static const modis_key_spec xread_keys[] = {{.flags = MODIS_KS_RO,
                                             .begin_type = MODIS_KS_BEGIN_KEYWORD,
                                             .bs_keyword = "STREAMS",
                                             .bs_startfrom = 1,
                                             .find_type = MODIS_KS_FIND_RANGE,
                                             .fk_lastkey = -1,
                                             .fk_keystep = 1,
                                             .fk_limit = 2},
                                            {0}};
/* LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count] */
static const modis_key_spec lmpop_keys[] = {{.flags = MODIS_KS_RW,
                                             .begin_type = MODIS_KS_BEGIN_INDEX,
                                             .bs_index = 1,
                                             .find_type = MODIS_KS_FIND_KEYNUM,
                                             .fk_keynumidx = 0,
                                             .fk_firstkey = 1,
                                             .fk_keystep = 1},
                                            {0}};
/* SORT key ... [STORE destination]: a range spec plus an incomplete keyword spec. */
static const modis_key_spec sort_keys[] = {{.flags = MODIS_KS_RO,
                                            .begin_type = MODIS_KS_BEGIN_INDEX,
                                            .bs_index = 1,
                                            .find_type = MODIS_KS_FIND_RANGE,
                                            .fk_lastkey = 0,
                                            .fk_keystep = 1},
                                           {.flags = MODIS_KS_OW | MODIS_KS_INCOMPLETE,
                                            .begin_type = MODIS_KS_BEGIN_KEYWORD,
                                            .bs_keyword = "STORE",
                                            .bs_startfrom = 1,
                                            .find_type = MODIS_KS_FIND_RANGE,
                                            .fk_lastkey = 0,
                                            .fk_keystep = 1},
                                           {0}};
static const modis_key_spec incomplete_keys[] = {{.flags = MODIS_KS_RO | MODIS_KS_INCOMPLETE,
                                                  .begin_type = MODIS_KS_BEGIN_INDEX,
                                                  .bs_index = 1,
                                                  .find_type = MODIS_KS_FIND_RANGE,
                                                  .fk_lastkey = -1,
                                                  .fk_keystep = 1},
                                                 {0}};

static const modis_command keyed[] = {
    {.name = "get", .handler = h_ok, .arity = 2, .flags = "readonly", .key_specs = get_keys},
    {.name = "mset", .handler = h_ok, .arity = -3, .flags = "write", .key_specs = mset_keys},
    {.name = "smove", .handler = h_ok, .arity = 4, .flags = "write", .key_specs = smove_keys},
    {.name = "xread", .handler = h_ok, .arity = -4, .flags = "readonly", .key_specs = xread_keys},
    {.name = "lmpop", .handler = h_ok, .arity = -4, .flags = "write", .key_specs = lmpop_keys},
    {.name = "sort", .handler = h_ok, .arity = -2, .flags = "write", .key_specs = sort_keys},
    {.name = "partial",
     .handler = h_ok,
     .arity = -2,
     .flags = "readonly",
     .key_specs = incomplete_keys},
    {.name = "nokeys", .handler = h_ok, .arity = 1},
    {0}};

static void legacy_key_range_is_derived_from_key_specs(void **state)
{
    (void)state;
    const struct {
        int first, last, step, movable;
    } want[] = {
        {1, 1, 1, 0},  /* get */
        {1, -1, 2, 0}, /* mset */
        {1, 2, 1, 0},  /* smove */
        {0, 0, 0, 1},  /* xread */
        {0, 0, 0, 1},  /* lmpop */
        {1, 1, 1, 1},  /* sort */
        {1, -1, 1, 1}, /* partial */
        {0, 0, 0, 0},  /* nokeys */
    };
    for (int i = 0; keyed[i].name; i++) {
        command *c = reg(NULL, &keyed[i]);
        if (c->first_key != want[i].first || c->last_key != want[i].last ||
            c->key_step != want[i].step || !!(c->flags & CMD_MOVABLE_KEYS) != want[i].movable)
            fail_msg("%s: first %d last %d step %d movable %d; want %d %d %d %d", c->name,
                     c->first_key, c->last_key, c->key_step, !!(c->flags & CMD_MOVABLE_KEYS),
                     want[i].first, want[i].last, want[i].step, want[i].movable);
    }
}

/* Key positions of argv (given as C strings) for cmd, or -1. */
static int getkeys(const char *cmd, const char *const *words, int argc, int *pos)
{
    modis_str argv[16];
    assert_true(argc <= 16);
    for (int i = 0; i < argc; i++) {
        argv[i].ptr = words[i];
        argv[i].len = strlen(words[i]);
    }
    command *c = dispatch_lookup(cmd, strlen(cmd));
    assert_non_null(c);
    return dispatch_getkeys(c, argv, argc, pos, 16);
}

static void getkeys_finds_range_keyword_and_keynum_keys(void **state)
{
    (void)state;
    for (int i = 0; keyed[i].name; i++)
        reg(NULL, &keyed[i]);
    int pos[16];

    const char *get[] = {"get", "k"};
    assert_int_equal(getkeys("get", get, 2, pos), 1);
    assert_int_equal(pos[0], 1);

    const char *mset[] = {"mset", "k1", "v1", "k2", "v2", "k3", "v3"};
    assert_int_equal(getkeys("mset", mset, 7, pos), 3);
    assert_int_equal(pos[0], 1);
    assert_int_equal(pos[1], 3);
    assert_int_equal(pos[2], 5);

    const char *smove[] = {"smove", "src", "dst", "member"};
    assert_int_equal(getkeys("smove", smove, 4, pos), 2);
    assert_int_equal(pos[0], 1);
    assert_int_equal(pos[1], 2);

    /* The keyword is case-insensitive; limit 2 splits keys from ids. */
    const char *xread[] = {"xread", "COUNT", "2", "streams", "s1", "s2", "0-0", "0-0"};
    assert_int_equal(getkeys("xread", xread, 8, pos), 2);
    assert_int_equal(pos[0], 4);
    assert_int_equal(pos[1], 5);
    const char *xread_nokw[] = {"xread", "COUNT", "2", "s1", "0-0"};
    assert_int_equal(getkeys("xread", xread_nokw, 5, pos), 0);

    const char *lmpop[] = {"lmpop", "3", "a", "b", "c", "LEFT", "COUNT", "1"};
    assert_int_equal(getkeys("lmpop", lmpop, 8, pos), 3);
    assert_int_equal(pos[0], 2);
    assert_int_equal(pos[1], 3);
    assert_int_equal(pos[2], 4);
    const char *lmpop_nan[] = {"lmpop", "x", "a", "LEFT"};
    assert_int_equal(getkeys("lmpop", lmpop_nan, 4, pos), -1);
    const char *lmpop_neg[] = {"lmpop", "-1", "a", "LEFT"};
    assert_int_equal(getkeys("lmpop", lmpop_neg, 4, pos), -1);
    const char *lmpop_many[] = {"lmpop", "5", "a", "LEFT"};
    assert_int_equal(getkeys("lmpop", lmpop_many, 4, pos), -1);

    const char *sort[] = {"sort", "list", "LIMIT", "0", "1", "STORE", "out"};
    assert_int_equal(getkeys("sort", sort, 7, pos), 2);
    assert_int_equal(pos[0], 1);
    assert_int_equal(pos[1], 6);

    const char *nokeys[] = {"nokeys"};
    assert_int_equal(getkeys("nokeys", nokeys, 1, pos), -1);
}

static void duplicate_name_is_refused_naming_the_owner(void **state)
{
    (void)state;
    static const modis_command def = {.name = "dup", .handler = h_ok, .arity = 1};
    static const modis_command upper = {.name = "DUP", .handler = h_fail, .arity = 2};
    command *c = reg(NULL, &def);
    refused(&upper, "command 'dup' is already registered by the core");
    assert_ptr_equal(dispatch_lookup(LIT("dup")), c);
    assert_ptr_equal(c->handler, h_ok);

    module m = {.name = "mymod"};
    static const modis_command mine = {.name = "modcmd", .handler = h_ok, .arity = 1};
    command *mc = reg(&m, &mine);
    assert_ptr_equal(mc->owner, &m);
    char err[256];
    assert_int_equal(dispatch_register(NULL, &mine, err, sizeof err), -1);
    assert_string_equal(err, "command 'modcmd' is already registered by module mymod");
    assert_int_equal(server.ncommands, 2);
}

static void invalid_metadata_is_refused_with_the_field(void **state)
{
    (void)state;
    static const modis_command arity0 = {.name = "z", .handler = h_ok, .arity = 0};
    refused(&arity0, "command 'z': arity 0 is invalid");
    static const modis_command nothing = {.name = "z", .arity = 1};
    refused(&nothing, "command 'z': no handler and no subcommands");
    static const modis_command spaced = {.name = "a b", .handler = h_ok, .arity = 1};
    refused(&spaced, "command 'a b': invalid name");
    static const modis_command piped = {.name = "a|b", .handler = h_ok, .arity = 1};
    refused(&piped, "command 'a|b': invalid name");
    static const modis_command empty = {.name = "", .handler = h_ok, .arity = 1};
    refused(&empty, "command '': invalid name");

    static const modis_key_spec nokw[] = {
        {.begin_type = MODIS_KS_BEGIN_KEYWORD, .find_type = MODIS_KS_FIND_RANGE}, {0}};
    static const modis_command badspec = {
        .name = "bs", .handler = h_ok, .arity = 1, .key_specs = nokw};
    refused(&badspec, "command 'bs': key spec 0 is invalid");

    static const modis_arg badkey[] = {{.name = "key", .type = MODIS_ARG_KEY, .key_spec_index = 1},
                                       {0}};
    static const modis_command badarg = {
        .name = "ba", .handler = h_ok, .arity = 2, .key_specs = get_keys, .args = badkey};
    refused(&badarg, "command 'ba': key argument 'key' names key spec 1 of 1");

    static const modis_arg notoken[] = {{.name = "nx", .type = MODIS_ARG_PURE_TOKEN}, {0}};
    static const modis_command badtok = {
        .name = "bt", .handler = h_ok, .arity = 2, .args = notoken};
    refused(&badtok, "command 'bt': pure-token argument 'nx' has no token");
    assert_int_equal(server.ncommands, 0);
}

static const modis_command cont_subs[] = {
    {.name = "get", .handler = h_ok, .arity = 3, .flags = "readonly"},
    {.name = "SET", .handler = h_ok, .arity = -4, .flags = "write"},
    {0}};
static const modis_command cont = {.name = "cont", .arity = -2, .subcommands = cont_subs};

static void subcommands_are_registered_and_found_through_argv(void **state)
{
    (void)state;
    command *c = reg(NULL, &cont);
    assert_int_equal(c->nsubs, 2);
    assert_null(c->handler);
    assert_int_equal(server.ncommands, 1);

    modis_str argv[] = {{LIT("CONT")}, {LIT("Get")}, {LIT("x")}};
    command *sub = dispatch_lookup_argv(argv, 3);
    assert_non_null(sub);
    assert_string_equal(sub->name, "get");
    assert_string_equal(sub->fullname, "cont|get");
    assert_ptr_equal(sub->parent, c);
    assert_int_equal(sub->arity, 3);
    assert_int_equal(sub->flags, CMD_READONLY);
    assert_string_equal(acl_string(sub), "read slow");

    modis_str set[] = {{LIT("cont")}, {LIT("set")}};
    assert_string_equal(dispatch_lookup_argv(set, 2)->fullname, "cont|set");
    modis_str nope[] = {{LIT("cont")}, {LIT("nope")}};
    assert_null(dispatch_lookup_argv(nope, 2));
    modis_str alone[] = {{LIT("cont")}};
    assert_ptr_equal(dispatch_lookup_argv(alone, 1), c);
    /* A subcommand is not a top-level command. */
    assert_null(dispatch_lookup(LIT("get")));
    assert_null(dispatch_lookup(LIT("cont|get")));
}

static void bad_subcommands_are_refused_by_full_name(void **state)
{
    (void)state;
    static const modis_command twice_subs[] = {{.name = "a", .handler = h_ok, .arity = 2},
                                               {.name = "A", .handler = h_ok, .arity = 2},
                                               {0}};
    static const modis_command twice = {.name = "twice", .arity = -2, .subcommands = twice_subs};
    refused(&twice, "command 'twice': subcommand 'a' registered twice");

    static const modis_command badflag_subs[] = {
        {.name = "sub", .handler = h_ok, .arity = 2, .flags = "speedy"}, {0}};
    static const modis_command badflag = {.name = "bf", .arity = -2, .subcommands = badflag_subs};
    refused(&badflag, "command 'bf|sub': unknown flag 'speedy'");
    assert_null(dispatch_lookup(LIT("twice")));
    assert_null(dispatch_lookup(LIT("bf")));
}

static void rename_moves_a_command_and_empty_name_removes_it(void **state)
{
    (void)state;
    static const modis_command a = {.name = "alpha", .handler = h_ok, .arity = 1};
    static const modis_command b = {.name = "beta", .handler = h_fail, .arity = 1};
    command *ca = reg(NULL, &a);
    reg(NULL, &b);
    char err[256];

    assert_int_equal(dispatch_rename("alpha", "Gamma", err, sizeof err), 0);
    assert_null(dispatch_lookup(LIT("alpha")));
    assert_ptr_equal(dispatch_lookup(LIT("gamma")), ca);
    assert_string_equal(ca->name, "gamma");
    assert_string_equal(ca->fullname, "gamma");
    assert_int_equal(server.ncommands, 2);

    assert_int_equal(dispatch_rename("gamma", "beta", err, sizeof err), -1);
    assert_string_equal(err, "cannot rename 'gamma' to 'beta': the name is taken");
    assert_ptr_equal(dispatch_lookup(LIT("gamma")), ca);

    assert_int_equal(dispatch_rename("nosuch", "x", err, sizeof err), -1);
    assert_string_equal(err, "no such command 'nosuch'");

    assert_int_equal(dispatch_rename("gamma", "", err, sizeof err), 0);
    assert_null(dispatch_lookup(LIT("gamma")));
    assert_int_equal(server.ncommands, 1);
    assert_int_equal(dispatch_rename("BETA", NULL, err, sizeof err), 0);
    assert_null(dispatch_lookup(LIT("beta")));
    assert_int_equal(server.ncommands, 0);

    /* The freed name can be registered again. */
    reg(NULL, &a);
    assert_int_equal(server.ncommands, 1);
}

static void unregister_module_removes_only_its_commands(void **state)
{
    (void)state;
    module m1 = {.name = "one"}, m2 = {.name = "two"};
    static const modis_command d1 = {.name = "c1", .handler = h_ok, .arity = 1};
    static const modis_command d2 = {.name = "c2", .handler = h_ok, .arity = 1};
    static const modis_command d3 = {.name = "c3", .handler = h_ok, .arity = 1};
    reg(&m1, &d1);
    reg(&m2, &d2);
    reg(&m1, &d3);
    reg(&m1, &cont);
    dispatch_unregister_module(&m1);
    assert_null(dispatch_lookup(LIT("c1")));
    assert_null(dispatch_lookup(LIT("c3")));
    assert_null(dispatch_lookup(LIT("cont")));
    assert_non_null(dispatch_lookup(LIT("c2")));
    assert_int_equal(server.ncommands, 1);
}

static void core_transaction_commands_register_with_multi_control(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(multi_register_commands(err, sizeof err), 0);
    assert_int_equal(server.ncommands, 5);
    const char *control[] = {"multi", "exec", "discard", "watch"};
    for (int i = 0; i < 4; i++) {
        command *c = dispatch_lookup(control[i], strlen(control[i]));
        assert_non_null(c);
        assert_true(c->flags & CMD_MULTI_CONTROL);
        assert_true(c->flags & CMD_NOSCRIPT);
    }
    command *unwatch = dispatch_lookup(LIT("unwatch"));
    assert_int_equal(unwatch->flags & CMD_MULTI_CONTROL, 0);
    command *watch = dispatch_lookup(LIT("watch"));
    assert_int_equal(watch->first_key, 1);
    assert_int_equal(watch->last_key, -1);
    assert_int_equal(watch->key_step, 1);
    assert_string_equal(acl_string(watch), "fast transaction");
    assert_int_equal(multi_register_commands(err, sizeof err), -1);
    assert_string_equal(err, "command 'multi' is already registered by the core");
}

/* dispatch_process end to end on a bare client. */

static client *client_new(void)
{
    client *c = zcalloc(sizeof *c);
    c->resp = 2;
    c->reply_mode = MODIS_REPLY_ON;
    return c;
}

static void client_del(client *c)
{
    multi_reset(c);
    reply_free_all(c);
    zfree(c->buf);
    zfree(c);
    server.pending_write = NULL;
}

/* Asserts c's output is exactly want and forgets it. */
static void expect(client *c, const char *want)
{
    assert_null(c->chead);
    assert_int_equal(c->bufpos, strlen(want));
    assert_memory_equal(c->buf, want, c->bufpos);
    reply_free_all(c);
}

static void process(client *c, const char *const *words, int argc)
{
    modis_str argv[8];
    for (int i = 0; i < argc; i++) {
        argv[i].ptr = words[i];
        argv[i].len = strlen(words[i]);
    }
    assert_int_equal(dispatch_process(c, argv, argc), 0);
}

static void process_rejects_unknown_commands_and_bad_arity_in_redis_wording(void **state)
{
    (void)state;
    static const modis_command ok = {.name = "ok", .handler = h_ok, .arity = 2};
    command *okc = reg(NULL, &ok);
    reg(NULL, &cont);
    client *c = client_new();

    const char *unknown[] = {"foo", "a", "b"};
    process(c, unknown, 3);
    expect(c, "-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n");

    const char *arity[] = {"OK"};
    process(c, arity, 1);
    expect(c, "-ERR wrong number of arguments for 'ok' command\r\n");
    assert_int_equal(okc->rejected_calls, 1);

    const char *badsub[] = {"cont", "nope"};
    process(c, badsub, 2);
    expect(c, "-ERR unknown subcommand 'nope'. Try CONT HELP.\r\n");

    const char *subarity[] = {"cont", "get"};
    process(c, subarity, 2);
    expect(c, "-ERR wrong number of arguments for 'cont|get' command\r\n");

    const char *container[] = {"cont"};
    process(c, container, 1);
    expect(c, "-ERR wrong number of arguments for 'cont' command\r\n");

    assert_int_equal(handler_calls, 0);
    const char *good[] = {"ok", "x"};
    process(c, good, 2);
    expect(c, "+OK\r\n");
    assert_int_equal(handler_calls, 1);
    assert_int_equal(okc->calls, 1);
    assert_int_equal(okc->failed_calls, 0);
    const char *subgood[] = {"CONT", "GET", "k"};
    process(c, subgood, 3);
    expect(c, "+OK\r\n");
    assert_int_equal(handler_calls, 2);
    assert_ptr_equal(c->lastcmd->parent, dispatch_lookup(LIT("cont")));
    client_del(c);
}

static void process_counts_failed_calls_and_queues_inside_multi(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(multi_register_commands(err, sizeof err), 0);
    static const modis_command bad = {.name = "bad", .handler = h_fail, .arity = 1};
    static const modis_command ok = {.name = "ok", .handler = h_ok, .arity = 1};
    command *badc = reg(NULL, &bad);
    reg(NULL, &ok);
    client *c = client_new();

    const char *bad1[] = {"bad"};
    process(c, bad1, 1);
    expect(c, "-ERR handler failed\r\n");
    assert_int_equal(badc->calls, 1);
    assert_int_equal(badc->failed_calls, 1);

    const char *multi[] = {"multi"}, *ok1[] = {"ok"}, *exec[] = {"exec"};
    process(c, multi, 1);
    process(c, ok1, 1);
    process(c, bad1, 1);
    expect(c, "+OK\r\n+QUEUED\r\n+QUEUED\r\n");
    assert_int_equal(handler_calls, 1);
    process(c, exec, 1);
    expect(c, "*2\r\n+OK\r\n-ERR handler failed\r\n");
    assert_int_equal(handler_calls, 3);
    assert_int_equal(c->flags & CLIENT_MULTI, 0);

    /* An arity error inside MULTI makes EXEC abort. */
    process(c, multi, 1);
    const char *wrong[] = {"ok", "extra"};
    process(c, wrong, 2);
    process(c, exec, 1);
    expect(c, "+OK\r\n-ERR wrong number of arguments for 'ok' command\r\n"
              "-EXECABORT Transaction discarded because of previous errors.\r\n");
    assert_int_equal(handler_calls, 3);
    client_del(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(register_parses_flags_and_lowercases_the_name),
        T(every_documented_flag_is_accepted),
        T(unknown_flag_is_refused_by_name),
        T(unknown_acl_category_is_refused_by_name),
        T(implicit_acl_categories_follow_the_flags),
        T(legacy_key_range_is_derived_from_key_specs),
        T(getkeys_finds_range_keyword_and_keynum_keys),
        T(duplicate_name_is_refused_naming_the_owner),
        T(invalid_metadata_is_refused_with_the_field),
        T(subcommands_are_registered_and_found_through_argv),
        T(bad_subcommands_are_refused_by_full_name),
        T(rename_moves_a_command_and_empty_name_removes_it),
        T(unregister_module_removes_only_its_commands),
        T(core_transaction_commands_register_with_multi_control),
        T(process_rejects_unknown_commands_and_bad_arity_in_redis_wording),
        T(process_counts_failed_calls_and_queues_inside_multi),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
