"""avskey serve over TLS, with client certificates enforced at the
handshake (--tls-client-ca): certificates are made by this test."""
import http.client
import os
import shutil
import ssl
import subprocess

from serve_lib import make_ca, make_cert, FIX, Checks, Daemon, copy_key, tmpdir

c = Checks()
T = tmpdir()


make_ca(T, "ca")
make_ca(T, "rogue")
make_cert(T, "server", "ca", server=True)
make_cert(T, "node-1", "ca")
make_cert(T, "intruder", "rogue")
K = os.path.join(T, "keys")
os.mkdir(K, 0o700)
copy_key(f"{FIX}/web3signer/keyfile.json", f"{K}/w3s.ecdsa.key.json")
open(f"{T}/pw", "w").write("password\n")
p = lambda n: os.path.join(T, n)


def get(port, cert=None, verify_ca="ca"):
    ctx = ssl.create_default_context(cafile=p(f"{verify_ca}.pem"))
    if cert:
        ctx.load_cert_chain(p(f"{cert}.pem"), p(f"{cert}.key"))
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
    try:
        conn.request("GET", "/upcheck")
        r = conn.getresponse()
        return r.status, r.read().decode()
    except (ssl.SSLError, ConnectionError, OSError) as e:
        return "refused", type(e).__name__
    finally:
        conn.close()


d = Daemon("--keystore-dir", K, "--password-file", p("pw"), "--tls-cert", p("server.pem"), "--tls-key",
           p("server.key"))
try:
    c.eq(get(d.port), (200, "OK"), "TLS without client certificates")
    c.eq(get(d.port, verify_ca="rogue")[0], "refused", "client refuses a server from another CA")
    plain = http.client.HTTPConnection("127.0.0.1", d.port, timeout=5)
    try:
        plain.request("GET", "/upcheck")
        status = plain.getresponse().status
    except Exception:
        status = "refused"
    c.true(status != 200, "plain HTTP is not served on a TLS port")
finally:
    d.stop()

d = Daemon("--keystore-dir", K, "--password-file", p("pw"), "--tls-cert", p("server.pem"), "--tls-key",
           p("server.key"), "--tls-client-ca", p("ca.pem"))
try:
    c.eq(get(d.port, cert="node-1"), (200, "OK"), "mTLS with a certificate from the client CA")
    c.eq(get(d.port)[0], "refused", "mTLS without a client certificate")
    c.eq(get(d.port, cert="intruder")[0], "refused", "mTLS with a certificate from a rogue CA")
finally:
    d.stop()
shutil.rmtree(T)
c.finish()
