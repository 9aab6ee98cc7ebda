/* bad_magic.c: a module whose descriptor carries the wrong magic number (the loader must refuse
 * it). */
#include <modis/module.h>

static int bad_on_load(const modis_api *api, modis_module_ctx *m)
{
    (void)api;
    (void)m;
    return MODIS_OK;
}

static const modis_module bad_module = {
    .magic = 0x4d4f4430u, /* "MOD0": not MODIS_MODULE_MAGIC */
    .abi_major = MODIS_ABI_MAJOR,
    .abi_minor = MODIS_ABI_MINOR,
    .size = sizeof(modis_module),
    .name = "bad_magic",
    .version = "0.0.1",
    .on_load = bad_on_load,
};

MODIS_MODULE_DEFINE(bad_module)
