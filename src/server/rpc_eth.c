/* eth_signTransaction and eth_signTypedData (v4), with the ECDSA policy. */
#include "rpc.h"

#include "avskey/eth.h"

#include <stdlib.h>
#include <string.h>

/* Web3Signer takes the transaction object as params[0] or as params. */
static json_t *single_param(json_t *params)
{
    if (json_is_array(params)) return json_array_size(params) == 1 ? json_array_get(params, 0) : NULL;
    return params;
}

static json_t *hex_result(const uint8_t *b, size_t n)
{
    char *hex = malloc(2 * n + 3);
    if (!hex) return NULL;
    hex[0] = '0';
    hex[1] = 'x';
    avskey_hex_encode(hex + 2, b, n);
    json_t *s = json_string(hex);
    free(hex);
    return s;
}

/* Checks chain and policy, signs, encodes. */
static const avskey_rpc_error *sign_tx(avskey_rpc_ctx *c, avskey_eth_tx *tx, json_t **result)
{
    char addr[43] = "0x";
    avskey_hex_encode(addr + 2, tx->from, 20);
    const avskey_key *k = avskey_keyring_by_address(c->ring, addr);
    if (!k || !avskey_client_may_use(c->req, k)) return &AVSKEY_RPC_NO_ACCOUNT;
    if (!avskey_allow_tx(c->cfg, k, tx, c->reason)) {
        c->detail = c->reason;
        avskey_event(c->cfg, "sign", c->req->client, k->id_addr, "refused", c->reason, "\"method\":\"eth_signTransaction\"");
        avskey_metric_refusal("policy");
        return &AVSKEY_RPC_REFUSED;
    }
    uint8_t d[32], sig[65], *raw = NULL;
    size_t rawlen = 0;
    if (avskey_eth_tx_signing_hash(d, tx) != AVSKEY_OK) return &AVSKEY_RPC_INTERNAL;
    if (!avskey_sign_ecdsa_for(c->req, k, d, 0, "eth_signTransaction", sig, c->reason)) return &AVSKEY_RPC_INTERNAL;
    if (avskey_eth_tx_encode_signed(&raw, &rawlen, tx, sig) != AVSKEY_OK) return &AVSKEY_RPC_INTERNAL;
    *result = hex_result(raw, rawlen);
    free(raw);
    return *result ? NULL : &AVSKEY_RPC_INTERNAL;
}

const avskey_rpc_error *avskey_rpc_sign_transaction(avskey_rpc_ctx *c, json_t *params, json_t **result)
{
    json_t *obj = single_param(params);
    if (!json_is_object(obj)) return &AVSKEY_RPC_INVALID_PARAMS;
    if (!c->cfg->has_chain_id) {
        c->detail = "this signer was started without --chain-id";
        return &AVSKEY_RPC_WRONG_CHAIN;
    }
    avskey_eth_tx tx;
    avskey_eth_tx_init(&tx);
    const avskey_rpc_error *err = NULL;
    if (avskey_eth_tx_from_json(&tx, obj, c->cfg->chain_id) != AVSKEY_OK) {
        snprintf(c->reason, sizeof c->reason, "%s", avskey_errmsg());
        c->detail = c->reason;
        err = &AVSKEY_RPC_INVALID_PARAMS;
    } else if (tx.has_request_chain_id && tx.request_chain_id != c->cfg->chain_id) {
        err = &AVSKEY_RPC_WRONG_CHAIN;
    } else {
        err = sign_tx(c, &tx, result);
    }
    avskey_eth_tx_free(&tx);
    return err;
}

/* params: [address, typedData] with typedData an object or a JSON string. */
const avskey_rpc_error *avskey_rpc_sign_typed_data(avskey_rpc_ctx *c, json_t *params, json_t **result)
{
    if (!json_is_array(params) || json_array_size(params) != 2 || !json_is_string(json_array_get(params, 0)))
        return &AVSKEY_RPC_INVALID_PARAMS;
    json_t *td = json_array_get(params, 1), *parsed = NULL;
    if (json_is_string(td)) td = parsed = json_loads(json_string_value(td), 0, NULL);
    uint8_t d[32];
    uint64_t chain = 0;
    int has_chain = 0;
    const avskey_rpc_error *err = NULL;
    const avskey_key *k = avskey_keyring_by_address(c->ring, json_string_value(json_array_get(params, 0)));
    if (!json_is_object(td) || avskey_eth_typed_data_hash(d, &chain, &has_chain, td) != AVSKEY_OK) {
        snprintf(c->reason, sizeof c->reason, "%s", json_is_object(td) ? avskey_errmsg() : "typed data must be an object");
        c->detail = c->reason;
        err = &AVSKEY_RPC_INVALID_PARAMS;
    } else if (!k || !avskey_client_may_use(c->req, k)) {
        err = &AVSKEY_RPC_NO_ACCOUNT;
    } else if (has_chain && !avskey_allow_chain(c->cfg, k, chain, c->reason)) {
        c->detail = c->reason;
        avskey_metric_refusal("chain_id");
        avskey_event(c->cfg, "sign", c->req->client, k->id_addr, "refused", c->reason, "\"method\":\"eth_signTypedData\"");
        err = &AVSKEY_RPC_WRONG_CHAIN;
    } else {
        err = avskey_rpc_sign_as(c, k->id_addr, d, 0, "eth_signTypedData", result);
    }
    json_decref(parsed);
    return err;
}
