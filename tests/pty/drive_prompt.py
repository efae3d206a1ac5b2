#!/usr/bin/env python3
"""Drives prompt_echo (tests/pty/prompt_echo.c) on a pseudo-terminal and
checks that a typed passphrase never appears on the screen.

Usage: drive_prompt.py PATH_TO_prompt_echo
Exits 0 if every case passes, 1 otherwise. Standard library only."""
import fcntl
import os
import select
import signal
import sys
import termios
import time

PROG = sys.argv[1]
FAILURES = []
SESSIONS = []


def fail(msg):
    FAILURES.append(msg)
    print("FAIL: " + msg)


class Session:
    """prompt_echo on a fresh pty; we keep the slave open to read its modes."""

    def __init__(self, mode):
        self.master, self.slave = os.openpty()
        self.pid = os.fork()
        if self.pid == 0:
            try:
                os.setsid()
                fcntl.ioctl(self.slave, termios.TIOCSCTTY, 0)
                for fd in (0, 1, 2):
                    os.dup2(self.slave, fd)
                os.close(self.master)
                os.close(self.slave)
                os.execv(PROG, [PROG, mode])
            finally:
                os._exit(127)
        self.out = b""
        self.status = None
        SESSIONS.append(self)

    def pump(self, timeout):
        r, _, _ = select.select([self.master], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.master, 4096)
        except OSError:
            return False
        self.out += data
        return bool(data)

    def poll_exit(self):
        if self.status is None:
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = st
        return self.status is not None

    def echo_on(self):
        return bool(termios.tcgetattr(self.slave)[3] & termios.ECHO)

    def wait(self, what, cond, timeout=20):
        deadline = time.time() + timeout
        while not cond():
            if time.time() > deadline or self.poll_exit():
                self.pump(0.2)
                if cond():  # it came with the last output or the exit
                    return
                raise RuntimeError("timed out waiting for %s (or the program ended); "
                                   "screen: %r" % (what, self.out))
            self.pump(0.02)

    def expect(self, text):
        self.wait(repr(text), lambda: text in self.out)

    def wait_echo_off(self):
        """Waits up to 3 s; if echo stays on, records the failure and goes
        on, so that the screen check below sees what a user would see."""
        try:
            self.wait("echo off", lambda: not self.echo_on(), timeout=3)
        except RuntimeError:
            fail("echo still on while the passphrase prompt waits")

    def kill(self):
        if not self.poll_exit():
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)

    def type(self, data):
        os.write(self.master, data)

    def finish(self, timeout=20):
        self.wait("exit", self.poll_exit, timeout)
        while self.pump(0.05):
            pass
        echo = self.echo_on()
        os.close(self.master)
        os.close(self.slave)
        return self.status, echo


class JobSession(Session):
    """prompt_echo as a job: its own process group, in the foreground of
    the pty, under a forked copy of this script acting as a job-control
    shell. Needed for ^Z: Linux drops a stop signal sent to an orphaned
    process group, which the plain Session's program is. The shell copy
    reports "pid N", "stopped echo=0|1" and finally exits with the job's
    exit code (128 + signal if killed)."""

    def __init__(self, mode):
        self.master, self.slave = os.openpty()
        rep_r, rep_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            try:
                os.close(rep_r)
                self._shell(mode, rep_w)
            finally:
                os._exit(127)
        os.close(rep_w)
        self.rep = rep_r
        self.reports = b""
        self.out = b""
        self.status = None
        SESSIONS.append(self)
        self.wait("the job's pid", lambda: self.read_reports() and b"\n" in self.reports)
        self.job = int(self.reports.split(b"\n")[0].split()[1])

    def _shell(self, mode, rep_w):
        os.setsid()
        fcntl.ioctl(self.slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(self.slave, fd)
        go_r, go_w = os.pipe()
        job = os.fork()
        if job == 0:
            os.setpgid(0, 0)
            os.read(go_r, 1)  # until the job is the foreground group
            os.execv(PROG, [PROG, mode])
        os.setpgid(job, job)
        signal.signal(signal.SIGTTOU, signal.SIG_IGN)
        os.tcsetpgrp(0, job)
        os.write(go_w, b"g")
        os.write(rep_w, b"pid %d\n" % job)
        while True:
            _, st = os.waitpid(job, os.WUNTRACED)
            if os.WIFSTOPPED(st):
                echo = 1 if termios.tcgetattr(0)[3] & termios.ECHO else 0
                os.write(rep_w, b"stopped echo=%d\n" % echo)
                continue
            code = os.WEXITSTATUS(st) if os.WIFEXITED(st) else 128 + os.WTERMSIG(st)
            os._exit(code)

    def read_reports(self):
        r, _, _ = select.select([self.rep], [], [], 0)
        if r:
            self.reports += os.read(self.rep, 4096)
        return True

    def expect_report(self, text):
        self.wait("report %r" % text, lambda: self.read_reports() and text in self.reports)

    def kill(self):
        if not self.poll_exit():
            os.kill(self.job, signal.SIGKILL)
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)


def exit_code(st):
    return os.WEXITSTATUS(st) if os.WIFEXITED(st) else -1


def case(name, fn):
    try:
        fn()
        print("ok   " + name)
    except Exception as e:  # a timeout or an unexpected state
        fail("%s: %s" % (name, e))


def prompt_shown_echo_off(s, prompt):
    """Echo must already be off when the prompt is on the screen: the
    prompt is written after the terminal mode change, so a user who types
    after seeing it is never echoed."""
    s.expect(prompt)
    if s.echo_on():
        fail("echo still on when %r appeared" % prompt)
        s.wait_echo_off()


def prompt_and_type(s, text, prompt):
    prompt_shown_echo_off(s, prompt)
    s.type(text + b"\n")


SECRET = b"Unseen-Tr0ub4dor&3-pw"
OTHER = b"Different-Secret-42!"


def hidden(s, *secrets):
    for sec in secrets:
        # the whole secret, and any 6-byte piece of it, must be absent
        pieces = {sec[i:i + 6] for i in range(len(sec) - 5)}
        shown = [p for p in pieces if p in s.out]
        if shown:
            raise RuntimeError("passphrase text on screen (%r); screen: %r" % (shown[0], s.out))


def test_control():
    s = Session("control")
    s.expect(b"Visible: ")
    s.type(SECRET + b"\n")
    st, _ = s.finish()
    if SECRET not in s.out:
        raise RuntimeError("control: echoed text not seen, the check cannot fail: %r" % s.out)
    if exit_code(st) != 0:
        raise RuntimeError("control exit %r" % st)


def test_confirm_match():
    s = Session("confirm")
    prompt_and_type(s, SECRET, b"New passphrase: ")
    prompt_and_type(s, SECRET, b"Repeat passphrase: ")
    st, echo = s.finish()
    hidden(s, SECRET)
    if exit_code(st) != 0:
        raise RuntimeError("exit %r; screen %r" % (st, s.out))
    if ("len=%d" % len(SECRET)).encode() not in s.out:
        raise RuntimeError("wrong length reported: %r" % s.out)
    if b"echo=on" not in s.out or not echo:
        raise RuntimeError("echo not restored: %r" % s.out)


def test_confirm_mismatch():
    s = Session("confirm")
    prompt_and_type(s, SECRET, b"New passphrase: ")
    prompt_and_type(s, OTHER, b"Repeat passphrase: ")
    st, echo = s.finish()
    hidden(s, SECRET, OTHER)
    if exit_code(st) != 2 or b"passphrases do not match" not in s.out:
        raise RuntimeError("mismatch not refused: exit %r, screen %r" % (st, s.out))
    if not echo:
        raise RuntimeError("echo not restored after a mismatch")


def test_once_empty():
    s = Session("once")
    prompt_and_type(s, b"", b"New passphrase: ")
    st, echo = s.finish()
    if exit_code(st) != 0 or b"len=0" not in s.out or not echo:
        raise RuntimeError("empty passphrase: exit %r, screen %r" % (st, s.out))


def test_ctrl_c_kills_and_restores():
    s = Session("confirm")
    prompt_shown_echo_off(s, b"New passphrase: ")
    s.type(SECRET[:8])  # half typed, then ^C
    time.sleep(0.1)
    s.type(b"\x03")
    st, echo = s.finish()
    hidden(s, SECRET[:8])
    if not (os.WIFSIGNALED(st) and os.WTERMSIG(st) == signal.SIGINT):
        raise RuntimeError("not killed by SIGINT: %r, screen %r" % (st, s.out))
    if not echo:
        raise RuntimeError("terminal left with echo off after SIGINT")


def test_ctrl_c_with_caller_handler():
    s = Session("catch-int")
    prompt_shown_echo_off(s, b"New passphrase: ")
    s.type(b"\x03")
    st, echo = s.finish()
    if exit_code(st) != 1 or b"interrupted" not in s.out or b"caught=1" not in s.out:
        raise RuntimeError("caller's handler not run or read not ended: %r %r" % (st, s.out))
    if b"echo=on" not in s.out or not echo:
        raise RuntimeError("echo not restored: %r" % s.out)


def test_ctrl_z_orphaned_reprompts():
    # in an orphaned group the stop is dropped: the prompt simply restarts
    s = Session("once")
    prompt_shown_echo_off(s, b"New passphrase: ")
    s.type(b"partial")
    time.sleep(0.1)
    s.type(b"\x1a")
    s.wait("a second prompt", lambda: s.out.count(b"New passphrase: ") >= 2)
    if s.echo_on():
        raise RuntimeError("echo on at the second prompt")
    s.type(SECRET + b"\n")
    st, echo = s.finish()
    hidden(s, SECRET, b"partial")
    if exit_code(st) != 0 or ("len=%d" % len(SECRET)).encode() not in s.out or not echo:
        raise RuntimeError("after ^Z: exit %r, screen %r" % (st, s.out))


def test_ctrl_z_stops_with_echo_on():
    s = JobSession("once")
    prompt_shown_echo_off(s, b"New passphrase: ")
    s.type(b"partial")
    time.sleep(0.1)
    s.type(b"\x1a")
    s.expect_report(b"stopped")
    if b"stopped echo=1" not in s.reports or not s.echo_on():
        raise RuntimeError("stopped with echo off: %r" % s.reports)
    os.kill(s.job, signal.SIGCONT)  # fg
    s.wait("a second prompt", lambda: s.out.count(b"New passphrase: ") >= 2)
    if s.echo_on():
        raise RuntimeError("echo on at the prompt after fg")
    s.type(SECRET + b"\n")
    st, echo = s.finish()
    hidden(s, SECRET, b"partial")
    if exit_code(st) != 0 or ("len=%d" % len(SECRET)).encode() not in s.out or not echo:
        raise RuntimeError("after ^Z and fg: exit %r, screen %r" % (st, s.out))


case("control_echo_visible", test_control)
case("confirm_match_hidden", test_confirm_match)
case("confirm_mismatch", test_confirm_mismatch)
case("once_empty", test_once_empty)
case("ctrl_c_restores_echo", test_ctrl_c_kills_and_restores)
case("ctrl_c_caller_handler", test_ctrl_c_with_caller_handler)
case("ctrl_z_orphaned_reprompts", test_ctrl_z_orphaned_reprompts)
case("ctrl_z_stops_with_echo_on", test_ctrl_z_stops_with_echo_on)
for sess in SESSIONS:
    sess.kill()
print("%d failure(s)" % len(FAILURES))
sys.exit(1 if FAILURES else 0)
