/* avskey: the verb table and dispatch. One file per verb group. */
#include "cli.h"

#include "avskey/harden.h"
#include "avskey/sandbox.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const avskey_verb verbs[] = {
    {"keys create", avskey_cmd_keys_create, "create a new key in the keystore folder"},
    {"keys import", avskey_cmd_keys_import, "import an existing private key"},
    {"keys list", avskey_cmd_keys_list, "list the keys in the keystore folder"},
    {"keys show", avskey_cmd_keys_show, "show a key's public data"},
    {"keys export", avskey_cmd_keys_export, "print a key's private key (after confirmation)"},
    {"keys passwd", avskey_cmd_keys_passwd, "re-encrypt a key under a new passphrase"},
    {"sign ecdsa", avskey_cmd_sign_ecdsa, "sign data or a digest with an ECDSA key"},
    {"sign bls", avskey_cmd_sign_bls, "sign a message or a G1 point with a BLS key"},
    {"verify bls", avskey_cmd_verify_bls, "verify a BLS signature"},
    {"signer test", avskey_cmd_signer_test, "check a signer (keystore or remote): key, test signature, latency"},
    {"serve", avskey_cmd_serve, "unlock the keys and serve the Web3Signer-compatible API"},
    {"audit verify", avskey_cmd_audit_verify, "check the hash chain of an audit log"},
    {"auth add-client", avskey_cmd_auth_add_client, "add a client to an --auth-file and print its token"},
    {"bench", avskey_cmd_bench, "measure the speed of the crypto operations"},
    {"version", avskey_cmd_version, "print the version and commit"},
};
#define NVERBS (sizeof verbs / sizeof verbs[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: avskey <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < NVERBS; i++) fprintf(f, "  %-16s %s\n", verbs[i].name, verbs[i].summary);
    fprintf(f, "\nRun `avskey <command> --help` for a command's options.\n");
}

int avskey_cli_fail(avskey_err code)
{
    const char *m = avskey_errmsg();
    fprintf(stderr, "avskey: %s\n", m[0] ? m : "failed");
    return avskey_exit_code(code);
}

int avskey_cli_usage(const char *fmt, ...)
{
    va_list ap;
    fputs("avskey: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 2;
}

static int match_opt(const char *spec, const char *arg, size_t *namelen, int *takes)
{
    size_t n = strlen(spec);
    *takes = n > 0 && spec[n - 1] == '=';
    if (*takes) n--;
    *namelen = n;
    return strncmp(spec, arg, n) == 0 && (arg[n] == '\0' || (*takes && arg[n] == '='));
}

avskey_err avskey_args_parse(avskey_args *a, int argc, char **argv, const char *const *spec)
{
    memset(a, 0, sizeof *a);
    int only_operands = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (only_operands || arg[0] != '-' || arg[1] == '\0') {
            if (a->noperands == AVSKEY_MAX_OPERANDS)
                return avskey_fail(AVSKEY_ERR_USAGE, "too many arguments");
            a->operands[a->noperands++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) { only_operands = 1; continue; }
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) { a->help = 1; continue; }
        int found = 0;
        for (const char *const *s = spec; *s && !found; s++) {
            size_t n;
            int takes;
            if (!match_opt(*s, arg, &n, &takes)) continue;
            found = 1;
            if (a->nopts == AVSKEY_MAX_OPTS) return avskey_fail(AVSKEY_ERR_USAGE, "too many options");
            const char *val = "1";
            if (takes) {
                if (arg[n] == '=') val = arg + n + 1;
                else if (i + 1 < argc) val = argv[++i];
                else return avskey_fail(AVSKEY_ERR_USAGE, "option %.*s needs a value", (int)n, arg);
            }
            a->names[a->nopts] = *s;
            a->values[a->nopts++] = val;
        }
        if (!found) return avskey_fail(AVSKEY_ERR_USAGE, "unknown option %s (see --help)", arg);
    }
    return AVSKEY_OK;
}

const char *avskey_opt(const avskey_args *a, const char *name)
{
    size_t n = strlen(name);
    const char *v = NULL;
    for (int i = 0; i < a->nopts; i++)
        if (strncmp(a->names[i], name, n) == 0 && (a->names[i][n] == '\0' || a->names[i][n] == '='))
            v = a->values[i];  /* the last one wins */
    return v;
}

avskey_err avskey_cli_pw_source(avskey_pw_source *src, const avskey_args *a, const char *prefix)
{
    static const struct { const char *suffix; avskey_pw_kind kind; } kinds[] = {
        {"password-file", AVSKEY_PW_FILE}, {"password-env", AVSKEY_PW_ENV},
        {"password-fd", AVSKEY_PW_FD}, {"password-url", AVSKEY_PW_URL},
        {"password-credential", AVSKEY_PW_CREDENTIAL},
    };
    char name[64];
    memset(src, 0, sizeof *src);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        snprintf(name, sizeof name, "--%s%s", prefix, kinds[i].suffix);
        const char *v = avskey_opt(a, name);
        if (!v) continue;
        if (src->kind != AVSKEY_PW_AUTO)
            return avskey_fail(AVSKEY_ERR_USAGE, "give only one %spassphrase source", prefix);
        src->kind = kinds[i].kind;
        src->arg = v;
    }
    if (prefix[0] == '\0') {
        src->url_cert = avskey_opt(a, "--password-url-cert");
        src->url_key = avskey_opt(a, "--password-url-key");
        src->url_ca = avskey_opt(a, "--password-url-ca");
    }
    return AVSKEY_OK;
}

void avskey_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
        else if (*p < 0x20) fprintf(f, "\\u%04x", *p);
        else fputc(*p, f);
    }
    fputc('"', f);
}

int avskey_cmd_version(int argc, char **argv)
{
    static const char *const spec[] = {"--json", NULL};
    avskey_args a;
    avskey_err e = avskey_args_parse(&a, argc, argv, spec);
    if (e) return avskey_cli_fail(e);
    if (a.help) {
        printf("usage: avskey version [--json]\n\nPrints the version and the git commit it was built from.\n"
               "  --json    one JSON object: {\"version\",\"commit\",\"os\",\"arch\",\"compiler\"}\n");
        return 0;
    }
    if (a.noperands) return avskey_cli_usage("version takes no arguments");
    if (avskey_opt(&a, "--json")) {
#if defined(__x86_64__)
        const char *arch = "amd64";
#elif defined(__aarch64__)
        const char *arch = "arm64";
#else
        const char *arch = "other";
#endif
        /* The three strings are fixed at build time and contain no quote or backslash. */
        printf("{\"version\":\"%s\",\"commit\":\"%s\",\"os\":\"linux\",\"arch\":\"%s\",\"compiler\":\"%s\"}\n",
               AVSKEY_VERSION, AVSKEY_COMMIT, arch,
#if defined(__clang__)
               "clang " __clang_version__
#elif defined(__GNUC__)
               "gcc " __VERSION__
#else
               "unknown"
#endif
        );
        return 0;
    }
    printf("avskey %s (commit %s)\n", AVSKEY_VERSION, AVSKEY_COMMIT);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0) return avskey_cmd_version(1, argv);
    /* Before any secret exists: no core dumps, no ptrace by the same user. */
    avskey_err he = avskey_harden_process();
    if (he) return avskey_cli_fail(he);
    /* Every verb but serve (its own phases, src/server/run.c) and audit
     * (reads a service's log, no secret; root must keep reading files owned
     * by the service user): no capabilities, no execve/ptrace/... */
    if (strcmp(argv[1], "serve") != 0 && strcmp(argv[1], "audit") != 0) {
        he = avskey_sandbox_cli();
        if (he) return avskey_cli_fail(he);
    }
    for (size_t i = 0; i < NVERBS; i++) {
        const char *name = verbs[i].name;
        const char *sp = strchr(name, ' ');
        size_t first = sp ? (size_t)(sp - name) : strlen(name);
        if (strlen(argv[1]) != first || strncmp(argv[1], name, first) != 0) continue;
        if (!sp) return verbs[i].fn(argc - 1, argv + 1);
        if (argc >= 3 && strcmp(argv[2], sp + 1) == 0) return verbs[i].fn(argc - 2, argv + 2);
    }
    /* A group without (or with an unknown) sub-verb: list that group. */
    int group = 0;
    for (size_t i = 0; i < NVERBS; i++) {
        size_t l = strlen(argv[1]);
        if (strncmp(verbs[i].name, argv[1], l) == 0 && verbs[i].name[l] == ' ') {
            if (!group) fprintf(stderr, "usage: avskey %s <command>\n", argv[1]);
            fprintf(stderr, "  %-16s %s\n", verbs[i].name, verbs[i].summary);
            group = 1;
        }
    }
    if (group) return 2;
    fprintf(stderr, "avskey: unknown command '%s' (see avskey --help)\n", argv[1]);
    return 2;
}
