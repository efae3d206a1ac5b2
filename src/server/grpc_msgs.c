/* Cerberus request messages: method table, unpacking, input checks. */
#include "grpc_msgs.h"

#include "admin.pb-c.h"
#include "key_manager.pb-c.h"
#include "signer.pb-c.h"
#include "keyring.h"

#include "avskey/bn254.h"
#include "avskey/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INVALID_ARGUMENT 3

static const avskey_grpc_method k_methods[] = {
    {AVSKEY_GRPC_SIGN_GENERIC, "/signer.v1.Signer/SignGeneric", "SignGeneric",
     &signer__v1__sign_generic_request__descriptor, 1},
    {AVSKEY_GRPC_SIGN_G1, "/signer.v1.Signer/SignG1", "SignG1", &signer__v1__sign_g1_request__descriptor, 1},
    {AVSKEY_GRPC_GENERATE_KEY_PAIR, "/keymanager.v1.KeyManager/GenerateKeyPair", "GenerateKeyPair",
     &keymanager__v1__generate_key_pair_request__descriptor, 0},
    {AVSKEY_GRPC_IMPORT_KEY, "/keymanager.v1.KeyManager/ImportKey", "ImportKey",
     &keymanager__v1__import_key_request__descriptor, 0},
    {AVSKEY_GRPC_LIST_KEYS, "/keymanager.v1.KeyManager/ListKeys", "ListKeys",
     &keymanager__v1__list_keys_request__descriptor, 0},
    {AVSKEY_GRPC_GET_KEY_METADATA, "/keymanager.v1.KeyManager/GetKeyMetadata", "GetKeyMetadata",
     &keymanager__v1__get_key_metadata_request__descriptor, 1},
    {AVSKEY_GRPC_LOCK_KEY, "/admin.v1.Admin/LockKey", "LockKey", &admin__v1__lock_key_request__descriptor, 1},
    {AVSKEY_GRPC_UNLOCK_KEY, "/admin.v1.Admin/UnlockKey", "UnlockKey", &admin__v1__unlock_key_request__descriptor,
     1},
    {AVSKEY_GRPC_GENERATE_NEW_API_KEY, "/admin.v1.Admin/GenerateNewApiKey", "GenerateNewApiKey",
     &admin__v1__generate_new_api_key_request__descriptor, 1},
    {AVSKEY_GRPC_LIST_ALL_KEYS, "/admin.v1.Admin/ListAllKeys", "ListAllKeys",
     &admin__v1__list_all_keys_request__descriptor, 0},
};

const avskey_grpc_method *avskey_grpc_method_find(const char *path, size_t len)
{
    for (size_t i = 0; i < sizeof k_methods / sizeof k_methods[0]; i++)
        if (strlen(k_methods[i].path) == len && memcmp(k_methods[i].path, path, len) == 0) return &k_methods[i];
    return NULL;
}

/* ---- an allocator that wipes what it frees (ImportKey carries a secret) */

typedef union { size_t n; max_align_t align; } wipe_hdr;

static void *wipe_alloc(void *data, size_t size)
{
    (void)data;
    if (size > ((size_t)1 << 24)) return NULL;
    wipe_hdr *h = malloc(sizeof *h + size);
    if (!h) return NULL;
    h->n = size;
    return h + 1;
}

static void wipe_free(void *data, void *p)
{
    (void)data;
    if (!p) return;
    wipe_hdr *h = (wipe_hdr *)p - 1;
    avskey_wipe(p, h->n);
    free(h);
}

static ProtobufCAllocator g_wiping = {wipe_alloc, wipe_free, NULL};

/* ---- field access by name (every request shares these names) ---------- */

static const char *string_field(const ProtobufCMessage *m, const char *name)
{
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(m->descriptor, name);
    if (!f || f->type != PROTOBUF_C_TYPE_STRING) return NULL;
    const char *s = *(char *const *)(const void *)((const char *)m + f->offset);
    return s ? s : "";
}

static const ProtobufCBinaryData *bytes_field(const ProtobufCMessage *m, const char *name)
{
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(m->descriptor, name);
    if (!f || f->type != PROTOBUF_C_TYPE_BYTES) return NULL;
    return (const ProtobufCBinaryData *)(const void *)((const char *)m + f->offset);
}

static int fail(char *err, size_t cap, const char *msg)
{
    snprintf(err, cap, "%s", msg);
    return INVALID_ARGUMENT;
}

static int check_fields(avskey_grpc_req *r, char *err, size_t cap)
{
    const avskey_grpc_method *m = r->method;
    const char *key = string_field(r->msg, "public_key_g1");
    if (m->needs_key) {
        if (!key || !*key) return fail(err, cap, "public_key_g1 is required");
        if (!avskey_id_normalize(r->key, sizeof r->key, key, 32))
            return fail(err, cap, "public_key_g1 must be 64 hex digits (gnark-compressed G1, optional 0x)");
    }
    const ProtobufCBinaryData *d = bytes_field(r->msg, "data");
    if (d) {
        r->data = d->len ? d->data : NULL;
        r->data_len = d->len;
    }
    if (m->id == AVSKEY_GRPC_SIGN_GENERIC && r->data_len > 32)
        return fail(err, cap, "data must be at most 32 bytes (it is zero-padded to 32, never truncated)");
    if (m->id == AVSKEY_GRPC_SIGN_G1) {
        avskey_bn254_g1 p;
        if (r->data_len != 64) return fail(err, cap, "data must be a 64-byte G1 point X||Y");
        if (!avskey_bn254_g1_from_xy_var(&p, r->data, 0))
            return fail(err, cap, "data is not a valid G1 point (coordinate >= p, off the curve, or infinity)");
    }
    if (m->id == AVSKEY_GRPC_IMPORT_KEY) {
        r->private_key = string_field(r->msg, "private_key");
        r->mnemonic = string_field(r->msg, "mnemonic");
    }
    return 0;
}

int avskey_grpc_req_parse(avskey_grpc_req *r, char *err, size_t cap, const avskey_grpc_method *m,
                          const uint8_t *buf, size_t len)
{
    static const uint8_t empty[1] = {0};
    memset(r, 0, sizeof *r);
    r->method = m;
    r->msg = protobuf_c_message_unpack(m->request, &g_wiping, len, buf ? buf : empty);
    if (!r->msg) return fail(err, cap, "malformed request message (not a valid protobuf encoding)");
    for (unsigned i = 0; i < r->msg->n_unknown_fields; i++) {
        if (r->msg->unknown_fields[i].tag == 0) {   /* protobuf-c 1.4 accepts field number 0; protobuf does not */
            avskey_grpc_req_free(r);
            return fail(err, cap, "malformed request message (field number 0)");
        }
    }
    int st = check_fields(r, err, cap);
    if (st) avskey_grpc_req_free(r);
    return st;
}

void avskey_grpc_req_free(avskey_grpc_req *r)
{
    if (r->msg) protobuf_c_message_free_unpacked(r->msg, &g_wiping);
    memset(r, 0, sizeof *r);
}

uint8_t *avskey_grpc_pack(const ProtobufCMessage *msg, size_t *len)
{
    size_t n = protobuf_c_message_get_packed_size(msg);
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf) return NULL;
    *len = protobuf_c_message_pack(msg, buf);
    return buf;
}
