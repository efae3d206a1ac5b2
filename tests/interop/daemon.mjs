// Helpers for the daemon interop tests: a temporary keystore with keys whose
// private keys are known, and `avskey serve` on a free loopback port.
//
//   const ks = makeKeystore(2);          // 2 random keys (avskey keys import) + Web3Signer's keyfile.json
//   const d = await startDaemon(ks, ['--chain-id', '17000']);
//   ... d.url ...
//   const rc = await d.stop();           // SIGTERM; resolves with the exit status
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { Wallet } from 'ethers';
import { BIN, FIXTURES, avskeyJson, makeTmp, writePasswordFile, writePrivate } from './lib.mjs';

// Web3Signer's integration-test key (fixtures/web3signer/keyfile.json, password "password").
export const W3S_PRIVATE_KEY = '0x86e6fa33d44da09c2b3860767dc929e31eefc43891872bbe97365a357fb758f3';
export const W3S_ADDRESS = '0x7577919ae5df4941180eac211965f275cdce314d';

// A keystore folder and a --password-dir folder holding N random keys imported with
// `avskey keys import` (each with its own passphrase) plus the Web3Signer fixture key.
// Returns {dir, keyDir, pwDir, keys: [{name, privateKey, wallet, address, password}]};
// address is the lowercase 0x-hex address, keys[0] is the fixture key (password "password").
export function makeKeystore(n) {
    const dir = makeTmp('avskey-daemon-');
    const keyDir = path.join(dir, 'keys');
    const pwDir = path.join(dir, 'passwords');
    fs.mkdirSync(keyDir, { mode: 0o700 });
    fs.mkdirSync(pwDir, { mode: 0o700 });
    const keys = [];
    fs.copyFileSync(path.join(FIXTURES, 'web3signer', 'keyfile.json'), path.join(keyDir, 'w3s.ecdsa.key.json'));
    fs.chmodSync(path.join(keyDir, 'w3s.ecdsa.key.json'), 0o600);
    writePasswordFile(path.join(pwDir, 'w3s.ecdsa.key.txt'), 'password');
    keys.push({ ...keyInfo('w3s', W3S_PRIVATE_KEY), password: 'password' });
    for (let i = 0; i < n; i++) {
        const name = `op${i}`;
        const pk = Wallet.createRandom().privateKey;
        const pkFile = writePrivate(path.join(dir, `${name}.pk`), pk + '\n');
        const password = 'pw-' + crypto.randomBytes(18).toString('base64');
        const pwFile = writePasswordFile(path.join(pwDir, `${name}.ecdsa.key.txt`), password);
        const out = avskeyJson(['keys', 'import', '--key-type', 'ecdsa', '--keystore-dir', keyDir,
            '--private-key-file', pkFile, '--password-file', pwFile, name]);
        fs.unlinkSync(pkFile);
        const k = { ...keyInfo(name, pk), password };
        if (out.address.toLowerCase() !== k.address) {
            throw new Error(`keys import ${name}: address ${out.address}, ethers says ${k.wallet.address}`);
        }
        keys.push(k);
    }
    if (keys[0].address !== W3S_ADDRESS) throw new Error(`fixture key address ${keys[0].address}`);
    return { dir, keyDir, pwDir, keys };
}

function keyInfo(name, privateKey) {
    const wallet = new Wallet(privateKey);
    return { name, privateKey, wallet, address: wallet.address.toLowerCase() };
}

// Starts `avskey serve --keystore-dir K --password-dir P --http-listen 127.0.0.1:0
// [--grpc-listen 127.0.0.1:0] ARGS...`
// and waits for its "listening" log line. Returns {url, port, proc, log(), stop()}.
export async function startDaemon(ks, args = [], { timeoutMs = 60000 } = {}) {
    // gRPC on a free port too, unless asked: tests run in parallel.
    const grpc = args.includes('--grpc-listen') ? [] : ['--grpc-listen', '127.0.0.1:0'];
    const proc = spawn(BIN, ['serve', '--keystore-dir', ks.keyDir, '--password-dir', ks.pwDir,
        '--http-listen', '127.0.0.1:0', ...grpc, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const onData = (b) => { text += b.toString('utf8'); };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
    const lines = () => text.split('\n').filter((l) => l.startsWith('{')).map((l) => {
        try { return JSON.parse(l); } catch { return {}; }
    });
    const port = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => { clearInterval(iv); reject(new Error(`daemon not ready: ${text}`)); }, timeoutMs);
        const iv = setInterval(() => {
            const l = lines().find((x) => x.event === 'listening');
            if (l) {
                clearTimeout(timer); clearInterval(iv);
                resolve(Number(String(l.http).split(':').pop()));
            } else if (proc.exitCode !== null || proc.signalCode !== null) {
                clearTimeout(timer); clearInterval(iv);
                reject(new Error(`daemon exited (${proc.exitCode ?? proc.signalCode}): ${text}`));
            }
        }, 20);
    });
    // Never leave a daemon behind, even when the test script dies.
    const killOnExit = () => { try { proc.kill('SIGKILL'); } catch { /* gone */ } };
    process.on('exit', killOnExit);
    let stopped = null;
    return {
        url: `http://127.0.0.1:${port}`,
        port,
        proc,
        log: lines,
        text: () => text,
        // SIGTERM, then the exit status (SIGKILL after 20 s: returns a non-zero status).
        stop() {
            if (stopped) return stopped;
            stopped = (async () => {
                if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
                const timer = setTimeout(() => proc.kill('SIGKILL'), 20000);
                const r = await exited;
                clearTimeout(timer);
                process.off('exit', killOnExit);
                return r.code ?? `signal ${r.signal}`;
            })();
            return stopped;
        },
    };
}

// A raw JSON-RPC call (no client library): {status, body}.
export async function rawRpc(url, method, params, id = 1) {
    const body = { jsonrpc: '2.0', id, method };
    if (params !== undefined) body.params = params;
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await r.text();
    let json;
    try { json = JSON.parse(text); } catch { json = text; }
    return { status: r.status, body: json };
}

// Runs the setup FN (key import, daemon start) as a case of harness T; on failure prints
// the FAIL line and the closing "N passed, N failed" and exits non-zero.
export async function setup(t, what, fn) {
    let value, ok = false;
    await t.test(what, async () => { value = await fn(); ok = true; });
    if (!ok) {
        t.finish();
        process.exit(1);
    }
    return value;
}

// Checks the daemon's whole output (after stop): every line is JSON, none at level
// "error", and no private key (hex, with or without 0x) or imported key's passphrase.
export function checkDaemonLog(d, ks) {
    const text = d.text();
    const bad = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
    if (bad.length) throw new Error(`non-JSON log lines: ${bad.slice(0, 3).join(' | ')}`);
    const errors = d.log().filter((l) => l.level === 'error');
    if (errors.length) throw new Error(`error-level log lines: ${JSON.stringify(errors.slice(0, 3))}`);
    const low = text.toLowerCase();
    for (const k of ks.keys) {
        if (low.includes(k.privateKey.slice(2).toLowerCase())) throw new Error(`private key of ${k.name} in the log`);
        if (k.password !== 'password' && text.includes(k.password)) throw new Error(`passphrase of ${k.name} in the log`);
    }
}
