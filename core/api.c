/* api.c: the host API table handed to modules: thin wrappers over the core. */
#include "alloc.h"
#include "block.h"
#include "cmdinfo.h"
#include "config.h"
#include "conn.h"
#include "db.h"
#include "dispatch.h"
#include "info.h"
#include "log.h"
#include "module.h"
#include "multi.h"
#include "reply.h"
#include "slowlog.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void api_log(modis_ctx *ctx, int level, const char *fmt, ...)
{
    char prefix[96];
    const char *name = "?";
    if (server.loading_module)
        name = server.loading_module->name; /* inside on_load / on_unload */
    else if (ctx && ctx->cmd && ctx->cmd->owner)
        name = ctx->cmd->owner->name;
    else if (server.current_cmd && server.current_cmd->owner)
        name = server.current_cmd->owner->name;
    snprintf(prefix, sizeof prefix, "module %s: ", name);
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(level, prefix, fmt, ap);
    va_end(ap);
}

static void *api_alloc(size_t n) { return zmalloc(n); }
static void *api_calloc(size_t n) { return zcalloc(n); }
static void *api_realloc(void *p, size_t n) { return zrealloc(p, n); }
static void api_free(void *p) { zfree(p); }
static size_t api_usable(const void *p) { return zusable(p); }

/* -- replies -- */
static void api_reply_simple(modis_ctx *ctx, const char *s) { reply_simple(ctx->c, s); }
static void api_reply_error(modis_ctx *ctx, const char *s)
{
    ctx->had_error = 1;
    reply_error(ctx->c, s);
}
static void api_reply_errorf(modis_ctx *ctx, const char *fmt, ...)
{
    char small[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    ctx->had_error = 1;
    if ((size_t)n < sizeof small) {
        reply_error_len(ctx->c, small, (size_t)n);
        return;
    }
    char *b = zmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(b, (size_t)n + 1, fmt, ap);
    va_end(ap);
    reply_error_len(ctx->c, b, (size_t)n);
    zfree(b);
}
static void api_reply_int(modis_ctx *ctx, long long n) { reply_int(ctx->c, n); }
static void api_reply_bulk(modis_ctx *ctx, const void *p, size_t len) { reply_bulk(ctx->c, p, len); }
static void api_reply_cstr(modis_ctx *ctx, const char *s) { reply_cstr(ctx->c, s); }
static void api_reply_null(modis_ctx *ctx) { reply_null(ctx->c); }
static void api_reply_null_array(modis_ctx *ctx) { reply_null_array(ctx->c); }

static void *aggregate(modis_ctx *ctx, long n, char kind)
{
    client *c = ctx->c;
    if (n == MODIS_POSTPONED_LEN)
        return reply_defer(c, kind);
    switch (kind) {
    case '%':
        reply_map(c, n);
        break;
    case '~':
        reply_set(c, n);
        break;
    case '>':
        reply_push(c, n);
        break;
    default:
        reply_array(c, n);
    }
    return NULL;
}
static void *api_reply_array(modis_ctx *ctx, long n) { return aggregate(ctx, n, '*'); }
static void *api_reply_map(modis_ctx *ctx, long n) { return aggregate(ctx, n, '%'); }
static void *api_reply_set(modis_ctx *ctx, long n) { return aggregate(ctx, n, '~'); }
static void *api_reply_push(modis_ctx *ctx, long n) { return aggregate(ctx, n, '>'); }
static void api_reply_set_len(modis_ctx *ctx, void *h, long n) { reply_set_deferred(ctx->c, h, n); }
static void api_reply_double(modis_ctx *ctx, double d) { reply_double(ctx->c, d); }
static void api_reply_bool(modis_ctx *ctx, int b) { reply_bool(ctx->c, b); }
static void api_reply_verbatim(modis_ctx *ctx, const char *f, const void *p, size_t len)
{
    reply_verbatim(ctx->c, f, p, len);
}
static void api_reply_bignum(modis_ctx *ctx, const char *d, size_t len) { reply_bignum(ctx->c, d, len); }
static void api_reply_raw(modis_ctx *ctx, const void *p, size_t len) { reply_add(ctx->c, p, len); }
static void api_reply_ok(modis_ctx *ctx) { reply_add(ctx->c, "+OK\r\n", 5); }

/* -- the call -- */
static int api_resp(modis_ctx *ctx) { return ctx->c->resp; }
static modis_db *api_db(modis_ctx *ctx) { return ctx->c->db; }
static modis_db *api_db_at(modis_ctx *ctx, int i)
{
    (void)ctx;
    return (i >= 0 && i < server.cfg.databases) ? &server.dbs[i] : NULL;
}
static int api_db_index(const modis_db *d) { return d->id; }
static int api_db_count(modis_ctx *ctx)
{
    (void)ctx;
    return server.cfg.databases;
}
static int api_in_multi(modis_ctx *ctx) { return (ctx->c->flags & CLIENT_MULTI) != 0; }
static long long api_now_ms(modis_ctx *ctx) { return ctx->now_ms; }

/* -- keyspace -- */
static int api_lookup(modis_ctx *ctx, modis_db *d, const modis_str *key, const modis_type *type,
                      int mode, void **area, size_t *size)
{
    entry *e = db_lookup(d, key->ptr, key->len, ctx->now_ms);
    int count = (mode & ~MODIS_LOOKUP_TOUCH) == MODIS_LOOKUP_READ;
    if (!e) {
        if (count)
            server.stat_keyspace_misses++;
        return MODIS_KEY_MISSING;
    }
    if (!(mode & MODIS_LOOKUP_NOTOUCH) &&
        (!ctx->c || !(ctx->c->flags & CLIENT_NO_TOUCH) || (mode & MODIS_LOOKUP_TOUCH))) {
        db_touch(e);
        ctx->touched = e;
    }
    if (type && entry_type(e) != type)
        return MODIS_KEY_WRONGTYPE;
    if (count)
        server.stat_keyspace_hits++;
    if (area || size) {
        entry_view v;
        entry_parse(e, &v);
        if (area)
            *area = v.area;
        if (size)
            *size = v.size;
    }
    return MODIS_KEY_FOUND;
}

static const modis_type *api_key_type(modis_ctx *ctx, modis_db *d, const modis_str *key)
{
    entry *e = db_lookup(d, key->ptr, key->len, ctx->now_ms);
    return e ? entry_type(e) : NULL;
}

/* OBJECT's probes: no access is recorded (Redis's LOOKUP_NOTOUCH). */
static long long api_key_idle_ms(modis_ctx *ctx, modis_db *d, const modis_str *key)
{
    entry *e = db_lookup(d, key->ptr, key->len, ctx->now_ms);
    return e ? (long long)db_idle_ms(e) : MODIS_KEY_NOT_FOUND;
}

static long long api_key_freq(modis_ctx *ctx, modis_db *d, const modis_str *key)
{
    entry *e = db_lookup(d, key->ptr, key->len, ctx->now_ms);
    return e ? (long long)db_lfu_freq(e) : MODIS_KEY_NOT_FOUND;
}

static long long api_key_refcount(modis_ctx *ctx, modis_db *d, const modis_str *key)
{
    entry *e = db_lookup(d, key->ptr, key->len, ctx->now_ms);
    if (!e)
        return MODIS_KEY_NOT_FOUND;
    modis_type *t = entry_type(e);
    if (!t || !t->m.refcount)
        return 1;
    entry_view v;
    entry_parse(e, &v);
    return t->m.refcount(ctx, v.area, v.size);
}

static void *api_set_value(modis_ctx *ctx, modis_db *d, const modis_str *key,
                           const modis_type *type, size_t size, int flags)
{
    /* A TTL that already passed is not kept: the old key is gone. */
    if (flags & MODIS_SET_KEEPTTL)
        db_lookup(d, key->ptr, key->len, ctx->now_ms);
    int dbflags = (flags & MODIS_SET_KEEPTTL) ? DB_SET_KEEPTTL : 0;
    if (!ctx->c || !(ctx->c->flags & CLIENT_NO_TOUCH))
        dbflags |= DB_SET_TOUCH;
    return db_set(d, key->ptr, key->len, (modis_type *)type, size, dbflags, ctx->touched);
}

static void *api_resize_value(modis_ctx *ctx, modis_db *d, const modis_str *key, size_t size)
{
    (void)ctx;
    return db_resize(d, key->ptr, key->len, size);
}

static int api_delete(modis_ctx *ctx, modis_db *d, const modis_str *key)
{
    if (!db_lookup(d, key->ptr, key->len, ctx->now_ms))
        return 0;
    return db_delete(d, key->ptr, key->len);
}

static long long api_get_expire(modis_ctx *ctx, modis_db *d, const modis_str *key)
{
    entry *e = db_lookup(d, key->ptr, key->len, ctx->now_ms);
    if (!e)
        return MODIS_KEY_NOT_FOUND;
    return entry_expire(e);
}

static int api_set_expire(modis_ctx *ctx, modis_db *d, const modis_str *key, long long when)
{
    if (!db_lookup(d, key->ptr, key->len, ctx->now_ms))
        return MODIS_ERR;
    return db_set_expire(d, key->ptr, key->len, when) == 0 ? MODIS_OK : MODIS_ERR;
}

static void api_signal_modified(modis_ctx *ctx, modis_db *d, const modis_str *key)
{
    (void)ctx;
    multi_touch_key(d, key->ptr, key->len);
}

static void api_signal_ready(modis_ctx *ctx, modis_db *d, const modis_str *key)
{
    (void)ctx;
    block_signal_key(d, key->ptr, key->len);
}

static long long api_db_size(modis_db *d) { return (long long)htab_size(&d->keys); }
static long long api_db_expires(modis_db *d) { return d->expires; }

typedef struct scan_priv {
    modis_scan_fn fn;
    void *priv;
    long long now;
} scan_priv;

static void scan_visit(void *priv, void *ev)
{
    scan_priv *s = priv;
    entry *e = ev;
    entry_view v;
    entry_parse(e, &v);
    if (v.expire != MODIS_NO_EXPIRE && v.expire < s->now)
        return;
    modis_keyinfo info = {{v.key, v.klen}, entry_type(e), v.expire};
    s->fn(s->priv, &info);
}

static unsigned long long api_scan(modis_ctx *ctx, modis_db *d, unsigned long long cursor,
                                   modis_scan_fn fn, void *priv)
{
    scan_priv s = {fn, priv, ctx->now_ms};
    return htab_scan(&d->keys, cursor, scan_visit, &s);
}

static int api_random_key(modis_ctx *ctx, modis_db *d, modis_keyinfo *info)
{
    /* As Redis's dbRandomKey: an expired key drawn is reclaimed and we draw again. */
    while (htab_size(&d->keys) > 0) {
        entry *e = htab_random(&d->keys, ((uint64_t)random() << 31) ^ (uint64_t)random());
        if (!e)
            return -1;
        entry_view v;
        entry_parse(e, &v);
        if (v.expire != MODIS_NO_EXPIRE && v.expire < ctx->now_ms) {
            db_lookup(d, v.key, v.klen, ctx->now_ms);
            continue;
        }
        info->key.ptr = v.key;
        info->key.len = v.klen;
        info->type = entry_type(e);
        info->expire_ms = v.expire;
        return 0;
    }
    return -1;
}

static long long api_flush(modis_ctx *ctx, modis_db *d)
{
    (void)ctx;
    if (d)
        return db_flush(d);
    long long n = 0;
    for (int i = 0; i < server.cfg.databases; i++)
        n += db_flush(&server.dbs[i]);
    return n;
}

static int api_rename(modis_ctx *ctx, modis_db *d, const modis_str *src, modis_db *dd,
                      const modis_str *dst)
{
    if (!db_lookup(d, src->ptr, src->len, ctx->now_ms))
        return MODIS_ERR;
    return db_rename(d, src->ptr, src->len, dd, dst->ptr, dst->len) == 0 ? MODIS_OK : MODIS_ERR;
}

static int api_copy(modis_ctx *ctx, modis_db *d, const modis_str *src, modis_db *dd,
                    const modis_str *dst)
{
    if (!db_lookup(d, src->ptr, src->len, ctx->now_ms))
        return MODIS_ERR;
    db_lookup(dd, dst->ptr, dst->len, ctx->now_ms);
    return db_copy(d, src->ptr, src->len, dd, dst->ptr, dst->len) == 0 ? MODIS_OK : MODIS_ERR;
}

static int api_swap_db(modis_ctx *ctx, int a, int b)
{
    (void)ctx;
    if (a < 0 || b < 0 || a >= server.cfg.databases || b >= server.cfg.databases)
        return MODIS_ERR;
    db_swap(a, b);
    return MODIS_OK;
}

static const char *api_type_name(const modis_type *t) { return t ? t->name : NULL; }

static const char *api_encoding_name(modis_ctx *ctx, modis_db *d, const modis_str *key)
{
    entry *e = db_lookup(d, key->ptr, key->len, ctx->now_ms);
    if (!e)
        return NULL;
    modis_type *t = entry_type(e);
    if (!t->m.encoding_name)
        return "raw";
    entry_view v;
    entry_parse(e, &v);
    return t->m.encoding_name(v.area, v.size);
}

/* -- blocking -- */
static void api_block_on_keys(modis_ctx *ctx, const modis_str *keys, int nkeys,
                              const modis_type *type, long long timeout_ms, modis_timeout_fn fn)
{
    block_client(ctx, keys, nkeys, type, timeout_ms, fn);
}

static int api_is_reexec(modis_ctx *ctx) { return ctx->reexec; }
static const modis_str *api_ready_key(modis_ctx *ctx) { return ctx->reexec ? &ctx->ready_key : NULL; }
static void api_redact_arg(modis_ctx *ctx, int i)
{
    if (i >= 0 && i < 64)
        ctx->redacted |= 1ULL << i;
}
static int api_reply_mode(modis_ctx *ctx) { return ctx->c->reply_mode; }

static int api_parse_ll(const modis_str *s, long long *out)
{
    return resp_string2ll(s->ptr, s->len, out) ? MODIS_OK : MODIS_ERR;
}

static int api_parse_double(const modis_str *s, double *out)
{
    char buf[5 * 1024 + 1];
    if (s->len == 0 || s->len >= sizeof buf)
        return MODIS_ERR;
    memcpy(buf, s->ptr, s->len);
    buf[s->len] = '\0';
    if (isspace((unsigned char)buf[0]))
        return MODIS_ERR;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end != '\0' || isnan(v) ||
        (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || v == 0)))
        return MODIS_ERR;
    *out = v;
    return MODIS_OK;
}

static int api_parse_timeout(modis_ctx *ctx, const modis_str *arg, long long *abs_ms)
{
    /* As Redis's getTimeoutFromObjectOrReply with UNIT_SECONDS: a long double. */
    char buf[5 * 1024 + 1];
    if (arg->len == 0 || arg->len > 5 * 1024)
        goto invalid;
    memcpy(buf, arg->ptr, arg->len);
    buf[arg->len] = '\0';
    if (buf[0] == ' ' || buf[0] == '\t' || buf[0] == '\n' || buf[0] == '\r' || buf[0] == '\v' ||
        buf[0] == '\f')
        goto invalid;
    char *end;
    errno = 0;
    long double v = strtold(buf, &end);
    if (*end != '\0' || isnan(v) ||
        (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || v == 0)))
        goto invalid;
    long double ms = ceill(v * 1000.0L);
    /* Redis 7.0 converts without a range check; on x86 an out-of-range value
     * becomes LLONG_MIN, which it then reports as negative. */
    long long tms = (ms >= 9223372036854775808.0L || ms < -9223372036854775808.0L) ? LLONG_MIN
                                                                                  : (long long)ms;
    if (tms < 0) {
        reply_error(ctx->c, MODIS_ERR_TIMEOUT_NEGATIVE);
        return MODIS_ERR;
    }
    if (tms > 0 && tms > LLONG_MAX - ctx->now_ms) {
        reply_error(ctx->c, "ERR timeout is out of range");
        return MODIS_ERR;
    }
    *abs_ms = tms > 0 ? ctx->now_ms + tms : 0;
    return MODIS_OK;
invalid:
    reply_error(ctx->c, MODIS_ERR_TIMEOUT_INVALID);
    return MODIS_ERR;
}

/* -- propagation (counted; persistence will write these) -- */
static void api_propagate(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)ctx;
    (void)argv;
    (void)argc;
    server.stat_propagated++;
}
static void api_propagate_verbatim(modis_ctx *ctx)
{
    (void)ctx;
    server.stat_propagated++;
}

/* -- introspection -- */
static size_t api_info_section(modis_ctx *ctx, const char *section, char *buf, size_t cap)
{
    (void)ctx;
    return info_section(section, buf, cap);
}
static long long api_client_id(modis_ctx *ctx) { return ctx->c->id; }
static int api_client_set_name(modis_ctx *ctx, const modis_str *name)
{
    for (size_t i = 0; i < name->len; i++)
        if (name->ptr[i] < '!' || name->ptr[i] > '~')
            return MODIS_ERR;
    zfree(ctx->c->name);
    ctx->c->name = name->len ? zstrndup(name->ptr, name->len) : NULL;
    return MODIS_OK;
}
static const char *api_client_name(modis_ctx *ctx) { return ctx->c->name; }
static int api_set_resp(modis_ctx *ctx, int v)
{
    if (v != 2 && v != 3)
        return MODIS_ERR;
    ctx->c->resp = v;
    return MODIS_OK;
}
static int api_select_db(modis_ctx *ctx, int i)
{
    if (i < 0 || i >= server.cfg.databases)
        return MODIS_ERR;
    ctx->c->db = &server.dbs[i];
    return MODIS_OK;
}
static int api_auth_required(modis_ctx *ctx)
{
    return server.cfg.requirepass && *server.cfg.requirepass && !ctx->c->authenticated;
}
static int api_authenticate(modis_ctx *ctx, const modis_str *user, const modis_str *pass)
{
    if (user && !(user->len == 7 && memcmp(user->ptr, "default", 7) == 0))
        return MODIS_ERR;
    const char *rp = server.cfg.requirepass;
    if (!rp || !*rp) {
        /* With no password set, only "default" with any password works for
         * AUTH user pass; AUTH pass alone is an error the caller reports. */
        ctx->c->authenticated = 1;
        return user ? MODIS_OK : MODIS_ERR;
    }
    if (strlen(rp) == pass->len && memcmp(rp, pass->ptr, pass->len) == 0) {
        ctx->c->authenticated = 1;
        return MODIS_OK;
    }
    return MODIS_ERR;
}
static void api_close_after_reply(modis_ctx *ctx) { ctx->c->flags |= CLIENT_CLOSE_AFTER_REPLY; }
static char *api_client_list(modis_ctx *ctx, long long only_id, size_t *len)
{
    (void)ctx;
    char *buf = NULL;
    size_t l = 0, cap = 0;
    for (client *c = server.clients; c; c = c->next)
        if ((!only_id || c->id == only_id) && !(c->flags & CLIENT_CLOSE_ASAP))
            conn_describe(c, &buf, &l, &cap);
    if (!buf)
        buf = zcalloc(1);
    *len = l;
    return buf;
}
static char *api_client_info(modis_ctx *ctx, size_t *len)
{
    char *buf = NULL;
    size_t l = 0, cap = 0;
    conn_describe(ctx->c, &buf, &l, &cap);
    *len = l;
    return buf;
}
static void api_shutdown(modis_ctx *ctx, int flags)
{
    (void)ctx;
    (void)flags;
    server.shutdown_asap = 1;
}

static void *api_command_lookup(modis_ctx *ctx, const modis_str *name)
{
    (void)ctx;
    const char *bar = memchr(name->ptr, '|', name->len);
    if (!bar)
        return dispatch_lookup(name->ptr, name->len);
    command *c = dispatch_lookup(name->ptr, (size_t)(bar - name->ptr));
    if (!c)
        return NULL;
    size_t sl = name->len - (size_t)(bar - name->ptr) - 1;
    for (int i = 0; i < c->nsubs; i++)
        if (strlen(c->subs[i]->name) == sl && strncasecmp(c->subs[i]->name, bar + 1, sl) == 0)
            return c->subs[i];
    return NULL;
}

static void *api_command_lookup_sub(modis_ctx *ctx, const modis_str *name, const modis_str *sub)
{
    (void)ctx;
    command *c = dispatch_lookup(name->ptr, name->len);
    if (!c)
        return NULL;
    for (int i = 0; i < c->nsubs; i++)
        if (strlen(c->subs[i]->name) == sub->len &&
            strncasecmp(c->subs[i]->name, sub->ptr, sub->len) == 0)
            return c->subs[i];
    return NULL;
}

typedef struct foreach_priv {
    void (*fn)(void *priv, void *cmd);
    void *priv;
} foreach_priv;

static void foreach_visit(void *priv, command *c)
{
    foreach_priv *f = priv;
    f->fn(f->priv, c);
}

static void api_command_foreach(modis_ctx *ctx, void (*fn)(void *priv, void *cmd), void *priv)
{
    (void)ctx;
    foreach_priv f = {fn, priv};
    dispatch_foreach(foreach_visit, &f);
}

static long api_command_count(modis_ctx *ctx)
{
    (void)ctx;
    return server.ncommands;
}
static void api_command_reply_info(modis_ctx *ctx, void *cmd) { cmdinfo_reply_info(ctx->c, cmd); }
static void api_command_reply_docs(modis_ctx *ctx, void *cmd) { cmdinfo_reply_docs(ctx->c, cmd); }
static const char *api_command_fullname(void *cmd) { return ((command *)cmd)->fullname; }
static const modis_command *api_command_def(void *cmd) { return ((command *)cmd)->def; }
static const char *api_command_module(void *cmd)
{
    command *c = cmd;
    return c->owner ? c->owner->name : "";
}
static int api_command_getkeys(modis_ctx *ctx, void *cmd, const modis_str *argv, int argc,
                               int *pos, int cap)
{
    (void)ctx;
    return dispatch_getkeys(cmd, argv, argc, pos, cap);
}

static int api_command_key_flags(void *cmd, const modis_str *argv, int argc, int pos,
                                 int spec_flags)
{
    command *c = cmd;
    if (c->key_flags && (spec_flags & MODIS_KS_VARIABLE_FLAGS) && pos > 0 && pos < argc)
        return c->key_flags(argv, argc, pos, spec_flags);
    return spec_flags;
}

static void api_config_get(modis_ctx *ctx, const char *pattern,
                           void (*fn)(void *priv, const char *name, const char *value), void *priv)
{
    (void)ctx;
    config_get_matching(pattern, fn, priv);
}
static int api_config_set(modis_ctx *ctx, const char *name, const modis_str *value, char *err,
                          size_t errlen)
{
    (void)ctx;
    return config_set_param(name, value->ptr, value->len, err, errlen) == 0 ? MODIS_OK : MODIS_ERR;
}
static int api_config_rewrite(modis_ctx *ctx, char *err, size_t errlen)
{
    (void)ctx;
    return config_rewrite(err, errlen) == 0 ? MODIS_OK : MODIS_ERR;
}
static void api_reset_stats(modis_ctx *ctx)
{
    (void)ctx;
    info_reset_stats();
}
static void api_stat_add(modis_ctx *ctx, const char *name, long long delta)
{
    (void)ctx;
    if (strcmp(name, "keyspace_hits") == 0)
        server.stat_keyspace_hits += delta;
    else if (strcmp(name, "keyspace_misses") == 0)
        server.stat_keyspace_misses += delta;
    else if (strcmp(name, "evicted_keys") == 0)
        server.stat_evictedkeys += delta;
}


/* -- clients -- */
static void api_client_foreach(modis_ctx *ctx, void (*fn)(void *priv, long long id), void *priv)
{
    (void)ctx;
    /* Ids first: fn may kill clients. */
    int n = 0;
    for (client *c = server.clients; c; c = c->next)
        n++;
    long long *ids = zmalloc(sizeof(long long) * (size_t)(n ? n : 1));
    int k = 0;
    for (client *c = server.clients; c; c = c->next)
        if (!(c->flags & CLIENT_CLOSE_ASAP))
            ids[k++] = c->id;
    /* Oldest first, as CLIENT LIST shows them. */
    for (int i = k - 1; i >= 0; i--)
        fn(priv, ids[i]);
    zfree(ids);
}

static char *api_client_describe(modis_ctx *ctx, long long id, size_t *len)
{
    (void)ctx;
    client *c = conn_find_by_id(id);
    if (!c)
        return NULL;
    char *buf = NULL;
    size_t l = 0, cap = 0;
    conn_describe(c, &buf, &l, &cap);
    *len = l;
    return buf;
}

static const char *api_client_addr(modis_ctx *ctx, long long id)
{
    (void)ctx;
    client *c = conn_find_by_id(id);
    return c ? c->addr : NULL;
}

static const char *api_client_laddr(modis_ctx *ctx, long long id)
{
    (void)ctx;
    client *c = conn_find_by_id(id);
    return c ? c->laddr : NULL;
}

static int api_client_kill(modis_ctx *ctx, long long id)
{
    client *c = conn_find_by_id(id);
    if (!c)
        return MODIS_ERR;
    if (c == ctx->c)
        c->flags |= CLIENT_CLOSE_AFTER_REPLY;
    else
        conn_close_asap(c);
    return MODIS_OK;
}

static int api_client_unblock(modis_ctx *ctx, long long id, int as_error)
{
    (void)ctx;
    client *c = conn_find_by_id(id);
    if (!c || !(c->flags & CLIENT_BLOCKED))
        return MODIS_ERR;
    return block_unblock(c, as_error) == 0 ? MODIS_OK : MODIS_ERR;
}

static void api_set_reply_mode(modis_ctx *ctx, int mode)
{
    ctx->c->reply_mode = mode;
}

static void api_client_set_lib(modis_ctx *ctx, const modis_str *name, const modis_str *ver)
{
    client *c = ctx->c;
    if (name) {
        zfree(c->lib_name);
        c->lib_name = zstrndup(name->ptr, name->len);
    }
    if (ver) {
        zfree(c->lib_ver);
        c->lib_ver = zstrndup(ver->ptr, ver->len);
    }
}

static void api_client_set_flag(modis_ctx *ctx, const char *flag, int on)
{
    uint32_t bit = 0;
    if (strcmp(flag, "no-evict") == 0)
        bit = CLIENT_NO_EVICT;
    else if (strcmp(flag, "no-touch") == 0)
        bit = CLIENT_NO_TOUCH;
    if (on)
        ctx->c->flags |= bit;
    else
        ctx->c->flags &= ~bit;
}

static void api_pause(modis_ctx *ctx, long long until_ms, int write_only)
{
    (void)ctx;
    /* A new pause never shortens a longer one of the same or wider kind. */
    if (server.pause_end_ms && server.pause_end_ms > until_ms && !server.pause_write_only)
        return;
    server.pause_end_ms = until_ms;
    server.pause_write_only = write_only;
}

static void api_unpause(modis_ctx *ctx)
{
    (void)ctx;
    server.pause_end_ms = 0;
}

static void api_monitor(modis_ctx *ctx)
{
    client *c = ctx->c;
    if (c->flags & CLIENT_MONITOR)
        return;
    c->flags |= CLIENT_MONITOR;
    server.monitors = zrealloc(server.monitors, sizeof(client *) * (size_t)(server.nmonitors + 1));
    server.monitors[server.nmonitors++] = c;
}

static void api_client_reset(modis_ctx *ctx)
{
    client *c = ctx->c;
    multi_reset(c);
    if (c->flags & CLIENT_MONITOR) {
        for (int i = 0; i < server.nmonitors; i++) {
            if (server.monitors[i] == c) {
                server.monitors[i] = server.monitors[--server.nmonitors];
                break;
            }
        }
    }
    c->flags &= ~(CLIENT_MONITOR | CLIENT_NO_EVICT | CLIENT_NO_TOUCH);
    c->db = &server.dbs[0];
    c->resp = 2;
    zfree(c->name);
    c->name = NULL;
    c->reply_mode = MODIS_REPLY_ON;
    c->authenticated = !(server.cfg.requirepass && *server.cfg.requirepass);
}

/* -- modules at run time -- */
static int api_module_load(modis_ctx *ctx, const char *path, char *err, size_t errlen)
{
    (void)ctx;
    return module_load(NULL, path, NULL, err, errlen) == 0 ? MODIS_OK : MODIS_ERR;
}

static int api_module_unload(modis_ctx *ctx, const char *name, char *err, size_t errlen)
{
    (void)ctx;
    return module_unload(name, err, errlen) == 0 ? MODIS_OK : MODIS_ERR;
}

static void api_module_foreach(modis_ctx *ctx,
                               void (*fn)(void *priv, const char *name, const char *version,
                                          const char *path),
                               void *priv)
{
    (void)ctx;
    for (module *m = server.modules; m; m = m->next)
        fn(priv, m->name, m->version, m->path);
}

static int api_setting_enabled(modis_ctx *ctx, const char *name)
{
    int v;
    if (strcmp(name, "enable-module-command") == 0)
        v = server.cfg.enable_module_command;
    else if (strcmp(name, "enable-debug-command") == 0)
        v = server.cfg.enable_debug_command;
    else
        return 0;
    if (v == 2) {
        client *c = ctx->c;
        return (c->flags & CLIENT_UNIX) || strncmp(c->addr, "127.", 4) == 0 ||
               strncmp(c->addr, "::1:", 4) == 0;
    }
    return v == 1;
}

static void api_slowlog_reply(modis_ctx *ctx, long count) { slowlog_reply(ctx->c, count); }
static long api_slowlog_len(modis_ctx *ctx)
{
    (void)ctx;
    return slowlog_length();
}
static void api_slowlog_reset(modis_ctx *ctx)
{
    (void)ctx;
    slowlog_reset();
}

static const modis_api api_table = {
    .size = sizeof(modis_api),
    .abi_major = MODIS_ABI_MAJOR,
    .abi_minor = MODIS_ABI_MINOR,
    .server_version = MODIS_VERSION,
    .redis_version = MODIS_REDIS_VERSION,
    .register_command = module_api_register_command,
    .register_type = module_api_register_type,
    .config_int = module_api_config_int,
    .config_double = module_api_config_double,
    .config_bool = module_api_config_bool,
    .config_string = module_api_config_string,
    .load_error = module_api_load_error,
    .log = api_log,
    .alloc = api_alloc,
    .calloc = api_calloc,
    .realloc = api_realloc,
    .free = api_free,
    .usable_size = api_usable,
    .reply_simple = api_reply_simple,
    .reply_error = api_reply_error,
    .reply_errorf = api_reply_errorf,
    .reply_int = api_reply_int,
    .reply_bulk = api_reply_bulk,
    .reply_cstr = api_reply_cstr,
    .reply_null = api_reply_null,
    .reply_null_array = api_reply_null_array,
    .reply_array = api_reply_array,
    .reply_map = api_reply_map,
    .reply_set = api_reply_set,
    .reply_push = api_reply_push,
    .reply_set_len = api_reply_set_len,
    .reply_double = api_reply_double,
    .reply_bool = api_reply_bool,
    .reply_verbatim = api_reply_verbatim,
    .reply_bignum = api_reply_bignum,
    .reply_raw = api_reply_raw,
    .reply_ok = api_reply_ok,
    .resp = api_resp,
    .db = api_db,
    .db_at = api_db_at,
    .db_index = api_db_index,
    .db_count = api_db_count,
    .in_multi = api_in_multi,
    .now_ms = api_now_ms,
    .lookup = api_lookup,
    .key_type = api_key_type,
    .set_value = api_set_value,
    .resize_value = api_resize_value,
    .delete = api_delete,
    .get_expire = api_get_expire,
    .set_expire = api_set_expire,
    .signal_modified = api_signal_modified,
    .signal_ready = api_signal_ready,
    .db_size = api_db_size,
    .db_expires = api_db_expires,
    .scan = api_scan,
    .random_key = api_random_key,
    .flush = api_flush,
    .rename = api_rename,
    .copy = api_copy,
    .swap_db = api_swap_db,
    .type_name = api_type_name,
    .encoding_name = api_encoding_name,
    .block_on_keys = api_block_on_keys,
    .is_reexec = api_is_reexec,
    .parse_timeout = api_parse_timeout,
    .propagate = api_propagate,
    .propagate_verbatim = api_propagate_verbatim,
    .info_section = api_info_section,
    .client_id = api_client_id,
    .client_set_name = api_client_set_name,
    .client_name = api_client_name,
    .set_resp = api_set_resp,
    .select_db = api_select_db,
    .auth_required = api_auth_required,
    .authenticate = api_authenticate,
    .close_after_reply = api_close_after_reply,
    .client_list = api_client_list,
    .client_info = api_client_info,
    .shutdown = api_shutdown,
    .command_lookup = api_command_lookup,
    .command_lookup_sub = api_command_lookup_sub,
    .command_foreach = api_command_foreach,
    .command_count = api_command_count,
    .command_reply_info = api_command_reply_info,
    .command_reply_docs = api_command_reply_docs,
    .command_fullname = api_command_fullname,
    .command_def = api_command_def,
    .command_module = api_command_module,
    .command_getkeys = api_command_getkeys,
    .config_get = api_config_get,
    .config_set = api_config_set,
    .config_rewrite = api_config_rewrite,
    .reset_stats = api_reset_stats,
    .stat_add = api_stat_add,
    .client_foreach = api_client_foreach,
    .client_describe = api_client_describe,
    .client_addr = api_client_addr,
    .client_laddr = api_client_laddr,
    .client_kill = api_client_kill,
    .client_unblock = api_client_unblock,
    .set_reply_mode = api_set_reply_mode,
    .client_set_lib = api_client_set_lib,
    .client_set_flag = api_client_set_flag,
    .pause = api_pause,
    .unpause = api_unpause,
    .monitor = api_monitor,
    .client_reset = api_client_reset,
    .module_load = api_module_load,
    .module_unload = api_module_unload,
    .module_foreach = api_module_foreach,
    .setting_enabled = api_setting_enabled,
    .slowlog_reply = api_slowlog_reply,
    .slowlog_len = api_slowlog_len,
    .slowlog_reset = api_slowlog_reset,
    .ready_key = api_ready_key,
    .redact_arg = api_redact_arg,
    .reply_mode = api_reply_mode,
    .parse_ll = api_parse_ll,
    .parse_double = api_parse_double,
    .key_idle_ms = api_key_idle_ms,
    .key_freq = api_key_freq,
    .key_refcount = api_key_refcount,
    .config_watch = module_api_config_watch,
    .set_key_flags = module_api_set_key_flags,
    .command_key_flags = api_command_key_flags,
};

const modis_api *module_api(void)
{
    return &api_table;
}
