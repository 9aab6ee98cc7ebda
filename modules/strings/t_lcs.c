/* t_lcs.c: LCS, the longest common subsequence of two string values. */
#include <stdint.h>
#include <string.h>

#include "strings.h"

/* The options of one LCS call. */
typedef struct lcs_opts {
    int getlen, getidx, withmatchlen;
    long long minmatchlen;
} lcs_opts;

/* Reads LEN, IDX, WITHMATCHLEN and MINMATCHLEN <len> from argv[3..].
 * Replies the error and returns MODIS_ERR on a bad option. */
static int lcs_parse(modis_ctx *ctx, const modis_str *argv, int argc, lcs_opts *o)
{
    for (int j = 3; j < argc; j++) {
        int moreargs = argc - 1 - j;

        if (util_arg_is(&argv[j], "idx")) {
            o->getidx = 1;
        } else if (util_arg_is(&argv[j], "len")) {
            o->getlen = 1;
        } else if (util_arg_is(&argv[j], "withmatchlen")) {
            o->withmatchlen = 1;
        } else if (util_arg_is(&argv[j], "minmatchlen") && moreargs) {
            if (!util_str_to_ll(argv[j + 1].ptr, argv[j + 1].len, &o->minmatchlen)) {
                M->reply_error(ctx, MODIS_ERR_NOT_INTEGER);
                return MODIS_ERR;
            }
            if (o->minmatchlen < 0)
                o->minmatchlen = 0;
            j++;
        } else {
            M->reply_error(ctx, MODIS_ERR_SYNTAX);
            return MODIS_ERR;
        }
    }
    if (o->getlen && o->getidx) {
        M->reply_error(ctx, "ERR If you want both the length and indexes, please just use IDX.");
        return MODIS_ERR;
    }
    return MODIS_OK;
}

/* Emits the IDX reply's matches (walking the table back from the end, as
 * Redis does, so the ranges come out last first) and fills result with the
 * LCS itself when it is not NULL. Returns the number of ranges emitted. */
static long lcs_walk(modis_ctx *ctx, const uint32_t *lcs, const char *a, uint32_t alen,
                     const char *b, uint32_t blen, const lcs_opts *o, char *result, int emit)
{
#define LCS(A, B) lcs[(size_t)(B) + (size_t)(A) * ((size_t)blen + 1)]
    uint32_t idx = LCS(alen, blen);
    uint32_t i = alen, j = blen;
    /* arange_start == alen means no range is open. */
    uint32_t arange_start = alen, arange_end = 0, brange_start = 0, brange_end = 0;
    long emitted = 0;

    while (i > 0 && j > 0) {
        int emit_range = 0;
        if (a[i - 1] == b[j - 1]) {
            result[idx - 1] = a[i - 1];
            if (arange_start == alen) {
                arange_start = i - 1;
                arange_end = i - 1;
                brange_start = j - 1;
                brange_end = j - 1;
            } else if (arange_start == i && brange_start == j) {
                /* Contiguous with the open range: extend it backwards. */
                arange_start--;
                brange_start--;
            } else {
                emit_range = 1;
            }
            if (arange_start == 0 || brange_start == 0)
                emit_range = 1;
            idx--;
            i--;
            j--;
        } else {
            uint32_t lcs1 = LCS(i - 1, j);
            uint32_t lcs2 = LCS(i, j - 1);
            if (lcs1 > lcs2)
                i--;
            else
                j--;
            if (arange_start != alen)
                emit_range = 1;
        }

        if (emit_range) {
            uint32_t match_len = arange_end - arange_start + 1;
            if (emit && (o->minmatchlen == 0 || match_len >= o->minmatchlen)) {
                M->reply_array(ctx, 2 + o->withmatchlen);
                M->reply_array(ctx, 2);
                M->reply_int(ctx, arange_start);
                M->reply_int(ctx, arange_end);
                M->reply_array(ctx, 2);
                M->reply_int(ctx, brange_start);
                M->reply_int(ctx, brange_end);
                if (o->withmatchlen)
                    M->reply_int(ctx, match_len);
                emitted++;
            }
            arange_start = alen;
        }
    }
    return emitted;
#undef LCS
}

/* LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN] */
static void cmd_lcs(modis_ctx *ctx, const modis_str *argv, int argc)
{
    modis_db *db = M->db(ctx);
    lcs_opts o = {0, 0, 0, 0};
    strview va, vb;
    void *area_a, *area_b;
    size_t size_a, size_b;
    int ra, rb;
    uint32_t alen, blen;
    unsigned long long cells, bytes;
    uint32_t *lcs;
    char *result = NULL;

    ra = M->lookup(ctx, db, &argv[1], string_type, MODIS_LOOKUP_READ, &area_a, &size_a);
    rb = M->lookup(ctx, db, &argv[2], string_type, MODIS_LOOKUP_READ, &area_b, &size_b);
    if (ra == MODIS_KEY_WRONGTYPE || rb == MODIS_KEY_WRONGTYPE) {
        M->reply_error(ctx, "ERR The specified keys must contain string values");
        return;
    }
    /* A missing key reads as the empty string. */
    if (ra == MODIS_KEY_FOUND)
        strobj_view(area_a, size_a, &va);
    else
        va.ptr = "", va.len = 0;
    if (rb == MODIS_KEY_FOUND)
        strobj_view(area_b, size_b, &vb);
    else
        vb.ptr = "", vb.len = 0;

    if (lcs_parse(ctx, argv, argc, &o) != MODIS_OK)
        return;
    if (va.len >= UINT32_MAX - 1 || vb.len >= UINT32_MAX - 1) {
        M->reply_error(ctx, "ERR String too long for LCS");
        return;
    }
    alen = (uint32_t)va.len;
    blen = (uint32_t)vb.len;

    /* The table of LCS lengths of every pair of prefixes. */
    cells = (unsigned long long)(alen + 1ULL) * (blen + 1ULL);
    bytes = cells * sizeof(uint32_t);
    if (bytes > (unsigned long long)strings_proto_max_bulk_len(ctx)) {
        M->reply_error(ctx, "ERR Insufficient memory, transient memory for LCS exceeds "
                            "proto-max-bulk-len");
        return;
    }
    lcs = M->alloc((size_t)bytes);
    memset(lcs, 0, sizeof(uint32_t) * ((size_t)blen + 1)); /* row 0 */
    for (uint32_t i = 1; i <= alen; i++) {
        uint32_t *row = lcs + (size_t)i * (blen + 1);
        const uint32_t *prev = row - (blen + 1);
        const char ca = va.ptr[i - 1];
        row[0] = 0;
        for (uint32_t j = 1; j <= blen; j++) {
            if (ca == vb.ptr[j - 1])
                row[j] = prev[j - 1] + 1;
            else
                row[j] = prev[j] > row[j - 1] ? prev[j] : row[j - 1];
        }
    }

    {
        uint32_t total = lcs[(size_t)alen * (blen + 1) + blen];
        if (o.getidx) {
            void *matches;
            long n;
            result = M->alloc((size_t)total + 1);
            M->reply_map(ctx, 2);
            M->reply_cstr(ctx, "matches");
            matches = M->reply_array(ctx, MODIS_POSTPONED_LEN);
            n = lcs_walk(ctx, lcs, va.ptr, alen, vb.ptr, blen, &o, result, 1);
            M->reply_set_len(ctx, matches, n);
            M->reply_cstr(ctx, "len");
            M->reply_int(ctx, total);
        } else if (o.getlen) {
            M->reply_int(ctx, total);
        } else {
            result = M->alloc((size_t)total + 1);
            lcs_walk(ctx, lcs, va.ptr, alen, vb.ptr, blen, &o, result, 0);
            M->reply_bulk(ctx, result, total);
        }
    }
    if (result)
        M->free(result);
    M->free(lcs);
}

/* The commands of this file, with their COMMAND INFO / COMMAND DOCS metadata. */
const modis_command strings_lcs_commands[] = {
    {.name = "lcs",
     .handler = cmd_lcs,
     .arity = -3,
     .flags = "readonly",
     .acl_categories = "string",
     .key_specs = strings_ks_lcs,
     .summary = "Computes the longest common subsequence of the strings at two keys.",
     .since = "7.0.0",
     .group = "string",
     .complexity = "O(N*M) where N and M are the lengths of s1 and s2, respectively",
     .args = strings_args_lcs},
    {.name = NULL}};
