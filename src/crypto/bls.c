/* eigensdk BLS on BN254: keys, signing, verification, text forms.
 * Behaviour matched against eigensdk-go (crypto/bls), eigenlayer-cli
 * (keys import/list) and Layr-Labs/cerberus, via the shared vectors. */
#include "avskey/bls.h"

#include "avskey/keccak.h"

#include <string.h>

typedef unsigned __int128 u128;

static const uint64_t R_ORDER[4] = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL,
                                    0xb85045b68181585dULL, 0x30644e72e131a029ULL};
static const uint64_t P_MOD[4] = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL,
                                  0xb85045b68181585dULL, 0x30644e72e131a029ULL};

/* ---- secret keys ------------------------------------------------------------ */

int avskey_bls_sk_from_bytes(avskey_bls_sk *sk, const uint8_t in[32])
{
    avskey_bn254_fr t = {{0, 0, 0, 0}};
    uint64_t ok = (uint64_t)avskey_bn254_fr_from_be(&t, in);
    ok &= (uint64_t)(1 ^ avskey_bn254_fr_is_zero(&t));
    uint64_t m = (uint64_t)0 - ok;
    for (int i = 0; i < 4; i++) sk->s.d[i] = (t.d[i] & m) | (sk->s.d[i] & ~m); /* unchanged if !ok */
    AVSKEY_WIPE(t);
    return (int)ok;
}

void avskey_bls_sk_to_bytes(uint8_t out[32], const avskey_bls_sk *sk)
{
    avskey_bn254_fr_to_be(out, &sk->s);
}

/* x (5 limbs) -= m if x >= m, constant time. */
static void csub5(uint64_t x[5], const uint64_t m[5])
{
    uint64_t s[5];
    u128 d = 0;
    for (int i = 0; i < 5; i++) {
        d = (u128)x[i] - m[i] - (uint64_t)((d >> 64) & 1);
        s[i] = (uint64_t)d;
    }
    uint64_t keep = (uint64_t)0 - (uint64_t)((d >> 64) & 1);
    for (int i = 0; i < 5; i++) x[i] = (x[i] & keep) | (s[i] & ~keep);
    avskey_wipe(s, sizeof s);
}

avskey_err avskey_bls_sk_from_text(avskey_bls_sk *sk, const char *text)
{
    const char *s = text;
    uint64_t base = 10, x[5] = {0, 0, 0, 0, 0}, rm[4][5];
    uint32_t bad = 0;
    size_t n = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    /* r<<3, r<<2, r<<1, r (5 limbs) */
    for (int k = 0; k < 4; k++) {
        int sh = 3 - k;
        for (int i = 0; i < 5; i++) {
            uint64_t lo = i < 4 ? R_ORDER[i] : 0, prev = i > 0 ? R_ORDER[i - 1] : 0;
            rm[k][i] = sh ? (lo << sh) | (prev >> (64 - sh)) : lo;
        }
    }
    for (; s[n]; n++) {
        uint32_t c = (uint8_t)s[n], lc = c | 0x20;
        uint32_t isdig = (uint32_t)((c - 0x30u) < 10u);
        uint32_t isalpha = (uint32_t)((lc - 0x61u) < 6u) & (uint32_t)(base == 16);
        uint32_t d = ((c - 0x30u) & (0u - isdig)) | ((lc - 0x61u + 10u) & (0u - isalpha));
        bad |= 1u ^ (isdig | isalpha);
        u128 carry = d;
        for (int i = 0; i < 5; i++) {
            carry += (u128)x[i] * base;
            x[i] = (uint64_t)carry;
            carry >>= 64;
        }
        for (int k = 0; k < 4; k++) csub5(x, rm[k]);
    }
    avskey_err rc = AVSKEY_OK;
    if (n == 0 || bad || n > 4096) {
        rc = avskey_fail(AVSKEY_ERR_MALFORMED,
                         "BLS secret key: expected decimal digits or 0x and hex digits");
    } else {
        avskey_bn254_fr t;
        memcpy(t.d, x, sizeof t.d);
        if (avskey_bn254_fr_is_zero(&t)) {
            rc = avskey_fail(AVSKEY_ERR_CRYPTO, "BLS secret key: zero modulo r");
        } else {
            sk->s = t;
        }
        AVSKEY_WIPE(t);
    }
    avskey_wipe(x, sizeof x);
    return rc;
}

/* ---- keys and signatures -------------------------------------------------- */

void avskey_bls_pubkeys(avskey_bn254_g1 *pk1, avskey_bn254_g2 *pk2, const avskey_bls_sk *sk)
{
    avskey_bn254_g1 g1;
    avskey_bn254_g2 g2;
    avskey_bn254_g1_generator(&g1);
    avskey_bn254_g2_generator(&g2);
    avskey_bn254_g1_mul(pk1, &g1, &sk->s);
    avskey_bn254_g2_mul(pk2, &g2, &sk->s);
}

void avskey_bls_sign_point(avskey_bn254_g1 *sig, const uint8_t msg[32], const avskey_bls_sk *sk)
{
    avskey_bn254_g1 h;
    avskey_bn254_hash_to_g1_var(&h, msg);
    avskey_bn254_g1_mul(sig, &h, &sk->s);
}

void avskey_bls_sign(uint8_t sig[64], const uint8_t msg[32], const avskey_bls_sk *sk)
{
    avskey_bn254_g1 s;
    avskey_bls_sign_point(&s, msg, sk);
    avskey_bn254_g1_to_xy(sig, &s);
}

int avskey_bls_verify_var(const uint8_t msg[32], const avskey_bn254_g1 *sig,
                          const avskey_bn254_g2 *pk2)
{
    avskey_bn254_g1 h, nsig;
    if (avskey_bn254_g1_is_infinity(sig) || avskey_bn254_g2_is_infinity(pk2)) return 0;
    avskey_bn254_hash_to_g1_var(&h, msg);
    avskey_bn254_g1_neg(&nsig, sig);
    /* e(H(m), pk2) * e(-sig, G2) == 1, the G2 lines precomputed */
    return avskey_bn254_pairing_check_prepared_var(&h, pk2, 1, &nsig,
                                                   avskey_bn254_g2_generator_prepared(), 1);
}

int avskey_bls_verify_bytes_var(const uint8_t msg[32], const uint8_t sig[64],
                                const uint8_t pk2[128])
{
    avskey_bn254_g1 s;
    avskey_bn254_g2 q;
    if (!avskey_bn254_g1_from_xy_var(&s, sig, 0)) return 0;
    if (!avskey_bn254_g2_from_raw_var(&q, pk2, 0)) return 0;
    return avskey_bls_verify_var(msg, &s, &q);
}

int avskey_bls_mul_g1(uint8_t out[64], const uint8_t point[64], const avskey_bls_sk *sk)
{
    avskey_bn254_g1 p;
    if (!avskey_bn254_g1_from_xy_var(&p, point, 0)) return 0;
    avskey_bn254_g1_mul(&p, &p, &sk->s);
    avskey_bn254_g1_to_xy(out, &p);
    return 1;
}

void avskey_bls_operator_id(uint8_t out[32], const avskey_bn254_g1 *pk1)
{
    uint8_t xy[64];
    avskey_bn254_g1_to_xy(xy, pk1);
    avskey_keccak256(out, xy, sizeof xy);
}

void avskey_bls_aggregate_g1(avskey_bn254_g1 *out, const avskey_bn254_g1 *in, size_t n)
{
    avskey_bn254_g1 acc;
    avskey_bn254_g1_infinity(&acc);
    for (size_t i = 0; i < n; i++) avskey_bn254_g1_add(&acc, &acc, &in[i]);
    *out = acc;
}

void avskey_bls_aggregate_g2(avskey_bn254_g2 *out, const avskey_bn254_g2 *in, size_t n)
{
    avskey_bn254_g2 acc;
    avskey_bn254_g2_infinity(&acc);
    for (size_t i = 0; i < n; i++) avskey_bn254_g2_add(&acc, &acc, &in[i]);
    *out = acc;
}

/* ---- E([x,y]) text ------------------------------------------------------------ */

/* Writes the decimal digits of the 32-byte big-endian integer; returns the
 * length. out needs 79 bytes. */
static size_t be32_to_dec(char *out, const uint8_t in[32])
{
    uint64_t x[4];
    char tmp[80];
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int j = 0; j < 8; j++) w = (w << 8) | in[(3 - i) * 8 + j];
        x[i] = w;
    }
    do {
        u128 rem = 0;
        for (int i = 3; i >= 0; i--) {
            u128 cur = (rem << 64) | x[i];
            x[i] = (uint64_t)(cur / 10);
            rem = cur % 10;
        }
        tmp[n++] = (char)('0' + (int)rem);
    } while (x[0] | x[1] | x[2] | x[3]);
    for (size_t i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    out[n] = 0;
    return n;
}

void avskey_bls_g1_format_E(char out[AVSKEY_BLS_E_MAX], const avskey_bn254_g1 *p)
{
    uint8_t xy[64];
    size_t n = 0;
    avskey_bn254_g1_to_xy(xy, p);
    memcpy(out, "E([", 3);
    n = 3;
    n += be32_to_dec(out + n, xy);
    out[n++] = ',';
    n += be32_to_dec(out + n, xy + 32);
    memcpy(out + n, "])", 3);
}

/* Parses decimal digits at *s (advancing it) into a canonical value < p.
 * Returns 1 on success. */
static int parse_dec_fp(uint8_t out[32], const char **s)
{
    uint64_t x[4] = {0, 0, 0, 0};
    const char *t = *s;
    size_t n = 0;
    while (t[n] >= '0' && t[n] <= '9') {
        if (n >= 78) return 0;
        u128 c = (u128)(t[n] - '0');
        for (int i = 0; i < 4; i++) {
            c += (u128)x[i] * 10;
            x[i] = (uint64_t)c;
            c >>= 64;
        }
        if (c) return 0;
        n++;
    }
    if (n == 0 || (n > 1 && t[0] == '0')) return 0;
    /* x < p */
    u128 d = 0;
    for (int i = 0; i < 4; i++) d = (u128)x[i] - P_MOD[i] - (uint64_t)((d >> 64) & 1);
    if (!((d >> 64) & 1)) return 0;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++) out[(3 - i) * 8 + j] = (uint8_t)(x[i] >> (56 - 8 * j));
    *s = t + n;
    return 1;
}

avskey_err avskey_bls_g1_parse_E_var(avskey_bn254_g1 *out, const char *text)
{
    uint8_t xy[64];
    const char *s = text;
    if (strncmp(s, "E([", 3) != 0) goto bad;
    s += 3;
    if (!parse_dec_fp(xy, &s) || *s++ != ',') goto bad;
    if (!parse_dec_fp(xy + 32, &s) || strcmp(s, "])") != 0) goto bad;
    if (!avskey_bn254_g1_from_xy_var(out, xy, 0))
        return avskey_fail(AVSKEY_ERR_MALFORMED, "G1 point E([x,y]): not a point of G1");
    return AVSKEY_OK;
bad:
    return avskey_fail(AVSKEY_ERR_MALFORMED,
                       "G1 point: expected E([x,y]) with canonical decimal coordinates");
}
