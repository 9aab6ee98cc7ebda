/* keys.h: private declarations shared by the files of the keys module. */
#ifndef MODIS_KEYS_H
#define MODIS_KEYS_H

#include <modis/module.h>

/* The host API, set once in on_load (hidden visibility keeps it private). */
extern const modis_api *M;

/* Command tables, one per handler file, each ending with a NULL name;
 * on_load registers them all. Their argument, key-spec and history arrays
 * live in commands.c (declared in commands.h). */
extern const modis_command keys_generic_commands[]; /* t_keys.c */
extern const modis_command keys_scan_commands[];    /* t_scan.c */
extern const modis_command keys_expire_commands[];  /* t_expire.c */
extern const modis_command keys_object_commands[];  /* t_object.c */

/* Helpers (util.c). */

/* Parses s as Redis's string2ll: optional '-', no '+', no spaces, no leading
 * zeros, fits a long long. Returns 1 and sets *out, or 0. */
int keys_parse_ll(const modis_str *s, long long *out);

/* As getLongLongFromObjectOrReply: replies "ERR value is not an integer or
 * out of range" and returns MODIS_ERR when s is not an integer. */
int keys_ll_or_reply(modis_ctx *ctx, const modis_str *s, long long *out);

/* As getIntFromObjectOrReply: an integer in int range. On failure replies
 * msg (with "ERR " already in it) when msg is not NULL, else Redis's default
 * texts, and returns MODIS_ERR. */
int keys_int_or_reply(modis_ctx *ctx, const modis_str *s, int *out, const char *msg);

/* Length of s up to its first NUL byte: what Redis's C-string functions
 * (strcasecmp, %s) see of an argument. */
size_t keys_cstrlen(const modis_str *s);

/* strcasecmp(s, lit) == 0 on s seen as a C string. */
int keys_arg_is(const modis_str *s, const char *lit);

/* An error reply formatted like Redis's addReplyErrorFormat: newlines at the
 * ends trimmed, inner CR/LF turned into spaces. fmt includes the "ERR " code. */
void keys_reply_errorf(modis_ctx *ctx, const char *fmt, ...) MODIS_PRINTF(2, 3);

/* Looks key up without touching it (MODIS_LOOKUP_NOTOUCH: EXISTS, TYPE,
 * TTL, OBJECT ...) and still counts a keyspace hit or miss, as Redis's
 * LOOKUP_NOTOUCH lookups do; the expired key is reclaimed first. Returns 1
 * when the key holds a live value. */
int keys_probe(modis_ctx *ctx, modis_db *db, const modis_str *key);

/* Case-sensitive byte equality of two strings. */
int keys_str_eq(const modis_str *a, const modis_str *b);

#endif
