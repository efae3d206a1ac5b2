/* Shared YAML helpers (libyaml document API). */
#include "server/yamlutil.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

avskey_err avskey_yaml_read_file(char **buf, size_t *len, const char *path, size_t max)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT) return avskey_fail(AVSKEY_ERR_NOTFOUND, "%s: no such file", path);
        return avskey_fail(AVSKEY_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: not a regular file", path);
    }
    if ((uint64_t)st.st_size > max) {
        close(fd);
        return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: larger than %zu bytes", path, max);
    }
    char *b = malloc(max + 1);
    if (!b) { close(fd); return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory"); }
    size_t got = 0;
    for (;;) {
        ssize_t r = read(fd, b + got, max + 1 - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            int en = errno;
            close(fd);
            avskey_wipe(b, got);
            free(b);
            return avskey_fail(AVSKEY_ERR_IO, "%s: read failed: %s", path, strerror(en));
        }
        if (r == 0) break;
        got += (size_t)r;
        if (got > max) {
            close(fd);
            avskey_wipe(b, got);
            free(b);
            return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: larger than %zu bytes", path, max);
        }
    }
    close(fd);
    b[got] = '\0';
    *buf = b;
    *len = got;
    return AVSKEY_OK;
}

avskey_err avskey_yaml_parser_fail(const yaml_parser_t *p, const char *name)
{
    return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: YAML error at line %zu column %zu: %s", name,
                       p->problem_mark.line + 1, p->problem_mark.column + 1,
                       p->problem ? p->problem : "unknown problem");
}

avskey_err avskey_yaml_load_one(yaml_document_t *doc, const char *buf, size_t len,
                                const char *name)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
    yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
    if (!yaml_parser_load(&p, doc)) {
        avskey_err e = avskey_yaml_parser_fail(&p, name);
        yaml_parser_delete(&p);
        return e;
    }
    if (yaml_document_get_root_node(doc)) {
        yaml_document_t extra;
        int ok = yaml_parser_load(&p, &extra);
        int more = ok && yaml_document_get_root_node(&extra) != NULL;
        if (ok) yaml_document_delete(&extra);
        if (!ok || more) {
            avskey_err e = ok ? avskey_fail(AVSKEY_ERR_MALFORMED,
                                            "%s: more than one YAML document", name)
                              : avskey_yaml_parser_fail(&p, name);
            yaml_document_delete(doc);
            yaml_parser_delete(&p);
            return e;
        }
    }
    yaml_parser_delete(&p);
    return AVSKEY_OK;
}

const char *avskey_yaml_str(const yaml_node_t *n)
{
    if (!n || n->type != YAML_SCALAR_NODE) return NULL;
    const char *s = (const char *)n->data.scalar.value;
    if (strlen(s) != n->data.scalar.length) return NULL;
    return s;
}

int avskey_yaml_is_null(const yaml_node_t *n)
{
    if (!n || n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    const char *s = (const char *)n->data.scalar.value;
    return s[0] == '\0' || strcmp(s, "~") == 0 || strcasecmp(s, "null") == 0;
}

int avskey_yaml_bool(const yaml_node_t *n, int *out)
{
    const char *s = avskey_yaml_str(n);
    if (!s) return 0;
    if (strcasecmp(s, "true") == 0) { *out = 1; return 1; }
    if (strcasecmp(s, "false") == 0) { *out = 0; return 1; }
    return 0;
}

int avskey_yaml_u64(const yaml_node_t *n, uint64_t *out)
{
    const char *s = avskey_yaml_str(n);
    if (!s || !s[0]) return 0;
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) { base = 16; s += 2; }
    if (!s[0]) return 0;
    uint64_t v = 0;
    for (; *s; s++) {
        unsigned d;
        if (*s >= '0' && *s <= '9') d = (unsigned)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f') d = (unsigned)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F') d = (unsigned)(*s - 'A' + 10);
        else return 0;
        if (v > (UINT64_MAX - d) / (uint64_t)base) return 0;
        v = v * (uint64_t)base + d;
    }
    *out = v;
    return 1;
}

int avskey_yaml_is_hex(const char *s, size_t nbytes)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
    size_t i = 0;
    for (; s[i]; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return 0;
    }
    return i == 2 * nbytes;
}
