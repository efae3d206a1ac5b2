/* EIP-712 typed structured data hashing (eth_signTypedData_v4), following
 * eips.ethereum.org/EIPS/eip-712: encodeType with dependencies sorted by
 * name, hashStruct, arrays hashed as the keccak256 of their concatenated
 * element encodings (v4), bytes/string hashed. Strict, bounded. */
#include "avskey/eth.h"

#include "avskey/keccak.h"
#include "eth/eth_internal.h"

#include <stdlib.h>
#include <string.h>

enum kind { K_STRUCT, K_ADDRESS, K_BOOL, K_STRING, K_BYTES, K_BYTESN, K_UINT, K_INT };

#define MAX_TYPE_STR 256
#define MAX_BYTES ((size_t)16 << 20)

typedef struct fld {
    const char *name;
    const char *type;    /* as written (used in encodeType) */
    enum kind kind;
    int sidx;            /* K_STRUCT: index of the struct */
    unsigned bits;       /* K_BYTESN: bytes; K_UINT/K_INT: bits */
    unsigned ndims;
    uint32_t dims[AVSKEY_EIP712_MAX_DEPTH]; /* dims[0] outermost; 0 = dynamic */
} fld;

typedef struct stype {
    const char *name;
    size_t nf;
    fld *f;
    int color;           /* cycle check: 0 new, 1 on stack, 2 done */
    int hashed;
    uint8_t typehash[32];
} stype;

typedef struct ctx {
    stype t[AVSKEY_EIP712_MAX_TYPES + 1]; /* + a derived EIP712Domain */
    size_t nt;
    size_t values;
    char path[256];
} ctx;

#define BAD(...) avskey_fail(AVSKEY_ERR_MALFORMED, __VA_ARGS__)

static int find_type(const ctx *c, const char *name)
{
    for (size_t i = 0; i < c->nt; i++)
        if (strcmp(c->t[i].name, name) == 0) return (int)i;
    return -1;
}

/* Parses decimal digits without leading zero into *v (<= max). */
static int parse_small(unsigned *v, const char *s, size_t n, unsigned max)
{
    if (n == 0 || n > 5 || (s[0] == '0')) return 0;
    unsigned r = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        r = r * 10 + (unsigned)(s[i] - '0');
    }
    if (r > max) return 0;
    *v = r;
    return 1;
}

/* Recognizes an atomic type name. Returns: 1 if atomic (kind, bits set). */
static int atomic(const char *s, size_t n, enum kind *k, unsigned *bits)
{
    *bits = 0;
#define IS(lit) (n == sizeof(lit) - 1 && memcmp(s, lit, n) == 0)
    if (IS("address")) { *k = K_ADDRESS; return 1; }
    if (IS("bool")) { *k = K_BOOL; return 1; }
    if (IS("string")) { *k = K_STRING; return 1; }
    if (IS("bytes")) { *k = K_BYTES; return 1; }
#undef IS
    if (n > 5 && memcmp(s, "bytes", 5) == 0) {
        *k = K_BYTESN;
        return parse_small(bits, s + 5, n - 5, 32) ? 1 : -1;
    }
    size_t off = 0;
    if (n > 4 && memcmp(s, "uint", 4) == 0) { *k = K_UINT; off = 4; }
    else if (n > 3 && memcmp(s, "int", 3) == 0) { *k = K_INT; off = 3; }
    if (off) {
        if (!parse_small(bits, s + off, n - off, 256) || *bits % 8) return -1;
        return 1;
    }
    return 0;
}

static int is_ident(const char *s)
{
    if (!*s) return 0;
    for (size_t i = 0; s[i]; i++) {
        char ch = s[i];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == '$' ||
                 (i > 0 && ch >= '0' && ch <= '9');
        if (!ok) return 0;
    }
    return 1;
}

static avskey_err parse_field_type(ctx *c, fld *f, const char *tname)
{
    const char *s = f->type;
    size_t n = strlen(s);
    if (n == 0 || n > MAX_TYPE_STR) return BAD("types.%s.%s: invalid type", tname, f->name);
    f->ndims = 0;
    while (n && s[n - 1] == ']') {
        size_t open = n - 1;
        while (open > 0 && s[open] != '[') open--;
        if (s[open] != '[' || open == 0) return BAD("types.%s.%s: invalid type \"%s\"", tname, f->name, s);
        if (f->ndims == AVSKEY_EIP712_MAX_DEPTH)
            return BAD("types.%s.%s: too many array dimensions", tname, f->name);
        unsigned len = 0;
        if (open + 1 != n - 1 && !parse_small(&len, s + open + 1, n - 2 - open, AVSKEY_EIP712_MAX_ARRAY))
            return BAD("types.%s.%s: invalid array length in \"%s\"", tname, f->name, s);
        f->dims[f->ndims++] = len;
        n = open;
    }
    int a = atomic(s, n, &f->kind, &f->bits);
    if (a < 0) return BAD("types.%s.%s: invalid type \"%s\"", tname, f->name, s);
    if (a == 0) {
        char base[MAX_TYPE_STR + 1];
        memcpy(base, s, n);
        base[n] = 0;
        int i = find_type(c, base);
        if (i < 0) return BAD("types.%s.%s: unknown type \"%s\"", tname, f->name, base);
        if (strcmp(base, "EIP712Domain") == 0)
            return BAD("types.%s.%s: EIP712Domain cannot be a field type", tname, f->name);
        f->kind = K_STRUCT;
        f->sidx = i;
    }
    return AVSKEY_OK;
}

static avskey_err check_cycles(ctx *c, int i, unsigned depth)
{
    stype *t = &c->t[i];
    if (t->color == 2) return AVSKEY_OK;
    if (t->color == 1) return BAD("types.%s: recursive type", t->name);
    if (depth > AVSKEY_EIP712_MAX_TYPES) return BAD("types.%s: nested too deeply", t->name);
    t->color = 1;
    for (size_t k = 0; k < t->nf; k++) {
        if (t->f[k].kind != K_STRUCT) continue;
        avskey_err e = check_cycles(c, t->f[k].sidx, depth + 1);
        if (e) return e;
    }
    t->color = 2;
    return AVSKEY_OK;
}

static avskey_err parse_types(ctx *c, const json_t *types)
{
    if (!json_is_object(types)) return BAD("types: expected an object");
    if (json_object_size(types) > AVSKEY_EIP712_MAX_TYPES)
        return BAD("types: more than %d types", AVSKEY_EIP712_MAX_TYPES);
    const char *key;
    const json_t *val;
    json_object_foreach((json_t *)types, key, val) {
        enum kind k;
        unsigned bits;
        if (!is_ident(key) || atomic(key, strlen(key), &k, &bits) != 0)
            return BAD("types.%s: invalid type name", key);
        c->t[c->nt++].name = key;
    }
    for (size_t i = 0; i < c->nt; i++) {
        stype *t = &c->t[i];
        const json_t *arr = json_object_get(types, t->name);
        if (!json_is_array(arr)) return BAD("types.%s: expected an array of {name, type}", t->name);
        size_t nf = json_array_size(arr);
        if (nf > AVSKEY_EIP712_MAX_FIELDS) return BAD("types.%s: more than %d fields", t->name, AVSKEY_EIP712_MAX_FIELDS);
        if (nf) {
            t->f = calloc(nf, sizeof *t->f);
            if (!t->f) return avskey_fail(AVSKEY_ERR_NOMEM, "types: out of memory");
        }
        for (size_t k = 0; k < nf; k++) {
            const json_t *fj = json_array_get(arr, k);
            const json_t *nj = json_object_get(fj, "name"), *tj = json_object_get(fj, "type");
            if (!json_is_object(fj) || !json_is_string(nj) || !json_is_string(tj) ||
                json_string_length(nj) == 0 || strlen(json_string_value(nj)) != json_string_length(nj) ||
                strlen(json_string_value(tj)) != json_string_length(tj))
                return BAD("types.%s[%zu]: expected {\"name\": string, \"type\": string}", t->name, k);
            fld *f = &t->f[k];
            f->name = json_string_value(nj);
            f->type = json_string_value(tj);
            for (size_t m = 0; m < k; m++)
                if (strcmp(t->f[m].name, f->name) == 0) return BAD("types.%s.%s: duplicate field", t->name, f->name);
            t->nf = k + 1;
            avskey_err e = parse_field_type(c, f, t->name);
            if (e) return e;
        }
    }
    for (size_t i = 0; i < c->nt; i++) {
        avskey_err e = check_cycles(c, (int)i, 0);
        if (e) return e;
    }
    return AVSKEY_OK;
}

/* ---- encodeType / typeHash ---- */

static void collect_deps(const ctx *c, int i, unsigned char *seen)
{
    if (seen[i]) return;
    seen[i] = 1;
    for (size_t k = 0; k < c->t[i].nf; k++)
        if (c->t[i].f[k].kind == K_STRUCT) collect_deps(c, c->t[i].f[k].sidx, seen);
}

static void hash_one_type(avskey_keccak256_ctx *h, const stype *t)
{
    avskey_keccak256_update(h, (const uint8_t *)t->name, strlen(t->name));
    avskey_keccak256_update(h, (const uint8_t *)"(", 1);
    for (size_t k = 0; k < t->nf; k++) {
        if (k) avskey_keccak256_update(h, (const uint8_t *)",", 1);
        avskey_keccak256_update(h, (const uint8_t *)t->f[k].type, strlen(t->f[k].type));
        avskey_keccak256_update(h, (const uint8_t *)" ", 1);
        avskey_keccak256_update(h, (const uint8_t *)t->f[k].name, strlen(t->f[k].name));
    }
    avskey_keccak256_update(h, (const uint8_t *)")", 1);
}

static const uint8_t *type_hash(ctx *c, int i)
{
    stype *t = &c->t[i];
    if (t->hashed) return t->typehash;
    unsigned char seen[AVSKEY_EIP712_MAX_TYPES + 1];
    memset(seen, 0, sizeof seen);
    collect_deps(c, i, seen);
    avskey_keccak256_ctx h;
    avskey_keccak256_init(&h);
    hash_one_type(&h, t);
    /* Dependencies in name order (selection: few types). */
    const char *last = NULL;
    for (;;) {
        int best = -1;
        for (size_t j = 0; j < c->nt; j++) {
            if (!seen[j] || (int)j == i) continue;
            if (last && strcmp(c->t[j].name, last) <= 0) continue;
            if (best < 0 || strcmp(c->t[j].name, c->t[best].name) < 0) best = (int)j;
        }
        if (best < 0) break;
        hash_one_type(&h, &c->t[best]);
        last = c->t[best].name;
    }
    avskey_keccak256_final(&h, t->typehash);
    t->hashed = 1;
    return t->typehash;
}

/* ---- values ---- */

/* Appends ".name" to the path; returns the old length to restore. */
static size_t path_field(ctx *c, const char *name)
{
    size_t old = strlen(c->path);
    snprintf(c->path + old, sizeof c->path - old, ".%s", name);
    return old;
}

/* Appends "[i]" to the path; returns the old length to restore. */
static size_t path_index(ctx *c, size_t i)
{
    size_t old = strlen(c->path);
    snprintf(c->path + old, sizeof c->path - old, "[%zu]", i);
    return old;
}

/* Parses an integer value (JSON integer, or string: optional '-', then
 * decimal or 0x hex). Out: mag (32 bytes), *neg. */
static avskey_err parse_int(ctx *c, uint8_t mag[32], int *neg, const json_t *v)
{
    *neg = 0;
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        uint64_t m = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
        *neg = i < 0;
        eth_u64_to_u256(mag, m);
        return AVSKEY_OK;
    }
    if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
        return BAD("%s: expected an integer or a decimal/hex string", c->path);
    const char *s = json_string_value(v);
    if (s[0] == '-') {
        *neg = 1;
        s++;
    }
    switch (eth_parse_uint256(mag, s, 1)) {
    case ETH_NUM_OK: return AVSKEY_OK;
    case ETH_NUM_RANGE: return BAD("%s: integer out of range", c->path);
    default: return BAD("%s: invalid integer", c->path);
    }
}

/* Returns: 1 if mag < 2^bits (bits 1..256). */
static int below_pow2(const uint8_t mag[32], unsigned bits)
{
    if (bits >= 256) return 1;
    unsigned full = (256 - bits) / 8, rem = (256 - bits) % 8;
    for (unsigned i = 0; i < full; i++)
        if (mag[i]) return 0;
    if (rem && (mag[full] >> (8 - rem))) return 0;
    return 1;
}

static int is_pow2(const uint8_t mag[32], unsigned bits)
{
    /* mag == 2^bits, bits < 256 */
    unsigned byte = 31 - bits / 8;
    for (unsigned i = 0; i < 32; i++)
        if (mag[i] != (i == byte ? (uint8_t)(1u << (bits % 8)) : 0)) return 0;
    return 1;
}

static avskey_err enc_value(ctx *c, uint8_t out[32], const fld *f, unsigned dim, const json_t *v,
                            unsigned depth);

static avskey_err hash_struct(ctx *c, uint8_t out[32], int si, const json_t *obj, unsigned depth)
{
    const stype *t = &c->t[si];
    if (depth > AVSKEY_EIP712_MAX_DEPTH) return BAD("%s: nested too deeply", c->path);
    if (!json_is_object(obj)) return BAD("%s: expected an object of type %s", c->path, t->name);
    avskey_keccak256_ctx h;
    avskey_keccak256_init(&h);
    avskey_keccak256_update(&h, type_hash(c, si), 32);
    for (size_t k = 0; k < t->nf; k++) {
        const fld *f = &t->f[k];
        size_t old = path_field(c, f->name);
        const json_t *v = json_object_get(obj, f->name);
        uint8_t enc[32];
        avskey_err e = v ? enc_value(c, enc, f, 0, v, depth + 1) : BAD("%s: missing", c->path);
        if (e) return e;
        c->path[old] = 0;
        avskey_keccak256_update(&h, enc, 32);
    }
    avskey_keccak256_final(&h, out);
    return AVSKEY_OK;
}

static avskey_err enc_value(ctx *c, uint8_t out[32], const fld *f, unsigned dim, const json_t *v,
                            unsigned depth)
{
    if (++c->values > AVSKEY_EIP712_MAX_VALUES) return BAD("%s: more than %d values", c->path, AVSKEY_EIP712_MAX_VALUES);
    if (depth > AVSKEY_EIP712_MAX_DEPTH) return BAD("%s: nested too deeply", c->path);
    if (dim < f->ndims) {
        if (!json_is_array(v)) return BAD("%s: expected an array", c->path);
        size_t n = json_array_size(v);
        if (n > AVSKEY_EIP712_MAX_ARRAY) return BAD("%s: more than %d elements", c->path, AVSKEY_EIP712_MAX_ARRAY);
        if (f->dims[dim] && n != f->dims[dim])
            return BAD("%s: expected %u elements, got %zu", c->path, (unsigned)f->dims[dim], n);
        avskey_keccak256_ctx h;
        avskey_keccak256_init(&h);
        for (size_t i = 0; i < n; i++) {
            size_t old = path_index(c, i);
            uint8_t enc[32];
            avskey_err e = enc_value(c, enc, f, dim + 1, json_array_get(v, i), depth + 1);
            if (e) return e;
            c->path[old] = 0;
            avskey_keccak256_update(&h, enc, 32);
        }
        avskey_keccak256_final(&h, out);
        return AVSKEY_OK;
    }
    memset(out, 0, 32);
    switch (f->kind) {
    case K_STRUCT: return hash_struct(c, out, f->sidx, v, depth);
    case K_ADDRESS:
        if (!json_is_string(v) || !eth_parse_address(out + 12, json_string_value(v), 1))
            return BAD("%s: expected an address (0x + 40 hex digits, valid checksum)", c->path);
        return AVSKEY_OK;
    case K_BOOL:
        if (!json_is_boolean(v)) return BAD("%s: expected true or false", c->path);
        out[31] = json_is_true(v) ? 1 : 0;
        return AVSKEY_OK;
    case K_STRING:
        if (!json_is_string(v)) return BAD("%s: expected a string", c->path);
        avskey_keccak256(out, (const uint8_t *)json_string_value(v), json_string_length(v));
        return AVSKEY_OK;
    case K_BYTES:
    case K_BYTESN: {
        uint8_t *b = NULL;
        size_t n = 0;
        int r = json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v)
                    ? eth_parse_hex_bytes(&b, &n, json_string_value(v), MAX_BYTES)
                    : ETH_NUM_SYNTAX;
        if (r == -1) return avskey_fail(AVSKEY_ERR_NOMEM, "%s: out of memory", c->path);
        if (r != ETH_NUM_OK || (f->kind == K_BYTES && json_string_value(v)[0] != '0'))
            return BAD("%s: expected 0x-hex bytes", c->path);
        if (f->kind == K_BYTES) {
            avskey_keccak256(out, b, n);
        } else if (n != f->bits) {
            free(b);
            return BAD("%s: expected %u bytes, got %zu", c->path, f->bits, n);
        } else {
            memcpy(out, b, n);
        }
        free(b);
        return AVSKEY_OK;
    }
    case K_UINT:
    case K_INT: {
        uint8_t mag[32];
        int neg;
        avskey_err e = parse_int(c, mag, &neg, v);
        if (e) return e;
        int zero = 1;
        for (int i = 0; i < 32; i++)
            if (mag[i]) zero = 0;
        if (zero) neg = 0;
        int ok;
        if (f->kind == K_UINT) ok = !neg && below_pow2(mag, f->bits);
        else ok = below_pow2(mag, f->bits - 1) || (neg && is_pow2(mag, f->bits - 1));
        if (!ok) return BAD("%s: out of range for %s", c->path, f->type);
        if (neg) { /* two's complement over 256 bits */
            unsigned carry = 1;
            for (int i = 31; i >= 0; i--) {
                unsigned t = (unsigned)(uint8_t)~mag[i] + carry;
                mag[i] = (uint8_t)t;
                carry = t >> 8;
            }
        }
        memcpy(out, mag, 32);
        return AVSKEY_OK;
    }
    }
    return BAD("%s: unsupported type", c->path);
}

/* ---- domain ---- */

static const char *const DOMAIN_FIELDS[5][2] = {
    {"name", "string"}, {"version", "string"}, {"chainId", "uint256"},
    {"verifyingContract", "address"}, {"salt", "bytes32"},
};

static avskey_err domain_type(ctx *c, int *di, const json_t *domain)
{
    int i = find_type(c, "EIP712Domain");
    if (i >= 0) {
        *di = i;
        return AVSKEY_OK;
    }
    /* Derived as ethers does: the known keys present, in canonical order. */
    const char *key;
    const json_t *val;
    json_object_foreach((json_t *)domain, key, val) {
        int known = 0;
        for (int k = 0; k < 5; k++)
            if (strcmp(key, DOMAIN_FIELDS[k][0]) == 0) known = 1;
        if (!known) return BAD("domain.%s: unknown domain field (and no types.EIP712Domain)", key);
    }
    stype *t = &c->t[c->nt];
    t->name = "EIP712Domain";
    t->f = calloc(5, sizeof *t->f);
    if (!t->f) return avskey_fail(AVSKEY_ERR_NOMEM, "domain: out of memory");
    c->nt++;
    for (int k = 0; k < 5; k++) {
        const json_t *v = json_object_get(domain, DOMAIN_FIELDS[k][0]);
        if (!v || json_is_null(v)) continue;
        fld *f = &t->f[t->nf++];
        f->name = DOMAIN_FIELDS[k][0];
        f->type = DOMAIN_FIELDS[k][1];
        avskey_err e = parse_field_type(c, f, "EIP712Domain");
        if (e) return e;
    }
    *di = (int)c->nt - 1;
    return AVSKEY_OK;
}

static avskey_err typed_hash(ctx *c, uint8_t out[32], uint64_t *cid, int *has_cid, const json_t *td)
{
    if (!json_is_object(td)) return BAD("typed data: expected a JSON object");
    const json_t *types = json_object_get(td, "types"), *domain = json_object_get(td, "domain");
    const json_t *primary = json_object_get(td, "primaryType"), *message = json_object_get(td, "message");
    if (!types) return BAD("types: missing");
    avskey_err e = parse_types(c, types);
    if (e) return e;
    if (!json_is_string(primary)) return BAD("primaryType: missing or not a string");
    int pi = find_type(c, json_string_value(primary));
    if (pi < 0) return BAD("primaryType: unknown type \"%s\"", json_string_value(primary));
    if (strcmp(json_string_value(primary), "EIP712Domain") == 0)
        return BAD("primaryType: EIP712Domain is not supported");
    if (!json_is_object(domain)) return BAD("domain: missing or not an object");
    if (!message) return BAD("message: missing");

    int di = -1;
    if ((e = domain_type(c, &di, domain))) return e;
    *has_cid = 0;
    *cid = 0;
    for (size_t k = 0; k < c->t[di].nf; k++) {
        const fld *f = &c->t[di].f[k];
        if (strcmp(f->name, "chainId") != 0) continue;
        if ((f->kind != K_UINT && f->kind != K_INT) || f->ndims)
            return BAD("types.EIP712Domain.chainId: must be an integer type");
        const json_t *v = json_object_get(domain, "chainId");
        if (!v) return BAD("domain.chainId: missing");
        uint8_t mag[32];
        int neg;
        snprintf(c->path, sizeof c->path, "domain.chainId");
        if ((e = parse_int(c, mag, &neg, v))) return e;
        if (neg || !eth_u256_to_u64(cid, mag)) return BAD("domain.chainId: out of range");
        *has_cid = 1;
    }
    uint8_t ds[32], mh[32];
    snprintf(c->path, sizeof c->path, "domain");
    if ((e = hash_struct(c, ds, di, domain, 0))) return e;
    snprintf(c->path, sizeof c->path, "message");
    if ((e = hash_struct(c, mh, pi, message, 0))) return e;
    avskey_keccak256_ctx h;
    avskey_keccak256_init(&h);
    avskey_keccak256_update(&h, (const uint8_t *)"\x19\x01", 2);
    avskey_keccak256_update(&h, ds, 32);
    avskey_keccak256_update(&h, mh, 32);
    avskey_keccak256_final(&h, out);
    return AVSKEY_OK;
}

avskey_err avskey_eth_typed_data_hash(uint8_t out32[32], uint64_t *domain_chain_id, int *has_chain_id,
                                      const json_t *typed_data)
{
    ctx *c = calloc(1, sizeof *c);
    if (!c) return avskey_fail(AVSKEY_ERR_NOMEM, "typed data: out of memory");
    uint8_t h[32];
    uint64_t cid = 0;
    int has = 0;
    avskey_err e = typed_hash(c, h, &cid, &has, typed_data);
    for (size_t i = 0; i < c->nt; i++) free(c->t[i].f);
    free(c);
    if (e) return e;
    memcpy(out32, h, 32);
    *domain_chain_id = cid;
    *has_chain_id = has;
    return AVSKEY_OK;
}
