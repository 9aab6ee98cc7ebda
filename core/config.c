/* config.c: the JSON config file (jansson), command-line overrides, CONFIG GET/SET/REWRITE. */
#include "config.h"

#include "alloc.h"
#include "dispatch.h"
#include "evict.h"
#include "log.h"
#include "module.h"
#include "server.h"
#include "slowlog.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

enum ptype { P_BOOL, P_INT, P_LL, P_MEM, P_STR, P_ENUM, P_OCTAL };
#define P_IMMUTABLE 1

typedef struct param {
    const char *name;
    enum ptype type;
    void *ptr;
    int flags;
    long long min, max;
    const char *def;
    const char *const *enums;
} param;

static const char *const loglevels[] = {"debug", "verbose", "notice", "warning", NULL};
/* In the order of the POLICY_* constants (server.h). */
static const char *const policies[] = {"noeviction",     "allkeys-lru",  "volatile-lru",
                                       "allkeys-lfu",    "volatile-lfu", "allkeys-random",
                                       "volatile-random", "volatile-ttl", NULL};
static const char *const debug_modes[] = {"no", "yes", "local", NULL};
static const char *const yesno[] = {"no", "yes", NULL};
static const char *const fsync_modes[] = {"everysec", "always", "no", NULL};

#define S(f) (&server.cfg.f)
static param params[] = {
    {"bind", P_STR, S(bind), P_IMMUTABLE, 0, 0, "127.0.0.1", NULL},
    {"port", P_INT, S(port), P_IMMUTABLE, 0, 65535, "6379", NULL},
    {"unixsocket", P_STR, S(unixsocket), P_IMMUTABLE, 0, 0, "", NULL},
    {"unixsocketperm", P_OCTAL, S(unixsocketperm), P_IMMUTABLE, 0, 0777, "0", NULL},
    {"databases", P_INT, S(databases), P_IMMUTABLE, 1, INT_MAX, "16", NULL},
    {"maxclients", P_INT, S(maxclients), 0, 1, INT_MAX, "10000", NULL},
    {"timeout", P_INT, S(timeout), 0, 0, INT_MAX, "0", NULL},
    {"tcp-backlog", P_INT, S(tcp_backlog), P_IMMUTABLE, 0, INT_MAX, "511", NULL},
    {"tcp-keepalive", P_INT, S(tcp_keepalive), 0, 0, INT_MAX, "300", NULL},
    {"proto-max-bulk-len", P_MEM, S(proto_max_bulk_len), 0, 1024 * 1024, LLONG_MAX, "536870912", NULL},
    {"client-query-buffer-limit", P_MEM, S(client_query_buffer_limit), 0, 1024 * 1024, LLONG_MAX,
     "1073741824", NULL},
    {"requirepass", P_STR, S(requirepass), 0, 0, 0, "", NULL},
    {"loglevel", P_ENUM, S(loglevel), 0, 0, 0, "notice", loglevels},
    {"logfile", P_STR, S(logfile), P_IMMUTABLE, 0, 0, "", NULL},
    {"pidfile", P_STR, S(pidfile), P_IMMUTABLE, 0, 0, "", NULL},
    {"dir", P_STR, S(dir), P_IMMUTABLE, 0, 0, "", NULL},
    {"maxmemory", P_MEM, S(maxmemory), 0, 0, LLONG_MAX, "0", NULL},
    {"maxmemory-policy", P_ENUM, S(maxmemory_policy), 0, 0, 0, "noeviction", policies},
    {"maxmemory-samples", P_INT, S(maxmemory_samples), 0, 1, INT_MAX, "5", NULL},
    {"maxmemory-eviction-tenacity", P_INT, S(maxmemory_eviction_tenacity), 0, 0, 100, "10", NULL},
    {"lfu-log-factor", P_INT, S(lfu_log_factor), 0, 0, INT_MAX, "10", NULL},
    {"lfu-decay-time", P_INT, S(lfu_decay_time), 0, 0, INT_MAX, "1", NULL},
    {"slowlog-log-slower-than", P_LL, S(slowlog_log_slower_than), 0, -1, LLONG_MAX, "10000", NULL},
    {"slowlog-max-len", P_LL, S(slowlog_max_len), 0, 0, LONG_MAX, "128", NULL},
    {"hz", P_INT, S(hz), 0, 1, 500, "10", NULL},
    {"enable-debug-command", P_ENUM, S(enable_debug_command), P_IMMUTABLE, 0, 0, "no", debug_modes},
    {"enable-module-command", P_ENUM, S(enable_module_command), P_IMMUTABLE, 0, 0, "no", debug_modes},
    {"list-max-listpack-size", P_INT, S(list_max_listpack_size), 0, INT_MIN, INT_MAX, "-2", NULL},
    {"save", P_STR, S(save), 0, 0, 0, "", NULL},
    {"appendonly", P_ENUM, NULL, 0, 0, 0, "no", yesno},
    {"appendfsync", P_ENUM, NULL, 0, 0, 0, "everysec", fsync_modes},
    {"module-dir", P_STR, S(module_dir), P_IMMUTABLE, 0, 0, "", NULL},
    {"io-uring", P_ENUM, S(io_uring), P_IMMUTABLE, 0, 0, "yes", yesno},
    {"busy-poll-us", P_INT, S(busy_poll_us), 0, 0, 100000, "20", NULL},
    {"io-coalesce-us", P_INT, S(io_coalesce_us), 0, 0, 1000, "0", NULL},
};
#undef S
#define NPARAMS ((int)(sizeof params / sizeof params[0]))

/* Enum parameters without a settings field keep their index here. */
static int appendonly_index, appendfsync_index;

const char *config_policy_name(void)
{
    return policies[server.cfg.maxmemory_policy];
}

static json_t *doc;
static char *doc_path;

static param *find_param(const char *name)
{
    for (int i = 0; i < NPARAMS; i++)
        if (strcasecmp(params[i].name, name) == 0)
            return &params[i];
    return NULL;
}

static int *enum_slot(param *p)
{
    if (p->ptr)
        return p->ptr;
    return strcmp(p->name, "appendfsync") == 0 ? &appendfsync_index : &appendonly_index;
}

/* Parses "100", "1k", "2mb", "1gb" (case-insensitive) as Redis's memtoull. */
static int parse_memory(const char *s, long long *out)
{
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)*s))
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    unsigned long long mul = 1;
    if (*end) {
        if (!strcasecmp(end, "b"))
            mul = 1;
        else if (!strcasecmp(end, "k"))
            mul = 1000;
        else if (!strcasecmp(end, "kb"))
            mul = 1024;
        else if (!strcasecmp(end, "m"))
            mul = 1000 * 1000;
        else if (!strcasecmp(end, "mb"))
            mul = 1024 * 1024;
        else if (!strcasecmp(end, "g"))
            mul = 1000ULL * 1000 * 1000;
        else if (!strcasecmp(end, "gb"))
            mul = 1024ULL * 1024 * 1024;
        else
            return -1;
    }
    if (v > (unsigned long long)LLONG_MAX / mul)
        return -1;
    *out = (long long)(v * mul);
    return 0;
}

static int parse_ll(const char *s, long long *out)
{
    char *end;
    errno = 0;
    if (!*s)
        return -1;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/* Sets p from text. Returns 0 or -1 with Redis's reason in err. */
static int param_set_text(param *p, const char *v, char *err, size_t errlen)
{
    long long n;
    switch (p->type) {
    case P_BOOL:
    case P_ENUM: {
        const char *const *e = p->type == P_BOOL ? yesno : p->enums;
        for (int i = 0; e[i]; i++) {
            if (strcasecmp(e[i], v) == 0) {
                *enum_slot(p) = i;
                return 0;
            }
        }
        if (p->type == P_BOOL || e == yesno)
            snprintf(err, errlen, "argument must be 'yes' or 'no'");
        else
            snprintf(err, errlen, "argument(s) must be one of the following: %s",
                     p->enums == loglevels ? "debug, verbose, notice, warning"
                     : p->enums == debug_modes ? "no, yes, local"
                     : p->enums == fsync_modes ? "always, everysec, no"
                     : "volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, "
                       "allkeys-lfu, allkeys-random, noeviction");
        return -1;
    }
    case P_INT:
    case P_LL:
    case P_OCTAL:
        if (p->type == P_OCTAL) {
            char *end;
            errno = 0;
            n = strtoll(v, &end, 8);
            if (errno || *end || !*v) {
                snprintf(err, errlen, "argument couldn't be parsed into an integer");
                return -1;
            }
        } else if (parse_ll(v, &n) < 0) {
            snprintf(err, errlen, "argument couldn't be parsed into an integer");
            return -1;
        }
        if (n < p->min || n > p->max) {
            snprintf(err, errlen, "argument must be between %lld and %lld inclusive", p->min,
                     p->max);
            return -1;
        }
        if (p->type == P_LL)
            *(long long *)p->ptr = n;
        else
            *(int *)p->ptr = (int)n;
        return 0;
    case P_MEM:
        if (parse_memory(v, &n) < 0) {
            snprintf(err, errlen, "argument must be a memory value");
            return -1;
        }
        if (n < p->min || n > p->max) {
            snprintf(err, errlen, "argument must be between %lld and %lld inclusive", p->min,
                     p->max);
            return -1;
        }
        *(long long *)p->ptr = n;
        return 0;
    case P_STR: {
        char **s = p->ptr;
        zfree(*s);
        *s = zstrdup(v);
        return 0;
    }
    }
    return -1;
}

static void param_get_text(param *p, char *out, size_t cap)
{
    switch (p->type) {
    case P_BOOL:
        snprintf(out, cap, "%s", yesno[*enum_slot(p) ? 1 : 0]);
        break;
    case P_ENUM:
        snprintf(out, cap, "%s", p->enums[*enum_slot(p)]);
        break;
    case P_INT:
        snprintf(out, cap, "%d", *(int *)p->ptr);
        break;
    case P_OCTAL:
        snprintf(out, cap, "%o", *(int *)p->ptr);
        break;
    case P_LL:
    case P_MEM:
        snprintf(out, cap, "%lld", *(long long *)p->ptr);
        break;
    case P_STR: {
        char *s = *(char **)p->ptr;
        snprintf(out, cap, "%s", s ? s : "");
        break;
    }
    }
}

void config_defaults(void)
{
    char err[256];
    for (int i = 0; i < NPARAMS; i++)
        param_set_text(&params[i], params[i].def, err, sizeof err);
}

/* The line where "key" first appears as an object key (followed by ':'),
 * for error messages; 0 when not found. */
static int key_line(const char *path, const char *key)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char needle[300];
    snprintf(needle, sizeof needle, "\"%s\"", key);
    size_t nl = strlen(needle);
    char line[4096];
    int n = 0, found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        n++;
        for (char *p = strstr(line, needle); p; p = strstr(p + 1, needle)) {
            const char *q = p + nl;
            while (*q == ' ' || *q == '\t')
                q++;
            if (*q == ':') {
                found = n;
                break;
            }
        }
    }
    fclose(f);
    return found;
}

static int json_to_text(json_t *v, char *out, size_t cap)
{
    if (json_is_string(v))
        snprintf(out, cap, "%s", json_string_value(v));
    else if (json_is_integer(v))
        snprintf(out, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v) && json_real_value(v) == (double)(long long)json_real_value(v))
        snprintf(out, cap, "%lld", (long long)json_real_value(v));
    else if (json_is_true(v))
        snprintf(out, cap, "yes");
    else if (json_is_false(v))
        snprintf(out, cap, "no");
    else
        return -1;
    return 0;
}

static const char *const module_keys[] = {"name", "path", "enabled", "config", "disabled-commands",
                                          "rename-commands", NULL};

static int check_module_entry(const char *path, json_t *m, size_t idx, char *err, size_t errlen)
{
    if (!json_is_object(m)) {
        snprintf(err, errlen, "%s: modules[%zu] must be an object", path, idx);
        return -1;
    }
    const char *k;
    json_t *v;
    json_object_foreach(m, k, v)
    {
        int ok = 0;
        for (int i = 0; module_keys[i]; i++)
            ok |= strcmp(module_keys[i], k) == 0;
        if (!ok) {
            snprintf(err, errlen, "%s:%d: modules[%zu]: unknown key '%s' (expected name, path, "
                                  "enabled, config, disabled-commands, rename-commands)",
                     path, key_line(path, k), idx, k);
            return -1;
        }
    }
    json_t *name = json_object_get(m, "name"), *mpath = json_object_get(m, "path");
    if ((!name || !json_is_string(name)) && (!mpath || !json_is_string(mpath))) {
        snprintf(err, errlen, "%s: modules[%zu] needs a \"name\" or a \"path\" string", path, idx);
        return -1;
    }
    json_t *en = json_object_get(m, "enabled");
    if (en && !json_is_boolean(en)) {
        snprintf(err, errlen, "%s: modules[%zu]: \"enabled\" must be true or false", path, idx);
        return -1;
    }
    json_t *cfg = json_object_get(m, "config");
    if (cfg && !json_is_object(cfg)) {
        snprintf(err, errlen, "%s: modules[%zu]: \"config\" must be an object", path, idx);
        return -1;
    }
    json_t *dis = json_object_get(m, "disabled-commands");
    if (dis) {
        size_t i;
        json_t *x;
        if (!json_is_array(dis)) {
            snprintf(err, errlen, "%s: modules[%zu]: \"disabled-commands\" must be an array of strings",
                     path, idx);
            return -1;
        }
        json_array_foreach(dis, i, x) if (!json_is_string(x))
        {
            snprintf(err, errlen, "%s: modules[%zu]: \"disabled-commands\" must be an array of strings",
                     path, idx);
            return -1;
        }
    }
    json_t *ren = json_object_get(m, "rename-commands");
    if (ren) {
        const char *rk;
        json_t *rv;
        if (!json_is_object(ren)) {
            snprintf(err, errlen, "%s: modules[%zu]: \"rename-commands\" must be an object", path, idx);
            return -1;
        }
        json_object_foreach(ren, rk, rv) if (!json_is_string(rv))
        {
            snprintf(err, errlen, "%s: modules[%zu]: rename-commands.%s must be a string", path, idx,
                     rk);
            return -1;
        }
    }
    return 0;
}

int config_load_file(const char *path, char *err, size_t errlen)
{
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        if (je.line < 0)
            snprintf(err, errlen, "%s: %s", path, je.text);
        else
            snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        return -1;
    }
    if (!json_is_object(root)) {
        snprintf(err, errlen, "%s: the config must be a JSON object", path);
        json_decref(root);
        return -1;
    }
    const char *k;
    json_t *v;
    json_object_foreach(root, k, v)
    {
        if (strcmp(k, "modules") == 0) {
            if (!json_is_array(v)) {
                snprintf(err, errlen, "%s:%d: \"modules\" must be an array", path, key_line(path, k));
                goto fail;
            }
            size_t i;
            json_t *m;
            json_array_foreach(v, i, m) if (check_module_entry(path, m, i, err, errlen) < 0) goto fail;
            continue;
        }
        param *p = find_param(k);
        if (!p) {
            snprintf(err, errlen, "%s:%d: unknown setting '%s'", path, key_line(path, k), k);
            goto fail;
        }
        char text[4096], why[256];
        if (json_to_text(v, text, sizeof text) < 0) {
            snprintf(err, errlen, "%s:%d: setting '%s' must be a string, a number or a boolean",
                     path, key_line(path, k), k);
            goto fail;
        }
        if (param_set_text(p, text, why, sizeof why) < 0) {
            snprintf(err, errlen, "%s:%d: setting '%s': %s", path, key_line(path, k), k, why);
            goto fail;
        }
    }
    json_decref(doc);
    doc = root;
    zfree(doc_path);
    doc_path = zstrdup(path);
    return 0;
fail:
    json_decref(root);
    return -1;
}

int config_apply_override(const char *name, const char *value, char *err, size_t errlen)
{
    param *p = find_param(name);
    if (!p) {
        snprintf(err, errlen, "unknown setting '--%s'", name);
        return -1;
    }
    char why[256];
    if (param_set_text(p, value, why, sizeof why) < 0) {
        snprintf(err, errlen, "--%s %s: %s", name, value, why);
        return -1;
    }
    /* Overrides are part of the running config; CONFIG REWRITE keeps them. */
    return 0;
}

static int apply_command_changes(json_t *m, const char *mname, char *err, size_t errlen)
{
    json_t *dis = json_object_get(m, "disabled-commands");
    size_t i;
    json_t *x;
    char why[256];
    json_array_foreach(dis, i, x)
    {
        const char *cname = json_string_value(x);
        command *c = dispatch_lookup(cname, strlen(cname));
        if (!c || !c->owner || strcmp(c->owner->name, mname) != 0) {
            snprintf(err, errlen, "%s: module %s: disabled-commands: module %s has no command '%s'",
                     doc_path, mname, mname, cname);
            return -1;
        }
        dispatch_rename(cname, NULL, why, sizeof why);
    }
    json_t *ren = json_object_get(m, "rename-commands");
    const char *rk;
    json_t *rv;
    json_object_foreach(ren, rk, rv)
    {
        command *c = dispatch_lookup(rk, strlen(rk));
        if (!c || !c->owner || strcmp(c->owner->name, mname) != 0) {
            snprintf(err, errlen, "%s: module %s: rename-commands: module %s has no command '%s'",
                     doc_path, mname, mname, rk);
            return -1;
        }
        if (dispatch_rename(rk, json_string_value(rv), why, sizeof why) < 0) {
            snprintf(err, errlen, "%s: module %s: rename-commands: %s", doc_path, mname, why);
            return -1;
        }
    }
    return 0;
}

int config_load_modules(char *err, size_t errlen)
{
    json_t *mods = doc ? json_object_get(doc, "modules") : NULL;
    size_t i;
    json_t *m;
    json_array_foreach(mods, i, m)
    {
        json_t *en = json_object_get(m, "enabled");
        if (en && json_is_false(en))
            continue;
        const char *name = json_string_value(json_object_get(m, "name"));
        const char *path = json_string_value(json_object_get(m, "path"));
        char buf[PATH_MAX];
        if (!path) {
            snprintf(buf, sizeof buf, "%s/%s.so", module_default_dir(), name);
            path = buf;
        }
        if (module_load(name, path, json_object_get(m, "config"), err, errlen) < 0)
            return -1;
        module *loaded = server.modules; /* the newest */
        if (apply_command_changes(m, loaded->name, err, errlen) < 0)
            return -1;
    }
    return 0;
}

int config_glob_match(const char *pat, size_t plen, const char *str, size_t slen, int nocase)
{
    /* Iterative glob with single-star backtracking: * ? [..] and \ escapes. */
    size_t p = 0, s = 0, star_p = (size_t)-1, star_s = 0;
    while (s < slen) {
        if (p < plen && pat[p] == '*') {
            while (p < plen && pat[p] == '*')
                p++;
            if (p == plen)
                return 1;
            star_p = p;
            star_s = s;
            continue;
        }
        int matched = 0;
        size_t np = p;
        if (p < plen) {
            if (pat[p] == '?') {
                matched = 1;
                np = p + 1;
            } else if (pat[p] == '[') {
                size_t q = p + 1;
                int neg = 0, hit = 0;
                if (q < plen && pat[q] == '^') {
                    neg = 1;
                    q++;
                }
                while (q < plen && pat[q] != ']') {
                    if (pat[q] == '\\' && q + 1 < plen) {
                        q++;
                        if (pat[q] == str[s])
                            hit = 1;
                    } else if (q + 2 < plen && pat[q + 1] == '-' && pat[q + 2] != ']') {
                        int a = (unsigned char)pat[q], b = (unsigned char)pat[q + 2];
                        int ch = (unsigned char)str[s];
                        if (a > b) {
                            int t = a;
                            a = b;
                            b = t;
                        }
                        if (nocase) {
                            a = tolower(a);
                            b = tolower(b);
                            ch = tolower(ch);
                        }
                        if (ch >= a && ch <= b)
                            hit = 1;
                        q += 2;
                    } else {
                        if (nocase ? tolower((unsigned char)pat[q]) == tolower((unsigned char)str[s])
                                   : pat[q] == str[s])
                            hit = 1;
                    }
                    q++;
                }
                if (neg)
                    hit = !hit;
                matched = hit;
                np = q < plen ? q + 1 : q;
            } else {
                size_t q = p;
                if (pat[q] == '\\' && q + 1 < plen)
                    q++;
                matched = nocase ? tolower((unsigned char)pat[q]) == tolower((unsigned char)str[s])
                                 : pat[q] == str[s];
                np = q + 1;
            }
        }
        if (matched) {
            p = np;
            s++;
        } else if (star_p != (size_t)-1) {
            p = star_p;
            s = ++star_s;
        } else {
            return 0;
        }
    }
    while (p < plen && pat[p] == '*')
        p++;
    return p == plen;
}

void config_get_matching(const char *pattern, void (*fn)(void *priv, const char *name, const char *value),
                         void *priv)
{
    char val[4096];
    for (int i = 0; i < NPARAMS; i++) {
        if (!config_glob_match(pattern, strlen(pattern), params[i].name, strlen(params[i].name), 1))
            continue;
        param_get_text(&params[i], val, sizeof val);
        fn(priv, params[i].name, val);
    }
}

typedef struct watch {
    const param *p;
    void (*fn)(void *priv, const char *value);
    void *priv;
    const void *owner;
    struct watch *next;
} watch;

static watch *watches;

static void watch_notify(const param *p, watch *only)
{
    char val[4096];
    for (watch *w = only ? only : watches; w; w = only ? NULL : w->next) {
        if (w->p != p)
            continue;
        param_get_text((param *)p, val, sizeof val);
        w->fn(w->priv, val);
    }
}

int config_watch(const char *name, void (*fn)(void *priv, const char *value), void *priv,
                 const void *owner)
{
    param *p = find_param(name);
    if (!p || !fn)
        return -1;
    watch *w = zcalloc(sizeof *w);
    w->p = p;
    w->fn = fn;
    w->priv = priv;
    w->owner = owner;
    w->next = watches;
    watches = w;
    watch_notify(p, w);
    return 0;
}

void config_unwatch_owner(const void *owner)
{
    for (watch **pp = &watches; *pp;) {
        watch *w = *pp;
        if (w->owner == owner) {
            *pp = w->next;
            zfree(w);
        } else {
            pp = &w->next;
        }
    }
}

int config_set_param(const char *name, const char *value, size_t len, char *err, size_t errlen)
{
    param *p = find_param(name);
    if (!p || (p->flags & P_IMMUTABLE)) {
        snprintf(err, errlen, p ? "can't set immutable config" : "unknown");
        return -1;
    }
    char *v = zstrndup(value, len);
    if (strcmp(p->name, "appendonly") == 0 && strcasecmp(v, "yes") == 0) {
        snprintf(err, errlen, "appendonly is not supported by this server yet");
        zfree(v);
        return -1;
    }
    int rc = param_set_text(p, v, err, errlen);
    zfree(v);
    if (rc < 0)
        return -1;
    if (p->ptr == &server.cfg.loglevel)
        log_set_level(server.cfg.loglevel);
    if (p->ptr == &server.cfg.slowlog_max_len)
        slowlog_trim();
    if (p->ptr == &server.cfg.maxmemory && server.cfg.maxmemory > 0 &&
        (long long)zused_memory() > server.cfg.maxmemory) {
        log_msg(LOG_WARNING,
                "WARNING: the new maxmemory value set via CONFIG SET (%lld) is smaller than the "
                "current memory usage (%zu). This will result in key eviction and/or the "
                "inability to accept new write commands depending on the maxmemory-policy.",
                server.cfg.maxmemory, zused_memory());
        evict_request();
    }
    if (p->ptr == &server.cfg.maxmemory_policy)
        evict_pool_clear();
    watch_notify(p, NULL);
    return 0;
}

int config_rewrite(char *err, size_t errlen)
{
    if (!doc_path) {
        snprintf(err, errlen, "ERR The server is running without a config file");
        return -1;
    }
    json_t *out = json_deep_copy(doc);
    char val[4096];
    for (int i = 0; i < NPARAMS; i++) {
        param *p = &params[i];
        param_get_text(p, val, sizeof val);
        json_t *cur = json_object_get(out, p->name);
        if (!cur && strcmp(val, p->def) == 0)
            continue; /* keep the file minimal: defaults stay implicit */
        json_t *nv;
        if (p->type == P_INT || p->type == P_LL || p->type == P_MEM)
            nv = json_integer(strtoll(val, NULL, 10));
        else
            nv = json_string(val);
        json_object_set_new(out, p->name, nv);
    }
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.tmp-%d", doc_path, (int)getpid());
    if (json_dump_file(out, tmp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 ||
        rename(tmp, doc_path) < 0) {
        snprintf(err, errlen, "ERR Rewriting config file: %s", strerror(errno));
        unlink(tmp);
        json_decref(out);
        return -1;
    }
    json_decref(out);
    return 0;
}

void config_free(void)
{
    json_decref(doc);
    doc = NULL;
    zfree(doc_path);
    doc_path = NULL;
}
