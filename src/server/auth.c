/* --auth-file: loading, constant-time token lookup, key permissions and
 * appending new clients. */
#include "server/auth.h"

#include "avskey/keystore.h"
#include "server/yamlutil.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

struct avskey_auth_client {
    char *name;
    char *cert_cn;          /* NULL for token clients */
    int has_token;
    uint8_t token_sha[32];
    int admin;
    int all_keys;           /* "*" */
    char **keys;            /* normalized: lowercase, no 0x */
    size_t nkeys;
};

struct avskey_auth {
    avskey_auth_client *c;
    size_t n;
};

static void client_free(avskey_auth_client *c)
{
    free(c->name);
    free(c->cert_cn);
    for (size_t i = 0; i < c->nkeys; i++) free(c->keys[i]);
    free(c->keys);
}

void avskey_auth_free(avskey_auth *a)
{
    if (!a) return;
    for (size_t i = 0; i < a->n; i++) client_free(&a->c[i]);
    free(a->c);
    free(a);
}

size_t avskey_auth_count(const avskey_auth *a) { return a->n; }
const char *avskey_auth_client_name(const avskey_auth_client *c) { return c->name; }
int avskey_auth_client_admin(const avskey_auth_client *c) { return c->admin; }

/* An identifier: "*" or hex digits with an optional 0x (1..256 digits). */
static int id_valid(const char *s)
{
    if (strcmp(s, "*") == 0) return 1;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
    size_t n = strlen(s);
    if (n == 0 || n > 256) return 0;
    return strspn(s, "0123456789abcdefABCDEF") == n;
}

static char *id_normalize(const char *s)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
    char *d = strdup(s);
    if (d)
        for (char *p = d; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    return d;
}

static int text_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max) return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return 0;
    return 1;
}

static int is_lower_hex64(const char *s)
{
    return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* ---- parsing ---------------------------------------------------------- */

typedef struct pctx {
    const char *file;
    yaml_document_t *doc;
    size_t total_keys;
} pctx;

static avskey_err cfail(const pctx *p, size_t i, const avskey_auth_client *c, const char *field,
                        const char *what)
{
    return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: client %zu%s%s%s: %s%s%s", p->file, i + 1,
                       c->name ? " (" : "", c->name ? c->name : "", c->name ? ")" : "",
                       field ? "field " : "", field ? field : "", what);
}

static avskey_err parse_keys(pctx *p, size_t i, avskey_auth_client *c, yaml_node_t *v)
{
    if (v->type != YAML_SEQUENCE_NODE) return cfail(p, i, c, "keys", " must be a list");
    size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    if (n > AVSKEY_AUTH_MAX_KEYS - p->total_keys)
        return cfail(p, i, c, "keys", ": too many key identifiers in the file");
    p->total_keys += n;
    c->keys = calloc(n ? n : 1, sizeof *c->keys);
    if (!c->keys) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < n; k++) {
        const char *s = avskey_yaml_str(yaml_document_get_node(p->doc, v->data.sequence.items.start[k]));
        if (!s || !id_valid(s)) {
            char what[96];
            snprintf(what, sizeof what, ": entry %zu is not \"*\" or a hex key identifier", k + 1);
            return cfail(p, i, c, "keys", what);
        }
        if (strcmp(s, "*") == 0) c->all_keys = 1;
        if (!(c->keys[c->nkeys] = id_normalize(s))) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
        c->nkeys++;
    }
    return AVSKEY_OK;
}

static avskey_err parse_client(pctx *p, size_t i, avskey_auth_client *c, yaml_node_t *m)
{
    if (m->type != YAML_MAPPING_NODE) return cfail(p, i, c, NULL, "not a mapping");
    yaml_node_pair_t *pr;
    /* the name first, so that later messages can carry it */
    for (pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
        const char *k = avskey_yaml_str(yaml_document_get_node(p->doc, pr->key));
        if (k && strcmp(k, "name") == 0) {
            const char *s = avskey_yaml_str(yaml_document_get_node(p->doc, pr->value));
            if (!s || !text_ok(s, AVSKEY_AUTH_NAME_MAX))
                return cfail(p, i, c, "name", " must be 1..128 printable characters");
            if (c->name) return cfail(p, i, c, "name", " given twice");
            if (!(c->name = strdup(s))) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
        }
    }
    if (!c->name) return cfail(p, i, c, "name", " missing");
    int seen_keys = 0, seen_admin = 0;
    for (pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
        const char *k = avskey_yaml_str(yaml_document_get_node(p->doc, pr->key));
        yaml_node_t *v = yaml_document_get_node(p->doc, pr->value);
        const char *s = avskey_yaml_str(v);
        avskey_err e;
        if (!k) return cfail(p, i, c, NULL, "a field name is not a string");
        if (strcmp(k, "name") == 0) continue;
        if (strcmp(k, "token_sha256") == 0) {
            if (c->has_token) return cfail(p, i, c, k, " given twice");
            if (!s || !is_lower_hex64(s))
                return cfail(p, i, c, k, " must be 64 lowercase hex characters (sha256 of the token)");
            if (!avskey_hex_decode_var(c->token_sha, 32, s)) return cfail(p, i, c, k, " bad hex");
            c->has_token = 1;
        } else if (strcmp(k, "cert_cn") == 0) {
            if (c->cert_cn) return cfail(p, i, c, k, " given twice");
            if (!s || !text_ok(s, 256)) return cfail(p, i, c, k, " must be 1..256 printable characters");
            if (!(c->cert_cn = strdup(s))) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
        } else if (strcmp(k, "keys") == 0) {
            if (seen_keys++) return cfail(p, i, c, k, " given twice");
            if ((e = parse_keys(p, i, c, v))) return e;
        } else if (strcmp(k, "admin") == 0) {
            if (seen_admin++) return cfail(p, i, c, k, " given twice");
            if (!avskey_yaml_bool(v, &c->admin)) return cfail(p, i, c, k, " must be true or false");
        } else {
            char what[160];
            snprintf(what, sizeof what, "unknown field \"%.64s\" (allowed: name, token_sha256, cert_cn, keys, admin)", k);
            return cfail(p, i, c, NULL, what);
        }
    }
    if (c->has_token && c->cert_cn) return cfail(p, i, c, NULL, "give token_sha256 or cert_cn, not both");
    if (!c->has_token && !c->cert_cn) return cfail(p, i, c, NULL, "needs token_sha256 or cert_cn");
    if (!seen_keys) return cfail(p, i, c, "keys", " missing (use [\"*\"] for every key)");
    return AVSKEY_OK;
}

static avskey_err check_unique(const pctx *p, const avskey_auth *a, size_t i)
{
    const avskey_auth_client *c = &a->c[i];
    for (size_t j = 0; j < i; j++) {
        const avskey_auth_client *o = &a->c[j];
        if (strcmp(o->name, c->name) == 0) return cfail(p, i, c, "name", " duplicates an earlier client");
        if (c->has_token && o->has_token && avskey_ct_memeq(o->token_sha, c->token_sha, 32))
            return cfail(p, i, c, "token_sha256", " is the same as client earlier in the file");
        if (c->cert_cn && o->cert_cn && strcmp(o->cert_cn, c->cert_cn) == 0)
            return cfail(p, i, c, "cert_cn", " duplicates an earlier client");
    }
    return AVSKEY_OK;
}

static avskey_err parse_doc(avskey_auth *a, pctx *p)
{
    yaml_node_t *root = yaml_document_get_root_node(p->doc);
    if (!root) return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: empty file (expected \"clients:\")", p->file);
    if (root->type != YAML_MAPPING_NODE)
        return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: top level must be a mapping with \"clients:\"", p->file);
    yaml_node_t *list = NULL;
    for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
        const char *k = avskey_yaml_str(yaml_document_get_node(p->doc, pr->key));
        if (!k || strcmp(k, "clients") != 0)
            return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: unknown top-level field \"%.64s\" (only \"clients\")",
                               p->file, k ? k : "?");
        if (list) return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: \"clients\" given twice", p->file);
        list = yaml_document_get_node(p->doc, pr->value);
    }
    if (!list) return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: no \"clients:\" list", p->file);
    if (list->type != YAML_SEQUENCE_NODE)
        return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: \"clients\" must be a list", p->file);
    size_t n = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
    if (n > AVSKEY_AUTH_MAX_CLIENTS)
        return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: more than %d clients", p->file, AVSKEY_AUTH_MAX_CLIENTS);
    a->c = calloc(n ? n : 1, sizeof *a->c);
    if (!a->c) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        a->n = i + 1;
        avskey_err e = parse_client(p, i, &a->c[i],
                                    yaml_document_get_node(p->doc, list->data.sequence.items.start[i]));
        if (!e) e = check_unique(p, a, i);
        if (e) return e;
    }
    return AVSKEY_OK;
}

avskey_err avskey_auth_parse(avskey_auth **out, const char *yaml, size_t len, const char *name)
{
    if (len > AVSKEY_YAML_MAX_FILE)
        return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: larger than %u bytes", name, AVSKEY_YAML_MAX_FILE);
    yaml_document_t doc;
    avskey_err e = avskey_yaml_load_one(&doc, yaml, len, name);
    if (e) return e;
    avskey_auth *a = calloc(1, sizeof *a);
    if (!a) { yaml_document_delete(&doc); return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory"); }
    pctx p = {name, &doc, 0};
    e = parse_doc(a, &p);
    yaml_document_delete(&doc);
    if (e) { avskey_auth_free(a); return e; }
    *out = a;
    return AVSKEY_OK;
}

avskey_err avskey_auth_load(avskey_auth **out, const char *path)
{
    char *buf;
    size_t len;
    avskey_err e = avskey_yaml_read_file(&buf, &len, path, AVSKEY_YAML_MAX_FILE);
    if (e) return e;
    e = avskey_auth_parse(out, buf, len, path);
    free(buf);
    return e;
}

/* ---- lookups ---------------------------------------------------------- */

const avskey_auth_client *avskey_auth_by_token(const avskey_auth *a, const char *token, size_t len)
{
    uint8_t h[32];
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, len, (const uint8_t *)token);
    sha256_digest(&ctx, sizeof h, h);
    AVSKEY_WIPE(ctx);
    /* Every client is compared; the index is selected with masks. */
    size_t found = 0, any = 0;
    for (size_t i = 0; i < a->n; i++) {
        size_t eq = (size_t)(avskey_ct_memeq(h, a->c[i].token_sha, 32) & a->c[i].has_token);
        size_t mask = (size_t)0 - eq;
        found = (found & ~mask) | (i & mask);
        any |= eq;
    }
    AVSKEY_WIPE(h);
    return any ? &a->c[found] : NULL;
}

const avskey_auth_client *avskey_auth_by_cn(const avskey_auth *a, const char *cn)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->c[i].cert_cn && strcmp(a->c[i].cert_cn, cn) == 0) return &a->c[i];
    return NULL;
}

int avskey_auth_may_use(const avskey_auth_client *c, const char *id)
{
    if (c->all_keys) return 1;
    if (id[0] == '0' && (id[1] == 'x' || id[1] == 'X')) id += 2;
    if (!id[0]) return 0;
    for (size_t i = 0; i < c->nkeys; i++)
        if (strcasecmp(c->keys[i], id) == 0) return 1;
    return 0;
}

/* ---- adding a client -------------------------------------------------- */

int avskey_auth_name_valid(const char *name)
{
    size_t n = strlen(name);
    return n >= 1 && n <= 64 &&
           strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@-") == n;
}

typedef struct sbuf { char *p; size_t len, cap; int oom; } sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *q = realloc(b->p, cap);
        if (!q) { b->oom = 1; return; }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}
static void sb_str(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }
static void sb_indent(sbuf *b, size_t n) { while (n--) sb_add(b, " ", 1); }
/* A YAML single-quoted scalar ('' escapes '); s has no control chars. */
static void sb_squote(sbuf *b, const char *s)
{
    sb_str(b, "'");
    for (; *s; s++) {
        sb_add(b, s, 1);
        if (*s == '\'') sb_add(b, "'", 1);
    }
    sb_str(b, "'");
}

/* Splits keys_csv into YAML flow list text ["a", "b"]; checks each id. */
static avskey_err keys_yaml(sbuf *b, const char *csv)
{
    sb_str(b, "[");
    const char *s = csv;
    int first = 1;
    for (;;) {
        const char *end = strchr(s, ',');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        while (n && (*s == ' ' || *s == '\t')) { s++; n--; }
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
        char id[300];
        if (n == 0 || n >= sizeof id) return avskey_fail(AVSKEY_ERR_USAGE, "--keys: empty or too long identifier");
        memcpy(id, s, n);
        id[n] = '\0';
        if (!id_valid(id))
            return avskey_fail(AVSKEY_ERR_USAGE, "--keys: \"%.80s\" is not \"*\" or a hex key identifier", id);
        if (!first) sb_str(b, ", ");
        sb_str(b, "\"");
        sb_str(b, id);
        sb_str(b, "\"");
        first = 0;
        if (!end) break;
        s = end + 1;
    }
    sb_str(b, "]");
    return AVSKEY_OK;
}

/* One client as block-sequence YAML with its "-" at column col. */
static void client_yaml(sbuf *b, size_t col, const char *name, const char *sha_hex,
                        const char *cn, const char *keys, int admin)
{
    sb_indent(b, col);
    sb_str(b, "- name: ");
    sb_squote(b, name);
    sb_str(b, "\n");
    sb_indent(b, col + 2);
    if (sha_hex) { sb_str(b, "token_sha256: "); sb_str(b, sha_hex); }
    else { sb_str(b, "cert_cn: "); sb_squote(b, cn); }
    sb_str(b, "\n");
    sb_indent(b, col + 2);
    sb_str(b, "keys: ");
    sb_str(b, keys);
    sb_str(b, "\n");
    if (admin) { sb_indent(b, col + 2); sb_str(b, "admin: true\n"); }
}

/* Writes every client of a in canonical form, then the new one. */
static void canonical(sbuf *b, const avskey_auth *a)
{
    sb_str(b, "clients:\n");
    for (size_t i = 0; i < a->n; i++) {
        const avskey_auth_client *c = &a->c[i];
        sbuf k = {0};
        sb_str(&k, "[");
        for (size_t j = 0; j < c->nkeys; j++) {
            if (j) sb_str(&k, ", ");
            sb_str(&k, "\"");
            sb_str(&k, strcmp(c->keys[j], "*") == 0 ? "" : "0x");
            sb_str(&k, c->keys[j]);
            sb_str(&k, "\"");
        }
        sb_str(&k, "]");
        char hex[65];
        avskey_hex_encode(hex, c->token_sha, 32);
        client_yaml(b, 2, c->name, c->has_token ? hex : NULL, c->cert_cn, k.oom ? "[]" : k.p, c->admin);
        if (k.oom) b->oom = 1;
        free(k.p);
    }
}

/* Returns: the column of the clients list's "-" if it is a non-empty
 * block sequence, else -1. */
static long block_column(const char *buf, size_t len, const char *path)
{
    yaml_document_t doc;
    if (avskey_yaml_load_one(&doc, buf, len, path)) return -1;
    long col = -1;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root && root->type == YAML_MAPPING_NODE && root->data.mapping.pairs.top > root->data.mapping.pairs.start) {
        yaml_node_t *l = yaml_document_get_node(&doc, root->data.mapping.pairs.start->value);
        if (l && l->type == YAML_SEQUENCE_NODE && l->data.sequence.style == YAML_BLOCK_SEQUENCE_STYLE &&
            l->data.sequence.items.top > l->data.sequence.items.start)
            col = (long)l->start_mark.column;
    }
    yaml_document_delete(&doc);
    return col;
}

avskey_err avskey_auth_add_client(const char *path, const char *name, const char *keys_csv,
                                  int admin, char token_out[65])
{
    if (!avskey_auth_name_valid(name))
        return avskey_fail(AVSKEY_ERR_USAGE, "client name must match [A-Za-z0-9._@-]{1,64}");
    sbuf keys = {0}, out = {0};
    char *old = NULL;
    size_t oldlen = 0;
    avskey_auth *a = NULL;
    uint8_t tok[32], h[32];
    char tokhex[65], hhex[65];
    avskey_err e = keys_yaml(&keys, keys_csv);
    if (e) goto done;
    e = avskey_yaml_read_file(&old, &oldlen, path, AVSKEY_YAML_MAX_FILE);
    if (e == AVSKEY_ERR_NOTFOUND) { old = NULL; e = AVSKEY_OK; }
    if (e) goto done;
    if (old) {
        if ((e = avskey_auth_parse(&a, old, oldlen, path))) goto done;
        for (size_t i = 0; i < a->n; i++)
            if (strcmp(a->c[i].name, name) == 0) {
                e = avskey_fail(AVSKEY_ERR_EXISTS, "%s: a client named %s already exists", path, name);
                goto done;
            }
        if (a->n >= AVSKEY_AUTH_MAX_CLIENTS) {
            e = avskey_fail(AVSKEY_ERR_REFUSED, "%s: already %d clients", path, AVSKEY_AUTH_MAX_CLIENTS);
            goto done;
        }
    }
    if (getrandom(tok, sizeof tok, 0) != (ssize_t)sizeof tok) {
        e = avskey_fail(AVSKEY_ERR_IO, "getrandom failed");
        goto done;
    }
    avskey_hex_encode(tokhex, tok, 32);
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, 64, (const uint8_t *)tokhex);
    sha256_digest(&ctx, 32, h);
    avskey_hex_encode(hhex, h, 32);
    long col = old ? block_column(old, oldlen, path) : -1;
    int appended = 0;
    if (col >= 0) {
        /* keep the operator's file (comments included) and append */
        sb_add(&out, old, oldlen);
        if (oldlen && old[oldlen - 1] != '\n') sb_str(&out, "\n");
        client_yaml(&out, (size_t)col, name, hhex, NULL, keys.p, admin);
        avskey_auth *chk = NULL;
        if (!out.oom && avskey_auth_parse(&chk, out.p, out.len, path) == AVSKEY_OK &&
            chk->n == a->n + 1 && strcmp(chk->c[a->n].name, name) == 0)
            appended = 1;
        avskey_auth_free(chk);
    }
    if (!appended) {
        out.len = 0;
        if (!old) sb_str(&out, "# avskey serve --auth-file (interface.md section 5); tokens are never stored\n");
        if (a) canonical(&out, a);
        else sb_str(&out, "clients:\n");
        client_yaml(&out, 2, name, hhex, NULL, keys.p, admin);
    }
    if (out.oom) { e = avskey_fail(AVSKEY_ERR_NOMEM, "out of memory"); goto done; }
    {   /* what we write must load */
        avskey_auth *chk = NULL;
        e = avskey_auth_parse(&chk, out.p, out.len, path);
        avskey_auth_free(chk);
        if (e) goto done;
    }
    if ((e = avskey_file_write_atomic(path, out.p, out.len, 1))) goto done;
    memcpy(token_out, tokhex, 65);
done:
    AVSKEY_WIPE(tok);
    AVSKEY_WIPE(tokhex);
    avskey_auth_free(a);
    free(old);
    free(keys.p);
    free(out.p);
    return e;
}
