// `avskey serve` as a remote signer for viem, unchanged: createWalletClient with an
// http() transport and JSON-RPC accounts (an address string), compared byte for byte with
// viem's local privateKeyToAccount signing for the same keys (2 imported with
// `avskey keys import` + Web3Signer's keyfile.json fixture).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
    createWalletClient, http, defineChain, getAddress, parseTransaction, recoverTransactionAddress,
    verifyMessage, verifyTypedData, recoverMessageAddress, hexToBytes, stringToHex, zeroAddress,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { mainnet } from 'viem/chains';
import fs from 'node:fs';
import path from 'node:path';
import { TOP, harness, requireBinary } from './lib.mjs';
import { makeKeystore, startDaemon, setup, checkDaemonLog } from './daemon.mjs';

requireBinary();
const t = harness('serve_viem');
const CHAIN = 17000;
const randHex = (n) => '0x' + crypto.randomBytes(n).toString('hex');

// The JSON-RPC error behind a viem error: {code, message}. viem turns JSON-RPC errors
// into RpcError subclasses carrying `code`, also when the answer is HTTP 400 (invalid
// params, as Web3Signer does); an HttpRequestError's `details` is the JSON-RPC error.
function rpcError(e) {
    for (let cur = e; cur; cur = cur.cause) {
        if (cur.name === 'HttpRequestError') {
            const err = JSON.parse(cur.details);
            return { code: err.code, message: err.message, status: cur.status };
        }
        if (typeof cur.code === 'number') return { code: cur.code, message: cur.details ?? cur.message };
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
const keys = ks.keys.map((k) => ({ ...k, local: privateKeyToAccount(k.privateKey) }));
const chain = defineChain({
    id: CHAIN, name: 'avskey-test', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [d.url] } },
});
const viemRequests = [];   // sizes of the HTTP bodies viem sent (1 = single call)
const transport = (batch) => http(d.url, {
    batch, retryCount: 0,
    onFetchRequest: async (req) => {
        const b = JSON.parse(await req.clone().text());
        viemRequests.push(Array.isArray(b) ? b.length : 1);
    },
});
const to = getAddress('0x' + 'cd'.repeat(20));
const client = createWalletClient({ chain, transport: transport(false) });
const batched = createWalletClient({ chain, transport: transport(true) });
// one client per key with the JSON-RPC account hoisted (account: address string)
const clientOf = new Map(keys.map((k) => [k.address, createWalletClient({ account: k.wallet.address, chain, transport: transport(false) })]));

try {
    await t.test('getChainId == --chain-id; getAddresses == the imported keys', async () => {
        assert.equal(await client.getChainId(), CHAIN);
        const addrs = await client.getAddresses();
        assert.deepEqual(addrs, keys.map((k) => k.address).sort().map((a) => getAddress(a)));
        assert.deepEqual(await client.request({ method: 'eth_accounts' }), keys.map((k) => k.address).sort());
    });

    const messages = ['hello', '', 'some random data to be signed', '0xdeadbeef', 'Grüße Ωμέγα 日本語 🔑', 'y'.repeat(2000),
        { raw: randHex(32) }, { raw: hexToBytes(randHex(100)) }, { raw: '0x' }, { raw: Uint8Array.of(0) }];
    await t.test(`signMessage (personal_sign): ${messages.length} messages x ${keys.length} keys == privateKeyToAccount`, async () => {
        for (const k of keys) {
            for (const message of messages) {
                const sig = await clientOf.get(k.address).signMessage({ message });
                assert.equal(sig, await k.local.signMessage({ message }), `${k.name} ${JSON.stringify(message).slice(0, 40)}`);
                assert.equal(await recoverMessageAddress({ message, signature: sig }), k.local.address);
                assert.ok(await verifyMessage({ address: k.local.address, message, signature: sig }));
            }
        }
    });

    await t.test('a 20-byte message that is another loaded key\'s address: no param-order guessing', async () => {
        for (const [signer, other] of [[keys[1], keys[2]], [keys[2], keys[2]], [keys[0], keys[1]]]) {
            const message = { raw: other.address };
            const sig = await clientOf.get(signer.address).signMessage({ message });
            assert.equal(sig, await signer.local.signMessage({ message }), `${signer.name} signs ${other.name}'s address`);
        }
    });

    await t.test('the Web3Signer eth_sign vector through viem signMessage, lowercase account', async () => {
        const sig = await client.signMessage({ account: keys[0].address, message: 'some random data to be signed' });
        assert.equal(sig, '0x22cf811d54835be906e45d728dfc8a7a32bb65ce146a4ccb6b689b8d8182a30f'
            + '19fdb947229991b9dfd63b67fe4ebb59a3d3f8d9ed95b27e0c3d34e1800afbd81b');
    });

    await t.test('http({batch: true}): concurrent signMessage calls go in one batch, all right', async () => {
        const before = viemRequests.length;
        const jobs = keys.flatMap((k) => ['a', 'b', 'c'].map((m) => [k, m, batched.signMessage({ account: k.wallet.address, message: m })]));
        for (const [k, m, p] of jobs) assert.equal(await p, await k.local.signMessage({ message: m }));
        const sizes = viemRequests.slice(before);
        assert.ok(sizes.some((n) => n > 1), `viem sent a batch (sizes ${sizes.join(',')})`);
    });

    await t.test('http({batch: {batchSize: 100}}): 150 concurrent calls split into batches <= 100, all right', async () => {
        const c100 = createWalletClient({ chain, transport: http(d.url, { batch: { batchSize: 100 }, retryCount: 0 }) });
        const k = keys[1];
        const sigs = await Promise.all(Array.from({ length: 150 }, (_, i) => c100.signMessage({ account: k.address, message: `b${i}` })));
        for (const [i, sig] of sigs.entries()) assert.equal(sig, await k.local.signMessage({ message: `b${i}` }));
    });

    // viem's default batchSize is 1000; avskey answers batches of up to 1000 calls (geth's limit).
    await t.test('http({batch: true}) with 150 concurrent calls: one batch, all right', async () => {
        const c1000 = createWalletClient({ chain, transport: http(d.url, { batch: true, retryCount: 0 }) });
        const sigs = await Promise.all(Array.from({ length: 150 }, (_, i) => c1000.signMessage({ account: keys[1].address, message: `c${i}` })));
        for (const [i, sig] of sigs.entries()) assert.equal(sig, await keys[1].local.signMessage({ message: `c${i}` }));
    });

    const typed = [
        {
            what: 'Mail: nested struct, struct array, string, bytes',
            domain: { name: 'Ether Mail', version: '1', chainId: CHAIN, verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC' },
            types: {
                Person: [{ name: 'name', type: 'string' }, { name: 'wallet', type: 'address' }],
                Mail: [{ name: 'from', type: 'Person' }, { name: 'to', type: 'Person[]' }, { name: 'contents', type: 'string' },
                    { name: 'attachment', type: 'bytes' }],
            },
            primaryType: 'Mail',
            message: {
                from: { name: 'Cow', wallet: '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826' },
                to: [{ name: 'Bob', wallet: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB' }, { name: 'Ωμέγα', wallet: zeroAddress }],
                contents: 'Hello, Bob!', attachment: randHex(45),
            },
        },
        {
            what: 'atomic types, fixed and nested arrays, bigint extremes, domain with salt',
            domain: { name: 'AVS', version: '2', chainId: CHAIN, verifyingContract: '0x1111111111111111111111111111111111111111', salt: randHex(32) },
            types: {
                Leaf: [{ name: 'ok', type: 'bool' }, { name: 'tag', type: 'bytes4' }, { name: 'blob', type: 'bytes' }],
                Root: [{ name: 'u256', type: 'uint256' }, { name: 'i256', type: 'int256' }, { name: 'i8', type: 'int8' },
                    { name: 'b32', type: 'bytes32' }, { name: 'fixed', type: 'uint16[3]' }, { name: 'matrix', type: 'uint256[][]' },
                    { name: 'leaves', type: 'Leaf[]' }, { name: 'names', type: 'string[]' }],
            },
            primaryType: 'Root',
            message: {
                u256: (1n << 256n) - 1n, i256: -(1n << 255n), i8: -128, b32: randHex(32), fixed: [0, 1, 65535],
                matrix: [[1n], [], [2n, 3n]],
                leaves: [{ ok: true, tag: '0xdeadbeef', blob: '0x' }, { ok: false, tag: '0x00000000', blob: randHex(70) }],
                names: ['', 'é', 'x'.repeat(100)],
            },
        },
    ];
    for (const c of typed) {
        await t.test(`signTypedData (eth_signTypedData_v4): ${c.what}, ${keys.length} keys == privateKeyToAccount`, async () => {
            for (const k of keys) {
                const args = { domain: c.domain, types: c.types, primaryType: c.primaryType, message: c.message };
                const sig = await clientOf.get(k.address).signTypedData(args);
                assert.equal(sig, await k.local.signTypedData(args), k.name);
                assert.ok(await verifyTypedData({ ...args, address: k.local.address, signature: sig }));
            }
        });
    }

    await t.test('signTypedData: a type not reachable from primaryType is ignored (as viem does)', async () => {
        const k = keys[0];
        const args = { domain: { name: 'A', chainId: CHAIN }, types: { M: [{ name: 'x', type: 'uint256' }], Unused: [{ name: 'y', type: 'bool' }] },
            primaryType: 'M', message: { x: 1n } };
        assert.equal(await clientOf.get(k.address).signTypedData(args), await k.local.signTypedData(args));
    });

    await t.test('signTypedData: domain chainId as bigint (JSON string "17000") and salt-only domain', async () => {
        const k = keys[1];
        for (const domain of [{ name: 'Big', chainId: BigInt(CHAIN) }, { chainId: BigInt(CHAIN), salt: randHex(32) }]) {
            const args = { domain, types: typed[0].types, primaryType: 'Mail', message: typed[0].message };
            assert.equal(await clientOf.get(k.address).signTypedData(args), await k.local.signTypedData(args));
        }
    });

    await t.test('eth_signTypedData_v4 with a non-canonical EIP712Domain field order == viem local with the same types', async () => {
        const k = keys[2];
        const types = {
            EIP712Domain: [{ name: 'verifyingContract', type: 'address' }, { name: 'chainId', type: 'uint256' }, { name: 'name', type: 'string' }],
            Vote: [{ name: 'proposal', type: 'uint256' }, { name: 'support', type: 'bool' }],
        };
        const args = { domain: { name: 'Gov', chainId: CHAIN, verifyingContract: to }, types, primaryType: 'Vote', message: { proposal: 42n, support: true } };
        const want = await k.local.signTypedData(args);
        const got = await client.request({ method: 'eth_signTypedData_v4', params: [k.address,
            JSON.stringify({ ...args, message: { proposal: '42', support: true } })] });
        assert.equal(got, want);
    });

    await t.test('40 concurrent non-batched requests (separate HTTP requests), all right', async () => {
        const jobs = Array.from({ length: 40 }, (_, i) => {
            const k = keys[i % keys.length];
            return [k, `par${i}`, client.signMessage({ account: k.wallet.address, message: `par${i}` })];
        });
        for (const [k, m, p] of jobs) assert.equal(await p, await k.local.signMessage({ message: m }), m);
    });

    await t.test('signTypedData with domain chainId 1 is refused (-32000)', async () => {
        const c = typed[0];
        await expectRpcError(clientOf.get(keys[1].address).signTypedData({ domain: { ...c.domain, chainId: 1 },
            types: c.types, primaryType: c.primaryType, message: c.message }), -32000, /chain/i);
    });

        const txs = [
        { what: 'legacy', tx: { nonce: 0, gas: 21000n, gasPrice: 1_000_000_000n, to, data: '0x' }, type: 'legacy' },
        { what: 'legacy with type, calldata', tx: { type: 'legacy', nonce: 77, gas: 500000n, gasPrice: 3n, to, data: randHex(260) }, type: 'legacy' },
        { what: 'EIP-2930', tx: { type: 'eip2930', nonce: 1, gas: 60000n, gasPrice: 2_000_000_000n, to, data: '0x12345678',
            accessList: [{ address: getAddress('0x' + '11'.repeat(20)), storageKeys: [randHex(32), randHex(32)] }] }, type: 'eip2930' },
        { what: 'EIP-2930 without type (accessList + gasPrice)', tx: { nonce: 2, gas: 60000n, gasPrice: 9n, to, data: '0x01',
            accessList: [{ address: getAddress('0x' + '44'.repeat(20)), storageKeys: [] }] }, type: 'eip2930' },
        { what: 'EIP-2930 typed, no accessList', tx: { type: 'eip2930', nonce: 5, gas: 21000n, gasPrice: 4n, to, data: '0x' }, type: 'eip2930' },
        { what: 'EIP-1559', tx: { type: 'eip1559', nonce: 3, gas: 100000n, maxFeePerGas: 30_000_000_000n, maxPriorityFeePerGas: 1_500_000_000n, to, data: randHex(36) }, type: 'eip1559' },
        { what: 'EIP-1559 without type, accessList, contract creation', tx: { nonce: 4, gas: 900000n, maxFeePerGas: 5n, maxPriorityFeePerGas: 5n, data: randHex(100),
            accessList: [{ address: getAddress('0x' + '55'.repeat(20)), storageKeys: [randHex(32)] }] }, type: 'eip1559' },
    ];
    for (const c of txs) {
        await t.test(`signTransaction ${c.what}: == privateKeyToAccount, parseTransaction/recoverTransactionAddress right`, async () => {
            for (const k of [keys[0], keys[1]]) {
                const raw = await clientOf.get(k.address).signTransaction(c.tx);
                assert.equal(raw, await k.local.signTransaction({ ...c.tx, chainId: CHAIN }), `${k.name} byte for byte`);
                const p = parseTransaction(raw);
                assert.equal(p.type, c.type);
                assert.equal(p.chainId, CHAIN);
                assert.equal(p.nonce ?? 0, c.tx.nonce);
                assert.equal(p.gas, c.tx.gas);
                assert.equal(p.to?.toLowerCase(), c.tx.to?.toLowerCase());
                assert.equal(p.data ?? '0x', c.tx.data);
                assert.equal(p.value ?? 0n, 0n);
                if (c.type === 'eip1559') {
                    assert.equal(p.maxFeePerGas, c.tx.maxFeePerGas);
                    assert.equal(p.maxPriorityFeePerGas, c.tx.maxPriorityFeePerGas);
                } else {
                    assert.equal(p.gasPrice, c.tx.gasPrice);
                }
                if (c.type !== 'legacy') assert.deepEqual(p.accessList ?? [], c.tx.accessList ?? []);
                assert.equal(await recoverTransactionAddress({ serializedTransaction: raw }), k.local.address);
            }
        });
    }

    await t.test('client.request eth_signTransaction directly (eigensdk-style fields, no chainId)', async () => {
        const k = keys[2];
        const raw = await client.request({ method: 'eth_signTransaction', params: [{
            from: k.address, to, gas: '0x5208', gasPrice: '0x3b9aca00', nonce: '0x7', data: '0xa9059cbb' }] });
        assert.equal(raw, await k.local.signTransaction({ type: 'legacy', chainId: CHAIN, to, gas: 21000n, gasPrice: 1_000_000_000n, nonce: 7, data: '0xa9059cbb' }));
    });

    const base = { nonce: 1, gas: 21000n, gasPrice: 1n, to, data: '0x' };
    await t.test('policy: value > 0 refused (-32000, value transfer)', async () => {
        await expectRpcError(clientOf.get(keys[1].address).signTransaction({ ...base, value: 1n }), -32000, /value transfer/i);
        await expectRpcError(clientOf.get(keys[1].address).signTransaction({ nonce: 0, gas: 21000n, maxFeePerGas: 2n, maxPriorityFeePerGas: 1n, to, value: 10n ** 18n }),
            -32000, /value transfer/i);
    });

    await t.test('a chain other than --chain-id: viem refuses itself; raw request -> Wrong chainId', async () => {
        const other = defineChain({ ...chain, id: 1 });
        await assert.rejects(client.signTransaction({ account: keys[1].wallet.address, chain: other, ...base }), /chain/i);
        await expectRpcError(client.request({ method: 'eth_signTransaction', params: [{
            from: keys[1].address, to, gas: '0x5208', gasPrice: '0x1', nonce: '0x1', chainId: '0x1' }] }), -32000, /Wrong chainId/);
    });

    await t.test('missing nonce: -32602 (HTTP 400; viem still reports it as InvalidParamsRpcError)', async () => {
        const { nonce, ...noNonce } = base;
        await expectRpcError(clientOf.get(keys[1].address).signTransaction(noNonce), -32602, /nonce/);
    });

    await t.test('unknown account refused (-32000 No unlocked account)', async () => {
        const stranger = getAddress('0x' + '22'.repeat(20));
        await expectRpcError(client.signMessage({ account: stranger, message: 'x' }), -32000, /No unlocked account/);
        await expectRpcError(client.signTransaction({ account: stranger, ...base }), -32000, /No unlocked account/);
    });

    await t.test('eth_sendTransaction is not passed through (-32601)', async () => {
        await expectRpcError(client.request({ method: 'eth_sendTransaction', params: [{ from: keys[1].address, to, gas: '0x5208', gasPrice: '0x1', nonce: '0x1' }] }), -32601);
    });
} finally {
    const rc = await d.stop();
    await t.test('daemon stops on SIGTERM with exit status 0', () => assert.equal(rc, 0));
    await t.test('daemon log: JSON lines, no error level, no private key or passphrase', () => checkDaemonLog(d, ks));
}

// A second daemon for chain id 1 with viem's own `mainnet` chain definition: Web3Signer's
// EIP-712 "My Dapp" vector through viem, and an EIP-155 legacy transaction (v = 37/38).
{
    const d1 = await setup(t, 'setup: avskey serve --chain-id 1 listening', () => startDaemon(ks, ['--chain-id', '1']));
    const c1 = createWalletClient({ chain: mainnet, transport: http(d1.url, { retryCount: 0 }) });
    try {
        await t.test('mainnet (--chain-id 1, viem/chains mainnet): Web3Signer EIP-712 vector, legacy v 37/38, EIP-1559', async () => {
            assert.equal(await c1.getChainId(), 1);
            const myDapp = JSON.parse(fs.readFileSync(path.join(TOP, 'tests/fuzz/corpus/eip712/web3signer_my_dapp.json'), 'utf8'));
            const { EIP712Domain, ...types } = myDapp.types;
            const sig = await c1.signTypedData({ account: keys[0].address, domain: myDapp.domain, types, primaryType: myDapp.primaryType, message: myDapp.message });
            assert.equal(sig, '0x11cb46f70ad43da86e15ca7c6bb28356859a5f4ba430b44dbf1e65726d467be6'
                + '072be9d1e5b40bd5b7abe8888eb91a69f0e6d56a8a094718ed8080baf02d61c31c');
            const k = keys[1];
            const legacy = { nonce: 8, gas: 70000n, gasPrice: 20_000_000_000n, to, data: '0xa9059cbb' };
            const raw = await c1.signTransaction({ account: k.wallet.address, ...legacy });
            assert.equal(raw, await k.local.signTransaction({ ...legacy, chainId: 1 }));
            const p = parseTransaction(raw);
            assert.ok(p.v === 37n || p.v === 38n, `v ${p.v}`);
            assert.equal(p.chainId, 1);
            const t2 = { nonce: 9, gas: 70000n, maxFeePerGas: 40_000_000_000n, maxPriorityFeePerGas: 10n ** 9n, to, data: '0x' };
            const raw2 = await c1.signTransaction({ account: k.wallet.address, ...t2 });
            assert.equal(raw2, await k.local.signTransaction({ ...t2, chainId: 1 }));
            assert.equal(await recoverTransactionAddress({ serializedTransaction: raw2 }), k.local.address);
            // the Holesky client's chain no longer matches: viem itself refuses
            await assert.rejects(createWalletClient({ chain, transport: http(d1.url, { retryCount: 0 }) })
                .signTransaction({ account: k.wallet.address, ...legacy }), /chain/i);
        });
    } finally {
        const rc = await d1.stop();
        await t.test('mainnet daemon stops on SIGTERM with exit status 0', () => assert.equal(rc, 0));
    }
}
t.finish();
