/* The daemon's unlocked keys: loaded in parallel, swapped atomically on
 * reload, reference-counted so in-flight requests keep their snapshot. */
#ifndef AVSKEY_SERVER_KEYRING_H
#define AVSKEY_SERVER_KEYRING_H

#include "avskey/keystore.h"
#include "avskey/passphrase.h"

#include <limits.h>

typedef struct avskey_key {
    avskey_key_type type;
    char name[256];
    char path[PATH_MAX];
    uint8_t *sk;             /* secmem, 32 bytes */
    /* ECDSA */
    uint8_t address[20];
    uint8_t pub[64];
    char id_pub[131];        /* "0x" + 128 lowercase hex: Web3Signer's identifier */
    char id_addr[43];        /* "0x" + 40 lowercase hex */
    /* BLS */
    uint8_t g1[64];          /* X||Y */
    char id_g1[65];          /* gnark-compressed G1, lowercase hex, no 0x */
    uint8_t g2[128];
    char id_g2[129];
    struct stat_sig {        /* to skip re-decrypting an unchanged file on reload */
        long long mtime_ns, size, ino;
    } st;
} avskey_key;

typedef struct avskey_load_error {
    char source[PATH_MAX];   /* file (and document) that failed */
    char message[512];       /* secret-free */
    int from_config;         /* 1: --key-config-path, 0: --keystore-dir */
} avskey_load_error;

typedef struct avskey_keyring {
    avskey_key *keys;
    size_t n;
    avskey_load_error *errors;
    size_t nerrors;
    size_t loaded_dir, errors_dir;         /* --keystore-dir (v3-keystores-bulk-loading) */
    size_t loaded_config, errors_config;   /* --key-config-path (config-files-loading) */
    double unlock_seconds;
    int refs;                               /* guarded by the keyring lock */
} avskey_keyring;

typedef struct avskey_keyring_config {
    const char *keystore_dir;      /* NULL: none */
    const char *password_dir;      /* per-key DIR/<file without .json>.txt */
    const avskey_pw *password;     /* one passphrase for every key, or NULL */
    const char *key_config_dir;    /* Web3Signer key-config YAML, or NULL */
    int progress;                  /* 1: progress line on stderr (terminal) */
} avskey_keyring_config;

/* Loads every key. Keys that fail are listed in ring->errors (never a
 * secret). prev (may be NULL) lends keys whose file did not change, so a
 * reload does not run scrypt again. Returns AVSKEY_OK (even with key
 * errors) or AVSKEY_ERR_NOMEM / AVSKEY_ERR_NOTFOUND for the folders. */
avskey_err avskey_keyring_load(avskey_keyring **out, const avskey_keyring_config *cfg,
                               const avskey_keyring *prev);

/* Frees (and wipes) a ring nobody references. */
void avskey_keyring_free(avskey_keyring *ring);

/* The current ring: acquire returns it with a reference; release drops it. */
void avskey_keyring_install(avskey_keyring *ring);   /* releases the previous one */
avskey_keyring *avskey_keyring_acquire(void);
void avskey_keyring_release(avskey_keyring *ring);

/* Lookups (public identifiers, any case, with or without 0x). NULL if none. */
const avskey_key *avskey_keyring_by_address(const avskey_keyring *r, const char *addr);
const avskey_key *avskey_keyring_by_pubkey(const avskey_keyring *r, const char *pub);
const avskey_key *avskey_keyring_by_g1(const avskey_keyring *r, const char *g1);


#endif
