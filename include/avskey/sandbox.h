/* Process sandbox: capabilities, user switch, seccomp filters, Landlock.
 * What is applied when, and why: docs/sandbox.md. */
#ifndef AVSKEY_SANDBOX_H
#define AVSKEY_SANDBOX_H

#include "avskey/common.h"

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- primitives ---------------------------------------------------------- */

/* 1 if AVSKEY_SECCOMP=off (or 0/no/false) / AVSKEY_LANDLOCK=off is set. */
int avskey_seccomp_disabled_by_env(void);
int avskey_landlock_disabled_by_env(void);

/* Drops every capability (effective, permitted, inheritable, ambient, and
 * the bounding set when CAP_SETPCAP is held) in EVERY thread of the
 * process: the other threads are signalled and drop theirs in a handler.
 * Returns AVSKEY_OK or AVSKEY_ERR_PERM (message set). */
AVSKEY_WUR avskey_err avskey_caps_drop_all(void);

/* Root only: supplementary groups = {gid}, then gid, then uid (real,
 * effective and saved, in every thread), then checks that uid 0 cannot be
 * regained. Returns AVSKEY_OK or AVSKEY_ERR_PERM. */
AVSKEY_WUR avskey_err avskey_switch_user(uid_t uid, gid_t gid);

typedef enum {
    /* Default allow; kills execve/execveat, ptrace, process_vm_*, mount,
     * kexec, bpf, module loading, namespaces, keyrings, ... Used by the CLI
     * verbs and by serve while it unlocks keys and binds (phase 1). */
    AVSKEY_SECCOMP_DENYLIST = 1,
    /* Default EPERM; only what the serving daemon needs (phase 2); the
     * dangerous calls above kill the process. Applied to every thread. */
    AVSKEY_SECCOMP_SERVE = 2
} avskey_seccomp_profile;

/* Loads the filter (requires no_new_privs, see harden.h). Returns AVSKEY_OK
 * or AVSKEY_ERR_PERM. */
AVSKEY_WUR avskey_err avskey_seccomp_apply(avskey_seccomp_profile profile);

/* Landlock. ABI version of the running kernel, 0 if it has none (or it is
 * disabled at boot). */
int avskey_landlock_abi(void);

enum { AVSKEY_LL_READ = 1, AVSKEY_LL_WRITE = 2, AVSKEY_LL_CREATE = 4 /* folders: make, link, remove files */ };
typedef struct avskey_landlock_rule {
    const char *path;   /* folder (the tree below it) or file */
    unsigned mode;      /* AVSKEY_LL_READ | AVSKEY_LL_WRITE */
} avskey_landlock_rule;

/* Restricts the calling thread (and the threads and processes it creates
 * later) to the rules: every other file access is refused with EACCES, so
 * call it while single-threaded. Also refuses TCP connect (ABI >= 4) and
 * signals to processes outside the sandbox (ABI >= 6). A rule whose path
 * does not exist is skipped. Out: *abi (0 = unavailable, nothing applied).
 * Returns AVSKEY_OK (also when unavailable) or AVSKEY_ERR_PERM. */
AVSKEY_WUR avskey_err avskey_landlock_apply(const avskey_landlock_rule *rules, size_t n, int *abi);

/* Reads a "Name:\tvalue" line of /proc/self/status into out (cap). Returns 1
 * if found. For tests and logging. */
int avskey_proc_status(const char *name, char *out, size_t cap);

/* ---- CLI verbs ------------------------------------------------------------ */

/* Every CLI verb except serve, after avskey_harden_process: all
 * capabilities dropped, then the deny-list filter (unless AVSKEY_SECCOMP=off,
 * which prints a warning). */
AVSKEY_WUR avskey_err avskey_sandbox_cli(void);

/* ---- serve ----------------------------------------------------------------- */

#define AVSKEY_SANDBOX_MAX_PATHS 256

typedef struct avskey_serve_sandbox {
    int disabled;          /* --no-sandbox: no seccomp, no Landlock */
    int switch_user;       /* --user given */
    uid_t uid;
    gid_t gid;
    char user[64];
} avskey_serve_sandbox;

/* Resolves --user NAME (passwd database) into sb. Returns AVSKEY_ERR_USAGE
 * for an unknown user, AVSKEY_ERR_PERM if the process cannot switch to it. */
AVSKEY_WUR avskey_err avskey_serve_sandbox_user(avskey_serve_sandbox *sb, const char *name);

/* Phase 1 (serve starting; before passphrases are read): keeps a copy of
 * sb and loads the deny-list filter. */
AVSKEY_WUR avskey_err avskey_serve_sandbox_begin(const avskey_serve_sandbox *sb);

/* Adds a Landlock rule for the serving phase: a folder tree or a file the
 * daemon reads later (key folders, password folder, key-config folder and
 * the folders its files name) or writes (AVSKEY_LL_WRITE: the audit log).
 * Copied. Returns AVSKEY_OK or AVSKEY_ERR_NOMEM (too many). */
AVSKEY_WUR avskey_err avskey_serve_sandbox_allow(const char *path, unsigned mode);

/* After the keys are unlocked, before any serving thread starts: Landlock
 * with sb's paths. No-op without avskey_serve_sandbox_begin. */
AVSKEY_WUR avskey_err avskey_serve_sandbox_files(void);

/* Phase 2, once the ports are bound: --user switch, all capabilities
 * dropped in every thread, the serving allow-list on every thread. Logs
 * what was applied (event "sandbox"). No-op without begin. */
AVSKEY_WUR avskey_err avskey_serve_sandbox_lockdown(void);

#ifdef __cplusplus
}
#endif
#endif
