/* multi.c: MULTI/EXEC/DISCARD/WATCH/UNWATCH and the watched-keys tables. */
#include "multi.h"

#include "alloc.h"
#include "db.h"
#include "dispatch.h"
#include "reply.h"

#include <string.h>

typedef struct watchkey {
    size_t len;
    client **clients;
    int n, cap;
    char key[];
} watchkey;

typedef struct watch_key {
    db *db;
    size_t len;
    char key[];
} watch_key;

static const char *watchkey_key(const void *e, size_t *len)
{
    const watchkey *w = e;
    *len = w->len;
    return w->key;
}

static void watchkey_free(void *e, void *priv)
{
    (void)priv;
    watchkey *w = e;
    zfree(w->clients);
    zfree(w);
}

void multi_db_init(db *d)
{
    htab_init(&d->watched, watchkey_key);
}

void multi_db_deinit(db *d)
{
    htab_deinit(&d->watched, watchkey_free, NULL);
}

void multi_touch_key(db *d, const char *key, size_t len)
{
    if (htab_size(&d->watched) == 0)
        return;
    watchkey *w = htab_find(&d->watched, htab_hash(key, len), key, len);
    if (!w)
        return;
    for (int i = 0; i < w->n; i++)
        w->clients[i]->flags |= CLIENT_DIRTY_CAS;
}

static void touch_visit(void *priv, void *e)
{
    (void)priv;
    watchkey *w = e;
    for (int i = 0; i < w->n; i++)
        w->clients[i]->flags |= CLIENT_DIRTY_CAS;
}

void multi_touch_db(db *d)
{
    if (htab_size(&d->watched) == 0)
        return;
    unsigned long long cur = 0;
    do {
        cur = htab_scan(&d->watched, cur, touch_visit, NULL);
    } while (cur);
}

static void watch_key_add(client *c, const char *key, size_t len)
{
    for (int i = 0; i < c->nwatched; i++) {
        watch_key *k = c->watched[i];
        if (k->db == c->db && k->len == len && memcmp(k->key, key, len) == 0)
            return;
    }
    db *d = c->db;
    uint64_t h = htab_hash(key, len);
    watchkey *w = htab_find(&d->watched, h, key, len);
    if (!w) {
        w = zcalloc(sizeof *w + len);
        w->len = len;
        memcpy(w->key, key, len);
        htab_insert(&d->watched, h, w);
    }
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 4;
        w->clients = zrealloc(w->clients, sizeof(client *) * (size_t)w->cap);
    }
    w->clients[w->n++] = c;
    if (c->nwatched == c->capwatched) {
        c->capwatched = c->capwatched ? c->capwatched * 2 : 4;
        c->watched = zrealloc(c->watched, sizeof(watch_key *) * (size_t)c->capwatched);
    }
    watch_key *k = zmalloc(sizeof *k + len);
    k->db = d;
    k->len = len;
    memcpy(k->key, key, len);
    c->watched[c->nwatched++] = k;
}

static void unwatch_all(client *c)
{
    for (int i = 0; i < c->nwatched; i++) {
        watch_key *k = c->watched[i];
        uint64_t h = htab_hash(k->key, k->len);
        watchkey *w = htab_find(&k->db->watched, h, k->key, k->len);
        if (w) {
            for (int j = 0; j < w->n; j++) {
                if (w->clients[j] == c) {
                    w->clients[j] = w->clients[--w->n];
                    break;
                }
            }
            if (w->n == 0) {
                htab_delete_entry(&k->db->watched, h, w);
                watchkey_free(w, NULL);
            }
        }
        zfree(k);
    }
    zfree(c->watched);
    c->watched = NULL;
    c->nwatched = c->capwatched = 0;
    c->flags &= ~CLIENT_DIRTY_CAS;
}

void multi_queue(client *c, command *cmd, const modis_str *argv, int argc)
{
    if (c->mcount == c->mcap) {
        c->mcap = c->mcap ? c->mcap * 2 : 8;
        c->mstate = zrealloc(c->mstate, sizeof(multi_cmd) * (size_t)c->mcap);
    }
    size_t total = 0;
    for (int i = 0; i < argc; i++)
        total += argv[i].len;
    /* One allocation: the argv array followed by the argument bytes. */
    modis_str *copy = zmalloc(sizeof(modis_str) * (size_t)argc + total + 1);
    char *p = (char *)(copy + argc);
    for (int i = 0; i < argc; i++) {
        memcpy(p, argv[i].ptr, argv[i].len);
        copy[i].ptr = p;
        copy[i].len = argv[i].len;
        p += argv[i].len;
    }
    c->mstate[c->mcount].cmd = cmd;
    c->mstate[c->mcount].argv = copy;
    c->mstate[c->mcount].argc = argc;
    c->mcount++;
}

static void discard_queue(client *c)
{
    for (int i = 0; i < c->mcount; i++)
        zfree(c->mstate[i].argv);
    zfree(c->mstate);
    c->mstate = NULL;
    c->mcount = c->mcap = 0;
    c->flags &= ~(CLIENT_MULTI | CLIENT_DIRTY_EXEC);
}

void multi_reset(client *c)
{
    discard_queue(c);
    unwatch_all(c);
}

/* MULTI */
static void cmd_multi(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    client *c = ctx->c;
    if (c->flags & CLIENT_MULTI) {
        reply_error(c, "ERR MULTI calls can not be nested");
        return;
    }
    c->flags |= CLIENT_MULTI;
    reply_add(c, "+OK\r\n", 5);
}

/* DISCARD */
static void cmd_discard(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    client *c = ctx->c;
    if (!(c->flags & CLIENT_MULTI)) {
        reply_error(c, "ERR DISCARD without MULTI");
        return;
    }
    multi_reset(c);
    reply_add(c, "+OK\r\n", 5);
}

/* EXEC */
static void cmd_exec(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    client *c = ctx->c;
    if (!(c->flags & CLIENT_MULTI)) {
        reply_error(c, "ERR EXEC without MULTI");
        return;
    }
    if (c->flags & CLIENT_DIRTY_EXEC) {
        reply_error(c, "EXECABORT Transaction discarded because of previous errors.");
        multi_reset(c);
        return;
    }
    if (c->flags & CLIENT_DIRTY_CAS) {
        reply_null_array(c);
        multi_reset(c);
        return;
    }
    unwatch_all(c);
    multi_cmd *q = c->mstate;
    int n = c->mcount;
    c->mstate = NULL;
    c->mcount = c->mcap = 0;
    reply_array(c, n);
    for (int i = 0; i < n; i++) {
        dispatch_call(c, q[i].cmd, q[i].argv, q[i].argc);
        zfree(q[i].argv);
    }
    zfree(q);
    c->flags &= ~(CLIENT_MULTI | CLIENT_DIRTY_EXEC);
}

/* WATCH key [key ...] */
static void cmd_watch(modis_ctx *ctx, const modis_str *argv, int argc)
{
    client *c = ctx->c;
    if (c->flags & CLIENT_MULTI) {
        reply_error(c, "ERR WATCH inside MULTI is not allowed");
        return;
    }
    for (int i = 1; i < argc; i++)
        watch_key_add(c, argv[i].ptr, argv[i].len);
    reply_add(c, "+OK\r\n", 5);
}

/* UNWATCH */
static void cmd_unwatch(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    unwatch_all(ctx->c);
    reply_add(ctx->c, "+OK\r\n", 5);
}

static const modis_key_spec watch_keys[] = {
    {.flags = MODIS_KS_RO, .begin_type = MODIS_KS_BEGIN_INDEX, .bs_index = 1,
     .find_type = MODIS_KS_FIND_RANGE, .fk_lastkey = -1, .fk_keystep = 1, .fk_limit = 0},
    {0}};

static const modis_arg watch_args[] = {
    {.name = "key", .type = MODIS_ARG_KEY, .key_spec_index = 0, .flags = MODIS_ARG_MULTIPLE},
    {0}};

static const modis_command tx_commands[] = {
    {.name = "multi", .handler = cmd_multi, .arity = 1,
     .flags = "noscript loading stale fast no_auth allow_busy", .acl_categories = "transaction",
     .summary = "Starts a transaction: later commands are queued until EXEC.", .since = "1.2.0",
     .group = "transactions", .complexity = "O(1)"},
    {.name = "exec", .handler = cmd_exec, .arity = 1, .flags = "noscript loading stale skip_slowlog",
     .acl_categories = "transaction",
     .summary = "Runs every command queued since MULTI, atomically.", .since = "1.2.0",
     .group = "transactions", .complexity = "Depends on commands in the transaction"},
    {.name = "discard", .handler = cmd_discard, .arity = 1,
     .flags = "noscript loading stale fast no_auth allow_busy", .acl_categories = "transaction",
     .summary = "Drops the commands queued since MULTI.", .since = "2.0.0",
     .group = "transactions", .complexity = "O(N), when N is the number of queued commands"},
    {.name = "watch", .handler = cmd_watch, .arity = -2,
     .flags = "noscript loading stale fast allow_busy", .acl_categories = "transaction",
     .key_specs = watch_keys,
     .summary = "Makes the next EXEC fail if any of these keys changes before it.",
     .since = "2.2.0", .group = "transactions", .complexity = "O(1) for every key.",
     .args = watch_args},
    {.name = "unwatch", .handler = cmd_unwatch, .arity = 1,
     .flags = "noscript loading stale fast allow_busy", .acl_categories = "transaction",
     .summary = "Forgets every key watched by this connection.", .since = "2.2.0",
     .group = "transactions", .complexity = "O(1)"},
    {0}};

int multi_register_commands(char *err, size_t errlen)
{
    for (const modis_command *c = tx_commands; c->name; c++)
        if (dispatch_register(NULL, c, err, errlen) < 0)
            return -1;
    return 0;
}
