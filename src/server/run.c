/* The daemon's life: unlock keys, open ports, serve, reload on SIGHUP,
 * drain and stop on SIGTERM/SIGINT. */
#include "grpc.h"
#include "http_auth.h"
#include "server.h"

#include "hooks.h"
#include "metrics.h"

#include "avskey/log.h"
#include "avskey/sandbox.h"
#include "avskey/sdnotify.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void log_key(const avskey_server_config *cfg, const avskey_key *k, const char *event)
{
    char fields[700], name[300];
    const char *id = k->type == AVSKEY_KEY_BLS ? k->id_g1 : k->id_addr;
    avskey_json_escape(name, sizeof name, k->name);
    snprintf(fields, sizeof fields, "\"event\":\"key_loaded\",\"name\":%s,\"type\":\"%s\",\"id\":\"%s\"", name,
             k->type == AVSKEY_KEY_BLS ? "bls" : "ecdsa", id);
    avskey_log("info", "key loaded", fields);
    avskey_event(cfg, "key_loaded", NULL, id, "loaded", event, NULL);
}

void avskey_report_ring(const avskey_server_config *cfg, const avskey_keyring *r, const char *event)
{
    char fields[1600];
    long ecdsa = 0, bls = 0;
    for (size_t i = 0; i < r->n; i++) {
        log_key(cfg, &r->keys[i], event);
        if (r->keys[i].type == AVSKEY_KEY_BLS) bls++;
        else ecdsa++;
    }
    for (size_t i = 0; i < r->nerrors; i++) {
        char src[700], msg[700];
        avskey_json_escape(src, sizeof src, r->errors[i].source);
        avskey_json_escape(msg, sizeof msg, r->errors[i].message);
        snprintf(fields, sizeof fields, "\"event\":\"key_failed\",\"source\":%s,\"error\":%s", src, msg);
        avskey_log("error", "key failed to load", fields);
        avskey_event(cfg, "key_failed", NULL, r->errors[i].source, "failed", r->errors[i].message, NULL);
    }
    avskey_metrics_keys_loaded("ecdsa", ecdsa);
    avskey_metrics_keys_loaded("bls", bls);
    avskey_metrics_unlock_seconds(r->unlock_seconds);
}

/* Waits for signals: SIGHUP reloads, SIGTERM/SIGINT return. */
static void wait_signals(avskey_server_config *cfg, const sigset_t *set)
{
    for (;;) {
        int sig = 0;
        if (sigwait(set, &sig) != 0) continue;
        if (sig == SIGHUP) {
            avskey_log("info", "SIGHUP: reloading keys", "\"event\":\"reload_requested\"");
            avskey_reload_start(cfg);
            continue;
        }
        avskey_logf("info", "signal %d: shutting down", sig);
        return;
    }
}

/* Stops accepting, lets in-flight requests finish (at most 10 s), stops. */
static void drain(void *http, avskey_grpc *grpc)
{
    if (grpc) avskey_grpc_quiesce(grpc);
    avskey_http_quiesce(http);
    for (int i = 0; i < 1000 && avskey_http_in_flight() > 0; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    avskey_http_stop(http);
    if (grpc) avskey_grpc_stop(grpc, 5.0);
}

avskey_err avskey_server_run(avskey_server_config *cfg)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);  /* every thread started below inherits it */
    signal(SIGPIPE, SIG_IGN);

    avskey_keyring *ring = NULL;
    avskey_event(cfg, "start", NULL, NULL, "starting", NULL, NULL);
    avskey_err e = avskey_keyring_load(&ring, &cfg->keys, NULL);
    if (e) return e;
    avskey_report_ring(cfg, ring, "start");
    char fields[1024];
    snprintf(fields, sizeof fields, "\"event\":\"keys_unlocked\",\"keys_loaded\":%zu,\"errors\":%zu,\"seconds\":%.3f",
             ring->n, ring->nerrors, ring->unlock_seconds);
    avskey_log("info", "keys unlocked", fields);
    avskey_keyring_install(ring);

    /* Sandbox: Landlock while no serving thread exists (docs/sandbox.md). */
    e = avskey_serve_sandbox_files();
    if (e) {
        avskey_keyring_install(NULL);
        return e;
    }

    unsigned port = 0;
    void *http = avskey_http_start(cfg, &port);
    if (!http) {
        avskey_keyring_install(NULL);
        return AVSKEY_ERR_IO;
    }
    /* gRPC (Cerberus) front */
    unsigned gport = 0;
    avskey_grpc *grpc = NULL;
    if (cfg->grpc_host && !(grpc = avskey_grpc_start(cfg, &gport))) {
        avskey_http_stop(http);
        avskey_keyring_install(NULL);
        return AVSKEY_ERR_IO;
    }
    char gfield[300] = "";
    if (grpc)
        snprintf(gfield, sizeof gfield, ",\"grpc\":\"%s%s%s:%u\"", strchr(cfg->grpc_host, ':') ? "[" : "",
                 cfg->grpc_host, strchr(cfg->grpc_host, ':') ? "]" : "", gport);
    void *metrics = NULL;
    unsigned mport = 0;
    char mhost[256] = "", mfield[300] = "";
    if (cfg->metrics_listen) {
        e = avskey_parse_listen("--metrics-listen", cfg->metrics_listen, mhost, sizeof mhost, &mport);
        if (!e && !(metrics = avskey_metrics_http_start(mhost, mport, &mport))) e = AVSKEY_ERR_IO;
        if (e) {
            avskey_http_stop(http);
            if (grpc) avskey_grpc_stop(grpc, 0.0);
            avskey_keyring_install(NULL);
            return e;
        }
        snprintf(mfield, sizeof mfield, ",\"metrics\":\"%s%s%s:%u\"", strchr(mhost, ':') ? "[" : "", mhost,
                 strchr(mhost, ':') ? "]" : "", mport);
    }
    snprintf(fields, sizeof fields, "\"event\":\"listening\",\"http\":\"%s%s%s:%u\"%s,\"tls\":%s%s",
             strchr(cfg->http_host, ':') ? "[" : "", cfg->http_host, strchr(cfg->http_host, ':') ? "]" : "", port,
             gfield, cfg->tls_cert_pem ? "true" : "false", mfield);

    /* Sandbox phase 2, ports bound: --user, no capabilities, allow-list. */
    e = avskey_serve_sandbox_lockdown();
    if (e) {
        avskey_metrics_http_stop(metrics);
        avskey_http_stop(http);
        if (grpc) avskey_grpc_stop(grpc, 0.0);
        avskey_keyring_install(NULL);
        return e;
    }
    avskey_log("info", "ready", fields);
    avskey_sd_notify("READY=1");
    wait_signals(cfg, &set);
    avskey_sd_notify("STOPPING=1");
    drain(http, grpc);
    avskey_metrics_http_stop(metrics);
    avskey_event(cfg, "stop", NULL, NULL, "stopped", NULL, NULL);
    for (int i = 0; i < 3000 && avskey_reload_running(); i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    avskey_keyring_install(NULL);
    avskey_log("info", "stopped", "\"event\":\"stopped\"");
    return AVSKEY_OK;
}
