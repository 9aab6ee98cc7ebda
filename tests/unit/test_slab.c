/* test_slab.c: unit tests for the entry allocator (core/slab.c): classes, reuse, page return. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "slab.h"

static void sizes_between_jemalloc_classes_round_to_8_byte_cells(void **state)
{
    (void)state;
    assert_int_equal(slab_size(16), 16);  /* jemalloc's own 16 */
    assert_int_equal(slab_size(17), 24);
    assert_int_equal(slab_size(24), 24);
    assert_int_equal(slab_size(25), 25);  /* rounds to 32: jemalloc's */
    assert_int_equal(slab_size(33), 40);
    assert_int_equal(slab_size(35), 40);
    assert_int_equal(slab_size(41), 41);
    assert_int_equal(slab_size(49), 56);
    assert_int_equal(slab_size(113), 120);
    assert_int_equal(slab_size(121), 121); /* above the cells */
}

#define N 5000

static void cells_are_distinct_and_pages_come_back_when_empty(void **state)
{
    (void)state;
    static unsigned char *cells[N];
    size_t pages0 = slab_pages(), used0 = slab_cells_used();
    for (int i = 0; i < N; i++) {
        cells[i] = slab_alloc(35);
        assert_non_null(cells[i]);
        memset(cells[i], (unsigned char)i, 35);
    }
    assert_int_equal(slab_cells_used(), used0 + N);
    /* 64 KB pages hold 1636 cells of 40 bytes. */
    assert_int_equal(slab_pages(), pages0 + (N + 1635) / 1636);
    for (int i = 0; i < N; i++)
        for (int b = 0; b < 35; b++)
            assert_int_equal(cells[i][b], (unsigned char)i);

    /* Free every other cell, then allocate as many again: no new page. */
    size_t pages = slab_pages();
    for (int i = 0; i < N; i += 2)
        slab_free(cells[i], 35);
    for (int i = 0; i < N; i += 2) {
        cells[i] = slab_alloc(40);
        memset(cells[i], (unsigned char)i, 40);
    }
    assert_int_equal(slab_pages(), pages);
    for (int i = 1; i < N; i += 2)
        for (int b = 0; b < 35; b++)
            assert_int_equal(cells[i][b], (unsigned char)i);

    /* Free all in a scrambled order: the pages go back but one. */
    srand(7);
    for (int i = N - 1; i > 0; i--) {
        int j = rand() % (i + 1);
        unsigned char *t = cells[i];
        cells[i] = cells[j];
        cells[j] = t;
    }
    for (int i = 0; i < N; i++)
        slab_free(cells[i], 37);
    assert_int_equal(slab_cells_used(), used0);
    assert_true(slab_pages() <= pages0 + 1);
}

static void other_sizes_go_to_the_general_allocator(void **state)
{
    (void)state;
    size_t used0 = slab_cells_used();
    void *a = slab_alloc(32), *b = slab_alloc(200), *c = slab_alloc(8);
    assert_int_equal(slab_cells_used(), used0);
    memset(a, 1, 32);
    memset(b, 2, 200);
    memset(c, 3, 8);
    slab_free(a, 32);
    slab_free(b, 200);
    slab_free(c, 8);
}

static void each_class_keeps_its_own_pages(void **state)
{
    (void)state;
    size_t sizes[] = {20, 40, 50, 70, 88, 100, 120}; /* one per class */
    void *p[7][3];
    for (int k = 0; k < 3; k++)
        for (int c = 0; c < 7; c++) {
            p[c][k] = slab_alloc(sizes[c]);
            memset(p[c][k], c, sizes[c]);
        }
    /* A cell sits on a 64 KB page of its class's cells, after the 64-byte
     * header, and keeps its contents while the other classes allocate. */
    for (int c = 0; c < 7; c++)
        for (int k = 0; k < 3; k++) {
            uintptr_t off = (uintptr_t)p[c][k] & 0xffff;
            assert_true(off >= 64);
            assert_int_equal((off - 64) % slab_size(sizes[c]), 0);
            for (size_t b = 0; b < sizes[c]; b++)
                assert_int_equal(((unsigned char *)p[c][k])[b], c);
        }
    for (int k = 0; k < 3; k++)
        for (int c = 0; c < 7; c++)
            slab_free(p[c][k], sizes[c]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sizes_between_jemalloc_classes_round_to_8_byte_cells),
        cmocka_unit_test(cells_are_distinct_and_pages_come_back_when_empty),
        cmocka_unit_test(other_sizes_go_to_the_general_allocator),
        cmocka_unit_test(each_class_keeps_its_own_pages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
