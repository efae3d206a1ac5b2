/* libFuzzer target: key file parsing (V3, eigensdk BLS, EIP-2335) and,
 * for files that parse, serialization round trips. No KDF is run. */
#include "avskey/keystore.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    avskey_keyfile kf, kf2;
    if (avskey_keyfile_parse(&kf, (const char *)data, size, "fuzz") != AVSKEY_OK) return 0;
    if (kf.format == AVSKEY_FMT_EIP2335) return 0;
    char *json = NULL;
    size_t len = 0;
    if (avskey_keyfile_serialize(&json, &len, &kf) != AVSKEY_OK) abort();
    /* What we write, we read back identically. */
    if (avskey_keyfile_parse(&kf2, json, len, "fuzz2") != AVSKEY_OK) abort();
    if (kf2.n != kf.n || kf2.r != kf.r || kf2.p != kf.p || kf2.c != kf.c ||
        memcmp(kf2.ciphertext, kf.ciphertext, 32) != 0 || memcmp(kf2.mac, kf.mac, 32) != 0 ||
        kf2.salt_len != kf.salt_len || memcmp(kf2.salt, kf.salt, kf.salt_len) != 0)
        abort();
    free(json);
    return 0;
}
