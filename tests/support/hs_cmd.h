/* hs_cmd.h: running a command in a cmocka test. Include after cmocka.h and
 * harness.h. */
#ifndef MODIS_HS_CMD_H
#define MODIS_HS_CMD_H

#include <stdarg.h>

/* Runs a command and returns its reply (caller frees); no reply (a lost
 * connection) fails the test. */
static inline redisReply *hs_cmd(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    if (!r)
        fail_msg("%s: no reply (%s)", fmt, c->errstr);
    return r;
}

#endif
