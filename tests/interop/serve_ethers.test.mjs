// `avskey serve` as a remote signer for ethers v6, unchanged: JsonRpcProvider (default
// batching, eth_chainId answered by avskey) + JsonRpcSigner, and Web3Signer's REST API
// through fetch. Every signature is compared byte for byte with ethers' own Wallet for
// the same private key (2 keys imported with `avskey keys import` + Web3Signer's
// keyfile.json fixture).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
    JsonRpcProvider, JsonRpcSigner, Transaction, SigningKey, keccak256, hexlify, getBytes,
    toUtf8Bytes, verifyMessage, verifyTypedData, getAddress, recoverAddress, ZeroAddress,
} from 'ethers';
import { harness, requireBinary } from './lib.mjs';
import { makeKeystore, startDaemon, rawRpc, setup, checkDaemonLog } from './daemon.mjs';

requireBinary();
const t = harness('serve_ethers');
const CHAIN = 17000;
const randHex = (n) => '0x' + crypto.randomBytes(n).toString('hex');

// JsonRpcProvider that records the size of each HTTP payload (1 = single call).
class CountingProvider extends JsonRpcProvider {
    constructor(...a) { super(...a); this.payloads = []; }
    async _send(payload) {
        this.payloads.push(Array.isArray(payload) ? payload.length : 1);
        return super._send(payload);
    }
}

// The JSON-RPC error ethers reports for a failed call: {code, message}. A single call
// answered with HTTP 400 (invalid params, as Web3Signer does) reaches ethers as a
// SERVER_ERROR whose response body holds the JSON-RPC error.
function rpcError(e) {
    if (e?.error?.code !== undefined) return e.error;
    if (e?.info?.error?.code !== undefined) return e.info.error;
    if (e?.info?.responseBody) {
        const b = JSON.parse(e.info.responseBody);
        return (Array.isArray(b) ? b[0] : b).error;
    }
    throw e;
}
async function expectRpcError(p, code, re) {
    let err = null;
    try {
        const r = await p;
        assert.fail(`expected JSON-RPC error ${code}, got result ${JSON.stringify(r)}`);
    } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
        err = rpcError(e);
    }
    assert.equal(err.code, code, `error code (message ${JSON.stringify(err.message)})`);
    if (re) assert.match(err.message, re);
    return err;
}

const { ks, d } = await setup(t, `setup: 2 keys imported + Web3Signer key, avskey serve --chain-id ${CHAIN} listening`, async () => {
    const ks = makeKeystore(2);
    return { ks, d: await startDaemon(ks, ['--chain-id', String(CHAIN)]) };
});
const keys = ks.keys;
const provider = new CountingProvider(d.url, CHAIN);
const signers = new Map();   // address -> JsonRpcSigner
const typed = [];            // EIP-712 cases {what, domain, types, value}
const to = '0x' + 'ab'.repeat(20);

try {
    await t.test('eth_chainId / getNetwork: the --chain-id', async () => {
        const net = await provider.getNetwork();
        assert.equal(net.chainId, BigInt(CHAIN));
        assert.equal(await provider.send('eth_chainId', []), '0x' + CHAIN.toString(16));
    });

    await t.test('listAccounts / eth_accounts: the imported keys (raw: sorted, lowercase)', async () => {
        const want = keys.map((k) => k.address).sort();
        assert.deepEqual(await provider.send('eth_accounts', []), want);
        const list = await provider.listAccounts();
        assert.ok(list.every((s) => s instanceof JsonRpcSigner));
        assert.deepEqual(list.map((s) => s.address.toLowerCase()).sort(), want);
        const byLower = (a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1);
        assert.deepEqual((await Promise.all(list.map((s) => s.getAddress()))).sort(byLower),
            keys.map((k) => k.wallet.address).sort(byLower), 'checksummed addresses');
    });

    await t.test('getSigner(address) for each key (checksummed and lowercase), index, unknown', async () => {
        for (const k of keys) {
            const s = await provider.getSigner(k.wallet.address);
            assert.equal(s.address, k.wallet.address);
            const s2 = await provider.getSigner(k.address);
            assert.equal(s2.address, k.wallet.address);
            signers.set(k.address, s);
        }
        const s0 = await provider.getSigner(0);
        assert.equal(s0.address.toLowerCase(), keys.map((k) => k.address).sort()[0]);
        await assert.rejects(provider.getSigner('0x' + '22'.repeat(20)), /invalid account/);
        // a JsonRpcSigner built directly works the same
        const direct = new JsonRpcSigner(provider, keys[1].wallet.address);
        assert.equal(await direct.signMessage('direct'), await keys[1].wallet.signMessage('direct'));
    });

    const messages = [
        'hello', '', 'some random data to be signed', '0x1234', 'Grüße Ωμέγα 日本語 🔑',
        'x'.repeat(3000), '\n\u0000\r\n',
        getBytes(randHex(32)), new Uint8Array(0), Uint8Array.of(0), getBytes(randHex(1000)),
    ];
    await t.test(`signMessage (personal_sign): ${messages.length} strings/bytes x ${keys.length} keys, batched, == Wallet`, async () => {
        const before = provider.payloads.length;
        const jobs = [];
        for (const k of keys) for (const m of messages) jobs.push([k, m, signers.get(k.address).signMessage(m)]);
        for (const [k, m, p] of jobs) {
            const sig = await p;
            const want = await k.wallet.signMessage(m);
            assert.equal(sig, want, `${k.name} ${typeof m === 'string' ? JSON.stringify(m.slice(0, 40)) : hexlify(m).slice(0, 40)}`);
            assert.equal(verifyMessage(m, sig), k.wallet.address);
        }
        const sizes = provider.payloads.slice(before);
        assert.ok(sizes.some((n) => n > 1), `ethers sent a batch (payload sizes ${sizes.join(',')})`);
    });

    await t.test('the Web3Signer eth_sign vector through ethers (personal_sign and eth_sign)', async () => {
        const s = signers.get(keys[0].address);
        const want = '0x22cf811d54835be906e45d728dfc8a7a32bb65ce146a4ccb6b689b8d8182a30f'
            + '19fdb947229991b9dfd63b67fe4ebb59a3d3f8d9ed95b27e0c3d34e1800afbd81b';
        assert.equal(await s.signMessage('some random data to be signed'), want);
        assert.equal(await s._legacySignMessage('some random data to be signed'), want);
        assert.equal(await s._legacySignMessage(toUtf8Bytes('abc')), await keys[0].wallet.signMessage('abc'));
    });

    // EIP-712: nested structs, struct arrays, dynamic/fixed arrays, bytes, string, negative ints.
    {
        const Person = [{ name: 'name', type: 'string' }, { name: 'wallets', type: 'address[]' }];
        typed.push({
            what: 'Mail: nested Person, Person[], string, bytes',
            domain: { name: 'Ether Mail', version: '1', chainId: CHAIN, verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC' },
            types: {
                Person,
                Mail: [{ name: 'from', type: 'Person' }, { name: 'to', type: 'Person[]' },
                    { name: 'contents', type: 'string' }, { name: 'attachment', type: 'bytes' }],
            },
            value: {
                from: { name: 'Cow', wallets: ['0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826', '0xDeaDbeefdEAdbeefdEadbEEFdeadbeEFdEaDbeeF'] },
                to: [{ name: 'Bob', wallets: ['0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB'] }, { name: 'Ωμέγα 🔑', wallets: [] }],
                contents: 'Hello, Bob! Grüße',
                attachment: randHex(77),
            },
        });
        typed.push({
            what: 'every atomic type, fixed and nested arrays, domain with salt',
            domain: { name: 'AVS', version: '2', chainId: CHAIN, verifyingContract: '0x1111111111111111111111111111111111111111', salt: randHex(32) },
            types: {
                Inner: [{ name: 'flag', type: 'bool' }, { name: 'tag', type: 'bytes4' }, { name: 'blob', type: 'bytes' }],
                Outer: [
                    { name: 'u8', type: 'uint8' }, { name: 'u256', type: 'uint256' }, { name: 'i32', type: 'int32' },
                    { name: 'i256', type: 'int256' }, { name: 'b32', type: 'bytes32' }, { name: 'who', type: 'address' },
                    { name: 'fixed', type: 'uint16[3]' }, { name: 'matrix', type: 'uint256[][]' },
                    { name: 'inner', type: 'Inner' }, { name: 'inners', type: 'Inner[2]' }, { name: 'notes', type: 'string[]' },
                    { name: 'empty', type: 'bytes' }],
            },
            value: {
                u8: 255, u256: (1n << 256n) - 1n, i32: -1, i256: -(1n << 255n), b32: randHex(32), who: getAddress(randHex(20)),
                fixed: [1, 2, 65535], matrix: [[1n, 2n], [], [3n]],
                inner: { flag: true, tag: '0xdeadbeef', blob: '0x' },
                inners: [{ flag: false, tag: '0x00000000', blob: randHex(33) }, { flag: true, tag: '0x01020304', blob: '0x00' }],
                notes: ['', 'a', 'é'], empty: '0x',
            },
        });
        typed.push({
            what: 'ERC-2612 Permit (domain name, version, chainId, verifyingContract)',
            domain: { name: 'USD Coin', version: '2', chainId: CHAIN, verifyingContract: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48' },
            types: {
                Permit: [{ name: 'owner', type: 'address' }, { name: 'spender', type: 'address' },
                    { name: 'value', type: 'uint256' }, { name: 'nonce', type: 'uint256' }, { name: 'deadline', type: 'uint256' }],
            },
            value: { owner: keys[1].wallet.address, spender: ZeroAddress, value: 10n ** 18n, nonce: 0, deadline: 1893456000 },
        });
        typed.push({
            what: 'domain with chainId only, primary type with one field',
            domain: { chainId: CHAIN },
            types: { Ping: [{ name: 'n', type: 'uint64' }] },
            value: { n: 7 },
        });
    }
    for (const c of typed) {
        await t.test(`signTypedData (eth_signTypedData_v4): ${c.what}, ${keys.length} keys == Wallet`, async () => {
            for (const k of keys) {
                const sig = await signers.get(k.address).signTypedData(c.domain, c.types, c.value);
                assert.equal(sig, await k.wallet.signTypedData(c.domain, c.types, c.value), k.name);
                assert.equal(verifyTypedData(c.domain, c.types, c.value, sig), k.wallet.address);
            }
        });
    }

    await t.test('signTypedData for another chainId is refused (-32000)', async () => {
        const c = typed[2];
        await expectRpcError(signers.get(keys[1].address).signTypedData({ ...c.domain, chainId: 1 }, c.types, c.value),
            -32000, /chain/i);
    });

    // Transactions: ethers' JsonRpcSigner.signTransaction sends eth_signTransaction without
    // populating anything from a node (no chainId: avskey uses --chain-id).
    const txs = [
        { what: 'legacy (gasPrice)', tx: { nonce: 0, gasLimit: 21000, gasPrice: 1_000_000_000n, to, data: '0x' }, type: 0 },
        { what: 'legacy with calldata, big nonce and gas price', tx: { nonce: 0xfffffff, gasLimit: 3_000_000, gasPrice: 123_456_789_012_345n, to, data: randHex(300) }, type: 0 },
        { what: 'legacy with explicit type 0', tx: { type: 0, nonce: 12, gasLimit: 21000, gasPrice: 1n, to, data: '0x00' }, type: 0 },
        { what: 'legacy contract creation (no to)', tx: { nonce: 5, gasLimit: 1_000_000, gasPrice: 7n, data: randHex(64) }, type: 0 },
        { what: 'EIP-2930 (type 1, accessList)', tx: { type: 1, nonce: 1, gasLimit: 60000, gasPrice: 2_000_000_000n, to, data: '0x12345678',
            accessList: [{ address: '0x' + '11'.repeat(20), storageKeys: [randHex(32), randHex(32)] }, { address: '0x' + '22'.repeat(20), storageKeys: [] }] }, type: 1 },
        { what: 'EIP-2930 (type 1, no accessList field)', tx: { type: 1, nonce: 6, gasLimit: 21000, gasPrice: 3n, to, data: '0x' }, type: 1 },
        { what: 'legacy, extreme values (nonce 2^53-1, gasLimit 2^64-1, gasPrice 2^256-1)', tx: { nonce: Number.MAX_SAFE_INTEGER, gasLimit: (1n << 64n) - 1n,
            gasPrice: (1n << 256n) - 1n, to, data: '0xff' }, type: 0 },
        { what: 'EIP-2930 (type 1, empty accessList)', tx: { type: 1, nonce: 2, gasLimit: 60000, gasPrice: 1n, to, data: '0xabcdef', accessList: [] }, type: 1 },
        { what: 'EIP-1559 (maxFeePerGas, maxPriorityFeePerGas)', tx: { type: 2, nonce: 3, gasLimit: 100000, maxFeePerGas: 30_000_000_000n, maxPriorityFeePerGas: 1_500_000_000n, to, data: randHex(36) }, type: 2 },
        { what: 'EIP-1559 with accessList and explicit chainId', tx: { type: 2, chainId: CHAIN, nonce: 4, gasLimit: 250000, maxFeePerGas: 2n, maxPriorityFeePerGas: 1n, to,
            data: randHex(68), accessList: [{ address: '0x' + '33'.repeat(20), storageKeys: [randHex(32)] }] }, type: 2 },
        { what: 'EIP-1559 without type field, value 0 explicit', tx: { nonce: 9, gasLimit: 21000, maxFeePerGas: 10n, maxPriorityFeePerGas: 10n, to, value: 0n, data: '0x' }, type: 2 },
    ];
    for (const c of txs) {
        await t.test(`signTransaction ${c.what}: parses, from/chainId/fields right, == Wallet`, async () => {
            for (const k of [keys[0], keys[2]]) {
                const raw = await signers.get(k.address).signTransaction(c.tx);
                // (ethers' Wallet infers type 1 for gasPrice without type; avskey, like geth, legacy)
                const want = await k.wallet.signTransaction({ ...c.tx, type: c.type, chainId: CHAIN });
                assert.equal(raw, want, `${k.name}: byte-for-byte with Wallet.signTransaction`);
                const p = Transaction.from(raw);
                assert.equal(p.type, c.type);
                assert.equal(p.from, k.wallet.address);
                assert.equal(p.chainId, BigInt(CHAIN));
                assert.equal(p.nonce, Number(c.tx.nonce));
                assert.equal(p.gasLimit, BigInt(c.tx.gasLimit));
                assert.equal(p.to, c.tx.to ? getAddress(c.tx.to) : null);
                assert.equal(p.data, c.tx.data.toLowerCase());
                assert.equal(p.value, 0n);
                if (c.type === 2) {
                    assert.equal(p.maxFeePerGas, c.tx.maxFeePerGas);
                    assert.equal(p.maxPriorityFeePerGas, c.tx.maxPriorityFeePerGas);
                } else {
                    assert.equal(p.gasPrice, c.tx.gasPrice);
                }
                if (c.type !== 0) {
                    assert.deepEqual(p.accessList.map((a) => [a.address.toLowerCase(), a.storageKeys]),
                        (c.tx.accessList || []).map((a) => [a.address.toLowerCase(), a.storageKeys]));
                }
                assert.equal(recoverAddress(p.unsignedHash, p.signature), k.wallet.address);
            }
        });
    }

    await t.test('eth_signTransaction sent directly with provider.getRpcTransaction (eigensdk style, batched)', async () => {
        const k = keys[1];
        const tx = { from: k.wallet.address, to, gasLimit: 21000, gasPrice: 5n, nonce: 11, data: '0xa9059cbb' };
        const rpcTx = provider.getRpcTransaction(tx);
        const [a, b] = await Promise.all([provider.send('eth_signTransaction', [rpcTx]),
            provider.send('eth_signTransaction', [{ ...rpcTx, from: rpcTx.from.toUpperCase().replace('0X', '0x') }])]);
        const want = await k.wallet.signTransaction({ ...tx, from: undefined, type: 0, chainId: CHAIN });
        assert.equal(a, want);
        assert.equal(b, want);
    });

    await t.test('150 concurrent signMessage calls: ethers splits them into batches of <= 100, all right', async () => {
        const before = provider.payloads.length;
        const k = keys[2];
        const msgs = Array.from({ length: 150 }, (_, i) => `m${i}`);
        const sigs = await Promise.all(msgs.map((m) => signers.get(k.address).signMessage(m)));
        for (const [i, m] of msgs.entries()) assert.equal(sigs[i], await k.wallet.signMessage(m), m);
        const sizes = provider.payloads.slice(before);
        assert.ok(Math.max(...sizes) > 1 && Math.max(...sizes) <= 100, `payload sizes ${sizes.join(',')}`);
    });

    await t.test('new JsonRpcProvider(url) without a network: detects the chain via eth_chainId, signs', async () => {
        const p = new JsonRpcProvider(d.url);
        try {
            assert.equal((await p.getNetwork()).chainId, BigInt(CHAIN));
            const s = await p.getSigner(keys[1].wallet.address);
            assert.equal(await s.signMessage('auto'), await keys[1].wallet.signMessage('auto'));
            const tx = { type: 2, nonce: 1, gasLimit: 21000, maxFeePerGas: 2n, maxPriorityFeePerGas: 1n, to };
            assert.equal(await s.signTransaction(tx), await keys[1].wallet.signTransaction({ ...tx, chainId: CHAIN }));
        } finally {
            p.destroy();
        }
    });

    const base = { nonce: 1, gasLimit: 21000, gasPrice: 1n, to, data: '0x' };
    await t.test('policy: value > 0 refused (-32000, value transfer), also EIP-1559', async () => {
        const s = signers.get(keys[1].address);
        await expectRpcError(s.signTransaction({ ...base, value: 1n }), -32000, /value transfer/i);
        await expectRpcError(s.signTransaction({ type: 2, nonce: 0, gasLimit: 21000, maxFeePerGas: 2n, maxPriorityFeePerGas: 1n, to, value: 10n ** 18n }),
            -32000, /value transfer/i);
    });

    await t.test('policy: chainId other than --chain-id refused (-32000 Wrong chainId)', async () => {
        const s = signers.get(keys[1].address);
        await expectRpcError(s.signTransaction({ ...base, chainId: 1 }), -32000, /Wrong chainId/);
        await expectRpcError(s.signTransaction({ type: 2, chainId: CHAIN + 1, nonce: 0, gasLimit: 21000, maxFeePerGas: 2n, maxPriorityFeePerGas: 1n, to }),
            -32000, /Wrong chainId/);
    });

    await t.test('gas over 2^64-1 (geth: uint64) is -32602', async () => {
        await expectRpcError(signers.get(keys[1].address).signTransaction({ ...base, gasLimit: 1n << 64n }), -32602, /gas/);
    });

    await t.test('missing nonce: -32602 (single call: HTTP 400; inside a batch: per-call error, others answered)', async () => {
        const s = signers.get(keys[1].address);
        const { nonce, ...noNonce } = base;
        await expectRpcError(s.signTransaction(noNonce), -32602);
        // in one ethers batch with a good call: the good call still succeeds
        const [bad, good] = await Promise.allSettled([s.signTransaction(noNonce), s.signMessage('still fine')]);
        assert.equal(bad.status, 'rejected');
        assert.equal(rpcError(bad.reason).code, -32602);
        assert.equal(good.status, 'fulfilled', String(good.reason));
        assert.equal(good.value, await keys[1].wallet.signMessage('still fine'));
    });

    await t.test('from address mismatch is caught by ethers; unknown sender refused by avskey', async () => {
        const s = signers.get(keys[1].address);
        await assert.rejects(s.signTransaction({ ...base, from: keys[2].wallet.address }), /from address mismatch/);
        const stranger = new JsonRpcSigner(provider, getAddress('0x' + '22'.repeat(20)));
        await expectRpcError(stranger.signTransaction(base), -32000, /No unlocked account/);
        await expectRpcError(stranger.signMessage('x'), -32000, /No unlocked account/);
    });

    await t.test('eth_sendTransaction is not passed through (Method not found)', async () => {
        await expectRpcError(provider.send('eth_sendTransaction', [provider.getRpcTransaction({ ...base, from: keys[1].wallet.address })]), -32601);
    });

    // REST (Web3Signer eth1)
    const pubOf = (k) => '0x' + SigningKey.computePublicKey(k.privateKey, false).slice(4);
    await t.test('REST GET /api/v1/eth1/publicKeys == SigningKey.computePublicKey without 04', async () => {
        const r = await fetch(d.url + '/api/v1/eth1/publicKeys');
        assert.equal(r.status, 200);
        assert.match(r.headers.get('content-type'), /^application\/json/);
        const got = await r.json();
        assert.deepEqual([...got].sort(), keys.map(pubOf).sort());
    });

    await t.test('REST POST /api/v1/eth1/sign/{pubkey}: keccak256(data), applyHash:false, == SigningKey.sign', async () => {
        for (const k of keys) {
            const sk = new SigningKey(k.privateKey);
            for (const data of ['0x68656c6c6f', randHex(1), randHex(32), randHex(500)]) {
                const r = await fetch(d.url + '/api/v1/eth1/sign/' + pubOf(k), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data }) });
                assert.equal(r.status, 200);
                assert.match(r.headers.get('content-type'), /^text\/plain/);
                const sig = await r.text();
                assert.equal(sig, sk.sign(keccak256(data)).serialized, `${k.name} data ${data.slice(0, 20)}`);
                assert.equal(recoverAddress(keccak256(data), sig), k.wallet.address);
            }
            const digest = randHex(32);
            const r = await fetch(d.url + '/api/v1/eth1/sign/' + pubOf(k), { method: 'POST', body: JSON.stringify({ data: digest, applyHash: false }) });
            assert.equal(r.status, 200);
            assert.equal(await r.text(), sk.sign(digest).serialized, `${k.name} applyHash false`);
        }
        const r = await fetch(d.url + '/api/v1/eth1/sign/0x' + '11'.repeat(64), { method: 'POST', body: JSON.stringify({ data: '0x00' }) });
        assert.equal(r.status, 404);
    });

    await t.test('health_status over JSON-RPC', async () => {
        const r = await rawRpc(d.url, 'health_status', []);
        assert.equal(r.body.result, 'OK');
    });
} finally {
    provider.destroy();
    const rc = await d.stop();
    await t.test('daemon stops on SIGTERM with exit status 0', () => assert.equal(rc, 0));
    await t.test('daemon log: JSON lines, no error level, no private key or passphrase', () => checkDaemonLog(d, ks));
}

// A second daemon for Sepolia (chain id 11155111: EIP-155 v needs 4 bytes), ethers' named network.
{
    const SEPOLIA = 11155111;
    const d2 = await setup(t, 'setup: avskey serve --chain-id 11155111 listening', () => startDaemon(ks, ['--chain-id', String(SEPOLIA)]));
    const p = new JsonRpcProvider(d2.url, 'sepolia');
    try {
        await t.test('sepolia (--chain-id 11155111): legacy + EIP-1559 transactions and typed data == Wallet', async () => {
            assert.equal((await p.getNetwork()).chainId, BigInt(SEPOLIA));
            const k = keys[1];
            const s = await p.getSigner(k.wallet.address);
            const legacy = { nonce: 3, gasLimit: 50000, gasPrice: 10n ** 10n, to, data: '0x1234' };
            const raw = await s.signTransaction(legacy);
            assert.equal(raw, await k.wallet.signTransaction({ ...legacy, type: 0, chainId: SEPOLIA }));
            const parsed = Transaction.from(raw);
            assert.equal(parsed.chainId, BigInt(SEPOLIA));
            assert.equal(parsed.signature.networkV, BigInt(SEPOLIA * 2 + 35 + parsed.signature.yParity));
            assert.equal(parsed.from, k.wallet.address);
            const t2 = { type: 2, nonce: 4, gasLimit: 50000, maxFeePerGas: 3n, maxPriorityFeePerGas: 2n, to, data: '0x' };
            assert.equal(await s.signTransaction(t2), await k.wallet.signTransaction({ ...t2, chainId: SEPOLIA }));
            const c = typed[2];
            const dom = { ...c.domain, chainId: SEPOLIA };
            assert.equal(await s.signTypedData(dom, c.types, c.value), await k.wallet.signTypedData(dom, c.types, c.value));
            // and the holesky transaction is now the wrong chain
            await expectRpcError(s.signTransaction({ ...legacy, chainId: CHAIN }), -32000, /Wrong chainId/);
        });
    } finally {
        p.destroy();
        const rc = await d2.stop();
        await t.test('sepolia daemon stops on SIGTERM with exit status 0', () => assert.equal(rc, 0));
    }
}
t.finish();
