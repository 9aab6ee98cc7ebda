/* modis/module.h: the modis module ABI, the only header a modis module includes.
 *
 * A module is a shared object that exports one symbol, MODIS_MODULE_ENTRY_NAME
 * ("modis_module_entry"), a function returning a pointer to a const
 * modis_module descriptor. The server checks the descriptor (magic, ABI
 * version, size) before it runs any module code, then calls on_load with the
 * host API table. Everything a module can do goes through that table.
 *
 * Stability rule
 *   MODIS_ABI_MAJOR changes when anything in this header changes meaning or
 *   layout: a field, a function signature, a constant. MODIS_ABI_MINOR changes
 *   when something is appended: a function at the end of modis_api, a field at
 *   the end of a struct, a new flag. The server loads a module when the
 *   module's major equals the server's and its minor is not greater. A module
 *   that wants to run on an older server of the same major tests for newer API
 *   functions with MODIS_API_HAS(api, fn) before calling them; the server reads
 *   a struct field added in minor N only from modules that declare minor >= N.
 *
 * Changelog
 *   1.0  first version: commands with full metadata, value types, keyspace,
 *        expiry, replies (RESP2/RESP3), blocking on keys (with ready_key),
 *        WATCH signals, per-module config, logging, allocation, propagation
 *        hooks (reserved for persistence), client and server introspection
 *        for the admin module (clients, pause, monitor, modules at run time,
 *        slow log, redact_arg, reply_mode). Everything up to parse_double
 *        in modis_api is 1.0; later additions bump MINOR.
 *   1.1  per-key access tracking as Redis's LRU/LFU field: MODIS_LOOKUP_TOUCH,
 *        key_idle_ms, key_freq, key_refcount in modis_api, and the refcount
 *        method at the end of modis_type_methods; config_watch.
 *   1.2  key flags that depend on the arguments (Redis's getkeys
 *        procedures): set_key_flags and command_key_flags in modis_api.
 *
 *   modis_command, modis_arg and modis_key_spec are laid out in arrays (a
 *   module's tables, subcommands, arguments), so they never grow within a
 *   major: a field appended there would move every element after the first
 *   of a table built with the older header. What a later minor adds about a
 *   command comes through a modis_api function instead.
 *
 * Ownership, everywhere below unless a function says otherwise: pointers
 * passed to the server are borrowed for the duration of the call (the server
 * copies what it keeps); pointers the server hands out are borrowed until the
 * handler returns. Command tables and their metadata passed to
 * register_command must stay valid until the module is unloaded (use static
 * const tables). Memory crossing the boundary is freed by the side that
 * allocated it.
 */
#ifndef MODIS_MODULE_H
#define MODIS_MODULE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MODIS_ABI_MAJOR 1
#define MODIS_ABI_MINOR 2
#define MODIS_MODULE_MAGIC 0x4d4f4431u /* "MOD1" */
#define MODIS_MODULE_ENTRY_NAME "modis_module_entry"

#if defined(__GNUC__)
#define MODIS_EXPORT __attribute__((visibility("default")))
#define MODIS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MODIS_EXPORT
#define MODIS_PRINTF(f, a)
#endif

/* ---------------------------------------------------------------------------
 * Basic types
 * ------------------------------------------------------------------------- */

/* A byte string that is not NUL-terminated: a command argument or a key. */
typedef struct modis_str {
    const char *ptr;
    size_t len;
} modis_str;

typedef struct modis_ctx modis_ctx;     /* the call: client, database, reply */
typedef struct modis_db modis_db;       /* one numbered database */
typedef struct modis_type modis_type;   /* a registered value type */
typedef struct modis_module_ctx modis_module_ctx; /* a module being loaded */
typedef struct modis_api modis_api;

/* Status codes. Functions that can fail return MODIS_OK (0) or a negative code. */
#define MODIS_OK 0
#define MODIS_ERR (-1)

/* A command handler. argv[0] is the command name as the client sent it.
 * argv is borrowed for the call. The handler must emit exactly one reply
 * (which may be an array of many) unless it blocks the client. */
typedef void (*modis_cmd_fn)(modis_ctx *ctx, const modis_str *argv, int argc);

/* (1.2) The flags (MODIS_KS_*) of the key at argv[pos] in one call of a
 * command whose key spec has MODIS_KS_VARIABLE_FLAGS; spec_flags are the
 * spec's. See set_key_flags in modis_api. */
typedef int (*modis_key_flags_fn)(const modis_str *argv, int argc, int pos, int spec_flags);

/* ---------------------------------------------------------------------------
 * Canonical error texts: every module emits the same bytes as Redis.
 * Pass them to api->reply_error (without the leading '-').
 * ------------------------------------------------------------------------- */
#define MODIS_ERR_WRONGTYPE "WRONGTYPE Operation against a key holding the wrong kind of value"
#define MODIS_ERR_SYNTAX "ERR syntax error"
#define MODIS_ERR_NOT_INTEGER "ERR value is not an integer or out of range"
#define MODIS_ERR_NOT_FLOAT "ERR value is not a valid float"
#define MODIS_ERR_OVERFLOW "ERR increment or decrement would overflow"
#define MODIS_ERR_NO_SUCH_KEY "ERR no such key"
#define MODIS_ERR_OUT_OF_RANGE "ERR index out of range"
#define MODIS_ERR_TIMEOUT_NEGATIVE "ERR timeout is negative"
#define MODIS_ERR_TIMEOUT_INVALID "ERR timeout is not a float or out of range"
#define MODIS_ERR_DB_INDEX "ERR DB index is out of range"
#define MODIS_ERR_SAME_OBJECT "ERR source and destination objects are the same"
#define MODIS_ERR_POSITIVE "ERR value is out of range, must be positive"

/* ---------------------------------------------------------------------------
 * Command metadata (COMMAND INFO / COMMAND DOCS)
 * ------------------------------------------------------------------------- */

/* Argument types, as COMMAND DOCS names them. */
enum modis_arg_type {
    MODIS_ARG_STRING = 1,
    MODIS_ARG_INTEGER,
    MODIS_ARG_DOUBLE,
    MODIS_ARG_KEY,
    MODIS_ARG_PATTERN,
    MODIS_ARG_UNIX_TIME,
    MODIS_ARG_PURE_TOKEN,
    MODIS_ARG_ONEOF,
    MODIS_ARG_BLOCK
};

/* Argument flags. */
#define MODIS_ARG_OPTIONAL (1 << 0)
#define MODIS_ARG_MULTIPLE (1 << 1)
#define MODIS_ARG_MULTIPLE_TOKEN (1 << 2)

/* One argument of a command. Arrays of arguments end with an entry whose
 * name is NULL. key_spec_index is meaningful for MODIS_ARG_KEY only (index
 * into the command's key_specs); set it to -1 elsewhere or leave it 0 for
 * non-key arguments (it is ignored unless type is MODIS_ARG_KEY). */
typedef struct modis_arg {
    const char *name;
    int type;                       /* enum modis_arg_type */
    int key_spec_index;
    const char *token;              /* literal token before the value, or NULL */
    const char *summary;            /* or NULL */
    const char *since;              /* version the argument appeared, or NULL */
    int flags;                      /* MODIS_ARG_* */
    const char *deprecated_since;   /* or NULL */
    const struct modis_arg *subargs; /* for ONEOF and BLOCK, NULL-name terminated */
} modis_arg;

/* Key spec flags (COMMAND INFO key specifications). */
#define MODIS_KS_RO (1 << 0)
#define MODIS_KS_RW (1 << 1)
#define MODIS_KS_OW (1 << 2)
#define MODIS_KS_RM (1 << 3)
#define MODIS_KS_ACCESS (1 << 4)
#define MODIS_KS_UPDATE (1 << 5)
#define MODIS_KS_INSERT (1 << 6)
#define MODIS_KS_DELETE (1 << 7)
#define MODIS_KS_NOT_KEY (1 << 8)
#define MODIS_KS_INCOMPLETE (1 << 9)
#define MODIS_KS_VARIABLE_FLAGS (1 << 10)

enum modis_ks_begin { MODIS_KS_BEGIN_INDEX = 1, MODIS_KS_BEGIN_KEYWORD };
enum modis_ks_find { MODIS_KS_FIND_RANGE = 1, MODIS_KS_FIND_KEYNUM };

/* Where the keys of a command are. Arrays end with an entry whose
 * begin_type is 0. Semantics are Redis 7's key specifications:
 * begin_search by index (argv position) or by keyword (searched from
 * startfrom, negative counts from the end); find_keys by range (lastkey
 * relative to the first key, -1 = last argument; keystep; limit) or by
 * keynum (keynumidx relative to begin, firstkey relative to begin, keystep). */
typedef struct modis_key_spec {
    const char *notes;
    int flags; /* MODIS_KS_* */
    int begin_type;
    int bs_index;
    const char *bs_keyword;
    int bs_startfrom;
    int find_type;
    int fk_lastkey;
    int fk_keystep;
    int fk_limit;
    int fk_keynumidx;
    int fk_firstkey;
} modis_key_spec;

/* An entry of a command's history. Arrays end with a NULL version. */
typedef struct modis_history {
    const char *version;
    const char *description;
} modis_history;

/* Documentation flags. */
#define MODIS_DOC_DEPRECATED (1 << 0)
#define MODIS_DOC_SYSCMD (1 << 1)

/* A command or subcommand. Arrays of commands end with an entry whose name
 * is NULL.
 *
 * flags: space-separated Redis command flags: write readonly denyoom admin
 *   pubsub noscript blocking loading stale skip_monitor skip_slowlog fast
 *   no_auth may_replicate no_mandatory_keys no_async_loading no_multi
 *   allow_busy. The core adds movablekeys when the key specs need it.
 * acl_categories: space-separated categories without '@' (string list
 *   keyspace connection ...); the core adds the implicit ones (write read
 *   fast slow admin dangerous blocking) from flags as Redis does.
 * tips: space-separated command tips (nondeterministic_output ...), or NULL.
 * A command with subcommands and no handler is a container: the core
 *   dispatches on argv[1] and answers unknown subcommands itself. */
typedef struct modis_command {
    const char *name;
    modis_cmd_fn handler;
    int arity;
    const char *flags;
    const char *acl_categories;
    const modis_key_spec *key_specs;
    const char *summary;
    const char *since;
    const char *group;
    const char *complexity;
    const modis_history *history;
    int doc_flags;
    const char *deprecated_since;
    const char *replaced_by;
    const char *tips;
    const modis_arg *args;
    const struct modis_command *subcommands;
} modis_command;

/* ---------------------------------------------------------------------------
 * Value types
 * ------------------------------------------------------------------------- */

/* Methods of a value type. A key's value is a byte area the module owns,
 * stored inline in the key's single allocation; its size is chosen by the
 * module when it sets the key (a small string keeps its bytes there, a list
 * keeps a pointer to its nodes there). The area is not aligned: use memcpy
 * (or modis_load_ptr/modis_store_ptr) to read and write pointers in it.
 * A module that has several encodings keeps a tag byte in its area.
 *
 * free: release what the area refers to (the core frees the area itself).
 *   May be NULL when the area holds everything.
 * copy: deep-copy src into dst, both areas of `size` bytes (COPY, RENAME
 *   across dbs). May be NULL when a plain byte copy is a deep copy.
 * mem_usage: bytes owned outside the area (MEMORY USAGE, INFO), or NULL.
 * encoding_name: the name OBJECT ENCODING shows for this value.
 * rdb_save, rdb_load, aof_rewrite: reserved for persistence (not called by
 *   ABI 1.0 servers; leave NULL).
 * refcount (1.1): what OBJECT REFCOUNT shows for this value, or NULL for 1.
 *   Redis shows 2147483647 for the shared small integers (0-9999); a module
 *   emulating that answers it here. ctx gives access to the configuration. */
typedef struct modis_type_methods {
    const char *name; /* what TYPE replies, e.g. "string", "list" */
    void (*free)(void *area, size_t size);
    void (*copy)(void *dst, const void *src, size_t size);
    size_t (*mem_usage)(const void *area, size_t size);
    const char *(*encoding_name)(const void *area, size_t size);
    void *rdb_save;
    void *rdb_load;
    void *aof_rewrite;
    long long (*refcount)(modis_ctx *ctx, const void *area, size_t size); /* 1.1 */
} modis_type_methods;

static inline void *modis_load_ptr(const void *area)
{
    void *p;
    __builtin_memcpy(&p, area, sizeof p);
    return p;
}

static inline void modis_store_ptr(void *area, const void *p)
{
    __builtin_memcpy(area, &p, sizeof p);
}

/* ---------------------------------------------------------------------------
 * Keyspace
 * ------------------------------------------------------------------------- */

/* Lookup modes. READ counts keyspace hits/misses; WRITE does not. Both
 * delete an expired key first (lazy expiry), and both record an access to a
 * key they find (the LRU clock, or the LFU counter, that OBJECT IDLETIME and
 * OBJECT FREQ report), except for a client in CLIENT NO-TOUCH mode. */
#define MODIS_LOOKUP_READ 0
#define MODIS_LOOKUP_WRITE 1
/* Neither count the hit or miss nor record an access (TYPE, EXISTS-like
 * probes, OBJECT). */
#define MODIS_LOOKUP_NOTOUCH 2
/* (1.1) Record the access even for a NO-TOUCH client (the TOUCH command). */
#define MODIS_LOOKUP_TOUCH 4

/* Results of a typed lookup. */
#define MODIS_KEY_MISSING 0
#define MODIS_KEY_FOUND 1
#define MODIS_KEY_WRONGTYPE (-1)

/* Flags for set_value. */
#define MODIS_SET_KEEPTTL (1 << 0)

/* Expiry "none" and "missing key" results, as TTL/PTTL report them. */
#define MODIS_NO_EXPIRE (-1)
#define MODIS_KEY_NOT_FOUND (-2)

/* A view of one key, filled by scan and random_key callbacks. */
typedef struct modis_keyinfo {
    modis_str key;
    const modis_type *type;
    long long expire_ms; /* absolute unix ms, or MODIS_NO_EXPIRE */
} modis_keyinfo;

typedef void (*modis_scan_fn)(void *priv, const modis_keyinfo *info);

/* Blocking: what a blocked client's timeout replies. NULL means the null
 * array (RESP2 "*-1", RESP3 "_"). */
typedef void (*modis_timeout_fn)(modis_ctx *ctx);

/* Log levels, as Redis's loglevel. */
enum modis_log_level { MODIS_LOG_DEBUG = 0, MODIS_LOG_VERBOSE, MODIS_LOG_NOTICE, MODIS_LOG_WARNING };

/* Client reply modes (CLIENT REPLY). */
enum modis_reply_mode { MODIS_REPLY_ON = 0, MODIS_REPLY_OFF, MODIS_REPLY_SKIP };

/* Postponed length marker for reply_array/map/set. */
#define MODIS_POSTPONED_LEN (-1L)

/* ---------------------------------------------------------------------------
 * The host API table
 * ------------------------------------------------------------------------- */

/* The server fills this table; a module keeps the pointer it gets in
 * on_load for its whole life. Fields are only ever appended. */
struct modis_api {
    uint32_t size; /* sizeof(modis_api) of the server: see MODIS_API_HAS */
    uint16_t abi_major;
    uint16_t abi_minor;
    const char *server_version; /* modis version */
    const char *redis_version;  /* the Redis version whose behaviour modis follows */

    /* -- Registration (only inside on_load) -------------------------------
     * register_command: adds cmd (and its subcommands) to the command table.
     *   Fails, and on_load should return MODIS_ERR, when the name is taken or
     *   the metadata is invalid; the reason is reported by the loader.
     * register_type: adds a value type; returns its handle (valid until the
     *   module is unloaded) or NULL when the name is taken. */
    int (*register_command)(modis_module_ctx *m, const modis_command *cmd);
    modis_type *(*register_type)(modis_module_ctx *m, const modis_type_methods *methods);
    /* The module's "config" object in the server config, by member name.
     * Each returns MODIS_OK, or MODIS_ERR when the member is absent or has
     * another JSON type (then *out is untouched). Strings are borrowed for the
     * life of the module. */
    int (*config_int)(modis_module_ctx *m, const char *name, long long *out);
    int (*config_double)(modis_module_ctx *m, const char *name, double *out);
    int (*config_bool)(modis_module_ctx *m, const char *name, int *out);
    int (*config_string)(modis_module_ctx *m, const char *name, const char **out);
    /* Sets the error message on_load failure reports (copied). */
    void (*load_error)(modis_module_ctx *m, const char *fmt, ...) MODIS_PRINTF(2, 3);

    /* -- Logging and memory ------------------------------------------------
     * log: one line, "module <name>: " prefixed, at the given level. ctx may
     * be NULL. alloc family: the server's allocator (INFO memory sees it);
     * never returns NULL (aborts on exhaustion). */
    void (*log)(modis_ctx *ctx, int level, const char *fmt, ...) MODIS_PRINTF(3, 4);
    void *(*alloc)(size_t size);
    void *(*calloc)(size_t size);
    void *(*realloc)(void *ptr, size_t size);
    void (*free)(void *ptr);
    size_t (*usable_size)(const void *ptr);

    /* -- Replies -------------------------------------------------------------
     * Each call appends to the client's reply; bytes are copied.
     * reply_simple: "+<s>\r\n". s must not contain CR or LF.
     * reply_error: "-<s>\r\n"; s starts with the error code ("ERR ...",
     *   "WRONGTYPE ..."); counted in INFO errorstats. reply_errorf formats.
     * reply_int: ":<n>\r\n".
     * reply_bulk: "$<len>\r\n<bytes>\r\n". reply_cstr: a NUL-terminated bulk.
     * reply_null: RESP2 "$-1", RESP3 "_". reply_null_array: RESP2 "*-1",
     *   RESP3 "_".
     * reply_array/map/set/push: the header of an aggregate of n elements (a
     *   map of n pairs: RESP2 "*<2n>"; a set: RESP2 "*<n>"); pass
     *   MODIS_POSTPONED_LEN and later reply_set_len with the handle returned.
     * reply_double: RESP3 ",<d>", RESP2 a bulk string, formatted as Redis
     *   ("%.17g" style, inf/-inf/nan). reply_bool: RESP3 "#t"/"#f", RESP2
     *   ":1"/":0". reply_verbatim: RESP3 "=<len>\r\n<fmt>:<text>", RESP2 a bulk.
     * reply_bignum: RESP3 "(<digits>", RESP2 a bulk.
     * reply_longdouble_str: a number already formatted as text (INCRBYFLOAT):
     *   a bulk in both protocols.
     * reply_int_or_null: convenience for -1 → null. */
    void (*reply_simple)(modis_ctx *ctx, const char *s);
    void (*reply_error)(modis_ctx *ctx, const char *s);
    void (*reply_errorf)(modis_ctx *ctx, const char *fmt, ...) MODIS_PRINTF(2, 3);
    void (*reply_int)(modis_ctx *ctx, long long n);
    void (*reply_bulk)(modis_ctx *ctx, const void *p, size_t len);
    void (*reply_cstr)(modis_ctx *ctx, const char *s);
    void (*reply_null)(modis_ctx *ctx);
    void (*reply_null_array)(modis_ctx *ctx);
    void *(*reply_array)(modis_ctx *ctx, long n);
    void *(*reply_map)(modis_ctx *ctx, long npairs);
    void *(*reply_set)(modis_ctx *ctx, long n);
    void *(*reply_push)(modis_ctx *ctx, long n);
    void (*reply_set_len)(modis_ctx *ctx, void *handle, long n);
    void (*reply_double)(modis_ctx *ctx, double d);
    void (*reply_bool)(modis_ctx *ctx, int b);
    void (*reply_verbatim)(modis_ctx *ctx, const char *fmt3, const void *p, size_t len);
    void (*reply_bignum)(modis_ctx *ctx, const char *digits, size_t len);
    /* Raw RESP bytes the module produced itself (copied verbatim). */
    void (*reply_raw)(modis_ctx *ctx, const void *p, size_t len);
    void (*reply_ok)(modis_ctx *ctx); /* "+OK" */

    /* -- The call -----------------------------------------------------------
     * resp: 2 or 3. db: the client's selected database. db_at: database
     * number i, or NULL when out of range. db_index: its number. db_count:
     * how many databases. in_multi: the call runs inside EXEC. */
    int (*resp)(modis_ctx *ctx);
    modis_db *(*db)(modis_ctx *ctx);
    modis_db *(*db_at)(modis_ctx *ctx, int index);
    int (*db_index)(const modis_db *db);
    int (*db_count)(modis_ctx *ctx);
    int (*in_multi)(modis_ctx *ctx);
    /* The time the command started, unix ms (monotonic within a command:
     * every expiry decision of one command sees the same "now"). */
    long long (*now_ms)(modis_ctx *ctx);

    /* -- Keyspace -------------------------------------------------------------
     * lookup: finds key in db. Returns MODIS_KEY_FOUND with *area and *size
     *   (the value bytes, valid until this key is written, resized or
     *   deleted), MODIS_KEY_MISSING, or MODIS_KEY_WRONGTYPE when the key
     *   holds another type (type NULL accepts any type). area/size may be NULL.
     * key_type: the type of key, or NULL when missing.
     * set_value: creates or replaces key with a new value of `type`, an
     *   uninitialised area of `size` bytes the caller fills; a replaced value
     *   is freed through its type. The TTL is dropped unless MODIS_SET_KEEPTTL.
     *   Signals WATCH and, for a new key, blocked clients. Returns the area.
     * resize_value: grows or shrinks the existing area of key (contents kept
     *   up to the smaller size); returns the new area. It does not signal
     *   WATCH: call signal_modified when the value changed.
     * delete: removes key; returns 1 if it existed.
     * set_value, delete, set_expire, rename, copy,
     *   swap_db and flush signal WATCH themselves; signal_modified is for values
     *   changed in place through the area pointer.
     * get_expire: absolute unix ms, MODIS_NO_EXPIRE, or MODIS_KEY_NOT_FOUND.
     * set_expire: sets the absolute expiry in unix ms (MODIS_NO_EXPIRE removes
     *   it); returns MODIS_ERR when the key is missing. A time in the past is
     *   stored as is: the key is then gone for every later lookup.
     * signal_modified: the value of key changed in place (WATCH).
     * signal_ready: key may now serve clients blocked on it (a new key made
     *   by set_value is signalled automatically).
     * db_size: keys in db (expired but not yet reclaimed keys included, as
     *   Redis's DBSIZE). db_expires: keys with a TTL.
     * scan: calls fn for the keys in the table bucket(s) at cursor; returns
     *   the next cursor (0: done). Expired keys are skipped. fn must not
     *   change the keyspace.
     * random_key: fills info with a random live key; returns 0, or -1 when
     *   the db is empty.
     * flush: deletes every key of db (NULL: every db); returns keys removed.
     * rename: moves key src of db to dst of dst_db (replacing it), value,
     *   type and TTL together; returns MODIS_ERR when src is missing.
     * copy: deep copy through the type's copy method; returns MODIS_ERR when
     *   src is missing.
     * swap_db: swaps the contents of two databases; wakes blocked clients. */
    int (*lookup)(modis_ctx *ctx, modis_db *db, const modis_str *key, const modis_type *type,
                  int mode, void **area, size_t *size);
    const modis_type *(*key_type)(modis_ctx *ctx, modis_db *db, const modis_str *key);
    void *(*set_value)(modis_ctx *ctx, modis_db *db, const modis_str *key, const modis_type *type,
                       size_t size, int flags);
    void *(*resize_value)(modis_ctx *ctx, modis_db *db, const modis_str *key, size_t size);
    int (*delete)(modis_ctx *ctx, modis_db *db, const modis_str *key);
    long long (*get_expire)(modis_ctx *ctx, modis_db *db, const modis_str *key);
    int (*set_expire)(modis_ctx *ctx, modis_db *db, const modis_str *key, long long when_ms);
    void (*signal_modified)(modis_ctx *ctx, modis_db *db, const modis_str *key);
    void (*signal_ready)(modis_ctx *ctx, modis_db *db, const modis_str *key);
    long long (*db_size)(modis_db *db);
    long long (*db_expires)(modis_db *db);
    unsigned long long (*scan)(modis_ctx *ctx, modis_db *db, unsigned long long cursor,
                               modis_scan_fn fn, void *priv);
    int (*random_key)(modis_ctx *ctx, modis_db *db, modis_keyinfo *info);
    long long (*flush)(modis_ctx *ctx, modis_db *db);
    int (*rename)(modis_ctx *ctx, modis_db *db, const modis_str *src, modis_db *dst_db,
                  const modis_str *dst);
    int (*copy)(modis_ctx *ctx, modis_db *db, const modis_str *src, modis_db *dst_db,
                const modis_str *dst);
    int (*swap_db)(modis_ctx *ctx, int a, int b);
    /* The type's name and OBJECT ENCODING name for the value at key, or NULL. */
    const char *(*type_name)(const modis_type *type);
    const char *(*encoding_name)(modis_ctx *ctx, modis_db *db, const modis_str *key);

    /* -- Blocking ---------------------------------------------------------------
     * block_on_keys: parks the client until one of keys holds a value of
     *   `type` (then the core calls the same handler again with the same argv,
     *   in FIFO order among clients waiting on that key, in the same event
     *   loop turn as the write) or until timeout_ms (absolute unix ms; 0 =
     *   forever), when on_timeout replies (NULL: the null array). Inside MULTI
     *   (or when the client cannot block) it does not block: it calls the
     *   timeout reply at once. When the re-run handler finds nothing to serve
     *   it calls block_on_keys again and the client keeps its place.
     * is_reexec: the handler runs because a key became ready. */
    void (*block_on_keys)(modis_ctx *ctx, const modis_str *keys, int nkeys, const modis_type *type,
                          long long timeout_ms, modis_timeout_fn on_timeout);
    int (*is_reexec)(modis_ctx *ctx);
    /* Parses a blocking timeout argument (seconds, float) as Redis does and
     * returns MODIS_OK with *abs_ms (0 = forever), or replies the error
     * ("ERR timeout is not a float or out of range", "ERR timeout is
     * negative") and returns MODIS_ERR. */
    int (*parse_timeout)(modis_ctx *ctx, const modis_str *arg, long long *abs_ms);

    /* -- Propagation (persistence, replicas) -------------------------------------
     * Reserved: ABI 1.0 servers accept and count these calls; persistence
     * will write them to the append-only file. propagate: the command to log
     * instead of the one executed (e.g. SET EX rewritten as SET PXAT).
     * propagate_verbatim: log the command as executed. */
    void (*propagate)(modis_ctx *ctx, const modis_str *argv, int argc);
    void (*propagate_verbatim)(modis_ctx *ctx);

    /* -- Server and client introspection (for the admin module) ----------------
     * These give the admin module what Redis's server.c/networking.c know.
     * server_info_field: appends "name:value\r\n" lines for a standard INFO
     *   section ("server", "clients", "memory", "persistence", "stats",
     *   "replication", "cpu", "modules", "commandstats", "errorstats",
     *   "keyspace") into buf; returns bytes written (or needed when buf is
     *   too small, as snprintf). */
    size_t (*info_section)(modis_ctx *ctx, const char *section, char *buf, size_t cap);
    /* Client facts. client_id: this client's id. client_set_name: MODIS_ERR
     * when name has spaces or newlines (the caller replies). client_name:
     * borrowed, NULL when unset. set_resp: switch protocol (2 or 3).
     * authenticate: checks password against requirepass; MODIS_OK or MODIS_ERR.
     * close_after_reply: QUIT. client_list: CLIENT LIST lines for all clients
     * (id filter: 0 = all) into a module-freed buffer from api->alloc.
     * client_info: the same line for this client. */
    long long (*client_id)(modis_ctx *ctx);
    int (*client_set_name)(modis_ctx *ctx, const modis_str *name);
    const char *(*client_name)(modis_ctx *ctx);
    int (*set_resp)(modis_ctx *ctx, int version);
    int (*select_db)(modis_ctx *ctx, int index);
    int (*auth_required)(modis_ctx *ctx);
    int (*authenticate)(modis_ctx *ctx, const modis_str *user, const modis_str *password);
    void (*close_after_reply)(modis_ctx *ctx);
    char *(*client_list)(modis_ctx *ctx, long long only_id, size_t *len);
    char *(*client_info)(modis_ctx *ctx, size_t *len);
    /* Ends the server as SHUTDOWN does (after this reply is written). */
    void (*shutdown)(modis_ctx *ctx, int flags);
    /* Command table access for COMMAND: calls fn for each command (and
     * subcommand when subcommands is set). An opaque handle is passed to
     * command_reply_info / command_reply_docs which emit the exact Redis
     * reply shapes. command_lookup finds by name (container|sub allowed). */
    void *(*command_lookup)(modis_ctx *ctx, const modis_str *name);
    void *(*command_lookup_sub)(modis_ctx *ctx, const modis_str *name, const modis_str *sub);
    void (*command_foreach)(modis_ctx *ctx, void (*fn)(void *priv, void *cmd), void *priv);
    long (*command_count)(modis_ctx *ctx);
    void (*command_reply_info)(modis_ctx *ctx, void *cmd);
    void (*command_reply_docs)(modis_ctx *ctx, void *cmd);
    const char *(*command_fullname)(void *cmd);
    const modis_command *(*command_def)(void *cmd);
    const char *(*command_module)(void *cmd);
    /* getkeys: the argument positions of keys in argv for a command, as
     * COMMAND GETKEYS does; returns count or -1 when the command has no keys
     * or the arguments are invalid. positions are written to pos[0..cap). */
    int (*command_getkeys)(modis_ctx *ctx, void *cmd, const modis_str *argv, int argc, int *pos,
                           int cap);
    /* Configuration parameters (CONFIG GET/SET): config_get calls fn for each
     * parameter matching the glob pattern; config_set validates and applies,
     * returning MODIS_OK or MODIS_ERR with a Redis-style message in err. */
    void (*config_get)(modis_ctx *ctx, const char *pattern,
                       void (*fn)(void *priv, const char *name, const char *value), void *priv);
    int (*config_set)(modis_ctx *ctx, const char *name, const modis_str *value, char *err,
                      size_t errlen);
    int (*config_rewrite)(modis_ctx *ctx, char *err, size_t errlen);
    void (*reset_stats)(modis_ctx *ctx);
    /* Stats counters for INFO: keyspace hits and misses. */
    void (*stat_add)(modis_ctx *ctx, const char *name, long long delta);

    /* -- Clients (CLIENT, RESET, MONITOR) -----------------------------------------
     * client_foreach: calls fn with the id of every connected client.
     * client_describe: the CLIENT LIST line (with its trailing "\n") of client
     *   `id` into a buffer from api->alloc the caller frees; NULL when absent.
     * client_addr / client_laddr: "ip:port" of client id (borrowed until the
     *   handler returns), NULL when absent. client_user: "default".
     * client_kill: closes client id after the current command; MODIS_ERR when
     *   absent. Killing the caller closes it after its reply.
     * client_unblock: as CLIENT UNBLOCK id [TIMEOUT|ERROR]; MODIS_ERR when the
     *   client is not blocked (or absent).
     * set_reply_mode: MODIS_REPLY_ON/OFF/SKIP (CLIENT REPLY); OFF and SKIP
     *   suppress this very call's reply too.
     * client_set_lib: CLIENT SETINFO LIB-NAME/LIB-VER (either may be NULL).
     * client_set_flag: "no-evict" / "no-touch" on or off.
     * pause: as CLIENT PAUSE ms [WRITE|ALL] (write_only), absolute unix ms;
     *   unpause: CLIENT UNPAUSE.
     * monitor: makes this client a monitor (every later command of every
     *   client is sent to it as Redis's MONITOR lines).
     * client_reset: RESET: discards MULTI, unwatches, unblocks nothing, leaves
     *   monitor mode, selects db 0, RESP2, no name, reply mode ON, and
     *   de-authenticates when a password is set. */
    void (*client_foreach)(modis_ctx *ctx, void (*fn)(void *priv, long long id), void *priv);
    char *(*client_describe)(modis_ctx *ctx, long long id, size_t *len);
    const char *(*client_addr)(modis_ctx *ctx, long long id);
    const char *(*client_laddr)(modis_ctx *ctx, long long id);
    int (*client_kill)(modis_ctx *ctx, long long id);
    int (*client_unblock)(modis_ctx *ctx, long long id, int as_error);
    void (*set_reply_mode)(modis_ctx *ctx, int mode);
    void (*client_set_lib)(modis_ctx *ctx, const modis_str *name, const modis_str *ver);
    void (*client_set_flag)(modis_ctx *ctx, const char *flag, int on);
    void (*pause)(modis_ctx *ctx, long long until_ms, int write_only);
    void (*unpause)(modis_ctx *ctx);
    void (*monitor)(modis_ctx *ctx);
    void (*client_reset)(modis_ctx *ctx);

    /* -- Modules at run time (MODULE LOAD/UNLOAD/LIST) ---------------------------
     * module_load: loads path; on failure MODIS_ERR with the loader's message
     *   in err. module_unload: MODIS_ERR with the refusal reason in err.
     * module_foreach: name, version and path of each loaded module.
     * setting_enabled: the value of a yes/no/local setting such as
     *   "enable-module-command" or "enable-debug-command" for this client
     *   (local counts as yes for loopback and unix-socket clients). */
    int (*module_load)(modis_ctx *ctx, const char *path, char *err, size_t errlen);
    int (*module_unload)(modis_ctx *ctx, const char *name, char *err, size_t errlen);
    void (*module_foreach)(modis_ctx *ctx,
                           void (*fn)(void *priv, const char *name, const char *version,
                                      const char *path),
                           void *priv);
    int (*setting_enabled)(modis_ctx *ctx, const char *name);

    /* -- Slow log (SLOWLOG) ----------------------------------------------------------
     * slowlog_reply: replies SLOWLOG GET's array of the newest `count` entries
     *   (count < 0: all), each [id, unix time, microseconds, [args], peer, name].
     * slowlog_len / slowlog_reset: SLOWLOG LEN / RESET. */
    void (*slowlog_reply)(modis_ctx *ctx, long count);
    long (*slowlog_len)(modis_ctx *ctx);
    void (*slowlog_reset)(modis_ctx *ctx);

    /* -- Blocking, continued -------------------------------------------------------
     * ready_key: during a re-run (is_reexec), the key whose readiness woke
     *   the client; serve from it first, as Redis serves the key that got
     *   data. NULL outside a re-run. */
    const modis_str *(*ready_key)(modis_ctx *ctx);

    /* -- Secrets and client state ----------------------------------------------------
     * redact_arg: argv[i] (i < 64) appears as "(redacted)" in MONITOR and the
     *   slow log (AUTH, HELLO AUTH, CONFIG SET requirepass).
     * reply_mode: the client's current CLIENT REPLY mode (enum modis_reply_mode). */
    void (*redact_arg)(modis_ctx *ctx, int i);
    int (*reply_mode)(modis_ctx *ctx);

    /* -- Numbers as Redis reads them ----------------------------------------------------
     * parse_ll: strict decimal as Redis's string2ll (optional '-', no '+', no
     *   spaces, no leading zeros, no overflow); MODIS_OK with *out, or MODIS_ERR
     *   (reply MODIS_ERR_NOT_INTEGER, as Redis does).
     * parse_double: as Redis's getDoubleFromObject (no leading space, no NaN,
     *   no overflow; "inf" accepted); MODIS_OK or MODIS_ERR. */
    int (*parse_ll)(const modis_str *s, long long *out);
    int (*parse_double)(const modis_str *s, double *out);

    /* -- Access tracking (1.1) -------------------------------------------------------
     * The three read a key without recording an access; each returns
     * MODIS_KEY_NOT_FOUND (-2) when key is missing or expired.
     * key_idle_ms: milliseconds since the key was last accessed, in whole
     *   seconds as Redis's LRU clock (OBJECT IDLETIME divides by 1000).
     *   Meaningful when the maxmemory-policy is not an LFU one.
     * key_freq: the logarithmic access counter after its time decay (OBJECT
     *   FREQ). Meaningful under an LFU maxmemory-policy.
     * key_refcount: what OBJECT REFCOUNT shows: the type's refcount method,
     *   or 1. */
    long long (*key_idle_ms)(modis_ctx *ctx, modis_db *db, const modis_str *key);
    long long (*key_freq)(modis_ctx *ctx, modis_db *db, const modis_str *key);
    long long (*key_refcount)(modis_ctx *ctx, modis_db *db, const modis_str *key);

    /* -- Server parameters (1.1) -----------------------------------------------------
     * config_watch: from on_load only. Calls fn(priv, value) with the server
     *   parameter's current value (as CONFIG GET shows it) before returning,
     *   then again after every successful CONFIG SET of it, until the module
     *   is unloaded. MODIS_ERR when name is not a server parameter. Lets a
     *   module follow a setting such as list-max-listpack-size without
     *   reading it on every command. */
    int (*config_watch)(modis_module_ctx *m, const char *name,
                        void (*fn)(void *priv, const char *value), void *priv);

    /* -- Key flags that depend on the arguments (1.2) --------------------------------
     * A key spec with MODIS_KS_VARIABLE_FLAGS gives the flags a key may have;
     * which ones it has in a given call can depend on the other arguments
     * (SET's key is OW UPDATE, or RW ACCESS UPDATE when GET is given).
     * set_key_flags: from on_load, for cmd, a command or subcommand of this
     *   module passed to register_command (the same pointer): fn answers the
     *   flags of the key at argv[pos] of one call (argv[0] is the command
     *   name; spec_flags are its spec's flags). MODIS_ERR when cmd is not a
     *   command of this module in the table (one the operator disabled, for
     *   instance).
     * command_key_flags: the flags of the key at argv[pos] of a call of cmd
     *   (a handle from command_lookup), as COMMAND GETKEYSANDFLAGS reports
     *   them: fn's answer when spec_flags carry MODIS_KS_VARIABLE_FLAGS and
     *   the command has one, else spec_flags. */
    int (*set_key_flags)(modis_module_ctx *m, const modis_command *cmd, modis_key_flags_fn fn);
    int (*command_key_flags)(void *cmd, const modis_str *argv, int argc, int pos, int spec_flags);
};

/* True when the server's API table has the member `fn`. */
#define MODIS_API_HAS(api, fn) \
    ((api)->size >= offsetof(modis_api, fn) + sizeof(((modis_api *)0)->fn))

/* ---------------------------------------------------------------------------
 * The module descriptor
 * ------------------------------------------------------------------------- */

typedef struct modis_module {
    uint32_t magic;      /* MODIS_MODULE_MAGIC */
    uint16_t abi_major;  /* MODIS_ABI_MAJOR the module was built with */
    uint16_t abi_minor;  /* MODIS_ABI_MINOR the module was built with */
    uint32_t size;       /* sizeof(modis_module) */
    const char *name;    /* short name, [a-z0-9_-], unique per server */
    const char *version; /* the module's own version, e.g. "1.0.0" */
    /* Called once, after the checks. Registers commands and types and reads
     * config. Returns MODIS_OK, or MODIS_ERR (after api->load_error) to refuse
     * loading: the server then unregisters whatever it registered. */
    int (*on_load)(const modis_api *api, modis_module_ctx *m);
    /* Called before the module is unloaded at runtime; NULL means the module
     * cannot be unloaded. */
    void (*on_unload)(void);
} modis_module;

typedef const modis_module *(*modis_module_entry_fn)(void);

/* Declares the module's entry point returning descriptor `desc`. */
#define MODIS_MODULE_DEFINE(desc) \
    MODIS_EXPORT const modis_module *modis_module_entry(void); \
    const modis_module *modis_module_entry(void) { return &(desc); }

/* Initialiser for the descriptor's version fields. */
#define MODIS_MODULE_HEADER \
    .magic = MODIS_MODULE_MAGIC, .abi_major = MODIS_ABI_MAJOR, .abi_minor = MODIS_ABI_MINOR, \
    .size = sizeof(modis_module)

#ifdef __cplusplus
}
#endif

#endif /* MODIS_MODULE_H */
