/* t_list.c: the non-blocking list commands (push, pop, read, edit, LPOS, LMOVE). */
#include <limits.h>

#include "lists.h"

/* ---------------------------------------------------------------------------
 * Push and pop
 * ------------------------------------------------------------------------- */

/* Pushes argv[2..] at `where` of the list at argv[1]; with xx only when the
 * list exists. Replies the new length. */
static void push_generic(modis_ctx *ctx, const modis_str *argv, int argc, int where, int xx)
{
    modis_db *db = M->db(ctx);
    qlist *ql = NULL;
    int r = list_lookup(ctx, db, &argv[1], MODIS_LOOKUP_WRITE, &ql);

    if (r == MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
        return;
    }
    if (r == MODIS_KEY_MISSING) {
        if (xx) {
            M->reply_int(ctx, 0);
            return;
        }
        ql = list_create_key(ctx, db, &argv[1]);
    }
    for (int j = 2; j < argc; j++)
        ql_push(ql, where, argv[j].ptr, argv[j].len);
    M->reply_int(ctx, (long long)ql->count);
    M->signal_modified(ctx, db, &argv[1]);
    M->propagate_verbatim(ctx);
}

/* LPUSH key element [element ...] */
static void cmd_lpush(modis_ctx *ctx, const modis_str *argv, int argc)
{
    push_generic(ctx, argv, argc, QL_HEAD, 0);
}

/* RPUSH key element [element ...] */
static void cmd_rpush(modis_ctx *ctx, const modis_str *argv, int argc)
{
    push_generic(ctx, argv, argc, QL_TAIL, 0);
}

/* LPUSHX key element [element ...] */
static void cmd_lpushx(modis_ctx *ctx, const modis_str *argv, int argc)
{
    push_generic(ctx, argv, argc, QL_HEAD, 1);
}

/* RPUSHX key element [element ...] */
static void cmd_rpushx(modis_ctx *ctx, const modis_str *argv, int argc)
{
    push_generic(ctx, argv, argc, QL_TAIL, 1);
}

/* Pops one element (a bulk reply) or, with a count, up to count elements
 * (an array) from `where` of the list at argv[1]. */
static void pop_generic(modis_ctx *ctx, const modis_str *argv, int argc, int where)
{
    modis_db *db = M->db(ctx);
    int hascount = argc == 3;
    long count = 0;
    qlist *ql = NULL;
    int r;

    if (argc > 3) {
        M->reply_errorf(ctx, "ERR wrong number of arguments for '%s' command",
                        where == QL_HEAD ? "lpop" : "rpop");
        return;
    }
    if (hascount &&
        arg_range_or_reply(ctx, &argv[2], 0, LONG_MAX, "value is out of range, must be positive",
                           &count) != MODIS_OK)
        return;
    r = list_lookup(ctx, db, &argv[1], MODIS_LOOKUP_WRITE, &ql);
    if (r == MODIS_KEY_MISSING) {
        if (hascount)
            M->reply_null_array(ctx);
        else
            M->reply_null(ctx);
        return;
    }
    if (r == MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
        return;
    }
    if (hascount && count == 0) {
        M->reply_array(ctx, 0);
        return;
    }
    if (!hascount) {
        ql_elem e;
        ql_peek(ql, where, &e);
        M->reply_bulk(ctx, e.ptr, e.len);
        ql_trim(ql, where, 1);
    } else {
        long llen = (long)ql->count;
        long n = count > llen ? llen : count;
        reply_list_range(ctx, ql, where == QL_HEAD ? 0 : llen - 1, n, where == QL_TAIL);
        ql_trim(ql, where, (size_t)n);
    }
    list_written(ctx, db, &argv[1], ql);
    M->propagate_verbatim(ctx);
}

/* LPOP key [count] */
static void cmd_lpop(modis_ctx *ctx, const modis_str *argv, int argc)
{
    pop_generic(ctx, argv, argc, QL_HEAD);
}

/* RPOP key [count] */
static void cmd_rpop(modis_ctx *ctx, const modis_str *argv, int argc)
{
    pop_generic(ctx, argv, argc, QL_TAIL);
}

/* ---------------------------------------------------------------------------
 * Reads
 * ------------------------------------------------------------------------- */

/* LLEN key */
static void cmd_llen(modis_ctx *ctx, const modis_str *argv, int argc)
{
    qlist *ql = NULL;
    int r = list_lookup(ctx, M->db(ctx), &argv[1], MODIS_LOOKUP_READ, &ql);
    (void)argc;

    if (r == MODIS_KEY_WRONGTYPE)
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
    else
        M->reply_int(ctx, r == MODIS_KEY_FOUND ? (long long)ql->count : 0);
}

/* Redis's range arithmetic shared by LRANGE and LTRIM: negative indexes count
 * from the end, then the range is clamped to the list. Returns 0 when it is
 * empty, 1 with *start..*end inside [0, llen). */
static int clamp_range(long llen, long *start, long *end)
{
    if (*start < 0)
        *start = llen + *start;
    if (*end < 0)
        *end = llen + *end;
    if (*start < 0)
        *start = 0;
    if (*start > *end || *start >= llen)
        return 0;
    if (*end >= llen)
        *end = llen - 1;
    return 1;
}

/* LRANGE key start stop */
static void cmd_lrange(modis_ctx *ctx, const modis_str *argv, int argc)
{
    long start, end, llen;
    qlist *ql = NULL;
    int r;
    (void)argc;

    if (arg_long_or_reply(ctx, &argv[2], &start) != MODIS_OK ||
        arg_long_or_reply(ctx, &argv[3], &end) != MODIS_OK)
        return;
    r = list_lookup(ctx, M->db(ctx), &argv[1], MODIS_LOOKUP_READ, &ql);
    if (r == MODIS_KEY_MISSING) {
        M->reply_array(ctx, 0);
        return;
    }
    if (r == MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
        return;
    }
    llen = (long)ql->count;
    if (!clamp_range(llen, &start, &end)) {
        M->reply_array(ctx, 0);
        return;
    }
    reply_list_range(ctx, ql, start, end - start + 1, 0);
}

/* LINDEX key index */
static void cmd_lindex(modis_ctx *ctx, const modis_str *argv, int argc)
{
    qlist *ql = NULL;
    long index;
    ql_elem e;
    int r = list_lookup(ctx, M->db(ctx), &argv[1], MODIS_LOOKUP_READ, &ql);
    (void)argc;

    if (r == MODIS_KEY_MISSING) {
        M->reply_null(ctx);
        return;
    }
    if (r == MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
        return;
    }
    if (arg_long_or_reply(ctx, &argv[2], &index) != MODIS_OK)
        return;
    if (ql_index(ql, index, &e))
        M->reply_bulk(ctx, e.ptr, e.len);
    else
        M->reply_null(ctx);
}

/* LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
 * A negative RANK searches from the tail. RANK LONG_MIN keeps Redis 7.0's
 * wrapping arithmetic (it finds every match from the tail). */
static void cmd_lpos(modis_ctx *ctx, const modis_str *argv, int argc)
{
    long rank = 1, count = -1, maxlen = 0;
    long llen, index = 0, matches = 0, matchindex = -1, arraylen = 0;
    int direction = QL_TAIL;
    void *alen = NULL;
    qlist *ql = NULL;
    ql_iter it;
    ql_elem e;
    int r;

    for (int j = 3; j < argc; j++) {
        int moreargs = argc - 1 - j;
        if (arg_is(&argv[j], "rank") && moreargs) {
            j++;
            if (arg_long_or_reply(ctx, &argv[j], &rank) != MODIS_OK)
                return;
            if (rank == 0) {
                M->reply_error(ctx, "ERR RANK can't be zero: use 1 to start from the first match, "
                                    "2 from the second ... or use negative to start from the "
                                    "end of the list");
                return;
            }
        } else if (arg_is(&argv[j], "count") && moreargs) {
            j++;
            if (arg_range_or_reply(ctx, &argv[j], 0, LONG_MAX, "COUNT can't be negative", &count) !=
                MODIS_OK)
                return;
        } else if (arg_is(&argv[j], "maxlen") && moreargs) {
            j++;
            if (arg_range_or_reply(ctx, &argv[j], 0, LONG_MAX, "MAXLEN can't be negative",
                                   &maxlen) != MODIS_OK)
                return;
        } else {
            M->reply_error(ctx, MODIS_ERR_SYNTAX);
            return;
        }
    }
    if (rank < 0) {
        rank = (long)(0UL - (unsigned long)rank);
        direction = QL_HEAD;
    }
    r = list_lookup(ctx, M->db(ctx), &argv[1], MODIS_LOOKUP_READ, &ql);
    if (r == MODIS_KEY_MISSING) {
        if (count != -1)
            M->reply_array(ctx, 0);
        else
            M->reply_null(ctx);
        return;
    }
    if (r == MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
        return;
    }
    if (count != -1)
        alen = M->reply_array(ctx, MODIS_POSTPONED_LEN);
    llen = (long)ql->count;
    ql_iter_init(ql, &it, direction == QL_HEAD ? -1 : 0, direction);
    while ((maxlen == 0 || index < maxlen) && ql_iter_next(&it, &e)) {
        if (ql_elem_eq(&e, argv[2].ptr, argv[2].len)) {
            matches++;
            matchindex = direction == QL_TAIL ? index : llen - index - 1;
            if (matches >= rank) {
                if (!alen)
                    break;
                arraylen++;
                M->reply_int(ctx, matchindex);
                if (count && (long)((unsigned long)matches - (unsigned long)rank + 1UL) >= count)
                    break;
            }
        }
        index++;
        matchindex = -1;
    }
    if (alen)
        M->reply_set_len(ctx, alen, arraylen);
    else if (matchindex != -1)
        M->reply_int(ctx, matchindex);
    else
        M->reply_null(ctx);
}

/* ---------------------------------------------------------------------------
 * Edits
 * ------------------------------------------------------------------------- */

/* LSET key index element */
static void cmd_lset(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    qlist *ql = NULL;
    long index;
    int r = list_lookup(ctx, db, &argv[1], MODIS_LOOKUP_WRITE, &ql);
    (void)argc;

    if (r == MODIS_KEY_MISSING) {
        M->reply_error(ctx, MODIS_ERR_NO_SUCH_KEY);
        return;
    }
    if (r == MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
        return;
    }
    if (arg_long_or_reply(ctx, &argv[2], &index) != MODIS_OK)
        return;
    if (!ql_replace(ql, index, argv[3].ptr, argv[3].len)) {
        M->reply_error(ctx, MODIS_ERR_OUT_OF_RANGE);
        return;
    }
    M->reply_ok(ctx);
    M->signal_modified(ctx, db, &argv[1]);
    M->propagate_verbatim(ctx);
}

/* LINSERT key <BEFORE | AFTER> pivot element */
static void cmd_linsert(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    int where, r;
    qlist *ql = NULL;
    ql_iter it;
    ql_elem e;
    (void)argc;

    if (arg_is(&argv[2], "after")) {
        where = QL_TAIL;
    } else if (arg_is(&argv[2], "before")) {
        where = QL_HEAD;
    } else {
        M->reply_error(ctx, MODIS_ERR_SYNTAX);
        return;
    }
    r = list_lookup(ctx, db, &argv[1], MODIS_LOOKUP_WRITE, &ql);
    if (r == MODIS_KEY_MISSING) {
        M->reply_int(ctx, 0);
        return;
    }
    if (r == MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
        return;
    }
    ql_iter_init(ql, &it, 0, QL_TAIL);
    while (ql_iter_next(&it, &e)) {
        if (ql_elem_eq(&e, argv[3].ptr, argv[3].len)) {
            ql_iter_insert(&it, where, argv[4].ptr, argv[4].len);
            M->reply_int(ctx, (long long)ql->count);
            M->signal_modified(ctx, db, &argv[1]);
            M->propagate_verbatim(ctx);
            return;
        }
    }
    M->reply_int(ctx, -1);
}

/* LREM key count element
 * count > 0 removes from the head, < 0 from the tail, 0 every match. */
static void cmd_lrem(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    long toremove, removed = 0;
    qlist *ql = NULL;
    ql_iter it;
    ql_elem e;
    int r;
    (void)argc;

    if (arg_long_or_reply(ctx, &argv[2], &toremove) != MODIS_OK)
        return;
    r = list_lookup(ctx, db, &argv[1], MODIS_LOOKUP_WRITE, &ql);
    if (r == MODIS_KEY_MISSING) {
        M->reply_int(ctx, 0);
        return;
    }
    if (r == MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
        return;
    }
    if (toremove < 0) {
        /* LONG_MIN stays negative, as in Redis: then every match goes. */
        toremove = (long)(0UL - (unsigned long)toremove);
        ql_iter_init(ql, &it, -1, QL_HEAD);
    } else {
        ql_iter_init(ql, &it, 0, QL_TAIL);
    }
    while (ql_iter_next(&it, &e)) {
        if (ql_elem_eq(&e, argv[3].ptr, argv[3].len)) {
            ql_iter_delete(&it);
            removed++;
            if (toremove && removed == toremove)
                break;
        }
    }
    if (removed) {
        ql_compact(ql);
        list_written(ctx, db, &argv[1], ql);
        M->propagate_verbatim(ctx);
    }
    M->reply_int(ctx, removed);
}

/* LTRIM key start stop */
static void cmd_ltrim(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    long start, end, llen, ltrim, rtrim;
    qlist *ql = NULL;
    int r;
    (void)argc;

    if (arg_long_or_reply(ctx, &argv[2], &start) != MODIS_OK ||
        arg_long_or_reply(ctx, &argv[3], &end) != MODIS_OK)
        return;
    r = list_lookup(ctx, db, &argv[1], MODIS_LOOKUP_WRITE, &ql);
    if (r == MODIS_KEY_MISSING) {
        M->reply_ok(ctx);
        return;
    }
    if (r == MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
        return;
    }
    llen = (long)ql->count;
    if (!clamp_range(llen, &start, &end)) {
        ltrim = llen;
        rtrim = 0;
    } else {
        ltrim = start;
        rtrim = llen - end - 1;
    }
    ql_trim(ql, QL_HEAD, (size_t)ltrim);
    ql_trim(ql, QL_TAIL, (size_t)rtrim);
    list_written(ctx, db, &argv[1], ql); /* Redis signals even when nothing went */
    M->reply_ok(ctx);
    if (ltrim + rtrim > 0)
        M->propagate_verbatim(ctx);
}

/* ---------------------------------------------------------------------------
 * Moves
 * ------------------------------------------------------------------------- */

/* Moves one element from the source argv[1] to the destination argv[2]. */
static void move_generic(modis_ctx *ctx, const modis_str *argv, int wherefrom, int whereto)
{
    modis_db *db = M->db(ctx);
    qlist *ql = NULL;
    int r = list_lookup(ctx, db, &argv[1], MODIS_LOOKUP_WRITE, &ql);

    if (r == MODIS_KEY_MISSING) {
        M->reply_null(ctx);
        return;
    }
    if (r == MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, MODIS_ERR_WRONGTYPE);
        return;
    }
    if (move_element(ctx, db, &argv[1], ql, &argv[2], wherefrom, whereto) == MODIS_OK)
        M->propagate_verbatim(ctx);
}

/* LMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT> */
static void cmd_lmove(modis_ctx *ctx, const modis_str *argv, int argc)
{
    int wherefrom, whereto;
    (void)argc;

    if (arg_where_or_reply(ctx, &argv[3], &wherefrom) != MODIS_OK ||
        arg_where_or_reply(ctx, &argv[4], &whereto) != MODIS_OK)
        return;
    move_generic(ctx, argv, wherefrom, whereto);
}

/* RPOPLPUSH source destination */
static void cmd_rpoplpush(modis_ctx *ctx, const modis_str *argv, int argc)
{
    (void)argc;
    move_generic(ctx, argv, QL_TAIL, QL_HEAD);
}

void t_list_bind(void)
{
    lists_set_handler("lpush", cmd_lpush);
    lists_set_handler("rpush", cmd_rpush);
    lists_set_handler("lpushx", cmd_lpushx);
    lists_set_handler("rpushx", cmd_rpushx);
    lists_set_handler("lpop", cmd_lpop);
    lists_set_handler("rpop", cmd_rpop);
    lists_set_handler("llen", cmd_llen);
    lists_set_handler("lrange", cmd_lrange);
    lists_set_handler("lindex", cmd_lindex);
    lists_set_handler("lpos", cmd_lpos);
    lists_set_handler("lset", cmd_lset);
    lists_set_handler("linsert", cmd_linsert);
    lists_set_handler("lrem", cmd_lrem);
    lists_set_handler("ltrim", cmd_ltrim);
    lists_set_handler("lmove", cmd_lmove);
    lists_set_handler("rpoplpush", cmd_rpoplpush);
}
