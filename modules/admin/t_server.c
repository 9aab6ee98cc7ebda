/* t_server.c: server commands: FLUSHALL, FLUSHDB, DBSIZE, TIME, INFO, MONITOR, SHUTDOWN, DEBUG,
 * SLOWLOG. */
#include "admin.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Parses the optional ASYNC|SYNC argument; replies the error and returns -1. */
static int flush_mode(modis_ctx *ctx, const modis_str *argv, int argc)
{
    if (argc == 1)
        return 0;
    if (argc == 2 && (admin_arg_is(&argv[1], "ASYNC") || admin_arg_is(&argv[1], "SYNC")))
        return 0;
    M->reply_error(ctx, MODIS_ERR_SYNTAX);
    return -1;
}

/* FLUSHALL [ASYNC|SYNC] */
static void cmd_flushall(modis_ctx *ctx, const modis_str *argv, int argc)
{
    if (flush_mode(ctx, argv, argc) < 0)
        return;
    M->flush(ctx, NULL);
    M->propagate_verbatim(ctx);
    M->reply_ok(ctx);
}

/* FLUSHDB [ASYNC|SYNC] */
static void cmd_flushdb(modis_ctx *ctx, const modis_str *argv, int argc)
{
    if (flush_mode(ctx, argv, argc) < 0)
        return;
    M->flush(ctx, M->db(ctx));
    M->propagate_verbatim(ctx);
    M->reply_ok(ctx);
}

/* DBSIZE */
static void cmd_dbsize(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    M->reply_int(ctx, M->db_size(M->db(ctx)));
}

/* TIME */
static void cmd_time(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    char b[32];
    M->reply_array(ctx, 2);
    int n = snprintf(b, sizeof b, "%lld", (long long)ts.tv_sec);
    M->reply_bulk(ctx, b, (size_t)n);
    n = snprintf(b, sizeof b, "%ld", ts.tv_nsec / 1000);
    M->reply_bulk(ctx, b, (size_t)n);
}

/* INFO's sections in Redis's order; in_default marks the ones INFO without
 * arguments shows. "cluster" and "latencystats" are written here (modis
 * has no cluster and keeps no latency histograms); the rest come from the
 * core. */
static const struct {
    const char *name;
    int in_default;
} info_sections[] = {
    {"server", 1},       {"clients", 1}, {"memory", 1},   {"persistence", 1},  {"stats", 1},
    {"replication", 1},  {"cpu", 1},     {"modules", 1},  {"commandstats", 0}, {"errorstats", 1},
    {"latencystats", 0}, {"cluster", 1}, {"keyspace", 1},
};
#define NSECTIONS ((int)(sizeof info_sections / sizeof info_sections[0]))

/* Makes room for n more bytes (and a NUL) in the INFO text. */
static void info_reserve(char **buf, size_t len, size_t *cap, size_t n)
{
    if (len + n + 1 > *cap) {
        *cap = (len + n + 1) * 2;
        *buf = M->realloc(*buf, *cap);
    }
}

static void info_append(modis_ctx *ctx, const char *name, char **buf, size_t *len, size_t *cap)
{
    const char *fixed = NULL;
    if (strcmp(name, "cluster") == 0)
        fixed = "# Cluster\r\ncluster_enabled:0\r\n";
    else if (strcmp(name, "latencystats") == 0)
        fixed = "# Latencystats\r\n";
    else if (strcmp(name, "separator") == 0)
        fixed = "\r\n";
    size_t need = fixed ? strlen(fixed) : M->info_section(ctx, name, NULL, 0);
    info_reserve(buf, *len, cap, need);
    if (fixed)
        memcpy(*buf + *len, fixed, need + 1);
    else
        need = M->info_section(ctx, name, *buf + *len, *cap - *len);
    *len += need;
}

/* INFO [section [section ...]] */
static void cmd_info(modis_ctx *ctx, const modis_str *argv, int argc)
{
    int want[NSECTIONS] = {0};
    int all = 0;
    for (int i = 0; i < NSECTIONS; i++)
        want[i] = argc == 1 && info_sections[i].in_default;
    for (int j = 1; j < argc; j++) {
        if (admin_arg_is(&argv[j], "all") || admin_arg_is(&argv[j], "everything")) {
            all = 1;
            continue;
        }
        int def = admin_arg_is(&argv[j], "default");
        for (int i = 0; i < NSECTIONS; i++) {
            if ((def && info_sections[i].in_default) ||
                admin_arg_is(&argv[j], info_sections[i].name) ||
                (i == 7 && admin_arg_is(&argv[j], "module_list")))
                want[i] = 1;
        }
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int first = 1;
    for (int i = 0; i < NSECTIONS; i++) {
        if (!all && !want[i])
            continue;
        if (!first)
            info_append(ctx, "separator", &buf, &len, &cap);
        first = 0;
        info_append(ctx, info_sections[i].name, &buf, &len, &cap);
    }
    M->reply_verbatim(ctx, "txt", buf ? buf : "", len);
    M->free(buf);
}

/* Whether this client is already a monitor: its CLIENT INFO flags hold 'O'. */
static int is_monitor(modis_ctx *ctx)
{
    size_t len;
    char *line = M->client_info(ctx, &len);
    int yes = 0;
    const char *f = line ? strstr(line, " flags=") : NULL;
    if (f) {
        for (f += 7; *f && *f != ' '; f++)
            if (*f == 'O')
                yes = 1;
    }
    M->free(line);
    return yes;
}

/* MONITOR */
static void cmd_monitor(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    if (M->in_multi(ctx)) {
        M->reply_error(ctx, "ERR MONITOR isn't allowed for DENY BLOCKING client");
        return;
    }
    if (is_monitor(ctx))
        return; /* as Redis: a second MONITOR is ignored, without a reply */
    M->monitor(ctx);
    M->reply_ok(ctx);
}

#define SHUTDOWN_NOSAVE 1
#define SHUTDOWN_SAVE 2
#define SHUTDOWN_NOW 4
#define SHUTDOWN_FORCE 8

/* SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] */
static void cmd_shutdown(modis_ctx *ctx, const modis_str *argv, int argc)
{
    int flags = 0, abort_it = 0;
    for (int i = 1; i < argc; i++) {
        if (admin_arg_is(&argv[i], "nosave"))
            flags |= SHUTDOWN_NOSAVE;
        else if (admin_arg_is(&argv[i], "save"))
            flags |= SHUTDOWN_SAVE;
        else if (admin_arg_is(&argv[i], "now"))
            flags |= SHUTDOWN_NOW;
        else if (admin_arg_is(&argv[i], "force"))
            flags |= SHUTDOWN_FORCE;
        else if (admin_arg_is(&argv[i], "abort"))
            abort_it = 1;
        else {
            M->reply_error(ctx, MODIS_ERR_SYNTAX);
            return;
        }
    }
    if ((abort_it && flags) || ((flags & SHUTDOWN_NOSAVE) && (flags & SHUTDOWN_SAVE))) {
        M->reply_error(ctx, MODIS_ERR_SYNTAX);
        return;
    }
    if (abort_it) {
        /* modis never waits for replicas or a save: nothing can be in progress. */
        M->reply_error(ctx, "ERR No shutdown in progress.");
        return;
    }
    if ((flags & SHUTDOWN_SAVE) && !(flags & SHUTDOWN_FORCE)) {
        /* As Redis when the final save fails: refuse unless FORCE. */
        M->log(ctx, MODIS_LOG_WARNING,
               "SHUTDOWN SAVE refused: this server has no persistence; "
               "use SHUTDOWN NOSAVE or add FORCE");
        M->reply_error(ctx, "ERR Errors trying to SHUTDOWN. Check logs.");
        return;
    }
    M->log(ctx, MODIS_LOG_WARNING, "User requested shutdown...");
    /* No reply: the client sees the connection close, as with Redis. */
    M->shutdown(ctx, flags);
}

static const char *const debug_help[] = {
    "SLEEP <seconds>", "    Stop the server for <seconds>. Decimals allowed.", NULL};

/* DEBUG subcommand [arg ...]: only SLEEP and HELP */
static void cmd_debug(modis_ctx *ctx, const modis_str *argv, int argc)
{
    if (!M->setting_enabled(ctx, "enable-debug-command")) {
        M->reply_error(ctx, "ERR DEBUG command not allowed. If the enable-debug-command option is "
                            "set to \"local\", you can run it from a local connection, otherwise "
                            "you need to set this option in the configuration file, and then "
                            "restart the server.");
        return;
    }
    if (argc == 2 && admin_arg_is(&argv[1], "help")) {
        admin_reply_help(ctx, &argv[0], debug_help);
    } else if (argc == 3 && admin_arg_is(&argv[1], "sleep")) {
        char *s = admin_strdup(&argv[2]);
        double secs = strtod(s, NULL);
        M->free(s);
        long long us = (long long)(secs * 1000000);
        struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};
        nanosleep(&ts, NULL);
        M->reply_ok(ctx);
    } else {
        admin_reply_subcommand_syntax(ctx, argv);
    }
}

/* SLOWLOG GET [count] */
static void cmd_slowlog_get(modis_ctx *ctx, const modis_str *argv, int argc)
{
    if (argc > 3) {
        admin_reply_subcommand_syntax(ctx, argv);
        return;
    }
    long long count = 10;
    if (argc == 3 && (admin_parse_ll(&argv[2], &count) < 0 || count < -1 || count > LONG_MAX)) {
        M->reply_error(ctx, "ERR count should be greater than or equal to -1");
        return;
    }
    M->slowlog_reply(ctx, (long)count);
}

/* SLOWLOG LEN */
static void cmd_slowlog_len(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    M->reply_int(ctx, M->slowlog_len(ctx));
}

/* SLOWLOG RESET */
static void cmd_slowlog_reset(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    M->slowlog_reset(ctx);
    M->reply_ok(ctx);
}

static const char *const slowlog_help[] = {
    "GET [<count>]",
    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
    "    Entries are made of:",
    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
    "    client name",
    "LEN",
    "    Return the length of the slowlog.",
    "RESET",
    "    Reset the slowlog.",
    NULL};

/* SLOWLOG HELP */
static void cmd_slowlog_help(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    admin_reply_help(ctx, &argv[0], slowlog_help);
}

const admin_handler admin_server_handlers[] = {{"flushall", cmd_flushall},
                                               {"flushdb", cmd_flushdb},
                                               {"dbsize", cmd_dbsize},
                                               {"time", cmd_time},
                                               {"info", cmd_info},
                                               {"monitor", cmd_monitor},
                                               {"shutdown", cmd_shutdown},
                                               {"debug", cmd_debug},
                                               {"slowlog|get", cmd_slowlog_get},
                                               {"slowlog|len", cmd_slowlog_len},
                                               {"slowlog|reset", cmd_slowlog_reset},
                                               {"slowlog|help", cmd_slowlog_help},
                                               {NULL, NULL}};
