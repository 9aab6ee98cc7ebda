/* harness.h: integration-test support: start modis or redis-server on a free port, talk raw RESP. */
#ifndef MODIS_TEST_HARNESS_H
#define MODIS_TEST_HARNESS_H

#include <hiredis/hiredis.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct hserver {
    pid_t pid;
    int port;
    int is_redis;
    char dir[256];     /* a private temporary directory */
    char config[300];  /* modis: the JSON config written there */
    char log[300];     /* the server's log file */
} hserver;

/* A TCP port on 127.0.0.1 that nothing listens on right now. */
int hs_free_port(void);
/* True when a redis-server binary is available for differential tests. */
int hs_have_redis(void);
/* Starts modis ($MODIS_BIN) with a config holding `extra_json` (more top-level
 * members without braces, e.g. "\"requirepass\": \"pw\"", or NULL) and the
 * modules array `modules_json` (NULL: every first-party module). Waits until
 * it answers PING. Returns 0, or -1 (the log is printed). The environment
 * variable MODIS_TEST_IO_URING, when set, becomes the io-uring setting. */
int hs_start_modis(hserver *s, const char *extra_json, const char *modules_json);
/* Starts modis with a config file of the caller's, plus --port; for tests of
 * startup failures: returns the exit status when the server exits within
 * wait_ms, or -1000 when it is still running (then it is stopped). Output
 * goes to s->log. */
int hs_run_modis_config(hserver *s, const char *config_path, int wait_ms);
/* Starts a real redis-server (no persistence) on a free port. */
int hs_start_redis(hserver *s);
/* SIGTERM, then waits; returns the exit status (0 is a clean exit) or -1. */
int hs_stop(hserver *s);
/* Reads the whole log into a malloc'd string. */
char *hs_read_log(const hserver *s);
redisContext *hs_connect(const hserver *s);

/* Raw sockets, for byte-exact checks. */
int hs_raw_connect(int port);
int hs_raw_send(int fd, const void *p, size_t len);
int hs_raw_send_argv(int fd, int argc, char **argv, const size_t *lens);
/* Reads exactly one complete RESP2/RESP3 reply (waits up to timeout_ms);
 * returns a malloc'd copy and its length, or NULL on EOF or timeout. */
char *hs_raw_read_reply(int fd, size_t *len, int timeout_ms);
/* Reads until the peer has been quiet for quiet_ms or closed; sets *closed. */
char *hs_raw_read_all(int fd, size_t *len, int quiet_ms, int *closed);
/* The length of the first complete RESP reply in buf, or -1 when incomplete. */
long hs_reply_len(const char *buf, size_t len);
/* Splits a line as redis-cli does; returns argc or -1 on unbalanced quotes.
 * argv strings and lens are malloc'd; free with hs_free_args. */
int hs_split_args(const char *line, char ***argv, size_t **lens);
void hs_free_args(int argc, char **argv, size_t *lens);
/* A printable rendering of bytes (\r \n \xHH escaped), malloc'd. */
char *hs_escape(const char *p, size_t len);

#endif
