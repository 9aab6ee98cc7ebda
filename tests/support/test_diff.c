/* test_diff.c: replays a case file against redis-server and modis and compares raw replies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *case_path;

typedef struct pair {
    hserver redis, modis;
    int rfd, mfd;
} pair;

/* Unescapes \\r \\n \\t \\\\ \\" and \\xHH; every other byte stands for itself. */
static char *unescape(const char *in, size_t *len)
{
    char *out = malloc(strlen(in) + 1);
    size_t n = 0;
    for (const char *p = in; *p; p++) {
        if (p[0] == '\\' && p[1]) {
            p++;
            if (*p == 'x' && p[1] && p[2]) {
                char hex[3] = {p[1], p[2], 0};
                out[n++] = (char)strtol(hex, NULL, 16);
                p += 2;
            } else {
                out[n++] = *p == 'r' ? '\r' : *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
            }
        } else {
            out[n++] = *p;
        }
    }
    *len = n;
    return out;
}

static int reconnect(pair *p)
{
    if (p->rfd >= 0)
        close(p->rfd);
    if (p->mfd >= 0)
        close(p->mfd);
    p->rfd = hs_raw_connect(p->redis.port);
    p->mfd = hs_raw_connect(p->modis.port);
    return p->rfd >= 0 && p->mfd >= 0 ? 0 : -1;
}

static int compare(const char *what, int lineno, const char *line, const char *r, size_t rl,
                   const char *m, size_t ml)
{
    if (r && m && rl == ml && memcmp(r, m, rl) == 0)
        return 0;
    char *re = r ? hs_escape(r, rl) : strdup("(no reply)");
    char *me = m ? hs_escape(m, ml) : strdup("(no reply)");
    fprintf(stderr, "%s:%d: %s\n  command: %s\n  redis:   %s\n  modis:   %s\n", case_path, lineno,
            what, line, re, me);
    free(re);
    free(me);
    return 1;
}

static void replay_case_file(void **state)
{
    (void)state;
    if (!hs_have_redis())
        skip();
    FILE *f = fopen(case_path, "r");
    assert_non_null(f);
    pair p = {.rfd = -1, .mfd = -1};
    assert_int_equal(hs_start_redis(&p.redis), 0);
    assert_int_equal(hs_start_modis(&p.modis, NULL, NULL), 0);
    assert_int_equal(reconnect(&p), 0);
    char *flush[] = {"FLUSHALL"};
    size_t flen[] = {8};
    hs_raw_send_argv(p.rfd, 1, flush, flen);
    hs_raw_send_argv(p.mfd, 1, flush, flen);
    size_t l1, l2;
    free(hs_raw_read_reply(p.rfd, &l1, 5000));
    free(hs_raw_read_reply(p.mfd, &l2, 5000));

    char line[65536];
    int lineno = 0, failures = 0, checked = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s || *s == '#')
            continue;
        int ignore = 0;
        if (!strncmp(s, "!sleep ", 7)) {
            usleep((useconds_t)atoi(s + 7) * 1000);
            continue;
        }
        if (!strcmp(s, "!reconnect")) {
            assert_int_equal(reconnect(&p), 0);
            continue;
        }
        if (!strncmp(s, "!raw ", 5)) {
            size_t rawlen;
            char *raw = unescape(s + 5, &rawlen);
            hs_raw_send(p.rfd, raw, rawlen);
            hs_raw_send(p.mfd, raw, rawlen);
            free(raw);
            int c1, c2;
            char *r = hs_raw_read_all(p.rfd, &l1, 300, &c1);
            char *m = hs_raw_read_all(p.mfd, &l2, 300, &c2);
            failures += compare("raw reply differs", lineno, s, r, l1, m, l2);
            if (c1 != c2) {
                fprintf(stderr, "%s:%d: redis %s the connection, modis %s\n", case_path, lineno,
                        c1 ? "closed" : "kept", c2 ? "closed" : "kept");
                failures++;
            }
            free(r);
            free(m);
            checked++;
            assert_int_equal(reconnect(&p), 0);
            continue;
        }
        if (!strncmp(s, "!ignore ", 8)) {
            ignore = 1;
            s += 8;
        }
        char **argv;
        size_t *lens;
        int argc = hs_split_args(s, &argv, &lens);
        if (argc <= 0) {
            fprintf(stderr, "%s:%d: cannot parse the line\n", case_path, lineno);
            failures++;
            continue;
        }
        hs_raw_send_argv(p.rfd, argc, argv, lens);
        hs_raw_send_argv(p.mfd, argc, argv, lens);
        hs_free_args(argc, argv, lens);
        char *r = hs_raw_read_reply(p.rfd, &l1, 10000);
        char *m = hs_raw_read_reply(p.mfd, &l2, 10000);
        if (!ignore)
            failures += compare("reply differs", lineno, s, r, l1, m, l2);
        else if (!r || !m)
            failures += compare("no reply", lineno, s, r, l1, m, l2);
        free(r);
        free(m);
        checked++;
    }
    fclose(f);
    close(p.rfd);
    close(p.mfd);
    hs_stop(&p.redis);
    int st = hs_stop(&p.modis);
    fprintf(stderr, "%s: %d commands compared, %d differences\n", case_path, checked, failures);
    assert_int_equal(failures, 0);
    assert_int_equal(st, 0);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_diff <case file>\n");
        return 2;
    }
    case_path = argv[1];
    const struct CMUnitTest tests[] = {cmocka_unit_test(replay_case_file)};
    return cmocka_run_group_tests_name(case_path, tests, NULL, NULL);
}
