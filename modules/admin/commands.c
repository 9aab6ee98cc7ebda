/* commands.c: COMMAND INFO / COMMAND DOCS metadata of every admin command (generated facts). */
#include "admin.h"

/* Arities, flags, ACL categories, tips, complexities, histories and argument
 * trees are Redis 7.0.15's (CLIENT SETINFO and CLIENT NO-TOUCH are Redis
 * 7.2's); the summaries are modis's own words. ACL categories list only
 * what the core does not derive from the flags. The tables are not const:
 * admin.c binds each leaf to its handler by full name before registering
 * them. Argument fields: name, type, key_spec_index, token, summary, since,
 * flags, deprecated_since, subargs. */

static const modis_arg c_ping_args[] = {
    {"message", MODIS_ARG_STRING, -1, NULL, NULL, NULL, MODIS_ARG_OPTIONAL, NULL, NULL}, {0}};

static const modis_arg c_echo_args[] = {
    {"message", MODIS_ARG_STRING, -1, NULL, NULL, NULL, 0, NULL, NULL}, {0}};

static const modis_arg c_hello_args_0_1[] = {
    {"username", MODIS_ARG_STRING, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {"password", MODIS_ARG_STRING, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_arg c_hello_args_0[] = {
    {"protover", MODIS_ARG_INTEGER, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {"username_password", MODIS_ARG_BLOCK, -1, "AUTH", NULL, NULL, MODIS_ARG_OPTIONAL, NULL,
     c_hello_args_0_1},
    {"clientname", MODIS_ARG_STRING, -1, "SETNAME", NULL, NULL, MODIS_ARG_OPTIONAL, NULL, NULL},
    {0}};

static const modis_arg c_hello_args[] = {
    {"arguments", MODIS_ARG_BLOCK, -1, NULL, NULL, NULL, MODIS_ARG_OPTIONAL, NULL, c_hello_args_0},
    {0}};

static const modis_history c_hello_history[] = {
    {"6.2.0", "`protover` made optional; when called without arguments the command reports the "
              "current connection's context."},
    {0}};

static const modis_arg c_auth_args[] = {
    {"username", MODIS_ARG_STRING, -1, NULL, NULL, "6.0.0", MODIS_ARG_OPTIONAL, NULL, NULL},
    {"password", MODIS_ARG_STRING, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_history c_auth_history[] = {
    {"6.0.0", "Added ACL style (username and password)."}, {0}};

static const modis_arg c_select_args[] = {
    {"index", MODIS_ARG_INTEGER, -1, NULL, NULL, NULL, 0, NULL, NULL}, {0}};

static const modis_arg c_client_kill_args_0_1_1[] = {
    {"normal", MODIS_ARG_PURE_TOKEN, -1, "NORMAL", NULL, NULL, 0, NULL, NULL},
    {"master", MODIS_ARG_PURE_TOKEN, -1, "MASTER", NULL, "3.2.0", 0, NULL, NULL},
    {"slave", MODIS_ARG_PURE_TOKEN, -1, "SLAVE", NULL, NULL, 0, NULL, NULL},
    {"replica", MODIS_ARG_PURE_TOKEN, -1, "REPLICA", NULL, "5.0.0", 0, NULL, NULL},
    {"pubsub", MODIS_ARG_PURE_TOKEN, -1, "PUBSUB", NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_arg c_client_kill_args_0_1[] = {
    {"client-id", MODIS_ARG_INTEGER, -1, "ID", NULL, "2.8.12", MODIS_ARG_OPTIONAL, NULL, NULL},
    {"normal_master_slave_pubsub", MODIS_ARG_ONEOF, -1, "TYPE", NULL, "2.8.12", MODIS_ARG_OPTIONAL,
     NULL, c_client_kill_args_0_1_1},
    {"username", MODIS_ARG_STRING, -1, "USER", NULL, NULL, MODIS_ARG_OPTIONAL, NULL, NULL},
    {"ip:port", MODIS_ARG_STRING, -1, "ADDR", NULL, NULL, MODIS_ARG_OPTIONAL, NULL, NULL},
    {"ip:port", MODIS_ARG_STRING, -1, "LADDR", NULL, "6.2.0", MODIS_ARG_OPTIONAL, NULL, NULL},
    {"yes/no", MODIS_ARG_STRING, -1, "SKIPME", NULL, NULL, MODIS_ARG_OPTIONAL, NULL, NULL},
    {0}};

static const modis_arg c_client_kill_args_0[] = {
    {"ip:port", MODIS_ARG_STRING, -1, NULL, NULL, NULL, 0, "2.8.12", NULL},
    {"new-format", MODIS_ARG_ONEOF, -1, NULL, NULL, NULL, MODIS_ARG_MULTIPLE, NULL,
     c_client_kill_args_0_1},
    {0}};

static const modis_arg c_client_kill_args[] = {
    {"filter", MODIS_ARG_ONEOF, -1, NULL, NULL, NULL, 0, NULL, c_client_kill_args_0}, {0}};

static const modis_history c_client_kill_history[] = {
    {"2.8.12", "Added new filter format."},
    {"2.8.12", "`ID` option."},
    {"3.2.0", "Added `master` type in for `TYPE` option."},
    {"5.0.0",
     "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility."},
    {"6.2.0", "`LADDR` option."},
    {0}};

static const modis_arg c_client_list_args_0[] = {
    {"normal", MODIS_ARG_PURE_TOKEN, -1, "NORMAL", NULL, NULL, 0, NULL, NULL},
    {"master", MODIS_ARG_PURE_TOKEN, -1, "MASTER", NULL, NULL, 0, NULL, NULL},
    {"replica", MODIS_ARG_PURE_TOKEN, -1, "REPLICA", NULL, NULL, 0, NULL, NULL},
    {"pubsub", MODIS_ARG_PURE_TOKEN, -1, "PUBSUB", NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_arg c_client_list_args_1[] = {
    {"client-id", MODIS_ARG_INTEGER, -1, NULL, NULL, NULL, MODIS_ARG_MULTIPLE, NULL, NULL}, {0}};

static const modis_arg c_client_list_args[] = {{"normal_master_replica_pubsub", MODIS_ARG_ONEOF, -1,
                                                "TYPE", NULL, "5.0.0", MODIS_ARG_OPTIONAL, NULL,
                                                c_client_list_args_0},
                                               {"id", MODIS_ARG_BLOCK, -1, "ID", NULL, "6.2.0",
                                                MODIS_ARG_OPTIONAL, NULL, c_client_list_args_1},
                                               {0}};

static const modis_history c_client_list_history[] = {
    {"2.8.12", "Added unique client `id` field."},
    {"5.0.0", "Added optional `TYPE` filter."},
    {"6.0.0", "Added `user` field."},
    {"6.2.0",
     "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter."},
    {"7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields."},
    {"7.0.3", "Added `ssub` field."},
    {0}};

static const modis_arg c_client_no_evict_args_0[] = {
    {"on", MODIS_ARG_PURE_TOKEN, -1, "ON", NULL, NULL, 0, NULL, NULL},
    {"off", MODIS_ARG_PURE_TOKEN, -1, "OFF", NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_arg c_client_no_evict_args[] = {
    {"enabled", MODIS_ARG_ONEOF, -1, NULL, NULL, NULL, 0, NULL, c_client_no_evict_args_0}, {0}};

static const modis_arg c_client_no_touch_args_0[] = {
    {"on", MODIS_ARG_PURE_TOKEN, -1, "ON", NULL, NULL, 0, NULL, NULL},
    {"off", MODIS_ARG_PURE_TOKEN, -1, "OFF", NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_arg c_client_no_touch_args[] = {
    {"enabled", MODIS_ARG_ONEOF, -1, NULL, NULL, NULL, 0, NULL, c_client_no_touch_args_0}, {0}};

static const modis_arg c_client_pause_args_1[] = {
    {"write", MODIS_ARG_PURE_TOKEN, -1, "WRITE", NULL, NULL, 0, NULL, NULL},
    {"all", MODIS_ARG_PURE_TOKEN, -1, "ALL", NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_arg c_client_pause_args[] = {
    {"timeout", MODIS_ARG_INTEGER, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {"mode", MODIS_ARG_ONEOF, -1, NULL, NULL, "6.2.0", MODIS_ARG_OPTIONAL, NULL,
     c_client_pause_args_1},
    {0}};

static const modis_history c_client_pause_history[] = {
    {"6.2.0", "`CLIENT PAUSE WRITE` mode added along with the `mode` option."}, {0}};

static const modis_arg c_client_reply_args_0[] = {
    {"on", MODIS_ARG_PURE_TOKEN, -1, "ON", NULL, NULL, 0, NULL, NULL},
    {"off", MODIS_ARG_PURE_TOKEN, -1, "OFF", NULL, NULL, 0, NULL, NULL},
    {"skip", MODIS_ARG_PURE_TOKEN, -1, "SKIP", NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_arg c_client_reply_args[] = {
    {"on_off_skip", MODIS_ARG_ONEOF, -1, NULL, NULL, NULL, 0, NULL, c_client_reply_args_0}, {0}};

static const modis_arg c_client_setinfo_args_0[] = {
    {"libname", MODIS_ARG_STRING, -1, "lib-name", NULL, NULL, 0, NULL, NULL},
    {"libver", MODIS_ARG_STRING, -1, "lib-ver", NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_arg c_client_setinfo_args[] = {
    {"attr", MODIS_ARG_ONEOF, -1, NULL, NULL, NULL, 0, NULL, c_client_setinfo_args_0}, {0}};

static const modis_arg c_client_setname_args[] = {
    {"connection-name", MODIS_ARG_STRING, -1, NULL, NULL, NULL, 0, NULL, NULL}, {0}};

static const modis_arg c_client_unblock_args_1[] = {
    {"timeout", MODIS_ARG_PURE_TOKEN, -1, "TIMEOUT", NULL, NULL, 0, NULL, NULL},
    {"error", MODIS_ARG_PURE_TOKEN, -1, "ERROR", NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_arg c_client_unblock_args[] = {
    {"client-id", MODIS_ARG_INTEGER, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {"timeout_error", MODIS_ARG_ONEOF, -1, NULL, NULL, NULL, MODIS_ARG_OPTIONAL, NULL,
     c_client_unblock_args_1},
    {0}};

modis_command c_client_subcommands[] = {
    {.name = "getname",
     .arity = 2,
     .flags = "noscript loading stale",
     .acl_categories = "connection",
     .summary = "Replies with the name of this connection, if it has one.",
     .since = "2.6.9",
     .group = "connection",
     .complexity = "O(1)"},
    {.name = "help",
     .arity = 2,
     .flags = "loading stale",
     .acl_categories = "connection",
     .summary = "Lists the CLIENT subcommands with a short description of each.",
     .since = "5.0.0",
     .group = "connection",
     .complexity = "O(1)"},
    {.name = "id",
     .arity = 2,
     .flags = "noscript loading stale",
     .acl_categories = "connection",
     .summary = "Replies with the unique id of this connection.",
     .since = "5.0.0",
     .group = "connection",
     .complexity = "O(1)"},
    {.name = "info",
     .arity = 2,
     .flags = "noscript loading stale",
     .acl_categories = "connection",
     .summary = "Describes this connection in the CLIENT LIST format.",
     .since = "6.2.0",
     .group = "connection",
     .complexity = "O(1)",
     .tips = "nondeterministic_output"},
    {.name = "kill",
     .arity = -3,
     .flags = "admin noscript loading stale",
     .acl_categories = "connection",
     .summary = "Closes the client connections that match the given filters.",
     .since = "2.4.0",
     .group = "connection",
     .complexity = "O(N) where N is the number of client connections",
     .history = c_client_kill_history,
     .args = c_client_kill_args},
    {.name = "list",
     .arity = -2,
     .flags = "admin noscript loading stale",
     .acl_categories = "connection",
     .summary = "Describes every client connection, one line each.",
     .since = "2.4.0",
     .group = "connection",
     .complexity = "O(N) where N is the number of client connections",
     .history = c_client_list_history,
     .tips = "nondeterministic_output",
     .args = c_client_list_args},
    {.name = "no-evict",
     .arity = 3,
     .flags = "admin noscript loading stale",
     .acl_categories = "connection",
     .summary = "Exempts this connection from client eviction, or makes it evictable again.",
     .since = "7.0.0",
     .group = "connection",
     .complexity = "O(1)",
     .args = c_client_no_evict_args},
    {.name = "no-touch",
     .arity = 3,
     .flags = "noscript loading stale",
     .acl_categories = "connection",
     .summary =
         "Chooses whether this connection's commands update the access time of the keys they read.",
     .since = "7.2.0",
     .group = "connection",
     .complexity = "O(1)",
     .args = c_client_no_touch_args},
    {.name = "pause",
     .arity = -3,
     .flags = "admin noscript loading stale",
     .acl_categories = "connection",
     .summary = "Suspends the processing of client commands (all, or writes only) for a number of "
                "milliseconds.",
     .since = "2.9.50",
     .group = "connection",
     .complexity = "O(1)",
     .history = c_client_pause_history,
     .args = c_client_pause_args},
    {.name = "reply",
     .arity = 3,
     .flags = "noscript loading stale",
     .acl_categories = "connection",
     .summary = "Turns the server's replies to this connection on or off, or skips the next one.",
     .since = "3.2.0",
     .group = "connection",
     .complexity = "O(1)",
     .args = c_client_reply_args},
    {.name = "setinfo",
     .arity = 4,
     .flags = "noscript loading stale",
     .acl_categories = "connection",
     .summary = "Records the client library's name or version for this connection.",
     .since = "7.2.0",
     .group = "connection",
     .complexity = "O(1)",
     .tips = "request_policy:all_nodes response_policy:all_succeeded",
     .args = c_client_setinfo_args},
    {.name = "setname",
     .arity = 3,
     .flags = "noscript loading stale",
     .acl_categories = "connection",
     .summary = "Gives this connection a name.",
     .since = "2.6.9",
     .group = "connection",
     .complexity = "O(1)",
     .args = c_client_setname_args},
    {.name = "unblock",
     .arity = -3,
     .flags = "admin noscript loading stale",
     .acl_categories = "connection",
     .summary =
         "Wakes a client that is waiting in a blocking command, as a timeout or as an error.",
     .since = "5.0.0",
     .group = "connection",
     .complexity = "O(log N) where N is the number of client connections",
     .args = c_client_unblock_args},
    {.name = "unpause",
     .arity = 2,
     .flags = "admin noscript loading stale",
     .acl_categories = "connection",
     .summary = "Ends a pause started by CLIENT PAUSE.",
     .since = "6.2.0",
     .group = "connection",
     .complexity = "O(N) Where N is the number of paused clients"},
    {0}};

static const modis_arg c_flushall_args_0[] = {
    {"async", MODIS_ARG_PURE_TOKEN, -1, "ASYNC", NULL, "4.0.0", 0, NULL, NULL},
    {"sync", MODIS_ARG_PURE_TOKEN, -1, "SYNC", NULL, "6.2.0", 0, NULL, NULL},
    {0}};

static const modis_arg c_flushall_args[] = {
    {"async", MODIS_ARG_ONEOF, -1, NULL, NULL, NULL, MODIS_ARG_OPTIONAL, NULL, c_flushall_args_0},
    {0}};

static const modis_history c_flushall_history[] = {
    {"4.0.0", "Added the `ASYNC` flushing mode modifier."},
    {"6.2.0", "Added the `SYNC` flushing mode modifier."},
    {0}};

static const modis_arg c_flushdb_args_0[] = {
    {"async", MODIS_ARG_PURE_TOKEN, -1, "ASYNC", NULL, "4.0.0", 0, NULL, NULL},
    {"sync", MODIS_ARG_PURE_TOKEN, -1, "SYNC", NULL, "6.2.0", 0, NULL, NULL},
    {0}};

static const modis_arg c_flushdb_args[] = {
    {"async", MODIS_ARG_ONEOF, -1, NULL, NULL, NULL, MODIS_ARG_OPTIONAL, NULL, c_flushdb_args_0},
    {0}};

static const modis_history c_flushdb_history[] = {
    {"4.0.0", "Added the `ASYNC` flushing mode modifier."},
    {"6.2.0", "Added the `SYNC` flushing mode modifier."},
    {0}};

static const modis_arg c_info_args[] = {{"section", MODIS_ARG_STRING, -1, NULL, NULL, NULL,
                                         MODIS_ARG_OPTIONAL | MODIS_ARG_MULTIPLE, NULL, NULL},
                                        {0}};

static const modis_history c_info_history[] = {
    {"7.0.0", "Added support for taking multiple section arguments."}, {0}};

static const modis_arg c_config_get_args_0[] = {
    {"parameter", MODIS_ARG_STRING, -1, NULL, NULL, NULL, 0, NULL, NULL}, {0}};

static const modis_arg c_config_get_args[] = {{"parameter", MODIS_ARG_BLOCK, -1, NULL, NULL, NULL,
                                               MODIS_ARG_MULTIPLE, NULL, c_config_get_args_0},
                                              {0}};

static const modis_history c_config_get_history[] = {
    {"7.0.0", "Added the ability to pass multiple pattern parameters in one call"}, {0}};

static const modis_arg c_config_set_args_0[] = {
    {"parameter", MODIS_ARG_STRING, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {"value", MODIS_ARG_STRING, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_arg c_config_set_args[] = {{"parameter_value", MODIS_ARG_BLOCK, -1, NULL, NULL,
                                               NULL, MODIS_ARG_MULTIPLE, NULL, c_config_set_args_0},
                                              {0}};

static const modis_history c_config_set_history[] = {
    {"7.0.0", "Added the ability to set multiple parameters in one call."}, {0}};

modis_command c_config_subcommands[] = {
    {.name = "get",
     .arity = -3,
     .flags = "admin noscript loading stale",
     .acl_categories = NULL,
     .summary =
         "Replies with the configuration parameters matching the patterns, and their values.",
     .since = "2.0.0",
     .group = "server",
     .complexity = "O(N) when N is the number of configuration parameters provided",
     .history = c_config_get_history,
     .args = c_config_get_args},
    {.name = "help",
     .arity = 2,
     .flags = "loading stale",
     .acl_categories = NULL,
     .summary = "Lists the CONFIG subcommands with a short description of each.",
     .since = "5.0.0",
     .group = "server",
     .complexity = "O(1)"},
    {.name = "resetstat",
     .arity = 2,
     .flags = "admin noscript loading stale",
     .acl_categories = NULL,
     .summary = "Zeroes the statistics that INFO reports.",
     .since = "2.0.0",
     .group = "server",
     .complexity = "O(1)"},
    {.name = "rewrite",
     .arity = 2,
     .flags = "admin noscript loading stale",
     .acl_categories = NULL,
     .summary = "Writes the running configuration back into the configuration file.",
     .since = "2.8.0",
     .group = "server",
     .complexity = "O(1)"},
    {.name = "set",
     .arity = -4,
     .flags = "admin noscript loading stale",
     .acl_categories = NULL,
     .summary = "Changes configuration parameters at run time, all of them or none.",
     .since = "2.0.0",
     .group = "server",
     .complexity = "O(N) when N is the number of configuration parameters provided",
     .history = c_config_set_history,
     .tips = "request_policy:all_nodes response_policy:all_succeeded",
     .args = c_config_set_args},
    {0}};

static const modis_arg c_slowlog_get_args[] = {
    {"count", MODIS_ARG_INTEGER, -1, NULL, NULL, NULL, MODIS_ARG_OPTIONAL, NULL, NULL}, {0}};

static const modis_history c_slowlog_get_history[] = {
    {"4.0.0", "Added client IP address, port and name to the reply."}, {0}};

modis_command c_slowlog_subcommands[] = {
    {.name = "get",
     .arity = -2,
     .flags = "admin loading stale",
     .acl_categories = NULL,
     .summary = "Replies with the newest entries of the slow log.",
     .since = "2.2.12",
     .group = "server",
     .complexity = "O(N) where N is the number of entries returned",
     .history = c_slowlog_get_history,
     .tips = "request_policy:all_nodes nondeterministic_output",
     .args = c_slowlog_get_args},
    {.name = "help",
     .arity = 2,
     .flags = "loading stale",
     .acl_categories = NULL,
     .summary = "Lists the SLOWLOG subcommands with a short description of each.",
     .since = "6.2.0",
     .group = "server",
     .complexity = "O(1)"},
    {.name = "len",
     .arity = 2,
     .flags = "admin loading stale",
     .acl_categories = NULL,
     .summary = "Counts the entries in the slow log.",
     .since = "2.2.12",
     .group = "server",
     .complexity = "O(1)",
     .tips = "request_policy:all_nodes response_policy:agg_sum nondeterministic_output"},
    {.name = "reset",
     .arity = 2,
     .flags = "admin loading stale",
     .acl_categories = NULL,
     .summary = "Empties the slow log.",
     .since = "2.2.12",
     .group = "server",
     .complexity = "O(N) where N is the number of entries in the slowlog",
     .tips = "request_policy:all_nodes response_policy:all_succeeded"},
    {0}};

static const modis_arg c_shutdown_args_0[] = {
    {"nosave", MODIS_ARG_PURE_TOKEN, -1, "NOSAVE", NULL, NULL, 0, NULL, NULL},
    {"save", MODIS_ARG_PURE_TOKEN, -1, "SAVE", NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_arg c_shutdown_args[] = {
    {"nosave_save", MODIS_ARG_ONEOF, -1, NULL, NULL, NULL, MODIS_ARG_OPTIONAL, NULL,
     c_shutdown_args_0},
    {"now", MODIS_ARG_PURE_TOKEN, -1, "NOW", NULL, "7.0.0", MODIS_ARG_OPTIONAL, NULL, NULL},
    {"force", MODIS_ARG_PURE_TOKEN, -1, "FORCE", NULL, "7.0.0", MODIS_ARG_OPTIONAL, NULL, NULL},
    {"abort", MODIS_ARG_PURE_TOKEN, -1, "ABORT", NULL, "7.0.0", MODIS_ARG_OPTIONAL, NULL, NULL},
    {0}};

static const modis_history c_shutdown_history[] = {
    {"7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers."}, {0}};

static const modis_arg c_module_load_args[] = {
    {"path", MODIS_ARG_STRING, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {"arg", MODIS_ARG_STRING, -1, NULL, NULL, NULL, MODIS_ARG_OPTIONAL | MODIS_ARG_MULTIPLE, NULL,
     NULL},
    {0}};

static const modis_arg c_module_loadex_args_1[] = {
    {"name", MODIS_ARG_STRING, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {"value", MODIS_ARG_STRING, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_arg c_module_loadex_args_2[] = {
    {"arg", MODIS_ARG_STRING, -1, NULL, NULL, NULL, 0, NULL, NULL}, {0}};

static const modis_arg c_module_loadex_args[] = {
    {"path", MODIS_ARG_STRING, -1, NULL, NULL, NULL, 0, NULL, NULL},
    {"configs", MODIS_ARG_BLOCK, -1, "CONFIG", NULL, NULL,
     MODIS_ARG_OPTIONAL | MODIS_ARG_MULTIPLE | MODIS_ARG_MULTIPLE_TOKEN, NULL,
     c_module_loadex_args_1},
    {"args", MODIS_ARG_BLOCK, -1, "ARGS", NULL, NULL, MODIS_ARG_OPTIONAL | MODIS_ARG_MULTIPLE, NULL,
     c_module_loadex_args_2},
    {0}};

static const modis_arg c_module_unload_args[] = {
    {"name", MODIS_ARG_STRING, -1, NULL, NULL, NULL, 0, NULL, NULL}, {0}};

modis_command c_module_subcommands[] = {
    {.name = "help",
     .arity = 2,
     .flags = "loading stale",
     .acl_categories = NULL,
     .summary = "Lists the MODULE subcommands with a short description of each.",
     .since = "5.0.0",
     .group = "server",
     .complexity = "O(1)"},
    {.name = "list",
     .arity = 2,
     .flags = "admin noscript",
     .acl_categories = NULL,
     .summary = "Describes the modules the server has loaded.",
     .since = "4.0.0",
     .group = "server",
     .complexity = "O(N) where N is the number of loaded modules.",
     .tips = "nondeterministic_output_order"},
    {.name = "load",
     .arity = -3,
     .flags = "admin noscript no_async_loading",
     .acl_categories = NULL,
     .summary = "Loads a module from a shared library file.",
     .since = "4.0.0",
     .group = "server",
     .complexity = "O(1)",
     .args = c_module_load_args},
    {.name = "loadex",
     .arity = -3,
     .flags = "admin noscript no_async_loading",
     .acl_categories = NULL,
     .summary = "Loads a module from a shared library file, with configuration and arguments.",
     .since = "7.0.0",
     .group = "server",
     .complexity = "O(1)",
     .args = c_module_loadex_args},
    {.name = "unload",
     .arity = 3,
     .flags = "admin noscript no_async_loading",
     .acl_categories = NULL,
     .summary = "Unloads a module by name.",
     .since = "4.0.0",
     .group = "server",
     .complexity = "O(1)",
     .args = c_module_unload_args},
    {0}};

static const modis_arg c_command_docs_args[] = {{"command-name", MODIS_ARG_STRING, -1, NULL, NULL,
                                                 NULL, MODIS_ARG_OPTIONAL | MODIS_ARG_MULTIPLE,
                                                 NULL, NULL},
                                                {0}};

static const modis_arg c_command_info_args[] = {{"command-name", MODIS_ARG_STRING, -1, NULL, NULL,
                                                 NULL, MODIS_ARG_OPTIONAL | MODIS_ARG_MULTIPLE,
                                                 NULL, NULL},
                                                {0}};

static const modis_history c_command_info_history[] = {
    {"7.0.0", "Allowed to be called with no argument to get info on all commands."}, {0}};

static const modis_arg c_command_list_args_0[] = {
    {"module-name", MODIS_ARG_STRING, -1, "MODULE", NULL, NULL, 0, NULL, NULL},
    {"category", MODIS_ARG_STRING, -1, "ACLCAT", NULL, NULL, 0, NULL, NULL},
    {"pattern", MODIS_ARG_PATTERN, -1, "PATTERN", NULL, NULL, 0, NULL, NULL},
    {0}};

static const modis_arg c_command_list_args[] = {{"filterby", MODIS_ARG_ONEOF, -1, "FILTERBY", NULL,
                                                 NULL, MODIS_ARG_OPTIONAL, NULL,
                                                 c_command_list_args_0},
                                                {0}};

modis_command c_command_subcommands[] = {
    {.name = "count",
     .arity = 2,
     .flags = "loading stale",
     .acl_categories = "connection",
     .summary = "Counts the commands the server knows.",
     .since = "2.8.13",
     .group = "server",
     .complexity = "O(1)"},
    {.name = "docs",
     .arity = -2,
     .flags = "loading stale",
     .acl_categories = "connection",
     .summary = "Replies with the documentation of the given commands, or of all of them.",
     .since = "7.0.0",
     .group = "server",
     .complexity = "O(N) where N is the number of commands to look up",
     .tips = "nondeterministic_output_order",
     .args = c_command_docs_args},
    {.name = "getkeys",
     .arity = -4,
     .flags = "loading stale",
     .acl_categories = "connection",
     .summary = "Finds the key arguments of a full command line.",
     .since = "2.8.13",
     .group = "server",
     .complexity = "O(N) where N is the number of arguments to the command"},
    {.name = "getkeysandflags",
     .arity = -4,
     .flags = "loading stale",
     .acl_categories = "connection",
     .summary = "Finds the key arguments of a full command line, with how the command uses each.",
     .since = "7.0.0",
     .group = "server",
     .complexity = "O(N) where N is the number of arguments to the command"},
    {.name = "help",
     .arity = 2,
     .flags = "loading stale",
     .acl_categories = "connection",
     .summary = "Lists the COMMAND subcommands with a short description of each.",
     .since = "5.0.0",
     .group = "server",
     .complexity = "O(1)"},
    {.name = "info",
     .arity = -2,
     .flags = "loading stale",
     .acl_categories = "connection",
     .summary = "Describes the given commands, or all of them.",
     .since = "2.8.13",
     .group = "server",
     .complexity = "O(N) where N is the number of commands to look up",
     .history = c_command_info_history,
     .tips = "nondeterministic_output_order",
     .args = c_command_info_args},
    {.name = "list",
     .arity = -2,
     .flags = "loading stale",
     .acl_categories = "connection",
     .summary = "Lists the names of the commands, optionally filtered.",
     .since = "7.0.0",
     .group = "server",
     .complexity = "O(N) where N is the total number of Redis commands",
     .tips = "nondeterministic_output_order",
     .args = c_command_list_args},
    {0}};

modis_command admin_commands[] = {
    {.name = "ping",
     .arity = -1,
     .flags = "fast",
     .acl_categories = "connection",
     .summary = "Checks that the connection is alive: replies PONG, or echoes the message.",
     .since = "1.0.0",
     .group = "connection",
     .complexity = "O(1)",
     .tips = "request_policy:all_shards response_policy:all_succeeded",
     .args = c_ping_args},
    {.name = "echo",
     .arity = 2,
     .flags = "loading stale fast",
     .acl_categories = "connection",
     .summary = "Replies with the message it was given.",
     .since = "1.0.0",
     .group = "connection",
     .complexity = "O(1)",
     .args = c_echo_args},
    {.name = "hello",
     .arity = -1,
     .flags = "noscript loading stale fast no_auth allow_busy",
     .acl_categories = "connection",
     .summary = "Negotiates the protocol version, optionally authenticates and names the "
                "connection, and describes the server.",
     .since = "6.0.0",
     .group = "connection",
     .complexity = "O(1)",
     .history = c_hello_history,
     .args = c_hello_args},
    {.name = "auth",
     .arity = -2,
     .flags = "noscript loading stale fast no_auth allow_busy",
     .acl_categories = "connection",
     .summary = "Authenticates the connection with a password (and optionally a user name).",
     .since = "1.0.0",
     .group = "connection",
     .complexity = "O(N) where N is the number of passwords defined for the user",
     .history = c_auth_history,
     .args = c_auth_args},
    {.name = "select",
     .arity = 2,
     .flags = "loading stale fast",
     .acl_categories = "connection",
     .summary = "Switches this connection to the numbered database.",
     .since = "1.0.0",
     .group = "connection",
     .complexity = "O(1)",
     .args = c_select_args},
    {.name = "quit",
     .arity = -1,
     .flags = "noscript loading stale fast no_auth allow_busy",
     .acl_categories = "connection",
     .summary = "Closes the connection once the reply is sent.",
     .since = "1.0.0",
     .group = "connection",
     .complexity = "O(1)"},
    {.name = "reset",
     .arity = 1,
     .flags = "noscript loading stale fast no_auth allow_busy",
     .acl_categories = "connection",
     .summary = "Returns the connection to its initial state.",
     .since = "6.2.0",
     .group = "connection",
     .complexity = "O(1)"},
    {.name = "client",
     .arity = -2,
     .flags = "",
     .acl_categories = NULL,
     .summary = "Groups the commands that inspect and control client connections.",
     .since = "2.4.0",
     .group = "connection",
     .complexity = "Depends on subcommand.",
     .subcommands = c_client_subcommands},
    {.name = "flushall",
     .arity = -1,
     .flags = "write",
     .acl_categories = "keyspace dangerous",
     .summary = "Deletes every key of every database.",
     .since = "1.0.0",
     .group = "server",
     .complexity = "O(N) where N is the total number of keys in all databases",
     .history = c_flushall_history,
     .tips = "request_policy:all_shards response_policy:all_succeeded",
     .args = c_flushall_args},
    {.name = "flushdb",
     .arity = -1,
     .flags = "write",
     .acl_categories = "keyspace dangerous",
     .summary = "Deletes every key of the selected database.",
     .since = "1.0.0",
     .group = "server",
     .complexity = "O(N) where N is the number of keys in the selected database",
     .history = c_flushdb_history,
     .tips = "request_policy:all_shards response_policy:all_succeeded",
     .args = c_flushdb_args},
    {.name = "dbsize",
     .arity = 1,
     .flags = "readonly fast",
     .acl_categories = "keyspace",
     .summary = "Counts the keys of the selected database.",
     .since = "1.0.0",
     .group = "server",
     .complexity = "O(1)",
     .tips = "request_policy:all_shards response_policy:agg_sum"},
    {.name = "time",
     .arity = 1,
     .flags = "loading stale fast",
     .acl_categories = NULL,
     .summary = "Replies with the server clock as seconds and microseconds.",
     .since = "2.6.0",
     .group = "server",
     .complexity = "O(1)",
     .tips = "nondeterministic_output"},
    {.name = "info",
     .arity = -1,
     .flags = "loading stale",
     .acl_categories = "dangerous",
     .summary = "Reports the server's state and statistics, by section.",
     .since = "1.0.0",
     .group = "server",
     .complexity = "O(1)",
     .history = c_info_history,
     .tips = "nondeterministic_output request_policy:all_shards response_policy:special",
     .args = c_info_args},
    {.name = "config",
     .arity = -2,
     .flags = "",
     .acl_categories = NULL,
     .summary = "Groups the commands that read and change the server configuration.",
     .since = "2.0.0",
     .group = "server",
     .complexity = "Depends on subcommand.",
     .subcommands = c_config_subcommands},
    {.name = "slowlog",
     .arity = -2,
     .flags = "",
     .acl_categories = NULL,
     .summary = "Groups the commands that read and clear the slow log.",
     .since = "2.2.12",
     .group = "server",
     .complexity = "Depends on subcommand.",
     .subcommands = c_slowlog_subcommands},
    {.name = "monitor",
     .arity = 1,
     .flags = "admin noscript loading stale",
     .acl_categories = NULL,
     .summary = "Streams every command the server processes to this connection.",
     .since = "1.0.0",
     .group = "server",
     .complexity = NULL},
    {.name = "shutdown",
     .arity = -1,
     .flags = "admin noscript loading stale no_multi allow_busy",
     .acl_categories = NULL,
     .summary = "Stops the server, optionally saving the data first.",
     .since = "1.0.0",
     .group = "server",
     .complexity = "O(N) when saving, where N is the total number of keys in all databases when "
                   "saving data, otherwise O(1)",
     .history = c_shutdown_history,
     .args = c_shutdown_args},
    {.name = "module",
     .arity = -2,
     .flags = "",
     .acl_categories = NULL,
     .summary = "Groups the commands that list, load and unload modules.",
     .since = "4.0.0",
     .group = "server",
     .complexity = "Depends on subcommand.",
     .subcommands = c_module_subcommands},
    {.name = "debug",
     .arity = -2,
     .flags = "admin noscript loading stale",
     .acl_categories = NULL,
     .summary = "Runs a debugging action on the server.",
     .since = "1.0.0",
     .group = "server",
     .complexity = "Depends on subcommand.",
     .doc_flags = MODIS_DOC_SYSCMD},
    {.name = "command",
     .arity = -1,
     .flags = "loading stale",
     .acl_categories = "connection",
     .summary = "Describes every command the server knows.",
     .since = "2.8.13",
     .group = "server",
     .complexity = "O(N) where N is the total number of Redis commands",
     .tips = "nondeterministic_output_order",
     .subcommands = c_command_subcommands},
    {0}};
