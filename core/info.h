/* info.h: the INFO sections and the server's statistics. */
#ifndef MODIS_INFO_H
#define MODIS_INFO_H

#include <stddef.h>

/* Writes one INFO section ("server", "clients", ...) with its "# Title" line
 * into buf; returns the length it needs (as snprintf). Unknown: 0. */
size_t info_section(const char *section, char *buf, size_t cap);
/* CONFIG RESETSTAT. */
void info_reset_stats(void);
/* Samples ops/sec (from the cron). */
void info_track_ops(void);
/* Frees the error statistics (at exit: the table keeps its entries in packed
 * pointers a leak checker cannot see, so they must be freed, not just held). */
void info_deinit(void);

#endif
