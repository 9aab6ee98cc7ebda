/* test_block.c: unit tests for clients blocked on keys (core/block.c), without sockets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "block.h"
#include "db.h"
#include "dispatch.h"
#include "info.h"
#include "multi.h"
#include "reply.h"

/* main.c is not linked: the global the core reads lives here. */
server_state server;

/* A string literal as (pointer, length), NUL bytes included. */
#define LIT(s) s, sizeof(s) - 1

static char fake_name[] = "fake", other_name[] = "other";
static modis_type fake_type, other_type;

/*
 * BPOP key [key ...] deadline_ms: pops (deletes) the first key holding a value
 * of its type and replies with the key's name; otherwise blocks until the
 * absolute deadline (0 = forever). BPOP waits for fake_type, OPOP for other_type.
 */
static void pop_generic(modis_ctx *ctx, const modis_str *argv, int argc, modis_type *t)
{
    client *c = ctx->c;
    for (int i = 1; i < argc - 1; i++) {
        entry *e = db_lookup(c->db, argv[i].ptr, argv[i].len, ctx->now_ms);
        if (e && entry_type(e) == t) {
            reply_bulk(c, argv[i].ptr, argv[i].len);
            db_delete(c->db, argv[i].ptr, argv[i].len);
            return;
        }
    }
    char num[32];
    size_t n = argv[argc - 1].len < sizeof num - 1 ? argv[argc - 1].len : sizeof num - 1;
    memcpy(num, argv[argc - 1].ptr, n);
    num[n] = '\0';
    block_client(ctx, argv + 1, argc - 2, t, strtoll(num, NULL, 10), NULL);
}

static void cmd_bpop(modis_ctx *ctx, const modis_str *argv, int argc)
{
    pop_generic(ctx, argv, argc, &fake_type);
}

static void cmd_opop(modis_ctx *ctx, const modis_str *argv, int argc)
{
    pop_generic(ctx, argv, argc, &other_type);
}

static const modis_command pop_commands[] = {
    {.name = "bpop", .handler = cmd_bpop, .arity = -3, .flags = "write blocking"},
    {.name = "opop", .handler = cmd_opop, .arity = -3, .flags = "write blocking"},
    {0}};

static int setup(void **state)
{
    (void)state;
    server.cfg.databases = 2;
    db_init_all(2);
    server.loop = ev_create(64);
    dispatch_init();
    fake_type = (modis_type){.id = 1, .m = {.name = "fake"}, .name = fake_name};
    other_type = (modis_type){.id = 2, .m = {.name = "other"}, .name = other_name};
    server.types[1] = &fake_type;
    server.types[2] = &other_type;
    char err[256];
    for (const modis_command *d = pop_commands; d->name; d++)
        assert_int_equal(dispatch_register(NULL, d, err, sizeof err), 0);
    assert_int_equal(multi_register_commands(err, sizeof err), 0);
    server.blocked_clients = 0;
    server.nunblocked = 0;
    server.pending_write = NULL;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    block_handle_ready();
    dispatch_deinit();
    info_deinit();
    server.ncommands = 0;
    db_free_all();
    ev_free(server.loop);
    server.loop = NULL;
    zfree(server.unblocked);
    server.unblocked = NULL;
    server.nunblocked = server.capunblocked = 0;
    server.pending_write = NULL;
    return 0;
}

static client *client_new(void)
{
    client *c = zcalloc(sizeof *c);
    c->resp = 2;
    c->reply_mode = MODIS_REPLY_ON;
    c->db = &server.dbs[0];
    return c;
}

static void client_del(client *c)
{
    block_remove(c);
    multi_reset(c);
    reply_free_all(c);
    zfree(c->buf);
    zfree(c);
}

/* Runs a request given as C strings through dispatch_process. */
static void run(client *c, const char *const *words, int argc)
{
    modis_str argv[8];
    for (int i = 0; i < argc; i++) {
        argv[i].ptr = words[i];
        argv[i].len = strlen(words[i]);
    }
    assert_int_equal(dispatch_process(c, argv, argc), 0);
}

/* s[0..n) with CR and LF shown as \r and \n, for failure messages. */
static const char *escaped(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 3 < cap; i++) {
        if (s[i] == '\r' || s[i] == '\n') {
            out[o++] = '\\';
            out[o++] = s[i] == '\r' ? 'r' : 'n';
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

/* Asserts c's output is exactly want (NUL-free) and forgets it. */
static void expect(client *c, const char *want)
{
    size_t n = c->bufpos;
    if (n != strlen(want) || memcmp(c->buf, want, n) != 0 || c->chead) {
        char g[256], w[256];
        fail_msg("output \"%s\", want \"%s\"", escaped(c->buf ? c->buf : "", n, g, sizeof g),
                 escaped(want, strlen(want), w, sizeof w));
    }
    reply_free_all(c);
}

static void set_key(int dbi, const char *key, modis_type *t)
{
    unsigned char *area = db_set(&server.dbs[dbi], key, strlen(key), t, 1, 0, NULL);
    area[0] = 'v';
}

static void client_blocks_on_a_missing_key_and_is_served_when_it_appears(void **state)
{
    (void)state;
    client *a = client_new();
    const char *req[] = {"bpop", "k", "0"};
    run(a, req, 3);
    assert_true(a->flags & CLIENT_BLOCKED);
    assert_non_null(a->bs);
    assert_int_equal(server.blocked_clients, 1);
    assert_int_equal(a->bufpos, 0);
    assert_int_equal(htab_size(&server.dbs[0].waiting), 1);
    command *bpop = dispatch_lookup(LIT("bpop"));
    assert_int_equal(bpop->calls, 0); /* counted when served */

    set_key(0, "k", &fake_type);
    block_handle_ready();
    expect(a, "$1\r\nk\r\n");
    assert_int_equal(a->flags & CLIENT_BLOCKED, 0);
    assert_true(a->flags & CLIENT_UNBLOCKED);
    assert_null(a->bs);
    assert_int_equal(server.blocked_clients, 0);
    assert_int_equal(server.nunblocked, 1);
    assert_ptr_equal(server.unblocked[0], a);
    assert_null(db_find(&server.dbs[0], LIT("k")));
    assert_int_equal(htab_size(&server.dbs[0].waiting), 0);
    assert_int_equal(bpop->calls, 1);
    client_del(a);
}

static void an_existing_key_is_served_without_blocking(void **state)
{
    (void)state;
    client *a = client_new();
    set_key(0, "k", &fake_type);
    const char *req[] = {"bpop", "k", "0"};
    run(a, req, 3);
    expect(a, "$1\r\nk\r\n");
    assert_int_equal(a->flags & CLIENT_BLOCKED, 0);
    assert_int_equal(server.blocked_clients, 0);
    client_del(a);
}

static void waiters_are_served_oldest_first_one_value_each(void **state)
{
    (void)state;
    client *a = client_new(), *b = client_new(), *c = client_new();
    const char *req[] = {"bpop", "k", "0"};
    run(a, req, 3);
    run(b, req, 3);
    run(c, req, 3);
    assert_int_equal(server.blocked_clients, 3);

    set_key(0, "k", &fake_type);
    block_handle_ready();
    expect(a, "$1\r\nk\r\n");
    assert_int_equal(b->bufpos, 0);
    assert_int_equal(c->bufpos, 0);
    assert_true(b->flags & CLIENT_BLOCKED);
    assert_true(c->flags & CLIENT_BLOCKED);

    set_key(0, "k", &fake_type);
    block_handle_ready();
    expect(b, "$1\r\nk\r\n");
    assert_int_equal(c->bufpos, 0);
    assert_int_equal(server.blocked_clients, 1);
    client_del(a);
    client_del(b);
    client_del(c);
    assert_int_equal(server.blocked_clients, 0);
    assert_int_equal(htab_size(&server.dbs[0].waiting), 0);
}

static void a_client_on_several_keys_is_served_by_any_and_leaves_all(void **state)
{
    (void)state;
    client *a = client_new();
    const char *req[] = {"bpop", "k1", "k2", "k1", "0"};
    run(a, req, 5);
    assert_int_equal(htab_size(&server.dbs[0].waiting), 2);
    set_key(0, "k2", &fake_type);
    block_handle_ready();
    expect(a, "$2\r\nk2\r\n");
    assert_int_equal(htab_size(&server.dbs[0].waiting), 0);
    /* Nothing left that could serve it twice. */
    set_key(0, "k1", &fake_type);
    block_handle_ready();
    assert_int_equal(a->bufpos, 0);
    assert_non_null(db_find(&server.dbs[0], LIT("k1")));
    client_del(a);
}

static void a_key_in_another_db_does_not_wake_the_client(void **state)
{
    (void)state;
    client *a = client_new();
    const char *req[] = {"bpop", "k", "0"};
    run(a, req, 3);
    set_key(1, "k", &fake_type);
    block_handle_ready();
    assert_int_equal(a->bufpos, 0);
    assert_true(a->flags & CLIENT_BLOCKED);
    /* SWAPDB brings it into the client's db, and that serves it. */
    db_swap(0, 1);
    block_handle_ready();
    expect(a, "$1\r\nk\r\n");
    assert_null(db_find(&server.dbs[0], LIT("k")));
    client_del(a);
}

static void a_value_of_another_type_leaves_the_client_blocked(void **state)
{
    (void)state;
    client *a = client_new();
    const char *req[] = {"bpop", "k", "0"};
    run(a, req, 3);
    set_key(0, "k", &other_type);
    block_handle_ready();
    assert_int_equal(a->bufpos, 0);
    assert_true(a->flags & CLIENT_BLOCKED);
    assert_int_equal(server.blocked_clients, 1);
    client_del(a);
}

static long long stop_loop(ev_loop *loop, long long id, void *priv)
{
    (void)id;
    (void)priv;
    ev_stop(loop);
    return -1;
}

static void timeout_replies_the_null_array_and_unblocks(void **state)
{
    (void)state;
    client *a = client_new(), *b = client_new();
    char deadline[32];
    snprintf(deadline, sizeof deadline, "%lld", ev_mstime() + 20);
    const char *req[] = {"bpop", "k", deadline};
    run(a, req, 3);
    const char *forever[] = {"bpop", "k", "0"};
    run(b, forever, 3);
    assert_int_equal(server.blocked_clients, 2);

    ev_add_timer(server.loop, 200, stop_loop, NULL);
    ev_run(server.loop);
    expect(a, "*-1\r\n");
    assert_int_equal(a->flags & CLIENT_BLOCKED, 0);
    assert_true(a->flags & CLIENT_UNBLOCKED);
    assert_int_equal(server.blocked_clients, 1);
    /* The client without a deadline is still waiting, alone. */
    assert_true(b->flags & CLIENT_BLOCKED);
    assert_int_equal(b->bufpos, 0);
    set_key(0, "k", &fake_type);
    block_handle_ready();
    expect(b, "$1\r\nk\r\n");
    client_del(a);
    client_del(b);
}

static void served_client_timer_is_cancelled(void **state)
{
    (void)state;
    client *a = client_new();
    char deadline[32];
    snprintf(deadline, sizeof deadline, "%lld", ev_mstime() + 20);
    const char *req[] = {"bpop", "k", deadline};
    run(a, req, 3);
    set_key(0, "k", &fake_type);
    block_handle_ready();
    expect(a, "$1\r\nk\r\n");
    /* Past the deadline: no late timeout reply. */
    ev_add_timer(server.loop, 60, stop_loop, NULL);
    ev_run(server.loop);
    assert_int_equal(a->bufpos, 0);
    client_del(a);
}

static void unblock_replies_as_timeout_or_as_error(void **state)
{
    (void)state;
    client *a = client_new();
    const char *req[] = {"bpop", "k", "0"};
    run(a, req, 3);
    assert_int_equal(block_unblock(a, 0), 0);
    expect(a, "*-1\r\n");
    assert_int_equal(server.blocked_clients, 0);
    assert_int_equal(block_unblock(a, 0), -1);

    run(a, req, 3);
    assert_int_equal(block_unblock(a, 1), 0);
    expect(a, "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
    assert_int_equal(htab_size(&server.dbs[0].waiting), 0);
    client_del(a);
}

static void remove_on_disconnect_replies_nothing_and_frees_the_place(void **state)
{
    (void)state;
    client *a = client_new(), *b = client_new();
    const char *req[] = {"bpop", "k", "0"};
    run(a, req, 3);
    run(b, req, 3);
    block_remove(a);
    assert_int_equal(a->bufpos, 0);
    assert_int_equal(a->flags & CLIENT_BLOCKED, 0);
    assert_int_equal(server.blocked_clients, 1);
    /* The next value goes to b, which is now first. */
    set_key(0, "k", &fake_type);
    block_handle_ready();
    expect(b, "$1\r\nk\r\n");
    assert_int_equal(a->bufpos, 0);
    client_del(a);
    client_del(b);
}

static void blocking_inside_exec_replies_at_once(void **state)
{
    (void)state;
    client *a = client_new();
    const char *multi[] = {"multi"}, *req[] = {"bpop", "k", "0"}, *exec[] = {"exec"};
    run(a, multi, 1);
    run(a, req, 3);
    run(a, exec, 1);
    expect(a, "+OK\r\n+QUEUED\r\n*1\r\n*-1\r\n");
    assert_int_equal(a->flags & CLIENT_BLOCKED, 0);
    assert_int_equal(server.blocked_clients, 0);
    assert_int_equal(htab_size(&server.dbs[0].waiting), 0);
    client_del(a);
}

/* Regression (serve_key used to stop at the first waiter of another type): the
 * contract of block_on_keys says a client waits until the key "holds a value
 * of `type`", so b must be served even though a, waiting for another type,
 * is ahead of it. */
static void a_waiter_for_another_type_does_not_starve_later_waiters(void **state)
{
    (void)state;
    client *a = client_new(), *b = client_new();
    const char *oreq[] = {"opop", "k", "0"}, *breq[] = {"bpop", "k", "0"};
    run(a, oreq, 3);
    run(b, breq, 3);
    set_key(0, "k", &fake_type);
    block_handle_ready();
    expect(b, "$1\r\nk\r\n");
    assert_true(a->flags & CLIENT_BLOCKED);
    client_del(a);
    client_del(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(client_blocks_on_a_missing_key_and_is_served_when_it_appears),
        T(an_existing_key_is_served_without_blocking),
        T(waiters_are_served_oldest_first_one_value_each),
        T(a_client_on_several_keys_is_served_by_any_and_leaves_all),
        T(a_key_in_another_db_does_not_wake_the_client),
        T(a_value_of_another_type_leaves_the_client_blocked),
        T(timeout_replies_the_null_array_and_unblocks),
        T(served_client_timer_is_cancelled),
        T(unblock_replies_as_timeout_or_as_error),
        T(remove_on_disconnect_replies_nothing_and_frees_the_place),
        T(blocking_inside_exec_replies_at_once),
        T(a_waiter_for_another_type_does_not_starve_later_waiters),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
