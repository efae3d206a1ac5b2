/* Error recording, wiping and constant-time comparison. */
#include "avskey/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char avskey_last_error[512];

const char *avskey_errmsg(void) { return avskey_last_error; }

avskey_err avskey_fail(avskey_err code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(avskey_last_error, sizeof avskey_last_error, fmt, ap);
    va_end(ap);
    return code;
}

int avskey_exit_code(avskey_err code)
{
    if (code == AVSKEY_OK) return 0;
    if (code == AVSKEY_ERR_USAGE || code == AVSKEY_ERR_MALFORMED) return 2;
    return 1;
}

void avskey_wipe(void *p, size_t len)
{
    if (len == 0) return;
    explicit_bzero(p, len);
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

int avskey_ct_memeq(const void *a, const void *b, size_t len)
{
    const volatile uint8_t *x = a, *y = b;
    uint32_t d = 0;
    for (size_t i = 0; i < len; i++) d |= (uint32_t)(x[i] ^ y[i]);
    /* d == 0 -> 1, else 0, without a branch */
    return (int)(1u & ((d - 1u) >> 8));
}
