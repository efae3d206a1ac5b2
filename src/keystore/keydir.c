/* Key folders: resolution, names, and atomic never-overwrite writes. */
#include "avskey/keystore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

avskey_err avskey_keydir_resolve(char *out, size_t cap, const char *dir)
{
    const char *env = getenv("AVSKEY_KEYSTORE_DIR");
    const char *home = getenv("HOME");
    int n;
    if (dir && dir[0]) n = snprintf(out, cap, "%s", dir);
    else if (env && env[0]) n = snprintf(out, cap, "%s", env);
    else if (home && home[0]) n = snprintf(out, cap, "%s/.eigenlayer/operator_keys", home);
    else return avskey_fail(AVSKEY_ERR_USAGE, "no keystore folder: give --keystore-dir or set HOME");
    if (n < 0 || (size_t)n >= cap) return avskey_fail(AVSKEY_ERR_USAGE, "keystore folder path too long");
    return AVSKEY_OK;
}

int avskey_key_name_valid(const char *name)
{
    size_t n = strlen(name);
    if (n < 1 || n > 64 || name[0] == '.') return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-';
        if (!ok) return 0;
    }
    return 1;
}

avskey_err avskey_key_path(char *out, size_t cap, const char *dir, const char *name, avskey_key_type type)
{
    if (!avskey_key_name_valid(name))
        return avskey_fail(AVSKEY_ERR_USAGE,
                           "invalid key name \"%.80s\": use 1 to 64 of A-Z a-z 0-9 . _ - (not starting with .)",
                           name);
    int n = snprintf(out, cap, "%s/%s.%s.key.json", dir, name, type == AVSKEY_KEY_BLS ? "bls" : "ecdsa");
    if (n < 0 || (size_t)n >= cap) return avskey_fail(AVSKEY_ERR_USAGE, "key path too long");
    return AVSKEY_OK;
}

static int has_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

avskey_key_type avskey_key_type_of_path(const char *path)
{
    if (has_suffix(path, ".ecdsa.key.json")) return AVSKEY_KEY_ECDSA;
    if (has_suffix(path, ".bls.key.json")) return AVSKEY_KEY_BLS;
    return AVSKEY_KEY_UNKNOWN;
}

avskey_err avskey_keydir_ensure(const char *dir)
{
    char tmp[PATH_MAX];
    struct stat st;
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) return AVSKEY_OK;  /* nothing to create */
    if (snprintf(tmp, sizeof tmp, "%s", dir) >= (int)sizeof tmp)
        return avskey_fail(AVSKEY_ERR_USAGE, "keystore folder path too long");
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
            return avskey_fail(AVSKEY_ERR_IO, "%s: cannot create folder: %s", tmp, strerror(errno));
        *p = '/';
    }
    if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
        return avskey_fail(AVSKEY_ERR_IO, "%s: cannot create folder: %s", dir, strerror(errno));
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return avskey_fail(AVSKEY_ERR_IO, "%s: not a folder", dir);
    return AVSKEY_OK;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return 0;
        data += w;
        len -= (size_t)w;
    }
    return 1;
}

static avskey_err fsync_dir(const char *path)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    int fd = open(dirname(tmp), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return avskey_fail(AVSKEY_ERR_IO, "%s: cannot open its folder: %s", path, strerror(errno));
    int rc = fsync(fd);
    close(fd);
    if (rc != 0) return avskey_fail(AVSKEY_ERR_IO, "%s: fsync of folder failed: %s", path, strerror(errno));
    return AVSKEY_OK;
}

/* Writes and syncs a new temporary file next to path. Out: tmp (its name). */
static avskey_err write_temp(char tmp[PATH_MAX], const char *path, const char *data, size_t len)
{
    if (snprintf(tmp, PATH_MAX, "%s.tmp-XXXXXX", path) >= PATH_MAX)
        return avskey_fail(AVSKEY_ERR_USAGE, "%s: path too long", path);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) return avskey_fail(AVSKEY_ERR_IO, "%s: cannot create a file there: %s", path, strerror(errno));
    /* err: the errno of the first step that failed (a stale errno would
     * name the wrong cause; close can report a deferred write error). */
    int err = 0;
    errno = 0;
    if (fchmod(fd, 0600) != 0 || !write_all(fd, data, len) || fsync(fd) != 0) err = errno ? errno : EIO;
    if (close(fd) != 0 && !err) err = errno ? errno : EIO;
    if (err) {
        unlink(tmp);
        return avskey_fail(AVSKEY_ERR_IO, "%s: write failed: %s (nothing was changed)", path, strerror(err));
    }
    return AVSKEY_OK;
}

/* A write killed between mkostemp and link/rename (or between link and
 * unlink) leaves "NAME.tmp-XXXXXX" next to the target: a partial file, a
 * complete copy, or a second hard link to the new file (after a passwd, a
 * copy under the OLD passphrase). They are never read as key files (the
 * name does not end in .key.json); each write removes those of its folder
 * older than this, far longer than any write in progress takes (one
 * write and fsync between mkostemp and link/rename). */
#define STALE_TMP_SECONDS (15 * 60)

/* Returns 1 if name is "X.tmp-" + 6 mkostemp characters, where X is a key
 * file name (*.key.json) or own (the base name of the file being written). */
static int is_write_temp(const char *name, const char *own)
{
    size_t n = strlen(name), sfx = strlen(".tmp-XXXXXX");
    if (n <= sfx || strncmp(name + n - sfx, ".tmp-", 5) != 0) return 0;
    for (size_t i = n - 6; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return 0;
    }
    size_t xn = n - sfx, kj = strlen(".key.json");
    if (xn == strlen(own) && strncmp(name, own, xn) == 0) return 1;
    return xn > kj && strncmp(name + xn - kj, ".key.json", kj) == 0;
}

/* Best effort: removes stale temporary files (see above) of the folder of
 * path that belong to this user. Errors (read-only folder...) are ignored. */
static void remove_stale_temps(const char *path)
{
    char dbuf[PATH_MAX], bbuf[PATH_MAX];
    snprintf(dbuf, sizeof dbuf, "%s", path);
    snprintf(bbuf, sizeof bbuf, "%s", path);
    DIR *d = opendir(dirname(dbuf));
    if (!d) return;
    const char *own = basename(bbuf);
    time_t now = time(NULL);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        struct stat st;
        if (!is_write_temp(de->d_name, own)) continue;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) continue;
        if (st.st_uid != geteuid() || now - st.st_mtime < STALE_TMP_SECONDS) continue;
        (void)unlinkat(dirfd(d), de->d_name, 0);
    }
    closedir(d);
}

avskey_err avskey_file_write_atomic(const char *path, const char *data, size_t len, int replace)
{
    char tmp[PATH_MAX];
    if (!replace && access(path, F_OK) == 0)
        return avskey_fail(AVSKEY_ERR_EXISTS, "%s already exists; refusing to overwrite it", path);
    remove_stale_temps(path);
    avskey_err e = write_temp(tmp, path, data, len);
    if (e) return e;
    int rc = replace ? rename(tmp, path) : link(tmp, path);
    int err = errno;
    if (!replace || rc != 0) unlink(tmp);
    if (rc != 0) {
        if (err == EEXIST)
            return avskey_fail(AVSKEY_ERR_EXISTS, "%s already exists; refusing to overwrite it", path);
        return avskey_fail(AVSKEY_ERR_IO, "%s: cannot put the file in place: %s", path, strerror(err));
    }
    return fsync_dir(path);
}

avskey_err avskey_keyfile_load(avskey_keyfile *kf, const char *path, int strict_perms)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 && errno == ELOOP) fd = open(path, O_RDONLY | O_CLOEXEC);  /* symlinks are fine */
    if (fd < 0)
        return avskey_fail(errno == ENOENT ? AVSKEY_ERR_NOTFOUND : AVSKEY_ERR_IO, "%s: cannot open: %s",
                           path, strerror(errno));
    struct stat st;
    avskey_err e = AVSKEY_OK;
    char *buf = NULL;
    if (fstat(fd, &st) != 0) { e = avskey_fail(AVSKEY_ERR_IO, "%s: %s", path, strerror(errno)); goto out; }
    if (!S_ISREG(st.st_mode)) { e = avskey_fail(AVSKEY_ERR_MALFORMED, "%s: not a regular file", path); goto out; }
    if (strict_perms && (st.st_mode & 077)) {
        e = avskey_fail(AVSKEY_ERR_PERM, "%s: readable by group or others (mode %03o); fix it with: chmod 600 %s",
                        path, (unsigned)(st.st_mode & 0777), path);
        goto out;
    }
    if (st.st_size > AVSKEY_KEYFILE_MAX) {
        e = avskey_fail(AVSKEY_ERR_MALFORMED, "%s: larger than %d bytes, not a key file", path, AVSKEY_KEYFILE_MAX);
        goto out;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (!buf) { e = avskey_fail(AVSKEY_ERR_NOMEM, "out of memory"); goto out; }
    ssize_t got = read(fd, buf, (size_t)st.st_size + 1);
    if (got < 0) { e = avskey_fail(AVSKEY_ERR_IO, "%s: read failed: %s", path, strerror(errno)); goto out; }
    e = avskey_keyfile_parse(kf, buf, (size_t)got, path);
out:
    free(buf);
    close(fd);
    return e;
}
