/* admin.h: shared declarations of the admin module (server and connection commands). */
#ifndef MODIS_ADMIN_H
#define MODIS_ADMIN_H

#include "modis/module.h"

/* The host API, kept from on_load for the module's whole life. */
extern const modis_api *M;

/* A command handler by full name ("ping", "client|kill"), so that the
 * metadata tables in commands.c and the static handlers in t_*.c meet at
 * load time. Arrays end with a NULL name. */
typedef struct admin_handler {
    const char *fullname;
    modis_cmd_fn fn;
} admin_handler;

/* The metadata of every admin command (commands.c). Leaves get their
 * handler from the tables below before registration. */
extern modis_command admin_commands[];

extern const admin_handler admin_connection_handlers[]; /* t_connection.c */
extern const admin_handler admin_client_handlers[];     /* t_client.c */
extern const admin_handler admin_server_handlers[];     /* t_server.c */
extern const admin_handler admin_config_handlers[];     /* t_config.c */
extern const admin_handler admin_command_handlers[];    /* t_command.c */
extern const admin_handler admin_module_handlers[];     /* t_module.c */

/* Replies the array of loaded modules as Redis's MODULE LIST (t_connection.c). */
void admin_reply_modules(modis_ctx *ctx);
/* Strict integer parsing as Redis's string2ll (no spaces, no '+', no
 * leading zeros, at most 20 characters): returns 0, or -1. */
int admin_parse_ll(const modis_str *s, long long *out);
/* Case-insensitive comparison of an argument with a literal: 1 when equal. */
int admin_arg_is(const modis_str *s, const char *lit);
/* Redis's stringmatchlen: glob match of pattern against str (* ? [..] \). */
int admin_glob_match(const char *pat, size_t plen, const char *str, size_t slen, int nocase);
/* Replies the help array of a container command as Redis's addReplyHelp:
 * "<ARGV0> <subcommand> ...", the lines, then "HELP" / "Prints this help.". */
void admin_reply_help(modis_ctx *ctx, const modis_str *argv0, const char *const *lines);
/* "ERR unknown subcommand or wrong number of arguments for '<sub>'. Try <CMD> HELP." */
void admin_reply_subcommand_syntax(modis_ctx *ctx, const modis_str *argv);
/* Copies an argument into a NUL-terminated buffer from M->alloc (caller frees). */
char *admin_strdup(const modis_str *s);

#endif
