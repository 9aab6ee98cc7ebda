/* t_object.c: OBJECT, a container of ENCODING, REFCOUNT, IDLETIME, FREQ and HELP. */
#include <string.h>

#include "commands.h"
#include "keys.h"

/* Finds the key of an OBJECT subcommand without touching it; replies null
 * and returns 0 when it is missing. */
static int object_lookup_or_reply(modis_ctx *ctx, const modis_str *key)
{
    if (!keys_probe(ctx, M->db(ctx), key)) {
        M->reply_null(ctx);
        return 0;
    }
    return 1;
}

static void policy_visit(void *priv, const char *name, const char *value)
{
    int *lfu = priv;

    if (strcmp(name, "maxmemory-policy") == 0 && value && strstr(value, "lfu"))
        *lfu = 1;
}

/* True when the server's maxmemory-policy is an LFU one (allkeys-lfu,
 * volatile-lfu); false when the server does not know the parameter. */
static int lfu_policy(modis_ctx *ctx)
{
    int lfu = 0;

    M->config_get(ctx, "maxmemory-policy", policy_visit, &lfu);
    return lfu;
}

/* OBJECT ENCODING key: the name the value's module gives its encoding. A
 * type without an encoding_name method shows "raw", as Redis shows module
 * values. */
static void cmd_object_encoding(modis_ctx *ctx, const modis_str *argv, int argc)
{
    const char *enc;

    (void)argc;
    if (!object_lookup_or_reply(ctx, &argv[2]))
        return;
    enc = M->encoding_name(ctx, M->db(ctx), &argv[2]);
    M->reply_cstr(ctx, enc ? enc : "raw");
}

/* OBJECT REFCOUNT key: 1, or what the value's type says (the strings module
 * shows Redis's shared-integer count for 0-9999). */
static void cmd_object_refcount(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    if (!object_lookup_or_reply(ctx, &argv[2]))
        return;
    M->reply_int(ctx, M->key_refcount(ctx, M->db(ctx), &argv[2]));
}

/* OBJECT IDLETIME key: seconds since the last access; an error under an LFU
 * policy, where the access field holds a counter instead, as Redis. */
static void cmd_object_idletime(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    if (!object_lookup_or_reply(ctx, &argv[2]))
        return;
    if (lfu_policy(ctx)) {
        M->reply_error(ctx, "ERR An LFU maxmemory policy is selected, idle time not tracked. "
                            "Please note that when switching between policies at runtime LRU "
                            "and LFU data will take some time to adjust.");
        return;
    }
    M->reply_int(ctx, M->key_idle_ms(ctx, M->db(ctx), &argv[2]) / 1000);
}

/* OBJECT FREQ key: the logarithmic access counter under an LFU policy;
 * Redis's error under any other policy. */
static void cmd_object_freq(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    if (!object_lookup_or_reply(ctx, &argv[2]))
        return;
    if (!lfu_policy(ctx)) {
        M->reply_error(ctx, "ERR An LFU maxmemory policy is not selected, access frequency not "
                            "tracked. Please note that when switching between policies at "
                            "runtime LRU and LFU data will take some time to adjust.");
        return;
    }
    M->reply_int(ctx, M->key_freq(ctx, M->db(ctx), &argv[2]));
}

/* The lines of OBJECT HELP, byte for byte as Redis prints them. */
static const char *const object_help[] = {
    "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
    "HELP",
    "    Prints this help.",
};

/* OBJECT HELP */
static void cmd_object_help(modis_ctx *ctx, const modis_str *argv, int argc)
{
    size_t n = sizeof object_help / sizeof object_help[0];

    (void)argv;
    (void)argc;
    M->reply_array(ctx, (long)n);
    for (size_t i = 0; i < n; i++)
        M->reply_simple(ctx, object_help[i]);
}

#define OBJECT_KEY_SUBCOMMAND(cname, handler_fn, summ, since_v)                                \
    {                                                                                          \
        .name = (cname), .handler = (handler_fn), .arity = 3, .flags = "readonly",             \
        .acl_categories = "keyspace", .key_specs = keys_ks_object, .summary = (summ),          \
        .since = (since_v), .group = KEYS_GROUP, .complexity = "O(1)",                         \
        .tips = "nondeterministic_output", .args = keys_args_key                               \
    }

static const modis_command object_subcommands[] = {
    OBJECT_KEY_SUBCOMMAND("encoding", cmd_object_encoding,
                          "Names the internal representation of a key's value.", "2.2.3"),
    OBJECT_KEY_SUBCOMMAND("freq", cmd_object_freq,
                          "Returns the logarithmic access-frequency counter of a key.", "4.0.0"),
    OBJECT_KEY_SUBCOMMAND("idletime", cmd_object_idletime,
                          "Returns how many seconds ago a key was last accessed.", "2.2.3"),
    OBJECT_KEY_SUBCOMMAND("refcount", cmd_object_refcount,
                          "Returns how many references a key's value has.", "2.2.3"),
    {.name = "help",
     .handler = cmd_object_help,
     .arity = 2,
     .flags = "loading stale",
     .acl_categories = "keyspace",
     .summary = "Describes the OBJECT subcommands.",
     .since = "6.2.0",
     .group = KEYS_GROUP,
     .complexity = "O(1)"},
    {.name = NULL},
};

const modis_command keys_object_commands[] = {
    {.name = "object",
     .handler = NULL,
     .arity = -2,
     .flags = "",
     .summary = "Container for the commands that inspect how a key's value is stored.",
     .since = "2.2.3",
     .group = KEYS_GROUP,
     .complexity = "Depends on subcommand.",
     .subcommands = object_subcommands},
    {.name = NULL},
};
