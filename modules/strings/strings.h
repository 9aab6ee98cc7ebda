/* strings.h: internal declarations shared by the files of the strings module. */
#ifndef MODIS_STRINGS_H
#define MODIS_STRINGS_H

#include <stddef.h>
#include <stdint.h>

#include "modis/module.h"

/* The host API table and the registered "string" type (module.c). Hidden
 * visibility keeps both private to this .so. */
extern const modis_api *M;
extern modis_type *string_type;

/* ---------------------------------------------------------------------------
 * util.c: strict number parsing and formatting, as Redis's util.c does it.
 * ------------------------------------------------------------------------- */

/* Enough for any long long in decimal plus the NUL. */
#define UTIL_LL_BUF 24
/* Redis's MAX_LONG_DOUBLE_CHARS: the longest long double text accepted or produced. */
#define UTIL_LD_BUF (5 * 1024)

/* Parses s[0..len) as a long long exactly as Redis's string2ll: optional '-',
 * no '+', no spaces, no leading zeros, nothing after the digits, in range.
 * Returns 1 and stores *out on success, 0 otherwise (*out untouched). */
int util_str_to_ll(const char *s, size_t len, long long *out);
/* Parses s[0..len) as a long double as Redis 7.0's string2ld: strtold over the
 * whole buffer (hex, exponents and "inf" accepted), no leading space, no
 * trailing bytes, no NaN, no overflow; underflow to zero is refused.
 * Returns 1 and stores *out, or 0. */
int util_str_to_ld(const char *s, size_t len, long double *out);
/* Writes v in decimal into buf (cap >= UTIL_LL_BUF), NUL-terminated; returns
 * its length. */
size_t util_ll_to_str(char *buf, size_t cap, long long v);
/* Formats v as Redis's ld2string in human-friendly mode ("%.17Lf" with the
 * trailing zeros and a bare '.' removed, "-0" shown as "0", "inf"/"-inf").
 * buf should have UTIL_LD_BUF bytes; returns the length (0 when it does not
 * fit, with buf holding ""). */
size_t util_ld_to_str_human(char *buf, size_t cap, long double v);
/* Number of decimal characters of v (what STRLEN reports for an integer). */
size_t util_ll_digits(long long v);
/* True when arg, read as a C string (up to its first NUL, as Redis compares
 * options), equals the token tok ignoring ASCII case. */
int util_arg_is(const modis_str *arg, const char *tok);

/* ---------------------------------------------------------------------------
 * strobj.c: the value encodings of a string key.
 *
 * The key's value area starts with a tag byte:
 *   STR_TAG_INT  [tag][1..8 bytes]  a signed integer, little-endian two's
 *                                   complement, width = size - 1 ("int")
 *   STR_TAG_EMB  [tag][bytes]       the bytes inline, len = size - 1 ("embstr")
 *   STR_TAG_RAW  [tag][ptr][len]    ptr (8 bytes) to a separate allocation
 *                                   from M->alloc holding len (8 bytes) bytes;
 *                                   its capacity is M->usable_size(ptr); ptr
 *                                   is NULL when nothing was allocated ("raw")
 * The encoding a command produces follows Redis so OBJECT ENCODING agrees:
 * SET-like commands use strobj_store (int, embstr up to 44 bytes, else raw),
 * INCR-like ones strobj_store_int, INCRBYFLOAT strobj_store_str, and in-place
 * edits (APPEND, SETRANGE) turn the value raw first.
 * ------------------------------------------------------------------------- */

#define STR_TAG_INT 1
#define STR_TAG_EMB 2
#define STR_TAG_RAW 3
/* Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
#define STR_EMBSTR_MAX 44
/* Longest text that Redis tries to store as an integer. */
#define STR_INT_MAX_CHARS 20
#define STR_RAW_AREA (1 + sizeof(void *) + sizeof(uint64_t))

/* A read-only view of a string value's bytes. For an integer the digits are
 * formatted into buf, so ptr may point into the view itself: keep the view
 * where it was filled. ptr is valid until the key is written or deleted. */
typedef struct strview {
    const char *ptr;
    size_t len;
    char buf[UTIL_LL_BUF];
} strview;

void strobj_view(const void *area, size_t size, strview *v);
/* The length of the value (for an integer, its number of digits). */
size_t strobj_len(const void *area, size_t size);
/* Reads the value as an integer as Redis's getLongLongFromObject: an int
 * encoding directly, a string through util_str_to_ll. Returns 1 or 0. */
int strobj_get_ll(const void *area, size_t size, long long *out);
/* Reads the value as a long double (INCRBYFLOAT). Returns 1 or 0. */
int strobj_get_ld(const void *area, size_t size, long double *out);

/* Smallest width (1..8 bytes) holding v as a signed integer. */
size_t strobj_int_width(long long v);
/* Writes an int-encoded value of width bytes (size = width + 1) into area. */
void strobj_write_int(void *area, size_t width, long long v);
/* Reads an int-encoded value. */
long long strobj_read_int(const void *area, size_t size);

/* The RAW area's pointer and length; strobj_raw_set stores both. */
char *strobj_raw_ptr(const void *area);
size_t strobj_raw_len(const void *area);
void strobj_raw_set(void *area, char *ptr, size_t len);
/* Makes sure the RAW area's buffer can hold newlen bytes, growing it as sds
 * does (double below 1 MB, +1 MB above) and keeping its contents; returns the
 * buffer. The length stored in the area is not changed. */
char *strobj_raw_reserve(void *area, size_t newlen);
/* The area size and tag a value of these bytes gets from strobj_store. For
 * STR_TAG_INT *iv receives the integer. */
size_t strobj_classify(const char *p, size_t len, int *tag, long long *iv);

/* Keyspace writers: each creates or replaces key in db with a string value
 * (set_value flags: MODIS_SET_KEEPTTL or 0) and returns the new area.
 * strobj_store: the encoding SET gives (int when the bytes are a canonical
 *   integer of at most 20 characters, embstr up to 44 bytes, raw beyond).
 * strobj_store_str: embstr up to 44 bytes, raw beyond (never int).
 * strobj_store_int: the int encoding.
 * strobj_store_raw: a raw value; takes over buf (from M->alloc, or NULL
 *   when len is 0). */
void *strobj_store(modis_ctx *ctx, modis_db *db, const modis_str *key, const char *p, size_t len,
                   int flags);
void *strobj_store_str(modis_ctx *ctx, modis_db *db, const modis_str *key, const char *p,
                       size_t len, int flags);
void *strobj_store_int(modis_ctx *ctx, modis_db *db, const modis_str *key, long long v, int flags);
void *strobj_store_raw(modis_ctx *ctx, modis_db *db, const modis_str *key, char *buf, size_t len,
                       int flags);
/* Turns the existing string value of key into the raw encoding (keeping its
 * TTL) when it is not raw yet; returns the (possibly new) area. */
void *strobj_unshare(modis_ctx *ctx, modis_db *db, const modis_str *key, void *area, size_t size);

/* Type methods (registered by module.c). */
void strobj_free(void *area, size_t size);
void strobj_copy(void *dst, const void *src, size_t size);
size_t strobj_mem_usage(const void *area, size_t size);
const char *strobj_encoding_name(const void *area, size_t size);
long long strobj_refcount(modis_ctx *ctx, const void *area, size_t size);

/* ---------------------------------------------------------------------------
 * Shared command helpers (t_string.c, t_range.c)
 * ------------------------------------------------------------------------- */

/* The server's proto-max-bulk-len (bytes), read through config_get, or
 * Redis's default 512 MB when the server does not report it. */
long long strings_proto_max_bulk_len(modis_ctx *ctx);
/* Redis's checkStringLength: replies the error and returns MODIS_ERR when
 * size + append exceeds proto-max-bulk-len (or overflows). */
int strings_check_length(modis_ctx *ctx, unsigned long long size, unsigned long long append);

/* ---------------------------------------------------------------------------
 * Command metadata. commands.c holds the shared pieces (key specs ending with
 * begin_type 0, arguments ending with a NULL name, history ending with a NULL
 * version); each t_*.c file holds the table of its own commands, ending with a
 * NULL name, which module.c registers.
 * ------------------------------------------------------------------------- */

#define STRINGS_O1 "O(1)"
#define STRINGS_RANGE_COMPLEXITY                                                                   \
    "O(N) where N is the length of the returned string. The returned length bounds the "           \
    "cost, and copying out a short substring is cheap, so for small strings it is "                \
    "effectively O(1)."

extern const modis_arg strings_args_getex[];
extern const modis_arg strings_args_incrbyfloat[];
extern const modis_arg strings_args_key[];
extern const modis_arg strings_args_key_decrement[];
extern const modis_arg strings_args_key_increment[];
extern const modis_arg strings_args_key_value[];
extern const modis_arg strings_args_lcs[];
extern const modis_arg strings_args_mget[];
extern const modis_arg strings_args_mset[];
extern const modis_arg strings_args_psetex[];
extern const modis_arg strings_args_range[];
extern const modis_arg strings_args_set[];
extern const modis_arg strings_args_setex[];
extern const modis_arg strings_args_setrange[];
extern const modis_history strings_history_set[];
extern const modis_key_spec strings_ks_getex[];
extern const modis_key_spec strings_ks_lcs[];
extern const modis_key_spec strings_ks_mget[];
extern const modis_key_spec strings_ks_mset[];
extern const modis_key_spec strings_ks_msetnx[];
extern const modis_key_spec strings_ks_ow_insert[];
extern const modis_key_spec strings_ks_ow_update[];
extern const modis_key_spec strings_ks_ro[];
extern const modis_key_spec strings_ks_ro_access[];
extern const modis_key_spec strings_ks_rw_access_delete[];
extern const modis_key_spec strings_ks_rw_access_update[];
extern const modis_key_spec strings_ks_rw_insert[];
extern const modis_key_spec strings_ks_rw_update[];
extern const modis_key_spec strings_ks_set[];

extern const modis_command strings_string_commands[]; /* t_string.c */
/* SET's key flags for one call (set_key_flags). */
int strings_set_key_flags(const modis_str *argv, int argc, int pos, int spec_flags);
extern const modis_command strings_incr_commands[];   /* t_incr.c */
extern const modis_command strings_range_commands[];  /* t_range.c */
extern const modis_command strings_lcs_commands[];    /* t_lcs.c */

#endif /* MODIS_STRINGS_H */
