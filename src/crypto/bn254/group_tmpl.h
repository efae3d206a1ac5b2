/* Short Weierstrass y^2 = x^3 + b (a = 0) in homogeneous projective
 * coordinates over a field FE. Included twice from bn254.c (G1 over Fp, G2
 * over Fp2) with these macros defined:
 *   FE, FE_(op)  field type and its ops (add sub dbl neg mul sqr cmov
 *                is_zero eq inv set_one mul_b3)
 *   PT, PT_(op)  point type and the names of the functions below.
 * Addition and doubling use the complete formulas of Renes, Costello and
 * Batina, "Complete addition formulas for prime order elliptic curves"
 * (eprint 2015/1060, Algorithms 7 and 9): no exceptional cases, so the
 * constant-time paths need no special handling of the point at infinity. */

typedef struct { FE X, Y, Z; } PT;

static inline void PT_(set_inf)(PT *r)
{
    memset(r, 0, sizeof *r);
    FE_(set_one)(&r->Y);
}

static inline uint64_t PT_(is_inf)(const PT *p) { return FE_(is_zero)(&p->Z); }

static void PT_(dbl)(PT *r, const PT *p)
{
    FE t0, t1, t2, X3, Y3, Z3;
    FE_(sqr)(&t0, &p->Y);
    FE_(dbl)(&Z3, &t0);
    FE_(dbl)(&Z3, &Z3);
    FE_(dbl)(&Z3, &Z3);
    FE_(mul)(&t1, &p->Y, &p->Z);
    FE_(sqr)(&t2, &p->Z);
    FE_(mul_b3)(&t2, &t2);
    FE_(mul)(&X3, &t2, &Z3);
    FE_(add)(&Y3, &t0, &t2);
    FE_(mul)(&Z3, &t1, &Z3);
    FE_(dbl)(&t1, &t2);
    FE_(add)(&t2, &t1, &t2);
    FE_(sub)(&t0, &t0, &t2);
    FE_(mul)(&Y3, &t0, &Y3);
    FE_(add)(&Y3, &X3, &Y3);
    FE_(mul)(&t1, &p->X, &p->Y);
    FE_(mul)(&X3, &t0, &t1);
    FE_(dbl)(&r->X, &X3);
    r->Y = Y3;
    r->Z = Z3;
}

static void PT_(add)(PT *r, const PT *p, const PT *q)
{
    FE t0, t1, t2, t3, t4, X3, Y3, Z3;
    FE_(mul)(&t0, &p->X, &q->X);
    FE_(mul)(&t1, &p->Y, &q->Y);
    FE_(mul)(&t2, &p->Z, &q->Z);
    FE_(add)(&t3, &p->X, &p->Y);
    FE_(add)(&t4, &q->X, &q->Y);
    FE_(mul)(&t3, &t3, &t4);
    FE_(add)(&t4, &t0, &t1);
    FE_(sub)(&t3, &t3, &t4);
    FE_(add)(&t4, &p->Y, &p->Z);
    FE_(add)(&X3, &q->Y, &q->Z);
    FE_(mul)(&t4, &t4, &X3);
    FE_(add)(&X3, &t1, &t2);
    FE_(sub)(&t4, &t4, &X3);
    FE_(add)(&X3, &p->X, &p->Z);
    FE_(add)(&Y3, &q->X, &q->Z);
    FE_(mul)(&X3, &X3, &Y3);
    FE_(add)(&Y3, &t0, &t2);
    FE_(sub)(&Y3, &X3, &Y3);
    FE_(dbl)(&X3, &t0);
    FE_(add)(&t0, &X3, &t0);
    FE_(mul_b3)(&t2, &t2);
    FE_(add)(&Z3, &t1, &t2);
    FE_(sub)(&t1, &t1, &t2);
    FE_(mul_b3)(&Y3, &Y3);
    /* three sums of two products, each reduced once (Fp2, MULX/ADX) */
    FE_(mul2)(&r->X, &t3, &t1, &t4, &Y3, 1);  /* t1 t3 - t4 Y3 */
    FE_(mul2)(&r->Y, &t1, &Z3, &Y3, &t0, 0);  /* t1 Z3 + t0 Y3 */
    FE_(mul2)(&r->Z, &Z3, &t4, &t0, &t3, 0);  /* t4 Z3 + t0 t3 */
}

static inline void PT_(neg)(PT *r, const PT *p)
{
    r->X = p->X;
    FE_(neg)(&r->Y, &p->Y);
    r->Z = p->Z;
}

static inline void PT_(cmov)(PT *r, const PT *a, uint64_t flag)
{
    FE_(cmov)(&r->X, &a->X, flag);
    FE_(cmov)(&r->Y, &a->Y, flag);
    FE_(cmov)(&r->Z, &a->Z, flag);
}

/* Conditional negation, flag 0/1, constant time. */
static inline void PT_(cneg)(PT *r, uint64_t flag)
{
    FE n;
    FE_(neg)(&n, &r->Y);
    FE_(cmov)(&r->Y, &n, flag);
}

/* Affine coordinates; the point at infinity gives (0, 0). Constant time. */
static void PT_(to_affine)(FE *x, FE *y, const PT *p)
{
    FE zi;
    FE_(inv)(&zi, &p->Z);
    FE_(mul)(x, &p->X, &zi);
    FE_(mul)(y, &p->Y, &zi);
}

static inline void PT_(from_affine)(PT *r, const FE *x, const FE *y)
{
    r->X = *x;
    r->Y = *y;
    FE_(set_one)(&r->Z);
}

static int PT_(eq_var)(const PT *p, const PT *q)
{
    FE a, b;
    uint64_t pi = PT_(is_inf)(p), qi = PT_(is_inf)(q);
    if (pi || qi) return (int)(pi & qi);
    FE_(mul)(&a, &p->X, &q->Z);
    FE_(mul)(&b, &q->X, &p->Z);
    if (!FE_(eq)(&a, &b)) return 0;
    FE_(mul)(&a, &p->Y, &q->Z);
    FE_(mul)(&b, &q->Y, &p->Z);
    return (int)FE_(eq)(&a, &b);
}

/* 1 if (x, y) satisfies y^2 = x^3 + b. */
static int PT_(affine_on_curve_var)(const FE *x, const FE *y)
{
    FE l, rr, b;
    FE_(sqr)(&l, y);
    FE_(sqr)(&rr, x);
    FE_(mul)(&rr, &rr, x);
    FE_(set_b)(&b);
    FE_(add)(&rr, &rr, &b);
    return (int)FE_(eq)(&l, &rr);
}

/* Constant-time lookup: r = tab[idx] for idx < n, scanning every entry. */
static inline void PT_(lookup)(PT *r, const PT *tab, unsigned n, unsigned idx)
{
    PT_(set_inf)(r);
    for (unsigned i = 0; i < n; i++) {
        uint64_t eq = (uint64_t)(((i ^ idx) - 1u) >> 31) & 1; /* i == idx */
        PT_(cmov)(r, &tab[i], eq);
    }
}

/* r = k*p, k < 2^256 (4 little-endian limbs); constant time in k and p:
 * 4-bit fixed windows, masked table scans, complete formulas. */
static void PT_(mul_ct)(PT *r, const PT *p, const uint64_t k[4])
{
    PT tab[16], acc, t;
    PT_(set_inf)(&tab[0]);
    tab[1] = *p;
    for (int i = 2; i < 16; i += 2) {
        PT_(dbl)(&tab[i], &tab[i / 2]);
        PT_(add)(&tab[i + 1], &tab[i], p);
    }
    PT_(lookup)(&acc, tab, 16, (unsigned)(k[3] >> 60));
    for (int i = 62; i >= 0; i--) {
        for (int j = 0; j < 4; j++) PT_(dbl)(&acc, &acc);
        PT_(lookup)(&t, tab, 16, (unsigned)(k[i / 16] >> ((i % 16) * 4)) & 15u);
        PT_(add)(&acc, &acc, &t);
    }
    *r = acc;
    avskey_wipe(tab, sizeof tab);
    avskey_wipe(&t, sizeof t);
}

/* r = k*p for public k and p (variable time). */
static void PT_(mul_var)(PT *r, const PT *p, const uint64_t k[4])
{
    PT tab[16], acc;
    PT_(set_inf)(&tab[0]);
    tab[1] = *p;
    for (int i = 2; i < 16; i += 2) {
        PT_(dbl)(&tab[i], &tab[i / 2]);
        PT_(add)(&tab[i + 1], &tab[i], p);
    }
    int top = 63;
    while (top > 0 && ((k[top / 16] >> ((top % 16) * 4)) & 15u) == 0) top--;
    acc = tab[(k[top / 16] >> ((top % 16) * 4)) & 15u];
    for (int i = top - 1; i >= 0; i--) {
        for (int j = 0; j < 4; j++) PT_(dbl)(&acc, &acc);
        unsigned d = (unsigned)(k[i / 16] >> ((i % 16) * 4)) & 15u;
        if (d) PT_(add)(&acc, &acc, &tab[d]);
    }
    *r = acc;
}

/* tab[j] = j*p for j = 0..n-1 (n - 2 group operations). */
static void PT_(table_n)(PT *tab, const PT *p, int n)
{
    PT_(set_inf)(&tab[0]);
    tab[1] = *p;
    for (int j = 2; j < n; j++) {
        if (j % 2 == 0) PT_(dbl)(&tab[j], &tab[j / 2]);
        else PT_(add)(&tab[j], &tab[j - 1], p);
    }
}

/* r = (-1)^neg * tab[idx] for idx < n and neg in {0,1}: reads all n
 * entries with masks (constant time in idx and neg). */
static inline void PT_(lookup_n)(PT *r, const PT *tab, int n, uint64_t idx, uint64_t neg)
{
    enum { NW = sizeof(PT) / sizeof(uint64_t) };
    uint64_t acc[NW];
    memset(acc, 0, sizeof acc);
    for (uint64_t i = 0; i < (uint64_t)n; i++) {
        uint64_t m = ct_barrier((uint64_t)0 - (((i ^ idx) - 1) >> 63));
        const uint64_t *w = (const uint64_t *)(const void *)&tab[i];
        for (size_t j = 0; j < NW; j++) acc[j] |= w[j] & m;
    }
    memcpy(r, acc, sizeof acc);
    PT_(cneg)(r, neg);
}

/* r = 2^n p through Jacobian coordinates (x = X/Z^2, y = Y/Z^3) and
 * dbl-2009-l (a = 0: 2M + 5S per doubling, against 6M + 2S + 3b for the
 * complete projective doubling); conversions cost 2M + 1S each way.
 * dbl-2009-l only fails on points with Y = 0, of which these groups have
 * none (E(Fp) has prime order; the twist E'(Fp2) has odd order r(2p - r)).
 * The point at infinity (0 : Y : 0) is mapped to (0, Y, 0) by a masked
 * select and comes back as (0 : -8Y^4... : 0). Constant time. */
#ifdef PT_DBL_JAC
static void PT_(dbl_n_jac)(PT *r, const PT *p, int n)
{
    FE X, Y, Z, A, B, C, D, E, F, t;
    uint64_t inf = FE_(is_zero)(&p->Z);
    FE_(sqr)(&t, &p->Z);
    FE_(mul)(&X, &p->X, &p->Z);
    FE_(mul)(&Y, &p->Y, &t);
    FE_(cmov)(&Y, &p->Y, inf);
    Z = p->Z;
    for (int i = 0; i < n; i++) {
        FE_(sqr)(&A, &X);
        FE_(sqr)(&B, &Y);
        FE_(sqr)(&C, &B);
        FE_(add)(&t, &X, &B);
        FE_(sqr)(&t, &t);
        FE_(sub)(&t, &t, &A);
        FE_(sub)(&t, &t, &C);
        FE_(dbl)(&D, &t);             /* D = 4XY^2 */
        FE_(dbl)(&E, &A);
        FE_(add)(&E, &E, &A);         /* E = 3X^2 */
        FE_(sqr)(&F, &E);
        FE_(mul)(&Z, &Y, &Z);
        FE_(dbl)(&Z, &Z);             /* Z3 = 2YZ */
        FE_(dbl)(&t, &D);
        FE_(sub)(&X, &F, &t);         /* X3 = E^2 - 2D */
        FE_(sub)(&t, &D, &X);
        FE_(mul)(&Y, &E, &t);
        FE_(dbl)(&C, &C);
        FE_(dbl)(&C, &C);
        FE_(dbl)(&C, &C);
        FE_(sub)(&Y, &Y, &C);         /* Y3 = E(D - X3) - 8Y^4 */
    }
    FE_(sqr)(&t, &Z);
    FE_(mul)(&r->Z, &t, &Z);
    FE_(mul)(&r->X, &X, &Z);
    r->Y = Y;
}
#endif

/* r = sum over i < n of k_i * P_i, where tabs + i*nt holds table_n(P_i, nt)
 * (nt = 2^(ww-1) + 1) and dig[i][0..W-1] is the signed base-2^ww recoding
 * of k_i (digits -(2^(ww-1)-1)..2^(ww-1), least significant first); neg[i]
 * negates P_i. Constant time in the digits, the signs and the points. */
static void PT_(msm_ct)(PT *r, const PT *tabs, int nt, const signed char (*dig)[40],
                        const uint64_t *neg, int n, int W, int ww)
{
    PT acc, t;
    PT_(set_inf)(&acc);
    for (int w = W - 1; w >= 0; w--) {
        if (w != W - 1) {
#ifdef PT_DBL_JAC
            PT_(dbl_n_jac)(&acc, &acc, ww);
#else
            for (int j = 0; j < ww; j++) PT_(dbl)(&acc, &acc);
#endif
        }
        for (int i = 0; i < n; i++) {
            uint32_t d = (uint32_t)(int32_t)dig[i][w];
            uint32_t s = d >> 31;
            uint32_t a = (d ^ (0u - s)) + s; /* |digit| */
            PT_(lookup_n)(&t, tabs + i * nt, nt, a, (uint64_t)(s ^ (uint32_t)neg[i]));
            if (w == W - 1 && i == 0) acc = t; /* public position: skip O + t */
            else PT_(add)(&acc, &acc, &t);
        }
    }
    *r = acc;
    avskey_wipe(&t, sizeof t);
    avskey_wipe(&acc, sizeof acc);
}
