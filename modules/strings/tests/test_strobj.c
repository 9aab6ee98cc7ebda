/* test_strobj.c: unit tests of the string encodings (int, embstr, raw) over a one-key fake
 * keyspace. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <limits.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "strings.h"

const modis_api *M;
modis_type *string_type;

/* ---- a fake host: one key, its area, and the allocator --------------------------- */

static struct {
    unsigned char *area;
    size_t size;
    int keepttl_seen;
    long allocs;
} fake;

static void *fake_alloc(size_t n)
{
    fake.allocs++;
    return malloc(n ? n : 1);
}
static void *fake_calloc(size_t n)
{
    fake.allocs++;
    return calloc(1, n ? n : 1);
}
static void *fake_realloc(void *p, size_t n)
{
    if (!p)
        fake.allocs++;
    return realloc(p, n);
}
static void fake_free(void *p)
{
    if (p)
        fake.allocs--;
    free(p);
}
static size_t fake_usable_size(const void *p)
{
    return malloc_usable_size((void *)p);
}

static void drop_area(void)
{
    if (fake.area) {
        strobj_free(fake.area, fake.size);
        free(fake.area);
        fake.area = NULL;
    }
}

static void *fake_set_value(modis_ctx *ctx, modis_db *db, const modis_str *key,
                            const modis_type *type, size_t size, int flags)
{
    (void)ctx, (void)db, (void)key, (void)type;
    drop_area();
    fake.keepttl_seen = (flags & MODIS_SET_KEEPTTL) != 0;
    fake.area = malloc(size);
    memset(fake.area, 0xAA, size); /* uninitialised, as the contract says */
    fake.size = size;
    return fake.area;
}

static void *fake_resize_value(modis_ctx *ctx, modis_db *db, const modis_str *key, size_t size)
{
    (void)ctx, (void)db, (void)key;
    fake.area = realloc(fake.area, size);
    fake.size = size;
    return fake.area;
}

static modis_api fake_api;
static const modis_str KEY = {"k", 1};

static int setup(void **state)
{
    (void)state;
    memset(&fake_api, 0, sizeof fake_api);
    fake_api.size = sizeof fake_api;
    fake_api.alloc = fake_alloc;
    fake_api.calloc = fake_calloc;
    fake_api.realloc = fake_realloc;
    fake_api.free = fake_free;
    fake_api.usable_size = fake_usable_size;
    fake_api.set_value = fake_set_value;
    fake_api.resize_value = fake_resize_value;
    M = &fake_api;
    memset(&fake, 0, sizeof fake);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    drop_area();
    assert_int_equal(fake.allocs, 0); /* every raw buffer was freed */
    return 0;
}

static void store(const char *s)
{
    strobj_store(NULL, NULL, &KEY, s, strlen(s), 0);
}

static void assert_value(const char *expect, size_t len)
{
    strview v;
    strobj_view(fake.area, fake.size, &v);
    assert_int_equal(v.len, len);
    assert_memory_equal(v.ptr, expect, len);
    assert_int_equal(strobj_len(fake.area, fake.size), len);
}

/* ---- tests ------------------------------------------------------------------------- */

static void int_width_is_the_smallest_signed_fit(void **state)
{
    (void)state;
    assert_int_equal(strobj_int_width(0), 1);
    assert_int_equal(strobj_int_width(127), 1);
    assert_int_equal(strobj_int_width(-128), 1);
    assert_int_equal(strobj_int_width(128), 2);
    assert_int_equal(strobj_int_width(-129), 2);
    assert_int_equal(strobj_int_width(32767), 2);
    assert_int_equal(strobj_int_width(32768), 3);
    assert_int_equal(strobj_int_width(2147483647LL), 4);
    assert_int_equal(strobj_int_width(2147483648LL), 5);
    assert_int_equal(strobj_int_width(LLONG_MAX), 8);
    assert_int_equal(strobj_int_width(LLONG_MIN), 8);
}

static void int_area_round_trips_every_width(void **state)
{
    static const long long vals[] = {
        0,       1,          -1,        127,          -128,      255,       256,      -32769,
        1 << 23, -(1 << 23), 1LL << 40, -(1LL << 40), 1LL << 55, LLONG_MAX, LLONG_MIN};
    unsigned char area[9];
    (void)state;
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        size_t w = strobj_int_width(vals[i]);
        strobj_write_int(area, w, vals[i]);
        assert_int_equal(area[0], STR_TAG_INT);
        assert_true(strobj_read_int(area, w + 1) == vals[i]);
        /* A wider area than needed reads the same. */
        strobj_write_int(area, 8, vals[i]);
        assert_true(strobj_read_int(area, 9) == vals[i]);
    }
}

static void classify_follows_redis_object_encoding(void **state)
{
    static const struct {
        const char *s;
        int tag;
        size_t size;
    } cases[] = {
        {"1", STR_TAG_INT, 2},
        {"12345", STR_TAG_INT, 3},
        {"-9223372036854775808", STR_TAG_INT, 9},
        {"9223372036854775807", STR_TAG_INT, 9},
        {"9223372036854775808", STR_TAG_EMB, 20}, /* out of range */
        {"-0", STR_TAG_EMB, 3},
        {"01", STR_TAG_EMB, 3},
        {"+1", STR_TAG_EMB, 3},
        {" 1", STR_TAG_EMB, 3},
        {"1.5", STR_TAG_EMB, 4},
        {"", STR_TAG_EMB, 1},
        {"hello world!", STR_TAG_EMB, 13}, /* the 12-byte value of the memory target */
        {"12345678901234567890123456789012345678901234", STR_TAG_EMB, 45},
        {"123456789012345678901234567890123456789012345", STR_TAG_RAW, STR_RAW_AREA},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int tag = 0;
        long long iv;
        size_t size = strobj_classify(cases[i].s, strlen(cases[i].s), &tag, &iv);
        if (tag != cases[i].tag || size != cases[i].size)
            fail_msg("\"%s\": tag %d size %zu, expected tag %d size %zu", cases[i].s, tag, size,
                     cases[i].tag, cases[i].size);
    }
}

static void store_picks_encoding_and_name(void **state)
{
    (void)state;
    store("123");
    assert_string_equal(strobj_encoding_name(fake.area, fake.size), "int");
    assert_value("123", 3);
    assert_int_equal(strobj_mem_usage(fake.area, fake.size), 0);

    store("hello");
    assert_string_equal(strobj_encoding_name(fake.area, fake.size), "embstr");
    assert_int_equal(fake.size, 6);
    assert_value("hello", 5);

    store("this value is longer than forty-four bytes, so raw");
    assert_string_equal(strobj_encoding_name(fake.area, fake.size), "raw");
    assert_int_equal(fake.size, STR_RAW_AREA);
    assert_value("this value is longer than forty-four bytes, so raw", 50);
    assert_true(strobj_mem_usage(fake.area, fake.size) >= 50);
}

static void store_str_never_makes_an_int(void **state)
{
    (void)state;
    strobj_store_str(NULL, NULL, &KEY, "11", 2, MODIS_SET_KEEPTTL);
    assert_string_equal(strobj_encoding_name(fake.area, fake.size), "embstr");
    assert_true(fake.keepttl_seen);
    assert_value("11", 2);
}

static void binary_bytes_survive_every_encoding(void **state)
{
    static const char bin[] = "a\0b\r\nc";
    char big[100];
    (void)state;
    strobj_store(NULL, NULL, &KEY, bin, sizeof bin - 1, 0);
    assert_value(bin, sizeof bin - 1);
    memset(big, 0, sizeof big);
    big[50] = '\r';
    strobj_store(NULL, NULL, &KEY, big, sizeof big, 0);
    assert_string_equal(strobj_encoding_name(fake.area, fake.size), "raw");
    assert_value(big, sizeof big);
}

static void get_ll_is_strict_on_strings(void **state)
{
    long long v;
    (void)state;
    store("42");
    assert_true(strobj_get_ll(fake.area, fake.size, &v));
    assert_int_equal(v, 42);
    store("042");
    assert_false(strobj_get_ll(fake.area, fake.size, &v));
    store("4.2");
    assert_false(strobj_get_ll(fake.area, fake.size, &v));
}

static void get_ld_reads_ints_and_strings(void **state)
{
    long double v;
    (void)state;
    store("-7");
    assert_true(strobj_get_ld(fake.area, fake.size, &v));
    assert_true(v == -7.0L);
    store("2.5e1");
    assert_true(strobj_get_ld(fake.area, fake.size, &v));
    assert_true(v == 25.0L);
    store("abc");
    assert_false(strobj_get_ld(fake.area, fake.size, &v));
}

static void unshare_turns_int_and_embstr_raw(void **state)
{
    void *area;
    (void)state;
    store("-123");
    area = strobj_unshare(NULL, NULL, &KEY, fake.area, fake.size);
    assert_ptr_equal(area, fake.area);
    assert_string_equal(strobj_encoding_name(fake.area, fake.size), "raw");
    assert_true(fake.keepttl_seen);
    assert_value("-123", 4);

    store("");
    strobj_unshare(NULL, NULL, &KEY, fake.area, fake.size);
    assert_string_equal(strobj_encoding_name(fake.area, fake.size), "raw");
    assert_value("", 0);

    /* Already raw: nothing changes. */
    area = fake.area;
    assert_ptr_equal(strobj_unshare(NULL, NULL, &KEY, fake.area, fake.size), area);
}

static void raw_reserve_grows_greedily_and_keeps_bytes(void **state)
{
    char *p;
    (void)state;
    store("abc");
    strobj_unshare(NULL, NULL, &KEY, fake.area, fake.size);
    p = strobj_raw_reserve(fake.area, 100);
    assert_true(fake_usable_size(p) >= 200); /* doubled below 1 MB */
    assert_memory_equal(p, "abc", 3);
    memcpy(p + 3, "def", 3);
    strobj_raw_set(fake.area, p, 6);
    assert_value("abcdef", 6);
    /* Enough room already: same buffer. */
    assert_ptr_equal(strobj_raw_reserve(fake.area, 150), p);
}

static void copy_is_deep_for_raw(void **state)
{
    unsigned char *dst;
    strview a, b;
    (void)state;
    store("a raw value that is certainly longer than forty-four bytes");
    dst = malloc(fake.size);
    strobj_copy(dst, fake.area, fake.size);
    assert_ptr_not_equal(strobj_raw_ptr(dst), strobj_raw_ptr(fake.area));
    strobj_view(fake.area, fake.size, &a);
    strobj_view(dst, fake.size, &b);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.ptr, b.ptr, a.len);
    strobj_free(dst, fake.size);
    free(dst);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(int_width_is_the_smallest_signed_fit, setup, teardown),
        cmocka_unit_test_setup_teardown(int_area_round_trips_every_width, setup, teardown),
        cmocka_unit_test_setup_teardown(classify_follows_redis_object_encoding, setup, teardown),
        cmocka_unit_test_setup_teardown(store_picks_encoding_and_name, setup, teardown),
        cmocka_unit_test_setup_teardown(store_str_never_makes_an_int, setup, teardown),
        cmocka_unit_test_setup_teardown(binary_bytes_survive_every_encoding, setup, teardown),
        cmocka_unit_test_setup_teardown(get_ll_is_strict_on_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(get_ld_reads_ints_and_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(unshare_turns_int_and_embstr_raw, setup, teardown),
        cmocka_unit_test_setup_teardown(raw_reserve_grows_greedily_and_keeps_bytes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(copy_is_deep_for_raw, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
