/* uring.h: socket I/O through io_uring: input streams in through multishot
 * recv, the sends of a turn go out with the wait that ends it. */
#ifndef MODIS_URING_H
#define MODIS_URING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Submission queue entries; a fuller queue is flushed to the kernel. */
#define URING_ENTRIES 256

/* Completions carry a tag: its top 4 bits are the kind, the rest belongs to
 * the caller. */
#define URING_TAG_RECV 1ULL
#define URING_TAG_SEND 2ULL
#define URING_TAG_POLL 3ULL
#define URING_TAG_IGNORE 4ULL
#define URING_TAG(kind, v) (((uint64_t)(kind) << 60) | ((uint64_t)(v) & ((1ULL << 60) - 1)))
#define URING_TAG_KIND(tag) ((tag) >> 60)
#define URING_TAG_VALUE(tag) ((tag) & ((1ULL << 60) - 1))

/* Completion flags: a lent buffer holds the data; more completions follow. */
#define URING_CQE_BUFFER (1U << 0)
#define URING_CQE_MORE (1U << 1)

typedef struct uring_cqe_rec {
    uint64_t tag;
    int res;
    unsigned flags;
} uring_cqe_rec;

/* Sets up the ring and the buffers it lends, and checks on a socket pair
 * that this kernel streams a multishot recv into them and completes a send
 * flagged MSG_DONTWAIT while it is submitted (-EAGAIN on a full socket)
 * instead of parking it, which the one-wait-per-turn design relies on
 * (multishot recv needs Linux 6.0). Returns 0, or -1 with the reason in err
 * (then nothing is left open and uring_active() stays 0). */
int uring_init(char *err, size_t errlen);
void uring_free(void);
int uring_active(void);

/* Arms a multishot recv on fd: every arrival completes with `tag`, the data
 * in a lent buffer (uring_buf). The stream ends with a completion without
 * URING_CQE_MORE (EOF, error, cancel, or no buffer left: -ENOBUFS). */
void uring_recv_stream(int fd, uint64_t tag);
/* A one-shot poll for readability; completes once with `tag`. */
void uring_poll_in(int fd, uint64_t tag);
/* Cancels the operations carrying `tag`; their last completion still comes. */
void uring_cancel(uint64_t tag);
/* Queues a non-blocking send whose result comes back through uring_wait
 * with `tag`. The buffer (msg and its iovecs) is borrowed until then; msg is
 * read when the queue is submitted (uring_flush, uring_wait). */
void uring_send(int fd, const void *buf, size_t len, uint64_t tag);
void uring_sendmsg(int fd, const struct msghdr *msg, uint64_t tag);
/* Submits what is queued now, without waiting. */
void uring_flush(void);
/* Submits everything queued and waits until something arrives beyond the
 * queued sends' own results, or for timeout_us (-1: no limit, 0: do not
 * wait). Returns the completions gathered since the last call, oldest first,
 * in *out (valid until the next call) and their count. */
int uring_wait(long long timeout_us, uring_cqe_rec **out);
/* Busy polling: before a wait sleeps, it submits and then watches the ring
 * for up to `us` microseconds (0: never). A client whose input lands while
 * the server polls does not have to wake it, which on a loaded server is a
 * large share of the client's cost per request. Adaptive: while fewer than
 * three polls in four (a moving average over the last few dozen) find
 * input, the loop sleeps at once and polls only one wait in 16, to notice
 * when input comes quickly again; so a server whose clients leave gaps
 * longer than `us` sleeps as before. A changed limit starts afresh. Set
 * before uring_init, a non-zero limit lets the poll watch the ring without
 * system calls; set later, each look at the ring is one. */
void uring_busy_poll(long long us);
/* Busy polls that found input, and polls that ran out, since startup. */
void uring_busy_poll_stats(unsigned long long *hits, unsigned long long *misses);
/* Wake-up coalescing: a wait that would sleep asks the kernel to wake it
 * at the COALESCE_MAX-th arrival or `us` microseconds after the first
 * (0: off), so a server with many busy clients is woken once per group of
 * arrivals, not once per arrival; each wake-up costs the sender that causes
 * it. Adaptive: a coalesced wait that gathers a single arrival only delayed
 * it, so the next waits are plain ones, more of them after each such miss.
 * Needs a kernel that takes a minimum wait (6.12+); off while busy polling. */
void uring_coalesce(long long us);
/* Coalesced waits that gathered two arrivals or more, and those that got one. */
void uring_coalesce_stats(unsigned long long *hits, unsigned long long *misses);
/* Whether the ring is up and the kernel can coalesce. */
int uring_can_coalesce(void);
/* Whether the ring is up and its waits stay out of the iowait count
 * (Linux 6.15+; before, an idle server's CPU shows as waiting for I/O). */
int uring_no_iowait(void);
/* The lent buffer of a recv completion (by its flags), and giving it back. */
char *uring_buf(unsigned flags);
void uring_buf_release(unsigned flags);
/* After a stream ended for want of buffers: lend more, if any are left. */
void uring_bufs_grow(void);
/* How many buffers are lent to the ring. */
unsigned uring_bufs_lent(void);

#endif
