/* hello.c: the hello example module's entry point: descriptor, value type, config, load and unload.
 *
 * hello is a small out-of-tree modis module built against the installed SDK
 * only. It keeps FIFO queues of messages in keys of its own type
 * ("hello-queue") and offers:
 *   HELLO.GREET [name]                   a greeting built from the module config
 *   HELLO.PUSH key message [message ...] appends messages, wakes HELLO.WAIT
 *   HELLO.POP key                        removes the oldest message
 *   HELLO.LEN key                        how many messages a queue holds
 *   HELLO.WAIT key [key ...] timeout     pops, or blocks until a push
 *   HELLO.STATS GET | RESET              module counters (a RESP3 map)
 *
 * Server config:
 *   { "name": "hello", "config": { "greeting": "Bonjour", "max-length": 100 } }
 */
#include <string.h>

#include "hello.h"

const modis_api *M;
modis_type *hello_type;
hello_config hello_cfg;
hello_stats hello_st;

/* ---------------------------------------------------------------------------
 * The value type: the key's area holds one pointer to a hello_queue.
 * ------------------------------------------------------------------------- */

static void queue_free(void *area, size_t size)
{
    (void)size;
    hq_free(modis_load_ptr(area));
}

static void queue_copy(void *dst, const void *src, size_t size)
{
    (void)size;
    modis_store_ptr(dst, hq_dup(modis_load_ptr(src)));
}

static size_t queue_mem_usage(const void *area, size_t size)
{
    (void)size;
    return hq_mem_usage(modis_load_ptr(area));
}

static const char *queue_encoding(const void *area, size_t size)
{
    (void)area;
    (void)size;
    return "ring";
}

static const modis_type_methods queue_methods = {
    .name = "hello-queue",
    .free = queue_free,
    .copy = queue_copy,
    .mem_usage = queue_mem_usage,
    .encoding_name = queue_encoding,
};

/* ---------------------------------------------------------------------------
 * Load and unload
 * ------------------------------------------------------------------------- */

/* Reads the module's "config" object; a bad value refuses the load. */
static int read_config(const modis_api *api, modis_module_ctx *m)
{
    hello_cfg.greeting = "Hello";
    hello_cfg.max_length = 0;
    api->config_string(m, "greeting", &hello_cfg.greeting);
    if (strchr(hello_cfg.greeting, '\r') || strchr(hello_cfg.greeting, '\n')) {
        api->load_error(m, "config: \"greeting\" must be one line");
        return MODIS_ERR;
    }
    if (api->config_int(m, "max-length", &hello_cfg.max_length) == MODIS_OK &&
        hello_cfg.max_length < 0) {
        api->load_error(m, "config: \"max-length\" must be 0 (unlimited) or more, got %lld",
                        hello_cfg.max_length);
        return MODIS_ERR;
    }
    return MODIS_OK;
}

static int hello_on_load(const modis_api *api, modis_module_ctx *m)
{
    M = api;
    /* A function the module cannot work without is checked once here; one
     * it can do without is tested where it is used (see ready_key in
     * t_hello.c). block_on_keys exists since 1.0, so this never fails. */
    if (!MODIS_API_HAS(api, block_on_keys)) {
        api->load_error(m, "this server has no block_on_keys (ABI %u.%u)", (unsigned)api->abi_major,
                        (unsigned)api->abi_minor);
        return MODIS_ERR;
    }
    if (read_config(api, m) != MODIS_OK)
        return MODIS_ERR;
    memset(&hello_st, 0, sizeof hello_st);
    hello_type = api->register_type(m, &queue_methods);
    if (!hello_type)
        return MODIS_ERR; /* the loader reports who holds the name */
    for (const modis_command *c = hello_commands; c->name; c++)
        if (api->register_command(m, c) != MODIS_OK)
            return MODIS_ERR; /* the loader reports the reason */
    api->log(NULL, MODIS_LOG_NOTICE, "greeting '%s', max-length %lld", hello_cfg.greeting,
             hello_cfg.max_length);
    return MODIS_OK;
}

/* Runs before MODULE UNLOAD removes the module. The server refuses the unload
 * while keys of our type exist or clients wait in HELLO.WAIT, so there is
 * nothing left to release. */
static void hello_on_unload(void)
{
    M->log(NULL, MODIS_LOG_NOTICE, "unloading after %lld pushes", hello_st.pushed);
}

static const modis_module hello_module = {
    MODIS_MODULE_HEADER,          .name = "hello", .version = "1.1.0", .on_load = hello_on_load,
    .on_unload = hello_on_unload,
};

MODIS_MODULE_DEFINE(hello_module)
