/* module.c: the strings module's entry point: registers the "string" type and its commands. */
#include "strings.h"

const modis_api *M;
modis_type *string_type;

static const modis_type_methods string_methods = {
    .name = "string",
    .free = strobj_free,
    .copy = strobj_copy,
    .mem_usage = strobj_mem_usage,
    .encoding_name = strobj_encoding_name,
    .refcount = strobj_refcount,
};

/* The command tables of the t_*.c files. */
static const modis_command *const tables[] = {strings_string_commands, strings_incr_commands,
                                              strings_range_commands, strings_lcs_commands};

static int strings_on_load(const modis_api *api, modis_module_ctx *m)
{
    M = api;
    string_type = api->register_type(m, &string_methods);
    if (!string_type) {
        api->load_error(m, "the value type \"string\" is already registered");
        return MODIS_ERR;
    }
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        for (const modis_command *c = tables[t]; c->name; c++) {
            if (api->register_command(m, c) != MODIS_OK)
                return MODIS_ERR;
            /* MODIS_ERR only when the operator disabled SET. */
            if (c->key_specs == strings_ks_set && MODIS_API_HAS(api, set_key_flags))
                (void)api->set_key_flags(m, c, strings_set_key_flags);
        }
    }
    return MODIS_OK;
}

/* The string type is part of every keyspace: the module is never unloaded. */
/* clang-format off */
static const modis_module strings_module = {
    MODIS_MODULE_HEADER,
    .name = "strings",
    .version = "1.0.0",
    .on_load = strings_on_load,
    .on_unload = NULL,
};
/* clang-format on */

MODIS_MODULE_DEFINE(strings_module)
