/* slab.h: keyspace entries in 8-byte size steps (jemalloc's small classes step by 16). */
#ifndef MODIS_SLAB_H
#define MODIS_SLAB_H

#include <stddef.h>

/*
 * jemalloc as Debian builds it rounds small requests to 16-byte steps (32, 48,
 * 64, ...): a 33-byte entry takes 48. Redis builds its own jemalloc with
 * 8-byte steps for that reason. Entries whose 8-byte rounding falls between
 * two jemalloc classes (24, 40, 56, ... 120 bytes) come from here instead:
 * 64 KB pages of equal cells, one page list per size. Everything else goes to
 * zmalloc. The caller passes the same size to slab_free as to slab_alloc.
 */
void *slab_alloc(size_t size);
void slab_free(void *p, size_t size);
/* Bytes reserved for an allocation of size (the cell or jemalloc class). */
size_t slab_size(size_t size);
/* Pages held and cells in use, for INFO and tests. */
size_t slab_pages(void);
size_t slab_cells_used(void);

#endif
