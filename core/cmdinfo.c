/* cmdinfo.c: COMMAND INFO and COMMAND DOCS replies in Redis 7.0's exact shape. */
#include "cmdinfo.h"

#include "dispatch.h"
#include "reply.h"

#include <string.h>

static int count_words(const char *s)
{
    int n = 0;
    while (s && *s) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        n++;
        while (*s && *s != ' ')
            s++;
    }
    return n;
}

static void reply_words(client *c, const char *s, int as_status)
{
    while (s && *s) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        const char *e = s;
        while (*e && *e != ' ')
            e++;
        char w[128];
        size_t n = (size_t)(e - s) < sizeof w - 1 ? (size_t)(e - s) : sizeof w - 1;
        memcpy(w, s, n);
        w[n] = '\0';
        if (as_status)
            reply_simple(c, w);
        else
            reply_bulk(c, w, n);
        s = e;
    }
}

static void reply_keyspec_flags(client *c, int flags)
{
    static const char *names[] = {"RO",     "RW",     "OW",     "RM",      "access",     "update",
                                  "insert", "delete", "not_key", "incomplete", "variable_flags"};
    int n = 0;
    for (int i = 0; i < 11; i++)
        if (flags & (1 << i))
            n++;
    reply_set(c, n);
    for (int i = 0; i < 11; i++)
        if (flags & (1 << i))
            reply_simple(c, names[i]);
}

static void reply_keyspecs(client *c, const modis_key_spec *ks)
{
    int n = 0;
    while (ks && ks[n].begin_type)
        n++;
    reply_set(c, n);
    for (int i = 0; i < n; i++) {
        const modis_key_spec *k = &ks[i];
        reply_map(c, k->notes ? 4 : 3);
        if (k->notes) {
            reply_cstr(c, "notes");
            reply_cstr(c, k->notes);
        }
        reply_cstr(c, "flags");
        reply_keyspec_flags(c, k->flags);
        reply_cstr(c, "begin_search");
        reply_map(c, 2);
        reply_cstr(c, "type");
        if (k->begin_type == MODIS_KS_BEGIN_INDEX) {
            reply_cstr(c, "index");
            reply_cstr(c, "spec");
            reply_map(c, 1);
            reply_cstr(c, "index");
            reply_int(c, k->bs_index);
        } else {
            reply_cstr(c, "keyword");
            reply_cstr(c, "spec");
            reply_map(c, 2);
            reply_cstr(c, "keyword");
            reply_cstr(c, k->bs_keyword);
            reply_cstr(c, "startfrom");
            reply_int(c, k->bs_startfrom);
        }
        reply_cstr(c, "find_keys");
        reply_map(c, 2);
        reply_cstr(c, "type");
        if (k->find_type == MODIS_KS_FIND_RANGE) {
            reply_cstr(c, "range");
            reply_cstr(c, "spec");
            reply_map(c, 3);
            reply_cstr(c, "lastkey");
            reply_int(c, k->fk_lastkey);
            reply_cstr(c, "keystep");
            reply_int(c, k->fk_keystep);
            reply_cstr(c, "limit");
            reply_int(c, k->fk_limit);
        } else {
            reply_cstr(c, "keynum");
            reply_cstr(c, "spec");
            reply_map(c, 3);
            reply_cstr(c, "keynumidx");
            reply_int(c, k->fk_keynumidx);
            reply_cstr(c, "firstkey");
            reply_int(c, k->fk_firstkey);
            reply_cstr(c, "keystep");
            reply_int(c, k->fk_keystep);
        }
    }
}

void cmdinfo_reply_info(client *c, command *cmd)
{
    if (!cmd) {
        reply_null_array(c);
        return;
    }
    const char *names[32];
    reply_array(c, 10);
    reply_cstr(c, cmd->fullname);
    reply_int(c, cmd->arity);
    int n = dispatch_flag_names(cmd->flags, names, 32);
    reply_set(c, n);
    for (int i = 0; i < n; i++)
        reply_simple(c, names[i]);
    reply_int(c, cmd->first_key);
    reply_int(c, cmd->last_key);
    reply_int(c, cmd->key_step);
    n = dispatch_acl_names(cmd->acl, names, 32);
    reply_set(c, n);
    for (int i = 0; i < n; i++) {
        char b[64];
        b[0] = '@';
        strncpy(b + 1, names[i], sizeof b - 2);
        b[sizeof b - 1] = '\0';
        reply_simple(c, b);
    }
    reply_set(c, count_words(cmd->def->tips));
    reply_words(c, cmd->def->tips, 0);
    reply_keyspecs(c, cmd->def->key_specs);
    reply_set(c, cmd->nsubs);
    for (int i = 0; i < cmd->nsubs; i++)
        cmdinfo_reply_info(c, cmd->subs[i]);
}

static const char *arg_type_name(int t)
{
    static const char *names[] = {"",          "string",     "integer", "double", "key",
                                  "pattern",   "unix-time",  "pure-token", "oneof", "block"};
    return (t >= 1 && t <= 9) ? names[t] : "string";
}

static void reply_args(client *c, const modis_arg *args)
{
    int n = 0;
    while (args && args[n].name)
        n++;
    reply_array(c, n);
    for (int i = 0; i < n; i++) {
        const modis_arg *a = &args[i];
        int nested = a->type == MODIS_ARG_ONEOF || a->type == MODIS_ARG_BLOCK;
        long len = 2 + (a->type == MODIS_ARG_KEY) + (a->token != NULL) + (a->summary != NULL) +
                   (a->since != NULL) + (a->deprecated_since != NULL) + (a->flags != 0) + nested;
        reply_map(c, len);
        reply_cstr(c, "name");
        reply_cstr(c, a->name);
        reply_cstr(c, "type");
        reply_cstr(c, arg_type_name(a->type));
        if (a->type == MODIS_ARG_KEY) {
            reply_cstr(c, "key_spec_index");
            reply_int(c, a->key_spec_index);
        }
        if (a->token) {
            reply_cstr(c, "token");
            reply_cstr(c, a->token);
        }
        if (a->summary) {
            reply_cstr(c, "summary");
            reply_cstr(c, a->summary);
        }
        if (a->since) {
            reply_cstr(c, "since");
            reply_cstr(c, a->since);
        }
        if (a->deprecated_since) {
            reply_cstr(c, "deprecated_since");
            reply_cstr(c, a->deprecated_since);
        }
        if (a->flags) {
            int fn = !!(a->flags & MODIS_ARG_OPTIONAL) + !!(a->flags & MODIS_ARG_MULTIPLE) +
                     !!(a->flags & MODIS_ARG_MULTIPLE_TOKEN);
            reply_cstr(c, "flags");
            reply_set(c, fn);
            if (a->flags & MODIS_ARG_OPTIONAL)
                reply_simple(c, "optional");
            if (a->flags & MODIS_ARG_MULTIPLE)
                reply_simple(c, "multiple");
            if (a->flags & MODIS_ARG_MULTIPLE_TOKEN)
                reply_simple(c, "multiple_token");
        }
        if (nested) {
            reply_cstr(c, "arguments");
            reply_args(c, a->subargs);
        }
    }
}

void cmdinfo_reply_docs(client *c, command *cmd)
{
    const modis_command *d = cmd->def;
    int nhist = 0;
    while (d->history && d->history[nhist].version)
        nhist++;
    long len = 1 + (d->summary != NULL) + (d->since != NULL) + (d->complexity != NULL) +
               (d->doc_flags != 0) + (d->deprecated_since != NULL) + (d->replaced_by != NULL) +
               (nhist > 0) + (d->args && d->args[0].name) + (cmd->nsubs > 0);
    reply_map(c, len);
    if (d->summary) {
        reply_cstr(c, "summary");
        reply_cstr(c, d->summary);
    }
    if (d->since) {
        reply_cstr(c, "since");
        reply_cstr(c, d->since);
    }
    reply_cstr(c, "group");
    reply_cstr(c, d->group ? d->group : "module");
    if (d->complexity) {
        reply_cstr(c, "complexity");
        reply_cstr(c, d->complexity);
    }
    if (d->doc_flags) {
        reply_cstr(c, "doc_flags");
        int n = !!(d->doc_flags & MODIS_DOC_DEPRECATED) + !!(d->doc_flags & MODIS_DOC_SYSCMD);
        reply_set(c, n);
        if (d->doc_flags & MODIS_DOC_DEPRECATED)
            reply_simple(c, "deprecated");
        if (d->doc_flags & MODIS_DOC_SYSCMD)
            reply_simple(c, "syscmd");
    }
    if (d->deprecated_since) {
        reply_cstr(c, "deprecated_since");
        reply_cstr(c, d->deprecated_since);
    }
    if (d->replaced_by) {
        reply_cstr(c, "replaced_by");
        reply_cstr(c, d->replaced_by);
    }
    if (nhist > 0) {
        reply_cstr(c, "history");
        reply_array(c, nhist);
        for (int i = 0; i < nhist; i++) {
            reply_array(c, 2);
            reply_cstr(c, d->history[i].version);
            reply_cstr(c, d->history[i].description ? d->history[i].description : "");
        }
    }
    if (d->args && d->args[0].name) {
        reply_cstr(c, "arguments");
        reply_args(c, d->args);
    }
    if (cmd->nsubs > 0) {
        reply_cstr(c, "subcommands");
        reply_map(c, cmd->nsubs);
        for (int i = 0; i < cmd->nsubs; i++) {
            reply_cstr(c, cmd->subs[i]->fullname);
            cmdinfo_reply_docs(c, cmd->subs[i]);
        }
    }
}
