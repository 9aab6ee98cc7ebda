/* t_config.c: the CONFIG subcommands: GET, SET, RESETSTAT, REWRITE, HELP. */
#include "admin.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* A snapshot of every parameter and its value, in the core's table order. */
typedef struct param {
    char *name;
    char *value;
} param;

typedef struct params {
    param *v;
    int n, cap;
} params;

static void collect_param(void *priv, const char *name, const char *value)
{
    params *ps = priv;
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 64;
        ps->v = M->realloc(ps->v, sizeof(param) * (size_t)ps->cap);
    }
    modis_str n = {name, strlen(name)}, v = {value, strlen(value)};
    ps->v[ps->n].name = admin_strdup(&n);
    ps->v[ps->n].value = admin_strdup(&v);
    ps->n++;
}

static params params_snapshot(modis_ctx *ctx)
{
    params ps = {NULL, 0, 0};
    M->config_get(ctx, "*", collect_param, &ps);
    return ps;
}

static void params_free(params *ps)
{
    for (int i = 0; i < ps->n; i++) {
        M->free(ps->v[i].name);
        M->free(ps->v[i].value);
    }
    M->free(ps->v);
}

/* The parameter named exactly (case-insensitively) s, or -1. */
static int params_find(const params *ps, const modis_str *s)
{
    for (int i = 0; i < ps->n; i++)
        if (strlen(ps->v[i].name) == s->len && strncasecmp(ps->v[i].name, s->ptr, s->len) == 0)
            return i;
    return -1;
}

static int has_glob(const modis_str *s)
{
    for (size_t i = 0; i < s->len; i++)
        if (s->ptr[i] == '*' || s->ptr[i] == '?' || s->ptr[i] == '[')
            return 1;
    return 0;
}

/* CONFIG GET parameter [parameter ...]: a name without glob characters is
 * looked up exactly and answered with the spelling the client used, as
 * Redis 7.0 does; patterns answer the parameters' own names. */
static const modis_str own_name = {"", 0}; /* marks a pattern match */

static void cmd_config_get(modis_ctx *ctx, const modis_str *argv, int argc)
{
    params ps = params_snapshot(ctx);
    const modis_str **picked = M->calloc(sizeof(modis_str *) * ((size_t)ps.n + 1));
    int *order = M->alloc(sizeof(int) * ((size_t)ps.n + 1)), norder = 0;
    for (int j = 2; j < argc; j++) {
        if (!has_glob(&argv[j])) {
            int i = params_find(&ps, &argv[j]);
            if (i >= 0 && !picked[i]) {
                picked[i] = &argv[j];
                order[norder++] = i;
            }
            continue;
        }
        for (int i = 0; i < ps.n; i++) {
            if (picked[i])
                continue;
            const char *name = ps.v[i].name;
            if (admin_glob_match(argv[j].ptr, argv[j].len, name, strlen(name), 1)) {
                picked[i] = &own_name;
                order[norder++] = i;
            }
        }
    }
    M->reply_map(ctx, norder);
    for (int k = 0; k < norder; k++) {
        const modis_str *typed = picked[order[k]];
        if (typed != &own_name)
            M->reply_bulk(ctx, typed->ptr, typed->len);
        else
            M->reply_cstr(ctx, ps.v[order[k]].name);
        M->reply_cstr(ctx, ps.v[order[k]].value);
    }
    M->free(order);
    M->free(picked);
    params_free(&ps);
}

/* Whether the core refuses to change parameter name at run time: probed by
 * setting it to its current value, which changes nothing when it is
 * mutable. */
static int is_immutable(modis_ctx *ctx, const param *p)
{
    char err[256] = "";
    modis_str v = {p->value, strlen(p->value)};
    if (M->config_set(ctx, p->name, &v, err, sizeof err) == MODIS_OK)
        return 0;
    return strstr(err, "immutable") != NULL;
}

/* Puts back the values of the first n parameters of a failed CONFIG SET. */
static void config_restore(modis_ctx *ctx, const params *ps, const int *idx, int n)
{
    char err[256];
    for (int i = 0; i < n; i++) {
        const param *p = &ps->v[idx[i]];
        modis_str v = {p->value, strlen(p->value)};
        M->config_set(ctx, p->name, &v, err, sizeof err);
    }
}

/* CONFIG SET parameter value [parameter value ...]: all or nothing, with
 * Redis 7.0's checks in its order (unknown, immutable, duplicate, then each
 * value). */
static void cmd_config_set(modis_ctx *ctx, const modis_str *argv, int argc)
{
    if (argc & 1) {
        M->reply_error(ctx, MODIS_ERR_SYNTAX);
        return;
    }
    int npairs = (argc - 2) / 2;
    params ps = params_snapshot(ctx);
    int *idx = M->alloc(sizeof(int) * (size_t)npairs);
    const modis_str *unknown = NULL, *culprit = NULL;
    const char *why = NULL;
    int invalid = 0;
    for (int i = 0; i < npairs; i++) {
        const modis_str *name = &argv[2 + 2 * i];
        if (admin_arg_is(name, "requirepass") && MODIS_API_HAS(M, redact_arg))
            M->redact_arg(ctx, 3 + 2 * i);
        idx[i] = params_find(&ps, name);
        if (idx[i] < 0) {
            if (!invalid)
                unknown = name;
            invalid = 1;
            continue;
        }
        if (invalid)
            continue;
        if (is_immutable(ctx, &ps.v[idx[i]])) {
            why = "can't set immutable config";
            culprit = name;
            invalid = 1;
            continue;
        }
        for (int j = 0; j < i; j++) {
            if (idx[j] == idx[i]) {
                why = "duplicate parameter";
                culprit = name;
                invalid = 1;
                break;
            }
        }
    }
    if (unknown) {
        M->reply_errorf(ctx, "ERR Unknown option or number of arguments for CONFIG SET - '%.*s'",
                        (int)unknown->len, unknown->ptr);
        goto done;
    }
    if (invalid && culprit) {
        M->reply_errorf(ctx, "ERR CONFIG SET failed (possibly related to argument '%.*s') - %s",
                        (int)culprit->len, culprit->ptr, why);
        goto done;
    }
    for (int i = 0; i < npairs; i++) {
        char err[256] = "";
        if (M->config_set(ctx, ps.v[idx[i]].name, &argv[3 + 2 * i], err, sizeof err) != MODIS_OK) {
            config_restore(ctx, &ps, idx, i + 1);
            M->reply_errorf(ctx, "ERR CONFIG SET failed (possibly related to argument '%s') - %s",
                            ps.v[idx[i]].name, err);
            goto done;
        }
    }
    M->reply_ok(ctx);
done:
    M->free(idx);
    params_free(&ps);
}

/* CONFIG RESETSTAT */
static void cmd_config_resetstat(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    M->reset_stats(ctx);
    M->reply_ok(ctx);
}

/* CONFIG REWRITE */
static void cmd_config_rewrite(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    char err[512] = "";
    if (M->config_rewrite(ctx, err, sizeof err) != MODIS_OK) {
        M->log(ctx, MODIS_LOG_WARNING, "CONFIG-REWRITE failed: %s", err);
        M->reply_error(ctx, err[0] ? err : "ERR Rewriting config file failed");
        return;
    }
    M->log(ctx, MODIS_LOG_NOTICE, "CONFIG REWRITE executed with success.");
    M->reply_ok(ctx);
}

static const char *const config_help[] = {
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
    NULL};

/* CONFIG HELP */
static void cmd_config_help(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    admin_reply_help(ctx, &argv[0], config_help);
}

const admin_handler admin_config_handlers[] = {{"config|get", cmd_config_get},
                                               {"config|set", cmd_config_set},
                                               {"config|resetstat", cmd_config_resetstat},
                                               {"config|rewrite", cmd_config_rewrite},
                                               {"config|help", cmd_config_help},
                                               {NULL, NULL}};
