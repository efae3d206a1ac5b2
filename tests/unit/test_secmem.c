/* Guarded memory: sizes, zeroing, canary, guard pages, protection. */
#include "test.h"

#include "avskey/secmem.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs fn in a child (stderr silenced, default SIGSEGV/SIGBUS action so
 * sanitizers do not turn the fault into an exit) and returns its wait
 * status. */
static int run_child(void (*fn)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        FILE *f = freopen("/dev/null", "w", stderr);
        (void)f;
        signal(SIGSEGV, SIG_DFL);
        signal(SIGBUS, SIG_DFL);
        signal(SIGABRT, SIG_DFL);
        fn();
        _exit(0);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0) {}
    return st;
}

static int died_of(int st, int sig)
{
    return WIFSIGNALED(st) && WTERMSIG(st) == sig;
}

static int died_of_fault(int st)
{
    return died_of(st, SIGSEGV) || died_of(st, SIGBUS);
}

TEST(secmem_alloc_sizes)
{
    static const size_t sizes[] = {1, 2, 15, 16, 17, 31, 32, 33, 100, 1025,
                                   4000, 4079, 4080, 4081, 4096, 4097, 8191,
                                   8192, 65536, 100000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i];
        uint8_t *p = avskey_secmem_alloc(n);
        CHECK(p != NULL);
        if (!p) continue;
        uint8_t acc = 0;
        for (size_t j = 0; j < n; j++) acc |= p[j];
        CHECK(acc == 0);
        memset(p, 0xa5, n);
        CHECK(p[0] == 0xa5 && p[n - 1] == 0xa5);
        /* the data ends where a page starts (the trailing guard page) */
        long pg = sysconf(_SC_PAGESIZE);
        CHECK(((uintptr_t)(p + n) % (uintptr_t)pg) == 0);
        if (n % 16 == 0) CHECK(((uintptr_t)p % 16) == 0);
        avskey_secmem_free(p);
    }
    CHECK(avskey_secmem_alloc(0) == NULL);
    avskey_secmem_free(NULL);
}

TEST(secmem_many)
{
    enum { N = 64 };
    uint8_t *ps[N];
    for (size_t i = 0; i < N; i++) {
        ps[i] = avskey_secmem_alloc(i * 37 + 1);
        CHECK(ps[i] != NULL);
        if (ps[i]) memset(ps[i], (int)i, i * 37 + 1);
    }
    for (size_t i = 0; i < N; i++) {
        if (!ps[i]) continue;
        CHECK(ps[i][0] == (uint8_t)i && ps[i][i * 37] == (uint8_t)i);
        avskey_secmem_free(ps[i]);
    }
}

TEST(secmem_protect_roundtrip)
{
    uint8_t *p = avskey_secmem_alloc(64);
    CHECK(p != NULL);
    if (!p) return;
    memset(p, 7, 64);
    CHECK(avskey_secmem_noaccess(p) == 1);
    CHECK(avskey_secmem_readonly(p) == 1);
    CHECK(p[63] == 7);
    CHECK(avskey_secmem_readwrite(p) == 1);
    p[0] = 9;
    CHECK(p[0] == 9);
    CHECK(avskey_secmem_noaccess(p) == 1);
    avskey_secmem_free(p); /* free works on a PROT_NONE region */
}

static void child_canary(void)
{
    uint8_t *p = avskey_secmem_alloc(32);
    if (!p) _exit(3);
    p[-1] ^= 1; /* corrupt the canary */
    avskey_secmem_free(p);
}

TEST(secmem_canary_abort)
{
    CHECK(died_of(run_child(child_canary), SIGABRT));
}

static void child_overflow(void)
{
    volatile uint8_t *p = avskey_secmem_alloc(100);
    if (!p) _exit(3);
    p[100] = 1; /* first byte of the trailing guard page */
}

static void child_underflow_guard(void)
{
    volatile uint8_t *p = avskey_secmem_alloc(4096 - 16);
    if (!p) _exit(3);
    p[-17] = 1; /* last byte of the leading guard page */
}

TEST(secmem_guard_pages_fault)
{
    CHECK(died_of_fault(run_child(child_overflow)));
    CHECK(died_of_fault(run_child(child_underflow_guard)));
}

static void child_noaccess_read(void)
{
    volatile uint8_t *p = avskey_secmem_alloc(32);
    if (!p) _exit(3);
    if (!avskey_secmem_noaccess((void *)p)) _exit(4);
    (void)p[0];
}

static void child_readonly_write(void)
{
    volatile uint8_t *p = avskey_secmem_alloc(32);
    if (!p) _exit(3);
    if (!avskey_secmem_readonly((void *)p)) _exit(4);
    p[0] = 1;
}

static void child_free_then_use(void)
{
    volatile uint8_t *p = avskey_secmem_alloc(32);
    if (!p) _exit(3);
    avskey_secmem_free((void *)p);
    (void)p[0];
}

TEST(secmem_protection_faults)
{
    CHECK(died_of_fault(run_child(child_noaccess_read)));
    CHECK(died_of_fault(run_child(child_readonly_write)));
    CHECK(died_of_fault(run_child(child_free_then_use)));
}

#include <sys/resource.h>

static void child_no_memlock(void)
{
    struct rlimit r = {0, 0};
    if (setrlimit(RLIMIT_MEMLOCK, &r) != 0) _exit(5);
    uint8_t *p = avskey_secmem_alloc(3 * 4096);
    if (!p) _exit(3);
    memset(p, 1, 3 * 4096);
    avskey_secmem_free(p);
}

TEST(secmem_works_without_mlock)
{
    int st = run_child(child_no_memlock);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
