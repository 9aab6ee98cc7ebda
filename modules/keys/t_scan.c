/* t_scan.c: keyspace iteration commands: KEYS, SCAN, RANDOMKEY. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "glob.h"
#include "keys.h"

/* True when a MATCH/KEYS pattern is exactly "*", which Redis short-cuts to
 * "every key" (so even the empty key name matches it). */
static int pattern_is_all(const modis_str *pat)
{
    return pat->len == 1 && pat->ptr[0] == '*';
}

/* ---- KEYS ----------------------------------------------------------------- */

typedef struct keys_state {
    modis_ctx *ctx;
    const modis_str *pattern;
    int allkeys;
    long count;
} keys_state;

/* Scan callback of KEYS: replies each live key that matches. */
static void keys_visit(void *priv, const modis_keyinfo *info)
{
    keys_state *st = priv;

    if (st->allkeys ||
        glob_match(st->pattern->ptr, st->pattern->len, info->key.ptr, info->key.len, 0)) {
        M->reply_bulk(st->ctx, info->key.ptr, info->key.len);
        st->count++;
    }
}

/* KEYS pattern */
static void cmd_keys(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    keys_state st = {ctx, &argv[1], pattern_is_all(&argv[1]), 0};
    unsigned long long cursor = 0;
    void *len;

    (void)argc;
    len = M->reply_array(ctx, MODIS_POSTPONED_LEN);
    do {
        cursor = M->scan(ctx, db, cursor, keys_visit, &st);
    } while (cursor != 0);
    M->reply_set_len(ctx, len, st.count);
}

/* ---- SCAN ----------------------------------------------------------------- */

/* One key collected by a SCAN step, with its bytes copied out of the table. */
typedef struct scan_item {
    char *key;
    size_t len;
    const modis_type *type;
} scan_item;

typedef struct scan_batch {
    scan_item *items;
    size_t n, cap;
} scan_batch;

static void scan_visit(void *priv, const modis_keyinfo *info)
{
    scan_batch *b = priv;
    scan_item *it;

    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->items = M->realloc(b->items, b->cap * sizeof *b->items);
    }
    it = &b->items[b->n++];
    it->len = info->key.len;
    it->key = M->alloc(it->len ? it->len : 1);
    if (it->len)
        memcpy(it->key, info->key.ptr, it->len);
    it->type = info->type;
}

static void scan_batch_free(scan_batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        M->free(b->items[i].key);
    M->free(b->items);
}

/*
 * Parses a SCAN cursor as Redis 7.0 does: strtoul() over the argument seen
 * as a C string, refusing a leading space, trailing garbage and overflow.
 * Redis accepts what strtoul accepts, so "", "+5" and "-1" (wrapping) parse.
 */
static int parse_cursor_or_reply(modis_ctx *ctx, const modis_str *arg, unsigned long long *out)
{
    size_t n = keys_cstrlen(arg);
    char *buf = M->alloc(n + 1);
    char *end;
    unsigned long v;
    int ok;

    memcpy(buf, arg->ptr, n);
    buf[n] = '\0';
    errno = 0;
    v = strtoul(buf, &end, 10);
    ok = !isspace((unsigned char)buf[0]) && *end == '\0' && errno != ERANGE;
    M->free(buf);
    if (!ok) {
        M->reply_error(ctx, "ERR invalid cursor");
        return MODIS_ERR;
    }
    *out = v;
    return MODIS_OK;
}

typedef struct scan_opts {
    long count;
    const modis_str *pattern; /* NULL: no filter */
    const modis_str *type;    /* NULL: no filter */
} scan_opts;

/* Parses [MATCH pattern] [COUNT count] [TYPE type] from argv[first]; later
 * options override earlier ones. Replies the error and returns MODIS_ERR. */
static int parse_scan_opts_or_reply(modis_ctx *ctx, const modis_str *argv, int argc, int first,
                                    scan_opts *o)
{
    o->count = 10;
    o->pattern = NULL;
    o->type = NULL;
    for (int i = first; i < argc; i += 2) {
        int remaining = argc - i;
        if (keys_arg_is(&argv[i], "count") && remaining >= 2) {
            long long v;
            if (keys_ll_or_reply(ctx, &argv[i + 1], &v) != MODIS_OK)
                return MODIS_ERR;
            if (v < 1) {
                M->reply_error(ctx, MODIS_ERR_SYNTAX);
                return MODIS_ERR;
            }
            o->count = v > LONG_MAX ? LONG_MAX : (long)v;
        } else if (keys_arg_is(&argv[i], "match") && remaining >= 2) {
            o->pattern = pattern_is_all(&argv[i + 1]) ? NULL : &argv[i + 1];
        } else if (keys_arg_is(&argv[i], "type") && remaining >= 2) {
            o->type = &argv[i + 1];
        } else {
            M->reply_error(ctx, MODIS_ERR_SYNTAX);
            return MODIS_ERR;
        }
    }
    return MODIS_OK;
}

/* True when a collected key survives the MATCH and TYPE filters. Redis
 * compares the type name case-insensitively, as C strings, and reads it with
 * a counted lookup: *type_checks counts those keyspace hits. */
static int scan_keep(const scan_opts *o, const scan_item *it, long long *type_checks)
{
    if (o->pattern && !glob_match(o->pattern->ptr, o->pattern->len, it->key, it->len, 0))
        return 0;
    if (o->type) {
        (*type_checks)++;
        const char *name = it->type ? M->type_name(it->type) : NULL;
        size_t n = keys_cstrlen(o->type);
        if (!name || strlen(name) != n || strncasecmp(name, o->type->ptr, n) != 0)
            return 0;
    }
    return 1;
}

/*
 * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
 *
 * Walks table buckets from the cursor until COUNT keys were collected, the
 * iteration ends, or 10 * COUNT steps were taken, then filters them. The
 * core's scan keeps the reverse-binary cursor, so every key present for the
 * whole iteration is returned at least once even while the table resizes.
 */
static void cmd_scan(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    unsigned long long cursor;
    scan_opts o;
    scan_batch b = {NULL, 0, 0};
    long steps;
    long kept = 0;
    long long type_checks = 0;
    char cbuf[32];
    int clen;

    if (parse_cursor_or_reply(ctx, &argv[1], &cursor) != MODIS_OK ||
        parse_scan_opts_or_reply(ctx, argv, argc, 2, &o) != MODIS_OK)
        return;
    steps = o.count > LONG_MAX / 10 ? LONG_MAX : o.count * 10;
    do {
        cursor = M->scan(ctx, db, cursor, scan_visit, &b);
    } while (cursor != 0 && steps-- > 0 && b.n < (size_t)o.count);

    for (size_t i = 0; i < b.n; i++) {
        if (scan_keep(&o, &b.items[i], &type_checks))
            b.items[kept++] = b.items[i];
        else
            M->free(b.items[i].key);
    }
    b.n = (size_t)kept;
    if (type_checks)
        M->stat_add(ctx, "keyspace_hits", type_checks);

    /* Redis 7.0 prints the cursor as a signed long long. */
    clen = snprintf(cbuf, sizeof cbuf, "%lld", (long long)cursor);
    M->reply_array(ctx, 2);
    M->reply_bulk(ctx, cbuf, (size_t)clen);
    M->reply_array(ctx, kept);
    for (size_t i = 0; i < b.n; i++)
        M->reply_bulk(ctx, b.items[i].key, b.items[i].len);
    scan_batch_free(&b);
}

/* ---- RANDOMKEY -------------------------------------------------------------- */

/* RANDOMKEY: a live key, or null when there is none. An expired key the draw
 * lands on is reclaimed and the draw repeated, as Redis's dbRandomKey does. */
static void cmd_randomkey(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    long long now = M->now_ms(ctx);
    modis_keyinfo info;

    (void)argv;
    (void)argc;
    for (;;) {
        if (M->random_key(ctx, db, &info) != 0) {
            M->reply_null(ctx);
            return;
        }
        if (info.expire_ms == MODIS_NO_EXPIRE || info.expire_ms > now)
            break;
        /* info.key points into the entry the lookup frees: copy it first. */
        modis_str key = {M->alloc(info.key.len ? info.key.len : 1), info.key.len};
        memcpy((char *)key.ptr, info.key.ptr, key.len);
        M->lookup(ctx, db, &key, NULL, MODIS_LOOKUP_WRITE, NULL, NULL);
        M->free((void *)key.ptr);
    }
    M->reply_bulk(ctx, info.key.ptr, info.key.len);
}

const modis_command keys_scan_commands[] = {
    {.name = "keys",
     .handler = cmd_keys,
     .arity = 2,
     .flags = "readonly",
     .acl_categories = "keyspace dangerous",
     .summary = "Lists every key name that matches a glob-style pattern.",
     .since = "1.0.0",
     .group = KEYS_GROUP,
     .complexity = "O(N) with N being the number of keys in the database, under the assumption "
                   "that the key names in the database and the given pattern have limited "
                   "length.",
     .tips = "request_policy:all_shards nondeterministic_output_order",
     .args = keys_args_pattern},
    {.name = "scan",
     .handler = cmd_scan,
     .arity = -2,
     .flags = "readonly",
     .acl_categories = "keyspace",
     .summary = "Walks the key names of the database a few at a time, driven by a cursor.",
     .since = "2.8.0",
     .group = KEYS_GROUP,
     .complexity = "O(1) for every call. O(N) for a complete iteration, including enough "
                   "command calls for the cursor to return back to 0. N is the number of "
                   "elements inside the collection.",
     .history = keys_hist_scan,
     .tips = "nondeterministic_output request_policy:special",
     .args = keys_args_scan},
    {.name = "randomkey",
     .handler = cmd_randomkey,
     .arity = 1,
     .flags = "readonly",
     .acl_categories = "keyspace",
     .summary = "Returns the name of a key picked at random.",
     .since = "1.0.0",
     .group = KEYS_GROUP,
     .complexity = "O(1)",
     .tips = "request_policy:all_shards nondeterministic_output"},
    {.name = NULL},
};
