/* libmicrohttpd front: bodies, limits, TLS with enforced client
 * certificates, authentication, then the routes. */
#include "server.h"
#include "http_auth.h"

#include "avskey/log.h"

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct reqbuf {
    char *data;
    size_t len, cap;
    int too_big;
} reqbuf;

static atomic_int g_in_flight;

int avskey_http_in_flight(void) { return atomic_load(&g_in_flight); }

static int append(reqbuf *rb, const char *data, size_t n)
{
    if (rb->len + n > AVSKEY_MAX_BODY) {
        rb->too_big = 1;
        return 1;
    }
    if (rb->len + n + 1 > rb->cap) {
        size_t cap = rb->cap ? rb->cap : 1024;
        while (cap < rb->len + n + 1) cap *= 2;
        char *grown = realloc(rb->data, cap);
        if (!grown) return 0;
        rb->data = grown;
        rb->cap = cap;
    }
    memcpy(rb->data + rb->len, data, n);
    rb->len += n;
    rb->data[rb->len] = '\0';
    return 1;
}

static enum MHD_Result queue(struct MHD_Connection *conn, const avskey_response *res)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(res->len, res->body ? res->body : (void *)"",
                                                             MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    if (res->content_type) MHD_add_response_header(r, "Content-Type", res->content_type);
    if (res->status == 401) MHD_add_response_header(r, "WWW-Authenticate", "Bearer");
    enum MHD_Result ok = MHD_queue_response(conn, res->status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    const avskey_server_config *cfg = cls;
    reqbuf *rb = *con_cls;
    (void)version;
    if (!rb) {
        rb = calloc(1, sizeof *rb);
        *con_cls = rb;
        return rb ? MHD_YES : MHD_NO;
    }
    if (*upload_size) {
        int ok = append(rb, upload, *upload_size);
        *upload_size = 0;
        return ok ? MHD_YES : MHD_NO;
    }
    atomic_fetch_add(&g_in_flight, 1);
    avskey_response res = {0, NULL, NULL, 0};
    avskey_request req = {method, url, rb->data ? rb->data : "", rb->len, "local", NULL, cfg};
    if (rb->too_big) avskey_respond(&res, 413, "text/plain; charset=utf-8", "Payload Too Large");
    else if (avskey_http_authenticate(cfg, conn, &req, &res)) avskey_route(cfg, &req, &res);
    avskey_http_after(cfg, &req, &res);
    enum MHD_Result ok = queue(conn, &res);
    free(res.body);
    atomic_fetch_sub(&g_in_flight, 1);
    return ok;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode t)
{
    reqbuf *rb = *con_cls;
    (void)cls;
    (void)conn;
    (void)t;
    if (rb) {
        free(rb->data);
        free(rb);
    }
    *con_cls = NULL;
}

/* With --tls-client-ca: require and verify a client certificate during the
 * handshake (libmicrohttpd alone only requests one). */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_ctx, enum MHD_ConnectionNotificationCode code)
{
    const avskey_server_config *cfg = cls;
    (void)socket_ctx;
    if (code != MHD_CONNECTION_NOTIFY_STARTED || !cfg->tls_ca_pem) return;
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    if (!ci || !ci->tls_session) return;
    gnutls_session_t s = (gnutls_session_t)ci->tls_session;
    gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
    gnutls_session_set_verify_cert(s, NULL, 0);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    (void)cls;
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) msg[--n] = '\0';
    avskey_log("warn", msg, "\"component\":\"http\"");
}

/* Fills addr from host (IPv4 or IPv6 literal, or "localhost"). */
static int make_addr(struct sockaddr_storage *ss, socklen_t *len, const char *host, unsigned port)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    if (strcmp(host, "localhost") == 0) host = "127.0.0.1";
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        *len = sizeof *a4;
        return 1;
    }
    if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        *len = sizeof *a6;
        return 1;
    }
    return 0;
}

void *avskey_http_start(avskey_server_config *cfg, unsigned *bound_port)
{
    struct sockaddr_storage ss;
    socklen_t slen;
    if (!make_addr(&ss, &slen, cfg->http_host, cfg->http_port)) {
        avskey_fail(AVSKEY_ERR_USAGE, "--http-listen: \"%s\" is not an IP address", cfg->http_host);
        return NULL;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_USE_ITC | MHD_USE_TURBO;
    if (ss.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
    if (cfg->tls_cert_pem) flags |= MHD_USE_TLS;
    struct MHD_OptionItem opts[16];
    int n = 0;
#define OPT(o, v, p) (opts[n].option = (o), opts[n].value = (intptr_t)(v), opts[n].ptr_value = (p), n++)
    OPT(MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL);
    OPT(MHD_OPTION_SOCK_ADDR, 0, &ss);
    OPT(MHD_OPTION_THREAD_POOL_SIZE, cfg->threads, NULL);
    OPT(MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections, NULL);
    OPT(MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s, NULL);
    OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, 16 * 1024, NULL);
    OPT(MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL);
    OPT(MHD_OPTION_NOTIFY_CONNECTION, on_connection, cfg);
    if (cfg->tls_cert_pem) {
        OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, cfg->tls_cert_pem);
        OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, cfg->tls_key_pem);
        if (cfg->tls_ca_pem) OPT(MHD_OPTION_HTTPS_MEM_TRUST, 0, cfg->tls_ca_pem);
    }
    OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
    struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, cfg, MHD_OPTION_ARRAY, opts,
                                            MHD_OPTION_END);
    if (!d) {
        avskey_fail(AVSKEY_ERR_IO, "cannot listen on %s:%u (in use, or bad TLS files?)", cfg->http_host,
                    cfg->http_port);
        return NULL;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    *bound_port = di ? di->port : cfg->http_port;
    return d;
}

void avskey_http_quiesce(void *daemon)
{
    MHD_socket s = MHD_quiesce_daemon(daemon);
    if (s != MHD_INVALID_SOCKET) close(s);
}

void avskey_http_stop(void *daemon)
{
    MHD_stop_daemon(daemon);
}
