/* --password-url: the passphrase fetched over HTTPS (interface.md
 * section 3), from HashiCorp Vault KV v2 or a plain-text endpoint.
 *
 * Transport (libcurl):
 *  - https:// only, also for redirects, which are never followed (a 3xx
 *    is an error); TLS 1.2 or later, peer and host name verified.
 *    --password-url-ca PEM replaces the system CA store (no CA folder is
 *    consulted then); --password-url-cert/-key send a client certificate
 *    (PEM; an encrypted key is not supported; the certificate file is
 *    also read for the key when -key is not given).
 *  - Time: 5 s to connect, 15 s for the whole fetch with its retries;
 *    AVSKEY_PASSWORD_URL_TIMEOUT_MS (1..600000) replaces the 15 s (and
 *    caps the connect timeout), for tests and slow links.
 *  - Retries: 3 attempts, 200 ms then 400 ms apart, within that budget,
 *    for connection refused/reset, timeouts, nothing or part received,
 *    HTTP 429 and 5xx. Never for 4xx, a TLS alert or a failed
 *    certificate check.
 *  - Body: at most 64 KiB (a larger one, by Content-Length or by count,
 *    fails); no compression is asked for.
 *  - Proxy: libcurl's standard variables apply (https_proxy/HTTPS_PROXY,
 *    all_proxy/ALL_PROXY, no_proxy/NO_PROXY); the TLS session still runs
 *    end to end with the server and is verified as above. Nothing else
 *    from the environment is read by curl (no .netrc, no cookies).
 *  - Vault: when VAULT_TOKEN is set it is sent as X-Vault-Token (and
 *    VAULT_NAMESPACE as X-Vault-Namespace) to the --password-url host,
 *    along with X-Vault-Request: true as the vault CLI sends it. The token
 *    is never logged or put in a message.
 *
 * Secrets in memory: the body is received into a guarded secmem buffer.
 * Copies we cannot reach: curl's receive buffer (and OpenSSL's record
 * buffer) briefly hold the body; curl's request buffer holds the token
 * header; jansson's lexer buffer holds each string while parsing (and a
 * body that fails to parse as JSON leaves its partial values to jansson).
 * These are freed by their libraries without wiping. What we can reach is
 * wiped: every string value of the parsed JSON tree (overwritten in place
 * before json_decref), the header list we gave curl, our buffers.
 *
 * Messages name the URL as scheme://host[:port]/path only: a query string
 * or userinfo may carry a token, and are never printed. */
#include "keystore/passphrase_url.h"
#include "avskey/secmem.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef AVSKEY_VERSION
#define AVSKEY_VERSION "0"
#endif

#define AVSKEY_PW_URL_TIMEOUT_ENV "AVSKEY_PASSWORD_URL_TIMEOUT_MS"
#define AVSKEY_PW_URL_TOKEN_MAX 8192

/* ---- URL parsing (public data) ---- */

/* Copies a CURLU part into out ("" if absent). */
static void avskey_url_part(char *out, size_t cap, CURLU *u, CURLUPart part)
{
    char *s = NULL;
    out[0] = '\0';
    if (curl_url_get(u, part, &s, 0) == CURLUE_OK && s) snprintf(out, cap, "%s", s);
    curl_free(s);
}

/* safe = scheme://host[:port]/path of u. */
static void avskey_url_safe(char safe[AVSKEY_PW_URL_SAFE_MAX], CURLU *u)
{
    char scheme[32], host[256], port[16], path[AVSKEY_PW_URL_SAFE_MAX];
    avskey_url_part(scheme, sizeof scheme, u, CURLUPART_SCHEME);
    avskey_url_part(host, sizeof host, u, CURLUPART_HOST);
    avskey_url_part(port, sizeof port, u, CURLUPART_PORT);
    avskey_url_part(path, sizeof path, u, CURLUPART_PATH);
    snprintf(safe, AVSKEY_PW_URL_SAFE_MAX, "%.16s://%.200s%s%.8s%.250s", scheme, host, port[0] ? ":" : "", port,
             path[0] ? path : "/");
}

/* field = the URL-decoded fragment, else "password". */
static avskey_err avskey_url_field(char field[AVSKEY_PW_URL_FIELD_MAX + 1], CURLU *u,
                                   const char *safe)
{
    char *s = NULL;
    CURLUcode rc = curl_url_get(u, CURLUPART_FRAGMENT, &s, CURLU_URLDECODE);
    if (rc == CURLUE_NO_FRAGMENT) {
        snprintf(field, AVSKEY_PW_URL_FIELD_MAX + 1, "password");
        return AVSKEY_OK;
    }
    avskey_err err = AVSKEY_OK;
    size_t n = rc == CURLUE_OK && s ? strlen(s) : 0;
    if (n == 0 || n > AVSKEY_PW_URL_FIELD_MAX)
        err = avskey_fail(AVSKEY_ERR_USAGE, "--password-url %s: the #field must be 1 to %d bytes",
                          safe, AVSKEY_PW_URL_FIELD_MAX);
    for (size_t i = 0; err == AVSKEY_OK && i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            err = avskey_fail(AVSKEY_ERR_USAGE,
                              "--password-url %s: the #field holds a control character", safe);
    if (err == AVSKEY_OK) memcpy(field, s, n + 1);
    curl_free(s);
    return err;
}

/* Parses url. Out: *cu (when non-NULL; the fragment removed, caller
 * frees with curl_url_cleanup) on success. */
static avskey_err avskey_url_parse_cu(char safe[AVSKEY_PW_URL_SAFE_MAX],
                                      char field[AVSKEY_PW_URL_FIELD_MAX + 1], const char *url,
                                      CURLU **cu)
{
    safe[0] = '\0';
    CURLU *u = curl_url();
    if (u == NULL) return avskey_fail(AVSKEY_ERR_NOMEM, "no memory to parse --password-url");
    /* any scheme parses, so that a wrong one can be named */
    CURLUcode rc = curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
    avskey_err err = AVSKEY_OK;
    if (rc != CURLUE_OK) {
        err = avskey_fail(AVSKEY_ERR_USAGE, "--password-url: not a valid URL (%s)",
                          curl_url_strerror(rc));
        goto out;
    }
    avskey_url_safe(safe, u);
    char scheme[32];
    avskey_url_part(scheme, sizeof scheme, u, CURLUPART_SCHEME);
    if (strcmp(scheme, "https") != 0) {
        err = avskey_fail(AVSKEY_ERR_USAGE, "--password-url %s: only https:// URLs are accepted",
                          safe);
        goto out;
    }
    if ((err = avskey_url_field(field, u, safe))) goto out;
    /* never sent anyway; removed so that no curl version could */
    if (curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) != CURLUE_OK)
        err = avskey_fail(AVSKEY_ERR_NOMEM, "no memory to parse --password-url");
out:
    if (err == AVSKEY_OK && cu) *cu = u;
    else curl_url_cleanup(u);
    return err;
}

avskey_err avskey_pw_url_parse(char safe[AVSKEY_PW_URL_SAFE_MAX],
                               char field[AVSKEY_PW_URL_FIELD_MAX + 1], const char *url)
{
    return avskey_url_parse_cu(safe, field, url, NULL);
}

/* ---- the body: Vault KV v2 JSON or a first line (pure) ---- */

/* Overwrites every string value of j in place (jansson keeps its own
 * copies; json_string_value points at the one it frees). Depth is bounded
 * by jansson's parser (2048 levels). */
static void avskey_json_wipe(json_t *j)
{
    const char *key;
    json_t *v;
    size_t i;
    if (json_is_string(j)) {
        avskey_wipe((char *)(uintptr_t)json_string_value(j), json_string_length(j));
    } else if (json_is_object(j)) {
        json_object_foreach(j, key, v) avskey_json_wipe(v);
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v) avskey_json_wipe(v);
    }
}

static avskey_err avskey_pw_copy(avskey_pw *out, const char *s, size_t n, const char *what)
{
    if (n > AVSKEY_PW_MAX)
        return avskey_fail(AVSKEY_ERR_USAGE, "passphrase longer than %d bytes (from %s)",
                           AVSKEY_PW_MAX, what);
    out->buf = avskey_secmem_alloc(AVSKEY_PW_MAX + 2);
    if (out->buf == NULL)
        return avskey_fail(AVSKEY_ERR_NOMEM, "no memory for the passphrase from %s", what);
    memcpy(out->buf, s, n);
    out->buf[n] = '\0';
    out->len = n;
    return AVSKEY_OK;
}

/* The Vault KV v2 "read secret version" answer
 * (GET /v1/<mount>/data/<path>, developer.hashicorp.com/vault/api-docs/
 * secret/kv/kv-v2) is {"request_id":..., "data": {"data": {<field>:
 * <value>, ...}, "metadata": {...}}, ...}: the secret's fields sit in
 * data.data. (KV v1 puts them in data directly: not read here.) */
static avskey_err avskey_vault_field(avskey_pw *out, json_t *root, const char *field,
                                     const char *what)
{
    json_t *d = json_object_get(json_object_get(root, "data"), "data");
    if (!json_is_object(d))
        return avskey_fail(AVSKEY_ERR_MALFORMED,
                           "%s: JSON answer without a data.data object (not Vault KV v2)", what);
    json_t *v = json_object_get(d, field);
    if (v == NULL)
        return avskey_fail(AVSKEY_ERR_NOTFOUND, "%s: no field \"%s\" in data.data", what, field);
    if (!json_is_string(v))
        return avskey_fail(AVSKEY_ERR_USAGE, "%s: data.data.%s is not a string", what, field);
    return avskey_pw_copy(out, json_string_value(v), json_string_length(v), what);
}

/* First line: "\n" or "\r\n" dropped, a lone trailing '\r' kept (as the
 * file source does). */
static avskey_err avskey_first_line(avskey_pw *out, const char *body, size_t len, const char *what)
{
    const char *nl = memchr(body, '\n', len);
    size_t n = nl ? (size_t)(nl - body) : len;
    if (nl && n > 0 && body[n - 1] == '\r') n--;
    return avskey_pw_copy(out, body, n, what);
}

avskey_err avskey_pw_from_body(avskey_pw *out, const char *body, size_t len, const char *field,
                               int want_json, const char *what)
{
    json_error_t jerr; /* its text may quote the body: never shown, wiped */
    out->buf = NULL;
    out->len = 0;
    json_t *root = json_loadb(body, len, JSON_ALLOW_NUL, &jerr);
    avskey_wipe(&jerr, sizeof jerr);
    avskey_err err;
    if (json_is_object(root)) err = avskey_vault_field(out, root, field, what);
    else if (want_json)
        err = avskey_fail(AVSKEY_ERR_MALFORMED, "%s: the answer is marked JSON but is not a JSON object",
                          what);
    else err = avskey_first_line(out, body, len, what);
    if (root) {
        avskey_json_wipe(root);
        json_decref(root);
    }
    return err;
}

int avskey_pw_url_transient(int curl_code, long http_status, const char *errbuf)
{
    if (curl_code == CURLE_OK) return http_status == 429 || (http_status >= 500 && http_status <= 599);
    if (errbuf && strstr(errbuf, "alert")) return 0; /* the peer's TLS stack said no */
    switch (curl_code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR: /* e.g. reset during the handshake */
    case CURLE_HTTP2_STREAM:
        return 1;
    default:
        return 0;
    }
}

/* ---- the transfer ---- */

typedef struct avskey_sink {
    char *buf;   /* secmem, AVSKEY_PW_URL_BODY_MAX bytes */
    size_t len;
    int over;    /* the body went past the bound */
} avskey_sink;

static size_t avskey_on_body(char *p, size_t size, size_t n, void *ud)
{
    avskey_sink *s = ud;
    size_t k = size * n; /* size is 1 (curl's documented contract) */
    if (size != 1 || k > AVSKEY_PW_URL_BODY_MAX - s->len) {
        s->over = 1;
        return 0; /* != k: curl stops with CURLE_WRITE_ERROR */
    }
    memcpy(s->buf + s->len, p, k);
    s->len += k;
    return k;
}

static pthread_once_t avskey_curl_once = PTHREAD_ONCE_INIT;
static CURLcode avskey_curl_init_rc = CURLE_FAILED_INIT;

static void avskey_curl_init(void)
{
    avskey_curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static long avskey_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void avskey_sleep_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&t, &t) != 0 && errno == EINTR) {
    }
}

/* The fetch budget: AVSKEY_PASSWORD_URL_TIMEOUT_MS or 15 s. */
static avskey_err avskey_budget_ms(long *ms)
{
    const char *v = getenv(AVSKEY_PW_URL_TIMEOUT_ENV);
    *ms = AVSKEY_PW_URL_TOTAL_MS;
    if (v == NULL || v[0] == '\0') return AVSKEY_OK;
    long n = 0;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9' || n > 600000) { n = 0; break; }
        n = n * 10 + (*p - '0');
    }
    if (n < 1 || n > 600000)
        return avskey_fail(AVSKEY_ERR_USAGE, "%s must be a number of milliseconds, 1 to 600000",
                           AVSKEY_PW_URL_TIMEOUT_ENV);
    *ms = n;
    return AVSKEY_OK;
}

/* A readable regular file, or an error naming the option and path. */
static avskey_err avskey_check_file(const char *opt, const char *path)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR)
            return avskey_fail(AVSKEY_ERR_NOTFOUND, "%s %s not found", opt, path);
        if (e == EACCES || e == EPERM)
            return avskey_fail(AVSKEY_ERR_PERM, "%s %s: permission denied", opt, path);
        return avskey_fail(AVSKEY_ERR_IO, "%s %s: %s", opt, path, strerror(e));
    }
    int reg = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    close(fd);
    if (!reg) return avskey_fail(AVSKEY_ERR_USAGE, "%s %s is not a regular file", opt, path);
    return AVSKEY_OK;
}

static avskey_err avskey_check_tls_files(const avskey_pw_source *src)
{
    avskey_err err = AVSKEY_OK;
    if (src->url_key && !src->url_cert)
        return avskey_fail(AVSKEY_ERR_USAGE, "--password-url-key needs --password-url-cert");
    if (src->url_ca && (err = avskey_check_file("--password-url-ca", src->url_ca))) return err;
    if (src->url_cert && (err = avskey_check_file("--password-url-cert", src->url_cert))) return err;
    if (src->url_key && (err = avskey_check_file("--password-url-key", src->url_key))) return err;
    return AVSKEY_OK;
}

/* Appends "name: value" to *list, built in secmem (value may be secret).
 * A value with a control character could inject headers: refused. */
static avskey_err avskey_add_header(struct curl_slist **list, const char *name, const char *env)
{
    const char *v = getenv(env);
    if (v == NULL || v[0] == '\0') return AVSKEY_OK;
    size_t nn = strlen(name), vn = strlen(v);
    if (vn > AVSKEY_PW_URL_TOKEN_MAX)
        return avskey_fail(AVSKEY_ERR_USAGE, "$%s is longer than %d bytes", env, AVSKEY_PW_URL_TOKEN_MAX);
    for (size_t i = 0; i < vn; i++)
        if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
            return avskey_fail(AVSKEY_ERR_USAGE, "$%s holds a control character", env);
    char *h = avskey_secmem_alloc(nn + 2 + vn + 1);
    if (h == NULL) return avskey_fail(AVSKEY_ERR_NOMEM, "no memory for the %s header", name);
    memcpy(h, name, nn);
    memcpy(h + nn, ": ", 2);
    memcpy(h + nn + 2, v, vn + 1);
    struct curl_slist *l = curl_slist_append(*list, h); /* curl keeps a copy (wiped on free) */
    avskey_secmem_free(h);
    if (l == NULL) return avskey_fail(AVSKEY_ERR_NOMEM, "no memory for the %s header", name);
    *list = l;
    return AVSKEY_OK;
}

static void avskey_headers_free(struct curl_slist *list)
{
    for (struct curl_slist *p = list; p; p = p->next)
        if (p->data) avskey_wipe(p->data, strlen(p->data));
    curl_slist_free_all(list);
}

static avskey_err avskey_build_headers(struct curl_slist **list)
{
    avskey_err err;
    struct curl_slist *l = curl_slist_append(NULL, "X-Vault-Request: true");
    if (l == NULL) return avskey_fail(AVSKEY_ERR_NOMEM, "no memory for the request headers");
    *list = l;
    if ((err = avskey_add_header(list, "X-Vault-Token", "VAULT_TOKEN"))) return err;
    return avskey_add_header(list, "X-Vault-Namespace", "VAULT_NAMESPACE");
}

#define AVSKEY_SETOPT(h, opt, val)                                          \
    do {                                                                    \
        if (curl_easy_setopt((h), (opt), (val)) != CURLE_OK) return #opt;  \
    } while (0)

/* Sets the options that hold for every attempt. Returns: NULL, or the
 * name of the option this libcurl refused. */
static const char *avskey_setup(CURL *h, CURLU *u, const avskey_pw_source *src, avskey_sink *sink,
                                struct curl_slist *headers, char *errbuf)
{
    AVSKEY_SETOPT(h, CURLOPT_CURLU, u);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85.0 */
    AVSKEY_SETOPT(h, CURLOPT_PROTOCOLS_STR, "https");
    AVSKEY_SETOPT(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
#else
    AVSKEY_SETOPT(h, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS);
    AVSKEY_SETOPT(h, CURLOPT_REDIR_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
    AVSKEY_SETOPT(h, CURLOPT_FOLLOWLOCATION, 0L);
    AVSKEY_SETOPT(h, CURLOPT_SSL_VERIFYPEER, 1L);
    AVSKEY_SETOPT(h, CURLOPT_SSL_VERIFYHOST, 2L);
    AVSKEY_SETOPT(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    if (src->url_ca) {
        AVSKEY_SETOPT(h, CURLOPT_CAINFO, src->url_ca);
        AVSKEY_SETOPT(h, CURLOPT_CAPATH, (char *)NULL); /* only this bundle */
    }
    if (src->url_cert) {
        AVSKEY_SETOPT(h, CURLOPT_SSLCERT, src->url_cert);
        AVSKEY_SETOPT(h, CURLOPT_SSLCERTTYPE, "PEM");
        AVSKEY_SETOPT(h, CURLOPT_SSLKEY, src->url_key ? src->url_key : src->url_cert);
        AVSKEY_SETOPT(h, CURLOPT_SSLKEYTYPE, "PEM");
    }
    AVSKEY_SETOPT(h, CURLOPT_HTTPGET, 1L);
    AVSKEY_SETOPT(h, CURLOPT_HTTPHEADER, headers);
    AVSKEY_SETOPT(h, CURLOPT_USERAGENT, "avskey/" AVSKEY_VERSION);
    AVSKEY_SETOPT(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)AVSKEY_PW_URL_BODY_MAX);
    AVSKEY_SETOPT(h, CURLOPT_WRITEFUNCTION, avskey_on_body);
    AVSKEY_SETOPT(h, CURLOPT_WRITEDATA, sink);
    AVSKEY_SETOPT(h, CURLOPT_ERRORBUFFER, errbuf);
    AVSKEY_SETOPT(h, CURLOPT_NOSIGNAL, 1L); /* SIGPIPE: see avskey_perform */
    AVSKEY_SETOPT(h, CURLOPT_NOPROGRESS, 1L);
    AVSKEY_SETOPT(h, CURLOPT_VERBOSE, 0L);
    return NULL;
}

/* One attempt, with SIGPIPE blocked in this thread (CURLOPT_NOSIGNAL
 * leaves it to us; a process-wide SIG_IGN would not be thread-safe); a
 * SIGPIPE raised meanwhile is taken off before the mask is restored. */
static CURLcode avskey_perform(CURL *h)
{
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    CURLcode rc = curl_easy_perform(h);
    if (!sigismember(&old, SIGPIPE)) {
        sigset_t pending;
        struct timespec zero = {0, 0};
        if (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE))
            (void)sigtimedwait(&pipe_set, NULL, &zero);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    return rc;
}

/* Makes curl's message one printable line. */
static void avskey_clean_msg(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ')) s[--n] = '\0';
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) s[i] = ' ';
}

/* The outcome of the last attempt. */
typedef struct avskey_attempt {
    CURLcode rc;
    long status;
    int json; /* Content-Type: application/json */
    char errbuf[CURL_ERROR_SIZE];
} avskey_attempt;

static void avskey_attempt_run(avskey_attempt *at, CURL *h, avskey_sink *sink, long left_ms)
{
    char *ctype = NULL;
    long connect_ms = left_ms < AVSKEY_PW_URL_CONNECT_MS ? left_ms : AVSKEY_PW_URL_CONNECT_MS;
    avskey_wipe(sink->buf, sink->len);
    sink->len = 0;
    sink->over = 0;
    at->errbuf[0] = '\0';
    at->status = 0;
    at->json = 0;
    (void)curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, left_ms);
    (void)curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    at->rc = avskey_perform(h);
    if (at->rc == CURLE_OK) {
        (void)curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &at->status);
        if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ctype) == CURLE_OK && ctype)
            at->json = strncasecmp(ctype, "application/json", 16) == 0;
    }
    avskey_clean_msg(at->errbuf);
}

/* The error for a failed last attempt (tries: how many were made). */
static avskey_err avskey_attempt_fail(const avskey_attempt *at, const avskey_sink *sink,
                                      const char *safe, int tries)
{
    char after[48] = "";
    if (tries > 1) snprintf(after, sizeof after, " (after %d attempts)", tries);
    if (sink->over || at->rc == CURLE_FILESIZE_EXCEEDED)
        return avskey_fail(AVSKEY_ERR_IO, "--password-url %s: answer larger than %d bytes%s", safe,
                           AVSKEY_PW_URL_BODY_MAX, after);
    if (at->rc != CURLE_OK)
        return avskey_fail(AVSKEY_ERR_IO, "--password-url %s: %s%s", safe,
                           at->errbuf[0] ? at->errbuf : curl_easy_strerror(at->rc), after);
    long s = at->status;
    if (s == 401 || s == 403)
        return avskey_fail(AVSKEY_ERR_PERM, "--password-url %s: access denied by the password server (HTTP %ld)%s",
                           safe, s, after);
    if (s == 404)
        return avskey_fail(AVSKEY_ERR_NOTFOUND, "--password-url %s: not found on the password server (HTTP 404)%s",
                           safe, after);
    if (s >= 300 && s <= 399)
        return avskey_fail(AVSKEY_ERR_IO, "--password-url %s: redirect (HTTP %ld) not followed%s", safe,
                           s, after);
    if (s == 429 || s >= 500)
        return avskey_fail(AVSKEY_ERR_IO, "--password-url %s: password server error (HTTP %ld)%s", safe,
                           s, after);
    return avskey_fail(AVSKEY_ERR_IO, "--password-url %s: unexpected answer (HTTP %ld)%s", safe, s,
                       after);
}

static int avskey_attempt_ok(const avskey_attempt *at, const avskey_sink *sink)
{
    return at->rc == CURLE_OK && !sink->over && at->status >= 200 && at->status <= 299;
}

/* Up to AVSKEY_PW_URL_ATTEMPTS tries within budget_ms (200 ms, 400 ms
 * apart); the body is in sink on success. */
static avskey_err avskey_fetch(avskey_attempt *at, CURL *h, avskey_sink *sink, const char *safe,
                               long budget_ms)
{
    long deadline = avskey_now_ms() + budget_ms, backoff = 200;
    int tries = 0;
    for (;;) {
        long left = deadline - avskey_now_ms();
        if (left < 1) left = 1;
        avskey_attempt_run(at, h, sink, left);
        tries++;
        if (avskey_attempt_ok(at, sink)) return AVSKEY_OK;
        if (tries == AVSKEY_PW_URL_ATTEMPTS || sink->over ||
            !avskey_pw_url_transient(at->rc, at->status, at->errbuf) ||
            avskey_now_ms() + backoff >= deadline)
            return avskey_attempt_fail(at, sink, safe, tries);
        avskey_sleep_ms(backoff);
        backoff *= 2;
    }
}

avskey_err avskey_pw_read_url(avskey_pw *out, const avskey_pw_source *src)
{
    char safe[AVSKEY_PW_URL_SAFE_MAX], field[AVSKEY_PW_URL_FIELD_MAX + 1], what[AVSKEY_PW_URL_SAFE_MAX + 16];
    CURLU *u = NULL;
    CURL *h = NULL;
    struct curl_slist *headers = NULL;
    avskey_sink sink = {NULL, 0, 0};
    avskey_attempt *at = NULL;
    long budget = 0;
    out->buf = NULL;
    out->len = 0;
    pthread_once(&avskey_curl_once, avskey_curl_init);
    if (avskey_curl_init_rc != CURLE_OK)
        return avskey_fail(AVSKEY_ERR_IO, "--password-url: libcurl did not initialise (%s)",
                           curl_easy_strerror(avskey_curl_init_rc));
    avskey_err err = avskey_url_parse_cu(safe, field, src->arg, &u);
    if (!err) err = avskey_check_tls_files(src);
    if (!err) err = avskey_budget_ms(&budget);
    if (err) goto out;
    snprintf(what, sizeof what, "--password-url %s", safe);
    sink.buf = avskey_secmem_alloc(AVSKEY_PW_URL_BODY_MAX);
    at = calloc(1, sizeof *at);
    h = curl_easy_init();
    if (!sink.buf || !at || !h) {
        err = avskey_fail(AVSKEY_ERR_NOMEM, "no memory for %s", what);
        goto out;
    }
    if ((err = avskey_build_headers(&headers))) goto out;
    const char *bad = avskey_setup(h, u, src, &sink, headers, at->errbuf);
    if (bad) {
        err = avskey_fail(AVSKEY_ERR_IO, "%s: this libcurl refuses %s", what, bad);
        goto out;
    }
    if ((err = avskey_fetch(at, h, &sink, safe, budget))) goto out;
    err = avskey_pw_from_body(out, sink.buf, sink.len, field, at->json, what);
out:
    if (h) curl_easy_cleanup(h);
    avskey_headers_free(headers);
    curl_url_cleanup(u);
    avskey_secmem_free(sink.buf); /* wipes */
    free(at);
    return err;
}
