/* KeyManager GenerateKeyPair / ImportKey: refused unless the operator
 * allowed remote key management and the client is an admin. */
#include "grpc_methods.h"

#include "hooks.h"

#include <grpc/status.h>

void avskey_grpc_key_management(const avskey_grpc_caller *c, const avskey_grpc_req *req, avskey_grpc_reply *rep)
{
    avskey_event(c->cfg, "key_management", c->client, NULL, "refused", "remote key management disabled",
                 req->method->id == AVSKEY_GRPC_IMPORT_KEY ? "\"method\":\"ImportKey\"" : "\"method\":\"GenerateKeyPair\"");
    avskey_grpc_fail(rep, GRPC_STATUS_PERMISSION_DENIED,
                     "%s is disabled: remote key management needs `avskey serve --allow-remote-key-management` "
                     "and an admin client; or use `avskey keys create|import` on the host",
                     req->method->name);
}
