/* Web3Signer key-config YAML loading (see keyconfig.h for the rules and
 * the Web3Signer sources they follow). */
#include "server/keyconfig.h"

#include "avskey/secmem.h"
#include "server/yamlutil.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

typedef struct kctx {
    const char *source, *base;
    avskey_keyconfig_entry **entries;
    size_t *n, cap, *errors;
    avskey_keyconfig_error_fn cb;
    void *cbctx;
} kctx;

static void report(kctx *k, const char *fmt, ...) AVSKEY_PRINTF(2, 3);
static void report(kctx *k, const char *fmt, ...)
{
    char msg[PATH_MAX + 256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    (*k->errors)++;
    if (k->cb) k->cb(k->cbctx, msg);
}

void avskey_keyconfig_free(avskey_keyconfig_entry *e, size_t n)
{
    if (!e) return;
    for (size_t i = 0; i < n; i++) avskey_secmem_free(e[i].raw_sk);
    avskey_wipe(e, n * sizeof *e);
    free(e);
}

static int resolve(char out[PATH_MAX], const char *base, const char *p)
{
    int r = p[0] == '/' ? snprintf(out, PATH_MAX, "%s", p) : snprintf(out, PATH_MAX, "%s/%s", base, p);
    return r > 0 && r < PATH_MAX;
}

static void wipe_scalars(yaml_document_t *d)
{
    for (yaml_node_t *nd = d->nodes.start; nd < d->nodes.top; nd++)
        if (nd->type == YAML_SCALAR_NODE) avskey_wipe(nd->data.scalar.value, nd->data.scalar.length);
}

/* Parses one document into e. Returns 1, or 0 after report(). */
static int parse_doc(kctx *k, yaml_document_t *d, int idx, avskey_keyconfig_entry *e)
{
    yaml_node_t *root = yaml_document_get_root_node(d);
    if (root->type != YAML_MAPPING_NODE) {
        report(k, "%s: document %d: not a mapping", k->source, idx);
        return 0;
    }
    const char *type = NULL, *kt = NULL, *ksf = NULL, *pwf = NULL, *pk = NULL;
    const char **slot;
    for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
        const char *key = avskey_yaml_str(yaml_document_get_node(d, pr->key));
        if (!key) { report(k, "%s: document %d: a field name is not a string", k->source, idx); return 0; }
        if (strcmp(key, "type") == 0) slot = &type;
        else if (strcmp(key, "keyType") == 0) slot = &kt;
        else if (strcmp(key, "keystoreFile") == 0) slot = &ksf;
        else if (strcmp(key, "keystorePasswordFile") == 0) slot = &pwf;
        else if (strcmp(key, "privateKey") == 0) slot = &pk;
        else continue;   /* Web3Signer ignores unknown properties */
        if (*slot) { report(k, "%s: document %d: field %s given twice", k->source, idx, key); return 0; }
        *slot = avskey_yaml_str(yaml_document_get_node(d, pr->value));
        if (!*slot || !**slot) {
            report(k, "%s: document %d: field %s must be a non-empty string", k->source, idx, key);
            return 0;
        }
    }
    if (!type) { report(k, "%s: document %d: no \"type\" field", k->source, idx); return 0; }
    e->key_type = AVSKEY_KC_SECP256K1;
    if (kt) {
        if (strcasecmp(kt, "SECP256K1") == 0) e->key_type = AVSKEY_KC_SECP256K1;
        else if (strcasecmp(kt, "BLS") == 0) e->key_type = AVSKEY_KC_BLS;
        else {
            report(k, "%s: document %d: keyType \"%.32s\" is not SECP256K1 or BLS", k->source, idx, kt);
            return 0;
        }
    }
    if (strcmp(type, "file-keystore") == 0) {
        if (!ksf || !pwf) {
            report(k, "%s: document %d: type file-keystore needs keystoreFile and keystorePasswordFile",
                   k->source, idx);
            return 0;
        }
        if (pk) { report(k, "%s: document %d: privateKey is not allowed with type file-keystore", k->source, idx); return 0; }
        if (!resolve(e->keystore_file, k->base, ksf) || !resolve(e->password_file, k->base, pwf)) {
            report(k, "%s: document %d: a path is too long", k->source, idx);
            return 0;
        }
        e->kind = AVSKEY_KC_FILE_KEYSTORE;
        return 1;
    }
    if (strcmp(type, "file-raw") == 0) {
        if (!pk) { report(k, "%s: document %d: type file-raw needs privateKey", k->source, idx); return 0; }
        if (ksf || pwf) {
            report(k, "%s: document %d: keystoreFile/keystorePasswordFile are not allowed with type file-raw",
                   k->source, idx);
            return 0;
        }
        /* never echo the value */
        if (!avskey_yaml_is_hex(pk, 32)) {
            report(k, "%s: document %d: privateKey must be 64 hex digits (0x optional)", k->source, idx);
            return 0;
        }
        e->raw_sk = avskey_secmem_alloc(32);
        if (!e->raw_sk) { report(k, "%s: document %d: out of secure memory", k->source, idx); return 0; }
        if (!avskey_hex_decode_var(e->raw_sk, 32, pk)) {
            avskey_secmem_free(e->raw_sk);
            e->raw_sk = NULL;
            report(k, "%s: document %d: privateKey must be 64 hex digits (0x optional)", k->source, idx);
            return 0;
        }
        e->kind = AVSKEY_KC_FILE_RAW;
        return 1;
    }
    static const char *const other[] = {"hashicorp", "azure-secret", "azure-key", "aws-key", "aws-kms"};
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        if (strcmp(type, other[i]) == 0) {
            report(k, "%s: document %d: type %s is not supported by avskey (file-keystore, file-raw)",
                   k->source, idx, type);
            return 0;
        }
    report(k, "%s: document %d: unknown type \"%.40s\" (file-keystore, file-raw)", k->source, idx, type);
    return 0;
}

static int push(kctx *k, const avskey_keyconfig_entry *e)
{
    if (*k->n >= AVSKEY_KEYCONFIG_MAX_ENTRIES) return 0;
    if (*k->n == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 8;
        avskey_keyconfig_entry *ne = calloc(cap, sizeof *ne);
        if (!ne) return -1;
        if (*k->n) memcpy(ne, *k->entries, *k->n * sizeof *ne);
        avskey_wipe(*k->entries, *k->n * sizeof *ne);
        free(*k->entries);
        *k->entries = ne;
        k->cap = cap;
    }
    (*k->entries)[(*k->n)++] = *e;
    return 1;
}

static void wipe_parser(yaml_parser_t *p)
{
    if (p->buffer.start) avskey_wipe(p->buffer.start, (size_t)(p->buffer.end - p->buffer.start));
    if (p->raw_buffer.start) avskey_wipe(p->raw_buffer.start, (size_t)(p->raw_buffer.end - p->raw_buffer.start));
}

static avskey_err parse_file(kctx *k, const char *yaml, size_t len)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
    yaml_parser_set_input_string(&p, (const unsigned char *)yaml, len);
    avskey_err err = AVSKEY_OK;
    int idx = 0, loaded = 0, bad = 0;
    avskey_keyconfig_entry *e = calloc(1, sizeof *e);
    if (!e) { yaml_parser_delete(&p); return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory"); }
    for (;;) {
        yaml_document_t d;
        if (!yaml_parser_load(&p, &d)) {
            report(k, "%s: document %d: YAML error at line %zu: %s", k->source, idx + 1,
                   p.problem_mark.line + 1, p.problem ? p.problem : "unknown problem");
            bad = 1;
            break;   /* the parser cannot resume after an error */
        }
        yaml_node_t *root = yaml_document_get_root_node(&d);
        if (!root) { yaml_document_delete(&d); break; }   /* end of stream */
        idx++;
        if (!avskey_yaml_is_null(root)) {
            memset(e, 0, sizeof *e);
            snprintf(e->source, sizeof e->source, "%s", k->source);
            e->doc_index = idx;
            if (parse_doc(k, &d, idx, e)) {
                int r = push(k, e);
                if (r < 0) {
                    avskey_secmem_free(e->raw_sk);
                    err = avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
                } else if (r == 0) {
                    avskey_secmem_free(e->raw_sk);
                    report(k, "%s: document %d: more than %d key-config entries", k->source, idx,
                           AVSKEY_KEYCONFIG_MAX_ENTRIES);
                } else loaded++;
            } else bad = 1;
        }
        wipe_scalars(&d);
        yaml_document_delete(&d);
        if (err) break;
    }
    if (!err && !loaded && !bad) report(k, "%s: no signing metadata (empty file)", k->source);
    avskey_wipe(e, sizeof *e);
    free(e);
    wipe_parser(&p);
    yaml_parser_delete(&p);
    return err;
}

avskey_err avskey_keyconfig_parse(const char *yaml, size_t len, const char *source, const char *base_dir,
                                  avskey_keyconfig_entry **entries, size_t *n, size_t *errors,
                                  avskey_keyconfig_error_fn on_error, void *ctx)
{
    kctx k = {source, base_dir, entries, n, *n, errors, on_error, ctx};
    if (len > AVSKEY_YAML_MAX_FILE) {
        report(&k, "%s: larger than %u bytes", source, AVSKEY_YAML_MAX_FILE);
        return AVSKEY_OK;
    }
    return parse_file(&k, yaml, len);
}

static int wanted(const char *name)
{
    if (name[0] == '.') return 0;
    const char *dot = strrchr(name, '.');
    return dot && (strcasecmp(dot, ".yaml") == 0 || strcasecmp(dot, ".yml") == 0);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

avskey_err avskey_keyconfig_load_dir(const char *dir, avskey_keyconfig_entry **entries, size_t *n,
                                     size_t *errors, avskey_keyconfig_error_fn on_error, void *ctx)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return avskey_fail(errno == ENOENT ? AVSKEY_ERR_NOTFOUND : AVSKEY_ERR_IO,
                           "%s: cannot open folder: %s", dir, strerror(errno));
    /* names first, sorted, so that the order (and doc numbering) is stable */
    char **names = NULL;
    size_t nn = 0, cap = 0;
    avskey_err err = AVSKEY_OK;
    struct dirent *de;
    while ((de = readdir(dp))) {
        if (!wanted(de->d_name)) continue;
        if (nn == cap) {
            cap = cap ? cap * 2 : 16;
            char **q = realloc(names, cap * sizeof *q);
            if (!q) { err = AVSKEY_ERR_NOMEM; break; }
            names = q;
        }
        if (!(names[nn] = strdup(de->d_name))) { err = AVSKEY_ERR_NOMEM; break; }
        nn++;
    }
    closedir(dp);
    avskey_keyconfig_entry *es = NULL;
    size_t ne = 0, nerr = 0;
    kctx k = {NULL, dir, &es, &ne, 0, &nerr, on_error, ctx};
    if (!err) qsort(names, nn, sizeof *names, cmp_names);
    for (size_t i = 0; i < nn && !err; i++) {
        char path[PATH_MAX];
        k.source = path;
        if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= (int)sizeof path) {
            report(&k, "%s/%s: path too long", dir, names[i]);
            continue;
        }
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;   /* folders, sockets, dangling links */
        char *buf;
        size_t len;
        avskey_err e = avskey_yaml_read_file(&buf, &len, path, AVSKEY_YAML_MAX_FILE);
        if (e == AVSKEY_ERR_NOMEM) { err = e; break; }
        if (e) { report(&k, "%s", avskey_errmsg()); continue; }
        err = parse_file(&k, buf, len);
        avskey_wipe(buf, len);
        free(buf);
    }
    for (size_t i = 0; i < nn; i++) free(names[i]);
    free(names);
    if (err) {
        avskey_keyconfig_free(es, ne);
        return err == AVSKEY_ERR_NOMEM ? avskey_fail(AVSKEY_ERR_NOMEM, "out of memory") : err;
    }
    *entries = es;
    *n = ne;
    *errors = nerr;
    return AVSKEY_OK;
}
