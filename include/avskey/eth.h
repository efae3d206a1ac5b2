/* Ethereum encodings for the eth1 signing API: RLP, transactions (legacy
 * EIP-155, EIP-2930, EIP-1559) built from Web3Signer-style JSON-RPC
 * parameters, EIP-191 personal messages and EIP-712 v4 typed data.
 * Everything here works on public data (variable time); nothing here sees a
 * secret key: callers sign the 32-byte hashes with avskey_ecdsa_sign. */
#ifndef AVSKEY_ETH_H
#define AVSKEY_ETH_H

#include "avskey/common.h"

#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- RLP ---------------------------------------------------------------- */

/* A growable output buffer. Errors (allocation failure, size over
 * AVSKEY_RLP_MAX) are sticky: every append after one is a no-op and
 * avskey_rlp_ok() returns 0. */
#define AVSKEY_RLP_MAX ((size_t)64 << 20)
typedef struct avskey_rlp_buf {
    uint8_t *p;
    size_t len, cap;
    int failed;
} avskey_rlp_buf;

void avskey_rlp_init(avskey_rlp_buf *b);
/* Frees the storage and re-initializes b. */
void avskey_rlp_free(avskey_rlp_buf *b);
/* Returns: 1 if no append has failed since init, else 0. */
AVSKEY_WUR int avskey_rlp_ok(const avskey_rlp_buf *b);
/* Appends len raw bytes (no RLP header). */
void avskey_rlp_raw(avskey_rlp_buf *b, const uint8_t *p, size_t len);
/* Appends a byte string (p may be NULL if len == 0). */
void avskey_rlp_bytes(avskey_rlp_buf *b, const uint8_t *p, size_t len);
/* Appends an unsigned integer given big-endian in len bytes, minimally
 * (leading zeros stripped; zero is the empty string 0x80). */
void avskey_rlp_uint_be(avskey_rlp_buf *b, const uint8_t *be, size_t len);
void avskey_rlp_u64(avskey_rlp_buf *b, uint64_t v);
/* Lists: mark = avskey_rlp_list_begin(b); append the items;
 * avskey_rlp_list_end(b, mark) puts the list header in front of them. */
size_t avskey_rlp_list_begin(const avskey_rlp_buf *b);
void avskey_rlp_list_end(avskey_rlp_buf *b, size_t mark);

/* A decoded item: its payload (the bytes of a string, or the encoded items
 * of a list). p points into the input buffer. */
typedef struct avskey_rlp_item {
    const uint8_t *p;
    size_t len;
    int is_list;
} avskey_rlp_item;

#define AVSKEY_RLP_MAX_DEPTH 32

/* Decodes the item at the start of in[0..len). Strict: shortest forms only
 * (a single byte < 0x80 is never wrapped, lengths < 56 use the short form,
 * long lengths have no leading zero byte). Never reads past in+len.
 * Out: item, *used the bytes the item takes. Returns: 1 on success, 0 on
 * malformed input. */
AVSKEY_WUR int avskey_rlp_next(avskey_rlp_item *item, size_t *used, const uint8_t *in, size_t len);

/* Decodes a whole buffer that must hold exactly one item (no trailing
 * bytes), checking every nested item recursively, at most max_depth levels
 * of lists (<= AVSKEY_RLP_MAX_DEPTH). Returns: 1 if valid, else 0. */
AVSKEY_WUR int avskey_rlp_decode(avskey_rlp_item *item, const uint8_t *in, size_t len,
                                 unsigned max_depth);

/* Iterates over the items of a list payload: init with the list item, then
 * next() until it returns 0 (end). Returns: 1 an item, 0 end, -1 malformed. */
typedef struct avskey_rlp_iter {
    const uint8_t *p;
    size_t left;
} avskey_rlp_iter;
void avskey_rlp_iter_init(avskey_rlp_iter *it, const avskey_rlp_item *list);
AVSKEY_WUR int avskey_rlp_iter_next(avskey_rlp_iter *it, avskey_rlp_item *item);

/* Reads a canonical unsigned integer item (a string, no leading zero byte,
 * at most outlen bytes) into out, big-endian, left-padded with zeros.
 * Returns: 1 on success, 0 otherwise (out untouched). */
AVSKEY_WUR int avskey_rlp_get_uint(uint8_t *out, size_t outlen, const avskey_rlp_item *item);
AVSKEY_WUR int avskey_rlp_get_u64(uint64_t *out, const avskey_rlp_item *item);

/* ---- transactions -------------------------------------------------------- */

enum {
    AVSKEY_ETH_TX_LEGACY = 0,  /* always EIP-155 */
    AVSKEY_ETH_TX_EIP2930 = 1,
    AVSKEY_ETH_TX_EIP1559 = 2
};

#define AVSKEY_ETH_MAX_DATA ((size_t)1 << 20)      /* bytes of data/input */
#define AVSKEY_ETH_MAX_ACCESS_LIST 1024            /* entries */
#define AVSKEY_ETH_MAX_STORAGE_KEYS 16384          /* storage keys in all entries */
/* Largest chain id whose EIP-155 v (chainId*2 + 36) fits in 64 bits. */
#define AVSKEY_ETH_MAX_CHAIN_ID ((UINT64_MAX - 36) / 2)

typedef struct avskey_eth_access {
    uint8_t address[20];
    size_t n_keys;
    uint8_t (*keys)[32]; /* owned by the avskey_eth_tx */
} avskey_eth_access;

/* A transaction. Integers wider than 64 bits are 32-byte big-endian.
 * Fields that a type does not use are zero. Initialize with
 * avskey_eth_tx_init, release with avskey_eth_tx_free. */
typedef struct avskey_eth_tx {
    int type;                            /* AVSKEY_ETH_TX_* */
    uint64_t chain_id;                   /* the chain id signed for */
    uint64_t nonce;
    uint8_t gas_price[32];               /* legacy, EIP-2930 */
    uint8_t max_priority_fee_per_gas[32];/* EIP-1559 */
    uint8_t max_fee_per_gas[32];         /* EIP-1559 */
    uint64_t gas;
    int has_to;                          /* 0: contract creation */
    uint8_t to[20];
    uint8_t value[32];
    uint8_t *data;                       /* owned; NULL when data_len == 0 */
    size_t data_len;                     /* <= AVSKEY_ETH_MAX_DATA */
    avskey_eth_access *access_list;      /* owned; EIP-2930 / EIP-1559 */
    size_t access_list_len;
    /* Filled by avskey_eth_tx_from_json only: */
    uint8_t from[20];
    int has_request_chain_id;            /* the request had a chainId */
    uint64_t request_chain_id;           /* its value */
} avskey_eth_tx;

void avskey_eth_tx_init(avskey_eth_tx *tx);
/* Frees data and the access list, then re-initializes tx. */
void avskey_eth_tx_free(avskey_eth_tx *tx);

/* Builds tx from the parameter object of eth_signTransaction (Web3Signer's
 * EthSendTransactionJsonParameters), for chain_id (the daemon's
 * --chain-id, 1..AVSKEY_ETH_MAX_CHAIN_ID).
 * Fields: from (required address), nonce (required), to (absent, null, ""
 * or "0x": contract creation), gas (default 90000), gasPrice (default 0),
 * value (default 0), data / input (aliases; if both are non-empty they must
 * be equal; default empty), maxFeePerGas + maxPriorityFeePerGas (both or
 * neither), chainId (optional: reported in request_chain_id, the caller
 * compares it), type ("0x0".."0x2", optional, must agree with the fields),
 * accessList ([{address, storageKeys: [32-byte hex...]}]). Unknown fields are
 * ignored; a null field counts as absent.
 * Type: EIP-1559 when maxFeePerGas and maxPriorityFeePerGas are given,
 * EIP-2930 when type is 0x1 or an accessList is given without them, legacy
 * EIP-155 otherwise. gasPrice is ignored for EIP-1559 (as Web3Signer does).
 * Quantities: "0x" + 1 or more hex digits (leading zeros allowed), a
 * decimal string, or a non-negative JSON integer; at most 2^256-1 (nonce,
 * gas, chainId, type: at most 2^64-1). Addresses: "0x" + 40 hex digits
 * or the 40 digits alone, any case, checksum not checked; data/input: hex
 * with or without "0x" (all as Web3Signer accepts them).
 * Returns: AVSKEY_OK; AVSKEY_ERR_MALFORMED naming the field; AVSKEY_ERR_NOMEM.
 * On failure tx is left initialized (empty); free it either way. */
AVSKEY_WUR avskey_err avskey_eth_tx_from_json(avskey_eth_tx *tx, const json_t *params,
                                              uint64_t chain_id);

/* Out: out32 the hash to sign: keccak256 of the EIP-155 RLP (legacy) or of
 * type || RLP(unsigned fields) (typed). Returns: AVSKEY_OK,
 * AVSKEY_ERR_MALFORMED (bad type, chain id 0 or too large),
 * AVSKEY_ERR_NOMEM. */
AVSKEY_WUR avskey_err avskey_eth_tx_signing_hash(uint8_t out32[32], const avskey_eth_tx *tx);

/* The unsigned payload whose keccak256 is the signing hash (malloc'd; the
 * caller frees *out). */
AVSKEY_WUR avskey_err avskey_eth_tx_encode_unsigned(uint8_t **out, size_t *outlen,
                                                    const avskey_eth_tx *tx);

/* The raw signed transaction (what eth_signTransaction returns as 0x-hex):
 * legacy RLP with v = chainId*2 + 35 + recid; typed: type || RLP with
 * yParity. sig65 is r||s||v with v in {27, 28} (avskey_ecdsa_sign) or {0, 1}.
 * Out: *out (malloc'd, caller frees), *outlen. Returns: AVSKEY_OK,
 * AVSKEY_ERR_MALFORMED (bad v, type or chain id), AVSKEY_ERR_NOMEM. */
AVSKEY_WUR avskey_err avskey_eth_tx_encode_signed(uint8_t **out, size_t *outlen,
                                                  const avskey_eth_tx *tx,
                                                  const uint8_t sig65[65]);

/* Decodes a raw signed transaction (legacy with EIP-155 v, EIP-2930,
 * EIP-1559), strictly (canonical RLP, no trailing bytes, r and s in
 * 1..2^256-1, bounds as above). Out: tx (init'ed here; free it), sig65
 * r||s||v with v = 27 + recid. Returns: AVSKEY_OK, AVSKEY_ERR_MALFORMED
 * naming the field, AVSKEY_ERR_NOMEM. */
AVSKEY_WUR avskey_err avskey_eth_tx_decode_signed(avskey_eth_tx *tx, uint8_t sig65[65],
                                                  const uint8_t *raw, size_t len);

/* Recovers the sender of a signed transaction. Returns: 1 on success,
 * 0 if the signature does not recover. */
AVSKEY_WUR int avskey_eth_tx_sender_var(uint8_t addr[20], const avskey_eth_tx *tx,
                                        const uint8_t sig65[65]);

/* ---- EIP-191 ------------------------------------------------------------- */

/* Out: out32 = keccak256("\x19Ethereum Signed Message:\n" + decimal len + msg)
 * (eth_sign / personal_sign). msg may be NULL if len == 0. */
void avskey_eth_personal_hash(uint8_t out32[32], const uint8_t *msg, size_t len);

/* ---- EIP-712 v4 ---------------------------------------------------------- */

#define AVSKEY_EIP712_MAX_TYPES 128      /* struct types */
#define AVSKEY_EIP712_MAX_FIELDS 128     /* fields in one struct */
#define AVSKEY_EIP712_MAX_DEPTH 16       /* nested structs and array dimensions */
#define AVSKEY_EIP712_MAX_ARRAY 4096     /* elements in one array */
#define AVSKEY_EIP712_MAX_VALUES 100000  /* values encoded in one request */

/* Hashes typed data {types, primaryType, domain, message} per EIP-712 as
 * eth_signTypedData_v4 does: keccak256(0x19 0x01 || domainSeparator ||
 * hashStruct(message)). types.EIP712Domain, when present, gives the domain
 * type; when absent it is derived from the domain's fields in the order
 * name, version, chainId, verifyingContract, salt (as ethers does).
 * Strict: unknown or malformed types, recursive types, duplicate fields,
 * missing values, out-of-range integers, wrong lengths and wrong JSON kinds
 * are AVSKEY_ERR_MALFORMED naming the path (e.g. "message.to.wallet");
 * extra message fields not in the type are ignored.
 * Values: uintN/intN as JSON integers or decimal/"0x" hex strings ("-"
 * allowed for intN); bytes/bytesN as 0x-hex; address as 0x + 40 hex
 * (mixed case must be a valid EIP-55 checksum); bool as true/false.
 * Out: out32; *has_chain_id 1 and *domain_chain_id the domain's chainId if
 * the domain has one (it must fit in 64 bits), else 0 and 0.
 * Returns: AVSKEY_OK, AVSKEY_ERR_MALFORMED, AVSKEY_ERR_NOMEM. */
AVSKEY_WUR avskey_err avskey_eth_typed_data_hash(uint8_t out32[32], uint64_t *domain_chain_id,
                                                 int *has_chain_id, const json_t *typed_data);

#ifdef __cplusplus
}
#endif
#endif
