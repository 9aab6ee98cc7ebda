/* slowlog.h: the slow log: commands that ran longer than slowlog-log-slower-than. */
#ifndef MODIS_SLOWLOG_H
#define MODIS_SLOWLOG_H

#include "server.h"

void slowlog_maybe_add(client *c, const modis_str *argv, int argc, long long duration_us,
                       uint64_t redacted);
void slowlog_reset(void);
/* Trims to slowlog-max-len (after CONFIG SET). */
void slowlog_trim(void);
/* Replies SLOWLOG GET [count] (count -1 = all). */
void slowlog_reply(client *c, long count);
long slowlog_length(void);

#endif
