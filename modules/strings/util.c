/* util.c: strict integer and float parsing and formatting, byte-compatible with Redis's util.c. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strings.h"

/* Redis's LONG_STR_SIZE: a text this long or longer is never a long long. */
#define LONG_STR_SIZE 21

int util_str_to_ll(const char *s, size_t len, long long *out)
{
    size_t i = 0;
    int negative = 0;
    unsigned long long v;

    if (len == 0 || len >= LONG_STR_SIZE)
        return 0;
    if (len == 1 && s[0] == '0') {
        *out = 0;
        return 1;
    }
    if (s[0] == '-') {
        negative = 1;
        if (++i == len)
            return 0;
    }
    /* The first digit must be 1-9: no leading zeros, no "-0". */
    if (s[i] < '1' || s[i] > '9')
        return 0;
    v = (unsigned long long)(s[i++] - '0');
    for (; i < len; i++) {
        unsigned d;
        if (s[i] < '0' || s[i] > '9')
            return 0;
        d = (unsigned)(s[i] - '0');
        if (v > ULLONG_MAX / 10)
            return 0;
        v *= 10;
        if (v > ULLONG_MAX - d)
            return 0;
        v += d;
    }
    if (negative) {
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

int util_str_to_ld(const char *s, size_t len, long double *out)
{
    char buf[UTIL_LD_BUF];
    char *eptr;
    long double value;

    if (len == 0 || len >= sizeof buf)
        return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';

    errno = 0;
    value = strtold(buf, &eptr);
    if (isspace((unsigned char)buf[0]) || eptr[0] != '\0' || (size_t)(eptr - buf) != len ||
        (errno == ERANGE &&
         (value == HUGE_VALL || value == -HUGE_VALL || fpclassify(value) == FP_ZERO)) ||
        errno == EINVAL || isnan(value))
        return 0;
    *out = value;
    return 1;
}

size_t util_ll_to_str(char *buf, size_t cap, long long v)
{
    char tmp[UTIL_LL_BUF];
    size_t n = 0, len = 0;
    unsigned long long u;

    if (cap < UTIL_LL_BUF) {
        if (cap)
            buf[0] = '\0';
        return 0;
    }
    u = v < 0 ? (unsigned long long)0 - (unsigned long long)v : (unsigned long long)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        buf[len++] = '-';
    while (n)
        buf[len++] = tmp[--n];
    buf[len] = '\0';
    return len;
}

size_t util_ll_digits(long long v)
{
    unsigned long long u =
        v < 0 ? (unsigned long long)0 - (unsigned long long)v : (unsigned long long)v;
    size_t n = v < 0 ? 2 : 1;

    while (u >= 10) {
        u /= 10;
        n++;
    }
    return n;
}

size_t util_ld_to_str_human(char *buf, size_t cap, long double v)
{
    size_t l;
    int n;

    if (isinf(v)) {
        if (cap < 5)
            goto fail;
        l = v > 0 ? 3 : 4;
        memcpy(buf, v > 0 ? "inf" : "-inf", l);
    } else if (isnan(v)) {
        if (cap < 4)
            goto fail;
        l = 3;
        memcpy(buf, "nan", l);
    } else {
        /* 17 digits after the point, then drop the trailing zeros (and a bare
         * point) so that small decimals read back the way they were typed. */
        n = snprintf(buf, cap, "%.17Lf", v);
        if (n < 0 || (size_t)n + 1 > cap)
            goto fail;
        l = (size_t)n;
        if (memchr(buf, '.', l) != NULL) {
            while (buf[l - 1] == '0')
                l--;
            if (buf[l - 1] == '.')
                l--;
        }
        if (l == 2 && buf[0] == '-' && buf[1] == '0') {
            buf[0] = '0';
            l = 1;
        }
    }
    buf[l] = '\0';
    return l;
fail:
    if (cap)
        buf[0] = '\0';
    return 0;
}

int util_arg_is(const modis_str *arg, const char *tok)
{
    size_t toklen = strlen(tok);
    size_t n = 0;

    /* Redis compares options with C-string functions: bytes after an
     * embedded NUL are not seen. */
    while (n < arg->len && arg->ptr[n] != '\0')
        n++;
    if (n != toklen)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char a = (unsigned char)arg->ptr[i], b = (unsigned char)tok[i];
        if (a >= 'A' && a <= 'Z')
            a = (unsigned char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (unsigned char)(b - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}
