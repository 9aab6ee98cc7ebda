/* hello.h: the hello example module's shared declarations: the API pointer, its value type, the
 * queue. */
#ifndef HELLO_H
#define HELLO_H

#include <stddef.h>

#include <modis/module.h>

/* The host API table from on_load; hidden visibility keeps these private to hello.so. */
extern const modis_api *M;
/* The "hello-queue" value type registered in on_load. */
extern modis_type *hello_type;

/* Settings from the module's "config" object in the server config. */
typedef struct hello_config {
    const char *greeting; /* "greeting": HELLO.GREET's first word (default "Hello") */
    long long max_length; /* "max-length": messages per queue, 0 = unlimited */
} hello_config;
extern hello_config hello_cfg;

/* Counters HELLO.STATS reports. */
typedef struct hello_stats {
    long long pushed;
    long long popped;
    long long woken; /* HELLO.WAIT calls served after blocking */
} hello_stats;
extern hello_stats hello_st;

/* ---------------------------------------------------------------------------
 * queue.c: a FIFO of byte strings in a ring buffer, allocated through M.
 * ------------------------------------------------------------------------- */

typedef struct hello_msg {
    size_t len;
    char data[];
} hello_msg;

typedef struct hello_queue {
    size_t head;  /* index of the oldest message in ring */
    size_t count; /* messages held */
    size_t cap;   /* slots in ring (a power of two) */
    hello_msg **ring;
} hello_queue;

hello_queue *hq_create(void);
void hq_free(hello_queue *q);
hello_queue *hq_dup(const hello_queue *q);
/* Appends a copy of p[0..len). */
void hq_push(hello_queue *q, const void *p, size_t len);
/* Removes and returns the oldest message (the caller frees it with M->free),
 * or NULL when q is empty. */
hello_msg *hq_pop(hello_queue *q);
/* Bytes allocated for q beyond the key's area. */
size_t hq_mem_usage(const hello_queue *q);

/* ---------------------------------------------------------------------------
 * t_hello.c: the commands.
 * ------------------------------------------------------------------------- */

/* The command table, terminated by an entry with a NULL name. */
extern const modis_command hello_commands[];

#endif
