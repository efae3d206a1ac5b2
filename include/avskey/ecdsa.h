/* secp256k1 ECDSA as Ethereum uses it, on libsecp256k1.
 * Secret keys are 32 bytes big-endian; public keys are 64 bytes X||Y
 * (uncompressed without the 04 prefix, Web3Signer's identifier);
 * signatures are 65 bytes r||s||v with v = 27 or 28, low-s, RFC 6979. */
#ifndef AVSKEY_ECDSA_H
#define AVSKEY_ECDSA_H

#include "avskey/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Returns: 1 if sk is a valid secret key (0 < sk < n), else 0. */
AVSKEY_WUR int avskey_ecdsa_seckey_verify(const uint8_t sk[32]);

/* Out: pub (64 bytes X||Y). Returns: 1 on success, 0 if sk is invalid
 * (pub untouched). */
AVSKEY_WUR int avskey_ecdsa_pubkey(uint8_t pub[64], const uint8_t sk[32]);

/* Out: addr, the 20-byte Ethereum address keccak256(pub)[12:]. */
void avskey_ecdsa_address_var(uint8_t addr[20], const uint8_t pub[64]);

/* Out: out "0x" + 40 hex digits in EIP-55 checksum case + NUL (43 bytes). */
void avskey_eip55_var(char out[43], const uint8_t addr[20]);

/* Signs a 32-byte digest. Out: sig65 r||s||v (v = 27/28).
 * Returns: 1 on success, 0 if sk is invalid (sig65 untouched). */
AVSKEY_WUR int avskey_ecdsa_sign(uint8_t sig65[65], const uint8_t digest[32], const uint8_t sk[32]);

/* Recovers the public key of a 65-byte signature (v = 27/28 or 0/1).
 * Out: pub (64 bytes). Returns: 1 on success, 0 if the signature is invalid. */
AVSKEY_WUR int avskey_ecdsa_recover_var(uint8_t pub[64], const uint8_t sig65[65],
                                        const uint8_t digest[32]);

#ifdef __cplusplus
}
#endif
#endif
