/* Serialization of key files in go-ethereum's exact shape and field order. */
#include "avskey/keystore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int kdf_json(char *out, size_t cap, const avskey_keyfile *kf)
{
    char salt[129];
    avskey_hex_encode(salt, kf->salt, kf->salt_len);
    if (kf->kdf == AVSKEY_KDF_PBKDF2)
        return snprintf(out, cap,
                        "\"kdf\":\"pbkdf2\",\"kdfparams\":{\"c\":%u,\"dklen\":%u,\"prf\":\"hmac-sha256\",\"salt\":\"%s\"}",
                        kf->c, kf->dklen, salt);
    return snprintf(out, cap,
                    "\"kdf\":\"scrypt\",\"kdfparams\":{\"dklen\":%u,\"n\":%llu,\"p\":%u,\"r\":%u,\"salt\":\"%s\"}",
                    kf->dklen, (unsigned long long)kf->n, kf->p, kf->r, salt);
}

/* The "crypto" object: cipher, ciphertext, cipherparams, kdf, kdfparams, mac. */
static int crypto_json(char *out, size_t cap, const avskey_keyfile *kf)
{
    char ct[65], iv[33], mac[65], kdf[400];
    avskey_hex_encode(ct, kf->ciphertext, 32);
    avskey_hex_encode(iv, kf->iv, 16);
    avskey_hex_encode(mac, kf->mac, 32);
    if (kdf_json(kdf, sizeof kdf, kf) >= (int)sizeof kdf) return -1;
    return snprintf(out, cap,
                    "{\"cipher\":\"aes-128-ctr\",\"ciphertext\":\"%s\",\"cipherparams\":{\"iv\":\"%s\"},%s,\"mac\":\"%s\"}",
                    ct, iv, kdf, mac);
}

avskey_err avskey_keyfile_serialize(char **json, size_t *len, const avskey_keyfile *kf)
{
    char crypto[800];
    if (kf->format == AVSKEY_FMT_EIP2335)
        return avskey_fail(AVSKEY_ERR_USAGE, "EIP-2335 key files are read-only in avskey");
    int n = crypto_json(crypto, sizeof crypto, kf);
    if (n < 0 || n >= (int)sizeof crypto) return avskey_fail(AVSKEY_ERR_USAGE, "key file too large");
    size_t cap = sizeof crypto + AVSKEY_BLS_PUBTEXT_MAX + 200;
    char *buf = malloc(cap);
    if (!buf) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
    if (kf->format == AVSKEY_FMT_EIGEN_BLS) {
        n = snprintf(buf, cap, "{\"pubKey\":\"%s\",\"crypto\":%s}", kf->pubkey, crypto);
    } else {
        char addr[41];
        avskey_hex_encode(addr, kf->address, 20);
        n = snprintf(buf, cap, "{\"address\":\"%s\",\"crypto\":%s,\"id\":\"%s\",\"version\":3}", addr,
                     crypto, kf->id);
    }
    *json = buf;
    *len = (size_t)n;
    return AVSKEY_OK;
}
