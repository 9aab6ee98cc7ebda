/* lists.h: what the files of the lists module share: the API table, the list type and helpers. */
#ifndef MODIS_LISTS_LISTS_H
#define MODIS_LISTS_LISTS_H

#include <modis/module.h>

#include "qlist.h"

/* The server's API table and the list type, set by on_load. */
extern const modis_api *M;
extern modis_type *list_type;

/* ---- command table (commands.c) ------------------------------------------
 * lists_commands: the metadata of every command, NULL-name terminated; the
 * handler fields are filled by the t_*.c files through lists_set_handler
 * before registration. */
extern modis_command lists_commands[];
void lists_set_handler(const char *name, modis_cmd_fn fn);
void t_list_bind(void);
void t_block_bind(void);

/* ---- keys (module.c) ------------------------------------------------------ */

/* Looks key up as a list. Returns MODIS_KEY_FOUND with *out set,
 * MODIS_KEY_MISSING, or MODIS_KEY_WRONGTYPE. mode: MODIS_LOOKUP_*. */
int list_lookup(modis_ctx *ctx, modis_db *db, const modis_str *key, int mode, qlist **out);
/* Creates key holding a new empty list (signals WATCH and waiters). */
qlist *list_create_key(modis_ctx *ctx, modis_db *db, const modis_str *key);
/* After a write: deletes key when ql is empty, and signals WATCH. */
void list_written(modis_ctx *ctx, modis_db *db, const modis_str *key, const qlist *ql);

/* ---- arguments (module.c) ------------------------------------------------- */

/* Parses a as a long the way Redis's getLongFromObject does; 1 on success. */
int arg_long(const modis_str *a, long *out);
/* Parses a as a long or replies "ERR value is not an integer or out of
 * range"; MODIS_OK or MODIS_ERR. */
int arg_long_or_reply(modis_ctx *ctx, const modis_str *a, long *out);
/* Parses a as a long in [min, max] or replies "ERR <msg>" (for a bad
 * number too, as Redis's getRangeLongFromObjectOrReply with a message). */
int arg_range_or_reply(modis_ctx *ctx, const modis_str *a, long min, long max, const char *msg,
                       long *out);
/* Case-insensitive comparison of an argument with a lower-case word. */
int arg_is(const modis_str *a, const char *word);
/* LEFT/RIGHT into QL_HEAD/QL_TAIL, or replies the syntax error; MODIS_OK
 * or MODIS_ERR. */
int arg_where_or_reply(modis_ctx *ctx, const modis_str *a, int *where);

/* ---- replies (module.c) --------------------------------------------------- */

/* Replies the elements start..start+n-1 (start >= 0, within the list) as
 * an array, towards the tail, or from start towards the head when reverse. */
void reply_list_range(modis_ctx *ctx, qlist *ql, long start, long n, int reverse);
/* Pops up to count elements from the head or tail of the list at key and
 * replies [key, [elements]] (LMPOP/BLMPOP); deletes the key when emptied. */
void pop_range_with_key(modis_ctx *ctx, modis_db *db, const modis_str *key, qlist *ql, int where,
                        long count);
/* LMOVE's core once the source list is known to hold elements: checks the
 * destination's type (replying WRONGTYPE), moves one element, replies it;
 * returns MODIS_OK when it moved one. */
int move_element(modis_ctx *ctx, modis_db *db, const modis_str *src, qlist *sql,
                 const modis_str *dst, int wherefrom, int whereto);
/* Propagates "<LPOP|RPOP> key [count]" in place of the command executed. */
void propagate_pop(modis_ctx *ctx, int where, const modis_str *key, long count);

#endif
