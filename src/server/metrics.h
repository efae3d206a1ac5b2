/* Prometheus metrics of `avskey serve`: one global, thread-safe registry
 * (a mutex), rendered in the text exposition format 0.0.4.
 *
 * Families (HELP/TYPE printed only once a family has a sample; series
 * sorted by label values, so the text is deterministic):
 *   http_requests_total{endpoint,status}                  counter
 *   signing_<scheme>_signing_duration_seconds{method,status} histogram,
 *       buckets 50us,100us,250us,500us,1ms,2.5ms,5ms,10ms,25ms,50ms,
 *       100ms,250ms,500ms,1s,+Inf (Web3Signer names its timers
 *       signing_<scheme>_signing_duration; <scheme> is [a-z0-9_]{1,32},
 *       anything else is "other")
 *   signing_refusals_total{reason}                        counter
 *   auth_failures_total{kind}                             counter
 *   signing_signers_loaded_count{type}                    gauge
 *   signing_keys_unlock_seconds                           gauge
 * Each family keeps at most AVSKEY_METRICS_MAX_SERIES label sets; later
 * new ones are folded into one series whose labels are all "other".
 * Label values are truncated to 128 bytes and escaped (\\, \", \n). */
#ifndef AVSKEY_SERVER_METRICS_H
#define AVSKEY_SERVER_METRICS_H

#include <stddef.h>

#define AVSKEY_METRICS_MAX_SERIES 256
#define AVSKEY_METRICS_MAX_SCHEMES 8

/* NULL label values count as "". */
void avskey_metrics_request(const char *endpoint, int http_status);
void avskey_metrics_signing(const char *scheme, const char *method, const char *status,
                            double seconds);
void avskey_metrics_refusal(const char *reason);
void avskey_metrics_auth_failure(const char *kind);
void avskey_metrics_keys_loaded(const char *type, long n);
void avskey_metrics_unlock_seconds(double s);
/* Forgets everything (tests). */
void avskey_metrics_reset(void);

/* Returns: the exposition text (malloc'd, NUL-terminated, caller frees)
 * with *len its length, or NULL when out of memory. */
char *avskey_metrics_render(size_t *len);

#endif
