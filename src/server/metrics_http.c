/* --metrics-listen: Prometheus text at GET /metrics (plain HTTP; the
 * metrics hold no secret and no key material). */
#include "metrics.h"
#include "server.h"

#include "avskey/log.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

static enum MHD_Result on_metrics(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)cls; (void)version; (void)upload; (void)con_cls;
    if (*upload_size) {
        *upload_size = 0;
        return MHD_YES;
    }
    size_t len = 0;
    char *text = NULL;
    unsigned status = 404;
    if (strcmp(method, "GET") == 0 && strcmp(url, "/metrics") == 0) {
        text = avskey_metrics_render(&len);
        status = text ? 200 : 500;
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(text ? len : 9, text ? text : (void *)"Not Found",
                                                             MHD_RESPMEM_MUST_COPY);
    free(text);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "Content-Type", status == 200 ? "text/plain; version=0.0.4; charset=utf-8"
                                                             : "text/plain; charset=utf-8");
    enum MHD_Result ok = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ok;
}

void *avskey_metrics_http_start(const char *host, unsigned port, unsigned *bound)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
    if (inet_pton(AF_INET, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
    } else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        flags |= MHD_USE_IPv6;
    } else {
        avskey_fail(AVSKEY_ERR_USAGE, "--metrics-listen: \"%s\" is not an IP address", host);
        return NULL;
    }
    struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, on_metrics, NULL, MHD_OPTION_SOCK_ADDR, &ss,
                                            MHD_OPTION_CONNECTION_LIMIT, 64u, MHD_OPTION_CONNECTION_TIMEOUT, 10u,
                                            MHD_OPTION_END);
    if (!d) {
        avskey_fail(AVSKEY_ERR_IO, "--metrics-listen: cannot listen on %s:%u", host, port);
        return NULL;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    *bound = di ? di->port : port;
    return d;
}

void avskey_metrics_http_stop(void *d)
{
    if (d) MHD_stop_daemon(d);
}
