/* Guarded memory for secrets (passphrases, decrypted keys, KDF output).
 * Each allocation sits between PROT_NONE guard pages, is mlock'd (when the
 * RLIMIT_MEMLOCK allows; otherwise it still works, unlocked), excluded from
 * core dumps (MADV_DONTDUMP), carries a canary checked on free, and is
 * wiped on free. */
#ifndef AVSKEY_SECMEM_H
#define AVSKEY_SECMEM_H

#include "avskey/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Returns: a zeroed, read-write region of len bytes (len > 0), or NULL on
 * failure (out of memory or address space).
 * Layout: a read-only meta page, a PROT_NONE guard page, a 16-byte canary
 * directly before the data, the data, a PROT_NONE guard page. The data
 * END abuts the trailing guard page (an overflow by one byte faults), so
 * the pointer is 16-byte aligned only when len is a multiple of 16: round
 * len up if you store aligned types. Costs at least 4 pages of address
 * space and one mmap; meant for a few long-lived secrets. */
AVSKEY_WUR void *avskey_secmem_alloc(size_t len);

/* Wipes and releases a region from avskey_secmem_alloc. p may be NULL.
 * Aborts if the canary before the region was overwritten. */
void avskey_secmem_free(void *p);

/* Change the protection of a region while idle (mprotect of the pages
 * that hold the canary and the data). Returns: 1 on success, 0 if
 * mprotect failed. avskey_secmem_free works in any protection state. */
int avskey_secmem_noaccess(void *p);
int avskey_secmem_readonly(void *p);
int avskey_secmem_readwrite(void *p);

#ifdef __cplusplus
}
#endif
#endif
