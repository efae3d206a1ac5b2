/* JSON-RPC internals shared by the method files. */
#ifndef AVSKEY_SERVER_RPC_H
#define AVSKEY_SERVER_RPC_H

#include "server.h"
#include "hooks.h"

#include "avskey/log.h"

#include <jansson.h>

typedef struct avskey_rpc_error {
    int code;
    const char *message;
} avskey_rpc_error;

extern const avskey_rpc_error AVSKEY_RPC_PARSE_ERROR, AVSKEY_RPC_INVALID_REQUEST, AVSKEY_RPC_METHOD_NOT_FOUND,
    AVSKEY_RPC_INVALID_PARAMS, AVSKEY_RPC_INTERNAL, AVSKEY_RPC_NO_ACCOUNT, AVSKEY_RPC_WRONG_CHAIN,
    AVSKEY_RPC_REFUSED;

typedef struct avskey_rpc_ctx {
    const avskey_server_config *cfg;
    const avskey_request *req;
    avskey_keyring *ring;
    const char *detail;          /* appended to the error message, or NULL */
    char reason[160];            /* storage for a refusal reason */
} avskey_rpc_ctx;

/* A method: returns NULL with *result set, or an error. */
typedef const avskey_rpc_error *(*avskey_rpc_method)(avskey_rpc_ctx *c, json_t *params, json_t **result);

/* Signs a digest with the key whose address is given ("0x" r||s||v);
 * raw: eth_sign-style signing of caller-chosen bytes (policy may refuse). */
const avskey_rpc_error *avskey_rpc_sign_as(avskey_rpc_ctx *c, const char *address, const uint8_t d[32], int raw,
                                          const char *method, json_t **result);

/* src/server/rpc_eth.c */
const avskey_rpc_error *avskey_rpc_sign_transaction(avskey_rpc_ctx *c, json_t *params, json_t **result);
const avskey_rpc_error *avskey_rpc_sign_typed_data(avskey_rpc_ctx *c, json_t *params, json_t **result);

#endif
