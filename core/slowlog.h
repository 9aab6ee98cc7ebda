/* slowlog.h: the slow log: commands that ran longer than slowlog-log-slower-than. */
#ifndef MODIS_SLOWLOG_H
#define MODIS_SLOWLOG_H

#include "server.h"

/* Logs the command (its arguments, redacted ones replaced) as slow. */
void slowlog_add(client *c, const modis_str *argv, int argc, long long duration_us,
                 uint64_t redacted);
/* slowlog_add when the command took slowlog-log-slower-than or longer; the
 * test is inline, as it runs after every command. */
static inline void slowlog_maybe_add(client *c, const modis_str *argv, int argc,
                                     long long duration_us, uint64_t redacted)
{
    long long thr = server.cfg.slowlog_log_slower_than;
    if (thr >= 0 && duration_us >= thr && server.cfg.slowlog_max_len > 0)
        slowlog_add(c, argv, argc, duration_us, redacted);
}
void slowlog_reset(void);
/* Trims to slowlog-max-len (after CONFIG SET). */
void slowlog_trim(void);
/* Replies SLOWLOG GET [count] (count -1 = all). */
void slowlog_reply(client *c, long count);
long slowlog_length(void);

#endif
