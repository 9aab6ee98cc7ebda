/* queue.c: the hello module's data structure: a FIFO of byte strings in a growable ring buffer. */
#include <string.h>

#include "hello.h"

#define HQ_MIN_CAP 4

hello_queue *hq_create(void)
{
    hello_queue *q = M->calloc(sizeof *q);
    q->cap = HQ_MIN_CAP;
    q->ring = M->calloc(q->cap * sizeof *q->ring);
    return q;
}

void hq_free(hello_queue *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->count; i++)
        M->free(q->ring[(q->head + i) & (q->cap - 1)]);
    M->free(q->ring);
    M->free(q);
}

static hello_msg *msg_create(const void *p, size_t len)
{
    hello_msg *m = M->alloc(sizeof *m + len);
    m->len = len;
    memcpy(m->data, p, len);
    return m;
}

hello_queue *hq_dup(const hello_queue *q)
{
    hello_queue *d = M->calloc(sizeof *d);
    d->cap = q->cap;
    d->ring = M->calloc(d->cap * sizeof *d->ring);
    for (size_t i = 0; i < q->count; i++) {
        const hello_msg *m = q->ring[(q->head + i) & (q->cap - 1)];
        d->ring[i] = msg_create(m->data, m->len);
    }
    d->count = q->count;
    return d;
}

/* Doubles the ring, moving the messages to the start of the new one. */
static void grow(hello_queue *q)
{
    size_t ncap = q->cap * 2;
    hello_msg **nring = M->calloc(ncap * sizeof *nring);
    for (size_t i = 0; i < q->count; i++)
        nring[i] = q->ring[(q->head + i) & (q->cap - 1)];
    M->free(q->ring);
    q->ring = nring;
    q->cap = ncap;
    q->head = 0;
}

void hq_push(hello_queue *q, const void *p, size_t len)
{
    if (q->count == q->cap)
        grow(q);
    q->ring[(q->head + q->count) & (q->cap - 1)] = msg_create(p, len);
    q->count++;
}

hello_msg *hq_pop(hello_queue *q)
{
    if (q->count == 0)
        return NULL;
    hello_msg *m = q->ring[q->head];
    q->ring[q->head] = NULL;
    q->head = (q->head + 1) & (q->cap - 1);
    q->count--;
    return m;
}

size_t hq_mem_usage(const hello_queue *q)
{
    size_t n = M->usable_size(q) + M->usable_size(q->ring);
    for (size_t i = 0; i < q->count; i++)
        n += M->usable_size(q->ring[(q->head + i) & (q->cap - 1)]);
    return n;
}
