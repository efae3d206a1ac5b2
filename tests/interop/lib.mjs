// Shared helpers for the interop tests (plain node scripts, run by ctest as
// `node FILE.test.mjs` with the working directory tests/interop).
//
// Environment (set by scripts/gen-ctest; defaults for running by hand):
//   AVSKEY_BIN       the avskey binary under test (default: $AVSKEY_TOP/build/avskey)
//   AVSKEY_FIXTURES  the read-only fixtures folder (default: $AVSKEY_TOP/../shared/fixtures)
//   AVSKEY_TOP       the repository root (default: two folders up from here)
//
// Each test file: `const t = harness('name')`, then `await t.test('what', async () => {...})`
// for each case, then `t.finish()`, which prints "N passed, N failed" alone on a line and
// sets a non-zero exit code when anything failed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { keccak_256 } from '@noble/hashes/sha3.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const TOP = process.env.AVSKEY_TOP || path.resolve(here, '..', '..');
export const BIN = process.env.AVSKEY_BIN || path.join(TOP, 'build', 'avskey');
export const FIXTURES = process.env.AVSKEY_FIXTURES || path.resolve(TOP, '..', 'shared', 'fixtures');

// A private temporary folder (0700), removed when the process exits.
export function makeTmp(prefix = 'avskey-interop-') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    fs.chmodSync(dir, 0o700);
    process.on('exit', () => {
        try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* best effort */ }
    });
    return dir;
}

// Writes FILE with mode 0600 (the mode is forced even if the file existed).
export function writePrivate(file, text) {
    fs.writeFileSync(file, text, { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    return file;
}

// A password file: the passphrase as UTF-8 bytes followed by one newline
// (avskey reads the first line, trailing \r\n stripped).
export function writePasswordFile(file, password) {
    return writePrivate(file, Buffer.concat([Buffer.from(password, 'utf8'), Buffer.from('\n')]));
}

// Runs avskey with ARGS (never a secret on argv). Returns {rc, stdout, stderr}.
// opts.env is added to the environment; opts.input is fed on stdin (else empty);
// opts.fds: open file descriptors handed to the child as fd 3, 4, ...
export function avskey(args, opts = {}) {
    const r = spawnSync(BIN, args, {
        encoding: 'utf8',
        env: { ...process.env, ...(opts.env || {}) },
        input: opts.input ?? '',
        stdio: ['pipe', 'pipe', 'pipe', ...(opts.fds || [])],
        timeout: opts.timeout ?? 60000,
        maxBuffer: 1 << 20,
    });
    if (r.error) throw new Error(`cannot run ${BIN}: ${r.error.message}`);
    return { rc: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

// Runs avskey and requires exit status WANT (default 0); returns trimmed stdout.
export function avskeyOk(args, opts = {}, want = 0) {
    const r = avskey(args, opts);
    if (r.rc !== want) {
        throw new Error(`avskey ${args.join(' ')}: exit ${r.rc}${r.signal ? ' (signal ' + r.signal + ')' : ''}, want ${want}; stderr: ${r.stderr.trim()}`);
    }
    return r.stdout.trim();
}

// Runs avskey with --json and parses the one JSON value it prints.
export function avskeyJson(args, opts = {}) {
    const out = avskeyOk([...args, '--json'], opts);
    try {
        return JSON.parse(out);
    } catch (e) {
        throw new Error(`avskey ${args.join(' ')} --json printed no JSON: ${JSON.stringify(out)}`);
    }
}

export function harness(name) {
    let passed = 0, failed = 0;
    const t0 = Date.now();
    return {
        async test(what, fn) {
            const t1 = Date.now();
            try {
                await fn();
                passed++;
                console.log(`ok   ${what} (${Date.now() - t1} ms)`);
            } catch (e) {
                failed++;
                console.log(`FAIL ${what}`);
                console.log(String(e && e.stack ? e.stack : e).split('\n').map((l) => '     ' + l).join('\n'));
            }
        },
        finish() {
            console.log(`# ${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
            console.log(`${passed} passed, ${failed} failed`);
            process.exitCode = (failed === 0 && passed > 0) ? 0 : 1;
        },
    };
}

// Sanity check before anything else: the binary exists and runs.
export function requireBinary() {
    if (!fs.existsSync(BIN)) {
        console.log(`avskey binary not found: ${BIN} (set AVSKEY_BIN or build first)`);
        console.log('0 passed, 1 failed');
        process.exit(1);
    }
}

// ---------------------------------------------------------------------------
// An independent Web3 Secret Storage v3 reader/writer built from node:crypto
// (OpenSSL scrypt, pbkdf2, AES-128-CTR) and @noble/hashes keccak-256, used as a
// third implementation beside avskey and ethers.
const unhex = (h) => Buffer.from(h.replace(/^0x/, ''), 'hex');

// Derives the key of a V3 keystore object for the password bytes PW.
export function v3DeriveKey(cryptoObj, pw) {
    const p = cryptoObj.kdfparams;
    if (cryptoObj.kdf === 'scrypt') {
        return crypto.scryptSync(pw, unhex(p.salt), p.dklen, { N: p.n, r: p.r, p: p.p, maxmem: 256 * p.n * p.r + (1 << 20) });
    }
    if (cryptoObj.kdf === 'pbkdf2') {
        if (p.prf !== 'hmac-sha256') throw new Error(`prf ${p.prf}`);
        return crypto.pbkdf2Sync(pw, unhex(p.salt), p.c, p.dklen, 'sha256');
    }
    throw new Error(`kdf ${cryptoObj.kdf}`);
}

// Decrypts a V3 keystore (JSON text) with the password bytes PW (a Buffer: no
// normalization). Returns the private key as 0x-hex; throws on a wrong password.
export function v3Decrypt(jsonText, pw) {
    const d = JSON.parse(jsonText);
    const c = d.crypto || d.Crypto;
    if (!c) throw new Error('no crypto object');
    const dk = v3DeriveKey(c, pw);
    const ct = unhex(c.ciphertext);
    const mac = Buffer.from(keccak_256(Buffer.concat([dk.subarray(16, 32), ct])));
    if (mac.toString('hex') !== c.mac.toLowerCase()) throw new Error('MAC mismatch (wrong password)');
    if (c.cipher !== 'aes-128-ctr') throw new Error(`cipher ${c.cipher}`);
    const dec = crypto.createDecipheriv('aes-128-ctr', dk.subarray(0, 16), unhex(c.cipherparams.iv));
    return '0x' + Buffer.concat([dec.update(ct), dec.final()]).toString('hex');
}

// Writes a V3 keystore object for PRIVATEKEY (0x-hex) and ADDRESS (0x...), with
// password bytes PW and KDF = {kdf:'pbkdf2', c} or {kdf:'scrypt', n, r, p}.
export function v3Encrypt(privateKey, address, pw, kdf) {
    const salt = crypto.randomBytes(32);
    const iv = crypto.randomBytes(16);
    let kdfparams;
    if (kdf.kdf === 'pbkdf2') kdfparams = { c: kdf.c, dklen: 32, prf: 'hmac-sha256', salt: salt.toString('hex') };
    else kdfparams = { dklen: 32, n: kdf.n, p: kdf.p ?? 1, r: kdf.r ?? 8, salt: salt.toString('hex') };
    const c = { cipher: 'aes-128-ctr', ciphertext: '', cipherparams: { iv: iv.toString('hex') }, kdf: kdf.kdf, kdfparams, mac: '' };
    const dk = v3DeriveKey(c, pw);
    const enc = crypto.createCipheriv('aes-128-ctr', dk.subarray(0, 16), iv);
    const ct = Buffer.concat([enc.update(unhex(privateKey)), enc.final()]);
    c.ciphertext = ct.toString('hex');
    c.mac = Buffer.from(keccak_256(Buffer.concat([dk.subarray(16, 32), ct]))).toString('hex');
    return { address: address.replace(/^0x/, '').toLowerCase(), crypto: c, id: crypto.randomUUID(), version: 3 };
}
