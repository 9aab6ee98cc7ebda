/* module.h: the module loader: dlopen, descriptor and ABI checks, registration, unload. */
#ifndef MODIS_MODULE_LOADER_H
#define MODIS_MODULE_LOADER_H

#include "server.h"

/* Loads a module from path (config: its "config" object, a json_t * or NULL;
 * want_name: the name the config gives it, or NULL). On failure returns -1
 * with "module <name> (<path>): <reason>" in err. */
int module_load(const char *want_name, const char *path, void *config, char *err, size_t errlen);
/* Unloads by name; -1 with the reason in err when refused. */
int module_unload(const char *name, char *err, size_t errlen);
module *module_find(const char *name);
void module_unload_all(void);
/* The directory modules are found in when given by name. */
const char *module_default_dir(void);
/* Registration and config accessors behind the API table (api.c). */
int module_api_register_command(modis_module_ctx *mc, const modis_command *cmd);
modis_type *module_api_register_type(modis_module_ctx *mc, const modis_type_methods *m);
int module_api_config_int(modis_module_ctx *mc, const char *name, long long *out);
int module_api_set_key_flags(modis_module_ctx *mc, const modis_command *cmd,
                             modis_key_flags_fn fn);
int module_api_config_watch(modis_module_ctx *mc, const char *name,
                            void (*fn)(void *priv, const char *value), void *priv);
int module_api_config_double(modis_module_ctx *mc, const char *name, double *out);
int module_api_config_bool(modis_module_ctx *mc, const char *name, int *out);
int module_api_config_string(modis_module_ctx *mc, const char *name, const char **out);
void module_api_load_error(modis_module_ctx *mc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The host API table handed to every module. */
const modis_api *module_api(void);

#endif
