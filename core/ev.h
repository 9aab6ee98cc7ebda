/* ev.h: the event loop: epoll readiness for file descriptors plus one-shot timers. */
#ifndef MODIS_EV_H
#define MODIS_EV_H

#include <stdint.h>

#define EV_READABLE 1
#define EV_WRITABLE 2

typedef struct ev_loop ev_loop;
typedef void (*ev_fd_fn)(ev_loop *loop, int fd, void *priv, int mask);
/* A timer callback returns the delay in ms until it runs again, or -1 to stop. */
typedef long long (*ev_timer_fn)(ev_loop *loop, long long id, void *priv);
typedef void (*ev_hook_fn)(ev_loop *loop);

ev_loop *ev_create(int setsize);
void ev_free(ev_loop *loop);
/* Adds mask to the events watched on fd (fd < setsize). Returns 0 or -1. */
int ev_add_fd(ev_loop *loop, int fd, int mask, ev_fd_fn fn, void *priv);
void ev_del_fd(ev_loop *loop, int fd, int mask);
int ev_fd_mask(ev_loop *loop, int fd);
/* Schedules fn after ms; returns the timer id. */
long long ev_add_timer(ev_loop *loop, long long ms, ev_timer_fn fn, void *priv);
void ev_del_timer(ev_loop *loop, long long id);
void ev_set_before_sleep(ev_loop *loop, ev_hook_fn fn);
/* Replaces the loop's sleep: fn waits up to timeout_ms (-1: no limit) for
 * whatever it watches itself and returns 1 when the epoll set may have
 * events to dispatch (they are then fetched without waiting), else 0. */
typedef int (*ev_wait_fn)(ev_loop *loop, int timeout_ms);
void ev_set_waiter(ev_loop *loop, ev_wait_fn fn);
int ev_epoll_fd(ev_loop *loop);
/* Runs until ev_stop. */
void ev_run(ev_loop *loop);
void ev_stop(ev_loop *loop);
int ev_setsize(ev_loop *loop);

/* Monotonic and wall clocks in ms / us. */
long long ev_mstime(void);
long long ev_ustime(void);
long long ev_monotonic_us(void);

#endif
