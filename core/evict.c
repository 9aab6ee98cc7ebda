/* evict.c: maxmemory: while used memory is over the limit, keys are deleted
 * in the order the maxmemory-policy asks for, approximated as Redis does:
 * each round samples maxmemory-samples keys per database into a pool of the
 * 16 best candidates seen so far, and evicts the best one still present. */
#include "evict.h"

#include "alloc.h"
#include "db.h"
#include "ev.h"
#include "htab.h"
#include "server.h"

#include <limits.h>
#include <math.h>
#include <string.h>

#define POOL_SIZE 16
#define KEY_INLINE 255

/* A candidate: the key is copied, since its entry may be gone by the time
 * it is picked. Sorted by score, ascending; empty slots (klen SIZE_MAX) at
 * the end. A higher score is evicted first. */
typedef struct candidate {
    unsigned long long score;
    int dbid;
    size_t klen;
    char *heap; /* the key when longer than KEY_INLINE, else NULL */
    char inline_key[KEY_INLINE];
} candidate;

static candidate pool[POOL_SIZE];
static int pool_used;
static int next_db; /* random policies take the databases in turn */
static long long timer_id = -1; /* eviction going on between commands */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int policy_volatile(int p)
{
    return p == POLICY_VOLATILE_LRU || p == POLICY_VOLATILE_LFU || p == POLICY_VOLATILE_RANDOM ||
           p == POLICY_VOLATILE_TTL;
}

/* Redis's evictionTimeLimitUs: 50 us per step up to 10, then 15% more per
 * step, no limit at 100. */
static long long time_limit_us(void)
{
    int t = server.cfg.maxmemory_eviction_tenacity;
    if (t <= 10)
        return 50LL * t;
    if (t < 100)
        return (long long)(500.0 * pow(1.15, t - 10.0));
    return LLONG_MAX;
}

/* Slots move within the pool, so the key's place is found, not stored. */
static const char *candidate_key(const candidate *c)
{
    return c->heap ? c->heap : c->inline_key;
}

static void candidate_free(candidate *c)
{
    zfree(c->heap);
    c->heap = NULL;
}

void evict_pool_clear(void)
{
    for (int i = 0; i < pool_used; i++)
        candidate_free(&pool[i]);
    pool_used = 0;
}

static unsigned long long score_of(const entry *e, int policy)
{
    switch (policy) {
    case POLICY_ALLKEYS_LFU:
    case POLICY_VOLATILE_LFU:
        return 255 - db_lfu_freq(e);
    case POLICY_VOLATILE_TTL:
        return ULLONG_MAX - (unsigned long long)entry_expire(e);
    default:
        return db_idle_ms(e);
    }
}

/* Puts a sampled entry in the pool unless the pool is full of better ones;
 * a full pool drops its worst to make room. */
static void pool_offer(int dbid, const entry *e, int policy)
{
    unsigned long long score = score_of(e, policy);
    int k = 0;
    while (k < pool_used && pool[k].score < score)
        k++;
    if (k == 0 && pool_used == POOL_SIZE)
        return; /* worse than everything in a full pool */
    size_t klen;
    const char *key = entry_key(e, &klen);
    for (int i = 0; i < pool_used; i++)
        if (pool[i].dbid == dbid && pool[i].klen == klen &&
            memcmp(candidate_key(&pool[i]), key, klen) == 0)
            return; /* already a candidate */
    if (pool_used == POOL_SIZE) {
        /* Drop the worst (slot 0) and insert just below k. */
        candidate_free(&pool[0]);
        memmove(&pool[0], &pool[1], sizeof(candidate) * (size_t)(k - 1));
        k--;
    } else {
        memmove(&pool[k + 1], &pool[k], sizeof(candidate) * (size_t)(pool_used - k));
        pool_used++;
    }
    candidate *c = &pool[k];
    c->score = score;
    c->dbid = dbid;
    c->klen = klen;
    c->heap = klen <= KEY_INLINE ? NULL : zmalloc(klen);
    memcpy(c->heap ? c->heap : c->inline_key, key, klen);
}

typedef struct volatile_sample {
    int dbid, policy, seen;
} volatile_sample;

static void volatile_visit(void *priv, void *ev)
{
    volatile_sample *s = priv;
    if (!entry_has_expire(ev))
        return;
    s->seen++;
    pool_offer(s->dbid, ev, s->policy);
}

/* Samples one database into the pool; returns how many keys were looked at.
 * Volatile policies walk the table from a cursor kept per database (keys
 * with a TTL may be few), the others draw random entries. */
static int sample_db(db *d, int policy)
{
    int want = server.cfg.maxmemory_samples;
    if (policy_volatile(policy)) {
        if (d->expires == 0)
            return 0;
        volatile_sample s = {d->id, policy, 0};
        for (long long steps = 0; steps < 64LL * want && s.seen < want; steps++) {
            d->evict_cursor = htab_scan(&d->keys, d->evict_cursor, volatile_visit, &s);
            if (d->evict_cursor == 0 && s.seen)
                break;
        }
        return s.seen;
    }
    if (htab_size(&d->keys) == 0)
        return 0;
    for (int i = 0; i < want; i++) {
        entry *e = htab_random(&d->keys, next_random());
        if (e)
            pool_offer(d->id, e, policy);
    }
    return want;
}

/* The best candidate still present (and still with a TTL under a volatile
 * policy): its database and a copy of its key (the caller frees it). */
static int pick_from_pool(int policy, char **key, size_t *klen, int *dbid)
{
    for (;;) {
        int total = 0;
        for (int i = 0; i < server.cfg.databases; i++)
            total += sample_db(&server.dbs[i], policy);
        if (total == 0)
            return 0;
        while (pool_used > 0) {
            candidate *c = &pool[--pool_used];
            entry *e = db_find(&server.dbs[c->dbid], candidate_key(c), c->klen);
            int pick = e && (!policy_volatile(policy) || entry_has_expire(e));
            if (pick) {
                *klen = c->klen;
                *key = zmalloc(c->klen ? c->klen : 1);
                memcpy(*key, candidate_key(c), c->klen);
                *dbid = c->dbid;
            }
            candidate_free(c);
            if (pick)
                return 1;
        }
    }
}

typedef struct first_volatile {
    entry *e;
} first_volatile;

static void first_volatile_visit(void *priv, void *ev)
{
    first_volatile *f = priv;
    if (!f->e && entry_has_expire(ev))
        f->e = ev;
}

/* A random key (with a TTL under volatile-random), taking the databases in
 * turn. */
static int pick_random(int policy, char **key, size_t *klen, int *dbid)
{
    for (int i = 0; i < server.cfg.databases; i++) {
        db *d = &server.dbs[next_db];
        next_db = (next_db + 1) % server.cfg.databases;
        entry *e = NULL;
        if (policy == POLICY_ALLKEYS_RANDOM) {
            e = htab_size(&d->keys) ? htab_random(&d->keys, next_random()) : NULL;
        } else if (d->expires > 0) {
            for (int tries = 0; tries < 16 && !e; tries++) {
                entry *r = htab_random(&d->keys, next_random());
                if (r && entry_has_expire(r))
                    e = r;
            }
            first_volatile f = {NULL};
            for (int steps = 0; !e && !f.e && steps < 1 << 20; steps++) {
                d->evict_cursor = htab_scan(&d->keys, d->evict_cursor, first_volatile_visit, &f);
                e = f.e;
            }
        }
        if (e) {
            const char *k = entry_key(e, klen);
            *key = zmalloc(*klen ? *klen : 1);
            memcpy(*key, k, *klen);
            *dbid = d->id;
            return 1;
        }
    }
    return 0;
}

static int over_limit(void)
{
    return (long long)zused_memory() > server.cfg.maxmemory;
}

static long long evict_timer(ev_loop *loop, long long id, void *priv)
{
    (void)loop;
    (void)id;
    (void)priv;
    if (evict_run() == EVICT_RUNNING)
        return 0; /* again at the next turn, without sleeping */
    timer_id = -1;
    return -1;
}

void evict_request(void)
{
    if (timer_id < 0 && server.loop)
        timer_id = ev_add_timer(server.loop, 0, evict_timer, NULL);
}

int evict_run(void)
{
    if (server.cfg.maxmemory <= 0 || !over_limit())
        return EVICT_OK;
    int policy = server.cfg.maxmemory_policy;
    if (policy == POLICY_NOEVICTION)
        return EVICT_FAIL;
    long long start = ev_monotonic_us(), limit = time_limit_us();
    long long freed = 0;
    while (over_limit()) {
        char *key;
        size_t klen;
        int dbid, found;
        if (policy == POLICY_ALLKEYS_RANDOM || policy == POLICY_VOLATILE_RANDOM)
            found = pick_random(policy, &key, &klen, &dbid);
        else
            found = pick_from_pool(policy, &key, &klen, &dbid);
        if (!found)
            break;
        if (db_delete(&server.dbs[dbid], key, klen)) {
            server.stat_evictedkeys++;
            server.stat_propagated++; /* a DEL, for persistence to write */
            freed++;
        }
        zfree(key);
        if ((freed & 15) == 0 && ev_monotonic_us() - start >= limit) {
            /* Out of time: a timer that fires at once goes on between
             * commands, so the loop does not sleep meanwhile. */
            evict_request();
            return EVICT_RUNNING;
        }
    }
    return over_limit() ? EVICT_FAIL : EVICT_OK;
}
