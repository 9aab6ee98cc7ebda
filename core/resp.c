/* resp.c: the incremental RESP request parser, mirroring Redis 7.0's networking.c. */
#include "resp.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "alloc.h"

#define RESP_DEFAULT_MAX_BULK_LEN (512LL * 1024 * 1024)
#define RESP_DEFAULT_MAX_MULTIBULK ((long long)INT_MAX)
#define RESP_DEFAULT_MAX_INLINE ((size_t)64 * 1024)

/* Redis's LONG_STR_SIZE: string2ll() refuses strings this long or longer. */
#define RESP_LONG_STR_SIZE 21

#define RESP_NOT_FOUND SIZE_MAX

static const char ERR_MBULK_LEN[] = "ERR Protocol error: invalid multibulk length";
static const char ERR_BULK_LEN[] = "ERR Protocol error: invalid bulk length";
static const char ERR_MBULK_BIG[] = "ERR Protocol error: too big mbulk count string";
static const char ERR_BULK_BIG[] = "ERR Protocol error: too big bulk count string";
static const char ERR_INLINE_BIG[] = "ERR Protocol error: too big inline request";
static const char ERR_QUOTES[] = "ERR Protocol error: unbalanced quotes in request";
static const char ERR_EXPECTED_PREFIX[] = "ERR Protocol error: expected '$', got '";

void resp_parser_init(resp_parser *p)
{
    memset(p, 0, sizeof(*p));
    p->max_bulk_len = RESP_DEFAULT_MAX_BULK_LEN;
    p->max_multibulk = RESP_DEFAULT_MAX_MULTIBULK;
    p->max_inline = RESP_DEFAULT_MAX_INLINE;
}

void resp_parser_deinit(resp_parser *p)
{
    zfree(p->argv);
    zfree(p->scratch);
    p->argv = NULL;
    p->argc = p->argv_cap = 0;
    p->scratch = NULL;
    p->scratch_cap = 0;
    p->st_pos = 0;
}

/* Redis's string2ll(): strict decimal, an optional '-', no '+', no leading zeros except
   "0" itself, no spaces, no "-0", no overflow. Returns 1 and sets *out, or 0. */
int resp_string2ll(const char *s, size_t n, long long *out)
{
    size_t i = 0;
    int neg = 0;
    unsigned long long v;

    if (n == 0 || n >= RESP_LONG_STR_SIZE)
        return 0;
    if (n == 1 && s[0] == '0') {
        *out = 0;
        return 1;
    }
    if (s[0] == '-') {
        neg = 1;
        if (++i == n)
            return 0;
    }
    if (s[i] < '1' || s[i] > '9')
        return 0;
    v = (unsigned long long)(s[i++] - '0');
    for (; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9)
            return 0;
        if (v > ULLONG_MAX / 10)
            return 0;
        v *= 10;
        if (v > ULLONG_MAX - d)
            return 0;
        v += d;
    }
    if (neg) {
        if (v > (unsigned long long)LLONG_MAX + 1)
            return 0;
        *out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
    } else {
        if (v > (unsigned long long)LLONG_MAX)
            return 0;
        *out = (long long)v;
    }
    return 1;
}

/* Index of the first c in buf[from..len), as Redis finds it with strchr() on its
   NUL-terminated query buffer: a NUL byte before c hides it, so RESP_NOT_FOUND. */
static size_t resp_find(const char *buf, size_t from, size_t len, char c)
{
    const char *hit = memchr(buf + from, c, len - from);
    if (hit == NULL || memchr(buf + from, '\0', (size_t)(hit - (buf + from))) != NULL)
        return RESP_NOT_FOUND;
    return (size_t)(hit - buf);
}

/* The usual header line, read in one pass: buf[from] is its type byte, then 1 to 18
   digits without a leading zero (or a lone "0"), then '\r' and at least the byte after
   it. Sets *nl to the '\r' and *out to the number and returns 1. Anything else (a sign,
   a leading zero, a longer or missing number, another byte, a line not yet whole)
   returns 0 and is left to resp_find() and resp_string2ll(), which judge it as Redis
   does; on the lines accepted here they would find the same '\r' and number. */
static inline int resp_header_fast(const char *buf, size_t from, size_t len, size_t *nl,
                                   long long *out)
{
    size_t i = from + 1;
    if (i >= len)
        return 0;
    unsigned d = (unsigned)(unsigned char)buf[i] - '0';
    if (d > 9)
        return 0;
    long long v = d;
    i++;
    if (d != 0) {
        size_t max = len - i > 17 ? i + 17 : len;
        for (; i < max; i++) {
            d = (unsigned)(unsigned char)buf[i] - '0';
            if (d > 9)
                break;
            v = v * 10 + d;
        }
    }
    if (i + 1 >= len || buf[i] != '\r')
        return 0;
    *nl = i;
    *out = v;
    return 1;
}

/* Makes room for argv[argc], doubling; argc < INT_MAX (the element count is an int). */
static void resp_reserve_arg(resp_parser *p, int argc)
{
    int cap;

    if (argc < p->argv_cap)
        return;
    cap = p->argv_cap < 8 ? 8 : p->argv_cap > INT_MAX / 2 ? INT_MAX : p->argv_cap * 2;
    p->argv = zrealloc(p->argv, (size_t)cap * sizeof(*p->argv));
    p->argv_cap = cap;
}

/* While a multibulk request is being read, argv[i].ptr holds the element's offset in buf,
   so that a resumed parse survives the caller moving its buffer; these two convert. */
static const char *resp_off_ptr(size_t off)
{
    return (const char *)(uintptr_t)off;
}

static size_t resp_ptr_off(const char *ptr)
{
    return (size_t)(uintptr_t)ptr;
}

static long resp_fail(resp_parser *p, const char *err)
{
    p->err = err;
    p->argc = 0;
    p->st_pos = 0;
    return RESP_ERROR;
}

/* "expected '$', got '%c'", with '\r' and '\n' turned into spaces as addReplyErrorFormat
   does so the reply stays one line. */
static long resp_fail_expected(resp_parser *p, char got)
{
    size_t n = sizeof(ERR_EXPECTED_PREFIX) - 1;

    memcpy(p->errbuf, ERR_EXPECTED_PREFIX, n);
    p->errbuf[n++] = (got == '\r' || got == '\n') ? ' ' : got;
    p->errbuf[n++] = '\'';
    p->errbuf[n] = '\0';
    return resp_fail(p, p->errbuf);
}

/* Remembers how far a multibulk request got, for p->resume. */
static long resp_partial(resp_parser *p, size_t pos, long long left, int argc, size_t need)
{
    p->st_pos = pos;
    p->st_left = left;
    p->st_argc = argc;
    p->need = need;
    p->argc = 0;
    return RESP_PARTIAL;
}

/* processMultibulkBuffer: "*<n>\r\n" then n times "$<len>\r\n<bytes>\r\n". Like Redis it
   finds each header line by its '\r' and skips the byte after it and the two bytes after
   a payload without looking at them. */
static long resp_parse_multibulk(resp_parser *p, const char *buf, size_t len)
{
    size_t pos, nl;
    long long left, ll;
    int argc;

    if (p->resume && p->st_pos != 0 && p->st_pos <= len) {
        pos = p->st_pos;
        left = p->st_left;
        argc = p->st_argc;
    } else {
        p->st_pos = 0;
        if (!resp_header_fast(buf, 0, len, &nl, &ll)) {
            nl = resp_find(buf, 0, len, '\r');
            if (nl == RESP_NOT_FOUND) {
                if (len > p->max_inline)
                    return resp_fail(p, ERR_MBULK_BIG);
                return resp_partial(p, 0, 0, 0, 0);
            }
            if (len - nl < 2) /* the byte after '\r' is not there yet */
                return resp_partial(p, 0, 0, 0, 0);
            if (!resp_string2ll(buf + 1, nl - 1, &ll))
                return resp_fail(p, ERR_MBULK_LEN);
        }
        if (ll > p->max_multibulk)
            return resp_fail(p, ERR_MBULK_LEN);
        pos = nl + 2;
        if (ll <= 0) {
            p->argc = 0;
            return (long)pos;
        }
        left = ll;
        argc = 0;
    }

    while (left > 0) {
        size_t start;

        if (pos >= len || buf[pos] != '$' || !resp_header_fast(buf, pos, len, &nl, &ll)) {
            nl = resp_find(buf, pos, len, '\r');
            if (nl == RESP_NOT_FOUND) {
                if (len - pos > p->max_inline)
                    return resp_fail(p, ERR_BULK_BIG);
                return resp_partial(p, pos, left, argc, 0);
            }
            if (len - nl < 2)
                return resp_partial(p, pos, left, argc, 0);
            if (buf[pos] != '$')
                return resp_fail_expected(p, buf[pos]);
            if (!resp_string2ll(buf + pos + 1, nl - pos - 1, &ll) || ll < 0)
                return resp_fail(p, ERR_BULK_LEN);
        }
        if (ll > p->max_bulk_len)
            return resp_fail(p, ERR_BULK_LEN);
        start = nl + 2;
        if ((unsigned long long)ll > SIZE_MAX - 2 - start)
            return resp_partial(p, pos, left, argc, SIZE_MAX);
        if (len - start < (size_t)ll + 2)
            return resp_partial(p, pos, left, argc, start + (size_t)ll + 2);
        resp_reserve_arg(p, argc);
        p->argv[argc].ptr = resp_off_ptr(start);
        p->argv[argc].len = (size_t)ll;
        argc++;
        pos = start + (size_t)ll + 2;
        left--;
    }

    for (int i = 0; i < argc; i++)
        p->argv[i].ptr = buf + resp_ptr_off(p->argv[i].ptr);
    p->argc = argc;
    p->st_pos = 0;
    return (long)pos;
}

/* isspace() in the C locale: what sdssplitargs skips between arguments. */
static int resp_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* What ends an unquoted argument in sdssplitargs (note: not '\v' or '\f'). */
static int resp_is_sep(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int resp_is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int resp_hex_val(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return c - 'A' + 10;
}

static void resp_push_arg(resp_parser *p, const char *ptr, size_t n)
{
    resp_reserve_arg(p, p->argc);
    p->argv[p->argc].ptr = ptr;
    p->argv[p->argc].len = n;
    p->argc++;
}

/* The rest of an argument that contains a quote, from buf[*ip] (the first quote), written
   after the plain prefix already at *op; sdssplitargs's state machine. The line has no NUL
   (resp_find saw to it), so "end of line" plays the part of sdssplitargs's terminator.
   Returns 0, or -1 on unbalanced quotes. */
static int resp_unquote(const char *s, size_t end, size_t *ip, char **op)
{
    size_t i = *ip;
    char *o = *op;
    int inq = 0, insq = 0;

#define AT(k) ((k) < end ? s[k] : '\0')
    for (;;) {
        char c = AT(i);
        if (inq) {
            if (c == '\\' && AT(i + 1) == 'x' && resp_is_hex(AT(i + 2)) && resp_is_hex(AT(i + 3))) {
                *o++ = (char)(resp_hex_val(s[i + 2]) * 16 + resp_hex_val(s[i + 3]));
                i += 4;
            } else if (c == '\\' && i + 1 < end) {
                char e = s[i + 1];
                switch (e) {
                case 'n':
                    e = '\n';
                    break;
                case 'r':
                    e = '\r';
                    break;
                case 't':
                    e = '\t';
                    break;
                case 'b':
                    e = '\b';
                    break;
                case 'a':
                    e = '\a';
                    break;
                default:
                    break;
                }
                *o++ = e;
                i += 2;
            } else if (c == '"') {
                /* the closing quote must be followed by a blank or the end */
                if (i + 1 < end && !resp_is_blank(s[i + 1]))
                    return -1;
                i++;
                break;
            } else if (i >= end) {
                return -1;
            } else {
                *o++ = c;
                i++;
            }
        } else if (insq) {
            if (c == '\\' && AT(i + 1) == '\'') {
                *o++ = '\'';
                i += 2;
            } else if (c == '\'') {
                if (i + 1 < end && !resp_is_blank(s[i + 1]))
                    return -1;
                i++;
                break;
            } else if (i >= end) {
                return -1;
            } else {
                *o++ = c;
                i++;
            }
        } else {
            if (i >= end || resp_is_sep(c))
                break;
            if (c == '"')
                inq = 1;
            else if (c == '\'')
                insq = 1;
            else
                *o++ = c;
            i++;
        }
    }
#undef AT
    *ip = i;
    *op = o;
    return 0;
}

/* sdssplitargs over s[0..end): plain arguments point into s, quoted ones are unescaped
   into p->scratch (never longer than the line, so sized once up front). */
static int resp_split_inline(resp_parser *p, const char *s, size_t end)
{
    size_t i = 0;
    char *o = NULL;

    p->argc = 0;
    for (;;) {
        size_t start;

        while (i < end && resp_is_blank(s[i]))
            i++;
        if (i == end)
            return 0;
        start = i;
        while (i < end && !resp_is_sep(s[i]) && s[i] != '"' && s[i] != '\'')
            i++;
        if (i == end || resp_is_sep(s[i])) {
            resp_push_arg(p, s + start, i - start);
            continue;
        }
        if (o == NULL) {
            if (p->scratch_cap < end) {
                zfree(p->scratch);
                p->scratch = zmalloc(end);
                p->scratch_cap = end;
            }
            o = p->scratch;
        }
        char *arg = o;
        memcpy(o, s + start, i - start);
        o += i - start;
        if (resp_unquote(s, end, &i, &o) != 0)
            return -1;
        resp_push_arg(p, arg, (size_t)(o - arg));
    }
}

/* processInlineBuffer: one line up to '\n' (an optional '\r' before it is dropped). */
static long resp_parse_inline(resp_parser *p, const char *buf, size_t len)
{
    size_t nl = resp_find(buf, 0, len, '\n');
    size_t end;

    p->st_pos = 0;
    if (nl == RESP_NOT_FOUND) {
        if (len > p->max_inline)
            return resp_fail(p, ERR_INLINE_BIG);
        p->need = 0;
        p->argc = 0;
        return RESP_PARTIAL;
    }
    end = nl;
    if (end > 0 && buf[end - 1] == '\r')
        end--;
    if (resp_split_inline(p, buf, end) != 0)
        return resp_fail(p, ERR_QUOTES);
    return (long)(nl + 1);
}

long resp_parse(resp_parser *p, const char *buf, size_t len)
{
    p->need = 0;
    p->err = NULL;
    if (len == 0) {
        p->argc = 0;
        return RESP_PARTIAL;
    }
    if (buf[0] == '*')
        return resp_parse_multibulk(p, buf, len);
    return resp_parse_inline(p, buf, len);
}
