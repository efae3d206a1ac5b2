/* Passphrase sources (interface.md section 3) and the strength rule.
 * Passphrases live only in avskey_secmem memory and are wiped on free. */
#ifndef AVSKEY_PASSPHRASE_H
#define AVSKEY_PASSPHRASE_H

#include "avskey/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum avskey_pw_kind {
    AVSKEY_PW_AUTO = 0,     /* prompt on a terminal, else first line of stdin */
    AVSKEY_PW_FILE,         /* arg: path; first line, trailing \r\n stripped */
    AVSKEY_PW_ENV,          /* arg: variable name; removed from the environment after reading */
    AVSKEY_PW_FD,           /* arg: decimal fd; first line */
    AVSKEY_PW_URL,          /* arg: https URL (issue: remote passphrases) */
    AVSKEY_PW_CREDENTIAL    /* arg: name under $CREDENTIALS_DIRECTORY */
} avskey_pw_kind;

typedef struct avskey_pw_source {
    avskey_pw_kind kind;
    const char *arg;        /* NULL for AVSKEY_PW_AUTO */
    const char *url_cert, *url_key, *url_ca;  /* --password-url-cert/-key/-ca */
} avskey_pw_source;

/* A passphrase: buf (secmem, NUL-terminated) holds len raw UTF-8 bytes. */
typedef struct avskey_pw {
    char *buf;
    size_t len;
} avskey_pw;

#define AVSKEY_PW_MAX 1024  /* longest accepted passphrase, in bytes */

/* Reads a passphrase from src. prompt is shown on the terminal (stderr) when
 * prompting. With confirm != 0 a terminal prompt asks twice and fails if the
 * two differ (for new passphrases).
 * Out: *out (free with avskey_passphrase_free). On error *out is {NULL,0}
 * and the message names the source (never the passphrase). */
AVSKEY_WUR avskey_err avskey_passphrase_read(avskey_pw *out, const avskey_pw_source *src,
                                             const char *prompt, int confirm);

/* Wipes and frees; safe on {NULL,0}. */
void avskey_passphrase_free(avskey_pw *pw);

/* Returns: the entropy in bits of pw as go-password-validator v0.3.0
 * (wagslane) computes it (eigenlayer-cli's strength rule). Variable time in
 * the passphrase's length and character classes only. */
double avskey_password_entropy(const char *pw, size_t len);

/* Returns: AVSKEY_OK if pw has >= 70 bits (avskey_password_entropy), else
 * AVSKEY_ERR_WEAK with a message saying how to make it stronger. */
AVSKEY_WUR avskey_err avskey_passphrase_check_strength(const avskey_pw *pw);

#define AVSKEY_MIN_ENTROPY_BITS 70.0

#ifdef __cplusplus
}
#endif
#endif
