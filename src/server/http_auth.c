/* Authentication of HTTP requests (bearer token or client certificate CN),
 * then request metrics. */
#include "http_auth.h"
#include "hooks.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <string.h>
#include <strings.h>

/* The CN of a verified client certificate, or "" (out: cn[256]). */
static void peer_cn(struct MHD_Connection *conn, char cn[256])
{
    cn[0] = '\0';
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    if (!ci || !ci->tls_session) return;
    gnutls_session_t s = (gnutls_session_t)ci->tls_session;
    unsigned status = 1, n = 0;
    if (gnutls_certificate_verify_peers2(s, &status) != 0 || status != 0) return;
    const gnutls_datum_t *certs = gnutls_certificate_get_peers(s, &n);
    gnutls_x509_crt_t crt;
    if (!certs || n == 0 || gnutls_x509_crt_init(&crt) != 0) return;
    size_t len = 255;
    if (gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER) == 0 &&
        gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &len) == 0)
        cn[len < 255 ? len : 255] = '\0';
    else
        cn[0] = '\0';
    gnutls_x509_crt_deinit(crt);
}

static int public_route(const avskey_request *req)
{
    return strcmp(req->method, "GET") == 0 && (strcmp(req->url, "/upcheck") == 0 || strcmp(req->url, "/healthcheck") == 0);
}

int avskey_http_authenticate(const avskey_server_config *cfg, struct MHD_Connection *conn, avskey_request *req,
                             avskey_response *res)
{
    const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    char cn[256];
    if (h && strncasecmp(h, "Bearer ", 7) == 0) h += 7;
    peer_cn(conn, cn);
    if (public_route(req)) return 1;
    avskey_authz z = avskey_authenticate(cfg, h, h ? strlen(h) : 0, cn[0] ? cn : NULL, &req->client, &req->auth);
    if (z == AVSKEY_AUTHZ_OK && strcmp(req->url, "/reload") == 0 && strcmp(req->method, "POST") == 0)
        z = avskey_authorize_admin(cfg, req->auth);
    if (z == AVSKEY_AUTHZ_OK) return 1;
    avskey_metric_auth_failure(z == AVSKEY_AUTHZ_UNAUTHENTICATED ? "unauthenticated" : "forbidden");
    avskey_event(cfg, "auth_failure", req->client, NULL, "refused",
                 z == AVSKEY_AUTHZ_UNAUTHENTICATED ? "no or unknown token" : "admin only", "\"front\":\"http\"");
    avskey_respond(res, z == AVSKEY_AUTHZ_UNAUTHENTICATED ? 401 : 403, "text/plain; charset=utf-8",
                   z == AVSKEY_AUTHZ_UNAUTHENTICATED ? "Unauthorized" : "Forbidden");
    return 0;
}

/* Endpoint label for metrics: fixed names, never the raw URL. */
static const char *endpoint(const avskey_request *req)
{
    if (strncmp(req->url, "/api/v1/eth1/sign/", 18) == 0) return "eth1_sign";
    static const char *known[] = {"/upcheck", "/healthcheck", "/reload", "/api/v1/eth1/publicKeys", "/"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(req->url, known[i]) == 0) return known[i];
    return "other";
}

void avskey_http_after(const avskey_server_config *cfg, const avskey_request *req, const avskey_response *res)
{
    (void)cfg;
    avskey_metric_request(endpoint(req), res->status);
}
