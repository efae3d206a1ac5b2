/* gRPC front on the gRPC core C API.
 *
 * Life of a call (one struct gcall, three tags):
 *   request_call ─(t_new)─> RECV_MESSAGE ─(t_recv)─> run the method, then
 *   SEND_INITIAL_METADATA + [SEND_MESSAGE] + SEND_STATUS + RECV_CLOSE_ON_SERVER
 *   ─(t_done)─> free.
 * The two signing methods are registered with their payload read ahead: their
 * t_new arrives with the request message, so a signature costs one trip
 * through the queue less (request_registered_call ─(t_new)─> run ─(t_done)).
 * Every tag completes on the one completion queue; NTHREADS threads take
 * events from it and run the methods (a signature takes tens of µs, so
 * signing on these threads is fine). CALLS_AHEAD request_calls stay posted
 * so that many callers are served at once; each arrival posts a new one. */
#include "grpc.h"

#include "grpc_methods.h"
#include "hooks.h"

#include "avskey/log.h"

#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/slice.h>
#include <grpc/support/log.h>
#include <grpc/support/time.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CALLS_AHEAD 32
#define NREG 2                 /* registered (hot) methods: SignGeneric, SignG1 */
static const char *const k_registered[NREG] = {"/signer.v1.Signer/SignGeneric", "/signer.v1.Signer/SignG1"};
#define MAX_THREADS 16
#define MAX_MESSAGE (64 * 1024)

enum { T_NEW = 1, T_RECV, T_DONE, T_SHUTDOWN };

typedef struct gcall gcall;
typedef struct gtag { gcall *c; int op; } gtag;

struct gcall {
    avskey_grpc *g;
    grpc_call *call;
    grpc_call_details details;
    grpc_metadata_array md;
    grpc_byte_buffer *req, *resp;
    const avskey_grpc_method *m;  /* registered call: its method; else NULL */
    int reg;                      /* index in k_registered, or -1 */
    gpr_timespec deadline;
    grpc_slice status_details;
    int has_status_details;
    int cancelled;
    gtag t_new, t_recv, t_done;
    avskey_grpc_reply rep;        /* answered, not yet sent (see flush) */
    gcall *next_pending;
};

struct avskey_grpc {
    const avskey_server_config *cfg;
    grpc_server *server;
    grpc_completion_queue *cq;
    void *reg[NREG];                         /* grpc_server_register_method handles */
    const avskey_grpc_method *reg_method[NREG];
    pthread_t threads[MAX_THREADS];
    unsigned nthreads;
    gtag t_shutdown;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int quiescing, shut_down;
};

/* ---- gRPC core's own log lines -> JSON log ------------------------------ */

static void core_log(gpr_log_func_args *a)
{
    const char *level = a->severity == GPR_LOG_SEVERITY_ERROR ? "error"
                        : a->severity == GPR_LOG_SEVERITY_INFO ? "info" : "debug";
    /* a client that fails the TLS handshake is the client's problem, not ours */
    int handshake = a->message && strncmp(a->message, "Handshake failed", 16) == 0;
    char file[300], fields[400];
    avskey_json_escape(file, sizeof file, a->file ? a->file : "");
    snprintf(fields, sizeof fields, "\"event\":\"grpc_core\",%s\"file\":%s,\"line\":%d",
             handshake ? "\"kind\":\"tls_handshake_failed\"," : "", file, a->line);
    if (handshake) level = "warn";
    avskey_log(level, a->message ? a->message : "", fields);
}

/* ---- calls ---------------------------------------------------------------- */

static void call_free(gcall *c)
{
    if (c->call) grpc_call_unref(c->call);
    grpc_call_details_destroy(&c->details);
    grpc_metadata_array_destroy(&c->md);
    if (c->req) grpc_byte_buffer_destroy(c->req);
    if (c->resp) grpc_byte_buffer_destroy(c->resp);
    if (c->has_status_details) grpc_slice_unref(c->status_details);
    free(c);
}

/* Posts one request_call: for registered method reg (0..NREG-1, payload
 * read ahead), or for any other method (reg -1). Returns 1 if posted. */
static int arm(avskey_grpc *g, int reg)
{
    gcall *c = calloc(1, sizeof *c);
    if (!c) return 0;
    c->g = g;
    c->reg = reg;
    c->m = reg >= 0 ? g->reg_method[reg] : NULL;
    c->t_new = (gtag){c, T_NEW};
    c->t_recv = (gtag){c, T_RECV};
    c->t_done = (gtag){c, T_DONE};
    grpc_call_details_init(&c->details);
    grpc_metadata_array_init(&c->md);
    grpc_call_error e = reg >= 0 ? grpc_server_request_registered_call(g->server, g->reg[reg], &c->call, &c->deadline,
                                                                      &c->md, &c->req, g->cq, g->cq, &c->t_new)
                                 : grpc_server_request_call(g->server, &c->call, &c->details, &c->md, g->cq, g->cq,
                                                            &c->t_new);
    if (e != GRPC_CALL_OK) {
        call_free(c);
        return 0;
    }
    return 1;
}

/* The caller's token: metadata "authorization", "Bearer " stripped. */
static const char *token_of(const gcall *c, size_t *len)
{
    for (size_t i = 0; i < c->md.count; i++) {
        const grpc_metadata *m = &c->md.metadata[i];
        if (!grpc_slice_str_cmp(m->key, "authorization")) {
            const char *v = (const char *)GRPC_SLICE_START_PTR(m->value);
            size_t n = GRPC_SLICE_LENGTH(m->value);
            if (n >= 7 && strncasecmp(v, "Bearer ", 7) == 0) {
                v += 7;
                n -= 7;
            }
            *len = n;
            return v;
        }
    }
    *len = 0;
    return NULL;
}

/* The verified client-certificate CN (only with --tls-client-ca). */
static void cert_cn_of(const gcall *c, char *out, size_t cap)
{
    out[0] = '\0';
    if (!c->g->cfg->tls_ca_pem) return;
    grpc_auth_context *ctx = grpc_call_auth_context(c->call);
    if (!ctx) return;
    if (grpc_auth_context_peer_is_authenticated(ctx)) {
        grpc_auth_property_iterator it = grpc_auth_context_find_properties_by_name(ctx, GRPC_X509_CN_PROPERTY_NAME);
        const grpc_auth_property *p = grpc_auth_property_iterator_next(&it);
        if (p && p->value_length < cap && !memchr(p->value, '\0', p->value_length)) {
            memcpy(out, p->value, p->value_length);
            out[p->value_length] = '\0';
        }
    }
    grpc_auth_context_release(ctx);
}

/* Seconds left before the call's deadline, as avskey_now_seconds() time. */
static double deadline_of(const gcall *c)
{
    gpr_timespec d = gpr_convert_clock_type(c->deadline, GPR_CLOCK_MONOTONIC);
    if (gpr_time_cmp(d, gpr_inf_future(GPR_CLOCK_MONOTONIC)) == 0) return 0;
    gpr_timespec left = gpr_time_sub(d, gpr_now(GPR_CLOCK_MONOTONIC));
    double s = (double)left.tv_sec + (double)left.tv_nsec / 1e9;
    double now = avskey_now_seconds();
    return s <= 0 ? now - 1e-9 : now + s;
}

/* The request message as one contiguous buffer (a slice to unref). */
static int read_request(gcall *c, grpc_slice *out)
{
    grpc_byte_buffer_reader r;
    if (!c->req || !grpc_byte_buffer_reader_init(&r, c->req)) return 0;
    *out = grpc_byte_buffer_reader_readall(&r);
    grpc_byte_buffer_reader_destroy(&r);
    return 1;
}

static void log_call(const gcall *c, const char *method, const char *client, const avskey_grpc_reply *rep,
                     double seconds)
{
    char m[300], cl[300], msg[700], fields[1500];
    avskey_json_escape(m, sizeof m, method);
    avskey_json_escape(cl, sizeof cl, client ? client : "");
    avskey_json_escape(msg, sizeof msg, rep->message);
    snprintf(fields, sizeof fields,
             "\"event\":\"grpc_call\",\"method\":%s,\"client\":%s,\"status\":%d,\"error\":%s,\"ms\":%.3f", m, cl,
             rep->status, msg, seconds * 1e3);
    avskey_log("info", "grpc call refused", fields);
    (void)c;
}

/* Authenticates, parses and runs the call. Out: rep. */
static void handle(gcall *c, avskey_grpc_reply *rep, const char **client_out)
{
    const avskey_server_config *cfg = c->g->cfg;
    const char *path = (const char *)GRPC_SLICE_START_PTR(c->details.method);
    const avskey_grpc_method *m = c->m ? c->m : avskey_grpc_method_find(path, GRPC_SLICE_LENGTH(c->details.method));
    if (!m) {
        avskey_grpc_fail(rep, GRPC_STATUS_UNIMPLEMENTED, "unknown method %.*s",
                         (int)(GRPC_SLICE_LENGTH(c->details.method) > 200 ? 200 : GRPC_SLICE_LENGTH(c->details.method)), path);
        return;
    }
    size_t tlen;
    const char *token = token_of(c, &tlen);
    char cn[256];
    cert_cn_of(c, cn, sizeof cn);
    avskey_grpc_caller caller = {cfg, NULL, NULL, deadline_of(c)};
    if (avskey_authenticate(cfg, token, tlen, cn[0] ? cn : NULL, &caller.client, &caller.handle) != AVSKEY_AUTHZ_OK) {
        avskey_metric_auth_failure(token ? "grpc_token" : "grpc_missing_token");
        avskey_event(cfg, "auth", caller.client, NULL, "refused", token ? "unknown token" : "no token",
                     "\"front\":\"grpc\"");
        avskey_grpc_fail(rep, GRPC_STATUS_UNAUTHENTICATED, "%s",
                         token ? "unknown API key" : "missing API key (metadata \"authorization\")");
        return;
    }
    *client_out = caller.client;
    grpc_slice body;
    if (!read_request(c, &body)) {
        avskey_grpc_fail(rep, GRPC_STATUS_INVALID_ARGUMENT, "no request message");
        return;
    }
    avskey_grpc_req req;
    char err[200];
    int st = avskey_grpc_req_parse(&req, err, sizeof err, m, GRPC_SLICE_START_PTR(body), GRPC_SLICE_LENGTH(body));
    if (m->id == AVSKEY_GRPC_IMPORT_KEY) avskey_wipe(GRPC_SLICE_START_PTR(body), GRPC_SLICE_LENGTH(body));
    grpc_slice_unref(body);
    if (st) {
        avskey_grpc_fail(rep, st, "%s: %s", m->name, err);
        return;
    }
    avskey_grpc_dispatch(&caller, &req, rep);
    avskey_grpc_req_free(&req);
}

static void finish(gcall *c, const avskey_grpc_reply *rep)
{
    grpc_op ops[4];
    size_t n = 0;
    memset(ops, 0, sizeof ops);
    ops[n++].op = GRPC_OP_SEND_INITIAL_METADATA;
    if (rep->status == GRPC_STATUS_OK) {
        grpc_slice s = grpc_slice_from_copied_buffer((const char *)rep->body, rep->len);
        c->resp = grpc_raw_byte_buffer_create(&s, 1);
        grpc_slice_unref(s);
        ops[n].op = GRPC_OP_SEND_MESSAGE;
        ops[n++].data.send_message.send_message = c->resp;
    } else {
        c->status_details = grpc_slice_from_copied_string(rep->message);
        c->has_status_details = 1;
    }
    ops[n].op = GRPC_OP_SEND_STATUS_FROM_SERVER;
    ops[n].data.send_status_from_server.status = (grpc_status_code)rep->status;
    ops[n++].data.send_status_from_server.status_details = c->has_status_details ? &c->status_details : NULL;
    ops[n].op = GRPC_OP_RECV_CLOSE_ON_SERVER;
    ops[n++].data.recv_close_on_server.cancelled = &c->cancelled;
    if (grpc_call_start_batch(c->call, ops, n, &c->t_done, NULL) != GRPC_CALL_OK) call_free(c);
}

static void on_recv(gcall *c, int ok);

/* Answers wait on their worker thread until its queue has nothing ready (or
 * PENDING_MAX are waiting), then leave back to back: a client with several
 * calls in flight is then woken about once per group, not once per answer
 * (on loopback the sender pays the receiver's wake-up, several microseconds
 * in a VM). The wait is bounded by PENDING_MAX signatures. */
#define PENDING_MAX 8
static _Thread_local gcall *t_pending, *t_pending_last;
static _Thread_local int t_npending;

static void flush(void)
{
    gcall *c = t_pending;
    t_pending = t_pending_last = NULL;
    t_npending = 0;
    while (c) {
        gcall *next = c->next_pending;
        uint8_t *body = c->rep.body;   /* finish may free c */
        finish(c, &c->rep);
        free(body);
        c = next;
    }
}

static void defer(gcall *c, const avskey_grpc_reply *rep)
{
    c->rep = *rep;
    c->next_pending = NULL;
    if (t_pending_last) t_pending_last->next_pending = c;
    else t_pending = c;
    t_pending_last = c;
    if (++t_npending >= PENDING_MAX) flush();
}

static void on_new(gcall *c, int ok)
{
    avskey_grpc *g = c->g;
    if (!ok) {                       /* server shutting down */
        call_free(c);
        return;
    }
    pthread_mutex_lock(&g->mu);
    int quiescing = g->quiescing;
    pthread_mutex_unlock(&g->mu);
    if (!quiescing) arm(g, c->reg);
    if (c->m && c->req) {            /* registered: the message came with the call */
        on_recv(c, 1);
        return;
    }
    /* Registered without a message (none sent, or the call was cancelled):
     * ask for it, which tells the two apart. */
    if (!c->m) c->deadline = c->details.deadline;
    grpc_op op;
    memset(&op, 0, sizeof op);
    op.op = GRPC_OP_RECV_MESSAGE;
    op.data.recv_message.recv_message = &c->req;
    if (grpc_call_start_batch(c->call, &op, 1, &c->t_recv, NULL) != GRPC_CALL_OK) call_free(c);
}

static void on_recv(gcall *c, int ok)
{
    avskey_grpc_reply rep;
    memset(&rep, 0, sizeof rep);
    const char *client = NULL;
    double t0 = avskey_now_seconds();
    if (!ok) avskey_grpc_fail(&rep, GRPC_STATUS_CANCELLED, "call cancelled before its message arrived");
    else handle(c, &rep, &client);
    if (rep.status != GRPC_STATUS_OK) {
        char method[256];
        size_t ml = GRPC_SLICE_LENGTH(c->details.method);
        if (c->m) snprintf(method, sizeof method, "%s", c->m->path);
        else snprintf(method, sizeof method, "%.*s", (int)(ml > 255 ? 255 : ml), (const char *)GRPC_SLICE_START_PTR(c->details.method));
        log_call(c, method, client, &rep, avskey_now_seconds() - t0);
    }
    defer(c, &rep);
}

static void *worker(void *arg)
{
    avskey_grpc *g = arg;
    for (;;) {
        /* with answers waiting: only what is ready now, then send them */
        gpr_timespec until = t_pending ? gpr_time_0(GPR_CLOCK_REALTIME) : gpr_inf_future(GPR_CLOCK_REALTIME);
        grpc_event ev = grpc_completion_queue_next(g->cq, until, NULL);
        if (ev.type == GRPC_QUEUE_TIMEOUT) {
            flush();
            continue;
        }
        if (ev.type == GRPC_QUEUE_SHUTDOWN) break;
        if (ev.type != GRPC_OP_COMPLETE) continue;
        gtag *t = ev.tag;
        switch (t->op) {
        case T_NEW: on_new(t->c, ev.success); break;
        case T_RECV: on_recv(t->c, ev.success); break;
        case T_DONE: call_free(t->c); break;
        case T_SHUTDOWN:
            pthread_mutex_lock(&g->mu);
            g->shut_down = 1;
            pthread_cond_broadcast(&g->cv);
            pthread_mutex_unlock(&g->mu);
            break;
        }
    }
    return NULL;
}

/* ---- start / stop ----------------------------------------------------------- */

static grpc_server_credentials *credentials(const avskey_server_config *cfg)
{
    if (!cfg->tls_cert_pem) return grpc_insecure_server_credentials_create();
    grpc_ssl_pem_key_cert_pair pair = {cfg->tls_key_pem, cfg->tls_cert_pem};
    return grpc_ssl_server_credentials_create_ex(
        cfg->tls_ca_pem, &pair, 1,
        cfg->tls_ca_pem ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                        : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE,
        NULL);
}

static int open_port(avskey_grpc *g, unsigned *bound)
{
    const avskey_server_config *cfg = g->cfg;
    char addr[300];
    int v6 = strchr(cfg->grpc_host, ':') != NULL;
    snprintf(addr, sizeof addr, "%s%s%s:%u", v6 ? "[" : "", cfg->grpc_host, v6 ? "]" : "", cfg->grpc_port);
    grpc_server_credentials *creds = credentials(cfg);
    if (!creds) return 0;
    int port = grpc_server_add_http2_port(g->server, addr, creds);
    grpc_server_credentials_release(creds);
    if (port <= 0) {
        avskey_fail(AVSKEY_ERR_IO, "--grpc-listen %s: cannot listen there (address in use or not available)", addr);
        return 0;
    }
    *bound = (unsigned)port;
    return 1;
}

static void destroy(avskey_grpc *g)
{
    if (g->server) grpc_server_destroy(g->server);
    if (g->cq) {
        grpc_completion_queue_shutdown(g->cq);
        if (g->nthreads == 0) {
            while (grpc_completion_queue_next(g->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL).type !=
                   GRPC_QUEUE_SHUTDOWN) {
            }
        }
        for (unsigned i = 0; i < g->nthreads; i++) pthread_join(g->threads[i], NULL);
        grpc_completion_queue_destroy(g->cq);
    }
    pthread_mutex_destroy(&g->mu);
    pthread_cond_destroy(&g->cv);
    free(g);
    grpc_shutdown();
}

avskey_grpc *avskey_grpc_start(const avskey_server_config *cfg, unsigned *bound_port)
{
    gpr_set_log_function(core_log);
    grpc_init();
    avskey_grpc *g = calloc(1, sizeof *g);
    if (!g) {
        grpc_shutdown();
        avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
        return NULL;
    }
    g->cfg = cfg;
    g->t_shutdown = (gtag){NULL, T_SHUTDOWN};
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    grpc_arg args[3];
    args[0].type = GRPC_ARG_INTEGER;
    args[0].key = (char *)GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH;
    args[0].value.integer = MAX_MESSAGE;
    args[1].type = GRPC_ARG_INTEGER;
    args[1].key = (char *)GRPC_ARG_ALLOW_REUSEPORT;   /* a second daemon on the same port must fail */
    args[1].value.integer = 0;
    args[2].type = GRPC_ARG_INTEGER;
    args[2].key = (char *)GRPC_ARG_MAX_SEND_MESSAGE_LENGTH;
    args[2].value.integer = 4 * 1024 * 1024;
    grpc_channel_args chargs = {3, args};
    g->cq = grpc_completion_queue_create_for_next(NULL);
    g->server = grpc_server_create(&chargs, NULL);
    grpc_server_register_completion_queue(g->server, g->cq, NULL);
    for (int i = 0; i < NREG; i++) {
        g->reg_method[i] = avskey_grpc_method_find(k_registered[i], strlen(k_registered[i]));
        g->reg[i] = grpc_server_register_method(g->server, k_registered[i], NULL,
                                                GRPC_SRM_PAYLOAD_READ_INITIAL_BYTE_BUFFER, 0);
    }
    if (!open_port(g, bound_port)) {
        destroy(g);
        return NULL;
    }
    grpc_server_start(g->server);
    for (int i = 0; i < CALLS_AHEAD; i++) {
        arm(g, -1);
        for (int r = 0; r < NREG; r++) arm(g, r);
    }
    unsigned want = cfg->threads < 1 ? 1 : cfg->threads > MAX_THREADS ? MAX_THREADS : cfg->threads;
    for (; g->nthreads < want; g->nthreads++)
        if (pthread_create(&g->threads[g->nthreads], NULL, worker, g) != 0) break;
    if (g->nthreads == 0) {
        avskey_fail(AVSKEY_ERR_NOMEM, "cannot start gRPC threads");
        grpc_server_shutdown_and_notify(g->server, g->cq, &g->t_shutdown);
        grpc_server_cancel_all_calls(g->server);
        while (grpc_completion_queue_next(g->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL).tag != &g->t_shutdown) {
        }
        destroy(g);
        return NULL;
    }
    return g;
}

void avskey_grpc_quiesce(avskey_grpc *g)
{
    pthread_mutex_lock(&g->mu);
    int already = g->quiescing;
    g->quiescing = 1;
    pthread_mutex_unlock(&g->mu);
    if (!already) grpc_server_shutdown_and_notify(g->server, g->cq, &g->t_shutdown);
}

void avskey_grpc_stop(avskey_grpc *g, double grace_s)
{
    avskey_grpc_quiesce(g);
    gpr_timespec until = gpr_time_add(gpr_now(GPR_CLOCK_REALTIME),
                                      gpr_time_from_millis((int64_t)(grace_s * 1e3), GPR_TIMESPAN));
    struct timespec ts = {(time_t)until.tv_sec, until.tv_nsec};
    pthread_mutex_lock(&g->mu);
    while (!g->shut_down)
        if (pthread_cond_timedwait(&g->cv, &g->mu, &ts) != 0) break;
    int done = g->shut_down;
    pthread_mutex_unlock(&g->mu);
    if (!done) {
        avskey_log("warn", "gRPC calls still running after the grace period: cancelling them",
                   "\"event\":\"grpc_cancel_all\"");
        grpc_server_cancel_all_calls(g->server);
        pthread_mutex_lock(&g->mu);
        while (!g->shut_down) pthread_cond_wait(&g->cv, &g->mu);
        pthread_mutex_unlock(&g->mu);
    }
    destroy(g);
}
