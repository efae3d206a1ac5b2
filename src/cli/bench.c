/* avskey bench: ns per operation of the hot paths, as JSON lines or a table. */
#include "bench.h"
#include "cli.h"

#include "avskey/ecdsa.h"
#include "avskey/keccak.h"
#include "avskey/keystore.h"

#include <scrypt-kdf.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile uint8_t bench_sink;

static void run_keccak(void *st, uint64_t n)
{
    uint8_t buf[32] = {1};
    (void)st;
    for (uint64_t i = 0; i < n; i++) avskey_keccak256(buf, buf, 32);
    bench_sink = buf[0];
}

/* A V3 key file at go-ethereum's standard scrypt cost, made once. */
typedef struct scrypt_state {
    avskey_keyfile kf;
    avskey_pw pw;
} scrypt_state;

static void *setup_scrypt(void)
{
    static char pass[] = "bench passphrase";
    scrypt_state *s = calloc(1, sizeof *s);
    uint8_t sk[32] = {7};
    s->pw.buf = pass;
    s->pw.len = strlen(pass);
    s->kf.format = AVSKEY_FMT_V3;
    s->kf.type = AVSKEY_KEY_ECDSA;
    if (avskey_keyfile_encrypt(&s->kf, sk, &s->pw) != AVSKEY_OK) abort();
    return s;
}

static void run_scrypt_decrypt(void *st, uint64_t n)
{
    scrypt_state *s = st;
    uint8_t sk[32];
    for (uint64_t i = 0; i < n; i++)
        if (avskey_keyfile_decrypt(sk, &s->kf, &s->pw, "bench") != AVSKEY_OK) abort();
    bench_sink = sk[0];
}

static void run_scrypt_bare(void *st, uint64_t n)
{
    scrypt_state *s = st;
    uint8_t dk[32];
    for (uint64_t i = 0; i < n; i++)
        if (scrypt_kdf((const uint8_t *)s->pw.buf, s->pw.len, s->kf.salt, s->kf.salt_len, s->kf.n, s->kf.r,
                       s->kf.p, dk, 32) != 0)
            abort();
    bench_sink = dk[0];
}

static void run_secp_sign(void *st, uint64_t n)
{
    uint8_t sk[32] = {0x42}, d[32] = {1}, sig[65];
    (void)st;
    for (uint64_t i = 0; i < n; i++) {
        if (!avskey_ecdsa_sign(sig, d, sk)) abort();
        d[0] = sig[1];
    }
    bench_sink = sig[0];
}

static void run_secp_recover(void *st, uint64_t n)
{
    uint8_t sk[32] = {0x42}, d[32] = {1}, sig[65], pub[64];
    (void)st;
    if (!avskey_ecdsa_sign(sig, d, sk)) abort();
    for (uint64_t i = 0; i < n; i++)
        if (!avskey_ecdsa_recover_var(pub, sig, d)) abort();
    bench_sink = pub[0];
}

/* The same two operations on bare libsecp256k1, for the overhead ratio. */
static void run_secp_sign_bare(void *st, uint64_t n)
{
    static secp256k1_context *ctx;
    if (!ctx) ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    uint8_t sk[32] = {0x42}, d[32] = {1}, out[64];
    secp256k1_ecdsa_recoverable_signature sig;
    int recid;
    (void)st;
    for (uint64_t i = 0; i < n; i++) {
        if (!secp256k1_ecdsa_sign_recoverable(ctx, &sig, d, sk, NULL, NULL)) abort();
        secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, out, &recid, &sig);
        d[0] = out[1];
    }
    bench_sink = out[0];
}

static void run_secp_recover_bare(void *st, uint64_t n)
{
    static secp256k1_context *ctx;
    if (!ctx) ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    uint8_t sk[32] = {0x42}, d[32] = {1}, ser[65];
    secp256k1_ecdsa_recoverable_signature sig;
    secp256k1_pubkey pk;
    size_t len = 65;
    (void)st;
    if (!secp256k1_ecdsa_sign_recoverable(ctx, &sig, d, sk, NULL, NULL)) abort();
    for (uint64_t i = 0; i < n; i++) {
        if (!secp256k1_ecdsa_recover(ctx, &pk, &sig, d)) abort();
        len = 65;
        secp256k1_ec_pubkey_serialize(ctx, ser, &len, &pk, SECP256K1_EC_UNCOMPRESSED);
    }
    bench_sink = ser[1];
}

const avskey_bench_case avskey_bench_core[] = {
    {"keccak256_32B", NULL, run_keccak, NULL, 0},
    {"scrypt_n18_decrypt", setup_scrypt, run_scrypt_decrypt, free, 5},
    {"scrypt_n18_bare", setup_scrypt, run_scrypt_bare, free, 5},
    {"secp256k1_sign", NULL, run_secp_sign, NULL, 0},
    {"secp256k1_sign_bare", NULL, run_secp_sign_bare, NULL, 0},
    {"secp256k1_recover", NULL, run_secp_recover, NULL, 0},
    {"secp256k1_recover_bare", NULL, run_secp_recover_bare, NULL, 0},
    {NULL, NULL, NULL, NULL, 0},
};

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Runs one case: calibrates n to about target_ns unless fixed. */
static void run_case(const avskey_bench_case *c, int json, double target_ns)
{
    void *st = c->setup ? c->setup() : NULL;
    uint64_t n = c->fixed_iters ? c->fixed_iters : 1;
    double t0, dt;
    c->run(st, 1); /* warm up */
    for (;;) {
        t0 = now_ns();
        c->run(st, n);
        dt = now_ns() - t0;
        if (c->fixed_iters || dt >= target_ns || n >= (1ull << 40)) break;
        uint64_t next = dt > 0 ? (uint64_t)((double)n * target_ns * 1.1 / dt) : n * 100;
        n = next > n * 100 ? n * 100 : next < n + 1 ? n + 1 : next;
    }
    if (c->teardown) c->teardown(st);
    double per = dt / (double)n;
    if (json) printf("{\"op\":\"%s\",\"ns_per_op\":%.1f,\"iterations\":%llu}\n", c->op, per, (unsigned long long)n);
    else printf("%-26s %14.1f ns/op %10llu iterations\n", c->op, per, (unsigned long long)n);
    fflush(stdout);
}

static const char *const bench_spec[] = {"--json", "--filter=", "--time-ms=", NULL};

int avskey_cmd_bench(int argc, char **argv)
{
    avskey_args a;
    avskey_err e = avskey_args_parse(&a, argc, argv, bench_spec);
    if (e) return avskey_cli_fail(e);
    if (a.help) {
        printf("usage: avskey bench [--json] [--filter SUBSTRING] [--time-ms N]\n\n"
               "Measures the hot paths in ns per operation. --json prints one object per line:\n"
               "{\"op\": NAME, \"ns_per_op\": NUMBER, \"iterations\": N}. The *_bare rows run the\n"
               "underlying library directly, for comparison. --time-ms sets the time per case\n"
               "(default 300).\n");
        return 0;
    }
    const char *filter = avskey_opt(&a, "--filter"), *ms = avskey_opt(&a, "--time-ms");
    double target = ms ? atof(ms) * 1e6 : 3e8;
    if (target <= 0) return avskey_cli_usage("--time-ms must be a positive number");
    const avskey_bench_case *tables[] = {avskey_bench_core, avskey_bench_bn254};
    int json = avskey_opt(&a, "--json") != NULL, ran = 0;
    for (size_t t = 0; t < 2; t++)
        for (const avskey_bench_case *c = tables[t]; c->op; c++) {
            if (filter && !strstr(c->op, filter)) continue;
            run_case(c, json, target);
            ran++;
        }
    if (!ran) return avskey_cli_usage("no benchmark matches --filter %s", filter);
    return 0;
}
