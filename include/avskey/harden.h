/* Process hardening applied by every verb that may touch a secret. */
#ifndef AVSKEY_HARDEN_H
#define AVSKEY_HARDEN_H

#include "avskey/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* No core dumps (RLIMIT_CORE 0), not dumpable (no ptrace attach by the
 * same user, no /proc/PID/mem), no new privileges. Returns: AVSKEY_OK, or
 * AVSKEY_ERR_PERM if a setting could not be applied. */
AVSKEY_WUR avskey_err avskey_harden_process(void);

#ifdef __cplusplus
}
#endif
#endif
