#include "test.h"

#include "avskey/common.h"

#include <limits.h>
#include <unistd.h>

#define MAX_TESTS 1024
static struct { const char *name; avskey_test_fn fn; } tests[MAX_TESTS];
static int ntests;
int avskey_test_failures;
static char tmpdir[PATH_MAX];

void avskey_test_register(const char *name, avskey_test_fn fn)
{
    if (ntests < MAX_TESTS) { tests[ntests].name = name; tests[ntests].fn = fn; ntests++; }
}

const char *avskey_test_fixture(const char *rel)
{
    static _Thread_local char buf[PATH_MAX];
    const char *base = getenv("AVSKEY_FIXTURES");
    if (!base) base = "../shared/fixtures";
    snprintf(buf, sizeof buf, "%s/%s", base, rel);
    return buf;
}

static void cleanup_tmp(void)
{
    if (tmpdir[0]) {
        char cmd[PATH_MAX + 16];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    }
}

const char *avskey_test_tmpdir(void)
{
    if (!tmpdir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(tmpdir, sizeof tmpdir, "%s/avskey-test-XXXXXX", t ? t : "/tmp");
        if (!mkdtemp(tmpdir)) { perror("mkdtemp"); exit(2); }
        atexit(cleanup_tmp);
    }
    return tmpdir;
}

int avskey_test_hex_eq(const char *file, int line, const uint8_t *buf, size_t len, const char *hex)
{
    char *got = malloc(2 * len + 1);
    if (!got) abort();
    avskey_hex_encode(got, buf, len);
    const char *want = (hex[0] == '0' && hex[1] == 'x') ? hex + 2 : hex;
    int ok = strcasecmp(got, want) == 0;
    if (!ok) {
        fprintf(stderr, "%s:%d: CHECK_HEX failed:\n  got  %s\n  want %s\n", file, line, got, want);
        avskey_test_failures++;
    }
    free(got);
    return ok;
}

static int run(int i)
{
    int before = avskey_test_failures;
    tests[i].fn();
    int ok = avskey_test_failures == before;
    printf("%s %s\n", ok ? "ok  " : "FAIL", tests[i].name);
    fflush(stdout);
    return ok;
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    if (argc > 1 && strcmp(argv[1], "--list") == 0) {
        for (int i = 0; i < ntests; i++) printf("%s\n", tests[i].name);
        return 0;
    }
    for (int i = 0; i < ntests; i++) {
        int selected = argc == 1;
        for (int a = 1; a < argc; a++) selected |= strcmp(argv[a], tests[i].name) == 0;
        if (!selected) continue;
        if (run(i)) passed++; else failed++;
    }
    if (passed + failed == 0) { fprintf(stderr, "no test matched\n"); return 2; }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
