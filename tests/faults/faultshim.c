/* LD_PRELOAD fault injector for avskey's atomic write path
 * (avskey_file_write_atomic in src/keystore/keydir.c).
 *
 *   AVSKEY_FAULT=ACTION:WHEN:CALL[:N]
 *     ACTION  kill            raise SIGKILL (a crash at exactly that point)
 *             ENOSPC|EIO|EROFS|EDQUOT|EACCES
 *                             fail the call with that errno (WHEN must be before)
 *     WHEN    before | after  the real call
 *     CALL    mkostemp fchmod write fsync close link rename unlink dirfsync
 *             (write/fchmod/fsync/close: on the temporary file only;
 *              dirfsync: fsync of any other fd, i.e. the folder;
 *              link/rename/unlink: paths containing ".tmp-" only)
 *     N       the Nth matching call (default 1)
 *   AVSKEY_FAULT_LOG=FILE   appends one line per intercepted call, in order
 *                           ("mkostemp", "write", "fsync", "link", ...).
 *   AVSKEY_FAULT_FAST_KDF=1 scrypt runs with N capped at 16 whatever the file
 *                           says: files written so decrypt only under the
 *                           shim (MAC and address checks still real). Only
 *                           for tests of the write path, to skip the 0.5 s KDF.
 *
 * Build: cc -shared -fPIC -o faultshim.so tests/faults/faultshim.c -ldl
 * With an ASan binary also set ASAN_OPTIONS=verify_asan_link_order=0. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int tmp_fd = -1;
static int parsed;
static char f_action[16], f_when[8], f_call[16];
static int f_nth = 1, f_seen;

static void parse(void)
{
    if (parsed) return;
    parsed = 1;
    const char *s = getenv("AVSKEY_FAULT");
    if (!s || !*s) return;
    char buf[64];
    snprintf(buf, sizeof buf, "%s", s);
    char *a = strtok(buf, ":"), *w = strtok(NULL, ":"), *c = strtok(NULL, ":"), *n = strtok(NULL, ":");
    if (!a || !w || !c) {
        fprintf(stderr, "faultshim: bad AVSKEY_FAULT=%s\n", s);
        _exit(99);
    }
    snprintf(f_action, sizeof f_action, "%s", a);
    snprintf(f_when, sizeof f_when, "%s", w);
    snprintf(f_call, sizeof f_call, "%s", c);
    if (n) f_nth = atoi(n);
}

static void logcall(const char *call)
{
    const char *p = getenv("AVSKEY_FAULT_LOG");
    if (!p) return;
    int fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return;
    char line[32];
    int n = snprintf(line, sizeof line, "%s\n", call);
    ssize_t (*real_write)(int, const void *, size_t) = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    if (real_write(fd, line, (size_t)n) < 0) { /* best effort */ }
    close(fd);
}

static int errno_of(const char *name)
{
    static const struct { const char *n; int e; } t[] = {
        {"ENOSPC", ENOSPC}, {"EIO", EIO}, {"EROFS", EROFS}, {"EDQUOT", EDQUOT}, {"EACCES", EACCES}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(t[i].n, name) == 0) return t[i].e;
    return 0;
}

/* Called before (when=0) and after (when=1) each matching call. Returns an
 * errno to fail the call with (before only), else 0. */
static int hook(const char *call, int after)
{
    parse();
    if (!after) logcall(call);
    if (!f_call[0] || strcmp(call, f_call) != 0) return 0;
    if (strcmp(f_when, after ? "after" : "before") != 0) return 0;
    if (++f_seen != f_nth) return 0;
    if (strcmp(f_action, "kill") == 0) {
        raise(SIGKILL);
        _exit(137);
    }
    int e = errno_of(f_action);
    if (!e || after) {
        fprintf(stderr, "faultshim: bad action %s:%s\n", f_action, f_when);
        _exit(99);
    }
    return e;
}

#define REAL(ret, name, ...) \
    static ret (*real)(__VA_ARGS__); \
    if (!real) real = (ret (*)(__VA_ARGS__))dlsym(RTLD_NEXT, name)

int mkostemp(char *tmpl, int flags)
{
    REAL(int, "mkostemp", char *, int);
    int e = hook("mkostemp", 0);
    if (e) { errno = e; return -1; }
    int fd = real(tmpl, flags);
    if (fd >= 0 && strstr(tmpl, ".tmp-")) tmp_fd = fd;
    hook("mkostemp", 1);
    return fd;
}

int fchmod(int fd, mode_t mode)
{
    REAL(int, "fchmod", int, mode_t);
    if (fd != tmp_fd) return real(fd, mode);
    int e = hook("fchmod", 0);
    if (e) { errno = e; return -1; }
    int rc = real(fd, mode);
    hook("fchmod", 1);
    return rc;
}

ssize_t write(int fd, const void *buf, size_t n)
{
    REAL(ssize_t, "write", int, const void *, size_t);
    if (fd != tmp_fd) return real(fd, buf, n);
    int e = hook("write", 0);
    if (e) { errno = e; return -1; }
    ssize_t rc = real(fd, buf, n);
    hook("write", 1);
    return rc;
}

int fsync(int fd)
{
    REAL(int, "fsync", int);
    const char *call = fd == tmp_fd ? "fsync" : "dirfsync";
    int e = hook(call, 0);
    if (e) { errno = e; return -1; }
    int rc = real(fd);
    hook(call, 1);
    return rc;
}

int close(int fd)
{
    REAL(int, "close", int);
    if (fd != tmp_fd || fd < 0) return real(fd);
    tmp_fd = -1;
    int e = hook("close", 0);
    if (e) { real(fd); errno = e; return -1; }
    int rc = real(fd);
    hook("close", 1);
    return rc;
}

int crypto_scrypt(const uint8_t *pw, size_t pwlen, const uint8_t *salt, size_t saltlen, uint64_t n,
                  uint32_t r, uint32_t p, uint8_t *buf, size_t buflen)
{
    REAL(int, "crypto_scrypt", const uint8_t *, size_t, const uint8_t *, size_t, uint64_t, uint32_t, uint32_t,
         uint8_t *, size_t);
    const char *fast = getenv("AVSKEY_FAULT_FAST_KDF");
    if (fast && *fast == '1' && n > 16) n = 16;
    return real(pw, pwlen, salt, saltlen, n, r, p, buf, buflen);
}

static int is_tmp(const char *p) { return p && strstr(p, ".tmp-") != NULL; }

int link(const char *from, const char *to)
{
    REAL(int, "link", const char *, const char *);
    if (!is_tmp(from)) return real(from, to);
    int e = hook("link", 0);
    if (e) { errno = e; return -1; }
    int rc = real(from, to);
    hook("link", 1);
    return rc;
}

int rename(const char *from, const char *to)
{
    REAL(int, "rename", const char *, const char *);
    if (!is_tmp(from)) return real(from, to);
    int e = hook("rename", 0);
    if (e) { errno = e; return -1; }
    int rc = real(from, to);
    hook("rename", 1);
    return rc;
}

int unlink(const char *p)
{
    REAL(int, "unlink", const char *);
    if (!is_tmp(p)) return real(p);
    int e = hook("unlink", 0);
    if (e) { errno = e; return -1; }
    int rc = real(p);
    hook("unlink", 1);
    return rc;
}
