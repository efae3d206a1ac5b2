// avskey serve as a Cerberus drop-in: every gRPC method through @grpc/grpc-js
// with avskey's own proto files, byte-exact vectors from Cerberus and
// eigensdk-go, results checked against @noble/curves bn254 (an independent
// eigensdk BLS in grpc_lib.mjs), status codes for bad input, lock/unlock
// across a reload, malformed and oversize messages, unknown methods,
// concurrency, deadlines, TLS and mutual TLS.
import fs from 'node:fs';
import http2 from 'node:http2';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { avskeyJson, harness, requireBinary, writePasswordFile } from './lib.mjs';
import {
    grpc, status, makeKeystore, startDaemon, makeClients, call, callFails, toHex, signRef, mulRef, hashToG1,
    pad32, xy, randomPointXY, randomScalar, be32, G1, P, CERBERUS_G1, EIGENSDK_G1, EIGENSDK_G2, CERBERUS_SOMEDATA_SIG,
    EIGENSDK_HELLO_SIG,
} from './grpc_lib.mjs';

requireBinary();
const t = harness('grpc_cerberus');

// Secret scalars of the two fixture keys (shared/fixtures/eigen/README.md:
// Cerberus testdata keystore, eigensdk-go signer/bls/local test key).
const SK = {
    [CERBERUS_G1]: 0x040ad69253b921aca71dd714cccc3095576fbe1a21f86c9b10cb5b119b1c6899n,
    [EIGENSDK_G1]: 13718104057011380243349384062412322292853638010146548074368241565852610884213n,
};
const KEYS = [CERBERUS_G1, EIGENSDK_G1];

// Authentication: without --auth-file every local client may call. The
// auth-file cases (UNAUTHENTICATED without / with an unknown token,
// PERMISSION_DENIED for a key the client may not use or an admin method)
// go in AUTH_CASES below once `--auth-file` is merged: each entry starts its
// own daemon with `args` and runs `run(clients, opts)` where opts.token is
// sent as `authorization` metadata.
const AUTH = {};                    // {token} for every call of the main daemon
const AUTH_CASES = [];              // [{name, args: [...], run: async (c, d) => {...}}]
// Tokens made with `avskey auth add-client` (printed once, only the hash stored).
const authDir = fs.mkdtempSync('/tmp/avskey-grpc-auth-');
const authFile = path.join(authDir, 'auth.yaml');
const addClient = (name, keys, admin) => {
    const r = spawnSync(process.env.AVSKEY_BIN, ['auth', 'add-client', name, '--keys', keys, '--auth-file', authFile,
        ...(admin ? ['--admin'] : [])], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
};
const onlyCerberus = addClient('cerberus-node', CERBERUS_G1, false);
const anyKey = addClient('eigenda-node', '*', false);
const adminTok = addClient('ops', '*', true);
AUTH_CASES.push({
    name: 'tokens: UNAUTHENTICATED without or with a wrong token (ListKeys too), PERMISSION_DENIED for other keys and admin',
    args: ['--auth-file', authFile],
    run: async (ac) => {
        await callFails(ac.keymanager, 'ListKeys', {}, status.UNAUTHENTICATED);
        await callFails(ac.keymanager, 'GetKeyMetadata', { public_key_g1: CERBERUS_G1 }, status.UNAUTHENTICATED);
        await callFails(ac.signer, 'SignGeneric', { public_key_g1: CERBERUS_G1, data: Buffer.from('somedata') },
            status.UNAUTHENTICATED, { token: 'wrong' });
        const ok = await call(ac.signer, 'SignGeneric', { public_key_g1: CERBERUS_G1, data: Buffer.from('somedata') },
            { token: onlyCerberus });
        assert.equal(toHex(ok.signature), CERBERUS_SOMEDATA_SIG);
        const okBearer = await call(ac.signer, 'SignGeneric', { public_key_g1: CERBERUS_G1, data: Buffer.from('somedata') },
            { token: `Bearer ${onlyCerberus}` });
        assert.equal(toHex(okBearer.signature), CERBERUS_SOMEDATA_SIG);
        await callFails(ac.signer, 'SignGeneric', { public_key_g1: EIGENSDK_G1, data: Buffer.from('hello') },
            status.PERMISSION_DENIED, { token: onlyCerberus });
        const hello = await call(ac.signer, 'SignGeneric', { public_key_g1: EIGENSDK_G1, data: Buffer.from('hello') },
            { token: anyKey });
        assert.equal(toHex(hello.signature), EIGENSDK_HELLO_SIG);
        await callFails(ac.admin, 'LockKey', { public_key_g1: CERBERUS_G1 }, status.PERMISSION_DENIED, { token: anyKey });
        await call(ac.admin, 'LockKey', { public_key_g1: CERBERUS_G1 }, { token: adminTok });
        await callFails(ac.signer, 'SignGeneric', { public_key_g1: CERBERUS_G1, data: Buffer.from('x') },
            status.PERMISSION_DENIED, { token: onlyCerberus });
        await call(ac.admin, 'UnlockKey', { public_key_g1: CERBERUS_G1 }, { token: adminTok });
        const listed = await call(ac.keymanager, 'ListKeys', {}, { token: onlyCerberus });
        assert.deepEqual(listed.public_keys.map((k) => k.public_key_g1), [CERBERUS_G1]);
    },
});
const o = (extra = {}) => ({ ...AUTH, ...extra });

const ks = makeKeystore();
const d = await startDaemon(['--keystore-dir', ks.keys, '--password-dir', ks.pws]);
const c = makeClients(d.grpc);

// A raw client: any path, bytes in and out (malformed messages, unknown methods).
function rawCall(addr, methodPath, bytes, opts = {}) {
    const client = new grpc.Client(addr, grpc.credentials.createInsecure());
    const md = new grpc.Metadata();
    if (opts.token !== undefined) md.set('authorization', opts.token);
    return new Promise((resolve, reject) => {
        client.makeUnaryRequest(methodPath, (b) => b, (b) => b, bytes, md, {}, (err, res) => {
            client.close();
            return err ? reject(err) : resolve(res);
        });
    }).catch((e) => e);
}

await t.test('the listening line names the gRPC address', async () => {
    assert.match(d.grpc, /^127\.0\.0\.1:\d+$/);
    assert.notEqual(d.grpc, '127.0.0.1:0');
});

await t.test('SignGeneric: Cerberus vector ("somedata", Cerberus testdata key)', async () => {
    const r = await call(c.signer, 'SignGeneric', { public_key_g1: CERBERUS_G1, data: Buffer.from('somedata'), password: 'p@$$w0rd' }, o());
    assert.equal(toHex(r.signature), CERBERUS_SOMEDATA_SIG);
});

await t.test('SignGeneric: eigensdk-go vector ("hello", test.bls.json)', async () => {
    const r = await call(c.signer, 'SignGeneric', { public_key_g1: EIGENSDK_G1, data: Buffer.from('hello') }, o());
    assert.equal(toHex(r.signature), EIGENSDK_HELLO_SIG);
});

await t.test('the request password is ignored (wrong or empty password still signs)', async () => {
    const r = await call(c.signer, 'SignGeneric', { public_key_g1: CERBERUS_G1, data: Buffer.from('somedata'), password: 'wrong' }, o());
    assert.equal(toHex(r.signature), CERBERUS_SOMEDATA_SIG);
});

await t.test('key ids: upper case and 0x accepted', async () => {
    const r = await call(c.signer, 'SignGeneric', { public_key_g1: '0x' + EIGENSDK_G1.toUpperCase(), data: Buffer.from('hello') }, o());
    assert.equal(toHex(r.signature), EIGENSDK_HELLO_SIG);
});

await t.test('SignGeneric: random messages of 0..32 bytes equal @noble/curves (eigensdk hash-to-G1)', async () => {
    for (let i = 0; i <= 32; i++) {
        const key = KEYS[i % 2];
        const data = crypto.getRandomValues(new Uint8Array(i));
        const r = await call(c.signer, 'SignGeneric', { public_key_g1: key, data: Buffer.from(data) }, o());
        assert.equal(toHex(r.signature), toHex(signRef(SK[key], data)), `len ${i}`);
    }
});

await t.test('SignGeneric: empty data signs 32 zero bytes', async () => {
    const a = await call(c.signer, 'SignGeneric', { public_key_g1: CERBERUS_G1, data: Buffer.alloc(0) }, o());
    const b = await call(c.signer, 'SignGeneric', { public_key_g1: CERBERUS_G1, data: Buffer.alloc(32) }, o());
    assert.equal(toHex(a.signature), toHex(b.signature));
    assert.equal(toHex(a.signature), toHex(signRef(SK[CERBERUS_G1], Buffer.alloc(32))));
});

await t.test('SignGeneric: data over 32 bytes is INVALID_ARGUMENT (never truncated)', async () => {
    const e = await callFails(c.signer, 'SignGeneric', { public_key_g1: CERBERUS_G1, data: Buffer.alloc(33, 1) }, status.INVALID_ARGUMENT, o());
    assert.match(e.details, /32 bytes/);
});

await t.test('SignG1: random points equal sk*P from @noble/curves', async () => {
    for (let i = 0; i < 12; i++) {
        const key = KEYS[i % 2];
        const pt = randomPointXY();
        const r = await call(c.signer, 'SignG1', { public_key_g1: key, data: pt }, o());
        assert.equal(toHex(r.signature), toHex(mulRef(SK[key], pt)));
    }
});

await t.test('SignG1 of H(m) equals SignGeneric of m', async () => {
    const m = Buffer.from('hello');
    const r = await call(c.signer, 'SignG1', { public_key_g1: EIGENSDK_G1, data: xy(hashToG1(pad32(m))) }, o());
    assert.equal(toHex(r.signature), EIGENSDK_HELLO_SIG);
});

await t.test('SignG1: bad points are INVALID_ARGUMENT', async () => {
    const good = randomPointXY();
    const offCurve = Buffer.from(good);
    offCurve[63] ^= 1;
    const bigX = Buffer.concat([be32(P + 1n), be32(2n)]);          // (1, 2) with x + p: coordinate >= p
    const cases = {
        'off the curve': offCurve,
        'infinity (64 zero bytes)': Buffer.alloc(64),
        'coordinate >= p': bigX,
        '63 bytes': good.subarray(0, 63),
        '65 bytes': Buffer.concat([good, Buffer.from([0])]),
        'empty': Buffer.alloc(0),
        'all ones': Buffer.alloc(64, 0xff),
    };
    for (const [what, data] of Object.entries(cases)) {
        const e = await callFails(c.signer, 'SignG1', { public_key_g1: CERBERUS_G1, data }, status.INVALID_ARGUMENT, o()).catch((x) => { throw new Error(`${what}: ${x.message}`); });
        assert.ok(e.details.length > 0, what);
    }
});

await t.test('unknown key is NOT_FOUND, malformed key id is INVALID_ARGUMENT', async () => {
    for (const m of ['SignGeneric', 'SignG1']) {
        const data = m === 'SignG1' ? randomPointXY() : Buffer.from('x');
        await callFails(c.signer, m, { public_key_g1: '11'.repeat(32), data }, status.NOT_FOUND, o());
        for (const bad of ['', 'zz'.repeat(32), 'a3111a22', CERBERUS_G1 + '00', '0x', ' ' + CERBERUS_G1]) {
            await callFails(c.signer, m, { public_key_g1: bad, data }, status.INVALID_ARGUMENT, o());
        }
    }
    await callFails(c.keymanager, 'GetKeyMetadata', { public_key_g1: '22'.repeat(32) }, status.NOT_FOUND, o());
    await callFails(c.keymanager, 'GetKeyMetadata', { public_key_g1: 'nothex' }, status.INVALID_ARGUMENT, o());
});

await t.test('ListKeys: both keys with their compressed G1 and G2', async () => {
    const r = await call(c.keymanager, 'ListKeys', {}, o());
    const byG1 = Object.fromEntries(r.public_keys.map((k) => [k.public_key_g1, k.public_key_g2]));
    assert.deepEqual(Object.keys(byG1).sort(), [...KEYS].sort());
    assert.equal(byG1[EIGENSDK_G1], EIGENSDK_G2);
    assert.match(byG1[CERBERUS_G1], /^[0-9a-f]{128}$/);
});

await t.test('GetKeyMetadata: G1, G2 and the key file time', async () => {
    const r = await call(c.keymanager, 'GetKeyMetadata', { public_key_g1: '0X' + EIGENSDK_G1.toUpperCase() }, o());
    assert.equal(r.public_key_g1, EIGENSDK_G1);
    assert.equal(r.public_key_g2, EIGENSDK_G2);
    const mtime = Math.floor(fs.statSync(path.join(ks.keys, 'test.bls.key.json')).mtimeMs / 1000);
    assert.equal(Number(r.created_at), mtime);
    assert.equal(Number(r.updated_at), mtime);
});

async function reload() {
    const before = d.logs.filter((l) => l.event === 'reload').length;
    const res = await fetch(`http://${d.http}/reload`, { method: 'POST' });
    assert.ok(res.status < 300, `POST /reload: ${res.status}`);
    for (let i = 0; i < 500 && d.logs.filter((l) => l.event === 'reload').length === before; i++) {
        await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(d.logs.filter((l) => l.event === 'reload').length > before, 'reload finished');
}

await t.test('Admin LockKey stops signing until UnlockKey, across a reload; ListAllKeys shows it', async () => {
    await call(c.admin, 'LockKey', { public_key_g1: CERBERUS_G1 }, o());
    let e = await callFails(c.signer, 'SignGeneric', { public_key_g1: CERBERUS_G1, data: Buffer.from('somedata') }, status.PERMISSION_DENIED, o());
    assert.match(e.details, /locked/);
    await callFails(c.signer, 'SignG1', { public_key_g1: CERBERUS_G1, data: randomPointXY() }, status.PERMISSION_DENIED, o());
    // the other key still signs
    const r = await call(c.signer, 'SignGeneric', { public_key_g1: EIGENSDK_G1, data: Buffer.from('hello') }, o());
    assert.equal(toHex(r.signature), EIGENSDK_HELLO_SIG);
    let all = await call(c.admin, 'ListAllKeys', {}, o());
    const locked = Object.fromEntries(all.keys.map((k) => [k.public_key_g1, k.locked]));
    assert.deepEqual(locked, { [CERBERUS_G1]: true, [EIGENSDK_G1]: false });
    const k = all.keys.find((x) => x.public_key_g1 === EIGENSDK_G1);
    assert.equal(k.public_key_g2, EIGENSDK_G2);
    assert.match(k.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await reload();
    e = await callFails(c.signer, 'SignGeneric', { public_key_g1: CERBERUS_G1, data: Buffer.from('somedata') }, status.PERMISSION_DENIED, o());
    assert.match(e.details, /locked/);
    await call(c.admin, 'LockKey', { public_key_g1: CERBERUS_G1 }, o());   // idempotent
    await call(c.admin, 'UnlockKey', { public_key_g1: CERBERUS_G1.toUpperCase() }, o());
    const s = await call(c.signer, 'SignGeneric', { public_key_g1: CERBERUS_G1, data: Buffer.from('somedata') }, o());
    assert.equal(toHex(s.signature), CERBERUS_SOMEDATA_SIG);
    all = await call(c.admin, 'ListAllKeys', {}, o());
    assert.ok(all.keys.every((x) => x.locked === false));
    await callFails(c.admin, 'LockKey', { public_key_g1: '33'.repeat(32) }, status.NOT_FOUND, o());
    await callFails(c.admin, 'UnlockKey', { public_key_g1: 'xyz' }, status.INVALID_ARGUMENT, o());
});

await t.test('GenerateNewApiKey: not offered, points to `avskey auth add-client`', async () => {
    const e = await callFails(c.admin, 'GenerateNewApiKey', { public_key_g1: CERBERUS_G1 }, status.UNIMPLEMENTED, o());
    assert.match(e.details, /avskey auth add-client/);
});

await t.test('GenerateKeyPair / ImportKey refused without --allow-remote-key-management', async () => {
    let e = await callFails(c.keymanager, 'GenerateKeyPair', { password: 'x' }, status.PERMISSION_DENIED, o());
    assert.match(e.details, /allow-remote-key-management/);
    e = await callFails(c.keymanager, 'ImportKey', { private_key: '12345' }, status.PERMISSION_DENIED, o());
    assert.match(e.details, /allow-remote-key-management/);
    const r = await call(c.keymanager, 'ListKeys', {}, o());
    assert.equal(r.public_keys.length, 2);
});

await t.test('malformed protobuf bytes are INVALID_ARGUMENT', async () => {
    const bad = [
        Buffer.from([0x0a, 0x40, 0x61]),               // field 1 length 64, 1 byte present
        Buffer.from([0x12, 0xff, 0xff, 0xff, 0xff, 0x0f]), // field 2 length 4 GiB
        Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), // varint tag too long
        Buffer.from([0x0b]),                            // start group (deprecated wire type 3), unterminated
        Buffer.from([0x0f]),                            // wire type 7
        Buffer.from([0x81, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]), // field number 0 (protobuf-c alone would accept it)
    ];
    for (const b of bad) {
        const e = await rawCall(d.grpc, '/signer.v1.Signer/SignGeneric', b, o());
        assert.equal(e.code, status.INVALID_ARGUMENT, `${b.toString('hex')}: ${e.code} ${e.details}`);
    }
    // a wrong type for field 1 (varint instead of string) is malformed too
    const e = await rawCall(d.grpc, '/keymanager.v1.KeyManager/GetKeyMetadata', Buffer.from([0x08, 0x01]), o());
    assert.equal(e.code, status.INVALID_ARGUMENT);
});

await t.test('a message over 64 KiB is refused (RESOURCE_EXHAUSTED)', async () => {
    const e = await callFails(c.signer, 'SignGeneric', { public_key_g1: CERBERUS_G1, data: Buffer.alloc(70000) }, status.RESOURCE_EXHAUSTED, o());
    assert.ok(e.details.length > 0);
    // the server still works afterwards
    const r = await call(c.signer, 'SignGeneric', { public_key_g1: CERBERUS_G1, data: Buffer.from('somedata') }, o());
    assert.equal(toHex(r.signature), CERBERUS_SOMEDATA_SIG);
});

await t.test('unknown methods are UNIMPLEMENTED', async () => {
    for (const p of ['/signer.v1.Signer/SignAnything', '/foo.v1.Bar/Baz', '/signer.v1.Signer/SignGeneric/x']) {
        const e = await rawCall(d.grpc, p, Buffer.alloc(0), o());
        assert.equal(e.code, status.UNIMPLEMENTED, `${p}: ${e.code} ${e.details}`);
    }
});

await t.test('24 concurrent callers on their own connections, 10 signatures each, all correct', async () => {
    const callers = [];
    for (let i = 0; i < 24; i++) {
        callers.push((async () => {
            const cc = makeClients(d.grpc, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
            try {
                for (let j = 0; j < 10; j++) {
                    const key = KEYS[(i + j) % 2];
                    if (j % 3 === 2) {
                        const pt = randomPointXY();
                        const r = await call(cc.signer, 'SignG1', { public_key_g1: key, data: pt }, o());
                        assert.equal(toHex(r.signature), toHex(mulRef(SK[key], pt)));
                    } else {
                        const data = crypto.getRandomValues(new Uint8Array(32));
                        const r = await call(cc.signer, 'SignGeneric', { public_key_g1: key, data: Buffer.from(data) }, o());
                        assert.equal(toHex(r.signature), toHex(signRef(SK[key], data)));
                    }
                }
            } finally {
                cc.close();
            }
        })());
    }
    await Promise.all(callers);
});

// One raw HTTP/2 gRPC request (node:http2): returns {grpcStatus, message, data bytes}.
function h2call(addr, methodPath, msg, headers = {}, delayMs = 0) {
    return new Promise((resolve, reject) => {
        const s = http2.connect(`http://${addr}`);
        s.on('error', reject);
        const frame = Buffer.alloc(5 + msg.length);
        frame.writeUInt32BE(msg.length, 1);
        msg.copy(frame, 5);
        const req = s.request({ ':method': 'POST', ':path': methodPath, 'content-type': 'application/grpc', te: 'trailers', ...headers });
        const chunks = [];
        let st = null, message = null;
        const take = (h) => {
            if (h['grpc-status'] !== undefined) {
                st = Number(h['grpc-status']);
                message = h['grpc-message'] ?? '';
            }
        };
        req.on('response', take);
        req.on('trailers', take);
        req.on('data', (b) => chunks.push(b));
        req.on('end', () => {
            s.close();
            resolve({ grpcStatus: st, message, data: Buffer.concat(chunks) });
        });
        req.on('error', reject);
        if (delayMs) setTimeout(() => { if (!req.closed) req.end(frame); }, delayMs);
        else req.end(frame);
    });
}

function encodeSignGeneric(keyHex, data) {
    const k = Buffer.from(keyHex, 'ascii');
    return Buffer.concat([Buffer.from([0x0a, k.length]), k, Buffer.from([0x12, data.length]), data]);
}

await t.test('deadline: a call whose deadline passed gets DEADLINE_EXCEEDED and no signature', async () => {
    const msg = encodeSignGeneric(CERBERUS_G1, Buffer.from('somedata'));
    const ok = await h2call(d.grpc, '/signer.v1.Signer/SignGeneric', msg);   // the raw client works at all
    assert.equal(ok.grpcStatus, 0);
    assert.equal(ok.data.subarray(5 + 2).toString('hex'), CERBERUS_SOMEDATA_SIG);
    // A 5 ms deadline, and the message sent 100 ms after the headers: the
    // deadline has passed when the server could sign.
    for (const timeout of ['5m', '5000u']) {
        const r = await h2call(d.grpc, '/signer.v1.Signer/SignGeneric', msg, { 'grpc-timeout': timeout }, 100);
        assert.equal(r.grpcStatus, status.DEADLINE_EXCEEDED, `${timeout}: ${r.grpcStatus} ${r.message}`);
        assert.equal(r.data.length, 0, 'no message sent');
    }
    // and with grpc-js: a tiny deadline fails, a normal one succeeds
    const e = await call(c.signer, 'SignGeneric', { public_key_g1: CERBERUS_G1, data: Buffer.from('x') }, o({ deadlineMs: 0 })).catch((x) => x);
    assert.equal(e.code, status.DEADLINE_EXCEEDED);
    const r = await call(c.signer, 'SignGeneric', { public_key_g1: CERBERUS_G1, data: Buffer.from('somedata') }, o({ deadlineMs: 5000 }));
    assert.equal(toHex(r.signature), CERBERUS_SOMEDATA_SIG);
});

// ---- TLS and mutual TLS (certificates made here with openssl) -------------
const tlsDir = path.join(ks.tmp, 'tls');
fs.mkdirSync(tlsDir, { mode: 0o700 });
function openssl(...args) {
    const r = spawnSync('openssl', args, { cwd: tlsDir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error('openssl ' + args.join(' ') + ': ' + r.stderr);
}
function makeCa(name) {
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
        '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.pem`);
}
function makeCert(name, ca, server) {
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${name}`,
        '-keyout', `${name}.key`, '-out', `${name}.csr`);
    fs.writeFileSync(path.join(tlsDir, `${name}.ext`), server ? 'subjectAltName=IP:127.0.0.1\n' : 'extendedKeyUsage=clientAuth\n');
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial',
        '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
}
const pem = (n) => fs.readFileSync(path.join(tlsDir, n));
const tp = (n) => path.join(tlsDir, n);
makeCa('ca');
makeCa('rogue');
makeCert('server', 'ca', true);
makeCert('node-1', 'ca', false);
makeCert('intruder', 'rogue', false);

async function signOver(addr, creds) {
    const cc = makeClients(addr, creds, { 'grpc.use_local_subchannel_pool': 1 });
    try {
        const r = await call(cc.signer, 'SignGeneric', { public_key_g1: EIGENSDK_G1, data: Buffer.from('hello') }, o({ deadlineMs: 10000 }));
        return toHex(r.signature);
    } catch (e) {
        return e.code;
    } finally {
        cc.close();
    }
}

await t.test('TLS: a client that trusts the CA signs; plaintext and untrusting clients fail', async () => {
    const td = await startDaemon(['--keystore-dir', ks.keys, '--password-dir', ks.pws, '--tls-cert', tp('server.pem'), '--tls-key', tp('server.key')]);
    try {
        assert.equal(await signOver(td.grpc, grpc.credentials.createSsl(pem('ca.pem'))), EIGENSDK_HELLO_SIG);
        assert.equal(await signOver(td.grpc, grpc.credentials.createInsecure()), status.UNAVAILABLE);
        assert.equal(await signOver(td.grpc, grpc.credentials.createSsl(pem('rogue.pem'))), status.UNAVAILABLE);
    } finally {
        await td.stop();
    }
});

await t.test('mutual TLS: only a client certificate from --tls-client-ca gets through', async () => {
    const td = await startDaemon(['--keystore-dir', ks.keys, '--password-dir', ks.pws, '--tls-cert', tp('server.pem'),
        '--tls-key', tp('server.key'), '--tls-client-ca', tp('ca.pem')]);
    try {
        assert.equal(await signOver(td.grpc, grpc.credentials.createSsl(pem('ca.pem'), pem('node-1.key'), pem('node-1.pem'))), EIGENSDK_HELLO_SIG);
        assert.equal(await signOver(td.grpc, grpc.credentials.createSsl(pem('ca.pem'))), status.UNAVAILABLE);
        assert.equal(await signOver(td.grpc, grpc.credentials.createSsl(pem('ca.pem'), pem('intruder.key'), pem('intruder.pem'))), status.UNAVAILABLE);
        // handshake failures are logged by gRPC core through avskey's JSON log
        await new Promise((r) => setTimeout(r, 200));
        assert.ok(td.logs.some((l) => l.event === 'grpc_core' && l.kind === 'tls_handshake_failed' && l.level === 'warn'),
            'handshake failure in the JSON log');
        assert.ok(td.logs.every((l) => !l.raw || l.raw.trim() === ''), 'every log line is JSON: ' + JSON.stringify(td.logs.filter((l) => l.raw)));
    } finally {
        await td.stop();
    }
});

// ---- GenerateKeyPair / ImportKey with --allow-remote-key-management --------
// gnark-compressed G1 (flags 0b10 smallest y, 0b11 largest y) from noble.
function compressG1(p) {
    const a = p.toAffine();
    const x = be32(a.x);
    x[0] |= a.y > (P - 1n) / 2n ? 0xc0 : 0x80;
    return x.toString('hex');
}

await t.test('remote key management: refused with --password-dir or a weak passphrase (FAILED_PRECONDITION)', async () => {
    assert.equal(compressG1(G1.BASE.multiply(SK[EIGENSDK_G1])), EIGENSDK_G1);   // the helper itself
    const empty = path.join(ks.tmp, 'empty-keys');
    fs.mkdirSync(empty, { mode: 0o700 });
    let kd = await startDaemon(['--keystore-dir', empty, '--password-dir', ks.pws, '--allow-remote-key-management']);
    let kc = makeClients(kd.grpc);
    try {
        const e = await callFails(kc.keymanager, 'GenerateKeyPair', {}, status.FAILED_PRECONDITION, o());
        assert.match(e.details, /--password-dir/);
    } finally { kc.close(); await kd.stop(); }
    const weak = writePasswordFile(path.join(ks.tmp, 'weak.txt'), 'password');
    kd = await startDaemon(['--keystore-dir', empty, '--password-file', weak, '--allow-remote-key-management']);
    kc = makeClients(kd.grpc);
    try {
        const e = await callFails(kc.keymanager, 'ImportKey', { private_key: '12345' }, status.FAILED_PRECONDITION, o());
        assert.match(e.details, /too weak/);
    } finally { kc.close(); await kd.stop(); }
    assert.deepEqual(fs.readdirSync(empty), []);
});

await t.test('remote key management: GenerateKeyPair and ImportKey write eigensdk keystores, never return secrets', async () => {
    const dir = path.join(ks.tmp, 'km-keys');
    fs.mkdirSync(dir, { mode: 0o700 });
    const pwText = 'Vq7#kLp2$Zx9!mWc4&Rt8@Hn3';
    const pw = writePasswordFile(path.join(ks.tmp, 'km-pw.txt'), pwText);
    const kd = await startDaemon(['--keystore-dir', dir, '--password-file', pw, '--allow-remote-key-management']);
    const kc = makeClients(kd.grpc);
    try {
        const g = await call(kc.keymanager, 'GenerateKeyPair', { password: 'ignored' }, o());
        assert.match(g.public_key_g1, /^[0-9a-f]{64}$/);
        assert.match(g.public_key_g2, /^[0-9a-f]{128}$/);
        assert.deepEqual([g.private_key, g.mnemonic, g.api_key], ['', '', '']);
        const file = path.join(dir, `cerberus-${g.public_key_g1.slice(0, 16)}.bls.key.json`);
        assert.equal(fs.statSync(file).mode & 0o777, 0o600);
        const kf = JSON.parse(fs.readFileSync(file, 'utf8'));
        assert.match(kf.pubKey, /^E\(\[\d+,\d+\]\)$/);
        assert.equal(kf.crypto.kdf, 'scrypt');
        const shown = avskeyJson(['keys', 'show', '--key-path', file, '--password-file', pw, '--verify']);
        assert.equal(shown.pubkey_g1_compressed, '0x' + g.public_key_g1);
        assert.equal(shown.pubkey_g2_compressed, '0x' + g.public_key_g2);
        let r = await call(kc.signer, 'SignGeneric', { public_key_g1: g.public_key_g1, data: Buffer.from('new') }, o());
        assert.equal(r.signature.length, 64);

        const s = randomScalar();
        const imp = await call(kc.keymanager, 'ImportKey', { private_key: s.toString(10), password: 'ignored' }, o());
        assert.equal(imp.public_key_g1, compressG1(G1.BASE.multiply(s)));
        assert.equal(imp.api_key, '');
        r = await call(kc.signer, 'SignGeneric', { public_key_g1: imp.public_key_g1, data: Buffer.from('imported') }, o());
        assert.equal(toHex(r.signature), toHex(signRef(s, Buffer.from('imported'))));
        await callFails(kc.keymanager, 'ImportKey', { private_key: '0x' + s.toString(16) }, status.ALREADY_EXISTS, o());
        for (const bad of [{ private_key: 'not a number' }, { private_key: '0' }, { private_key: '' }, { mnemonic: 'abandon abandon' }]) {
            await callFails(kc.keymanager, 'ImportKey', bad, status.INVALID_ARGUMENT, o());
        }
        const l = await call(kc.keymanager, 'ListKeys', {}, o());
        assert.deepEqual(l.public_keys.map((k) => k.public_key_g1).sort(), [g.public_key_g1, imp.public_key_g1].sort());
        assert.equal(fs.readdirSync(dir).length, 2);
        // no secret in the daemon's log
        const logText = JSON.stringify(kd.logs);
        assert.ok(!logText.includes(s.toString(10)) && !logText.includes(s.toString(16)) && !logText.includes(pwText));
    } finally { kc.close(); await kd.stop(); }
});

for (const a of AUTH_CASES) {
    await t.test(`auth: ${a.name}`, async () => {
        const ad = await startDaemon(['--keystore-dir', ks.keys, '--password-dir', ks.pws, ...a.args]);
        const ac = makeClients(ad.grpc);
        try { await a.run(ac, ad); } finally { ac.close(); await ad.stop(); }
    });
}

await t.test('SIGTERM: clean stop, exit 0, every log line JSON', async () => {
    c.close();
    const r = await d.stop();
    assert.equal(r.code, 0);
    assert.ok(d.logs.some((l) => l.event === 'stopped'));
    assert.ok(d.logs.every((l) => !l.raw || l.raw.trim() === ''), JSON.stringify(d.logs.filter((l) => l.raw)));
});

t.finish();
