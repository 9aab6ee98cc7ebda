/* loadgen.c: a lean RESP load generator for benchmarking modis against Redis.
 *
 * One thread, one epoll loop, N connections. Each connection sends a
 * pre-built batch of P requests (random key digits are patched in place, as
 * redis-benchmark does with __rand_int__), waits for the P replies, and sends
 * the next batch. Replies are counted by a minimal RESP2 scanner that never
 * copies: it follows line headers and skips bulk bodies. Latency of a request
 * is the time from writing its batch to reading its reply, kept in a
 * log-linear histogram (about 3% resolution) for p50/p99.
 *
 * Two ways to run:
 *   timed:   -D seconds [-w warmup]  replies counted only inside the window
 *   counted: -n requests             exactly n requests are sent
 * The loading tests (fill, fill-list, load-strings, load-lists) generate
 * sequential keys and always run counted.
 *
 * With --pid, the server's utime+stime (/proc/<pid>/stat) is read at the
 * start and end of the measurement window, giving server CPU per request, and
 * of it the part spent in the kernel (stime).
 *
 * With -R rate (timed runs), batches leave on a Poisson schedule of that many
 * requests per second in all instead of as soon as the last one is answered:
 * a server's CPU use at a given load. A batch due while every connection
 * still waits for replies leaves as soon as one is free, and its latency
 * counts from when it was due. The loop then never sleeps (its own CPU
 * figure means nothing), so that a departure is not late by a timer's
 * wake-up.
 *
 * Output: one JSON object on stdout. Build: cc -O2 bench/loadgen.c -o loadgen
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define RBUF_SIZE (256 * 1024)
#define KEY_DIGITS 12 /* key:000000123456, like redis-benchmark */
#define MIX_BATCH 16
#define LIST_CHUNK 100 /* elements per RPUSH when loading lists */

/* ---------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------- */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("loadgen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        die("out of memory");
    return p;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* xorshift64*: fast and, for a fixed seed, deterministic. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1Dull;
}

/* Server CPU time (utime + stime, all threads) in microseconds, or -1; the
 * stime part (time in the kernel on the server's behalf) goes to *sys_us. */
static long long proc_cpu_us(int pid, long long *sys_us)
{
    char path[64], buf[1024];
    if (pid <= 0)
        return -1;
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')'); /* comm may contain spaces */
    if (!p)
        return -1;
    p += 2; /* field 3, state */
    unsigned long long ut = 0, st = 0;
    /* fields 3..13 skipped, then 14 utime and 15 stime */
    if (sscanf(p, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    unsigned long long tck = (unsigned long long)sysconf(_SC_CLK_TCK);
    *sys_us = (long long)(st * 1000000ull / tck);
    return (long long)((ut + st) * 1000000ull / tck);
}

/* This process's own CPU time in microseconds. */
static long long self_cpu_us(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 + ru.ru_utime.tv_usec +
           ru.ru_stime.tv_usec;
}

/* ---------------------------------------------------------------------------
 * Latency histogram: values < 64 ns exact, then 32 sub-buckets per power of 2.
 * ------------------------------------------------------------------------- */

#define H_SUB_BITS 5
#define H_SUB (1 << H_SUB_BITS)
#define H_BUCKETS (64 + 58 * H_SUB)

static uint64_t hist[H_BUCKETS];
static uint64_t hist_n;
static double hist_sum;

static int hist_index(uint64_t v)
{
    if (v < 64)
        return (int)v;
    int e = 63 - __builtin_clzll(v); /* >= 6 */
    int top = (int)((v >> (e - H_SUB_BITS)) & (H_SUB - 1));
    return 64 + (e - 6) * H_SUB + top;
}

static double hist_value(int i)
{
    if (i < 64)
        return i;
    int e = (i - 64) / H_SUB + 6, top = (i - 64) % H_SUB;
    double lo = (double)(1ull << e) + (double)top * (double)(1ull << (e - H_SUB_BITS));
    return lo + (double)(1ull << (e - H_SUB_BITS)) / 2.0;
}

static void hist_add(uint64_t v, uint64_t count)
{
    hist[hist_index(v)] += count;
    hist_n += count;
    hist_sum += (double)v * (double)count;
}

static double hist_percentile(double p)
{
    if (hist_n == 0)
        return 0;
    uint64_t want = (uint64_t)(p / 100.0 * (double)hist_n);
    if (want >= hist_n)
        want = hist_n - 1;
    uint64_t seen = 0;
    for (int i = 0; i < H_BUCKETS; i++) {
        seen += hist[i];
        if (seen > want)
            return hist_value(i);
    }
    return hist_value(H_BUCKETS - 1);
}

/* ---------------------------------------------------------------------------
 * Request batches
 * ------------------------------------------------------------------------- */

/* A batch of requests laid out back to back, ready for one write(). */
typedef struct batch {
    char *buf;
    size_t len, cap;
    size_t *req_end; /* end offset of each request */
    int nreq, req_cap;
    size_t *ph; /* offsets of KEY_DIGITS-wide random placeholders */
    int nph, ph_cap;
} batch;

static void b_reserve(batch *b, size_t more)
{
    if (b->len + more <= b->cap)
        return;
    while (b->cap < b->len + more)
        b->cap = b->cap ? b->cap * 2 : 4096;
    b->buf = xrealloc(b->buf, b->cap);
}

static void b_put(batch *b, const void *p, size_t n)
{
    b_reserve(b, n);
    memcpy(b->buf + b->len, p, n);
    b->len += n;
}

static void b_reset(batch *b)
{
    b->len = 0;
    b->nreq = 0;
    b->nph = 0;
}

/* Start a command of argc arguments. */
static void b_cmd(batch *b, int argc)
{
    char hdr[32];
    int n = snprintf(hdr, sizeof hdr, "*%d\r\n", argc);
    b_put(b, hdr, (size_t)n);
}

static void b_arg(batch *b, const char *s, size_t len)
{
    char hdr[32];
    int n = snprintf(hdr, sizeof hdr, "$%zu\r\n", len);
    b_put(b, hdr, (size_t)n);
    b_put(b, s, len);
    b_put(b, "\r\n", 2);
}

static void b_str(batch *b, const char *s)
{
    b_arg(b, s, strlen(s));
}

/* An argument "<prefix><KEY_DIGITS random digits>", patched before each send. */
static void b_randkey(batch *b, const char *prefix)
{
    size_t pl = strlen(prefix);
    char hdr[32];
    int n = snprintf(hdr, sizeof hdr, "$%zu\r\n", pl + KEY_DIGITS);
    b_put(b, hdr, (size_t)n);
    b_put(b, prefix, pl);
    if (b->nph == b->ph_cap) {
        b->ph_cap = b->ph_cap ? b->ph_cap * 2 : 16;
        b->ph = xrealloc(b->ph, (size_t)b->ph_cap * sizeof *b->ph);
    }
    b->ph[b->nph++] = b->len;
    b_put(b, "000000000000", KEY_DIGITS);
    b_put(b, "\r\n", 2);
}

static void b_end(batch *b)
{
    if (b->nreq == b->req_cap) {
        b->req_cap = b->req_cap ? b->req_cap * 2 : 16;
        b->req_end = xrealloc(b->req_end, (size_t)b->req_cap * sizeof *b->req_end);
    }
    b->req_end[b->nreq++] = b->len;
}

/* ---------------------------------------------------------------------------
 * Options and tests
 * ------------------------------------------------------------------------- */

static struct {
    const char *host;
    int port;
    int clients;
    int pipeline;
    const char *test;
    long long keyspace;
    int datasize;
    double duration; /* > 0: timed run */
    double warmup;
    long long requests; /* counted run */
    uint64_t seed;
    int pid;
    long long ttl;
    long long lists, elements;
    const char *key;
    const char *prefix;
    int quiet;
    double rate; /* > 0: requests per second, paced */
} opt = {"127.0.0.1", 6379, 50, 1, "ping", 1000000, 3,    0,    -1,
         0,           1,    0,  0, 1000,   1000,    NULL, NULL, 0, 0};

static char *payload; /* datasize bytes of 'x', as redis-benchmark sends */

enum kind { K_TEMPLATE, K_SEQUENTIAL };
static enum kind kind;

/* Appends one copy of the benchmark command (template tests). */
static void add_template_cmd(batch *b, const char *test)
{
    if (!strcmp(test, "ping")) {
        b_cmd(b, 1);
        b_str(b, "PING");
    } else if (!strcmp(test, "get")) {
        b_cmd(b, 2);
        b_str(b, "GET");
        b_randkey(b, "key:");
    } else if (!strcmp(test, "set")) {
        b_cmd(b, 3);
        b_str(b, "SET");
        b_randkey(b, "key:");
        b_arg(b, payload, (size_t)opt.datasize);
    } else if (!strcmp(test, "lpush")) {
        b_cmd(b, 3);
        b_str(b, "LPUSH");
        b_str(b, opt.key);
        b_arg(b, payload, (size_t)opt.datasize);
    } else if (!strcmp(test, "lpop")) {
        b_cmd(b, 2);
        b_str(b, "LPOP");
        b_str(b, opt.key);
    } else if (!strcmp(test, "lrange100")) {
        b_cmd(b, 4);
        b_str(b, "LRANGE");
        b_str(b, opt.key);
        b_str(b, "0");
        b_str(b, "99");
    } else if (!strcmp(test, "mset")) {
        b_cmd(b, 21);
        b_str(b, "MSET");
        for (int i = 0; i < 10; i++) {
            b_randkey(b, "key:");
            b_arg(b, payload, (size_t)opt.datasize);
        }
    } else {
        die("unknown test '%s'", test);
    }
    b_end(b);
}

/* The fixed 16-command mix (for instruction counts): 5 SET, 6 GET, PING, LPUSH,
 * LPOP, LRANGE 0 99 and a 10-key MSET. */
static void build_mix(batch *b)
{
    static const char *const order[MIX_BATCH] = {"set",   "get",  "get", "ping",      "set", "get",
                                                 "lpush", "get",  "set", "lrange100", "get", "lpop",
                                                 "set",   "mset", "get", "set"};
    const char *list_key = opt.key;
    for (int i = 0; i < MIX_BATCH; i++) {
        if (!strcmp(order[i], "lrange100")) {
            opt.key = opt.prefix; /* the read-only list */
            add_template_cmd(b, order[i]);
            opt.key = list_key;
        } else {
            add_template_cmd(b, order[i]);
        }
    }
}

static long long seq_total; /* commands a sequential test sends */

/* Appends sequential command number i (loading tests). */
static void add_seq_cmd(batch *b, long long i)
{
    char k[64], v[64];
    const char *t = opt.test;
    if (!strcmp(t, "fill")) {
        snprintf(k, sizeof k, "key:%0*lld", KEY_DIGITS, i);
        b_cmd(b, 3);
        b_str(b, "SET");
        b_str(b, k);
        b_arg(b, payload, (size_t)opt.datasize);
    } else if (!strcmp(t, "load-strings")) {
        snprintf(k, sizeof k, "key:%lld", i);
        snprintf(v, sizeof v, "val-%08lld", i % 100000000); /* 12 bytes */
        b_cmd(b, opt.ttl > 0 ? 5 : 3);
        b_str(b, "SET");
        b_str(b, k);
        b_str(b, v);
        if (opt.ttl > 0) {
            snprintf(v, sizeof v, "%lld", opt.ttl);
            b_str(b, "EX");
            b_str(b, v);
        }
    } else { /* load-lists, fill-list: RPUSH in chunks of LIST_CHUNK */
        long long per_list = (opt.elements + LIST_CHUNK - 1) / LIST_CHUNK;
        long long list = i / per_list, first = (i % per_list) * LIST_CHUNK;
        long long n = opt.elements - first < LIST_CHUNK ? opt.elements - first : LIST_CHUNK;
        if (!strcmp(t, "fill-list"))
            snprintf(k, sizeof k, "%s", opt.key);
        else
            snprintf(k, sizeof k, "%s%lld", opt.prefix, list);
        b_cmd(b, 2 + (int)n);
        b_str(b, "RPUSH");
        b_str(b, k);
        for (long long j = 0; j < n; j++) {
            snprintf(v, sizeof v, "elem%04lld", (first + j) % 10000);
            b_str(b, v);
        }
    }
    b_end(b);
}

/* ---------------------------------------------------------------------------
 * Connections and the event loop
 * ------------------------------------------------------------------------- */

typedef struct conn {
    int fd;
    batch b;
    size_t wpos, wlen; /* bytes of the current batch written / to write */
    int inflight;      /* requests of the current batch not yet answered */
    int want_out;      /* EPOLLOUT registered */
    uint64_t sent_ns;
    uint64_t rng;
    char *rbuf;
    size_t rlen;
    long long need;  /* RESP values still missing from the current reply */
    long long skip;  /* bulk bytes (with CRLF) still to skip */
    int in_bulk;     /* a bulk body is being skipped */
    int reply_error; /* the current reply contains an error */
} conn;

static conn *conns;
static int epfd;
static long long sent_total;    /* requests handed to the socket layer */
static long long replies_total; /* replies seen (whole run) */
static long long replies_meas;  /* replies seen in the measurement window */
static long long errors_meas;
static int measuring;
static int stopping;
static char first_error[256];
static conn **idle; /* paced runs: connections with no batch out */
static int nidle;
static uint64_t pace_rng = 0x2545F4914F6CDD1Dull;

static void set_events(conn *c, int out)
{
    struct epoll_event ev = {.events = EPOLLIN | (out ? EPOLLOUT : 0), .data.ptr = c};
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0)
        die("epoll_ctl: %s", strerror(errno));
    c->want_out = out;
}

static void flush_conn(conn *c)
{
    while (c->wpos < c->wlen) {
        ssize_t n = write(c->fd, c->b.buf + c->wpos, c->wlen - c->wpos);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                if (!c->want_out)
                    set_events(c, 1);
                return;
            }
            die("write: %s", strerror(errno));
        }
        c->wpos += (size_t)n;
    }
    if (c->want_out)
        set_events(c, 0);
}

static void fill_digits(char *p, uint64_t v)
{
    for (int i = KEY_DIGITS - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* Prepares and sends the connection's next batch; returns 0 if nothing is left. */
static int send_batch(conn *c, uint64_t now)
{
    long long left = opt.duration > 0 ? (long long)opt.pipeline : opt.requests - sent_total;
    if (stopping || left <= 0)
        return 0;
    int k;
    if (kind == K_TEMPLATE) {
        k = c->b.nreq;
        if (left < k)
            k = (int)left;
        for (int i = 0; i < c->b.nph; i++) {
            if (c->b.ph[i] >= c->b.req_end[k - 1])
                break;
            fill_digits(c->b.buf + c->b.ph[i], rng_next(&c->rng) % (uint64_t)opt.keyspace);
        }
        c->wlen = c->b.req_end[k - 1];
    } else {
        k = opt.pipeline < left ? opt.pipeline : (int)left;
        b_reset(&c->b);
        for (int i = 0; i < k; i++)
            add_seq_cmd(&c->b, sent_total + i);
        c->wlen = c->b.len;
    }
    sent_total += k;
    c->inflight = k;
    c->wpos = 0;
    c->sent_ns = now;
    flush_conn(c);
    return 1;
}

static void reply_done(conn *c, uint64_t now)
{
    replies_total++;
    if (measuring) {
        replies_meas++;
        if (c->reply_error)
            errors_meas++;
        hist_add(now - c->sent_ns, 1);
    }
    c->reply_error = 0;
    if (--c->inflight == 0) {
        if (opt.rate > 0)
            idle[nidle++] = c;
        else
            send_batch(c, now);
    }
}

/* Paced runs: the time from one batch's departure to the next, drawn from
 * an exponential distribution whose mean gives opt.rate requests/s. */
static uint64_t next_gap_ns(void)
{
    double u = (double)((rng_next(&pace_rng) >> 11) + 1) / 9007199254740993.0; /* (0, 1] */
    return (uint64_t)(-log(u) * (double)opt.pipeline * 1e9 / opt.rate);
}

/* Sends every batch that is due and has a free connection to go on. */
static void pace(uint64_t *due)
{
    uint64_t now = now_ns();
    while (*due <= now && nidle > 0) {
        send_batch(idle[--nidle], *due);
        *due += next_gap_ns();
    }
}

static void value_done(conn *c, uint64_t now)
{
    if (--c->need == 0)
        reply_done(c, now);
}

static long long parse_ll(const char *p, const char *end)
{
    int neg = 0;
    long long v = 0;
    if (p < end && *p == '-') {
        neg = 1;
        p++;
    }
    while (p < end && *p >= '0' && *p <= '9')
        v = v * 10 + (*p++ - '0');
    return neg ? -v : v;
}

/* Scans the replies in c->rbuf; keeps an incomplete line for the next read. */
static void parse_replies(conn *c, uint64_t now)
{
    char *p = c->rbuf, *end = c->rbuf + c->rlen;
    while (p < end) {
        if (c->in_bulk) {
            long long avail = end - p;
            long long n = c->skip < avail ? c->skip : avail;
            p += n;
            c->skip -= n;
            if (c->skip > 0)
                break;
            c->in_bulk = 0;
            value_done(c, now);
            continue;
        }
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        char *le = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
        if (c->need == 0)
            c->need = 1;
        switch (*p) {
        case '$': {
            long long len = parse_ll(p + 1, le);
            p = nl + 1;
            if (len < 0) {
                value_done(c, now);
            } else {
                c->in_bulk = 1;
                c->skip = len + 2;
            }
            continue;
        }
        case '*': {
            long long n = parse_ll(p + 1, le);
            p = nl + 1;
            if (n <= 0)
                value_done(c, now);
            else
                c->need += n - 1;
            continue;
        }
        case '-':
            c->reply_error = 1;
            if (!first_error[0]) {
                size_t n = (size_t)(le - p) < sizeof first_error - 1 ? (size_t)(le - p)
                                                                     : sizeof first_error - 1;
                memcpy(first_error, p, n);
                first_error[n] = '\0';
            }
            break;
        case '+':
        case ':':
            break;
        default:
            die("unexpected reply byte 0x%02x", (unsigned char)*p);
        }
        p = nl + 1;
        value_done(c, now);
    }
    size_t rest = (size_t)(end - p);
    if (rest == RBUF_SIZE)
        die("reply line longer than %d bytes", RBUF_SIZE);
    memmove(c->rbuf, p, rest);
    c->rlen = rest;
}

static void read_conn(conn *c, uint64_t now)
{
    ssize_t n = read(c->fd, c->rbuf + c->rlen, RBUF_SIZE - c->rlen);
    if (n < 0) {
        if (errno == EINTR || errno == EAGAIN)
            return;
        die("read: %s", strerror(errno));
    }
    if (n == 0)
        die("server closed the connection%s%s", first_error[0] ? " after: " : "", first_error);
    c->rlen += (size_t)n;
    parse_replies(c, now);
}

static int connect_one(void)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai;
    char port[16];
    snprintf(port, sizeof port, "%d", opt.port);
    int rc = getaddrinfo(opt.host, port, &hints, &ai);
    if (rc != 0)
        die("%s: %s", opt.host, gai_strerror(rc));
    int fd = socket(ai->ai_family, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket: %s", strerror(errno));
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0)
        die("connect %s:%d: %s", opt.host, opt.port, strerror(errno));
    freeaddrinfo(ai);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

static void usage(void)
{
    fputs("usage: loadgen [options]\n"
          "  -h host       server address (127.0.0.1)\n"
          "  -p port       server port (6379)\n"
          "  -c clients    connections (50)\n"
          "  -P pipeline   requests per batch (1)\n"
          "  -t test       ping get set lpush lpop lrange100 mset mix\n"
          "                fill fill-list load-strings load-lists\n"
          "  -r keyspace   random keys key:<12 digits> in [0, r) (1000000)\n"
          "  -d size       value size in bytes (3)\n"
          "  -D seconds    timed run; replies counted in the window\n"
          "  -w seconds    warm-up before a timed window (0.3)\n"
          "  -n requests   counted run (load-strings: keys, fill-list: elements;\n"
          "                fill loads all of -r, load-lists uses --lists/--elements)\n"
          "  -s seed       random seed (1)\n"
          "  -k key        list key for lpush, lpop, lrange100, fill-list (lg:list)\n"
          "  --prefix p    key prefix of load-lists (list:), read-only list of mix\n"
          "  --ttl secs    load-strings: SET ... EX secs\n"
          "  --lists n     load-lists: number of lists (1000)\n"
          "  --elements n  load-lists: elements per list (1000)\n"
          "  --pid pid     server pid, for server CPU per request\n"
          "  -R rate       timed runs: send that many requests/s in all, batches\n"
          "                leaving at random (Poisson) times, not back to back\n"
          "  -q            no error summary on stderr\n"
          "Prints one JSON object: requests, rps, latency avg/p50/p99 (us), server and\n"
          "client CPU per request (us).\n",
          stderr);
    exit(2);
}

static void parse_args(int argc, char **argv)
{
    static const struct option lo[] = {{"ttl", required_argument, NULL, 'T'},
                                       {"lists", required_argument, NULL, 'L'},
                                       {"elements", required_argument, NULL, 'E'},
                                       {"pid", required_argument, NULL, 'I'},
                                       {"prefix", required_argument, NULL, 'X'},
                                       {"help", no_argument, NULL, 'H'},
                                       {NULL, 0, NULL, 0}};
    int ch;
    while ((ch = getopt_long(argc, argv, "h:p:c:P:t:r:d:D:w:n:s:k:qR:", lo, NULL)) != -1) {
        switch (ch) {
        case 'h':
            opt.host = optarg;
            break;
        case 'p':
            opt.port = atoi(optarg);
            break;
        case 'c':
            opt.clients = atoi(optarg);
            break;
        case 'P':
            opt.pipeline = atoi(optarg);
            break;
        case 't':
            opt.test = optarg;
            break;
        case 'r':
            opt.keyspace = atoll(optarg);
            break;
        case 'd':
            opt.datasize = atoi(optarg);
            break;
        case 'D':
            opt.duration = atof(optarg);
            break;
        case 'w':
            opt.warmup = atof(optarg);
            break;
        case 'n':
            opt.requests = atoll(optarg);
            break;
        case 's':
            opt.seed = strtoull(optarg, NULL, 10);
            break;
        case 'k':
            opt.key = optarg;
            break;
        case 'q':
            opt.quiet = 1;
            break;
        case 'R':
            opt.rate = atof(optarg);
            break;
        case 'T':
            opt.ttl = atoll(optarg);
            break;
        case 'L':
            opt.lists = atoll(optarg);
            break;
        case 'E':
            opt.elements = atoll(optarg);
            break;
        case 'I':
            opt.pid = atoi(optarg);
            break;
        case 'X':
            opt.prefix = optarg;
            break;
        default:
            usage();
        }
    }
    if (optind != argc || opt.clients < 1 || opt.pipeline < 1 || opt.keyspace < 1 ||
        opt.datasize < 0)
        usage();
}

int main(int argc, char **argv)
{
    parse_args(argc, argv);
    payload = xrealloc(NULL, (size_t)opt.datasize + 1);
    memset(payload, 'x', (size_t)opt.datasize);
    const char *t = opt.test;

    int seq = !strcmp(t, "fill") || !strcmp(t, "fill-list") || !strcmp(t, "load-strings") ||
              !strcmp(t, "load-lists");
    kind = seq ? K_SEQUENTIAL : K_TEMPLATE;
    if (!opt.key)
        opt.key = !strcmp(t, "mix") ? "lg:mix" : "lg:list";
    if (!opt.prefix)
        opt.prefix = !strcmp(t, "mix") ? "lg:range" : "list:";
    if (seq) {
        opt.duration = 0;
        if (!strcmp(t, "fill"))
            seq_total = opt.keyspace;
        else if (!strcmp(t, "load-strings"))
            seq_total = opt.requests;
        else if (!strcmp(t, "fill-list"))
            seq_total = ((opt.elements = opt.requests) + LIST_CHUNK - 1) / LIST_CHUNK;
        else
            seq_total = opt.lists * ((opt.elements + LIST_CHUNK - 1) / LIST_CHUNK);
        opt.requests = seq_total;
    } else if (!strcmp(t, "mix")) {
        opt.pipeline = MIX_BATCH;
    }
    if (opt.duration <= 0 && opt.requests <= 0)
        die("give -D seconds or -n requests");
    if (opt.rate < 0 || (opt.rate > 0 && opt.duration <= 0))
        die("-R needs a positive rate and a timed run (-D)");
    if (opt.rate > 0 && !(idle = calloc((size_t)opt.clients, sizeof *idle)))
        die("out of memory");
    if (opt.warmup < 0)
        opt.warmup = opt.duration > 0 ? 0.3 : 0;

    epfd = epoll_create1(0);
    if (epfd < 0)
        die("epoll_create1: %s", strerror(errno));
    conns = calloc((size_t)opt.clients, sizeof *conns);
    if (!conns)
        die("out of memory");
    for (int i = 0; i < opt.clients; i++) {
        conn *c = &conns[i];
        c->fd = connect_one();
        c->rbuf = xrealloc(NULL, RBUF_SIZE);
        c->rng = (opt.seed + (uint64_t)i) * 0x9E3779B97F4A7C15ull | 1;
        if (kind == K_TEMPLATE) {
            if (!strcmp(t, "mix"))
                build_mix(&c->b);
            else
                for (int j = 0; j < opt.pipeline; j++)
                    add_template_cmd(&c->b, t);
        }
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0)
            die("epoll_ctl: %s", strerror(errno));
    }

    uint64_t t0 = now_ns();
    uint64_t t_meas = t0 + (uint64_t)(opt.warmup * 1e9);
    uint64_t t_end = t_meas + (uint64_t)(opt.duration * 1e9);
    long long cpu0 = -1, cpu1 = -1, sys0 = 0, sys1 = 0, self0 = 0, self1 = 0;
    uint64_t m0 = t0, m1 = t0;
    if (opt.duration <= 0 || opt.warmup <= 0) {
        measuring = 1;
        cpu0 = proc_cpu_us(opt.pid, &sys0);
        self0 = self_cpu_us();
        m0 = now_ns();
    }
    uint64_t due = now_ns();
    for (int i = 0; i < opt.clients; i++) {
        if (opt.rate > 0)
            idle[nidle++] = &conns[opt.clients - 1 - i];
        else
            send_batch(&conns[i], now_ns());
    }

    struct epoll_event evs[256];
    for (;;) {
        int timeout = 100;
        if (opt.rate > 0) {
            pace(&due);
            timeout = 0;
        } else if (opt.duration > 0) {
            uint64_t now = now_ns();
            uint64_t next = measuring ? t_end : t_meas;
            timeout = next > now ? (int)((next - now) / 1000000) + 1 : 0;
            if (timeout > 100)
                timeout = 100;
        }
        int n = epoll_wait(epfd, evs, 256, timeout);
        if (n < 0 && errno != EINTR)
            die("epoll_wait: %s", strerror(errno));
        uint64_t now = 0;
        for (int i = 0; i < n; i++) {
            conn *c = evs[i].data.ptr;
            /* Each event its own time: a turn handles up to 256 of them, and
             * a stamp taken once would misdate the later ones' replies and
             * next batches by up to the whole turn. */
            now = now_ns();
            if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
                read_conn(c, now);
            if (evs[i].events & EPOLLOUT)
                flush_conn(c);
        }
        if (opt.duration > 0) {
            now = now_ns();
            if (!measuring && now >= t_meas) {
                measuring = 1;
                cpu0 = proc_cpu_us(opt.pid, &sys0);
                self0 = self_cpu_us();
                m0 = now_ns();
            }
            if (measuring && now >= t_end) {
                cpu1 = proc_cpu_us(opt.pid, &sys1);
                self1 = self_cpu_us();
                m1 = now_ns();
                break;
            }
        } else if (replies_total >= opt.requests) {
            cpu1 = proc_cpu_us(opt.pid, &sys1);
            self1 = self_cpu_us();
            m1 = now_ns();
            break;
        }
    }
    stopping = 1;

    double secs = (double)(m1 - m0) / 1e9;
    double rps = secs > 0 ? (double)replies_meas / secs : 0;
    long long cpu = cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : -1;
    printf("{\"test\":\"%s\",\"target_rps\":%.0f,\"clients\":%d,\"pipeline\":%d,\"requests\":%lld,"
           "\"errors\":%lld,\"seconds\":%.4f,\"rps\":%.1f,"
           "\"avg_us\":%.2f,\"p50_us\":%.2f,\"p99_us\":%.2f,"
           "\"server_cpu_us\":%lld,\"cpu_us_per_req\":%.4f,\"sys_us_per_req\":%.4f,"
           "\"client_cpu_us_per_req\":%.4f}\n",
           t, opt.rate, opt.clients, opt.pipeline, replies_meas, errors_meas, secs, rps,
           hist_n ? hist_sum / (double)hist_n / 1000.0 : 0, hist_percentile(50) / 1000.0,
           hist_percentile(99) / 1000.0, cpu,
           cpu >= 0 && replies_meas > 0 ? (double)cpu / (double)replies_meas : -1.0,
           cpu >= 0 && replies_meas > 0 ? (double)(sys1 - sys0) / (double)replies_meas : -1.0,
           replies_meas > 0 ? (double)(self1 - self0) / (double)replies_meas : -1.0);
    if (errors_meas && !opt.quiet)
        fprintf(stderr, "loadgen: %lld error replies, first: %s\n", errors_meas, first_error);
    for (int i = 0; i < opt.clients; i++)
        close(conns[i].fd);
    return 0;
}
