// Upstream key files (go-ethereum, eigensdk-go; shared/fixtures/eigen) read by avskey
// and by ethers: both must find the same private key, address and public key, and sign
// the same bytes. Only the light fixtures are decrypted in JS (plus one pbkdf2
// c=2^18 file); the slow scrypt ones are covered by the unit tests.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Wallet, SigningKey, computeAddress, getAddress } from 'ethers';
import {
    FIXTURES, avskey, avskeyOk, avskeyJson, harness, makeTmp, requireBinary,
    writePasswordFile, writePrivate, v3Decrypt,
} from './lib.mjs';

requireBinary();
const t = harness('fixtures_ethers');
const T = makeTmp();
const EIGEN = path.join(FIXTURES, 'eigen');
let seq = 0;

// Copies fixture text to a 0600 file in T (avskey refuses key files others can read).
function copyKey(text) {
    return writePrivate(path.join(T, `fx${seq++}.json`), text);
}
function pwFile(pw) {
    return writePasswordFile(path.join(T, `pw${seq++}`), pw);
}

// avskey and ethers agree on FILE (JSON text TEXT) under password PW.
async function agree(text, pw, want) {
    const file = copyKey(text);
    const pf = pwFile(pw);
    const w = await Wallet.fromEncryptedJson(text, pw);
    if (want?.address) assert.equal(w.address.toLowerCase(), want.address.toLowerCase(), 'ethers address vs upstream');
    if (want?.priv) assert.equal(w.privateKey, want.priv, 'ethers key vs upstream');
    const show = avskeyJson(['keys', 'show', '--key-path', file, '--verify', '--password-file', pf]);
    assert.equal(show.address, w.address, 'address');
    assert.equal(show.public_key, '0x' + w.signingKey.publicKey.slice(4), 'public_key');
    assert.equal(avskeyOk(['keys', 'export', '--key-path', file, '--yes', '--password-file', pf]), w.privateKey, 'export');
    const digest = '0x' + crypto.randomBytes(32).toString('hex');
    const sig = avskeyOk(['sign', 'ecdsa', '--key-path', file, '--password-file', pf, '--digest', digest]);
    assert.equal(sig, new SigningKey(w.privateKey).sign(digest).serialized, 'signature');
    return { file, pf, w, show };
}

await t.test('go-ethereum very-light-scrypt.json (n=2, empty password)', async () => {
    const text = fs.readFileSync(path.join(EIGEN, 'go-ethereum', 'very-light-scrypt.json'), 'utf8');
    await agree(text, '', { address: '0x45dea0fb0bba44f4fcf290bba71fd57d7117cbb8' });
});

await t.test('go-ethereum keystore/{aaa,zzz,UTC--...} (n=8, p=16, "foobar")', async () => {
    const dir = path.join(EIGEN, 'go-ethereum', 'keystore');
    const names = fs.readdirSync(dir).sort();
    assert.equal(names.length, 3);
    for (const n of names) {
        const text = fs.readFileSync(path.join(dir, n), 'utf8');
        await agree(text, 'foobar', { address: '0x' + JSON.parse(text).address });
    }
});

await t.test('eigensdk-go signerv2/dummy.key.json (pbkdf2 c=2^18, no address field)', async () => {
    const text = fs.readFileSync(path.join(EIGEN, 'eigensdk-go', 'signerv2', 'dummy.key.json'), 'utf8');
    assert.equal(JSON.parse(text).address, undefined);
    const { file } = await agree(text, 'testpassword', {
        priv: '0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d',
        address: '0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b',
    });
    // without --verify there is nothing to read the address from
    const show = avskeyJson(['keys', 'show', '--key-path', file]);
    assert.equal(show.address, null);
});

await t.test('go-ethereum v3_test_vector.json: pbkdf2 and scrypt r=1 p=8 vectors (avskey vs the vector)', () => {
    const vectors = JSON.parse(fs.readFileSync(path.join(EIGEN, 'go-ethereum', 'v3_test_vector.json'), 'utf8'));
    for (const k of ['wikipage_test_vector_pbkdf2', 'wikipage_test_vector_scrypt']) {
        const v = vectors[k];
        const file = copyKey(JSON.stringify(v.json));
        const pf = pwFile(v.password);
        assert.equal(avskeyOk(['keys', 'export', '--key-path', file, '--yes', '--password-file', pf]), '0x' + v.priv, k);
        const show = avskeyJson(['keys', 'show', '--key-path', file, '--verify', '--password-file', pf]);
        assert.equal(show.address, computeAddress('0x' + v.priv), `${k} address`);
        // scrypt with r=1, N=2^18 breaks RFC 7914's N < 2^(16r): OpenSSL and ethers refuse it,
        // go-ethereum and avskey read it. The pbkdf2 one the node:crypto reader checks too.
        if (v.json.crypto.kdf === 'pbkdf2') assert.equal(v3Decrypt(JSON.stringify(v.json), Buffer.from(v.password)), '0x' + v.priv);
    }
});

await t.test('go-ethereum v3_test_vector.json: 31- and 30-byte keys are refused (as keystore.DecryptKey does)', () => {
    const vectors = JSON.parse(fs.readFileSync(path.join(EIGEN, 'go-ethereum', 'v3_test_vector.json'), 'utf8'));
    for (const k of ['31_byte_key', '30_byte_key']) {
        const v = vectors[k];
        const file = copyKey(JSON.stringify(v.json));
        const r = avskey(['keys', 'export', '--key-path', file, '--yes', '--password-file', pwFile(v.password)]);
        assert.notEqual(r.rc, 0, `${k}: exit ${r.rc}`);
        assert.equal(r.stdout, '', `${k}: nothing printed`);
        assert.ok(r.stderr.includes(path.basename(file)), `${k}: names the file: ${r.stderr}`);
    }
});

await t.test('eigensdk-go signer/dummy.key.json (scrypt n=2^18, "test12345")', async () => {
    const text = fs.readFileSync(path.join(EIGEN, 'eigensdk-go', 'signer', 'dummy.key.json'), 'utf8');
    const { show } = await agree(text, 'test12345', {
        priv: '0xb5457d50cab83f5e663744ae235ed53a7fa814897d3291bb630a4d06fa31b4a6',
        address: '0xd4ee935d77b590aa64aed7b02dd66f1383006684',
    });
    assert.equal(show.address, getAddress('0xd4ee935d77b590aa64aed7b02dd66f1383006684'));
});

t.finish();
