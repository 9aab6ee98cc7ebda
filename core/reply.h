/* reply.h: building RESP2/RESP3 replies into a client's output buffer. */
#ifndef MODIS_REPLY_H
#define MODIS_REPLY_H

#include "server.h"

/* Appends raw protocol bytes (copied) and schedules the client for writing. */
void reply_add(client *c, const void *p, size_t len);
/* "<prefix><n>\r\n", e.g. '*' 3, '$' 5, ':' 42. */
void reply_header(client *c, char prefix, long long n);
void reply_bulk(client *c, const void *p, size_t len);
void reply_cstr(client *c, const char *s);
void reply_int(client *c, long long n);
void reply_simple(client *c, const char *s);
/* An error reply; err has no '-' and no CRLF and starts with its code.
 * Newlines inside are replaced by spaces as Redis does. Counted in errorstats. */
void reply_error_len(client *c, const char *err, size_t len);
void reply_error(client *c, const char *err);
void reply_errorf(client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void reply_null(client *c);
void reply_null_array(client *c);
void reply_array(client *c, long n);
void reply_map(client *c, long n);
void reply_set(client *c, long n);
void reply_push(client *c, long n);
void reply_double(client *c, double d);
void reply_bool(client *c, int b);
void reply_verbatim(client *c, const char *fmt3, const void *p, size_t len);
void reply_bignum(client *c, const char *p, size_t len);
/* Postponed aggregate length: reply_defer returns a handle for an aggregate of
 * kind '*', '%' (map: n pairs), '~' or '>', filled later by reply_set_deferred
 * (downgraded to RESP2 when the client speaks RESP2). */
void *reply_defer(client *c, char kind);
void reply_set_deferred(client *c, void *handle, long n);
/* Formats n in decimal into buf (at least 21 bytes); returns the length. */
int reply_ll2str(char *buf, long long n);
/* Frees all pending output. */
void reply_free_all(client *c);
/* True when the client has output waiting. */
int reply_pending(const client *c);

#endif
