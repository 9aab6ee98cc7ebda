/* slowlog.c: the slow log, a ring of the newest slow commands (Redis's SLOWLOG format). */
#include "slowlog.h"

#include "alloc.h"
#include "reply.h"

#include <stdio.h>
#include <string.h>

#define SLOWLOG_MAX_ARGC 32
#define SLOWLOG_MAX_ARGLEN 128

/* Newest first: a simple array kept in order; slowlog-max-len is small. */
static void entry_free(slowlog_entry *e)
{
    for (int i = 0; i < e->argc; i++)
        zfree((void *)e->argv[i].ptr);
    zfree(e->argv);
    zfree(e->peer);
    zfree(e->cname);
}

void slowlog_add(client *c, const modis_str *argv, int argc, long long dur, uint64_t redacted)
{
    slowlog_entry e = {0};
    e.id = server.slowlog_next_id++;
    e.time = ev_mstime() / 1000;
    e.duration = dur;
    int n = argc > SLOWLOG_MAX_ARGC ? SLOWLOG_MAX_ARGC : argc;
    e.argc = n;
    e.argv = zmalloc(sizeof(modis_str) * (size_t)n);
    for (int i = 0; i < n; i++) {
        char buf[SLOWLOG_MAX_ARGLEN + 64];
        size_t len;
        if (i < 64 && (redacted & (1ULL << i))) {
            len = (size_t)snprintf(buf, sizeof buf, "(redacted)");
        } else if (i == n - 1 && argc > n) {
            len = (size_t)snprintf(buf, sizeof buf, "... (%d more arguments)", argc - n + 1);
        } else if (argv[i].len > SLOWLOG_MAX_ARGLEN) {
            memcpy(buf, argv[i].ptr, SLOWLOG_MAX_ARGLEN);
            len = SLOWLOG_MAX_ARGLEN +
                  (size_t)snprintf(buf + SLOWLOG_MAX_ARGLEN, 64, "... (%zu more bytes)",
                                   argv[i].len - SLOWLOG_MAX_ARGLEN);
        } else {
            memcpy(buf, argv[i].ptr, argv[i].len);
            len = argv[i].len;
        }
        e.argv[i].ptr = zstrndup(buf, len);
        e.argv[i].len = len;
    }
    e.peer = zstrdup(c->addr);
    e.cname = zstrdup(c->name ? c->name : "");
    if (server.slowlog_len == server.cfg.slowlog_max_len) {
        entry_free(&server.slowlog[server.slowlog_len - 1]);
        server.slowlog_len--;
    }
    server.slowlog = zrealloc(server.slowlog, sizeof(slowlog_entry) * (size_t)(server.slowlog_len + 1));
    memmove(&server.slowlog[1], &server.slowlog[0], sizeof(slowlog_entry) * (size_t)server.slowlog_len);
    server.slowlog[0] = e;
    server.slowlog_len++;
}

void slowlog_trim(void)
{
    while (server.slowlog_len > server.cfg.slowlog_max_len && server.slowlog_len > 0)
        entry_free(&server.slowlog[--server.slowlog_len]);
}

void slowlog_reset(void)
{
    while (server.slowlog_len > 0)
        entry_free(&server.slowlog[--server.slowlog_len]);
}

long slowlog_length(void)
{
    return server.slowlog_len;
}

void slowlog_reply(client *c, long count)
{
    if (count < 0 || count > server.slowlog_len)
        count = server.slowlog_len;
    reply_array(c, count);
    for (long i = 0; i < count; i++) {
        slowlog_entry *e = &server.slowlog[i];
        reply_array(c, 6);
        reply_int(c, e->id);
        reply_int(c, e->time);
        reply_int(c, e->duration);
        reply_array(c, e->argc);
        for (int j = 0; j < e->argc; j++)
            reply_bulk(c, e->argv[j].ptr, e->argv[j].len);
        reply_cstr(c, e->peer);
        reply_cstr(c, e->cname);
    }
}
