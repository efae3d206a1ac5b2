#include "test.h"

#include "avskey/harden.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int status_field(const char *name)
{
    char line[256];
    int v = -1;
    FILE *f = fopen("/proc/self/status", "r");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, name, strlen(name)) == 0) v = atoi(line + strlen(name) + 1);
    if (f) fclose(f);
    return v;
}

TEST(harden_process)
{
    pid_t pid = fork();
    if (pid == 0) {
        /* In a child: the settings are one-way. */
        if (avskey_harden_process() != AVSKEY_OK) _exit(10);
        struct rlimit r;
        if (getrlimit(RLIMIT_CORE, &r) != 0 || r.rlim_cur != 0 || r.rlim_max != 0) _exit(11);
        if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) _exit(12);
        if (status_field("NoNewPrivs:") != 1) _exit(13);
        /* raising the core limit again is refused */
        struct rlimit up = {1 << 20, 1 << 20};
        if (setrlimit(RLIMIT_CORE, &up) == 0 && geteuid() != 0) _exit(14);
        _exit(0);
    }
    int st = 0;
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    if (WIFEXITED(st) && WEXITSTATUS(st)) fprintf(stderr, "child exit %d\n", WEXITSTATUS(st));
}
