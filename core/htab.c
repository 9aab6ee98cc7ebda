/* htab.c: the keyspace hash table: cache-line buckets of entry pointers, incremental rehash. */
#include "htab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack, for long nocase keys */
#include <xxhash.h>

#include "alloc.h"

/*
 * Bucket layout (64 bytes, one cache line):
 *   meta      bit 0: slot 8 holds a child bucket instead of an entry
 *   tags[i]   0: slot i is empty (or is the child pointer); else the tag of its
 *             entry, the top 8 bits of its hash with 0 mapped to 1 (htab_tag)
 *   ptrs      9 x 6-byte little-endian pointers: slot i at ptrs[6 * i]
 * Nine pointers fit beside their tags because user-space addresses on x86-64
 * and arm64 Linux are below 2^48; htab_slot_set checks every pointer it stores
 * (entries and child buckets) and aborts on one that does not fit. Presence
 * needs no bitmap: a slot is live exactly when its tag is non-zero.
 * Chain invariant: every bucket of a chain except the last is full (8 entries
 * and the child pointer), and a child bucket holds at least 2 entries. So a
 * chain of n entries uses the fewest buckets possible, inserts go to the last
 * bucket, and a delete refills its hole from the last bucket.
 *
 * The bucket type carries no alignment attribute (child buckets come from plain
 * zmalloc, which is 64-byte aligned for 64-byte blocks under jemalloc but only
 * 16-byte aligned under glibc); the bucket arrays are aligned by hand.
 */
#define HTAB_SLOTS 9
#define HTAB_ALL 0x1ffu /* one bit per slot */
#define HTAB_CHILD 0x01u
#define HTAB_CHILD_SLOT 8
#define HTAB_PTR_BYTES 6

struct htab_bucket {
    uint8_t meta;
    uint8_t tags[HTAB_SLOTS];
    uint8_t ptrs[HTAB_SLOTS * HTAB_PTR_BYTES];
};

_Static_assert(sizeof(struct htab_bucket) == 64, "a bucket is one cache line");
_Static_assert(offsetof(struct htab_bucket, tags) == 1, "tags follow meta (tag matching)");
_Static_assert(offsetof(struct htab_bucket, ptrs) == 10, "pointers follow the tags (slot reads)");

/*
 * Sizing (Poisson bucket loads; lambda = entries per bucket = 9 x fill; a chain
 * of n > 9 entries keeps 8 at home). Grow when entries pass 88% of the slots
 * (lambda 7.9): just before growing 88% of entries sit in their home bucket and
 * 27% of buckets have a child; right after growing (44%) it is 99.5% and 0.8%.
 * 1M entries stay in 2^17 buckets (85% full, lambda 7.6): 89% of entries, and
 * the misses of 76% of buckets, need no second cache line (htab_prefetch_entries
 * brings in the child for the rest), and the table costs 10.4 bytes/entry (8.4
 * of home buckets, 2.0 of child buckets), where 7-slot buckets needed 2^18
 * buckets and 17.5. Pushing the threshold further saves little and costs
 * lookups: at 95% 15% of entries are in children for 10.2 bytes/entry, at 100%
 * 18% for 10.1. Between 86% and 90% the choice only moves which sizes round
 * down; 88% keeps up to 1.038M entries in 2^17 buckets. A new size aims at 50%
 * of the slots (a grow from 88% lands at 44%), far from both thresholds. Shrink
 * below 1/8 of the slots (Redis's rule; a shrunken table is 25-50% full), never
 * below 2^HTAB_MIN_EXP buckets.
 */
#define HTAB_MIN_EXP 2
#define HTAB_MAX_EXP 56
#define HTAB_GROW_PERCENT 88
#define HTAB_TARGET_PERCENT 50
/* htab_random: acceptance span in entries (two buckets' worth, 8 + 9). */
#define HTAB_RANDOM_SPAN 17
#define HTAB_RANDOM_TRIES 100

#define HTAB_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "htab: assertion failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);    \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static uint64_t htab_seed;

/* ---- hashing ---------------------------------------------------------------------- */

void htab_set_seed(uint64_t seed)
{
    htab_seed = seed;
}

uint64_t htab_hash(const void *key, size_t len)
{
    return XXH3_64bits_withSeed(key, len, htab_seed);
}

static unsigned char htab_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

uint64_t htab_hash_nocase(const void *key, size_t len)
{
    const unsigned char *p = key;
    unsigned char buf[256];
    if (len <= sizeof(buf)) {
        for (size_t i = 0; i < len; i++)
            buf[i] = htab_lower(p[i]);
        return XXH3_64bits_withSeed(buf, len, htab_seed);
    }
    /* Streaming XXH3 gives the same value as the one-shot call. */
    XXH3_state_t st;
    XXH3_INITSTATE(&st);
    XXH3_64bits_reset_withSeed(&st, htab_seed);
    while (len > 0) {
        size_t n = len < sizeof(buf) ? len : sizeof(buf);
        for (size_t i = 0; i < n; i++)
            buf[i] = htab_lower(p[i]);
        XXH3_64bits_update(&st, buf, n);
        p += n;
        len -= n;
    }
    return XXH3_64bits_digest(&st);
}

uint64_t htab_key_hash(const htab *t, const char *key, size_t len)
{
    return t->hashfn(key, len);
}

static uint64_t htab_entry_hash(const htab *t, const void *entry)
{
    size_t len;
    const char *key = t->keyfn(entry, &len);
    return htab_key_hash(t, key, len);
}

/* The top 8 bits of hash, with 0 (the empty slot's tag) mapped to 1: tag 1 is
 * twice as common as the others, which costs a key comparison on 1/128 of the
 * tag-1 slots instead of 1/256. */
static uint8_t htab_tag(uint64_t hash)
{
    uint8_t tag = (uint8_t)(hash >> 56);
    return (uint8_t)(tag | (tag == 0));
}

static int htab_keys_equal(const htab *t, const char *a, const char *b, size_t len)
{
    if (len == 0)
        return 1;
    if (!t->nocase)
        return memcmp(a, b, len) == 0;
    for (size_t i = 0; i < len; i++)
        if (htab_lower((unsigned char)a[i]) != htab_lower((unsigned char)b[i]))
            return 0;
    return 1;
}

/* ---- buckets ---------------------------------------------------------------------- */

static size_t htab_buckets(const htab *t, int i)
{
    return t->tables[i] ? (size_t)1 << t->exp[i] : 0;
}

static htab_bucket *htab_home(const htab *t, int i, uint64_t hash)
{
    return &t->tables[i][hash & (((uint64_t)1 << t->exp[i]) - 1)];
}

/* The pointer in slot i. Little-endian: one 8-byte load ending at the slot's last
 * byte (slot 0's starts inside the tags), shifted down; it never reads past the
 * bucket, which an 8-byte load at the slot's start would for slot 8. */
static void *htab_slot_get(const htab_bucket *b, int i)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    const unsigned char *end =
        (const unsigned char *)b + offsetof(htab_bucket, ptrs) + (size_t)(i + 1) * HTAB_PTR_BYTES;
    memcpy(&v, end - sizeof(v), sizeof(v));
    return (void *)(uintptr_t)(v >> 16);
#else
    uint64_t v = 0;
    for (int k = HTAB_PTR_BYTES - 1; k >= 0; k--)
        v = (v << 8) | b->ptrs[i * HTAB_PTR_BYTES + k];
    return (void *)(uintptr_t)v;
#endif
}

static void htab_slot_set(htab_bucket *b, int i, const void *p)
{
    uint64_t v = (uint64_t)(uintptr_t)p;
    if (v >> (8 * HTAB_PTR_BYTES)) {
        fprintf(stderr,
                "htab: pointer %p does not fit the table's 48-bit slots (user-space "
                "addresses above 2^48 are not supported)\n",
                p);
        abort();
    }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(&b->ptrs[i * HTAB_PTR_BYTES], &v, HTAB_PTR_BYTES);
#else
    for (int k = 0; k < HTAB_PTR_BYTES; k++, v >>= 8)
        b->ptrs[i * HTAB_PTR_BYTES + k] = (uint8_t)v;
#endif
}

static htab_bucket *htab_child(const htab_bucket *b)
{
    return (b->meta & HTAB_CHILD) ? htab_slot_get(b, HTAB_CHILD_SLOT) : NULL;
}

/* Bit i set: tags[i] == tag. With tag != 0, exactly the live slots whose entry
 * has that tag; with tag == 0, the empty slots and the child pointer. */
static unsigned htab_match(const htab_bucket *b, uint8_t tag)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && !defined(HTAB_NO_SWAR)
    /* SWAR over tags 0..7: 0x80 in every byte of w equal to tag (exact, no false
     * positives), gathered into bits 0..7 by one multiply (each flag lands on its
     * own bit, so no carries); tag 8 is compared on its own. */
    const uint64_t lo7 = 0x7f7f7f7f7f7f7f7fULL;
    uint64_t w;
    memcpy(&w, b->tags, sizeof(w));
    uint64_t x = w ^ (0x0101010101010101ULL * tag);
    uint64_t z = ~(((x & lo7) + lo7) | x | lo7);
    unsigned m = (unsigned)(((z >> 7) * 0x0102040810204080ULL) >> 56);
    return m | (unsigned)(b->tags[8] == tag) << 8;
#else
    unsigned m = 0;
    for (int i = 0; i < HTAB_SLOTS; i++)
        if (b->tags[i] == tag)
            m |= 1u << i;
    return m;
#endif
}

/* Bit i set: slot i holds an entry. */
static unsigned htab_present(const htab_bucket *b)
{
    return ~htab_match(b, 0) & HTAB_ALL;
}

static int htab_chain_count(const htab_bucket *b)
{
    int n = 0;
    for (; b; b = htab_child(b))
        n += __builtin_popcount(htab_present(b));
    return n;
}

/* The n-th entry of the chain starting at b (n < htab_chain_count(b)). */
static void *htab_chain_nth(const htab_bucket *b, int n)
{
    for (; b; b = htab_child(b)) {
        unsigned m = htab_present(b);
        int c = __builtin_popcount(m);
        if (n < c) {
            while (n-- > 0)
                m &= m - 1;
            return htab_slot_get(b, __builtin_ctz(m));
        }
        n -= c;
    }
    HTAB_ASSERT(0 && "chain shorter than expected");
    return NULL;
}

static void htab_slot_fill(htab_bucket *b, int i, uint8_t tag, const void *entry)
{
    htab_slot_set(b, i, entry);
    b->tags[i] = tag;
}

/* Appends entry to the chain starting at home: into the last bucket, or, when that
 * is full, into a new child that also takes the last bucket's slot 8. */
static void htab_chain_insert(htab *t, htab_bucket *home, uint8_t tag, void *entry)
{
    htab_bucket *b = home;
    for (htab_bucket *c; (c = htab_child(b));)
        b = c;
    unsigned free_slots = htab_match(b, 0);
    if (free_slots) {
        htab_slot_fill(b, __builtin_ctz(free_slots), tag, entry);
        return;
    }
    htab_bucket *c = zcalloc(sizeof(*c)); /* empty: all tags 0 */
    t->child_buckets++;
    htab_slot_fill(c, 0, b->tags[HTAB_CHILD_SLOT], htab_slot_get(b, HTAB_CHILD_SLOT));
    htab_slot_fill(c, 1, tag, entry);
    htab_slot_fill(b, HTAB_CHILD_SLOT, 0, c);
    b->meta |= HTAB_CHILD;
}

/* Removes the entry in slot i of bucket b of the chain starting at home, keeping
 * the chain invariant: the hole is refilled from the last bucket, and a child left
 * with at most one entry folds back into its parent. */
static void htab_chain_remove(htab *t, htab_bucket *home, htab_bucket *b, int i)
{
    htab_bucket *parent = NULL, *tail = home;
    for (htab_bucket *c; (c = htab_child(tail));) {
        parent = tail;
        tail = c;
    }
    if (b != tail) {
        unsigned m = htab_present(tail);
        HTAB_ASSERT(m != 0);
        int j = 31 - __builtin_clz(m);
        htab_slot_fill(b, i, tail->tags[j], htab_slot_get(tail, j));
        b = tail;
        i = j;
    }
    htab_slot_fill(b, i, 0, NULL);
    if (parent && __builtin_popcount(htab_present(tail)) <= 1) {
        unsigned m = htab_present(tail);
        parent->meta &= (uint8_t)~HTAB_CHILD;
        if (m) {
            int j = __builtin_ctz(m);
            htab_slot_fill(parent, HTAB_CHILD_SLOT, tail->tags[j], htab_slot_get(tail, j));
        } else {
            htab_slot_fill(parent, HTAB_CHILD_SLOT, 0, NULL);
        }
        zfree(tail);
        t->child_buckets--;
    }
}

/* Frees the child buckets of the chain at home and empties it, handing each
 * entry to free_entry first if given. */
static void htab_chain_release(htab *t, htab_bucket *home,
                               void (*free_entry)(void *entry, void *priv), void *priv)
{
    htab_bucket *b = home;
    while (b) {
        htab_bucket *next = htab_child(b);
        if (free_entry)
            for (unsigned m = htab_present(b); m; m &= m - 1)
                free_entry(htab_slot_get(b, __builtin_ctz(m)), priv);
        if (b != home) {
            zfree(b);
            t->child_buckets--;
        }
        b = next;
    }
    memset(home, 0, sizeof(*home));
}

/* ---- tables ----------------------------------------------------------------------- */

/* Arrays from this size on are mapped from the kernel, so the old array of a
 * finished rehash leaves RSS when it is freed, not a decay period later. */
#define HTAB_MAP_BYTES (1024 * 1024)

/* A zeroed, 64-byte aligned array of 2^exp buckets; *pad is its offset in the
 * allocation. jemalloc aligns power-of-two sizes naturally, so the padded retry
 * only happens under libc. */
static htab_bucket *htab_table_alloc(int exp, uint8_t *pad)
{
    size_t bytes = sizeof(htab_bucket) << exp;
    if (bytes >= HTAB_MAP_BYTES) {
        *pad = 0;
        return zmap(bytes);
    }
    char *raw = zcalloc(bytes);
    if (((uintptr_t)raw & 63) != 0) {
        zfree(raw);
        raw = zcalloc(bytes + 63);
    }
    *pad = (uint8_t)((64 - ((uintptr_t)raw & 63)) & 63);
    return (htab_bucket *)(raw + *pad);
}

static void htab_table_free(htab_bucket *table, uint8_t pad, int exp)
{
    if (!table)
        return;
    size_t bytes = sizeof(htab_bucket) << exp;
    if (bytes >= HTAB_MAP_BYTES)
        zunmap(table, bytes);
    else
        zfree((char *)table - pad);
}

/* The smallest exponent whose table holds n entries at the target fill. */
static int htab_exp_for(size_t n)
{
    int exp = HTAB_MIN_EXP;
    while (exp < HTAB_MAX_EXP && n * 100 > (((size_t)HTAB_SLOTS * HTAB_TARGET_PERCENT) << exp))
        exp++;
    return exp;
}

static void htab_reset(htab *t)
{
    t->tables[0] = t->tables[1] = NULL;
    t->used[0] = t->used[1] = 0;
    t->exp[0] = t->exp[1] = -1;
    t->align_pad[0] = t->align_pad[1] = 0;
    t->rehash_idx = -1;
    t->child_buckets = 0;
}

static void htab_rehash_finish(htab *t)
{
    htab_table_free(t->tables[0], t->align_pad[0], t->exp[0]);
    t->tables[0] = t->tables[1];
    t->used[0] = t->used[1];
    t->exp[0] = t->exp[1];
    t->align_pad[0] = t->align_pad[1];
    t->tables[1] = NULL;
    t->used[1] = 0;
    t->exp[1] = -1;
    t->align_pad[1] = 0;
    t->rehash_idx = -1;
}

/* Allocates the table (when there is none) or starts rehashing into a table of
 * 2^exp buckets. Not called while rehashing. */
static void htab_resize(htab *t, int exp)
{
    if (!t->tables[0]) {
        t->tables[0] = htab_table_alloc(exp, &t->align_pad[0]);
        t->exp[0] = (int8_t)exp;
        return;
    }
    if (exp == t->exp[0])
        return;
    t->tables[1] = htab_table_alloc(exp, &t->align_pad[1]);
    t->exp[1] = (int8_t)exp;
    t->used[1] = 0;
    t->rehash_idx = 0;
    if (t->used[0] == 0)
        htab_rehash_finish(t);
}

/* Starts a grow if adding `adding` entries would pass the grow threshold, or a
 * shrink if the table is below the shrink threshold. Not while rehashing. */
static void htab_resize_if_needed(htab *t, size_t adding)
{
    if (htab_is_rehashing(t) || !t->tables[0])
        return;
    size_t n = t->used[0] + adding, slots = (size_t)HTAB_SLOTS << t->exp[0];
    if (n * 100 > slots * HTAB_GROW_PERCENT || (t->exp[0] > HTAB_MIN_EXP && n * 8 < slots))
        htab_resize(t, htab_exp_for(n));
}

int htab_is_rehashing(const htab *t)
{
    return t->rehash_idx >= 0;
}

int htab_rehash_step(htab *t, int n)
{
    if (!htab_is_rehashing(t))
        return 0;
    int empty_visits = n * 10;
    size_t size0 = htab_buckets(t, 0);
    while (n-- > 0 && t->used[0] > 0) {
        HTAB_ASSERT((size_t)t->rehash_idx < size0);
        htab_bucket *home = &t->tables[0][t->rehash_idx];
        while (htab_present(home) == 0) {
            t->rehash_idx++;
            HTAB_ASSERT((size_t)t->rehash_idx < size0);
            home = &t->tables[0][t->rehash_idx];
            if (--empty_visits <= 0)
                return 1;
        }
        for (htab_bucket *b = home; b; b = htab_child(b)) {
            for (unsigned m = htab_present(b); m; m &= m - 1) {
                void *e = htab_slot_get(b, __builtin_ctz(m));
                uint64_t h = htab_entry_hash(t, e);
                htab_chain_insert(t, htab_home(t, 1, h), htab_tag(h), e);
                t->used[0]--;
                t->used[1]++;
            }
        }
        htab_chain_release(t, home, NULL, NULL);
        t->rehash_idx++;
    }
    if (t->used[0] == 0) {
        htab_rehash_finish(t);
        /* Inserts or deletes during the rehash may call for another resize. */
        htab_resize_if_needed(t, 0);
        return htab_is_rehashing(t);
    }
    return 1;
}

/* ---- lifecycle -------------------------------------------------------------------- */

void htab_init(htab *t, htab_key_fn keyfn)
{
    htab_init_hashfn(t, keyfn, htab_hash);
}

void htab_init_nocase(htab *t, htab_key_fn keyfn)
{
    htab_init_hashfn(t, keyfn, htab_hash_nocase);
    t->nocase = 1;
}

void htab_init_hashfn(htab *t, htab_key_fn keyfn, htab_hash_fn hashfn)
{
    htab_reset(t);
    t->keyfn = keyfn;
    t->hashfn = hashfn;
    t->nocase = 0;
}

void htab_deinit(htab *t, void (*free_entry)(void *entry, void *priv), void *priv)
{
    for (int i = 0; i < 2; i++) {
        size_t n = htab_buckets(t, i);
        for (size_t j = 0; j < n; j++)
            htab_chain_release(t, &t->tables[i][j], free_entry, priv);
        htab_table_free(t->tables[i], t->align_pad[i], t->exp[i]);
    }
    HTAB_ASSERT(t->child_buckets == 0);
    htab_reset(t);
}

void htab_clear(htab *t, void (*free_entry)(void *entry, void *priv), void *priv)
{
    /* The minimum-size table is allocated again by the next insert. */
    htab_deinit(t, free_entry, priv);
}

size_t htab_size(const htab *t)
{
    return t->used[0] + t->used[1];
}

size_t htab_mem_usage(const htab *t)
{
    return (htab_buckets(t, 0) + htab_buckets(t, 1) + t->child_buckets) * sizeof(htab_bucket);
}

/* ---- lookup ----------------------------------------------------------------------- */

/* Where an entry sits: table, home bucket, bucket in the chain, slot. */
typedef struct htab_pos {
    int table;
    htab_bucket *home;
    htab_bucket *bucket;
    int slot;
} htab_pos;

/* Finds the entry with key key/len (entry == NULL) or exactly the pointer entry. */
static int htab_locate(const htab *t, uint64_t hash, const char *key, size_t len, const void *entry,
                       htab_pos *pos)
{
    if (!t->tables[0])
        return 0;
    uint8_t tag = htab_tag(hash);
    for (int i = 0; i < 2; i++) {
        if (i == 1 && !htab_is_rehashing(t))
            break;
        htab_bucket *home = htab_home(t, i, hash);
        /* Buckets below rehash_idx have been moved to the new table. */
        if (i == 0 && htab_is_rehashing(t) && home < &t->tables[0][t->rehash_idx])
            continue;
        for (htab_bucket *b = home; b; b = htab_child(b)) {
            for (unsigned m = htab_match(b, tag); m; m &= m - 1) {
                int s = __builtin_ctz(m);
                if (entry) {
                    if (htab_slot_get(b, s) != entry)
                        continue;
                } else {
                    size_t elen;
                    const char *ekey = t->keyfn(htab_slot_get(b, s), &elen);
                    if (elen != len || !htab_keys_equal(t, ekey, key, len))
                        continue;
                }
                pos->table = i;
                pos->home = home;
                pos->bucket = b;
                pos->slot = s;
                return 1;
            }
        }
    }
    return 0;
}

void *htab_find(const htab *t, uint64_t hash, const char *key, size_t len)
{
    htab_pos pos;
    return htab_locate(t, hash, key, len, NULL, &pos) ? htab_slot_get(pos.bucket, pos.slot) : NULL;
}

void *htab_find_ref(const htab *t, uint64_t hash, const char *key, size_t len, htab_ref *ref)
{
    htab_pos pos;
    if (!htab_locate(t, hash, key, len, NULL, &pos))
        return NULL;
    ref->bucket = pos.bucket;
    ref->slot = pos.slot;
    return htab_slot_get(pos.bucket, pos.slot);
}

void htab_ref_set(const htab_ref *ref, void *entry)
{
    HTAB_ASSERT(entry != NULL);
    /* Same key, same hash: the tag stays. */
    htab_slot_set(ref->bucket, ref->slot, entry);
}

void *htab_find_entry(const htab *t, uint64_t hash, const void *entry)
{
    htab_pos pos;
    if (!entry)
        return NULL;
    return htab_locate(t, hash, NULL, 0, entry, &pos) ? (void *)entry : NULL;
}

int htab_replace(htab *t, uint64_t hash, const void *old, void *entry)
{
    htab_pos pos;
    if (!old || !htab_locate(t, hash, NULL, 0, old, &pos))
        return 0;
    htab_ref ref = {pos.bucket, pos.slot};
    htab_ref_set(&ref, entry);
    return 1;
}

void htab_prefetch(const htab *t, uint64_t hash)
{
    if (!t->tables[0])
        return;
    __builtin_prefetch(htab_home(t, 0, hash));
    if (htab_is_rehashing(t))
        __builtin_prefetch(htab_home(t, 1, hash));
}

void htab_prefetch_entries(const htab *t, uint64_t hash)
{
    if (!t->tables[0])
        return;
    uint8_t tag = htab_tag(hash);
    for (int i = 0; i < 2; i++) {
        if (i == 1 && !htab_is_rehashing(t))
            break;
        const htab_bucket *b = htab_home(t, i, hash);
        unsigned m = htab_match(b, tag);
        /* No candidate at home: the entry, if any, is in the child chain. Bring
         * in the first child so the lookup waits for one miss, not two. */
        if (!m && (b->meta & HTAB_CHILD))
            __builtin_prefetch(htab_child(b));
        for (; m; m &= m - 1)
            __builtin_prefetch(htab_slot_get(b, __builtin_ctz(m)));
    }
}

/* ---- insert / delete -------------------------------------------------------------- */

void htab_insert(htab *t, uint64_t hash, void *entry)
{
    HTAB_ASSERT(entry != NULL);
    if (htab_is_rehashing(t))
        htab_rehash_step(t, 1);
    if (!t->tables[0])
        htab_resize(t, HTAB_MIN_EXP);
    else
        htab_resize_if_needed(t, 1);
    int i = htab_is_rehashing(t) ? 1 : 0;
    htab_chain_insert(t, htab_home(t, i, hash), htab_tag(hash), entry);
    t->used[i]++;
}

static void *htab_remove(htab *t, uint64_t hash, const char *key, size_t len, const void *entry)
{
    htab_rehash_step(t, 1);
    htab_pos pos;
    if (!htab_locate(t, hash, key, len, entry, &pos))
        return NULL;
    void *found = htab_slot_get(pos.bucket, pos.slot);
    htab_chain_remove(t, pos.home, pos.bucket, pos.slot);
    t->used[pos.table]--;
    htab_resize_if_needed(t, 0);
    return found;
}

void *htab_delete(htab *t, uint64_t hash, const char *key, size_t len)
{
    return htab_remove(t, hash, key, len, NULL);
}

void *htab_delete_entry(htab *t, uint64_t hash, const void *entry)
{
    if (!entry)
        return NULL;
    return htab_remove(t, hash, NULL, 0, entry);
}

/* ---- scan / random ---------------------------------------------------------------- */

static uint64_t htab_rev(uint64_t v)
{
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0f0f0f0f0f0f0f0fULL) | ((v & 0x0f0f0f0f0f0f0f0fULL) << 4);
    return __builtin_bswap64(v);
}

static void htab_emit_chain(const htab_bucket *b, void (*fn)(void *priv, void *entry), void *priv)
{
    for (; b; b = htab_child(b))
        for (unsigned m = htab_present(b); m; m &= m - 1)
            fn(priv, htab_slot_get(b, __builtin_ctz(m)));
}

uint64_t htab_scan(const htab *t, uint64_t v, void (*fn)(void *priv, void *entry), void *priv)
{
    if (htab_size(t) == 0)
        return 0;
    if (!htab_is_rehashing(t)) {
        uint64_t m0 = ((uint64_t)1 << t->exp[0]) - 1;
        htab_emit_chain(&t->tables[0][v & m0], fn, priv);
        /* Increment the reversed cursor over the masked bits. */
        v |= ~m0;
        v = htab_rev(v);
        v++;
        return htab_rev(v);
    }
    int small = t->exp[0] <= t->exp[1] ? 0 : 1, large = 1 - small;
    uint64_t m0 = ((uint64_t)1 << t->exp[small]) - 1;
    uint64_t m1 = ((uint64_t)1 << t->exp[large]) - 1;
    htab_emit_chain(&t->tables[small][v & m0], fn, priv);
    /* Then every bucket of the larger table that expands that small-table bucket. */
    do {
        htab_emit_chain(&t->tables[large][v & m1], fn, priv);
        v |= ~m1;
        v = htab_rev(v);
        v++;
        v = htab_rev(v);
    } while (v & (m0 ^ m1));
    return v;
}

static uint64_t htab_splitmix(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/*
 * Rejection sampling: pick a bucket uniformly (over both tables while
 * rehashing), then a position in [0, HTAB_RANDOM_SPAN); accept if the chain has
 * an entry there. Every entry of a chain of at most HTAB_RANDOM_SPAN entries then
 * has the same probability. After HTAB_RANDOM_TRIES misses (a very sparse small
 * table) take a random entry of the first non-empty chain from a random bucket.
 */
void *htab_random(const htab *t, uint64_t rnd)
{
    if (htab_size(t) == 0)
        return NULL;
    size_t n0 = htab_buckets(t, 0), n1 = htab_buckets(t, 1), total = n0 + n1;
    HTAB_ASSERT(total > 0);
    uint64_t st = rnd;
    for (int tries = 0; tries < HTAB_RANDOM_TRIES; tries++) {
        uint64_t r = htab_splitmix(&st);
        size_t idx = (size_t)(r % total);
        const htab_bucket *b = idx < n0 ? &t->tables[0][idx] : &t->tables[1][idx - n0];
        if (htab_present(b) == 0)
            continue;
        int count = htab_chain_count(b);
        uint64_t r2 = htab_splitmix(&st);
        if (count > HTAB_RANDOM_SPAN)
            return htab_chain_nth(b, (int)(r2 % (uint64_t)count));
        int pick = (int)(r2 % HTAB_RANDOM_SPAN);
        if (pick < count)
            return htab_chain_nth(b, pick);
    }
    size_t idx = (size_t)(htab_splitmix(&st) % total);
    for (size_t k = 0; k < total; k++, idx = (idx + 1) % total) {
        const htab_bucket *b = idx < n0 ? &t->tables[0][idx] : &t->tables[1][idx - n0];
        if (htab_present(b) != 0)
            return htab_chain_nth(b, (int)(htab_splitmix(&st) % (uint64_t)htab_chain_count(b)));
    }
    HTAB_ASSERT(0 && "non-empty table without entries");
    return NULL;
}
