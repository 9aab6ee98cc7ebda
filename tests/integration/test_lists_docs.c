/* test_lists_docs.c: COMMAND DOCS of the list commands equals redis-server's but for summaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static const char *const list_commands[] = {
    "blmove", "blmpop", "blpop", "brpop",     "brpoplpush", "lindex", "linsert", "llen",
    "lmove",  "lmpop",  "lpop",  "lpos",      "lpush",      "lpushx", "lrange",  "lrem",
    "lset",   "ltrim",  "rpop",  "rpoplpush", "rpush",      "rpushx"};
#define NCOMMANDS (sizeof list_commands / sizeof list_commands[0])

typedef struct fixture {
    hserver modis, redis;
    int have_redis;
} fixture;

static int group_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (hs_start_modis(&f->modis, NULL, NULL) != 0)
        return -1;
    f->have_redis = hs_have_redis() && hs_start_redis(&f->redis) == 0;
    *state = f;
    return 0;
}

static int group_teardown(void **state)
{
    fixture *f = *state;
    hs_stop(&f->modis);
    if (f->have_redis)
        hs_stop(&f->redis);
    free(f);
    return 0;
}

/* A RESP2 reply as a tree. */
typedef struct node {
    char type;
    char *str;
    long n; /* aggregate length */
    struct node **el;
} node;

static node *parse(const char **p)
{
    node *x = calloc(1, sizeof *x);
    const char *eol = strstr(*p, "\r\n");
    assert_non_null(x);
    assert_non_null(eol);
    x->type = **p;
    if (x->type == '*') {
        x->n = strtol(*p + 1, NULL, 10);
        *p = eol + 2;
        if (x->n > 0) {
            x->el = calloc((size_t)x->n, sizeof *x->el);
            for (long i = 0; i < x->n; i++)
                x->el[i] = parse(p);
        }
    } else if (x->type == '$') {
        long len = strtol(*p + 1, NULL, 10);
        *p = eol + 2;
        if (len >= 0) {
            x->str = strndup(*p, (size_t)len);
            *p += len + 2;
        }
    } else {
        x->str = strndup(*p + 1, (size_t)(eol - *p - 1));
        *p = eol + 2;
    }
    return x;
}

static void node_free(node *x)
{
    for (long i = 0; i < x->n; i++)
        node_free(x->el[i]);
    free(x->el);
    free(x->str);
    free(x);
}

/* Writes x as text, dropping every "summary" pair of the flat maps that
 * COMMAND DOCS sends in RESP2 (name/value arrays whose names are bulk
 * strings); keeps the first summary it meets in *summary. */
static void walk(const node *x, FILE *f, char **summary)
{
    if (x->type != '*') {
        fprintf(f, "%c%s ", x->type, x->str ? x->str : "(nil)");
        return;
    }
    fprintf(f, "[%ld ", x->n);
    for (long i = 0; i < x->n; i++) {
        if (i + 1 < x->n && i % 2 == 0 && x->el[i]->type == '$' && x->el[i]->str &&
            strcmp(x->el[i]->str, "summary") == 0 && x->el[i + 1]->type == '$') {
            if (summary && !*summary)
                *summary = strdup(x->el[i + 1]->str);
            i++;
            continue;
        }
        walk(x->el[i], f, summary);
    }
    fprintf(f, "] ");
}

/* COMMAND DOCS <name> from the server at port, rendered without summaries;
 * NULL when the server does not know COMMAND. */
static char *docs(int port, const char *name, char **summary)
{
    char line[128], *raw, *text = NULL;
    char **argv;
    size_t *lens, len, tlen;
    const char *p;
    int fd = hs_raw_connect(port), argc;
    node *tree;
    FILE *f;

    assert_true(fd >= 0);
    snprintf(line, sizeof line, "COMMAND DOCS %s", name);
    argc = hs_split_args(line, &argv, &lens);
    assert_int_equal(hs_raw_send_argv(fd, argc, argv, lens), 0);
    hs_free_args(argc, argv, lens);
    raw = hs_raw_read_reply(fd, &len, 5000);
    close(fd);
    assert_non_null(raw);
    if (raw[0] == '-') {
        free(raw);
        return NULL;
    }
    raw = realloc(raw, len + 1);
    raw[len] = '\0';
    p = raw;
    tree = parse(&p);
    f = open_memstream(&text, &tlen);
    walk(tree, f, summary);
    fclose(f);
    node_free(tree);
    free(raw);
    return text;
}

static void command_docs_match_redis_except_summaries(void **state)
{
    fixture *f = *state;
    char *probe;

    if (!f->have_redis)
        skip();
    probe = docs(f->modis.port, "lpush", NULL);
    if (!probe) {
        fprintf(stderr, "modis has no COMMAND yet: skipped\n");
        skip();
    }
    free(probe);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        char *ms = NULL, *rs = NULL;
        char *m = docs(f->modis.port, list_commands[i], &ms);
        char *r = docs(f->redis.port, list_commands[i], &rs);
        assert_non_null(m);
        assert_non_null(r);
        if (strcmp(m, r) != 0)
            fail_msg("COMMAND DOCS %s differs:\n  modis: %s\n  redis: %s", list_commands[i], m, r);
        if (!ms || !*ms)
            fail_msg("COMMAND DOCS %s: no summary", list_commands[i]);
        if (rs && strcmp(ms, rs) == 0)
            fail_msg("COMMAND DOCS %s: summary copied word for word", list_commands[i]);
        free(m);
        free(r);
        free(ms);
        free(rs);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(command_docs_match_redis_except_summaries),
    };
    return cmocka_run_group_tests_name("lists_docs", tests, group_setup, group_teardown);
}
