// avskey's signer API client (CLI `sign --signer`, `signer test`, and
// examples/avs_node) against an independent remote signer (signer_remote.mjs:
// ethers + @grpc/grpc-js + @noble/curves): correct answers equal the keystore
// backend's byte for byte; every misbehaviour (wrong signature, another key,
// truncated reply, short signature, slow reply past the timeout, refusal,
// wrong token, a TLS certificate from the wrong CA, a transaction with another
// field) gives exit 1, the right error and never a signature.
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { BIN, TOP, harness, makeTmp, requireBinary, writePasswordFile, writePrivate } from './lib.mjs';
import { EIGENSDK_G1, EIGENSDK_G2 } from './grpc_lib.mjs';
import { startRemote } from './signer_remote.mjs';

requireBinary();
const t = harness('signer_remote');
const ECDSA_SK = '0x86e6fa33d44da09c2b3860767dc929e31eefc43891872bbe97365a357fb758f3';  // Web3Signer's test key
const BLS_SK = 13718104057011380243349384062412322292853638010146548074368241565852610884213n;  // eigensdk test key
const EXAMPLE = fs.existsSync(path.join(path.dirname(BIN), 'avs_node')) ? path.join(path.dirname(BIN), 'avs_node')
    : path.join(TOP, 'build', 'avs_node');

const tmp = makeTmp('avskey-signer-remote-');
const f = (n) => path.join(tmp, n);
const openssl = (...a) => {
    const r = spawnSync('openssl', a, { cwd: tmp, encoding: 'utf8' });
    if (r.status !== 0) throw new Error('openssl ' + a.join(' ') + ': ' + r.stderr);
};
for (const ca of ['ca', 'rogue'])
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', `/CN=${ca}`, '-keyout', `${ca}.key`, '-out', `${ca}.pem`);
for (const [name, ca] of [['server', 'ca'], ['impostor', 'rogue']]) {
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    fs.writeFileSync(f(`${name}.ext`), 'subjectAltName=IP:127.0.0.1\n');
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
}
const pem = (n) => fs.readFileSync(f(n));

// A keystore with the same two keys, for the reference answers.
fs.mkdirSync(f('keys'), { mode: 0o700 });
writePasswordFile(f('pw'), 'password');
writePrivate(f('ek'), ECDSA_SK + '\n');
writePrivate(f('bk'), BLS_SK.toString() + '\n');
writePrivate(f('token'), 'remote-token-1\n');
writePrivate(f('badtoken'), 'nope\n');
for (const [type, file] of [['ecdsa', 'ek'], ['bls', 'bk']]) {
    const r = spawnSync(BIN, ['keys', 'import', '--key-type', type, '--insecure', '--keystore-dir', f('keys'), '--private-key-file', f(file), '--password-file', f('pw'), 'k'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error('import: ' + r.stderr);
}

// Runs a program without blocking the event loop (the remote lives in this process).
function runAsync(bin, args) {
    return new Promise((resolve) => {
        const t0 = Date.now();
        execFile(bin, args, { encoding: 'utf8', timeout: 60000 }, (err, stdout, stderr) => {
            resolve({ rc: err ? (err.code ?? 1) : 0, stdout: stdout.trim(), stderr: stderr.trim(), ms: Date.now() - t0 });
        });
    });
}
const cli = (...a) => runAsync(BIN, a);

const DATA = '0xc0ffee', DIGEST = '0x' + '5a'.repeat(32), MSG = '0x0102', PT = '0x' + '00'.repeat(31) + '01' + '00'.repeat(31) + '02';
const ks = { ecdsa: 'keystore:' + f('keys/k.ecdsa.key.json'), bls: 'keystore:' + f('keys/k.bls.key.json') };
const want = {};
const OPS = [['ecdsa', '--data', DATA], ['ecdsa', '--digest', DIGEST], ['bls', '--message', MSG], ['bls', '--g1-point', PT]];

const plain = await startRemote({ ecdsaKey: ECDSA_SK, blsSk: BLS_SK, blsG1: EIGENSDK_G1, blsG2: EIGENSDK_G2, token: 'remote-token-1' });
const tls = await startRemote({ ecdsaKey: ECDSA_SK, blsSk: BLS_SK, blsG1: EIGENSDK_G1, blsG2: EIGENSDK_G2, token: 'remote-token-1',
    tls: { cert: pem('server.pem'), key: pem('server.key') } });
const impostor = await startRemote({ ecdsaKey: ECDSA_SK, blsSk: BLS_SK, blsG1: EIGENSDK_G1, blsG2: EIGENSDK_G2,
    tls: { cert: pem('impostor.pem'), key: pem('impostor.key') } });
const uri = (srv, kind, secure) => kind === 'ecdsa' ? `web3signer+http${secure ? 's' : ''}://${srv.http}` : `cerberus+grpc${secure ? 's' : ''}://${srv.grpc}`;
const tok = ['--signer-token-file', f('token')];

await t.test('keystore reference answers', async () => {
    for (const [kind, op, val] of OPS) {
        const r = await cli('sign', kind, '--signer', ks[kind], '--password-file', f('pw'), op, val);
        assert.equal(r.rc, 0, r.stderr);
        want[op] = r.stdout;
    }
});

for (const secure of [false, true]) {
    const srv = secure ? tls : plain;
    const extra = secure ? ['--signer-ca', f('ca.pem')] : [];
    await t.test(`correct remote (${secure ? 'TLS' : 'plain'}): identical bytes for every operation`, async () => {
        srv.mode = 'ok';
        for (const [kind, op, val] of OPS) {
            const r = await cli('sign', kind, '--signer', uri(srv, kind, secure), ...tok, ...extra, op, val);
            assert.equal(r.rc, 0, `${kind} ${op}: ${r.stderr}`);
            assert.equal(r.stdout, want[op], `${kind} ${op}`);
        }
    });
}

await t.test('signer test against the remote: reachable, verified, key data', async () => {
    plain.mode = 'ok';
    const r = await cli('signer', 'test', uri(plain, 'ecdsa'), ...tok, '--json');
    assert.equal(r.rc, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.reachable, true);
    assert.equal(j.verified, true);
    assert.equal(j.key.address, plain.address);
    const b = JSON.parse((await cli('signer', 'test', uri(plain, 'bls'), ...tok, '--key', '0x' + EIGENSDK_G1, '--json')).stdout);
    assert.equal(b.verified, true);
    assert.equal(b.key.pubkey_g2_compressed, '0x' + EIGENSDK_G2);
});

await t.test('remote v = 0/1: accepted and printed as 27/28', async () => {
    plain.mode = 'v01';
    const r = await cli('sign', 'ecdsa', '--signer', uri(plain, 'ecdsa'), ...tok, '--data', DATA);
    plain.mode = 'ok';
    assert.equal(r.rc, 0, r.stderr);
    assert.equal(r.stdout, want['--data']);
});

await t.test('examples/avs_node: transaction signed by ethers through eth_signTransaction equals the keystore one', async () => {
    const common = 'chain_id = 17000\nnonce = 3\nsocket = 1.2.3.4:5\ntask = t\n';
    fs.writeFileSync(f('local.conf'), `bls_signer = ${ks.bls}\necdsa_signer = ${ks.ecdsa}\npassword_file = ${f('pw')}\n${common}`);
    fs.writeFileSync(f('remote.conf'), `bls_signer = ${uri(plain, 'bls')}\necdsa_signer = ${uri(plain, 'ecdsa')}\ntoken_file = ${f('token')}\n${common}`);
    const a = await runAsync(EXAMPLE, [f('local.conf')]);
    assert.equal(a.rc, 0, a.stderr);
    plain.mode = 'ok';
    const b = await runAsync(EXAMPLE, [f('remote.conf')]);
    assert.equal(b.rc, 0, b.stderr);
    assert.equal(b.stdout, a.stdout);
    for (const mode of ['tx_field', 'other_key']) {
        plain.mode = mode;
        const c = await runAsync(EXAMPLE, [f('remote.conf')]);
        assert.equal(c.rc, 1, `${mode}: ${c.stdout}`);
        assert.ok(!/update_socket_tx/.test(c.stdout), `${mode}: no transaction printed`);
        assert.match(c.stderr, mode === 'tx_field' ? /another nonce/ : /not signed by the key|does not verify/, c.stderr);
    }
    plain.mode = 'ok';
});

// mode -> stderr pattern, for each operation
const FAULTS = [
    ['wrong_sig', /does not verify|not sk\*P|not used/],
    ['other_key', /does not verify|not sk\*P|not used/],
    ['truncated', /truncated|malformed|bytes, not 64|not used/],
    ['short_sig', /malformed|bytes, not 64|not used/],
    ['refuse', /refused|403|PERMISSION_DENIED/],
];
for (const [mode, pattern] of FAULTS) {
    await t.test(`faulty remote "${mode}": exit 1, the right error, no signature`, async () => {
        for (const [kind, op, val] of OPS) {
            plain.mode = 'ok';
            const args = ['sign', kind, '--signer', uri(plain, kind), ...tok, op, val];
            plain.mode = mode;
            const r = await cli(...args);
            assert.equal(r.rc, 1, `${kind} ${op}: exit ${r.rc} ${r.stderr}`);
            assert.equal(r.stdout, '', `${kind} ${op}: printed ${r.stdout}`);
            assert.match(r.stderr, pattern, `${kind} ${op}`);
        }
        plain.mode = 'ok';
    });
}

await t.test('compressG2 of the test server reproduces eigensdk\'s G2 vector', async () => {
    const { compressG2 } = await import('./signer_remote.mjs');
    const { bn254 } = await import('@noble/curves/bn254.js');
    assert.equal(compressG2(bn254.G2.Point.BASE.multiply(BLS_SK)), EIGENSDK_G2);
});

await t.test('remote that substitutes another key\'s G2 (and signs with it): refused at open', async () => {
    plain.mode = 'wrong_g2';
    for (const keyArgs of [[], ['--key', EIGENSDK_G1]]) {
        for (const [op, val] of [['--message', MSG], ['--g1-point', PT]]) {
            const r = await cli('sign', 'bls', '--signer', uri(plain, 'bls'), ...tok, ...keyArgs, op, val);
            assert.equal(r.rc, 1, r.stderr);
            assert.equal(r.stdout, '');
            assert.match(r.stderr, /G1 and G2 public keys do not match/);
        }
    }
    plain.mode = 'ok';
});

await t.test('remote that refuses "applyHash": false: --digest fails clearly, --data still works', async () => {
    plain.mode = 'no_apply_hash';
    const r = await cli('sign', 'ecdsa', '--signer', uri(plain, 'ecdsa'), ...tok, '--digest', DIGEST);
    assert.equal(r.rc, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /applyHash/);
    const d = await cli('sign', 'ecdsa', '--signer', uri(plain, 'ecdsa'), ...tok, '--data', DATA);
    assert.equal(d.rc, 0, d.stderr);
    assert.equal(d.stdout, want['--data']);
    plain.mode = 'ok';
});

await t.test('slow remote: the timeout bounds the whole command', async () => {
    plain.mode = 'slow';
    for (const kind of ['ecdsa', 'bls']) {
        const r = await cli('sign', kind, '--signer', uri(plain, kind), ...tok, '--signer-timeout-ms', '1000', ...(kind === 'ecdsa' ? ['--data', DATA] : ['--message', MSG]));
        assert.equal(r.rc, 1, r.stderr);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, /time budget/);
        assert.ok(r.ms < 2800, `${kind}: took ${r.ms} ms`);
    }
    plain.mode = 'ok';
});

await t.test('--signer-timeout-ms covers the key look-up and the signature together', async () => {
    plain.mode = 'slow_each';   // 700 ms per answer: each fits in 1000 ms, both do not
    for (const kind of ['ecdsa', 'bls']) {
        const r = await cli('sign', kind, '--signer', uri(plain, kind), ...tok, '--signer-timeout-ms', '1000', ...(kind === 'ecdsa' ? ['--data', DATA] : ['--message', MSG]));
        assert.equal(r.rc, 1, r.stderr);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, /time budget|signer-timeout-ms/);
        assert.ok(r.ms < 2000, `${kind}: took ${r.ms} ms`);
        const ok = await cli('sign', kind, '--signer', uri(plain, kind), ...tok, '--signer-timeout-ms', '2500', ...(kind === 'ecdsa' ? ['--data', DATA] : ['--message', MSG]));
        assert.equal(ok.rc, 0, ok.stderr);
    }
    plain.mode = 'ok';
});

await t.test('wrong token: UNAUTHENTICATED / 401', async () => {
    for (const [kind, op, val] of OPS.slice(0, 3)) {
        const r = await cli('sign', kind, '--signer', uri(plain, kind), '--signer-token-file', f('badtoken'), op, val);
        assert.equal(r.rc, 1);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, /401|UNAUTHENTICATED|token/);
    }
});

await t.test('TLS certificate from the wrong CA: refused before any request', async () => {
    const before = impostor.calls;
    for (const kind of ['ecdsa', 'bls']) {
        const r = await cli('sign', kind, '--signer', uri(impostor, kind, true), '--signer-ca', f('ca.pem'), '--signer-timeout-ms', '3000',
            ...(kind === 'ecdsa' ? ['--data', DATA] : ['--message', MSG]));
        assert.equal(r.rc, 1, r.stderr);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, /TLS/);
        const s = await cli('signer', 'test', uri(impostor, kind, true), '--signer-ca', f('ca.pem'), '--signer-timeout-ms', '3000', '--json');
        assert.equal(s.rc, 1);
        assert.equal(JSON.parse(s.stdout).verified, false);
    }
    assert.equal(impostor.calls, before, 'the impostor saw no request');
});

await plain.close();
await tls.close();
await impostor.close();
t.finish();
