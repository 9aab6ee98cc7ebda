/* admin.c: the admin module's entry point and shared helpers. */
#include "admin.h"

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
    const char *p = s->ptr;
    size_t len = s->len;
    if (len == 0 || len > 20)
        return -1;
    if (len == 1 && p[0] == '0') {
        *out = 0;
        return 0;
    }
    int neg = 0;
    size_t i = 0;
    if (p[0] == '-') {
        neg = 1;
        i = 1;
        if (len == 1)
            return -1;
    }
    if (p[i] < '1' || p[i] > '9')
        return -1;
    unsigned long long v = 0;
    for (; i < len; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        unsigned long long d = (unsigned long long)(p[i] - '0');
        if (v > (~0ULL - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (neg) {
        if (v > (unsigned long long)1 << 63)
            return -1;
        *out = (long long)(0 - v);
    } else {
        if (v > (unsigned long long)((~0ULL) >> 1))
            return -1;
        *out = (long long)v;
    }
    return 0;
}

static int on_load(const modis_api *api, modis_module_ctx *m)
{
    M = api;
    for (const modis_command *c = admin_connection_commands; c->name; c++)
        if (api->register_command(m, c) != MODIS_OK)
            return MODIS_ERR;
    for (const modis_command *c = admin_server_commands; c->name; c++)
        if (api->register_command(m, c) != MODIS_OK)
            return MODIS_ERR;
    return MODIS_OK;
}

static void on_unload(void)
{
}

static const modis_module admin_module = {
    MODIS_MODULE_HEADER,
    .name = "admin",
    .version = "0.1.0",
    .on_load = on_load,
    .on_unload = on_unload,
};

MODIS_MODULE_DEFINE(admin_module)
