/* bad_dupname.c: a module that calls itself "admin", a name the first-party admin module holds. */
#include <modis/module.h>

static int dupname_on_load(const modis_api *api, modis_module_ctx *m)
{
    (void)api;
    (void)m;
    return MODIS_OK;
}

static const modis_module dupname_module = {
    MODIS_MODULE_HEADER,
    .name = "admin",
    .version = "6.6.6",
    .on_load = dupname_on_load,
};

MODIS_MODULE_DEFINE(dupname_module)
