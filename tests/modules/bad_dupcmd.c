/* bad_dupcmd.c: a module that registers commands another module already has ("get", then "ping").
 */
#include <modis/module.h>

static void cmd_dup(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)ctx;
    (void)argv;
    (void)argc;
}

static const modis_key_spec get_keys[] = {{.flags = MODIS_KS_RO | MODIS_KS_ACCESS,
                                           .begin_type = MODIS_KS_BEGIN_INDEX,
                                           .bs_index = 1,
                                           .find_type = MODIS_KS_FIND_RANGE,
                                           .fk_lastkey = 0,
                                           .fk_keystep = 1,
                                           .fk_limit = 0},
                                          {0}};

static const modis_arg get_args[] = {{.name = "key", .type = MODIS_ARG_KEY, .key_spec_index = 0},
                                     {0}};

static const modis_command dup_commands[] = {{.name = "get",
                                              .handler = cmd_dup,
                                              .arity = 2,
                                              .flags = "readonly fast",
                                              .acl_categories = "string",
                                              .key_specs = get_keys,
                                              .summary = "A clash with the strings module.",
                                              .since = "0.0.1",
                                              .group = "module",
                                              .complexity = "O(1)",
                                              .args = get_args},
                                             {.name = "ping",
                                              .handler = cmd_dup,
                                              .arity = -1,
                                              .flags = "fast",
                                              .acl_categories = "connection",
                                              .summary = "A clash with the admin module.",
                                              .since = "0.0.1",
                                              .group = "module",
                                              .complexity = "O(1)"},
                                             {0}};

static int dup_on_load(const modis_api *api, modis_module_ctx *m)
{
    for (const modis_command *c = dup_commands; c->name; c++)
        if (api->register_command(m, c) != MODIS_OK)
            return MODIS_ERR;
    return MODIS_OK;
}

static const modis_module dup_module = {
    MODIS_MODULE_HEADER,
    .name = "bad_dupcmd",
    .version = "0.0.1",
    .on_load = dup_on_load,
};

MODIS_MODULE_DEFINE(dup_module)
