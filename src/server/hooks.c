/* Authentication, audit and metrics hooks (filled in by the auth, audit
 * and metrics modules). */
#include "hooks.h"

#include "avskey/eth.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

avskey_authz avskey_authenticate(const avskey_server_config *cfg, const char *token, size_t token_len,
                                 const char *cert_cn, const char **client, const void **handle)
{
    (void)cfg; (void)token; (void)token_len; (void)cert_cn;
    *client = "local";
    *handle = NULL;
    return AVSKEY_AUTHZ_OK;
}

avskey_authz avskey_authorize_key(const avskey_server_config *cfg, const void *handle, const avskey_key *k)
{
    (void)cfg; (void)handle; (void)k;
    return AVSKEY_AUTHZ_OK;
}

avskey_authz avskey_authorize_admin(const avskey_server_config *cfg, const void *handle)
{
    (void)cfg; (void)handle;
    return AVSKEY_AUTHZ_OK;
}

int avskey_policy_raw(const avskey_server_config *cfg, const avskey_key *k, char reason[160])
{
    (void)cfg; (void)k; (void)reason;
    return 1;
}

/* The built-in default policy: no value transfers, --chain-id only. */
int avskey_policy_tx(const avskey_server_config *cfg, const avskey_key *k, const struct avskey_eth_tx *tx,
                     char reason[160])
{
    static const uint8_t zero[32];
    (void)k;
    if (tx->chain_id != cfg->chain_id) {
        snprintf(reason, 160, "chain id %llu not allowed (signer is for %llu)", (unsigned long long)tx->chain_id,
                 (unsigned long long)cfg->chain_id);
        return 0;
    }
    if (memcmp(tx->value, zero, 32) != 0) {
        snprintf(reason, 160, "value transfer refused by policy: operator keys do not move funds");
        return 0;
    }
    return 1;
}

int avskey_policy_chain(const avskey_server_config *cfg, const avskey_key *k, uint64_t chain_id, char reason[160])
{
    (void)k;
    if (cfg->has_chain_id && chain_id == cfg->chain_id) return 1;
    if (!cfg->has_chain_id) snprintf(reason, 160, "typed data for chain id %llu, but the signer has no --chain-id",
                                     (unsigned long long)chain_id);
    else snprintf(reason, 160, "chain id %llu not allowed (signer is for %llu)", (unsigned long long)chain_id,
                  (unsigned long long)cfg->chain_id);
    return 0;
}

void avskey_event(const avskey_server_config *cfg, const char *event, const char *client, const char *key,
                  const char *decision, const char *reason, const char *extra)
{
    (void)cfg; (void)event; (void)client; (void)key; (void)decision; (void)reason; (void)extra;
}

void avskey_metric_signing(const char *scheme, const char *method, const char *status, double seconds)
{
    (void)scheme; (void)method; (void)status; (void)seconds;
}
void avskey_metric_request(const char *endpoint, unsigned status) { (void)endpoint; (void)status; }
void avskey_metric_refusal(const char *reason) { (void)reason; }
void avskey_metric_auth_failure(const char *kind) { (void)kind; }

double avskey_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
