/* BN254 internals shared by src/crypto/bn254/bn254.c and the unit tests.
 * Not a public header: nothing here is part of the avskey API. */
#ifndef AVSKEY_BN254_INTERNAL_H
#define AVSKEY_BN254_INTERNAL_H

#include <stdint.h>

/* Fp element in Montgomery form, 4 little-endian 64-bit limbs, < p. */
typedef struct { uint64_t v[4]; } bn_fp;
/* Fp2 = Fp[u]/(u^2+1): a + b*u. */
typedef struct { bn_fp a, b; } bn_fp2;
/* Fp6 = Fp2[v]/(v^3 - (9+u)). */
typedef struct { bn_fp2 c0, c1, c2; } bn_fp6;
/* Fp12 = Fp6[w]/(w^2 - v). */
typedef struct { bn_fp6 c0, c1; } bn_fp12;

/* 1 when the MULX/ADX multiplier is in use. Tests may set it to 0 to force
 * the portable path (and back to avskey_bn254_cpu_has_adx()). */
extern int avskey_bn254_use_adx;
int avskey_bn254_cpu_has_adx(void);

/* Test hooks (plain integers, little-endian limbs, canonical < p). */
void avskey_bn254_test_fp_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4]);
void avskey_bn254_test_fp_sqr(uint64_t r[4], const uint64_t a[4]);
void avskey_bn254_test_fp_inv(uint64_t r[4], const uint64_t a[4]);
/* a^(p-2) (the oracle for the divsteps inversion behind test_fp_inv). */
void avskey_bn254_test_fp_inv_fermat(uint64_t r[4], const uint64_t a[4]);
int avskey_bn254_test_fp_sqrt(uint64_t r[4], const uint64_t a[4]);
/* Legendre symbol of the integer a < p (1, -1; 0 for a == 0). */
int avskey_bn254_test_fp_legendre(const uint64_t a[4]);
/* Fp12: 1 when the cyclotomic square of x^((p^6-1)(p^2+1)) equals its
 * generic square, for x built from seed. */
int avskey_bn254_test_cyclotomic(uint64_t seed);
/* GLV split of k (< 2^256): k = k1 + lambda*k2 mod r with signs;
 * Out: |k1|,|k2| as 2 limbs each and the signs. Returns the bit length of
 * max(|k1|,|k2|). */
int avskey_bn254_test_glv(uint64_t k1[2], int *neg1, uint64_t k2[2], int *neg2,
                          const uint64_t k[4]);


struct avskey_bn254_g1;
struct avskey_bn254_g2;
/* Plain 4-bit fixed-window constant-time multiplication (no GLV). */
void avskey_bn254_test_g1_mul_plain(struct avskey_bn254_g1 *out, const struct avskey_bn254_g1 *p,
                                    const uint64_t k[4]);
void avskey_bn254_test_g2_mul_plain(struct avskey_bn254_g2 *out, const struct avskey_bn254_g2 *p,
                                    const uint64_t k[4]);
/* A twist point from raw X.A1||X.A0||Y.A1||Y.A0 without any check. */
void avskey_bn254_test_g2_from_affine_unchecked(struct avskey_bn254_g2 *out, const uint8_t raw[128]);
/* Returns 1 and a raw point (X, some Y) if X is the abscissa of a twist point
 * (no subgroup check, no cofactor clearing). */
int avskey_bn254_test_g2_on_twist_xonly(uint8_t raw_out[128], const uint8_t xa1[32],
                                        const uint8_t xa0[32]);

/* Benchmark: x = x*y (Montgomery, x and y < p) n times, a dependent chain. */
void avskey_bn254_bench_fp_mul_chain(uint64_t x[4], const uint64_t y[4], uint64_t n);

/* Fp2 product of canonical integers (a0,a1) * (b0,b1), 8 limbs each. */
void avskey_bn254_test_fp2_mul(uint64_t r[8], const uint64_t a[8], const uint64_t b[8]);

/* a*b + c*d (sub = 0) or a*b - c*d (sub = 1) in Fp, canonical integers. */
void avskey_bn254_test_fp_mul2(uint64_t r[4], const uint64_t a[4], const uint64_t b[4],
                               const uint64_t c[4], const uint64_t d[4], int sub);
/* a*b + c*d (sub = 0) or a*b - c*d (sub = 1) in Fp2, canonical integers. */
void avskey_bn254_test_fp2_mul2(uint64_t r[8], const uint64_t a[8], const uint64_t b[8],
                                const uint64_t c[8], const uint64_t d[8], int sub);

/* 4-dimensional GLS split for G2; returns the largest bit length. */
int avskey_bn254_test_gls4(uint64_t kk[4][2], int neg[4], const uint64_t k[4]);

/* Returns the fast G2 membership test of p; *slow gets [r]p == O. */
int avskey_bn254_test_g2_subgroup(const struct avskey_bn254_g2 *p, int *slow);

#endif
