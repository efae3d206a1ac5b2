/* Web3Signer key-config sources (completed with the key-config parser). */
#include "keysource.h"

avskey_err avskey_keysource_scan_config(avskey_keysource **jobs, size_t *n, size_t *cap,
                                        const avskey_keyring_config *cfg, avskey_keyring *ring)
{
    (void)jobs; (void)n; (void)cap; (void)ring;
    return avskey_fail(AVSKEY_ERR_USAGE, "%s: --key-config-path is not supported in this build yet",
                       cfg->key_config_dir);
}
