/* test_qlist.c: unit tests of the list encoding: splits, merges, indexes, iterators, head room. */
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

/* Bytes live through the allocator given to qlist, to hold ql_mem_usage to
 * the truth. */
static size_t live_bytes;

static void *t_alloc(size_t n)
{
    void *p = malloc(n);
    assert_non_null(p);
    live_bytes += malloc_usable_size(p);
    return p;
}

static void *t_realloc(void *p, size_t n)
{
    size_t old = malloc_usable_size(p);
    void *q = realloc(p, n);
    assert_non_null(q);
    live_bytes = live_bytes - old + malloc_usable_size(q);
    return q;
}

static void t_free(void *p)
{
    if (p)
        live_bytes -= malloc_usable_size(p);
    free(p);
}

static size_t t_usable(const void *p)
{
    return malloc_usable_size((void *)p);
}

static int setup(void **state)
{
    ql_allocator a = {t_alloc, t_realloc, t_free, t_usable};
    (void)state;
    ql_set_allocator(&a);
    ql_set_fill(-2);
    live_bytes = 0; /* what a failed test left allocated is not ours */
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
static void expect_elements(qlist *ql, const char *const *want, size_t n)
{
    ql_iter it;
    ql_elem e;
    size_t i = 0;

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

/* As expect_elements, after ql_check passes. */
static void expect_contents(qlist *ql, const char *const *want, size_t n)
{
    assert_int_equal(ql_check(ql), 0);
    expect_elements(ql, want, n);
}

/* As expect_contents, but nodes may exceed the fill (it was lowered since
 * they were filled): ql_check's fill codes (-6, -9) are let through. */
static void expect_contents_loose(qlist *ql, const char *const *want, size_t n)
{
    int rc = ql_check(ql);

    assert_true(rc == 0 || rc == -6 || rc == -9);
    expect_elements(ql, want, n);
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

/* A random walk compared with a plain array, for several fills. With
 * head_heavy, pushes and trims go mostly to the head, so that inserts,
 * deletes and replaces land in nodes that have head room. */
static void random_walk(unsigned seed, int head_heavy)
{
    enum { CAP = 4000 };
    static char *model[CAP];
    int fills[] = {-2, -1, 1, 2, 7};

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
            if (head_heavy && op == 1 && (seed >> 20) % 4)
                op = 0;
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
                if (head_heavy && (seed >> 21) % 4)
                    where = QL_HEAD;
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
        assert_int_equal(ql_mem_usage(ql), live_bytes);
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

static void random_operations_match_a_model(void **state)
{
    (void)state;
    random_walk(12345, 0);
}

static void random_head_heavy_operations_match_a_model(void **state)
{
    (void)state;
    random_walk(777, 1);
}

/* ---- head room ---------------------------------------------------------- */

/* "<prefix><i>" zero-padded to a 12-byte string (never integer-encoded, so
 * ql_elem.ptr points into the node). */
static const char *name12(char *buf, int i)
{
    snprintf(buf, 13, "h-%010d", i);
    return buf;
}

static void head_pushes_and_pops_cross_node_boundaries(void **state)
{
    enum { N = 3000 };
    qlist *ql = ql_create(), *r = ql_create();
    char buf[16];
    ql_elem e;
    (void)state;

    for (int i = 0; i < N; i++) {
        push_str(ql, QL_HEAD, name12(buf, i));
        push_str(r, QL_TAIL, buf);
        if (i % 100 == 0)
            assert_int_equal(ql_check(ql), 0);
    }
    assert_int_equal(ql_check(ql), 0);
    assert_int_equal(ql->count, N);
    /* head pushes fill nodes as full as tail pushes do */
    assert_true(ql->nodes > 3);
    assert_int_equal(ql->nodes, r->nodes);
    for (long i = 0; i < N; i += 7) {
        assert_string_equal(at(ql, i), name12(buf, N - 1 - (int)i));
        assert_string_equal(at(ql, -1 - i), name12(buf, (int)i));
    }
    /* pop one at a time through every node, then the last */
    for (int i = N - 1; i >= 0; i--) {
        assert_true(ql_peek(ql, QL_HEAD, &e));
        assert_true(ql_elem_eq(&e, name12(buf, i), 12));
        assert_true(ql_peek(ql, QL_TAIL, &e));
        assert_true(ql_elem_eq(&e, "h-0000000000", 12));
        ql_trim(ql, QL_HEAD, 1);
        if (i % 50 == 0)
            assert_int_equal(ql_check(ql), 0);
    }
    assert_int_equal(ql->count, 0);
    assert_int_equal(ql->nodes, 0);
    assert_null(ql->head);
    assert_null(ql->tail);
    assert_int_equal(ql_check(ql), 0);
    /* usable again, and trims spanning nodes from both ends */
    for (int i = 0; i < N; i++)
        push_str(ql, QL_HEAD, name12(buf, i));
    ql_trim(ql, QL_HEAD, 1234);
    assert_int_equal(ql_check(ql), 0);
    assert_string_equal(at(ql, 0), name12(buf, N - 1 - 1234));
    ql_trim(ql, QL_TAIL, 1000);
    assert_int_equal(ql_check(ql), 0);
    assert_string_equal(at(ql, -1), name12(buf, 1000));
    assert_int_equal(ql->count, N - 2234);
    assert_int_equal(ql_mem_usage(ql) + ql_mem_usage(r), live_bytes);
    ql_free(ql);
    ql_free(r);
}

/* The point of head room: a push or pop at the head moves none of the other
 * entries, apart from the occasional (geometric) growth or shrink of the
 * node. With entries kept at offset 0, every head push moves them all. */
static void head_push_and_pop_leave_the_other_entries_in_place(void **state)
{
    enum { N = 500 }; /* 500 x 14 bytes: one 8 KB node */
    qlist *ql = ql_create();
    char buf[16];
    const char *last;
    ql_elem e;
    int moves = 0;
    (void)state;

    push_str(ql, QL_HEAD, name12(buf, 0));
    assert_true(ql_index(ql, -1, &e));
    last = e.ptr;
    for (int i = 1; i < N; i++) {
        push_str(ql, QL_HEAD, name12(buf, i));
        assert_true(ql_index(ql, -1, &e));
        assert_true(ql_elem_eq(&e, "h-0000000000", 12));
        if (e.ptr != last)
            moves++;
        last = e.ptr;
    }
    assert_int_equal(ql->nodes, 1);
    assert_int_equal(ql_check(ql), 0);
    assert_true(moves * 8 < N);
    /* pops: nothing moves until the node has shrunk by a third */
    moves = 0;
    for (int i = N - 1; i > N / 2; i--) {
        ql_trim(ql, QL_HEAD, 1);
        assert_true(ql_index(ql, -1, &e));
        if (e.ptr != last)
            moves++;
        last = e.ptr;
    }
    assert_true(moves <= 2);
    assert_int_equal(ql_check(ql), 0);
    assert_string_equal(at(ql, 0), name12(buf, N / 2));
    ql_free(ql);
}

static void alternating_head_and_tail_pushes(void **state)
{
    enum { N = 5000 };
    static char *model[2 * N];
    int fills[] = {-2, -1, 3, 128};
    char buf[16];
    (void)state;

    for (size_t f = 0; f < sizeof fills / sizeof fills[0]; f++) {
        qlist *ql = ql_create();
        size_t first = N, end = N; /* model[first .. end) */
        ql_set_fill(fills[f]);
        for (int i = 0; i < N; i++) {
            /* runs of 1, 2, 3 pushes on each side */
            int where = (i / (1 + i % 3)) % 2 ? QL_HEAD : QL_TAIL;
            name12(buf, i);
            push_str(ql, where, buf);
            if (where == QL_HEAD)
                model[--first] = strdup(buf);
            else
                model[end++] = strdup(buf);
            if (i % 250 == 0)
                expect_contents(ql, (const char *const *)model + first, end - first);
        }
        expect_contents(ql, (const char *const *)model + first, end - first);
        /* pop alternately from both ends down to 10 */
        for (int i = 0; end - first > 10; i++) {
            if (i % 2) {
                ql_trim(ql, QL_HEAD, 1);
                free(model[first++]);
            } else {
                ql_trim(ql, QL_TAIL, 1);
                free(model[--end]);
            }
            if (i % 97 == 0)
                expect_contents(ql, (const char *const *)model + first, end - first);
        }
        expect_contents(ql, (const char *const *)model + first, end - first);
        assert_int_equal(ql_mem_usage(ql), live_bytes);
        for (size_t i = first; i < end; i++)
            free(model[i]);
        ql_free(ql);
    }
    ql_set_fill(-2);
}

static void pops_that_empty_nodes(void **state)
{
    qlist *ql;
    ql_iter it;
    ql_elem e;
    char buf[16];
    (void)state;

    ql_set_fill(4);
    ql = ql_create();
    for (int i = 0; i < 10; i++)
        push_str(ql, QL_HEAD, name12(buf, i)); /* 9 8 | 7 6 5 4 | 3 2 1 0 */
    assert_int_equal(ql->nodes, 3);
    assert_int_equal(ql_node_count(ql, 0), 2);
    ql_trim(ql, QL_HEAD, 1);
    assert_int_equal(ql->nodes, 3);
    ql_trim(ql, QL_HEAD, 1); /* empties the head node */
    assert_int_equal(ql->nodes, 2);
    assert_int_equal(ql_check(ql), 0);
    assert_string_equal(at(ql, 0), name12(buf, 7));
    ql_trim(ql, QL_HEAD, 5); /* a whole node and part of the next */
    assert_int_equal(ql->nodes, 1);
    assert_int_equal(ql_check(ql), 0);
    assert_string_equal(at(ql, 0), name12(buf, 2));
    /* a head push into the node the pops left room in */
    push_str(ql, QL_HEAD, name12(buf, 100));
    assert_int_equal(ql->nodes, 1);
    push_str(ql, QL_HEAD, name12(buf, 101)); /* full: a new node */
    assert_int_equal(ql->nodes, 2);
    {
        const char *want[] = {"h-0000000101", "h-0000000100", "h-0000000002", "h-0000000001",
                              "h-0000000000"};
        expect_contents(ql, want, 5);
    }
    /* deleting the entries of the head node through an iterator frees it */
    ql_iter_init(ql, &it, 0, QL_TAIL);
    assert_true(ql_iter_next(&it, &e));
    ql_iter_delete(&it);
    assert_int_equal(ql->nodes, 1);
    assert_true(ql_iter_next(&it, &e));
    assert_true(ql_elem_eq(&e, "h-0000000100", 12));
    ql_iter_delete(&it);
    assert_true(ql_iter_next(&it, &e));
    assert_true(ql_elem_eq(&e, "h-0000000002", 12));
    {
        const char *want[] = {"h-0000000002", "h-0000000001", "h-0000000000"};
        expect_contents(ql, want, 3);
    }
    ql_trim(ql, QL_TAIL, 3);
    assert_int_equal(ql->nodes, 0);
    assert_int_equal(ql_check(ql), 0);
    ql_free(ql);
    ql_set_fill(-2);
}

static void head_room_exhaustion_fills_nodes_like_tail_pushes(void **state)
{
    qlist *ql;
    char buf[16];
    (void)state;

    ql_set_fill(-1); /* 4 KB nodes */
    ql = ql_create();
    for (int i = 0; i < 5000; i++) {
        snprintf(buf, sizeof buf, "e%d", i);
        push_str(ql, QL_HEAD, buf);
    }
    assert_int_equal(ql_check(ql), 0);
    for (size_t i = 1; i < ql->nodes; i++)
        assert_true(ql_node_count(ql, i) > 500); /* ~4 KB of 5..7 byte entries */
    ql_free(ql);
    ql_set_fill(10);
    ql = ql_create();
    for (int i = 0; i < 95; i++)
        push_str(ql, QL_HEAD, name12(buf, i));
    assert_int_equal(ql->nodes, 10);
    assert_int_equal(ql_check(ql), 0);
    ql_free(ql);
    ql_set_fill(0); /* one element per node */
    ql = ql_create();
    for (int i = 0; i < 5; i++)
        push_str(ql, QL_HEAD, name12(buf, i));
    assert_int_equal(ql->nodes, 5);
    assert_int_equal(ql_check(ql), 0);
    ql_free(ql);
    ql_set_fill(-2);
}

static void head_room_is_bounded_and_mem_usage_truthful(void **state)
{
    qlist *l, *r;
    char buf[16];
    size_t before, lm, rm;
    (void)state;

    /* one head push on a node of tail pushes adds at most an eighth */
    r = ql_create();
    for (int i = 0; i < 300; i++)
        push_str(r, QL_TAIL, name12(buf, i)); /* 4200 bytes */
    before = ql_mem_usage(r);
    push_str(r, QL_HEAD, "x");
    assert_int_equal(r->nodes, 1);
    assert_true(ql_mem_usage(r) <= before + 4200 / 8 + 64);
    assert_int_equal(ql_mem_usage(r), live_bytes);
    ql_free(r);

    /* lists built at the head take about what lists built at the tail do
     * (the lists memory benchmark: 1000 8-byte elements) */
    l = ql_create();
    r = ql_create();
    for (int i = 0; i < 1000; i++) {
        snprintf(buf, sizeof buf, "elem%04d", i);
        push_str(l, QL_HEAD, buf);
        push_str(r, QL_TAIL, buf);
    }
    lm = ql_mem_usage(l);
    rm = ql_mem_usage(r);
    assert_true(lm <= rm + rm / 32);
    assert_int_equal(lm + rm, live_bytes);
    ql_free(r);

    /* pops give the room back */
    for (int i = 0; i < 990; i++)
        ql_trim(l, QL_HEAD, 1);
    assert_int_equal(ql_check(l), 0);
    assert_true(ql_mem_usage(l) < 400);
    assert_int_equal(ql_mem_usage(l), live_bytes);

    /* and the accounting holds through inserts, replaces and compaction */
    for (int i = 0; i < 3000; i++) {
        ql_iter it;
        ql_elem e;
        push_str(l, i % 3 ? QL_HEAD : QL_TAIL, name12(buf, i));
        if (i % 10 == 0) {
            ql_iter_init(l, &it, (long)(i * 7919u % l->count), QL_TAIL);
            assert_true(ql_iter_next(&it, &e));
            ql_iter_insert(&it, i % 20 ? QL_HEAD : QL_TAIL, "inserted", 8);
        }
        if (i % 15 == 0)
            assert_true(ql_replace(l, (long)(i * 31u % l->count),
                                   i % 2 ? "r" : "a longer replacement value", i % 2 ? 1 : 26));
        if (i % 7 == 0)
            ql_trim(l, i % 2 ? QL_HEAD : QL_TAIL, 2);
        assert_int_equal(ql_mem_usage(l), live_bytes);
    }
    ql_compact(l);
    assert_int_equal(ql_check(l), 0);
    assert_int_equal(ql_mem_usage(l), live_bytes);
    ql_free(l);
    assert_int_equal(live_bytes, 0);
}

/* Inserts, deletes and replaces in nodes with head room, at both sides of
 * their middle (each side's entries move), against a model. */
static void iterators_and_inserts_after_head_pushes(void **state)
{
    enum { N = 200, CAP = 600 };
    static char *model[CAP];
    size_t n = 0;
    qlist *ql;
    ql_iter it;
    ql_elem e;
    char buf[16];
    (void)state;

    ql_set_fill(50);
    ql = ql_create();
    for (int i = 0; i < N; i++) {
        push_str(ql, QL_HEAD, name12(buf, i));
        memmove(model + 1, model, n * sizeof *model);
        model[0] = strdup(buf);
        n++;
    }
    assert_int_equal(ql->nodes, 4);
    expect_contents(ql, (const char *const *)model, n);
    /* iterate from every index in both directions */
    for (long start = 0; start < (long)n; start += 13) {
        long i = start;
        ql_iter_init(ql, &it, start, QL_TAIL);
        while (ql_iter_next(&it, &e)) {
            assert_true(ql_elem_eq(&e, model[i], strlen(model[i])));
            i++;
        }
        assert_int_equal(i, (long)n);
        i = start;
        ql_iter_init(ql, &it, start - (long)n, QL_HEAD);
        while (ql_iter_next(&it, &e)) {
            assert_true(ql_elem_eq(&e, model[i], strlen(model[i])));
            i--;
        }
        assert_int_equal(i, -1);
    }
    /* inserts before and after, at positions all over each node */
    for (int k = 0; k < 150; k++) {
        size_t idx = (size_t)k * 37u % n, pos;
        int where = k % 2 ? QL_HEAD : QL_TAIL;
        snprintf(buf, sizeof buf, "i%d", k);
        ql_iter_init(ql, &it, (long)idx, QL_TAIL);
        assert_true(ql_iter_next(&it, &e));
        assert_true(ql_elem_eq(&e, model[idx], strlen(model[idx])));
        ql_iter_insert(&it, where, buf, strlen(buf));
        pos = where == QL_HEAD ? idx : idx + 1;
        memmove(model + pos + 1, model + pos, (n - pos) * sizeof *model);
        model[pos] = strdup(buf);
        n++;
        assert_int_equal(ql_check(ql), 0);
        if (k % 10 == 0) { /* keep the head node taking head pushes */
            push_str(ql, QL_HEAD, "p");
            memmove(model + 1, model, n * sizeof *model);
            model[0] = strdup("p");
            n++;
        }
    }
    expect_contents(ql, (const char *const *)model, n);
    /* replaces that grow and shrink entries near the front of nodes */
    for (int k = 0; k < 60; k++) {
        size_t idx = (size_t)k * 11u % n;
        const char *v = k % 3 ? "a replacement well over twelve bytes" : "z";
        assert_true(ql_replace(ql, (long)idx, v, strlen(v)));
        free(model[idx]);
        model[idx] = strdup(v);
        assert_int_equal(ql_check(ql), 0);
    }
    expect_contents(ql, (const char *const *)model, n);
    /* delete every third element walking backwards */
    {
        long i = (long)n - 1;
        ql_iter_init(ql, &it, -1, QL_HEAD);
        while (ql_iter_next(&it, &e)) {
            assert_true(ql_elem_eq(&e, model[i], strlen(model[i])));
            if (i % 3 == 0) {
                ql_iter_delete(&it);
                free(model[i]);
                memmove(model + i, model + i + 1, (n - (size_t)i - 1) * sizeof *model);
                n--;
            }
            i--;
        }
    }
    expect_contents(ql, (const char *const *)model, n);
    ql_compact(ql);
    expect_contents(ql, (const char *const *)model, n);
    {
        qlist *c = ql_dup(ql);
        expect_contents(c, (const char *const *)model, n);
        ql_free(c);
    }
    for (size_t i = 0; i < n; i++)
        free(model[i]);
    ql_free(ql);
    ql_set_fill(-2);
}

/* CONFIG SET list-max-listpack-size changes the fill under existing nodes:
 * nodes with head room sized for the old fill keep working under the new. */
static void fill_changes_under_nodes_with_head_room(void **state)
{
    enum { CAP = 3000 };
    static char *model[CAP];
    size_t first = CAP / 2, end = CAP / 2;
    int fills[] = {-5, -1, 3, -3, 0, -2};
    char buf[16];
    qlist *ql = ql_create();
    (void)state;

    for (size_t f = 0; f < sizeof fills / sizeof fills[0]; f++) {
        ql_set_fill(fills[f]);
        for (int i = 0; i < 200; i++) {
            int k = (int)(f * 1000) + i;
            name12(buf, k);
            if (i % 4) {
                push_str(ql, QL_HEAD, buf);
                model[--first] = strdup(buf);
            } else {
                push_str(ql, QL_TAIL, buf);
                model[end++] = strdup(buf);
            }
        }
        /* pops at both ends, an insert and a replace next to the head */
        ql_trim(ql, QL_HEAD, 30);
        for (int i = 0; i < 30; i++)
            free(model[first++]);
        ql_trim(ql, QL_TAIL, 10);
        for (int i = 0; i < 10; i++)
            free(model[--end]);
        {
            ql_iter it;
            ql_elem e;
            ql_iter_init(ql, &it, 2, QL_TAIL);
            assert_true(ql_iter_next(&it, &e));
            ql_iter_insert(&it, QL_TAIL, "ins", 3);
            memmove(model + first - 1, model + first, 3 * sizeof *model);
            model[first + 2] = strdup("ins");
            first--;
        }
        assert_true(ql_replace(ql, 1, "a value longer than before", 26));
        free(model[first + 1]);
        model[first + 1] = strdup("a value longer than before");
        /* nodes built under a bigger fill may exceed the new one (as Redis
         * keeps them); the rest of ql_check must hold */
        expect_contents_loose(ql, (const char *const *)model + first, end - first);
        assert_int_equal(ql_mem_usage(ql), live_bytes);
    }
    ql_compact(ql);
    expect_contents_loose(ql, (const char *const *)model + first, end - first);
    for (size_t i = first; i < end; i++)
        free(model[i]);
    ql_free(ql);
    ql_set_fill(-2);
}

/* Deletes and inserts in the middle of a node move the shorter side of the
 * spot when there is room on that side, as head room allows. */
static void middle_edits_move_the_shorter_side(void **state)
{
    qlist *ql = ql_create();
    char buf[16];
    ql_iter it;
    ql_elem e;
    const char *first, *last;
    (void)state;

    for (int i = 0; i < 400; i++) /* one node: 5600 bytes */
        push_str(ql, QL_HEAD, name12(buf, i));
    assert_int_equal(ql->nodes, 1);
    assert_true(ql_index(ql, 0, &e));
    first = e.ptr;
    assert_true(ql_index(ql, -1, &e));
    last = e.ptr;
    /* near the head: the entries before it move up, the rest stay */
    ql_iter_init(ql, &it, 5, QL_TAIL);
    assert_true(ql_iter_next(&it, &e));
    ql_iter_delete(&it);
    assert_true(ql_index(ql, -1, &e));
    assert_ptr_equal(e.ptr, last);
    assert_true(ql_index(ql, 0, &e));
    assert_ptr_equal(e.ptr, first + 14);
    first = e.ptr;
    /* near the tail: the entries after it move down */
    ql_iter_init(ql, &it, -10, QL_TAIL);
    assert_true(ql_iter_next(&it, &e));
    ql_iter_delete(&it);
    assert_true(ql_index(ql, 0, &e));
    assert_ptr_equal(e.ptr, first);
    /* an insert near the tail uses the room the delete left there */
    ql_iter_init(ql, &it, -20, QL_TAIL);
    assert_true(ql_iter_next(&it, &e));
    ql_iter_insert(&it, QL_TAIL, "x", 1);
    assert_true(ql_index(ql, 0, &e));
    assert_ptr_equal(e.ptr, first);
    /* and one near the head the head room */
    assert_true(ql_index(ql, -1, &e));
    last = e.ptr;
    ql_iter_init(ql, &it, 3, QL_TAIL);
    assert_true(ql_iter_next(&it, &e));
    ql_iter_insert(&it, QL_HEAD, "y", 1);
    assert_true(ql_index(ql, -1, &e));
    assert_ptr_equal(e.ptr, last);
    assert_int_equal(ql->nodes, 1);
    assert_int_equal(ql->count, 400);
    assert_string_equal(at(ql, 3), "y");
    assert_string_equal(at(ql, 4), name12(buf, 396));
    assert_string_equal(at(ql, -20), "x");
    assert_string_equal(at(ql, -21), name12(buf, 20));
    assert_string_equal(at(ql, -19), name12(buf, 19));
    assert_int_equal(ql_check(ql), 0);
    ql_free(ql);
}

/* A queue (push at one end, pop at the other) kept near the node size stays
 * in a node or two, whichever end it grows at; its pops move no entries (but
 * for the odd shrink), and its head pushes seldom do (a full node is not
 * re-centred for a few bytes). */
static void queues_near_the_node_size(void **state)
{
    enum { STEPS = 20000 };
    char buf[16];
    (void)state;

    for (int where = QL_HEAD; where <= QL_TAIL; where++) {
        qlist *ql = ql_create();
        int first = 0, next = 0, push_moves = 0, pop_moves = 0;
        int from = where == QL_HEAD ? QL_TAIL : QL_HEAD; /* the popping end */
        long end = where == QL_HEAD ? 0 : -1, behind = where == QL_HEAD ? 1 : -2;
        long pop_end = from == QL_HEAD ? 0 : -1, pop_next = from == QL_HEAD ? 1 : -2;
        const char *prev = NULL, *was;
        ql_elem e;
        for (; next < 580; next++) /* 580 x 14 = 8120 bytes */
            push_str(ql, where, name12(buf, next));
        for (int step = 0; step < STEPS; step++) {
            push_str(ql, where, name12(buf, next++));
            /* the element pushed last time: where is it now? */
            assert_true(ql_index(ql, behind, &e));
            if (prev && e.ptr != prev)
                push_moves++;
            assert_true(ql_index(ql, pop_next, &e));
            was = e.ptr;
            ql_trim(ql, from, 1);
            first++;
            assert_true(ql_index(ql, pop_end, &e));
            if (e.ptr != was)
                pop_moves++;
            assert_true(ql->nodes <= 2);
            assert_true(ql_index(ql, end, &e));
            prev = e.ptr;
            if (step % 1000 == 0) {
                assert_int_equal(ql_check(ql), 0);
                assert_int_equal(ql_mem_usage(ql), live_bytes);
            }
        }
        /* A node grows geometrically (about 40 steps from one entry to 8 KB,
         * some 7% of the pushes into it); moving the full node for a few
         * bytes of room would be one push in two or three. Tail pushes grow
         * by realloc, which moves the node as the allocator pleases. */
        if (where == QL_HEAD)
            assert_true(push_moves < STEPS / 8);
        assert_true(pop_moves < STEPS / 20);
        assert_int_equal(ql->count, 580);
        assert_string_equal(at(ql, where == QL_HEAD ? -1 : 0), name12(buf, first));
        assert_string_equal(at(ql, where == QL_HEAD ? 0 : -1), name12(buf, next - 1));
        ql_free(ql);
    }
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
        cmocka_unit_test_setup(random_head_heavy_operations_match_a_model, setup),
        cmocka_unit_test_setup(head_pushes_and_pops_cross_node_boundaries, setup),
        cmocka_unit_test_setup(head_push_and_pop_leave_the_other_entries_in_place, setup),
        cmocka_unit_test_setup(alternating_head_and_tail_pushes, setup),
        cmocka_unit_test_setup(pops_that_empty_nodes, setup),
        cmocka_unit_test_setup(head_room_exhaustion_fills_nodes_like_tail_pushes, setup),
        cmocka_unit_test_setup(head_room_is_bounded_and_mem_usage_truthful, setup),
        cmocka_unit_test_setup(iterators_and_inserts_after_head_pushes, setup),
        cmocka_unit_test_setup(fill_changes_under_nodes_with_head_room, setup),
        cmocka_unit_test_setup(middle_edits_move_the_shorter_side, setup),
        cmocka_unit_test_setup(queues_near_the_node_size, setup),
    };
    return cmocka_run_group_tests_name("qlist", tests, NULL, NULL);
}
