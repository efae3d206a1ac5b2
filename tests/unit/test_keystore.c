/* Key files: every fixture decrypts to its documented key; byte-exact
 * re-serialization; strict parsing of hostile input. */
#include "test.h"

#include "avskey/ecdsa.h"
#include "avskey/keccak.h"
#include "avskey/keystore.h"

#include <sys/stat.h>
#include <unistd.h>

static avskey_pw pw_of(const char *s)
{
    avskey_pw p = {(char *)s, strlen(s)};
    return p;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = malloc(AVSKEY_KEYFILE_MAX + 1);
    *len = fread(buf, 1, AVSKEY_KEYFILE_MAX, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

typedef struct fixture {
    const char *path;      /* relative to shared/fixtures */
    const char *password;
    const char *sk_hex;    /* expected secret key */
    const char *addr_hex;  /* expected address (ECDSA), or NULL */
    avskey_keyfile_format format;
} fixture;

static const fixture fixtures[] = {
    {"eigen/eigenlayer-cli/web3signer/operator_keys/opr.ecdsa.key.json", "HhzcmbpkHCQpvBlXrvLB",
     "42281fddc4e57b9d993ccbac0e6cfe257f63e4b39cb5c686acb593d85648f0f1",
     "7dbc809c1ec153d45ffb0c75fb4fded68e34699e", AVSKEY_FMT_V3},
    {"eigen/eigensdk-go/batch/ecdsa_keys/keys/1.ecdsa.key.json", "EnJuncq01CiVk9UbuBYl",
     "d1d51de8ce6bbaac0572e481268232898bfe46491766214c5738929dd557c552", NULL, AVSKEY_FMT_V3},
    {"eigen/eigensdk-go/batch/ecdsa_keys/keys/2.ecdsa.key.json", "isru1gvtykIavuk1Fg1Q",
     "6374444d520f8ae51eee2683f4790644ee5f2d95ca4382fa78021e0460cb1663", NULL, AVSKEY_FMT_V3},
    {"eigen/eigensdk-go/batch/ecdsa_keys/keys/3.ecdsa.key.json", "3bxTdXda0Kwvo8KC9GGT",
     "a2788f1c26c799b7e1ac32ababc0b598fc7e9c6fc3d319c461ae67ffb1ee57dd", NULL, AVSKEY_FMT_V3},
    {"eigen/eigensdk-go/signer/dummy.key.json", "test12345",
     "b5457d50cab83f5e663744ae235ed53a7fa814897d3291bb630a4d06fa31b4a6",
     "d4ee935d77b590aa64aed7b02dd66f1383006684", AVSKEY_FMT_V3},
    {"eigen/eigensdk-go/signerv2/dummy.key.json", "testpassword",
     "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d",
     "008aeeda4d805471df9b2a5b0f38a0c3bcba786b", AVSKEY_FMT_V3},
    {"web3signer/keyfile.json", "password", NULL, "7577919ae5df4941180eac211965f275cdce314d", AVSKEY_FMT_V3},
    {"eigen/go-ethereum/very-light-scrypt.json", "", NULL, "45dea0fb0bba44f4fcf290bba71fd57d7117cbb8",
     AVSKEY_FMT_V3},
    {"eigen/go-ethereum/keystore/aaa", "foobar", NULL, "f466859ead1932d743d622cb74fc058882e8648a", AVSKEY_FMT_V3},
    {"eigen/go-ethereum/keystore/zzz", "foobar", NULL, "289d485d9771714cce91d3393d764e1311907acc", AVSKEY_FMT_V3},
    {"eigen/go-ethereum/keystore/UTC--2016-03-22T12-57-55.920751759Z--7ef5a6135f1fd6a02593eedc869c6d41d934aef8",
     "foobar", NULL, "7ef5a6135f1fd6a02593eedc869c6d41d934aef8", AVSKEY_FMT_V3},
    {"eigen/eigensdk-go/signer-bls-local/test.bls.json", "",
     "1e542bf770bbe0f9f31504d554fdce53699fbc8d7073580c2c0f041b60bc7275", NULL, AVSKEY_FMT_EIGEN_BLS},
    {"eigen/eigensdk-go/batch/bls_keys/keys/1.bls.key.json", "fDUMDLmBROwlzzPXyIcy",
     "04e5d6510e568b42636319483061a2492f70ab8fba20e9c29de1b57e44e7fc0f", NULL, AVSKEY_FMT_EIGEN_BLS},
    {"eigen/eigensdk-go/batch/bls_keys/keys/2.bls.key.json", "2EVEUyHCrHZdfdo8lp29",
     "0b89463ec885a039dbc105f77dae8dde1e7956d72467edf7997a2906544468b5", NULL, AVSKEY_FMT_EIGEN_BLS},
    {"eigen/eigensdk-go/batch/bls_keys/keys/3.bls.key.json", "k1ZxvbBylq0lscHnrrJy",
     "2538444de249c42e44af74f384c9d702570198b4a3ca0d26364df69ad85d8a07", NULL, AVSKEY_FMT_EIGEN_BLS},
    {"eigen/cerberus/keystore/a3111a2232584734d526d62cbb7c9a0d4ce1984a92b7ecb85bde8878fea5d1b0.json",
     "p@$$w0rd", "040ad69253b921aca71dd714cccc3095576fbe1a21f86c9b10cb5b119b1c6899", NULL, AVSKEY_FMT_EIP2335},
};

static void check_fixture(const fixture *fx, uint8_t sk_out[32])
{
    avskey_keyfile kf;
    avskey_pw pw = pw_of(fx->password);
    uint8_t sk[32], pub[64], addr[20];
    avskey_err e = avskey_keyfile_load(&kf, avskey_test_fixture(fx->path), 0);
    if (e) fprintf(stderr, "%s\n", avskey_errmsg());
    CHECK(e == AVSKEY_OK);
    CHECK(kf.format == fx->format);
    e = avskey_keyfile_decrypt(sk, &kf, &pw, fx->path);
    if (e) fprintf(stderr, "%s: %s\n", fx->path, avskey_errmsg());
    CHECK(e == AVSKEY_OK);
    if (fx->sk_hex) CHECK_HEX(sk, 32, fx->sk_hex);
    if (fx->addr_hex) {
        CHECK(avskey_ecdsa_pubkey(pub, sk));
        avskey_ecdsa_address_var(addr, pub);
        CHECK_HEX(addr, 20, fx->addr_hex);
        if (kf.has_address) CHECK(memcmp(addr, kf.address, 20) == 0);
    }
    if (sk_out) memcpy(sk_out, sk, 32);
}

TEST(keystore_fixtures_decrypt)
{
    for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) check_fixture(&fixtures[i], NULL);
}

TEST(keystore_wrong_passphrase)
{
    avskey_keyfile kf;
    avskey_pw pw = pw_of("foobaz");
    uint8_t sk[32];
    memset(sk, 0x77, sizeof sk);
    CHECK(avskey_keyfile_load(&kf, avskey_test_fixture("eigen/go-ethereum/keystore/aaa"), 0) == AVSKEY_OK);
    CHECK(avskey_keyfile_decrypt(sk, &kf, &pw, "aaa") == AVSKEY_ERR_PASSWORD);
    CHECK(strstr(avskey_errmsg(), "wrong passphrase") != NULL);
    CHECK(strstr(avskey_errmsg(), "foobaz") == NULL);
    CHECK(sk[0] == 0x77 && sk[31] == 0x77); /* nothing written on failure */
}

TEST(keystore_geth_v3_vectors)
{
    /* go-ethereum's v3_test_vector.json: scrypt (r=1, p=8) and pbkdf2 decrypt;
     * the 31- and 30-byte keys are rejected (keystore.DecryptKey wants 32). */
    size_t len;
    char *text = slurp(avskey_test_fixture("eigen/go-ethereum/v3_test_vector.json"), &len);
    CHECK(text != NULL);
    if (!text) return;
    static const struct { const char *name; int ok; } cases[] = {
        {"wikipage_test_vector_scrypt", 1}, {"wikipage_test_vector_pbkdf2", 1},
        {"31_byte_key", 0}, {"30_byte_key", 0}};
    for (size_t i = 0; i < 4; i++) {
        /* Cut the vector's "json" object out of the file with a small scan. */
        const char *at = strstr(text, cases[i].name);
        CHECK(at != NULL);
        if (!at) continue;
        const char *start = strchr(strstr(at, "\"json\""), '{');
        int depth = 0;
        const char *end = start;
        do {
            if (*end == '{') depth++;
            if (*end == '}') depth--;
            end++;
        } while (depth > 0);
        avskey_keyfile kf;
        avskey_err e = avskey_keyfile_parse(&kf, start, (size_t)(end - start), cases[i].name);
        if (!cases[i].ok) {
            CHECK(e == AVSKEY_ERR_MALFORMED);
            CHECK(strstr(avskey_errmsg(), "ciphertext") != NULL);
            continue;
        }
        CHECK(e == AVSKEY_OK);
        avskey_pw pw = pw_of("testpassword");
        uint8_t sk[32];
        CHECK(avskey_keyfile_decrypt(sk, &kf, &pw, cases[i].name) == AVSKEY_OK);
        CHECK_HEX(sk, 32, "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d");
    }
    free(text);
}

TEST(keystore_web3signer_eth_sign_vector)
{
    /* Web3Signer's integration test: eth_sign(address, "some random data to be signed"). */
    uint8_t sk[32], d[32], sig[65];
    check_fixture(&fixtures[6], sk);
    const char *msg = "some random data to be signed";
    char pre[64];
    int n = snprintf(pre, sizeof pre, "\x19" "Ethereum Signed Message:\n%zu", strlen(msg));
    avskey_keccak256_ctx c;
    avskey_keccak256_init(&c);
    avskey_keccak256_update(&c, (const uint8_t *)pre, (size_t)n);
    avskey_keccak256_update(&c, (const uint8_t *)msg, strlen(msg));
    avskey_keccak256_final(&c, d);
    CHECK(avskey_ecdsa_sign(sig, d, sk));
    CHECK_HEX(sig, 65, "22cf811d54835be906e45d728dfc8a7a32bb65ce146a4ccb6b689b8d8182a30f19fdb947229991b9dfd63b67fe4ebb59a3d3f8d9ed95b27e0c3d34e1800afbd81b");
}

static void check_reserialize(const char *rel)
{
    size_t len, olen;
    char *text = slurp(avskey_test_fixture(rel), &len), *out = NULL;
    avskey_keyfile kf;
    CHECK(text && avskey_keyfile_parse(&kf, text, len, rel) == AVSKEY_OK);
    CHECK(avskey_keyfile_serialize(&out, &olen, &kf) == AVSKEY_OK);
    CHECK(out && olen == len && memcmp(out, text, len) == 0);
    if (out && (olen != len || memcmp(out, text, len) != 0)) fprintf(stderr, "got  %s\nwant %s\n", out, text);
    free(out);
    free(text);
}

TEST(keystore_serialize_byte_exact)
{
    /* Files written by eigenlayer-cli (go-ethereum) and eigensdk re-serialize
     * to the same bytes: same shape, field order and number formatting. */
    check_reserialize("eigen/eigenlayer-cli/web3signer/operator_keys/opr.ecdsa.key.json");
    check_reserialize("eigen/eigensdk-go/batch/ecdsa_keys/keys/2.ecdsa.key.json");
    check_reserialize("eigen/go-ethereum/keystore/aaa");
    check_reserialize("eigen/eigensdk-go/signer-bls-local/test.bls.json");
    check_reserialize("eigen/eigensdk-go/batch/bls_keys/keys/3.bls.key.json");
}

TEST(keystore_encrypt_roundtrip)
{
    uint8_t sk[32], sk2[32], pub[64];
    for (int i = 0; i < 32; i++) sk[i] = (uint8_t)(i + 1);
    avskey_keyfile kf, kf2;
    memset(&kf, 0, sizeof kf);
    kf.format = AVSKEY_FMT_V3;
    kf.type = AVSKEY_KEY_ECDSA;
    kf.n = 1024;
    kf.r = 8;
    kf.p = 1;
    CHECK(avskey_ecdsa_pubkey(pub, sk));
    avskey_ecdsa_address_var(kf.address, pub);
    avskey_pw pw = pw_of("correct horse battery staple");
    CHECK(avskey_keyfile_encrypt(&kf, sk, &pw) == AVSKEY_OK);
    CHECK(strlen(kf.id) == 36 && kf.id[14] == '4');
    char *json = NULL;
    size_t len = 0;
    CHECK(avskey_keyfile_serialize(&json, &len, &kf) == AVSKEY_OK);
    CHECK(json && strncmp(json, "{\"address\":\"", 12) == 0);
    CHECK(json && json[len - 1] == '}' && strstr(json, "\"version\":3}") != NULL);
    CHECK(avskey_keyfile_parse(&kf2, json, len, "mem") == AVSKEY_OK);
    CHECK(avskey_keyfile_decrypt(sk2, &kf2, &pw, "mem") == AVSKEY_OK);
    CHECK(memcmp(sk, sk2, 32) == 0);
    /* A second encryption uses a fresh salt and iv. */
    avskey_keyfile kf3 = kf;
    CHECK(avskey_keyfile_encrypt(&kf3, sk, &pw) == AVSKEY_OK);
    CHECK(memcmp(kf3.salt, kf.salt, 32) != 0 && memcmp(kf3.iv, kf.iv, 16) != 0);
    free(json);
}

/* A template with one field replaced gives a clear error naming it. */
static const char *TEMPLATE =
    "{\"address\":\"f466859ead1932d743d622cb74fc058882e8648a\",\"crypto\":{\"cipher\":\"aes-128-ctr\","
    "\"ciphertext\":\"cb664472deacb41a2e995fa7f96fe29ce744471deb8d146a0e43c7898c9ddd4d\",\"cipherparams\":"
    "{\"iv\":\"dfd9ee70812add5f4b8f89d0811c9158\"},\"kdf\":\"scrypt\",\"kdfparams\":{\"dklen\":32,\"n\":8,"
    "\"p\":16,\"r\":8,\"salt\":\"0d6769bf016d45c479213990d6a08d938469c4adad8a02ce507b4a4e7b7739f1\"},"
    "\"mac\":\"bac9af994b15a45dd39669fc66f9aa8a3b9dd8c22cb16e4d8d7ea089d0f1a1a9\"},"
    "\"id\":\"472e8b3d-afb6-45b5-8111-72c89895099a\",\"version\":3}";

static void expect_bad(const char *from, const char *to, const char *field)
{
    char buf[2048];
    const char *at = strstr(TEMPLATE, from);
    CHECK(at != NULL);
    if (!at) return;
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - TEMPLATE), TEMPLATE, to, at + strlen(from));
    avskey_keyfile kf;
    avskey_err e = avskey_keyfile_parse(&kf, buf, strlen(buf), "bad.json");
    CHECK(e == AVSKEY_ERR_MALFORMED);
    if (!strstr(avskey_errmsg(), field) || !strstr(avskey_errmsg(), "bad.json"))
        fprintf(stderr, "message \"%s\" does not name %s\n", avskey_errmsg(), field), avskey_test_failures++;
}

TEST(keystore_parse_rejects)
{
    avskey_keyfile kf;
    CHECK(avskey_keyfile_parse(&kf, TEMPLATE, strlen(TEMPLATE), "ok") == AVSKEY_OK);
    CHECK(kf.n == 8 && kf.p == 16 && kf.r == 8 && kf.has_address);
    expect_bad("\"n\":8", "\"n\":8388608", "\"n\"");           /* 2^23 > 2^22 */
    expect_bad("\"n\":8", "\"n\":12", "\"n\"");                /* not a power of two */
    expect_bad("\"n\":8", "\"n\":\"8\"", "\"n\"");             /* wrong type */
    expect_bad("\"n\":8", "\"n\":1e400", "JSON");              /* huge number */
    expect_bad("\"n\":8", "\"n\":-8", "\"n\"");
    expect_bad("\"n\":8", "\"n\":18446744073709551616", "JSON");
    expect_bad("\"p\":16", "\"p\":1073741824", "times p");
    expect_bad("\"r\":8", "\"r\":0", "\"r\"");
    expect_bad("\"n\":8", "\"n\":4194304", "times n");     /* n=2^22, r=8, p=16: too much work */
    expect_bad("\"dklen\":32", "\"dklen\":16", "\"dklen\"");
    expect_bad("\"version\":3", "\"version\":4", "\"version\"");
    expect_bad(",\"version\":3", "", "\"version\"");
    expect_bad("\"id\":\"472e8b3d-afb6", "\"id\":\"472e8b3d+afb6", "\"id\"");
    expect_bad("\"iv\":\"dfd9ee70812add5f4b8f89d0811c9158\"", "\"iv\":\"dfd9\"", "\"iv\"");
    expect_bad("\"mac\":\"bac9", "\"mac\":\"zac9", "\"mac\"");
    expect_bad("\"cipher\":\"aes-128-ctr\"", "\"cipher\":\"aes-256-gcm\"", "\"cipher\"");
    expect_bad("\"kdf\":\"scrypt\"", "\"kdf\":\"argon2\"", "\"kdf\"");
    expect_bad("\"address\":\"f466", "\"address\":\"zz66", "\"address\"");
    expect_bad("\"ciphertext\":\"cb66", "\"ciphertext\":\"cb", "\"ciphertext\"");
    expect_bad("\"salt\":\"0d67", "\"salt\":\"0d6", "\"salt\"");
    expect_bad("{\"address\"", "{\"address\":1,\"address\"", "JSON"); /* duplicate key */
    /* Truncated and garbage input. */
    for (size_t cut = 0; cut < strlen(TEMPLATE); cut += 7)
        CHECK(avskey_keyfile_parse(&kf, TEMPLATE, cut, "t") == AVSKEY_ERR_MALFORMED);
    CHECK(avskey_keyfile_parse(&kf, "[1,2]", 5, "t") == AVSKEY_ERR_MALFORMED);
    CHECK(avskey_keyfile_parse(&kf, "\x00\x01\x02", 3, "t") == AVSKEY_ERR_MALFORMED);
}

TEST(keystore_bls_pubkey_text_strict)
{
    /* Found by fuzz_keyfile: a pubKey with backslashes or quotes must be
     * refused, since the file is written back as it was read (passwd). */
    static const char *bad_keys[] = {"E([1,2\\\\3])", "E([1,2\\\"])", "E([1,2]) ", "E([,2])", "E([1,])",
                                     "E([1;2])", "E([1,2]", "e([1,2])", "E([-1,2])"};
    char buf[1024];
    avskey_keyfile kf;
    for (size_t i = 0; i < sizeof bad_keys / sizeof bad_keys[0]; i++) {
        snprintf(buf, sizeof buf, "{\"pubKey\":\"%s\",\"crypto\":{}}", bad_keys[i]);
        CHECK(avskey_keyfile_parse(&kf, buf, strlen(buf), "bls.json") == AVSKEY_ERR_MALFORMED);
        CHECK(strstr(avskey_errmsg(), "pubKey") != NULL);
    }
}

TEST(keystore_case_insensitive_fields)
{
    /* ethers writes "Crypto"; go-ethereum matches field names case-insensitively. */
    char buf[2048];
    snprintf(buf, sizeof buf, "%s", TEMPLATE);
    char *c = strstr(buf, "\"crypto\"");
    c[1] = 'C';
    avskey_keyfile kf;
    CHECK(avskey_keyfile_parse(&kf, buf, strlen(buf), "ethers") == AVSKEY_OK);
}

TEST(keydir_atomic_write)
{
    char path[512], dir[400];
    snprintf(dir, sizeof dir, "%s/keys/sub", avskey_test_tmpdir());
    CHECK(avskey_keydir_ensure(dir) == AVSKEY_OK);
    struct stat st;
    CHECK(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700);
    CHECK(avskey_key_path(path, sizeof path, dir, "op1", AVSKEY_KEY_ECDSA) == AVSKEY_OK);
    CHECK(avskey_file_write_atomic(path, "one", 3, 0) == AVSKEY_OK);
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600 && st.st_size == 3);
    CHECK(avskey_file_write_atomic(path, "two!", 4, 0) == AVSKEY_ERR_EXISTS);
    CHECK(stat(path, &st) == 0 && st.st_size == 3);
    CHECK(avskey_file_write_atomic(path, "two!", 4, 1) == AVSKEY_OK);
    CHECK(stat(path, &st) == 0 && st.st_size == 4);
    /* No temporary file is left behind. */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 1", dir);
    CHECK(system(cmd) == 0);
    CHECK(avskey_key_path(path, sizeof path, dir, ".hidden", AVSKEY_KEY_BLS) == AVSKEY_ERR_USAGE);
    CHECK(avskey_key_path(path, sizeof path, dir, "a/b", AVSKEY_KEY_BLS) == AVSKEY_ERR_USAGE);
    CHECK(!avskey_key_name_valid(""));
    CHECK(avskey_key_name_valid("Op-1_x.y"));
    char name65[66];
    memset(name65, 'a', 65);
    name65[65] = 0;
    CHECK(!avskey_key_name_valid(name65));
    CHECK(avskey_key_type_of_path("/x/a.bls.key.json") == AVSKEY_KEY_BLS);
    CHECK(avskey_key_type_of_path("/x/a.ecdsa.key.json") == AVSKEY_KEY_ECDSA);
    CHECK(avskey_key_type_of_path("/x/a.json") == AVSKEY_KEY_UNKNOWN);
}

TEST(keydir_load_refuses)
{
    char path[512];
    avskey_keyfile kf;
    snprintf(path, sizeof path, "%s/loose.ecdsa.key.json", avskey_test_tmpdir());
    FILE *f = fopen(path, "w");
    fputs(TEMPLATE, f);
    fclose(f);
    chmod(path, 0644);
    CHECK(avskey_keyfile_load(&kf, path, 1) == AVSKEY_ERR_PERM);
    CHECK(strstr(avskey_errmsg(), "chmod 600") != NULL);
    chmod(path, 0600);
    CHECK(avskey_keyfile_load(&kf, path, 1) == AVSKEY_OK);
    CHECK(avskey_keyfile_load(&kf, avskey_test_tmpdir(), 0) == AVSKEY_ERR_MALFORMED);
    snprintf(path, sizeof path, "%s/missing.json", avskey_test_tmpdir());
    CHECK(avskey_keyfile_load(&kf, path, 0) == AVSKEY_ERR_NOTFOUND);
}
