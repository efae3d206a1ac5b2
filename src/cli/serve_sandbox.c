/* serve: --user and --no-sandbox, and the folders the sandboxed daemon may
 * still read (docs/sandbox.md). */
#include "cli.h"

#include "avskey/sandbox.h"
#include "server/keyconfig.h"
#include "server/server.h"

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

avskey_err avskey_serve_sandbox_start(const avskey_args *a)
{
    avskey_serve_sandbox sb;
    memset(&sb, 0, sizeof sb);
    sb.disabled = avskey_opt(a, "--no-sandbox") != NULL;
    const char *user = avskey_opt(a, "--user");
    if (user) {
        avskey_err e = avskey_serve_sandbox_user(&sb, user);
        if (e) return e;
    }
    return avskey_serve_sandbox_begin(&sb);
}

static avskey_err allow_dir_of(const char *file)
{
    char tmp[PATH_MAX];
    if (!file[0]) return AVSKEY_OK;
    snprintf(tmp, sizeof tmp, "%s", file);
    return avskey_serve_sandbox_allow(dirname(tmp), AVSKEY_LL_READ);
}

avskey_err avskey_serve_sandbox_paths(const avskey_server_config *cfg, const avskey_args *a)
{
    const avskey_keyring_config *k = &cfg->keys;
    avskey_err e = AVSKEY_OK;
    /* GenerateKeyPair/ImportKey write new key files into the keystore folder. */
    unsigned ks_mode = cfg->allow_remote_key_mgmt ? AVSKEY_LL_READ | AVSKEY_LL_WRITE | AVSKEY_LL_CREATE : AVSKEY_LL_READ;
    if (k->keystore_dir) e = avskey_serve_sandbox_allow(k->keystore_dir, ks_mode);
    if (!e && k->password_dir) e = avskey_serve_sandbox_allow(k->password_dir, AVSKEY_LL_READ);
    if (!e && k->key_config_dir) {
        e = avskey_serve_sandbox_allow(k->key_config_dir, AVSKEY_LL_READ);
        /* the folders of the key and password files the YAML names today;
         * a reload can add files there, not in new folders */
        avskey_keyconfig_entry *ents = NULL;
        size_t n = 0, errors = 0;
        if (!e && avskey_keyconfig_load_dir(k->key_config_dir, &ents, &n, &errors, NULL, NULL) == AVSKEY_OK) {
            for (size_t i = 0; i < n && !e; i++) {
                if (ents[i].kind != AVSKEY_KC_FILE_KEYSTORE) continue;
                e = allow_dir_of(ents[i].keystore_file);
                if (!e) e = allow_dir_of(ents[i].password_file);
            }
            avskey_keyconfig_free(ents, n);
        }
    }
    const char *audit = avskey_opt(a, "--audit-log");
    if (!e && audit) e = avskey_serve_sandbox_allow(audit, AVSKEY_LL_READ | AVSKEY_LL_WRITE);
    return e;
}
