/* util.c: argument parsing and error formatting helpers of the keys module, Redis-exact. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "keys.h"

/* Strict decimal as Redis's string2ll (the core's parser). */
int keys_parse_ll(const modis_str *s, long long *out)
{
    return M->parse_ll(s, out) == MODIS_OK;
}

int keys_ll_or_reply(modis_ctx *ctx, const modis_str *s, long long *out)
{
    if (!keys_parse_ll(s, out)) {
        M->reply_error(ctx, MODIS_ERR_NOT_INTEGER);
        return MODIS_ERR;
    }
    return MODIS_OK;
}

int keys_int_or_reply(modis_ctx *ctx, const modis_str *s, int *out, const char *msg)
{
    long long v;

    if (!keys_parse_ll(s, &v)) {
        M->reply_error(ctx, msg ? msg : MODIS_ERR_NOT_INTEGER);
        return MODIS_ERR;
    }
    if (v < INT_MIN || v > INT_MAX) {
        if (msg)
            M->reply_error(ctx, msg);
        else
            M->reply_errorf(ctx, "ERR value is out of range, value must between %d and %d", INT_MIN,
                            INT_MAX);
        return MODIS_ERR;
    }
    *out = (int)v;
    return MODIS_OK;
}

size_t keys_cstrlen(const modis_str *s)
{
    const char *nul = memchr(s->ptr, '\0', s->len);
    return nul ? (size_t)(nul - s->ptr) : s->len;
}

int keys_arg_is(const modis_str *s, const char *lit)
{
    size_t n = keys_cstrlen(s);
    return strlen(lit) == n && strncasecmp(s->ptr, lit, n) == 0;
}

int keys_probe(modis_ctx *ctx, modis_db *db, const modis_str *key)
{
    int found = M->lookup(ctx, db, key, NULL, MODIS_LOOKUP_READ | MODIS_LOOKUP_NOTOUCH, NULL,
                          NULL) == MODIS_KEY_FOUND;
    M->stat_add(ctx, found ? "keyspace_hits" : "keyspace_misses", 1);
    return found;
}

int keys_str_eq(const modis_str *a, const modis_str *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->ptr, b->ptr, a->len) == 0);
}

void keys_reply_errorf(modis_ctx *ctx, const char *fmt, ...)
{
    char small[256];
    char *buf = small;
    va_list ap;
    int n;
    size_t len, i;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    len = (size_t)n;
    if (len >= sizeof small) {
        /* Options are client data of any length: never truncate them. */
        buf = M->alloc(len + 1);
        va_start(ap, fmt);
        vsnprintf(buf, len + 1, fmt, ap);
        va_end(ap);
    }
    /* sdstrim(s, "\r\n") then sdsmapchars(s, "\r\n", "  "), as Redis does. */
    while (len > 0 && (buf[len - 1] == '\r' || buf[len - 1] == '\n'))
        len--;
    buf[len] = '\0';
    for (i = 0; i < len; i++)
        if (buf[i] == '\r' || buf[i] == '\n')
            buf[i] = ' ';
    M->reply_error(ctx, buf);
    if (buf != small)
        M->free(buf);
}
