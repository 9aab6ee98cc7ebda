/* test_htab.c: unit tests for the keyspace hash table (core/htab.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc.h"
#include "htab.h"

/* A test entry: the key is embedded, as in the server's keyspace. */
typedef struct tentry {
    unsigned seen; /* times reported by a scan */
    unsigned id;
    size_t len;
    char key[32];
} tentry;

static const char *tentry_key(const void *entry, size_t *len)
{
    const tentry *e = entry;
    *len = e->len;
    return e->key;
}

static tentry *tentry_new(unsigned id)
{
    tentry *e = zcalloc(sizeof(*e));
    e->id = id;
    e->len = (size_t)snprintf(e->key, sizeof(e->key), "key:%u", id);
    return e;
}

/* Binary key: NUL bytes around the id's raw bytes. */
static tentry *tentry_new_binary(unsigned id)
{
    tentry *e = zcalloc(sizeof(*e));
    e->id = id;
    e->key[0] = '\0';
    memcpy(e->key + 1, &id, sizeof(id));
    e->key[5] = '\0';
    e->len = 6;
    return e;
}

static void tentry_free(void *entry, void *priv)
{
    if (priv)
        (*(size_t *)priv)++;
    zfree(entry);
}

static uint64_t hash_of(const htab *t, const tentry *e)
{
    return htab_key_hash(t, e->key, e->len);
}

static void put(htab *t, tentry *e)
{
    htab_insert(t, hash_of(t, e), e);
}

static tentry *get(const htab *t, unsigned id)
{
    char key[32];
    size_t len = (size_t)snprintf(key, sizeof(key), "key:%u", id);
    return htab_find(t, htab_key_hash(t, key, len), key, len);
}

static tentry *del(htab *t, unsigned id)
{
    char key[32];
    size_t len = (size_t)snprintf(key, sizeof(key), "key:%u", id);
    return htab_delete(t, htab_key_hash(t, key, len), key, len);
}

/* A colliding hash: every key lands in home bucket 0 at any table size, with
 * the tag taken from the id (ids below 256 share nothing, so tags differ) or
 * the same tag for all (same_tag_hash). */
static uint64_t collide_hash(const void *key, size_t len)
{
    unsigned id = 0;
    (void)len;
    sscanf((const char *)key + 4, "%u", &id);
    return (uint64_t)(id & 0xff) << 56;
}

static uint64_t same_tag_hash(const void *key, size_t len)
{
    (void)key;
    (void)len;
    return 0xab00000000000000ULL;
}

static void finish_rehash(htab *t)
{
    while (htab_rehash_step(t, 100))
        ;
}

static void mark_seen_counted(void *priv, void *entry)
{
    ((tentry *)entry)->seen++;
    (*(size_t *)priv)++;
}

static uint64_t rng(void);

static void count_call(void *priv, void *entry)
{
    (void)entry;
    (void)priv;
}

/* Buckets of a table that is not rehashing: a full scan takes one call each. */
static size_t table_buckets(const htab *t)
{
    assert_false(htab_is_rehashing(t));
    size_t calls = 0;
    uint64_t cursor = 0;
    do {
        cursor = htab_scan(t, cursor, count_call, NULL);
        calls++;
    } while (cursor != 0);
    return calls;
}

/* Child buckets a chain of n entries needs: all but the last bucket hold 8. */
static size_t chain_children(size_t n)
{
    return n <= 9 ? 0 : (n - 9 + 7) / 8;
}

/* ---- basic operations ------------------------------------------------------------- */

static void insert_find_delete_many_keys(void **state)
{
    (void)state;
    htab t;
    htab_init(&t, tentry_key);
    const unsigned n = 100000;
    assert_null(get(&t, 1));
    assert_null(del(&t, 1));
    for (unsigned i = 0; i < n; i++)
        put(&t, tentry_new(i));
    assert_int_equal(htab_size(&t), n);
    for (unsigned i = 0; i < n; i++) {
        tentry *e = get(&t, i);
        assert_non_null(e);
        assert_int_equal(e->id, i);
    }
    for (unsigned i = n; i < 2 * n; i++)
        assert_null(get(&t, i));
    for (unsigned i = 0; i < n; i += 2) {
        tentry *e = del(&t, i);
        assert_non_null(e);
        assert_int_equal(e->id, i);
        zfree(e);
    }
    assert_int_equal(htab_size(&t), n / 2);
    for (unsigned i = 0; i < n; i++) {
        tentry *e = get(&t, i);
        if (i % 2) {
            assert_non_null(e);
            assert_int_equal(e->id, i);
        } else {
            assert_null(e);
            assert_null(del(&t, i));
        }
    }
    size_t freed = 0;
    htab_deinit(&t, tentry_free, &freed);
    assert_int_equal(freed, n / 2);
    assert_int_equal(htab_mem_usage(&t), 0);
}

static void binary_keys_with_nul_bytes_are_distinct(void **state)
{
    (void)state;
    htab t;
    htab_init(&t, tentry_key);
    const unsigned n = 20000;
    for (unsigned i = 0; i < n; i++)
        put(&t, tentry_new_binary(i));
    assert_int_equal(htab_size(&t), n);
    for (unsigned i = 0; i < n; i++) {
        char key[6] = {0};
        memcpy(key + 1, &i, sizeof(i));
        tentry *e = htab_find(&t, htab_hash(key, 6), key, 6);
        assert_non_null(e);
        assert_int_equal(e->id, i);
        /* A prefix (cut at a NUL) is a different key. */
        assert_null(htab_find(&t, htab_hash(key, 5), key, 5));
    }
    /* The empty key is a key like any other. */
    tentry *empty = zcalloc(sizeof(*empty));
    empty->id = n;
    htab_insert(&t, htab_hash("", 0), empty);
    assert_ptr_equal(htab_find(&t, htab_hash("", 0), "", 0), empty);
    assert_ptr_equal(htab_delete(&t, htab_hash("", 0), "", 0), empty);
    zfree(empty);
    htab_deinit(&t, tentry_free, NULL);
}

static void nocase_table_matches_keys_in_any_case(void **state)
{
    (void)state;
    assert_true(htab_hash_nocase("GeT", 3) == htab_hash("get", 3));
    char upper[1000], lower[1000];
    for (int i = 0; i < 1000; i++) {
        lower[i] = (char)('a' + i % 26);
        upper[i] = (char)('A' + i % 26);
    }
    /* Long keys take the streaming path; it must agree with the one-shot hash. */
    assert_true(htab_hash_nocase(upper, 1000) == htab_hash(lower, 1000));
    assert_true(htab_hash_nocase(upper, 257) == htab_hash(lower, 257));
    assert_true(htab_hash_nocase(upper, 256) == htab_hash(lower, 256));

    htab t;
    htab_init_nocase(&t, tentry_key);
    const char *names[] = {"get", "set", "CLIENT", "Config", "zadd", "hello"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        tentry *e = zcalloc(sizeof(*e));
        e->id = (unsigned)i;
        e->len = strlen(names[i]);
        memcpy(e->key, names[i], e->len);
        put(&t, e);
    }
    tentry *found = htab_find(&t, htab_key_hash(&t, "GET", 3), "GET", 3);
    assert_non_null(found);
    assert_int_equal(found->id, 0);
    found = htab_find(&t, htab_key_hash(&t, "client", 6), "client", 6);
    assert_non_null(found);
    assert_int_equal(found->id, 2);
    assert_null(htab_find(&t, htab_key_hash(&t, "gets", 4), "gets", 4));
    tentry *e = htab_delete(&t, htab_key_hash(&t, "CONFIG", 6), "CONFIG", 6);
    assert_non_null(e);
    assert_int_equal(e->id, 3);
    zfree(e);
    htab_deinit(&t, tentry_free, NULL);
}

static void seed_changes_the_hash(void **state)
{
    (void)state;
    uint64_t a = htab_hash("key", 3);
    htab_set_seed(0x1234567890abcdefULL);
    uint64_t b = htab_hash("key", 3);
    assert_true(a != b);
    assert_true(htab_hash_nocase("KEY", 3) == b);
    htab_set_seed(0);
    assert_true(htab_hash("key", 3) == a);
}

/* ---- resizing --------------------------------------------------------------------- */

static void table_grows_and_shrinks_with_contents_intact(void **state)
{
    (void)state;
    htab t;
    htab_init(&t, tentry_key);
    assert_int_equal(htab_mem_usage(&t), 0);
    put(&t, tentry_new(0));
    size_t min_mem = htab_mem_usage(&t);
    assert_int_equal(min_mem, 4 * 64);
    const unsigned n = 50000;
    int saw_rehash = 0;
    for (unsigned i = 1; i < n; i++) {
        put(&t, tentry_new(i));
        saw_rehash |= htab_is_rehashing(&t);
    }
    assert_true(saw_rehash);
    finish_rehash(&t);
    size_t big_mem = htab_mem_usage(&t);
    /* Grown, within the fill bounds: 50000 entries (68% of 2^13 buckets of 9)
     * need 2^13 buckets, with few child buckets at that fill. */
    assert_true(big_mem >= (size_t)8192 * 64);
    assert_true(big_mem < (size_t)8192 * 64 * 11 / 10);
    for (unsigned i = 0; i < n; i++)
        assert_non_null(get(&t, i));

    /* Delete all but 100: the table shrinks, in steps, with the rest intact. */
    for (unsigned i = 100; i < n; i++) {
        zfree(del(&t, i));
        if (i % 997 == 0)
            for (unsigned j = 0; j < 100; j++)
                assert_non_null(get(&t, j));
    }
    finish_rehash(&t);
    assert_int_equal(htab_size(&t), 100);
    assert_true(htab_mem_usage(&t) <= (size_t)80 * 64);
    for (unsigned i = 0; i < 100; i++)
        assert_int_equal(get(&t, i)->id, i);
    for (unsigned i = n; i < n + 1000; i++)
        assert_null(get(&t, i));

    /* Never below the minimum. */
    for (unsigned i = 0; i < 100; i++)
        zfree(del(&t, i));
    finish_rehash(&t);
    assert_int_equal(htab_size(&t), 0);
    assert_int_equal(htab_mem_usage(&t), min_mem);
    htab_deinit(&t, tentry_free, NULL);
}

static void rehash_step_completes_a_rehash(void **state)
{
    (void)state;
    htab t;
    htab_init(&t, tentry_key);
    unsigned i = 0;
    while (!htab_is_rehashing(&t))
        put(&t, tentry_new(i++));
    assert_int_equal(htab_rehash_step(&t, 1), 1);
    int steps = 0;
    while (htab_rehash_step(&t, 1))
        steps++;
    assert_true(steps > 0);
    assert_false(htab_is_rehashing(&t));
    assert_int_equal(htab_rehash_step(&t, 1), 0);
    assert_int_equal(htab_size(&t), i);
    for (unsigned j = 0; j < i; j++)
        assert_non_null(get(&t, j));
    htab_deinit(&t, tentry_free, NULL);
}

static void lookups_and_deletes_work_while_rehashing(void **state)
{
    (void)state;
    htab t;
    htab_init(&t, tentry_key);
    unsigned n = 0;
    /* Grow to a size where the rehash takes many steps, then stop mid-rehash. */
    while (n < 20000 || !htab_is_rehashing(&t))
        put(&t, tentry_new(n++));
    assert_true(htab_is_rehashing(&t));
    htab_rehash_step(&t, 50);
    assert_true(htab_is_rehashing(&t));
    /* Lookups never move the rehash along. */
    for (unsigned i = 0; i < n; i++)
        assert_int_equal(get(&t, i)->id, i);
    assert_true(htab_is_rehashing(&t));
    /* Deletes and inserts interleave with rehash steps. */
    for (unsigned i = 0; i < n; i += 3) {
        tentry *e = del(&t, i);
        assert_non_null(e);
        zfree(e);
        assert_null(del(&t, i));
        if (i % 300 == 0)
            put(&t, tentry_new(n + i));
    }
    for (unsigned i = 0; i < n; i++) {
        tentry *e = get(&t, i);
        if (i % 3 == 0)
            assert_null(e);
        else
            assert_int_equal(e->id, i);
    }
    for (unsigned i = 0; i < n; i += 300)
        assert_non_null(get(&t, n + i));
    finish_rehash(&t);
    for (unsigned i = 1; i < n; i += 3)
        assert_non_null(get(&t, i));
    htab_deinit(&t, tentry_free, NULL);
}

static void clear_empties_the_table_back_to_minimum_size(void **state)
{
    (void)state;
    htab t;
    htab_init(&t, tentry_key);
    for (unsigned i = 0; i < 5000; i++)
        put(&t, tentry_new(i));
    size_t freed = 0;
    htab_clear(&t, tentry_free, &freed);
    assert_int_equal(freed, 5000);
    assert_int_equal(htab_size(&t), 0);
    assert_false(htab_is_rehashing(&t));
    assert_null(get(&t, 1));
    assert_null(htab_random(&t, 42));
    put(&t, tentry_new(7));
    assert_int_equal(htab_mem_usage(&t), 4 * 64);
    assert_int_equal(get(&t, 7)->id, 7);
    htab_deinit(&t, tentry_free, NULL);
}

/* ---- chains and tags -------------------------------------------------------------- */

static void colliding_hashes_chain_child_buckets(void **state)
{
    (void)state;
    htab t;
    htab_init_hashfn(&t, tentry_key, collide_hash);
    const unsigned n = 200;
    for (unsigned i = 0; i < n; i++) {
        put(&t, tentry_new(i));
        for (unsigned j = 0; j <= i; j += 17)
            assert_int_equal(get(&t, j)->id, j);
    }
    finish_rehash(&t);
    /* All 200 in bucket 0's chain, using the fewest buckets possible. */
    assert_int_equal(htab_mem_usage(&t) / 64 - table_buckets(&t), chain_children(n));
    for (unsigned i = 0; i < n; i++)
        assert_int_equal(get(&t, i)->id, i);
    assert_null(get(&t, n));

    /* Delete in a scattered order; the rest stay findable and the chain shrinks. */
    for (unsigned k = 0; k < n; k++) {
        unsigned i = (k * 37) % n;
        tentry *e = del(&t, i);
        assert_non_null(e);
        assert_int_equal(e->id, i);
        zfree(e);
        if (k % 10 == 0) {
            /* Deletes keep the chain compact: holes refilled, empty children freed. */
            finish_rehash(&t);
            assert_int_equal(htab_mem_usage(&t) / 64 - table_buckets(&t),
                             chain_children(n - k - 1));
            for (unsigned j = 0; j < n; j++) {
                unsigned pos = 0;
                while ((pos * 37) % n != j)
                    pos++;
                if (pos > k)
                    assert_int_equal(get(&t, j)->id, j);
                else
                    assert_null(get(&t, j));
            }
        }
    }
    finish_rehash(&t);
    assert_int_equal(htab_size(&t), 0);
    assert_int_equal(htab_mem_usage(&t), 4 * 64);
    htab_deinit(&t, tentry_free, NULL);
}

static void equal_tags_fall_back_to_comparing_keys(void **state)
{
    (void)state;
    htab t;
    htab_init_hashfn(&t, tentry_key, same_tag_hash);
    for (unsigned i = 0; i < 50; i++)
        put(&t, tentry_new(i));
    for (unsigned i = 0; i < 50; i++)
        assert_int_equal(get(&t, i)->id, i);
    assert_null(get(&t, 50));
    for (unsigned i = 0; i < 50; i += 2)
        zfree(del(&t, i));
    for (unsigned i = 0; i < 50; i++) {
        if (i % 2)
            assert_int_equal(get(&t, i)->id, i);
        else
            assert_null(get(&t, i));
    }
    htab_deinit(&t, tentry_free, NULL);
}

static void find_entry_locates_a_replaced_pointer(void **state)
{
    (void)state;
    htab t;
    htab_init(&t, tentry_key);
    for (unsigned i = 0; i < 1000; i++)
        put(&t, tentry_new(i));
    tentry *old = get(&t, 500);
    uint64_t h = hash_of(&t, old);
    assert_ptr_equal(htab_find_entry(&t, h, old), old);

    /* The caller reallocates the entry (same key) and swaps the pointer in. */
    tentry *copy = zmalloc(sizeof(*copy));
    memcpy(copy, old, sizeof(*copy));
    copy->seen = 99;
    assert_int_equal(htab_replace(&t, h, old, copy), 1);
    assert_null(htab_find_entry(&t, h, old));
    assert_int_equal(htab_replace(&t, h, old, copy), 0);
    assert_ptr_equal(htab_find_entry(&t, h, copy), copy);
    assert_ptr_equal(get(&t, 500), copy);
    assert_int_equal(get(&t, 500)->seen, 99);

    /* delete_entry removes exactly that pointer, not an equal key. */
    assert_null(htab_delete_entry(&t, h, old));
    assert_int_equal(htab_size(&t), 1000);
    assert_ptr_equal(htab_delete_entry(&t, h, copy), copy);
    assert_null(get(&t, 500));
    assert_int_equal(htab_size(&t), 999);
    zfree(old);
    zfree(copy);
    htab_deinit(&t, tentry_free, NULL);
}

static void find_entry_works_in_collision_chains(void **state)
{
    (void)state;
    htab t;
    htab_init_hashfn(&t, tentry_key, same_tag_hash);
    tentry *e[30];
    for (unsigned i = 0; i < 30; i++) {
        e[i] = tentry_new(i);
        put(&t, e[i]);
    }
    for (unsigned i = 0; i < 30; i++) {
        assert_ptr_equal(htab_find_entry(&t, same_tag_hash(NULL, 0), e[i]), e[i]);
    }
    for (unsigned i = 0; i < 30; i += 2)
        assert_ptr_equal(htab_delete_entry(&t, same_tag_hash(NULL, 0), e[i]), e[i]);
    for (unsigned i = 0; i < 30; i += 2) {
        assert_null(htab_find_entry(&t, same_tag_hash(NULL, 0), e[i]));
        zfree(e[i]);
    }
    for (unsigned i = 1; i < 30; i += 2)
        assert_ptr_equal(htab_find_entry(&t, same_tag_hash(NULL, 0), e[i]), e[i]);
    htab_deinit(&t, tentry_free, NULL);
}

/* ---- 9-slot layout: packed pointers, tags, chains -------------------------------- */

/* Entries that are bare addresses: the key is the pointer's value in hex, so the
 * table can hold pointers that point at nothing (it never dereferences an entry
 * except through the key function). One key buffer: the table reads one entry
 * key at a time. */
static char addr_keybuf[32];

static const char *addr_key(const void *entry, size_t *len)
{
    *len = (size_t)snprintf(addr_keybuf, sizeof(addr_keybuf), "%llx",
                            (unsigned long long)(uintptr_t)entry);
    return addr_keybuf;
}

static void *addr_find(const htab *t, uintptr_t a)
{
    char key[32];
    size_t len = (size_t)snprintf(key, sizeof(key), "%llx", (unsigned long long)a);
    return htab_find(t, htab_key_hash(t, key, len), key, len);
}

static uint64_t addr_hash(const htab *t, uintptr_t a)
{
    char key[32];
    size_t len = (size_t)snprintf(key, sizeof(key), "%llx", (unsigned long long)a);
    return htab_key_hash(t, key, len);
}

static void pointers_round_trip_through_6_byte_slots(void **state)
{
    (void)state;
    /* Every byte of the 48 bits exercised, and the top of the 48-bit range
     * (above 2^47, where x86-64 user space ends, still fits a slot). */
    const uintptr_t addrs[] = {
        1,
        0xff,
        0x100,
        0x8000,
        0x123456789abcULL,
        0x7fffffffffffULL,
        0x800000000000ULL,
        0xffffffffffffULL,
        0xff00ff00ff01ULL,
        0x00ff00ff00ffULL,
        0xfedcba987654ULL,
        0x555555555555ULL,
        0xaaaaaaaaaaaaULL,
    };
    const size_t na = sizeof(addrs) / sizeof(addrs[0]);
    htab t;
    htab_init(&t, addr_key);
    /* Enough neighbours that the probes share buckets and chains with others, in
     * every slot position, and live through a few rehashes. */
    for (uintptr_t a = 0x10000; a < 0x10000 + 3000; a++)
        htab_insert(&t, addr_hash(&t, a << 20), (void *)(a << 20));
    for (size_t i = 0; i < na; i++)
        htab_insert(&t, addr_hash(&t, addrs[i]), (void *)addrs[i]);
    for (uintptr_t a = 0x20000; a < 0x20000 + 3000; a++)
        htab_insert(&t, addr_hash(&t, a << 24), (void *)(a << 24));
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < na; i++) {
            assert_ptr_equal(addr_find(&t, addrs[i]), (void *)addrs[i]);
            assert_ptr_equal(htab_find_entry(&t, addr_hash(&t, addrs[i]), (void *)addrs[i]),
                             (void *)addrs[i]);
        }
        for (uintptr_t a = 0x10000; a < 0x10000 + 3000; a++)
            assert_ptr_equal(addr_find(&t, a << 20), (void *)(a << 20));
        finish_rehash(&t);
    }
    /* Replace through a ref: the new pointer reads back in full. */
    char key[32];
    size_t len = (size_t)snprintf(key, sizeof(key), "%llx", 0xffffffffffffULL);
    htab_ref ref;
    assert_ptr_equal(htab_find_ref(&t, htab_key_hash(&t, key, len), key, len, &ref),
                     (void *)(uintptr_t)0xffffffffffffULL);
    htab_ref_set(&ref, (void *)(uintptr_t)0xffffffffffffULL);
    assert_ptr_equal(addr_find(&t, 0xffffffffffffULL), (void *)(uintptr_t)0xffffffffffffULL);
    for (size_t i = 0; i < na; i++)
        assert_ptr_equal(htab_delete_entry(&t, addr_hash(&t, addrs[i]), (void *)addrs[i]),
                         (void *)addrs[i]);
    for (size_t i = 0; i < na; i++)
        assert_null(addr_find(&t, addrs[i]));
    assert_int_equal(htab_size(&t), 6000);
    htab_deinit(&t, NULL, NULL);
}

static void a_pointer_above_2_48_aborts(void **state)
{
    (void)state;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* Silence the expected message in the test log. */
        if (!freopen("/dev/null", "w", stderr))
            _exit(3);
        htab t;
        htab_init(&t, addr_key);
        uintptr_t bad = (uintptr_t)1 << 48 | 0x1000;
        htab_insert(&t, addr_hash(&t, bad), (void *)bad);
        _exit(0); /* stored silently: the test fails */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
}

/* Hashes whose top byte is 0: a tag of 0 would read as an empty slot. */
static uint64_t zero_tag_hash(const void *key, size_t len)
{
    return htab_hash(key, len) & 0x00ffffffffffffffULL;
}

static void a_zero_top_byte_never_makes_an_empty_tag(void **state)
{
    (void)state;
    htab t;
    htab_init_hashfn(&t, tentry_key, zero_tag_hash);
    const unsigned n = 5000;
    tentry **all = zmalloc(n * sizeof(tentry *));
    for (unsigned i = 0; i < n; i++) {
        all[i] = tentry_new(i);
        put(&t, all[i]);
    }
    assert_int_equal(htab_size(&t), n);
    for (unsigned i = 0; i < n; i++)
        assert_ptr_equal(get(&t, i), all[i]);
    finish_rehash(&t);
    for (unsigned i = 0; i < n; i++)
        assert_ptr_equal(get(&t, i), all[i]);
    /* A scan sees every entry once, which it would not if a slot looked empty. */
    size_t reported = 0;
    uint64_t cursor = 0;
    do
        cursor = htab_scan(&t, cursor, mark_seen_counted, &reported);
    while (cursor != 0);
    assert_int_equal(reported, n);
    for (unsigned i = 0; i < n; i++)
        assert_int_equal(all[i]->seen, 1);
    for (int s = 0; s < 1000; s++)
        assert_non_null(htab_random(&t, rng()));
    for (unsigned i = 0; i < n; i++)
        assert_ptr_equal(del(&t, i), all[i]);
    assert_int_equal(htab_size(&t), 0);
    for (unsigned i = 0; i < n; i++)
        zfree(all[i]);
    zfree(all);
    htab_deinit(&t, tentry_free, NULL);
}

/* Top byte 0 or 1 by the id's parity: both map to tag 1, so they share a tag and
 * must be told apart by key. */
static uint64_t tag01_hash(const void *key, size_t len)
{
    unsigned id = 0;
    sscanf((const char *)key + 4, "%u", &id);
    (void)len;
    return (uint64_t)(id & 1) << 56;
}

static void tags_0_and_1_share_a_tag_but_not_a_key(void **state)
{
    (void)state;
    htab t;
    htab_init_hashfn(&t, tentry_key, tag01_hash);
    for (unsigned i = 0; i < 40; i++)
        put(&t, tentry_new(i));
    for (unsigned i = 0; i < 40; i++)
        assert_int_equal(get(&t, i)->id, i);
    assert_null(get(&t, 40));
    assert_null(get(&t, 41));
    htab_deinit(&t, tentry_free, NULL);
}

/* Child buckets expected for table t from its home-bucket loads: every chain
 * uses the fewest buckets (all but the last hold 8 entries and the child). */
static size_t expected_children(const htab *t, tentry **all, unsigned n)
{
    size_t nb = table_buckets(t);
    unsigned *load = zcalloc(nb * sizeof(*load));
    for (unsigned i = 0; i < n; i++)
        load[hash_of(t, all[i]) & (nb - 1)]++;
    size_t children = 0;
    for (size_t b = 0; b < nb; b++)
        children += chain_children(load[b]);
    zfree(load);
    return children;
}

static void chains_at_high_fill_use_the_fewest_buckets(void **state)
{
    (void)state;
    htab t;
    htab_init(&t, tentry_key);
    /* 2^10 buckets of 9 grow past 88%: 8110 entries stay, the 8111th grows. */
    const unsigned cap = 1024 * 9 * 88 / 100;
    tentry **all = zmalloc((cap + 1) * sizeof(tentry *));
    unsigned n = 0;
    while (n < 1024 * 9 / 2) {
        all[n] = tentry_new(n);
        put(&t, all[n++]);
    }
    finish_rehash(&t);
    assert_int_equal(table_buckets(&t), 1024);
    while (n < cap) {
        all[n] = tentry_new(n);
        put(&t, all[n++]);
        assert_false(htab_is_rehashing(&t));
    }
    assert_int_equal(table_buckets(&t), 1024);
    size_t children = htab_mem_usage(&t) / 64 - 1024;
    assert_int_equal(children, expected_children(&t, all, n));
    /* At 88% (lambda 7.9) about a quarter of the buckets chain (Poisson: 0.27
     * child buckets per bucket). */
    assert_true(children > 1024 / 6 && children < 1024 / 2);
    for (unsigned i = 0; i < n; i++)
        assert_ptr_equal(get(&t, i), all[i]);
    /* Delete every other entry (heads, middles and tails of chains alike): the
     * table stays at 2^10 buckets (44% is far above the 1/8 shrink point) and
     * every chain is still as short as its entries allow. */
    tentry **rest = zmalloc(n * sizeof(tentry *));
    unsigned m = 0;
    for (unsigned i = 0; i < n; i++) {
        if (i % 2 == 0) {
            assert_ptr_equal(del(&t, i), all[i]);
            zfree(all[i]);
        } else {
            rest[m++] = all[i];
        }
    }
    finish_rehash(&t);
    assert_int_equal(table_buckets(&t), 1024);
    assert_int_equal(htab_mem_usage(&t) / 64 - 1024, expected_children(&t, rest, m));
    for (unsigned i = 0; i < m; i++)
        assert_ptr_equal(get(&t, rest[i]->id), rest[i]);
    /* One past the threshold grows. */
    htab_deinit(&t, tentry_free, NULL);
    htab_init(&t, tentry_key);
    for (unsigned i = 0; i < cap; i++)
        put(&t, tentry_new(i));
    finish_rehash(&t);
    assert_int_equal(table_buckets(&t), 1024);
    put(&t, tentry_new(cap));
    assert_true(htab_is_rehashing(&t));
    finish_rehash(&t);
    assert_int_equal(table_buckets(&t), 2048);
    zfree(all);
    zfree(rest);
    htab_deinit(&t, tentry_free, NULL);
}

static void deletes_fold_children_back_into_parents(void **state)
{
    (void)state;
    /* One chain (every key in bucket 0), deleted one at a time from the head,
     * the tail and the middle in turn: after every delete the chain uses the
     * fewest buckets, so crossing 18 -> 17 or 10 -> 9 entries drops a child
     * (a child with one entry left folds into its parent's last slot). */
    for (int order = 0; order < 3; order++) {
        htab t;
        htab_init_hashfn(&t, tentry_key, collide_hash);
        const unsigned n = 40;
        int alive[40];
        for (unsigned i = 0; i < n; i++) {
            put(&t, tentry_new(i));
            alive[i] = 1;
            finish_rehash(&t);
            assert_int_equal(htab_mem_usage(&t) / 64 - table_buckets(&t), chain_children(i + 1));
        }
        for (unsigned left = n; left > 0; left--) {
            /* Pick the first, last or middle live id (by insertion order, which is
             * chain order before holes are refilled). */
            unsigned ids[40], k = 0;
            for (unsigned i = 0; i < n; i++)
                if (alive[i])
                    ids[k++] = i;
            unsigned victim = order == 0 ? ids[0] : order == 1 ? ids[k - 1] : ids[k / 2];
            tentry *e = del(&t, victim);
            assert_non_null(e);
            assert_int_equal(e->id, victim);
            zfree(e);
            alive[victim] = 0;
            finish_rehash(&t);
            assert_int_equal(htab_size(&t), left - 1);
            /* (An empty table scans in one call whatever its size.) */
            if (left > 1)
                assert_int_equal(htab_mem_usage(&t) / 64 - table_buckets(&t),
                                 chain_children(left - 1));
            else
                assert_int_equal(htab_mem_usage(&t), 4 * 64);
            for (unsigned i = 0; i < n; i++) {
                if (alive[i])
                    assert_int_equal(get(&t, i)->id, i);
                else
                    assert_null(get(&t, i));
            }
        }
        htab_deinit(&t, tentry_free, NULL);
    }
}

/* ---- scan ------------------------------------------------------------------------- */

static void mark_seen(void *priv, void *entry)
{
    tentry *e = entry;
    e->seen++;
    if (priv)
        (*(size_t *)priv)++;
}

static void scan_reports_every_key_exactly_once_on_a_stable_table(void **state)
{
    (void)state;
    htab t;
    htab_init(&t, tentry_key);
    assert_int_equal(htab_scan(&t, 0, mark_seen, NULL), 0);
    const unsigned n = 10000;
    tentry **all = zmalloc(n * sizeof(tentry *));
    for (unsigned i = 0; i < n; i++) {
        all[i] = tentry_new(i);
        put(&t, all[i]);
    }
    finish_rehash(&t);
    size_t reported = 0, calls = 0;
    uint64_t cursor = 0;
    do {
        cursor = htab_scan(&t, cursor, mark_seen, &reported);
        calls++;
    } while (cursor != 0);
    assert_int_equal(reported, n);
    /* One call per home bucket. */
    assert_int_equal(calls, table_buckets(&t));
    assert_int_equal(calls & (calls - 1), 0);
    for (unsigned i = 0; i < n; i++)
        assert_int_equal(all[i]->seen, 1);
    zfree(all);
    htab_deinit(&t, tentry_free, NULL);
}

/* Runs a scan to completion, calling between(t, call) between calls; returns the
 * number of calls. */
static size_t scan_all(htab *t, void (*between)(htab *t, size_t call, void *arg), void *arg)
{
    size_t calls = 0;
    uint64_t cursor = 0;
    do {
        cursor = htab_scan(t, cursor, mark_seen, NULL);
        calls++;
        assert_true(calls < 10000000);
        if (cursor != 0)
            between(t, calls, arg);
    } while (cursor != 0);
    return calls;
}

static void grow_between(htab *t, size_t call, void *arg)
{
    unsigned *next = arg;
    (void)call;
    /* Growth must stop for the scan to catch up and finish. */
    for (int i = 0; i < 40 && *next < 63000; i++)
        put(t, tentry_new((*next)++));
}

static void scan_survives_growth_between_calls(void **state)
{
    (void)state;
    htab t;
    htab_init(&t, tentry_key);
    const unsigned base = 3000;
    for (unsigned i = 0; i < base; i++)
        put(&t, tentry_new(i));
    finish_rehash(&t);
    size_t mem_before = htab_mem_usage(&t);
    unsigned next = base;
    scan_all(&t, grow_between, &next);
    assert_true(htab_mem_usage(&t) >= 8 * mem_before); /* grew several times */
    for (unsigned i = 0; i < base; i++)
        assert_true(get(&t, i)->seen >= 1);
    htab_deinit(&t, tentry_free, NULL);
}

static void shrink_between(htab *t, size_t call, void *arg)
{
    unsigned *next = arg; /* next doomed id to delete, counting down */
    (void)call;
    for (int i = 0; i < 60 && *next >= 1000; i++)
        zfree(del(t, (*next)--));
}

static void scan_survives_shrinking_between_calls(void **state)
{
    (void)state;
    htab t;
    htab_init(&t, tentry_key);
    /* Ids 0..999 stay for the whole scan; 1000..59999 are deleted during it. */
    const unsigned n = 60000;
    for (unsigned i = 0; i < n; i++)
        put(&t, tentry_new(i));
    finish_rehash(&t);
    size_t mem_before = htab_mem_usage(&t);
    unsigned next = n - 1;
    scan_all(&t, shrink_between, &next);
    assert_true(htab_mem_usage(&t) * 8 <= mem_before); /* shrank several times */
    for (unsigned i = 0; i < 1000; i++)
        assert_true(get(&t, i)->seen >= 1);
    htab_deinit(&t, tentry_free, NULL);
}

static void step_between(htab *t, size_t call, void *arg)
{
    (void)call;
    (void)arg;
    htab_rehash_step(t, 1);
}

static void scan_covers_both_tables_during_a_rehash(void **state)
{
    (void)state;
    /* Growing rehash. */
    htab t;
    htab_init(&t, tentry_key);
    unsigned n = 0;
    while (n < 5000 || !htab_is_rehashing(&t))
        put(&t, tentry_new(n++));
    htab_rehash_step(&t, 10);
    assert_true(htab_is_rehashing(&t));
    size_t reported = 0;
    uint64_t cursor = 0;
    do
        cursor = htab_scan(&t, cursor, mark_seen, &reported);
    while (cursor != 0);
    assert_true(htab_is_rehashing(&t));
    assert_true(reported >= n);
    for (unsigned i = 0; i < n; i++)
        assert_true(get(&t, i)->seen >= 1);

    /* And with the rehash advancing between calls. */
    for (unsigned i = 0; i < n; i++)
        get(&t, i)->seen = 0;
    scan_all(&t, step_between, NULL);
    for (unsigned i = 0; i < n; i++)
        assert_true(get(&t, i)->seen >= 1);
    htab_deinit(&t, tentry_free, NULL);

    /* Shrinking rehash: delete down past the shrink threshold, stop mid-rehash. */
    htab_init(&t, tentry_key);
    for (unsigned i = 0; i < 40000; i++)
        put(&t, tentry_new(i));
    finish_rehash(&t);
    unsigned last = 39999;
    while (!htab_is_rehashing(&t))
        zfree(del(&t, last--));
    assert_true(htab_is_rehashing(&t));
    for (unsigned i = 0; i <= last; i++)
        get(&t, i)->seen = 0;
    scan_all(&t, step_between, NULL);
    for (unsigned i = 0; i <= last; i++)
        assert_true(get(&t, i)->seen >= 1);
    htab_deinit(&t, tentry_free, NULL);
}

/* Between scan calls, alternately grow past 88% and shrink below 1/8 of the
 * slots with entries that come and go; ids 0..stable-1 stay throughout. */
typedef struct churn {
    unsigned next;  /* next transient id */
    unsigned first; /* oldest live transient id */
    int growing;
    int resizes; /* direction changes */
} churn;

static void churn_between(htab *t, size_t call, void *arg)
{
    churn *c = arg;
    (void)call;
    if (c->resizes >= 12)
        return; /* let the scan finish */
    for (int i = 0; i < 500; i++) {
        if (c->growing) {
            put(t, tentry_new(c->next++));
        } else if (c->first < c->next) {
            zfree(del(t, c->first++));
        }
    }
    /* Flip direction past the thresholds: 4300 entries are over 88% of 2^9
     * buckets of 9 (the table grows to 2^10); the 300 stable ones alone are
     * under 1/8 of that (it shrinks back, in steps, to 2^7). */
    unsigned live = c->next - c->first;
    int was = c->growing;
    if (c->growing && live >= 4000)
        c->growing = 0;
    else if (!c->growing && live == 0)
        c->growing = 1;
    c->resizes += was != c->growing;
}

static void scan_survives_repeated_grow_and_shrink_at_the_thresholds(void **state)
{
    (void)state;
    htab t;
    htab_init(&t, tentry_key);
    const unsigned stable = 300;
    for (unsigned i = 0; i < stable; i++)
        put(&t, tentry_new(i));
    finish_rehash(&t);
    churn c = {.next = 1000000, .first = 1000000, .growing = 1};
    size_t calls = scan_all(&t, churn_between, &c);
    assert_true(calls > 100);
    assert_true(c.resizes >= 6);
    for (unsigned i = 0; i < stable; i++)
        assert_true(get(&t, i)->seen >= 1);
    htab_deinit(&t, tentry_free, NULL);
}

/* ---- random ----------------------------------------------------------------------- */

static uint64_t rng_state = 0x853c49e6748fea9bULL;

static uint64_t rng(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Draws samples random entries from t (ids 0..n-1) and checks every id comes up
 * within a generous band around the mean. */
static void check_random_is_fair(const htab *t, unsigned n, unsigned samples)
{
    unsigned *hits = zcalloc(n * sizeof(*hits));
    for (unsigned s = 0; s < samples; s++) {
        tentry *e = htab_random(t, rng());
        assert_non_null(e);
        assert_true(e->id < n);
        hits[e->id]++;
    }
    double mean = (double)samples / n;
    for (unsigned i = 0; i < n; i++) {
        assert_true(hits[i] > mean * 0.6);
        assert_true(hits[i] < mean * 1.4);
    }
    zfree(hits);
}

static void random_returns_members_fairly_on_small_and_large_tables(void **state)
{
    (void)state;
    htab t;
    htab_init(&t, tentry_key);
    assert_null(htab_random(&t, rng()));
    tentry *one = tentry_new(0);
    put(&t, one);
    for (int i = 0; i < 100; i++)
        assert_ptr_equal(htab_random(&t, rng()), one);
    for (unsigned i = 1; i < 20; i++)
        put(&t, tentry_new(i));
    check_random_is_fair(&t, 20, 40000);
    for (unsigned i = 20; i < 100000; i++)
        put(&t, tentry_new(i));
    /* Mid-rehash and after: always a member, reasonably spread. */
    assert_true(htab_is_rehashing(&t) || htab_size(&t) == 100000);
    finish_rehash(&t);
    unsigned *hits = zcalloc(100 * sizeof(*hits));
    for (int s = 0; s < 100000; s++) {
        tentry *e = htab_random(&t, rng());
        assert_non_null(e);
        assert_ptr_equal(get(&t, e->id), e);
        hits[e->id % 100]++;
    }
    for (int i = 0; i < 100; i++)
        assert_true(hits[i] > 700 && hits[i] < 1300);
    zfree(hits);
    htab_deinit(&t, tentry_free, NULL);
}

static void random_is_fair_across_collision_chains(void **state)
{
    (void)state;
    /* Ids 0..9 share one chain (same tag), the rest spread out: both must be fair. */
    htab t;
    htab_init_hashfn(&t, tentry_key, collide_hash);
    for (unsigned i = 0; i < 10; i++)
        put(&t, tentry_new(i));
    check_random_is_fair(&t, 10, 20000);
    htab_deinit(&t, tentry_free, NULL);

    htab_init(&t, tentry_key);
    for (unsigned i = 0; i < 300; i++)
        put(&t, tentry_new(i));
    check_random_is_fair(&t, 300, 300000);
    htab_deinit(&t, tentry_free, NULL);
}

static void random_finds_the_entry_of_a_sparse_table(void **state)
{
    (void)state;
    htab t;
    htab_init(&t, tentry_key);
    for (unsigned i = 0; i < 1000; i++)
        put(&t, tentry_new(i));
    finish_rehash(&t);
    for (unsigned i = 1; i < 1000; i++)
        zfree(del(&t, i));
    for (int i = 0; i < 1000; i++)
        assert_int_equal(((tentry *)htab_random(&t, rng()))->id, 0);
    htab_deinit(&t, tentry_free, NULL);
}

static void prefetch_is_harmless_on_any_table(void **state)
{
    (void)state;
    htab t;
    htab_init(&t, tentry_key);
    htab_prefetch(&t, 123);
    unsigned n = 0;
    while (!htab_is_rehashing(&t))
        put(&t, tentry_new(n++));
    for (unsigned i = 0; i < n; i++)
        htab_prefetch(&t, htab_hash("x", 1) + i);
    htab_deinit(&t, tentry_free, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(insert_find_delete_many_keys),
        cmocka_unit_test(binary_keys_with_nul_bytes_are_distinct),
        cmocka_unit_test(nocase_table_matches_keys_in_any_case),
        cmocka_unit_test(seed_changes_the_hash),
        cmocka_unit_test(table_grows_and_shrinks_with_contents_intact),
        cmocka_unit_test(rehash_step_completes_a_rehash),
        cmocka_unit_test(lookups_and_deletes_work_while_rehashing),
        cmocka_unit_test(clear_empties_the_table_back_to_minimum_size),
        cmocka_unit_test(colliding_hashes_chain_child_buckets),
        cmocka_unit_test(equal_tags_fall_back_to_comparing_keys),
        cmocka_unit_test(find_entry_locates_a_replaced_pointer),
        cmocka_unit_test(find_entry_works_in_collision_chains),
        cmocka_unit_test(pointers_round_trip_through_6_byte_slots),
        cmocka_unit_test(a_pointer_above_2_48_aborts),
        cmocka_unit_test(a_zero_top_byte_never_makes_an_empty_tag),
        cmocka_unit_test(tags_0_and_1_share_a_tag_but_not_a_key),
        cmocka_unit_test(chains_at_high_fill_use_the_fewest_buckets),
        cmocka_unit_test(deletes_fold_children_back_into_parents),
        cmocka_unit_test(scan_reports_every_key_exactly_once_on_a_stable_table),
        cmocka_unit_test(scan_survives_growth_between_calls),
        cmocka_unit_test(scan_survives_shrinking_between_calls),
        cmocka_unit_test(scan_covers_both_tables_during_a_rehash),
        cmocka_unit_test(scan_survives_repeated_grow_and_shrink_at_the_thresholds),
        cmocka_unit_test(random_returns_members_fairly_on_small_and_large_tables),
        cmocka_unit_test(random_is_fair_across_collision_chains),
        cmocka_unit_test(random_finds_the_entry_of_a_sparse_table),
        cmocka_unit_test(prefetch_is_harmless_on_any_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
