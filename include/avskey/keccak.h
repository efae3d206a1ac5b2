/* Keccak-256 as Ethereum uses it (SHA-3 sponge, rate 136, padding 0x01). */
#ifndef AVSKEY_KECCAK_H
#define AVSKEY_KECCAK_H

#include "avskey/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct avskey_keccak256_ctx {
    uint64_t a[25];
    uint8_t block[136];
    size_t fill;
} avskey_keccak256_ctx;

/* One-shot. Out: out the 32-byte digest. In: in (may be NULL if len == 0). */
void avskey_keccak256(uint8_t out[32], const uint8_t *in, size_t len);

/* Incremental: init, update any number of times, final (wipes ctx). */
void avskey_keccak256_init(avskey_keccak256_ctx *ctx);
void avskey_keccak256_update(avskey_keccak256_ctx *ctx, const uint8_t *in, size_t len);
void avskey_keccak256_final(avskey_keccak256_ctx *ctx, uint8_t out[32]);

#ifdef __cplusplus
}
#endif
#endif
