/* Key files: Web3 Secret Storage v3 (ECDSA, go-ethereum / eigenlayer-cli),
 * eigensdk's BLS keystore ({"pubKey": "E([x,y])", "crypto": {...v3...}})
 * and the EIP-2335-layout BN254 keystore Cerberus writes (read only).
 *
 * Parsing is a pure function from bytes to struct (fuzzable); decryption
 * and encryption take the passphrase as raw bytes; file I/O is separate
 * (avskey_keyfile_load / avskey_keydir_*). Errors name the file and field. */
#ifndef AVSKEY_KEYSTORE_H
#define AVSKEY_KEYSTORE_H

#include "avskey/common.h"
#include "avskey/passphrase.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum avskey_key_type {
    AVSKEY_KEY_UNKNOWN = 0,
    AVSKEY_KEY_ECDSA = 1,
    AVSKEY_KEY_BLS = 2
} avskey_key_type;

typedef enum avskey_keyfile_format {
    AVSKEY_FMT_V3 = 1,       /* go-ethereum Web3 Secret Storage v3 (ECDSA) */
    AVSKEY_FMT_EIGEN_BLS,    /* eigensdk-go BLS keystore (pubKey + v3 crypto) */
    AVSKEY_FMT_EIP2335       /* bn254-keystore-go / Cerberus (EIP-2335 layout) */
} avskey_keyfile_format;

typedef enum avskey_kdf { AVSKEY_KDF_SCRYPT = 1, AVSKEY_KDF_PBKDF2 } avskey_kdf;

/* Bounds enforced by the parser (hostile files never choose allocations). */
#define AVSKEY_SCRYPT_MAX_N (1u << 22)
#define AVSKEY_SCRYPT_MAX_RP (1u << 30)
#define AVSKEY_SCRYPT_MAX_MEM ((uint64_t)1 << 32)   /* 128*r*n bytes */
#define AVSKEY_SCRYPT_MAX_WORK ((uint64_t)1 << 25)   /* n*r*p: 16x go-ethereum's standard */
#define AVSKEY_PBKDF2_MAX_C (1u << 24)
#define AVSKEY_KEYFILE_MAX 65536                    /* bytes of JSON */
#define AVSKEY_BLS_PUBTEXT_MAX 200                  /* "E([x,y])" */

/* Default parameters for new files (go-ethereum's StandardScryptN/P). */
#define AVSKEY_SCRYPT_N_DEFAULT 262144u
#define AVSKEY_SCRYPT_R_DEFAULT 8u
#define AVSKEY_SCRYPT_P_DEFAULT 1u

/* The public content of a key file: everything but the passphrase. */
typedef struct avskey_keyfile {
    avskey_keyfile_format format;
    avskey_key_type type;
    avskey_kdf kdf;
    uint64_t n;            /* scrypt N */
    uint32_t r, p;         /* scrypt r, p */
    uint32_t c;            /* pbkdf2 iterations */
    uint32_t dklen;        /* derived key length, 32..64 */
    uint8_t salt[64];
    size_t salt_len;       /* 1..64 */
    uint8_t iv[16];
    uint8_t ciphertext[32];/* always the 32-byte secret */
    uint8_t mac[32];       /* v3: keccak256(dk[16:32]||ct); EIP-2335: sha256 checksum */
    int has_address;
    uint8_t address[20];   /* v3 "address" field, if present */
    char id[37];           /* v3 "id" / EIP-2335 "uuid" (as written, "" if absent) */
    char pubkey[AVSKEY_BLS_PUBTEXT_MAX + 1]; /* BLS: "E([x,y])", EIP-2335: compressed hex */
} avskey_keyfile;

/* Parses a key file's JSON. name is used in error messages only.
 * Field names are matched case-insensitively, as go-ethereum does.
 * Out: *kf. Returns: AVSKEY_OK, or AVSKEY_ERR_MALFORMED naming the field.
 * On error *kf is unspecified. */
AVSKEY_WUR avskey_err avskey_keyfile_parse(avskey_keyfile *kf, const char *json, size_t len,
                                           const char *name);

/* Reads and parses path. Refuses files over AVSKEY_KEYFILE_MAX, folders,
 * and (when strict_perms) files readable by group or others. */
AVSKEY_WUR avskey_err avskey_keyfile_load(avskey_keyfile *kf, const char *path, int strict_perms);

/* Derives the key from pw, checks the MAC in constant time and decrypts.
 * Out: sk (32 bytes; pass secmem). Returns: AVSKEY_OK, AVSKEY_ERR_PASSWORD
 * on a MAC mismatch, AVSKEY_ERR_NOMEM; on error sk is not written. */
AVSKEY_WUR avskey_err avskey_keyfile_decrypt(uint8_t sk[32], const avskey_keyfile *kf,
                                             const avskey_pw *pw, const char *name);

/* Fills kf with a fresh encryption of sk under pw: new random salt, iv and
 * (if kf->id is empty) a UUID v4. The caller sets kf->format, type, address
 * or pubkey, and the KDF (kdf, n, r, p, dklen, or zero for the defaults).
 * Returns: AVSKEY_OK or AVSKEY_ERR_NOMEM / AVSKEY_ERR_IO (no randomness). */
AVSKEY_WUR avskey_err avskey_keyfile_encrypt(avskey_keyfile *kf, const uint8_t sk[32],
                                             const avskey_pw *pw);

/* Serializes kf (V3 or eigensdk BLS) as compact JSON in go-ethereum's
 * field order, no trailing newline. Out: *json (malloc'd, caller frees),
 * *len. Returns: AVSKEY_OK, AVSKEY_ERR_USAGE for EIP-2335, AVSKEY_ERR_NOMEM. */
AVSKEY_WUR avskey_err avskey_keyfile_serialize(char **json, size_t *len, const avskey_keyfile *kf);

/* Checks a decrypted key against the file: a valid secp256k1 key whose
 * address matches "address" (if present), or a valid BN254 scalar whose
 * G1 public key matches "pubKey" / "pubkey". */
AVSKEY_WUR avskey_err avskey_keyfile_check_key(const avskey_keyfile *kf, const uint8_t sk[32], const char *name);

/* The G1 public key a BLS file declares (E([x,y]) or compressed hex).
 * Out: *pk1 (an avskey_bn254_g1). Returns AVSKEY_ERR_MALFORMED if invalid. */
struct avskey_bn254_g1;
AVSKEY_WUR avskey_err avskey_keyfile_bls_pubkey_var(struct avskey_bn254_g1 *pk1, const avskey_keyfile *kf,
                                                    const char *name);

/* ---- Key folders ------------------------------------------------------ */

/* Resolves the keystore folder: dir if non-NULL, else $AVSKEY_KEYSTORE_DIR,
 * else ~/.eigenlayer/operator_keys. Out: out (size cap). */
AVSKEY_WUR avskey_err avskey_keydir_resolve(char *out, size_t cap, const char *dir);

/* Returns: 1 if name matches [A-Za-z0-9._-]{1,64} and does not start with '.'. */
int avskey_key_name_valid(const char *name);

/* Out: path "DIR/NAME.ecdsa.key.json" or ".bls.key.json". */
AVSKEY_WUR avskey_err avskey_key_path(char *out, size_t cap, const char *dir, const char *name,
                                      avskey_key_type type);

/* Creates dir (and parents) with mode 0700 if absent. */
AVSKEY_WUR avskey_err avskey_keydir_ensure(const char *dir);

/* Writes data to path atomically: a temporary file in the same folder,
 * fsync, then link (replace == 0: fails with AVSKEY_ERR_EXISTS if path
 * exists) or rename (replace != 0), then fsync of the folder. The file is
 * mode 0600. On failure no temporary file is left and path is unchanged.
 * A crash midway can leave "PATH.tmp-XXXXXX" (never read as a key file);
 * each write removes such files of its folder older than 15 minutes. */
AVSKEY_WUR avskey_err avskey_file_write_atomic(const char *path, const char *data, size_t len,
                                               int replace);

/* Returns: the key type a file name implies (".ecdsa.key.json" / ".bls.key.json"). */
avskey_key_type avskey_key_type_of_path(const char *path);

#ifdef __cplusplus
}
#endif
#endif
