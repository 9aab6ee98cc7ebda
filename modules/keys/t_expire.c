/* t_expire.c: the EXPIRE family, TTL, PTTL, EXPIRETIME, PEXPIRETIME and PERSIST. */
#include <limits.h>
#include <stdio.h>

#include "commands.h"
#include "keys.h"

#define EXPIRE_NX (1 << 0)
#define EXPIRE_XX (1 << 1)
#define EXPIRE_GT (1 << 2)
#define EXPIRE_LT (1 << 3)

/* Parses the NX | XX | GT | LT options from argv[3] on (any number, any
 * order, as Redis); replies Redis's error and returns MODIS_ERR on an
 * unknown option or an incompatible pair. */
static int parse_expire_flags_or_reply(modis_ctx *ctx, const modis_str *argv, int argc, int *flags)
{
    *flags = 0;
    for (int j = 3; j < argc; j++) {
        if (keys_arg_is(&argv[j], "nx")) {
            *flags |= EXPIRE_NX;
        } else if (keys_arg_is(&argv[j], "xx")) {
            *flags |= EXPIRE_XX;
        } else if (keys_arg_is(&argv[j], "gt")) {
            *flags |= EXPIRE_GT;
        } else if (keys_arg_is(&argv[j], "lt")) {
            *flags |= EXPIRE_LT;
        } else {
            keys_reply_errorf(ctx, "ERR Unsupported option %.*s", (int)keys_cstrlen(&argv[j]),
                              argv[j].ptr);
            return MODIS_ERR;
        }
    }
    if ((*flags & EXPIRE_NX) && (*flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT))) {
        M->reply_error(ctx, "ERR NX and XX, GT or LT options at the same time are not compatible");
        return MODIS_ERR;
    }
    if ((*flags & EXPIRE_GT) && (*flags & EXPIRE_LT)) {
        M->reply_error(ctx, "ERR GT and LT options at the same time are not compatible");
        return MODIS_ERR;
    }
    return MODIS_OK;
}

/* True when the NX/XX/GT/LT condition lets `when` replace `current`
 * (MODIS_NO_EXPIRE: no TTL, which counts as infinite for GT and LT). */
static int expire_condition_holds(int flags, long long current, long long when)
{
    if ((flags & EXPIRE_NX) && current != MODIS_NO_EXPIRE)
        return 0;
    if ((flags & EXPIRE_XX) && current == MODIS_NO_EXPIRE)
        return 0;
    if ((flags & EXPIRE_GT) && (current == MODIS_NO_EXPIRE || when <= current))
        return 0;
    if ((flags & EXPIRE_LT) && current != MODIS_NO_EXPIRE && when >= current)
        return 0;
    return 1;
}

/* Propagates an EXPIRE-family command as Redis rewrites it: PEXPIREAT with
 * the absolute time in ms, the options (argv[3..]) kept as they were. */
static void propagate_pexpireat(modis_ctx *ctx, const modis_str *argv, int argc, long long when)
{
    char num[32];
    modis_str small[8];
    modis_str *v = argc <= 8 ? small : M->alloc((size_t)argc * sizeof *v);

    v[0].ptr = "PEXPIREAT";
    v[0].len = 9;
    v[1] = argv[1];
    v[2].ptr = num;
    v[2].len = (size_t)snprintf(num, sizeof num, "%lld", when);
    for (int j = 3; j < argc; j++)
        v[j] = argv[j];
    M->propagate(ctx, v, argc);
    if (v != small)
        M->free(v);
}

/*
 * The EXPIRE family. argv[2] is a time in `unit_ms` milliseconds, relative
 * to now when `relative`, else absolute. Options are parsed before the
 * number (as Redis does, so an option error wins over a bad number). A
 * resulting time at or before now deletes the key (propagated as DEL);
 * otherwise the TTL is set and propagated as PEXPIREAT with the absolute
 * time, keeping any options. `name` is the command's name for the overflow
 * error text.
 */
static void expire_generic(modis_ctx *ctx, const modis_str *argv, int argc, const char *name,
                           int relative, int unit_ms)
{
    modis_db *db = M->db(ctx);
    const modis_str *key = &argv[1];
    long long when, now = M->now_ms(ctx);
    long long basetime = relative ? now : 0;
    int flags;

    if (parse_expire_flags_or_reply(ctx, argv, argc, &flags) != MODIS_OK ||
        keys_ll_or_reply(ctx, &argv[2], &when) != MODIS_OK)
        return;
    if (unit_ms == 1000) {
        if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000)
            goto overflow;
        when *= 1000;
    }
    if (when > LLONG_MAX - basetime)
        goto overflow;
    when += basetime;

    if (M->lookup(ctx, db, key, NULL, MODIS_LOOKUP_WRITE, NULL, NULL) != MODIS_KEY_FOUND) {
        M->reply_int(ctx, 0);
        return;
    }
    if (flags && !expire_condition_holds(flags, M->get_expire(ctx, db, key), when)) {
        M->reply_int(ctx, 0);
        return;
    }

    if (when <= now) {
        modis_str del[2] = {{"DEL", 3}, *key};
        M->delete(ctx, db, key);
        M->signal_modified(ctx, db, key);
        M->reply_int(ctx, 1);
        M->propagate(ctx, del, 2);
        return;
    }

    M->set_expire(ctx, db, key, when);
    M->signal_modified(ctx, db, key);
    M->reply_int(ctx, 1);
    propagate_pexpireat(ctx, argv, argc, when);
    return;

overflow:
    keys_reply_errorf(ctx, "ERR invalid expire time in '%s' command", name);
}

/* EXPIRE key seconds [NX | XX | GT | LT] */
static void cmd_expire(modis_ctx *ctx, const modis_str *argv, int argc)
{
    expire_generic(ctx, argv, argc, "expire", 1, 1000);
}

/* PEXPIRE key milliseconds [NX | XX | GT | LT] */
static void cmd_pexpire(modis_ctx *ctx, const modis_str *argv, int argc)
{
    expire_generic(ctx, argv, argc, "pexpire", 1, 1);
}

/* EXPIREAT key unix-time-seconds [NX | XX | GT | LT] */
static void cmd_expireat(modis_ctx *ctx, const modis_str *argv, int argc)
{
    expire_generic(ctx, argv, argc, "expireat", 0, 1000);
}

/* PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT] */
static void cmd_pexpireat(modis_ctx *ctx, const modis_str *argv, int argc)
{
    expire_generic(ctx, argv, argc, "pexpireat", 0, 1);
}

/*
 * TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 for a missing key, -1 without a
 * TTL, else the remaining (or absolute when `absolute`) time, never below
 * 0, in ms or in seconds rounded to nearest.
 */
static void ttl_generic(modis_ctx *ctx, const modis_str *key, int in_ms, int absolute)
{
    modis_db *db = M->db(ctx);
    long long expire, ttl;

    if (!keys_probe(ctx, db, key)) {
        M->reply_int(ctx, -2);
        return;
    }
    expire = M->get_expire(ctx, db, key);
    if (expire == MODIS_NO_EXPIRE || expire == MODIS_KEY_NOT_FOUND) {
        M->reply_int(ctx, expire == MODIS_NO_EXPIRE ? -1 : -2);
        return;
    }
    if (absolute) {
        ttl = expire;
    } else {
        long long now = M->now_ms(ctx);
        ttl = expire > now ? expire - now : 0;
    }
    if (ttl < 0)
        ttl = 0;
    /* Seconds rounded half up, without Redis's overflow in (ttl + 500) / 1000:
     * its binaries print the exact value, 9223372036854776 for LLONG_MAX ms. */
    M->reply_int(ctx, in_ms ? ttl : ttl / 1000 + (ttl % 1000 >= 500));
}

/* TTL key */
static void cmd_ttl(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    ttl_generic(ctx, &argv[1], 0, 0);
}

/* PTTL key */
static void cmd_pttl(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    ttl_generic(ctx, &argv[1], 1, 0);
}

/* EXPIRETIME key */
static void cmd_expiretime(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    ttl_generic(ctx, &argv[1], 0, 1);
}

/* PEXPIRETIME key */
static void cmd_pexpiretime(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    ttl_generic(ctx, &argv[1], 1, 1);
}

/* PERSIST key: 1 when a TTL was removed. */
static void cmd_persist(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    const modis_str *key = &argv[1];

    (void)argc;
    if (M->lookup(ctx, db, key, NULL, MODIS_LOOKUP_WRITE, NULL, NULL) != MODIS_KEY_FOUND ||
        M->get_expire(ctx, db, key) == MODIS_NO_EXPIRE) {
        M->reply_int(ctx, 0);
        return;
    }
    M->set_expire(ctx, db, key, MODIS_NO_EXPIRE);
    M->signal_modified(ctx, db, key);
    M->reply_int(ctx, 1);
    M->propagate_verbatim(ctx);
}

#define EXPIRE_COMMAND(cname, handler_fn, summ, since_v, argtab)                              \
    {                                                                                          \
        .name = (cname), .handler = (handler_fn), .arity = -3, .flags = "write fast",          \
        .acl_categories = "keyspace", .key_specs = keys_ks_update_one, .summary = (summ),      \
        .since = (since_v), .group = KEYS_GROUP, .complexity = "O(1)",                         \
        .history = keys_hist_expire, .args = (argtab)                                          \
    }

#define TTL_COMMAND(cname, handler_fn, summ, since_v, hist, tip)                               \
    {                                                                                          \
        .name = (cname), .handler = (handler_fn), .arity = 2, .flags = "readonly fast",        \
        .acl_categories = "keyspace", .key_specs = keys_ks_access_one, .summary = (summ),      \
        .since = (since_v), .group = KEYS_GROUP, .complexity = "O(1)", .history = (hist),      \
        .tips = (tip), .args = keys_args_key                                                   \
    }

const modis_command keys_expire_commands[] = {
    EXPIRE_COMMAND("expire", cmd_expire, "Sets a key to expire after a number of seconds.",
                   "1.0.0", keys_args_expire),
    EXPIRE_COMMAND("pexpire", cmd_pexpire,
                   "Sets a key to expire after a number of milliseconds.", "2.6.0",
                   keys_args_pexpire),
    EXPIRE_COMMAND("expireat", cmd_expireat,
                   "Sets a key to expire at a given Unix time in seconds.", "1.2.0",
                   keys_args_expireat),
    EXPIRE_COMMAND("pexpireat", cmd_pexpireat,
                   "Sets a key to expire at a given Unix time in milliseconds.", "2.6.0",
                   keys_args_pexpireat),
    TTL_COMMAND("ttl", cmd_ttl, "Returns the seconds a key has left to live.", "1.0.0",
                keys_hist_ttl, "nondeterministic_output"),
    TTL_COMMAND("pttl", cmd_pttl, "Returns the milliseconds a key has left to live.", "2.6.0",
                keys_hist_ttl, "nondeterministic_output"),
    TTL_COMMAND("expiretime", cmd_expiretime,
                "Returns the Unix time in seconds at which a key will expire.", "7.0.0", NULL,
                NULL),
    TTL_COMMAND("pexpiretime", cmd_pexpiretime,
                "Returns the Unix time in milliseconds at which a key will expire.", "7.0.0",
                NULL, NULL),
    {.name = "persist",
     .handler = cmd_persist,
     .arity = 2,
     .flags = "write fast",
     .acl_categories = "keyspace",
     .key_specs = keys_ks_update_one,
     .summary = "Drops a key's expiration so that it lives until deleted.",
     .since = "2.2.0",
     .group = KEYS_GROUP,
     .complexity = "O(1)",
     .args = keys_args_key},
    {.name = NULL},
};
