/* bn254_oracle: avskey's BN254 / eigensdk BLS code behind a JSON-lines pipe,
 * for tests/interop/bn254_noble.test.mjs (independent reference: @noble/curves).
 * Test-only; built as build/bn254_oracle, never installed.
 *
 * One request per stdin line, one reply per stdout line, in order.
 * All byte strings are lower-case hex without 0x, big-endian, fixed width:
 *   field element 64 hex; G1 point X||Y (128 hex, infinity = zeros);
 *   G2 point raw X.A1||X.A0||Y.A1||Y.A0 (256 hex, infinity = zeros);
 *   scalar k 64 hex (any 256-bit value, reduced mod r by fr_reduce_be).
 * Input points are parsed with the library's checked parsers (allow_inf = 1);
 * a parse failure replies {"err":"..."}.
 *
 *   {"op":"adx","v":0|1}                    force the portable / MULX-ADX path
 *   {"op":"fp_mul","a","b"} -> {"r"}        a*b mod p       (internal fp_mul)
 *   {"op":"fp_add","a","b"} -> {"r"}        a*1 + b*1       (internal fp_mul2)
 *   {"op":"fp_sub","a","b"} -> {"r"}        a*1 - b*1       (internal fp_mul2)
 *   {"op":"fp_mul2","a","b","c","d","sub"} -> {"r"}  a*b +/- c*d
 *   {"op":"fp2_mul","a0","a1","b0","b1"} -> {"r0","r1"}
 *   {"op":"fp_inv","a"} -> {"r"}            (divsteps; inv(0) = 0)
 *   {"op":"fp_sqrt","a"} -> {"ok","r"}
 *   {"op":"g1_mul"|"g1_mul_var","p","k"} -> {"r"}
 *   {"op":"g2_mul"|"g2_mul_var","q","k"} -> {"r"}
 *   {"op":"g1_add","a","b"} -> {"r"}
 *   {"op":"pairing","p","q"} -> {"gt":[12 x 64 hex]} in the order
 *       c0.c0.a, c0.c0.b, c0.c1.a, c0.c1.b, c0.c2.a, c0.c2.b, c1.c0.a, ... c1.c2.b
 *       (Fp12 = c0 + c1 w, Fp6 = c0 + c1 v + c2 v^2, Fp2 = a + b u; the same
 *       order as noble's Fp12.fromBigTwelve)
 *   {"op":"pairing_check","ps":[...],"qs":[...]} -> {"ok"}
 *   {"op":"hash_to_g1","d"} -> {"r"}
 *   {"op":"pubkeys","sk"} -> {"ok","pk1","pk2"}
 *   {"op":"bls_sign","sk","m"} -> {"ok","sig"}   (ok 0: sk not in (0, r))
 *   {"op":"bls_verify","m","sig","pk2"} -> {"ok"} (avskey_bls_verify_bytes_var)
 *   {"op":"g1_compress","p"} -> {"c"}; {"op":"g1_decompress","c","inf"} -> {"ok","p"}
 *   {"op":"g2_compress","q"} -> {"c"}; {"op":"g2_decompress","c","inf"} -> {"ok","q"}
 *   {"op":"g1_from_xy","p","inf"} -> {"ok","p"}; {"op":"g2_from_raw","q","inf"} -> {"ok","q"}
 *   {"op":"g2_compress_unchecked","q"} -> {"c"}  q loaded WITHOUT any check
 *       (avskey_bn254_test_g2_from_affine_unchecked): twist points outside G2,
 *       e.g. with y.A1 == 0, to reach gnark's "largest by A0" branch
 */
#include "avskey/bls.h"
#include "avskey/bn254.h"
#include "crypto/bn254/internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t RINV[4]; /* R^-1 mod p, R = 2^256 */

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int unhex(uint8_t *out, size_t n, const char *s)
{
    if (!s || strlen(s) != 2 * n) return 0;
    for (size_t i = 0; i < n; i++) {
        int h = hexval(s[2 * i]), l = hexval(s[2 * i + 1]);
        if (h < 0 || l < 0) return 0;
        out[i] = (uint8_t)(h << 4 | l);
    }
    return 1;
}

static json_t *hexj(const uint8_t *b, size_t n)
{
    char s[2 * 256 + 1];
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = d[b[i] >> 4];
        s[2 * i + 1] = d[b[i] & 15];
    }
    s[2 * n] = 0;
    return json_string(s);
}

static void be_to_limbs(uint64_t x[4], const uint8_t b[32])
{
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int j = 0; j < 8; j++) w = w << 8 | b[(3 - i) * 8 + j];
        x[i] = w;
    }
}

static void limbs_to_be(uint8_t b[32], const uint64_t x[4])
{
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++) b[(3 - i) * 8 + j] = (uint8_t)(x[i] >> (56 - 8 * j));
}

static const char *gets_(json_t *req, const char *k)
{
    return json_string_value(json_object_get(req, k));
}

/* a field element (must be < p for the test hooks' contract: the caller
 * sends canonical values) */
static int getfp(uint64_t x[4], json_t *req, const char *k)
{
    uint8_t b[32];
    if (!unhex(b, 32, gets_(req, k))) return 0;
    be_to_limbs(x, b);
    return 1;
}

static json_t *fpj(const uint64_t x[4])
{
    uint8_t b[32];
    limbs_to_be(b, x);
    return hexj(b, 32);
}

static int getg1(avskey_bn254_g1 *p, const char *s)
{
    uint8_t b[64];
    return unhex(b, 64, s) && avskey_bn254_g1_from_xy_var(p, b, 1);
}

static int getg2(avskey_bn254_g2 *q, const char *s)
{
    uint8_t b[128];
    return unhex(b, 128, s) && avskey_bn254_g2_from_raw_var(q, b, 1);
}

static json_t *g1j(const avskey_bn254_g1 *p)
{
    uint8_t b[64];
    avskey_bn254_g1_to_xy(b, p);
    return hexj(b, 64);
}

static json_t *g2j(const avskey_bn254_g2 *q)
{
    uint8_t b[128];
    avskey_bn254_g2_to_raw(b, q);
    return hexj(b, 128);
}

static int getk(avskey_bn254_fr *k, json_t *req)
{
    uint8_t b[32];
    if (!unhex(b, 32, gets_(req, "k"))) return 0;
    avskey_bn254_fr_reduce_be(k, b);
    return 1;
}

#define ERR(msg) do { json_object_set_new(res, "err", json_string(msg)); return res; } while (0)

static json_t *handle(json_t *req)
{
    json_t *res = json_object();
    const char *op = gets_(req, "op");
    if (!op) ERR("no op");
    if (!strcmp(op, "adx")) {
        int v = (int)json_integer_value(json_object_get(req, "v"));
        if (v && !avskey_bn254_cpu_has_adx()) ERR("no adx on this cpu");
        avskey_bn254_use_adx = v;
        json_object_set_new(res, "ok", json_integer(1));
    } else if (!strcmp(op, "fp_mul") || !strcmp(op, "fp_add") || !strcmp(op, "fp_sub")) {
        uint64_t a[4], b[4], r[4], one[4] = {1, 0, 0, 0};
        if (!getfp(a, req, "a") || !getfp(b, req, "b")) ERR("bad args");
        if (op[3] == 'm') avskey_bn254_test_fp_mul(r, a, b);
        else avskey_bn254_test_fp_mul2(r, a, one, b, one, op[3] == 's');
        json_object_set_new(res, "r", fpj(r));
    } else if (!strcmp(op, "fp_mul2")) {
        uint64_t a[4], b[4], c[4], d[4], r[4];
        if (!getfp(a, req, "a") || !getfp(b, req, "b") || !getfp(c, req, "c") || !getfp(d, req, "d"))
            ERR("bad args");
        avskey_bn254_test_fp_mul2(r, a, b, c, d, (int)json_integer_value(json_object_get(req, "sub")));
        json_object_set_new(res, "r", fpj(r));
    } else if (!strcmp(op, "fp2_mul")) {
        uint64_t a[8], b[8], r[8];
        if (!getfp(a, req, "a0") || !getfp(a + 4, req, "a1") || !getfp(b, req, "b0") ||
            !getfp(b + 4, req, "b1"))
            ERR("bad args");
        avskey_bn254_test_fp2_mul(r, a, b);
        json_object_set_new(res, "r0", fpj(r));
        json_object_set_new(res, "r1", fpj(r + 4));
    } else if (!strcmp(op, "fp_inv")) {
        uint64_t a[4], r[4];
        if (!getfp(a, req, "a")) ERR("bad args");
        avskey_bn254_test_fp_inv(r, a);
        json_object_set_new(res, "r", fpj(r));
    } else if (!strcmp(op, "fp_sqrt")) {
        uint64_t a[4], r[4];
        if (!getfp(a, req, "a")) ERR("bad args");
        int ok = avskey_bn254_test_fp_sqrt(r, a);
        json_object_set_new(res, "ok", json_integer(ok));
        json_object_set_new(res, "r", fpj(r));
    } else if (!strcmp(op, "g1_mul") || !strcmp(op, "g1_mul_var")) {
        avskey_bn254_g1 p;
        avskey_bn254_fr k;
        if (!getg1(&p, gets_(req, "p")) || !getk(&k, req)) ERR("bad args");
        if (op[6]) avskey_bn254_g1_mul_var(&p, &p, &k);
        else avskey_bn254_g1_mul(&p, &p, &k);
        json_object_set_new(res, "r", g1j(&p));
    } else if (!strcmp(op, "g2_mul") || !strcmp(op, "g2_mul_var")) {
        avskey_bn254_g2 q;
        avskey_bn254_fr k;
        if (!getg2(&q, gets_(req, "q")) || !getk(&k, req)) ERR("bad args");
        if (op[6]) avskey_bn254_g2_mul_var(&q, &q, &k);
        else avskey_bn254_g2_mul(&q, &q, &k);
        json_object_set_new(res, "r", g2j(&q));
    } else if (!strcmp(op, "g1_add")) {
        avskey_bn254_g1 a, b;
        if (!getg1(&a, gets_(req, "a")) || !getg1(&b, gets_(req, "b"))) ERR("bad args");
        avskey_bn254_g1_add(&a, &a, &b);
        json_object_set_new(res, "r", g1j(&a));
    } else if (!strcmp(op, "pairing")) {
        avskey_bn254_g1 p;
        avskey_bn254_g2 q;
        avskey_bn254_gt gt;
        if (!getg1(&p, gets_(req, "p")) || !getg2(&q, gets_(req, "q"))) ERR("bad args");
        avskey_bn254_pairing_var(&gt, &p, &q);
        bn_fp12 f;
        memcpy(&f, &gt, sizeof f);
        const bn_fp *c[12] = {&f.c0.c0.a, &f.c0.c0.b, &f.c0.c1.a, &f.c0.c1.b, &f.c0.c2.a, &f.c0.c2.b,
                              &f.c1.c0.a, &f.c1.c0.b, &f.c1.c1.a, &f.c1.c1.b, &f.c1.c2.a, &f.c1.c2.b};
        json_t *arr = json_array();
        for (int i = 0; i < 12; i++) {
            uint64_t x[4];
            avskey_bn254_test_fp_mul(x, c[i]->v, RINV); /* out of Montgomery form */
            json_array_append_new(arr, fpj(x));
        }
        json_object_set_new(res, "gt", arr);
    } else if (!strcmp(op, "pairing_check")) {
        json_t *ps = json_object_get(req, "ps"), *qs = json_object_get(req, "qs");
        size_t n = json_array_size(ps);
        avskey_bn254_g1 p[16];
        avskey_bn254_g2 q[16];
        if (n > 16 || json_array_size(qs) != n) ERR("bad args");
        for (size_t i = 0; i < n; i++)
            if (!getg1(&p[i], json_string_value(json_array_get(ps, i))) ||
                !getg2(&q[i], json_string_value(json_array_get(qs, i))))
                ERR("bad args");
        json_object_set_new(res, "ok", json_integer(avskey_bn254_pairing_check_var(p, q, n)));
    } else if (!strcmp(op, "hash_to_g1")) {
        uint8_t d[32];
        avskey_bn254_g1 p;
        if (!unhex(d, 32, gets_(req, "d"))) ERR("bad args");
        avskey_bn254_hash_to_g1_var(&p, d);
        json_object_set_new(res, "r", g1j(&p));
    } else if (!strcmp(op, "pubkeys") || !strcmp(op, "bls_sign")) {
        uint8_t b[32], m[32], sig[64];
        avskey_bls_sk sk;
        if (!unhex(b, 32, gets_(req, "sk"))) ERR("bad args");
        int ok = avskey_bls_sk_from_bytes(&sk, b);
        json_object_set_new(res, "ok", json_integer(ok));
        if (ok && op[0] == 'p') {
            avskey_bn254_g1 pk1;
            avskey_bn254_g2 pk2;
            avskey_bls_pubkeys(&pk1, &pk2, &sk);
            json_object_set_new(res, "pk1", g1j(&pk1));
            json_object_set_new(res, "pk2", g2j(&pk2));
        } else if (ok) {
            if (!unhex(m, 32, gets_(req, "m"))) ERR("bad args");
            avskey_bls_sign(sig, m, &sk);
            json_object_set_new(res, "sig", hexj(sig, 64));
        }
    } else if (!strcmp(op, "bls_verify")) {
        uint8_t m[32], sig[64], pk2[128];
        if (!unhex(m, 32, gets_(req, "m")) || !unhex(sig, 64, gets_(req, "sig")) ||
            !unhex(pk2, 128, gets_(req, "pk2")))
            ERR("bad args");
        json_object_set_new(res, "ok", json_integer(avskey_bls_verify_bytes_var(m, sig, pk2)));
    } else if (!strcmp(op, "g1_compress")) {
        avskey_bn254_g1 p;
        uint8_t c[32];
        if (!getg1(&p, gets_(req, "p"))) ERR("bad args");
        avskey_bn254_g1_compress(c, &p);
        json_object_set_new(res, "c", hexj(c, 32));
    } else if (!strcmp(op, "g2_compress")) {
        avskey_bn254_g2 q;
        uint8_t c[64];
        if (!getg2(&q, gets_(req, "q"))) ERR("bad args");
        avskey_bn254_g2_compress(c, &q);
        json_object_set_new(res, "c", hexj(c, 64));
    } else if (!strcmp(op, "g2_compress_unchecked")) {
        avskey_bn254_g2 q;
        uint8_t raw[128], c[64];
        if (!unhex(raw, 128, gets_(req, "q"))) ERR("bad args");
        avskey_bn254_test_g2_from_affine_unchecked(&q, raw);
        avskey_bn254_g2_compress(c, &q);
        json_object_set_new(res, "c", hexj(c, 64));
    } else if (!strcmp(op, "g1_decompress") || !strcmp(op, "g1_from_xy")) {
        uint8_t c[64];
        avskey_bn254_g1 p;
        int inf = (int)json_integer_value(json_object_get(req, "inf")), ok;
        if (op[3] == 'd') {
            if (!unhex(c, 32, gets_(req, "c"))) ERR("bad args");
            ok = avskey_bn254_g1_decompress_var(&p, c, inf);
        } else {
            if (!unhex(c, 64, gets_(req, "p"))) ERR("bad args");
            ok = avskey_bn254_g1_from_xy_var(&p, c, inf);
        }
        json_object_set_new(res, "ok", json_integer(ok));
        if (ok) json_object_set_new(res, "p", g1j(&p));
    } else if (!strcmp(op, "g2_decompress") || !strcmp(op, "g2_from_raw")) {
        uint8_t c[128];
        avskey_bn254_g2 q;
        int inf = (int)json_integer_value(json_object_get(req, "inf")), ok;
        if (op[3] == 'd') {
            if (!unhex(c, 64, gets_(req, "c"))) ERR("bad args");
            ok = avskey_bn254_g2_decompress_var(&q, c, inf);
        } else {
            if (!unhex(c, 128, gets_(req, "q"))) ERR("bad args");
            ok = avskey_bn254_g2_from_raw_var(&q, c, inf);
        }
        json_object_set_new(res, "ok", json_integer(ok));
        if (ok) json_object_set_new(res, "q", g2j(&q));
    } else {
        ERR("unknown op");
    }
    return res;
}

int main(void)
{
    /* R^-1 = inverse of R mod p (R mod p = Montgomery form of 1) */
    static const uint64_t R_MOD_P[4] = {0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL,
                                        0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL};
    avskey_bn254_test_fp_inv(RINV, R_MOD_P);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) > 0) {
        json_error_t e;
        json_t *req = json_loadb(line, (size_t)len, 0, &e);
        json_t *res = req ? handle(req) : json_pack("{s:s}", "err", "bad json");
        char *out = json_dumps(res, JSON_COMPACT);
        fputs(out, stdout);
        fputc('\n', stdout);
        fflush(stdout);
        free(out);
        json_decref(res);
        json_decref(req);
    }
    free(line);
    return 0;
}
