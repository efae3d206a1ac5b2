/* One signer API for AVS node software: a local key file or a remote signer
 * (Web3Signer eth1 over HTTP(S), Cerberus over gRPC(S)) behind the same calls.
 *
 * Rules (besides those of common.h):
 *  - Every result that comes from a remote signer is checked locally before
 *    it is returned: ECDSA signatures recover to the key's public key,
 *    transactions decode to exactly the fields asked for and recover to the
 *    key's address, BLS signatures pass the pairing check under the key's G2
 *    (whose match with the G1 key is itself checked by a pairing at open).
 *    A result that fails its check is AVSKEY_ERR_WRONG_KEY and nothing is
 *    written to the outputs.
 *  - Thread safety: one avskey_signer may be used by several threads at
 *    once (operations on one handle are serialized by its mutex; a remote
 *    call holds it for the whole round trip). avskey_signer_close must not
 *    race with other calls on the same handle.
 *  - Timeouts: opts->timeout_ms bounds each call as a whole (open included),
 *    retries and backoff included. Retries are made only where a repeat
 *    cannot change anything: key look-ups, and signing requests that were
 *    never delivered (connection refused).
 *  - Errors: AVSKEY_ERR_UNREACHABLE (no connection, remote unavailable),
 *    AVSKEY_ERR_TIMEOUT (budget spent), AVSKEY_ERR_UNAUTHENTICATED (token
 *    refused, or the server's TLS certificate not trusted), AVSKEY_ERR_REFUSED
 *    (policy, HTTP 403, gRPC PERMISSION_DENIED, an unsupported request),
 *    AVSKEY_ERR_WRONG_KEY (unknown key, key mismatch, a result that fails its
 *    local check), AVSKEY_ERR_IO (a reply that is truncated or does not
 *    parse, an unexpected status), AVSKEY_ERR_MALFORMED (a bad argument),
 *    AVSKEY_ERR_USAGE (an operation the key type or the backend does not
 *    offer, a bad URI or option). avskey_errmsg() names the remote and cause.
 */
#ifndef AVSKEY_SIGNER_H
#define AVSKEY_SIGNER_H

#include "avskey/common.h"
#include "avskey/eth.h"
#include "avskey/keystore.h"
#include "avskey/passphrase.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct avskey_signer avskey_signer;

typedef enum avskey_signer_kind {
    AVSKEY_SIGNER_KEYSTORE = 1,    /* keystore:/path/NAME.{ecdsa,bls}.key.json */
    AVSKEY_SIGNER_WEB3SIGNER = 2,  /* web3signer+http://HOST:PORT, web3signer+https:// (ECDSA) */
    AVSKEY_SIGNER_CERBERUS = 3     /* cerberus+grpc://HOST:PORT, cerberus+grpcs:// (BLS) */
} avskey_signer_kind;

/* Reads a passphrase into buf (capacity cap). Out: *len. Returns 0 on
 * success, non-zero to fail the open (AVSKEY_ERR_PASSWORD). */
typedef int (*avskey_passphrase_cb)(void *ctx, char *buf, size_t cap, size_t *len);

#define AVSKEY_SIGNER_TIMEOUT_DEFAULT 5000u  /* milliseconds */

/* Options of avskey_signer_open. Fill with avskey_signer_options_init, then
 * set what applies; every pointer may be NULL, strings are copied at open. */
typedef struct avskey_signer_options {
    /* keystore: the passphrase comes from passphrase_cb if set, else from
     * passphrase (AVSKEY_PW_AUTO: terminal prompt or stdin). */
    avskey_pw_source passphrase;
    avskey_passphrase_cb passphrase_cb;
    void *passphrase_ctx;
    /* remote: the key. web3signer: 0x address or 0x + 128-hex public key;
     * cerberus: compressed G1 hex ("0x" optional). NULL: the remote's only key. */
    const char *key_id;
    /* remote: API token (HTTP "Authorization: Bearer", gRPC "authorization"),
     * or a file whose first line is the token. token wins if both are set. */
    const char *token;
    const char *token_file;
    /* remote TLS (https, grpcs): CA bundle (NULL: system roots), client
     * certificate chain and key (PEM files). */
    const char *tls_ca;
    const char *tls_cert;
    const char *tls_key;
    unsigned timeout_ms;  /* whole-call budget; 0: AVSKEY_SIGNER_TIMEOUT_DEFAULT */
    unsigned retries;     /* extra attempts of retryable calls (default 2) */
} avskey_signer_options;

/* The key's public data. ECDSA fills address and pubkey; BLS the rest. */
typedef struct avskey_signer_info {
    avskey_signer_kind kind;
    avskey_key_type type;
    uint8_t address[20];          /* ECDSA: keccak256(pubkey)[12:] */
    uint8_t pubkey[64];           /* ECDSA: X||Y */
    uint8_t g1[64];               /* BLS: X||Y */
    uint8_t g1_compressed[32];    /* BLS: gnark compressed (Cerberus' identifier) */
    uint8_t g2[128];              /* BLS: X.A1||X.A0||Y.A1||Y.A0 */
    uint8_t g2_compressed[64];    /* BLS: gnark compressed */
    uint8_t operator_id[32];      /* BLS: keccak256(X||Y) */
    char name[256];               /* keystore: file name without .{type}.key.json; remote: key id */
    char path[4096];              /* keystore: the file; remote: the URI */
} avskey_signer_info;

/* Out: *opts with every field zero/NULL, timeout_ms 5000, retries 2. */
void avskey_signer_options_init(avskey_signer_options *opts);

/* Opens a signer. keystore: loads the file and decrypts the key (kept in
 * guarded memory, wiped at close). web3signer: fetches GET
 * /api/v1/eth1/publicKeys and finds the key. cerberus: GetKeyMetadata (or
 * ListKeys when no key_id) and checks e(G1key, G2) == e(G1, G2key).
 * Args: uri as above; opts may be NULL (defaults).
 * Out: *out, free with avskey_signer_close. On error *out is NULL.
 * Returns: AVSKEY_OK or an error listed at the top. */
AVSKEY_WUR avskey_err avskey_signer_open(avskey_signer **out, const char *uri,
                                         const avskey_signer_options *opts) AVSKEY_NONNULL(1, 2);

/* Wipes and frees; closes connections. s may be NULL. */
void avskey_signer_close(avskey_signer *s);

/* Sets the time budget of each later call (timeout_ms > 0), e.g. what is
 * left of a deadline that also covered the open. */
void avskey_signer_set_timeout(avskey_signer *s, unsigned timeout_ms) AVSKEY_NONNULL(1);

/* Out: *info, the key's public data (no remote call). */
void avskey_signer_public_keys(avskey_signer *s, avskey_signer_info *info) AVSKEY_NONNULL(1, 2);

/* ---- ECDSA (keystore, web3signer) ----------------------------------------- */

/* Signs a 32-byte digest as it is (web3signer: REST with "applyHash": false).
 * Out: sig65 r||s||v, v = 27/28 (a remote v of 0/1 is accepted), low s. */
AVSKEY_WUR avskey_err avskey_signer_sign_digest(avskey_signer *s, uint8_t sig65[65],
                                                const uint8_t digest[32]) AVSKEY_NONNULL(1, 2, 3);

/* Signs keccak256(data) (web3signer: REST {"data"}). data may be NULL if len is 0. */
AVSKEY_WUR avskey_err avskey_signer_sign_data(avskey_signer *s, uint8_t sig65[65], const uint8_t *data,
                                              size_t len) AVSKEY_NONNULL(1, 2);

/* Signs a transaction (legacy EIP-155, EIP-2930, EIP-1559 by tx->type) for
 * tx->chain_id (web3signer: eth_signTransaction, whose daemon must sign for
 * the same chain id). Out: *raw (malloc'd; caller frees), *rawlen: the signed
 * transaction, decoded and checked field by field before it is returned. */
AVSKEY_WUR avskey_err avskey_signer_sign_transaction(avskey_signer *s, uint8_t **raw, size_t *rawlen,
                                                     const avskey_eth_tx *tx) AVSKEY_NONNULL(1, 2, 3, 4);

/* Signs EIP-712 v4 typed data given as JSON text (web3signer:
 * eth_signTypedData). Out: sig65 as avskey_signer_sign_digest. */
AVSKEY_WUR avskey_err avskey_signer_sign_typed_data(avskey_signer *s, uint8_t sig65[65],
                                                    const char *json_text) AVSKEY_NONNULL(1, 2, 3);

/* ---- BLS (keystore, cerberus) --------------------------------------------- */

/* Signs a 32-byte message eigensdk-style (hash to G1, multiply; Cerberus
 * SignGeneric). Out: sig64 X||Y. */
AVSKEY_WUR avskey_err avskey_signer_sign_message(avskey_signer *s, uint8_t sig64[64],
                                                 const uint8_t msg32[32]) AVSKEY_NONNULL(1, 2, 3);

/* sk*P for a G1 point P (64 bytes X||Y, on the curve, not infinity;
 * Cerberus SignG1). Out: out64 X||Y, checked with e(out, G2) == e(P, pk2). */
AVSKEY_WUR avskey_err avskey_signer_sign_g1_point(avskey_signer *s, uint8_t out64[64],
                                                  const uint8_t point64[64]) AVSKEY_NONNULL(1, 2, 3);

/* Returns: the URI scheme's kind, or 0 if uri has none of the prefixes. */
avskey_signer_kind avskey_signer_kind_of_uri(const char *uri) AVSKEY_NONNULL(1);

#ifdef __cplusplus
}
#endif
#endif
