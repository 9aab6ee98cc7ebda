/* commands.c: COMMAND INFO/DOCS metadata of the keys module (arguments, key specs, history). */
#include "commands.h"

/* ---- Arguments --------------------------------------------------------- */

#define ARG_KEY(n, ks, fl) \
    { .name = (n), .type = MODIS_ARG_KEY, .key_spec_index = (ks), .flags = (fl) }
#define ARG(n, t) { .name = (n), .type = (t), .key_spec_index = -1 }
#define ARG_TOKEN(n, t, tok, fl) \
    { .name = (n), .type = (t), .key_spec_index = -1, .token = (tok), .flags = (fl) }
#define ARG_END { .name = NULL }

const modis_arg keys_args_key[] = {
    ARG_KEY("key", 0, 0),
    ARG_END,
};

const modis_arg keys_args_keys_multi[] = {
    ARG_KEY("key", 0, MODIS_ARG_MULTIPLE),
    ARG_END,
};

/* The optional NX | XX | GT | LT condition of the EXPIRE family. */
static const modis_arg expire_condition[] = {
    ARG_TOKEN("nx", MODIS_ARG_PURE_TOKEN, "NX", 0),
    ARG_TOKEN("xx", MODIS_ARG_PURE_TOKEN, "XX", 0),
    ARG_TOKEN("gt", MODIS_ARG_PURE_TOKEN, "GT", 0),
    ARG_TOKEN("lt", MODIS_ARG_PURE_TOKEN, "LT", 0),
    ARG_END,
};

#define ARG_EXPIRE_CONDITION                                                                  \
    {                                                                                         \
        .name = "condition", .type = MODIS_ARG_ONEOF, .key_spec_index = -1, .since = "7.0.0", \
        .flags = MODIS_ARG_OPTIONAL, .subargs = expire_condition                              \
    }

const modis_arg keys_args_expire[] = {
    ARG_KEY("key", 0, 0),
    ARG("seconds", MODIS_ARG_INTEGER),
    ARG_EXPIRE_CONDITION,
    ARG_END,
};

const modis_arg keys_args_pexpire[] = {
    ARG_KEY("key", 0, 0),
    ARG("milliseconds", MODIS_ARG_INTEGER),
    ARG_EXPIRE_CONDITION,
    ARG_END,
};

const modis_arg keys_args_expireat[] = {
    ARG_KEY("key", 0, 0),
    ARG("unix-time-seconds", MODIS_ARG_UNIX_TIME),
    ARG_EXPIRE_CONDITION,
    ARG_END,
};

const modis_arg keys_args_pexpireat[] = {
    ARG_KEY("key", 0, 0),
    ARG("unix-time-milliseconds", MODIS_ARG_UNIX_TIME),
    ARG_EXPIRE_CONDITION,
    ARG_END,
};

const modis_arg keys_args_pattern[] = {
    ARG("pattern", MODIS_ARG_PATTERN),
    ARG_END,
};

const modis_arg keys_args_scan[] = {
    ARG("cursor", MODIS_ARG_INTEGER),
    ARG_TOKEN("pattern", MODIS_ARG_PATTERN, "MATCH", MODIS_ARG_OPTIONAL),
    ARG_TOKEN("count", MODIS_ARG_INTEGER, "COUNT", MODIS_ARG_OPTIONAL),
    {.name = "type",
     .type = MODIS_ARG_STRING,
     .key_spec_index = -1,
     .token = "TYPE",
     .since = "6.0.0",
     .flags = MODIS_ARG_OPTIONAL},
    ARG_END,
};

const modis_arg keys_args_rename[] = {
    ARG_KEY("key", 0, 0),
    ARG_KEY("newkey", 1, 0),
    ARG_END,
};

const modis_arg keys_args_copy[] = {
    ARG_KEY("source", 0, 0),
    ARG_KEY("destination", 1, 0),
    ARG_TOKEN("destination-db", MODIS_ARG_INTEGER, "DB", MODIS_ARG_OPTIONAL),
    ARG_TOKEN("replace", MODIS_ARG_PURE_TOKEN, "REPLACE", MODIS_ARG_OPTIONAL),
    ARG_END,
};

const modis_arg keys_args_move[] = {
    ARG_KEY("key", 0, 0),
    ARG("db", MODIS_ARG_INTEGER),
    ARG_END,
};

const modis_arg keys_args_swapdb[] = {
    ARG("index1", MODIS_ARG_INTEGER),
    ARG("index2", MODIS_ARG_INTEGER),
    ARG_END,
};

/* ---- Key specs ---------------------------------------------------------- */

/* Keys from argv[idx] through argv[idx + last] (last -1: to the end). */
#define KS_RANGE(fl, idx, last)                                                         \
    {                                                                                   \
        .flags = (fl), .begin_type = MODIS_KS_BEGIN_INDEX, .bs_index = (idx),           \
        .find_type = MODIS_KS_FIND_RANGE, .fk_lastkey = (last), .fk_keystep = 1,        \
        .fk_limit = 0                                                                   \
    }
#define KS_END { .begin_type = 0 }

const modis_key_spec keys_ks_delete_all[] = {
    KS_RANGE(MODIS_KS_RM | MODIS_KS_DELETE, 1, -1),
    KS_END,
};

const modis_key_spec keys_ks_read_all[] = {
    KS_RANGE(MODIS_KS_RO, 1, -1),
    KS_END,
};

const modis_key_spec keys_ks_read_one[] = {
    KS_RANGE(MODIS_KS_RO, 1, 0),
    KS_END,
};

const modis_key_spec keys_ks_access_one[] = {
    KS_RANGE(MODIS_KS_RO | MODIS_KS_ACCESS, 1, 0),
    KS_END,
};

const modis_key_spec keys_ks_update_one[] = {
    KS_RANGE(MODIS_KS_RW | MODIS_KS_UPDATE, 1, 0),
    KS_END,
};

const modis_key_spec keys_ks_rename[] = {
    KS_RANGE(MODIS_KS_RW | MODIS_KS_ACCESS | MODIS_KS_DELETE, 1, 0),
    KS_RANGE(MODIS_KS_OW | MODIS_KS_UPDATE, 2, 0),
    KS_END,
};

const modis_key_spec keys_ks_renamenx[] = {
    KS_RANGE(MODIS_KS_RW | MODIS_KS_ACCESS | MODIS_KS_DELETE, 1, 0),
    KS_RANGE(MODIS_KS_OW | MODIS_KS_INSERT, 2, 0),
    KS_END,
};

const modis_key_spec keys_ks_copy[] = {
    KS_RANGE(MODIS_KS_RO | MODIS_KS_ACCESS, 1, 0),
    KS_RANGE(MODIS_KS_OW | MODIS_KS_UPDATE, 2, 0),
    KS_END,
};

const modis_key_spec keys_ks_move[] = {
    KS_RANGE(MODIS_KS_RW | MODIS_KS_ACCESS | MODIS_KS_UPDATE, 1, 0),
    KS_END,
};

const modis_key_spec keys_ks_object[] = {
    KS_RANGE(MODIS_KS_RO, 2, 0),
    KS_END,
};

/* ---- History ------------------------------------------------------------ */

const modis_history keys_hist_exists[] = {
    {"3.0.3", "Accepts multiple `key` arguments."},
    {NULL, NULL},
};

const modis_history keys_hist_expire[] = {
    {"7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."},
    {NULL, NULL},
};

const modis_history keys_hist_ttl[] = {
    {"2.8.0", "Added the -2 reply."},
    {NULL, NULL},
};

const modis_history keys_hist_renamenx[] = {
    {"3.2.0", "The command no longer returns an error when source and destination names are the "
              "same."},
    {NULL, NULL},
};

const modis_history keys_hist_scan[] = {
    {"6.0.0", "Added the `TYPE` subcommand."},
    {NULL, NULL},
};
