/* conn.h: client connections: accept, read and parse, write, close. */
#ifndef MODIS_CONN_H
#define MODIS_CONN_H

#include "server.h"

/* The accept handler for listening sockets (priv: non-NULL for unix sockets). */
void conn_accept(ev_loop *loop, int fd, void *priv, int mask);
/* Closes c after its pending replies are written. */
void conn_close_after_reply(client *c);
/* Closes c at the next opportunity, dropping pending output. */
void conn_close_asap(client *c);
/* Queues an unblocked client so its buffered input is processed. */
void conn_queue_unblocked(client *c);
void conn_resume_unblocked(void);
/* Sets up batched socket I/O through io_uring when the io-uring setting asks
 * for it and the kernel allows it; otherwise logs why and leaves the plain
 * read()/write() path on. Call once, after the event loop is created. */
void conn_setup_io(ev_loop *loop);
/* Run before the loop sleeps: ready keys, unblocked clients, writes, closes. */
void conn_before_sleep(ev_loop *loop);
/* CLIENT PAUSE: park c until the pause ends; release every parked client. */
void conn_park_paused(client *c);
void conn_release_paused(void);
/* Idle timeouts (from the cron). */
void conn_check_timeouts(long long now_ms);
/* Closes every client (shutdown). */
void conn_free_all(void);
client *conn_find_by_id(long long id);
/* One CLIENT LIST line for c, appended to *buf (grown with zrealloc). */
void conn_describe(client *c, char **buf, size_t *len, size_t *cap);
size_t conn_query_bytes(void);
size_t conn_output_bytes(void);

#endif
