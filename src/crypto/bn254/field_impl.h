/* BN254 base field Fp and the tower Fp2 -> Fp6 -> Fp12.
 * Included once, from bn254.c (all functions static so they inline).
 *
 * Fp: Montgomery form, R = 2^256, 4x64-bit limbs, always fully reduced.
 * Every function here is constant time unless its name ends in _var.
 * Constants: derived from p and xi = 9+u by tools/bn254_constants.py. */
#ifndef AVSKEY_BN254_FIELD_IMPL_H
#define AVSKEY_BN254_FIELD_IMPL_H

#include "internal.h"

#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

/* Inline asm (x86-64 only, optimised builds only: at -O0 the compiler may
 * not find the registers the asm blocks ask for). -DAVSKEY_NO_ASM forces
 * the portable C everywhere. */
#if defined(__x86_64__) && defined(__OPTIMIZE__) && !defined(AVSKEY_NO_ASM)
#define BN_ASM 1
#else
#define BN_ASM 0
#endif

typedef unsigned __int128 u128;
typedef bn_fp fp;
typedef bn_fp2 fp2;
typedef bn_fp6 fp6;
typedef bn_fp12 fp12;

static const uint64_t P[4] = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL,
                              0xb85045b68181585dULL, 0x30644e72e131a029ULL};
static const uint64_t N0 = 0x87d20782e4866389ULL; /* -p^-1 mod 2^64 */
static const fp FP_R2 = {{0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL,
                          0x47ab1eff0a417ff6ULL, 0x06d89f71cab8351fULL}};
static const fp FP_ONE = {{0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL,
                           0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL}};
static const uint64_t P_MINUS_2[4] = {0x3c208c16d87cfd45ULL, 0x97816a916871ca8dULL,
                                      0xb85045b68181585dULL, 0x30644e72e131a029ULL};
static const uint64_t P_PLUS_1_DIV_4[4] = {0x4f082305b61f3f52ULL, 0x65e05aa45a1c72a3ULL,
                                           0x6e14116da0605617ULL, 0x0c19139cb84c680aULL};

int avskey_bn254_use_adx = -1; /* -1: not yet probed */

int avskey_bn254_cpu_has_adx(void)
{
#if defined(__x86_64__)
    unsigned a, b, c, d;
    if (__get_cpuid_max(0, NULL) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    (void)a; (void)c; (void)d;
    return ((b >> 8) & 1) && ((b >> 19) & 1); /* BMI2 and ADX */
#else
    return 0;
#endif
}

/* ---- limb helpers -------------------------------------------------------- */

/* Hides a value from the optimiser so that masks derived from secrets stay
 * masks (clang otherwise turns "x & mask" selections back into branches;
 * caught by the valgrind ctime test). */
static inline uint64_t ct_barrier(uint64_t x)
{
#if defined(__GNUC__)
    __asm__("" : "+r"(x));
    return x;
#else
    volatile uint64_t v = x;
    return v;
#endif
}

/* r = t - p if t >= p else t, for t < 2p (t4 is the carry limb). */
static inline void fp_reduce_once(uint64_t r[4], const uint64_t t[4], uint64_t t4)
{
    uint64_t s[4];
    u128 d = (u128)t[0] - P[0];
    s[0] = (uint64_t)d;
    _Pragma("GCC unroll 8")
    for (int i = 1; i < 4; i++) {
        d = (u128)t[i] - P[i] - (uint64_t)((d >> 64) & 1);
        s[i] = (uint64_t)d;
    }
    uint64_t borrow = (uint64_t)((d >> 64) & 1);
    /* keep t if t < p, i.e. borrow out and no carry limb */
    uint64_t keep = (uint64_t)0 - (borrow & ~t4 & 1);
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 4; i++) r[i] = (t[i] & keep) | (s[i] & ~keep);
}

static inline void fp_mul_port(fp *r, const fp *a, const fp *b)
{
    uint64_t t[5] = {0, 0, 0, 0, 0};
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 4; i++) {
        u128 c = 0;
        _Pragma("GCC unroll 8")
        for (int j = 0; j < 4; j++) {
            c += (u128)a->v[j] * b->v[i] + t[j];
            t[j] = (uint64_t)c;
            c >>= 64;
        }
        uint64_t t4 = t[4] + (uint64_t)c; /* t < 2p*2^64, no overflow */
        uint64_t m = t[0] * N0;
        c = ((u128)m * P[0] + t[0]) >> 64;
        _Pragma("GCC unroll 8")
        for (int j = 1; j < 4; j++) {
            c += (u128)m * P[j] + t[j];
            t[j - 1] = (uint64_t)c;
            c >>= 64;
        }
        c += t4;
        t[3] = (uint64_t)c;
        t[4] = (uint64_t)(c >> 64);
    }
    fp_reduce_once(r->v, t, t[4]);
}

#if BN_ASM
/* One row of the CIOS Montgomery product with two carry chains: t += a*b[i]
 * (lo halves on the CF chain with ADCX, hi halves on the OF chain with
 * ADOX), then t = (t + m*p) / 2^64 with m = t0 * N0. The running value is
 * (A0, A1, A2, A3) plus the carry limb C; the row leaves it in
 * (A1, A2, A3, H), so the next row renames registers instead of moving.
 * p < 2^254, so the value stays below a + p < 2^256 (inputs may be < 2p). */
#define FP_MULX_ROW(i, A0, A1, A2, A3, C, H)                                    \
    "movq " #i "*8(%[b]), %%rdx\n\t"                                             \
    "xorl %%eax, %%eax\n\t"                                                     \
    "mulxq 0(%[a]), %[lo], %[" #H "]\n\t"                                       \
    "adcxq %[lo], %[" #A0 "]\n\t"                                               \
    "adoxq %[" #H "], %[" #A1 "]\n\t"                                           \
    "mulxq 8(%[a]), %[lo], %[" #H "]\n\t"                                       \
    "adcxq %[lo], %[" #A1 "]\n\t"                                               \
    "adoxq %[" #H "], %[" #A2 "]\n\t"                                           \
    "mulxq 16(%[a]), %[lo], %[" #H "]\n\t"                                      \
    "adcxq %[lo], %[" #A2 "]\n\t"                                               \
    "adoxq %[" #H "], %[" #A3 "]\n\t"                                           \
    "mulxq 24(%[a]), %[lo], %[" #C "]\n\t"                                      \
    "adcxq %[lo], %[" #A3 "]\n\t"                                               \
    "adoxq %%rax, %[" #C "]\n\t"                                                \
    "adcxq %%rax, %[" #C "]\n\t"                                                \
    "movq %[" #A0 "], %%rdx\n\t"                                                \
    "imulq %[n0], %%rdx\n\t"                                                    \
    "xorl %%eax, %%eax\n\t"                                                     \
    "mulxq %[p0], %[lo], %[" #H "]\n\t"                                         \
    "adcxq %[lo], %[" #A0 "]\n\t"                                               \
    "adoxq %[" #H "], %[" #A1 "]\n\t"                                           \
    "mulxq %[p1], %[lo], %[" #H "]\n\t"                                         \
    "adcxq %[lo], %[" #A1 "]\n\t"                                               \
    "adoxq %[" #H "], %[" #A2 "]\n\t"                                           \
    "mulxq %[p2], %[lo], %[" #H "]\n\t"                                         \
    "adcxq %[lo], %[" #A2 "]\n\t"                                               \
    "adoxq %[" #H "], %[" #A3 "]\n\t"                                           \
    "mulxq %[p3], %[lo], %[" #H "]\n\t"                                         \
    "adcxq %[lo], %[" #A3 "]\n\t"                                               \
    "adoxq %%rax, %[" #H "]\n\t"                                                \
    "adcxq %[" #C "], %[" #H "]\n\t"

/* MULX/ADCX/ADOX Montgomery multiplication; only called when the CPU has
 * BMI2 and ADX (checked with cpuid at run time). Constant time. */
__attribute__((always_inline)) static inline void fp_mul_adx(fp *r, const fp *a, const fp *b)
{
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, c, h, lo;
    __asm__(FP_MULX_ROW(0, t0, t1, t2, t3, c, h)  /* value in (t1, t2, t3, h) */
            FP_MULX_ROW(1, t1, t2, t3, h, t0, c)  /* (t2, t3, h, c) */
            FP_MULX_ROW(2, t2, t3, h, c, t1, t0)  /* (t3, h, c, t0) */
            FP_MULX_ROW(3, t3, h, c, t0, t2, t1)  /* (h, c, t0, t1) */
            /* conditional final subtraction of p */
            "movq %[h], %[t2]\n\t"
            "subq %[p0], %[t2]\n\t"
            "movq %[c], %[t3]\n\t"
            "sbbq %[p1], %[t3]\n\t"
            "movq %[t0], %[lo]\n\t"
            "sbbq %[p2], %[lo]\n\t"
            "movq %[t1], %%rdx\n\t"
            "sbbq %[p3], %%rdx\n\t"
            "cmovncq %[t2], %[h]\n\t"
            "cmovncq %[t3], %[c]\n\t"
            "cmovncq %[lo], %[t0]\n\t"
            "cmovncq %%rdx, %[t1]\n\t"
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [lo] "=&r"(lo),
              [h] "=&r"(h), [c] "=&r"(c)
            : [a] "r"(a->v), [b] "r"(b->v), "m"(*(const uint64_t(*)[4])a->v),
              "m"(*(const uint64_t(*)[4])b->v), [n0] "m"(N0), [p0] "m"(P[0]), [p1] "m"(P[1]),
              [p2] "m"(P[2]), [p3] "m"(P[3])
            : "rax", "rdx", "cc");
    r->v[0] = h;
    r->v[1] = c;
    r->v[2] = t0;
    r->v[3] = t1;
}
#endif

__attribute__((always_inline)) static inline void fp_mul(fp *r, const fp *a, const fp *b)
{
#if BN_ASM
    if (avskey_bn254_use_adx > 0) {
        fp_mul_adx(r, a, b);
        return;
    }
#endif
    fp_mul_port(r, a, b);
}

static inline void fp_sqr(fp *r, const fp *a);

static inline void fp_add_c(fp *r, const fp *a, const fp *b)
{
    uint64_t t[4];
    u128 c = 0;
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 4; i++) {
        c += (u128)a->v[i] + b->v[i];
        t[i] = (uint64_t)c;
        c >>= 64;
    }
    fp_reduce_once(r->v, t, (uint64_t)c);
}

static inline void fp_sub_c(fp *r, const fp *a, const fp *b)
{
    uint64_t t[4];
    u128 d = 0;
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 4; i++) {
        d = (u128)a->v[i] - b->v[i] - (uint64_t)((d >> 64) & 1);
        t[i] = (uint64_t)d;
    }
    uint64_t mask = (uint64_t)0 - (uint64_t)((d >> 64) & 1);
    u128 c = 0;
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 4; i++) {
        c += (u128)t[i] + (P[i] & mask);
        r->v[i] = (uint64_t)c;
        c >>= 64;
    }
}

#if BN_ASM
/* r = a + b mod p: add, trial-subtract p, select with CMOV. */
__attribute__((always_inline)) static inline void fp_add(fp *r, const fp *a, const fp *b)
{
    uint64_t t0 = a->v[0], t1 = a->v[1], t2 = a->v[2], t3 = a->v[3], s0, s1, s2, s3;
    __asm__("addq %[b0], %[t0]\n\t"
            "adcq %[b1], %[t1]\n\t"
            "adcq %[b2], %[t2]\n\t"
            "adcq %[b3], %[t3]\n\t"
            "movq %[t0], %[s0]\n\t"
            "subq %[p0], %[s0]\n\t"
            "movq %[t1], %[s1]\n\t"
            "sbbq %[p1], %[s1]\n\t"
            "movq %[t2], %[s2]\n\t"
            "sbbq %[p2], %[s2]\n\t"
            "movq %[t3], %[s3]\n\t"
            "sbbq %[p3], %[s3]\n\t"
            "cmovncq %[s0], %[t0]\n\t"
            "cmovncq %[s1], %[t1]\n\t"
            "cmovncq %[s2], %[t2]\n\t"
            "cmovncq %[s3], %[t3]\n\t"
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [s0] "=&r"(s0),
              [s1] "=&r"(s1), [s2] "=&r"(s2), [s3] "=&r"(s3)
            : [b0] "m"(b->v[0]), [b1] "m"(b->v[1]), [b2] "m"(b->v[2]), [b3] "m"(b->v[3]),
              [p0] "m"(P[0]), [p1] "m"(P[1]), [p2] "m"(P[2]), [p3] "m"(P[3])
            : "cc");
    r->v[0] = t0;
    r->v[1] = t1;
    r->v[2] = t2;
    r->v[3] = t3;
}

/* r = a - b mod p: subtract, add back p masked by the borrow. */
__attribute__((always_inline)) static inline void fp_sub(fp *r, const fp *a, const fp *b)
{
    uint64_t t0 = a->v[0], t1 = a->v[1], t2 = a->v[2], t3 = a->v[3], m, u0, u1, u2;
    __asm__("subq %[b0], %[t0]\n\t"
            "sbbq %[b1], %[t1]\n\t"
            "sbbq %[b2], %[t2]\n\t"
            "sbbq %[b3], %[t3]\n\t"
            "sbbq %[m], %[m]\n\t"
            "movq %[p0], %[u0]\n\t"
            "andq %[m], %[u0]\n\t"
            "movq %[p1], %[u1]\n\t"
            "andq %[m], %[u1]\n\t"
            "movq %[p2], %[u2]\n\t"
            "andq %[m], %[u2]\n\t"
            "andq %[p3], %[m]\n\t"
            "addq %[u0], %[t0]\n\t"
            "adcq %[u1], %[t1]\n\t"
            "adcq %[u2], %[t2]\n\t"
            "adcq %[m], %[t3]\n\t"
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [m] "=&r"(m),
              [u0] "=&r"(u0), [u1] "=&r"(u1), [u2] "=&r"(u2)
            : [b0] "m"(b->v[0]), [b1] "m"(b->v[1]), [b2] "m"(b->v[2]), [b3] "m"(b->v[3]),
              [p0] "m"(P[0]), [p1] "m"(P[1]), [p2] "m"(P[2]), [p3] "m"(P[3])
            : "cc");
    r->v[0] = t0;
    r->v[1] = t1;
    r->v[2] = t2;
    r->v[3] = t3;
}
#else
static inline void fp_add(fp *r, const fp *a, const fp *b) { fp_add_c(r, a, b); }
static inline void fp_sub(fp *r, const fp *a, const fp *b) { fp_sub_c(r, a, b); }
#endif

static inline void fp_dbl(fp *r, const fp *a) { fp_add(r, a, a); }

static inline uint64_t fp_is_zero(const fp *a) /* 1 or 0, constant time */
{
    uint64_t z = a->v[0] | a->v[1] | a->v[2] | a->v[3];
    return 1 ^ ((z | ((uint64_t)0 - z)) >> 63);
}

static inline uint64_t fp_eq(const fp *a, const fp *b)
{
    uint64_t z = (a->v[0] ^ b->v[0]) | (a->v[1] ^ b->v[1]) | (a->v[2] ^ b->v[2]) |
                 (a->v[3] ^ b->v[3]);
    return 1 ^ ((z | ((uint64_t)0 - z)) >> 63);
}

__attribute__((always_inline)) static inline void fp_neg(fp *r, const fp *a)
{
    uint64_t nz = (uint64_t)0 - (1 ^ fp_is_zero(a));
    u128 d = 0;
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 4; i++) {
        d = (u128)P[i] - a->v[i] - (uint64_t)((d >> 64) & 1);
        r->v[i] = (uint64_t)d & nz;
    }
}

/* r = a if flag (0/1) else r. */
__attribute__((always_inline)) static inline void fp_cmov(fp *r, const fp *a, uint64_t flag)
{
    uint64_t m = ct_barrier((uint64_t)0 - flag);
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 4; i++) r->v[i] ^= m & (r->v[i] ^ a->v[i]);
}

static inline void fp_set_ui(fp *r, uint64_t x)
{
    fp t = {{x, 0, 0, 0}};
    fp_mul(r, &t, &FP_R2);
}

/* From a canonical integer (limbs < p) into Montgomery form. */
static inline void fp_from_int(fp *r, const uint64_t x[4])
{
    fp t;
    memcpy(t.v, x, 32);
    fp_mul(r, &t, &FP_R2);
}

static inline void fp_to_int(uint64_t x[4], const fp *a)
{
    fp one = {{1, 0, 0, 0}}, t;
    fp_mul(&t, a, &one);
    memcpy(x, t.v, 32);
}

/* 1 when the integer x (4 limbs) is < p. Constant time. */
static inline uint64_t int_lt_p(const uint64_t x[4])
{
    u128 d = 0;
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 4; i++) d = (u128)x[i] - P[i] - (uint64_t)((d >> 64) & 1);
    return (uint64_t)((d >> 64) & 1);
}

static inline void be32_to_int(uint64_t x[4], const uint8_t in[32])
{
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        _Pragma("GCC unroll 8")
        for (int j = 0; j < 8; j++) w = (w << 8) | in[(3 - i) * 8 + j];
        x[i] = w;
    }
}

static inline void int_to_be32(uint8_t out[32], const uint64_t x[4])
{
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 4; i++)
        _Pragma("GCC unroll 8")
        for (int j = 0; j < 8; j++) out[(3 - i) * 8 + j] = (uint8_t)(x[i] >> (56 - 8 * j));
}

/* Returns 1 and sets r if the 32 big-endian bytes are < p. */
static inline int fp_from_be_var(fp *r, const uint8_t in[32])
{
    uint64_t x[4];
    be32_to_int(x, in);
    if (!int_lt_p(x)) return 0;
    fp_from_int(r, x);
    return 1;
}

static inline void fp_to_be(uint8_t out[32], const fp *a)
{
    uint64_t x[4];
    fp_to_int(x, a);
    int_to_be32(out, x);
}

/* r = a^e for a public exponent e (4 limbs); square-and-multiply with a
 * 4-bit fixed window (the pattern depends only on e). */
static void fp_pow(fp *r, const fp *a, const uint64_t e[4])
{
    fp tab[16], acc;
    tab[0] = FP_ONE;
    tab[1] = *a;
    for (int i = 2; i < 16; i++) fp_mul(&tab[i], &tab[i - 1], a);
    acc = FP_ONE;
    for (int i = 63; i >= 0; i--) {
        if (i != 63) for (int k = 0; k < 4; k++) fp_sqr(&acc, &acc);
        unsigned d = (unsigned)(e[i / 16] >> ((i % 16) * 4)) & 15;
        if (d) fp_mul(&acc, &acc, &tab[d]);
    }
    *r = acc;
}

/* Fermat inversion a^(p-2): the test oracle for fp_inv. */
static inline void fp_inv_fermat(fp *r, const fp *a) { fp_pow(r, a, P_MINUS_2); }

/* ---- constant-time inversion: Bernstein-Yang divsteps (safegcd) ---------
 * "Fast constant-time gcd computation and modular inversion" (eprint
 * 2019/266), classic divsteps with delta = 1, on 62-bit signed limbs:
 * 12 batches of 62 branch-free divsteps on the low words (744 >= 742, the
 * bound for 254-bit inputs), each batch applied to (f, g) and to the
 * Bezout pair (d, e) (mod p, kept in (-2p, p) as in libsecp256k1's
 * modinv64). a = 0 gives 0, as a^(p-2) does. About 3x faster than the
 * exponentiation; every loop count is fixed and every selection is a mask. */
typedef struct { int64_t v[5]; } bn_s62;
#define BN_M62 (UINT64_MAX >> 2)
static const uint64_t P_INV62 = 0x382df87d1b799c77ULL; /* p^-1 mod 2^62 */
/* R^3 mod p: fp_mul(x^-1 (plain), R^3) = (aR)^-1 R^2 = a^-1 R */
static const fp FP_R3 = {{0xb1cd6dafda1530dfULL, 0x62f210e6a7283db6ULL, 0xef7f0b0c0ada0afbULL,
                          0x20fd6e902d592544ULL}};

static inline void s62_from_int(bn_s62 *r, const uint64_t x[4])
{
    r->v[0] = (int64_t)(x[0] & BN_M62);
    r->v[1] = (int64_t)(((x[0] >> 62) | (x[1] << 2)) & BN_M62);
    r->v[2] = (int64_t)(((x[1] >> 60) | (x[2] << 4)) & BN_M62);
    r->v[3] = (int64_t)(((x[2] >> 58) | (x[3] << 6)) & BN_M62);
    r->v[4] = (int64_t)(x[3] >> 56);
}

/* 62 divsteps on the low words; (u v; q r) with 2^62 (f', g') =
 * (u f + v g, q f + r g). Branch-free. */
static inline int64_t divsteps_62_ct(int64_t delta, uint64_t f, uint64_t g, int64_t t[4])
{
    uint64_t u = 1, v = 0, q = 0, r = 1, x;
    for (int i = 0; i < 62; i++) {
        uint64_t pos = ct_barrier((uint64_t)(-delta) >> 63);   /* delta > 0 */
        uint64_t odd = ct_barrier(g & 1);
        uint64_t sw = (uint64_t)0 - (pos & odd);
        uint64_t mo = (uint64_t)0 - odd;
        /* if sw: (f, g, u, v, q, r, delta) = (g, -f, q, r, -u, -v, -delta) */
        x = (f ^ g) & sw; f ^= x; g ^= x; g = (g ^ sw) - sw;
        x = (u ^ q) & sw; u ^= x; q ^= x; q = (q ^ sw) - sw;
        x = (v ^ r) & sw; v ^= x; r ^= x; r = (r ^ sw) - sw;
        delta = (int64_t)(((uint64_t)delta ^ sw) - sw);
        /* if g odd: g += f (row_g += row_f) */
        g += f & mo;
        q += u & mo;
        r += v & mo;
        g >>= 1;
        u <<= 1;
        v <<= 1;
        delta += 1;
    }
    t[0] = (int64_t)u;
    t[1] = (int64_t)v;
    t[2] = (int64_t)q;
    t[3] = (int64_t)r;
    return delta;
}

/* (f, g) = (u f + v g, q f + r g) / 2^62, exact. */
static inline void s62_update_fg(bn_s62 *f, bn_s62 *g, const int64_t t[4])
{
    __int128 cf, cg;
    cf = (__int128)t[0] * f->v[0] + (__int128)t[1] * g->v[0];
    cg = (__int128)t[2] * f->v[0] + (__int128)t[3] * g->v[0];
    cf >>= 62;
    cg >>= 62;
    for (int i = 1; i < 5; i++) {
        cf += (__int128)t[0] * f->v[i] + (__int128)t[1] * g->v[i];
        cg += (__int128)t[2] * f->v[i] + (__int128)t[3] * g->v[i];
        f->v[i - 1] = (int64_t)((uint64_t)cf & BN_M62);
        g->v[i - 1] = (int64_t)((uint64_t)cg & BN_M62);
        cf >>= 62;
        cg >>= 62;
    }
    f->v[4] = (int64_t)cf;
    g->v[4] = (int64_t)cg;
}

/* (d, e) = (u d + v e, q d + r e) / 2^62 mod p, d, e in (-2p, p) on input
 * and output (libsecp256k1 modinv64 update_de). */
static inline void s62_update_de(bn_s62 *d, bn_s62 *e, const int64_t t[4], const bn_s62 *pm)
{
    const int64_t u = t[0], v = t[1], q = t[2], r = t[3];
    int64_t sd = d->v[4] >> 63, se = e->v[4] >> 63;
    int64_t md = (u & sd) + (v & se), me = (q & sd) + (r & se);
    __int128 cd = (__int128)u * d->v[0] + (__int128)v * e->v[0];
    __int128 ce = (__int128)q * d->v[0] + (__int128)r * e->v[0];
    md -= (int64_t)((P_INV62 * (uint64_t)cd + (uint64_t)md) & BN_M62);
    me -= (int64_t)((P_INV62 * (uint64_t)ce + (uint64_t)me) & BN_M62);
    cd += (__int128)pm->v[0] * md;
    ce += (__int128)pm->v[0] * me;
    cd >>= 62;
    ce >>= 62;
    for (int i = 1; i < 5; i++) {
        cd += (__int128)u * d->v[i] + (__int128)v * e->v[i] + (__int128)pm->v[i] * md;
        ce += (__int128)q * d->v[i] + (__int128)r * e->v[i] + (__int128)pm->v[i] * me;
        d->v[i - 1] = (int64_t)((uint64_t)cd & BN_M62);
        e->v[i - 1] = (int64_t)((uint64_t)ce & BN_M62);
        cd >>= 62;
        ce >>= 62;
    }
    d->v[4] = (int64_t)cd;
    e->v[4] = (int64_t)ce;
}

/* x += m & p (limb-wise with carry propagation), x in signed-62 form. */
static inline void s62_cadd_p(bn_s62 *x, int64_t m, const bn_s62 *pm)
{
    int64_t c = 0;
    for (int i = 0; i < 5; i++) {
        c += x->v[i] + (pm->v[i] & m);
        if (i < 4) {
            x->v[i] = c & (int64_t)BN_M62;
            c >>= 62;
        } else {
            x->v[i] = c;
        }
    }
}

static void fp_inv(fp *r, const fp *a)
{
    bn_s62 f, g, d = {{0, 0, 0, 0, 0}}, e = {{1, 0, 0, 0, 0}}, pm;
    int64_t t[4], delta = 1;
    s62_from_int(&pm, P);
    f = pm;
    s62_from_int(&g, a->v);
    for (int i = 0; i < 12; i++) {
        delta = divsteps_62_ct(delta, (uint64_t)f.v[0] | ((uint64_t)f.v[1] << 62),
                               (uint64_t)g.v[0] | ((uint64_t)g.v[1] << 62), t);
        s62_update_de(&d, &e, t, &pm);
        s62_update_fg(&f, &g, t);
    }
    /* f = +-1 (or p when a = 0, with d = 0): d * sign(f), into [0, p) */
    int64_t neg = f.v[4] >> 63;
    s62_cadd_p(&d, d.v[4] >> 63, &pm);               /* (-2p, p) -> (-p, p) */
    int64_t c = 0;
    for (int i = 0; i < 5; i++) {                     /* negate if f < 0 (limb-wise) */
        c += (d.v[i] ^ neg) - neg;
        if (i < 4) {
            d.v[i] = c & (int64_t)BN_M62;
            c >>= 62;
        } else {
            d.v[i] = c;
        }
    }
    s62_cadd_p(&d, d.v[4] >> 63, &pm);               /* (-p, p) -> [0, p) */
    fp x;
    x.v[0] = (uint64_t)d.v[0] | ((uint64_t)d.v[1] << 62);
    x.v[1] = ((uint64_t)d.v[1] >> 2) | ((uint64_t)d.v[2] << 60);
    x.v[2] = ((uint64_t)d.v[2] >> 4) | ((uint64_t)d.v[3] << 58);
    x.v[3] = ((uint64_t)d.v[3] >> 6) | ((uint64_t)d.v[4] << 56);
    fp_mul(r, &x, &FP_R3);
    avskey_wipe(&f, sizeof f);
    avskey_wipe(&g, sizeof g);
    avskey_wipe(&d, sizeof d);
    avskey_wipe(&e, sizeof e);
    avskey_wipe(t, sizeof t);
}

/* Square root (p = 3 mod 4). Returns 1 and sets r (the root a^((p+1)/4),
 * not normalised) if a is a square; 0 otherwise (r is written anyway). */
static int fp_sqrt(fp *r, const fp *a)
{
    fp s, t;
    fp_pow(&s, a, P_PLUS_1_DIV_4);
    fp_sqr(&t, &s);
    *r = s;
    return (int)fp_eq(&t, a);
}

/* 1 if the canonical value of a is > (p-1)/2 (gnark "lexicographically
 * largest"). */
static const uint64_t P_HALF[4] = {0x9e10460b6c3e7ea3ULL, 0xcbc0b548b438e546ULL,
                                   0xdc2822db40c0ac2eULL, 0x183227397098d014ULL};
static inline int fp_is_largest_var(const fp *a)
{
    uint64_t x[4];
    fp_to_int(x, a);
    for (int i = 3; i >= 0; i--) {
        if (x[i] > P_HALF[i]) return 1;
        if (x[i] < P_HALF[i]) return 0;
    }
    return 0;
}

/* ---- Fp2 ------------------------------------------------------------------ */

__attribute__((always_inline)) static inline void fp2_add(fp2 *r, const fp2 *x, const fp2 *y)
{
    fp_add(&r->a, &x->a, &y->a);
    fp_add(&r->b, &x->b, &y->b);
}
__attribute__((always_inline)) static inline void fp2_sub(fp2 *r, const fp2 *x, const fp2 *y)
{
    fp_sub(&r->a, &x->a, &y->a);
    fp_sub(&r->b, &x->b, &y->b);
}
__attribute__((always_inline)) static inline void fp2_dbl(fp2 *r, const fp2 *x)
{
    fp_dbl(&r->a, &x->a);
    fp_dbl(&r->b, &x->b);
}
__attribute__((always_inline)) static inline void fp2_neg(fp2 *r, const fp2 *x)
{
    fp_neg(&r->a, &x->a);
    fp_neg(&r->b, &x->b);
}
__attribute__((always_inline)) static inline void fp2_conj(fp2 *r, const fp2 *x)
{
    r->a = x->a;
    fp_neg(&r->b, &x->b);
}
/* Plain (unreduced) sum of two canonical elements: < 2p < 2^255. fp_mul
 * accepts factors < 2p (with p < 2^254 the CIOS running value stays below
 * a + p < 2^256 and the result below 2p before its final subtraction), so
 * Karatsuba sums skip their reduction. */
static inline void fp_add_nr(fp *r, const fp *a, const fp *b)
{
    u128 c = 0;
    _Pragma("GCC unroll 4")
    for (int i = 0; i < 4; i++) {
        c += (u128)a->v[i] + b->v[i];
        r->v[i] = (uint64_t)c;
        c >>= 64;
    }
}

#if BN_ASM
/* Lazy reduction for Fp2 (MULX/ADX path): the three Karatsuba products are
 * kept as 512-bit integers and only the two results are reduced. */

/* One row of a 4x4 product: (c0..c4) += a * rdx, c4 enters as zero. */
#define WIDE_ROW(c0, c1, c2, c3, c4)                                            \
    "xorl %%eax, %%eax\n\t"                                                     \
    "mulxq 0(%[a]), %[lo], %[hi]\n\t"                                           \
    "adcxq %[lo], %[" #c0 "]\n\t"                                               \
    "adoxq %[hi], %[" #c1 "]\n\t"                                               \
    "mulxq 8(%[a]), %[lo], %[hi]\n\t"                                           \
    "adcxq %[lo], %[" #c1 "]\n\t"                                               \
    "adoxq %[hi], %[" #c2 "]\n\t"                                               \
    "mulxq 16(%[a]), %[lo], %[hi]\n\t"                                          \
    "adcxq %[lo], %[" #c2 "]\n\t"                                               \
    "adoxq %[hi], %[" #c3 "]\n\t"                                               \
    "mulxq 24(%[a]), %[lo], %[" #c4 "]\n\t"                                     \
    "adcxq %[lo], %[" #c3 "]\n\t"                                               \
    "adoxq %%rax, %[" #c4 "]\n\t"                                               \
    "adcxq %%rax, %[" #c4 "]\n\t"

/* t[0..7] = a * b (plain integers, a, b < 2^256). */
__attribute__((always_inline)) static inline void int_mul_wide(uint64_t t[8], const uint64_t a[4],
                                                               const uint64_t b[4])
{
    uint64_t c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4, lo, hi;
    __asm__("movq 0(%[b]), %%rdx\n\t" WIDE_ROW(c0, c1, c2, c3, c4)
            "movq %[c0], 0(%[t])\n\t"
            "xorl %k[c0], %k[c0]\n\t"
            "movq 8(%[b]), %%rdx\n\t" WIDE_ROW(c1, c2, c3, c4, c0)
            "movq %[c1], 8(%[t])\n\t"
            "xorl %k[c1], %k[c1]\n\t"
            "movq 16(%[b]), %%rdx\n\t" WIDE_ROW(c2, c3, c4, c0, c1)
            "movq %[c2], 16(%[t])\n\t"
            "xorl %k[c2], %k[c2]\n\t"
            "movq 24(%[b]), %%rdx\n\t" WIDE_ROW(c3, c4, c0, c1, c2)
            "movq %[c3], 24(%[t])\n\t"
            "movq %[c4], 32(%[t])\n\t"
            "movq %[c0], 40(%[t])\n\t"
            "movq %[c1], 48(%[t])\n\t"
            "movq %[c2], 56(%[t])\n\t"
            : [c0] "+&r"(c0), [c1] "+&r"(c1), [c2] "+&r"(c2), [c3] "+&r"(c3), [c4] "=&r"(c4),
              [lo] "=&r"(lo), [hi] "=&r"(hi), "=m"(*(uint64_t(*)[8])t)
            : [a] "r"(a), [b] "r"(b), [t] "r"(t), "m"(*(const uint64_t(*)[4])a),
              "m"(*(const uint64_t(*)[4])b)
            : "rax", "rdx", "cc");
}

#define REDC_ROUND(t0, t1, t2, t3)                                              \
    "movq %[" #t0 "], %%rdx\n\t"                                                \
    "imulq %[n0], %%rdx\n\t"                                                    \
    "xorl %%eax, %%eax\n\t"                                                     \
    "mulxq %[p0], %[lo], %[hi]\n\t"                                             \
    "adcxq %[lo], %[" #t0 "]\n\t"                                               \
    "adoxq %[hi], %[" #t1 "]\n\t"                                               \
    "mulxq %[p1], %[lo], %[hi]\n\t"                                             \
    "adcxq %[lo], %[" #t1 "]\n\t"                                               \
    "adoxq %[hi], %[" #t2 "]\n\t"                                               \
    "mulxq %[p2], %[lo], %[hi]\n\t"                                             \
    "adcxq %[lo], %[" #t2 "]\n\t"                                               \
    "adoxq %[hi], %[" #t3 "]\n\t"                                               \
    "mulxq %[p3], %[lo], %[" #t0 "]\n\t"                                        \
    "adcxq %[lo], %[" #t3 "]\n\t"                                               \
    "adoxq %%rax, %[" #t0 "]\n\t"                                               \
    "adcxq %%rax, %[" #t0 "]\n\t"

/* r = t * 2^-256 mod p for t < p * 2^256, fully reduced. */
__attribute__((always_inline)) static inline void fp_redc(fp *r, const uint64_t t[8])
{
    uint64_t t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3], lo, hi, s2, s3;
    __asm__(REDC_ROUND(t0, t1, t2, t3) REDC_ROUND(t1, t2, t3, t0) REDC_ROUND(t2, t3, t0, t1)
                REDC_ROUND(t3, t0, t1, t2)
            /* value now in (t0, t1, t2, t3); add the high half */
            "addq 32(%[t]), %[t0]\n\t"
            "adcq 40(%[t]), %[t1]\n\t"
            "adcq 48(%[t]), %[t2]\n\t"
            "adcq 56(%[t]), %[t3]\n\t"
            "movq %[t0], %[lo]\n\t"
            "subq %[p0], %[lo]\n\t"
            "movq %[t1], %[hi]\n\t"
            "sbbq %[p1], %[hi]\n\t"
            "movq %[t2], %[s2]\n\t"
            "sbbq %[p2], %[s2]\n\t"
            "movq %[t3], %[s3]\n\t"
            "sbbq %[p3], %[s3]\n\t"
            "cmovncq %[lo], %[t0]\n\t"
            "cmovncq %[hi], %[t1]\n\t"
            "cmovncq %[s2], %[t2]\n\t"
            "cmovncq %[s3], %[t3]\n\t"
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [lo] "=&r"(lo),
              [hi] "=&r"(hi), [s2] "=&r"(s2), [s3] "=&r"(s3)
            : [t] "r"(t), "m"(*(const uint64_t(*)[8])t), [n0] "m"(N0), [p0] "m"(P[0]),
              [p1] "m"(P[1]), [p2] "m"(P[2]), [p3] "m"(P[3])
            : "rax", "rdx", "cc");
    r->v[0] = t0;
    r->v[1] = t1;
    r->v[2] = t2;
    r->v[3] = t3;
}

/* Montgomery reduction of a 512-bit value held in registers v0..v7 (asm
 * text shared by the two fused Fp2 reductions below): four REDC rounds on
 * the low half, the high half added from registers, one conditional
 * subtraction. In: v < p*2^256. Out: (v0, v1, v2, v3) < p. */
#define REDC_REGS                                                               \
    REDC_ROUND(t0, t1, t2, t3) REDC_ROUND(t1, t2, t3, t0) REDC_ROUND(t2, t3, t0, t1) \
    REDC_ROUND(t3, t0, t1, t2)                                                  \
    "addq %[t4], %[t0]\n\t"                                                    \
    "adcq %[t5], %[t1]\n\t"                                                    \
    "adcq %[t6], %[t2]\n\t"                                                    \
    "adcq %[t7], %[t3]\n\t"                                                    \
    "movq %[t0], %[lo]\n\t"                                                    \
    "subq %[p0], %[lo]\n\t"                                                    \
    "movq %[t1], %[hi]\n\t"                                                    \
    "sbbq %[p1], %[hi]\n\t"                                                    \
    "movq %[t2], %[t4]\n\t"                                                    \
    "sbbq %[p2], %[t4]\n\t"                                                    \
    "movq %[t3], %[t5]\n\t"                                                    \
    "sbbq %[p3], %[t5]\n\t"                                                    \
    "cmovncq %[lo], %[t0]\n\t"                                                 \
    "cmovncq %[hi], %[t1]\n\t"                                                 \
    "cmovncq %[t4], %[t2]\n\t"                                                 \
    "cmovncq %[t5], %[t3]\n\t"

#define REDC_REGS_OPERANDS                                                      \
    : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), \
      [t5] "=&r"(t5), [t6] "=&r"(t6), [t7] "=&r"(t7), [lo] "=&r"(lo), [hi] "=&r"(hi) \
    : [T] "r"(T), "m"(*(const uint64_t(*)[24])T), [n0] "m"(N0), [p0] "m"(P[0]), \
      [p1] "m"(P[1]), [p2] "m"(P[2]), [p3] "m"(P[3])                             \
    : "rax", "rdx", "cc"

/* r = REDC(t0 - t1 (+ p*2^256 when negative)) for T = (t0, t1, t2): the
 * real part of the Karatsuba Fp2 product, without a trip through memory. */
__attribute__((always_inline)) static inline void fp2_redc_re(fp *r, const uint64_t T[24])
{
    uint64_t t0, t1, t2, t3, t4, t5, t6, t7, lo, hi;
    __asm__("movq 0(%[T]), %[t0]\n\t" "subq 64(%[T]), %[t0]\n\t"
            "movq 8(%[T]), %[t1]\n\t" "sbbq 72(%[T]), %[t1]\n\t"
            "movq 16(%[T]), %[t2]\n\t" "sbbq 80(%[T]), %[t2]\n\t"
            "movq 24(%[T]), %[t3]\n\t" "sbbq 88(%[T]), %[t3]\n\t"
            "movq 32(%[T]), %[t4]\n\t" "sbbq 96(%[T]), %[t4]\n\t"
            "movq 40(%[T]), %[t5]\n\t" "sbbq 104(%[T]), %[t5]\n\t"
            "movq 48(%[T]), %[t6]\n\t" "sbbq 112(%[T]), %[t6]\n\t"
            "movq 56(%[T]), %[t7]\n\t" "sbbq 120(%[T]), %[t7]\n\t"
            "sbbq %[lo], %[lo]\n\t"
            "movq %[lo], %%rax\n\t" "andq %[p0], %%rax\n\t"
            "movq %[lo], %%rdx\n\t" "andq %[p1], %%rdx\n\t"
            "movq %[lo], %[hi]\n\t" "andq %[p2], %[hi]\n\t"
            "andq %[p3], %[lo]\n\t"
            "addq %%rax, %[t4]\n\t" "adcq %%rdx, %[t5]\n\t"
            "adcq %[hi], %[t6]\n\t" "adcq %[lo], %[t7]\n\t"
            REDC_REGS REDC_REGS_OPERANDS);
    r->v[0] = t0;
    r->v[1] = t1;
    r->v[2] = t2;
    r->v[3] = t3;
}

/* r = REDC(t2 - t0 - t1) (= a0 b1 + a1 b0 < 2p^2, never negative). */
__attribute__((always_inline)) static inline void fp2_redc_im(fp *r, const uint64_t T[24])
{
    uint64_t t0, t1, t2, t3, t4, t5, t6, t7, lo, hi;
    __asm__("movq 128(%[T]), %[t0]\n\t" "subq 0(%[T]), %[t0]\n\t"
            "movq 136(%[T]), %[t1]\n\t" "sbbq 8(%[T]), %[t1]\n\t"
            "movq 144(%[T]), %[t2]\n\t" "sbbq 16(%[T]), %[t2]\n\t"
            "movq 152(%[T]), %[t3]\n\t" "sbbq 24(%[T]), %[t3]\n\t"
            "movq 160(%[T]), %[t4]\n\t" "sbbq 32(%[T]), %[t4]\n\t"
            "movq 168(%[T]), %[t5]\n\t" "sbbq 40(%[T]), %[t5]\n\t"
            "movq 176(%[T]), %[t6]\n\t" "sbbq 48(%[T]), %[t6]\n\t"
            "movq 184(%[T]), %[t7]\n\t" "sbbq 56(%[T]), %[t7]\n\t"
            "subq 64(%[T]), %[t0]\n\t" "sbbq 72(%[T]), %[t1]\n\t"
            "sbbq 80(%[T]), %[t2]\n\t" "sbbq 88(%[T]), %[t3]\n\t"
            "sbbq 96(%[T]), %[t4]\n\t" "sbbq 104(%[T]), %[t5]\n\t"
            "sbbq 112(%[T]), %[t6]\n\t" "sbbq 120(%[T]), %[t7]\n\t"
            REDC_REGS REDC_REGS_OPERANDS);
    r->v[0] = t0;
    r->v[1] = t1;
    r->v[2] = t2;
    r->v[3] = t3;
}


/* t[0..7] = a^2: six cross products on two carry chains, doubled, then
 * the four squares. */
__attribute__((always_inline)) static inline void int_sqr_wide(uint64_t t[8], const uint64_t a[4])
{
    uint64_t t0, t1, t2, t3, t4, t5, t6, t7, lo, hi;
    __asm__("xorl %%eax, %%eax\n\t"
            "movq 0(%[a]), %%rdx\n\t"
            "mulxq 8(%[a]), %[t1], %[t2]\n\t"
            "mulxq 16(%[a]), %[lo], %[t3]\n\t"
            "adcxq %[lo], %[t2]\n\t"
            "mulxq 24(%[a]), %[lo], %[t4]\n\t"
            "adcxq %[lo], %[t3]\n\t"
            "movq 8(%[a]), %%rdx\n\t"
            "mulxq 16(%[a]), %[lo], %[hi]\n\t"
            "adoxq %[lo], %[t3]\n\t"
            "adcxq %[hi], %[t4]\n\t"
            "mulxq 24(%[a]), %[lo], %[t5]\n\t"
            "adoxq %[lo], %[t4]\n\t"
            "adcxq %%rax, %[t5]\n\t"
            "movq 16(%[a]), %%rdx\n\t"
            "mulxq 24(%[a]), %[lo], %[t6]\n\t"
            "adoxq %[lo], %[t5]\n\t"
            "adcxq %%rax, %[t6]\n\t"
            "adoxq %%rax, %[t6]\n\t"
            /* double the cross products into t1..t7 */
            "xorl %k[t7], %k[t7]\n\t"
            "addq %[t1], %[t1]\n\t"
            "adcq %[t2], %[t2]\n\t"
            "adcq %[t3], %[t3]\n\t"
            "adcq %[t4], %[t4]\n\t"
            "adcq %[t5], %[t5]\n\t"
            "adcq %[t6], %[t6]\n\t"
            "adcq %[t7], %[t7]\n\t"
            /* add the squares a_i^2 at limbs 2i, 2i+1 */
            "movq 0(%[a]), %%rdx\n\t"
            "mulxq %%rdx, %[t0], %[hi]\n\t"
            "addq %[hi], %[t1]\n\t"
            "movq 8(%[a]), %%rdx\n\t"
            "mulxq %%rdx, %[lo], %[hi]\n\t"
            "adcq %[lo], %[t2]\n\t"
            "adcq %[hi], %[t3]\n\t"
            "movq 16(%[a]), %%rdx\n\t"
            "mulxq %%rdx, %[lo], %[hi]\n\t"
            "adcq %[lo], %[t4]\n\t"
            "adcq %[hi], %[t5]\n\t"
            "movq 24(%[a]), %%rdx\n\t"
            "mulxq %%rdx, %[lo], %[hi]\n\t"
            "adcq %[lo], %[t6]\n\t"
            "adcq %[hi], %[t7]\n\t"
            : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4),
              [t5] "=&r"(t5), [t6] "=&r"(t6), [t7] "=&r"(t7), [lo] "=&r"(lo), [hi] "=&r"(hi)
            : [a] "r"(a), "m"(*(const uint64_t(*)[4])a)
            : "rax", "rdx", "cc");
    t[0] = t0;
    t[1] = t1;
    t[2] = t2;
    t[3] = t3;
    t[4] = t4;
    t[5] = t5;
    t[6] = t6;
    t[7] = t7;
}

static inline void fp2_mul_lazy(fp2 *r, const fp2 *x, const fp2 *y)
{
    uint64_t T[24];
    fp sa, sb;
    int_mul_wide(T, x->a.v, y->a.v);
    int_mul_wide(T + 8, x->b.v, y->b.v);
    fp_add_nr(&sa, &x->a, &x->b);
    fp_add_nr(&sb, &y->a, &y->b);
    int_mul_wide(T + 16, sa.v, sb.v);
    fp2_redc_re(&r->a, T);
    fp2_redc_im(&r->b, T);
}

/* Sums and differences of two Fp2 products with one reduction per
 * coefficient: T holds the six 512-bit Karatsuba products of x*y and z*w
 * (0: x0y0, 1: x1y1, 2: (x0+x1)(y0+y1), 3: z0w0, 4: z1w1, 5: (z0+z1)(w0+w1)).
 * Real parts lie in (-2p^2, 2p^2) and get p*2^256 when negative (the
 * borrows of the subtractions say so: the value is above -2^512, so at most
 * one of them is set); the imaginary part of the sum lies in [0, 4p^2) and
 * every prefix of its sum is non-negative. Every REDC input is < p*2^256
 * (4p < 2^256). Generated code (one asm block per coefficient). */
#define REDC_REGS_OPERANDS48                                                    \
    : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), \
      [t5] "=&r"(t5), [t6] "=&r"(t6), [t7] "=&r"(t7), [lo] "=&r"(lo), [hi] "=&r"(hi) \
    : [T] "r"(T), "m"(*(const uint64_t(*)[48])T), [n0] "m"(N0), [p0] "m"(P[0]), \
      [p1] "m"(P[1]), [p2] "m"(P[2]), [p3] "m"(P[3])                             \
    : "rax", "rdx", "cc"

/* re(xy + zw) = (x0y0 + z0w0) - (x1y1 + z1w1) */
__attribute__((always_inline)) static inline void fp2x2_redc_re_add_s(fp *r, const uint64_t T[48])
{
    uint64_t t0, t1, t2, t3, t4, t5, t6, t7, lo, hi;
    __asm__("movq 0(%[T]), %[t0]\n\t"
            "movq 8(%[T]), %[t1]\n\t"
            "movq 16(%[T]), %[t2]\n\t"
            "movq 24(%[T]), %[t3]\n\t"
            "movq 32(%[T]), %[t4]\n\t"
            "movq 40(%[T]), %[t5]\n\t"
            "movq 48(%[T]), %[t6]\n\t"
            "movq 56(%[T]), %[t7]\n\t"
            "addq 192(%[T]), %[t0]\n\t"
            "adcq 200(%[T]), %[t1]\n\t"
            "adcq 208(%[T]), %[t2]\n\t"
            "adcq 216(%[T]), %[t3]\n\t"
            "adcq 224(%[T]), %[t4]\n\t"
            "adcq 232(%[T]), %[t5]\n\t"
            "adcq 240(%[T]), %[t6]\n\t"
            "adcq 248(%[T]), %[t7]\n\t"
            "subq 64(%[T]), %[t0]\n\t"
            "sbbq 72(%[T]), %[t1]\n\t"
            "sbbq 80(%[T]), %[t2]\n\t"
            "sbbq 88(%[T]), %[t3]\n\t"
            "sbbq 96(%[T]), %[t4]\n\t"
            "sbbq 104(%[T]), %[t5]\n\t"
            "sbbq 112(%[T]), %[t6]\n\t"
            "sbbq 120(%[T]), %[t7]\n\t"
            "sbbq %[lo], %[lo]\n\t"
            "subq 256(%[T]), %[t0]\n\t"
            "sbbq 264(%[T]), %[t1]\n\t"
            "sbbq 272(%[T]), %[t2]\n\t"
            "sbbq 280(%[T]), %[t3]\n\t"
            "sbbq 288(%[T]), %[t4]\n\t"
            "sbbq 296(%[T]), %[t5]\n\t"
            "sbbq 304(%[T]), %[t6]\n\t"
            "sbbq 312(%[T]), %[t7]\n\t"
            "sbbq %[hi], %[hi]\n\t"
            "orq %[hi], %[lo]\n\t"
            "movq %[lo], %%rax\n\t" "andq %[p0], %%rax\n\t"
            "movq %[lo], %%rdx\n\t" "andq %[p1], %%rdx\n\t"
            "movq %[lo], %[hi]\n\t" "andq %[p2], %[hi]\n\t"
            "andq %[p3], %[lo]\n\t"
            "addq %%rax, %[t4]\n\t" "adcq %%rdx, %[t5]\n\t"
            "adcq %[hi], %[t6]\n\t" "adcq %[lo], %[t7]\n\t"
            REDC_REGS REDC_REGS_OPERANDS48);
    r->v[0] = t0;
    r->v[1] = t1;
    r->v[2] = t2;
    r->v[3] = t3;
}

/* re(xy - zw) = (x0y0 + z1w1) - (x1y1 + z0w0) */
__attribute__((always_inline)) static inline void fp2x2_redc_re_sub_s(fp *r, const uint64_t T[48])
{
    uint64_t t0, t1, t2, t3, t4, t5, t6, t7, lo, hi;
    __asm__("movq 0(%[T]), %[t0]\n\t"
            "movq 8(%[T]), %[t1]\n\t"
            "movq 16(%[T]), %[t2]\n\t"
            "movq 24(%[T]), %[t3]\n\t"
            "movq 32(%[T]), %[t4]\n\t"
            "movq 40(%[T]), %[t5]\n\t"
            "movq 48(%[T]), %[t6]\n\t"
            "movq 56(%[T]), %[t7]\n\t"
            "addq 256(%[T]), %[t0]\n\t"
            "adcq 264(%[T]), %[t1]\n\t"
            "adcq 272(%[T]), %[t2]\n\t"
            "adcq 280(%[T]), %[t3]\n\t"
            "adcq 288(%[T]), %[t4]\n\t"
            "adcq 296(%[T]), %[t5]\n\t"
            "adcq 304(%[T]), %[t6]\n\t"
            "adcq 312(%[T]), %[t7]\n\t"
            "subq 64(%[T]), %[t0]\n\t"
            "sbbq 72(%[T]), %[t1]\n\t"
            "sbbq 80(%[T]), %[t2]\n\t"
            "sbbq 88(%[T]), %[t3]\n\t"
            "sbbq 96(%[T]), %[t4]\n\t"
            "sbbq 104(%[T]), %[t5]\n\t"
            "sbbq 112(%[T]), %[t6]\n\t"
            "sbbq 120(%[T]), %[t7]\n\t"
            "sbbq %[lo], %[lo]\n\t"
            "subq 192(%[T]), %[t0]\n\t"
            "sbbq 200(%[T]), %[t1]\n\t"
            "sbbq 208(%[T]), %[t2]\n\t"
            "sbbq 216(%[T]), %[t3]\n\t"
            "sbbq 224(%[T]), %[t4]\n\t"
            "sbbq 232(%[T]), %[t5]\n\t"
            "sbbq 240(%[T]), %[t6]\n\t"
            "sbbq 248(%[T]), %[t7]\n\t"
            "sbbq %[hi], %[hi]\n\t"
            "orq %[hi], %[lo]\n\t"
            "movq %[lo], %%rax\n\t" "andq %[p0], %%rax\n\t"
            "movq %[lo], %%rdx\n\t" "andq %[p1], %%rdx\n\t"
            "movq %[lo], %[hi]\n\t" "andq %[p2], %[hi]\n\t"
            "andq %[p3], %[lo]\n\t"
            "addq %%rax, %[t4]\n\t" "adcq %%rdx, %[t5]\n\t"
            "adcq %[hi], %[t6]\n\t" "adcq %[lo], %[t7]\n\t"
            REDC_REGS REDC_REGS_OPERANDS48);
    r->v[0] = t0;
    r->v[1] = t1;
    r->v[2] = t2;
    r->v[3] = t3;
}

/* im(xy + zw) = (T2 + T5) - T0 - T1 - T3 - T4, never negative */
__attribute__((always_inline)) static inline void fp2x2_redc_im_add(fp *r, const uint64_t T[48])
{
    uint64_t t0, t1, t2, t3, t4, t5, t6, t7, lo, hi;
    __asm__("movq 128(%[T]), %[t0]\n\t"
            "movq 136(%[T]), %[t1]\n\t"
            "movq 144(%[T]), %[t2]\n\t"
            "movq 152(%[T]), %[t3]\n\t"
            "movq 160(%[T]), %[t4]\n\t"
            "movq 168(%[T]), %[t5]\n\t"
            "movq 176(%[T]), %[t6]\n\t"
            "movq 184(%[T]), %[t7]\n\t"
            "addq 320(%[T]), %[t0]\n\t"
            "adcq 328(%[T]), %[t1]\n\t"
            "adcq 336(%[T]), %[t2]\n\t"
            "adcq 344(%[T]), %[t3]\n\t"
            "adcq 352(%[T]), %[t4]\n\t"
            "adcq 360(%[T]), %[t5]\n\t"
            "adcq 368(%[T]), %[t6]\n\t"
            "adcq 376(%[T]), %[t7]\n\t"
            "subq 0(%[T]), %[t0]\n\t"
            "sbbq 8(%[T]), %[t1]\n\t"
            "sbbq 16(%[T]), %[t2]\n\t"
            "sbbq 24(%[T]), %[t3]\n\t"
            "sbbq 32(%[T]), %[t4]\n\t"
            "sbbq 40(%[T]), %[t5]\n\t"
            "sbbq 48(%[T]), %[t6]\n\t"
            "sbbq 56(%[T]), %[t7]\n\t"
            "subq 64(%[T]), %[t0]\n\t"
            "sbbq 72(%[T]), %[t1]\n\t"
            "sbbq 80(%[T]), %[t2]\n\t"
            "sbbq 88(%[T]), %[t3]\n\t"
            "sbbq 96(%[T]), %[t4]\n\t"
            "sbbq 104(%[T]), %[t5]\n\t"
            "sbbq 112(%[T]), %[t6]\n\t"
            "sbbq 120(%[T]), %[t7]\n\t"
            "subq 192(%[T]), %[t0]\n\t"
            "sbbq 200(%[T]), %[t1]\n\t"
            "sbbq 208(%[T]), %[t2]\n\t"
            "sbbq 216(%[T]), %[t3]\n\t"
            "sbbq 224(%[T]), %[t4]\n\t"
            "sbbq 232(%[T]), %[t5]\n\t"
            "sbbq 240(%[T]), %[t6]\n\t"
            "sbbq 248(%[T]), %[t7]\n\t"
            "subq 256(%[T]), %[t0]\n\t"
            "sbbq 264(%[T]), %[t1]\n\t"
            "sbbq 272(%[T]), %[t2]\n\t"
            "sbbq 280(%[T]), %[t3]\n\t"
            "sbbq 288(%[T]), %[t4]\n\t"
            "sbbq 296(%[T]), %[t5]\n\t"
            "sbbq 304(%[T]), %[t6]\n\t"
            "sbbq 312(%[T]), %[t7]\n\t"
            REDC_REGS REDC_REGS_OPERANDS48);
    r->v[0] = t0;
    r->v[1] = t1;
    r->v[2] = t2;
    r->v[3] = t3;
}

/* im(xy - zw) = (T2 + T3 + T4) - (T0 + T1 + T5) */
__attribute__((always_inline)) static inline void fp2x2_redc_im_sub_s(fp *r, const uint64_t T[48])
{
    uint64_t t0, t1, t2, t3, t4, t5, t6, t7, lo, hi;
    __asm__("movq 128(%[T]), %[t0]\n\t"
            "movq 136(%[T]), %[t1]\n\t"
            "movq 144(%[T]), %[t2]\n\t"
            "movq 152(%[T]), %[t3]\n\t"
            "movq 160(%[T]), %[t4]\n\t"
            "movq 168(%[T]), %[t5]\n\t"
            "movq 176(%[T]), %[t6]\n\t"
            "movq 184(%[T]), %[t7]\n\t"
            "addq 192(%[T]), %[t0]\n\t"
            "adcq 200(%[T]), %[t1]\n\t"
            "adcq 208(%[T]), %[t2]\n\t"
            "adcq 216(%[T]), %[t3]\n\t"
            "adcq 224(%[T]), %[t4]\n\t"
            "adcq 232(%[T]), %[t5]\n\t"
            "adcq 240(%[T]), %[t6]\n\t"
            "adcq 248(%[T]), %[t7]\n\t"
            "addq 256(%[T]), %[t0]\n\t"
            "adcq 264(%[T]), %[t1]\n\t"
            "adcq 272(%[T]), %[t2]\n\t"
            "adcq 280(%[T]), %[t3]\n\t"
            "adcq 288(%[T]), %[t4]\n\t"
            "adcq 296(%[T]), %[t5]\n\t"
            "adcq 304(%[T]), %[t6]\n\t"
            "adcq 312(%[T]), %[t7]\n\t"
            "subq 0(%[T]), %[t0]\n\t"
            "sbbq 8(%[T]), %[t1]\n\t"
            "sbbq 16(%[T]), %[t2]\n\t"
            "sbbq 24(%[T]), %[t3]\n\t"
            "sbbq 32(%[T]), %[t4]\n\t"
            "sbbq 40(%[T]), %[t5]\n\t"
            "sbbq 48(%[T]), %[t6]\n\t"
            "sbbq 56(%[T]), %[t7]\n\t"
            "sbbq %[lo], %[lo]\n\t"
            "subq 64(%[T]), %[t0]\n\t"
            "sbbq 72(%[T]), %[t1]\n\t"
            "sbbq 80(%[T]), %[t2]\n\t"
            "sbbq 88(%[T]), %[t3]\n\t"
            "sbbq 96(%[T]), %[t4]\n\t"
            "sbbq 104(%[T]), %[t5]\n\t"
            "sbbq 112(%[T]), %[t6]\n\t"
            "sbbq 120(%[T]), %[t7]\n\t"
            "sbbq %[hi], %[hi]\n\t"
            "subq 320(%[T]), %[t0]\n\t"
            "sbbq 328(%[T]), %[t1]\n\t"
            "sbbq 336(%[T]), %[t2]\n\t"
            "sbbq 344(%[T]), %[t3]\n\t"
            "sbbq 352(%[T]), %[t4]\n\t"
            "sbbq 360(%[T]), %[t5]\n\t"
            "sbbq 368(%[T]), %[t6]\n\t"
            "sbbq 376(%[T]), %[t7]\n\t"
            "sbbq %%rax, %%rax\n\t"
            "orq %[hi], %[lo]\n\t"
            "orq %%rax, %[lo]\n\t"
            "movq %[lo], %%rax\n\t" "andq %[p0], %%rax\n\t"
            "movq %[lo], %%rdx\n\t" "andq %[p1], %%rdx\n\t"
            "movq %[lo], %[hi]\n\t" "andq %[p2], %[hi]\n\t"
            "andq %[p3], %[lo]\n\t"
            "addq %%rax, %[t4]\n\t" "adcq %%rdx, %[t5]\n\t"
            "adcq %[hi], %[t6]\n\t" "adcq %[lo], %[t7]\n\t"
            REDC_REGS REDC_REGS_OPERANDS48);
    r->v[0] = t0;
    r->v[1] = t1;
    r->v[2] = t2;
    r->v[3] = t3;
}

/* r = x*y + z*w (sub = 0) or x*y - z*w (sub = 1); sub is a constant at
 * every call site. */
static inline void fp2_mul2_lazy(fp2 *r, const fp2 *x, const fp2 *y, const fp2 *z, const fp2 *w,
                                 int sub)
{
    uint64_t T[48];
    fp s0, s1;
    int_mul_wide(T, x->a.v, y->a.v);
    int_mul_wide(T + 8, x->b.v, y->b.v);
    fp_add_nr(&s0, &x->a, &x->b);
    fp_add_nr(&s1, &y->a, &y->b);
    int_mul_wide(T + 16, s0.v, s1.v);
    int_mul_wide(T + 24, z->a.v, w->a.v);
    int_mul_wide(T + 32, z->b.v, w->b.v);
    fp_add_nr(&s0, &z->a, &z->b);
    fp_add_nr(&s1, &w->a, &w->b);
    int_mul_wide(T + 40, s0.v, s1.v);
    if (sub) {
        fp2x2_redc_re_sub_s(&r->a, T);
        fp2x2_redc_im_sub_s(&r->b, T);
    } else {
        fp2x2_redc_re_add_s(&r->a, T);
        fp2x2_redc_im_add(&r->b, T);
    }
}

#define REDC_REGS_OPERANDS16                                                    \
    : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), \
      [t5] "=&r"(t5), [t6] "=&r"(t6), [t7] "=&r"(t7), [lo] "=&r"(lo), [hi] "=&r"(hi) \
    : [T] "r"(T), "m"(*(const uint64_t(*)[16])T), [n0] "m"(N0), [p0] "m"(P[0]), \
      [p1] "m"(P[1]), [p2] "m"(P[2]), [p3] "m"(P[3])                             \
    : "rax", "rdx", "cc"

/* x*y + z*w and x*y - z*w in Fp with one reduction: T = (xy, zw) as
 * 512-bit products; the sum is < 2p^2, the difference in (-p^2, p^2) gets
 * p*2^256 when negative (borrow). Generated code. */
/* xy + zw */
__attribute__((always_inline)) static inline void fpx2_redc_add(fp *r, const uint64_t T[16])
{
    uint64_t t0, t1, t2, t3, t4, t5, t6, t7, lo, hi;
    __asm__("movq 0(%[T]), %[t0]\n\t"
            "movq 8(%[T]), %[t1]\n\t"
            "movq 16(%[T]), %[t2]\n\t"
            "movq 24(%[T]), %[t3]\n\t"
            "movq 32(%[T]), %[t4]\n\t"
            "movq 40(%[T]), %[t5]\n\t"
            "movq 48(%[T]), %[t6]\n\t"
            "movq 56(%[T]), %[t7]\n\t"
            "addq 64(%[T]), %[t0]\n\t"
            "adcq 72(%[T]), %[t1]\n\t"
            "adcq 80(%[T]), %[t2]\n\t"
            "adcq 88(%[T]), %[t3]\n\t"
            "adcq 96(%[T]), %[t4]\n\t"
            "adcq 104(%[T]), %[t5]\n\t"
            "adcq 112(%[T]), %[t6]\n\t"
            "adcq 120(%[T]), %[t7]\n\t"
            REDC_REGS REDC_REGS_OPERANDS16);
    r->v[0] = t0;
    r->v[1] = t1;
    r->v[2] = t2;
    r->v[3] = t3;
}

/* xy - zw */
__attribute__((always_inline)) static inline void fpx2_redc_sub_s(fp *r, const uint64_t T[16])
{
    uint64_t t0, t1, t2, t3, t4, t5, t6, t7, lo, hi;
    __asm__("movq 0(%[T]), %[t0]\n\t"
            "movq 8(%[T]), %[t1]\n\t"
            "movq 16(%[T]), %[t2]\n\t"
            "movq 24(%[T]), %[t3]\n\t"
            "movq 32(%[T]), %[t4]\n\t"
            "movq 40(%[T]), %[t5]\n\t"
            "movq 48(%[T]), %[t6]\n\t"
            "movq 56(%[T]), %[t7]\n\t"
            "subq 64(%[T]), %[t0]\n\t"
            "sbbq 72(%[T]), %[t1]\n\t"
            "sbbq 80(%[T]), %[t2]\n\t"
            "sbbq 88(%[T]), %[t3]\n\t"
            "sbbq 96(%[T]), %[t4]\n\t"
            "sbbq 104(%[T]), %[t5]\n\t"
            "sbbq 112(%[T]), %[t6]\n\t"
            "sbbq 120(%[T]), %[t7]\n\t"
            "sbbq %[lo], %[lo]\n\t"
            "movq %[lo], %%rax\n\t" "andq %[p0], %%rax\n\t"
            "movq %[lo], %%rdx\n\t" "andq %[p1], %%rdx\n\t"
            "movq %[lo], %[hi]\n\t" "andq %[p2], %[hi]\n\t"
            "andq %[p3], %[lo]\n\t"
            "addq %%rax, %[t4]\n\t" "adcq %%rdx, %[t5]\n\t"
            "adcq %[hi], %[t6]\n\t" "adcq %[lo], %[t7]\n\t"
            REDC_REGS REDC_REGS_OPERANDS16);
    r->v[0] = t0;
    r->v[1] = t1;
    r->v[2] = t2;
    r->v[3] = t3;
}

#endif

static inline void fp_sqr(fp *r, const fp *a)
{
#if BN_ASM && !defined(AVSKEY_NO_LAZY)
    if (avskey_bn254_use_adx > 0) {
        uint64_t t[8];
        int_sqr_wide(t, a->v);
        fp_redc(r, t);
        return;
    }
#endif
    fp_mul(r, a, a);
}

static inline void fp2_mul(fp2 *r, const fp2 *x, const fp2 *y)
{
#if BN_ASM && !defined(AVSKEY_NO_LAZY)
    if (avskey_bn254_use_adx > 0) {
        fp2_mul_lazy(r, x, y);
        return;
    }
#endif
    fp t0, t1, s0, s1;
    fp_mul(&t0, &x->a, &y->a);
    fp_mul(&t1, &x->b, &y->b);
    fp_add_nr(&s0, &x->a, &x->b);
    fp_add_nr(&s1, &y->a, &y->b);
    fp_mul(&s0, &s0, &s1);
    fp_sub(&r->a, &t0, &t1);
    fp_sub(&s0, &s0, &t0);
    fp_sub(&r->b, &s0, &t1);
}
/* r = x*y + z*w, or x*y - z*w when sub (a constant): one reduction on the
 * MULX/ADX path. */
__attribute__((always_inline)) static inline void fp_mul2(fp *r, const fp *x, const fp *y,
                                                           const fp *z, const fp *w, int sub)
{
#if BN_ASM && !defined(AVSKEY_NO_LAZY)
    if (avskey_bn254_use_adx > 0) {
        uint64_t T[16];
        int_mul_wide(T, x->v, y->v);
        int_mul_wide(T + 8, z->v, w->v);
        if (sub) fpx2_redc_sub_s(r, T);
        else fpx2_redc_add(r, T);
        return;
    }
#endif
    fp t, u;
    fp_mul(&t, x, y);
    fp_mul(&u, z, w);
    if (sub) fp_sub(r, &t, &u);
    else fp_add(r, &t, &u);
}
/* r = x*y + z*w, or x*y - z*w when sub (a constant): one reduction per
 * coefficient on the MULX/ADX path. */
static inline void fp2_mul2(fp2 *r, const fp2 *x, const fp2 *y, const fp2 *z, const fp2 *w, int sub)
{
#if BN_ASM && !defined(AVSKEY_NO_LAZY)
    if (avskey_bn254_use_adx > 0) {
        fp2_mul2_lazy(r, x, y, z, w, sub);
        return;
    }
#endif
    fp2 t, u;
    fp2_mul(&t, x, y);
    fp2_mul(&u, z, w);
    if (sub) fp2_sub(r, &t, &u);
    else fp2_add(r, &t, &u);
}
static inline void fp2_sqr(fp2 *r, const fp2 *x)
{
    fp s, d, m;
    fp_add_nr(&s, &x->a, &x->b);
    fp_sub(&d, &x->a, &x->b);
    fp_mul(&m, &x->a, &x->b);
    fp_mul(&r->a, &s, &d);
    fp_dbl(&r->b, &m);
}
__attribute__((always_inline)) static inline void fp2_mul_fp(fp2 *r, const fp2 *x, const fp *y)
{
    fp_mul(&r->a, &x->a, y);
    fp_mul(&r->b, &x->b, y);
}
/* r = x * (9 + u) */
__attribute__((always_inline)) static inline void fp2_mul_xi(fp2 *r, const fp2 *x)
{
    fp a8, b8, ra, rb;
    fp_dbl(&a8, &x->a); fp_dbl(&a8, &a8); fp_dbl(&a8, &a8);
    fp_dbl(&b8, &x->b); fp_dbl(&b8, &b8); fp_dbl(&b8, &b8);
    fp_add(&ra, &a8, &x->a);
    fp_sub(&ra, &ra, &x->b);
    fp_add(&rb, &b8, &x->b);
    fp_add(&rb, &rb, &x->a);
    r->a = ra;
    r->b = rb;
}
static inline void fp2_inv(fp2 *r, const fp2 *x)
{
    fp n, t;
    fp_sqr(&n, &x->a);
    fp_sqr(&t, &x->b);
    fp_add(&n, &n, &t);
    fp_inv(&n, &n);
    fp_mul(&r->a, &x->a, &n);
    fp_mul(&t, &x->b, &n);
    fp_neg(&r->b, &t);
}
static inline uint64_t fp2_is_zero(const fp2 *x) { return fp_is_zero(&x->a) & fp_is_zero(&x->b); }
static inline uint64_t fp2_eq(const fp2 *x, const fp2 *y) { return fp_eq(&x->a, &y->a) & fp_eq(&x->b, &y->b); }
__attribute__((always_inline)) static inline void fp2_cmov(fp2 *r, const fp2 *x, uint64_t f)
{
    fp_cmov(&r->a, &x->a, f);
    fp_cmov(&r->b, &x->b, f);
}
static inline void fp2_set_one(fp2 *r)
{
    r->a = FP_ONE;
    memset(&r->b, 0, sizeof r->b);
}

/* Square root in Fp2 (public data). Returns 1 and r with r^2 = x, or 0. */
static int fp2_sqrt_var(fp2 *r, const fp2 *x)
{
    fp n, t, s, half, x0, x1;
    if (fp_is_zero(&x->b)) {
        if (fp_sqrt(&s, &x->a)) {
            r->a = s;
            memset(&r->b, 0, sizeof r->b);
            return 1;
        }
        /* sqrt(a) = sqrt(-a) * u with -a a square */
        fp_neg(&t, &x->a);
        if (!fp_sqrt(&s, &t)) return 0;
        memset(&r->a, 0, sizeof r->a);
        r->b = s;
        return 1;
    }
    fp_sqr(&n, &x->a);
    fp_sqr(&t, &x->b);
    fp_add(&n, &n, &t);
    if (!fp_sqrt(&s, &n)) return 0;
    fp_set_ui(&half, 2);
    fp_inv(&half, &half);
    fp_add(&t, &x->a, &s);
    fp_mul(&t, &t, &half);
    if (!fp_sqrt(&x0, &t)) {
        fp_sub(&t, &x->a, &s);
        fp_mul(&t, &t, &half);
        if (!fp_sqrt(&x0, &t)) return 0;
    }
    fp_dbl(&t, &x0);
    fp_inv(&t, &t);
    fp_mul(&x1, &x->b, &t);
    fp2 c = {x0, x1}, sq;
    fp2_sqr(&sq, &c);
    if (!fp2_eq(&sq, x)) return 0;
    *r = c;
    return 1;
}

/* gnark E2.LexicographicallyLargest: by A1 unless A1 == 0, then by A0. */
static inline int fp2_is_largest_var(const fp2 *x)
{
    if (fp_is_zero(&x->b)) return fp_is_largest_var(&x->a);
    return fp_is_largest_var(&x->b);
}

/* ---- Fp6 ------------------------------------------------------------------ */

static inline void fp6_add(fp6 *r, const fp6 *x, const fp6 *y)
{
    fp2_add(&r->c0, &x->c0, &y->c0);
    fp2_add(&r->c1, &x->c1, &y->c1);
    fp2_add(&r->c2, &x->c2, &y->c2);
}
static inline void fp6_sub(fp6 *r, const fp6 *x, const fp6 *y)
{
    fp2_sub(&r->c0, &x->c0, &y->c0);
    fp2_sub(&r->c1, &x->c1, &y->c1);
    fp2_sub(&r->c2, &x->c2, &y->c2);
}
static inline void fp6_neg(fp6 *r, const fp6 *x)
{
    fp2_neg(&r->c0, &x->c0);
    fp2_neg(&r->c1, &x->c1);
    fp2_neg(&r->c2, &x->c2);
}
/* r = x * v */
static inline void fp6_mul_v(fp6 *r, const fp6 *x)
{
    fp2 t;
    fp2_mul_xi(&t, &x->c2);
    r->c2 = x->c1;
    r->c1 = x->c0;
    r->c0 = t;
}
static void fp6_mul(fp6 *r, const fp6 *x, const fp6 *y)
{
    fp2 t0, t1, t2, s0, s1, c0, c1, c2;
    fp2_mul(&t0, &x->c0, &y->c0);
    fp2_mul(&t1, &x->c1, &y->c1);
    fp2_mul(&t2, &x->c2, &y->c2);
    fp2_add(&s0, &x->c1, &x->c2);
    fp2_add(&s1, &y->c1, &y->c2);
    fp2_mul(&c0, &s0, &s1);
    fp2_sub(&c0, &c0, &t1);
    fp2_sub(&c0, &c0, &t2);
    fp2_mul_xi(&c0, &c0);
    fp2_add(&c0, &c0, &t0);
    fp2_add(&s0, &x->c0, &x->c1);
    fp2_add(&s1, &y->c0, &y->c1);
    fp2_mul(&c1, &s0, &s1);
    fp2_sub(&c1, &c1, &t0);
    fp2_sub(&c1, &c1, &t1);
    fp2_mul_xi(&s0, &t2);
    fp2_add(&c1, &c1, &s0);
    fp2_add(&s0, &x->c0, &x->c2);
    fp2_add(&s1, &y->c0, &y->c2);
    fp2_mul(&c2, &s0, &s1);
    fp2_sub(&c2, &c2, &t0);
    fp2_sub(&c2, &c2, &t2);
    fp2_add(&c2, &c2, &t1);
    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}
/* Chung-Hasan SQR2 */
static void fp6_sqr(fp6 *r, const fp6 *x)
{
    fp2 s0, s1, s2, s3, s4, t;
    fp2_sqr(&s0, &x->c0);
    fp2_mul(&t, &x->c0, &x->c1);
    fp2_dbl(&s1, &t);
    fp2_sub(&t, &x->c0, &x->c1);
    fp2_add(&t, &t, &x->c2);
    fp2_sqr(&s2, &t);
    fp2_mul(&t, &x->c1, &x->c2);
    fp2_dbl(&s3, &t);
    fp2_sqr(&s4, &x->c2);
    fp2_mul_xi(&t, &s3);
    fp2_add(&r->c0, &s0, &t);
    fp2_mul_xi(&t, &s4);
    fp2_add(&r->c1, &s1, &t);
    fp2_add(&t, &s1, &s2);
    fp2_add(&t, &t, &s3);
    fp2_sub(&t, &t, &s0);
    fp2_sub(&r->c2, &t, &s4);
}
/* r = x * (y0 + y1 v) */
static void fp6_mul_01(fp6 *r, const fp6 *x, const fp2 *y0, const fp2 *y1)
{
    fp2 t0, t1, a2y, s0, s1, c1;
    fp2_mul(&t0, &x->c0, y0);
    fp2_mul(&t1, &x->c1, y1);
    fp2_mul(&a2y, &x->c2, y1);
    fp2_add(&s0, &x->c0, &x->c1);
    fp2_add(&s1, y0, y1);
    fp2_mul(&c1, &s0, &s1);
    fp2_sub(&c1, &c1, &t0);
    fp2_sub(&c1, &c1, &t1);
    fp2_mul(&s0, &x->c2, y0);
    fp2_add(&r->c2, &s0, &t1);
    fp2_mul_xi(&a2y, &a2y);
    fp2_add(&r->c0, &t0, &a2y);
    r->c1 = c1;
}
static inline void fp6_mul_fp2(fp6 *r, const fp6 *x, const fp2 *y)
{
    fp2_mul(&r->c0, &x->c0, y);
    fp2_mul(&r->c1, &x->c1, y);
    fp2_mul(&r->c2, &x->c2, y);
}
static void fp6_inv(fp6 *r, const fp6 *x)
{
    fp2 A, B, C, F, t;
    fp2_sqr(&A, &x->c0);
    fp2_mul(&t, &x->c1, &x->c2);
    fp2_mul_xi(&t, &t);
    fp2_sub(&A, &A, &t);
    fp2_sqr(&B, &x->c2);
    fp2_mul_xi(&B, &B);
    fp2_mul(&t, &x->c0, &x->c1);
    fp2_sub(&B, &B, &t);
    fp2_sqr(&C, &x->c1);
    fp2_mul(&t, &x->c0, &x->c2);
    fp2_sub(&C, &C, &t);
    fp2_mul(&F, &x->c2, &B);
    fp2_mul(&t, &x->c1, &C);
    fp2_add(&F, &F, &t);
    fp2_mul_xi(&F, &F);
    fp2_mul(&t, &x->c0, &A);
    fp2_add(&F, &F, &t);
    fp2_inv(&F, &F);
    fp2_mul(&r->c0, &A, &F);
    fp2_mul(&r->c1, &B, &F);
    fp2_mul(&r->c2, &C, &F);
}

/* ---- Fp12 ----------------------------------------------------------------- */

static inline void fp12_set_one(fp12 *r)
{
    memset(r, 0, sizeof *r);
    r->c0.c0.a = FP_ONE;
}
static void fp12_mul(fp12 *r, const fp12 *x, const fp12 *y)
{
    fp6 t0, t1, s0, s1;
    fp6_mul(&t0, &x->c0, &y->c0);
    fp6_mul(&t1, &x->c1, &y->c1);
    fp6_add(&s0, &x->c0, &x->c1);
    fp6_add(&s1, &y->c0, &y->c1);
    fp6_mul(&s0, &s0, &s1);
    fp6_sub(&s0, &s0, &t0);
    fp6_sub(&r->c1, &s0, &t1);
    fp6_mul_v(&t1, &t1);
    fp6_add(&r->c0, &t0, &t1);
}
static void fp12_sqr(fp12 *r, const fp12 *x)
{
    fp6 t, s0, s1;
    fp6_mul(&t, &x->c0, &x->c1);
    fp6_add(&s0, &x->c0, &x->c1);
    fp6_mul_v(&s1, &x->c1);
    fp6_add(&s1, &s1, &x->c0);
    fp6_mul(&s0, &s0, &s1);
    fp6_sub(&s0, &s0, &t);
    fp6_mul_v(&s1, &t);
    fp6_sub(&r->c0, &s0, &s1);
    fp6_add(&r->c1, &t, &t);
}
static inline void fp12_conj(fp12 *r, const fp12 *x)
{
    r->c0 = x->c0;
    fp6_neg(&r->c1, &x->c1);
}
static void fp12_inv(fp12 *r, const fp12 *x)
{
    fp6 t0, t1;
    fp6_sqr(&t0, &x->c0);
    fp6_sqr(&t1, &x->c1);
    fp6_mul_v(&t1, &t1);
    fp6_sub(&t0, &t0, &t1);
    fp6_inv(&t0, &t0);
    fp6_mul(&r->c0, &x->c0, &t0);
    fp6_mul(&r->c1, &x->c1, &t0);
    fp6_neg(&r->c1, &r->c1);
}
static int fp12_eq_var(const fp12 *x, const fp12 *y)
{
    const fp2 *a = &x->c0.c0, *b = &y->c0.c0;
    uint64_t e = 1;
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 6; i++) e &= fp2_eq(&a[i], &b[i]);
    return (int)e;
}
static int fp12_is_one_var(const fp12 *x)
{
    fp12 one;
    fp12_set_one(&one);
    return fp12_eq_var(x, &one);
}

/* r = x * line, line = l0 + l1 w + l3 w^3 (= (l0,0,0) + (l1,l3,0) w). */
static void fp12_mul_line(fp12 *r, const fp12 *x, const fp2 *l0, const fp2 *l1, const fp2 *l3)
{
    fp6 t0, t1, s;
    fp2 y0;
    fp6_mul_fp2(&t0, &x->c0, l0);
    fp6_mul_01(&t1, &x->c1, l1, l3);
    fp6_add(&s, &x->c0, &x->c1);
    fp2_add(&y0, l0, l1);
    fp6_mul_01(&s, &s, &y0, l3);
    fp6_sub(&s, &s, &t0);
    fp6_sub(&r->c1, &s, &t1);
    fp6_mul_v(&t1, &t1);
    fp6_add(&r->c0, &t0, &t1);
}

/* Frobenius coefficients gamma1[i] = xi^(i(p-1)/6), gamma2[i] = xi^(i(p^2-1)/6)
 * (Montgomery form; gamma2 lies in Fp). */
static const fp2 GAMMA1[6] = {
    {{{0}}, {{0}}},
    {{{0xaf9ba69633144907ULL, 0xca6b1d7387afb78aULL, 0x11bded5ef08a2087ULL, 0x02f34d751a1f3a7cULL}},
     {{0xa222ae234c492d72ULL, 0xd00f02a4565de15bULL, 0xdc2ff3a253dfc926ULL, 0x10a75716b3899551ULL}}},
    {{{0xb5773b104563ab30ULL, 0x347f91c8a9aa6454ULL, 0x7a007127242e0991ULL, 0x1956bcd8118214ecULL}},
     {{0x6e849f1ea0aa4757ULL, 0xaa1c7b6d89f89141ULL, 0xb6e713cdfae0ca3aULL, 0x26694fbb4e82ebc3ULL}}},
    {{{0xe4bbdd0c2936b629ULL, 0xbb30f162e133bacbULL, 0x31a9d1b6f9645366ULL, 0x253570bea500f8ddULL}},
     {{0xa1d77ce45ffe77c7ULL, 0x07affd117826d1dbULL, 0x6d16bd27bb7edc6bULL, 0x2c87200285defeccULL}}},
    {{{0x7361d77f843abe92ULL, 0xa5bb2bd3273411fbULL, 0x9c941f314b3e2399ULL, 0x15df9cddbb9fd3ecULL}},
     {{0x5dddfd154bd8c949ULL, 0x62cb29a5a4445b60ULL, 0x37bc870a0c7dd2b9ULL, 0x24830a9d3171f0fdULL}}},
    {{{0xc970692f41690fe7ULL, 0xe240342127694b0bULL, 0x32bee66b83c459e8ULL, 0x12aabced0ab08841ULL}},
     {{0x0d485d2340aebfa9ULL, 0x05193418ab2fcc57ULL, 0xd3b0a40b8a4910f5ULL, 0x2f21ebb535d2925aULL}}},
};
static const fp GAMMA2[6] = {
    {{0}},
    {{0xca8d800500fa1bf2ULL, 0xf0c5d61468b39769ULL, 0x0e201271ad0d4418ULL, 0x04290f65bad856e6ULL}},
    {{0x3350c88e13e80b9cULL, 0x7dce557cdb5e56b9ULL, 0x6001b4b8b615564aULL, 0x2682e617020217e0ULL}},
    {{0x68c3488912edefaaULL, 0x8d087f6872aabf4fULL, 0x51e1a24709081231ULL, 0x2259d6b14729c0faULL}},
    {{0x71930c11d782e155ULL, 0xa6bb947cffbe3323ULL, 0xaa303344d4741444ULL, 0x2c3b3f0d26594943ULL}},
    {{0x08cfc388c494f1abULL, 0x19b315148d1373d4ULL, 0x584e90fdcb6c0213ULL, 0x09e1685bdf2f8849ULL}},
};

/* Coefficient of w^i: c0.c0=w^0, c1.c0=w^1, c0.c1=w^2, c1.c1=w^3, c0.c2=w^4, c1.c2=w^5 */
static void fp12_frob(fp12 *r, const fp12 *x)
{
    fp2 t;
    fp2_conj(&r->c0.c0, &x->c0.c0);
    fp2_conj(&t, &x->c1.c0); fp2_mul(&r->c1.c0, &t, &GAMMA1[1]);
    fp2_conj(&t, &x->c0.c1); fp2_mul(&r->c0.c1, &t, &GAMMA1[2]);
    fp2_conj(&t, &x->c1.c1); fp2_mul(&r->c1.c1, &t, &GAMMA1[3]);
    fp2_conj(&t, &x->c0.c2); fp2_mul(&r->c0.c2, &t, &GAMMA1[4]);
    fp2_conj(&t, &x->c1.c2); fp2_mul(&r->c1.c2, &t, &GAMMA1[5]);
}
static void fp12_frob2(fp12 *r, const fp12 *x)
{
    r->c0.c0 = x->c0.c0;
    fp2_mul_fp(&r->c1.c0, &x->c1.c0, &GAMMA2[1]);
    fp2_mul_fp(&r->c0.c1, &x->c0.c1, &GAMMA2[2]);
    fp2_mul_fp(&r->c1.c1, &x->c1.c1, &GAMMA2[3]);
    fp2_mul_fp(&r->c0.c2, &x->c0.c2, &GAMMA2[4]);
    fp2_mul_fp(&r->c1.c2, &x->c1.c2, &GAMMA2[5]);
}

/* Granger-Scott squaring for x in the cyclotomic subgroup. Fp12 is viewed
 * as Fp4^3 with Fp4 = Fp2[s]/(s^2 - xi), s = w^3; the three Fp4 elements
 * are (w^0,w^3), (w^1,w^4) scaled by w, (w^2,w^5) scaled by w^2. */
static void fp12_cyc_sqr(fp12 *r, const fp12 *x)
{
    /* pairs (g, h) -> g + h s */
    const fp2 *g0 = &x->c0.c0, *h0 = &x->c1.c1; /* 1   */
    const fp2 *g1 = &x->c1.c0, *h1 = &x->c0.c2; /* w   */
    const fp2 *g2 = &x->c0.c1, *h2 = &x->c1.c2; /* w^2 */
    fp2 A0, A1, B0, B1, C0, C1, t0, t1, t;
    /* Fp4 square of (g,h): (g^2 + xi h^2) + 2gh s */
    fp2_sqr(&t0, g0); fp2_sqr(&t1, h0);
    fp2_add(&t, g0, h0); fp2_sqr(&t, &t); fp2_sub(&t, &t, &t0); fp2_sub(&A1, &t, &t1);
    fp2_mul_xi(&t1, &t1); fp2_add(&A0, &t0, &t1);
    fp2_sqr(&t0, g1); fp2_sqr(&t1, h1);
    fp2_add(&t, g1, h1); fp2_sqr(&t, &t); fp2_sub(&t, &t, &t0); fp2_sub(&B1, &t, &t1);
    fp2_mul_xi(&t1, &t1); fp2_add(&B0, &t0, &t1);
    fp2_sqr(&t0, g2); fp2_sqr(&t1, h2);
    fp2_add(&t, g2, h2); fp2_sqr(&t, &t); fp2_sub(&t, &t, &t0); fp2_sub(&C1, &t, &t1);
    fp2_mul_xi(&t1, &t1); fp2_add(&C0, &t0, &t1);
    /* z0 = 3A - 2 conj-part ... (Granger-Scott, eprint 2009/565 sec. 3.2):
     * new a  = 3 A^2 - 2 conj(a), new b = 3 s C^2 + 2 conj(b),
     * new c  = 3 B^2 - 2 conj(c), with a=(g0,h0), b=(g1,h1), c=(g2,h2)
     * and conj(g + h s) = g - h s. */
    fp12 z;
    /* a' = 3*A - 2*(g0 - h0 s) */
    fp2_sub(&t, &A0, g0); fp2_dbl(&t, &t); fp2_add(&z.c0.c0, &t, &A0);
    fp2_add(&t, &A1, h0); fp2_dbl(&t, &t); fp2_add(&z.c1.c1, &t, &A1);
    /* b' = 3*s*C + 2*(g1 + h1 s)... with s*C = xi*C1 + C0 s */
    fp2 sc0;
    fp2_mul_xi(&sc0, &C1);
    fp2_add(&t, &sc0, g1); fp2_dbl(&t, &t); fp2_add(&z.c1.c0, &t, &sc0);
    fp2_sub(&t, &C0, h1); fp2_dbl(&t, &t); fp2_add(&z.c0.c2, &t, &C0);
    /* c' = 3*B - 2*(g2 - h2 s) */
    fp2_sub(&t, &B0, g2); fp2_dbl(&t, &t); fp2_add(&z.c0.c1, &t, &B0);
    fp2_add(&t, &B1, h2); fp2_dbl(&t, &t); fp2_add(&z.c1.c2, &t, &B1);
    *r = z;
}

#endif
