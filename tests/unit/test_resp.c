/* test_resp.c: unit tests for the RESP request parser (core/resp.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "resp.h"

/* The parser under test plus the buffer it was last fed. Every input is copied into an
   exactly sized heap buffer so that AddressSanitizer catches a read past len. */
typedef struct fixture {
    resp_parser p;
    char *buf;
    size_t len;
} fixture;

static int fixture_setup(void **state)
{
    fixture *f = zcalloc(sizeof(*f));
    resp_parser_init(&f->p);
    *state = f;
    return 0;
}

static int fixture_teardown(void **state)
{
    fixture *f = *state;
    resp_parser_deinit(&f->p);
    zfree(f->buf);
    zfree(f);
    return 0;
}

/* Parses a private copy of data[0..len); argv stays valid until the next feed. */
static long feed(fixture *f, const char *data, size_t len)
{
    zfree(f->buf);
    f->buf = zmalloc(len);
    if (len)
        memcpy(f->buf, data, len);
    f->len = len;
    return resp_parse(&f->p, f->buf, len);
}

/* A string literal as (pointer, length), NUL bytes included. */
#define LIT(s) s, sizeof(s) - 1

static long feed_str(fixture *f, const char *s)
{
    return feed(f, s, strlen(s));
}

static void assert_arg(const resp_parser *p, int i, const char *want, size_t want_len)
{
    assert_true(i < p->argc);
    assert_int_equal(p->argv[i].len, want_len);
    if (want_len)
        assert_memory_equal(p->argv[i].ptr, want, want_len);
}

static void assert_error(fixture *f, const char *data, size_t len, const char *err)
{
    assert_int_equal(feed(f, data, len), RESP_ERROR);
    assert_non_null(f->p.err);
    assert_string_equal(f->p.err, err);
    assert_int_equal(f->p.argc, 0);
}

static void assert_error_str(fixture *f, const char *s, const char *err)
{
    assert_error(f, s, strlen(s), err);
}

/* A frame with binary payloads: NUL, CR, LF and a CRLF inside an argument. */
static const char BIN_FRAME[] =
    "*4\r\n$3\r\nSET\r\n$5\r\nk\0e\ny\r\n$6\r\nv\r\n\0\r\n\r\n$0\r\n\r\n";
#define BIN_FRAME_LEN (sizeof(BIN_FRAME) - 1)

static void assert_bin_frame_argv(const resp_parser *p)
{
    assert_int_equal(p->argc, 4);
    assert_arg(p, 0, LIT("SET"));
    assert_arg(p, 1, LIT("k\0e\ny"));
    assert_arg(p, 2, LIT("v\r\n\0\r\n"));
    assert_int_equal(p->argv[3].len, 0);
}

static void multibulk_request_yields_argv_pointing_into_the_buffer(void **state)
{
    fixture *f = *state;
    static const char frame[] = "*3\r\n$3\r\nSET\r\n$5\r\nmykey\r\n$7\r\nmyvalue\r\n";

    assert_int_equal(feed(f, LIT(frame)), (long)(sizeof(frame) - 1));
    assert_int_equal(f->p.argc, 3);
    assert_arg(&f->p, 0, LIT("SET"));
    assert_arg(&f->p, 1, LIT("mykey"));
    assert_arg(&f->p, 2, LIT("myvalue"));
    assert_ptr_equal(f->p.argv[0].ptr, f->buf + 8);
    assert_ptr_equal(f->p.argv[2].ptr, f->buf + sizeof(frame) - 1 - 9);
}

static void every_prefix_of_a_multibulk_frame_is_partial_until_complete(void **state)
{
    fixture *f = *state;

    for (size_t k = 0; k < BIN_FRAME_LEN; k++) {
        assert_int_equal(feed(f, BIN_FRAME, k), RESP_PARTIAL);
        assert_int_equal(f->p.argc, 0);
        /* the hint is a true lower bound: beyond what we have, within the frame */
        if (f->p.need != 0) {
            assert_true(f->p.need > k);
            assert_true(f->p.need <= BIN_FRAME_LEN);
        }
    }
    assert_int_equal(feed(f, BIN_FRAME, BIN_FRAME_LEN), (long)BIN_FRAME_LEN);
    assert_bin_frame_argv(&f->p);
}

static void every_prefix_of_an_inline_request_is_partial_until_complete(void **state)
{
    fixture *f = *state;
    static const char line[] = "SET \"a b\" 'c' d\r\n";

    for (size_t k = 0; k < sizeof(line) - 1; k++) {
        assert_int_equal(feed(f, line, k), RESP_PARTIAL);
        assert_int_equal(f->p.need, 0);
    }
    assert_int_equal(feed(f, LIT(line)), (long)(sizeof(line) - 1));
    assert_int_equal(f->p.argc, 4);
    assert_arg(&f->p, 0, LIT("SET"));
    assert_arg(&f->p, 1, LIT("a b"));
    assert_arg(&f->p, 2, LIT("c"));
    assert_arg(&f->p, 3, LIT("d"));
}

static void every_split_point_parses_with_resume_and_a_moving_buffer(void **state)
{
    fixture *f = *state;

    f->p.resume = 1;
    /* feed() copies into a fresh buffer each time: the request moves between calls */
    for (size_t k = 0; k <= BIN_FRAME_LEN; k++) {
        long r = feed(f, BIN_FRAME, k);
        if (k < BIN_FRAME_LEN) {
            assert_int_equal(r, RESP_PARTIAL);
        } else {
            assert_int_equal(r, (long)BIN_FRAME_LEN);
            assert_bin_frame_argv(&f->p);
            for (int i = 0; i < f->p.argc; i++)
                assert_true(f->p.argv[i].ptr >= f->buf &&
                            f->p.argv[i].ptr + f->p.argv[i].len <= f->buf + f->len);
        }
    }
    /* after a complete request the next one starts afresh */
    assert_int_equal(feed_str(f, "*1\r\n$4\r\nPING\r\n"), 14);
    assert_arg(&f->p, 0, LIT("PING"));
}

static void resume_falls_back_to_a_full_parse_when_the_input_shrinks(void **state)
{
    fixture *f = *state;

    f->p.resume = 1;
    assert_int_equal(feed_str(f, "*2\r\n$3\r\nGET\r\n$1\r\n"), RESP_PARTIAL);
    /* a caller that broke the contract with a different request shorter than the part
       already read still gets it parsed correctly */
    assert_int_equal(feed_str(f, "*1\r\n$1\r\nx\r\n"), 11);
    assert_int_equal(f->p.argc, 1);
    assert_arg(&f->p, 0, LIT("x"));
    /* and so does an inline request */
    assert_int_equal(feed_str(f, "*2\r\n$3\r\nGET\r\n$1\r\n"), RESP_PARTIAL);
    assert_int_equal(feed_str(f, "PING a b c d e f g h\r\n"), 22);
    assert_int_equal(f->p.argc, 9);
}

static void pipelined_requests_parse_one_per_call(void **state)
{
    fixture *f = *state;
    static const char in[] = "*1\r\n$4\r\nPING\r\n"
                             "ECHO hello\r\n"
                             "*0\r\n"
                             "\r\n"
                             "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
                             "*-1\r\n"
                             "PING\n"
                             "*1\r\n$4\r\nPI";
    const char *pos;
    size_t left;
    long r;

    zfree(f->buf);
    f->buf = zmalloc(sizeof(in) - 1);
    memcpy(f->buf, in, sizeof(in) - 1);
    pos = f->buf;
    left = sizeof(in) - 1;

    struct {
        long consumed;
        int argc;
        const char *arg0;
    } want[] = {
        {14, 1, "PING"}, {12, 2, "ECHO"}, {4, 0, NULL},   {2, 0, NULL},
        {20, 2, "GET"},  {5, 0, NULL},    {5, 1, "PING"},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        r = resp_parse(&f->p, pos, left);
        assert_int_equal(r, want[i].consumed);
        assert_int_equal(f->p.argc, want[i].argc);
        if (want[i].arg0)
            assert_arg(&f->p, 0, want[i].arg0, strlen(want[i].arg0));
        pos += r;
        left -= (size_t)r;
    }
    assert_int_equal(resp_parse(&f->p, pos, left), RESP_PARTIAL);
    assert_int_equal(left, 10);
}

static void binary_payloads_keep_nul_and_crlf_bytes(void **state)
{
    fixture *f = *state;

    assert_int_equal(feed(f, BIN_FRAME, BIN_FRAME_LEN), (long)BIN_FRAME_LEN);
    assert_bin_frame_argv(&f->p);
}

static void empty_requests_are_consumed_with_no_arguments(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *in;
        long consumed;
    } cases[] = {
        {"*0\r\n", 4}, {"*-1\r\n", 5}, {"*-10\r\n", 6},  {"*-9223372036854775808\r\n", 23},
        {"\r\n", 2},   {"\n", 1},      {"  \t \r\n", 6}, {"\r\r\n", 3},
        {"\v\f\n", 3},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(feed_str(f, cases[i].in), cases[i].consumed);
        assert_int_equal(f->p.argc, 0);
    }
}

static void bytes_after_header_cr_and_payload_are_skipped_unchecked(void **state)
{
    fixture *f = *state;

    /* Redis skips the two bytes after a '\r' or a payload without looking at them */
    assert_int_equal(feed_str(f, "*1\rX$4\rYPINGZZ"), 14);
    assert_int_equal(f->p.argc, 1);
    assert_arg(&f->p, 0, LIT("PING"));
    /* and needs both of them before it moves on */
    assert_int_equal(feed_str(f, "*1\r"), RESP_PARTIAL);
    assert_int_equal(feed_str(f, "*1\r\n$4\r\nPING\r"), RESP_PARTIAL);
    assert_int_equal(f->p.need, 14);
}

static void invalid_multibulk_counts_are_rejected(void **state)
{
    fixture *f = *state;
    static const char *const bad[] = {
        "*\r\n",
        "*abc\r\n",
        "*+3\r\n",
        "*03\r\n",
        "* 3\r\n",
        "*3 \r\n",
        "*-0\r\n",
        "*-\r\n",
        "*2147483648\r\n",
        "*1x\r\n",
        "*9223372036854775808\r\n",
        "*-9223372036854775809\r\n",
        "*000000000000000000001\r\n",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_error_str(f, bad[i], "ERR Protocol error: invalid multibulk length");
    /* Redis 7.0 accepts up to INT_MAX elements and waits for them */
    assert_int_equal(feed_str(f, "*2147483647\r\n"), RESP_PARTIAL);
}

static void multibulk_count_above_the_limit_is_rejected(void **state)
{
    fixture *f = *state;

    f->p.max_multibulk = 3;
    assert_int_equal(feed_str(f, "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"), 25);
    assert_int_equal(f->p.argc, 3);
    assert_error_str(f, "*4\r\n", "ERR Protocol error: invalid multibulk length");
}

static void element_not_starting_with_dollar_names_the_byte(void **state)
{
    fixture *f = *state;

    assert_error_str(f, "*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n",
                     "ERR Protocol error: expected '$', got 'f'");
    assert_error_str(f, "*1\r\n:4\r\n", "ERR Protocol error: expected '$', got ':'");
    assert_error(f, LIT("*1\r\n\xff\r\n"), "ERR Protocol error: expected '$', got '\xff'");
    /* CR and LF become spaces, as in Redis's error replies */
    assert_error_str(f, "*1\r\n\r\n", "ERR Protocol error: expected '$', got ' '");
    assert_error_str(f, "*1\r\n\n\r\n", "ERR Protocol error: expected '$', got ' '");
}

static void invalid_bulk_lengths_are_rejected(void **state)
{
    fixture *f = *state;
    static const char *const bad[] = {
        "*1\r\n$\r\n",          "*1\r\n$-1\r\n",
        "*1\r\n$-0\r\n",        "*1\r\n$+4\r\nPING\r\n",
        "*1\r\n$04\r\n",        "*1\r\n$ 4\r\n",
        "*1\r\n$4 \r\n",        "*1\r\n$x\r\n",
        "*1\r\n$536870913\r\n", "*1\r\n$9223372036854775808\r\n",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_error_str(f, bad[i], "ERR Protocol error: invalid bulk length");
    /* the default proto-max-bulk-len itself is allowed */
    assert_int_equal(feed_str(f, "*1\r\n$536870912\r\n"), RESP_PARTIAL);
    assert_int_equal(f->p.need, 4 + 12 + 536870912 + 2);
}

static void bulk_length_above_the_limit_is_rejected(void **state)
{
    fixture *f = *state;

    f->p.max_bulk_len = 5;
    assert_int_equal(feed_str(f, "*1\r\n$5\r\nhello\r\n"), 15);
    assert_error_str(f, "*1\r\n$6\r\nhello!\r\n", "ERR Protocol error: invalid bulk length");
}

static void header_line_longer_than_max_inline_is_rejected(void **state)
{
    fixture *f = *state;
    char buf[64];

    f->p.max_inline = 16;
    /* "*" + digits with no '\r': partial up to max_inline bytes, an error after */
    memset(buf, '1', sizeof(buf));
    buf[0] = '*';
    assert_int_equal(feed(f, buf, 16), RESP_PARTIAL);
    assert_error(f, buf, 17, "ERR Protocol error: too big mbulk count string");

    /* the same for an element's "$" line, counted from the element */
    memcpy(buf, "*1\r\n$", 5);
    assert_int_equal(feed(f, buf, 4 + 16), RESP_PARTIAL);
    assert_error(f, buf, 4 + 17, "ERR Protocol error: too big bulk count string");
}

static void header_with_far_cr_is_an_invalid_length_not_too_big(void **state)
{
    fixture *f = *state;
    char buf[40];

    f->p.max_inline = 16;
    /* a '\r' anywhere in the buffer ends the line, however far */
    memset(buf, '1', sizeof(buf));
    buf[0] = '*';
    memcpy(buf + 30, "\r\n", 2);
    assert_error(f, buf, 32, "ERR Protocol error: invalid multibulk length");
}

static void nul_byte_before_header_cr_hides_the_line(void **state)
{
    fixture *f = *state;
    char buf[32];

    /* Redis finds lines with strchr(): a NUL ends its search, so it waits for more
       data until the buffer is too big */
    f->p.max_inline = 16;
    memset(buf, 'a', sizeof(buf));
    memcpy(buf, "*1\0\r\n", 5);
    assert_int_equal(feed(f, buf, 5), RESP_PARTIAL);
    assert_int_equal(feed(f, buf, 16), RESP_PARTIAL);
    assert_error(f, buf, 17, "ERR Protocol error: too big mbulk count string");

    memcpy(buf, "*1\r\n$4\0\r\nPING\r\n", 15);
    assert_int_equal(feed(f, buf, 15), RESP_PARTIAL);
    assert_error(f, buf, 4 + 17, "ERR Protocol error: too big bulk count string");

    memcpy(buf, "PING\0\r\n", 7);
    assert_int_equal(feed(f, buf, 7), RESP_PARTIAL);
    assert_error(f, buf, 17, "ERR Protocol error: too big inline request");
}

static void inline_line_without_newline_is_partial_then_too_big(void **state)
{
    fixture *f = *state;
    char buf[40];

    f->p.max_inline = 16;
    memset(buf, 'a', sizeof(buf));
    assert_int_equal(feed(f, buf, 16), RESP_PARTIAL);
    assert_error(f, buf, 17, "ERR Protocol error: too big inline request");
    /* a complete line longer than the limit is accepted, as in Redis */
    buf[30] = '\n';
    assert_int_equal(feed(f, buf, 40), 31);
    assert_int_equal(f->p.argc, 1);
    assert_int_equal(f->p.argv[0].len, 30);
}

static void default_limits_are_redis_defaults(void **state)
{
    resp_parser p;

    (void)state;
    resp_parser_init(&p);
    assert_int_equal(p.max_bulk_len, 512LL * 1024 * 1024);
    assert_int_equal(p.max_multibulk, INT_MAX);
    assert_int_equal(p.max_inline, 64 * 1024);
    assert_int_equal(p.resume, 0);
    resp_parser_deinit(&p);
}

static void default_inline_limit_is_64k(void **state)
{
    fixture *f = *state;
    size_t n = 64 * 1024 + 1;
    char *buf = zmalloc(n);

    memset(buf, '*', n);
    assert_int_equal(feed(f, buf, n - 1), RESP_PARTIAL);
    assert_error(f, buf, n, "ERR Protocol error: too big mbulk count string");
    memset(buf, 'a', n);
    assert_int_equal(feed(f, buf, n - 1), RESP_PARTIAL);
    assert_error(f, buf, n, "ERR Protocol error: too big inline request");
    zfree(buf);
}

/* One inline case: the line (without its newline) and the arguments it splits into. */
typedef struct inline_case {
    const char *line;
    int argc; /* -1: unbalanced quotes */
    const char *argv[4];
    size_t lens[4]; /* 0: strlen(argv[i]) */
} inline_case;

/* Expected results taken from redis-server 7.0.15 (RPUSH the inline arguments, LRANGE). */
static const inline_case INLINE_CASES[] = {
    {"a b", 2, {"a", "b"}, {0}},
    {"  a\t\tb  ", 2, {"a", "b"}, {0}},
    {"\"a b\" c", 2, {"a b", "c"}, {0}},
    {"'a b' c", 2, {"a b", "c"}, {0}},
    {"\"a\\x41\\x4g\\n\\r\\t\\b\\a\\\\\\\"\\z\"", 1, {"aAx4g\n\r\t\b\a\\\"z"}, {0}},
    {"'it\\'s \\n \\\" x'", 1, {"it's \\n \\\" x"}, {0}},
    {"\"a\"", 1, {"a"}, {0}},
    {"ab\"cd\" e", 2, {"abcd", "e"}, {0}},
    {"ab'cd' e", 2, {"abcd", "e"}, {0}},
    {"a \"b\\\\\"", 2, {"a", "b\\"}, {0}},
    {"a\vb \fc", 2, {"a\vb", "c"}, {0}},
    {"\v\fa", 1, {"a"}, {0}},
    {"\"q\"\vz", 2, {"q", "z"}, {0}},
    {"a\rb", 2, {"a", "b"}, {0}},
    {"\"a\rb\"", 1, {"a\rb"}, {0}},
    {"\"\\x\"", 1, {"x"}, {0}},
    {"\"\\xZZ\"", 1, {"xZZ"}, {0}},
    {"\"\\xff\\x00\"", 1, {"\xff"}, {2}},
    {"\"\"", 1, {""}, {0}},
    {"''", 1, {""}, {0}},
    {"\"\" x", 2, {"", "x"}, {0}},
    {"a''", 1, {"a"}, {0}},
    {"\"a\"b", -1, {NULL}, {0}},
    {"'a'b", -1, {NULL}, {0}},
    {"\"abc", -1, {NULL}, {0}},
    {"'abc", -1, {NULL}, {0}},
    {"a\"b", -1, {NULL}, {0}},
    {"\"a\\\"", -1, {NULL}, {0}},
    {"\"a\\", -1, {NULL}, {0}},
    {"x \"\"y", -1, {NULL}, {0}},
    {"'\\\\'", -1, {NULL}, {0}},
    {"'a\\'", -1, {NULL}, {0}},
};

static void inline_arguments_split_and_unescape_like_sdssplitargs(void **state)
{
    fixture *f = *state;
    char line[128];

    for (size_t i = 0; i < sizeof(INLINE_CASES) / sizeof(INLINE_CASES[0]); i++) {
        const inline_case *c = &INLINE_CASES[i];
        size_t n = strlen(c->line);

        /* both line endings */
        for (int crlf = 0; crlf <= 1; crlf++) {
            memcpy(line, c->line, n);
            memcpy(line + n, crlf ? "\r\n" : "\n", (size_t)crlf + 1);
            long r = feed(f, line, n + (size_t)crlf + 1);
            if (c->argc < 0) {
                assert_int_equal(r, RESP_ERROR);
                assert_string_equal(f->p.err, "ERR Protocol error: unbalanced quotes in request");
                continue;
            }
            assert_int_equal(r, (long)(n + (size_t)crlf + 1));
            assert_int_equal(f->p.argc, c->argc);
            for (int j = 0; j < c->argc; j++)
                assert_arg(&f->p, j, c->argv[j], c->lens[j] ? c->lens[j] : strlen(c->argv[j]));
        }
    }
}

static void plain_inline_arguments_point_into_the_buffer(void **state)
{
    fixture *f = *state;

    assert_int_equal(feed_str(f, "SET k \"v v\"\r\n"), 13);
    assert_int_equal(f->p.argc, 3);
    assert_ptr_equal(f->p.argv[0].ptr, f->buf);
    assert_ptr_equal(f->p.argv[1].ptr, f->buf + 4);
    assert_ptr_equal(f->p.argv[2].ptr, f->p.scratch);
    assert_arg(&f->p, 2, LIT("v v"));
}

static void inline_request_with_many_arguments_grows_argv(void **state)
{
    fixture *f = *state;
    char line[2 * 300 + 1];

    for (int i = 0; i < 300; i++) {
        line[2 * i] = (char)('a' + i % 26);
        line[2 * i + 1] = i % 2 ? ' ' : '\t';
    }
    line[600] = '\n';
    assert_int_equal(feed(f, line, sizeof(line)), (long)sizeof(line));
    assert_int_equal(f->p.argc, 300);
    assert_arg(&f->p, 0, LIT("a"));
    assert_arg(&f->p, 299, LIT("n")); /* 'a' + 299 % 26 */
}

static void need_hint_lets_the_caller_wait_for_a_large_bulk(void **state)
{
    fixture *f = *state;
    size_t blen = 1000000;
    size_t head = sizeof("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000000\r\n") - 1;
    size_t total = head + blen + 2;
    char *buf = zmalloc(total);

    memcpy(buf, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000000\r\n", head);
    memset(buf + head, 'v', blen);
    memcpy(buf + head + blen, "\r\n", 2);

    assert_int_equal(resp_parse(&f->p, buf, head + 10), RESP_PARTIAL);
    assert_int_equal(f->p.need, total);
    assert_int_equal(resp_parse(&f->p, buf, total - 1), RESP_PARTIAL);
    assert_int_equal(f->p.need, total);
    assert_int_equal(resp_parse(&f->p, buf, total), (long)total);
    assert_int_equal(f->p.argc, 3);
    assert_ptr_equal(f->p.argv[2].ptr, buf + head);
    assert_int_equal(f->p.argv[2].len, blen);
    zfree(buf);
}

/* Header numbers of 1 to 18 digits are read in one pass, longer ones by the general
   path: both must agree on every length, at every limit, and on where the line ends. */
static void header_numbers_of_every_length_parse_alike(void **state)
{
    fixture *f = *state;
    char line[64];

    f->p.max_multibulk = LLONG_MAX;
    f->p.max_bulk_len = LLONG_MAX;
    for (int n = 1; n <= 21; n++) {
        /* "1" then n-1 zeros: 10^(n-1), valid up to 19 digits, too long from 21 */
        char num[32];
        num[0] = '1';
        memset(num + 1, '0', (size_t)n - 1);
        num[n] = '\0';
        long long want = n <= 19 ? strtoll(num, NULL, 10) : -1;

        snprintf(line, sizeof line, "*%s\r\n", num);
        if (want < 0) {
            assert_error_str(f, line, "ERR Protocol error: invalid multibulk length");
        } else {
            assert_int_equal(feed_str(f, line), RESP_PARTIAL);
            assert_int_equal(f->p.need, 0);
        }
        snprintf(line, sizeof line, "*1\r\n$%s\r\n", num);
        if (want < 0) {
            assert_error_str(f, line, "ERR Protocol error: invalid bulk length");
        } else {
            assert_int_equal(feed_str(f, line), RESP_PARTIAL);
            assert_int_equal(f->p.need, strlen(line) + (size_t)want + 2);
        }
        /* the same number as a bulk length above the limit, and with a leading zero */
        f->p.max_bulk_len = want > 0 ? want - 1 : 0;
        if (want > 0)
            assert_error_str(f, line, "ERR Protocol error: invalid bulk length");
        f->p.max_bulk_len = LLONG_MAX;
        snprintf(line, sizeof line, "*1\r\n$0%s\r\n", num);
        assert_error_str(f, line, "ERR Protocol error: invalid bulk length");
        /* the byte after '\r' not there yet: partial, whatever the length */
        snprintf(line, sizeof line, "*1\r\n$%s\r", num);
        assert_int_equal(feed_str(f, line), RESP_PARTIAL);
        assert_int_equal(f->p.need, 0);
    }
    /* lone zeros, and a zero before another digit */
    assert_int_equal(feed_str(f, "*0\r\n"), 4);
    assert_int_equal(f->p.argc, 0);
    assert_int_equal(feed_str(f, "*1\r\n$0\r\n\r\n"), 10);
    assert_int_equal(f->p.argc, 1);
    assert_int_equal(f->p.argv[0].len, 0);
    assert_error_str(f, "*00\r\n", "ERR Protocol error: invalid multibulk length");
    /* 19 digits, then a stray byte before '\r' */
    assert_error_str(f, "*1\r\n$1000000000000000000x\r\n",
                     "ERR Protocol error: invalid bulk length");
    /* a header that ends the input right after its digits, or at its type byte */
    assert_int_equal(feed_str(f, "*1\r\n$4"), RESP_PARTIAL);
    assert_int_equal(feed_str(f, "*1\r\n$"), RESP_PARTIAL);
    assert_int_equal(feed_str(f, "*1\r\n"), RESP_PARTIAL);
}

static void need_is_unknown_while_a_header_line_is_incomplete(void **state)
{
    fixture *f = *state;

    assert_int_equal(feed_str(f, "*2\r\n$3\r\nGET\r\n$10"), RESP_PARTIAL);
    assert_int_equal(f->p.need, 0);
    assert_int_equal(feed_str(f, "*2"), RESP_PARTIAL);
    assert_int_equal(f->p.need, 0);
    assert_int_equal(feed(f, "", 0), RESP_PARTIAL);
}

static void buffers_are_reused_across_requests(void **state)
{
    fixture *f = *state;
    const modis_str *argv;
    const char *scratch;

    assert_int_equal(feed_str(f, "a b c d e f g h i j k \"l\"\n"), 26);
    argv = f->p.argv;
    scratch = f->p.scratch;
    for (int i = 0; i < 100; i++) {
        assert_int_equal(feed_str(f, "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"), 20);
        assert_int_equal(feed_str(f, "GET \"k\"\n"), 8);
    }
    assert_ptr_equal(f->p.argv, argv);
    assert_ptr_equal(f->p.scratch, scratch);
}

static void large_multibulk_of_small_elements_resumes_in_linear_time(void **state)
{
    fixture *f = *state;
    int n = 200000;
    size_t cap = 32 + (size_t)n * 16, len;
    char *buf = zmalloc(cap);
    long r = RESP_PARTIAL;

    len = (size_t)snprintf(buf, cap, "*%d\r\n", n);
    for (int i = 0; i < n; i++) {
        char num[16];
        int digits = snprintf(num, sizeof(num), "%d", i);
        len += (size_t)snprintf(buf + len, cap - len, "$%d\r\n%s\r\n", digits, num);
    }
    /* 1 KB at a time would be quadratic (~ 3 * 10^9 bytes scanned) without resume */
    f->p.resume = 1;
    for (size_t have = 1024; r == RESP_PARTIAL; have += 1024)
        r = resp_parse(&f->p, buf, have < len ? have : len);
    assert_int_equal(r, (long)len);
    assert_int_equal(f->p.argc, n);
    assert_arg(&f->p, 123456, LIT("123456"));
    zfree(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, fixture_teardown)
        T(multibulk_request_yields_argv_pointing_into_the_buffer),
        T(every_prefix_of_a_multibulk_frame_is_partial_until_complete),
        T(every_prefix_of_an_inline_request_is_partial_until_complete),
        T(every_split_point_parses_with_resume_and_a_moving_buffer),
        T(resume_falls_back_to_a_full_parse_when_the_input_shrinks),
        T(pipelined_requests_parse_one_per_call),
        T(binary_payloads_keep_nul_and_crlf_bytes),
        T(empty_requests_are_consumed_with_no_arguments),
        T(bytes_after_header_cr_and_payload_are_skipped_unchecked),
        T(invalid_multibulk_counts_are_rejected),
        T(multibulk_count_above_the_limit_is_rejected),
        T(element_not_starting_with_dollar_names_the_byte),
        T(invalid_bulk_lengths_are_rejected),
        T(bulk_length_above_the_limit_is_rejected),
        T(header_line_longer_than_max_inline_is_rejected),
        T(header_with_far_cr_is_an_invalid_length_not_too_big),
        T(nul_byte_before_header_cr_hides_the_line),
        T(inline_line_without_newline_is_partial_then_too_big),
        T(default_limits_are_redis_defaults),
        T(default_inline_limit_is_64k),
        T(inline_arguments_split_and_unescape_like_sdssplitargs),
        T(plain_inline_arguments_point_into_the_buffer),
        T(inline_request_with_many_arguments_grows_argv),
        T(need_hint_lets_the_caller_wait_for_a_large_bulk),
        T(header_numbers_of_every_length_parse_alike),
        T(need_is_unknown_while_a_header_line_is_incomplete),
        T(buffers_are_reused_across_requests),
        T(large_multibulk_of_small_elements_resumes_in_linear_time),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
