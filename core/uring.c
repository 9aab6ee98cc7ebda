/* uring.c: batched socket I/O: many recv/send operations in one io_uring_enter. */
#include "uring.h"

#include "log.h"

#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct io_uring ring;
static int active;
static unsigned queued;

int uring_active(void)
{
    return active;
}

/* Setup flags from the most to the least recent kernel: the batch is
 * submitted and reaped by this one thread, nothing runs asynchronously, so
 * the kernel can skip the locking and task-work signalling it would otherwise
 * do (6.1+, then 5.19+); older kernels take the plain ring. */
static const unsigned setup_flags[] = {
    IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SINGLE_ISSUER |
        IORING_SETUP_DEFER_TASKRUN,
    IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN,
    0,
};

static struct io_uring_sqe *next_sqe(unsigned idx)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    if (!sqe || idx >= URING_ENTRIES) {
        /* A caller bug: more than URING_ENTRIES operations in one run. */
        log_msg(LOG_WARNING, "io_uring: submission queue overrun (op %u)", idx);
        abort();
    }
    queued++;
    return sqe;
}

void uring_recv(int fd, void *buf, size_t len, unsigned idx)
{
    struct io_uring_sqe *sqe = next_sqe(idx);
    io_uring_prep_recv(sqe, fd, buf, len, MSG_DONTWAIT);
    io_uring_sqe_set_data64(sqe, idx);
}

void uring_send(int fd, const void *buf, size_t len, unsigned idx)
{
    struct io_uring_sqe *sqe = next_sqe(idx);
    io_uring_prep_send(sqe, fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, idx);
}

void uring_sendmsg(int fd, const struct msghdr *msg, unsigned idx)
{
    struct io_uring_sqe *sqe = next_sqe(idx);
    io_uring_prep_sendmsg(sqe, fd, msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, idx);
}

int uring_run(int *res)
{
    unsigned n = queued, done = 0;
    queued = 0;
    while (done < n) {
        /* Every operation carries MSG_DONTWAIT, so each completes (or fails
         * with -EAGAIN) while it is submitted: waiting for all of them costs
         * nothing more than the one io_uring_enter. */
        int r = io_uring_submit_and_wait(&ring, n - done);
        if (r < 0 && r != -EINTR && r != -EAGAIN && r != -EBUSY) {
            log_msg(LOG_WARNING, "io_uring: io_uring_enter failed: %s", strerror(-r));
            abort();
        }
        struct io_uring_cqe *cqe;
        unsigned head, seen = 0;
        io_uring_for_each_cqe(&ring, head, cqe)
        {
            res[cqe->user_data] = cqe->res;
            seen++;
        }
        io_uring_cq_advance(&ring, seen);
        done += seen;
    }
    return (int)n;
}

/* Runs one operation already queued and waits up to 100 ms for it. Returns
 * its result, or -ETIME when it did not complete. */
static int probe_one(void)
{
    struct __kernel_timespec ts = {.tv_sec = 0, .tv_nsec = 100 * 1000 * 1000};
    struct io_uring_cqe *cqe;
    queued = 0;
    int r = io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts, NULL);
    if (r < 0)
        return r;
    r = cqe->res;
    io_uring_cqe_seen(&ring, cqe);
    return r;
}

/* A recv on an empty socket must fail at once with -EAGAIN (a kernel that
 * would park it instead would stall the whole batch), and send and sendmsg
 * must work. */
static int probe(char *err, size_t errlen)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        snprintf(err, errlen, "socketpair: %s", strerror(errno));
        return -1;
    }
    char in[2], out[2] = {'a', 'b'};
    struct iovec iov = {.iov_base = out + 1, .iov_len = 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    int rc = -1, r;
    uring_recv(sv[0], in, sizeof in, 0);
    if ((r = probe_one()) != -EAGAIN) {
        const char *what = r == -ETIME ? "no completion" : r < 0 ? strerror(-r) : "data";
        snprintf(err, errlen, "a MSG_DONTWAIT recv on an empty socket gave %s, not EAGAIN", what);
        goto out;
    }
    uring_send(sv[1], out, 1, 0);
    if ((r = probe_one()) != 1) {
        snprintf(err, errlen, "send: %s", r < 0 ? strerror(-r) : "short");
        goto out;
    }
    uring_sendmsg(sv[1], &msg, 0);
    if ((r = probe_one()) != 1) {
        snprintf(err, errlen, "sendmsg: %s", r < 0 ? strerror(-r) : "short");
        goto out;
    }
    uring_recv(sv[0], in, sizeof in, 0);
    if ((r = probe_one()) != 2 || memcmp(in, out, 2) != 0) {
        snprintf(err, errlen, "recv: %s", r < 0 ? strerror(-r) : "wrong data");
        goto out;
    }
    rc = 0;
out:
    close(sv[0]);
    close(sv[1]);
    return rc;
}

int uring_init(char *err, size_t errlen)
{
    int r = -EINVAL;
    for (size_t i = 0; i < sizeof setup_flags / sizeof setup_flags[0] && r == -EINVAL; i++)
        r = io_uring_queue_init(URING_ENTRIES, &ring, setup_flags[i]);
    if (r < 0) {
        snprintf(err, errlen, "io_uring_setup: %s", strerror(-r));
        return -1;
    }
    if (probe(err, errlen) < 0) {
        io_uring_queue_exit(&ring);
        return -1;
    }
    /* Lets io_uring_enter skip looking the ring's fd up on every call. */
    io_uring_register_ring_fd(&ring);
    active = 1;
    return 0;
}

void uring_free(void)
{
    if (!active)
        return;
    io_uring_queue_exit(&ring);
    active = 0;
}
