/* The signer API with the keystore backend: every operation, the checks,
 * errors, and one handle used from several threads. */
#include "test.h"

#include "avskey/ecdsa.h"
#include "avskey/keccak.h"
#include "avskey/signer.h"

#include <pthread.h>
#include <sys/stat.h>

static int empty_pw(void *ctx, char *buf, size_t cap, size_t *len)
{
    (void)buf;
    (void)cap;
    ++*(int *)ctx;
    *len = 0;
    return 0;
}

/* go-ethereum's very-light-scrypt.json (passphrase "", n=2), copied 0600. */
static avskey_signer *open_light(int *calls)
{
    char path[4200], uri[4300];
    snprintf(path, sizeof path, "%s/light.ecdsa.key.json", avskey_test_tmpdir());
    FILE *in = fopen(avskey_test_fixture("eigen/go-ethereum/very-light-scrypt.json"), "r"), *out = fopen(path, "w");
    char buf[4096];
    size_t n = in ? fread(buf, 1, sizeof buf, in) : 0;
    if (out) fwrite(buf, 1, n, out);
    if (in) fclose(in);
    if (out) fclose(out);
    chmod(path, 0600);
    snprintf(uri, sizeof uri, "keystore:%s", path);
    avskey_signer_options o;
    avskey_signer_options_init(&o);
    o.passphrase_cb = empty_pw;
    o.passphrase_ctx = calls;
    avskey_signer *s = NULL;
    CHECK(avskey_signer_open(&s, uri, &o) == AVSKEY_OK);
    return s;
}

TEST(signer_keystore_ecdsa)
{
    int calls = 0;
    avskey_signer *s = open_light(&calls);
    if (!s) return;
    CHECK(calls == 1);
    avskey_signer_info in;
    avskey_signer_public_keys(s, &in);
    CHECK(in.type == AVSKEY_KEY_ECDSA && in.kind == AVSKEY_SIGNER_KEYSTORE);
    CHECK_HEX(in.address, 20, "45dea0fb0bba44f4fcf290bba71fd57d7117cbb8");
    CHECK_STR(in.name, "light");
    uint8_t d[32], sig[65], sig2[65], pub[64];
    avskey_keccak256(d, (const uint8_t *)"abc", 3);
    CHECK(avskey_signer_sign_digest(s, sig, d) == AVSKEY_OK);
    CHECK(avskey_ecdsa_recover_var(pub, sig, d) && memcmp(pub, in.pubkey, 64) == 0);
    CHECK(avskey_signer_sign_data(s, sig2, (const uint8_t *)"abc", 3) == AVSKEY_OK);
    CHECK(memcmp(sig, sig2, 65) == 0);
    /* BLS operations on an ECDSA key: usage errors, nothing written */
    uint8_t out[64] = {0};
    CHECK(avskey_signer_sign_message(s, out, d) == AVSKEY_ERR_USAGE);
    /* typed data */
    const char *td = "{\"types\":{\"EIP712Domain\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"chainId\","
                     "\"type\":\"uint256\"}],\"Socket\":[{\"name\":\"socket\",\"type\":\"string\"}]},\"primaryType\":"
                     "\"Socket\",\"domain\":{\"name\":\"avs\",\"chainId\":1},\"message\":{\"socket\":\"h:1\"}}";
    CHECK(avskey_signer_sign_typed_data(s, sig, td) == AVSKEY_OK);
    CHECK(avskey_signer_sign_typed_data(s, sig, "{") == AVSKEY_ERR_MALFORMED);
    /* transaction: EIP-1559, decoded back */
    avskey_eth_tx tx, got;
    avskey_eth_tx_init(&tx);
    tx.type = AVSKEY_ETH_TX_EIP1559;
    tx.chain_id = 17000;
    tx.nonce = 7;
    tx.gas = 100000;
    tx.max_fee_per_gas[31] = 9;
    tx.max_priority_fee_per_gas[31] = 1;
    tx.has_to = 1;
    memset(tx.to, 0x42, 20);
    uint8_t data[4] = {1, 2, 3, 4};
    tx.data = data;
    tx.data_len = 4;
    uint8_t *raw = NULL, addr[20];
    size_t rawlen = 0;
    CHECK(avskey_signer_sign_transaction(s, &raw, &rawlen, &tx) == AVSKEY_OK);
    CHECK(raw && avskey_eth_tx_decode_signed(&got, sig, raw, rawlen) == AVSKEY_OK);
    CHECK(got.nonce == 7 && got.chain_id == 17000 && got.data_len == 4);
    CHECK(avskey_eth_tx_sender_var(addr, &got, sig) && memcmp(addr, in.address, 20) == 0);
    avskey_eth_tx_free(&got);
    free(raw);
    avskey_signer_close(s);
}

static void *sign_loop(void *arg)
{
    avskey_signer *s = arg;
    uint8_t d[32] = {1}, sig[65];
    long bad = 0;
    for (int i = 0; i < 50; i++) bad += avskey_signer_sign_digest(s, sig, d) != AVSKEY_OK;
    return (void *)bad;
}

TEST(signer_threads)
{
    int calls = 0;
    avskey_signer *s = open_light(&calls);
    if (!s) return;
    pthread_t t[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, sign_loop, s);
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        CHECK(r == NULL);
    }
    avskey_signer_close(s);
}

TEST(signer_uri_errors)
{
    avskey_signer *s = (avskey_signer *)1;
    CHECK(avskey_signer_open(&s, "http://x", NULL) == AVSKEY_ERR_USAGE && s == NULL);
    CHECK(avskey_signer_open(&s, "keystore:", NULL) == AVSKEY_ERR_USAGE);
    CHECK(avskey_signer_open(&s, "keystore:/nonexistent/x.ecdsa.key.json", NULL) == AVSKEY_ERR_NOTFOUND);
    CHECK(avskey_signer_kind_of_uri("cerberus+grpcs://h:1") == AVSKEY_SIGNER_CERBERUS);
    CHECK(avskey_signer_kind_of_uri("web3signer+http://h:1") == AVSKEY_SIGNER_WEB3SIGNER);
    CHECK(avskey_signer_kind_of_uri("web3signer:/x") == 0);
}

/* ---- the local checks, with a backend that lies ------------------------ */
#include "signer/signer_internal.h"

static int lie_mode;

static avskey_err lie_digest(avskey_signer *s, const avskey_budget *b, uint8_t sig65[65], const uint8_t d[32])
{
    (void)s;
    (void)b;
    uint8_t other[32];
    memset(other, 0x77, 32);
    if (!avskey_ecdsa_sign(sig65, d, other)) return AVSKEY_ERR_CRYPTO;  /* another key */
    if (lie_mode == 1) sig65[64] = 5;                                    /* bad v */
    return AVSKEY_OK;
}

static avskey_err lie_tx(avskey_signer *s, const avskey_budget *b, uint8_t **raw, size_t *rawlen,
                         const avskey_eth_tx *tx)
{
    (void)s;
    (void)b;
    uint8_t d[32], sig[65], sk[32];
    avskey_eth_tx t2 = *tx;
    memset(sk, 0x77, 32);
    t2.nonce += (uint64_t)(lie_mode == 0);  /* 0: another nonce; 1: another key */
    if (avskey_eth_tx_signing_hash(d, &t2) || !avskey_ecdsa_sign(sig, d, sk)) return AVSKEY_ERR_CRYPTO;
    return avskey_eth_tx_encode_signed(raw, rawlen, &t2, sig);
}

TEST(signer_checks_reject_lies)
{
    int calls = 0;
    avskey_signer *s = open_light(&calls);
    if (!s) return;
    static const avskey_signer_ops lie_ops = {lie_digest, NULL, lie_tx, NULL, NULL, NULL, NULL, 1};
    const avskey_signer_ops *real = s->ops;
    s->ops = &lie_ops;
    uint8_t d[32] = {9}, sig[65];
    memset(sig, 0xee, sizeof sig);
    for (lie_mode = 0; lie_mode < 2; lie_mode++) {
        CHECK(avskey_signer_sign_digest(s, sig, d) == AVSKEY_ERR_WRONG_KEY);
        CHECK(sig[0] == 0xee && sig[64] == 0xee);  /* nothing written */
        CHECK(strstr(avskey_errmsg(), "not used") != NULL);
    }
    avskey_eth_tx tx;
    avskey_eth_tx_init(&tx);
    tx.chain_id = 1;
    tx.gas = 21000;
    uint8_t *raw = NULL;
    size_t rawlen = 0;
    lie_mode = 0;
    CHECK(avskey_signer_sign_transaction(s, &raw, &rawlen, &tx) == AVSKEY_ERR_WRONG_KEY && raw == NULL);
    CHECK(strstr(avskey_errmsg(), "nonce") != NULL);
    lie_mode = 1;
    CHECK(avskey_signer_sign_transaction(s, &raw, &rawlen, &tx) == AVSKEY_ERR_WRONG_KEY && raw == NULL);
    /* typed data and BLS are not offered by this backend */
    CHECK(avskey_signer_sign_typed_data(s, sig, "{}") == AVSKEY_ERR_USAGE);
    s->ops = real;
    CHECK(avskey_signer_sign_transaction(s, &raw, &rawlen, &tx) == AVSKEY_OK && raw != NULL);
    free(raw);
    avskey_signer_close(s);
}
