/* t_string.c: whole-value string commands: the SET and GET families, MSET, MSETNX and MGET. */
#include <limits.h>
#include <string.h>

#include "strings.h"

/* Options of SET and GETEX, as Redis's OBJ_* flags. */
#define OBJ_SET_NX (1 << 0)
#define OBJ_SET_XX (1 << 1)
#define OBJ_EX (1 << 2)
#define OBJ_PX (1 << 3)
#define OBJ_KEEPTTL (1 << 4)
#define OBJ_SET_GET (1 << 5)
#define OBJ_EXAT (1 << 6)
#define OBJ_PXAT (1 << 7)
#define OBJ_PERSIST (1 << 8)

#define UNIT_SECONDS 0
#define UNIT_MILLISECONDS 1

#define COMMAND_GET 0
#define COMMAND_SET 1

/* What set_generic replies: SET's "+OK" / null, or SETNX's 1 / 0. */
#define SET_REPLY_OK 0
#define SET_REPLY_BOOL 1

#define STR_ARG(s)                                                                                 \
    {                                                                                              \
        s, sizeof(s) - 1                                                                           \
    }

/* Replies the value in area as a bulk string. */
static void reply_value(modis_ctx *ctx, const void *area, size_t size)
{
    const unsigned char *a = area;
    strview v;

    if (a[0] == STR_TAG_EMB) {
        M->reply_bulk(ctx, a + 1, size - 1);
        return;
    }
    strobj_view(area, size, &v);
    M->reply_bulk(ctx, v.ptr, v.len);
}

/* Redis's getGenericCommand: replies the value of key, or null when it is
 * missing. Returns MODIS_ERR (after the WRONGTYPE reply) when key holds
 * another type. */
static int get_generic(modis_ctx *ctx, modis_db *db, const modis_str *key)
{
    void *area;
    size_t size;
    int r = M->lookup(ctx, db, key, string_type, MODIS_LOOKUP_READ, &area, &size);

    if (r == MODIS_KEY_MISSING) {
        M->reply_null(ctx);
        return MODIS_OK;
    }
    if (r == MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
        return MODIS_ERR;
    }
    reply_value(ctx, area, size);
    return MODIS_OK;
}

/* Redis's parseExtendedStringArgumentsOrReply: reads the options of SET
 * (from argv[3]) or GETEX (from argv[2]) into *flags, *unit and *expire.
 * Conflicting or unknown options, or a time option without its value, reply
 * "ERR syntax error" and return MODIS_ERR. Repeating the same option is
 * accepted, as in Redis (the last value wins). */
static int parse_extended_args(modis_ctx *ctx, const modis_str *argv, int argc, int *flags,
                               int *unit, const modis_str **expire, int command_type)
{
    const int set = command_type == COMMAND_SET;
    const int timeopts = OBJ_EX | OBJ_PX | OBJ_EXAT | OBJ_PXAT;

    for (int j = set ? 3 : 2; j < argc; j++) {
        const modis_str *opt = &argv[j];
        const modis_str *next = j == argc - 1 ? NULL : &argv[j + 1];
        int f = *flags;

        if (set && util_arg_is(opt, "nx") && !(f & OBJ_SET_XX)) {
            *flags |= OBJ_SET_NX;
        } else if (set && util_arg_is(opt, "xx") && !(f & OBJ_SET_NX)) {
            *flags |= OBJ_SET_XX;
        } else if (set && util_arg_is(opt, "get")) {
            *flags |= OBJ_SET_GET;
        } else if (set && util_arg_is(opt, "keepttl") && !(f & (OBJ_PERSIST | timeopts))) {
            *flags |= OBJ_KEEPTTL;
        } else if (!set && util_arg_is(opt, "persist") && !(f & (OBJ_KEEPTTL | timeopts))) {
            *flags |= OBJ_PERSIST;
        } else if (util_arg_is(opt, "ex") && next &&
                   !(f & (OBJ_KEEPTTL | OBJ_PERSIST | OBJ_EXAT | OBJ_PX | OBJ_PXAT))) {
            *flags |= OBJ_EX;
            *expire = next;
            j++;
        } else if (util_arg_is(opt, "px") && next &&
                   !(f & (OBJ_KEEPTTL | OBJ_PERSIST | OBJ_EX | OBJ_EXAT | OBJ_PXAT))) {
            *flags |= OBJ_PX;
            *unit = UNIT_MILLISECONDS;
            *expire = next;
            j++;
        } else if (util_arg_is(opt, "exat") && next &&
                   !(f & (OBJ_KEEPTTL | OBJ_PERSIST | OBJ_EX | OBJ_PX | OBJ_PXAT))) {
            *flags |= OBJ_EXAT;
            *expire = next;
            j++;
        } else if (util_arg_is(opt, "pxat") && next &&
                   !(f & (OBJ_KEEPTTL | OBJ_PERSIST | OBJ_EX | OBJ_EXAT | OBJ_PX))) {
            *flags |= OBJ_PXAT;
            *unit = UNIT_MILLISECONDS;
            *expire = next;
            j++;
        } else {
            M->reply_error(ctx, MODIS_ERR_SYNTAX);
            return MODIS_ERR;
        }
    }
    return MODIS_OK;
}

/* Redis's getExpireMillisecondsOrReply: turns the expire argument into an
 * absolute unix time in ms (relative units are added to the command's start
 * time). A non-integer, a value <= 0 or an overflow replies the error naming
 * cmdname and returns MODIS_ERR. */
static int expire_ms_or_reply(modis_ctx *ctx, const modis_str *arg, int flags, int unit,
                              long long *ms, const char *cmdname)
{
    long long v;

    if (!util_str_to_ll(arg->ptr, arg->len, &v)) {
        M->reply_error(ctx, MODIS_ERR_NOT_INTEGER);
        return MODIS_ERR;
    }
    if (v <= 0 || (unit == UNIT_SECONDS && v > LLONG_MAX / 1000))
        goto invalid;
    if (unit == UNIT_SECONDS)
        v *= 1000;
    if (flags & (OBJ_PX | OBJ_EX)) {
        long long now = M->now_ms(ctx);
        if (v > LLONG_MAX - now)
            goto invalid;
        v += now;
    }
    *ms = v;
    return MODIS_OK;
invalid:
    M->reply_errorf(ctx, "ERR invalid expire time in '%s' command", cmdname);
    return MODIS_ERR;
}

/* Propagates SET without its GET tokens (argv[3..]), as Redis does for a SET
 * ... GET without a time option. */
static void propagate_without_get(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_str *out = M->alloc(sizeof(*out) * (size_t)argc);
    int n = 0;

    for (int j = 0; j < argc; j++) {
        if (j >= 3 && util_arg_is(&argv[j], "get"))
            continue;
        out[n++] = argv[j];
    }
    M->propagate(ctx, out, n);
    M->free(out);
}

/* Redis's setGenericCommand: SET, SETNX, SETEX and PSETEX. flags are OBJ_*,
 * expire the time argument or NULL, cmdname the name errors use. */
static void set_generic(modis_ctx *ctx, const modis_str *argv, int argc, int flags,
                        const modis_str *key, const modis_str *val, const modis_str *expire,
                        int unit, int reply_style, const char *cmdname)
{
    modis_db *db = M->db(ctx);
    long long ms = 0;

    if (expire && expire_ms_or_reply(ctx, expire, flags, unit, &ms, cmdname) != MODIS_OK)
        return;
    if ((flags & OBJ_SET_GET) && get_generic(ctx, db, key) != MODIS_OK)
        return;
    if (flags & (OBJ_SET_NX | OBJ_SET_XX | OBJ_KEEPTTL)) {
        /* The lookup also reclaims an expired key, so KEEPTTL cannot keep
         * a deadline that has already passed. */
        int found =
            M->lookup(ctx, db, key, NULL, MODIS_LOOKUP_WRITE, NULL, NULL) == MODIS_KEY_FOUND;
        if (((flags & OBJ_SET_NX) && found) || ((flags & OBJ_SET_XX) && !found)) {
            if (!(flags & OBJ_SET_GET)) {
                if (reply_style == SET_REPLY_BOOL)
                    M->reply_int(ctx, 0);
                else
                    M->reply_null(ctx);
            }
            return;
        }
    }

    strobj_store(ctx, db, key, val->ptr, val->len, (flags & OBJ_KEEPTTL) ? MODIS_SET_KEEPTTL : 0);
    if (expire)
        M->set_expire(ctx, db, key, ms);

    if (!(flags & OBJ_SET_GET)) {
        if (reply_style == SET_REPLY_BOOL)
            M->reply_int(ctx, 1);
        else
            M->reply_ok(ctx);
    }

    if (expire && !(flags & OBJ_PXAT)) {
        /* Relative and second-based times travel as an absolute PXAT. */
        char buf[UTIL_LL_BUF];
        modis_str rw[5] = {STR_ARG("SET"), *key, *val, STR_ARG("PXAT"), {buf, 0}};
        rw[4].len = util_ll_to_str(buf, sizeof buf, ms);
        M->propagate(ctx, rw, 5);
    } else if ((flags & OBJ_SET_GET) && !expire) {
        propagate_without_get(ctx, argv, argc);
    } else {
        M->propagate_verbatim(ctx);
    }
}

/* SET's key is read only when GET is among the options (Redis's setGetKeys:
 * any argument after the value that says "get"). */
int strings_set_key_flags(const modis_str *argv, int argc, int pos, int spec_flags)
{
    (void)pos;
    (void)spec_flags;
    for (int i = 3; i < argc; i++)
        if (util_arg_is(&argv[i], "get"))
            return MODIS_KS_RW | MODIS_KS_ACCESS | MODIS_KS_UPDATE;
    return MODIS_KS_OW | MODIS_KS_UPDATE;
}

/* SET key value [NX | XX] [GET] [EX seconds | PX milliseconds |
 *     EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL] */
static void cmd_set(modis_ctx *ctx, const modis_str *argv, int argc)
{
    const modis_str *expire = NULL;
    int unit = UNIT_SECONDS, flags = 0;

    if (argc == 3) {
        /* The common case: no options, nothing to look up first. */
        strobj_store(ctx, M->db(ctx), &argv[1], argv[2].ptr, argv[2].len, 0);
        M->reply_ok(ctx);
        M->propagate_verbatim(ctx);
        return;
    }
    if (parse_extended_args(ctx, argv, argc, &flags, &unit, &expire, COMMAND_SET) != MODIS_OK)
        return;
    set_generic(ctx, argv, argc, flags, &argv[1], &argv[2], expire, unit, SET_REPLY_OK, "set");
}

/* SETNX key value */
static void cmd_setnx(modis_ctx *ctx, const modis_str *argv, int argc)
{
    set_generic(ctx, argv, argc, OBJ_SET_NX, &argv[1], &argv[2], NULL, UNIT_SECONDS, SET_REPLY_BOOL,
                "setnx");
}

/* SETEX key seconds value */
static void cmd_setex(modis_ctx *ctx, const modis_str *argv, int argc)
{
    set_generic(ctx, argv, argc, OBJ_EX, &argv[1], &argv[3], &argv[2], UNIT_SECONDS, SET_REPLY_OK,
                "setex");
}

/* PSETEX key milliseconds value */
static void cmd_psetex(modis_ctx *ctx, const modis_str *argv, int argc)
{
    set_generic(ctx, argv, argc, OBJ_PX, &argv[1], &argv[3], &argv[2], UNIT_MILLISECONDS,
                SET_REPLY_OK, "psetex");
}

/* GET key */
static void cmd_get(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    get_generic(ctx, M->db(ctx), &argv[1]);
}

/* GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds |
 *     PXAT unix-time-milliseconds | PERSIST] */
static void cmd_getex(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    const modis_str *key = &argv[1], *expire = NULL;
    int unit = UNIT_SECONDS, flags = 0, r;
    long long ms = 0;
    void *area;
    size_t size;

    if (parse_extended_args(ctx, argv, argc, &flags, &unit, &expire, COMMAND_GET) != MODIS_OK)
        return;
    r = M->lookup(ctx, db, key, string_type, MODIS_LOOKUP_READ, &area, &size);
    if (r == MODIS_KEY_MISSING) {
        M->reply_null(ctx);
        return;
    }
    if (r == MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
        return;
    }
    if (expire && expire_ms_or_reply(ctx, expire, flags, unit, &ms, "getex") != MODIS_OK)
        return;

    /* Reply before the key may go away. */
    reply_value(ctx, area, size);

    if ((flags & (OBJ_PXAT | OBJ_EXAT)) && ms <= M->now_ms(ctx)) {
        /* An absolute time already in the past deletes the key. */
        modis_str rw[2] = {STR_ARG("DEL"), *key};
        M->delete (ctx, db, key);
        M->propagate(ctx, rw, 2);
    } else if (expire) {
        char buf[UTIL_LL_BUF];
        modis_str rw[3] = {STR_ARG("PEXPIREAT"), *key, {buf, 0}};
        rw[2].len = util_ll_to_str(buf, sizeof buf, ms);
        M->set_expire(ctx, db, key, ms);
        M->signal_modified(ctx, db, key);
        M->propagate(ctx, rw, 3);
    } else if (flags & OBJ_PERSIST) {
        if (M->get_expire(ctx, db, key) >= 0) {
            modis_str rw[2] = {STR_ARG("PERSIST"), *key};
            M->set_expire(ctx, db, key, MODIS_NO_EXPIRE);
            M->signal_modified(ctx, db, key);
            M->propagate(ctx, rw, 2);
        }
    }
}

/* GETDEL key */
static void cmd_getdel(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    (void)argc;

    if (get_generic(ctx, db, &argv[1]) != MODIS_OK)
        return;
    if (M->delete (ctx, db, &argv[1])) {
        modis_str rw[2] = {STR_ARG("DEL"), argv[1]};
        M->propagate(ctx, rw, 2);
    }
}

/* GETSET key value */
static void cmd_getset(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    modis_str rw[3] = {STR_ARG("SET"), argv[1], argv[2]};
    (void)argc;

    if (get_generic(ctx, db, &argv[1]) != MODIS_OK)
        return;
    strobj_store(ctx, db, &argv[1], argv[2].ptr, argv[2].len, 0);
    M->propagate(ctx, rw, 3);
}

/* MGET key [key ...] */
static void cmd_mget(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);

    M->reply_array(ctx, argc - 1);
    for (int j = 1; j < argc; j++) {
        void *area;
        size_t size;
        if (M->lookup(ctx, db, &argv[j], string_type, MODIS_LOOKUP_READ, &area, &size) ==
            MODIS_KEY_FOUND)
            reply_value(ctx, area, size);
        else
            M->reply_null(ctx); /* missing or another type */
    }
}

/* Redis's msetGenericCommand: MSET, and MSETNX (nx) which sets nothing when
 * any of the keys exists. */
static void mset_generic(modis_ctx *ctx, const modis_str *argv, int argc, int nx)
{
    modis_db *db = M->db(ctx);

    if (argc % 2 == 0) {
        M->reply_errorf(ctx, "ERR wrong number of arguments for '%s' command",
                        nx ? "msetnx" : "mset");
        return;
    }
    if (nx) {
        for (int j = 1; j < argc; j += 2) {
            if (M->lookup(ctx, db, &argv[j], NULL, MODIS_LOOKUP_WRITE, NULL, NULL) ==
                MODIS_KEY_FOUND) {
                M->reply_int(ctx, 0);
                return;
            }
        }
    }
    for (int j = 1; j < argc; j += 2)
        strobj_store(ctx, db, &argv[j], argv[j + 1].ptr, argv[j + 1].len, 0);
    if (nx)
        M->reply_int(ctx, 1);
    else
        M->reply_ok(ctx);
    M->propagate_verbatim(ctx);
}

/* MSET key value [key value ...] */
static void cmd_mset(modis_ctx *ctx, const modis_str *argv, int argc)
{
    mset_generic(ctx, argv, argc, 0);
}

/* MSETNX key value [key value ...] */
static void cmd_msetnx(modis_ctx *ctx, const modis_str *argv, int argc)
{
    mset_generic(ctx, argv, argc, 1);
}

/* The commands of this file, with their COMMAND INFO / COMMAND DOCS metadata. */
const modis_command strings_string_commands[] = {
    {.name = "get",
     .handler = cmd_get,
     .arity = 2,
     .flags = "readonly fast",
     .acl_categories = "string",
     .key_specs = strings_ks_ro_access,
     .summary = "Returns the string stored at a key.",
     .since = "1.0.0",
     .group = "string",
     .complexity = STRINGS_O1,
     .args = strings_args_key},
    {.name = "getdel",
     .handler = cmd_getdel,
     .arity = 2,
     .flags = "write fast",
     .acl_categories = "string",
     .key_specs = strings_ks_rw_access_delete,
     .summary = "Returns the string stored at a key and removes the key.",
     .since = "6.2.0",
     .group = "string",
     .complexity = STRINGS_O1,
     .args = strings_args_key},
    {.name = "getex",
     .handler = cmd_getex,
     .arity = -2,
     .flags = "write fast",
     .acl_categories = "string",
     .key_specs = strings_ks_getex,
     .summary = "Returns the string stored at a key, optionally changing or removing its "
                "expiry.",
     .since = "6.2.0",
     .group = "string",
     .complexity = STRINGS_O1,
     .args = strings_args_getex},
    {.name = "getset",
     .handler = cmd_getset,
     .arity = 3,
     .flags = "write denyoom fast",
     .acl_categories = "string",
     .key_specs = strings_ks_rw_access_update,
     .summary = "Stores a new string at a key and returns the one it replaced.",
     .since = "1.0.0",
     .group = "string",
     .complexity = STRINGS_O1,
     .doc_flags = MODIS_DOC_DEPRECATED,
     .deprecated_since = "6.2.0",
     .replaced_by = "`SET` with the `!GET` argument",
     .args = strings_args_key_value},
    {.name = "mget",
     .handler = cmd_mget,
     .arity = -2,
     .flags = "readonly fast",
     .acl_categories = "string",
     .key_specs = strings_ks_mget,
     .summary = "Returns the strings stored at several keys, null for the missing ones.",
     .since = "1.0.0",
     .group = "string",
     .complexity = "O(N) where N is the number of keys to retrieve.",
     .tips = "request_policy:multi_shard",
     .args = strings_args_mget},
    {.name = "mset",
     .handler = cmd_mset,
     .arity = -3,
     .flags = "write denyoom",
     .acl_categories = "string",
     .key_specs = strings_ks_mset,
     .summary = "Stores strings at several keys in one step.",
     .since = "1.0.1",
     .group = "string",
     .complexity = "O(N) where N is the number of keys to set.",
     .tips = "request_policy:multi_shard response_policy:all_succeeded",
     .args = strings_args_mset},
    {.name = "msetnx",
     .handler = cmd_msetnx,
     .arity = -3,
     .flags = "write denyoom",
     .acl_categories = "string",
     .key_specs = strings_ks_msetnx,
     .summary = "Stores strings at several keys in one step, but only when none of the keys "
                "exists.",
     .since = "1.0.1",
     .group = "string",
     .complexity = "O(N) where N is the number of keys to set.",
     .tips = "request_policy:multi_shard response_policy:agg_min",
     .args = strings_args_mset},
    {.name = "psetex",
     .handler = cmd_psetex,
     .arity = 4,
     .flags = "write denyoom",
     .acl_categories = "string",
     .key_specs = strings_ks_ow_update,
     .summary = "Stores a string at a key with a time to live given in milliseconds.",
     .since = "2.6.0",
     .group = "string",
     .complexity = STRINGS_O1,
     .args = strings_args_psetex},
    {.name = "set",
     .handler = cmd_set,
     .arity = -3,
     .flags = "write denyoom",
     .acl_categories = "string",
     .key_specs = strings_ks_set,
     .summary = "Stores a string at a key, optionally with an expiry, only if the key does or "
                "does not exist, or returning the previous value.",
     .since = "1.0.0",
     .group = "string",
     .complexity = STRINGS_O1,
     .history = strings_history_set,
     .args = strings_args_set},
    {.name = "setex",
     .handler = cmd_setex,
     .arity = 4,
     .flags = "write denyoom",
     .acl_categories = "string",
     .key_specs = strings_ks_ow_update,
     .summary = "Stores a string at a key with a time to live given in seconds.",
     .since = "2.0.0",
     .group = "string",
     .complexity = STRINGS_O1,
     .args = strings_args_setex},
    {.name = "setnx",
     .handler = cmd_setnx,
     .arity = 3,
     .flags = "write denyoom fast",
     .acl_categories = "string",
     .key_specs = strings_ks_ow_insert,
     .summary = "Stores a string at a key only when the key does not exist yet.",
     .since = "1.0.0",
     .group = "string",
     .complexity = STRINGS_O1,
     .args = strings_args_key_value},
    {.name = NULL}};
