/* libFuzzer target: --auth-file parsing; for files that parse, lookups
 * and may_use run on every client without crashing. */
#include "server/auth.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    avskey_auth *a = NULL;
    if (avskey_auth_parse(&a, (const char *)data, size, "fuzz") != AVSKEY_OK) return 0;
    /* the token bytes are the input itself: any match must be a real one */
    const avskey_auth_client *c = avskey_auth_by_token(a, (const char *)data, size < 64 ? size : 64);
    if (c && !avskey_auth_client_name(c)[0]) abort();
    const avskey_auth_client *d = avskey_auth_by_cn(a, "node-1");
    if (d) (void)avskey_auth_may_use(d, "0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c");
    if (c) (void)avskey_auth_may_use(c, "a3111a22");
    avskey_auth_free(a);
    return 0;
}
