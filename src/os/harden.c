/* Basic process hardening: no core dumps, not dumpable, no new privileges. */
#include "avskey/harden.h"

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

avskey_err avskey_harden_process(void)
{
    struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0)
        return avskey_fail(AVSKEY_ERR_PERM, "cannot disable core dumps: %s", strerror(errno));
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        return avskey_fail(AVSKEY_ERR_PERM, "cannot make the process non-dumpable: %s", strerror(errno));
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return avskey_fail(AVSKEY_ERR_PERM, "cannot set no_new_privs: %s", strerror(errno));
    return AVSKEY_OK;
}
