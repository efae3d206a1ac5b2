/* libFuzzer target: strict RLP decoding. Whatever decodes must re-encode
 * to the same bytes (canonical form is unique); the signed-transaction
 * decoder must round-trip what it accepts. */
#include "avskey/eth.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void reencode(avskey_rlp_buf *b, const avskey_rlp_item *it)
{
    if (!it->is_list) {
        avskey_rlp_bytes(b, it->p, it->len);
        return;
    }
    size_t m = avskey_rlp_list_begin(b);
    avskey_rlp_iter iter;
    avskey_rlp_item sub;
    avskey_rlp_iter_init(&iter, it);
    int r;
    while ((r = avskey_rlp_iter_next(&iter, &sub)) == 1) reencode(b, &sub);
    if (r < 0) abort(); /* validated before */
    avskey_rlp_list_end(b, m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    avskey_rlp_item it;
    if (avskey_rlp_decode(&it, data, size, AVSKEY_RLP_MAX_DEPTH)) {
        avskey_rlp_buf b;
        avskey_rlp_init(&b);
        reencode(&b, &it);
        if (!avskey_rlp_ok(&b) || b.len != size || memcmp(b.p, data, size) != 0) abort();
        avskey_rlp_free(&b);
        uint64_t v;
        uint8_t u[32];
        (void)avskey_rlp_get_u64(&v, &it);
        (void)avskey_rlp_get_uint(u, 32, &it);
    }
    avskey_eth_tx tx;
    uint8_t sig[65];
    if (avskey_eth_tx_decode_signed(&tx, sig, data, size) == AVSKEY_OK) {
        uint8_t *out = NULL, h[32];
        size_t n = 0;
        if (avskey_eth_tx_encode_signed(&out, &n, &tx, sig) != AVSKEY_OK) abort();
        if (n != size || memcmp(out, data, size) != 0) abort();
        free(out);
        if (avskey_eth_tx_signing_hash(h, &tx) != AVSKEY_OK) abort();
    }
    avskey_eth_tx_free(&tx);
    return 0;
}
