/* The Cerberus gRPC methods and their request messages (protobuf-c),
 * parsed and checked without any gRPC runtime: a pure function from
 * (method path, bytes) to a request struct, so it can be fuzzed alone
 * (tests/fuzz/fuzz_grpc_msgs.c). */
#ifndef AVSKEY_SERVER_GRPC_MSGS_H
#define AVSKEY_SERVER_GRPC_MSGS_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

typedef enum avskey_grpc_method_id {
    AVSKEY_GRPC_SIGN_GENERIC = 1,
    AVSKEY_GRPC_SIGN_G1,
    AVSKEY_GRPC_GENERATE_KEY_PAIR,
    AVSKEY_GRPC_IMPORT_KEY,
    AVSKEY_GRPC_LIST_KEYS,
    AVSKEY_GRPC_GET_KEY_METADATA,
    AVSKEY_GRPC_LOCK_KEY,
    AVSKEY_GRPC_UNLOCK_KEY,
    AVSKEY_GRPC_GENERATE_NEW_API_KEY,
    AVSKEY_GRPC_LIST_ALL_KEYS
} avskey_grpc_method_id;

typedef struct avskey_grpc_method {
    avskey_grpc_method_id id;
    const char *path;                         /* "/signer.v1.Signer/SignGeneric" */
    const char *name;                         /* "SignGeneric" (logs, metrics) */
    const ProtobufCMessageDescriptor *request;
    int needs_key;                            /* public_key_g1 is required */
} avskey_grpc_method;

/* Returns: the method for an HTTP/2 :path (len bytes, not NUL-terminated),
 * or NULL if it is not one of ours. */
const avskey_grpc_method *avskey_grpc_method_find(const char *path, size_t len);

/* A parsed, checked request. Pointers point into msg. */
typedef struct avskey_grpc_req {
    const avskey_grpc_method *method;
    ProtobufCMessage *msg;       /* unpacked with a wiping allocator */
    char key[65];                /* public_key_g1 normalized (lowercase, no 0x), or "" */
    const uint8_t *data;         /* SignGeneric / SignG1 data, else NULL */
    size_t data_len;
    const char *private_key;     /* ImportKey only (a secret: wiped on free) */
    const char *mnemonic;        /* ImportKey only */
} avskey_grpc_req;

/* Unpacks and checks a request for method m: public_key_g1 is 64 hex
 * digits (optional 0x, any case) where the method needs a key; SignGeneric
 * data is at most 32 bytes; SignG1 data is a 64-byte X||Y point on G1
 * (coordinates < p, on the curve, not infinity).
 * Returns: 0 (GRPC_STATUS_OK) with *r filled (free it with
 *   avskey_grpc_req_free), or 3 (GRPC_STATUS_INVALID_ARGUMENT) with a
 *   one-line message in err (cap bytes) and nothing to free.
 * Out: r, err. In: m, buf (len bytes; NULL allowed when len is 0). */
int avskey_grpc_req_parse(avskey_grpc_req *r, char *err, size_t cap, const avskey_grpc_method *m,
                          const uint8_t *buf, size_t len);

/* Frees the message, wiping every byte the parser allocated. r may be
 * zeroed (nothing to free). */
void avskey_grpc_req_free(avskey_grpc_req *r);

/* Packs a response message. Returns: malloc'd bytes (*len set; at least one
 * byte allocated), or NULL out of memory. */
uint8_t *avskey_grpc_pack(const ProtobufCMessage *msg, size_t *len);

#endif
