/* avskey audit verify FILE */
#include "cli.h"

#include "server/audit.h"

#include <stdio.h>

int avskey_cmd_audit_verify(int argc, char **argv)
{
    static const char *const spec[] = {NULL};
    avskey_args a;
    avskey_err e = avskey_args_parse(&a, argc, argv, spec);
    if (e) return avskey_cli_fail(e);
    if (a.help) {
        printf("usage: avskey audit verify FILE\n\n"
               "Checks the hash chain of an `avskey serve --audit-log` file: every line is a JSON\n"
               "object whose seq counts from 1 and whose prev is the SHA-256 of the line before\n"
               "(64 zeros on the first). Prints \"FILE: N lines, chain intact\" and the head hash\n"
               "(keep it elsewhere to detect a later loss of the last lines).\n\n"
               "Exit status: 0 intact, 1 tampered (the first bad line is named), 2 unreadable\n"
               "file or bad usage.\n");
        return 0;
    }
    if (a.noperands != 1) return avskey_cli_usage("usage: avskey audit verify FILE (see --help)");
    const char *path = a.operands[0];
    size_t lines = 0;
    uint64_t seq = 0;
    char head[65];
    e = avskey_audit_verify_head(path, &lines, head, &seq);
    if (e == AVSKEY_ERR_REFUSED) return avskey_cli_fail(e);
    if (e) { avskey_cli_fail(e); return 2; }
    printf("%s: %zu lines, chain intact\n", path, lines);
    printf("head sha256 %s\n", head);
    return 0;
}
