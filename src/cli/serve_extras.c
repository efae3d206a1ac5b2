/* serve: --auth-file, --policy, --audit-log, --metrics-listen (completed
 * with the server support modules). */
#include "cli.h"

#include "server/server.h"

avskey_err avskey_serve_extras(avskey_server_config *cfg, const avskey_args *a)
{
    (void)cfg;
    static const char *const later[] = {"--auth-file", "--policy", "--audit-log", "--metrics-listen", NULL};
    for (const char *const *o = later; *o; o++)
        if (avskey_opt(a, *o)) return avskey_fail(AVSKEY_ERR_USAGE, "%s is not supported in this build yet", *o);
    return AVSKEY_OK;
}

void avskey_serve_extras_free(avskey_server_config *cfg) { (void)cfg; }
