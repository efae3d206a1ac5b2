/* cerberus+grpc(s)://HOST:PORT: Layr-Labs Cerberus' gRPC API (signer.v1
 * SignGeneric/SignG1, keymanager.v1 ListKeys/GetKeyMetadata; wire format as
 * in proto/, from cerberus-api) over the gRPC core C API: one channel per
 * signer, a pluck completion queue per call, metadata "authorization". */
#include "signer_internal.h"

#include "key_manager.pb-c.h"
#include "signer.pb-c.h"

#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/slice.h>
#include <grpc/support/alloc.h>
#include <grpc/support/time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CB_MAX_REPLY (1 << 20)

typedef struct cb_state {
    grpc_channel *ch;
    char key_hex[65];  /* compressed G1, lowercase hex without 0x */
} cb_state;

static avskey_err status_error(const avskey_signer *s, const char *method, grpc_status_code st, const char *details)
{
    const char *u = s->info.path;
    char ex[161];
    size_t i = 0;
    for (; details && details[i] && i < 160; i++) ex[i] = (details[i] >= 0x20 && details[i] < 0x7f) ? details[i] : '?';
    ex[i] = 0;
    switch (st) {
    case GRPC_STATUS_UNAVAILABLE:
        if (strstr(ex, "ssl") || strstr(ex, "SSL") || strstr(ex, "andshake") || strstr(ex, "ertificate") ||
            strstr(ex, "TLS") || strstr(ex, "tsi"))
            return avskey_fail(AVSKEY_ERR_UNAUTHENTICATED, "%s: TLS handshake failed (server not trusted or client "
                                                           "certificate refused): %s", u, ex);
        return avskey_fail(AVSKEY_ERR_UNREACHABLE, "%s: unreachable (%s: UNAVAILABLE): %s", u, method, ex);
    case GRPC_STATUS_DEADLINE_EXCEEDED:
        return avskey_fail(AVSKEY_ERR_TIMEOUT, "%s: no answer within the time budget (%u ms)", u, s->timeout_ms);
    case GRPC_STATUS_UNAUTHENTICATED:
        return avskey_fail(AVSKEY_ERR_UNAUTHENTICATED, "%s: token missing or refused (UNAUTHENTICATED): %s", u, ex);
    case GRPC_STATUS_PERMISSION_DENIED:
        return avskey_fail(AVSKEY_ERR_REFUSED, "%s: refused (PERMISSION_DENIED): %s", u, ex);
    case GRPC_STATUS_NOT_FOUND:
        return avskey_fail(AVSKEY_ERR_WRONG_KEY, "%s: key not found on the signer (NOT_FOUND): %s", u, ex);
    case GRPC_STATUS_INVALID_ARGUMENT:
    case GRPC_STATUS_UNIMPLEMENTED:
    case GRPC_STATUS_FAILED_PRECONDITION:
    case GRPC_STATUS_RESOURCE_EXHAUSTED:
        return avskey_fail(AVSKEY_ERR_REFUSED, "%s: %s rejected (gRPC status %d): %s", u, method, (int)st, ex);
    default:
        return avskey_fail(AVSKEY_ERR_IO, "%s: %s failed (gRPC status %d): %s", u, method, (int)st, ex);
    }
}

/* One unary exchange. Out: *reply (malloc'd bytes of the response message). */
static avskey_err cb_once(avskey_signer *s, const avskey_budget *b, const char *method, const uint8_t *req,
                          size_t reqlen, uint8_t **reply, size_t *replylen)
{
    cb_state *st = s->backend;
    unsigned left = avskey_budget_left(b);
    if (left == 0) return avskey_fail(AVSKEY_ERR_TIMEOUT, "%s: no answer within the time budget (%u ms)",
                                      s->info.path, s->timeout_ms);
    grpc_completion_queue *cq = grpc_completion_queue_create_for_pluck(NULL);
    gpr_timespec dl = gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_millis((int64_t)left, GPR_TIMESPAN));
    grpc_slice mslice = grpc_slice_from_static_string(method);
    grpc_call *call = grpc_channel_create_call(st->ch, NULL, GRPC_PROPAGATE_DEFAULTS, cq, mslice, NULL, dl, NULL);
    grpc_slice payload = grpc_slice_from_copied_buffer((const char *)req, reqlen);
    grpc_byte_buffer *send = grpc_raw_byte_buffer_create(&payload, 1), *recv = NULL;
    grpc_slice_unref(payload);
    grpc_metadata md[1];
    memset(md, 0, sizeof md);
    if (s->token) {
        md[0].key = grpc_slice_from_static_string("authorization");
        md[0].value = grpc_slice_from_copied_string(s->token);
    }
    grpc_metadata_array init_md, trailing;
    grpc_metadata_array_init(&init_md);
    grpc_metadata_array_init(&trailing);
    grpc_status_code status = GRPC_STATUS_UNKNOWN;
    grpc_slice details = grpc_empty_slice();
    grpc_op ops[6];
    memset(ops, 0, sizeof ops);
    ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
    ops[0].data.send_initial_metadata.count = s->token ? 1 : 0;
    ops[0].data.send_initial_metadata.metadata = md;
    ops[1].op = GRPC_OP_SEND_MESSAGE;
    ops[1].data.send_message.send_message = send;
    ops[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
    ops[3].op = GRPC_OP_RECV_INITIAL_METADATA;
    ops[3].data.recv_initial_metadata.recv_initial_metadata = &init_md;
    ops[4].op = GRPC_OP_RECV_MESSAGE;
    ops[4].data.recv_message.recv_message = &recv;
    ops[5].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
    ops[5].data.recv_status_on_client.trailing_metadata = &trailing;
    ops[5].data.recv_status_on_client.status = &status;
    ops[5].data.recv_status_on_client.status_details = &details;
    avskey_err e = AVSKEY_OK;
    if (!call || grpc_call_start_batch(call, ops, 6, (void *)1, NULL) != GRPC_CALL_OK) {
        e = avskey_fail(AVSKEY_ERR_IO, "%s: cannot start the gRPC call", s->info.path);
    } else {
        grpc_event ev = grpc_completion_queue_pluck(cq, (void *)1, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
        if (ev.type != GRPC_OP_COMPLETE || !ev.success) {
            e = avskey_fail(AVSKEY_ERR_IO, "%s: the gRPC call failed", s->info.path);
        } else if (status != GRPC_STATUS_OK) {
            char *d = grpc_slice_to_c_string(details);
            e = status_error(s, method, status, d);
            gpr_free(d);
        } else if (!recv) {
            e = avskey_fail(AVSKEY_ERR_IO, "%s: %s: no reply message", s->info.path, method);
        } else {
            grpc_byte_buffer_reader rd;
            if (!grpc_byte_buffer_reader_init(&rd, recv)) {
                e = avskey_fail(AVSKEY_ERR_IO, "%s: %s: unreadable reply", s->info.path, method);
            } else {
                grpc_slice all = grpc_byte_buffer_reader_readall(&rd);
                grpc_byte_buffer_reader_destroy(&rd);
                size_t n = GRPC_SLICE_LENGTH(all);
                *reply = malloc(n ? n : 1);
                if (*reply) memcpy(*reply, GRPC_SLICE_START_PTR(all), n);
                *replylen = n;
                grpc_slice_unref(all);
                if (!*reply) e = avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
            }
        }
    }
    if (s->token) grpc_slice_unref(md[0].value);
    grpc_slice_unref(details);
    grpc_metadata_array_destroy(&init_md);
    grpc_metadata_array_destroy(&trailing);
    if (recv) grpc_byte_buffer_destroy(recv);
    grpc_byte_buffer_destroy(send);
    if (call) grpc_call_unref(call);
    grpc_completion_queue_shutdown(cq);
    grpc_completion_queue_destroy(cq);
    return e;
}

/* A unary call with retries (idempotent calls only, on UNAVAILABLE). Out:
 * *resp (free with protobuf_c_message_free_unpacked). */
static avskey_err cb_call(avskey_signer *s, const avskey_budget *b, const char *method, const ProtobufCMessage *req,
                          const ProtobufCMessageDescriptor *rd, ProtobufCMessage **resp, int idempotent)
{
    size_t n = protobuf_c_message_get_packed_size(req), rn = 0;
    uint8_t *buf = malloc(n ? n : 1), *reply = NULL;
    if (!buf) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
    protobuf_c_message_pack(req, buf);
    avskey_err e;
    for (unsigned attempt = 0;; attempt++) {
        e = cb_once(s, b, method, buf, n, &reply, &rn);
        if (e != AVSKEY_ERR_UNREACHABLE || !idempotent || !avskey_budget_backoff(b, attempt)) break;
    }
    free(buf);
    if (e) return e;
    *resp = protobuf_c_message_unpack(rd, NULL, rn, reply);
    free(reply);
    if (!*resp) return avskey_fail(AVSKEY_ERR_IO, "%s: %s: the reply does not parse (truncated?): not used",
                                   s->info.path, method);
    return AVSKEY_OK;
}

static avskey_err cb_sign(avskey_signer *s, const avskey_budget *b, uint8_t out[64], const uint8_t *data, size_t len,
                          int g1)
{
    cb_state *st = s->backend;
    ProtobufCMessage *resp = NULL;
    ProtobufCBinaryData sig;
    avskey_err e;
    if (g1) {
        Signer__V1__SignG1Request rq = SIGNER__V1__SIGN_G1_REQUEST__INIT;
        rq.public_key_g1 = st->key_hex;
        rq.data.data = (uint8_t *)data;
        rq.data.len = len;
        e = cb_call(s, b, "/signer.v1.Signer/SignG1", &rq.base, &signer__v1__sign_g1_response__descriptor, &resp, 0);
        if (!e) sig = ((Signer__V1__SignG1Response *)resp)->signature;
    } else {
        Signer__V1__SignGenericRequest rq = SIGNER__V1__SIGN_GENERIC_REQUEST__INIT;
        rq.public_key_g1 = st->key_hex;
        rq.data.data = (uint8_t *)data;
        rq.data.len = len;
        e = cb_call(s, b, "/signer.v1.Signer/SignGeneric", &rq.base, &signer__v1__sign_generic_response__descriptor,
                    &resp, 0);
        if (!e) sig = ((Signer__V1__SignGenericResponse *)resp)->signature;
    }
    if (e) return e;
    if (sig.len != 64) e = avskey_fail(AVSKEY_ERR_IO, "%s: the signature returned has %zu bytes, not 64: not used",
                                       s->info.path, sig.len);
    else memcpy(out, sig.data, 64);
    protobuf_c_message_free_unpacked(resp, NULL);
    return e;
}

static avskey_err cb_sign_message(avskey_signer *s, const avskey_budget *b, uint8_t sig64[64], const uint8_t m[32])
{
    return cb_sign(s, b, sig64, m, 32, 0);
}

static avskey_err cb_sign_g1(avskey_signer *s, const avskey_budget *b, uint8_t out[64], const uint8_t p[64])
{
    return cb_sign(s, b, out, p, 64, 1);
}

static void cb_close(avskey_signer *s)
{
    cb_state *st = s->backend;
    if (!st) return;
    if (st->ch) grpc_channel_destroy(st->ch);
    free(st);
    s->backend = NULL;
    grpc_shutdown();
}

static const avskey_signer_ops cb_ops = {NULL, NULL, NULL, NULL, cb_sign_message, cb_sign_g1, cb_close, 1};

/* Lowercase hex without 0x, exactly want digits. */
static int norm_hex(char *out, const char *in, size_t want)
{
    if (in[0] == '0' && (in[1] == 'x' || in[1] == 'X')) in += 2;
    if (strlen(in) != want) return 0;
    for (size_t i = 0; i < want; i++) {
        char c = in[i];
        if (c >= 'A' && c <= 'F') c = (char)(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return 0;
        out[i] = c;
    }
    out[want] = 0;
    return 1;
}

/* Reads a whole PEM file (NUL-terminated, malloc'd). */
static char *read_file(const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f) return NULL;
    char *buf = malloc(1 << 20);
    size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (buf) buf[n] = 0;
    return buf;
}

static avskey_err cb_channel(avskey_signer *s, cb_state *st)
{
    grpc_channel_credentials *creds;
    char *ca = NULL, *cert = NULL, *key = NULL;
    if (s->tls) {
        if ((s->tls_ca && !(ca = read_file(s->tls_ca))) || (s->tls_cert && !(cert = read_file(s->tls_cert))) ||
            (s->tls_key && !(key = read_file(s->tls_key)))) {
            free(ca);
            free(cert);
            free(key);
            return avskey_fail(AVSKEY_ERR_USAGE, "%s: cannot read the TLS files (CA, certificate or key)",
                               s->info.path);
        }
        grpc_ssl_pem_key_cert_pair pair = {key, cert};
        creds = grpc_ssl_credentials_create(ca, cert ? &pair : NULL, NULL, NULL);
        free(ca);
        free(cert);
        if (key) avskey_wipe(key, strlen(key));
        free(key);
    } else {
        if (s->tls_ca || s->tls_cert)
            return avskey_fail(AVSKEY_ERR_USAGE, "%s: TLS options need cerberus+grpcs://", s->info.path);
        creds = grpc_insecure_credentials_create();
    }
    grpc_arg args[1];
    args[0].type = GRPC_ARG_INTEGER;
    args[0].key = (char *)GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH;
    args[0].value.integer = CB_MAX_REPLY;
    grpc_channel_args ca_args = {1, args};
    st->ch = creds ? grpc_channel_create(s->base, creds, &ca_args) : NULL;
    if (creds) grpc_channel_credentials_release(creds);
    return st->ch ? AVSKEY_OK : avskey_fail(AVSKEY_ERR_USAGE, "%s: cannot create a gRPC channel", s->info.path);
}

/* Sets the key from its compressed G1 and G2 hex. */
static avskey_err cb_set_key(avskey_signer *s, const char *g1hex, const char *g2hex)
{
    cb_state *st = s->backend;
    char h2[129];
    uint8_t c1[32], c2[64];
    avskey_bn254_g1 pk1;
    avskey_bn254_g2 pk2;
    if (!g2hex || !norm_hex(h2, g2hex, 128) || !avskey_hex_decode_var(c2, 64, h2) ||
        !avskey_bn254_g2_decompress_var(&pk2, c2, 0))
        return avskey_fail(AVSKEY_ERR_IO, "%s: the key's G2 public key from the signer is not a valid point",
                           s->info.path);
    if (!avskey_hex_decode_var(c1, 32, g1hex) || !avskey_bn254_g1_decompress_var(&pk1, c1, 0))
        return avskey_fail(AVSKEY_ERR_WRONG_KEY, "%s: %s is not a valid compressed G1 key", s->info.path, g1hex);
    snprintf(st->key_hex, sizeof st->key_hex, "%s", g1hex);
    return avskey_signer_set_bls_keys(s, &pk1, &pk2);
}

static avskey_err cb_find(avskey_signer *s, const char *key_id, const avskey_budget *b)
{
    char want[65];
    ProtobufCMessage *resp = NULL;
    avskey_err e;
    if (key_id) {
        if (!norm_hex(want, key_id, 64))
            return avskey_fail(AVSKEY_ERR_USAGE, "--key for cerberus must be a compressed G1 key (64 hex digits)");
        Keymanager__V1__GetKeyMetadataRequest rq = KEYMANAGER__V1__GET_KEY_METADATA_REQUEST__INIT;
        rq.public_key_g1 = want;
        if ((e = cb_call(s, b, "/keymanager.v1.KeyManager/GetKeyMetadata", &rq.base,
                         &keymanager__v1__get_key_metadata_response__descriptor, &resp, 1)))
            return e;
        Keymanager__V1__GetKeyMetadataResponse *m = (Keymanager__V1__GetKeyMetadataResponse *)resp;
        char got[65];
        if (!m->public_key_g1 || !norm_hex(got, m->public_key_g1, 64) || strcmp(got, want) != 0)
            e = avskey_fail(AVSKEY_ERR_WRONG_KEY, "%s: GetKeyMetadata answered for another key", s->info.path);
        else e = cb_set_key(s, want, m->public_key_g2);
        protobuf_c_message_free_unpacked(resp, NULL);
        return e;
    }
    Keymanager__V1__ListKeysRequest rq = KEYMANAGER__V1__LIST_KEYS_REQUEST__INIT;
    if ((e = cb_call(s, b, "/keymanager.v1.KeyManager/ListKeys", &rq.base, &keymanager__v1__list_keys_response__descriptor,
                     &resp, 1)))
        return e;
    Keymanager__V1__ListKeysResponse *l = (Keymanager__V1__ListKeysResponse *)resp;
    if (l->n_public_keys != 1)
        e = l->n_public_keys == 0
                ? avskey_fail(AVSKEY_ERR_WRONG_KEY, "%s: the signer has no BLS key", s->info.path)
                : avskey_fail(AVSKEY_ERR_USAGE, "%s: the signer has %zu keys: choose one with --key", s->info.path,
                              l->n_public_keys);
    else if (!l->public_keys[0]->public_key_g1 || !norm_hex(want, l->public_keys[0]->public_key_g1, 64))
        e = avskey_fail(AVSKEY_ERR_IO, "%s: ListKeys: malformed key identifier", s->info.path);
    else e = cb_set_key(s, want, l->public_keys[0]->public_key_g2);
    protobuf_c_message_free_unpacked(resp, NULL);
    return e;
}

avskey_err avskey_signer_cerberus_open(avskey_signer *s, const char *key_id, const avskey_budget *b)
{
    cb_state *st = calloc(1, sizeof *st);
    if (!st) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
    grpc_init();
    s->backend = st;
    s->ops = &cb_ops;
    avskey_err e = cb_channel(s, st);
    if (e) return e;
    pthread_mutex_lock(&s->lock);
    e = cb_find(s, key_id, b);
    pthread_mutex_unlock(&s->lock);
    if (!e) {
        s->info.name[0] = '0';
        s->info.name[1] = 'x';
        snprintf(s->info.name + 2, sizeof s->info.name - 2, "%s", st->key_hex);
    }
    return e;
}
