/* test_db.c: unit tests for the keyspace (core/db.c): entry layout, lookups, expiry, moves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "db.h"

/* main.c is not linked: the global the core reads lives here. */
server_state server;

#define NDB 4
/* An arbitrary "now" for the injected clock of db_lookup. */
#define T0 1700000000000LL

/* A string literal as (pointer, length), NUL bytes included. */
#define LIT(s) s, sizeof(s) - 1

static int free_calls, copy_calls;
static size_t last_free_size;

static void fake_free(void *area, size_t size)
{
    (void)area;
    free_calls++;
    last_free_size = size;
}

/* A deep copy that leaves a visible mark: the first byte becomes 'C'. */
static void fake_copy(void *dst, const void *src, size_t size)
{
    copy_calls++;
    memcpy(dst, src, size);
    if (size)
        ((unsigned char *)dst)[0] = 'C';
}

static char fake_name[] = "fake";
static char plain_name[] = "plain";
static modis_type fake_type, plain_type;

static int setup(void **state)
{
    (void)state;
    memset(&server, 0, sizeof server);
    server.cfg.databases = NDB;
    db_init_all(NDB);
    fake_type = (modis_type){
        .id = 1, .m = {.name = "fake", .free = fake_free, .copy = fake_copy}, .name = fake_name};
    /* A type with no methods: areas are plain bytes. */
    plain_type = (modis_type){.id = 2, .m = {.name = "plain"}, .name = plain_name};
    server.types[1] = &fake_type;
    server.types[2] = &plain_type;
    server.ntypes = 3;
    free_calls = copy_calls = 0;
    last_free_size = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_free_all();
    return 0;
}

/* Sets key to a value of t holding exactly the bytes val[0..vlen). */
static void put(db *d, const char *key, size_t klen, modis_type *t, const char *val, size_t vlen,
                int keepttl)
{
    unsigned char *area = db_set(d, key, klen, t, vlen, (keepttl ? DB_SET_KEEPTTL : 0) | DB_SET_TOUCH, NULL);
    assert_non_null(area);
    memcpy(area, val, vlen);
}

static void assert_value(const entry *e, const char *val, size_t vlen)
{
    assert_non_null(e);
    entry_view v;
    entry_parse(e, &v);
    assert_int_equal(v.size, vlen);
    assert_memory_equal(v.area, val, vlen);
}

static void set_then_find_and_lookup_return_the_entry_for_binary_keys(void **state)
{
    (void)state;
    db *d = &server.dbs[0];
    put(d, LIT("a\0b\xff"), &fake_type, LIT("hel\0lo"), 0);

    entry *e = db_find(d, LIT("a\0b\xff"));
    assert_non_null(e);
    assert_ptr_equal(db_lookup(d, LIT("a\0b\xff"), T0), e);
    assert_ptr_equal(entry_type(e), &fake_type);
    entry_view v;
    entry_parse(e, &v);
    assert_int_equal(v.klen, 4);
    assert_memory_equal(v.key, "a\0b\xff", 4);
    assert_int_equal(v.expire, MODIS_NO_EXPIRE);
    assert_value(e, LIT("hel\0lo"));
    size_t klen;
    const char *k = entry_key(e, &klen);
    assert_int_equal(klen, 4);
    assert_memory_equal(k, "a\0b\xff", 4);

    /* Keys differing after a NUL byte, or prefixes, are other keys. */
    assert_null(db_find(d, LIT("a\0c\xff")));
    assert_null(db_find(d, LIT("a")));
    assert_null(db_lookup(d, LIT("a\0b"), T0));
    assert_null(db_find(&server.dbs[1], LIT("a\0b\xff")));
    assert_int_equal(htab_size(&d->keys), 1);
    assert_int_equal(fake_type.nkeys, 1);
    assert_int_equal(free_calls, 0);
}

static void empty_key_and_empty_value_are_stored(void **state)
{
    (void)state;
    db *d = &server.dbs[0];
    put(d, "", 0, &plain_type, "", 0, 0);
    entry *e = db_find(d, "", 0);
    assert_non_null(e);
    entry_view v;
    entry_parse(e, &v);
    assert_int_equal(v.klen, 0);
    assert_int_equal(v.size, 0);
    assert_int_equal(v.expire, MODIS_NO_EXPIRE);
}

static void entry_layout_is_type_flags_access_varints_key_expire_value(void **state)
{
    (void)state;
    db *d = &server.dbs[0];
    server.lru_clock = 0x123456;
    put(d, LIT("key"), &fake_type, LIT("VAL"), 0);
    const entry *e = db_find(d, LIT("key"));
    assert_non_null(e);
    const unsigned char want[] = {1, 0, 0x56, 0x34, 0x12, 3, 3, 'k', 'e', 'y', 'V', 'A', 'L'};
    assert_memory_equal(e, want, sizeof want);
    assert_int_equal(entry_has_expire(e), 0);

    /* A compact expire: flag bit 0 and 5 little-endian bytes of milliseconds
     * since 2020-01-01 after the key. */
    long long when = T0;
    assert_int_equal(db_set_expire(d, LIT("key"), when), 0);
    e = db_find(d, LIT("key"));
    const unsigned char want_ttl[] = {1,    1,    0x56, 0x34, 0x12, 3,    3,   'k',
                                      'e',  'y',  0x00, 0x80, 0x7e, 0x71, 0x1c, 'V',
                                      'A',  'L'};
    assert_memory_equal(e, want_ttl, sizeof want_ttl);

    /* A key of 200 bytes and a value of 300: two-byte varints. */
    char big[200];
    memset(big, 'k', sizeof big);
    unsigned char *area = db_set(d, big, sizeof big, &plain_type, 300, 0, NULL);
    memset(area, 'v', 300);
    e = db_find(d, big, sizeof big);
    const unsigned char want_hdr[] = {2, 0, 0x56, 0x34, 0x12, 0xc8, 0x01, 0xac, 0x02, 'k'};
    assert_memory_equal(e, want_hdr, sizeof want_hdr);
    assert_ptr_equal(area, e + 9 + 200);
}

static void key_expiring_at_t_is_alive_at_t_and_gone_at_t_plus_1(void **state)
{
    (void)state;
    db *d = &server.dbs[0];
    put(d, LIT("k"), &fake_type, LIT("v"), 0);
    assert_int_equal(db_set_expire(d, LIT("k"), T0), 0);
    assert_int_equal(d->expires, 1);

    assert_non_null(db_lookup(d, LIT("k"), T0 - 1));
    assert_non_null(db_lookup(d, LIT("k"), T0));
    assert_int_equal(free_calls, 0);
    assert_int_equal(server.stat_expiredkeys, 0);

    assert_null(db_lookup(d, LIT("k"), T0 + 1));
    /* The lookup deleted it: gone from the raw table, freed once, counted. */
    assert_null(db_find(d, LIT("k")));
    assert_int_equal(free_calls, 1);
    assert_int_equal(d->expires, 0);
    assert_int_equal(server.stat_expiredkeys, 1);
    assert_int_equal(fake_type.nkeys, 0);
    assert_int_equal(htab_size(&d->keys), 0);
}

static void find_ignores_expiry_and_keeps_the_key(void **state)
{
    (void)state;
    db *d = &server.dbs[0];
    put(d, LIT("k"), &fake_type, LIT("v"), 0);
    db_set_expire(d, LIT("k"), 5);
    entry *e = db_find(d, LIT("k"));
    assert_non_null(e);
    assert_int_equal(entry_expire(e), 5);
    assert_int_equal(free_calls, 0);
    assert_int_equal(d->expires, 1);
}

static void set_with_keepttl_keeps_the_ttl_and_without_drops_it(void **state)
{
    (void)state;
    db *d = &server.dbs[0];
    put(d, LIT("k"), &fake_type, LIT("one"), 0);
    db_set_expire(d, LIT("k"), T0 + 1000);

    put(d, LIT("k"), &fake_type, LIT("two!"), 1);
    entry *e = db_find(d, LIT("k"));
    assert_int_equal(entry_expire(e), T0 + 1000);
    assert_value(e, LIT("two!"));
    assert_int_equal(d->expires, 1);
    assert_int_equal(free_calls, 1); /* the replaced value */
    assert_int_equal(last_free_size, 3);

    put(d, LIT("k"), &fake_type, LIT("three"), 0);
    e = db_find(d, LIT("k"));
    assert_int_equal(entry_expire(e), MODIS_NO_EXPIRE);
    assert_int_equal(entry_has_expire(e), 0);
    assert_value(e, LIT("three"));
    assert_int_equal(d->expires, 0);
    assert_int_equal(free_calls, 2);
    assert_int_equal(fake_type.nkeys, 1);

    /* keepttl on a key without a TTL, and on a new key, sets none. */
    put(d, LIT("k"), &fake_type, LIT("four"), 1);
    put(d, LIT("new"), &fake_type, LIT("x"), 1);
    assert_int_equal(entry_expire(db_find(d, LIT("k"))), MODIS_NO_EXPIRE);
    assert_int_equal(entry_expire(db_find(d, LIT("new"))), MODIS_NO_EXPIRE);
    assert_int_equal(d->expires, 0);
}

static void set_replacing_another_type_moves_the_key_counts(void **state)
{
    (void)state;
    db *d = &server.dbs[0];
    put(d, LIT("k"), &fake_type, LIT("v"), 0);
    assert_int_equal(fake_type.nkeys, 1);
    put(d, LIT("k"), &plain_type, LIT("w"), 0);
    assert_int_equal(fake_type.nkeys, 0);
    assert_int_equal(plain_type.nkeys, 1);
    assert_int_equal(free_calls, 1);
    assert_ptr_equal(entry_type(db_find(d, LIT("k"))), &plain_type);
}

static void set_expire_adds_and_removes_a_ttl_keeping_the_value(void **state)
{
    (void)state;
    db *d = &server.dbs[0];
    const char val[] = "value\0with\0nuls";
    put(d, LIT("k"), &fake_type, val, sizeof val, 0);

    assert_int_equal(db_set_expire(d, LIT("k"), T0), 0);
    entry *e = db_find(d, LIT("k"));
    assert_int_equal(entry_expire(e), T0);
    assert_value(e, val, sizeof val);
    assert_int_equal(d->expires, 1);

    /* Changing an existing TTL does not count the key twice. */
    assert_int_equal(db_set_expire(d, LIT("k"), T0 + 5), 0);
    assert_int_equal(entry_expire(db_find(d, LIT("k"))), T0 + 5);
    assert_int_equal(d->expires, 1);

    assert_int_equal(db_set_expire(d, LIT("k"), MODIS_NO_EXPIRE), 0);
    e = db_find(d, LIT("k"));
    assert_int_equal(entry_expire(e), MODIS_NO_EXPIRE);
    assert_int_equal(entry_has_expire(e), 0);
    assert_value(e, val, sizeof val);
    assert_int_equal(d->expires, 0);

    /* Rebuilding the entry moves the area; the value is not freed. */
    assert_int_equal(free_calls, 0);
    assert_int_equal(fake_type.nkeys, 1);
    assert_int_equal(db_set_expire(d, LIT("missing"), T0), -1);
    assert_int_equal(d->expires, 0);
}

static void expiry_round_trips_in_compact_and_wide_forms(void **state)
{
    (void)state;
    db *d = &server.dbs[0];
    const struct {
        long long when;
        int wide;
    } cases[] = {
        {0, 1},         {1, 1},
        {T0, 0},        {1577836800000LL, 0},
        {1577836800000LL - 1, 1},
        {1577836800000LL + (1LL << 40) - 1, 0},
        {1577836800000LL + (1LL << 40), 1}, {(1LL << 48) + 12345, 1},
        {LLONG_MAX, 1}, {-2, 1},
        {-1000, 1},     {LLONG_MIN, 1},
    };
    put(d, LIT("k"), &fake_type, LIT("payload"), 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(db_set_expire(d, LIT("k"), cases[i].when), 0);
        entry *e = db_find(d, LIT("k"));
        assert_non_null(e);
        if (entry_expire(e) != cases[i].when)
            fail_msg("expire %lld came back as %lld", cases[i].when, entry_expire(e));
        assert_int_equal(e[1] & 3, cases[i].wide ? 3 : 1);
        assert_value(e, LIT("payload"));
        assert_int_equal(d->expires, 1);
        /* The expire survives a resize and a keepttl set in both forms. */
        unsigned char *area = db_resize(d, LIT("k"), 7);
        assert_non_null(area);
        assert_int_equal(entry_expire(db_find(d, LIT("k"))), cases[i].when);
        put(d, LIT("k"), &fake_type, LIT("payload"), 1);
        assert_int_equal(entry_expire(db_find(d, LIT("k"))), cases[i].when);
    }
    /* A wide negative expire is in the past: the next lookup deletes it. */
    assert_null(db_lookup(d, LIT("k"), T0));
    assert_int_equal(d->expires, 0);
}

static void resize_keeps_contents_ttl_and_does_not_free(void **state)
{
    (void)state;
    db *d = &server.dbs[1];
    put(d, LIT("k"), &fake_type, LIT("abcd"), 0);
    db_set_expire(d, LIT("k"), T0);

    unsigned char *area = db_resize(d, LIT("k"), 100);
    assert_non_null(area);
    memset(area + 4, 'z', 96);
    entry *e = db_find(d, LIT("k"));
    entry_view v;
    entry_parse(e, &v);
    assert_ptr_equal(v.area, area);
    assert_int_equal(v.size, 100);
    assert_memory_equal(v.area, "abcd", 4);
    assert_int_equal(v.area[99], 'z');
    assert_int_equal(v.expire, T0);

    area = db_resize(d, LIT("k"), 2);
    assert_value(db_find(d, LIT("k")), LIT("ab"));
    assert_int_equal(entry_expire(db_find(d, LIT("k"))), T0);
    assert_ptr_equal(entry_type(db_find(d, LIT("k"))), &fake_type);
    assert_int_equal(d->expires, 1);
    assert_int_equal(free_calls, 0);
    assert_int_equal(fake_type.nkeys, 1);

    assert_null(db_resize(d, LIT("missing"), 10));
    assert_null(db_find(d, LIT("missing")));
}

static void delete_frees_once_and_uncounts_the_ttl(void **state)
{
    (void)state;
    db *d = &server.dbs[0];
    put(d, LIT("a"), &fake_type, LIT("1"), 0);
    put(d, LIT("b"), &fake_type, LIT("22"), 0);
    db_set_expire(d, LIT("b"), T0);
    assert_int_equal(d->expires, 1);

    assert_int_equal(db_delete(d, LIT("b")), 1);
    assert_int_equal(free_calls, 1);
    assert_int_equal(last_free_size, 2);
    assert_int_equal(d->expires, 0);
    assert_int_equal(db_delete(d, LIT("b")), 0);
    assert_int_equal(free_calls, 1);
    assert_non_null(db_find(d, LIT("a")));
    assert_int_equal(fake_type.nkeys, 1);
}

static void rename_moves_value_and_ttl_across_dbs_and_frees_nothing(void **state)
{
    (void)state;
    db *d0 = &server.dbs[0], *d1 = &server.dbs[1];
    put(d0, LIT("src\0"), &fake_type, LIT("moved"), 0);
    db_set_expire(d0, LIT("src\0"), T0 + 7);

    assert_int_equal(db_rename(d0, LIT("src\0"), d1, LIT("dst")), 0);
    assert_null(db_find(d0, LIT("src\0")));
    assert_int_equal(d0->expires, 0);
    entry *e = db_find(d1, LIT("dst"));
    assert_value(e, LIT("moved"));
    assert_int_equal(entry_expire(e), T0 + 7);
    assert_ptr_equal(entry_type(e), &fake_type);
    size_t klen;
    const char *k = entry_key(e, &klen);
    assert_int_equal(klen, 3);
    assert_memory_equal(k, "dst", 3);
    assert_int_equal(d1->expires, 1);
    assert_int_equal(free_calls, 0);
    assert_int_equal(copy_calls, 0);
    assert_int_equal(fake_type.nkeys, 1);

    assert_int_equal(db_rename(d0, LIT("src\0"), d1, LIT("dst")), -1);
    assert_value(db_find(d1, LIT("dst")), LIT("moved"));
}

static void rename_over_an_existing_key_frees_only_the_replaced_value(void **state)
{
    (void)state;
    db *d = &server.dbs[2];
    put(d, LIT("src"), &fake_type, LIT("new"), 0);
    put(d, LIT("dst"), &fake_type, LIT("old!"), 0);
    db_set_expire(d, LIT("dst"), T0);
    assert_int_equal(d->expires, 1);

    assert_int_equal(db_rename(d, LIT("src"), d, LIT("dst")), 0);
    assert_int_equal(free_calls, 1);
    assert_int_equal(last_free_size, 4);
    assert_value(db_find(d, LIT("dst")), LIT("new"));
    /* The destination's TTL went with its old value; src had none. */
    assert_int_equal(entry_expire(db_find(d, LIT("dst"))), MODIS_NO_EXPIRE);
    assert_int_equal(d->expires, 0);
    assert_int_equal(htab_size(&d->keys), 1);
    assert_int_equal(fake_type.nkeys, 1);
}

static void rename_onto_itself_keeps_the_key(void **state)
{
    (void)state;
    db *d = &server.dbs[0];
    put(d, LIT("k"), &fake_type, LIT("same"), 0);
    db_set_expire(d, LIT("k"), T0);
    assert_int_equal(db_rename(d, LIT("k"), d, LIT("k")), 0);
    assert_value(db_find(d, LIT("k")), LIT("same"));
    assert_int_equal(entry_expire(db_find(d, LIT("k"))), T0);
    assert_int_equal(d->expires, 1);
    assert_int_equal(free_calls, 0);
    assert_int_equal(fake_type.nkeys, 1);
}

static void copy_uses_the_type_copy_method_and_keeps_the_source(void **state)
{
    (void)state;
    db *d0 = &server.dbs[0], *d3 = &server.dbs[3];
    put(d0, LIT("src"), &fake_type, LIT("original"), 0);
    db_set_expire(d0, LIT("src"), T0 + 9);
    put(d3, LIT("dst"), &fake_type, LIT("replaced"), 0);

    assert_int_equal(db_copy(d0, LIT("src"), d3, LIT("dst")), 0);
    assert_int_equal(copy_calls, 1);
    assert_int_equal(free_calls, 1); /* the old dst */
    assert_value(db_find(d0, LIT("src")), LIT("original"));
    entry *e = db_find(d3, LIT("dst"));
    assert_value(e, LIT("Criginal"));
    assert_int_equal(entry_expire(e), T0 + 9);
    assert_int_equal(d0->expires, 1);
    assert_int_equal(d3->expires, 1);
    assert_int_equal(fake_type.nkeys, 2);

    assert_int_equal(db_copy(d0, LIT("missing"), d3, LIT("x")), -1);
    assert_null(db_find(d3, LIT("x")));
}

static void copy_without_a_copy_method_copies_the_bytes(void **state)
{
    (void)state;
    db *d = &server.dbs[0];
    put(d, LIT("src"), &plain_type, LIT("bytes\0here"), 0);
    assert_int_equal(db_copy(d, LIT("src"), d, LIT("dst")), 0);
    assert_value(db_find(d, LIT("dst")), LIT("bytes\0here"));
    assert_value(db_find(d, LIT("src")), LIT("bytes\0here"));
    assert_int_equal(copy_calls, 0);
    assert_int_equal(plain_type.nkeys, 2);
    assert_int_equal(d->expires, 0);
}

static void flush_frees_every_entry_and_resets_the_ttl_count(void **state)
{
    (void)state;
    db *d = &server.dbs[1];
    char key[32];
    for (int i = 0; i < 50; i++) {
        size_t n = (size_t)snprintf(key, sizeof key, "key:%d", i);
        put(d, key, n, &fake_type, key, n, 0);
        if (i % 5 == 0)
            db_set_expire(d, key, n, T0 + i);
    }
    put(&server.dbs[0], LIT("other"), &fake_type, LIT("db"), 0);
    assert_int_equal(d->expires, 10);

    assert_int_equal(db_flush(d), 50);
    assert_int_equal(free_calls, 50);
    assert_int_equal(htab_size(&d->keys), 0);
    assert_int_equal(d->expires, 0);
    assert_null(db_find(d, LIT("key:3")));
    assert_int_equal(fake_type.nkeys, 1);
    /* Other databases are untouched, and the flushed one is usable again. */
    assert_non_null(db_find(&server.dbs[0], LIT("other")));
    put(d, LIT("again"), &fake_type, LIT("x"), 0);
    assert_non_null(db_find(d, LIT("again")));
    assert_int_equal(db_flush(d), 1);
}

static void swap_exchanges_keys_and_ttl_counts(void **state)
{
    (void)state;
    put(&server.dbs[0], LIT("zero"), &fake_type, LIT("0"), 0);
    db_set_expire(&server.dbs[0], LIT("zero"), T0);
    put(&server.dbs[2], LIT("two"), &fake_type, LIT("2"), 0);

    db_swap(0, 2);
    assert_null(db_find(&server.dbs[0], LIT("zero")));
    assert_non_null(db_find(&server.dbs[0], LIT("two")));
    assert_non_null(db_find(&server.dbs[2], LIT("zero")));
    assert_int_equal(server.dbs[0].expires, 0);
    assert_int_equal(server.dbs[2].expires, 1);
    assert_int_equal(server.dbs[0].id, 0);
    assert_int_equal(server.dbs[2].id, 2);
}

static void active_expire_removes_only_keys_past_their_expiry(void **state)
{
    (void)state;
    long long now = ev_mstime();
    char key[32];
    for (int dbi = 0; dbi < NDB; dbi += 2) {
        db *d = &server.dbs[dbi];
        for (int i = 0; i < 100; i++) {
            size_t n = (size_t)snprintf(key, sizeof key, "k%d", i);
            put(d, key, n, &fake_type, key, n, 0);
            if (i < 30)
                db_set_expire(d, key, n, now - 1000);
            else if (i < 50)
                db_set_expire(d, key, n, now + 3600 * 1000);
        }
    }
    db_active_expire(1000000);
    for (int dbi = 0; dbi < NDB; dbi += 2) {
        db *d = &server.dbs[dbi];
        assert_int_equal(htab_size(&d->keys), 70);
        assert_int_equal(d->expires, 20);
        assert_null(db_find(d, LIT("k0")));
        assert_null(db_find(d, LIT("k29")));
        assert_non_null(db_find(d, LIT("k30")));
        assert_non_null(db_find(d, LIT("k99")));
    }
    assert_int_equal(free_calls, 60);
    assert_int_equal(server.stat_expiredkeys, 60);
    assert_int_equal(fake_type.nkeys, 140);
}

static void active_expire_eventually_clears_a_large_db_with_long_keys(void **state)
{
    (void)state;
    db *d = &server.dbs[3];
    long long past = ev_mstime() - 10;
    /* Keys longer than the 256-byte stack copy in db_active_expire. */
    char key[400];
    memset(key, 'x', sizeof key);
    for (int i = 0; i < 3000; i++) {
        size_t n = (size_t)snprintf(key, sizeof key, "%d:", i);
        key[n] = 'x';
        size_t klen = i % 2 ? 300 : n;
        put(d, key, klen, &fake_type, "v", 1, 0);
        db_set_expire(d, key, klen, past);
    }
    put(d, LIT("keeper"), &fake_type, LIT("v"), 0);
    assert_int_equal(d->expires, 3000);
    for (int round = 0; round < 1000 && d->expires > 0; round++)
        db_active_expire(100000);
    assert_int_equal(d->expires, 0);
    assert_int_equal(htab_size(&d->keys), 1);
    assert_int_equal(free_calls, 3000);
    assert_non_null(db_find(d, LIT("keeper")));
}

static void lru_clock_is_set_on_create_and_touch_and_kept_by_moves(void **state)
{
    (void)state;
    db *d = &server.dbs[0];
    server.cfg.maxmemory_policy = POLICY_NOEVICTION;
    server.lru_clock = 1000;
    put(d, LIT("k"), &fake_type, LIT("v"), 0);
    entry *e = db_find(d, LIT("k"));
    assert_int_equal(entry_access(e), 1000);

    /* Ten seconds later: idle 10 s; a lookup alone does not touch (the API does). */
    server.lru_clock = 1010;
    e = db_lookup(d, LIT("k"), T0);
    assert_int_equal(db_idle_ms(e), 10000);
    db_touch(e);
    assert_int_equal(db_idle_ms(e), 0);

    /* Moves and in-place rebuilds keep the clock; an overwrite restarts it. */
    server.lru_clock = 1020;
    assert_int_equal(db_set_expire(d, LIT("k"), T0 + 100000), 0);
    assert_non_null(db_resize(d, LIT("k"), 4));
    assert_int_equal(db_rename(d, LIT("k"), &server.dbs[1], LIT("k2")), 0);
    e = db_find(&server.dbs[1], LIT("k2"));
    assert_int_equal(entry_access(e), 1010);
    assert_int_equal(db_copy(&server.dbs[1], LIT("k2"), d, LIT("k3")), 0);
    assert_int_equal(entry_access(db_find(d, LIT("k3"))), 1020);
    put(&server.dbs[1], LIT("k2"), &fake_type, LIT("w"), 0);
    assert_int_equal(entry_access(db_find(&server.dbs[1], LIT("k2"))), 1020);
}

static void idle_time_counts_across_the_24_bit_clock_wrap(void **state)
{
    (void)state;
    db *d = &server.dbs[0];
    server.cfg.maxmemory_policy = POLICY_ALLKEYS_LRU;
    server.lru_clock = LRU_CLOCK_MAX - 5;
    put(d, LIT("k"), &plain_type, LIT("v"), 0);
    server.lru_clock = 3;
    /* Redis's estimateObjectIdleTime: clock + (LRU_CLOCK_MAX - lru). */
    assert_int_equal(db_idle_ms(db_find(d, LIT("k"))), 8000);

    db_update_clock(T0 + 1999);
    assert_int_equal(server.lru_clock, ((T0 + 1999) / 1000) & LRU_CLOCK_MAX);
    assert_int_equal(server.lfu_minutes, ((T0 + 1999) / 60000) & 0xffff);
}

static void lfu_counter_starts_at_5_and_first_touch_always_counts(void **state)
{
    (void)state;
    db *d = &server.dbs[0];
    server.cfg.maxmemory_policy = POLICY_ALLKEYS_LFU;
    server.cfg.lfu_log_factor = 10;
    server.cfg.lfu_decay_time = 1;
    server.lfu_minutes = 777;
    put(d, LIT("k"), &fake_type, LIT("v"), 0);
    entry *e = db_find(d, LIT("k"));
    assert_int_equal(entry_access(e), 777u << 8 | LFU_INIT_VAL);
    assert_int_equal(db_lfu_freq(e), 5);
    /* At the starting value the increment probability is 1. */
    db_touch(e);
    assert_int_equal(db_lfu_freq(e), 6);
    /* Later hits are ever less likely: 10000 touches stay far below 255 with
     * factor 10 (Redis's table: about 100k hits reach 255)... */
    for (int i = 0; i < 10000; i++)
        db_touch(e);
    unsigned f = db_lfu_freq(e);
    assert_true(f > 20 && f < 255);
    /* ...while factor 0 counts every hit up to the 255 ceiling. */
    server.cfg.lfu_log_factor = 0;
    for (int i = 0; i < 300; i++)
        db_touch(e);
    assert_int_equal(db_lfu_freq(e), 255);
}

static void lfu_counter_decays_one_per_decay_period_and_wraps_minutes(void **state)
{
    (void)state;
    db *d = &server.dbs[0];
    server.cfg.maxmemory_policy = POLICY_VOLATILE_LFU;
    server.cfg.lfu_decay_time = 2;
    server.lfu_minutes = 65530;
    put(d, LIT("k"), &fake_type, LIT("v"), 0);
    entry *e = db_find(d, LIT("k"));
    entry_set_access(e, 65530u << 8 | 40);
    /* 65535 - 65530 + 5 = 10 minutes across the wrap: 5 periods of 2. */
    server.lfu_minutes = 5;
    assert_int_equal(db_lfu_freq(e), 35);
    /* A decay time of 0 never decays; more periods than the counter floor at 0. */
    server.cfg.lfu_decay_time = 0;
    assert_int_equal(db_lfu_freq(e), 40);
    server.cfg.lfu_decay_time = 1;
    server.lfu_minutes = 1000;
    assert_int_equal(db_lfu_freq(e), 0);
}

static void lfu_overwrite_keeps_the_counter_and_copy_starts_fresh(void **state)
{
    (void)state;
    db *d = &server.dbs[0];
    server.cfg.maxmemory_policy = POLICY_ALLKEYS_LFU;
    server.cfg.lfu_log_factor = 0;
    server.cfg.lfu_decay_time = 1;
    server.lfu_minutes = 100;
    put(d, LIT("k"), &fake_type, LIT("v"), 0);
    entry *e = db_find(d, LIT("k"));
    db_touch(e);
    db_touch(e);
    assert_int_equal(db_lfu_freq(e), 7);
    /* The overwrite counts as one more access (Redis's SET looks the key up). */
    put(d, LIT("k"), &plain_type, LIT("w"), 0);
    assert_int_equal(db_lfu_freq(db_find(d, LIT("k"))), 8);
    assert_int_equal(db_copy(d, LIT("k"), d, LIT("c")), 0);
    assert_int_equal(db_lfu_freq(db_find(d, LIT("c"))), LFU_INIT_VAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(set_then_find_and_lookup_return_the_entry_for_binary_keys),
        T(empty_key_and_empty_value_are_stored),
        T(entry_layout_is_type_flags_access_varints_key_expire_value),
        T(lru_clock_is_set_on_create_and_touch_and_kept_by_moves),
        T(idle_time_counts_across_the_24_bit_clock_wrap),
        T(lfu_counter_starts_at_5_and_first_touch_always_counts),
        T(lfu_counter_decays_one_per_decay_period_and_wraps_minutes),
        T(lfu_overwrite_keeps_the_counter_and_copy_starts_fresh),
        T(key_expiring_at_t_is_alive_at_t_and_gone_at_t_plus_1),
        T(find_ignores_expiry_and_keeps_the_key),
        T(set_with_keepttl_keeps_the_ttl_and_without_drops_it),
        T(set_replacing_another_type_moves_the_key_counts),
        T(set_expire_adds_and_removes_a_ttl_keeping_the_value),
        T(expiry_round_trips_in_compact_and_wide_forms),
        T(resize_keeps_contents_ttl_and_does_not_free),
        T(delete_frees_once_and_uncounts_the_ttl),
        T(rename_moves_value_and_ttl_across_dbs_and_frees_nothing),
        T(rename_over_an_existing_key_frees_only_the_replaced_value),
        T(rename_onto_itself_keeps_the_key),
        T(copy_uses_the_type_copy_method_and_keeps_the_source),
        T(copy_without_a_copy_method_copies_the_bytes),
        T(flush_frees_every_entry_and_resets_the_ttl_count),
        T(swap_exchanges_keys_and_ttl_counts),
        T(active_expire_removes_only_keys_past_their_expiry),
        T(active_expire_eventually_clears_a_large_db_with_long_keys),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
