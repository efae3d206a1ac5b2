/* A key named on the command line: NAME --key-type T or --key-path PATH. */
#ifndef AVSKEY_CLI_KEYREF_H
#define AVSKEY_CLI_KEYREF_H

#include "cli.h"

#include "avskey/keystore.h"

#include <limits.h>

typedef struct avskey_keyref {
    char path[PATH_MAX];
    char name[256];
    avskey_key_type type;   /* from --key-type, then from the file */
    avskey_keyfile kf;      /* after avskey_keyref_load */
} avskey_keyref;

/* Options every key verb takes. */
#define AVSKEY_KEYREF_OPTS "--key-type=", "--key-path=", "--keystore-dir="

/* Fills ref->path/name/type from the arguments (no file access). */
avskey_err avskey_keyref_resolve(avskey_keyref *ref, const avskey_args *a, int need_operand_name);
/* Reads and parses ref->path; checks --key-type against the file. */
avskey_err avskey_keyref_load(avskey_keyref *ref, int strict_perms);
/* Reads the passphrase (sources from a) and decrypts. Out: *sk (secmem,
 * 32 bytes; caller frees with avskey_secmem_free). */
avskey_err avskey_keyref_unlock(avskey_keyref *ref, const avskey_args *a, uint8_t **sk);

/* Key/value output shared by list, show, create and import. */
#define AVSKEY_MAX_FIELDS 12
typedef struct avskey_field {
    const char *key;
    char value[300];
    int is_null;
} avskey_field;
typedef struct avskey_fields {
    avskey_field f[AVSKEY_MAX_FIELDS];
    int n;
} avskey_fields;
void avskey_fields_add(avskey_fields *fs, const char *key, const char *value);
/* BLS public data (src/cli/keys_bls.c). sk may be NULL. */
avskey_err avskey_bls_fields(avskey_fields *fs, const avskey_keyref *ref, const uint8_t *sk);

/* BLS key helpers (src/cli/keys_bls.c). */
avskey_err avskey_cli_bls_pubkey_text(char *out, size_t cap, const uint8_t sk[32]);
int avskey_cli_bls_sk_valid(const uint8_t sk[32]);
int avskey_cli_bls_sk_from_text(uint8_t sk[32], const char *text);

/* Prints a key's public data (interface.md section 4: list/show), as one
 * JSON object (json != 0) or as text. With sk (after --verify) also the
 * values derived from the secret. */
avskey_err avskey_keyinfo_print(FILE *f, const avskey_keyref *ref, const uint8_t *sk, int json);

#endif
