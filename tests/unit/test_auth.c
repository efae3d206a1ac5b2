/* --auth-file: parsing rules, constant-time token lookup, may_use,
 * add_client round trip. */
#include "test.h"

#include "server/auth.h"

#include <nettle/sha2.h>
#include <sys/stat.h>
#include <unistd.h>

/* sha256("secret-token-1"), sha256("tok2") computed with nettle here. */
static void sha_hex(char out[65], const char *s)
{
    struct sha256_ctx c;
    uint8_t h[32];
    sha256_init(&c);
    sha256_update(&c, strlen(s), (const uint8_t *)s);
    sha256_digest(&c, 32, h);
    avskey_hex_encode(out, h, 32);
}

static avskey_auth *parse(const char *y)
{
    avskey_auth *a = NULL;
    if (avskey_auth_parse(&a, y, strlen(y), "t.yaml") != AVSKEY_OK) return NULL;
    return a;
}

static int parse_fails(const char *y, const char *msg_has)
{
    avskey_auth *a = NULL;
    avskey_err e = avskey_auth_parse(&a, y, strlen(y), "t.yaml");
    if (e == AVSKEY_OK) { avskey_auth_free(a); fprintf(stderr, "  parsed: %s\n", y); return 0; }
    if (e != AVSKEY_ERR_MALFORMED || !strstr(avskey_errmsg(), msg_has)) {
        fprintf(stderr, "  err %d msg '%s' lacks '%s'\n", e, avskey_errmsg(), msg_has);
        return 0;
    }
    return 1;
}

TEST(auth_parse_and_lookup)
{
    char h1[65], h2[65], y[1024];
    sha_hex(h1, "secret-token-1");
    sha_hex(h2, "tok2");
    snprintf(y, sizeof y,
             "# comment\nclients:\n"
             "  - name: eigenda-node\n    token_sha256: %s\n    keys: [\"0x5A0B54D5dc17e0AadC383d2db43B0a0D3E029c4c\", \"A3111a22\"]\n"
             "  - name: ops\n    cert_cn: node-1\n    keys: [\"*\"]\n    admin: true\n"
             "  - name: two\n    token_sha256: %s\n    keys: []\n    admin: false\n", h1, h2);
    avskey_auth *a = parse(y);
    CHECK(a != NULL);
    if (!a) { fprintf(stderr, "%s\n", avskey_errmsg()); return; }
    CHECK(avskey_auth_count(a) == 3);
    const avskey_auth_client *c = avskey_auth_by_token(a, "secret-token-1", 14);
    CHECK(c && strcmp(avskey_auth_client_name(c), "eigenda-node") == 0);
    CHECK(c && !avskey_auth_client_admin(c));
    c = avskey_auth_by_token(a, "tok2", 4);
    CHECK(c && strcmp(avskey_auth_client_name(c), "two") == 0);
    CHECK(avskey_auth_by_token(a, "tok", 3) == NULL);
    CHECK(avskey_auth_by_token(a, "tok2 ", 5) == NULL);
    CHECK(avskey_auth_by_token(a, "", 0) == NULL);
    /* a cert client has no token: an all-zero hash never matches it */
    c = avskey_auth_by_cn(a, "node-1");
    CHECK(c && strcmp(avskey_auth_client_name(c), "ops") == 0 && avskey_auth_client_admin(c));
    CHECK(avskey_auth_by_cn(a, "node-2") == NULL);
    CHECK(avskey_auth_by_cn(a, "Node-1") == NULL);
    avskey_auth_free(a);
}

TEST(auth_may_use)
{
    char h1[65], y[512];
    sha_hex(h1, "x");
    snprintf(y, sizeof y, "clients:\n- name: a\n  token_sha256: %s\n  keys: [\"0x5A0B54D5dc17e0AadC383d2db43B0a0D3E029c4c\", a3111a22]\n"
             "- name: b\n  cert_cn: cn\n  keys: [\"*\"]\n- name: c\n  cert_cn: cn2\n  keys: []\n", h1);
    avskey_auth *a = parse(y);
    CHECK(a != NULL);
    if (!a) return;
    const avskey_auth_client *c = avskey_auth_by_token(a, "x", 1);
    CHECK(c != NULL);
    if (c) {
        CHECK(avskey_auth_may_use(c, "0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c"));
        CHECK(avskey_auth_may_use(c, "5A0B54D5DC17E0AADC383D2DB43B0A0D3E029C4C"));
        CHECK(avskey_auth_may_use(c, "0XA3111A22"));
        CHECK(avskey_auth_may_use(c, "a3111a22"));
        CHECK(!avskey_auth_may_use(c, "a3111a2"));    /* no prefix match */
        CHECK(!avskey_auth_may_use(c, "a3111a2233"));
        CHECK(!avskey_auth_may_use(c, "0x"));
        CHECK(!avskey_auth_may_use(c, ""));
        CHECK(!avskey_auth_may_use(c, "*"));           /* "*" as a request id is not a wildcard */
    }
    c = avskey_auth_by_cn(a, "cn");
    CHECK(c && avskey_auth_may_use(c, "0xdeadbeef") && avskey_auth_may_use(c, "anything"));
    c = avskey_auth_by_cn(a, "cn2");
    CHECK(c && !avskey_auth_may_use(c, "0xdeadbeef"));
    avskey_auth_free(a);
}

TEST(auth_malformed)
{
    const char *H = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    char y[1024];
    CHECK(parse_fails("", "empty file"));
    CHECK(parse_fails("clients: {}\n", "must be a list"));
    CHECK(parse_fails("clientz: []\n", "unknown top-level field \"clientz\""));
    CHECK(parse_fails("clients: [\n", "YAML error at line"));
    CHECK(parse_fails("clients:\n- name: a\n  keys: [\"*\"]\n", "client 1 (a): needs token_sha256 or cert_cn"));
    snprintf(y, sizeof y, "clients:\n- name: a\n  token_sha256: %s\n  cert_cn: x\n  keys: [\"*\"]\n", H);
    CHECK(parse_fails(y, "client 1 (a): give token_sha256 or cert_cn, not both"));
    snprintf(y, sizeof y, "clients:\n- name: a\n  token_sha256: %s\n  keys: [\"*\"]\n  color: red\n", H);
    CHECK(parse_fails(y, "client 1 (a): unknown field \"color\""));
    snprintf(y, sizeof y, "clients:\n- name: a\n  token_sha256: %.63sG\n  keys: [\"*\"]\n", H);
    CHECK(parse_fails(y, "client 1 (a): field token_sha256 must be 64 lowercase hex"));
    CHECK(parse_fails("clients:\n- name: a\n  token_sha256: 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08\n  keys: [\"*\"]\n",
                      "field token_sha256 must be 64 lowercase hex"));
    snprintf(y, sizeof y, "clients:\n- name: a\n  token_sha256: %.62s\n  keys: [\"*\"]\n", H);
    CHECK(parse_fails(y, "token_sha256 must be 64"));
    snprintf(y, sizeof y, "clients:\n- name: a\n  cert_cn: x\n  keys: [\"*\"]\n- name: a\n  cert_cn: y\n  keys: [\"*\"]\n");
    CHECK(parse_fails(y, "client 2 (a): field name duplicates an earlier client"));
    snprintf(y, sizeof y, "clients:\n- name: a\n  cert_cn: x\n  keys: [\"*\"]\n- name: b\n  cert_cn: x\n  keys: [\"*\"]\n");
    CHECK(parse_fails(y, "client 2 (b): field cert_cn duplicates"));
    snprintf(y, sizeof y, "clients:\n- name: a\n  token_sha256: %s\n  keys: [\"*\"]\n- name: b\n  token_sha256: %s\n  keys: [\"*\"]\n", H, H);
    CHECK(parse_fails(y, "client 2 (b): field token_sha256 is the same"));
    CHECK(parse_fails("clients:\n- name: a\n  cert_cn: x\n", "client 1 (a): field keys missing"));
    CHECK(parse_fails("clients:\n- name: a\n  cert_cn: x\n  keys: \"*\"\n", "field keys must be a list"));
    CHECK(parse_fails("clients:\n- name: a\n  cert_cn: x\n  keys: [\"0xzz\"]\n", "field keys: entry 1 is not"));
    CHECK(parse_fails("clients:\n- name: a\n  cert_cn: x\n  keys: [[1]]\n", "entry 1 is not"));
    CHECK(parse_fails("clients:\n- name: a\n  cert_cn: x\n  keys: []\n  admin: yes\n", "field admin must be true or false"));
    CHECK(parse_fails("clients:\n- cert_cn: x\n  keys: []\n", "client 1: field name missing"));
    CHECK(parse_fails("clients:\n- name: \"\"\n  cert_cn: x\n  keys: []\n", "field name must be"));
    CHECK(parse_fails("clients:\n- just a string\n", "client 1: not a mapping"));
    CHECK(parse_fails("clients: []\n---\nclients: []\n", "more than one YAML document"));
    /* ok edge: empty list */
    avskey_auth *a = parse("clients: []\n");
    CHECK(a && avskey_auth_count(a) == 0);
    if (a) CHECK(avskey_auth_by_token(a, "x", 1) == NULL);
    avskey_auth_free(a);
}

TEST(auth_limits)
{
    /* 10001 clients refused; the size bound is checked before parsing */
    size_t cap = 10001 * 64 + 32;
    char *y = malloc(cap);
    size_t n = (size_t)snprintf(y, cap, "clients:\n");
    for (int i = 0; i < 10001; i++) n += (size_t)snprintf(y + n, cap - n, "- {name: c%d, cert_cn: c%d, keys: []}\n", i, i);
    avskey_auth *a = NULL;
    CHECK(avskey_auth_parse(&a, y, n, "big") == AVSKEY_ERR_MALFORMED);
    CHECK(strstr(avskey_errmsg(), "more than 10000 clients") != NULL);
    CHECK(avskey_auth_parse(&a, y, (1u << 20) + 1, "huge") == AVSKEY_ERR_MALFORMED);
    free(y);
}

TEST(auth_add_client_roundtrip)
{
    char path[4096], tok[65], tok2[65];
    snprintf(path, sizeof path, "%s/auth-add.yaml", avskey_test_tmpdir());
    unlink(path);
    CHECK(avskey_auth_add_client(path, "node1", "0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c, a3111a22", 0, tok) == AVSKEY_OK);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK(strlen(tok) == 64 && strspn(tok, "0123456789abcdef") == 64);
    CHECK(avskey_auth_add_client(path, "ops", "*", 1, tok2) == AVSKEY_OK);
    CHECK(strcmp(tok, tok2) != 0);
    /* duplicate name refused, file unchanged */
    char tok3[65] = "unchanged";
    CHECK(avskey_auth_add_client(path, "node1", "*", 0, tok3) == AVSKEY_ERR_EXISTS);
    CHECK_STR(tok3, "unchanged");
    CHECK(avskey_auth_add_client(path, "bad name", "*", 0, tok3) == AVSKEY_ERR_USAGE);
    CHECK(avskey_auth_add_client(path, "x", "0xzz", 0, tok3) == AVSKEY_ERR_USAGE);
    CHECK(avskey_auth_add_client(path, "x", "a,,b", 0, tok3) == AVSKEY_ERR_USAGE);
    avskey_auth *a = NULL;
    CHECK(avskey_auth_load(&a, path) == AVSKEY_OK);
    if (!a) return;
    CHECK(avskey_auth_count(a) == 2);
    const avskey_auth_client *c = avskey_auth_by_token(a, tok, 64);
    CHECK(c && strcmp(avskey_auth_client_name(c), "node1") == 0 && !avskey_auth_client_admin(c));
    CHECK(c && avskey_auth_may_use(c, "A3111A22") && !avskey_auth_may_use(c, "a3111a23"));
    c = avskey_auth_by_token(a, tok2, 64);
    CHECK(c && strcmp(avskey_auth_client_name(c), "ops") == 0 && avskey_auth_client_admin(c));
    avskey_auth_free(a);
    /* the token is not in the file; its sha256 is */
    FILE *f = fopen(path, "r");
    char buf[4096];
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f) fclose(f);
    buf[n] = '\0';
    char h[65];
    sha_hex(h, tok);
    CHECK(strstr(buf, tok) == NULL);
    CHECK(strstr(buf, h) != NULL);
}

TEST(auth_add_client_keeps_comments)
{
    char path[4096], tok[65];
    snprintf(path, sizeof path, "%s/auth-comments.yaml", avskey_test_tmpdir());
    FILE *f = fopen(path, "w");
    fputs("# operator notes\nclients:\n    - name: old   # inline\n      cert_cn: c\n      keys: ['*']", f);
    fclose(f);
    CHECK(avskey_auth_add_client(path, "new", "*", 0, tok) == AVSKEY_OK);
    f = fopen(path, "r");
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    CHECK(strstr(buf, "# operator notes") != NULL && strstr(buf, "# inline") != NULL);
    CHECK(strstr(buf, "\n    - name: 'new'\n      token_sha256: ") != NULL);
    /* flow style: rewritten canonically */
    f = fopen(path, "w");
    fputs("clients: [{name: \"o'k\", cert_cn: c, keys: [\"*\"]}]\n", f);
    fclose(f);
    CHECK(avskey_auth_add_client(path, "new", "*", 0, tok) == AVSKEY_OK);
    avskey_auth *a = NULL;
    CHECK(avskey_auth_load(&a, path) == AVSKEY_OK);
    CHECK(a && avskey_auth_count(a) == 2 && avskey_auth_by_cn(a, "c") &&
          strcmp(avskey_auth_client_name(avskey_auth_by_cn(a, "c")), "o'k") == 0);
    CHECK(a && avskey_auth_by_token(a, tok, 64) != NULL);
    avskey_auth_free(a);
    /* a malformed existing file is not overwritten */
    f = fopen(path, "w");
    fputs("clients: [oops\n", f);
    fclose(f);
    CHECK(avskey_auth_add_client(path, "new2", "*", 0, tok) == AVSKEY_ERR_MALFORMED);
}
