/* t_command.c: COMMAND and its subcommands: COUNT, INFO, DOCS, LIST, GETKEYS, GETKEYSANDFLAGS,
 * HELP. */
#include "admin.h"

#include <string.h>
#include <strings.h>

/* Every top-level command handle, in the core's table order. */
typedef struct cmdlist {
    void **v;
    long n, cap;
} cmdlist;

static void collect_cmd(void *priv, void *cmd)
{
    cmdlist *l = priv;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->v = M->realloc(l->v, sizeof(void *) * (size_t)l->cap);
    }
    l->v[l->n++] = cmd;
}

static cmdlist all_commands(modis_ctx *ctx)
{
    cmdlist l = {NULL, 0, 0};
    M->command_foreach(ctx, collect_cmd, &l);
    return l;
}

static modis_str cstr_view(const char *s)
{
    modis_str v = {s, strlen(s)};
    return v;
}

/* COMMAND: every command's COMMAND INFO entry. Any other argument is an
 * unknown subcommand (the core has already dispatched the known ones). */
static void cmd_command(modis_ctx *ctx, const modis_str *argv, int argc)
{
    if (argc > 1) {
        int l = argv[1].len > 128 ? 128 : (int)argv[1].len;
        M->reply_errorf(ctx, "ERR unknown subcommand '%.*s'. Try COMMAND HELP.", l, argv[1].ptr);
        return;
    }
    cmdlist l = all_commands(ctx);
    M->reply_array(ctx, l.n);
    for (long i = 0; i < l.n; i++)
        M->command_reply_info(ctx, l.v[i]);
    M->free(l.v);
}

/* COMMAND COUNT */
static void cmd_command_count(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    M->reply_int(ctx, M->command_count(ctx));
}

/* COMMAND INFO [command-name [command-name ...]] */
static void cmd_command_info(modis_ctx *ctx, const modis_str *argv, int argc)
{
    if (argc == 2) {
        cmd_command(ctx, argv, 1);
        return;
    }
    M->reply_array(ctx, argc - 2);
    for (int i = 2; i < argc; i++) {
        void *cmd = M->command_lookup(ctx, &argv[i]);
        if (cmd)
            M->command_reply_info(ctx, cmd);
        else
            M->reply_null(ctx);
    }
}

/* COMMAND DOCS [command-name [command-name ...]] */
static void cmd_command_docs(modis_ctx *ctx, const modis_str *argv, int argc)
{
    if (argc == 2) {
        cmdlist l = all_commands(ctx);
        M->reply_map(ctx, l.n);
        for (long i = 0; i < l.n; i++) {
            M->reply_cstr(ctx, M->command_fullname(l.v[i]));
            M->command_reply_docs(ctx, l.v[i]);
        }
        M->free(l.v);
        return;
    }
    void *len = M->reply_map(ctx, MODIS_POSTPONED_LEN);
    long n = 0;
    for (int i = 2; i < argc; i++) {
        void *cmd = M->command_lookup(ctx, &argv[i]);
        if (!cmd)
            continue;
        M->reply_cstr(ctx, M->command_fullname(cmd));
        M->command_reply_docs(ctx, cmd);
        n++;
    }
    M->reply_set_len(ctx, len, n);
}

/* -- COMMAND LIST ------------------------------------------------------------ */

static const char *const acl_names[] = {
    "keyspace", "read",        "write",      "set",         "sortedset", "list",  "hash", "string",
    "bitmap",   "hyperloglog", "geo",        "stream",      "pubsub",    "admin", "fast", "slow",
    "blocking", "dangerous",   "connection", "transaction", "scripting", NULL};

/* Whether the space-separated list has word w (an optional '@' before
 * each listed word is ignored). */
static int has_word(const char *list, const char *w)
{
    size_t wl = strlen(w);
    for (const char *s = list; s && *s;) {
        while (*s == ' ')
            s++;
        if (*s == '@')
            s++;
        const char *e = s;
        while (*e && *e != ' ')
            e++;
        if ((size_t)(e - s) == wl && strncasecmp(s, w, wl) == 0)
            return 1;
        s = e;
    }
    return 0;
}

/* Whether the command is in ACL category cat: its own categories plus the
 * ones Redis's setImplicitACLCategories derives from the flags. */
static int in_category(const modis_command *d, const char *cat)
{
    if (has_word(d->acl_categories, cat))
        return 1;
    int fast = has_word(d->flags, "fast") || has_word(d->acl_categories, "fast");
    if (!strcmp(cat, "write"))
        return has_word(d->flags, "write");
    if (!strcmp(cat, "read"))
        return has_word(d->flags, "readonly") && !has_word(d->acl_categories, "scripting");
    if (!strcmp(cat, "admin") || !strcmp(cat, "dangerous"))
        return has_word(d->flags, "admin");
    if (!strcmp(cat, "pubsub"))
        return has_word(d->flags, "pubsub");
    if (!strcmp(cat, "fast"))
        return fast;
    if (!strcmp(cat, "blocking"))
        return has_word(d->flags, "blocking");
    if (!strcmp(cat, "slow"))
        return !fast;
    return 0;
}

enum { FILTER_NONE, FILTER_MODULE, FILTER_ACLCAT, FILTER_PATTERN };

typedef struct list_filter {
    int type;
    const modis_str *arg;
    const char *cat; /* FILTER_ACLCAT: the category, NULL when unknown */
} list_filter;

static int filter_keeps(const list_filter *f, void *cmd)
{
    const char *full = M->command_fullname(cmd);
    switch (f->type) {
    case FILTER_MODULE: {
        const char *mod = M->command_module(cmd);
        return mod && strlen(mod) == f->arg->len && strncasecmp(mod, f->arg->ptr, f->arg->len) == 0;
    }
    case FILTER_ACLCAT:
        return f->cat && in_category(M->command_def(cmd), f->cat);
    case FILTER_PATTERN:
        return admin_glob_match(f->arg->ptr, f->arg->len, full, strlen(full), 1);
    default:
        return 1;
    }
}

/* Replies the names of cmd and its subcommands that pass the filter;
 * returns how many. */
static long list_one(modis_ctx *ctx, const list_filter *f, void *cmd)
{
    long n = 0;
    if (filter_keeps(f, cmd)) {
        M->reply_cstr(ctx, M->command_fullname(cmd));
        n++;
    }
    const modis_command *d = M->command_def(cmd);
    modis_str parent = cstr_view(M->command_fullname(cmd));
    for (const modis_command *s = d->subcommands; s && s->name; s++) {
        modis_str sub = cstr_view(s->name);
        void *sc = M->command_lookup_sub(ctx, &parent, &sub);
        if (sc && filter_keeps(f, sc)) {
            M->reply_cstr(ctx, M->command_fullname(sc));
            n++;
        }
    }
    return n;
}

/* COMMAND LIST [FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern] */
static void cmd_command_list(modis_ctx *ctx, const modis_str *argv, int argc)
{
    list_filter f = {FILTER_NONE, NULL, NULL};
    for (int i = 2; i < argc; i++) {
        if (!admin_arg_is(&argv[i], "filterby") || argc - 1 - i != 2) {
            M->reply_error(ctx, MODIS_ERR_SYNTAX);
            return;
        }
        const modis_str *type = &argv[i + 1];
        if (admin_arg_is(type, "module"))
            f.type = FILTER_MODULE;
        else if (admin_arg_is(type, "aclcat"))
            f.type = FILTER_ACLCAT;
        else if (admin_arg_is(type, "pattern"))
            f.type = FILTER_PATTERN;
        else {
            M->reply_error(ctx, MODIS_ERR_SYNTAX);
            return;
        }
        f.arg = &argv[i + 2];
        i += 2;
    }
    if (f.type == FILTER_ACLCAT)
        for (int k = 0; acl_names[k]; k++)
            if (admin_arg_is(f.arg, acl_names[k]))
                f.cat = acl_names[k];
    cmdlist l = all_commands(ctx);
    void *len = M->reply_array(ctx, MODIS_POSTPONED_LEN);
    long n = 0;
    for (long i = 0; i < l.n; i++)
        n += list_one(ctx, &f, l.v[i]);
    M->reply_set_len(ctx, len, n);
    M->free(l.v);
}

/* -- COMMAND GETKEYS / GETKEYSANDFLAGS ------------------------------------------ */

typedef struct keyref {
    int pos;
    int flags;
} keyref;

/* The keys of argv by the command's key specs, as Redis 7.0's
 * getKeysUsingKeySpecs (NOT_KEY specs skipped, no partial results).
 * Returns the count (keys written to out, up to cap), or -1 when a spec
 * does not fit the arguments. */
static int keys_by_specs(const modis_key_spec *specs, int arity, const modis_str *argv, int argc,
                         keyref *out, int cap)
{
    int n = 0;
    for (const modis_key_spec *ks = specs; ks && ks->begin_type; ks++) {
        if (ks->flags & MODIS_KS_NOT_KEY)
            continue;
        int first = 0, last, step;
        if (ks->begin_type == MODIS_KS_BEGIN_INDEX) {
            first = ks->bs_index;
        } else {
            int start = ks->bs_startfrom > 0 ? ks->bs_startfrom : argc + ks->bs_startfrom;
            int end = ks->bs_startfrom > 0 ? argc - 1 : 1;
            for (int i = start; i != end; i = start <= end ? i + 1 : i - 1) {
                if (i >= argc || i < 1)
                    break;
                if (admin_arg_is(&argv[i], ks->bs_keyword)) {
                    first = i + 1;
                    break;
                }
            }
            if (!first)
                continue;
        }
        if (ks->find_type == MODIS_KS_FIND_RANGE) {
            step = ks->fk_keystep;
            if (ks->fk_lastkey >= 0)
                last = first + ks->fk_lastkey;
            else if (!ks->fk_limit)
                last = argc + ks->fk_lastkey;
            else
                last = first + ((argc - first) / ks->fk_limit + ks->fk_lastkey);
        } else {
            step = ks->fk_keystep;
            long long numkeys;
            if (ks->fk_keynumidx >= argc || first + ks->fk_keynumidx >= argc)
                return -1;
            if (admin_parse_ll(&argv[first + ks->fk_keynumidx], &numkeys) < 0 || numkeys < 0 ||
                numkeys > argc)
                return -1;
            first += ks->fk_firstkey;
            last = first + (int)numkeys - 1;
        }
        if (last >= argc || last < first || first >= argc)
            return -1;
        if (step < 1)
            step = 1;
        for (int i = first; i <= last; i += step) {
            if (i >= argc) {
                if (arity < 0)
                    continue;
                return -1;
            }
            if (n < cap) {
                out[n].pos = i;
                out[n].flags = ks->flags;
            }
            n++;
        }
        if (ks->flags & MODIS_KS_INCOMPLETE)
            return -1;
    }
    return n;
}

static void reply_key_flags(modis_ctx *ctx, int flags)
{
    static const char *const names[] = {
        "RO",     "RW",     "OW",      "RM",         "access",        "update",
        "insert", "delete", "not_key", "incomplete", "variable_flags"};
    long n = 0;
    for (int i = 0; i < 11; i++)
        n += (flags >> i) & 1;
    M->reply_set(ctx, n);
    for (int i = 0; i < 11; i++)
        if (flags & (1 << i))
            M->reply_simple(ctx, names[i]);
}

/* Shared by GETKEYS and GETKEYSANDFLAGS (Redis's getKeysSubcommandImpl). */
static void getkeys_generic(modis_ctx *ctx, const modis_str *argv, int argc, int with_flags)
{
    const modis_str *cargv = argv + 2;
    int cargc = argc - 2;
    void *cmd = NULL;
    if (!memchr(cargv[0].ptr, '|', cargv[0].len))
        cmd = M->command_lookup(ctx, &cargv[0]);
    if (cmd && cargc >= 2 && M->command_def(cmd)->subcommands)
        cmd = M->command_lookup_sub(ctx, &cargv[0], &cargv[1]);
    if (!cmd) {
        M->reply_error(ctx, "ERR Invalid command specified");
        return;
    }
    const modis_command *d = M->command_def(cmd);
    int any_key = 0;
    for (const modis_key_spec *ks = d->key_specs; ks && ks->begin_type; ks++)
        any_key |= !(ks->flags & MODIS_KS_NOT_KEY);
    if (!any_key) {
        M->reply_error(ctx, "ERR The command has no key arguments");
        return;
    }
    if ((d->arity > 0 && d->arity != cargc) || cargc < -d->arity) {
        M->reply_error(ctx, "ERR Invalid number of arguments specified for command");
        return;
    }
    keyref *keys = M->alloc(sizeof(keyref) * (size_t)cargc);
    int n = keys_by_specs(d->key_specs, d->arity, cargv, cargc, keys, cargc);
    if (n == 0) {
        if (has_word(d->flags, "no_mandatory_keys"))
            M->reply_array(ctx, 0);
        else
            M->reply_error(ctx, "ERR Invalid arguments specified for command");
    } else {
        if (n < 0 || n > cargc)
            n = 0; /* as Redis: a spec that does not fit yields no keys */
        M->reply_array(ctx, n);
        for (int i = 0; i < n; i++) {
            const modis_str *k = &cargv[keys[i].pos];
            if (with_flags) {
                int flags = keys[i].flags;
                if (MODIS_API_HAS(M, command_key_flags))
                    flags = M->command_key_flags(cmd, cargv, cargc, keys[i].pos, flags);
                M->reply_array(ctx, 2);
                M->reply_bulk(ctx, k->ptr, k->len);
                reply_key_flags(ctx, flags);
            } else {
                M->reply_bulk(ctx, k->ptr, k->len);
            }
        }
    }
    M->free(keys);
}

/* COMMAND GETKEYS command [arg [arg ...]] */
static void cmd_command_getkeys(modis_ctx *ctx, const modis_str *argv, int argc)
{
    getkeys_generic(ctx, argv, argc, 0);
}

/* COMMAND GETKEYSANDFLAGS command [arg [arg ...]] */
static void cmd_command_getkeysandflags(modis_ctx *ctx, const modis_str *argv, int argc)
{
    getkeys_generic(ctx, argv, argc, 1);
}

static const char *const command_help[] = {
    "(no subcommand)",
    "    Return details about all Redis commands.",
    "COUNT",
    "    Return the total number of commands in this Redis server.",
    "LIST",
    "    Return a list of all commands in this Redis server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full Redis command.",
    "GETKEYSANDFLAGS <full-command>",
    "    Return the keys and the access flags from a full Redis command.",
    NULL};

/* COMMAND HELP */
static void cmd_command_help(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    admin_reply_help(ctx, &argv[0], command_help);
}

const admin_handler admin_command_handlers[] = {
    {"command", cmd_command},
    {"command|count", cmd_command_count},
    {"command|info", cmd_command_info},
    {"command|docs", cmd_command_docs},
    {"command|list", cmd_command_list},
    {"command|getkeys", cmd_command_getkeys},
    {"command|getkeysandflags", cmd_command_getkeysandflags},
    {"command|help", cmd_command_help},
    {NULL, NULL}};
