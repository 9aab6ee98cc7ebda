/* test_keys_docs.c: COMMAND DOCS of every keys-module command matches redis-server but for summaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* A parsed RESP2 reply. */
typedef struct node {
    char type; /* '+', '-', ':', '$', '*' */
    char *str; /* simple, error, bulk text; integer digits */
    size_t len;
    long n;    /* array length, -1 for null */
    struct node **el;
} node;

static node *parse(const char **p, const char *end)
{
    node *x = calloc(1, sizeof *x);
    const char *eol = memchr(*p, '\r', (size_t)(end - *p));
    assert_non_null(x);
    assert_non_null(eol);
    x->type = **p;
    if (x->type == '$' || x->type == '*') {
        x->n = strtol(*p + 1, NULL, 10);
        *p = eol + 2;
        if (x->type == '$' && x->n >= 0) {
            x->len = (size_t)x->n;
            x->str = malloc(x->len + 1);
            memcpy(x->str, *p, x->len);
            x->str[x->len] = '\0';
            *p += x->len + 2;
        } else if (x->type == '*' && x->n > 0) {
            x->el = calloc((size_t)x->n, sizeof *x->el);
            for (long i = 0; i < x->n; i++)
                x->el[i] = parse(p, end);
        }
    } else {
        x->len = (size_t)(eol - (*p + 1));
        x->str = malloc(x->len + 1);
        memcpy(x->str, *p + 1, x->len);
        x->str[x->len] = '\0';
        *p = eol + 2;
    }
    return x;
}

static void node_free(node *x)
{
    for (long i = 0; x->type == '*' && i < x->n; i++)
        node_free(x->el[i]);
    free(x->el);
    free(x->str);
    free(x);
}

static int is_text(const node *x)
{
    return x->type == '$' || x->type == '+';
}

/* A RESP2 map is a flat array of key/value pairs with text keys. */
static int map_like(const node *x)
{
    if (x->type != '*' || x->n < 2 || x->n % 2)
        return 0;
    for (long i = 0; i < x->n; i += 2)
        if (!is_text(x->el[i]))
            return 0;
    return 1;
}

static int pair_cmp(const void *a, const void *b)
{
    node *const *x = a, *const *y = b;
    return strcmp(x[0]->str, y[0]->str);
}

/* Drops "summary" entries of every map and sorts map pairs by key, so that
 * documentation order (a dict's order in Redis) and wording do not count. */
static void canonicalize(node *x)
{
    if (x->type != '*')
        return;
    for (long i = 0; i < x->n; i++)
        canonicalize(x->el[i]);
    if (!map_like(x))
        return;
    long w = 0;
    for (long i = 0; i < x->n; i += 2) {
        if (strcmp(x->el[i]->str, "summary") == 0) {
            node_free(x->el[i]);
            node_free(x->el[i + 1]);
            continue;
        }
        x->el[w++] = x->el[i];
        x->el[w++] = x->el[i + 1];
    }
    x->n = w;
    qsort(x->el, (size_t)w / 2, 2 * sizeof *x->el, pair_cmp);
}

/* A growable text buffer. */
typedef struct text {
    char *p;
    size_t len, cap;
} text;

static void text_add(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->p = realloc(t->p, t->cap);
        assert_non_null(t->p);
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

/* Appends a readable rendering of x: [n:a,b,...] for arrays, the type byte
 * and the text for the rest. */
static void render(const node *x, text *t)
{
    char head[32];
    if (x->type != '*') {
        text_add(t, &x->type, 1);
        if (x->str)
            text_add(t, x->str, x->len);
        return;
    }
    text_add(t, head, (size_t)snprintf(head, sizeof head, "[%ld:", x->n));
    for (long i = 0; i < x->n; i++) {
        if (i)
            text_add(t, ",", 1);
        render(x->el[i], t);
    }
    text_add(t, "]", 1);
}

/* COMMAND DOCS <name> over a raw connection, canonicalized and rendered. */
static char *docs(int fd, const char *name, int *is_error, char **summary)
{
    char *argv[] = {"COMMAND", "DOCS", (char *)name};
    size_t lens[] = {7, 4, strlen(name)};
    size_t rlen;
    text out = {NULL, 0, 0};
    char *raw;
    const char *p;
    node *tree;

    assert_int_equal(hs_raw_send_argv(fd, 3, argv, lens), 0);
    raw = hs_raw_read_reply(fd, &rlen, 5000);
    assert_non_null(raw);
    p = raw;
    tree = parse(&p, raw + rlen);
    *is_error = tree->type == '-';
    *summary = NULL;
    /* [name, [ "summary", text, ... ]]: keep the top-level summary. */
    if (tree->type == '*' && tree->n == 2 && map_like(tree->el[1]))
        for (long i = 0; i < tree->el[1]->n; i += 2)
            if (!*summary && strcmp(tree->el[1]->el[i]->str, "summary") == 0)
                *summary = strdup(tree->el[1]->el[i + 1]->str);
    canonicalize(tree);
    render(tree, &out);
    node_free(tree);
    free(raw);
    return out.p;
}

static const char *const keys_commands[] = {
    "del",     "unlink",     "exists",      "type",     "touch",   "expire",   "pexpire",
    "expireat", "pexpireat", "ttl",         "pttl",     "expiretime", "pexpiretime", "persist",
    "keys",    "scan",       "randomkey",   "rename",   "renamenx", "copy",    "move",
    "swapdb",  "object",
};

static void command_docs_match_redis_except_summaries(void **state)
{
    hserver modis, redis;
    int mfd, rfd, err;
    char *msum, *rsum;

    (void)state;
    if (!hs_have_redis()) {
        fprintf(stderr, "redis-server not found: skipping\n");
        skip();
    }
    assert_int_equal(hs_start_modis(&modis, NULL, NULL), 0);
    assert_int_equal(hs_start_redis(&redis), 0);
    mfd = hs_raw_connect(modis.port);
    rfd = hs_raw_connect(redis.port);
    assert_true(mfd >= 0 && rfd >= 0);

    char *probe = docs(mfd, "del", &err, &msum);
    free(probe);
    free(msum);
    if (err) {
        fprintf(stderr, "modis has no COMMAND DOCS yet: skipping\n");
        close(mfd);
        close(rfd);
        hs_stop(&modis);
        hs_stop(&redis);
        skip();
    }

    int bad = 0;
    for (size_t i = 0; i < sizeof keys_commands / sizeof keys_commands[0]; i++) {
        char *m = docs(mfd, keys_commands[i], &err, &msum);
        char *r = docs(rfd, keys_commands[i], &err, &rsum);
        if (strcmp(m, r) != 0) {
            fprintf(stderr, "COMMAND DOCS %s differs:\n  redis: %s\n  modis: %s\n",
                    keys_commands[i], r, m);
            bad++;
        }
        if (!msum || !*msum) {
            fprintf(stderr, "COMMAND DOCS %s: no summary\n", keys_commands[i]);
            bad++;
        } else if (rsum && strcmp(msum, rsum) == 0) {
            fprintf(stderr, "COMMAND DOCS %s: summary copied word for word\n", keys_commands[i]);
            bad++;
        }
        free(m);
        free(r);
        free(msum);
        free(rsum);
    }
    close(mfd);
    close(rfd);
    assert_int_equal(hs_stop(&modis), 0);
    hs_stop(&redis);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(command_docs_match_redis_except_summaries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
