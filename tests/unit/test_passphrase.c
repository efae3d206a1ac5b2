/* Passphrase sources: file, FIFO, env, fd, credential, stdin, limits. */
#include "test.h"

#include "avskey/passphrase.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *tpath(const char *name)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", avskey_test_tmpdir(), name);
    return buf;
}

static void put_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, data, len) != (ssize_t)len) abort();
    close(fd);
}

static avskey_err read_src(avskey_pw *pw, avskey_pw_kind kind, const char *arg)
{
    avskey_pw_source src = {kind, arg, NULL, NULL, NULL};
    return avskey_passphrase_read(pw, &src, NULL, 0);
}

/* Reads a file holding data; checks the result is want (wlen bytes). */
static int file_gives(const char *data, size_t len, const char *want, size_t wlen)
{
    const char *p = tpath("pw.txt");
    put_file(p, data, len);
    avskey_pw pw;
    avskey_err err = read_src(&pw, AVSKEY_PW_FILE, p);
    int ok = err == AVSKEY_OK && pw.len == wlen && memcmp(pw.buf, want, wlen) == 0 &&
             pw.buf[wlen] == '\0';
    if (err == AVSKEY_OK) avskey_passphrase_free(&pw);
    else fprintf(stderr, "  error: %s\n", avskey_errmsg());
    CHECK(pw.buf == NULL && pw.len == 0);
    return ok;
}

TEST(passphrase_file_lines)
{
    CHECK(file_gives("secret\r\nsecond line\n", 21, "secret", 6));
    CHECK(file_gives("secret\nsecond", 13, "secret", 6));
    CHECK(file_gives("no newline", 10, "no newline", 10));
    CHECK(file_gives("", 0, "", 0));
    CHECK(file_gives("\n", 1, "", 0));
    CHECK(file_gives("\r\n", 2, "", 0));
    CHECK(file_gives("ab\r", 3, "ab\r", 3));          /* only \r\n and \n are line ends */
    CHECK(file_gives(" spaced \n", 9, " spaced ", 8)); /* no trimming */
    /* raw bytes: invalid UTF-8, NUL, decomposed vs composed forms kept */
    CHECK(file_gives("\xff\x00x\n", 4, "\xff\x00x", 3));
    CHECK(file_gives("e\xcc\x81\n", 4, "e\xcc\x81", 3));
}

TEST(passphrase_file_errors)
{
    avskey_pw pw;
    const char *missing = tpath("does-not-exist");
    CHECK(read_src(&pw, AVSKEY_PW_FILE, missing) == AVSKEY_ERR_NOTFOUND);
    CHECK(strstr(avskey_errmsg(), missing) != NULL);
    CHECK(pw.buf == NULL && pw.len == 0);
    CHECK(read_src(&pw, AVSKEY_PW_FILE, avskey_test_tmpdir()) == AVSKEY_ERR_USAGE);
    CHECK(strstr(avskey_errmsg(), "not a regular file") != NULL);
    if (geteuid() != 0) {
        const char *p = tpath("unreadable");
        put_file(p, "x\n", 2);
        chmod(p, 0);
        CHECK(read_src(&pw, AVSKEY_PW_FILE, p) == AVSKEY_ERR_PERM);
    }
}

TEST(passphrase_too_long)
{
    char big[AVSKEY_PW_MAX + 3];
    memset(big, 'q', sizeof big);
    CHECK(file_gives(big, AVSKEY_PW_MAX, big, AVSKEY_PW_MAX));
    big[AVSKEY_PW_MAX] = '\n';
    CHECK(file_gives(big, AVSKEY_PW_MAX + 1, big, AVSKEY_PW_MAX));
    big[AVSKEY_PW_MAX] = '\r';
    big[AVSKEY_PW_MAX + 1] = '\n';
    CHECK(file_gives(big, AVSKEY_PW_MAX + 2, big, AVSKEY_PW_MAX));
    memset(big, 'q', sizeof big);
    const char *p = tpath("long.txt");
    avskey_pw pw;
    put_file(p, big, AVSKEY_PW_MAX + 1);
    CHECK(read_src(&pw, AVSKEY_PW_FILE, p) == AVSKEY_ERR_USAGE);
    CHECK(strstr(avskey_errmsg(), "passphrase longer than 1024 bytes") != NULL);
    CHECK(strstr(avskey_errmsg(), "qqqq") == NULL);
    CHECK(pw.buf == NULL);
    big[AVSKEY_PW_MAX + 1] = '\n'; /* 1025 bytes then newline */
    put_file(p, big, AVSKEY_PW_MAX + 2);
    CHECK(read_src(&pw, AVSKEY_PW_FILE, p) == AVSKEY_ERR_USAGE);
}

TEST(passphrase_fifo)
{
    const char *p = tpath("pw.fifo");
    unlink(p);
    CHECK(mkfifo(p, 0600) == 0);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(p, O_WRONLY);
        if (fd < 0 || write(fd, "from fifo\nmore\n", 15) != 15) _exit(1);
        _exit(0);
    }
    avskey_pw pw;
    CHECK(read_src(&pw, AVSKEY_PW_FILE, p) == AVSKEY_OK);
    CHECK(pw.buf && pw.len == 9 && memcmp(pw.buf, "from fifo", 9) == 0);
    avskey_passphrase_free(&pw);
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

TEST(passphrase_env)
{
    avskey_pw pw;
    setenv("AVSKEY_TEST_PW", "hunter2 with spaces\n", 1);
    /* glibc keeps setenv's strings after unsetenv, so the old value can be
     * looked at: it must have been scrubbed in place */
    const char *old = getenv("AVSKEY_TEST_PW");
    CHECK(read_src(&pw, AVSKEY_PW_ENV, "AVSKEY_TEST_PW") == AVSKEY_OK);
    CHECK(old != NULL && old[0] == '\0' && old[19] == '\0');
    CHECK(pw.len == 20 && memcmp(pw.buf, "hunter2 with spaces\n", 20) == 0);
    avskey_passphrase_free(&pw);
    CHECK(getenv("AVSKEY_TEST_PW") == NULL); /* removed after reading */
    CHECK(read_src(&pw, AVSKEY_PW_ENV, "AVSKEY_TEST_PW") == AVSKEY_ERR_USAGE);
    CHECK(strstr(avskey_errmsg(), "AVSKEY_TEST_PW") != NULL);
    CHECK(pw.buf == NULL && pw.len == 0);
    setenv("AVSKEY_TEST_PW", "", 1);
    CHECK(read_src(&pw, AVSKEY_PW_ENV, "AVSKEY_TEST_PW") == AVSKEY_OK);
    CHECK(pw.len == 0 && pw.buf && pw.buf[0] == '\0');
    avskey_passphrase_free(&pw);
    CHECK(read_src(&pw, AVSKEY_PW_ENV, "A=B") == AVSKEY_ERR_USAGE);
    char big[AVSKEY_PW_MAX + 2];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    setenv("AVSKEY_TEST_PW", big, 1);
    CHECK(read_src(&pw, AVSKEY_PW_ENV, "AVSKEY_TEST_PW") == AVSKEY_ERR_USAGE);
    CHECK(strstr(avskey_errmsg(), "longer than 1024") != NULL);
    CHECK(getenv("AVSKEY_TEST_PW") == NULL); /* removed on failure too */
}

TEST(passphrase_fd)
{
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK(write(p[1], "pw-from-fd\r\nrest", 16) == 16);
    close(p[1]);
    char arg[16];
    snprintf(arg, sizeof arg, "%d", p[0]);
    avskey_pw pw;
    CHECK(read_src(&pw, AVSKEY_PW_FD, arg) == AVSKEY_OK);
    CHECK(pw.len == 10 && memcmp(pw.buf, "pw-from-fd", 10) == 0);
    avskey_passphrase_free(&pw);
    char rest[8] = {0}; /* nothing past the first line was consumed */
    CHECK(read(p[0], rest, sizeof rest) == 4 && memcmp(rest, "rest", 4) == 0);
    close(p[0]);
    CHECK(read_src(&pw, AVSKEY_PW_FD, arg) == AVSKEY_ERR_USAGE); /* now closed */
    CHECK(read_src(&pw, AVSKEY_PW_FD, "x1") == AVSKEY_ERR_USAGE);
    CHECK(read_src(&pw, AVSKEY_PW_FD, "-1") == AVSKEY_ERR_USAGE);
    CHECK(read_src(&pw, AVSKEY_PW_FD, "") == AVSKEY_ERR_USAGE);
    CHECK(read_src(&pw, AVSKEY_PW_FD, "99999999999") == AVSKEY_ERR_USAGE);
}

TEST(passphrase_credential)
{
    avskey_pw pw;
    const char *dir = avskey_test_tmpdir();
    put_file(tpath("keystore-pw"), "cred-secret\n", 12);
    setenv("CREDENTIALS_DIRECTORY", dir, 1);
    CHECK(read_src(&pw, AVSKEY_PW_CREDENTIAL, "keystore-pw") == AVSKEY_OK);
    CHECK(pw.len == 11 && memcmp(pw.buf, "cred-secret", 11) == 0);
    avskey_passphrase_free(&pw);
    CHECK(read_src(&pw, AVSKEY_PW_CREDENTIAL, "../keystore-pw") == AVSKEY_ERR_USAGE);
    CHECK(read_src(&pw, AVSKEY_PW_CREDENTIAL, "..") == AVSKEY_ERR_USAGE);
    CHECK(read_src(&pw, AVSKEY_PW_CREDENTIAL, "") == AVSKEY_ERR_USAGE);
    CHECK(read_src(&pw, AVSKEY_PW_CREDENTIAL, "absent") == AVSKEY_ERR_NOTFOUND);
    CHECK(strstr(avskey_errmsg(), "absent") != NULL);
    unsetenv("CREDENTIALS_DIRECTORY");
    CHECK(read_src(&pw, AVSKEY_PW_CREDENTIAL, "keystore-pw") == AVSKEY_ERR_USAGE);
    CHECK(strstr(avskey_errmsg(), "CREDENTIALS_DIRECTORY") != NULL);
}

/* In a child with stdin = a pipe holding data: AUTO reads its first line
 * (confirm is ignored off a terminal). Exit 0 if the result is want. */
static int stdin_child(const char *data, const char *want)
{
    int p[2];
    if (pipe(p) != 0) return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[1]);
        if (dup2(p[0], STDIN_FILENO) < 0) _exit(10);
        avskey_pw pw;
        avskey_pw_source src = {AVSKEY_PW_AUTO, NULL, NULL, NULL, NULL};
        if (avskey_passphrase_read(&pw, &src, "unused: ", 1) != AVSKEY_OK) _exit(11);
        int ok = pw.len == strlen(want) && memcmp(pw.buf, want, pw.len) == 0;
        avskey_passphrase_free(&pw);
        _exit(ok ? 0 : 12);
    }
    close(p[0]);
    if (write(p[1], data, strlen(data)) != (ssize_t)strlen(data)) return -1;
    close(p[1]);
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100;
}

TEST(passphrase_stdin_pipe)
{
    CHECK(stdin_child("piped pw\nsecond\n", "piped pw") == 0);
    CHECK(stdin_child("crlf\r\n", "crlf") == 0);
    CHECK(stdin_child("", "") == 0);
    CHECK(stdin_child("x", "x") == 0);
}

TEST(passphrase_free_empty)
{
    avskey_pw pw = {NULL, 0};
    avskey_passphrase_free(&pw);
    CHECK(pw.buf == NULL && pw.len == 0);
}
