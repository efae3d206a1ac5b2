/* libFuzzer target: --policy parsing; for files that parse, every check
 * runs and writes a NUL-terminated reason when it refuses. */
#include "server/policy.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    avskey_policy *p = NULL;
    if (avskey_policy_parse(&p, (const char *)data, size, "fuzz") != AVSKEY_OK) return 0;
    static const uint8_t key[20] = {0x7d, 0xbc, 0x80, 0x9c, 0x1e, 0xc1, 0x53, 0xd4, 0x5f, 0xfb,
                                    0x0c, 0x75, 0xfb, 0x4f, 0xde, 0xd6, 0x8e, 0x34, 0x69, 0x9e};
    char r[AVSKEY_POLICY_REASON];
    avskey_policy_tx tx;
    memset(&tx, 0, sizeof tx);
    tx.chain_id = 17000;
    tx.has_to = 1;
    memset(tx.to, 0x11, 20);
    tx.data_len = 4;
    memcpy(tx.selector, "\xa9\x05\x9c\xbb", 4);
    for (int v = 0; v < 2; v++) {
        tx.value_nonzero = v;
        if (!avskey_policy_check_tx(p, key, 17000, &tx, r) && (!r[0] || strlen(r) >= sizeof r)) abort();
    }
    tx.has_to = 0;
    if (!avskey_policy_check_tx(p, key, 17000, &tx, r) && !r[0]) abort();
    if (!avskey_policy_allows_raw(p, key, r) && !r[0]) abort();
    if (!avskey_policy_allows_chain(p, key, 17000, 1, r) && !r[0]) abort();
    avskey_policy_free(p);
    return 0;
}
