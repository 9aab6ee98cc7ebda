/* alloc.c: the core allocator: jemalloc (MODIS_JEMALLOC) or libc, abort on failure. */
#include "alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef MODIS_JEMALLOC
#include <jemalloc/jemalloc.h>
#define usable_size(p) malloc_usable_size((void *)(p))
/* Freed pages go back to the system after a second rather than ten, so a
 * finished rehash (the old bucket array) does not linger in RSS. */
__attribute__((visibility("default"))) const char *malloc_conf =
    "dirty_decay_ms:1000,muzzy_decay_ms:0";
#else
#include <malloc.h>
#define usable_size(p) malloc_usable_size((void *)(p))
#endif

#include <stdatomic.h>

/* With jemalloc, used memory comes from its own statistics, so the hot path
 * does not ask every allocation's size; with libc we count. */
#ifdef MODIS_JEMALLOC
#define COUNT_ADD(p) ((void)0)
#define COUNT_SUB(p) ((void)0)
#else
static _Atomic size_t used_bytes;
#define COUNT_ADD(p) (used_bytes += usable_size(p))
#define COUNT_SUB(p) (used_bytes -= usable_size(p))
#endif

static void oom(size_t size)
{
    fprintf(stderr, "modis: out of memory allocating %zu bytes\n", size);
    fflush(stderr);
    abort();
}

void *zmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        oom(size);
    COUNT_ADD(p);
    return p;
}

void *zcalloc(size_t size)
{
    void *p = calloc(1, size ? size : 1);
    if (!p)
        oom(size);
    COUNT_ADD(p);
    return p;
}

void *zaligned_alloc(size_t align, size_t size)
{
    void *p = NULL;
    if (posix_memalign(&p, align, size) != 0 || !p)
        oom(size);
    COUNT_ADD(p);
    return p;
}

void *zrealloc(void *ptr, size_t size)
{
    if (!ptr)
        return zmalloc(size);
    COUNT_SUB(ptr);
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        oom(size);
    COUNT_ADD(p);
    return p;
}

void zfree(void *ptr)
{
    if (!ptr)
        return;
    COUNT_SUB(ptr);
    free(ptr);
}

/* Bytes of zmap blocks: not in the allocator's statistics, added to them. */
static _Atomic size_t mapped_bytes;

void *zmap(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        oom(size);
    mapped_bytes += size;
    return p;
}

void zunmap(void *ptr, size_t size)
{
    if (!ptr)
        return;
    munmap(ptr, size);
    mapped_bytes -= size;
}

char *zstrndup(const char *s, size_t len)
{
    char *p = zmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *zstrdup(const char *s)
{
    return zstrndup(s, strlen(s));
}

size_t zusable(const void *ptr)
{
    return ptr ? usable_size(ptr) : 0;
}

/* With jemalloc: the calling thread's running totals of bytes allocated and
 * freed, which jemalloc keeps anyway; reading them costs two loads, so the
 * maxmemory check before every command is free. The server allocates from
 * one thread, so they are its whole heap. Where the totals are not offered,
 * jemalloc's global statistics (an epoch refresh, some microseconds). */
size_t zused_memory(void)
{
#ifdef MODIS_JEMALLOC
    static uint64_t *t_alloc, *t_dealloc;
    static int tried;
    if (!tried) {
        tried = 1;
        size_t sz = sizeof t_alloc;
        if (mallctl("thread.allocatedp", &t_alloc, &sz, NULL, 0) != 0 ||
            mallctl("thread.deallocatedp", &t_dealloc, &sz, NULL, 0) != 0)
            t_alloc = t_dealloc = NULL;
    }
    if (t_alloc)
        return (size_t)(*t_alloc - *t_dealloc) + mapped_bytes;
    uint64_t epoch = 1;
    size_t sz = sizeof epoch;
    mallctl("epoch", &epoch, &sz, &epoch, sz);
    size_t allocated = 0;
    sz = sizeof allocated;
    if (mallctl("stats.allocated", &allocated, &sz, NULL, 0) != 0)
        allocated = 0;
    return allocated + mapped_bytes;
#else
    return used_bytes + mapped_bytes;
#endif
}

size_t zrss(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, rss = 0;
    if (!f)
        return 0;
    if (fscanf(f, "%lu %lu", &size, &rss) != 2)
        rss = 0;
    fclose(f);
    return (size_t)rss * (size_t)sysconf(_SC_PAGESIZE);
}

const char *zallocator_name(void)
{
#ifdef MODIS_JEMALLOC
    return "jemalloc";
#else
    return "libc";
#endif
}
