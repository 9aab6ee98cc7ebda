/* db.c: the keyspace: entry layout, lookups with lazy expiry, set/resize/delete, rename/copy. */
#include "db.h"

#include "alloc.h"
#include "block.h"
#include "evict.h"
#include "multi.h"
#include "slab.h"

#include <stdlib.h>
#include <string.h>

#define F_TTL 1
#define F_TTL_WIDE 2
/* A compact expire is 5 bytes: milliseconds since TTL_BASE (2020-01-01),
 * enough until late 2054; other times take 8 bytes. */
#define TTL_BASE 1577836800000LL
#define TTL_COMPACT_SPAN (1LL << 40)

static inline size_t varint_put(unsigned char *p, size_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

static inline size_t varint_get(const unsigned char *p, size_t *v)
{
    size_t r = 0, n = 0;
    int shift = 0;
    for (;;) {
        unsigned char b = p[n++];
        r |= (size_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            break;
        shift += 7;
    }
    *v = r;
    return n;
}

static inline size_t varint_len(size_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static inline int ttl_bytes(int flags)
{
    return (flags & F_TTL) ? ((flags & F_TTL_WIDE) ? 8 : 5) : 0;
}

void entry_parse(const entry *e, entry_view *v)
{
    size_t klen, size;
    const unsigned char *p = e + ENTRY_HDR;
    p += varint_get(p, &klen);
    p += varint_get(p, &size);
    v->key = (const char *)p;
    v->klen = klen;
    p += klen;
    int tb = ttl_bytes(e[1]);
    if (tb) {
        unsigned long long t = 0;
        memcpy(&t, p, (size_t)tb); /* little endian */
        v->expire = tb == 8 ? (long long)t : (long long)t + TTL_BASE;
    } else {
        v->expire = MODIS_NO_EXPIRE;
    }
    v->area = (unsigned char *)p + tb;
    v->size = size;
}

const char *entry_key(const void *ev, size_t *len)
{
    const unsigned char *p = (const unsigned char *)ev + ENTRY_HDR;
    size_t klen, size;
    p += varint_get(p, &klen);
    p += varint_get(p, &size);
    *len = klen;
    return (const char *)p;
}

/* The allocation size of an entry, as entry_build computed it. */
static size_t entry_total(const entry *e)
{
    size_t klen, size;
    const unsigned char *p = e + ENTRY_HDR;
    p += varint_get(p, &klen);
    p += varint_get(p, &size);
    return (size_t)(p - e) + klen + (size_t)ttl_bytes(e[1]) + size;
}

/* Frees the allocation only (not what the value refers to). */
static void entry_release(entry *e)
{
    slab_free(e, entry_total(e));
}

long long entry_expire(const entry *e)
{
    if (!(e[1] & F_TTL))
        return MODIS_NO_EXPIRE;
    entry_view v;
    entry_parse(e, &v);
    return v.expire;
}

/* Builds an entry; returns it and its area in *area. */
static entry *entry_build(uint8_t type, const char *key, size_t klen, long long expire, size_t size,
                          uint32_t access, unsigned char **area)
{
    int flags = 0;
    if (expire != MODIS_NO_EXPIRE)
        flags = (expire < TTL_BASE || expire - TTL_BASE >= TTL_COMPACT_SPAN) ? (F_TTL | F_TTL_WIDE)
                                                                              : F_TTL;
    size_t tb = (size_t)ttl_bytes(flags);
    size_t total = ENTRY_HDR + varint_len(klen) + varint_len(size) + klen + tb + size;
    entry *e = slab_alloc(total);
    e[0] = type;
    e[1] = (unsigned char)flags;
    entry_set_access(e, access);
    unsigned char *p = e + ENTRY_HDR;
    p += varint_put(p, klen);
    p += varint_put(p, size);
    memcpy(p, key, klen);
    p += klen;
    if (tb) {
        unsigned long long t = (unsigned long long)(tb == 8 ? expire : expire - TTL_BASE);
        memcpy(p, &t, tb);
        p += tb;
    }
    *area = p;
    return e;
}

/* ---- access clock (OBJECT IDLETIME / FREQ), as Redis's evict.c ---- */

static inline int lfu_mode(void)
{
    return server.cfg.maxmemory_policy == POLICY_ALLKEYS_LFU ||
           server.cfg.maxmemory_policy == POLICY_VOLATILE_LFU;
}

void db_update_clock(long long now_ms)
{
    server.lru_clock = (uint32_t)(now_ms / 1000) & LRU_CLOCK_MAX;
    server.lfu_minutes = (uint32_t)(now_ms / 60000) & 0xffff;
}

uint32_t db_access_new(void)
{
    return lfu_mode() ? server.lfu_minutes << 8 | LFU_INIT_VAL : server.lru_clock;
}

unsigned long long db_idle_ms(const entry *e)
{
    unsigned long long clock = server.lru_clock, lru = entry_access(e);
    return (clock >= lru ? clock - lru : clock + (LRU_CLOCK_MAX - lru)) * 1000;
}

unsigned db_lfu_freq(const entry *e)
{
    uint32_t a = entry_access(e);
    unsigned long ldt = a >> 8, counter = a & 255, now = server.lfu_minutes;
    unsigned long elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
    unsigned long periods =
        server.cfg.lfu_decay_time > 0 ? elapsed / (unsigned long)server.cfg.lfu_decay_time : 0;
    if (periods)
        counter = periods > counter ? 0 : counter - periods;
    return (unsigned)counter;
}

void db_touch(entry *e)
{
    if (!lfu_mode()) {
        entry_set_access(e, server.lru_clock);
        return;
    }
    /* A logarithmic counter: the more it holds, the less likely a hit adds one. */
    unsigned counter = db_lfu_freq(e);
    if (counter < 255) {
        double r = (double)rand() / RAND_MAX;
        double base = counter > LFU_INIT_VAL ? (double)(counter - LFU_INIT_VAL) : 0.0;
        if (r < 1.0 / (base * server.cfg.lfu_log_factor + 1))
            counter++;
    }
    entry_set_access(e, server.lfu_minutes << 8 | counter);
}

void db_free_entry(void *ev, void *priv)
{
    (void)priv;
    entry *e = ev;
    modis_type *t = entry_type(e);
    if (t) {
        t->nkeys--;
        if (t->m.free) {
            entry_view v;
            entry_parse(e, &v);
            t->m.free(v.area, v.size);
        }
    }
    entry_release(e);
}

void db_init_all(int n)
{
    server.dbs = zcalloc(sizeof(db) * (size_t)n);
    for (int i = 0; i < n; i++) {
        server.dbs[i].id = i;
        htab_init(&server.dbs[i].keys, entry_key);
        block_db_init(&server.dbs[i]);
        multi_db_init(&server.dbs[i]);
    }
}

void db_free_all(void)
{
    if (!server.dbs)
        return;
    for (int i = 0; i < server.cfg.databases; i++) {
        htab_deinit(&server.dbs[i].keys, db_free_entry, NULL);
        block_db_deinit(&server.dbs[i]);
        multi_db_deinit(&server.dbs[i]);
    }
    zfree(server.dbs);
    server.dbs = NULL;
    evict_pool_clear();
}

entry *db_find(db *d, const char *key, size_t len)
{
    return htab_find(&d->keys, htab_hash(key, len), key, len);
}

/* Removes an entry known to be in d under hash h. */
static void unlink_entry(db *d, uint64_t h, entry *e)
{
    htab_delete_entry(&d->keys, h, e);
    if (entry_has_expire(e))
        d->expires--;
}

entry *db_lookup(db *d, const char *key, size_t len, long long now)
{
    uint64_t h = htab_hash(key, len);
    entry *e = htab_find(&d->keys, h, key, len);
    if (!e)
        return NULL;
    if (entry_has_expire(e) && entry_expire(e) < now) {
        unlink_entry(d, h, e);
        db_free_entry(e, NULL);
        server.stat_expiredkeys++;
        multi_touch_key(d, key, len);
        return NULL;
    }
    return e;
}

unsigned char *db_set(db *d, const char *key, size_t len, modis_type *t, size_t size, int flags,
                      const entry *touched)
{
    uint64_t h = htab_hash(key, len);
    htab_ref ref;
    entry *old = htab_find_ref(&d->keys, h, key, len, &ref);
    long long expire = MODIS_NO_EXPIRE;
    unsigned char *area;
    if (old) {
        if (flags & DB_SET_KEEPTTL)
            expire = entry_expire(old);
        /* Redis keeps the LFU counter of an overwritten key (counting the write's
         * own lookup); an LRU clock restarts. */
        uint32_t access = db_access_new();
        if (lfu_mode()) {
            if ((flags & DB_SET_TOUCH) && old != touched)
                db_touch(old);
            access = entry_access(old);
        }
        entry *e = entry_build(t->id, key, len, expire, size, access, &area);
        if (entry_has_expire(old))
            d->expires--;
        if (expire != MODIS_NO_EXPIRE)
            d->expires++;
        htab_ref_set(&ref, e);
        db_free_entry(old, NULL);
        t->nkeys++;
        multi_touch_key(d, key, len);
        return area;
    }
    entry *e = entry_build(t->id, key, len, expire, size, db_access_new(), &area);
    htab_insert(&d->keys, h, e);
    t->nkeys++;
    multi_touch_key(d, key, len);
    block_signal_key(d, key, len);
    return area;
}

unsigned char *db_resize(db *d, const char *key, size_t len, size_t size)
{
    uint64_t h = htab_hash(key, len);
    htab_ref ref;
    entry *old = htab_find_ref(&d->keys, h, key, len, &ref);
    if (!old)
        return NULL;
    entry_view v;
    entry_parse(old, &v);
    unsigned char *area;
    entry *e = entry_build(old[0], key, len, v.expire, size, entry_access(old), &area);
    memcpy(area, v.area, v.size < size ? v.size : size);
    htab_ref_set(&ref, e);
    entry_release(old); /* the area moved: no type free */
    return area;
}

int db_delete(db *d, const char *key, size_t len)
{
    uint64_t h = htab_hash(key, len);
    entry *e = htab_delete(&d->keys, h, key, len);
    if (!e)
        return 0;
    if (entry_has_expire(e))
        d->expires--;
    db_free_entry(e, NULL);
    multi_touch_key(d, key, len);
    return 1;
}

int db_set_expire(db *d, const char *key, size_t len, long long when)
{
    uint64_t h = htab_hash(key, len);
    htab_ref ref;
    entry *old = htab_find_ref(&d->keys, h, key, len, &ref);
    if (!old)
        return -1;
    entry_view v;
    entry_parse(old, &v);
    unsigned char *area;
    entry *e = entry_build(old[0], key, len, when, v.size, entry_access(old), &area);
    memcpy(area, v.area, v.size);
    if (v.expire != MODIS_NO_EXPIRE)
        d->expires--;
    if (when != MODIS_NO_EXPIRE)
        d->expires++;
    htab_ref_set(&ref, e);
    entry_release(old);
    multi_touch_key(d, key, len);
    return 0;
}

long long db_flush(db *d)
{
    long long n = (long long)htab_size(&d->keys);
    htab_clear(&d->keys, db_free_entry, NULL);
    d->expires = 0;
    d->expire_cursor = 0;
    multi_touch_db(d);
    return n;
}

int db_rename(db *d, const char *src, size_t slen, db *dd, const char *dst, size_t dlen)
{
    uint64_t h = htab_hash(src, slen);
    entry *old = htab_find(&d->keys, h, src, slen);
    if (!old)
        return -1;
    entry_view v;
    entry_parse(old, &v);
    unsigned char *area;
    entry *e = entry_build(old[0], dst, dlen, v.expire, v.size, entry_access(old), &area);
    memcpy(area, v.area, v.size);
    unlink_entry(d, h, old);
    entry_release(old); /* the value moved to e */
    multi_touch_key(d, src, slen);
    db_delete(dd, dst, dlen);
    htab_insert(&dd->keys, htab_hash(dst, dlen), e);
    if (v.expire != MODIS_NO_EXPIRE)
        dd->expires++;
    multi_touch_key(dd, dst, dlen);
    block_signal_key(dd, dst, dlen);
    return 0;
}

int db_copy(db *d, const char *src, size_t slen, db *dd, const char *dst, size_t dlen)
{
    entry *old = db_find(d, src, slen);
    if (!old)
        return -1;
    entry_view v;
    entry_parse(old, &v);
    modis_type *t = entry_type(old);
    unsigned char *area;
    entry *e = entry_build(old[0], dst, dlen, v.expire, v.size, db_access_new(), &area);
    if (t->m.copy)
        t->m.copy(area, v.area, v.size);
    else
        memcpy(area, v.area, v.size);
    db_delete(dd, dst, dlen);
    htab_insert(&dd->keys, htab_hash(dst, dlen), e);
    t->nkeys++;
    if (v.expire != MODIS_NO_EXPIRE)
        dd->expires++;
    multi_touch_key(dd, dst, dlen);
    block_signal_key(dd, dst, dlen);
    return 0;
}

void db_swap(int a, int b)
{
    db *x = &server.dbs[a], *y = &server.dbs[b];
    htab tk = x->keys;
    x->keys = y->keys;
    y->keys = tk;
    long long te = x->expires;
    x->expires = y->expires;
    y->expires = te;
    x->expire_cursor = y->expire_cursor = 0;
    multi_touch_db(x);
    multi_touch_db(y);
    block_signal_db(x);
    block_signal_db(y);
}

typedef struct expire_scan {
    long long now;
    entry **found;
    int n, cap;
    int sampled;
} expire_scan;

static void expire_visit(void *priv, void *ev)
{
    expire_scan *s = priv;
    entry *e = ev;
    if (!entry_has_expire(e))
        return;
    s->sampled++;
    if (entry_expire(e) < s->now) {
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 64;
            s->found = zrealloc(s->found, sizeof(entry *) * (size_t)s->cap);
        }
        s->found[s->n++] = e;
    }
}

void db_active_expire(long long budget_us)
{
    long long start = ev_monotonic_us();
    expire_scan s = {0};
    for (int i = 0; i < server.cfg.databases; i++) {
        db *d = &server.dbs[i];
        htab_rehash_step(&d->keys, 1);
        if (d->expires == 0)
            continue;
        do {
            s.now = ev_mstime();
            s.n = 0;
            s.sampled = 0;
            for (int b = 0; b < 64; b++) {
                d->expire_cursor = htab_scan(&d->keys, d->expire_cursor, expire_visit, &s);
                if (d->expire_cursor == 0)
                    break;
            }
            for (int k = 0; k < s.n; k++) {
                size_t klen;
                const char *key = entry_key(s.found[k], &klen);
                /* Copy the key: deleting frees the entry that holds it. */
                char kb[256];
                char *kc = klen <= sizeof kb ? kb : zmalloc(klen);
                memcpy(kc, key, klen);
                if (db_delete(d, kc, klen))
                    server.stat_expiredkeys++;
                if (kc != kb)
                    zfree(kc);
            }
        } while (d->expires > 0 && d->expire_cursor != 0 && ev_monotonic_us() - start < budget_us);
    }
    zfree(s.found);
}
