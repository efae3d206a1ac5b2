/* libFuzzer target: Web3Signer key-config parsing (multi-document). Every
 * entry must be consistent with its kind; errors are counted. */
#include "server/keyconfig.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_error(void *ctx, const char *msg)
{
    (void)ctx;
    if (!msg[0]) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    avskey_keyconfig_entry *e = NULL;
    size_t n = 0, errors = 0;
    if (avskey_keyconfig_parse((const char *)data, size, "fuzz.yaml", "/base", &e, &n, &errors,
                               on_error, NULL) != AVSKEY_OK)
        abort();   /* only out of memory fails the call */
    for (size_t i = 0; i < n; i++) {
        if (e[i].kind == AVSKEY_KC_FILE_RAW && !e[i].raw_sk) abort();
        if (e[i].kind == AVSKEY_KC_FILE_KEYSTORE && (e[i].raw_sk || !e[i].keystore_file[0])) abort();
        if (e[i].doc_index < 1) abort();
    }
    if (n == 0 && errors == 0) abort();   /* an empty input is reported */
    avskey_keyconfig_free(e, n);
    return 0;
}
