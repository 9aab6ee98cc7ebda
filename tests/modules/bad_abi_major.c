/* bad_abi_major.c: a module built for the next ABI major (the loader must refuse it). */
#include <modis/module.h>

static int bad_on_load(const modis_api *api, modis_module_ctx *m)
{
    (void)api;
    (void)m;
    return MODIS_OK;
}

static const modis_module bad_module = {
    .magic = MODIS_MODULE_MAGIC,
    .abi_major = MODIS_ABI_MAJOR + 1,
    .abi_minor = 0,
    .size = sizeof(modis_module),
    .name = "bad_abi_major",
    .version = "0.0.1",
    .on_load = bad_on_load,
};

MODIS_MODULE_DEFINE(bad_module)
