/* main.c: modis-server: options, startup, the cron, signals and shutdown. */
#include "alloc.h"
#include "clock.h"
#include "config.h"
#include "conn.h"
#include "db.h"
#include "dispatch.h"
#include "info.h"
#include "log.h"
#include "module.h"
#include "multi.h"
#include "net.h"
#include "server.h"

#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

server_state server;

static volatile sig_atomic_t got_signal;

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: modis-server [config.json] [--<setting> <value> ...]\n"
            "       modis-server --check-config config.json\n"
            "       modis-server --list-commands [config.json]\n"
            "       modis-server --version | --help\n"
            "\n"
            "Starts a Redis-compatible server whose commands come from the modules the JSON\n"
            "config lists. Every setting can be given as --<name> <value>, e.g. --port 7000.\n"
            "--check-config loads the config and every module, prints what each offers and\n"
            "exits 0, or prints the first error and exits 1.\n");
}

static void on_term(int sig)
{
    got_signal = sig;
    server.shutdown_asap = 1;
}

static void crash_report(int sig, siginfo_t *info, void *uctx)
{
    (void)uctx;
    char b[1024];
    const char *mod = "(core)", *cmd = "(none)";
    if (server.current_cmd) {
        cmd = server.current_cmd->fullname;
        if (server.current_cmd->owner)
            mod = server.current_cmd->owner->name;
    }
    client *c = server.current_client;
    int n = snprintf(b, sizeof b,
                     "\n=== MODIS BUG REPORT START ===\n"
                     "Crashed by signal: %d (%s), address %p\n"
                     "While serving command '%s' of module %s for client id=%lld addr=%s\n"
                     "------ STACK TRACE ------\n",
                     sig, strsignal(sig), info ? info->si_addr : NULL, cmd, mod,
                     c ? c->id : -1LL, c ? c->addr : "-");
    if (n > 0) {
        ssize_t w = write(log_fd(), b, (size_t)n);
        (void)w;
    }
    void *frames[64];
    int nf = backtrace(frames, 64);
    backtrace_symbols_fd(frames, nf, log_fd());
    log_raw_fd("=== MODIS BUG REPORT END ===\n");
    signal(sig, SIG_DFL);
    raise(sig);
}

static void setup_signals(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct sigaction cr = {0};
    cr.sa_sigaction = crash_report;
    cr.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER;
    sigemptyset(&cr.sa_mask);
#ifndef MODIS_NO_CRASH_HANDLER
    sigaction(SIGSEGV, &cr, NULL);
    sigaction(SIGBUS, &cr, NULL);
    sigaction(SIGFPE, &cr, NULL);
    sigaction(SIGILL, &cr, NULL);
    sigaction(SIGABRT, &cr, NULL);
#endif
}

static long long cron(ev_loop *loop, long long id, void *priv)
{
    (void)loop;
    (void)id;
    (void)priv;
    server.cron_loops++;
    clock_calibrate();
    db_update_clock(ev_mstime());
    info_track_ops();
    conn_check_timeouts(ev_mstime());
    for (int i = 0; i < server.cfg.databases; i++)
        htab_rehash_step(&server.dbs[i].keys, 100);
    /* Active expiry: up to 25% of a cron period, as Redis's slow cycle. */
    db_active_expire(1000000 / server.cfg.hz / 4);
    return 1000 / server.cfg.hz;
}

static void make_run_id(void)
{
    unsigned char r[20] = {0};
    int fd = open("/dev/urandom", O_RDONLY);
    if (fd >= 0) {
        ssize_t n = read(fd, r, sizeof r);
        (void)n;
        close(fd);
    }
    for (int i = 0; i < 20; i++)
        snprintf(server.run_id + 2 * i, 3, "%02x", r[i]);
    uint64_t seed;
    memcpy(&seed, r, sizeof seed);
    htab_set_seed(seed ^ (uint64_t)ev_ustime());
    srandom((unsigned)(seed >> 32) ^ (unsigned)getpid());
}

typedef struct list_priv {
    const char *module;
} list_priv;

static void list_command(void *priv, command *c)
{
    list_priv *lp = priv;
    const char *owner = c->owner ? c->owner->name : "core";
    if (lp->module && strcmp(owner, lp->module) != 0)
        return;
    printf("  %-20s arity=%-3d module=%s\n", c->name, c->arity, owner);
}

static int cmp_module(const void *a, const void *b)
{
    return strcmp((*(module *const *)a)->name, (*(module *const *)b)->name);
}

static void print_modules(int with_commands)
{
    module *list[256];
    int n = 0;
    for (module *m = server.modules; m && n < 256; m = m->next)
        list[n++] = m;
    qsort(list, (size_t)n, sizeof list[0], cmp_module);
    for (int i = 0; i < n; i++) {
        printf("module %s %s (%s): %d commands\n", list[i]->name, list[i]->version, list[i]->path,
               list[i]->ncommands);
        if (with_commands) {
            list_priv lp = {list[i]->name};
            dispatch_foreach(list_command, &lp);
        }
    }
}

static int setup_core(char *err, size_t errlen)
{
    db_init_all(server.cfg.databases);
    dispatch_init();
    resp_parser_init(&server.parser);
    server.parser.max_bulk_len = server.cfg.proto_max_bulk_len;
    resp_parser_init(&server.prefetch_parser);
    server.prefetch_parser.max_bulk_len = server.cfg.proto_max_bulk_len;
    server.readbuf = zmalloc(SHARED_READ_SIZE);
    if (multi_register_commands(err, errlen) < 0)
        return -1;
    return config_load_modules(err, errlen);
}

/* Frees the tables that live until exit, on every way out of main. Hash tables
 * store entry pointers packed in 6 bytes, which LeakSanitizer (and valgrind)
 * do not recognise as references: an entry still held by a table at exit would
 * be reported as a leak. */
static void release_tables(void)
{
    db_free_all();
    dispatch_deinit();
    info_deinit();
}

int main(int argc, char **argv)
{
    char err[1024];
    const char *config_path = NULL;
    int check_only = 0, list_only = 0;
    config_defaults();
    server.pid = getpid();
    server.next_client_id = 1;
    server.start_ms = ev_mstime();
    clock_init();
    int i = 1;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-v")) {
            printf("modis-server v=%s redis_version=%s abi=%d.%d\n", MODIS_VERSION,
                   MODIS_REDIS_VERSION, MODIS_ABI_MAJOR, MODIS_ABI_MINOR);
            return 0;
        } else if (!strcmp(argv[i], "--check-config")) {
            check_only = 1;
        } else if (!strcmp(argv[i], "--list-commands")) {
            list_only = 1;
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            break;
        } else if (!config_path) {
            config_path = argv[i];
        } else {
            fprintf(stderr, "modis-server: unexpected argument '%s' (see --help)\n", argv[i]);
            return 1;
        }
    }
    if (config_path && config_load_file(config_path, err, sizeof err) < 0) {
        fprintf(stderr, "modis-server: %s\n", err);
        return 1;
    }
    for (; i < argc; i++) {
        if (argv[i][0] != '-' || argv[i][1] != '-' || i + 1 >= argc) {
            fprintf(stderr, "modis-server: option '%s' needs a value (see --help)\n", argv[i]);
            return 1;
        }
        if (config_apply_override(argv[i] + 2, argv[i + 1], err, sizeof err) < 0) {
            fprintf(stderr, "modis-server: %s\n", err);
            return 1;
        }
        i++;
    }
    server.config_file = config_path ? realpath(config_path, NULL) : NULL;
    if (log_open(server.cfg.loglevel, server.cfg.logfile) < 0) {
        fprintf(stderr, "modis-server: cannot open logfile %s: %s\n", server.cfg.logfile,
                strerror(errno));
        return 1;
    }
    make_run_id();
    atexit(release_tables);
    if (setup_core(err, sizeof err) < 0) {
        fprintf(stderr, "modis-server: %s\n", err);
        log_msg(LOG_WARNING, "%s", err);
        return 1;
    }
    if (check_only || list_only) {
        if (check_only)
            printf("config %s: OK\n", config_path ? config_path : "(defaults)");
        print_modules(1);
        if (list_only) {
            list_priv lp = {"core"};
            printf("core: transactions\n");
            dispatch_foreach(list_command, &lp);
        }
        return 0;
    }
    if (server.cfg.dir && *server.cfg.dir && chdir(server.cfg.dir) < 0) {
        fprintf(stderr, "modis-server: can't chdir to '%s': %s\n", server.cfg.dir, strerror(errno));
        return 1;
    }
    int setsize = server.cfg.maxclients + 128;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)setsize) {
        rl.rlim_cur = rl.rlim_max < (rlim_t)setsize ? rl.rlim_max : (rlim_t)setsize;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    server.loop = ev_create(setsize);
    conn_setup_io(server.loop);
    server.listen_fd = server.unix_fd = -1;
    if (server.cfg.port > 0) {
        server.listen_fd = net_listen_tcp(server.cfg.bind, server.cfg.port, server.cfg.tcp_backlog,
                                          err, sizeof err);
        if (server.listen_fd < 0) {
            log_msg(LOG_WARNING, "%s", err);
            fprintf(stderr, "modis-server: %s\n", err);
            return 1;
        }
        ev_add_fd(server.loop, server.listen_fd, EV_READABLE, conn_accept, NULL);
    }
    if (server.cfg.unixsocket && *server.cfg.unixsocket) {
        server.unix_fd = net_listen_unix(server.cfg.unixsocket, server.cfg.unixsocketperm,
                                         server.cfg.tcp_backlog, err, sizeof err);
        if (server.unix_fd < 0) {
            fprintf(stderr, "modis-server: %s\n", err);
            return 1;
        }
        ev_add_fd(server.loop, server.unix_fd, EV_READABLE, conn_accept, (void *)1);
    }
    if (server.cfg.pidfile && *server.cfg.pidfile) {
        FILE *f = fopen(server.cfg.pidfile, "w");
        if (f) {
            fprintf(f, "%d\n", (int)getpid());
            fclose(f);
        }
    }
    setup_signals();
    log_msg(LOG_NOTICE, "modis %s (Redis %s compatible, ABI %d.%d) pid=%d port=%d", MODIS_VERSION,
            MODIS_REDIS_VERSION, MODIS_ABI_MAJOR, MODIS_ABI_MINOR, (int)server.pid,
            server.cfg.port);
    for (module *m = server.modules; m; m = m->next)
        log_msg(LOG_NOTICE, "module %s %s: %d commands", m->name, m->version, m->ncommands);
    log_msg(LOG_NOTICE, "Ready to accept connections");
    db_update_clock(ev_mstime());
    ev_add_timer(server.loop, 1000 / server.cfg.hz, cron, NULL);
    ev_set_before_sleep(server.loop, conn_before_sleep);
    ev_run(server.loop);
    if (got_signal)
        log_msg(LOG_WARNING, "Received %s scheduling shutdown...",
                got_signal == SIGINT ? "SIGINT" : "SIGTERM");
    log_msg(LOG_NOTICE, "User requested shutdown...");
    conn_free_all();
    if (server.listen_fd >= 0)
        close(server.listen_fd);
    if (server.unix_fd >= 0) {
        close(server.unix_fd);
        unlink(server.cfg.unixsocket);
    }
    if (server.cfg.pidfile && *server.cfg.pidfile)
        unlink(server.cfg.pidfile);
    db_free_all();
    log_msg(LOG_NOTICE, "modis is now ready to exit, bye bye...");
    return server.exit_code;
}
