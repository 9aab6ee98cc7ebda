/* keys.c: entry point of the keys module, the generic keyspace commands (DEL, EXPIRE, SCAN ...). */
#include "keys.h"

const modis_api *M;

static int register_all(modis_module_ctx *m, const modis_command *table)
{
    for (const modis_command *c = table; c->name; c++)
        if (M->register_command(m, c) != MODIS_OK)
            return MODIS_ERR;
    return MODIS_OK;
}

static int keys_on_load(const modis_api *api, modis_module_ctx *m)
{
    M = api;
    if (register_all(m, keys_generic_commands) != MODIS_OK ||
        register_all(m, keys_scan_commands) != MODIS_OK ||
        register_all(m, keys_expire_commands) != MODIS_OK ||
        register_all(m, keys_object_commands) != MODIS_OK)
        return MODIS_ERR;
    return MODIS_OK;
}

/* Nothing to release: the module keeps no state besides M. */
static void keys_on_unload(void)
{
}

static const modis_module keys_module = {
    MODIS_MODULE_HEADER,
    .name = "keys",
    .version = "1.0.0",
    .on_load = keys_on_load,
    .on_unload = keys_on_unload,
};

MODIS_MODULE_DEFINE(keys_module)
