/* module.c: the module loader: dlopen, descriptor and ABI checks, registration, unload. */
#include "module.h"

#include "alloc.h"
#include "config.h"
#include "dispatch.h"
#include "log.h"

#include <dlfcn.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The registration context of the module being loaded. */
struct modis_module_ctx {
    module *mod;
    int failed;
};

static char default_dir[PATH_MAX];

const char *module_default_dir(void)
{
    if (server.cfg.module_dir && *server.cfg.module_dir)
        return server.cfg.module_dir;
    if (default_dir[0])
        return default_dir;
    /* In a build tree the modules sit in modules/ next to the binary. */
    char exe[PATH_MAX - 16];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char probe[PATH_MAX];
            snprintf(probe, sizeof probe, "%s/modules", exe);
            struct stat st;
            if (stat(probe, &st) == 0 && S_ISDIR(st.st_mode)) {
                snprintf(default_dir, sizeof default_dir, "%s", probe);
                return default_dir;
            }
            /* Installed: <prefix>/bin/modis-server finds <prefix>/lib/modis/modules,
             * whatever prefix `cmake --install --prefix` was given. */
            char inst[PATH_MAX + 64];
            snprintf(inst, sizeof inst, "%s/" MODIS_MODULE_DIR_FROM_BIN, exe);
            if (stat(inst, &st) == 0 && S_ISDIR(st.st_mode) && realpath(inst, default_dir))
                return default_dir;
        }
    }
    snprintf(default_dir, sizeof default_dir, "%s", MODIS_MODULE_DIR_INSTALL);
    return default_dir;
}

module *module_find(const char *name)
{
    for (module *m = server.modules; m; m = m->next)
        if (strcmp(m->name, name) == 0)
            return m;
    return NULL;
}

/* -- registration API (called by modules during on_load) -- */

int module_api_register_command(modis_module_ctx *mc, const modis_command *cmd)
{
    char err[512];
    if (!mc || !mc->mod) {
        return MODIS_ERR;
    }
    if (dispatch_register(mc->mod, cmd, err, sizeof err) < 0) {
        if (!mc->failed)
            snprintf(mc->mod->errbuf, sizeof mc->mod->errbuf, "%s", err);
        mc->failed = 1;
        return MODIS_ERR;
    }
    mc->mod->ncommands++;
    return MODIS_OK;
}

modis_type *module_api_register_type(modis_module_ctx *mc, const modis_type_methods *m)
{
    if (!mc || !mc->mod || !m || !m->name || !*m->name) {
        if (mc && !mc->failed)
            snprintf(mc->mod->errbuf, sizeof mc->mod->errbuf, "type registration without a name");
        if (mc)
            mc->failed = 1;
        return NULL;
    }
    for (int i = 1; i <= server.ntypes; i++) {
        modis_type *t = server.types[i];
        if (t && strcmp(t->name, m->name) == 0) {
            snprintf(mc->mod->errbuf, sizeof mc->mod->errbuf,
                     "type '%s' is already registered by module %s", m->name,
                     t->owner ? t->owner->name : "?");
            mc->failed = 1;
            return NULL;
        }
    }
    int id = 0;
    for (int i = 1; i <= MAX_TYPES; i++) {
        if (!server.types[i]) {
            id = i;
            break;
        }
    }
    if (!id) {
        snprintf(mc->mod->errbuf, sizeof mc->mod->errbuf, "too many value types");
        mc->failed = 1;
        return NULL;
    }
    modis_type *t = zcalloc(sizeof *t);
    t->id = (uint8_t)id;
    /* Fields appended in a later minor exist only in modules built with it. */
    if (mc->mod->desc && mc->mod->desc->abi_minor >= 1)
        t->m = *m;
    else
        memcpy(&t->m, m, offsetof(modis_type_methods, refcount));
    t->name = zstrdup(m->name);
    t->m.name = t->name;
    t->owner = mc->mod;
    server.types[id] = t;
    if (id > server.ntypes)
        server.ntypes = id;
    return t;
}

static json_t *config_member(modis_module_ctx *mc, const char *name)
{
    if (!mc || !mc->mod || !mc->mod->config)
        return NULL;
    return json_object_get((json_t *)mc->mod->config, name);
}

int module_api_config_watch(modis_module_ctx *mc, const char *name,
                            void (*fn)(void *priv, const char *value), void *priv)
{
    if (!mc || !mc->mod)
        return MODIS_ERR;
    return config_watch(name, fn, priv, mc->mod) == 0 ? MODIS_OK : MODIS_ERR;
}

typedef struct {
    const modis_command *def;
    module *owner;
    command *found;
} def_search;

static void find_def(void *priv, command *c)
{
    def_search *s = priv;
    if (c->owner == s->owner && c->def == s->def)
        s->found = c;
    for (int i = 0; i < c->nsubs; i++)
        if (c->subs[i]->owner == s->owner && c->subs[i]->def == s->def)
            s->found = c->subs[i];
}

int module_api_set_key_flags(modis_module_ctx *mc, const modis_command *cmd,
                             modis_key_flags_fn fn)
{
    if (!mc || !mc->mod || !cmd)
        return MODIS_ERR;
    def_search s = {cmd, mc->mod, NULL};
    dispatch_foreach(find_def, &s);
    if (!s.found)
        return MODIS_ERR;
    s.found->key_flags = fn;
    return MODIS_OK;
}

int module_api_config_int(modis_module_ctx *mc, const char *name, long long *out)
{
    json_t *v = config_member(mc, name);
    if (!v || !json_is_integer(v))
        return MODIS_ERR;
    *out = (long long)json_integer_value(v);
    return MODIS_OK;
}

int module_api_config_double(modis_module_ctx *mc, const char *name, double *out)
{
    json_t *v = config_member(mc, name);
    if (!v || !json_is_number(v))
        return MODIS_ERR;
    *out = json_number_value(v);
    return MODIS_OK;
}

int module_api_config_bool(modis_module_ctx *mc, const char *name, int *out)
{
    json_t *v = config_member(mc, name);
    if (!v || !json_is_boolean(v))
        return MODIS_ERR;
    *out = json_is_true(v);
    return MODIS_OK;
}

int module_api_config_string(modis_module_ctx *mc, const char *name, const char **out)
{
    json_t *v = config_member(mc, name);
    if (!v || !json_is_string(v))
        return MODIS_ERR;
    *out = json_string_value(v);
    return MODIS_OK;
}

void module_api_load_error(modis_module_ctx *mc, const char *fmt, ...)
{
    if (!mc || !mc->mod)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(mc->mod->errbuf, sizeof mc->mod->errbuf, fmt, ap);
    va_end(ap);
}

/* -- loading -- */

static void drop_types(module *m)
{
    for (int i = 1; i <= server.ntypes; i++) {
        modis_type *t = server.types[i];
        if (t && t->owner == m) {
            zfree(t->name);
            zfree(t);
            server.types[i] = NULL;
        }
    }
}

static void module_free(module *m)
{
    config_unwatch_owner(m);
    zfree(m->name);
    zfree(m->path);
    zfree(m->version);
    zfree(m);
}

int module_load(const char *want_name, const char *path, void *config, char *err, size_t errlen)
{
    const char *label = want_name ? want_name : path;
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(err, errlen, "module %s (%s): dlopen failed: %s", label, path, dlerror());
        return -1;
    }
    modis_module_entry_fn entry;
    *(void **)&entry = dlsym(h, MODIS_MODULE_ENTRY_NAME);
    if (!entry) {
        snprintf(err, errlen, "module %s (%s): no entry point '%s' (not a modis module?)", label,
                 path, MODIS_MODULE_ENTRY_NAME);
        goto fail_dl;
    }
    const modis_module *d = entry();
    if (!d || d->magic != MODIS_MODULE_MAGIC) {
        snprintf(err, errlen, "module %s (%s): the entry point returned no modis module descriptor",
                 label, path);
        goto fail_dl;
    }
    label = d->name ? d->name : label;
    if (d->abi_major != MODIS_ABI_MAJOR || d->abi_minor > MODIS_ABI_MINOR) {
        snprintf(err, errlen, "module %s (%s): built for ABI %u.%u, server provides %d.%d", label,
                 path, d->abi_major, d->abi_minor, MODIS_ABI_MAJOR, MODIS_ABI_MINOR);
        goto fail_dl;
    }
    if (d->size < offsetof(modis_module, on_unload)) {
        snprintf(err, errlen, "module %s (%s): descriptor size %u is too small", label, path,
                 d->size);
        goto fail_dl;
    }
    if (!d->name || !*d->name || !d->on_load) {
        snprintf(err, errlen, "module %s (%s): descriptor lacks %s", label, path,
                 (!d->name || !*d->name) ? "a name" : "on_load");
        goto fail_dl;
    }
    for (const char *p = d->name; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-')) {
            snprintf(err, errlen, "module %s (%s): invalid name (use [a-z0-9_-])", d->name, path);
            goto fail_dl;
        }
    }
    if (want_name && strcmp(want_name, d->name) != 0) {
        snprintf(err, errlen, "module %s (%s): the file declares the name '%s'", want_name, path,
                 d->name);
        goto fail_dl;
    }
    module *other = module_find(d->name);
    if (other) {
        snprintf(err, errlen, "module %s (%s): a module named '%s' is already loaded from %s",
                 d->name, path, d->name, other->path);
        goto fail_dl;
    }
    module *m = zcalloc(sizeof *m);
    m->name = zstrdup(d->name);
    m->path = zstrdup(path);
    m->version = zstrdup(d->version ? d->version : "0");
    m->handle = h;
    m->desc = d;
    m->config = config;
    /* Linked before on_load so duplicate checks can name it. */
    m->next = server.modules;
    server.modules = m;
    modis_module_ctx mc = {.mod = m};
    module *prev_loading = server.loading_module;
    server.loading_module = m;
    int rc = d->on_load(module_api(), &mc);
    server.loading_module = prev_loading;
    if (rc != MODIS_OK || mc.failed) {
        snprintf(err, errlen, "module %s (%s): %s%s", m->name, path,
                 mc.failed ? "" : "initialisation failed: ",
                 m->errbuf[0] ? m->errbuf : "on_load returned an error");
        server.modules = m->next;
        dispatch_unregister_module(m);
        drop_types(m);
        module_free(m);
        goto fail_dl;
    }
    log_msg(LOG_NOTICE, "Module '%s' %s loaded from %s (%d commands)", m->name, m->version, path,
            m->ncommands);
    return 0;
fail_dl:
    dlclose(h);
    return -1;
}

int module_unload(const char *name, char *err, size_t errlen)
{
    module *m = module_find(name);
    if (!m) {
        snprintf(err, errlen, "ERR Error unloading module: no such module with that name");
        return -1;
    }
    if (!m->desc->on_unload) {
        snprintf(err, errlen, "ERR Error unloading module: the module has no unload hook");
        return -1;
    }
    for (int i = 1; i <= server.ntypes; i++) {
        modis_type *t = server.types[i];
        if (t && t->owner == m && t->nkeys > 0) {
            snprintf(err, errlen,
                     "ERR Error unloading module: the module exports one or more module-side data "
                     "types, can't unload (%lld keys of type '%s')",
                     t->nkeys, t->name);
            return -1;
        }
    }
    for (client *c = server.clients; c; c = c->next) {
        if ((c->flags & CLIENT_BLOCKED) && c->lastcmd && c->lastcmd->owner == m) {
            snprintf(err, errlen,
                     "ERR Error unloading module: clients are blocked in the module's commands");
            return -1;
        }
    }
    module *prev_loading = server.loading_module;
    server.loading_module = m;
    m->desc->on_unload();
    server.loading_module = prev_loading;
    dispatch_unregister_module(m);
    drop_types(m);
    for (module **pp = &server.modules; *pp; pp = &(*pp)->next) {
        if (*pp == m) {
            *pp = m->next;
            break;
        }
    }
    for (client *c = server.clients; c; c = c->next)
        c->lastcmd = NULL;
    dlclose(m->handle);
    log_msg(LOG_NOTICE, "Module %s unloaded", m->name);
    module_free(m);
    return 0;
}

void module_unload_all(void)
{
    while (server.modules) {
        module *m = server.modules;
        server.modules = m->next;
        if (m->desc->on_unload)
            m->desc->on_unload();
        /* Commands and types stay until the process exits; the handle is
         * kept open so static metadata remains valid. */
        module_free(m);
    }
}
