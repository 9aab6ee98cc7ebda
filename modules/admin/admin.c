/* admin.c: the admin module's entry point, handler binding and shared helpers. */
#include "admin.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

const modis_api *M;

int admin_arg_is(const modis_str *s, const char *lit)
{
    size_t n = strlen(lit);
    return s->len == n && strncasecmp(s->ptr, lit, n) == 0;
}

int admin_parse_ll(const modis_str *s, long long *out)
{
    return M->parse_ll(s, out) == MODIS_OK ? 0 : -1;
}

char *admin_strdup(const modis_str *s)
{
    char *p = M->alloc(s->len + 1);
    memcpy(p, s->ptr, s->len);
    p[s->len] = '\0';
    return p;
}

static int fold(int c, int nocase)
{
    return nocase ? tolower(c) : c;
}

/* Matches one bracket class at pat[0] == '['; advances *pp and *pl past it.
 * Returns 1 when ch is in the class (negation applied). */
static int match_class(const char **pp, size_t *pl, int ch, int nocase)
{
    const char *p = *pp + 1;
    size_t l = *pl - 1;
    int negate = l > 0 && p[0] == '^';
    if (negate) {
        p++;
        l--;
    }
    int hit = 0;
    for (;;) {
        if (l >= 2 && p[0] == '\\') {
            p++;
            l--;
            if (p[0] == ch)
                hit = 1;
        } else if (l == 0) {
            /* Unterminated class: the last pattern byte is consumed below. */
            p--;
            l++;
            break;
        } else if (p[0] == ']') {
            break;
        } else if (l >= 3 && p[1] == '-') {
            int lo = (unsigned char)p[0], hi = (unsigned char)p[2];
            if (lo > hi) {
                int t = lo;
                lo = hi;
                hi = t;
            }
            int c = fold(ch, nocase);
            if (c >= fold(lo, nocase) && c <= fold(hi, nocase))
                hit = 1;
            p += 2;
            l -= 2;
        } else if (fold((unsigned char)p[0], nocase) == fold(ch, nocase)) {
            hit = 1;
        }
        p++;
        l--;
    }
    *pp = p;
    *pl = l;
    return negate ? !hit : hit;
}

static int glob_rec(const char *pat, size_t plen, const char *str, size_t slen, int nocase,
                    int *give_up)
{
    while (plen && slen) {
        if (pat[0] == '*') {
            while (plen > 1 && pat[1] == '*') {
                pat++;
                plen--;
            }
            if (plen == 1)
                return 1;
            for (; slen; str++, slen--) {
                if (glob_rec(pat + 1, plen - 1, str, slen, nocase, give_up))
                    return 1;
                if (*give_up)
                    return 0;
            }
            *give_up = 1;
            return 0;
        } else if (pat[0] == '?') {
            str++;
            slen--;
        } else if (pat[0] == '[') {
            if (!match_class(&pat, &plen, (unsigned char)str[0], nocase))
                return 0;
            str++;
            slen--;
        } else {
            if (pat[0] == '\\' && plen >= 2) {
                pat++;
                plen--;
            }
            if (fold((unsigned char)pat[0], nocase) != fold((unsigned char)str[0], nocase))
                return 0;
            str++;
            slen--;
        }
        pat++;
        plen--;
        if (slen == 0) {
            while (plen && pat[0] == '*') {
                pat++;
                plen--;
            }
            break;
        }
    }
    return plen == 0 && slen == 0;
}

int admin_glob_match(const char *pat, size_t plen, const char *str, size_t slen, int nocase)
{
    int give_up = 0;
    return glob_rec(pat, plen, str, slen, nocase, &give_up);
}

static void reply_upper_prefix(modis_ctx *ctx, const modis_str *argv0, const char *suffix)
{
    char buf[256];
    size_t n = argv0->len < 128 ? argv0->len : 128;
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)toupper((unsigned char)argv0->ptr[i]);
    size_t sl = strlen(suffix);
    memcpy(buf + n, suffix, sl + 1);
    M->reply_simple(ctx, buf);
}

void admin_reply_help(modis_ctx *ctx, const modis_str *argv0, const char *const *lines)
{
    long n = 0;
    while (lines[n])
        n++;
    M->reply_array(ctx, n + 3);
    reply_upper_prefix(ctx, argv0, " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    for (long i = 0; i < n; i++)
        M->reply_simple(ctx, lines[i]);
    M->reply_simple(ctx, "HELP");
    M->reply_simple(ctx, "    Prints this help.");
}

void admin_reply_subcommand_syntax(modis_ctx *ctx, const modis_str *argv)
{
    char cmd[130];
    size_t n = argv[0].len < 128 ? argv[0].len : 128;
    for (size_t i = 0; i < n; i++)
        cmd[i] = (char)toupper((unsigned char)argv[0].ptr[i]);
    cmd[n] = '\0';
    int sl = argv[1].len < 128 ? (int)argv[1].len : 128;
    M->reply_errorf(ctx,
                    "ERR unknown subcommand or wrong number of arguments for '%.*s'. Try %s HELP.",
                    sl, argv[1].ptr, cmd);
}

static const admin_handler *const handler_tables[] = {
    admin_connection_handlers, admin_client_handlers,  admin_server_handlers,
    admin_config_handlers,     admin_command_handlers, admin_module_handlers,
};
#define NTABLES (sizeof handler_tables / sizeof handler_tables[0])

static modis_cmd_fn find_handler(const char *parent, const char *name, int *uses)
{
    char full[128];
    size_t pl = parent ? strlen(parent) : 0;
    size_t nl = strlen(name);
    if (pl + nl + 2 > sizeof full)
        return NULL;
    if (parent) {
        memcpy(full, parent, pl);
        full[pl++] = '|';
    }
    memcpy(full + pl, name, nl + 1);
    int k = 0;
    for (size_t t = 0; t < NTABLES; t++) {
        for (const admin_handler *h = handler_tables[t]; h->fullname; h++, k++) {
            if (strcasecmp(h->fullname, full) == 0) {
                uses[k]++;
                return h->fn;
            }
        }
    }
    return NULL;
}

/* Gives every leaf of the metadata table its handler (and COMMAND, a
 * container that also answers without a subcommand). Fails when a leaf has
 * none or a handler matches no command: both are bugs in this module. */
static int bind_handlers(modis_module_ctx *m)
{
    int uses[128] = {0};
    int total = 0;
    for (size_t t = 0; t < NTABLES; t++)
        for (const admin_handler *h = handler_tables[t]; h->fullname; h++)
            total++;
    if (total > (int)(sizeof uses / sizeof uses[0])) {
        M->load_error(m, "too many handlers (%d)", total);
        return MODIS_ERR;
    }
    for (modis_command *c = admin_commands; c->name; c++) {
        c->handler = find_handler(NULL, c->name, uses);
        if (!c->subcommands && !c->handler) {
            M->load_error(m, "command '%s' has no handler", c->name);
            return MODIS_ERR;
        }
        /* Not const: see commands.c. */
        for (modis_command *s = (modis_command *)c->subcommands; s && s->name; s++) {
            s->handler = find_handler(c->name, s->name, uses);
            if (!s->handler) {
                M->load_error(m, "command '%s|%s' has no handler", c->name, s->name);
                return MODIS_ERR;
            }
        }
    }
    int k = 0;
    for (size_t t = 0; t < NTABLES; t++) {
        for (const admin_handler *h = handler_tables[t]; h->fullname; h++, k++) {
            if (uses[k] != 1) {
                M->load_error(m, "handler '%s' matches no command", h->fullname);
                return MODIS_ERR;
            }
        }
    }
    return MODIS_OK;
}

static int on_load(const modis_api *api, modis_module_ctx *m)
{
    M = api;
    if (bind_handlers(m) != MODIS_OK)
        return MODIS_ERR;
    for (const modis_command *c = admin_commands; c->name; c++)
        if (api->register_command(m, c) != MODIS_OK)
            return MODIS_ERR;
    return MODIS_OK;
}

/* No on_unload: MODULE UNLOAD runs inside this module, so unloading it
 * would unmap the very code that is executing. The core refuses to unload
 * a module without the hook. */
static const modis_module admin_module = {
    MODIS_MODULE_HEADER, .name = "admin", .version = "1.0.0", .on_load = on_load, .on_unload = NULL,
};

MODIS_MODULE_DEFINE(admin_module)
