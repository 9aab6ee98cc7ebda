/* block.c: clients blocked on keys: FIFO waiter lists per key, ready keys, timeouts. */
#include "block.h"

#include "alloc.h"
#include "conn.h"
#include "db.h"
#include "dispatch.h"
#include "reply.h"

#include <string.h>

typedef struct waitkey {
    size_t len;
    client **clients; /* FIFO */
    int n, cap;
    int queued; /* in the ready list */
    char key[];
} waitkey;

struct blocked_state {
    command *cmd;
    modis_str *argv;
    int argc;
    db *db;
    modis_str *keys; /* point into argv copies or own storage */
    int nkeys;
    const modis_type *type;
    modis_timeout_fn on_timeout;
    long long timer;
    char *store; /* all argument and key bytes */
};

typedef struct ready_key {
    db *db;
    char *key;
    size_t len;
} ready_key;

static ready_key *ready;
int block_nready;
static int capready;

static const char *waitkey_key(const void *e, size_t *len)
{
    const waitkey *w = e;
    *len = w->len;
    return w->key;
}

static void waitkey_free(void *e, void *priv)
{
    (void)priv;
    waitkey *w = e;
    zfree(w->clients);
    zfree(w);
}

void block_db_init(db *d)
{
    htab_init(&d->waiting, waitkey_key);
}

void block_db_deinit(db *d)
{
    htab_deinit(&d->waiting, waitkey_free, NULL);
}

static void queue_ready(db *d, waitkey *w)
{
    if (w->queued)
        return;
    w->queued = 1;
    if (block_nready == capready) {
        capready = capready ? capready * 2 : 16;
        ready = zrealloc(ready, sizeof(ready_key) * (size_t)capready);
    }
    ready[block_nready].db = d;
    ready[block_nready].key = zstrndup(w->key, w->len);
    ready[block_nready].len = w->len;
    block_nready++;
}

void block_signal_key(db *d, const char *key, size_t len)
{
    if (htab_size(&d->waiting) == 0)
        return;
    waitkey *w = htab_find(&d->waiting, htab_hash(key, len), key, len);
    if (w)
        queue_ready(d, w);
}

static void signal_visit(void *priv, void *e)
{
    queue_ready(priv, e);
}

void block_signal_db(db *d)
{
    if (htab_size(&d->waiting) == 0)
        return;
    unsigned long long cur = 0;
    do {
        cur = htab_scan(&d->waiting, cur, signal_visit, d);
    } while (cur);
}

static void waitkey_remove_client(db *d, const char *key, size_t len, client *c)
{
    uint64_t h = htab_hash(key, len);
    waitkey *w = htab_find(&d->waiting, h, key, len);
    if (!w)
        return;
    for (int i = 0; i < w->n; i++) {
        if (w->clients[i] == c) {
            memmove(&w->clients[i], &w->clients[i + 1], sizeof(client *) * (size_t)(w->n - i - 1));
            w->n--;
            break;
        }
    }
    if (w->n == 0) {
        htab_delete_entry(&d->waiting, h, w);
        waitkey_free(w, NULL);
    }
}

static void bs_free(blocked_state *bs)
{
    zfree(bs->argv);
    zfree(bs->keys);
    zfree(bs->store);
    zfree(bs);
}

/* Detaches c from its keys and timer; the caller replies. */
static void detach(client *c)
{
    blocked_state *bs = c->bs;
    if (!bs)
        return;
    for (int i = 0; i < bs->nkeys; i++)
        waitkey_remove_client(bs->db, bs->keys[i].ptr, bs->keys[i].len, c);
    if (bs->timer)
        ev_del_timer(server.loop, bs->timer);
    bs_free(bs);
    c->bs = NULL;
    c->flags &= ~CLIENT_BLOCKED;
    server.blocked_clients--;
}

static void queue_unblocked(client *c)
{
    if (c->flags & CLIENT_UNBLOCKED)
        return;
    c->flags |= CLIENT_UNBLOCKED;
    conn_queue_unblocked(c);
}

static long long on_block_timeout(ev_loop *loop, long long id, void *priv)
{
    (void)loop;
    (void)id;
    client *c = priv;
    blocked_state *bs = c->bs;
    if (!bs)
        return -1;
    bs->timer = 0;
    modis_timeout_fn fn = bs->on_timeout;
    modis_ctx ctx = {.c = c, .cmd = bs->cmd, .argv = bs->argv, .argc = bs->argc,
                     .now_ms = ev_mstime()};
    if (fn)
        fn(&ctx);
    else
        reply_null_array(c);
    detach(c);
    queue_unblocked(c);
    return -1;
}

void block_client(modis_ctx *ctx, const modis_str *keys, int nkeys, const modis_type *type,
                  long long timeout_ms, modis_timeout_fn on_timeout)
{
    client *c = ctx->c;
    if (ctx->reexec) {
        /* Still nothing to serve: keep the client's place. */
        ctx->blocked = 1;
        return;
    }
    if (c->flags & CLIENT_MULTI) {
        /* Inside EXEC a blocking command replies as on timeout. */
        if (on_timeout)
            on_timeout(ctx);
        else
            reply_null_array(c);
        return;
    }
    blocked_state *bs = zcalloc(sizeof *bs);
    size_t total = 0;
    for (int i = 0; i < ctx->argc; i++)
        total += ctx->argv[i].len;
    for (int i = 0; i < nkeys; i++)
        total += keys[i].len;
    bs->store = zmalloc(total ? total : 1);
    bs->argv = zmalloc(sizeof(modis_str) * (size_t)ctx->argc);
    bs->keys = zmalloc(sizeof(modis_str) * (size_t)(nkeys ? nkeys : 1));
    char *p = bs->store;
    for (int i = 0; i < ctx->argc; i++) {
        memcpy(p, ctx->argv[i].ptr, ctx->argv[i].len);
        bs->argv[i].ptr = p;
        bs->argv[i].len = ctx->argv[i].len;
        p += ctx->argv[i].len;
    }
    for (int i = 0; i < nkeys; i++) {
        memcpy(p, keys[i].ptr, keys[i].len);
        bs->keys[i].ptr = p;
        bs->keys[i].len = keys[i].len;
        p += keys[i].len;
    }
    bs->argc = ctx->argc;
    bs->nkeys = nkeys;
    bs->cmd = ctx->cmd;
    bs->db = c->db;
    bs->type = type;
    bs->on_timeout = on_timeout;
    c->bs = bs;
    c->flags |= CLIENT_BLOCKED;
    server.blocked_clients++;
    ctx->blocked = 1;
    for (int i = 0; i < nkeys; i++) {
        uint64_t h = htab_hash(bs->keys[i].ptr, bs->keys[i].len);
        waitkey *w = htab_find(&bs->db->waiting, h, bs->keys[i].ptr, bs->keys[i].len);
        if (!w) {
            w = zcalloc(sizeof *w + bs->keys[i].len);
            w->len = bs->keys[i].len;
            memcpy(w->key, bs->keys[i].ptr, w->len);
            htab_insert(&bs->db->waiting, h, w);
        }
        int dup = 0;
        for (int j = 0; j < w->n; j++)
            dup |= w->clients[j] == c;
        if (dup)
            continue;
        if (w->n == w->cap) {
            w->cap = w->cap ? w->cap * 2 : 4;
            w->clients = zrealloc(w->clients, sizeof(client *) * (size_t)w->cap);
        }
        w->clients[w->n++] = c;
    }
    if (timeout_ms > 0) {
        long long delay = timeout_ms - ev_mstime();
        if (delay < 0)
            delay = 0;
        bs->timer = ev_add_timer(server.loop, delay, on_block_timeout, c);
    }
}

/* Serves the waiters of one ready key, oldest first. */
static void serve_key(db *d, const char *key, size_t len)
{
    uint64_t h = htab_hash(key, len);
    int i = 0;
    for (;;) {
        waitkey *w = htab_find(&d->waiting, h, key, len);
        if (!w)
            return;
        w->queued = 0;
        if (i >= w->n)
            return;
        client *c = w->clients[i];
        entry *e = db_lookup(d, key, len, ev_mstime());
        if (!e)
            return;
        if (entry_type(e) != c->bs->type) {
            i++; /* waits for another type: the next waiter may be served */
            continue;
        }
        blocked_state *bs = c->bs;
        db *saved = c->db;
        c->db = bs->db;
        modis_str rk = {key, len};
        int still = dispatch_reexec(c, bs->cmd, bs->argv, bs->argc, &rk);
        c->db = saved;
        if (still) {
            i++;
            continue;
        }
        detach(c);
        queue_unblocked(c);
    }
}

void block_serve_ready(void)
{
    while (block_nready > 0) {
        ready_key *list = ready;
        int n = block_nready;
        ready = NULL;
        block_nready = capready = 0;
        for (int i = 0; i < n; i++) {
            serve_key(list[i].db, list[i].key, list[i].len);
            zfree(list[i].key);
        }
        zfree(list);
    }
}

void block_remove(client *c)
{
    if (c->bs)
        detach(c);
}

int block_unblock(client *c, int as_error)
{
    blocked_state *bs = c->bs;
    if (!bs)
        return -1;
    if (as_error) {
        reply_error(c, "UNBLOCKED client unblocked via CLIENT UNBLOCK");
    } else {
        modis_ctx ctx = {.c = c, .cmd = bs->cmd, .argv = bs->argv, .argc = bs->argc,
                         .now_ms = ev_mstime()};
        if (bs->on_timeout)
            bs->on_timeout(&ctx);
        else
            reply_null_array(c);
    }
    detach(c);
    queue_unblocked(c);
    return 0;
}

void block_resume_unblocked(void)
{
    conn_resume_unblocked();
}
