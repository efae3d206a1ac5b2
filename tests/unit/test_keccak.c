#include "test.h"

#include "avskey/ecdsa.h"
#include "avskey/keccak.h"

TEST(keccak_vectors)
{
    uint8_t h[32];
    avskey_keccak256(h, NULL, 0);
    CHECK_HEX(h, 32, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    avskey_keccak256(h, (const uint8_t *)"abc", 3);
    CHECK_HEX(h, 32, "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    /* 200 bytes of 0xa3 crosses a block boundary (rate 136). */
    uint8_t m[200];
    memset(m, 0xa3, sizeof m);
    avskey_keccak256(h, m, sizeof m);
    uint8_t h2[32];
    avskey_keccak256_ctx c;
    avskey_keccak256_init(&c);
    for (size_t i = 0; i < sizeof m; i += 7)
        avskey_keccak256_update(&c, m + i, (sizeof m - i) < 7 ? sizeof m - i : 7);
    avskey_keccak256_final(&c, h2);
    CHECK(memcmp(h, h2, 32) == 0);
    /* exactly one block of 136 bytes: the pad goes into a fresh block */
    uint8_t z[136] = {0};
    avskey_keccak256(h, z, 136);
    avskey_keccak256_init(&c);
    avskey_keccak256_update(&c, z, 100);
    avskey_keccak256_update(&c, z, 36);
    avskey_keccak256_final(&c, h2);
    CHECK(memcmp(h, h2, 32) == 0);
}

TEST(eip55_vectors)
{
    /* EIP-55's own examples. */
    const char *v[] = {"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
                       "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
                       "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
                       "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint8_t a[20];
        char out[43];
        CHECK(avskey_hex_decode_var(a, 20, v[i]));
        avskey_eip55_var(out, a);
        CHECK_STR(out, v[i]);
    }
}

TEST(ecdsa_web3signer_key)
{
    /* Web3Signer's test key (fixtures/web3signer/README.md). */
    uint8_t sk[32], pub[64], addr[20];
    CHECK(avskey_hex_decode_var(sk, 32, "d392469474ec227b9ec4be232b402a0490045478ab621ca559d166965f0ffd32"));
    CHECK(avskey_ecdsa_pubkey(pub, sk));
    CHECK_HEX(pub, 64, "24491715b7514b315d06b6be809173e7c8051a2cd1880d29f8af5efda30e0877e816820c91d46444afc4063742a1602648751df36e11b5c95037fab1d4dd93eb");
    /* Signing and recovery round trip; the eth_sign vector of Web3Signer's
     * keyfile.json is checked in test_keystore.c after decrypting it. */
    uint8_t d[32], sig[65], rpub[64];
    avskey_keccak256(d, (const uint8_t *)"x", 1);
    CHECK(avskey_ecdsa_sign(sig, d, sk));
    CHECK(sig[64] == 27 || sig[64] == 28);
    CHECK(sig[32] < 0x80); /* low-s */
    CHECK(avskey_ecdsa_recover_var(rpub, sig, d));
    CHECK(memcmp(rpub, pub, 64) == 0);
    (void)addr;
    sig[64] = 29;
    CHECK(!avskey_ecdsa_recover_var(rpub, sig, d));
}

TEST(ecdsa_invalid_keys)
{
    uint8_t zero[32] = {0}, n[32], pub[64], sig[65], d[32] = {1};
    CHECK(!avskey_ecdsa_seckey_verify(zero));
    CHECK(avskey_hex_decode_var(n, 32, "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"));
    CHECK(!avskey_ecdsa_seckey_verify(n));
    memset(pub, 0x55, sizeof pub);
    CHECK(!avskey_ecdsa_pubkey(pub, n));
    CHECK(pub[0] == 0x55);
    CHECK(!avskey_ecdsa_sign(sig, d, zero));
}

TEST(hex_codec)
{
    uint8_t b[4];
    size_t n = 0;
    CHECK(avskey_hex_decode_var(b, 4, "0xDeadBeef"));
    CHECK_HEX(b, 4, "deadbeef");
    CHECK(!avskey_hex_decode_var(b, 4, "deadbee"));
    CHECK(!avskey_hex_decode_var(b, 4, "deadbeefaa"));
    CHECK(!avskey_hex_decode_var(b, 4, "deadbeeg"));
    CHECK(!avskey_hex_decode_var(b, 3, "0x0xdeadbe"));
    CHECK(!avskey_hex_decode_any_var(b, &n, 4, "0x0xdead"));
    CHECK(avskey_hex_decode_any_var(b, &n, 4, "0x"));
    CHECK(n == 0);
    CHECK(!avskey_hex_decode_any_var(b, &n, 4, "0102030405"));
    CHECK(avskey_ct_memeq("abc", "abc", 3) == 1);
    CHECK(avskey_ct_memeq("abc", "abd", 3) == 0);
    char out[9];
    avskey_hex_encode(out, (const uint8_t *)"\x01\xab\xff\x90", 4);
    CHECK_STR(out, "01abff90");
}
