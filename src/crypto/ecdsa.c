/* secp256k1 wrapper: Ethereum-style keys, addresses and signatures. */
#include "avskey/ecdsa.h"
#include "avskey/keccak.h"

#include <pthread.h>
#include <secp256k1.h>
#include <stdio.h>
#include <secp256k1_recovery.h>
#include <string.h>

static secp256k1_context *g_ctx;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void ctx_init(void)
{
    g_ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    uint8_t seed[32];
    /* Randomize for side-channel blinding; failure to get entropy is not fatal. */
    FILE *f = fopen("/dev/urandom", "rb");
    if (f) {
        if (fread(seed, 1, sizeof seed, f) == sizeof seed &&
            !secp256k1_context_randomize(g_ctx, seed)) {
            /* keep the unrandomized context */
        }
        fclose(f);
    }
    avskey_wipe(seed, sizeof seed);
}

static const secp256k1_context *ctx(void)
{
    pthread_once(&g_once, ctx_init);
    return g_ctx;
}

int avskey_ecdsa_seckey_verify(const uint8_t sk[32])
{
    return secp256k1_ec_seckey_verify(ctx(), sk);
}

static void serialize_pub(uint8_t pub[64], const secp256k1_pubkey *pk)
{
    uint8_t ser[65];
    size_t len = sizeof ser;
    secp256k1_ec_pubkey_serialize(ctx(), ser, &len, pk, SECP256K1_EC_UNCOMPRESSED);
    memcpy(pub, ser + 1, 64);
}

int avskey_ecdsa_pubkey(uint8_t pub[64], const uint8_t sk[32])
{
    secp256k1_pubkey pk;
    if (!secp256k1_ec_pubkey_create(ctx(), &pk, sk)) return 0;
    serialize_pub(pub, &pk);
    return 1;
}

void avskey_ecdsa_address_var(uint8_t addr[20], const uint8_t pub[64])
{
    uint8_t h[32];
    avskey_keccak256(h, pub, 64);
    memcpy(addr, h + 12, 20);
}

void avskey_eip55_var(char out[43], const uint8_t addr[20])
{
    char lower[41];
    uint8_t h[32];
    avskey_hex_encode(lower, addr, 20);
    avskey_keccak256(h, (const uint8_t *)lower, 40);
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < 40; i++) {
        int nib = (h[i / 2] >> (i % 2 ? 0 : 4)) & 15;
        char c = lower[i];
        out[2 + i] = (c >= 'a' && nib >= 8) ? (char)(c - 'a' + 'A') : c;
    }
    out[42] = '\0';
}

int avskey_ecdsa_sign(uint8_t sig65[65], const uint8_t digest[32], const uint8_t sk[32])
{
    secp256k1_ecdsa_recoverable_signature sig;
    int recid = 0;
    if (!secp256k1_ecdsa_sign_recoverable(ctx(), &sig, digest, sk, NULL, NULL)) return 0;
    secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx(), sig65, &recid, &sig);
    sig65[64] = (uint8_t)(27 + recid);
    return 1;
}

int avskey_ecdsa_recover_var(uint8_t pub[64], const uint8_t sig65[65], const uint8_t digest[32])
{
    secp256k1_ecdsa_recoverable_signature sig;
    secp256k1_pubkey pk;
    int v = sig65[64];
    if (v >= 27) v -= 27;
    if (v < 0 || v > 1) return 0;
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx(), &sig, sig65, v)) return 0;
    /* Ethereum requires low-s signatures. */
    secp256k1_ecdsa_signature plain;
    secp256k1_ecdsa_recoverable_signature_convert(ctx(), &plain, &sig);
    if (secp256k1_ecdsa_signature_normalize(ctx(), NULL, &plain)) return 0;
    if (!secp256k1_ecdsa_recover(ctx(), &pk, &sig, digest)) return 0;
    serialize_pub(pub, &pk);
    return 1;
}
