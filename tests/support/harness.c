/* harness.c: integration-test support: servers on free ports, raw RESP reading and writing. */
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void track(pid_t pid, int add);

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int hs_free_port(void)
{
    for (int tries = 0; tries < 50; tries++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa = {0};
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sa.sin_port = 0;
        if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
            close(fd);
            continue;
        }
        socklen_t l = sizeof sa;
        getsockname(fd, (struct sockaddr *)&sa, &l);
        close(fd);
        int port = ntohs(sa.sin_port);
        if (port > 1024)
            return port;
    }
    return 20000 + (int)(getpid() % 20000);
}

int hs_have_redis(void)
{
    return access("/usr/bin/redis-server", X_OK) == 0 || system("command -v redis-server >/dev/null 2>&1") == 0;
}

static int make_dir(hserver *s)
{
    snprintf(s->dir, sizeof s->dir, "/tmp/modis-test-XXXXXX");
    if (!mkdtemp(s->dir))
        return -1;
    snprintf(s->log, sizeof s->log, "%s/server.log", s->dir);
    return 0;
}

/* The process id a server on fd reports in INFO server, or -1 when it
 * does not say (a server that wants a password first). */
static long server_pid_of(int fd)
{
    long pid = -1;
    size_t len;
    hs_raw_send(fd, "INFO server\r\n", 13);
    char *r = hs_raw_read_reply(fd, &len, 1000);
    if (r) {
        const char *p = strstr(r, "process_id:");
        if (p && (size_t)(p - r) < len)
            pid = strtol(p + 11, NULL, 10);
        free(r);
    }
    return pid;
}

/* 0 once the server answers on its port; -1 if it exited or never answered;
 * -2 if the port was answered by another process (tests run in parallel and
 * a free port found by hs_free_port can be taken before the server binds). */
static int wait_ready(hserver *s, int timeout_ms)
{
    long long end = now_ms() + timeout_ms;
    while (now_ms() < end) {
        int st;
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            track(s->pid, 0);
            s->pid = 0;
            return -1;
        }
        int fd = hs_raw_connect(s->port);
        if (fd >= 0) {
            hs_raw_send(fd, "PING\r\n", 6);
            size_t len;
            char *r = hs_raw_read_reply(fd, &len, 1000);
            int rc = -1;
            if (r) {
                /* PONG, or NOAUTH from a server with requirepass set. */
                if (len >= 5 && memcmp(r, "+PONG", 5) == 0) {
                    long pid = server_pid_of(fd);
                    rc = pid < 0 || pid == (long)s->pid ? 0 : -2;
                } else if (len >= 7 && memcmp(r, "-NOAUTH", 7) == 0) {
                    rc = 0;
                }
                free(r);
            }
            close(fd);
            if (rc == 0 || rc == -2)
                return rc;
        }
        usleep(20000);
    }
    return -1;
}

static void print_log(const hserver *s)
{
    char *l = hs_read_log(s);
    if (l) {
        fprintf(stderr, "---- server log (%s) ----\n%s\n----\n", s->log, l);
        free(l);
    }
}

/* Servers still running when the test program exits (a failed assertion
 * skips its test's teardown) are killed, so no test leaves one behind. */
#define MAX_TRACKED 64
static pid_t tracked[MAX_TRACKED];

static void kill_leftovers(void)
{
    for (int i = 0; i < MAX_TRACKED; i++) {
        /* Only a child of ours that has not been reaped yet (a test may reap
         * one itself): waitpid says 0 for exactly those. */
        if (tracked[i] > 0 && waitpid(tracked[i], NULL, WNOHANG) == 0) {
            kill(tracked[i], SIGKILL);
            waitpid(tracked[i], NULL, 0);
        }
        tracked[i] = 0;
    }
}

static void track(pid_t pid, int add)
{
    static int registered;
    if (!registered) {
        atexit(kill_leftovers);
        registered = 1;
    }
    for (int i = 0; i < MAX_TRACKED; i++) {
        if (add && tracked[i] == 0) {
            tracked[i] = pid;
            return;
        }
        if (!add && tracked[i] == pid) {
            tracked[i] = 0;
            return;
        }
    }
}

static pid_t spawn(const char *log, char *const argv[])
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execvp(argv[0], argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (pid > 0)
        track(pid, 1);
    return pid;
}

static const char *modis_bin(void)
{
    const char *b = getenv("MODIS_BIN");
    return b ? b : "./modis-server";
}

static int start_modis_once(hserver *s, const char *extra_json, const char *modules_json)
{
    memset(s, 0, sizeof *s);
    if (make_dir(s) < 0)
        return -1;
    s->port = hs_free_port();
    snprintf(s->config, sizeof s->config, "%s/modis.json", s->dir);
    FILE *f = fopen(s->config, "w");
    if (!f)
        return -1;
    char all[512];
    if (!modules_json) {
        /* Every first-party module that this build produced. */
        static const char *const names[] = {"admin", "strings", "lists", "keys"};
        const char *dir = getenv("MODIS_MODULE_DIR");
        size_t n = (size_t)snprintf(all, sizeof all, "[");
        int first = 1;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            char path[400];
            snprintf(path, sizeof path, "%s/%s.so", dir ? dir : "modules", names[i]);
            if (access(path, R_OK) != 0)
                continue;
            n += (size_t)snprintf(all + n, sizeof all - n, "%s{\"name\": \"%s\"}", first ? "" : ", ",
                                  names[i]);
            first = 0;
        }
        snprintf(all + n, sizeof all - n, "]");
        modules_json = all;
    }
    /* MODIS_TEST_IO_URING=no runs a test against the read()/write() path. */
    const char *uring = getenv("MODIS_TEST_IO_URING");
    char uring_json[64] = "";
    if (uring && *uring)
        snprintf(uring_json, sizeof uring_json, "  \"io-uring\": \"%s\",\n", uring);
    fprintf(f, "{\n  \"bind\": \"127.0.0.1\",\n  \"port\": %d,\n%s%s%s  \"modules\": %s\n}\n",
            s->port, uring_json, extra_json ? extra_json : "", extra_json ? ",\n" : "", modules_json);
    fclose(f);
    char port[16];
    snprintf(port, sizeof port, "%d", s->port);
    char *argv[] = {(char *)modis_bin(), s->config, NULL};
    s->pid = spawn(s->log, argv);
    return wait_ready(s, 20000);
}

int hs_run_modis_config(hserver *s, const char *config_path, int wait_ms)
{
    memset(s, 0, sizeof *s);
    if (make_dir(s) < 0)
        return -1;
    s->port = hs_free_port();
    char port[16];
    snprintf(port, sizeof port, "%d", s->port);
    char *argv[] = {(char *)modis_bin(), (char *)config_path, "--port", port, NULL};
    s->pid = spawn(s->log, argv);
    long long end = now_ms() + wait_ms;
    while (now_ms() < end) {
        int st;
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            track(s->pid, 0);
            s->pid = 0;
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        }
        usleep(20000);
    }
    hs_stop(s);
    return -1000;
}

static int start_redis_once(hserver *s, const char *unused_extra, const char *unused_modules)
{
    (void)unused_extra;
    (void)unused_modules;
    memset(s, 0, sizeof *s);
    if (make_dir(s) < 0)
        return -1;
    s->is_redis = 1;
    s->port = hs_free_port();
    char port[16];
    snprintf(port, sizeof port, "%d", s->port);
    char *argv[] = {"redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", "--dir", s->dir, "--daemonize", "no", NULL};
    s->pid = spawn(s->log, argv);
    return wait_ready(s, 10000);
}

/* Starts a server, again on another port (up to three times) when the one
 * hs_free_port found was taken meanwhile by a test running in parallel. */
static int start_retrying(hserver *s, int (*once)(hserver *, const char *, const char *),
                          const char *extra_json, const char *modules_json)
{
    for (int attempt = 0;; attempt++) {
        int rc = once(s, extra_json, modules_json);
        if (rc == 0)
            return 0;
        char *log = hs_read_log(s);
        int taken = rc == -2 || (log && strstr(log, "already in use"));
        free(log);
        if (!taken || attempt == 3)
            print_log(s);
        hs_stop(s);
        if (!taken || attempt == 3)
            return -1;
    }
}

int hs_start_modis(hserver *s, const char *extra_json, const char *modules_json)
{
    return start_retrying(s, start_modis_once, extra_json, modules_json);
}

int hs_start_redis(hserver *s)
{
    return start_retrying(s, start_redis_once, NULL, NULL);
}

int hs_stop(hserver *s)
{
    int status = -1;
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        long long end = now_ms() + 15000;
        int st;
        for (;;) {
            pid_t r = waitpid(s->pid, &st, WNOHANG);
            if (r == s->pid) {
                track(s->pid, 0);
                status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
                break;
            }
            if (now_ms() > end) {
                kill(s->pid, SIGKILL);
                waitpid(s->pid, &st, 0);
                track(s->pid, 0);
                status = -1;
                break;
            }
            usleep(10000);
        }
        s->pid = 0;
    }
    if (status != 0 && s->log[0])
        print_log(s);
    if (s->dir[0]) {
        char cmd[400];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", s->dir);
        s->dir[0] = '\0';
    }
    return status;
}

char *hs_read_log(const hserver *s)
{
    FILE *f = fopen(s->log, "r");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *b = malloc(cap);
    size_t n;
    while ((n = fread(b + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2) {
            cap *= 2;
            b = realloc(b, cap);
        }
    }
    b[len] = '\0';
    fclose(f);
    return b;
}

redisContext *hs_connect(const hserver *s)
{
    struct timeval tv = {10, 0};
    redisContext *c = redisConnectWithTimeout("127.0.0.1", s->port, tv);
    if (c && c->err) {
        fprintf(stderr, "connect: %s\n", c->errstr);
        redisFree(c);
        return NULL;
    }
    if (c)
        redisSetTimeout(c, tv);
    return c;
}

int hs_raw_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons((uint16_t)port);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

int hs_raw_send(int fd, const void *p, size_t len)
{
    const char *c = p;
    while (len > 0) {
        ssize_t w = send(fd, c, len, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        c += w;
        len -= (size_t)w;
    }
    return 0;
}

int hs_raw_send_argv(int fd, int argc, char **argv, const size_t *lens)
{
    size_t cap = 64;
    for (int i = 0; i < argc; i++)
        cap += lens[i] + 32;
    char *b = malloc(cap);
    size_t n = (size_t)snprintf(b, cap, "*%d\r\n", argc);
    for (int i = 0; i < argc; i++) {
        n += (size_t)snprintf(b + n, cap - n, "$%zu\r\n", lens[i]);
        memcpy(b + n, argv[i], lens[i]);
        n += lens[i];
        b[n++] = '\r';
        b[n++] = '\n';
    }
    int rc = hs_raw_send(fd, b, n);
    free(b);
    return rc;
}

/* Length of one line including CRLF starting at p, or -1. */
static long line_len(const char *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++)
        if (p[i] == '\r' && p[i + 1] == '\n')
            return (long)i + 2;
    return -1;
}

long hs_reply_len(const char *buf, size_t len)
{
    if (len < 1)
        return -1;
    long l = line_len(buf, len);
    if (l < 0)
        return -1;
    char type = buf[0];
    long long n = strtoll(buf + 1, NULL, 10);
    switch (type) {
    case '+': case '-': case ':': case ',': case '#': case '_': case '(':
        return l;
    case '$': case '=': case '!':
        if (n < 0)
            return l;
        if ((size_t)(l + n + 2) > len)
            return -1;
        return l + (long)n + 2;
    case '*': case '~': case '>': case '%': case '|': {
        if (n < 0)
            return l;
        long long elems = (type == '%' || type == '|') ? 2 * n : n;
        long off = l;
        for (long long i = 0; i < elems; i++) {
            long e = hs_reply_len(buf + off, len - (size_t)off);
            if (e < 0)
                return -1;
            off += e;
        }
        if (type == '|') {
            /* an attribute precedes the real reply */
            long e = hs_reply_len(buf + off, len - (size_t)off);
            if (e < 0)
                return -1;
            off += e;
        }
        return off;
    }
    default:
        return l;
    }
}

char *hs_raw_read_reply(int fd, size_t *outlen, int timeout_ms)
{
    size_t cap = 4096, len = 0;
    char *b = malloc(cap);
    long long end = now_ms() + timeout_ms;
    for (;;) {
        long r = hs_reply_len(b, len);
        if (r >= 0) {
            /* Keep nothing beyond one reply: tests read replies one by one and
             * never pipeline through this function. */
            *outlen = (size_t)r;
            return b;
        }
        long long left = end - now_ms();
        if (left <= 0)
            break;
        struct pollfd pfd = {fd, POLLIN, 0};
        if (poll(&pfd, 1, (int)left) <= 0)
            break;
        if (cap - len < 4096) {
            cap *= 2;
            b = realloc(b, cap);
        }
        /* Read byte-exact: peek what's there, consume only up to the reply end. */
        ssize_t n = recv(fd, b + len, cap - len, MSG_PEEK);
        if (n <= 0)
            break;
        long need = -1;
        size_t take = (size_t)n;
        for (size_t k = 1; k <= (size_t)n; k++) {
            need = hs_reply_len(b, len + k);
            if (need >= 0) {
                take = k;
                break;
            }
        }
        ssize_t got = recv(fd, b + len, take, 0);
        if (got <= 0)
            break;
        len += (size_t)got;
    }
    free(b);
    return NULL;
}

char *hs_raw_read_all(int fd, size_t *outlen, int quiet_ms, int *closed)
{
    size_t cap = 4096, len = 0;
    char *b = malloc(cap);
    *closed = 0;
    for (;;) {
        struct pollfd pfd = {fd, POLLIN, 0};
        int r = poll(&pfd, 1, quiet_ms);
        if (r <= 0)
            break;
        if (cap - len < 4096) {
            cap *= 2;
            b = realloc(b, cap);
        }
        ssize_t n = recv(fd, b + len, cap - len - 1, 0);
        if (n <= 0) {
            *closed = 1;
            break;
        }
        len += (size_t)n;
    }
    b[len] = '\0'; /* for string comparisons; len excludes it */
    *outlen = len;
    return b;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int hs_split_args(const char *line, char ***argvp, size_t **lensp)
{
    int argc = 0, cap = 8;
    char **argv = malloc(sizeof(char *) * (size_t)cap);
    size_t *lens = malloc(sizeof(size_t) * (size_t)cap);
    const char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (!*p)
            break;
        size_t acap = strlen(p) + 1, alen = 0;
        char *a = malloc(acap);
        int inq = 0, insq = 0, done = 0;
        while (!done) {
            if (inq) {
                if (p[0] == '\\' && p[1] == 'x' && hexval(p[2]) >= 0 && hexval(p[3]) >= 0) {
                    a[alen++] = (char)(hexval(p[2]) * 16 + hexval(p[3]));
                    p += 3;
                } else if (p[0] == '\\' && p[1]) {
                    p++;
                    char c = *p;
                    a[alen++] = c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t'
                              : c == 'b' ? '\b' : c == 'a' ? '\a' : c;
                } else if (*p == '"') {
                    if (p[1] && p[1] != ' ' && p[1] != '\t' && p[1] != '\n' && p[1] != '\r')
                        goto bad;
                    done = 1;
                } else if (!*p) {
                    goto bad;
                } else {
                    a[alen++] = *p;
                }
            } else if (insq) {
                if (p[0] == '\\' && p[1] == '\'') {
                    p++;
                    a[alen++] = '\'';
                } else if (*p == '\'') {
                    if (p[1] && p[1] != ' ' && p[1] != '\t' && p[1] != '\n' && p[1] != '\r')
                        goto bad;
                    done = 1;
                } else if (!*p) {
                    goto bad;
                } else {
                    a[alen++] = *p;
                }
            } else {
                switch (*p) {
                case ' ': case '\n': case '\r': case '\t': case '\0':
                    done = 1;
                    break;
                case '"':
                    inq = 1;
                    break;
                case '\'':
                    insq = 1;
                    break;
                default:
                    a[alen++] = *p;
                }
            }
            if (*p)
                p++;
            continue;
        bad:
            free(a);
            hs_free_args(argc, argv, lens);
            return -1;
        }
        a[alen] = '\0';
        if (argc == cap) {
            cap *= 2;
            argv = realloc(argv, sizeof(char *) * (size_t)cap);
            lens = realloc(lens, sizeof(size_t) * (size_t)cap);
        }
        argv[argc] = a;
        lens[argc] = alen;
        argc++;
    }
    *argvp = argv;
    *lensp = lens;
    return argc;
}

void hs_free_args(int argc, char **argv, size_t *lens)
{
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
    free(lens);
}

char *hs_escape(const char *p, size_t len)
{
    char *o = malloc(len * 4 + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\r') {
            o[n++] = '\\';
            o[n++] = 'r';
        } else if (c == '\n') {
            o[n++] = '\\';
            o[n++] = 'n';
        } else if (c < 32 || c > 126) {
            n += (size_t)sprintf(o + n, "\\x%02x", c);
        } else {
            o[n++] = (char)c;
        }
    }
    o[n] = '\0';
    return o;
}
