/* libFuzzer target: the JSON-RPC front (single and batch requests, every
 * method's parameter parsing: transactions, typed data, messages) with the
 * default policy and no keys. Every input gets an answer; nothing crashes. */
#include "server/policy.h"
#include "server/server.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static avskey_server_config cfg;
    static int init;
    if (!init) {
        if (avskey_policy_load(&cfg.policy, NULL) != AVSKEY_OK) abort();
        cfg.has_chain_id = 1;
        cfg.chain_id = 17000;
        init = 1;
    }
    char *body = malloc(size + 1);
    if (!body) return 0;
    memcpy(body, data, size);
    body[size] = '\0';
    avskey_request req = {"POST", "/", body, size, "fuzz", NULL, &cfg};
    avskey_response res = {0, NULL, NULL, 0};
    avskey_rpc_handle(&cfg, &req, &res);
    if (res.status != 200 && res.status != 400 && res.status != 500) abort();
    free(res.body);
    free(body);
    return 0;
}
