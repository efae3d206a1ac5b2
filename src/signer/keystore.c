/* keystore: a local key file, decrypted once at open; the secret stays in
 * guarded memory (no access while idle) until close. */
#include "signer_internal.h"

#include "avskey/bls.h"
#include "avskey/ecdsa.h"
#include "avskey/secmem.h"

#include <stdlib.h>
#include <string.h>

typedef struct ks_state {
    uint8_t *sk;  /* secmem, 32 bytes, PROT_NONE while idle */
} ks_state;

static uint8_t *ks_sk(avskey_signer *s)
{
    ks_state *st = s->backend;
    return avskey_secmem_readonly(st->sk) ? st->sk : NULL;
}

static void ks_idle(avskey_signer *s)
{
    ks_state *st = s->backend;
    (void)avskey_secmem_noaccess(st->sk);
}

static avskey_err ks_sign_digest(avskey_signer *s, const avskey_budget *b, uint8_t sig65[65], const uint8_t d[32])
{
    (void)b;
    uint8_t *sk = ks_sk(s);
    int ok = sk && avskey_ecdsa_sign(sig65, d, sk);
    ks_idle(s);
    return ok ? AVSKEY_OK : avskey_fail(AVSKEY_ERR_CRYPTO, "%s: signing failed", s->info.path);
}

static avskey_err ks_sign_tx(avskey_signer *s, const avskey_budget *b, uint8_t **raw, size_t *rawlen,
                             const avskey_eth_tx *tx)
{
    uint8_t d[32], sig[65];
    avskey_err e = avskey_eth_tx_signing_hash(d, tx);
    if (!e) e = ks_sign_digest(s, b, sig, d);
    if (!e) e = avskey_eth_tx_encode_signed(raw, rawlen, tx, sig);
    return e;
}

static avskey_err ks_sign_typed(avskey_signer *s, const avskey_budget *b, uint8_t sig65[65], const char *json,
                                const uint8_t d[32])
{
    (void)json;
    return ks_sign_digest(s, b, sig65, d);
}

/* BLS with the secret unpacked: g1 ? sk*P (in: 64 bytes) : sign (in: 32 bytes). */
static avskey_err ks_bls(avskey_signer *s, uint8_t *out, const uint8_t *in, int g1)
{
    avskey_bls_sk k;
    uint8_t *sk = ks_sk(s);
    int ok = sk && avskey_bls_sk_from_bytes(&k, sk);
    ks_idle(s);
    if (ok && !g1) avskey_bls_sign(out, in, &k);
    if (ok && g1) ok = avskey_bls_mul_g1(out, in, &k);
    AVSKEY_WIPE(k);
    return ok ? AVSKEY_OK : avskey_fail(AVSKEY_ERR_CRYPTO, "%s: signing failed", s->info.path);
}

static avskey_err ks_sign_message(avskey_signer *s, const avskey_budget *b, uint8_t sig64[64], const uint8_t m[32])
{
    (void)b;
    return ks_bls(s, sig64, m, 0);
}

static avskey_err ks_sign_g1(avskey_signer *s, const avskey_budget *b, uint8_t out[64], const uint8_t p[64])
{
    (void)b;
    return ks_bls(s, out, p, 1);
}

static void ks_close(avskey_signer *s)
{
    ks_state *st = s->backend;
    if (!st) return;
    avskey_secmem_free(st->sk);
    free(st);
    s->backend = NULL;
}

static const avskey_signer_ops ks_ecdsa_ops = {ks_sign_digest, NULL, ks_sign_tx, ks_sign_typed, NULL, NULL,
                                               ks_close, 0};
static const avskey_signer_ops ks_bls_ops = {NULL, NULL, NULL, NULL, ks_sign_message, ks_sign_g1, ks_close, 0};

/* The passphrase: from the application's callback, else from the source. */
static avskey_err ks_passphrase(avskey_pw *pw, const avskey_signer_options *o, const char *name)
{
    if (!o->passphrase_cb) {
        char prompt[400];
        snprintf(prompt, sizeof prompt, "Passphrase for %.300s: ", name);
        return avskey_passphrase_read(pw, &o->passphrase, prompt, 0);
    }
    pw->buf = avskey_secmem_alloc(AVSKEY_PW_MAX + 1);
    if (!pw->buf) return avskey_fail(AVSKEY_ERR_NOMEM, "out of secure memory");
    size_t len = 0;
    if (o->passphrase_cb(o->passphrase_ctx, pw->buf, AVSKEY_PW_MAX, &len) != 0 || len > AVSKEY_PW_MAX) {
        avskey_passphrase_free(pw);
        return avskey_fail(AVSKEY_ERR_PASSWORD, "%s: the passphrase callback failed", name);
    }
    pw->buf[len] = 0;
    pw->len = len;
    return AVSKEY_OK;
}

static void ks_name(char *out, size_t cap, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(out, cap, "%s", base);
    char *dot = strstr(out, avskey_key_type_of_path(path) == AVSKEY_KEY_BLS ? ".bls.key.json" : ".ecdsa.key.json");
    if (dot && avskey_key_type_of_path(path) != AVSKEY_KEY_UNKNOWN) *dot = 0;
}

avskey_err avskey_signer_keystore_open(avskey_signer *s, const char *path, const avskey_signer_options *o,
                                       const avskey_budget *b)
{
    (void)b;
    avskey_keyfile kf;
    avskey_pw pw = {NULL, 0};
    if (!path[0]) return avskey_fail(AVSKEY_ERR_USAGE, "keystore: URI needs a path (keystore:/path/NAME.ecdsa.key.json)");
    snprintf(s->info.path, sizeof s->info.path, "%s", path);
    ks_name(s->info.name, sizeof s->info.name, path);
    avskey_err e = avskey_keyfile_load(&kf, path, 1);
    if (e) return e;
    ks_state *st = calloc(1, sizeof *st);
    if (!st || !(st->sk = avskey_secmem_alloc(32))) {
        free(st);
        return avskey_fail(AVSKEY_ERR_NOMEM, "out of secure memory");
    }
    s->backend = st;
    s->ops = kf.type == AVSKEY_KEY_BLS ? &ks_bls_ops : &ks_ecdsa_ops;
    if ((e = ks_passphrase(&pw, o, path))) return e;
    e = avskey_keyfile_decrypt(st->sk, &kf, &pw, path);
    avskey_passphrase_free(&pw);
    if (!e) e = avskey_keyfile_check_key(&kf, st->sk, path);
    if (e) return e;
    if (kf.type == AVSKEY_KEY_ECDSA) {
        uint8_t pub[64];
        if (!avskey_ecdsa_pubkey(pub, st->sk)) return avskey_fail(AVSKEY_ERR_CRYPTO, "%s: invalid key", path);
        avskey_signer_set_ecdsa_key(s, pub);
    } else {
        avskey_bls_sk k;
        avskey_bn254_g1 pk1;
        avskey_bn254_g2 pk2;
        if (!avskey_bls_sk_from_bytes(&k, st->sk)) return avskey_fail(AVSKEY_ERR_CRYPTO, "%s: invalid key", path);
        avskey_bls_pubkeys(&pk1, &pk2, &k);
        AVSKEY_WIPE(k);
        if ((e = avskey_signer_set_bls_keys(s, &pk1, &pk2))) return e;
    }
    ks_idle(s);
    return AVSKEY_OK;
}
