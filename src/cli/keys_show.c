/* keys list, keys show: public data of key files. */
#include "keyref.h"

#include "avskey/ecdsa.h"
#include "avskey/secmem.h"

#include <limits.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

void avskey_fields_add(avskey_fields *fs, const char *key, const char *value)
{
    if (fs->n == AVSKEY_MAX_FIELDS) return;
    avskey_field *f = &fs->f[fs->n++];
    f->key = key;
    f->is_null = value == NULL;
    snprintf(f->value, sizeof f->value, "%s", value ? value : "");
}

static void print_fields(FILE *out, const avskey_fields *fs, int json)
{
    if (json) fputc('{', out);
    for (int i = 0; i < fs->n; i++) {
        const avskey_field *f = &fs->f[i];
        if (json) {
            if (i) fputc(',', out);
            avskey_json_str(out, f->key);
            fputc(':', out);
            if (f->is_null) fputs("null", out);
            else avskey_json_str(out, f->value);
        } else {
            fprintf(out, "%-22s %s\n", f->key, f->is_null ? "(unknown: use --verify)" : f->value);
        }
    }
    if (json) fputc('}', out);
}

static avskey_err ecdsa_fields(avskey_fields *fs, const avskey_keyref *ref, const uint8_t *sk)
{
    char text[200];
    uint8_t pub[64], addr[20];
    if (sk) {
        if (!avskey_ecdsa_pubkey(pub, sk)) return avskey_fail(AVSKEY_ERR_CRYPTO, "%s: invalid key", ref->path);
        avskey_ecdsa_address_var(addr, pub);
    } else if (ref->kf.has_address) {
        memcpy(addr, ref->kf.address, 20);
    }
    if (sk || ref->kf.has_address) {
        avskey_eip55_var(text, addr);
        avskey_fields_add(fs, "address", text);
    } else {
        avskey_fields_add(fs, "address", NULL);
    }
    if (sk) {
        text[0] = '0';
        text[1] = 'x';
        avskey_hex_encode(text + 2, pub, 64);
        avskey_fields_add(fs, "public_key", text);
    }
    return AVSKEY_OK;
}

avskey_err avskey_keyinfo_print(FILE *out, const avskey_keyref *ref, const uint8_t *sk, int json)
{
    avskey_fields fs = {.n = 0};
    avskey_fields_add(&fs, "name", ref->name);
    avskey_fields_add(&fs, "type", ref->type == AVSKEY_KEY_BLS ? "bls" : "ecdsa");
    avskey_fields_add(&fs, "path", ref->path);
    avskey_err e = ref->type == AVSKEY_KEY_BLS ? avskey_bls_fields(&fs, ref, sk)
                                               : ecdsa_fields(&fs, ref, sk);
    if (e) return e;
    print_fields(out, &fs, json);
    return AVSKEY_OK;
}

static const char *const show_spec[] = {AVSKEY_KEYREF_OPTS, "--json", "--verify", AVSKEY_PW_OPTS, NULL};

int avskey_cmd_keys_show(int argc, char **argv)
{
    avskey_args a;
    avskey_keyref ref;
    uint8_t *sk = NULL;
    avskey_err e = avskey_args_parse(&a, argc, argv, show_spec);
    if (e) return avskey_cli_fail(e);
    if (a.help) {
        printf("usage: avskey keys show (NAME --key-type ecdsa|bls | --key-path PATH) [--json] [--verify]\n"
               "                        [--keystore-dir DIR] [passphrase source]\n\n"
               "Shows a key's public data. Without --verify no passphrase is needed; with it the\n"
               "key is decrypted, checked against the file, and the derived public keys are shown.\n"
               "Passphrase sources: --password-file PATH, --password-env NAME, --password-fd N,\n"
               "--password-credential NAME, --password-url https://... [--password-url-ca/-cert/-key PEM]\n"
               "(Vault KV v2 or plain text), else a hidden prompt (or the first line of stdin).\n");
        return 0;
    }
    int verify = avskey_opt(&a, "--verify") != NULL;
    if ((e = avskey_keyref_resolve(&ref, &a, 0)) || (e = avskey_keyref_load(&ref, verify)))
        return avskey_cli_fail(e);
    if (verify && (e = avskey_keyref_unlock(&ref, &a, &sk))) return avskey_cli_fail(e);
    e = avskey_keyinfo_print(stdout, &ref, sk, avskey_opt(&a, "--json") != NULL);
    if (avskey_opt(&a, "--json")) fputc('\n', stdout);
    avskey_secmem_free(sk);
    if (e) return avskey_cli_fail(e);
    if (verify && !avskey_opt(&a, "--json")) printf("%-22s %s\n", "verified", "yes (passphrase and key match the file)");
    return 0;
}

static int name_cmp(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Collects the key file names of dir, sorted. Out: *names (malloc'd). */
static avskey_err scan_dir(const char *dir, char ***names, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d) return avskey_fail(AVSKEY_ERR_NOTFOUND, "%s: cannot open keystore folder", dir);
    size_t n = 0, cap = 16;
    char **v = malloc(cap * sizeof *v);
    struct dirent *de;
    while (v && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || avskey_key_type_of_path(de->d_name) == AVSKEY_KEY_UNKNOWN) continue;
        if (n == cap) {
            char **nv = realloc(v, (cap *= 2) * sizeof *v);
            if (!nv) break;
            v = nv;
        }
        v[n++] = strdup(de->d_name);
    }
    closedir(d);
    if (!v) return avskey_fail(AVSKEY_ERR_NOMEM, "out of memory");
    qsort(v, n, sizeof *v, name_cmp);
    *names = v;
    *count = n;
    return AVSKEY_OK;
}

static const char *const list_spec[] = {"--keystore-dir=", "--json", NULL};

int avskey_cmd_keys_list(int argc, char **argv)
{
    avskey_args a;
    char dir[PATH_MAX];
    char **names = NULL;
    size_t n = 0;
    avskey_err e = avskey_args_parse(&a, argc, argv, list_spec);
    if (e) return avskey_cli_fail(e);
    if (a.help) {
        printf("usage: avskey keys list [--json] [--keystore-dir DIR]\n\n"
               "Lists the ECDSA (*.ecdsa.key.json) and BLS (*.bls.key.json) keys of the keystore\n"
               "folder: --keystore-dir, else $AVSKEY_KEYSTORE_DIR, else ~/.eigenlayer/operator_keys.\n"
               "--json prints one JSON array. No passphrase is needed.\n");
        return 0;
    }
    if (a.noperands) return avskey_cli_usage("keys list takes no arguments");
    if ((e = avskey_keydir_resolve(dir, sizeof dir, avskey_opt(&a, "--keystore-dir"))) ||
        (e = scan_dir(dir, &names, &n)))
        return avskey_cli_fail(e);
    int json = avskey_opt(&a, "--json") != NULL, status = 0, shown = 0;
    if (json) fputc('[', stdout);
    for (size_t i = 0; i < n; i++) {
        avskey_keyref ref;
        memset(&ref, 0, sizeof ref);
        if (snprintf(ref.path, sizeof ref.path, "%.3000s/%.255s", dir, names[i]) < 0) continue;
        ref.type = avskey_key_type_of_path(names[i]);
        size_t cut = strlen(ref.type == AVSKEY_KEY_BLS ? ".bls.key.json" : ".ecdsa.key.json");
        snprintf(ref.name, sizeof ref.name, "%.*s", (int)(strlen(names[i]) - cut), names[i]);
        free(names[i]);
        if ((e = avskey_keyref_load(&ref, 0))) {
            fprintf(stderr, "avskey: skipping %s\n", avskey_errmsg());
            status = 1;
            continue;
        }
        if (json && shown) fputc(',', stdout);
        if (!json && shown) fputc('\n', stdout);
        if (avskey_keyinfo_print(stdout, &ref, NULL, json)) status = 1;
        shown++;
    }
    free(names);
    if (json) fputs("]\n", stdout);
    else if (shown == 0) printf("no keys in %s\n", dir);
    return status;
}
