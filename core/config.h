/* config.h: the JSON config file, command-line overrides, and CONFIG GET/SET/REWRITE. */
#ifndef MODIS_CONFIG_H
#define MODIS_CONFIG_H

#include <stddef.h>

/* Sets every parameter to its default. */
void config_defaults(void);
/* Loads path (NULL: defaults only, no modules). Parameters are applied;
 * modules are recorded for config_load_modules. Returns 0, or -1 with a
 * message naming the file, line/column or key in err. */
int config_load_file(const char *path, char *err, size_t errlen);
/* Applies "--name value" overrides; returns 0 or -1 with err. */
int config_apply_override(const char *name, const char *value, char *err, size_t errlen);
/* Loads the modules the config lists (after the core is set up), applying
 * disabled-commands and rename-commands. Returns 0 or -1 with err. */
int config_load_modules(char *err, size_t errlen);
/* CONFIG GET: calls fn for each parameter matching pattern (glob, case-insensitive). */
void config_get_matching(const char *pattern, void (*fn)(void *priv, const char *name, const char *value),
                         void *priv);
/* CONFIG SET of one parameter; -1 with Redis's reason text in err. The
 * special error "unknown" means the name is not a parameter (or not mutable). */
int config_set_param(const char *name, const char *value, size_t len, char *err, size_t errlen);
int config_rewrite(char *err, size_t errlen);
/* Frees the loaded document. */
void config_free(void);
/* Calls fn(priv, value) with the parameter's current text now and after each
 * successful CONFIG SET of it, until config_unwatch_owner(owner). Returns -1
 * when name is not a parameter. */
int config_watch(const char *name, void (*fn)(void *priv, const char *value), void *priv,
                 const void *owner);
void config_unwatch_owner(const void *owner);
/* The name of the maxmemory-policy in effect (INFO). */
const char *config_policy_name(void);
/* Redis glob match (for CONFIG GET patterns). */
int config_glob_match(const char *pat, size_t plen, const char *str, size_t slen, int nocase);

#endif
