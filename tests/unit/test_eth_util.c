#include "test.h"
#include "test_eth_util.h"

json_t *eth_test_load_vectors(const char *name)
{
    char path[4096];
    const char *top = getenv("AVSKEY_TOP");
    snprintf(path, sizeof path, "%s/tests/vectors/eth/%s", top && *top ? top : ".", name);
    json_error_t err;
    json_t *j = json_load_file(path, 0, &err);
    if (!j) {
        fprintf(stderr, "cannot load %s: %s (line %d)\n", path, err.text, err.line);
        avskey_test_failures++;
    }
    return j;
}

static int hv(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

uint8_t *eth_test_unhex(const char *hex, size_t *len)
{
    if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex += 2;
    size_t n = strlen(hex);
    if (n % 2) return NULL;
    uint8_t *b = malloc(n / 2 + 1);
    if (!b) return NULL;
    for (size_t i = 0; i < n / 2; i++) {
        int a = hv(hex[2 * i]), c = hv(hex[2 * i + 1]);
        if (a < 0 || c < 0) {
            free(b);
            return NULL;
        }
        b[i] = (uint8_t)(a << 4 | c);
    }
    *len = n / 2;
    return b;
}
