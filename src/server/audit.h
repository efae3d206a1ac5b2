/* Tamper-evident audit log (interface.md §5 "Audit log").
 *
 * One JSON object per line, fields in this order:
 *   {"seq":N,"time":"2026-11-27T11:22:33.123Z","event":..,"client":..,
 *    "key":..,"decision":..,"reason":..[,EXTRA...],"prev":"<64 hex>"}
 * seq counts from 1; time is RFC 3339 UTC with milliseconds; NULL strings
 * are written as null; prev is the hex SHA-256 of the previous line as
 * written (its bytes without the newline), 64 zeros on the first line.
 * Strings are JSON-escaped; invalid UTF-8 becomes U+FFFD, so every line is
 * valid JSON. Each line is one write(2) on an O_APPEND fd, then fsync.
 *
 * The chain shows an edited, removed, inserted or reordered line, a
 * partial last line and garbage; it cannot show the loss of the last
 * lines or a rewrite of the whole tail (there is no key): anchor the head
 * hash elsewhere (avskey_audit_verify_head) for that. */
#ifndef AVSKEY_SERVER_AUDIT_H
#define AVSKEY_SERVER_AUDIT_H

#include "avskey/common.h"

#define AVSKEY_AUDIT_LINE_MAX 65536   /* longest line accepted or written */

typedef struct avskey_audit avskey_audit;

/* Opens path for appending: creates it (mode 0600) or continues it after
 * verifying its WHOLE chain (a broken chain or partial last line is
 * refused with the verify message: AVSKEY_ERR_REFUSED). Out: *out.
 * Returns: AVSKEY_OK, AVSKEY_ERR_REFUSED, AVSKEY_ERR_IO, AVSKEY_ERR_NOMEM. */
AVSKEY_WUR avskey_err avskey_audit_open(avskey_audit **out, const char *path);

/* Appends one event (thread-safe). Any string may be NULL (written as
 * null). extra_fields_json is NULL or a fragment of JSON members such as
 * "digest":"0x..","method":"eth_sign" (it must parse inside {} and hold
 * no newline; seq/time/prev and the fixed names must not repeat).
 * Returns: AVSKEY_OK; AVSKEY_ERR_MALFORMED (bad fragment: nothing
 * written); AVSKEY_ERR_IO (write or fsync failed: the log is then
 * closed for writing and every later call fails). */
AVSKEY_WUR avskey_err avskey_audit_event(avskey_audit *a, const char *event, const char *client,
                                         const char *key, const char *decision,
                                         const char *reason, const char *extra_fields_json);

/* Returns: the seq of the last line written (0 for an empty log). */
uint64_t avskey_audit_seq(avskey_audit *a);

/* Closes the file and frees a (may be NULL). */
void avskey_audit_close(avskey_audit *a);

/* Checks the whole chain. Out: *lines_out (the number of lines).
 * Returns: AVSKEY_OK; AVSKEY_ERR_REFUSED naming the first bad line and
 * what is wrong; AVSKEY_ERR_NOTFOUND / AVSKEY_ERR_IO (unreadable). */
AVSKEY_WUR avskey_err avskey_audit_verify(const char *path, size_t *lines_out);

/* The same, also giving the hex SHA-256 of the last line (64 zeros for
 * an empty file) and its seq. */
AVSKEY_WUR avskey_err avskey_audit_verify_head(const char *path, size_t *lines_out,
                                               char head_hex[65], uint64_t *last_seq);

/* Appends the JSON string literal of s (quotes included; NULL -> null)
 * to out (capacity cap). Returns: the length it needs (excluding NUL);
 * writes nothing past cap. Exposed for tests. */
size_t avskey_audit_json_escape(char *out, size_t cap, const char *s);

#endif
