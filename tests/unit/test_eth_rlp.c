/* RLP: the Ethereum wiki's examples (ethereum.org "Recursive-length prefix
 * (RLP) serialization"), round trips, and non-canonical inputs rejected. */
#include "test.h"
#include "test_eth_util.h"

#include "avskey/eth.h"

static void check_enc(avskey_rlp_buf *b, const char *hex)
{
    CHECK(avskey_rlp_ok(b));
    if (avskey_rlp_ok(b)) CHECK_HEX(b->p, b->len, hex);
    /* And it decodes strictly. */
    avskey_rlp_item it;
    CHECK(avskey_rlp_decode(&it, b->p, b->len, 8));
    avskey_rlp_free(b);
}

TEST(eth_rlp_wiki_examples)
{
    avskey_rlp_buf b;
    avskey_rlp_init(&b);
    avskey_rlp_bytes(&b, (const uint8_t *)"dog", 3);
    check_enc(&b, "83646f67");

    size_t m = avskey_rlp_list_begin(&b);
    avskey_rlp_bytes(&b, (const uint8_t *)"cat", 3);
    avskey_rlp_bytes(&b, (const uint8_t *)"dog", 3);
    avskey_rlp_list_end(&b, m);
    check_enc(&b, "c88363617483646f67");

    avskey_rlp_bytes(&b, NULL, 0);
    check_enc(&b, "80");

    m = avskey_rlp_list_begin(&b);
    avskey_rlp_list_end(&b, m);
    check_enc(&b, "c0");

    avskey_rlp_u64(&b, 0);
    check_enc(&b, "80");
    uint8_t zero = 0;
    avskey_rlp_bytes(&b, &zero, 1); /* the byte 0x00 */
    check_enc(&b, "00");
    avskey_rlp_u64(&b, 15);
    check_enc(&b, "0f");
    avskey_rlp_u64(&b, 1024);
    check_enc(&b, "820400");
    avskey_rlp_u64(&b, 127);
    check_enc(&b, "7f");
    avskey_rlp_u64(&b, 128);
    check_enc(&b, "8180");
    avskey_rlp_u64(&b, UINT64_MAX);
    check_enc(&b, "88ffffffffffffffff");
    uint8_t big[32];
    memset(big, 0, 32);
    big[31] = 1;
    avskey_rlp_uint_be(&b, big, 32);
    check_enc(&b, "01");

    /* [ [], [[]], [ [], [[]] ] ] */
    m = avskey_rlp_list_begin(&b);
    size_t a = avskey_rlp_list_begin(&b);
    avskey_rlp_list_end(&b, a);
    a = avskey_rlp_list_begin(&b);
    size_t c = avskey_rlp_list_begin(&b);
    avskey_rlp_list_end(&b, c);
    avskey_rlp_list_end(&b, a);
    a = avskey_rlp_list_begin(&b);
    c = avskey_rlp_list_begin(&b);
    avskey_rlp_list_end(&b, c);
    c = avskey_rlp_list_begin(&b);
    size_t d = avskey_rlp_list_begin(&b);
    avskey_rlp_list_end(&b, d);
    avskey_rlp_list_end(&b, c);
    avskey_rlp_list_end(&b, a);
    avskey_rlp_list_end(&b, m);
    check_enc(&b, "c7c0c1c0c3c0c1c0");

    const char *lorem = "Lorem ipsum dolor sit amet, consectetur adipisicing elit";
    CHECK(strlen(lorem) == 56);
    avskey_rlp_bytes(&b, (const uint8_t *)lorem, 56);
    check_enc(&b, "b8384c6f72656d20697073756d20646f6c6f722073697420616d65742c20636f6e7365637465747572206164697069736963696e6720656c6974");

    /* A list whose payload is 56 bytes takes the long form. */
    m = avskey_rlp_list_begin(&b);
    avskey_rlp_bytes(&b, (const uint8_t *)lorem, 54); /* 1 + 54 */
    avskey_rlp_u64(&b, 1);
    avskey_rlp_list_end(&b, m);
    CHECK(b.len == 58 && b.p[0] == 0xf8 && b.p[1] == 56);
    avskey_rlp_free(&b);

    /* 1 MiB string: 3-byte length. */
    uint8_t *mb = calloc(1, 1 << 20);
    avskey_rlp_bytes(&b, mb, 1 << 20);
    CHECK(avskey_rlp_ok(&b) && b.len == (1 << 20) + 4);
    CHECK(b.p[0] == 0xba && b.p[1] == 0x10 && b.p[2] == 0 && b.p[3] == 0);
    avskey_rlp_item it;
    CHECK(avskey_rlp_decode(&it, b.p, b.len, 1) && it.len == (1u << 20) && !it.is_list);
    free(mb);
    avskey_rlp_free(&b);
}

static int decodes(const char *hex, unsigned depth)
{
    size_t n;
    uint8_t *p = eth_test_unhex(hex, &n);
    avskey_rlp_item it;
    int r = avskey_rlp_decode(&it, p, n, depth);
    free(p);
    return r;
}

TEST(eth_rlp_decode_strict)
{
    /* Canonical ones decode. */
    CHECK(decodes("83646f67", 1));
    CHECK(decodes("c88363617483646f67", 1));
    CHECK(decodes("c7c0c1c0c3c0c1c0", 4));
    CHECK(decodes("8180", 0));
    CHECK(decodes("00", 0));
    /* Non-canonical or truncated ones do not. */
    CHECK(!decodes("", 1));
    CHECK(!decodes("8100", 1));          /* single byte < 0x80 wrapped */
    CHECK(!decodes("817f", 1));
    CHECK(!decodes("b80100", 1));        /* long form for a short string */
    CHECK(!decodes("b837" "00", 1));
    CHECK(!decodes("f800", 1));          /* long list form for an empty list */
    CHECK(!decodes("b90038", 1));        /* leading zero in the length */
    CHECK(!decodes("83646f", 1));        /* truncated */
    CHECK(!decodes("83646f6700", 1));    /* trailing byte */
    CHECK(!decodes("c883636174", 1));    /* list longer than input */
    CHECK(!decodes("c4836361", 1));      /* item overruns its list */
    CHECK(!decodes("bf", 1));            /* length of length missing */
    CHECK(!decodes("bfffffffffffffffff", 1));
    CHECK(!decodes("ffffffffffffffffff", 1));
    CHECK(!decodes("c7c0c1c0c3c0c1c0", 3)); /* too deep */
    CHECK(!decodes("c0", 0));
    /* Deeply nested list refused at the default bound. */
    char deep[2 * 40 + 1];
    for (int i = 0; i < 40; i++) {
        deep[2 * i] = 'c';
        deep[2 * i + 1] = (char)('0' + (39 - i > 0 ? 1 : 0));
    }
    deep[80] = 0;
    CHECK(!decodes(deep, 1000));
    CHECK(decodes("c1c0", 2));
}

TEST(eth_rlp_integers)
{
    avskey_rlp_item it = {(const uint8_t *)"\x04\x00", 2, 0};
    uint64_t v = 0;
    CHECK(avskey_rlp_get_u64(&v, &it) && v == 1024);
    it.p = (const uint8_t *)"\x00\x04";
    CHECK(!avskey_rlp_get_u64(&v, &it)); /* leading zero */
    it.len = 0;
    CHECK(avskey_rlp_get_u64(&v, &it) && v == 0);
    uint8_t nine[9] = {1, 0, 0, 0, 0, 0, 0, 0, 0};
    it.p = nine;
    it.len = 9;
    CHECK(!avskey_rlp_get_u64(&v, &it)); /* too wide */
    uint8_t out[32];
    CHECK(avskey_rlp_get_uint(out, 32, &it));
    CHECK_HEX(out, 32, "0000000000000000000000000000000000000000000000010000000000000000");
    it.is_list = 1;
    CHECK(!avskey_rlp_get_uint(out, 32, &it));
}

TEST(eth_rlp_iter)
{
    size_t n;
    uint8_t *p = eth_test_unhex("c88363617483646f67", &n);
    avskey_rlp_item top, x;
    CHECK(avskey_rlp_decode(&top, p, n, 1));
    avskey_rlp_iter it;
    avskey_rlp_iter_init(&it, &top);
    CHECK(avskey_rlp_iter_next(&it, &x) == 1 && x.len == 3 && memcmp(x.p, "cat", 3) == 0);
    CHECK(avskey_rlp_iter_next(&it, &x) == 1 && x.len == 3 && memcmp(x.p, "dog", 3) == 0);
    CHECK(avskey_rlp_iter_next(&it, &x) == 0);
    free(p);
}
