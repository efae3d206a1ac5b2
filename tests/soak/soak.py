#!/usr/bin/env python3
"""make soak: `avskey serve` under a bounded load on loopback.

1. ASan+UBSan build (build/asan/avskey): wrk against the REST sign route
   and JSON-RPC eth_sign at once for SOAK_SECONDS (default 60); RSS from
   /proc/PID/status every second; SIGTERM at the end, then LeakSanitizer's
   report (must be none) and the exit status (must be 0).
2. valgrind --leak-check=full --error-exitcode=1 on the normal build, lower
   load (SOAK_VALGRIND_SECONDS, default 30; 0 skips it).
Prints a summary table and "N passed, N failed". Only 127.0.0.1 is loaded.
ASan's RSS climbs at first (its quarantine of freed memory, 256 MB by
default) and then levels off; the second-half growth shows a real leak.

Env: SOAK_SECONDS, SOAK_CONNS (per wrk, default 8), SOAK_VALGRIND_SECONDS,
SOAK_VALGRIND_CONNS (default 2), AVSKEY_TOP, AVSKEY_FIXTURES.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

TOP = os.environ.get("AVSKEY_TOP") or os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
FIX = os.environ.get("AVSKEY_FIXTURES") or os.path.join(TOP, "../shared/fixtures")
SECS = int(os.environ.get("SOAK_SECONDS", "60"))
CONNS = int(os.environ.get("SOAK_CONNS", "8"))
VG_SECS = int(os.environ.get("SOAK_VALGRIND_SECONDS", "30"))
VG_CONNS = int(os.environ.get("SOAK_VALGRIND_CONNS", "2"))

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what, file=sys.stderr, flush=True)


LUA = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0; good = 0 end
function response(status, headers, body)
  if status == 200 and string.find(body, EXPECT, 1, true) then good = good + 1 else bad = bad + 1 end
end
function done(summary, latency, requests)
  local b, g = 0, 0
  for _, t in ipairs(threads) do b = b + t:get("bad"); g = g + t:get("good") end
  io.write(string.format("SOAK good=%d bad=%d requests=%d socket_errors=%d p99_ms=%.2f\n", g, b,
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.status + summary.errors.timeout, latency:percentile(99) / 1000))
end
"""


def lua_script(path, body, expect):
    with open(path, "w") as f:
        f.write('wrk.method = "POST"\n')
        f.write(f"wrk.body = {json.dumps(body)}\n")
        f.write('wrk.headers["Content-Type"] = "application/json"\n')
        f.write(f"EXPECT = {json.dumps(expect)}\n")
        f.write(LUA)


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def wait_port(log, proc, timeout):
    end = time.time() + timeout
    while time.time() < end:
        with open(log) as f:
            for line in f:
                if line.startswith("{") and '"listening"' in line:
                    return int(json.loads(line)["http"].rsplit(":", 1)[1])
        if proc.poll() is not None:
            raise SystemExit("daemon exited:\n" + open(log).read())
        time.sleep(0.1)
    raise SystemExit("daemon not ready:\n" + open(log).read())


def setup_keys(T):
    K, P = os.path.join(T, "keys"), os.path.join(T, "passwords")
    os.mkdir(K, 0o700)
    os.mkdir(P, 0o700)
    # cheap KDF (n=2, empty passphrase): unlocking is instant even under valgrind;
    # signing costs the same as with any other key
    shutil.copyfile(os.path.join(FIX, "eigen/go-ethereum/very-light-scrypt.json"),
                    os.path.join(K, "light.ecdsa.key.json"))
    os.chmod(os.path.join(K, "light.ecdsa.key.json"), 0o600)
    open(os.path.join(P, "light.ecdsa.key.txt"), "w").close()
    return K, P


def soak(name, cmd_prefix, binary, secs, conns, T, env):
    os.makedirs(os.path.join(T, name))
    K, P = setup_keys(os.path.join(T, name))
    log = os.path.join(T, name, "daemon.log")
    cmd = cmd_prefix + [binary, "serve", "--keystore-dir", K, "--password-dir", P, "--http-listen",
                        "127.0.0.1:0", "--grpc-listen", "127.0.0.1:0", "--chain-id", "17000", "--threads", "2"]
    with open(log, "w") as lf:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=lf, stderr=subprocess.STDOUT, env=env)
    port = wait_port(log, proc, 300)
    base = f"http://127.0.0.1:{port}"
    keys = json.loads(urllib.request.urlopen(base + "/api/v1/eth1/publicKeys", timeout=60).read())
    addr = json.loads(urllib.request.urlopen(urllib.request.Request(
        base + "/", data=json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_accounts"}).encode(),
        headers={"Content-Type": "application/json"}), timeout=60).read())["result"][0]
    rest_lua, rpc_lua = os.path.join(T, name, "rest.lua"), os.path.join(T, name, "rpc.lua")
    lua_script(rest_lua, json.dumps({"data": "0x68656c6c6f"}), "0x")
    lua_script(rpc_lua, json.dumps({"jsonrpc": "2.0", "id": 7, "method": "eth_sign",
                                    "params": [addr, "0x68656c6c6f"]}), '"result":"0x')
    samples = []
    stop = threading.Event()

    def sampler():
        while not stop.is_set():
            r = rss_kb(proc.pid)
            if r is not None:
                samples.append(r)
            stop.wait(1.0)
    th = threading.Thread(target=sampler)
    th.start()
    t0 = time.monotonic()
    threads = max(1, min(2, conns))
    wrks = [subprocess.Popen(["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{secs}s", "--timeout", "10s",
                              "-s", script, url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for script, url in ((rest_lua, f"{base}/api/v1/eth1/sign/{keys[0]}"), (rpc_lua, base + "/"))]
    outs = [w.communicate(timeout=secs + 120)[0] for w in wrks]
    elapsed = time.monotonic() - t0
    time.sleep(1.5)  # one more sample after the load
    stop.set()
    th.join()
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(timeout=300)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = proc.wait()
        check(False, f"{name}: did not stop within 300 s of SIGTERM")
    text = open(log, errors="replace").read()
    res = {"name": name, "seconds": elapsed, "rc": rc, "rss": samples,
           "rss_mid": samples[len(samples) // 2] if samples else 0}
    for label, out in zip(("rest", "rpc"), outs):
        m = re.search(r"SOAK good=(\d+) bad=(\d+) requests=(\d+) socket_errors=(\d+) p99_ms=([\d.]+)", out)
        if not m:
            check(False, f"{name} {label}: no wrk summary:\n{out}")
            res[label] = (0, 0, 0, 0, 0.0)
            continue
        res[label] = (int(m[1]), int(m[2]), int(m[3]), int(m[4]), float(m[5]))
    # the daemon's own warnings and errors, shown (not failures by themselves)
    for line in text.splitlines():
        if line.startswith("{") and ('"level":"warn"' in line or '"level":"error"' in line):
            print(f"{name}: daemon said: {line[:400]}")
    return res, text


def main():
    for tool in ("wrk", "valgrind") if VG_SECS > 0 else ("wrk",):
        if not shutil.which(tool):
            print(f"FAIL: {tool} is not installed (Debian: apt-get install {tool})", file=sys.stderr)
            print("0 passed, 1 failed")
            return 1
    for b in ("build/asan/avskey", "build/avskey"):
        if not os.access(os.path.join(TOP, b), os.X_OK):
            print(f"FAIL: {b} missing: run make all asan (make soak does)", file=sys.stderr)
            print("0 passed, 1 failed")
            return 1
    T = tempfile.mkdtemp(prefix="avskey-soak-")
    results = []
    try:
        asan = os.path.join(TOP, "build/asan/avskey")
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=23",
                   UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
        r, text = soak("asan", [], asan, SECS, CONNS, T, env)
        leak = "LeakSanitizer" in text
        asan_err = "ERROR: AddressSanitizer" in text or "runtime error:" in text
        r["leaks"] = "LeakSanitizer report" if leak else "none"
        r["mem_errors"] = "yes" if asan_err else "none"
        check(not leak, "asan: LeakSanitizer reported leaks:\n" + text[-4000:] if leak else "")
        check(not asan_err, "asan: ASan/UBSan errors:\n" + text[-4000:] if asan_err else "")
        check(r["rc"] == 0, f"asan: daemon exit status {r['rc']}")
        results.append(r)
        if VG_SECS > 0:
            vlog = os.path.join(T, "valgrind.txt")
            vg = ["valgrind", "--leak-check=full", "--error-exitcode=1", "--errors-for-leak-kinds=definite,indirect",
                  f"--log-file={vlog}"]
            # valgrind does not emulate seccomp(2) (ENOSYS): its run goes without the filter
            r, text = soak("valgrind", vg, os.path.join(TOP, "build/avskey"), VG_SECS, VG_CONNS, T,
                           dict(os.environ, AVSKEY_SECCOMP="off"))
            vtext = open(vlog, errors="replace").read()
            m = re.search(r"ERROR SUMMARY: (\d+) errors", vtext)
            lost = re.search(r"definitely lost: ([\d,]+) bytes", vtext)
            r["leaks"] = f"definitely lost {lost[1] if lost else '0'} B"
            r["mem_errors"] = f"{m[1] if m else '?'} errors"
            check(m is not None and m[1] == "0", "valgrind: errors:\n" + vtext[-4000:])
            check(r["rc"] == 0, f"valgrind: exit status {r['rc']}")
            results.append(r)
        for r in results:
            for label in ("rest", "rpc"):
                good, bad, req, sock, p99 = r[label]
                check(req > 0 and bad == 0 and sock == 0,
                      f"{r['name']} {label}: {req} requests, {bad} bad responses, {sock} socket errors")
        print()
        print(f"{'run':10} {'secs':>5} {'REST ok':>9} {'RPC ok':>9} {'req/s':>7} {'errors':>6} "
              f"{'RSS start':>10} {'RSS end':>9} {'RSS max':>9}  {'leaks':24} {'mem errors':10} exit")
        for r in results:
            (g1, b1, q1, s1, _), (g2, b2, q2, s2, _) = r["rest"], r["rpc"]
            rss = r["rss"] or [0]
            print(f"{r['name']:10} {r['seconds']:5.0f} {g1:9d} {g2:9d} {(q1 + q2) / r['seconds']:7.0f} "
                  f"{b1 + b2 + s1 + s2:6d} {rss[0] / 1024:8.1f}MB {rss[-1] / 1024:7.1f}MB {max(rss) / 1024:7.1f}MB  "
                  f"{r['leaks']:24} {r['mem_errors']:10} {r['rc']}")
            print(f"{'':10} p99 latency: REST {r['rest'][4]:.1f} ms, RPC {r['rpc'][4]:.1f} ms; "
                  f"RSS samples (1/s): {len(rss)}; RSS at half time {r['rss_mid'] / 1024:.1f}MB "
                  f"(second-half growth {(rss[-1] - r['rss_mid']) / 1024:+.1f}MB)")
    finally:
        shutil.rmtree(T, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
