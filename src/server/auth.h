/* Clients of `avskey serve` (--auth-file, interface.md §5).
 *
 * File format (YAML, strict: unknown fields are errors):
 *   clients:
 *     - name: eigenda-node          # unique, 1..128 printable chars
 *       token_sha256: 9f86d0...     # 64 lowercase hex: sha256 of the token
 *       keys: ["0x5a0b...", "a311..."]   # hex identifiers, or ["*"]
 *     - name: ops
 *       cert_cn: node-1             # mutual-TLS certificate CN instead
 *       keys: ["*"]
 *       admin: true                 # default false
 * Exactly one of token_sha256 / cert_cn per client; names, token hashes
 * and CNs are unique. Bounds: file <= 1 MiB, <= 10000 clients, <= 100000
 * key identifiers in all.
 *
 * Tokens made by avskey_auth_add_client are 32 random bytes written as 64
 * lowercase hex characters; any token string works when its sha256 is in
 * the file. A loaded avskey_auth is immutable: lookups are thread-safe. */
#ifndef AVSKEY_SERVER_AUTH_H
#define AVSKEY_SERVER_AUTH_H

#include "avskey/common.h"

#define AVSKEY_AUTH_MAX_CLIENTS 10000
#define AVSKEY_AUTH_MAX_KEYS 100000
#define AVSKEY_AUTH_NAME_MAX 128

typedef struct avskey_auth avskey_auth;
typedef struct avskey_auth_client avskey_auth_client;

/* Loads and checks an auth file. Out: *out (free with avskey_auth_free).
 * Returns: AVSKEY_OK; AVSKEY_ERR_MALFORMED naming the file, the client
 * (index and name) and the field; AVSKEY_ERR_NOTFOUND / _IO / _NOMEM. */
AVSKEY_WUR avskey_err avskey_auth_load(avskey_auth **out, const char *path);

/* The same from bytes (fuzzable); name is used in messages only. */
AVSKEY_WUR avskey_err avskey_auth_parse(avskey_auth **out, const char *yaml, size_t len,
                                        const char *name);

/* a may be NULL. */
void avskey_auth_free(avskey_auth *a);

/* Returns: the number of clients. */
size_t avskey_auth_count(const avskey_auth *a);

/* Hashes the raw token (no "Bearer ") and compares the hash in constant
 * time with every client's token_sha256, without early exit.
 * Returns: the matching client or NULL. */
const avskey_auth_client *avskey_auth_by_token(const avskey_auth *a, const char *token,
                                               size_t len);

/* Returns: the client with that exact cert_cn, or NULL. */
const avskey_auth_client *avskey_auth_by_cn(const avskey_auth *a, const char *cn);

/* Returns: 1 if the client may use the key identifier id (case-insensitive,
 * a leading 0x ignored on both sides, "*" in the file matches all), else 0. */
int avskey_auth_may_use(const avskey_auth_client *c, const char *id);

const char *avskey_auth_client_name(const avskey_auth_client *c);
int avskey_auth_client_admin(const avskey_auth_client *c);

/* Returns: 1 if name is a valid new client name: [A-Za-z0-9._@-]{1,64}. */
int avskey_auth_name_valid(const char *name);

/* Appends a client to path (created with mode 0600 if absent), written
 * atomically. keys_csv: "ID[,ID...]" or "*". The token (32 random bytes
 * as 64 lowercase hex) is returned in token_out and never stored; only its
 * sha256 is. The append keeps the file's comments when its clients list
 * is in block style; otherwise the file is rewritten in canonical form.
 * Returns: AVSKEY_OK; AVSKEY_ERR_USAGE (bad name or key id);
 * AVSKEY_ERR_EXISTS (duplicate name); AVSKEY_ERR_MALFORMED (existing file
 * does not parse); AVSKEY_ERR_IO. On error token_out is not written. */
AVSKEY_WUR avskey_err avskey_auth_add_client(const char *path, const char *name,
                                             const char *keys_csv, int admin,
                                             char token_out[65]);

#endif
