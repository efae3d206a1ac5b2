/* web3signer+http(s)://HOST:PORT: Web3Signer's eth1 API (REST
 * /api/v1/eth1/publicKeys and /api/v1/eth1/sign/{pubkey}, JSON-RPC
 * eth_signTransaction and eth_signTypedData at POST /), over libcurl with
 * one easy handle per signer (keep-alive, reused under the handle's lock).
 * API facts: Consensys Web3Signer eth1 docs and avskey's own daemon
 * (interface.md section 5). */
#include "signer_internal.h"

#include "avskey/ecdsa.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define W3S_MAX_REPLY (1u << 20)

typedef struct w3s_state {
    CURL *curl;
    char pub_hex[131];   /* "0x" + 128 lowercase hex */
    char addr_hex[43];   /* "0x" + 40 lowercase hex */
} w3s_state;

typedef struct w3s_buf {
    char *p;
    size_t n;
    int overflow;
} w3s_buf;

static size_t w3s_write(char *data, size_t size, size_t nmemb, void *arg)
{
    w3s_buf *b = arg;
    size_t len = size * nmemb;
    if (b->n + len > W3S_MAX_REPLY) {
        b->overflow = 1;
        return 0;
    }
    char *np = realloc(b->p, b->n + len + 1);
    if (!np) return 0;
    memcpy(np + b->n, data, len);
    b->p = np;
    b->n += len;
    b->p[b->n] = 0;
    return len;
}

/* Copies at most 160 printable characters of a reply body for a message. */
static void excerpt(char out[161], const char *body)
{
    size_t i = 0;
    for (; body && body[i] && i < 160; i++) out[i] = (body[i] >= 0x20 && body[i] < 0x7f) ? body[i] : '?';
    out[i] = 0;
}

static avskey_err curl_error(const avskey_signer *s, CURLcode rc, const char *errbuf)
{
    const char *u = s->info.path, *m = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return avskey_fail(AVSKEY_ERR_UNREACHABLE, "%s: unreachable: %s", u, m);
    case CURLE_OPERATION_TIMEDOUT:
        return avskey_fail(AVSKEY_ERR_TIMEOUT, "%s: no answer within the time budget (%u ms)", u, s->timeout_ms);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
        return avskey_fail(AVSKEY_ERR_UNAUTHENTICATED, "%s: TLS handshake failed (server not trusted or client "
                                                       "certificate refused): %s", u, m);
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CIPHER:
        return avskey_fail(AVSKEY_ERR_USAGE, "%s: TLS files: %s", u, m);
    case CURLE_WRITE_ERROR:
        return avskey_fail(AVSKEY_ERR_IO, "%s: reply too large (over %u bytes)", u, W3S_MAX_REPLY);
    default:
        return avskey_fail(AVSKEY_ERR_IO, "%s: bad or truncated reply: %s", u, m);
    }
}

static avskey_err http_status_error(const avskey_signer *s, long status, const char *body)
{
    char ex[161];
    excerpt(ex, body);
    const char *u = s->info.path;
    if (status == 401) return avskey_fail(AVSKEY_ERR_UNAUTHENTICATED, "%s: token missing or refused (HTTP 401)", u);
    if (status == 403) return avskey_fail(AVSKEY_ERR_REFUSED, "%s: refused (HTTP 403): %s", u, ex);
    if (status == 404) return avskey_fail(AVSKEY_ERR_WRONG_KEY, "%s: key not found on the signer (HTTP 404)", u);
    if (status == 400) return avskey_fail(AVSKEY_ERR_REFUSED, "%s: the signer rejected the request (HTTP 400): %s", u, ex);
    if (status == 502 || status == 503 || status == 504)
        return avskey_fail(AVSKEY_ERR_UNREACHABLE, "%s: unavailable (HTTP %ld)", u, status);
    return avskey_fail(AVSKEY_ERR_IO, "%s: unexpected HTTP %ld: %s", u, status, ex);
}

/* One HTTP exchange with retries. body NULL: GET. idempotent: also retried
 * on 502/503/504; any request is retried when the connection failed (it was
 * never delivered). Out: *reply (malloc'd, NUL-terminated) on HTTP 200. */
static avskey_err w3s_call(avskey_signer *s, const avskey_budget *b, const char *path, const char *body,
                           int idempotent, char **reply)
{
    w3s_state *st = s->backend;
    char url[1200], errbuf[CURL_ERROR_SIZE], auth[1100];
    snprintf(url, sizeof url, "%s://%s%s", s->tls ? "https" : "http", s->base, path);
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    hdr = curl_slist_append(hdr, "Accept: application/json, text/plain");
    if (s->token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", s->token);
        hdr = curl_slist_append(hdr, auth);
        avskey_wipe(auth, sizeof auth);
    }
    avskey_err e = AVSKEY_OK;
    for (unsigned attempt = 0;; attempt++) {
        unsigned left = avskey_budget_left(b);
        if (left == 0) {
            e = avskey_fail(AVSKEY_ERR_TIMEOUT, "%s: no answer within the time budget (%u ms)", s->info.path,
                            s->timeout_ms);
            break;
        }
        CURL *c = st->curl;
        w3s_buf buf = {NULL, 0, 0};
        errbuf[0] = 0;
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
        if (body) {
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        } else {
            curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
        }
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, w3s_write);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &buf);
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)left);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)left);
        CURLcode rc = curl_easy_perform(c);
        long status = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
        if (rc == CURLE_OK && status == 200) {
            *reply = buf.p ? buf.p : strdup("");
            e = *reply ? AVSKEY_OK : avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
            break;
        }
        e = rc != CURLE_OK ? curl_error(s, rc, errbuf) : http_status_error(s, status, buf.p);
        free(buf.p);
        int retry = rc == CURLE_COULDNT_CONNECT || (idempotent && e == AVSKEY_ERR_UNREACHABLE);
        if (!retry || !avskey_budget_backoff(b, attempt)) break;
    }
    curl_slist_free_all(hdr);
    return e;
}

/* Parses "0x" + 2*n hex digits (surrounding white space and quotes allowed). */
static int parse_hex_reply(uint8_t *out, size_t n, const char *text)
{
    char tmp[300];
    while (*text == ' ' || *text == '\n' || *text == '\r' || *text == '"') text++;
    size_t len = strlen(text);
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == '"'))
        len--;
    if (len >= sizeof tmp) return 0;
    memcpy(tmp, text, len);
    tmp[len] = 0;
    return avskey_hex_decode_var(out, n, tmp);
}

static avskey_err bad_reply(const avskey_signer *s, const char *what)
{
    return avskey_fail(AVSKEY_ERR_IO, "%s: malformed reply (%s): not used", s->info.path, what);
}

static avskey_err w3s_rest_sign(avskey_signer *s, const avskey_budget *b, uint8_t sig65[65], const uint8_t *data,
                                size_t len, int digest)
{
    w3s_state *st = s->backend;
    char path[200], *reply = NULL;
    snprintf(path, sizeof path, "/api/v1/eth1/sign/%s", st->pub_hex);
    char *hex = malloc(2 * len + 3), *body = NULL;
    if (!hex) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
    hex[0] = '0';
    hex[1] = 'x';
    avskey_hex_encode(hex + 2, data, len);
    json_t *o = json_pack("{s:s}", "data", hex);
    if (digest) json_object_set_new(o, "applyHash", json_false());
    body = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    free(hex);
    if (!body) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
    avskey_err e = w3s_call(s, b, path, body, 0, &reply);
    free(body);
    if (e == AVSKEY_ERR_REFUSED && digest) {
        char why[400];
        snprintf(why, sizeof why, "%s", avskey_errmsg());
        e = avskey_fail(e, "%s (a digest is signed with \"applyHash\": false, which this signer may not support: "
                           "sign the data with --data instead)", why);
    }
    if (!e && !parse_hex_reply(sig65, 65, reply)) e = bad_reply(s, "expected 0x + 65-byte signature");
    free(reply);
    return e;
}

static avskey_err w3s_sign_digest(avskey_signer *s, const avskey_budget *b, uint8_t sig65[65], const uint8_t d[32])
{
    return w3s_rest_sign(s, b, sig65, d, 32, 1);
}

static avskey_err w3s_sign_data(avskey_signer *s, const avskey_budget *b, uint8_t sig65[65], const uint8_t *data,
                                size_t len)
{
    return w3s_rest_sign(s, b, sig65, data, len, 0);
}

/* JSON-RPC call. Out: *result (a new reference) on success. */
static avskey_err w3s_rpc(avskey_signer *s, const avskey_budget *b, const char *method, json_t *params,
                          json_t **result)
{
    json_t *req = json_pack("{s:s,s:i,s:s,s:o}", "jsonrpc", "2.0", "id", 1, "method", method, "params", params);
    char *body = req ? json_dumps(req, JSON_COMPACT) : NULL, *reply = NULL;
    json_decref(req);
    if (!body) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
    avskey_err e = w3s_call(s, b, "/", body, 0, &reply);
    free(body);
    if (e) return e;
    json_t *doc = json_loads(reply, 0, NULL), *err = json_object_get(doc, "error");
    free(reply);
    if (json_is_object(err)) {
        json_int_t code = json_integer_value(json_object_get(err, "code"));
        const char *msg = json_string_value(json_object_get(err, "message"));
        char ex[161];
        excerpt(ex, msg ? msg : "");
        avskey_err k = code == -32000 && msg && strstr(msg, "No unlocked account") ? AVSKEY_ERR_WRONG_KEY
                       : (code == -32600 || code == -32602 || code == -32700) ? AVSKEY_ERR_MALFORMED
                                                                                : AVSKEY_ERR_REFUSED;
        e = avskey_fail(k, "%s: %s failed (JSON-RPC %lld): %s", s->info.path, method, (long long)code, ex);
    } else if (!json_is_object(doc) || !json_object_get(doc, "result")) {
        e = bad_reply(s, "not a JSON-RPC response");
    } else {
        *result = json_incref(json_object_get(doc, "result"));
    }
    json_decref(doc);
    return e;
}

/* Web3Signer quantity: "0x" + hex without leading zeros ("0x0" for 0). */
static json_t *qty(const uint8_t *be, size_t n)
{
    char hex[2 * 32 + 3];
    size_t i = 0;
    while (i < n && be[i] == 0) i++;
    if (i == n) return json_string("0x0");
    avskey_hex_encode(hex + 2, be + i, n - i);
    char *h = hex + 2;
    if (h[0] == '0') h++;
    h[-2] = '0';
    h[-1] = 'x';
    return json_string(h - 2);
}

static json_t *qty64(uint64_t v)
{
    uint8_t be[8];
    for (int i = 0; i < 8; i++) be[i] = (uint8_t)(v >> (56 - 8 * i));
    return qty(be, 8);
}

static json_t *hexstr(const uint8_t *p, size_t n)
{
    char *h = malloc(2 * n + 3);
    if (!h) return NULL;
    h[0] = '0';
    h[1] = 'x';
    avskey_hex_encode(h + 2, p, n);
    json_t *j = json_string(h);
    free(h);
    return j;
}

/* The eth_signTransaction parameter object for tx (sent as from = the key). */
static json_t *tx_json(const w3s_state *st, const avskey_eth_tx *tx)
{
    json_t *o = json_object();
    json_object_set_new(o, "from", json_string(st->addr_hex));
    if (tx->has_to) json_object_set_new(o, "to", hexstr(tx->to, 20));
    json_object_set_new(o, "nonce", qty64(tx->nonce));
    json_object_set_new(o, "gas", qty64(tx->gas));
    json_object_set_new(o, "value", qty(tx->value, 32));
    json_object_set_new(o, "data", hexstr(tx->data, tx->data_len));
    json_object_set_new(o, "chainId", qty64(tx->chain_id));
    json_object_set_new(o, "type", qty64((uint64_t)tx->type));
    if (tx->type == AVSKEY_ETH_TX_EIP1559) {
        json_object_set_new(o, "maxFeePerGas", qty(tx->max_fee_per_gas, 32));
        json_object_set_new(o, "maxPriorityFeePerGas", qty(tx->max_priority_fee_per_gas, 32));
    } else {
        json_object_set_new(o, "gasPrice", qty(tx->gas_price, 32));
    }
    if (tx->type != AVSKEY_ETH_TX_LEGACY) {
        json_t *al = json_array();
        for (size_t i = 0; i < tx->access_list_len; i++) {
            const avskey_eth_access *a = &tx->access_list[i];
            json_t *keys = json_array();
            for (size_t k = 0; k < a->n_keys; k++) json_array_append_new(keys, hexstr(a->keys[k], 32));
            json_array_append_new(al, json_pack("{s:o,s:o}", "address", hexstr(a->address, 20), "storageKeys", keys));
        }
        json_object_set_new(o, "accessList", al);
    }
    return o;
}

static avskey_err w3s_sign_tx(avskey_signer *s, const avskey_budget *b, uint8_t **raw, size_t *rawlen,
                              const avskey_eth_tx *tx)
{
    json_t *result = NULL;
    avskey_err e = w3s_rpc(s, b, "eth_signTransaction", json_pack("[o]", tx_json(s->backend, tx)), &result);
    if (e) return e;
    const char *hex = json_string_value(result);
    size_t cap = hex ? strlen(hex) / 2 + 1 : 0, n = 0;
    uint8_t *buf = cap ? malloc(cap) : NULL;
    if (!hex || !buf || !avskey_hex_decode_any_var(buf, &n, cap, hex) || n == 0) {
        free(buf);
        e = bad_reply(s, "eth_signTransaction result is not 0x-hex");
    } else {
        *raw = buf;
        *rawlen = n;
    }
    json_decref(result);
    return e;
}

static avskey_err w3s_sign_typed(avskey_signer *s, const avskey_budget *b, uint8_t sig65[65], const char *json_text,
                                 const uint8_t d[32])
{
    (void)d;
    w3s_state *st = s->backend;
    json_t *result = NULL;
    avskey_err e = w3s_rpc(s, b, "eth_signTypedData", json_pack("[s,s]", st->addr_hex, json_text), &result);
    if (e) return e;
    if (!json_is_string(result) || !parse_hex_reply(sig65, 65, json_string_value(result)))
        e = bad_reply(s, "eth_signTypedData result is not a 65-byte signature");
    json_decref(result);
    return e;
}

static void w3s_close(avskey_signer *s)
{
    w3s_state *st = s->backend;
    if (!st) return;
    if (st->curl) curl_easy_cleanup(st->curl);
    free(st);
    s->backend = NULL;
}

static const avskey_signer_ops w3s_ops = {w3s_sign_digest, w3s_sign_data, w3s_sign_tx, w3s_sign_typed,
                                          NULL, NULL, w3s_close, 1};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Finds the key among the remote's public keys. */
static avskey_err w3s_pick(avskey_signer *s, const char *key_id, json_t *arr)
{
    char want[200] = "";
    if (key_id &&
        (!avskey_id_normalize(want, sizeof want, key_id, 0) || (strlen(want) != 40 && strlen(want) != 128)))
        return avskey_fail(AVSKEY_ERR_USAGE, "--key for web3signer must be a 0x address (40 hex digits) or a 0x public "
                                             "key (128 hex digits)");
    size_t i, found = 0, n = json_array_size(arr);
    uint8_t pub[64], addr[20], best[64];
    for (i = 0; i < n; i++) {
        char id[200], ah[41];
        const char *v = json_string_value(json_array_get(arr, i));
        if (!v || !avskey_id_normalize(id, sizeof id, v, 64) || !avskey_hex_decode_var(pub, 64, id))
            return bad_reply(s, "publicKeys: expected 0x + 128 hex digits");
        avskey_ecdsa_address_var(addr, pub);
        avskey_hex_encode(ah, addr, 20);
        if (!key_id || strcmp(want, strlen(want) == 40 ? ah : id) == 0) {
            memcpy(best, pub, 64);
            found++;
        }
    }
    if (key_id && !found)
        return avskey_fail(AVSKEY_ERR_WRONG_KEY, "%s: key %s is not among the signer's %zu key(s)", s->info.path,
                           key_id, n);
    if (!key_id && n != 1)
        return n == 0 ? avskey_fail(AVSKEY_ERR_WRONG_KEY, "%s: the signer has no ECDSA key", s->info.path)
                      : avskey_fail(AVSKEY_ERR_USAGE, "%s: the signer has %zu keys: choose one with --key", s->info.path, n);
    avskey_signer_set_ecdsa_key(s, best);
    return AVSKEY_OK;
}

avskey_err avskey_signer_web3signer_open(avskey_signer *s, const char *key_id, const avskey_budget *b)
{
    pthread_once(&curl_once, curl_init_once);
    w3s_state *st = calloc(1, sizeof *st);
    if (!st || !(st->curl = curl_easy_init())) {
        free(st);
        return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory (curl)");
    }
    s->backend = st;
    s->ops = &w3s_ops;
    CURL *c = st->curl;
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, s->tls ? "https" : "http");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    if (s->tls_ca) curl_easy_setopt(c, CURLOPT_CAINFO, s->tls_ca);
    if (s->tls_cert) curl_easy_setopt(c, CURLOPT_SSLCERT, s->tls_cert);
    if (s->tls_key) curl_easy_setopt(c, CURLOPT_SSLKEY, s->tls_key);
    snprintf(s->info.name, sizeof s->info.name, "%s", key_id ? key_id : "");
    char *reply = NULL;
    pthread_mutex_lock(&s->lock);
    avskey_err e = w3s_call(s, b, "/api/v1/eth1/publicKeys", NULL, 1, &reply);
    pthread_mutex_unlock(&s->lock);
    if (e) return e;
    json_t *arr = json_loads(reply, 0, NULL);
    free(reply);
    e = json_is_array(arr) ? w3s_pick(s, key_id, arr) : bad_reply(s, "publicKeys is not a JSON array");
    json_decref(arr);
    if (e) return e;
    memcpy(st->pub_hex, "0x", 2);
    avskey_hex_encode(st->pub_hex + 2, s->info.pubkey, 64);
    memcpy(st->addr_hex, "0x", 2);
    avskey_hex_encode(st->addr_hex + 2, s->info.address, 20);
    if (!key_id) snprintf(s->info.name, sizeof s->info.name, "%s", st->addr_hex);
    return AVSKEY_OK;
}
