/* keys export, keys passwd: verbs that decrypt a key and hand it on. */
#include "keyref.h"

#include "avskey/secmem.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const export_spec[] = {AVSKEY_KEYREF_OPTS, "--yes", AVSKEY_PW_OPTS, NULL};

/* Asks on the terminal for "yes". Returns AVSKEY_OK when confirmed. */
static avskey_err confirm_export(const avskey_keyref *ref)
{
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 || !isatty(STDIN_FILENO)) {
        if (fd >= 0) close(fd);
        return avskey_fail(AVSKEY_ERR_REFUSED, "refusing to print a private key without confirmation: "
                                               "run on a terminal or pass --yes");
    }
    dprintf(fd, "This prints the private key of \"%s\" on the screen.\nType yes to continue: ", ref->name);
    char answer[8] = {0};
    ssize_t n = read(fd, answer, sizeof answer - 1);
    close(fd);
    if (n < 3 || strncmp(answer, "yes", 3) != 0 || (n > 3 && answer[3] != '\n'))
        return avskey_fail(AVSKEY_ERR_REFUSED, "export cancelled");
    return AVSKEY_OK;
}

int avskey_cmd_keys_export(int argc, char **argv)
{
    avskey_args a;
    avskey_keyref ref;
    uint8_t *sk = NULL;
    avskey_err e = avskey_args_parse(&a, argc, argv, export_spec);
    if (e) return avskey_cli_fail(e);
    if (a.help) {
        printf("usage: avskey keys export (NAME --key-type ecdsa|bls | --key-path PATH) [--yes]\n"
               "                          [--keystore-dir DIR] [passphrase source]\n\n"
               "Decrypts a key and prints its private key as 0x + 64 hex digits, after you type\n"
               "\"yes\" on the terminal (or with --yes). Anyone who sees it controls the key.\n");
        return 0;
    }
    if ((e = avskey_keyref_resolve(&ref, &a, 0)) || (e = avskey_keyref_load(&ref, 1))) return avskey_cli_fail(e);
    if (!avskey_opt(&a, "--yes") && (e = confirm_export(&ref))) return avskey_cli_fail(e);
    if ((e = avskey_keyref_unlock(&ref, &a, &sk))) return avskey_cli_fail(e);
    char *hex = avskey_secmem_alloc(68);
    if (!hex) {
        avskey_secmem_free(sk);
        return avskey_cli_fail(avskey_fail(AVSKEY_ERR_NOMEM, "out of secure memory"));
    }
    hex[0] = '0';
    hex[1] = 'x';
    avskey_hex_encode(hex + 2, sk, 32);
    hex[66] = '\n';
    ssize_t w = write(STDOUT_FILENO, hex, 67);  /* no stdio buffer keeps a copy */
    avskey_secmem_free(hex);
    avskey_secmem_free(sk);
    return w == 67 ? 0 : 1;
}

static const char *const passwd_spec[] = {AVSKEY_KEYREF_OPTS, "--insecure", AVSKEY_PW_OPTS,
                                          "--new-password-file=", "--new-password-env=",
                                          "--new-password-fd=", "--new-password-credential=",
                                          "--new-password-url=", NULL};

/* Re-encrypts ref's key under a new passphrase and replaces the file. */
static avskey_err reencrypt(avskey_keyref *ref, const avskey_args *a, const uint8_t sk[32])
{
    avskey_pw_source src;
    avskey_pw pw = {NULL, 0};
    char prompt[400], *json = NULL;
    size_t len = 0;
    avskey_err e = avskey_cli_pw_source(&src, a, "new-");
    if (e) return e;
    snprintf(prompt, sizeof prompt, "New passphrase for %.300s: ", ref->name);
    if ((e = avskey_passphrase_read(&pw, &src, prompt, 1))) return e;
    if (pw.len == 0) e = avskey_fail(AVSKEY_ERR_WEAK, "an empty passphrase is not allowed for a key file");
    else if (!avskey_opt(a, "--insecure")) e = avskey_passphrase_check_strength(&pw);
    /* Keep the id, address and pubKey; new salt and iv, and go-ethereum's
     * standard scrypt (n=2^18, r=8, p=1) as `geth account update` does. */
    ref->kf.kdf = AVSKEY_KDF_SCRYPT;
    ref->kf.n = 0;
    ref->kf.dklen = 32;
    if (!e) e = avskey_keyfile_encrypt(&ref->kf, sk, &pw);
    avskey_passphrase_free(&pw);
    if (!e) e = avskey_keyfile_serialize(&json, &len, &ref->kf);
    if (!e) e = avskey_file_write_atomic(ref->path, json, len, 1);
    free(json);
    return e;
}

int avskey_cmd_keys_passwd(int argc, char **argv)
{
    avskey_args a;
    avskey_keyref ref;
    uint8_t *sk = NULL;
    avskey_err e = avskey_args_parse(&a, argc, argv, passwd_spec);
    if (e) return avskey_cli_fail(e);
    if (a.help) {
        printf("usage: avskey keys passwd (NAME --key-type ecdsa|bls | --key-path PATH) [--insecure]\n"
               "                          [--keystore-dir DIR] [passphrase source] [new passphrase source]\n\n"
               "Re-encrypts a key file under a new passphrase (new salt and iv, same key, id and\n"
               "address). The old passphrase comes from --password-*, the new one from\n"
               "--new-password-file/-env/-fd/-credential or a prompt (asked twice). The file is\n"
               "replaced atomically: after a crash it holds the old or the new content.\n");
        return 0;
    }
    if ((e = avskey_keyref_resolve(&ref, &a, 0)) || (e = avskey_keyref_load(&ref, 1))) return avskey_cli_fail(e);
    if (ref.kf.format == AVSKEY_FMT_EIP2335)
        return avskey_cli_fail(avskey_fail(AVSKEY_ERR_USAGE, "%s: EIP-2335 key files are read-only; "
                                           "import the key into an eigensdk BLS key file instead", ref.path));
    if ((e = avskey_keyref_unlock(&ref, &a, &sk))) return avskey_cli_fail(e);
    e = reencrypt(&ref, &a, sk);
    avskey_secmem_free(sk);
    if (e) return avskey_cli_fail(e);
    printf("Passphrase of %s changed\n", ref.path);
    return 0;
}
