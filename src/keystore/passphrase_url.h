/* --password-url (interface.md section 3): a passphrase fetched over
 * HTTPS, from HashiCorp Vault KV v2 or a plain-text endpoint. Internal to
 * the keystore module; the pure helpers are here for the unit tests and
 * the fuzz target. */
#ifndef AVSKEY_PASSPHRASE_URL_H
#define AVSKEY_PASSPHRASE_URL_H

#include "avskey/passphrase.h"

#define AVSKEY_PW_URL_BODY_MAX 65536      /* longest accepted response body */
#define AVSKEY_PW_URL_SAFE_MAX 512        /* room for a sanitized URL */
#define AVSKEY_PW_URL_FIELD_MAX 128       /* longest field name (URL fragment) */
#define AVSKEY_PW_URL_ATTEMPTS 3          /* tries for a transient failure */
#define AVSKEY_PW_URL_CONNECT_MS 5000     /* connect timeout of one attempt */
#define AVSKEY_PW_URL_TOTAL_MS 15000      /* budget of the whole fetch, retries included */

/* Fetches the passphrase from src->arg (an https URL), with the optional
 * client certificate/key and CA bundle of src. See avskey_passphrase_read
 * (passphrase.h) for the contract.
 * Returns: AVSKEY_OK; AVSKEY_ERR_USAGE (bad URL, non-https scheme, bad
 *       field name, key without certificate, bad timeout variable);
 *       AVSKEY_ERR_NOTFOUND (CA/cert/key file missing, HTTP 404, field
 *       missing); AVSKEY_ERR_PERM (HTTP 401/403); AVSKEY_ERR_MALFORMED
 *       (JSON that is not a Vault KV v2 answer); AVSKEY_ERR_IO (network,
 *       TLS, other HTTP status, body too large); AVSKEY_ERR_NOMEM. */
AVSKEY_WUR avskey_err avskey_pw_read_url(avskey_pw *out, const avskey_pw_source *src);

/* Parses url (public data; variable time).
 * Out: safe = "scheme://host[:port]/path" (no userinfo, query or
 *       fragment; cut to fit), field = the URL-decoded fragment or
 *       "password" when there is none.
 * Returns: AVSKEY_OK; AVSKEY_ERR_USAGE if url does not parse, its scheme
 *       is not https (the message names safe), or the fragment is empty,
 *       longer than AVSKEY_PW_URL_FIELD_MAX bytes or holds a control
 *       character. On error safe is still filled when the URL parsed
 *       (else it is ""), field is unspecified. */
AVSKEY_WUR avskey_err avskey_pw_url_parse(char safe[AVSKEY_PW_URL_SAFE_MAX],
                                          char field[AVSKEY_PW_URL_FIELD_MAX + 1],
                                          const char *url);

/* Extracts the passphrase from a response body of len bytes (pure).
 * A body that parses as a JSON object is read as a Vault KV v2 answer:
 * the string data.data.<field>. Any other body gives its first line
 * ("\n" or "\r\n" dropped, as --password-file does); with want_json != 0
 * (the server said Content-Type: application/json) such a body is an
 * error instead. what names the source in messages (never the body).
 * Every string of the parsed JSON is overwritten before it is freed.
 * Out:  *out (secmem, NUL-terminated; free with avskey_passphrase_free);
 *       {NULL,0} on error.
 * Returns: AVSKEY_OK; AVSKEY_ERR_MALFORMED (JSON without data.data, or
 *       want_json and not a JSON object); AVSKEY_ERR_NOTFOUND (no field
 *       in data.data); AVSKEY_ERR_USAGE (field not a string, passphrase
 *       longer than AVSKEY_PW_MAX); AVSKEY_ERR_NOMEM. */
AVSKEY_WUR avskey_err avskey_pw_from_body(avskey_pw *out, const char *body, size_t len,
                                          const char *field, int want_json, const char *what);

/* Returns: 1 if a failed attempt is worth retrying: connection refused or
 * reset, timeout, nothing or part received (curl_code a CURLcode; a TLS
 * alert from the peer, seen in errbuf, is not transient), or HTTP 429 or
 * 5xx (http_status when curl_code is 0). Else 0. */
int avskey_pw_url_transient(int curl_code, long http_status, const char *errbuf);

#endif
