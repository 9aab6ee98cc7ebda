/* server.h: the server's global state and the core types the core files share. */
#ifndef MODIS_SERVER_H
#define MODIS_SERVER_H

#include "modis/module.h"

#include "ev.h"
#include "htab.h"
#include "resp.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MODIS_REDIS_VERSION "7.0.15"
#define CLIENT_BUF_SIZE (16 * 1024)
#define SHARED_READ_SIZE (64 * 1024)
#define MAX_TYPES 255

typedef struct client client;
typedef struct command command;
typedef struct module module;
typedef struct modis_db db;

/* ---- value types ---- */
struct modis_type {
    uint8_t id;
    modis_type_methods m;
    char *name;
    module *owner;
    long long nkeys; /* live keys of this type, for MODULE UNLOAD */
};

/* ---- databases ---- */
struct modis_db {
    htab keys;
    long long expires; /* keys with a TTL */
    int id;
    unsigned long long expire_cursor;
    unsigned long long evict_cursor; /* volatile eviction policies scan from here */
    long long avg_ttl;
    htab waiting; /* key -> clients blocked on it (block.c) */
    htab watched; /* key -> clients watching it (multi.c) */
};

/* ---- commands ---- */
enum {
    CMD_WRITE = 1 << 0,
    CMD_READONLY = 1 << 1,
    CMD_DENYOOM = 1 << 2,
    CMD_ADMIN = 1 << 3,
    CMD_PUBSUB = 1 << 4,
    CMD_NOSCRIPT = 1 << 5,
    CMD_BLOCKING = 1 << 6,
    CMD_LOADING = 1 << 7,
    CMD_STALE = 1 << 8,
    CMD_SKIP_MONITOR = 1 << 9,
    CMD_SKIP_SLOWLOG = 1 << 10,
    CMD_FAST = 1 << 11,
    CMD_NO_AUTH = 1 << 12,
    CMD_MAY_REPLICATE = 1 << 13,
    CMD_NO_MANDATORY_KEYS = 1 << 14,
    CMD_NO_ASYNC_LOADING = 1 << 15,
    CMD_NO_MULTI = 1 << 16,
    CMD_ALLOW_BUSY = 1 << 17,
    CMD_MOVABLE_KEYS = 1 << 18,
    CMD_MODULE = 1 << 19,
    /* core-internal: allowed while in MULTI without queueing */
    CMD_MULTI_CONTROL = 1 << 20,
    /* core-internal: not refused inside MULTI when out of memory (EXEC,
     * DISCARD, QUIT, RESET), and EXEC itself */
    CMD_OOM_MULTI_OK = 1 << 21,
    CMD_EXEC = 1 << 22,
};

struct command {
    char *name;     /* lower case */
    size_t namelen;
    char *fullname; /* "config|get" for subcommands */
    const modis_command *def;
    module *owner;
    modis_cmd_fn handler;
    int arity;
    uint32_t flags;
    uint64_t acl;
    int first_key, last_key, key_step;
    command *parent;
    command **subs;
    int nsubs;
    modis_key_flags_fn key_flags; /* per-call key flags (set_key_flags), or NULL */
    long long calls, usec, rejected_calls, failed_calls;
};

/* ---- clients ---- */
enum {
    CLIENT_CLOSE_AFTER_REPLY = 1 << 0,
    CLIENT_CLOSE_ASAP = 1 << 1,
    CLIENT_PENDING_WRITE = 1 << 2,
    CLIENT_BLOCKED = 1 << 3,
    CLIENT_MULTI = 1 << 4,
    CLIENT_DIRTY_CAS = 1 << 5,
    CLIENT_DIRTY_EXEC = 1 << 6,
    CLIENT_UNBLOCKED = 1 << 7, /* in the unblocked queue, input to resume */
    CLIENT_PROTOCOL_ERROR = 1 << 8,
    CLIENT_UNIX = 1 << 9,
    CLIENT_IN_CALL = 1 << 10,
    CLIENT_MONITOR = 1 << 11,
    CLIENT_NO_EVICT = 1 << 12,
    CLIENT_NO_TOUCH = 1 << 13,
    CLIENT_PAUSED = 1 << 14,
    CLIENT_STREAMING = 1 << 15,   /* io_uring streaming: a multishot recv is armed */
    CLIENT_SEND_INFLIGHT = 1 << 16, /* io_uring streaming: a send awaits its result */
};

typedef struct reply_chunk {
    struct reply_chunk *next;
    size_t used, cap;
    char data[];
} reply_chunk;

typedef struct multi_cmd {
    command *cmd;
    modis_str *argv;
    int argc;
} multi_cmd;

typedef struct blocked_state blocked_state;

struct client {
    long long id;
    int fd;
    uint32_t flags;
    int resp;
    int reply_mode; /* enum modis_reply_mode */
    int authenticated;
    db *db;
    /* input: leftover bytes of a partial request (NULL when none) */
    char *qbuf;
    size_t qlen, qcap;
    size_t qneed; /* bytes needed before parsing again */
    /* output: the fixed buffer, then chunks */
    char *buf;
    size_t bufpos, sentlen;
    size_t csent; /* bytes of the head chunk already written */
    reply_chunk *chead, *ctail;
    size_t reply_bytes;
    size_t inflight; /* io_uring streaming: bytes offered by the send in flight */
    client *next_pending;
    /* command being run and its last command */
    command *lastcmd;
    command *cur_cmd;
    /* MULTI */
    multi_cmd *mstate;
    int mcount, mcap;
    /* WATCH: keys this client watches (db index + key) */
    struct watch_key **watched;
    int nwatched, capwatched;
    /* blocking */
    blocked_state *bs;
    /* identity */
    char *name;
    char *lib_name, *lib_ver;
    char addr[64], laddr[64];
    long long ctime_ms, last_interaction_ms;
    long long idle_timer;
    /* the list of all clients */
    client *prev, *next;
    unsigned long long commands_processed;
};

/* ---- the call ---- */
struct modis_ctx {
    client *c;
    command *cmd;
    const modis_str *argv;
    int argc;
    int reexec;
    modis_str ready_key; /* during a re-run: the key that became ready */
    int blocked;         /* the handler called block_on_keys */
    uint64_t redacted;   /* arguments (bit i = argv[i], i < 64) hidden from MONITOR/SLOWLOG */
    long long now_ms;
    void *touched; /* the entry this command last counted an access of */
    int had_error;
};

/* ---- modules ---- */
struct module {
    char *name;
    char *path;
    char *version;
    void *handle;
    const modis_module *desc;
    void *config; /* json_t *, borrowed from the config document */
    int ncommands;
    char errbuf[512];
    module *next;
};

/* ---- settings (CONFIG GET/SET share this) ---- */
typedef struct settings {
    char *bind;
    int port;
    char *unixsocket;
    int unixsocketperm;
    int databases;
    int maxclients;
    int timeout;
    int tcp_backlog;
    int tcp_keepalive;
    long long proto_max_bulk_len;
    long long client_query_buffer_limit;
    char *requirepass;
    int loglevel;
    char *logfile;
    char *pidfile;
    char *dir;
    long long maxmemory;
    int maxmemory_policy; /* a POLICY_* index into config's policy names */
    int maxmemory_samples;
    int maxmemory_eviction_tenacity;
    int lfu_log_factor;
    int lfu_decay_time;
    long long slowlog_log_slower_than;
    long long slowlog_max_len;
    int hz;
    int enable_debug_command;
    int enable_module_command;
    int list_max_listpack_size;
    int active_expire_enabled;
    char *save;
    char *appendonly;
    char *module_dir;
    int io_uring;
    int busy_poll_us;
    int io_coalesce_us;
} settings;

/* maxmemory-policy values, in the order of config.c's names. */
enum {
    POLICY_NOEVICTION,
    POLICY_ALLKEYS_LRU,
    POLICY_VOLATILE_LRU,
    POLICY_ALLKEYS_LFU,
    POLICY_VOLATILE_LFU,
    POLICY_ALLKEYS_RANDOM,
    POLICY_VOLATILE_RANDOM,
    POLICY_VOLATILE_TTL
};

typedef struct slowlog_entry {
    long long id;
    long long time;
    long long duration;
    modis_str *argv;
    int argc;
    char *peer;
    char *cname;
} slowlog_entry;

typedef struct server_state {
    settings cfg;
    char *config_file;
    ev_loop *loop;
    int listen_fd;
    int unix_fd;
    db *dbs;
    /* types, commands, modules */
    modis_type *types[MAX_TYPES + 1];
    int ntypes;
    htab commands;
    long ncommands;
    module *modules;
    /* clients */
    client *clients;
    long long next_client_id;
    int nclients;
    client *pending_write;
    client **unblocked;
    int nunblocked, capunblocked;
    client **closing;
    int nclosing, capclosing;
    int blocked_clients;
    /* shared buffers */
    char *readbuf;
    client **byfd;    /* io_uring streaming: clients by fd, to match completions */
    int nbyfd;
    int stream_again; /* io_uring streaming: output left over, do not sleep */
    resp_parser parser;
    resp_parser prefetch_parser; /* looks ahead in a pipeline to prefetch keys */
    /* wall-clock microseconds, read once per input batch (gettimeofday) and
     * once per command end (clock_fast_us): a command starts when the
     * previous one ended (dispatch_call) */
    long long clock_us;
    /* The keys' access clock: seconds (LRU) mod 2^24, refreshed by the cron
     * like Redis's server.lruclock; lfu_minutes: unix minutes mod 2^16. */
    uint32_t lru_clock;
    uint32_t lfu_minutes;
    /* the module whose on_load runs (log prefixes) */
    module *loading_module;
    /* the command being executed (crash reports) */
    client *current_client;
    command *current_cmd;
    /* stats */
    long long start_ms;
    long long stat_numcommands, stat_numconnections, stat_rejected_conn;
    long long stat_expiredkeys, stat_evictedkeys, stat_keyspace_hits, stat_keyspace_misses;
    long long stat_net_input_bytes, stat_net_output_bytes;
    long long stat_total_error_replies, stat_unexpected_error_replies;
    long long stat_propagated;
    htab errorstats;
    long long ops_last_time, ops_last_count, ops_samples[16];
    int ops_idx;
    /* slowlog */
    slowlog_entry *slowlog;
    long slowlog_len, slowlog_head;
    long long slowlog_next_id;
    /* CLIENT PAUSE */
    long long pause_end_ms;
    int pause_write_only;
    client **paused;
    int npaused, cappaused;
    /* monitors */
    client **monitors;
    int nmonitors;
    /* lifecycle */
    int shutdown_asap;
    int exit_code;
    pid_t pid;
    char run_id[41];
    long long cron_loops;
} server_state;

extern server_state server;

/* server.c */
void server_cron_start(void);
long long server_now_ms(void);
void server_stat_error(const char *err, size_t len);

#endif
