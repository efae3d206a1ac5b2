/* Metrics: exact exposition text for a known call sequence; escaping;
 * bounded label sets; threads. */
#include "test.h"

#include "server/metrics.h"

#include <pthread.h>

static int text_eq(const char *got, const char *want)
{
    if (got && strcmp(got, want) == 0) return 1;
    fprintf(stderr, "--- got:\n%s--- want:\n%s---\n", got ? got : "(null)", want);
    avskey_test_failures++;
    return 0;
}

TEST(metrics_render_exact)
{
    avskey_metrics_reset();
    size_t len = 99;
    char *t = avskey_metrics_render(&len);
    CHECK(t && len == 0 && t[0] == '\0');
    free(t);
    avskey_metrics_request("/api/v1/eth1/sign", 200);
    avskey_metrics_request("/api/v1/eth1/sign", 200);
    avskey_metrics_request("/api/v1/eth1/sign", 403);
    avskey_metrics_request("/", 200);
    avskey_metrics_signing("secp256k1", "eth_sign", "ok", 0.00004);   /* 40us  -> le 5e-05 */
    avskey_metrics_signing("secp256k1", "eth_sign", "ok", 0.00005);   /* == bound -> le 5e-05 */
    avskey_metrics_signing("secp256k1", "eth_sign", "ok", 0.75);      /* -> le 1 */
    avskey_metrics_signing("bn254", "SignG1", "ok", 2.0);             /* -> +Inf only */
    avskey_metrics_refusal("value transfer");
    avskey_metrics_auth_failure("unknown token");
    avskey_metrics_auth_failure("unknown token");
    avskey_metrics_keys_loaded("secp256k1", 2);
    avskey_metrics_keys_loaded("bn254", 1);
    avskey_metrics_keys_loaded("bn254", 3);   /* a gauge: set, not added */
    avskey_metrics_unlock_seconds(1.25);
    t = avskey_metrics_render(&len);
    const char *want =
        "# HELP http_requests_total HTTP requests by endpoint and status code.\n"
        "# TYPE http_requests_total counter\n"
        "http_requests_total{endpoint=\"/\",status=\"200\"} 1\n"
        "http_requests_total{endpoint=\"/api/v1/eth1/sign\",status=\"200\"} 2\n"
        "http_requests_total{endpoint=\"/api/v1/eth1/sign\",status=\"403\"} 1\n"
        "# HELP signing_bn254_signing_duration_seconds Time taken to sign, by method and outcome.\n"
        "# TYPE signing_bn254_signing_duration_seconds histogram\n"
        "signing_bn254_signing_duration_seconds_bucket{method=\"SignG1\",status=\"ok\",le=\"5e-05\"} 0\n"
        "signing_bn254_signing_duration_seconds_bucket{method=\"SignG1\",status=\"ok\",le=\"0.0001\"} 0\n"
        "signing_bn254_signing_duration_seconds_bucket{method=\"SignG1\",status=\"ok\",le=\"0.00025\"} 0\n"
        "signing_bn254_signing_duration_seconds_bucket{method=\"SignG1\",status=\"ok\",le=\"0.0005\"} 0\n"
        "signing_bn254_signing_duration_seconds_bucket{method=\"SignG1\",status=\"ok\",le=\"0.001\"} 0\n"
        "signing_bn254_signing_duration_seconds_bucket{method=\"SignG1\",status=\"ok\",le=\"0.0025\"} 0\n"
        "signing_bn254_signing_duration_seconds_bucket{method=\"SignG1\",status=\"ok\",le=\"0.005\"} 0\n"
        "signing_bn254_signing_duration_seconds_bucket{method=\"SignG1\",status=\"ok\",le=\"0.01\"} 0\n"
        "signing_bn254_signing_duration_seconds_bucket{method=\"SignG1\",status=\"ok\",le=\"0.025\"} 0\n"
        "signing_bn254_signing_duration_seconds_bucket{method=\"SignG1\",status=\"ok\",le=\"0.05\"} 0\n"
        "signing_bn254_signing_duration_seconds_bucket{method=\"SignG1\",status=\"ok\",le=\"0.1\"} 0\n"
        "signing_bn254_signing_duration_seconds_bucket{method=\"SignG1\",status=\"ok\",le=\"0.25\"} 0\n"
        "signing_bn254_signing_duration_seconds_bucket{method=\"SignG1\",status=\"ok\",le=\"0.5\"} 0\n"
        "signing_bn254_signing_duration_seconds_bucket{method=\"SignG1\",status=\"ok\",le=\"1\"} 0\n"
        "signing_bn254_signing_duration_seconds_bucket{method=\"SignG1\",status=\"ok\",le=\"+Inf\"} 1\n"
        "signing_bn254_signing_duration_seconds_sum{method=\"SignG1\",status=\"ok\"} 2\n"
        "signing_bn254_signing_duration_seconds_count{method=\"SignG1\",status=\"ok\"} 1\n"
        "# HELP signing_secp256k1_signing_duration_seconds Time taken to sign, by method and outcome.\n"
        "# TYPE signing_secp256k1_signing_duration_seconds histogram\n"
        "signing_secp256k1_signing_duration_seconds_bucket{method=\"eth_sign\",status=\"ok\",le=\"5e-05\"} 2\n"
        "signing_secp256k1_signing_duration_seconds_bucket{method=\"eth_sign\",status=\"ok\",le=\"0.0001\"} 2\n"
        "signing_secp256k1_signing_duration_seconds_bucket{method=\"eth_sign\",status=\"ok\",le=\"0.00025\"} 2\n"
        "signing_secp256k1_signing_duration_seconds_bucket{method=\"eth_sign\",status=\"ok\",le=\"0.0005\"} 2\n"
        "signing_secp256k1_signing_duration_seconds_bucket{method=\"eth_sign\",status=\"ok\",le=\"0.001\"} 2\n"
        "signing_secp256k1_signing_duration_seconds_bucket{method=\"eth_sign\",status=\"ok\",le=\"0.0025\"} 2\n"
        "signing_secp256k1_signing_duration_seconds_bucket{method=\"eth_sign\",status=\"ok\",le=\"0.005\"} 2\n"
        "signing_secp256k1_signing_duration_seconds_bucket{method=\"eth_sign\",status=\"ok\",le=\"0.01\"} 2\n"
        "signing_secp256k1_signing_duration_seconds_bucket{method=\"eth_sign\",status=\"ok\",le=\"0.025\"} 2\n"
        "signing_secp256k1_signing_duration_seconds_bucket{method=\"eth_sign\",status=\"ok\",le=\"0.05\"} 2\n"
        "signing_secp256k1_signing_duration_seconds_bucket{method=\"eth_sign\",status=\"ok\",le=\"0.1\"} 2\n"
        "signing_secp256k1_signing_duration_seconds_bucket{method=\"eth_sign\",status=\"ok\",le=\"0.25\"} 2\n"
        "signing_secp256k1_signing_duration_seconds_bucket{method=\"eth_sign\",status=\"ok\",le=\"0.5\"} 2\n"
        "signing_secp256k1_signing_duration_seconds_bucket{method=\"eth_sign\",status=\"ok\",le=\"1\"} 3\n"
        "signing_secp256k1_signing_duration_seconds_bucket{method=\"eth_sign\",status=\"ok\",le=\"+Inf\"} 3\n"
        "signing_secp256k1_signing_duration_seconds_sum{method=\"eth_sign\",status=\"ok\"} 0.75009\n"
        "signing_secp256k1_signing_duration_seconds_count{method=\"eth_sign\",status=\"ok\"} 3\n"
        "# HELP signing_refusals_total Signing requests refused, by reason.\n"
        "# TYPE signing_refusals_total counter\n"
        "signing_refusals_total{reason=\"value transfer\"} 1\n"
        "# HELP auth_failures_total Failed client authentications, by kind.\n"
        "# TYPE auth_failures_total counter\n"
        "auth_failures_total{kind=\"unknown token\"} 2\n"
        "# HELP signing_signers_loaded_count Keys loaded, by type.\n"
        "# TYPE signing_signers_loaded_count gauge\n"
        "signing_signers_loaded_count{type=\"bn254\"} 3\n"
        "signing_signers_loaded_count{type=\"secp256k1\"} 2\n"
        "# HELP signing_keys_unlock_seconds Seconds taken to unlock every key at start-up.\n"
        "# TYPE signing_keys_unlock_seconds gauge\n"
        "signing_keys_unlock_seconds 1.25\n";
    if (text_eq(t, want)) CHECK(len == strlen(want));
    free(t);
    avskey_metrics_reset();
}

TEST(metrics_escaping_and_bounds)
{
    avskey_metrics_reset();
    avskey_metrics_refusal("a\"b\\c\nd");
    avskey_metrics_signing("Bad-Scheme", "m", "ok", -1.0);  /* bad scheme -> other; negative -> 0 */
    size_t len;
    char *t = avskey_metrics_render(&len);
    CHECK(t && strstr(t, "signing_refusals_total{reason=\"a\\\"b\\\\c\\nd\"} 1\n") != NULL);
    CHECK(t && strstr(t, "signing_other_signing_duration_seconds_bucket{method=\"m\",status=\"ok\",le=\"5e-05\"} 1\n") != NULL);
    CHECK(t && strstr(t, "signing_other_signing_duration_seconds_sum{method=\"m\",status=\"ok\"} 0\n") != NULL);
    free(t);
    /* 300 distinct reasons: 255 kept, the rest folded into "other" */
    avskey_metrics_reset();
    for (int i = 0; i < 300; i++) {
        char r[32];
        snprintf(r, sizeof r, "r%03d", i);
        avskey_metrics_refusal(r);
    }
    avskey_metrics_refusal("r000");
    t = avskey_metrics_render(&len);
    size_t lines = 0;
    for (const char *p = t; p && *p; p++) lines += *p == '\n';
    CHECK(lines == 2 + 256);
    CHECK(t && strstr(t, "signing_refusals_total{reason=\"other\"} 45\n") != NULL);
    CHECK(t && strstr(t, "signing_refusals_total{reason=\"r000\"} 2\n") != NULL);
    CHECK(t && strstr(t, "signing_refusals_total{reason=\"r254\"} 1\n") != NULL);
    CHECK(t && strstr(t, "reason=\"r255\"") == NULL);
    free(t);
    /* a long label value is truncated to 128 bytes */
    avskey_metrics_reset();
    char big[300];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    avskey_metrics_auth_failure(big);
    t = avskey_metrics_render(&len);
    char want[200];
    snprintf(want, sizeof want, "{kind=\"%.128s\"} 1\n", big);
    CHECK(t && strstr(t, want) != NULL);
    free(t);
    avskey_metrics_reset();
}

static void *hammer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 10000; i++) {
        avskey_metrics_request("/", 200);
        avskey_metrics_signing("secp256k1", "eth_sign", "ok", 0.0001);
    }
    return NULL;
}

TEST(metrics_threads)
{
    avskey_metrics_reset();
    pthread_t t[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, hammer, NULL);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    size_t len;
    char *s = avskey_metrics_render(&len);
    CHECK(s && strstr(s, "http_requests_total{endpoint=\"/\",status=\"200\"} 40000\n") != NULL);
    CHECK(s && strstr(s, "signing_secp256k1_signing_duration_seconds_count{method=\"eth_sign\",status=\"ok\"} 40000\n") != NULL);
    CHECK(s && strstr(s, "le=\"0.0001\"} 40000\n") != NULL && strstr(s, "le=\"5e-05\"} 0\n") != NULL);
    free(s);
    avskey_metrics_reset();
}
