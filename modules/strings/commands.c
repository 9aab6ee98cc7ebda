/* commands.c: the strings module's shared command metadata: key specs, arguments, history. */
#include "strings.h"

/* ---- building blocks ----------------------------------------------------------- */

#define ARG(n, t)                                                                                  \
    {                                                                                              \
        .name = n, .type = t, .key_spec_index = -1                                                 \
    }
#define ARG_KEY(n)                                                                                 \
    {                                                                                              \
        .name = n, .type = MODIS_ARG_KEY, .key_spec_index = 0                                      \
    }
#define ARG_TOKEN(n, t, tok, fl, since_)                                                           \
    {                                                                                              \
        .name = n, .type = t, .key_spec_index = -1, .token = tok, .flags = fl, .since = since_     \
    }
#define ARG_END                                                                                    \
    {                                                                                              \
        .name = NULL                                                                               \
    }

/* One key at argv[1]. */
#define KS_FIRST(fl, notes_)                                                                       \
    {                                                                                              \
        .notes = notes_, .flags = fl, .begin_type = MODIS_KS_BEGIN_INDEX, .bs_index = 1,           \
        .find_type = MODIS_KS_FIND_RANGE, .fk_lastkey = 0, .fk_keystep = 1, .fk_limit = 0          \
    }
/* Keys from argv[1] on: to lastkey (relative, -1 = the last argument), every step. */
#define KS_RANGE(fl, last, step)                                                                   \
    {                                                                                              \
        .flags = fl, .begin_type = MODIS_KS_BEGIN_INDEX, .bs_index = 1,                            \
        .find_type = MODIS_KS_FIND_RANGE, .fk_lastkey = last, .fk_keystep = step, .fk_limit = 0    \
    }
#define KS_END                                                                                     \
    {                                                                                              \
        .begin_type = 0                                                                            \
    }

#define RO MODIS_KS_RO
#define RW MODIS_KS_RW
#define OW MODIS_KS_OW
#define ACCESS MODIS_KS_ACCESS
#define UPDATE MODIS_KS_UPDATE
#define INSERT MODIS_KS_INSERT
#define DELETE MODIS_KS_DELETE

/* ---- key specs --------------------------------------------------------------------- */

const modis_key_spec strings_ks_ro[] = {KS_FIRST(RO, NULL), KS_END};
const modis_key_spec strings_ks_ro_access[] = {KS_FIRST(RO | ACCESS, NULL), KS_END};
const modis_key_spec strings_ks_rw_access_update[] = {KS_FIRST(RW | ACCESS | UPDATE, NULL), KS_END};
const modis_key_spec strings_ks_rw_access_delete[] = {KS_FIRST(RW | ACCESS | DELETE, NULL), KS_END};
const modis_key_spec strings_ks_rw_insert[] = {KS_FIRST(RW | INSERT, NULL), KS_END};
const modis_key_spec strings_ks_rw_update[] = {KS_FIRST(RW | UPDATE, NULL), KS_END};
const modis_key_spec strings_ks_ow_update[] = {KS_FIRST(OW | UPDATE, NULL), KS_END};
const modis_key_spec strings_ks_ow_insert[] = {KS_FIRST(OW | INSERT, NULL), KS_END};
const modis_key_spec strings_ks_set[] = {
    KS_FIRST(RW | ACCESS | UPDATE | MODIS_KS_VARIABLE_FLAGS,
             "RW and ACCESS due to the optional `GET` argument"),
    KS_END};
const modis_key_spec strings_ks_getex[] = {
    KS_FIRST(RW | ACCESS | UPDATE, "RW and UPDATE because it changes the TTL"), KS_END};
const modis_key_spec strings_ks_lcs[] = {KS_RANGE(RO | ACCESS, 1, 1), KS_END};
const modis_key_spec strings_ks_mget[] = {KS_RANGE(RO | ACCESS, -1, 1), KS_END};
const modis_key_spec strings_ks_mset[] = {KS_RANGE(OW | UPDATE, -1, 2), KS_END};
const modis_key_spec strings_ks_msetnx[] = {KS_RANGE(OW | INSERT, -1, 2), KS_END};

/* ---- arguments ---------------------------------------------------------------------- */

const modis_arg strings_args_key[] = {ARG_KEY("key"), ARG_END};
const modis_arg strings_args_key_value[] = {ARG_KEY("key"), ARG("value", MODIS_ARG_STRING),
                                            ARG_END};
const modis_arg strings_args_key_increment[] = {ARG_KEY("key"), ARG("increment", MODIS_ARG_INTEGER),
                                                ARG_END};
const modis_arg strings_args_key_decrement[] = {ARG_KEY("key"), ARG("decrement", MODIS_ARG_INTEGER),
                                                ARG_END};
const modis_arg strings_args_incrbyfloat[] = {ARG_KEY("key"), ARG("increment", MODIS_ARG_DOUBLE),
                                              ARG_END};
const modis_arg strings_args_range[] = {ARG_KEY("key"), ARG("start", MODIS_ARG_INTEGER),
                                        ARG("end", MODIS_ARG_INTEGER), ARG_END};
const modis_arg strings_args_setrange[] = {ARG_KEY("key"), ARG("offset", MODIS_ARG_INTEGER),
                                           ARG("value", MODIS_ARG_STRING), ARG_END};
const modis_arg strings_args_setex[] = {ARG_KEY("key"), ARG("seconds", MODIS_ARG_INTEGER),
                                        ARG("value", MODIS_ARG_STRING), ARG_END};
const modis_arg strings_args_psetex[] = {ARG_KEY("key"), ARG("milliseconds", MODIS_ARG_INTEGER),
                                         ARG("value", MODIS_ARG_STRING), ARG_END};
const modis_arg strings_args_mget[] = {
    {.name = "key", .type = MODIS_ARG_KEY, .key_spec_index = 0, .flags = MODIS_ARG_MULTIPLE},
    ARG_END};
static const modis_arg strings_args_mset_pair[] = {ARG_KEY("key"), ARG("value", MODIS_ARG_STRING),
                                                   ARG_END};
const modis_arg strings_args_mset[] = {{.name = "key_value",
                                        .type = MODIS_ARG_BLOCK,
                                        .key_spec_index = -1,
                                        .flags = MODIS_ARG_MULTIPLE,
                                        .subargs = strings_args_mset_pair},
                                       ARG_END};

static const modis_arg strings_args_set_condition[] = {
    ARG_TOKEN("nx", MODIS_ARG_PURE_TOKEN, "NX", 0, NULL),
    ARG_TOKEN("xx", MODIS_ARG_PURE_TOKEN, "XX", 0, NULL), ARG_END};
static const modis_arg strings_args_set_expiration[] = {
    ARG_TOKEN("seconds", MODIS_ARG_INTEGER, "EX", 0, "2.6.12"),
    ARG_TOKEN("milliseconds", MODIS_ARG_INTEGER, "PX", 0, "2.6.12"),
    ARG_TOKEN("unix-time-seconds", MODIS_ARG_UNIX_TIME, "EXAT", 0, "6.2.0"),
    ARG_TOKEN("unix-time-milliseconds", MODIS_ARG_UNIX_TIME, "PXAT", 0, "6.2.0"),
    ARG_TOKEN("keepttl", MODIS_ARG_PURE_TOKEN, "KEEPTTL", 0, "6.0.0"),
    ARG_END};
const modis_arg strings_args_set[] = {
    ARG_KEY("key"),
    ARG("value", MODIS_ARG_STRING),
    {.name = "condition",
     .type = MODIS_ARG_ONEOF,
     .key_spec_index = -1,
     .since = "2.6.12",
     .flags = MODIS_ARG_OPTIONAL,
     .subargs = strings_args_set_condition},
    ARG_TOKEN("get", MODIS_ARG_PURE_TOKEN, "GET", MODIS_ARG_OPTIONAL, "6.2.0"),
    {.name = "expiration",
     .type = MODIS_ARG_ONEOF,
     .key_spec_index = -1,
     .flags = MODIS_ARG_OPTIONAL,
     .subargs = strings_args_set_expiration},
    ARG_END};

static const modis_arg strings_args_getex_expiration[] = {
    ARG_TOKEN("seconds", MODIS_ARG_INTEGER, "EX", 0, NULL),
    ARG_TOKEN("milliseconds", MODIS_ARG_INTEGER, "PX", 0, NULL),
    ARG_TOKEN("unix-time-seconds", MODIS_ARG_UNIX_TIME, "EXAT", 0, NULL),
    ARG_TOKEN("unix-time-milliseconds", MODIS_ARG_UNIX_TIME, "PXAT", 0, NULL),
    ARG_TOKEN("persist", MODIS_ARG_PURE_TOKEN, "PERSIST", 0, NULL),
    ARG_END};
const modis_arg strings_args_getex[] = {ARG_KEY("key"),
                                        {.name = "expiration",
                                         .type = MODIS_ARG_ONEOF,
                                         .key_spec_index = -1,
                                         .flags = MODIS_ARG_OPTIONAL,
                                         .subargs = strings_args_getex_expiration},
                                        ARG_END};

const modis_arg strings_args_lcs[] = {
    ARG_KEY("key1"),
    ARG_KEY("key2"),
    ARG_TOKEN("len", MODIS_ARG_PURE_TOKEN, "LEN", MODIS_ARG_OPTIONAL, NULL),
    ARG_TOKEN("idx", MODIS_ARG_PURE_TOKEN, "IDX", MODIS_ARG_OPTIONAL, NULL),
    ARG_TOKEN("len", MODIS_ARG_INTEGER, "MINMATCHLEN", MODIS_ARG_OPTIONAL, NULL),
    ARG_TOKEN("withmatchlen", MODIS_ARG_PURE_TOKEN, "WITHMATCHLEN", MODIS_ARG_OPTIONAL, NULL),
    ARG_END};

/* ---- history ----------------------------------------------------------------------- */

const modis_history strings_history_set[] = {
    {"2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."},
    {"6.0.0", "Added the `KEEPTTL` option."},
    {"6.2.0", "Added the `GET`, `EXAT` and `PXAT` option."},
    {"7.0.0", "Allowed the `NX` and `GET` options to be used together."},
    {NULL, NULL}};
