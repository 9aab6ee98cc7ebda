/* dispatch.h: the command table: registration with metadata checks, lookup, checks, calls. */
#ifndef MODIS_DISPATCH_H
#define MODIS_DISPATCH_H

#include "server.h"

void dispatch_init(void);
void dispatch_deinit(void);
/* Validates def (and its subcommands) and adds it. owner NULL = the core.
 * On failure returns -1 with a message naming the clash or the bad field. */
int dispatch_register(module *owner, const modis_command *def, char *err, size_t errlen);
/* Removes every command of m. */
void dispatch_unregister_module(module *m);
/* Renames (newname non-empty) or removes (newname "" or NULL) a command. */
int dispatch_rename(const char *name, const char *newname, char *err, size_t errlen);
command *dispatch_lookup(const char *name, size_t len);
/* The same, trying `hint` (a command found before, or NULL) first: pipelines
 * repeat commands. */
command *dispatch_lookup_hint(command *hint, const char *name, size_t len);
/* The command argv addresses, descending into a container's subcommand. */
command *dispatch_lookup_argv(const modis_str *argv, int argc);
/* Runs one request of client c through every check and, if they pass, the
 * handler. Returns 1 when the request was postponed (CLIENT PAUSE): the
 * caller keeps it and retries when the pause ends; 0 otherwise. */
int dispatch_process(client *c, const modis_str *argv, int argc);
/* Feeds a command to MONITOR clients. */
void dispatch_feed_monitors(client *c, const modis_str *argv, int argc, uint64_t redacted);
/* Calls cmd's handler for c with stats; used by EXEC too. */
void dispatch_call(client *c, command *cmd, const modis_str *argv, int argc);
/* Re-runs a blocked client's command; returns 1 if it is still blocked. */
int dispatch_reexec(client *c, command *cmd, const modis_str *argv, int argc,
                    const modis_str *ready_key);
/* Calls fn for every top-level command. */
void dispatch_foreach(void (*fn)(void *priv, command *cmd), void *priv);
/* Flag / ACL category names, in Redis's order. */
int dispatch_flag_names(uint32_t flags, const char **out, int cap);
int dispatch_acl_names(uint64_t acl, const char **out, int cap);
int dispatch_acl_parse(const char *name, uint64_t *bit);
/* Key positions for COMMAND GETKEYS; returns count or -1. */
int dispatch_getkeys(command *cmd, const modis_str *argv, int argc, int *pos, int cap);
void dispatch_reset_stats(void);

#endif
