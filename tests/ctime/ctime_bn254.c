/* Constant-time test of the BN254/BLS secret paths, in the manner of
 * libsecp256k1's ctime_tests: secret inputs are marked undefined for
 * valgrind memcheck, so any branch or memory index that depends on them is
 * reported as a use of uninitialised data. Outputs are declassified
 * (marked defined) before the test looks at them.
 *
 * Run: valgrind --error-exitcode=1 build/ctime_bn254   (make ctime builds it)
 * It refuses to run outside valgrind, where it would prove nothing. */
#include "avskey/bls.h"
#include "crypto/bn254/internal.h"

#include <stdio.h>
#include <string.h>
#include <valgrind/memcheck.h>

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define DECLASSIFY(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static void run(int use_adx)
{
    uint8_t skb[32], msg[32], sig[64], pt[64], out[64];
    avskey_bls_sk sk;
    avskey_bn254_g1 pk1, h;
    avskey_bn254_g2 pk2;
    avskey_bn254_fr k;

    avskey_bn254_use_adx = use_adx;
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < 32; i++) {
            skb[i] = (uint8_t)(0x5a ^ (i * 37 + round * 101));
            msg[i] = (uint8_t)(i + round);
        }
        skb[0] &= 0x1f;
        if (round == 1) memset(skb, 0, 31), skb[31] = 1;   /* sk = 1 */
        if (round == 2) memset(skb + 1, 0xff, 31);          /* high bits */

        /* scalar parsing: only the validity bit is declassified */
        SECRET(skb, sizeof skb);
        int ok = avskey_bls_sk_from_bytes(&sk, skb);
        DECLASSIFY(&ok, sizeof ok);
        if (!ok) {
            fprintf(stderr, "ctime_bn254: test key rejected\n");
            return;
        }
        SECRET(&sk, sizeof sk);

        /* pk1 = sk*G1, pk2 = sk*G2 */
        avskey_bls_pubkeys(&pk1, &pk2, &sk);
        DECLASSIFY(&pk1, sizeof pk1);
        DECLASSIFY(&pk2, sizeof pk2);

        /* BLS sign: H(m) (public), sk*H(m), to affine */
        avskey_bls_sign(sig, msg, &sk);
        DECLASSIFY(sig, sizeof sig);

        /* sk*P for a given point */
        avskey_bn254_hash_to_g1_var(&h, msg);
        avskey_bn254_g1_to_xy(pt, &h);
        ok = avskey_bls_mul_g1(out, pt, &sk);
        DECLASSIFY(&ok, sizeof ok);
        DECLASSIFY(out, sizeof out);

        /* the raw group API with a secret scalar */
        memcpy(k.d, sk.s.d, sizeof k.d);
        avskey_bn254_g1_mul(&h, &h, &k);
        DECLASSIFY(&h, sizeof h);
        avskey_bn254_g2_mul(&pk2, &pk2, &k);
        DECLASSIFY(&pk2, sizeof pk2);

        DECLASSIFY(&sk, sizeof sk);
        DECLASSIFY(skb, sizeof skb);
        AVSKEY_WIPE(sk);
    }
}

/* 1 if the host CPU has BMI2 and ADX according to /proc/cpuinfo (valgrind's
 * virtual cpuid hides them, but executes the instructions). */
static int host_has_adx(void)
{
    char line[4096];
    int adx = 0, bmi2 = 0;
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "flags", 5) != 0) continue;
        adx = strstr(line, " adx") != NULL;
        bmi2 = strstr(line, " bmi2") != NULL;
        break;
    }
    fclose(f);
    return adx && bmi2;
}

int main(void)
{
    if (!RUNNING_ON_VALGRIND) {
        fprintf(stderr, "ctime_bn254: this test only means something under valgrind:\n"
                        "  valgrind --error-exitcode=1 %s\n", "build/ctime_bn254");
        return 1;
    }
    /* Both multipliers: the portable one, then MULX/ADX if the host has it. */
    run(0);
    int adx = avskey_bn254_cpu_has_adx() || host_has_adx();
    if (adx) run(1);
    printf("ctime_bn254: ok (portable%s)\n", adx ? " and MULX/ADX" : "");
    return 0;
}
