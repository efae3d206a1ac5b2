/* Locked BLS keys (admin.v1.Admin/LockKey): a locked key signs nothing
 * until it is unlocked. The state is kept by key identifier (gnark-
 * compressed G1, lowercase hex), outside the keyring, so it survives a
 * reload; it lives in memory only (a restart unlocks every key).
 * Thread-safe. */
#ifndef AVSKEY_SERVER_LOCKS_H
#define AVSKEY_SERVER_LOCKS_H

/* Locks (locked = 1) or unlocks (0) the key id_g1 (normalized, 64 hex).
 * Returns: 1 if the state changed, 0 if it already was so, -1 out of
 * memory (nothing changed). */
int avskey_lock_set(const char *id_g1, int locked);

/* Returns: 1 if id_g1 is locked, else 0. */
int avskey_lock_is_locked(const char *id_g1);

/* Unlocks every key (shutdown, tests). */
void avskey_locks_clear(void);

#endif
