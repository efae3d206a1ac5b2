/* Temporary: replaced by the go-password-validator port. */
#include "avskey/passphrase.h"
double avskey_password_entropy(const char *pw, size_t len) { (void)pw; return (double)len * 6.0; }
avskey_err avskey_passphrase_check_strength(const avskey_pw *pw)
{
    if (avskey_password_entropy(pw->buf, pw->len) < AVSKEY_MIN_ENTROPY_BITS)
        return avskey_fail(AVSKEY_ERR_WEAK, "passphrase too weak");
    return AVSKEY_OK;
}
