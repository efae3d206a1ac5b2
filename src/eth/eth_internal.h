/* Internal helpers shared by the src/eth modules. */
#ifndef AVSKEY_ETH_INTERNAL_H
#define AVSKEY_ETH_INTERNAL_H

#include "avskey/eth.h"

/* Results of eth_parse_uint. */
enum { ETH_NUM_OK = 0, ETH_NUM_SYNTAX = 1, ETH_NUM_RANGE = 2 };

/* Parses an unsigned integer written as "0x" + 1..n hex digits (leading
 * zeros allowed, either case) or, if allow_decimal, as 1..n decimal digits,
 * into out (32 bytes big-endian). Returns: ETH_NUM_OK, ETH_NUM_SYNTAX or
 * ETH_NUM_RANGE (>= 2^256). */
int eth_parse_uint256(uint8_t out[32], const char *s, int allow_decimal);

/* Returns: 1 if the 32-byte big-endian value fits in 64 bits (then *v). */
int eth_u256_to_u64(uint64_t *v, const uint8_t be[32]);
void eth_u64_to_u256(uint8_t be[32], uint64_t v);

/* Parses "0x" + 40 hex digits. If checksum, mixed-case input must be a
 * valid EIP-55 checksum. Returns: 1 on success. */
int eth_parse_address(uint8_t out[20], const char *s, int checksum);

/* Parses "0x" + an even number of hex digits (also "" and "0x": empty)
 * into a malloc'd buffer (*out NULL when empty) of at most max bytes.
 * Returns: ETH_NUM_OK, ETH_NUM_SYNTAX, ETH_NUM_RANGE (too long), or -1 on
 * allocation failure. */
int eth_parse_hex_bytes(uint8_t **out, size_t *outlen, const char *s, size_t max);

#endif
