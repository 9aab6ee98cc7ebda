/* t_module.c: the MODULE subcommands: LIST, LOAD, LOADEX, UNLOAD, HELP. */
#include "admin.h"

#include <string.h>

#define ERR_LOAD "ERR Error loading the extension. Please check the server logs."

/* LOAD, LOADEX and UNLOAD need enable-module-command (LIST and HELP do not,
 * as in Redis 7.0). Replies the refusal and returns 0 when it is off. */
static int module_command_allowed(modis_ctx *ctx)
{
    if (M->setting_enabled(ctx, "enable-module-command"))
        return 1;
    M->reply_error(ctx, "ERR MODULE command not allowed. If the enable-module-command option is "
                        "set to \"local\", you can run it from a local connection, otherwise you "
                        "need to set this option in the configuration file, and then restart "
                        "the server.");
    return 0;
}

static void load_path(modis_ctx *ctx, const modis_str *path)
{
    char *p = admin_strdup(path);
    char err[512] = "";
    if (M->module_load(ctx, p, err, sizeof err) != MODIS_OK) {
        M->log(ctx, MODIS_LOG_WARNING, "MODULE LOAD %s failed: %s", p, err);
        M->reply_error(ctx, ERR_LOAD);
    } else {
        M->reply_ok(ctx);
    }
    M->free(p);
}

/* MODULE LIST */
static void cmd_module_list(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    admin_reply_modules(ctx);
}

/* MODULE LOAD path [arg [arg ...]] */
static void cmd_module_load(modis_ctx *ctx, const modis_str *argv, int argc)
{
    if (!module_command_allowed(ctx))
        return;
    if (argc > 3) {
        /* modis modules take their settings from the server config, not argv. */
        M->log(ctx, MODIS_LOG_WARNING, "MODULE LOAD: modis modules take no load arguments");
        M->reply_error(ctx, ERR_LOAD);
        return;
    }
    load_path(ctx, &argv[2]);
}

/* MODULE LOADEX path [CONFIG name value [CONFIG name value ...]] [ARGS args [args ...]] */
static void cmd_module_loadex(modis_ctx *ctx, const modis_str *argv, int argc)
{
    if (!module_command_allowed(ctx))
        return;
    /* Redis's parse: CONFIG needs a name and a value, ARGS takes the rest. */
    int nconfig = 0, nargs = 0;
    for (int i = 3; i < argc; i++) {
        if (admin_arg_is(&argv[i], "CONFIG") && i + 2 < argc) {
            nconfig++;
            i += 2;
        } else if (admin_arg_is(&argv[i], "ARGS")) {
            nargs = argc - i - 1;
            break;
        } else {
            M->log(ctx, MODIS_LOG_NOTICE, "Syntax Error from arguments to loadex around %.*s.",
                   (int)argv[i].len, argv[i].ptr);
            M->reply_error(ctx, ERR_LOAD);
            return;
        }
    }
    if (nconfig || nargs) {
        M->log(ctx, MODIS_LOG_WARNING,
               "MODULE LOADEX: modis modules take no CONFIG or ARGS at load time");
        M->reply_error(ctx, ERR_LOAD);
        return;
    }
    load_path(ctx, &argv[2]);
}

/* MODULE UNLOAD name */
static void cmd_module_unload(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    if (!module_command_allowed(ctx))
        return;
    char *name = admin_strdup(&argv[2]);
    char err[512] = "";
    if (M->module_unload(ctx, name, err, sizeof err) != MODIS_OK) {
        /* The core's message is Redis's full error text. */
        M->log(ctx, MODIS_LOG_WARNING, "Error unloading module %s: %s", name, err);
        if (strncmp(err, "ERR ", 4) == 0)
            M->reply_error(ctx, err);
        else
            M->reply_errorf(ctx, "ERR Error unloading module: %s",
                            err[0] ? err : "operation not possible.");
    } else {
        M->reply_ok(ctx);
    }
    M->free(name);
}

static const char *const module_help[] = {
    "LIST", "    Return a list of loaded modules.", "LOAD <path> [<arg> ...]",
    "    Load a module library from <path>, passing to it any optional arguments.",
    "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
    /* clang-format off */
    "    Load a module library from <path>, while passing it module configurations and optional arguments.",
    /* clang-format on */
    "UNLOAD <name>", "    Unload a module.", NULL};

/* MODULE HELP */
static void cmd_module_help(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    admin_reply_help(ctx, &argv[0], module_help);
}

const admin_handler admin_module_handlers[] = {
    {"module|list", cmd_module_list},     {"module|load", cmd_module_load},
    {"module|loadex", cmd_module_loadex}, {"module|unload", cmd_module_unload},
    {"module|help", cmd_module_help},     {NULL, NULL}};
