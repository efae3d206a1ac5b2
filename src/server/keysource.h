/* Where the daemon's keys come from: the keystore folder (one passphrase or
 * a password folder) and Web3Signer key-config files. */
#ifndef AVSKEY_SERVER_KEYSOURCE_H
#define AVSKEY_SERVER_KEYSOURCE_H

#include "keyring.h"

typedef struct avskey_keysource {
    char path[PATH_MAX];          /* key file (or the YAML file for file-raw) */
    char name[256];
    int from_config;              /* 1: from --key-config-path */
    int reusable;                 /* 1: an unchanged file may reuse the old key */
    long long mtime_ns, size, ino;
    const avskey_pw *password;    /* shared passphrase, or NULL */
    char password_file[PATH_MAX]; /* per-key passphrase file, or "" */
    uint8_t *raw_sk;              /* file-raw: secmem 32 bytes, else NULL */
    avskey_key_type raw_type;
} avskey_keysource;

/* Lists the keys to load. Folder-level failures are recorded in ring->errors. */
avskey_err avskey_keysource_scan(avskey_keysource **jobs, size_t *n, const avskey_keyring_config *cfg,
                                 avskey_keyring *ring);
void avskey_keysource_free(avskey_keysource *jobs, size_t n);

/* Decrypts one source. Out: sk (32 bytes), *type. */
avskey_err avskey_keysource_unlock(uint8_t sk[32], avskey_key_type *type, const avskey_keysource *j);

/* Adds the keys of --key-config-path (src/server/keysource_config.c). */
avskey_err avskey_keysource_scan_config(avskey_keysource **jobs, size_t *n, size_t *cap,
                                        const avskey_keyring_config *cfg, avskey_keyring *ring);

/* Fills a BLS key's public forms from k->sk. */
avskey_err avskey_keysource_fill_bls(avskey_key *k);

#endif
