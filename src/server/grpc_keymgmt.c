/* KeyManager GenerateKeyPair / ImportKey.
 *
 * Refused unless the operator started the daemon with
 * --allow-remote-key-management and the client is an admin. Even then the
 * secret never travels back: private_key and mnemonic are answered empty,
 * and the key is written as an eigensdk BLS keystore
 * (NAME.bls.key.json, scrypt n=2^18) into the keystore folder under the
 * daemon's one passphrase (refused with --password-dir, which has no
 * passphrase for a new file), then the keyring is reloaded. API keys are
 * not issued here (`avskey auth add-client`), so api_key is empty too.
 * Scrypt runs on the calling completion-queue thread (about a second):
 * acceptable for a rare administrative call. */
#include "grpc_methods.h"

#include "hooks.h"
#include "key_manager.pb-c.h"

#include "avskey/bls.h"
#include "avskey/log.h"
#include "avskey/secmem.h"

#include <grpc/status.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/random.h>

/* One key creation at a time (file name, reload). */
static pthread_mutex_t g_create = PTHREAD_MUTEX_INITIALIZER;

/* Why remote key management is not possible here, or NULL. */
static const char *precondition(const avskey_server_config *cfg)
{
    if (!cfg->keys.keystore_dir) return "the daemon has no keystore folder (--keystore-dir)";
    if (cfg->keys.password_dir || !cfg->keys.password)
        return "the daemon uses --password-dir: a new key needs the daemon's single passphrase "
               "(--password-file/-env/-fd/-credential)";
    if (cfg->keys.password->len == 0) return "the daemon's passphrase is empty: new keys need a passphrase";
    if (avskey_passphrase_check_strength(cfg->keys.password) != AVSKEY_OK)
        return "the daemon's passphrase is too weak for new keys (70 bits, as eigenlayer-cli requires)";
    return NULL;
}

static int random_sk(avskey_bls_sk *sk)
{
    uint8_t b[32];
    int ok = 0;
    for (int tries = 0; tries < 100 && !ok; tries++) {
        if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) break;
        b[0] &= 0x3f;  /* r < 2^254: keeps rejections rare */
        ok = avskey_bls_sk_from_bytes(sk, b);
    }
    AVSKEY_WIPE(b);
    return ok;
}

/* Writes sk as NAME.bls.key.json. Out: c1hex, c2hex (public keys). */
static int write_key(const avskey_server_config *cfg, const avskey_bls_sk *sk, char c1hex[65], char c2hex[129],
                     avskey_grpc_reply *rep)
{
    avskey_bn254_g1 pk1;
    avskey_bn254_g2 pk2;
    uint8_t c1[32], c2[64];
    avskey_bls_pubkeys(&pk1, &pk2, sk);
    avskey_bn254_g1_compress(c1, &pk1);
    avskey_bn254_g2_compress(c2, &pk2);
    avskey_hex_encode(c1hex, c1, 32);
    avskey_hex_encode(c2hex, c2, 64);

    avskey_keyring *ring = avskey_keyring_acquire();
    int exists = avskey_keyring_by_g1(ring, c1hex) != NULL;
    avskey_keyring_release(ring);
    if (exists) return avskey_grpc_fail(rep, GRPC_STATUS_ALREADY_EXISTS, "key %s is already loaded", c1hex);

    char name[64], path[4096];
    snprintf(name, sizeof name, "cerberus-%.16s", c1hex);
    avskey_keyfile kf;
    memset(&kf, 0, sizeof kf);
    kf.format = AVSKEY_FMT_EIGEN_BLS;
    kf.type = AVSKEY_KEY_BLS;
    avskey_bls_g1_format_E(kf.pubkey, &pk1);
    uint8_t *raw = avskey_secmem_alloc(32);
    char *json = NULL;
    size_t len = 0;
    avskey_err e = raw ? AVSKEY_OK : avskey_fail(AVSKEY_ERR_NOMEM, "out of secure memory");
    if (!e) {
        avskey_bls_sk_to_bytes(raw, sk);
        e = avskey_keyfile_encrypt(&kf, raw, cfg->keys.password);
    }
    avskey_secmem_free(raw);
    if (!e) e = avskey_keyfile_serialize(&json, &len, &kf);
    if (!e) e = avskey_keydir_ensure(cfg->keys.keystore_dir);
    if (!e) e = avskey_key_path(path, sizeof path, cfg->keys.keystore_dir, name, AVSKEY_KEY_BLS);
    if (!e) e = avskey_file_write_atomic(path, json, len, 0);
    free(json);
    if (e == AVSKEY_ERR_EXISTS) return avskey_grpc_fail(rep, GRPC_STATUS_ALREADY_EXISTS, "%s", avskey_errmsg());
    if (e) return avskey_grpc_fail(rep, GRPC_STATUS_INTERNAL, "cannot write the key file: %s", avskey_errmsg());
    avskey_logf("info", "new BLS key %s written to %s", c1hex, path);
    if (avskey_reload_now(cfg) < 0)
        return avskey_grpc_fail(rep, GRPC_STATUS_INTERNAL, "key written to %s but the reload failed", path);
    return GRPC_STATUS_OK;
}

/* The secret of an ImportKey request. Returns the status. */
static int import_sk(const avskey_grpc_req *req, avskey_bls_sk *sk, avskey_grpc_reply *rep)
{
    if (req->mnemonic && *req->mnemonic)
        return avskey_grpc_fail(rep, GRPC_STATUS_INVALID_ARGUMENT, "mnemonic import is not supported: send private_key");
    if (!req->private_key || !*req->private_key)
        return avskey_grpc_fail(rep, GRPC_STATUS_INVALID_ARGUMENT, "private_key is required");
    avskey_err e = avskey_bls_sk_from_text(sk, req->private_key);
    if (e == AVSKEY_ERR_CRYPTO) return avskey_grpc_fail(rep, GRPC_STATUS_INVALID_ARGUMENT, "private_key is 0 mod r");
    if (e) return avskey_grpc_fail(rep, GRPC_STATUS_INVALID_ARGUMENT, "private_key must be decimal or 0x-hex");
    return GRPC_STATUS_OK;
}

static void answer(const avskey_grpc_req *req, const char *c1hex, const char *c2hex, avskey_grpc_reply *rep)
{
    uint8_t *body = NULL;
    size_t len = 0;
    if (req->method->id == AVSKEY_GRPC_GENERATE_KEY_PAIR) {
        Keymanager__V1__GenerateKeyPairResponse r = KEYMANAGER__V1__GENERATE_KEY_PAIR_RESPONSE__INIT;
        r.public_key_g1 = (char *)c1hex;
        r.public_key_g2 = (char *)c2hex;   /* private_key, mnemonic, api_key stay "" */
        body = avskey_grpc_pack(&r.base, &len);
    } else {
        Keymanager__V1__ImportKeyResponse r = KEYMANAGER__V1__IMPORT_KEY_RESPONSE__INIT;
        r.public_key_g1 = (char *)c1hex;
        r.public_key_g2 = (char *)c2hex;
        body = avskey_grpc_pack(&r.base, &len);
    }
    if (!body) {
        avskey_grpc_fail(rep, GRPC_STATUS_RESOURCE_EXHAUSTED, "out of memory");
        return;
    }
    rep->status = GRPC_STATUS_OK;
    rep->body = body;
    rep->len = len;
}

void avskey_grpc_key_management(const avskey_grpc_caller *c, const avskey_grpc_req *req, avskey_grpc_reply *rep)
{
    const avskey_server_config *cfg = c->cfg;
    int import = req->method->id == AVSKEY_GRPC_IMPORT_KEY;
    const char *extra = import ? "\"method\":\"ImportKey\"" : "\"method\":\"GenerateKeyPair\"";
    const char *why = NULL;
    if (!cfg->allow_remote_key_mgmt) {
        why = "remote key management disabled";
        avskey_grpc_fail(rep, GRPC_STATUS_PERMISSION_DENIED,
                         "%s is disabled: remote key management needs `avskey serve --allow-remote-key-management` "
                         "and an admin client; or use `avskey keys create|import` on the host",
                         req->method->name);
    } else if (avskey_authorize_admin(cfg, c->handle) != AVSKEY_AUTHZ_OK) {
        why = "not an admin client";
        avskey_grpc_fail(rep, GRPC_STATUS_PERMISSION_DENIED, "%s needs an admin client", req->method->name);
    } else if ((why = precondition(cfg)) != NULL) {
        avskey_grpc_fail(rep, GRPC_STATUS_FAILED_PRECONDITION, "%s refused: %s", req->method->name, why);
    }
    if (why) {
        avskey_event(cfg, "key_management", c->client, NULL, "refused", why, extra);
        avskey_metric_refusal(why);
        return;
    }
    avskey_bls_sk sk;
    char c1hex[65] = "", c2hex[129] = "";
    pthread_mutex_lock(&g_create);
    int st = import ? import_sk(req, &sk, rep)
                    : (random_sk(&sk) ? GRPC_STATUS_OK
                                      : avskey_grpc_fail(rep, GRPC_STATUS_INTERNAL, "no randomness for a new key"));
    if (st == GRPC_STATUS_OK) st = write_key(cfg, &sk, c1hex, c2hex, rep);
    pthread_mutex_unlock(&g_create);
    AVSKEY_WIPE(sk);
    avskey_event(cfg, import ? "key_imported" : "key_created", c->client, c1hex[0] ? c1hex : NULL,
                 st == GRPC_STATUS_OK ? "allowed" : "refused", st == GRPC_STATUS_OK ? "" : rep->message, extra);
    if (st == GRPC_STATUS_OK) answer(req, c1hex, c2hex, rep);
}
