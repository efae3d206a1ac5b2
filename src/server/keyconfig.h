/* Web3Signer key-config files (`avskey serve --key-config-path DIR`).
 *
 * Rules, after Consensys/web3signer:
 *  - every regular file in DIR (not recursive) whose extension is yaml or
 *    yml in any case, hidden (dot) files skipped
 *    (signing/.../config/SignerLoader.java, validFileExtension);
 *  - several YAML documents per file (`---`), each one signer
 *    (.../metadata/parser/YamlSignerParser.java, readValues); empty
 *    documents are skipped, a file with no document is an error;
 *  - `type` is matched exactly: "file-keystore" with keystoreFile and
 *    keystorePasswordFile (.../metadata/FileKeyStoreMetadata.java), or
 *    "file-raw" with privateKey (.../metadata/FileRawSigningMetadata.java);
 *    Web3Signer's other types (hashicorp, azure-*, aws-*) are reported as
 *    unsupported, any other type as unknown (SigningMetadata.java);
 *  - keyType is SECP256K1 or BLS in any case (YamlMapperFactory.java:
 *    ACCEPT_CASE_INSENSITIVE_ENUMS). Default SECP256K1 (avskey serves eth1;
 *    Web3Signer defaults to BLS, so its eth1 mode ignores such documents);
 *  - unknown fields are ignored (YamlMapperFactory.java disables
 *    FAIL_ON_UNKNOWN_PROPERTIES); a known field given twice is an error;
 *  - relative paths are resolved against DIR, the YAML file's folder
 *    (AbstractArtifactSignerFactory.java: configsDirectory.resolve(path));
 *  - privateKey: 0x optional, exactly 64 hex digits (stricter than
 *    Web3Signer's Bytes32.fromHexString, which left-pads short values).
 * Bounds: files <= 1 MiB, <= 100000 entries. doc_index counts from 1. */
#ifndef AVSKEY_SERVER_KEYCONFIG_H
#define AVSKEY_SERVER_KEYCONFIG_H

#include "avskey/common.h"

#include <limits.h>

#define AVSKEY_KEYCONFIG_MAX_ENTRIES 100000

enum { AVSKEY_KC_FILE_KEYSTORE = 1, AVSKEY_KC_FILE_RAW = 2 };
enum { AVSKEY_KC_SECP256K1 = 1, AVSKEY_KC_BLS = 2 };

typedef struct avskey_keyconfig_entry {
    char source[PATH_MAX];        /* the YAML file */
    int doc_index;                /* 1-based document number in source */
    int kind;                     /* 1 file-keystore, 2 file-raw */
    int key_type;                 /* 1 secp256k1, 2 bls */
    char keystore_file[PATH_MAX]; /* absolute or relative to the process cwd if DIR was */
    char password_file[PATH_MAX];
    uint8_t *raw_sk;              /* secmem 32 bytes for file-raw, else NULL */
} avskey_keyconfig_entry;

typedef void (*avskey_keyconfig_error_fn)(void *ctx, const char *msg);

/* Loads every key-config file in dir. A bad file or document is reported
 * through on_error (may be NULL; the message names the file and document,
 * never a secret), counted in *errors, and skipped; the rest load.
 * Out: *entries (free with avskey_keyconfig_free), *n, *errors.
 * Returns: AVSKEY_OK; AVSKEY_ERR_NOTFOUND / _IO (dir unreadable);
 * AVSKEY_ERR_NOMEM. On error nothing is written. */
AVSKEY_WUR avskey_err avskey_keyconfig_load_dir(const char *dir, avskey_keyconfig_entry **entries,
                                                size_t *n, size_t *errors,
                                                avskey_keyconfig_error_fn on_error, void *ctx);

/* Parses one file's bytes (fuzzable). source names the file in entries and
 * messages; base_dir resolves relative paths. Appends to *entries / *n
 * (which may start as NULL / 0) and adds to *errors.
 * Returns: AVSKEY_OK or AVSKEY_ERR_NOMEM. The input buffer is not wiped
 * (the caller owns it). */
AVSKEY_WUR avskey_err avskey_keyconfig_parse(const char *yaml, size_t len, const char *source,
                                             const char *base_dir, avskey_keyconfig_entry **entries,
                                             size_t *n, size_t *errors,
                                             avskey_keyconfig_error_fn on_error, void *ctx);

/* Wipes and frees n entries (raw keys included). e may be NULL. */
void avskey_keyconfig_free(avskey_keyconfig_entry *e, size_t n);

#endif
