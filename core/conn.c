/* conn.c: client connections: accept, read and parse requests, write replies, close. */
#include "conn.h"

#include "alloc.h"
#include "block.h"
#include "clock.h"
#include "dispatch.h"
#include "log.h"
#include "multi.h"
#include "net.h"
#include "reply.h"
#include "uring.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_ACCEPTS_PER_CALL 1000
#define QBUF_MIN_READ (16 * 1024)
#define MAX_IOV 64
/* io_uring sends: iovecs per operation; more output goes in the next turn. */
#define WRITE_IOV_PER_OP 16

static void on_readable(ev_loop *loop, int fd, void *priv, int mask);
static void on_writable(ev_loop *loop, int fd, void *priv, int mask);

/* io_uring streaming: a completion's tag names the client by fd and id, so
 * one that arrives after its client is gone (or its fd reused) is ignored. */
#define TAG_FD_BITS 20
#define TAG_ID_MASK ((1ULL << 40) - 1)

static uint64_t client_tag(uint64_t kind, const client *c)
{
    return URING_TAG(kind, (((uint64_t)c->id & TAG_ID_MASK) << TAG_FD_BITS) | (uint64_t)c->fd);
}

static client *tag_client(uint64_t tag)
{
    uint64_t v = URING_TAG_VALUE(tag);
    uint64_t fd = v & ((1ULL << TAG_FD_BITS) - 1);
    if (fd >= (uint64_t)server.nbyfd)
        return NULL;
    client *c = server.byfd[fd];
    return c && ((uint64_t)c->id & TAG_ID_MASK) == v >> TAG_FD_BITS ? c : NULL;
}

static void client_free(client *c)
{
    if (c->fd >= 0) {
        if (c->flags & CLIENT_STREAMING)
            uring_cancel(client_tag(URING_TAG_RECV, c));
        if (server.byfd && c->fd < server.nbyfd && server.byfd[c->fd] == c)
            server.byfd[c->fd] = NULL;
        ev_del_fd(server.loop, c->fd, EV_READABLE | EV_WRITABLE);
        close(c->fd);
    }
    block_remove(c);
    multi_reset(c);
    reply_free_all(c);
    for (int i = 0; i < server.nmonitors; i++) {
        if (server.monitors[i] == c) {
            server.monitors[i] = server.monitors[--server.nmonitors];
            break;
        }
    }
    if (c->prev)
        c->prev->next = c->next;
    else
        server.clients = c->next;
    if (c->next)
        c->next->prev = c->prev;
    server.nclients--;
    zfree(c->buf);
    zfree(c->qbuf);
    zfree(c->name);
    zfree(c->lib_name);
    zfree(c->lib_ver);
    zfree(c);
}

void conn_close_asap(client *c)
{
    if (c->flags & CLIENT_CLOSE_ASAP)
        return;
    c->flags |= CLIENT_CLOSE_ASAP;
    block_remove(c);
    if (server.nclosing == server.capclosing) {
        server.capclosing = server.capclosing ? server.capclosing * 2 : 16;
        server.closing = zrealloc(server.closing, sizeof(client *) * (size_t)server.capclosing);
    }
    server.closing[server.nclosing++] = c;
}

void conn_close_after_reply(client *c)
{
    c->flags |= CLIENT_CLOSE_AFTER_REPLY;
    if (!reply_pending(c))
        conn_close_asap(c);
}

static client *client_create(int fd, int is_unix)
{
    client *c = zcalloc(sizeof *c);
    c->id = server.next_client_id++;
    c->fd = fd;
    c->resp = 2;
    c->db = &server.dbs[0];
    c->flags = is_unix ? CLIENT_UNIX : 0;
    c->authenticated = !(server.cfg.requirepass && *server.cfg.requirepass);
    c->ctime_ms = c->last_interaction_ms = ev_mstime();
    net_peer_name(fd, 0, is_unix, c->addr, sizeof c->addr);
    net_peer_name(fd, 1, is_unix, c->laddr, sizeof c->laddr);
    if (is_unix && server.cfg.unixsocket)
        snprintf(c->laddr, sizeof c->laddr, "%s:0", server.cfg.unixsocket);
    c->next = server.clients;
    if (server.clients)
        server.clients->prev = c;
    server.clients = c;
    server.nclients++;
    return c;
}

void conn_accept(ev_loop *loop, int lfd, void *priv, int mask)
{
    (void)mask;
    int is_unix = priv != NULL;
    for (int i = 0; i < MAX_ACCEPTS_PER_CALL; i++) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                log_msg(LOG_WARNING, "Accepting client connection: %s", strerror(errno));
            return;
        }
        server.stat_numconnections++;
        if (server.nclients >= server.cfg.maxclients || fd >= ev_setsize(loop)) {
            static const char msg[] = "-ERR max number of clients reached\r\n";
            ssize_t w = write(fd, msg, sizeof msg - 1);
            (void)w;
            close(fd);
            server.stat_rejected_conn++;
            continue;
        }
        if (!is_unix)
            net_tune_client(fd, server.cfg.tcp_keepalive);
        client *c = client_create(fd, is_unix);
        if (server.byfd) {
            /* Input streams in through the ring from now on. */
            server.byfd[fd] = c;
            c->flags |= CLIENT_STREAMING;
            uring_recv_stream(fd, client_tag(URING_TAG_RECV, c));
        } else if (ev_add_fd(loop, fd, EV_READABLE, on_readable, c) < 0) {
            client_free(c);
            continue;
        }
        log_msg(LOG_VERBOSE, "Accepted %s", c->addr);
    }
}

#define PREFETCH_BATCH 16
#define PREFETCH_KEYS 64
#define AHEAD_ARGV 256

/* The requests prefetch_batch parsed, kept so that process_buffer runs them
 * without parsing them again: multibulk requests only, whose arguments are
 * slices of the client's buffer (an inline one may have been unescaped into
 * the parser's scratch space, which the next parse reuses). They hold within
 * one process_buffer call, while c and the position of the next one match. */
static struct {
    const client *c;
    const char *pos; /* where request [next] starts */
    int n, next;
    size_t len[PREFETCH_BATCH];
    int argc[PREFETCH_BATCH];
    int first[PREFETCH_BATCH]; /* its arguments in argv */
    int nargv;
    modis_str argv[AHEAD_ARGV];
} ahead;

/* Keeps the request just parsed at at (len bytes), the one after those kept
 * before; 0 when it cannot (not multibulk, no room), and nothing after it
 * should be kept then. */
static int ahead_keep(const resp_parser *pp, const char *at, size_t len)
{
    if (ahead.n == PREFETCH_BATCH || *at != '*' || pp->argc > AHEAD_ARGV - ahead.nargv)
        return 0;
    memcpy(&ahead.argv[ahead.nargv], pp->argv, sizeof(modis_str) * (size_t)pp->argc);
    ahead.len[ahead.n] = len;
    ahead.argc[ahead.n] = pp->argc;
    ahead.first[ahead.n] = ahead.nargv;
    ahead.nargv += pp->argc;
    ahead.n++;
    return 1;
}

/* Looks ahead over up to PREFETCH_BATCH complete requests of a pipeline and
 * prefetches the table buckets, then the entries, of their keys (as the
 * command's key positions say: every key of an MSET, none of a PING), so the
 * lookups that follow overlap their cache misses instead of taking them one
 * by one. Returns the bytes looked at; what it parsed is kept in ahead. */
static size_t prefetch_batch(client *c, const char *buf, size_t len)
{
    resp_parser *pp = &server.prefetch_parser;
    uint64_t hashes[PREFETCH_KEYS];
    int n = 0;
    size_t off = 0;
    htab *t = &c->db->keys;
    command *cmd = c->lastcmd;
    int keep = 1;
    ahead.c = c;
    ahead.pos = buf;
    ahead.n = ahead.next = ahead.nargv = 0;
    for (int i = 0; i < PREFETCH_BATCH && off < len && n < PREFETCH_KEYS; i++) {
        long r = resp_parse(pp, buf + off, len - off);
        if (r <= 0)
            break;
        keep = keep && ahead_keep(pp, buf + off, (size_t)r);
        off += (size_t)r;
        int argc = pp->argc;
        if (argc < 2)
            continue;
        cmd = dispatch_lookup_hint(cmd, pp->argv[0].ptr, pp->argv[0].len);
        if (!cmd || cmd->first_key <= 0 || cmd->first_key >= argc)
            continue;
        int last = cmd->last_key < 0 ? argc + cmd->last_key : cmd->last_key;
        int step = cmd->key_step > 0 ? cmd->key_step : 1;
        if (last >= argc)
            last = argc - 1;
        for (int k = cmd->first_key; k <= last && n < PREFETCH_KEYS; k += step) {
            hashes[n] = htab_hash(pp->argv[k].ptr, pp->argv[k].len);
            htab_prefetch(t, hashes[n]);
            n++;
        }
    }
    for (int i = 0; i < n; i++)
        htab_prefetch_entries(t, hashes[i]);
    return off;
}

/* Parses and runs as many complete requests of buf as possible; returns
 * the bytes consumed. */
static size_t process_buffer(client *c, const char *buf, size_t len)
{
    size_t off = 0, prefetched = 0;
    resp_parser *p = &server.parser;
    ahead.n = 0;
    server.clock_us = clock_fast_us();
    c->last_interaction_ms = server.clock_us / 1000;
    while (off < len) {
        /* Pipelined input (more than one small request): batch prefetch. */
        if (off >= prefetched && len - off > 64 && htab_size(&c->db->keys) > 4096)
            prefetched = off + prefetch_batch(c, buf + off, len - off);
        if (c->flags & (CLIENT_BLOCKED | CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP | CLIENT_PAUSED))
            break;
        if (c->qneed && len - off < c->qneed)
            break;
        long r;
        const modis_str *argv;
        int argc;
        if (ahead.next < ahead.n && ahead.c == c && ahead.pos == buf + off) {
            int i = ahead.next++;
            r = (long)ahead.len[i];
            argv = &ahead.argv[ahead.first[i]];
            argc = ahead.argc[i];
            ahead.pos += r;
        } else {
            r = resp_parse(p, buf + off, len - off);
            argv = p->argv;
            argc = p->argc;
        }
        if (r == RESP_PARTIAL) {
            c->qneed = p->need;
            break;
        }
        if (r == RESP_ERROR) {
            char msg[256];
            snprintf(msg, sizeof msg, "%s", p->err);
            reply_error(c, msg);
            log_msg(LOG_VERBOSE, "Protocol error (%s) from client: id=%lld addr=%s", msg, c->id,
                    c->addr);
            c->flags |= CLIENT_PROTOCOL_ERROR;
            conn_close_after_reply(c);
            return len;
        }
        if (argc > 0 && dispatch_process(c, argv, argc)) {
            /* Postponed by CLIENT PAUSE: keep the request for later. */
            conn_park_paused(c);
            break;
        }
        off += (size_t)r;
        c->qneed = 0;
        if (argc > 0)
            c->commands_processed++;
    }
    return off;
}

void conn_park_paused(client *c)
{
    if (c->flags & CLIENT_PAUSED)
        return;
    c->flags |= CLIENT_PAUSED;
    if (server.npaused == server.cappaused) {
        server.cappaused = server.cappaused ? server.cappaused * 2 : 16;
        server.paused = zrealloc(server.paused, sizeof(client *) * (size_t)server.cappaused);
    }
    server.paused[server.npaused++] = c;
}

void conn_release_paused(void)
{
    int n = server.npaused;
    server.npaused = 0;
    for (int i = 0; i < n; i++) {
        client *c = server.paused[i];
        c->flags &= ~CLIENT_PAUSED;
        if (!(c->flags & CLIENT_UNBLOCKED)) {
            c->flags |= CLIENT_UNBLOCKED;
            conn_queue_unblocked(c);
        }
    }
}

static void keep_leftover(client *c, const char *p, size_t n)
{
    if (n == 0)
        return;
    size_t want = n > QBUF_MIN_READ ? n : QBUF_MIN_READ;
    if (c->qcap < want) {
        c->qbuf = zrealloc(c->qbuf, want);
        c->qcap = want;
    }
    memmove(c->qbuf, p, n);
    c->qlen = n;
}

/* Processes the client's own buffered input. */
static void process_qbuf(client *c)
{
    if (c->qlen == 0)
        return;
    size_t used = process_buffer(c, c->qbuf, c->qlen);
    if (used >= c->qlen) {
        c->qlen = 0;
        if (c->qcap > 4 * QBUF_MIN_READ) {
            zfree(c->qbuf);
            c->qbuf = NULL;
            c->qcap = 0;
        }
    } else if (used > 0) {
        memmove(c->qbuf, c->qbuf + used, c->qlen - used);
        c->qlen -= used;
    }
}

/* The common case: no partial request kept and input not held back, so the
 * next read can go to a buffer that only lives for that read. */
static int reads_shared(const client *c)
{
    return c->qlen == 0 && !(c->flags & (CLIENT_BLOCKED | CLIENT_PAUSED));
}

/* Where the next read of c goes. In the common case that is `shared`, a
 * buffer of `shared_len` bytes: the caller parses it and keeps the partial
 * tail. Otherwise the read appends to c->qbuf, grown here to take at least
 * the rest of the request being assembled. Sets *len and *into_qbuf. */
static char *read_target(client *c, char *shared, size_t shared_len, size_t *len, int *into_qbuf)
{
    if (reads_shared(c)) {
        *into_qbuf = 0;
        *len = shared_len;
        return shared;
    }
    size_t want = c->qneed > c->qlen ? c->qneed - c->qlen : 0;
    if (want < QBUF_MIN_READ)
        want = QBUF_MIN_READ;
    if (c->qcap - c->qlen < want) {
        c->qcap = c->qlen + want;
        c->qbuf = zrealloc(c->qbuf, c->qcap);
    }
    *into_qbuf = 1;
    *len = c->qcap - c->qlen;
    return c->qbuf + c->qlen;
}

/* Applies the result of one read into the buffer read_target gave: n bytes
 * read, 0 at end of file, or -1 with err the errno. Runs the complete
 * requests, keeps a partial one, closes the client at EOF or on an error. */
static void read_done(client *c, const char *buf, ssize_t n, int err, int into_qbuf)
{
    if (n > 0) {
        server.stat_net_input_bytes += n;
        if (!into_qbuf) {
            size_t used = process_buffer(c, buf, (size_t)n);
            if (!(c->flags & (CLIENT_CLOSE_ASAP | CLIENT_CLOSE_AFTER_REPLY)))
                keep_leftover(c, buf + used, (size_t)n - used);
            return;
        }
        c->qlen += (size_t)n;
        c->last_interaction_ms = ev_mstime();
        if ((long long)c->qlen > server.cfg.client_query_buffer_limit) {
            log_msg(LOG_WARNING, "Closing client that reached max query buffer length: id=%lld addr=%s",
                    c->id, c->addr);
            conn_close_asap(c);
            return;
        }
        if (!(c->flags & (CLIENT_BLOCKED | CLIENT_PAUSED)) && (!c->qneed || c->qlen >= c->qneed))
            process_qbuf(c);
        return;
    }
    if (n == 0 || (err != EAGAIN && err != EWOULDBLOCK && err != EINTR)) {
        log_msg(LOG_VERBOSE, "Client closed connection id=%lld addr=%s", c->id, c->addr);
        conn_close_asap(c);
    }
}

static void on_readable(ev_loop *loop, int fd, void *priv, int mask)
{
    (void)loop;
    (void)mask;
    client *c = priv;
    if (c->flags & CLIENT_CLOSE_ASAP)
        return;
    size_t len;
    int into_qbuf;
    char *buf = read_target(c, server.readbuf, SHARED_READ_SIZE, &len, &into_qbuf);
    ssize_t n = read(fd, buf, len);
    read_done(c, buf, n, n < 0 ? errno : 0, into_qbuf);
}

/* Points iov (up to max entries) at c's unsent output, oldest first: the
 * rest of the fixed buffer, then the chunks. Returns the entry count (0 when
 * only empty chunks are left) and their total length in *total. */
static int fill_iov(client *c, struct iovec *iov, int max, size_t *total)
{
    int n = 0;
    *total = 0;
    if (c->bufpos > c->sentlen) {
        iov[n].iov_base = c->buf + c->sentlen;
        iov[n].iov_len = c->bufpos - c->sentlen;
        *total += iov[n].iov_len;
        n++;
    }
    size_t skip = c->csent;
    for (reply_chunk *ch = c->chead; ch && n < max; ch = ch->next) {
        if (ch->used > skip) {
            iov[n].iov_base = ch->data + skip;
            iov[n].iov_len = ch->used - skip;
            *total += iov[n].iov_len;
            n++;
        }
        skip = 0;
    }
    return n;
}

/* Drops the first w bytes of c's output, which the socket took. */
static void consume_output(client *c, size_t w)
{
    server.stat_net_output_bytes += (long long)w;
    size_t left = w;
    if (c->bufpos > c->sentlen) {
        size_t b = c->bufpos - c->sentlen;
        size_t t = left < b ? left : b;
        c->sentlen += t;
        left -= t;
        if (c->sentlen == c->bufpos)
            c->sentlen = c->bufpos = 0;
    }
    while (left > 0 || (c->chead && c->chead->used <= c->csent && c->bufpos == 0)) {
        reply_chunk *ch = c->chead;
        if (!ch)
            break;
        size_t rem = ch->used - c->csent;
        if (left >= rem) {
            left -= rem;
            c->chead = ch->next;
            if (!c->chead)
                c->ctail = NULL;
            c->reply_bytes -= ch->cap;
            zfree(ch);
            c->csent = 0;
        } else {
            c->csent += left;
            left = 0;
        }
    }
}

/* Writes as much pending output as the socket takes. Returns -1 on error. */
static int write_client(client *c)
{
    while (reply_pending(c)) {
        struct iovec iov[MAX_IOV];
        size_t total;
        int n = fill_iov(c, iov, MAX_IOV, &total);
        if (n == 0) {
            /* Only empty chunks: drop them. */
            reply_free_all(c);
            break;
        }
        /* A single buffer (the common case) goes through plain write(). */
        ssize_t w = n == 1 ? write(c->fd, iov[0].iov_base, iov[0].iov_len) : writev(c->fd, iov, n);
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                return 0;
            return -1;
        }
        consume_output(c, (size_t)w);
        if ((size_t)w < total)
            return 0; /* the socket is full */
    }
    return 0;
}

static void after_write(client *c)
{
    if (!reply_pending(c)) {
        if (ev_fd_mask(server.loop, c->fd) & EV_WRITABLE)
            ev_del_fd(server.loop, c->fd, EV_WRITABLE);
        if (c->flags & CLIENT_CLOSE_AFTER_REPLY)
            conn_close_asap(c);
    } else if (!(ev_fd_mask(server.loop, c->fd) & EV_WRITABLE)) {
        ev_add_fd(server.loop, c->fd, EV_WRITABLE, on_writable, c);
    }
}

/* Writes what the socket takes and applies the result: close on error, else
 * the after-write bookkeeping. */
static void flush_client(client *c)
{
    if (write_client(c) < 0) {
        conn_close_asap(c);
        return;
    }
    after_write(c);
}

static void on_writable(ev_loop *loop, int fd, void *priv, int mask)
{
    (void)loop;
    (void)fd;
    (void)mask;
    client *c = priv;
    if (!(c->flags & CLIENT_CLOSE_ASAP))
        flush_client(c);
}

void conn_queue_unblocked(client *c)
{
    if (server.nunblocked == server.capunblocked) {
        server.capunblocked = server.capunblocked ? server.capunblocked * 2 : 16;
        server.unblocked = zrealloc(server.unblocked, sizeof(client *) * (size_t)server.capunblocked);
    }
    server.unblocked[server.nunblocked++] = c;
}

void conn_resume_unblocked(void)
{
    /* In queue order; clients unblocked meanwhile are appended and served
     * in the same pass. */
    for (int i = 0; i < server.nunblocked; i++) {
        client *c = server.unblocked[i];
        c->flags &= ~CLIENT_UNBLOCKED;
        if (!(c->flags & (CLIENT_CLOSE_ASAP | CLIENT_BLOCKED | CLIENT_PAUSED)))
            process_qbuf(c);
    }
    server.nunblocked = 0;
}

static void free_closing(void)
{
    int kept = 0;
    for (int i = 0; i < server.nclosing; i++) {
        client *c = server.closing[i];
        if (c->flags & CLIENT_SEND_INFLIGHT) {
            server.closing[kept++] = c; /* its buffers are lent: next turn */
            continue;
        }
        /* Drop it from the pending-write and unblocked lists first. */
        for (client **pp = &server.pending_write; *pp; pp = &(*pp)->next_pending) {
            if (*pp == c) {
                *pp = c->next_pending;
                break;
            }
        }
        for (int j = 0; j < server.npaused; j++) {
            if (server.paused[j] == c) {
                server.paused[j] = server.paused[--server.npaused];
                break;
            }
        }
        for (int j = 0; j < server.nunblocked; j++) {
            if (server.unblocked[j] == c) {
                memmove(&server.unblocked[j], &server.unblocked[j + 1],
                        sizeof(client *) * (size_t)(server.nunblocked - j - 1));
                server.nunblocked--;
                j--;
            }
        }
        client_free(c);
    }
    server.nclosing = kept;
}

/* ---- io_uring streaming ------------------------------------------------
 * Each client has a multishot recv armed; its input arrives in buffers the
 * ring lends. The turn's sends are queued here and submitted by the wait
 * that ends the turn (stream_wait): one io_uring_enter per turn. */

/* Applies a send's result as write_client applies a write()'s. */
static void stream_sent(client *c, int w)
{
    c->flags &= ~CLIENT_SEND_INFLIGHT;
    if (c->flags & CLIENT_CLOSE_ASAP)
        return;
    if (w < 0) {
        if (w == -EAGAIN || w == -EWOULDBLOCK || w == -EINTR)
            after_write(c); /* the socket is full: wait until writable */
        else
            conn_close_asap(c);
        return;
    }
    consume_output(c, (size_t)w);
    if ((size_t)w == c->inflight && reply_pending(c)) {
        /* More output than one operation carries: the rest goes next turn,
         * which must not sleep first. */
        c->flags |= CLIENT_PENDING_WRITE;
        c->next_pending = server.pending_write;
        server.pending_write = c;
        server.stream_again = 1;
        return;
    }
    after_write(c);
}

/* Queues one send per client with output; the wait submits them. */
static void stream_queue_sends(void)
{
    static struct iovec iov[URING_ENTRIES * WRITE_IOV_PER_OP];
    static struct msghdr msg[URING_ENTRIES];
    unsigned k = 0;
    while (server.pending_write) {
        client *c = server.pending_write;
        server.pending_write = c->next_pending;
        c->next_pending = NULL;
        c->flags &= ~CLIENT_PENDING_WRITE;
        if (c->flags & CLIENT_CLOSE_ASAP)
            continue;
        if (k == URING_ENTRIES) {
            /* The iovecs are read at submission: submit before reusing. */
            uring_flush();
            k = 0;
        }
        struct iovec *v = &iov[k * WRITE_IOV_PER_OP];
        int n = fill_iov(c, v, WRITE_IOV_PER_OP, &c->inflight);
        if (n == 0) {
            reply_free_all(c);
            after_write(c);
            continue;
        }
        if (n == 1) {
            uring_send(c->fd, v[0].iov_base, v[0].iov_len, client_tag(URING_TAG_SEND, c));
        } else {
            msg[k] = (struct msghdr){.msg_iov = v, .msg_iovlen = (size_t)n};
            uring_sendmsg(c->fd, &msg[k], client_tag(URING_TAG_SEND, c));
        }
        c->flags |= CLIENT_SEND_INFLIGHT;
        k++;
    }
}

/* Input that arrived for c in a lent buffer. */
static void stream_input(client *c, const char *data, size_t n)
{
    if (reads_shared(c)) {
        read_done(c, data, (ssize_t)n, 0, 0);
        return;
    }
    if (c->qcap - c->qlen < n) {
        size_t want = c->qlen + (n > QBUF_MIN_READ ? n : QBUF_MIN_READ);
        if (c->qneed > want)
            want = c->qneed;
        c->qbuf = zrealloc(c->qbuf, want);
        c->qcap = want;
    }
    memcpy(c->qbuf + c->qlen, data, n);
    read_done(c, c->qbuf + c->qlen, (ssize_t)n, 0, 1);
}

static void stream_received(const uring_cqe_rec *e)
{
    client *c = tag_client(e->tag);
    if (c && (c->flags & CLIENT_CLOSE_ASAP))
        c = NULL;
    if (e->flags & URING_CQE_BUFFER) {
        if (c && e->res > 0)
            stream_input(c, uring_buf(e->flags), (size_t)e->res);
        uring_buf_release(e->flags);
    }
    if (!c || (e->flags & URING_CQE_MORE))
        return;
    /* The stream ended. */
    if (c->flags & CLIENT_CLOSE_ASAP)
        return; /* its input closed it */
    if (e->res == 0 || (e->res < 0 && e->res != -ENOBUFS && e->res != -EINTR &&
                        e->res != -EAGAIN && e->res != -ECANCELED)) {
        c->flags &= ~CLIENT_STREAMING;
        read_done(c, NULL, e->res == 0 ? 0 : -1, e->res == 0 ? 0 : -e->res, 0);
        return;
    }
    if (e->res == -ENOBUFS)
        uring_bufs_grow();
    uring_recv_stream(c->fd, client_tag(URING_TAG_RECV, c));
}

/* The event loop's sleep: submits the turn's sends and waits for input,
 * a timer's time, or activity on the epoll set (accepts, blocked writes). */
static int stream_wait(ev_loop *loop, int timeout_ms)
{
    long long timeout_us = timeout_ms < 0 ? -1 : (long long)timeout_ms * 1000;
    if (server.stream_again)
        timeout_us = 0;
    server.stream_again = 0;
    uring_busy_poll(server.cfg.busy_poll_us);
    uring_coalesce(server.cfg.io_coalesce_us);
    uring_cqe_rec *cq;
    int n = uring_wait(timeout_us, &cq), epoll_ready = 0;
    /* Sends first: their bytes left before anything below adds output. */
    for (int i = 0; i < n; i++) {
        if (URING_TAG_KIND(cq[i].tag) == URING_TAG_SEND) {
            client *c = tag_client(cq[i].tag);
            if (c)
                stream_sent(c, cq[i].res);
        }
    }
    for (int i = 0; i < n; i++) {
        switch (URING_TAG_KIND(cq[i].tag)) {
        case URING_TAG_RECV:
            stream_received(&cq[i]);
            break;
        case URING_TAG_POLL:
            epoll_ready = 1;
            uring_poll_in(ev_epoll_fd(loop), URING_TAG(URING_TAG_POLL, 0));
            break;
        default:
            break;
        }
    }
    return epoll_ready;
}

void conn_before_sleep(ev_loop *loop)
{
    (void)loop;
    if (server.npaused && (!server.pause_end_ms || ev_mstime() >= server.pause_end_ms)) {
        server.pause_end_ms = 0;
        conn_release_paused();
    }
    block_handle_ready();
    conn_resume_unblocked();
    block_handle_ready();
    if (server.byfd) {
        /* Closing first: a client freed later must not have a send queued. */
        free_closing();
        if (!server.shutdown_asap)
            stream_queue_sends();
    } else {
        while (server.pending_write) {
            client *c = server.pending_write;
            server.pending_write = c->next_pending;
            c->next_pending = NULL;
            c->flags &= ~CLIENT_PENDING_WRITE;
            if (!(c->flags & CLIENT_CLOSE_ASAP))
                flush_client(c);
        }
    }
    free_closing();
    if (server.shutdown_asap)
        ev_stop(server.loop);
}

void conn_setup_io(ev_loop *loop)
{
    if (!server.cfg.io_uring)
        return;
    char err[256];
    uring_busy_poll(server.cfg.busy_poll_us);
    if (ev_setsize(loop) > (1 << TAG_FD_BITS))
        snprintf(err, sizeof err, "more than %d descriptors", 1 << TAG_FD_BITS);
    if (ev_setsize(loop) > (1 << TAG_FD_BITS) || uring_init(err, sizeof err) < 0) {
        log_msg(LOG_WARNING, "io_uring not available (%s): socket I/O uses read()/write()", err);
        return;
    }
    server.nbyfd = ev_setsize(loop);
    server.byfd = zcalloc(sizeof(client *) * (size_t)server.nbyfd);
    uring_poll_in(ev_epoll_fd(loop), URING_TAG(URING_TAG_POLL, 0));
    ev_set_waiter(loop, stream_wait);
    log_msg(LOG_VERBOSE, "Socket I/O streamed through io_uring");
    if (server.cfg.io_coalesce_us && server.cfg.busy_poll_us)
        log_msg(LOG_WARNING, "io-coalesce-us has no effect while busy-poll-us is set: set "
                             "busy-poll-us to 0 for wake-up coalescing");
}

void conn_check_timeouts(long long now_ms)
{
    if (server.cfg.timeout <= 0)
        return;
    long long limit = (long long)server.cfg.timeout * 1000;
    for (client *c = server.clients; c; c = c->next) {
        if (c->flags & (CLIENT_BLOCKED | CLIENT_CLOSE_ASAP))
            continue;
        if (now_ms - c->last_interaction_ms > limit) {
            log_msg(LOG_VERBOSE, "Closing idle client");
            conn_close_asap(c);
        }
    }
}

void conn_free_all(void)
{
    /* Flush what can be flushed, then close. */
    for (client *c = server.clients; c; c = c->next)
        if (reply_pending(c) && !(c->flags & CLIENT_CLOSE_ASAP))
            write_client(c);
    server.pending_write = NULL;
    while (server.clients)
        client_free(server.clients);
    server.nclosing = 0;
    server.nunblocked = 0;
    zfree(server.byfd);
    server.byfd = NULL;
    server.nbyfd = 0;
    uring_free();
}

client *conn_find_by_id(long long id)
{
    for (client *c = server.clients; c; c = c->next)
        if (c->id == id && !(c->flags & CLIENT_CLOSE_ASAP))
            return c;
    return NULL;
}

static void appendf(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void appendf(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < *cap - *len) {
            *len += (size_t)n;
            return;
        }
        *cap = *cap * 2 + (size_t)(n > 0 ? n : 0) + 64;
        *buf = zrealloc(*buf, *cap);
    }
}

void conn_describe(client *c, char **buf, size_t *len, size_t *cap)
{
    if (!*buf) {
        *cap = 512;
        *buf = zmalloc(*cap);
        *len = 0;
    }
    char flags[16];
    int fi = 0;
    if (c->flags & CLIENT_MULTI)
        flags[fi++] = 'x';
    if (c->flags & CLIENT_BLOCKED)
        flags[fi++] = 'b';
    if (c->flags & CLIENT_DIRTY_CAS)
        flags[fi++] = 'd';
    if (c->flags & CLIENT_CLOSE_AFTER_REPLY)
        flags[fi++] = 'c';
    if (c->flags & CLIENT_UNIX)
        flags[fi++] = 'U';
    if (c->flags & CLIENT_MONITOR)
        flags[fi++] = 'O';
    if (c->flags & CLIENT_NO_EVICT)
        flags[fi++] = 'e';
    if (c->flags & CLIENT_NO_TOUCH)
        flags[fi++] = 'T';
    if (fi == 0)
        flags[fi++] = 'N';
    flags[fi] = '\0';
    long long now = ev_mstime();
    const char *cmdname = c->lastcmd ? c->lastcmd->fullname : "NULL";
    appendf(buf, len, cap,
            "id=%lld addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=%s db=%d sub=0 psub=0 "
            "ssub=0 multi=%d qbuf=%zu qbuf-free=%zu argv-mem=0 multi-mem=0 rbs=%d rbp=%d obl=%zu "
            "oll=%d omem=%zu tot-mem=%zu events=r cmd=%s user=default redir=-1 resp=%d\n",
            c->id, c->addr, c->laddr, c->fd, c->name ? c->name : "", (now - c->ctime_ms) / 1000,
            (now - c->last_interaction_ms) / 1000, flags, c->db->id,
            (c->flags & CLIENT_MULTI) ? c->mcount : -1, c->qlen, c->qcap - c->qlen,
            c->buf ? CLIENT_BUF_SIZE : 0, (int)c->bufpos, c->bufpos, c->chead ? 1 : 0,
            c->reply_bytes, sizeof *c + c->qcap + c->reply_bytes + (c->buf ? CLIENT_BUF_SIZE : 0),
            cmdname, c->resp);
}

size_t conn_query_bytes(void)
{
    size_t n = 0;
    for (client *c = server.clients; c; c = c->next)
        n += c->qcap;
    return n;
}

size_t conn_output_bytes(void)
{
    size_t n = 0;
    for (client *c = server.clients; c; c = c->next)
        n += c->reply_bytes;
    return n;
}
