/* reply.c: RESP2/RESP3 reply encoding into the client's buffer and chunk list. */
#include "reply.h"

#include "alloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define CHUNK_SIZE (16 * 1024)

static inline void mark_pending(client *c)
{
    if (!(c->flags & CLIENT_PENDING_WRITE)) {
        c->flags |= CLIENT_PENDING_WRITE;
        c->next_pending = server.pending_write;
        server.pending_write = c;
    }
}

static void add_to_chunks(client *c, const char *p, size_t len)
{
    reply_chunk *t = c->ctail;
    if (t && t->cap > t->used) {
        size_t n = t->cap - t->used;
        if (n > len)
            n = len;
        memcpy(t->data + t->used, p, n);
        t->used += n;
        p += n;
        len -= n;
    }
    if (len == 0)
        return;
    size_t cap = len > CHUNK_SIZE ? len : CHUNK_SIZE;
    reply_chunk *n = zmalloc(sizeof *n + cap);
    n->next = NULL;
    n->cap = cap;
    n->used = len;
    memcpy(n->data, p, len);
    if (c->ctail)
        c->ctail->next = n;
    else
        c->chead = n;
    c->ctail = n;
    c->reply_bytes += cap;
}

void reply_add(client *c, const void *p, size_t len)
{
    if (c->reply_mode != MODIS_REPLY_ON || (c->flags & CLIENT_CLOSE_ASAP))
        return;
    if (!c->buf)
        c->buf = zmalloc(CLIENT_BUF_SIZE);
    if (!c->chead && CLIENT_BUF_SIZE - c->bufpos >= len) {
        memcpy(c->buf + c->bufpos, p, len);
        c->bufpos += len;
    } else if (!c->chead) {
        size_t n = CLIENT_BUF_SIZE - c->bufpos;
        memcpy(c->buf + c->bufpos, p, n);
        c->bufpos += n;
        add_to_chunks(c, (const char *)p + n, len - n);
    } else {
        add_to_chunks(c, p, len);
    }
    mark_pending(c);
}

int reply_pending(const client *c)
{
    return c->bufpos > c->sentlen || c->chead != NULL;
}

void reply_free_all(client *c)
{
    reply_chunk *n = c->chead;
    while (n) {
        reply_chunk *next = n->next;
        zfree(n);
        n = next;
    }
    c->chead = c->ctail = NULL;
    c->bufpos = c->sentlen = 0;
    c->reply_bytes = 0;
}

/* "00" "01" ... "99": numbers are written two digits at a time. */
static const char DIGIT_PAIRS[201] = "0001020304050607080910111213141516171819"
                                     "2021222324252627282930313233343536373839"
                                     "4041424344454647484950515253545556575859"
                                     "6061626364656667686970717273747576777879"
                                     "8081828384858687888990919293949596979899";

int reply_ll2str(char *buf, long long v)
{
    char tmp[24];
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    int n = (int)sizeof tmp;
    while (u >= 100) {
        unsigned i = (unsigned)(u % 100) * 2;
        u /= 100;
        tmp[--n] = DIGIT_PAIRS[i + 1];
        tmp[--n] = DIGIT_PAIRS[i];
    }
    if (u >= 10) {
        unsigned i = (unsigned)u * 2;
        tmp[--n] = DIGIT_PAIRS[i + 1];
        tmp[--n] = DIGIT_PAIRS[i];
    } else {
        tmp[--n] = (char)('0' + u);
    }
    if (v < 0)
        tmp[--n] = '-';
    int len = (int)sizeof tmp - n;
    memcpy(buf, tmp + n, (size_t)len);
    buf[len] = '\0';
    return len;
}

void reply_header(client *c, char prefix, long long n)
{
    char b[32];
    b[0] = prefix;
    int len = 1 + reply_ll2str(b + 1, n);
    b[len++] = '\r';
    b[len++] = '\n';
    reply_add(c, b, (size_t)len);
}

/* Where n bytes of reply can be written straight into the client's buffer (the
   caller then adds n to bufpos and marks the client pending), or NULL when they
   must go through reply_add(): replies off, the client closing, no buffer yet,
   chunks queued after it, or too little room. */
static inline char *direct_room(client *c, size_t n)
{
    if (c->reply_mode == MODIS_REPLY_ON && !(c->flags & CLIENT_CLOSE_ASAP) && c->buf && !c->chead &&
        CLIENT_BUF_SIZE - c->bufpos >= n)
        return c->buf + c->bufpos;
    return NULL;
}

/* Writes head, the payload and CRLF at d (from direct_room) and accounts for them. */
static inline void direct_put(client *c, char *d, const char *head, size_t hl, const void *p,
                              size_t len)
{
    memcpy(d, head, hl);
    memcpy(d + hl, p, len);
    d[hl + len] = '\r';
    d[hl + len + 1] = '\n';
    c->bufpos += hl + len + 2;
    mark_pending(c);
}

void reply_bulk(client *c, const void *p, size_t len)
{
    /* The common short value (a list element, a small string): its one-digit
     * header written in place, without formatting a number. */
    if (len < 10) {
        char *d = direct_room(c, len + 6);
        if (d) {
            const char head[4] = {'$', (char)('0' + len), '\r', '\n'};
            direct_put(c, d, head, 4, p, len);
            return;
        }
    }
    /* Header, payload and CRLF in one copy when they fit together. */
    char b[32];
    b[0] = '$';
    int hl = 1 + reply_ll2str(b + 1, (long long)len);
    b[hl++] = '\r';
    b[hl++] = '\n';
    char *d = direct_room(c, (size_t)hl + len + 2);
    if (d) {
        direct_put(c, d, b, (size_t)hl, p, len);
        return;
    }
    reply_add(c, b, (size_t)hl);
    reply_add(c, p, len);
    reply_add(c, "\r\n", 2);
}

void reply_cstr(client *c, const char *s)
{
    reply_bulk(c, s, strlen(s));
}

void reply_int(client *c, long long n)
{
    if (n == 0) {
        reply_add(c, ":0\r\n", 4);
        return;
    }
    if (n == 1) {
        reply_add(c, ":1\r\n", 4);
        return;
    }
    reply_header(c, ':', n);
}

void reply_simple(client *c, const char *s)
{
    size_t len = strlen(s);
    char *d = direct_room(c, len + 3);
    if (d) {
        direct_put(c, d, "+", 1, s, len);
        return;
    }
    char b[256];
    if (len + 3 <= sizeof b) {
        b[0] = '+';
        memcpy(b + 1, s, len);
        b[len + 1] = '\r';
        b[len + 2] = '\n';
        reply_add(c, b, len + 3);
        return;
    }
    reply_add(c, "+", 1);
    reply_add(c, s, len);
    reply_add(c, "\r\n", 2);
}

void reply_error_len(client *c, const char *err, size_t len)
{
    char small[512];
    char *b = len + 3 <= sizeof small ? small : zmalloc(len + 3);
    b[0] = '-';
    for (size_t i = 0; i < len; i++)
        b[i + 1] = (err[i] == '\r' || err[i] == '\n') ? ' ' : err[i];
    b[len + 1] = '\r';
    b[len + 2] = '\n';
    reply_add(c, b, len + 3);
    if (b != small)
        zfree(b);
    server_stat_error(err, len);
}

void reply_error(client *c, const char *err)
{
    reply_error_len(c, err, strlen(err));
}

void reply_errorf(client *c, const char *fmt, ...)
{
    char small[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        reply_error_len(c, small, (size_t)n);
        return;
    }
    char *b = zmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(b, (size_t)n + 1, fmt, ap);
    va_end(ap);
    reply_error_len(c, b, (size_t)n);
    zfree(b);
}

void reply_null(client *c)
{
    if (c->resp >= 3)
        reply_add(c, "_\r\n", 3);
    else
        reply_add(c, "$-1\r\n", 5);
}

void reply_null_array(client *c)
{
    if (c->resp >= 3)
        reply_add(c, "_\r\n", 3);
    else
        reply_add(c, "*-1\r\n", 5);
}

void reply_array(client *c, long n)
{
    reply_header(c, '*', n);
}

void reply_map(client *c, long n)
{
    if (c->resp >= 3)
        reply_header(c, '%', n);
    else
        reply_header(c, '*', 2 * n);
}

void reply_set(client *c, long n)
{
    reply_header(c, c->resp >= 3 ? '~' : '*', n);
}

void reply_push(client *c, long n)
{
    reply_header(c, c->resp >= 3 ? '>' : '*', n);
}

void reply_double(client *c, double d)
{
    char b[64];
    if (isinf(d)) {
        if (c->resp >= 3)
            reply_add(c, d > 0 ? ",inf\r\n" : ",-inf\r\n", d > 0 ? 6 : 7);
        else
            reply_cstr(c, d > 0 ? "inf" : "-inf");
        return;
    }
    int n = snprintf(b, sizeof b, "%.17g", d);
    if (c->resp >= 3) {
        reply_add(c, ",", 1);
        reply_add(c, b, (size_t)n);
        reply_add(c, "\r\n", 2);
    } else {
        reply_bulk(c, b, (size_t)n);
    }
}

void reply_bool(client *c, int b)
{
    if (c->resp >= 3)
        reply_add(c, b ? "#t\r\n" : "#f\r\n", 4);
    else
        reply_add(c, b ? ":1\r\n" : ":0\r\n", 4);
}

void reply_verbatim(client *c, const char *fmt3, const void *p, size_t len)
{
    if (c->resp < 3) {
        reply_bulk(c, p, len);
        return;
    }
    reply_header(c, '=', (long long)len + 4);
    reply_add(c, fmt3, 3);
    reply_add(c, ":", 1);
    reply_add(c, p, len);
    reply_add(c, "\r\n", 2);
}

void reply_bignum(client *c, const char *p, size_t len)
{
    if (c->resp < 3) {
        reply_bulk(c, p, len);
        return;
    }
    reply_add(c, "(", 1);
    reply_add(c, p, len);
    reply_add(c, "\r\n", 2);
}

void *reply_defer(client *c, char kind)
{
    if (c->reply_mode != MODIS_REPLY_ON || (c->flags & CLIENT_CLOSE_ASAP))
        return NULL;
    if (!c->buf)
        c->buf = zmalloc(CLIENT_BUF_SIZE);
    /* A small empty chunk holds the header; later output goes after it. */
    reply_chunk *n = zmalloc(sizeof *n + 32);
    n->next = NULL;
    n->cap = 32;
    n->used = 0;
    if (c->ctail)
        c->ctail->next = n;
    else
        c->chead = n;
    c->ctail = n;
    c->reply_bytes += 32;
    /* Mark it full so the next write opens a new chunk; remember the kind. */
    n->used = n->cap;
    n->data[31] = kind;
    mark_pending(c);
    return n;
}

void reply_set_deferred(client *c, void *handle, long n)
{
    if (!handle)
        return;
    reply_chunk *ch = handle;
    char prefix = ch->data[31];
    if (c->resp < 3) {
        if (prefix == '%')
            n *= 2;
        prefix = '*';
    }
    char b[32];
    b[0] = prefix;
    int len = 1 + reply_ll2str(b + 1, n);
    b[len++] = '\r';
    b[len++] = '\n';
    memcpy(ch->data, b, (size_t)len);
    ch->used = (size_t)len;
}
