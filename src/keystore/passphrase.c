/* Passphrase sources (interface.md section 3).
 *
 * Every source is read with read(2), one byte at a time, straight into
 * guarded memory: no stdio buffer, no copy elsewhere, and nothing past the
 * first line is consumed from a shared descriptor. Bytes are kept raw
 * (no Unicode normalisation); error messages name the source, never the
 * passphrase. */
#include "avskey/passphrase.h"
#include "avskey/secmem.h"
#include "keystore/passphrase_url.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define AVSKEY_PW_CAP (AVSKEY_PW_MAX + 2) /* room for a '\r' before '\n', and NUL */

static avskey_err avskey_pw_alloc(avskey_pw *pw, const char *what)
{
    pw->len = 0;
    pw->buf = avskey_secmem_alloc(AVSKEY_PW_CAP);
    if (pw->buf == NULL)
        return avskey_fail(AVSKEY_ERR_NOMEM, "no memory for the passphrase from %s", what);
    return AVSKEY_OK;
}

void avskey_passphrase_free(avskey_pw *pw)
{
    avskey_secmem_free(pw->buf); /* wipes */
    pw->buf = NULL;
    pw->len = 0;
}

static avskey_err avskey_pw_too_long(const char *what)
{
    return avskey_fail(AVSKEY_ERR_USAGE, "passphrase longer than %d bytes (from %s)",
                       AVSKEY_PW_MAX, what);
}

/* Set by the terminal signal handler; the prompt stops when it is set. */
static volatile sig_atomic_t avskey_pw_interrupted;
/* The prompt's terminal while echo is off (else -1), and the signal mask
 * from before the prompt blocked the signals it handles. */
static volatile sig_atomic_t avskey_tty_fd = -1;
static sigset_t avskey_tty_oldmask;
/* Set by the SIGTSTP handler: stop, then prompt again when continued. */
static volatile sig_atomic_t avskey_tty_stop;
static void avskey_tty_suspend(int fd);

/* Waits until the terminal has input, with the handled signals unblocked
 * only inside ppoll: a signal that came before the wait makes it return
 * at once, so none can slip in between a check and a blocking read. */
static int avskey_tty_wait(int fd)
{
    struct pollfd pfd = {fd, POLLIN, 0};
    for (;;) {
        if (avskey_pw_interrupted) {
            errno = EINTR;
            return -1;
        }
        if (avskey_tty_stop) {
            avskey_tty_suspend(fd);
            continue;
        }
        int r = ppoll(&pfd, 1, NULL, &avskey_tty_oldmask);
        if (r > 0) return 0;
        if (r < 0 && errno != EINTR) return -1;
    }
}

/* Reads one byte. Returns: 1 byte read, 0 end of file, -1 error (errno). */
static int avskey_read_byte(int fd, char *c)
{
    for (;;) {
        if (fd == avskey_tty_fd && avskey_tty_wait(fd) != 0) return -1;
        ssize_t n = read(fd, c, 1);
        if (n >= 0) return (int)n;
        if (errno != EINTR || avskey_pw_interrupted) return -1;
    }
}

/* Drops the line end: "\n" or "\r\n". */
static void avskey_strip_eol(avskey_pw *pw, int saw_newline)
{
    if (saw_newline && pw->len > 0 && pw->buf[pw->len - 1] == '\r') pw->len--;
    pw->buf[pw->len] = '\0';
}

/* Reads the first line of fd into pw (allocated). */
static avskey_err avskey_read_line(avskey_pw *pw, int fd, const char *what)
{
    avskey_err err = avskey_pw_alloc(pw, what);
    if (err) return err;
    int r, nl = 0;
    char c = 0;
    while ((r = avskey_read_byte(fd, &c)) == 1) {
        if (c == '\n') { nl = 1; break; }
        if (pw->len == AVSKEY_PW_MAX + 1) { err = avskey_pw_too_long(what); goto out; }
        pw->buf[pw->len++] = c;
    }
    if (r < 0) {
        err = avskey_pw_interrupted
                  ? avskey_fail(AVSKEY_ERR_REFUSED, "passphrase entry interrupted")
                  : avskey_fail(AVSKEY_ERR_IO, "reading the passphrase from %s: %s", what,
                                strerror(errno));
        goto out;
    }
    avskey_strip_eol(pw, nl);
    if (pw->len > AVSKEY_PW_MAX) err = avskey_pw_too_long(what);
out:
    c = 0;
    AVSKEY_WIPE(c);
    if (err) avskey_passphrase_free(pw);
    return err;
}

/* ---- files, FIFOs, credentials ---- */

static avskey_err avskey_open_fail(const char *kind, const char *path)
{
    int e = errno;
    if (e == ENOENT || e == ENOTDIR)
        return avskey_fail(AVSKEY_ERR_NOTFOUND, "%s %s not found", kind, path);
    if (e == EACCES || e == EPERM)
        return avskey_fail(AVSKEY_ERR_PERM, "%s %s: permission denied", kind, path);
    return avskey_fail(AVSKEY_ERR_IO, "%s %s: %s", kind, path, strerror(e));
}

/* kind names the source in messages ("password file", "credential"). */
static avskey_err avskey_read_path(avskey_pw *pw, const char *kind, const char *path)
{
    char what[PATH_MAX + 32];
    struct stat st;
    snprintf(what, sizeof what, "%s %s", kind, path);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return avskey_open_fail(kind, path);
    avskey_err err = AVSKEY_OK;
    if (fstat(fd, &st) != 0)
        err = avskey_fail(AVSKEY_ERR_IO, "%s: %s", what, strerror(errno));
    else if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode))
        err = avskey_fail(AVSKEY_ERR_USAGE, "%s is not a regular file or a FIFO", what);
    else
        err = avskey_read_line(pw, fd, what);
    close(fd);
    return err;
}

static avskey_err avskey_read_credential(avskey_pw *pw, const char *name)
{
    const char *dir = getenv("CREDENTIALS_DIRECTORY");
    char path[PATH_MAX];
    if (name[0] == '\0' || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
        return avskey_fail(AVSKEY_ERR_USAGE,
                           "--password-credential: \"%s\" is not a credential name", name);
    if (dir == NULL || dir[0] == '\0')
        return avskey_fail(AVSKEY_ERR_USAGE,
                           "--password-credential %s: $CREDENTIALS_DIRECTORY is not set "
                           "(run under systemd with LoadCredential= or SetCredential=)",
                           name);
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return avskey_fail(AVSKEY_ERR_USAGE, "--password-credential %s: path too long", name);
    return avskey_read_path(pw, "credential", path);
}

/* ---- environment, descriptors ---- */

static avskey_err avskey_read_env(avskey_pw *pw, const char *name)
{
    char what[128];
    snprintf(what, sizeof what, "environment variable %.80s", name);
    if (name[0] == '\0' || strchr(name, '='))
        return avskey_fail(AVSKEY_ERR_USAGE, "--password-env: \"%s\" is not a variable name",
                           name);
    char *v = getenv(name);
    if (v == NULL) return avskey_fail(AVSKEY_ERR_USAGE, "%s is not set", what);
    size_t n = strlen(v);
    avskey_err err = n > AVSKEY_PW_MAX ? avskey_pw_too_long(what) : avskey_pw_alloc(pw, what);
    if (err == AVSKEY_OK) {
        memcpy(pw->buf, v, n);
        pw->len = n;
        pw->buf[n] = '\0';
    }
    avskey_wipe(v, n); /* the value lives in our environment block: scrub it */
    unsetenv(name);
    return err;
}

/* Parses a descriptor number. Returns: 1 and *fd on success. */
static int avskey_parse_fd(const char *s, int *fd)
{
    long v = 0;
    if (s[0] == '\0' || strlen(s) > 9) return 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return 0;
        v = v * 10 + (*p - '0');
    }
    *fd = (int)v;
    return 1;
}

static avskey_err avskey_read_fd(avskey_pw *pw, const char *arg)
{
    int fd = -1;
    char what[64];
    if (!avskey_parse_fd(arg, &fd))
        return avskey_fail(AVSKEY_ERR_USAGE, "--password-fd: \"%.40s\" is not a file descriptor number", arg);
    if (fcntl(fd, F_GETFD) < 0)
        return avskey_fail(AVSKEY_ERR_USAGE, "--password-fd %d: not an open file descriptor", fd);
    snprintf(what, sizeof what, "file descriptor %d", fd);
    return avskey_read_line(pw, fd, what);
}

/* ---- terminal prompt ---- */

static const int avskey_tty_signals[] = {SIGINT, SIGTERM, SIGQUIT, SIGHUP};
#define AVSKEY_TTY_NSIG (sizeof avskey_tty_signals / sizeof avskey_tty_signals[0])

/* State for the signal handlers (one prompt at a time per process). */
static struct termios avskey_tty_saved, avskey_tty_noecho;
static volatile sig_atomic_t avskey_tty_out = -1;
static const char *avskey_tty_prompt;
static struct sigaction avskey_tty_old[AVSKEY_TTY_NSIG], avskey_tty_old_tstp;

/* Restores the terminal, puts back the caller's action and re-raises, so
 * that the default action (termination) runs with echo back on. */
static void avskey_tty_on_signal(int sig)
{
    int e = errno;
    if (avskey_tty_fd >= 0) (void)tcsetattr(avskey_tty_fd, TCSANOW, &avskey_tty_saved);
    if (avskey_tty_out >= 0) (void)!write(avskey_tty_out, "\n", 1);
    avskey_pw_interrupted = 1;
    for (size_t i = 0; i < AVSKEY_TTY_NSIG; i++)
        if (avskey_tty_signals[i] == sig) sigaction(sig, &avskey_tty_old[i], NULL);
    raise(sig);
    errno = e;
}

/* ^Z: restore the terminal now; the wait loop then stops the process
 * (avskey_tty_suspend) and prompts again once it is continued. */
static void avskey_tty_on_tstp(int sig)
{
    int e = errno;
    (void)sig;
    if (avskey_tty_fd >= 0) (void)tcsetattr(avskey_tty_fd, TCSANOW, &avskey_tty_saved);
    if (avskey_tty_out >= 0) (void)!write(avskey_tty_out, "\n", 1);
    avskey_tty_stop = 1;
    errno = e;
}

static void avskey_sigaction_set(struct sigaction *sa, void (*fn)(int))
{
    memset(sa, 0, sizeof *sa);
    sa->sa_handler = fn;
    sigemptyset(&sa->sa_mask);
    sa->sa_flags = 0; /* no SA_RESTART: a handled signal ends the wait */
}

/* Installs the handlers and blocks their signals outside ppoll. */
static void avskey_tty_handlers_install(void)
{
    struct sigaction sa, tstp;
    sigset_t block;
    avskey_sigaction_set(&sa, avskey_tty_on_signal);
    avskey_sigaction_set(&tstp, avskey_tty_on_tstp);
    sigemptyset(&block);
    for (size_t i = 0; i < AVSKEY_TTY_NSIG; i++) {
        sigaction(avskey_tty_signals[i], &sa, &avskey_tty_old[i]);
        sigaddset(&block, avskey_tty_signals[i]);
    }
    sigaction(SIGTSTP, &tstp, &avskey_tty_old_tstp);
    sigaddset(&block, SIGTSTP);
    pthread_sigmask(SIG_BLOCK, &block, &avskey_tty_oldmask);
}

/* Unblocks first: a pending signal then meets our handler (the terminal
 * is already restored) and goes on to the caller's action. */
static void avskey_tty_handlers_remove(void)
{
    pthread_sigmask(SIG_SETMASK, &avskey_tty_oldmask, NULL);
    for (size_t i = 0; i < AVSKEY_TTY_NSIG; i++)
        sigaction(avskey_tty_signals[i], &avskey_tty_old[i], NULL);
    sigaction(SIGTSTP, &avskey_tty_old_tstp, NULL);
    avskey_tty_stop = 0;
}

static void avskey_put(int fd, const char *s);

/* Stops the process as a plain ^Z would (echo already restored by the
 * handler); once continued, turns echo off again, dropping what was typed
 * before, and shows the prompt again. Nothing of the line was read yet:
 * in canonical mode the wait only ends on a whole line. */
static void avskey_tty_suspend(int fd)
{
    struct sigaction dfl, mine;
    sigset_t one;
    avskey_tty_stop = 0;
    avskey_sigaction_set(&dfl, SIG_DFL);
    sigaction(SIGTSTP, &dfl, &mine);
    sigemptyset(&one);
    sigaddset(&one, SIGTSTP);
    raise(SIGTSTP);                             /* pending: it is blocked */
    pthread_sigmask(SIG_UNBLOCK, &one, NULL);   /* stops here */
    pthread_sigmask(SIG_BLOCK, &one, NULL);
    sigaction(SIGTSTP, &mine, NULL);
    (void)tcsetattr(fd, TCSAFLUSH, &avskey_tty_noecho);
    if (avskey_tty_out >= 0 && avskey_tty_prompt) avskey_put(avskey_tty_out, avskey_tty_prompt);
}

/* Turns echo off on in (handlers first, so no window leaves it off). */
static avskey_err avskey_echo_off(int in, int out, const char *prompt)
{
    if (tcgetattr(in, &avskey_tty_saved) != 0)
        return avskey_fail(AVSKEY_ERR_IO, "terminal: %s", strerror(errno));
    avskey_tty_noecho = avskey_tty_saved;
    avskey_tty_noecho.c_lflag &= (tcflag_t) ~(ECHO | ECHOE | ECHOK | ECHONL);
    avskey_pw_interrupted = 0;
    avskey_tty_stop = 0;
    avskey_tty_fd = in;
    avskey_tty_out = out;
    avskey_tty_prompt = prompt;
    avskey_tty_handlers_install();
    if (tcsetattr(in, TCSAFLUSH, &avskey_tty_noecho) != 0) {
        avskey_err err = avskey_fail(AVSKEY_ERR_IO, "terminal: %s", strerror(errno));
        avskey_tty_handlers_remove();
        avskey_tty_fd = -1;
        return err;
    }
    return AVSKEY_OK;
}

static void avskey_echo_restore(int in)
{
    (void)tcsetattr(in, TCSAFLUSH, &avskey_tty_saved);
    avskey_tty_fd = -1;
    avskey_tty_out = -1;
    avskey_tty_prompt = NULL;
    avskey_tty_handlers_remove();
    avskey_pw_interrupted = 0;
}

static void avskey_put(int fd, const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        s += w;
        n -= (size_t)w;
    }
}

/* One prompt with echo off; prints the newline the user typed unseen.
 * Echo goes off before the prompt shows, so nothing typed after seeing
 * the prompt is ever echoed (TCSAFLUSH drops earlier type-ahead). */
static avskey_err avskey_prompt_once(avskey_pw *pw, int in, int out, const char *prompt)
{
    avskey_err err = avskey_echo_off(in, out, prompt);
    if (err) return err;
    avskey_put(out, prompt);
    err = avskey_read_line(pw, in, "the terminal");
    avskey_echo_restore(in);
    avskey_put(out, "\n");
    return err;
}

static avskey_err avskey_prompt_confirm(avskey_pw *pw, int in, int out)
{
    avskey_pw again = {NULL, 0};
    avskey_err err = avskey_prompt_once(&again, in, out, "Repeat passphrase: ");
    if (err) return err;
    int same = again.len == pw->len && avskey_ct_memeq(again.buf, pw->buf, pw->len);
    avskey_passphrase_free(&again);
    if (!same) return avskey_fail(AVSKEY_ERR_USAGE, "passphrases do not match");
    return AVSKEY_OK;
}

static avskey_err avskey_prompt(avskey_pw *pw, const char *prompt, int confirm)
{
    int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    int in = tty >= 0 ? tty : STDIN_FILENO, out = tty >= 0 ? tty : STDERR_FILENO;
    avskey_err err = avskey_prompt_once(pw, in, out, prompt ? prompt : "Passphrase: ");
    if (err == AVSKEY_OK && confirm) {
        err = avskey_prompt_confirm(pw, in, out);
        if (err) avskey_passphrase_free(pw);
    }
    if (tty >= 0) close(tty);
    return err;
}

/* ---- entry point ---- */

avskey_err avskey_passphrase_read(avskey_pw *out, const avskey_pw_source *src,
                                  const char *prompt, int confirm)
{
    out->buf = NULL;
    out->len = 0;
    switch (src->kind) {
    case AVSKEY_PW_AUTO:
        if (isatty(STDIN_FILENO)) return avskey_prompt(out, prompt, confirm);
        return avskey_read_line(out, STDIN_FILENO, "stdin");
    case AVSKEY_PW_FILE:
        return avskey_read_path(out, "password file", src->arg);
    case AVSKEY_PW_ENV:
        return avskey_read_env(out, src->arg);
    case AVSKEY_PW_FD:
        return avskey_read_fd(out, src->arg);
    case AVSKEY_PW_CREDENTIAL:
        return avskey_read_credential(out, src->arg);
    case AVSKEY_PW_URL:
        return avskey_pw_read_url(out, src); /* passphrase_url.c */
    }
    return avskey_fail(AVSKEY_ERR_USAGE, "unknown passphrase source");
}
