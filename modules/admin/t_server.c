/* t_server.c: server commands: FLUSHALL, FLUSHDB, DBSIZE. */
#include "admin.h"

#include <stdio.h>
#include <string.h>

/* Parses the optional ASYNC|SYNC argument; replies the error and returns -1. */
static int flush_mode(modis_ctx *ctx, const modis_str *argv, int argc)
{
    if (argc == 1)
        return 0;
    if (argc == 2 && (admin_arg_is(&argv[1], "ASYNC") || admin_arg_is(&argv[1], "SYNC")))
        return 0;
    M->reply_error(ctx, MODIS_ERR_SYNTAX);
    return -1;
}

/* FLUSHALL [ASYNC|SYNC] */
static void cmd_flushall(modis_ctx *ctx, const modis_str *argv, int argc)
{
    if (flush_mode(ctx, argv, argc) < 0)
        return;
    M->flush(ctx, NULL);
    M->propagate_verbatim(ctx);
    M->reply_ok(ctx);
}

/* FLUSHDB [ASYNC|SYNC] */
static void cmd_flushdb(modis_ctx *ctx, const modis_str *argv, int argc)
{
    if (flush_mode(ctx, argv, argc) < 0)
        return;
    M->flush(ctx, M->db(ctx));
    M->propagate_verbatim(ctx);
    M->reply_ok(ctx);
}

/* DBSIZE */
static void cmd_dbsize(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    M->reply_int(ctx, M->db_size(M->db(ctx)));
}

static const modis_arg flush_mode_args[] = {
    {.name = "async", .type = MODIS_ARG_PURE_TOKEN, .token = "ASYNC", .since = "4.0.0"},
    {.name = "sync", .type = MODIS_ARG_PURE_TOKEN, .token = "SYNC", .since = "6.2.0"},
    {0}};
static const modis_arg flush_args[] = {
    {.name = "flush-type", .type = MODIS_ARG_ONEOF, .flags = MODIS_ARG_OPTIONAL,
     .subargs = flush_mode_args},
    {0}};
static const modis_history flushall_history[] = {
    {"4.0.0", "Added the `ASYNC` flushing mode modifier."},
    {"6.2.0", "Added the `SYNC` flushing mode modifier."},
    {0}};

const modis_command admin_server_commands[] = {
    {.name = "flushall", .handler = cmd_flushall, .arity = -1, .flags = "write",
     .acl_categories = "keyspace dangerous",
     .summary = "Deletes every key of every database.", .since = "1.0.0", .group = "server",
     .complexity = "O(N) where N is the total number of keys in all databases",
     .history = flushall_history,
     .tips = "request_policy:all_shards response_policy:all_succeeded", .args = flush_args},
    {.name = "flushdb", .handler = cmd_flushdb, .arity = -1, .flags = "write",
     .acl_categories = "keyspace dangerous",
     .summary = "Deletes every key of the selected database.", .since = "1.0.0",
     .group = "server", .complexity = "O(N) where N is the number of keys in the selected database",
     .history = flushall_history,
     .tips = "request_policy:all_shards response_policy:all_succeeded", .args = flush_args},
    {.name = "dbsize", .handler = cmd_dbsize, .arity = 1, .flags = "readonly fast",
     .acl_categories = "keyspace",
     .summary = "Counts the keys of the selected database.", .since = "1.0.0",
     .group = "server", .complexity = "O(1)",
     .tips = "request_policy:all_shards response_policy:agg_sum", .args = NULL},
    {0}};
