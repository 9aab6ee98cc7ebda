/* goodmod.c: a well-formed test module (a value type, commands, a blocking one, config, on_unload)
 * for load/unload round trips. */
#include <stdio.h>
#include <string.h>

#include <modis/module.h>

/* goodmod_nounload.c includes this file with another name and no on_unload. */
#ifndef GOODMOD_NAME
#define GOODMOD_NAME "goodmod"
#define GOODMOD_UNLOAD 1
#endif

static const modis_api *M;
static modis_type *good_type;

/* The value is its bytes, stored inline in the key's area. */
static const char *good_encoding(const void *area, size_t size)
{
    (void)area;
    (void)size;
    return "raw";
}

#ifdef GOODMOD_ABI_MINOR
static long long good_refcount(modis_ctx *ctx, const void *area, size_t size)
{
    (void)ctx;
    (void)area;
    (void)size;
    return 999;
}
#endif

static const modis_type_methods good_methods = {
    .name = GOODMOD_NAME "-type",
    .encoding_name = good_encoding,
#ifdef GOODMOD_ABI_MINOR
    .refcount = good_refcount,
#endif
};

/* <prefix>.SET key value */
static void cmd_good_set(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    (void)argc;
    if (M->lookup(ctx, db, &argv[1], good_type, MODIS_LOOKUP_WRITE, NULL, NULL) ==
        MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
        return;
    }
    void *area = M->set_value(ctx, db, &argv[1], good_type, argv[2].len, 0);
    memcpy(area, argv[2].ptr, argv[2].len);
    M->reply_ok(ctx);
}

/* <prefix>.GET key */
static void cmd_good_get(modis_ctx *ctx, const modis_str *argv, int argc)
{
    void *area;
    size_t size;
    (void)argc;
    int r = M->lookup(ctx, M->db(ctx), &argv[1], good_type, MODIS_LOOKUP_READ, &area, &size);
    if (r == MODIS_KEY_WRONGTYPE)
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
    else if (r == MODIS_KEY_MISSING)
        M->reply_null(ctx);
    else
        M->reply_bulk(ctx, area, size);
}

static const char *conf_greeting; /* the config's "greeting", borrowed for the module's life */
static char watched[64];           /* slowlog-max-len as config_watch last reported it */

static void watch_slowlog_len(void *priv, const char *value)
{
    (void)priv;
    snprintf(watched, sizeof watched, "%s", value);
}

/* <prefix>.WATCHED: the server's slowlog-max-len as the module was told it. */
static void cmd_good_watched(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    M->reply_cstr(ctx, watched);
}

/* <prefix>.CONF: the greeting from the module's config, or null. */
static void cmd_good_conf(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    if (conf_greeting)
        M->reply_cstr(ctx, conf_greeting);
    else
        M->reply_null(ctx);
}

/* <prefix>.WAIT key timeout: pops the value at key (replying it and deleting
 * the key), or blocks until a <prefix>.SET creates it. */
static void cmd_good_wait(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    long long timeout;
    void *area;
    size_t size;
    (void)argc;
    if (M->parse_timeout(ctx, &argv[2], &timeout) != MODIS_OK)
        return;
    int r = M->lookup(ctx, db, &argv[1], good_type, MODIS_LOOKUP_WRITE, &area, &size);
    if (r == MODIS_KEY_FOUND) {
        M->reply_bulk(ctx, area, size);
        M->delete (ctx, db, &argv[1]);
    } else if (r == MODIS_KEY_WRONGTYPE && !M->is_reexec(ctx)) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
    } else {
        M->block_on_keys(ctx, &argv[1], 1, good_type, timeout, NULL);
    }
}

static const modis_key_spec rw_key[] = {{.flags = MODIS_KS_OW | MODIS_KS_UPDATE | MODIS_KS_VARIABLE_FLAGS,
                                         .begin_type = MODIS_KS_BEGIN_INDEX,
                                         .bs_index = 1,
                                         .find_type = MODIS_KS_FIND_RANGE,
                                         .fk_lastkey = 0,
                                         .fk_keystep = 1,
                                         .fk_limit = 0},
                                        {0}};
static const modis_key_spec pop_key[] = {{.flags = MODIS_KS_RW | MODIS_KS_ACCESS | MODIS_KS_DELETE,
                                          .begin_type = MODIS_KS_BEGIN_INDEX,
                                          .bs_index = 1,
                                          .find_type = MODIS_KS_FIND_RANGE,
                                          .fk_lastkey = 0,
                                          .fk_keystep = 1,
                                          .fk_limit = 0},
                                         {0}};
static const modis_key_spec ro_key[] = {{.flags = MODIS_KS_RO | MODIS_KS_ACCESS,
                                         .begin_type = MODIS_KS_BEGIN_INDEX,
                                         .bs_index = 1,
                                         .find_type = MODIS_KS_FIND_RANGE,
                                         .fk_lastkey = 0,
                                         .fk_keystep = 1,
                                         .fk_limit = 0},
                                        {0}};
static const modis_arg set_args[] = {{.name = "key", .type = MODIS_ARG_KEY, .key_spec_index = 0},
                                     {.name = "value", .type = MODIS_ARG_STRING},
                                     {0}};
static const modis_arg get_args[] = {{.name = "key", .type = MODIS_ARG_KEY, .key_spec_index = 0},
                                     {0}};
static const modis_arg wait_args[] = {{.name = "key", .type = MODIS_ARG_KEY, .key_spec_index = 0},
                                      {.name = "timeout", .type = MODIS_ARG_DOUBLE},
                                      {0}};

static const modis_command good_commands[] = {
    {.name = GOODMOD_NAME ".set",
     .handler = cmd_good_set,
     .arity = 3,
     .flags = "write denyoom",
     .key_specs = rw_key,
     .summary = "Stores a value of the test type.",
     .since = "1.2.3",
     .group = "module",
     .complexity = "O(1)",
     .args = set_args},
    {.name = GOODMOD_NAME ".get",
     .handler = cmd_good_get,
     .arity = 2,
     .flags = "readonly fast",
     .key_specs = ro_key,
     .summary = "Returns a value of the test type.",
     .since = "1.2.3",
     .group = "module",
     .complexity = "O(1)",
     .args = get_args},
    {.name = GOODMOD_NAME ".wait",
     .handler = cmd_good_wait,
     .arity = 3,
     .flags = "write blocking",
     .key_specs = pop_key,
     .summary = "Takes a value of the test type, waiting for one if needed.",
     .since = "1.2.3",
     .group = "module",
     .complexity = "O(1)",
     .args = wait_args},
    {.name = GOODMOD_NAME ".watched",
     .handler = cmd_good_watched,
     .arity = 1,
     .flags = "fast",
     .summary = "Returns slowlog-max-len as the module last saw it.",
     .since = "1.2.3",
     .group = "module",
     .complexity = "O(1)"},
    {.name = GOODMOD_NAME ".conf",
     .handler = cmd_good_conf,
     .arity = 1,
     .flags = "fast",
     .summary = "Returns the greeting the module's config gave it.",
     .since = "1.2.3",
     .group = "module",
     .complexity = "O(1)"},
    {0}};

/* <prefix>.SET's key flags in one call: storing the value "new" only inserts. */
static int good_set_key_flags(const modis_str *argv, int argc, int pos, int spec_flags)
{
    if (pos == 1 && argc == 3 && argv[2].len == 3 && memcmp(argv[2].ptr, "new", 3) == 0)
        return MODIS_KS_OW | MODIS_KS_INSERT;
    return spec_flags & ~MODIS_KS_VARIABLE_FLAGS;
}

/* A command that is never registered: set_key_flags must refuse it. */
static const modis_command unregistered = {.name = GOODMOD_NAME ".none", .arity = 1};

static int good_on_load(const modis_api *api, modis_module_ctx *m)
{
    M = api;
    conf_greeting = NULL;
    api->config_string(m, "greeting", &conf_greeting);
    watched[0] = '\0';
    if (MODIS_API_HAS(api, config_watch)) {
        if (api->config_watch(m, "no-such-parameter", watch_slowlog_len, NULL) != MODIS_ERR ||
            api->config_watch(m, "slowlog-max-len", watch_slowlog_len, NULL) != MODIS_OK)
            return MODIS_ERR;
    }
    good_type = api->register_type(m, &good_methods);
    if (!good_type)
        return MODIS_ERR;
    for (const modis_command *c = good_commands; c->name; c++)
        if (api->register_command(m, c) != MODIS_OK)
            return MODIS_ERR;
    if (MODIS_API_HAS(api, set_key_flags)) {
        if (api->set_key_flags(m, &unregistered, good_set_key_flags) != MODIS_ERR ||
            api->set_key_flags(m, &good_commands[0], good_set_key_flags) != MODIS_OK)
            return MODIS_ERR;
    }
    api->log(NULL, MODIS_LOG_NOTICE, "loaded (ABI %u.%u on server %s)", (unsigned)api->abi_major,
             (unsigned)api->abi_minor, api->server_version);
    return MODIS_OK;
}

#ifdef GOODMOD_UNLOAD
static void good_on_unload(void)
{
    M->log(NULL, MODIS_LOG_NOTICE, "unloading");
}
#endif

static const modis_module good_module = {
#ifdef GOODMOD_ABI_MINOR
    .magic = MODIS_MODULE_MAGIC,
    .abi_major = MODIS_ABI_MAJOR,
    .abi_minor = GOODMOD_ABI_MINOR,
    .size = sizeof(modis_module),
#else
    MODIS_MODULE_HEADER,
#endif
    .name = GOODMOD_NAME, .version = "1.2.3", .on_load = good_on_load,
#ifdef GOODMOD_UNLOAD
    .on_unload = good_on_unload,
#endif
};

MODIS_MODULE_DEFINE(good_module)
