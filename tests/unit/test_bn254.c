/* BN254 field, group and pairing tests. */
#include "test.h"

#include "avskey/bn254.h"
#include "crypto/bn254/internal.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd64(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static const uint64_t P_INT[4] = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL,
                                  0xb85045b68181585dULL, 0x30644e72e131a029ULL};
static const uint64_t R_INT[4] = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL,
                                  0xb85045b68181585dULL, 0x30644e72e131a029ULL};
static void rnd_fp(uint64_t x[4])
{
    for (int i = 0; i < 4; i++) x[i] = rnd64();
    x[3] &= 0x1fffffffffffffffULL; /* < 2^253 < p */
}
static void rnd_fr(avskey_bn254_fr *k)
{
    uint8_t b[32];
    for (int i = 0; i < 32; i++) b[i] = (uint8_t)rnd64();
    avskey_bn254_fr_reduce_be(k, b);
}

/* a*b mod p computed with Python. */
static const uint64_t FP_MUL_KAT[4][3][4] = {
    {{0x1818e811892f902bULL, 0x9531985d5d9dc9f8ULL, 0xe8e25d940ed90475ULL, 0x0dbd9d7381e74ef5ULL}, {0x1600a35a099950d8ULL, 0x6b0d549b6f03675aULL, 0x3d9c172411e20b8fULL, 0x23445bb31738f7d9ULL}, {0x5da865ec83854981ULL, 0xf6e6f0e704912884ULL, 0xdce81b3d1e6ccd7cULL, 0x21e24601bc9e3063ULL}},
    {{0x0f21ddb66cad4a26ULL, 0x90c192cfd3ac94afULL, 0xf28c105d1fb17c23ULL, 0x285c2cce39263059ULL}, {0x953f48f1a09f76b5ULL, 0x0fd630f1f29d0da9ULL, 0x95e60af593bd04cfULL, 0x032c78a7658cda14ULL}, {0x75783d85c2e5517fULL, 0x25072ed34d0b04b9ULL, 0x9721b56b868149cdULL, 0x2baf73c6e59249f4ULL}},
    {{0x3898d190f9ebdaccULL, 0x8e81973e0becd7b0ULL, 0x2217beaddbc496cbULL, 0x1ad32c904a23d596ULL}, {0x8a6a63ec24ede6a4ULL, 0x922766581e27a1c0ULL, 0x8f6d05584ef8aa38ULL, 0x2ba5eea5d0eda82fULL}, {0x3289bda5c2331f79ULL, 0x6d6e33f3a11f3eceULL, 0xb9a40f57335d113aULL, 0x2f1a1b7030faf0b6ULL}},
    {{0x3c208c16d87cfd46ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL}, {0x3c208c16d87cfd46ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL}, {1, 0, 0, 0}},
};

static void fp_kat_all(void)
{
    for (int i = 0; i < 4; i++) {
        uint64_t r[4];
        avskey_bn254_test_fp_mul(r, FP_MUL_KAT[i][0], FP_MUL_KAT[i][1]);
        CHECK(memcmp(r, FP_MUL_KAT[i][2], 32) == 0);
    }
}

TEST(bn254_fp)
{
    int saved = avskey_bn254_use_adx;
    avskey_bn254_use_adx = 0;
    fp_kat_all();
    avskey_bn254_use_adx = avskey_bn254_cpu_has_adx();
    fp_kat_all();
    for (int i = 0; i < 200; i++) {
        uint64_t a[4], inv[4], r[4], s[4], sq[4];
        rnd_fp(a);
        if (!(a[0] | a[1] | a[2] | a[3])) continue;
        avskey_bn254_test_fp_inv(inv, a);
        avskey_bn254_test_fp_mul(r, a, inv);
        CHECK(r[0] == 1 && r[1] == 0 && r[2] == 0 && r[3] == 0);
        avskey_bn254_test_fp_mul(sq, a, a);
        CHECK(avskey_bn254_test_fp_sqrt(s, sq) == 1);
        avskey_bn254_test_fp_mul(r, s, s);
        CHECK(memcmp(r, sq, 32) == 0);
    }
    /* -1 is not a square (p = 3 mod 4) */
    uint64_t m1[4] = {P_INT[0] - 1, P_INT[1], P_INT[2], P_INT[3]}, s[4];
    CHECK(avskey_bn254_test_fp_sqrt(s, m1) == 0);
    avskey_bn254_use_adx = saved;
}

/* Constant-time divsteps inversion against Fermat's a^(p-2). */
TEST(bn254_fp_inv_divsteps)
{
    uint64_t r1[4], r2[4];
    for (int i = 0; i < 20000; i++) {
        uint64_t a[4];
        rnd_fp(a);
        switch (i % 8) {
        case 1: for (int j = 0; j < 4; j++) a[j] = P_INT[j]; a[0] -= (uint64_t)(1 + i % 1000); break;
        case 2: a[1] = a[2] = a[3] = 0; a[0] = (uint64_t)i; break;
        case 3: memset(a, 0, sizeof a); a[(i / 8) % 4] = (uint64_t)1 << ((i / 32) % 64); break;
        case 4: a[3] = 0x30644e72e131a029ULL; a[2] = 0xb85045b68181585dULL; break; /* > p? */
        default: break;
        }
        /* canonical inputs only */
        int ge = 0;
        for (int j = 3; j >= 0; j--) {
            if (a[j] != P_INT[j]) { ge = a[j] > P_INT[j]; break; }
            if (j == 0) ge = 1;
        }
        if (ge) continue;
        avskey_bn254_test_fp_inv(r1, a);
        avskey_bn254_test_fp_inv_fermat(r2, a);
        CHECK(memcmp(r1, r2, 32) == 0);
    }
    uint64_t z[4] = {0, 0, 0, 0};
    avskey_bn254_test_fp_inv(r1, z);
    CHECK(memcmp(r1, z, 32) == 0);
}

/* The Legendre symbol (divsteps) against the square root (exponentiation). */
TEST(bn254_fp_legendre)
{
    uint64_t z[4] = {0, 0, 0, 0}, one[4] = {1, 0, 0, 0}, two[4] = {2, 0, 0, 0};
    uint64_t m1[4] = {P_INT[0] - 1, P_INT[1], P_INT[2], P_INT[3]}, s[4];
    CHECK(avskey_bn254_test_fp_legendre(z) == 0);
    CHECK(avskey_bn254_test_fp_legendre(one) == 1);
    CHECK(avskey_bn254_test_fp_legendre(two) == 1);  /* p = 7 mod 8 */
    CHECK(avskey_bn254_test_fp_legendre(m1) == -1);  /* p = 3 mod 4 */
    int seen[2] = {0, 0};
    for (int i = 0; i < 20000; i++) {
        uint64_t a[4], sq[4];
        rnd_fp(a);
        if (i % 3 == 1) { for (int j = 0; j < 4; j++) a[j] = P_INT[j]; a[0] -= (uint64_t)(1 + i % 97); }
        if (i % 5 == 2) { a[1] = a[2] = a[3] = 0; a[0] &= 0xffff; a[0] |= 1; }
        if (!(a[0] | a[1] | a[2] | a[3])) continue;
        int l = avskey_bn254_test_fp_legendre(a);
        int q = avskey_bn254_test_fp_sqrt(s, a);
        CHECK(l == (q ? 1 : -1));
        seen[q]++;
        avskey_bn254_test_fp_mul(sq, a, a);
        CHECK(avskey_bn254_test_fp_legendre(sq) == 1);
    }
    CHECK(seen[0] > 1000 && seen[1] > 1000);
}

TEST(bn254_fp_adx_vs_portable)
{
    if (!avskey_bn254_cpu_has_adx()) {
        fprintf(stderr, "  (no ADX/BMI2 on this CPU: portable path only)\n");
        return;
    }
    int saved = avskey_bn254_use_adx, bad = 0;
    for (int i = 0; i < 20000; i++) {
        uint64_t a[4], b[4], r1[4], r2[4];
        rnd_fp(a);
        rnd_fp(b);
        if (i < 4) { /* edges: p-1 and 0 */
            memcpy(a, P_INT, 32);
            a[0] -= (uint64_t)(1 + (i & 1));
            if (i & 2) memset(b, 0, 32);
        }
        avskey_bn254_use_adx = 0;
        avskey_bn254_test_fp_mul(r1, a, b);
        avskey_bn254_use_adx = 1;
        avskey_bn254_test_fp_mul(r2, a, b);
        bad += memcmp(r1, r2, 32) != 0;
        /* squaring: dedicated asm vs portable a*a */
        avskey_bn254_use_adx = 0;
        avskey_bn254_test_fp_sqr(r1, a);
        avskey_bn254_use_adx = 1;
        avskey_bn254_test_fp_sqr(r2, a);
        bad += memcmp(r1, r2, 32) != 0;
    }
    CHECK(bad == 0);
    /* Fp2 products (lazy reduction on the ADX path) */
    for (int i = 0; i < 5000; i++) {
        uint64_t a[8], b[8], r1[8], r2[8];
        rnd_fp(a);
        rnd_fp(a + 4);
        rnd_fp(b);
        rnd_fp(b + 4);
        if (i < 16) { /* p-1 / 0 in every position */
            uint64_t *v[4] = {a, a + 4, b, b + 4};
            for (int j = 0; j < 4; j++) {
                if ((i >> j) & 1) {
                    memcpy(v[j], P_INT, 32);
                    v[j][0] -= 1;
                } else if (i & 8) {
                    memset(v[j], 0, 32);
                }
            }
        }
        avskey_bn254_use_adx = 0;
        avskey_bn254_test_fp2_mul(r1, a, b);
        avskey_bn254_use_adx = 1;
        avskey_bn254_test_fp2_mul(r2, a, b);
        bad += memcmp(r1, r2, 64) != 0;
    }
    CHECK(bad == 0);
    /* sums / differences of two Fp2 products (one reduction per coefficient
     * on the ADX path) against the portable products */
    for (int i = 0; i < 20000; i++) {
        uint64_t v[4][8], r1[8], r2[8];
        for (int j = 0; j < 4; j++) {
            rnd_fp(v[j]);
            rnd_fp(v[j] + 4);
        }
        if (i < 512) { /* 0 / p-1 patterns in the eight coordinates */
            for (int j = 0; j < 8; j++) {
                uint64_t *c = v[j / 2] + 4 * (j % 2);
                if ((i >> j) & 1) {
                    memcpy(c, P_INT, 32);
                    c[0] -= 1;
                } else if (i & 256) {
                    memset(c, 0, 32);
                }
            }
        }
        int sub = i & 1;
        avskey_bn254_use_adx = 0;
        avskey_bn254_test_fp2_mul2(r1, v[0], v[1], v[2], v[3], sub);
        avskey_bn254_use_adx = 1;
        avskey_bn254_test_fp2_mul2(r2, v[0], v[1], v[2], v[3], sub);
        bad += memcmp(r1, r2, 64) != 0;
        avskey_bn254_use_adx = 0;
        avskey_bn254_test_fp_mul2(r1, v[0], v[1], v[2], v[3], sub);
        avskey_bn254_use_adx = 1;
        avskey_bn254_test_fp_mul2(r2, v[0], v[1], v[2], v[3], sub);
        bad += memcmp(r1, r2, 32) != 0;
    }
    CHECK(bad == 0);
    /* whole pairings agree as well */
    avskey_bn254_g1 g;
    avskey_bn254_g2 q;
    avskey_bn254_gt e1, e2;
    avskey_bn254_g1_generator(&g);
    avskey_bn254_g2_generator(&q);
    avskey_bn254_use_adx = 0;
    avskey_bn254_pairing_var(&e1, &g, &q);
    avskey_bn254_use_adx = 1;
    avskey_bn254_pairing_var(&e2, &g, &q);
    CHECK(avskey_bn254_gt_eq_var(&e1, &e2));
    avskey_bn254_use_adx = saved;
}

TEST(bn254_fp12_cyclotomic)
{
    for (uint64_t s = 1; s < 6; s++) CHECK(avskey_bn254_test_cyclotomic(s * 7919));
}

TEST(bn254_glv_bounds)
{
    uint64_t k1[2], k2[2], k[4];
    int n1, n2, maxbits = 0;
    for (int i = 0; i < 2000; i++) {
        avskey_bn254_fr f;
        rnd_fr(&f);
        memcpy(k, f.d, 32);
        if (i == 0) memset(k, 0, 32);
        if (i == 1) { memcpy(k, R_INT, 32); k[0] -= 1; }
        if (i == 2) memcpy(k, R_INT, 32);
        if (i == 3) memset(k, 0xff, 32);
        int b = avskey_bn254_test_glv(k1, &n1, k2, &n2, k);
        if (b > maxbits) maxbits = b;
    }
    CHECK(maxbits <= 128);
    CHECK(maxbits >= 120);
    /* G2: 4-dimensional split, |k_i| < 2^66 */
    maxbits = 0;
    for (int i = 0; i < 2000; i++) {
        uint64_t kk[4][2];
        int neg[4];
        avskey_bn254_fr f;
        rnd_fr(&f);
        memcpy(k, f.d, 32);
        if (i == 0) memset(k, 0, 32);
        if (i == 1) { memcpy(k, R_INT, 32); k[0] -= 1; }
        if (i == 2) memset(k, 0xff, 32);
        int b = avskey_bn254_test_gls4(kk, neg, k);
        if (b > maxbits) maxbits = b;
    }
    CHECK(maxbits <= 66);
    CHECK(maxbits >= 60);
}

static void edge_scalar(avskey_bn254_fr *k, int i)
{
    memset(k, 0, sizeof *k);
    switch (i) {
    case 0: break;                         /* 0 */
    case 1: k->d[0] = 1; break;            /* 1 */
    case 2: memcpy(k->d, R_INT, 32); k->d[0] -= 1; break; /* r-1 */
    case 3: memcpy(k->d, R_INT, 32); break;              /* r (not reduced) */
    case 4: memset(k->d, 0xff, 32); break;               /* 2^256-1 */
    case 5: k->d[3] = 0x3000000000000000ULL; break;      /* high bits */
    case 6: k->d[1] = 1; break;                          /* 2^64 */
    default: rnd_fr(k); break;
    }
}

TEST(bn254_g1_mul)
{
    avskey_bn254_g1 g, a, b, c, inf;
    avskey_bn254_fr k;
    uint8_t xy[64];
    avskey_bn254_g1_generator(&g);
    avskey_bn254_g1_infinity(&inf);
    /* r*G = O, (r-1)*G = -G */
    memcpy(k.d, R_INT, 32);
    avskey_bn254_g1_mul_var(&a, &g, &k);
    CHECK(avskey_bn254_g1_is_infinity(&a));
    k.d[0] -= 1;
    avskey_bn254_g1_mul(&a, &g, &k);
    avskey_bn254_g1_neg(&b, &g);
    CHECK(avskey_bn254_g1_eq_var(&a, &b));
    /* 2G */
    avskey_bn254_g1_add(&a, &g, &g);
    avskey_bn254_g1_to_xy(xy, &a);
    CHECK_HEX(xy, 64, "030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd315ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4");
    /* G + (-G) = O, G + O = G */
    avskey_bn254_g1_add(&a, &g, &b);
    CHECK(avskey_bn254_g1_is_infinity(&a));
    avskey_bn254_g1_add(&a, &g, &inf);
    CHECK(avskey_bn254_g1_eq_var(&a, &g));
    /* CT (GLV) == plain CT == var, on edges and random scalars and points */
    avskey_bn254_g1 p = g;
    for (int i = 0; i < 60; i++) {
        edge_scalar(&k, i);
        avskey_bn254_g1_mul(&a, &p, &k);
        avskey_bn254_test_g1_mul_plain(&b, &p, k.d);
        avskey_bn254_g1_mul_var(&c, &p, &k);
        CHECK(avskey_bn254_g1_eq_var(&a, &b));
        CHECK(avskey_bn254_g1_eq_var(&a, &c));
        if (i >= 7) p = a;
    }
    /* (a+b)P = aP + bP */
    avskey_bn254_fr k2, k3;
    rnd_fr(&k);
    rnd_fr(&k2);
    /* k3 = k + k2 mod r via scalar mult check: (k+k2)G computed through points */
    avskey_bn254_g1_mul(&a, &g, &k);
    avskey_bn254_g1_mul(&b, &g, &k2);
    avskey_bn254_g1_add(&c, &a, &b);
    {
        uint64_t s[5];
        unsigned __int128 cr = 0;
        for (int i = 0; i < 4; i++) {
            cr += (unsigned __int128)k.d[i] + k2.d[i];
            s[i] = (uint64_t)cr;
            cr >>= 64;
        }
        /* s < 2r < 2^256; reduce via from_be/reduce */
        uint8_t be[32];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 8; j++) be[(3 - i) * 8 + j] = (uint8_t)(s[i] >> (56 - 8 * j));
        avskey_bn254_fr_reduce_be(&k3, be);
    }
    avskey_bn254_g1_mul(&a, &g, &k3);
    CHECK(avskey_bn254_g1_eq_var(&a, &c));
}

TEST(bn254_g2_mul)
{
    avskey_bn254_g2 g, a, b, c;
    avskey_bn254_fr k;
    avskey_bn254_g2_generator(&g);
    CHECK(avskey_bn254_g2_in_subgroup_var(&g));
    memcpy(k.d, R_INT, 32);
    avskey_bn254_g2_mul_var(&a, &g, &k);
    CHECK(avskey_bn254_g2_is_infinity(&a));
    k.d[0] -= 1;
    avskey_bn254_g2_mul(&a, &g, &k);
    avskey_bn254_g2_neg(&b, &g);
    CHECK(avskey_bn254_g2_eq_var(&a, &b));
    avskey_bn254_g2 p = g;
    for (int i = 0; i < 30; i++) {
        edge_scalar(&k, i);
        avskey_bn254_g2_mul(&a, &p, &k);
        avskey_bn254_test_g2_mul_plain(&b, &p, k.d);
        avskey_bn254_g2_mul_var(&c, &p, &k);
        CHECK(avskey_bn254_g2_eq_var(&a, &b));
        CHECK(avskey_bn254_g2_eq_var(&a, &c));
        if (i >= 7) p = a;
    }
    /* the point at infinity through the Jacobian window doublings */
    avskey_bn254_g2 o;
    avskey_bn254_g2_infinity(&o);
    for (int i = 0; i < 9; i++) {
        edge_scalar(&k, i);
        avskey_bn254_g2_mul(&a, &o, &k);
        CHECK(avskey_bn254_g2_is_infinity(&a));
    }
    /* sub-scalars with long runs of zero top digits (acc = O for many windows) */
    for (int i = 1; i < 40; i++) {
        memset(&k, 0, sizeof k);
        k.d[0] = (uint64_t)i * (uint64_t)0x10001;
        avskey_bn254_g2_mul(&a, &g, &k);
        avskey_bn254_g2_mul_var(&c, &g, &k);
        CHECK(avskey_bn254_g2_eq_var(&a, &c));
    }
}

TEST(bn254_pairing)
{
    avskey_bn254_g1 g, ap, abp, inf1;
    avskey_bn254_g2 q, bq, abq, inf2;
    avskey_bn254_gt e1, e2, e3, e0;
    avskey_bn254_fr a, b, ab;
    avskey_bn254_g1_generator(&g);
    avskey_bn254_g2_generator(&q);
    avskey_bn254_g1_infinity(&inf1);
    avskey_bn254_g2_infinity(&inf2);
    rnd_fr(&a);
    rnd_fr(&b);
    /* ab via group: abP = b*(a*P) */
    avskey_bn254_g1_mul(&ap, &g, &a);
    avskey_bn254_g1_mul(&abp, &ap, &b);
    avskey_bn254_g2_mul(&bq, &q, &b);
    avskey_bn254_g2_mul(&abq, &bq, &a);
    avskey_bn254_pairing_var(&e1, &ap, &bq);
    avskey_bn254_pairing_var(&e2, &abp, &q);
    avskey_bn254_pairing_var(&e3, &g, &abq);
    CHECK(avskey_bn254_gt_eq_var(&e1, &e2));
    CHECK(avskey_bn254_gt_eq_var(&e1, &e3));
    /* non-degenerate, and e(P,Q)^r == 1 is implied by e(rP, Q) = 1 */
    avskey_bn254_pairing_var(&e0, &g, &q);
    CHECK(!avskey_bn254_gt_is_one_var(&e0));
    avskey_bn254_pairing_var(&e1, &inf1, &q);
    CHECK(avskey_bn254_gt_is_one_var(&e1));
    avskey_bn254_pairing_var(&e1, &g, &inf2);
    CHECK(avskey_bn254_gt_is_one_var(&e1));
    /* e(2P, Q) = e(P, Q)^2 */
    avskey_bn254_g1 g2p;
    avskey_bn254_g1_add(&g2p, &g, &g);
    avskey_bn254_pairing_var(&e1, &g2p, &q);
    avskey_bn254_gt_mul(&e2, &e0, &e0);
    CHECK(avskey_bn254_gt_eq_var(&e1, &e2));
    /* multi-pairing: e(aP, bQ) * e(-abP, Q) == 1; not with abP */
    avskey_bn254_g1 ps[3];
    avskey_bn254_g2 qs[3];
    ps[0] = ap; qs[0] = bq;
    avskey_bn254_g1_neg(&ps[1], &abp); qs[1] = q;
    CHECK(avskey_bn254_pairing_check_var(ps, qs, 2));
    ps[1] = abp;
    CHECK(!avskey_bn254_pairing_check_var(ps, qs, 2));
    CHECK(avskey_bn254_pairing_check_var(ps, qs, 0));
    /* more pairs than one chunk, with an infinity in the middle */
    avskey_bn254_g1 pm[7];
    avskey_bn254_g2 qm[7];
    for (int i = 0; i < 7; i++) {
        if (i & 1) avskey_bn254_g1_neg(&pm[i], &g);
        else pm[i] = g;
        qm[i] = q;
    }
    pm[4] = inf1; /* an infinity pair is skipped */
    pm[5] = inf1; /* g,-g,g,-g,O,O,g: product e(g,q) */
    CHECK(!avskey_bn254_pairing_check_var(pm, qm, 7));
    avskey_bn254_g1_neg(&pm[6], &g); /* ... then pairs 3 and 6 both -g: e^-1 */
    CHECK(!avskey_bn254_pairing_check_var(pm, qm, 7));
    pm[6] = inf1; pm[0] = inf1; /* -g, g, -g -> product e^-1 */
    CHECK(!avskey_bn254_pairing_check_var(pm, qm, 7));
    pm[0] = g; /* g,-g,g,-g,O,O,O */
    CHECK(avskey_bn254_pairing_check_var(pm, qm, 7));
    for (int i = 0; i < 7; i++) { pm[i] = (i & 1) ? pm[1] : g; qm[i] = q; }
    pm[6] = inf1; /* six non-trivial pairs that cancel: crosses a chunk */
    CHECK(avskey_bn254_pairing_check_var(pm, qm, 7));
    qm[0] = bq;
    CHECK(!avskey_bn254_pairing_check_var(pm, qm, 7));
    (void)ab;
}

TEST(bn254_g1_encoding)
{
    avskey_bn254_g1 g, a, b;
    avskey_bn254_fr k;
    uint8_t xy[64], c[32];
    avskey_bn254_g1_generator(&g);
    for (int i = 0; i < 50; i++) {
        rnd_fr(&k);
        avskey_bn254_g1_mul(&a, &g, &k);
        avskey_bn254_g1_to_xy(xy, &a);
        CHECK(avskey_bn254_g1_from_xy_var(&b, xy, 0));
        CHECK(avskey_bn254_g1_eq_var(&a, &b));
        avskey_bn254_g1_compress(c, &a);
        CHECK(avskey_bn254_g1_decompress_var(&b, c, 0));
        CHECK(avskey_bn254_g1_eq_var(&a, &b));
    }
    /* generator: (1,2), 2 is "smallest" */
    avskey_bn254_g1_compress(c, &g);
    CHECK_HEX(c, 32, "8000000000000000000000000000000000000000000000000000000000000001");
    avskey_bn254_g1_neg(&a, &g);
    avskey_bn254_g1_compress(c, &a);
    CHECK_HEX(c, 32, "c000000000000000000000000000000000000000000000000000000000000001");
    /* infinity */
    avskey_bn254_g1_infinity(&a);
    avskey_bn254_g1_to_xy(xy, &a);
    memset(c, 0, 32);
    CHECK(memcmp(xy, c, 32) == 0 && memcmp(xy + 32, c, 32) == 0);
    CHECK(!avskey_bn254_g1_from_xy_var(&b, xy, 0));
    CHECK(avskey_bn254_g1_from_xy_var(&b, xy, 1) && avskey_bn254_g1_is_infinity(&b));
    avskey_bn254_g1_compress(c, &a);
    CHECK_HEX(c, 32, "4000000000000000000000000000000000000000000000000000000000000000");
    CHECK(!avskey_bn254_g1_decompress_var(&b, c, 0));
    CHECK(avskey_bn254_g1_decompress_var(&b, c, 1) && avskey_bn254_g1_is_infinity(&b));
    c[31] = 1;
    CHECK(!avskey_bn254_g1_decompress_var(&b, c, 1));
    /* off curve: (1, 3) */
    memset(xy, 0, 64);
    xy[31] = 1;
    xy[63] = 3;
    CHECK(!avskey_bn254_g1_from_xy_var(&b, xy, 1));
    /* non-canonical: x = 1 + p */
    avskey_bn254_g1_to_xy(xy, &g);
    {
        static const uint8_t p1[32] = {0x30, 0x64, 0x4e, 0x72, 0xe1, 0x31, 0xa0, 0x29, 0xb8, 0x50, 0x45,
                                       0xb6, 0x81, 0x81, 0x58, 0x5d, 0x97, 0x81, 0x6a, 0x91, 0x68, 0x71,
                                       0xca, 0x8d, 0x3c, 0x20, 0x8c, 0x16, 0xd8, 0x7c, 0xfd, 0x48};
        memcpy(xy, p1, 32);
        CHECK(!avskey_bn254_g1_from_xy_var(&b, xy, 0));
        memcpy(c, p1, 32);
        c[0] |= 0x80;
        CHECK(!avskey_bn254_g1_decompress_var(&b, c, 0));
        /* y = 2 + p */
        avskey_bn254_g1_to_xy(xy, &g);
        memcpy(xy + 32, p1, 32);
        xy[63] = 0x49;
        CHECK(!avskey_bn254_g1_from_xy_var(&b, xy, 0));
    }
    /* flag 00 refused; x with no point: x = 0 (3 is not a square) */
    memset(c, 0, 32);
    c[31] = 1;
    CHECK(!avskey_bn254_g1_decompress_var(&b, c, 0));
    memset(c, 0, 32);
    c[0] = 0x80;
    CHECK(!avskey_bn254_g1_decompress_var(&b, c, 0));
}

TEST(bn254_g2_encoding)
{
    avskey_bn254_g2 g, a, b, bad;
    avskey_bn254_fr k;
    uint8_t raw[128], c[64], xa1[32], xa0[32];
    avskey_bn254_g2_generator(&g);
    avskey_bn254_g2_to_raw(raw, &g);
    CHECK_HEX(raw, 128,
              "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c21800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa");
    for (int i = 0; i < 10; i++) {
        rnd_fr(&k);
        avskey_bn254_g2_mul(&a, &g, &k);
        avskey_bn254_g2_to_raw(raw, &a);
        CHECK(avskey_bn254_g2_from_raw_var(&b, raw, 0));
        CHECK(avskey_bn254_g2_eq_var(&a, &b));
        avskey_bn254_g2_compress(c, &a);
        CHECK(avskey_bn254_g2_decompress_var(&b, c, 0));
        CHECK(avskey_bn254_g2_eq_var(&a, &b));
    }
    /* infinity */
    avskey_bn254_g2_infinity(&a);
    avskey_bn254_g2_to_raw(raw, &a);
    CHECK(!avskey_bn254_g2_from_raw_var(&b, raw, 0));
    CHECK(avskey_bn254_g2_from_raw_var(&b, raw, 1) && avskey_bn254_g2_is_infinity(&b));
    avskey_bn254_g2_compress(c, &a);
    CHECK(c[0] == 0x40);
    CHECK(!avskey_bn254_g2_decompress_var(&b, c, 0));
    CHECK(avskey_bn254_g2_decompress_var(&b, c, 1));
    /* a twist point outside G2: x = (t, 0), t = 1, 2, ... until on the twist */
    memset(xa1, 0, 32);
    memset(xa0, 0, 32);
    int found = 0;
    for (int t = 1; t < 100 && !found; t++) {
        xa0[31] = (uint8_t)t;
        found = avskey_bn254_test_g2_on_twist_xonly(raw, xa1, xa0);
    }
    CHECK(found);
    avskey_bn254_test_g2_from_affine_unchecked(&bad, raw);
    CHECK(!avskey_bn254_g2_in_subgroup_var(&bad));
    CHECK(!avskey_bn254_g2_from_raw_var(&b, raw, 0));
    memcpy(c, raw, 64);
    c[0] |= 0x80;
    CHECK(!avskey_bn254_g2_decompress_var(&b, c, 0));
    c[0] |= 0xc0;
    CHECK(!avskey_bn254_g2_decompress_var(&b, c, 0));
    /* off the twist: generator with Y.A0 + 1 */
    avskey_bn254_g2_to_raw(raw, &g);
    raw[127] ^= 1;
    CHECK(!avskey_bn254_g2_from_raw_var(&b, raw, 0));
    /* non-canonical X.A1 = p + small */
    avskey_bn254_g2_to_raw(raw, &g);
    static const uint8_t pbe[32] = {0x30, 0x64, 0x4e, 0x72, 0xe1, 0x31, 0xa0, 0x29, 0xb8, 0x50, 0x45,
                                    0xb6, 0x81, 0x81, 0x58, 0x5d, 0x97, 0x81, 0x6a, 0x91, 0x68, 0x71,
                                    0xca, 0x8d, 0x3c, 0x20, 0x8c, 0x16, 0xd8, 0x7c, 0xfd, 0x47};
    memcpy(raw, pbe, 32);
    CHECK(!avskey_bn254_g2_from_raw_var(&b, raw, 0));
    memcpy(c, pbe, 32);
    c[0] |= 0x80;
    CHECK(!avskey_bn254_g2_decompress_var(&b, c, 0));
}

TEST(bn254_g2_subgroup)
{
    avskey_bn254_g2 g, a;
    avskey_bn254_fr k;
    uint8_t raw[128], xa1[32], xa0[32];
    int slow, in = 0, out = 0;
    avskey_bn254_g2_generator(&g);
    for (int i = 0; i < 20; i++) {
        rnd_fr(&k);
        avskey_bn254_g2_mul(&a, &g, &k);
        CHECK(avskey_bn254_test_g2_subgroup(&a, &slow) == 1 && slow == 1);
        in++;
    }
    /* twist points without cofactor clearing: almost never in G2 */
    memset(xa1, 0, 32);
    for (int t = 1; t < 400 && out < 40; t++) {
        for (int j = 0; j < 32; j++) xa0[j] = (uint8_t)rnd64();
        xa0[0] &= 0x1f;
        xa1[31] = (uint8_t)t;
        if (!avskey_bn254_test_g2_on_twist_xonly(raw, xa1, xa0)) continue;
        avskey_bn254_test_g2_from_affine_unchecked(&a, raw);
        int fast = avskey_bn254_test_g2_subgroup(&a, &slow);
        CHECK(fast == slow);
        CHECK(slow == 0);
        /* the cofactor-cleared multiple c*P, c = 2p - r (#E' = r(2p - r)), is in G2 */
        avskey_bn254_fr c = {{0x345f2299c0f9fa8dULL, 0x06ceecda572a2489ULL, 0xb85045b68181585eULL,
                              0x30644e72e131a029ULL}};
        avskey_bn254_g2 cp;
        avskey_bn254_g2_mul_var(&cp, &a, &c);
        CHECK(avskey_bn254_test_g2_subgroup(&cp, &slow) == 1 && slow == 1);
        out++;
    }
    CHECK(in == 20 && out == 40);
}

/* Random and mutated encodings: every decoder either refuses or returns a
 * point that re-encodes to the same bytes (run under ASan in make check). */
TEST(bn254_decoders_random)
{
    avskey_bn254_g1 g, a;
    avskey_bn254_g2 q, b;
    avskey_bn254_fr k;
    uint8_t in[128], out[128];
    int acc1 = 0, acc2 = 0;
    avskey_bn254_g1_generator(&g);
    avskey_bn254_g2_generator(&q);
    for (int i = 0; i < 3000; i++) {
        /* half random bytes, half valid encodings with one bit flipped */
        int mutate = i & 1;
        for (int j = 0; j < 128; j++) in[j] = (uint8_t)rnd64();
        if (mutate) {
            rnd_fr(&k);
            avskey_bn254_g1_mul(&a, &g, &k);
            if (i % 4 == 1) avskey_bn254_g1_to_xy(in, &a);
            else avskey_bn254_g1_compress(in, &a);
            in[rnd64() % (i % 4 == 1 ? 64 : 32)] ^= (uint8_t)(1u << (rnd64() % 8));
        }
        if (avskey_bn254_g1_from_xy_var(&a, in, 1)) {
            avskey_bn254_g1_to_xy(out, &a);
            CHECK(memcmp(in, out, 64) == 0);
            acc1++;
        }
        if (avskey_bn254_g1_decompress_var(&a, in, 1)) {
            avskey_bn254_g1_compress(out, &a);
            CHECK(memcmp(in, out, 32) == 0);
            acc1++;
        }
        if (i % 10 == 0) { /* G2 decoders are slower (subgroup test) */
            if (mutate) {
                rnd_fr(&k);
                avskey_bn254_g2_mul(&b, &q, &k);
                if (i % 20 == 0) avskey_bn254_g2_to_raw(in, &b);
                else avskey_bn254_g2_compress(in, &b);
                in[rnd64() % 64] ^= (uint8_t)(1u << (rnd64() % 8));
            }
            if (avskey_bn254_g2_from_raw_var(&b, in, 1)) {
                avskey_bn254_g2_to_raw(out, &b);
                CHECK(memcmp(in, out, 128) == 0);
                acc2++;
            }
            if (avskey_bn254_g2_decompress_var(&b, in, 1)) {
                avskey_bn254_g2_compress(out, &b);
                CHECK(memcmp(in, out, 64) == 0);
                acc2++;
            }
        }
    }
    /* some flipped compressed G1 encodings still decode (another x) */
    CHECK(acc1 > 0);
    (void)acc2;
}

TEST(bn254_pairing_prepared)
{
    static avskey_bn254_g2_prepared prep[3]; /* 17 KiB each: not on the stack */
    avskey_bn254_g1 g, ps[3], nabp, inf1;
    avskey_bn254_g2 q, qs[3], inf2;
    avskey_bn254_fr a, b;
    avskey_bn254_g1_generator(&g);
    avskey_bn254_g2_generator(&q);
    avskey_bn254_g1_infinity(&inf1);
    avskey_bn254_g2_infinity(&inf2);
    rnd_fr(&a);
    rnd_fr(&b);
    /* e(aP, bQ) * e(-abP, Q) == 1 with either pair prepared */
    avskey_bn254_g1_mul(&ps[0], &g, &a);
    avskey_bn254_g2_mul(&qs[0], &q, &b);
    avskey_bn254_g1_mul(&nabp, &ps[0], &b);
    avskey_bn254_g1_neg(&nabp, &nabp);
    avskey_bn254_g2_prepare(&prep[0], &qs[0]);
    CHECK(avskey_bn254_pairing_check_prepared_var(&nabp, &q, 1, &ps[0], &prep[0], 1));
    CHECK(avskey_bn254_pairing_check_prepared_var(ps, qs, 1, &nabp,
                                                  avskey_bn254_g2_generator_prepared(), 1));
    CHECK(!avskey_bn254_pairing_check_prepared_var(ps, qs, 1, &ps[0],
                                                   avskey_bn254_g2_generator_prepared(), 1));
    /* only prepared pairs, more than one chunk with the unprepared ones */
    avskey_bn254_g2_prepare(&prep[1], &q);
    avskey_bn254_g2_prepare(&prep[2], &inf2); /* contributes 1 */
    avskey_bn254_g1 pp[3] = {ps[0], nabp, g};
    CHECK(avskey_bn254_pairing_check_prepared_var(NULL, NULL, 0, pp, prep, 3));
    pp[2] = inf1;
    CHECK(avskey_bn254_pairing_check_prepared_var(NULL, NULL, 0, pp, prep, 3));
    /* unprepared: e(P,Q) e(P,Q) e(P,-Q) [O skipped] = e(P,Q);
     * prepared: e(P,-Q) e(aP,bQ) e(-abP,Q) = e(P,Q)^-1 */
    avskey_bn254_g1 p4[4] = {g, g, g, inf1};
    avskey_bn254_g2 q4[4] = {q, q, q, q};
    avskey_bn254_g2_neg(&q4[2], &q);
    static avskey_bn254_g2_prepared prep2[3];
    avskey_bn254_g2 nq;
    avskey_bn254_g2_neg(&nq, &q);
    avskey_bn254_g2_prepare(&prep2[0], &nq);
    avskey_bn254_g2_prepare(&prep2[1], &qs[0]);
    avskey_bn254_g2_prepare(&prep2[2], &q);
    pp[0] = g;
    pp[1] = ps[0];
    pp[2] = nabp;
    CHECK(avskey_bn254_pairing_check_prepared_var(p4, q4, 4, pp, prep2, 3));
    pp[0] = nabp;
    CHECK(!avskey_bn254_pairing_check_prepared_var(p4, q4, 4, pp, prep2, 3));
}
