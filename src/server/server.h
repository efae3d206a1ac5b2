/* avskey serve: the HTTP (Web3Signer eth1) front and its routes. */
#ifndef AVSKEY_SERVER_SERVER_H
#define AVSKEY_SERVER_SERVER_H

#include "keyring.h"

#include <stddef.h>

typedef struct avskey_server_config {
    const char *http_host;          /* "127.0.0.1" */
    unsigned http_port;             /* 9000; 0 picks a free port */
    int has_chain_id;
    uint64_t chain_id;
    char *tls_cert_pem, *tls_key_pem, *tls_ca_pem;  /* file contents, kept for the daemon's life */
    avskey_keyring_config keys;     /* for reload */
    unsigned threads;               /* HTTP worker threads (default: cores) */
    unsigned max_connections;       /* default 1024 */
    unsigned timeout_s;             /* idle connection timeout, default 30 */
    struct avskey_auth *auth;       /* NULL: no --auth-file */
    struct avskey_policy *policy;   /* never NULL once started */
    struct avskey_audit *audit;     /* NULL: no --audit-log */
    const char *metrics_listen;     /* HOST:PORT or NULL */
    /* gRPC (Cerberus) front, src/server/grpc*.c */
    const char *grpc_host;          /* "127.0.0.1"; NULL: --grpc-listen off */
    unsigned grpc_port;             /* 50051; 0 picks a free port */
    int allow_remote_key_mgmt;      /* --allow-remote-key-management */
} avskey_server_config;

/* The response to one request, filled by a route. */
typedef struct avskey_response {
    unsigned status;
    const char *content_type;       /* static string */
    char *body;                     /* malloc'd */
    size_t len;
} avskey_response;

/* The request as the routes see it. */
typedef struct avskey_request {
    const char *method, *url;
    const char *body;               /* NUL-terminated */
    size_t len;
    const char *client;             /* authenticated client name, or "local" */
    const void *auth;               /* handle for avskey_authorize_key (hooks.h) */
    const avskey_server_config *cfg;
} avskey_request;

#define AVSKEY_MAX_BODY (1u << 20)

/* Sets r to (status, type, copy of text). */
void avskey_respond(avskey_response *r, unsigned status, const char *type, const char *text);
/* Sets r to a JSON body (takes ownership of the malloc'd text). */
void avskey_respond_owned(avskey_response *r, unsigned status, const char *type, char *text);

/* Routes (src/server/routes.c, src/server/rpc.c). */
void avskey_route(const avskey_server_config *cfg, const avskey_request *req, avskey_response *res);
void avskey_rpc_handle(const avskey_server_config *cfg, const avskey_request *req, avskey_response *res);

/* Reload: starts a background rescan (returns 0 if one is running). */
int avskey_reload_start(const avskey_server_config *cfg);
/* Rescans now (blocking). Returns the number of key errors, -1 on failure. */
int avskey_reload_now(const avskey_server_config *cfg);
int avskey_reload_running(void);
/* Writes the reload status JSON. */
char *avskey_reload_status_json(void);

/* Whether the request's client may use key k (always 1 without --auth-file). */
int avskey_client_may_use(const avskey_request *req, const avskey_key *k);

/* Signs digest with ECDSA key k for req: policy on raw signing (raw != 0),
 * audit event and metrics. Out: sig65. Returns 1 signed, 0 refused (reason
 * set, at most 160 bytes). */
int avskey_sign_ecdsa_for(const avskey_request *req, const avskey_key *k, const uint8_t digest[32], int raw,
                          const char *method, uint8_t sig65[65], char reason[160]);

/* Prometheus endpoint (src/server/metrics_http.c). */
void *avskey_metrics_http_start(const char *host, unsigned port, unsigned *bound);
void avskey_metrics_http_stop(void *daemon);

/* Splits "HOST:PORT" / "[V6]:PORT". Returns AVSKEY_ERR_USAGE naming opt. */
avskey_err avskey_parse_listen(const char *opt, const char *v, char *host, size_t cap, unsigned *port);

/* Records the keyring in metrics and the audit log (start and reload). */
void avskey_report_ring(const avskey_server_config *cfg, const avskey_keyring *r, const char *event);

/* Runs the daemon until SIGTERM/SIGINT. Out: prints a ready line. */
avskey_err avskey_server_run(avskey_server_config *cfg);

#endif
