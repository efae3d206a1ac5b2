/* Sandbox primitives (src/os/sandbox.c), each in a forked child: the
 * filters and Landlock are one-way. Forbidden calls are tried for real. */
#include "test.h"

#include "avskey/harden.h"
#include "avskey/sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#else
#define SANITIZED 0
#endif

/* Runs fn in a child; returns the wait status. */
static int in_child(int (*fn)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) _exit(fn());
    int st = 0;
    if (waitpid(pid, &st, 0) != pid) return -1;
    return st;
}

static int exited_ok(int st, const char *what)
{
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return 1;
    if (WIFEXITED(st)) fprintf(stderr, "%s: child failed at check %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) fprintf(stderr, "%s: child killed by signal %d\n", what, WTERMSIG(st));
    return 0;
}

static int killed_by_sigsys(int st, const char *what)
{
    if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS) return 1;
    fprintf(stderr, "%s: expected SIGSYS, got %s %d\n", what, WIFSIGNALED(st) ? "signal" : "exit",
            WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    return 0;
}

static int status_is(const char *name, const char *want)
{
    char v[128];
    return avskey_proc_status(name, v, sizeof v) && strcmp(v, want) == 0;
}

static avskey_seccomp_profile g_profile;

static int setup(void)
{
    if (avskey_harden_process() != AVSKEY_OK) return 0;
    if (g_profile == AVSKEY_SECCOMP_DENYLIST) return avskey_sandbox_cli() == AVSKEY_OK;
    return avskey_caps_drop_all() == AVSKEY_OK && avskey_seccomp_apply(g_profile) == AVSKEY_OK;
}

/* The forbidden operations: each must kill the child (SIGSYS). */
static int try_execve(void)
{
    if (!setup()) return 100;
    char *argv[] = {(char *)"/bin/true", NULL}, *envp[] = {NULL};
    execve("/bin/true", argv, envp);
    return 101;  /* refused without being killed */
}

static int try_traceme(void)
{
    if (!setup()) return 100;
    ptrace(PTRACE_TRACEME, 0, NULL, NULL);
    return 101;
}

static int try_vm_readv(void)
{
    if (!setup()) return 100;
    char buf[8], src[8] = "secret";
    struct iovec l = {buf, sizeof buf}, r = {src, sizeof src};
    process_vm_readv(getppid(), &l, 1, &r, 1, 0);
    return 101;
}

static int try_mount(void)
{
    if (!setup()) return 100;
    mount("none", "/tmp", "tmpfs", 0, NULL);
    return 101;
}

static int try_userns(void)
{
    if (!setup()) return 100;
    unshare(CLONE_NEWUSER);
    return 101;
}

static int try_bpf(void)
{
    if (!setup()) return 100;
    syscall(SYS_bpf, 0, NULL, 0);
    return 101;
}

static void forbidden_ops(const char *profile)
{
    static const struct { const char *name; int (*fn)(void); } ops[] = {
        {"execve", try_execve}, {"ptrace(PTRACE_TRACEME)", try_traceme}, {"process_vm_readv", try_vm_readv},
        {"mount", try_mount}, {"unshare(CLONE_NEWUSER)", try_userns}, {"bpf", try_bpf},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        char what[96];
        snprintf(what, sizeof what, "%s: %s", profile, ops[i].name);
        CHECK(killed_by_sigsys(in_child(ops[i].fn), what));
    }
}

/* /proc/self/status after the filter. */
static int status_checks(void)
{
    if (!setup()) return 1;
    if (!status_is("NoNewPrivs", "1")) return 2;
    if (!status_is("Seccomp", "2")) return 3;
    if (!status_is("CapEff", "0000000000000000")) return 4;
    if (!status_is("CapPrm", "0000000000000000")) return 5;
    if (!status_is("CapInh", "0000000000000000")) return 6;
    if (!status_is("CapAmb", "0000000000000000")) return 7;
    if (geteuid() == 0 && !status_is("CapBnd", "0000000000000000")) return 8;
    if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) return 9;
    return 0;
}

TEST(sandbox_cli_filter)
{
    g_profile = AVSKEY_SECCOMP_DENYLIST;
    CHECK(exited_ok(in_child(status_checks), "cli status"));
    forbidden_ops("cli");
}

static void *thread_fn(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)42;
}

/* What the serving daemon does still works; the rest fails with EPERM. */
static int serve_allowed(void)
{
    if (!setup()) return 1;
    pthread_t t;
    void *ret = NULL;
    if (pthread_create(&t, NULL, thread_fn, NULL) != 0 || pthread_join(t, &ret) != 0 || ret != (void *)42) return 2;
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    char buf[64];
    if (fd < 0 || read(fd, buf, sizeof buf) <= 0) return 3;
    close(fd);
    uint8_t r[16];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) return 4;
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return 5;
    int sv = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);  /* sd_notify */
    if (sv < 0) return 6;
    close(sv);
    /* refused gracefully */
    errno = 0;
    if (socket(AF_INET, SOCK_STREAM, 0) != -1 || errno != EPERM) return 10;
    errno = 0;
    if (setuid(0) == 0 && geteuid() != 0) return 11;
    if (!SANITIZED) {
        errno = 0;
        if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) != -1 || errno != EPERM) return 12;
        if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) return 13;
        errno = 0;
        pid_t p = fork();  /* a new process: clone without CLONE_THREAD */
        if (p == 0) _exit(0);
        if (p != -1 || errno != EPERM) return 14;
    }
    errno = 0;
    if (syscall(SYS_capset, NULL, NULL) != -1 || errno != EPERM) return 15;
    if (!status_is("Seccomp", "2") || !status_is("CapEff", "0000000000000000")) return 16;
    return 0;
}

TEST(sandbox_serve_filter)
{
    g_profile = AVSKEY_SECCOMP_SERVE;
    CHECK(exited_ok(in_child(status_checks), "serve status"));
    CHECK(exited_ok(in_child(serve_allowed), "serve allowed"));
    forbidden_ops("serve");
}

/* Capabilities are per thread: every thread must lose them. */
static volatile int g_stop;
static void *idle_thread(void *arg)
{
    (void)arg;
    while (!g_stop) {
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static int caps_all_threads(void)
{
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        if (pthread_create(&t[i], NULL, idle_thread, NULL) != 0) return 1;
    if (avskey_caps_drop_all() != AVSKEY_OK) return 2;
    int bad = 0, n = 0;
    DIR *d = opendir("/proc/self/task");
    for (struct dirent *de; d && (de = readdir(d));) {
        if (de->d_name[0] == '.') continue;
        char path[320], line[256];
        snprintf(path, sizeof path, "/proc/self/task/%s/status", de->d_name);
        FILE *f = fopen(path, "r");
        while (f && fgets(line, sizeof line, f))
            if ((strncmp(line, "CapEff:", 7) == 0 || strncmp(line, "CapPrm:", 7) == 0) &&
                !strstr(line, "0000000000000000"))
                bad++;
        if (f) fclose(f);
        n++;
    }
    if (d) closedir(d);
    g_stop = 1;
    for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
    if (n != 4) return 3;
    return bad ? 4 : 0;
}

TEST(sandbox_caps_every_thread)
{
    CHECK(exited_ok(in_child(caps_all_threads), "caps in every thread"));
}

static char g_inside[512], g_outside[512];

static int landlock_child(void)
{
    avskey_landlock_rule rule = {g_inside, AVSKEY_LL_READ};
    int abi = -1;
    if (avskey_landlock_apply(&rule, 1, &abi) != AVSKEY_OK) return 1;
    if (abi <= 0) return 50;  /* unavailable: reported by the parent */
    char p[600];
    snprintf(p, sizeof p, "%s/key.json", g_inside);
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 2;
    close(fd);
    DIR *d = opendir(g_inside);  /* reloads list the folder */
    if (!d) return 3;
    closedir(d);
    errno = 0;
    if (open(p, O_WRONLY | O_CLOEXEC) != -1 || errno != EACCES) return 4;  /* read-only */
    snprintf(p, sizeof p, "%s/new", g_inside);
    errno = 0;
    if (open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600) != -1 || errno != EACCES) return 5;
    snprintf(p, sizeof p, "%s/secret.txt", g_outside);
    errno = 0;
    if (open(p, O_RDONLY | O_CLOEXEC) != -1 || errno != EACCES) return 6;
    errno = 0;
    if (open("/etc/passwd", O_RDONLY | O_CLOEXEC) != -1 || errno != EACCES) return 7;
    errno = 0;
    if (opendir("/") != NULL || errno != EACCES) return 8;
    return 0;
}

TEST(sandbox_landlock)
{
    int abi = avskey_landlock_abi();
    if (abi <= 0) {
        printf("SKIP sandbox_landlock: landlock unavailable in this kernel (%s)\n",
               errno == EOPNOTSUPP ? "disabled at boot" : "not built in");
        return;
    }
    printf("     landlock ABI %d\n", abi);
    snprintf(g_inside, sizeof g_inside, "%s/inside", avskey_test_tmpdir());
    snprintf(g_outside, sizeof g_outside, "%s/outside", avskey_test_tmpdir());
    CHECK(mkdir(g_inside, 0700) == 0 && mkdir(g_outside, 0700) == 0);
    char p[600];
    snprintf(p, sizeof p, "%s/key.json", g_inside);
    FILE *f = fopen(p, "w");
    if (f) { fputs("{}", f); fclose(f); }
    snprintf(p, sizeof p, "%s/secret.txt", g_outside);
    f = fopen(p, "w");
    if (f) { fputs("x", f); fclose(f); }
    CHECK(exited_ok(in_child(landlock_child), "landlock"));
}

static uid_t g_uid;
static gid_t g_gid;

static int user_child(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, idle_thread, NULL) != 0) return 1;
    if (avskey_switch_user(g_uid, g_gid) != AVSKEY_OK) return 2;
    if (getuid() != g_uid || geteuid() != g_uid || getgid() != g_gid) return 3;
    gid_t groups[4];
    if (getgroups(4, groups) != 1 || groups[0] != g_gid) return 4;
    if (setuid(0) == 0 || setreuid(0, 0) == 0 || setresuid(0, 0, 0) == 0) return 5;
    if (avskey_caps_drop_all() != AVSKEY_OK) return 6;
    if (!status_is("CapEff", "0000000000000000")) return 7;
    char uid[64], want[64];
    snprintf(want, sizeof want, "%u\t%u\t%u\t%u", g_uid, g_uid, g_uid, g_uid);
    if (!avskey_proc_status("Uid", uid, sizeof uid) || strcmp(uid, want) != 0) return 8;
    g_stop = 1;
    pthread_join(t, NULL);
    return 0;
}

TEST(sandbox_switch_user)
{
    if (geteuid() != 0) {
        printf("SKIP sandbox_switch_user: needs root\n");
        return;
    }
    struct passwd *pw = getpwnam("nobody");
    CHECK(pw != NULL);
    if (!pw) return;
    g_uid = pw->pw_uid;
    g_gid = pw->pw_gid;
    g_stop = 0;
    CHECK(exited_ok(in_child(user_child), "switch user"));
    CHECK(avskey_switch_user(0, 0) == AVSKEY_ERR_PERM);  /* refuses uid 0 without doing anything */
}
