/* Parallel key unlocking and the reference-counted current keyring. */
#include "keyring.h"

#include "avskey/ecdsa.h"
#include "avskey/secmem.h"
#include "keysource.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- identifiers ------------------------------------------------------- */

static const avskey_key *find(const avskey_keyring *r, const char *id, size_t bytes, int which)
{
    char norm[260];
    if (!r || !avskey_id_normalize(norm, sizeof norm, id, bytes)) return NULL;
    for (size_t i = 0; i < r->n; i++) {
        const avskey_key *k = &r->keys[i];
        const char *have = which == 0 ? k->id_addr + 2 : which == 1 ? k->id_pub + 2 : k->id_g1;
        if (k->type == (which == 2 ? AVSKEY_KEY_BLS : AVSKEY_KEY_ECDSA) && strcmp(have, norm) == 0) return k;
    }
    return NULL;
}

const avskey_key *avskey_keyring_by_address(const avskey_keyring *r, const char *a) { return find(r, a, 20, 0); }
const avskey_key *avskey_keyring_by_pubkey(const avskey_keyring *r, const char *p) { return find(r, p, 64, 1); }
const avskey_key *avskey_keyring_by_g1(const avskey_keyring *r, const char *g) { return find(r, g, 32, 2); }

/* ---- one key ----------------------------------------------------------- */

static avskey_err fill_public(avskey_key *k)
{
    if (k->type == AVSKEY_KEY_BLS) return avskey_keysource_fill_bls(k);
    if (!avskey_ecdsa_pubkey(k->pub, k->sk))
        return avskey_fail(AVSKEY_ERR_CRYPTO, "%s: not a valid secp256k1 key", k->path);
    avskey_ecdsa_address_var(k->address, k->pub);
    memcpy(k->id_pub, "0x", 2);
    avskey_hex_encode(k->id_pub + 2, k->pub, 64);
    memcpy(k->id_addr, "0x", 2);
    avskey_hex_encode(k->id_addr + 2, k->address, 20);
    return AVSKEY_OK;
}

/* Decrypts job j into k. */
static avskey_err unlock_one(avskey_key *k, const avskey_keysource *j)
{
    memset(k, 0, sizeof *k);
    snprintf(k->path, sizeof k->path, "%s", j->path);
    snprintf(k->name, sizeof k->name, "%s", j->name);
    k->st.mtime_ns = j->mtime_ns;
    k->st.size = j->size;
    k->st.ino = j->ino;
    k->sk = avskey_secmem_alloc(32);
    if (!k->sk) return avskey_fail(AVSKEY_ERR_NOMEM, "out of secure memory");
    avskey_err e = avskey_keysource_unlock(k->sk, &k->type, j);
    if (!e) e = fill_public(k);
    if (e) {
        avskey_secmem_free(k->sk);
        k->sk = NULL;
    }
    return e;
}

/* Reuses prev's key when its file is unchanged (same path, mtime, size, inode). */
static int borrow(avskey_key *k, const avskey_keyring *prev, const avskey_keysource *j)
{
    for (size_t i = 0; prev && j->reusable && i < prev->n; i++) {
        const avskey_key *p = &prev->keys[i];
        if (strcmp(p->path, j->path) != 0 || p->st.mtime_ns != j->mtime_ns || p->st.size != j->size ||
            p->st.ino != j->ino)
            continue;
        *k = *p;
        k->sk = avskey_secmem_alloc(32);
        if (!k->sk) return 0;
        memcpy(k->sk, p->sk, 32);
        return 1;
    }
    return 0;
}

/* ---- parallel unlocking ------------------------------------------------ */

typedef struct pool {
    pthread_mutex_t mu;
    avskey_keysource *jobs;
    size_t njobs, next, done;
    avskey_key *keys;
    avskey_err *status;
    char (*messages)[512];
    const avskey_keyring *prev;
    int progress;
} pool;

static void *worker(void *arg)
{
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        size_t i = p->next < p->njobs ? p->next++ : p->njobs;
        pthread_mutex_unlock(&p->mu);
        if (i == p->njobs) return NULL;
        avskey_err e = AVSKEY_OK;
        if (!borrow(&p->keys[i], p->prev, &p->jobs[i])) e = unlock_one(&p->keys[i], &p->jobs[i]);
        if (e) snprintf(p->messages[i], sizeof p->messages[i], "%s", avskey_errmsg());
        p->status[i] = e;
        pthread_mutex_lock(&p->mu);
        p->done++;
        if (p->progress) fprintf(stderr, "\runlocking keys: %zu/%zu", p->done, p->njobs);
        pthread_mutex_unlock(&p->mu);
    }
}

/* Workers: at most the cores, and at most what memory allows (scrypt
 * n=2^18, r=8 needs 256 MiB each). */
static size_t worker_count(size_t njobs)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    long pages = sysconf(_SC_AVPHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    size_t by_mem = (pages > 0 && psize > 0) ? (size_t)((double)pages * (double)psize / (300.0 * 1048576.0)) : 1;
    size_t n = cores > 0 ? (size_t)cores : 1;
    if (by_mem < n) n = by_mem;
    if (n > njobs) n = njobs;
    return n ? n : 1;
}

static void run_pool(pool *p)
{
    size_t nw = worker_count(p->njobs);
    pthread_t tids[64];
    if (nw > 64) nw = 64;
    size_t started = 0;
    for (; started < nw; started++)
        if (pthread_create(&tids[started], NULL, worker, p) != 0) break;
    if (started == 0) worker(p);
    for (size_t i = 0; i < started; i++) pthread_join(tids[i], NULL);
    if (p->progress && p->njobs) fputc('\n', stderr);
}

static double mono_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Moves the results of p into ring: good keys, and errors by source. */
static avskey_err collect(avskey_keyring *ring, pool *p)
{
    ring->keys = calloc(p->njobs ? p->njobs : 1, sizeof *ring->keys);
    avskey_load_error *errs = realloc(ring->errors, (ring->nerrors + p->njobs + 1) * sizeof *errs);
    if (!ring->keys || !errs) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
    ring->errors = errs;
    for (size_t i = 0; i < p->njobs; i++) {
        int from_config = p->jobs[i].from_config;
        if (p->status[i] == AVSKEY_OK) {
            ring->keys[ring->n++] = p->keys[i];
            if (from_config) ring->loaded_config++;
            else ring->loaded_dir++;
            continue;
        }
        avskey_load_error *le = &ring->errors[ring->nerrors++];
        snprintf(le->source, sizeof le->source, "%s", p->jobs[i].path);
        snprintf(le->message, sizeof le->message, "%s", p->messages[i]);
        le->from_config = from_config;
        if (from_config) ring->errors_config++;
        else ring->errors_dir++;
    }
    return AVSKEY_OK;
}

avskey_err avskey_keyring_load(avskey_keyring **out, const avskey_keyring_config *cfg, const avskey_keyring *prev)
{
    double t0 = mono_seconds();
    avskey_keyring *ring = calloc(1, sizeof *ring);
    avskey_keysource *jobs = NULL;
    size_t njobs = 0;
    if (!ring) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
    avskey_err e = avskey_keysource_scan(&jobs, &njobs, cfg, ring);
    if (e) {
        avskey_keyring_free(ring);
        return e;
    }
    pool p = {.jobs = jobs, .njobs = njobs, .prev = prev, .progress = cfg->progress};
    pthread_mutex_init(&p.mu, NULL);
    p.keys = calloc(njobs + 1, sizeof *p.keys);
    p.status = calloc(njobs + 1, sizeof *p.status);
    p.messages = calloc(njobs + 1, sizeof *p.messages);
    if (!p.keys || !p.status || !p.messages) e = avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
    if (!e) run_pool(&p);
    if (!e) e = collect(ring, &p);
    pthread_mutex_destroy(&p.mu);
    avskey_keysource_free(jobs, njobs);
    free(p.keys);
    free(p.status);
    free(p.messages);
    if (e) {
        avskey_keyring_free(ring);
        return e;
    }
    ring->unlock_seconds = mono_seconds() - t0;
    *out = ring;
    return AVSKEY_OK;
}

void avskey_keyring_free(avskey_keyring *ring)
{
    if (!ring) return;
    for (size_t i = 0; i < ring->n; i++) avskey_secmem_free(ring->keys[i].sk);
    free(ring->keys);
    free(ring->errors);
    free(ring);
}

/* ---- the current ring -------------------------------------------------- */

static pthread_mutex_t g_ring_mu = PTHREAD_MUTEX_INITIALIZER;
static avskey_keyring *g_ring;

void avskey_keyring_install(avskey_keyring *ring)
{
    pthread_mutex_lock(&g_ring_mu);
    avskey_keyring *old = g_ring;
    if (ring) ring->refs++;
    g_ring = ring;
    pthread_mutex_unlock(&g_ring_mu);
    avskey_keyring_release(old);
}

avskey_keyring *avskey_keyring_acquire(void)
{
    pthread_mutex_lock(&g_ring_mu);
    avskey_keyring *r = g_ring;
    if (r) r->refs++;
    pthread_mutex_unlock(&g_ring_mu);
    return r;
}

void avskey_keyring_release(avskey_keyring *ring)
{
    if (!ring) return;
    pthread_mutex_lock(&g_ring_mu);
    int last = --ring->refs == 0;
    pthread_mutex_unlock(&g_ring_mu);
    if (last) avskey_keyring_free(ring);
}
