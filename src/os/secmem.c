/* Placeholder: plain allocation until the guarded allocator lands. */
#include "avskey/secmem.h"
#include <stdlib.h>
#include <string.h>
void *avskey_secmem_alloc(size_t len) { size_t *p = calloc(1, len + sizeof(size_t)); if (!p) return NULL; *p = len; return p + 1; }
void avskey_secmem_free(void *p) { if (!p) return; size_t *q = (size_t *)p - 1; avskey_wipe(p, *q); free(q); }
int avskey_secmem_noaccess(void *p) { (void)p; return 1; }
int avskey_secmem_readonly(void *p) { (void)p; return 1; }
int avskey_secmem_readwrite(void *p) { (void)p; return 1; }
