"""avskey serve, safer than Web3Signer: per-client tokens, admin-only
reload, the ECDSA policy file, the hash-chained audit log, Prometheus
metrics, and Web3Signer key-config files."""
import hashlib
import json
import os
import shutil
import subprocess

from serve_lib import AVSKEY, FIX, Checks, Daemon, copy_key, run, tmpdir

c = Checks()
T = tmpdir()
K, P, CFG = (os.path.join(T, n) for n in ("keys", "passwords", "config"))
for d in (K, P, CFG):
    os.mkdir(d, 0o700)
copy_key(f"{FIX}/web3signer/keyfile.json", f"{K}/w3s.ecdsa.key.json")
copy_key(f"{FIX}/eigen/eigenlayer-cli/web3signer/operator_keys/opr.ecdsa.key.json", f"{K}/opr.ecdsa.key.json")
open(f"{P}/w3s.ecdsa.key.txt", "w").write("password\n")
shutil.copyfile(f"{FIX}/eigen/eigenlayer-cli/web3signer/passwords/opr.ecdsa.key.txt", f"{P}/opr.ecdsa.key.txt")
W3S = "0x7577919ae5df4941180eac211965f275cdce314d"
OPR = "0x7dbc809c1ec153d45ffb0c75fb4fded68e34699e"
DUMMY = "0xd4ee935d77b590aa64aed7b02dd66f1383006684"
SIGNER_V2 = "0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b"
CONTRACT = "0x" + "ab" * 20

# --- clients: a node limited to the operator key, and an admin -----------
AUTH = os.path.join(T, "auth.yaml")
r = run("auth", "add-client", "node", "--keys", OPR, "--auth-file", AUTH)
c.eq(r.returncode, 0, "auth add-client node")
NODE = r.stdout.strip()
r = run("auth", "add-client", "ops", "--keys", "*", "--admin", "--auth-file", AUTH)
ADMIN = r.stdout.strip()
c.true(len(NODE) >= 32 and NODE not in open(AUTH).read(), "token printed once, only its hash stored")
c.true(hashlib.sha256(NODE.encode()).hexdigest() in open(AUTH).read(), "sha256 of the token in the auth file")

POLICY = os.path.join(T, "policy.yaml")
open(POLICY, "w").write(f"""
allow_raw_signing: true
keys:
  "{OPR}":
    allow_raw_signing: false
    allow_to: ["{CONTRACT}"]
    allow_selectors: ["0xa9059cbb"]
""")
AUDIT = os.path.join(T, "audit.log")

# --- key-config: a file-keystore with a relative path, and a file-raw key --
copy_key(f"{FIX}/eigen/eigensdk-go/signer/dummy.key.json", f"{CFG}/dummy.json")
open(f"{CFG}/dummy.pw", "w").write("test12345")
open(f"{CFG}/keys.yaml", "w").write("""type: "file-keystore"
keyType: "SECP256K1"
keystoreFile: "dummy.json"
keystorePasswordFile: "dummy.pw"
---
type: "file-raw"
keyType: "SECP256K1"
privateKey: "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d"
""")
os.chmod(f"{CFG}/keys.yaml", 0o600)
open(f"{CFG}/.hidden.yaml", "w").write("type: nonsense\n")

bearer = lambda t: {"Authorization": f"Bearer {t}"}
d = Daemon("--keystore-dir", K, "--password-dir", P, "--key-config-path", CFG, "--chain-id", "17000",
           "--auth-file", AUTH, "--policy", POLICY, "--audit-log", AUDIT, "--metrics-listen", "127.0.0.1:0")
try:
    st, _, body = d.request("GET", "/healthcheck")
    h = json.loads(body)
    c.eq(st, 200, "healthcheck is public")
    c.eq([x["id"] for x in h["checks"][1]["checks"]], ["v3-keystores-bulk-loading", "config-files-loading"],
         "both loading checks")
    c.eq(h["checks"][1]["checks"][1]["data"], {"keys-loaded": 2, "error-count": 0}, "key-config keys loaded")
    c.eq(d.request("GET", "/upcheck")[0], 200, "upcheck is public")

    # authentication
    c.eq(d.request("GET", "/api/v1/eth1/publicKeys")[0], 401, "no token: 401")
    c.eq(d.request("GET", "/api/v1/eth1/publicKeys", headers=bearer("wrong"))[0], 401, "wrong token: 401")
    c.eq(d.request("POST", "/", {"jsonrpc": "2.0", "id": 1, "method": "eth_accounts"})[0], 401, "JSON-RPC needs a token")
    st, r = d.rpc("eth_accounts", headers=bearer(NODE))
    c.eq(r["result"], [OPR], "node sees only its key")
    st, r = d.rpc("eth_accounts", headers=bearer(ADMIN))
    c.eq(r["result"], sorted([W3S, OPR, DUMMY, SIGNER_V2]), "admin sees all keys, key-config ones included")
    st, r = d.rpc("eth_sign", [W3S, "hi"], headers=bearer(NODE))
    c.eq(r["error"]["message"], "No unlocked account matches the Sender", "node may not use another key")
    _, _, keys = d.request("GET", "/api/v1/eth1/publicKeys", headers=bearer(ADMIN))
    w3s_pub = [k for k in json.loads(keys)]
    st, _, _ = d.request("POST", f"/api/v1/eth1/sign/{w3s_pub[0]}", {"data": "0x00"}, headers=bearer(NODE))
    c.true(st in (403, 404), "REST sign with another client's key refused")
    c.eq(d.request("POST", "/reload", headers=bearer(NODE))[0], 403, "reload is admin only")
    c.eq(d.request("POST", "/reload", headers=bearer(ADMIN))[0], 202, "admin may reload")

    # policy: raw signing off for the operator key; only CONTRACT and transfer()
    st, r = d.rpc("eth_sign", [OPR, "hello"], headers=bearer(NODE))
    c.eq((r["error"]["code"], "raw signing" in r["error"]["message"]), (-32000, True), "raw signing refused")
    tx = {"from": OPR, "to": CONTRACT, "gas": "0x30000", "gasPrice": "0x1", "nonce": "0x0",
          "data": "0xa9059cbb" + "00" * 64}
    st, r = d.rpc("eth_signTransaction", [tx], headers=bearer(NODE))
    c.true(r.get("result", "").startswith("0x"), "allowed contract and selector")
    st, r = d.rpc("eth_signTransaction", [dict(tx, to="0x" + "cd" * 20)], headers=bearer(NODE))
    c.true("not in allow_to" in r.get("error", {}).get("message", ""), "other contract refused")
    st, r = d.rpc("eth_signTransaction", [dict(tx, data="0x095ea7b3")], headers=bearer(NODE))
    c.true("selector" in r.get("error", {}).get("message", ""), "other selector refused")
    st, r = d.rpc("eth_signTransaction", [dict(tx, value="0x10")], headers=bearer(NODE))
    c.true("value" in r.get("error", {}).get("message", ""), "value transfer refused")
    st, r = d.rpc("eth_sign", [W3S, "hello"], headers=bearer(ADMIN))
    c.true(r.get("result", "").startswith("0x"), "raw signing allowed for other keys")

    # metrics
    st, ct, text = d.request("GET", "/metrics")
    c.true(st in (401, 404), "metrics are not on the API port")
    import http.client
    mport = int([l for l in d.lines() if l.get("event") == "listening"][0]["metrics"].rsplit(":", 1)[1])
    mc = http.client.HTTPConnection("127.0.0.1", mport, timeout=10)
    mc.request("GET", "/metrics")
    mr = mc.getresponse()
    mt = mr.read().decode()
    c.eq(mr.status, 200, "metrics endpoint")
    for name in ("signing_secp256k1_signing_duration_seconds_count", "http_requests_total", "auth_failures_total",
                 "signing_refusals_total", "signing_signers_loaded_count"):
        c.true(name in mt, f"metric {name}")
    c.true(NODE not in mt and ADMIN not in mt, "no token in metrics")
finally:
    c.eq(d.stop(), 0, "clean stop")

# audit log: complete, chained, no secrets; tampering is detected
text = open(AUDIT).read()
events = [json.loads(l) for l in text.splitlines()]
c.eq(events[0]["event"], "start", "audit starts with start")
c.true(any(e["event"] == "sign" and e["decision"] == "allowed" and e["client"] == "node" for e in events), "signing audited")
c.true(any(e["event"] == "sign" and e["decision"] == "refused" for e in events), "refusals audited")
c.true(any(e["event"] == "auth_failure" for e in events), "auth failures audited")
c.true(any(e["event"] == "reload" for e in events), "reload audited")
c.true(all(s not in text for s in (NODE, ADMIN, "password", "test12345", "7a28b5ba57c5")), "no secret in the audit log")
c.eq(run("audit", "verify", AUDIT).returncode, 0, "audit verify")
lines = text.splitlines()
lines[2] = lines[2].replace('"allowed"', '"refused"') if '"allowed"' in lines[2] else lines[2].replace('"', "'", 1)
open(AUDIT, "w").write("\n".join(lines) + "\n")
r = run("audit", "verify", AUDIT)
c.eq((r.returncode, "line 3" in r.stderr + r.stdout), (1, True), "tampered line named")
shutil.rmtree(T)
c.finish()
