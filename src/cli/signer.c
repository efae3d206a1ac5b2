/* signer test URI, and the --signer options of `sign` (src/cli/sign.c). */
#include "signer_cli.h"

#include "keyref.h"

#include "avskey/ecdsa.h"
#include "avskey/keccak.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t avskey_cli_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

avskey_err avskey_cli_signer_open(avskey_signer **s, const char *uri, const avskey_args *a)
{
    avskey_signer_options o;
    avskey_signer_options_init(&o);
    avskey_err e = avskey_cli_pw_source(&o.passphrase, a, "");
    if (e) return e;
    const char *t = avskey_opt(a, "--signer-timeout-ms");
    if (t) {
        char *end;
        unsigned long v = strtoul(t, &end, 10);
        if (*t < '0' || *t > '9' || *end || v == 0 || v > 3600000)
            return avskey_fail(AVSKEY_ERR_USAGE, "--signer-timeout-ms must be a number of milliseconds (1..3600000)");
        o.timeout_ms = (unsigned)v;
    }
    int remote = avskey_signer_kind_of_uri(uri) != AVSKEY_SIGNER_KEYSTORE;
    if (!remote && (avskey_opt(a, "--key") || avskey_opt(a, "--signer-token-file") || avskey_opt(a, "--signer-ca") ||
                    avskey_opt(a, "--signer-cert") || avskey_opt(a, "--signer-key")))
        return avskey_fail(AVSKEY_ERR_USAGE, "--key and --signer-token-file/-ca/-cert/-key apply to remote signers "
                                             "only");
    uint64_t t0 = avskey_cli_now_ms();
    o.key_id = avskey_opt(a, "--key");
    o.token_file = avskey_opt(a, "--signer-token-file");
    o.tls_ca = avskey_opt(a, "--signer-ca");
    o.tls_cert = avskey_opt(a, "--signer-cert");
    o.tls_key = avskey_opt(a, "--signer-key");
    if ((e = avskey_signer_open(s, uri, &o))) return e;
    /* --signer-timeout-ms bounds the whole command: later calls get what is left */
    uint64_t used = avskey_cli_now_ms() - t0;
    if (remote && used >= o.timeout_ms) {
        avskey_signer_close(*s);
        *s = NULL;
        return avskey_fail(AVSKEY_ERR_TIMEOUT, "%s: no answer within --signer-timeout-ms (%u ms)", uri, o.timeout_ms);
    }
    if (remote) avskey_signer_set_timeout(*s, (unsigned)(o.timeout_ms - used));
    return AVSKEY_OK;
}

static void hex0x(char *out, const uint8_t *b, size_t n)
{
    out[0] = '0';
    out[1] = 'x';
    avskey_hex_encode(out + 2, b, n);
}

/* The fields `keys show --json --verify` prints, from the signer's info. */
static void key_fields(avskey_fields *fs, const avskey_signer_info *in)
{
    char text[300];
    avskey_fields_add(fs, "name", in->name);
    avskey_fields_add(fs, "type", in->type == AVSKEY_KEY_BLS ? "bls" : "ecdsa");
    avskey_fields_add(fs, "path", in->path);
    if (in->type == AVSKEY_KEY_ECDSA) {
        avskey_eip55_var(text, in->address);
        avskey_fields_add(fs, "address", text);
        hex0x(text, in->pubkey, 64);
        avskey_fields_add(fs, "public_key", text);
        return;
    }
    hex0x(text, in->g1, 64);
    avskey_fields_add(fs, "pubkey_g1", text);
    hex0x(text, in->g1_compressed, 32);
    avskey_fields_add(fs, "pubkey_g1_compressed", text);
    hex0x(text, in->operator_id, 32);
    avskey_fields_add(fs, "operator_id", text);
    hex0x(text, in->g2, 128);
    avskey_fields_add(fs, "pubkey_g2", text);
    hex0x(text, in->g2_compressed, 64);
    avskey_fields_add(fs, "pubkey_g2_compressed", text);
}

static void print_json_fields(const avskey_fields *fs)
{
    fputc('{', stdout);
    for (int i = 0; i < fs->n; i++) {
        if (i) fputc(',', stdout);
        avskey_json_str(stdout, fs->f[i].key);
        fputc(':', stdout);
        avskey_json_str(stdout, fs->f[i].value);
    }
    fputc('}', stdout);
}

/* A test signature: ECDSA over keccak256("avskey signer test"), BLS over
 * the same 32 bytes. */
static avskey_err test_sign(avskey_signer *s, const avskey_signer_info *in)
{
    static const char text[] = "avskey signer test";
    uint8_t d[32], sig[65];
    avskey_keccak256(d, (const uint8_t *)text, sizeof text - 1);
    if (in->type == AVSKEY_KEY_BLS) return avskey_signer_sign_message(s, sig, d);
    return avskey_signer_sign_digest(s, sig, d);
}

static const char *const test_spec[] = {"--json", AVSKEY_SIGNER_OPTS, AVSKEY_PW_OPTS, NULL};

int avskey_cmd_signer_test(int argc, char **argv)
{
    avskey_args a;
    avskey_signer *s = NULL;
    avskey_signer_info info;
    avskey_err e = avskey_args_parse(&a, argc, argv, test_spec);
    if (e) return avskey_cli_fail(e);
    if (a.help) {
        printf("usage: avskey signer test URI [--key ID] [--json] [--signer-token-file PATH]\n"
               "                          [--signer-ca PEM] [--signer-cert PEM --signer-key PEM]\n"
               "                          [--signer-timeout-ms N] [passphrase source]\n\n"
               "Opens a signer (keystore:/path/FILE, web3signer+http(s)://HOST:PORT,\n"
               "cerberus+grpc(s)://HOST:PORT), shows the key's public data, makes a test signature,\n"
               "checks it locally and prints its latency. --json fields: reachable, key (as keys show\n"
               "--json), verified, latency_ms. Exit 0 only when reachable and verified, else 1.\n");
        return 0;
    }
    if (a.noperands != 1) return avskey_cli_usage("signer test needs one signer URI");
    const char *uri = a.operands[0];
    int json = avskey_opt(&a, "--json") != NULL;
    if (avskey_signer_kind_of_uri(uri) == 0)
        return avskey_cli_fail(avskey_fail(AVSKEY_ERR_USAGE, "%s: not a signer URI (keystore:, web3signer+http(s)://, "
                                                             "cerberus+grpc(s)://)", uri));
    e = avskey_cli_signer_open(&s, uri, &a);
    if (e == AVSKEY_ERR_USAGE) return avskey_cli_fail(e);
    int reachable = e == AVSKEY_OK || (avskey_signer_kind_of_uri(uri) != AVSKEY_SIGNER_KEYSTORE &&
                                       e != AVSKEY_ERR_UNREACHABLE && e != AVSKEY_ERR_TIMEOUT);
    uint64_t t0 = 0, ms = 0;
    if (!e) {
        avskey_signer_public_keys(s, &info);
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        t0 = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
        e = test_sign(s, &info);
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ms = ((uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u - t0 + 500) / 1000;
    }
    char err[600] = "";
    if (e) snprintf(err, sizeof err, "%s", avskey_errmsg());
    avskey_fields fs = {.n = 0};
    if (s) key_fields(&fs, &info);
    if (json) {
        printf("{\"reachable\":%s,\"key\":", reachable ? "true" : "false");
        if (s) print_json_fields(&fs);
        else fputs("null", stdout);
        printf(",\"verified\":%s,\"latency_ms\":", e ? "false" : "true");
        if (e) fputs("null", stdout);
        else printf("%llu", (unsigned long long)ms);
        if (e) {
            fputs(",\"error\":", stdout);
            avskey_json_str(stdout, err);
        }
        fputs("}\n", stdout);
    } else {
        printf("%-22s %s\n", "reachable", reachable ? "yes" : "no");
        for (int i = 0; i < fs.n; i++) printf("%-22s %s\n", fs.f[i].key, fs.f[i].value);
        printf("%-22s %s\n", "verified", e ? "no" : "yes");
        if (!e) printf("%-22s %llu\n", "latency_ms", (unsigned long long)ms);
    }
    avskey_signer_close(s);
    if (e) {
        fprintf(stderr, "avskey: %s\n", err);
        return 1;
    }
    return 0;
}
