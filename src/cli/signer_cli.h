/* --signer URI on the command line (interface.md section 4): the options
 * shared by `sign ecdsa|bls --signer` and `signer test`. */
#ifndef AVSKEY_CLI_SIGNER_H
#define AVSKEY_CLI_SIGNER_H

#include "cli.h"

#include "avskey/signer.h"

#define AVSKEY_SIGNER_OPTS "--signer-token-file=", "--signer-ca=", "--signer-cert=", "--signer-key=", \
    "--signer-timeout-ms=", "--key="

/* Opens uri with the options of a (--key, --signer-*, passphrase sources).
 * Returns: AVSKEY_OK or the error (message recorded). */
avskey_err avskey_cli_signer_open(avskey_signer **s, const char *uri, const avskey_args *a);

#endif
