/* ECDSA signing policy of `avskey serve` (interface.md §6; format in
 * docs/policy.md).
 *
 *   chain_ids: [17000]           # chain ids allowed besides --chain-id
 *   allow_value_transfer: false  # transactions with value > 0
 *   allow_raw_signing: true      # REST sign, eth_sign, personal_sign
 *   allow_to: ["0x<contract>"]   # if given: the only allowed `to`s
 *   allow_selectors: ["0x12345678"]  # if given: the only allowed selectors
 *   keys:
 *     "0x<address>":             # per-key overrides of any field above
 *       allow_to: [...]
 *
 * A field given for a key replaces the top-level one for that key. Strict:
 * unknown fields, duplicates and bad hex are AVSKEY_ERR_MALFORMED naming
 * the file and field. A loaded policy is immutable (thread-safe reads). */
#ifndef AVSKEY_SERVER_POLICY_H
#define AVSKEY_SERVER_POLICY_H

#include "avskey/common.h"

#define AVSKEY_POLICY_MAX_KEYS 1000
#define AVSKEY_POLICY_MAX_LIST 10000
#define AVSKEY_POLICY_MAX_TOTAL 100000   /* list entries in all, YAML aliases counted each time */
#define AVSKEY_POLICY_REASON 160

typedef struct avskey_policy avskey_policy;

typedef struct avskey_policy_tx {
    uint64_t chain_id;
    int has_to;              /* 0: contract creation */
    uint8_t to[20];
    int value_nonzero;
    size_t data_len;
    uint8_t selector[4];     /* valid when data_len >= 4 */
} avskey_policy_tx;

/* Loads path, or the built-in default when path is NULL (no value
 * transfer, --chain-id only, raw signing allowed, any to / selector).
 * Out: *out (free with avskey_policy_free). Returns: AVSKEY_OK,
 * AVSKEY_ERR_MALFORMED, AVSKEY_ERR_NOTFOUND, AVSKEY_ERR_IO, _NOMEM. */
AVSKEY_WUR avskey_err avskey_policy_load(avskey_policy **out, const char *path);

/* The same from bytes (fuzzable); name is for messages only. An empty
 * document is the default policy. */
AVSKEY_WUR avskey_err avskey_policy_parse(avskey_policy **out, const char *yaml, size_t len,
                                          const char *name);

void avskey_policy_free(avskey_policy *p);   /* p may be NULL */

/* Checks a transaction for key_address; checks in this order: chain id,
 * value, contract creation / allow_to, selector.
 * Returns: 1 allowed; 0 refused with a one-line reason (NUL-terminated,
 * < AVSKEY_POLICY_REASON bytes) in reason. reason is always written. */
int avskey_policy_check_tx(const avskey_policy *p, const uint8_t key_address[20],
                           uint64_t daemon_chain_id, const avskey_policy_tx *tx,
                           char reason[AVSKEY_POLICY_REASON]);

/* Raw signing (REST sign, eth_sign, personal_sign). Returns 1/0 as above. */
int avskey_policy_allows_raw(const avskey_policy *p, const uint8_t key_address[20],
                             char reason[AVSKEY_POLICY_REASON]);

/* An EIP-712 domain chain id. Returns 1/0 as above. */
int avskey_policy_allows_chain(const avskey_policy *p, const uint8_t key_address[20],
                               uint64_t daemon_chain_id, uint64_t chain_id,
                               char reason[AVSKEY_POLICY_REASON]);

#endif
