/* libFuzzer target: the gRPC request parsers (src/server/grpc_msgs.c).
 * Input: one byte choosing the method, then the protobuf request bytes.
 * Checks what a parsed request promises: a normalized 64-hex key id where
 * the method needs one, SignGeneric data of at most 32 bytes, a SignG1
 * point that parses as a G1 point; and that re-packing the message and
 * parsing it again gives the same request. */
#include "server/grpc_msgs.h"

#include "avskey/bn254.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const k_paths[] = {
    "/signer.v1.Signer/SignGeneric",        "/signer.v1.Signer/SignG1",
    "/keymanager.v1.KeyManager/GenerateKeyPair", "/keymanager.v1.KeyManager/ImportKey",
    "/keymanager.v1.KeyManager/ListKeys",   "/keymanager.v1.KeyManager/GetKeyMetadata",
    "/admin.v1.Admin/LockKey",              "/admin.v1.Admin/UnlockKey",
    "/admin.v1.Admin/GenerateNewApiKey",    "/admin.v1.Admin/ListAllKeys",
};

static void check(const avskey_grpc_req *r)
{
    const avskey_grpc_method *m = r->method;
    if (m->needs_key) {
        if (strlen(r->key) != 64) abort();
        for (const char *p = r->key; *p; p++)
            if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) abort();
    }
    if (m->id == AVSKEY_GRPC_SIGN_GENERIC && r->data_len > 32) abort();
    if (m->id == AVSKEY_GRPC_SIGN_G1) {
        avskey_bn254_g1 p;
        if (r->data_len != 64 || !avskey_bn254_g1_from_xy_var(&p, r->data, 0)) abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const char *path = k_paths[data[0] % (sizeof k_paths / sizeof k_paths[0])];
    const avskey_grpc_method *m = avskey_grpc_method_find(path, strlen(path));
    if (!m) abort();
    avskey_grpc_req r, r2;
    char err[200];
    int st = avskey_grpc_req_parse(&r, err, sizeof err, m, data + 1, size - 1);
    if (st != 0) {
        if (st != 3 || err[0] == '\0') abort();   /* INVALID_ARGUMENT with a message */
        return 0;
    }
    check(&r);
    size_t len = 0;
    uint8_t *packed = avskey_grpc_pack(r.msg, &len);
    if (!packed) abort();
    if (avskey_grpc_req_parse(&r2, err, sizeof err, m, packed, len) != 0) abort();
    if (strcmp(r.key, r2.key) != 0 || r.data_len != r2.data_len ||
        (r.data_len && memcmp(r.data, r2.data, r.data_len) != 0))
        abort();
    avskey_grpc_req_free(&r2);
    avskey_grpc_req_free(&r);
    free(packed);
    return 0;
}
