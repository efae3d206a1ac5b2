/* Hex encoding (constant time) and decoding (variable time, public data). */
#include "avskey/common.h"

#include <string.h>

static int hexval_var(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static const char *skip_0x(const char *hex)
{
    if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) return hex + 2;
    return hex;
}

/* Decodes hex without a prefix. */
static int decode_plain(uint8_t *out, size_t *outlen, size_t cap, const char *hex)
{
    size_t n = strlen(hex);
    if (n % 2 != 0 || n / 2 > cap) return 0;
    for (size_t i = 0; i < n; i++)
        if (hexval_var(hex[i]) < 0) return 0;
    for (size_t i = 0; i < n / 2; i++)
        out[i] = (uint8_t)((hexval_var(hex[2 * i]) << 4) | hexval_var(hex[2 * i + 1]));
    *outlen = n / 2;
    return 1;
}

int avskey_hex_decode_any_var(uint8_t *out, size_t *outlen, size_t cap, const char *hex)
{
    return decode_plain(out, outlen, cap, skip_0x(hex));
}

int avskey_hex_decode_var(uint8_t *out, size_t outlen, const char *hex)
{
    const char *h = skip_0x(hex);
    if (strlen(h) != 2 * outlen) return 0;
    size_t got = 0;
    return decode_plain(out, &got, outlen, h);
}

/* Nibble to lowercase hex digit without a table lookup or branch. */
static char nibble_hex(unsigned v)
{
    /* v < 10 -> '0'+v ; else 'a'+v-10 */
    unsigned ge10 = ((9u - v) >> 8) & 1u;
    return (char)('0' + v + ge10 * ('a' - '0' - 10));
}

void avskey_hex_encode(char *out, const uint8_t *in, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = nibble_hex((unsigned)(in[i] >> 4));
        out[2 * i + 1] = nibble_hex((unsigned)(in[i] & 15u));
    }
    out[2 * len] = '\0';
}

int avskey_id_normalize(char *out, size_t cap, const char *id, size_t bytes)
{
    if (id[0] == '0' && (id[1] == 'x' || id[1] == 'X')) id += 2;
    size_t n = strlen(id);
    if (n + 1 > cap || (bytes && n != 2 * bytes) || n == 0) return 0;
    for (size_t i = 0; i <= n; i++) {
        char c = id[i];
        if (c >= 'A' && c <= 'F') c = (char)(c - 'A' + 'a');
        if (i < n && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return 0;
        out[i] = c;
    }
    return 1;
}
