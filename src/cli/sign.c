/* sign ecdsa (and, with the BN254 module, sign bls / verify bls). */
#include "keyref.h"
#include "signer_cli.h"

#include "avskey/bls.h"
#include "avskey/ecdsa.h"
#include "avskey/keccak.h"
#include "avskey/secmem.h"

#include <stdlib.h>
#include <string.h>

static const char *const sign_ecdsa_spec[] = {"--key-path=", "--data=", "--digest=", AVSKEY_PW_OPTS, "--signer=",
                                              AVSKEY_SIGNER_OPTS, NULL};

/* Computes the digest to sign from --data (keccak256) or --digest. */
static avskey_err ecdsa_digest(uint8_t d[32], const avskey_args *a)
{
    const char *data = avskey_opt(a, "--data"), *digest = avskey_opt(a, "--digest");
    if (!!data == !!digest) return avskey_fail(AVSKEY_ERR_USAGE, "give exactly one of --data 0xHEX or --digest 0x32BYTES");
    if (digest) {
        if (!avskey_hex_decode_var(d, 32, digest))
            return avskey_fail(AVSKEY_ERR_MALFORMED, "--digest must be 32 bytes: 0x and 64 hex digits");
        return AVSKEY_OK;
    }
    size_t cap = strlen(data) / 2 + 1, n = 0;
    uint8_t *buf = malloc(cap);
    if (!buf) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
    int ok = avskey_hex_decode_any_var(buf, &n, cap, data);
    if (ok) avskey_keccak256(d, buf, n);
    free(buf);
    return ok ? AVSKEY_OK : avskey_fail(AVSKEY_ERR_MALFORMED, "--data must be 0x followed by an even number of hex digits");
}

#define SIGNER_HELP                                                                                   \
    "\nWith --signer URI [--key ID] the signature comes from the signer API instead of a key file:\n" \
    "keystore:/path/FILE, web3signer+http(s)://HOST:PORT, cerberus+grpc(s)://HOST:PORT; remote\n"    \
    "options --signer-token-file PATH, --signer-ca PEM, --signer-cert PEM, --signer-key PEM,\n"     \
    "--signer-timeout-ms N (default 5000, the whole command). Remote results are checked locally.\n"

/* Without --signer, the --signer-* options and --key are unknown, as before
 * they existed (keeps --key-path behaviour unchanged). */
static int signer_opts_without_signer(const avskey_args *a)
{
    static const char *const names[] = {"--key", "--signer-token-file", "--signer-ca", "--signer-cert",
                                        "--signer-key", "--signer-timeout-ms"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (avskey_opt(a, names[i])) return avskey_cli_usage("unknown option %s (see --help)", names[i]);
    return 0;
}

/* Rejects --key-path together with --signer. */
static int signer_exclusive(const avskey_args *a)
{
    if (avskey_opt(a, "--key-path") || avskey_opt(a, "--key-type") || avskey_opt(a, "--keystore-dir"))
        return avskey_cli_usage("give either --signer URI or --key-path PATH, not both");
    if (a->noperands) return avskey_cli_usage("unexpected argument %s", a->operands[0]);
    return 0;
}

static int sign_ecdsa_signer(const avskey_args *a)
{
    avskey_signer *s = NULL;
    uint8_t sig[65];
    int rc = signer_exclusive(a);
    if (rc) return rc;
    const char *data = avskey_opt(a, "--data"), *digest = avskey_opt(a, "--digest");
    uint8_t d[32], *buf = NULL;
    size_t n = 0;
    avskey_err e = ecdsa_digest(d, a);
    if (!e && data) {
        size_t cap = strlen(data) / 2 + 1;
        if (!(buf = malloc(cap))) e = avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
        else if (!avskey_hex_decode_any_var(buf, &n, cap, data)) e = AVSKEY_ERR_MALFORMED;
    }
    if (!e) e = avskey_cli_signer_open(&s, avskey_opt(a, "--signer"), a);
    if (!e) e = digest ? avskey_signer_sign_digest(s, sig, d) : avskey_signer_sign_data(s, sig, buf, n);
    free(buf);
    avskey_signer_close(s);
    if (e) return avskey_cli_fail(e);
    char hex[131];
    avskey_hex_encode(hex, sig, 65);
    printf("0x%s\n", hex);
    return 0;
}

int avskey_cmd_sign_ecdsa(int argc, char **argv)
{
    avskey_args a;
    avskey_keyref ref;
    uint8_t d[32], sig[65], *sk = NULL;
    avskey_err e = avskey_args_parse(&a, argc, argv, sign_ecdsa_spec);
    if (e) return avskey_cli_fail(e);
    if (a.help) {
        printf("usage: avskey sign ecdsa --key-path PATH (--data 0xHEX | --digest 0x32BYTES) [passphrase source]\n\n"
               "Signs keccak256(data) (--data) or a 32-byte digest as it is (--digest) and prints\n"
               "0x r||s||v (65 bytes, v = 27/28, RFC 6979 nonce, low s): Web3Signer's eth1 format.\n"
               SIGNER_HELP);
        return 0;
    }
    if (avskey_opt(&a, "--signer")) return sign_ecdsa_signer(&a);
    int rc = signer_opts_without_signer(&a);
    if (rc) return rc;
    if (!avskey_opt(&a, "--key-path")) return avskey_cli_usage("sign ecdsa needs --key-path PATH");
    if (a.noperands) return avskey_cli_usage("unexpected argument %s", a.operands[0]);
    if ((e = ecdsa_digest(d, &a))) return avskey_cli_fail(e);
    if ((e = avskey_keyref_resolve(&ref, &a, 0)) || (e = avskey_keyref_load(&ref, 1))) return avskey_cli_fail(e);
    if (ref.type != AVSKEY_KEY_ECDSA)
        return avskey_cli_fail(avskey_fail(AVSKEY_ERR_USAGE, "%s is not an ECDSA key file", ref.path));
    if ((e = avskey_keyref_unlock(&ref, &a, &sk))) return avskey_cli_fail(e);
    int ok = avskey_ecdsa_sign(sig, d, sk);
    avskey_secmem_free(sk);
    if (!ok) return avskey_cli_fail(avskey_fail(AVSKEY_ERR_CRYPTO, "signing failed"));
    char hex[131];
    avskey_hex_encode(hex, sig, 65);
    printf("0x%s\n", hex);
    return 0;
}

/* ---- BLS --------------------------------------------------------------- */

static const char *const sign_bls_spec[] = {"--key-path=", "--message=", "--g1-point=", AVSKEY_PW_OPTS, "--signer=",
                                            AVSKEY_SIGNER_OPTS, NULL};

/* --message: at most 32 bytes, right-padded with zeros (eigensdk). */
static avskey_err bls_message(uint8_t msg[32], const char *hex)
{
    size_t n = 0;
    memset(msg, 0, 32);
    if (!avskey_hex_decode_any_var(msg, &n, 32, hex))
        return avskey_fail(AVSKEY_ERR_MALFORMED, "--message must be 0x and at most 64 hex digits (32 bytes)");
    return AVSKEY_OK;
}

static int print_hex0x(const uint8_t *b, size_t n)
{
    char hex[300];
    avskey_hex_encode(hex, b, n);
    printf("0x%s\n", hex);
    return 0;
}

static int sign_bls_signer(const avskey_args *a, const char *m, const char *g)
{
    avskey_signer *s = NULL;
    uint8_t msg[32], point[64], out[64];
    avskey_bn254_g1 tmp;
    avskey_err e;
    int rc = signer_exclusive(a);
    if (rc) return rc;
    if (!!m == !!g) return avskey_cli_usage("give exactly one of --message 0xHEX or --g1-point 0x64BYTES");
    if (m && (e = bls_message(msg, m))) return avskey_cli_fail(e);
    if (g && (!avskey_hex_decode_var(point, 64, g) || !avskey_bn254_g1_from_xy_var(&tmp, point, 0)))
        return avskey_cli_fail(avskey_fail(AVSKEY_ERR_MALFORMED,
                                           "--g1-point must be 64 bytes X||Y of a G1 point (on the curve, "
                                           "coordinates below p, not infinity)"));
    e = avskey_cli_signer_open(&s, avskey_opt(a, "--signer"), a);
    if (!e) e = m ? avskey_signer_sign_message(s, out, msg) : avskey_signer_sign_g1_point(s, out, point);
    avskey_signer_close(s);
    if (e) return avskey_cli_fail(e);
    return print_hex0x(out, 64);
}

int avskey_cmd_sign_bls(int argc, char **argv)
{
    avskey_args a;
    avskey_keyref ref;
    uint8_t msg[32], point[64], out[64], *sk = NULL;
    avskey_err e = avskey_args_parse(&a, argc, argv, sign_bls_spec);
    if (e) return avskey_cli_fail(e);
    if (a.help) {
        printf("usage: avskey sign bls --key-path PATH (--message 0xHEX | --g1-point 0x64BYTES) [passphrase source]\n\n"
               "--message (at most 32 bytes, right-padded with zeros to 32) is hashed to G1 as eigensdk\n"
               "does and signed: prints 0x X||Y (64 bytes, eigensdk Serialize). --g1-point prints sk*P\n"
               "for a 64-byte G1 point X||Y, after on-curve and subgroup checks.\n"
               SIGNER_HELP);
        return 0;
    }
    const char *m = avskey_opt(&a, "--message"), *g = avskey_opt(&a, "--g1-point");
    if (avskey_opt(&a, "--signer")) return sign_bls_signer(&a, m, g);
    int rc = signer_opts_without_signer(&a);
    if (rc) return rc;
    if (!avskey_opt(&a, "--key-path")) return avskey_cli_usage("sign bls needs --key-path PATH");
    if (!!m == !!g) return avskey_cli_usage("give exactly one of --message 0xHEX or --g1-point 0x64BYTES");
    if (m && (e = bls_message(msg, m))) return avskey_cli_fail(e);
    avskey_bn254_g1 tmp;
    if (g && (!avskey_hex_decode_var(point, 64, g) || !avskey_bn254_g1_from_xy_var(&tmp, point, 0)))
        return avskey_cli_fail(avskey_fail(AVSKEY_ERR_MALFORMED,
                                           "--g1-point must be 64 bytes X||Y of a G1 point (on the curve, "
                                           "coordinates below p, not infinity)"));
    if ((e = avskey_keyref_resolve(&ref, &a, 0)) || (e = avskey_keyref_load(&ref, 1))) return avskey_cli_fail(e);
    if (ref.type != AVSKEY_KEY_BLS)
        return avskey_cli_fail(avskey_fail(AVSKEY_ERR_USAGE, "%s is not a BLS key file", ref.path));
    if ((e = avskey_keyref_unlock(&ref, &a, &sk))) return avskey_cli_fail(e);
    avskey_bls_sk s;
    int ok = avskey_bls_sk_from_bytes(&s, sk);
    avskey_secmem_free(sk);
    if (ok && m) avskey_bls_sign(out, msg, &s);
    if (ok && g) ok = avskey_bls_mul_g1(out, point, &s);
    AVSKEY_WIPE(s);
    if (!ok) return avskey_cli_fail(avskey_fail(AVSKEY_ERR_CRYPTO, "signing failed"));
    return print_hex0x(out, 64);
}

static const char *const verify_bls_spec[] = {"--pubkey-g2=", "--message=", "--signature=", NULL};

/* Parses --pubkey-g2: 128 bytes raw or 64 bytes gnark-compressed. Returns
 * 2 malformed (length/hex), 1 not a valid point, 0 OK. */
static int parse_pk2(avskey_bn254_g2 *pk2, const char *hex)
{
    uint8_t buf[128];
    size_t n = 0;
    if (!avskey_hex_decode_any_var(buf, &n, sizeof buf, hex) || (n != 128 && n != 64)) return 2;
    int ok = n == 128 ? avskey_bn254_g2_from_raw_var(pk2, buf, 0) : avskey_bn254_g2_decompress_var(pk2, buf, 0);
    return ok ? 0 : 1;
}

int avskey_cmd_verify_bls(int argc, char **argv)
{
    avskey_args a;
    uint8_t msg[32], sig[64];
    avskey_bn254_g2 pk2;
    avskey_err e = avskey_args_parse(&a, argc, argv, verify_bls_spec);
    if (e) return avskey_cli_fail(e);
    if (a.help) {
        printf("usage: avskey verify bls --pubkey-g2 0xHEX --message 0xHEX --signature 0xHEX\n\n"
               "Checks an eigensdk BLS signature: e(H(m), pk2) * e(-sig, G2) == 1. --pubkey-g2 is raw\n"
               "(128 bytes, X.A1||X.A0||Y.A1||Y.A0) or gnark-compressed (64 bytes). Exit 0 valid,\n"
               "1 invalid, 2 malformed input.\n");
        return 0;
    }
    const char *pk = avskey_opt(&a, "--pubkey-g2"), *m = avskey_opt(&a, "--message"), *s = avskey_opt(&a, "--signature");
    if (!pk || !m || !s) return avskey_cli_usage("verify bls needs --pubkey-g2, --message and --signature");
    if ((e = bls_message(msg, m))) return avskey_cli_fail(e);
    if (!avskey_hex_decode_var(sig, 64, s))
        return avskey_cli_fail(avskey_fail(AVSKEY_ERR_MALFORMED, "--signature must be 64 bytes: 0x and 128 hex digits"));
    int pr = parse_pk2(&pk2, pk);
    if (pr == 2)
        return avskey_cli_fail(avskey_fail(AVSKEY_ERR_MALFORMED, "--pubkey-g2 must be 128 bytes (raw) or 64 bytes (compressed) of hex"));
    avskey_bn254_g1 sp;
    if (pr == 1 || !avskey_bn254_g1_from_xy_var(&sp, sig, 0) || !avskey_bls_verify_var(msg, &sp, &pk2)) {
        printf("invalid\n");
        return 1;
    }
    printf("valid\n");
    return 0;
}
