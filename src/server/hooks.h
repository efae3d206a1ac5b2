/* What HTTP and gRPC share: who the client is and what it may do, the
 * audit trail, and metrics. One place, so both fronts behave the same. */
#ifndef AVSKEY_SERVER_HOOKS_H
#define AVSKEY_SERVER_HOOKS_H

#include "server.h"

typedef enum avskey_authz {
    AVSKEY_AUTHZ_OK = 0,
    AVSKEY_AUTHZ_UNAUTHENTICATED,  /* HTTP 401 / gRPC UNAUTHENTICATED */
    AVSKEY_AUTHZ_FORBIDDEN         /* HTTP 403 / gRPC PERMISSION_DENIED */
} avskey_authz;

/* Authenticates a client by token (raw, "Bearer " already stripped; may be
 * NULL) or verified client-certificate CN (may be NULL). Without
 * --auth-file every client is "local" and allowed (loopback only).
 * Out: *client (name for logs; static or owned by the auth file),
 * *handle (opaque, pass to avskey_authorize_key; may be NULL). */
avskey_authz avskey_authenticate(const avskey_server_config *cfg, const char *token, size_t token_len,
                                 const char *cert_cn, const char **client, const void **handle);

/* May the authenticated client use key k (need_admin: admin methods)? */
avskey_authz avskey_authorize_key(const avskey_server_config *cfg, const void *handle, const avskey_key *k);
avskey_authz avskey_authorize_admin(const avskey_server_config *cfg, const void *handle);

/* Policy on raw signing (REST sign, eth_sign, personal_sign) for key k.
 * Returns 1 allowed, 0 refused with reason (160 bytes). */
int avskey_allow_raw(const avskey_server_config *cfg, const avskey_key *k, char reason[160]);

/* Policy on a transaction for key k (value transfers, target contracts,
 * selectors, chain id). Returns 1 allowed, 0 refused with reason. */
struct avskey_eth_tx;
int avskey_allow_tx(const avskey_server_config *cfg, const avskey_key *k, const struct avskey_eth_tx *tx,
                     char reason[160]);
/* Policy on a chain id other than --chain-id (EIP-712 domains). */
int avskey_allow_chain(const avskey_server_config *cfg, const avskey_key *k, uint64_t chain_id, char reason[160]);

/* One audit event (no-op without --audit-log). Strings may be NULL;
 * extra is NULL or a JSON fragment of members. Never pass a secret. */
void avskey_event(const avskey_server_config *cfg, const char *event, const char *client, const char *key,
                  const char *decision, const char *reason, const char *extra);

/* Metrics (no-op until the registry exists). scheme: "secp256k1" | "bn254". */
void avskey_metric_signing(const char *scheme, const char *method, const char *status, double seconds);
void avskey_metric_request(const char *endpoint, unsigned status);
void avskey_metric_refusal(const char *reason);
void avskey_metric_auth_failure(const char *kind);

/* Monotonic seconds, for durations. */
double avskey_now_seconds(void);

#endif
