/* test_qlist.c: unit tests of the list encoding: splits, merges, indexes, iterators. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../qlist.h"

/* ---- helpers --------------------------------------------------------- */

static void *t_alloc(size_t n)
{
    void *p = malloc(n);
    assert_non_null(p);
    return p;
}

static void *t_realloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    assert_non_null(q);
    return q;
}

static size_t t_usable(const void *p)
{
    return malloc_usable_size((void *)p);
}

static int setup(void **state)
{
    ql_allocator a = {t_alloc, t_realloc, free, t_usable};
    (void)state;
    ql_set_allocator(&a);
    ql_set_fill(-2);
    return 0;
}

static void push_str(qlist *ql, int where, const char *s)
{
    ql_push(ql, where, s, strlen(s));
}

/* The element at index as a NUL-terminated string in a static buffer. */
static const char *at(qlist *ql, long index)
{
    static char buf[256];
    ql_elem e;
    if (!ql_index(ql, index, &e))
        return NULL;
    assert_true(e.len < sizeof buf);
    memcpy(buf, e.ptr, e.len);
    buf[e.len] = '\0';
    return buf;
}

/* Pushes "e0".."e<n-1>" at the tail. */
static qlist *make_list(int n)
{
    qlist *ql = ql_create();
    char buf[32];
    for (int i = 0; i < n; i++) {
        snprintf(buf, sizeof buf, "e%d", i);
        push_str(ql, QL_TAIL, buf);
    }
    assert_int_equal(ql_check(ql), 0);
    return ql;
}

/* Checks ql holds exactly want[0..n) in both directions. */
static void expect_contents(qlist *ql, const char *const *want, size_t n)
{
    ql_iter it;
    ql_elem e;
    size_t i = 0;

    assert_int_equal(ql_check(ql), 0);
    assert_int_equal(ql->count, n);
    ql_iter_init(ql, &it, 0, QL_TAIL);
    while (ql_iter_next(&it, &e)) {
        assert_true(i < n);
        assert_true(ql_elem_eq(&e, want[i], strlen(want[i])));
        i++;
    }
    assert_int_equal(i, n);
    ql_iter_init(ql, &it, -1, QL_HEAD);
    while (ql_iter_next(&it, &e)) {
        assert_true(i > 0);
        i--;
        assert_true(ql_elem_eq(&e, want[i], strlen(want[i])));
    }
    assert_int_equal(i, 0);
}

/* ---- tests ------------------------------------------------------------- */

static void push_and_peek_both_ends(void **state)
{
    qlist *ql = ql_create();
    ql_elem e;
    (void)state;

    assert_false(ql_peek(ql, QL_HEAD, &e));
    push_str(ql, QL_TAIL, "b");
    push_str(ql, QL_HEAD, "a");
    push_str(ql, QL_TAIL, "c");
    assert_true(ql_peek(ql, QL_HEAD, &e));
    assert_true(ql_elem_eq(&e, "a", 1));
    assert_true(ql_peek(ql, QL_TAIL, &e));
    assert_true(ql_elem_eq(&e, "c", 1));
    {
        const char *want[] = {"a", "b", "c"};
        expect_contents(ql, want, 3);
    }
    ql_trim(ql, QL_HEAD, 1);
    ql_trim(ql, QL_TAIL, 1);
    {
        const char *want[] = {"b"};
        expect_contents(ql, want, 1);
    }
    ql_trim(ql, QL_TAIL, 5);
    assert_int_equal(ql->count, 0);
    assert_null(ql->head);
    assert_int_equal(ql_check(ql), 0);
    ql_free(ql);
}

static void integer_strings_keep_their_bytes(void **state)
{
    const char *vals[] = {"0",
                          "1",
                          "127",
                          "128",
                          "-1",
                          "-128",
                          "-129",
                          "255",
                          "32767",
                          "-32768",
                          "8388607",
                          "2147483648",
                          "123456789012",
                          "9223372036854775807",
                          "-9223372036854775808",
                          "9223372036854775808",
                          "-9223372036854775809",
                          "007",
                          "-0",
                          "+1",
                          " 1",
                          "1 ",
                          "",
                          "-",
                          "1e3",
                          "0x10",
                          "18446744073709551616",
                          "99999999999999999999"};
    size_t n = sizeof vals / sizeof vals[0];
    qlist *ql = ql_create();
    (void)state;

    for (size_t i = 0; i < n; i++)
        push_str(ql, QL_TAIL, vals[i]);
    expect_contents(ql, vals, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(at(ql, (long)i), vals[i]);
    ql_free(ql);
}

static void strings_of_every_length_class_round_trip(void **state)
{
    size_t lens[] = {0, 1, 63, 64, 127, 128, 8191, 8192, 16383, 16384, 70000};
    qlist *ql = ql_create();
    ql_iter it;
    ql_elem e;
    size_t i = 0;
    (void)state;

    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        char *s = malloc(lens[k] + 1);
        for (size_t j = 0; j < lens[k]; j++)
            s[j] = (char)('a' + (j + k) % 26);
        s[lens[k] > 0 ? lens[k] - 1 : 0] = lens[k] > 0 ? '\0' : s[0]; /* binary byte */
        ql_push(ql, k % 2 ? QL_HEAD : QL_TAIL, s, lens[k]);
        free(s);
    }
    assert_int_equal(ql_check(ql), 0);
    /* big elements live in nodes of their own */
    assert_true(ql->nodes >= 4);
    ql_iter_init(ql, &it, 0, QL_TAIL);
    while (ql_iter_next(&it, &e)) {
        int found = 0;
        for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++)
            if (lens[k] == e.len)
                found = 1;
        assert_true(found);
        if (e.len > 1)
            assert_int_equal(e.ptr[e.len - 1], '\0');
        i++;
    }
    assert_int_equal(i, sizeof lens / sizeof lens[0]);
    ql_free(ql);
}

static void index_arithmetic_with_negative_indexes(void **state)
{
    qlist *ql = make_list(2000); /* several nodes */
    (void)state;

    assert_true(ql->nodes > 1);
    assert_string_equal(at(ql, 0), "e0");
    assert_string_equal(at(ql, 1999), "e1999");
    assert_string_equal(at(ql, -1), "e1999");
    assert_string_equal(at(ql, -2000), "e0");
    assert_string_equal(at(ql, 1000), "e1000");
    assert_string_equal(at(ql, -1000), "e1000");
    assert_string_equal(at(ql, 777), "e777");
    assert_string_equal(at(ql, -777), "e1223");
    assert_null(at(ql, 2000));
    assert_null(at(ql, -2001));
    assert_null(at(ql, __LONG_MAX__));
    assert_null(at(ql, -__LONG_MAX__ - 1));
    for (long i = 0; i < 2000; i += 37) {
        char buf[32];
        snprintf(buf, sizeof buf, "e%ld", i);
        assert_string_equal(at(ql, i), buf);
        assert_string_equal(at(ql, i - 2000), buf);
    }
    ql_free(ql);
}

static void iterates_both_directions_from_any_index(void **state)
{
    qlist *ql;
    ql_iter it;
    ql_elem e;
    (void)state;

    ql_set_fill(5); /* small nodes: many node boundaries */
    ql = make_list(23);
    assert_true(ql->nodes >= 5);
    for (long start = -23; start < 23; start++) {
        long idx = start < 0 ? 23 + start : start;
        long i = idx;
        char buf[32];
        ql_iter_init(ql, &it, start, QL_TAIL);
        while (ql_iter_next(&it, &e)) {
            snprintf(buf, sizeof buf, "e%ld", i++);
            assert_true(ql_elem_eq(&e, buf, strlen(buf)));
        }
        assert_int_equal(i, 23);
        i = idx;
        ql_iter_init(ql, &it, start, QL_HEAD);
        while (ql_iter_next(&it, &e)) {
            snprintf(buf, sizeof buf, "e%ld", i--);
            assert_true(ql_elem_eq(&e, buf, strlen(buf)));
        }
        assert_int_equal(i, -1);
    }
    ql_iter_init(ql, &it, 23, QL_TAIL);
    assert_false(ql_iter_next(&it, &e));
    ql_iter_init(ql, &it, -24, QL_HEAD);
    assert_false(ql_iter_next(&it, &e));
    ql_free(ql);
    ql_set_fill(-2);
}

static void insert_in_middle_of_full_node_splits_it(void **state)
{
    qlist *ql;
    ql_iter it;
    ql_elem e;
    (void)state;

    ql_set_fill(4);
    ql = make_list(8); /* two full nodes of 4 */
    assert_int_equal(ql->nodes, 2);
    assert_int_equal(ql_node_count(ql, 0), 4);
    ql_iter_init(ql, &it, 1, QL_TAIL);
    assert_true(ql_iter_next(&it, &e));
    assert_true(ql_elem_eq(&e, "e1", 2));
    ql_iter_insert(&it, QL_TAIL, "x", 1);
    {
        const char *want[] = {"e0", "e1", "x", "e2", "e3", "e4", "e5", "e6", "e7"};
        expect_contents(ql, want, 9);
    }
    assert_int_equal(ql->nodes, 3); /* the first node was split in two */
    for (size_t i = 0; i < ql->nodes; i++)
        assert_true(ql_node_count(ql, i) <= 4);
    /* before the first element of a full node with a full neighbour */
    ql_iter_init(ql, &it, 0, QL_TAIL);
    assert_true(ql_iter_next(&it, &e));
    ql_iter_insert(&it, QL_HEAD, "y", 1);
    {
        const char *want[] = {"y", "e0", "e1", "x", "e2", "e3", "e4", "e5", "e6", "e7"};
        expect_contents(ql, want, 10);
    }
    ql_free(ql);
    ql_set_fill(-2);
}

static void insert_at_node_edge_uses_neighbour_with_room(void **state)
{
    qlist *ql;
    ql_iter it;
    ql_elem e;
    (void)state;

    ql_set_fill(4);
    ql = make_list(6); /* 4 + 2 */
    assert_int_equal(ql->nodes, 2);
    /* after e3, the last of the full first node: goes to the front of node 2 */
    ql_iter_init(ql, &it, 3, QL_TAIL);
    assert_true(ql_iter_next(&it, &e));
    assert_true(ql_elem_eq(&e, "e3", 2));
    ql_iter_insert(&it, QL_TAIL, "z", 1);
    assert_int_equal(ql->nodes, 2);
    assert_int_equal(ql_node_count(ql, 1), 3);
    {
        const char *want[] = {"e0", "e1", "e2", "e3", "z", "e4", "e5"};
        expect_contents(ql, want, 7);
    }
    ql_free(ql);
    ql_set_fill(-2);
}

static void deletes_then_compact_merge_nodes(void **state)
{
    qlist *ql;
    ql_iter it;
    ql_elem e;
    size_t before;
    long i = 0;
    (void)state;

    ql_set_fill(8);
    ql = make_list(64); /* 8 nodes of 8 */
    before = ql->nodes;
    assert_int_equal(before, 8);
    /* delete every element whose index is not a multiple of 4 */
    ql_iter_init(ql, &it, 0, QL_TAIL);
    while (ql_iter_next(&it, &e)) {
        if (i++ % 4)
            ql_iter_delete(&it);
    }
    assert_int_equal(ql->count, 16);
    assert_int_equal(ql_check(ql), 0);
    assert_int_equal(ql->nodes, 8); /* deletes alone never merge */
    ql_compact(ql);
    assert_int_equal(ql_check(ql), 0);
    assert_int_equal(ql->nodes, 2);
    for (long k = 0; k < 16; k++) {
        char buf[32];
        snprintf(buf, sizeof buf, "e%ld", k * 4);
        assert_string_equal(at(ql, k), buf);
    }
    ql_free(ql);
    ql_set_fill(-2);
}

static void delete_while_iterating_backwards_removes_emptied_nodes(void **state)
{
    qlist *ql;
    ql_iter it;
    ql_elem e;
    (void)state;

    ql_set_fill(3);
    ql = make_list(9);
    assert_int_equal(ql->nodes, 3);
    ql_iter_init(ql, &it, -1, QL_HEAD);
    while (ql_iter_next(&it, &e)) {
        if (!ql_elem_eq(&e, "e0", 2) && !ql_elem_eq(&e, "e8", 2))
            ql_iter_delete(&it);
    }
    {
        const char *want[] = {"e0", "e8"};
        expect_contents(ql, want, 2);
    }
    assert_int_equal(ql->nodes, 2);
    ql_free(ql);
    ql_set_fill(-2);
}

static void trim_partial_and_whole_nodes(void **state)
{
    qlist *ql = make_list(3000);
    (void)state;

    ql_trim(ql, QL_HEAD, 1234);
    assert_int_equal(ql_check(ql), 0);
    assert_string_equal(at(ql, 0), "e1234");
    ql_trim(ql, QL_TAIL, 1000);
    assert_int_equal(ql_check(ql), 0);
    assert_int_equal(ql->count, 766);
    assert_string_equal(at(ql, -1), "e1999");
    ql_trim(ql, QL_TAIL, 766);
    assert_int_equal(ql->count, 0);
    assert_int_equal(ql->nodes, 0);
    assert_int_equal(ql_check(ql), 0);
    ql_free(ql);
}

static void replace_grows_and_shrinks_elements(void **state)
{
    qlist *ql;
    char big[3000];
    (void)state;

    ql_set_fill(-1); /* 4 KB nodes */
    ql = make_list(1000);
    memset(big, 'B', sizeof big);
    assert_true(ql_replace(ql, 500, big, sizeof big));
    assert_true(ql_replace(ql, 501, big, sizeof big));
    assert_true(ql_replace(ql, -1, "last", 4));
    assert_true(ql_replace(ql, 0, "12345", 5));
    assert_false(ql_replace(ql, 1000, "x", 1));
    assert_false(ql_replace(ql, -1001, "x", 1));
    assert_int_equal(ql_check(ql), 0);
    assert_int_equal(ql->count, 1000);
    assert_string_equal(at(ql, 0), "12345");
    assert_string_equal(at(ql, 499), "e499");
    assert_string_equal(at(ql, 502), "e502");
    assert_string_equal(at(ql, 999), "last");
    {
        ql_elem e;
        assert_true(ql_index(ql, 501, &e));
        assert_int_equal(e.len, sizeof big);
        assert_memory_equal(e.ptr, big, sizeof big);
    }
    assert_true(ql_replace(ql, 500, "s", 1));
    assert_string_equal(at(ql, 500), "s");
    assert_int_equal(ql_check(ql), 0);
    ql_free(ql);
    ql_set_fill(-2);
}

static void dup_is_deep_and_mem_usage_is_compact(void **state)
{
    qlist *ql = ql_create(), *c;
    size_t mem;
    (void)state;

    for (int i = 0; i < 1000; i++) {
        char buf[16];
        snprintf(buf, sizeof buf, "elem-%07d", i); /* 12 bytes */
        push_str(ql, QL_TAIL, buf);
    }
    mem = ql_mem_usage(ql);
    /* 14 bytes an entry, a few nodes of 8 KB */
    assert_true(mem < 1000 * 15);
    c = ql_dup(ql);
    assert_int_equal(ql_check(c), 0);
    ql_trim(ql, QL_HEAD, 1000);
    assert_int_equal(c->count, 1000);
    assert_string_equal(at(c, 999), "elem-0000999");
    ql_free(c);
    ql_free(ql);
}

static void node_size_follows_fill(void **state)
{
    qlist *ql;
    (void)state;

    ql_set_fill(-1);
    ql = make_list(5000);
    for (size_t i = 0; i + 1 < ql->nodes; i++)
        assert_true(ql_node_count(ql, i) > 500); /* ~4 KB of 5..7 byte entries */
    ql_free(ql);
    ql_set_fill(10);
    ql = make_list(95);
    assert_int_equal(ql->nodes, 10);
    ql_free(ql);
    ql_set_fill(0); /* one element per node */
    ql = make_list(5);
    assert_int_equal(ql->nodes, 5);
    ql_free(ql);
    ql_set_fill(-2);
}

/* A random walk compared with a plain array, for several fills. */
static void random_operations_match_a_model(void **state)
{
    enum { CAP = 4000 };
    static char *model[CAP];
    int fills[] = {-2, -1, 1, 2, 7};
    unsigned seed = 12345;
    (void)state;

    for (size_t f = 0; f < sizeof fills / sizeof fills[0]; f++) {
        qlist *ql = ql_create();
        size_t n = 0;
        ql_set_fill(fills[f]);
        for (int step = 0; step < 6000; step++) {
            char buf[300];
            int op;
            size_t len;
            seed = seed * 1103515245u + 12345u;
            op = (int)((seed >> 16) % 8);
            len = (size_t)snprintf(buf, sizeof buf, "%u", seed % 100000);
            if ((seed >> 8) % 5 == 0) {
                memset(buf + len, 'p', 150);
                len += 150;
                buf[len] = '\0';
            }
            if (n + 1 >= CAP)
                op = 3;
            if (op <= 1) { /* push */
                if (op == 0) {
                    memmove(model + 1, model, n * sizeof *model);
                    model[0] = strdup(buf);
                } else {
                    model[n] = strdup(buf);
                }
                n++;
                push_str(ql, op == 0 ? QL_HEAD : QL_TAIL, buf);
            } else if (op == 2 && n) { /* trim */
                size_t k = (seed >> 4) % 5;
                int where = (seed >> 12) & 1 ? QL_HEAD : QL_TAIL;
                if (k > n)
                    k = n;
                for (size_t i = 0; i < k; i++) {
                    if (where == QL_HEAD) {
                        free(model[0]);
                        memmove(model, model + 1, (n - 1) * sizeof *model);
                    } else {
                        free(model[n - 1]);
                    }
                    n--;
                }
                ql_trim(ql, where, k);
            } else if (op == 3 && n) { /* delete at a random index through an iterator */
                size_t idx = (seed >> 3) % n;
                int dir = (seed >> 11) & 1 ? QL_HEAD : QL_TAIL;
                ql_iter it;
                ql_elem e;
                ql_iter_init(ql, &it, (long)idx, dir);
                assert_true(ql_iter_next(&it, &e));
                assert_true(ql_elem_eq(&e, model[idx], strlen(model[idx])));
                ql_iter_delete(&it);
                if (ql_iter_next(&it, &e)) {
                    size_t nxt = dir == QL_TAIL ? idx + 1 : idx - 1;
                    assert_true(ql_elem_eq(&e, model[nxt], strlen(model[nxt])));
                }
                free(model[idx]);
                memmove(model + idx, model + idx + 1, (n - idx - 1) * sizeof *model);
                n--;
            } else if (op == 4 && n) { /* insert before/after */
                size_t idx = (seed >> 3) % n;
                int where = (seed >> 13) & 1 ? QL_HEAD : QL_TAIL;
                size_t pos = where == QL_HEAD ? idx : idx + 1;
                ql_iter it;
                ql_elem e;
                ql_iter_init(ql, &it, (long)idx - (long)((seed >> 9) & 1 ? n : 0), QL_TAIL);
                assert_true(ql_iter_next(&it, &e));
                ql_iter_insert(&it, where, buf, len);
                memmove(model + pos + 1, model + pos, (n - pos) * sizeof *model);
                model[pos] = strdup(buf);
                n++;
            } else if (op == 5 && n) { /* replace */
                size_t idx = (seed >> 3) % n;
                assert_true(ql_replace(ql, (long)idx, buf, len));
                free(model[idx]);
                model[idx] = strdup(buf);
            } else if (op == 6 && n) { /* index */
                size_t idx = (seed >> 3) % n;
                ql_elem e;
                assert_true(ql_index(ql, (long)idx - (long)n, &e));
                assert_true(ql_elem_eq(&e, model[idx], strlen(model[idx])));
            } else if (op == 7 && step % 50 == 0) {
                ql_compact(ql);
            }
            assert_int_equal(ql_check(ql), 0);
            assert_int_equal(ql->count, n);
            if (step % 500 == 0)
                expect_contents(ql, (const char *const *)model, n);
        }
        expect_contents(ql, (const char *const *)model, n);
        {
            qlist *c = ql_dup(ql);
            expect_contents(c, (const char *const *)model, n);
            ql_free(c);
        }
        for (size_t i = 0; i < n; i++)
            free(model[i]);
        ql_free(ql);
    }
    ql_set_fill(-2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(push_and_peek_both_ends, setup),
        cmocka_unit_test_setup(integer_strings_keep_their_bytes, setup),
        cmocka_unit_test_setup(strings_of_every_length_class_round_trip, setup),
        cmocka_unit_test_setup(index_arithmetic_with_negative_indexes, setup),
        cmocka_unit_test_setup(iterates_both_directions_from_any_index, setup),
        cmocka_unit_test_setup(insert_in_middle_of_full_node_splits_it, setup),
        cmocka_unit_test_setup(insert_at_node_edge_uses_neighbour_with_room, setup),
        cmocka_unit_test_setup(deletes_then_compact_merge_nodes, setup),
        cmocka_unit_test_setup(delete_while_iterating_backwards_removes_emptied_nodes, setup),
        cmocka_unit_test_setup(trim_partial_and_whole_nodes, setup),
        cmocka_unit_test_setup(replace_grows_and_shrinks_elements, setup),
        cmocka_unit_test_setup(dup_is_deep_and_mem_usage_is_compact, setup),
        cmocka_unit_test_setup(node_size_follows_fill, setup),
        cmocka_unit_test_setup(random_operations_match_a_model, setup),
    };
    return cmocka_run_group_tests_name("qlist", tests, NULL, NULL);
}
