/* ECDSA policy: YAML loading and the checks. */
#include "server/policy.h"

#include "server/yamlutil.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rules {
    int set_chain, set_value, set_raw, set_to, set_sel;
    uint64_t *chain;
    size_t nchain;
    int value, raw;
    uint8_t (*to)[20];
    size_t nto;
    uint8_t (*sel)[4];
    size_t nsel;
} rules;

typedef struct keyrules {
    uint8_t addr[20];
    rules r;
} keyrules;

struct avskey_policy {
    rules g;
    keyrules *k;
    size_t nk;
};

static void rules_free(rules *r)
{
    free(r->chain);
    free(r->to);
    free(r->sel);
}

void avskey_policy_free(avskey_policy *p)
{
    if (!p) return;
    rules_free(&p->g);
    for (size_t i = 0; i < p->nk; i++) rules_free(&p->k[i].r);
    free(p->k);
    free(p);
}

/* ---- parsing ---------------------------------------------------------- */

typedef struct pctx {
    const char *file;
    yaml_document_t *doc;
    char where[64];          /* "" or "keys.0x...: " */
    size_t total;            /* list entries in the whole file (aliases count each time) */
} pctx;

static avskey_err pfail(const pctx *p, const char *field, const char *what)
{
    return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: %s%s%s", p->file, p->where, field, what);
}

static size_t seq_len(const yaml_node_t *n)
{
    return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static yaml_node_t *seq_item(const pctx *p, const yaml_node_t *n, size_t i)
{
    return yaml_document_get_node(p->doc, n->data.sequence.items.start[i]);
}

static avskey_err list_check(pctx *p, const char *field, const yaml_node_t *v)
{
    if (!v || v->type != YAML_SEQUENCE_NODE) return pfail(p, field, " must be a list");
    if (seq_len(v) > AVSKEY_POLICY_MAX_LIST) return pfail(p, field, " has too many entries");
    p->total += seq_len(v);
    if (p->total > AVSKEY_POLICY_MAX_TOTAL) return pfail(p, field, ": too many list entries in the file");
    return AVSKEY_OK;
}

static avskey_err parse_chain(pctx *p, rules *r, const yaml_node_t *v)
{
    avskey_err e = list_check(p, "chain_ids", v);
    if (e) return e;
    size_t n = seq_len(v);
    if (!(r->chain = calloc(n ? n : 1, sizeof *r->chain))) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (!avskey_yaml_u64(seq_item(p, v, i), &r->chain[i]))
            return pfail(p, "chain_ids", " entries must be unsigned integers");
    r->nchain = n;
    return AVSKEY_OK;
}

static avskey_err parse_hexlist(pctx *p, const char *field, const yaml_node_t *v, size_t width,
                                uint8_t **out, size_t *nout)
{
    avskey_err e = list_check(p, field, v);
    if (e) return e;
    size_t n = seq_len(v);
    uint8_t *b = calloc(n ? n : 1, width);
    if (!b) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
    *out = b;
    for (size_t i = 0; i < n; i++) {
        const char *s = avskey_yaml_str(seq_item(p, v, i));
        if (!s || !(s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) || !avskey_yaml_is_hex(s, width) ||
            !avskey_hex_decode_var(b + i * width, width, s)) {
            char what[96];
            snprintf(what, sizeof what, " entry %zu must be 0x and %zu hex digits", i + 1, 2 * width);
            return pfail(p, field, what);
        }
    }
    *nout = n;
    return AVSKEY_OK;
}

static avskey_err parse_rules(pctx *p, rules *r, const yaml_node_t *m, int top)
{
    for (yaml_node_pair_t *pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
        const char *k = avskey_yaml_str(yaml_document_get_node(p->doc, pr->key));
        yaml_node_t *v = yaml_document_get_node(p->doc, pr->value);
        avskey_err e = AVSKEY_OK;
        int *seen = NULL;
        if (!k) return pfail(p, "", "a field name is not a string");
        if (strcmp(k, "chain_ids") == 0) seen = &r->set_chain;
        else if (strcmp(k, "allow_value_transfer") == 0) seen = &r->set_value;
        else if (strcmp(k, "allow_raw_signing") == 0) seen = &r->set_raw;
        else if (strcmp(k, "allow_to") == 0) seen = &r->set_to;
        else if (strcmp(k, "allow_selectors") == 0) seen = &r->set_sel;
        else if (top && strcmp(k, "keys") == 0) continue;
        else {
            char what[160];
            snprintf(what, sizeof what, "unknown field \"%.48s\" (allowed: chain_ids, allow_value_transfer, "
                     "allow_raw_signing, allow_to, allow_selectors%s)", k, top ? ", keys" : "");
            return pfail(p, "", what);
        }
        if (*seen) return pfail(p, k, " given twice");
        *seen = 1;
        if (seen == &r->set_chain) e = parse_chain(p, r, v);
        else if (seen == &r->set_value) { if (!avskey_yaml_bool(v, &r->value)) e = pfail(p, k, " must be true or false"); }
        else if (seen == &r->set_raw) { if (!avskey_yaml_bool(v, &r->raw)) e = pfail(p, k, " must be true or false"); }
        else if (seen == &r->set_to) e = parse_hexlist(p, k, v, 20, (uint8_t **)&r->to, &r->nto);
        else e = parse_hexlist(p, k, v, 4, (uint8_t **)&r->sel, &r->nsel);
        if (e) return e;
    }
    return AVSKEY_OK;
}

static avskey_err parse_keys(pctx *p, avskey_policy *pol, const yaml_node_t *m)
{
    if (m->type != YAML_MAPPING_NODE)
        return pfail(p, "keys", " must be a mapping of \"0x<address>\": {overrides}");
    size_t n = (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
    if (n > AVSKEY_POLICY_MAX_KEYS) return pfail(p, "keys", " has too many entries");
    if (!(pol->k = calloc(n ? n : 1, sizeof *pol->k))) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        yaml_node_pair_t *pr = m->data.mapping.pairs.start + i;
        const char *a = avskey_yaml_str(yaml_document_get_node(p->doc, pr->key));
        yaml_node_t *v = yaml_document_get_node(p->doc, pr->value);
        keyrules *kr = &pol->k[i];
        pol->nk = i + 1;
        if (!a || !(a[0] == '0' && (a[1] == 'x' || a[1] == 'X')) || !avskey_yaml_is_hex(a, 20) ||
            !avskey_hex_decode_var(kr->addr, 20, a)) {
            char what[80];
            snprintf(what, sizeof what, ": entry %zu is not a 0x + 40 hex address", i + 1);
            return pfail(p, "keys", what);
        }
        for (size_t j = 0; j < i; j++)
            if (memcmp(pol->k[j].addr, kr->addr, 20) == 0) {
                char what[80];
                snprintf(what, sizeof what, ": address %.42s given twice", a);
                return pfail(p, "keys", what);
            }
        snprintf(p->where, sizeof p->where, "keys.%.42s: ", a);
        if (avskey_yaml_is_null(v)) { p->where[0] = '\0'; continue; }
        if (v->type != YAML_MAPPING_NODE) return pfail(p, "", "must be a mapping");
        avskey_err e = parse_rules(p, &kr->r, v, 0);
        if (e) return e;
        p->where[0] = '\0';
    }
    return AVSKEY_OK;
}

static avskey_policy *default_policy(void)
{
    avskey_policy *p = calloc(1, sizeof *p);
    if (p) p->g.raw = 1;   /* value 0, no extra chains, any to/selector */
    return p;
}

avskey_err avskey_policy_parse(avskey_policy **out, const char *yaml, size_t len, const char *name)
{
    if (len > AVSKEY_YAML_MAX_FILE)
        return avskey_fail(AVSKEY_ERR_MALFORMED, "%s: larger than %u bytes", name, AVSKEY_YAML_MAX_FILE);
    yaml_document_t doc;
    avskey_err e = avskey_yaml_load_one(&doc, yaml, len, name);
    if (e) return e;
    avskey_policy *pol = default_policy();
    if (!pol) { yaml_document_delete(&doc); return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory"); }
    pctx p = {name, &doc, "", 0};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root && !avskey_yaml_is_null(root)) {
        if (root->type != YAML_MAPPING_NODE) e = pfail(&p, "", "top level must be a mapping");
        else e = parse_rules(&p, &pol->g, root, 1);
        int seen = 0;
        for (yaml_node_pair_t *pr = root->type == YAML_MAPPING_NODE ? root->data.mapping.pairs.start : NULL;
             !e && pr && pr < root->data.mapping.pairs.top; pr++) {
            const char *k = avskey_yaml_str(yaml_document_get_node(&doc, pr->key));
            if (!k || strcmp(k, "keys") != 0) continue;
            if (seen++) e = pfail(&p, "keys", " given twice");
            else e = parse_keys(&p, pol, yaml_document_get_node(&doc, pr->value));
        }
        if (!pol->g.set_raw) pol->g.raw = 1;
    }
    yaml_document_delete(&doc);
    if (e) { avskey_policy_free(pol); return e; }
    *out = pol;
    return AVSKEY_OK;
}

avskey_err avskey_policy_load(avskey_policy **out, const char *path)
{
    if (!path) {
        avskey_policy *p = default_policy();
        if (!p) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
        *out = p;
        return AVSKEY_OK;
    }
    char *buf;
    size_t len;
    avskey_err e = avskey_yaml_read_file(&buf, &len, path, AVSKEY_YAML_MAX_FILE);
    if (e) return e;
    e = avskey_policy_parse(out, buf, len, path);
    free(buf);
    return e;
}

/* ---- checks ----------------------------------------------------------- */

/* The effective rules for a key: the key's fields over the top level. */
typedef struct eff {
    const uint64_t *chain; size_t nchain;
    int value, raw, has_to, has_sel;
    const uint8_t (*to)[20]; size_t nto;
    const uint8_t (*sel)[4]; size_t nsel;
} eff;

static eff effective(const avskey_policy *p, const uint8_t addr[20])
{
    const rules *g = &p->g, *k = NULL;
    for (size_t i = 0; i < p->nk && !k; i++)
        if (memcmp(p->k[i].addr, addr, 20) == 0) k = &p->k[i].r;
    const rules *c = k && k->set_chain ? k : g, *v = k && k->set_value ? k : g,
                *r = k && k->set_raw ? k : g, *t = k && k->set_to ? k : g, *s = k && k->set_sel ? k : g;
    eff e = {c->chain, c->nchain, v->value, r->raw, t->set_to, s->set_sel,
             (const uint8_t (*)[20])t->to, t->nto, (const uint8_t (*)[4])s->sel, s->nsel};
    return e;
}

static void addr_hex(char out[43], const uint8_t a[20])
{
    out[0] = '0';
    out[1] = 'x';
    avskey_hex_encode(out + 2, a, 20);
}

static int chain_ok(const eff *e, uint64_t daemon, uint64_t id, char reason[AVSKEY_POLICY_REASON])
{
    if (id == daemon && daemon != 0) return 1;
    for (size_t i = 0; i < e->nchain; i++)
        if (e->chain[i] == id) return 1;
    if (daemon == 0)
        snprintf(reason, AVSKEY_POLICY_REASON, "chain id %" PRIu64 " not allowed (no --chain-id given)", id);
    else
        snprintf(reason, AVSKEY_POLICY_REASON, "chain id %" PRIu64 " not allowed (signer is for %" PRIu64 ")",
                 id, daemon);
    return 0;
}

int avskey_policy_allows_chain(const avskey_policy *p, const uint8_t key_address[20],
                               uint64_t daemon_chain_id, uint64_t chain_id,
                               char reason[AVSKEY_POLICY_REASON])
{
    eff e = effective(p, key_address);
    reason[0] = '\0';
    return chain_ok(&e, daemon_chain_id, chain_id, reason);
}

int avskey_policy_allows_raw(const avskey_policy *p, const uint8_t key_address[20],
                             char reason[AVSKEY_POLICY_REASON])
{
    eff e = effective(p, key_address);
    reason[0] = '\0';
    if (e.raw) return 1;
    char a[43];
    addr_hex(a, key_address);
    snprintf(reason, AVSKEY_POLICY_REASON, "raw signing refused by policy for key %s", a);
    return 0;
}

int avskey_policy_check_tx(const avskey_policy *p, const uint8_t key_address[20],
                           uint64_t daemon_chain_id, const avskey_policy_tx *tx,
                           char reason[AVSKEY_POLICY_REASON])
{
    eff e = effective(p, key_address);
    char a[43], t[43];
    reason[0] = '\0';
    addr_hex(a, key_address);
    if (!chain_ok(&e, daemon_chain_id, tx->chain_id, reason)) return 0;
    if (tx->value_nonzero && !e.value) {
        snprintf(reason, AVSKEY_POLICY_REASON, "value transfer refused by policy");
        return 0;
    }
    if (e.has_to) {
        if (!tx->has_to) {
            snprintf(reason, AVSKEY_POLICY_REASON, "contract creation refused: allow_to is set for key %s", a);
            return 0;
        }
        int found = 0;
        for (size_t i = 0; i < e.nto && !found; i++) found = memcmp(e.to[i], tx->to, 20) == 0;
        if (!found) {
            addr_hex(t, tx->to);
            snprintf(reason, AVSKEY_POLICY_REASON, "contract %s not in allow_to for key %s", t, a);
            return 0;
        }
    }
    if (e.has_sel) {
        if (tx->data_len < 4) {
            snprintf(reason, AVSKEY_POLICY_REASON,
                     "call without a function selector refused: allow_selectors is set for key %s", a);
            return 0;
        }
        int found = 0;
        for (size_t i = 0; i < e.nsel && !found; i++) found = memcmp(e.sel[i], tx->selector, 4) == 0;
        if (!found) {
            char s[9];
            avskey_hex_encode(s, tx->selector, 4);
            snprintf(reason, AVSKEY_POLICY_REASON, "function selector 0x%s not allowed for key %s", s, a);
            return 0;
        }
    }
    return 1;
}
