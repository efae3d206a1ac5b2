/* Key file encryption: scrypt / PBKDF2-HMAC-SHA256, AES-128-CTR, Keccak MAC
 * (V3, eigensdk BLS) or SHA-256 checksum (EIP-2335). */
#include "avskey/keccak.h"
#include "avskey/keystore.h"
#include "avskey/secmem.h"

#include <nettle/aes.h>
#include <nettle/ctr.h>
#include <nettle/pbkdf2.h>
#include <nettle/sha2.h>
#include <scrypt-kdf.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

/* Derives kf->dklen bytes into dk (secmem, >= 64 bytes). Returns 1 on success. */
static int derive(uint8_t *dk, const avskey_keyfile *kf, const avskey_pw *pw)
{
    const uint8_t *pwb = (const uint8_t *)(pw->buf ? pw->buf : "");
    if (kf->kdf == AVSKEY_KDF_PBKDF2) {
        nettle_pbkdf2_hmac_sha256(pw->len, pwb, kf->c, kf->salt_len, kf->salt, kf->dklen, dk);
        return 1;
    }
    return scrypt_kdf(pwb, pw->len, kf->salt, kf->salt_len, kf->n, kf->r, kf->p, dk, kf->dklen) == 0;
}

/* mac = keccak256(dk[16:32] || ct) for V3, sha256(dk[16:32] || ct) for EIP-2335. */
static void compute_mac(uint8_t mac[32], const avskey_keyfile *kf, const uint8_t *dk)
{
    if (kf->format == AVSKEY_FMT_EIP2335) {
        struct sha256_ctx h;
        nettle_sha256_init(&h);
        nettle_sha256_update(&h, 16, dk + 16);
        nettle_sha256_update(&h, 32, kf->ciphertext);
        nettle_sha256_digest(&h, 32, mac);
        AVSKEY_WIPE(h);
        return;
    }
    avskey_keccak256_ctx k;
    avskey_keccak256_init(&k);
    avskey_keccak256_update(&k, dk + 16, 16);
    avskey_keccak256_update(&k, kf->ciphertext, 32);
    avskey_keccak256_final(&k, mac);
}

static void aes128_ctr(uint8_t out[32], const uint8_t in[32], const uint8_t key[16],
                       const uint8_t iv[16])
{
    struct aes128_ctx aes;
    uint8_t ctr[16];
    memcpy(ctr, iv, 16);
    nettle_aes128_set_encrypt_key(&aes, key);
    nettle_ctr_crypt(&aes, (nettle_cipher_func *)nettle_aes128_encrypt, 16, ctr, 32, out, in);
    AVSKEY_WIPE(aes);
    AVSKEY_WIPE(ctr);
}

avskey_err avskey_keyfile_decrypt(uint8_t sk[32], const avskey_keyfile *kf, const avskey_pw *pw,
                                  const char *name)
{
    avskey_err e = AVSKEY_OK;
    uint8_t mac[32];
    uint8_t *dk = avskey_secmem_alloc(64);
    if (!dk) return avskey_fail(AVSKEY_ERR_NOMEM, "out of secure memory");
    if (!derive(dk, kf, pw)) {
        e = avskey_fail(AVSKEY_ERR_NOMEM, "%s: key derivation failed (not enough memory for scrypt?)", name);
        goto out;
    }
    compute_mac(mac, kf, dk);
    if (!avskey_ct_memeq(mac, kf->mac, 32)) {
        e = avskey_fail(AVSKEY_ERR_PASSWORD, "%s: wrong passphrase (MAC mismatch)", name);
        goto out;
    }
    aes128_ctr(sk, kf->ciphertext, dk, kf->iv);
out:
    avskey_secmem_free(dk);
    AVSKEY_WIPE(mac);
    return e;
}

static void uuid_v4(char out[37], const uint8_t r[16])
{
    uint8_t u[16];
    memcpy(u, r, 16);
    u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
    u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
    char hex[33];
    avskey_hex_encode(hex, u, 16);
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

static int random_bytes(uint8_t *out, size_t len)
{
    while (len > 0) {
        ssize_t got = getrandom(out, len, 0);
        if (got <= 0) return 0;
        out += got;
        len -= (size_t)got;
    }
    return 1;
}

avskey_err avskey_keyfile_encrypt(avskey_keyfile *kf, const uint8_t sk[32], const avskey_pw *pw)
{
    uint8_t rnd[64];
    if (kf->kdf == 0) kf->kdf = AVSKEY_KDF_SCRYPT;
    if (kf->kdf == AVSKEY_KDF_SCRYPT && kf->n == 0) {
        kf->n = AVSKEY_SCRYPT_N_DEFAULT;
        kf->r = AVSKEY_SCRYPT_R_DEFAULT;
        kf->p = AVSKEY_SCRYPT_P_DEFAULT;
    }
    if (kf->dklen == 0) kf->dklen = 32;
    if (!random_bytes(rnd, sizeof rnd)) return avskey_fail(AVSKEY_ERR_IO, "getrandom failed");
    memcpy(kf->salt, rnd, 32);
    kf->salt_len = 32;
    memcpy(kf->iv, rnd + 32, 16);
    if (kf->id[0] == '\0') uuid_v4(kf->id, rnd + 48);
    uint8_t *dk = avskey_secmem_alloc(64);
    if (!dk) return avskey_fail(AVSKEY_ERR_NOMEM, "out of secure memory");
    avskey_err e = AVSKEY_OK;
    if (!derive(dk, kf, pw)) {
        e = avskey_fail(AVSKEY_ERR_NOMEM, "key derivation failed (not enough memory for scrypt?)");
        goto out;
    }
    aes128_ctr(kf->ciphertext, sk, dk, kf->iv);
    compute_mac(kf->mac, kf, dk);
out:
    avskey_secmem_free(dk);
    return e;
}
