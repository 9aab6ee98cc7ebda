/* t_keys.c: generic key commands: DEL UNLINK EXISTS TYPE TOUCH RENAME RENAMENX COPY MOVE SWAPDB. */
#include <stddef.h>

#include "commands.h"
#include "keys.h"

/* True when key holds a live value in db; mode is a MODIS_LOOKUP_* mask. A
 * lookup deletes the key first when it has expired (lazy expiry). */
static int key_exists(modis_ctx *ctx, modis_db *db, const modis_str *key, int mode)
{
    return M->lookup(ctx, db, key, NULL, mode, NULL, NULL) == MODIS_KEY_FOUND;
}

/*
 * DEL and UNLINK: deletes each key that holds a live value (an expired key
 * is reclaimed by the lookup and not counted), replies with the number
 * deleted and propagates the command when it deleted anything. modis frees
 * values synchronously, so the two differ only in their metadata.
 */
static void del_generic(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    long long deleted = 0;

    for (int j = 1; j < argc; j++) {
        if (key_exists(ctx, db, &argv[j], MODIS_LOOKUP_WRITE) && M->delete(ctx, db, &argv[j])) {
            M->signal_modified(ctx, db, &argv[j]);
            deleted++;
        }
    }
    M->reply_int(ctx, deleted);
    if (deleted)
        M->propagate_verbatim(ctx);
}

/* DEL key [key ...] */
static void cmd_del(modis_ctx *ctx, const modis_str *argv, int argc)
{
    del_generic(ctx, argv, argc);
}

/* UNLINK key [key ...] */
static void cmd_unlink(modis_ctx *ctx, const modis_str *argv, int argc)
{
    del_generic(ctx, argv, argc);
}

/* EXISTS key [key ...]: a key named twice counts twice. */
static void cmd_exists(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    long long count = 0;

    for (int j = 1; j < argc; j++)
        count += keys_probe(ctx, db, &argv[j]);
    M->reply_int(ctx, count);
}

/* TYPE key: the name the owning module registered, "none" when missing. */
static void cmd_type(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    const modis_type *t = NULL;
    const char *name = NULL;

    (void)argc;
    if (keys_probe(ctx, db, &argv[1]))
        t = M->key_type(ctx, db, &argv[1]);
    if (t)
        name = M->type_name(t);
    M->reply_simple(ctx, name ? name : "none");
}

/* TOUCH key [key ...] */
static void cmd_touch(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    long long count = 0;

    for (int j = 1; j < argc; j++)
        count += key_exists(ctx, db, &argv[j], MODIS_LOOKUP_READ | MODIS_LOOKUP_TOUCH);
    M->reply_int(ctx, count);
}

/*
 * RENAME and RENAMENX. A missing source is an error even when both names
 * are the same; the same existing name is a no-op (OK, or 0 for RENAMENX).
 * The value moves with its TTL; the core's rename signals WATCH on both
 * names and wakes clients blocked on the destination.
 */
static void rename_generic(modis_ctx *ctx, const modis_str *argv, int nx)
{
    modis_db *db = M->db(ctx);
    const modis_str *src = &argv[1], *dst = &argv[2];

    if (!key_exists(ctx, db, src, MODIS_LOOKUP_WRITE)) {
        M->reply_error(ctx, MODIS_ERR_NO_SUCH_KEY);
        return;
    }
    if (keys_str_eq(src, dst)) {
        if (nx)
            M->reply_int(ctx, 0);
        else
            M->reply_ok(ctx);
        return;
    }
    if (nx && key_exists(ctx, db, dst, MODIS_LOOKUP_WRITE)) {
        M->reply_int(ctx, 0);
        return;
    }
    if (M->rename(ctx, db, src, db, dst) != MODIS_OK) {
        M->reply_error(ctx, MODIS_ERR_NO_SUCH_KEY);
        return;
    }
    if (nx)
        M->reply_int(ctx, 1);
    else
        M->reply_ok(ctx);
    M->propagate_verbatim(ctx);
}

/* RENAME key newkey */
static void cmd_rename(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    rename_generic(ctx, argv, 0);
}

/* RENAMENX key newkey */
static void cmd_renamenx(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    rename_generic(ctx, argv, 1);
}

/* Parses a database number argument as MOVE and COPY do and replies the
 * error when it is not an integer or not a database; returns the db or NULL. */
static modis_db *db_arg_or_reply(modis_ctx *ctx, const modis_str *arg)
{
    int id;
    modis_db *db;

    if (keys_int_or_reply(ctx, arg, &id, NULL) != MODIS_OK)
        return NULL;
    db = M->db_at(ctx, id);
    if (!db)
        M->reply_error(ctx, MODIS_ERR_DB_INDEX);
    return db;
}

/* COPY source destination [DB destination-db] [REPLACE] */
static void cmd_copy(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *src = M->db(ctx), *dst = src;
    const modis_str *key = &argv[1], *newkey = &argv[2];
    int replace = 0;

    for (int j = 3; j < argc; j++) {
        int additional = argc - j - 1;
        if (keys_arg_is(&argv[j], "replace")) {
            replace = 1;
        } else if (keys_arg_is(&argv[j], "db") && additional >= 1) {
            dst = db_arg_or_reply(ctx, &argv[j + 1]);
            if (!dst)
                return;
            j++;
        } else {
            M->reply_error(ctx, MODIS_ERR_SYNTAX);
            return;
        }
    }
    if (src == dst && keys_str_eq(key, newkey)) {
        M->reply_error(ctx, MODIS_ERR_SAME_OBJECT);
        return;
    }
    if (!key_exists(ctx, src, key, MODIS_LOOKUP_READ)) {
        M->reply_int(ctx, 0);
        return;
    }
    if (key_exists(ctx, dst, newkey, MODIS_LOOKUP_WRITE)) {
        if (!replace) {
            M->reply_int(ctx, 0);
            return;
        }
        M->delete(ctx, dst, newkey);
    }
    if (M->copy(ctx, src, key, dst, newkey) != MODIS_OK) {
        M->reply_int(ctx, 0);
        return;
    }
    M->reply_int(ctx, 1);
    M->propagate_verbatim(ctx);
}

/* MOVE key db: 0 when the key is missing or the target already has it. */
static void cmd_move(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *src = M->db(ctx), *dst;
    const modis_str *key = &argv[1];

    (void)argc;
    dst = db_arg_or_reply(ctx, &argv[2]);
    if (!dst)
        return;
    if (src == dst) {
        M->reply_error(ctx, MODIS_ERR_SAME_OBJECT);
        return;
    }
    if (!key_exists(ctx, src, key, MODIS_LOOKUP_WRITE) ||
        key_exists(ctx, dst, key, MODIS_LOOKUP_WRITE) ||
        M->rename(ctx, src, key, dst, key) != MODIS_OK) {
        M->reply_int(ctx, 0);
        return;
    }
    M->reply_int(ctx, 1);
    M->propagate_verbatim(ctx);
}

/* SWAPDB index1 index2 */
static void cmd_swapdb(modis_ctx *ctx, const modis_str *argv, int argc)
{
    int a, b;

    (void)argc;
    if (keys_int_or_reply(ctx, &argv[1], &a, "ERR invalid first DB index") != MODIS_OK ||
        keys_int_or_reply(ctx, &argv[2], &b, "ERR invalid second DB index") != MODIS_OK)
        return;
    if (!M->db_at(ctx, a) || !M->db_at(ctx, b) || M->swap_db(ctx, a, b) != MODIS_OK) {
        M->reply_error(ctx, MODIS_ERR_DB_INDEX);
        return;
    }
    M->reply_ok(ctx);
    M->propagate_verbatim(ctx);
}

const modis_command keys_generic_commands[] = {
    {.name = "del",
     .handler = cmd_del,
     .arity = -2,
     .flags = "write",
     .acl_categories = "keyspace",
     .key_specs = keys_ks_delete_all,
     .summary = "Removes one or more keys.",
     .since = "1.0.0",
     .group = KEYS_GROUP,
     .complexity = "O(N) where N is the number of keys that will be removed. When a key to "
                   "remove holds a value other than a string, the individual complexity for "
                   "this key is O(M) where M is the number of elements in the list, set, sorted "
                   "set or hash. Removing a single key that holds a string value is O(1).",
     .tips = KEYS_TIPS_MULTI_SHARD,
     .args = keys_args_keys_multi},
    {.name = "unlink",
     .handler = cmd_unlink,
     .arity = -2,
     .flags = "write fast",
     .acl_categories = "keyspace",
     .key_specs = keys_ks_delete_all,
     .summary = "Removes one or more keys, reclaiming their memory without blocking the caller.",
     .since = "4.0.0",
     .group = KEYS_GROUP,
     .complexity = "O(1) for each key removed regardless of its size. Then the command does "
                   "O(N) work in a different thread in order to reclaim memory, where N is the "
                   "number of allocations the deleted objects where composed of.",
     .tips = KEYS_TIPS_MULTI_SHARD,
     .args = keys_args_keys_multi},
    {.name = "exists",
     .handler = cmd_exists,
     .arity = -2,
     .flags = "readonly fast",
     .acl_categories = "keyspace",
     .key_specs = keys_ks_read_all,
     .summary = "Counts how many of the given keys exist.",
     .since = "1.0.0",
     .group = KEYS_GROUP,
     .complexity = "O(N) where N is the number of keys to check.",
     .history = keys_hist_exists,
     .tips = KEYS_TIPS_MULTI_SHARD,
     .args = keys_args_keys_multi},
    {.name = "type",
     .handler = cmd_type,
     .arity = 2,
     .flags = "readonly fast",
     .acl_categories = "keyspace",
     .key_specs = keys_ks_read_one,
     .summary = "Returns the type of the value held at a key.",
     .since = "1.0.0",
     .group = KEYS_GROUP,
     .complexity = "O(1)",
     .args = keys_args_key},
    {.name = "touch",
     .handler = cmd_touch,
     .arity = -2,
     .flags = "readonly fast",
     .acl_categories = "keyspace",
     .key_specs = keys_ks_read_all,
     .summary = "Marks keys as just accessed and returns how many of them exist.",
     .since = "3.2.1",
     .group = KEYS_GROUP,
     .complexity = "O(N) where N is the number of keys that will be touched.",
     .tips = KEYS_TIPS_MULTI_SHARD,
     .args = keys_args_keys_multi},
    {.name = "rename",
     .handler = cmd_rename,
     .arity = 3,
     .flags = "write",
     .acl_categories = "keyspace",
     .key_specs = keys_ks_rename,
     .summary = "Gives a key a new name, overwriting any key already called that.",
     .since = "1.0.0",
     .group = KEYS_GROUP,
     .complexity = "O(1)",
     .args = keys_args_rename},
    {.name = "renamenx",
     .handler = cmd_renamenx,
     .arity = 3,
     .flags = "write fast",
     .acl_categories = "keyspace",
     .key_specs = keys_ks_renamenx,
     .summary = "Gives a key a new name, but only when no key has that name yet.",
     .since = "1.0.0",
     .group = KEYS_GROUP,
     .complexity = "O(1)",
     .history = keys_hist_renamenx,
     .args = keys_args_rename},
    {.name = "copy",
     .handler = cmd_copy,
     .arity = -3,
     .flags = "write denyoom",
     .acl_categories = "keyspace",
     .key_specs = keys_ks_copy,
     .summary = "Duplicates a key's value under another name, optionally in another database.",
     .since = "6.2.0",
     .group = KEYS_GROUP,
     .complexity = "O(N) worst case for collections, where N is the number of nested items. "
                   "O(1) for string values.",
     .args = keys_args_copy},
    {.name = "move",
     .handler = cmd_move,
     .arity = 3,
     .flags = "write fast",
     .acl_categories = "keyspace",
     .key_specs = keys_ks_move,
     .summary = "Transfers a key to another database.",
     .since = "1.0.0",
     .group = KEYS_GROUP,
     .complexity = "O(1)",
     .args = keys_args_move},
    {.name = "swapdb",
     .handler = cmd_swapdb,
     .arity = 3,
     .flags = "write fast",
     .acl_categories = "keyspace dangerous",
     .summary = "Exchanges the whole contents of two databases.",
     .since = "4.0.0",
     .group = "server",
     .complexity = "O(N) where N is the count of clients watching or blocking on keys from both "
                   "databases.",
     .args = keys_args_swapdb},
    {.name = NULL},
};
