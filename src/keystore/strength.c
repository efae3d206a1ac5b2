/* Passphrase strength as eigenlayer-cli measures it.
 *
 * eigenlayer-cli (pkg/operator/keys/create.go) rejects a new password
 * unless passwordvalidator.Validate(password, 70) passes, i.e. unless
 * GetEntropy(password) >= 70, with github.com/wagslane/go-password-validator
 * v0.3.0. The rules below restate that package's behaviour (own code):
 *
 *  - The password is a Go string: it is walked as runes (UTF-8 code
 *    points; an invalid byte decodes to U+FFFD and advances one byte).
 *  - base (base.go): the sum of the sizes of the pools that occur among
 *    its runes: replace `!@$&*` (5), separators `_-., ` (5), other
 *    specials `"#%'()+/:;<=>?[\]^{|}~` (22), lowercase (26), uppercase
 *    (26), digits (10); plus 1 for every DISTINCT rune in no pool (any
 *    non-ASCII rune, control characters, and the backtick).
 *  - length (length.go): first a rune equal to the two before it is
 *    dropped (the "two before" start as rune 0), then runs longer than two
 *    of the sequences 0123456789, qwertyuiop, asdfghjkl, zxcvbnm, a..z and
 *    of their reverses are cut by the loop of removeMoreThanTwoFromSequence
 *    (reproduced step by step, including its quirks). The result is
 *    len() of the Go string, i.e. its length in UTF-8 BYTES, not runes.
 *  - entropy (entropy.go): log2(base) added length times (logPow), where
 *    Go's math.Log2(x) is Log(frac)*(1/Ln2) + exp from Frexp, exact for
 *    powers of two.
 */
#include "avskey/passphrase.h"
#include "avskey/secmem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Decodes one rune at s[*i] as Go's utf8.DecodeRuneInString does:
 * shortest forms only, no surrogates, <= U+10FFFF; else U+FFFD, width 1. */
static uint32_t avskey_go_rune(const uint8_t *s, size_t len, size_t *i)
{
    size_t k = *i;
    uint8_t b0 = s[k];
    if (b0 < 0x80) { *i = k + 1; return b0; }
    size_t need = b0 >= 0xc2 && b0 <= 0xdf ? 1 : b0 >= 0xe0 && b0 <= 0xef ? 2
                : b0 >= 0xf0 && b0 <= 0xf4 ? 3 : 0;
    uint8_t lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
    if (b0 == 0xe0) lo = 0xa0;
    if (b0 == 0xed) hi = 0x9f;
    if (b0 == 0xf0) lo = 0x90;
    if (b0 == 0xf4) hi = 0x8f;
    if (need == 0 || len - k <= need || s[k + 1] < lo || s[k + 1] > hi) {
        *i = k + 1;
        return 0xfffd;
    }
    uint32_t r = b0 & (0x7fu >> (need + 1));
    for (size_t j = 1; j <= need; j++) {
        if ((s[k + j] & 0xc0) != 0x80) { *i = k + 1; return 0xfffd; }
        r = (r << 6) | (s[k + j] & 0x3fu);
    }
    *i = k + need + 1;
    return r;
}

/* Decodes pw into runes (capacity len). Returns: the number of runes. */
static size_t avskey_go_runes(uint32_t *out, const char *pw, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) out[n++] = avskey_go_rune((const uint8_t *)pw, len, &i);
    return n;
}

static size_t avskey_utf8_width(uint32_t r)
{
    return r < 0x80 ? 1 : r < 0x800 ? 2 : r < 0x10000 ? 3 : 4;
}

static const char *const avskey_pools[6] = {
    "!@$&*", "_-., ", "\"#%'()+/:;<=>?[\\]^{|}~",
    "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789",
};

/* Returns: the pool index of rune r, or -1. */
static int avskey_pool_of(uint32_t r)
{
    if (r == 0 || r > 0x7f) return -1;
    for (int p = 0; p < 6; p++)
        if (strchr(avskey_pools[p], (int)r)) return p;
    return -1;
}

static int avskey_cmp_rune(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* getBase. Reorders r (a scratch copy). */
static size_t avskey_go_base(uint32_t *r, size_t n)
{
    int seen[6] = {0};
    size_t base = 0, others = 0;
    for (size_t i = 0; i < n; i++) {
        int p = avskey_pool_of(r[i]);
        if (p >= 0) seen[p] = 1;
        else r[others++] = r[i];
    }
    qsort(r, others, sizeof r[0], avskey_cmp_rune);
    for (size_t i = 0; i < others; i++) base += i == 0 || r[i] != r[i - 1];
    for (int p = 0; p < 6; p++)
        if (seen[p]) base += strlen(avskey_pools[p]);
    return base;
}

/* removeMoreThanTwoRepeatingChars. Returns: the new rune count. */
static size_t avskey_drop_repeats(uint32_t *r, size_t n)
{
    uint32_t prev = 0, prev2 = 0;
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = r[i];
        if (!(c == prev && c == prev2)) r[w++] = c;
        prev2 = prev;
        prev = c;
    }
    return w;
}

static size_t avskey_delete_at(uint32_t *r, size_t n, size_t i)
{
    memmove(r + i, r + i + 1, (n - i - 1) * sizeof r[0]);
    r[n - 1] = 0;
    return n - 1;
}

/* removeMoreThanTwoFromSequence, the same loop as upstream: the match
 * counter survives across positions, a match advances i inside the inner
 * loop and the outer loop advances i again. Returns: the new count. */
static size_t avskey_drop_sequence(uint32_t *r, size_t n, const char *seq)
{
    size_t m = strlen(seq);
    int matches = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < m && i < n; j++) {
            if (r[i] != (uint8_t)seq[j]) {
                matches = 0;
                continue;
            }
            matches++;
            if (matches > 2) n = avskey_delete_at(r, n, i);
            else i++;
        }
    }
    return n;
}

static const char *const avskey_sequences[10] = {
    "0123456789", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz",
    "9876543210", "poiuytrewq", "lkjhgfdsa", "mnbvcxz", "zyxwvutsrqponmlkjihgfedcba",
};

/* getLength: UTF-8 byte length after the removals. Modifies r. */
static size_t avskey_go_length(uint32_t *r, size_t n)
{
    n = avskey_drop_repeats(r, n);
    for (size_t s = 0; s < 10; s++) n = avskey_drop_sequence(r, n, avskey_sequences[s]);
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++) bytes += avskey_utf8_width(r[i]);
    return bytes;
}

/* Go's math.Log (the FreeBSD e_log.c method; constants from fdlibm) for
 * x in [0.5, 1). */
static double avskey_go_log_frac(double x)
{
    static const double ln2_hi = 6.93147180369123816490e-01;
    static const double ln2_lo = 1.90821492927058770002e-10;
    static const double l1 = 6.666666666666735130e-01, l2 = 3.999999999940941908e-01,
                        l3 = 2.857142874366239149e-01, l4 = 2.222219843214978396e-01,
                        l5 = 1.818357216161805012e-01, l6 = 1.531383769920937332e-01,
                        l7 = 1.479819860511658591e-01;
    double f1 = x, k = 0.0;
    if (f1 < M_SQRT1_2) {
        f1 *= 2;
        k = -1.0;
    }
    double f = f1 - 1;
    double s = f / (2 + f);
    double s2 = s * s, s4 = s2 * s2;
    double t1 = s2 * (l1 + s4 * (l3 + s4 * (l5 + s4 * l7)));
    double t2 = s4 * (l2 + s4 * (l4 + s4 * l6));
    double hfsq = 0.5 * f * f;
    return k * ln2_hi - ((hfsq - (s * (hfsq + t1 + t2) + k * ln2_lo)) - f);
}

/* Go's math.Log2 for x >= 1. */
static double avskey_go_log2(double x)
{
    int e = 0;
    double frac = frexp(x, &e);
    if (frac == 0.5) return (double)(e - 1);
    return avskey_go_log_frac(frac) * M_LOG2E + (double)e;
}

/* logPow(base, length, 2): log2(base) summed length times. */
static double avskey_go_logpow2(size_t base, size_t length)
{
    double total = 0.0;
    if (base == 0) return 0.0; /* only with no runes, so length is 0 */
    double step = avskey_go_log2((double)base);
    for (size_t i = 0; i < length; i++) total += step;
    return total;
}

double avskey_password_entropy(const char *pw, size_t len)
{
    if (len == 0) return 0.0;
    if (len > SIZE_MAX / sizeof(uint32_t)) abort(); /* cannot be in memory */
    uint32_t *r = avskey_secmem_alloc(len * sizeof(uint32_t));
    if (r == NULL) abort(); /* cannot happen short of address-space exhaustion */
    size_t n = avskey_go_runes(r, pw, len);
    size_t length = avskey_go_length(r, n);
    n = avskey_go_runes(r, pw, len);
    size_t base = avskey_go_base(r, n);
    avskey_secmem_free(r);
    return avskey_go_logpow2(base, length);
}

avskey_err avskey_passphrase_check_strength(const avskey_pw *pw)
{
    double bits = avskey_password_entropy(pw->buf ? pw->buf : "", pw->len);
    if (bits >= AVSKEY_MIN_ENTROPY_BITS) return AVSKEY_OK;
    return avskey_fail(AVSKEY_ERR_WEAK,
                       "passphrase too weak (%.0f bits, need %.0f): use a longer passphrase "
                       "with more kinds of characters, or pass --insecure",
                       (double)(long)bits, AVSKEY_MIN_ENTROPY_BITS);
}
