"""avskey serve as Web3Signer (eth1): routes, JSON-RPC, errors, reload,
health, shutdown. Exact values from Web3Signer's and eigenlayer-cli's
published test keys."""
import json
import os
import shutil
import subprocess
import time

from serve_lib import FIX, Checks, Daemon, copy_key, run, tmpdir

c = Checks()
T = tmpdir()
K = os.path.join(T, "keys")
P = os.path.join(T, "passwords")
os.mkdir(K, 0o700)
os.mkdir(P, 0o700)
copy_key(f"{FIX}/web3signer/keyfile.json", f"{K}/w3s.ecdsa.key.json")
copy_key(f"{FIX}/eigen/eigenlayer-cli/web3signer/operator_keys/opr.ecdsa.key.json", f"{K}/opr.ecdsa.key.json")
open(f"{P}/w3s.ecdsa.key.txt", "w").write("password\n")
shutil.copyfile(f"{FIX}/eigen/eigenlayer-cli/web3signer/passwords/opr.ecdsa.key.txt", f"{P}/opr.ecdsa.key.txt")

W3S_ADDR = "0x7577919ae5df4941180eac211965f275cdce314d"
OPR_ADDR = "0x7dbc809c1ec153d45ffb0c75fb4fded68e34699e"
OPR_PUB = ("0xd2bee57473f29235759c12086d0dda915a08fbf179adecdf0315715de310be85"
           "28e8f9d831ba151690e7b14888fb7b0abba483686810e77d5dbda45ba0468a1c")
W3S_ETH_SIGN = ("0x22cf811d54835be906e45d728dfc8a7a32bb65ce146a4ccb6b689b8d8182a30f"
                "19fdb947229991b9dfd63b67fe4ebb59a3d3f8d9ed95b27e0c3d34e1800afbd81b")

d = Daemon("--keystore-dir", K, "--password-dir", P, "--chain-id", "17000")
try:
    st, ct, body = d.request("GET", "/upcheck")
    c.eq((st, ct, body), (200, "text/plain; charset=utf-8", "OK"), "upcheck")

    st, ct, body = d.request("GET", "/healthcheck")
    c.eq(st, 200, "healthcheck status")
    c.eq(json.loads(body), {"status": "UP", "checks": [{"id": "default-check", "status": "UP"}, {
        "id": "keys-check", "status": "UP", "checks": [{"id": "v3-keystores-bulk-loading", "status": "UP",
                                                         "data": {"keys-loaded": 2, "error-count": 0}}]}],
        "outcome": "UP"}, "healthcheck body")

    st, ct, body = d.request("GET", "/api/v1/eth1/publicKeys")
    keys = json.loads(body)
    c.eq((st, ct, len(keys)), (200, "application/json", 2), "publicKeys")
    c.true(OPR_PUB in keys, "publicKeys has the operator key")
    w3s_pub = [k for k in keys if k != OPR_PUB][0]

    # REST sign equals the CLI's signature (keccak256 of data), any identifier case
    st, ct, sig = d.request("POST", f"/api/v1/eth1/sign/{OPR_PUB.upper().replace('0X', '0x')}",
                            {"data": "0x68656c6c6f"})
    cli = run("sign", "ecdsa", "--key-path", f"{K}/opr.ecdsa.key.json", "--password-file",
              f"{P}/opr.ecdsa.key.txt", "--data", "0x68656c6c6f")
    c.eq((st, ct, sig), (200, "text/plain; charset=utf-8", cli.stdout.strip()), "REST sign = CLI sign")
    st, _, sig2 = d.request("POST", f"/api/v1/eth1/sign/{OPR_PUB[2:]}", {"data": "68656c6c6f"})
    c.eq((st, sig2), (200, sig), "REST sign without 0x")
    digest = "0x1c8aff950685c2ed4bc3174f3472287b56d9517b9c948127319a09a7a36deac8"  # keccak256("hello")
    st, _, sig3 = d.request("POST", f"/api/v1/eth1/sign/{OPR_PUB}", {"data": digest, "applyHash": False})
    c.eq((st, sig3), (200, sig), "REST sign applyHash false")
    # the compact body most clients send takes a short path; same answers as
    # the general JSON parser (json.dumps above puts spaces, so jansson)
    url = f"/api/v1/eth1/sign/{OPR_PUB}"
    for raw, want in [('{"data":"0x68656c6c6f"}', (200, sig)), ('{"data":"68656c6c6f"}', (200, sig)),
                      ('{"data":"0X68656C6C6F"}', (200, sig)),
                      ('{"data":"0x68656c6c6f","applyHash":true}', (200, sig)),
                      ('{"data":"%s","applyHash":false}' % digest, (200, sig)),
                      ('{"data":"%s","applyHash":false}' % digest.upper().replace("0X", "0x"), (200, sig)),
                      ('{"data":"0x68656c6c6f","applyHash":false}', (400, "Bad Request")),
                      ('{"data":"0x68656c6c6f","applyHash":fals}', (400, "Bad Request")),
                      ('{"data":"0x68656c6c6f"}x', (400, "Bad Request")),
                      ('{"data":"0x68656c6c6f"', (400, "Bad Request")),
                      ('{"data":""}', (400, "Bad Request")), ('{"data":"0x0x12"}', (400, "Bad Request")),
                      ('{"data":"0x68656c6c6f","applyHash":true,"extra":1}', (200, sig))]:
        st, _, b = d.request("POST", url, raw=raw, headers={"Content-Type": "application/json"})
        c.eq((st, b), want, f"compact body {raw}")
    long_data = "0x" + "ab" * 200   # longer than the short path takes: same answer through jansson
    st, _, a = d.request("POST", url, raw='{"data":"%s"}' % long_data)
    st2, _, b = d.request("POST", url, {"data": long_data})
    c.eq((st, a), (st2, b), "long compact body = spaced body")
    st, _, odd = d.request("POST", url, raw='{"data":"0x123"}')
    st2, _, odd2 = d.request("POST", url, {"data": "0x123"})
    c.eq((st, odd), (200, odd2), "odd-length hex, both paths")
    for bad in [{"data": "0xzz"}, {"data": ""}, {"nodata": 1}, [1], "x", {"data": 5},
                {"data": "0x11", "applyHash": False}, {"data": "0x11", "applyHash": "no"}]:
        st, _, _ = d.request("POST", f"/api/v1/eth1/sign/{OPR_PUB}", bad)
        c.eq(st, 400, f"REST sign 400 for {bad!r}")
    st, _, _ = d.request("POST", f"/api/v1/eth1/sign/{OPR_PUB}", raw="{not json")
    c.eq(st, 400, "REST sign 400 for broken JSON")
    st, _, body = d.request("POST", "/api/v1/eth1/sign/0x" + "11" * 64, {"data": "0x00"})
    c.eq(st, 404, "REST sign unknown key")

    # JSON-RPC
    st, r = d.rpc("eth_accounts")
    c.eq((st, r), (200, {"jsonrpc": "2.0", "id": 1, "result": sorted([W3S_ADDR, OPR_ADDR])}), "eth_accounts")
    st, r = d.rpc("eth_accounts", ["x"])
    c.eq((st, r["error"]), (400, {"code": -32602, "message": "Invalid params"}), "eth_accounts params")
    st, r = d.rpc("eth_sign", [W3S_ADDR, "some random data to be signed"], id="a")
    c.eq((st, r), (200, {"jsonrpc": "2.0", "id": "a", "result": W3S_ETH_SIGN}), "eth_sign Web3Signer vector")
    hexmsg = "0x" + b"some random data to be signed".hex()
    st, r = d.rpc("eth_sign", [W3S_ADDR.upper().replace("0X", "0x"), hexmsg])
    c.eq(r.get("result"), W3S_ETH_SIGN, "eth_sign hex message, upper-case address")
    st, r = d.rpc("personal_sign", ["some random data to be signed", W3S_ADDR])
    c.eq(r.get("result"), W3S_ETH_SIGN, "personal_sign")
    st, r = d.rpc("eth_sign", ["0x" + "22" * 20, "0x00"])
    c.eq((st, r["error"]), (200, {"code": -32000, "message": "No unlocked account matches the Sender"}),
         "eth_sign unknown account")
    st, r = d.rpc("eth_sign", [W3S_ADDR])
    c.eq((st, r["error"]["code"]), (400, -32602), "eth_sign one param")
    # EIP-712: Web3Signer's own "My Dapp" vector (domain chainId 1) is refused for chain 17000 ...
    my_dapp = json.load(open(os.path.join(os.environ.get("AVSKEY_TOP", "."), "tests/fuzz/corpus/eip712/web3signer_my_dapp.json")))
    st, r = d.rpc("eth_signTypedData", [W3S_ADDR, my_dapp])
    c.eq((st, r["error"]["code"], "chain id 1 not allowed" in r["error"]["message"]), (200, -32000, True),
         "typed data for another chain refused")
    # a legacy transaction for chain 17000: signed; value transfer refused
    tx = {"from": OPR_ADDR, "to": "0x" + "11" * 20, "gas": "0x5208", "gasPrice": "0x3b9aca00", "nonce": "0x1",
          "data": "0x12345678"}
    st, r = d.rpc("eth_signTransaction", [tx])
    c.true(st == 200 and r.get("result", "").startswith("0xf8"), "eth_signTransaction legacy")
    st, r = d.rpc("eth_signTransaction", [dict(tx, value="0x1")])
    c.eq((r["error"]["code"], "value transfer" in r["error"]["message"]), (-32000, True), "value transfer refused")
    st, r = d.rpc("eth_signTransaction", [dict(tx, chainId="0x1")])
    c.eq(r["error"]["message"], "Wrong chainId", "request chainId differs")
    st, r = d.rpc("eth_signTransaction", [{k: v for k, v in tx.items() if k != "nonce"}])
    c.eq((st, r["error"]["code"]), (400, -32602), "nonce required")
    st, r = d.rpc("eth_signTransaction", [dict(tx, **{"from": "0x" + "22" * 20})])
    c.eq(r["error"]["message"], "No unlocked account matches the Sender", "unknown sender")
    st, r = d.rpc("eth_chainId", [])
    c.eq(r, {"jsonrpc": "2.0", "id": 1, "result": "0x4268"}, "eth_chainId")
    st, r = d.rpc("health_status")
    c.eq(r["result"], "OK", "health_status")
    st, r = d.rpc("eth_sendTransaction", [{}], id=7)
    c.eq((st, r), (200, {"jsonrpc": "2.0", "id": 7, "error": {"code": -32601, "message": "Method not found"}}),
         "eth_sendTransaction is not passed through")
    st, _, body = d.request("POST", "/", raw="{bad json")
    c.eq((st, json.loads(body)), (400, {"jsonrpc": "2.0", "id": None,
                                        "error": {"code": -32700, "message": "Parse error"}}), "parse error")
    st, _, body = d.request("POST", "/", raw="[]")
    c.eq((st, json.loads(body)["error"]["code"]), (400, -32600), "empty batch")
    st, _, body = d.request("POST", "/", [{"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"},
                                          {"jsonrpc": "2.0", "id": 2, "method": "eth_accounts"}, 5])
    b = json.loads(body)
    c.eq((st, [x.get("id") for x in b], b[0]["result"], b[2]["error"]["code"]), (200, [1, 2, None], "0x4268", -32600),
         "batch")
    st, _, _ = d.request("POST", "/", raw="x" * (1024 * 1024 + 10))
    c.eq(st, 413, "body over 1 MiB")
    # request line + headers: up to 8 KiB, as Vert.x (Web3Signer); more is 431
    st, _, sig_h = d.request("POST", f"/api/v1/eth1/sign/{OPR_PUB}", {"data": "0x68656c6c6f"},
                             headers={"X-Pad": "a" * 7000})
    c.eq((st, sig_h), (200, sig), "7000-byte header accepted")
    st, _, _ = d.request("GET", "/upcheck", headers={"X-Pad": "a" * 9000})
    c.eq(st, 431, "9000-byte header: 431")
    st, _, _ = d.request("GET", "/nothing/here")
    c.eq(st, 404, "unknown path")

    # reload adds and removes keys without a restart
    copy_key(f"{FIX}/eigen/eigensdk-go/signer/dummy.key.json", f"{K}/dummy.ecdsa.key.json")
    open(f"{P}/dummy.ecdsa.key.txt", "w").write("test12345")
    st, _, body = d.request("POST", "/reload")
    c.eq((st, json.loads(body)["status"]), (202, "accepted"), "reload accepted")
    for _ in range(200):
        st, _, body = d.request("GET", "/reload")
        if json.loads(body)["status"] != "running":
            break
        time.sleep(0.05)
    c.eq(json.loads(body)["status"], "completed", "reload completed")
    st, r = d.rpc("eth_accounts")
    c.eq(r["result"], sorted([W3S_ADDR, OPR_ADDR, "0xd4ee935d77b590aa64aed7b02dd66f1383006684"]), "reload added")
    os.unlink(f"{K}/w3s.ecdsa.key.json")
    d.proc.send_signal(1)  # SIGHUP
    for _ in range(200):
        st, r = d.rpc("eth_accounts")
        if len(r["result"]) == 2:
            break
        time.sleep(0.05)
    c.eq(r["result"], sorted([OPR_ADDR, "0xd4ee935d77b590aa64aed7b02dd66f1383006684"]), "SIGHUP reload removed")
    # a corpus of malformed requests: never a crash, always an answer (ASan build too)
    import random
    rnd = random.Random(1234)
    seeds = [b'{"jsonrpc":"2.0","id":1,"method":"eth_signTransaction","params":[{"from":"%s","nonce":"0x%s"}]}',
             b'{"jsonrpc":"2.0","id":1,"method":"eth_signTypedData","params":["%s",{"types":{"EIP712Domain":[]}}]}',
             b'[{"jsonrpc":"2.0","id":[],"method":"eth_sign","params":["%s",{}]}]', b'{"data":"0x%s"}']
    bad_ok = True
    for i in range(300):
        seed = rnd.choice(seeds).replace(b"%s", rnd.choice([b"", b"zz", b"0x" + b"f" * 70, OPR_ADDR.encode()]))
        body = bytearray(seed)
        for _ in range(rnd.randint(0, 4)):
            body[rnd.randrange(len(body))] = rnd.randrange(256)
        path = rnd.choice(["/", f"/api/v1/eth1/sign/{OPR_PUB}"])
        st, _, _ = d.request("POST", path, raw=bytes(body), headers={"Content-Type": "application/json"})
        bad_ok &= st in (200, 400, 403, 404)
    c.true(bad_ok, "malformed request corpus answered")
    c.eq(d.request("GET", "/upcheck")[1:], ("text/plain; charset=utf-8", "OK"), "still up after the corpus")
    logs = d.lines()
    c.true(all("password" not in json.dumps(l).lower() or "password_dir" in json.dumps(l) for l in logs),
           "no passphrase in logs")
finally:
    c.eq(d.stop(), 0, "SIGTERM exits 0")

# the Web3Signer EIP-712 vector, signed for its own chain (1); also as a JSON string
copy_key(f"{FIX}/web3signer/keyfile.json", f"{K}/w3s.ecdsa.key.json")
d = Daemon("--keystore-dir", K, "--password-dir", P, "--chain-id", "1")
try:
    for form in (my_dapp, json.dumps(my_dapp)):
        st, r = d.rpc("eth_signTypedData_v4", [W3S_ADDR, form])
        c.eq(r.get("result"), "0x11cb46f70ad43da86e15ca7c6bb28356859a5f4ba430b44dbf1e65726d467be6"
                              "072be9d1e5b40bd5b7abe8888eb91a69f0e6d56a8a094718ed8080baf02d61c31c", "EIP-712 vector")
finally:
    d.stop()

# several worker threads, several keep-alive connections at once: every
# answer exact, and none held back by the end-of-turn cork (a socket left
# corked would release its answer only after Linux's 200 ms cork ceiling)
import http.client
import threading
d = Daemon("--keystore-dir", K, "--password-dir", P, "--chain-id", "1", "--threads", "3")
try:
    want = d.request("POST", f"/api/v1/eth1/sign/{OPR_PUB}", {"data": "0x68656c6c6f"})[2]
    results, lat = [], []

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", d.port, timeout=30)
        for _ in range(40):
            t0 = time.monotonic()
            conn.request("POST", f"/api/v1/eth1/sign/{OPR_PUB}", body='{"data":"0x68656c6c6f"}',
                         headers={"Content-Type": "application/json"})
            r = conn.getresponse()
            results.append((r.status, r.read().decode()))
            lat.append(time.monotonic() - t0)
        conn.close()
    threads = [threading.Thread(target=client) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    c.eq((len(results), set(results)), (240, {(200, want)}), "6 keep-alive connections x 40: all signed, exact")
    lat.sort()
    c.true(lat[len(lat) // 2] < 0.1, f"answers not held by the cork (median {lat[len(lat) // 2] * 1000:.1f} ms)")
    st, _, body = d.request("GET", "/upcheck")
    c.eq((st, body), (200, "OK"), "a new connection after the keep-alive ones")
finally:
    c.eq(d.stop(), 0, "--threads 3: SIGTERM exits 0")

# a key that fails to load: reported by name, health 503, others still served
open(f"{P}/opr.ecdsa.key.txt", "w").write("wrong")
d = Daemon("--keystore-dir", K, "--password-dir", P)
try:
    st, _, body = d.request("GET", "/healthcheck")
    h = json.loads(body)
    c.eq((st, h["status"], h["checks"][1]["checks"][0]["data"]["error-count"]), (503, "DOWN", 1), "health 503")
    c.true(any(l.get("event") == "key_failed" and "opr.ecdsa.key.json" in l.get("source", "") for l in d.lines()),
           "failed key named in the log")
    st, r = d.rpc("eth_accounts")
    c.eq(r["result"], sorted([W3S_ADDR, "0xd4ee935d77b590aa64aed7b02dd66f1383006684"]), "the other keys still served")
    st, r = d.rpc("eth_chainId")
    c.eq(r["error"]["code"], -32000, "eth_chainId without --chain-id")
finally:
    d.stop()

# systemd readiness: READY=1 then STOPPING=1 on $NOTIFY_SOCKET
import socket
sock_path = os.path.join(T, "notify.sock")
ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
ns.bind(sock_path)
ns.settimeout(20)
d = Daemon("--keystore-dir", K, "--password-dir", P, env=dict(os.environ, NOTIFY_SOCKET=sock_path))
try:
    c.eq(ns.recv(100), b"READY=1", "sd_notify READY=1")
finally:
    d.stop()
c.eq(ns.recv(100), b"STOPPING=1", "sd_notify STOPPING=1")
ns.close()

# refuses to listen off loopback without TLS and --auth-file
r = run("serve", "--keystore-dir", K, "--password-dir", P, "--http-listen", "0.0.0.0:0")
c.eq(r.returncode, 1, "non-loopback refused")
c.true("--allow-insecure-remote" in r.stderr, "refusal says how to override")
r = run("serve", "--http-listen", "127.0.0.1:99999", "--keystore-dir", K, "--password-dir", P)
c.eq(r.returncode, 2, "bad port")
r = run("serve", "--help")
c.eq((r.returncode, "usage: avskey serve" in r.stdout), (0, True), "serve --help")
shutil.rmtree(T)
c.finish()
