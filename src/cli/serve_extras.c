/* serve: --auth-file, --policy, --audit-log, --metrics-listen. */
#include "cli.h"

#include "server/audit.h"
#include "server/auth.h"
#include "server/policy.h"
#include "server/server.h"

#include <string.h>

avskey_err avskey_serve_extras(avskey_server_config *cfg, const avskey_args *a)
{
    const char *auth = avskey_opt(a, "--auth-file"), *policy = avskey_opt(a, "--policy");
    const char *audit = avskey_opt(a, "--audit-log");
    avskey_err e = avskey_policy_load(&cfg->policy, policy);
    if (!e && auth) e = avskey_auth_load(&cfg->auth, auth);
    if (!e && audit) e = avskey_audit_open(&cfg->audit, audit);
    cfg->metrics_listen = avskey_opt(a, "--metrics-listen");
    return e;
}

void avskey_serve_extras_free(avskey_server_config *cfg)
{
    avskey_audit_close(cfg->audit);
    avskey_auth_free(cfg->auth);
    avskey_policy_free(cfg->policy);
    cfg->audit = NULL;
    cfg->auth = NULL;
    cfg->policy = NULL;
}
