/* bad_initfail.c: a module whose on_load refuses to load with a load_error message. */
#include <modis/module.h>

/* BADINIT.PING: registered before the failure; the loader must drop it again. */
static void cmd_badinit_ping(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    (void)ctx;
}

static const modis_command badinit_ping = {
    .name = "badinit.ping",
    .handler = cmd_badinit_ping,
    .arity = 1,
    .flags = "fast",
    .summary = "Never reachable: the module fails to load.",
    .since = "0.0.1",
    .group = "module",
    .complexity = "O(1)",
};

static int bad_on_load(const modis_api *api, modis_module_ctx *m)
{
    long long answer = 0;
    if (api->register_command(m, &badinit_ping) != MODIS_OK)
        return MODIS_ERR;
    api->config_int(m, "answer", &answer);
    api->load_error(m, "the answer is %lld, expected 42", answer);
    return MODIS_ERR;
}

static const modis_module bad_module = {
    MODIS_MODULE_HEADER,
    .name = "bad_initfail",
    .version = "0.0.1",
    .on_load = bad_on_load,
};

MODIS_MODULE_DEFINE(bad_module)
