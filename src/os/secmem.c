/* Guarded memory for secrets: the idea of libsodium's sodium_malloc
 * (guard pages, canary, mlock, PROT_NONE while idle), written for avskey.
 *
 * One allocation of len bytes maps, in page units:
 *
 *   | meta (read-only) | guard | canary + data ... | guard |
 *                              ^unprot           ^p    ^end
 *
 *  - meta holds the sizes and a magic word; it stays readable so that the
 *    protection calls work on a PROT_NONE region.
 *  - the unprotected part is round_up(len + canary, page) bytes; the data
 *    ends exactly where the trailing guard page starts, so an overflow by
 *    one byte faults. The 16-byte canary sits just before the data and
 *    catches underflows, checked on free.
 *  - p is therefore aligned only as far as len allows: p is 16-byte
 *    aligned when len is a multiple of 16.
 */
#include "avskey/secmem.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#define AVSKEY_CANARY_LEN 16
#define AVSKEY_SECMEM_MAGIC 0x61766b736d656d31ULL /* "avksmem1" */

typedef struct avskey_secmem_meta {
    uint64_t magic;
    size_t total;       /* bytes mapped, all pages */
    size_t unprot;      /* bytes of the canary + data part */
    size_t len;         /* bytes requested */
    int locked;         /* mlock succeeded */
} avskey_secmem_meta;

static uint8_t avskey_canary[AVSKEY_CANARY_LEN];
static pthread_once_t avskey_canary_once = PTHREAD_ONCE_INIT;

static size_t avskey_pagesize;

/* Once per process: the page size and a random canary. */
static void avskey_canary_init(void)
{
    long v = sysconf(_SC_PAGESIZE);
    avskey_pagesize = v > 0 ? (size_t)v : 4096;
    size_t got = 0;
    while (got < sizeof avskey_canary) {
        ssize_t n = getrandom(avskey_canary + got, sizeof avskey_canary - got, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) abort(); /* no randomness: refuse to run with a known canary */
        got += (size_t)n;
    }
}

/* Valid once the first allocation ran the init (every other entry point
 * takes a pointer from avskey_secmem_alloc). */
static size_t avskey_page(void) { return avskey_pagesize; }

static size_t avskey_round_up(size_t n, size_t page)
{
    return (n + page - 1) & ~(page - 1);
}

/* Start of the canary + data part for a user pointer. */
static uint8_t *avskey_unprot_of(void *p)
{
    uintptr_t u = (uintptr_t)p - AVSKEY_CANARY_LEN;
    return (uint8_t *)(u & ~(uintptr_t)(avskey_page() - 1));
}

/* The meta page for a user pointer; aborts if p is not ours. */
static avskey_secmem_meta *avskey_meta_of(void *p)
{
    avskey_secmem_meta *m =
        (avskey_secmem_meta *)(void *)(avskey_unprot_of(p) - 2 * avskey_page());
    if (m->magic != AVSKEY_SECMEM_MAGIC) abort();
    return m;
}

static void avskey_lock(uint8_t *unprot, avskey_secmem_meta *m)
{
    m->locked = mlock(unprot, m->unprot) == 0;
    /* ENOMEM (RLIMIT_MEMLOCK), EPERM, EAGAIN: keep going unlocked. */
}

void *avskey_secmem_alloc(size_t len)
{
    if (len == 0 || len > SIZE_MAX / 2) return NULL;
    pthread_once(&avskey_canary_once, avskey_canary_init);
    size_t page = avskey_page();
    size_t unprot = avskey_round_up(len + AVSKEY_CANARY_LEN, page);
    size_t total = unprot + 3 * page;
    uint8_t *base = mmap(NULL, total, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return NULL;
    (void)madvise(base, total, MADV_DONTDUMP);
    avskey_secmem_meta *m = (avskey_secmem_meta *)(void *)base;
    uint8_t *u = base + 2 * page;
    m->magic = AVSKEY_SECMEM_MAGIC;
    m->total = total;
    m->unprot = unprot;
    m->len = len;
    avskey_lock(u, m);
    uint8_t *p = u + unprot - len;
    memcpy(p - AVSKEY_CANARY_LEN, avskey_canary, AVSKEY_CANARY_LEN);
    if (mprotect(base, page, PROT_READ) != 0 ||
        mprotect(base + page, page, PROT_NONE) != 0 ||
        mprotect(u + unprot, page, PROT_NONE) != 0) {
        munmap(base, total);
        return NULL;
    }
    return p; /* fresh anonymous pages are zero */
}

static int avskey_protect(void *p, int prot)
{
    avskey_secmem_meta *m = avskey_meta_of(p);
    return mprotect(avskey_unprot_of(p), m->unprot, prot) == 0;
}

int avskey_secmem_noaccess(void *p) { return avskey_protect(p, PROT_NONE); }
int avskey_secmem_readonly(void *p) { return avskey_protect(p, PROT_READ); }
int avskey_secmem_readwrite(void *p) { return avskey_protect(p, PROT_READ | PROT_WRITE); }

void avskey_secmem_free(void *p)
{
    if (p == NULL) return;
    avskey_secmem_meta *m = avskey_meta_of(p);
    uint8_t *u = avskey_unprot_of(p);
    if (mprotect(u, m->unprot, PROT_READ | PROT_WRITE) != 0) abort();
    if (!avskey_ct_memeq((uint8_t *)p - AVSKEY_CANARY_LEN, avskey_canary,
                         AVSKEY_CANARY_LEN))
        abort(); /* underflow or a pointer not from avskey_secmem_alloc */
    avskey_wipe(u, m->unprot);
    if (m->locked) (void)munlock(u, m->unprot);
    size_t total = m->total;
    uint8_t *base = u - 2 * avskey_page();
    if (munmap(base, total) != 0) abort();
}
