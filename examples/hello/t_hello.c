/* t_hello.c: the hello module's commands (GREET, PUSH, POP, LEN, WAIT, STATS) and their COMMAND
 * DOCS metadata. */
#include <string.h>

#include "hello.h"

/* Looks key up as a queue. Returns MODIS_KEY_FOUND with *q set,
 * MODIS_KEY_MISSING or MODIS_KEY_WRONGTYPE. */
static int queue_lookup(modis_ctx *ctx, modis_db *db, const modis_str *key, int mode,
                        hello_queue **q)
{
    void *area = NULL;
    int r = M->lookup(ctx, db, key, hello_type, mode, &area, NULL);
    if (r == MODIS_KEY_FOUND)
        *q = modis_load_ptr(area);
    return r;
}

/* Pops the oldest message of the queue at key (which must hold one), replies
 * it (as [key, message] when with_key) and deletes the key once empty. */
static void pop_and_reply(modis_ctx *ctx, modis_db *db, const modis_str *key, hello_queue *q,
                          int with_key)
{
    hello_msg *m = hq_pop(q);
    if (with_key) {
        M->reply_array(ctx, 2);
        M->reply_bulk(ctx, key->ptr, key->len);
    }
    M->reply_bulk(ctx, m->data, m->len);
    M->free(m);
    hello_st.popped++;
    if (q->count == 0)
        M->delete (ctx, db, key); /* frees the queue through queue_free */
    else
        M->signal_modified(ctx, db, key);
}

/* HELLO.GREET [name] */
static void cmd_hello_greet(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_str name = {"world", 5};
    if (argc > 2) {
        M->reply_error(ctx, MODIS_ERR_SYNTAX);
        return;
    }
    if (argc == 2)
        name = argv[1];
    /* "<greeting>, <name>!": name may hold any bytes, so no printf. */
    size_t glen = strlen(hello_cfg.greeting);
    size_t len = glen + 2 + name.len + 1;
    char *text = M->alloc(len);
    memcpy(text, hello_cfg.greeting, glen);
    memcpy(text + glen, ", ", 2);
    memcpy(text + glen + 2, name.ptr, name.len);
    text[len - 1] = '!';
    M->reply_bulk(ctx, text, len);
    M->free(text);
}

/* HELLO.PUSH key message [message ...] */
static void cmd_hello_push(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    hello_queue *q = NULL;
    long long adding = argc - 2;
    int r = queue_lookup(ctx, db, &argv[1], MODIS_LOOKUP_WRITE, &q);

    if (r == MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
        return;
    }
    long long have = q ? (long long)q->count : 0;
    if (hello_cfg.max_length > 0 && have + adding > hello_cfg.max_length) {
        M->reply_errorf(ctx, "ERR hello queue is full (max-length %lld)", hello_cfg.max_length);
        return;
    }
    if (r == MODIS_KEY_MISSING) {
        /* A new key: set_value signals WATCH and wakes HELLO.WAIT itself. */
        q = hq_create();
        modis_store_ptr(M->set_value(ctx, db, &argv[1], hello_type, sizeof q, 0), q);
    } else {
        /* Changed in place: tell WATCH, and wake clients blocked on the key. */
        M->signal_modified(ctx, db, &argv[1]);
        M->signal_ready(ctx, db, &argv[1]);
    }
    for (int i = 2; i < argc; i++)
        hq_push(q, argv[i].ptr, argv[i].len);
    hello_st.pushed += adding;
    M->propagate_verbatim(ctx);
    M->reply_int(ctx, (long long)q->count);
}

/* HELLO.POP key */
static void cmd_hello_pop(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    hello_queue *q = NULL;
    (void)argc;
    int r = queue_lookup(ctx, db, &argv[1], MODIS_LOOKUP_WRITE, &q);
    if (r == MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
    } else if (r == MODIS_KEY_MISSING) {
        M->reply_null(ctx);
    } else {
        pop_and_reply(ctx, db, &argv[1], q, 0);
        M->propagate_verbatim(ctx);
    }
}

/* HELLO.LEN key */
static void cmd_hello_len(modis_ctx *ctx, const modis_str *argv, int argc)
{
    hello_queue *q = NULL;
    (void)argc;
    int r = queue_lookup(ctx, M->db(ctx), &argv[1], MODIS_LOOKUP_READ, &q);
    if (r == MODIS_KEY_WRONGTYPE)
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
    else
        M->reply_int(ctx, r == MODIS_KEY_FOUND ? (long long)q->count : 0);
}

/* Serves a HELLO.WAIT from key if it holds messages: replies [key, message]
 * and returns 1. Returns 0 when key is missing, or holds another type during
 * a re-run (the waiter keeps waiting); replies WRONGTYPE and returns 1 when
 * it holds another type on the first run. */
static int wait_serve(modis_ctx *ctx, modis_db *db, const modis_str *key, int reexec)
{
    hello_queue *q = NULL;
    int r = queue_lookup(ctx, db, key, MODIS_LOOKUP_WRITE, &q);
    if (r == MODIS_KEY_MISSING || (r == MODIS_KEY_WRONGTYPE && reexec))
        return 0;
    if (r == MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
        return 1;
    }
    pop_and_reply(ctx, db, key, q, 1);
    if (reexec)
        hello_st.woken++;
    /* Log what happened, not the blocking call: HELLO.POP key. */
    modis_str pop[2] = {{"HELLO.POP", 9}, *key};
    M->propagate(ctx, pop, 2);
    return 1;
}

/* HELLO.WAIT key [key ...] timeout
 *
 * Serves the client from the first key holding messages; when every key is
 * empty it blocks. A HELLO.PUSH to one of the keys makes the core run this
 * handler again (M->is_reexec is then true), and the key that was pushed to
 * is served first; if another waiter was faster the client simply blocks
 * again and keeps its place in the queue of waiters. */
static void cmd_hello_wait(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    long long timeout;
    int reexec = M->is_reexec(ctx);

    if (M->parse_timeout(ctx, &argv[argc - 1], &timeout) != MODIS_OK)
        return; /* parse_timeout replied the error */
    /* ready_key was appended to the API after the first 1.0 servers: test for it. */
    if (reexec && MODIS_API_HAS(M, ready_key)) {
        const modis_str *ready = M->ready_key(ctx);
        if (ready && wait_serve(ctx, db, ready, reexec))
            return;
    }
    for (int i = 1; i < argc - 1; i++)
        if (wait_serve(ctx, db, &argv[i], reexec))
            return;
    /* Nothing to serve: wait (inside MULTI this replies the null array at once). */
    M->block_on_keys(ctx, &argv[1], argc - 2, hello_type, timeout, NULL);
}

/* HELLO.STATS GET */
static void cmd_hello_stats_get(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    /* A map in RESP3; RESP2 clients see a flat array of 8 elements. */
    M->reply_map(ctx, 4);
    M->reply_cstr(ctx, "greeting");
    M->reply_cstr(ctx, hello_cfg.greeting);
    M->reply_cstr(ctx, "pushed");
    M->reply_int(ctx, hello_st.pushed);
    M->reply_cstr(ctx, "popped");
    M->reply_int(ctx, hello_st.popped);
    M->reply_cstr(ctx, "woken");
    M->reply_int(ctx, hello_st.woken);
}

/* HELLO.STATS RESET */
static void cmd_hello_stats_reset(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argv;
    (void)argc;
    memset(&hello_st, 0, sizeof hello_st);
    M->reply_ok(ctx);
}

/* ---------------------------------------------------------------------------
 * Metadata: what COMMAND INFO and COMMAND DOCS report. The tables are static
 * const: the server keeps pointers to them until the module is unloaded.
 * ------------------------------------------------------------------------- */

/* One key at argv[1], read and written. */
#define KEY_AT_1(ksflags)                                                                          \
    {                                                                                              \
        .flags = (ksflags), .begin_type = MODIS_KS_BEGIN_INDEX, .bs_index = 1,                     \
        .find_type = MODIS_KS_FIND_RANGE, .fk_lastkey = 0, .fk_keystep = 1, .fk_limit = 0          \
    }

static const modis_key_spec push_keys[] = {KEY_AT_1(MODIS_KS_RW | MODIS_KS_INSERT), {0}};
static const modis_key_spec pop_keys[] = {KEY_AT_1(MODIS_KS_RW | MODIS_KS_ACCESS | MODIS_KS_DELETE),
                                          {0}};
static const modis_key_spec len_keys[] = {KEY_AT_1(MODIS_KS_RO), {0}};
/* Every argument from argv[1] to the one before last is a key. */
static const modis_key_spec wait_keys[] = {
    {.flags = MODIS_KS_RW | MODIS_KS_ACCESS | MODIS_KS_DELETE,
     .begin_type = MODIS_KS_BEGIN_INDEX,
     .bs_index = 1,
     .find_type = MODIS_KS_FIND_RANGE,
     .fk_lastkey = -2,
     .fk_keystep = 1,
     .fk_limit = 0},
    {0}};

static const modis_arg greet_args[] = {{.name = "name",
                                        .type = MODIS_ARG_STRING,
                                        .flags = MODIS_ARG_OPTIONAL,
                                        .summary = "who to greet (default: world)"},
                                       {0}};
static const modis_arg push_args[] = {
    {.name = "key", .type = MODIS_ARG_KEY, .key_spec_index = 0},
    {.name = "message", .type = MODIS_ARG_STRING, .flags = MODIS_ARG_MULTIPLE},
    {0}};
static const modis_arg key_only_args[] = {
    {.name = "key", .type = MODIS_ARG_KEY, .key_spec_index = 0}, {0}};
static const modis_arg wait_args[] = {
    {.name = "key", .type = MODIS_ARG_KEY, .key_spec_index = 0, .flags = MODIS_ARG_MULTIPLE},
    {.name = "timeout", .type = MODIS_ARG_DOUBLE, .summary = "seconds; 0 waits forever"},
    {0}};

static const modis_history push_history[] = {{"1.1.0", "Accepts more than one message."},
                                             {NULL, NULL}};

static const modis_command stats_subcommands[] = {
    {.name = "get",
     .handler = cmd_hello_stats_get,
     .arity = 2,
     .flags = "fast",
     .summary = "Reports the module's counters and greeting.",
     .since = "1.0.0",
     .group = "module",
     .complexity = "O(1)",
     .tips = "nondeterministic_output"},
    {.name = "reset",
     .handler = cmd_hello_stats_reset,
     .arity = 2,
     .flags = "fast",
     .summary = "Sets the module's counters back to zero.",
     .since = "1.0.0",
     .group = "module",
     .complexity = "O(1)"},
    {0}};

const modis_command hello_commands[] = {
    {.name = "hello.greet",
     .handler = cmd_hello_greet,
     .arity = -1,
     .flags = "fast",
     .acl_categories = "connection",
     .summary = "Answers with a greeting for a name.",
     .since = "1.0.0",
     .group = "module",
     .complexity = "O(1)",
     .args = greet_args},
    {.name = "hello.push",
     .handler = cmd_hello_push,
     .arity = -3,
     .flags = "write denyoom fast",
     .acl_categories = "list",
     .key_specs = push_keys,
     .summary = "Appends messages to a queue and wakes a waiting client.",
     .since = "1.0.0",
     .group = "module",
     .history = push_history,
     .complexity = "O(1) for each message added, O(N) to add N messages",
     .args = push_args},
    {.name = "hello.pop",
     .handler = cmd_hello_pop,
     .arity = 2,
     .flags = "write fast",
     .acl_categories = "list",
     .key_specs = pop_keys,
     .summary = "Removes and returns the oldest message of a queue.",
     .since = "1.0.0",
     .group = "module",
     .complexity = "O(1)",
     .args = key_only_args},
    {.name = "hello.len",
     .handler = cmd_hello_len,
     .arity = 2,
     .flags = "readonly fast",
     .acl_categories = "list",
     .key_specs = len_keys,
     .summary = "Counts the messages a queue holds.",
     .since = "1.0.0",
     .group = "module",
     .complexity = "O(1)",
     .args = key_only_args},
    {.name = "hello.wait",
     .handler = cmd_hello_wait,
     .arity = -3,
     .flags = "write blocking",
     .acl_categories = "list",
     .key_specs = wait_keys,
     .summary = "Pops the oldest message of the first non-empty queue, waiting for one if needed.",
     .since = "1.0.0",
     .group = "module",
     .complexity = "O(N) where N is the number of keys",
     .args = wait_args},
    {.name = "hello.stats",
     .handler = NULL,
     .arity = -2,
     .flags = "",
     .summary = "A container for the module's statistics commands.",
     .since = "1.0.0",
     .group = "module",
     .complexity = "Depends on subcommand.",
     .subcommands = stats_subcommands},
    {0}};
