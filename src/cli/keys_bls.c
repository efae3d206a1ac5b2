/* BLS key data for list/show/create/import (eigensdk scheme on BN254). */
#include "keyref.h"

#include "avskey/bls.h"

#include <string.h>

/* "0x" + hex of n bytes into out (cap >= 2n+3). */
static void hex0x(char *out, const uint8_t *in, size_t n)
{
    out[0] = '0';
    out[1] = 'x';
    avskey_hex_encode(out + 2, in, n);
}

avskey_err avskey_bls_fields(avskey_fields *fs, const avskey_keyref *ref, const uint8_t *sk)
{
    avskey_bn254_g1 pk1;
    uint8_t xy[64], c1[32], id[32], raw2[128], c2[64];
    char text[300];
    avskey_err e = avskey_keyfile_bls_pubkey_var(&pk1, &ref->kf, ref->path);
    if (e) return e;
    avskey_bn254_g1_to_xy(xy, &pk1);
    avskey_bn254_g1_compress(c1, &pk1);
    avskey_bls_operator_id(id, &pk1);
    hex0x(text, xy, 64);
    avskey_fields_add(fs, "pubkey_g1", text);
    hex0x(text, c1, 32);
    avskey_fields_add(fs, "pubkey_g1_compressed", text);
    hex0x(text, id, 32);
    avskey_fields_add(fs, "operator_id", text);
    if (!sk) return AVSKEY_OK;
    avskey_bls_sk s;
    avskey_bn254_g1 k1;
    avskey_bn254_g2 pk2;
    if (!avskey_bls_sk_from_bytes(&s, sk)) return avskey_fail(AVSKEY_ERR_CRYPTO, "%s: invalid BLS key", ref->path);
    avskey_bls_pubkeys(&k1, &pk2, &s);
    AVSKEY_WIPE(s);
    avskey_bn254_g2_to_raw(raw2, &pk2);
    avskey_bn254_g2_compress(c2, &pk2);
    hex0x(text, raw2, 128);
    avskey_fields_add(fs, "pubkey_g2", text);
    hex0x(text, c2, 64);
    avskey_fields_add(fs, "pubkey_g2_compressed", text);
    return AVSKEY_OK;
}

avskey_err avskey_cli_bls_pubkey_text(char *out, size_t cap, const uint8_t sk[32])
{
    avskey_bls_sk s;
    avskey_bn254_g1 pk1;
    avskey_bn254_g2 pk2;
    char e[AVSKEY_BLS_E_MAX];
    if (!avskey_bls_sk_from_bytes(&s, sk)) return avskey_fail(AVSKEY_ERR_CRYPTO, "invalid BLS key");
    avskey_bls_pubkeys(&pk1, &pk2, &s);
    AVSKEY_WIPE(s);
    avskey_bls_g1_format_E(e, &pk1);
    if (strlen(e) + 1 > cap) return avskey_fail(AVSKEY_ERR_CRYPTO, "public key text too long");
    memcpy(out, e, strlen(e) + 1);
    return AVSKEY_OK;
}

int avskey_cli_bls_sk_valid(const uint8_t sk[32])
{
    avskey_bls_sk s;
    int ok = avskey_bls_sk_from_bytes(&s, sk);
    AVSKEY_WIPE(s);
    return ok;
}

int avskey_cli_bls_sk_from_text(uint8_t sk[32], const char *text)
{
    avskey_bls_sk s;
    if (avskey_bls_sk_from_text(&s, text) != AVSKEY_OK) return 0;
    avskey_bls_sk_to_bytes(sk, &s);
    AVSKEY_WIPE(s);
    return 1;
}
