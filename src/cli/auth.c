/* avskey auth add-client NAME --keys ID[,ID...] --auth-file FILE [--admin] */
#include "cli.h"

#include "server/auth.h"

#include <stdio.h>

int avskey_cmd_auth_add_client(int argc, char **argv)
{
    static const char *const spec[] = {"--keys=", "--auth-file=", "--admin", NULL};
    avskey_args a;
    avskey_err e = avskey_args_parse(&a, argc, argv, spec);
    if (e) return avskey_cli_fail(e);
    if (a.help) {
        printf("usage: avskey auth add-client NAME --keys ID[,ID...] --auth-file FILE [--admin]\n\n"
               "Adds a client to an `avskey serve --auth-file` file (created with mode 0600 if\n"
               "absent) and prints its new bearer token once on stdout: 64 lowercase hex\n"
               "characters (32 random bytes). Only the token's SHA-256 is stored.\n\n"
               "  NAME              client name, [A-Za-z0-9._@-]{1,64}, unique in the file\n"
               "  --keys ID,...     key identifiers it may use (address, public key,\n"
               "                    compressed G1; 0x optional) or \"*\" for all\n"
               "  --auth-file FILE  the auth file\n"
               "  --admin           may call admin and key-management methods\n");
        return 0;
    }
    const char *keys = avskey_opt(&a, "--keys");
    const char *file = avskey_opt(&a, "--auth-file");
    if (a.noperands != 1 || !keys || !file)
        return avskey_cli_usage("usage: avskey auth add-client NAME --keys ID[,ID...] --auth-file FILE [--admin]");
    char token[65];
    e = avskey_auth_add_client(file, a.operands[0], keys, avskey_opt(&a, "--admin") != NULL, token);
    if (e) return avskey_cli_fail(e);
    printf("%s\n", token);
    fflush(stdout);
    avskey_wipe(token, sizeof token);
    fprintf(stderr, "avskey: client %s added to %s; the token above is not stored anywhere, "
                    "give it to the client now\n", a.operands[0], file);
    return 0;
}
