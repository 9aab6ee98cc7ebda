/* t_range.c: commands on parts of a string: APPEND, STRLEN, GETRANGE/SUBSTR and SETRANGE. */
#include <limits.h>
#include <string.h>

#include "strings.h"

/* Redis's smallest allowed proto-max-bulk-len: totals up to this size never
 * need the configuration. */
#define MIN_PROTO_MAX_BULK_LEN (1024LL * 1024)
#define DEFAULT_PROTO_MAX_BULK_LEN (512LL * 1024 * 1024)

/* Parses a memory value as Redis's config does ("536870912", "512mb",
 * "1gb", "64k"). Returns 1 and stores *out, or 0. */
static int parse_memory(const char *s, long long *out)
{
    static const struct {
        const char *suffix;
        long long mul;
    } units[] = {{"", 1},
                 {"b", 1},
                 {"k", 1000},
                 {"kb", 1024},
                 {"m", 1000LL * 1000},
                 {"mb", 1024LL * 1024},
                 {"g", 1000LL * 1000 * 1000},
                 {"gb", 1024LL * 1024 * 1024}};
    size_t len = strlen(s), digits = 0;
    long long v;

    while (digits < len && s[digits] >= '0' && s[digits] <= '9')
        digits++;
    if (!util_str_to_ll(s, digits, &v))
        return 0;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        modis_str rest = {s + digits, len - digits};
        if ((rest.len == 0 && units[i].suffix[0] == '\0') ||
            (rest.len && util_arg_is(&rest, units[i].suffix))) {
            if (v > LLONG_MAX / units[i].mul)
                return 0;
            *out = v * units[i].mul;
            return 1;
        }
    }
    return 0;
}

static void read_bulk_len(void *priv, const char *name, const char *value)
{
    long long v;
    (void)name;
    if (value && parse_memory(value, &v))
        *(long long *)priv = v;
}

long long strings_proto_max_bulk_len(modis_ctx *ctx)
{
    long long v = DEFAULT_PROTO_MAX_BULK_LEN;

    if (MODIS_API_HAS(M, config_get) && M->config_get)
        M->config_get(ctx, "proto-max-bulk-len", read_bulk_len, &v);
    return v;
}

int strings_check_length(modis_ctx *ctx, unsigned long long size, unsigned long long append)
{
    unsigned long long total = size + append;

    if (total >= size && total <= (unsigned long long)MIN_PROTO_MAX_BULK_LEN)
        return MODIS_OK;
    if (total < size || total > (unsigned long long)strings_proto_max_bulk_len(ctx)) {
        M->reply_error(ctx, "ERR string exceeds maximum allowed size (proto-max-bulk-len)");
        return MODIS_ERR;
    }
    return MODIS_OK;
}

/* APPEND key value */
static void cmd_append(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    const modis_str *key = &argv[1], *val = &argv[2];
    size_t totlen;
    void *area;
    size_t size;
    int r = M->lookup(ctx, db, key, string_type, MODIS_LOOKUP_WRITE, &area, &size);
    (void)argc;

    if (r == MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
        return;
    }
    if (r == MODIS_KEY_MISSING) {
        /* A new key gets the encoding SET would give it. */
        strobj_store(ctx, db, key, val->ptr, val->len, 0);
        totlen = val->len;
    } else {
        size_t oldlen = strobj_len(area, size);
        char *p;

        if (strings_check_length(ctx, oldlen, val->len) != MODIS_OK)
            return;
        area = strobj_unshare(ctx, db, key, area, size);
        totlen = oldlen + val->len;
        if (val->len) {
            p = strobj_raw_reserve(area, totlen);
            memcpy(p + oldlen, val->ptr, val->len);
            strobj_raw_set(area, p, totlen);
        }
        M->signal_modified(ctx, db, key);
    }
    M->reply_int(ctx, (long long)totlen);
    M->propagate_verbatim(ctx);
}

/* STRLEN key */
static void cmd_strlen(modis_ctx *ctx, const modis_str *argv, int argc)
{
    void *area;
    size_t size;
    int r = M->lookup(ctx, M->db(ctx), &argv[1], string_type, MODIS_LOOKUP_READ, &area, &size);
    (void)argc;

    if (r == MODIS_KEY_WRONGTYPE)
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
    else
        M->reply_int(ctx, r == MODIS_KEY_FOUND ? (long long)strobj_len(area, size) : 0);
}

/* GETRANGE key start end
 * SUBSTR key start end */
static void cmd_getrange(modis_ctx *ctx, const modis_str *argv, int argc)
{
    long long start, end, len;
    void *area;
    size_t size;
    strview v;
    int r;
    (void)argc;

    if (!util_str_to_ll(argv[2].ptr, argv[2].len, &start) ||
        !util_str_to_ll(argv[3].ptr, argv[3].len, &end)) {
        M->reply_error(ctx, MODIS_ERR_NOT_INTEGER);
        return;
    }
    r = M->lookup(ctx, M->db(ctx), &argv[1], string_type, MODIS_LOOKUP_READ, &area, &size);
    if (r == MODIS_KEY_MISSING) {
        M->reply_bulk(ctx, "", 0);
        return;
    }
    if (r == MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
        return;
    }
    strobj_view(area, size, &v);
    len = (long long)v.len;

    /* Both ends negative and crossed: nothing, whatever the length. */
    if (start < 0 && end < 0 && start > end) {
        M->reply_bulk(ctx, "", 0);
        return;
    }
    /* Negative indexes count from the end; both ends are clamped. */
    if (start < 0)
        start += len;
    if (end < 0)
        end += len;
    if (start < 0)
        start = 0;
    if (end < 0)
        end = 0;
    if (end >= len)
        end = len - 1;
    if (start > end || len == 0)
        M->reply_bulk(ctx, "", 0);
    else
        M->reply_bulk(ctx, v.ptr + start, (size_t)(end - start + 1));
}

/* SETRANGE key offset value */
static void cmd_setrange(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    const modis_str *key = &argv[1], *val = &argv[3];
    long long offset;
    size_t newlen;
    void *area;
    size_t size;
    int r;
    (void)argc;

    if (!util_str_to_ll(argv[2].ptr, argv[2].len, &offset)) {
        M->reply_error(ctx, MODIS_ERR_NOT_INTEGER);
        return;
    }
    if (offset < 0) {
        M->reply_error(ctx, "ERR offset is out of range");
        return;
    }
    r = M->lookup(ctx, db, key, string_type, MODIS_LOOKUP_WRITE, &area, &size);
    if (r == MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
        return;
    }
    if (r == MODIS_KEY_MISSING) {
        char *buf;
        /* Setting nothing on a missing key creates nothing. */
        if (val->len == 0) {
            M->reply_int(ctx, 0);
            return;
        }
        if (strings_check_length(ctx, (unsigned long long)offset, val->len) != MODIS_OK)
            return;
        newlen = (size_t)offset + val->len;
        buf = M->calloc(newlen);
        memcpy(buf + offset, val->ptr, val->len);
        strobj_store_raw(ctx, db, key, buf, newlen, 0);
    } else {
        size_t oldlen = strobj_len(area, size);
        char *p;

        if (val->len == 0) {
            M->reply_int(ctx, (long long)oldlen);
            return;
        }
        if (strings_check_length(ctx, (unsigned long long)offset, val->len) != MODIS_OK)
            return;
        area = strobj_unshare(ctx, db, key, area, size);
        newlen = (size_t)offset + val->len;
        if (newlen > oldlen) {
            p = strobj_raw_reserve(area, newlen);
            memset(p + oldlen, 0, newlen - oldlen);
        } else {
            p = strobj_raw_ptr(area);
            newlen = oldlen;
        }
        memcpy(p + offset, val->ptr, val->len);
        strobj_raw_set(area, p, newlen);
        M->signal_modified(ctx, db, key);
    }
    M->reply_int(ctx, (long long)newlen);
    M->propagate_verbatim(ctx);
}

/* The commands of this file, with their COMMAND INFO / COMMAND DOCS metadata. */
const modis_command strings_range_commands[] = {
    {.name = "append",
     .handler = cmd_append,
     .arity = 3,
     .flags = "write denyoom fast",
     .acl_categories = "string",
     .key_specs = strings_ks_rw_insert,
     .summary = "Adds bytes to the end of the string at a key, creating the key if needed.",
     .since = "2.0.0",
     .group = "string",
     .complexity = "O(1). Amortized O(1) when the appended value is small, whatever the size "
                   "of the present value, because the string's buffer doubles its free space "
                   "each time it is reallocated.",
     .args = strings_args_key_value},
    {.name = "getrange",
     .handler = cmd_getrange,
     .arity = 4,
     .flags = "readonly",
     .acl_categories = "string",
     .key_specs = strings_ks_ro_access,
     .summary = "Returns the part of a string between two byte offsets.",
     .since = "2.4.0",
     .group = "string",
     .complexity = STRINGS_RANGE_COMPLEXITY,
     .args = strings_args_range},
    {.name = "setrange",
     .handler = cmd_setrange,
     .arity = 4,
     .flags = "write denyoom",
     .acl_categories = "string",
     .key_specs = strings_ks_rw_update,
     .summary = "Overwrites the bytes of a string from an offset on, padding with zero bytes "
                "when the string is shorter.",
     .since = "2.2.0",
     .group = "string",
     .complexity = "O(1), not counting the copy of the new bytes into place. That copy is "
                   "usually short, so the amortized cost is O(1); otherwise it is O(M) with M "
                   "the length of the value argument.",
     .args = strings_args_setrange},
    {.name = "strlen",
     .handler = cmd_strlen,
     .arity = 2,
     .flags = "readonly fast",
     .acl_categories = "string",
     .key_specs = strings_ks_ro,
     .summary = "Returns the length in bytes of the string stored at a key.",
     .since = "2.2.0",
     .group = "string",
     .complexity = STRINGS_O1,
     .args = strings_args_key},
    {.name = "substr",
     .handler = cmd_getrange,
     .arity = 4,
     .flags = "readonly",
     .acl_categories = "string",
     .key_specs = strings_ks_ro_access,
     .summary = "Returns the part of a string between two byte offsets (the old name of "
                "GETRANGE).",
     .since = "1.0.0",
     .group = "string",
     .complexity = STRINGS_RANGE_COMPLEXITY,
     .doc_flags = MODIS_DOC_DEPRECATED,
     .deprecated_since = "2.0.0",
     .replaced_by = "`GETRANGE`",
     .args = strings_args_range},
    {.name = NULL}};
