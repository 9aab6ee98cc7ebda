/* test_admin_docs.c: COMMAND DOCS and container COMMAND INFO of the admin commands agree with
 * redis-server (order-free, summaries aside). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* Subcommands that exist on one side only: Redis 7.0's client-side caching
 * (not in modis) and Redis 7.2's SETINFO and NO-TOUCH (in modis). */
static const char *const one_sided[] = {"client|caching",
                                        "client|getredir",
                                        "client|tracking",
                                        "client|trackinginfo",
                                        "client|setinfo",
                                        "client|no-touch",
                                        NULL};

static int is_one_sided(const char *s, size_t len)
{
    for (int i = 0; one_sided[i]; i++)
        if (strlen(one_sided[i]) == len && memcmp(one_sided[i], s, len) == 0)
            return 1;
    return 0;
}

/* A growable string. */
typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *p, size_t n)
{
    if (n > PTRDIFF_MAX / 2) /* a negative length cast: a bug in the caller */
        abort();
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
}

/* A RESP2 reply tree. */
typedef struct node {
    char type;
    const char *s; /* text: points into the raw reply */
    long n;        /* text length, or number of elements */
    struct node *el;
} node;

static const char *parse(const char *p, node *x)
{
    const char *eol = strstr(p, "\r\n");
    assert_non_null(eol);
    x->type = *p;
    x->el = NULL;
    if (*p == '$') {
        x->n = atol(p + 1);
        x->s = eol + 2;
        return x->n < 0 ? eol + 2 : eol + 2 + x->n + 2;
    }
    if (*p == '*') {
        x->n = atol(p + 1);
        p = eol + 2;
        if (x->n > 0) {
            x->el = calloc((size_t)x->n, sizeof(node));
            for (long i = 0; i < x->n; i++)
                p = parse(p, &x->el[i]);
        }
        return p;
    }
    x->s = p + 1;
    x->n = eol - (p + 1);
    return eol + 2;
}

static void node_free(node *x)
{
    if (x->type == '*')
        for (long i = 0; i < x->n; i++)
            node_free(&x->el[i]);
    free(x->el);
}

static int map_like(const node *x)
{
    if (x->type != '*' || x->n < 2 || x->n % 2)
        return 0;
    for (long i = 0; i < x->n; i += 2)
        if (x->el[i].type != '$')
            return 0;
    return 1;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *canon(const node *x);

/* Joins the canonical forms of parts, sorted, inside open/close. */
static char *join_sorted(char **parts, long n, const char *open, const char *close)
{
    qsort(parts, (size_t)n, sizeof *parts, str_cmp);
    sbuf b = {0};
    sb_add(&b, open, strlen(open));
    for (long i = 0; i < n; i++) {
        sb_add(&b, parts[i], strlen(parts[i]));
        sb_add(&b, ";", 1);
        free(parts[i]);
    }
    sb_add(&b, close, strlen(close));
    free(parts);
    return b.p;
}

/* A canonical text of a reply: maps (flat arrays with text keys) sorted by
 * key without "summary" and one-sided subcommands; arrays of COMMAND INFO
 * entries (arrays starting with a "container|sub" name) sorted; other
 * arrays in order. Types are kept. */
static char *canon(const node *x)
{
    sbuf b = {0};
    char head[64];
    if (x->type != '*') {
        snprintf(head, sizeof head, "%c", x->type);
        sb_add(&b, head, strlen(head));
        if (x->n >= 0)
            sb_add(&b, x->s, (size_t)x->n);
        return b.p;
    }
    if (map_like(x)) {
        char **parts = calloc((size_t)x->n / 2 + 1, sizeof(char *));
        long k = 0;
        for (long i = 0; i < x->n; i += 2) {
            const node *key = &x->el[i];
            if (key->n < 0 || (key->n == 7 && memcmp(key->s, "summary", 7) == 0) ||
                is_one_sided(key->s, (size_t)key->n))
                continue;
            char *v = canon(&x->el[i + 1]);
            sbuf kv = {0};
            sb_add(&kv, key->s, (size_t)key->n);
            sb_add(&kv, "=", 1);
            sb_add(&kv, v, strlen(v));
            free(v);
            parts[k++] = kv.p;
        }
        return join_sorted(parts, k, "{", "}");
    }
    int infos = x->n > 0;
    for (long i = 0; i < x->n; i++) {
        const node *e = &x->el[i];
        if (e->type != '*' || e->n < 1 || e->el[0].type != '$' ||
            !memchr(e->el[0].s, '|', (size_t)e->el[0].n))
            infos = 0;
    }
    char **parts = calloc((size_t)x->n + 1, sizeof(char *));
    long k = 0;
    for (long i = 0; i < x->n; i++) {
        if (infos && is_one_sided(x->el[i].el[0].s, (size_t)x->el[i].el[0].n))
            continue;
        parts[k++] = canon(&x->el[i]);
    }
    if (infos)
        return join_sorted(parts, k, "<", ">");
    sb_add(&b, "[", 1);
    for (long i = 0; i < k; i++) {
        sb_add(&b, parts[i], strlen(parts[i]));
        sb_add(&b, ",", 1);
        free(parts[i]);
    }
    free(parts);
    sb_add(&b, "]", 1);
    return b.p;
}

static char *ask(int fd, const char *line)
{
    char **argv;
    size_t *lens;
    int argc = hs_split_args(line, &argv, &lens);
    assert_int_equal(hs_raw_send_argv(fd, argc, argv, lens), 0);
    hs_free_args(argc, argv, lens);
    size_t len;
    char *r = hs_raw_read_reply(fd, &len, 5000);
    assert_non_null(r);
    char *s = malloc(len + 1);
    memcpy(s, r, len);
    s[len] = '\0';
    free(r);
    return s;
}

typedef struct servers {
    hserver modis, redis;
    int mfd, rfd;
} servers;

static int setup(void **state)
{
    if (!hs_have_redis())
        return 0;
    servers *s = calloc(1, sizeof *s);
    if (hs_start_modis(&s->modis, NULL, NULL) < 0 || hs_start_redis(&s->redis) < 0)
        return -1;
    s->mfd = hs_raw_connect(s->modis.port);
    s->rfd = hs_raw_connect(s->redis.port);
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    servers *s = *state;
    if (!s)
        return 0;
    close(s->mfd);
    close(s->rfd);
    hs_stop(&s->modis);
    hs_stop(&s->redis);
    free(s);
    return 0;
}

static const char *const admin_commands[] = {
    "ping",    "echo",     "hello",    "auth",   "select", "quit",    "reset",
    "client",  "flushall", "flushdb",  "dbsize", "time",   "info",    "config",
    "slowlog", "monitor",  "shutdown", "module", "debug",  "command", NULL};

static void compare(servers *s, const char *line)
{
    char *m = ask(s->mfd, line), *r = ask(s->rfd, line);
    node mn, rn;
    parse(m, &mn);
    parse(r, &rn);
    char *mc = canon(&mn), *rc = canon(&rn);
    if (strcmp(mc, rc) != 0)
        fail_msg("%s differs:\n  redis: %s\n  modis: %s", line, rc, mc);
    free(mc);
    free(rc);
    node_free(&mn);
    node_free(&rn);
    free(m);
    free(r);
}

static void command_docs_match_redis_but_for_summaries(void **state)
{
    servers *s = *state;
    if (!s)
        skip();
    char line[128];
    for (int i = 0; admin_commands[i]; i++) {
        snprintf(line, sizeof line, "COMMAND DOCS %s", admin_commands[i]);
        compare(s, line);
    }
}

static void container_command_info_matches_redis_in_any_order(void **state)
{
    servers *s = *state;
    if (!s)
        skip();
    static const char *const containers[] = {"client", "config", "slowlog", "module", "command"};
    char line[128];
    for (size_t i = 0; i < sizeof containers / sizeof containers[0]; i++) {
        snprintf(line, sizeof line, "COMMAND INFO %s", containers[i]);
        compare(s, line);
    }
}

static void every_admin_command_has_a_summary_of_its_own(void **state)
{
    servers *s = *state;
    if (!s)
        skip();
    char line[128];
    for (int i = 0; admin_commands[i]; i++) {
        snprintf(line, sizeof line, "COMMAND DOCS %s", admin_commands[i]);
        char *m = ask(s->mfd, line), *r = ask(s->rfd, line);
        const char *ms = strstr(m, "$7\r\nsummary\r\n"), *rs = strstr(r, "$7\r\nsummary\r\n");
        assert_non_null(ms);
        assert_non_null(rs);
        ms = strstr(ms + 13, "\r\n") + 2;
        rs = strstr(rs + 13, "\r\n") + 2;
        size_t ml = strcspn(ms, "\r"), rl = strcspn(rs, "\r");
        if (ml == rl && memcmp(ms, rs, ml) == 0)
            fail_msg("%s: the summary is Redis's text", admin_commands[i]);
        free(m);
        free(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(command_docs_match_redis_but_for_summaries),
        cmocka_unit_test(container_command_info_matches_redis_in_any_order),
        cmocka_unit_test(every_admin_command_has_a_summary_of_its_own),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
