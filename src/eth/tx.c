/* Ethereum transactions: legacy (EIP-155), EIP-2930 and EIP-1559, built
 * from eth_signTransaction parameters, hashed, serialized and decoded.
 *
 * Defaults for absent fields follow Web3Signer (Consensys/web3signer,
 * core/src/main/java/tech/pegasys/web3signer/core/service/jsonrpc/handlers/
 * sendtransaction/transaction/Transaction.java): DEFAULT_GAS = 90000,
 * DEFAULT_GAS_PRICE = 0, DEFAULT_VALUE = 0, DEFAULT_DATA = "",
 * DEFAULT_TO = "" (contract creation). Its EthSendTransactionJsonParameters
 * (core/.../jsonrpc/EthSendTransactionJsonParameters.java) takes "data"
 * before "input", requires "from", and EthSignTransactionResultProvider
 * refuses a request without "nonce" (INVALID_PARAMS). Quantities there go
 * through web3j's Numeric.decodeQuantity, which accepts "0x" hex with
 * leading zeros and decimal strings; we accept those and JSON integers. */
#include "avskey/eth.h"

#include "avskey/ecdsa.h"
#include "avskey/keccak.h"
#include "eth/eth_internal.h"

#include <stdlib.h>
#include <string.h>

#define WEB3SIGNER_DEFAULT_GAS 90000u

void avskey_eth_tx_init(avskey_eth_tx *tx)
{
    memset(tx, 0, sizeof *tx);
    tx->data = NULL;
    tx->access_list = NULL;
}

void avskey_eth_tx_free(avskey_eth_tx *tx)
{
    free(tx->data);
    if (tx->access_list)
        for (size_t i = 0; i < tx->access_list_len; i++) free(tx->access_list[i].keys);
    free(tx->access_list);
    avskey_eth_tx_init(tx);
}

/* ---- JSON parsing ---- */

/* Returns the field, or NULL if absent or JSON null. */
static const json_t *field(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return (v && !json_is_null(v)) ? v : NULL;
}

static avskey_err json_uint256(uint8_t out[32], const json_t *v, const char *name)
{
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i < 0) return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: negative quantity", name);
        eth_u64_to_u256(out, (uint64_t)i);
        return AVSKEY_OK;
    }
    if (!json_is_string(v))
        return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: expected a hex quantity string", name);
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v))
        return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: invalid quantity", name);
    switch (eth_parse_uint256(out, s, 1)) {
    case ETH_NUM_OK: return AVSKEY_OK;
    case ETH_NUM_RANGE: return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: quantity exceeds 2^256-1", name);
    default: return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: invalid quantity", name);
    }
}

static avskey_err json_u64(uint64_t *out, const json_t *v, const char *name)
{
    uint8_t be[32];
    avskey_err e = json_uint256(be, v, name);
    if (e) return e;
    if (!eth_u256_to_u64(out, be))
        return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: quantity exceeds 2^64-1", name);
    return AVSKEY_OK;
}

/* An address: "0x" + 40 hex digits, or the 40 digits alone (Web3Signer
 * accepts both: SigningEthSendTransactionIntegrationTest
 * signTransactionWhen{To,From}HasAddressMissingHexPrefix). Any case; the
 * EIP-55 checksum is not checked (Web3Signer does not either). */
static int parse_addr_lenient(uint8_t out[20], const char *s)
{
    char buf[43];
    if (strlen(s) == 40 && !(s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))) {
        buf[0] = '0';
        buf[1] = 'x';
        memcpy(buf + 2, s, 41);
        s = buf;
    }
    return eth_parse_address(out, s, 0);
}

static avskey_err json_address(uint8_t out[20], const json_t *v, const char *name)
{
    if (!json_is_string(v) || !parse_addr_lenient(out, json_string_value(v)))
        return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: expected an address (0x + 40 hex digits)", name);
    return AVSKEY_OK;
}

static avskey_err json_bytes(uint8_t **out, size_t *len, const json_t *v, const char *name)
{
    if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
        return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: expected a hex string", name);
    const char *s = json_string_value(v);
    int r;
    if (s[0] && !(s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))) {
        /* Without the 0x prefix, as web3j's Numeric.hexStringToByteArray takes it. */
        size_t n = strlen(s);
        char *t = malloc(n + 3);
        if (!t) return avskey_fail(AVSKEY_ERR_NOMEM, "%s: out of memory", name);
        t[0] = '0';
        t[1] = 'x';
        memcpy(t + 2, s, n + 1);
        r = eth_parse_hex_bytes(out, len, t, AVSKEY_ETH_MAX_DATA);
        free(t);
    } else {
        r = eth_parse_hex_bytes(out, len, s, AVSKEY_ETH_MAX_DATA);
    }
    switch (r) {
    case ETH_NUM_OK: return AVSKEY_OK;
    case ETH_NUM_RANGE:
        return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: longer than %zu bytes", name, AVSKEY_ETH_MAX_DATA);
    case ETH_NUM_SYNTAX:
        return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: invalid hex (0x + even number of hex digits)", name);
    default: return avskey_fail(AVSKEY_ERR_NOMEM, "%s: out of memory", name);
    }
}

static avskey_err parse_access_list(avskey_eth_tx *tx, const json_t *al)
{
    if (!json_is_array(al)) return avskey_fail(AVSKEY_ERR_MALFORMED, "accessList: expected an array");
    size_t n = json_array_size(al);
    if (n > AVSKEY_ETH_MAX_ACCESS_LIST)
        return avskey_fail(AVSKEY_ERR_MALFORMED, "accessList: more than %d entries", AVSKEY_ETH_MAX_ACCESS_LIST);
    if (n == 0) return AVSKEY_OK;
    tx->access_list = calloc(n, sizeof *tx->access_list);
    if (!tx->access_list) return avskey_fail(AVSKEY_ERR_NOMEM, "accessList: out of memory");
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(al, i);
        avskey_eth_access *a = &tx->access_list[i];
        tx->access_list_len = i + 1;
        if (!json_is_object(e))
            return avskey_fail(AVSKEY_ERR_MALFORMED, "accessList[%zu]: expected an object", i);
        const json_t *addr = field(e, "address");
        if (!addr || !json_is_string(addr) || !parse_addr_lenient(a->address, json_string_value(addr)))
            return avskey_fail(AVSKEY_ERR_MALFORMED, "accessList[%zu].address: expected an address", i);
        const json_t *keys = field(e, "storageKeys");
        if (!keys) continue; /* ethers omits nothing, but an absent list is empty */
        if (!json_is_array(keys))
            return avskey_fail(AVSKEY_ERR_MALFORMED, "accessList[%zu].storageKeys: expected an array", i);
        size_t k = json_array_size(keys);
        if (k > AVSKEY_ETH_MAX_STORAGE_KEYS - total)
            return avskey_fail(AVSKEY_ERR_MALFORMED, "accessList: more than %d storage keys",
                               AVSKEY_ETH_MAX_STORAGE_KEYS);
        total += k;
        if (k == 0) continue;
        a->keys = calloc(k, 32);
        if (!a->keys) return avskey_fail(AVSKEY_ERR_NOMEM, "accessList: out of memory");
        for (size_t j = 0; j < k; j++) {
            const json_t *key = json_array_get(keys, j);
            const char *s = json_is_string(key) ? json_string_value(key) : NULL;
            if (!s || strlen(s) != 66 || !avskey_hex_decode_var(a->keys[j], 32, s) || s[1] != 'x')
                return avskey_fail(AVSKEY_ERR_MALFORMED,
                                   "accessList[%zu].storageKeys[%zu]: expected 0x + 64 hex digits", i, j);
            a->n_keys = j + 1;
        }
    }
    return AVSKEY_OK;
}

static avskey_err from_json(avskey_eth_tx *tx, const json_t *p, uint64_t chain_id)
{
    avskey_err e;
    if (!json_is_object(p))
        return avskey_fail(AVSKEY_ERR_MALFORMED, "transaction: expected a JSON object");
    if (chain_id == 0 || chain_id > AVSKEY_ETH_MAX_CHAIN_ID)
        return avskey_fail(AVSKEY_ERR_MALFORMED, "chainId: %llu is out of range",
                           (unsigned long long)chain_id);
    tx->chain_id = chain_id;

    const json_t *v;
    if (!(v = field(p, "from"))) return avskey_fail(AVSKEY_ERR_MALFORMED, "from: missing");
    if ((e = json_address(tx->from, v, "from"))) return e;

    if (!(v = field(p, "nonce"))) return avskey_fail(AVSKEY_ERR_MALFORMED, "nonce: missing");
    if ((e = json_u64(&tx->nonce, v, "nonce"))) return e;

    if ((v = field(p, "to"))) {
        if (json_is_string(v) && (strcmp(json_string_value(v), "") == 0 ||
                                  strcmp(json_string_value(v), "0x") == 0)) {
            tx->has_to = 0;
        } else {
            if ((e = json_address(tx->to, v, "to"))) return e;
            tx->has_to = 1;
        }
    }

    tx->gas = WEB3SIGNER_DEFAULT_GAS;
    if ((v = field(p, "gas")) && (e = json_u64(&tx->gas, v, "gas"))) return e;
    if ((v = field(p, "value")) && (e = json_uint256(tx->value, v, "value"))) return e;

    /* data and input */
    uint8_t *d1 = NULL, *d2 = NULL;
    size_t l1 = 0, l2 = 0;
    if ((v = field(p, "data")) && (e = json_bytes(&d1, &l1, v, "data"))) return e;
    if ((v = field(p, "input")) && (e = json_bytes(&d2, &l2, v, "input"))) {
        free(d1);
        return e;
    }
    if (l1 && l2 && (l1 != l2 || memcmp(d1, d2, l1) != 0)) {
        free(d1);
        free(d2);
        return avskey_fail(AVSKEY_ERR_MALFORMED, "input: differs from data");
    }
    if (l1) {
        tx->data = d1;
        tx->data_len = l1;
        free(d2);
    } else {
        tx->data = d2;
        tx->data_len = l2;
        free(d1);
    }

    if ((v = field(p, "chainId"))) {
        if ((e = json_u64(&tx->request_chain_id, v, "chainId"))) return e;
        tx->has_request_chain_id = 1;
    }

    const json_t *maxfee = field(p, "maxFeePerGas"), *maxprio = field(p, "maxPriorityFeePerGas");
    const json_t *gasprice = field(p, "gasPrice"), *al = field(p, "accessList");
    int has_type = 0;
    uint64_t type = 0;
    if ((v = field(p, "type"))) {
        if ((e = json_u64(&type, v, "type"))) return e;
        if (type > 2) return avskey_fail(AVSKEY_ERR_MALFORMED, "type: unsupported transaction type %llu",
                                         (unsigned long long)type);
        has_type = 1;
    }
    if ((maxfee != NULL) != (maxprio != NULL))
        return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: missing (maxFeePerGas and maxPriorityFeePerGas go together)",
                           maxfee ? "maxPriorityFeePerGas" : "maxFeePerGas");
    if (maxfee) tx->type = AVSKEY_ETH_TX_EIP1559;
    else if ((has_type && type == 1) || al) tx->type = AVSKEY_ETH_TX_EIP2930;
    else tx->type = AVSKEY_ETH_TX_LEGACY;
    if (has_type && type != (uint64_t)tx->type) {
        static const char *const need[] = {
            "it has an accessList or fee caps",
            "it has maxFeePerGas and maxPriorityFeePerGas",
            "it lacks maxFeePerGas and maxPriorityFeePerGas",
        };
        return avskey_fail(AVSKEY_ERR_MALFORMED, "type: 0x%llx does not match the transaction (%s)",
                           (unsigned long long)type, need[type]);
    }

    if (tx->type == AVSKEY_ETH_TX_EIP1559) {
        if ((e = json_uint256(tx->max_fee_per_gas, maxfee, "maxFeePerGas"))) return e;
        if ((e = json_uint256(tx->max_priority_fee_per_gas, maxprio, "maxPriorityFeePerGas"))) return e;
        /* gasPrice is ignored, as Web3Signer does; still reject garbage. */
        uint8_t tmp[32];
        if (gasprice && (e = json_uint256(tmp, gasprice, "gasPrice"))) return e;
    } else if (gasprice && (e = json_uint256(tx->gas_price, gasprice, "gasPrice"))) {
        return e;
    }
    if (al && (e = parse_access_list(tx, al))) return e;
    return AVSKEY_OK;
}

avskey_err avskey_eth_tx_from_json(avskey_eth_tx *tx, const json_t *params, uint64_t chain_id)
{
    avskey_eth_tx_init(tx);
    avskey_err e = from_json(tx, params, chain_id);
    if (e) avskey_eth_tx_free(tx);
    return e;
}

/* ---- encoding ---- */

static int check_tx(const avskey_eth_tx *tx)
{
    if (tx->type < 0 || tx->type > 2) return 0;
    if (tx->chain_id == 0 || tx->chain_id > AVSKEY_ETH_MAX_CHAIN_ID) return 0;
    if (tx->data_len > AVSKEY_ETH_MAX_DATA) return 0;
    if (tx->type == AVSKEY_ETH_TX_LEGACY && tx->access_list_len) return 0;
    return 1;
}

static void enc_access_list(avskey_rlp_buf *b, const avskey_eth_tx *tx)
{
    size_t m = avskey_rlp_list_begin(b);
    for (size_t i = 0; i < tx->access_list_len; i++) {
        const avskey_eth_access *a = &tx->access_list[i];
        size_t m1 = avskey_rlp_list_begin(b);
        avskey_rlp_bytes(b, a->address, 20);
        size_t m2 = avskey_rlp_list_begin(b);
        for (size_t j = 0; j < a->n_keys; j++) avskey_rlp_bytes(b, a->keys[j], 32);
        avskey_rlp_list_end(b, m2);
        avskey_rlp_list_end(b, m1);
    }
    avskey_rlp_list_end(b, m);
}

/* Appends the fields common to every type, from nonce (legacy) or chainId
 * (typed) to accessList (typed). */
static void enc_fields(avskey_rlp_buf *b, const avskey_eth_tx *tx)
{
    if (tx->type != AVSKEY_ETH_TX_LEGACY) avskey_rlp_u64(b, tx->chain_id);
    avskey_rlp_u64(b, tx->nonce);
    if (tx->type == AVSKEY_ETH_TX_EIP1559) {
        avskey_rlp_uint_be(b, tx->max_priority_fee_per_gas, 32);
        avskey_rlp_uint_be(b, tx->max_fee_per_gas, 32);
    } else {
        avskey_rlp_uint_be(b, tx->gas_price, 32);
    }
    avskey_rlp_u64(b, tx->gas);
    avskey_rlp_bytes(b, tx->to, tx->has_to ? 20 : 0);
    avskey_rlp_uint_be(b, tx->value, 32);
    avskey_rlp_bytes(b, tx->data, tx->data_len);
    if (tx->type != AVSKEY_ETH_TX_LEGACY) enc_access_list(b, tx);
}

/* sig: NULL for the signing payload. */
static avskey_err encode(uint8_t **out, size_t *outlen, const avskey_eth_tx *tx, const uint8_t *sig)
{
    if (!check_tx(tx)) return avskey_fail(AVSKEY_ERR_MALFORMED, "transaction: invalid type, chain id or size");
    unsigned recid = 0;
    if (sig) {
        if (sig[64] == 27 || sig[64] == 28) recid = sig[64] - 27u;
        else if (sig[64] == 0 || sig[64] == 1) recid = sig[64];
        else return avskey_fail(AVSKEY_ERR_MALFORMED, "signature: v must be 27, 28, 0 or 1");
    }
    avskey_rlp_buf b;
    avskey_rlp_init(&b);
    if (tx->type != AVSKEY_ETH_TX_LEGACY) {
        uint8_t t = (uint8_t)tx->type;
        avskey_rlp_raw(&b, &t, 1);
    }
    size_t m = avskey_rlp_list_begin(&b);
    enc_fields(&b, tx);
    if (tx->type == AVSKEY_ETH_TX_LEGACY) {
        if (sig) {
            avskey_rlp_u64(&b, tx->chain_id * 2 + 35 + recid);
        } else { /* EIP-155: chainId, 0, 0 */
            avskey_rlp_u64(&b, tx->chain_id);
            avskey_rlp_u64(&b, 0);
            avskey_rlp_u64(&b, 0);
        }
    } else if (sig) {
        avskey_rlp_u64(&b, recid);
    }
    if (sig) {
        avskey_rlp_uint_be(&b, sig, 32);
        avskey_rlp_uint_be(&b, sig + 32, 32);
    }
    avskey_rlp_list_end(&b, m);
    if (!avskey_rlp_ok(&b)) {
        avskey_rlp_free(&b);
        return avskey_fail(AVSKEY_ERR_NOMEM, "transaction: out of memory");
    }
    *out = b.p;
    *outlen = b.len;
    return AVSKEY_OK;
}

avskey_err avskey_eth_tx_encode_unsigned(uint8_t **out, size_t *outlen, const avskey_eth_tx *tx)
{
    return encode(out, outlen, tx, NULL);
}

avskey_err avskey_eth_tx_encode_signed(uint8_t **out, size_t *outlen, const avskey_eth_tx *tx,
                                       const uint8_t sig65[65])
{
    return encode(out, outlen, tx, sig65);
}

avskey_err avskey_eth_tx_signing_hash(uint8_t out32[32], const avskey_eth_tx *tx)
{
    uint8_t *p;
    size_t n;
    avskey_err e = encode(&p, &n, tx, NULL);
    if (e) return e;
    avskey_keccak256(out32, p, n);
    free(p);
    return AVSKEY_OK;
}

/* ---- decoding ---- */

#define BAD(...) avskey_fail(AVSKEY_ERR_MALFORMED, __VA_ARGS__)

static avskey_err dec_access_list(avskey_eth_tx *tx, const avskey_rlp_item *list)
{
    if (!list->is_list) return BAD("accessList: not a list");
    avskey_rlp_iter it, it2, it3;
    avskey_rlp_item e, x;
    size_t n = 0, total = 0;
    int r;
    avskey_rlp_iter_init(&it, list);
    while ((r = avskey_rlp_iter_next(&it, &e)) == 1) n++;
    if (r < 0) return BAD("accessList: malformed");
    if (n > AVSKEY_ETH_MAX_ACCESS_LIST) return BAD("accessList: more than %d entries", AVSKEY_ETH_MAX_ACCESS_LIST);
    if (n == 0) return AVSKEY_OK;
    tx->access_list = calloc(n, sizeof *tx->access_list);
    if (!tx->access_list) return avskey_fail(AVSKEY_ERR_NOMEM, "accessList: out of memory");
    avskey_rlp_iter_init(&it, list);
    for (size_t i = 0; i < n; i++) {
        avskey_eth_access *a = &tx->access_list[i];
        tx->access_list_len = i + 1;
        if (avskey_rlp_iter_next(&it, &e) != 1 || !e.is_list) return BAD("accessList[%zu]: not a list", i);
        avskey_rlp_iter_init(&it2, &e);
        if (avskey_rlp_iter_next(&it2, &x) != 1 || x.is_list || x.len != 20)
            return BAD("accessList[%zu].address: not 20 bytes", i);
        memcpy(a->address, x.p, 20);
        avskey_rlp_item keys;
        if (avskey_rlp_iter_next(&it2, &keys) != 1 || !keys.is_list)
            return BAD("accessList[%zu].storageKeys: not a list", i);
        if (avskey_rlp_iter_next(&it2, &x) != 0) return BAD("accessList[%zu]: extra items", i);
        size_t k = 0;
        avskey_rlp_iter_init(&it3, &keys);
        while ((r = avskey_rlp_iter_next(&it3, &x)) == 1) {
            if (x.is_list || x.len != 32) return BAD("accessList[%zu].storageKeys: not 32 bytes", i);
            k++;
        }
        if (r < 0) return BAD("accessList[%zu].storageKeys: malformed", i);
        if (k > AVSKEY_ETH_MAX_STORAGE_KEYS - total)
            return BAD("accessList: more than %d storage keys", AVSKEY_ETH_MAX_STORAGE_KEYS);
        total += k;
        if (!k) continue;
        a->keys = calloc(k, 32);
        if (!a->keys) return avskey_fail(AVSKEY_ERR_NOMEM, "accessList: out of memory");
        avskey_rlp_iter_init(&it3, &keys);
        for (size_t j = 0; j < k; j++) {
            if (avskey_rlp_iter_next(&it3, &x) != 1) return BAD("accessList: malformed");
            memcpy(a->keys[j], x.p, 32);
            a->n_keys = j + 1;
        }
    }
    return AVSKEY_OK;
}

static int is_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

static avskey_err decode_signed(avskey_eth_tx *tx, uint8_t sig[65], const uint8_t *raw, size_t len)
{
    if (len == 0) return BAD("transaction: empty");
    int type = AVSKEY_ETH_TX_LEGACY;
    if (raw[0] < 0x80) {
        if (raw[0] != 1 && raw[0] != 2) return BAD("transaction: unsupported type 0x%02x", raw[0]);
        type = raw[0];
        raw++;
        len--;
    }
    avskey_rlp_item top;
    if (!avskey_rlp_decode(&top, raw, len, 4) || !top.is_list) return BAD("transaction: malformed RLP");
    tx->type = type;
    avskey_rlp_item f[12];
    size_t nf = 0;
    avskey_rlp_iter it;
    int r;
    avskey_rlp_iter_init(&it, &top);
    while (nf < 12 && (r = avskey_rlp_iter_next(&it, &f[nf])) == 1) nf++;
    size_t want = type == AVSKEY_ETH_TX_LEGACY ? 9 : type == AVSKEY_ETH_TX_EIP2930 ? 11 : 12;
    if (nf != want || avskey_rlp_iter_next(&it, &f[0]) != 0)
        return BAD("transaction: expected %zu fields", want);
    size_t i = 0;
    if (type != AVSKEY_ETH_TX_LEGACY && !avskey_rlp_get_u64(&tx->chain_id, &f[i++]))
        return BAD("chainId: invalid");
    if (!avskey_rlp_get_u64(&tx->nonce, &f[i++])) return BAD("nonce: invalid");
    if (type == AVSKEY_ETH_TX_EIP1559) {
        if (!avskey_rlp_get_uint(tx->max_priority_fee_per_gas, 32, &f[i++]))
            return BAD("maxPriorityFeePerGas: invalid");
        if (!avskey_rlp_get_uint(tx->max_fee_per_gas, 32, &f[i++])) return BAD("maxFeePerGas: invalid");
    } else if (!avskey_rlp_get_uint(tx->gas_price, 32, &f[i++])) {
        return BAD("gasPrice: invalid");
    }
    if (!avskey_rlp_get_u64(&tx->gas, &f[i++])) return BAD("gas: invalid");
    const avskey_rlp_item *to = &f[i++];
    if (to->is_list || (to->len != 0 && to->len != 20)) return BAD("to: not 0 or 20 bytes");
    tx->has_to = to->len == 20;
    if (tx->has_to) memcpy(tx->to, to->p, 20);
    if (!avskey_rlp_get_uint(tx->value, 32, &f[i++])) return BAD("value: invalid");
    const avskey_rlp_item *d = &f[i++];
    if (d->is_list) return BAD("data: not a string");
    if (d->len > AVSKEY_ETH_MAX_DATA) return BAD("data: longer than %zu bytes", AVSKEY_ETH_MAX_DATA);
    if (d->len) {
        tx->data = malloc(d->len);
        if (!tx->data) return avskey_fail(AVSKEY_ERR_NOMEM, "data: out of memory");
        memcpy(tx->data, d->p, d->len);
        tx->data_len = d->len;
    }
    avskey_err e;
    if (type != AVSKEY_ETH_TX_LEGACY && (e = dec_access_list(tx, &f[i++]))) return e;
    uint64_t v;
    if (!avskey_rlp_get_u64(&v, &f[i++])) return BAD("v: invalid");
    if (type == AVSKEY_ETH_TX_LEGACY) {
        if (v < 37) return BAD("v: not an EIP-155 value");
        tx->chain_id = (v - 35) / 2;
        sig[64] = (uint8_t)(27 + (v - 35) % 2);
    } else {
        if (v > 1) return BAD("yParity: not 0 or 1");
        sig[64] = (uint8_t)(27 + v);
    }
    if (tx->chain_id == 0 || tx->chain_id > AVSKEY_ETH_MAX_CHAIN_ID) return BAD("chainId: out of range");
    if (!avskey_rlp_get_uint(sig, 32, &f[i++]) || is_zero(sig, 32)) return BAD("r: invalid");
    if (!avskey_rlp_get_uint(sig + 32, 32, &f[i++]) || is_zero(sig + 32, 32)) return BAD("s: invalid");
    return AVSKEY_OK;
}

avskey_err avskey_eth_tx_decode_signed(avskey_eth_tx *tx, uint8_t sig65[65], const uint8_t *raw,
                                       size_t len)
{
    uint8_t sig[65];
    avskey_eth_tx_init(tx);
    avskey_err e = decode_signed(tx, sig, raw, len);
    if (e) {
        avskey_eth_tx_free(tx);
        return e;
    }
    memcpy(sig65, sig, 65);
    return AVSKEY_OK;
}

int avskey_eth_tx_sender_var(uint8_t addr[20], const avskey_eth_tx *tx, const uint8_t sig65[65])
{
    uint8_t h[32], pub[64];
    if (avskey_eth_tx_signing_hash(h, tx) != AVSKEY_OK) return 0;
    if (!avskey_ecdsa_recover_var(pub, sig65, h)) return 0;
    avskey_ecdsa_address_var(addr, pub);
    return 1;
}

/* ---- EIP-191 ---- */

void avskey_eth_personal_hash(uint8_t out32[32], const uint8_t *msg, size_t len)
{
    static const char prefix[] = "\x19" "Ethereum Signed Message:\n";
    char num[24];
    size_t n = 0;
    size_t v = len;
    do {
        num[sizeof num - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    avskey_keccak256_ctx ctx;
    avskey_keccak256_init(&ctx);
    avskey_keccak256_update(&ctx, (const uint8_t *)prefix, sizeof prefix - 1);
    avskey_keccak256_update(&ctx, (const uint8_t *)num + sizeof num - n, n);
    if (len) avskey_keccak256_update(&ctx, msg, len);
    avskey_keccak256_final(&ctx, out32);
}
