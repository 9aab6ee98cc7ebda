/* dispatch.c: the command table: registration and metadata checks, lookup, checks, calls. */
#include "dispatch.h"

#include "alloc.h"
#include "block.h"
#include "clock.h"
#include "evict.h"
#include "log.h"
#include "multi.h"
#include "reply.h"
#include "slowlog.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    uint32_t bit;
} flag_table[] = {
    {"write", CMD_WRITE},
    {"readonly", CMD_READONLY},
    {"denyoom", CMD_DENYOOM},
    {"module", CMD_MODULE},
    {"admin", CMD_ADMIN},
    {"pubsub", CMD_PUBSUB},
    {"noscript", CMD_NOSCRIPT},
    {"blocking", CMD_BLOCKING},
    {"loading", CMD_LOADING},
    {"stale", CMD_STALE},
    {"skip_monitor", CMD_SKIP_MONITOR},
    {"skip_slowlog", CMD_SKIP_SLOWLOG},
    {"fast", CMD_FAST},
    {"no_auth", CMD_NO_AUTH},
    {"may_replicate", CMD_MAY_REPLICATE},
    {"no_mandatory_keys", CMD_NO_MANDATORY_KEYS},
    {"no_async_loading", CMD_NO_ASYNC_LOADING},
    {"no_multi", CMD_NO_MULTI},
    {"movablekeys", CMD_MOVABLE_KEYS},
    {"allow_busy", CMD_ALLOW_BUSY},
};

static const char *acl_table[] = {
    "keyspace", "read",  "write", "set",       "sortedset",  "list",        "hash",
    "string",   "bitmap", "hyperloglog", "geo", "stream",    "pubsub",      "admin",
    "fast",     "slow",  "blocking", "dangerous", "connection", "transaction", "scripting",
};
#define NACL ((int)(sizeof acl_table / sizeof acl_table[0]))
#define ACL_BIT(name) (1ULL << acl_index(name))

static int acl_index(const char *name)
{
    for (int i = 0; i < NACL; i++)
        if (strcmp(acl_table[i], name) == 0)
            return i;
    return -1;
}

int dispatch_acl_parse(const char *name, uint64_t *bit)
{
    int i = acl_index(name);
    if (i < 0)
        return -1;
    *bit = 1ULL << i;
    return 0;
}

int dispatch_flag_names(uint32_t flags, const char **out, int cap)
{
    int n = 0;
    for (size_t i = 0; i < sizeof flag_table / sizeof flag_table[0]; i++)
        if ((flags & flag_table[i].bit) && n < cap)
            out[n++] = flag_table[i].name;
    return n;
}

int dispatch_acl_names(uint64_t acl, const char **out, int cap)
{
    int n = 0;
    for (int i = 0; i < NACL; i++)
        if ((acl & (1ULL << i)) && n < cap)
            out[n++] = acl_table[i];
    return n;
}

static const char *command_key(const void *e, size_t *len)
{
    const command *c = e;
    *len = strlen(c->name);
    return c->name;
}

void dispatch_init(void)
{
    htab_init_nocase(&server.commands, command_key);
}

static void command_free(command *c)
{
    for (int i = 0; i < c->nsubs; i++)
        command_free(c->subs[i]);
    zfree(c->subs);
    zfree(c->name);
    zfree(c->fullname);
    zfree(c);
}

static void command_free_cb(void *e, void *priv)
{
    (void)priv;
    command_free(e);
}

/* Commands found lately, by a slot of their name's length and first and
 * last letters: a pipeline that mixes a few commands finds them here without
 * hashing the name. Emptied whenever the table changes. */
#define LOOKUP_CACHE 32
static command *lookup_cache[LOOKUP_CACHE];

void dispatch_deinit(void)
{
    htab_deinit(&server.commands, command_free_cb, NULL);
    memset(lookup_cache, 0, sizeof lookup_cache);
}

static inline int eq_lower(const char *lower, const char *s, size_t n);

static void lookup_cache_clear(void)
{
    memset(lookup_cache, 0, sizeof lookup_cache);
}

static inline unsigned lookup_slot(const char *name, size_t len)
{
    /* | 0x20 folds ASCII letters to lower case, as the names compare. */
    unsigned a = (unsigned char)name[0] | 0x20, b = (unsigned char)name[len - 1] | 0x20;
    return ((unsigned)len * 7 + a * 3 + b) & (LOOKUP_CACHE - 1);
}

command *dispatch_lookup(const char *name, size_t len)
{
    if (len == 0)
        return NULL;
    unsigned slot = lookup_slot(name, len);
    command *c = lookup_cache[slot];
    if (c && c->namelen == len && eq_lower(c->name, name, len))
        return c;
    c = htab_find(&server.commands, htab_hash_nocase(name, len), name, len);
    if (c)
        lookup_cache[slot] = c;
    return c;
}

command *dispatch_lookup_hint(command *hint, const char *name, size_t len)
{
    if (hint && !hint->parent && hint->namelen == len && eq_lower(hint->name, name, len))
        return hint;
    return dispatch_lookup(name, len);
}

/* Parses a space-separated word list with a lookup per word. */
static int parse_words(const char *s, int (*fn)(const char *w, void *out), void *out, char *bad,
                       size_t badlen)
{
    if (!s)
        return 0;
    while (*s) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        const char *e = s;
        while (*e && *e != ' ')
            e++;
        char w[64];
        size_t n = (size_t)(e - s);
        if (n >= sizeof w)
            n = sizeof w - 1;
        memcpy(w, s, n);
        w[n] = '\0';
        if (fn(w, out) < 0) {
            snprintf(bad, badlen, "%s", w);
            return -1;
        }
        s = e;
    }
    return 0;
}

static int flag_word(const char *w, void *out)
{
    for (size_t i = 0; i < sizeof flag_table / sizeof flag_table[0]; i++) {
        if (strcmp(flag_table[i].name, w) == 0 && flag_table[i].bit != CMD_MODULE &&
            flag_table[i].bit != CMD_MOVABLE_KEYS) {
            *(uint32_t *)out |= flag_table[i].bit;
            return 0;
        }
    }
    return -1;
}

static int acl_word(const char *w, void *out)
{
    if (*w == '@')
        w++;
    int i = acl_index(w);
    if (i < 0)
        return -1;
    *(uint64_t *)out |= 1ULL << i;
    return 0;
}

static int check_args(const modis_arg *args, int nspecs, const char *cmdname, char *err,
                      size_t errlen)
{
    for (const modis_arg *a = args; a && a->name; a++) {
        if (a->type < MODIS_ARG_STRING || a->type > MODIS_ARG_BLOCK) {
            snprintf(err, errlen, "command '%s': argument '%s' has an invalid type %d", cmdname,
                     a->name, a->type);
            return -1;
        }
        if (a->type == MODIS_ARG_KEY && (a->key_spec_index < 0 || a->key_spec_index >= nspecs)) {
            snprintf(err, errlen, "command '%s': key argument '%s' names key spec %d of %d",
                     cmdname, a->name, a->key_spec_index, nspecs);
            return -1;
        }
        if ((a->type == MODIS_ARG_ONEOF || a->type == MODIS_ARG_BLOCK) &&
            (!a->subargs || !a->subargs[0].name)) {
            snprintf(err, errlen, "command '%s': argument '%s' needs sub-arguments", cmdname,
                     a->name);
            return -1;
        }
        if (a->type == MODIS_ARG_PURE_TOKEN && !a->token) {
            snprintf(err, errlen, "command '%s': pure-token argument '%s' has no token", cmdname,
                     a->name);
            return -1;
        }
        if (a->subargs && check_args(a->subargs, nspecs, cmdname, err, errlen) < 0)
            return -1;
    }
    return 0;
}

/* Derives first/last/step and movablekeys from the key specs, as Redis's
 * populateCommandLegacyRangeSpec does. */
static void legacy_range(command *c)
{
    const modis_key_spec *ks = c->def->key_specs;
    int n = 0;
    while (ks && ks[n].begin_type)
        n++;
    c->first_key = c->last_key = c->key_step = 0;
    if (n == 0)
        return;
    if (n == 1 && ks[0].begin_type == MODIS_KS_BEGIN_INDEX && ks[0].find_type == MODIS_KS_FIND_RANGE) {
        c->first_key = ks[0].bs_index;
        c->last_key = ks[0].fk_lastkey >= 0 ? ks[0].fk_lastkey + ks[0].bs_index : ks[0].fk_lastkey;
        c->key_step = ks[0].fk_keystep;
        if (ks[0].flags & MODIS_KS_INCOMPLETE)
            c->flags |= CMD_MOVABLE_KEYS;
        return;
    }
    int first = 1 << 30;
    int last = 0, prev_last = 0;
    for (int i = 0; i < n; i++) {
        if (ks[i].begin_type != MODIS_KS_BEGIN_INDEX || ks[i].find_type != MODIS_KS_FIND_RANGE) {
            c->flags |= CMD_MOVABLE_KEYS;
            continue;
        }
        if (ks[i].fk_keystep != 1 || (prev_last && prev_last != ks[i].bs_index - 1)) {
            c->flags |= CMD_MOVABLE_KEYS;
            continue;
        }
        if (ks[i].flags & MODIS_KS_INCOMPLETE)
            c->flags |= CMD_MOVABLE_KEYS;
        if (ks[i].bs_index < first)
            first = ks[i].bs_index;
        int abs = ks[i].fk_lastkey;
        if (abs >= 0)
            abs += ks[i].bs_index;
        if ((unsigned)abs > (unsigned)last)
            last = abs;
        prev_last = last;
    }
    if (first == 1 << 30) {
        c->flags |= CMD_MOVABLE_KEYS;
        return;
    }
    c->first_key = first;
    c->last_key = last;
    c->key_step = 1;
}

static command *command_build(module *owner, const modis_command *def, command *parent, char *err,
                              size_t errlen)
{
    char bad[64];
    const char *pname = parent ? parent->name : "";
    if (!def->name || !*def->name || strlen(def->name) > 64 || strchr(def->name, ' ') ||
        strchr(def->name, '|')) {
        snprintf(err, errlen, "command '%s%s%s': invalid name", pname, parent ? "|" : "",
                 def->name ? def->name : "(null)");
        return NULL;
    }
    if (def->arity == 0 || (!def->handler && !def->subcommands)) {
        snprintf(err, errlen, "command '%s': %s", def->name,
                 def->arity == 0 ? "arity 0 is invalid" : "no handler and no subcommands");
        return NULL;
    }
    command *c = zcalloc(sizeof *c);
    c->name = zstrdup(def->name);
    c->namelen = strlen(c->name);
    for (char *p = c->name; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    if (parent) {
        size_t n = strlen(parent->name) + strlen(c->name) + 2;
        c->fullname = zmalloc(n);
        snprintf(c->fullname, n, "%s|%s", parent->name, c->name);
    } else {
        c->fullname = zstrdup(c->name);
    }
    c->def = def;
    c->owner = owner;
    c->handler = def->handler;
    c->arity = def->arity;
    c->parent = parent;
    if (parse_words(def->flags, flag_word, &c->flags, bad, sizeof bad) < 0) {
        snprintf(err, errlen, "command '%s': unknown flag '%s'", c->fullname, bad);
        goto fail;
    }
    if (parse_words(def->acl_categories, acl_word, &c->acl, bad, sizeof bad) < 0) {
        snprintf(err, errlen, "command '%s': unknown ACL category '%s'", c->fullname, bad);
        goto fail;
    }
    /* Implicit categories, as Redis's setImplicitACLCategories. */
    if (c->flags & CMD_WRITE)
        c->acl |= ACL_BIT("write");
    if (c->flags & CMD_READONLY && !(c->acl & ACL_BIT("scripting")))
        c->acl |= ACL_BIT("read");
    if (c->flags & CMD_ADMIN)
        c->acl |= ACL_BIT("admin") | ACL_BIT("dangerous");
    if (c->flags & CMD_PUBSUB)
        c->acl |= ACL_BIT("pubsub");
    if (c->flags & CMD_FAST)
        c->acl |= ACL_BIT("fast");
    if (c->flags & CMD_BLOCKING)
        c->acl |= ACL_BIT("blocking");
    if (!(c->acl & ACL_BIT("fast")))
        c->acl |= ACL_BIT("slow");
    int nspecs = 0;
    for (const modis_key_spec *ks = def->key_specs; ks && ks->begin_type; ks++, nspecs++) {
        if (ks->begin_type > MODIS_KS_BEGIN_KEYWORD || ks->find_type < MODIS_KS_FIND_RANGE ||
            ks->find_type > MODIS_KS_FIND_KEYNUM ||
            (ks->begin_type == MODIS_KS_BEGIN_KEYWORD && !ks->bs_keyword)) {
            snprintf(err, errlen, "command '%s': key spec %d is invalid", c->fullname, nspecs);
            goto fail;
        }
    }
    if (check_args(def->args, nspecs, c->fullname, err, errlen) < 0)
        goto fail;
    legacy_range(c);
    /* Not queued inside MULTI, as in Redis's processCommand; those that run
     * there even when out of memory; EXEC. */
    static const struct {
        const char *name;
        int flags;
    } multi_control[] = {
        {"multi", CMD_MULTI_CONTROL},
        {"exec", CMD_MULTI_CONTROL | CMD_OOM_MULTI_OK | CMD_EXEC},
        {"discard", CMD_MULTI_CONTROL | CMD_OOM_MULTI_OK},
        {"watch", CMD_MULTI_CONTROL},
        {"quit", CMD_MULTI_CONTROL | CMD_OOM_MULTI_OK},
        {"reset", CMD_MULTI_CONTROL | CMD_OOM_MULTI_OK},
    };
    for (size_t i = 0; !parent && i < sizeof multi_control / sizeof multi_control[0]; i++)
        if (strcmp(c->name, multi_control[i].name) == 0)
            c->flags |= multi_control[i].flags;
    for (const modis_command *s = def->subcommands; s && s->name; s++) {
        command *sc = command_build(owner, s, c, err, errlen);
        if (!sc)
            goto fail;
        for (int i = 0; i < c->nsubs; i++) {
            if (strcmp(c->subs[i]->name, sc->name) == 0) {
                snprintf(err, errlen, "command '%s': subcommand '%s' registered twice", c->fullname,
                         sc->name);
                command_free(sc);
                goto fail;
            }
        }
        c->subs = zrealloc(c->subs, sizeof(command *) * (size_t)(c->nsubs + 1));
        c->subs[c->nsubs++] = sc;
    }
    return c;
fail:
    command_free(c);
    return NULL;
}

int dispatch_register(module *owner, const modis_command *def, char *err, size_t errlen)
{
    if (def->name) {
        command *old = dispatch_lookup(def->name, strlen(def->name));
        if (old) {
            snprintf(err, errlen, "command '%s' is already registered by %s%s", old->name,
                     old->owner ? "module " : "the core", old->owner ? old->owner->name : "");
            return -1;
        }
    }
    command *c = command_build(owner, def, NULL, err, errlen);
    if (!c)
        return -1;
    htab_insert(&server.commands, htab_hash_nocase(c->name, strlen(c->name)), c);
    server.ncommands++;
    lookup_cache_clear();
    return 0;
}

typedef struct collect {
    command **list;
    int n, cap;
} collect;

static void collect_visit(void *priv, void *e)
{
    collect *cl = priv;
    if (cl->n == cl->cap) {
        cl->cap = cl->cap ? cl->cap * 2 : 64;
        cl->list = zrealloc(cl->list, sizeof(command *) * (size_t)cl->cap);
    }
    cl->list[cl->n++] = e;
}

static collect collect_all(void)
{
    collect cl = {0};
    unsigned long long cur = 0;
    do {
        cur = htab_scan(&server.commands, cur, collect_visit, &cl);
    } while (cur);
    return cl;
}

static void remove_command(command *c)
{
    htab_delete_entry(&server.commands, htab_hash_nocase(c->name, strlen(c->name)), c);
    server.ncommands--;
    lookup_cache_clear();
}

void dispatch_unregister_module(module *m)
{
    collect cl = collect_all();
    for (int i = 0; i < cl.n; i++) {
        if (cl.list[i]->owner == m) {
            remove_command(cl.list[i]);
            command_free(cl.list[i]);
        }
    }
    zfree(cl.list);
}

int dispatch_rename(const char *name, const char *newname, char *err, size_t errlen)
{
    command *c = dispatch_lookup(name, strlen(name));
    if (!c) {
        snprintf(err, errlen, "no such command '%s'", name);
        return -1;
    }
    if (newname && *newname) {
        if (strlen(newname) > 64 || strpbrk(newname, " |\t\r\n")) {
            snprintf(err, errlen, "cannot rename '%s' to '%s': invalid name", name, newname);
            return -1;
        }
        command *other = dispatch_lookup(newname, strlen(newname));
        if (other && other != c) {
            snprintf(err, errlen, "cannot rename '%s' to '%s': the name is taken", name, newname);
            return -1;
        }
        remove_command(c);
        zfree(c->name);
        c->name = zstrdup(newname);
        c->namelen = strlen(c->name);
        for (char *p = c->name; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        zfree(c->fullname);
        c->fullname = zstrdup(c->name);
        htab_insert(&server.commands, htab_hash_nocase(c->name, strlen(c->name)), c);
        server.ncommands++;
        lookup_cache_clear();
    } else {
        remove_command(c);
        if (c->owner)
            c->owner->ncommands--;
        command_free(c);
    }
    return 0;
}

void dispatch_foreach(void (*fn)(void *priv, command *cmd), void *priv)
{
    collect cl = collect_all();
    for (int i = 0; i < cl.n; i++)
        fn(priv, cl.list[i]);
    zfree(cl.list);
}

static void reset_one(command *c)
{
    c->calls = c->usec = c->rejected_calls = c->failed_calls = 0;
    for (int i = 0; i < c->nsubs; i++)
        reset_one(c->subs[i]);
}

static void reset_visit(void *priv, command *c)
{
    (void)priv;
    reset_one(c);
}

void dispatch_reset_stats(void)
{
    dispatch_foreach(reset_visit, NULL);
}

/* True when the n bytes at s equal lower (a lowercase name) ignoring ASCII
 * case. Inline instead of strncasecmp: no locale, no call, and the names
 * are a handful of bytes. */
static inline int eq_lower(const char *lower, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (unsigned char)(ch + 32);
        if (ch != (unsigned char)lower[i])
            return 0;
    }
    return 1;
}

static command *find_sub(command *c, const char *name, size_t len)
{
    for (int i = 0; i < c->nsubs; i++)
        if (strlen(c->subs[i]->name) == len && eq_lower(c->subs[i]->name, name, len))
            return c->subs[i];
    return NULL;
}

command *dispatch_lookup_argv(const modis_str *argv, int argc)
{
    command *c = dispatch_lookup(argv[0].ptr, argv[0].len);
    if (!c || argc < 2 || c->nsubs == 0)
        return c;
    command *sub = find_sub(c, argv[1].ptr, argv[1].len);
    return sub ? sub : (c->handler ? c : NULL);
}

/* Formats "'a' 'b' " as Redis's unknown command error does (128 bytes at most). */
static size_t args_preview(char *out, size_t cap, const modis_str *argv, int argc)
{
    size_t n = 0;
    out[0] = '\0';
    for (int i = 1; i < argc && n < 128; i++) {
        int room = 128 - (int)n;
        int len = (int)argv[i].len < room ? (int)argv[i].len : room;
        n += (size_t)snprintf(out + n, cap - n, "'%.*s' ", len, argv[i].ptr);
        if (n >= cap)
            n = cap - 1;
    }
    return n;
}

static void reject(client *c, command *cmd, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void reject(client *c, command *cmd, const char *fmt, ...)
{
    char b[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b, sizeof b, fmt, ap);
    va_end(ap);
    if (c->flags & CLIENT_MULTI)
        c->flags |= CLIENT_DIRTY_EXEC;
    if (cmd)
        cmd->rejected_calls++;
    reply_error(c, b);
}

static int queued_denyoom(const client *c)
{
    for (int i = 0; i < c->mcount; i++)
        if (c->mstate[i].cmd->flags & CMD_DENYOOM)
            return 1;
    return 0;
}

/* Over maxmemory with nothing left to evict: commands that may grow memory
 * are refused, and inside MULTI everything but EXEC, DISCARD, QUIT and RESET
 * (Redis's processCommand). EXEC of a transaction holding such a command
 * aborts it. Eviction runs first, before every command. */
static int refuse_oom(client *c, command *cmd)
{
    if (evict_run() != EVICT_FAIL)
        return 0;
    int refuse = (cmd->flags & CMD_DENYOOM) || ((cmd->flags & CMD_EXEC) && queued_denyoom(c));
    if ((c->flags & CLIENT_MULTI) && !(cmd->flags & CMD_OOM_MULTI_OK))
        refuse = 1;
    if (!refuse)
        return 0;
    if (cmd->flags & CMD_EXEC) {
        cmd->rejected_calls++;
        multi_reset(c);
        reply_error(c, "EXECABORT Transaction discarded because of: OOM command not allowed "
                       "when used memory > 'maxmemory'.");
        return 1;
    }
    reject(c, cmd, "OOM command not allowed when used memory > 'maxmemory'.");
    return 1;
}

void dispatch_call(client *c, command *cmd, const modis_str *argv, int argc)
{
    /* One clock read per command: it starts when the previous one ended (or
     * when its input was read). The end is read from the TSC clock, the input
     * time from gettimeofday: they may disagree by a little, so the duration
     * is clamped at 0. */
    long long start = server.clock_us ? server.clock_us : clock_fast_us();
    modis_ctx ctx = {.c = c, .cmd = cmd, .argv = argv, .argc = argc, .now_ms = start / 1000};
    long long errors_before = server.stat_total_error_replies;
    client *prev_client = server.current_client;
    command *prev_cmd = server.current_cmd;
    server.current_client = c;
    server.current_cmd = cmd;
    cmd->handler(&ctx, argv, argc);
    long long end = clock_fast_us();
    long long dur = end > start ? end - start : 0;
    server.clock_us = end;
    /* After the call, as Redis: the db shown is the one the command left. */
    if (server.nmonitors > 0 && !(cmd->flags & (CMD_SKIP_MONITOR | CMD_ADMIN)))
        dispatch_feed_monitors(c, argv, argc, ctx.redacted);
    server.current_client = prev_client;
    server.current_cmd = prev_cmd;
    if (ctx.blocked)
        return; /* counted when it is served */
    cmd->calls++;
    cmd->usec += dur;
    if (server.stat_total_error_replies != errors_before)
        cmd->failed_calls++;
    server.stat_numcommands++;
    if (!(cmd->flags & CMD_SKIP_SLOWLOG))
        slowlog_maybe_add(c, argv, argc, dur, ctx.redacted);
}

int dispatch_reexec(client *c, command *cmd, const modis_str *argv, int argc,
                    const modis_str *ready_key)
{
    long long start = clock_fast_us();
    modis_ctx ctx = {.c = c, .cmd = cmd, .argv = argv, .argc = argc, .reexec = 1,
                     .ready_key = *ready_key, .now_ms = start / 1000};
    long long errors_before = server.stat_total_error_replies;
    server.current_client = c;
    server.current_cmd = cmd;
    cmd->handler(&ctx, argv, argc);
    server.current_client = NULL;
    server.current_cmd = NULL;
    if (ctx.blocked)
        return 1;
    long long end = clock_fast_us();
    long long dur = end > start ? end - start : 0;
    cmd->calls++;
    cmd->usec += dur;
    if (server.stat_total_error_replies != errors_before)
        cmd->failed_calls++;
    server.stat_numcommands++;
    return 0;
}

int dispatch_process(client *c, const modis_str *argv, int argc)
{
    command *cmd = c->lastcmd;
    /* Pipelines repeat commands: try the previous one before hashing. */
    if (!cmd || cmd->parent || cmd->namelen != argv[0].len ||
        !eq_lower(cmd->name, argv[0].ptr, argv[0].len))
        cmd = dispatch_lookup(argv[0].ptr, argv[0].len);
    if (!cmd) {
        char prev[512];
        args_preview(prev, sizeof prev, argv, argc);
        int l = argv[0].len > 128 ? 128 : (int)argv[0].len;
        reject(c, NULL, "ERR unknown command '%.*s', with args beginning with: %s", l, argv[0].ptr,
               prev);
        return 0;
    }
    c->lastcmd = cmd;
    if (cmd->nsubs > 0 && argc >= 2) {
        command *sub = find_sub(cmd, argv[1].ptr, argv[1].len);
        if (!sub) {
            if (!cmd->handler) {
                char up[80];
                size_t n = strlen(cmd->name);
                for (size_t i = 0; i <= n && i < sizeof up; i++)
                    up[i] = (char)toupper((unsigned char)cmd->name[i]);
                up[sizeof up - 1] = '\0';
                int l = argv[1].len > 128 ? 128 : (int)argv[1].len;
                reject(c, NULL, "ERR unknown subcommand '%.*s'. Try %s HELP.", l, argv[1].ptr, up);
                return 0;
            }
        } else {
            cmd = sub;
        }
    }
    c->lastcmd = cmd;
    if ((cmd->arity > 0 && cmd->arity != argc) || (cmd->arity < 0 && argc < -cmd->arity) ||
        (!cmd->handler)) {
        reject(c, cmd, "ERR wrong number of arguments for '%s' command", cmd->fullname);
        return 0;
    }
    if (server.cfg.requirepass && *server.cfg.requirepass && !c->authenticated &&
        !(cmd->flags & CMD_NO_AUTH)) {
        reject(c, cmd, "NOAUTH Authentication required.");
        return 0;
    }
    if ((c->flags & CLIENT_MULTI) && (cmd->flags & CMD_NO_MULTI)) {
        reject(c, cmd, "ERR Command not allowed inside a transaction");
        return 0;
    }
    if (server.cfg.maxmemory > 0 && refuse_oom(c, cmd))
        return 0;
    if (server.pause_end_ms && (!server.pause_write_only ||
                                (cmd->flags & (CMD_WRITE | CMD_MAY_REPLICATE)))) {
        if (ev_mstime() < server.pause_end_ms)
            return 1;
        server.pause_end_ms = 0;
    }
    if ((c->flags & CLIENT_MULTI) && !(cmd->flags & CMD_MULTI_CONTROL)) {
        multi_queue(c, cmd, argv, argc);
        reply_add(c, "+QUEUED\r\n", 9);
        return 0;
    }
    if (c->reply_mode == MODIS_REPLY_SKIP) {
        c->reply_mode = MODIS_REPLY_OFF;
        dispatch_call(c, cmd, argv, argc);
        if (c->reply_mode == MODIS_REPLY_OFF)
            c->reply_mode = MODIS_REPLY_ON;
    } else {
        dispatch_call(c, cmd, argv, argc);
    }
    block_handle_ready();
    return 0;
}

int dispatch_getkeys(command *cmd, const modis_str *argv, int argc, int *pos, int cap)
{
    const modis_key_spec *ks = cmd->def->key_specs;
    int n = 0;
    if (!ks || !ks->begin_type)
        return -1;
    for (; ks->begin_type; ks++) {
        int first = -1;
        if (ks->begin_type == MODIS_KS_BEGIN_INDEX) {
            first = ks->bs_index;
        } else {
            int start = ks->bs_startfrom >= 0 ? ks->bs_startfrom : argc + ks->bs_startfrom;
            int step = ks->bs_startfrom >= 0 ? 1 : -1;
            for (int i = start; i > 0 && i < argc; i += step) {
                if (strlen(ks->bs_keyword) == argv[i].len &&
                    strncasecmp(ks->bs_keyword, argv[i].ptr, argv[i].len) == 0) {
                    first = i + 1;
                    break;
                }
            }
            if (first < 0)
                continue;
        }
        if (first >= argc)
            return -1;
        int last, step;
        if (ks->find_type == MODIS_KS_FIND_RANGE) {
            step = ks->fk_keystep > 0 ? ks->fk_keystep : 1;
            if (ks->fk_lastkey >= 0) {
                last = first + ks->fk_lastkey;
            } else if (ks->fk_limit <= 1) {
                last = argc + ks->fk_lastkey;
            } else {
                last = first + ((argc - first) / ks->fk_limit) + ks->fk_lastkey;
            }
        } else {
            int ni = first + ks->fk_keynumidx;
            if (ni >= argc)
                return -1;
            long long num = 0;
            if (argv[ni].len == 0)
                return -1;
            for (size_t i = 0; i < argv[ni].len; i++) {
                char ch = argv[ni].ptr[i];
                if (ch < '0' || ch > '9')
                    return -1;
                num = num * 10 + (ch - '0');
                if (num > argc)
                    return -1;
            }
            if (num <= 0)
                return -1;
            step = ks->fk_keystep > 0 ? ks->fk_keystep : 1;
            first = first + ks->fk_firstkey;
            last = first + (int)(num - 1) * step;
        }
        if (last >= argc)
            return -1;
        for (int i = first; i <= last; i += step)
            if (n < cap)
                pos[n++] = i;
    }
    return n;
}

void dispatch_feed_monitors(client *c, const modis_str *argv, int argc, uint64_t redacted)
{
    char head[128];
    long long us = ev_ustime();
    int n;
    if (c->flags & CLIENT_UNIX)
        n = snprintf(head, sizeof head, "+%lld.%06lld [%d unix:%s]", us / 1000000, us % 1000000,
                     c->db->id, server.cfg.unixsocket ? server.cfg.unixsocket : "");
    else
        n = snprintf(head, sizeof head, "+%lld.%06lld [%d %s]", us / 1000000, us % 1000000,
                     c->db->id, c->addr);
    size_t cap = (size_t)n + 16, len = (size_t)n;
    for (int i = 0; i < argc; i++)
        cap += argv[i].len * 4 + 4;
    char *line = zmalloc(cap);
    memcpy(line, head, (size_t)n);
    for (int i = 0; i < argc; i++) {
        if (i < 64 && (redacted & (1ULL << i))) {
            memcpy(line + len, " \"(redacted)\"", 13);
            len += 13;
            continue;
        }
        /* As sdscatrepr: quoted, with escapes for non-printable bytes. */
        line[len++] = ' ';
        line[len++] = '"';
        for (size_t j = 0; j < argv[i].len; j++) {
            unsigned char ch = (unsigned char)argv[i].ptr[j];
            switch (ch) {
            case '\\': case '"':
                line[len++] = '\\';
                line[len++] = (char)ch;
                break;
            case '\n': line[len++] = '\\'; line[len++] = 'n'; break;
            case '\r': line[len++] = '\\'; line[len++] = 'r'; break;
            case '\t': line[len++] = '\\'; line[len++] = 't'; break;
            case '\a': line[len++] = '\\'; line[len++] = 'a'; break;
            case '\b': line[len++] = '\\'; line[len++] = 'b'; break;
            default:
                if (ch >= 32 && ch < 127)
                    line[len++] = (char)ch;
                else
                    len += (size_t)snprintf(line + len, cap - len, "\\x%02x", ch);
            }
        }
        line[len++] = '"';
    }
    line[len++] = '\r';
    line[len++] = '\n';
    for (int i = 0; i < server.nmonitors; i++)
        reply_add(server.monitors[i], line, len);
    zfree(line);
}
