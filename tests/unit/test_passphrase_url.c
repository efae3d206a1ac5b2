/* --password-url: URL parsing and sanitizing, the Vault KV v2 / first-line
 * body rules, retry classification, and the checks made before any
 * connection. (The HTTPS exchange itself: tests/cli/password_url.py.) */
#include "test.h"

#include "avskey/passphrase.h"
#include "keystore/passphrase_url.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char safe[AVSKEY_PW_URL_SAFE_MAX], field[AVSKEY_PW_URL_FIELD_MAX + 1];

static int parses(const char *url, const char *want_safe, const char *want_field)
{
    avskey_err e = avskey_pw_url_parse(safe, field, url);
    if (e != AVSKEY_OK) {
        fprintf(stderr, "  %s: %s\n", url, avskey_errmsg());
        return 0;
    }
    if (strcmp(safe, want_safe) || strcmp(field, want_field)) {
        fprintf(stderr, "  %s: got %s #%s\n", url, safe, field);
        return 0;
    }
    return 1;
}

TEST(pwurl_parse)
{
    CHECK(parses("https://vault.example:8200/v1/secret/data/avs", "https://vault.example:8200/v1/secret/data/avs",
                 "password"));
    CHECK(parses("https://vault.example/v1/secret/data/avs#pw", "https://vault.example/v1/secret/data/avs", "pw"));
    CHECK(parses("HTTPS://vault.example/x#a%20b", "https://vault.example/x", "a b"));
    CHECK(parses("https://vault.example", "https://vault.example/", "password"));
    CHECK(parses("https://[::1]:8200/v1/kv#k", "https://[::1]:8200/v1/kv", "k"));
    /* userinfo and query never reach safe */
    CHECK(parses("https://user:hunter2@vault.example/p?token=s3cr3t#f", "https://vault.example/p", "f"));
}

TEST(pwurl_parse_refused)
{
    CHECK(avskey_pw_url_parse(safe, field, "http://user:hunter2@h:8200/v1/x?t=s3cr3t#f") == AVSKEY_ERR_USAGE);
    CHECK_STR(avskey_errmsg(), "--password-url http://h:8200/v1/x: only https:// URLs are accepted");
    CHECK_STR(safe, "http://h:8200/v1/x");
    CHECK(avskey_pw_url_parse(safe, field, "ftp://h/x") == AVSKEY_ERR_USAGE);
    CHECK(avskey_pw_url_parse(safe, field, "file:///etc/passwd") == AVSKEY_ERR_USAGE);
    CHECK(avskey_pw_url_parse(safe, field, "vault.example/v1/x") == AVSKEY_ERR_USAGE);
    CHECK(avskey_pw_url_parse(safe, field, "") == AVSKEY_ERR_USAGE);
    CHECK(strstr(avskey_errmsg(), "not a valid URL") != NULL);
    CHECK(avskey_pw_url_parse(safe, field, "https://h/x y?t=s3cr3t") == AVSKEY_ERR_USAGE);
    CHECK(strstr(avskey_errmsg(), "s3cr3t") == NULL);
    /* fields: control characters (also %-encoded), too long */
    CHECK(avskey_pw_url_parse(safe, field, "https://h/x#a%0ab") == AVSKEY_ERR_USAGE);
    CHECK(avskey_pw_url_parse(safe, field, "https://h/x#a%00b") == AVSKEY_ERR_USAGE);
    char url[400];
    snprintf(url, sizeof url, "https://h/x#%0*d", AVSKEY_PW_URL_FIELD_MAX + 1, 0);
    CHECK(avskey_pw_url_parse(safe, field, url) == AVSKEY_ERR_USAGE);
    snprintf(url, sizeof url, "https://h/x#%0*d", AVSKEY_PW_URL_FIELD_MAX, 0);
    CHECK(avskey_pw_url_parse(safe, field, url) == AVSKEY_OK);
    CHECK(strlen(field) == AVSKEY_PW_URL_FIELD_MAX);
}

/* Extracts from body (len bytes); checks the result is want (wlen). */
static int body_gives(const char *body, size_t len, const char *fld, int json, const char *want, size_t wlen)
{
    avskey_pw pw;
    avskey_err e = avskey_pw_from_body(&pw, body, len, fld, json, "test");
    if (e) {
        fprintf(stderr, "  error: %s\n", avskey_errmsg());
        return 0;
    }
    int ok = pw.len == wlen && memcmp(pw.buf, want, wlen) == 0 && pw.buf[wlen] == '\0';
    avskey_passphrase_free(&pw);
    return ok;
}
#define BODY(s) s, sizeof(s) - 1

static const char vault[] =
    "{\"request_id\":\"0b7a\",\"lease_id\":\"\",\"renewable\":false,\"lease_duration\":0,"
    "\"data\":{\"data\":{\"password\":\"p\\u00e9ss\\nword\",\"pw2\":\"x\\u0000y\",\"n\":7},"
    "\"metadata\":{\"created_time\":\"2018-03-22T02:24:06.945319214Z\",\"custom_metadata\":null,"
    "\"deletion_time\":\"\",\"destroyed\":false,\"version\":2}},"
    "\"wrap_info\":null,\"warnings\":null,\"auth\":null}\n";

TEST(pwurl_body_vault)
{
    CHECK(body_gives(BODY(vault), "password", 1, "p\xc3\xa9ss\nword", 10)); /* JSON escapes decoded */
    CHECK(body_gives(BODY(vault), "password", 0, "p\xc3\xa9ss\nword", 10)); /* no Content-Type needed */
    CHECK(body_gives(BODY(vault), "pw2", 1, "x\0y", 3));                    /* NUL kept */
    CHECK(body_gives(BODY("{\"data\":{\"data\":{\"password\":\"\"}}}"), "password", 1, "", 0));
    avskey_pw pw;
    CHECK(avskey_pw_from_body(&pw, BODY(vault), "missing", 1, "W") == AVSKEY_ERR_NOTFOUND);
    CHECK_STR(avskey_errmsg(), "W: no field \"missing\" in data.data");
    CHECK(pw.buf == NULL && pw.len == 0);
    CHECK(avskey_pw_from_body(&pw, BODY(vault), "n", 1, "W") == AVSKEY_ERR_USAGE);
    CHECK_STR(avskey_errmsg(), "W: data.data.n is not a string");
    /* KV v1 shape, errors answer, data.data not an object */
    CHECK(avskey_pw_from_body(&pw, BODY("{\"data\":{\"password\":\"v1\"}}"), "password", 1, "W") ==
          AVSKEY_ERR_MALFORMED);
    CHECK(avskey_pw_from_body(&pw, BODY("{\"errors\":[\"permission denied\"]}"), "password", 0, "W") ==
          AVSKEY_ERR_MALFORMED);
    CHECK(avskey_pw_from_body(&pw, BODY("{\"data\":{\"data\":\"x\"}}"), "password", 0, "W") ==
          AVSKEY_ERR_MALFORMED);
    CHECK(strstr(avskey_errmsg(), "not Vault KV v2") != NULL);
    CHECK(pw.buf == NULL);
}

TEST(pwurl_body_plain)
{
    CHECK(body_gives(BODY("secret\r\nsecond\n"), "password", 0, "secret", 6));
    CHECK(body_gives(BODY("secret\n"), "password", 0, "secret", 6));
    CHECK(body_gives(BODY("secret"), "password", 0, "secret", 6));
    CHECK(body_gives(BODY("ab\r"), "password", 0, "ab\r", 3)); /* as --password-file */
    CHECK(body_gives(BODY(""), "password", 0, "", 0));
    CHECK(body_gives(BODY("\xff\0x\n"), "password", 0, "\xff\0x", 3));
    /* JSON that is not an object is plain text */
    CHECK(body_gives(BODY("[1,2]\n"), "password", 0, "[1,2]", 5));
    CHECK(body_gives(BODY("{not json"), "password", 0, "{not json", 9));
    avskey_pw pw;
    /* marked JSON (Content-Type) but not a JSON object: refused, not read as text */
    CHECK(avskey_pw_from_body(&pw, BODY("secret\n"), "password", 1, "W") == AVSKEY_ERR_MALFORMED);
    CHECK(strstr(avskey_errmsg(), "secret") == NULL);
    CHECK(avskey_pw_from_body(&pw, BODY("[\"secret\"]"), "password", 1, "W") == AVSKEY_ERR_MALFORMED);
    /* too long: the first line only counts */
    static char big[AVSKEY_PW_MAX + 8];
    memset(big, 'a', sizeof big);
    CHECK(avskey_pw_from_body(&pw, big, AVSKEY_PW_MAX + 1, "password", 0, "W") == AVSKEY_ERR_USAGE);
    CHECK(body_gives(big, AVSKEY_PW_MAX, "password", 0, big, AVSKEY_PW_MAX));
    big[10] = '\n';
    CHECK(body_gives(big, sizeof big, "password", 0, big, 10));
    char js[AVSKEY_PW_MAX + 64];
    int n = snprintf(js, sizeof js, "{\"data\":{\"data\":{\"password\":\"%0*d\"}}}", AVSKEY_PW_MAX + 1, 0);
    CHECK(avskey_pw_from_body(&pw, js, (size_t)n, "password", 1, "W") == AVSKEY_ERR_USAGE);
    CHECK(strstr(avskey_errmsg(), "longer than") != NULL);
}

TEST(pwurl_transient)
{
    CHECK(avskey_pw_url_transient(CURLE_COULDNT_CONNECT, 0, ""));
    CHECK(avskey_pw_url_transient(CURLE_OPERATION_TIMEDOUT, 0, ""));
    CHECK(avskey_pw_url_transient(CURLE_RECV_ERROR, 0, "Recv failure: Connection reset by peer"));
    CHECK(!avskey_pw_url_transient(CURLE_RECV_ERROR, 0, "SSL_read: tlsv13 alert certificate required"));
    CHECK(!avskey_pw_url_transient(CURLE_PEER_FAILED_VERIFICATION, 0, ""));
    CHECK(!avskey_pw_url_transient(CURLE_COULDNT_RESOLVE_HOST, 0, ""));
    CHECK(!avskey_pw_url_transient(CURLE_WRITE_ERROR, 0, ""));
    CHECK(avskey_pw_url_transient(CURLE_OK, 500, ""));
    CHECK(avskey_pw_url_transient(CURLE_OK, 503, ""));
    CHECK(avskey_pw_url_transient(CURLE_OK, 429, ""));
    CHECK(!avskey_pw_url_transient(CURLE_OK, 403, ""));
    CHECK(!avskey_pw_url_transient(CURLE_OK, 404, ""));
    CHECK(!avskey_pw_url_transient(CURLE_OK, 200, ""));
    CHECK(!avskey_pw_url_transient(CURLE_OK, 302, ""));
}

static avskey_err read_url(avskey_pw *pw, const char *url, const char *cert, const char *key, const char *ca)
{
    avskey_pw_source src = {AVSKEY_PW_URL, url, cert, key, ca};
    return avskey_passphrase_read(pw, &src, NULL, 0);
}

TEST(pwurl_read_checks)
{
    avskey_pw pw;
    CHECK(read_url(&pw, "http://vault.example/v1/kv#pw", NULL, NULL, NULL) == AVSKEY_ERR_USAGE);
    CHECK_STR(avskey_errmsg(), "--password-url http://vault.example/v1/kv: only https:// URLs are accepted");
    CHECK(pw.buf == NULL && pw.len == 0);
    CHECK(read_url(&pw, "https://127.0.0.1:1/x", NULL, "/nonexistent/k.pem", NULL) == AVSKEY_ERR_USAGE);
    CHECK_STR(avskey_errmsg(), "--password-url-key needs --password-url-cert");
    CHECK(read_url(&pw, "https://127.0.0.1:1/x", NULL, NULL, "/nonexistent/ca.pem") == AVSKEY_ERR_NOTFOUND);
    CHECK_STR(avskey_errmsg(), "--password-url-ca /nonexistent/ca.pem not found");
    CHECK(read_url(&pw, "https://127.0.0.1:1/x", "/nonexistent/c.pem", NULL, NULL) == AVSKEY_ERR_NOTFOUND);
    CHECK(read_url(&pw, "https://127.0.0.1:1/x", NULL, NULL, avskey_test_tmpdir()) == AVSKEY_ERR_USAGE);
    setenv("AVSKEY_PASSWORD_URL_TIMEOUT_MS", "0", 1);
    CHECK(read_url(&pw, "https://127.0.0.1:1/x", NULL, NULL, NULL) == AVSKEY_ERR_USAGE);
    setenv("AVSKEY_PASSWORD_URL_TIMEOUT_MS", "99999999999999999999", 1);
    CHECK(read_url(&pw, "https://127.0.0.1:1/x", NULL, NULL, NULL) == AVSKEY_ERR_USAGE);
    unsetenv("AVSKEY_PASSWORD_URL_TIMEOUT_MS");
    setenv("VAULT_TOKEN", "hvs.x\r\nX-Evil: 1", 1);
    CHECK(read_url(&pw, "https://127.0.0.1:1/x", NULL, NULL, NULL) == AVSKEY_ERR_USAGE);
    CHECK_STR(avskey_errmsg(), "$VAULT_TOKEN holds a control character");
    unsetenv("VAULT_TOKEN");
    CHECK(pw.buf == NULL);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A loopback port that refuses connections (bound, then closed). */
static int refused_port(void)
{
    struct sockaddr_in a;
    socklen_t n = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 || getsockname(s, (struct sockaddr *)&a, &n) != 0)
        abort();
    close(s);
    return ntohs(a.sin_port);
}

TEST(pwurl_retry_refused)
{
    avskey_pw pw;
    char url[128];
    snprintf(url, sizeof url, "https://127.0.0.1:%d/v1/kv?token=s3cr3t#pw", refused_port());
    double t0 = now_s();
    CHECK(read_url(&pw, url, NULL, NULL, NULL) == AVSKEY_ERR_IO);
    double dt = now_s() - t0;
    CHECK(strstr(avskey_errmsg(), "(after 3 attempts)") != NULL);
    CHECK(strstr(avskey_errmsg(), "s3cr3t") == NULL);
    CHECK(dt > 0.55 && dt < 5); /* 200 ms + 400 ms apart */
    /* a budget too small for the backoff: one attempt */
    setenv("AVSKEY_PASSWORD_URL_TIMEOUT_MS", "150", 1);
    CHECK(read_url(&pw, url, NULL, NULL, NULL) == AVSKEY_ERR_IO);
    CHECK(strstr(avskey_errmsg(), "attempts") == NULL);
    unsetenv("AVSKEY_PASSWORD_URL_TIMEOUT_MS");
    CHECK(pw.buf == NULL);
}
