/* ev.c: the event loop: epoll plus a binary heap of one-shot timers. */
#include "ev.h"

#include "alloc.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

typedef struct fd_slot {
    int mask;
    ev_fd_fn rfn, wfn;
    void *rpriv, *wpriv;
} fd_slot;

typedef struct timer {
    long long id;
    long long when_us; /* monotonic */
    ev_timer_fn fn;
    void *priv;
} timer;

static long long running_timer; /* id of the timer whose callback runs */

struct ev_loop {
    int epfd;
    int setsize;
    int stop;
    fd_slot *fds;
    struct epoll_event *events;
    timer *heap;
    int nheap, capheap;
    long long next_id;
    long long *deleted; /* ids cancelled while in the heap (lazy removal) */
    int ndeleted, capdeleted;
    ev_hook_fn before_sleep;
    ev_wait_fn waiter;
};

long long ev_ustime(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

long long ev_mstime(void)
{
    return ev_ustime() / 1000;
}

long long ev_monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

ev_loop *ev_create(int setsize)
{
    ev_loop *l = zcalloc(sizeof *l);
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (l->epfd < 0) {
        zfree(l);
        return NULL;
    }
    l->setsize = setsize;
    l->fds = zcalloc(sizeof(fd_slot) * (size_t)setsize);
    l->events = zcalloc(sizeof(struct epoll_event) * (size_t)setsize);
    l->next_id = 1;
    return l;
}

void ev_free(ev_loop *l)
{
    if (!l)
        return;
    close(l->epfd);
    zfree(l->fds);
    zfree(l->events);
    zfree(l->heap);
    zfree(l->deleted);
    zfree(l);
}

int ev_setsize(ev_loop *l)
{
    return l->setsize;
}

int ev_add_fd(ev_loop *l, int fd, int mask, ev_fd_fn fn, void *priv)
{
    if (fd < 0 || fd >= l->setsize)
        return -1;
    fd_slot *s = &l->fds[fd];
    struct epoll_event ee = {0};
    int op = s->mask == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    int newmask = s->mask | mask;
    ee.events = (newmask & EV_READABLE ? EPOLLIN : 0) | (newmask & EV_WRITABLE ? EPOLLOUT : 0);
    ee.data.fd = fd;
    if (epoll_ctl(l->epfd, op, fd, &ee) < 0)
        return -1;
    s->mask = newmask;
    if (mask & EV_READABLE) {
        s->rfn = fn;
        s->rpriv = priv;
    }
    if (mask & EV_WRITABLE) {
        s->wfn = fn;
        s->wpriv = priv;
    }
    return 0;
}

void ev_del_fd(ev_loop *l, int fd, int mask)
{
    if (fd < 0 || fd >= l->setsize)
        return;
    fd_slot *s = &l->fds[fd];
    if (s->mask == 0)
        return;
    int newmask = s->mask & ~mask;
    struct epoll_event ee = {0};
    ee.events = (newmask & EV_READABLE ? EPOLLIN : 0) | (newmask & EV_WRITABLE ? EPOLLOUT : 0);
    ee.data.fd = fd;
    epoll_ctl(l->epfd, newmask ? EPOLL_CTL_MOD : EPOLL_CTL_DEL, fd, &ee);
    s->mask = newmask;
}

int ev_fd_mask(ev_loop *l, int fd)
{
    return (fd >= 0 && fd < l->setsize) ? l->fds[fd].mask : 0;
}

static void heap_swap(timer *a, timer *b)
{
    timer t = *a;
    *a = *b;
    *b = t;
}

static void heap_up(ev_loop *l, int i)
{
    while (i > 0) {
        int p = (i - 1) / 2;
        if (l->heap[p].when_us <= l->heap[i].when_us)
            break;
        heap_swap(&l->heap[p], &l->heap[i]);
        i = p;
    }
}

static void heap_down(ev_loop *l, int i)
{
    for (;;) {
        int a = 2 * i + 1, b = a + 1, m = i;
        if (a < l->nheap && l->heap[a].when_us < l->heap[m].when_us)
            m = a;
        if (b < l->nheap && l->heap[b].when_us < l->heap[m].when_us)
            m = b;
        if (m == i)
            break;
        heap_swap(&l->heap[m], &l->heap[i]);
        i = m;
    }
}

static void heap_push(ev_loop *l, timer t)
{
    if (l->nheap == l->capheap) {
        l->capheap = l->capheap ? l->capheap * 2 : 16;
        l->heap = zrealloc(l->heap, sizeof(timer) * (size_t)l->capheap);
    }
    l->heap[l->nheap] = t;
    heap_up(l, l->nheap++);
}

long long ev_add_timer(ev_loop *l, long long ms, ev_timer_fn fn, void *priv)
{
    timer t = {l->next_id++, ev_monotonic_us() + ms * 1000, fn, priv};
    heap_push(l, t);
    return t.id;
}

void ev_del_timer(ev_loop *l, long long id)
{
    /* Lazy removal: remember the id, skip it when it surfaces (or, for the
     * timer running now, do not reschedule it). */
    for (int i = 0; i < l->ndeleted; i++)
        if (l->deleted[i] == id)
            return;
    int present = id == running_timer;
    for (int i = 0; !present && i < l->nheap; i++)
        present = l->heap[i].id == id;
    if (!present)
        return;
    if (l->ndeleted == l->capdeleted) {
        l->capdeleted = l->capdeleted ? l->capdeleted * 2 : 16;
        l->deleted = zrealloc(l->deleted, sizeof(long long) * (size_t)l->capdeleted);
    }
    l->deleted[l->ndeleted++] = id;
}

static int take_deleted(ev_loop *l, long long id)
{
    for (int i = 0; i < l->ndeleted; i++) {
        if (l->deleted[i] == id) {
            l->deleted[i] = l->deleted[--l->ndeleted];
            return 1;
        }
    }
    return 0;
}

void ev_set_before_sleep(ev_loop *l, ev_hook_fn fn)
{
    l->before_sleep = fn;
}

void ev_set_waiter(ev_loop *l, ev_wait_fn fn)
{
    l->waiter = fn;
}

int ev_epoll_fd(ev_loop *l)
{
    return l->epfd;
}

void ev_stop(ev_loop *l)
{
    l->stop = 1;
}

static void run_timers(ev_loop *l)
{
    long long now = ev_monotonic_us();
    while (l->nheap > 0 && l->heap[0].when_us <= now) {
        timer t = l->heap[0];
        l->heap[0] = l->heap[--l->nheap];
        heap_down(l, 0);
        if (take_deleted(l, t.id))
            continue;
        running_timer = t.id;
        long long again = t.fn(l, t.id, t.priv);
        running_timer = 0;
        if (take_deleted(l, t.id))
            again = -1; /* it cancelled itself */
        if (again >= 0) {
            t.when_us = ev_monotonic_us() + again * 1000;
            heap_push(l, t);
        }
    }
}

void ev_run(ev_loop *l)
{
    l->stop = 0;
    while (!l->stop) {
        if (l->before_sleep)
            l->before_sleep(l);
        if (l->stop)
            break;
        int timeout = -1;
        if (l->nheap > 0) {
            long long d = l->heap[0].when_us - ev_monotonic_us();
            timeout = d <= 0 ? 0 : (int)((d + 999) / 1000);
        }
        int n = 0;
        if (!l->waiter)
            n = epoll_wait(l->epfd, l->events, l->setsize, timeout);
        else if (l->waiter(l, timeout))
            n = epoll_wait(l->epfd, l->events, l->setsize, 0);
        for (int i = 0; i < n; i++) {
            int fd = l->events[i].data.fd;
            uint32_t ev = l->events[i].events;
            fd_slot *s = &l->fds[fd];
            if ((ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) && (s->mask & EV_READABLE)) {
                s->rfn(l, fd, s->rpriv, EV_READABLE);
            }
            s = &l->fds[fd];
            if ((ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)) && (s->mask & EV_WRITABLE)) {
                s->wfn(l, fd, s->wpriv, EV_WRITABLE);
            }
        }
        run_timers(l);
    }
}
