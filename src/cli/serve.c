/* avskey serve: options, safety checks, then the daemon. */
#include "cli.h"

#include "avskey/keystore.h"
#include "avskey/log.h"
#include "server/server.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const serve_spec[] = {
    "--keystore-dir=", "--password-dir=", "--key-config-path=", "--http-listen=", "--grpc-listen=",
    "--metrics-listen=", "--chain-id=", "--tls-cert=", "--tls-key=", "--tls-client-ca=", "--auth-file=",
    "--policy=", "--audit-log=", "--allow-insecure-remote", "--threads=", "--allow-remote-key-management",
    "--user=", "--no-sandbox", AVSKEY_PW_OPTS, NULL};

static void help(void)
{
    printf("usage: avskey serve [options]\n\n"
           "Unlocks the keys, then serves Web3Signer's eth1 API (REST and JSON-RPC) and\n"
           "Cerberus' BN254 signing API (gRPC).\n\n"
           "  --keystore-dir DIR        keys to load (default $AVSKEY_KEYSTORE_DIR, else\n"
           "                            ~/.eigenlayer/operator_keys): *.ecdsa.key.json, *.bls.key.json\n"
           "  --password-dir DIR        DIR/<key file name without .json>.txt per key, instead of\n"
           "                            one passphrase from --password-file/-env/-fd/-credential,\n"
           "                            the prompt, or the first line of stdin\n"
           "  --key-config-path DIR     also Web3Signer key-config YAML files\n"
           "  --http-listen HOST:PORT   default 127.0.0.1:9000\n"
           "  --grpc-listen HOST:PORT   default 127.0.0.1:50051 (Cerberus BN254 API); \"off\" disables\n"
           "  --allow-remote-key-management  let admin gRPC clients create/import BLS keys\n"
           "  --metrics-listen HOST:PORT  Prometheus /metrics (default off)\n"
           "  --chain-id N              chain id for eth_signTransaction (required to sign them)\n"
           "  --tls-cert PEM --tls-key PEM [--tls-client-ca PEM]   TLS, optional client certificates\n"
           "  --auth-file FILE          per-client tokens / certificate names and their keys\n"
           "  --policy FILE             what ECDSA keys may sign (default: no value transfers,\n"
           "                            --chain-id only)\n"
           "  --audit-log FILE          tamper-evident log of security events\n"
           "  --allow-insecure-remote   listen off loopback without TLS and --auth-file\n"
           "  --threads N               HTTP and gRPC worker threads (default: the number of cores;\n"
           "                            gRPC uses at most 16)\n"
           "  --user NAME               started as root: run as NAME once the ports are bound\n"
           "  --no-sandbox              no seccomp filter and no Landlock (docs/sandbox.md);\n"
           "                            AVSKEY_SECCOMP=off / AVSKEY_LANDLOCK=off disable one\n\n"
           "SIGHUP or POST /reload rescans the keys; SIGTERM finishes in-flight requests and stops.\n");
}

static int is_loopback(const char *host)
{
    return strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0 || strcmp(host, "localhost") == 0;
}

/* Reads a whole PEM file (kept for the daemon's life, as libmicrohttpd needs). */
static avskey_err read_pem(char **out, const char *opt, const char *path)
{
    *out = NULL;
    if (!path) return AVSKEY_OK;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size > (1 << 20)) {
        if (fd >= 0) close(fd);
        return avskey_fail(AVSKEY_ERR_USAGE, "%s %s: cannot read the PEM file", opt, path);
    }
    char *buf = calloc(1, (size_t)st.st_size + 1);
    ssize_t n = buf ? read(fd, buf, (size_t)st.st_size) : -1;
    close(fd);
    if (n != st.st_size || !strstr(buf, "-----BEGIN")) {
        free(buf);
        return avskey_fail(AVSKEY_ERR_USAGE, "%s %s: not a PEM file", opt, path);
    }
    *out = buf;
    return AVSKEY_OK;
}

static avskey_err tls_options(avskey_server_config *cfg, const avskey_args *a)
{
    const char *cert = avskey_opt(a, "--tls-cert"), *key = avskey_opt(a, "--tls-key");
    const char *ca = avskey_opt(a, "--tls-client-ca");
    if (!!cert != !!key) return avskey_fail(AVSKEY_ERR_USAGE, "--tls-cert and --tls-key go together");
    if (ca && !cert) return avskey_fail(AVSKEY_ERR_USAGE, "--tls-client-ca needs --tls-cert and --tls-key");
    avskey_err e = read_pem(&cfg->tls_cert_pem, "--tls-cert", cert);
    if (!e) e = read_pem(&cfg->tls_key_pem, "--tls-key", key);
    if (!e) e = read_pem(&cfg->tls_ca_pem, "--tls-client-ca", ca);
    return e;
}

static avskey_err basic_options(avskey_server_config *cfg, const avskey_args *a, char *host, size_t cap)
{
    const char *listen = avskey_opt(a, "--http-listen"), *chain = avskey_opt(a, "--chain-id");
    const char *threads = avskey_opt(a, "--threads");
    avskey_err e = avskey_parse_listen("--http-listen", listen ? listen : "127.0.0.1:9000", host, cap, &cfg->http_port);
    if (e) return e;
    cfg->http_host = host;
    if (chain) {
        char *end;
        errno = 0;
        cfg->chain_id = strtoull(chain, &end, 0);
        if (*end || errno || chain[0] == '-' || cfg->chain_id == 0)
            return avskey_fail(AVSKEY_ERR_USAGE, "--chain-id must be a positive integer, not \"%s\"", chain);
        cfg->has_chain_id = 1;
    }
    long nc = sysconf(_SC_NPROCESSORS_ONLN);
    cfg->threads = threads ? (unsigned)atoi(threads) : (unsigned)(nc > 0 ? nc : 2);
    if (cfg->threads < 1 || cfg->threads > 256) return avskey_fail(AVSKEY_ERR_USAGE, "--threads must be 1..256");
    cfg->max_connections = 1024;
    cfg->timeout_s = 30;
    if (!is_loopback(host) && !avskey_opt(a, "--allow-insecure-remote") &&
        (!cfg->tls_cert_pem || !avskey_opt(a, "--auth-file")))
        return avskey_fail(AVSKEY_ERR_REFUSED,
                           "refusing to listen on %s without TLS (--tls-cert/--tls-key) and --auth-file; "
                           "pass --allow-insecure-remote to do it anyway",
                           host);
    return AVSKEY_OK;
}

/* --grpc-listen HOST:PORT (default 127.0.0.1:50051) or "off"; the same
 * loopback rule as --http-listen. */
static avskey_err grpc_options(avskey_server_config *cfg, const avskey_args *a, char *host, size_t cap)
{
    const char *listen = avskey_opt(a, "--grpc-listen");
    cfg->allow_remote_key_mgmt = avskey_opt(a, "--allow-remote-key-management") != NULL;
    if (listen && strcmp(listen, "off") == 0) return AVSKEY_OK;
    avskey_err e = avskey_parse_listen("--grpc-listen", listen ? listen : "127.0.0.1:50051", host, cap, &cfg->grpc_port);
    if (e) return e;
    cfg->grpc_host = host;
    if (!is_loopback(host) && !avskey_opt(a, "--allow-insecure-remote") &&
        (!cfg->tls_cert_pem || !avskey_opt(a, "--auth-file")))
        return avskey_fail(AVSKEY_ERR_REFUSED,
                           "refusing to listen on %s without TLS (--tls-cert/--tls-key) and --auth-file; "
                           "pass --allow-insecure-remote to do it anyway",
                           host);
    return AVSKEY_OK;
}

/* Where keys come from, and the one passphrase if needed. */
static avskey_err key_options(avskey_server_config *cfg, const avskey_args *a, char *dir, size_t cap, avskey_pw *pw)
{
    const char *explicit_dir = avskey_opt(a, "--keystore-dir");
    cfg->keys.key_config_dir = avskey_opt(a, "--key-config-path");
    cfg->keys.password_dir = avskey_opt(a, "--password-dir");
    cfg->keys.progress = isatty(STDERR_FILENO);
    if (explicit_dir || getenv("AVSKEY_KEYSTORE_DIR") || !cfg->keys.key_config_dir) {
        avskey_err e = avskey_keydir_resolve(dir, cap, explicit_dir);
        if (e) return e;
        cfg->keys.keystore_dir = dir;
    }
    if (!cfg->keys.keystore_dir || cfg->keys.password_dir) return AVSKEY_OK;
    avskey_pw_source src;
    avskey_err e = avskey_cli_pw_source(&src, a, "");
    if (!e) e = avskey_passphrase_read(pw, &src, "Passphrase for the keys: ", 0);
    if (!e) cfg->keys.password = pw;
    return e;
}

int avskey_cmd_serve(int argc, char **argv)
{
    avskey_args a;
    avskey_server_config cfg;
    char host[256], grpc_host[256], dir[PATH_MAX];
    avskey_pw pw = {NULL, 0};
    memset(&cfg, 0, sizeof cfg);
    avskey_err e = avskey_args_parse(&a, argc, argv, serve_spec);
    if (e) return avskey_cli_fail(e);
    if (a.help) {
        help();
        return 0;
    }
    if (a.noperands) return avskey_cli_usage("serve takes no arguments (see --help)");
    e = avskey_serve_sandbox_start(&a);  /* sandbox phase 1 (docs/sandbox.md) */
    if (!e) e = tls_options(&cfg, &a);
    if (!e) e = basic_options(&cfg, &a, host, sizeof host);
    if (!e) e = grpc_options(&cfg, &a, grpc_host, sizeof grpc_host);
    if (!e) e = avskey_serve_extras(&cfg, &a);
    if (!e) e = key_options(&cfg, &a, dir, sizeof dir, &pw);
    if (!e) e = avskey_serve_sandbox_paths(&cfg, &a);
    if (!e) e = avskey_server_run(&cfg);
    avskey_passphrase_free(&pw);
    avskey_serve_extras_free(&cfg);
    free(cfg.tls_cert_pem);
    free(cfg.tls_key_pem);
    free(cfg.tls_ca_pem);
    if (e) {
        avskey_log("error", avskey_errmsg(), "\"event\":\"start_failed\"");
        return avskey_exit_code(e);
    }
    return 0;
}
