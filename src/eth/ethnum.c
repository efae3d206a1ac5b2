/* Number, address and hex parsing for JSON-RPC inputs. */
#include "eth/eth_internal.h"

#include "avskey/ecdsa.h"

#include <stdlib.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int eth_parse_uint256(uint8_t out[32], const char *s, int allow_decimal)
{
    uint8_t v[32];
    memset(v, 0, sizeof v);
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        const char *h = s + 2;
        size_t n = strlen(h);
        if (n == 0) return ETH_NUM_SYNTAX;
        for (size_t i = 0; i < n; i++)
            if (hexval(h[i]) < 0) return ETH_NUM_SYNTAX;
        while (n > 1 && h[0] == '0') {
            h++;
            n--;
        }
        if (n > 64) return ETH_NUM_RANGE;
        /* Fill from the least significant digit. */
        for (size_t i = 0; i < n; i++) {
            int d = hexval(h[n - 1 - i]);
            v[31 - i / 2] = (uint8_t)(v[31 - i / 2] | (i % 2 ? d << 4 : d));
        }
        memcpy(out, v, 32);
        return ETH_NUM_OK;
    }
    if (!allow_decimal) return ETH_NUM_SYNTAX;
    size_t n = strlen(s);
    if (n == 0) return ETH_NUM_SYNTAX;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return ETH_NUM_SYNTAX;
        unsigned carry = (unsigned)(s[i] - '0');
        for (int j = 31; j >= 0; j--) {
            unsigned t = (unsigned)v[j] * 10u + carry;
            v[j] = (uint8_t)(t & 0xff);
            carry = t >> 8;
        }
        if (carry) return ETH_NUM_RANGE;
    }
    memcpy(out, v, 32);
    return ETH_NUM_OK;
}

int eth_u256_to_u64(uint64_t *v, const uint8_t be[32])
{
    for (int i = 0; i < 24; i++)
        if (be[i]) return 0;
    uint64_t r = 0;
    for (int i = 24; i < 32; i++) r = (r << 8) | be[i];
    *v = r;
    return 1;
}

void eth_u64_to_u256(uint8_t be[32], uint64_t v)
{
    memset(be, 0, 32);
    for (int i = 31; i >= 24; i--) {
        be[i] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
}

int eth_parse_address(uint8_t out[20], const char *s, int checksum)
{
    if (!(s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) || strlen(s) != 42) return 0;
    for (size_t i = 2; i < 42; i++)
        if (hexval(s[i]) < 0) return 0;
    uint8_t a[20];
    if (!avskey_hex_decode_var(a, 20, s)) return 0;
    if (checksum) {
        int lower = 0, upper = 0;
        for (size_t i = 2; i < 42; i++) {
            if (s[i] >= 'a' && s[i] <= 'f') lower = 1;
            if (s[i] >= 'A' && s[i] <= 'F') upper = 1;
        }
        if (lower && upper) {
            char want[43];
            avskey_eip55_var(want, a);
            if (memcmp(want + 2, s + 2, 40) != 0) return 0;
        }
    }
    memcpy(out, a, 20);
    return 1;
}

int eth_parse_hex_bytes(uint8_t **out, size_t *outlen, const char *s, size_t max)
{
    const char *h = s;
    if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X')) h += 2;
    else if (h[0] != '\0') return ETH_NUM_SYNTAX;
    size_t n = strlen(h);
    if (n % 2) return ETH_NUM_SYNTAX;
    for (size_t i = 0; i < n; i++)
        if (hexval(h[i]) < 0) return ETH_NUM_SYNTAX;
    if (n / 2 > max) return ETH_NUM_RANGE;
    if (n == 0) {
        *out = NULL;
        *outlen = 0;
        return ETH_NUM_OK;
    }
    uint8_t *b = malloc(n / 2);
    if (!b) return -1;
    for (size_t i = 0; i < n / 2; i++)
        b[i] = (uint8_t)(hexval(h[2 * i]) << 4 | hexval(h[2 * i + 1]));
    *out = b;
    *outlen = n / 2;
    return ETH_NUM_OK;
}
