/* eigensdk BLS scheme: every BN254/BLS vector of fixtures eigen/vectors.json
 * (via the generated bn254_vectors.h) plus negative cases. */
#include "test.h"

#include "avskey/bls.h"
#include "bn254_vectors.h"

static void hexbuf(uint8_t *out, size_t n, const char *hex)
{
    if (!avskey_hex_decode_var(out, n, hex)) {
        fprintf(stderr, "bad hex in vector: %s\n", hex);
        abort();
    }
}

static void key_from_dec(avskey_bls_sk *sk, const char *dec)
{
    avskey_err rc = avskey_bls_sk_from_text(sk, dec);
    CHECK(rc == AVSKEY_OK);
}

TEST(bls_vectors_keys)
{
    for (size_t i = 0; i < sizeof BLS_KEYS / sizeof BLS_KEYS[0]; i++) {
        const bls_key_vec *v = &BLS_KEYS[i];
        avskey_bls_sk sk, sk2;
        avskey_bn254_g1 pk1, p;
        avskey_bn254_g2 pk2, q;
        uint8_t b[128], skb[32];
        char e[AVSKEY_BLS_E_MAX];
        key_from_dec(&sk, v->sk_dec);
        avskey_bls_sk_to_bytes(skb, &sk);
        CHECK_HEX(skb, 32, v->sk_hex);
        CHECK(avskey_bls_sk_from_bytes(&sk2, skb));
        CHECK(memcmp(&sk, &sk2, sizeof sk) == 0);
        avskey_bls_pubkeys(&pk1, &pk2, &sk);
        /* G1 in every form */
        avskey_bls_g1_format_E(e, &pk1);
        CHECK_STR(e, v->pubkey_E);
        avskey_bn254_g1_to_xy(b, &pk1);
        CHECK_HEX(b, 64, v->g1_xy);
        avskey_bn254_g1_compress(b, &pk1);
        CHECK_HEX(b, 32, v->g1_comp);
        avskey_bls_operator_id(b, &pk1);
        CHECK_HEX(b, 32, v->operator_id);
        CHECK(avskey_bls_g1_parse_E_var(&p, v->pubkey_E) == AVSKEY_OK);
        CHECK(avskey_bn254_g1_eq_var(&p, &pk1));
        hexbuf(b, 32, v->g1_comp);
        CHECK(avskey_bn254_g1_decompress_var(&p, b, 0));
        CHECK(avskey_bn254_g1_eq_var(&p, &pk1));
        hexbuf(b, 64, v->g1_xy);
        CHECK(avskey_bn254_g1_from_xy_var(&p, b, 0));
        CHECK(avskey_bn254_g1_eq_var(&p, &pk1));
        /* G2 in every form */
        uint8_t xa0[32], xa1[32], ya0[32], ya1[32];
        avskey_bn254_g2_to_coords(xa0, xa1, ya0, ya1, &pk2);
        CHECK_HEX(xa0, 32, v->g2_xa0);
        CHECK_HEX(xa1, 32, v->g2_xa1);
        CHECK_HEX(ya0, 32, v->g2_ya0);
        CHECK_HEX(ya1, 32, v->g2_ya1);
        avskey_bn254_g2_to_raw(b, &pk2);
        CHECK_HEX(b, 128, v->g2_raw);
        avskey_bn254_g2_compress(b, &pk2);
        CHECK_HEX(b, 64, v->g2_comp);
        {
            uint8_t es[128];
            memcpy(es, xa0, 32);
            memcpy(es + 32, xa1, 32);
            memcpy(es + 64, ya0, 32);
            memcpy(es + 96, ya1, 32);
            CHECK_HEX(es, 128, v->g2_eigensdk);
            avskey_bn254_g2_to_eigensdk(es, &pk2);
            CHECK_HEX(es, 128, v->g2_eigensdk);
            CHECK(avskey_bn254_g2_from_eigensdk_var(&q, es, 0));
            CHECK(avskey_bn254_g2_eq_var(&q, &pk2));
            es[0] ^= 0x40; /* X.A0 >= p or another point: refused */
            CHECK(!avskey_bn254_g2_from_eigensdk_var(&q, es, 0));
        }
        hexbuf(b, 128, v->g2_raw);
        CHECK(avskey_bn254_g2_from_raw_var(&q, b, 0));
        CHECK(avskey_bn254_g2_eq_var(&q, &pk2));
        hexbuf(b, 64, v->g2_comp);
        CHECK(avskey_bn254_g2_decompress_var(&q, b, 0));
        CHECK(avskey_bn254_g2_eq_var(&q, &pk2));
        AVSKEY_WIPE(sk);
        AVSKEY_WIPE(sk2);
    }
}

TEST(bls_vectors_sign)
{
    for (size_t i = 0; i < sizeof BLS_KEYS / sizeof BLS_KEYS[0]; i++) {
        const bls_key_vec *v = &BLS_KEYS[i];
        avskey_bls_sk sk;
        avskey_bn254_g1 pk1, h, s;
        avskey_bn254_g2 pk2;
        key_from_dec(&sk, v->sk_dec);
        avskey_bls_pubkeys(&pk1, &pk2, &sk);
        for (int j = 0; j < v->nsig; j++) {
            const bls_sig_vec *sv = &v->sig[j];
            uint8_t msg[32], b[64];
            hexbuf(msg, 32, sv->msg);
            avskey_bn254_hash_to_g1_var(&h, msg);
            avskey_bn254_g1_to_xy(b, &h);
            CHECK_HEX(b, 32, sv->hx);
            CHECK_HEX(b + 32, 32, sv->hy);
            avskey_bls_sign(b, msg, &sk);
            CHECK_HEX(b, 64, sv->sig_xy);
            CHECK(avskey_bn254_g1_from_xy_var(&s, b, 0));
            avskey_bn254_g1_compress(b, &s);
            CHECK_HEX(b, 32, sv->sig_comp);
            CHECK(avskey_bls_verify_var(msg, &s, &pk2));
            /* wrong message, wrong key */
            msg[0] ^= 0x40; /* (flipping a low bit can land on the same try-and-increment point) */
            CHECK(!avskey_bls_verify_var(msg, &s, &pk2));
            msg[0] ^= 0x40;
            avskey_bn254_g2 g2;
            avskey_bn254_g2_generator(&g2);
            CHECK(!avskey_bls_verify_var(msg, &s, &g2));
            /* sk*P with P = H(m) equals the signature */
            uint8_t hp[64], o[64];
            avskey_bn254_g1_to_xy(hp, &h);
            CHECK(avskey_bls_mul_g1(o, hp, &sk));
            CHECK_HEX(o, 64, sv->sig_xy);
        }
        AVSKEY_WIPE(sk);
    }
}

TEST(bls_vectors_upstream)
{
    avskey_bls_sk sk;
    avskey_bn254_g1 pk1;
    avskey_bn254_g2 pk2;
    uint8_t b[64], msg[32] = "hello", skb[32];
    /* eigensdk-go signer/bls/local + privatekey tests */
    key_from_dec(&sk, EIGENSDK_SK_DEC);
    avskey_bls_pubkeys(&pk1, &pk2, &sk);
    avskey_bn254_g1_compress(b, &pk1);
    CHECK_HEX(b, 32, EIGENSDK_PK_G1_COMP);
    avskey_bn254_g2_compress(b, &pk2);
    CHECK_HEX(b, 64, EIGENSDK_PK_G2_COMP);
    avskey_bls_operator_id(b, &pk1);
    CHECK_HEX(b, 32, EIGENSDK_OPERATOR_ID);
    avskey_bls_sign(b, msg, &sk);
    CHECK_HEX(b, 64, EIGENSDK_SIG_HELLO);
    CHECK(avskey_bls_verify_bytes_var(msg, b, (const uint8_t[128]){0}) == 0);
    {
        uint8_t raw[128];
        avskey_bn254_g2_to_raw(raw, &pk2);
        CHECK(avskey_bls_verify_bytes_var(msg, b, raw));
        b[63] ^= 1; /* now off the curve */
        CHECK(!avskey_bls_verify_bytes_var(msg, b, raw));
    }
    /* cerberus SignGeneric */
    hexbuf(skb, 32, CERBERUS_SK_HEX);
    CHECK(avskey_bls_sk_from_bytes(&sk, skb));
    avskey_bls_pubkeys(&pk1, &pk2, &sk);
    avskey_bn254_g1_compress(b, &pk1);
    CHECK_HEX(b, 32, CERBERUS_PK_G1_COMP);
    memset(msg, 0, 32);
    memcpy(msg, "somedata", 8);
    avskey_bls_sign(b, msg, &sk);
    CHECK_HEX(b, 64, CERBERUS_SIG_SOMEDATA);
    {
        /* Cerberus SignG1("somedata" padded to 64 bytes): not a curve point,
         * so avskey refuses it (gnark returned garbage for it). */
        uint8_t pt[64] = "somedata", out[64];
        CHECK(!avskey_bls_mul_g1(out, pt, &sk));
    }
    {
        char hx[67] = "0x";
        avskey_bls_sk sk2;
        memcpy(hx + 2, CERBERUS_SK_HEX, 65);
        CHECK(avskey_bls_sk_from_text(&sk2, hx) == AVSKEY_OK);
        CHECK(memcmp(&sk, &sk2, sizeof sk) == 0);
    }
    /* eigenlayer-cli keys list: operator IDs from E() strings */
    for (size_t i = 0; i < sizeof CLI_LIST / sizeof CLI_LIST[0]; i++) {
        char e[AVSKEY_BLS_E_MAX];
        CHECK(avskey_bls_g1_parse_E_var(&pk1, CLI_LIST[i].pubkey_E) == AVSKEY_OK);
        avskey_bls_operator_id(b, &pk1);
        CHECK_HEX(b, 32, CLI_LIST[i].operator_id);
        avskey_bls_g1_format_E(e, &pk1);
        CHECK_STR(e, CLI_LIST[i].pubkey_E);
    }
    /* eigenlayer-cli keys import: reduction mod r */
    for (size_t i = 0; i < sizeof CLI_IMPORT / sizeof CLI_IMPORT[0]; i++) {
        CHECK(avskey_bls_sk_from_text(&sk, CLI_IMPORT[i].input) == AVSKEY_OK);
        avskey_bls_sk_to_bytes(skb, &sk);
        CHECK_HEX(skb, 32, CLI_IMPORT[i].stored_hex);
    }
    AVSKEY_WIPE(sk);
}

TEST(bls_sk_text)
{
    avskey_bls_sk sk, sk2;
    uint8_t b[32];
    const char *r_dec = "21888242871839275222246405745257275088548364400416034343698204186575808495617";
    CHECK(avskey_bls_sk_from_text(&sk, "1") == AVSKEY_OK);
    avskey_bls_sk_to_bytes(b, &sk);
    CHECK_HEX(b, 32, "0000000000000000000000000000000000000000000000000000000000000001");
    sk2 = sk;
    CHECK(avskey_bls_sk_from_text(&sk, "") == AVSKEY_ERR_MALFORMED);
    CHECK(avskey_bls_sk_from_text(&sk, "0x") == AVSKEY_ERR_MALFORMED);
    CHECK(avskey_bls_sk_from_text(&sk, "12a") == AVSKEY_ERR_MALFORMED);
    CHECK(avskey_bls_sk_from_text(&sk, "0x12g") == AVSKEY_ERR_MALFORMED);
    CHECK(avskey_bls_sk_from_text(&sk, " 1") == AVSKEY_ERR_MALFORMED);
    CHECK(avskey_bls_sk_from_text(&sk, "-1") == AVSKEY_ERR_MALFORMED);
    CHECK(avskey_bls_sk_from_text(&sk, "0") == AVSKEY_ERR_CRYPTO);
    CHECK(avskey_bls_sk_from_text(&sk, "0x0000") == AVSKEY_ERR_CRYPTO);
    CHECK(avskey_bls_sk_from_text(&sk, r_dec) == AVSKEY_ERR_CRYPTO);
    CHECK(memcmp(&sk, &sk2, sizeof sk) == 0); /* untouched on failure */
    /* r+1 -> 1; 0xFF..FF (64 f) and r-1 */
    CHECK(avskey_bls_sk_from_text(&sk, "21888242871839275222246405745257275088548364400416034343698204186575808495618") == AVSKEY_OK);
    avskey_bls_sk_to_bytes(b, &sk);
    CHECK_HEX(b, 32, "0000000000000000000000000000000000000000000000000000000000000001");
    CHECK(avskey_bls_sk_from_text(&sk, "0XFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF") == AVSKEY_OK);
    avskey_bls_sk_to_bytes(b, &sk); /* (2^256-1) mod r */
    CHECK_HEX(b, 32, "0e0a77c19a07df2f666ea36f7879462e36fc76959f60cd29ac96341c4ffffffa");
    /* bytes: 0 and r refused, r-1 accepted */
    memset(b, 0, 32);
    CHECK(!avskey_bls_sk_from_bytes(&sk, b));
    hexbuf(b, 32, "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001");
    CHECK(!avskey_bls_sk_from_bytes(&sk, b));
    b[31] = 0;
    CHECK(avskey_bls_sk_from_bytes(&sk, b));
    AVSKEY_WIPE(sk);
    AVSKEY_WIPE(sk2);
}

TEST(bls_E_text)
{
    avskey_bn254_g1 p, g;
    char e[AVSKEY_BLS_E_MAX];
    avskey_bn254_g1_generator(&g);
    avskey_bls_g1_format_E(e, &g);
    CHECK_STR(e, "E([1,2])");
    CHECK(avskey_bls_g1_parse_E_var(&p, "E([1,2])") == AVSKEY_OK);
    CHECK(avskey_bn254_g1_eq_var(&p, &g));
    CHECK(avskey_bls_g1_parse_E_var(&p, "E([1,3])") == AVSKEY_ERR_MALFORMED);
    CHECK(avskey_bls_g1_parse_E_var(&p, "E([0,0])") == AVSKEY_ERR_MALFORMED);
    CHECK(avskey_bls_g1_parse_E_var(&p, "E([01,2])") == AVSKEY_ERR_MALFORMED);
    CHECK(avskey_bls_g1_parse_E_var(&p, "E([1, 2])") == AVSKEY_ERR_MALFORMED);
    CHECK(avskey_bls_g1_parse_E_var(&p, "E([1,2]) ") == AVSKEY_ERR_MALFORMED);
    CHECK(avskey_bls_g1_parse_E_var(&p, "E([1,2") == AVSKEY_ERR_MALFORMED);
    /* x = 1 + p is non-canonical */
    CHECK(avskey_bls_g1_parse_E_var(&p, "E([21888242871839275222246405745257275088696311157297823662689037894645226208584,2])") == AVSKEY_ERR_MALFORMED);
    CHECK(avskey_bls_g1_parse_E_var(&p, "E([1,21888242871839275222246405745257275088696311157297823662689037894645226208585])") == AVSKEY_ERR_MALFORMED);
    CHECK(avskey_bls_g1_parse_E_var(&p, "E([1000000000000000000000000000000000000000000000000000000000000000000000000000000000,2])") == AVSKEY_ERR_MALFORMED);
}

TEST(bls_aggregate)
{
    avskey_bls_sk sk[3];
    avskey_bn254_g1 pk1[3], sig[3], asig, apk1;
    avskey_bn254_g2 pk2[3], apk2;
    uint8_t msg[32] = "aggregate me";
    for (int i = 0; i < 3; i++) {
        char dec[4] = {(char)('1' + i), '2', '3', 0};
        CHECK(avskey_bls_sk_from_text(&sk[i], dec) == AVSKEY_OK);
        avskey_bls_pubkeys(&pk1[i], &pk2[i], &sk[i]);
        avskey_bls_sign_point(&sig[i], msg, &sk[i]);
    }
    avskey_bls_aggregate_g1(&asig, sig, 3);
    avskey_bls_aggregate_g2(&apk2, pk2, 3);
    avskey_bls_aggregate_g1(&apk1, pk1, 3);
    CHECK(avskey_bls_verify_var(msg, &asig, &apk2));
    CHECK(!avskey_bls_verify_var(msg, &asig, &pk2[0]));
    /* 123+223+323 = 669 */
    avskey_bls_sk s;
    avskey_bn254_g1 p1;
    avskey_bn254_g2 p2;
    CHECK(avskey_bls_sk_from_text(&s, "669") == AVSKEY_OK);
    avskey_bls_pubkeys(&p1, &p2, &s);
    CHECK(avskey_bn254_g1_eq_var(&p1, &apk1));
    CHECK(avskey_bn254_g2_eq_var(&p2, &apk2));
    avskey_bls_aggregate_g1(&apk1, pk1, 0);
    CHECK(avskey_bn254_g1_is_infinity(&apk1));
    /* infinity signature / key refused */
    avskey_bn254_g1 inf;
    avskey_bn254_g1_infinity(&inf);
    CHECK(!avskey_bls_verify_var(msg, &inf, &apk2));
    avskey_bn254_g2 inf2;
    avskey_bn254_g2_infinity(&inf2);
    CHECK(!avskey_bls_verify_var(msg, &asig, &inf2));
    /* sk*P refuses infinity and off-curve points */
    uint8_t pt[64] = {0}, out[64];
    memset(out, 0xaa, 64);
    CHECK(!avskey_bls_mul_g1(out, pt, &s));
    pt[31] = 1;
    pt[63] = 3;
    CHECK(!avskey_bls_mul_g1(out, pt, &s));
    CHECK(out[0] == 0xaa && out[63] == 0xaa);
    AVSKEY_WIPE(sk);
    AVSKEY_WIPE(s);
}
