/* BN254 (alt_bn128) curve arithmetic and pairing.
 *
 * Curve: E: y^2 = x^3 + 3 over Fp,
 *   p = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47,
 * group order r = 21888242871839275222246405745257275088548364400416034343698204186575808495617.
 * G1 = E(Fp) (prime order r), generator (1, 2).
 * G2 = the order-r subgroup of the D-twist E': y^2 = x^3 + 3/(9+u) over
 *   Fp2 = Fp[u]/(u^2+1), generator as in EIP-197.
 * GT = the order-r subgroup of Fp12^*; e is the optimal ate pairing.
 *
 * The global contract rules of avskey/common.h apply. In addition:
 *  - Points are opaque fixed-size structs owned by the caller; they hold
 *    any projective representative of a point (not necessarily affine).
 *  - Every point that comes from bytes or text is checked: coordinates
 *    < p, on the curve, in the order-r subgroup (G2), infinity only where
 *    the function says so.
 *  - Nothing here allocates memory.
 */
#ifndef AVSKEY_BN254_H
#define AVSKEY_BN254_H

#include "avskey/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct avskey_bn254_g1 { uint64_t opaque[12]; } avskey_bn254_g1;
typedef struct avskey_bn254_g2 { uint64_t opaque[24]; } avskey_bn254_g2;
typedef struct avskey_bn254_gt { uint64_t opaque[48]; } avskey_bn254_gt;
/* A scalar: an integer < r, 4 little-endian 64-bit limbs. */
typedef struct avskey_bn254_fr { uint64_t d[4]; } avskey_bn254_fr;

/* ---- scalars --------------------------------------------------------- */

/* Returns: 1 if the 32 big-endian bytes are an integer < r (written to
 *   out), else 0 (nothing written). Constant time in in[].
 * Out: out. In: in. */
AVSKEY_WUR int avskey_bn254_fr_from_be(avskey_bn254_fr *out, const uint8_t in[32]);

/* Out: out the 32 big-endian bytes of s. In: s. */
void avskey_bn254_fr_to_be(uint8_t out[32], const avskey_bn254_fr *s);

/* Reduces any 32-byte big-endian integer modulo r. Constant time.
 * Out: out. In: in. */
void avskey_bn254_fr_reduce_be(avskey_bn254_fr *out, const uint8_t in[32]);

/* Returns: 1 if s == 0, else 0. Constant time. In: s. */
int avskey_bn254_fr_is_zero(const avskey_bn254_fr *s);

/* ---- G1 -------------------------------------------------------------- */

/* Out: out the generator (1, 2). */
void avskey_bn254_g1_generator(avskey_bn254_g1 *out);
/* Out: out the point at infinity. */
void avskey_bn254_g1_infinity(avskey_bn254_g1 *out);
/* Returns: 1 if p is the point at infinity. In: p. */
int avskey_bn254_g1_is_infinity(const avskey_bn254_g1 *p);

/* Out: out = k*p. Constant time in k and p (GLV, fixed windows).
 * out may alias p. In: p, k (any value < r). */
void avskey_bn254_g1_mul(avskey_bn254_g1 *out, const avskey_bn254_g1 *p,
                         const avskey_bn254_fr *k);
/* As avskey_bn254_g1_mul for public k and p; variable time. */
void avskey_bn254_g1_mul_var(avskey_bn254_g1 *out, const avskey_bn254_g1 *p,
                             const avskey_bn254_fr *k);
/* Out: out = a + b (out may alias). Constant time. In: a, b. */
void avskey_bn254_g1_add(avskey_bn254_g1 *out, const avskey_bn254_g1 *a,
                         const avskey_bn254_g1 *b);
/* Out: out = -p (out may alias). In: p. */
void avskey_bn254_g1_neg(avskey_bn254_g1 *out, const avskey_bn254_g1 *p);
/* Returns: 1 if a and b are the same point. Variable time. In: a, b. */
int avskey_bn254_g1_eq_var(const avskey_bn254_g1 *a, const avskey_bn254_g1 *b);

/* Serializes as X||Y, two 32-byte big-endian coordinates (eigensdk
 * Serialize, EIP-197 encoding); infinity is 64 zero bytes.
 * Out: out. In: p. Constant time. */
void avskey_bn254_g1_to_xy(uint8_t out[64], const avskey_bn254_g1 *p);
/* Parses X||Y. Returns: 1 on success; 0 if a coordinate is >= p, the
 *   point is off the curve, or it is infinity (all zero) and allow_inf is
 *   0. Nothing is written on failure.
 * Out: out. In: in, allow_inf (0 or 1). */
AVSKEY_WUR int avskey_bn254_g1_from_xy_var(avskey_bn254_g1 *out, const uint8_t in[64],
                                           int allow_inf);
/* gnark-crypto compressed form: X big-endian with the top two bits of
 * byte 0 as flags: 0b10 smallest y, 0b11 largest y (y > (p-1)/2),
 * 0b01 infinity (rest zero). Out: out. In: p. */
void avskey_bn254_g1_compress(uint8_t out[32], const avskey_bn254_g1 *p);
/* Returns: 1 on success; 0 on bad flags (0b00 is gnark's uncompressed
 *   marker and not accepted here), X >= p, no point with that X, or
 *   infinity with allow_inf == 0 (or with non-zero payload). Nothing is
 *   written on failure. Out: out. In: in, allow_inf. */
AVSKEY_WUR int avskey_bn254_g1_decompress_var(avskey_bn254_g1 *out, const uint8_t in[32],
                                              int allow_inf);

/* ---- G2 -------------------------------------------------------------- */

/* Out: out the EIP-197 generator of G2. */
void avskey_bn254_g2_generator(avskey_bn254_g2 *out);
/* Out: out the point at infinity. */
void avskey_bn254_g2_infinity(avskey_bn254_g2 *out);
/* Returns: 1 if p is the point at infinity. In: p. */
int avskey_bn254_g2_is_infinity(const avskey_bn254_g2 *p);
/* Out: out = k*p. Constant time in k and p (4-dimensional GLS with the
 * endomorphism psi, signed fixed windows). In: p (in G2), k. */
void avskey_bn254_g2_mul(avskey_bn254_g2 *out, const avskey_bn254_g2 *p,
                         const avskey_bn254_fr *k);
/* As avskey_bn254_g2_mul for public k and p; variable time. */
void avskey_bn254_g2_mul_var(avskey_bn254_g2 *out, const avskey_bn254_g2 *p,
                             const avskey_bn254_fr *k);
/* Out: out = a + b (out may alias). Constant time. In: a, b. */
void avskey_bn254_g2_add(avskey_bn254_g2 *out, const avskey_bn254_g2 *a,
                         const avskey_bn254_g2 *b);
/* Out: out = -p (out may alias). In: p. */
void avskey_bn254_g2_neg(avskey_bn254_g2 *out, const avskey_bn254_g2 *p);
/* Returns: 1 if a and b are the same point. Variable time. In: a, b. */
int avskey_bn254_g2_eq_var(const avskey_bn254_g2 *a, const avskey_bn254_g2 *b);

/* Raw 128 bytes X.A1||X.A0||Y.A1||Y.A0 (gnark RawBytes, EIP-197 order);
 * infinity is all zeros. Constant time. Out: out. In: p. */
void avskey_bn254_g2_to_raw(uint8_t out[128], const avskey_bn254_g2 *p);
/* Returns: 1 on success; 0 if a coordinate >= p, off the twist, not in the
 *   order-r subgroup, or infinity with allow_inf == 0. Nothing written on
 *   failure. Out: out. In: in, allow_inf. */
AVSKEY_WUR int avskey_bn254_g2_from_raw_var(avskey_bn254_g2 *out, const uint8_t in[128],
                                            int allow_inf);
/* Affine coordinates as four 32-byte big-endian integers; infinity gives
 * zeros. (eigensdk serializeG2 is xa0||xa1||ya0||ya1.)
 * Out: xa0, xa1, ya0, ya1. In: p. */
void avskey_bn254_g2_to_coords(uint8_t xa0[32], uint8_t xa1[32], uint8_t ya0[32],
                               uint8_t ya1[32], const avskey_bn254_g2 *p);
/* eigensdk serializeG2 order: X.A0||X.A1||Y.A0||Y.A1 (128 bytes, each
 * big-endian); infinity is all zeros. Constant time. Out: out. In: p. */
void avskey_bn254_g2_to_eigensdk(uint8_t out[128], const avskey_bn254_g2 *p);
/* Parses the eigensdk order with the checks of avskey_bn254_g2_from_raw_var.
 * Returns: 1 on success, 0 otherwise (nothing written).
 * Out: out. In: in, allow_inf. */
AVSKEY_WUR int avskey_bn254_g2_from_eigensdk_var(avskey_bn254_g2 *out, const uint8_t in[128],
                                                 int allow_inf);

/* gnark compressed G2: X.A1||X.A0 (64 bytes), flags in the top two bits of
 * byte 0 as for G1, "largest" per gnark E2 (by A1, or A0 when A1 == 0).
 * Out: out. In: p. */
void avskey_bn254_g2_compress(uint8_t out[64], const avskey_bn254_g2 *p);
/* Returns: 1 on success; 0 on bad flags, a coordinate >= p, no twist point
 *   with that X, a point outside G2, or infinity with allow_inf == 0 (or
 *   with a non-zero payload). Nothing written on failure.
 * Out: out. In: in, allow_inf. */
AVSKEY_WUR int avskey_bn254_g2_decompress_var(avskey_bn254_g2 *out, const uint8_t in[64],
                                              int allow_inf);
/* Returns: 1 if p is on the twist and in the order-r subgroup (infinity
 *   included), else 0. Variable time. In: p. */
int avskey_bn254_g2_in_subgroup_var(const avskey_bn254_g2 *p);

/* ---- pairing ---------------------------------------------------------- */

/* Out: out = e(p, q), the reduced optimal ate pairing. Variable time
 * (public inputs). In: p, q. */
void avskey_bn254_pairing_var(avskey_bn254_gt *out, const avskey_bn254_g1 *p,
                              const avskey_bn254_g2 *q);
/* Returns: 1 if prod e(p[i], q[i]) == 1 (one shared final exponentiation),
 *   else 0. n may be 0 (returns 1). Pairs with an infinity are skipped.
 * In: p[n], q[n] (already validated points). */
AVSKEY_WUR int avskey_bn254_pairing_check_var(const avskey_bn254_g1 *p,
                                              const avskey_bn254_g2 *q, size_t n);
/* Precomputed Miller-loop lines of a fixed G2 point (88 lines of three Fp2
 * coefficients; about 17 KiB). */
typedef struct avskey_bn254_g2_prepared { uint64_t opaque[88 * 24 + 1]; } avskey_bn254_g2_prepared;

/* Out: out the line coefficients of q (public, already validated; infinity
 * allowed). Variable time. In: q. */
void avskey_bn254_g2_prepare(avskey_bn254_g2_prepared *out, const avskey_bn254_g2 *q);

/* Returns: the prepared lines of the G2 generator, computed once on first
 *   use (thread-safe); owned by the library. */
const avskey_bn254_g2_prepared *avskey_bn254_g2_generator_prepared(void);

/* Returns: 1 if prod e(p[i], q[i]) * prod e(pp[j], qp[j]) == 1 with one
 *   shared Miller loop and one final exponentiation, else 0. Pairs with an
 *   infinity are skipped. In: p[n], q[n], pp[np], qp[np]. */
AVSKEY_WUR int avskey_bn254_pairing_check_prepared_var(const avskey_bn254_g1 *p,
                                                       const avskey_bn254_g2 *q, size_t n,
                                                       const avskey_bn254_g1 *pp,
                                                       const avskey_bn254_g2_prepared *qp,
                                                       size_t np);

/* Returns: 1 if a == b. In: a, b. */
int avskey_bn254_gt_eq_var(const avskey_bn254_gt *a, const avskey_bn254_gt *b);
/* Returns: 1 if a is the identity. In: a. */
int avskey_bn254_gt_is_one_var(const avskey_bn254_gt *a);
/* Out: out = a*b (out may alias). In: a, b. */
void avskey_bn254_gt_mul(avskey_bn254_gt *out, const avskey_bn254_gt *a,
                         const avskey_bn254_gt *b);

/* ---- hashing ------------------------------------------------------------ */

/* eigensdk MapToCurve / BN254.hashToG1 (try-and-increment): x = digest as a
 * big-endian integer mod p; while x^3+3 is not a square, x = x+1 mod p;
 * y = (x^3+3)^((p+1)/4), not normalised. Variable time (public digest).
 * Out: out. In: digest. */
void avskey_bn254_hash_to_g1_var(avskey_bn254_g1 *out, const uint8_t digest[32]);

#ifdef __cplusplus
}
#endif
#endif
