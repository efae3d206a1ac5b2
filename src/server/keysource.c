/* Key sources for the daemon: keystore folder and key-config files. */
#include "keysource.h"

#include "avskey/bls.h"
#include "avskey/secmem.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void add_error(avskey_keyring *ring, const char *source, const char *msg)
{
    avskey_load_error *e = realloc(ring->errors, (ring->nerrors + 1) * sizeof *e);
    if (!e) return;
    ring->errors = e;
    snprintf(e[ring->nerrors].source, sizeof e->source, "%s", source);
    snprintf(e[ring->nerrors].message, sizeof e->message, "%s", msg);
    e[ring->nerrors].from_config = 0;
    ring->nerrors++;
}

static int stat_into(avskey_keysource *j)
{
    struct stat st;
    if (stat(j->path, &st) != 0) return 0;
    j->mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    j->size = (long long)st.st_size;
    j->ino = (long long)st.st_ino;
    return 1;
}

/* Adds one keystore-folder file as a job. */
static int add_dir_job(avskey_keysource *j, const char *dir, const char *file, const avskey_keyring_config *cfg)
{
    memset(j, 0, sizeof *j);
    if (snprintf(j->path, sizeof j->path, "%.2000s/%.255s", dir, file) < 0) return 0;
    size_t n = strlen(file) - strlen(".json");
    size_t suffix = strlen(avskey_key_type_of_path(file) == AVSKEY_KEY_BLS ? ".bls.key.json" : ".ecdsa.key.json");
    snprintf(j->name, sizeof j->name, "%.*s", (int)(strlen(file) - suffix), file);
    j->reusable = 1;
    j->password = cfg->password;
    if (!cfg->password && cfg->password_dir)
        snprintf(j->password_file, sizeof j->password_file, "%.2000s/%.*s.txt", cfg->password_dir, (int)n, file);
    return stat_into(j);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(((const avskey_keysource *)a)->path, ((const avskey_keysource *)b)->path);
}

static avskey_err scan_keystore_dir(avskey_keysource **jobs, size_t *n, size_t *cap,
                                    const avskey_keyring_config *cfg, avskey_keyring *ring)
{
    DIR *d = opendir(cfg->keystore_dir);
    if (!d) {
        ring->errors_dir++;
        add_error(ring, cfg->keystore_dir, "cannot open keystore folder");
        return avskey_fail(AVSKEY_ERR_NOTFOUND, "%s: cannot open keystore folder: %s", cfg->keystore_dir,
                           strerror(errno));
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || avskey_key_type_of_path(de->d_name) == AVSKEY_KEY_UNKNOWN) continue;
        if (*n == *cap) {
            avskey_keysource *nj = realloc(*jobs, (*cap = *cap * 2 + 8) * sizeof *nj);
            if (!nj) break;
            *jobs = nj;
        }
        if (add_dir_job(&(*jobs)[*n], cfg->keystore_dir, de->d_name, cfg)) (*n)++;
    }
    closedir(d);
    if (*n > 1) qsort(*jobs, *n, sizeof **jobs, name_cmp);  /* *jobs is NULL for an empty folder */
    return AVSKEY_OK;
}

avskey_err avskey_keysource_scan(avskey_keysource **jobs, size_t *n, const avskey_keyring_config *cfg,
                                 avskey_keyring *ring)
{
    size_t cap = 0;
    *jobs = NULL;
    *n = 0;
    avskey_err e = AVSKEY_OK;
    if (cfg->keystore_dir) e = scan_keystore_dir(jobs, n, &cap, cfg, ring);
    if (!e && cfg->key_config_dir) e = avskey_keysource_scan_config(jobs, n, &cap, cfg, ring);
    if (e) {
        avskey_keysource_free(*jobs, *n);
        *jobs = NULL;
        *n = 0;
    }
    return e;
}

void avskey_keysource_free(avskey_keysource *jobs, size_t n)
{
    for (size_t i = 0; jobs && i < n; i++) avskey_secmem_free(jobs[i].raw_sk);
    free(jobs);
}

avskey_err avskey_keysource_unlock(uint8_t sk[32], avskey_key_type *type, const avskey_keysource *j)
{
    if (j->raw_sk) {
        memcpy(sk, j->raw_sk, 32);
        *type = j->raw_type;
        return AVSKEY_OK;
    }
    avskey_keyfile kf;
    avskey_err e = avskey_keyfile_load(&kf, j->path, 1);
    if (e) return e;
    avskey_pw own = {NULL, 0};
    const avskey_pw *pw = j->password;
    if (!pw) {
        avskey_pw_source src = {AVSKEY_PW_FILE, j->password_file, NULL, NULL, NULL};
        if (!j->password_file[0])
            return avskey_fail(AVSKEY_ERR_USAGE, "%s: no passphrase source for this key", j->path);
        if ((e = avskey_passphrase_read(&own, &src, NULL, 0))) return e;
        pw = &own;
    }
    e = avskey_keyfile_decrypt(sk, &kf, pw, j->path);
    avskey_passphrase_free(&own);
    if (!e) e = avskey_keyfile_check_key(&kf, sk, j->path);
    *type = kf.type;
    return e;
}

avskey_err avskey_keysource_fill_bls(avskey_key *k)
{
    avskey_bls_sk s;
    avskey_bn254_g1 pk1;
    avskey_bn254_g2 pk2;
    uint8_t c1[32], c2[64];
    if (!avskey_bls_sk_from_bytes(&s, k->sk))
        return avskey_fail(AVSKEY_ERR_CRYPTO, "%s: not a valid BN254 secret key", k->path);
    avskey_bls_pubkeys(&pk1, &pk2, &s);
    AVSKEY_WIPE(s);
    avskey_bn254_g1_to_xy(k->g1, &pk1);
    avskey_bn254_g1_compress(c1, &pk1);
    avskey_hex_encode(k->id_g1, c1, 32);
    avskey_bn254_g2_to_raw(k->g2, &pk2);
    avskey_bn254_g2_compress(c2, &pk2);
    avskey_hex_encode(k->id_g2, c2, 64);
    return AVSKEY_OK;
}
