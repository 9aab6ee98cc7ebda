/* info.c: the INFO sections (Redis's field names) and the server's statistics. */
#include "info.h"

#include "alloc.h"
#include "config.h"
#include "conn.h"
#include "dispatch.h"
#include "server.h"
#include "uring.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

typedef struct out {
    char *buf;
    size_t cap, len;
} out;

static void put(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = o->len < o->cap ? o->cap - o->len : 0;
    int n = vsnprintf(o->buf ? o->buf + (o->len < o->cap ? o->len : o->cap) : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n;
}

static void human(char *b, size_t cap, double n)
{
    if (n < 1024)
        snprintf(b, cap, "%.0fB", n);
    else if (n < 1024 * 1024)
        snprintf(b, cap, "%.2fK", n / 1024);
    else if (n < 1024.0 * 1024 * 1024)
        snprintf(b, cap, "%.2fM", n / (1024 * 1024));
    else
        snprintf(b, cap, "%.2fG", n / (1024.0 * 1024 * 1024));
}

typedef struct errstat {
    long long count;
    size_t len;
    char name[];
} errstat;

static const char *errstat_key(const void *e, size_t *len)
{
    const errstat *s = e;
    *len = s->len;
    return s->name;
}

void server_stat_error(const char *err, size_t len)
{
    server.stat_total_error_replies++;
    size_t n = 0;
    while (n < len && n < 64 && err[n] != ' ')
        n++;
    if (!server.errorstats.keyfn)
        htab_init(&server.errorstats, errstat_key);
    errstat *found = htab_find(&server.errorstats, htab_hash(err, n), err, n);
    if (found) {
        found->count++;
        return;
    }
    if (htab_size(&server.errorstats) >= 128)
        return; /* as Redis, cap the number of distinct error codes */
    errstat *s = zmalloc(sizeof *s + n + 1);
    s->count = 1;
    s->len = n;
    memcpy(s->name, err, n);
    s->name[n] = '\0';
    htab_insert(&server.errorstats, htab_hash(err, n), s);
}

static void errstat_free(void *e, void *priv)
{
    (void)priv;
    zfree(e);
}

void info_deinit(void)
{
    if (server.errorstats.keyfn)
        htab_deinit(&server.errorstats, errstat_free, NULL);
    memset(&server.errorstats, 0, sizeof(server.errorstats)); /* server_stat_error re-inits */
}

void info_reset_stats(void)
{
    server.stat_numcommands = server.stat_numconnections = server.stat_rejected_conn = 0;
    server.stat_expiredkeys = server.stat_evictedkeys = 0;
    server.stat_keyspace_hits = server.stat_keyspace_misses = 0;
    server.stat_net_input_bytes = server.stat_net_output_bytes = 0;
    server.stat_total_error_replies = server.stat_unexpected_error_replies = 0;
    if (server.errorstats.keyfn)
        htab_clear(&server.errorstats, errstat_free, NULL);
    dispatch_reset_stats();
}

void info_track_ops(void)
{
    long long now = ev_mstime();
    long long dt = now - server.ops_last_time;
    if (dt <= 0)
        return;
    long long ops = (server.stat_numcommands - server.ops_last_count) * 1000 / dt;
    server.ops_samples[server.ops_idx++ % 16] = ops;
    server.ops_last_time = now;
    server.ops_last_count = server.stat_numcommands;
}

static long long ops_per_sec(void)
{
    long long s = 0;
    for (int i = 0; i < 16; i++)
        s += server.ops_samples[i];
    return s / 16;
}

static void sec_server(out *o)
{
    struct utsname u;
    uname(&u);
    long long up = (ev_mstime() - server.start_ms) / 1000;
    put(o, "# Server\r\nredis_version:%s\r\nmodis_version:%s\r\nredis_git_sha1:00000000\r\n"
           "redis_git_dirty:0\r\nredis_build_id:0\r\nredis_mode:standalone\r\nos:%s %s %s\r\n"
           "arch_bits:%d\r\nmonotonic_clock:POSIX clock_gettime\r\nmultiplexing_api:epoll\r\n"
           "atomicvar_api:c11-builtin\r\ngcc_version:%d.%d.%d\r\nprocess_id:%d\r\n"
           "process_supervised:no\r\nrun_id:%s\r\ntcp_port:%d\r\nserver_time_usec:%lld\r\n"
           "uptime_in_seconds:%lld\r\nuptime_in_days:%lld\r\nhz:%d\r\nconfigured_hz:%d\r\n"
           "lru_clock:%lld\r\nexecutable:%s\r\nconfig_file:%s\r\nio_threads_active:0\r\n"
           "io_uring:%d\r\nio_coalesce_supported:%d\r\n",
        MODIS_REDIS_VERSION, MODIS_VERSION, u.sysname, u.release, u.machine,
        (int)(sizeof(void *) * 8), __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__, (int)server.pid,
        server.run_id, server.cfg.port, ev_ustime(), up, up / 86400, server.cfg.hz, server.cfg.hz,
        (long long)server.lru_clock, "modis-server",
        server.config_file ? server.config_file : "", uring_active(), uring_can_coalesce());
}

static void sec_clients(out *o)
{
    put(o, "# Clients\r\nconnected_clients:%d\r\ncluster_connections:0\r\nmaxclients:%d\r\n"
           "client_recent_max_input_buffer:0\r\nclient_recent_max_output_buffer:0\r\n"
           "blocked_clients:%d\r\ntracking_clients:0\r\nclients_in_timeout_table:%d\r\n",
        server.nclients, server.cfg.maxclients, server.blocked_clients, server.blocked_clients);
}

static void sec_memory(out *o)
{
    size_t used = zused_memory(), rss = zrss();
    char h1[32], h2[32], h3[32];
    human(h1, sizeof h1, (double)used);
    human(h2, sizeof h2, (double)rss);
    human(h3, sizeof h3, (double)server.cfg.maxmemory);
    long long nkeys = 0;
    size_t tables = 0;
    for (int i = 0; i < server.cfg.databases; i++) {
        nkeys += (long long)htab_size(&server.dbs[i].keys);
        tables += htab_mem_usage(&server.dbs[i].keys);
    }
    put(o, "# Memory\r\nused_memory:%zu\r\nused_memory_human:%s\r\nused_memory_rss:%zu\r\n"
           "used_memory_rss_human:%s\r\nused_memory_peak:%zu\r\nused_memory_overhead:%zu\r\n"
           "used_memory_dataset:%zu\r\nused_memory_keys_table:%zu\r\nmaxmemory:%lld\r\n"
           "maxmemory_human:%s\r\nmaxmemory_policy:%s\r\nmem_fragmentation_ratio:%.2f\r\n"
           "mem_allocator:%s\r\nclients_normal:%zu\r\nlazyfree_pending_objects:0\r\n",
        used, h1, rss, h2, used, tables + conn_query_bytes(), used > tables ? used - tables : 0,
        tables, server.cfg.maxmemory, h3, config_policy_name(), used ? (double)rss / (double)used : 0.0,
        zallocator_name(), conn_output_bytes());
    (void)nkeys;
}

static void sec_persistence(out *o)
{
    put(o, "# Persistence\r\nloading:0\r\nasync_loading:0\r\ncurrent_cow_peak:0\r\n"
           "current_cow_size:0\r\ncurrent_cow_size_age:0\r\ncurrent_fork_perc:0.00\r\n"
           "current_save_keys_processed:0\r\ncurrent_save_keys_total:0\r\nrdb_changes_since_last_save:0\r\n"
           "rdb_bgsave_in_progress:0\r\nrdb_last_save_time:%lld\r\nrdb_last_bgsave_status:ok\r\n"
           "rdb_last_bgsave_time_sec:-1\r\nrdb_current_bgsave_time_sec:-1\r\n"
           "aof_enabled:0\r\naof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0\r\n"
           "aof_last_rewrite_time_sec:-1\r\naof_current_rewrite_time_sec:-1\r\n"
           "aof_last_bgrewrite_status:ok\r\naof_last_write_status:ok\r\n",
        server.start_ms / 1000);
}

static void sec_stats(out *o)
{
    unsigned long long poll_hits, poll_misses, co_hits, co_misses;
    uring_busy_poll_stats(&poll_hits, &poll_misses);
    uring_coalesce_stats(&co_hits, &co_misses);
    put(o, "# Stats\r\ntotal_connections_received:%lld\r\ntotal_commands_processed:%lld\r\n"
           "instantaneous_ops_per_sec:%lld\r\ntotal_net_input_bytes:%lld\r\n"
           "total_net_output_bytes:%lld\r\nrejected_connections:%lld\r\nexpired_keys:%lld\r\n"
           "evicted_keys:%lld\r\nkeyspace_hits:%lld\r\nkeyspace_misses:%lld\r\n"
           "pubsub_channels:0\r\npubsub_patterns:0\r\nlatest_fork_usec:0\r\n"
           "total_error_replies:%lld\r\nunexpected_error_replies:%lld\r\n"
           "total_reads_processed:0\r\ntotal_writes_processed:0\r\n"
           "busy_poll_hits:%llu\r\nbusy_poll_misses:%llu\r\n"
           "io_coalesce_hits:%llu\r\nio_coalesce_misses:%llu\r\n",
        server.stat_numconnections, server.stat_numcommands, ops_per_sec(),
        server.stat_net_input_bytes, server.stat_net_output_bytes, server.stat_rejected_conn,
        server.stat_expiredkeys, server.stat_evictedkeys, server.stat_keyspace_hits,
        server.stat_keyspace_misses, server.stat_total_error_replies,
        server.stat_unexpected_error_replies, poll_hits, poll_misses, co_hits, co_misses);
}

static void sec_replication(out *o)
{
    put(o, "# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmaster_failover_state:no-failover\r\n"
           "master_replid:%s\r\nmaster_replid2:0000000000000000000000000000000000000000\r\n"
           "master_repl_offset:0\r\nsecond_repl_offset:-1\r\nrepl_backlog_active:0\r\n"
           "repl_backlog_size:1048576\r\nrepl_backlog_first_byte_offset:0\r\n"
           "repl_backlog_histlen:0\r\n",
        server.run_id);
}

static void sec_cpu(out *o)
{
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    put(o, "# CPU\r\nused_cpu_sys:%ld.%06ld\r\nused_cpu_user:%ld.%06ld\r\n"
           "used_cpu_sys_children:%ld.%06ld\r\nused_cpu_user_children:%ld.%06ld\r\n",
        (long)self.ru_stime.tv_sec, (long)self.ru_stime.tv_usec, (long)self.ru_utime.tv_sec,
        (long)self.ru_utime.tv_usec, (long)kids.ru_stime.tv_sec, (long)kids.ru_stime.tv_usec,
        (long)kids.ru_utime.tv_sec, (long)kids.ru_utime.tv_usec);
}

static void sec_modules(out *o)
{
    put(o, "# Modules\r\n");
    for (module *m = server.modules; m; m = m->next)
        put(o, "module:name=%s,ver=%s,api=%d.%d,filters=0,usedby=[],using=[],options=[]\r\n",
            m->name, m->version, m->desc->abi_major, m->desc->abi_minor);
}

static void cmdstat_one(out *o, command *c)
{
    if (c->calls || c->rejected_calls || c->failed_calls)
        put(o, "cmdstat_%s:calls=%lld,usec=%lld,usec_per_call=%.2f,rejected_calls=%lld,failed_calls=%lld\r\n",
            c->fullname, c->calls, c->usec, c->calls ? (double)c->usec / (double)c->calls : 0.0,
            c->rejected_calls, c->failed_calls);
    for (int i = 0; i < c->nsubs; i++)
        cmdstat_one(o, c->subs[i]);
}

static void cmdstat_visit(void *priv, command *c)
{
    cmdstat_one(priv, c);
}

static void sec_commandstats(out *o)
{
    put(o, "# Commandstats\r\n");
    dispatch_foreach(cmdstat_visit, o);
}

static void errstat_visit(void *priv, void *e)
{
    errstat *s = e;
    put(priv, "errorstat_%s:count=%lld\r\n", s->name, s->count);
}

static void sec_errorstats(out *o)
{
    put(o, "# Errorstats\r\n");
    if (!server.errorstats.keyfn)
        return;
    unsigned long long cur = 0;
    do {
        cur = htab_scan(&server.errorstats, cur, errstat_visit, o);
    } while (cur);
}

static void sec_keyspace(out *o)
{
    put(o, "# Keyspace\r\n");
    for (int i = 0; i < server.cfg.databases; i++) {
        db *d = &server.dbs[i];
        size_t n = htab_size(&d->keys);
        if (n)
            put(o, "db%d:keys=%zu,expires=%lld,avg_ttl=%lld\r\n", i, n, d->expires, d->avg_ttl);
    }
}

static const struct {
    const char *name;
    void (*fn)(out *);
    int in_default;
} sections[] = {
    {"server", sec_server, 1},           {"clients", sec_clients, 1},
    {"memory", sec_memory, 1},           {"persistence", sec_persistence, 1},
    {"stats", sec_stats, 1},             {"replication", sec_replication, 1},
    {"cpu", sec_cpu, 1},                 {"modules", sec_modules, 1},
    {"commandstats", sec_commandstats, 0}, {"errorstats", sec_errorstats, 1},
    {"keyspace", sec_keyspace, 1},
};
#define NSECTIONS ((int)(sizeof sections / sizeof sections[0]))

size_t info_section(const char *name, char *buf, size_t cap)
{
    out o = {buf, cap, 0};
    int all = !strcasecmp(name, "all") || !strcasecmp(name, "everything");
    int def = !strcasecmp(name, "default");
    int first = 1;
    for (int i = 0; i < NSECTIONS; i++) {
        if (all || (def && sections[i].in_default) || !strcasecmp(name, sections[i].name)) {
            if (!first)
                put(&o, "\r\n");
            first = 0;
            sections[i].fn(&o);
        }
    }
    return o.len;
}
