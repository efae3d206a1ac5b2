/* Shared by the key verbs: which file a command means, and unlocking it. */
#include "keyref.h"

#include "avskey/secmem.h"

#include <libgen.h>
#include <string.h>

avskey_err avskey_keyref_resolve(avskey_keyref *ref, const avskey_args *a, int need_operand_name)
{
    const char *path = avskey_opt(a, "--key-path");
    const char *type = avskey_opt(a, "--key-type");
    memset(ref, 0, sizeof *ref);
    if (type) {
        if (strcmp(type, "ecdsa") == 0) ref->type = AVSKEY_KEY_ECDSA;
        else if (strcmp(type, "bls") == 0) ref->type = AVSKEY_KEY_BLS;
        else return avskey_fail(AVSKEY_ERR_USAGE, "--key-type must be ecdsa or bls, not \"%.40s\"", type);
    }
    if (path) {
        if (a->noperands > 0) return avskey_fail(AVSKEY_ERR_USAGE, "give either NAME or --key-path, not both");
        snprintf(ref->path, sizeof ref->path, "%s", path);
        char tmp[sizeof ref->path];
        snprintf(tmp, sizeof tmp, "%s", path);
        const char *base = basename(tmp);
        size_t n = strlen(base);
        avskey_key_type t = avskey_key_type_of_path(base);
        size_t cut = t == AVSKEY_KEY_ECDSA ? strlen(".ecdsa.key.json") : t == AVSKEY_KEY_BLS ? strlen(".bls.key.json") : 0;
        snprintf(ref->name, sizeof ref->name, "%.*s", (int)(n - cut), base);
        return AVSKEY_OK;
    }
    if (a->noperands != 1 || (need_operand_name && !type))
        return avskey_fail(AVSKEY_ERR_USAGE, "give NAME --key-type ecdsa|bls, or --key-path PATH (see --help)");
    if (!type) return avskey_fail(AVSKEY_ERR_USAGE, "--key-type ecdsa|bls is required with NAME");
    char dir[3072];
    avskey_err e = avskey_keydir_resolve(dir, sizeof dir, avskey_opt(a, "--keystore-dir"));
    if (e) return e;
    snprintf(ref->name, sizeof ref->name, "%s", a->operands[0]);
    return avskey_key_path(ref->path, sizeof ref->path, dir, a->operands[0], ref->type);
}

avskey_err avskey_keyref_load(avskey_keyref *ref, int strict_perms)
{
    avskey_err e = avskey_keyfile_load(&ref->kf, ref->path, strict_perms);
    if (e) return e;
    if (ref->type != AVSKEY_KEY_UNKNOWN && ref->type != ref->kf.type)
        return avskey_fail(AVSKEY_ERR_USAGE, "%s is a%s key file, not %s", ref->path,
                           ref->kf.type == AVSKEY_KEY_BLS ? " BLS" : "n ECDSA",
                           ref->type == AVSKEY_KEY_BLS ? "BLS" : "ECDSA");
    ref->type = ref->kf.type;
    return AVSKEY_OK;
}

avskey_err avskey_keyref_unlock(avskey_keyref *ref, const avskey_args *a, uint8_t **sk_out)
{
    avskey_pw_source src;
    avskey_pw pw = {NULL, 0};
    avskey_err e = avskey_cli_pw_source(&src, a, "");
    if (e) return e;
    char prompt[400];
    snprintf(prompt, sizeof prompt, "Passphrase for %.300s: ", ref->name);
    if ((e = avskey_passphrase_read(&pw, &src, prompt, 0))) return e;
    uint8_t *sk = avskey_secmem_alloc(32);
    if (!sk) {
        avskey_passphrase_free(&pw);
        return avskey_fail(AVSKEY_ERR_NOMEM, "out of secure memory");
    }
    e = avskey_keyfile_decrypt(sk, &ref->kf, &pw, ref->path);
    avskey_passphrase_free(&pw);
    if (!e) e = avskey_keyfile_check_key(&ref->kf, sk, ref->path);
    if (e) {
        avskey_secmem_free(sk);
        return e;
    }
    *sk_out = sk;
    return AVSKEY_OK;
}
