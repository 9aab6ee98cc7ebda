/* t_client.c: the CLIENT subcommands (connection introspection and control). */
#include "admin.h"

#include <stdio.h>
#include <string.h>

#define ERR_BAD_NAME "ERR Client names cannot contain spaces, newlines or special characters."

/* A growable text buffer from the server's allocator. */
typedef struct text {
    char *p;
    size_t len, cap;
} text;

static void text_add(text *t, const char *p, size_t len)
{
    if (len == 0)
        return;
    if (t->len + len > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;
        while (cap < t->len + len)
            cap *= 2;
        t->p = M->realloc(t->p, cap);
        t->cap = cap;
    }
    memcpy(t->p + t->len, p, len);
    t->len += len;
}

/* Appends the CLIENT LIST line of client id (nothing when it is gone). */
static void text_add_client(text *t, modis_ctx *ctx, long long id)
{
    size_t len;
    char *line = M->client_describe(ctx, id, &len);
    if (line) {
        text_add(t, line, len);
        M->free(line);
    }
}

static void reply_text(modis_ctx *ctx, text *t)
{
    M->reply_verbatim(ctx, "txt", t->p ? t->p : "", t->len);
    M->free(t->p);
}

/* Ids of the connected clients, oldest first. */
typedef struct idlist {
    long long *ids;
    int n, cap;
} idlist;

static void collect_id(void *priv, long long id)
{
    idlist *l = priv;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->ids = M->realloc(l->ids, sizeof(long long) * (size_t)l->cap);
    }
    l->ids[l->n++] = id;
}

static idlist all_clients(modis_ctx *ctx)
{
    idlist l = {NULL, 0, 0};
    M->client_foreach(ctx, collect_id, &l);
    return l;
}

/* Client types as Redis's getClientTypeByName; modis has only normal
 * clients (monitors count as normal, as in Redis). -1 when unknown. */
enum { TYPE_NORMAL, TYPE_REPLICA, TYPE_PUBSUB, TYPE_MASTER };

static int client_type(const modis_str *s)
{
    if (admin_arg_is(s, "normal"))
        return TYPE_NORMAL;
    if (admin_arg_is(s, "slave") || admin_arg_is(s, "replica"))
        return TYPE_REPLICA;
    if (admin_arg_is(s, "pubsub"))
        return TYPE_PUBSUB;
    if (admin_arg_is(s, "master"))
        return TYPE_MASTER;
    return -1;
}

static void reply_unknown_type(modis_ctx *ctx, const modis_str *s)
{
    M->reply_errorf(ctx, "ERR Unknown client type '%.*s'", (int)s->len, s->ptr);
}

/* CLIENT ID */
static void cmd_client_id(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    M->reply_int(ctx, M->client_id(ctx));
}

/* CLIENT INFO */
static void cmd_client_info(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    text t = {NULL, 0, 0};
    text_add_client(&t, ctx, M->client_id(ctx));
    reply_text(ctx, &t);
}

/* CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]] */
static void cmd_client_list(modis_ctx *ctx, const modis_str *argv, int argc)
{
    text t = {NULL, 0, 0};
    if (argc == 4 && admin_arg_is(&argv[2], "type")) {
        int type = client_type(&argv[3]);
        if (type < 0) {
            reply_unknown_type(ctx, &argv[3]);
            return;
        }
        if (type != TYPE_NORMAL) {
            reply_text(ctx, &t);
            return;
        }
    } else if (argc > 3 && admin_arg_is(&argv[2], "id")) {
        for (int j = 3; j < argc; j++) {
            long long id;
            if (admin_parse_ll(&argv[j], &id) < 0) {
                M->free(t.p);
                M->reply_error(ctx, "ERR Invalid client ID");
                return;
            }
            text_add_client(&t, ctx, id);
        }
        reply_text(ctx, &t);
        return;
    } else if (argc != 2) {
        M->reply_error(ctx, MODIS_ERR_SYNTAX);
        return;
    }
    idlist l = all_clients(ctx);
    for (int i = 0; i < l.n; i++)
        text_add_client(&t, ctx, l.ids[i]);
    M->free(l.ids);
    reply_text(ctx, &t);
}

/* The filters of CLIENT KILL's new form. */
typedef struct kill_filter {
    const modis_str *addr, *laddr;
    long long id;
    int type; /* -1: any */
    int skipme;
} kill_filter;

static int str_eq(const char *a, const modis_str *b)
{
    return a && strlen(a) == b->len && memcmp(a, b->ptr, b->len) == 0;
}

static int kill_matches(modis_ctx *ctx, const kill_filter *f, long long id, long long self)
{
    if (f->addr && !str_eq(M->client_addr(ctx, id), f->addr))
        return 0;
    if (f->laddr && !str_eq(M->client_laddr(ctx, id), f->laddr))
        return 0;
    if (f->type != -1 && f->type != TYPE_NORMAL)
        return 0;
    if (f->id && f->id != id)
        return 0;
    if (id == self && f->skipme)
        return 0;
    return 1;
}

/* Parses the option/value pairs of CLIENT KILL's new form; replies the
 * error and returns -1 when one is bad. */
static int parse_kill_filter(modis_ctx *ctx, const modis_str *argv, int argc, kill_filter *f)
{
    for (int i = 2; i < argc; i += 2) {
        int more = argc > i + 1;
        const modis_str *v = &argv[i + 1];
        if (admin_arg_is(&argv[i], "id") && more) {
            long long id;
            if (admin_parse_ll(v, &id) < 0 || id < 1) {
                M->reply_error(ctx, "ERR client-id should be greater than 0");
                return -1;
            }
            f->id = id;
        } else if (admin_arg_is(&argv[i], "type") && more) {
            f->type = client_type(v);
            if (f->type < 0) {
                reply_unknown_type(ctx, v);
                return -1;
            }
        } else if (admin_arg_is(&argv[i], "addr") && more) {
            f->addr = v;
        } else if (admin_arg_is(&argv[i], "laddr") && more) {
            f->laddr = v;
        } else if (admin_arg_is(&argv[i], "user") && more) {
            /* Every connection is the default user's. */
            if (!(v->len == 7 && memcmp(v->ptr, "default", 7) == 0)) {
                M->reply_errorf(ctx, "ERR No such user '%.*s'", (int)v->len, v->ptr);
                return -1;
            }
        } else if (admin_arg_is(&argv[i], "skipme") && more) {
            if (admin_arg_is(v, "yes")) {
                f->skipme = 1;
            } else if (admin_arg_is(v, "no")) {
                f->skipme = 0;
            } else {
                M->reply_error(ctx, MODIS_ERR_SYNTAX);
                return -1;
            }
        } else {
            M->reply_error(ctx, MODIS_ERR_SYNTAX);
            return -1;
        }
    }
    return 0;
}

/* CLIENT KILL ip:port
 * CLIENT KILL [ID id] [TYPE type] [USER name] [ADDR ip:port] [LADDR ip:port] [SKIPME yes|no] */
static void cmd_client_kill(modis_ctx *ctx, const modis_str *argv, int argc)
{
    kill_filter f = {NULL, NULL, 0, -1, 1};
    if (argc == 3) {
        f.addr = &argv[2]; /* the old form: one address, and the caller may go */
        f.skipme = 0;
    } else if (parse_kill_filter(ctx, argv, argc, &f) < 0) {
        return;
    }
    long long self = M->client_id(ctx);
    idlist l = all_clients(ctx);
    long long killed = 0;
    int kill_self = 0;
    for (int i = 0; i < l.n; i++) {
        if (!kill_matches(ctx, &f, l.ids[i], self))
            continue;
        if (l.ids[i] == self)
            kill_self = 1;
        else
            M->client_kill(ctx, l.ids[i]);
        killed++;
    }
    M->free(l.ids);
    if (argc == 3) {
        if (killed == 0)
            M->reply_error(ctx, "ERR No such client");
        else
            M->reply_ok(ctx);
    } else {
        M->reply_int(ctx, killed);
    }
    if (kill_self)
        M->client_kill(ctx, self); /* closes after this reply */
}

/* CLIENT SETNAME connection-name */
static void cmd_client_setname(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    if (M->client_set_name(ctx, &argv[2]) != MODIS_OK) {
        M->reply_error(ctx, ERR_BAD_NAME);
        return;
    }
    M->reply_ok(ctx);
}

/* CLIENT GETNAME */
static void cmd_client_getname(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    const char *name = M->client_name(ctx);
    if (name)
        M->reply_cstr(ctx, name);
    else
        M->reply_null(ctx);
}

/* CLIENT SETINFO LIB-NAME libname | LIB-VER libver (Redis 7.2) */
static void cmd_client_setinfo(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    const modis_str *attr = &argv[2], *val = &argv[3];
    int is_name = admin_arg_is(attr, "lib-name");
    if (!is_name && !admin_arg_is(attr, "lib-ver")) {
        M->reply_errorf(ctx, "ERR Unrecognized option '%.*s'", (int)attr->len, attr->ptr);
        return;
    }
    for (size_t i = 0; i < val->len; i++) {
        if (val->ptr[i] < '!' || val->ptr[i] > '~') {
            M->reply_errorf(ctx, "ERR %.*s cannot contain spaces, newlines or special characters.",
                            (int)attr->len, attr->ptr);
            return;
        }
    }
    M->client_set_lib(ctx, is_name ? val : NULL, is_name ? NULL : val);
    M->reply_ok(ctx);
}

/* CLIENT UNBLOCK client-id [TIMEOUT|ERROR] */
static void cmd_client_unblock(modis_ctx *ctx, const modis_str *argv, int argc)
{
    if (argc > 4) {
        admin_reply_subcommand_syntax(ctx, argv);
        return;
    }
    int as_error = 0;
    if (argc == 4) {
        if (admin_arg_is(&argv[3], "error")) {
            as_error = 1;
        } else if (!admin_arg_is(&argv[3], "timeout")) {
            M->reply_error(ctx, "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            return;
        }
    }
    long long id;
    if (admin_parse_ll(&argv[2], &id) < 0) {
        M->reply_error(ctx, MODIS_ERR_NOT_INTEGER);
        return;
    }
    M->reply_int(ctx, M->client_unblock(ctx, id, as_error) == MODIS_OK ? 1 : 0);
}

/* Shared by NO-EVICT and NO-TOUCH: ON|OFF into a client flag. */
static void client_flag(modis_ctx *ctx, const modis_str *arg, const char *flag)
{
    if (admin_arg_is(arg, "on")) {
        M->client_set_flag(ctx, flag, 1);
    } else if (admin_arg_is(arg, "off")) {
        M->client_set_flag(ctx, flag, 0);
    } else {
        M->reply_error(ctx, MODIS_ERR_SYNTAX);
        return;
    }
    M->reply_ok(ctx);
}

/* CLIENT NO-EVICT ON|OFF */
static void cmd_client_no_evict(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    client_flag(ctx, &argv[2], "no-evict");
}

/* CLIENT NO-TOUCH ON|OFF (Redis 7.2) */
static void cmd_client_no_touch(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    client_flag(ctx, &argv[2], "no-touch");
}

/* CLIENT REPLY ON|OFF|SKIP */
static void cmd_client_reply(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    if (admin_arg_is(&argv[2], "on")) {
        M->set_reply_mode(ctx, MODIS_REPLY_ON);
        M->reply_ok(ctx);
    } else if (admin_arg_is(&argv[2], "off")) {
        M->set_reply_mode(ctx, MODIS_REPLY_OFF); /* no reply, by design */
    } else if (admin_arg_is(&argv[2], "skip")) {
        M->set_reply_mode(ctx, MODIS_REPLY_SKIP);
    } else {
        M->reply_error(ctx, MODIS_ERR_SYNTAX);
    }
}

/* CLIENT PAUSE timeout [WRITE|ALL] */
static void cmd_client_pause(modis_ctx *ctx, const modis_str *argv, int argc)
{
    if (argc > 4) {
        admin_reply_subcommand_syntax(ctx, argv);
        return;
    }
    int write_only = 0;
    if (argc == 4) {
        if (admin_arg_is(&argv[3], "write")) {
            write_only = 1;
        } else if (!admin_arg_is(&argv[3], "all")) {
            M->reply_error(ctx, "ERR CLIENT PAUSE mode must be WRITE or ALL");
            return;
        }
    }
    long long ms;
    if (admin_parse_ll(&argv[2], &ms) < 0) {
        M->reply_error(ctx, "ERR timeout is not an integer or out of range");
        return;
    }
    if (ms < 0) {
        M->reply_error(ctx, MODIS_ERR_TIMEOUT_NEGATIVE);
        return;
    }
    /* Redis 7.0 adds the clock without a range check: a sum that wraps is a
     * time in the past, which pauses nothing. */
    long long now = M->now_ms(ctx);
    long long end = ms > 0 ? (long long)((unsigned long long)ms + (unsigned long long)now) : 0;
    M->pause(ctx, end > now ? end : 0, write_only);
    M->reply_ok(ctx);
}

/* CLIENT UNPAUSE */
static void cmd_client_unpause(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    M->unpause(ctx);
    M->reply_ok(ctx);
}

static const char *const client_help[] = {
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "SETINFO <option> <value>",
    "    Set client meta attr. Options are:",
    "    * LIB-NAME: the client lib name.",
    "    * LIB-VER: the client lib version.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
    "NO-TOUCH (ON|OFF)",
    "    Will not touch LRU/LFU stats when this mode is on.",
    NULL};

/* CLIENT HELP */
static void cmd_client_help(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    admin_reply_help(ctx, &argv[0], client_help);
}

const admin_handler admin_client_handlers[] = {{"client|id", cmd_client_id},
                                               {"client|info", cmd_client_info},
                                               {"client|list", cmd_client_list},
                                               {"client|kill", cmd_client_kill},
                                               {"client|setname", cmd_client_setname},
                                               {"client|getname", cmd_client_getname},
                                               {"client|setinfo", cmd_client_setinfo},
                                               {"client|unblock", cmd_client_unblock},
                                               {"client|no-evict", cmd_client_no_evict},
                                               {"client|no-touch", cmd_client_no_touch},
                                               {"client|reply", cmd_client_reply},
                                               {"client|pause", cmd_client_pause},
                                               {"client|unpause", cmd_client_unpause},
                                               {"client|help", cmd_client_help},
                                               {NULL, NULL}};
