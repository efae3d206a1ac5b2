/* The one place HTTP and gRPC ask: who is this client, may it use this key,
 * does the policy allow this, and where the audit events and metrics go. */
#include "hooks.h"

#include "audit.h"
#include "auth.h"
#include "metrics.h"
#include "policy.h"

#include "avskey/eth.h"
#include "avskey/log.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

avskey_authz avskey_authenticate(const avskey_server_config *cfg, const char *token, size_t token_len,
                                 const char *cert_cn, const char **client, const void **handle)
{
    *client = "local";
    *handle = NULL;
    if (!cfg->auth) return AVSKEY_AUTHZ_OK;
    const avskey_auth_client *c = token && token_len ? avskey_auth_by_token(cfg->auth, token, token_len) : NULL;
    if (!c && cert_cn) c = avskey_auth_by_cn(cfg->auth, cert_cn);
    *client = c ? avskey_auth_client_name(c) : (cert_cn ? "unknown-certificate" : "anonymous");
    *handle = c;
    return c ? AVSKEY_AUTHZ_OK : AVSKEY_AUTHZ_UNAUTHENTICATED;
}

avskey_authz avskey_authorize_key(const avskey_server_config *cfg, const void *handle, const avskey_key *k)
{
    if (!cfg->auth) return AVSKEY_AUTHZ_OK;
    const avskey_auth_client *c = handle;
    if (!c) return AVSKEY_AUTHZ_UNAUTHENTICATED;
    const char *ids[3] = {k->id_addr, k->id_pub, k->id_g1};
    if (k->type == AVSKEY_KEY_BLS) ids[0] = ids[1] = k->id_g1;
    for (int i = 0; i < 3; i++)
        if (ids[i][0] && avskey_auth_may_use(c, ids[i])) return AVSKEY_AUTHZ_OK;
    return AVSKEY_AUTHZ_FORBIDDEN;
}

avskey_authz avskey_authorize_admin(const avskey_server_config *cfg, const void *handle)
{
    if (!cfg->auth) return AVSKEY_AUTHZ_OK;
    if (!handle) return AVSKEY_AUTHZ_UNAUTHENTICATED;
    return avskey_auth_client_admin(handle) ? AVSKEY_AUTHZ_OK : AVSKEY_AUTHZ_FORBIDDEN;
}

int avskey_allow_raw(const avskey_server_config *cfg, const avskey_key *k, char reason[160])
{
    return avskey_policy_allows_raw(cfg->policy, k->address, reason);
}

int avskey_allow_tx(const avskey_server_config *cfg, const avskey_key *k, const struct avskey_eth_tx *tx,
                     char reason[160])
{
    static const uint8_t zero[32];
    avskey_policy_tx p;
    memset(&p, 0, sizeof p);
    p.chain_id = tx->chain_id;
    p.has_to = tx->has_to;
    memcpy(p.to, tx->to, 20);
    p.value_nonzero = memcmp(tx->value, zero, 32) != 0;
    p.data_len = tx->data_len;
    if (tx->data_len >= 4) memcpy(p.selector, tx->data, 4);
    return avskey_policy_check_tx(cfg->policy, k->address, cfg->has_chain_id ? cfg->chain_id : 0, &p, reason);
}

int avskey_allow_chain(const avskey_server_config *cfg, const avskey_key *k, uint64_t chain_id, char reason[160])
{
    return avskey_policy_allows_chain(cfg->policy, k->address, cfg->has_chain_id ? cfg->chain_id : 0, chain_id, reason);
}

void avskey_event(const avskey_server_config *cfg, const char *event, const char *client, const char *key,
                  const char *decision, const char *reason, const char *extra)
{
    if (decision && strcmp(decision, "refused") == 0) {
        char f[600], k[200], why[300];
        avskey_json_escape(k, sizeof k, key ? key : "");
        avskey_json_escape(why, sizeof why, reason ? reason : "");
        snprintf(f, sizeof f, "\"event\":\"%s\",\"client\":\"%s\",\"key\":%s,\"reason\":%s", event,
                 client ? client : "", k, why);
        avskey_log("warn", "refused", f);
    }
    if (!cfg || !cfg->audit) return;
    if (avskey_audit_event(cfg->audit, event, client, key, decision, reason, extra) != AVSKEY_OK)
        avskey_logf("error", "audit log: %s", avskey_errmsg());
}

void avskey_metric_signing(const char *scheme, const char *method, const char *status, double seconds)
{
    avskey_metrics_signing(scheme, method, status, seconds);
}
void avskey_metric_request(const char *endpoint, unsigned status) { avskey_metrics_request(endpoint, (int)status); }
void avskey_metric_refusal(const char *reason) { avskey_metrics_refusal(reason); }
void avskey_metric_auth_failure(const char *kind) { avskey_metrics_auth_failure(kind); }

double avskey_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
