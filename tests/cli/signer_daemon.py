"""The signer API's remote backends against avskey's own daemon (started
here): web3signer+http(s) and cerberus+grpc(s), with TLS, client
certificates and tokens. Every result must equal the keystore backend's,
byte for byte (RFC 6979 / deterministic BLS)."""
import json
import os
import subprocess

from serve_lib import make_ca, make_cert, Checks, Daemon, run, tmpdir

c = Checks()
T = tmpdir()
p = lambda n: os.path.join(T, n)
ECDSA_SK = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
ADDR = "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23"
BLS_SK = "12345678901234567890"


make_ca(T, "ca")
make_ca(T, "rogue")
make_cert(T, "server", "ca", True)
make_cert(T, "node-1", "ca", False)
K = p("keys")
os.mkdir(K, 0o700)
open(p("pw"), "w").write("password\n")
open(p("ek"), "w").write(ECDSA_SK + "\n")
open(p("bk"), "w").write(BLS_SK + "\n")
for t, f in (("ecdsa", "ek"), ("bls", "bk")):
    r = run("keys", "import", "--key-type", t, "--insecure", "--keystore-dir", K, "--private-key-file", p(f),
            "--password-file", p("pw"), "op")
    c.eq(r.returncode, 0, f"import {t}: {r.stderr}")
E, B = f"{K}/op.ecdsa.key.json", f"{K}/op.bls.key.json"
r = run("keys", "show", "--key-path", B, "--json")
G1C = json.loads(r.stdout)["pubkey_g1_compressed"]
r = run("auth", "add-client", "node", "--keys", "*", "--auth-file", p("auth.yaml"))
open(p("token"), "w").write(r.stdout.strip() + "\n")
open(p("badtoken"), "w").write("0" * 64 + "\n")

HAVE_CERBERUS = True
DATA = "0xdeadbeef00"
DIGEST = "0x" + "11" * 32
MSG = "0x0102"
G1PT = "0x" + "00" * 31 + "01" + "00" * 31 + "02"


def sign(kind, signer, *args):
    r = run("sign", kind, "--signer", signer, *args)
    return r.returncode, r.stdout.strip(), r.stderr.strip()


want = {}
for kind, f, op, val in (("ecdsa", E, "--data", DATA), ("ecdsa", E, "--digest", DIGEST),
                         ("bls", B, "--message", MSG), ("bls", B, "--g1-point", G1PT)):
    rc, out, err = sign(kind, "keystore:" + f, "--password-file", p("pw"), op, val)
    c.eq(rc, 0, f"keystore {op}: {err}")
    want[op] = out

# ---- plain HTTP and gRPC, no auth -----------------------------------------
d = Daemon("--keystore-dir", K, "--password-file", p("pw"), "--chain-id", "17000")
try:
    w3 = f"web3signer+http://127.0.0.1:{d.port}"
    cb = f"cerberus+grpc://{d.grpc}"
    c.eq(sign("ecdsa", w3, "--data", DATA)[:2], (0, want["--data"]), "web3signer --data (the only key)")
    c.eq(sign("ecdsa", w3, "--key", ADDR, "--digest", DIGEST)[:2], (0, want["--digest"]), "web3signer --digest, --key address")
    r = run("keys", "show", "--key-path", E, "--json", "--verify", "--password-file", p("pw"))
    pub = json.loads(r.stdout)["public_key"]
    c.eq(sign("ecdsa", w3, "--key", pub[2:].upper(), "--data", DATA)[:2], (0, want["--data"]), "--key public key, no 0x")
    rc, out, err = sign("ecdsa", w3, "--key", "0x" + "12" * 20, "--data", DATA)
    c.eq(rc, 1, "unknown key: exit 1")
    c.true("not among" in err, f"unknown key message: {err}")
    rc, out, err = sign("bls", w3, "--message", MSG)
    c.eq(rc, 2, f"BLS through web3signer: usage error ({err})")
    r = run("signer", "test", w3, "--json")
    j = json.loads(r.stdout)
    c.eq((r.returncode, j["reachable"], j["verified"], j["key"]["address"].lower(), j["key"]["type"]),
         (0, True, True, ADDR, "ecdsa"), "signer test web3signer --json")
    c.true(isinstance(j["latency_ms"], int), "latency_ms is an integer")
    if d.grpc and HAVE_CERBERUS:
        c.eq(sign("bls", cb, "--message", MSG)[:2], (0, want["--message"]), "cerberus --message (the only key)")
        c.eq(sign("bls", cb, "--key", G1C, "--g1-point", G1PT)[:2], (0, want["--g1-point"]), "cerberus --g1-point, --key")
        c.eq(sign("bls", cb, "--key", G1C[2:], "--message", MSG)[:2], (0, want["--message"]), "cerberus --key without 0x")
        rc, out, err = sign("bls", cb, "--key", "0x" + "ab" * 32, "--message", MSG)
        c.eq((rc, out), (1, ""), f"cerberus unknown key: exit 1 ({err})")
        r = run("signer", "test", cb, "--key", G1C, "--json")
        j = json.loads(r.stdout or "{}")
        c.eq((r.returncode, j.get("reachable"), j.get("verified"), (j.get("key") or {}).get("pubkey_g1_compressed")),
             (0, True, True, G1C), f"signer test cerberus --json {r.stderr}")
        r2 = run("keys", "show", "--key-path", B, "--json", "--verify", "--password-file", p("pw"))
        show = json.loads(r2.stdout)
        for f in ("pubkey_g1", "pubkey_g2", "pubkey_g2_compressed", "operator_id"):
            c.eq((j.get("key") or {}).get(f), show[f], f"signer test cerberus key.{f}")
finally:
    d.stop()

# ---- TLS + client certificates + tokens -------------------------------------
d = Daemon("--keystore-dir", K, "--password-file", p("pw"), "--chain-id", "17000", "--auth-file", p("auth.yaml"),
           "--tls-cert", p("server.pem"), "--tls-key", p("server.key"), "--tls-client-ca", p("ca.pem"))
try:
    tls = ["--signer-ca", p("ca.pem"), "--signer-cert", p("node-1.pem"), "--signer-key", p("node-1.key")]
    tok = ["--signer-token-file", p("token")]
    w3 = f"web3signer+https://127.0.0.1:{d.port}"
    cb = f"cerberus+grpcs://{d.grpc}"
    c.eq(sign("ecdsa", w3, *tls, *tok, "--data", DATA)[:2], (0, want["--data"]), "web3signer+https --data")
    c.eq(sign("ecdsa", w3, *tls, *tok, "--digest", DIGEST)[:2], (0, want["--digest"]), "web3signer+https --digest")
    rc, out, err = sign("ecdsa", w3, *tls, "--signer-token-file", p("badtoken"), "--data", DATA)
    c.eq((rc, out), (1, ""), "web3signer: wrong token, exit 1, nothing printed")
    c.true("401" in err, f"wrong token message: {err}")
    rc, out, err = sign("ecdsa", w3, "--signer-ca", p("rogue.pem"), "--signer-cert", p("node-1.pem"), "--signer-key",
                        p("node-1.key"), *tok, "--data", DATA)
    c.eq((rc, out), (1, ""), f"web3signer: server from another CA refused ({err})")
    c.true("TLS" in err, f"TLS failure named: {err}")
    rc, out, err = sign("ecdsa", w3, "--signer-ca", p("ca.pem"), *tok, "--data", DATA)
    c.eq((rc, out), (1, ""), f"web3signer: no client certificate ({err})")
    rc, out, err = sign("ecdsa", f"web3signer+http://127.0.0.1:{d.port}", *tok, "--signer-timeout-ms", "1500", "--data", DATA)
    c.eq((rc, out), (1, ""), f"plain HTTP to a TLS port ({err})")
    if d.grpc and HAVE_CERBERUS:
        c.eq(sign("bls", cb, *tls, *tok, "--message", MSG)[:2], (0, want["--message"]), "cerberus+grpcs --message")
        c.eq(sign("bls", cb, *tls, *tok, "--g1-point", G1PT)[:2], (0, want["--g1-point"]), "cerberus+grpcs --g1-point")
        rc, out, err = sign("bls", cb, *tls, "--signer-token-file", p("badtoken"), "--message", MSG)
        c.eq((rc, out), (1, ""), f"cerberus: wrong token ({err})")
        c.true("UNAUTHENTICATED" in err or "token" in err, f"cerberus wrong token message: {err}")
        rc, out, err = sign("bls", cb, "--signer-ca", p("rogue.pem"), "--signer-cert", p("node-1.pem"), "--signer-key",
                            p("node-1.key"), *tok, "--message", MSG)
        c.eq((rc, out), (1, ""), f"cerberus: server from another CA refused ({err})")
        r = run("signer", "test", cb, *tls, *tok, "--json")
        j = json.loads(r.stdout or "{}")
        c.eq((r.returncode, j.get("verified")), (0, True), f"signer test cerberus+grpcs {r.stderr}")
    r = run("signer", "test", w3, *tls, *tok, "--json")
    j = json.loads(r.stdout)
    c.eq((r.returncode, j["reachable"], j["verified"]), (0, True, True), "signer test web3signer+https")
    port = d.port
finally:
    d.stop()

# ---- nothing listening --------------------------------------------------------
rc, out, err = sign("ecdsa", f"web3signer+http://127.0.0.1:{port}", "--signer-timeout-ms", "800", "--data", DATA)
c.eq((rc, out), (1, ""), f"web3signer: unreachable ({err})")
c.true("unreachable" in err or "no answer" in err, f"unreachable named: {err}")
r = run("signer", "test", f"web3signer+http://127.0.0.1:{port}", "--signer-timeout-ms", "800", "--json")
j = json.loads(r.stdout)
c.eq((r.returncode, j["reachable"], j["verified"], j["key"]), (1, False, False, None), "signer test: unreachable")
r = run("signer", "test", f"cerberus+grpc://127.0.0.1:{port}", "--signer-timeout-ms", "800", "--json")
j = json.loads(r.stdout or "{}")
HAVE_CERBERUS and c.eq((r.returncode, j.get("reachable"), j.get("verified")), (1, False, False), f"signer test cerberus: unreachable {r.stderr}")
c.finish()
