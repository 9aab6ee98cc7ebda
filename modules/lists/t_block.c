/* t_block.c: pops that may wait for data (BLPOP BRPOP BLMPOP BLMOVE BRPOPLPUSH), and LMPOP.
 *
 * A blocking handler first tries to serve the client at once; when every
 * key is missing it calls block_on_keys. When a key becomes ready the core
 * runs the same handler again with the same argv (is_reexec); if it still
 * finds nothing (another waiter took the data, or the key holds another
 * type) it blocks again and the client keeps its place in the queue.
 * Served waiters are propagated as the non-blocking command Redis writes
 * to its AOF: BLPOP as LPOP, BLMPOP as LPOP key count, BLMOVE as LMOVE,
 * BRPOPLPUSH as RPOPLPUSH.
 */
#include <limits.h>

#include "lists.h"

#include <string.h>

/* Parses "numkeys key [key ...] <LEFT | RIGHT> [COUNT count]" from
 * argv[idx] on, as Redis's lmpopGenericCommand; replies the error and
 * returns MODIS_ERR on bad input. */
static int mpop_parse(modis_ctx *ctx, const modis_str *argv, int argc, int idx, long *numkeys,
                      int *where, long *count)
{
    long where_idx;

    if (arg_range_or_reply(ctx, &argv[idx], 1, LONG_MAX, "numkeys should be greater than 0",
                           numkeys) != MODIS_OK)
        return MODIS_ERR;
    if (*numkeys > (long)argc - idx - 2) {
        M->reply_error(ctx, MODIS_ERR_SYNTAX);
        return MODIS_ERR;
    }
    where_idx = idx + *numkeys + 1;
    if (arg_where_or_reply(ctx, &argv[where_idx], where) != MODIS_OK)
        return MODIS_ERR;
    *count = -1;
    for (long j = where_idx + 1; j < argc; j++) {
        long moreargs = argc - 1 - j;
        if (*count == -1 && arg_is(&argv[j], "count") && moreargs) {
            j++;
            if (arg_range_or_reply(ctx, &argv[j], 1, LONG_MAX, "count should be greater than 0",
                                   count) != MODIS_OK)
                return MODIS_ERR;
        } else {
            M->reply_error(ctx, MODIS_ERR_SYNTAX);
            return MODIS_ERR;
        }
    }
    if (*count == -1)
        *count = 1;
    return MODIS_OK;
}

/* Serves the client from the first of keys that holds a list: one element
 * ([key, element]) when count is -1, else up to count ([key, [elements]]).
 * Returns 1 when it replied (served or WRONGTYPE), 0 when every key was
 * missing. On a re-run after a key became ready, a key of another type is
 * skipped instead of failing the waiter. */
static int pop_first_ready(modis_ctx *ctx, const modis_str *keys, int nkeys, int where, long count)
{
    modis_db *db = M->db(ctx);
    int reexec = M->is_reexec(ctx);

    /* On a re-run, the key that woke us goes first, as Redis serves it. */
    int first = -1;
    const modis_str *rk = reexec && MODIS_API_HAS(M, ready_key) ? M->ready_key(ctx) : NULL;
    for (int j = 0; rk && j < nkeys; j++) {
        if (keys[j].len == rk->len && memcmp(keys[j].ptr, rk->ptr, rk->len) == 0) {
            first = j;
            break;
        }
    }
    for (int t = first < 0 ? 0 : -1; t < nkeys; t++) {
        int j = t < 0 ? first : t;
        if (t >= 0 && j == first)
            continue;
        qlist *ql = NULL;
        int r = list_lookup(ctx, db, &keys[j], MODIS_LOOKUP_WRITE, &ql);
        if (r == MODIS_KEY_MISSING)
            continue;
        if (r == MODIS_KEY_WRONGTYPE) {
            if (reexec)
                continue;
            M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
            return 1;
        }
        if (count != -1) {
            long n = count > (long)ql->count ? (long)ql->count : count;
            pop_range_with_key(ctx, db, &keys[j], ql, where, count);
            propagate_pop(ctx, where, &keys[j], n);
        } else {
            ql_elem e;
            ql_peek(ql, where, &e);
            M->reply_array(ctx, 2);
            M->reply_bulk(ctx, keys[j].ptr, keys[j].len);
            M->reply_bulk(ctx, e.ptr, e.len);
            ql_trim(ql, where, 1);
            list_written(ctx, db, &keys[j], ql);
            propagate_pop(ctx, where, &keys[j], -1);
        }
        return 1;
    }
    return 0;
}

/* The blocking pops: parses the timeout, serves the client or blocks it. */
static void bpop_generic(modis_ctx *ctx, const modis_str *keys, int nkeys,
                         const modis_str *timeout_arg, int where, long count)
{
    long long timeout;

    if (M->parse_timeout(ctx, timeout_arg, &timeout) != MODIS_OK)
        return;
    if (pop_first_ready(ctx, keys, nkeys, where, count))
        return;
    M->block_on_keys(ctx, keys, nkeys, list_type, timeout, NULL);
}

/* LMPOP numkeys key [key ...] <LEFT | RIGHT> [COUNT count] */
static void cmd_lmpop(modis_ctx *ctx, const modis_str *argv, int argc)
{
    long numkeys, count;
    int where;

    if (mpop_parse(ctx, argv, argc, 1, &numkeys, &where, &count) != MODIS_OK)
        return;
    if (!pop_first_ready(ctx, &argv[2], (int)numkeys, where, count))
        M->reply_null_array(ctx);
}

/* BLPOP key [key ...] timeout */
static void cmd_blpop(modis_ctx *ctx, const modis_str *argv, int argc)
{
    bpop_generic(ctx, &argv[1], argc - 2, &argv[argc - 1], QL_HEAD, -1);
}

/* BRPOP key [key ...] timeout */
static void cmd_brpop(modis_ctx *ctx, const modis_str *argv, int argc)
{
    bpop_generic(ctx, &argv[1], argc - 2, &argv[argc - 1], QL_TAIL, -1);
}

/* BLMPOP timeout numkeys key [key ...] <LEFT | RIGHT> [COUNT count] */
static void cmd_blmpop(modis_ctx *ctx, const modis_str *argv, int argc)
{
    long numkeys, count;
    int where;

    if (mpop_parse(ctx, argv, argc, 2, &numkeys, &where, &count) != MODIS_OK)
        return;
    bpop_generic(ctx, &argv[3], (int)numkeys, &argv[1], where, count);
}

/* Moves an element from argv[1] to argv[2] or blocks on argv[1]; a move is
 * propagated as the rewritten command `as` (argc_as arguments of argv with
 * argv[0] replaced). */
static void bmove_generic(modis_ctx *ctx, const modis_str *argv, int wherefrom, int whereto,
                          const modis_str *timeout_arg, const char *as, int argc_as)
{
    modis_db *db = M->db(ctx);
    long long timeout;
    qlist *ql = NULL;
    int r;

    if (M->parse_timeout(ctx, timeout_arg, &timeout) != MODIS_OK)
        return;
    r = list_lookup(ctx, db, &argv[1], MODIS_LOOKUP_WRITE, &ql);
    if (r == MODIS_KEY_WRONGTYPE && !M->is_reexec(ctx)) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
        return;
    }
    if (r != MODIS_KEY_FOUND) {
        /* Redis 7.0 answers a null bulk when it may not block (MULTI), but
         * a null array when a blocked BLMOVE times out. */
        if (M->in_multi(ctx))
            M->reply_null(ctx);
        else
            M->block_on_keys(ctx, &argv[1], 1, list_type, timeout, NULL);
        return;
    }
    if (move_element(ctx, db, &argv[1], ql, &argv[2], wherefrom, whereto) == MODIS_OK) {
        modis_str pv[5];
        pv[0].ptr = as;
        pv[0].len = 0;
        while (as[pv[0].len])
            pv[0].len++;
        for (int i = 1; i < argc_as; i++)
            pv[i] = argv[i];
        M->propagate(ctx, pv, argc_as);
    }
}

/* BLMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT> timeout */
static void cmd_blmove(modis_ctx *ctx, const modis_str *argv, int argc)
{
    int wherefrom, whereto;
    (void)argc;

    if (arg_where_or_reply(ctx, &argv[3], &wherefrom) != MODIS_OK ||
        arg_where_or_reply(ctx, &argv[4], &whereto) != MODIS_OK)
        return;
    bmove_generic(ctx, argv, wherefrom, whereto, &argv[5], "LMOVE", 5);
}

/* BRPOPLPUSH source destination timeout */
static void cmd_brpoplpush(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    bmove_generic(ctx, argv, QL_TAIL, QL_HEAD, &argv[3], "RPOPLPUSH", 3);
}

void t_block_bind(void)
{
    lists_set_handler("lmpop", cmd_lmpop);
    lists_set_handler("blpop", cmd_blpop);
    lists_set_handler("brpop", cmd_brpop);
    lists_set_handler("blmpop", cmd_blmpop);
    lists_set_handler("blmove", cmd_blmove);
    lists_set_handler("brpoplpush", cmd_brpoplpush);
}
