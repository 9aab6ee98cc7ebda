/* glob.c: Redis-compatible glob matching (KEYS, SCAN MATCH) without exponential backtracking. */
#include "glob.h"

/* ASCII case folding, as tolower() in the C locale (bytes >= 0x80 unchanged). */
static int fold(int c, int nocase)
{
    if (nocase && c >= 'A' && c <= 'Z')
        return c + ('a' - 'A');
    return c;
}

/* The pattern byte at i as Redis's signed char. */
static int pat_byte(const char *pattern, size_t i)
{
    return (signed char)pattern[i];
}

/*
 * Matches the bracket class that starts at pattern[p] == '[' against byte c
 * and stores the index just past the class in *next. Follows Redis's loop
 * step by step so every odd case agrees: '\' escapes the next byte, "x-y" is
 * a range (either order, compared as signed char), ']' closes, and running
 * out of pattern closes the class at its last byte. The class's extent never
 * depends on c.
 */
static int class_match(const char *pattern, size_t plen, size_t p, int c, int nocase, size_t *next)
{
    size_t i = p + 1;
    int negate = i < plen && pattern[i] == '^';
    int match = 0;

    if (negate)
        i++;
    for (;;) {
        size_t rem = plen - i;
        if (rem >= 2 && pattern[i] == '\\') {
            i++;
            if (pat_byte(pattern, i) == c)
                match = 1;
        } else if (rem >= 1 && pattern[i] == ']') {
            break;
        } else if (rem == 0) {
            i--;
            break;
        } else if (rem >= 3 && pattern[i + 1] == '-') {
            int start = pat_byte(pattern, i);
            int end = pat_byte(pattern, i + 2);
            int ch = c;
            if (start > end) {
                int t = start;
                start = end;
                end = t;
            }
            start = fold(start, nocase);
            end = fold(end, nocase);
            ch = fold(ch, nocase);
            i += 2;
            if (ch >= start && ch <= end)
                match = 1;
        } else if (fold(pat_byte(pattern, i), nocase) == fold(c, nocase)) {
            match = 1;
        }
        i++;
    }
    *next = i + 1;
    return negate ? !match : match;
}

/*
 * Matches the single-byte token at pattern[p] (anything but '*') against c;
 * stores the index of the next token in *next.
 */
static int token_match(const char *pattern, size_t plen, size_t p, int c, int nocase, size_t *next)
{
    switch (pattern[p]) {
    case '?':
        *next = p + 1;
        return 1;
    case '[':
        return class_match(pattern, plen, p, c, nocase, next);
    case '\\':
        if (plen - p >= 2)
            p++;
        /* fall through */
    default:
        *next = p + 1;
        return fold(pat_byte(pattern, p), nocase) == fold(c, nocase);
    }
}

int glob_match(const char *pattern, size_t plen, const char *string, size_t slen, int nocase)
{
    size_t p = 0, s = 0;
    size_t star_p = 0, star_s = 0; /* resume points after the last '*' group */
    int have_star = 0;
    int stars = 0;

    /* Redis never lets anything but the empty pattern match the empty string. */
    if (slen == 0)
        return plen == 0;

    while (s < slen) {
        if (p < plen && pattern[p] == '*') {
            while (p < plen && pattern[p] == '*')
                p++;
            if (p == plen)
                return 1; /* a trailing '*' takes the rest */
            /* Redis recurses once per inner '*' group and gives up past its limit. */
            if (++stars > GLOB_MAX_STARS)
                return 0;
            have_star = 1;
            star_p = p;
            star_s = s;
            continue;
        }
        if (p < plen) {
            size_t next;
            if (token_match(pattern, plen, p, (signed char)string[s], nocase, &next)) {
                p = next;
                s++;
                continue;
            }
        }
        /* Mismatch: let the last '*' swallow one more byte and retry from there.
         * Earlier stars never need to grow: whatever they would take, the last
         * one can take instead, which keeps the whole match O(plen * slen). */
        if (!have_star)
            return 0;
        star_s++;
        s = star_s;
        p = star_p;
    }
    while (p < plen && pattern[p] == '*')
        p++;
    return p == plen;
}
