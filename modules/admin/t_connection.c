/* t_connection.c: connection commands: PING, ECHO, HELLO, QUIT, SELECT. */
#include "admin.h"

#include <stdio.h>
#include <string.h>

/* PING [message] */
static void cmd_ping(modis_ctx *ctx, const modis_str *argv, int argc)
{
    if (argc > 2) {
        M->reply_error(ctx, "ERR wrong number of arguments for 'ping' command");
        return;
    }
    if (argc == 1)
        M->reply_simple(ctx, "PONG");
    else
        M->reply_bulk(ctx, argv[1].ptr, argv[1].len);
}

/* ECHO message */
static void cmd_echo(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    M->reply_bulk(ctx, argv[1].ptr, argv[1].len);
}

/* SELECT index */
static void cmd_select(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    long long idx;
    if (admin_parse_ll(&argv[1], &idx) < 0 || idx < -2147483648LL || idx > 2147483647LL) {
        M->reply_error(ctx, MODIS_ERR_NOT_INTEGER);
        return;
    }
    if (M->select_db(ctx, (int)idx) != MODIS_OK) {
        M->reply_error(ctx, MODIS_ERR_DB_INDEX);
        return;
    }
    M->reply_ok(ctx);
}

/* QUIT */
static void cmd_quit(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    M->reply_ok(ctx);
    M->close_after_reply(ctx);
}

/* HELLO [protover [AUTH username password] [SETNAME clientname]] */
static void cmd_hello(modis_ctx *ctx, const modis_str *argv, int argc)
{
    long long ver = 0;
    int next = 1;
    if (argc >= 2) {
        if (admin_parse_ll(&argv[1], &ver) < 0) {
            M->reply_error(ctx, "ERR Protocol version is not an integer or out of range");
            return;
        }
        next = 2;
        if (ver < 2 || ver > 3) {
            M->reply_error(ctx, "NOPROTO unsupported protocol version");
            return;
        }
    }
    const modis_str *user = NULL, *pass = NULL, *name = NULL;
    for (int j = next; j < argc; j++) {
        int more = argc - j - 1;
        if (admin_arg_is(&argv[j], "AUTH") && more >= 2) {
            user = &argv[j + 1];
            pass = &argv[j + 2];
            j += 2;
        } else if (admin_arg_is(&argv[j], "SETNAME") && more >= 1) {
            name = &argv[j + 1];
            j++;
        } else {
            M->reply_errorf(ctx, "ERR Syntax error in HELLO option '%.*s'", (int)argv[j].len,
                            argv[j].ptr);
            return;
        }
    }
    if (user && M->authenticate(ctx, user, pass) != MODIS_OK) {
        M->reply_error(ctx, "WRONGPASS invalid username-password pair or user is disabled.");
        return;
    }
    if (!user && M->auth_required(ctx)) {
        M->reply_error(ctx, "NOAUTH HELLO must be called with the client already authenticated, "
                            "otherwise the HELLO <proto> AUTH <user> <pass> option can be used to "
                            "authenticate the client and select the RESP protocol version at the "
                            "same time");
        return;
    }
    if (name && M->client_set_name(ctx, name) != MODIS_OK) {
        M->reply_error(ctx, "ERR Client names cannot contain spaces, newlines or special characters.");
        return;
    }
    if (ver)
        M->set_resp(ctx, (int)ver);
    M->reply_map(ctx, 7);
    M->reply_cstr(ctx, "server");
    M->reply_cstr(ctx, "redis");
    M->reply_cstr(ctx, "version");
    M->reply_cstr(ctx, M->redis_version);
    M->reply_cstr(ctx, "proto");
    M->reply_int(ctx, M->resp(ctx));
    M->reply_cstr(ctx, "id");
    M->reply_int(ctx, M->client_id(ctx));
    M->reply_cstr(ctx, "mode");
    M->reply_cstr(ctx, "standalone");
    M->reply_cstr(ctx, "role");
    M->reply_cstr(ctx, "master");
    M->reply_cstr(ctx, "modules");
    M->reply_array(ctx, 0);
}

static const modis_arg ping_args[] = {
    {.name = "message", .type = MODIS_ARG_STRING, .flags = MODIS_ARG_OPTIONAL}, {0}};
static const modis_arg echo_args[] = {{.name = "message", .type = MODIS_ARG_STRING}, {0}};
static const modis_arg select_args[] = {{.name = "index", .type = MODIS_ARG_INTEGER}, {0}};
static const modis_arg hello_auth_args[] = {
    {.name = "username", .type = MODIS_ARG_STRING},
    {.name = "password", .type = MODIS_ARG_STRING},
    {0}};
static const modis_arg hello_inner[] = {
    {.name = "protover", .type = MODIS_ARG_INTEGER},
    {.name = "username_password", .type = MODIS_ARG_BLOCK, .token = "AUTH",
     .flags = MODIS_ARG_OPTIONAL, .subargs = hello_auth_args},
    {.name = "clientname", .type = MODIS_ARG_STRING, .token = "SETNAME",
     .flags = MODIS_ARG_OPTIONAL},
    {0}};
static const modis_arg hello_args[] = {
    {.name = "arguments", .type = MODIS_ARG_BLOCK, .flags = MODIS_ARG_OPTIONAL,
     .subargs = hello_inner},
    {0}};
static const modis_history hello_history[] = {
    {"6.2.0", "`protover` made optional; when called without arguments the command reports the "
              "current connection's context."},
    {0}};

const modis_command admin_connection_commands[] = {
    {.name = "ping", .handler = cmd_ping, .arity = -1, .flags = "fast",
     .acl_categories = "connection",
     .summary = "Checks that the connection is alive: replies PONG, or echoes the message.",
     .since = "1.0.0", .group = "connection", .complexity = "O(1)",
     .tips = "request_policy:all_shards response_policy:all_succeeded", .args = ping_args},
    {.name = "echo", .handler = cmd_echo, .arity = 2, .flags = "fast",
     .acl_categories = "connection", .summary = "Replies with the message it was given.",
     .since = "1.0.0", .group = "connection", .complexity = "O(1)", .args = echo_args},
    {.name = "select", .handler = cmd_select, .arity = 2, .flags = "loading stale fast",
     .acl_categories = "connection",
     .summary = "Switches this connection to the numbered database.", .since = "1.0.0",
     .group = "connection", .complexity = "O(1)", .args = select_args},
    {.name = "quit", .handler = cmd_quit, .arity = -1,
     .flags = "noscript loading stale fast no_auth allow_busy", .acl_categories = "connection",
     .summary = "Closes the connection once the reply is sent.", .since = "1.0.0",
     .group = "connection", .complexity = "O(1)"},
    {.name = "hello", .handler = cmd_hello, .arity = -1,
     .flags = "noscript loading stale fast no_auth allow_busy", .acl_categories = "connection",
     .summary = "Negotiates the protocol version, optionally authenticates and names the "
                "connection, and describes the server.",
     .since = "6.0.0", .group = "connection", .complexity = "O(1)", .history = hello_history,
     .args = hello_args},
    {0}};
