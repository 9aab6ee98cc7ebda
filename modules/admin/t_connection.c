/* t_connection.c: connection commands: PING, ECHO, HELLO, AUTH, SELECT, QUIT, RESET. */
#include "admin.h"

#include <stdio.h>
#include <string.h>

#define WRONGPASS "WRONGPASS invalid username-password pair or user is disabled."

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
    if (admin_parse_ll(&argv[1], &idx) < 0) {
        M->reply_error(ctx, MODIS_ERR_NOT_INTEGER);
        return;
    }
    if (idx < -2147483648LL || idx > 2147483647LL) {
        M->reply_error(ctx, "ERR value is out of range, value must between -2147483648 and "
                            "2147483647");
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

static void note_password(void *priv, const char *name, const char *value)
{
    if (strcmp(name, "requirepass") == 0)
        *(int *)priv = value[0] != '\0';
}

/* Whether the default user has a password (requirepass is not empty). */
static int password_configured(modis_ctx *ctx)
{
    int set = 0;
    M->config_get(ctx, "requirepass", note_password, &set);
    return set;
}

/* AUTH [username] password */
static void cmd_auth(modis_ctx *ctx, const modis_str *argv, int argc)
{
    for (int i = 1; i < argc && MODIS_API_HAS(M, redact_arg); i++)
        M->redact_arg(ctx, i); /* never show passwords in MONITOR or SLOWLOG */
    if (argc > 3) {
        M->reply_error(ctx, MODIS_ERR_SYNTAX);
        return;
    }
    const modis_str *user = NULL, *pass = &argv[1];
    if (argc == 2) {
        if (!password_configured(ctx)) {
            M->reply_error(ctx, "ERR AUTH <password> called without any password configured "
                                "for the default user. Are you sure your configuration is "
                                "correct?");
            return;
        }
    } else {
        user = &argv[1];
        pass = &argv[2];
    }
    if (M->authenticate(ctx, user, pass) != MODIS_OK) {
        M->reply_error(ctx, WRONGPASS);
        return;
    }
    M->reply_ok(ctx);
}

/* The "modules" member of HELLO and MODULE LIST's elements share this. */
static void count_module(void *priv, const char *name, const char *version, const char *path)
{
    (void)name;
    (void)version;
    (void)path;
    (*(long *)priv)++;
}

/* "1.2.3" as Redis module versions are numbers: 10203; 0 when not numeric. */
static long long version_number(const char *v)
{
    long long parts[3] = {0, 0, 0};
    int k = 0;
    for (const char *p = v; *p && k < 3; p++) {
        if (*p >= '0' && *p <= '9')
            parts[k] = parts[k] * 10 + (*p - '0');
        else if (*p == '.')
            k++;
        else
            return 0;
    }
    return parts[0] * 10000 + parts[1] * 100 + parts[2];
}

static void reply_module(void *priv, const char *name, const char *version, const char *path)
{
    modis_ctx *ctx = priv;
    M->reply_map(ctx, 4);
    M->reply_cstr(ctx, "name");
    M->reply_cstr(ctx, name);
    M->reply_cstr(ctx, "ver");
    M->reply_int(ctx, version_number(version));
    M->reply_cstr(ctx, "path");
    M->reply_cstr(ctx, path ? path : "");
    M->reply_cstr(ctx, "args");
    M->reply_array(ctx, 0);
}

void admin_reply_modules(modis_ctx *ctx)
{
    long n = 0;
    M->module_foreach(ctx, count_module, &n);
    M->reply_array(ctx, n);
    M->module_foreach(ctx, reply_module, ctx);
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
            if (MODIS_API_HAS(M, redact_arg)) {
                M->redact_arg(ctx, j + 1);
                M->redact_arg(ctx, j + 2);
            }
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
        M->reply_error(ctx, WRONGPASS);
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
        M->reply_error(ctx,
                       "ERR Client names cannot contain spaces, newlines or special characters.");
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
    admin_reply_modules(ctx);
}

/* RESET */
static void cmd_reset(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    M->client_reset(ctx);
    M->reply_simple(ctx, "RESET");
}

const admin_handler admin_connection_handlers[] = {
    {"ping", cmd_ping}, {"echo", cmd_echo},   {"select", cmd_select}, {"quit", cmd_quit},
    {"auth", cmd_auth}, {"hello", cmd_hello}, {"reset", cmd_reset},   {NULL, NULL}};
