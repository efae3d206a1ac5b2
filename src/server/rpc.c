/* JSON-RPC 2.0 at POST / (Web3Signer eth1 methods, plus the aliases ethers
 * and viem call: eth_chainId, personal_sign, eth_signTypedData_v4). */
#include "rpc.h"

#include "avskey/ecdsa.h"
#include "avskey/keccak.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON "application/json"
#define AVSKEY_RPC_MAX_BATCH 1000  /* geth's limit; viem batches up to 1000 */

const avskey_rpc_error AVSKEY_RPC_PARSE_ERROR = {-32700, "Parse error"};
const avskey_rpc_error AVSKEY_RPC_INVALID_REQUEST = {-32600, "Invalid Request"};
const avskey_rpc_error AVSKEY_RPC_METHOD_NOT_FOUND = {-32601, "Method not found"};
const avskey_rpc_error AVSKEY_RPC_INVALID_PARAMS = {-32602, "Invalid params"};
const avskey_rpc_error AVSKEY_RPC_INTERNAL = {-32603, "Internal error"};
const avskey_rpc_error AVSKEY_RPC_NO_ACCOUNT = {-32000, "No unlocked account matches the Sender"};
const avskey_rpc_error AVSKEY_RPC_WRONG_CHAIN = {-32000, "Wrong chainId"};
const avskey_rpc_error AVSKEY_RPC_REFUSED = {-32000, "Refused by policy"};

/* HTTP status for an error, as Web3Signer's ResponseCodeSelector. */
static unsigned http_status(const avskey_rpc_error *e)
{
    return (e->code == -32600 || e->code == -32602 || e->code == -32700) ? 400 : 200;
}

static char *reply(json_t *id, json_t *result, const avskey_rpc_error *err, const char *detail)
{
    char *ids = id ? json_dumps(id, JSON_COMPACT | JSON_ENCODE_ANY) : strdup("null");
    char *body = NULL;
    if (err) {
        char msg[600];
        char both[400];
        snprintf(both, sizeof both, "%s%s%s", err->message, detail ? ": " : "", detail ? detail : "");
        avskey_json_escape(msg, sizeof msg, both);
        if (asprintf(&body, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"error\":{\"code\":%d,\"message\":%s}}", ids,
                     err->code, msg) < 0)
            body = NULL;
    } else {
        char *rs = json_dumps(result, JSON_COMPACT | JSON_ENCODE_ANY);
        if (asprintf(&body, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":%s}", ids, rs ? rs : "null") < 0) body = NULL;
        free(rs);
    }
    free(ids);
    return body;
}

/* ---- methods ----------------------------------------------------------- */

static const avskey_rpc_error *m_accounts(avskey_rpc_ctx *c, json_t *params, json_t **result)
{
    if (params && !json_is_null(params) && !(json_is_array(params) && json_array_size(params) == 0))
        return &AVSKEY_RPC_INVALID_PARAMS;
    json_t *arr = json_array();
    for (size_t i = 0; c->ring && i < c->ring->n; i++) {
        const avskey_key *k = &c->ring->keys[i];
        if (k->type == AVSKEY_KEY_ECDSA && avskey_client_may_use(c->req, k))
            json_array_append_new(arr, json_string(k->id_addr));
    }
    /* Keys are kept sorted by file name; the answer is sorted by address. */
    size_t n = json_array_size(arr);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(json_string_value(json_array_get(arr, j - 1)),
                                           json_string_value(json_array_get(arr, j))) > 0; j--) {
            json_t *a = json_incref(json_array_get(arr, j - 1));
            json_array_set(arr, j - 1, json_array_get(arr, j));
            json_array_set_new(arr, j, a);
        }
    *result = arr;
    return NULL;
}

/* EIP-191: keccak256("\x19Ethereum Signed Message:\n" + len + message);
 * the message is 0x-hex or else UTF-8 text (Web3Signer's EthMessageUtil). */
static int personal_digest(uint8_t d[32], const char *msg)
{
    uint8_t *bytes = NULL;
    size_t n = strlen(msg);
    if (msg[0] == '0' && (msg[1] == 'x' || msg[1] == 'X')) {
        bytes = malloc(n / 2 + 1);
        if (!bytes || !avskey_hex_decode_any_var(bytes, &n, n / 2 + 1, msg)) {
            free(bytes);
            return 0;
        }
    }
    char prefix[64];
    int pn = snprintf(prefix, sizeof prefix, "\x19" "Ethereum Signed Message:\n%zu", n);
    avskey_keccak256_ctx k;
    avskey_keccak256_init(&k);
    avskey_keccak256_update(&k, (const uint8_t *)prefix, (size_t)pn);
    avskey_keccak256_update(&k, bytes ? bytes : (const uint8_t *)msg, n);
    avskey_keccak256_final(&k, d);
    free(bytes);
    return 1;
}

/* Signs digest with the key of address; the result is "0x" r||s||v. */
const avskey_rpc_error *avskey_rpc_sign_as(avskey_rpc_ctx *c, const char *address, const uint8_t d[32], int raw,
                                          const char *method, json_t **result)
{
    const avskey_key *k = avskey_keyring_by_address(c->ring, address);
    uint8_t sig[65];
    char hex[133] = "0x";
    if (!k || !avskey_client_may_use(c->req, k)) return &AVSKEY_RPC_NO_ACCOUNT;
    if (!avskey_sign_ecdsa_for(c->req, k, d, raw, method, sig, c->reason)) {
        c->detail = c->reason;
        return &AVSKEY_RPC_REFUSED;
    }
    avskey_hex_encode(hex + 2, sig, 65);
    *result = json_string(hex);
    return NULL;
}

static const avskey_rpc_error *sign_message(avskey_rpc_ctx *c, json_t *params, int addr_first, json_t **result)
{
    if (!json_is_array(params) || json_array_size(params) != 2) return &AVSKEY_RPC_INVALID_PARAMS;
    json_t *a = json_array_get(params, addr_first ? 0 : 1), *m = json_array_get(params, addr_first ? 1 : 0);
    uint8_t d[32];
    if (!json_is_string(a) || !json_is_string(m) || !personal_digest(d, json_string_value(m)))
        return &AVSKEY_RPC_INVALID_PARAMS;
    return avskey_rpc_sign_as(c, json_string_value(a), d, 1, addr_first ? "eth_sign" : "personal_sign", result);
}

static const avskey_rpc_error *m_eth_sign(avskey_rpc_ctx *c, json_t *p, json_t **r) { return sign_message(c, p, 1, r); }
static const avskey_rpc_error *m_personal_sign(avskey_rpc_ctx *c, json_t *p, json_t **r) { return sign_message(c, p, 0, r); }

static const avskey_rpc_error *m_chain_id(avskey_rpc_ctx *c, json_t *params, json_t **result)
{
    char hex[24];
    (void)params;
    if (!c->cfg->has_chain_id) {
        c->detail = "the signer has no --chain-id";
        return &AVSKEY_RPC_WRONG_CHAIN;
    }
    snprintf(hex, sizeof hex, "0x%llx", (unsigned long long)c->cfg->chain_id);
    *result = json_string(hex);
    return NULL;
}

static const avskey_rpc_error *m_health(avskey_rpc_ctx *c, json_t *params, json_t **result)
{
    (void)c;
    (void)params;
    *result = json_string("OK");
    return NULL;
}

static const struct {
    const char *name;
    avskey_rpc_method fn;
} methods[] = {
    {"eth_accounts", m_accounts},
    {"eth_sign", m_eth_sign},
    {"personal_sign", m_personal_sign},
    {"eth_chainId", m_chain_id},
    {"health_status", m_health},
    {"eth_signTransaction", avskey_rpc_sign_transaction},
    {"eth_signTypedData", avskey_rpc_sign_typed_data},
    {"eth_signTypedData_v4", avskey_rpc_sign_typed_data},
};

/* ---- requests ---------------------------------------------------------- */

/* Answers one request object. Out: *status (HTTP). Returns the body. */
static char *one(avskey_rpc_ctx *c, json_t *rq, unsigned *status)
{
    json_t *id = json_object_get(rq, "id"), *method = json_object_get(rq, "method");
    json_t *result = NULL;
    const avskey_rpc_error *err = NULL;
    c->detail = NULL;
    if (!json_is_object(rq) || !json_is_string(method)) {
        err = &AVSKEY_RPC_INVALID_REQUEST;
        id = json_is_object(rq) ? id : NULL;
    } else {
        err = &AVSKEY_RPC_METHOD_NOT_FOUND;
        for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
            if (strcmp(json_string_value(method), methods[i].name) == 0) {
                err = methods[i].fn(c, json_object_get(rq, "params"), &result);
                break;
            }
    }
    *status = err ? http_status(err) : 200;
    char *body = reply(id, result, err, c->detail);
    json_decref(result);
    return body;
}

static char *batch(avskey_rpc_ctx *c, json_t *arr, unsigned *status)
{
    size_t n = json_array_size(arr);
    if (n == 0 || n > AVSKEY_RPC_MAX_BATCH) {
        *status = 400;
        return reply(NULL, NULL, &AVSKEY_RPC_INVALID_REQUEST, n ? "batch of more than 1000 calls" : NULL);
    }
    size_t cap = 2, len = 1;
    char *out = malloc(cap);
    if (!out) return NULL;
    out[0] = '[';
    for (size_t i = 0; i < n; i++) {
        unsigned st;
        char *b = one(c, json_array_get(arr, i), &st);
        size_t bl = b ? strlen(b) : 0;
        char *grown = realloc(out, cap = len + bl + 3);
        if (!grown) {
            free(b);
            free(out);
            return NULL;
        }
        out = grown;
        if (i) out[len++] = ',';
        memcpy(out + len, b, bl);
        len += bl;
        free(b);
    }
    out[len++] = ']';
    out[len] = '\0';
    *status = 200;
    return out;
}

void avskey_rpc_handle(const avskey_server_config *cfg, const avskey_request *req, avskey_response *res)
{
    json_error_t jerr;
    json_t *doc = json_loadb(req->body, req->len, JSON_DECODE_ANY, &jerr);
    unsigned status = 400;
    avskey_rpc_ctx c = {cfg, req, avskey_keyring_acquire(), NULL, {0}};
    char *body;
    if (!doc || (!json_is_object(doc) && !json_is_array(doc)))
        body = reply(NULL, NULL, &AVSKEY_RPC_PARSE_ERROR, NULL);
    else if (json_is_array(doc))
        body = batch(&c, doc, &status);
    else
        body = one(&c, doc, &status);
    avskey_keyring_release(c.ring);
    json_decref(doc);
    if (!body) avskey_respond(res, 500, JSON, "");
    else avskey_respond_owned(res, status, JSON, body);
}
