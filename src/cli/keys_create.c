/* keys create, keys import: new key files, never overwriting one. */
#include "keyref.h"

#include "avskey/ecdsa.h"
#include "avskey/secmem.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static const char *const create_spec[] = {"--key-type=", "--keystore-dir=", "--insecure", "--json",
                                          "--private-key-file=", AVSKEY_PW_OPTS, NULL};

/* Reads a new passphrase and applies the strength rule. */
static avskey_err new_passphrase(avskey_pw *pw, const avskey_args *a, const char *prefix, const char *name)
{
    avskey_pw_source src;
    char prompt[400];
    avskey_err e = avskey_cli_pw_source(&src, a, prefix);
    if (e) return e;
    snprintf(prompt, sizeof prompt, "New passphrase for %.300s: ", name);
    if ((e = avskey_passphrase_read(pw, &src, prompt, 1))) return e;
    if (pw->len == 0) e = avskey_fail(AVSKEY_ERR_WEAK, "an empty passphrase is not allowed for a new key file");
    else if (!avskey_opt(a, "--insecure")) e = avskey_passphrase_check_strength(pw);
    if (e) avskey_passphrase_free(pw);
    return e;
}

/* Fills the public part of kf for sk. */
static avskey_err describe_key(avskey_keyfile *kf, avskey_key_type type, const uint8_t sk[32])
{
    memset(kf, 0, sizeof *kf);
    kf->type = type;
    if (type == AVSKEY_KEY_BLS) {
        kf->format = AVSKEY_FMT_EIGEN_BLS;
        return avskey_cli_bls_pubkey_text(kf->pubkey, sizeof kf->pubkey, sk);
    }
    uint8_t pub[64];
    kf->format = AVSKEY_FMT_V3;
    if (!avskey_ecdsa_pubkey(pub, sk)) return avskey_fail(AVSKEY_ERR_CRYPTO, "not a valid secp256k1 private key");
    avskey_ecdsa_address_var(kf->address, pub);
    kf->has_address = 1;
    return AVSKEY_OK;
}

/* Encrypts sk under a new passphrase and writes ref->path (never replacing). */
static avskey_err write_key(avskey_keyref *ref, const avskey_args *a, const uint8_t sk[32])
{
    avskey_pw pw = {NULL, 0};
    char *json = NULL;
    size_t len = 0;
    avskey_err e = describe_key(&ref->kf, ref->type, sk);
    if (!e) e = new_passphrase(&pw, a, "", ref->name);
    if (!e) e = avskey_keyfile_encrypt(&ref->kf, sk, &pw);
    avskey_passphrase_free(&pw);
    if (!e) e = avskey_keyfile_serialize(&json, &len, &ref->kf);
    if (!e) e = avskey_file_write_atomic(ref->path, json, len, 0);
    free(json);
    return e;
}

/* Resolves and checks the target before any secret is asked for. */
static avskey_err prepare(avskey_keyref *ref, const avskey_args *a)
{
    char dir[PATH_MAX];
    avskey_err e;
    if (a->noperands < 1) return avskey_fail(AVSKEY_ERR_USAGE, "missing NAME (see --help)");
    if (!avskey_opt(a, "--key-type")) return avskey_fail(AVSKEY_ERR_USAGE, "--key-type ecdsa|bls is required");
    avskey_args one = *a;
    one.noperands = 1;
    if ((e = avskey_keyref_resolve(ref, &one, 1))) return e;
    if ((e = avskey_keydir_resolve(dir, sizeof dir, avskey_opt(a, "--keystore-dir")))) return e;
    if ((e = avskey_keydir_ensure(dir))) return e;
    if (access(ref->path, F_OK) == 0)
        return avskey_fail(AVSKEY_ERR_EXISTS, "%s already exists; refusing to overwrite it", ref->path);
    return AVSKEY_OK;
}

static int report(const avskey_keyref *ref, const avskey_args *a, const uint8_t *sk, const char *verb)
{
    int json = avskey_opt(a, "--json") != NULL;
    if (!json) printf("%s %s key \"%s\"\n", verb, ref->type == AVSKEY_KEY_BLS ? "BLS" : "ECDSA", ref->name);
    avskey_err e = avskey_keyinfo_print(stdout, ref, sk, json);
    if (json) fputc('\n', stdout);
    else printf("\nThe private key was not printed. Back up the key file and its passphrase:\n"
                "without both, the key is lost.\n");
    return e ? avskey_cli_fail(e) : 0;
}

static avskey_err random_key(uint8_t sk[32], avskey_key_type type)
{
    for (int tries = 0; tries < 100; tries++) {
        if (getrandom(sk, 32, 0) != 32) return avskey_fail(AVSKEY_ERR_IO, "getrandom failed");
        if (type == AVSKEY_KEY_BLS ? avskey_cli_bls_sk_valid(sk) : avskey_ecdsa_seckey_verify(sk)) return AVSKEY_OK;
    }
    return avskey_fail(AVSKEY_ERR_CRYPTO, "could not draw a valid key");
}

int avskey_cmd_keys_create(int argc, char **argv)
{
    avskey_args a;
    avskey_keyref ref;
    avskey_err e = avskey_args_parse(&a, argc, argv, create_spec);
    if (e) return avskey_cli_fail(e);
    if (a.help) {
        printf("usage: avskey keys create --key-type ecdsa|bls [--insecure] [--json] [--keystore-dir DIR]\n"
               "                          [passphrase source] NAME\n\n"
               "Creates NAME.ecdsa.key.json (Web3 Secret Storage v3, as eigenlayer-cli writes it) or\n"
               "NAME.bls.key.json (eigensdk BLS keystore) in the keystore folder, encrypted with scrypt\n"
               "(n=262144, r=8, p=1). The passphrase is asked twice on a terminal, or taken from\n"
               "--password-file/-env/-fd/-credential/-url (see keys show --help) or the first line\n"
               "of stdin. It needs 70 bits of entropy (eigenlayer-cli's rule) unless --insecure.\n"
               "An existing key file is never overwritten. The private key is never printed.\n");
        return 0;
    }
    if (a.noperands > 1) return avskey_cli_usage("keys create takes one NAME");
    if ((e = prepare(&ref, &a))) return avskey_cli_fail(e);
    uint8_t *sk = avskey_secmem_alloc(32);
    if (!sk) return avskey_cli_fail(avskey_fail(AVSKEY_ERR_NOMEM, "out of secure memory"));
    e = random_key(sk, ref.type);
    if (!e) e = write_key(&ref, &a, sk);
    int rc = e ? avskey_cli_fail(e) : report(&ref, &a, NULL, "Created");
    avskey_secmem_free(sk);
    return rc;
}

/* Reads the private key text: --private-key-file, the second operand
 * (with a warning), or a hidden prompt / first line of stdin. */
static avskey_err read_key_text(avskey_pw *text, const avskey_args *a)
{
    avskey_pw_source src = {AVSKEY_PW_AUTO, NULL, NULL, NULL, NULL};
    const char *file = avskey_opt(a, "--private-key-file");
    if (file) {
        src.kind = AVSKEY_PW_FILE;
        src.arg = file;
    } else if (a->noperands == 2) {
        fprintf(stderr, "avskey: warning: a private key on the command line stays in your shell history "
                        "and is visible to other users; prefer --private-key-file or the prompt\n");
        size_t n = strlen(a->operands[1]);
        text->buf = avskey_secmem_alloc(n + 1);
        if (!text->buf) return avskey_fail(AVSKEY_ERR_NOMEM, "out of secure memory");
        memcpy(text->buf, a->operands[1], n);
        text->len = n;
        avskey_wipe((void *)a->operands[1], n);  /* hide it from /proc/PID/cmdline */
        return AVSKEY_OK;
    }
    return avskey_passphrase_read(text, &src, "Private key (input hidden): ", 0);
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Parses the trimmed key text into sk (ECDSA: 64 hex digits, optional 0x;
 * BLS: decimal or 0x-hex, reduced mod r). */
static avskey_err parse_key_text(uint8_t sk[32], avskey_key_type type, const avskey_pw *text)
{
    size_t b = 0, e = text->len;
    while (b < e && is_space(text->buf[b])) b++;
    while (e > b && is_space(text->buf[e - 1])) e--;
    char *t = avskey_secmem_alloc(e - b + 1);
    if (!t) return avskey_fail(AVSKEY_ERR_NOMEM, "out of secure memory");
    memcpy(t, text->buf + b, e - b);
    avskey_err err = AVSKEY_OK;
    if (type == AVSKEY_KEY_BLS) {
        if (!avskey_cli_bls_sk_from_text(sk, t))
            err = avskey_fail(AVSKEY_ERR_MALFORMED, "the BLS private key must be a non-zero decimal or 0x-hex number");
    } else if (!avskey_hex_decode_var(sk, 32, t)) {
        err = avskey_fail(AVSKEY_ERR_MALFORMED, "the ECDSA private key must be 64 hex digits (optionally 0x-prefixed)");
    } else if (!avskey_ecdsa_seckey_verify(sk)) {
        err = avskey_fail(AVSKEY_ERR_MALFORMED, "the ECDSA private key is out of range (zero or >= the group order)");
    }
    avskey_secmem_free(t);
    return err;
}

int avskey_cmd_keys_import(int argc, char **argv)
{
    avskey_args a;
    avskey_keyref ref;
    avskey_pw text = {NULL, 0};
    avskey_err e = avskey_args_parse(&a, argc, argv, create_spec);
    if (e) return avskey_cli_fail(e);
    if (a.help) {
        printf("usage: avskey keys import --key-type ecdsa|bls [--insecure] [--json] [--keystore-dir DIR]\n"
               "                          [--private-key-file PATH] [passphrase source] NAME\n\n"
               "Imports a private key into a new key file (see keys create). The key comes from\n"
               "--private-key-file (first line, white space trimmed), else a hidden prompt, else the\n"
               "first line of stdin. ECDSA: 64 hex digits, optional 0x. BLS: decimal or 0x-hex,\n"
               "reduced mod r as eigenlayer-cli does; zero is refused. A key given as a second\n"
               "argument is accepted for eigenlayer-cli compatibility, with a warning.\n");
        return 0;
    }
    if (a.noperands > 2) return avskey_cli_usage("keys import takes NAME and at most one key");
    if ((e = prepare(&ref, &a))) return avskey_cli_fail(e);
    uint8_t *sk = avskey_secmem_alloc(32);
    if (!sk) return avskey_cli_fail(avskey_fail(AVSKEY_ERR_NOMEM, "out of secure memory"));
    e = read_key_text(&text, &a);
    if (!e) e = parse_key_text(sk, ref.type, &text);
    avskey_passphrase_free(&text);
    if (!e) e = write_key(&ref, &a, sk);
    int rc = e ? avskey_cli_fail(e) : report(&ref, &a, NULL, "Imported");
    avskey_secmem_free(sk);
    return rc;
}
