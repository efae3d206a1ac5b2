/* The gRPC front (Cerberus API) on gRPC core: one completion queue, a few
 * threads that run the calls, calls requested ahead for concurrency. */
#ifndef AVSKEY_SERVER_GRPC_H
#define AVSKEY_SERVER_GRPC_H

#include "server.h"

typedef struct avskey_grpc avskey_grpc;

/* Starts the server on cfg->grpc_host:cfg->grpc_port (TLS with cfg's PEM
 * texts if set). Routes gRPC core's log lines into the JSON log.
 * Returns: the server, or NULL (error logged and recorded).
 * Out: *bound_port (the real port when cfg->grpc_port is 0). */
avskey_grpc *avskey_grpc_start(const avskey_server_config *cfg, unsigned *bound_port);

/* Stops accepting calls; calls in flight go on. */
void avskey_grpc_quiesce(avskey_grpc *g);

/* Waits at most grace_s seconds for calls in flight, cancels the rest,
 * stops the threads and frees everything (calls quiesce if needed). */
void avskey_grpc_stop(avskey_grpc *g, double grace_s);

#endif
