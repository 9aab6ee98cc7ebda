/* resp.h: the incremental RESP request parser (multibulk and inline), with no I/O. */
#ifndef MODIS_RESP_H
#define MODIS_RESP_H

#include <stddef.h>

#include "modis/module.h"

/* Parser results besides "bytes consumed" (picohttpparser's convention). */
#define RESP_PARTIAL (-2)
#define RESP_ERROR (-1)

/* Room for the one formatted error ("... expected '$', got 'x'"). */
#define RESP_ERRBUF_LEN 64

typedef struct resp_parser {
    /* limits, set by the caller before use (resp_parser_init sets Redis 7.0's defaults) */
    long long max_bulk_len;  /* proto-max-bulk-len, default 512 MB; LLONG_MAX for a master */
    long long max_multibulk; /* element count, default INT_MAX as in Redis 7.0 */
    size_t max_inline;       /* PROTO_INLINE_MAX_SIZE, default 64 KB */
    /* result of the last successful parse */
    modis_str *argv; /* grown by the parser as needed, owned by the parser */
    int argc;
    int argv_cap;
    /* on RESP_PARTIAL: the minimum total input length that could end the partial state
       (complete the request or fail it), 0 if unknown (e.g. the header line itself is not
       complete); lets the caller skip re-parsing until that many bytes are buffered */
    size_t need;
    /* on RESP_ERROR: static text of Redis's reply without '-' and CRLF,
       e.g. "ERR Protocol error: invalid multibulk length"; may point into errbuf */
    const char *err;
    /* scratch space for inline arguments that need unescaping (owned by the parser) */
    char *scratch;
    size_t scratch_cap;
    /* opt-in: set to 1 when this parser serves one input stream and, after RESP_PARTIAL,
       the next call always passes the same request again (the same bytes, possibly moved,
       with more appended). A multibulk request then continues from the last complete
       element instead of being re-scanned from its start. 0 (the default): every call
       parses buf from scratch. */
    int resume;
    /* internal: progress through a partial multibulk request (st_pos 0: none) */
    size_t st_pos;     /* offset of the first element not yet read */
    long long st_left; /* elements still to read */
    int st_argc;       /* elements read (argv holds their offsets) */
    char errbuf[RESP_ERRBUF_LEN];
} resp_parser;

/* Redis's string2ll(): strict decimal, an optional '-', no '+', no leading
 * zeros except "0", no spaces, no "-0", no overflow. Returns 1 and sets *out,
 * or 0. */
int resp_string2ll(const char *s, size_t n, long long *out);

/* Initialises p (caller-allocated) with Redis's default limits and no buffers. */
void resp_parser_init(resp_parser *p);

/* Frees the buffers p owns; p itself stays the caller's. */
void resp_parser_deinit(resp_parser *p);

/* Parses one request at buf[0..len) (borrowed, need not be NUL-terminated) the way Redis
   7.0's processMultibulkBuffer / processInlineBuffer do. A request starting with '*' is
   multibulk, anything else is an inline line.
   Returns:
   - the number of bytes consumed (> 0), with p->argv / p->argc set. argc may be 0 (an
     empty inline line, "*0\r\n", "*-1\r\n"): the caller skips the request. For multibulk
     requests argv points into buf (zero copy); for inline ones into buf or p->scratch.
     Valid until the next call or until buf changes.
   - RESP_PARTIAL: more bytes are needed; p->need is a hint (see above). argc is 0.
   - RESP_ERROR: p->err is the reply text. The caller replies and closes the connection
     (Redis sets CLIENT_CLOSE_AFTER_REPLY); the bytes are not consumed.
   For pipelining the caller calls again on the remaining bytes. */
long resp_parse(resp_parser *p, const char *buf, size_t len);

#endif
