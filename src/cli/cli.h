/* CLI internals: the verb table, option parsing and output helpers. */
#ifndef AVSKEY_CLI_H
#define AVSKEY_CLI_H

#include "avskey/common.h"
#include "avskey/passphrase.h"

#include <stdio.h>

/* A verb: argv[0] is the verb's own name. Returns the exit status. */
typedef int (*avskey_verb_fn)(int argc, char **argv);

typedef struct avskey_verb {
    const char *name;      /* "keys create" */
    avskey_verb_fn fn;
    const char *summary;
} avskey_verb;

/* Prints "avskey: <msg>" on stderr and returns the exit status of code. */
int avskey_cli_fail(avskey_err code);
/* Prints "avskey: <fmt...>" and returns 2 (usage error). */
int avskey_cli_usage(const char *fmt, ...) AVSKEY_PRINTF(1, 2);

/* Generic option parser. Options may stand before or after operands.
 * spec: NULL-terminated list of option names; names ending in '=' take a
 * value ("--key-type="). Flags are set to "1". */
#define AVSKEY_MAX_OPTS 32
#define AVSKEY_MAX_OPERANDS 8
typedef struct avskey_args {
    const char *names[AVSKEY_MAX_OPTS];
    const char *values[AVSKEY_MAX_OPTS];
    int nopts;
    const char *operands[AVSKEY_MAX_OPERANDS];
    int noperands;
    int help;
} avskey_args;

/* Returns: AVSKEY_OK or AVSKEY_ERR_USAGE (message recorded). */
avskey_err avskey_args_parse(avskey_args *a, int argc, char **argv, const char *const *spec);
/* Returns: the value of option name ("--key-type"), "1" for a flag, or NULL. */
const char *avskey_opt(const avskey_args *a, const char *name);

/* Fills src from --password-file/-env/-fd/-url/-credential (prefix "" or
 * "new-" for --new-password-*). Returns AVSKEY_ERR_USAGE on a bad value. */
avskey_err avskey_cli_pw_source(avskey_pw_source *src, const avskey_args *a, const char *prefix);
/* Option names of the passphrase sources, to append to a spec. */
#define AVSKEY_PW_OPTS "--password-file=", "--password-env=", "--password-fd=", \
    "--password-url=", "--password-url-cert=", "--password-url-key=", "--password-url-ca=", \
    "--password-credential="

/* Prints a JSON string literal (with quotes and escapes). */
void avskey_json_str(FILE *f, const char *s);

/* Verbs. */
int avskey_cmd_version(int argc, char **argv);
int avskey_cmd_keys_create(int argc, char **argv);
int avskey_cmd_keys_import(int argc, char **argv);
int avskey_cmd_keys_list(int argc, char **argv);
int avskey_cmd_keys_show(int argc, char **argv);
int avskey_cmd_keys_export(int argc, char **argv);
int avskey_cmd_keys_passwd(int argc, char **argv);
int avskey_cmd_sign_ecdsa(int argc, char **argv);
int avskey_cmd_sign_bls(int argc, char **argv);
int avskey_cmd_verify_bls(int argc, char **argv);
int avskey_cmd_signer_test(int argc, char **argv);
int avskey_cmd_bench(int argc, char **argv);
int avskey_cmd_serve(int argc, char **argv);

/* serve options handled by the server support modules (src/cli/serve_extras.c). */
struct avskey_server_config;
avskey_err avskey_serve_extras(struct avskey_server_config *cfg, const avskey_args *a);
void avskey_serve_extras_free(struct avskey_server_config *cfg);
/* serve --user / --no-sandbox: phase 1 of the sandbox, and the paths the
 * serving daemon may open (src/cli/serve_sandbox.c, docs/sandbox.md). */
avskey_err avskey_serve_sandbox_start(const avskey_args *a);
avskey_err avskey_serve_sandbox_paths(const struct avskey_server_config *cfg, const avskey_args *a);
int avskey_cmd_audit_verify(int argc, char **argv);
int avskey_cmd_auth_add_client(int argc, char **argv);

#endif
