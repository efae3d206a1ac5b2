/* After decryption: the key must be valid and match the file's public data. */
#include "avskey/bls.h"
#include "avskey/ecdsa.h"
#include "avskey/keystore.h"

#include <string.h>

avskey_err avskey_keyfile_bls_pubkey_var(avskey_bn254_g1 *pk1, const avskey_keyfile *kf, const char *name)
{
    if (kf->format == AVSKEY_FMT_EIP2335) {
        uint8_t c[32];
        if (!avskey_hex_decode_var(c, 32, kf->pubkey) || !avskey_bn254_g1_decompress_var(pk1, c, 0))
            return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: field \"pubkey\" is not a compressed G1 point", name);
        return AVSKEY_OK;
    }
    if (avskey_bls_g1_parse_E_var(pk1, kf->pubkey) != AVSKEY_OK)
        return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: field \"pubKey\" is not a valid G1 point E([x,y])", name);
    return AVSKEY_OK;
}

static avskey_err check_bls(const avskey_keyfile *kf, const uint8_t sk[32], const char *name)
{
    avskey_bls_sk s;
    avskey_bn254_g1 want, pk1;
    avskey_bn254_g2 pk2;
    avskey_err e = avskey_keyfile_bls_pubkey_var(&want, kf, name);
    if (e) return e;
    if (!avskey_bls_sk_from_bytes(&s, sk))
        return avskey_fail(AVSKEY_ERR_CRYPTO, "%s: the decrypted key is not a valid BN254 scalar", name);
    avskey_bls_pubkeys(&pk1, &pk2, &s);
    AVSKEY_WIPE(s);
    if (!avskey_bn254_g1_eq_var(&pk1, &want))
        return avskey_fail(AVSKEY_ERR_CRYPTO, "%s: the public key in the file does not match the key", name);
    return AVSKEY_OK;
}

static avskey_err check_ecdsa(const avskey_keyfile *kf, const uint8_t sk[32], const char *name)
{
    uint8_t pub[64], addr[20];
    if (!avskey_ecdsa_pubkey(pub, sk))
        return avskey_fail(AVSKEY_ERR_CRYPTO, "%s: the decrypted key is not a valid secp256k1 key", name);
    avskey_ecdsa_address_var(addr, pub);
    if (kf->has_address && memcmp(addr, kf->address, 20) != 0)
        return avskey_fail(AVSKEY_ERR_CRYPTO, "%s: the \"address\" field does not match the key", name);
    return AVSKEY_OK;
}

avskey_err avskey_keyfile_check_key(const avskey_keyfile *kf, const uint8_t sk[32], const char *name)
{
    return kf->type == AVSKEY_KEY_BLS ? check_bls(kf, sk, name) : check_ecdsa(kf, sk, name);
}
