/* Web3Signer eth1 REST routes: upcheck, healthcheck, reload, publicKeys, sign. */
#include "server.h"
#include "hooks.h"

#include "avskey/ecdsa.h"
#include "avskey/keccak.h"
#include "avskey/log.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define TEXT "text/plain; charset=utf-8"
#define JSON "application/json"

void avskey_respond(avskey_response *r, unsigned status, const char *type, const char *text)
{
    avskey_respond_owned(r, status, type, strdup(text ? text : ""));
}

void avskey_respond_owned(avskey_response *r, unsigned status, const char *type, char *text)
{
    free(r->body);
    r->status = status;
    r->content_type = type;
    r->body = text;
    r->len = text ? strlen(text) : 0;
}

int avskey_client_may_use(const avskey_request *req, const avskey_key *k)
{
    return avskey_authorize_key(req->cfg, req->auth, k) == AVSKEY_AUTHZ_OK;
}

int avskey_sign_ecdsa_for(const avskey_request *req, const avskey_key *k, const uint8_t digest[32], int raw,
                          const char *method, uint8_t sig65[65], char reason[160])
{
    char extra[200] = "", d[65];
    double t0 = avskey_now_seconds();
    if (req->cfg->audit) {   /* only the audit log reads it */
        avskey_hex_encode(d, digest, 32);
        snprintf(extra, sizeof extra, "\"method\":\"%s\",\"digest\":\"0x%s\"", method, d);
    }
    reason[0] = '\0';
    if (raw && !avskey_allow_raw(req->cfg, k, reason)) {
        avskey_event(req->cfg, "sign", req->client, k->id_addr, "refused", reason, extra);
        avskey_metric_refusal("raw_signing");
        return 0;
    }
    int ok = avskey_ecdsa_sign(sig65, digest, k->sk);
    if (!ok) snprintf(reason, 160, "signing failed");
    avskey_event(req->cfg, "sign", req->client, k->id_addr, ok ? "allowed" : "error", ok ? NULL : reason, extra);
    avskey_metric_signing("secp256k1", method, ok ? "ok" : "error", avskey_now_seconds() - t0);
    return ok;
}

/* ---- healthcheck (Vert.x health-check JSON, as Web3Signer) ------------- */

static json_t *loading_check(const char *id, size_t loaded, size_t errors, const avskey_keyring *r, int config)
{
    json_t *data = json_pack("{s:I,s:I}", "keys-loaded", (json_int_t)loaded, "error-count", (json_int_t)errors);
    if (errors && r) {
        json_t *failed = json_array();
        for (size_t i = 0; i < r->nerrors; i++) {
            if (r->errors[i].from_config == config) json_array_append_new(failed, json_string(r->errors[i].source));
        }
        json_object_set_new(data, "failed", failed);
    }
    return json_pack("{s:s,s:s,s:o}", "id", id, "status", errors ? "DOWN" : "UP", "data", data);
}

static void route_healthcheck(const avskey_server_config *cfg, avskey_response *res)
{
    avskey_keyring *r = avskey_keyring_acquire();
    json_t *checks = json_array();
    size_t errors = r ? r->nerrors : 1;
    if (cfg->keys.keystore_dir || !cfg->keys.key_config_dir)
        json_array_append_new(checks, loading_check("v3-keystores-bulk-loading", r ? r->loaded_dir : 0,
                                                    r ? r->errors_dir : 1, r, 0));
    if (cfg->keys.key_config_dir)
        json_array_append_new(checks, loading_check("config-files-loading", r ? r->loaded_config : 0,
                                                    r ? r->errors_config : 1, r, 1));
    const char *up = errors ? "DOWN" : "UP";
    json_t *doc = json_pack("{s:s,s:[{s:s,s:s},{s:s,s:s,s:o}],s:s}", "status", up, "checks", "id",
                            "default-check", "status", "UP", "id", "keys-check", "status", up, "checks", checks,
                            "outcome", up);
    avskey_keyring_release(r);
    avskey_respond_owned(res, errors ? 503 : 200, JSON, json_dumps(doc, JSON_COMPACT));
    json_decref(doc);
}

/* ---- publicKeys and REST sign ------------------------------------------ */

static void route_public_keys(const avskey_request *req, avskey_response *res)
{
    avskey_keyring *r = avskey_keyring_acquire();
    json_t *arr = json_array();
    for (size_t i = 0; r && i < r->n; i++)
        if (r->keys[i].type == AVSKEY_KEY_ECDSA && avskey_client_may_use(req, &r->keys[i]))
            json_array_append_new(arr, json_string(r->keys[i].id_pub));
    avskey_keyring_release(r);
    avskey_respond_owned(res, 200, JSON, json_dumps(arr, JSON_COMPACT));
    json_decref(arr);
}

/* Web3Signer's lenient hex (Tuweni Bytes.fromHexString): optional 0x, odd
 * length padded with a leading zero. Out: *out (malloc'd), *n. */
static int lenient_hex(uint8_t **out, size_t *n, const char *s)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
    size_t len = strlen(s);
    for (size_t i = 0; i < len; i++)   /* digits only after the one optional 0x */
        if (!isxdigit((unsigned char)s[i])) return 0;
    char small[256], *even = len + 2 <= sizeof small ? small : malloc(len + 2);
    if (!even) return 0;
    even[0] = '0';
    memcpy(even + len % 2, s, len + 1);
    *out = malloc(len / 2 + 2);
    int ok = *out && avskey_hex_decode_any_var(*out, n, len / 2 + 1, even);
    if (even != small) free(even);
    if (!ok) {
        free(*out);
        *out = NULL;
    }
    return ok;
}

/* The body clients send, {"data":"<hex>"} with an optional ,"applyHash":true
 * or false and no white space, read without building a JSON document; any
 * other body goes through jansson. The same string reaches lenient_hex
 * either way (hex digits and x only: no escapes to decode). Returns 1 if body
 * has that form. Out: hex (NUL-terminated copy), *apply (-1 absent, 0, 1). */
static int rest_sign_simple(char hex[258], int *apply, const char *body, size_t len)
{
    static const char head[] = "{\"data\":\"", ah[] = ",\"applyHash\":";
    const char *p = body, *end = body + len;
    if (len < sizeof head || memcmp(p, head, sizeof head - 1) != 0) return 0;
    p += sizeof head - 1;
    size_t n = 0;
    for (; p < end && n < 257 && (isxdigit((unsigned char)*p) || *p == 'x' || *p == 'X'); p++) hex[n++] = *p;
    if (p == end || *p != '"' || n == 0) return 0;
    hex[n] = '\0';
    p++;
    *apply = -1;
    if ((size_t)(end - p) >= sizeof ah - 1 && memcmp(p, ah, sizeof ah - 1) == 0) {
        p += sizeof ah - 1;
        if (end - p >= 4 && memcmp(p, "true", 4) == 0) *apply = 1, p += 4;
        else if (end - p >= 5 && memcmp(p, "false", 5) == 0) *apply = 0, p += 5;
        else return 0;
    }
    return end - p == 1 && *p == '}';
}

/* The digest to sign for data (lenient hex) and applyHash (-1 absent, 0, 1):
 * keccak256(data), or data itself when applyHash is false (32 bytes). */
static int digest_of(uint8_t digest[32], const char *data, int apply)
{
    uint8_t *bytes = NULL;
    size_t n = 0;
    int ok = lenient_hex(&bytes, &n, data);
    if (ok && apply == 0) {
        ok = n == 32;
        if (ok) memcpy(digest, bytes, 32);
    } else if (ok) {
        avskey_keccak256(digest, bytes, n);
    }
    free(bytes);
    return ok;
}

/* Parses {"data": "0x..", "applyHash": bool}. Out: digest to sign. */
static int rest_sign_digest(uint8_t digest[32], const char *body, size_t len)
{
    char hex[258];
    int apply;
    if (rest_sign_simple(hex, &apply, body, len)) return digest_of(digest, hex, apply);
    json_t *doc = json_loadb(body, len, 0, NULL), *data = json_object_get(doc, "data");
    json_t *japply = json_object_get(doc, "applyHash");
    int ok = json_is_object(doc) && json_is_string(data) && json_string_length(data) > 0 &&
             (!japply || json_is_boolean(japply)) &&
             digest_of(digest, json_string_value(data), japply ? json_is_true(japply) : -1);
    json_decref(doc);
    return ok;
}

static void route_sign(const avskey_server_config *cfg, const avskey_request *req, const char *id,
                       avskey_response *res)
{
    uint8_t digest[32], sig[65];
    char hex[133], reason[160];
    (void)cfg;
    if (!rest_sign_digest(digest, req->body, req->len)) {
        avskey_respond(res, 400, TEXT, "Bad Request");
        return;
    }
    avskey_keyring *r = avskey_keyring_acquire();
    const avskey_key *k = avskey_keyring_by_pubkey(r, id);
    if (!k) {
        avskey_respond(res, 404, TEXT, "Not Found");
    } else if (!avskey_client_may_use(req, k)) {
        avskey_respond(res, 403, TEXT, "Forbidden");
    } else if (!avskey_sign_ecdsa_for(req, k, digest, 1, "eth1_sign", sig, reason)) {
        avskey_respond(res, 403, TEXT, reason);
    } else {
        hex[0] = '0';
        hex[1] = 'x';
        avskey_hex_encode(hex + 2, sig, 65);
        avskey_respond(res, 200, TEXT, hex);
    }
    avskey_keyring_release(r);
}

/* ---- dispatch ---------------------------------------------------------- */

static void route_reload(const avskey_server_config *cfg, const avskey_request *req, avskey_response *res)
{
    if (strcmp(req->method, "GET") == 0) {
        avskey_respond_owned(res, 200, JSON, avskey_reload_status_json());
    } else if (!avskey_reload_start(cfg)) {
        avskey_respond(res, 409, JSON,
                       "{\"status\":\"error\",\"message\":\"A reload operation is already in progress. "
                       "Please try again later.\"}");
    } else {
        avskey_respond(res, 202, JSON,
                       "{\"status\":\"accepted\",\"message\":\"Reload operation accepted and is running in the "
                       "background. Use GET /reload to check status.\"}");
    }
}

#define SIGN_PREFIX "/api/v1/eth1/sign/"

void avskey_route(const avskey_server_config *cfg, const avskey_request *req, avskey_response *res)
{
    int get = strcmp(req->method, "GET") == 0, post = strcmp(req->method, "POST") == 0;
    const char *url = req->url;
    if (get && strcmp(url, "/upcheck") == 0) avskey_respond(res, 200, TEXT, "OK");
    else if (get && strcmp(url, "/healthcheck") == 0) route_healthcheck(cfg, res);
    else if ((get || post) && strcmp(url, "/reload") == 0) route_reload(cfg, req, res);
    else if (get && strcmp(url, "/api/v1/eth1/publicKeys") == 0) route_public_keys(req, res);
    else if (post && strncmp(url, SIGN_PREFIX, strlen(SIGN_PREFIX)) == 0)
        route_sign(cfg, req, url + strlen(SIGN_PREFIX), res);
    else if (post && strcmp(url, "/") == 0) avskey_rpc_handle(cfg, req, res);
    else avskey_respond(res, 404, TEXT, "Not Found");
}
