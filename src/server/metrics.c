/* Global Prometheus registry (mutex-protected fixed tables). */
#include "server/metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LBL 129   /* 128 bytes + NUL */
#define NB 15     /* buckets including +Inf */

static const double bucket_le[NB - 1] = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                          0.01,    0.025,  0.05,    0.1,    0.25,  0.5,   1};
static const char *const bucket_txt[NB] = {"5e-05", "0.0001", "0.00025", "0.0005", "0.001",
                                           "0.0025", "0.005", "0.01", "0.025", "0.05",
                                           "0.1", "0.25", "0.5", "1", "+Inf"};

typedef struct series {
    char l[2][LBL];          /* up to two label values */
    uint64_t count;          /* counters; histogram count */
    long gauge;
    double sum;
    uint64_t bucket[NB];     /* cumulative at render time; per-bucket here */
} series;

typedef struct family {
    const char *name, *help, *type;
    const char *lname[2];
    int nlabels;
    series s[AVSKEY_METRICS_MAX_SERIES];
    size_t n;
} family;

enum { F_REQ, F_REFUSAL, F_AUTH, F_LOADED, NFIXED };

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static family fixed[NFIXED] = {
    {.name = "http_requests_total", .help = "HTTP requests by endpoint and status code.",
     .type = "counter", .lname = {"endpoint", "status"}, .nlabels = 2},
    {.name = "signing_refusals_total", .help = "Signing requests refused, by reason.",
     .type = "counter", .lname = {"reason", NULL}, .nlabels = 1},
    {.name = "auth_failures_total", .help = "Failed client authentications, by kind.",
     .type = "counter", .lname = {"kind", NULL}, .nlabels = 1},
    {.name = "signing_signers_loaded_count", .help = "Keys loaded, by type.",
     .type = "gauge", .lname = {"type", NULL}, .nlabels = 1},
};
static struct {
    char scheme[33];
    char name[96];
    family f;
} hist[AVSKEY_METRICS_MAX_SCHEMES];
static size_t nhist;
static int unlock_set;
static double unlock_s;

static void copy_label(char dst[LBL], const char *src)
{
    snprintf(dst, LBL, "%s", src ? src : "");
}

/* Returns: the series for the label values (creating it, or the "other"
 * series when the family is full). Called with mu held. */
static series *find(family *f, const char *a, const char *b)
{
    char la[LBL], lb[LBL];
    copy_label(la, a);
    copy_label(lb, f->nlabels > 1 ? b : "");
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->s[i].l[0], la) == 0 && strcmp(f->s[i].l[1], lb) == 0) return &f->s[i];
    if (f->n >= AVSKEY_METRICS_MAX_SERIES - 1) {
        copy_label(la, "other");
        copy_label(lb, f->nlabels > 1 ? "other" : "");
        for (size_t i = 0; i < f->n; i++)
            if (strcmp(f->s[i].l[0], la) == 0 && strcmp(f->s[i].l[1], lb) == 0) return &f->s[i];
    }
    series *s = &f->s[f->n++];
    memset(s, 0, sizeof *s);
    memcpy(s->l[0], la, LBL);
    memcpy(s->l[1], lb, LBL);
    return s;
}

void avskey_metrics_request(const char *endpoint, int http_status)
{
    char st[16];
    if (http_status >= 100 && http_status <= 999) {
        st[0] = (char)('0' + http_status / 100);
        st[1] = (char)('0' + http_status / 10 % 10);
        st[2] = (char)('0' + http_status % 10);
        st[3] = '\0';
    } else {
        snprintf(st, sizeof st, "%d", http_status);
    }
    pthread_mutex_lock(&mu);
    find(&fixed[F_REQ], endpoint, st)->count++;
    pthread_mutex_unlock(&mu);
}

void avskey_metrics_refusal(const char *reason)
{
    pthread_mutex_lock(&mu);
    find(&fixed[F_REFUSAL], reason, NULL)->count++;
    pthread_mutex_unlock(&mu);
}

void avskey_metrics_auth_failure(const char *kind)
{
    pthread_mutex_lock(&mu);
    find(&fixed[F_AUTH], kind, NULL)->count++;
    pthread_mutex_unlock(&mu);
}

void avskey_metrics_keys_loaded(const char *type, long n)
{
    pthread_mutex_lock(&mu);
    find(&fixed[F_LOADED], type, NULL)->gauge = n;
    pthread_mutex_unlock(&mu);
}

void avskey_metrics_unlock_seconds(double s)
{
    pthread_mutex_lock(&mu);
    unlock_set = 1;
    unlock_s = s;
    pthread_mutex_unlock(&mu);
}

static int scheme_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n >= 1 && n <= 32 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static family *hist_family(const char *scheme)
{
    if (!scheme_ok(scheme)) scheme = "other";
    for (size_t i = 0; i < nhist; i++)
        if (strcmp(hist[i].scheme, scheme) == 0) return &hist[i].f;
    if (nhist == AVSKEY_METRICS_MAX_SCHEMES) {
        if (strcmp(scheme, "other") != 0) return hist_family("other");
        return &hist[nhist - 1].f;   /* full and no "other": fold into the last */
    }
    if (nhist == AVSKEY_METRICS_MAX_SCHEMES - 1 && strcmp(scheme, "other") != 0) scheme = "other";
    for (size_t i = 0; i < nhist; i++)
        if (strcmp(hist[i].scheme, scheme) == 0) return &hist[i].f;
    size_t i = nhist++;
    snprintf(hist[i].scheme, sizeof hist[i].scheme, "%s", scheme);
    snprintf(hist[i].name, sizeof hist[i].name, "signing_%s_signing_duration_seconds", scheme);
    family *f = &hist[i].f;
    f->name = hist[i].name;
    f->help = "Time taken to sign, by method and outcome.";
    f->type = "histogram";
    f->lname[0] = "method";
    f->lname[1] = "status";
    f->nlabels = 2;
    f->n = 0;
    return f;
}

void avskey_metrics_signing(const char *scheme, const char *method, const char *status, double seconds)
{
    if (!(seconds >= 0)) seconds = 0;   /* negative or NaN */
    pthread_mutex_lock(&mu);
    series *s = find(hist_family(scheme), method, status);
    size_t b = 0;
    while (b < NB - 1 && seconds > bucket_le[b]) b++;
    s->bucket[b]++;
    s->count++;
    s->sum += seconds;
    pthread_mutex_unlock(&mu);
}

void avskey_metrics_reset(void)
{
    pthread_mutex_lock(&mu);
    for (int i = 0; i < NFIXED; i++) fixed[i].n = 0;
    nhist = 0;
    unlock_set = 0;
    unlock_s = 0;
    pthread_mutex_unlock(&mu);
}

/* ---- rendering -------------------------------------------------------- */

typedef struct out { char *p; size_t len, cap; int oom; } out;

static void put(out *o, const char *s, size_t n)
{
    if (o->oom) return;
    if (o->len + n + 1 > o->cap) {
        size_t cap = (o->len + n + 1) * 2 + 1024;
        char *q = realloc(o->p, cap);
        if (!q) { o->oom = 1; return; }
        o->p = q;
        o->cap = cap;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}
static void puts_(out *o, const char *s) { put(o, s, strlen(s)); }

static void put_label_value(out *o, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\') puts_(o, "\\\\");
        else if (*v == '"') puts_(o, "\\\"");
        else if (*v == '\n') puts_(o, "\\n");
        else put(o, v, 1);
    }
}

/* Shortest %g that reads back as v (Go's strconv 'g', -1 spirit). */
static void put_double(out *o, double v)
{
    char b[40];
    if (isnan(v)) { puts_(o, "NaN"); return; }
    if (isinf(v)) { puts_(o, v > 0 ? "+Inf" : "-Inf"); return; }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(b, sizeof b, "%.*g", prec, v);
        if (strtod(b, NULL) == v) break;
    }
    puts_(o, b);
}

static void put_u64(out *o, uint64_t v)
{
    char b[24];
    snprintf(b, sizeof b, "%llu", (unsigned long long)v);
    puts_(o, b);
}

static void put_labels(out *o, const family *f, const series *s, const char *le)
{
    if (f->nlabels == 0 && !le) return;
    puts_(o, "{");
    for (int i = 0; i < f->nlabels; i++) {
        if (i) puts_(o, ",");
        puts_(o, f->lname[i]);
        puts_(o, "=\"");
        put_label_value(o, s->l[i]);
        puts_(o, "\"");
    }
    if (le) {
        if (f->nlabels) puts_(o, ",");
        puts_(o, "le=\"");
        puts_(o, le);
        puts_(o, "\"");
    }
    puts_(o, "}");
}

static void header(out *o, const char *name, const char *help, const char *type)
{
    puts_(o, "# HELP ");
    puts_(o, name);
    puts_(o, " ");
    puts_(o, help);
    puts_(o, "\n# TYPE ");
    puts_(o, name);
    puts_(o, " ");
    puts_(o, type);
    puts_(o, "\n");
}

static int cmp_series(const void *x, const void *y)
{
    const series *a = *(const series *const *)x, *b = *(const series *const *)y;
    int c = strcmp(a->l[0], b->l[0]);
    return c ? c : strcmp(a->l[1], b->l[1]);
}

static void render_family(out *o, const family *f)
{
    if (f->n == 0) return;
    const series *ord[AVSKEY_METRICS_MAX_SERIES];
    for (size_t i = 0; i < f->n; i++) ord[i] = &f->s[i];
    qsort(ord, f->n, sizeof ord[0], cmp_series);
    header(o, f->name, f->help, f->type);
    int hist_ = strcmp(f->type, "histogram") == 0, gauge = strcmp(f->type, "gauge") == 0;
    for (size_t i = 0; i < f->n; i++) {
        const series *s = ord[i];
        if (!hist_) {
            puts_(o, f->name);
            put_labels(o, f, s, NULL);
            puts_(o, " ");
            if (gauge) {
                char b[24];
                snprintf(b, sizeof b, "%ld", s->gauge);
                puts_(o, b);
            } else put_u64(o, s->count);
            puts_(o, "\n");
            continue;
        }
        uint64_t cum = 0;
        for (int b = 0; b < NB; b++) {
            cum += s->bucket[b];
            puts_(o, f->name);
            puts_(o, "_bucket");   /* name_bucket{...} */
            put_labels(o, f, s, bucket_txt[b]);
            puts_(o, " ");
            put_u64(o, cum);
            puts_(o, "\n");
        }
        puts_(o, f->name);
        puts_(o, "_sum");
        put_labels(o, f, s, NULL);
        puts_(o, " ");
        put_double(o, s->sum);
        puts_(o, "\n");
        puts_(o, f->name);
        puts_(o, "_count");
        put_labels(o, f, s, NULL);
        puts_(o, " ");
        put_u64(o, s->count);
        puts_(o, "\n");
    }
}

static int cmp_hist(const void *x, const void *y)
{
    return strcmp((*(const family *const *)x)->name, (*(const family *const *)y)->name);
}

char *avskey_metrics_render(size_t *len)
{
    out o = {0};
    put(&o, "", 0);
    pthread_mutex_lock(&mu);
    render_family(&o, &fixed[F_REQ]);
    const family *h[AVSKEY_METRICS_MAX_SCHEMES];
    for (size_t i = 0; i < nhist; i++) h[i] = &hist[i].f;
    qsort(h, nhist, sizeof h[0], cmp_hist);
    for (size_t i = 0; i < nhist; i++) render_family(&o, h[i]);
    render_family(&o, &fixed[F_REFUSAL]);
    render_family(&o, &fixed[F_AUTH]);
    render_family(&o, &fixed[F_LOADED]);
    if (unlock_set) {
        header(&o, "signing_keys_unlock_seconds", "Seconds taken to unlock every key at start-up.", "gauge");
        puts_(&o, "signing_keys_unlock_seconds ");
        put_double(&o, unlock_s);
        puts_(&o, "\n");
    }
    pthread_mutex_unlock(&mu);
    if (o.oom) { free(o.p); return NULL; }
    *len = o.len;
    return o.p;
}
