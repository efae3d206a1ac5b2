/* Internals of the signer API (include/avskey/signer.h): the handle, the
 * per-backend operations and the time budget. */
#ifndef AVSKEY_SIGNER_INTERNAL_H
#define AVSKEY_SIGNER_INTERNAL_H

#include "avskey/signer.h"

#include "avskey/bn254.h"

#include <pthread.h>
#include <stdint.h>

/* A call's time budget: a deadline on the monotonic clock. */
typedef struct avskey_budget {
    uint64_t deadline_ms;
    unsigned retries;
} avskey_budget;

uint64_t avskey_signer_now_ms(void);
/* Returns: milliseconds left (0 when spent). */
unsigned avskey_budget_left(const avskey_budget *b);
/* Sleeps the backoff of attempt n (100 ms * 2^n, capped by the budget).
 * Returns: 1 if another attempt fits in the budget, else 0. */
int avskey_budget_backoff(const avskey_budget *b, unsigned attempt);

struct avskey_signer;

/* What a backend does. Remote results are checked by signer.c, not here.
 * A NULL entry means "not offered" (AVSKEY_ERR_USAGE). */
typedef struct avskey_signer_ops {
    avskey_err (*sign_digest)(struct avskey_signer *s, const avskey_budget *b, uint8_t sig65[65],
                              const uint8_t digest[32]);
    /* keccak256(data) signed remotely (NULL: hash here, then sign_digest) */
    avskey_err (*sign_data)(struct avskey_signer *s, const avskey_budget *b, uint8_t sig65[65],
                            const uint8_t *data, size_t len);
    /* Out: *raw (malloc'd), unchecked. */
    avskey_err (*sign_tx)(struct avskey_signer *s, const avskey_budget *b, uint8_t **raw, size_t *rawlen,
                          const avskey_eth_tx *tx);
    avskey_err (*sign_typed)(struct avskey_signer *s, const avskey_budget *b, uint8_t sig65[65],
                             const char *json_text, const uint8_t digest[32]);
    avskey_err (*sign_message)(struct avskey_signer *s, const avskey_budget *b, uint8_t sig64[64],
                               const uint8_t msg[32]);
    avskey_err (*sign_g1)(struct avskey_signer *s, const avskey_budget *b, uint8_t out64[64],
                          const uint8_t point[64]);
    void (*close)(struct avskey_signer *s);
    int remote;  /* results need the local check */
} avskey_signer_ops;

struct avskey_signer {
    const avskey_signer_ops *ops;
    pthread_mutex_t lock;
    avskey_signer_info info;
    avskey_bn254_g2 pk2;          /* BLS */
    unsigned timeout_ms, retries;
    char *token;                  /* remote: API token or NULL */
    char *tls_ca, *tls_cert, *tls_key;
    char *base;                   /* remote: http(s)://host:port or host:port */
    int tls;                      /* https / grpcs */
    void *backend;                /* the backend's state */
};

/* Backends: fill s->info, s->ops, s->backend. uri without its scheme prefix. */
avskey_err avskey_signer_keystore_open(avskey_signer *s, const char *path, const avskey_signer_options *o,
                                       const avskey_budget *b);
avskey_err avskey_signer_web3signer_open(avskey_signer *s, const char *key_id, const avskey_budget *b);
avskey_err avskey_signer_cerberus_open(avskey_signer *s, const char *key_id, const avskey_budget *b);

/* Fills the BLS fields of info from pk2 and the G1 key (checks e(pk1,G2) ==
 * e(G1,pk2)). Returns AVSKEY_OK or AVSKEY_ERR_WRONG_KEY. */
avskey_err avskey_signer_set_bls_keys(avskey_signer *s, const avskey_bn254_g1 *pk1,
                                      const avskey_bn254_g2 *pk2);
/* Fills address/pubkey of info. */
void avskey_signer_set_ecdsa_key(avskey_signer *s, const uint8_t pub[64]);

/* Reads the first line of path into a malloc'd string (NULL on error, message recorded). */
char *avskey_signer_read_line(const char *path, const char *what);

#endif
