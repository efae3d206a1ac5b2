// avskey serve's gRPC front over the daemon's life: --grpc-listen options
// and refusals, a taken port, reload (SIGHUP) picking up a new key, SIGTERM
// with calls in flight, and the request parsers under hostile input (this
// file also runs against the ASan+UBSan binary). Protocol details are in
// tests/interop/grpc_cerberus.test.mjs.
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { avskey, harness, requireBinary, FIXTURES, writePrivate } from '../interop/lib.mjs';
import {
    grpc, status, makeKeystore, startDaemon, makeClients, call, callFails, toHex, randomPointXY,
    CERBERUS_G1, EIGENSDK_G1, CERBERUS_SOMEDATA_SIG, EIGENSDK_HELLO_SIG,
} from '../interop/grpc_lib.mjs';

requireBinary();
const t = harness('serve_grpc');
const ks = makeKeystore();
const base = ['--keystore-dir', ks.keys, '--password-dir', ks.pws];

await t.test('refusals: non-loopback without TLS and --auth-file, bad address', async () => {
    let r = avskey(['serve', ...base, '--http-listen', '127.0.0.1:0', '--grpc-listen', '0.0.0.0:0']);
    assert.equal(r.rc, 1, r.stderr);
    assert.match(r.stderr, /--allow-insecure-remote/);
    for (const bad of ['127.0.0.1:99999', 'nonsense', '127.0.0.1:']) {
        r = avskey(['serve', ...base, '--http-listen', '127.0.0.1:0', '--grpc-listen', bad]);
        assert.equal(r.rc, 2, `${bad}: ${r.stderr}`);
        assert.match(r.stderr, /--grpc-listen/);
    }
    r = avskey(['serve', '--help']);
    assert.match(r.stdout, /--grpc-listen/);
});

await t.test('--grpc-listen off: HTTP only', async () => {
    const d = await startDaemon([...base, '--grpc-listen', 'off']);
    try {
        assert.equal(d.grpc, undefined);
        assert.match(d.http, /^127\.0\.0\.1:\d+$/);
    } finally {
        assert.equal((await d.stop()).code, 0);
    }
});

const d = await startDaemon(base);
const c = makeClients(d.grpc);

await t.test('a second daemon on the same gRPC port fails to start, clearly', async () => {
    const d2 = await startDaemon([...base, '--grpc-listen', d.grpc], { expectFailure: true });
    const r = await d2.exited;
    assert.equal(r.code, 1, JSON.stringify(r));
    assert.ok(d2.logs.some((l) => l.event === 'start_failed' && /--grpc-listen/.test(l.msg)), JSON.stringify(d2.logs.slice(-3)));
});

await t.test('vectors over gRPC', async () => {
    let r = await call(c.signer, 'SignGeneric', { public_key_g1: CERBERUS_G1, data: Buffer.from('somedata') });
    assert.equal(toHex(r.signature), CERBERUS_SOMEDATA_SIG);
    r = await call(c.signer, 'SignGeneric', { public_key_g1: EIGENSDK_G1, data: Buffer.from('hello') });
    assert.equal(toHex(r.signature), EIGENSDK_HELLO_SIG);
});

await t.test('hostile requests: every method with random bytes never crashes, never INTERNAL', async () => {
    const methods = ['/signer.v1.Signer/SignGeneric', '/signer.v1.Signer/SignG1', '/keymanager.v1.KeyManager/ListKeys',
        '/keymanager.v1.KeyManager/GetKeyMetadata', '/keymanager.v1.KeyManager/ImportKey', '/keymanager.v1.KeyManager/GenerateKeyPair',
        '/admin.v1.Admin/LockKey', '/admin.v1.Admin/UnlockKey', '/admin.v1.Admin/ListAllKeys', '/admin.v1.Admin/GenerateNewApiKey'];
    const raw = new grpc.Client(d.grpc, grpc.credentials.createInsecure());
    const rawCall = (p, b) => new Promise((resolve) => raw.makeUnaryRequest(p, (x) => x, (x) => x, b, new grpc.Metadata(), {}, (e, res) => resolve(e || res)));
    const seen = new Set();
    for (let i = 0; i < 300; i++) {
        const m = methods[i % methods.length];
        const len = i % 7 === 0 ? 0 : 1 + Math.floor(Math.random() * 120);
        const b = Buffer.from(crypto.getRandomValues(new Uint8Array(len)));
        const r = await rawCall(m, b);
        if (r instanceof Error) {
            assert.notEqual(r.code, status.INTERNAL, `${m} ${b.toString('hex')}: ${r.details}`);
            assert.notEqual(r.code, status.UNAVAILABLE, `${m} ${b.toString('hex')}: ${r.details}`);
            seen.add(r.code);
        }
    }
    raw.close();
    assert.ok(seen.has(status.INVALID_ARGUMENT));
    const r = await call(c.signer, 'SignGeneric', { public_key_g1: CERBERUS_G1, data: Buffer.from('somedata') });
    assert.equal(toHex(r.signature), CERBERUS_SOMEDATA_SIG);
    await call(c.admin, 'UnlockKey', { public_key_g1: CERBERUS_G1 });
    await call(c.admin, 'UnlockKey', { public_key_g1: EIGENSDK_G1 });
});

await t.test('SIGHUP reload: a new key file is served over gRPC; a lock survives it', async () => {
    const b = path.join(FIXTURES, 'eigen/eigensdk-go/batch/bls_keys');
    await call(c.admin, 'LockKey', { public_key_g1: EIGENSDK_G1 });
    writePrivate(path.join(ks.keys, 'batch1.bls.key.json'), fs.readFileSync(path.join(b, 'keys/1.bls.key.json')));
    writePrivate(path.join(ks.pws, 'batch1.bls.key.txt'), fs.readFileSync(path.join(b, 'password.txt'), 'utf8').split('\n')[0] + '\n');
    const before = d.logs.filter((l) => l.event === 'reload').length;
    d.proc.kill('SIGHUP');
    for (let i = 0; i < 1000 && d.logs.filter((l) => l.event === 'reload').length === before; i++) await new Promise((r) => setTimeout(r, 20));
    const r = await call(c.keymanager, 'ListKeys', {});
    assert.equal(r.public_keys.length, 3);
    const added = r.public_keys.map((k) => k.public_key_g1).find((k) => k !== CERBERUS_G1 && k !== EIGENSDK_G1);
    const s = await call(c.signer, 'SignGeneric', { public_key_g1: added, data: Buffer.from('x') });
    assert.equal(s.signature.length, 64);
    await callFails(c.signer, 'SignGeneric', { public_key_g1: EIGENSDK_G1, data: Buffer.from('hello') }, status.PERMISSION_DENIED);
    await call(c.admin, 'UnlockKey', { public_key_g1: EIGENSDK_G1 });
});

await t.test('SIGTERM with calls in flight: answered or cleanly refused, exit 0', async () => {
    const clients = [];
    for (let i = 0; i < 8; i++) clients.push(makeClients(d.grpc, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }));
    let done = 0, refused = 0, bad = [];
    let stop = false;
    const loops = clients.map(async (cc) => {
        while (!stop) {
            try {
                const r = await call(cc.signer, 'SignG1', { public_key_g1: CERBERUS_G1, data: randomPointXY() }, { deadlineMs: 5000 });
                if (r.signature.length !== 64) bad.push('short signature');
                done++;
            } catch (e) {
                if (e.code === status.UNAVAILABLE || e.code === status.CANCELLED) { refused++; stop = true; }
                else { bad.push(`${e.code} ${e.details}`); stop = true; }
            }
        }
    });
    await new Promise((r) => setTimeout(r, 300));
    const exit = d.stop();
    await Promise.race([Promise.all(loops), new Promise((r) => setTimeout(r, 15000))]);
    stop = true;
    const r = await exit;
    for (const cc of clients) cc.close();
    c.close();
    assert.deepEqual(bad, []);
    assert.ok(done > 0, 'calls ran before the signal');
    assert.equal(r.code, 0, JSON.stringify(d.logs.slice(-5)));
    assert.ok(d.logs.some((l) => l.event === 'stopped'));
    assert.ok(d.logs.every((l) => !l.raw || l.raw.trim() === ''), JSON.stringify(d.logs.filter((l) => l.raw).slice(0, 5)));
});

t.finish();
