/* Locked BLS keys: a short list of identifiers under a read-write lock
 * (signing reads it on every call; LockKey/UnlockKey write it rarely). */
#include "locks.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char id[65]; } lock_id;

static pthread_rwlock_t g_lock = PTHREAD_RWLOCK_INITIALIZER;
static lock_id *g_ids;
static size_t g_n, g_cap;

static size_t find_locked(const char *id)
{
    for (size_t i = 0; i < g_n; i++)
        if (strcmp(g_ids[i].id, id) == 0) return i;
    return g_n;
}

static int add_locked(const char *id)
{
    if (g_n == g_cap) {
        size_t cap = g_cap ? 2 * g_cap : 8;
        lock_id *p = realloc(g_ids, cap * sizeof *p);
        if (!p) return -1;
        g_ids = p;
        g_cap = cap;
    }
    memset(&g_ids[g_n], 0, sizeof g_ids[g_n]);
    strncpy(g_ids[g_n].id, id, sizeof g_ids[g_n].id - 1);
    g_n++;
    return 1;
}

int avskey_lock_set(const char *id_g1, int locked)
{
    int r = 0;
    pthread_rwlock_wrlock(&g_lock);
    size_t i = find_locked(id_g1);
    if (locked && i == g_n) r = add_locked(id_g1);
    else if (!locked && i < g_n) {
        g_ids[i] = g_ids[--g_n];
        r = 1;
    }
    pthread_rwlock_unlock(&g_lock);
    return r;
}

int avskey_lock_is_locked(const char *id_g1)
{
    pthread_rwlock_rdlock(&g_lock);
    int r = find_locked(id_g1) < g_n;
    pthread_rwlock_unlock(&g_lock);
    return r;
}

void avskey_locks_clear(void)
{
    pthread_rwlock_wrlock(&g_lock);
    free(g_ids);
    g_ids = NULL;
    g_n = g_cap = 0;
    pthread_rwlock_unlock(&g_lock);
}
