/* Background reload (POST /reload, SIGHUP): rescan and swap the keyring. */
#include "server.h"
#include "hooks.h"

#include "avskey/log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static int g_running;
static const char *g_status = "idle";
static char g_time[32], g_error[600];

static void set_status(const char *status, const char *error)
{
    pthread_mutex_lock(&g_mu);
    g_status = status;
    avskey_time_rfc3339(g_time);
    snprintf(g_error, sizeof g_error, "%s", error ? error : "");
    pthread_mutex_unlock(&g_mu);
}

/* Rescans and installs a new ring. Returns the number of key errors, or -1. */
int avskey_reload_now(const avskey_server_config *cfg)
{
    avskey_keyring *old = avskey_keyring_acquire(), *ring = NULL;
    avskey_keyring_config kc = cfg->keys;
    kc.progress = 0;
    avskey_err e = avskey_keyring_load(&ring, &kc, old);
    avskey_keyring_release(old);
    if (e) {
        avskey_logf("error", "reload failed: %s", avskey_errmsg());
        return -1;
    }
    int errors = (int)ring->nerrors;
    char fields[160];
    snprintf(fields, sizeof fields, "\"event\":\"reload\",\"keys_loaded\":%zu,\"errors\":%d", ring->n, errors);
    avskey_log(errors ? "warn" : "info", "keys reloaded", fields);
    avskey_report_ring(cfg, ring, "reload");
    avskey_event(cfg, "reload", NULL, NULL, errors ? "completed_with_errors" : "completed", NULL, NULL);
    avskey_keyring_install(ring);
    return errors;
}

static void *reload_thread(void *arg)
{
    int errors = avskey_reload_now(arg);
    char msg[128];
    if (errors < 0) set_status("failed", avskey_errmsg());
    else if (errors > 0) {
        snprintf(msg, sizeof msg, "Reload completed with %d signer loading error(s)", errors);
        set_status("completed_with_errors", msg);
    } else set_status("completed", NULL);
    pthread_mutex_lock(&g_mu);
    g_running = 0;
    pthread_mutex_unlock(&g_mu);
    return NULL;
}

int avskey_reload_start(const avskey_server_config *cfg)
{
    pthread_mutex_lock(&g_mu);
    if (g_running) {
        pthread_mutex_unlock(&g_mu);
        return 0;
    }
    g_running = 1;
    pthread_mutex_unlock(&g_mu);
    set_status("running", NULL);
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, reload_thread, (void *)cfg) != 0) {
        set_status("failed", "cannot start a reload thread");
        pthread_mutex_lock(&g_mu);
        g_running = 0;
        pthread_mutex_unlock(&g_mu);
    }
    pthread_attr_destroy(&attr);
    return 1;
}

int avskey_reload_running(void)
{
    pthread_mutex_lock(&g_mu);
    int r = g_running;
    pthread_mutex_unlock(&g_mu);
    return r;
}

char *avskey_reload_status_json(void)
{
    char *out = NULL, err[700] = "";
    pthread_mutex_lock(&g_mu);
    if (g_error[0]) {
        char esc[650];
        avskey_json_escape(esc, sizeof esc, g_error);
        snprintf(err, sizeof err, ",\"lastError\":%s", esc);
    }
    int n = g_time[0] ? asprintf(&out, "{\"status\":\"%s\",\"lastOperationTime\":\"%s\"%s}", g_status, g_time, err)
                      : asprintf(&out, "{\"status\":\"%s\"}", g_status);
    pthread_mutex_unlock(&g_mu);
    return n < 0 ? NULL : out;
}
