/* test_glob.c: unit tests of the keys module's glob matcher: Redis 7.0 semantics, no blow-up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "glob.h"

typedef struct glob_case {
    const char *pattern;
    size_t plen;
    const char *string;
    size_t slen;
    int expect;
} glob_case;

/* Expected results were taken from redis-server 7.0.15 (KEYS <pattern> on a
 * database holding only <string>), not from this implementation. */
static const glob_case redis_cases[] = {
    {"", 0, "", 0, 1},
    {"", 0, "a", 1, 0},
    {"**", 2, "", 0, 0},
    {"a", 1, "a", 1, 1},
    {"a", 1, "b", 1, 0},
    {"a", 1, "ab", 2, 0},
    {"ab", 2, "a", 1, 0},
    {"?", 1, "a", 1, 1},
    {"?", 1, "", 0, 0},
    {"??", 2, "a", 1, 0},
    {"a*", 2, "a", 1, 1},
    {"a*", 2, "abc", 3, 1},
    {"*c", 2, "abc", 3, 1},
    {"*b*", 3, "abc", 3, 1},
    {"*d*", 3, "abc", 3, 0},
    {"h?llo", 5, "hello", 5, 1},
    {"h*llo", 5, "heeeello", 8, 1},
    {"h[ae]llo", 8, "hallo", 5, 1},
    {"h[ae]llo", 8, "hillo", 5, 0},
    {"h[^e]llo", 8, "hallo", 5, 1},
    {"h[^e]llo", 8, "hello", 5, 0},
    {"h[a-b]llo", 9, "hbllo", 5, 1},
    {"h[a-b]llo", 9, "hcllo", 5, 0},
    {"[z-a]", 5, "m", 1, 1},
    {"[z-a]", 5, "A", 1, 0},
    {"\\*", 2, "*", 1, 1},
    {"\\*", 2, "a", 1, 0},
    {"a\\", 2, "a\\", 2, 1},
    {"\\?", 2, "?", 1, 1},
    {"\\?", 2, "x", 1, 0},
    {"[\\]]", 4, "]", 1, 1},
    {"[\\-]", 4, "-", 1, 1},
    {"[a\\-z]", 6, "b", 1, 0},
    {"[a\\-z]", 6, "-", 1, 1},
    {"[", 1, "[", 1, 0},
    {"[", 1, "a", 1, 0},
    {"[abc", 4, "b", 1, 1},
    {"[abc", 4, "d", 1, 0},
    {"[^", 2, "x", 1, 1},
    {"x[a-", 4, "xa", 2, 1},
    {"x[a-", 4, "x-", 2, 1},
    {"[a-]", 4, "^", 1, 1},
    {"[a-]", 4, "b", 1, 0},
    {"[]]", 3, "]", 1, 0},
    {"[]a]", 4, "]a", 2, 0},
    {"[]a]", 4, "a", 1, 0},
    {"[!a]", 4, "b", 1, 0},
    {"[!a]", 4, "!", 1, 1},
    {"[\x01""-\xff""]", 5, "a", 1, 0},
    {"[\x01""-\xff""]", 5, "\x00""", 1, 1},
    {"[a-\xe9""]", 5, "\xf0""", 1, 1},
    {"[a-\xe9""]", 5, "b", 1, 0},
    {"a\x00""b", 3, "a\x00""b", 3, 1},
    {"a?b", 3, "a\x00""b", 3, 1},
    {"a*", 2, "a\x00""", 2, 1},
    {"*a*b*c*", 7, "xaybzc", 6, 1},
    {"*a*b*c*", 7, "xaybz", 5, 0},
    {"a*b*c", 5, "abcabc", 6, 1},
    {"*aab", 4, "aaab", 4, 1},
    {"*ab*ba*", 7, "abba", 4, 1},
    {"a*aa*aaa", 8, "aaaaaa", 6, 1},
    {"a*aa*aaa", 8, "aaaaa", 5, 0},
    {"*[0-9]", 6, "abc5", 4, 1},
    {"*?", 2, "a", 1, 1},
    {"?*", 2, "a", 1, 1},
    {"*??*", 4, "a", 1, 0},
    {"[^a-c]*", 7, "dx", 2, 1},
    {"[^a-c]*", 7, "bx", 2, 0},
    {"*\\", 2, "ab\\", 3, 1},
    {"[\\", 2, "\\", 1, 1},
    {"[a\\", 3, "\\", 1, 1},
    {"*[", 2, "a[", 2, 0},
    {"[-a]", 4, "-", 1, 1},
    {"[a-c-e]", 7, "d", 1, 0},
    {"[a-c-e]", 7, "-", 1, 1},
};

static void matches_like_redis_7_0(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof redis_cases / sizeof redis_cases[0]; i++) {
        const glob_case *c = &redis_cases[i];
        int got = glob_match(c->pattern, c->plen, c->string, c->slen, 0);
        if (got != c->expect)
            fail_msg("case %zu: pattern \"%.*s\" string \"%.*s\": got %d, Redis says %d", i,
                     (int)c->plen, c->pattern, (int)c->slen, c->string, got, c->expect);
    }
}

static void star_does_not_match_empty_string(void **state)
{
    (void)state;
    /* Redis's stringmatchlen never matches an empty string except with an
     * empty pattern (KEYS * only lists "" through its match-all shortcut). */
    assert_int_equal(glob_match("*", 1, "", 0, 0), 0);
    assert_int_equal(glob_match("", 0, "", 0, 0), 1);
    assert_int_equal(glob_match("*", 1, "x", 1, 0), 1);
}

static void nocase_folds_ascii_only(void **state)
{
    (void)state;
    assert_int_equal(glob_match("HeLLo", 5, "hello", 5, 1), 1);
    assert_int_equal(glob_match("HeLLo", 5, "hello", 5, 0), 0);
    assert_int_equal(glob_match("[A-C]x", 6, "bX", 2, 1), 1);
    assert_int_equal(glob_match("[^A]", 4, "a", 1, 1), 0);
    assert_int_equal(glob_match("\xc9", 1, "\xe9", 1, 1), 0);
}

/* Builds a string of n copies of byte c (caller frees). */
static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* Builds n copies of the two-byte unit u (caller frees). */
static char *repeat2(const char *u, size_t n)
{
    char *s = malloc(2 * n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + 2 * i, u, 2);
    s[2 * n] = '\0';
    return s;
}

static double seconds_since(clock_t start)
{
    return (double)(clock() - start) / CLOCKS_PER_SEC;
}

static void pathological_star_pattern_returns_quickly(void **state)
{
    const char *pat = "*a*a*a*a*a*a*a*a*a*a*b";
    size_t n = 200000;
    char *s = repeat('a', n);
    clock_t start = clock();

    (void)state;
    /* A naive backtracking matcher needs about n^10 steps here. */
    assert_int_equal(glob_match(pat, strlen(pat), s, n, 0), 0);
    s[n - 1] = 'b';
    assert_int_equal(glob_match(pat, strlen(pat), s, n, 0), 1);
    assert_true(seconds_since(start) < 2.0);
    free(s);
}

static void many_stars_and_classes_stay_polynomial(void **state)
{
    size_t n = 900; /* below the 1000-group limit, so the matcher really runs */
    char *s = repeat('a', 20000);
    char *pat;
    clock_t start = clock();

    (void)state;
    /* "*?*?*?...*?c": every '?' fits anywhere, the final 'c' never does. */
    pat = repeat2("*?", n);
    pat = realloc(pat, 2 * n + 2);
    assert_non_null(pat);
    pat[2 * n] = 'c';
    pat[2 * n + 1] = '\0';
    assert_int_equal(glob_match(pat, 2 * n + 1, s, 20000, 0), 0);
    /* "*[a-c]" repeated 500 times then 'd'. */
    free(pat);
    pat = malloc(500 * 6 + 2);
    assert_non_null(pat);
    for (size_t i = 0; i < 500; i++)
        memcpy(pat + 6 * i, "*[a-c]", 6);
    pat[3000] = 'd';
    pat[3001] = '\0';
    assert_int_equal(glob_match(pat, 3001, s, 20000, 0), 0);
    assert_true(seconds_since(start) < 5.0);
    free(pat);
    free(s);
}

static void star_groups_limited_like_redis(void **state)
{
    /* Redis 7.0 recurses once per inner '*' group and gives up past 1000
     * levels: "*a" x 1000 matches a run of a's, "*a" x 1001 never does
     * (checked against redis-server 7.0.15). A trailing '*' does not count. */
    char *s = repeat('a', 1200);
    char *p1000 = repeat2("*a", 1000);
    char *p1001 = repeat2("*a", 1001);
    char *p1000star = repeat2("*a", 1001);

    (void)state;
    p1000star[2000] = '*';
    p1000star[2001] = '\0';
    assert_int_equal(glob_match(p1000, 2000, s, 1200, 0), 1);
    assert_int_equal(glob_match(p1001, 2002, s, 1200, 0), 0);
    assert_int_equal(glob_match(p1000star, 2001, s, 1200, 0), 1);
    free(s);
    free(p1000);
    free(p1001);
    free(p1000star);
}

/* An independent, deliberately naive matcher for patterns made of literals,
 * '?' and '*' only: tries every split, exponential but fine for tiny inputs. */
static int naive(const char *p, size_t pl, const char *s, size_t sl)
{
    if (pl == 0)
        return sl == 0;
    if (p[0] == '*') {
        for (size_t i = 0; i <= sl; i++)
            if (naive(p + 1, pl - 1, s + i, sl - i))
                return 1;
        return 0;
    }
    if (sl == 0)
        return 0;
    if (p[0] == '?' || p[0] == s[0])
        return naive(p + 1, pl - 1, s + 1, sl - 1);
    return 0;
}

static void agrees_with_naive_matcher_on_random_inputs(void **state)
{
    static const char palpha[] = "ab?**";
    static const char salpha[] = "abb";
    unsigned seed = 12345;

    (void)state;
    for (int it = 0; it < 200000; it++) {
        char p[10], s[10];
        size_t pl, sl;
        seed = seed * 1103515245u + 12345u;
        pl = (seed >> 16) % 9;
        for (size_t i = 0; i < pl; i++) {
            seed = seed * 1103515245u + 12345u;
            p[i] = palpha[(seed >> 16) % 5];
        }
        seed = seed * 1103515245u + 12345u;
        sl = (seed >> 16) % 9;
        for (size_t i = 0; i < sl; i++) {
            seed = seed * 1103515245u + 12345u;
            s[i] = salpha[(seed >> 16) % 3];
        }
        int expect = sl == 0 ? pl == 0 : naive(p, pl, s, sl);
        int got = glob_match(p, pl, s, sl, 0);
        if (got != expect)
            fail_msg("pattern \"%.*s\" string \"%.*s\": got %d, expected %d", (int)pl, p, (int)sl,
                     s, got, expect);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_like_redis_7_0),
        cmocka_unit_test(star_does_not_match_empty_string),
        cmocka_unit_test(nocase_folds_ascii_only),
        cmocka_unit_test(pathological_star_pattern_returns_quickly),
        cmocka_unit_test(many_stars_and_classes_stay_polynomial),
        cmocka_unit_test(star_groups_limited_like_redis),
        cmocka_unit_test(agrees_with_naive_matcher_on_random_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
