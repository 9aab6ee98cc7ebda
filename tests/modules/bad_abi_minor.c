/* bad_abi_minor.c: a module that declares a newer ABI minor than the server's (the loader must
 * refuse it). */
#include <modis/module.h>

static int bad_on_load(const modis_api *api, modis_module_ctx *m)
{
    (void)api;
    (void)m;
    return MODIS_OK;
}

static const modis_module bad_module = {
    .magic = MODIS_MODULE_MAGIC,
    .abi_major = MODIS_ABI_MAJOR,
    .abi_minor = MODIS_ABI_MINOR + 1,
    .size = sizeof(modis_module),
    .name = "bad_abi_minor",
    .version = "0.0.1",
    .on_load = bad_on_load,
};

MODIS_MODULE_DEFINE(bad_module)
