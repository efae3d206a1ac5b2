/* The signer API: URI dispatch, time budgets, and the local check of every
 * result before it is returned (include/avskey/signer.h). */
#include "signer_internal.h"

#include "avskey/bls.h"
#include "avskey/ecdsa.h"
#include "avskey/keccak.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- time budget --------------------------------------------------------- */

uint64_t avskey_signer_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

unsigned avskey_budget_left(const avskey_budget *b)
{
    uint64_t now = avskey_signer_now_ms();
    return now >= b->deadline_ms ? 0 : (unsigned)(b->deadline_ms - now);
}

int avskey_budget_backoff(const avskey_budget *b, unsigned attempt)
{
    if (attempt >= b->retries) return 0;
    unsigned wait = 100u << (attempt < 5 ? attempt : 5), left = avskey_budget_left(b);
    if (left <= wait + 50) return 0;
    struct timespec ts = {(time_t)(wait / 1000), (long)(wait % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
    return 1;
}

static avskey_budget budget_of(const avskey_signer *s)
{
    avskey_budget b = {avskey_signer_now_ms() + __atomic_load_n(&s->timeout_ms, __ATOMIC_RELAXED), s->retries};
    return b;
}

/* ---- options, open, close ---------------------------------------------- */

void avskey_signer_options_init(avskey_signer_options *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->timeout_ms = AVSKEY_SIGNER_TIMEOUT_DEFAULT;
    opts->retries = 2;
}

static const struct {
    const char *prefix;
    avskey_signer_kind kind;
    int tls;
} schemes[] = {
    {"keystore:", AVSKEY_SIGNER_KEYSTORE, 0},
    {"web3signer+http://", AVSKEY_SIGNER_WEB3SIGNER, 0},
    {"web3signer+https://", AVSKEY_SIGNER_WEB3SIGNER, 1},
    {"cerberus+grpc://", AVSKEY_SIGNER_CERBERUS, 0},
    {"cerberus+grpcs://", AVSKEY_SIGNER_CERBERUS, 1},
};
#define NSCHEMES (sizeof schemes / sizeof schemes[0])

static size_t scheme_index(const char *uri)
{
    for (size_t i = 0; i < NSCHEMES; i++)
        if (strncmp(uri, schemes[i].prefix, strlen(schemes[i].prefix)) == 0) return i;
    return NSCHEMES;
}

avskey_signer_kind avskey_signer_kind_of_uri(const char *uri)
{
    size_t i = scheme_index(uri);
    return i < NSCHEMES ? schemes[i].kind : (avskey_signer_kind)0;
}

char *avskey_signer_read_line(const char *path, const char *what)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        avskey_fail(errno == ENOENT ? AVSKEY_ERR_NOTFOUND : AVSKEY_ERR_IO, "%s %s: %s", what, path, strerror(errno));
        return NULL;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, f);
    fclose(f);
    if (n < 0) {
        free(line);
        avskey_fail(AVSKEY_ERR_MALFORMED, "%s %s is empty", what, path);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
    return line;
}

/* Copies the remote options into s. */
static avskey_err copy_remote_opts(avskey_signer *s, const avskey_signer_options *o, const char *rest)
{
    if (o->token) s->token = strdup(o->token);
    else if (o->token_file && !(s->token = avskey_signer_read_line(o->token_file, "token file")))
        return AVSKEY_ERR_USAGE; /* message recorded by avskey_signer_read_line */
    if ((o->tls_ca && !(s->tls_ca = strdup(o->tls_ca))) || (o->tls_cert && !(s->tls_cert = strdup(o->tls_cert))) ||
        (o->tls_key && !(s->tls_key = strdup(o->tls_key))) || !(s->base = strdup(rest)))
        return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
    if (!!s->tls_cert != !!s->tls_key)
        return avskey_fail(AVSKEY_ERR_USAGE, "a client certificate needs both the certificate and its key");
    size_t n = strlen(s->base);
    while (n > 0 && s->base[n - 1] == '/') s->base[--n] = 0;
    if (n == 0 || strpbrk(s->base, "/?#@ "))
        return avskey_fail(AVSKEY_ERR_USAGE, "signer URI: expected HOST:PORT after the scheme, got \"%s\"", rest);
    return AVSKEY_OK;
}

avskey_err avskey_signer_open(avskey_signer **out, const char *uri, const avskey_signer_options *opts)
{
    avskey_signer_options def;
    if (!opts) {
        avskey_signer_options_init(&def);
        opts = &def;
    }
    *out = NULL;
    size_t i = scheme_index(uri);
    if (i == NSCHEMES)
        return avskey_fail(AVSKEY_ERR_USAGE, "signer URI must start with keystore:, web3signer+http(s):// or "
                                             "cerberus+grpc(s)://");
    avskey_signer *s = calloc(1, sizeof *s);
    if (!s) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
    pthread_mutex_init(&s->lock, NULL);
    s->timeout_ms = opts->timeout_ms ? opts->timeout_ms : AVSKEY_SIGNER_TIMEOUT_DEFAULT;
    s->retries = opts->retries;
    s->tls = schemes[i].tls;
    s->info.kind = schemes[i].kind;
    snprintf(s->info.path, sizeof s->info.path, "%s", uri);
    const char *rest = uri + strlen(schemes[i].prefix);
    avskey_budget b = budget_of(s);
    avskey_err e;
    if (schemes[i].kind == AVSKEY_SIGNER_KEYSTORE) {
        e = avskey_signer_keystore_open(s, rest, opts, &b);
    } else if ((e = copy_remote_opts(s, opts, rest)) == AVSKEY_OK) {
        const char *id = opts->key_id && opts->key_id[0] ? opts->key_id : NULL;
        e = schemes[i].kind == AVSKEY_SIGNER_WEB3SIGNER ? avskey_signer_web3signer_open(s, id, &b)
                                                        : avskey_signer_cerberus_open(s, id, &b);
    }
    if (e) {
        avskey_signer_close(s);
        return e;
    }
    *out = s;
    return AVSKEY_OK;
}

void avskey_signer_close(avskey_signer *s)
{
    if (!s) return;
    if (s->ops && s->ops->close) s->ops->close(s);
    if (s->token) avskey_wipe(s->token, strlen(s->token));
    free(s->token);
    free(s->tls_ca);
    free(s->tls_cert);
    free(s->tls_key);
    free(s->base);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

void avskey_signer_set_timeout(avskey_signer *s, unsigned timeout_ms)
{
    __atomic_store_n(&s->timeout_ms, timeout_ms ? timeout_ms : 1u, __ATOMIC_RELAXED);
}

void avskey_signer_public_keys(avskey_signer *s, avskey_signer_info *info)
{
    *info = s->info;
}

void avskey_signer_set_ecdsa_key(avskey_signer *s, const uint8_t pub[64])
{
    s->info.type = AVSKEY_KEY_ECDSA;
    memcpy(s->info.pubkey, pub, 64);
    avskey_ecdsa_address_var(s->info.address, pub);
}

avskey_err avskey_signer_set_bls_keys(avskey_signer *s, const avskey_bn254_g1 *pk1, const avskey_bn254_g2 *pk2)
{
    avskey_bn254_g1 p[2], g1;
    avskey_bn254_g2 q[2], g2;
    avskey_bn254_g1_generator(&g1);
    avskey_bn254_g2_generator(&g2);
    /* e(pk1, G2) * e(-G1, pk2) == 1: both halves belong to one secret */
    p[0] = *pk1;
    q[0] = g2;
    avskey_bn254_g1_neg(&p[1], &g1);
    q[1] = *pk2;
    if (avskey_bn254_g1_is_infinity(pk1) || !avskey_bn254_pairing_check_var(p, q, 2))
        return avskey_fail(AVSKEY_ERR_WRONG_KEY, "the key's G1 and G2 public keys do not match");
    s->info.type = AVSKEY_KEY_BLS;
    s->pk2 = *pk2;
    avskey_bn254_g1_to_xy(s->info.g1, pk1);
    avskey_bn254_g1_compress(s->info.g1_compressed, pk1);
    avskey_bn254_g2_to_raw(s->info.g2, pk2);
    avskey_bn254_g2_compress(s->info.g2_compressed, pk2);
    avskey_bls_operator_id(s->info.operator_id, pk1);
    return AVSKEY_OK;
}

/* ---- checks ----------------------------------------------------------- */

static const char *who(const avskey_signer *s)
{
    return s->info.path;
}

static avskey_err need(const avskey_signer *s, avskey_key_type t, const void *op, const char *what)
{
    if (s->info.type != t)
        return avskey_fail(AVSKEY_ERR_USAGE, "%s: %s needs a%s key", who(s), what,
                           t == AVSKEY_KEY_BLS ? " BLS" : "n ECDSA");
    if (!op) return avskey_fail(AVSKEY_ERR_USAGE, "%s: this signer does not offer %s", who(s), what);
    return AVSKEY_OK;
}

/* secp256k1 n/2: signatures must have s <= n/2 (EIP-2). */
static const uint8_t half_n[32] = {0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                   0xff, 0xff, 0xff, 0xff, 0xff, 0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4,
                                   0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};

/* Checks sig (v normalised to 27/28 in place) against the key. */
static avskey_err check_ecdsa(const avskey_signer *s, uint8_t sig[65], const uint8_t digest[32])
{
    uint8_t pub[64];
    if (sig[64] == 0 || sig[64] == 1) sig[64] = (uint8_t)(sig[64] + 27);
    if ((sig[64] != 27 && sig[64] != 28) || memcmp(sig + 32, half_n, 32) > 0 ||
        !avskey_ecdsa_recover_var(pub, sig, digest) || memcmp(pub, s->info.pubkey, 64) != 0)
        return avskey_fail(AVSKEY_ERR_WRONG_KEY, "%s: the signature returned does not verify under the key "
                                                 "(not used)", who(s));
    return AVSKEY_OK;
}

/* Runs op under the handle's lock. */
#define LOCKED(s, expr)                  \
    do {                                 \
        pthread_mutex_lock(&(s)->lock);  \
        e = (expr);                      \
        pthread_mutex_unlock(&(s)->lock); \
    } while (0)

avskey_err avskey_signer_sign_digest(avskey_signer *s, uint8_t sig65[65], const uint8_t digest[32])
{
    uint8_t sig[65];
    avskey_err e = need(s, AVSKEY_KEY_ECDSA, (const void *)s->ops->sign_digest, "digest signing");
    if (e) return e;
    avskey_budget b = budget_of(s);
    LOCKED(s, s->ops->sign_digest(s, &b, sig, digest));
    if (!e && !(e = check_ecdsa(s, sig, digest))) memcpy(sig65, sig, 65);
    return e;
}

avskey_err avskey_signer_sign_data(avskey_signer *s, uint8_t sig65[65], const uint8_t *data, size_t len)
{
    uint8_t d[32], sig[65];
    if (!s->ops->sign_data) {
        avskey_keccak256(d, data, len);
        return avskey_signer_sign_digest(s, sig65, d);
    }
    avskey_err e = need(s, AVSKEY_KEY_ECDSA, (const void *)s->ops->sign_data, "data signing");
    if (e) return e;
    avskey_keccak256(d, data, len);
    avskey_budget b = budget_of(s);
    LOCKED(s, s->ops->sign_data(s, &b, sig, data, len));
    if (!e && !(e = check_ecdsa(s, sig, d))) memcpy(sig65, sig, 65);
    return e;
}

static int access_eq(const avskey_eth_tx *a, const avskey_eth_tx *b)
{
    if (a->access_list_len != b->access_list_len) return 0;
    for (size_t i = 0; i < a->access_list_len; i++) {
        const avskey_eth_access *x = &a->access_list[i], *y = &b->access_list[i];
        if (memcmp(x->address, y->address, 20) || x->n_keys != y->n_keys ||
            (x->n_keys && memcmp(x->keys, y->keys, 32 * x->n_keys)))
            return 0;
    }
    return 1;
}

/* Returns: the first field of got that differs from want, or NULL. */
static const char *tx_diff(const avskey_eth_tx *got, const avskey_eth_tx *want)
{
    if (got->type != want->type) return "type";
    if (got->chain_id != want->chain_id) return "chainId";
    if (got->nonce != want->nonce) return "nonce";
    if (got->gas != want->gas) return "gas";
    if (want->type != AVSKEY_ETH_TX_EIP1559 && memcmp(got->gas_price, want->gas_price, 32)) return "gasPrice";
    if (want->type == AVSKEY_ETH_TX_EIP1559 &&
        (memcmp(got->max_fee_per_gas, want->max_fee_per_gas, 32) ||
         memcmp(got->max_priority_fee_per_gas, want->max_priority_fee_per_gas, 32)))
        return "maxFeePerGas/maxPriorityFeePerGas";
    if (got->has_to != want->has_to || (want->has_to && memcmp(got->to, want->to, 20))) return "to";
    if (memcmp(got->value, want->value, 32)) return "value";
    if (got->data_len != want->data_len || (want->data_len && memcmp(got->data, want->data, want->data_len)))
        return "data";
    if (want->type != AVSKEY_ETH_TX_LEGACY && !access_eq(got, want)) return "accessList";
    return NULL;
}

static avskey_err check_tx(const avskey_signer *s, const uint8_t *raw, size_t len, const avskey_eth_tx *want)
{
    avskey_eth_tx got;
    uint8_t sig[65], addr[20], d[32];
    avskey_err e = avskey_eth_tx_decode_signed(&got, sig, raw, len);
    if (e) {
        char why[300];
        snprintf(why, sizeof why, "%s", avskey_errmsg());
        avskey_eth_tx_free(&got);
        return avskey_fail(AVSKEY_ERR_WRONG_KEY, "%s: the signed transaction returned does not decode: %s (not used)",
                           who(s), why);
    }
    const char *diff = tx_diff(&got, want);
    int ok = !diff && avskey_eth_tx_signing_hash(d, &got) == AVSKEY_OK && memcmp(sig + 32, half_n, 32) <= 0 &&
             avskey_eth_tx_sender_var(addr, &got, sig) && memcmp(addr, s->info.address, 20) == 0;
    avskey_eth_tx_free(&got);
    if (diff) return avskey_fail(AVSKEY_ERR_WRONG_KEY, "%s: the signed transaction returned has another %s "
                                                       "than asked (not used)", who(s), diff);
    if (!ok) return avskey_fail(AVSKEY_ERR_WRONG_KEY, "%s: the signed transaction returned is not signed by "
                                                      "the key (not used)", who(s));
    return AVSKEY_OK;
}

avskey_err avskey_signer_sign_transaction(avskey_signer *s, uint8_t **raw, size_t *rawlen, const avskey_eth_tx *tx)
{
    uint8_t *r = NULL, d[32];
    size_t n = 0;
    avskey_err e = need(s, AVSKEY_KEY_ECDSA, (const void *)s->ops->sign_tx, "transaction signing");
    if (e || (e = avskey_eth_tx_signing_hash(d, tx))) return e;
    avskey_budget b = budget_of(s);
    LOCKED(s, s->ops->sign_tx(s, &b, &r, &n, tx));
    if (!e && (e = check_tx(s, r, n, tx))) {
        free(r);
        return e;
    }
    if (!e) {
        *raw = r;
        *rawlen = n;
    }
    return e;
}

avskey_err avskey_signer_sign_typed_data(avskey_signer *s, uint8_t sig65[65], const char *json_text)
{
    uint8_t d[32], sig[65];
    uint64_t chain = 0;
    int has_chain = 0;
    avskey_err e = need(s, AVSKEY_KEY_ECDSA, (const void *)s->ops->sign_typed, "typed data signing");
    if (e) return e;
    json_error_t jerr;
    json_t *doc = json_loads(json_text, 0, &jerr);
    if (!doc) return avskey_fail(AVSKEY_ERR_MALFORMED, "typed data: not JSON (line %d: %s)", jerr.line, jerr.text);
    e = avskey_eth_typed_data_hash(d, &chain, &has_chain, doc);
    json_decref(doc);
    if (e) return e;
    avskey_budget b = budget_of(s);
    LOCKED(s, s->ops->sign_typed(s, &b, sig, json_text, d));
    if (!e && !(e = check_ecdsa(s, sig, d))) memcpy(sig65, sig, 65);
    return e;
}

avskey_err avskey_signer_sign_message(avskey_signer *s, uint8_t sig64[64], const uint8_t msg32[32])
{
    uint8_t sig[64];
    avskey_bn254_g1 sp;
    avskey_err e = need(s, AVSKEY_KEY_BLS, (const void *)s->ops->sign_message, "BLS message signing");
    if (e) return e;
    avskey_budget b = budget_of(s);
    LOCKED(s, s->ops->sign_message(s, &b, sig, msg32));
    if (e) return e;
    if (!avskey_bn254_g1_from_xy_var(&sp, sig, 0) || !avskey_bls_verify_var(msg32, &sp, &s->pk2))
        return avskey_fail(AVSKEY_ERR_WRONG_KEY, "%s: the BLS signature returned does not verify under the key "
                                                 "(not used)", who(s));
    memcpy(sig64, sig, 64);
    return AVSKEY_OK;
}

avskey_err avskey_signer_sign_g1_point(avskey_signer *s, uint8_t out64[64], const uint8_t point64[64])
{
    uint8_t out[64];
    avskey_bn254_g1 p[2], pt;
    avskey_bn254_g2 q[2];
    avskey_err e = need(s, AVSKEY_KEY_BLS, (const void *)s->ops->sign_g1, "G1 point signing");
    if (e) return e;
    if (!avskey_bn254_g1_from_xy_var(&pt, point64, 0))
        return avskey_fail(AVSKEY_ERR_MALFORMED, "G1 point: not 64 bytes X||Y of a point on the curve (or infinity)");
    avskey_budget b = budget_of(s);
    LOCKED(s, s->ops->sign_g1(s, &b, out, point64));
    if (e) return e;
    /* e(out, G2) * e(-P, pk2) == 1 */
    avskey_bn254_g2_generator(&q[0]);
    q[1] = s->pk2;
    avskey_bn254_g1_neg(&p[1], &pt);
    if (!avskey_bn254_g1_from_xy_var(&p[0], out, 0) || !avskey_bn254_pairing_check_var(p, q, 2))
        return avskey_fail(AVSKEY_ERR_WRONG_KEY, "%s: the G1 point returned is not sk*P for the key (not used)",
                           who(s));
    memcpy(out64, out, 64);
    return AVSKEY_OK;
}
