/* uring.h: batched socket I/O: many recv/send operations in one io_uring_enter. */
#ifndef MODIS_URING_H
#define MODIS_URING_H

#include <stddef.h>
#include <sys/socket.h>

/* Operations that can be queued between two uring_run calls. */
#define URING_ENTRIES 256

/* Sets up the ring and checks that this kernel completes a socket operation
 * flagged MSG_DONTWAIT at once (-EAGAIN on an empty or full socket) instead of
 * parking it, which the batching relies on. Returns 0, or -1 with the reason in
 * err (then nothing is left open and uring_active() stays 0). */
int uring_init(char *err, size_t errlen);
void uring_free(void);
int uring_active(void);

/* Queue one non-blocking operation on fd; its result comes back from uring_run
 * in res[idx] (idx < URING_ENTRIES). The buffer, msg and msg's iovecs are
 * borrowed until uring_run returns. At most URING_ENTRIES per run. */
void uring_recv(int fd, void *buf, size_t len, unsigned idx);
void uring_send(int fd, const void *buf, size_t len, unsigned idx);
void uring_sendmsg(int fd, const struct msghdr *msg, unsigned idx);

/* Submits every queued operation with one io_uring_enter and waits for all of
 * them to complete; res[idx] is each one's result as the matching syscall
 * would give it, but with -errno instead of -1. Returns the number run. */
int uring_run(int *res);

#endif
