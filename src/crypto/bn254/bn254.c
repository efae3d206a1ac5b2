/* BN254 curve groups, scalar multiplication, pairing and hash-to-G1.
 * One translation unit: the field code (field_impl.h) and the group code
 * (group_tmpl.h, instantiated for G1 and G2) are static and inline here.
 * Facts used (no code was copied):
 *  - complete addition formulas: Renes-Costello-Batina, eprint 2015/1060;
 *  - Miller-loop line formulas in homogeneous coordinates for a D-type
 *    twist: Aranha, Karabina, Longa, Gebotys, Lopez, eprint 2010/526;
 *  - final exponentiation hard part: Scott, Benger, Charlemagne, Dominguez
 *    Perez, Kachisa, "On the final exponentiation for calculating pairings
 *    on ordinary elliptic curves" (eprint 2008/490);
 *  - cyclotomic squaring: Granger-Scott, eprint 2009/565;
 *  - GLV: Gallant-Lambert-Vanstone 2001; GLS in G2 with the Galbraith-Scott
 *    basis ("Exponentiation in pairing-friendly groups using homomorphisms",
 *    2008); G2 membership test: El Housni, Guillevic, Piellard, eprint
 *    2022/348. Every constant is derived by tools/bn254_constants.py. */
#include "avskey/bn254.h"

#include "field_impl.h"

#include <pthread.h>

/* ---- curve constants ------------------------------------------------------ */

static inline void fp_set_one(fp *r) { *r = FP_ONE; }
static inline void fp_set_b(fp *r) { fp_set_ui(r, 3); }
/* r = 9a (3b with b = 3) */
static inline void fp_mul_b3(fp *r, const fp *a)
{
    fp t;
    fp_dbl(&t, a);
    fp_dbl(&t, &t);
    fp_dbl(&t, &t);
    fp_add(r, &t, a);
}

/* b' = 3/(9+u) and 3b' (Montgomery). */
static const fp2 B_TWIST = {
    {{0x3bf938e377b802a8ULL, 0x020b1b273633535dULL, 0x26b7edf049755260ULL, 0x2514c6324384a86dULL}},
    {{0x38e7ecccd1dcff67ULL, 0x65f0b37d93ce0d3eULL, 0xd749d0dd22ac00aaULL, 0x0141b9ce4a688d4dULL}}};
static const fp2 B3_TWIST = {
    {{0x3baa927cb62e0d6aULL, 0xd71e7c52d1b664fdULL, 0x03873e63d95d4664ULL, 0x0e75b5b1082ab8f4ULL}},
    {{0xaab7c6667596fe35ULL, 0x31d21a78bb6a27baULL, 0x85dd7297680401ffULL, 0x03c52d6adf39a7e9ULL}}};
static inline void fp2_set_b(fp2 *r) { *r = B_TWIST; }
static inline void fp2_mul_b3(fp2 *r, const fp2 *a) { fp2_mul(r, a, &B3_TWIST); }

/* ---- groups ----------------------------------------------------------------- */

#define FE fp
#define FE_(op) fp_##op
#define PT g1p
#define PT_(op) g1_##op
#define PT_DBL_JAC 1 /* msm_ct window doublings in Jacobian coordinates */
#include "group_tmpl.h"
#undef PT_DBL_JAC
#undef FE
#undef FE_
#undef PT
#undef PT_

#define FE fp2
#define FE_(op) fp2_##op
#define PT g2p
#define PT_(op) g2_##op
#define PT_DBL_JAC 1 /* msm_ct window doublings in Jacobian coordinates */
#include "group_tmpl.h"
#undef PT_DBL_JAC
#undef FE
#undef FE_
#undef PT
#undef PT_

static const uint64_t R_ORDER[4] = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL,
                                    0xb85045b68181585dULL, 0x30644e72e131a029ULL};

/* The multiplier is chosen once at load time (a constructor), so threads
 * only ever read avskey_bn254_use_adx; ensure_init() covers callers that run
 * before constructors (none in practice). */
__attribute__((constructor)) static void bn254_probe_cpu(void)
{
    if (avskey_bn254_use_adx < 0) avskey_bn254_use_adx = avskey_bn254_cpu_has_adx();
}

static inline void ensure_init(void)
{
    if (avskey_bn254_use_adx < 0) bn254_probe_cpu();
}

/* ---- scalars ---------------------------------------------------------------- */

/* x -= m if x >= m (n limbs), constant time. */
static void int_csub(uint64_t *x, const uint64_t *m, int n)
{
    uint64_t s[5];
    u128 d = 0;
    for (int i = 0; i < n; i++) {
        d = (u128)x[i] - m[i] - (uint64_t)((d >> 64) & 1);
        s[i] = (uint64_t)d;
    }
    uint64_t keep = (uint64_t)0 - (uint64_t)((d >> 64) & 1); /* borrow: x < m */
    for (int i = 0; i < n; i++) x[i] = (x[i] & keep) | (s[i] & ~keep);
}

/* Reduces x < 2^256 modulo r in constant time (2^256 < 6r). */
static void scalar_reduce(uint64_t x[4])
{
    uint64_t m[4];
    for (int sh = 2; sh >= 0; sh--) {
        /* m = r << sh (fits in 256 bits for sh <= 2) */
        for (int i = 0; i < 4; i++)
            m[i] = (R_ORDER[i] << sh) | (sh && i ? R_ORDER[i - 1] >> (64 - sh) : 0);
        int_csub(x, m, 4);
    }
}

/* out[nx+ny] = x*y */
static void int_mul(uint64_t *out, const uint64_t *x, int nx, const uint64_t *y, int ny)
{
    for (int i = 0; i < nx + ny; i++) out[i] = 0;
    for (int i = 0; i < nx; i++) {
        u128 c = 0;
        for (int j = 0; j < ny; j++) {
            c += (u128)x[i] * y[j] + out[i + j];
            out[i + j] = (uint64_t)c;
            c >>= 64;
        }
        out[i + ny] = (uint64_t)c;
    }
}

/* GLV lattice for lambda (phi(P) = lambda*P, lambda^2 + lambda + 1 = 0 mod r):
 * (a1, b1) = (0x89d3256894d213e3, -|b1|), (a2, b2) = (A2, 0x89d3256894d213e3);
 * G1C = floor(b2*2^256/r), G2C = floor(-b1*2^256/r). */
static const uint64_t GLV_A1B2 = 0x89d3256894d213e3ULL;
static const uint64_t GLV_A2[2] = {0x0be4e1541221250bULL, 0x6f4d8248eeb859fdULL};
static const uint64_t GLV_NB1[2] = {0x8211bbeb7d4f1128ULL, 0x6f4d8248eeb859fcULL};
static const uint64_t GLV_G1C[2] = {0xd91d232ec7e0b3d7ULL, 0x2ULL};
static const uint64_t GLV_G2C[3] = {0x7a7bd9d4391eb18dULL, 0x4ccef014a773d2cfULL, 0x2ULL};

/* magnitude and sign (0/1) of a 192-bit two's complement value known to be
 * in (-2^128, 2^128). */
static void split_sign(uint64_t mag[2], uint64_t *neg, const uint64_t v[3])
{
    uint64_t s = v[2] >> 63, m = (uint64_t)0 - s;
    u128 c = s;
    for (int i = 0; i < 2; i++) {
        c += (u128)(v[i] ^ m);
        mag[i] = (uint64_t)c;
        c >>= 64;
    }
    *neg = s;
}

/* k (< r) = k1 + lambda*k2 mod r, |k1|, |k2| < 2^128. Constant time. */
static void glv_split(uint64_t k1[2], uint64_t *n1, uint64_t k2[2], uint64_t *n2,
                      const uint64_t k[4])
{
    uint64_t w[7], c1[2], c2[3], t[5], v1[3], v2[3];
    int_mul(w, k, 4, GLV_G1C, 2);
    c1[0] = w[4]; c1[1] = w[5];
    int_mul(w, k, 4, GLV_G2C, 3);
    c2[0] = w[4]; c2[1] = w[5]; c2[2] = w[6];
    /* v1 = k - c1*a1 - c2*a2 mod 2^192 */
    uint64_t a1[1] = {GLV_A1B2};
    u128 d;
    int_mul(t, c1, 2, a1, 1);          /* 3 limbs */
    d = 0;
    for (int i = 0; i < 3; i++) {
        d = (u128)k[i] - t[i] - (uint64_t)((d >> 64) & 1);
        v1[i] = (uint64_t)d;
    }
    int_mul(t, c2, 3, GLV_A2, 2);      /* 5 limbs, use low 3 */
    d = 0;
    for (int i = 0; i < 3; i++) {
        d = (u128)v1[i] - t[i] - (uint64_t)((d >> 64) & 1);
        v1[i] = (uint64_t)d;
    }
    /* v2 = c1*|b1| - c2*b2 mod 2^192 */
    int_mul(t, c1, 2, GLV_NB1, 2);
    for (int i = 0; i < 3; i++) v2[i] = t[i];
    int_mul(t, c2, 3, a1, 1);
    d = 0;
    for (int i = 0; i < 3; i++) {
        d = (u128)v2[i] - t[i] - (uint64_t)((d >> 64) & 1);
        v2[i] = (uint64_t)d;
    }
    split_sign(k1, n1, v1);
    split_sign(k2, n2, v2);
    avskey_wipe(w, sizeof w);
    avskey_wipe(t, sizeof t);
    avskey_wipe(v1, sizeof v1);
    avskey_wipe(v2, sizeof v2);
    avskey_wipe(c1, sizeof c1);
    avskey_wipe(c2, sizeof c2);
}

/* G1 endomorphism phi(x, y) = (beta x, y), phi(P) = lambda P. */
static const fp GLV_BETA = {{0x71930c11d782e155ULL, 0xa6bb947cffbe3323ULL,
                             0xaa303344d4741444ULL, 0x2c3b3f0d26594943ULL}};

static void g1_endo(g1p *r, const g1p *p)
{
    fp_mul(&r->X, &p->X, &GLV_BETA);
    r->Y = p->Y;
    r->Z = p->Z;
}

/* Signed base-2^w recoding of k < 2^(wW-1) (2 limbs): W digits in
 * -(2^(w-1)-1)..2^(w-1), least significant first. Constant time (the bit
 * positions are public). */
static void recode_sw(signed char d[40], int W, int w, const uint64_t k[2])
{
    const u128 kk = ((u128)k[1] << 64) | k[0];
    const uint32_t mask = (1u << w) - 1, half = 1u << (w - 1);
    uint32_t carry = 0;
    for (int j = 0; j < W; j++) {
        int bit = w * j;
        uint32_t nib = bit < 128 ? (uint32_t)(kk >> bit) & mask : 0u;
        uint32_t v = nib + carry;      /* 0..2^w */
        carry = (half - v) >> 31;      /* v > 2^(w-1) */
        d[j] = (signed char)((int32_t)v - (int32_t)(carry << w));
    }
}

/* G1: 5-bit windows (26 windows for 128-bit halves, 17-entry tables):
 * 51 additions and 125 doublings against 65 and 128 with 4-bit windows. */
#define GLV_WW 5
#define GLV_W 26 /* 5*26-1 >= 128 */
#define GLV_NT 17

static void g1_mul_glv(g1p *r, const g1p *p, const uint64_t kin[4])
{
    uint64_t k[4], k1[2], k2[2], neg[2];
    g1p tabs[2][GLV_NT];
    signed char dig[2][40];
    memcpy(k, kin, sizeof k);
    scalar_reduce(k);
    glv_split(k1, &neg[0], k2, &neg[1], k);
    recode_sw(dig[0], GLV_W, GLV_WW, k1);
    recode_sw(dig[1], GLV_W, GLV_WW, k2);
    g1_table_n(tabs[0], p, GLV_NT);
    for (int j = 0; j < GLV_NT; j++) g1_endo(&tabs[1][j], &tabs[0][j]);
    g1_msm_ct(r, &tabs[0][0], GLV_NT, (const signed char(*)[40])dig, neg, 2, GLV_W, GLV_WW);
    avskey_wipe(k, sizeof k);
    avskey_wipe(k1, sizeof k1);
    avskey_wipe(k2, sizeof k2);
    avskey_wipe(neg, sizeof neg);
    avskey_wipe(dig, sizeof dig);
    avskey_wipe(tabs, sizeof tabs);
}

/* G2: 4-dimensional GLS with psi (eigenvalue mu = p mod r on G2) and the
 * Galbraith-Scott basis of the lattice {v : sum v_i mu^i = 0 mod r}
 * (rows (u+1, u, u, -2u), (2u+1, -u, -(u+1), -u), (2u, 2u+1, 2u+1, 2u+1),
 * (u-1, 4u+2, -2u+1, u-1); determinant -3r). Babai rounding with
 * c_j = floor(k * ALPHA_j / 2^256), ALPHA_j = |B^-1[0][j]| * 2^256, and
 * k_i = [i == 0] k - sum_j c_j * M[j][i] mod 2^128 with M[j][i] =
 * sign_j * B[j][i]. |k_i| < 2^66 (checked over 10^5 random k in Python and
 * by the unit tests). Constants from tools/bn254_constants.py. */
static const uint64_t GLS_ALPHA[4][4] = {
    {0xd0cb46fd51906254ULL, 0xc444fab18d269b9dULL, 0x0000000000000000ULL, 0x0000000000000000ULL},
    {0x001378f5ee78976dULL, 0x22df9f942d7d77c7ULL, 0x3d00631561b25729ULL, 0x0000000000000001ULL},
    {0x36510546a93478abULL, 0x916fcfca16bebbe4ULL, 0x9e80318ab0d92b94ULL, 0x0000000000000000ULL},
    {0xf7ae23ce89afae7cULL, 0xc444fab18d269b9aULL, 0x0000000000000000ULL, 0x0000000000000000ULL}};
static const uint64_t GLS_M[4][4][2] = {
    {{0x44e992b44a6909f2ULL, 0x0000000000000000ULL}, {0x44e992b44a6909f1ULL, 0x0000000000000000ULL}, {0x44e992b44a6909f1ULL, 0x0000000000000000ULL}, {0x762cda976b2dec1eULL, 0xffffffffffffffffULL}},
    {{0x89d3256894d213e3ULL, 0x0000000000000000ULL}, {0xbb166d4bb596f60fULL, 0xffffffffffffffffULL}, {0xbb166d4bb596f60eULL, 0xffffffffffffffffULL}, {0xbb166d4bb596f60fULL, 0xffffffffffffffffULL}},
    {{0x89d3256894d213e2ULL, 0x0000000000000000ULL}, {0x89d3256894d213e3ULL, 0x0000000000000000ULL}, {0x89d3256894d213e3ULL, 0x0000000000000000ULL}, {0x89d3256894d213e3ULL, 0x0000000000000000ULL}},
    {{0xbb166d4bb596f610ULL, 0xffffffffffffffffULL}, {0xec59b52ed65bd83aULL, 0xfffffffffffffffeULL}, {0x89d3256894d213e1ULL, 0x0000000000000000ULL}, {0xbb166d4bb596f610ULL, 0xffffffffffffffffULL}}};

static void gls4_split(uint64_t kk[4][2], uint64_t neg[4], const uint64_t k[4])
{
    uint64_t w[8], c[4][2];
    for (int j = 0; j < 4; j++) {
        int_mul(w, k, 4, GLS_ALPHA[j], 4);
        c[j][0] = w[4];
        c[j][1] = w[5];
    }
    for (int i = 0; i < 4; i++) {
        uint64_t v0 = i == 0 ? k[0] : 0, v1 = i == 0 ? k[1] : 0;
        for (int j = 0; j < 4; j++) {
            /* (v1:v0) -= c_j * M[j][i] mod 2^128 */
            u128 lo = (u128)c[j][0] * GLS_M[j][i][0];
            uint64_t hi = (uint64_t)(lo >> 64) + c[j][0] * GLS_M[j][i][1] + c[j][1] * GLS_M[j][i][0];
            u128 d = (u128)v0 - (uint64_t)lo;
            v0 = (uint64_t)d;
            v1 = v1 - hi - (uint64_t)((d >> 64) & 1);
        }
        uint64_t s = v1 >> 63, m = (uint64_t)0 - s;
        u128 t = (u128)(v0 ^ m) + s;
        kk[i][0] = (uint64_t)t;
        kk[i][1] = (v1 ^ m) + (uint64_t)(t >> 64);
        neg[i] = s;
    }
    avskey_wipe(w, sizeof w);
    avskey_wipe(c, sizeof c);
}

/* psi(X, Y, Z) = (conj(X) g1[2], conj(Y) g1[3], conj(Z)) on the twist. */
static void g2_psi(g2p *r, const g2p *p)
{
    fp2 t;
    fp2_conj(&t, &p->X);
    fp2_mul(&r->X, &t, &GAMMA1[2]);
    fp2_conj(&t, &p->Y);
    fp2_mul(&r->Y, &t, &GAMMA1[3]);
    fp2_conj(&r->Z, &p->Z);
}

#define GLS_W 17 /* 4*17-1 >= 66 */

static void g2_mul_glv(g2p *r, const g2p *p, const uint64_t kin[4])
{
    uint64_t k[4], kk[4][2], neg[4];
    g2p tabs[4][9];
    signed char dig[4][40];
    memcpy(k, kin, sizeof k);
    scalar_reduce(k);
    gls4_split(kk, neg, k);
    for (int i = 0; i < 4; i++) recode_sw(dig[i], GLS_W, 4, kk[i]);
    g2_table_n(tabs[0], p, 9);
    for (int i = 1; i < 4; i++)
        for (int j = 0; j < 9; j++) g2_psi(&tabs[i][j], &tabs[i - 1][j]);
    g2_msm_ct(r, &tabs[0][0], 9, (const signed char(*)[40])dig, neg, 4, GLS_W, 4);
    avskey_wipe(k, sizeof k);
    avskey_wipe(kk, sizeof kk);
    avskey_wipe(neg, sizeof neg);
    avskey_wipe(dig, sizeof dig);
    avskey_wipe(tabs, sizeof tabs);
}

/* ---- pairing ------------------------------------------------------------------ */

/* r = a/2 */
static inline void fp_half(fp *r, const fp *a)
{
    uint64_t m = (uint64_t)0 - (a->v[0] & 1), t[4];
    u128 c = 0;
    for (int i = 0; i < 4; i++) {
        c += (u128)a->v[i] + (P[i] & m);
        t[i] = (uint64_t)c;
        c >>= 64;
    }
    for (int i = 0; i < 3; i++) r->v[i] = (t[i] >> 1) | (t[i + 1] << 63);
    r->v[3] = (t[3] >> 1) | ((uint64_t)c << 63);
}
static inline void fp2_half(fp2 *r, const fp2 *a)
{
    fp_half(&r->a, &a->a);
    fp_half(&r->b, &a->b);
}

/* A Miller line l0 + l1 w + l3 w^3 before evaluation at P:
 * l0 = c0 * yP, l1 = c1 * xP, l3 = c3. */
typedef struct {
    fp2 c0, c1, c3;
} line_coef;

/* 65 doublings, 21 additions for the non-zero NAF digits, 2 Frobenius lines. */
#define ATE_NLINES 88

typedef struct {
    line_coef l[ATE_NLINES];
    uint64_t n;   /* ATE_NLINES, or 0 for the point at infinity */
} prepared_lines;

typedef struct {
    fp xp, yp;               /* P affine */
    fp2 xq, yq;              /* Q affine (unused with pre) */
    g2p T;
    const line_coef *pre;    /* precomputed lines, or NULL */
} miller_pair;

/* Doubling step: T = 2T and its tangent line (D-twist, homogeneous
 * coordinates; the line is scaled by -2YZ, an Fp2 factor that the final
 * exponentiation removes). */
static void line_dbl(line_coef *c, g2p *T)
{
    fp2 A, B, C, E, F, G, H, t;
    fp2_mul(&A, &T->X, &T->Y);
    fp2_half(&A, &A);
    fp2_sqr(&B, &T->Y);
    fp2_sqr(&C, &T->Z);
    fp2_mul(&E, &C, &B3_TWIST);
    fp2_dbl(&F, &E);
    fp2_add(&F, &F, &E);
    fp2_add(&G, &B, &F);
    fp2_half(&G, &G);
    fp2_add(&H, &T->Y, &T->Z);
    fp2_sqr(&H, &H);
    fp2_sub(&H, &H, &B);
    fp2_sub(&H, &H, &C);
    fp2_sqr(&t, &T->X);
    fp2_dbl(&c->c1, &t);
    fp2_add(&c->c1, &c->c1, &t); /* 3X^2 */
    fp2_neg(&c->c0, &H);         /* -H */
    fp2_sub(&c->c3, &E, &B);
    fp2_sub(&t, &B, &F);
    fp2_mul(&T->X, &A, &t);
    fp2_sqr(&t, &E);
    fp2_dbl(&C, &t);
    fp2_add(&C, &C, &t);
    fp2_sqr(&G, &G);
    fp2_sub(&T->Y, &G, &C);
    fp2_mul(&T->Z, &B, &H);
}

/* Addition step: T = T + (xq, yq) and the chord (scaled by lambda). */
static void line_add(line_coef *c, g2p *T, const fp2 *xq, const fp2 *yq)
{
    fp2 th, la, C, D, E, F, G, H, t;
    fp2_mul(&t, yq, &T->Z);
    fp2_sub(&th, &T->Y, &t);
    fp2_mul(&t, xq, &T->Z);
    fp2_sub(&la, &T->X, &t);
    fp2_sqr(&C, &th);
    fp2_sqr(&D, &la);
    fp2_mul(&E, &la, &D);
    fp2_mul(&F, &T->Z, &C);
    fp2_mul(&G, &T->X, &D);
    fp2_add(&H, &E, &F);
    fp2_sub(&H, &H, &G);
    fp2_sub(&H, &H, &G);
    fp2_mul(&T->X, &la, &H);
    fp2_sub(&t, &G, &H);
    fp2_mul(&t, &t, &th);
    fp2_mul(&C, &T->Y, &E);
    fp2_sub(&T->Y, &t, &C);
    fp2_mul(&T->Z, &T->Z, &E);
    c->c0 = la;
    fp2_neg(&c->c1, &th);
    fp2_mul(&t, &th, xq);
    fp2_mul(&C, &la, yq);
    fp2_sub(&c->c3, &t, &C);
}

/* NAF of 6u+2, most significant digit first (66 digits). */
static const signed char ATE_NAF[66] = {
    1, 0, -1, 0, 1, 0, 0, 0, -1, 0, -1, 0, 0, 0, -1, 0, 1, 0, -1, 0, 0, -1, 0,
    0, 0, 0, 0, 1, 0, 0, -1, 0, 1, 0, 0, -1, 0, 0, 0, 0, -1, 0, 1, 0, 0, 0,
    -1, 0, -1, 0, 0, 1, 0, 0, 0, -1, 0, 0, -1, 0, 1, 0, 1, 0, 0, 0};

#define MILLER_CHUNK 4

/* The line schedule of the optimal ate loop for one Q (affine, not
 * infinity): calls emit(ctx, line) ATE_NLINES times, in loop order. Used
 * both to evaluate on the fly and to precompute. */
static void ate_step_dbl(line_coef *c, g2p *T) { line_dbl(c, T); }

static void ate_step_add(line_coef *c, g2p *T, const fp2 *xq, const fp2 *yq, int digit)
{
    fp2 ny;
    if (digit == 1) {
        line_add(c, T, xq, yq);
    } else {
        fp2_neg(&ny, yq);
        line_add(c, T, xq, &ny);
    }
}

/* Q1 = pi(Q), Q2 = -pi^2(Q) on the twist: the two correction lines. */
static void ate_frob_lines(line_coef *c1, line_coef *c2, g2p *T, const fp2 *xq, const fp2 *yq)
{
    fp2 x1, y1;
    fp2_conj(&x1, xq);
    fp2_mul(&x1, &x1, &GAMMA1[2]);
    fp2_conj(&y1, yq);
    fp2_mul(&y1, &y1, &GAMMA1[3]);
    line_add(c1, T, &x1, &y1);
    fp2_mul_fp(&x1, xq, &GAMMA2[2]);
    fp2_mul_fp(&y1, yq, &GAMMA2[3]);
    fp2_neg(&y1, &y1);
    line_add(c2, T, &x1, &y1);
}

static void prepare_lines(prepared_lines *pl, const fp2 *xq, const fp2 *yq)
{
    g2p T;
    size_t k = 0;
    g2_from_affine(&T, xq, yq);
    for (int i = 1; i < 66; i++) {
        ate_step_dbl(&pl->l[k++], &T);
        if (ATE_NAF[i]) ate_step_add(&pl->l[k++], &T, xq, yq, ATE_NAF[i]);
    }
    ate_frob_lines(&pl->l[k], &pl->l[k + 1], &T, xq, yq);
    pl->n = ATE_NLINES;
}

static inline void mul_by_line(fp12 *acc, const line_coef *c, const miller_pair *m)
{
    fp2 l0, l1;
    fp2_mul_fp(&l0, &c->c0, &m->yp);
    fp2_mul_fp(&l1, &c->c1, &m->xp);
    fp12_mul_line(acc, acc, &l0, &l1, &c->c3);
}

/* f *= prod over pairs of the Miller function f_{6u+2,Q}(P) with the two
 * Frobenius correction lines. Pairs are affine and not at infinity; a pair
 * with pre != NULL takes its lines from the precomputed table. */
static void miller_loop(fp12 *f, miller_pair *m, size_t n)
{
    fp12 acc;
    line_coef c, c2;
    size_t k = 0;
    fp12_set_one(&acc);
    for (size_t j = 0; j < n; j++)
        if (!m[j].pre) g2_from_affine(&m[j].T, &m[j].xq, &m[j].yq);
    for (int i = 1; i < 66; i++) {
        if (i > 1) fp12_sqr(&acc, &acc);
        for (size_t j = 0; j < n; j++) {
            if (m[j].pre) {
                mul_by_line(&acc, &m[j].pre[k], &m[j]);
                if (ATE_NAF[i]) mul_by_line(&acc, &m[j].pre[k + 1], &m[j]);
                continue;
            }
            ate_step_dbl(&c, &m[j].T);
            mul_by_line(&acc, &c, &m[j]);
            if (ATE_NAF[i]) {
                ate_step_add(&c, &m[j].T, &m[j].xq, &m[j].yq, ATE_NAF[i]);
                mul_by_line(&acc, &c, &m[j]);
            }
        }
        k += ATE_NAF[i] ? 2 : 1;
    }
    for (size_t j = 0; j < n; j++) {
        if (m[j].pre) {
            mul_by_line(&acc, &m[j].pre[k], &m[j]);
            mul_by_line(&acc, &m[j].pre[k + 1], &m[j]);
            continue;
        }
        ate_frob_lines(&c, &c2, &m[j].T, &m[j].xq, &m[j].yq);
        mul_by_line(&acc, &c, &m[j]);
        mul_by_line(&acc, &c2, &m[j]);
    }
    fp12_mul(f, f, &acc);
}

/* u = 0x44e992b44a6909f1 in NAF, most significant digit first (63 digits,
 * 24 non-zero); inverses in the cyclotomic subgroup are conjugates. */
static const signed char U_NAF[63] = {
    1, 0, 0, 0, 1, 0, 1, 0, 0, -1, 0, 1, 0, 1, 0, -1, 0, 0, 1, 0, 1, 0, -1, 0, -1, 0, -1, 0, 1, 0, 0, 0,
    1, 0, 0, 1, 0, 1, 0, 1, 0, -1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, -1, 0, 0, 0, 1};

/* r = x^u for x in the cyclotomic subgroup. */
static void fp12_pow_u(fp12 *r, const fp12 *x)
{
    fp12 acc = *x, xc;
    fp12_conj(&xc, x);
    for (int i = 1; i < 63; i++) {
        fp12_cyc_sqr(&acc, &acc);
        if (U_NAF[i] == 1) fp12_mul(&acc, &acc, x);
        else if (U_NAF[i] == -1) fp12_mul(&acc, &acc, &xc);
    }
    *r = acc;
}

static void final_exp(fp12 *r, const fp12 *in)
{
    fp12 t0, t1, t2, fp1, fp2_, fp3, fu, fu2, fu3, y0, y1, y2, y3, y4, y5, y6;
    /* easy part: f^((p^6-1)(p^2+1)) */
    fp12_inv(&t0, in);
    fp12_conj(&t1, in);
    fp12_mul(&t1, &t1, &t0);
    fp12_frob2(&t2, &t1);
    fp12_mul(&t1, &t1, &t2);
    /* hard part (Scott et al.) */
    fp12_frob(&fp1, &t1);
    fp12_frob2(&fp2_, &t1);
    fp12_frob(&fp3, &fp2_);
    fp12_pow_u(&fu, &t1);
    fp12_pow_u(&fu2, &fu);
    fp12_pow_u(&fu3, &fu2);
    fp12_frob(&y3, &fu);
    fp12_frob(&t2, &fu2);     /* fu2p */
    fp12_frob(&t0, &fu3);     /* fu3p */
    fp12_frob2(&y2, &fu2);
    fp12_mul(&y0, &fp1, &fp2_);
    fp12_mul(&y0, &y0, &fp3);
    fp12_conj(&y1, &t1);
    fp12_conj(&y5, &fu2);
    fp12_conj(&y3, &y3);
    fp12_mul(&y4, &fu, &t2);
    fp12_conj(&y4, &y4);
    fp12_mul(&y6, &fu3, &t0);
    fp12_conj(&y6, &y6);
    fp12_cyc_sqr(&t0, &y6);
    fp12_mul(&t0, &t0, &y4);
    fp12_mul(&t0, &t0, &y5);
    fp12_mul(&t1, &y3, &y5);
    fp12_mul(&t1, &t1, &t0);
    fp12_mul(&t0, &t0, &y2);
    fp12_cyc_sqr(&t1, &t1);
    fp12_mul(&t1, &t1, &t0);
    fp12_cyc_sqr(&t1, &t1);
    fp12_mul(&t0, &t1, &y1);
    fp12_mul(&t1, &t1, &y0);
    fp12_cyc_sqr(&t0, &t0);
    fp12_mul(r, &t0, &t1);
}

/* ---- conversions between opaque public structs and internal types ------------- */

_Static_assert(sizeof(avskey_bn254_g1) == sizeof(g1p), "g1 size");
_Static_assert(sizeof(avskey_bn254_g2) == sizeof(g2p), "g2 size");
_Static_assert(sizeof(avskey_bn254_gt) == sizeof(fp12), "gt size");

static inline void g1_in(g1p *r, const avskey_bn254_g1 *p) { memcpy(r, p, sizeof *r); }
static inline void g1_out(avskey_bn254_g1 *r, const g1p *p) { memcpy(r, p, sizeof *r); }
static inline void g2_in(g2p *r, const avskey_bn254_g2 *p) { memcpy(r, p, sizeof *r); }
static inline void g2_out(avskey_bn254_g2 *r, const g2p *p) { memcpy(r, p, sizeof *r); }

/* ---- public API: scalars ------------------------------------------------------ */

int avskey_bn254_fr_from_be(avskey_bn254_fr *out, const uint8_t in[32])
{
    uint64_t x[4];
    be32_to_int(x, in);
    u128 d = 0;
    for (int i = 0; i < 4; i++) d = (u128)x[i] - R_ORDER[i] - (uint64_t)((d >> 64) & 1);
    uint64_t ok = (uint64_t)((d >> 64) & 1), m = (uint64_t)0 - ok;
    for (int i = 0; i < 4; i++) out->d[i] = (x[i] & m) | (out->d[i] & ~m); /* unchanged if !ok */
    avskey_wipe(x, sizeof x);
    return (int)ok;
}

void avskey_bn254_fr_to_be(uint8_t out[32], const avskey_bn254_fr *s) { int_to_be32(out, s->d); }

void avskey_bn254_fr_reduce_be(avskey_bn254_fr *out, const uint8_t in[32])
{
    uint64_t x[4];
    be32_to_int(x, in);
    scalar_reduce(x);
    memcpy(out->d, x, sizeof x);
    avskey_wipe(x, sizeof x);
}

int avskey_bn254_fr_is_zero(const avskey_bn254_fr *s)
{
    uint64_t z = s->d[0] | s->d[1] | s->d[2] | s->d[3];
    return (int)(1 ^ ((z | ((uint64_t)0 - z)) >> 63));
}

/* ---- public API: G1 ------------------------------------------------------------- */

void avskey_bn254_g1_generator(avskey_bn254_g1 *out)
{
    g1p g;
    ensure_init();
    fp_set_ui(&g.X, 1);
    fp_set_ui(&g.Y, 2);
    g.Z = FP_ONE;
    g1_out(out, &g);
}

void avskey_bn254_g1_infinity(avskey_bn254_g1 *out)
{
    g1p g;
    g1_set_inf(&g);
    g1_out(out, &g);
}

int avskey_bn254_g1_is_infinity(const avskey_bn254_g1 *p)
{
    g1p a;
    g1_in(&a, p);
    return (int)g1_is_inf(&a);
}

void avskey_bn254_g1_mul(avskey_bn254_g1 *out, const avskey_bn254_g1 *p, const avskey_bn254_fr *k)
{
    g1p a, r;
    ensure_init();
    g1_in(&a, p);
    g1_mul_glv(&r, &a, k->d);
    g1_out(out, &r);
    avskey_wipe(&r, sizeof r);
    avskey_wipe(&a, sizeof a);
}

void avskey_bn254_g1_mul_var(avskey_bn254_g1 *out, const avskey_bn254_g1 *p,
                             const avskey_bn254_fr *k)
{
    g1p a, r;
    ensure_init();
    g1_in(&a, p);
    g1_mul_var(&r, &a, k->d);
    g1_out(out, &r);
}

void avskey_bn254_g1_add(avskey_bn254_g1 *out, const avskey_bn254_g1 *a, const avskey_bn254_g1 *b)
{
    g1p x, y;
    ensure_init();
    g1_in(&x, a);
    g1_in(&y, b);
    g1_add(&x, &x, &y);
    g1_out(out, &x);
}

void avskey_bn254_g1_neg(avskey_bn254_g1 *out, const avskey_bn254_g1 *p)
{
    g1p x;
    g1_in(&x, p);
    g1_neg(&x, &x);
    g1_out(out, &x);
}

int avskey_bn254_g1_eq_var(const avskey_bn254_g1 *a, const avskey_bn254_g1 *b)
{
    g1p x, y;
    ensure_init();
    g1_in(&x, a);
    g1_in(&y, b);
    return g1_eq_var(&x, &y);
}

void avskey_bn254_g1_to_xy(uint8_t out[64], const avskey_bn254_g1 *p)
{
    g1p a;
    fp x, y;
    ensure_init();
    g1_in(&a, p);
    g1_to_affine(&x, &y, &a);
    fp_to_be(out, &x);
    fp_to_be(out + 32, &y);
}

int avskey_bn254_g1_from_xy_var(avskey_bn254_g1 *out, const uint8_t in[64], int allow_inf)
{
    g1p a;
    fp x, y;
    ensure_init();
    if (!fp_from_be_var(&x, in) || !fp_from_be_var(&y, in + 32)) return 0;
    if (fp_is_zero(&x) && fp_is_zero(&y)) {
        if (!allow_inf) return 0;
        g1_set_inf(&a);
    } else {
        if (!g1_affine_on_curve_var(&x, &y)) return 0;
        g1_from_affine(&a, &x, &y);
    }
    g1_out(out, &a);
    return 1;
}

void avskey_bn254_g1_compress(uint8_t out[32], const avskey_bn254_g1 *p)
{
    g1p a;
    fp x, y;
    ensure_init();
    g1_in(&a, p);
    if (g1_is_inf(&a)) {
        memset(out, 0, 32);
        out[0] = 0x40;
        return;
    }
    g1_to_affine(&x, &y, &a);
    fp_to_be(out, &x);
    out[0] |= fp_is_largest_var(&y) ? 0xc0 : 0x80;
}

int avskey_bn254_g1_decompress_var(avskey_bn254_g1 *out, const uint8_t in[32], int allow_inf)
{
    uint8_t buf[32];
    unsigned flag = in[0] >> 6;
    g1p a;
    fp x, y, t, b;
    ensure_init();
    memcpy(buf, in, 32);
    buf[0] &= 0x3f;
    if (flag == 1) {
        for (int i = 0; i < 32; i++)
            if (buf[i]) return 0;
        if (!allow_inf) return 0;
        g1_set_inf(&a);
        g1_out(out, &a);
        return 1;
    }
    if (flag != 2 && flag != 3) return 0;
    if (!fp_from_be_var(&x, buf)) return 0;
    fp_sqr(&t, &x);
    fp_mul(&t, &t, &x);
    fp_set_b(&b);
    fp_add(&t, &t, &b);
    if (!fp_sqrt(&y, &t)) return 0;
    if (fp_is_largest_var(&y) != (flag == 3)) fp_neg(&y, &y);
    g1_from_affine(&a, &x, &y);
    g1_out(out, &a);
    return 1;
}

/* ---- public API: G2 --------------------------------------------------------------- */

/* EIP-197 G2 generator (decimal in the EIP; hex here, canonical). */
static const uint8_t G2_GEN_RAW[128] = {
    /* X.A1 */
    0x19, 0x8e, 0x93, 0x93, 0x92, 0x0d, 0x48, 0x3a, 0x72, 0x60, 0xbf, 0xb7, 0x31, 0xfb, 0x5d, 0x25,
    0xf1, 0xaa, 0x49, 0x33, 0x35, 0xa9, 0xe7, 0x12, 0x97, 0xe4, 0x85, 0xb7, 0xae, 0xf3, 0x12, 0xc2,
    /* X.A0 */
    0x18, 0x00, 0xde, 0xef, 0x12, 0x1f, 0x1e, 0x76, 0x42, 0x6a, 0x00, 0x66, 0x5e, 0x5c, 0x44, 0x79,
    0x67, 0x43, 0x22, 0xd4, 0xf7, 0x5e, 0xda, 0xdd, 0x46, 0xde, 0xbd, 0x5c, 0xd9, 0x92, 0xf6, 0xed,
    /* Y.A1 */
    0x09, 0x06, 0x89, 0xd0, 0x58, 0x5f, 0xf0, 0x75, 0xec, 0x9e, 0x99, 0xad, 0x69, 0x0c, 0x33, 0x95,
    0xbc, 0x4b, 0x31, 0x33, 0x70, 0xb3, 0x8e, 0xf3, 0x55, 0xac, 0xda, 0xdc, 0xd1, 0x22, 0x97, 0x5b,
    /* Y.A0 */
    0x12, 0xc8, 0x5e, 0xa5, 0xdb, 0x8c, 0x6d, 0xeb, 0x4a, 0xab, 0x71, 0x80, 0x8d, 0xcb, 0x40, 0x8f,
    0xe3, 0xd1, 0xe7, 0x69, 0x0c, 0x43, 0xd3, 0x7b, 0x4c, 0xe6, 0xcc, 0x01, 0x66, 0xfa, 0x7d, 0xaa};

static int fp2_from_be_var(fp2 *r, const uint8_t a1[32], const uint8_t a0[32])
{
    return fp_from_be_var(&r->b, a1) && fp_from_be_var(&r->a, a0);
}

/* [r]Q == O, the definition (variable time). */
static int g2_in_subgroup_slow(const g2p *q)
{
    g2p t;
    g2_mul_var(&t, q, R_ORDER);
    return (int)g2_is_inf(&t);
}

/* Fast test for points on the twist (El Housni, Guillevic, Piellard,
 * eprint 2022/348, BN case): [r]Q == O iff
 *   [u+1]Q + psi([u]Q) + psi^2([u]Q) == psi^3([2u]Q).
 * Cross-checked against [r]Q on points inside and outside G2 by the unit
 * test bn254_g2_subgroup. Variable time. */
static int g2_in_subgroup_int(const g2p *q)
{
    static const uint64_t U4[4] = {0x44e992b44a6909f1ULL, 0, 0, 0};
    g2p uq, lhs, t, rhs;
    g2_mul_var(&uq, q, U4);
    g2_add(&lhs, &uq, q);
    g2_psi(&t, &uq);
    g2_add(&lhs, &lhs, &t);
    g2_psi(&t, &t);
    g2_add(&lhs, &lhs, &t);
    g2_dbl(&rhs, &uq);
    g2_psi(&rhs, &rhs);
    g2_psi(&rhs, &rhs);
    g2_psi(&rhs, &rhs);
    return g2_eq_var(&lhs, &rhs);
}

void avskey_bn254_g2_generator(avskey_bn254_g2 *out)
{
    g2p g;
    fp2 x, y;
    ensure_init();
    if (!fp2_from_be_var(&x, G2_GEN_RAW, G2_GEN_RAW + 32) ||
        !fp2_from_be_var(&y, G2_GEN_RAW + 64, G2_GEN_RAW + 96))
        return; /* cannot happen: constants are canonical */
    g2_from_affine(&g, &x, &y);
    g2_out(out, &g);
}

void avskey_bn254_g2_infinity(avskey_bn254_g2 *out)
{
    g2p g;
    g2_set_inf(&g);
    g2_out(out, &g);
}

int avskey_bn254_g2_is_infinity(const avskey_bn254_g2 *p)
{
    g2p a;
    g2_in(&a, p);
    return (int)g2_is_inf(&a);
}

void avskey_bn254_g2_mul(avskey_bn254_g2 *out, const avskey_bn254_g2 *p, const avskey_bn254_fr *k)
{
    g2p a, r;
    ensure_init();
    g2_in(&a, p);
    g2_mul_glv(&r, &a, k->d);
    g2_out(out, &r);
    avskey_wipe(&r, sizeof r);
    avskey_wipe(&a, sizeof a);
}

void avskey_bn254_g2_mul_var(avskey_bn254_g2 *out, const avskey_bn254_g2 *p,
                             const avskey_bn254_fr *k)
{
    g2p a, r;
    ensure_init();
    g2_in(&a, p);
    g2_mul_var(&r, &a, k->d);
    g2_out(out, &r);
}

void avskey_bn254_g2_add(avskey_bn254_g2 *out, const avskey_bn254_g2 *a, const avskey_bn254_g2 *b)
{
    g2p x, y;
    ensure_init();
    g2_in(&x, a);
    g2_in(&y, b);
    g2_add(&x, &x, &y);
    g2_out(out, &x);
}

void avskey_bn254_g2_neg(avskey_bn254_g2 *out, const avskey_bn254_g2 *p)
{
    g2p x;
    g2_in(&x, p);
    g2_neg(&x, &x);
    g2_out(out, &x);
}

int avskey_bn254_g2_eq_var(const avskey_bn254_g2 *a, const avskey_bn254_g2 *b)
{
    g2p x, y;
    ensure_init();
    g2_in(&x, a);
    g2_in(&y, b);
    return g2_eq_var(&x, &y);
}

static void g2_affine_be(uint8_t xa0[32], uint8_t xa1[32], uint8_t ya0[32], uint8_t ya1[32],
                         const avskey_bn254_g2 *p)
{
    g2p a;
    fp2 x, y;
    ensure_init();
    g2_in(&a, p);
    g2_to_affine(&x, &y, &a);
    fp_to_be(xa0, &x.a);
    fp_to_be(xa1, &x.b);
    fp_to_be(ya0, &y.a);
    fp_to_be(ya1, &y.b);
}

void avskey_bn254_g2_to_coords(uint8_t xa0[32], uint8_t xa1[32], uint8_t ya0[32],
                               uint8_t ya1[32], const avskey_bn254_g2 *p)
{
    g2_affine_be(xa0, xa1, ya0, ya1, p);
}

void avskey_bn254_g2_to_raw(uint8_t out[128], const avskey_bn254_g2 *p)
{
    g2_affine_be(out + 32, out, out + 96, out + 64, p);
}

int avskey_bn254_g2_from_raw_var(avskey_bn254_g2 *out, const uint8_t in[128], int allow_inf)
{
    g2p a;
    fp2 x, y;
    ensure_init();
    if (!fp2_from_be_var(&x, in, in + 32) || !fp2_from_be_var(&y, in + 64, in + 96)) return 0;
    if (fp2_is_zero(&x) && fp2_is_zero(&y)) {
        if (!allow_inf) return 0;
        g2_set_inf(&a);
    } else {
        if (!g2_affine_on_curve_var(&x, &y)) return 0;
        g2_from_affine(&a, &x, &y);
        if (!g2_in_subgroup_int(&a)) return 0;
    }
    g2_out(out, &a);
    return 1;
}

void avskey_bn254_g2_to_eigensdk(uint8_t out[128], const avskey_bn254_g2 *p)
{
    g2_affine_be(out, out + 32, out + 64, out + 96, p);
}

int avskey_bn254_g2_from_eigensdk_var(avskey_bn254_g2 *out, const uint8_t in[128], int allow_inf)
{
    uint8_t raw[128];
    memcpy(raw, in + 32, 32);
    memcpy(raw + 32, in, 32);
    memcpy(raw + 64, in + 96, 32);
    memcpy(raw + 96, in + 64, 32);
    return avskey_bn254_g2_from_raw_var(out, raw, allow_inf);
}

void avskey_bn254_g2_compress(uint8_t out[64], const avskey_bn254_g2 *p)
{
    g2p a;
    fp2 x, y;
    ensure_init();
    g2_in(&a, p);
    if (g2_is_inf(&a)) {
        memset(out, 0, 64);
        out[0] = 0x40;
        return;
    }
    g2_to_affine(&x, &y, &a);
    fp_to_be(out, &x.b);
    fp_to_be(out + 32, &x.a);
    out[0] |= fp2_is_largest_var(&y) ? 0xc0 : 0x80;
}

int avskey_bn254_g2_decompress_var(avskey_bn254_g2 *out, const uint8_t in[64], int allow_inf)
{
    uint8_t buf[64];
    unsigned flag = in[0] >> 6;
    g2p a;
    fp2 x, y, t, b;
    ensure_init();
    memcpy(buf, in, 64);
    buf[0] &= 0x3f;
    if (flag == 1) {
        for (int i = 0; i < 64; i++)
            if (buf[i]) return 0;
        if (!allow_inf) return 0;
        g2_set_inf(&a);
        g2_out(out, &a);
        return 1;
    }
    if (flag != 2 && flag != 3) return 0;
    if (!fp2_from_be_var(&x, buf, buf + 32)) return 0;
    fp2_sqr(&t, &x);
    fp2_mul(&t, &t, &x);
    fp2_set_b(&b);
    fp2_add(&t, &t, &b);
    if (!fp2_sqrt_var(&y, &t)) return 0;
    if (fp2_is_largest_var(&y) != (flag == 3)) fp2_neg(&y, &y);
    g2_from_affine(&a, &x, &y);
    if (!g2_in_subgroup_int(&a)) return 0;
    g2_out(out, &a);
    return 1;
}

int avskey_bn254_g2_in_subgroup_var(const avskey_bn254_g2 *p)
{
    g2p a;
    fp2 x, y;
    ensure_init();
    g2_in(&a, p);
    if (g2_is_inf(&a)) return 1;
    g2_to_affine(&x, &y, &a);
    if (!g2_affine_on_curve_var(&x, &y)) return 0;
    return g2_in_subgroup_int(&a);
}

/* ---- public API: pairing ----------------------------------------------------------- */

/* Multi-Miller loop over n pairs (infinity skipped) and np pairs with
 * precomputed G2 lines, chunked so the state lives on the stack. */
static void miller_multi(fp12 *f, const avskey_bn254_g1 *p, const avskey_bn254_g2 *q, size_t n,
                         const avskey_bn254_g1 *pp, const avskey_bn254_g2_prepared *qp, size_t np)
{
    miller_pair m[MILLER_CHUNK];
    size_t cnt = 0;
    fp12_set_one(f);
    for (size_t i = 0; i < n + np; i++) {
        g1p a;
        g1_in(&a, i < n ? &p[i] : &pp[i - n]);
        if (g1_is_inf(&a)) continue;
        if (i < n) {
            g2p b;
            g2_in(&b, &q[i]);
            if (g2_is_inf(&b)) continue;
            g2_to_affine(&m[cnt].xq, &m[cnt].yq, &b);
            m[cnt].pre = NULL;
        } else {
            const prepared_lines *pl = (const prepared_lines *)(const void *)&qp[i - n];
            if (pl->n != ATE_NLINES) continue; /* infinity */
            m[cnt].pre = pl->l;
        }
        g1_to_affine(&m[cnt].xp, &m[cnt].yp, &a);
        if (++cnt == MILLER_CHUNK) {
            miller_loop(f, m, cnt);
            cnt = 0;
        }
    }
    if (cnt) miller_loop(f, m, cnt);
}

_Static_assert(sizeof(avskey_bn254_g2_prepared) >= sizeof(prepared_lines), "prepared size");
_Static_assert(_Alignof(avskey_bn254_g2_prepared) >= _Alignof(prepared_lines), "prepared align");

void avskey_bn254_g2_prepare(avskey_bn254_g2_prepared *out, const avskey_bn254_g2 *q)
{
    prepared_lines *pl = (prepared_lines *)(void *)out;
    g2p b;
    fp2 x, y;
    ensure_init();
    memset(out, 0, sizeof *out);
    g2_in(&b, q);
    if (g2_is_inf(&b)) return; /* n = 0: the pair contributes 1 */
    g2_to_affine(&x, &y, &b);
    prepare_lines(pl, &x, &y);
}

static avskey_bn254_g2_prepared g2_gen_prepared;
static pthread_once_t g2_gen_once = PTHREAD_ONCE_INIT;

static void g2_gen_prepare(void)
{
    avskey_bn254_g2 g;
    avskey_bn254_g2_generator(&g);
    avskey_bn254_g2_prepare(&g2_gen_prepared, &g);
}

const avskey_bn254_g2_prepared *avskey_bn254_g2_generator_prepared(void)
{
    pthread_once(&g2_gen_once, g2_gen_prepare);
    return &g2_gen_prepared;
}

int avskey_bn254_pairing_check_prepared_var(const avskey_bn254_g1 *p, const avskey_bn254_g2 *q,
                                            size_t n, const avskey_bn254_g1 *pp,
                                            const avskey_bn254_g2_prepared *qp, size_t np)
{
    fp12 f;
    ensure_init();
    miller_multi(&f, p, q, n, pp, qp, np);
    final_exp(&f, &f);
    return fp12_is_one_var(&f);
}

void avskey_bn254_pairing_var(avskey_bn254_gt *out, const avskey_bn254_g1 *p,
                              const avskey_bn254_g2 *q)
{
    fp12 f;
    ensure_init();
    miller_multi(&f, p, q, 1, NULL, NULL, 0);
    final_exp(&f, &f);
    memcpy(out, &f, sizeof f);
}

int avskey_bn254_pairing_check_var(const avskey_bn254_g1 *p, const avskey_bn254_g2 *q, size_t n)
{
    fp12 f;
    ensure_init();
    miller_multi(&f, p, q, n, NULL, NULL, 0);
    final_exp(&f, &f);
    return fp12_is_one_var(&f);
}

int avskey_bn254_gt_eq_var(const avskey_bn254_gt *a, const avskey_bn254_gt *b)
{
    fp12 x, y;
    memcpy(&x, a, sizeof x);
    memcpy(&y, b, sizeof y);
    return fp12_eq_var(&x, &y);
}

int avskey_bn254_gt_is_one_var(const avskey_bn254_gt *a)
{
    fp12 x;
    memcpy(&x, a, sizeof x);
    return fp12_is_one_var(&x);
}

void avskey_bn254_gt_mul(avskey_bn254_gt *out, const avskey_bn254_gt *a, const avskey_bn254_gt *b)
{
    fp12 x, y;
    ensure_init();
    memcpy(&x, a, sizeof x);
    memcpy(&y, b, sizeof y);
    fp12_mul(&x, &x, &y);
    memcpy(out, &x, sizeof x);
}

/* ---- hash to G1 ----------------------------------------------------------------------- */

/* Legendre symbol of a public a < p, variable time: the Jacobi symbol by
 * "positive divsteps" (Bernstein-Yang safegcd with the Jacobi bookkeeping
 * of Pornin / libsecp256k1's jacobi64; f = p, g = a stay non-negative),
 * 62 steps at a time on 64-bit words with a 2x2 transition matrix applied
 * to 62-bit limbs. Returns 1 or -1, or 0 if a == 0 or the loop has not
 * converged (then the caller uses the square root). The Montgomery factor
 * R = 2^256 is a square (p = 7 mod 8), so a Montgomery representative has
 * the symbol of its value. */
typedef struct { int64_t v[5]; } s62;
#define M62 (UINT64_MAX >> 2)

static void int_to_s62(s62 *r, const uint64_t x[4])
{
    r->v[0] = (int64_t)(x[0] & M62);
    r->v[1] = (int64_t)(((x[0] >> 62) | (x[1] << 2)) & M62);
    r->v[2] = (int64_t)(((x[1] >> 60) | (x[2] << 4)) & M62);
    r->v[3] = (int64_t)(((x[2] >> 58) | (x[3] << 6)) & M62);
    r->v[4] = (int64_t)(x[3] >> 56);
}

/* 62 positive divsteps on the low words of f (odd) and g; returns the new
 * eta and the matrix (u v; q r) scaled by 2^62; *jac accumulates sign
 * flips in bit 0. */
static int64_t posdivsteps_62(int64_t eta, uint64_t f, uint64_t g, int64_t t[4], unsigned *jac)
{
    uint64_t u = 1, v = 0, q = 0, r = 1, m, w;
    int i = 62, limit, zeros;
    unsigned j = *jac;
    for (;;) {
        zeros = __builtin_ctzll(g | (UINT64_MAX << i));
        g >>= zeros;
        u <<= zeros;
        v <<= zeros;
        eta -= zeros;
        i -= zeros;
        /* dividing g by 2 flips the symbol when f = 3 or 5 mod 8 */
        j ^= (unsigned)zeros & (unsigned)((f >> 1) ^ (f >> 2));
        if (i == 0) break;
        if (eta < 0) {
            uint64_t tmp;
            eta = -eta;
            tmp = f; f = g; g = tmp;
            tmp = u; u = q; q = tmp;
            tmp = v; v = r; r = tmp;
            /* quadratic reciprocity: flip when both are 3 mod 4 */
            j ^= (unsigned)((f & g) >> 1);
            limit = ((int)eta + 1) > i ? i : ((int)eta + 1);
            m = (UINT64_MAX >> (64 - limit)) & 63u;
            w = (f * g * (f * f - 2)) & m;
        } else {
            limit = ((int)eta + 1) > i ? i : ((int)eta + 1);
            m = (UINT64_MAX >> (64 - limit)) & 15u;
            w = f + (((f + 1) & 4) << 1);
            w = (-w * g) & m;
        }
        g += f * w;
        q += u * w;
        r += v * w;
    }
    t[0] = (int64_t)u;
    t[1] = (int64_t)v;
    t[2] = (int64_t)q;
    t[3] = (int64_t)r;
    *jac = j;
    return eta;
}

/* (f, g) = ((u f + v g), (q f + r g)) / 2^62 on len limbs. */
static void update_fg_62(int len, s62 *f, s62 *g, const int64_t t[4])
{
    __int128 cf, cg;
    int64_t fi = f->v[0], gi = g->v[0];
    cf = (__int128)t[0] * fi + (__int128)t[1] * gi;
    cg = (__int128)t[2] * fi + (__int128)t[3] * gi;
    cf >>= 62;
    cg >>= 62;
    for (int i = 1; i < len; i++) {
        fi = f->v[i];
        gi = g->v[i];
        cf += (__int128)t[0] * fi + (__int128)t[1] * gi;
        cg += (__int128)t[2] * fi + (__int128)t[3] * gi;
        f->v[i - 1] = (int64_t)((uint64_t)cf & M62);
        cf >>= 62;
        g->v[i - 1] = (int64_t)((uint64_t)cg & M62);
        cg >>= 62;
    }
    f->v[len - 1] = (int64_t)cf;
    g->v[len - 1] = (int64_t)cg;
}

static int fp_legendre_var(const fp *a)
{
    static const uint64_t PI[4] = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL,
                                   0xb85045b68181585dULL, 0x30644e72e131a029ULL};
    s62 f, g;
    int64_t t[4], eta = -1;
    unsigned jac = 0;
    int len = 5;
    if (fp_is_zero(a)) return 0;
    int_to_s62(&f, PI);
    int_to_s62(&g, a->v);
    for (int count = 0; count < 25; count++) {
        eta = posdivsteps_62(eta, (uint64_t)f.v[0] | ((uint64_t)f.v[1] << 62),
                             (uint64_t)g.v[0] | ((uint64_t)g.v[1] << 62), t, &jac);
        update_fg_62(len, &f, &g, t);
        if (f.v[0] == 1) {
            int64_t c = 0;
            for (int j = 1; j < len; j++) c |= f.v[j];
            if (c == 0) return 1 - 2 * (int)(jac & 1);
        }
        if (len > 1 && (f.v[len - 1] | g.v[len - 1]) == 0) len--;
    }
    return 0;
}

void avskey_bn254_hash_to_g1_var(avskey_bn254_g1 *out, const uint8_t digest[32])
{
    uint64_t xi[4];
    fp x, y, t, b, one;
    g1p a;
    ensure_init();
    be32_to_int(xi, digest);
    while (!int_lt_p(xi)) int_csub(xi, P, 4);
    fp_from_int(&x, xi);
    fp_set_b(&b);
    one = FP_ONE;
    for (;;) {
        fp_sqr(&t, &x);
        fp_mul(&t, &t, &x);
        fp_add(&t, &t, &b);
        /* a non-square is rejected by the Legendre symbol (about 4x cheaper
         * than the exponentiation); the root is computed once */
        if (fp_legendre_var(&t) != -1 && fp_sqrt(&y, &t)) break;
        fp_add(&x, &x, &one);
    }
    g1_from_affine(&a, &x, &y);
    g1_out(out, &a);
}

/* ---- test hooks ------------------------------------------------------------------------ */

void avskey_bn254_test_fp_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
    fp x, y;
    ensure_init();
    fp_from_int(&x, a);
    fp_from_int(&y, b);
    fp_mul(&x, &x, &y);
    fp_to_int(r, &x);
}

int avskey_bn254_test_fp_legendre(const uint64_t a[4])
{
    fp x;
    memcpy(x.v, a, sizeof x.v);
    return fp_legendre_var(&x);
}

void avskey_bn254_test_fp_inv_fermat(uint64_t r[4], const uint64_t a[4])
{
    fp x;
    ensure_init();
    fp_from_int(&x, a);
    fp_inv_fermat(&x, &x);
    fp_to_int(r, &x);
}

void avskey_bn254_test_fp_inv(uint64_t r[4], const uint64_t a[4])
{
    fp x;
    ensure_init();
    fp_from_int(&x, a);
    fp_inv(&x, &x);
    fp_to_int(r, &x);
}

int avskey_bn254_test_fp_sqrt(uint64_t r[4], const uint64_t a[4])
{
    fp x, y;
    ensure_init();
    fp_from_int(&x, a);
    int ok = fp_sqrt(&y, &x);
    fp_to_int(r, &y);
    return ok;
}

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

int avskey_bn254_test_cyclotomic(uint64_t seed)
{
    fp12 x, y, a, b;
    uint64_t s = seed | 1;
    fp *c = &x.c0.c0.a;
    ensure_init();
    for (int i = 0; i < 12; i++) {
        uint64_t v[4] = {xorshift(&s), xorshift(&s), xorshift(&s), xorshift(&s) >> 4};
        fp_from_int(&c[i], v);
    }
    /* into the cyclotomic subgroup */
    fp12_inv(&y, &x);
    fp12_conj(&x, &x);
    fp12_mul(&x, &x, &y);
    fp12_frob2(&y, &x);
    fp12_mul(&x, &x, &y);
    fp12_sqr(&a, &x);
    fp12_cyc_sqr(&b, &x);
    /* sanity of frobenius: x^(p^6) = conj(x) for unitary x: frob2^3 == conj */
    fp12_frob2(&y, &x);
    fp12_frob2(&y, &y);
    fp12_frob2(&y, &y);
    fp12 z;
    fp12_conj(&z, &x);
    fp12 w;
    fp12_frob(&w, &x);
    fp12_frob(&w, &w);
    fp12 v;
    fp12_frob2(&v, &x);
    return fp12_eq_var(&a, &b) && fp12_eq_var(&y, &z) && fp12_eq_var(&w, &v);
}

int avskey_bn254_test_glv(uint64_t k1[2], int *neg1, uint64_t k2[2], int *neg2, const uint64_t k[4])
{
    uint64_t n1, n2, kk[4];
    memcpy(kk, k, sizeof kk);
    scalar_reduce(kk);
    glv_split(k1, &n1, k2, &n2, kk);
    *neg1 = (int)n1;
    *neg2 = (int)n2;
    int bits = 0;
    for (int i = 127; i >= 0; i--)
        if (((k1[i / 64] | k2[i / 64]) >> (i % 64)) & 1) { bits = i + 1; break; }
    return bits;
}

void avskey_bn254_test_g1_mul_plain(avskey_bn254_g1 *out, const avskey_bn254_g1 *p,
                                    const uint64_t k[4])
{
    g1p a, r;
    ensure_init();
    g1_in(&a, p);
    g1_mul_ct(&r, &a, k);
    g1_out(out, &r);
}

void avskey_bn254_test_g2_mul_plain(avskey_bn254_g2 *out, const avskey_bn254_g2 *p,
                                    const uint64_t k[4])
{
    g2p a, r;
    ensure_init();
    g2_in(&a, p);
    g2_mul_ct(&r, &a, k);
    g2_out(out, &r);
}

void avskey_bn254_test_g2_from_affine_unchecked(avskey_bn254_g2 *out, const uint8_t raw[128])
{
    g2p a;
    fp2 x, y;
    ensure_init();
    if (!fp2_from_be_var(&x, raw, raw + 32) || !fp2_from_be_var(&y, raw + 64, raw + 96)) return;
    g2_from_affine(&a, &x, &y);
    g2_out(out, &a);
}

int avskey_bn254_test_g2_on_twist_xonly(uint8_t raw_out[128], const uint8_t xa1[32],
                                        const uint8_t xa0[32])
{
    fp2 x, y, t, b;
    ensure_init();
    if (!fp2_from_be_var(&x, xa1, xa0)) return 0;
    fp2_sqr(&t, &x);
    fp2_mul(&t, &t, &x);
    fp2_set_b(&b);
    fp2_add(&t, &t, &b);
    if (!fp2_sqrt_var(&y, &t)) return 0;
    fp_to_be(raw_out, &x.b);
    fp_to_be(raw_out + 32, &x.a);
    fp_to_be(raw_out + 64, &y.b);
    fp_to_be(raw_out + 96, &y.a);
    return 1;
}

void avskey_bn254_bench_fp_mul_chain(uint64_t x[4], const uint64_t y[4], uint64_t n)
{
    fp a, b;
    ensure_init();
    memcpy(a.v, x, 32);
    memcpy(b.v, y, 32);
    for (uint64_t i = 0; i < n; i++) fp_mul(&a, &a, &b);
    memcpy(x, a.v, 32);
}

void avskey_bn254_test_fp2_mul(uint64_t r[8], const uint64_t a[8], const uint64_t b[8])
{
    fp2 x, y;
    ensure_init();
    fp_from_int(&x.a, a);
    fp_from_int(&x.b, a + 4);
    fp_from_int(&y.a, b);
    fp_from_int(&y.b, b + 4);
    fp2_mul(&x, &x, &y);
    fp_to_int(r, &x.a);
    fp_to_int(r + 4, &x.b);
}

void avskey_bn254_test_fp_mul2(uint64_t r[4], const uint64_t a[4], const uint64_t b[4],
                               const uint64_t c[4], const uint64_t d[4], int sub)
{
    fp x, y, z, w;
    ensure_init();
    fp_from_int(&x, a);
    fp_from_int(&y, b);
    fp_from_int(&z, c);
    fp_from_int(&w, d);
    fp_mul2(&x, &x, &y, &z, &w, sub);
    fp_to_int(r, &x);
}

void avskey_bn254_test_fp2_mul2(uint64_t r[8], const uint64_t a[8], const uint64_t b[8],
                                const uint64_t c[8], const uint64_t d[8], int sub)
{
    fp2 x, y, z, w;
    ensure_init();
    fp_from_int(&x.a, a);
    fp_from_int(&x.b, a + 4);
    fp_from_int(&y.a, b);
    fp_from_int(&y.b, b + 4);
    fp_from_int(&z.a, c);
    fp_from_int(&z.b, c + 4);
    fp_from_int(&w.a, d);
    fp_from_int(&w.b, d + 4);
    fp2_mul2(&x, &x, &y, &z, &w, sub);
    fp_to_int(r, &x.a);
    fp_to_int(r + 4, &x.b);
}

int avskey_bn254_test_gls4(uint64_t kk[4][2], int neg[4], const uint64_t k[4])
{
    uint64_t n[4], kr[4];
    memcpy(kr, k, sizeof kr);
    scalar_reduce(kr);
    gls4_split(kk, n, kr);
    int bits = 0;
    for (int i = 0; i < 4; i++) {
        neg[i] = (int)n[i];
        for (int b = 127; b >= 0; b--)
            if ((kk[i][b / 64] >> (b % 64)) & 1) {
                if (b + 1 > bits) bits = b + 1;
                break;
            }
    }
    return bits;
}

int avskey_bn254_test_g2_subgroup(const avskey_bn254_g2 *p, int *slow)
{
    g2p a;
    ensure_init();
    g2_in(&a, p);
    *slow = g2_in_subgroup_slow(&a);
    return g2_in_subgroup_int(&a);
}

void avskey_bn254_test_fp_sqr(uint64_t r[4], const uint64_t a[4])
{
    fp x;
    ensure_init();
    fp_from_int(&x, a);
    fp_sqr(&x, &x);
    fp_to_int(r, &x);
}
