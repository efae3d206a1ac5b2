/* JSON-lines logging on stderr. Never pass a secret. */
#ifndef AVSKEY_LOG_H
#define AVSKEY_LOG_H

#include "avskey/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes {"time":"...","level":level,"msg":msg[,fields]} and a newline with
 * one write(2). fields is NULL or a JSON fragment of extra members
 * ("\"key\":\"...\""), already escaped by the caller. Thread-safe. */
void avskey_log(const char *level, const char *msg, const char *fields);

/* printf-style variant: the formatted text becomes "msg" (JSON-escaped). */
void avskey_logf(const char *level, const char *fmt, ...) AVSKEY_PRINTF(2, 3);

/* Appends s to out (cap) as a JSON string literal with quotes and escapes.
 * Returns: the number of bytes written (truncated strings stay valid JSON). */
size_t avskey_json_escape(char *out, size_t cap, const char *s);

/* Formats the current UTC time as RFC 3339 with milliseconds into out[32]. */
void avskey_time_rfc3339(char out[32]);

#ifdef __cplusplus
}
#endif
#endif
