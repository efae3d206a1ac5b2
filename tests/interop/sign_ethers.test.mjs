// `avskey sign ecdsa` against ethers v6 and @noble/curves 2.x, byte for byte.
//
// RFC 6979 nonces and low s make ECDSA deterministic, so avskey, ethers'
// SigningKey.sign and noble's secp256k1.sign must print the very same 65 bytes
// r||s||v (v = 27/28). Key files are written by ethers with scrypt N=2^12 so that
// each avskey call is fast; one key goes through `avskey keys import` (n=2^18) and the
// Web3Signer fixture key (n=2^18) is signed with its known EIP-191 vector.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
    Wallet, SigningKey, Signature, encryptKeystoreJson, keccak256, hashMessage,
    recoverAddress, hexlify, concat, toUtf8Bytes, getBytes,
} from 'ethers';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import {
    FIXTURES, avskey, avskeyOk, avskeyJson, harness, makeTmp, requireBinary,
    writePasswordFile, writePrivate,
} from './lib.mjs';

requireBinary();
const t = harness('sign_ethers');
const T = makeTmp();
const D = path.join(T, 'keys');
fs.mkdirSync(D, { mode: 0o700 });
const PW = 'Tr0ub4dor&3-correct-horse-battery';
const pwFile = writePasswordFile(path.join(T, 'pw'), PW);

const N = secp256k1.Point.CURVE().n;
const randHex = (n) => '0x' + crypto.randomBytes(n).toString('hex');
const SIG_RE = /^0x[0-9a-f]{128}(1b|1c)$/;

// The signature noble computes for DIGEST (0x-hex, 32 bytes): r||s||v, v = 27 + recovery.
function nobleSign(pk, digest) {
    const rec = secp256k1.sign(getBytes(digest), getBytes(pk), { prehash: false, lowS: true, format: 'recovered' });
    return hexlify(concat([rec.subarray(1), Uint8Array.of(27 + rec[0])]));
}

// Signs with avskey and checks the result against ethers and noble.
function checkSign(key, kind, hex) {
    const digest = kind === '--digest' ? hex : keccak256(hex);
    const sig = avskeyOk(['sign', 'ecdsa', '--key-path', key.file, '--password-file', key.pwFile, kind, hex]);
    assert.match(sig, SIG_RE, 'format 0x r||s||v, lowercase, v 27/28');
    const want = new SigningKey(key.w.privateKey).sign(digest).serialized;
    assert.equal(sig, want, `ethers SigningKey.sign ${kind} ${hex.length > 80 ? hex.slice(0, 80) + '...' : hex}`);
    assert.equal(sig, nobleSign(key.w.privateKey, digest), 'noble secp256k1.sign');
    assert.equal(recoverAddress(digest, sig), key.w.address, 'ethers.recoverAddress');
    const s = BigInt('0x' + sig.slice(66, 130));
    assert.ok(s > 0n && s <= N / 2n, 'low s');
    assert.ok(secp256k1.verify(getBytes(sig).subarray(0, 64), getBytes(digest), getBytes(key.w.signingKey.publicKey),
        { prehash: false }), 'noble verify');
    return sig;
}

// Keys: 4 random, plus the edge scalars 1 and n-1; ethers writes their key files.
const keys = [];
await t.test('ethers writes key files for 4 random keys and the scalars 1 and n-1', async () => {
    const pks = [0, 1, 2, 3].map(() => Wallet.createRandom().privateKey);
    pks.push('0x' + (1n).toString(16).padStart(64, '0'), '0x' + (N - 1n).toString(16).padStart(64, '0'));
    for (const [i, pk] of pks.entries()) {
        const w = new Wallet(pk);
        const file = writePrivate(path.join(D, `k${i}.ecdsa.key.json`),
            await encryptKeystoreJson(w, PW, { scrypt: { N: 1 << 12 } }));
        keys.push({ w, file, pwFile });
    }
    assert.equal(keys.length, 6);
    assert.equal(keys[4].w.address, '0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf');
});

await t.test('--digest: random 32-byte digests, 3 per key (6 keys)', () => {
    for (const key of keys) for (let j = 0; j < 3; j++) checkSign(key, '--digest', randHex(32));
});

await t.test('--digest edge values: 0, 1, n-1, n, n+1, 2^256-1 (reduced mod n as in ECDSA)', () => {
    const edges = [0n, 1n, N - 1n, N, N + 1n, (1n << 256n) - 1n].map((v) => '0x' + v.toString(16).padStart(64, '0'));
    for (const d of edges) checkSign(keys[0], '--digest', d);
    // n and 0 (and n+1 and 1) are the same message representative: same signature
    const a = checkSign(keys[1], '--digest', edges[0]);
    const b = checkSign(keys[1], '--digest', edges[3]);
    assert.equal(a, b);
    assert.equal(checkSign(keys[1], '--digest', edges[1]), checkSign(keys[1], '--digest', edges[4]));
});

await t.test('--digest accepts upper-case hex and gives the same bytes', () => {
    const d = randHex(32);
    const lower = checkSign(keys[2], '--digest', d);
    const upper = avskeyOk(['sign', 'ecdsa', '--key-path', keys[2].file, '--password-file', pwFile, '--digest', '0x' + d.slice(2).toUpperCase()]);
    assert.equal(upper, lower);
});

await t.test('--data: keccak256(data) for random data (0..300 bytes), 2 per key', () => {
    for (const key of keys) for (let j = 0; j < 2; j++) checkSign(key, '--data', randHex(crypto.randomInt(1, 300)));
});

await t.test('--data: empty, 1 byte, exactly 32 bytes (hashed, unlike --digest), 4096 bytes', () => {
    checkSign(keys[3], '--data', '0x');
    checkSign(keys[3], '--data', '0x00');
    const d32 = randHex(32);
    const viaData = checkSign(keys[3], '--data', d32);
    const viaDigest = checkSign(keys[3], '--digest', d32);
    assert.notEqual(viaData, viaDigest);
    checkSign(keys[3], '--data', randHex(4096));
});

await t.test('a key imported by avskey (scrypt n=2^18) signs like ethers', () => {
    const w = Wallet.createRandom();
    const sk = writePrivate(path.join(T, 'sk'), w.privateKey + '\n');
    const out = avskeyJson(['keys', 'import', '--key-type', 'ecdsa', '--keystore-dir', D, '--password-file', pwFile,
        '--private-key-file', sk, 'imported']);
    assert.equal(out.address, w.address);
    const key = { w, file: path.join(D, 'imported.ecdsa.key.json'), pwFile };
    checkSign(key, '--digest', randHex(32));
    checkSign(key, '--data', randHex(77));
});

await t.test('a wrong signature would be caught: ethers signature of another key differs', () => {
    // Guards against a harness that compares nothing: avskey's output for key 0 must not
    // equal ethers' output for key 1 on the same digest.
    const d = randHex(32);
    const sig = avskeyOk(['sign', 'ecdsa', '--key-path', keys[0].file, '--password-file', pwFile, '--digest', d]);
    assert.notEqual(sig, new SigningKey(keys[1].w.privateKey).sign(d).serialized);
    assert.notEqual(recoverAddress(d, sig), keys[1].w.address);
});

await t.test('bad input: short digest, odd hex, no message: exit 2, nothing on stdout', () => {
    for (const extra of [['--digest', randHex(31)], ['--digest', randHex(33)], ['--data', '0xabc'], ['--data', '0xzz'], []]) {
        const r = avskey(['sign', 'ecdsa', '--key-path', keys[0].file, '--password-file', pwFile, ...extra]);
        assert.equal(r.rc, 2, `${extra.join(' ')}: exit ${r.rc} ${r.stderr}`);
        assert.equal(r.stdout, '');
    }
});

// Web3Signer's own test key and its eth_sign vector (fixtures/web3signer/README.md).
const W3S_MSG = 'some random data to be signed';
const W3S_SIG = '0x22cf811d54835be906e45d728dfc8a7a32bb65ce146a4ccb6b689b8d8182a30f19fdb947229991b9dfd63b67fe4ebb59a3d3f8d9ed95b27e0c3d34e1800afbd81b';
const W3S_ADDR = '0x7577919ae5df4941180eac211965f275cdce314d';
const W3S_SK = '0xd392469474ec227b9ec4be232b402a0490045478ab621ca559d166965f0ffd32';
const W3S_PUB = '0x24491715b7514b315d06b6be809173e7c8051a2cd1880d29f8af5efda30e0877e816820c91d46444afc4063742a1602648751df36e11b5c95037fab1d4dd93eb';

await t.test('Web3Signer fixture key: EIP-191 "some random data to be signed" via --digest and --data', async () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'web3signer', 'keyfile.json'), 'utf8');
    const file = writePrivate(path.join(T, 'web3signer.ecdsa.key.json'), text); // fixture is 0444: copy, 0600
    const w3pw = writePasswordFile(path.join(T, 'pw-w3s'), 'password');
    const digest = hashMessage(W3S_MSG);
    const sig = avskeyOk(['sign', 'ecdsa', '--key-path', file, '--password-file', w3pw, '--digest', digest]);
    assert.equal(sig, W3S_SIG, 'Web3Signer eth_sign vector');
    // ethers decrypts the same file and signs the message itself
    const w = await Wallet.fromEncryptedJson(text, 'password');
    assert.equal(w.address.toLowerCase(), W3S_ADDR);
    assert.equal(await w.signMessage(W3S_MSG), sig, 'ethers wallet.signMessage');
    assert.equal(recoverAddress(digest, sig).toLowerCase(), W3S_ADDR);
    // --data over the EIP-191 prefixed bytes hashes to the same digest
    const prefixed = concat([toUtf8Bytes(`\x19Ethereum Signed Message:\n${W3S_MSG.length}`), toUtf8Bytes(W3S_MSG)]);
    assert.equal(keccak256(prefixed), digest);
    const sig2 = avskeyOk(['sign', 'ecdsa', '--key-path', file, '--password-file', w3pw, '--data', hexlify(prefixed)]);
    assert.equal(sig2, W3S_SIG);
    // ethers parses it as a canonical signature with v 27/28
    const parsed = Signature.from(sig);
    assert.equal(parsed.serialized, sig);
    assert.equal(parsed.v, 27);
    // public key identifier (Web3Signer's eth1 identifier) from keys show --verify
    const show = avskeyJson(['keys', 'show', '--key-path', file, '--verify', '--password-file', w3pw]);
    assert.equal(show.address.toLowerCase(), W3S_ADDR);
    assert.equal(show.public_key, '0x' + w.signingKey.publicKey.slice(4));
});

await t.test('Web3Signer README key d392...: public_key is its eth1 identifier (ethers-written key file)', async () => {
    // A different key from keyfile.json (its address is 0xA4dB72..., not 0x7577...).
    const w = new Wallet(W3S_SK);
    assert.equal('0x' + w.signingKey.publicKey.slice(4), W3S_PUB);
    const file = writePrivate(path.join(D, 'w3s-sk.ecdsa.key.json'), await encryptKeystoreJson(w, PW, { scrypt: { N: 1 << 12 } }));
    const show = avskeyJson(['keys', 'show', '--key-path', file, '--verify', '--password-file', pwFile]);
    assert.equal(show.public_key, W3S_PUB);
    assert.equal(show.address, w.address);
    checkSign({ w, file, pwFile }, '--digest', hashMessage(W3S_MSG));
});

t.finish();
