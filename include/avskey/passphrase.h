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
    AVSKEY_PW_URL,          /* arg: https URL, #field for Vault KV v2 */
    AVSKEY_PW_CREDENTIAL    /* arg: name under $CREDENTIALS_DIRECTORY */
} avskey_pw_kind;

typedef struct avskey_pw_source {
    avskey_pw_kind kind;
    const char *arg;        /* NULL for AVSKEY_PW_AUTO */
    const char *url_cert, *url_key, *url_ca;  /* --password-url-cert/-key/-ca */
} avskey_pw_source;

/* A passphrase: buf (secmem, NUL-terminated) holds len raw bytes (UTF-8
 * expected, not checked or normalised; may contain NUL: use len). */
typedef struct avskey_pw {
    char *buf;
    size_t len;
} avskey_pw;

#define AVSKEY_PW_MAX 1024  /* longest accepted passphrase, in bytes */

/* Reads a passphrase from src (interface.md section 3).
 * Sources: FILE reads the first line of a regular file or a FIFO (line end
 * "\n" or "\r\n" dropped; a lone trailing '\r' is kept); ENV takes the
 * variable's whole value, then scrubs it in place and unsets it (the value
 * must be writable, as setenv and the startup environment make it); FD
 * reads the first line of the decimal descriptor (left open, nothing past
 * the line consumed); CREDENTIAL reads $CREDENTIALS_DIRECTORY/NAME like
 * FILE (NAME without '/'; systemd's LoadCredentialEncrypted= files are
 * plain files there too); URL GETs an https:// URL (url_ca, url_cert,
 * url_key: CA bundle and client certificate; $VAULT_TOKEN sent as
 * X-Vault-Token) and takes data.data.<#fragment, default "password"> of a
 * Vault KV v2 JSON answer, else the body's first line (limits, retries
 * and timeouts: docs/password-url.md); AUTO prompts on /dev/tty (else
 * stdin/stderr) with echo off when stdin is a terminal, else reads the
 * first line of stdin.
 * Bytes are read with read(2) one at a time straight into secmem (no
 * stdio copies; URL: received into secmem, see passphrase_url.c for the
 * copies libcurl and jansson make) and kept raw (no normalisation). An
 * empty passphrase is returned as such: callers decide whether to accept
 * it.
 * The terminal prompt turns echo off before it shows the prompt and
 * restores the terminal on every path, also on SIGINT/SIGTERM/SIGQUIT/
 * SIGHUP: its handler restores echo, puts back the previous action and
 * re-raises the signal; if the process survives, the call fails with
 * AVSKEY_ERR_REFUSED. On ^Z (SIGTSTP) it restores echo, stops, and when
 * continued turns echo off again and prompts anew. While prompting, these
 * signals are blocked in the calling thread except inside the wait for
 * input. One prompt at a time per process (meant for the CLI).
 * Args: prompt shown on the terminal when prompting (NULL: "Passphrase: ");
 *       confirm != 0: a terminal prompt asks again ("Repeat passphrase: ")
 *       and fails with AVSKEY_ERR_USAGE "passphrases do not match".
 * Out:  *out (free with avskey_passphrase_free). On error *out is {NULL,0}
 *       and the message names the source (never the passphrase).
 * Returns: AVSKEY_OK; AVSKEY_ERR_USAGE (bad argument, unset variable, not
 *       a regular file/FIFO, longer than AVSKEY_PW_MAX bytes, mismatch);
 *       AVSKEY_ERR_NOTFOUND (missing file; URL: HTTP 404, field missing);
 *       AVSKEY_ERR_PERM (URL: HTTP 401/403); AVSKEY_ERR_MALFORMED (URL:
 *       JSON that is not a Vault KV v2 answer); AVSKEY_ERR_IO (URL:
 *       network, TLS, HTTP status, answer over 64 KiB); AVSKEY_ERR_NOMEM;
 *       AVSKEY_ERR_REFUSED (interrupted). */
AVSKEY_WUR avskey_err avskey_passphrase_read(avskey_pw *out, const avskey_pw_source *src,
                                             const char *prompt, int confirm);

/* Wipes and frees; safe on {NULL,0}. Leaves *pw as {NULL,0}. */
void avskey_passphrase_free(avskey_pw *pw);

/* Returns: the entropy in bits of the len bytes at pw as
 * go-password-validator v0.3.0 (wagslane) computes it, eigenlayer-cli's
 * strength rule: log2(base) summed over the length, where base is the sum
 * of the character pools present plus one per distinct rune in no pool,
 * and length is the UTF-8 byte length after dropping runs (see
 * src/keystore/strength.c). Exception to the constant-time rule: variable
 * time in the contents (it runs once, locally, when a passphrase is set). */
double avskey_password_entropy(const char *pw, size_t len);

/* Returns: AVSKEY_OK if pw has >= 70 bits (avskey_password_entropy; the
 * same ">=" as the Go package's Validate), else AVSKEY_ERR_WEAK with a
 * message giving the bits and saying how to make it stronger. */
AVSKEY_WUR avskey_err avskey_passphrase_check_strength(const avskey_pw *pw);

#define AVSKEY_MIN_ENTROPY_BITS 70.0

#ifdef __cplusplus
}
#endif
#endif
