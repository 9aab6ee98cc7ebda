/* alloc.h: the core allocator (jemalloc when built with it, libc otherwise). */
#ifndef MODIS_ALLOC_H
#define MODIS_ALLOC_H

#include <stddef.h>

/* Allocation failure aborts with a message: callers never check for NULL. */
void *zmalloc(size_t size);
void *zcalloc(size_t size);
void *zrealloc(void *ptr, size_t size);
void zfree(void *ptr);
/* align is a power of two; size a multiple of it. Freed with zfree. */
void *zaligned_alloc(size_t align, size_t size);
/* Large zeroed blocks straight from the kernel: page-aligned, untouched
 * pages cost nothing, and zunmap (given the same size) returns them to the
 * system at once instead of after the allocator's decay. */
void *zmap(size_t size);
void zunmap(void *ptr, size_t size);
char *zstrdup(const char *s);
char *zstrndup(const char *s, size_t len);
/* Bytes actually reserved for ptr (>= the size asked for). */
size_t zusable(const void *ptr);
/* Bytes currently allocated through this allocator (INFO used_memory). */
size_t zused_memory(void);
/* Resident set size of the process, from /proc/self/statm. */
size_t zrss(void);
/* Name of the allocator, for INFO mem_allocator. */
const char *zallocator_name(void);

#endif
