// C++ smoke test of libavskey.so: opens a keystore signer (passphrase from a
// callback), signs a digest, checks the API from C++ and prints the signature.
//   smoke KEYFILE PASSPHRASE DIGEST_HEX
#include "avskey/signer.h"

#include <cstdio>
#include <cstring>
#include <string>

static int pw_cb(void *ctx, char *buf, size_t cap, size_t *len)
{
    const std::string *pw = static_cast<const std::string *>(ctx);
    if (pw->size() > cap) return 1;
    std::memcpy(buf, pw->data(), pw->size());
    *len = pw->size();
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) return 2;
    std::string uri = std::string("keystore:") + argv[1], pw = argv[2];
    avskey_signer_options o;
    avskey_signer_options_init(&o);
    o.passphrase_cb = pw_cb;
    o.passphrase_ctx = &pw;
    avskey_signer *s = nullptr;
    if (avskey_signer_open(&s, uri.c_str(), &o) != AVSKEY_OK) {
        std::fprintf(stderr, "open: %s\n", avskey_errmsg());
        return 1;
    }
    uint8_t d[32], sig[65];
    char hex[131];
    if (!avskey_hex_decode_var(d, 32, argv[3]) || avskey_signer_sign_digest(s, sig, d) != AVSKEY_OK) {
        std::fprintf(stderr, "sign: %s\n", avskey_errmsg());
        avskey_signer_close(s);
        return 1;
    }
    uint8_t out[64];
    if (avskey_signer_sign_message(s, out, d) != AVSKEY_ERR_USAGE) return 1;  // ECDSA key: no BLS
    avskey_signer_close(s);
    avskey_hex_encode(hex, sig, 65);
    std::printf("0x%s\n", hex);
    return 0;
}
