/*
 * avskey — common definitions shared by every public header.
 *
 * Global contract rules (they hold for every avskey_ function unless its
 * own comment says otherwise):
 *  - Pointer arguments are non-NULL.
 *  - Arguments go: context, outputs, in/out, inputs; every length follows
 *    its buffer.
 *  - Crypto primitives return 1 on success and 0 on failure; service calls
 *    (files, parsing, passphrases) return an enum avskey_err, AVSKEY_OK = 0.
 *    Functions that cannot fail return void.
 *  - On failure nothing is written to the outputs unless stated: callers
 *    may rely on an output buffer keeping its old contents.
 *  - Service calls that fail record a one-line, secret-free message that
 *    avskey_errmsg() returns (thread-local), naming the file and field.
 *  - The caller owns every buffer it passes; the library keeps no pointer
 *    to it after the call returns.
 *  - Functions ending in _var are variable-time and take public data only.
 *    Every other function is constant-time in its secret inputs.
 *  - Functions are thread-safe on distinct objects.
 */
#ifndef AVSKEY_COMMON_H
#define AVSKEY_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define AVSKEY_WUR __attribute__((warn_unused_result))
#define AVSKEY_NONNULL(...) __attribute__((nonnull(__VA_ARGS__)))
#define AVSKEY_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define AVSKEY_WUR
#define AVSKEY_NONNULL(...)
#define AVSKEY_PRINTF(f, a)
#endif

/* Result of a service call. The exit status of the CLI follows from it:
 * AVSKEY_ERR_USAGE and AVSKEY_ERR_MALFORMED exit 2, every other error 1. */
typedef enum avskey_err {
    AVSKEY_OK = 0,
    AVSKEY_ERR_USAGE,      /* bad command line or argument */
    AVSKEY_ERR_MALFORMED,  /* input that does not parse (file, hex, JSON) */
    AVSKEY_ERR_PASSWORD,   /* wrong passphrase (MAC mismatch) */
    AVSKEY_ERR_WEAK,       /* new passphrase too weak */
    AVSKEY_ERR_EXISTS,     /* refusing to overwrite an existing file */
    AVSKEY_ERR_NOTFOUND,   /* file or key not found */
    AVSKEY_ERR_PERM,       /* unsafe permissions or access refused */
    AVSKEY_ERR_IO,         /* read/write/fsync failure */
    AVSKEY_ERR_NOMEM,      /* allocation or mlock failure */
    AVSKEY_ERR_CRYPTO,     /* invalid key or failed signature check */
    AVSKEY_ERR_REFUSED,    /* refused by policy or by the user */
    AVSKEY_ERR_UNREACHABLE,     /* remote signer: no connection / unavailable */
    AVSKEY_ERR_UNAUTHENTICATED, /* remote signer: token refused or TLS peer not trusted */
    AVSKEY_ERR_WRONG_KEY,       /* remote signer: unknown key, key mismatch, bad result */
    AVSKEY_ERR_TIMEOUT          /* remote signer: the time budget ran out */
} avskey_err;

/* Returns: the message recorded by the last failing service call on this
 * thread ("" if none). Never contains a secret. */
const char *avskey_errmsg(void);

/* Records a message (printf format) for code and returns code.
 * Callers must never pass a secret in the arguments. */
avskey_err avskey_fail(avskey_err code, const char *fmt, ...) AVSKEY_PRINTF(2, 3);

/* Returns: the CLI exit status for an error code (0, 1 or 2). */
int avskey_exit_code(avskey_err code);

/* Overwrites len bytes at p with zeros in a way the compiler cannot elide. */
void avskey_wipe(void *p, size_t len);
#define AVSKEY_WIPE(x) avskey_wipe(&(x), sizeof(x))

/* Returns: 1 if the len bytes at a and b are equal, else 0; constant time
 * in the contents (not in len). */
int avskey_ct_memeq(const void *a, const void *b, size_t len);

/* Hex helpers (public data; variable time). */

/* Decodes exactly outlen bytes from hex (optional 0x prefix, either case).
 * Returns: 1 on success; 0 if hex is not exactly 2*outlen hex digits. */
AVSKEY_WUR int avskey_hex_decode_var(uint8_t *out, size_t outlen, const char *hex);

/* Decodes a hex string of any even length into out (capacity cap).
 * Out: *outlen the number of bytes. Returns: 1 on success, 0 on bad hex or
 * if it does not fit. */
AVSKEY_WUR int avskey_hex_decode_any_var(uint8_t *out, size_t *outlen, size_t cap,
                                         const char *hex);

/* Writes 2*len lowercase hex digits and a NUL to out (size >= 2*len+1). */
void avskey_hex_encode(char *out, const uint8_t *in, size_t len);

/* Normalizes a key identifier: lowercase hex without 0x, into out (cap).
 * Returns: 1 if id is non-empty hex of the given byte length (0: any). */
AVSKEY_WUR int avskey_id_normalize(char *out, size_t cap, const char *id, size_t bytes);

#ifdef __cplusplus
}
#endif
#endif
