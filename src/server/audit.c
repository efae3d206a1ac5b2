/* Tamper-evident audit log: hash-chained JSON lines. */
#include "server/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct avskey_audit {
    pthread_mutex_t mu;
    int fd;
    int broken;
    uint64_t seq;
    char prev[65];
    char path[4096];
};

static void sha256_hex(char out[65], const char *data, size_t len)
{
    struct sha256_ctx c;
    uint8_t h[32];
    sha256_init(&c);
    sha256_update(&c, len, (const uint8_t *)data);
    sha256_digest(&c, 32, h);
    avskey_hex_encode(out, h, 32);
}

/* ---- JSON escaping ---------------------------------------------------- */

/* Returns: the length of the valid UTF-8 sequence at s (1..4), or 0. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) return (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80 ? 4 : 0;
    }
    return 0;
}

static void put(char *out, size_t cap, size_t *n, const char *s, size_t len)
{
    if (*n < cap) memcpy(out + *n, s, *n + len <= cap ? len : cap - *n);
    *n += len;
}

size_t avskey_audit_json_escape(char *out, size_t cap, const char *s)
{
    size_t n = 0;
    if (!s) { put(out, cap, &n, "null", 4); goto end; }
    put(out, cap, &n, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        char esc[8];
        unsigned char c = *p;
        if (c == '"' || c == '\\') { esc[0] = '\\'; esc[1] = (char)c; put(out, cap, &n, esc, 2); p++; continue; }
        if (c < 0x20 || c == 0x7f) {
            const char *short_esc = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
            if (short_esc) put(out, cap, &n, short_esc, 2);
            else { snprintf(esc, sizeof esc, "\\u%04x", c); put(out, cap, &n, esc, 6); }
            p++;
            continue;
        }
        size_t l = utf8_len(p);
        if (l == 0) { put(out, cap, &n, "\\ufffd", 6); p++; continue; }
        put(out, cap, &n, (const char *)p, l);
        p += l;
    }
    put(out, cap, &n, "\"", 1);
end:
    if (cap) out[n < cap ? n : cap - 1] = '\0';
    return n;
}

/* ---- verification ----------------------------------------------------- */

static avskey_err bad(const char *path, size_t line, const char *what)
{
    return avskey_fail(AVSKEY_ERR_REFUSED, "%s: line %zu: %s", path, line, what);
}

static int str_or_null(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return v && (json_is_string(v) || json_is_null(v));
}

static avskey_err check_line(const char *path, size_t no, const char *line, size_t len,
                             const char *prev_hex)
{
    char what[200];
    if (len == 0) return bad(path, no, "empty line");
    json_error_t je;
    json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    if (!o || !json_is_object(o)) {
        json_decref(o);
        return bad(path, no, "not a JSON object (garbage or a damaged line)");
    }
    avskey_err e = AVSKEY_OK;
    json_t *seq = json_object_get(o, "seq");
    json_t *prev = json_object_get(o, "prev");
    if (!json_is_integer(seq)) e = bad(path, no, "no integer \"seq\"");
    else if ((uint64_t)json_integer_value(seq) != (uint64_t)no || json_integer_value(seq) < 1) {
        snprintf(what, sizeof what, "seq %" JSON_INTEGER_FORMAT " where %zu was expected "
                 "(a line was removed or inserted, or lines were reordered)", json_integer_value(seq), no);
        e = bad(path, no, what);
    } else if (!json_is_string(prev) || strlen(json_string_value(prev)) != 64)
        e = bad(path, no, "no 64-hex \"prev\"");
    else if (strcmp(json_string_value(prev), prev_hex) != 0) {
        if (no == 1) snprintf(what, sizeof what, "prev is not 64 zeros (lines before it were removed?)");
        else snprintf(what, sizeof what, "prev does not match the SHA-256 of line %zu "
                      "(line %zu was edited, or a line was removed or inserted here)", no - 1, no - 1);
        e = bad(path, no, what);
    } else if (!json_is_string(json_object_get(o, "time")) || !str_or_null(o, "event") ||
               !str_or_null(o, "client") || !str_or_null(o, "key") ||
               !str_or_null(o, "decision") || !str_or_null(o, "reason"))
        e = bad(path, no, "missing time/event/client/key/decision/reason field");
    json_decref(o);
    return e;
}

static avskey_err scan(const char *path, int fd, size_t *lines_out, char head[65], uint64_t *seq_out)
{
    char *line = malloc(AVSKEY_AUDIT_LINE_MAX + 1);
    char buf[16384];
    if (!line) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
    char prev[65];
    memset(prev, '0', 64);
    prev[64] = '\0';
    size_t no = 0, len = 0;
    int toolong = 0;
    avskey_err e = AVSKEY_OK;
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) { e = avskey_fail(AVSKEY_ERR_IO, "%s: read failed: %s", path, strerror(errno)); goto out; }
        if (r == 0) break;
        for (size_t i = 0; i < (size_t)r; i++) {
            char c = buf[i];
            if (c != '\n') {
                if (len < AVSKEY_AUDIT_LINE_MAX) line[len++] = c;
                else toolong = 1;
                continue;
            }
            no++;
            if (toolong) { e = bad(path, no, "longer than 65536 bytes"); goto out; }
            if ((e = check_line(path, no, line, len, prev))) goto out;
            sha256_hex(prev, line, len);
            len = 0;
        }
    }
    if (len || toolong) {
        e = bad(path, no + 1, "incomplete last line (no newline: the file was truncated or a write was cut short)");
        goto out;
    }
    *lines_out = no;
    if (head) memcpy(head, prev, 65);
    if (seq_out) *seq_out = no;
out:
    avskey_wipe(line, AVSKEY_AUDIT_LINE_MAX);
    free(line);
    return e;
}

avskey_err avskey_audit_verify_head(const char *path, size_t *lines_out, char head_hex[65],
                                    uint64_t *last_seq)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return avskey_fail(errno == ENOENT ? AVSKEY_ERR_NOTFOUND : AVSKEY_ERR_IO, "%s: cannot open: %s",
                           path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return avskey_fail(AVSKEY_ERR_IO, "%s: not a regular file", path);
    }
    avskey_err e = scan(path, fd, lines_out, head_hex, last_seq);
    close(fd);
    return e;
}

avskey_err avskey_audit_verify(const char *path, size_t *lines_out)
{
    return avskey_audit_verify_head(path, lines_out, NULL, NULL);
}

/* ---- writing ---------------------------------------------------------- */

avskey_err avskey_audit_open(avskey_audit **out, const char *path)
{
    if (strlen(path) >= sizeof ((avskey_audit *)0)->path)
        return avskey_fail(AVSKEY_ERR_USAGE, "audit log path too long");
    int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0) return avskey_fail(AVSKEY_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        return avskey_fail(AVSKEY_ERR_REFUSED, "%s: in use by another process", path);
    }
    avskey_audit *a = calloc(1, sizeof *a);
    if (!a) { close(fd); return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory"); }
    size_t lines;
    int rfd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    avskey_err e = rfd < 0 ? avskey_fail(AVSKEY_ERR_IO, "%s: cannot read: %s", path, strerror(errno))
                           : scan(path, rfd, &lines, a->prev, &a->seq);
    if (rfd >= 0) close(rfd);
    if (e) {
        close(fd);
        free(a);
        if (e == AVSKEY_ERR_REFUSED) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s", avskey_errmsg());
            e = avskey_fail(AVSKEY_ERR_REFUSED, "refusing to continue a broken audit log: %s", msg);
        }
        return e;
    }
    pthread_mutex_init(&a->mu, NULL);
    a->fd = fd;
    snprintf(a->path, sizeof a->path, "%s", path);
    *out = a;
    return AVSKEY_OK;
}

uint64_t avskey_audit_seq(avskey_audit *a)
{
    pthread_mutex_lock(&a->mu);
    uint64_t s = a->seq;
    pthread_mutex_unlock(&a->mu);
    return s;
}

void avskey_audit_close(avskey_audit *a)
{
    if (!a) return;
    close(a->fd);
    pthread_mutex_destroy(&a->mu);
    free(a);
}

static int fragment_ok(const char *frag)
{
    if (strpbrk(frag, "\r\n")) return 0;
    size_t n = strlen(frag);
    char *w = malloc(n + 3);
    if (!w) return 0;
    w[0] = '{';
    memcpy(w + 1, frag, n);
    w[n + 1] = '}';
    json_t *o = json_loadb(w, n + 2, JSON_REJECT_DUPLICATES, NULL);
    free(w);
    int ok = o && json_is_object(o);
    static const char *const reserved[] = {"seq", "time", "event", "client", "key", "decision", "reason", "prev"};
    for (size_t i = 0; ok && i < sizeof reserved / sizeof reserved[0]; i++)
        if (json_object_get(o, reserved[i])) ok = 0;
    json_decref(o);
    return ok;
}

static void now_rfc3339(char out[96])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    snprintf(out, 96, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

avskey_err avskey_audit_event(avskey_audit *a, const char *event, const char *client, const char *key,
                              const char *decision, const char *reason, const char *extra)
{
    if (extra && extra[0] && !fragment_ok(extra))
        return avskey_fail(AVSKEY_ERR_MALFORMED, "audit: extra fields are not a one-line JSON member list");
    char *buf = malloc(AVSKEY_AUDIT_LINE_MAX + 1);
    if (!buf) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
    avskey_err e = AVSKEY_OK;
    pthread_mutex_lock(&a->mu);
    if (a->broken) { e = avskey_fail(AVSKEY_ERR_IO, "%s: audit log closed after a failed write", a->path); goto out; }
    char t[96], head[160];
    now_rfc3339(t);
    size_t cap = AVSKEY_AUDIT_LINE_MAX, n = 0;
    n += (size_t)snprintf(head, sizeof head, "{\"seq\":%" PRIu64 ",\"time\":\"%s\"", a->seq + 1, t);
    memcpy(buf, head, n);
    const char *names[] = {"event", "client", "key", "decision", "reason"};
    const char *vals[] = {event, client, key, decision, reason};
    for (size_t i = 0; i < 5; i++) {
        char nm[16];
        size_t l = (size_t)snprintf(nm, sizeof nm, ",\"%s\":", names[i]);
        if (n + l < cap) memcpy(buf + n, nm, l);
        n += l;
        n += avskey_audit_json_escape(n < cap ? buf + n : buf, n < cap ? cap - n : 0, vals[i]);
    }
    if (extra && extra[0]) {
        size_t l = strlen(extra);
        if (n + 1 + l < cap) { buf[n] = ','; memcpy(buf + n + 1, extra, l); }
        n += 1 + l;
    }
    /* ,"prev":"<64>"} and snprintf's NUL must fit; the NUL becomes '\n' */
    if (n + sizeof ",\"prev\":\"\"}" - 1 + 64 + 1 > cap) {
        e = avskey_fail(AVSKEY_ERR_MALFORMED, "audit: event longer than %d bytes", AVSKEY_AUDIT_LINE_MAX);
        goto out;
    }
    n += (size_t)snprintf(buf + n, cap - n, ",\"prev\":\"%s\"}", a->prev);
    char h[65];
    sha256_hex(h, buf, n);
    buf[n++] = '\n';
    ssize_t w;
    do w = write(a->fd, buf, n); while (w < 0 && errno == EINTR);
    if (w != (ssize_t)n || fsync(a->fd) != 0) {
        a->broken = 1;
        e = avskey_fail(AVSKEY_ERR_IO, "%s: audit write failed: %s", a->path,
                        w < 0 || w == (ssize_t)n ? strerror(errno) : "short write");
        goto out;
    }
    a->seq++;
    memcpy(a->prev, h, 65);
out:
    pthread_mutex_unlock(&a->mu);
    free(buf);
    return e;
}
