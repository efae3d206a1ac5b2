"""examples/avs_node against each backend: local keystores, and avskey serve
over HTTPS + gRPC/TLS with client certificates and tokens (certificates made
here with openssl). The outputs must be identical (deterministic signatures),
the transaction must decode as asked (checked here with Python's standard
library only: RLP parsed by hand)."""
import json
import os
import subprocess

from serve_lib import make_ca, make_cert, AVSKEY, Checks, Daemon, run, tmpdir

c = Checks()
T = tmpdir()
p = lambda n: os.path.join(T, n)
EXAMPLE = os.environ.get("AVSKEY_EXAMPLE") or os.path.join(os.path.dirname(os.path.abspath(AVSKEY)), "avs_node")
if not os.path.exists(EXAMPLE):
    EXAMPLE = os.path.join(os.path.dirname(__file__), "../../build/avs_node")


make_ca(T, "ca")
make_cert(T, "server", "ca", server=True)
make_cert(T, "node", "ca")
K = p("keys")
os.mkdir(K, 0o700)
open(p("pw"), "w").write("password\n")
open(p("ek"), "w").write("0x8da4ef21b864d2cc526dbdb2a120bd2874c36c9d0a1fb7f8c63d7f7a8b41de8f\n")
open(p("bk"), "w").write("777\n")
for t, f in (("ecdsa", "ek"), ("bls", "bk")):
    r = run("keys", "import", "--key-type", t, "--insecure", "--keystore-dir", K, "--private-key-file", p(f),
            "--password-file", p("pw"), "node")
    c.eq(r.returncode, 0, f"import {t}")
r = run("auth", "add-client", "avs-node", "--keys", "*", "--auth-file", p("auth.yaml"))
open(p("token"), "w").write(r.stdout.strip() + "\n")
COMMON = "chain_id = 17000\nregistry = 0x00000000000000000000000000000000000000aa\nnonce = 5\nsocket = 10.0.0.1:32005\ntask = task-42\n"


def node(conf):
    open(p("node.conf"), "w").write(conf + COMMON)
    r = subprocess.run([EXAMPLE, p("node.conf")], capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout, r.stderr


rc, local, err = node(f"bls_signer = keystore:{K}/node.bls.key.json\necdsa_signer = keystore:{K}/node.ecdsa.key.json\n"
                      f"password_file = {p('pw')}\n")
c.eq(rc, 0, f"avs_node with keystores: {err}")
print(local, end="")
fields = dict(l.split(None, 1) for l in local.splitlines())
c.true(len(fields.get("task_signature", "").strip()) == 130, "task signature: 64 bytes")


def rlp(b, i=0):
    """Decodes one RLP item at b[i:]. Returns (item, next index)."""
    x = b[i]
    if x < 0x80:
        return b[i:i + 1], i + 1
    if x < 0xb8:
        return b[i + 1:i + 1 + x - 0x80], i + 1 + x - 0x80
    if x < 0xc0:
        n = x - 0xb7
        L = int.from_bytes(b[i + 1:i + 1 + n], "big")
        return b[i + 1 + n:i + 1 + n + L], i + 1 + n + L
    if x < 0xf8:
        L, s = x - 0xc0, i + 1
    else:
        n = x - 0xf7
        L, s = int.from_bytes(b[i + 1:i + 1 + n], "big"), i + 1 + n
    items, j = [], s
    while j < s + L:
        it, j = rlp(b, j)
        items.append(it)
    return items, s + L


raw = bytes.fromhex(fields["update_socket_tx"].strip()[2:])
c.eq(raw[0], 2, "EIP-1559 transaction")
tx, _ = rlp(raw, 1)
c.eq(int.from_bytes(tx[0], "big"), 17000, "chain id")
c.eq(int.from_bytes(tx[1], "big"), 5, "nonce")
c.eq(tx[5].hex(), "00000000000000000000000000000000000000aa", "to: the registry")
data = tx[7]
socket = b"10.0.0.1:32005"
c.eq(len(data), 4 + 32 + 32 + 32, "calldata: selector, offset, length, one word")
c.eq(int.from_bytes(data[4:36], "big"), 32, "ABI offset 32")
c.eq(int.from_bytes(data[36:68], "big"), len(socket), "ABI string length")
c.eq(data[68:68 + len(socket)], socket, "ABI string bytes")

d = Daemon("--keystore-dir", K, "--password-file", p("pw"), "--chain-id", "17000", "--auth-file", p("auth.yaml"),
           "--tls-cert", p("server.pem"), "--tls-key", p("server.key"), "--tls-client-ca", p("ca.pem"))
try:
    tls = f"token_file = {p('token')}\ntls_ca = {p('ca.pem')}\ntls_cert = {p('node.pem')}\ntls_key = {p('node.key')}\n"
    rc, remote, err = node(f"bls_signer = cerberus+grpcs://{d.grpc}\necdsa_signer = web3signer+https://127.0.0.1:{d.port}\n"
                           + tls)
    c.eq(rc, 0, f"avs_node with avskey serve (HTTPS + gRPC/TLS): {err}")
    c.eq(remote, local, "remote output == keystore output, byte for byte")
    g1c = json.loads(run("keys", "show", "--key-path", f"{K}/node.bls.key.json", "--json").stdout)["pubkey_g1_compressed"]
    addr = json.loads(run("keys", "show", "--key-path", f"{K}/node.ecdsa.key.json", "--json").stdout)["address"]
    rc, remote2, err = node(f"bls_signer = cerberus+grpcs://{d.grpc}\nbls_key = {g1c}\n"
                            f"ecdsa_signer = web3signer+https://127.0.0.1:{d.port}\necdsa_key = {addr}\n" + tls)
    c.eq((rc, remote2), (0, local), f"with explicit key ids: {err}")
    rc, out, err = node(f"bls_signer = keystore:{K}/node.bls.key.json\npassword_file = {p('pw')}\n"
                        f"ecdsa_signer = web3signer+https://127.0.0.1:{d.port}\n" + tls)
    c.eq((rc, out), (0, local), f"mixed: BLS keystore, ECDSA web3signer: {err}")
finally:
    d.stop()
c.finish()
