/* db.h: the keyspace: databases of entries (key, TTL, type and value in one allocation). */
#ifndef MODIS_DB_H
#define MODIS_DB_H

#include "server.h"

/*
 * An entry is one allocation:
 *   [type id: 1][flags: 1][access: 3][key length: varint][value size: varint]
 *   [key bytes][expire: 0, 5 or 8 bytes][value area]
 * The table stores pointers to entries; the value area belongs to the type's
 * module. The expire is absolute unix ms: 5 bytes relative to 2020-01-01 while
 * it falls before late 2054, 8 bytes otherwise.
 * access is Redis's 24-bit "lru" field, little endian: under an LRU (or no)
 * maxmemory-policy the LRU clock (unix seconds mod 2^24) of the last access;
 * under an LFU policy the minute of the last decrement (16 bits, unix minutes
 * mod 2^16) above an 8-bit logarithmic access counter. Like Redis, switching
 * policy at run time reinterprets the field until keys are accessed again.
 */
#define ENTRY_ACCESS_OFF 2
#define ENTRY_HDR 5
#define LRU_CLOCK_MAX ((1u << 24) - 1)
/* Redis's starting counter of a new key under LFU (LFU_INIT_VAL). */
#define LFU_INIT_VAL 5
typedef unsigned char entry;

typedef struct entry_view {
    const char *key;
    size_t klen;
    unsigned char *area;
    size_t size;
    long long expire; /* MODIS_NO_EXPIRE when none */
} entry_view;

void entry_parse(const entry *e, entry_view *v);
const char *entry_key(const void *e, size_t *len);
static inline modis_type *entry_type(const entry *e)
{
    return server.types[e[0]];
}
static inline int entry_has_expire(const entry *e)
{
    return e[1] & 3;
}
long long entry_expire(const entry *e);
static inline uint32_t entry_access(const entry *e)
{
    return (uint32_t)e[2] | (uint32_t)e[3] << 8 | (uint32_t)e[4] << 16;
}
static inline void entry_set_access(entry *e, uint32_t v)
{
    e[2] = (unsigned char)v;
    e[3] = (unsigned char)(v >> 8);
    e[4] = (unsigned char)(v >> 16);
}

/* Refreshes server.lru_clock and server.lfu_minutes from unix ms (the cron). */
void db_update_clock(long long now_ms);
/* The access field a new key starts with under the current policy. */
uint32_t db_access_new(void);
/* Records an access to e (Redis's lookupKey: LRU clock, or the LFU counter
 * decayed then incremented). */
void db_touch(entry *e);
/* OBJECT IDLETIME (ms, Redis's estimateObjectIdleTime) and OBJECT FREQ
 * (Redis's LFUDecrAndReturn) of e's access field. */
unsigned long long db_idle_ms(const entry *e);
unsigned db_lfu_freq(const entry *e);

void db_init_all(int n);
void db_free_all(void);
/* The entry of key, or NULL; deletes it first when expired at `now`. */
entry *db_lookup(db *d, const char *key, size_t len, long long now);
/* Without expiry (the raw table). */
entry *db_find(db *d, const char *key, size_t len);
/* Creates or replaces key; returns the new (uninitialised) value area.
 * flags: DB_SET_KEEPTTL keeps the TTL of a replaced key; DB_SET_TOUCH counts
 * the write as an access of the replaced key under LFU (Redis's SET looks the
 * key up first) unless it is `touched`, an entry this command already counted. */
#define DB_SET_KEEPTTL 1
#define DB_SET_TOUCH 2
unsigned char *db_set(db *d, const char *key, size_t len, modis_type *t, size_t size, int flags,
                      const entry *touched);
/* Resizes the value area of an existing key; returns the new area. */
unsigned char *db_resize(db *d, const char *key, size_t len, size_t size);
/* Deletes key; returns 1 if it was there. */
int db_delete(db *d, const char *key, size_t len);
int db_set_expire(db *d, const char *key, size_t len, long long when);
long long db_flush(db *d);
/* Moves src (of d) to dst (of dd), replacing dst. Returns -1 if src is missing. */
int db_rename(db *d, const char *src, size_t slen, db *dd, const char *dst, size_t dlen);
int db_copy(db *d, const char *src, size_t slen, db *dd, const char *dst, size_t dlen);
void db_swap(int a, int b);
/* One bounded active-expiry pass over every database (from the cron). */
void db_active_expire(long long budget_us);
/* Frees an entry and its value through its type. */
void db_free_entry(void *e, void *priv);

#endif
