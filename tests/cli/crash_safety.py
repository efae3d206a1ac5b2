#!/usr/bin/env python3
"""Crash safety of key file writes (driven by crash_safety.sh).

Claim under test: "key files are written atomically and never overwritten;
a crash at any point leaves the old or the new file, never a broken one".

1. Random kills: `keys create` and `keys passwd` get SIGKILL after a delay
   drawn uniformly over [0, 1.1 x the run's duration] (so from before exec
   to after the final rename; some runs finish). The duration is measured
   first, then follows the median of the runs that finished (load varies). After each
   one the folder is checked:
     create: no NAME.ecdsa.key.json, or one that parses (`keys show
             --json` exits 0), is mode 0600, and (on a sample) decrypts;
     passwd: the file is byte-identical to the old one, or a complete new
             file that decrypts with the new passphrase (same address, id).
   What a kill may leave besides: NAME.ecdsa.key.json.tmp-XXXXXX (a
   partial or complete temporary file, or a second hard link to the new
   file when killed between link() and unlink()).
2. Deterministic kills at every step of the write path (LD_PRELOAD
   tests/faults/faultshim.c: before/after mkostemp, fchmod, write, fsync,
   close, link, rename, unlink, fsync of the folder), and injected errors
   (ENOSPC, EIO) at each step: exit 1, one-line error, no temporary file.
3. The order of the calls (power-loss safety): the temporary file is
   fsynced before link/rename, and the folder is fsynced after.
4. Races: two creates of one name, two passwd of one file, at once.
5. Leftover temporary files: `keys list` ignores them, create/passwd still
   work next to them, and a write removes those older than 15 minutes
   (not fresher ones).

Env: AVSKEY_CRASH_CREATE, AVSKEY_CRASH_PASSWD (random kills of each,
default 24), AVSKEY_CRASH_BUDGET (seconds for the random kills, default 20
unless a count is given; at least 8 of each run), AVSKEY_CRASH_JOBS
(parallel runs, default 2),
AVSKEY_CRASH_SEED (to replay a run).
"""
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

AV = os.environ["AVSKEY"]
T = os.environ["T"]
FIX = os.environ.get("FIX", "")
SHIM = os.environ.get("SHIM", "")
N_CREATE = int(os.environ.get("AVSKEY_CRASH_CREATE", "24"))
N_PASSWD = int(os.environ.get("AVSKEY_CRASH_PASSWD", "24"))
JOBS = int(os.environ.get("AVSKEY_CRASH_JOBS", "2"))
SEED = int(os.environ.get("AVSKEY_CRASH_SEED", str(time.time_ns() % 2**31)))
# random kills stop after this many seconds (each verb gets at least 8);
# 0 = no limit, the default when AVSKEY_CRASH_CREATE/PASSWD are given
BUDGET = float(os.environ.get("AVSKEY_CRASH_BUDGET", "0" if "AVSKEY_CRASH_CREATE" in os.environ
                              or "AVSKEY_CRASH_PASSWD" in os.environ else "20"))
VERIFY_EVERY = int(os.environ.get("AVSKEY_CRASH_VERIFY_EVERY", "4"))

PW = os.path.join(T, "pw")
PW2 = os.path.join(T, "pw2")
EMPTY = os.path.join(T, "empty")
with open(PW, "w") as f:
    f.write("Tr0ub4dor&3-correct-horse-battery\n")
with open(PW2, "w") as f:
    f.write("An0ther-Str0ng-passphrase-x9!\n")
open(EMPTY, "w").close()

lock = threading.Lock()
passed = 0
failed = 0
counts = {}


def ok():
    global passed
    with lock:
        passed += 1


def bad(msg):
    global failed
    with lock:
        failed += 1
    print("FAIL: " + msg, file=sys.stderr, flush=True)


def count(key):
    with lock:
        counts[key] = counts.get(key, 0) + 1


def run(args, env=None, timeout=120):
    p = subprocess.run([AV] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                       stdin=subprocess.DEVNULL, timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def shim_env(fault=None, log=None):
    """Env for a run under the fault shim (with its fast KDF: the files it
    writes are checked under the same shim)."""
    env = dict(os.environ)
    env["AVSKEY_FAULT_FAST_KDF"] = "1"
    env["LD_PRELOAD"] = SHIM
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
    env.pop("AVSKEY_FAULT", None)
    if fault:
        env["AVSKEY_FAULT"] = fault
    if log:
        env["AVSKEY_FAULT_LOG"] = log
    return env


def tmps_of(d, key):
    return sorted(f for f in os.listdir(d) if f.startswith(key + ".tmp-"))


def unexpected(d, key):
    return sorted(f for f in os.listdir(d) if f != key and not f.startswith(key + ".tmp-"))


def show(path, pwfile=None, env=None):
    args = ["keys", "show", "--key-path", path, "--json"]
    if pwfile:
        args += ["--verify", "--password-file", pwfile]
    rc, out, err = run(args, env)
    info = None
    if rc == 0:
        try:
            info = json.loads(out)
        except ValueError:
            rc = -1
    return rc, info, err


def check_create(d, name, verify, where, env=None):
    """Returns 'none' or 'complete' (or 'broken' after reporting)."""
    key = name + ".ecdsa.key.json"
    path = os.path.join(d, key)
    extra = unexpected(d, key)
    if extra:
        bad(f"{where}: unexpected files {extra}")
        return "broken"
    if not os.path.exists(path):
        ok()
        return "none"
    rc, info, err = show(path, None, env)
    if rc != 0:
        bad(f"{where}: {key} does not parse: {err.strip()}")
        return "broken"
    if (os.stat(path).st_mode & 0o777) != 0o600:
        bad(f"{where}: {key} mode {oct(os.stat(path).st_mode & 0o777)}")
        return "broken"
    if verify:
        rc, info2, err = show(path, PW, env)
        if rc != 0:
            bad(f"{where}: {key} does not decrypt: {err.strip()}")
            return "broken"
        count("create: decrypt checks")
    ok()
    return "complete"


def check_passwd(d, key, old, where, env=None, others_ok=False):
    """Returns 'old' or 'new' (or 'broken' after reporting)."""
    path = os.path.join(d, key)
    extra = unexpected(d, key)
    if extra and not others_ok:
        bad(f"{where}: unexpected files {extra}")
        return "broken"
    if not os.path.exists(path):
        bad(f"{where}: {key} is gone")
        return "broken"
    with open(path, "rb") as f:
        now = f.read()
    if now == old["bytes"]:
        ok()
        return "old"
    rc, info, err = show(path, PW2, env)
    if rc != 0:
        bad(f"{where}: {key} is neither the old file nor a new one that decrypts: {err.strip()} "
            f"({len(now)} bytes)")
        return "broken"
    d2 = json.loads(now)
    if info.get("address") != old["address"] or d2.get("id") != old["id"]:
        bad(f"{where}: new file has another address or id")
        return "broken"
    ok()
    return "new"


def make_passwd_template():
    """An ECDSA file to re-encrypt, with a cheap KDF if the fixture exists
    (halves each passwd run); else one made by keys create."""
    d = os.path.join(T, "template")
    os.makedirs(d, 0o700)
    src = os.path.join(FIX, "eigen", "go-ethereum", "very-light-scrypt.json")
    key = "t.ecdsa.key.json"
    path = os.path.join(d, key)
    if os.path.exists(src):
        shutil.copyfile(src, path)
        os.chmod(path, 0o600)
        oldpw = EMPTY
    else:
        rc, out, err = run(["keys", "create", "--key-type", "ecdsa", "--keystore-dir", d,
                            "--password-file", PW, "t"])
        if rc != 0:
            raise SystemExit("cannot create the template key: " + err)
        oldpw = PW
    with open(path, "rb") as f:
        raw = f.read()
    rc, info, err = show(path, oldpw)
    if rc != 0:
        raise SystemExit("template does not decrypt: " + err)
    return {"bytes": raw, "address": info["address"], "id": json.loads(raw)["id"], "oldpw": oldpw}


def create_args(d, name):
    return ["keys", "create", "--key-type", "ecdsa", "--keystore-dir", d, "--password-file", PW, "--json", name]


def passwd_args(d, key, old):
    return ["keys", "passwd", "--key-path", os.path.join(d, key), "--password-file", old["oldpw"],
            "--new-password-file", PW2]


def fresh_dir(tag):
    d = os.path.join(T, tag)
    os.makedirs(d, 0o700)
    return d


def put_template(d, old):
    path = os.path.join(d, "t.ecdsa.key.json")
    with open(path, "wb") as f:
        f.write(old["bytes"])
    os.chmod(path, 0o600)


def timed(args):
    t0 = time.monotonic()
    rc, out, err = run(args)
    if rc != 0:
        raise SystemExit(f"{' '.join(args[:2])} failed without a fault: {err}")
    return time.monotonic() - t0


def measure(old):
    """Durations of one create and one passwd with JOBS runs at once (the
    load the random kills run under)."""
    def one(i):
        d = fresh_dir(f"measure{i}")
        put_template(d, old)
        tc = timed(create_args(d, "m"))
        tp = timed(passwd_args(d, "t.ecdsa.key.json", old))
        shutil.rmtree(d)
        return tc, tp
    with ThreadPoolExecutor(JOBS) as ex:
        res = list(ex.map(one, range(JOBS)))
    return max(r[0] for r in res), max(r[1] for r in res)


# Durations of runs that finished, per verb: the kill window follows the
# machine's load (the median of the last 8), not just the first measure.
finished = {"c": [], "p": []}


def window(kind, first):
    with lock:
        last = sorted(finished[kind][-8:])
    return last[len(last) // 2] if len(last) >= 3 else first


def killed_run(kind, args, frac, dur):
    """Runs args and kills it at frac x 1.1 x the current estimate of a
    run's duration. Returns (exit status, the delay used)."""
    delay = frac * 1.1 * window(kind, dur)
    t0 = time.monotonic()
    p = subprocess.Popen([AV] + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         stdin=subprocess.DEVNULL)
    time.sleep(delay)
    if p.poll() is None:
        p.kill()
    rc = p.wait()
    if rc == 0:
        with lock:
            finished[kind].append(time.monotonic() - t0)
    return rc, delay


def random_create(i, dur, frac):
    d = fresh_dir(f"rc{i}")
    rc, rng_delay = killed_run("c", create_args(d, "k"), frac, dur)
    tmp = bool(tmps_of(d, "k.ecdsa.key.json"))
    outcome = check_create(d, "k", verify=(i % VERIFY_EVERY == 0) or (rc == 0), where=f"create run {i} "
                           f"(kill at {rng_delay:.3f}s, exit {rc})")
    state = "finished" if rc == 0 else ("killed" if rc == -9 else f"exit {rc}")
    if rc not in (0, -9):
        bad(f"create run {i}: exit {rc} without a kill")
    if rc == 0 and (outcome != "complete" or tmp):
        bad(f"create run {i}: finished but outcome {outcome}, temp left {tmp}")
    count(f"create {state}: {outcome}{' + temp file' if tmp else ''}")
    shutil.rmtree(d)


def random_passwd(i, dur, frac, old):
    d = fresh_dir(f"rp{i}")
    put_template(d, old)
    key = "t.ecdsa.key.json"
    rc, rng_delay = killed_run("p", passwd_args(d, key, old), frac, dur)
    tmp = bool(tmps_of(d, key))
    outcome = check_passwd(d, key, old, where=f"passwd run {i} (kill at {rng_delay:.3f}s, exit {rc})")
    state = "finished" if rc == 0 else ("killed" if rc == -9 else f"exit {rc}")
    if rc not in (0, -9):
        bad(f"passwd run {i}: exit {rc} without a kill")
    if rc == 0 and (outcome != "new" or tmp):
        bad(f"passwd run {i}: finished but outcome {outcome}, temp left {tmp}")
    count(f"passwd {state}: {outcome}{' + temp file' if tmp else ''}")
    shutil.rmtree(d)


# ---- 2. deterministic fault points ------------------------------------
CREATE_KILLS = [
    # (fault, expected outcome, temp file left)
    ("kill:before:mkostemp", "none", False),
    ("kill:after:mkostemp", "none", True),
    ("kill:after:fchmod", "none", True),
    ("kill:after:write", "none", True),
    ("kill:after:fsync", "none", True),
    ("kill:after:close", "none", True),
    ("kill:before:link", "none", True),
    ("kill:after:link", "complete", True),   # second hard link, same inode
    ("kill:after:unlink", "complete", False),
    ("kill:before:dirfsync", "complete", False),
    ("kill:after:dirfsync", "complete", False),
]
PASSWD_KILLS = [
    ("kill:before:mkostemp", "old", False),
    ("kill:after:mkostemp", "old", True),
    ("kill:after:write", "old", True),
    ("kill:after:fsync", "old", True),
    ("kill:after:close", "old", True),
    ("kill:before:rename", "old", True),
    ("kill:after:rename", "new", False),
    ("kill:after:dirfsync", "new", False),
]
CREATE_ERRORS = [
    # (fault, expected outcome, stderr substring)
    ("ENOSPC:before:mkostemp", "none", "No space left on device"),
    ("ENOSPC:before:write", "none", "No space left on device"),
    ("EIO:before:fsync", "none", "Input/output error"),
    ("EIO:before:close", "none", "Input/output error"),
    ("EIO:before:link", "none", "Input/output error"),
    ("EIO:before:dirfsync", "complete", "Input/output error"),  # in place, not yet durable
]
PASSWD_ERRORS = [
    ("ENOSPC:before:mkostemp", "old", "No space left on device"),
    ("ENOSPC:before:write", "old", "No space left on device"),
    ("EIO:before:fsync", "old", "Input/output error"),
    ("EROFS:before:rename", "old", "Read-only file system"),
    ("EIO:before:dirfsync", "new", "Input/output error"),
]


def det_create_kill(i, fault, want, want_tmp):
    d = fresh_dir(f"dck{i}")
    p = subprocess.run([AV] + create_args(d, "k"), env=shim_env(fault), stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=120)
    if p.returncode != -9:
        bad(f"create {fault}: exit {p.returncode}, not killed: {p.stderr.decode().strip()}")
        return
    tmp = bool(tmps_of(d, "k.ecdsa.key.json"))
    got = check_create(d, "k", verify=True, where=f"create {fault}", env=shim_env())
    if got != want or tmp != want_tmp:
        bad(f"create {fault}: outcome {got} temp {tmp}, want {want} temp {want_tmp}")
    else:
        ok()
    count(f"fault points: create {fault.split(':', 1)[1]} -> {got}{' + temp file' if tmp else ''}")


def det_passwd_kill(i, fault, want, want_tmp, old):
    d = fresh_dir(f"dpk{i}")
    put_template(d, old)
    key = "t.ecdsa.key.json"
    p = subprocess.run([AV] + passwd_args(d, key, old), env=shim_env(fault), stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=120)
    if p.returncode != -9:
        bad(f"passwd {fault}: exit {p.returncode}, not killed: {p.stderr.decode().strip()}")
        return
    tmp = bool(tmps_of(d, key))
    got = check_passwd(d, key, old, where=f"passwd {fault}", env=shim_env())
    if got != want or tmp != want_tmp:
        bad(f"passwd {fault}: outcome {got} temp {tmp}, want {want} temp {want_tmp}")
    else:
        ok()
    count(f"fault points: passwd {fault.split(':', 1)[1]} -> {got}{' + temp file' if tmp else ''}")


def one_line_error(where, rc, err, sub):
    lines = [ln for ln in err.splitlines() if ln.strip()]
    if rc != 1 or len(lines) != 1 or not lines[0].startswith("avskey: ") or sub not in lines[0]:
        bad(f"{where}: want exit 1 and one 'avskey: ...{sub}...' line, got exit {rc}: {err!r}")
    else:
        ok()


def det_create_error(i, fault, want, sub):
    d = fresh_dir(f"dce{i}")
    p = subprocess.run([AV] + create_args(d, "k"), env=shim_env(fault), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=120)
    one_line_error(f"create {fault}", p.returncode, p.stderr.decode(), sub)
    if tmps_of(d, "k.ecdsa.key.json"):
        bad(f"create {fault}: temporary file left: {tmps_of(d, 'k.ecdsa.key.json')}")
    got = check_create(d, "k", verify=(want == "complete"), where=f"create {fault}", env=shim_env())
    if got != want:
        bad(f"create {fault}: outcome {got}, want {want}")
    count(f"injected errors: create {fault} -> exit {p.returncode}, {got}")


def det_passwd_error(i, fault, want, sub, old):
    d = fresh_dir(f"dpe{i}")
    put_template(d, old)
    key = "t.ecdsa.key.json"
    p = subprocess.run([AV] + passwd_args(d, key, old), env=shim_env(fault), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=120)
    one_line_error(f"passwd {fault}", p.returncode, p.stderr.decode(), sub)
    if tmps_of(d, key):
        bad(f"passwd {fault}: temporary file left: {tmps_of(d, key)}")
    got = check_passwd(d, key, old, where=f"passwd {fault}", env=shim_env())
    if got != want:
        bad(f"passwd {fault}: outcome {got}, want {want}")
    count(f"injected errors: passwd {fault} -> exit {p.returncode}, {got}")


def call_order(old):
    """3. fsync(temp) before link/rename; fsync(folder) after."""
    for verb in ("create", "passwd"):
        d = fresh_dir(f"order-{verb}")
        log = os.path.join(d, "..", f"order-{verb}.log")
        if verb == "create":
            args, place = create_args(d, "k"), "link"
        else:
            put_template(d, old)
            args, place = passwd_args(d, "t.ecdsa.key.json", old), "rename"
        p = subprocess.run([AV] + args, env=shim_env(None, log), stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=120)
        calls = open(log).read().split()
        want_tail = ["fsync", "close", place] + (["unlink"] if verb == "create" else []) + ["dirfsync"]
        if p.returncode != 0 or calls[0] != "mkostemp" or calls[-len(want_tail):] != want_tail \
                or "write" not in calls or calls.index("fsync") < max(i for i, c in enumerate(calls) if c == "write"):
            bad(f"{verb}: write path call order {calls}, want mkostemp ... write ... {want_tail}")
        else:
            ok()
        print(f"  {verb} write path: {' '.join(calls)}")


def races(old, rounds=5):
    """Two writers at once (fast KDF, so that they reach the write path
    together): two creates of one name -> exactly one wins, the other says
    "already exists", the file decrypts with the winner's passphrase; two
    passwd of one file -> it ends as one complete new file."""
    env = shim_env()
    pw3 = os.path.join(T, "pw3")
    with open(pw3, "w") as f:
        f.write("Third-str0ng-passphrase-Zq7#\n")
    for r in range(rounds):
        d = fresh_dir(f"race{r}")
        a = create_args(d, "k")
        b = list(a)
        b[b.index(PW)] = pw3
        ps = [subprocess.Popen([AV] + x, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL) for x in (a, b)]
        res = [(p.wait(), p.stderr.read().decode()) for p in ps]
        rcs = sorted(x[0] for x in res)
        loser = [e for rc, e in res if rc != 0]
        path = os.path.join(d, "k.ecdsa.key.json")
        win_pw = PW if res[0][0] == 0 else pw3
        rc, info, err = show(path, win_pw, env)
        if rcs != [0, 1] or "already exists" not in "".join(loser) or rc != 0 or tmps_of(d, "k.ecdsa.key.json"):
            bad(f"create race {r}: exits {rcs}, loser says {loser}, winner's file decrypts: {rc == 0}")
        else:
            ok()
        count("races: create vs create -> one file, one 'already exists'")
        d = fresh_dir(f"prace{r}")
        put_template(d, old)
        key = "t.ecdsa.key.json"
        a = passwd_args(d, key, old)
        b = list(a)
        b[b.index(PW2)] = pw3
        ps = [subprocess.Popen([AV] + x, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL) for x in (a, b)]
        res = [(p.wait(), p.stderr.read().decode()) for p in ps]
        rcs = [x[0] for x in res]
        path = os.path.join(d, key)
        ok2 = show(path, PW2, env)[0] == 0 or show(path, pw3, env)[0] == 0
        # both succeed (the last rename wins), or, when one started after the
        # other had finished, the late one finds the new passphrase in place
        late = sorted(rcs) == [0, 1] and "wrong passphrase" in "".join(e for rc, e in res if rc == 1)
        if not (rcs == [0, 0] or late) or not ok2 or tmps_of(d, key):
            bad(f"passwd race {r}: exits {rcs} ({[e.strip() for _, e in res]}), "
                f"file decrypts with one of the new passphrases: {ok2}")
        else:
            ok()
        count("races: passwd vs passwd -> one complete new file" + (" (one started late)" if late else ""))


def leftovers(old):
    """4. Temporary files left by kills: ignored by keys list; writes still
    work next to them; a write removes those older than 15 minutes."""
    d = fresh_dir("leftovers")
    put_template(d, old)
    key = "t.ecdsa.key.json"
    # a partial temp (kill during write) and a hard-linked one (kill after link)
    subprocess.run([AV] + create_args(d, "a"), env=shim_env("kill:after:mkostemp"),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    subprocess.run([AV] + create_args(d, "b"), env=shim_env("kill:after:link"),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    subprocess.run([AV] + passwd_args(d, key, old), env=shim_env("kill:after:write"),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    stale = sorted(f for f in os.listdir(d) if ".tmp-" in f)
    if len(stale) != 3:
        bad(f"leftovers: expected 3 temporary files, got {stale}")
    rc, out, err = run(["keys", "list", "--keystore-dir", d, "--json"])
    names = sorted(k["name"] for k in json.loads(out)) if rc == 0 else None
    if rc != 0 or names != ["b", "t"] or err.strip():
        bad(f"leftovers: keys list exit {rc}, names {names}, stderr {err.strip()!r}")
    else:
        ok()
    # the same names can be written again despite the leftovers
    rc, out, err = run(create_args(d, "a"))
    if rc != 0:
        bad(f"leftovers: create a next to its stale temp file failed: {err.strip()}")
    else:
        ok()
    rc, out, err = run(passwd_args(d, key, old))
    if rc != 0 or check_passwd(d, key, old, "leftovers passwd", others_ok=True) != "new":
        bad(f"leftovers: passwd next to a stale temp file failed: {err.strip()}")
    # fresh temp files (younger than 15 minutes) are kept: one may be a
    # write in progress in another process
    now = sorted(f for f in os.listdir(d) if ".tmp-" in f)
    if now != stale:
        bad(f"leftovers: fresh temporary files were removed: {stale} -> {now}")
    else:
        ok()
    # age them: the next write removes them, and nothing else
    old_t = time.time() - 16 * 60
    for f in stale:
        os.utime(os.path.join(d, f), (old_t, old_t))
    foreign = os.path.join(d, "notes.txt.tmp-abcdef")
    with open(foreign, "w") as f:
        f.write("not ours\n")
    os.utime(foreign, (old_t, old_t))
    rc, out, err = run(create_args(d, "c"))
    now = sorted(f for f in os.listdir(d) if ".tmp-" in f)
    if rc != 0 or now != ["notes.txt.tmp-abcdef"]:
        bad(f"leftovers: stale key temp files not cleaned by the next write (exit {rc}): {now}")
    else:
        ok()
    rc, out, err = run(["keys", "list", "--keystore-dir", d, "--json"])
    names = sorted(k["name"] for k in json.loads(out)) if rc == 0 else None
    if names != ["a", "b", "c", "t"]:
        bad(f"leftovers: keys after cleanup {names}")
    else:
        ok()
    count(f"leftovers: temp files from kills {len(stale)}, after an aged cleanup 0")


def main():
    t0 = time.monotonic()
    print(f"crash_safety: seed {SEED}, {N_CREATE} create + {N_PASSWD} passwd random kills, {JOBS} at once")
    old = make_passwd_template()
    dc, dp = measure(old)
    print(f"  uninterrupted run ({JOBS} at once): create {dc:.2f}s, passwd {dp:.2f}s")
    rng = random.Random(SEED)
    jobs = []
    # interleave so both verbs share the load evenly
    # the kill time is a uniform fraction of [0, 1.1 x duration]; run 0
    # of each verb is killed at once (often before exec), run 1 right at
    # the expected end
    for i in range(max(N_CREATE, N_PASSWD)):
        frac = 0.0 if i == 0 else (1 / 1.1 if i == 1 else rng.uniform(0, 1))
        if i < N_CREATE:
            jobs.append(("c", i, frac))
        if i < N_PASSWD:
            jobs.append(("p", i, frac))
    def do(job):
        kind, i, delay = job
        if BUDGET and i >= 8 and time.monotonic() - t0 > BUDGET:
            count(f"{'create' if kind == 'c' else 'passwd'} not run (time budget {BUDGET:.0f}s)")
            return
        if kind == "c":
            random_create(i, dc, delay)
        else:
            random_passwd(i, dp, delay, old)
    with ThreadPoolExecutor(JOBS) as ex:
        list(ex.map(do, jobs))
    t1 = time.monotonic()
    if SHIM:
        det = [("ck", i, f) for i, f in enumerate(CREATE_KILLS)] + \
              [("pk", i, f) for i, f in enumerate(PASSWD_KILLS)] + \
              [("ce", i, f) for i, f in enumerate(CREATE_ERRORS)] + \
              [("pe", i, f) for i, f in enumerate(PASSWD_ERRORS)]

        def dodet(job):
            kind, i, f = job
            if kind == "ck":
                det_create_kill(i, *f)
            elif kind == "pk":
                det_passwd_kill(i, *f, old)
            elif kind == "ce":
                det_create_error(i, *f)
            else:
                det_passwd_error(i, *f, old)
        with ThreadPoolExecutor(JOBS) as ex:
            list(ex.map(dodet, det))
        call_order(old)
        races(old)
        leftovers(old)
    else:
        bad("no fault shim (SHIM unset): deterministic fault points not run")
    t2 = time.monotonic()
    print("outcomes:")
    for k in sorted(counts):
        print(f"  {counts[k]:4d}  {k}")
    for kind, verb, first in (("c", "create", dc), ("p", "passwd", dp)):
        print(f"  {verb}: kill window at the end {1.1 * window(kind, first):.2f}s "
              f"(first measure {1.1 * first:.2f}s, {len(finished[kind])} runs finished)")
    print(f"time: random kills {t1 - t0:.1f}s, fault points {t2 - t1:.1f}s")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
