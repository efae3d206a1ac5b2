/* eth_signTransaction and eth_signTypedData (completed with src/eth). */
#include "rpc.h"

const avskey_rpc_error *avskey_rpc_sign_transaction(avskey_rpc_ctx *c, json_t *params, json_t **result)
{
    (void)params;
    (void)result;
    c->detail = "transaction signing is not in this build yet";
    return &AVSKEY_RPC_METHOD_NOT_FOUND;
}

const avskey_rpc_error *avskey_rpc_sign_typed_data(avskey_rpc_ctx *c, json_t *params, json_t **result)
{
    (void)params;
    (void)result;
    c->detail = "typed data signing is not in this build yet";
    return &AVSKEY_RPC_METHOD_NOT_FOUND;
}
