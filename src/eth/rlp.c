/* RLP (Ethereum Yellow Paper, appendix B): encoder into a growable buffer
 * and a strict, bounded decoder. */
#include "avskey/eth.h"

#include <stdlib.h>
#include <string.h>

void avskey_rlp_init(avskey_rlp_buf *b)
{
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = 0;
}

void avskey_rlp_free(avskey_rlp_buf *b)
{
    free(b->p);
    avskey_rlp_init(b);
}

int avskey_rlp_ok(const avskey_rlp_buf *b)
{
    return !b->failed;
}

/* Makes room for n more bytes. Returns: 1 on success, 0 (sticky) on failure. */
static int reserve(avskey_rlp_buf *b, size_t n)
{
    if (b->failed) return 0;
    if (n > AVSKEY_RLP_MAX || b->len > AVSKEY_RLP_MAX - n) {
        b->failed = 1;
        return 0;
    }
    size_t need = b->len + n;
    if (need <= b->cap) return 1;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap *= 2;
    uint8_t *q = realloc(b->p, cap);
    if (!q) {
        b->failed = 1;
        return 0;
    }
    b->p = q;
    b->cap = cap;
    return 1;
}

void avskey_rlp_raw(avskey_rlp_buf *b, const uint8_t *p, size_t len)
{
    if (!reserve(b, len)) return;
    if (len) memcpy(b->p + b->len, p, len);
    b->len += len;
}

/* Writes the header for a payload of len bytes with base 0x80 (string) or
 * 0xc0 (list) into hdr. Returns: its length (1..9). */
static size_t header(uint8_t hdr[9], uint8_t base, size_t len)
{
    if (len < 56) {
        hdr[0] = (uint8_t)(base + len);
        return 1;
    }
    uint8_t tmp[8];
    size_t n = 0;
    uint64_t v = (uint64_t)len;
    while (v) {
        tmp[n++] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
    hdr[0] = (uint8_t)(base + 55 + n);
    for (size_t i = 0; i < n; i++) hdr[1 + i] = tmp[n - 1 - i];
    return 1 + n;
}

void avskey_rlp_bytes(avskey_rlp_buf *b, const uint8_t *p, size_t len)
{
    if (len == 1 && p[0] < 0x80) {
        avskey_rlp_raw(b, p, 1);
        return;
    }
    uint8_t hdr[9];
    size_t h = header(hdr, 0x80, len);
    if (!reserve(b, h + len)) return;
    memcpy(b->p + b->len, hdr, h);
    if (len) memcpy(b->p + b->len + h, p, len);
    b->len += h + len;
}

void avskey_rlp_uint_be(avskey_rlp_buf *b, const uint8_t *be, size_t len)
{
    while (len && be[0] == 0) {
        be++;
        len--;
    }
    avskey_rlp_bytes(b, be, len);
}

void avskey_rlp_u64(avskey_rlp_buf *b, uint64_t v)
{
    uint8_t be[8];
    for (int i = 7; i >= 0; i--) {
        be[i] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
    avskey_rlp_uint_be(b, be, 8);
}

size_t avskey_rlp_list_begin(const avskey_rlp_buf *b)
{
    return b->len;
}

void avskey_rlp_list_end(avskey_rlp_buf *b, size_t mark)
{
    if (b->failed) return;
    if (mark > b->len) {
        b->failed = 1;
        return;
    }
    size_t payload = b->len - mark;
    uint8_t hdr[9];
    size_t h = header(hdr, 0xc0, payload);
    if (!reserve(b, h)) return;
    memmove(b->p + mark + h, b->p + mark, payload);
    memcpy(b->p + mark, hdr, h);
    b->len += h;
}

/* ---- decoding ---- */

int avskey_rlp_next(avskey_rlp_item *item, size_t *used, const uint8_t *in, size_t len)
{
    if (len == 0) return 0;
    uint8_t b0 = in[0];
    if (b0 < 0x80) {
        item->p = in;
        item->len = 1;
        item->is_list = 0;
        *used = 1;
        return 1;
    }
    int is_list = b0 >= 0xc0;
    uint8_t base = is_list ? 0xc0 : 0x80;
    size_t off, plen;
    if (b0 - base < 56) {
        plen = (size_t)(b0 - base);
        off = 1;
        /* A single byte < 0x80 must be encoded as itself. */
        if (!is_list && plen == 1 && (len < 2 || in[1] < 0x80)) return 0;
    } else {
        size_t nlen = (size_t)(b0 - base - 55); /* 1..8 */
        if (len - 1 < nlen) return 0;
        if (in[1] == 0) return 0; /* leading zero in the length */
        uint64_t v = 0;
        for (size_t i = 0; i < nlen; i++) v = (v << 8) | in[1 + i];
        if (v < 56) return 0; /* must have used the short form */
        if (v > (uint64_t)SIZE_MAX) return 0;
        plen = (size_t)v;
        off = 1 + nlen;
    }
    if (len - off < plen) return 0;
    item->p = in + off;
    item->len = plen;
    item->is_list = is_list;
    *used = off + plen;
    return 1;
}

void avskey_rlp_iter_init(avskey_rlp_iter *it, const avskey_rlp_item *list)
{
    it->p = list->p;
    it->left = list->len;
}

int avskey_rlp_iter_next(avskey_rlp_iter *it, avskey_rlp_item *item)
{
    if (it->left == 0) return 0;
    size_t used;
    if (!avskey_rlp_next(item, &used, it->p, it->left)) return -1;
    it->p += used;
    it->left -= used;
    return 1;
}

static int check_items(const avskey_rlp_item *list, unsigned depth_left)
{
    if (depth_left == 0) return 0;
    avskey_rlp_iter it;
    avskey_rlp_item sub;
    int r;
    avskey_rlp_iter_init(&it, list);
    while ((r = avskey_rlp_iter_next(&it, &sub)) == 1)
        if (sub.is_list && !check_items(&sub, depth_left - 1)) return 0;
    return r == 0;
}

int avskey_rlp_decode(avskey_rlp_item *item, const uint8_t *in, size_t len, unsigned max_depth)
{
    avskey_rlp_item it;
    size_t used;
    if (max_depth > AVSKEY_RLP_MAX_DEPTH) max_depth = AVSKEY_RLP_MAX_DEPTH;
    if (!avskey_rlp_next(&it, &used, in, len) || used != len) return 0;
    if (it.is_list && !check_items(&it, max_depth)) return 0;
    *item = it;
    return 1;
}

int avskey_rlp_get_uint(uint8_t *out, size_t outlen, const avskey_rlp_item *item)
{
    if (item->is_list || item->len > outlen) return 0;
    if (item->len > 0 && item->p[0] == 0) return 0;
    memset(out, 0, outlen - item->len);
    if (item->len) memcpy(out + outlen - item->len, item->p, item->len);
    return 1;
}

int avskey_rlp_get_u64(uint64_t *out, const avskey_rlp_item *item)
{
    uint8_t be[8];
    if (!avskey_rlp_get_uint(be, 8, item)) return 0;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | be[i];
    *out = v;
    return 1;
}
