/* htab.h: the keyspace hash table: cache-line buckets of entry pointers, incremental rehash. */
#ifndef MODIS_HTAB_H
#define MODIS_HTAB_H

#include <stddef.h>
#include <stdint.h>

/*
 * A set of opaque entries. Each entry embeds its own key, which the table reads
 * through the htab_key_fn given at init; the table never allocates per entry and
 * never owns entries (htab_deinit/htab_clear can hand them to a free callback).
 *
 * Layout: a power-of-two array of 64-byte buckets. A bucket holds 9 entry
 * pointers, stored in 6 bytes each (entries must live below 2^48, as every
 * user-space address on x86-64 and arm64 Linux does; the table aborts on one
 * that does not), and, for each, the 8 high bits of its hash (the "tag"); a lookup
 * reads one bucket, compares tags, and calls the key function only on a tag
 * match. A full bucket turns its last slot into a pointer to a child bucket, so
 * an entry always lives in the chain of its home bucket (hash & mask), which is
 * what makes the reverse-binary SCAN cursor work across resizes.
 *
 * Resizing is incremental, as in Redis's dict: while rehashing there are two
 * tables, inserts go to the new one, and each insert/delete (and
 * htab_rehash_step, for the cron) moves a few bucket chains from old to new.
 * Rehashing recomputes each moved entry's hash from its key, so every hash a
 * caller passes in must be htab_key_hash(t, key, len) of the entry's key
 * (htab_hash for a plain table, htab_hash_nocase for one made with
 * htab_init_nocase, the table's own function for htab_init_hashfn).
 *
 * Packed pointers are invisible to leak checkers (LeakSanitizer, valgrind): an
 * entry only a table still holds at exit is reported as leaked, so tables that
 * live until exit must be emptied with a free callback first.
 *
 * Pointers: the key pointer of a lookup is borrowed for the call; entries are
 * borrowed by the table for as long as they are in it; an htab_ref filled by
 * htab_find_ref stays valid until the next insert, delete, rehash step, clear or
 * deinit (lookups and scans never change the table).
 * Not thread-safe: a table is used by one thread at a time.
 */

/* The key of an entry: returns its bytes and stores their length in *len. */
typedef const char *(*htab_key_fn)(const void *entry, size_t *len);
/* The hash of a key (htab_hash, htab_hash_nocase, or a caller's own). */
typedef uint64_t (*htab_hash_fn)(const void *key, size_t len);

/* A bucket (64 bytes); its layout is private to htab.c. */
typedef struct htab_bucket htab_bucket;

/* Embeddable; initialise with htab_init. Fields are private to htab.c. */
typedef struct htab {
    htab_bucket *tables[2]; /* [0] main, [1] rehash target; NULL when absent */
    size_t used[2];         /* entries in each table */
    int64_t rehash_idx;     /* next bucket of tables[0] to move; -1 when not rehashing */
    size_t child_buckets;   /* chained (child) buckets of both tables */
    htab_key_fn keyfn;
    htab_hash_fn hashfn;  /* what rehashing uses to recompute an entry's hash */
    int8_t exp[2];        /* log2 of the bucket count; -1 when absent */
    uint8_t align_pad[2]; /* bytes between the allocation and tables[i] */
    uint8_t nocase;       /* keys hash and compare ASCII case-insensitively */
} htab;

/* Sets the process-wide hash seed. Call once at start, before any table holds
 * entries (a table filled under one seed cannot be searched under another). */
void htab_set_seed(uint64_t seed);
/* XXH3-64 of key under the process seed. */
uint64_t htab_hash(const void *key, size_t len);
/* As htab_hash of the ASCII-lowercased key: htab_hash_nocase("GeT", 3) ==
 * htab_hash("get", 3). */
uint64_t htab_hash_nocase(const void *key, size_t len);
/* The hash this table expects for a key (its hash function applied to key). */
uint64_t htab_key_hash(const htab *t, const char *key, size_t len);

/* An empty table; allocates nothing until the first insert. */
void htab_init(htab *t, htab_key_fn keyfn);
/* As htab_init, but keys are ASCII case-insensitive (hash with
 * htab_hash_nocase; lookups compare ignoring case). For the command table. */
void htab_init_nocase(htab *t, htab_key_fn keyfn);
/* As htab_init, with a hash function of the caller's (keys compare bytewise).
 * For tables keyed by something other than strings, and for tests that need
 * colliding hashes. */
void htab_init_hashfn(htab *t, htab_key_fn keyfn, htab_hash_fn hashfn);
/* Frees the buckets, calling free_entry(entry, priv) on each entry first if
 * free_entry is non-NULL. The table must be re-initialised before reuse. */
void htab_deinit(htab *t, void (*free_entry)(void *entry, void *priv), void *priv);
/* Empties the table (freeing entries as htab_deinit does); it stays usable and
 * goes back to its minimum size. */
void htab_clear(htab *t, void (*free_entry)(void *entry, void *priv), void *priv);

size_t htab_size(const htab *t);
/* Bytes of buckets (both tables and all child buckets). */
size_t htab_mem_usage(const htab *t);

/* Where a found entry sits, to replace it without a second lookup. Slots hold
 * packed 6-byte pointers, so the table hands out this instead of a void **. */
typedef struct htab_ref {
    htab_bucket *bucket;
    int slot;
} htab_ref;

/* The entry whose key is key/len, or NULL. hash must be htab_key_hash(t, key,
 * len). Never changes the table. */
void *htab_find(const htab *t, uint64_t hash, const char *key, size_t len);
/* As htab_find, and when found also fills *ref with the entry's place. */
void *htab_find_ref(const htab *t, uint64_t hash, const char *key, size_t len, htab_ref *ref);
/* Stores entry in the place ref names, replacing the entry found there: after
 * reallocating an entry (the new one must have the same key). */
void htab_ref_set(const htab_ref *ref, void *entry);
/* entry if exactly that pointer is in the table (hash = its key's hash), else
 * NULL. */
void *htab_find_entry(const htab *t, uint64_t hash, const void *entry);
/* Replaces exactly the pointer old (hash = its key's hash) by entry, which must
 * have the same key. Returns 1, or 0 (and changes nothing) if old is not in the
 * table. */
int htab_replace(htab *t, uint64_t hash, const void *old, void *entry);
/* Adds entry, whose key hashes to hash and must not be in the table yet. May
 * start a resize; does one rehash step. */
void htab_insert(htab *t, uint64_t hash, void *entry);
/* Removes and returns the entry with key key/len, or returns NULL. May start a
 * shrink; does one rehash step. */
void *htab_delete(htab *t, uint64_t hash, const char *key, size_t len);
/* Removes exactly the pointer entry (hash = its key's hash); returns it, or
 * NULL if it was not in the table. */
void *htab_delete_entry(htab *t, uint64_t hash, const void *entry);

/* Brings the home bucket(s) of hash into the cache, for pipelined batches:
 * prefetch every key of a batch, then look them up. */
void htab_prefetch(const htab *t, uint64_t hash);
/* Second stage of a batched lookup: reads the home bucket(s) of hash (ideally
 * already prefetched) and prefetches the entries whose tag matches. */
void htab_prefetch_entries(const htab *t, uint64_t hash);

/* SCAN with Redis dictScan semantics: calls fn(priv, entry) for every entry in
 * the bucket chain(s) the cursor addresses (in both tables while rehashing) and
 * returns the next cursor, 0 when the scan is complete (start with 0). Every
 * entry present for the whole scan is reported at least once, even if the table
 * grows or shrinks between calls; some may be reported more than once. fn must
 * not change the table. */
uint64_t htab_scan(const htab *t, uint64_t cursor, void (*fn)(void *priv, void *entry), void *priv);
/* A random entry, or NULL if the table is empty. rnd is a random number from
 * the caller (each call should get a fresh one). Uniform over the entries except
 * that entries in chains longer than two buckets (vanishingly rare) are slightly
 * less likely. Never changes the table. */
void *htab_random(const htab *t, uint64_t rnd);

/* Moves up to n bucket chains (visiting at most 10*n empty buckets) from the old
 * table to the new one. Returns 1 if a rehash is still in progress, else 0. */
int htab_rehash_step(htab *t, int n);
int htab_is_rehashing(const htab *t);

#endif
