/* Web3Signer key-config sources (--key-config-path): file-keystore and
 * file-raw documents become load jobs; bad documents are counted. */
#include "keyconfig.h"
#include "keysource.h"

#include "avskey/secmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void on_error(void *ctx, const char *msg)
{
    avskey_keyring *ring = ctx;
    avskey_load_error *e = realloc(ring->errors, (ring->nerrors + 1) * sizeof *e);
    if (!e) return;
    ring->errors = e;
    snprintf(e[ring->nerrors].source, sizeof e->source, "key-config");
    snprintf(e[ring->nerrors].message, sizeof e->message, "%s", msg);
    e[ring->nerrors].from_config = 1;
    ring->nerrors++;
}

static void fill_job(avskey_keysource *j, avskey_keyconfig_entry *e)
{
    struct stat st;
    memset(j, 0, sizeof *j);
    j->from_config = 1;
    if (e->kind == 2) {  /* file-raw: the key itself, from the YAML file */
        snprintf(j->path, sizeof j->path, "%s", e->source);
        snprintf(j->name, sizeof j->name, "%.200s#%d", e->source, e->doc_index);
        j->raw_sk = e->raw_sk;
        e->raw_sk = NULL;
        j->raw_type = e->key_type == 2 ? AVSKEY_KEY_BLS : AVSKEY_KEY_ECDSA;
        return;
    }
    snprintf(j->path, sizeof j->path, "%s", e->keystore_file);
    const char *base = strrchr(e->keystore_file, '/');
    snprintf(j->name, sizeof j->name, "%.255s", base ? base + 1 : e->keystore_file);
    snprintf(j->password_file, sizeof j->password_file, "%s", e->password_file);
    if (stat(j->path, &st) == 0) {
        j->mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
        j->size = (long long)st.st_size;
        j->ino = (long long)st.st_ino;
        j->reusable = 1;
    }
}

avskey_err avskey_keysource_scan_config(avskey_keysource **jobs, size_t *n, size_t *cap,
                                        const avskey_keyring_config *cfg, avskey_keyring *ring)
{
    avskey_keyconfig_entry *entries = NULL;
    size_t count = 0, errors = 0;
    avskey_err e = avskey_keyconfig_load_dir(cfg->key_config_dir, &entries, &count, &errors, on_error, ring);
    ring->errors_config += errors;
    if (e) {
        on_error(ring, avskey_errmsg());
        ring->errors_config++;
        return AVSKEY_OK;  /* reported in /healthcheck; other sources still load */
    }
    if (*n + count > *cap) {
        avskey_keysource *nj = realloc(*jobs, (*n + count + 1) * sizeof *nj);
        if (!nj) {
            avskey_keyconfig_free(entries, count);
            return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
        }
        *jobs = nj;
        *cap = *n + count + 1;
    }
    for (size_t i = 0; i < count; i++) fill_job(&(*jobs)[(*n)++], &entries[i]);
    avskey_keyconfig_free(entries, count);
    return AVSKEY_OK;
}
