/* sign ecdsa (and, with the BN254 module, sign bls / verify bls). */
#include "keyref.h"

#include "avskey/ecdsa.h"
#include "avskey/keccak.h"
#include "avskey/secmem.h"

#include <stdlib.h>
#include <string.h>

static const char *const sign_ecdsa_spec[] = {"--key-path=", "--data=", "--digest=", AVSKEY_PW_OPTS, NULL};

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
               "0x r||s||v (65 bytes, v = 27/28, RFC 6979 nonce, low s): Web3Signer's eth1 format.\n");
        return 0;
    }
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
