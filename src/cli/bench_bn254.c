/* BN254 / BLS benchmark cases for `avskey bench`. One op:
 *  bn254_fp_mul      x = x*y in a dependent chain (Montgomery form)
 *  bn254_g1_mul      k*P, random 254-bit k, P affine, constant-time path,
 *                    result left projective
 *  bn254_g2_mul      the same in G2
 *  bn254_pairing     e(P, Q) with the final exponentiation
 *  bn254_hash_to_g1  eigensdk hashToG1, averaged over 1,024 fixed digests
 *  bn254_sign        H(m), sk*H(m), to affine X||Y
 *  bn254_verify      H(m) and a 2-pair Miller loop with one final
 *                    exponentiation (inputs already parsed) */
#include "bench.h"

#include "avskey/bls.h"
#include "avskey/keccak.h"
#include "crypto/bn254/internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t x[4], y[4];
    avskey_bn254_g1 p, out1, sig;
    avskey_bn254_g2 q, out2, pk2;
    avskey_bn254_fr k;
    avskey_bls_sk sk;
    uint8_t digests[1024][32];
    uint8_t msg[32];
    volatile uint8_t sink;
} bn_state;

static void *bn_setup(void)
{
    bn_state *s = calloc(1, sizeof *s);
    uint8_t seed[32] = "avskey bench bn254";
    avskey_bn254_g1 g1, t1;
    avskey_bn254_g2 g2, t2;
    uint8_t buf[128];
    if (!s) abort();
    for (int i = 0; i < 1024; i++) {
        seed[31] = (uint8_t)i;
        seed[30] = (uint8_t)(i >> 8);
        avskey_keccak256(s->digests[i], seed, sizeof seed);
    }
    /* random 254-bit scalar k and a second scalar for the points */
    memcpy(buf, s->digests[0], 32);
    buf[0] = (uint8_t)((buf[0] & 0x3f) | 0x20);
    avskey_bn254_fr_reduce_be(&s->k, buf);
    /* field elements < p */
    memcpy(s->x, s->digests[1], 32);
    memcpy(s->y, s->digests[2], 32);
    s->x[3] &= 0x0fffffffffffffffULL;
    s->y[3] &= 0x0fffffffffffffffULL;
    /* affine P, Q */
    avskey_bn254_fr t;
    avskey_bn254_fr_reduce_be(&t, s->digests[3]);
    avskey_bn254_g1_generator(&g1);
    avskey_bn254_g2_generator(&g2);
    avskey_bn254_g1_mul(&t1, &g1, &t);
    avskey_bn254_g2_mul(&t2, &g2, &t);
    avskey_bn254_g1_to_xy(buf, &t1);
    if (!avskey_bn254_g1_from_xy_var(&s->p, buf, 0)) abort();
    avskey_bn254_g2_to_raw(buf, &t2);
    if (!avskey_bn254_g2_from_raw_var(&s->q, buf, 0)) abort();
    /* a key, a message, its signature */
    memcpy(buf, s->digests[4], 32);
    buf[0] &= 0x1f;
    buf[31] |= 1;
    if (!avskey_bls_sk_from_bytes(&s->sk, buf)) abort();
    avskey_bls_pubkeys(&t1, &s->pk2, &s->sk);
    avskey_bls_pubkeys(&t1, &t2, &s->sk);
    avskey_bn254_g2_to_raw(buf, &t2);
    if (!avskey_bn254_g2_from_raw_var(&s->pk2, buf, 0)) abort();
    memcpy(s->msg, s->digests[5], 32);
    avskey_bls_sign(buf, s->msg, &s->sk);
    if (!avskey_bn254_g1_from_xy_var(&s->sig, buf, 0)) abort();
    return s;
}

static void bn_teardown(void *st)
{
    bn_state *s = st;
    AVSKEY_WIPE(s->sk);
    free(s);
}

static void run_fp_mul(void *st, uint64_t n)
{
    bn_state *s = st;
    avskey_bn254_bench_fp_mul_chain(s->x, s->y, n);
}

static void run_g1_mul(void *st, uint64_t n)
{
    bn_state *s = st;
    for (uint64_t i = 0; i < n; i++) avskey_bn254_g1_mul(&s->out1, &s->p, &s->k);
}

static void run_g2_mul(void *st, uint64_t n)
{
    bn_state *s = st;
    for (uint64_t i = 0; i < n; i++) avskey_bn254_g2_mul(&s->out2, &s->q, &s->k);
}

static void run_pairing(void *st, uint64_t n)
{
    bn_state *s = st;
    avskey_bn254_gt e;
    for (uint64_t i = 0; i < n; i++) avskey_bn254_pairing_var(&e, &s->p, &s->q);
    s->sink = (uint8_t)e.opaque[0];
}

static void run_hash(void *st, uint64_t n)
{
    bn_state *s = st;
    for (uint64_t i = 0; i < n; i++) avskey_bn254_hash_to_g1_var(&s->out1, s->digests[i & 1023]);
}

static void run_sign(void *st, uint64_t n)
{
    bn_state *s = st;
    uint8_t sig[64];
    for (uint64_t i = 0; i < n; i++) avskey_bls_sign(sig, s->msg, &s->sk);
    s->sink = sig[0];
}

static void run_verify(void *st, uint64_t n)
{
    bn_state *s = st;
    int ok = 1;
    for (uint64_t i = 0; i < n; i++) ok &= avskey_bls_verify_var(s->msg, &s->sig, &s->pk2);
    if (!ok) abort();
}

const avskey_bench_case avskey_bench_bn254[] = {
    {"bn254_fp_mul", bn_setup, run_fp_mul, bn_teardown, 0},
    {"bn254_g1_mul", bn_setup, run_g1_mul, bn_teardown, 0},
    {"bn254_g2_mul", bn_setup, run_g2_mul, bn_teardown, 0},
    {"bn254_pairing", bn_setup, run_pairing, bn_teardown, 0},
    {"bn254_hash_to_g1", bn_setup, run_hash, bn_teardown, 0},
    {"bn254_sign", bn_setup, run_sign, bn_teardown, 0},
    {"bn254_verify", bn_setup, run_verify, bn_teardown, 0},
    {NULL, NULL, NULL, NULL, 0},
};
