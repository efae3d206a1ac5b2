/* libmicrohttpd front: bodies, limits, TLS with enforced client
 * certificates, authentication, then the routes.
 *
 * Event loop: one libmicrohttpd daemon per worker thread, all on one
 * listening socket, each run by its thread (MHD_run_wait). A response is
 * written to a corked socket; after each turn of the loop the thread uncorks
 * the sockets it answered, so the answers of one turn leave back to back.
 * A client waiting on several connections is then woken about once per turn
 * instead of once per answer: on loopback the sender pays the receiver's TCP
 * processing and wake-up, which in a VM costs several microseconds. The
 * delay added is at most the rest of the turn that produced the answer. */
#include "server.h"
#include "http_auth.h"

#include "avskey/log.h"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>
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

#define CORK_MAX 256

typedef struct worker {
    struct MHD_Daemon *d;
    pthread_t thread;
    int started;
    int cork[CORK_MAX];     /* sockets answered in this turn, still corked */
    int ncork;
    void *front;
} worker;

typedef struct http_front {
    worker *w;
    unsigned n;
    atomic_int quiesce, stop;
} http_front;

static _Thread_local worker *t_worker;

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

/* Queues res; the response takes res->body (malloc'd) and res->body is NULL after. */
static enum MHD_Result queue(struct MHD_Connection *conn, avskey_response *res)
{
    struct MHD_Response *r = res->body ? MHD_create_response_from_buffer(res->len, res->body, MHD_RESPMEM_MUST_FREE)
                                       : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!r) return MHD_NO;
    res->body = NULL;
    if (res->content_type) MHD_add_response_header(r, "Content-Type", res->content_type);
    if (res->status == 401) MHD_add_response_header(r, "WWW-Authenticate", "Bearer");
    enum MHD_Result ok = MHD_queue_response(conn, res->status, r);
    MHD_destroy_response(r);
    return ok;
}

/* Holds this connection's answer until the end of the turn (see above). */
static void cork(struct MHD_Connection *conn)
{
    worker *w = t_worker;
    if (!w || w->ncork == CORK_MAX) return;
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    int one = 1;
    if (ci && setsockopt(ci->connect_fd, IPPROTO_TCP, TCP_CORK, &one, sizeof one) == 0)
        w->cork[w->ncork++] = ci->connect_fd;
}

/* Sends what this turn corked. A socket libmicrohttpd closed meanwhile was
 * flushed by close(); its number, if reused, gets a harmless "no cork". */
static void uncork_all(worker *w)
{
    int zero = 0;
    for (int i = 0; i < w->ncork; i++) (void)setsockopt(w->cork[i], IPPROTO_TCP, TCP_CORK, &zero, sizeof zero);
    w->ncork = 0;
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
    cork(conn);
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

/* One worker: turns of the event loop until told to stop; quiesces its own
 * daemon (libmicrohttpd daemons in this mode are single-threaded). */
static void *work(void *arg)
{
    worker *w = arg;
    http_front *f = (http_front *)w->front;
    int quiesced = 0;
    t_worker = w;
    while (!atomic_load(&f->stop)) {
        if (!quiesced && atomic_load(&f->quiesce)) {
            MHD_socket s = MHD_quiesce_daemon(w->d);
            if (s != MHD_INVALID_SOCKET) close(s);
            quiesced = 1;
        }
        MHD_run_wait(w->d, 250);
        uncork_all(w);
    }
    return NULL;
}

static void front_free(http_front *f)
{
    atomic_store(&f->stop, 1);
    for (unsigned i = 0; i < f->n; i++)
        if (f->w[i].started) pthread_join(f->w[i].thread, NULL);
    for (unsigned i = 0; i < f->n; i++)
        if (f->w[i].d) MHD_stop_daemon(f->w[i].d);
    free(f->w);
    free(f);
}

/* Starts one daemon: on the address (listen_fd < 0) or on a copy of the
 * first daemon's listening socket. */
static struct MHD_Daemon *start_daemon(avskey_server_config *cfg, const struct sockaddr_storage *ss, int listen_fd,
                                       unsigned max_conn)
{
    unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_USE_TURBO;
    if (ss->ss_family == AF_INET6) flags |= MHD_USE_IPv6;
    if (cfg->tls_cert_pem) flags |= MHD_USE_TLS;
    struct MHD_OptionItem opts[16];
    int n = 0;
#define OPT(o, v, p) (opts[n].option = (o), opts[n].value = (intptr_t)(v), opts[n].ptr_value = (p), n++)
    OPT(MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL);
    if (listen_fd < 0) OPT(MHD_OPTION_SOCK_ADDR, 0, (void *)ss);
    else OPT(MHD_OPTION_LISTEN_SOCKET, listen_fd, NULL);
    OPT(MHD_OPTION_CONNECTION_LIMIT, max_conn, NULL);
    OPT(MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s, NULL);
    OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, 8 * 1024, NULL);   /* request line + headers: 8 KiB, as Vert.x */
    OPT(MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL);
    OPT(MHD_OPTION_NOTIFY_CONNECTION, on_connection, cfg);
    if (cfg->tls_cert_pem) {
        OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, cfg->tls_cert_pem);
        OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, cfg->tls_key_pem);
        if (cfg->tls_ca_pem) OPT(MHD_OPTION_HTTPS_MEM_TRUST, 0, cfg->tls_ca_pem);
    }
    OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
    return MHD_start_daemon(flags, 0, NULL, NULL, on_request, cfg, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
}

void *avskey_http_start(avskey_server_config *cfg, unsigned *bound_port)
{
    struct sockaddr_storage ss;
    socklen_t slen;
    if (!make_addr(&ss, &slen, cfg->http_host, cfg->http_port)) {
        avskey_fail(AVSKEY_ERR_USAGE, "--http-listen: \"%s\" is not an IP address", cfg->http_host);
        return NULL;
    }
    http_front *f = calloc(1, sizeof *f);
    unsigned nw = cfg->threads ? cfg->threads : 1;
    if (f) f->w = calloc(nw, sizeof *f->w);
    if (!f || !f->w) {
        free(f);
        avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
        return NULL;
    }
    f->n = nw;
    unsigned per = cfg->max_connections / nw ? cfg->max_connections / nw : 1;
    int lfd = -1;
    for (unsigned i = 0; i < nw; i++) {
        int fd = i == 0 ? -1 : dup(lfd);
        if (i > 0 && fd < 0) break;
        f->w[i].front = f;
        f->w[i].d = start_daemon(cfg, &ss, fd, per);
        if (!f->w[i].d) {
            if (fd >= 0) close(fd);
            break;
        }
        if (i == 0) {
            const union MHD_DaemonInfo *li = MHD_get_daemon_info(f->w[0].d, MHD_DAEMON_INFO_LISTEN_FD);
            lfd = li ? li->listen_fd : -1;
            if (lfd < 0) break;
        }
    }
    for (unsigned i = 0; i < nw && f->w[i].d; i++)
        f->w[i].started = pthread_create(&f->w[i].thread, NULL, work, &f->w[i]) == 0;
    if (!f->w[nw - 1].started) {
        front_free(f);
        avskey_fail(AVSKEY_ERR_IO, "cannot listen on %s:%u (in use, or bad TLS files?)", cfg->http_host,
                    cfg->http_port);
        return NULL;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(f->w[0].d, MHD_DAEMON_INFO_BIND_PORT);
    *bound_port = di ? di->port : cfg->http_port;
    return f;
}

void avskey_http_quiesce(void *front)
{
    atomic_store(&((http_front *)front)->quiesce, 1);
}

void avskey_http_stop(void *front)
{
    front_free(front);
}
