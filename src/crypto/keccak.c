/* Keccak-256 on nettle's Keccak-f[1600] permutation. */
#include "avskey/keccak.h"

#include <nettle/sha3.h>
#include <string.h>

#define RATE 136

static uint64_t load64_le(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static void absorb_block(avskey_keccak256_ctx *ctx, const uint8_t *blk)
{
    for (int i = 0; i < RATE / 8; i++) ctx->a[i] ^= load64_le(blk + 8 * i);
    nettle_sha3_permute((struct sha3_state *)(void *)ctx->a);
}

void avskey_keccak256_init(avskey_keccak256_ctx *ctx)
{
    memset(ctx, 0, sizeof *ctx);
}

void avskey_keccak256_update(avskey_keccak256_ctx *ctx, const uint8_t *in, size_t len)
{
    if (ctx->fill > 0) {
        size_t take = RATE - ctx->fill;
        if (take > len) take = len;
        memcpy(ctx->block + ctx->fill, in, take);
        ctx->fill += take;
        in += take;
        len -= take;
        if (ctx->fill < RATE) return;
        absorb_block(ctx, ctx->block);
        ctx->fill = 0;
    }
    for (; len >= RATE; in += RATE, len -= RATE) absorb_block(ctx, in);
    if (len > 0) memcpy(ctx->block, in, len);
    ctx->fill = len;
}

void avskey_keccak256_final(avskey_keccak256_ctx *ctx, uint8_t out[32])
{
    memset(ctx->block + ctx->fill, 0, RATE - ctx->fill);
    ctx->block[ctx->fill] ^= 0x01;
    ctx->block[RATE - 1] ^= 0x80;
    absorb_block(ctx, ctx->block);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++) out[8 * i + j] = (uint8_t)(ctx->a[i] >> (8 * j));
    avskey_wipe(ctx, sizeof *ctx);
}

/* XORs len (< RATE) bytes into the state's lanes, then the 0x01...0x80 pad. */
static void absorb_tail(uint64_t a[25], const uint8_t *in, size_t len)
{
    size_t full = len / 8;
    for (size_t i = 0; i < full; i++) a[i] ^= load64_le(in + 8 * i);
    for (size_t i = full * 8; i < len; i++) a[i / 8] ^= (uint64_t)in[i] << (8 * (i % 8));
    a[len / 8] ^= (uint64_t)0x01 << (8 * (len % 8));
    a[RATE / 8 - 1] ^= (uint64_t)0x80 << 56;
    nettle_sha3_permute((struct sha3_state *)(void *)a);
}

void avskey_keccak256(uint8_t out[32], const uint8_t *in, size_t len)
{
    uint64_t a[25] = {0};
    for (; len >= RATE; in += RATE, len -= RATE) {
        for (int i = 0; i < RATE / 8; i++) a[i] ^= load64_le(in + 8 * i);
        nettle_sha3_permute((struct sha3_state *)(void *)a);
    }
    absorb_tail(a, in, len);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++) out[8 * i + j] = (uint8_t)(a[i] >> (8 * j));
    avskey_wipe(a, sizeof a);
}
