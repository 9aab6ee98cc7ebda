/* crashy.c: a module whose commands crash the server, to exercise the crash report. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

#include <modis/module.h>

static const modis_api *M;

/* CRASHY.SEGV: writes to a page mapped without access rights (not to NULL,
 * which the undefined-behaviour sanitizer would catch before the fault). */
static void cmd_crashy_segv(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    void *page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        M->reply_error(ctx, "ERR mmap failed");
        return;
    }
    volatile int *volatile p = page;
    *p = 1;
    M->reply_ok(ctx); /* not reached */
}

/* CRASHY.RAISE <BUS | FPE | ABRT | ILL> */
static void cmd_crashy_raise(modis_ctx *ctx, const modis_str *argv, int argc)
{
    static const struct {
        const char *name;
        int sig;
    } sigs[] = {{"bus", SIGBUS}, {"fpe", SIGFPE}, {"abrt", SIGABRT}, {"ill", SIGILL}};
    (void)argc;
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        if (argv[1].len == strlen(sigs[i].name) &&
            strncasecmp(argv[1].ptr, sigs[i].name, argv[1].len) == 0) {
            if (sigs[i].sig == SIGABRT)
                abort();
            raise(sigs[i].sig);
        }
    }
    M->reply_error(ctx, MODIS_ERR_SYNTAX);
}

static const modis_arg raise_args[] = {
    {.name = "signal", .type = MODIS_ARG_STRING, .summary = "BUS, FPE, ABRT or ILL"}, {0}};

static const modis_command crashy_commands[] = {
    {.name = "crashy.segv",
     .handler = cmd_crashy_segv,
     .arity = 1,
     .flags = "fast",
     .summary = "Crashes the server with a segmentation fault.",
     .since = "0.0.1",
     .group = "module",
     .complexity = "O(1)"},
    {.name = "crashy.raise",
     .handler = cmd_crashy_raise,
     .arity = 2,
     .flags = "fast",
     .summary = "Crashes the server with the named signal.",
     .since = "0.0.1",
     .group = "module",
     .complexity = "O(1)",
     .args = raise_args},
    {0}};

static int crashy_on_load(const modis_api *api, modis_module_ctx *m)
{
    M = api;
    for (const modis_command *c = crashy_commands; c->name; c++)
        if (api->register_command(m, c) != MODIS_OK)
            return MODIS_ERR;
    return MODIS_OK;
}

static const modis_module crashy_module = {
    MODIS_MODULE_HEADER,
    .name = "crashy",
    .version = "0.0.1",
    .on_load = crashy_on_load,
};

MODIS_MODULE_DEFINE(crashy_module)
