/* The gRPC front's pure parts: method table, request parsing and checks
 * (src/server/grpc_msgs.c) and the lock list (src/server/locks.c). */
#include "test.h"

#include "server/grpc_msgs.h"
#include "server/locks.h"

#define KEY "a3111a2232584734d526d62cbb7c9a0d4ce1984a92b7ecb85bde8878fea5d1b0"

static const avskey_grpc_method *method(const char *path) { return avskey_grpc_method_find(path, strlen(path)); }

/* field (wire type 2) with a short payload */
static size_t put(uint8_t *out, unsigned field, const void *p, size_t n)
{
    out[0] = (uint8_t)(field << 3 | 2);
    out[1] = (uint8_t)n;
    memcpy(out + 2, p, n);
    return n + 2;
}

TEST(grpc_method_table)
{
    CHECK(method("/signer.v1.Signer/SignGeneric")->id == AVSKEY_GRPC_SIGN_GENERIC);
    CHECK(method("/signer.v1.Signer/SignG1")->id == AVSKEY_GRPC_SIGN_G1);
    CHECK(method("/keymanager.v1.KeyManager/GetKeyMetadata")->needs_key);
    CHECK(!method("/keymanager.v1.KeyManager/ListKeys")->needs_key);
    CHECK(method("/admin.v1.Admin/ListAllKeys")->id == AVSKEY_GRPC_LIST_ALL_KEYS);
    CHECK(method("/signer.v1.Signer/SignGenericX") == NULL);
    CHECK(avskey_grpc_method_find("/signer.v1.Signer/SignGeneric", 10) == NULL);
    CHECK(method("") == NULL);
}

TEST(grpc_parse_sign_generic)
{
    uint8_t b[200], d33[33] = {0};
    char err[200];
    avskey_grpc_req r;
    const avskey_grpc_method *m = method("/signer.v1.Signer/SignGeneric");
    size_t n = put(b, 1, "0X" "A3111A2232584734D526D62CBB7C9A0D4CE1984A92B7ECB85BDE8878FEA5D1B0", 66);
    n += put(b + n, 2, "somedata", 8);
    n += put(b + n, 3, "pw", 2);
    CHECK(avskey_grpc_req_parse(&r, err, sizeof err, m, b, n) == 0);
    CHECK_STR(r.key, KEY);
    CHECK(r.data_len == 8 && memcmp(r.data, "somedata", 8) == 0);
    avskey_grpc_req_free(&r);
    CHECK(r.msg == NULL);
    /* empty data, 32 bytes fine; 33 refused */
    n = put(b, 1, KEY, 64);
    CHECK(avskey_grpc_req_parse(&r, err, sizeof err, m, b, n) == 0 && r.data_len == 0);
    avskey_grpc_req_free(&r);
    n += put(b + n, 2, d33, 33);
    CHECK(avskey_grpc_req_parse(&r, err, sizeof err, m, b, n) == 3 && strstr(err, "32 bytes"));
    /* key: missing, short, not hex */
    CHECK(avskey_grpc_req_parse(&r, err, sizeof err, m, NULL, 0) == 3 && strstr(err, "required"));
    n = put(b, 1, "a3111a22", 8);
    CHECK(avskey_grpc_req_parse(&r, err, sizeof err, m, b, n) == 3);
    n = put(b, 1, "zz3111a2232584734d526d62cbb7c9a0d4ce1984a92b7ecb85bde8878fea5d1b0", 64);
    CHECK(avskey_grpc_req_parse(&r, err, sizeof err, m, b, n) == 3);
    /* malformed encodings */
    static const uint8_t trunc[] = {0x0a, 0x40, 0x61}, zero[] = {0x81, 0x00, 0, 0, 0, 0, 0, 0, 0, 0};
    CHECK(avskey_grpc_req_parse(&r, err, sizeof err, m, trunc, sizeof trunc) == 3 && strstr(err, "malformed"));
    CHECK(avskey_grpc_req_parse(&r, err, sizeof err, m, zero, sizeof zero) == 3);
}

TEST(grpc_parse_sign_g1_point)
{
    uint8_t b[200], pt[64] = {0};
    char err[200];
    avskey_grpc_req r;
    const avskey_grpc_method *m = method("/signer.v1.Signer/SignG1");
    pt[31] = 1;
    pt[63] = 2;   /* the generator (1, 2) */
    size_t k = put(b, 1, KEY, 64);
    size_t n = k + put(b + k, 2, pt, 64);
    CHECK(avskey_grpc_req_parse(&r, err, sizeof err, m, b, n) == 0 && r.data_len == 64);
    avskey_grpc_req_free(&r);
    pt[63] = 3;   /* off the curve */
    n = k + put(b + k, 2, pt, 64);
    CHECK(avskey_grpc_req_parse(&r, err, sizeof err, m, b, n) == 3);
    memset(pt, 0, 64);   /* infinity */
    n = k + put(b + k, 2, pt, 64);
    CHECK(avskey_grpc_req_parse(&r, err, sizeof err, m, b, n) == 3);
    n = k + put(b + k, 2, pt, 63);
    CHECK(avskey_grpc_req_parse(&r, err, sizeof err, m, b, n) == 3 && strstr(err, "64-byte"));
}

TEST(grpc_parse_import_key)
{
    uint8_t b[200];
    char err[200];
    avskey_grpc_req r;
    const avskey_grpc_method *m = method("/keymanager.v1.KeyManager/ImportKey");
    size_t n = put(b, 1, "12345", 5);
    n += put(b + n, 2, "word word", 9);
    CHECK(avskey_grpc_req_parse(&r, err, sizeof err, m, b, n) == 0);
    CHECK_STR(r.private_key, "12345");
    CHECK_STR(r.mnemonic, "word word");
    CHECK_STR(r.key, "");
    avskey_grpc_req_free(&r);
    CHECK(avskey_grpc_req_parse(&r, err, sizeof err, method("/admin.v1.Admin/ListAllKeys"), NULL, 0) == 0);
    avskey_grpc_req_free(&r);
}

TEST(grpc_locks)
{
    avskey_locks_clear();
    CHECK(!avskey_lock_is_locked(KEY));
    CHECK(avskey_lock_set(KEY, 1) == 1);
    CHECK(avskey_lock_set(KEY, 1) == 0);
    CHECK(avskey_lock_is_locked(KEY));
    char other[65];
    for (int i = 0; i < 40; i++) {   /* grows past the first allocation */
        snprintf(other, sizeof other, "%064d", i);
        CHECK(avskey_lock_set(other, 1) == 1);
    }
    CHECK(avskey_lock_is_locked(KEY) && avskey_lock_is_locked(other));
    CHECK(avskey_lock_set(KEY, 0) == 1);
    CHECK(avskey_lock_set(KEY, 0) == 0);
    CHECK(!avskey_lock_is_locked(KEY) && avskey_lock_is_locked(other));
    avskey_locks_clear();
    CHECK(!avskey_lock_is_locked(other));
}
