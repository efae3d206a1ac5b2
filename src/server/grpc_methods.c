/* Cerberus methods: SignGeneric, SignG1, ListKeys, GetKeyMetadata, and the
 * Admin service (LockKey, UnlockKey, ListAllKeys, GenerateNewApiKey). */
#include "grpc_methods.h"

#include "admin.pb-c.h"
#include "hooks.h"
#include "key_manager.pb-c.h"
#include "locks.h"
#include "signer.pb-c.h"

#include "avskey/bls.h"
#include "avskey/log.h"

#include <grpc/status.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int avskey_grpc_fail(avskey_grpc_reply *rep, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rep->message, sizeof rep->message, fmt, ap);
    va_end(ap);
    rep->status = status;
    return status;
}

static void reply_msg(avskey_grpc_reply *rep, const ProtobufCMessage *msg)
{
    rep->body = avskey_grpc_pack(msg, &rep->len);
    if (!rep->body) avskey_grpc_fail(rep, GRPC_STATUS_RESOURCE_EXHAUSTED, "out of memory");
    else rep->status = GRPC_STATUS_OK;
}

static int past_deadline(const avskey_grpc_caller *c)
{
    return c->deadline > 0 && avskey_now_seconds() >= c->deadline;
}

/* ---- signing ------------------------------------------------------------ */

typedef struct sign_job {
    const avskey_grpc_caller *c;
    const avskey_grpc_req *req;
    char extra[200];              /* audit: method, data_sha256 */
    double t0;
} sign_job;

static void sign_audit(sign_job *j, const char *key, const avskey_grpc_reply *rep, const char *reason)
{
    const char *status = rep->status == GRPC_STATUS_OK ? "ok" : "refused";
    avskey_event(j->c->cfg, "sign", j->c->client, key, rep->status == GRPC_STATUS_OK ? "allowed" : "refused",
                 reason, j->extra);
    avskey_metric_signing("bn254", j->req->method->name, status, avskey_now_seconds() - j->t0);
    if (rep->status != GRPC_STATUS_OK) avskey_metric_refusal(reason);
}

/* Finds the key and checks it may sign now. Returns the status. */
static int sign_checks(sign_job *j, const avskey_keyring *ring, const avskey_key **out, avskey_grpc_reply *rep,
                       const char **reason)
{
    const char *id = j->req->key;
    const avskey_key *k = avskey_keyring_by_g1(ring, id);
    if (!k) {
        *reason = "unknown key";
        return avskey_grpc_fail(rep, GRPC_STATUS_NOT_FOUND, "no BLS key with public_key_g1 %s", id);
    }
    if (avskey_authorize_key(j->c->cfg, j->c->handle, k) != AVSKEY_AUTHZ_OK) {
        *reason = "client may not use this key";
        return avskey_grpc_fail(rep, GRPC_STATUS_PERMISSION_DENIED, "client %s may not use key %s", j->c->client, id);
    }
    if (avskey_lock_is_locked(k->id_g1)) {
        *reason = "key locked";
        return avskey_grpc_fail(rep, GRPC_STATUS_PERMISSION_DENIED,
                                "key %s is locked (admin.v1.Admin/UnlockKey unlocks it)", id);
    }
    if (past_deadline(j->c)) {
        *reason = "deadline exceeded";
        return avskey_grpc_fail(rep, GRPC_STATUS_DEADLINE_EXCEEDED, "deadline exceeded before signing");
    }
    *out = k;
    return GRPC_STATUS_OK;
}

/* sig = sk*H(pad32(data)) (SignGeneric) or sk*P (SignG1). */
static int sign_with(const avskey_key *k, const avskey_grpc_req *req, uint8_t sig[64])
{
    avskey_bls_sk sk;
    int ok = avskey_bls_sk_from_bytes(&sk, k->sk);
    if (ok && req->method->id == AVSKEY_GRPC_SIGN_G1) {
        ok = avskey_bls_mul_g1(sig, req->data, &sk);
    } else if (ok) {
        uint8_t msg[32] = {0};
        if (req->data_len) memcpy(msg, req->data, req->data_len);
        avskey_bls_sign(sig, msg, &sk);
    }
    AVSKEY_WIPE(sk);
    return ok;
}

static void method_sign(const avskey_grpc_caller *c, const avskey_grpc_req *req, avskey_grpc_reply *rep)
{
    sign_job j = {c, req, "", avskey_now_seconds()};
    uint8_t digest[32], sig[64];
    char hex[65];
    struct sha256_ctx h;                       /* audit trail: what was signed */
    sha256_init(&h);
    sha256_update(&h, req->data_len, req->data);
    sha256_digest(&h, sizeof digest, digest);
    avskey_hex_encode(hex, digest, 32);
    snprintf(j.extra, sizeof j.extra, "\"method\":\"%s\",\"data_sha256\":\"%s\"", req->method->name, hex);

    avskey_keyring *ring = avskey_keyring_acquire();
    const avskey_key *k = NULL;
    const char *reason = NULL;
    if (sign_checks(&j, ring, &k, rep, &reason) == GRPC_STATUS_OK) {
        if (!sign_with(k, req, sig)) {
            reason = "invalid point";
            avskey_grpc_fail(rep, GRPC_STATUS_INVALID_ARGUMENT, "data is not a valid G1 point");
        } else if (past_deadline(c)) {
            reason = "deadline exceeded";
            avskey_grpc_fail(rep, GRPC_STATUS_DEADLINE_EXCEEDED, "deadline exceeded while signing");
        } else {
            Signer__V1__SignGenericResponse r = SIGNER__V1__SIGN_GENERIC_RESPONSE__INIT;
            r.signature.data = sig;   /* SignG1Response has the same single field */
            r.signature.len = 64;
            reply_msg(rep, &r.base);
        }
    }
    avskey_keyring_release(ring);
    sign_audit(&j, req->key, rep, reason ? reason : "");
}

/* ---- key listing -------------------------------------------------------- */

/* Finds the key of a request for a metadata or admin method. */
static const avskey_key *key_of(const avskey_keyring *ring, const avskey_grpc_req *req, avskey_grpc_reply *rep)
{
    const avskey_key *k = avskey_keyring_by_g1(ring, req->key);
    if (!k) avskey_grpc_fail(rep, GRPC_STATUS_NOT_FOUND, "no BLS key with public_key_g1 %s", req->key);
    return k;
}

static void method_list_keys(const avskey_grpc_caller *c, avskey_grpc_reply *rep)
{
    avskey_keyring *ring = avskey_keyring_acquire();
    size_t n = 0, cap = ring ? ring->n : 0;
    Keymanager__V1__PublicKey *pks = calloc(cap ? cap : 1, sizeof *pks);
    Keymanager__V1__PublicKey **ptrs = calloc(cap ? cap : 1, sizeof *ptrs);
    if (!pks || !ptrs) {
        avskey_grpc_fail(rep, GRPC_STATUS_RESOURCE_EXHAUSTED, "out of memory");
    } else {
        for (size_t i = 0; i < cap; i++) {
            avskey_key *k = &ring->keys[i];
            if (k->type != AVSKEY_KEY_BLS || avskey_authorize_key(c->cfg, c->handle, k) != AVSKEY_AUTHZ_OK) continue;
            keymanager__v1__public_key__init(&pks[n]);
            pks[n].public_key_g1 = k->id_g1;
            pks[n].public_key_g2 = k->id_g2;
            ptrs[n] = &pks[n];
            n++;
        }
        Keymanager__V1__ListKeysResponse r = KEYMANAGER__V1__LIST_KEYS_RESPONSE__INIT;
        r.n_public_keys = n;
        r.public_keys = ptrs;
        reply_msg(rep, &r.base);
    }
    free(pks);
    free(ptrs);
    avskey_keyring_release(ring);
}

static void method_get_key_metadata(const avskey_grpc_caller *c, const avskey_grpc_req *req,
                                    avskey_grpc_reply *rep)
{
    avskey_keyring *ring = avskey_keyring_acquire();
    const avskey_key *k = key_of(ring, req, rep);
    if (k && avskey_authorize_key(c->cfg, c->handle, k) != AVSKEY_AUTHZ_OK) {
        avskey_grpc_fail(rep, GRPC_STATUS_PERMISSION_DENIED, "client %s may not use key %s", c->client, req->key);
    } else if (k) {
        Keymanager__V1__GetKeyMetadataResponse r = KEYMANAGER__V1__GET_KEY_METADATA_RESPONSE__INIT;
        r.public_key_g1 = (char *)k->id_g1;
        r.public_key_g2 = (char *)k->id_g2;
        r.created_at = r.updated_at = (int64_t)(k->st.mtime_ns / 1000000000LL);
        reply_msg(rep, &r.base);
    }
    avskey_keyring_release(ring);
}

/* ---- admin --------------------------------------------------------------- */

static void method_lock(const avskey_grpc_caller *c, const avskey_grpc_req *req, avskey_grpc_reply *rep)
{
    int lock = req->method->id == AVSKEY_GRPC_LOCK_KEY;
    avskey_keyring *ring = avskey_keyring_acquire();
    const avskey_key *k = key_of(ring, req, rep);
    if (k) {
        int changed = avskey_lock_set(k->id_g1, lock);
        if (changed < 0) {
            avskey_grpc_fail(rep, GRPC_STATUS_RESOURCE_EXHAUSTED, "out of memory");
        } else {
            Admin__V1__LockKeyResponse r = ADMIN__V1__LOCK_KEY_RESPONSE__INIT;  /* both are empty */
            reply_msg(rep, &r.base);
            char extra[80];
            snprintf(extra, sizeof extra, "\"method\":\"%s\",\"changed\":%s", req->method->name,
                     changed ? "true" : "false");
            avskey_event(c->cfg, lock ? "key_locked" : "key_unlocked", c->client, k->id_g1, "allowed", "", extra);
            avskey_logf("info", "key %s %s by %s", k->id_g1, lock ? "locked" : "unlocked", c->client);
        }
    }
    avskey_keyring_release(ring);
}

static char *time_text(char out[32], long long ns)
{
    time_t t = (time_t)(ns / 1000000000LL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return out;
}

static void method_list_all_keys(avskey_grpc_reply *rep)
{
    avskey_keyring *ring = avskey_keyring_acquire();
    size_t n = 0, cap = ring ? ring->n : 0;
    Admin__V1__KeyMetadata *ks = calloc(cap ? cap : 1, sizeof *ks);
    Admin__V1__KeyMetadata **ptrs = calloc(cap ? cap : 1, sizeof *ptrs);
    char (*times)[32] = calloc(cap ? cap : 1, 32);
    if (!ks || !ptrs || !times) {
        avskey_grpc_fail(rep, GRPC_STATUS_RESOURCE_EXHAUSTED, "out of memory");
    } else {
        for (size_t i = 0; i < cap; i++) {
            avskey_key *k = &ring->keys[i];
            if (k->type != AVSKEY_KEY_BLS) continue;
            admin__v1__key_metadata__init(&ks[n]);
            ks[n].public_key_g1 = k->id_g1;
            ks[n].public_key_g2 = k->id_g2;
            ks[n].locked = avskey_lock_is_locked(k->id_g1);
            ks[n].created_at = ks[n].updated_at = time_text(times[n], k->st.mtime_ns);
            ptrs[n] = &ks[n];
            n++;
        }
        Admin__V1__ListAllKeysResponse r = ADMIN__V1__LIST_ALL_KEYS_RESPONSE__INIT;
        r.n_keys = n;
        r.keys = ptrs;
        reply_msg(rep, &r.base);
    }
    free(ks);
    free(ptrs);
    free(times);
    avskey_keyring_release(ring);
}

/* ---- dispatch ------------------------------------------------------------ */

static int is_admin_method(avskey_grpc_method_id id)
{
    return id == AVSKEY_GRPC_LOCK_KEY || id == AVSKEY_GRPC_UNLOCK_KEY || id == AVSKEY_GRPC_LIST_ALL_KEYS ||
           id == AVSKEY_GRPC_GENERATE_NEW_API_KEY;
}

void avskey_grpc_dispatch(const avskey_grpc_caller *c, const avskey_grpc_req *req, avskey_grpc_reply *rep)
{
    avskey_grpc_method_id id = req->method->id;
    if (is_admin_method(id) && avskey_authorize_admin(c->cfg, c->handle) != AVSKEY_AUTHZ_OK) {
        avskey_event(c->cfg, "admin", c->client, req->key[0] ? req->key : NULL, "refused", "not an admin client",
                     NULL);
        avskey_metric_refusal("not an admin client");
        avskey_grpc_fail(rep, GRPC_STATUS_PERMISSION_DENIED, "%s needs an admin client", req->method->name);
        return;
    }
    switch (id) {
    case AVSKEY_GRPC_SIGN_GENERIC:
    case AVSKEY_GRPC_SIGN_G1: method_sign(c, req, rep); break;
    case AVSKEY_GRPC_LIST_KEYS: method_list_keys(c, rep); break;
    case AVSKEY_GRPC_GET_KEY_METADATA: method_get_key_metadata(c, req, rep); break;
    case AVSKEY_GRPC_LOCK_KEY:
    case AVSKEY_GRPC_UNLOCK_KEY: method_lock(c, req, rep); break;
    case AVSKEY_GRPC_LIST_ALL_KEYS: method_list_all_keys(rep); break;
    case AVSKEY_GRPC_GENERATE_NEW_API_KEY:
        avskey_grpc_fail(rep, GRPC_STATUS_UNIMPLEMENTED,
                         "avskey does not issue API keys over gRPC: API keys are managed with "
                         "`avskey auth add-client NAME --keys ID --auth-file FILE`");
        break;
    case AVSKEY_GRPC_GENERATE_KEY_PAIR:
    case AVSKEY_GRPC_IMPORT_KEY: avskey_grpc_key_management(c, req, rep); break;
    }
}
