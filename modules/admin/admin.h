/* admin.h: shared declarations of the admin module (server and connection commands). */
#ifndef MODIS_ADMIN_H
#define MODIS_ADMIN_H

#include "modis/module.h"

extern const modis_api *M;

extern const modis_command admin_connection_commands[];
extern const modis_command admin_server_commands[];

/* Strict integer parsing as Redis's string2ll: returns 0 or -1. */
int admin_parse_ll(const modis_str *s, long long *out);
/* Case-insensitive comparison of an argument with a literal. */
int admin_arg_is(const modis_str *s, const char *lit);

#endif
