/* t_incr.c: the counter commands: INCR, DECR, INCRBY, DECRBY and INCRBYFLOAT. */
#include <limits.h>
#include <math.h>

#include "strings.h"

/* Redis's incrDecrCommand: adds incr to the integer at argv[1] (a missing
 * key counts as 0) and replies the result. An int-encoded value is updated
 * in place (its area grows when the result needs more bytes); any other
 * value is replaced by an int-encoded one, keeping the TTL. */
static void incr_generic(modis_ctx *ctx, const modis_str *argv, long long incr)
{
    modis_db *db = M->db(ctx);
    const modis_str *key = &argv[1];
    long long value = 0;
    void *area;
    size_t size;
    int r = M->lookup(ctx, db, key, string_type, MODIS_LOOKUP_WRITE, &area, &size);

    if (r == MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
        return;
    }
    if (r == MODIS_KEY_FOUND && !strobj_get_ll(area, size, &value)) {
        M->reply_error(ctx, MODIS_ERR_NOT_INTEGER);
        return;
    }
    if ((incr < 0 && value < 0 && incr < LLONG_MIN - value) ||
        (incr > 0 && value > 0 && incr > LLONG_MAX - value)) {
        M->reply_error(ctx, MODIS_ERR_OVERFLOW);
        return;
    }
    value += incr;

    if (r == MODIS_KEY_FOUND && ((unsigned char *)area)[0] == STR_TAG_INT) {
        size_t width = strobj_int_width(value);
        /* Keep a wider area as it is: the next update will likely fit again. */
        if (width > size - 1)
            area = M->resize_value(ctx, db, key, 1 + width);
        else
            width = size - 1;
        strobj_write_int(area, width, value);
        M->signal_modified(ctx, db, key);
    } else {
        strobj_store_int(ctx, db, key, value, r == MODIS_KEY_FOUND ? MODIS_SET_KEEPTTL : 0);
    }
    M->reply_int(ctx, value);
    M->propagate_verbatim(ctx);
}

/* INCR key */
static void cmd_incr(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    incr_generic(ctx, argv, 1);
}

/* DECR key */
static void cmd_decr(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    incr_generic(ctx, argv, -1);
}

/* INCRBY key increment */
static void cmd_incrby(modis_ctx *ctx, const modis_str *argv, int argc)
{
    long long incr;
    (void)argc;

    if (!util_str_to_ll(argv[2].ptr, argv[2].len, &incr)) {
        M->reply_error(ctx, MODIS_ERR_NOT_INTEGER);
        return;
    }
    incr_generic(ctx, argv, incr);
}

/* DECRBY key decrement */
static void cmd_decrby(modis_ctx *ctx, const modis_str *argv, int argc)
{
    long long incr;
    (void)argc;

    if (!util_str_to_ll(argv[2].ptr, argv[2].len, &incr)) {
        M->reply_error(ctx, MODIS_ERR_NOT_INTEGER);
        return;
    }
    if (incr == LLONG_MIN) {
        M->reply_error(ctx, "ERR decrement would overflow");
        return;
    }
    incr_generic(ctx, argv, -incr);
}

/* INCRBYFLOAT key increment */
static void cmd_incrbyfloat(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    const modis_str *key = &argv[1];
    long double value = 0, incr;
    char buf[UTIL_LD_BUF];
    size_t len;
    void *area;
    size_t size;
    int r = M->lookup(ctx, db, key, string_type, MODIS_LOOKUP_WRITE, &area, &size);
    (void)argc;

    if (r == MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
        return;
    }
    if ((r == MODIS_KEY_FOUND && !strobj_get_ld(area, size, &value)) ||
        !util_str_to_ld(argv[2].ptr, argv[2].len, &incr)) {
        M->reply_error(ctx, MODIS_ERR_NOT_FLOAT);
        return;
    }
    value += incr;
    if (isnan(value) || isinf(value)) {
        M->reply_error(ctx, "ERR increment would produce NaN or Infinity");
        return;
    }
    len = util_ld_to_str_human(buf, sizeof buf, value);
    /* Stored as text (embstr or raw, never int), as Redis does. */
    strobj_store_str(ctx, db, key, buf, len, r == MODIS_KEY_FOUND ? MODIS_SET_KEEPTTL : 0);
    M->reply_bulk(ctx, buf, len);

    /* Propagate the result, not the float arithmetic. */
    {
        modis_str rw[4] = {{"SET", 3}, *key, {buf, len}, {"KEEPTTL", 7}};
        M->propagate(ctx, rw, 4);
    }
}

/* The commands of this file, with their COMMAND INFO / COMMAND DOCS metadata. */
const modis_command strings_incr_commands[] = {
    {.name = "decr",
     .handler = cmd_decr,
     .arity = 2,
     .flags = "write denyoom fast",
     .acl_categories = "string",
     .key_specs = strings_ks_rw_access_update,
     .summary = "Subtracts one from the integer stored at a key.",
     .since = "1.0.0",
     .group = "string",
     .complexity = STRINGS_O1,
     .args = strings_args_key},
    {.name = "decrby",
     .handler = cmd_decrby,
     .arity = 3,
     .flags = "write denyoom fast",
     .acl_categories = "string",
     .key_specs = strings_ks_rw_access_update,
     .summary = "Subtracts a whole number from the integer stored at a key.",
     .since = "1.0.0",
     .group = "string",
     .complexity = STRINGS_O1,
     .args = strings_args_key_decrement},
    {.name = "incr",
     .handler = cmd_incr,
     .arity = 2,
     .flags = "write denyoom fast",
     .acl_categories = "string",
     .key_specs = strings_ks_rw_access_update,
     .summary = "Adds one to the integer stored at a key.",
     .since = "1.0.0",
     .group = "string",
     .complexity = STRINGS_O1,
     .args = strings_args_key},
    {.name = "incrby",
     .handler = cmd_incrby,
     .arity = 3,
     .flags = "write denyoom fast",
     .acl_categories = "string",
     .key_specs = strings_ks_rw_access_update,
     .summary = "Adds a whole number to the integer stored at a key.",
     .since = "1.0.0",
     .group = "string",
     .complexity = STRINGS_O1,
     .args = strings_args_key_increment},
    {.name = "incrbyfloat",
     .handler = cmd_incrbyfloat,
     .arity = 3,
     .flags = "write denyoom fast",
     .acl_categories = "string",
     .key_specs = strings_ks_rw_access_update,
     .summary = "Adds a floating-point number to the number stored at a key.",
     .since = "2.6.0",
     .group = "string",
     .complexity = STRINGS_O1,
     .args = strings_args_incrbyfloat},
    {.name = NULL}};
