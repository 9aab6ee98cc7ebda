/* qlist.h: the list encoding, a doubly linked chain of packed nodes (Redis's quicklist idea).
 *
 * A qlist holds byte strings. Elements live in nodes; a node is ONE allocation
 * holding a small header and many packed entries, each entry being
 *
 *     <header><payload><backlen>
 *
 * header   0xxxxxxx            an integer 0..127, no payload
 *          10xxxxxx            a string of 0..63 bytes
 *          110xxxxx yyyyyyyy   a string of up to 8191 bytes
 *          1110nnnn            an integer in n (1..8) little-endian bytes
 *          11110000 <4 bytes>  a string of up to 2^32-1 bytes
 * backlen  the size of header+payload, written so that it reads right to left
 *          (7 bits a byte, the high bit set on every byte but the leftmost),
 *          which makes iteration from the tail possible.
 *
 * Strings that are canonical decimal integers are stored as integers and come
 * back as the same bytes. A 12-byte string costs 14 bytes.
 *
 * The entries of a node sit at an offset in its buffer: a node that takes
 * pushes or pops at its head keeps room before its first entry (head room),
 * so push and pop at either end write or drop one entry in place, without
 * moving the others; growing or re-centring a node is geometric, so both ends
 * are O(1) amortised. Head room is bounded by the node size limit below, and
 * nodes that only see tail pushes have none.
 *
 * Node size follows Redis's list-max-listpack-size ("fill"): negative values
 * -1..-5 cap a node at 4/8/16/32/64 KB (header included), positive values cap
 * the number of entries (with an 8 KB safety limit); an element larger than
 * the cap gets a node of its own.
 *
 * Memory comes from the allocator given to ql_set_allocator (the server's in
 * the module, libc's in unit tests). Not thread-safe.
 */
#ifndef MODIS_LISTS_QLIST_H
#define MODIS_LISTS_QLIST_H

#include <stddef.h>
#include <stdint.h>

#define QL_HEAD 0
#define QL_TAIL 1

typedef struct ql_node ql_node;

typedef struct qlist {
    ql_node *head;
    ql_node *tail;
    size_t count; /* elements */
    size_t nodes; /* nodes */
} qlist;

typedef struct ql_allocator {
    void *(*alloc)(size_t size);
    void *(*realloc)(void *ptr, size_t size);
    void (*free)(void *ptr);
    size_t (*usable)(const void *ptr); /* may be NULL: then exact sizes are assumed */
} ql_allocator;

/* An element as read from a list. ptr/len are valid until the list is
 * modified; for an integer-encoded element ptr points into buf, so an
 * ql_elem must not be copied by value while ptr is in use. */
typedef struct ql_elem {
    const char *ptr;
    size_t len;
    char buf[24];
} ql_elem;

/* An iterator, see ql_iter_init. Fields are private. */
typedef struct ql_iter {
    qlist *ql;
    ql_node *node;     /* node of the next element, NULL when done */
    uint32_t off;      /* its offset in the node */
    int dir;           /* QL_TAIL: head to tail; QL_HEAD: tail to head */
    ql_node *cur_node; /* the element last returned, or NULL */
    uint32_t cur_off;
} ql_iter;

/* Allocator for every qlist (copied). Call before creating lists. */
void ql_set_allocator(const ql_allocator *a);
/* Node fill, as list-max-listpack-size (default -2). Affects later inserts. */
void ql_set_fill(int fill);
int ql_get_fill(void);

qlist *ql_create(void);
void ql_free(qlist *ql);
/* A deep copy of ql. */
qlist *ql_dup(const qlist *ql);
/* Bytes allocated for ql (header and nodes). */
size_t ql_mem_usage(const qlist *ql);

/* Adds an element at the head (QL_HEAD) or tail (QL_TAIL). p is copied. */
void ql_push(qlist *ql, int where, const void *p, size_t len);
/* Reads the element at the head or tail; 0 when the list is empty. */
int ql_peek(const qlist *ql, int where, ql_elem *out);
/* Removes n elements from the head or tail (all of them when n >= count). */
void ql_trim(qlist *ql, int where, size_t n);

/* Reads the element at index (negative counts from the tail: -1 is the
 * last); 0 when out of range. */
int ql_index(const qlist *ql, long index, ql_elem *out);
/* Replaces the element at index with p (copied); 0 when out of range. */
int ql_replace(qlist *ql, long index, const void *p, size_t len);

/* Starts iterating at index (negative counts from the tail) towards the
 * tail (dir QL_TAIL) or the head (dir QL_HEAD). An index out of range gives
 * an iterator that yields nothing. */
void ql_iter_init(qlist *ql, ql_iter *it, long index, int dir);
/* Reads the next element and advances; 0 when done. */
int ql_iter_next(ql_iter *it, ql_elem *out);
/* Deletes the element last returned by ql_iter_next; iteration goes on with
 * the element after it. */
void ql_iter_delete(ql_iter *it);
/* Inserts p (copied) before (QL_HEAD) or after (QL_TAIL) the element last
 * returned by ql_iter_next. The iterator must not be used afterwards. */
void ql_iter_insert(ql_iter *it, int where, const void *p, size_t len);

/* Merges neighbouring nodes that fit in one node together (after deletes in
 * the middle of a list). */
void ql_compact(qlist *ql);

/* Parses s as a canonical decimal long long, as Redis's string2ll: no
 * spaces, no '+', no leading zeros, no "-0"; 1 on success. */
int ql_str_to_ll(const char *s, size_t len, long long *out);

/* True when the element equals the len bytes at p. */
int ql_elem_eq(const ql_elem *e, const void *p, size_t len);

/* For tests and diagnostics: checks every invariant (counts, links, entry
 * boundaries, entries inside their node's buffer, node limits, head room
 * within them); returns 0 when consistent, else a negative code. */
int ql_check(const qlist *ql);
/* For tests: the element count of node number i (0 = head), or -1. */
long ql_node_count(const qlist *ql, size_t i);

#endif
