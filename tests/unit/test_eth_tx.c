/* Transactions: ethers-generated vectors (tests/vectors/eth/tx.json, made
 * by tools/gen-eth-vectors) and the rules of avskey_eth_tx_from_json. */
#include "test.h"
#include "test_eth_util.h"

#include "avskey/ecdsa.h"
#include "avskey/eth.h"

#include <inttypes.h>

static const char *KEY = "86e6fa33d44da09c2b3860767dc929e31eefc43891872bbe97365a357fb758f3";

static int hex_eq(const uint8_t *buf, size_t len, const char *hex)
{
    size_t n;
    uint8_t *want = eth_test_unhex(hex, &n);
    int ok = want && n == len && memcmp(buf, want, n) == 0;
    free(want);
    return ok;
}

TEST(eth_tx_vectors)
{
    json_t *root = eth_test_load_vectors("tx.json");
    if (!root) return;
    uint8_t sk[32], pub[64], addr[20];
    CHECK(avskey_hex_decode_var(sk, 32, KEY));
    CHECK(avskey_ecdsa_pubkey(pub, sk));
    avskey_ecdsa_address_var(addr, pub);
    size_t i, count = 0, types[3] = {0, 0, 0};
    json_t *v;
    json_array_foreach(json_object_get(root, "vectors"), i, v) {
        const char *name = json_string_value(json_object_get(v, "name"));
        uint64_t chain = strtoull(json_string_value(json_object_get(v, "chainId")), NULL, 10);
        const json_t *params = json_object_get(v, "params");
        avskey_eth_tx tx;
        avskey_err e = avskey_eth_tx_from_json(&tx, params, chain);
        if (e) {
            fprintf(stderr, "%s: %s\n", name, avskey_errmsg());
            avskey_test_failures++;
            continue;
        }
        int ok = 1;
        ok &= memcmp(tx.from, addr, 20) == 0;
        const json_t *rc = json_object_get(params, "chainId");
        ok &= tx.has_request_chain_id == (rc != NULL);
        if (rc) ok &= tx.request_chain_id == chain;
        uint8_t *u = NULL, *s = NULL;
        size_t ul = 0, sl = 0;
        uint8_t h[32], sig[65], sig2[65];
        ok &= avskey_eth_tx_encode_unsigned(&u, &ul, &tx) == AVSKEY_OK;
        ok &= u && hex_eq(u, ul, json_string_value(json_object_get(v, "unsigned")));
        ok &= avskey_eth_tx_signing_hash(h, &tx) == AVSKEY_OK;
        ok &= hex_eq(h, 32, json_string_value(json_object_get(v, "signingHash")));
        ok &= avskey_ecdsa_sign(sig, h, sk);
        ok &= avskey_eth_tx_encode_signed(&s, &sl, &tx, sig) == AVSKEY_OK;
        ok &= s && hex_eq(s, sl, json_string_value(json_object_get(v, "signed")));
        /* Decode the raw transaction back. */
        avskey_eth_tx d;
        uint8_t *s2 = NULL, from[20];
        size_t sl2 = 0;
        ok &= s && avskey_eth_tx_decode_signed(&d, sig2, s, sl) == AVSKEY_OK;
        ok &= memcmp(sig, sig2, 65) == 0;
        ok &= d.type == tx.type && d.chain_id == chain && d.nonce == tx.nonce && d.gas == tx.gas;
        ok &= d.data_len == tx.data_len && d.access_list_len == tx.access_list_len;
        ok &= avskey_eth_tx_encode_signed(&s2, &sl2, &d, sig2) == AVSKEY_OK && sl2 == sl &&
              memcmp(s, s2, sl) == 0;
        ok &= avskey_eth_tx_sender_var(from, &d, sig2) && memcmp(from, addr, 20) == 0;
        if (!ok) {
            fprintf(stderr, "%s: mismatch (%s)\n", name, avskey_errmsg());
            avskey_test_failures++;
        }
        types[tx.type]++;
        count++;
        free(u);
        free(s);
        free(s2);
        avskey_eth_tx_free(&d);
        avskey_eth_tx_free(&tx);
    }
    CHECK(count >= 300);
    CHECK(types[0] >= 100 && types[1] >= 100 && types[2] >= 100);
    json_decref(root);
}

/* Parses a JSON text as tx params for chain 1; returns the error code. */
static avskey_err parse(avskey_eth_tx *tx, const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    if (!j) {
        fprintf(stderr, "bad test JSON: %s\n", text);
        avskey_test_failures++;
        return AVSKEY_ERR_USAGE;
    }
    avskey_err e = avskey_eth_tx_from_json(tx, j, 1);
    json_decref(j);
    return e;
}

#define FROM "\"from\":\"0x7577919ae5df4941180eac211965f275cdce314d\""

static void expect_fail(const char *text, const char *field)
{
    avskey_eth_tx tx;
    avskey_err e = parse(&tx, text);
    if (e != AVSKEY_ERR_MALFORMED || strstr(avskey_errmsg(), field) != avskey_errmsg()) {
        fprintf(stderr, "expected MALFORMED naming %s for %s, got %d \"%s\"\n", field, text, e,
                avskey_errmsg());
        avskey_test_failures++;
    }
    avskey_eth_tx_free(&tx);
}

TEST(eth_tx_json_defaults)
{
    avskey_eth_tx tx;
    /* eigensdk's Web3Signer client sends from, to, gas, gasPrice, nonce, data. */
    CHECK(parse(&tx, "{" FROM ",\"nonce\":\"0x0\"}") == AVSKEY_OK);
    CHECK(tx.type == AVSKEY_ETH_TX_LEGACY && tx.chain_id == 1 && tx.nonce == 0);
    CHECK(tx.gas == 90000); /* Web3Signer DEFAULT_GAS */
    uint8_t zero[32] = {0};
    CHECK(memcmp(tx.gas_price, zero, 32) == 0 && memcmp(tx.value, zero, 32) == 0);
    CHECK(!tx.has_to && tx.data_len == 0 && tx.data == NULL && !tx.has_request_chain_id);
    uint8_t h[32];
    CHECK(avskey_eth_tx_signing_hash(h, &tx) == AVSKEY_OK);
    avskey_eth_tx_free(&tx);

    /* Quantities: hex with leading zeros, decimal strings, JSON integers. */
    CHECK(parse(&tx, "{" FROM ",\"nonce\":7,\"gas\":\"21000\",\"gasPrice\":\"0x0003b9aca00\","
                     "\"value\":\"0xDE0B6B3A7640000\",\"to\":null,\"data\":\"0x\",\"input\":\"0xabcd\","
                     "\"chainId\":\"0x1\",\"extra\":[1,2]}") == AVSKEY_OK);
    CHECK(tx.nonce == 7 && tx.gas == 21000 && tx.gas_price[31] == 0x00 && tx.gas_price[28] == 0x3b);
    CHECK(tx.value[24] == 0x0d && tx.value[25] == 0xe0);
    CHECK(tx.data_len == 2 && tx.data[0] == 0xab && tx.has_request_chain_id && tx.request_chain_id == 1);
    avskey_eth_tx_free(&tx);

    /* Type selection. */
    CHECK(parse(&tx, "{" FROM ",\"nonce\":\"0x1\",\"maxFeePerGas\":\"0x2\",\"maxPriorityFeePerGas\":\"0x1\","
                     "\"gasPrice\":\"0x5\"}") == AVSKEY_OK);
    CHECK(tx.type == AVSKEY_ETH_TX_EIP1559 && tx.gas_price[31] == 0 && tx.max_fee_per_gas[31] == 2);
    avskey_eth_tx_free(&tx);
    CHECK(parse(&tx, "{" FROM ",\"nonce\":\"0x1\",\"type\":\"0x1\"}") == AVSKEY_OK);
    CHECK(tx.type == AVSKEY_ETH_TX_EIP2930 && tx.access_list_len == 0);
    avskey_eth_tx_free(&tx);
    CHECK(parse(&tx, "{" FROM ",\"nonce\":\"0x1\",\"accessList\":[{\"address\":"
                     "\"0x7577919ae5df4941180eac211965f275cdce314d\",\"storageKeys\":[\"0x"
                     "0000000000000000000000000000000000000000000000000000000000000001\"]}]}") == AVSKEY_OK);
    CHECK(tx.type == AVSKEY_ETH_TX_EIP2930 && tx.access_list_len == 1 && tx.access_list[0].n_keys == 1);
    avskey_eth_tx_free(&tx);
    CHECK(parse(&tx, "{" FROM ",\"nonce\":\"0x1\",\"type\":\"0x0\",\"to\":\"0x\"}") == AVSKEY_OK);
    CHECK(tx.type == AVSKEY_ETH_TX_LEGACY && !tx.has_to);
    avskey_eth_tx_free(&tx);
    /* Web3Signer's leniency: addresses and data without 0x. */
    CHECK(parse(&tx, "{\"from\":\"7577919ae5df4941180eac211965f275CDCE314D\",\"nonce\":\"1\","
                     "\"to\":\"7577919ae5df4941180eac211965f275cdce314d\",\"data\":\"abcd\"}") == AVSKEY_OK);
    CHECK(tx.has_to && tx.to[0] == 0x75 && tx.from[19] == 0x4d && tx.data_len == 2 && tx.data[1] == 0xcd);
    avskey_eth_tx_free(&tx);
    /* Same data and input is fine. */
    CHECK(parse(&tx, "{" FROM ",\"nonce\":\"0x1\",\"data\":\"0xAB\",\"input\":\"0xab\"}") == AVSKEY_OK);
    avskey_eth_tx_free(&tx);
    /* Largest values. */
    CHECK(parse(&tx, "{" FROM ",\"nonce\":\"0xffffffffffffffff\",\"gas\":\"18446744073709551615\","
                     "\"value\":\"0x00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"}") == AVSKEY_OK);
    CHECK(tx.nonce == UINT64_MAX && tx.gas == UINT64_MAX && tx.value[0] == 0xff);
    avskey_eth_tx_free(&tx);
}

TEST(eth_tx_json_errors)
{
    expect_fail("[]", "transaction");
    expect_fail("{\"nonce\":\"0x0\"}", "from");
    expect_fail("{" FROM "}", "nonce");
    expect_fail("{" FROM ",\"nonce\":null}", "nonce");
    expect_fail("{\"from\":\"0x1234\",\"nonce\":\"0x0\"}", "from");
    expect_fail("{\"from\":\"\",\"nonce\":\"0x0\"}", "from");
    expect_fail("{" FROM ",\"nonce\":\"0x\"}", "nonce");
    expect_fail("{" FROM ",\"nonce\":\"0xg\"}", "nonce");
    expect_fail("{" FROM ",\"nonce\":\"\"}", "nonce");
    expect_fail("{" FROM ",\"nonce\":\"-1\"}", "nonce");
    expect_fail("{" FROM ",\"nonce\":-1}", "nonce");
    expect_fail("{" FROM ",\"nonce\":1.5}", "nonce");
    expect_fail("{" FROM ",\"nonce\":true}", "nonce");
    expect_fail("{" FROM ",\"nonce\":\" 1\"}", "nonce");
    expect_fail("{" FROM ",\"nonce\":\"0x10000000000000000\"}", "nonce");
    expect_fail("{" FROM ",\"nonce\":\"0x0\",\"gas\":\"18446744073709551616\"}", "gas");
    expect_fail("{" FROM ",\"nonce\":\"0x0\",\"value\":\"0x1"
                "0000000000000000000000000000000000000000000000000000000000000000\"}", "value");
    expect_fail("{" FROM ",\"nonce\":\"0x0\",\"value\":\"1157920892373161954235709850086879078532699846656405"
                "64039457584007913129639936\"}", "value"); /* 2^256 */
    expect_fail("{" FROM ",\"nonce\":\"0x0\",\"gasPrice\":\"0x1p\"}", "gasPrice");
    expect_fail("{" FROM ",\"nonce\":\"0x0\",\"to\":\"0x7577919ae5df4941180eac211965f275cdce31\"}", "to");
    expect_fail("{" FROM ",\"nonce\":\"0x0\",\"to\":5}", "to");
    expect_fail("{" FROM ",\"nonce\":\"0x0\",\"data\":\"0xabc\"}", "data");
    expect_fail("{" FROM ",\"nonce\":\"0x0\",\"data\":\"abcg\"}", "data");
    expect_fail("{" FROM ",\"nonce\":\"0x0\",\"input\":\"0xzz\"}", "input");
    expect_fail("{" FROM ",\"nonce\":\"0x0\",\"data\":\"0xab\",\"input\":\"0xcd\"}", "input");
    expect_fail("{" FROM ",\"nonce\":\"0x0\",\"maxFeePerGas\":\"0x1\"}", "maxPriorityFeePerGas");
    expect_fail("{" FROM ",\"nonce\":\"0x0\",\"maxPriorityFeePerGas\":\"0x1\"}", "maxFeePerGas");
    expect_fail("{" FROM ",\"nonce\":\"0x0\",\"type\":\"0x2\"}", "type");
    expect_fail("{" FROM ",\"nonce\":\"0x0\",\"type\":\"0x3\"}", "type");
    expect_fail("{" FROM ",\"nonce\":\"0x0\",\"type\":\"0x0\",\"accessList\":[]}", "type");
    expect_fail("{" FROM ",\"nonce\":\"0x0\",\"type\":\"0x1\",\"maxFeePerGas\":\"0x1\",\"maxPriorityFeePerGas\":\"0x1\"}", "type");
    expect_fail("{" FROM ",\"nonce\":\"0x0\",\"chainId\":\"0xzz\"}", "chainId");
    expect_fail("{" FROM ",\"nonce\":\"0x0\",\"accessList\":{}}", "accessList");
    expect_fail("{" FROM ",\"nonce\":\"0x0\",\"accessList\":[{\"storageKeys\":[]}]}", "accessList[0].address");
    expect_fail("{" FROM ",\"nonce\":\"0x0\",\"accessList\":[{\"address\":\"0x7577919ae5df4941180eac211965f275cdce314d\","
                "\"storageKeys\":[\"0x01\"]}]}", "accessList[0].storageKeys[0]");
    expect_fail("{" FROM ",\"nonce\":\"0x0\",\"accessList\":[{\"address\":\"0x7577919ae5df4941180eac211965f275cdce314d\","
                "\"storageKeys\":\"x\"}]}", "accessList[0].storageKeys");

    /* Oversize data: 1 MiB + 1 byte refused, 1 MiB accepted. */
    size_t n = AVSKEY_ETH_MAX_DATA + 1;
    char *hex = malloc(2 * n + 3);
    hex[0] = '0';
    hex[1] = 'x';
    memset(hex + 2, 'a', 2 * n);
    hex[2 + 2 * n] = 0;
    json_t *j = json_pack("{s:s,s:s,s:s}", "from", "0x7577919ae5df4941180eac211965f275cdce314d", "nonce", "0x0",
                          "data", hex);
    avskey_eth_tx tx;
    CHECK(avskey_eth_tx_from_json(&tx, j, 1) == AVSKEY_ERR_MALFORMED);
    CHECK(strncmp(avskey_errmsg(), "data", 4) == 0);
    avskey_eth_tx_free(&tx);
    hex[2 + 2 * (n - 1)] = 0;
    json_object_set_new(j, "data", json_string(hex));
    CHECK(avskey_eth_tx_from_json(&tx, j, 1) == AVSKEY_OK && tx.data_len == AVSKEY_ETH_MAX_DATA);
    avskey_eth_tx_free(&tx);
    /* Bad chain ids from the caller. */
    CHECK(avskey_eth_tx_from_json(&tx, j, 0) == AVSKEY_ERR_MALFORMED);
    CHECK(avskey_eth_tx_from_json(&tx, j, AVSKEY_ETH_MAX_CHAIN_ID + 1) == AVSKEY_ERR_MALFORMED);
    CHECK(avskey_eth_tx_from_json(&tx, j, AVSKEY_ETH_MAX_CHAIN_ID) == AVSKEY_OK);
    avskey_eth_tx_free(&tx);
    json_decref(j);
    free(hex);
}

static avskey_err decode_hex(const char *hex)
{
    size_t n;
    uint8_t *p = eth_test_unhex(hex, &n), sig[65];
    avskey_eth_tx tx;
    if (!p) return AVSKEY_ERR_USAGE;
    avskey_err e = avskey_eth_tx_decode_signed(&tx, sig, p, n);
    avskey_eth_tx_free(&tx);
    free(p);
    return e;
}

TEST(eth_tx_decode_errors)
{
    /* EIP-155 example transaction (eips.ethereum.org/EIPS/eip-155). */
    const char *eip155 = "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83";
    CHECK(decode_hex(eip155) == AVSKEY_OK);
    size_t n;
    uint8_t *p = eth_test_unhex(eip155, &n), sig[65], from[20];
    avskey_eth_tx tx;
    CHECK(avskey_eth_tx_decode_signed(&tx, sig, p, n) == AVSKEY_OK);
    CHECK(tx.chain_id == 1 && tx.nonce == 9 && tx.gas == 21000 && sig[64] == 27);
    uint8_t h[32];
    CHECK(avskey_eth_tx_signing_hash(h, &tx) == AVSKEY_OK);
    CHECK_HEX(h, 32, "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");
    /* The EIP's key is 0x4646...46: its address. */
    CHECK(avskey_eth_tx_sender_var(from, &tx, sig));
    CHECK_HEX(from, 20, "9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f");
    avskey_eth_tx_free(&tx);
    free(p);

    CHECK(decode_hex("") == AVSKEY_ERR_MALFORMED);
    CHECK(decode_hex("03c0") == AVSKEY_ERR_MALFORMED);
    CHECK(decode_hex("02") == AVSKEY_ERR_MALFORMED);
    CHECK(decode_hex("c0") == AVSKEY_ERR_MALFORMED);
    CHECK(decode_hex("8180") == AVSKEY_ERR_MALFORMED);
    /* Trailing byte. */
    char buf[400];
    snprintf(buf, sizeof buf, "%s00", eip155);
    CHECK(decode_hex(buf) == AVSKEY_ERR_MALFORMED);
    /* Pre-EIP-155 v = 27. */
    snprintf(buf, sizeof buf, "%s", eip155);
    char *v = strstr(buf, "8025a0");
    v[2] = '1';
    v[3] = 'b';
    CHECK(decode_hex(buf) == AVSKEY_ERR_MALFORMED);
    /* Nonce with a leading zero: 09 -> 8200 09 changes lengths, so use a
     * typed tx built by hand: 02 [chainId=1, nonce=0x0001 ...]. */
    CHECK(decode_hex("02ce01820001808080808080c0800101") == AVSKEY_ERR_MALFORMED);
    CHECK(decode_hex("02cc0101808080808080c0800101") == AVSKEY_OK);
    CHECK(decode_hex("02cc0101808080808080c0020101") == AVSKEY_ERR_MALFORMED); /* yParity 2 */
    CHECK(decode_hex("02cc0101808080808080c0808001") == AVSKEY_ERR_MALFORMED); /* r = 0 */
    CHECK(decode_hex("02cc0001808080808080c0800101") == AVSKEY_ERR_MALFORMED); /* chainId 0 */
    CHECK(decode_hex("02cd010180808080808080c0800101") == AVSKEY_ERR_MALFORMED); /* extra field */
    CHECK(decode_hex("02cc0101808080808080800101") == AVSKEY_ERR_MALFORMED); /* access list not a list */
    CHECK(decode_hex("02ce01018080808212348080c0800101") == AVSKEY_ERR_MALFORMED); /* to 2 bytes */
}

TEST(eth_tx_encode_signed_v)
{
    avskey_eth_tx tx;
    CHECK(parse(&tx, "{" FROM ",\"nonce\":\"0x9\",\"gas\":\"0x5208\",\"gasPrice\":\"0x4a817c800\","
                     "\"to\":\"0x3535353535353535353535353535353535353535\",\"value\":\"0xde0b6b3a7640000\"}") == AVSKEY_OK);
    /* EIP-155's example: the same transaction and signature. */
    uint8_t sig[65], *out = NULL, *out2 = NULL, h[32];
    size_t n = 0, n2 = 0;
    CHECK(avskey_hex_decode_var(sig, 64, "28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276"
                                         "67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83"));
    CHECK(avskey_eth_tx_signing_hash(h, &tx) == AVSKEY_OK);
    CHECK_HEX(h, 32, "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");
    sig[64] = 27;
    CHECK(avskey_eth_tx_encode_signed(&out, &n, &tx, sig) == AVSKEY_OK);
    CHECK_HEX(out, n, "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83");
    sig[64] = 0; /* recid form gives the same bytes */
    CHECK(avskey_eth_tx_encode_signed(&out2, &n2, &tx, sig) == AVSKEY_OK && n2 == n && memcmp(out, out2, n) == 0);
    free(out);
    free(out2);
    out = NULL;
    sig[64] = 2;
    CHECK(avskey_eth_tx_encode_signed(&out, &n, &tx, sig) == AVSKEY_ERR_MALFORMED && out == NULL);
    sig[64] = 29;
    CHECK(avskey_eth_tx_encode_signed(&out, &n, &tx, sig) == AVSKEY_ERR_MALFORMED && out == NULL);
    /* A transaction struct the caller broke. */
    tx.type = 3;
    CHECK(avskey_eth_tx_signing_hash(h, &tx) == AVSKEY_ERR_MALFORMED);
    tx.type = 0;
    tx.chain_id = 0;
    CHECK(avskey_eth_tx_signing_hash(h, &tx) == AVSKEY_ERR_MALFORMED);
    avskey_eth_tx_free(&tx);
}
