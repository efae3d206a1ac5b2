/* Web3Signer key-config files: the eigenlayer-cli fixture, multi-document
 * files, relative paths, hidden and non-YAML files, file-raw, bad
 * documents counted and reported without secrets. */
#include "test.h"

#include "server/keyconfig.h"

#include <sys/stat.h>
#include <unistd.h>

typedef struct msgs { char all[8192]; int n; } msgs;

static void collect(void *ctx, const char *msg)
{
    msgs *m = ctx;
    size_t l = strlen(m->all);
    snprintf(m->all + l, sizeof m->all - l, "%s\n", msg);
    m->n++;
}

static void put(const char *dir, const char *name, const char *text)
{
    char p[8192];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (!f) { perror(p); return; }
    fputs(text, f);
    fclose(f);
}

static const char *mkdir_in_tmp(const char *name)
{
    static char p[4096];
    snprintf(p, sizeof p, "%s/%s", avskey_test_tmpdir(), name);
    mkdir(p, 0700);
    return p;
}

TEST(keyconfig_fixture)
{
    /* copy the eigenlayer-cli fixture into a temp folder */
    FILE *f = fopen(avskey_test_fixture("eigen/eigenlayer-cli/web3signer/key-config.yaml"), "r");
    CHECK(f != NULL);
    if (!f) return;
    char text[2048];
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = '\0';
    const char *dir = mkdir_in_tmp("kc-fixture");
    put(dir, "key-config.yaml", text);
    avskey_keyconfig_entry *e = NULL;
    size_t n = 0, errors = 9;
    msgs m = {{0}, 0};
    CHECK(avskey_keyconfig_load_dir(dir, &e, &n, &errors, collect, &m) == AVSKEY_OK);
    CHECK(n == 1 && errors == 0 && m.n == 0);
    if (n == 1) {
        char src[8192];
        snprintf(src, sizeof src, "%s/key-config.yaml", dir);
        CHECK_STR(e[0].source, src);
        CHECK(e[0].doc_index == 1);
        CHECK(e[0].kind == AVSKEY_KC_FILE_KEYSTORE && e[0].key_type == AVSKEY_KC_SECP256K1);
        CHECK_STR(e[0].keystore_file, "/data/keystore/opr.ecdsa.key.json");
        CHECK_STR(e[0].password_file, "/data/password/opr.ecdsa.key.txt");
        CHECK(e[0].raw_sk == NULL);
    }
    avskey_keyconfig_free(e, n);
}

TEST(keyconfig_dir_rules)
{
    const char *dir = mkdir_in_tmp("kc-dir");
    char sub[8192];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    mkdir(sub, 0700);
    /* a.yaml: three documents, relative + absolute paths, BLS in lower case */
    put(dir, "a.yaml",
        "type: \"file-keystore\"\nkeystoreFile: \"keys/opr.ecdsa.key.json\"\nkeystorePasswordFile: pw/opr.txt\n"
        "---\n"
        "type: file-keystore\nkeyType: bls\nkeystoreFile: /abs/k.json\nkeystorePasswordFile: /abs/p.txt\nextra: ignored\n"
        "---\n"
        "type: file-raw\nkeyType: SECP256K1\nprivateKey: \"0x42281fddc4e57b9d993ccbac0e6cfe257f63e4b39cb5c686acb593d85648f0f1\"\n"
        "---\n");   /* trailing empty document: skipped */
    /* B.YML: extension in any case; bad documents among good ones */
    put(dir, "B.YML",
        "type: file-raw\nprivateKey: 42281FDDC4E57B9D993CCBAC0E6CFE257F63E4B39CB5C686ACB593D85648F0F2\n"
        "---\n"
        "type: File-Raw\nprivateKey: \"0x1111111111111111111111111111111111111111111111111111111111111111\"\n"
        "---\n"
        "type: file-raw\nprivateKey: \"0x2222222222222222222222222222222222222222222222222222222222222\"\n"
        "---\n"
        "type: hashicorp\nserverHost: vault\n"
        "---\n"
        "type: file-keystore\nkeystoreFile: k.json\n"
        "---\n"
        "type: file-keystore\nkeyType: ED25519\nkeystoreFile: k.json\nkeystorePasswordFile: p\n"
        "---\n"
        "- a list\n"
        "---\n"
        "keystoreFile: k.json\n"
        "---\n"
        "type: file-keystore\nkeystoreFile: k.json\nkeystorePasswordFile: p\nkeystoreFile: again.json\n"
        "---\n"
        "type: file-keystore\nkeystoreFile: [k.json]\nkeystorePasswordFile: p\n"
        "---\n"
        "type: file-keystore\nkeystoreFile: last.json\nkeystorePasswordFile: p\n");
    /* skipped: hidden, other extension, sub-folder */
    put(dir, ".hidden.yaml", "type: file-keystore\nkeystoreFile: h\nkeystorePasswordFile: h\n");
    put(dir, "notes.txt", "type: file-keystore\nkeystoreFile: t\nkeystorePasswordFile: t\n");
    put(dir, "yaml", "type: file-keystore\nkeystoreFile: t\nkeystorePasswordFile: t\n");
    put(sub, "deep.yaml", "type: file-keystore\nkeystoreFile: d\nkeystorePasswordFile: d\n");
    /* c.yml: a YAML syntax error after one good document; d.yaml empty */
    put(dir, "c.yml", "type: file-keystore\nkeystoreFile: c1\nkeystorePasswordFile: c1\n---\ntype: [unclosed\n");
    put(dir, "d.yaml", "");
    avskey_keyconfig_entry *e = NULL;
    size_t n = 0, errors = 0;
    msgs m = {{0}, 0};
    CHECK(avskey_keyconfig_load_dir(dir, &e, &n, &errors, collect, &m) == AVSKEY_OK);
    /* order: B.YML, a.yaml, c.yml, d.yaml (byte order of names) */
    CHECK(n == 6);
    CHECK(errors == 11 && m.n == 11);
    if (n == 6) {
        char want[8192];
        /* B.YML doc 1: raw without 0x, upper-case hex */
        CHECK(e[0].kind == AVSKEY_KC_FILE_RAW && e[0].doc_index == 1 && e[0].key_type == AVSKEY_KC_SECP256K1);
        CHECK(e[0].raw_sk && CHECK_HEX(e[0].raw_sk, 32, "42281fddc4e57b9d993ccbac0e6cfe257f63e4b39cb5c686acb593d85648f0f2"));
        CHECK(e[0].keystore_file[0] == '\0');
        /* B.YML doc 11 */
        CHECK(e[1].doc_index == 11);
        snprintf(want, sizeof want, "%s/last.json", dir);
        CHECK_STR(e[1].keystore_file, want);
        /* a.yaml */
        snprintf(want, sizeof want, "%s/a.yaml", dir);
        CHECK_STR(e[2].source, want);
        CHECK(e[2].doc_index == 1 && e[2].kind == AVSKEY_KC_FILE_KEYSTORE);
        snprintf(want, sizeof want, "%s/keys/opr.ecdsa.key.json", dir);
        CHECK_STR(e[2].keystore_file, want);
        snprintf(want, sizeof want, "%s/pw/opr.txt", dir);
        CHECK_STR(e[2].password_file, want);
        CHECK(e[3].doc_index == 2 && e[3].key_type == AVSKEY_KC_BLS);
        CHECK_STR(e[3].keystore_file, "/abs/k.json");
        CHECK_STR(e[3].password_file, "/abs/p.txt");
        CHECK(e[4].doc_index == 3 && e[4].kind == AVSKEY_KC_FILE_RAW && e[4].raw_sk &&
              CHECK_HEX(e[4].raw_sk, 32, "42281fddc4e57b9d993ccbac0e6cfe257f63e4b39cb5c686acb593d85648f0f1"));
        /* c.yml doc 1 survives the syntax error in doc 2 */
        CHECK(e[5].doc_index == 1 && strstr(e[5].source, "/c.yml") != NULL);
    }
    /* each error names the file and document */
    const char *want_msgs[] = {
        "B.YML: document 2: unknown type \"File-Raw\"",
        "B.YML: document 3: privateKey must be 64 hex digits",
        "B.YML: document 4: type hashicorp is not supported by avskey",
        "B.YML: document 5: type file-keystore needs keystoreFile and keystorePasswordFile",
        "B.YML: document 6: keyType \"ED25519\" is not SECP256K1 or BLS",
        "B.YML: document 7: not a mapping",
        "B.YML: document 8: no \"type\" field",
        "B.YML: document 9: field keystoreFile given twice",
        "B.YML: document 10: field keystoreFile must be a non-empty string",
        "c.yml: document 2: YAML error at line",
        "d.yaml: no signing metadata (empty file)",
    };
    for (size_t i = 0; i < sizeof want_msgs / sizeof want_msgs[0]; i++)
        if (!strstr(m.all, want_msgs[i])) {
            fprintf(stderr, "  missing message: %s\n  got:\n%s", want_msgs[i], m.all);
            avskey_test_failures++;
        }
    /* no secret in any message */
    CHECK(strstr(m.all, "1111111111") == NULL && strstr(m.all, "2222222222") == NULL);
    CHECK(strstr(m.all, ".hidden") == NULL && strstr(m.all, "deep") == NULL);
    avskey_keyconfig_free(e, n);
    /* a missing folder is an error of the call */
    CHECK(avskey_keyconfig_load_dir("/nonexistent-kc", &e, &n, &errors, NULL, NULL) == AVSKEY_ERR_NOTFOUND);
}

TEST(keyconfig_parse_bytes)
{
    avskey_keyconfig_entry *e = NULL;
    size_t n = 0, errors = 0;
    const char *y = "type: file-raw\nprivateKey: \"0x00000000000000000000000000000000000000000000000000000000000000ff\"\n"
                    "---\ntype: file-keystore\nkeystoreFile: k\nkeystorePasswordFile: p\nprivateKey: x\n";
    CHECK(avskey_keyconfig_parse(y, strlen(y), "mem.yaml", "/base", &e, &n, &errors, NULL, NULL) == AVSKEY_OK);
    CHECK(n == 1 && errors == 1);
    if (n >= 1) CHECK(e[0].raw_sk && e[0].raw_sk[31] == 0xff && e[0].raw_sk[0] == 0);
    /* appends to an existing array */
    const char *y2 = "type: file-keystore\nkeystoreFile: k\nkeystorePasswordFile: p\n";
    CHECK(avskey_keyconfig_parse(y2, strlen(y2), "mem2.yaml", "/base", &e, &n, &errors, NULL, NULL) == AVSKEY_OK);
    CHECK(n == 2 && errors == 1);
    if (n == 2) CHECK_STR(e[1].keystore_file, "/base/k");
    avskey_keyconfig_free(e, n);
}
