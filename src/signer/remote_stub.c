/* Remote backends not built yet in this increment. */
#include "signer_internal.h"

avskey_err avskey_signer_cerberus_open(avskey_signer *s, const char *key_id, const avskey_budget *b)
{
    (void)key_id;
    (void)b;
    return avskey_fail(AVSKEY_ERR_USAGE, "%s: cerberus signers are not supported yet", s->info.path);
}
