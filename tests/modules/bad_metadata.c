/* bad_metadata.c: a module whose command metadata is invalid (the fault is chosen by config
 * "fault"). */
#include <string.h>

#include <modis/module.h>

static void cmd_bad(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)ctx;
    (void)argv;
    (void)argc;
}

/* begin_search by keyword without a keyword. */
static const modis_key_spec no_keyword[] = {{.flags = MODIS_KS_RO,
                                             .begin_type = MODIS_KS_BEGIN_KEYWORD,
                                             .bs_keyword = NULL,
                                             .bs_startfrom = 1,
                                             .find_type = MODIS_KS_FIND_RANGE,
                                             .fk_lastkey = 0,
                                             .fk_keystep = 1},
                                            {0}};

/* A find_keys type that does not exist. */
static const modis_key_spec bad_find[] = {
    {.flags = MODIS_KS_RO, .begin_type = MODIS_KS_BEGIN_INDEX, .bs_index = 1, .find_type = 7}, {0}};

/* A key argument that points past the command's only key spec. */
static const modis_key_spec one_key[] = {{.flags = MODIS_KS_RW,
                                          .begin_type = MODIS_KS_BEGIN_INDEX,
                                          .bs_index = 1,
                                          .find_type = MODIS_KS_FIND_RANGE,
                                          .fk_lastkey = 0,
                                          .fk_keystep = 1},
                                         {0}};
static const modis_arg key_arg_1[] = {{.name = "key", .type = MODIS_ARG_KEY, .key_spec_index = 1},
                                      {0}};

/* A oneof without alternatives. */
static const modis_arg empty_oneof[] = {{.name = "choice", .type = MODIS_ARG_ONEOF}, {0}};

/* One command per fault; the module registers the one its config asks for. */
static const struct fault {
    const char *name;
    modis_command cmd;
} faults[] = {{"flag",
               {.name = "bad.flag",
                .handler = cmd_bad,
                .arity = 1,
                .flags = "readonly superfast",
                .summary = "Carries a flag Redis does not know.",
                .group = "module"}},
              {"acl",
               {.name = "bad.acl",
                .handler = cmd_bad,
                .arity = 1,
                .flags = "fast",
                .acl_categories = "string sometimes",
                .summary = "Names an unknown ACL category.",
                .group = "module"}},
              {"keyspec",
               {.name = "bad.keyspec",
                .handler = cmd_bad,
                .arity = 2,
                .flags = "readonly",
                .key_specs = no_keyword,
                .summary = "Searches for a keyword it never names.",
                .group = "module"}},
              {"findkeys",
               {.name = "bad.findkeys",
                .handler = cmd_bad,
                .arity = 2,
                .flags = "readonly",
                .key_specs = bad_find,
                .summary = "Uses an unknown find_keys type.",
                .group = "module"}},
              {"keyarg",
               {.name = "bad.keyarg",
                .handler = cmd_bad,
                .arity = 2,
                .flags = "write",
                .key_specs = one_key,
                .args = key_arg_1,
                .summary = "Its key argument names a key spec that does not exist.",
                .group = "module"}},
              {"oneof",
               {.name = "bad.oneof",
                .handler = cmd_bad,
                .arity = 2,
                .flags = "fast",
                .args = empty_oneof,
                .summary = "Offers a choice without alternatives.",
                .group = "module"}},
              {"arity",
               {.name = "bad.arity",
                .handler = cmd_bad,
                .arity = 0,
                .flags = "fast",
                .summary = "Declares arity 0.",
                .group = "module"}},
              {"name",
               {.name = "bad name",
                .handler = cmd_bad,
                .arity = 1,
                .flags = "fast",
                .summary = "Has a space in its name.",
                .group = "module"}},
              {"handler",
               {.name = "bad.nohandler",
                .handler = NULL,
                .arity = 1,
                .flags = "fast",
                .summary = "Has neither a handler nor subcommands.",
                .group = "module"}},
              {NULL, {0}}};

static int bad_on_load(const modis_api *api, modis_module_ctx *m)
{
    const char *want = "flag";
    api->config_string(m, "fault", &want);
    for (const struct fault *f = faults; f->name; f++)
        if (strcmp(f->name, want) == 0)
            return api->register_command(m, &f->cmd);
    api->load_error(m, "config: unknown fault '%s'", want);
    return MODIS_ERR;
}

static const modis_module bad_module = {
    MODIS_MODULE_HEADER,
    .name = "bad_metadata",
    .version = "0.0.1",
    .on_load = bad_on_load,
};

MODIS_MODULE_DEFINE(bad_module)
