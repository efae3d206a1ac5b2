/* Per-request authentication and accounting for the HTTP front. */
#ifndef AVSKEY_SERVER_HTTP_AUTH_H
#define AVSKEY_SERVER_HTTP_AUTH_H

#include "server.h"

struct MHD_Connection;

/* Authenticates req (bearer token or client certificate CN). Returns 1 to
 * go on to the routes; 0 with res set (401/403) otherwise. */
int avskey_http_authenticate(const avskey_server_config *cfg, struct MHD_Connection *conn,
                             avskey_request *req, avskey_response *res);

/* After a route answered: metrics and request log. */
void avskey_http_after(const avskey_server_config *cfg, const avskey_request *req, const avskey_response *res);

/* The MHD daemon (src/server/http.c). */
void *avskey_http_start(avskey_server_config *cfg, unsigned *bound_port);
void avskey_http_quiesce(void *daemon);
void avskey_http_stop(void *daemon);
int avskey_http_in_flight(void);

#endif
