/* The Cerberus methods: what each call does once the request is parsed and
 * the caller authenticated. Independent of the gRPC runtime (status codes
 * are grpc_status_code values). */
#ifndef AVSKEY_SERVER_GRPC_METHODS_H
#define AVSKEY_SERVER_GRPC_METHODS_H

#include "grpc_msgs.h"
#include "server.h"

/* Who calls, and until when. */
typedef struct avskey_grpc_caller {
    const avskey_server_config *cfg;
    const char *client;          /* authenticated name, for logs and audit */
    const void *handle;          /* from avskey_authenticate */
    double deadline;             /* avskey_now_seconds() clock; 0: none */
} avskey_grpc_caller;

/* The answer: a status, a message for non-OK, the packed response for OK. */
typedef struct avskey_grpc_reply {
    int status;                  /* grpc_status_code */
    char message[320];
    uint8_t *body;               /* malloc'd, OK only */
    size_t len;
} avskey_grpc_reply;

/* Sets rep to (status, printf message). Returns status. */
int avskey_grpc_fail(avskey_grpc_reply *rep, int status, const char *fmt, ...) AVSKEY_PRINTF(3, 4);

/* Runs a parsed request. Every signing call, allowed or refused, is an
 * audit event and a metric. Out: rep (free rep->body). */
void avskey_grpc_dispatch(const avskey_grpc_caller *c, const avskey_grpc_req *req, avskey_grpc_reply *rep);

/* GenerateKeyPair / ImportKey (src/server/grpc_keymgmt.c). */
void avskey_grpc_key_management(const avskey_grpc_caller *c, const avskey_grpc_req *req, avskey_grpc_reply *rep);

#endif
