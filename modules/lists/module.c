/* module.c: the lists module's entry point, its value type, and helpers shared by its commands. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lists.h"

const modis_api *M;
modis_type *list_type;

/* ---------------------------------------------------------------------------
 * The list value type: the key's area holds a pointer to a qlist.
 * ------------------------------------------------------------------------- */

static void list_free(void *area, size_t size)
{
    (void)size;
    ql_free(modis_load_ptr(area));
}

static void list_copy(void *dst, const void *src, size_t size)
{
    (void)size;
    modis_store_ptr(dst, ql_dup(modis_load_ptr(src)));
}

static size_t list_mem_usage(const void *area, size_t size)
{
    (void)size;
    return ql_mem_usage(modis_load_ptr(area));
}

static const char *list_encoding_name(const void *area, size_t size)
{
    (void)area;
    (void)size;
    return "quicklist"; /* what Redis 7.0 reports for every list */
}

static const modis_type_methods list_methods = {
    .name = "list",
    .free = list_free,
    .copy = list_copy,
    .mem_usage = list_mem_usage,
    .encoding_name = list_encoding_name,
};

/* ---------------------------------------------------------------------------
 * Keys
 * ------------------------------------------------------------------------- */

int list_lookup(modis_ctx *ctx, modis_db *db, const modis_str *key, int mode, qlist **out)
{
    void *area = NULL;
    int r = M->lookup(ctx, db, key, list_type, mode, &area, NULL);
    if (r == MODIS_KEY_FOUND)
        *out = modis_load_ptr(area);
    return r;
}

qlist *list_create_key(modis_ctx *ctx, modis_db *db, const modis_str *key)
{
    qlist *ql = ql_create();
    void *area = M->set_value(ctx, db, key, list_type, sizeof ql, 0);
    modis_store_ptr(area, ql);
    return ql;
}

void list_written(modis_ctx *ctx, modis_db *db, const modis_str *key, const qlist *ql)
{
    if (ql->count == 0)
        M->delete (ctx, db, key);
    M->signal_modified(ctx, db, key);
}

/* ---------------------------------------------------------------------------
 * Arguments
 * ------------------------------------------------------------------------- */

int arg_long(const modis_str *a, long *out)
{
    long long v;
    if (!ql_str_to_ll(a->ptr, a->len, &v) || v < LONG_MIN || v > LONG_MAX)
        return 0;
    *out = (long)v;
    return 1;
}

int arg_long_or_reply(modis_ctx *ctx, const modis_str *a, long *out)
{
    if (arg_long(a, out))
        return MODIS_OK;
    M->reply_error(ctx, MODIS_ERR_NOT_INTEGER);
    return MODIS_ERR;
}

int arg_range_or_reply(modis_ctx *ctx, const modis_str *a, long min, long max, const char *msg,
                       long *out)
{
    if (arg_long(a, out) && *out >= min && *out <= max)
        return MODIS_OK;
    M->reply_errorf(ctx, "ERR %s", msg);
    return MODIS_ERR;
}

int arg_is(const modis_str *a, const char *word)
{
    size_t n = strlen(word);
    if (a->len != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = a->ptr[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return 0;
    }
    return 1;
}

int arg_where_or_reply(modis_ctx *ctx, const modis_str *a, int *where)
{
    if (arg_is(a, "right")) {
        *where = QL_TAIL;
    } else if (arg_is(a, "left")) {
        *where = QL_HEAD;
    } else {
        M->reply_error(ctx, MODIS_ERR_SYNTAX);
        return MODIS_ERR;
    }
    return MODIS_OK;
}

/* ---------------------------------------------------------------------------
 * Replies and shared operations
 * ------------------------------------------------------------------------- */

void reply_list_range(modis_ctx *ctx, qlist *ql, long start, long n, int reverse)
{
    ql_iter it;
    ql_elem e;

    M->reply_array(ctx, n);
    ql_iter_init(ql, &it, start, reverse ? QL_HEAD : QL_TAIL);
    while (n-- > 0 && ql_iter_next(&it, &e))
        M->reply_bulk(ctx, e.ptr, e.len);
}

void pop_range_with_key(modis_ctx *ctx, modis_db *db, const modis_str *key, qlist *ql, int where,
                        long count)
{
    long llen = (long)ql->count;
    long n = count > llen ? llen : count;

    M->reply_array(ctx, 2);
    M->reply_bulk(ctx, key->ptr, key->len);
    reply_list_range(ctx, ql, where == QL_HEAD ? 0 : llen - 1, n, where == QL_TAIL);
    ql_trim(ql, where, (size_t)n);
    list_written(ctx, db, key, ql);
}

int move_element(modis_ctx *ctx, modis_db *db, const modis_str *src, qlist *sql,
                 const modis_str *dst, int wherefrom, int whereto)
{
    qlist *dql = NULL;
    ql_elem e;
    char small[256];
    char *val = small;
    size_t len;
    int r = list_lookup(ctx, db, dst, MODIS_LOOKUP_WRITE, &dql);

    if (r == MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
        return MODIS_ERR;
    }
    /* Copy the element out: pushing it may move the node it lives in. */
    ql_peek(sql, wherefrom, &e);
    len = e.len;
    if (len > sizeof small)
        val = M->alloc(len);
    memcpy(val, e.ptr, len);
    ql_trim(sql, wherefrom, 1);
    if (r == MODIS_KEY_MISSING)
        dql = list_create_key(ctx, db, dst);
    ql_push(dql, whereto, val, len);
    M->reply_bulk(ctx, val, len);
    if (val != small)
        M->free(val);
    M->signal_modified(ctx, db, dst);
    list_written(ctx, db, src, sql);
    return MODIS_OK;
}

void propagate_pop(modis_ctx *ctx, int where, const modis_str *key, long count)
{
    char num[32];
    modis_str argv[3];

    argv[0].ptr = where == QL_HEAD ? "LPOP" : "RPOP";
    argv[0].len = 4;
    argv[1] = *key;
    if (count < 0) {
        M->propagate(ctx, argv, 2);
        return;
    }
    argv[2].ptr = num;
    argv[2].len = (size_t)snprintf(num, sizeof num, "%ld", count);
    M->propagate(ctx, argv, 3);
}

/* ---------------------------------------------------------------------------
 * Entry point
 * ------------------------------------------------------------------------- */

/* The server's list-max-listpack-size, at load and after each CONFIG SET. */
static void fill_changed(void *priv, const char *value)
{
    (void)priv;
    ql_set_fill(atoi(value));
}

static int lists_on_load(const modis_api *api, modis_module_ctx *m)
{
    ql_allocator a = {api->alloc, api->realloc, api->free, api->usable_size};
    long long fill;

    M = api;
    ql_set_allocator(&a);
    ql_set_fill(-2);
    if (api->config_watch(m, "list-max-listpack-size", fill_changed, NULL) != MODIS_OK) {
        api->load_error(m, "the server has no list-max-listpack-size parameter");
        return MODIS_ERR;
    }
    /* The module's own config may still set the size at load (overriding the
     * server parameter until its next CONFIG SET). */
    if (api->config_int(m, "list-max-listpack-size", &fill) == MODIS_OK) {
        if (fill < INT_MIN || fill > INT_MAX) {
            api->load_error(m, "list-max-listpack-size %lld is out of range", fill);
            return MODIS_ERR;
        }
        ql_set_fill((int)fill);
    }
    list_type = api->register_type(m, &list_methods);
    if (!list_type) {
        api->load_error(m, "the value type 'list' is already registered");
        return MODIS_ERR;
    }
    t_list_bind();
    t_block_bind();
    for (const modis_command *c = lists_commands; c->name; c++) {
        if (!c->handler) {
            api->load_error(m, "command '%s' has no handler", c->name);
            return MODIS_ERR;
        }
        if (api->register_command(m, c) != MODIS_OK)
            return MODIS_ERR;
    }
    return MODIS_OK;
}

static const modis_module lists_module = {
    MODIS_MODULE_HEADER,      .name = "lists",   .version = "1.0.0",
    .on_load = lists_on_load, .on_unload = NULL,
};

MODIS_MODULE_DEFINE(lists_module)
