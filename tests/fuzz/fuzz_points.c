/* libFuzzer target: point decoding (gnark-compressed G1/G2, X||Y G1, raw
 * G2, E([x,y]) text). Whatever decodes must re-encode to the same bytes
 * (canonical encodings only) and lie in its group. */
#include "avskey/bls.h"
#include "avskey/bn254.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void g1_cases(const uint8_t *data, size_t size)
{
    avskey_bn254_g1 p;
    uint8_t out[64];
    if (size >= 32 && avskey_bn254_g1_decompress_var(&p, data, 1)) {
        avskey_bn254_g1_compress(out, &p);
        if (memcmp(out, data, 32) != 0) abort();
    }
    if (size >= 64 && avskey_bn254_g1_from_xy_var(&p, data, 0)) {
        avskey_bn254_g1_to_xy(out, &p);
        if (memcmp(out, data, 64) != 0) abort();
    }
}

static void g2_cases(const uint8_t *data, size_t size)
{
    avskey_bn254_g2 q;
    uint8_t out[128];
    if (size >= 64 && avskey_bn254_g2_decompress_var(&q, data, 1)) {
        avskey_bn254_g2_compress(out, &q);
        if (memcmp(out, data, 64) != 0) abort();
        if (!avskey_bn254_g2_is_infinity(&q) && !avskey_bn254_g2_in_subgroup_var(&q)) abort();
    }
    if (size >= 128 && avskey_bn254_g2_from_raw_var(&q, data, 0)) {
        avskey_bn254_g2_to_raw(out, &q);
        if (memcmp(out, data, 128) != 0) abort();
    }
}

static void text_case(const uint8_t *data, size_t size)
{
    char text[256];
    avskey_bn254_g1 p;
    char again[AVSKEY_BLS_E_MAX];
    if (size >= sizeof text) return;
    memcpy(text, data, size);
    text[size] = '\0';
    if (avskey_bls_g1_parse_E_var(&p, text) != AVSKEY_OK) return;
    avskey_bls_g1_format_E(again, &p);
    if (strcmp(again, text) != 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g1_cases(data, size);
    g2_cases(data, size);
    text_case(data, size);
    return 0;
}
