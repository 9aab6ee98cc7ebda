/* strobj.c: the string value encodings (int, embstr, raw) in a key's value area. */
#include <string.h>

#include "strings.h"

/* Growth below this size doubles the buffer, above it adds this much (sds). */
#define STR_GREEDY_MAX (1024 * 1024)

/* ---- int ------------------------------------------------------------------ */

size_t strobj_int_width(long long v)
{
    size_t w = 1;

    /* Grow until v survives truncation to w bytes and sign extension back. */
    while (w < 8) {
        long long lo = -(1LL << (8 * w - 1)), hi = (1LL << (8 * w - 1)) - 1;
        if (v >= lo && v <= hi)
            break;
        w++;
    }
    return w;
}

void strobj_write_int(void *area, size_t width, long long v)
{
    unsigned char *a = area;
    unsigned long long u = (unsigned long long)v;

    a[0] = STR_TAG_INT;
    for (size_t i = 0; i < width; i++)
        a[1 + i] = (unsigned char)(u >> (8 * i));
}

long long strobj_read_int(const void *area, size_t size)
{
    const unsigned char *a = area;
    size_t width = size - 1;
    unsigned long long u = 0;

    for (size_t i = 0; i < width; i++)
        u |= (unsigned long long)a[1 + i] << (8 * i);
    if (width < 8 && (a[width] & 0x80))
        u |= ~0ULL << (8 * width); /* sign-extend */
    return (long long)u;
}

/* ---- raw ------------------------------------------------------------------ */

char *strobj_raw_ptr(const void *area)
{
    return modis_load_ptr((const char *)area + 1);
}

size_t strobj_raw_len(const void *area)
{
    uint64_t len;
    memcpy(&len, (const char *)area + 1 + sizeof(void *), sizeof len);
    return (size_t)len;
}

void strobj_raw_set(void *area, char *ptr, size_t len)
{
    uint64_t l = len;
    ((unsigned char *)area)[0] = STR_TAG_RAW;
    modis_store_ptr((char *)area + 1, ptr);
    memcpy((char *)area + 1 + sizeof(void *), &l, sizeof l);
}

char *strobj_raw_reserve(void *area, size_t newlen)
{
    char *p = strobj_raw_ptr(area);
    size_t cap = p ? M->usable_size(p) : 0;

    if (newlen <= cap)
        return p;
    if (newlen < STR_GREEDY_MAX)
        newlen *= 2;
    else
        newlen += STR_GREEDY_MAX;
    p = M->realloc(p, newlen);
    modis_store_ptr((char *)area + 1, p);
    return p;
}

/* ---- reading ---------------------------------------------------------------- */

void strobj_view(const void *area, size_t size, strview *v)
{
    const unsigned char *a = area;

    switch (a[0]) {
    case STR_TAG_INT:
        v->len = util_ll_to_str(v->buf, sizeof v->buf, strobj_read_int(area, size));
        v->ptr = v->buf;
        break;
    case STR_TAG_EMB:
        v->ptr = (const char *)a + 1;
        v->len = size - 1;
        break;
    default:
        v->ptr = strobj_raw_ptr(area);
        v->len = strobj_raw_len(area);
        if (!v->ptr)
            v->ptr = "";
        break;
    }
}

size_t strobj_len(const void *area, size_t size)
{
    switch (((const unsigned char *)area)[0]) {
    case STR_TAG_INT:
        return util_ll_digits(strobj_read_int(area, size));
    case STR_TAG_EMB:
        return size - 1;
    default:
        return strobj_raw_len(area);
    }
}

int strobj_get_ll(const void *area, size_t size, long long *out)
{
    strview v;

    if (((const unsigned char *)area)[0] == STR_TAG_INT) {
        *out = strobj_read_int(area, size);
        return 1;
    }
    strobj_view(area, size, &v);
    return util_str_to_ll(v.ptr, v.len, out);
}

int strobj_get_ld(const void *area, size_t size, long double *out)
{
    strview v;

    if (((const unsigned char *)area)[0] == STR_TAG_INT) {
        *out = (long double)strobj_read_int(area, size);
        return 1;
    }
    strobj_view(area, size, &v);
    return util_str_to_ld(v.ptr, v.len, out);
}

/* ---- writing ---------------------------------------------------------------- */

size_t strobj_classify(const char *p, size_t len, int *tag, long long *iv)
{
    if (len <= STR_INT_MAX_CHARS && util_str_to_ll(p, len, iv)) {
        *tag = STR_TAG_INT;
        return 1 + strobj_int_width(*iv);
    }
    if (len <= STR_EMBSTR_MAX) {
        *tag = STR_TAG_EMB;
        return 1 + len;
    }
    *tag = STR_TAG_RAW;
    return STR_RAW_AREA;
}

static void *store_emb(modis_ctx *ctx, modis_db *db, const modis_str *key, const char *p,
                       size_t len, int flags)
{
    unsigned char *area = M->set_value(ctx, db, key, string_type, 1 + len, flags);
    area[0] = STR_TAG_EMB;
    if (len)
        memcpy(area + 1, p, len);
    return area;
}

static void *store_raw_copy(modis_ctx *ctx, modis_db *db, const modis_str *key, const char *p,
                            size_t len, int flags)
{
    char *buf = NULL;

    if (len) {
        buf = M->alloc(len);
        memcpy(buf, p, len);
    }
    return strobj_store_raw(ctx, db, key, buf, len, flags);
}

void *strobj_store(modis_ctx *ctx, modis_db *db, const modis_str *key, const char *p, size_t len,
                   int flags)
{
    long long iv = 0;
    int tag;
    size_t size = strobj_classify(p, len, &tag, &iv);

    if (tag == STR_TAG_INT) {
        void *area = M->set_value(ctx, db, key, string_type, size, flags);
        strobj_write_int(area, size - 1, iv);
        return area;
    }
    if (tag == STR_TAG_EMB)
        return store_emb(ctx, db, key, p, len, flags);
    return store_raw_copy(ctx, db, key, p, len, flags);
}

void *strobj_store_str(modis_ctx *ctx, modis_db *db, const modis_str *key, const char *p,
                       size_t len, int flags)
{
    if (len <= STR_EMBSTR_MAX)
        return store_emb(ctx, db, key, p, len, flags);
    return store_raw_copy(ctx, db, key, p, len, flags);
}

void *strobj_store_int(modis_ctx *ctx, modis_db *db, const modis_str *key, long long v, int flags)
{
    size_t width = strobj_int_width(v);
    void *area = M->set_value(ctx, db, key, string_type, 1 + width, flags);
    strobj_write_int(area, width, v);
    return area;
}

void *strobj_store_raw(modis_ctx *ctx, modis_db *db, const modis_str *key, char *buf, size_t len,
                       int flags)
{
    void *area = M->set_value(ctx, db, key, string_type, STR_RAW_AREA, flags);
    strobj_raw_set(area, buf, len);
    return area;
}

void *strobj_unshare(modis_ctx *ctx, modis_db *db, const modis_str *key, void *area, size_t size)
{
    strview v;
    char *buf = NULL;

    if (((unsigned char *)area)[0] == STR_TAG_RAW)
        return area;
    /* Copy the bytes out before set_value replaces the area they live in. */
    strobj_view(area, size, &v);
    if (v.len) {
        buf = M->alloc(v.len);
        memcpy(buf, v.ptr, v.len);
    }
    return strobj_store_raw(ctx, db, key, buf, v.len, MODIS_SET_KEEPTTL);
}

/* ---- type methods ------------------------------------------------------------ */

void strobj_free(void *area, size_t size)
{
    (void)size;
    if (((unsigned char *)area)[0] == STR_TAG_RAW) {
        char *p = strobj_raw_ptr(area);
        if (p)
            M->free(p);
    }
}

void strobj_copy(void *dst, const void *src, size_t size)
{
    memcpy(dst, src, size);
    if (((const unsigned char *)src)[0] == STR_TAG_RAW) {
        size_t len = strobj_raw_len(src);
        char *p = NULL;
        if (len) {
            p = M->alloc(len);
            memcpy(p, strobj_raw_ptr(src), len);
        }
        strobj_raw_set(dst, p, len);
    }
}

size_t strobj_mem_usage(const void *area, size_t size)
{
    (void)size;
    if (((const unsigned char *)area)[0] == STR_TAG_RAW) {
        char *p = strobj_raw_ptr(area);
        return p ? M->usable_size(p) : 0;
    }
    return 0;
}

const char *strobj_encoding_name(const void *area, size_t size)
{
    (void)size;
    switch (((const unsigned char *)area)[0]) {
    case STR_TAG_INT:
        return "int";
    case STR_TAG_EMB:
        return "embstr";
    default:
        return "raw";
    }
}

/* Redis shares the integers 0-9999 between keys (OBJ_SHARED_INTEGERS) unless
 * maxmemory is set with an LRU or LFU policy, which needs per-value access
 * data; OBJECT REFCOUNT shows such a shared value as INT_MAX. */
#define STR_SHARED_INTEGERS 10000
#define STR_SHARED_REFCOUNT 2147483647LL

static void sharing_visit(void *priv, const char *name, const char *value)
{
    int *no_sharing = priv;

    if (!value)
        return;
    if (strcmp(name, "maxmemory") == 0 && strcmp(value, "0") != 0)
        no_sharing[0] = 1;
    if (strcmp(name, "maxmemory-policy") == 0 && (strstr(value, "lru") || strstr(value, "lfu")))
        no_sharing[1] = 1;
}

long long strobj_refcount(modis_ctx *ctx, const void *area, size_t size)
{
    if (((const unsigned char *)area)[0] != STR_TAG_INT)
        return 1;
    long long v = strobj_read_int(area, size);
    if (v < 0 || v >= STR_SHARED_INTEGERS)
        return 1;
    int no_sharing[2] = {0, 0};
    M->config_get(ctx, "maxmemory*", sharing_visit, no_sharing);
    return no_sharing[0] && no_sharing[1] ? 1 : STR_SHARED_REFCOUNT;
}
