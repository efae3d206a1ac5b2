"""Helpers for daemon tests: start `avskey serve` on a free loopback port,
talk HTTP to it, count checks. Python 3 standard library only."""
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

AVSKEY = os.environ.get("AVSKEY_BIN") or os.path.join(os.path.dirname(__file__), "../../build/avskey")
FIX = os.environ.get("AVSKEY_FIXTURES") or os.path.join(os.path.dirname(__file__), "../../../shared/fixtures")


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def eq(self, got, want, what):
        if got == want:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {what}:\n  got  {got!r}\n  want {want!r}", file=sys.stderr)

    def true(self, cond, what):
        self.eq(bool(cond), True, what)

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)


def tmpdir():
    d = tempfile.mkdtemp(prefix="avskey-serve-")
    os.chmod(d, 0o700)
    return d


def make_ca(folder, name):
    """A throwaway P-256 CA: FOLDER/NAME.pem and NAME.key."""
    _openssl(folder, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days",
             "2", "-subj", f"/CN={name}", "-keyout", f"{name}.key", "-out", f"{name}.pem")


def make_cert(folder, name, ca, server=False):
    """A certificate NAME (CN=NAME) signed by CA: a server certificate for
    127.0.0.1/localhost, or a client certificate."""
    _openssl(folder, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj",
             f"/CN={name}", "-keyout", f"{name}.key", "-out", f"{name}.csr")
    with open(os.path.join(folder, f"{name}.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n" if server else "extendedKeyUsage=clientAuth\n")
    _openssl(folder, "x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
             "-CAcreateserial", "-days", "2", "-extfile", f"{name}.ext", "-out", f"{name}.pem")


def _openssl(folder, *args):
    subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=folder)


def copy_key(src, dst):
    shutil.copyfile(src, dst)
    os.chmod(dst, 0o600)


def run(*args, stdin=None, env=None):
    return subprocess.run([AVSKEY, *args], input=stdin, capture_output=True, text=True, env=env, timeout=120)


class Daemon:
    """avskey serve with the given arguments, on 127.0.0.1 with a free port."""

    def __init__(self, *args, listen="127.0.0.1:0", wait=True, env=None, grpc_listen="127.0.0.1:0"):
        self.log_path = tempfile.mktemp(prefix="avskey-serve-log-")
        self.log = open(self.log_path, "w+")
        # gRPC on a free port too (never the fixed default 50051: tests run in parallel)
        if grpc_listen and "--grpc-listen" not in args:
            args = (*args, "--grpc-listen", grpc_listen)
        self.proc = subprocess.Popen([AVSKEY, "serve", "--http-listen", listen, *args],
                                     stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
                                     env=env)
        self.port = None
        if wait:
            self.wait_ready()

    def lines(self):
        with open(self.log_path) as f:
            return [json.loads(l) for l in f if l.startswith("{")]

    def wait_ready(self, timeout=60):
        end = time.time() + timeout
        while time.time() < end:
            for l in self.lines():
                if l.get("event") == "listening":
                    self.port = int(l["http"].rsplit(":", 1)[1])
                    self.grpc = l.get("grpc")
                    return
            if self.proc.poll() is not None:
                raise RuntimeError("daemon exited: " + open(self.log_path).read())
            time.sleep(0.05)
        raise RuntimeError("daemon not ready: " + open(self.log_path).read())

    def request(self, method, path, body=None, headers=None, raw=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        c.request(method, path, body=data, headers=headers or {})
        r = c.getresponse()
        text = r.read().decode()
        c.close()
        return r.status, r.getheader("Content-Type"), text

    def rpc(self, method, params=None, id=1, headers=None):
        body = {"jsonrpc": "2.0", "id": id, "method": method}
        if params is not None:
            body["params"] = params
        status, _, text = self.request("POST", "/", body, headers)
        return status, json.loads(text)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        rc = self.proc.returncode
        os.unlink(self.log_path)
        return rc
