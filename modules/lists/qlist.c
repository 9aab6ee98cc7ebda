/* qlist.c: the list encoding: packed entries in a doubly linked chain of nodes (see qlist.h). */
#include "qlist.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A node is one allocation: this header, then data[cap] holding the packed
 * entries at data[start .. start + bytes). The room before them (the head
 * room) lets a push at the head write in place and a pop at the head just
 * advance start, where keeping the entries at offset 0 would memmove the whole
 * node (a few KB) on every LPUSH and LPOP. Only nodes that see work at their
 * head get head room (see node_room); the others keep start 0 and grow at the
 * tail as they always did. Entry offsets used below (iterators included) are
 * relative to start, so moving the entries inside a node changes none. */
struct ql_node {
    ql_node *prev;
    ql_node *next;
    uint32_t start; /* offset of the first entry in data[]: the head room */
    uint32_t bytes; /* bytes of entries, from data[start] on */
    uint32_t cap;   /* bytes available in data[] */
    uint32_t count; /* entries in data[] */
    unsigned char data[];
};

/* The entries of n: offsets below are relative to this. */
#define ENTS(n) ((n)->data + (n)->start)
#define NODE_HDR offsetof(ql_node, data)
#define SAFETY_LIMIT 8192u
#define FILL_MAX (1 << 15)
#define FILL_MIN (-5)
/* The biggest string an entry can hold (header + payload must fit in 32 bits). */
#define MAX_ELEM_LEN (UINT32_MAX - 16u)

#define QL_ASSERT(cond)                                                                            \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "qlist: assertion failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static ql_allocator A = {malloc, realloc, free, NULL};
static int g_fill = -2;
static const size_t level_bytes[] = {4096, 8192, 16384, 32768, 65536};

void ql_set_allocator(const ql_allocator *a)
{
    A = *a;
}

void ql_set_fill(int fill)
{
    if (fill > FILL_MAX)
        fill = FILL_MAX;
    else if (fill < FILL_MIN)
        fill = FILL_MIN;
    g_fill = fill;
}

int ql_get_fill(void)
{
    return g_fill;
}

/* ---------------------------------------------------------------------------
 * Entries
 * ------------------------------------------------------------------------- */

/* An element encoded for writing: header (with an integer payload), string
 * payload (borrowed), backlen. */
typedef struct enc {
    unsigned char head[9];
    uint32_t hlen;
    const unsigned char *str;
    uint32_t slen;
    unsigned char back[5];
    uint32_t blen;
    uint32_t total;
} enc;

/* Parses s as a canonical decimal long long (no sign '+', no leading zeros,
 * no "-0"): exactly the strings that format back to themselves. */
int ql_str_to_ll(const char *s, size_t len, long long *out)
{
    size_t i = 0;
    unsigned long long v = 0;
    int neg = 0;

    if (len == 0 || len > 20)
        return 0;
    if (len == 1 && s[0] == '0') {
        *out = 0;
        return 1;
    }
    if (s[0] == '-') {
        neg = 1;
        i = 1;
        if (len == 1)
            return 0;
    }
    if (s[i] < '1' || s[i] > '9')
        return 0;
    for (; i < len; i++) {
        unsigned d;
        if (s[i] < '0' || s[i] > '9')
            return 0;
        d = (unsigned)(s[i] - '0');
        if (v > (ULLONG_MAX - d) / 10)
            return 0;
        v = v * 10 + d;
    }
    if (neg) {
        if (v > (unsigned long long)LLONG_MAX + 1)
            return 0;
        *out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
    } else {
        if (v > (unsigned long long)LLONG_MAX)
            return 0;
        *out = (long long)v;
    }
    return 1;
}

static size_t ll_to_str(char *buf, long long v)
{
    char tmp[24];
    size_t n = 0, i = 0;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        buf[i++] = '-';
    while (n)
        buf[i++] = tmp[--n];
    buf[i] = '\0';
    return i;
}

static uint32_t backlen_size(uint32_t l)
{
    uint32_t n = 1;
    while (l >>= 7)
        n++;
    return n;
}

static uint32_t backlen_write(unsigned char *buf, uint32_t l)
{
    uint32_t n = backlen_size(l);
    for (uint32_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)((l >> (7 * (n - 1 - i))) & 127);
        buf[i] = i > 0 ? (unsigned char)(b | 128) : b;
    }
    return n;
}

/* Reads the backlen that ends just before end; stores its size in *nbytes. */
static uint32_t backlen_read(const unsigned char *end, uint32_t *nbytes)
{
    const unsigned char *p = end - 1;
    uint32_t v = 0, shift = 0, n = 0;
    for (;;) {
        unsigned char b = *p;
        v |= (uint32_t)(b & 127) << shift;
        n++;
        if (!(b & 128))
            break;
        shift += 7;
        p--;
    }
    *nbytes = n;
    return v;
}

static uint32_t int_bytes(long long v)
{
    for (uint32_t n = 1; n < 8; n++) {
        long long lim = 1LL << (8 * n - 1);
        if (v >= -lim && v < lim)
            return n;
    }
    return 8;
}

static void enc_make(enc *e, const void *p, size_t len)
{
    long long v;

    QL_ASSERT(len <= MAX_ELEM_LEN);
    e->str = NULL;
    e->slen = 0;
    if (len <= 20 && ql_str_to_ll(p, len, &v)) {
        if (v >= 0 && v <= 127) {
            e->head[0] = (unsigned char)v;
            e->hlen = 1;
        } else {
            uint32_t n = int_bytes(v);
            unsigned long long u = (unsigned long long)v;
            e->head[0] = (unsigned char)(0xE0 | n);
            for (uint32_t i = 0; i < n; i++)
                e->head[1 + i] = (unsigned char)(u >> (8 * i));
            e->hlen = 1 + n;
        }
    } else {
        e->str = p;
        e->slen = (uint32_t)len;
        if (len < 64) {
            e->head[0] = (unsigned char)(0x80 | len);
            e->hlen = 1;
        } else if (len < 8192) {
            e->head[0] = (unsigned char)(0xC0 | (len >> 8));
            e->head[1] = (unsigned char)(len & 0xff);
            e->hlen = 2;
        } else {
            e->head[0] = 0xF0;
            for (uint32_t i = 0; i < 4; i++)
                e->head[1 + i] = (unsigned char)(len >> (8 * i));
            e->hlen = 5;
        }
    }
    e->blen = backlen_write(e->back, e->hlen + e->slen);
    e->total = e->hlen + e->slen + e->blen;
}

/* Decodes the entry at p into out (may be NULL); returns the size of its
 * header and payload (without the backlen). */
static uint32_t entry_decode(const unsigned char *p, ql_elem *out)
{
    unsigned char h = p[0];
    uint32_t len;

    if (h < 0x80) {
        if (out) {
            out->len = ll_to_str(out->buf, h);
            out->ptr = out->buf;
        }
        return 1;
    }
    if (h < 0xC0) {
        len = h & 63u;
        if (out) {
            out->ptr = (const char *)p + 1;
            out->len = len;
        }
        return 1 + len;
    }
    if (h < 0xE0) {
        len = ((uint32_t)(h & 31u) << 8) | p[1];
        if (out) {
            out->ptr = (const char *)p + 2;
            out->len = len;
        }
        return 2 + len;
    }
    if (h < 0xF0) {
        uint32_t n = h & 15u;
        if (out) {
            unsigned long long u = 0;
            for (uint32_t i = 0; i < n; i++)
                u |= (unsigned long long)p[1 + i] << (8 * i);
            if (n < 8 && (u >> (8 * n - 1)) & 1)
                u |= ~0ULL << (8 * n);
            out->len = ll_to_str(out->buf, (long long)u);
            out->ptr = out->buf;
        }
        return 1 + n;
    }
    QL_ASSERT(h == 0xF0);
    len = (uint32_t)p[1] | (uint32_t)p[2] << 8 | (uint32_t)p[3] << 16 | (uint32_t)p[4] << 24;
    if (out) {
        out->ptr = (const char *)p + 5;
        out->len = len;
    }
    return 5 + len;
}

static uint32_t entry_size(const unsigned char *p)
{
    uint32_t l = entry_decode(p, NULL);
    return l + backlen_size(l);
}

int ql_elem_eq(const ql_elem *e, const void *p, size_t len)
{
    return e->len == len && (len == 0 || memcmp(e->ptr, p, len) == 0);
}

/* ---------------------------------------------------------------------------
 * Nodes
 * ------------------------------------------------------------------------- */

/* Offset of the entry before the one at off (off > 0). */
static uint32_t prev_off(const ql_node *n, uint32_t off)
{
    uint32_t bl, l = backlen_read(ENTS(n) + off, &bl);
    return off - bl - l;
}

static uint32_t last_off(const ql_node *n)
{
    return prev_off(n, n->bytes);
}

/* Offset of entry number i of n (i == count gives the end), walking from the
 * nearer end. */
static uint32_t node_offset_of(const ql_node *n, uint32_t i)
{
    uint32_t off;
    if (i <= n->count / 2) {
        off = 0;
        while (i--)
            off += entry_size(ENTS(n) + off);
    } else {
        off = n->bytes;
        for (uint32_t k = n->count - i; k; k--)
            off = prev_off(n, off);
    }
    return off;
}

/* The most bytes of entries (and so of data[]) a node of several entries may
 * hold under the fill: the node size limit less the header. */
static size_t node_budget(void)
{
    return (g_fill < 0 ? level_bytes[-g_fill - 1] : SAFETY_LIMIT) - NODE_HDR;
}

/* Whether a node holding `bytes` bytes of entries in `count` entries
 * respects the fill. A node with a single entry always does. */
static int node_fits(size_t bytes, size_t count)
{
    if (count <= 1)
        return 1;
    if (bytes > node_budget())
        return 0;
    return g_fill < 0 || count <= (size_t)g_fill;
}

static uint32_t cap_of(void *p, size_t asked)
{
    size_t u = A.usable ? A.usable(p) : asked;
    if (u - NODE_HDR > UINT32_MAX)
        return UINT32_MAX;
    return (uint32_t)(u - NODE_HDR);
}

static ql_node *node_new(size_t cap)
{
    ql_node *n = A.alloc(NODE_HDR + cap);
    n->prev = n->next = NULL;
    n->start = n->bytes = n->count = 0;
    n->cap = cap_of(n, NODE_HDR + cap);
    return n;
}

/* After n moved (realloc), points its neighbours (or the list ends) at it. */
static void relink(qlist *ql, ql_node *n)
{
    if (n->prev)
        n->prev->next = n;
    else
        ql->head = n;
    if (n->next)
        n->next->prev = n;
    else
        ql->tail = n;
}

/* Reallocates n to cap bytes of data[], its entries staying at start. */
static ql_node *node_resize(qlist *ql, ql_node *n, size_t cap)
{
    QL_ASSERT(cap <= UINT32_MAX && (size_t)n->start + n->bytes <= cap);
    n = A.realloc(n, NODE_HDR + cap);
    n->cap = cap_of(n, NODE_HDR + cap);
    relink(ql, n);
    return n;
}

/* Gives n cap bytes of data[] with its entries at offset start. When both
 * change, a fresh allocation and one copy beat realloc's copy followed by a
 * memmove. With to_head, room that the allocator adds beyond cap goes to the
 * head room (up to the budget) rather than the tail. */
static ql_node *node_relayout(qlist *ql, ql_node *n, size_t cap, size_t start, int to_head)
{
    ql_node *m;

    QL_ASSERT(cap <= UINT32_MAX && start + n->bytes <= cap);
    if (start == n->start && !to_head)
        return node_resize(ql, n, cap);
    m = A.alloc(NODE_HDR + cap);
    m->prev = n->prev;
    m->next = n->next;
    m->bytes = n->bytes;
    m->count = n->count;
    m->cap = cap_of(m, NODE_HDR + cap);
    if (to_head && m->cap > cap) {
        size_t budget = node_budget(), extra = m->cap - cap;
        if (start + n->bytes + extra > budget)
            extra = start + n->bytes < budget ? budget - start - n->bytes : 0;
        start += extra;
    }
    m->start = (uint32_t)start;
    memcpy(m->data + start, ENTS(n), n->bytes);
    A.free(n);
    relink(ql, m);
    return m;
}

/* Moves the entries of n, inside its allocation, to offset start. */
static void node_move(ql_node *n, size_t start)
{
    QL_ASSERT(start + n->bytes <= n->cap);
    memmove(n->data + start, ENTS(n), n->bytes);
    n->start = (uint32_t)start;
}

#define ROOM_MIN 16u /* the least room a growing node is given: small nodes stay small */

/* How much room to add at one end of n, which needs `need` bytes there and
 * keeps `other` bytes of room at its other end: an eighth of its size, so
 * that growth is geometric and its copies amortised O(1) (as the allocator's
 * size classes, which step by an eighth to a quarter, make tail growth),
 * while a node that got a single head push holds at most an eighth more; and
 * never past the node budget, so a node filled by head pushes ends the size a
 * node filled by tail pushes does. 0 when n cannot grow. */
static size_t room_want(const ql_node *n, size_t need, size_t other)
{
    size_t budget = node_budget(), base = (size_t)n->bytes + other;
    size_t want = n->bytes / 8 > ROOM_MIN ? n->bytes / 8 : ROOM_MIN;

    if (g_fill >= 0) {
        /* Count-limited nodes: room for the entries it can still take, sized
         * by the average entry. */
        size_t left = (size_t)g_fill > n->count ? (size_t)g_fill - n->count : 0;
        size_t est = left * (((size_t)n->bytes + need) / ((size_t)n->count + 1) + 1);
        if (want > est)
            want = est;
    }
    if (want < need)
        want = need;
    if (base + want > budget)
        want = base + need <= budget ? budget - base : 0;
    return want;
}

/* Makes room for `need` more bytes at the head (QL_HEAD: before the first
 * entry) or the tail of n; returns n (maybe moved). For a push (push != 0)
 * it may return NULL instead: n is then nearly full and the room could only
 * be had by moving all of it for a few bytes, so the caller should start a
 * new node. */
static ql_node *node_room(qlist *ql, ql_node *n, int where, size_t need, int push)
{
    size_t head = n->start, free = (size_t)n->cap - n->bytes, tail = free - head;
    size_t want, rest;

    if ((where == QL_HEAD ? head : tail) >= need)
        return n;
    /* A node that never had head room grows at its tail as before: realloc
     * to the exact size, the allocator's size classes amortising it, and not
     * a byte more than a tail-filled node used to take. */
    if (where == QL_TAIL && head == 0)
        return node_resize(ql, n, (size_t)n->bytes + need);
    /* Enough room at the other end: re-centre, splitting what is left over
     * between both ends (alternating pushes use both). It moves the entries
     * once, and only when what is left over is at least an eighth of their
     * size, so that the pushes filling that room pay for the move. */
    rest = free >= need ? free - need : 0;
    if (free >= need && rest >= n->bytes / 8) {
        size_t start = where == QL_HEAD ? need + rest / 2 : rest / 2;
        size_t hmax = node_budget() > n->bytes ? node_budget() - n->bytes : 0;
        /* No more head room than the budget leaves (an allocation larger
         * than that was left by a big element replaced by a small one). */
        if (start > hmax)
            start = where == QL_HEAD && hmax < need ? need : hmax;
        node_move(n, start);
        return n;
    }
    want = room_want(n, need, where == QL_HEAD ? tail : head);
    if (want == 0) {
        if (push)
            return NULL;
        /* An insert: it costs a move of the node as it always did. */
        if (free >= need) {
            node_move(n, where == QL_HEAD ? need + rest : 0);
            return n;
        }
        return node_relayout(ql, n, (size_t)n->bytes + need, where == QL_HEAD ? need : 0, 0);
    }
    if (where == QL_HEAD)
        return node_relayout(ql, n, want + n->bytes + tail, want, 1);
    return node_resize(ql, n, head + n->bytes + want);
}

/* Gives back most of the unused room of n. A node with head room keeps some
 * (a quarter of its size) so that pops and pushes at its head around a
 * shrink threshold do not copy it back and forth. */
static ql_node *node_shrink(qlist *ql, ql_node *n)
{
    size_t keep;
    if (n->cap <= n->bytes + n->bytes / 2 + 64)
        return n;
    if (n->start == 0)
        return node_resize(ql, n, n->bytes);
    keep = n->start < n->bytes / 4 ? n->start : n->bytes / 4;
    return node_relayout(ql, n, keep + n->bytes, keep, 0);
}

static void link_after(qlist *ql, ql_node *at, ql_node *n)
{
    n->prev = at;
    if (at) {
        n->next = at->next;
        if (at->next)
            at->next->prev = n;
        else
            ql->tail = n;
        at->next = n;
    } else {
        n->next = ql->head;
        if (ql->head)
            ql->head->prev = n;
        else
            ql->tail = n;
        ql->head = n;
    }
    ql->nodes++;
}

static void link_before(qlist *ql, ql_node *at, ql_node *n)
{
    if (at && at->prev)
        link_after(ql, at->prev, n);
    else
        link_after(ql, NULL, n);
}

static void unlink_free(qlist *ql, ql_node *n)
{
    if (n->prev)
        n->prev->next = n->next;
    else
        ql->head = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else
        ql->tail = n->prev;
    ql->nodes--;
    A.free(n);
}

/* Opens a gap of size bytes at offset off (an entry boundary) of n, moving
 * the shorter side of off when there is room on that side: nothing moves at
 * all for a push at either end with room there. Returns n (maybe moved). */
static ql_node *node_open(qlist *ql, ql_node *n, uint32_t off, uint32_t size)
{
    int front = (size_t)off * 2 < n->bytes; /* fewer bytes before off than after */

    /* Out of room: a node without head room grows at its tail as before,
     * unless the insert is at its head. */
    if (n->start < size && (size_t)n->cap - n->start - n->bytes < size)
        n = node_room(ql, n, off == 0 || (front && n->start > 0) ? QL_HEAD : QL_TAIL, size, 0);
    if (n->start >= size && (front || (size_t)n->cap - n->start - n->bytes < size)) {
        memmove(ENTS(n) - size, ENTS(n), off);
        n->start -= size;
    } else {
        memmove(ENTS(n) + off + size, ENTS(n) + off, n->bytes - off);
    }
    n->bytes += size;
    return n;
}

/* Closes the size bytes at offset off of n, moving the shorter side. */
static void node_close(ql_node *n, uint32_t off, uint32_t size)
{
    uint32_t after = n->bytes - off - size;
    if (off < after) {
        memmove(ENTS(n) + size, ENTS(n), off);
        n->start += size;
    } else {
        memmove(ENTS(n) + off, ENTS(n) + off + size, after);
    }
    n->bytes -= size;
}

static void enc_write(unsigned char *p, const enc *e)
{
    memcpy(p, e->head, e->hlen);
    p += e->hlen;
    if (e->slen)
        memcpy(p, e->str, e->slen);
    p += e->slen;
    memcpy(p, e->back, e->blen);
}

/* Inserts e at off in n; returns n (maybe moved). */
static ql_node *node_insert(qlist *ql, ql_node *n, uint32_t off, const enc *e)
{
    n = node_open(ql, n, off, e->total);
    enc_write(ENTS(n) + off, e);
    n->count++;
    return n;
}

static void node_remove_at(ql_node *n, uint32_t off, uint32_t size)
{
    node_close(n, off, size);
    n->count--;
}

/* Appends b's entries to *a and frees b (b == (*a)->next) when the result
 * respects the fill; returns 1 when merged (*a may have moved). */
static int node_merge(qlist *ql, ql_node **a, ql_node *b)
{
    ql_node *n = *a;
    size_t total;

    if (!n || !b || !node_fits((size_t)n->bytes + b->bytes, (size_t)n->count + b->count))
        return 0;
    total = (size_t)n->bytes + b->bytes;
    /* The merged node takes exactly its entries, at offset 0, unless they
     * fit where they are without passing the budget. */
    if ((size_t)n->start + total > n->cap || (size_t)n->start + total > node_budget()) {
        if (total <= n->cap)
            node_move(n, 0);
        else
            n = node_relayout(ql, n, total, 0, 0);
    }
    memcpy(ENTS(n) + n->bytes, ENTS(b), b->bytes);
    n->bytes += b->bytes;
    n->count += b->count;
    unlink_free(ql, b);
    *a = n;
    return 1;
}

/* Moves the entries of n from off on into a new node linked after n;
 * returns the new node. */
static ql_node *node_split(qlist *ql, ql_node *n, uint32_t off)
{
    uint32_t moved = 0, size = n->bytes - off;
    ql_node *r = node_new(size);

    for (uint32_t o = off; o < n->bytes; o += entry_size(ENTS(n) + o))
        moved++;
    memcpy(r->data, ENTS(n) + off, size);
    r->bytes = size;
    r->count = moved;
    n->bytes = off;
    n->count -= moved;
    link_after(ql, n, r);
    return r;
}

/* Inserts e at offset off (an entry boundary) of n, splitting n or using a
 * neighbour when n is full. */
static void insert_at(qlist *ql, ql_node *n, uint32_t off, const enc *e)
{
    ql_node *nn;

    ql->count++;
    if (node_fits((size_t)n->bytes + e->total, (size_t)n->count + 1)) {
        node_insert(ql, n, off, e);
        return;
    }
    if (off == 0 && n->prev &&
        node_fits((size_t)n->prev->bytes + e->total, (size_t)n->prev->count + 1)) {
        node_insert(ql, n->prev, n->prev->bytes, e);
        return;
    }
    if (off == n->bytes && n->next &&
        node_fits((size_t)n->next->bytes + e->total, (size_t)n->next->count + 1)) {
        node_insert(ql, n->next, 0, e);
        return;
    }
    if (off == 0 || off == n->bytes) {
        nn = node_new(e->total);
        if (off == 0)
            link_before(ql, n, nn);
        else
            link_after(ql, n, nn);
        node_insert(ql, nn, 0, e);
        return;
    }
    /* In the middle of a full node: split it, then put e at the end of the
     * left half, the start of the right half, or in a node between them. */
    nn = node_split(ql, n, off);
    if (node_fits((size_t)n->bytes + e->total, (size_t)n->count + 1)) {
        n = node_insert(ql, n, n->bytes, e);
    } else if (node_fits((size_t)nn->bytes + e->total, (size_t)nn->count + 1)) {
        nn = node_insert(ql, nn, 0, e);
    } else {
        ql_node *mid = node_new(e->total);
        link_after(ql, n, mid);
        node_insert(ql, mid, 0, e);
    }
    n = node_shrink(ql, n);
    if (n->prev) {
        ql_node *p = n->prev;
        node_merge(ql, &p, n);
    }
    node_merge(ql, &nn, nn->next);
}

/* Finds element index (negative from the tail); 0 when out of range. */
static int locate(const qlist *ql, long index, ql_node **np, uint32_t *offp)
{
    size_t i;
    ql_node *n;

    if (index < 0) {
        if ((unsigned long)(-(index + 1)) >= ql->count)
            return 0;
        i = ql->count - (size_t)(-(index + 1)) - 1;
    } else {
        if ((size_t)index >= ql->count)
            return 0;
        i = (size_t)index;
    }
    if (i < ql->count / 2) {
        n = ql->head;
        while (i >= n->count) {
            i -= n->count;
            n = n->next;
        }
    } else {
        size_t r = ql->count - 1 - i;
        n = ql->tail;
        while (r >= n->count) {
            r -= n->count;
            n = n->prev;
        }
        i = n->count - 1 - r;
    }
    *np = n;
    *offp = node_offset_of(n, (uint32_t)i);
    return 1;
}

/* ---------------------------------------------------------------------------
 * Lists
 * ------------------------------------------------------------------------- */

qlist *ql_create(void)
{
    qlist *ql = A.alloc(sizeof *ql);
    ql->head = ql->tail = NULL;
    ql->count = ql->nodes = 0;
    return ql;
}

void ql_free(qlist *ql)
{
    ql_node *n = ql->head;
    while (n) {
        ql_node *next = n->next;
        A.free(n);
        n = next;
    }
    A.free(ql);
}

qlist *ql_dup(const qlist *ql)
{
    qlist *c = ql_create();
    for (const ql_node *n = ql->head; n; n = n->next) {
        ql_node *d = node_new(n->bytes);
        memcpy(d->data, ENTS(n), n->bytes);
        d->bytes = n->bytes;
        d->count = n->count;
        link_after(c, c->tail, d);
    }
    c->count = ql->count;
    return c;
}

size_t ql_mem_usage(const qlist *ql)
{
    size_t sz = A.usable ? A.usable(ql) : sizeof *ql;
    for (const ql_node *n = ql->head; n; n = n->next)
        sz += NODE_HDR + n->cap;
    return sz;
}

void ql_push(qlist *ql, int where, const void *p, size_t len)
{
    enc e;
    ql_node *n;

    enc_make(&e, p, len);
    n = where == QL_HEAD ? ql->head : ql->tail;
    if (!n || !node_fits((size_t)n->bytes + e.total, (size_t)n->count + 1))
        n = NULL;
    else if (where == QL_HEAD ? n->start < e.total : n->cap - n->start - n->bytes < e.total)
        n = node_room(ql, n, where, e.total, 1);
    if (!n) {
        n = node_new(e.total);
        if (where == QL_HEAD) {
            /* Written at the end of the allocation: the allocator's rounding
             * becomes head room for the next push. */
            size_t budget = node_budget();
            n->start = n->cap;
            if (n->cap > budget && e.total <= budget)
                n->start = (uint32_t)budget;
            link_after(ql, NULL, n);
        } else {
            link_after(ql, ql->tail, n);
        }
    }
    /* There is room at that end now: write there, nothing moves. */
    if (where == QL_HEAD) {
        n->start -= e.total;
        enc_write(ENTS(n), &e);
    } else {
        enc_write(ENTS(n) + n->bytes, &e);
    }
    n->bytes += e.total;
    n->count++;
    ql->count++;
}

int ql_peek(const qlist *ql, int where, ql_elem *out)
{
    const ql_node *n = where == QL_HEAD ? ql->head : ql->tail;
    if (!n)
        return 0;
    entry_decode(ENTS(n) + (where == QL_HEAD ? 0 : last_off(n)), out);
    return 1;
}

void ql_trim(qlist *ql, int where, size_t k)
{
    if (k >= ql->count) {
        while (ql->head)
            unlink_free(ql, ql->head);
        ql->count = 0;
        return;
    }
    while (k > 0) {
        ql_node *n = where == QL_HEAD ? ql->head : ql->tail;
        if (n->count <= k) {
            k -= n->count;
            ql->count -= n->count;
            unlink_free(ql, n);
            continue;
        }
        if (where == QL_HEAD) {
            /* The popped entries become head room: nothing moves. */
            uint32_t off = node_offset_of(n, (uint32_t)k);
            n->start += off;
            n->bytes -= off;
        } else {
            n->bytes = node_offset_of(n, n->count - (uint32_t)k);
        }
        n->count -= (uint32_t)k;
        ql->count -= k;
        node_shrink(ql, n);
        k = 0;
    }
}

int ql_index(const qlist *ql, long index, ql_elem *out)
{
    ql_node *n;
    uint32_t off;
    if (!locate(ql, index, &n, &off))
        return 0;
    entry_decode(ENTS(n) + off, out);
    return 1;
}

int ql_replace(qlist *ql, long index, const void *p, size_t len)
{
    ql_node *n;
    uint32_t off, old;
    enc e;

    if (!locate(ql, index, &n, &off))
        return 0;
    enc_make(&e, p, len);
    old = entry_size(ENTS(n) + off);
    if (node_fits((size_t)n->bytes - old + e.total, n->count)) {
        /* Resize the old entry's bytes in place (moving the shorter side),
         * then write over them. */
        if (e.total > old)
            n = node_open(ql, n, off + old, e.total - old);
        else if (e.total < old)
            node_close(n, off + e.total, old - e.total);
        enc_write(ENTS(n) + off, &e);
    } else {
        node_remove_at(n, off, old);
        ql->count--;
        insert_at(ql, n, off, &e);
    }
    return 1;
}

void ql_iter_init(qlist *ql, ql_iter *it, long index, int dir)
{
    it->ql = ql;
    it->dir = dir;
    it->cur_node = NULL;
    it->cur_off = 0;
    if (!locate(ql, index, &it->node, &it->off))
        it->node = NULL;
}

int ql_iter_next(ql_iter *it, ql_elem *out)
{
    ql_node *n = it->node;
    uint32_t off = it->off, l;

    if (!n)
        return 0;
    l = entry_decode(ENTS(n) + off, out);
    it->cur_node = n;
    it->cur_off = off;
    if (it->dir == QL_TAIL) {
        off += l + backlen_size(l);
        if (off >= n->bytes) {
            it->node = n->next;
            it->off = 0;
        } else {
            it->off = off;
        }
    } else if (off == 0) {
        it->node = n->prev;
        it->off = it->node ? last_off(it->node) : 0;
    } else {
        it->off = prev_off(n, off);
    }
    return 1;
}

void ql_iter_delete(ql_iter *it)
{
    ql_node *n = it->cur_node;
    uint32_t off = it->cur_off;

    QL_ASSERT(n != NULL);
    node_remove_at(n, off, entry_size(ENTS(n) + off));
    it->ql->count--;
    if (it->dir == QL_TAIL && it->node == n)
        it->off = off;
    if (n->count == 0)
        unlink_free(it->ql, n);
    it->cur_node = NULL;
}

void ql_iter_insert(ql_iter *it, int where, const void *p, size_t len)
{
    ql_node *n = it->cur_node;
    uint32_t off = it->cur_off;
    enc e;

    QL_ASSERT(n != NULL);
    enc_make(&e, p, len);
    if (where == QL_TAIL)
        off += entry_size(ENTS(n) + off);
    insert_at(it->ql, n, off, &e);
    it->node = it->cur_node = NULL;
}

void ql_compact(qlist *ql)
{
    ql_node *n = ql->head;
    while (n && n->next) {
        if (!node_merge(ql, &n, n->next)) /* when merged, try the new neighbour too */
            n = node_shrink(ql, n)->next;
    }
    if (n)
        node_shrink(ql, n);
}

/* ---------------------------------------------------------------------------
 * Diagnostics
 * ------------------------------------------------------------------------- */

int ql_check(const qlist *ql)
{
    size_t total = 0, nodes = 0;
    const ql_node *prev = NULL;
    /* Head room never grows a node of several entries past its fill's size;
     * an eighth more is the allocator's rounding (glibc adds a few bytes,
     * jemalloc's classes at these sizes are the limits themselves). */
    size_t limit = NODE_HDR + node_budget();
    limit += limit / 8;

    for (const ql_node *n = ql->head; n; prev = n, n = n->next) {
        uint32_t off = 0, cnt = 0;
        if (n->prev != prev)
            return -1;
        if (n->count == 0)
            return -2;
        if ((size_t)n->start + n->bytes > n->cap)
            return -3;
        while (off < n->bytes) {
            uint32_t l = entry_decode(ENTS(n) + off, NULL), bl;
            uint32_t sz = l + backlen_size(l);
            if (backlen_read(ENTS(n) + off + sz, &bl) != l || bl != backlen_size(l))
                return -4;
            off += sz;
            cnt++;
        }
        if (off != n->bytes || cnt != n->count)
            return -5;
        if (!node_fits(n->bytes, n->count))
            return -6;
        if (n->count > 1 && NODE_HDR + n->cap > limit)
            return -9;
        total += n->count;
        nodes++;
    }
    if (prev != ql->tail)
        return -7;
    if (total != ql->count || nodes != ql->nodes)
        return -8;
    return 0;
}

long ql_node_count(const qlist *ql, size_t i)
{
    const ql_node *n = ql->head;
    while (n && i--)
        n = n->next;
    return n ? (long)n->count : -1;
}
