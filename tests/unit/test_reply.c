/* test_reply.c: unit tests for the RESP2/RESP3 reply writer (core/reply.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "info.h"
#include "reply.h"

/* main.c is not linked: the global the core reads lives here. */
server_state server;

/* A string literal as (pointer, length), NUL bytes included. */
#define LIT(s) s, sizeof(s) - 1

static client *client_new(int resp)
{
    client *c = zcalloc(sizeof *c);
    c->resp = resp;
    c->reply_mode = MODIS_REPLY_ON;
    return c;
}

static void client_del(client *c)
{
    reply_free_all(c);
    zfree(c->buf);
    zfree(c);
}

static int setup(void **state)
{
    server.pending_write = NULL;
    server.stat_total_error_replies = 0;
    *state = client_new(2);
    return 0;
}

static int teardown(void **state)
{
    client_del(*state);
    server.pending_write = NULL;
    info_deinit();
    return 0;
}

/* Everything c has to send: buf[0..bufpos) then each chunk. Caller zfrees. */
static char *output(const client *c, size_t *len)
{
    size_t n = c->bufpos;
    for (const reply_chunk *ch = c->chead; ch; ch = ch->next)
        n += ch->used;
    char *out = zmalloc(n + 1);
    if (c->bufpos)
        memcpy(out, c->buf, c->bufpos);
    size_t at = c->bufpos;
    for (const reply_chunk *ch = c->chead; ch; ch = ch->next) {
        memcpy(out + at, ch->data, ch->used);
        at += ch->used;
    }
    out[n] = '\0';
    *len = n;
    return out;
}

/* Up to 40 bytes of s[0..n), CR, LF and other unprintable bytes escaped. */
static const char *escaped(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n && i < 40; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\r' || ch == '\n') {
            out[o++] = '\\';
            out[o++] = ch == '\r' ? 'r' : 'n';
        } else if (ch < 32 || ch >= 127) {
            o += (size_t)snprintf(out + o, 5, "\\x%02x", ch);
        } else {
            out[o++] = (char)ch;
        }
    }
    out[o] = '\0';
    return out;
}

/* Asserts c's output is exactly want[0..wlen), then forgets it. */
static void expect_len(client *c, const char *want, size_t wlen)
{
    size_t n;
    char *got = output(c, &n);
    if (n != wlen || memcmp(got, want, wlen) != 0) {
        /* Show the first difference; the strings may hold NULs. */
        size_t i = 0;
        while (i < n && i < wlen && got[i] == want[i])
            i++;
        char g[200], w[200];
        escaped(got + i, n - i, g);
        escaped(want + i, wlen - i, w);
        zfree(got);
        fail_msg("output of %zu bytes differs from the %zu wanted at byte %zu: got \"%s\", want "
                 "\"%s\"",
                 n, wlen, i, g, w);
    }
    zfree(got);
    reply_free_all(c);
}

#define EXPECT(c, lit) expect_len(c, LIT(lit))

static void integers_are_colon_lines(void **state)
{
    client *c = *state;
    reply_int(c, 0);
    reply_int(c, 1);
    reply_int(c, -1);
    reply_int(c, 42);
    reply_int(c, LLONG_MAX);
    reply_int(c, LLONG_MIN);
    EXPECT(c, ":0\r\n:1\r\n:-1\r\n:42\r\n:9223372036854775807\r\n:-9223372036854775808\r\n");
}

static void ll2str_formats_the_extremes(void **state)
{
    (void)state;
    char b[32];
    assert_int_equal(reply_ll2str(b, 0), 1);
    assert_string_equal(b, "0");
    assert_int_equal(reply_ll2str(b, -7), 2);
    assert_string_equal(b, "-7");
    assert_int_equal(reply_ll2str(b, LLONG_MIN), 20);
    assert_string_equal(b, "-9223372036854775808");
    assert_int_equal(reply_ll2str(b, 1000000), 7);
    assert_string_equal(b, "1000000");
}

/* Every digit count and sign, checked against printf. */
static void ll2str_matches_printf(void **state)
{
    (void)state;
    char b[32], want[32];
    long long vals[200];
    int n = 0;
    for (long long p = 1; n < 190; p *= 10) {
        long long around[] = {p - 1, p, p + 1, -(p - 1), -p, -(p + 1)};
        for (int i = 0; i < 6; i++)
            vals[n++] = around[i];
        if (p > LLONG_MAX / 10)
            break;
    }
    vals[n++] = LLONG_MAX;
    vals[n++] = LLONG_MIN;
    vals[n++] = LLONG_MIN + 1;
    vals[n++] = 1234567890123456789LL;
    for (int i = 0; i < n; i++) {
        int len = snprintf(want, sizeof want, "%lld", vals[i]);
        assert_int_equal(reply_ll2str(b, vals[i]), len);
        assert_string_equal(b, want);
    }
    for (long long v = -10000; v <= 10000; v++) {
        snprintf(want, sizeof want, "%lld", v);
        reply_ll2str(b, v);
        assert_string_equal(b, want);
    }
}

/* Bulk replies of every length around the one-digit header's edge, in the
 * buffer and past its end (where they go to chunks). */
static void bulk_headers_of_short_and_long_values(void **state)
{
    client *c = *state;
    char payload[128], want[160];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (char)('a' + i % 26);
    for (size_t len = 0; len <= 120; len++) {
        reply_bulk(c, payload, len);
        int hl = snprintf(want, sizeof want, "$%zu\r\n", len);
        memcpy(want + hl, payload, len);
        memcpy(want + hl + len, "\r\n", 2);
        expect_len(c, want, (size_t)hl + len + 2);
    }
    /* A short value that does not fit in what is left of the buffer. */
    char *fill = zmalloc(CLIENT_BUF_SIZE);
    memset(fill, 'f', CLIENT_BUF_SIZE);
    reply_add(c, fill, CLIENT_BUF_SIZE - 5);
    reply_bulk(c, "xyz", 3);
    assert_non_null(c->chead);
    char *all = zmalloc(CLIENT_BUF_SIZE + 16);
    memcpy(all, fill, CLIENT_BUF_SIZE - 5);
    memcpy(all + CLIENT_BUF_SIZE - 5, "$3\r\nxyz\r\n", 9);
    expect_len(c, all, CLIENT_BUF_SIZE - 5 + 9);
    zfree(all);
    zfree(fill);
}

static void bulk_strings_keep_binary_bytes(void **state)
{
    client *c = *state;
    reply_bulk(c, LIT("a\0b\r\n"));
    reply_bulk(c, "", 0);
    reply_cstr(c, "hello");
    EXPECT(c, "$5\r\na\0b\r\n\r\n$0\r\n\r\n$5\r\nhello\r\n");
}

static void bulk_larger_than_the_buffer_continues_in_chunks(void **state)
{
    client *c = *state;
    reply_int(c, 7);
    size_t big = 40000;
    char *payload = zmalloc(big);
    for (size_t i = 0; i < big; i++)
        payload[i] = (char)(i * 7 + 3);
    reply_bulk(c, payload, big);
    reply_int(c, 8);
    /* The fixed buffer is filled to the brim; the rest is in chunks, in order. */
    assert_int_equal(c->bufpos, CLIENT_BUF_SIZE);
    assert_non_null(c->chead);

    size_t wlen = 4 + 8 + big + 2 + 4;
    char *want = zmalloc(wlen);
    memcpy(want, ":7\r\n$40000\r\n", 12);
    memcpy(want + 12, payload, big);
    memcpy(want + 12 + big, "\r\n:8\r\n", 6);
    expect_len(c, want, wlen);
    zfree(want);
    zfree(payload);
    assert_null(c->chead);
    assert_int_equal(c->bufpos, 0);
}

static void many_small_replies_fill_buffer_then_chunks_in_order(void **state)
{
    client *c = *state;
    /* 20000 replies of ":<i>\r\n" cross the 16 KB buffer and several chunks. */
    size_t cap = 20000 * 12, wlen = 0;
    char *want = zmalloc(cap);
    for (int i = 0; i < 20000; i++) {
        reply_int(c, i);
        wlen += (size_t)snprintf(want + wlen, cap - wlen, ":%d\r\n", i);
    }
    assert_non_null(c->chead);
    assert_true(reply_pending(c));
    expect_len(c, want, wlen);
    zfree(want);
    assert_false(reply_pending(c));
}

static void nulls_differ_between_resp2_and_resp3(void **state)
{
    client *c = *state;
    reply_null(c);
    reply_null_array(c);
    EXPECT(c, "$-1\r\n*-1\r\n");
    c->resp = 3;
    reply_null(c);
    reply_null_array(c);
    EXPECT(c, "_\r\n_\r\n");
}

static void aggregates_downgrade_to_arrays_in_resp2(void **state)
{
    client *c = *state;
    reply_array(c, 3);
    reply_map(c, 2);
    reply_set(c, 5);
    reply_push(c, 1);
    reply_array(c, 0);
    reply_map(c, 0);
    EXPECT(c, "*3\r\n*4\r\n*5\r\n*1\r\n*0\r\n*0\r\n");
    c->resp = 3;
    reply_array(c, 3);
    reply_map(c, 2);
    reply_set(c, 5);
    reply_push(c, 1);
    reply_map(c, 0);
    EXPECT(c, "*3\r\n%2\r\n~5\r\n>1\r\n%0\r\n");
}

static void doubles_use_17_significant_digits(void **state)
{
    client *c = *state;
    reply_double(c, 1.5);
    reply_double(c, 0.1);
    reply_double(c, 3.0);
    reply_double(c, -2.25);
    reply_double(c, 1e300);
    reply_double(c, INFINITY);
    reply_double(c, -INFINITY);
    EXPECT(c, "$3\r\n1.5\r\n$19\r\n0.10000000000000001\r\n$1\r\n3\r\n$5\r\n-2.25\r\n"
              "$23\r\n1.0000000000000001e+300\r\n$3\r\ninf\r\n$4\r\n-inf\r\n");
    c->resp = 3;
    reply_double(c, 1.5);
    reply_double(c, 0.1);
    reply_double(c, 3.0);
    reply_double(c, INFINITY);
    reply_double(c, -INFINITY);
    EXPECT(c, ",1.5\r\n,0.10000000000000001\r\n,3\r\n,inf\r\n,-inf\r\n");
}

static void booleans_are_integers_in_resp2(void **state)
{
    client *c = *state;
    reply_bool(c, 1);
    reply_bool(c, 0);
    EXPECT(c, ":1\r\n:0\r\n");
    c->resp = 3;
    reply_bool(c, 1);
    reply_bool(c, 0);
    EXPECT(c, "#t\r\n#f\r\n");
}

static void verbatim_and_bignum_are_bulks_in_resp2(void **state)
{
    client *c = *state;
    reply_verbatim(c, "txt", LIT("hello\r\nworld"));
    reply_bignum(c, LIT("1234567890123456789012"));
    EXPECT(c, "$12\r\nhello\r\nworld\r\n$22\r\n1234567890123456789012\r\n");
    c->resp = 3;
    reply_verbatim(c, "txt", LIT("hello\r\nworld"));
    reply_verbatim(c, "mkd", "", 0);
    reply_bignum(c, LIT("-12"));
    EXPECT(c, "=16\r\ntxt:hello\r\nworld\r\n=4\r\nmkd:\r\n(-12\r\n");
}

static void simple_strings_of_any_length(void **state)
{
    client *c = *state;
    reply_simple(c, "OK");
    EXPECT(c, "+OK\r\n");
    char s[600];
    memset(s, 'q', sizeof s - 1);
    s[sizeof s - 1] = '\0';
    reply_simple(c, s);
    char want[604];
    want[0] = '+';
    memcpy(want + 1, s, 599);
    memcpy(want + 600, "\r\n", 2);
    expect_len(c, want, 602);
}

static void errors_replace_newlines_and_are_counted(void **state)
{
    client *c = *state;
    reply_error(c, "ERR bad\r\nthing\n");
    EXPECT(c, "-ERR bad  thing \r\n");
    assert_int_equal(server.stat_total_error_replies, 1);
    reply_errorf(c, "WRONGTYPE %s %d", "x", 5);
    EXPECT(c, "-WRONGTYPE x 5\r\n");
    assert_int_equal(server.stat_total_error_replies, 2);
}

static void long_errors_are_not_truncated(void **state)
{
    client *c = *state;
    char msg[3001];
    memcpy(msg, "ERR ", 4);
    for (size_t i = 4; i < 3000; i++)
        msg[i] = (char)('a' + i % 26);
    msg[1500] = '\n';
    msg[3000] = '\0';
    char want[3003];
    want[0] = '-';
    memcpy(want + 1, msg, 3000);
    want[1501] = ' ';
    memcpy(want + 3001, "\r\n", 2);

    reply_error(c, msg);
    expect_len(c, want, sizeof want);
    /* reply_errorf formats past its 1 KB stack buffer too. */
    reply_errorf(c, "%s", msg);
    expect_len(c, want, sizeof want);
    assert_int_equal(server.stat_total_error_replies, 2);
}

static void deferred_array_length_is_filled_in_place(void **state)
{
    client *c = *state;
    reply_int(c, 7);
    void *h = reply_defer(c, '*');
    assert_non_null(h);
    reply_int(c, 1);
    reply_bulk(c, LIT("two"));
    reply_set_deferred(c, h, 2);
    reply_int(c, 9);
    EXPECT(c, ":7\r\n*2\r\n:1\r\n$3\r\ntwo\r\n:9\r\n");
    c->resp = 3;
    h = reply_defer(c, '*');
    reply_set_deferred(c, h, 0);
    EXPECT(c, "*0\r\n");
}

static void deferred_map_doubles_its_length_in_resp2(void **state)
{
    client *c = *state;
    void *h = reply_defer(c, '%');
    reply_bulk(c, LIT("k1"));
    reply_int(c, 1);
    reply_bulk(c, LIT("k2"));
    reply_int(c, 2);
    reply_set_deferred(c, h, 2);
    EXPECT(c, "*4\r\n$2\r\nk1\r\n:1\r\n$2\r\nk2\r\n:2\r\n");

    c->resp = 3;
    h = reply_defer(c, '%');
    reply_bulk(c, LIT("k1"));
    reply_int(c, 1);
    reply_set_deferred(c, h, 1);
    void *s = reply_defer(c, '~');
    reply_set_deferred(c, s, 3);
    EXPECT(c, "%1\r\n$2\r\nk1\r\n:1\r\n~3\r\n");

    c->resp = 2;
    s = reply_defer(c, '~');
    reply_set_deferred(c, s, 3);
    EXPECT(c, "*3\r\n");
}

static void nested_deferred_lengths_fill_independently(void **state)
{
    client *c = *state;
    c->resp = 3;
    void *outer = reply_defer(c, '*');
    void *inner = reply_defer(c, '%');
    reply_bulk(c, LIT("a"));
    reply_double(c, 0.5);
    reply_set_deferred(c, inner, 1);
    reply_int(c, 100000);
    reply_set_deferred(c, outer, 2);
    EXPECT(c, "*2\r\n%1\r\n$1\r\na\r\n,0.5\r\n:100000\r\n");

    /* A deferred header in the middle of a large reply. */
    c->resp = 2;
    void *h = reply_defer(c, '*');
    char big[20000];
    memset(big, 'b', sizeof big);
    reply_bulk(c, big, sizeof big);
    reply_set_deferred(c, h, 123456789012LL);
    size_t n;
    char *got = output(c, &n);
    assert_int_equal(n, 15 + 8 + sizeof big + 2);
    assert_memory_equal(got, "*123456789012\r\n$20000\r\nbbb", 26);
    assert_memory_equal(got + n - 3, "b\r\n", 3);
    zfree(got);
}

static void replies_are_dropped_unless_reply_mode_is_on(void **state)
{
    client *c = *state;
    c->reply_mode = MODIS_REPLY_OFF;
    reply_int(c, 5);
    reply_bulk(c, LIT("x"));
    reply_error(c, "ERR counted anyway");
    assert_null(reply_defer(c, '*'));
    reply_set_deferred(c, NULL, 3);
    c->reply_mode = MODIS_REPLY_SKIP;
    reply_simple(c, "OK");
    assert_int_equal(c->bufpos, 0);
    assert_null(c->chead);
    assert_false(reply_pending(c));
    assert_null(server.pending_write);
    assert_int_equal(c->flags & CLIENT_PENDING_WRITE, 0);
    /* Errors still count in the stats, as Redis counts them. */
    assert_int_equal(server.stat_total_error_replies, 1);

    c->reply_mode = MODIS_REPLY_ON;
    c->flags |= CLIENT_CLOSE_ASAP;
    reply_int(c, 5);
    assert_null(reply_defer(c, '*'));
    assert_false(reply_pending(c));
}

static void output_marks_the_client_pending_once(void **state)
{
    client *c = *state;
    client *d = client_new(3);
    assert_null(server.pending_write);
    reply_int(c, 1);
    reply_int(c, 2);
    assert_ptr_equal(server.pending_write, c);
    assert_null(c->next_pending);
    assert_true(c->flags & CLIENT_PENDING_WRITE);
    reply_bulk(d, LIT("x"));
    reply_bulk(d, LIT("y")); /* the in-buffer fast path */
    assert_ptr_equal(server.pending_write, d);
    assert_ptr_equal(d->next_pending, c);
    assert_null(c->next_pending);
    EXPECT(d, "$1\r\nx\r\n$1\r\ny\r\n");
    client_del(d);
    server.pending_write = NULL;
}

/* Regression: reply_bulk's in-buffer fast path used to skip the CLIENT_CLOSE_ASAP
 * check that reply_add (and so every other reply function) makes. */
static void bulk_is_dropped_for_a_client_closing_asap(void **state)
{
    client *c = *state;
    reply_int(c, 1);
    reply_free_all(c); /* keeps c->buf, so the fast path is open */
    c->flags |= CLIENT_CLOSE_ASAP;
    reply_bulk(c, LIT("abc"));
    assert_int_equal(c->bufpos, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(integers_are_colon_lines),
        T(ll2str_formats_the_extremes),
        T(ll2str_matches_printf),
        T(bulk_headers_of_short_and_long_values),
        T(bulk_strings_keep_binary_bytes),
        T(bulk_larger_than_the_buffer_continues_in_chunks),
        T(many_small_replies_fill_buffer_then_chunks_in_order),
        T(nulls_differ_between_resp2_and_resp3),
        T(aggregates_downgrade_to_arrays_in_resp2),
        T(doubles_use_17_significant_digits),
        T(booleans_are_integers_in_resp2),
        T(verbatim_and_bignum_are_bulks_in_resp2),
        T(simple_strings_of_any_length),
        T(errors_replace_newlines_and_are_counted),
        T(long_errors_are_not_truncated),
        T(deferred_array_length_is_filled_in_place),
        T(deferred_map_doubles_its_length_in_resp2),
        T(nested_deferred_lengths_fill_independently),
        T(replies_are_dropped_unless_reply_mode_is_on),
        T(output_marks_the_client_pending_once),
        T(bulk_is_dropped_for_a_client_closing_asap),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
