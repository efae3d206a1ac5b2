/* EIP-191 and EIP-712: ethers-generated vectors (tests/vectors/eth/),
 * Web3Signer's own test vectors (shared/fixtures/web3signer/README.md) and
 * the strict error cases. */
#include "test.h"
#include "test_eth_util.h"

#include "avskey/ecdsa.h"
#include "avskey/eth.h"

static const char *KEY = "86e6fa33d44da09c2b3860767dc929e31eefc43891872bbe97365a357fb758f3";

TEST(eth_personal_vectors)
{
    json_t *root = eth_test_load_vectors("personal.json");
    if (!root) return;
    size_t i, n = 0;
    json_t *v;
    json_array_foreach(json_object_get(root, "vectors"), i, v) {
        size_t len;
        uint8_t *msg = eth_test_unhex(json_string_value(json_object_get(v, "msg")), &len), h[32];
        CHECK(msg != NULL);
        if (!msg) continue;
        avskey_eth_personal_hash(h, len ? msg : NULL, len);
        CHECK_HEX(h, 32, json_string_value(json_object_get(v, "hash")) + 2);
        free(msg);
        n++;
    }
    CHECK(n >= 15);
    json_decref(root);
}

/* Web3Signer EthSignIntegrationTest: eth_sign of "some random data to be
 * signed" with the keyfile.json key. */
TEST(eth_personal_web3signer)
{
    const char *m = "some random data to be signed";
    uint8_t h[32], sk[32], sig[65];
    avskey_eth_personal_hash(h, (const uint8_t *)m, strlen(m));
    CHECK(avskey_hex_decode_var(sk, 32, KEY));
    CHECK(avskey_ecdsa_sign(sig, h, sk));
    CHECK_HEX(sig, 65, "22cf811d54835be906e45d728dfc8a7a32bb65ce146a4ccb6b689b8d8182a30f19fdb947229991b9dfd63b67fe4ebb59a3d3f8d9ed95b27e0c3d34e1800afbd81b");
}

TEST(eth_eip712_vectors)
{
    json_t *root = eth_test_load_vectors("eip712.json");
    if (!root) return;
    size_t i, n = 0;
    json_t *v;
    json_array_foreach(json_object_get(root, "vectors"), i, v) {
        const char *name = json_string_value(json_object_get(v, "name"));
        const json_t *td = json_object_get(v, "typedData");
        uint8_t h[32];
        uint64_t cid = 0;
        int has = 0;
        avskey_err e = avskey_eth_typed_data_hash(h, &cid, &has, td);
        if (e) {
            fprintf(stderr, "%s: %s\n", name, avskey_errmsg());
            avskey_test_failures++;
            continue;
        }
        const char *want = json_string_value(json_object_get(v, "hash"));
        if (!CHECK_HEX(h, 32, want + 2)) fprintf(stderr, "  in vector %s\n", name);
        const json_t *dc = json_object_get(json_object_get(td, "domain"), "chainId");
        CHECK(has == (dc != NULL));
        n++;
    }
    CHECK(n >= 45);
    json_decref(root);
}

static json_t *load(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    if (!j) {
        fprintf(stderr, "bad test JSON (%s): %s\n", err.text, text);
        avskey_test_failures++;
    }
    return j;
}

/* Web3Signer's EthSignTypedDataIntegrationTest typed data, verbatim
 * (Consensys/web3signer core/src/integrationTest/java/tech/pegasys/
 * web3signer/core/jsonrpcproxy/EthSignTypedDataIntegrationTest.java). */
static const char *MY_DAPP =
    "{\"types\": {    \"EIP712Domain\": [      {\"name\": \"name\", \"type\": \"string\"},      "
    "{\"name\": \"version\", \"type\": \"string\"},      {\"name\": \"chainId\", \"type\": \"uint256\"},"
    "      {\"name\": \"verifyingContract\", \"type\": \"address\"}    ],    \"Person\": [      "
    "{\"name\": \"name\", \"type\": \"string\"},      {\"name\": \"wallet\", \"type\": \"address\"}    ]  },"
    "  \"domain\": {    \"name\": \"My Dapp\",    \"version\": \"1.0\",    \"chainId\": 1,    "
    "\"verifyingContract\": \"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC\"  },  \"primaryType\": \"Person\","
    "  \"message\": {    \"name\": \"John Doe\",    \"wallet\": \"0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B\"  }}";

TEST(eth_eip712_web3signer)
{
    json_t *td = load(MY_DAPP);
    if (!td) return;
    uint8_t h[32], sk[32], sig[65], pub[64], addr[20];
    uint64_t cid = 0;
    int has = 0;
    CHECK(avskey_eth_typed_data_hash(h, &cid, &has, td) == AVSKEY_OK);
    CHECK(has == 1 && cid == 1);
    CHECK(avskey_hex_decode_var(sk, 32, KEY));
    CHECK(avskey_ecdsa_sign(sig, h, sk));
    CHECK_HEX(sig, 65, "11cb46f70ad43da86e15ca7c6bb28356859a5f4ba430b44dbf1e65726d467be6072be9d1e5b40bd5b7abe8888eb91a69f0e6d56a8a094718ed8080baf02d61c31c");
    CHECK(avskey_ecdsa_recover_var(pub, sig, h));
    avskey_ecdsa_address_var(addr, pub);
    CHECK_HEX(addr, 20, "7577919ae5df4941180eac211965f275cdce314d");
    json_decref(td);
}

/* The EIP-712 specification's Mail example: known domain separator and
 * digest (eips.ethereum.org/EIPS/eip-712, assets/eip-712/Example.js). */
TEST(eth_eip712_spec_mail)
{
    json_t *td = load(
        "{\"types\":{\"EIP712Domain\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"version\",\"type\":\"string\"},"
        "{\"name\":\"chainId\",\"type\":\"uint256\"},{\"name\":\"verifyingContract\",\"type\":\"address\"}],"
        "\"Person\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"wallet\",\"type\":\"address\"}],"
        "\"Mail\":[{\"name\":\"from\",\"type\":\"Person\"},{\"name\":\"to\",\"type\":\"Person\"},{\"name\":\"contents\",\"type\":\"string\"}]},"
        "\"primaryType\":\"Mail\",\"domain\":{\"name\":\"Ether Mail\",\"version\":\"1\",\"chainId\":1,"
        "\"verifyingContract\":\"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC\"},"
        "\"message\":{\"from\":{\"name\":\"Cow\",\"wallet\":\"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826\"},"
        "\"to\":{\"name\":\"Bob\",\"wallet\":\"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB\"},\"contents\":\"Hello, Bob!\"}}");
    if (!td) return;
    uint8_t h[32];
    uint64_t cid;
    int has;
    CHECK(avskey_eth_typed_data_hash(h, &cid, &has, td) == AVSKEY_OK);
    CHECK_HEX(h, 32, "be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");
    json_decref(td);
}

/* Builds a typed-data text with the given types (without EIP712Domain),
 * primary type and message; domain {name:"T", chainId:1}. */
static avskey_err try712(const char *types, const char *primary, const char *message)
{
    char buf[8192];
    snprintf(buf, sizeof buf,
             "{\"types\":{%s},\"primaryType\":\"%s\",\"domain\":{\"name\":\"T\",\"chainId\":1},\"message\":%s}",
             types, primary, message);
    json_t *td = load(buf);
    if (!td) return AVSKEY_ERR_USAGE;
    uint8_t h[32];
    uint64_t cid;
    int has;
    avskey_err e = avskey_eth_typed_data_hash(h, &cid, &has, td);
    json_decref(td);
    return e;
}

#define BAD712(types, primary, msg, field)                                                   \
    do {                                                                                     \
        avskey_err e_ = try712(types, primary, msg);                                         \
        if (e_ != AVSKEY_ERR_MALFORMED || !strstr(avskey_errmsg(), field)) {                 \
            fprintf(stderr, "%s:%d: expected MALFORMED naming %s, got %d \"%s\"\n", __FILE__, \
                    __LINE__, field, e_, avskey_errmsg());                                   \
            avskey_test_failures++;                                                          \
        }                                                                                    \
    } while (0)

#define P "\"P\":[{\"name\":\"a\",\"type\":\"uint8\"}]"

TEST(eth_eip712_errors)
{
    CHECK(try712(P, "P", "{\"a\":255}") == AVSKEY_OK);
    CHECK(try712(P, "P", "{\"a\":\"0xff\",\"extra\":1}") == AVSKEY_OK);
    /* Unused types are allowed (MetaMask and web3j allow them; ethers
     * does not), but must still be valid. */
    CHECK(try712(P ",\"Unused\":[{\"name\":\"b\",\"type\":\"bool\"}]", "P", "{\"a\":1}") == AVSKEY_OK);
    BAD712(P ",\"Unused\":[{\"name\":\"b\",\"type\":\"boolean\"}]", "P", "{\"a\":1}", "types.Unused.b");
    BAD712(P, "P", "{\"a\":256}", "message.a");
    BAD712(P, "P", "{\"a\":-1}", "message.a");
    BAD712(P, "P", "{\"a\":1.5}", "message.a");
    BAD712(P, "P", "{\"a\":\"12x\"}", "message.a");
    BAD712(P, "P", "{}", "message.a: missing");
    BAD712(P, "P", "[]", "message");
    BAD712(P, "Q", "{}", "primaryType");
    BAD712(P, "EIP712Domain", "{}", "primaryType");
    BAD712("\"P\":[{\"name\":\"a\",\"type\":\"uint7\"}]", "P", "{}", "types.P.a");
    BAD712("\"P\":[{\"name\":\"a\",\"type\":\"uint264\"}]", "P", "{}", "types.P.a");
    BAD712("\"P\":[{\"name\":\"a\",\"type\":\"bytes33\"}]", "P", "{}", "types.P.a");
    BAD712("\"P\":[{\"name\":\"a\",\"type\":\"bytes0\"}]", "P", "{}", "types.P.a");
    BAD712("\"P\":[{\"name\":\"a\",\"type\":\"Unknown\"}]", "P", "{}", "unknown type");
    BAD712("\"P\":[{\"name\":\"a\",\"type\":\"uint8[0]\"}]", "P", "{}", "types.P.a");
    BAD712("\"P\":[{\"name\":\"a\",\"type\":\"uint8[\"}]", "P", "{}", "types.P.a");
    BAD712("\"P\":[{\"name\":\"a\",\"type\":\"uint8]\"}]", "P", "{}", "types.P.a");
    BAD712("\"P\":[{\"name\":\"a\",\"type\":\"uint8\"},{\"name\":\"a\",\"type\":\"bool\"}]", "P", "{}", "duplicate");
    BAD712("\"P\":[{\"name\":\"a\",\"type\":\"P\"}]", "P", "{}", "recursive");
    BAD712("\"P\":[{\"name\":\"a\",\"type\":\"Q[]\"}],\"Q\":[{\"name\":\"b\",\"type\":\"P\"}]", "P", "{}", "recursive");
    BAD712("\"P\":[{\"name\":\"a\"}]", "P", "{}", "types.P[0]");
    BAD712("\"P\":{}", "P", "{}", "types.P");
    BAD712("\"uint8\":[]", "uint8", "{}", "types.uint8");
    /* Values of each kind. */
    BAD712("\"P\":[{\"name\":\"a\",\"type\":\"address\"}]", "P", "{\"a\":\"0x1234\"}", "message.a");
    BAD712("\"P\":[{\"name\":\"a\",\"type\":\"address\"}]", "P",
           "{\"a\":\"0xcD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826\"}", "message.a"); /* bad checksum */
    CHECK(try712("\"P\":[{\"name\":\"a\",\"type\":\"address\"}]", "P",
                 "{\"a\":\"0xcd2a3d9f938e13cd947ec05abc7fe734df8dd826\"}") == AVSKEY_OK);
    BAD712("\"P\":[{\"name\":\"a\",\"type\":\"bool\"}]", "P", "{\"a\":1}", "message.a");
    BAD712("\"P\":[{\"name\":\"a\",\"type\":\"string\"}]", "P", "{\"a\":1}", "message.a");
    BAD712("\"P\":[{\"name\":\"a\",\"type\":\"bytes\"}]", "P", "{\"a\":\"0x1\"}", "message.a");
    BAD712("\"P\":[{\"name\":\"a\",\"type\":\"bytes\"}]", "P", "{\"a\":\"ab\"}", "message.a");
    BAD712("\"P\":[{\"name\":\"a\",\"type\":\"bytes2\"}]", "P", "{\"a\":\"0xab\"}", "message.a");
    BAD712("\"P\":[{\"name\":\"a\",\"type\":\"bytes2\"}]", "P", "{\"a\":\"0xabcdef\"}", "message.a");
    BAD712("\"P\":[{\"name\":\"a\",\"type\":\"uint8[2]\"}]", "P", "{\"a\":[1]}", "message.a");
    BAD712("\"P\":[{\"name\":\"a\",\"type\":\"uint8[]\"}]", "P", "{\"a\":[1,300]}", "message.a[1]");
    BAD712("\"P\":[{\"name\":\"a\",\"type\":\"uint8[][]\"}]", "P", "{\"a\":[[1],2]}", "message.a[1]");
    BAD712("\"P\":[{\"name\":\"q\",\"type\":\"Q\"}],\"Q\":[{\"name\":\"b\",\"type\":\"bool\"}]", "P",
           "{\"q\":{}}", "message.q.b: missing");
    /* Integer ranges. */
    const char *I8 = "\"P\":[{\"name\":\"a\",\"type\":\"int8\"}]";
    CHECK(try712(I8, "P", "{\"a\":-128}") == AVSKEY_OK);
    CHECK(try712(I8, "P", "{\"a\":\"127\"}") == AVSKEY_OK);
    CHECK(try712(I8, "P", "{\"a\":\"-0x80\"}") == AVSKEY_OK);
    BAD712(I8, "P", "{\"a\":-129}", "message.a");
    BAD712(I8, "P", "{\"a\":128}", "message.a");
    const char *U256 = "\"P\":[{\"name\":\"a\",\"type\":\"uint256\"}]";
    CHECK(try712(U256, "P", "{\"a\":\"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"}") == AVSKEY_OK);
    BAD712(U256, "P", "{\"a\":\"0x10000000000000000000000000000000000000000000000000000000000000000\"}", "message.a");
    BAD712(U256, "P", "{\"a\":\"-1\"}", "message.a");
    const char *I256 = "\"P\":[{\"name\":\"a\",\"type\":\"int256\"}]";
    CHECK(try712(I256, "P", "{\"a\":\"-57896044618658097711785492504343953926634992332820282019728792003956564819968\"}") == AVSKEY_OK);
    BAD712(I256, "P", "{\"a\":\"-57896044618658097711785492504343953926634992332820282019728792003956564819969\"}", "message.a");
    BAD712(I256, "P", "{\"a\":\"57896044618658097711785492504343953926634992332820282019728792003956564819968\"}", "message.a");
    /* Domain errors. */
    json_t *td = load("{\"types\":{" P "},\"primaryType\":\"P\",\"domain\":{\"name\":\"x\",\"bogus\":1},\"message\":{\"a\":1}}");
    uint8_t h[32];
    uint64_t cid;
    int has;
    CHECK(avskey_eth_typed_data_hash(h, &cid, &has, td) == AVSKEY_ERR_MALFORMED && strstr(avskey_errmsg(), "domain.bogus"));
    json_decref(td);
    td = load("{\"types\":{" P "},\"primaryType\":\"P\",\"domain\":{\"chainId\":\"0x10000000000000000\"},\"message\":{\"a\":1}}");
    CHECK(avskey_eth_typed_data_hash(h, &cid, &has, td) == AVSKEY_ERR_MALFORMED && strstr(avskey_errmsg(), "domain.chainId"));
    json_decref(td);
    td = load("{\"types\":{" P "},\"primaryType\":\"P\",\"domain\":{},\"message\":{\"a\":1}}");
    CHECK(avskey_eth_typed_data_hash(h, &cid, &has, td) == AVSKEY_OK && has == 0 && cid == 0);
    json_decref(td);
    td = load("{\"types\":{\"EIP712Domain\":[{\"name\":\"chainId\",\"type\":\"uint256\"}]," P "},\"primaryType\":\"P\",\"domain\":{},\"message\":{\"a\":1}}");
    CHECK(avskey_eth_typed_data_hash(h, &cid, &has, td) == AVSKEY_ERR_MALFORMED && strstr(avskey_errmsg(), "domain.chainId"));
    json_decref(td);
    td = load("{\"types\":{" P "},\"primaryType\":\"P\",\"message\":{\"a\":1}}");
    CHECK(avskey_eth_typed_data_hash(h, &cid, &has, td) == AVSKEY_ERR_MALFORMED && strstr(avskey_errmsg(), "domain"));
    json_decref(td);
    td = load("[1]");
    CHECK(avskey_eth_typed_data_hash(h, &cid, &has, td) == AVSKEY_ERR_MALFORMED);
    json_decref(td);
}

/* Bounds: a dynamic array over the element limit; a long chain of nested
 * struct types (deeper than AVSKEY_EIP712_MAX_DEPTH). */
TEST(eth_eip712_bounds)
{
    json_t *arr = json_array();
    for (int i = 0; i <= AVSKEY_EIP712_MAX_ARRAY; i++) json_array_append_new(arr, json_integer(1));
    json_t *td = json_pack("{s:{s:[{s:s,s:s}]},s:s,s:{},s:{s:o}}", "types", "P", "name", "a", "type", "uint8[]",
                           "primaryType", "P", "domain", "message", "a", arr);
    uint8_t h[32];
    uint64_t cid;
    int has;
    CHECK(avskey_eth_typed_data_hash(h, &cid, &has, td) == AVSKEY_ERR_MALFORMED && strstr(avskey_errmsg(), "message.a"));
    json_array_remove(arr, 0);
    CHECK(avskey_eth_typed_data_hash(h, &cid, &has, td) == AVSKEY_OK);
    json_decref(td);

    /* T0 -> T1 -> ... -> T20 */
    json_t *types = json_object(), *msg = json_object(), *cur = msg;
    for (int i = 0; i < 20; i++) {
        char n[16], m[16];
        snprintf(n, sizeof n, "T%d", i);
        snprintf(m, sizeof m, "T%d", i + 1);
        json_object_set_new(types, n, json_pack("[{s:s,s:s}]", "name", "x", "type", m));
        json_t *next = json_object();
        json_object_set_new(cur, "x", next);
        cur = next;
    }
    json_object_set_new(types, "T20", json_pack("[{s:s,s:s}]", "name", "v", "type", "bool"));
    json_object_set_new(cur, "v", json_true());
    td = json_pack("{s:o,s:s,s:{},s:o}", "types", types, "primaryType", "T0", "domain", "message", msg);
    CHECK(avskey_eth_typed_data_hash(h, &cid, &has, td) == AVSKEY_ERR_MALFORMED && strstr(avskey_errmsg(), "deep"));
    json_decref(td);
}
