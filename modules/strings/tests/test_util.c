/* test_util.c: unit tests of the strings module's number parsing and formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <string.h>

#include "strings.h"

const modis_api *M;
modis_type *string_type;

static int ll(const char *s, long long *out)
{
    return util_str_to_ll(s, strlen(s), out);
}

static void str_to_ll_accepts_canonical_integers(void **state)
{
    long long v;
    (void)state;
    assert_true(ll("0", &v));
    assert_int_equal(v, 0);
    assert_true(ll("7", &v));
    assert_int_equal(v, 7);
    assert_true(ll("-1", &v));
    assert_int_equal(v, -1);
    assert_true(ll("1234567890", &v));
    assert_int_equal(v, 1234567890);
    assert_true(ll("9223372036854775807", &v));
    assert_true(v == LLONG_MAX);
    assert_true(ll("-9223372036854775808", &v));
    assert_true(v == LLONG_MIN);
}

static void str_to_ll_refuses_what_redis_refuses(void **state)
{
    static const char *bad[] = {"",
                                "-",
                                "+1",
                                " 1",
                                "1 ",
                                "01",
                                "00",
                                "-0",
                                "-01",
                                "1a",
                                "a1",
                                "1.0",
                                "1e3",
                                "0x10",
                                "9223372036854775808",
                                "-9223372036854775809",
                                "99999999999999999999",
                                "123456789012345678901",
                                "--1",
                                "\t1"};
    long long v = 42;
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (ll(bad[i], &v))
            fail_msg("accepted \"%s\"", bad[i]);
    }
    assert_int_equal(v, 42); /* untouched on failure */
}

static void str_to_ll_stops_at_length_not_at_nul(void **state)
{
    long long v;
    (void)state;
    assert_false(util_str_to_ll("12\0", 3, &v));
    assert_true(util_str_to_ll("123", 2, &v));
    assert_int_equal(v, 12);
}

static void ll_to_str_round_trips(void **state)
{
    static const long long vals[] = {0,   1,    -1,      9,         10,        -10,
                                     127, -128, 1000000, LLONG_MAX, LLONG_MIN, LLONG_MIN + 1};
    char buf[UTIL_LL_BUF];
    (void)state;
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        long long back;
        size_t n = util_ll_to_str(buf, sizeof buf, vals[i]);
        assert_int_equal(n, strlen(buf));
        assert_int_equal(n, util_ll_digits(vals[i]));
        assert_true(util_str_to_ll(buf, n, &back));
        assert_true(back == vals[i]);
    }
    util_ll_to_str(buf, sizeof buf, LLONG_MIN);
    assert_string_equal(buf, "-9223372036854775808");
}

static int ld(const char *s, long double *out)
{
    return util_str_to_ld(s, strlen(s), out);
}

static void str_to_ld_accepts_strtold_forms(void **state)
{
    long double v;
    (void)state;
    assert_true(ld("10.5", &v));
    assert_true(v == 10.5L);
    assert_true(ld("5.0e3", &v));
    assert_true(v == 5000.0L);
    assert_true(ld("0x10", &v));
    assert_true(v == 16.0L);
    assert_true(ld("-0.0", &v));
    assert_true(ld("1e400", &v)); /* fits a long double */
    assert_true(ld("inf", &v));   /* accepted; the sum is refused later */
    assert_true(isinf(v));
}

static void str_to_ld_refuses_bad_input(void **state)
{
    static const char *bad[] = {"",     " 1",      "1 ",       "abc", "nan",
                                "-nan", "1e99999", "1e-99999", "1.5x"};
    long double v;
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (ld(bad[i], &v))
            fail_msg("accepted \"%s\"", bad[i]);
    }
    /* Bytes after an embedded NUL make the text invalid. */
    assert_false(util_str_to_ld("1\0abc", 5, &v));
}

static void str_to_ld_refuses_overlong_text(void **state)
{
    char big[UTIL_LD_BUF + 10];
    long double v;
    (void)state;
    memset(big, '1', sizeof big);
    assert_false(util_str_to_ld(big, UTIL_LD_BUF, &v));
    assert_true(util_str_to_ld(big, 100, &v));
}

static void ld_to_str_human_trims_like_redis(void **state)
{
    static const struct {
        long double v;
        const char *out;
    } cases[] = {{10.6L, "10.6"}, {11.0L, "11"},           {0.0L, "0"},
                 {-0.0L, "0"},    {5001.0L, "5001"},       {-2.5L, "-2.5"},
                 {1e-20L, "0"},   {-1e-20L, "0"},          {3.1L, "3.1"},
                 {100.0L, "100"}, {1.5e10L, "15000000000"}};
    char buf[UTIL_LD_BUF];
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = util_ld_to_str_human(buf, sizeof buf, cases[i].v);
        assert_string_equal(buf, cases[i].out);
        assert_int_equal(n, strlen(cases[i].out));
    }
    util_ld_to_str_human(buf, sizeof buf, (long double)INFINITY);
    assert_string_equal(buf, "inf");
    util_ld_to_str_human(buf, sizeof buf, -(long double)INFINITY);
    assert_string_equal(buf, "-inf");
}

static void ld_to_str_human_sums_as_redis_does(void **state)
{
    long double a, b;
    char buf[UTIL_LD_BUF];
    (void)state;
    /* INCRBYFLOAT k 0.1 on 10.5 gives 10.6 thanks to the 17-digit rounding. */
    assert_true(ld("10.5", &a));
    assert_true(ld("0.1", &b));
    util_ld_to_str_human(buf, sizeof buf, a + b);
    assert_string_equal(buf, "10.6");
    /* A huge value is written out in full, with no exponent. */
    assert_true(ld("1e308", &a));
    util_ld_to_str_human(buf, sizeof buf, a + a);
    assert_int_equal(strlen(buf), 309);
    assert_true(strncmp(buf, "19999999999999999999", 20) == 0);
}

static void ld_to_str_human_reports_no_room(void **state)
{
    char small[4];
    (void)state;
    assert_int_equal(util_ld_to_str_human(small, sizeof small, 12345.5L), 0);
    assert_string_equal(small, "");
}

static void arg_is_compares_like_strcasecmp(void **state)
{
    modis_str a = {"Ex", 2}, b = {"EXAT", 4}, c = {"nx\0zz", 5}, d = {"n", 1};
    (void)state;
    assert_true(util_arg_is(&a, "ex"));
    assert_false(util_arg_is(&a, "exat"));
    assert_true(util_arg_is(&b, "exat"));
    assert_false(util_arg_is(&b, "ex"));
    assert_true(util_arg_is(&c, "nx")); /* bytes after a NUL are not seen */
    assert_false(util_arg_is(&d, "nx"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(str_to_ll_accepts_canonical_integers),
        cmocka_unit_test(str_to_ll_refuses_what_redis_refuses),
        cmocka_unit_test(str_to_ll_stops_at_length_not_at_nul),
        cmocka_unit_test(ll_to_str_round_trips),
        cmocka_unit_test(str_to_ld_accepts_strtold_forms),
        cmocka_unit_test(str_to_ld_refuses_bad_input),
        cmocka_unit_test(str_to_ld_refuses_overlong_text),
        cmocka_unit_test(ld_to_str_human_trims_like_redis),
        cmocka_unit_test(ld_to_str_human_sums_as_redis_does),
        cmocka_unit_test(ld_to_str_human_reports_no_room),
        cmocka_unit_test(arg_is_compares_like_strcasecmp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
