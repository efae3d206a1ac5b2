/* An AVS node's signing duties through the avskey signer API, whatever holds
 * the keys (local keystores, a Web3Signer, a Cerberus):
 *   1. BLS: sign a 32-byte task digest (what an operator attests to);
 *   2. ECDSA: sign an updateSocket(string) transaction (EIP-1559) to the
 *      registry contract, ready for eth_sendRawTransaction;
 *   3. ECDSA: sign EIP-712 typed data (operator, socket) for the same chain.
 * Usage: avs_node CONFIG. CONFIG holds "key = value" lines:
 *   bls_signer, ecdsa_signer   signer URIs (keystore:/path, web3signer+https://..., cerberus+grpcs://...)
 *   bls_key, ecdsa_key         key identifiers for remote signers (optional when the remote has one key)
 *   password_file              passphrase of keystore signers
 *   token_file, tls_ca, tls_cert, tls_key, timeout_ms   remote signer options
 *   chain_id, registry, nonce, socket, task             the transaction and the task
 * Build: cc avs_node.c $(pkg-config --cflags --libs avskey) */
#include <avskey/keccak.h>
#include <avskey/signer.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENTRIES 32

typedef struct config {
    char key[MAX_ENTRIES][32];
    char value[MAX_ENTRIES][512];
    int n;
} config;

static const char *get(const config *c, const char *key)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->key[i], key) == 0) return c->value[i];
    return NULL;
}

static int load_config(config *c, const char *path)
{
    FILE *f = fopen(path, "r");
    char line[600];
    if (!f) return 0;
    c->n = 0;
    while (fgets(line, sizeof line, f) && c->n < MAX_ENTRIES) {
        char k[32], v[512];
        if (line[0] == '#' || sscanf(line, " %31[a-z_0-9] = %511s", k, v) != 2) continue;
        snprintf(c->key[c->n], sizeof c->key[0], "%s", k);
        snprintf(c->value[c->n], sizeof c->value[0], "%s", v);
        c->n++;
    }
    fclose(f);
    return 1;
}

static void print_hex(const char *label, const uint8_t *b, size_t n)
{
    printf("%-18s 0x", label);
    for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
    printf("\n");
}

static avskey_err open_signer(avskey_signer **s, const config *c, const char *uri_key, const char *id_key)
{
    avskey_signer_options o;
    avskey_signer_options_init(&o);
    o.key_id = get(c, id_key);
    o.token_file = get(c, "token_file");
    o.tls_ca = get(c, "tls_ca");
    o.tls_cert = get(c, "tls_cert");
    o.tls_key = get(c, "tls_key");
    if (get(c, "timeout_ms")) o.timeout_ms = (unsigned)strtoul(get(c, "timeout_ms"), NULL, 10);
    if (get(c, "password_file")) {
        o.passphrase.kind = AVSKEY_PW_FILE;
        o.passphrase.arg = get(c, "password_file");
    }
    const char *uri = get(c, uri_key);
    if (!uri) {
        fprintf(stderr, "avs_node: %s missing in the config\n", uri_key);
        return AVSKEY_ERR_USAGE;
    }
    /* keystore signers take no remote options */
    if (avskey_signer_kind_of_uri(uri) == AVSKEY_SIGNER_KEYSTORE)
        o.key_id = o.token_file = o.tls_ca = o.tls_cert = o.tls_key = NULL;
    return avskey_signer_open(s, uri, &o);
}

/* calldata of updateSocket(string socket): selector || offset || length || bytes (padded). */
static uint8_t *update_socket_calldata(size_t *len, const char *socket)
{
    static const char sig[] = "updateSocket(string)";
    size_t n = strlen(socket), padded = (n + 31) / 32 * 32;
    uint8_t h[32], *d = calloc(1, 4 + 64 + padded);
    if (!d) return NULL;
    avskey_keccak256(h, (const uint8_t *)sig, sizeof sig - 1);
    memcpy(d, h, 4);
    d[4 + 31] = 0x20;  /* offset of the string: 32 */
    for (int i = 0; i < 8; i++) d[4 + 63 - i] = (uint8_t)((uint64_t)n >> (8 * i));
    memcpy(d + 4 + 64, socket, n);
    *len = 4 + 64 + padded;
    return d;
}

static int fail(const char *what)
{
    fprintf(stderr, "avs_node: %s: %s\n", what, avskey_errmsg());
    return 1;
}

int main(int argc, char **argv)
{
    config c;
    if (argc != 2 || !load_config(&c, argv[1])) {
        fprintf(stderr, "usage: avs_node CONFIG\n");
        return 2;
    }
    avskey_signer *bls = NULL, *ecdsa = NULL;
    avskey_signer_info info;
    int rc = 1;
    if (open_signer(&bls, &c, "bls_signer", "bls_key")) return fail("BLS signer");
    if (open_signer(&ecdsa, &c, "ecdsa_signer", "ecdsa_key")) {
        avskey_signer_close(bls);
        return fail("ECDSA signer");
    }

    /* 1. the task digest, signed with BLS */
    const char *task = get(&c, "task") ? get(&c, "task") : "task-1";
    uint8_t digest[32], sig[64];
    avskey_keccak256(digest, (const uint8_t *)task, strlen(task));
    avskey_signer_public_keys(bls, &info);
    print_hex("operator_id", info.operator_id, 32);
    print_hex("task_digest", digest, 32);
    if (avskey_signer_sign_message(bls, sig, digest)) {
        rc = fail("BLS task signature");
        goto out;
    }
    print_hex("task_signature", sig, 64);

    /* 2. updateSocket(string), EIP-1559, signed with ECDSA */
    avskey_eth_tx tx;
    avskey_eth_tx_init(&tx);
    tx.type = AVSKEY_ETH_TX_EIP1559;
    tx.chain_id = strtoull(get(&c, "chain_id") ? get(&c, "chain_id") : "17000", NULL, 10);
    tx.nonce = strtoull(get(&c, "nonce") ? get(&c, "nonce") : "0", NULL, 10);
    tx.gas = 200000;
    tx.max_fee_per_gas[31] = 0x77;              /* tiny fees: an example */
    tx.max_priority_fee_per_gas[31] = 0x01;
    tx.has_to = 1;
    if (!avskey_hex_decode_var(tx.to, 20, get(&c, "registry") ? get(&c, "registry")
                                                              : "0x0000000000000000000000000000000000001234")) {
        fprintf(stderr, "avs_node: registry must be a 0x address\n");
        goto out;
    }
    tx.data = update_socket_calldata(&tx.data_len, get(&c, "socket") ? get(&c, "socket") : "127.0.0.1:32005");
    uint8_t *raw = NULL;
    size_t rawlen = 0;
    avskey_signer_public_keys(ecdsa, &info);
    print_hex("operator_address", info.address, 20);
    if (!tx.data || avskey_signer_sign_transaction(ecdsa, &raw, &rawlen, &tx)) {
        rc = fail("updateSocket transaction");
    } else {
        print_hex("update_socket_tx", raw, rawlen);
        rc = 0;
    }
    free(raw);

    /* 3. EIP-712 typed data (an operator's off-chain registration message) */
    if (rc == 0) {
        char td[1024];
        uint8_t sig65[65];
        snprintf(td, sizeof td,
                 "{\"types\":{\"EIP712Domain\":[{\"name\":\"name\",\"type\":\"string\"},"
                 "{\"name\":\"chainId\",\"type\":\"uint256\"}],\"Socket\":[{\"name\":\"operator\","
                 "\"type\":\"address\"},{\"name\":\"socket\",\"type\":\"string\"}]},\"primaryType\":\"Socket\","
                 "\"domain\":{\"name\":\"avs_node example\",\"chainId\":%llu},\"message\":{\"operator\":"
                 "\"0x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x\","
                 "\"socket\":\"%s\"}}",
                 (unsigned long long)tx.chain_id, info.address[0], info.address[1], info.address[2],
                 info.address[3], info.address[4], info.address[5], info.address[6], info.address[7],
                 info.address[8], info.address[9], info.address[10], info.address[11], info.address[12],
                 info.address[13], info.address[14], info.address[15], info.address[16], info.address[17],
                 info.address[18], info.address[19], get(&c, "socket") ? get(&c, "socket") : "127.0.0.1:32005");
        if (avskey_signer_sign_typed_data(ecdsa, sig65, td)) rc = fail("typed data");
        else print_hex("socket_typed_sig", sig65, 65);
    }
    avskey_eth_tx_free(&tx);
out:
    avskey_signer_close(bls);
    avskey_signer_close(ecdsa);
    return rc;
}
