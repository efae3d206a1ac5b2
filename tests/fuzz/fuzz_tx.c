/* libFuzzer target: eth_signTransaction params (JSON text -> jansson ->
 * avskey_eth_tx_from_json), then signing hash, signed encoding with a
 * fixed dummy signature, and decoding back. */
#include "avskey/eth.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t err;
    json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY, &err);
    if (!j) return 0;
    avskey_eth_tx tx, d;
    if (avskey_eth_tx_from_json(&tx, j, 17000) == AVSKEY_OK) {
        uint8_t h[32], sig[65], sig2[65];
        if (avskey_eth_tx_signing_hash(h, &tx) != AVSKEY_OK) abort();
        memset(sig, 0x11, 64);
        sig[64] = 28;
        uint8_t *out = NULL, *out2 = NULL;
        size_t n = 0, n2 = 0;
        if (avskey_eth_tx_encode_signed(&out, &n, &tx, sig) != AVSKEY_OK) abort();
        if (avskey_eth_tx_decode_signed(&d, sig2, out, n) != AVSKEY_OK) abort();
        if (memcmp(sig, sig2, 65) != 0 || d.type != tx.type || d.nonce != tx.nonce) abort();
        if (avskey_eth_tx_encode_signed(&out2, &n2, &d, sig2) != AVSKEY_OK) abort();
        if (n != n2 || memcmp(out, out2, n) != 0) abort();
        free(out);
        free(out2);
        avskey_eth_tx_free(&d);
    }
    avskey_eth_tx_free(&tx);
    json_decref(j);
    return 0;
}
