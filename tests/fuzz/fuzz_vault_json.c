/* libFuzzer target: the --password-url body rules (Vault KV v2 JSON or a
 * first line), avskey_pw_from_body. The first input byte picks the field
 * name and whether the answer was marked JSON; the rest is the body.
 * Checks: a result is bounded and NUL-terminated, an error leaves
 * nothing behind and has a message, no message quotes the body. */
#include "keystore/passphrase_url.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const fields[] = {"password", "pw", "", "data", "p\xc3\xa9", "a b", "metadata",
                                         "password\x01"};
    if (size < 1 || size - 1 > AVSKEY_PW_URL_BODY_MAX) return 0;
    const char *field = fields[data[0] & 7];
    int want_json = (data[0] >> 3) & 1;
    avskey_pw pw = {NULL, 0};
    avskey_err e = avskey_pw_from_body(&pw, (const char *)data + 1, size - 1, field, want_json, "fuzz");
    if (e == AVSKEY_OK) {
        if (pw.buf == NULL || pw.len > AVSKEY_PW_MAX || pw.buf[pw.len] != '\0') abort();
        avskey_passphrase_free(&pw);
    } else if (pw.buf != NULL || pw.len != 0 || avskey_errmsg()[0] == '\0') {
        abort();
    }
    /* messages never quote the body (seeds hide this marker in values) */
    if (strstr(avskey_errmsg(), "SECRETMARK") != NULL) abort();
    return 0;
}
