/* Strict parsing of key files (V3, eigensdk BLS, EIP-2335 BN254). */
#include "avskey/keystore.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct pctx {
    const char *name;  /* file name for messages */
} pctx;

static avskey_err bad(const pctx *c, const char *field, const char *why)
{
    return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: field \"%s\" %s", c->name, field, why);
}

/* Member lookup as go-ethereum's encoding/json does: exact match first,
 * then a case-insensitive one. */
static json_t *get(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (v || !json_is_object(obj)) return v;
    const char *k;
    json_t *val;
    json_object_foreach(obj, k, val) {
        if (strcasecmp(k, key) == 0) return val;
    }
    return NULL;
}

static avskey_err need_obj(const pctx *c, json_t *parent, const char *key, json_t **out)
{
    json_t *v = get(parent, key);
    if (!v) return bad(c, key, "is missing");
    if (!json_is_object(v)) return bad(c, key, "must be an object");
    *out = v;
    return AVSKEY_OK;
}

static avskey_err need_str(const pctx *c, json_t *parent, const char *key, const char **out)
{
    json_t *v = get(parent, key);
    if (!v) return bad(c, key, "is missing");
    if (!json_is_string(v)) return bad(c, key, "must be a string");
    *out = json_string_value(v);
    return AVSKEY_OK;
}

static avskey_err need_hex(const pctx *c, json_t *parent, const char *key, uint8_t *out, size_t len)
{
    const char *s;
    avskey_err e = need_str(c, parent, key, &s);
    if (e) return e;
    if (!avskey_hex_decode_var(out, len, s)) {
        char why[64];
        snprintf(why, sizeof why, "must be %zu hex digits", 2 * len);
        return bad(c, key, why);
    }
    return AVSKEY_OK;
}

static avskey_err need_uint(const pctx *c, json_t *parent, const char *key, uint64_t min,
                            uint64_t max, uint64_t *out)
{
    json_t *v = get(parent, key);
    if (!v) return bad(c, key, "is missing");
    if (!json_is_integer(v)) return bad(c, key, "must be an integer");
    json_int_t x = json_integer_value(v);
    if (x < 0 || (uint64_t)x < min || (uint64_t)x > max) {
        char why[96];
        snprintf(why, sizeof why, "is out of range (%llu..%llu)", (unsigned long long)min,
                 (unsigned long long)max);
        return bad(c, key, why);
    }
    *out = (uint64_t)x;
    return AVSKEY_OK;
}

static avskey_err parse_salt(const pctx *c, avskey_keyfile *kf, json_t *params)
{
    const char *s;
    avskey_err e = need_str(c, params, "salt", &s);
    if (e) return e;
    if (!avskey_hex_decode_any_var(kf->salt, &kf->salt_len, sizeof kf->salt, s) || kf->salt_len == 0)
        return bad(c, "salt", "must be 2 to 128 hex digits");
    return AVSKEY_OK;
}

static avskey_err parse_scrypt(const pctx *c, avskey_keyfile *kf, json_t *params)
{
    uint64_t n, r, p, dklen;
    avskey_err e;
    if ((e = need_uint(c, params, "n", 2, AVSKEY_SCRYPT_MAX_N, &n))) return e;
    if ((n & (n - 1)) != 0) return bad(c, "n", "must be a power of two");
    if ((e = need_uint(c, params, "r", 1, AVSKEY_SCRYPT_MAX_RP, &r))) return e;
    if ((e = need_uint(c, params, "p", 1, AVSKEY_SCRYPT_MAX_RP, &p))) return e;
    if (r * p >= AVSKEY_SCRYPT_MAX_RP) return bad(c, "r", "times p must be below 2^30");
    if (128u * r * n > AVSKEY_SCRYPT_MAX_MEM) return bad(c, "n", "times r needs more than 4 GiB");
    if (n * r * p > AVSKEY_SCRYPT_MAX_WORK) return bad(c, "p", "times n times r is over 2^25 (too slow to unlock)");
    if ((e = need_uint(c, params, "dklen", 32, 64, &dklen))) return e;
    kf->kdf = AVSKEY_KDF_SCRYPT;
    kf->n = n;
    kf->r = (uint32_t)r;
    kf->p = (uint32_t)p;
    kf->dklen = (uint32_t)dklen;
    return parse_salt(c, kf, params);
}

static avskey_err parse_pbkdf2(const pctx *c, avskey_keyfile *kf, json_t *params)
{
    uint64_t iters, dklen;
    const char *prf;
    avskey_err e;
    if ((e = need_uint(c, params, "c", 1, AVSKEY_PBKDF2_MAX_C, &iters))) return e;
    if ((e = need_uint(c, params, "dklen", 32, 64, &dklen))) return e;
    if ((e = need_str(c, params, "prf", &prf))) return e;
    if (strcmp(prf, "hmac-sha256") != 0) return bad(c, "prf", "must be \"hmac-sha256\"");
    kf->kdf = AVSKEY_KDF_PBKDF2;
    kf->c = (uint32_t)iters;
    kf->dklen = (uint32_t)dklen;
    return parse_salt(c, kf, params);
}

static avskey_err parse_kdf(const pctx *c, avskey_keyfile *kf, const char *kdf, json_t *params)
{
    if (strcmp(kdf, "scrypt") == 0) return parse_scrypt(c, kf, params);
    if (strcmp(kdf, "pbkdf2") == 0) return parse_pbkdf2(c, kf, params);
    return bad(c, "kdf", "must be \"scrypt\" or \"pbkdf2\"");
}

static avskey_err parse_ciphertext(const pctx *c, avskey_keyfile *kf, json_t *obj, const char *key)
{
    const char *s;
    avskey_err e = need_str(c, obj, key, &s);
    if (e) return e;
    uint8_t buf[64];
    size_t n = 0;
    if (!avskey_hex_decode_any_var(buf, &n, sizeof buf, s)) return bad(c, key, "must be hex");
    if (n != 32) {
        char why[80];
        snprintf(why, sizeof why, "holds %zu bytes; a key is exactly 32", n);
        return bad(c, key, why);
    }
    memcpy(kf->ciphertext, buf, 32);
    return AVSKEY_OK;
}

/* The "crypto" object of V3 and eigensdk BLS files. */
static avskey_err parse_v3_crypto(const pctx *c, avskey_keyfile *kf, json_t *crypto)
{
    const char *cipher, *kdf;
    json_t *cp, *kp;
    avskey_err e;
    if ((e = need_str(c, crypto, "cipher", &cipher))) return e;
    if (strcmp(cipher, "aes-128-ctr") != 0) return bad(c, "cipher", "must be \"aes-128-ctr\"");
    if ((e = need_obj(c, crypto, "cipherparams", &cp))) return e;
    if ((e = need_hex(c, cp, "iv", kf->iv, 16))) return e;
    if ((e = parse_ciphertext(c, kf, crypto, "ciphertext"))) return e;
    if ((e = need_str(c, crypto, "kdf", &kdf))) return e;
    if ((e = need_obj(c, crypto, "kdfparams", &kp))) return e;
    if ((e = parse_kdf(c, kf, kdf, kp))) return e;
    return need_hex(c, crypto, "mac", kf->mac, 32);
}

static int uuid_valid(const char *s)
{
    size_t n = strlen(s);
    if (n != 36 && n != 32) return 0;
    for (size_t i = 0; i < n; i++) {
        int dash = n == 36 && (i == 8 || i == 13 || i == 18 || i == 23);
        char ch = s[i];
        int hex = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
        if (dash ? ch != '-' : !hex) return 0;
    }
    return 1;
}

static avskey_err parse_id(const pctx *c, avskey_keyfile *kf, json_t *root, const char *key,
                           int required)
{
    json_t *v = get(root, key);
    if (!v) return required ? bad(c, key, "is missing") : AVSKEY_OK;
    if (!json_is_string(v) || !uuid_valid(json_string_value(v))) return bad(c, key, "must be a UUID");
    snprintf(kf->id, sizeof kf->id, "%s", json_string_value(v));
    return AVSKEY_OK;
}

static avskey_err parse_v3(const pctx *c, avskey_keyfile *kf, json_t *root)
{
    json_t *crypto, *ver = get(root, "version");
    avskey_err e;
    kf->format = AVSKEY_FMT_V3;
    kf->type = AVSKEY_KEY_ECDSA;
    if (!ver) return bad(c, "version", "is missing");
    if (!json_is_integer(ver) || json_integer_value(ver) != 3) return bad(c, "version", "must be 3");
    if ((e = parse_id(c, kf, root, "id", 1))) return e;
    json_t *addr = get(root, "address");
    if (addr) {
        if (!json_is_string(addr) || !avskey_hex_decode_var(kf->address, 20, json_string_value(addr)))
            return bad(c, "address", "must be 40 hex digits");
        kf->has_address = 1;
    }
    if ((e = need_obj(c, root, "crypto", &crypto))) return e;
    return parse_v3_crypto(c, kf, crypto);
}

/* "E([x,y])" with x and y decimal (1 to 78 digits each): nothing else may
 * reach the file we write back (passwd), so no escaping is ever needed. */
static int pubkey_text_valid(const char *s)
{
    if (strncmp(s, "E([", 3) != 0) return 0;
    s += 3;
    for (int part = 0; part < 2; part++) {
        size_t n = 0;
        while (s[n] >= '0' && s[n] <= '9') n++;
        if (n < 1 || n > 78) return 0;
        s += n;
        if (*s++ != (part == 0 ? ',' : ']')) return 0;
    }
    return s[0] == ')' && s[1] == '\0';
}

static avskey_err parse_eigen_bls(const pctx *c, avskey_keyfile *kf, json_t *root)
{
    const char *pub;
    json_t *crypto;
    avskey_err e;
    kf->format = AVSKEY_FMT_EIGEN_BLS;
    kf->type = AVSKEY_KEY_BLS;
    if ((e = need_str(c, root, "pubKey", &pub))) return e;
    if (strlen(pub) > AVSKEY_BLS_PUBTEXT_MAX || !pubkey_text_valid(pub))
        return bad(c, "pubKey", "must be \"E([x,y])\" with decimal x and y");
    snprintf(kf->pubkey, sizeof kf->pubkey, "%s", pub);
    if ((e = need_obj(c, root, "crypto", &crypto))) return e;
    return parse_v3_crypto(c, kf, crypto);
}

/* EIP-2335 modules: {"function": ..., "params": {...}, "message": "hex"}. */
static avskey_err module(const pctx *c, json_t *crypto, const char *key, const char **fn,
                         json_t **params, const char **msg)
{
    json_t *m;
    avskey_err e;
    if ((e = need_obj(c, crypto, key, &m))) return e;
    if ((e = need_str(c, m, "function", fn))) return e;
    if ((e = need_obj(c, m, "params", params))) return e;
    return need_str(c, m, "message", msg);
}

static avskey_err parse_eip2335(const pctx *c, avskey_keyfile *kf, json_t *root)
{
    json_t *crypto, *kp, *cp, *ckp;
    const char *kfn, *kmsg, *cfn, *cmsg, *cipher, *ctmsg, *pub, *curve;
    avskey_err e;
    kf->format = AVSKEY_FMT_EIP2335;
    kf->type = AVSKEY_KEY_BLS;
    if ((e = need_str(c, root, "curve", &curve))) return e;
    if (strcmp(curve, "bn254") != 0) return bad(c, "curve", "must be \"bn254\"");
    json_t *ver = get(root, "version");
    if (ver && !json_is_integer(ver)) return bad(c, "version", "must be an integer");
    if ((e = parse_id(c, kf, root, "uuid", 0))) return e;
    if ((e = need_str(c, root, "pubkey", &pub))) return e;
    uint8_t pk[32];
    if (!avskey_hex_decode_var(pk, 32, pub)) return bad(c, "pubkey", "must be 64 hex digits");
    avskey_hex_encode(kf->pubkey, pk, 32);
    if ((e = need_obj(c, root, "crypto", &crypto))) return e;
    if ((e = module(c, crypto, "kdf", &kfn, &kp, &kmsg))) return e;
    if ((e = parse_kdf(c, kf, kfn, kp))) return e;
    if ((e = module(c, crypto, "checksum", &cfn, &ckp, &cmsg))) return e;
    if (strcmp(cfn, "sha256") != 0) return bad(c, "checksum.function", "must be \"sha256\"");
    if (!avskey_hex_decode_var(kf->mac, 32, cmsg)) return bad(c, "checksum.message", "must be 64 hex digits");
    if ((e = module(c, crypto, "cipher", &cipher, &cp, &ctmsg))) return e;
    if (strcmp(cipher, "aes-128-ctr") != 0) return bad(c, "cipher.function", "must be \"aes-128-ctr\"");
    if ((e = need_hex(c, cp, "iv", kf->iv, 16))) return e;
    json_t *cm = get(crypto, "cipher");
    return parse_ciphertext(c, kf, cm, "message");
}

avskey_err avskey_keyfile_parse(avskey_keyfile *kf, const char *json, size_t len, const char *name)
{
    pctx c = {name};
    json_error_t jerr;
    memset(kf, 0, sizeof *kf);
    if (len > AVSKEY_KEYFILE_MAX)
        return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: larger than %d bytes, not a key file", name,
                           AVSKEY_KEYFILE_MAX);
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: not valid JSON (line %d: %s)", name, jerr.line,
                           jerr.text);
    avskey_err e;
    if (!json_is_object(root))
        e = avskey_fail(AVSKEY_ERR_MALFORMED, "%s: not a JSON object", name);
    else if (json_object_get(root, "curve") && json_object_get(root, "pubkey") &&
             !json_object_get(root, "pubKey"))
        e = parse_eip2335(&c, kf, root);
    else if (json_object_get(root, "pubKey"))
        e = parse_eigen_bls(&c, kf, root);
    else
        e = parse_v3(&c, kf, root);
    json_decref(root);
    return e;
}
