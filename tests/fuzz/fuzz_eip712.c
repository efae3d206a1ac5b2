/* libFuzzer target: EIP-712 typed data hashing of a JSON text. */
#include "avskey/eth.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t err;
    json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY, &err);
    if (!j) return 0;
    uint8_t h[32], h2[32];
    uint64_t cid;
    int has;
    if (avskey_eth_typed_data_hash(h, &cid, &has, j) == AVSKEY_OK) {
        /* Deterministic. */
        if (avskey_eth_typed_data_hash(h2, &cid, &has, j) != AVSKEY_OK) abort();
        for (int i = 0; i < 32; i++)
            if (h[i] != h2[i]) abort();
    }
    json_decref(j);
    return 0;
}
