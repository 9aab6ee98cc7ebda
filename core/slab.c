/* slab.c: keyspace entries in 8-byte size steps: 64 KB pages of equal cells. */
#include "slab.h"

#include <stdint.h>
#include <stdlib.h>

#include "alloc.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define CELL_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define CELL_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define CELL_POISON(p, n) ((void)(p), (void)(n))
#define CELL_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define PAGE_SIZE (64u * 1024u)
#define PAGE_HDR 64u
/* Cell sizes served: 24, 40, 56, 72, 88, 104, 120 (class i = 24 + 16 i). */
#define NCLASSES 7
#define MAX_CELL 120u

typedef struct page {
    struct page *next, *prev; /* the class's list of pages with a free cell */
    void *free;               /* freed cells, linked through their first bytes */
    uint32_t used;            /* cells handed out */
    uint32_t bump;            /* cells never handed out start here */
    uint32_t ncells;
    uint32_t cell;
    int listed;
} page;

_Static_assert(sizeof(page) <= PAGE_HDR, "the page header fits before the first cell");

static page *partial[NCLASSES];
static size_t npages, ncells_used;

/* The class of a size, or -1 when zmalloc rounds it as tightly. */
static inline int class_of(size_t size)
{
    if (size <= 16 || size > MAX_CELL)
        return -1;
    size_t r8 = (size + 7) & ~(size_t)7;
    if ((r8 & 15) == 0)
        return -1; /* 32, 48, ...: a jemalloc class already */
    return (int)((r8 - 24) / 16);
}

static void list_push(int c, page *p)
{
    p->prev = NULL;
    p->next = partial[c];
    if (partial[c])
        partial[c]->prev = p;
    partial[c] = p;
    p->listed = 1;
}

static void list_unlink(int c, page *p)
{
    if (p->prev)
        p->prev->next = p->next;
    else
        partial[c] = p->next;
    if (p->next)
        p->next->prev = p->prev;
    p->next = p->prev = NULL;
    p->listed = 0;
}

static page *page_new(int c)
{
    page *p = zaligned_alloc(PAGE_SIZE, PAGE_SIZE);
    p->free = NULL;
    p->used = p->bump = 0;
    p->cell = 24u + 16u * (uint32_t)c;
    p->ncells = (PAGE_SIZE - PAGE_HDR) / p->cell;
    CELL_POISON((char *)p + PAGE_HDR, PAGE_SIZE - PAGE_HDR);
    list_push(c, p);
    npages++;
    return p;
}

void *slab_alloc(size_t size)
{
    int c = class_of(size);
    if (c < 0)
        return zmalloc(size);
    page *p = partial[c] ? partial[c] : page_new(c);
    char *cell;
    if (p->free) {
        cell = p->free;
        CELL_UNPOISON(cell, p->cell);
        void *next;
        __builtin_memcpy(&next, cell, sizeof next);
        p->free = next;
    } else {
        cell = (char *)p + PAGE_HDR + (size_t)p->bump * p->cell;
        CELL_UNPOISON(cell, p->cell);
        p->bump++;
    }
    if (++p->used == p->ncells)
        list_unlink(c, p);
    ncells_used++;
    return cell;
}

void slab_free(void *ptr, size_t size)
{
    int c = class_of(size);
    if (c < 0) {
        zfree(ptr);
        return;
    }
    page *p = (page *)((uintptr_t)ptr & ~(uintptr_t)(PAGE_SIZE - 1));
    __builtin_memcpy(ptr, &p->free, sizeof p->free);
    p->free = ptr;
    CELL_POISON(ptr, p->cell);
    ncells_used--;
    if (!p->listed)
        list_push(c, p);
    /* An empty page goes back unless it is the class's only one (a key
     * created and deleted in a loop would otherwise map and unmap a page). */
    if (--p->used == 0 && (p->prev || p->next)) {
        list_unlink(c, p);
        CELL_UNPOISON((char *)p + PAGE_HDR, PAGE_SIZE - PAGE_HDR);
        zfree(p);
        npages--;
    }
}

size_t slab_size(size_t size)
{
    int c = class_of(size);
    return c < 0 ? size : 24u + 16u * (size_t)c;
}

size_t slab_pages(void)
{
    return npages;
}

size_t slab_cells_used(void)
{
    return ncells_used;
}
