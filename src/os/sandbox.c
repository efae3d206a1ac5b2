/* Process sandbox: capabilities (libcap-ng), user switch, seccomp
 * (libseccomp), Landlock (raw syscalls). Policy and rationale:
 * docs/sandbox.md. */
#include "avskey/sandbox.h"

#include "avskey/log.h"

#include <cap-ng.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <linux/sched.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* Sanitizer runtimes (LeakSanitizer's exit-time check) clone a tracer task
 * that ptrace-attaches to the threads and toggles PR_SET_DUMPABLE: those
 * builds get a wider policy (docs/sandbox.md). */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define AVSKEY_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define AVSKEY_SANITIZER 1
#endif
#endif
#ifndef AVSKEY_SANITIZER
#define AVSKEY_SANITIZER 0
#endif

static int env_off(const char *name)
{
    const char *v = getenv(name);
    return v && (strcmp(v, "off") == 0 || strcmp(v, "0") == 0 || strcmp(v, "no") == 0 || strcmp(v, "false") == 0);
}

int avskey_seccomp_disabled_by_env(void) { return env_off("AVSKEY_SECCOMP"); }
int avskey_landlock_disabled_by_env(void) { return env_off("AVSKEY_LANDLOCK"); }

int avskey_proc_status(const char *name, char *out, size_t cap)
{
    char line[512];
    size_t n = strlen(name);
    int found = 0;
    FILE *f = fopen("/proc/self/status", "re");
    while (f && !found && fgets(line, sizeof line, f)) {
        if (strncmp(line, name, n) != 0 || line[n] != ':') continue;
        const char *v = line + n + 1;
        while (*v == ' ' || *v == '\t') v++;
        snprintf(out, cap, "%s", v);
        out[strcspn(out, "\n")] = '\0';
        found = 1;
    }
    if (f) fclose(f);
    return found;
}

/* ---- capabilities -------------------------------------------------------- */

enum { OP_BOUNDS = 1, OP_CAPS = 2, OP_AMBIENT = 4 };
static atomic_int g_op, g_acked, g_failed;

/* Raw syscalls only: runs as a signal handler in every thread. */
static int drop_thread(int op)
{
    int bad = 0;
    if (op & OP_BOUNDS) {
        for (unsigned long c = 0; c < 64; c++) {
            if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) != 1) continue;
            if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0) bad = 1;
        }
    }
    if (op & (OP_BOUNDS | OP_AMBIENT)) {
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) bad = 1;
    }
    if (op & OP_CAPS) {
        struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
        struct __user_cap_data_struct d[2];
        memset(d, 0, sizeof d);
        if (syscall(SYS_capset, &h, d) != 0) bad = 1;
        memset(d, 0xff, sizeof d);
        if (syscall(SYS_capget, &h, d) != 0 || d[0].effective || d[0].permitted || d[0].inheritable ||
            d[1].effective || d[1].permitted || d[1].inheritable)
            bad = 1;
    }
    return bad;
}

static void drop_handler(int sig)
{
    (void)sig;
    int saved = errno;
    if (drop_thread(atomic_load(&g_op))) atomic_fetch_add(&g_failed, 1);
    atomic_fetch_add(&g_acked, 1);
    errno = saved;
}

/* Runs op in every thread: the calling one directly, the others through a
 * real-time signal (capabilities are per thread). */
static avskey_err all_threads(int op)
{
    int self = (int)syscall(SYS_gettid), pid = getpid(), sig = SIGRTMIN + 2;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = drop_handler;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    atomic_store(&g_op, op);
    atomic_store(&g_acked, 0);
    atomic_store(&g_failed, 0);
    if (sigaction(sig, &sa, &old) != 0) return avskey_fail(AVSKEY_ERR_PERM, "sigaction: %s", strerror(errno));
    int sent = 0, bad = drop_thread(op);
    DIR *d = opendir("/proc/self/task");
    if (!d) bad = 1;
    for (struct dirent *de; d && (de = readdir(d));) {
        int tid = atoi(de->d_name);
        if (tid <= 0 || tid == self) continue;
        if (syscall(SYS_tgkill, pid, tid, sig) == 0) sent++;
        else if (errno != ESRCH) bad = 1;
    }
    if (d) closedir(d);
    for (int i = 0; i < 2000 && atomic_load(&g_acked) < sent; i++) {
        struct timespec ts = {0, 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    int acked = atomic_load(&g_acked);
    sigaction(sig, &old, NULL);
    if (bad || acked < sent || atomic_load(&g_failed))
        return avskey_fail(AVSKEY_ERR_PERM, "cannot drop capabilities in every thread (%d of %d answered, %d failed)",
                           acked, sent, atomic_load(&g_failed) + bad);
    return AVSKEY_OK;
}

avskey_err avskey_caps_drop_all(void)
{
    /* The bounding set can only shrink with CAP_SETPCAP (root). Without it
     * it stays as it is: with no_new_privs and no execve it grants nothing. */
    capng_get_caps_process();
    int setpcap = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);
    avskey_err e = all_threads(setpcap ? OP_BOUNDS : OP_AMBIENT);
    if (e) return e;
    capng_get_caps_process();
    /* Nothing held (a systemd service with CapabilityBoundingSet=, which may
     * also forbid capset): nothing to drop, and every thread inherited that. */
    if (capng_have_capabilities(CAPNG_SELECT_CAPS) == CAPNG_NONE) return AVSKEY_OK;
    capng_clear(CAPNG_SELECT_CAPS);
    if (capng_apply(CAPNG_SELECT_CAPS) != 0)
        return avskey_fail(AVSKEY_ERR_PERM, "capng_apply: cannot clear the capabilities");
    e = all_threads(OP_CAPS);
    if (e) return e;
    capng_get_caps_process();
    if (capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE)
        return avskey_fail(AVSKEY_ERR_PERM, "capabilities still present after dropping them");
    return AVSKEY_OK;
}

avskey_err avskey_switch_user(uid_t uid, gid_t gid)
{
    if (uid == 0) return avskey_fail(AVSKEY_ERR_PERM, "--user: refusing to switch to uid 0");
    if (setgroups(1, &gid) != 0) return avskey_fail(AVSKEY_ERR_PERM, "setgroups: %s", strerror(errno));
    if (setresgid(gid, gid, gid) != 0) return avskey_fail(AVSKEY_ERR_PERM, "setresgid: %s", strerror(errno));
    if (setresuid(uid, uid, uid) != 0) return avskey_fail(AVSKEY_ERR_PERM, "setresuid: %s", strerror(errno));
    uid_t r, e, s;
    gid_t rg, eg, sg;
    if (getresuid(&r, &e, &s) != 0 || r != uid || e != uid || s != uid || getresgid(&rg, &eg, &sg) != 0 ||
        rg != gid || eg != gid || sg != gid)
        return avskey_fail(AVSKEY_ERR_PERM, "user switch did not take effect");
    /* It must not be possible to go back (this would be a kernel or setup
     * bug; abort rather than serve as root). */
    if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0) abort();
    return AVSKEY_OK;
}

/* ---- seccomp ------------------------------------------------------------- */

/* Dangerous in a key manager: any of these kills the process. */
static const char *const kill_list[] = {
    "execve", "execveat", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "kcmp",
    "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsmount", "fsconfig",
    "fspick", "mount_setattr", "kexec_load", "kexec_file_load", "bpf", "init_module", "finit_module",
    "delete_module", "reboot", "swapon", "swapoff", "perf_event_open", "userfaultfd", "setns", "unshare",
    "keyctl", "add_key", "request_key", "open_by_handle_at", "name_to_handle_at", "iopl", "ioperm", "acct",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "syslog", "quotactl", "lookup_dcookie",
    "uselib", "vhangup", "process_madvise", NULL};

/* Namespace flags: clone() with any of them kills too. */
static const unsigned long ns_flags[] = {CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER,
                                         CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP};

/* The serving daemon's allow-list (phase 2). Arguments of some of them are
 * further restricted below. */
static const char *const serve_allow[] = {
    /* memory; secmem: mlock, madvise(MADV_DONTDUMP), mprotect */
    "brk", "mmap", "munmap", "mprotect", "mremap", "madvise", "mlock", "mlock2", "munlock", "mincore",
    "membarrier",
    /* threads and synchronisation (clone: only threads, below) */
    "futex", "futex_waitv", "set_robust_list", "get_robust_list", "rseq", "set_tid_address", "gettid",
    "getpid", "getppid", "sched_yield", "sched_getaffinity", "sched_getparam", "sched_getscheduler",
    "exit", "exit_group", "restart_syscall",
    /* signals (sigwait in the main thread, pthread_kill/raise) */
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigtimedwait", "rt_sigpending", "rt_sigsuspend",
    "sigaltstack",
    /* time */
    "clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday", "time",
    "timerfd_create", "timerfd_settime", "timerfd_gettime",
    /* files: reloads read key files, password files and key-config YAML;
     * logging and the audit log append to open descriptors. Landlock
     * decides which paths can be opened. */
    "openat", "open", "read", "pread64", "readv", "preadv", "preadv2", "write", "pwrite64", "writev",
    "close", "close_range", "lseek", "fstat", "newfstatat", "stat", "lstat", "statx", "getdents64",
    "fcntl", "dup", "dup3", "fsync", "fdatasync", "flock", "access", "faccessat", "faccessat2",
    "getdents", "readlink", "readlinkat", "getcwd", "pipe2", "eventfd2", "fadvise64", "sendfile",
    /* new key files (gRPC GenerateKeyPair/ImportKey): temp file, fchmod, link,
     * unlink; Landlock allows them only in the keystore folder, and only with
     * --allow-remote-key-management */
    "fchmod", "link", "linkat", "unlink", "unlinkat", "rename", "renameat", "renameat2", "mkdir", "mkdirat",
    /* network: the already-bound listeners */
    "accept", "accept4", "recvfrom", "recvmsg", "recvmmsg", "sendto", "sendmsg", "sendmmsg", "shutdown",
    "setsockopt", "getsockopt", "getsockname", "getpeername",
    "poll", "ppoll", "select", "pselect6", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait",
    "epoll_pwait", "epoll_pwait2",
    /* entropy, identity, limits (read-only) */
    "getrandom", "uname", "sysinfo", "getrusage", "times", "getuid", "geteuid", "getgid", "getegid",
    "getresuid", "getresgid", "getgroups", "capget",
    NULL};

static int resolve(const char *name)
{
    return seccomp_syscall_resolve_name(name);
}

static int add_kill_rules(scmp_filter_ctx ctx)
{
    for (const char *const *p = kill_list; *p; p++) {
        int nr = resolve(*p);
        if (nr == __NR_SCMP_ERROR) continue;  /* unknown to this libseccomp/arch */
        if (seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, nr, 0) != 0) return -1;
    }
    /* ptrace: in sanitizer builds LeakSanitizer attaches to our own threads
     * at exit; PTRACE_TRACEME stays forbidden. */
    if (AVSKEY_SANITIZER) {
        if (seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(ptrace), 1,
                             SCMP_A0(SCMP_CMP_EQ, PTRACE_TRACEME)) != 0)
            return -1;
    } else if (seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(ptrace), 0) != 0) {
        return -1;
    }
    for (size_t i = 0; i < sizeof ns_flags / sizeof ns_flags[0]; i++)
        if (seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(clone), 1,
                             SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i])) != 0)
            return -1;
    /* clone3 passes its flags in memory, which seccomp cannot inspect:
     * ENOSYS makes glibc fall back to clone(). */
    if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) != 0) return -1;
    return 0;
}

static int add_serve_rules(scmp_filter_ctx ctx)
{
    for (const char *const *p = serve_allow; *p; p++) {
        int nr = resolve(*p);
        if (nr == __NR_SCMP_ERROR) continue;
        if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) != 0) return -1;
    }
    int rc = 0;
    pid_t pid = getpid();
    /* threads only, never a new process */
    if (AVSKEY_SANITIZER) rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 0);
    else
        rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
                               SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
    /* signals to our own threads (pthread_kill, raise, abort) */
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)pid));
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)pid));
    /* getrlimit only */
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 1, SCMP_A2(SCMP_CMP_EQ, 0));
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(getrlimit), 0);
    /* sd_notify: a new AF_UNIX datagram socket */
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, AF_UNIX));
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(connect), 0);  /* AF_UNIX only: no other socket exists */
    /* ioctl: isatty() and non-blocking/readable-bytes queries */
    static const unsigned long ioctls[] = {TCGETS, FIONREAD, FIONBIO, FIOCLEX, FIONCLEX};
    for (size_t i = 0; i < sizeof ioctls / sizeof ioctls[0]; i++)
        rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_EQ, ioctls[i]));
    /* prctl: thread names and read-only queries; never PR_SET_DUMPABLE,
     * PR_SET_NO_NEW_PRIVS changes or PR_SET_SECCOMP */
    if (AVSKEY_SANITIZER) rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 0);
    else {
        static const int prctls[] = {PR_SET_NAME, PR_GET_NAME, PR_GET_DUMPABLE, PR_CAPBSET_READ,
                                     PR_GET_NO_NEW_PRIVS, PR_GET_SECCOMP, PR_GET_TIMERSLACK};
        for (size_t i = 0; i < sizeof prctls / sizeof prctls[0]; i++)
            rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
                                   SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)prctls[i]));
    }
    if (AVSKEY_SANITIZER) {
        /* LeakSanitizer's tracer: ptrace (not TRACEME, killed above), wait */
        rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ptrace), 1, SCMP_A0(SCMP_CMP_NE, PTRACE_TRACEME));
        rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(wait4), 0);
        rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(waitid), 0);
        rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sched_setaffinity), 0);
    }
    return rc ? -1 : 0;
}

avskey_err avskey_seccomp_apply(avskey_seccomp_profile profile)
{
    /* Deny-list: allow by default. Serve: unexpected calls fail with EPERM
     * (graceful), the kill list still kills. */
    scmp_filter_ctx ctx = seccomp_init(profile == AVSKEY_SECCOMP_SERVE ? SCMP_ACT_ERRNO(EPERM) : SCMP_ACT_ALLOW);
    if (!ctx) return avskey_fail(AVSKEY_ERR_PERM, "seccomp_init failed");
    /* each step named in the error: tells a kernel without a feature from a failed probe */
    const char *step = "attributes";
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);  /* harden.c set it already; check below */
    if (!rc) {
        step = "thread sync (TSYNC)";   /* all threads, or fail */
        rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
    }
    if (!rc) {
        step = "rules";
        rc = add_kill_rules(ctx);
        if (!rc && profile == AVSKEY_SECCOMP_SERVE) rc = add_serve_rules(ctx);
    }
    if (!rc && prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        step = "no_new_privs";
        rc = -errno;
    }
    if (!rc) {
        step = "load";
        rc = seccomp_load(ctx);
    }
    seccomp_release(ctx);
    /* seccomp(2) answering ENOSYS: valgrind (which does not emulate it), gVisor
     * and some container runtimes; libseccomp then reports EOPNOTSUPP */
    errno = 0;
    if (rc && syscall(SYS_seccomp, 0 /* SECCOMP_SET_MODE_STRICT */, 1, NULL) == -1 && errno == ENOSYS)
        return avskey_fail(AVSKEY_ERR_PERM, "seccomp(2) is not available here (valgrind or a sandboxed runtime?): "
                                            "AVSKEY_SECCOMP=off runs without the filter (docs/sandbox.md)");
    if (rc)
        return avskey_fail(AVSKEY_ERR_PERM, "cannot load the seccomp filter (%s): %s", step,
                           strerror(rc < 0 ? -rc : rc));
    return AVSKEY_OK;
}

/* ---- Landlock -------------------------------------------------------------- */

/* Newer than the build headers (Debian 12 has ABI 2's). */
#define LL_FS_TRUNCATE (1ULL << 14)   /* ABI 3 */
#define LL_FS_IOCTL_DEV (1ULL << 15)  /* ABI 5 */
#define LL_NET_CONNECT_TCP (1ULL << 1) /* ABI 4 */
#define LL_SCOPE_SIGNAL (1ULL << 1)   /* ABI 6 */

struct ll_ruleset_attr {
    uint64_t handled_access_fs, handled_access_net, scoped;
};

int avskey_landlock_abi(void)
{
    long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return v > 0 ? (int)v : 0;
}

static uint64_t fs_all(int abi)
{
    uint64_t a = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |
                 LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
                 LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
                 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
                 LANDLOCK_ACCESS_FS_MAKE_SYM;
    if (abi >= 2) a |= LANDLOCK_ACCESS_FS_REFER;
    if (abi >= 3) a |= LL_FS_TRUNCATE;
    if (abi >= 5) a |= LL_FS_IOCTL_DEV;
    return a;
}

avskey_err avskey_landlock_apply(const avskey_landlock_rule *rules, size_t n, int *abi_out)
{
    int abi = avskey_landlock_abi();
    *abi_out = abi;
    if (abi <= 0) return AVSKEY_OK;
    struct ll_ruleset_attr attr = {fs_all(abi), abi >= 4 ? LL_NET_CONNECT_TCP : 0, abi >= 6 ? LL_SCOPE_SIGNAL : 0};
    size_t size = abi >= 6 ? 24 : abi >= 4 ? 16 : 8;
    int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
    if (rs < 0) return avskey_fail(AVSKEY_ERR_PERM, "landlock_create_ruleset: %s", strerror(errno));
    for (size_t i = 0; i < n; i++) {
        int fd = open(rules[i].path, O_PATH | O_CLOEXEC);
        if (fd < 0) continue;  /* absent: nothing to allow */
        struct stat st;
        uint64_t file_rights = LANDLOCK_ACCESS_FS_READ_FILE;
        if (rules[i].mode & AVSKEY_LL_WRITE) file_rights |= LANDLOCK_ACCESS_FS_WRITE_FILE;
        uint64_t rights = file_rights;
        if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            rights |= LANDLOCK_ACCESS_FS_READ_DIR;
            if (rules[i].mode & AVSKEY_LL_CREATE)
                rights |= LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                          (abi >= 2 ? LANDLOCK_ACCESS_FS_REFER : 0);
        }
        struct landlock_path_beneath_attr pb = {.allowed_access = rights, .parent_fd = fd};
        long rc = syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
        int err = errno;
        close(fd);
        if (rc != 0) {
            close(rs);
            return avskey_fail(AVSKEY_ERR_PERM, "landlock_add_rule %s: %s", rules[i].path, strerror(err));
        }
    }
    if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        close(rs);
        return avskey_fail(AVSKEY_ERR_PERM, "no_new_privs: %s", strerror(errno));
    }
    long rc = syscall(SYS_landlock_restrict_self, rs, 0);
    int err = errno;
    close(rs);
    if (rc != 0) return avskey_fail(AVSKEY_ERR_PERM, "landlock_restrict_self: %s", strerror(err));
    return AVSKEY_OK;
}

/* ---- CLI --------------------------------------------------------------------- */

avskey_err avskey_sandbox_cli(void)
{
    avskey_err e = avskey_caps_drop_all();
    if (e) return e;
    if (avskey_seccomp_disabled_by_env()) {
        fprintf(stderr, "avskey: warning: seccomp filter disabled by AVSKEY_SECCOMP=off\n");
        return AVSKEY_OK;
    }
    return avskey_seccomp_apply(AVSKEY_SECCOMP_DENYLIST);
}

/* ---- serve ------------------------------------------------------------------- */

static struct {
    int active, seccomp, landlock_abi, landlock_on;
    avskey_serve_sandbox sb;
    avskey_landlock_rule rules[AVSKEY_SANDBOX_MAX_PATHS];
    size_t nrules;
} g_serve;

avskey_err avskey_serve_sandbox_allow(const char *path, unsigned mode)
{
    for (size_t i = 0; i < g_serve.nrules; i++)
        if (strcmp(g_serve.rules[i].path, path) == 0) {
            g_serve.rules[i].mode |= mode;
            return AVSKEY_OK;
        }
    char *copy = g_serve.nrules < AVSKEY_SANDBOX_MAX_PATHS - 4 ? strdup(path) : NULL;
    if (!copy) return avskey_fail(AVSKEY_ERR_NOMEM, "sandbox: too many folders to allow (%s)", path);
    g_serve.rules[g_serve.nrules++] = (avskey_landlock_rule){copy, mode};
    return AVSKEY_OK;
}

avskey_err avskey_serve_sandbox_user(avskey_serve_sandbox *sb, const char *name)
{
    char buf[4096];
    struct passwd pw, *res = NULL;
    int rc = getpwnam_r(name, &pw, buf, sizeof buf, &res);
    if (rc != 0 || !res) return avskey_fail(AVSKEY_ERR_USAGE, "--user %s: no such user", name);
    if (pw.pw_uid == 0) return avskey_fail(AVSKEY_ERR_USAGE, "--user %s: is uid 0", name);
    if (geteuid() != 0 && geteuid() != pw.pw_uid)
        return avskey_fail(AVSKEY_ERR_PERM, "--user %s: only root can switch users", name);
    sb->switch_user = geteuid() == 0;
    sb->uid = pw.pw_uid;
    sb->gid = pw.pw_gid;
    snprintf(sb->user, sizeof sb->user, "%s", name);
    return AVSKEY_OK;
}

avskey_err avskey_serve_sandbox_begin(const avskey_serve_sandbox *sb)
{
    g_serve.sb = *sb;
    g_serve.active = 1;
    g_serve.seccomp = !sb->disabled && !avskey_seccomp_disabled_by_env();
    if (sb->disabled) {
        avskey_log("warn", "--no-sandbox: no seccomp filter and no Landlock", "\"event\":\"sandbox_disabled\"");
        return AVSKEY_OK;
    }
    if (!g_serve.seccomp) {
        avskey_log("warn", "seccomp filter disabled by AVSKEY_SECCOMP=off", "\"event\":\"sandbox_disabled\"");
        return AVSKEY_OK;
    }
    return avskey_seccomp_apply(AVSKEY_SECCOMP_DENYLIST);
}

avskey_err avskey_serve_sandbox_files(void)
{
    if (!g_serve.active || g_serve.sb.disabled) return AVSKEY_OK;
    if (avskey_landlock_disabled_by_env()) {
        avskey_log("warn", "Landlock disabled by AVSKEY_LANDLOCK=off", "\"event\":\"sandbox_disabled\"");
        return AVSKEY_OK;
    }
    avskey_landlock_rule *rules = g_serve.rules;
    size_t n = g_serve.nrules;
    /* RSS and thread state for metrics and the tests; entropy for libraries
     * that read it lazily. */
    rules[n++] = (avskey_landlock_rule){"/proc/self", AVSKEY_LL_READ};
    rules[n++] = (avskey_landlock_rule){"/dev/urandom", AVSKEY_LL_READ};
    rules[n++] = (avskey_landlock_rule){"/dev/null", AVSKEY_LL_READ | AVSKEY_LL_WRITE};
    /* sysconf(_SC_NPROCESSORS_ONLN): reload workers (and gRPC) size
     * themselves with it */
    rules[n++] = (avskey_landlock_rule){"/sys/devices/system/cpu/online", AVSKEY_LL_READ};
    g_serve.nrules = n;
    char threads[32] = "";
    if (avskey_proc_status("Threads", threads, sizeof threads) && atoi(threads) > 1)
        avskey_logf("warn", "Landlock applied with %s threads running: only the calling thread and its future "
                    "threads are restricted", threads);
    avskey_err e = avskey_landlock_apply(rules, n, &g_serve.landlock_abi);
    if (e) return e;
    g_serve.landlock_on = g_serve.landlock_abi > 0;
    if (!g_serve.landlock_on)
        avskey_log("warn", "Landlock unavailable in this kernel: file access is not restricted",
                   "\"event\":\"landlock_unavailable\"");
    return AVSKEY_OK;
}

avskey_err avskey_serve_sandbox_lockdown(void)
{
    if (!g_serve.active) return AVSKEY_OK;
    avskey_err e = AVSKEY_OK;
    if (g_serve.sb.switch_user) {
        /* bounding set first (needs CAP_SETPCAP), then the ids */
        e = all_threads(OP_BOUNDS);
        if (!e) e = avskey_switch_user(g_serve.sb.uid, g_serve.sb.gid);
        if (e) return e;
    }
    e = avskey_caps_drop_all();
    if (e) return e;
    if (g_serve.seccomp) e = avskey_seccomp_apply(AVSKEY_SECCOMP_SERVE);
    if (e) return e;
    char fields[512], nnp[16] = "?", sc[16] = "?", capeff[32] = "?";
    avskey_proc_status("NoNewPrivs", nnp, sizeof nnp);
    avskey_proc_status("Seccomp", sc, sizeof sc);
    avskey_proc_status("CapEff", capeff, sizeof capeff);
    snprintf(fields, sizeof fields,
             "\"event\":\"sandbox\",\"uid\":%u,\"gid\":%u,\"seccomp\":\"%s\",\"landlock_abi\":%d,"
             "\"landlock\":%s,\"no_new_privs\":%s,\"seccomp_mode\":%s,\"cap_eff\":\"%s\"",
             (unsigned)getuid(), (unsigned)getgid(), g_serve.seccomp ? "serve" : "off", g_serve.landlock_abi,
             g_serve.landlock_on ? "true" : "false", nnp, sc, capeff);
    avskey_log("info", "sandbox applied", fields);
    return AVSKEY_OK;
}
