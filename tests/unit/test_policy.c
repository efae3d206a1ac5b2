/* ECDSA policy: default, each rule, per-key overrides, malformed files. */
#include "test.h"

#include "server/policy.h"

static const uint8_t KEY_A[20] = {0x7d, 0xbc, 0x80, 0x9c, 0x1e, 0xc1, 0x53, 0xd4, 0x5f, 0xfb,
                                  0x0c, 0x75, 0xfb, 0x4f, 0xde, 0xd6, 0x8e, 0x34, 0x69, 0x9e};
static const uint8_t KEY_B[20] = {0x5a, 0x0b, 0x54, 0xd5, 0xdc, 0x17, 0xe0, 0xaa, 0xdc, 0x38,
                                  0x3d, 0x2d, 0xb4, 0x3b, 0x0a, 0x0d, 0x3e, 0x02, 0x9c, 0x4c};
static const uint8_t CONTRACT[20] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa,
                                     0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x01, 0x02, 0x03, 0x04};

static avskey_policy *parse(const char *y)
{
    avskey_policy *p = NULL;
    if (avskey_policy_parse(&p, y, strlen(y), "policy.yaml") != AVSKEY_OK) {
        fprintf(stderr, "  parse failed: %s\n", avskey_errmsg());
        return NULL;
    }
    return p;
}

static avskey_policy_tx tx_of(uint64_t chain, const uint8_t *to, int value, size_t data_len, uint32_t sel)
{
    avskey_policy_tx t;
    memset(&t, 0, sizeof t);
    t.chain_id = chain;
    t.has_to = to != NULL;
    if (to) memcpy(t.to, to, 20);
    t.value_nonzero = value;
    t.data_len = data_len;
    t.selector[0] = (uint8_t)(sel >> 24);
    t.selector[1] = (uint8_t)(sel >> 16);
    t.selector[2] = (uint8_t)(sel >> 8);
    t.selector[3] = (uint8_t)sel;
    return t;
}

TEST(policy_default)
{
    avskey_policy *p = NULL;
    char r[AVSKEY_POLICY_REASON];
    CHECK(avskey_policy_load(&p, NULL) == AVSKEY_OK);
    if (!p) return;
    avskey_policy_tx t = tx_of(17000, CONTRACT, 0, 36, 0xa9059cbb);
    CHECK(avskey_policy_check_tx(p, KEY_A, 17000, &t, r) == 1 && r[0] == '\0');
    t = tx_of(17000, NULL, 0, 100, 0);   /* contract creation: allowed by default */
    CHECK(avskey_policy_check_tx(p, KEY_A, 17000, &t, r) == 1);
    t = tx_of(17000, CONTRACT, 1, 0, 0);
    CHECK(avskey_policy_check_tx(p, KEY_A, 17000, &t, r) == 0);
    CHECK_STR(r, "value transfer refused by policy");
    t = tx_of(5, CONTRACT, 0, 0, 0);
    CHECK(avskey_policy_check_tx(p, KEY_A, 17000, &t, r) == 0);
    CHECK_STR(r, "chain id 5 not allowed (signer is for 17000)");
    t = tx_of(0, CONTRACT, 0, 0, 0);
    CHECK(avskey_policy_check_tx(p, KEY_A, 0, &t, r) == 0);
    CHECK_STR(r, "chain id 0 not allowed (no --chain-id given)");
    CHECK(avskey_policy_allows_raw(p, KEY_A, r) == 1);
    CHECK(avskey_policy_allows_chain(p, KEY_A, 17000, 17000, r) == 1);
    CHECK(avskey_policy_allows_chain(p, KEY_A, 17000, 1, r) == 0);
    CHECK_STR(r, "chain id 1 not allowed (signer is for 17000)");
    avskey_policy_free(p);
    /* an empty file is the default policy too */
    p = parse("# nothing\n");
    CHECK(p != NULL);
    if (p) CHECK(avskey_policy_allows_raw(p, KEY_A, r) == 1);
    avskey_policy_free(p);
}

TEST(policy_rules)
{
    avskey_policy *p = parse(
        "chain_ids: [1, 0x4268]\n"
        "allow_value_transfer: false\n"
        "allow_raw_signing: true\n"
        "keys:\n"
        "  \"0x7DbC809c1EC153D45fFB0C75fB4fdED68E34699E\":\n"
        "    allow_to: [\"0x1122334455667788990011223344556677889900\", \"0x112233445566778899AABBCCDDEEFF0001020304\"]\n"
        "    allow_selectors: [\"0xa9059cbb\", \"0x12345678\"]\n"
        "    allow_raw_signing: false\n"
        "  \"0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c\":\n"
        "    allow_value_transfer: true\n"
        "    chain_ids: []\n");
    CHECK(p != NULL);
    if (!p) return;
    char r[AVSKEY_POLICY_REASON];
    /* key A: to + selector allow-lists */
    avskey_policy_tx t = tx_of(17000, CONTRACT, 0, 36, 0xa9059cbb);
    CHECK(avskey_policy_check_tx(p, KEY_A, 17000, &t, r) == 1);
    t = tx_of(1, CONTRACT, 0, 4, 0x12345678);   /* extra chain id 1 */
    CHECK(avskey_policy_check_tx(p, KEY_A, 17000, &t, r) == 1);
    t = tx_of(0x4268, CONTRACT, 0, 4, 0x12345678);   /* 17000 given in hex */
    CHECK(avskey_policy_check_tx(p, KEY_A, 5, &t, r) == 1);
    t = tx_of(17000, KEY_B, 0, 36, 0xa9059cbb);
    CHECK(avskey_policy_check_tx(p, KEY_A, 17000, &t, r) == 0);
    CHECK_STR(r, "contract 0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c not in allow_to for key 0x7dbc809c1ec153d45ffb0c75fb4fded68e34699e");
    t = tx_of(17000, NULL, 0, 100, 0);
    CHECK(avskey_policy_check_tx(p, KEY_A, 17000, &t, r) == 0);
    CHECK_STR(r, "contract creation refused: allow_to is set for key 0x7dbc809c1ec153d45ffb0c75fb4fded68e34699e");
    t = tx_of(17000, CONTRACT, 0, 36, 0xdeadbeef);
    CHECK(avskey_policy_check_tx(p, KEY_A, 17000, &t, r) == 0);
    CHECK_STR(r, "function selector 0xdeadbeef not allowed for key 0x7dbc809c1ec153d45ffb0c75fb4fded68e34699e");
    t = tx_of(17000, CONTRACT, 0, 3, 0xa9059c00);
    CHECK(avskey_policy_check_tx(p, KEY_A, 17000, &t, r) == 0);
    CHECK(strstr(r, "call without a function selector refused") == r);
    t = tx_of(17000, CONTRACT, 1, 36, 0xa9059cbb);   /* value checked before to/selector */
    CHECK(avskey_policy_check_tx(p, KEY_A, 17000, &t, r) == 0);
    CHECK_STR(r, "value transfer refused by policy");
    t = tx_of(2, KEY_B, 1, 0, 0);                     /* chain checked first */
    CHECK(avskey_policy_check_tx(p, KEY_A, 17000, &t, r) == 0);
    CHECK_STR(r, "chain id 2 not allowed (signer is for 17000)");
    CHECK(avskey_policy_allows_raw(p, KEY_A, r) == 0);
    CHECK_STR(r, "raw signing refused by policy for key 0x7dbc809c1ec153d45ffb0c75fb4fded68e34699e");
    CHECK(avskey_policy_allows_chain(p, KEY_A, 17000, 1, r) == 1);
    /* key B: value allowed, chain_ids overridden to none, any to */
    t = tx_of(17000, KEY_A, 1, 0, 0);
    CHECK(avskey_policy_check_tx(p, KEY_B, 17000, &t, r) == 1);
    t = tx_of(1, KEY_A, 0, 0, 0);
    CHECK(avskey_policy_check_tx(p, KEY_B, 17000, &t, r) == 0);
    CHECK(avskey_policy_allows_chain(p, KEY_B, 17000, 1, r) == 0);
    CHECK(avskey_policy_allows_raw(p, KEY_B, r) == 1);
    /* another key: top level only */
    uint8_t other[20] = {1};
    t = tx_of(17000, KEY_A, 1, 0, 0);
    CHECK(avskey_policy_check_tx(p, other, 17000, &t, r) == 0);
    t = tx_of(1, NULL, 0, 10, 0);
    CHECK(avskey_policy_check_tx(p, other, 17000, &t, r) == 1);
    avskey_policy_free(p);
    /* top-level allow lists apply to every key; empty allow_to refuses all */
    p = parse("allow_to: []\nallow_raw_signing: false\nkeys:\n  \"0x7dbc809c1ec153d45ffb0c75fb4fded68e34699e\":\n    allow_raw_signing: true\n");
    CHECK(p != NULL);
    if (!p) return;
    t = tx_of(17000, CONTRACT, 0, 0, 0);
    CHECK(avskey_policy_check_tx(p, KEY_B, 17000, &t, r) == 0);
    CHECK(strstr(r, "not in allow_to") != NULL);
    CHECK(avskey_policy_allows_raw(p, KEY_A, r) == 1);
    CHECK(avskey_policy_allows_raw(p, KEY_B, r) == 0);
    avskey_policy_free(p);
}

static int fails(const char *y, const char *has)
{
    avskey_policy *p = NULL;
    avskey_err e = avskey_policy_parse(&p, y, strlen(y), "policy.yaml");
    if (e == AVSKEY_OK) { avskey_policy_free(p); fprintf(stderr, "  parsed: %s\n", y); return 0; }
    if (e != AVSKEY_ERR_MALFORMED || !strstr(avskey_errmsg(), has)) {
        fprintf(stderr, "  err %d '%s' lacks '%s'\n", e, avskey_errmsg(), has);
        return 0;
    }
    return 1;
}

TEST(policy_malformed)
{
    CHECK(fails("allow_value_transfers: true\n", "policy.yaml: unknown field \"allow_value_transfers\""));
    CHECK(fails("- 1\n", "top level must be a mapping"));
    CHECK(fails("chain_ids: 17000\n", "chain_ids must be a list"));
    CHECK(fails("chain_ids: [-1]\n", "chain_ids entries must be unsigned integers"));
    CHECK(fails("chain_ids: [18446744073709551616]\n", "chain_ids entries must be unsigned"));
    CHECK(fails("allow_value_transfer: yes\n", "allow_value_transfer must be true or false"));
    CHECK(fails("allow_raw_signing: true\nallow_raw_signing: false\n", "allow_raw_signing given twice"));
    CHECK(fails("allow_to: [\"1122334455667788990011223344556677889900\"]\n", "allow_to entry 1 must be 0x and 40 hex"));
    CHECK(fails("allow_to: [\"0x11223344556677889900112233445566778899\"]\n", "allow_to entry 1 must be 0x and 40"));
    CHECK(fails("allow_selectors: [\"0x1234567\"]\n", "allow_selectors entry 1 must be 0x and 8 hex"));
    CHECK(fails("allow_selectors: [\"0x12345678\", \"0xzz345678\"]\n", "allow_selectors entry 2"));
    CHECK(fails("keys: []\n", "keys must be a mapping"));
    CHECK(fails("keys:\n  \"0x1234\": {}\n", "keys: entry 1 is not a 0x + 40 hex address"));
    CHECK(fails("keys:\n  \"0x7dbc809c1ec153d45ffb0c75fb4fded68e34699e\": {}\n  \"0x7DBC809C1EC153D45FFB0C75FB4FDED68E34699E\": {}\n",
                "keys: address 0x7DBC809C1EC153D45FFB0C75FB4FDED68E34699E given twice"));
    CHECK(fails("keys:\n  \"0x7dbc809c1ec153d45ffb0c75fb4fded68e34699e\":\n    keys: {}\n",
                "keys.0x7dbc809c1ec153d45ffb0c75fb4fded68e34699e: unknown field \"keys\""));
    CHECK(fails("keys:\n  \"0x7dbc809c1ec153d45ffb0c75fb4fded68e34699e\":\n    allow_to: [1]\n",
                "keys.0x7dbc809c1ec153d45ffb0c75fb4fded68e34699e: allow_to entry 1"));
    CHECK(fails("keys:\n  \"0x7dbc809c1ec153d45ffb0c75fb4fded68e34699e\": 5\n", "must be a mapping"));
    CHECK(fails("chain_ids: [1\n", "YAML error at line"));
    avskey_policy *p = NULL;
    CHECK(avskey_policy_load(&p, "/nonexistent/policy.yaml") == AVSKEY_ERR_NOTFOUND);
}

TEST(policy_alias_amplification_bounded)
{
    /* one 2000-entry list referenced by 60 keys: 120000 entries > 100000 */
    size_t cap = 2000 * 14 + 60 * 80 + 256;
    char *y = malloc(cap);
    size_t n = (size_t)snprintf(y, cap, "chain_ids: &l [");
    for (int i = 0; i < 2000; i++) n += (size_t)snprintf(y + n, cap - n, "%s%d", i ? "," : "", i);
    n += (size_t)snprintf(y + n, cap - n, "]\nkeys:\n");
    for (int i = 0; i < 60; i++)
        n += (size_t)snprintf(y + n, cap - n, "  \"0x%040x\": {chain_ids: *l}\n", i + 1);
    avskey_policy *p = NULL;
    CHECK(avskey_policy_parse(&p, y, n, "amp.yaml") == AVSKEY_ERR_MALFORMED);
    CHECK(strstr(avskey_errmsg(), "too many list entries in the file") != NULL);
    free(y);
}
