// Helpers for the gRPC (Cerberus API) tests: load avskey's own .proto files
// from $AVSKEY_TOP/proto with @grpc/proto-loader, start `avskey serve` on
// free loopback ports, make clients, call methods as promises, and an
// independent eigensdk BLS reference on @noble/curves' bn254.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { bn254 } from '@noble/curves/bn254.js';
import { BIN, FIXTURES, TOP, makeTmp, writePrivate } from './lib.mjs';

export { grpc };
export const status = grpc.status;

export const CERBERUS_FIXTURE = path.join(FIXTURES, 'eigen/cerberus/keystore/a3111a2232584734d526d62cbb7c9a0d4ce1984a92b7ecb85bde8878fea5d1b0.json');
export const CERBERUS_G1 = 'a3111a2232584734d526d62cbb7c9a0d4ce1984a92b7ecb85bde8878fea5d1b0';
export const EIGENSDK_FIXTURE = path.join(FIXTURES, 'eigen/eigensdk-go/signer-bls-local/test.bls.json');
export const EIGENSDK_G1 = 'dc8f9427033e5ff392f5cc97cc3d6a5472cff2778eee0961a497bd7dbb629a36';
export const EIGENSDK_G2 = 'e9b0f889a847f8dc2ed0514a6b7e11043679491052502e0a68ccc9a410f524e01e9d4863b49ca41d0a94928290b15aed25bfe097e266bdbb9106a09f689b4ea8';

// Vectors (Cerberus' signing test; eigensdk-go signer/bls/local test).
export const CERBERUS_SOMEDATA_SIG = '0fea882fc5c936c304b0d79f4c256dbb2d38a2df74b44aaa483dfa87f1a86ede0bbc32080db378a408b90af7e264b9768a4b2f16c6953ec2611a13bc448d27e4';
export const EIGENSDK_HELLO_SIG = '2a21c157c51d13aa5922f67751520287088aa5336ae6d2ba06d0423fe7166ed811b48b5a3ff129d4c645f5f4cb33177a3503e26dc2d508b4b943bb8dd45085e2';

// The three services, from the repository's proto/ folder.
export function loadServices() {
    const def = protoLoader.loadSync(['signer.proto', 'key_manager.proto', 'admin.proto'], {
        includeDirs: [path.join(TOP, 'proto')], keepCase: true, longs: String, enums: String, defaults: true,
    });
    const pkg = grpc.loadPackageDefinition(def);
    return { Signer: pkg.signer.v1.Signer, KeyManager: pkg.keymanager.v1.KeyManager, Admin: pkg.admin.v1.Admin };
}

// A keystore folder with Cerberus' key (cerberus.bls.key.json) and eigensdk's
// test key (test.bls.key.json, empty password), and the --password-dir files.
export function makeKeystore() {
    const tmp = makeTmp('avskey-grpc-');
    const keys = path.join(tmp, 'keys'), pws = path.join(tmp, 'passwords');
    fs.mkdirSync(keys, { mode: 0o700 });
    fs.mkdirSync(pws, { mode: 0o700 });
    writePrivate(path.join(keys, 'cerberus.bls.key.json'), fs.readFileSync(CERBERUS_FIXTURE));
    writePrivate(path.join(keys, 'test.bls.key.json'), fs.readFileSync(EIGENSDK_FIXTURE));
    writePrivate(path.join(pws, 'cerberus.bls.key.txt'), 'p@$$w0rd\n');
    writePrivate(path.join(pws, 'test.bls.key.txt'), '\n');
    return { tmp, keys, pws };
}

// Starts `avskey serve ARGS --http-listen 127.0.0.1:0 --grpc-listen 127.0.0.1:0`
// (unless ARGS give their own) and waits for its `listening` log line.
// Returns {proc, http, grpc (HOST:PORT), lines(), stop()}.
export async function startDaemon(args, opts = {}) {
    const full = ['serve', ...args];
    if (!args.includes('--http-listen')) full.push('--http-listen', '127.0.0.1:0');
    if (!args.includes('--grpc-listen')) full.push('--grpc-listen', '127.0.0.1:0');
    const proc = spawn(opts.bin || BIN, full, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(opts.env || {}) } });
    let text = '';
    const logs = [];
    const onData = (d) => {
        text += d.toString();
        let i;
        while ((i = text.indexOf('\n')) >= 0) {
            const line = text.slice(0, i);
            text = text.slice(i + 1);
            try { logs.push(JSON.parse(line)); } catch { logs.push({ raw: line }); }
        }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    const exited = new Promise((resolve) => proc.on('exit', (code, sig) => resolve({ code, sig })));
    const d = {
        proc, logs, exited,
        lines: () => logs,
        async stop(signal = 'SIGTERM') {
            if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
            return exited;
        },
    };
    const t0 = Date.now();
    while (Date.now() - t0 < (opts.timeout ?? 60000)) {
        const l = logs.find((x) => x.event === 'listening');
        if (l) {
            d.http = l.http;
            d.grpc = l.grpc;
            return d;
        }
        if (proc.exitCode !== null || proc.signalCode !== null) {
            if (opts.expectFailure) return d;
            throw new Error('daemon exited: ' + JSON.stringify(logs));
        }
        await new Promise((r) => setTimeout(r, 20));
    }
    proc.kill('SIGKILL');
    throw new Error('daemon not ready: ' + JSON.stringify(logs));
}

// The three clients for ADDR (HOST:PORT) with CREDS (default insecure).
export function makeClients(addr, creds = grpc.credentials.createInsecure(), options = {}) {
    const s = loadServices();
    return {
        signer: new s.Signer(addr, creds, options),
        keymanager: new s.KeyManager(addr, creds, options),
        admin: new s.Admin(addr, creds, options),
        close() { for (const c of [this.signer, this.keymanager, this.admin]) c.close(); },
    };
}

// Calls CLIENT.METHOD(REQ) as a promise. opts: token (sent as `authorization`
// metadata), metadata (extra pairs), deadlineMs.
export function call(client, method, req, opts = {}) {
    const md = new grpc.Metadata();
    if (opts.token !== undefined) md.set('authorization', opts.token);
    for (const [k, v] of Object.entries(opts.metadata || {})) md.set(k, v);
    const callOpts = {};
    if (opts.deadlineMs !== undefined) callOpts.deadline = new Date(Date.now() + opts.deadlineMs);
    return new Promise((resolve, reject) => {
        client[method](req, md, callOpts, (err, res) => (err ? reject(err) : resolve(res)));
    });
}

// Expects the call to fail with gRPC status CODE; returns the error.
export async function callFails(client, method, req, code, opts = {}) {
    try {
        const res = await call(client, method, req, opts);
        throw new Error(`${method} succeeded (${JSON.stringify(res)}), want status ${code}`);
    } catch (e) {
        if (e.code === undefined) throw e;
        if (e.code !== code) throw new Error(`${method}: status ${e.code} (${e.details}), want ${code}`);
        return e;
    }
}

// ---- independent eigensdk BLS on BN254 (@noble/curves) --------------------
const Fp = bn254.fields.Fp;
const G1 = bn254.G1.Point;
const P = Fp.ORDER;
const R = bn254.fields.Fr.ORDER;

export const toHex = (b) => Buffer.from(b).toString('hex');
const be32 = (n) => Buffer.from(n.toString(16).padStart(64, '0'), 'hex');
const fromBe = (b) => BigInt('0x' + (Buffer.from(b).toString('hex') || '0'));

// eigensdk MapToCurve: x = msg (big-endian) mod p; while x^3+3 is not a
// square, x = x+1; y = (x^3+3)^((p+1)/4) (p = 3 mod 4), y not normalised.
export function hashToG1(msg32) {
    let x = Fp.create(fromBe(msg32));
    for (;;) {
        const rhs = Fp.add(Fp.mul(Fp.sqr(x), x), 3n);
        const y = Fp.pow(rhs, (P + 1n) / 4n);
        if (Fp.eql(Fp.sqr(y), rhs)) return G1.fromAffine({ x, y });
        x = Fp.add(x, 1n);
    }
}

export function pad32(data) {
    const out = Buffer.alloc(32);
    Buffer.from(data).copy(out);
    return out;
}

// X||Y of a point (64 bytes).
export function xy(p) {
    const a = p.toAffine();
    return Buffer.concat([be32(a.x), be32(a.y)]);
}

export function pointFromXY(b) {
    return G1.fromAffine({ x: fromBe(b.subarray(0, 32)), y: fromBe(b.subarray(32, 64)) });
}

export function signRef(sk, data) { return xy(hashToG1(pad32(data)).multiply(sk)); }
export function mulRef(sk, pointXY) { return xy(pointFromXY(pointXY).multiply(sk)); }
export function randomScalar() {
    for (;;) {
        const s = fromBe(crypto.getRandomValues(new Uint8Array(32))) % R;
        if (s > 0n) return s;
    }
}
export function randomPointXY() { return xy(G1.BASE.multiply(randomScalar())); }
export { G1, P, R, Fp, be32, fromBe };
