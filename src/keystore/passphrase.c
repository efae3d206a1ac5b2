/* Temporary minimal passphrase reader (replaced by the full module). */
#include "avskey/passphrase.h"
#include "avskey/secmem.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static avskey_err read_line_fd(avskey_pw *out, int fd)
{
    char *buf = avskey_secmem_alloc(AVSKEY_PW_MAX + 1);
    size_t n = 0;
    char c;
    if (!buf) return avskey_fail(AVSKEY_ERR_NOMEM, "out of secure memory");
    while (n < AVSKEY_PW_MAX && read(fd, &c, 1) == 1 && c != '\n') buf[n++] = c;
    if (n > 0 && buf[n - 1] == '\r') n--;
    buf[n] = 0;
    out->buf = buf;
    out->len = n;
    return AVSKEY_OK;
}

avskey_err avskey_passphrase_read(avskey_pw *out, const avskey_pw_source *src, const char *prompt, int confirm)
{
    (void)prompt;
    (void)confirm;
    out->buf = NULL;
    out->len = 0;
    if (src->kind == AVSKEY_PW_FILE) {
        int fd = open(src->arg, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return avskey_fail(AVSKEY_ERR_NOTFOUND, "%s: cannot open password file", src->arg);
        avskey_err e = read_line_fd(out, fd);
        close(fd);
        return e;
    }
    if (src->kind == AVSKEY_PW_ENV) {
        const char *v = getenv(src->arg);
        if (!v) return avskey_fail(AVSKEY_ERR_USAGE, "environment variable %s is not set", src->arg);
        out->buf = avskey_secmem_alloc(strlen(v) + 1);
        memcpy(out->buf, v, strlen(v));
        out->len = strlen(v);
        return AVSKEY_OK;
    }
    if (src->kind == AVSKEY_PW_FD) return read_line_fd(out, atoi(src->arg));
    return read_line_fd(out, 0);
}

void avskey_passphrase_free(avskey_pw *pw)
{
    avskey_secmem_free(pw->buf);
    pw->buf = NULL;
    pw->len = 0;
}
