"""--password-url against local HTTPS servers started here (Vault KV v2 JSON,
plain text, mutual TLS, a rogue CA, retries, limits, timeouts), and
--password-credential as systemd leaves LoadCredential=/LoadCredentialEncrypted=
files. Certificates are made by this test with openssl; every server listens
on 127.0.0.1 only and stops with the test."""
import http.server
import json
import os
import shutil
import ssl
import subprocess
import threading
import time

from serve_lib import make_ca, make_cert, AVSKEY, FIX, Checks, Daemon, copy_key, tmpdir

c = Checks()
T = tmpdir()
PW = "HhzcmbpkHCQpvBlXrvLB"  # the fixture key's passphrase
ADDR = "0x7dbc809c1ec153d45ffb0c75fb4fded68e34699e"
TOKEN = "hvs.CAESIavskey-test-token-7f3a"
NEWPW = "Qm7-vR2#pL9xW4zT8kNc"  # for keys create (> 70 bits)
p = lambda n: os.path.join(T, n)


make_ca(T, "ca")
make_ca(T, "rogue")
make_cert(T, "server", "ca", True)
make_cert(T, "rogue-server", "rogue", True)
make_cert(T, "client", "ca", False)
KEY = p("opr.ecdsa.key.json")
copy_key(f"{FIX}/eigen/eigenlayer-cli/web3signer/operator_keys/opr.ecdsa.key.json", KEY)


def vault_body(fields):
    """The shape of Vault's KV v2 "read secret version" answer."""
    return json.dumps({"request_id": "0b7a1c3e-0000-4000-8000-000000000000", "lease_id": "", "renewable": False,
                       "lease_duration": 0, "data": {"data": fields, "metadata": {
                           "created_time": "2026-01-01T00:00:00.000000Z", "custom_metadata": None,
                           "deletion_time": "", "destroyed": False, "version": 1}},
                       "wrap_info": None, "warnings": None, "auth": None}).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, body, ctype="text/plain", length=True):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        srv = self.server
        path = self.path.split("?", 1)[0]
        with srv.lock:
            srv.requests.append((path, dict(self.headers), self.path))
            n = sum(1 for q, _, _ in srv.requests if q == path)
        if path.startswith("/v1/secret/data/avs"):
            if self.headers.get("X-Vault-Token") != TOKEN:
                return self.send(403, b'{"errors":["permission denied"]}', "application/json")
            return self.send(200, vault_body({"password": PW, "alt": "other-" + PW, "num": 7}),
                             "application/json")
        if path == "/v1/secret/data/new":
            return self.send(200, vault_body({"password": NEWPW}), "application/json")
        if path == "/v1/secret/data/weak":
            return self.send(200, vault_body({"password": "password1"}), "application/json")
        if path == "/plain":
            return self.send(200, (PW + "\r\nsecond line\n").encode())
        if path == "/flaky":
            return self.send(500, b"try later") if n == 1 else self.send(200, PW.encode())
        if path == "/busy":
            return self.send(503, b"sealed")
        if path == "/forbidden":
            return self.send(403, b'{"errors":["permission denied"]}', "application/json")
        if path == "/big":
            return self.send(200, b"x" * 70000)
        if path == "/big-unsized":  # no Content-Length: the count must stop it
            self.close_connection = True
            return self.send(200, b"y" * 200000, length=False)
        if path == "/slow":
            time.sleep(3)
            return self.send(200, PW.encode())
        if path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/plain")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/notjson":
            return self.send(200, (PW + "\n").encode(), "application/json")
        return self.send(404, b"{}", "application/json")


class Quiet(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients that hang up (timeouts, oversize bodies) are expected


class Server:
    def __init__(self, cert, client_ca=None):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(p(f"{cert}.pem"), p(f"{cert}.key"))
        if client_ca:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(p(f"{client_ca}.pem"))
        self.httpd = Quiet(("127.0.0.1", 0), Handler)
        # the handshake happens in the handler thread (on the first read), so a
        # stalled or refused client never blocks the accepting thread
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True, do_handshake_on_connect=False)
        self.httpd.requests = []
        self.httpd.lock = threading.Lock()
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def count(self, path):
        with self.httpd.lock:
            return sum(1 for q, _, _ in self.httpd.requests if q == path)

    def last_headers(self):
        with self.httpd.lock:
            return self.httpd.requests[-1][1] if self.httpd.requests else {}

    def last_target(self):
        with self.httpd.lock:
            return self.httpd.requests[-1][2] if self.httpd.requests else ""

    def url(self, rest):
        return f"https://127.0.0.1:{self.port}{rest}"

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


ENV = dict(os.environ, VAULT_TOKEN=TOKEN)
for v in ("AVSKEY_PASSWORD_URL_TIMEOUT_MS", "VAULT_NAMESPACE", "https_proxy", "HTTPS_PROXY", "all_proxy",
          "ALL_PROXY"):
    ENV.pop(v, None)  # the servers are on this machine: no proxy in between
secrets = (PW, TOKEN, NEWPW)


def avskey(*args, env=None, timeout=60):
    t0 = time.monotonic()
    r = subprocess.run([AVSKEY, *args], capture_output=True, text=True, env=env or ENV, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    r.seconds = time.monotonic() - t0
    for s in secrets:  # whatever happens, no secret in any message
        c.true(s not in r.stderr, f"no secret in stderr of {args[:2]} {args[-1]}")
    return r


def show(url, *extra, env=None):
    return avskey("keys", "show", "--key-path", KEY, "--verify", "--json", "--password-url", url, *extra,
                  env=env)


def address(r):
    try:
        return json.loads(r.stdout)["address"].lower()
    except (ValueError, KeyError):
        return "no address: rc %d %s" % (r.returncode, r.stderr.strip())


def fails(r, rc, *parts, what):
    c.eq(r.returncode, rc, f"{what}: exit code")
    for s in parts:
        c.true(s in r.stderr, f"{what}: stderr has {s!r}: {r.stderr.strip()!r}")
    c.eq(r.stdout, "", f"{what}: nothing on stdout")


CA = ("--password-url-ca", p("ca.pem"))
MTLS = ("--password-url-cert", p("client.pem"), "--password-url-key", p("client.key"))

s = Server("server")
m = Server("server", client_ca="ca")
rogue = Server("rogue-server")
try:
    # Vault KV v2, default field; the fragment is not sent, the token is
    r = show(s.url("/v1/secret/data/avs#password"), *CA)
    c.eq(address(r), ADDR, "Vault KV v2 JSON, #password")
    c.eq(s.count("/v1/secret/data/avs"), 1, "fragment not sent to the server, one request")
    h = s.last_headers()
    c.eq(h.get("X-Vault-Token"), TOKEN, "X-Vault-Token from $VAULT_TOKEN")
    c.eq(h.get("X-Vault-Request"), "true", "X-Vault-Request header")
    r = show(s.url("/v1/secret/data/avs"), *CA)
    c.eq(address(r), ADDR, "Vault KV v2 JSON, no fragment: field password")
    # a custom field, and a missing one
    r = show(s.url("/v1/secret/data/avs#alt"), *CA)
    fails(r, 1, what="#alt: another field is read (here a wrong passphrase)")
    r = show(s.url("/v1/secret/data/avs#num"), *CA)
    fails(r, 2, "data.data.num is not a string", what="#num is not a string")
    r = show(s.url("/v1/secret/data/avs#pw"), *CA, env=dict(ENV, VAULT_NAMESPACE="admin/avs"))
    fails(r, 1, 'no field "pw" in data.data', f"https://127.0.0.1:{s.port}/v1/secret/data/avs", what="missing field")
    c.eq(s.last_headers().get("X-Vault-Namespace"), "admin/avs", "X-Vault-Namespace from $VAULT_NAMESPACE")
    # no token: Vault answers 403, not retried
    env = dict(ENV)
    del env["VAULT_TOKEN"]
    before = s.count("/v1/secret/data/avs")
    r = show(s.url("/v1/secret/data/avs"), *CA, env=env)
    fails(r, 1, "access denied by the password server (HTTP 403)", what="no VAULT_TOKEN")
    c.eq(s.count("/v1/secret/data/avs") - before, 1, "no VAULT_TOKEN: one request")
    c.true("X-Vault-Token" not in s.last_headers(), "no X-Vault-Token header without VAULT_TOKEN")
    # plain text: the first line, \r\n dropped
    c.eq(address(show(s.url("/plain"), *CA)), ADDR, "plain text body, first line")
    # a field name with escapes: URL-decoded (the field does not exist: named in the error)
    r = show(s.url("/v1/secret/data/avs#my%20field"), *CA)
    fails(r, 1, 'no field "my field"', what="URL-decoded #field")
    # JSON content type with a body that is not JSON: refused, not read as text
    r = show(s.url("/notjson"), *CA)
    fails(r, 2, "marked JSON but is not a JSON object", what="application/json that is not JSON")

    # mutual TLS
    r = show(m.url("/v1/secret/data/avs"), *CA, *MTLS)
    c.eq(address(r), ADDR, "mTLS with a client certificate")
    r = show(m.url("/v1/secret/data/avs"), *CA)
    c.eq(r.returncode, 1, "mTLS server, no client certificate: refused")
    c.true(f"https://127.0.0.1:{m.port}/v1/secret/data/avs" in r.stderr, "mTLS refusal names the URL")
    c.eq(m.count("/v1/secret/data/avs"), 1, "mTLS refusal: no request reached the handler")
    r = show(m.url("/v1/secret/data/avs"), *CA, "--password-url-cert", p("client.pem"))
    c.eq(r.returncode, 1, "client cert without its key")
    r = show(m.url("/v1/secret/data/avs"), *CA, "--password-url-key", p("client.key"))
    fails(r, 2, "--password-url-key needs --password-url-cert", what="key without cert")

    # a server certificate from another CA: refused; and no CA given: the
    # system store does not know ours either
    r = show(rogue.url("/v1/secret/data/avs"), *CA)
    fails(r, 1, f"https://127.0.0.1:{rogue.port}/v1/secret/data/avs", what="rogue CA refused")
    c.true("certificate" in r.stderr, f"rogue CA: reason given: {r.stderr.strip()!r}")
    c.eq(rogue.count("/v1/secret/data/avs"), 0, "rogue CA: nothing sent (no token leaked)")
    r = show(s.url("/v1/secret/data/avs"))
    c.eq(r.returncode, 1, "our CA is not in the system store: refused")
    c.eq(show(s.url("/plain"), "--password-url-ca", p("nope.pem")).returncode, 1, "missing CA file")

    # other schemes, and what a message may show of a URL
    r = show(f"http://127.0.0.1:{s.port}/plain", *CA)
    fails(r, 2, f"--password-url http://127.0.0.1:{s.port}/plain: only https:// URLs are accepted",
          what="http:// refused")
    r = show(f"http://vault-user:s3cr3t-basic@127.0.0.1:{s.port}/v1/x?token=qs-tok3n#password", *CA)
    fails(r, 2, f"http://127.0.0.1:{s.port}/v1/x:", what="sanitized URL")
    for bit in ("s3cr3t-basic", "vault-user", "qs-tok3n", "token="):
        c.true(bit not in r.stderr, f"sanitized URL drops {bit!r}")
    r = show(f"https://127.0.0.1:{s.port}/plain?token=qs-tok3n", *CA)
    c.eq(address(r), ADDR, "a query string is sent")
    c.eq(s.last_target(), "/plain?token=qs-tok3n", "the query reaches the server")
    c.true("qs-tok3n" not in r.stderr, "query never printed")
    fails(show("file:///etc/passwd"), 2, "only https:// URLs are accepted", what="file:// refused")
    fails(show("not a url"), 2, "--password-url: not a valid URL", what="garbage URL")

    # retries: 500 then 200 works with two requests; 503 three times; 403 once
    t0 = time.monotonic()
    c.eq(address(show(s.url("/flaky"), *CA)), ADDR, "500 then 200: retried")
    c.eq(s.count("/flaky"), 2, "500 then 200: two requests")
    r = show(s.url("/busy"), *CA)
    fails(r, 1, "password server error (HTTP 503) (after 3 attempts)", what="503 every time")
    c.eq(s.count("/busy"), 3, "503: three requests")
    r = show(s.url("/forbidden"), *CA)
    fails(r, 1, "access denied by the password server (HTTP 403)", what="403")
    c.true("attempts" not in r.stderr, "403: no retry said")
    c.eq(s.count("/forbidden"), 1, "403: one request")
    plain_before = s.count("/plain")
    r = show(s.url("/redirect"), *CA)
    fails(r, 1, "redirect (HTTP 302) not followed", what="redirect")
    c.eq((s.count("/redirect"), s.count("/plain") - plain_before), (1, 0), "redirect: not followed")
    r = show(s.url("/nothing-here"), *CA)
    fails(r, 1, "not found on the password server (HTTP 404)", what="404")
    # connection refused: three attempts, 200 + 400 ms apart
    dead = Server("server")
    dead_url = dead.url("/plain")
    dead.stop()
    r = show(dead_url, *CA)
    fails(r, 1, "(after 3 attempts)", dead_url, what="connection refused, retried")
    c.true(0.55 < r.seconds < 10, f"refused: backoff 200+400 ms ({r.seconds:.2f} s)")

    # limits: a body over 64 KiB, by Content-Length and by count
    r = show(s.url("/big"), *CA)
    fails(r, 1, "answer larger than 65536 bytes", what="oversize body (Content-Length)")
    r = show(s.url("/big-unsized"), *CA)
    fails(r, 1, "answer larger than 65536 bytes", what="oversize body (no Content-Length)")
    c.eq(s.count("/big") + s.count("/big-unsized"), 2, "oversize: not retried")

    # a server slower than the budget: bounded by AVSKEY_PASSWORD_URL_TIMEOUT_MS
    env = dict(ENV, AVSKEY_PASSWORD_URL_TIMEOUT_MS="800")
    r = show(s.url("/slow"), *CA, env=env)
    fails(r, 1, f"https://127.0.0.1:{s.port}/slow: ", "timed out", what="slow server")
    c.true(r.seconds < 2.5, f"slow server: gave up within the budget ({r.seconds:.2f} s)")
    c.true(s.count("/slow") <= 1, "slow server: no retry past the budget")
    r = show(s.url("/plain"), *CA, env=dict(ENV, AVSKEY_PASSWORD_URL_TIMEOUT_MS="soon"))
    fails(r, 2, "AVSKEY_PASSWORD_URL_TIMEOUT_MS", what="bad timeout variable")

    # keys create with a passphrase from the server (the strength rule applies)
    D = p("keystore")
    r = avskey("keys", "create", "--key-type", "ecdsa", "--keystore-dir", D, "--password-url",
               s.url("/v1/secret/data/weak"), *CA, "weakling")
    c.eq(r.returncode, 1, "keys create: weak passphrase from the server refused")
    c.true("bits" in r.stderr, f"keys create: strength message: {r.stderr.strip()!r}")
    c.true(not os.path.exists(os.path.join(D, "weakling.ecdsa.key.json")), "weak: no key file")
    r = avskey("keys", "create", "--key-type", "ecdsa", "--keystore-dir", D, "--json", "--password-url",
               s.url("/v1/secret/data/new#password"), *CA, "remote")
    c.eq(r.returncode, 0, f"keys create --password-url: {r.stderr.strip()}")
    new_key = os.path.join(D, "remote.ecdsa.key.json")
    r = avskey("keys", "show", "--key-path", new_key, "--verify", "--json", "--password-url",
               s.url("/v1/secret/data/new"), *CA)
    c.eq(r.returncode, 0, f"new key opens with the server's passphrase: {r.stderr.strip()}")
    open(p("newpw"), "w").write(NEWPW + "\n")
    r = avskey("keys", "show", "--key-path", new_key, "--verify", "--json", "--password-file", p("newpw"))
    c.eq(r.returncode, 0, "new key opens with the same passphrase from a file")

    # the daemon: one passphrase for the keystore, fetched before it listens
    K = p("serve-keys")
    os.mkdir(K, 0o700)
    copy_key(KEY, os.path.join(K, "opr.ecdsa.key.json"))
    d = Daemon("--keystore-dir", K, "--chain-id", "17000", "--password-url", m.url("/v1/secret/data/avs"),
               *CA, *MTLS, env=ENV)
    try:
        st, _, body = d.request("GET", "/api/v1/eth1/publicKeys")
        c.eq((st, len(json.loads(body))), (200, 1), "serve --password-url (mTLS): the key is unlocked")
        c.true(all(x not in open(d.log_path).read() for x in secrets), "serve log has no secret")
    finally:
        c.eq(d.stop(), 0, "serve stops cleanly")
finally:
    s.stop()
    m.stop()
    rogue.stop()

# --password-credential: systemd puts LoadCredential= and (decrypted)
# LoadCredentialEncrypted= files alike in $CREDENTIALS_DIRECTORY, read-only
# (0400 in a 0500 folder); systemd-creds stores the bytes as given, often
# without a final newline.
creds = p("creds")
os.mkdir(creds, 0o700)
with open(os.path.join(creds, "avs-pw"), "w") as f:
    f.write(PW)  # no newline
with open(os.path.join(creds, "avs-pw-nl"), "w") as f:
    f.write(PW + "\n")
for n in os.listdir(creds):
    os.chmod(os.path.join(creds, n), 0o400)
os.chmod(creds, 0o500)
cenv = dict(ENV, CREDENTIALS_DIRECTORY=creds)


def show_cred(name, env=cenv):
    return avskey("keys", "show", "--key-path", KEY, "--verify", "--json", "--password-credential", name, env=env)


c.eq(address(show_cred("avs-pw")), ADDR, "credential without a newline (systemd-creds)")
c.eq(address(show_cred("avs-pw-nl")), ADDR, "credential with a newline")
fails(show_cred("absent"), 1, "not found", what="missing credential")
fails(show_cred("../creds/avs-pw"), 2, "is not a credential name", what="credential name with '/'")
env = dict(ENV)
env.pop("CREDENTIALS_DIRECTORY", None)
fails(show_cred("avs-pw", env=env), 2, "$CREDENTIALS_DIRECTORY is not set", what="no credentials folder")
os.chmod(creds, 0o700)
shutil.rmtree(T)
c.finish()
