/* The eigensdk BLS signature scheme on BN254 (EigenLayer AVS operators).
 *
 *  - secret key sk: a scalar 0 < sk < r;
 *  - public keys pk1 = sk*G1 (G1), pk2 = sk*G2 (G2);
 *  - H(m): eigensdk MapToCurve / BN254.hashToG1 of the 32-byte message
 *    itself (no extra hashing; callers zero-pad shorter messages);
 *  - signature sig = sk*H(m) in G1;
 *  - verification e(H(m), pk2) * e(-sig, G2) == 1;
 *  - operator ID = keccak256(be32(pk1.X) || be32(pk1.Y)).
 *
 * The global contract rules of avskey/common.h apply. Secret keys live in
 * avskey_bls_sk, which the caller owns and should wipe (AVSKEY_WIPE). No
 * function here allocates memory. */
#ifndef AVSKEY_BLS_H
#define AVSKEY_BLS_H

#include "avskey/bn254.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A BLS secret key: a scalar 0 < s < r. */
typedef struct avskey_bls_sk { avskey_bn254_fr s; } avskey_bls_sk;

/* Buffer size for the E([x,y]) text form, NUL included. */
#define AVSKEY_BLS_E_MAX 168

/* Returns: 1 if the 32 big-endian bytes are a valid key (0 < x < r),
 *   else 0 (nothing written). Constant time in in[].
 * Out: sk. In: in. */
AVSKEY_WUR int avskey_bls_sk_from_bytes(avskey_bls_sk *sk, const uint8_t in[32]);

/* Out: out the 32 big-endian bytes of sk. In: sk. */
void avskey_bls_sk_to_bytes(uint8_t out[32], const avskey_bls_sk *sk);

/* Parses a secret as eigenlayer-cli `keys import` does (gnark fr.SetString):
 * decimal digits, or 0x/0X followed by hex digits, any length, reduced
 * modulo r. Constant time in the digits' values (not in the length).
 * Returns: AVSKEY_OK; AVSKEY_ERR_MALFORMED if the text is empty or has
 *   another character; AVSKEY_ERR_CRYPTO if the value is 0 mod r. Nothing
 *   written on failure; the message never contains the text.
 * Out: sk. In: text (NUL-terminated). */
AVSKEY_WUR avskey_err avskey_bls_sk_from_text(avskey_bls_sk *sk, const char *text);

/* Out: pk1 = sk*G1, pk2 = sk*G2. Constant time. In: sk. */
void avskey_bls_pubkeys(avskey_bn254_g1 *pk1, avskey_bn254_g2 *pk2, const avskey_bls_sk *sk);

/* Out: sig = sk*H(msg) as 64-byte X||Y. Constant time in sk.
 * In: msg (32 bytes), sk. */
void avskey_bls_sign(uint8_t sig[64], const uint8_t msg[32], const avskey_bls_sk *sk);

/* As avskey_bls_sign, leaving the signature as a point.
 * Out: sig. In: msg, sk. */
void avskey_bls_sign_point(avskey_bn254_g1 *sig, const uint8_t msg[32], const avskey_bls_sk *sk);

/* Returns: 1 if sig is a valid signature of msg under pk2, else 0. The
 *   point at infinity is refused for sig and pk2.
 * In: msg, sig, pk2 (already parsed, so checked, points). */
AVSKEY_WUR int avskey_bls_verify_var(const uint8_t msg[32], const avskey_bn254_g1 *sig,
                                     const avskey_bn254_g2 *pk2);

/* As avskey_bls_verify_var with serialized inputs: sig as 64-byte X||Y,
 * pk2 as 128-byte raw G2 (X.A1||X.A0||Y.A1||Y.A0). Returns 0 on any
 * invalid encoding. */
AVSKEY_WUR int avskey_bls_verify_bytes_var(const uint8_t msg[32], const uint8_t sig[64],
                                           const uint8_t pk2[128]);

/* sk*P for a G1 point P given as 64-byte X||Y (eigensdk SignG1 / the
 * building block of ECDH-like protocols). Returns: 1 on success; 0 if the
 * point is not canonical, not on the curve or is infinity (nothing
 * written). Constant time in sk. Out: out (64 bytes X||Y). In: point, sk. */
AVSKEY_WUR int avskey_bls_mul_g1(uint8_t out[64], const uint8_t point[64], const avskey_bls_sk *sk);

/* Out: out = keccak256(be32(X) || be32(Y)) of pk1 (affine). In: pk1. */
void avskey_bls_operator_id(uint8_t out[32], const avskey_bn254_g1 *pk1);

/* Out: out = sum of in[0..n-1] (signatures or G1 keys); n == 0 gives
 * infinity. In: in[n]. */
void avskey_bls_aggregate_g1(avskey_bn254_g1 *out, const avskey_bn254_g1 *in, size_t n);
/* Out: out = sum of in[0..n-1] (G2 public keys). In: in[n]. */
void avskey_bls_aggregate_g2(avskey_bn254_g2 *out, const avskey_bn254_g2 *in, size_t n);

/* Formats a G1 point as gnark/eigensdk text "E([x,y])" with decimal affine
 * coordinates (infinity gives "E([0,0])"). Out: out (AVSKEY_BLS_E_MAX
 * bytes, NUL-terminated). In: p. */
void avskey_bls_g1_format_E(char out[AVSKEY_BLS_E_MAX], const avskey_bn254_g1 *p);

/* Parses "E([x,y])" (decimal, no spaces, no leading '+', coordinates < p).
 * Returns: AVSKEY_OK; AVSKEY_ERR_MALFORMED on bad syntax, non-canonical
 *   coordinates, a point off the curve or infinity. Nothing written on
 *   failure. Out: out. In: text. */
AVSKEY_WUR avskey_err avskey_bls_g1_parse_E_var(avskey_bn254_g1 *out, const char *text);

#ifdef __cplusplus
}
#endif
#endif
