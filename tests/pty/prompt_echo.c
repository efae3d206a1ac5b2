/* Helper for tests/cli/pty_prompt.sh (compiled by that script): reads a
 * passphrase with AVSKEY_PW_AUTO from the terminal it runs on and reports
 * its length, never its bytes.
 *   prompt_echo [confirm|once|catch-int|control]
 * confirm    ask twice (a new passphrase), the default
 * once       ask once
 * catch-int  as confirm, with the program's own SIGINT handler installed
 * control    read a line with plain stdio and echo ON: the driver checks
 *            that it DOES see the text, proving its check can fail
 * Prints "echo=on|off caught=N", then "len=N" or "error: MSG"; exits with
 * avskey_exit_code(). */
#include "avskey/passphrase.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static volatile sig_atomic_t caught;

static void on_int(int sig)
{
    (void)sig;
    caught = 1;
}

static const char *echo_state(void)
{
    struct termios t;
    if (tcgetattr(STDIN_FILENO, &t) != 0) return "unknown";
    return (t.c_lflag & ECHO) ? "on" : "off";
}

static int control(void)
{
    char line[256];
    printf("Visible: ");
    fflush(stdout);
    if (!fgets(line, sizeof line, stdin)) return 3;
    printf("len=%zu\n", strcspn(line, "\n"));
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "confirm";
    if (strcmp(mode, "control") == 0) return control();
    if (strcmp(mode, "catch-int") == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_int;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
    }
    avskey_pw pw;
    avskey_pw_source src = {AVSKEY_PW_AUTO, NULL, NULL, NULL, NULL};
    avskey_err err = avskey_passphrase_read(&pw, &src, "New passphrase: ",
                                            strcmp(mode, "once") != 0);
    printf("echo=%s caught=%d\n", echo_state(), (int)caught);
    if (err != AVSKEY_OK) {
        printf("error: %s\n", avskey_errmsg());
        return avskey_exit_code(err);
    }
    printf("len=%zu\n", pw.len);
    avskey_passphrase_free(&pw);
    return 0;
}
